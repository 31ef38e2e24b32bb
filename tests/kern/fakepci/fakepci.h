/* See fakepci.c. Returns the handler's result. */
#ifndef TESTS_KERN_FAKEPCI_H
#define TESTS_KERN_FAKEPCI_H
int fakepci_raise(void);
#endif
