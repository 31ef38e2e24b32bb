/*
 * Arm PrimeCell UART (PL011) registers (PL011 Technical Reference Manual
 * r1p5, chapter 3).
 */
#ifndef ARM_PL011_H
#define ARM_PL011_H

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24		/* integer baud divisor */
#define UART_FBRD 0x28		/* fractional, in 64ths */
#define UART_LCR_H 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define UART_FR_BUSY 0x08
#define UART_FR_RXFE 0x10
#define UART_FR_TXFF 0x20
#define UART_LCR_FEN 0x10		/* FIFOs on */
#define UART_LCR_WLEN8 0x60
#define UART_CR_UARTEN 0x001
#define UART_CR_TXE 0x100
#define UART_CR_RXE 0x200
#define UART_INT_RX 0x10		/* RXIM: receive FIFO level */
#define UART_INT_RT 0x40		/* RTIM: receive timeout */
#define UART_INT_ALL 0x7ff
#define UART_DR_DATA 0xff

#endif
