/* SPDX-License-Identifier: MIT */
/* Threshold Random Walk (Jung et al., IEEE S&P 2004, section 4).
 *
 * For each remote source, every first contact to a destination it has not
 * contacted before is a Bernoulli trial: success when the destination
 * answers the SYN with SYN-ACK, failure on RST, on an ICMP unreachable that
 * quotes the SYN, or on no answer within timeout_s. Under H0 (benign) a
 * trial succeeds with probability theta0, under H1 (scanner) with theta1;
 * the walk adds the log likelihood ratio of each outcome,
 *     success: ln(theta1 / theta0)          (0.2 / 0.8: -1.386)
 *     failure: ln((1 - theta1) / (1 - theta0)) (0.8 / 0.2: +1.386),
 * and decides H1 at ln(eta1) = ln(PD / PF) (+4.595), H0 at
 * ln(eta0) = ln((1 - PD) / (1 - PF)) (-4.595) (Wald's approximations, the
 * paper's equation 2). With the defaults, four failures in a row flag a
 * source, as the paper's 4-5 attempts. On H0 the walk starts again from 0,
 * so a host that begins to scan later is still caught (the paper decides
 * once per source over a finished trace; an online sensor must restart).
 *
 * Bounds: sources in a set-associative table (8 ways; the least recently
 * used non-scanner way goes first), (source, destination) pairs already
 * contacted in a set-associative cache of 64-bit keys (2^19 pairs; a
 * forgotten pair only makes one more first contact), attempts awaiting an
 * answer in a fixed table with a FIFO for timeouts (when full, the oldest
 * is judged at once as timed out). Until the capture has shown one answer
 * (SYN-ACK, RST or ICMP unreachable), timeouts are not judged: a capture of
 * one direction only would make every client look like a scanner. A
 * telescope's segments (unused destinations) are skipped until then, and
 * backscatter into unused space (an answer to someone else) is never taken
 * for one: a darknet capture alone judges nothing, and costs the walk
 * nothing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "behav/internal.h"
#include "util/mem.h"

#define WAYS 8
#define PAIR_SETS (1u << 16)

struct src {
	struct ws_addr a;
	bool used, scanner;
	uint32_t first, succ, fail;
	uint64_t stamp;
	double llr;
};

struct pend {
	uint64_t key;
	struct ws_addr src;
	int64_t ts;
	uint32_t hnext, gen;
	bool used;
	int8_t result; /* -1 unanswered, 0 failed, 1 answered */
};

struct slot {
	uint32_t idx, gen;
};

struct ws_trw {
	struct ws_behav *b;
	double up, down, l_succ, l_fail;
	struct src *src;
	uint32_t src_sets;
	uint64_t clock;
	uint64_t *pairs;   /* PAIR_SETS * WAYS keys, 0 = empty */
	uint8_t *pair_rr;  /* next way to replace, per set */
	struct pend *pend;
	uint32_t *bucket, pmask, free_head, pcap;
	struct slot *ring;
	uint32_t rcap, rhead, rn;
	bool any_synack;   /* an answer was seen: the capture holds both directions */
};

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

struct ws_trw *ws_trw_new(struct ws_behav *b)
{
	const struct ws_behav_cfg *c = &b->cfg;
	struct ws_trw *t = ws_xcalloc(1, sizeof(*t));
	t->b = b;
	t->l_succ = log(c->theta1 / c->theta0);
	t->l_fail = log((1 - c->theta1) / (1 - c->theta0));
	t->up = log(c->pd / c->pf);
	t->down = log((1 - c->pd) / (1 - c->pf));
	t->src_sets = pow2_at_least((c->max_sources + WAYS - 1) / WAYS);
	t->src = ws_xcalloc((size_t)t->src_sets * WAYS, sizeof(*t->src));
	t->pairs = ws_xcalloc((size_t)PAIR_SETS * WAYS, sizeof(*t->pairs));
	t->pair_rr = ws_xcalloc(PAIR_SETS, 1);
	t->pcap = pow2_at_least(c->max_pending ? c->max_pending : 1);
	t->pmask = t->pcap - 1;
	t->pend = ws_xcalloc(t->pcap, sizeof(*t->pend));
	t->bucket = ws_xcalloc(t->pcap, sizeof(*t->bucket));
	for (uint32_t i = t->pcap; i > 0; i--) {
		t->pend[i - 1].hnext = t->free_head;
		t->free_head = i;
	}
	t->rcap = 2 * t->pcap;
	t->ring = ws_xcalloc(t->rcap, sizeof(*t->ring));
	return t;
}

void ws_trw_free(struct ws_trw *t)
{
	if (!t)
		return;
	free(t->src);
	free(t->pairs);
	free(t->pair_rr);
	free(t->pend);
	free(t->bucket);
	free(t->ring);
	free(t);
}

size_t ws_trw_memory(const struct ws_trw *t)
{
	return sizeof(*t) + (size_t)t->src_sets * WAYS * sizeof(*t->src) +
	       (size_t)PAIR_SETS * WAYS * sizeof(*t->pairs) + PAIR_SETS +
	       (size_t)t->pcap * (sizeof(*t->pend) + sizeof(*t->bucket)) +
	       (size_t)t->rcap * sizeof(*t->ring);
}

static uint64_t pair_key(const struct ws_addr *src, const struct ws_addr *dst)
{
	uint64_t h = ws_behav_hash(src, 0x5ca11) ^ (ws_behav_hash(dst, 0xd57) * 0x9e3779b97f4a7c15ull);
	return h | 1; /* 0 marks an empty way */
}

/* True when the pair was seen before; records it otherwise. */
static bool pair_seen(struct ws_trw *t, uint64_t key)
{
	uint32_t set = (uint32_t)(key >> 40) & (PAIR_SETS - 1);
	uint64_t *w = t->pairs + (size_t)set * WAYS;
	for (int i = 0; i < WAYS; i++)
		if (w[i] == key)
			return true;
	for (int i = 0; i < WAYS; i++) {
		if (!w[i]) {
			w[i] = key;
			return false;
		}
	}
	w[t->pair_rr[set]] = key;
	t->pair_rr[set] = (uint8_t)((t->pair_rr[set] + 1) % WAYS);
	return false;
}

static struct src *src_find(const struct ws_trw *t, const struct ws_addr *a, bool *found)
{
	uint32_t set = (uint32_t)ws_behav_hash(a, 0x7a11) & (t->src_sets - 1);
	struct src *w = t->src + (size_t)set * WAYS, *victim = NULL;
	for (int i = 0; i < WAYS; i++) {
		if (w[i].used && memcmp(&w[i].a, a, sizeof(*a)) == 0) {
			*found = true;
			return &w[i];
		}
	}
	*found = false;
	/* Free way, else the least recently used non-scanner, else the oldest. */
	for (int i = 0; i < WAYS; i++) {
		if (!w[i].used)
			return &w[i];
		if (!victim || (victim->scanner && !w[i].scanner) ||
		    (victim->scanner == w[i].scanner && w[i].stamp < victim->stamp))
			victim = &w[i];
	}
	return victim;
}

static struct src *src_get(struct ws_trw *t, const struct ws_addr *a)
{
	bool found;
	struct src *s = src_find(t, a, &found);
	if (!found) {
		if (s->used)
			t->b->st.sources_evicted++;
		memset(s, 0, sizeof(*s));
		s->a = *a;
		s->used = true;
	}
	s->stamp = ++t->clock;
	return s;
}

bool ws_trw_is_scanner(const struct ws_trw *t, const struct ws_addr *a)
{
	bool found;
	struct src *s = src_find(t, a, &found);
	return found && s->scanner;
}

/* One trial's outcome for source a. */
static void outcome(struct ws_trw *t, const struct ws_addr *a, bool success, int64_t ts)
{
	struct ws_behav *b = t->b;
	struct src *s = src_get(t, a);
	if (success) {
		s->succ++;
		b->st.successes++;
	} else {
		s->fail++;
		b->st.failures++;
	}
	if (s->scanner)
		return;
	s->llr += success ? t->l_succ : t->l_fail;
	if (s->llr >= t->up - 1e-9) {
		s->scanner = true;
		struct ws_alert al;
		memset(&al, 0, sizeof(al));
		al.kind = WS_ALERT_SCANNER;
		al.ts = ts;
		al.src = *a;
		al.first_contacts = s->succ + s->fail;
		al.attempts = s->first;
		al.failures = s->fail;
		al.successes = s->succ;
		b->fn(b->ctx, &al);
	} else if (s->llr <= t->down + 1e-9) {
		s->llr = 0; /* H0: benign so far; test again from here */
	}
}

static struct pend *pend_find(struct ws_trw *t, uint64_t key)
{
	for (uint32_t i = t->bucket[key & t->pmask]; i; i = t->pend[i - 1].hnext)
		if (t->pend[i - 1].key == key)
			return &t->pend[i - 1];
	return NULL;
}

static void pend_remove(struct ws_trw *t, struct pend *p)
{
	uint32_t i = (uint32_t)(p - t->pend) + 1;
	for (uint32_t *pp = &t->bucket[p->key & t->pmask]; *pp; pp = &t->pend[*pp - 1].hnext) {
		if (*pp == i) {
			*pp = p->hnext;
			break;
		}
	}
	p->used = false;
	p->gen++;
	p->hnext = t->free_head;
	t->free_head = i;
}

/* Judges the oldest attempt in the FIFO: with its answer when it has one,
 * else as timed out (at `ts`). */
static void pop_oldest(struct ws_trw *t, int64_t ts)
{
	struct slot sl = t->ring[t->rhead];
	t->rhead = (t->rhead + 1) % t->rcap;
	t->rn--;
	struct pend *p = &t->pend[sl.idx];
	if (!p->used || p->gen != sl.gen)
		return;
	struct ws_addr a = p->src;
	int8_t result = p->result;
	pend_remove(t, p);
	if (result >= 0) {
		outcome(t, &a, result == 1, ts);
		return;
	}
	if (!t->any_synack) {
		/* No answer of any kind yet: the capture may hold one direction
		 * only (a span port, a telescope), where silence proves nothing. */
		t->b->st.unjudged++;
		return;
	}
	t->b->st.timeouts++;
	outcome(t, &a, false, ts);
}

/* Outcomes go to the walk in the order the attempts were made, as the
 * paper's offline test reads them: an answered attempt waits behind older
 * ones still unanswered (at most timeout_s). Judging answers as they come
 * would count a scanner's quick successes before its slow failures. */
static void expire(struct ws_trw *t, int64_t now)
{
	while (t->rn) {
		struct slot sl = t->ring[t->rhead];
		struct pend *p = &t->pend[sl.idx];
		if (!p->used || p->gen != sl.gen || p->result >= 0) {
			pop_oldest(t, now);
			continue;
		}
		if (p->ts + (int64_t)t->b->cfg.timeout_s > now)
			return;
		pop_oldest(t, p->ts + (int64_t)t->b->cfg.timeout_s);
	}
}

static void pend_add(struct ws_trw *t, uint64_t key, const struct ws_addr *src, int64_t ts)
{
	while (!t->free_head || t->rn == t->rcap) {
		t->b->st.pending_dropped++;
		pop_oldest(t, ts);
	}
	uint32_t i = t->free_head;
	struct pend *p = &t->pend[i - 1];
	t->free_head = p->hnext;
	p->key = key;
	p->src = *src;
	p->ts = ts;
	p->used = true;
	p->result = -1;
	p->hnext = t->bucket[key & t->pmask];
	t->bucket[key & t->pmask] = i;
	t->ring[(t->rhead + t->rn) % t->rcap] = (struct slot){i - 1, p->gen};
	t->rn++;
}

/* The answer to an attempt from a (the initiator) to d. */
static void answer(struct ws_trw *t, const struct ws_addr *a, const struct ws_addr *d,
		   bool success, int64_t ts)
{
	struct pend *p = pend_find(t, pair_key(a, d));
	if (!p || p->result >= 0)
		return;
	p->result = success ? 1 : 0;
	expire(t, ts);
}

void ws_trw_segment(struct ws_trw *t, const struct ws_seg *s, int64_t ts, bool dark)
{
	expire(t, ts);
	bool syn = s->flags & WS_TCP_SYN, ack = s->flags & WS_TCP_ACK;
	if (dark && (!t->any_synack || (s->flags & WS_TCP_RST) || ack)) {
		/* Unused space never answers, and what comes into it answered
		 * (backscatter) answers someone else's spoofed SYN: it shows
		 * nothing about this capture's directions. A SYN into it is a
		 * failure once the capture has shown live answers; before, it
		 * could never be judged, and a telescope's millions of them
		 * are left to the telescope. */
		return;
	}
	if (s->flags & WS_TCP_RST) {
		t->any_synack = true; /* an answer: both directions are here */
		answer(t, &s->dst, &s->src, false, ts);
		return;
	}
	if (syn && ack) {
		t->any_synack = true;
		answer(t, &s->dst, &s->src, true, ts);
		return;
	}
	if (!syn)
		return;
	uint64_t key = pair_key(&s->src, &s->dst);
	if (pair_seen(t, key))
		return; /* not a first contact (or a retransmitted SYN) */
	struct src *sr = src_get(t, &s->src);
	sr->first++;
	t->b->st.first_contacts++;
	pend_add(t, key, &s->src, ts);
}

void ws_trw_unreach(struct ws_trw *t, const struct ws_seg *q, int64_t ts)
{
	expire(t, ts);
	t->any_synack = true;
	answer(t, &q->src, &q->dst, false, ts);
}

void ws_trw_finish(struct ws_trw *t, int64_t ts)
{
	expire(t, ts);
	/* Attempts still waiting at the end of the input had less than the
	 * timeout to be answered: they are not judged; answered ones behind
	 * them are. */
	while (t->rn) {
		struct slot sl = t->ring[t->rhead];
		struct pend *p = &t->pend[sl.idx];
		if (p->used && p->gen == sl.gen && p->result < 0) {
			t->rhead = (t->rhead + 1) % t->rcap;
			t->rn--;
			pend_remove(t, p);
			t->b->st.unjudged++;
			continue;
		}
		pop_oldest(t, ts);
	}
}
