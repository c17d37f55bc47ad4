/* SPDX-License-Identifier: MIT */
/* Frame decoder (pcap/decode.h): Ethernet, 802.1Q and QinQ, SLL, SLL2, raw
 * IP and loopback; IPv4 and IPv6 with extension headers; snap-length cuts
 * against corrupt lengths; every prefix of a frame decodes without reading
 * past it (guard page); IPv4 and IPv6 fragments rebuilt out of order with
 * first-wins overlaps, and the slot bound. Frames are built here byte by
 * byte; the payload text is given beside each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "pcap/decode.h"

static uint8_t fr[2048];

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Writes an IPv4 header + TCP header + payload at p; returns its length.
 * ff: the flags/fragment-offset word. */
static size_t ip4_tcp(uint8_t *p, const char *payload, unsigned ff, unsigned id)
{
	size_t n = strlen(payload);
	memset(p, 0, 40);
	p[0] = 0x45;
	put16(p + 2, (unsigned)(40 + n));
	put16(p + 4, id);
	put16(p + 6, ff);
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, "\xc6\x33\x64\x01", 4); /* 198.51.100.1 */
	memcpy(p + 16, "\xc0\x00\x02\x50", 4); /* 192.0.2.80 */
	put16(p + 20, 1025);
	put16(p + 22, 80);
	memcpy(p + 24, "\x00\x00\x10\x00", 4); /* seq 4096 */
	p[32] = 5 << 4;
	p[33] = 0x18; /* PSH ACK */
	memcpy(p + 40, payload, n);
	return 40 + n;
}

static size_t eth(uint8_t *p, const unsigned *tags, int ntags, unsigned type)
{
	memset(p, 0xaa, 12);
	size_t o = 12;
	for (int i = 0; i < ntags; i++) {
		put16(p + o, tags[i]);
		put16(p + o + 2, 7);
		o += 4;
	}
	put16(p + o, type);
	return o + 2;
}

static enum ws_dec_rc dec(struct ws_decoder *d, int dlt, size_t n, struct ws_seg *s,
			  enum ws_undec *why)
{
	uint64_t drops = 0;
	return ws_decode(d, dlt, fr, (uint32_t)n, (uint32_t)n, 0, s, why, &drops);
}

static void expect_get(const struct ws_seg *s)
{
	assert_int_equal(s->src.fam, 4);
	assert_memory_equal(s->src.b, "\xc6\x33\x64\x01", 4);
	assert_int_equal(s->sport, 1025);
	assert_int_equal(s->dport, 80);
	assert_int_equal(s->seq, 4096);
	assert_int_equal(s->len, 4);
	assert_memory_equal(s->data, "GET ", 4);
	assert_int_equal(s->missing, 0);
}

static void test_link_layers(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	static const unsigned q[] = {0x8100}, qq[] = {0x88a8, 0x8100};
	/* Ethernet, 802.1Q, QinQ; payload "GET " */
	size_t o = eth(fr, NULL, 0, 0x0800);
	assert_int_equal(dec(d, 1, o + ip4_tcp(fr + o, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	o = eth(fr, q, 1, 0x0800);
	assert_int_equal(dec(d, 1, o + ip4_tcp(fr + o, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	o = eth(fr, qq, 2, 0x0800);
	assert_int_equal(dec(d, 1, o + ip4_tcp(fr + o, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	/* SLL: protocol at 14; SLL2: at 0 */
	memset(fr, 0, 20);
	put16(fr + 14, 0x0800);
	assert_int_equal(dec(d, 113, 16 + ip4_tcp(fr + 16, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	memset(fr, 0, 20);
	put16(fr, 0x0800);
	assert_int_equal(dec(d, 276, 20 + ip4_tcp(fr + 20, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	/* raw IP (DLT_RAW 12, LINKTYPE_RAW 101, LINKTYPE_IPV4 228), loopback */
	static const int raw[] = {12, 101, 228};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(dec(d, raw[i], ip4_tcp(fr, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
		expect_get(&s);
	}
	memcpy(fr, "\x02\x00\x00\x00", 4);
	assert_int_equal(dec(d, 0, 4 + ip4_tcp(fr + 4, "GET ", 0, 1), &s, &why), WS_DEC_TCP);
	expect_get(&s);
	/* ARP is not ours; an unknown link type is undecodable */
	o = eth(fr, NULL, 0, 0x0806);
	assert_int_equal(dec(d, 1, o + 28, &s, &why), WS_DEC_OTHER);
	assert_int_equal(dec(d, 147, 60, &s, &why), WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_LINKTYPE);
	assert_false(ws_linktype_supported(147));
	assert_true(ws_linktype_supported(276));
	ws_decoder_free(d);
}

static void test_lengths(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	uint64_t drops = 0;
	size_t o = eth(fr, NULL, 0, 0x0800);
	size_t n = o + ip4_tcp(fr + o, "GET /default.ida", 0, 1);
	/* Cut by the snap length after "GET ": decoded, 12 bytes missing. */
	assert_int_equal(ws_decode(d, 1, fr, (uint32_t)(o + 44), (uint32_t)n, 0, &s, &why, &drops),
			 WS_DEC_TCP);
	assert_int_equal(s.len, 4);
	assert_int_equal(s.missing, 12);
	/* The same cut without a snap length: the IP total length lies. */
	assert_int_equal(dec(d, 1, o + 44, &s, &why), WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_BAD_IP);
	/* Ethernet padding after the datagram is not payload. */
	memset(fr + n, 0, 10);
	assert_int_equal(dec(d, 1, n + 10, &s, &why), WS_DEC_TCP);
	assert_int_equal(s.len, 16);
	/* TCP data offset below 20, and IP header length below 20 */
	fr[o + 32] = 4 << 4;
	assert_int_equal(dec(d, 1, n, &s, &why), WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_BAD_TCP);
	fr[o + 32] = 5 << 4;
	fr[o] = 0x44;
	assert_int_equal(dec(d, 1, n, &s, &why), WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_BAD_IP);
	fr[o] = 0x45;
	/* Every prefix: no read past the end, never TCP with bytes not there. */
	for (size_t k = 0; k <= n; k++) {
		const uint8_t *g = (const uint8_t *)ws_guard_copy((const char *)fr, k);
		enum ws_dec_rc rc = ws_decode(d, 1, g, (uint32_t)k, (uint32_t)n, 0, &s, &why, &drops);
		if (k < o + 40)
			assert_int_equal(rc, WS_DEC_BAD);
		else
			assert_int_equal(rc, WS_DEC_TCP);
		ws_guard_release();
	}
	ws_decoder_free(d);
}

static size_t ip6_hdr(uint8_t *p, unsigned nh, unsigned plen)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, plen);
	p[6] = (uint8_t)nh;
	p[7] = 64;
	memcpy(p + 8, "\x20\x01\x0d\xb8", 4);
	p[23] = 0x66;
	memcpy(p + 24, "\x20\x01\x0d\xb8", 4);
	p[39] = 0x80;
	return 40;
}

static void test_ipv6_ext(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	size_t o = eth(fr, NULL, 0, 0x86dd);
	uint8_t *ip = fr + o;
	/* hop-by-hop (8) -> destination options (16) -> TCP + "GET " */
	ip6_hdr(ip, 0, 8 + 16 + 24);
	uint8_t *x = ip + 40;
	memset(x, 0, 24);
	x[0] = 60;
	x[8] = 6;
	x[9] = 1;
	uint8_t *t = x + 24;
	memset(t, 0, 20);
	put16(t, 2001);
	put16(t + 2, 80);
	t[12] = 5 << 4;
	memcpy(t + 20, "GET ", 4);
	assert_int_equal(dec(d, 1, o + 40 + 24 + 24, &s, &why), WS_DEC_TCP);
	assert_int_equal(s.src.fam, 6);
	assert_int_equal(s.src.b[15], 0x66);
	assert_int_equal(s.sport, 2001);
	assert_int_equal(s.len, 4);
	/* An extension header claiming more than the datagram holds. */
	x[1] = 200;
	assert_int_equal(dec(d, 1, o + 40 + 24 + 24, &s, &why), WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_BAD_IP);
	/* UDP is not ours */
	ip6_hdr(ip, 17, 8);
	assert_int_equal(dec(d, 1, o + 48, &s, &why), WS_DEC_OTHER);
	ws_decoder_free(d);
}

/* IPv4 fragments of "GET /default.ida?NNNNNNN" (TCP header 20 + 24 bytes):
 * [0,24) [24,40) [40,44), sent last first, with an overlapping copy of the
 * middle carrying 'Z's that must lose. */
static void test_ipv4_fragments(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	uint64_t drops = 0;
	uint8_t dgram[80];
	size_t n = ip4_tcp(dgram, "GET /default.ida?NNNNNNN", 0, 9) - 20; /* TCP part */
	assert_int_equal(n, 44);
	static const unsigned cuts[][2] = {{40, 4}, {24, 16}, {0, 24}};
	enum ws_dec_rc rc = WS_DEC_BAD;
	for (int i = 0; i < 3; i++) {
		unsigned off = cuts[i][0], len = cuts[i][1];
		memcpy(fr, dgram, 20);
		put16(fr + 2, 20 + len);
		put16(fr + 6, (off + len < n ? 0x2000 : 0) | off / 8);
		memcpy(fr + 20, dgram + 20 + off, len);
		if (i == 1) {
			/* overlap [24,32) again, with different bytes: ignored */
			uint8_t z[28];
			memcpy(z, fr, 20);
			put16(z + 2, 28);
			memset(z + 20, 'Z', 8);
			put16(z + 6, 0x2000 | 24 / 8);
			assert_int_equal(ws_decode(d, 12, fr, 20 + len, 20 + len, 5, &s, &why, &drops),
					 WS_DEC_HELD);
			rc = ws_decode(d, 12, z, 28, 28, 5, &s, &why, &drops);
			assert_int_equal(rc, WS_DEC_HELD);
			continue;
		}
		rc = ws_decode(d, 12, fr, 20 + len, 20 + len, 5, &s, &why, &drops);
	}
	assert_int_equal(rc, WS_DEC_TCP);
	assert_int_equal(s.len, 24);
	assert_memory_equal(s.data, "GET /default.ida?NNNNNNN", 24);
	assert_int_equal(ws_decoder_reassembled(d), 1);
	assert_int_equal(drops, 0);
	ws_decoder_free(d);
}

/* More datagrams in progress than slots: the oldest are dropped and
 * counted; a fragment of bad length is dropped at once. */
static void test_fragment_bounds(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	uint64_t drops = 0;
	for (unsigned id = 0; id < WS_FRAG_SLOTS + 36; id++) {
		ip4_tcp(fr, "GET /x HT", 0x2000, id); /* the first 24 bytes only */
		put16(fr + 2, 44);
		assert_int_equal(ws_decode(d, 12, fr, 44, 44, 1, &s, &why, &drops), WS_DEC_HELD);
	}
	assert_int_equal(drops, 36);
	/* a non-final fragment whose length is not a multiple of 8 */
	size_t n = ip4_tcp(fr, "GET /x HT", 0x2000, 5000);
	assert_int_equal(ws_decode(d, 12, fr, (uint32_t)n, (uint32_t)n, 1, &s, &why, &drops),
			 WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_FRAG);
	/* time passes: every held datagram times out */
	drops = 0;
	ip4_tcp(fr, "GET /x HT", 0x2000, 6000);
	put16(fr + 2, 44);
	ws_decode(d, 12, fr, 44, 44, 1 + WS_FRAG_TIMEOUT + 1, &s, &why, &drops);
	assert_int_equal(drops, WS_FRAG_SLOTS);
	ws_decoder_free(d);
}

/* Fragments past the datagram's end, sent before its last fragment: the
 * blocks they fill must not count towards completion, or the datagram is
 * "rebuilt" with a hole of bytes never received ([24,40) here) and decoded.
 * Such a datagram is impossible and is dropped. */
static void test_fragment_past_end(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why = WS_UNDEC_N;
	uint64_t drops = 0;
	uint8_t dgram[80];
	size_t n = ip4_tcp(dgram, "GET /default.ida?NNNNNNN", 0, 11) - 20;
	assert_int_equal(n, 44);
	static const unsigned cuts[][2] = {{0, 24}, {48, 16}, {40, 4}};
	enum ws_dec_rc rc = WS_DEC_BAD;
	for (int i = 0; i < 3; i++) {
		unsigned off = cuts[i][0], len = cuts[i][1];
		memcpy(fr, dgram, 20);
		put16(fr + 2, 20 + len);
		put16(fr + 6, (i < 2 ? 0x2000 : 0) | off / 8);
		if (off < n)
			memcpy(fr + 20, dgram + 20 + off, len);
		else
			memset(fr + 20, 'Z', len);
		rc = ws_decode(d, 12, fr, 20 + len, 20 + len, 5, &s, &why, &drops);
		if (i < 2)
			assert_int_equal(rc, WS_DEC_HELD);
	}
	assert_int_equal(rc, WS_DEC_BAD);
	assert_int_equal(why, WS_UNDEC_FRAG);
	assert_int_equal(ws_decoder_reassembled(d), 0);
	assert_int_equal(drops, 1);
	ws_decoder_free(d);
}

/* IPv6 fragment header: two fragments, second first. */
static void test_ipv6_fragments(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	uint64_t drops = 0;
	uint8_t tcp[44];
	memset(tcp, 0, 20);
	put16(tcp, 2003);
	put16(tcp + 2, 80);
	tcp[12] = 5 << 4;
	memcpy(tcp + 20, "GET /default.ida?XXXXXXX", 24);
	static const unsigned parts[][2] = {{32, 12}, {0, 32}};
	enum ws_dec_rc rc = WS_DEC_BAD;
	for (int i = 0; i < 2; i++) {
		unsigned off = parts[i][0], len = parts[i][1];
		ip6_hdr(fr, 44, 8 + len);
		uint8_t *f = fr + 40;
		memset(f, 0, 8);
		f[0] = 6;
		put16(f + 2, off | (off == 0 ? 1 : 0));
		memcpy(f + 4, "\x00\x00\x00\x2a", 4);
		memcpy(f + 8, tcp + off, len);
		rc = ws_decode(d, 229, fr, 48 + len, 48 + len, 0, &s, &why, &drops);
		if (i == 0)
			assert_int_equal(rc, WS_DEC_HELD);
	}
	assert_int_equal(rc, WS_DEC_TCP);
	assert_int_equal(s.src.fam, 6);
	assert_int_equal(s.sport, 2003);
	assert_memory_equal(s.data, "GET /default.ida?XXXXXXX", 24);
	ws_decoder_free(d);
}

/* ICMP destination unreachable quoting a TCP SYN (the answer a router gives
 * a scanner's probe to an empty address; behavioural detection counts it as
 * a failed first contact): the quoted segment's addresses and ports come
 * back with its sender as src; an echo request, or an error cut inside the
 * quoted header, is just "other". */
static void test_icmp_unreachable(void **state)
{
	(void)state;
	struct ws_decoder *d = ws_decoder_new();
	struct ws_seg s;
	enum ws_undec why;
	size_t o = eth(fr, NULL, 0, 0x0800);
	uint8_t *ip = fr + o;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 28);
	ip[8] = 64;
	ip[9] = 1;                             /* ICMP */
	memcpy(ip + 12, "\xc0\x00\x02\x01", 4); /* the router, 192.0.2.1 */
	memcpy(ip + 16, "\xc6\x33\x64\x01", 4); /* the prober, 198.51.100.1 */
	uint8_t *ic = ip + 20;
	memset(ic, 0, 8);
	ic[0] = 3; /* destination unreachable */
	ic[1] = 1; /* host unreachable */
	ip4_tcp(ic + 8, "", 0, 7); /* the quoted header: 198.51.100.1:1025 -> 192.0.2.80:80 */
	assert_int_equal(dec(d, 1, o + 20 + 8 + 28, &s, &why), WS_DEC_UNREACH);
	assert_memory_equal(s.src.b, "\xc6\x33\x64\x01", 4);
	assert_memory_equal(s.dst.b, "\xc0\x00\x02\x50", 4);
	assert_int_equal(s.sport, 1025);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.len, 0);
	/* cut inside the quoted ports */
	put16(ip + 2, 20 + 8 + 22);
	assert_int_equal(dec(d, 1, o + 20 + 8 + 22, &s, &why), WS_DEC_OTHER);
	/* an echo request */
	put16(ip + 2, 20 + 8 + 28);
	ic[0] = 8;
	assert_int_equal(dec(d, 1, o + 20 + 8 + 28, &s, &why), WS_DEC_OTHER);
	ws_decoder_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_layers),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_fragment_bounds),
		cmocka_unit_test(test_fragment_past_end),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_icmp_unreachable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
