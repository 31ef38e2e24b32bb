/*
 * 16550 UART registers (offsets from the I/O base) and bits, from the
 * National Semiconductor PC16550D data sheet.
 */
#ifndef X86_UART16550_H
#define X86_UART16550_H

#define COM1_BASE	0x3f8
#define COM1_ISA_IRQ	4
#define UART_CLOCK_DIV_115200	1	/* 1.8432 MHz / 16 / 115200 */

#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define  IER_RDA	0x01	/* received data available */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2	/* FIFO control (write) */
#define  FCR_ENABLE	0x01
#define  FCR_CLR_RX	0x02
#define  FCR_CLR_TX	0x04
#define  FCR_TRIG_1	0x00	/* receive interrupt after 1 byte */
#define UART_LCR	3	/* line control */
#define  LCR_8N1	0x03
#define  LCR_DLAB	0x80
#define UART_MCR	4	/* modem control */
#define  MCR_DTR	0x01
#define  MCR_RTS	0x02
#define  MCR_OUT1	0x04
#define  MCR_OUT2	0x08	/* gates the interrupt line on PCs */
#define  MCR_LOOP	0x10
#define UART_LSR	5	/* line status */
#define  LSR_DR		0x01	/* data ready */
#define  LSR_THRE	0x20	/* transmit holding register empty */
#define UART_MSR	6
#define UART_SCR	7	/* scratch */

#endif
