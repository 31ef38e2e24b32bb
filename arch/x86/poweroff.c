/*
 * Halt and power-off. Under QEMU (fw_cfg signature, looked for only when
 * CPUID says we run under a hypervisor) the status goes to the
 * isa-debug-exit port, which ends QEMU with (status << 1) | 1. Otherwise,
 * or if that device is absent, ACPI S5 through the FADT's PM1 control
 * blocks with SLP_TYP from the DSDT's \_S5 package; failing that, halt.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/acpi.h>
#include <x86/arch.h>
#include <x86/cpu.h>

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_SIGNATURE	0x0000
#define QEMU_DEBUG_EXIT_PORT	0xf4
#define ACPI_ENABLE_WAIT_MS	3000
#define S5_WAIT_MS		1000

static bool
running_under_qemu(void)
{
	static const char sig[4] = { 'Q', 'E', 'M', 'U' };

	if (!x86_cpu.xc_hypervisor)
		return false;
	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		if (inb(FW_CFG_PORT_DATA) != (uint8_t)sig[i])
			return false;
	return true;
}

static uint32_t
fadt_u32(unsigned off)
{
	const struct acpi_header *h =
	    (const struct acpi_header *)acpi_info.ac_fadt;
	uint32_t v;

	if (h == NULL || h->ah_length < off + 4)
		return 0;
	__builtin_memcpy(&v, (const uint8_t *)h + off, 4);
	return v;
}

/* An AML integer constant at aml[*p] (Zero, One, BytePrefix, WordPrefix). */
static bool
aml_small_int(const uint8_t *aml, uint32_t len, uint32_t *p, unsigned *v)
{
	if (*p >= len)
		return false;
	switch (aml[*p]) {
	case AML_ZERO:
		*v = 0;
		*p += 1;
		return true;
	case AML_ONE:
		*v = 1;
		*p += 1;
		return true;
	case AML_BYTE_PREFIX:
		if (*p + 1 >= len)
			return false;
		*v = aml[*p + 1];
		*p += 2;
		return true;
	}
	return false;
}

/* Name(_S5_, Package(){ SLP_TYPa, SLP_TYPb, ... }) in the DSDT. */
static bool
s5_sleep_types(unsigned *typa, unsigned *typb)
{
	const struct acpi_header *h =
	    (const struct acpi_header *)acpi_info.ac_dsdt;
	const uint8_t *aml;
	uint32_t len, p;

	if (h == NULL)
		return false;
	aml = (const uint8_t *)h + sizeof(*h);
	len = h->ah_length - sizeof(*h);
	for (uint32_t i = 0; i + 4 < len; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' ||
		    aml[i + 3] != '_' || aml[i + 4] != AML_PACKAGE)
			continue;
		p = i + 5;
		if (p >= len)
			return false;
		p += 1 + (aml[p] >> 6);		/* PkgLength */
		p += 1;				/* NumElements */
		return aml_small_int(aml, len, &p, typa) &&
		    aml_small_int(aml, len, &p, typb);
	}
	return false;
}

static void
acpi_enter_acpi_mode(uint16_t pm1a)
{
	uint32_t smi_cmd = fadt_u32(FADT_SMI_CMD);
	uint8_t enable = (uint8_t)fadt_u32(FADT_ACPI_ENABLE);

	if ((inw(pm1a) & PM1_SCI_EN) || smi_cmd == 0 || enable == 0)
		return;
	outb((uint16_t)smi_cmd, enable);
	for (int ms = 0; ms < ACPI_ENABLE_WAIT_MS; ms++) {
		if (inw(pm1a) & PM1_SCI_EN)
			return;
		tsc_delay_us(1000);
	}
	cons_printf("poweroff: the firmware did not switch to ACPI mode\n");
}

static void
pm1_sleep(uint16_t port, unsigned typ)
{
	uint16_t v = inw(port) & ~(7 << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);

	outw(port, v | (uint16_t)(typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}

static void
acpi_poweroff(void)
{
	uint32_t pm1a = fadt_u32(FADT_PM1A_CNT), pm1b = fadt_u32(FADT_PM1B_CNT);
	unsigned typa, typb;

	if (pm1a == 0 || pm1a > 0xffff || !s5_sleep_types(&typa, &typb)) {
		cons_printf("poweroff: no ACPI S5 information\n");
		return;
	}
	acpi_enter_acpi_mode((uint16_t)pm1a);
	pm1_sleep((uint16_t)pm1a, typa);
	if (pm1b != 0 && pm1b <= 0xffff)
		pm1_sleep((uint16_t)pm1b, typb);
	tsc_delay_us(S5_WAIT_MS * 1000);
	cons_printf("poweroff: ACPI S5 did not take effect\n");
}

__attribute__((noreturn)) void
plat_poweroff(int status)
{
	cli();
	if (running_under_qemu())
		outl(QEMU_DEBUG_EXIT_PORT, (uint32_t)status);
	acpi_poweroff();
	console_puts_raw("system halted: it is now safe to power off\n");
	cpu_halt_forever();
}

__attribute__((noreturn)) void
plat_halt(const char *msg)
{
	cli();
	if (msg != NULL) {
		console_puts_raw(msg);
		console_puts_raw("\n");
	}
	console_puts_raw("*** system halted\n");
	cpu_halt_forever();
}
