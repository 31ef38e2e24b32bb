/*
 * COM1 16550 console: 115200 8N1, FIFOs on, polled transmit with a
 * bounded wait. The port is used only if it passes a scratch register
 * test and a loopback test at init (many PCs have no COM1). If the
 * transmitter stays busy past the bound, the port is dropped.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/uart16550.h>

#define TX_SPINS	200000	/* ~0.2 s of port reads on hardware */
#define RX_SPINS	10000

static bool com1_ok;
static bool com1_stuck;

static inline void
uart_out(unsigned reg, uint8_t v)
{
	outb(COM1_BASE + reg, v);
}

static inline uint8_t
uart_in(unsigned reg)
{
	return inb(COM1_BASE + reg);
}

static bool
uart_probe(void)
{
	uart_out(UART_SCR, 0x5a);
	if (uart_in(UART_SCR) != 0x5a)
		return false;
	uart_out(UART_SCR, 0xa5);
	return uart_in(UART_SCR) == 0xa5;
}

/* Send a byte to ourselves in loopback mode; the port is real if it arrives. */
static bool
uart_loopback_ok(void)
{
	int i;

	uart_out(UART_MCR, MCR_LOOP | MCR_OUT1 | MCR_OUT2 | MCR_RTS);
	uart_out(UART_THR, 0xae);
	for (i = 0; i < RX_SPINS && !(uart_in(UART_LSR) & LSR_DR); i++)
		cpu_pause();
	if (i == RX_SPINS || uart_in(UART_RBR) != 0xae)
		return false;
	uart_out(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	return true;
}

void
serial_init(void)
{
	if (!uart_probe())
		return;
	uart_out(UART_IER, 0);
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DLL, UART_CLOCK_DIV_115200 & 0xff);
	uart_out(UART_DLM, UART_CLOCK_DIV_115200 >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE | FCR_CLR_RX | FCR_CLR_TX | FCR_TRIG_1);
	if (!uart_loopback_ok())
		return;
	for (int i = 0; i < 64 && (uart_in(UART_LSR) & LSR_DR); i++)
		(void)uart_in(UART_RBR);	/* drain the receive FIFO */
	com1_ok = true;
}

bool
serial_present(void)
{
	return com1_ok && !com1_stuck;
}

static void
serial_putb(uint8_t c)
{
	int i;

	for (i = 0; i < TX_SPINS && !(uart_in(UART_LSR) & LSR_THRE); i++)
		cpu_pause();
	if (i == TX_SPINS) {
		com1_stuck = true;
		console_screen_puts("\nCOM1: transmitter stuck; "
		    "serial console off\n");
		return;
	}
	uart_out(UART_THR, c);
}

void
serial_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && serial_present(); i++) {
		if (buf[i] == '\n')
			serial_putb('\r');
		serial_putb((uint8_t)buf[i]);
	}
}

int
serial_getc(void)
{
	if (!com1_ok || !(uart_in(UART_LSR) & LSR_DR))
		return -1;
	return uart_in(UART_RBR);
}

int
serial_enable_rx_intr(void)
{
	if (!com1_ok)
		return -1;
	uart_out(UART_IER, IER_RDA);
	return COM1_ISA_IRQ;
}
