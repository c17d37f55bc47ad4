/* SPDX-License-Identifier: MIT */
/* W3C extended (IIS) parser: #Fields: handling, the IIS split of stem and
 * query ([ApacheWeek01]), cut-off and hostile lines. Every line is parsed from a
 * guard-page copy, so reading past its end crashes the test. */
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

/* Code Red I's query: 224 'N' then the 138-character tail ([CERT-IN-2001-08]). */
#define CR_TAIL                                                                              \
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090" \
	"%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a"

static char cr_query[224 + sizeof(CR_TAIL)];

static const char *code_red_query(void)
{
	memset(cr_query, 'N', 224);
	memcpy(cr_query + 224, CR_TAIL, sizeof(CR_TAIL));
	return cr_query;
}

static int parse(struct ws_logfmt *f, const char *s, struct ws_request *r)
{
	return ws_parse_w3c(&f->w3c, ws_guard_copy(s, strlen(s)), strlen(s), r);
}

static void init(struct ws_logfmt *f)
{
	struct ws_err err;
	assert_int_equal(ws_logfmt_init(f, "w3c", NULL, &err), 0);
}

/* No #Fields: yet: the IIS default field list applies. Code Red as IIS logs
 * it: the stem and the query in separate fields. */
static void test_default_fields_code_red(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	char line[1024];
	init(&f);
	snprintf(line, sizeof(line),
		 "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET /default.ida %s 400 -",
		 code_red_query());
	assert_int_equal(parse(&f, line, &r), WS_PARSE_OK);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_true(r.has_query);
	assert_str(r.query, code_red_query());
	assert_int_equal(r.query.n, 224 + 138);
	assert_int_equal(r.form, WS_TARGET_DECODED);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.dst_port, 80);
	assert_int_equal(r.src.fam, 4);
	assert_memory_equal(r.src.b, ((uint8_t[]){192, 0, 2, 7}), 4);
	assert_memory_equal(r.dst.b, ((uint8_t[]){10, 0, 0, 1}), 4);
	assert_str(r.agent, "-");
	/* The default set has no cs-version. */
	assert_false(r.proto_logged);
	assert_false(r.truncated);
	/* W3C times are UTC: 2001-07-19 is 31 years after 1970 with 8 leap days
	 * (11323 days to 2001-01-01) plus 199 days (Jan..Jun = 181, +18) =
	 * 11522 days; 11522 * 86400 + 10 h 0 min 1 s = 995500800 + 36001. */
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 995536801);
	ws_logfmt_free(&f);
}

/* Nimda's traversal as IIS logs it: the stem decoded once (%255c -> %5c), the
 * query apart. */
static void test_nimda_decoded(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	assert_int_equal(parse(&f, "#Software: Microsoft Internet Information Services 5.0", &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse(&f, "#Version: 1.0", &r), WS_PARSE_SKIP);
	assert_int_equal(parse(&f, "#Date: 2001-09-18 14:00:00", &r), WS_PARSE_SKIP);
	assert_int_equal(parse(&f,
			       "#Fields: date time c-ip cs-username s-ip s-port cs-method "
			       "cs-uri-stem cs-uri-query sc-status cs(User-Agent)\r",
			       &r),
			 WS_PARSE_SKIP);
	assert_true(f.w3c.have_fields);
	assert_int_equal(f.w3c.nfields, 11);
	assert_int_equal(parse(&f,
			       "2001-09-18 14:30:05 198.51.100.3 - 10.0.0.1 80 GET "
			       "/scripts/..%5c../winnt/system32/cmd.exe /c+dir 200 -\r",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..%5c../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_true(r.has_query);
	assert_int_equal(r.form, WS_TARGET_DECODED);
	assert_int_equal(r.status, 200);
	/* 2001-09-18 14:30:05 UTC: 11323 + 260 (Jan..Aug = 243, +17) = 11583 days;
	 * 11583 * 86400 = 1000771200, + 52205 s. */
	assert_int_equal(r.ts, 1000823405);
	/* "-" in cs-uri-query means no query at all. */
	assert_int_equal(parse(&f,
			       "2001-09-18 14:30:06 198.51.100.3 - 10.0.0.1 80 GET "
			       "/scripts/root.exe - 404 -",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/root.exe");
	assert_false(r.has_query);
	assert_int_equal(r.query.n, 0);
	ws_logfmt_free(&f);
}

/* IIS rewrites #Fields: when the configuration changes; the new order holds
 * from that line on. */
static void test_fields_change_mid_file(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	parse(&f, "#Fields: time c-ip cs-method cs-uri-stem sc-status", &r);
	assert_int_equal(parse(&f, "10:00:01 192.0.2.7 GET /default.ida 400", &r), WS_PARSE_OK);
	assert_str(r.path, "/default.ida");
	assert_int_equal(r.status, 400);
	assert_false(r.ts_known); /* no date field (IIS 5 default) */
	assert_false(r.has_query);

	parse(&f,
	      "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip "
	      "cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-bytes",
	      &r);
	assert_int_equal(f.w3c.nfields, 14);
	assert_int_equal(parse(&f,
			       "2001-08-04 23:59:59 10.0.0.2 HEAD /index.htm a=1&b=2 8080 "
			       "2001:db8::5 HTTP/1.1 Mozilla/4.0+(compatible;+MSIE+5.5) "
			       "http://example.com/ www.example.com 200 1234",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.method, "HEAD");
	assert_str(r.path, "/index.htm");
	assert_str(r.query, "a=1&b=2");
	assert_int_equal(r.dst_port, 8080);
	assert_int_equal(r.src.fam, 6);
	assert_int_equal(r.dst.b[3], 2);
	assert_true(r.proto_logged);
	assert_str(r.proto, "HTTP/1.1");
	assert_str(r.agent, "Mozilla/4.0+(compatible;+MSIE+5.5)"); /* '+' kept raw */
	assert_str(r.referer, "http://example.com/");
	assert_str(r.host, "www.example.com");
	assert_int_equal(r.status, 200);
	assert_int_equal(r.bytes, 1234);
	/* 2001-08-04 23:59:59: 11323 + 215 (Jan..Jul = 212, +3) = 11538 days =
	 * 996883200, + 86399 s. */
	assert_int_equal(r.ts, 996969599);
	ws_logfmt_free(&f);
}

/* A cs-version of "-" (HTTP/0.9, or a request IIS could not read) is not a
 * protocol. */
static void test_version_dash(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	parse(&f, "#Fields: date time c-ip cs-method cs-uri-stem cs-version", &r);
	assert_int_equal(parse(&f, "2001-08-04 10:00:00 192.0.2.1 GET /x -", &r), WS_PARSE_OK);
	assert_false(r.proto_logged);
	assert_int_equal(r.proto.n, 0);
	ws_logfmt_free(&f);
}

static void test_x_forwarded_for(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	parse(&f, "#Fields: date time c-ip cs-method cs-uri-stem cs(X-Forwarded-For)", &r);
	assert_int_equal(parse(&f, "2001-08-04 10:00:00 10.9.9.9 GET /x 203.0.113.9,+10.0.0.1",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){203, 0, 113, 9}), 4);
	/* Not an address: the connection's address stays. */
	assert_int_equal(parse(&f, "2001-08-04 10:00:00 10.9.9.9 GET /x -", &r), WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){10, 9, 9, 9}), 4);
	assert_int_equal(parse(&f, "2001-08-04 10:00:00 10.9.9.9 GET /x unknown", &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){10, 9, 9, 9}), 4);
	/* IIS 8.5 custom field name. */
	parse(&f, "#Fields: c-ip cs-uri-stem X-Forwarded-For", &r);
	assert_int_equal(parse(&f, "10.9.9.9 /x 2001:db8::1", &r), WS_PARSE_OK);
	assert_int_equal(r.src.fam, 6);
	ws_logfmt_free(&f);
}

/* Writers other than IIS log cs-uri, the whole target as received. */
static void test_cs_uri(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	parse(&f, "#Fields: date time c-ip cs-method cs-uri sc-status", &r);
	assert_int_equal(parse(&f,
			       "2001-08-04 10:00:00 192.0.2.1 GET "
			       "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir 404",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..%255c../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_int_equal(r.form, WS_TARGET_RAW);
	/* W3C draft quoting of a string with spaces. */
	parse(&f, "#Fields: c-ip cs-uri-stem cs(User-Agent)", &r);
	assert_int_equal(parse(&f, "192.0.2.1 /x \"Mozilla 4.0\"", &r), WS_PARSE_OK);
	assert_str(r.agent, "Mozilla 4.0");
	ws_logfmt_free(&f);
}

static void test_truncated_and_short(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	/* Ends inside the query: the request may be cut. */
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET "
				   "/default.ida NNNNNNNNNNNN",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_str(r.query, "NNNNNNNNNNNN");
	/* Ends at the stem. */
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET /default.ida",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_false(r.has_query);
	/* Ends after the query: the request is whole. */
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET /x q 400",
			       &r),
			 WS_PARSE_OK);
	assert_false(r.truncated);
	/* Ends before the stem: not a request. */
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET", &r),
			 WS_PARSE_BAD);
	assert_int_equal(parse(&f, "hello world", &r), WS_PARSE_BAD);
	assert_int_equal(parse(&f, "", &r), WS_PARSE_SKIP);
	assert_int_equal(parse(&f, "   \r", &r), WS_PARSE_SKIP);
	/* A header without any target column leaves nothing to judge. */
	parse(&f, "#Fields: date time c-ip", &r);
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 192.0.2.7", &r), WS_PARSE_SKIP);
	ws_logfmt_free(&f);
}

/* Every prefix of a real line, garbage with NULs and high bytes, a header of
 * more than 64 fields and a megabyte line: no crash, no over-read. */
static void test_hostile(void **state)
{
	(void)state;
	struct ws_logfmt f;
	struct ws_request r;
	init(&f);
	char line[1024];
	int n = snprintf(line, sizeof(line),
			 "2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET /default.ida %s 400 -",
			 code_red_query());
	for (int i = 0; i <= n; i++) {
		int rc = ws_parse_w3c(&f.w3c, ws_guard_copy(line, (size_t)i), (size_t)i, &r);
		assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
		ws_guard_release();
	}
	static const char garbage[] = "\0\xff\xfe #Fields\0 \"\x80\"\"\x01 -\t\t\"";
	assert_int_equal(ws_parse_w3c(&f.w3c, ws_guard_copy(garbage, sizeof(garbage) - 1),
				      sizeof(garbage) - 1, &r),
			 WS_PARSE_BAD);
	/* A quote that never closes, at the very end. */
	assert_int_equal(parse(&f, "2001-07-19 10:00:01 1.2.3.4 - 5.6.7.8 80 GET \"/x", &r),
			 WS_PARSE_OK);
	assert_str(r.path, "\"/x");

	char hdr[2048] = "#Fields:";
	size_t hn = strlen(hdr);
	for (int i = 0; i < 100; i++)
		hn += (size_t)snprintf(hdr + hn, sizeof(hdr) - hn, "%s",
				       i == 70 ? " cs-uri-stem" : " x-junk");
	parse(&f, hdr, &r);
	assert_int_equal(f.w3c.nfields, 64);
	assert_int_equal(parse(&f, "1 2 3", &r), WS_PARSE_SKIP); /* stem past column 64 */

	parse(&f, "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query", &r);
	size_t big = 1 << 20;
	char *m = malloc(big);
	assert_non_null(m);
	memset(m, 'N', big);
	memcpy(m, "2001-07-19 10:00:01 1.2.3.4 GET /default.ida ", 45);
	assert_int_equal(ws_parse_w3c(&f.w3c, ws_guard_copy(m, big), big, &r), WS_PARSE_OK);
	assert_int_equal(r.query.n, big - 45);
	assert_false(r.truncated); /* the query is the last column: nothing is missing */
	free(m);
	ws_logfmt_free(&f);
}

/* Detection: the directives settle it; without them (a file split by size)
 * the leading date and time do. */
static void test_detect(void **state)
{
	(void)state;
	static const char with_header[] = "#Software: Microsoft Internet Information Services "
					  "5.0\n#Version: 1.0\n#Fields: date time c-ip\n";
	static const char headerless[] =
		"2001-07-19 10:00:01 192.0.2.7 - 10.0.0.1 80 GET /default.ida NNNN 400 -\n"
		"2001-07-19 10:00:02 192.0.2.8 - 10.0.0.1 80 GET /x - 200 -\n";
	assert_int_equal(ws_logfmt_detect(with_header, sizeof(with_header) - 1), WS_FMT_W3C);
	assert_int_equal(ws_logfmt_detect(headerless, sizeof(headerless) - 1), WS_FMT_W3C);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_default_fields_code_red, release),
		cmocka_unit_test(test_detect),
		cmocka_unit_test_teardown(test_nimda_decoded, release),
		cmocka_unit_test_teardown(test_fields_change_mid_file, release),
		cmocka_unit_test_teardown(test_version_dash, release),
		cmocka_unit_test_teardown(test_x_forwarded_for, release),
		cmocka_unit_test_teardown(test_cs_uri, release),
		cmocka_unit_test_teardown(test_truncated_and_short, release),
		cmocka_unit_test_teardown(test_hostile, release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
