/* SPDX-License-Identifier: MIT */
/* What the telescopes would have captured during a simulated outbreak
 * (simulator core, for simulate --emit-pcap): one TCP SYN to port 80 per
 * probe that lands in a monitored prefix, in time order, as pcapng with raw
 * IPv4 frames. Sources are the simulation's synthetic hosts; each probe's
 * destination is drawn uniformly inside its prefix; the section header's
 * comment marks the file simulated (pcap/pcapng.h). Nothing here is sent
 * anywhere, and no list of targets is made: only the monitored prefixes,
 * which the user gave, appear as destinations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/pcapng.h"
#include "sim/emit.h"
#include "sim/rand.h"
#include "sim/tele.h"

struct pk {
	double t;
	uint32_t src;
	uint8_t tel;
};

static int cmp_pk(const void *a, const void *b)
{
	const struct pk *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (int)x->tel - (int)y->tel;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void syn(uint8_t f[40], uint32_t src, uint32_t dst, struct ws_rng *g)
{
	memset(f, 0, 40);
	f[0] = 0x45;
	be16(f + 2, 40);
	be16(f + 4, (uint32_t)ws_rng_below(g, 65536));
	be16(f + 6, 0x4000); /* don't fragment */
	f[8] = 128;
	f[9] = 6;
	be32(f + 12, src);
	be32(f + 16, dst);
	be16(f + 10, fold(sum16(f, 20, 0)));
	uint8_t *t = f + 20;
	be16(t, 1024 + (uint32_t)ws_rng_below(g, 64000));
	be16(t + 2, 80);
	be32(t + 4, (uint32_t)ws_rng_u64(g));
	t[12] = 5 << 4;
	t[13] = 0x02; /* SYN */
	be16(t + 14, 8192);
	uint32_t s = sum16(f + 12, 8, 0) + 6 + 20;
	be16(t + 16, fold(sum16(t, 20, s)));
}

static void emit(const struct ws_sim_scenario *sc, const char *comment, uint64_t seed,
		 struct ws_sim_probe *v, uint8_t *tel, size_t n, struct ws_buf *out)
{
	struct pk *p = ws_xreallocarray(NULL, n ? n : 1, sizeof(*p));
	for (size_t i = 0; i < n; i++)
		p[i] = (struct pk){v[i].t, v[i].src, tel[i]};
	qsort(p, n, sizeof(*p), cmp_pk);
	/* its own stream: the run's draws stay what they were */
	struct ws_rng g;
	ws_rng_seed(&g, seed, 5);
	ws_pcapng_begin(out, comment, 101 /* LINKTYPE_RAW */, 65535);
	ws_buf_reserve(out, n * ws_pcapng_packet_bytes(40));
	for (size_t i = 0; i < n; i++) {
		const struct ws_sim_telescope *t = &sc->tel[p[i].tel];
		uint64_t size = 1ull << (32 - t->bits);
		uint32_t dst = t->net + (uint32_t)ws_rng_below(&g, size);
		uint8_t f[40];
		syn(f, p[i].src, dst, &g);
		double us = ((double)sc->start + p[i].t) * 1e6;
		ws_pcapng_packet(out, us > 0 ? (uint64_t)llround(us) : 0, f, sizeof(f));
	}
	free(p);
}

int ws_sim_run_pcap(const struct ws_sim_trace *tr, uint64_t seed, const struct ws_sim_outputs *o)
{
	const struct ws_sim_scenario *sc = tr->sc;
	double sample = o->pcap_sample > 0 && o->pcap_sample <= 1 ? o->pcap_sample : 1;
	uint64_t max = o->pcap_max ? o->pcap_max : WS_SIM_PCAP_MAX;
	double expected = 0;
	for (int i = 0; i < sc->n_telescopes; i++)
		expected += ws_sim_prefix_expected(tr, &sc->tel[i]);
	if (expected * sample > (double)max) {
		double fit = (double)max / expected;
		return ws_err_set(o->pcap_err, WS_EUSAGE,
				  "--emit-pcap: the telescopes would capture about %.0f probes%s, more "
				  "than the limit of %llu packets; give --emit-sample P with P at most "
				  "%.3g, or a smaller --telescope",
				  expected * sample, sample < 1 ? " at that --emit-sample" : "",
				  (unsigned long long)max, fit);
	}
	struct ws_rng g;
	ws_rng_seed(&g, seed, 6);
	struct ws_sim_probe *all = NULL;
	uint8_t *tel = NULL;
	size_t n = 0;
	/* a Poisson total may land a little above its mean: allow 1 % and 50 */
	size_t hard = (size_t)((double)max * 1.01) + 50;
	for (int i = 0; i < sc->n_telescopes && n <= hard; i++) {
		struct ws_sim_probe *v;
		size_t k = ws_sim_prefix_probes(tr, &g, &sc->tel[i], sample, hard - n, &v);
		all = ws_xreallocarray(all, n + k + 1, sizeof(*all));
		tel = ws_xreallocarray(tel, n + k + 1, 1);
		memcpy(all + n, v, k * sizeof(*v));
		memset(tel + n, i, k);
		n += k;
		free(v);
	}
	int rc = 0;
	if (n > hard)
		rc = ws_err_set(o->pcap_err, WS_EUSAGE, "--emit-pcap: more than %zu probes drawn; "
				"give a smaller --emit-sample", hard);
	else
		emit(sc, o->pcap_comment, seed, all, tel, n, o->pcap);
	free(all);
	free(tel);
	return rc;
}
