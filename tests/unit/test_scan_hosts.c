/* SPDX-License-Identifier: MIT */
/* The per-source rollup (scan/hosts.h): find-or-add by address (IPv4 and
 * IPv6 apart, pointers stable until the next call), growth to 100,000
 * sources with every entry found again, merging two rollups (counts summed,
 * first/last widened, Nimda probes and home-net flags joined), and the Nimda
 * look-alike bit logic: a two-candidate mask marks the lowest candidate not
 * yet seen, so a source that sends both look-alike probes gets both bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/hosts.h"
#include "util/addr.h"

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

static struct ws_addr parse(const char *s)
{
	struct ws_addr a;
	assert_true(ws_addr_parse((struct ws_str){s, strlen(s)}, &a, NULL));
	return a;
}

static void test_get(void **state)
{
	(void)state;
	struct ws_hosts h = {0};
	struct ws_addr a = parse("192.0.2.1"), b = parse("2001:db8::1"),
		       c = parse("::ffff:192.0.2.1");
	struct ws_host *e = ws_hosts_get(&h, &a);
	assert_int_equal(h.n, 1);
	assert_true(ws_addr_eq(&e->addr, &a));
	assert_true(e->first == INT64_MAX);
	assert_int_equal(e->count[0], 0);
	assert_int_equal(e->nimda_probes, 0);
	e->count[3] = 5;
	/* The same address again, also in its ::ffff: spelling, is the same entry. */
	assert_ptr_equal(ws_hosts_get(&h, &a), e);
	assert_ptr_equal(ws_hosts_get(&h, &c), e);
	assert_int_equal(h.n, 1);
	struct ws_host *f = ws_hosts_get(&h, &b);
	assert_int_equal(h.n, 2);
	assert_int_equal(f->addr.fam, 6);
	assert_int_equal(f->count[3], 0);
	assert_int_equal(ws_hosts_get(&h, &a)->count[3], 5);
	/* An unknown source (fam 0) is one entry of its own. */
	struct ws_addr none = {0};
	struct ws_host *g = ws_hosts_get(&h, &none);
	assert_int_equal(h.n, 3);
	assert_int_equal(g->addr.fam, 0);
	assert_ptr_equal(ws_hosts_get(&h, &none), g);
	ws_hosts_free(&h);
	assert_int_equal(h.n, 0);
	assert_null(h.v);
}

static void test_growth(void **state)
{
	(void)state;
	struct ws_hosts h = {0};
	const uint32_t n = 100000;
	/* Addresses of one /8 and one /16 first (shared prefixes), then spread. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t x = i < n / 2 ? 0x18000000u + i : 0x0a000000u + i * 2654435761u % 0xffffffu;
		struct ws_addr a = v4(x);
		struct ws_host *e = ws_hosts_get(&h, &a);
		assert_true(ws_addr_eq(&e->addr, &a));
		e->count[0]++;
		e->first = i;
	}
	size_t distinct = h.n;
	assert_true(distinct > n / 2);
	assert_true(distinct <= n);
	/* Load stays under 3/4 and the index is a power of two. */
	assert_true(h.n * 4 <= h.index_cap * 3);
	assert_int_equal(h.index_cap & (h.index_cap - 1), 0);
	/* Every address is found again, unchanged, without adding entries. */
	uint64_t total = 0;
	for (uint32_t i = 0; i < n / 2; i++) {
		struct ws_addr a = v4(0x18000000u + i);
		struct ws_host *e = ws_hosts_get(&h, &a);
		assert_int_equal(e->count[0], 1);
		assert_int_equal(e->first, i);
	}
	for (size_t i = 0; i < h.n; i++)
		total += h.v[i].count[0];
	assert_int_equal(total, n);
	assert_int_equal(h.n, distinct);
	/* IPv6 sources too. */
	for (uint32_t i = 0; i < 1000; i++) {
		struct ws_addr a = {0};
		a.fam = 6;
		a.b[0] = 0x20;
		a.b[1] = 0x01;
		a.b[14] = (uint8_t)(i >> 8);
		a.b[15] = (uint8_t)i;
		ws_hosts_get(&h, &a)->count[1]++;
	}
	assert_int_equal(h.n, distinct + 1000);
	ws_hosts_free(&h);
}

static void test_merge(void **state)
{
	(void)state;
	struct ws_hosts a = {0}, b = {0};
	struct ws_addr x = parse("192.0.2.1"), y = parse("192.0.2.2"), z = parse("2001:db8::9");
	struct ws_host *e = ws_hosts_get(&a, &x);
	e->count[0] = 3;
	e->first = 100;
	e->last = 200;
	e->compromised = 1;
	e->nimda_probes = 0x0003;
	e = ws_hosts_get(&a, &y);
	e->count[2] = 1;
	e->first = 50;
	e->last = 50;

	e = ws_hosts_get(&b, &x);
	e->count[0] = 2;
	e->count[3] = 7;
	e->first = 90;
	e->last = 150;
	e->compromised = 2;
	e->nimda_probes = 0x0104;
	e->inside = 1;
	e = ws_hosts_get(&b, &z);
	e->count[4] = 1; /* no time known: first/last stay at their extremes */

	ws_hosts_merge(&a, &b);
	assert_int_equal(a.n, 3);
	e = ws_hosts_get(&a, &x);
	assert_int_equal(e->count[0], 5);
	assert_int_equal(e->count[3], 7);
	assert_int_equal(e->first, 90);
	assert_int_equal(e->last, 200);
	assert_int_equal(e->compromised, 3);
	assert_int_equal(e->nimda_probes, 0x0107);
	assert_int_equal(e->inside, 1);
	e = ws_hosts_get(&a, &y);
	assert_int_equal(e->count[2], 1);
	assert_int_equal(e->first, 50);
	assert_int_equal(e->inside, 0);
	e = ws_hosts_get(&a, &z);
	assert_int_equal(e->count[4], 1);
	assert_true(e->first == INT64_MAX);
	assert_true(e->last == INT64_MIN);
	/* Merging into an empty rollup copies. */
	struct ws_hosts c = {0};
	ws_hosts_merge(&c, &a);
	assert_int_equal(c.n, 3);
	assert_int_equal(ws_hosts_get(&c, &x)->count[0], 5);
	ws_hosts_free(&a);
	ws_hosts_free(&b);
	ws_hosts_free(&c);
}

static void test_nimda_bits(void **state)
{
	(void)state;
	struct ws_host e;
	memset(&e, 0, sizeof(e));
	/* IIS-decoded probes 5 and 15 (index 4 and 14) look the same. */
	const uint16_t pair = (1u << 4) | (1u << 14);
	ws_host_add_nimda(&e, pair);
	assert_int_equal(e.nimda_probes, 1u << 4);
	ws_host_add_nimda(&e, pair);
	assert_int_equal(e.nimda_probes, pair);
	/* A third look-alike adds nothing: there are only two such probes. */
	ws_host_add_nimda(&e, pair);
	assert_int_equal(e.nimda_probes, pair);
	/* Single-bit masks set their bit once. */
	ws_host_add_nimda(&e, 1u << 0);
	ws_host_add_nimda(&e, 1u << 0);
	assert_int_equal(e.nimda_probes, pair | 1u);
	/* Probes 13 and 14 (index 12, 13); bit 15 is the highest. */
	ws_host_add_nimda(&e, (1u << 12) | (1u << 13));
	ws_host_add_nimda(&e, (1u << 12) | (1u << 13));
	ws_host_add_nimda(&e, 1u << 15);
	assert_int_equal(e.nimda_probes, pair | 1u | (1u << 12) | (1u << 13) | (1u << 15));
	/* All sixteen, as an IIS log shows them: 16 distinct bits. */
	memset(&e, 0, sizeof(e));
	static const uint16_t iis[16] = {
		1u << 0, 1u << 1, 1u << 2, 1u << 3, (1u << 4) | (1u << 14), 1u << 5, 1u << 6,
		1u << 7, 1u << 8, 1u << 9, 1u << 10, 1u << 11, (1u << 12) | (1u << 13),
		(1u << 12) | (1u << 13), (1u << 4) | (1u << 14), 1u << 15,
	};
	for (int i = 0; i < 16; i++)
		ws_host_add_nimda(&e, iis[i]);
	assert_int_equal(e.nimda_probes, 0xffff);
	assert_int_equal(ws_hosts_bytes_per_entry(), sizeof(struct ws_host));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_nimda_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
