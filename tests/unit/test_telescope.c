/* SPDX-License-Identifier: MIT */
/* The telescope sensor (src/telescope) and its store tables (store/tele.c):
 * what counts as a probe and what does not, the prefix and port options,
 * the bound on sources, distinct sources per interval across drains and
 * across inputs, and the per-interval reader estimate uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcap/pcapng.h"
#include "scan/tele_store.h"
#include "store/store.h"
#include "telescope/telescope.h"

static struct ws_seg seg(uint32_t src, uint32_t dst, uint16_t dport, uint8_t flags)
{
	struct ws_seg s;
	memset(&s, 0, sizeof(s));
	s.src.fam = s.dst.fam = 4;
	for (int i = 0; i < 4; i++) {
		s.src.b[i] = (uint8_t)(src >> (24 - 8 * i));
		s.dst.b[i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	s.sport = 40000;
	s.dport = dport;
	s.flags = flags;
	return s;
}

#define NET 0xCB007100u /* 203.0.113.0/24 */
#define OUT(i) (0xC6336400u + (i)) /* 198.51.100.i */
#define T0 997000020 /* a minute start */

static void conf_of(struct ws_tele_conf *c, const char *prefix, const char *ports)
{
	struct ws_err err;
	memset(c, 0, sizeof(*c));
	assert_int_equal(ws_tele_conf_add(c, prefix, &err), 0);
	if (ports)
		assert_int_equal(ws_tele_conf_ports(c, ports, &err), 0);
	ws_tele_conf_finish(c);
}

static bool feed(struct ws_tele *t, uint32_t src, uint32_t dst, uint16_t port, uint8_t flags,
		 int64_t ts)
{
	struct ws_seg s = seg(src, dst, port, flags);
	return ws_tele_segment(t, &s, ts);
}

static void test_what_is_a_probe(void **state)
{
	(void)state;
	struct ws_tele_conf c;
	conf_of(&c, "203.0.113.0/24", NULL);
	struct ws_tele *t = ws_tele_new(&c);
	assert_true(feed(t, OUT(1), NET | 5, 80, WS_TCP_SYN, T0));
	assert_true(feed(t, OUT(1), NET | 6, 80, WS_TCP_SYN, T0 + 1));
	assert_true(feed(t, OUT(2), NET | 7, 80, WS_TCP_SYN, T0 + 2));
	/* backscatter, whatever the port */
	assert_true(feed(t, OUT(3), NET | 8, 1234, WS_TCP_SYN | WS_TCP_ACK, T0 + 3));
	assert_true(feed(t, OUT(3), NET | 8, 80, WS_TCP_RST, T0 + 3));
	assert_true(feed(t, OUT(3), NET | 8, 80, WS_TCP_RST | WS_TCP_ACK, T0 + 3));
	/* another port */
	assert_true(feed(t, OUT(4), NET | 9, 445, WS_TCP_SYN, T0 + 4));
	/* from inside, an ACK, a FIN: other */
	assert_true(feed(t, NET | 1, NET | 9, 80, WS_TCP_SYN, T0 + 5));
	assert_true(feed(t, OUT(1), NET | 9, 80, WS_TCP_ACK, T0 + 5));
	assert_true(feed(t, OUT(1), NET | 9, 80, WS_TCP_FIN | WS_TCP_ACK, T0 + 5));
	/* not monitored: the flow table's */
	assert_false(feed(t, OUT(1), NET + 256, 80, WS_TCP_SYN, T0 + 6));
	struct ws_tele_totals x;
	ws_tele_totals(t, &x);
	assert_int_equal(x.probes, 3);
	assert_int_equal(x.sources, 2);
	assert_int_equal(x.backscatter, 3);
	assert_int_equal(x.other_ports, 1);
	assert_int_equal(x.other, 3);
	assert_int_equal(x.packets, 10);
	assert_int_equal(x.start, T0);
	assert_int_equal(x.end, T0 + 6); /* the capture's span, not just the darknet's */
	ws_tele_free(t);
}

static void test_conf(void **state)
{
	(void)state;
	struct ws_tele_conf c;
	struct ws_err err;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ws_tele_conf_add(&c, "10.1.0.0/16", &err), 0);
	assert_int_equal(ws_tele_conf_add(&c, "10.0.0.0/8", &err), 0);
	assert_int_equal(ws_tele_conf_add(&c, "192.0.2.7", &err), 0);
	assert_int_equal(ws_tele_conf_add(&c, "10.0.0.1/8", &err), WS_EUSAGE);
	assert_non_null(strstr(err.msg, "host bits"));
	assert_int_equal(ws_tele_conf_add(&c, "2001:db8::/32", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_add(&c, "banana", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_ports(&c, "8080,80,80", &err), 0);
	assert_int_equal(ws_tele_conf_ports(&c, "80,", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_ports(&c, "0", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_ports(&c, "65536", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_ports(&c, "-80", &err), WS_EUSAGE);
	assert_int_equal(ws_tele_conf_ports(&c, "8080,80,80", &err), 0);
	ws_tele_conf_finish(&c);
	/* the /16 lies inside the /8: counted once */
	assert_string_equal(c.prefixes_text, "10.0.0.0/8,192.0.2.7/32");
	assert_int_equal(c.addresses, (1u << 24) + 1);
	assert_string_equal(c.ports_text, "80,8080");
}

static void test_bound(void **state)
{
	(void)state;
	struct ws_tele_conf c;
	conf_of(&c, "203.0.113.0/24", NULL);
	c.max_sources = 1024;
	struct ws_tele *t = ws_tele_new(&c);
	for (uint32_t i = 0; i < 5000; i++)
		feed(t, 0x0A000000u + i, NET | 1, 80, WS_TCP_SYN, T0 + i);
	struct ws_tele_totals x;
	ws_tele_totals(t, &x);
	assert_int_equal(x.sources, 1024);
	assert_int_equal(x.probes, 5000);
	assert_int_equal(x.untracked, 5000 - 1024);
	ws_tele_free(t);
}

/* ---- into the store ---- */

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/ws-tele-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char p[300];
	snprintf(p, sizeof(p), "%s/t.db", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/t.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/t.db-shm", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static struct ws_store *open_db(void)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/t.db", dir);
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(p, WS_STORE_RW, &st, &err), 0);
	return st;
}

static void to_store(struct ws_store *st, int64_t input, struct ws_tele *t)
{
	struct ws_err err;
	assert_int_equal(ws_tele_to_store(st, input, t, false, 1, &err), 0);
	assert_int_equal(ws_store_flush(st, &err), 0);
}

static int64_t the_view;

static int pick_scope(void *ctx, const struct ws_tele_view *v)
{
	struct ws_tele_view *out = ctx;
	if (strcmp(v->kind, "telescope") == 0)
		*out = *v;
	return 0;
}

static void counts(struct ws_store *st, int64_t iv, struct ws_tele_count **v, size_t *n)
{
	struct ws_tele_view tv = {0};
	struct ws_err err;
	assert_int_equal(ws_store_tele_views(st, pick_scope, &tv, &err), 0);
	assert_true(tv.id > 0);
	the_view = tv.id;
	assert_int_equal(ws_store_tele_counts(st, tv.id, iv, INT64_MIN, INT64_MAX, -1, v, n, &err),
			 0);
}

/* Two inputs of one telescope, the second starting in the minute the
 * first ended: a source probing on both sides counts once there. Live
 * drains (the same sensor twice) too. */
static void test_store_across_inputs(void **state)
{
	(void)state;
	struct ws_tele_conf c;
	conf_of(&c, "203.0.113.0/24", NULL);
	struct ws_store *st = open_db();
	struct ws_tele *a = ws_tele_new(&c);
	feed(a, OUT(1), NET | 1, 80, WS_TCP_SYN, T0);
	feed(a, OUT(2), NET | 1, 80, WS_TCP_SYN, T0 + 10);
	feed(a, OUT(1), NET | 1, 80, WS_TCP_SYN, T0 + 70); /* minute 1 */
	to_store(st, 1, a);
	/* a live sensor's second drain: .2 again in minute 1, .3 new */
	feed(a, OUT(2), NET | 1, 80, WS_TCP_SYN, T0 + 80);
	feed(a, OUT(3), NET | 1, 80, WS_TCP_SYN, T0 + 85);
	to_store(st, 1, a);
	ws_tele_free(a);
	/* the next file: .1 again in minute 1 (already counted there), then in
	 * minute 3; .4 new in minute 3 */
	struct ws_tele *b = ws_tele_new(&c);
	feed(b, OUT(1), NET | 2, 80, WS_TCP_SYN, T0 + 100);
	feed(b, OUT(1), NET | 2, 80, WS_TCP_SYN, T0 + 190);
	feed(b, OUT(4), NET | 2, 80, WS_TCP_SYN, T0 + 200);
	feed(b, OUT(4), NET | 2, 80, WS_TCP_RST, T0 + 200);
	to_store(st, 2, b);
	ws_tele_free(b);

	struct ws_tele_count *v;
	size_t n;
	counts(st, 60, &v, &n);
	assert_int_equal(n, 4);
	int64_t probes[4] = {2, 4, 0, 2}, active[4] = {2, 3, 0, 2}, fresh[4] = {2, 1, 0, 1};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].t, T0 + 60 * (int64_t)i);
		assert_int_equal(v[i].probes, probes[i]);
		assert_int_equal(v[i].active, active[i]);
		assert_int_equal(v[i].new_sources, fresh[i]);
	}
	assert_int_equal(v[3].cum_sources, 4);
	free(v);
	/* two minutes (T0 is an odd minute: [T0 - 60, T0 + 60) first):
	 * probes add up, distinct sources are not known */
	counts(st, 120, &v, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].t, T0 - 60);
	assert_int_equal(v[1].probes, 4);
	assert_int_equal(v[0].new_sources, 2);
	assert_int_equal(v[1].new_sources, 1);
	assert_int_equal(v[1].active, -1);
	free(v);
	/* an hour: one interval, four distinct sources */
	counts(st, 3600, &v, &n);
	assert_int_equal(n, T0 % 3600 + 200 >= 3600 ? 2 : 1);
	uint64_t act = 0, pr = 0;
	for (size_t i = 0; i < n; i++) {
		act += (uint64_t)v[i].active;
		pr += v[i].probes;
	}
	assert_int_equal(pr, 8);
	assert_int_equal(act, 4);
	free(v);
	struct ws_tele_view tv = {0};
	struct ws_err err;
	assert_int_equal(ws_store_tele_views(st, pick_scope, &tv, &err), 0);
	assert_int_equal(tv.sources, 4);
	assert_int_equal(tv.probes, 8);
	assert_int_equal(tv.backscatter, 1);
	assert_int_equal(tv.addresses, 256);
	assert_int_equal(tv.first, T0);
	assert_int_equal(tv.last, T0 + 200);
	assert_int_equal(ws_store_tele_counts(st, tv.id, 90, INT64_MIN, INT64_MAX, -1, &v, &n, &err),
			 WS_EUSAGE);
	assert_int_equal(ws_store_tele_counts(st, 999, 60, INT64_MIN, INT64_MAX, -1, &v, &n, &err),
			 WS_EUSAGE);
	assert_int_equal(ws_store_close(st, &err), 0);
}

static void test_pcapng_mark(void **state)
{
	(void)state;
	struct ws_buf b = {0};
	ws_pcapng_begin(&b, "wormscope-simulated telescope=10.0.0.0/8 sample=0.25 seed=3", 101,
			65535);
	double sample = 0;
	char c[256];
	assert_true(ws_pcapng_comment(b.p, b.n, c, sizeof(c)));
	assert_string_equal(c, "wormscope-simulated telescope=10.0.0.0/8 sample=0.25 seed=3");
	assert_true(ws_pcapng_simulated(b.p, b.n, &sample));
	assert_true(sample == 0.25);
	/* cut anywhere inside the header: no comment read past the bytes */
	for (size_t k = 0; k < 40; k++)
		assert_false(ws_pcapng_simulated(b.p, k, &sample));
	ws_buf_free(&b);
	ws_pcapng_begin(&b, "a real capture", 1, 65535);
	assert_false(ws_pcapng_simulated(b.p, b.n, &sample));
	ws_buf_free(&b);
	ws_pcapng_begin(&b, NULL, 1, 65535);
	assert_false(ws_pcapng_comment(b.p, b.n, c, sizeof(c)));
	ws_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_is_a_probe),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_bound),
		cmocka_unit_test_setup_teardown(test_store_across_inputs, setup, teardown),
		cmocka_unit_test(test_pcapng_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
