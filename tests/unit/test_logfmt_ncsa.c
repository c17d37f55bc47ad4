/* SPDX-License-Identifier: MIT */
/* The NCSA parser (ws_parse_ncsa): common, combined and vhost_combined lines,
 * IPv6 and host-name clients, a raw quote inside the request, the "-" 408 of
 * a connection that sent nothing, a request without protocol or with two
 * spaces before it, a line cut inside the request, CRLF endings, comments and
 * garbage. Every line is placed against a guard page, so a read past its end
 * faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "parsetest.h"
#include "logfmt/logfmt.h"
#include "util/addr.h"

static int parse(const char *text, struct ws_request *r)
{
	size_t n = strlen(text);
	return ws_parse_ncsa(ws_guard_copy(text, n), n, r);
}

static void addr_is(const struct ws_addr *a, const char *want)
{
	char out[64];
	assert_string_equal(ws_addr_format(a, out, sizeof(out)), want);
}

static void test_common(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("211.218.252.9 - - [02/Aug/2001:06:01:38 -0400] "
			       "\"GET /index.html HTTP/1.0\" 200 1043",
			       &r),
			 WS_PARSE_OK);
	addr_is(&r.src, "211.218.252.9");
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 996746498);
	assert_str(r.method, "GET");
	assert_str(r.path, "/index.html");
	assert_false(r.has_query);
	assert_str(r.proto, "HTTP/1.0");
	assert_true(r.proto_logged);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.bytes, 1043);
	assert_int_equal(r.referer.n, 0);
	assert_int_equal(r.agent.n, 0);
	assert_int_equal(r.host.n, 0);
	assert_int_equal(r.form, WS_TARGET_RAW);
	assert_false(r.truncated);
	assert_int_equal(r.src_port, -1);
	assert_int_equal(r.dst_port, -1);
	/* Bytes "-": unknown. */
	assert_int_equal(parse("192.168.2.12 - - [19/Jul/2001:16:55:47 +0100] "
			       "\"GET /default.ida?NNNN%u00=a HTTP/1.0\" 400 -",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.bytes, -1);
	assert_str(r.path, "/default.ida");
	assert_true(r.has_query);
	assert_str(r.query, "NNNN%u00=a");
}

static void test_combined(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("198.51.100.4 - frank [10/Oct/2000:13:55:36 -0700] "
			       "\"GET /apache_pb.gif?x=1 HTTP/1.1\" 304 0 "
			       "\"http://www.example.com/start.html\" "
			       "\"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
			       &r),
			 WS_PARSE_OK);
	addr_is(&r.src, "198.51.100.4");
	assert_str(r.path, "/apache_pb.gif");
	assert_str(r.query, "x=1");
	assert_str(r.proto, "HTTP/1.1");
	assert_int_equal(r.status, 304);
	assert_int_equal(r.bytes, 0);
	assert_str(r.referer, "http://www.example.com/start.html");
	assert_str(r.agent, "Mozilla/4.08 [en] (Win98; I ;Nav)");
	/* Code Red's "-" "-": no referer, no agent. */
	assert_int_equal(parse("211.218.252.9 - - [02/Aug/2001:06:01:38 -0400] "
			       "\"GET /x HTTP/1.0\" 400 326 \"-\" \"-\"",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.referer.n, 0);
	assert_int_equal(r.agent.n, 0);
}

static void test_vhost_combined(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("www.example.com:8080 192.0.2.9 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 214 \"-\" \"-\"",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.host, "www.example.com");
	assert_int_equal(r.dst_port, 8080);
	addr_is(&r.src, "192.0.2.9");
	assert_str(r.path, "/scripts/root.exe");
	assert_str(r.query, "/c+dir");
	assert_int_equal(r.status, 404);
	/* Without a port. */
	assert_int_equal(parse("example.org 192.0.2.9 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET / HTTP/1.0\" 200 5",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.host, "example.org");
	assert_int_equal(r.dst_port, -1);
}

static void test_clients(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("2001:db8::1f - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET / HTTP/1.1\" 200 5",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 6);
	addr_is(&r.src, "2001:db8::1f");
	assert_int_equal(parse("::ffff:192.0.2.5 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET / HTTP/1.1\" 200 5",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 4);
	addr_is(&r.src, "192.0.2.5");
	/* HostnameLookups On: the line parses, the source is unknown. */
	assert_int_equal(parse("dsl-24-12-7-91.example.net - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 214",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 0);
	assert_str(r.query, "/c+dir");
	/* Escape bytes in the client field (their '[' is no timestamp): the
	 * source is unknown, the request on the line is still read. */
	assert_int_equal(parse("\x1b[31m192.0.2.9\x1b[0m - - [04/Aug/2001:10:00:01 +0000] "
			       "\"GET /default.ida?XXXX HTTP/1.0\" 404 100",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 0);
	assert_true(r.ts_known);
	assert_str(r.path, "/default.ida");
}

static void test_raw_quote_in_request(void **state)
{
	(void)state;
	struct ws_request r;
	/* Apache before 2.0.46 logged a quote in the target raw. */
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /a\"b.html?x=\"1\" HTTP/1.0\" 404 209 \"-\" \"Agent \\\"Q\\\"\"",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/a\"b.html");
	assert_str(r.query, "x=\"1\"");
	assert_str(r.proto, "HTTP/1.0");
	assert_int_equal(r.status, 404);
	assert_int_equal(r.bytes, 209);
	assert_str(r.agent, "Agent \\\"Q\\\"");
	/* Escaped quote (Apache 2.0.46+): kept as logged. */
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /a\\\"b HTTP/1.0\" 404 209",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/a\\\"b");
}

static void test_empty_request_408(void **state)
{
	(void)state;
	struct ws_request r;
	/* [ApacheWeek01]: a dropped Code Red packet leaves "-" 408. */
	assert_int_equal(parse("192.0.2.3 - - [12/Aug/2001:16:31:11 -0600] \"-\" 408 -", &r),
			 WS_PARSE_SKIP);
	assert_int_equal(parse("192.0.2.3 - - [12/Aug/2001:16:31:11 -0600] \"\" 400 -", &r),
			 WS_PARSE_SKIP);
}

static void test_protocol_forms(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /scripts/..%255c../winnt/system32/cmd.exe?/c+dir\" 404 -",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.method, "GET");
	assert_str(r.path, "/scripts/..%255c../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_int_equal(r.proto.n, 0);
	assert_true(r.proto_logged);
	assert_int_equal(r.status, 404);
	/* Two spaces before the protocol. */
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /default.ida?NNN%u00=a  HTTP/1.0\" 400 326",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.query, "NNN%u00=a");
	assert_str(r.proto, "HTTP/1.0");
	/* Lower-case method and protocol. */
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"get /x http/1.0\" 404 1",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.method, "get");
	assert_str(r.path, "/x");
	assert_str(r.proto, "http/1.0");
	/* A bare target without method. */
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"/scripts/root.exe?/c+dir\" 404 1",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.method.n, 0);
	assert_str(r.path, "/scripts/root.exe");
	assert_str(r.query, "/c+dir");
}

static void test_truncated(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("192.0.2.3 - - [02/Aug/2001:06:01:38 -0400] "
			       "\"GET /default.ida?NNNNNNNN%u9090%u68",
			       &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_str(r.query, "NNNNNNNN%u9090%u68");
	assert_int_equal(r.proto.n, 0);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.bytes, -1);
	/* Cut right after the opening quote. */
	int rc = parse("192.0.2.3 - - [02/Aug/2001:06:01:38 -0400] \"", &r);
	assert_true(rc == WS_PARSE_SKIP || rc == WS_PARSE_BAD);
	/* Cut inside the timestamp. */
	assert_int_equal(parse("192.0.2.3 - - [02/Aug/2001:06:0", &r), WS_PARSE_BAD);
}

static void test_line_endings_and_skips(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("192.0.2.3 - - [19/Sep/2001:02:12:00 +0000] "
			       "\"GET /x HTTP/1.0\" 404 7 \"-\" \"-\"\r",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.bytes, 7);
	assert_int_equal(parse("", &r), WS_PARSE_SKIP);
	assert_int_equal(parse("\r", &r), WS_PARSE_SKIP);
	assert_int_equal(parse("# a comment [with brackets]", &r), WS_PARSE_SKIP);
}

static void test_bad_timestamp_still_parses(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("192.0.2.3 - - [yesterday] \"GET /x HTTP/1.0\" 404 7", &r),
			 WS_PARSE_OK);
	assert_false(r.ts_known);
	assert_str(r.path, "/x");
}

static void test_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"hello world",
		"[02/Aug/2001:06:01:38 -0400] \"GET / HTTP/1.0\" 200 1",
		"192.0.2.3 - [02/Aug/2001:06:01:38 -0400] \"GET / HTTP/1.0\" 200 1",
		"a b c d e [02/Aug/2001:06:01:38 -0400] \"GET / HTTP/1.0\" 200 1",
		"192.0.2.3 - - [02/Aug/2001:06:01:38 -0400 \"GET / HTTP/1.0\" 200 1",
		"192.0.2.3 - - [02/Aug/2001:06:01:38 -0400] GET / HTTP/1.0 200 1",
		"192.0.2.3 - - [02/Aug/2001:06:01:38 -0400]",
		"{\"remote_addr\":\"192.0.2.3\",\"request\":\"GET / HTTP/1.0\"}",
		"2001-09-19 02:12:00 192.0.2.3 GET /scripts/root.exe /c+dir 404 -",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ws_request r;
		int rc = parse(bad[i], &r);
		if (rc != WS_PARSE_BAD)
			fail_msg("line %zu '%s' gave %d", i, bad[i], rc);
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	/* Every prefix of a full line parses without reading past its end (the
	 * guard page would fault), and any prefix that ends inside the request
	 * says so. */
	static const char full[] = "www.example.com:80 2001:db8::1 - - [02/Aug/2001:06:01:38 -0400] "
				   "\"GET /scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir "
				   "HTTP/1.0\" 404 326 \"http://a/\" \"Mozilla/4.0\"";
	size_t n = sizeof(full) - 1;
	const char *req_at = strchr(full, '"') + 1;
	for (size_t k = 0; k <= n; k++) {
		struct ws_request r;
		int rc = ws_parse_ncsa(ws_guard_copy(full, k), k, &r);
		assert_true(rc == WS_PARSE_OK || rc == WS_PARSE_SKIP || rc == WS_PARSE_BAD);
		if (rc == WS_PARSE_OK && k > (size_t)(req_at - full) + 4 &&
		    k < (size_t)(strstr(full, "\" 404") - full))
			assert_true(r.truncated);
		ws_guard_release();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_common, release),
		cmocka_unit_test_teardown(test_combined, release),
		cmocka_unit_test_teardown(test_vhost_combined, release),
		cmocka_unit_test_teardown(test_clients, release),
		cmocka_unit_test_teardown(test_raw_quote_in_request, release),
		cmocka_unit_test_teardown(test_empty_request_408, release),
		cmocka_unit_test_teardown(test_protocol_forms, release),
		cmocka_unit_test_teardown(test_truncated, release),
		cmocka_unit_test_teardown(test_line_endings_and_skips, release),
		cmocka_unit_test_teardown(test_bad_timestamp_still_parses, release),
		cmocka_unit_test_teardown(test_garbage, release),
		cmocka_unit_test_teardown(test_every_prefix, release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
