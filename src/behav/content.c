/* SPDX-License-Identifier: MIT */
/* Content prevalence and address dispersion (Singh, Estan, Varghese,
 * Savage, "Automated Worm Fingerprinting", OSDI 2004, sections 4-5), over
 * the request heads a capture's connections carry.
 *
 * Each head is cut into the regions worth fingerprinting: the request line
 * and every header line except the standard ones every browser sends
 * (Host, User-Agent, Accept*, Cookie, Referer, ...), so that the headers a
 * million benign clients share never look like an epidemic (EarlyBird needed
 * a white list of such strings for the same reason, section 5.4). Every
 * 40-byte window of a region gets a Rabin fingerprint; value sampling keeps
 * the fingerprints whose low sample_bits bits are 0 (1/8 by default; the
 * paper's 1/64 leaves a short request line with no window), so every copy of
 * the same content keeps the same windows.
 *
 * Prevalence: a multistage filter (4 stages of 16384 16-bit counters, with
 * conservative update; Estan and Varghese, SIGCOMM 2002), reset every
 * interval_s capture seconds. A fingerprint seen `prevalence` times in one
 * interval enters the dispersion table: 2048 entries (256 sets of 8 ways,
 * least recently seen goes first), each counting distinct sources and
 * destinations exactly up to 16 and beyond that by linear counting over a
 * 256-bit bitmap (Whang et al. 1990; the paper's scaled bitmaps serve the
 * same end). The addresses of the copies the filter counted before that are
 * not lost: a direct-mapped table of 8192 fingerprints keeps the first
 * EARLY_KEEP copies' (source, destination) pairs, handed to the entry when it
 * is made (an overwritten slot only loses them, as without it). Without them
 * the dispersion counts lag two copies behind, and a second victim that was
 * one of the first two destinations shows no infection chain.
 *
 * Alert, by either rule:
 *  - dispersion: at least min_sources sources and min_destinations
 *    destinations, and min_evidence of its sources look like worm victims:
 *    TRW flagged them as scanners or they were earlier a destination of the
 *    same content (the infection chain). Dispersion alone also fits many
 *    clients fetching the same URL from a server farm; the evidence test is
 *    what separates them.
 *  - scanner delivery: at least scanner_destinations destinations, every
 *    source a suspect as above and one of them flagged by TRW: the first
 *    victim spreading before it has infected a second host (it may reach
 *    ten servers first). Every source, so that a load balancer forwarding
 *    its clients' request to its back ends (a chain of one) never passes.
 * The alert carries the invariant content: the window grown on both sides
 * while this copy and the first copy kept (another flow) agree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "behav/internal.h"
#include "behav/rabin.h"
#include "classify/classify.h"
#include "pcap/http.h"
#include "util/mem.h"

#define STAGES 4
#define STAGE_CTRS (1u << 14)
#define HOT_SETS 256
#define HOT_WAYS 8
#define EXACT 16
#define BITMAP_BITS 256
#define EXCERPT 768
#define EARLY_SLOTS 8192  /* fingerprints whose first copies' addresses are kept */
#define EARLY_KEEP 4      /* copies kept per fingerprint before its dispersion entry */
#define PER_HEAD 64       /* distinct sampled fingerprints handled per head */
#define ALERTED_MAX 64    /* contents alerted, kept to avoid a second alert for the same worm */

struct hot {
	uint64_t fp; /* 0 = empty */
	int64_t last_ts;
	uint64_t count;
	uint32_t nsrc, ndst;
	struct ws_addr srcs[EXACT], dsts[EXACT];
	uint8_t srcbits[BITMAP_BITS / 8], dstbits[BITMAP_BITS / 8];
	struct ws_addr ex_src;
	uint16_t ex_len, ex_win;
	uint8_t ex[EXCERPT];
	bool alerted;
};

/* The first copies of a fingerprint not yet in the dispersion table. */
struct early {
	uint64_t fp;       /* 0 = empty */
	uint32_t interval; /* the filter interval it belongs to (stale after a reset) */
	uint32_t n;
	struct ws_addr src[EARLY_KEEP], dst[EARLY_KEEP];
};

struct done {
	uint8_t p[WS_ALERT_CONTENT_MAX];
	size_t n;
};

struct ws_content {
	struct ws_behav *b;
	struct ws_rabin rabin;
	uint16_t *stage;   /* STAGES * STAGE_CTRS */
	int64_t interval_start;
	bool started;
	struct hot *hot;   /* HOT_SETS * HOT_WAYS */
	struct early *early; /* EARLY_SLOTS */
	uint32_t interval;   /* filter resets so far */
	struct done *done;
	uint32_t ndone;
	uint64_t mask;
	bool head_alerted; /* the head being read raised an alert */
};

struct ws_content *ws_content_new(struct ws_behav *b)
{
	struct ws_content *c = ws_xcalloc(1, sizeof(*c));
	c->b = b;
	ws_rabin_init(&c->rabin, WS_RABIN_WINDOW);
	c->stage = ws_xcalloc((size_t)STAGES * STAGE_CTRS, sizeof(*c->stage));
	c->hot = ws_xcalloc((size_t)HOT_SETS * HOT_WAYS, sizeof(*c->hot));
	c->early = ws_xcalloc(EARLY_SLOTS, sizeof(*c->early));
	c->done = ws_xcalloc(ALERTED_MAX, sizeof(*c->done));
	uint32_t bits = b->cfg.sample_bits > 32 ? 32 : b->cfg.sample_bits;
	c->mask = bits ? (1ull << bits) - 1 : 0;
	return c;
}

void ws_content_free(struct ws_content *c)
{
	if (!c)
		return;
	free(c->stage);
	free(c->hot);
	free(c->early);
	free(c->done);
	free(c);
}

size_t ws_content_memory(const struct ws_content *c)
{
	return sizeof(*c) + (size_t)STAGES * STAGE_CTRS * sizeof(*c->stage) +
	       (size_t)HOT_SETS * HOT_WAYS * sizeof(*c->hot) + EARLY_SLOTS * sizeof(*c->early) +
	       ALERTED_MAX * sizeof(*c->done);
}

/* Header names whose lines are not fingerprinted (lower case). */
static const char *const standard[] = {
	"host", "user-agent", "accept", "accept-language", "accept-encoding", "accept-charset",
	"connection", "keep-alive", "cookie", "referer", "cache-control", "pragma",
	"if-modified-since", "if-none-match", "if-match", "if-unmodified-since", "if-range",
	"content-length", "content-type", "authorization", "range", "te", "upgrade",
	"upgrade-insecure-requests", "dnt", "origin", "x-forwarded-for", "x-forwarded-proto",
	"x-real-ip", "via", "proxy-connection", "forwarded", "date", "expect",
	"x-requested-with", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest",
	"sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
};

static bool standard_header(const uint8_t *p, size_t n)
{
	const uint8_t *colon = memchr(p, ':', n);
	if (!colon)
		return false;
	size_t k = (size_t)(colon - p);
	for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++) {
		size_t m = strlen(standard[i]);
		if (m != k)
			continue;
		size_t j = 0;
		while (j < m && (p[j] | 0x20) == (uint8_t)standard[i][j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

static uint32_t stage_index(uint64_t fp, int s)
{
	uint64_t x = fp * (0x9e3779b97f4a7c15ull + 2 * (uint64_t)s);
	return (uint32_t)(x >> 50) & (STAGE_CTRS - 1);
}

/* Conservative update; returns the fingerprint's count after it. */
static uint32_t filter_add(struct ws_content *c, uint64_t fp)
{
	uint16_t *ctr[STAGES];
	uint16_t min = UINT16_MAX;
	for (int s = 0; s < STAGES; s++) {
		ctr[s] = &c->stage[(size_t)s * STAGE_CTRS + stage_index(fp, s)];
		if (*ctr[s] < min)
			min = *ctr[s];
	}
	if (min == UINT16_MAX)
		return min;
	for (int s = 0; s < STAGES; s++)
		if (*ctr[s] == min)
			(*ctr[s])++;
	return (uint32_t)min + 1;
}

static struct hot *hot_find(struct ws_content *c, uint64_t fp, bool create)
{
	size_t set = (size_t)((fp * 0xff51afd7ed558ccdull) >> 56) % HOT_SETS;
	struct hot *w = c->hot + set * HOT_WAYS, *victim = NULL;
	for (int i = 0; i < HOT_WAYS; i++)
		if (w[i].fp == fp)
			return &w[i];
	if (!create)
		return NULL;
	for (int i = 0; i < HOT_WAYS; i++) {
		if (!w[i].fp) {
			victim = &w[i];
			break;
		}
		if (!victim || w[i].last_ts < victim->last_ts)
			victim = &w[i];
	}
	if (victim->fp)
		c->b->st.hot_evicted++;
	memset(victim, 0, sizeof(*victim));
	victim->fp = fp;
	return victim;
}

static bool in_set(const struct ws_addr *v, uint32_t n, const struct ws_addr *a)
{
	for (uint32_t i = 0; i < n && i < EXACT; i++)
		if (memcmp(&v[i], a, sizeof(*a)) == 0)
			return true;
	return false;
}

static void add_addr(struct ws_addr *v, uint32_t *n, uint8_t *bits, const struct ws_addr *a)
{
	uint32_t bit = (uint32_t)(ws_behav_hash(a, 0xb175) >> 32) % BITMAP_BITS;
	bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (*n < EXACT && !in_set(v, *n, a))
		v[(*n)++] = *a;
	else if (*n == EXACT && !in_set(v, *n, a))
		*n = EXACT + 1; /* more than the exact set holds */
}

static uint64_t distinct(uint32_t n, const uint8_t *bits)
{
	if (n <= EXACT)
		return n;
	uint32_t zero = 0;
	for (uint32_t i = 0; i < BITMAP_BITS; i++)
		zero += !(bits[i / 8] >> (i % 8) & 1);
	if (zero == 0)
		zero = 1;
	double est = -(double)BITMAP_BITS * log((double)zero / BITMAP_BITS);
	return est < EXACT + 1 ? EXACT + 1 : (uint64_t)(est + 0.5);
}

/* Of h's sources (the exact set): how many look like worm victims (a TRW
 * scanner or an earlier destination of the content), and how many of those
 * TRW flagged. */
static uint32_t evidence(const struct ws_content *c, const struct hot *h, uint32_t *scanners)
{
	uint32_t e = 0;
	*scanners = 0;
	for (uint32_t i = 0; i < h->nsrc && i < EXACT; i++) {
		bool scanner = ws_trw_is_scanner(c->b->trw, &h->srcs[i]);
		*scanners += scanner;
		if (scanner || in_set(h->dsts, h->ndst, &h->srcs[i]))
			e++;
	}
	return e;
}

/* The two alert rules (the file's comment). */
static bool alert_due(const struct ws_content *c, const struct hot *h)
{
	const struct ws_behav_cfg *cfg = &c->b->cfg;
	uint64_t ns = distinct(h->nsrc, h->srcbits), nd = distinct(h->ndst, h->dstbits);
	uint32_t scanners, e = evidence(c, h, &scanners);
	if (ns >= cfg->min_sources && nd >= cfg->min_destinations && e >= cfg->min_evidence)
		return true;
	return cfg->scanner_destinations && nd >= cfg->scanner_destinations && scanners >= 1 &&
	       h->nsrc <= EXACT && e == h->nsrc;
}

static struct early *early_slot(struct ws_content *c, uint64_t fp)
{
	return &c->early[(size_t)((fp * 0xc4ceb9fe1a85ec53ull) >> 51) % EARLY_SLOTS];
}

/* A copy the prevalence filter counted before the fingerprint got a
 * dispersion entry: keep its addresses (the newest fingerprint takes the slot). */
static void early_add(struct ws_content *c, uint64_t fp, const struct ws_seg *conn)
{
	struct early *e = early_slot(c, fp);
	if (e->fp != fp || e->interval != c->interval) {
		e->fp = fp;
		e->interval = c->interval;
		e->n = 0;
	}
	if (e->n < EARLY_KEEP) {
		e->src[e->n] = conn->src;
		e->dst[e->n] = conn->dst;
		e->n++;
	}
}

/* Already alerted as (part of) an earlier alert's content. */
static bool known_content(const struct ws_content *c, const uint8_t *p, size_t n)
{
	for (uint32_t i = 0; i < c->ndone; i++) {
		const struct done *d = &c->done[i];
		if (n <= d->n ? memmem(d->p, d->n, p, n) != NULL : memmem(p, n, d->p, d->n) != NULL)
			return true;
	}
	return false;
}

static void raise_alert(struct ws_content *c, struct hot *h, const struct ws_seg *conn,
			const uint8_t *reg, size_t rn, size_t win, const uint8_t *head,
			size_t hn, int64_t ts)
{
	/* Grow the window while this copy and the kept copy agree. */
	size_t a0 = win, a1 = win + WS_RABIN_WINDOW, b0 = h->ex_win, b1 = h->ex_win + WS_RABIN_WINDOW;
	if (b1 > h->ex_len || memcmp(reg + a0, h->ex + b0, WS_RABIN_WINDOW) != 0) {
		a0 = win; /* a fingerprint collision: keep this copy's window */
		a1 = win + WS_RABIN_WINDOW;
	} else {
		while (a0 > 0 && b0 > 0 && reg[a0 - 1] == h->ex[b0 - 1] &&
		       a1 - a0 < WS_ALERT_CONTENT_MAX) {
			a0--;
			b0--;
		}
		while (a1 < rn && b1 < h->ex_len && reg[a1] == h->ex[b1] &&
		       a1 - a0 < WS_ALERT_CONTENT_MAX) {
			a1++;
			b1++;
		}
	}
	h->alerted = true;
	c->head_alerted = true;
	if (known_content(c, reg + a0, a1 - a0))
		return;
	struct ws_alert *al = ws_xcalloc(1, sizeof(*al));
	al->kind = WS_ALERT_NEW_WORM;
	al->ts = ts;
	al->src = conn->src;
	al->dport = conn->dport;
	al->content_len = a1 - a0;
	memcpy(al->content, reg + a0, al->content_len);
	al->occurrences = h->count;
	al->sources = distinct(h->nsrc, h->srcbits);
	al->destinations = distinct(h->ndst, h->dstbits);
	struct ws_request req;
	int64_t clen;
	bool chunked;
	struct ws_verdict v;
	if (ws_cap_parse_request((const char *)head, hn, &req, &clen, &chunked) &&
	    ws_classify(&req, &v)) {
		int nw;
		al->known = ws_worms(&nw)[v.worm]->id;
	}
	if (c->ndone < ALERTED_MAX) {
		struct done *d = &c->done[c->ndone++];
		memcpy(d->p, al->content, al->content_len);
		d->n = al->content_len;
	}
	c->b->fn(c->b->ctx, al);
	free(al);
}

/* One sampled window: reg[win..win+40) of region reg[0..rn). */
static void sampled(struct ws_content *c, uint64_t fp, const struct ws_seg *conn,
		    const uint8_t *reg, size_t rn, size_t win, const uint8_t *head, size_t hn,
		    int64_t ts)
{
	const struct ws_behav_cfg *cfg = &c->b->cfg;
	struct hot *h = hot_find(c, fp, false);
	if (!h) {
		if (filter_add(c, fp) < cfg->prevalence) {
			early_add(c, fp, conn);
			return;
		}
		h = hot_find(c, fp, true);
		h->count = cfg->prevalence - 1; /* the earlier copies the filter counted */
		struct early *e = early_slot(c, fp);
		if (e->fp == fp && e->interval == c->interval) {
			for (uint32_t i = 0; i < e->n; i++) {
				add_addr(h->srcs, &h->nsrc, h->srcbits, &e->src[i]);
				add_addr(h->dsts, &h->ndst, h->dstbits, &e->dst[i]);
			}
			e->fp = 0;
		}
	}
	h->count++;
	h->last_ts = ts;
	if (!h->ex_len) {
		size_t from = win > EXCERPT / 2 ? win - EXCERPT / 2 : 0;
		size_t to = rn - from > EXCERPT ? from + EXCERPT : rn;
		memcpy(h->ex, reg + from, to - from);
		h->ex_len = (uint16_t)(to - from);
		h->ex_win = (uint16_t)(win - from);
		h->ex_src = conn->src;
	}
	add_addr(h->srcs, &h->nsrc, h->srcbits, &conn->src);
	add_addr(h->dsts, &h->ndst, h->dstbits, &conn->dst);
	if (h->alerted || c->head_alerted || h->count < cfg->prevalence || !alert_due(c, h))
		return;
	raise_alert(c, h, conn, reg, rn, win, head, hn, ts);
}

/* Fingerprints one region's windows. */
static void region(struct ws_content *c, const struct ws_seg *conn, const uint8_t *reg,
		   size_t rn, const uint8_t *head, size_t hn, int64_t ts, uint64_t *seen,
		   int *nseen)
{
	const size_t w = WS_RABIN_WINDOW;
	if (rn < w)
		return;
	uint64_t fp = ws_rabin_of(&c->rabin, reg, w);
	for (size_t i = 0;; i++) {
		c->b->st.windows++;
		if ((fp & c->mask) == 0 && fp) {
			bool dup = false;
			for (int k = 0; k < *nseen; k++)
				dup |= seen[k] == fp;
			if (!dup && *nseen < PER_HEAD) {
				seen[(*nseen)++] = fp;
				c->b->st.sampled++;
				sampled(c, fp, conn, reg, rn, i, head, hn, ts);
			}
		}
		if (i + w >= rn)
			break;
		fp = ws_rabin_slide(&c->rabin, fp, reg[i], reg[i + w]);
	}
}

void ws_content_head(struct ws_content *c, const struct ws_seg *conn, const uint8_t *p, size_t n,
		     int64_t ts)
{
	if (!c->started || ts - c->interval_start >= (int64_t)c->b->cfg.interval_s ||
	    ts < c->interval_start) {
		memset(c->stage, 0, (size_t)STAGES * STAGE_CTRS * sizeof(*c->stage));
		c->interval++; /* the early copies' slots go stale with the counts */
		c->interval_start = ts;
		c->started = true;
	}
	uint64_t seen[PER_HEAD];
	int nseen = 0;
	/* Regions: runs of lines that are not standard headers. */
	size_t start = 0, at = 0;
	bool first = true;
	while (at < n) {
		const uint8_t *nl = memchr(p + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - p) + 1 : n;
		if (!first && standard_header(p + at, end - at)) {
			region(c, conn, p + start, at - start, p, n, ts, seen, &nseen);
			start = end;
		}
		first = false;
		at = end;
	}
	region(c, conn, p + start, n - start, p, n, ts, seen, &nseen);
	/* One alert per worm, not one per invariant region of its head: the
	 * head's other sampled windows are marked as alerted too. */
	if (c->head_alerted) {
		for (int k = 0; k < nseen; k++)
			hot_find(c, seen[k], true)->alerted = true;
		c->head_alerted = false;
	}
}
