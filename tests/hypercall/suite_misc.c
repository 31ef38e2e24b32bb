/*
 * Conformance cases: initialization, parameters, console, signals,
 * process management, dl_bootstrap, syscall proxy, randomness.
 *
 * getparam rules checked here (the manual leaves them open; these follow
 * NetBSD's own hypervisor): unknown names give ENOENT, unknown names in
 * the reserved "_" space give EINVAL, and a value that does not fit in
 * the buffer with its NUL gives ERANGE without writing past buflen.
 * RUMPMETAL_TEST_PARAM, if the platform sets it (posix: environment;
 * bare metal: boot command line), must read "hello-param".
 */
#include <errno.h>
#include <string.h>

#include "suite.h"

static int
init_wrong_version(int version)
{
	struct rumpuser_hyperup none;

	memset(&none, 0, sizeof(none));
	if (rumpuser_init(version, &none) == 0)
		return hc_fail("rumpuser_init accepted a wrong version");
	/* The failed call must not have replaced the kernel's upcalls. */
	hc_sleep_ns(0);
	return HC_PASS;
}

static int
t_init_v16(void)
{
	return init_wrong_version(16);
}

static int
t_init_v18(void)
{
	return init_wrong_version(18);
}

static int
t_init_v17(void)
{
	int rv = rumpuser_init(RUMPUSER_VERSION, fk_upcalls());

	if (rv != 0)
		return hc_failv("rumpuser_init(17)", rv);
	return HC_PASS;
}

static int
t_param_ncpu(void)
{
	char buf[32];
	long n = 0;
	size_t i;
	int rv;

	if ((rv = rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf))))
		return hc_failv("getparam", rv);
	if (buf[0] == '\0')
		return hc_fail("empty value");
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return hc_fail("not a decimal number");
		n = n * 10 + (buf[i] - '0');
	}
	if (n < 1)
		return hc_failv("ncpu < 1", n);
	return HC_PASS;
}

static int
t_param_hostname(void)
{
	char buf[256];
	int rv;

	memset(buf, 'x', sizeof(buf));
	rv = rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf));
	if (rv != 0)
		return hc_failv("getparam", rv);
	if (memchr(buf, '\0', sizeof(buf)) == NULL || buf[0] == '\0')
		return hc_fail("not a non-empty string");
	return HC_PASS;
}

static int
t_param_unknown(void)
{
	char buf[64];
	int rv = rumpuser_getparam("RUMPMETAL_NO_SUCH_PARAM", buf, sizeof(buf));

	if (rv != ENOENT)
		return hc_failv("want ENOENT", rv);
	return HC_PASS;
}

static int
t_param_unknown_reserved(void)
{
	char buf[64];
	int rv = rumpuser_getparam("_RUMPUSER_NO_SUCH", buf, sizeof(buf));

	if (rv != EINVAL)
		return hc_failv("want EINVAL", rv);
	return HC_PASS;
}

/* Value needs more than buflen bytes: ERANGE, nothing past buflen. */
static int
short_buffer(const char *name, size_t buflen)
{
	char buf[8];
	int rv;

	memset(buf, '#', sizeof(buf));
	rv = rumpuser_getparam(name, buf + 1, buflen);
	if (rv != ERANGE)
		return hc_failv("want ERANGE", rv);
	if (buf[0] != '#' || buf[1 + buflen] != '#')
		return hc_fail("wrote outside the buffer");
	return HC_PASS;
}

static int
t_param_short_ncpu(void)
{
	return short_buffer(RUMPUSER_PARAM_NCPU, 1);
}

static int
t_param_short_hostname(void)
{
	return short_buffer(RUMPUSER_PARAM_HOSTNAME, 2);
}

static int
t_param_zero_buffer(void)
{
	return short_buffer(RUMPUSER_PARAM_NCPU, 0);
}

static int
t_param_env(void)
{
	char buf[32];
	int rv = rumpuser_getparam("RUMPMETAL_TEST_PARAM", buf, sizeof(buf));

	if (rv == ENOENT)
		return hc_skip("RUMPMETAL_TEST_PARAM not set by the runner");
	if (rv != 0)
		return hc_failv("getparam", rv);
	if (strcmp(buf, "hello-param") != 0)
		return hc_fail("value is not \"hello-param\"");
	return short_buffer("RUMPMETAL_TEST_PARAM", 5);
}

static int
t_console(void)
{
	const char *s = "# putchar line\n";

	while (*s != '\0')
		rumpuser_putchar(*s++);
	rumpuser_dprintf("# dprintf %d %u %ld %lld %s %c %x\n", -1, 2u, 3L,
	    4LL, "five", '6', 0x7);
	return HC_PASS;
}

static int
t_seterrno(void)
{
	rumpuser_seterrno(EAGAIN);
	rumpuser_seterrno(0);
	return HC_PASS;
}

/* Signal 0 and NetBSD's SIGINFO (29, no Linux twin) are harmless. */
static int
t_kill(void)
{
	int rv = rumpuser_kill(RUMPUSER_PID_SELF, 0);

	if (rv != 0)
		return hc_failv("kill(self, 0)", rv);
	rumpuser_kill(RUMPUSER_PID_SELF, 29);
	return HC_PASS;
}

static int
t_daemonize(void)
{
	int rv;

	if ((rv = rumpuser_daemonize_begin()) != 0)
		return hc_failv("daemonize_begin", rv);
	if ((rv = rumpuser_daemonize_done(0)) != 0)
		return hc_failv("daemonize_done", rv);
	return HC_PASS;
}

static int dl_bad;

static void
dl_modinit(const struct modinfo *const *mi, size_t n)
{
	if (n > 0 && mi == NULL)
		dl_bad = 1;
}

static int
dl_symload(void *symtab, uint64_t symsize, char *strtab, uint64_t strsize)
{
	(void)symsize;
	(void)strsize;
	if (symtab == NULL || strtab == NULL)
		dl_bad = 1;
	return 0;
}

static void
dl_compload(const struct rump_component *rc)
{
	if (rc == NULL)
		dl_bad = 1;
}

static int
t_dl_bootstrap(void)
{
	dl_bad = 0;
	rumpuser_dl_bootstrap(dl_modinit, dl_symload, dl_compload);
	if (dl_bad)
		return hc_fail("a callback got NULL");
	return HC_PASS;
}

static int
t_sp_absent(void)
{
	int rv = rumpuser_sp_init("unix://x", "NetBSD", "7.0", "amd64");

	if (rv == 0)
		return hc_fail("sp_init succeeded: no sysproxy expected");
	if (rv != ENOSYS)
		return hc_failv("want ENOSYS", rv);
	return HC_PASS;
}

static int
t_random_basic(void)
{
	unsigned char buf[64];
	size_t got = 0;
	int rv = rumpuser_getrandom(buf, sizeof(buf), 0, &got);

	if (rv != 0)
		return hc_failv("getrandom", rv);
	if (got != sizeof(buf))
		return hc_failv("short read", (long long)got);
	return HC_PASS;
}

static int
t_random_differs(void)
{
	unsigned char a[32], b[32];
	size_t ga = 0, gb = 0;

	if (rumpuser_getrandom(a, sizeof(a), 0, &ga) != 0 ||
	    rumpuser_getrandom(b, sizeof(b), 0, &gb) != 0)
		return hc_fail("getrandom failed");
	if (ga != sizeof(a) || gb != sizeof(b))
		return hc_fail("short read");
	if (memcmp(a, b, sizeof(a)) == 0)
		return hc_fail("two calls returned the same bytes");
	return HC_PASS;
}

static int
t_random_large(void)
{
	static unsigned char buf[4096];
	unsigned seen[256 / (8 * sizeof(unsigned))] = {0};
	size_t got = 0, i, distinct = 0;
	int rv = rumpuser_getrandom(buf, sizeof(buf), RUMPUSER_RANDOM_HARD,
	    &got);

	if (rv != 0 || got != sizeof(buf))
		return hc_failv("4096 HARD", rv ? rv : (long long)got);
	for (i = 0; i < sizeof(buf); i++)
		seen[buf[i] / 32] |= 1u << (buf[i] % 32);
	for (i = 0; i < 256; i++)
		distinct += (seen[i / 32] >> (i % 32)) & 1;
	if (distinct < 200)
		return hc_failv("distinct byte values", (long long)distinct);
	return HC_PASS;
}

static int
t_random_nowait(void)
{
	unsigned char buf[16];
	size_t got = 0;
	int rv = rumpuser_getrandom(buf, sizeof(buf), RUMPUSER_RANDOM_NOWAIT,
	    &got);

	if (rv == EAGAIN)
		return HC_PASS;
	if (rv != 0)
		return hc_failv("getrandom NOWAIT", rv);
	if (got == 0 || got > sizeof(buf))
		return hc_failv("byte count", (long long)got);
	return HC_PASS;
}

static int
t_random_zero(void)
{
	unsigned char b = 0;
	size_t got = 99;
	int rv = rumpuser_getrandom(&b, 0, 0, &got);

	if (rv != 0 || got != 0)
		return hc_failv("zero length", rv ? rv : (long long)got);
	return HC_PASS;
}

const struct hc_case hc_cases_misc[] = {
	{"init_version_16_fails", t_init_v16},
	{"init_version_18_fails", t_init_v18},
	{"init_version_17", t_init_v17},
	{"getparam_ncpu", t_param_ncpu},
	{"getparam_hostname", t_param_hostname},
	{"getparam_unknown_enoent", t_param_unknown},
	{"getparam_unknown_reserved_einval", t_param_unknown_reserved},
	{"getparam_short_buffer_ncpu", t_param_short_ncpu},
	{"getparam_short_buffer_hostname", t_param_short_hostname},
	{"getparam_zero_buffer", t_param_zero_buffer},
	{"getparam_environment", t_param_env},
	{"console_putchar_dprintf", t_console},
	{"seterrno", t_seterrno},
	{"kill_harmless", t_kill},
	{"daemonize", t_daemonize},
	{"dl_bootstrap", t_dl_bootstrap},
	{"sp_init_enosys", t_sp_absent},
	{"getrandom_basic", t_random_basic},
	{"getrandom_differs", t_random_differs},
	{"getrandom_large_hard", t_random_large},
	{"getrandom_nowait", t_random_nowait},
	{"getrandom_zero", t_random_zero},
	{NULL, NULL},
};
