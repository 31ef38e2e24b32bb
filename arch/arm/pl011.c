/*
 * The console: an Arm PL011 UART (arm/pl011.h), found in the device tree
 * (the /chosen stdout-path node if it is a PL011, else the first enabled
 * "arm,pl011"), or at the board's address (arm/board.h: QEMU virt's
 * 0x09000000, the Raspberry Pi 3's 0x3f201000) without a usable tree.
 *
 * The baud rate is left as the firmware set it; an unconfigured UART
 * gets 8N1 with FIFOs and is enabled, at 115200 baud if the board knows
 * the UART clock (the Pi's config.txt fixes it at 48 MHz). Output polls
 * the transmit FIFO with a bounded wait, so a stuck UART loses
 * characters instead of hanging the kernel. Input: the receive and
 * receive-timeout interrupts on the UART's platform line (from the
 * tree once the interrupt controller is known, else the board's),
 * drained by plat_cons_getc in the line's thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/board.h>
#include <arm/mmio.h>
#include <arm/pl011.h>

#define TX_SPINS 200000		/* per character: about 20 ms at 115200 */
#define BAUD 115200

static uintptr_t uart_base;
static int uart_node = -1;
static int uart_line = -1;	/* platform line of the UART's interrupt */

static uint32_t
uart_read(unsigned reg)
{
	return mmio_read32(uart_base + reg);
}

static void
uart_write(unsigned reg, uint32_t v)
{
	mmio_write32(uart_base + reg, v);
}

static int
find_uart(const struct fdt *fdt)
{
	int node = fdt_stdout_node(fdt);

	if (node >= 0 && fdt_prop_has(fdt, node, "compatible", "arm,pl011"))
		return node;
	for (node = -1; (node = fdt_find_compatible(fdt, node,
	    "arm,pl011")) >= 0;)
		if (fdt_node_enabled(fdt, node))
			return node;
	return -1;
}

static void
uart_setup(void)
{
	if (uart_read(UART_CR) & UART_CR_UARTEN) {
		uart_write(UART_CR, uart_read(UART_CR) | UART_CR_TXE |
		    UART_CR_RXE);
		return;
	}
	if (arm_board.bd_uart_clock != 0) {
		/* divisor = clock / (16 * baud), in 64ths, rounded */
		uint32_t div64 = (arm_board.bd_uart_clock * 4 + BAUD / 2) /
		    BAUD;

		uart_write(UART_IBRD, div64 >> 6);
		uart_write(UART_FBRD, div64 & 0x3f);
	}
	uart_write(UART_LCR_H, UART_LCR_FEN | UART_LCR_WLEN8);
	uart_write(UART_CR, UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

void
pl011_init(const struct fdt *fdt)
{
	uint64_t base, size;
	int node = fdt != NULL ? find_uart(fdt) : -1;

	uart_base = arm_board.bd_uart_base;
	if (node >= 0 && dt_reg(fdt, node, 0, &base, &size) == 0) {
		uart_base = (uintptr_t)base;
		uart_node = node;
	}
	uart_write(UART_IMSC, 0);
	uart_write(UART_ICR, UART_INT_ALL);
	uart_setup();
	if (fdt == NULL)
		cons_printf("console: no usable device tree; assuming the "
		    "%s PL011 at 0x%lx\n", arm_board.bd_name,
		    (unsigned long)uart_base);
	else if (uart_node < 0)
		cons_printf("console: no PL011 in the device tree; trying "
		    "0x%lx\n", (unsigned long)uart_base);
}

void
pl011_irq_init(const struct fdt *fdt)
{
	if (fdt == NULL || uart_node < 0)
		uart_line = arm_board.bd_uart_line;
	else
		uart_line = gic_fdt_line(fdt, uart_node, 0);
	if (uart_line >= 0)
		cons_logf("console: PL011 at 0x%lx, platform line %d\n",
		    (unsigned long)uart_base, uart_line);
	else
		cons_logf("console: PL011 at 0x%lx, no interrupt: input is "
		    "polled\n", (unsigned long)uart_base);
}

static void
uart_putc(char c)
{
	for (unsigned spins = 0; uart_read(UART_FR) & UART_FR_TXFF; spins++)
		if (spins == TX_SPINS)
			return;
	uart_write(UART_DR, (uint8_t)c);
}

void
plat_cons_write(const char *buf, size_t len)
{
	if (uart_base == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
	}
}

void
console_puts_raw(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	plat_cons_write(s, n);
}

void
console_drain(void)
{
	for (unsigned spins = 0; uart_base != 0 && spins < TX_SPINS * 16 &&
	    (uart_read(UART_FR) & UART_FR_BUSY); spins++)
		continue;
}

int
plat_cons_getc(void)
{
	if (uart_base == 0)
		return -1;
	/*
	 * Empty: clear the receive interrupts, then look again. A byte
	 * that arrived before the clear is read now; one after it raises
	 * the interrupt anew. (Clearing after the look would lose the
	 * interrupt of a byte arriving in between, and the byte with it.)
	 */
	if (uart_read(UART_FR) & UART_FR_RXFE) {
		uart_write(UART_ICR, UART_INT_RX | UART_INT_RT);
		if (uart_read(UART_FR) & UART_FR_RXFE)
			return -1;
	}
	return (int)(uart_read(UART_DR) & UART_DR_DATA);
}

int
plat_cons_irq(void)
{
	if (uart_line < 0)
		return -1;
	uart_write(UART_IMSC, UART_INT_RX | UART_INT_RT);
	return uart_line;
}
