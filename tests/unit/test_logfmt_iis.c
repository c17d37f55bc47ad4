/* SPDX-License-Identifier: MIT */
/* IIS native log format parser: the fifteen ", "-separated fields, local time
 * through the --tz zone, two-digit years, Code Red and Nimda as IIS logs them,
 * cut-off and hostile lines. Every line is parsed from a guard-page copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsetest.h"
#include "logfmt/logfmt.h"
#include "util/str.h"

static const struct ws_tz utc = {0, 0};

static int parse(const struct ws_tz *tz, const char *s, struct ws_request *r)
{
	return ws_parse_iis(tz, ws_guard_copy(s, strlen(s)), strlen(s), r);
}

/* Microsoft's documented example line, with the server five hours behind UTC. */
static void test_documented_example(void **state)
{
	(void)state;
	struct ws_tz tz;
	struct ws_request r;
	assert_true(ws_tz_parse("-05:00", &tz));
	assert_int_equal(parse(&tz,
			       "192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SALES1, "
			       "172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){192, 168, 114, 201}), 4);
	assert_memory_equal(r.dst.b, ((uint8_t[]){172, 21, 13, 45}), 4);
	assert_str(r.method, "GET");
	assert_str(r.path, "/DeptLogo.gif");
	assert_false(r.has_query);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.bytes, 3223); /* bytes sent by the server */
	assert_int_equal(r.form, WS_TARGET_DECODED);
	assert_false(r.proto_logged);
	assert_false(r.truncated);
	/* 07:55:20 at -05:00 is 12:55:20 UTC. 2001-03-20: 11323 days to
	 * 2001-01-01 (31 years, 8 leap days) + 78 (Jan 31 + Feb 28 + 19) = 11401;
	 * 11401 * 86400 = 985046400, + 12 h 55 min 20 s (46520 s). */
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 985092920);
}

/* Code Red: the stem and the query in their own fields ([ApacheWeek01]). */
static void test_code_red(void **state)
{
	(void)state;
	struct ws_request r;
	char line[1024];
	char q[512];
	memset(q, 'N', 224);
	snprintf(q + 224, sizeof(q) - 224, "%%u9090%%u6858%%ucbd3%%u7801%%u00=a");
	snprintf(line, sizeof(line),
		 "192.0.2.7, -, 7/19/2001, 10:00:01, W3SVC1, WEB1, 10.0.0.1, 10, 3818, 0, "
		 "400, 0, GET, /default.ida, %s,",
		 q);
	assert_int_equal(parse(&utc, line, &r), WS_PARSE_OK);
	assert_str(r.path, "/default.ida");
	assert_true(r.has_query);
	assert_str(r.query, q);
	assert_int_equal(r.status, 400);
	/* 2001-07-19 10:00:01 UTC: 11323 + 199 (Jan..Jun = 181, +18) = 11522
	 * days = 995500800, + 36001 s. */
	assert_int_equal(r.ts, 995536801);
}

/* Nimda decoded by IIS; the query holds a ", " of its own. */
static void test_nimda_and_commas(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "198.51.100.3, -, 9/18/01, 14:30:05, W3SVC1, WEB1, 10.0.0.1, 0, "
			       "0, 0, 200, 0, GET, /scripts/..%5c../winnt/system32/cmd.exe, "
			       "/c+dir,",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..%5c../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_int_equal(r.ts, 1000823405); /* as in test_logfmt_w3c.c */
	assert_int_equal(parse(&utc,
			       "198.51.100.3, -, 9/18/01, 14:30:05, W3SVC1, WEB1, 10.0.0.1, 0, "
			       "0, 0, 200, 0, GET, /a,b.asp, x=1, y=2,",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/a,b.asp");
	assert_str(r.query, "x=1, y=2");
}

/* Years: 70-99 are 19xx, 00-69 20xx, four digits as they are. A named zone
 * follows daylight saving time. */
static void test_years_and_zones(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "1.2.3.4, -, 12/31/99, 23:00:00, W3SVC1, W, 5.6.7.8, 0, 0, 0, 200, "
			       "0, GET, /, -,",
			       &r),
			 WS_PARSE_OK);
	/* 1999-12-31 23:00 UTC is one hour before 2000-01-01 (10957 days,
	 * 946684800): 946681200. */
	assert_int_equal(r.ts, 946681200);
	assert_int_equal(parse(&utc,
			       "1.2.3.4, -, 01/15/2001, 17:00:00, W3SVC1, W, 5.6.7.8, 0, 0, 0, "
			       "200, 0, GET, /, -,",
			       &r),
			 WS_PARSE_OK);
	/* 11323 + 14 days = 11337 * 86400 = 979516800, + 61200 s. */
	assert_int_equal(r.ts, 979578000);

	struct ws_tz ny;
	if (!ws_tz_parse("America/New_York", &ny))
		return; /* no zone database here */
	/* July: EDT, UTC-4, so 10:00:01 local is 14:00:01 UTC = 995536801 + 4 h. */
	assert_int_equal(parse(&ny,
			       "1.2.3.4, -, 7/19/01, 10:00:01, W3SVC1, W, 5.6.7.8, 0, 0, 0, 200, "
			       "0, GET, /, -,",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.ts, 995551201);
	/* January: EST, UTC-5: 12:00 local is 17:00 UTC. */
	assert_int_equal(parse(&ny,
			       "1.2.3.4, -, 1/15/01, 12:00:00, W3SVC1, W, 5.6.7.8, 0, 0, 0, 200, "
			       "0, GET, /, -,",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.ts, 979578000);
}

static void test_truncated_and_garbage(void **state)
{
	(void)state;
	struct ws_request r;
	/* Cut inside the query: no final ','. */
	assert_int_equal(parse(&utc,
			       "1.2.3.4, -, 7/19/01, 10:00:01, W3SVC1, W, 5.6.7.8, 0, 0, 0, 400, "
			       "0, GET, /default.ida, NNNNNNNN",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_str(r.query, "NNNNNNNN");
	/* Cut inside the stem. */
	assert_int_equal(parse(&utc,
			       "1.2.3.4, -, 7/19/01, 10:00:01, W3SVC1, W, 5.6.7.8, 0, 0, 0, 400, "
			       "0, GET, /default.i",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_str(r.path, "/default.i");
	assert_false(r.has_query);
	/* Cut before the target. */
	assert_int_equal(parse(&utc, "1.2.3.4, -, 7/19/01, 10:00:01, W3SVC1, W, 5.6.7.8, 0",
			       &r),
			 WS_PARSE_BAD);
	/* Enough commas but no IIS date. */
	assert_int_equal(parse(&utc, "a, b, c, d, e, f, g, h, i, j, k, l, m, n, o,", &r),
			 WS_PARSE_BAD);
	assert_int_equal(parse(&utc, "1.2.3.4, -, 13/45/01, 10:00:01, W, W, 5.6.7.8, 0, 0, 0, "
				     "400, 0, GET, /, -,",
			       &r),
			 WS_PARSE_BAD);
	assert_int_equal(parse(&utc, "", &r), WS_PARSE_SKIP);
	assert_int_equal(parse(&utc, "127.0.0.1 - - [19/Jul/2001:10:00:01 +0000] \"GET / HTTP/1.0\" "
				     "200 5",
			       &r),
			 WS_PARSE_BAD);

	static const char garbage[] = ", , ,\0, \xff, 1/1/01, 0:0:0, , , , , , , , \x80,";
	int rc = ws_parse_iis(&utc, ws_guard_copy(garbage, sizeof(garbage) - 1),
			      sizeof(garbage) - 1, &r);
	assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);

	const char *full = "192.0.2.7, -, 7/19/2001, 10:00:01, W3SVC1, WEB1, 10.0.0.1, 10, 3818, "
			   "0, 400, 0, GET, /default.ida, NNNN%u9090=a,";
	size_t n = strlen(full);
	for (size_t i = 0; i <= n; i++) {
		rc = ws_parse_iis(&utc, ws_guard_copy(full, i), i, &r);
		assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
		ws_guard_release();
	}

	size_t big = 1 << 20;
	char *m = malloc(big);
	assert_non_null(m);
	memset(m, ',', big);
	assert_int_equal(ws_parse_iis(&utc, ws_guard_copy(m, big), big, &r), WS_PARSE_BAD);
	free(m);
}

static void test_detect(void **state)
{
	(void)state;
	static const char log[] = "192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SALES1, "
				  "172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,\n";
	assert_int_equal(ws_logfmt_detect(log, sizeof(log) - 1), WS_FMT_IIS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_documented_example, release),
		cmocka_unit_test(test_detect),
		cmocka_unit_test_teardown(test_code_red, release),
		cmocka_unit_test_teardown(test_nimda_and_commas, release),
		cmocka_unit_test_teardown(test_years_and_zones, release),
		cmocka_unit_test_teardown(test_truncated_and_garbage, release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
