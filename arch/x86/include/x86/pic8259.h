/* Intel 8259A programmable interrupt controller pair, as wired in PCs. */
#ifndef X86_PIC8259_H
#define X86_PIC8259_H

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_CASCADE_IRQ	2

#define ICW1_ICW4	0x01	/* ICW4 follows */
#define ICW1_INIT	0x10
#define ICW3_MASTER_SLAVE_ON_IRQ2	0x04
#define ICW3_SLAVE_ID	0x02
#define ICW4_8086	0x01
#define OCW2_EOI	0x20	/* non-specific end of interrupt */
#define OCW3_READ_ISR	0x0b

#endif
