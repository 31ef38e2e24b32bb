/*
 * The console: an Arm PL011 UART (arm/pl011.h), found in the device tree
 * (the /chosen stdout-path node if it is a PL011, else the first enabled
 * "arm,pl011"), or at QEMU virt's address when there is no usable tree.
 *
 * The baud rate is left as the firmware set it (we do not know the UART
 * clock); an unconfigured UART gets 8N1 with FIFOs and is enabled.
 * Output polls the transmit FIFO with a bounded wait, so a stuck UART
 * loses characters instead of hanging the kernel. Input: the receive and
 * receive-timeout interrupts on the UART's SPI, drained by
 * plat_cons_getc in the line's thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/layout.h>
#include <arm/mmio.h>
#include <arm/pl011.h>

#define TX_SPINS 200000		/* per character: about 20 ms at 115200 */

static uintptr_t uart_base;
static int uart_line = -1;	/* platform line of the UART's SPI */

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
	uart_write(UART_LCR_H, UART_LCR_FEN | UART_LCR_WLEN8);
	uart_write(UART_CR, UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

void
pl011_init(const struct fdt *fdt)
{
	struct fdt_irq irq;
	uint64_t base, size;
	int node = fdt != NULL ? find_uart(fdt) : -1;

	uart_base = VIRT_PL011_BASE;
	if (node >= 0 && fdt_reg(fdt, node, 0, &base, &size) == 0)
		uart_base = (uintptr_t)base;
	uart_write(UART_IMSC, 0);
	uart_write(UART_ICR, UART_INT_ALL);
	uart_setup();
	if (node >= 0 && fdt_irq(fdt, node, 0, &irq) == 0 &&
	    irq.fi_type == FDT_IRQ_SPI && irq.fi_num < PLAT_NIRQ)
		uart_line = (int)irq.fi_num;	/* line = INTID - 32 */
	if (fdt == NULL)
		cons_printf("console: no usable device tree; assuming the "
		    "QEMU virt PL011 at 0x%lx\n", (unsigned long)uart_base);
	else if (node < 0)
		cons_printf("console: no PL011 in the device tree; trying "
		    "0x%lx\n", (unsigned long)uart_base);
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
	if (uart_read(UART_FR) & UART_FR_RXFE) {
		uart_write(UART_ICR, UART_INT_RX | UART_INT_RT);
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
