/* SPDX-License-Identifier: MIT */
/* Flow table and TCP reassembly (pcap/flow.h) with the HTTP stream parser
 * behind it: segments are handed in directly (no capture file), requests
 * come back through the emit callback. Covers in-order, every order of
 * three segments, first-wins overlaps, retransmission, a lost body segment,
 * keep-alive and pipelining past bodies, answers paired with requests,
 * SYN/RST/FIN, port reuse, sequence wrap-around, mid-connection start,
 * eviction at --max-flows and the buffered-bytes bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "pcap/flow.h"

#define MAXREQ 128

struct got {
	int n;
	char target[MAXREQ][64];
	int status[MAXREQ];
	uint64_t frame[MAXREQ];
	bool truncated[MAXREQ];
	int src_port[MAXREQ];
	int worm[MAXREQ];
};

static struct got got;
static struct ws_capture_stats st;

/* The flow table classifies each request once, on arrival, and hands the
 * verdict on: it must be the verdict of the request it emits. */
static void emit(void *ctx, const struct ws_request *r, const struct ws_verdict *v,
		 uint64_t frame)
{
	(void)ctx;
	struct ws_verdict again;
	assert_true(ws_classify(r, &again));
	assert_int_equal(v->worm, again.worm);
	assert_int_equal(v->conf, again.conf);
	assert_int_equal(v->evasion, again.evasion);
	assert_ptr_equal(v->sig, again.sig);
	if (got.n == MAXREQ)
		return;
	got.worm[got.n] = v->worm;
	snprintf(got.target[got.n], sizeof(got.target[0]), "%.*s", (int)r->path.n, r->path.p);
	got.status[got.n] = r->status;
	got.frame[got.n] = frame;
	got.truncated[got.n] = r->truncated;
	got.src_port[got.n] = r->src_port;
	got.n++;
}

static struct ws_flows *fresh(uint32_t max)
{
	memset(&got, 0, sizeof(got));
	memset(&st, 0, sizeof(st));
	return ws_flows_new(max, emit, NULL, &st);
}

static struct ws_seg seg(bool from_client, uint16_t cport, uint32_t seq, uint8_t flags,
			 const char *data, size_t n)
{
	struct ws_seg s = {.seq = seq, .flags = flags, .data = (const uint8_t *)data,
			   .len = (uint32_t)n};
	struct ws_addr c = {.fam = 4, .b = {198, 51, 100, 1}}, sv = {.fam = 4, .b = {192, 0, 2, 80}};
	s.src = from_client ? c : sv;
	s.dst = from_client ? sv : c;
	s.sport = from_client ? cport : 80;
	s.dport = from_client ? 80 : cport;
	return s;
}

static uint64_t frame_no;

static void put(struct ws_flows *t, bool client, uint16_t port, uint32_t seq, uint8_t flags,
		const char *data, size_t n)
{
	struct ws_seg s = seg(client, port, seq, flags, data, n);
	ws_flows_segment(t, &s, 1000, ++frame_no);
}

/* "GET /default.ida?NNNN..." (Code Red I's request line, shortened filler;
 * the classifier still names it) with a 40-byte FILLER body. */
static const char cr[] = "GET /default.ida?NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"
			 "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"
			 "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
			 "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a HTTP/"
			 "1.0\r\nContent-type: text/xml\r\nContent-length: 40\r\n\r\n"
			 "FILLER-FILLER-FILLER-FILLER-FILLER-FILLE";
static const char ok404[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope.";
static const char ok200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static void handshake(struct ws_flows *t, uint16_t port, uint32_t cisn, uint32_t sisn)
{
	put(t, true, port, cisn, WS_TCP_SYN, NULL, 0);
	put(t, false, port, sisn, WS_TCP_SYN | WS_TCP_ACK, NULL, 0);
}

static void test_in_order_with_answer(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	frame_no = 0;
	handshake(t, 1025, 100, 5000);
	put(t, true, 1025, 101, WS_TCP_ACK, cr, sizeof(cr) - 1);
	assert_int_equal(got.n, 0); /* held for its answer */
	put(t, false, 1025, 5001, WS_TCP_ACK, ok404, sizeof(ok404) - 1);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.target[0], "/default.ida");
	assert_int_equal(got.status[0], 404);
	assert_int_equal(got.frame[0], 3);
	assert_int_equal(st.http_requests, 1);
	assert_int_equal(st.http_responses, 1);
	ws_flows_free(t);
}

/* The request in three segments, in each of the six orders. */
static void test_every_order(void **state)
{
	(void)state;
	static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	size_t n = sizeof(cr) - 1, cut[4] = {0, 30, 200, n};
	for (int o = 0; o < 6; o++) {
		struct ws_flows *t = fresh(0);
		handshake(t, 1025, 7, 9);
		for (int k = 0; k < 3; k++) {
			int i = orders[o][k];
			put(t, true, 1025, 8 + (uint32_t)cut[i], WS_TCP_ACK, cr + cut[i],
			    cut[i + 1] - cut[i]);
		}
		ws_flows_finish(t);
		assert_int_equal(got.n, 1);
		assert_string_equal(got.target[0], "/default.ida");
		assert_false(got.truncated[0]);
		assert_int_equal(st.gaps, 0);
		ws_flows_free(t);
	}
}

/* First wins: bytes delivered or held are never replaced. */
static void test_overlaps_first_wins(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	char evil[300];
	memset(evil, 'Z', sizeof(evil));
	handshake(t, 1025, 0xfffffff0u, 9); /* the sequence wraps inside the head */
	uint32_t b = 0xfffffff1u;
	put(t, true, 1025, b, WS_TCP_ACK, cr, 100);
	put(t, true, 1025, b + 50, WS_TCP_ACK, evil, 100);              /* over delivered bytes */
	put(t, true, 1025, b + 200, WS_TCP_ACK, cr + 200, sizeof(cr) - 201); /* held */
	put(t, true, 1025, b + 250, WS_TCP_ACK, evil, 20);              /* over held bytes */
	put(t, true, 1025, b + 100, WS_TCP_ACK, cr + 100, 100);          /* fills the hole */
	put(t, true, 1025, b, WS_TCP_ACK, cr, sizeof(cr) - 1);          /* retransmission */
	put(t, false, 1025, 10, WS_TCP_ACK, ok200, sizeof(ok200) - 1);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.target[0], "/default.ida");
	assert_int_equal(got.status[0], 200);
	assert_false(got.truncated[0]);
	ws_flows_free(t);
}

/* Keep-alive: a POST whose body holds a worm request line (not a request),
 * a lost body segment (a gap the parser steps over), then two pipelined
 * requests in one segment, answered in order. */
static void test_keepalive_pipelining(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	handshake(t, 1030, 0, 0);
	char post[512];
	int hn = snprintf(post, sizeof(post),
			  "POST /form HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s", sizeof(cr) - 1, cr);
	uint32_t seq = 1;
	put(t, true, 1030, seq, WS_TCP_ACK, post, (size_t)hn - 100); /* last 100 body bytes lost */
	seq += (uint32_t)hn;
	char two[1024];
	int n2 = snprintf(two, sizeof(two), "%sGET /next.html HTTP/1.1\r\n\r\n", cr);
	put(t, true, 1030, seq, WS_TCP_ACK, two, (size_t)n2);
	assert_int_equal(st.gaps, 0);
	ws_flows_finish(t); /* the hole before the second segment is given up */
	assert_int_equal(st.gaps, 1);
	assert_int_equal(st.gap_bytes, 100);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.target[0], "/default.ida");
	assert_int_equal(st.http_requests, 3);
	ws_flows_free(t);

	/* answers pair with requests in order */
	t = fresh(0);
	handshake(t, 1031, 0, 0);
	char three[1024];
	int n3 = snprintf(three, sizeof(three), "GET /a HTTP/1.1\r\n\r\n%s%s", cr, cr);
	put(t, true, 1031, 1, WS_TCP_ACK, three, (size_t)n3);
	char ans[256];
	int na = snprintf(ans, sizeof(ans), "%s%s%s", ok200, ok404, ok200);
	put(t, false, 1031, 1, WS_TCP_ACK, ans, (size_t)na);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.status[0], 404);
	assert_int_equal(got.status[1], 200);
	ws_flows_free(t);

	/* The answer to HEAD has no body whatever its Content-Length says
	 * (RFC 9112 §6.3): the next answer is not skipped as its body. */
	t = fresh(0);
	handshake(t, 1032, 0, 0);
	n3 = snprintf(three, sizeof(three), "HEAD /a HTTP/1.1\r\n\r\n%s", cr);
	put(t, true, 1032, 1, WS_TCP_ACK, three, (size_t)n3);
	na = snprintf(ans, sizeof(ans), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n%s", ok404);
	put(t, false, 1032, 1, WS_TCP_ACK, ans, (size_t)na);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.status[0], 404);
	ws_flows_free(t);
}

/* RST ends a connection; a SYN with a new sequence number on the same
 * ports starts another; a capture that starts mid-connection resyncs. */
static void test_rst_reuse_midstream(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	handshake(t, 1040, 1000, 0);
	put(t, true, 1040, 1001, WS_TCP_ACK, cr, 120); /* head cut by the RST */
	put(t, false, 1040, 1, WS_TCP_RST, NULL, 0);
	assert_int_equal(got.n, 1);
	assert_true(got.truncated[0]);
	assert_int_equal(ws_flows_count(t), 0);
	handshake(t, 1040, 90000, 0);
	put(t, true, 1040, 90001, WS_TCP_ACK, cr, sizeof(cr) - 1);
	put(t, true, 1040, 90000, WS_TCP_SYN, NULL, 0); /* a retransmitted SYN is not reuse */
	put(t, false, 1040, 1, WS_TCP_ACK | WS_TCP_FIN, ok404, sizeof(ok404) - 1);
	put(t, true, 1040, 90000 + sizeof(cr), WS_TCP_ACK | WS_TCP_FIN, NULL, 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.status[1], 404);
	assert_int_equal(ws_flows_count(t), 0); /* both FINs: closed */
	/* mid-connection: body bytes first, then a request at a segment start */
	put(t, true, 1041, 777, WS_TCP_ACK, "ody of something\r\n", 18);
	put(t, true, 1041, 795, WS_TCP_ACK, cr, sizeof(cr) - 1);
	/* a SYN on that mid-stream connection's ports starts a new one: the
	 * old one ends first (its held request goes out without an answer) */
	assert_int_equal(got.n, 2);
	put(t, true, 1041, 123456, WS_TCP_SYN, NULL, 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.src_port[2], 1041);
	assert_int_equal(got.status[2], -1);
	put(t, true, 1041, 123457, WS_TCP_ACK, cr, sizeof(cr) - 1);
	ws_flows_finish(t);
	assert_int_equal(got.n, 4);
	assert_false(got.truncated[3]);
	ws_flows_free(t);
}

/* 100 connections each holding half a head with room for 16: the idlest
 * are evicted (their heads reported as truncated requests), the table never
 * holds more than 16, and buffered bytes stay under the bound. */
static void test_eviction_and_bounds(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(16);
	for (uint16_t p = 0; p < 100; p++) {
		handshake(t, (uint16_t)(2000 + p), 0, 0);
		put(t, true, (uint16_t)(2000 + p), 1, WS_TCP_ACK, cr, 60);
		assert_true(ws_flows_count(t) <= 16);
	}
	assert_int_equal(st.flows_evicted, 84);
	assert_int_equal(got.n, 84);
	assert_true(got.truncated[0]);
	/* out-of-order data beyond the per-direction cap is given up */
	static char big[4096];
	memset(big, 'x', sizeof(big));
	for (uint32_t k = 1; k < 40; k++)
		put(t, true, 2099, 1 + 60 + 100 + k * 4096, WS_TCP_ACK, big, sizeof(big));
	assert_true(st.gaps > 0);
	assert_true(ws_flows_buffered(t) <= 16 * (WS_FLOW_OOO_CAP + 20000));
	ws_flows_finish(t);
	assert_int_equal(ws_flows_count(t), 0);
	assert_int_equal(ws_flows_buffered(t), 0);
	ws_flows_free(t);
}

/* Many tiny out-of-order segments: each is a list entry that every later
 * one walks past, so holding 64 KiB of 1-byte pieces costs quadratic time
 * (seconds for one connection). Pieces held per direction are capped like
 * bytes are: past WS_FLOW_OOO_SEGS the hole is given up. */
static void test_ooo_piece_cap(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	put(t, true, 1060, 100, WS_TCP_SYN, NULL, 0);
	for (uint32_t i = 0; i < 4 * WS_FLOW_OOO_SEGS; i++)
		put(t, true, 1060, 103 + 2 * i, WS_TCP_ACK, "A", 1); /* hole at 101 */
	assert_true(st.gaps > 0);
	assert_true(ws_flows_buffered(t) <= (size_t)WS_FLOW_OOO_SEGS * 64);
	ws_flows_finish(t);
	assert_int_equal(ws_flows_buffered(t), 0);
	ws_flows_free(t);
}

/* Idle connections are closed as capture time passes. */
static void test_idle_expiry(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	struct ws_seg s = seg(true, 3000, 1, WS_TCP_ACK, cr, 100);
	ws_flows_segment(t, &s, 10, 1);
	s = seg(true, 3001, 1, WS_TCP_ACK, cr, 100);
	ws_flows_segment(t, &s, 10 + WS_FLOW_IDLE + 1, 2);
	assert_int_equal(st.flows_expired, 1);
	assert_int_equal(ws_flows_count(t), 1);
	ws_flows_free(t);
}

/* A sequence jump past WS_FLOW_JUMP while data is held closer: the held
 * data is delivered first, and the jumping segment, which it now overlaps,
 * is trimmed rather than taken for a 4 GiB hole (a bug once). */
static void test_jump_over_held(void **state)
{
	(void)state;
	struct ws_flows *t = fresh(0);
	static char blob[200];
	memset(blob, 'b', sizeof(blob));
	uint32_t s0 = 5000;
	put(t, true, 1050, s0, WS_TCP_ACK, blob, 10);
	put(t, true, 1050, s0 + WS_FLOW_JUMP, WS_TCP_ACK, blob, 100);  /* held */
	put(t, true, 1050, s0 + 10 + WS_FLOW_JUMP + 50, WS_TCP_ACK, blob, 100); /* a jump */
	assert_int_equal(st.gaps, 1);
	assert_int_equal(st.gap_bytes, WS_FLOW_JUMP - 10);
	ws_flows_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_with_answer),
		cmocka_unit_test(test_every_order),
		cmocka_unit_test(test_overlaps_first_wins),
		cmocka_unit_test(test_keepalive_pipelining),
		cmocka_unit_test(test_rst_reuse_midstream),
		cmocka_unit_test(test_eviction_and_bounds),
		cmocka_unit_test(test_ooo_piece_cap),
		cmocka_unit_test(test_idle_expiry),
		cmocka_unit_test(test_jump_over_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
