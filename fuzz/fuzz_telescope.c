/* SPDX-License-Identifier: MIT */
/* Fuzzes the telescope's parsers and sensor (issue 14). The first byte
 * picks what the rest is:
 *   0: the head of a pcapng file: ws_pcapng_comment / ws_pcapng_simulated
 *      on an exact-size heap copy (a read past it is reported);
 *   1: --telescope prefixes, one per line, the last line --telescope-ports;
 *      a finished configuration must hold sorted, disjoint prefixes whose
 *      sizes add up to its address count;
 *   2: segments (12 bytes each: source, destination, port, flags, time
 *      offset) into a sensor on 10.0.0.0/8 with a 1024-source bound; what
 *      the drain hands over must add up to the totals. */
#include "fuzz.h"
#include "pcap/pcapng.h"
#include "telescope/telescope.h"

static void head(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	char c[64];
	double s;
	if (ws_pcapng_comment(p, size, c, sizeof(c)) && strlen(c) >= sizeof(c))
		abort();
	if (ws_pcapng_simulated(p, size, &s) && !(s > 0 && s <= 1))
		abort();
	free(p);
}

static void conf(const uint8_t *data, size_t size)
{
	struct ws_tele_conf c;
	memset(&c, 0, sizeof(c));
	struct ws_err err;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		char *line = malloc(i - start + 1);
		if (!line)
			abort();
		memcpy(line, data + start, i - start);
		line[i - start] = 0;
		if (i == size)
			ws_tele_conf_ports(&c, line, &err);
		else
			ws_tele_conf_add(&c, line, &err);
		free(line);
		start = i + 1;
	}
	ws_tele_conf_finish(&c);
	uint64_t sum = 0;
	for (int i = 0; i < c.n; i++) {
		uint64_t end = (uint64_t)c.net[i] + (1ull << (32 - c.bits[i]));
		if (i + 1 < c.n && end > c.net[i + 1])
			abort(); /* overlapping or unsorted */
		sum += 1ull << (32 - c.bits[i]);
	}
	if (sum != c.addresses || c.n_ports < 1)
		abort();
}

static uint64_t drained;

static int on_src(void *ctx, const struct ws_tele_src *s)
{
	(void)ctx;
	if (s->first > s->last || s->p_first < s->first || s->p_first > s->last)
		abort();
	drained += s->pending;
	return 0;
}

static void sensor(const uint8_t *data, size_t size)
{
	struct ws_tele_conf c;
	struct ws_err err;
	memset(&c, 0, sizeof(c));
	ws_tele_conf_add(&c, "10.0.0.0/8", &err);
	c.max_sources = 1024;
	ws_tele_conf_finish(&c);
	struct ws_tele *t = ws_tele_new(&c);
	for (size_t at = 0; at + 12 <= size; at += 12) {
		const uint8_t *r = data + at;
		struct ws_seg s;
		memset(&s, 0, sizeof(s));
		s.src.fam = s.dst.fam = 4;
		memcpy(s.src.b, r, 4);
		memcpy(s.dst.b, r + 4, 4);
		s.dst.b[0] = r[4] & 1 ? 10 : r[4];
		s.dport = (uint16_t)(r[8] & 1 ? 80 : r[8] << 8 | r[9]);
		s.flags = r[10];
		ws_tele_segment(t, &s, 997000000 + (int64_t)r[11] * 3600 - 100000);
	}
	struct ws_tele_totals x;
	ws_tele_totals(t, &x);
	drained = 0;
	ws_tele_drain(t, on_src, NULL, NULL);
	if (drained + x.untracked != x.probes || x.sources > 1024)
		abort();
	ws_tele_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: head(data + 1, size - 1); break;
	case 1: conf(data + 1, size - 1); break;
	default: sensor(data + 1, size - 1); break;
	}
	return 0;
}
