/* SPDX-License-Identifier: MIT */
/* Apache error log parser: 1.3/2.2 and 2.4 line shapes, local time through
 * the --tz zone, which messages yield a request (file-system path or request
 * line) and which are skipped. Every line is parsed from a guard-page copy. */
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
	return ws_parse_error(tz, ws_guard_copy(s, strlen(s)), strlen(s), r);
}

/* Nimda against Apache 1.3/2.2: the file the traversal mapped to. */
static void test_22_file_does_not_exist(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "[Tue Sep 18 14:30:05 2001] [error] [client 198.51.100.3] File does "
			       "not exist: /var/www/scripts/..%5c../winnt/system32/cmd.exe",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.form, WS_TARGET_FSPATH);
	assert_str(r.path, "/var/www/scripts/..%5c../winnt/system32/cmd.exe");
	assert_false(r.has_query);
	assert_int_equal(r.method.n, 0);
	assert_false(r.proto_logged);
	assert_int_equal(r.status, -1);
	assert_memory_equal(r.src.b, ((uint8_t[]){198, 51, 100, 3}), 4);
	assert_int_equal(r.src_port, -1);
	/* 2001-09-18 14:30:05 UTC: 11323 days to 2001-01-01 + 260 = 11583 days
	 * = 1000771200, + 52205 s. */
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 1000823405);

	/* ", referer: ..." is not part of the path; the zone shifts the time. */
	struct ws_tz tz;
	assert_true(ws_tz_parse("+0200", &tz));
	assert_int_equal(parse(&tz,
			       "[Thu Jun 09 06:07:04 2005] [error] [client 1.2.3.4] File does not "
			       "exist: /srv/www/scripts/root.exe, referer: http://x/",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/srv/www/scripts/root.exe");
	/* 06:07:04 at +02:00 is 04:07:04 UTC on 2005-06-09: 2005-06-09 06:07:04
	 * UTC is 1118297224 (12943 days * 86400 + 22024 s), minus 7200. */
	assert_int_equal(r.ts, 1118297224 - 7200);

	assert_int_equal(parse(&utc,
			       "[Sat Aug 04 10:00:01 2001] [error] [client 1.2.3.4] script not "
			       "found or unable to stat: /usr/lib/cgi-bin/root.exe",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/usr/lib/cgi-bin/root.exe");
	/* 2001-08-04 10:00:01 UTC: 11538 days = 996883200, + 36001 s. */
	assert_int_equal(r.ts, 996919201);
}

/* 2.4: fractional seconds, [module:level], [pid:tid], a port after the client,
 * an AHnnnnn message id. */
static void test_24(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid "
			       "4328636416] [client 72.15.99.187:50256] AH00128: File does not "
			       "exist: /usr/local/apache2/htdocs/favicon.ico",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/usr/local/apache2/htdocs/favicon.ico");
	assert_memory_equal(r.src.b, ((uint8_t[]){72, 15, 99, 187}), 4);
	assert_int_equal(r.src_port, 50256);
	/* 2011-09-09 10:42:29 UTC: 15226 days (40 years to 2010 with 10 leap days
	 * = 14610, + 365 for 2010, + 251 in 2011) = 1315526400, + 38549 s. */
	assert_int_equal(r.ts, 1315564949);

	/* IPv6 with a port; the errno text before the client bracket. */
	assert_int_equal(parse(&utc,
			       "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 1:tid 2] "
			       "(36)File name too long: [client 2001:db8::7:50256] AH00036: access "
			       "to /default.ida failed (filesystem path '/var/www/default.ida')",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 6);
	assert_int_equal(r.src.b[15], 7);
	assert_int_equal(r.src_port, 50256);
	assert_str(r.path, "/default.ida");
	assert_int_equal(r.form, WS_TARGET_FSPATH);
}

/* The first line of a rotated file may lack its '['. */
static void test_missing_bracket(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "Thu Jun 09 06:07:04 2005] [notice] LDAP: Built with OpenLDAP LDAP SDK",
			       &r),
			 WS_PARSE_SKIP);
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 1118297224);
	assert_int_equal(parse(&utc,
			       "Thu Jun 09 06:07:04 2005] [error] [client 1.2.3.4] File does not "
			       "exist: /x",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/x");
}

static void test_request_lines(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc,
			       "[Sat Aug 04 10:00:01 2001] [error] [client 1.2.3.4] Invalid method "
			       "in request SEARCH /\x90\x02\xb1 HTTP/1.1",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.form, WS_TARGET_RAW);
	assert_str(r.method, "SEARCH");
	assert_str(r.path, "/\x90\x02\xb1");
	assert_str(r.proto, "HTTP/1.1");
	assert_int_equal(parse(&utc,
			       "[Sat Aug 04 10:00:01 2001] [error] [client 1.2.3.4] Invalid URI in "
			       "request GET /scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir "
			       "HTTP/1.0",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..%c0%af../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_true(r.has_query);
}

static void test_skipped(void **state)
{
	(void)state;
	struct ws_request r;
	/* Code Red on Apache 1.3, but any broken client says the same. */
	assert_int_equal(parse(&utc,
			       "[Thu Jul 19 10:00:01 2001] [error] [client 192.0.2.7] Client sent "
			       "malformed Host header",
			       &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse(&utc,
			       "[Thu Jul 19 10:00:01 2001] [error] [client 192.0.2.7] request "
			       "failed: URI too long (longer than 8190)",
			       &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse(&utc,
			       "[Sat Aug 12 04:05:51 2006] [notice] Apache/1.3.11 (Unix) configured",
			       &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse(&utc,
			       "[Sat Aug 04 10:00:01 2001] [error] [client 1.2.3.4] File does not "
			       "exist: ",
			       &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse(&utc, "", &r), WS_PARSE_SKIP);
}

static void test_bad_and_hostile(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse(&utc, "hello world", &r), WS_PARSE_BAD);
	assert_int_equal(parse(&utc, "[hello] world", &r), WS_PARSE_BAD);
	assert_int_equal(parse(&utc, "[Thu Foo 19 10:00:01 2001] [error] x", &r), WS_PARSE_BAD);
	assert_int_equal(parse(&utc, "1.2.3.4 - - [19/Jul/2001:10:00:01 +0000] \"GET / HTTP/1.0\" "
				     "200 5",
			       &r),
			 WS_PARSE_BAD);
	const char *full = "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 1:tid 2] "
			   "(36)File name too long: [client 2001:db8::7:50256] AH00036: access "
			   "to /default.ida failed, referer: x";
	size_t n = strlen(full);
	for (size_t i = 0; i <= n; i++) {
		int rc = ws_parse_error(&utc, ws_guard_copy(full, i), i, &r);
		assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
		ws_guard_release();
	}
	static const char garbage[] = "[Thu Jul 19 10:00:01 2001] [\0] [client \xff:\x80] (\0";
	int rc = ws_parse_error(&utc, ws_guard_copy(garbage, sizeof(garbage) - 1),
				sizeof(garbage) - 1, &r);
	assert_int_equal(rc, WS_PARSE_SKIP);
	size_t big = 1 << 20;
	char *m = malloc(big);
	assert_non_null(m);
	memset(m, '[', big);
	assert_int_equal(ws_parse_error(&utc, ws_guard_copy(m, big), big, &r), WS_PARSE_BAD);
	static const char head[] = "[Thu Jul 19 10:00:01 2001] [error] [client 1.2.3.4] File "
				   "does not exist: /";
	memcpy(m, head, sizeof(head) - 1);
	memset(m + sizeof(head) - 1, 'a', big - (sizeof(head) - 1));
	assert_int_equal(ws_parse_error(&utc, ws_guard_copy(m, big), big, &r), WS_PARSE_OK);
	assert_int_equal(r.path.n, big - (sizeof(head) - 2));
	free(m);
}

/* Detection, including a first line cut before its '['. */
static void test_detect(void **state)
{
	(void)state;
	static const char log[] =
		"Thu Jun 09 06:07:04 2005] [notice] Apache configured\n"
		"[Thu Jun 09 06:07:04 2005] [error] [client 1.2.3.4] File does not exist: /x\n"
		"[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 1:tid 2] [client "
		"1.2.3.4:5] AH00128: File does not exist: /x\n";
	assert_int_equal(ws_logfmt_detect(log, sizeof(log) - 1), WS_FMT_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_22_file_does_not_exist, release),
		cmocka_unit_test(test_detect),
		cmocka_unit_test_teardown(test_24, release),
		cmocka_unit_test_teardown(test_missing_bracket, release),
		cmocka_unit_test_teardown(test_request_lines, release),
		cmocka_unit_test_teardown(test_skipped, release),
		cmocka_unit_test_teardown(test_bad_and_hostile, release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
