# aarch64: compiler flags, sources and linker script for the kernel side.
NEWLIB_TARGET := aarch64-elf
CROSS := aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
AR := $(CROSS)ar
NM := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
STRIP := $(CROSS)strip
# Kernel code never touches FP/SIMD registers (exception entry saves only
# general registers). The app and newlib may use them.
ARCH_KERNEL_CFLAGS := -mgeneral-regs-only -mcmodel=small
ARCH_LIBC_CFLAGS := -mcmodel=small
ARCH_ENTRY_SRCS := boot/aarch64/entry.S
ARCH_SRCS := $(filter-out $(ARCH_ENTRY_SRCS),$(wildcard arch/arm/*.c arch/arm/*.S boot/aarch64/*.c boot/aarch64/*.S))
ARCH_ENTRY_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(ARCH_ENTRY_SRCS))
LDSCRIPT := boot/aarch64/kernel.ld
