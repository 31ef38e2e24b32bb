# aarch64: compiler flags, sources and linker script for the kernel side.
NEWLIB_TARGET := aarch64-elf
CROSS := aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
AR := $(CROSS)ar
NM := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
STRIP := $(CROSS)strip
# Kernel code uses no FP/SIMD registers; exception entry saves them anyway
# (q0-q31, FPSR, FPCR), since anything it calls from newlib may. Early
# boot runs with the MMU off, where memory is Device and an unaligned
# access faults: hence -mstrict-align. Atomics are inline: libgcc's
# outline ones need getauxval(), which only Linux has.
ARCH_KERNEL_CFLAGS := -mgeneral-regs-only -mcmodel=small -mstrict-align \
	-mno-outline-atomics
ARCH_LIBC_CFLAGS := -mcmodel=small -mno-outline-atomics
ARCH_ENTRY_SRCS := boot/aarch64/entry.S
ARCH_SRCS := $(filter-out $(ARCH_ENTRY_SRCS) arch/arm/board_%.c,$(wildcard arch/arm/*.c arch/arm/*.S boot/aarch64/*.c boot/aarch64/*.S))
ARCH_ENTRY_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(ARCH_ENTRY_SRCS))
LDSCRIPT := boot/aarch64/kernel.ld

# Boards: where the image is linked, and arch/arm/board_<board>.c, the
# board's fallbacks when there is no device tree (arm/board.h). QEMU
# virt (no BOARD) puts RAM at 1 GiB and the device tree at its start;
# the Raspberry Pi 3 firmware loads kernel8.img at 0x80000 with RAM
# from 0. Every driver is built for every board: the device tree picks.
ARCH_SRCS += arch/arm/board_$(or $(BOARD),virt).c
ifeq ($(BOARD),rpi3)
ARCH_LDFLAGS := --defsym=KERNEL_BASE=0x80000 --defsym=RAM_BASE=0
endif
# make run boots the ELF by default (QEMU_BOOT=kernel|image).
QEMU_BOOT ?= kernel
