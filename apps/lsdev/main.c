/*
 * lsdev: print the device tree and the PCI listing, then exit 0.
 *
 *	lsdev		both
 *	lsdev -t	the device tree only
 *	lsdev -l	the PCI listing only
 *
 * The PCI bus is scanned on first use (pci_scan is idempotent: if the
 * kernel already scanned it at boot, this only prints).
 */
#include <stdio.h>
#include <string.h>

#include <pci/pci.h>

static void
usage(void)
{
	printf("usage: lsdev [-t | -l]\n");
}

int
main(int argc, char **argv)
{
	int tree = 1, list = 1;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-t") != 0 &&
	    strcmp(argv[1], "-l") != 0)) {
		usage();
		return 2;
	}
	if (argc == 2) {
		tree = strcmp(argv[1], "-t") == 0;
		list = !tree;
	}
	fflush(stdout);
	if (pci_scan() != 0)
		printf("lsdev: no PCI bus\n");
	fflush(stdout);
	if (tree)
		pci_list_tree();
	if (list)
		pci_list();
	printf("lsdev: done\n");
	return 0;
}
