/* SPDX-License-Identifier: MIT */
/* Flow table, TCP reassembly and request/answer pairing (policy in flow.h).
 *
 * Flows live in one array allocated up front (max_flows entries), chained
 * into hash buckets and into a least-recently-used list by 32-bit indices,
 * so the table never grows. Buffered bytes (partial heads, out-of-order
 * segments, requests awaiting their answer) share one budget of
 * MEM_BASE + max_flows * MEM_PER_FLOW; past it, data is given up on and
 * counted as a gap, so memory stays flat whatever the capture holds.
 *
 * Pairing: requests and answers on a connection come in the same order
 * (HTTP/1.x), so answer k belongs to request k. Only requests the worm table
 * claims wait for their answer (at most WS_FLOW_PENDING per flow); they are
 * emitted when it comes, or without a status when the flow ends. */
#include "pcap/flow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "pcap/http.h"
#include "util/mem.h"

#define MEM_BASE (32u << 20)
#define MEM_PER_FLOW 2048u

struct ooo {
	struct ooo *next;
	uint32_t seq, len;
	uint8_t data[];
};

struct half {
	uint32_t next;     /* next sequence number to deliver */
	uint32_t fin_seq;
	uint32_t isn;
	bool started, fin, syn;
	struct ooo *ooo;   /* sorted, non-overlapping */
	uint32_t ooo_bytes, ooo_segs;
	struct ws_http_half http;
};

struct pend {
	struct pend *next;
	uint32_t idx;      /* request number on the connection */
	int dir;
	bool truncated;
	int64_t ts;
	uint64_t frame;
	struct ws_verdict v; /* the request's classification, made once on arrival */
	uint32_t n;
	char head[];
};

struct flow {
	struct ws_addr a[2]; /* a[0]: the side that sent the first segment seen */
	uint16_t port[2];
	bool used;
	uint32_t hnext;      /* bucket chain: index + 1, 0 = end */
	uint32_t newer, older; /* LRU list: index + 1 */
	int64_t last_ts;
	struct half h[2];
	struct pend *pend, *pend_tail;
	uint32_t npend, reqs, resps;
	uint64_t head_reqs;  /* bit idx % 64: request idx was a HEAD (its answer has no body) */
};

struct ws_flows {
	struct flow *v;
	uint32_t cap, n;
	uint32_t *bucket;  /* index + 1 */
	uint32_t mask;
	uint32_t free_head; /* free list through hnext, index + 1 */
	uint32_t newest, oldest;
	size_t mem, mem_cap;
	ws_pcap_emit_fn emit;
	void *ctx;
	struct ws_capture_stats *st;
	struct ws_http_sink sink;
	const struct ws_pcap_observer *obs;
	/* the packet being handled */
	int64_t ts;
	uint64_t frame;
};

/* What the HTTP parser's callbacks need to know. */
struct hctx {
	struct ws_flows *t;
	struct flow *f;
	int dir;
};

static uint32_t idx_of(const struct ws_flows *t, const struct flow *f)
{
	return (uint32_t)(f - t->v);
}

static uint64_t ep_hash(const struct ws_addr *a, uint16_t port)
{
	uint64_t x, y;
	memcpy(&x, a->b, 8);
	memcpy(&y, a->b + 8, 8);
	x ^= y * 0xff51afd7ed558ccdull;
	x ^= (uint64_t)port << 48 ^ a->fam;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

/* Symmetric: both directions of a connection hash alike. */
static uint32_t flow_hash(const struct ws_seg *s)
{
	return (uint32_t)(ep_hash(&s->src, s->sport) ^ ep_hash(&s->dst, s->dport));
}

static bool addr_eq(const struct ws_addr *x, const struct ws_addr *y)
{
	return memcmp(x, y, sizeof(*x)) == 0;
}

static void lru_unlink(struct ws_flows *t, struct flow *f)
{
	if (f->newer)
		t->v[f->newer - 1].older = f->older;
	else
		t->newest = f->older;
	if (f->older)
		t->v[f->older - 1].newer = f->newer;
	else
		t->oldest = f->newer;
	f->newer = f->older = 0;
}

static void lru_push(struct ws_flows *t, struct flow *f)
{
	uint32_t i = idx_of(t, f) + 1;
	f->older = t->newest;
	f->newer = 0;
	if (t->newest)
		t->v[t->newest - 1].newer = i;
	t->newest = i;
	if (!t->oldest)
		t->oldest = i;
}

static void gap(struct ws_flows *t, struct flow *f, int d, uint64_t n)
{
	if (!n)
		return;
	t->st->gaps++;
	t->st->gap_bytes += n;
	struct hctx c = {t, f, d};
	ws_http_gap(&f->h[d].http, n, &t->sink, &c);
}

static void deliver(struct ws_flows *t, struct flow *f, int d, const uint8_t *p, uint32_t n)
{
	if (!n)
		return;
	struct hctx c = {t, f, d};
	ws_http_data(&f->h[d].http, p, n, &t->sink, &c);
}

/* Emits a held request with its answer's status (-1 when none came). */
static void emit_pend(struct ws_flows *t, struct flow *f, struct pend *p, int status,
		      int64_t bytes)
{
	struct ws_request req;
	int64_t clen;
	bool chunked;
	if (ws_cap_parse_request(p->head, p->n, &req, &clen, &chunked)) {
		req.ts = p->ts;
		req.ts_known = true;
		req.src = f->a[p->dir];
		req.dst = f->a[!p->dir];
		req.src_port = f->port[p->dir];
		req.dst_port = f->port[!p->dir];
		req.truncated = p->truncated;
		req.status = status;
		req.bytes = bytes;
		t->emit(t->ctx, &req, &p->v, p->frame);
	}
	t->mem -= sizeof(*p) + p->n;
	free(p);
}

static struct pend *pend_pop(struct flow *f)
{
	struct pend *p = f->pend;
	f->pend = p->next;
	if (!f->pend)
		f->pend_tail = NULL;
	f->npend--;
	return p;
}

static void on_request(void *ctx, const struct ws_request *r, const char *head, size_t n)
{
	struct hctx *c = ctx;
	struct ws_flows *t = c->t;
	struct flow *f = c->f;
	t->st->http_requests++;
	uint32_t idx = f->reqs++;
	uint64_t bit = 1ull << (idx % 64);
	bool is_head = r->method.n == 4 && memcmp(r->method.p, "HEAD", 4) == 0;
	f->head_reqs = is_head ? f->head_reqs | bit : f->head_reqs & ~bit;
	if (t->obs && t->obs->head) {
		struct ws_seg conn = {.src = f->a[c->dir], .dst = f->a[!c->dir],
				      .sport = f->port[c->dir], .dport = f->port[!c->dir]};
		t->obs->head(t->obs->ctx, &conn, head, n, t->ts);
	}
	struct ws_verdict v;
	if (!ws_classify(r, &v))
		return;
	/* A worm request: hold it for its answer. */
	if (f->npend >= WS_FLOW_PENDING)
		emit_pend(t, f, pend_pop(f), -1, -1);
	struct pend *p = ws_xmalloc(sizeof(*p) + n);
	*p = (struct pend){.idx = idx, .dir = c->dir, .truncated = r->truncated, .ts = t->ts,
			   .frame = t->frame, .v = v, .n = (uint32_t)n};
	memcpy(p->head, head, n);
	t->mem += sizeof(*p) + n;
	if (f->pend_tail)
		f->pend_tail->next = p;
	else
		f->pend = p;
	f->pend_tail = p;
	f->npend++;
	if (t->mem > t->mem_cap) /* over budget: do not wait for the answer */
		emit_pend(t, f, pend_pop(f), -1, -1);
}

static bool on_response(void *ctx, int status, int64_t length)
{
	struct hctx *c = ctx;
	struct ws_flows *t = c->t;
	struct flow *f = c->f;
	t->st->http_responses++;
	if (f->resps >= f->reqs)
		return false; /* an answer to a request before the capture started */
	uint32_t idx = f->resps++;
	while (f->pend && f->pend->idx < idx)
		emit_pend(t, f, pend_pop(f), -1, -1);
	if (f->pend && f->pend->idx == idx)
		emit_pend(t, f, pend_pop(f), status, length);
	/* (more than 64 requests ahead of their answers share bits) */
	return f->head_reqs >> (idx % 64) & 1;
}

/* Delivers held segments that are now in order. */
static void drain(struct ws_flows *t, struct flow *f, int d)
{
	struct half *h = &f->h[d];
	while (h->ooo && (int32_t)(h->ooo->seq - h->next) <= 0) {
		struct ooo *o = h->ooo;
		h->ooo = o->next;
		h->ooo_bytes -= o->len;
		h->ooo_segs--;
		t->mem -= sizeof(*o) + o->len;
		uint32_t old = h->next - o->seq;
		if (old < o->len) {
			h->next = o->seq + o->len;
			deliver(t, f, d, o->data + old, o->len - old);
		}
		free(o);
	}
}

/* Gives up the hole before the first held segment. */
static void skip_hole(struct ws_flows *t, struct flow *f, int d)
{
	struct half *h = &f->h[d];
	uint32_t n = h->ooo->seq - h->next;
	h->next = h->ooo->seq;
	gap(t, f, d, n);
	drain(t, f, d);
}

static void hold_piece(struct ws_flows *t, struct half *h, struct ooo **at, uint32_t seq,
		       const uint8_t *p, uint32_t n)
{
	struct ooo *o = ws_xmalloc(sizeof(*o) + n);
	o->seq = seq;
	o->len = n;
	memcpy(o->data, p, n);
	o->next = *at;
	*at = o;
	h->ooo_bytes += n;
	h->ooo_segs++;
	t->mem += sizeof(*o) + n;
}

/* Holds [seq, seq+n) out of order, keeping what is already held where they
 * overlap (first wins). Offsets are taken relative to h->next, which is
 * before every held byte, so sequence wrap-around does not matter. */
static void hold(struct ws_flows *t, struct half *h, uint32_t seq, const uint8_t *p, uint32_t n)
{
	uint32_t base = h->next, cur = seq - base, end = cur + n;
	struct ooo **at = &h->ooo;
	while (cur < end) {
		struct ooo *o = *at;
		uint32_t os = o ? o->seq - base : end, oe = o ? os + o->len : end;
		if (cur < os) {
			uint32_t stop = os < end ? os : end;
			hold_piece(t, h, at, base + cur, p + (cur - (seq - base)), stop - cur);
			at = &(*at)->next;
			cur = stop;
		}
		if (!o)
			break;
		if (oe > cur)
			cur = oe;
		at = &o->next;
	}
}

/* Payload of one segment: sequence seq, n bytes captured, `missing` more
 * sent but cut by the snap length. */
static void payload(struct ws_flows *t, struct flow *f, int d, uint32_t seq, const uint8_t *p,
		    uint32_t n, uint32_t missing)
{
	struct half *h = &f->h[d];
	int32_t rel = (int32_t)(seq - h->next);
	if (rel < 0) {
		/* Starts before what was delivered: keep only the new part. */
		uint32_t old = h->next - seq; /* -rel, without overflowing at INT32_MIN */
		if (old >= n + missing)
			return; /* a retransmission */
		if (old <= n) {
			p += old;
			n -= old;
		} else {
			missing -= old - n;
			n = 0;
		}
		seq += old;
		rel = 0;
	}
	if ((uint32_t)rel > WS_FLOW_JUMP) {
		/* Far ahead: the stream lost its step (or this is noise); give
		 * up what lies between. */
		while (h->ooo)
			skip_hole(t, f, d);
		if ((int32_t)(seq - h->next) < 0) { /* held data reached past it */
			payload(t, f, d, seq, p, n, missing);
			return;
		}
		uint32_t hole = seq - h->next;
		h->next = seq;
		gap(t, f, d, hole);
		rel = 0;
	}
	if (rel == 0) {
		h->next = seq + n + missing;
		deliver(t, f, d, p, n);
		gap(t, f, d, missing);
		drain(t, f, d);
		return;
	}
	if (t->mem + n + sizeof(struct ooo) > t->mem_cap) {
		/* No room to hold it: the hole before it is lost. */
		while (h->ooo)
			skip_hole(t, f, d);
		if ((int32_t)(seq - h->next) <= 0) {
			payload(t, f, d, seq, p, n, missing);
			return;
		}
		uint32_t hole = seq - h->next;
		h->next = seq + n + missing;
		gap(t, f, d, hole);
		deliver(t, f, d, p, n);
		gap(t, f, d, missing);
		return;
	}
	hold(t, h, seq, p, n);
	/* The piece cap bounds time as the byte cap bounds memory: hold()
	 * walks the list, so many tiny pieces would cost quadratic time. */
	while (h->ooo && (h->ooo_bytes > WS_FLOW_OOO_CAP || h->ooo_segs > WS_FLOW_OOO_SEGS))
		skip_hole(t, f, d);
}

/* Hands on what a flow still holds and frees it. */
static void flow_end(struct ws_flows *t, struct flow *f)
{
	for (int d = 0; d < 2; d++) {
		while (f->h[d].ooo)
			skip_hole(t, f, d);
		struct hctx c = {t, f, d};
		ws_http_end(&f->h[d].http, &t->sink, &c);
	}
	while (f->pend)
		emit_pend(t, f, pend_pop(f), -1, -1);
	for (int d = 0; d < 2; d++)
		ws_http_half_free(&f->h[d].http, &t->sink);
	/* unlink from the bucket */
	uint32_t i = idx_of(t, f) + 1;
	uint32_t b = (uint32_t)(ep_hash(&f->a[0], f->port[0]) ^ ep_hash(&f->a[1], f->port[1])) &
		     t->mask;
	for (uint32_t *pp = &t->bucket[b]; *pp; pp = &t->v[*pp - 1].hnext) {
		if (*pp == i) {
			*pp = f->hnext;
			break;
		}
	}
	lru_unlink(t, f);
	memset(f, 0, sizeof(*f));
	f->hnext = t->free_head;
	t->free_head = i;
	t->n--;
}

static struct flow *flow_new(struct ws_flows *t, const struct ws_seg *s, uint32_t b)
{
	if (t->n == t->cap) {
		t->st->flows_evicted++;
		flow_end(t, &t->v[t->oldest - 1]);
	}
	uint32_t i = t->free_head;
	struct flow *f = &t->v[i - 1];
	t->free_head = f->hnext;
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->a[0] = s->src;
	f->a[1] = s->dst;
	f->port[0] = s->sport;
	f->port[1] = s->dport;
	f->hnext = t->bucket[b];
	t->bucket[b] = i;
	t->n++;
	t->st->flows++;
	lru_push(t, f);
	return f;
}

static struct flow *lookup(struct ws_flows *t, const struct ws_seg *s, uint32_t b, int *dir)
{
	for (uint32_t i = t->bucket[b]; i; i = t->v[i - 1].hnext) {
		struct flow *f = &t->v[i - 1];
		if (f->port[0] == s->sport && f->port[1] == s->dport && addr_eq(&f->a[0], &s->src) &&
		    addr_eq(&f->a[1], &s->dst)) {
			*dir = 0;
			return f;
		}
		if (f->port[0] == s->dport && f->port[1] == s->sport && addr_eq(&f->a[0], &s->dst) &&
		    addr_eq(&f->a[1], &s->src)) {
			*dir = 1;
			return f;
		}
	}
	return NULL;
}

static void expire(struct ws_flows *t, int64_t now)
{
	while (t->oldest && now - t->v[t->oldest - 1].last_ts > WS_FLOW_IDLE) {
		t->st->flows_expired++;
		flow_end(t, &t->v[t->oldest - 1]);
	}
}

static bool half_done(const struct half *h)
{
	return h->fin && !h->ooo && h->next == h->fin_seq;
}

void ws_flows_segment(struct ws_flows *t, const struct ws_seg *s, int64_t ts, uint64_t frame)
{
	t->ts = ts;
	t->frame = frame;
	expire(t, ts);
	uint32_t b = flow_hash(s) & t->mask;
	int d = 0;
	struct flow *f = lookup(t, s, b, &d);
	bool syn = s->flags & WS_TCP_SYN, ack = s->flags & WS_TCP_ACK;
	if (f && syn && !ack &&
	    ((f->h[d].syn && f->h[d].isn != s->seq) || (!f->h[d].syn && f->h[d].started))) {
		/* A new connection on the same ports (port reuse), also after
		 * one whose start the capture missed. */
		flow_end(t, f);
		f = NULL;
	}
	if (!f) {
		if (!syn && s->len == 0)
			return; /* a bare ACK, FIN or RST of a connection we never saw */
		f = flow_new(t, s, b);
		d = 0;
	}
	if (f->last_ts != ts || f != &t->v[t->newest - 1]) {
		lru_unlink(t, f);
		lru_push(t, f);
	}
	f->last_ts = ts;
	struct half *h = &f->h[d];
	uint32_t seq = s->seq;
	if (syn) {
		if (!h->syn) {
			h->syn = true;
			h->isn = seq;
			h->next = seq + 1;
			h->started = true;
			/* The SYN says who is the client. */
			h->http.role = ack ? WS_HTTP_SERVER : WS_HTTP_CLIENT;
			if (!f->h[!d].http.role)
				f->h[!d].http.role = ack ? WS_HTTP_CLIENT : WS_HTTP_SERVER;
		}
		seq++;
	}
	if (!h->started) {
		h->started = true;
		h->next = seq;
	}
	if (s->len || s->missing)
		payload(t, f, d, seq, s->data, s->len, s->missing);
	if (s->flags & WS_TCP_FIN && !h->fin) {
		h->fin = true;
		h->fin_seq = seq + s->len + s->missing;
	}
	if (s->flags & WS_TCP_RST || (half_done(&f->h[0]) && half_done(&f->h[1])))
		flow_end(t, f);
}

struct ws_flows *ws_flows_new(uint32_t max_flows, ws_pcap_emit_fn emit, void *ctx,
			      struct ws_capture_stats *st)
{
	struct ws_flows *t = ws_xcalloc(1, sizeof(*t));
	t->cap = max_flows ? max_flows : WS_PCAP_MAX_FLOWS;
	t->v = ws_xcalloc(t->cap, sizeof(*t->v));
	uint32_t nb = 1024;
	while (nb < t->cap && nb < (1u << 30))
		nb *= 2;
	t->bucket = ws_xcalloc(nb, sizeof(*t->bucket));
	t->mask = nb - 1;
	for (uint32_t i = t->cap; i > 0; i--) {
		t->v[i - 1].hnext = t->free_head;
		t->free_head = i;
	}
	t->mem_cap = MEM_BASE + (size_t)t->cap * MEM_PER_FLOW;
	t->emit = emit;
	t->ctx = ctx;
	t->st = st;
	t->sink = (struct ws_http_sink){.request = on_request, .response = on_response,
					.mem = &t->mem, .mem_cap = t->mem_cap};
	return t;
}

void ws_flows_set_observer(struct ws_flows *t, const struct ws_pcap_observer *obs)
{
	t->obs = obs;
}

void ws_flows_finish(struct ws_flows *t)
{
	while (t->oldest)
		flow_end(t, &t->v[t->oldest - 1]);
}

size_t ws_flows_buffered(const struct ws_flows *t)
{
	return t->mem;
}

uint32_t ws_flows_count(const struct ws_flows *t)
{
	return t->n;
}

void ws_flows_free(struct ws_flows *t)
{
	if (!t)
		return;
	ws_flows_finish(t);
	free(t->bucket);
	free(t->v);
	free(t);
}
