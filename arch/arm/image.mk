# aarch64 images: the ELF for QEMU virt -kernel, and a raw Image that
# carries the arm64 Linux image header (U-Boot booti, Raspberry Pi
# firmware, QEMU -kernel).
IMAGE_EXTRA := $(BUILD)/$(APP_NAME).img
RUN_DEPS :=

$(IMAGE): $(ARCH_ENTRY_OBJS)

$(BUILD)/$(APP_NAME).img: $(IMAGE)
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

$(ISO):
	@echo "ISO images are for x86_64; ARCH=aarch64 makes $(BUILD)/$(APP_NAME).img" >&2
	@false

# A board with a device tree source of ours (images/<board>/<board>.dts)
# also gets its blob, for QEMU -dtb (the Raspberry Pi's real one comes
# with its firmware).
BOARD_DTS := $(if $(BOARD),$(wildcard images/$(BOARD)/$(BOARD).dts))
ifneq ($(BOARD_DTS),)
ifneq ($(shell command -v dtc),)
IMAGE_EXTRA += $(BUILD)/$(BOARD).dtb

$(BUILD)/$(BOARD).dtb: $(BOARD_DTS)
	@echo "  DTC     $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<
endif
endif
