# rumpmetal: one C application plus drivers -> a bootable image.
#
#   make run  [APP=hello] [QEMU_BOOT=iso|kernel|uefi] [QEMU_ARGS=...]
#   make test
#   make iso | image | bench | clean
#   make ARCH=aarch64 BOARD=rpi3 image     (+ SD card layout in build/aarch64/rpi3/)
#   make ARCH=aarch64 BOARD=rpi3 ADAPTER=jlink|ftdi|cmsis-dap flash
#
# ARCH selects the target: x86_64 (default) or aarch64. APP is a directory
# under apps/ or a path to your own application directory (a main.c and
# optionally more .c files). Objects go to build/<arch>/.

ARCH ?= x86_64
APP ?= hello
QEMU_ARGS ?=
V ?= 0

TOP := $(CURDIR)
# A board build links at the board's address: it gets its own tree.
BUILD := build/$(ARCH)$(if $(BOARD),-$(BOARD))
NEWLIB_BUILD := build/$(ARCH)
Q := $(if $(filter 1,$(V)),,@)

ifeq ($(ARCH),x86_64)
ARCHDIR := x86
else ifeq ($(ARCH),aarch64)
ARCHDIR := arm
else
$(error ARCH=$(ARCH) is not supported (supported: x86_64, aarch64))
endif
include arch/$(ARCHDIR)/arch.mk

# The application: apps/<APP> if it exists, else APP is a path.
APP_DIR := $(if $(wildcard apps/$(APP)/main.c),apps/$(APP),$(patsubst %/,%,$(APP)))
ifeq ($(wildcard $(APP_DIR)/main.c),)
$(error APP=$(APP): no main.c in apps/$(APP) or in $(APP))
endif
APP_NAME := $(notdir $(abspath $(APP_DIR)))
APP_SRCS := $(wildcard $(APP_DIR)/*.c)
APP_BUILD := $(BUILD)/app-$(APP_NAME)
APP_OBJS := $(patsubst $(APP_DIR)/%.c,$(APP_BUILD)/%.o,$(APP_SRCS)) \
	$(APP_BUILD)/appname.o

WARN := -Wall -Wextra -Werror
DEPFLAGS = -MMD -MP

# Kernel side: arch, boot, hypercall-bm. No libc headers, no SSE.
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-strict-aliasing $(ARCH_KERNEL_CFLAGS) -Iinclude -Iarch/$(ARCHDIR)/include

# libc side: newlib headers; the app and sys/libc.
NEWLIB := $(NEWLIB_BUILD)/newlib/$(NEWLIB_TARGET)
# The stamp names the newlib build recipe: bump it when tools/newlib.sh
# changes how newlib is built, and every tree rebuilds it once.
NEWLIB_STAMP := $(NEWLIB_BUILD)/newlib-3.3.0-r3.stamp
NEWLIB_DEFS := $(shell tools/newlib.sh --defs)
LIBC_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(NEWLIB)/include -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	$(NEWLIB_DEFS) $(ARCH_LIBC_CFLAGS) -Iinclude/libc -Iinclude
APP_CFLAGS := $(LIBC_CFLAGS:$(WARN)=) $(WARN)

KERNEL_SRCS := $(ARCH_SRCS) $(wildcard boot/*.c) $(wildcard hypercall-bm/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
# The rump kernel (sys/): portable, over the hypercall contract only. It
# takes errno values from the libc it runs with, hence newlib's headers.
# The network (sys/net, sys/netinet, the NIC drivers and the socket part
# of the libc glue) goes only into applications that use it: NET=auto
# (the default) asks tools/needs-net.sh, NET=yes or NET=no decides.
NET ?= auto
SYS_NET_SRCS := $(wildcard sys/net/*.c) $(wildcard sys/netinet/*.c) \
	$(wildcard drivers/pci/if_*.c) $(wildcard drivers/pci/virt*.c)
# USB (the core, class drivers and the xHCI driver) goes into
# applications that read input, open disks or use the network: USB=auto
# asks tools/needs-usb.sh. USB network adapters need both.
USB ?= auto
SYS_USBNET_SRCS := $(wildcard sys/dev/usb/if_*.c)
SYS_USB_SRCS := $(filter-out $(SYS_USBNET_SRCS),$(wildcard sys/dev/usb/*.c)) \
	$(wildcard drivers/pci/xhci*.c) sys/kern/disk.c sys/kern/ttyin.c
SYS_SRCS := $(filter-out $(SYS_NET_SRCS) $(SYS_USB_SRCS),$(wildcard sys/kern/*.c) \
	$(wildcard drivers/pci/*.c))
SYS_OBJS := $(patsubst %,$(BUILD)/sys/%.o,$(SYS_SRCS))
SYS_NET_OBJS := $(patsubst %,$(BUILD)/sys/%.o,$(SYS_NET_SRCS))
SYS_USB_OBJS := $(patsubst %,$(BUILD)/sys/%.o,$(SYS_USB_SRCS))
SYS_USBNET_OBJS := $(patsubst %,$(BUILD)/sys/%.o,$(SYS_USBNET_SRCS))
# -fbuiltin after -ffreestanding (which turns GCC's builtins off): in
# the rump kernel a memcpy or memset of a small known size becomes a load
# or store, not a call into newlib (the checksum's 4-byte loads were
# calls to rep movsb, a third of the instructions of a TCP transfer).
# Not for the allocators (hypercall-bm, the libc glue): with builtins
# GCC may turn malloc+memset into a call to calloc, inside calloc.
SYS_CFLAGS = $(KERNEL_CFLAGS) -fbuiltin -isystem $(NEWLIB)/include
LIBC_NET_SRCS := $(addprefix sys/libc/,socket.c poll.c netinfo.c) \
	$(wildcard sys/libc/netdb*.c) $(wildcard sys/libc/resolv*.c)
LIBC_USB_SRCS := sys/libc/devdisk.c sys/libc/input.c
LIBC_SRCS := $(filter-out $(LIBC_NET_SRCS) $(LIBC_USB_SRCS),$(wildcard sys/libc/*.c))
LIBC_OBJS := $(patsubst %,$(BUILD)/libc/%.o,$(LIBC_SRCS))
LIBC_NET_OBJS := $(patsubst %,$(BUILD)/libc/%.o,$(LIBC_NET_SRCS))
LIBC_USB_OBJS := $(patsubst %,$(BUILD)/libc/%.o,$(LIBC_USB_SRCS))
NET_LIBS := $(BUILD)/librumpnet.a $(BUILD)/libsyslibc-net.a
USB_LIBS := $(BUILD)/librumpusb.a $(BUILD)/libsyslibc-usb.a
USBNET_LIBS := $(BUILD)/librumpusbnet.a
# The archives are remade when this file changes: it says what goes in.
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

IMAGE := $(BUILD)/$(APP_NAME).elf
ISO := $(BUILD)/$(APP_NAME).iso

include arch/$(ARCHDIR)/image.mk
include images/board.mk

.PHONY: all image iso run test unit qemu-tests bench deps newlib clean distclean
.DEFAULT_GOAL := all
all: image
image: $(IMAGE) $(IMAGE_EXTRA) $(if $(BOARD),sdcard)
iso: $(ISO)

deps:
	$(Q)tools/deps.sh $(ARCH)

$(NEWLIB_STAMP):
	$(Q)tools/deps.sh $(ARCH)
	$(Q)tools/newlib.sh $(ARCH) $(NEWLIB_BUILD) $@

newlib: $(NEWLIB_STAMP)

# Objects depend on the flags they were compiled with: the file changes
# (and everything recompiles) when the compiler flags do.
FLAGS_FILE := $(BUILD)/cflags
FLAGS_NOW := $(CC) $(KERNEL_CFLAGS) | $(SYS_CFLAGS) | $(LIBC_CFLAGS) | $(APP_CFLAGS)
$(shell mkdir -p $(BUILD) && { [ -f $(FLAGS_FILE) ] && \
	[ "$$(cat $(FLAGS_FILE))" = '$(FLAGS_NOW)' ] || \
	echo '$(FLAGS_NOW)' >$(FLAGS_FILE); })

$(BUILD)/kernel/%.c.o: %.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) $(OBJ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/kernel/%.S.o: %.S $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) $(OBJ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/sys/%.c.o: %.c $(NEWLIB_STAMP) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(SYS_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libc/%.c.o: %.c $(NEWLIB_STAMP) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(LIBC_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(APP_BUILD)/%.o: $(APP_DIR)/%.c $(NEWLIB_STAMP) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(APP_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The image knows its application's name (argv[0]).
$(APP_BUILD)/appname.o: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'const char bmk_app_name[] = "%s";\n' '$(APP_NAME)' | \
	    $(CC) $(KERNEL_CFLAGS) -x c -c - -o $@

$(BUILD)/libkernel.a: $(KERNEL_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/librump.a: $(SYS_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/libsyslibc.a: $(LIBC_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/librumpnet.a: $(SYS_NET_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/librumpusb.a: $(SYS_USB_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/libsyslibc-usb.a: $(LIBC_USB_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/librumpusbnet.a: $(SYS_USBNET_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

$(BUILD)/libsyslibc-net.a: $(LIBC_NET_OBJS) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

# Two link passes: the second carries the symbol table that fault reports
# use. The table's section comes after text, so text addresses match.
# All of librump.a is linked: drivers register through a linker set,
# which no reference pulls out of an archive. All of libsyslibc.a is
# linked too: it replaces newlib's malloc family, and a symbol both define
# (_malloc_r, which newlib's stdio and dtoa call from inside libc.a) would
# otherwise resolve to newlib's own malloc, which has no heap here.
# $$netlibs: the network libraries when the application uses them,
# $$usblibs the USB ones (set in the recipe).
LINK_LIBS = --whole-archive $(BUILD)/libsyslibc.a $(BUILD)/librump.a \
	$$netlibs $$usblibs --no-whole-archive $(BUILD)/libkernel.a \
	--start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) \
	$(BUILD)/libkernel.a --end-group
LINK = $(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments $(ARCH_LDFLAGS) -T $(LDSCRIPT)

$(BUILD)/ksyms-empty.o: tools/mksyms.sh
	@mkdir -p $(dir $@)
	$(Q)tools/mksyms.sh </dev/null >$(BUILD)/ksyms-empty.S
	$(Q)$(CC) -c $(BUILD)/ksyms-empty.S -o $@

$(IMAGE): $(APP_OBJS) $(BUILD)/libkernel.a $(BUILD)/librump.a $(BUILD)/libsyslibc.a $(NET_LIBS) $(USB_LIBS) $(USBNET_LIBS) $(BUILD)/ksyms-empty.o $(LDSCRIPT) tools/mksyms.sh tools/needs-net.sh tools/needs-usb.sh
	@echo "  LD      $@"
	$(Q)netlibs=; usblibs=; \
	net=$$(tools/needs-net.sh $(NET) $(NM) $(NET_LIBS) -- $(APP_OBJS)); \
	if [ "$$net" = yes ]; then \
		netlibs="$(NET_LIBS)"; echo "  NET     $@: with the network stack"; fi; \
	if [ "$$(tools/needs-usb.sh $(USB) $$net $(NM) -- $(APP_OBJS))" = yes ]; then \
		usblibs="$(USB_LIBS)"; [ "$$net" = yes ] && usblibs="$$usblibs $(USBNET_LIBS)"; \
		echo "  USB     $@: with the USB stack"; fi; \
	$(LINK) -o $@.pass1 $(ARCH_ENTRY_OBJS) $(APP_OBJS) $(BUILD)/ksyms-empty.o $(LINK_LIBS) && \
	$(NM) -n $@.pass1 | tools/mksyms.sh >$(APP_BUILD)/ksyms.S && \
	$(CC) -c $(APP_BUILD)/ksyms.S -o $(APP_BUILD)/ksyms.o && \
	$(LINK) -o $@ $(ARCH_ENTRY_OBJS) $(APP_OBJS) $(APP_BUILD)/ksyms.o $(LINK_LIBS)
	$(Q)NM=$(NM) tools/checksyms.sh $@.pass1 $@
	$(Q)rm -f $@.pass1

run: deps image $(RUN_DEPS)
	$(Q)tools/qemu-run.sh $(ARCH) $(QEMU_BOOT) $(BUILD)/$(APP_NAME) $(QEMU_ARGS)

unit:
	$(Q)tests/unit/run.sh build/host/unit

qemu-tests: deps
	$(Q)ARCH=$(ARCH) tests/qemu/run.sh tests/qemu/*/

# Everything, on every arch (TEST_ARCHES="x86_64 aarch64" by default).
TEST_ARCHES ?= x86_64 aarch64
test:
	$(Q)tools/deps.sh $(TEST_ARCHES)
	$(Q)TEST_ARCHES="$(TEST_ARCHES)" tests/all.sh

BENCH_ARCHES ?= x86_64 aarch64
bench:
	$(Q)tools/deps.sh $(BENCH_ARCHES)
	$(Q)bench/boot/run.sh $(BENCH_ARCHES)
	$(Q)bench/hypercall/run.sh $(ARCH)
	$(Q)bench/net/run.sh
	$(Q)bench/usb/run.sh

clean:
	rm -rf $(BUILD) build/host

distclean:
	rm -rf build

-include $(KERNEL_OBJS:.o=.d) $(SYS_OBJS:.o=.d) $(SYS_NET_OBJS:.o=.d) \
	$(SYS_USB_OBJS:.o=.d) $(SYS_USBNET_OBJS:.o=.d) $(LIBC_USB_OBJS:.o=.d) \
	$(LIBC_OBJS:.o=.d) $(LIBC_NET_OBJS:.o=.d) $(APP_OBJS:.o=.d)
