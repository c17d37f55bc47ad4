/* SPDX-License-Identifier: MIT */
/* Calendar arithmetic and log time formats (util/time.h): days_from_civil and
 * its inverse over every day of 1600-2400 and against timegm(3), Apache %t
 * with several offsets, ISO 8601 parsing and formatting, and --tz values
 * (UTC, +05:30, -0400, America/New_York on a summer and a winter date). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/time.h"

static struct ws_str S(const char *s)
{
	return (struct ws_str){s, strlen(s)};
}

static void test_days_round_trip(void **state)
{
	(void)state;
	assert_int_equal(ws_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ws_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ws_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ws_days_from_civil(2001, 7, 19), 11522);
	/* Every day from 1600-01-01 to 2400-12-31: the inverse returns the same
	 * date and consecutive days differ by one. */
	int64_t first = ws_days_from_civil(1600, 1, 1), last = ws_days_from_civil(2400, 12, 31);
	int py = 1599, pm = 12, pd = 31;
	for (int64_t z = first; z <= last; z++) {
		int y, m, d;
		ws_civil_from_days(z, &y, &m, &d);
		assert_int_equal(ws_days_from_civil(y, m, d), z);
		/* (y, m, d) follows (py, pm, pd). */
		if (d == 1) {
			assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
			static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
			int leap = (py % 4 == 0 && py % 100 != 0) || py % 400 == 0;
			assert_int_equal(pd, mdays[pm - 1] + (pm == 2 && leap));
		} else {
			assert_true(y == py && m == pm && d == pd + 1);
		}
		py = y;
		pm = m;
		pd = d;
	}
	assert_int_equal(last - first + 1, 801 * 365 + 195); /* 195 leap days in 1600-2400 */
}

static void test_days_match_timegm(void **state)
{
	(void)state;
	for (int y = 1970; y <= 2100; y += 3)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 28; d += 9) {
				struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
				assert_int_equal(ws_days_from_civil(y, m, d) * 86400,
						 (int64_t)timegm(&tm));
			}
}

static void test_ncsa_time(void **state)
{
	(void)state;
	int64_t ts = 0;
	/* The servlet's Code Red line: 02/Aug/2001:06:01:38 -0400 = 10:01:38 UTC. */
	assert_true(ws_time_parse_ncsa(S("02/Aug/2001:06:01:38 -0400"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_ncsa(S("02/Aug/2001:10:01:38 +0000"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_ncsa(S("02/Aug/2001:11:01:38 +0100"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_ncsa(S("02/Aug/2001:15:31:38 +0530"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_ncsa(S("02/aug/2001:10:01:38 -0000"), &ts));
	assert_int_equal(ts, 996746498);
	/* Crossing midnight and the year: 31 Dec 23:30 -0100 = 1 Jan 00:30 UTC. */
	assert_true(ws_time_parse_ncsa(S("31/Dec/2001:23:30:00 -0100"), &ts));
	assert_int_equal(ts, 1009845000);
	/* Leap day. */
	assert_true(ws_time_parse_ncsa(S("29/Feb/2004:12:00:00 +0000"), &ts));
	assert_int_equal(ts, 1078056000);

	ts = 42;
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001:06:01:38"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001:06:01:38 0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Agu/2001:06:01:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("32/Aug/2001:06:01:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001:24:01:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001:06:61:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("2/Aug/2001:06:01:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001:06:01:38 -04x0"), &ts));
	assert_false(ws_time_parse_ncsa(S("02/Aug/2001 06:01:38 -0400"), &ts));
	assert_false(ws_time_parse_ncsa(S(""), &ts));
	assert_int_equal(ts, 42); /* untouched on failure */
}

static void test_iso_parse(void **state)
{
	(void)state;
	int64_t ts = 0;
	assert_true(ws_time_parse_iso(S("2001-08-02T10:01:38Z"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_iso(S("2001-08-02 10:01:38"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_iso(S("2001-08-02T10:01:38.123456Z"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_iso(S("2001-08-02T12:01:38.5+02:00"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_iso(S("2001-08-02T06:01:38-0400"), &ts));
	assert_int_equal(ts, 996746498);
	assert_true(ws_time_parse_iso(S("2001-08-02T15:31:38+05:30"), &ts));
	assert_int_equal(ts, 996746498);
	assert_false(ws_time_parse_iso(S("2001-08-02"), &ts));
	assert_false(ws_time_parse_iso(S("2001/08/02T10:01:38Z"), &ts));
	assert_false(ws_time_parse_iso(S("2001-13-02T10:01:38Z"), &ts));
	assert_false(ws_time_parse_iso(S("2001-08-02T10:01:38 UTC"), &ts));
	assert_false(ws_time_parse_iso(S("2001-08-02T10:01:38+2"), &ts));
	assert_false(ws_time_parse_iso(S("1969-12-31T23:59:59Z"), &ts));
}

static void test_iso_format(void **state)
{
	(void)state;
	char out[32];
	ws_time_format_iso(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ws_time_format_iso(996746498, out);
	assert_string_equal(out, "2001-08-02T10:01:38Z");
	ws_time_format_iso(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	ws_time_format_iso(951782400, out); /* leap day 2000 */
	assert_string_equal(out, "2000-02-29T00:00:00Z");
	/* Parse(format(t)) == t over a spread of times. */
	for (int64_t t = 0; t < 4102444800; t += 7777777) {
		int64_t back = -1;
		ws_time_format_iso(t, out);
		assert_true(ws_time_parse_iso(S(out), &back));
		assert_int_equal(back, t);
	}
}

static void test_tz_fixed(void **state)
{
	(void)state;
	struct ws_tz tz;
	assert_true(ws_tz_parse("UTC", &tz));
	assert_int_equal(tz.kind, 0);
	assert_int_equal(tz.offset, 0);
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 10, 0, 0), 995536800);
	assert_true(ws_tz_parse("+05:30", &tz));
	assert_int_equal(tz.kind, 0);
	assert_int_equal(tz.offset, 19800);
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 15, 30, 0), 995536800);
	assert_true(ws_tz_parse("-0400", &tz));
	assert_int_equal(tz.offset, -14400);
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 6, 0, 0), 995536800);
	assert_false(ws_tz_parse("+5", &tz));
	assert_false(ws_tz_parse("+05:30x", &tz));
	assert_false(ws_tz_parse("+25:00", &tz));
	assert_false(ws_tz_parse("Not/A_Zone", &tz));
	assert_false(ws_tz_parse("../../etc/passwd", &tz));
}

static void test_tz_rejects_directories(void **state)
{
	(void)state;
	/* A zoneinfo directory is not a zone: "America" or "" must not be taken
	 * for a named zone (TZ=America would silently mean UTC). */
	struct ws_tz tz;
	assert_false(ws_tz_parse("", &tz));
	assert_false(ws_tz_parse("America", &tz));
}

static void test_tz_named(void **state)
{
	(void)state;
	if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0)
		skip(); /* no zone database on this machine */
	struct ws_tz tz;
	assert_true(ws_tz_parse("America/New_York", &tz));
	assert_int_equal(tz.kind, 1);
	/* 19 Jul 2001 06:00 EDT (UTC-4) = 10:00 UTC, Code Red v2's start. */
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 6, 0, 0), 995536800);
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 6, 59, 59), 995536800 + 3599);
	/* 15 Jan 2001 12:00 EST (UTC-5) = 17:00 UTC. */
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 1, 15, 12, 0, 0), 979578000);
	/* Back to summer: the per-hour cache must not keep winter's offset. */
	assert_int_equal(ws_tz_to_utc(&tz, 2001, 7, 19, 6, 30, 0), 995536800 + 1800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_days_match_timegm),
		cmocka_unit_test(test_ncsa_time),
		cmocka_unit_test(test_iso_parse),
		cmocka_unit_test(test_iso_format),
		cmocka_unit_test(test_tz_fixed),
		cmocka_unit_test(test_tz_named),
		cmocka_unit_test(test_tz_rejects_directories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
