# x86_64: compiler flags, sources and linker script for the kernel side.
NEWLIB_TARGET := x86_64-elf
CC := gcc
LD := ld
AR := ar
NM := nm
OBJCOPY := objcopy
STRIP := strip
# Kernel code never touches SSE registers (interrupt entry saves only
# general registers) and keeps no red zone.
ARCH_KERNEL_CFLAGS := -m64 -mno-red-zone -mgeneral-regs-only -mcmodel=small
ARCH_LIBC_CFLAGS := -m64 -mno-red-zone -mcmodel=small
ARCH_ENTRY_SRCS := boot/x86_64/entry.S
ARCH_SRCS := $(filter-out $(ARCH_ENTRY_SRCS),$(wildcard arch/x86/*.c arch/x86/*.S boot/x86_64/*.c boot/x86_64/*.S))
ARCH_ENTRY_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(ARCH_ENTRY_SRCS))
LDSCRIPT := boot/x86_64/kernel.ld
# make run boots the GRUB ISO by default (QEMU_BOOT=iso|kernel|uefi).
QEMU_BOOT ?= iso
# The AML interpreter runs once at boot: small beats fast.
$(BUILD)/kernel/arch/x86/aml_%.c.o: OBJ_CFLAGS := -Os
# string.c: its loops must not become calls to memcpy/memset.
$(BUILD)/kernel/arch/x86/string.c.o: OBJ_CFLAGS := -fno-tree-loop-distribute-patterns
