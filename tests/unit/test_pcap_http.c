/* SPDX-License-Identifier: MIT */
/* HTTP stream parser (pcap/http.h): request and status line parsing over
 * guard-page copies, a head fed one byte at a time, bodies skipped by
 * Content-Length, chunked and unbounded bodies followed by hunting, heads
 * over WS_HTTP_HEAD_MAX reported truncated, the memory cap, and streams that
 * are not HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "pcap/http.h"

static int nreq, nresp, last_status;
static bool last_trunc;
static char last_target[128], last_host[64], last_agent[64], last_method[16];

static void on_req(void *ctx, const struct ws_request *r, const char *head, size_t n)
{
	(void)ctx;
	(void)head;
	(void)n;
	nreq++;
	last_trunc = r->truncated;
	snprintf(last_target, sizeof(last_target), "%.*s", (int)r->path.n, r->path.p);
	snprintf(last_host, sizeof(last_host), "%.*s", (int)r->host.n, r->host.p);
	snprintf(last_agent, sizeof(last_agent), "%.*s", (int)r->agent.n, r->agent.p);
	snprintf(last_method, sizeof(last_method), "%.*s", (int)r->method.n, r->method.p);
}

static bool on_resp(void *ctx, int status, int64_t len)
{
	(void)ctx;
	(void)len;
	nresp++;
	last_status = status;
	return false;
}

static size_t mem;
static struct ws_http_sink sink = {on_req, on_resp, &mem, 1 << 20};

static void reset(void)
{
	nreq = nresp = 0;
	last_status = -1;
	last_trunc = false;
	mem = 0;
}

static void feed(struct ws_http_half *h, const char *s)
{
	const char *g = ws_guard_copy(s, strlen(s));
	ws_http_data(h, (const uint8_t *)g, strlen(s), &sink, NULL);
	ws_guard_release();
}

static void test_parse(void **state)
{
	(void)state;
	static const char head[] = "get /scripts/root.exe?/c+dir HTTP/1.0\r\nHOST: www\r\n"
				   "User-Agent: x/1\r\nContent-Length: 12\r\n\r\n";
	const char *g = ws_guard_copy(head, sizeof(head) - 1);
	struct ws_request r;
	int64_t clen;
	bool chunked;
	assert_true(ws_cap_parse_request(g, sizeof(head) - 1, &r, &clen, &chunked));
	assert_int_equal(r.method.n, 3);
	assert_memory_equal(r.path.p, "/scripts/root.exe", r.path.n);
	assert_true(r.has_query);
	assert_int_equal(clen, 12);
	assert_false(chunked);
	assert_int_equal(r.host.n, 3);
	ws_guard_release();
	static const char resp[] = "HTTP/1.1 302 Found\r\nTransfer-Encoding: chunked\r\n\r\n";
	g = ws_guard_copy(resp, sizeof(resp) - 1);
	assert_int_equal(ws_cap_parse_response(g, sizeof(resp) - 1, &clen, &chunked), 302);
	assert_true(chunked);
	assert_int_equal(clen, -1);
	ws_guard_release();
	/* not requests / not answers; every prefix of a head parses safely */
	assert_false(ws_cap_parse_request("\x16\x03\x01\x02", 4, &r, &clen, &chunked));
	assert_false(ws_cap_parse_request("GETX/ HTTP/1.0", 14, &r, &clen, &chunked));
	assert_int_equal(ws_cap_parse_response("HTTP/1.1 2x0", 12, &clen, &chunked), -1);
	for (size_t k = 0; k < sizeof(head); k++) {
		g = ws_guard_copy(head, k);
		ws_cap_parse_request(g, k, &r, &clen, &chunked);
		ws_cap_parse_response(g, k, &clen, &chunked);
		ws_guard_release();
	}
}

static void test_byte_at_a_time(void **state)
{
	(void)state;
	reset();
	struct ws_http_half h = {0};
	static const char s[] = "GET /default.ida?NNNN HTTP/1.0\r\nHost: a\r\nContent-length: 5\r\n\r\n"
				"FILLGET /two HTTP/1.1\r\nUser-Agent: b\r\n\r\n";
	for (size_t i = 0; i < sizeof(s) - 1; i++) {
		char c[2] = {s[i], 0};
		feed(&h, c);
	}
	assert_int_equal(nreq, 2);
	assert_string_equal(last_target, "/two");
	assert_string_equal(last_agent, "b");
	assert_int_equal(mem, 0); /* nothing held between heads */
	ws_http_half_free(&h, &sink);
}

static void test_bodies_and_hunting(void **state)
{
	(void)state;
	reset();
	struct ws_http_half srv = {0};
	/* a chunked answer: the parser hunts for the next status line */
	feed(&srv, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
	feed(&srv, "0\r\n\r\n");
	feed(&srv, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(nresp, 2);
	assert_int_equal(last_status, 404);
	/* interim 100 is not the answer */
	feed(&srv, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(nresp, 3);
	assert_int_equal(last_status, 201);
	ws_http_half_free(&srv, &sink);
	/* not HTTP at all: nothing reported, nothing held */
	struct ws_http_half tls = {0};
	feed(&tls, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
	feed(&tls, "more binary");
	assert_int_equal(nreq, 0);
	assert_null(tls.head);
	ws_http_half_free(&tls, &sink);
}

static void test_overlong_and_cap(void **state)
{
	(void)state;
	reset();
	struct ws_http_half h = {0};
	char *big = malloc(WS_HTTP_HEAD_MAX + 100);
	memcpy(big, "GET /default.ida?", 17);
	memset(big + 17, 'N', WS_HTTP_HEAD_MAX + 82);
	big[WS_HTTP_HEAD_MAX + 99] = 0;
	for (size_t off = 0; off < WS_HTTP_HEAD_MAX + 99; off += 1000) {
		char c[1001];
		size_t k = strlen(big + off) < 1000 ? strlen(big + off) : 1000;
		memcpy(c, big + off, k);
		c[k] = 0;
		feed(&h, c);
	}
	assert_int_equal(nreq, 1);
	assert_true(last_trunc);
	assert_int_equal(mem, 0);
	/* with a memory cap smaller than the head, the part that fits is kept */
	reset();
	sink.mem_cap = 1500;
	struct ws_http_half h2 = {0};
	char part[1201];
	memcpy(part, big, 1200);
	part[1200] = 0;
	feed(&h2, part);
	feed(&h2, part + 17);
	assert_int_equal(nreq, 1);
	assert_true(last_trunc);
	sink.mem_cap = 1 << 20;
	/* a gap inside a head reports it truncated; inside a body it is stepped over */
	reset();
	struct ws_http_half h3 = {0};
	feed(&h3, "GET /default.ida?NNNN");
	ws_http_gap(&h3, 10, &sink, NULL);
	assert_int_equal(nreq, 1);
	assert_true(last_trunc);
	free(big);
	ws_http_half_free(&h, &sink);
	ws_http_half_free(&h2, &sink);
	ws_http_half_free(&h3, &sink);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_bodies_and_hunting),
		cmocka_unit_test(test_overlong_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
