/* SPDX-License-Identifier: MIT */
/* The telescope sensor: classification of segments to monitored addresses,
 * the bounded source table and the per-interval buckets (telescope.h).
 *
 * Hot path (a SYN-only capture): one prefix test on the destination, one
 * probe into the source table (open addressing, linear probing, a
 * multiplicative hash of the address), three bucket updates that hit a
 * one-entry cache per span while the capture runs in time order. */
#include "telescope/telescope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/addr.h"
#include "util/mem.h"
#include "util/time.h"

const int64_t ws_tele_spans[WS_TELE_NSPANS] = {60, 3600, 86400};

/* ---- configuration ---- */

static uint32_t mask_of(int bits)
{
	return bits == 0 ? 0 : 0xffffffffu << (32 - bits);
}

int ws_tele_conf_add(struct ws_tele_conf *c, const char *cidr, struct ws_err *err)
{
	struct ws_cidr p;
	if (!ws_cidr_parse(cidr, &p))
		return ws_err_set(err, WS_EUSAGE, "--telescope '%s': not a CIDR prefix", cidr);
	if (p.net.fam != 4)
		return ws_err_set(err, WS_EUSAGE, "--telescope '%s': IPv4 prefixes only (the "
				  "estimates count a share of the 2^32 IPv4 addresses)", cidr);
	/* ws_cidr_parse clears host bits; a prefix written with them is a typo */
	struct ws_addr raw;
	const char *slash = strchr(cidr, '/');
	size_t an = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (!ws_addr_parse((struct ws_str){cidr, an}, &raw, NULL) || raw.fam != 4)
		return ws_err_set(err, WS_EUSAGE, "--telescope '%s': not a CIDR prefix", cidr);
	uint32_t a = (uint32_t)raw.b[0] << 24 | (uint32_t)raw.b[1] << 16 |
		     (uint32_t)raw.b[2] << 8 | raw.b[3];
	if (a & ~mask_of(p.bits))
		return ws_err_set(err, WS_EUSAGE, "--telescope '%s': host bits set (did you mean "
				  "%u.%u.%u.%u/%d?)", cidr, (a & mask_of(p.bits)) >> 24,
				  (a & mask_of(p.bits)) >> 16 & 255, (a & mask_of(p.bits)) >> 8 & 255,
				  a & mask_of(p.bits) & 255, p.bits);
	if (c->n >= WS_TELE_MAX_PREFIXES)
		return ws_err_set(err, WS_EUSAGE, "--telescope: at most %d prefixes",
				  WS_TELE_MAX_PREFIXES);
	c->net[c->n] = a;
	c->bits[c->n] = p.bits;
	c->n++;
	return 0;
}

int ws_tele_conf_ports(struct ws_tele_conf *c, const char *list, struct ws_err *err)
{
	c->n_ports = 0;
	const char *p = list;
	for (;;) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || v == 0 || v > 65535 || (*end && *end != ',') || *p == '-' ||
		    *p == '+' || *p == ' ')
			return ws_err_set(err, WS_EUSAGE, "--telescope-ports '%s': want ports 1-65535, "
					  "comma separated", list);
		if (c->n_ports >= WS_TELE_MAX_PORTS)
			return ws_err_set(err, WS_EUSAGE, "--telescope-ports: at most %d ports",
					  WS_TELE_MAX_PORTS);
		bool dup = false;
		for (int i = 0; i < c->n_ports; i++)
			dup |= c->ports[i] == v;
		if (!dup)
			c->ports[c->n_ports++] = (uint16_t)v;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static int cmp_prefix(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_port(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

void ws_tele_conf_finish(struct ws_tele_conf *c)
{
	if (c->n_ports == 0)
		c->ports[c->n_ports++] = 80;
	qsort(c->ports, (size_t)c->n_ports, sizeof(c->ports[0]), cmp_port);
	/* Sort by network then by length (shorter first), drop prefixes
	 * inside the one before. */
	uint64_t k[WS_TELE_MAX_PREFIXES];
	for (int i = 0; i < c->n; i++)
		k[i] = (uint64_t)c->net[i] << 8 | (uint64_t)c->bits[i];
	qsort(k, (size_t)c->n, sizeof(k[0]), cmp_prefix);
	int n = 0;
	for (int i = 0; i < c->n; i++) {
		uint32_t net = (uint32_t)(k[i] >> 8);
		int bits = (int)(k[i] & 255);
		if (n && (net & mask_of(c->bits[n - 1])) == c->net[n - 1])
			continue; /* inside the previous one */
		c->net[n] = net;
		c->bits[n] = bits;
		n++;
	}
	c->n = n;
	c->addresses = 0;
	size_t at = 0;
	c->prefixes_text[0] = 0;
	for (int i = 0; i < n; i++) {
		c->addresses += 1ull << (32 - c->bits[i]);
		at += (size_t)snprintf(c->prefixes_text + at, sizeof(c->prefixes_text) - at,
				       "%s%u.%u.%u.%u/%d", i ? "," : "", c->net[i] >> 24,
				       c->net[i] >> 16 & 255, c->net[i] >> 8 & 255, c->net[i] & 255,
				       c->bits[i]);
	}
	at = 0;
	for (int i = 0; i < c->n_ports; i++)
		at += (size_t)snprintf(c->ports_text + at, sizeof(c->ports_text) - at, "%s%u",
				       i ? "," : "", c->ports[i]);
	if (c->max_sources == 0)
		c->max_sources = WS_TELE_DEFAULT_SOURCES;
}

bool ws_tele_conf_contains(const struct ws_tele_conf *c, uint32_t a)
{
	for (int i = 0; i < c->n; i++)
		if ((a & mask_of(c->bits[i])) == c->net[i])
			return true;
	return false;
}

/* ---- the sensor ---- */

struct bucket {
	int64_t t;
	int span;
	uint64_t probes, active, backscatter;
};

struct ws_tele {
	const struct ws_tele_conf *conf;
	uint32_t mask[WS_TELE_MAX_PREFIXES];
	uint32_t port_bits[2048];       /* bitmap of watched ports */
	struct ws_tele_src *slot;
	size_t cap, n;                  /* slots (power of two), used */
	size_t max_cap;
	struct bucket *b;               /* dense buckets */
	size_t nb, capb;
	uint32_t *bidx;                 /* hash slot -> bucket + 1 */
	size_t bidx_cap;
	size_t cache[WS_TELE_NSPANS];   /* bucket + 1 last used per span */
	uint64_t bucket_drops;          /* counts lost when the buckets were full */
	struct ws_tele_totals tot, delta;
	uint64_t delta_sources;
};

struct ws_tele *ws_tele_new(const struct ws_tele_conf *conf)
{
	struct ws_tele *t = ws_xcalloc(1, sizeof(*t));
	t->conf = conf;
	for (int i = 0; i < conf->n; i++)
		t->mask[i] = mask_of(conf->bits[i]);
	for (int i = 0; i < conf->n_ports; i++)
		t->port_bits[conf->ports[i] >> 5] |= 1u << (conf->ports[i] & 31);
	uint32_t max = conf->max_sources ? conf->max_sources : WS_TELE_DEFAULT_SOURCES;
	size_t mc = 1024;
	while (mc < (size_t)max * 2)
		mc *= 2;
	t->max_cap = mc;
	t->cap = 1024;
	t->slot = ws_xcalloc_table(t->cap, sizeof(*t->slot));
	t->tot.start = t->delta.start = INT64_MAX;
	t->tot.end = t->delta.end = INT64_MIN;
	return t;
}

void ws_tele_free(struct ws_tele *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t->b);
	free(t->bidx);
	free(t);
}

const struct ws_tele_conf *ws_tele_conf_of(const struct ws_tele *t)
{
	return t->conf;
}

static inline size_t hash32(uint32_t a)
{
	return (size_t)((a * 0x9e3779b97f4a7c15ull) >> 20);
}

static void grow(struct ws_tele *t)
{
	size_t nc = t->cap * 2;
	struct ws_tele_src *ns = ws_xcalloc_table(nc, sizeof(*ns));
	for (size_t i = 0; i < t->cap; i++) {
		if (!(t->slot[i].flags & WS_TELE_SRC_USED))
			continue;
		size_t h = hash32(t->slot[i].addr) & (nc - 1);
		while (ns[h].flags & WS_TELE_SRC_USED)
			h = (h + 1) & (nc - 1);
		ns[h] = t->slot[i];
	}
	free(t->slot);
	t->slot = ns;
	t->cap = nc;
}

/* The source's slot, NULL when it is new and the table is at its bound. */
static struct ws_tele_src *source(struct ws_tele *t, uint32_t a, bool *fresh)
{
	size_t m = t->cap - 1, h = hash32(a) & m;
	for (;;) {
		struct ws_tele_src *s = &t->slot[h];
		if (!(s->flags & WS_TELE_SRC_USED))
			break;
		if (s->addr == a) {
			*fresh = false;
			return s;
		}
		h = (h + 1) & m;
	}
	size_t max = t->conf->max_sources ? t->conf->max_sources : WS_TELE_DEFAULT_SOURCES;
	if (t->n >= max)
		return NULL;
	if ((t->n + 1) * 2 > t->cap && t->cap < t->max_cap) {
		grow(t);
		return source(t, a, fresh);
	}
	struct ws_tele_src *s = &t->slot[h];
	memset(s, 0, sizeof(*s));
	s->addr = a;
	s->flags = WS_TELE_SRC_USED;
	t->n++;
	*fresh = true;
	return s;
}

static void bidx_insert(uint32_t *idx, size_t cap, const struct bucket *b, uint32_t v)
{
	size_t h = hash32((uint32_t)(b->t / 60) ^ (uint32_t)b->span << 29) & (cap - 1);
	while (idx[h])
		h = (h + 1) & (cap - 1);
	idx[h] = v;
}

/* The bucket of span si holding ts, NULL when the buckets are full. */
static struct bucket *bucket(struct ws_tele *t, int si, int64_t ts)
{
	int64_t sp = ws_tele_spans[si];
	int64_t bt = ws_floor_to(ts, sp);
	size_t c = t->cache[si];
	if (c && t->b[c - 1].t == bt)
		return &t->b[c - 1];
	if (t->bidx_cap) {
		size_t h = hash32((uint32_t)(bt / 60) ^ (uint32_t)si << 29) & (t->bidx_cap - 1);
		while (t->bidx[h]) {
			struct bucket *b = &t->b[t->bidx[h] - 1];
			if (b->t == bt && b->span == si) {
				t->cache[si] = t->bidx[h];
				return b;
			}
			h = (h + 1) & (t->bidx_cap - 1);
		}
	}
	if (t->nb >= WS_TELE_MAX_BUCKETS)
		return NULL;
	if (t->nb == t->capb) {
		t->capb = t->capb ? t->capb * 2 : 64;
		t->b = ws_xreallocarray(t->b, t->capb, sizeof(*t->b));
	}
	if ((t->nb + 1) * 2 > t->bidx_cap) {
		size_t nc = t->bidx_cap ? t->bidx_cap * 2 : 256;
		free(t->bidx);
		t->bidx = ws_xcalloc(nc, sizeof(*t->bidx));
		t->bidx_cap = nc;
		for (size_t i = 0; i < t->nb; i++)
			bidx_insert(t->bidx, nc, &t->b[i], (uint32_t)(i + 1));
	}
	struct bucket *b = &t->b[t->nb++];
	*b = (struct bucket){.t = bt, .span = si};
	bidx_insert(t->bidx, t->bidx_cap, b, (uint32_t)t->nb);
	t->cache[si] = t->nb;
	return b;
}

static uint32_t clamp_ts(int64_t ts)
{
	return ts < 0 ? 0 : ts > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)ts;
}

static void probe(struct ws_tele *t, uint32_t src, int64_t ts)
{
	t->tot.probes++;
	t->delta.probes++;
	bool fresh = false;
	struct ws_tele_src *s = source(t, src, &fresh);
	uint32_t u = clamp_ts(ts);
	for (int si = 0; si < WS_TELE_NSPANS; si++) {
		struct bucket *b = bucket(t, si, (int64_t)u);
		if (!b) {
			t->bucket_drops++;
			continue;
		}
		b->probes++;
		int64_t sp = ws_tele_spans[si];
		/* A source counts once per interval: when new, or when its last
		 * probe (the latest in a capture read in time order) lies in
		 * another interval. */
		if (s && (fresh || (int64_t)s->last / sp != (int64_t)u / sp))
			b->active++;
	}
	if (!s) {
		t->tot.untracked++;
		t->delta.untracked++;
		return;
	}
	if (fresh) {
		s->first = s->last = u;
		t->tot.sources++;
	}
	if (u < s->first)
		s->first = u;
	if (u > s->last)
		s->last = u;
	if (!(s->flags & WS_TELE_SRC_DIRTY)) {
		s->flags |= WS_TELE_SRC_DIRTY;
		s->p_first = u;
		s->pending = 0;
		t->delta_sources++;
	} else if (u < s->p_first) {
		s->p_first = u;
	}
	if (s->pending != UINT32_MAX)
		s->pending++;
}

bool ws_tele_segment(struct ws_tele *t, const struct ws_seg *s, int64_t ts)
{
	if (s->dst.fam != 4)
		return false;
	uint32_t d = (uint32_t)s->dst.b[0] << 24 | (uint32_t)s->dst.b[1] << 16 |
		     (uint32_t)s->dst.b[2] << 8 | s->dst.b[3];
	const struct ws_tele_conf *c = t->conf;
	/* the capture's time span is what was watched */
	if (ts < t->tot.start)
		t->tot.start = ts;
	if (ts > t->tot.end)
		t->tot.end = ts;
	if (ts < t->delta.start)
		t->delta.start = ts;
	if (ts > t->delta.end)
		t->delta.end = ts;
	int i = 0;
	while (i < c->n && (d & t->mask[i]) != c->net[i])
		i++;
	if (i == c->n)
		return false;
	t->tot.packets++;
	t->delta.packets++;
	uint8_t f = s->flags;
	if ((f & WS_TCP_RST) || (f & (WS_TCP_SYN | WS_TCP_ACK)) == (WS_TCP_SYN | WS_TCP_ACK)) {
		t->tot.backscatter++;
		t->delta.backscatter++;
		for (int si = 0; si < WS_TELE_NSPANS; si++) {
			struct bucket *b = bucket(t, si, (int64_t)clamp_ts(ts));
			if (b)
				b->backscatter++;
			else
				t->bucket_drops++;
		}
		return true;
	}
	uint32_t src = 0;
	bool outside = s->src.fam == 4;
	if (outside) {
		src = (uint32_t)s->src.b[0] << 24 | (uint32_t)s->src.b[1] << 16 |
		      (uint32_t)s->src.b[2] << 8 | s->src.b[3];
		outside = !ws_tele_conf_contains(c, src);
	}
	if ((f & (WS_TCP_SYN | WS_TCP_ACK)) != WS_TCP_SYN || !outside) {
		t->tot.other++;
		t->delta.other++;
		return true;
	}
	if (!(t->port_bits[s->dport >> 5] & (1u << (s->dport & 31)))) {
		t->tot.other_ports++;
		t->delta.other_ports++;
		return true;
	}
	probe(t, src, ts);
	return true;
}

void ws_tele_totals(const struct ws_tele *t, struct ws_tele_totals *out)
{
	*out = t->tot;
	out->sources = t->n;
}

void ws_tele_delta(const struct ws_tele *t, struct ws_tele_totals *out)
{
	*out = t->delta;
	out->sources = t->delta_sources;
}

int ws_tele_drain(struct ws_tele *t, int (*fn_src)(void *ctx, const struct ws_tele_src *s),
		  int (*fn_bucket)(void *ctx, const struct ws_tele_bucket *b), void *ctx)
{
	for (size_t i = 0; i < t->nb && fn_bucket; i++) {
		const struct bucket *b = &t->b[i];
		struct ws_tele_bucket o = {b->t, b->span, b->probes, b->active, b->backscatter};
		int rc = fn_bucket(ctx, &o);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < t->cap && fn_src; i++) {
		const struct ws_tele_src *s = &t->slot[i];
		if (s->flags & WS_TELE_SRC_DIRTY) {
			int rc = fn_src(ctx, s);
			if (rc)
				return rc;
		}
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].flags & WS_TELE_SRC_DIRTY) {
			t->slot[i].flags = (t->slot[i].flags & ~WS_TELE_SRC_DIRTY) | WS_TELE_SRC_KNOWN;
			t->slot[i].pending = 0;
		}
	t->nb = 0;
	memset(t->cache, 0, sizeof(t->cache));
	if (t->bidx)
		memset(t->bidx, 0, t->bidx_cap * sizeof(*t->bidx));
	t->delta = (struct ws_tele_totals){.start = INT64_MAX, .end = INT64_MIN};
	t->delta_sources = 0;
	return 0;
}

void ws_tele_merge(struct ws_tele *dst, const struct ws_tele *src)
{
	struct ws_tele_totals *d = &dst->tot;
	const struct ws_tele_totals *s = &src->tot;
	d->packets += s->packets;
	d->probes += s->probes;
	d->backscatter += s->backscatter;
	d->other_ports += s->other_ports;
	d->other += s->other;
	d->untracked += s->untracked;
	if (s->start < d->start)
		d->start = s->start;
	if (s->end > d->end)
		d->end = s->end;
	for (size_t i = 0; i < src->cap; i++) {
		const struct ws_tele_src *x = &src->slot[i];
		if (!(x->flags & WS_TELE_SRC_USED))
			continue;
		bool fresh = false;
		struct ws_tele_src *y = source(dst, x->addr, &fresh);
		if (!y) {
			d->untracked++;
			continue;
		}
		if (fresh) {
			*y = *x;
			y->flags = WS_TELE_SRC_USED;
			d->sources++;
			continue;
		}
		if (x->first < y->first)
			y->first = x->first;
		if (x->last > y->last)
			y->last = x->last;
	}
}
