/*
 * The 8259A pair. Always remapped to vectors 0x20-0x2f (so that a stray
 * interrupt cannot look like a CPU exception) and fully masked; in the
 * fallback mode without an I/O APIC, lines are unmasked one by one.
 * Invariant: pic_imr mirrors both mask registers (bit n = line n masked);
 * the cascade line 2 is unmasked exactly when a slave line is.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/pic8259.h>
#include <x86/vectors.h>

static uint16_t pic_imr = 0xffff;

static void
pic_write_imr(void)
{
	uint16_t imr = pic_imr;

	if ((imr & 0xff00) != 0xff00)
		imr &= (uint16_t)~(1 << PIC_CASCADE_IRQ);
	else
		imr |= 1 << PIC_CASCADE_IRQ;
	outb(PIC1_DATA, imr & 0xff);
	outb(PIC2_DATA, imr >> 8);
}

void
pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC1_DATA, VEC_PIC_BASE);		/* ICW2: vector base */
	io_delay();
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	io_delay();
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	io_delay();
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	pic_imr = 0xffff;
	pic_write_imr();
}

void
pic_mask(int irq)
{
	pic_imr |= (uint16_t)(1 << irq);
	pic_write_imr();
}

void
pic_unmask(int irq)
{
	pic_imr &= (uint16_t)~(1 << irq);
	pic_write_imr();
}

void
pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t
pic_read_isr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_ISR);
	return inb(cmd);
}

/*
 * IRQ 7 / 15 with the in-service bit clear is a spurious interrupt: no
 * EOI to the chip that raised it (a spurious 15 still needs the master's
 * EOI for the cascade).
 */
bool
pic_is_spurious(int irq)
{
	if (irq == 7)
		return (pic_read_isr(PIC1_CMD) & 0x80) == 0;
	if (irq == 15 && (pic_read_isr(PIC2_CMD) & 0x80) == 0) {
		outb(PIC1_CMD, OCW2_EOI);
		return true;
	}
	return false;
}
