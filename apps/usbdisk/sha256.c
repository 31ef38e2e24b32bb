/*
 * SHA-256 for usbdisk: the same source as nc's (apps/nc/sha256.c, tested
 * in tests/unit/test_sha256.c), compiled here rather than copied.
 */
#include "../nc/sha256.c"
