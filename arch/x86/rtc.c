/*
 * Wall clock: read the CMOS RTC once at boot (BCD or binary, 12 or 24
 * hour), convert to Unix time and keep the offset from the monotonic
 * clock. The century comes from the register the FADT names, else
 * years 70-99 are 19xx and 00-69 are 20xx.
 *
 * rtc_read() may run before the TSC rate is known (during its
 * calibration window); rtc_init() then computes the offset. The RTC
 * counts whole seconds, so the time between the two does not matter.
 * Waits for the end of an update are bounded in TSC ticks (UIP lasts at
 * most 2 ms; the bound is 3 ms at 5 GHz, longer at slower rates).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cmos.h>
#include <x86/cpu.h>

#define UIP_MAX_TSC 15000000ULL
#define READ_ATTEMPTS 5
#define NS_PER_SEC 1000000000LL

struct rtc_time {
	unsigned sec, min, hour, day, mon, year, century;
};

static int64_t epoch_offset_ns;
static struct rtc_time rtc_now;	/* rtc_read's result, if rtc_valid_read */
static bool rtc_valid_read;

static uint8_t
cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static bool
rtc_wait_update(void)
{
	uint64_t start = rdtsc();

	do {
		if (!(cmos_read(RTC_STATUS_A) & RTC_A_UIP))
			return true;
	} while (rdtsc() - start < UIP_MAX_TSC);
	return false;
}

static void
rtc_read_raw(struct rtc_time *t)
{
	t->sec = cmos_read(RTC_SEC);
	t->min = cmos_read(RTC_MIN);
	t->hour = cmos_read(RTC_HOUR);
	t->day = cmos_read(RTC_DAY);
	t->mon = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = acpi_info.ac_century ? cmos_read(acpi_info.ac_century) : 0;
}

static bool
rtc_same(const struct rtc_time *a, const struct rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
	    a->day == b->day && a->mon == b->mon && a->year == b->year &&
	    a->century == b->century;
}

static unsigned
bcd(unsigned v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static void
rtc_normalize(struct rtc_time *t, uint8_t status_b)
{
	bool pm = !(status_b & RTC_B_24H) && (t->hour & RTC_HOUR_PM);

	t->hour &= ~RTC_HOUR_PM;
	if (!(status_b & RTC_B_BINARY)) {
		t->sec = bcd(t->sec);
		t->min = bcd(t->min);
		t->hour = bcd(t->hour);
		t->day = bcd(t->day);
		t->mon = bcd(t->mon);
		t->year = bcd(t->year);
		t->century = bcd(t->century);
	}
	if (!(status_b & RTC_B_24H))
		t->hour = t->hour % 12 + (pm ? 12 : 0);	/* 12 AM is 0 */
	if (t->century >= 19 && t->century <= 29)
		t->year += t->century * 100;
	else
		t->year += t->year < 70 ? 2000 : 1900;
}

static bool
is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since 1970-01-01 00:00:00 UTC. */
static int64_t
unix_time(const struct rtc_time *t)
{
	static const unsigned mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t days = 0;

	for (unsigned y = 1970; y < t->year; y++)
		days += is_leap(y) ? 366 : 365;
	for (unsigned m = 1; m < t->mon; m++)
		days += mdays[m - 1] + (m == 2 && is_leap(t->year));
	days += t->day - 1;
	return ((days * 24 + t->hour) * 60 + t->min) * 60 + t->sec;
}

static bool
rtc_valid(const struct rtc_time *t)
{
	return t->sec < 60 && t->min < 60 && t->hour < 24 && t->day >= 1 &&
	    t->day <= 31 && t->mon >= 1 && t->mon <= 12 && t->year >= 1970;
}

void
rtc_read(void)
{
	struct rtc_time a, b;
	int tries;

	for (tries = 0; tries < READ_ATTEMPTS; tries++) {
		if (!rtc_wait_update()) {
			cons_printf("rtc: CMOS clock stays in update; wall "
			    "clock starts at 1970\n");
			return;
		}
		rtc_read_raw(&a);
		rtc_wait_update();
		rtc_read_raw(&b);
		if (rtc_same(&a, &b))
			break;
	}
	rtc_normalize(&b, cmos_read(RTC_STATUS_B));
	if (tries == READ_ATTEMPTS || !rtc_valid(&b)) {
		cons_printf("rtc: CMOS clock unreadable; wall clock starts "
		    "at 1970\n");
		return;
	}
	rtc_now = b;
	rtc_valid_read = true;
}

/* After tsc_init: the monotonic clock runs. */
void
rtc_init(void)
{
	const struct rtc_time *t = &rtc_now;

	if (!rtc_valid_read)
		return;
	epoch_offset_ns = unix_time(t) * NS_PER_SEC -
	    (int64_t)plat_clock_monotonic();
	cons_logf("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", t->year,
	    t->mon, t->day, t->hour, t->min, t->sec);
}

int64_t
plat_clock_epochoffset(void)
{
	return epoch_offset_ns;
}
