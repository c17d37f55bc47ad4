/* SPDX-License-Identifier: MIT */
/* JSON-lines parser: nginx, Caddy and ECS key sets, strings copied into the
 * scratch buffer (with NULs and non-UTF-8 bytes kept), nginx's "\xHH"
 * escaping, X-Forwarded-For, and hostile input. Every line is parsed from a
 * guard-page copy. */
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

static struct ws_buf scratch;

static int parse(const char *s, struct ws_request *r)
{
	return ws_parse_json(ws_guard_copy(s, strlen(s)), strlen(s), r, &scratch);
}

/* nginx log_format ... escape=json, every value a string. */
static void test_nginx_code_red(void **state)
{
	(void)state;
	struct ws_request r;
	char line[1024], q[400];
	memset(q, 'N', 224);
	snprintf(q + 224, sizeof(q) - 224, "%%u9090%%u6858%%ucbd3%%u7801%%u00=a");
	snprintf(line, sizeof(line),
		 "{\"remote_addr\":\"192.0.2.7\",\"remote_user\":\"-\","
		 "\"time_local\":\"19/Jul/2001:06:00:01 -0400\","
		 "\"request\":\"GET /default.ida?%s  HTTP/1.0\",\"status\":\"400\","
		 "\"body_bytes_sent\":\"326\",\"http_referer\":\"-\",\"http_user_agent\":\"-\","
		 "\"http_x_forwarded_for\":\"-\",\"host\":\"www.example.com\"}\r",
		 q);
	assert_int_equal(parse(line, &r), WS_PARSE_OK);
	assert_str(r.method, "GET");
	assert_str(r.path, "/default.ida");
	assert_str(r.query, q);
	assert_str(r.proto, "HTTP/1.0");
	assert_true(r.proto_logged);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.bytes, 326);
	assert_str(r.agent, "-");
	assert_str(r.host, "www.example.com");
	assert_memory_equal(r.src.b, ((uint8_t[]){192, 0, 2, 7}), 4);
	assert_int_equal(r.form, WS_TARGET_RAW);
	/* 06:00:01 -0400 is 10:00:01 UTC on 2001-07-19: 11522 days since 1970
	 * (11323 to 2001-01-01, + 199) * 86400 = 995500800, + 36001 s. */
	assert_true(r.ts_known);
	assert_int_equal(r.ts, 995536801);
	/* The views live in scratch, not in the line. */
	assert_true(r.path.p >= scratch.p && r.path.p < scratch.p + scratch.n);
}

static void test_x_forwarded_for(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("{\"remote_addr\":\"10.0.0.1\",\"request\":\"GET / HTTP/1.1\","
			       "\"http_x_forwarded_for\":\" 203.0.113.9, 10.0.0.7\"}",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){203, 0, 113, 9}), 4);
	assert_int_equal(parse("{\"remote_addr\":\"10.0.0.1\",\"request\":\"GET / HTTP/1.1\","
			       "\"http_x_forwarded_for\":\"unknown, 1.2.3.4\"}",
			       &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.src.b, ((uint8_t[]){10, 0, 0, 1}), 4);
}

/* Caddy: a nested request object, headers as lists, ts in float seconds. */
static void test_caddy(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("{\"level\":\"info\",\"ts\":995536801.25,\"logger\":"
			       "\"http.log.access\",\"msg\":\"handled request\",\"request\":"
			       "{\"remote_ip\":\"2001:db8::7\",\"remote_port\":\"4444\","
			       "\"proto\":\"HTTP/1.1\",\"method\":\"GET\",\"host\":\"example.com\","
			       "\"uri\":\"/scripts/root.exe?/c+dir\",\"headers\":{\"User-Agent\":"
			       "[\"curl/7.1\"]}},\"status\":404,\"size\":12}",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.src.fam, 6);
	assert_int_equal(r.src_port, 4444);
	assert_str(r.method, "GET");
	assert_str(r.path, "/scripts/root.exe");
	assert_str(r.query, "/c+dir");
	assert_str(r.proto, "HTTP/1.1");
	assert_str(r.host, "example.com");
	assert_str(r.agent, "curl/7.1");
	assert_int_equal(r.status, 404);
	assert_int_equal(r.bytes, 12);
	assert_int_equal(r.ts, 995536801);
}

/* ECS, nested and with dotted keys. */
static void test_ecs(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("{\"@timestamp\":\"2001-09-18T14:30:05.000Z\",\"source\":"
			       "{\"address\":\"198.51.100.3\"},\"http\":{\"request\":{\"method\":"
			       "\"GET\"},\"version\":\"1.0\",\"response\":{\"status_code\":404}},"
			       "\"url\":{\"original\":"
			       "\"/scripts/..%255c../winnt/system32/cmd.exe?/c+dir\"},"
			       "\"user_agent\":{\"original\":\"Mozilla/4.0\"}}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..%255c../winnt/system32/cmd.exe");
	assert_str(r.query, "/c+dir");
	assert_str(r.method, "GET");
	assert_str(r.proto, "HTTP/1.0");
	assert_str(r.agent, "Mozilla/4.0");
	assert_int_equal(r.status, 404);
	assert_memory_equal(r.src.b, ((uint8_t[]){198, 51, 100, 3}), 4);
	/* 2001-09-18 14:30:05 UTC: 11323 + 260 days = 11583 * 86400 = 1000771200,
	 * + 52205 s. */
	assert_int_equal(r.ts, 1000823405);

	assert_int_equal(parse("{\"@timestamp\":\"2001-09-18T16:30:05+02:00\","
			       "\"client.ip\":\"198.51.100.4\",\"http.request.method\":\"HEAD\","
			       "\"url.original\":\"/x\",\"http.response.status_code\":\"200\"}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.method, "HEAD");
	assert_str(r.path, "/x");
	assert_int_equal(r.status, 200);
	assert_int_equal(r.src.b[3], 4);
	assert_int_equal(r.ts, 1000823405);
	assert_false(r.proto_logged); /* no request line and no protocol key */
}

/* Apache-ish names, nginx uri + args, epoch milliseconds. */
static void test_other_names(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("{\"clientip\":\"1.2.3.4\",\"method\":\"GET\",\"uri\":\"/a\","
			       "\"args\":\"b=1\",\"protocol\":\"HTTP/1.0\",\"response\":302,"
			       "\"bytes\":\"-\",\"agent\":\"x\",\"referrer\":\"y\","
			       "\"timestamp\":995536801000}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/a");
	assert_str(r.query, "b=1");
	assert_true(r.has_query);
	assert_str(r.proto, "HTTP/1.0");
	assert_int_equal(r.status, 302);
	assert_int_equal(r.bytes, -1);
	assert_str(r.referer, "y");
	assert_int_equal(r.ts, 995536801);
	assert_int_equal(parse("{\"ip\":\"1.2.3.4\",\"path\":\"/a\",\"query\":\"\"}", &r),
			 WS_PARSE_OK);
	assert_false(r.has_query);
	assert_false(r.ts_known);
	assert_int_equal(parse("{\"src_ip\":\"1.2.3.4\",\"url\":\"/default.ida?XXXX\","
			       "\"time\":\"[19/Jul/2001:10:00:01 +0000]\"}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.query, "XXXX");
	assert_int_equal(r.ts, 995536801);
}

/* Decoded strings keep every byte: NUL, raw non-UTF-8, nginx's \xHH. */
static void test_bytes(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("{\"request\":\"GET /a\\u0000b?\\\"q\\\" HTTP/1.0\"}", &r),
			 WS_PARSE_OK);
	assert_int_equal(r.path.n, 4);
	assert_memory_equal(r.path.p, "/a\0b", 4);
	assert_str(r.query, "\"q\"");

	/* nginx escape=default: bytes outside printable ASCII as \xHH. */
	assert_int_equal(parse("{\"request\":\"GET /scripts/..\\xC1\\x1C../winnt/system32/"
			       "cmd.exe?/c+dir HTTP/1.0\",\"http_user_agent\":\"\\x22a\\\\x\"}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..\xc1\x1c../winnt/system32/cmd.exe");
	assert_str(r.agent, "\"a\\x");
	/* nginx escape=json: the same bytes raw (not UTF-8), and real UTF-8 beside. */
	assert_int_equal(parse("{\"request\":\"GET /scripts/..\xc0\xaf../winnt/system32/"
			       "cmd.exe?/c+dir HTTP/1.0\",\"http_user_agent\":\"caf\xc3\xa9\"}",
			       &r),
			 WS_PARSE_OK);
	assert_str(r.path, "/scripts/..\xc0\xaf../winnt/system32/cmd.exe");
	assert_str(r.agent, "caf\xc3\xa9");
	/* Valid UTF-8 lines are untouched. */
	assert_int_equal(parse("{\"request\":\"GET /caf\xc3\xa9 HTTP/1.0\"}", &r), WS_PARSE_OK);
	assert_str(r.path, "/caf\xc3\xa9");
}

static void test_bad_and_skip(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse("[1,2,3]", &r), WS_PARSE_BAD);
	assert_int_equal(parse("hello", &r), WS_PARSE_BAD);
	assert_int_equal(parse("{\"request\":\"GET / HTTP/1.0\"", &r), WS_PARSE_BAD);
	assert_int_equal(parse("{\"a\":1} {\"b\":2}", &r), WS_PARSE_BAD);
	assert_int_equal(parse("{\"request\":\"GET / \\q\"}", &r), WS_PARSE_BAD);
	assert_int_equal(parse("", &r), WS_PARSE_SKIP);
	assert_int_equal(parse("{}", &r), WS_PARSE_SKIP);
	assert_int_equal(parse("{\"status\":200,\"request\":\"-\"}", &r), WS_PARSE_SKIP);
	assert_int_equal(parse("{\"request\":{\"method\":\"GET\"}}", &r), WS_PARSE_SKIP);
	/* One token: a target without a method. */
	assert_int_equal(parse("{\"request\":\"/scripts/root.exe\"}", &r), WS_PARSE_OK);
	assert_str(r.path, "/scripts/root.exe");
	assert_int_equal(r.method.n, 0);
	/* Wrong types are ignored, not trusted. */
	assert_int_equal(parse("{\"request\":\"GET /x HTTP/1.0\",\"status\":\"abc\","
			       "\"remote_addr\":7,\"ts\":-5}",
			       &r),
			 WS_PARSE_OK);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.src.fam, 0);
	assert_false(r.ts_known);
}

/* Views stay valid when scratch grows while the strings are copied. */
static void test_scratch_growth(void **state)
{
	(void)state;
	struct ws_request r;
	size_t ua = 300000;
	size_t cap = ua + 256;
	char *line = malloc(cap);
	assert_non_null(line);
	int n = snprintf(line, cap, "{\"request\":\"GET /first HTTP/1.0\",\"http_user_agent\":\"");
	memset(line + n, 'A', ua);
	snprintf(line + n + ua, cap - (size_t)n - ua, "\",\"http_referer\":\"ref\"}");
	ws_buf_free(&scratch);
	assert_int_equal(ws_parse_json(ws_guard_copy(line, strlen(line)), strlen(line), &r,
				       &scratch),
			 WS_PARSE_OK);
	assert_str(r.path, "/first");
	assert_int_equal(r.agent.n, ua);
	assert_int_equal(r.agent.p[ua - 1], 'A');
	assert_str(r.referer, "ref");
	free(line);
}

static void test_hostile(void **state)
{
	(void)state;
	struct ws_request r;
	const char *full = "{\"remote_addr\":\"192.0.2.7\",\"time_local\":\"19/Jul/2001:06:00:01 "
			   "-0400\",\"request\":\"GET /default.ida?NNNN%u9090=a HTTP/1.0\","
			   "\"status\":400}";
	size_t n = strlen(full);
	for (size_t i = 0; i <= n; i++) {
		int rc = ws_parse_json(ws_guard_copy(full, i), i, &r, &scratch);
		assert_true(rc >= WS_PARSE_BAD && rc <= WS_PARSE_OK);
		ws_guard_release();
	}
	static const char garbage[] = "{\"\0\xff\":\"\\x\\xZZ\\u12\x80\"}";
	assert_int_equal(ws_parse_json(ws_guard_copy(garbage, sizeof(garbage) - 1),
				       sizeof(garbage) - 1, &r, &scratch),
			 WS_PARSE_BAD);
	/* Deep nesting and a megabyte of it. */
	size_t big = 1 << 20;
	char *m = malloc(big);
	assert_non_null(m);
	memset(m, '{', big);
	assert_int_equal(ws_parse_json(ws_guard_copy(m, big), big, &r, &scratch), WS_PARSE_BAD);
	memset(m, 'N', big);
	static const char head[] = "{\"request\":\"GET /default.ida?";
	memcpy(m, head, sizeof(head) - 1);
	memcpy(m + big - 2, "\"}", 2);
	assert_int_equal(ws_parse_json(ws_guard_copy(m, big), big, &r, &scratch), WS_PARSE_OK);
	assert_int_equal(r.query.n, big - 2 - (sizeof(head) - 1));
	free(m);
}

static int teardown_group(void **state)
{
	(void)state;
	ws_buf_free(&scratch);
	return 0;
}

static void test_detect(void **state)
{
	(void)state;
	static const char log[] = "{\"remote_addr\":\"1.2.3.4\",\"request\":\"GET / HTTP/1.0\"}\n";
	assert_int_equal(ws_logfmt_detect(log, sizeof(log) - 1), WS_FMT_JSON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_nginx_code_red, release),
		cmocka_unit_test(test_detect),
		cmocka_unit_test_teardown(test_x_forwarded_for, release),
		cmocka_unit_test_teardown(test_caddy, release),
		cmocka_unit_test_teardown(test_ecs, release),
		cmocka_unit_test_teardown(test_other_names, release),
		cmocka_unit_test_teardown(test_bytes, release),
		cmocka_unit_test_teardown(test_bad_and_skip, release),
		cmocka_unit_test_teardown(test_scratch_growth, release),
		cmocka_unit_test_teardown(test_hostile, release),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_group);
}
