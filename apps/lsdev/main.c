/*
 * lsdev: print the autoconf device tree, the PCI listing, the USB
 * devices and the network interfaces, then exit 0.
 *
 *	lsdev		all four
 *	lsdev -t	the device tree only
 *	lsdev -l	the PCI listing only
 *	lsdev -u	the USB devices only, one line each like lsusb (port,
 *			address, vendor:product, speed, class, name, driver)
 *	lsdev -n	the network interfaces only (name, MAC, up/down,
 *			address once configured)
 *	lsdev -w ...	(before any of the above) after "lsdev: done",
 *			wait for a line on stdin (the serial console)
 *			before exiting, so that the machine stays up for a
 *			test to inspect it (tests/pci-qemu)
 *	lsdev -e ...	first turn on memory and I/O decoding on every
 *			function with assigned BARs of that kind, drivers
 *			or not, so that the emulator shows the addresses
 *			(QEMU's query-pci reports a BAR that does not
 *			decode as unmapped)
 *
 * The tree is config_walk's, one device per line indented by depth
 * (root, which is no device, left out):
 *
 *	mainbus0
 *	  pci0 at mainbus0
 *	    irqtest0 at pci0 dev 3 function 0: 8086:100e ethernet
 *
 * The kernel scanned PCI and attached the drivers at boot, before main;
 * this only reads. The walk holds the tree's lock, so lines are
 * collected first and printed after (stdio may block).
 */
#include <stdio.h>
#include <string.h>

#include <rumpmetal/net.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/rump.h>
#include <pci/pci.h>

#define TREE_MAX 128
#define LINE_MAX 160

struct tree {
	int t_n;
	int t_cut;		/* devices that did not fit */
	char t_line[TREE_MAX][LINE_MAX];
};
static struct tree tree;

static void
usage(void)
{
	printf("usage: lsdev [-w] [-e] [-t | -l | -u | -n]\n");
}

/* " dev 3 function 0: 8086:100e ethernet" for a PCI function's device. */
static void
pci_describe(device_t dev, char *buf, size_t len)
{
	const struct pci_dev *pd = pci_dev_of(dev);

	buf[0] = '\0';
	if (pd != NULL)
		snprintf(buf, len, " dev %u function %u: %04x:%04x %s",
		    pd->pd_dev, pd->pd_fn, pd->pd_vendor, pd->pd_device,
		    pci_class_name(pd->pd_class));
}

static int
tree_line(device_t dev, int depth, void *arg)
{
	struct tree *t = arg;
	device_t parent = device_parent(dev);
	char desc[80];

	if (depth == 0)
		return 0;		/* root */
	if (t->t_n == TREE_MAX) {
		t->t_cut++;
		return 0;
	}
	pci_describe(dev, desc, sizeof(desc));
	snprintf(t->t_line[t->t_n++], LINE_MAX, "%*s%s%s%s%s",
	    (depth - 1) * 2, "", device_xname(dev),
	    depth > 1 ? " at " : "", depth > 1 ? device_xname(parent) : "",
	    desc);
	return 0;
}

static void
print_tree(void)
{
	tree.t_n = tree.t_cut = 0;
	rump_schedule();
	config_walk(tree_line, &tree);
	rump_unschedule();
	for (int i = 0; i < tree.t_n; i++)
		printf("%s\n", tree.t_line[i]);
	if (tree.t_cut > 0)
		printf("(%d more devices)\n", tree.t_cut);
}

static void
print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

/* -e: decoding on for every assigned BAR's kind, on every function. */
static void
enable_all(void)
{
	rump_schedule();
	for (int i = 0; i < pci_nfuncs(); i++) {
		struct pci_dev *pd = pci_func(i);
		uint32_t bits = 0;

		for (int r = 0; r < pd->pd_nbar && r < PCI_NBAR_DEVICE; r++) {
			const struct pci_bar *b = &pd->pd_bar[r];
			if (!b->pb_assigned)
				continue;
			if (b->pb_kind == PCI_BAR_KIND_IO)
				bits |= PCI_CMD_IO;
			else if (b->pb_kind != PCI_BAR_KIND_NONE)
				bits |= PCI_CMD_MEM;
		}
		if (bits != 0)
			pci_command_set(pd, bits);
	}
	rump_unschedule();
}

int
main(int argc, char **argv)
{
	int tree_on = 1, list_on = 1, usb_on = 1, net_on = 1, wait_on = 0;
	int enable_on = 0;
	char line[80], netinfo[1024];

	for (; argc >= 2; argc--, argv++) {
		if (strcmp(argv[1], "-w") == 0)
			wait_on = 1;
		else if (strcmp(argv[1], "-e") == 0)
			enable_on = 1;
		else
			break;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-t") != 0 &&
	    strcmp(argv[1], "-l") != 0 && strcmp(argv[1], "-u") != 0 &&
	    strcmp(argv[1], "-n") != 0)) {
		usage();
		return 2;
	}
	if (argc == 2) {
		tree_on = strcmp(argv[1], "-t") == 0;
		list_on = strcmp(argv[1], "-l") == 0;
		usb_on = strcmp(argv[1], "-u") == 0;
		net_on = strcmp(argv[1], "-n") == 0;
	}
	if (enable_on)
		enable_all();
	if (tree_on)
		print_tree();
	if (list_on)
		pci_list_to(print_line, NULL);
	if (usb_on) {
		printf("USB devices: %d\n", usb_ndevices());
		usb_list_to(print_line, NULL);
	}
	if (net_on) {
		rumpmetal_netinfo(netinfo, sizeof(netinfo));
		printf("network interfaces:\n%s", netinfo);
	}
	printf("lsdev: done\n");
	if (wait_on) {
		printf("lsdev: waiting for a line on stdin\n");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			printf("lsdev: end of file\n");
		else
			printf("lsdev: bye\n");
	}
	return 0;
}
