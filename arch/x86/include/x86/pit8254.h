/* Intel 8254 programmable interval timer and the PC speaker gate port. */
#ifndef X86_PIT8254_H
#define X86_PIT8254_H

#define PIT_HZ		1193182
#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define  PIT_SEL_CH0	0x00
#define  PIT_SEL_CH2	0x80
#define  PIT_RW_LOHI	0x30
#define  PIT_LATCH	0x00	/* counter latch command (RW bits 00) */
#define  PIT_MODE0	0x00	/* interrupt on terminal count (one-shot) */
#define  PIT_MODE2	0x04	/* rate generator (periodic, no stop) */
#define PIT_ISA_IRQ	0
#define PORT_SPEAKER	0x61	/* system control port B */
#define  SPK_GATE2	0x01	/* channel 2 gate */
#define  SPK_DATA	0x02	/* speaker enable */
#define  SPK_OUT2	0x20	/* channel 2 output (read only) */

#endif
