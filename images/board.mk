# Board images and JTAG loading, for ARCH=aarch64 with BOARD set.
# Included by the top-level Makefile; needs BUILD, APP_NAME and ARCH.
#
#   make ARCH=aarch64 BOARD=rpi3 sdcard [JTAG=1]
#       $(BUILD)/sdcard/: config.txt, kernel8.img, README.txt, sdcard.img
#       (tools/mksdcard.sh; JTAG=1 turns on the ARM JTAG pins)
#   make ARCH=aarch64 BOARD=rpi3 flash ADAPTER=jlink|ftdi|cmsis-dap
#       load the raw image into RAM over JTAG and start it (tools/flash.sh;
#       JTAG_KHZ, ADAPTER_SERIAL, VERIFY=1 ... pass through the environment)

BOARDS := rpi3
BOARD ?=
ADAPTER ?=
JTAG ?= 0
# The raw image (arm64 Image header) the firmware or OpenOCD loads.
BOARD_IMG ?= $(BUILD)/$(APP_NAME).img
SDCARD_DIR ?= $(BUILD)/sdcard
MKSDCARD_FLAGS := $(if $(filter 1,$(JTAG)),--jtag)

ifneq ($(BOARD),)
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD) is not supported (supported: $(BOARDS)))
endif
ifneq ($(ARCH),aarch64)
$(error BOARD=$(BOARD) is an aarch64 board: use ARCH=aarch64)
endif
endif

.PHONY: sdcard flash

sdcard: $(SDCARD_DIR)/sdcard.img

$(SDCARD_DIR)/sdcard.img: $(BOARD_IMG) tools/mksdcard.sh
	$(if $(BOARD),,$(error sdcard: set BOARD (supported: $(BOARDS))))
	@echo "  SDCARD  $(SDCARD_DIR)/"
	$(Q)tools/mksdcard.sh $(MKSDCARD_FLAGS) $(BOARD) $(BOARD_IMG) $(SDCARD_DIR)

flash: $(BOARD_IMG)
	$(Q)tools/flash.sh "$(BOARD)" "$(ADAPTER)" $(BOARD_IMG)
