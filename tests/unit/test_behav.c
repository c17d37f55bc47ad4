/* SPDX-License-Identifier: MIT */
/* Behavioural detection (src/behav): the Threshold Random Walk on first
 * contacts (four failures flag a source with the paper's defaults, mostly
 * answered sources never; RST and ICMP unreachable count as failures; a
 * capture with no answer at all judges nothing), Rabin fingerprints (the
 * sliding value equals the value from scratch), content prevalence with
 * address dispersion (a request passed down an infection chain is alerted
 * with its invariant bytes; one popular page is not), fixed memory under a
 * flood of distinct sources and payloads, and request shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "behav/behav.h"
#include "behav/internal.h"
#include "behav/rabin.h"

static struct ws_addr v4(uint32_t x)
{
	struct ws_addr a = {0};
	a.fam = 4;
	a.b[0] = (uint8_t)(x >> 24);
	a.b[1] = (uint8_t)(x >> 16);
	a.b[2] = (uint8_t)(x >> 8);
	a.b[3] = (uint8_t)x;
	return a;
}

#define MAXAL 64
struct got {
	struct ws_alert v[MAXAL];
	int n;
};

static void on_alert(void *ctx, const struct ws_alert *a)
{
	struct got *g = ctx;
	if (g->n < MAXAL)
		g->v[g->n] = *a;
	g->n++;
}

/* A segment; dark: its destination is a telescope's (unused space). */
static void seg_to(struct ws_behav *b, uint32_t s, uint32_t d, uint8_t flags, int64_t ts,
		   bool dark)
{
	struct ws_seg x = {.src = v4(s), .dst = v4(d), .sport = 40000, .dport = 80, .flags = flags};
	ws_behav_segment(b, &x, ts, dark);
}

static void seg(struct ws_behav *b, uint32_t s, uint32_t d, uint8_t flags, int64_t ts)
{
	seg_to(b, s, d, flags, ts, false);
}

/* One first contact from s to d answered (SYN-ACK) or not. */
static void contact(struct ws_behav *b, uint32_t s, uint32_t d, bool answered, int64_t ts)
{
	seg(b, s, d, WS_TCP_SYN, ts);
	if (answered)
		seg(b, d, s, WS_TCP_SYN | WS_TCP_ACK, ts);
}

static struct ws_behav *mk(struct got *g)
{
	struct ws_behav_cfg c;
	ws_behav_defaults(&c);
	memset(g, 0, sizeof(*g));
	return ws_behav_new(&c, on_alert, g);
}

static void test_defaults(void **state)
{
	(void)state;
	struct ws_behav_cfg c;
	ws_behav_defaults(&c);
	/* Jung et al. 2004, section 5: theta0 0.8, theta1 0.2, PD 0.99, PF 0.01. */
	assert_true(c.theta0 == 0.8 && c.theta1 == 0.2 && c.pd == 0.99 && c.pf == 0.01);
}

static void test_trw_four_failures(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	contact(b, 0x0a000001, 0x0a000002, true, 0); /* the capture has answers */
	const uint32_t scanner = 0xc6336401;
	for (uint32_t i = 0; i < 3; i++)
		contact(b, scanner, 0x0a010000 + i, false, 1);
	seg(b, 0x0a000009, 0x0a00000a, WS_TCP_SYN, 10); /* time passes: three time out */
	assert_int_equal(g.n, 0); /* three failures: 4.16 < ln(99) = 4.60 */
	contact(b, scanner, 0x0a010003, false, 11);
	seg(b, 0x0a000009, 0x0a00000b, WS_TCP_SYN, 20);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].kind, WS_ALERT_SCANNER);
	struct ws_addr want = v4(scanner);
	assert_memory_equal(&g.v[0].src, &want, sizeof(want));
	assert_int_equal(g.v[0].first_contacts, 4);
	assert_int_equal(g.v[0].failures, 4);
	assert_true(ws_behav_is_scanner(b, &want));
	/* Later failures do not raise it again. */
	for (uint32_t i = 0; i < 10; i++)
		contact(b, scanner, 0x0a020000 + i, false, 21);
	seg(b, 0x0a000009, 0x0a00000c, WS_TCP_SYN, 30);
	assert_int_equal(g.n, 1);
	ws_behav_free(b);
}

static void test_trw_rst_icmp(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	const uint32_t s = 0xc6336402;
	for (uint32_t i = 0; i < 2; i++) {
		seg(b, s, 0x0a030000 + i, WS_TCP_SYN, 1);
		seg(b, 0x0a030000 + i, s, WS_TCP_RST | WS_TCP_ACK, 1);
	}
	for (uint32_t i = 2; i < 4; i++) {
		seg(b, s, 0x0a030000 + i, WS_TCP_SYN, 1);
		struct ws_seg q = {.src = v4(s), .dst = v4(0x0a030000 + i), .sport = 40000, .dport = 80};
		ws_behav_unreach(b, &q, 1);
	}
	assert_int_equal(g.n, 1); /* at once: no timeout needed */
	assert_int_equal(g.v[0].failures, 4);
	ws_behav_free(b);
}

static void test_trw_benign(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	/* A busy client: 2000 first contacts, one in ten failing, spread out. */
	const uint32_t nat = 0x0a0a0a0a;
	for (uint32_t i = 0; i < 2000; i++)
		contact(b, nat, 0x0b000000 + i, i % 10 != 3, (int64_t)i);
	/* Retransmitted SYNs to the same server are not new first contacts. */
	for (int i = 0; i < 50; i++)
		contact(b, 0x0a0a0a0b, 0x0b000001, false, 3000 + i);
	seg(b, 1, 2, WS_TCP_SYN, 5000);
	assert_int_equal(g.n, 0);
	struct ws_behav_stats st;
	ws_behav_stats(b, &st);
	assert_int_equal(st.first_contacts, 2002); /* the last SYN is one too */
	ws_behav_free(b);
}

static void test_trw_one_way(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	/* Only SYNs, never an answer of any kind: nothing can be judged. */
	for (uint32_t i = 0; i < 100; i++)
		seg(b, 0x0a000001 + i % 5, 0x0b000000 + i, WS_TCP_SYN, (int64_t)i);
	ws_behav_finish(b, 1000);
	assert_int_equal(g.n, 0);
	ws_behav_free(b);
}

/* A darknet's backscatter (SYN-ACK or RST to an unused address) answers
 * someone else's spoofed SYN: it is no sign that the capture holds both
 * directions, so a telescope capture's SYNs are still never judged. */
static void test_trw_darknet_alone(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	const uint32_t dark = 0x2c000000;
	seg_to(b, 0xc0000201, dark + 7, WS_TCP_SYN | WS_TCP_ACK, 0, true);
	seg_to(b, 0xc0000202, dark + 8, WS_TCP_RST, 0, true);
	for (uint32_t i = 0; i < 20; i++)
		seg_to(b, 0xc6336401 + i % 2, dark + 100 + i, WS_TCP_SYN, 1, true);
	seg_to(b, 0xc0000203, dark + 9, WS_TCP_SYN, 100, true); /* time passes */
	ws_behav_finish(b, 1000);
	assert_int_equal(g.n, 0);
	ws_behav_free(b);
}

/* Where the capture does hold both directions (a live answer was seen), a
 * first contact into unused space is a failure like any unanswered one. */
static void test_trw_darknet_beside_live(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	contact(b, 0x0a000001, 0x0a000002, true, 0);
	const uint32_t scanner = 0xc6336401, dark = 0x2c000000;
	for (uint32_t i = 0; i < 4; i++)
		seg_to(b, scanner, dark + i, WS_TCP_SYN, 1, true);
	seg(b, 0x0a000009, 0x0a00000a, WS_TCP_SYN, 100); /* time passes: four time out */
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].failures, 4);
	ws_behav_free(b);
}

static void test_rabin(void **state)
{
	(void)state;
	struct ws_rabin r;
	ws_rabin_init(&r, WS_RABIN_WINDOW);
	uint8_t buf[400];
	uint64_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(x >> 56);
	}
	uint64_t fp = ws_rabin_of(&r, buf, WS_RABIN_WINDOW);
	for (size_t i = 1; i + WS_RABIN_WINDOW <= sizeof(buf); i++) {
		fp = ws_rabin_slide(&r, fp, buf[i - 1], buf[i - 1 + WS_RABIN_WINDOW]);
		assert_true(fp == ws_rabin_of(&r, buf + i, WS_RABIN_WINDOW));
		assert_true(fp >> 63 == 0); /* degree 63: 63 bits */
	}
	/* One byte changed changes the fingerprint. */
	uint64_t a = ws_rabin_of(&r, buf, WS_RABIN_WINDOW);
	buf[17] ^= 1;
	assert_true(a != ws_rabin_of(&r, buf, WS_RABIN_WINDOW));
}

static void head(struct ws_behav *b, uint32_t s, uint32_t d, const char *h, int64_t ts)
{
	struct ws_seg c = {.src = v4(s), .dst = v4(d), .sport = 40000, .dport = 80};
	ws_behav_head(b, &c, h, strlen(h), ts);
}

static const char worm_head[] =
	"SEARCH /vti_bin/_vti_aut/fp30reg.dll?acct=0&cmd=sync-sync-sync-0000000000 HTTP/1.0\r\n"
	"Host: 10.0.0.1\r\nX-Odd-Header: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";

static void test_content_chain(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	/* Host k infects host k+1 and two more that were not vulnerable. */
	for (uint32_t k = 0; k < 12 && g.n == 0; k++) {
		uint32_t h = 0x0a000100 + k;
		head(b, h, h + 1, worm_head, (int64_t)k);
		head(b, h, 0x0a000900 + 2 * k, worm_head, (int64_t)k);
		head(b, h, 0x0a000901 + 2 * k, worm_head, (int64_t)k);
	}
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].kind, WS_ALERT_NEW_WORM);
	assert_true(g.v[0].sources < 10 && g.v[0].destinations < 10);
	assert_non_null(memmem(g.v[0].content, g.v[0].content_len, "fp30reg.dll?acct=0&cmd=sync", 27));
	assert_true(g.v[0].known == NULL);
	ws_behav_free(b);
}

static void test_content_popular_page(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	static const char page[] =
		"GET /downloads/service-pack-2/setup-english-x86-full-installer.exe HTTP/1.1\r\n"
		"Host: www.example.org\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 5.5)\r\n\r\n";
	/* Thousands of clients fetch the same file from a farm of 50 mirrors. */
	for (uint32_t i = 0; i < 5000; i++)
		head(b, 0x0a100000 + i, 0xc0000200 + i % 50, page, (int64_t)(i / 100));
	assert_int_equal(g.n, 0);
	ws_behav_free(b);
}

/* Flags s as a scanner: four first contacts that time out. */
static void make_scanner(struct ws_behav *b, uint32_t s, int64_t ts)
{
	contact(b, 0x0a0000f0, 0x0a0000f1, true, ts); /* the capture has answers */
	for (uint32_t i = 0; i < 4; i++)
		contact(b, s, 0x0a7f0000 + i, false, ts);
	seg(b, 0x0a0000f2, 0x0a0000f3, WS_TCP_SYN, ts + 10);
}

static void test_content_first_victim(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	/* The first victim, a scanner, delivers the request to servers before
	 * it has infected anyone: alerted at the fifth destination, with the
	 * first copies (counted by the prevalence filter) among the counts. */
	const uint32_t v = 0x0a000201;
	make_scanner(b, v, 0);
	for (uint32_t k = 0; k < 4; k++)
		head(b, v, 0x0a000a00 + k, worm_head, 20 + (int64_t)k);
	assert_int_equal(g.n, 1); /* the scanner alert only */
	head(b, v, 0x0a000a04, worm_head, 24);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.v[1].kind, WS_ALERT_NEW_WORM);
	assert_int_equal(g.v[1].sources, 1);
	assert_int_equal(g.v[1].destinations, 5);
	ws_behav_free(b);
}

static void test_content_chain_counts(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	/* The second victim was the first one's first destination: the chain
	 * is seen although that copy came before the dispersion entry. */
	const uint32_t v1 = 0x0a000301, v2 = 0x0a000302;
	make_scanner(b, v1, 0);
	head(b, v1, v2, worm_head, 20);
	head(b, v1, 0x0a000b00, worm_head, 21);
	head(b, v1, 0x0a000b01, worm_head, 22);
	assert_int_equal(g.n, 1);
	head(b, v2, 0x0a000b02, worm_head, 23);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.v[1].kind, WS_ALERT_NEW_WORM);
	assert_int_equal(g.v[1].sources, 2);
	assert_int_equal(g.v[1].destinations, 4);
	ws_behav_free(b);
}

static void test_content_not_all_suspects(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	static const char page[] =
		"GET /catalogue/2001/autumn/product-listing-page-0042.html HTTP/1.1\r\n"
		"Host: shop.example.org\r\n\r\n";
	/* A busy client that TRW flagged (a NAT gateway after an outage)
	 * fetches a page from 10 mirrors, as 30 other clients do. (Had it
	 * fetched from five mirrors before anyone else, it would be alerted: a
	 * lone scanner delivering one request, docs/behaviour.md.) */
	const uint32_t nat = 0x0a000401;
	make_scanner(b, nat, 0);
	for (uint32_t i = 0; i < 30; i++) {
		head(b, 0x0a100000 + i, 0xc0000300 + i % 10, page, 20);
		if (i < 10)
			head(b, nat, 0xc0000300 + i, page, 20);
	}
	assert_int_equal(g.n, 1); /* its scanner alert */
	/* A load balancer passes its clients' request to 8 back ends: a chain
	 * of one, no scanner. */
	static const char api[] =
		"POST /api/v2/orders/submit?channel=web&format=json HTTP/1.1\r\n\r\n";
	const uint32_t lb = 0x0a000501;
	for (uint32_t i = 0; i < 40; i++) {
		head(b, 0x0a200000 + i, lb, api, 30);
		head(b, lb, 0x0a300000 + i % 8, api, 30);
	}
	assert_int_equal(g.n, 1);
	ws_behav_free(b);
}

static void test_memory_flood(void **state)
{
	(void)state;
	struct got g;
	struct ws_behav *b = mk(&g);
	size_t m0 = ws_behav_memory(b);
	char h[256];
	uint64_t x = 99;
	/* 300,000 distinct sources, each with its own payload, to distinct
	 * destinations, half of them answered. */
	for (uint32_t i = 0; i < 300000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		contact(b, 0x20000000 + i, 0x30000000 + (uint32_t)(x >> 40), i & 1, (int64_t)(i / 1000));
		snprintf(h, sizeof(h), "GET /%016llx/%016llx/%u/flood/of/distinct/payloads HTTP/1.1\r\n\r\n",
			 (unsigned long long)x, (unsigned long long)(x * 31), i);
		head(b, 0x20000000 + i, 0x30000000 + (uint32_t)(x >> 40), h, (int64_t)(i / 1000));
	}
	assert_int_equal(ws_behav_memory(b), m0);
	struct ws_behav_stats st;
	ws_behav_stats(b, &st);
	assert_true(st.sources_evicted > 0);
	/* A scanner after the flood is still caught. */
	for (uint32_t i = 0; i < 4; i++)
		contact(b, 0xc6336499, 0x40000000 + i, false, 400);
	seg(b, 1, 2, WS_TCP_SYN, 410);
	bool found = false;
	for (int i = 0; i < g.n && i < MAXAL; i++)
		found |= g.v[i].kind == WS_ALERT_SCANNER && g.v[i].src.b[3] == 0x99;
	assert_true(found);
	/* The stated bound (docs/behaviour.md: 22.8 MiB): under 23 MiB. */
	assert_true(m0 < 23u << 20);
	ws_behav_free(b);
}

static struct ws_request req(const char *method, const char *path, const char *query)
{
	struct ws_request r;
	memset(&r, 0, sizeof(r));
	r.method = (struct ws_str){method, strlen(method)};
	r.path = (struct ws_str){path, strlen(path)};
	if (query) {
		r.query = (struct ws_str){query, strlen(query)};
		r.has_query = true;
	}
	r.status = -1;
	r.bytes = -1;
	r.src_port = r.dst_port = -1;
	return r;
}

static void test_shape_of(void **state)
{
	(void)state;
	char out[WS_SHAPE_MAX];
	struct ws_request r = req("get", "/news/2001/09/story12.html", "id=123&q=weather+today&x=");
	ws_shape_of(&r, out);
	assert_string_equal(out, "GET /news/N/N/storyN.html?id=N&q=S3&x=E");
	r = req("GET", "/a", NULL);
	ws_shape_of(&r, out);
	assert_string_equal(out, "GET /a");
}

/* New sources per interval (the default's): n[i]; every request has the same shape. */
static int feed_shape(struct got *g, const uint32_t *n, int bins)
{
	struct ws_behav *b = mk(g);
	struct ws_behav_cfg c;
	ws_behav_defaults(&c);
	int64_t iv = c.shape_interval_s;
	uint32_t src = 0x0a000001;
	for (int i = 0; i < bins; i++) {
		for (uint32_t k = 0; k < n[i]; k++) {
			struct ws_request r = req("POST", "/cgi-bin/upd8.pl", "v=7&blob=0123456789abcdef");
			r.ts_known = true;
			r.ts = 1000000000 + (int64_t)i * iv + (int64_t)k % iv;
			r.src = v4(src++);
			ws_behav_log_request(b, &r);
		}
	}
	ws_behav_free(b);
	return g->n;
}

static void test_shape_outbreak(void **state)
{
	(void)state;
	struct got g;
	uint32_t grow[16];
	double c = 2;
	for (int i = 0; i < 16; i++) {
		c *= 1.5; /* +50 % per interval */
		grow[i] = (uint32_t)c;
	}
	assert_int_equal(feed_shape(&g, grow, 16), 1);
	assert_int_equal(g.v[0].kind, WS_ALERT_OUTBREAK);
	assert_true(g.v[0].alpha > 0.3 && g.v[0].alpha < 0.7); /* the truth: 0.5 */
	assert_true(g.v[0].sources >= 10);
	assert_true(g.v[0].growth_per_hour > 0);
	/* A burst: 200 new sources in one interval, then a trickle. */
	uint32_t burst[16] = {2, 1, 3, 2, 200, 3, 2, 1, 2, 3, 2, 1, 2, 2, 3, 1};
	assert_int_equal(feed_shape(&g, burst, 16), 0);
	/* Linear growth of the total: the same number of new sources each time. */
	uint32_t flat[16];
	for (int i = 0; i < 16; i++)
		flat[i] = 40;
	assert_int_equal(feed_shape(&g, flat, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_trw_four_failures),
		cmocka_unit_test(test_trw_rst_icmp),
		cmocka_unit_test(test_trw_benign),
		cmocka_unit_test(test_trw_one_way),
		cmocka_unit_test(test_trw_darknet_alone),
		cmocka_unit_test(test_trw_darknet_beside_live),
		cmocka_unit_test(test_rabin),
		cmocka_unit_test(test_content_chain),
		cmocka_unit_test(test_content_popular_page),
		cmocka_unit_test(test_content_first_victim),
		cmocka_unit_test(test_content_chain_counts),
		cmocka_unit_test(test_content_not_all_suspects),
		cmocka_unit_test(test_memory_flood),
		cmocka_unit_test(test_shape_of),
		cmocka_unit_test(test_shape_outbreak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
