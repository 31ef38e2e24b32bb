/*
 * SHA-256 for usbbench: the same source as nc's (apps/nc/sha256.c, tested
 * in tests/unit/test_sha256.c), compiled here rather than copied.
 */
#include "../../../apps/nc/sha256.c"
