/* SPDX-License-Identifier: MIT */
/* Calendar arithmetic and the time formats logs use. All results are UTC
 * seconds since the epoch. */
#ifndef WS_UTIL_TIME_H
#define WS_UTIL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "wormscope/request.h"

/* a / d rounded toward minus infinity (d > 0): C's division rounds toward
 * zero, which would put times before 1970 in the interval after theirs. */
static inline int64_t ws_floor_div(int64_t a, int64_t d)
{
	return a >= 0 ? a / d : -((-a + d - 1) / d);
}
/* The start of t's interval of iv seconds (iv > 0; t may be negative). */
static inline int64_t ws_floor_to(int64_t t, int64_t iv)
{
	return ws_floor_div(t, iv) * iv;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
int64_t ws_days_from_civil(int y, int m, int d);
/* Inverse, for formatting. */
void ws_civil_from_days(int64_t z, int *y, int *m, int *d);
/* "Jan".."Dec" (case-insensitive) -> 1..12, else 0. */
int ws_month_from_name(const char *p);

/* "02/Aug/2001:06:01:38 -0400" (Apache %t without brackets). */
bool ws_time_parse_ncsa(struct ws_str s, int64_t *ts);
/* "2001-08-02T10:01:38[.frac](Z|+hh:mm|+hhmm)" or with a space instead of T. */
bool ws_time_parse_iso(struct ws_str s, int64_t *ts);
/* "2001-08-02T10:01:38Z" into out (at least 32 bytes). */
void ws_time_format_iso(int64_t ts, char *out);

/* A time zone for formats whose lines carry no offset (IIS native, error
 * logs): "UTC", a fixed offset "+05:30" / "-0400", or an IANA name such as
 * "America/New_York". Named zones set the process's TZ (call before threads
 * start). */
struct ws_tz {
	int kind; /* 0 = fixed offset, 1 = named */
	int offset; /* seconds east of UTC, for kind 0 */
};
bool ws_tz_parse(const char *text, struct ws_tz *tz);
/* Local wall-clock time in tz to UTC seconds. */
int64_t ws_tz_to_utc(const struct ws_tz *tz, int y, int mo, int d, int h, int mi, int s);

#endif
