/*
 * Guest side of the USB keyboard and mouse QEMU test
 * (tests/usbclass/qemu.sh): what arrives on standard input is shown
 * byte by byte (poll() must see it first), lines end at '\n' (Enter
 * sends '\r' like a serial terminal, and the console turns it into
 * '\n'), "quit" ends the keyboard part; then the mouse pointer is
 * followed until the left button is pressed.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rumpmetal/input.h>

#define TIMEOUT_MS 60000

static void
show(const char *what, const char *buf, size_t n)
{
	printf("usbinput: %s \"", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\"\n");
}

/* Lines until "quit"; 0, or 1 if input stopped. */
static int
keyboard(void)
{
	char line[128], buf[64];
	size_t len = 0;
	struct pollfd p = { 0, POLLIN, 0 };
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, TIMEOUT_MS) != 1) {
			printf("usbinput: poll timed out\n");
			return 1;
		}
		if ((n = read(0, buf, sizeof(buf))) <= 0)
			return 1;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof(line))
					line[len++] = buf[i];
				continue;
			}
			show("line", line, len);
			if (len == 4 && memcmp(line, "quit", 4) == 0)
				return 0;
			len = 0;
		}
	}
}

static int
mouse(void)
{
	struct rumpmetal_mouse m;

	if (rumpmetal_mouse_get(&m) != 0) {
		printf("usbinput: no mouse support\n");
		return 1;
	}
	printf("usbinput: %u mice\n", m.mice);
	if (m.mice == 0)
		return 0;
	printf("usbinput: mouse ready\n");
	fflush(stdout);
	while ((m.buttons & RUMPMETAL_MOUSE_LEFT) == 0) {
		if (rumpmetal_mouse_wait(&m, TIMEOUT_MS) != 0) {
			printf("usbinput: mouse timed out\n");
			return 1;
		}
		printf("usbinput: mouse x=%lld y=%lld wheel=%lld buttons=%u\n",
		    m.x, m.y, m.wheel, m.buttons);
	}
	return 0;
}

int
main(void)
{
	printf("usbinput: ready\n");
	fflush(stdout);
	if (keyboard() != 0 || mouse() != 0)
		return 1;
	printf("usbinput: done\n");
	return 0;
}
