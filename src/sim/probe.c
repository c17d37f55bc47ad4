/* SPDX-License-Identifier: MIT */
/* Per-probe simulation (see probe.h).
 *
 * Exactness. All infected hosts probe at the same rate r, so between two
 * infections the probes form one Poisson process of rate I r. The run walks
 * output intervals; within [t, tb) it draws the probe count M ~ Poisson(I r
 * (tb - t)) and generates the M probes in order. Given M, probe times are the
 * order statistics of M uniforms, so if probe k is the first to infect a new
 * host, it happened at t + (tb - t) Beta(k, M - k + 1). The probes after k
 * were drawn with the old infected set: they are thrown away and the process,
 * being memoryless, restarts at that time with I + 1 hosts. Nothing is
 * approximated; the cost of throwing away is at most one block of probes per
 * infection (< 1 % of the 19 July replay's 6e10 probes).
 *
 * Speed. Probes are made in blocks: a 16-lane xoshiro128** generator and the
 * target arithmetic run as vector code (compiled for AVX-512, AVX2 and the
 * base ISA, picked at load time; the gathers need GCC's "cheap" vectoriser
 * model, set for this file in CMakeLists.txt), then each target is tested in
 * a blocked Bloom filter of the vulnerable addresses (2 MB, two bits in one
 * word, one gather) and against up to four telescope prefixes inline. About
 * 0.4 % of the replay's probes pass (plus 0.4 % for a /8 telescope), against
 * 1.6 % for a bitmap of /24s of the same size (measured: docs/sim-validation.md, "Speed"). Those go
 * through the exact test: a bitmap of the /24s holding a host, the rank of
 * the /24 among marked ones (a popcount over a prefix-count table) selects a
 * 256-bit mask of its hosts, and the popcount below the host's bit gives its
 * number. No 512 MB bitmap of 2^32 addresses, whose random reads are
 * memory-latency bound (bench/naive_probe.c).
 *
 * Telescopes count probes, distinct sources and new sources per interval,
 * probe by probe; under uniform scanning a monitored probe's source is a
 * uniform draw among the infected, made only when a telescope sees one.
 */
#include "sim/probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rand.h"
#include "util/mem.h"

/* Vector clones for the hot kernels. Sanitizer builds keep one plain copy
 * and leave these few loops uninstrumented: a check on every load and store
 * stops the vectoriser and makes them 20 times slower, which the validation
 * tests (10^8 probes and more) cannot afford. They only index fixed-size
 * block buffers below n <= BLOCK, and the tests check their results. */
#if defined(__SANITIZE_ADDRESS__)
#define WS_HOT __attribute__((no_sanitize("address", "undefined")))
#define WS_LEAF WS_HOT /* so that the kernels may inline them */
#define WS_POPCNT
#elif defined(__x86_64__) && defined(__GNUC__)
#define WS_HOT __attribute__((target_clones("default", "avx2", "avx512f")))
#define WS_POPCNT __attribute__((target_clones("default", "popcnt")))
#define WS_LEAF
#else
#define WS_HOT
#define WS_LEAF
#define WS_POPCNT
#endif

enum { BLOCK = 2048 };

/* ---- generator ---- */

void ws_probe_rng_seed(struct ws_probe_rng *g, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03u);
	for (int w = 0; w < 4; w++)
		for (int l = 0; l < WS_PROBE_LANES; l++)
			g->s[w][l] = (uint32_t)(ws_splitmix64(&x) >> 32);
	for (int l = 0; l < WS_PROBE_LANES; l++)
		if ((g->s[0][l] | g->s[1][l] | g->s[2][l] | g->s[3][l]) == 0)
			g->s[0][l] = 1; /* the all-zero state is a fixed point */
	g->pos = WS_PROBE_LANES;
}

WS_LEAF static inline uint32_t rotl32(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

/* xoshiro128** (Blackman and Vigna) in WS_PROBE_LANES independent lanes. The
 * lane loop has a constant trip count and no dependences between lanes, which
 * is what lets the compiler keep each state word in one vector register. */
WS_HOT void ws_probe_rng_fill(struct ws_probe_rng *g, uint32_t *restrict out, size_t n)
{
	uint32_t s0[WS_PROBE_LANES], s1[WS_PROBE_LANES], s2[WS_PROBE_LANES], s3[WS_PROBE_LANES];
	memcpy(s0, g->s[0], sizeof s0);
	memcpy(s1, g->s[1], sizeof s1);
	memcpy(s2, g->s[2], sizeof s2);
	memcpy(s3, g->s[3], sizeof s3);
	for (size_t i = 0; i + WS_PROBE_LANES <= n; i += WS_PROBE_LANES) {
		for (int l = 0; l < WS_PROBE_LANES; l++) {
			uint32_t r = rotl32(s1[l] * 5, 7) * 9;
			uint32_t t = s1[l] << 9;
			s2[l] ^= s0[l];
			s3[l] ^= s1[l];
			s1[l] ^= s2[l];
			s0[l] ^= s3[l];
			s2[l] ^= t;
			s3[l] = rotl32(s3[l], 11);
			out[i + l] = r;
		}
	}
	memcpy(g->s[0], s0, sizeof s0);
	memcpy(g->s[1], s1, sizeof s1);
	memcpy(g->s[2], s2, sizeof s2);
	memcpy(g->s[3], s3, sizeof s3);
}

uint32_t ws_probe_rng_u32(struct ws_probe_rng *g)
{
	if (g->pos >= WS_PROBE_LANES) {
		ws_probe_rng_fill(g, g->buf, WS_PROBE_LANES);
		g->pos = 0;
	}
	return g->buf[g->pos++];
}

double ws_probe_rng_unit(struct ws_probe_rng *g)
{
	uint64_t hi = ws_probe_rng_u32(g) >> 5, lo = ws_probe_rng_u32(g) >> 6;
	return (double)((hi << 26) | lo) * 0x1p-53;
}

/* Uniform integer below n (n <= 2^32) by Lemire's multiply-shift; the bias is
 * at most n / 2^32, below 1e-4 for the populations simulated here. */
WS_LEAF static inline uint32_t below(uint32_t r, uint64_t n)
{
	return (uint32_t)(((uint64_t)r * n) >> 32);
}

/* ---- exact samplers ---- */

static double std_normal(struct ws_probe_rng *g)
{
	double u = 1.0 - ws_probe_rng_unit(g), v = ws_probe_rng_unit(g);
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double probe_unit_pos(void *g)
{
	return 1.0 - ws_probe_rng_unit(g);
}

static double probe_normal(void *g)
{
	return std_normal(g);
}

static double std_gamma(struct ws_probe_rng *g, double a)
{
	return ws_gamma_mt(a, probe_unit_pos, probe_normal, g);
}

double ws_probe_beta(struct ws_probe_rng *g, double a, double b)
{
	double x = std_gamma(g, a), y = std_gamma(g, b);
	return x / (x + y);
}

/* Hoermann's transformed rejection with squeeze (PTRS, 1993), exact for
 * means of 10 and more; below that, the product-of-uniforms method. */
uint64_t ws_probe_poisson(struct ws_probe_rng *g, double mean)
{
	if (mean <= 0)
		return 0;
	if (mean < 10) {
		double limit = exp(-mean), prod = ws_probe_rng_unit(g);
		uint64_t k = 0;
		while (prod > limit) {
			prod *= ws_probe_rng_unit(g);
			k++;
		}
		return k;
	}
	double slam = sqrt(mean), loglam = log(mean);
	double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
	double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
	for (;;) {
		double u = ws_probe_rng_unit(g) - 0.5, v = ws_probe_rng_unit(g);
		double us = 0.5 - fabs(u);
		double k = floor((2 * a / us + b) * u + mean + 0.43);
		if (us >= 0.07 && v <= vr)
			return (uint64_t)k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
		    -mean + k * loglam - lgamma(k + 1))
			return (uint64_t)k;
	}
}

/* ---- target classes ---- */

int ws_probe_skipped(uint32_t addr)
{
	uint32_t top = addr >> 24;
	return top == 127 || top == 224;
}

static inline uint32_t class_mask(enum ws_probe_class c)
{
	return c == WS_PROBE_ANY ? 0 : c == WS_PROBE_SAME8 ? 0xff000000u : 0xffff0000u;
}

static inline enum ws_probe_class class_of(struct ws_probe_mix mix, uint32_t r16)
{
	return r16 < mix.any ? WS_PROBE_ANY
	       : r16 < mix.any + mix.same8 ? WS_PROBE_SAME8 : WS_PROBE_SAME16;
}

/* The address within the class is drawn again, class kept, until it is
 * allowed. Code Red II's own loop may draw the class again as well; the
 * difference moves the class shares by under 0.09 percentage points, and
 * keeping the class is what lets the class shares be exactly the mix. */
static uint32_t redraw_address(struct ws_probe_rng *g, uint32_t mask, uint32_t src)
{
	uint32_t t;
	do
		t = (src & mask) | (ws_probe_rng_u32(g) & ~mask);
	while (ws_probe_skipped(t) || t == src);
	return t;
}

uint32_t ws_probe_local_draw(struct ws_probe_rng *g, struct ws_probe_mix mix, uint32_t src,
			     enum ws_probe_class *cls)
{
	enum ws_probe_class c = class_of(mix, ws_probe_rng_u32(g) >> 16);
	if (cls)
		*cls = c;
	return redraw_address(g, class_mask(c), src);
}

/* ---- vulnerable-address index ---- */

/* One marked /24: which of its 256 addresses are vulnerable, and the sorted
 * position of the first of them; 40 bytes, read with one cache miss. */
struct slot24 {
	uint64_t m[4];
	uint32_t base;
};

struct ws_probe_index {
	uint64_t *pre;      /* bit per /24 holding a vulnerable host (2^18 words) */
	uint32_t *bloom;    /* two bits per vulnerable address in one 32-bit word (2 MB) */
	uint32_t *rank;     /* marked /24s before each 8-word (cache-line) block: 128 KB */
	struct slot24 *slot;
	uint32_t *order;    /* sorted position -> host number */
	size_t n, n24;
};

enum { PRE_WORDS = 1 << 18, RANK_BLOCKS = PRE_WORDS / 8, BLOOM_WORDS = 1 << 19 };

/* A blocked Bloom filter of the vulnerable addresses: each address sets two
 * bits of one 32-bit word, chosen by two multiplicative hashes. With 360,000
 * hosts in 2^24 bits it passes about 0.3 % of random targets, against 1.6 %
 * for the /24 bitmap of the same size, and a test is still one load. */
WS_LEAF static inline uint32_t bloom_bit(const uint32_t *restrict bloom, uint32_t a)
{
	uint32_t h = a * 0x9e3779b1u, g = a * 0x85ebca6bu;
	uint32_t w = bloom[h >> 13];
	return (w >> (g >> 27)) & (w >> ((g >> 22) & 31)) & 1;
}

static void bloom_add(uint32_t *bloom, uint32_t a)
{
	uint32_t h = a * 0x9e3779b1u, g = a * 0x85ebca6bu;
	bloom[h >> 13] |= 1u << (g >> 27) | 1u << ((g >> 22) & 31);
}

struct keyed {
	uint32_t addr, host;
};

static int cmp_keyed(const void *a, const void *b)
{
	uint32_t x = ((const struct keyed *)a)->addr, y = ((const struct keyed *)b)->addr;
	return (x > y) - (x < y);
}

struct ws_probe_index *ws_probe_index_new(const uint32_t *addr, size_t n, struct ws_err *e)
{
	struct keyed *k = ws_xreallocarray(NULL, n ? n : 1, sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){addr[i], (uint32_t)i};
	qsort(k, n, sizeof *k, cmp_keyed);
	for (size_t i = 1; i < n; i++)
		if (k[i].addr == k[i - 1].addr) {
			uint32_t a = k[i].addr;
			free(k);
			ws_err_set(e, WS_EUSAGE, "vulnerable host %u.%u.%u.%u listed twice", a >> 24,
				   (a >> 16) & 255, (a >> 8) & 255, a & 255);
			return NULL;
		}
	struct ws_probe_index *x = ws_xcalloc(1, sizeof *x);
	x->n = n;
	/* Cache-line aligned, so that a rank block is one line. */
	x->pre = aligned_alloc(64, PRE_WORDS * sizeof *x->pre);
	if (!x->pre) {
		free(k);
		free(x);
		ws_err_set(e, WS_ENOMEM, "per-probe mode: no memory for the %zu-byte address index",
			   (size_t)PRE_WORDS * sizeof *x->pre);
		return NULL;
	}
	memset(x->pre, 0, PRE_WORDS * sizeof *x->pre);
	x->bloom = ws_xcalloc(BLOOM_WORDS, sizeof *x->bloom);
	x->rank = ws_xcalloc(RANK_BLOCKS, sizeof *x->rank);
	x->order = ws_xreallocarray(NULL, n ? n : 1, sizeof *x->order);
	size_t n24 = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || (k[i].addr >> 8) != (k[i - 1].addr >> 8))
			n24++;
	x->n24 = n24;
	x->slot = ws_xcalloc(n24 ? n24 : 1, sizeof *x->slot);
	size_t slot = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = k[i].addr, b24 = a >> 8;
		if (i == 0 || b24 != (k[i - 1].addr >> 8)) {
			if (i > 0)
				slot++;
			x->slot[slot].base = (uint32_t)i;
			x->pre[b24 >> 6] |= 1ull << (b24 & 63);
		}
		x->slot[slot].m[(a & 255) >> 6] |= 1ull << (a & 63);
		x->order[i] = k[i].host;
		bloom_add(x->bloom, a);
	}
	uint32_t sum = 0;
	for (size_t w = 0; w < PRE_WORDS; w++) {
		if (w % 8 == 0)
			x->rank[w / 8] = sum;
		sum += (uint32_t)__builtin_popcountll(x->pre[w]);
	}
	free(k);
	return x;
}

void ws_probe_index_free(struct ws_probe_index *x)
{
	if (!x)
		return;
	free(x->pre);
	free(x->rank);
	free(x->slot);
	free(x->bloom);
	free(x->order);
	free(x);
}

size_t ws_probe_index_bytes(const struct ws_probe_index *x)
{
	return PRE_WORDS * sizeof *x->pre + RANK_BLOCKS * sizeof *x->rank +
	       BLOOM_WORDS * sizeof *x->bloom +
	       x->n24 * sizeof *x->slot + x->n * sizeof *x->order;
}

/* The rank of a /24 among marked ones is the block's count plus the popcount
 * of the words before it in the same cache line, which the test of its own
 * bit has just brought in. */
WS_POPCNT long ws_probe_index_find(const struct ws_probe_index *x, uint32_t addr)
{
	if (!bloom_bit(x->bloom, addr))
		return -1;
	uint32_t b24 = addr >> 8, w = b24 >> 6, bit = b24 & 63;
	uint64_t word = x->pre[w];
	if (!((word >> bit) & 1))
		return -1;
	uint32_t s = x->rank[w / 8];
	for (uint32_t v = w & ~7u; v < w; v++)
		s += (uint32_t)__builtin_popcountll(x->pre[v]);
	s += (uint32_t)__builtin_popcountll(word & ((1ull << bit) - 1));
	const struct slot24 *sl = &x->slot[s];
	uint32_t o = addr & 255, q = o >> 6, ob = o & 63;
	if (!((sl->m[q] >> ob) & 1))
		return -1;
	uint32_t pos = sl->base;
	for (uint32_t j = 0; j < q; j++)
		pos += (uint32_t)__builtin_popcountll(sl->m[j]);
	pos += (uint32_t)__builtin_popcountll(sl->m[q] & ((1ull << ob) - 1));
	return (long)x->order[pos];
}

/* ---- the per-probe run ---- */

struct run {
	const struct ws_probe_scenario *sc;
	struct ws_probe_index *ix;
	struct ws_probe_result *out;
	const uint32_t *bloom;   /* the index's filter of vulnerable addresses */
	/* The first four telescopes, tested inline (unused ones never match:
	 * mask 0, net 1); from the fifth on, a /24 bitmap of what they watch. */
	uint32_t tmask[4], tnet[4];
	uint32_t *tel_pre;
	uint8_t *infected;       /* per host */
	uint32_t *inf_host, *inf_addr; /* the infected hosts, in infection order */
	double *inf_start;       /* when each starts probing (infection + delay) */
	uint64_t ni;             /* hosts probing: the first ni infected (their delay has passed) */
	uint64_t n_inf;          /* hosts infected */
	/* [t * n + s] for the host infected s-th: interval + 1 in which telescope
	 * t last saw it, 0 never. Indexed by infection slot, not host, so that a
	 * uniform source drawn as a slot costs one random read, not two. */
	uint32_t *tel_last;
	uint8_t *tel_empty;      /* per telescope: no vulnerable host inside, skip the exact test */
	struct ws_probe_rng gen, aux;
	uint32_t r1[BLOCK], r2[BLOCK], r3[BLOCK], tgt[BLOCK], spos[BLOCK], cand[BLOCK];
	uint32_t flag[BLOCK]; /* 32-bit like the arithmetic, so GCC's cheap vectoriser takes the loops */
	uint64_t space;          /* 2^32 for the whole IPv4 space */
	size_t j;                /* current interval */
};

WS_LEAF static inline uint32_t pre_bit(const uint32_t *restrict pre, uint32_t t)
{
	return (pre[t >> 13] >> ((t >> 8) & 31)) & 1;
}

WS_LEAF static inline uint32_t watched4(const uint32_t *restrict m, const uint32_t *restrict v,
					 uint32_t t)
{
	return ((t & m[0]) == v[0]) | ((t & m[1]) == v[1]) | ((t & m[2]) == v[2]) |
	       ((t & m[3]) == v[3]);
}

/* Uniform scanning over all of IPv4: the target is the random word itself
 * (so the generator writes the targets directly; copying them here would
 * become a memcpy that stops GCC vectorising the loop). flag is 1 where the
 * target may be vulnerable (Bloom filter) or is watched. */
WS_HOT static void uniform_targets(const uint32_t *restrict tgt, const uint32_t *restrict bloom,
				   const uint32_t *restrict tm, const uint32_t *restrict tv,
				   uint32_t *restrict flag, size_t n)
{
	for (size_t i = 0; i < n; i++)
		flag[i] = bloom_bit(bloom, tgt[i]) | watched4(tm, tv, tgt[i]);
}

/* Uniform scanning over a scaled space of `space` addresses (multiply-shift
 * to [0, space)), through the /16 permutation when there is one. */
WS_HOT static void scaled_targets(const uint32_t *restrict rnd, const uint32_t *restrict bloom,
				  const uint32_t *restrict tm, const uint32_t *restrict tv,
				  uint64_t space, const uint16_t *restrict map,
				  uint32_t *restrict tgt, uint32_t *restrict flag, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tgt[i] = (uint32_t)(((uint64_t)rnd[i] * space) >> 32);
	if (map)
		for (size_t i = 0; i < n; i++)
			tgt[i] = (uint32_t)map[tgt[i] >> 16] << 16 | (tgt[i] & 0xffffu);
	for (size_t i = 0; i < n; i++)
		flag[i] = bloom_bit(bloom, tgt[i]) | watched4(tm, tv, tgt[i]);
}

/* Local preference: a source among the infected, a class, and the address
 * bits the class leaves free. Bit 1 of flag marks draws the worm would redraw
 * (127/8, 224/8, itself); they are redrawn in order on the slow path. */
WS_HOT static void local_targets(const uint32_t *restrict r1, const uint32_t *restrict r2,
				 const uint32_t *restrict r3, const uint32_t *restrict inf_addr,
				 uint64_t ni, struct ws_probe_mix mix,
				 const uint32_t *restrict bloom, const uint32_t *restrict tm,
				 const uint32_t *restrict tv, uint32_t *restrict tgt,
				 uint32_t *restrict spos, uint32_t *restrict flag, size_t n)
{
	uint32_t any = mix.any, near = mix.any + mix.same8;
	for (size_t i = 0; i < n; i++) {
		uint32_t sp = below(r1[i], ni), s = inf_addr[sp], c = r2[i] >> 16;
		uint32_t m = c < any ? 0u : c < near ? 0xff000000u : 0xffff0000u;
		uint32_t t = (s & m) | (r3[i] & ~m), top = t >> 24;
		uint32_t bad = (top == 127) | (top == 224) | (t == s);
		tgt[i] = t;
		spos[i] = sp;
		flag[i] = bloom_bit(bloom, t) | watched4(tm, tv, t) | (bad << 1);
	}
}

/* Telescopes beyond the fourth: their /24s, one more lookup per probe. */
WS_HOT static void more_watched(const uint32_t *restrict tel_pre, const uint32_t *restrict tgt,
				uint32_t *restrict flag, size_t n)
{
	for (size_t i = 0; i < n; i++)
		flag[i] |= pre_bit(tel_pre, tgt[i]);
}

/* Whether target t needs the slow path (the kernels' test, for redraws). */
static int candidate(const struct run *R, uint32_t t)
{
	return bloom_bit(R->bloom, t) | watched4(R->tmask, R->tnet, t) |
	       (R->tel_pre ? pre_bit(R->tel_pre, t) : 0);
}

/* Positions of the non-zero flags, in order; eight flags are skipped at once
 * since fewer than 1 % of probes pass the filters. */
static size_t compact(const uint32_t *flag, size_t n, uint32_t *cand)
{
	size_t nc = 0;
	for (size_t i = 0; i < n; i += 8) {
		uint32_t any = 0;
		for (size_t k = i; k < i + 8; k++)
			any |= flag[k];
		if (!any)
			continue;
		for (size_t k = i; k < i + 8; k++) {
			cand[nc] = (uint32_t)k;
			nc += flag[k] != 0;
		}
	}
	return nc;
}

static void telescope_see(struct run *R, size_t t, uint32_t slot)
{
	size_t n = R->sc->n, nj = R->out->n_intervals, at = t * nj + R->j;
	uint32_t *last = &R->tel_last[t * n + slot];
	R->out->tel_probes[at]++;
	if (*last != R->j + 1) {
		R->out->tel_sources[at]++;
		R->out->tel_new_sources[at] += *last == 0;
		*last = (uint32_t)(R->j + 1);
	}
}

/* The slow path for probe i of the block: redraw if needed, count telescope
 * hits, and return the host it infects, or -1. */
static long slow_path(struct run *R, size_t i)
{
	const struct ws_probe_scenario *sc = R->sc;
	uint32_t t = R->tgt[i];
	long slot = -1;
	if (sc->strategy == WS_PROBE_LOCAL) {
		slot = R->spos[i];
		if (R->flag[i] & 2) {
			uint32_t s = R->inf_addr[slot], c = R->r2[i] >> 16;
			uint32_t m = c < sc->mix.any ? 0u : c < sc->mix.any + sc->mix.same8 ? 0xff000000u
											  : 0xffff0000u;
			t = redraw_address(&R->aux, m, s);
			if (!candidate(R, t))
				return -1;
		}
	}
	int empty = 0;
	for (size_t k = 0; k < sc->n_telescope; k++) {
		if ((t & sc->telescope[k].mask) != sc->telescope[k].net)
			continue;
		/* Under uniform scanning the target says nothing about the source, so
		 * the source of a monitored probe is drawn only when one is seen. */
		if (slot < 0)
			slot = below(ws_probe_rng_u32(&R->aux), R->ni);
		telescope_see(R, k, (uint32_t)slot);
		empty |= R->tel_empty[k];
	}
	if (empty)
		return -1;
	long h = ws_probe_index_find(R->ix, t);
	return h >= 0 && !R->infected[h] ? h : -1;
}

/* Makes m probes in order. Returns the 1-based position of the first probe
 * that infects a host (stored in *victim), or 0 when none does. */
static uint64_t segment(struct run *R, uint64_t m, long *victim)
{
	const struct ws_probe_scenario *sc = R->sc;
	uint64_t done = 0;
	while (done < m) {
		size_t rem = m - done < BLOCK ? (size_t)(m - done) : BLOCK;
		size_t nb = (rem + 15) & ~(size_t)15;
		if (sc->strategy == WS_PROBE_LOCAL) {
			ws_probe_rng_fill(&R->gen, R->r1, nb);
			ws_probe_rng_fill(&R->gen, R->r2, nb);
			ws_probe_rng_fill(&R->gen, R->r3, nb);
			local_targets(R->r1, R->r2, R->r3, R->inf_addr, R->ni, sc->mix, R->bloom,
				      R->tmask, R->tnet, R->tgt, R->spos, R->flag, nb);
		} else {
			if (R->space == (uint64_t)1 << 32) {
				ws_probe_rng_fill(&R->gen, R->tgt, nb);
				uniform_targets(R->tgt, R->bloom, R->tmask, R->tnet, R->flag, nb);
			} else {
				ws_probe_rng_fill(&R->gen, R->r1, nb);
				scaled_targets(R->r1, R->bloom, R->tmask, R->tnet, R->space,
					       sc->block_map, R->tgt, R->flag, nb);
			}
		}
		if (R->tel_pre)
			more_watched(R->tel_pre, R->tgt, R->flag, nb);
		size_t nc = compact(R->flag, nb, R->cand);
		for (size_t c = 0; c < nc && R->cand[c] < rem; c++) {
			long h = slow_path(R, R->cand[c]);
			if (h >= 0) {
				*victim = h;
				R->out->probes += done + R->cand[c] + 1;
				return done + R->cand[c] + 1;
			}
		}
		done += rem;
	}
	R->out->probes += m;
	return 0;
}

/* Host h is infected at `when` and starts probing at `start` (when + the
 * delay; the initial hosts at once). Hosts infected in order start in order,
 * so the probing ones are a prefix. */
static void infect(struct run *R, uint32_t h, double when, double start)
{
	R->infected[h] = 1;
	R->inf_host[R->n_inf] = h;
	R->inf_addr[R->n_inf] = R->sc->addr[h];
	R->inf_start[R->n_inf] = start;
	R->n_inf++;
	R->out->infected_at[h] = when;
}

static int check(const struct ws_probe_scenario *sc, struct ws_err *e)
{
	uint64_t space = sc->space ? sc->space : (uint64_t)1 << 32;
	if (space < 256 || space > (uint64_t)1 << 32)
		return ws_err_set(e, WS_EUSAGE, "per-probe: the space must hold 2^8..2^32 addresses");
	if (sc->strategy == WS_PROBE_LOCAL && space != (uint64_t)1 << 32)
		return ws_err_set(e, WS_EUSAGE, "per-probe: local preference needs the full 2^32 space");
	if (!(sc->rate > 0) || !(sc->duration > 0) || !(sc->interval > 0))
		return ws_err_set(e, WS_EUSAGE, "per-probe: rate, duration and interval must be > 0");
	if (!(sc->delay >= 0 && sc->delay <= 86400))
		return ws_err_set(e, WS_EUSAGE, "per-probe: the infection delay must be 0..86400 s");
	if (sc->duration / sc->interval > 1e8)
		return ws_err_set(e, WS_EUSAGE, "per-probe: more than 1e8 intervals");
	if (sc->n == 0 || sc->n > UINT32_MAX - 1)
		return ws_err_set(e, WS_EUSAGE, "per-probe: vulnerable hosts must be 1..2^32-2");
	if (sc->strategy == WS_PROBE_LOCAL &&
	    (uint64_t)sc->mix.any + sc->mix.same8 > 65536)
		return ws_err_set(e, WS_EUSAGE, "per-probe: class shares exceed 1");
	for (size_t i = 0; i < sc->n; i++)
		if (!sc->block_map && sc->addr[i] >= space)
			return ws_err_set(e, WS_EUSAGE, "per-probe: host %zu outside the address space", i);
	for (size_t i = 0; i < sc->n_initial; i++)
		if (sc->initial[i] >= sc->n)
			return ws_err_set(e, WS_EUSAGE, "per-probe: initial host %zu out of range", i);
	return 0;
}

/* The telescopes: the first four inline, the rest as a /24 bitmap (a prefix
 * shorter than /24 marks all its /24s; a longer one its /24). */
static void setup_telescopes(struct run *R)
{
	for (size_t k = 0; k < 4; k++) {
		R->tmask[k] = 0;
		R->tnet[k] = 1; /* never matches */
	}
	for (size_t k = 0; k < R->sc->n_telescope; k++) {
		uint32_t mask = R->sc->telescope[k].mask, net = R->sc->telescope[k].net & mask;
		if (k < 4) {
			R->tmask[k] = mask;
			R->tnet[k] = net;
			continue;
		}
		if (!R->tel_pre)
			R->tel_pre = ws_xcalloc(PRE_WORDS * 2, sizeof *R->tel_pre);
		uint32_t first = net >> 8, last = (net | ~mask) >> 8;
		for (uint64_t b = first; b <= last; b++)
			R->tel_pre[b >> 5] |= 1u << (b & 31);
	}
}

static void alloc_result(struct ws_probe_result *o, size_t nj, size_t n, size_t ntel)
{
	memset(o, 0, sizeof *o);
	o->n_intervals = nj;
	o->infected = ws_xcalloc(nj, sizeof *o->infected);
	o->new_infections = ws_xcalloc(nj, sizeof *o->new_infections);
	size_t nt = ntel ? ntel * nj : 1;
	o->tel_probes = ws_xcalloc(nt, sizeof *o->tel_probes);
	o->tel_sources = ws_xcalloc(nt, sizeof *o->tel_sources);
	o->tel_new_sources = ws_xcalloc(nt, sizeof *o->tel_new_sources);
	o->infected_at = ws_xreallocarray(NULL, n, sizeof *o->infected_at);
	for (size_t i = 0; i < n; i++)
		o->infected_at[i] = -1;
}

void ws_probe_result_free(struct ws_probe_result *r)
{
	if (!r)
		return;
	free(r->infected);
	free(r->new_infections);
	free(r->tel_probes);
	free(r->tel_sources);
	free(r->tel_new_sources);
	free(r->infected_at);
	memset(r, 0, sizeof *r);
}

/* Walks the intervals; within each, segments end at an infection, where
 * the rate factor changes or where an infected host starts probing. */
static void walk(struct run *R)
{
	const struct ws_probe_scenario *sc = R->sc;
	size_t nj = R->out->n_intervals;
	double t = 0;
	for (R->j = 0; R->j < nj; R->j++) {
		double tend = (double)(R->j + 1) * sc->interval;
		if (tend > sc->duration)
			tend = sc->duration;
		for (;;) {
			while (R->ni < R->n_inf && R->inf_start[R->ni] <= t)
				R->ni++;
			if (!(R->n_inf > 0 && t < tend && (R->n_inf < sc->n || sc->n_telescope)))
				break;
			double tb = tend, f = 1;
			if (R->ni < R->n_inf && R->inf_start[R->ni] < tb)
				tb = R->inf_start[R->ni];
			if (R->ni == 0) { /* all infected hosts are still starting */
				t = tb;
				continue;
			}
			if (sc->rate_factor) {
				double until = INFINITY;
				f = sc->rate_factor(sc->ctx, t, &until);
				if (until > t && until < tb)
					tb = until;
			}
			uint64_t m = ws_probe_poisson(&R->aux, (double)R->ni * sc->rate * f * (tb - t));
			long victim = -1;
			uint64_t k = segment(R, m, &victim);
			if (!k) {
				t = tb;
				continue;
			}
			t += (tb - t) * ws_probe_beta(&R->aux, (double)k, (double)(m - k + 1));
			infect(R, (uint32_t)victim, t, t + sc->delay);
			R->out->new_infections[R->j]++;
		}
		R->out->infected[R->j] = R->n_inf;
		t = tend;
		if (sc->tick)
			sc->tick(sc->tick_ctx, (double)(R->j + 1) / (double)nj);
	}
}

int ws_probe_run(const struct ws_probe_scenario *sc, struct ws_probe_result *out,
		 struct ws_err *e)
{
	int rc = check(sc, e);
	if (rc)
		return rc;
	struct run *R = ws_xcalloc(1, sizeof *R);
	R->ix = ws_probe_index_new(sc->addr, sc->n, e);
	if (!R->ix) {
		free(R);
		return WS_EUSAGE;
	}
	R->sc = sc;
	R->out = out;
	R->space = sc->space ? sc->space : (uint64_t)1 << 32;
	size_t nj = (size_t)ceil(sc->duration / sc->interval);
	alloc_result(out, nj, sc->n, sc->n_telescope);
	R->bloom = R->ix->bloom;
	setup_telescopes(R);
	R->infected = ws_xcalloc(sc->n, 1);
	R->inf_host = ws_xreallocarray(NULL, sc->n, sizeof *R->inf_host);
	R->inf_addr = ws_xreallocarray(NULL, sc->n, sizeof *R->inf_addr);
	R->inf_start = ws_xreallocarray(NULL, sc->n, sizeof *R->inf_start);
	size_t ntn = sc->n_telescope * sc->n;
	R->tel_last = ws_xcalloc(ntn ? ntn : 1, sizeof *R->tel_last);
	R->tel_empty = ws_xcalloc(sc->n_telescope ? sc->n_telescope : 1, 1);
	for (size_t k = 0; k < sc->n_telescope; k++) {
		R->tel_empty[k] = 1;
		for (size_t h = 0; h < sc->n && R->tel_empty[k]; h++)
			if ((sc->addr[h] & sc->telescope[k].mask) == sc->telescope[k].net)
				R->tel_empty[k] = 0;
	}
	ws_probe_rng_seed(&R->gen, sc->seed, 1);
	ws_probe_rng_seed(&R->aux, sc->seed, 2);
	for (size_t i = 0; i < sc->n_initial; i++)
		if (!R->infected[sc->initial[i]])
			infect(R, sc->initial[i], 0, 0); /* probing from the start */
	walk(R);
	ws_probe_index_free(R->ix);
	free(R->tel_pre);
	free(R->infected);
	free(R->inf_host);
	free(R->inf_addr);
	free(R->inf_start);
	free(R->tel_last);
	free(R->tel_empty);
	free(R);
	return 0;
}
