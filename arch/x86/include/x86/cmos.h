/* MC146818-compatible CMOS real-time clock registers. */
#ifndef X86_CMOS_H
#define X86_CMOS_H

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define  RTC_HOUR_PM	0x80	/* 12-hour mode */
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define  RTC_A_UIP	0x80	/* update in progress */
#define RTC_STATUS_B	0x0b
#define  RTC_B_24H	0x02
#define  RTC_B_BINARY	0x04

#endif
