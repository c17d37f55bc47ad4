/* SPDX-License-Identifier: MIT */
/* The HTTP tokenizer's strict (guard) mode and chunked walker (src/http/request.c). Every
 * input is parsed from a guard-page copy, so a read past the bytes given
 * faults. Readable text of each request is the C string itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "guard.h"
#include "http/request.h"

#define MAXH 16

static struct ws_http_header hdr[MAXH];

static int req(const char *s, struct ws_http_req *r)
{
	const char *p = ws_guard_copy(s, strlen(s));
	return ws_http_parse_request(p, strlen(s), 4096, WS_HTTP_STRICT, r, hdr, MAXH);
}

static bool str_is(struct ws_str s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static void test_simple_get(void **state)
{
	(void)state;
	static const char s[] = "GET /a/b?x=1 HTTP/1.1\r\nHost: example.test\r\n"
				"User-Agent: curl/8\r\nReferer: http://r/\r\n\r\n";
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_null(r.bad);
	assert_true(str_is(r.method, "GET"));
	assert_true(str_is(r.path, "/a/b"));
	assert_true(r.has_query && str_is(r.query, "x=1"));
	assert_true(str_is(r.proto, "HTTP/1.1"));
	assert_int_equal(r.minor, 1);
	assert_true(str_is(r.host, "example.test"));
	assert_true(str_is(r.agent, "curl/8"));
	assert_true(str_is(r.referer, "http://r/"));
	assert_int_equal(r.nhdr, 3);
	assert_int_equal(r.content_length, -1);
	assert_false(r.chunked);
	ws_guard_release();
}

/* Every proper prefix of a head is incomplete, never an error. */
static void test_prefixes_need_more(void **state)
{
	(void)state;
	static const char s[] = "\r\nPOST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
	size_t head = strlen(s) - 3;
	struct ws_http_req r;
	for (size_t n = 0; n < head; n++) {
		const char *p = ws_guard_copy(s, n);
		assert_int_equal(ws_http_parse_request(p, n, 4096, WS_HTTP_STRICT, &r, hdr, MAXH),
				 WS_HTTP_MORE);
		ws_guard_release();
	}
	assert_int_equal(req(s, &r), (int)head); /* leading CRLF counted, body not */
	assert_int_equal(r.content_length, 3);
	assert_null(r.bad);
	ws_guard_release();
}

/* Code Red's request as raw copies sent it, "=a  HTTP/1.0": parsed far
 * enough to classify, and marked unforwardable. */
static void test_code_red_two_spaces(void **state)
{
	(void)state;
	char s[1024];
	char filler[225];
	memset(filler, 'N', 224);
	filler[224] = '\0';
	snprintf(s, sizeof(s),
		 "GET /default.ida?%s%s  HTTP/1.0\r\nContent-type: text/xml\r\n"
		 "Content-length: 3379\r\n\r\n",
		 filler,
		 "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
		 "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a");
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_string_equal(r.bad, "extra spaces in the request line");
	assert_true(str_is(r.path, "/default.ida"));
	assert_int_equal(r.query.n, 224 + 138);
	assert_int_equal(r.minor, 0);
	struct ws_request q = {.method = r.method, .path = r.path, .query = r.query,
			       .has_query = true, .proto = r.proto, .proto_logged = true,
			       .status = -1, .bytes = -1};
	struct ws_verdict v;
	assert_true(ws_classify(&q, &v));
	assert_int_equal(v.worm, ws_worm_index("code-red"));
	ws_guard_release();
}

static void test_bare_lf_and_fold(void **state)
{
	(void)state;
	static const char s[] = "GET / HTTP/1.1\nHost: h\nX-Long: one\n  two\n\tthree\n\n";
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_null(r.bad);
	assert_int_equal(r.nhdr, 2);
	assert_true(hdr[1].folded);
	assert_true(str_is(hdr[1].value, "one\n  two\n\tthree"));
	ws_guard_release();
}

static void test_limits(void **state)
{
	(void)state;
	struct ws_http_req r;
	char big[5000];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	const char *p = ws_guard_copy(big, sizeof(big));
	assert_int_equal(ws_http_parse_request(p, sizeof(big), 4096, WS_HTTP_STRICT, &r, hdr, MAXH),
			 WS_HTTP_TOOBIG);
	ws_guard_release();
	char many[2048];
	size_t n = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
	for (int i = 0; i < MAXH + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "X: y\r\n");
	snprintf(many + n, sizeof(many) - n, "\r\n");
	assert_int_equal(req(many, &r), WS_HTTP_TOOMANY);
	ws_guard_release();
}

static void expect_bad(const char *s, const char *why)
{
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_non_null(r.bad);
	assert_string_equal(r.bad, why);
	ws_guard_release();
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "several Host headers");
	expect_bad("GET / HTTP/1.1\r\n\r\n", "no Host header in HTTP/1.1");
	/* A later 1.x is read as 1.1 (RFC 9110 §2.5) and forwarded as 1.1: it
	 * needs its Host as well (found by fuzz_guard_forward). */
	expect_bad("GET / HTTP/1.8\r\n\r\n", "no Host header in HTTP/1.1");
	expect_bad("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", "control character in the target");
	expect_bad("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "unsupported HTTP version");
	expect_bad("GET /\r\n\r\n", "no HTTP version (HTTP/0.9)");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n", "whitespace before a header colon");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", "header line without a colon");
	expect_bad("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", "bad method");
	expect_bad("GET x HTTP/1.1\r\nHost: a\r\n\r\n", "target is not a path");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		   "conflicting Content-Length headers");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", "bad Content-Length");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		   "Transfer-Encoding: chunked\r\n\r\n",
		   "both Transfer-Encoding and Content-Length");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		   "unsupported Transfer-Encoding");
	expect_bad("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		   "Transfer-Encoding in HTTP/1.0");
	expect_bad("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "bad Host header");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n",
		   "control character in a header value");
	expect_bad("GET / HTTP/1.1\r\n folded\r\nHost: a\r\n\r\n", "folded line before any header");
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", "bare CR in a header line");
	/* A folded continuation is checked like the line it continues: the
	 * guard unfolds it and would otherwise forward the control bytes. */
	expect_bad("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n \x01b\r\n\r\n",
		   "control character in a header value");
}

/* A Connection header naming a framing field would make the guard drop that
 * field (hop-by-hop) while still relaying the body by it: the upstream would
 * then read the body as the next request, one the guard never classified
 * (request smuggling). Such heads are refused, requests and answers alike. */
static void test_connection_names_framing(void **state)
{
	(void)state;
	expect_bad("POST / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Content-Length\r\n"
		   "Content-Length: 5\r\n\r\n",
		   "Connection names a framing header");
	expect_bad("POST / HTTP/1.1\r\nHost: a\r\nConnection: transfer-encoding\r\n"
		   "Transfer-Encoding: chunked\r\n\r\n",
		   "Connection names a framing header");
	struct ws_http_resp r;
	static const char a[] = "HTTP/1.1 200 OK\r\nConnection: content-length\r\n"
				"Content-Length: 3\r\n\r\n";
	const char *p = ws_guard_copy(a, strlen(a));
	assert_int_equal(ws_http_parse_response(p, strlen(a), 4096, WS_HTTP_STRICT, &r, hdr, MAXH),
			 (int)strlen(a));
	assert_non_null(r.bad);
	ws_guard_release();
}

static void test_absolute_form(void **state)
{
	(void)state;
	static const char s[] = "GET http://ex.test:81/p?q HTTP/1.1\r\nHost: other\r\n\r\n";
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_null(r.bad);
	assert_true(str_is(r.host, "ex.test:81"));
	assert_true(str_is(r.target, "/p?q"));
	assert_true(str_is(r.path, "/p"));
	ws_guard_release();
	/* The authority becomes the forwarded Host line, so it is held to the
	 * Host header's rule; an empty one is invalid (RFC 9110 §4.2.1). */
	expect_bad("GET http://a\"<b>/ HTTP/1.1\r\n\r\n", "bad Host header");
	expect_bad("GET http://user@ex.test/ HTTP/1.1\r\n\r\n", "bad Host header");
	expect_bad("GET http:///p HTTP/1.1\r\n\r\n", "bad Host header");
}

static void test_connection_tokens(void **state)
{
	(void)state;
	static const char s[] = "GET / HTTP/1.0\r\nConnection: Keep-Alive, X-Mine\r\n\r\n";
	struct ws_http_req r;
	assert_int_equal(req(s, &r), (int)strlen(s));
	assert_true(r.conn_keepalive);
	assert_false(r.conn_close);
	assert_true(ws_http_conn_lists(hdr[0].value, (struct ws_str){"x-mine", 6}));
	assert_false(ws_http_conn_lists(hdr[0].value, (struct ws_str){"x-min", 5}));
	assert_true(ws_http_hop_by_hop((struct ws_str){"Keep-Alive", 10}));
	assert_true(ws_http_hop_by_hop((struct ws_str){"TE", 2}));
	assert_false(ws_http_hop_by_hop((struct ws_str){"Transfer-Encoding", 17}));
	ws_guard_release();
}

static int resp(const char *s, struct ws_http_resp *r)
{
	const char *p = ws_guard_copy(s, strlen(s));
	return ws_http_parse_response(p, strlen(s), 4096, WS_HTTP_STRICT, r, hdr, MAXH);
}

static void test_responses(void **state)
{
	(void)state;
	struct ws_http_resp r;
	static const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n";
	assert_int_equal(resp(a, &r), (int)strlen(a));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.content_length, 12);
	assert_null(r.bad);
	static const char b[] = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n"
				"Connection: close\r\n\r\n";
	assert_int_equal(resp(b, &r), (int)strlen(b));
	assert_true(r.chunked && r.conn_close);
	static const char c[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n";
	assert_int_equal(resp(c, &r), (int)strlen(c));
	assert_false(r.chunked);
	assert_true(r.conn_close); /* read to the close */
	static const char d[] = "HTTP/1.1 2x0 OK\r\n\r\n";
	assert_int_equal(resp(d, &r), (int)strlen(d));
	assert_non_null(r.bad);
	static const char e[] = "HTTP/1.0 204\r\n\r\n";
	assert_int_equal(resp(e, &r), (int)strlen(e));
	assert_int_equal(r.status, 204);
	assert_null(r.bad);
	ws_guard_release();
}

/* The walker finds the same end whether fed whole or a byte at a time. */
static void test_chunked(void **state)
{
	(void)state;
	static const char s[] = "5;ext=1\r\nhello\r\n1A \t; e ; f=\"g\"\r\n"
				"abcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\nNEXT";
	size_t body = strlen(s) - 4;
	struct ws_chunked c = {0};
	bool done;
	const char *p = ws_guard_copy(s, strlen(s));
	assert_int_equal(ws_chunked_feed(&c, p, strlen(s), &done), (long)body);
	assert_true(done);
	memset(&c, 0, sizeof(c));
	done = false;
	size_t total = 0;
	for (size_t i = 0; i < strlen(s) && !done; i++) {
		long n = ws_chunked_feed(&c, p + i, 1, &done);
		assert_true(n == 1);
		total += (size_t)n;
		if (i + 1 < body)
			assert_false(done);
		else
			break;
	}
	assert_true(done);
	assert_int_equal(total, body);
	/* After the size only whitespace and ';' may start an extension
	 * (RFC 9112 §7.1.1): the walker read "0x5" and "1_0" as 0 and 1 while
	 * lenient upstreams (strtol, Python's int(s, 16)) read 5 and 16, so
	 * the two would disagree on where the body ends. */
	static const char *const bad[] = {"zz\r\n", "5\r\nhelloX", "\r\n", "5\rX",
					  "ffffffffffffffffff\r\n", "0x5\r\nhello\r\n0\r\n\r\n",
					  "1_0\r\n", "5 5\r\n", "5 x\r\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		const char *q = ws_guard_copy(bad[i], strlen(bad[i]));
		assert_int_equal(ws_chunked_feed(&c, q, strlen(bad[i]), &done), -1);
	}
	ws_guard_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),     cmocka_unit_test(test_prefixes_need_more),
		cmocka_unit_test(test_code_red_two_spaces), cmocka_unit_test(test_bare_lf_and_fold),
		cmocka_unit_test(test_limits),         cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_absolute_form),  cmocka_unit_test(test_connection_tokens),
		cmocka_unit_test(test_responses),      cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_connection_names_framing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
