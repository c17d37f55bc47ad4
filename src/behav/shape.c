/* SPDX-License-Identifier: MIT */
/* Unknown outbreaks in logs: request shapes whose distinct sources grow
 * exponentially.
 *
 * A shape is what stays the same when one worm sends the same request from
 * many hosts: the method, the path as IIS would see it (http/normalize.h;
 * digit runs folded to N) and the query's shape (each parameter's name and
 * the class of its value: N digits, E empty, Sk text of about 2^k bytes;
 * names over 24 bytes become Lk). Per shape, new sources are counted per
 * interval (shape_interval_s, 600 s) with a 2048-bit Bloom filter of the
 * sources seen (k = 3; false "seen" answers only undercount).
 *
 * The trend is the early-warning filter of Zou, Gao, Gong and Towsley (CCS
 * 2003), as src/estimate/kalman.h implements it for issue "estimate": fed
 * the new sources of each interval, it raises its alarm once its estimate
 * of the growth rate alpha has settled at a positive value and the counts
 * grew over its window; a constant stream of new visitors (a popular page)
 * or a burst does not pass its rule. An alert needs that alarm and at least
 * shape_min_sources sources; it carries alpha and ln(1 + alpha) per hour.
 *
 * Bounds: 4096 shapes (512 sets of 8 ways; the least recently seen goes,
 * alerted shapes last), each with the new-source counts of its last 64
 * intervals; 128 filters (a filter is 8 KiB), lent to the shapes with at
 * least 3 sources, the least recently fed going first; a shape that gets a
 * filter again replays its 64 intervals into it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "behav/internal.h"
#include "estimate/kalman.h"
#include "http/normalize.h"
#include "util/mem.h"

#define SETS 512
#define WAYS 8
#define BLOOM_BITS 2048
#define HISTB 64       /* intervals of new-source counts kept per shape */
#define POOL 128       /* Kalman filters */
#define PROMOTE 3      /* sources before a shape gets a filter */
#define MAX_CATCHUP 16 /* idle intervals filled with zeros; beyond, the trend restarts */

struct shape {
	uint64_t key; /* 0 = empty */
	char text[WS_SHAPE_MAX];
	uint8_t bloom[BLOOM_BITS / 8];
	int64_t bin, last_ts;
	uint64_t cum, requests;
	uint32_t cur_new;
	uint16_t ring[HISTB]; /* new sources of interval i at ring[i % HISTB] */
	uint32_t nbins;       /* intervals closed since the shape's first request */
	int32_t filt;         /* pool index, or -1 */
	bool alerted;
	struct ws_addr last_src;
};

struct filt {
	struct ws_kalman k;
	struct shape *owner; /* NULL: free */
	int64_t used;        /* capture/log time it was last fed */
};

struct ws_shapes {
	struct ws_behav *b;
	struct shape *v;
	struct filt *pool;
};

struct ws_shapes *ws_shapes_new(struct ws_behav *b)
{
	struct ws_shapes *s = ws_xcalloc(1, sizeof(*s));
	s->b = b;
	s->v = ws_xcalloc((size_t)SETS * WAYS, sizeof(*s->v));
	s->pool = ws_xcalloc(POOL, sizeof(*s->pool));
	return s;
}

void ws_shapes_free(struct ws_shapes *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->pool);
	free(s);
}

size_t ws_shapes_memory(const struct ws_shapes *s)
{
	return sizeof(*s) + (size_t)SETS * WAYS * sizeof(*s->v) + POOL * sizeof(*s->pool);
}

static int log2_class(size_t n)
{
	int k = 0;
	while (n > 1 && k < 30) {
		n >>= 1;
		k++;
	}
	return k;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

/* Appends with a bound: the shape is cut at WS_SHAPE_MAX - 1. Control
 * bytes (NUL included) become %XX, so the shape is always a C string. */
static void put(char *out, size_t *at, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n && *at + 1 < WS_SHAPE_MAX; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c != 0x7f) {
			out[(*at)++] = (char)c;
		} else if (*at + 3 < WS_SHAPE_MAX) {
			out[(*at)++] = '%';
			out[(*at)++] = hex[c >> 4];
			out[(*at)++] = hex[c & 15];
		} else {
			break;
		}
	}
}

static void put_class(char *out, size_t *at, const char *p, size_t n)
{
	char c[16];
	int k;
	if (n == 0)
		k = snprintf(c, sizeof(c), "E");
	else if (all_digits(p, n))
		k = snprintf(c, sizeof(c), "N");
	else
		k = snprintf(c, sizeof(c), "S%d", log2_class(n));
	put(out, at, c, (size_t)k);
}

static void query_shape(char *out, size_t *at, const char *q, size_t n)
{
	size_t i = 0;
	for (int param = 0; i <= n; param++) {
		const char *amp = memchr(q + i, '&', n - i);
		size_t e = amp ? (size_t)(amp - q) : n;
		if (param > 0)
			put(out, at, "&", 1);
		if (param == 8) {
			put(out, at, "...", 3);
			return;
		}
		const char *eq = memchr(q + i, '=', e - i);
		if (eq) {
			size_t nl = (size_t)(eq - (q + i));
			if (nl <= 24) {
				put(out, at, q + i, nl);
			} else {
				char c[16];
				int k = snprintf(c, sizeof(c), "L%d", log2_class(nl));
				put(out, at, c, (size_t)k);
			}
			put(out, at, "=", 1);
			put_class(out, at, eq + 1, e - (size_t)(eq + 1 - q));
		} else {
			put_class(out, at, q + i, e - i);
		}
		if (!amp)
			return;
		i = e + 1;
	}
}

size_t ws_shape_of(const struct ws_request *r, char *out)
{
	size_t at = 0;
	size_t mn = r->method.n > 16 ? 16 : r->method.n;
	for (size_t i = 0; i < mn; i++) {
		char c = r->method.p[i];
		char u = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		put(out, &at, &u, 1);
	}
	if (!mn)
		put(out, &at, "-", 1);
	put(out, &at, " ", 1);
	static _Thread_local char norm[WS_NORM_MAX];
	uint32_t flags = 0;
	size_t pn = ws_normalize_path(r->path, r->form, norm, &flags);
	for (size_t i = 0; i < pn && at < 160;) {
		if (norm[i] >= '0' && norm[i] <= '9') {
			while (i < pn && norm[i] >= '0' && norm[i] <= '9')
				i++;
			put(out, &at, "N", 1);
		} else {
			put(out, &at, norm + i, 1);
			i++;
		}
	}
	if (r->has_query) {
		put(out, &at, "?", 1);
		query_shape(out, &at, r->query.p, r->query.n);
	}
	out[at] = '\0';
	return at;
}

static uint64_t text_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
	return h | 1;
}

static struct shape *find(struct ws_shapes *s, const char *text, size_t n, uint64_t key)
{
	struct shape *w = s->v + (size_t)(key >> 40) % SETS * WAYS, *victim = NULL;
	for (int i = 0; i < WAYS; i++)
		if (w[i].key == key && strcmp(w[i].text, text) == 0)
			return &w[i];
	for (int i = 0; i < WAYS; i++) {
		if (!w[i].key) {
			victim = &w[i];
			break;
		}
		if (!victim || (victim->alerted && !w[i].alerted) ||
		    (victim->alerted == w[i].alerted && w[i].last_ts < victim->last_ts))
			victim = &w[i];
	}
	if (victim->key)
		s->b->st.shapes_evicted++;
	if (victim->filt >= 0 && s->pool[victim->filt].owner == victim)
		s->pool[victim->filt].owner = NULL;
	s->b->st.shapes++;
	memset(victim, 0, sizeof(*victim));
	victim->key = key;
	memcpy(victim->text, text, n + 1);
	victim->filt = -1;
	return victim;
}

static bool bloom_add(struct shape *sh, const struct ws_addr *a)
{
	uint64_t h = ws_behav_hash(a, 0xb100);
	bool seen = true;
	for (int k = 0; k < 3; k++) {
		uint32_t bit = (uint32_t)(h >> (k * 21)) % BLOOM_BITS;
		uint8_t m = (uint8_t)(1u << (bit % 8));
		if (!(sh->bloom[bit / 8] & m)) {
			seen = false;
			sh->bloom[bit / 8] |= m;
		}
	}
	return !seen;
}

static void raise_alert(struct ws_shapes *s, struct shape *sh, double alpha, int64_t ts)
{
	const struct ws_behav_cfg *c = &s->b->cfg;
	sh->alerted = true;
	struct ws_alert *al = ws_xcalloc(1, sizeof(*al));
	al->kind = WS_ALERT_OUTBREAK;
	al->ts = ts;
	al->src = sh->last_src;
	snprintf(al->shape, sizeof(al->shape), "%s", sh->text);
	al->occurrences = sh->requests;
	al->sources = sh->cum;
	al->alpha = alpha;
	al->interval_s = c->shape_interval_s;
	al->growth_per_hour = log1p(alpha) * 3600.0 / c->shape_interval_s;
	s->b->fn(s->b->ctx, al);
	free(al);
	if (sh->filt >= 0 && s->pool[sh->filt].owner == sh)
		s->pool[sh->filt].owner = NULL; /* done with it */
	sh->filt = -1;
}

/* The shape's filter, lent from the pool (the least recently fed goes);
 * a new one replays the shape's kept intervals before the newest. */
static struct ws_kalman *filter_of(struct ws_shapes *s, struct shape *sh, int64_t ts)
{
	if (sh->filt >= 0 && s->pool[sh->filt].owner == sh)
		return &s->pool[sh->filt].k;
	int best = 0;
	for (int i = 0; i < POOL; i++) {
		if (!s->pool[i].owner) {
			best = i;
			break;
		}
		if (s->pool[i].used < s->pool[best].used)
			best = i;
	}
	struct filt *f = &s->pool[best];
	if (f->owner)
		f->owner->filt = -1;
	f->owner = sh;
	f->used = ts;
	sh->filt = best;
	ws_kalman_init(&f->k, NULL);
	uint32_t from = sh->nbins > HISTB ? sh->nbins - HISTB : 0;
	for (uint32_t i = from; i + 1 < sh->nbins; i++)
		ws_kalman_step(&f->k, sh->ring[i % HISTB]);
	return &f->k;
}

/* Closes the shape's current interval: its count goes to the ring and, for
 * a shape with a few sources, to its filter. */
static void close_bin(struct ws_shapes *s, struct shape *sh, int64_t ts)
{
	uint32_t dc = sh->cur_new;
	sh->ring[sh->nbins % HISTB] = (uint16_t)(dc > UINT16_MAX ? UINT16_MAX : dc);
	sh->nbins++;
	sh->cur_new = 0;
	sh->bin++;
	if (sh->alerted || sh->cum < PROMOTE)
		return;
	struct ws_kalman *k = filter_of(s, sh, ts);
	s->pool[sh->filt].used = ts;
	ws_kalman_step(k, (double)dc);
	double alpha = ws_kalman_alpha(k);
	if (k->alarm >= 0 && sh->cum >= s->b->cfg.shape_min_sources && alpha > 0)
		raise_alert(s, sh, alpha, ts);
}

void ws_shapes_request(struct ws_shapes *s, const struct ws_request *r)
{
	if (!r->ts_known || !r->src.fam)
		return;
	char text[WS_SHAPE_MAX];
	size_t n = ws_shape_of(r, text);
	struct shape *sh = find(s, text, n, text_hash(text, n));
	int64_t iv = s->b->cfg.shape_interval_s ? s->b->cfg.shape_interval_s : 600;
	int64_t bin = r->ts >= 0 ? r->ts / iv : (r->ts - iv + 1) / iv;
	if (!sh->requests) {
		sh->bin = bin;
	} else if (bin > sh->bin) {
		if (bin - sh->bin > MAX_CATCHUP) {
			/* A long silence: the trend starts again. */
			if (sh->filt >= 0 && s->pool[sh->filt].owner == sh)
				s->pool[sh->filt].owner = NULL;
			sh->filt = -1;
			sh->nbins = 0;
			sh->cur_new = 0;
			sh->bin = bin;
		}
		while (sh->bin < bin)
			close_bin(s, sh, (sh->bin + 1) * iv);
	}
	sh->requests++;
	sh->last_ts = r->ts;
	if (bloom_add(sh, &r->src)) {
		sh->cur_new++;
		sh->cum++;
		sh->last_src = r->src;
	}
}
