/* SPDX-License-Identifier: MIT */
/* Custom formats: Apache LogFormat and nginx log_format strings compiled and
 * matched, the retries that let a quoted %r hold a quote, X-Forwarded-For,
 * %U%q, cut-off lines, specs that must be refused and hostile lines. Every
 * line is parsed from a guard-page copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsetest.h"
#include "logfmt/logfmt.h"
#include "util/str.h"

#define COMBINED "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\""
#define NGINX_MAIN                                                                         \
	"$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent " \
	"\"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\""

static struct ws_custom *compile(const char *spec)
{
	struct ws_err err;
	struct ws_custom *c = ws_custom_compile(spec, &err);
	if (!c)
		fail_msg("%s", err.msg);
	return c;
}

static int parse(const struct ws_custom *c, const char *s, struct ws_request *r)
{
	return ws_parse_custom(c, ws_guard_copy(s, strlen(s)), strlen(s), r);
}

/* Code Red in Apache's combined format, as pasted from httpd.conf (with \"),
 * including the two spaces before the protocol ([CERT-IN-2001-08]). */
static void test_apache_combined_code_red(void **state)
{
	(void)state;
	struct ws_custom *c = compile(COMBINED);
	struct ws_request r;
	char line[1024], q[400];
	memset(q, 'N', 224);
	snprintf(q + 224, sizeof(q) - 224, "%%u9090%%u6858%%ucbd3%%u7801%%u00=a");
	snprintf(line, sizeof(line),
		 "211.218.252.9 - - [02/Aug/2001:06:01:38 -0400] \"GET /default.ida?%s  "
		 "HTTP/1.0\" 400 326 \"-\" \"-\"",
		 q);
	assert_int_equal(parse(c, line, &r), WS_PARSE_OK);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_str(r.query, q);
	assert_str(r.proto, "HTTP/1.0");
	assert_true(r.proto_logged);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.bytes, 326);
	assert_str(r.referer, "-");
	assert_str(r.agent, "-");
	assert_memory_equal(r.src.b, ((uint8_t[]){211, 218, 252, 9}), 4);
	assert_int_equal(r.form, WS_TARGET_RAW);
	assert_false(r.truncated);
	/* 06:01:38 -0400 is 10:01:38 UTC on 2001-08-02: 11323 days to 2001-01-01
	 * + 213 (Jan..Jul = 212, + 1) = 11536 days = 996710400, + 36098 s. */
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 996746498);
	ws_custom_free(c);
}

/* Apache before 2.0.46 logged a quote in the request raw; the retries find
 * the quote that is followed by a status. */
static void test_quote_in_request(void **state)
{
	(void)state;
	struct ws_custom *c = compile(COMBINED);
	struct ws_request r;
	assert_int_equal(parse(c,
			       "1.2.3.4 - - [02/Aug/2001:06:01:38 -0400] \"GET /a\" b\" c HTTP/1.0\" "
			       "404 5 \"-\" \"Mozilla \"4\" x\"",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/a\" b\" c");
	assert_int_equal(r.status, 404);
	assert_int_equal(r.bytes, 5);
	assert_str(r.agent, "Mozilla \"4\" x");
	/* "-" in %r: a connection that sent nothing. */
	assert_int_equal(parse(c, "1.2.3.4 - - [02/Aug/2001:06:01:38 -0400] \"-\" 408 - \"-\" \"-\"",
			       &r),
			 WS_PARSE_SKIP);
	ws_custom_free(c);
}

static void test_nginx_main_xff(void **state)
{
	(void)state;
	struct ws_custom *c = compile(NGINX_MAIN);
	struct ws_request r;
	assert_int_equal(parse(c,
			       "10.0.0.1 - - [18/Sep/2001:14:30:05 +0000] \"GET /scripts/root.exe?"
			       "/c+dir HTTP/1.0\" 404 162 \"-\" \"-\" \"203.0.113.9, 10.0.0.2\"",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){203, 0, 113, 9}), 4);
	assert_str(r.path, "/scripts/root.exe");
	assert_str(r.query, "/c+dir");
	assert_int_equal(r.status, 404);
	/* 2001-09-18 14:30:05 UTC = 11583 days * 86400 + 52205 s. */
	assert_int_equal(r.ts, 1000823405);
	assert_int_equal(parse(c,
			       "10.0.0.1 - - [18/Sep/2001:14:30:05 +0000] \"GET / HTTP/1.0\" 200 1 "
			       "\"-\" \"-\" \"-\"",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){10, 0, 0, 1}), 4);
	ws_custom_free(c);
}

/* %U%q: the path and "?query" in separate directives; %m and %H beside. */
static void test_apache_u_q(void **state)
{
	(void)state;
	struct ws_custom *c = compile("%a %{%d/%b/%Y:%H:%M:%S %z}t %m %U%q %H %>s %D %% %{X}e");
	struct ws_request r;
	assert_int_equal(parse(c,
			       "1.2.3.4 19/Jul/2001:10:00:01 +0000 GET /default.ida?NNNN%u00=a "
			       "HTTP/1.0 400 1234 % whatever",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_str(r.query, "NNNN%u00=a");
	assert_true(r.has_query);
	assert_str(r.proto, "HTTP/1.0");
	assert_int_equal(r.status, 400);
	assert_int_equal(r.ts, 995536801); /* 11522 days * 86400 + 36001 s */
	assert_int_equal(parse(c, "1.2.3.4 19/Jul/2001:10:00:01 +0000 GET /x HTTP/1.0 200 1 % -",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/x");
	assert_false(r.has_query);
	ws_custom_free(c);
}

/* nginx $request_uri and $time_iso8601; $uri + $args; unknown variables. */
static void test_nginx_other_vars(void **state)
{
	(void)state;
	struct ws_custom *c =
		compile("$time_iso8601 ${remote_addr}:$remote_port $request_method $request_uri "
			"$server_protocol $status $upstream_addr $host");
	struct ws_request r;
	assert_int_equal(parse(c,
			       "2001-07-19T06:00:01-04:00 192.0.2.7:4321 GET /default.ida?XXXX "
			       "HTTP/1.0 400 127.0.0.1:8080 example.com",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.ts, 995536801);
	assert_int_equal(r.src_port, 4321);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_str(r.query, "XXXX");
	assert_str(r.proto, "HTTP/1.0");
	assert_str(r.host, "example.com");
	ws_custom_free(c);

	c = compile("$remote_addr $uri$is_args$args $msec");
	assert_int_equal(parse(c, "192.0.2.7 /a 995536801.123", &r), WS_PARSE_OK);
	assert_str(r.path, "/a");
	assert_false(r.has_query);
	assert_false(r.proto_logged);
	assert_int_equal(r.ts, 995536801);
	assert_int_equal(parse(c, "192.0.2.7 /a?b=1 995536801.123", &r), WS_PARSE_OK);
	assert_str(r.path, "/a");
	assert_str(r.query, "b=1");
	ws_custom_free(c);

	c = compile("$remote_addr $uri $args");
	assert_int_equal(parse(c, "192.0.2.7 /a -", &r), WS_PARSE_OK);
	assert_false(r.has_query);
	ws_custom_free(c);
}

static void test_truncated(void **state)
{
	(void)state;
	struct ws_custom *c = compile(COMBINED);
	struct ws_request r;
	assert_int_equal(parse(c, "1.2.3.4 - - [02/Aug/2001:06:01:38 -0400] \"GET /default.ida?NNNNN",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_str(r.path, "/default.ida");
	assert_str(r.query, "NNNNN");
	/* Cut after the request: whole request, the rest unknown. */
	assert_int_equal(parse(c, "1.2.3.4 - - [02/Aug/2001:06:01:38 -0400] \"GET /x HTTP/1.0\" 40",
			       &r),
			 WS_PARSE_OK);
	assert_false(r.truncated);
	assert_str(r.path, "/x");
	/* Cut before the request: nothing to judge. */
	assert_int_equal(parse(c, "1.2.3.4 - - [02/Aug/2001:06:0", &r), WS_PARSE_BAD);
	assert_int_equal(parse(c, "hello", &r), WS_PARSE_BAD);
	assert_int_equal(parse(c, "", &r), WS_PARSE_SKIP);
	ws_custom_free(c);
}

static void test_compile_errors(void **state)
{
	(void)state;
	struct ws_err err;
	memset(&err, 0, sizeof(err));
	assert_null(ws_custom_compile("%h %l %u %t %>s %b", &err));
	assert_non_null(strstr(err.msg, "no request field"));
	assert_null(ws_custom_compile("$remote_addr $status", &err));
	assert_non_null(strstr(err.msg, "no request field"));
	assert_null(ws_custom_compile("%h %{Referer i \"%r\"", &err));
	assert_non_null(strstr(err.msg, "unterminated"));
	assert_null(ws_custom_compile("%r %", &err));
	assert_null(ws_custom_compile("", &err));

	/* Through --log-format: a string with % or $ is a custom format. */
	struct ws_logfmt f;
	assert_int_equal(ws_logfmt_init(&f, "%h %t \"%r\" %>s", NULL, &err), 0);
	assert_int_equal(f.kind, WS_FMT_CUSTOM);
	struct ws_request r;
	struct ws_buf scratch = {0};
	const char *line = "1.2.3.4 [02/Aug/2001:06:01:38 -0400] \"GET /x HTTP/1.0\" 200";
	assert_int_equal(ws_logfmt_parse(&f, ws_guard_copy(line, strlen(line)), strlen(line), &r,
					 &scratch),
			 WS_PARSE_OK);
	assert_str(r.path, "/x");
	ws_logfmt_free(&f);
	assert_int_equal(ws_logfmt_init(&f, "$status", NULL, &err), WS_EUSAGE);
}

static void test_hostile(void **state)
{
	(void)state;
	struct ws_custom *c = compile(COMBINED);
	struct ws_request r;
	const char *full = "1.2.3.4 - - [02/Aug/2001:06:01:38 -0400] \"GET /a\" b HTTP/1.0\" 404 5 "
			   "\"-\" \"x\"";
	size_t n = strlen(full);
	for (size_t i = 0; i <= n; i++) {
		int rc = ws_parse_custom(c, ws_guard_copy(full, i), i, &r);
		assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
		ws_guard_release();
	}
	static const char garbage[] = "\0\xff \" \" [\x80] \"\"\" \0 1 2";
	int rc = ws_parse_custom(c, ws_guard_copy(garbage, sizeof(garbage) - 1),
				 sizeof(garbage) - 1, &r);
	assert_int_equal(rc, WS_PARSE_BAD);

	/* A megabyte of separators and quotes: the retries must stay bounded. */
	size_t big = 1 << 20;
	char *m = malloc(big);
	assert_non_null(m);
	for (size_t i = 0; i < big; i++)
		m[i] = "a \" "[i % 4];
	clock_t t0 = clock();
	rc = ws_parse_custom(c, ws_guard_copy(m, big), big, &r);
	assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
	ws_guard_release();
	memset(m, ' ', big);
	rc = ws_parse_custom(c, ws_guard_copy(m, big), big, &r);
	assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(m);
	ws_custom_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_apache_combined_code_red, release),
		cmocka_unit_test_teardown(test_quote_in_request, release),
		cmocka_unit_test_teardown(test_nginx_main_xff, release),
		cmocka_unit_test_teardown(test_apache_u_q, release),
		cmocka_unit_test_teardown(test_nginx_other_vars, release),
		cmocka_unit_test_teardown(test_truncated, release),
		cmocka_unit_test_teardown(test_compile_errors, release),
		cmocka_unit_test_teardown(test_hostile, release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
