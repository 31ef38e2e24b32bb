# x86_64 images: the ELF64 for GRUB, an elf32-i386 copy for QEMU -kernel,
# and a GRUB rescue ISO that boots by BIOS and by UEFI.
IMAGE_EXTRA := $(BUILD)/$(APP_NAME).elf32
RUN_DEPS := $(if $(filter kernel,$(QEMU_BOOT)),,$(ISO))

$(BUILD)/kernel/boot/x86_64/entry.S.o: boot/x86_64/entry.S
$(IMAGE): $(ARCH_ENTRY_OBJS)

$(BUILD)/$(APP_NAME).elf32: $(IMAGE)
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

$(ISO): $(IMAGE) tools/mkiso.sh
	@echo "  ISO     $@"
	$(Q)tools/mkiso.sh $(IMAGE) $@ $(APP_NAME)
