/*
 * USB wire formats: the setup packet, standard requests and descriptors
 * (USB 2.0 chapter 9, USB 3.2 chapter 9), hub class requests and port
 * status bits (USB 2.0 chapter 11, USB 3.2 chapter 10), class codes.
 *
 * Multi-byte fields in descriptors are little-endian on the wire and
 * the structs below keep them as byte arrays (uWord/uDWord): read them
 * with UGETW/UGETDW, write them with USETW. Every struct is packed and
 * its size asserted, because it is laid over device memory.
 *
 * Nothing here trusts a device: the parsers in sys/dev/usb check
 * bLength and bDescriptorType before a struct is looked at.
 */
#ifndef DEV_USB_USB_H
#define DEV_USB_USB_H

#include <stdint.h>

typedef uint8_t uWord[2];
typedef uint8_t uDWord[4];

#define UGETW(w) ((uint16_t)((w)[0] | ((w)[1] << 8)))
#define UGETDW(w) ((uint32_t)(w)[0] | ((uint32_t)(w)[1] << 8) | \
    ((uint32_t)(w)[2] << 16) | ((uint32_t)(w)[3] << 24))
#define USETW(w, v) do { (w)[0] = (uint8_t)(v); \
    (w)[1] = (uint8_t)((v) >> 8); } while (0)

/* ---- setup packet ------------------------------------------------------ */

typedef struct usb_device_request {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uWord wValue;
	uWord wIndex;
	uWord wLength;
} __attribute__((__packed__)) usb_device_request_t;
_Static_assert(sizeof(usb_device_request_t) == 8, "setup packet");

/* bmRequestType: direction | type | recipient */
#define UT_WRITE 0x00
#define UT_READ 0x80
#define UT_STANDARD 0x00
#define UT_CLASS 0x20
#define UT_VENDOR 0x40
#define UT_DEVICE 0x00
#define UT_INTERFACE 0x01
#define UT_ENDPOINT 0x02
#define UT_OTHER 0x03
#define UT_READ_DEVICE (UT_READ | UT_STANDARD | UT_DEVICE)
#define UT_WRITE_DEVICE (UT_WRITE | UT_STANDARD | UT_DEVICE)
#define UT_WRITE_ENDPOINT (UT_WRITE | UT_STANDARD | UT_ENDPOINT)
#define UT_READ_CLASS_DEVICE (UT_READ | UT_CLASS | UT_DEVICE)
#define UT_READ_CLASS_OTHER (UT_READ | UT_CLASS | UT_OTHER)
#define UT_WRITE_CLASS_DEVICE (UT_WRITE | UT_CLASS | UT_DEVICE)
#define UT_WRITE_CLASS_OTHER (UT_WRITE | UT_CLASS | UT_OTHER)
#define UT_READ_CLASS_INTERFACE (UT_READ | UT_CLASS | UT_INTERFACE)
#define UT_WRITE_CLASS_INTERFACE (UT_WRITE | UT_CLASS | UT_INTERFACE)

/* Standard requests */
#define UR_GET_STATUS 0x00
#define UR_CLEAR_FEATURE 0x01
#define UR_SET_FEATURE 0x03
#define UR_SET_ADDRESS 0x05
#define UR_GET_DESCRIPTOR 0x06
#define UR_SET_DESCRIPTOR 0x07
#define UR_GET_CONFIG 0x08
#define UR_SET_CONFIG 0x09
#define UR_GET_INTERFACE 0x0a
#define UR_SET_INTERFACE 0x0b
#define UR_SET_ISOCH_DELAY 0x31

/* Feature selectors */
#define UF_ENDPOINT_HALT 0
#define UF_DEVICE_REMOTE_WAKEUP 1

/* Descriptor types */
#define UDESC_DEVICE 0x01
#define UDESC_CONFIG 0x02
#define UDESC_STRING 0x03
#define UDESC_INTERFACE 0x04
#define UDESC_ENDPOINT 0x05
#define UDESC_DEVICE_QUALIFIER 0x06
#define UDESC_IFACE_ASSOC 0x0b
#define UDESC_BOS 0x0f
#define UDESC_CS_INTERFACE 0x24
#define UDESC_CS_ENDPOINT 0x25
#define UDESC_HUB 0x29
#define UDESC_SS_HUB 0x2a
#define UDESC_SS_EP_COMPANION 0x30

#define USB_LANGID_EN_US 0x0409

/* ---- descriptors ------------------------------------------------------- */

typedef struct usb_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
} __attribute__((__packed__)) usb_descriptor_t;

typedef struct usb_device_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uWord bcdUSB;
	uint8_t bDeviceClass;
	uint8_t bDeviceSubClass;
	uint8_t bDeviceProtocol;
	uint8_t bMaxPacketSize;		/* ep0; USB 3: exponent (9 = 512) */
	uWord idVendor;
	uWord idProduct;
	uWord bcdDevice;
	uint8_t iManufacturer;
	uint8_t iProduct;
	uint8_t iSerialNumber;
	uint8_t bNumConfigurations;
} __attribute__((__packed__)) usb_device_descriptor_t;
_Static_assert(sizeof(usb_device_descriptor_t) == 18, "device descriptor");

typedef struct usb_config_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uWord wTotalLength;
	uint8_t bNumInterface;
	uint8_t bConfigurationValue;
	uint8_t iConfiguration;
	uint8_t bmAttributes;
	uint8_t bMaxPower;
} __attribute__((__packed__)) usb_config_descriptor_t;
_Static_assert(sizeof(usb_config_descriptor_t) == 9, "config descriptor");

typedef struct usb_interface_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uint8_t bInterfaceNumber;
	uint8_t bAlternateSetting;
	uint8_t bNumEndpoints;
	uint8_t bInterfaceClass;
	uint8_t bInterfaceSubClass;
	uint8_t bInterfaceProtocol;
	uint8_t iInterface;
} __attribute__((__packed__)) usb_interface_descriptor_t;
_Static_assert(sizeof(usb_interface_descriptor_t) == 9, "iface descriptor");

typedef struct usb_endpoint_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uint8_t bEndpointAddress;
	uint8_t bmAttributes;
	uWord wMaxPacketSize;
	uint8_t bInterval;
} __attribute__((__packed__)) usb_endpoint_descriptor_t;
_Static_assert(sizeof(usb_endpoint_descriptor_t) == 7, "ep descriptor");

#define UE_DIR_IN 0x80
#define UE_ADDR 0x0f
#define UE_GET_DIR(a) ((a) & UE_DIR_IN)
#define UE_GET_ADDR(a) ((a) & UE_ADDR)
#define UE_XFERTYPE 0x03
#define UE_CONTROL 0x00
#define UE_ISOCHRONOUS 0x01
#define UE_BULK 0x02
#define UE_INTERRUPT 0x03
#define UE_GET_XFERTYPE(a) ((a) & UE_XFERTYPE)
#define UE_MPS(w) (UGETW(w) & 0x7ff)	/* bytes per packet */
#define UE_MULT(w) ((UGETW(w) >> 11) & 3)	/* HS extra transactions */

typedef struct usb_ss_ep_companion_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uint8_t bMaxBurst;
	uint8_t bmAttributes;
	uWord wBytesPerInterval;
} __attribute__((__packed__)) usb_ss_ep_companion_descriptor_t;
_Static_assert(sizeof(usb_ss_ep_companion_descriptor_t) == 6, "ss comp");

typedef struct usb_string_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uWord bString[126];
} __attribute__((__packed__)) usb_string_descriptor_t;

/* USB 2.0 hub descriptor (11.23.2.1); DeviceRemovable follows. */
typedef struct usb_hub_descriptor {
	uint8_t bDescLength;
	uint8_t bDescriptorType;
	uint8_t bNbrPorts;
	uWord wHubCharacteristics;
	uint8_t bPwrOn2PwrGood;		/* 2 ms units */
	uint8_t bHubContrCurrent;
	uint8_t DeviceRemovable[32];
} __attribute__((__packed__)) usb_hub_descriptor_t;
#define UHD_TT_THINK(c) (((c) >> 5) & 3)	/* (n + 1) * 8 FS bit times */

/* USB 3 hub descriptor (10.15.2.1) */
typedef struct usb_ss_hub_descriptor {
	uint8_t bLength;
	uint8_t bDescriptorType;
	uint8_t bNbrPorts;
	uWord wHubCharacteristics;
	uint8_t bPwrOn2PwrGood;
	uint8_t bHubContrCurrent;
	uint8_t bHubHdrDecLat;
	uWord wHubDelay;
	uWord DeviceRemovable;
} __attribute__((__packed__)) usb_ss_hub_descriptor_t;
_Static_assert(sizeof(usb_ss_hub_descriptor_t) == 12, "ss hub descriptor");

/* ---- hub class requests and port status --------------------------------- */

#define UR_GET_TT_STATE 0x0a
#define UR_RESET_TT 0x09
#define UR_SET_HUB_DEPTH 0x0c	/* USB 3 hubs */

/* Port features (11.24.2, 10.16.2) */
#define UHF_PORT_CONNECTION 0
#define UHF_PORT_ENABLE 1
#define UHF_PORT_SUSPEND 2
#define UHF_PORT_OVER_CURRENT 3
#define UHF_PORT_RESET 4
#define UHF_PORT_LINK_STATE 5
#define UHF_PORT_POWER 8
#define UHF_C_PORT_CONNECTION 16
#define UHF_C_PORT_ENABLE 17
#define UHF_C_PORT_SUSPEND 18
#define UHF_C_PORT_OVER_CURRENT 19
#define UHF_C_PORT_RESET 20
#define UHF_C_PORT_LINK_STATE 25
#define UHF_C_PORT_CONFIG_ERROR 26
#define UHF_BH_PORT_RESET 28
#define UHF_C_BH_PORT_RESET 29

/* wPortStatus, USB 2.0 hubs */
#define UPS_CURRENT_CONNECT 0x0001
#define UPS_PORT_ENABLED 0x0002
#define UPS_SUSPEND 0x0004
#define UPS_OVERCURRENT 0x0008
#define UPS_RESET 0x0010
#define UPS_PORT_POWER 0x0100
#define UPS_LOW_SPEED 0x0200
#define UPS_HIGH_SPEED 0x0400
/* wPortStatus, USB 3 hubs: connect/enable/overcurrent/reset as above */
#define UPS_SS_LINK_STATE(s) (((s) >> 5) & 0xf)
#define UPS_SS_PORT_POWER 0x0200
/* wPortChange */
#define UPS_C_CONNECT 0x0001
#define UPS_C_ENABLE 0x0002	/* USB 2 only */
#define UPS_C_SUSPEND 0x0004
#define UPS_C_OVERCURRENT 0x0008
#define UPS_C_RESET 0x0010
#define UPS_C_BH_RESET 0x0020	/* USB 3 */
#define UPS_C_LINK_STATE 0x0040	/* USB 3 */
#define UPS_C_CONFIG_ERROR 0x0080	/* USB 3 */

typedef struct usb_port_status_wire {
	uWord wPortStatus;
	uWord wPortChange;
} __attribute__((__packed__)) usb_port_status_wire_t;

/* ---- class codes -------------------------------------------------------- */

#define UDCLASS_IN_INTERFACE 0x00
#define UICLASS_CDC 0x02
#define UISUBCLASS_ETHERNET_NETWORKING_CONTROL_MODEL 0x06
#define UICLASS_HID 0x03
#define UISUBCLASS_BOOT 0x01
#define UIPROTO_BOOT_KEYBOARD 0x01
#define UIPROTO_BOOT_MOUSE 0x02
#define UICLASS_MASS 0x08
#define UISUBCLASS_SCSI 0x06
#define UIPROTO_MASS_BBB 0x50
#define UDCLASS_HUB 0x09
#define UICLASS_HUB 0x09
#define UICLASS_CDC_DATA 0x0a
#define UDCLASS_VENDOR 0xff

#endif
