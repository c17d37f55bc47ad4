/* SPDX-License-Identifier: MIT */
/* Telescopes (simulator core): what a monitored prefix sees of a run, drawn
 * after the run from its infection episodes ([Moore04-T]; docs/sources.md).
 *
 * A host probes the telescope as a Poisson process whose rate depends on
 * its rate class, its /8 and /16 (local preference sends most probes near
 * home) and the time-driven multipliers; hosts that share all of these share
 * one "key". Per interval:
 * - each source's first sighting is drawn exactly, by inverting the key's
 *   cumulative hazard at an exponential draw (this is CAIDA's count of new
 *   infected hosts, and the first/last times of --telescope-hosts);
 * - sources seen again: hosts active through a whole interval after their
 *   first sighting are seen with the same probability, so one binomial draw
 *   per key and interval counts them; interval ends get their own draws;
 * - probes: the sources seen plus a Poisson draw of the expected extra probes.
 * DHCP churn splits a cable/DSL host's episode into address epochs, each a
 * new source to the telescope (why CAIDA's August counts were inflated).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/tele.h"

struct key {
	double c_far, c_loc; /* telescope hits per probe: crossing networks, own /16 */
	uint8_t flags;       /* host flags (rate class, Chinese, throttled) */
	bool egress;         /* its /16 filters outbound probes */
	double *lam;         /* cumulative hazard at interval boundaries [0..n] */
	double *seg_rate;    /* rate in each time segment */
	double *irate;       /* rate through interval j when constant in it, else -1 */
	double *full;        /* hosts active through interval j (difference array) */
	double *after;       /* of those, already seen before j (difference array) */
};

struct tpass {
	const struct ws_sim_trace *tr;
	const struct ws_sim_scenario *sc;
	struct ws_rng *g;
	struct ws_rng g_last; /* last-seen draws: only made when identities are asked for */
	size_t n;            /* intervals */
	double iv, inv_iv;   /* interval length and its inverse */
	struct key *keys;
	size_t n_keys, cap_keys;
	int *key_of;         /* [(coef * 2 + egress) * 32 + flags] -> key, or -1 */
	uint32_t *coef_of;   /* group -> coefficient id */
	double *coef_far, *coef_loc;
	uint32_t n_coef;
	double *distinct, *new_src, *mu, *edist;
	double *new_min;     /* new sources per minute (CAIDA's count), any interval */
	size_t n_min;
	/* Segments between the breaks (calendar, night, defence starts), in
	 * which every key's rate is constant: [seg_t[i], seg_t[i + 1]). */
	double *seg_t;
	size_t n_seg;
	bool by_group;       /* keys depend on the group (local classes, egress) */
};

/* Addresses of [lo, hi) (64-bit ends) inside telescope t. */
static double overlap(const struct ws_sim_telescope *t, uint64_t lo, uint64_t hi)
{
	uint64_t tlo = t->net, thi = tlo + (1ull << (32 - t->bits));
	uint64_t a = lo > tlo ? lo : tlo, b = hi < thi ? hi : thi;
	return b > a ? (double)(b - a) : 0.0;
}

static void add_segment(struct tpass *p, size_t *cap, double t)
{
	if (p->n_seg + 1 >= *cap) {
		*cap *= 2;
		p->seg_t = ws_xreallocarray(p->seg_t, *cap, sizeof(double));
	}
	p->seg_t[p->n_seg++] = t;
}

/* The times at which rates change: the clock's breaks and, with shared
 * uplinks, every change of the congestion factor (both in time order). */
static void segments(struct tpass *p)
{
	const struct ws_sim_trace *tr = p->tr;
	size_t cap = 16, c = 0;
	p->seg_t = ws_xreallocarray(NULL, cap, sizeof(double));
	p->seg_t[0] = 0;
	p->n_seg = 1;
	for (double t = ws_sim_next_break(p->sc, 0); t < tr->end; t = ws_sim_next_break(p->sc, t)) {
		for (; c < tr->n_cong && tr->cong_t[c] <= t; c++)
			if (tr->cong_t[c] > p->seg_t[p->n_seg - 1] && tr->cong_t[c] < t)
				add_segment(p, &cap, tr->cong_t[c]);
		add_segment(p, &cap, t);
	}
	for (; c < tr->n_cong && tr->cong_t[c] < tr->end; c++)
		if (tr->cong_t[c] > p->seg_t[p->n_seg - 1])
			add_segment(p, &cap, tr->cong_t[c]);
	p->seg_t[p->n_seg] = INFINITY;
}

/* The last index i of the sorted v[0..n) with v[i] <= t (v[0] <= t). */
static size_t last_at_or_before(const double *v, size_t n, double t)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t seg_of(const struct tpass *p, double t)
{
	return last_at_or_before(p->seg_t, p->n_seg, t);
}

/* The congestion factor on every host's rate at t (1 without shared links). */
static double congestion_at(const struct ws_sim_trace *tr, double t)
{
	if (!tr->n_cong || t < tr->cong_t[0])
		return 1.0;
	return tr->cong_f[last_at_or_before(tr->cong_t, tr->n_cong, t)];
}

/* Coefficients per group: the uniform class's share is the same for all;
 * the /8 and /16 classes add only where the telescope overlaps home. */
static void coefficients(struct tpass *p, const struct ws_sim_telescope *t)
{
	const struct ws_sim_pop *pop = p->tr->pop;
	const struct ws_sim_worm *w = &p->sc->worm;
	double space_top = 4294967296.0 * p->sc->pop.space_scale;
	double any = overlap(t, 0, (uint64_t)space_top);
	if (w->skip_reserved)
		any -= overlap(t, 127ull << 24, 128ull << 24) + overlap(t, 224ull << 24, 225ull << 24);
	double c_any = w->p_any * any / p->tr->any_space;
	p->coef_of = ws_xcalloc(pop->n_groups ? pop->n_groups : 1, sizeof(uint32_t));
	p->coef_far = ws_xreallocarray(NULL, (size_t)pop->n_groups + 1, sizeof(double));
	p->coef_loc = ws_xreallocarray(NULL, (size_t)pop->n_groups + 1, sizeof(double));
	p->coef_far[0] = c_any;
	p->coef_loc[0] = 0;
	p->n_coef = 1;
	for (uint32_t gi = 0; gi < pop->n_groups; gi++) {
		uint64_t p16 = pop->groups[gi].prefix16, a = p16 >> 8;
		double o8 = w->p_same8 > 0 ? overlap(t, a << 24, (a + 1) << 24) : 0;
		double o16 = w->p_same16 > 0 ? overlap(t, p16 << 16, (p16 + 1) << 16) : 0;
		if (o8 == 0 && o16 == 0)
			continue;
		p->coef_far[p->n_coef] = c_any + w->p_same8 * o8 / 16777216.0;
		p->coef_loc[p->n_coef] = w->p_same16 * o16 / 65536.0;
		p->coef_of[gi] = p->n_coef++;
	}
	p->by_group = p->n_coef > 1 || p->sc->def.egress_share > 0;
	segments(p);
	p->key_of = ws_xreallocarray(NULL, (size_t)p->n_coef * 64, sizeof(int));
	for (size_t i = 0; i < (size_t)p->n_coef * 64; i++)
		p->key_of[i] = -1;
}

/* The key's telescope hit rate at time t (constant between breaks). */
static double key_rate_at(const struct tpass *p, const struct key *k, double t)
{
	const struct ws_sim_scenario *sc = p->sc;
	double act = ws_sim_active(sc, t);
	if (act <= 0)
		return 0;
	double r = ws_sim_host_rate(sc, p->tr->class_rate[k->flags & WS_HF_RATE], k->flags, t);
	double c = k->c_loc;
	bool blocked = k->egress && sc->def.egress_start_h >= 0 && t >= sc->def.egress_start_h * 3600.0;
	if (!blocked)
		c += k->c_far;
	return act * r * c * congestion_at(p->tr, t);
}

/* Integral of the key's rate over [a, b], split at the breaks. */
static double integrate(const struct tpass *p, const struct key *k, double a, double b)
{
	double s = 0;
	for (size_t i = seg_of(p, a); a < b; i++) {
		double e = p->seg_t[i + 1] < b ? p->seg_t[i + 1] : b;
		s += k->seg_rate[i] * (e - a);
		a = e;
	}
	return s;
}

static inline double lam_at(const struct tpass *p, const struct key *k, double t)
{
	size_t j = (size_t)(t * p->inv_iv);
	if (j >= p->n)
		return k->lam[p->n];
	double a = (double)j * p->iv;
	if (k->irate[j] >= 0) /* no break inside: the usual case, O(1) */
		return k->lam[j] + k->irate[j] * (t - a);
	return k->lam[j] + integrate(p, k, a, t);
}

/* The time at which the cumulative hazard reaches L (L < lam[n]); the
 * answer is usually near interval `hint`, so the search gallops from it. */
static double lam_inverse(const struct tpass *p, const struct key *k, double L, size_t hint)
{
	size_t lo = 0, hi = p->n; /* lam[lo] <= L < lam[hi] */
	if (hint < p->n && k->lam[hint] <= L) {
		size_t step = 1;
		lo = hint;
		while (lo + step < p->n && k->lam[lo + step] <= L) {
			lo += step;
			step *= 2;
		}
		hi = lo + step < p->n ? lo + step : p->n;
	} else if (hint < p->n) {
		size_t step = 1;
		hi = hint;
		while (hi >= step && k->lam[hi - step] > L) {
			hi -= step;
			step *= 2;
		}
		lo = hi >= step ? hi - step : 0;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->lam[mid] <= L)
			lo = mid;
		else
			hi = mid;
	}
	double a = (double)lo * p->iv, end = (double)hi * p->iv, rest = L - k->lam[lo];
	if (end > p->tr->end)
		end = p->tr->end;
	if (k->irate[lo] > 0 && rest < k->irate[lo] * (end - a))
		return a + rest / k->irate[lo];
	for (size_t i = seg_of(p, a); a < end; i++) {
		double e = p->seg_t[i + 1] < end ? p->seg_t[i + 1] : end;
		double r = k->seg_rate[i];
		if (r > 0 && r * (e - a) > rest)
			return a + rest / r;
		rest -= r * (e - a);
		a = e;
	}
	return end;
}

/* A new key for `slot`: its rates per segment and its hazard per interval. */
static struct key *key_new(struct tpass *p, size_t slot, uint32_t coef, int egress, uint8_t flags)
{
	if (p->n_keys == p->cap_keys) {
		p->cap_keys = p->cap_keys ? 2 * p->cap_keys : 16;
		p->keys = ws_xreallocarray(p->keys, p->cap_keys, sizeof(*p->keys));
	}
	struct key *k = &p->keys[p->n_keys];
	*k = (struct key){p->coef_far[coef], p->coef_loc[coef], flags, egress, NULL, NULL, NULL, NULL,
			  NULL};
	k->seg_rate = ws_xreallocarray(NULL, p->n_seg, sizeof(double));
	for (size_t i = 0; i < p->n_seg; i++)
		k->seg_rate[i] = key_rate_at(p, k, p->seg_t[i]);
	k->lam = ws_xreallocarray(NULL, p->n + 1, sizeof(double));
	k->full = ws_xcalloc(p->n + 1, sizeof(double));
	k->after = ws_xcalloc(p->n + 1, sizeof(double));
	k->irate = ws_xreallocarray(NULL, p->n, sizeof(double));
	k->lam[0] = 0;
	for (size_t j = 0; j < p->n; j++) {
		double a = (double)j * p->iv, b = (double)(j + 1) * p->iv;
		if (b > p->tr->end)
			b = p->tr->end;
		k->lam[j + 1] = k->lam[j] + integrate(p, k, a, b);
		size_t i = seg_of(p, a);
		k->irate[j] = p->seg_t[i + 1] >= b ? k->seg_rate[i] : -1.0;
	}
	p->key_of[slot] = (int)p->n_keys;
	return &p->keys[p->n_keys++];
}

/* The key of a host with these flags: a table look-up once it exists (once
 * per episode, so kept inline). */
static inline struct key *key_for(struct tpass *p, uint32_t host, uint8_t hflags)
{
	uint32_t coef = 0;
	int egress = 0;
	if (p->by_group) {
		uint32_t gi = p->tr->pop->host_group[host];
		coef = p->coef_of[gi];
		egress = (p->tr->gflag[gi] & WS_GF_EGRESS) != 0;
	}
	uint8_t flags = hflags & 0x1f;
	size_t slot = ((size_t)coef * 2 + (size_t)egress) * 32 + flags;
	if (p->key_of[slot] >= 0)
		return &p->keys[p->key_of[slot]];
	return key_new(p, slot, coef, egress, flags);
}

static void free_keys(struct tpass *p)
{
	for (size_t ki = 0; ki < p->n_keys; ki++) {
		free(p->keys[ki].lam);
		free(p->keys[ki].seg_rate);
		free(p->keys[ki].irate);
		free(p->keys[ki].full);
		free(p->keys[ki].after);
	}
	free(p->keys);
	p->keys = NULL;
	p->n_keys = p->cap_keys = 0;
	free(p->key_of);
	free(p->coef_of);
	free(p->coef_far);
	free(p->coef_loc);
	free(p->seg_t);
	p->seg_t = NULL;
}

/* P(at least one probe) for an expected m: 1 - e^-m, by exp() (cheaper than
 * expm1) except where cancellation would cost digits. */
static inline double seen_prob(double m)
{
	return m < 1e-4 ? m * (1.0 - 0.5 * m) : 1.0 - exp(-m);
}

static inline size_t interval_of(const struct tpass *p, double t)
{
	size_t j = (size_t)(t * p->inv_iv);
	return j >= p->n ? p->n - 1 : j;
}

/* Records a source sighted first at `first`, seen last at `last`. */
struct sighting {
	double first, last;
	uint32_t addr;
};

struct sightings {
	struct sighting *v;
	size_t n, cap;
};

static void add_sighting(struct sightings *s, double first, double last, uint32_t addr)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = ws_xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = (struct sighting){first, last, addr};
}

/* Adds one active stretch [a, b] of one source with key k. *seen says
 * whether this address was seen before (it is set when seen now). Whole
 * intervals go to the key's difference arrays; the one or two partial
 * intervals at the ends are drawn here. */
static void stretch(struct tpass *p, struct key *k, double a, double b, bool *seen,
		    double *first_out, double *last_out, bool want_last)
{
	*first_out = NAN;
	if (b <= a)
		return;
	size_t ja = interval_of(p, a), jb = interval_of(p, b);
	double top = (double)(jb + 1) * p->iv;
	size_t full_lo = a <= (double)ja * p->iv ? ja : ja + 1;
	size_t full_hi = b >= top || b >= p->tr->end ? jb + 1 : jb; /* whole: [full_lo, full_hi) */
	size_t part[2];
	double pa[2], pb[2];
	int np = 0;
	if (ja == jb) {
		if (!(full_lo == ja && full_hi == ja + 1)) {
			part[np] = ja, pa[np] = a, pb[np++] = b;
			full_lo = full_hi = ja;
		}
	} else {
		if (full_lo > ja)
			part[np] = ja, pa[np] = a, pb[np++] = (double)(ja + 1) * p->iv;
		if (full_hi == jb)
			part[np] = jb, pa[np] = (double)jb * p->iv, pb[np++] = b;
	}
	if (full_lo < full_hi) {
		k->full[full_lo] += 1;
		k->full[full_hi] -= 1;
	}
	/* Hazards at the ends; partial intervals from them and the boundaries. */
	double la = lam_at(p, k, a), lb = b >= p->tr->end ? k->lam[p->n] : lam_at(p, k, b);
	double pq[2]; /* P(seen) in each partial interval */
	for (int i = 0; i < np; i++) {
		double ea = pa[i] == a ? la : k->lam[part[i]];
		double eb = pb[i] == b ? lb : k->lam[part[i] + 1];
		double pm = eb - ea;
		pq[i] = seen_prob(pm);
		p->mu[part[i]] += pm;
		p->edist[part[i]] += pq[i];
	}
	double target = la + ws_rng_exp(p->g);
	if (target >= lb)
		return; /* never seen in this stretch */
	double first = lam_inverse(p, k, target, ja);
	if (first < a)
		first = a;
	size_t jf = interval_of(p, first);
	p->distinct[jf] += 1;
	if (!*seen) {
		p->new_src[jf] += 1;
		size_t mi = (size_t)(first * (1.0 / 60.0));
		p->new_min[mi < p->n_min ? mi : p->n_min - 1] += 1;
		*seen = true;
	}
	/* Seen again: later whole intervals by one binomial per key, later
	 * partial ones here. */
	size_t lo = jf + 1 > full_lo ? jf + 1 : full_lo;
	if (lo < full_hi) {
		k->after[lo] += 1;
		k->after[full_hi] -= 1;
	}
	for (int i = 0; i < np; i++)
		if (part[i] > jf && ws_rng_unit(p->g) < pq[i])
			p->distinct[part[i]] += 1;
	*first_out = first;
	*last_out = first;
	if (want_last) { /* the last probe: time reversed, the same exponential wait */
		double tl = lam_inverse(p, k, lb - ws_rng_exp(&p->g_last), jb);
		if (tl > first && tl <= b)
			*last_out = tl;
	}
}

/* Seconds with three decimals, without printf (360,000 lines). */
static void add_millis(struct ws_buf *b, double s)
{
	long long ms = llround(s * 1000.0);
	char t[8];
	ws_buf_addll(b, ms / 1000);
	t[0] = '.';
	t[1] = (char)('0' + ms / 100 % 10);
	t[2] = (char)('0' + ms / 10 % 10);
	t[3] = (char)('0' + ms % 10);
	ws_buf_add(b, t, 4);
}

/* Sorts by (first time in ms, address): an LSD radix sort, 16 bits a pass,
 * of one 64-bit key per sighting (ms << 32 | address), skipping the passes
 * whose digit is the same everywhere; then one gather. */
static void sort_sightings(struct sightings *s)
{
	size_t n = s->n;
	uint64_t *key = ws_xreallocarray(NULL, n ? n : 1, sizeof(uint64_t));
	uint32_t *idx = ws_xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint64_t *tkey = ws_xreallocarray(NULL, n ? n : 1, sizeof(uint64_t));
	uint32_t *tidx = ws_xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint64_t all_or = 0, all_and = ~0ull;
	for (size_t i = 0; i < n; i++) {
		uint64_t ms = (uint64_t)llround(s->v[i].first * 1000.0);
		key[i] = ms << 32 | s->v[i].addr;
		idx[i] = (uint32_t)i;
		all_or |= key[i];
		all_and &= key[i];
	}
	static size_t count[65537];
	for (int shift = 0; shift < 64; shift += 16) {
		if ((((all_or ^ all_and) >> shift) & 0xffff) == 0)
			continue; /* every key has the same digit here */
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[((key[i] >> shift) & 0xffff) + 1]++;
		for (size_t d = 0; d < 65536; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++) {
			size_t at = count[(key[i] >> shift) & 0xffff]++;
			tkey[at] = key[i];
			tidx[at] = idx[i];
		}
		uint64_t *k2 = key;
		key = tkey;
		tkey = k2;
		uint32_t *i2 = idx;
		idx = tidx;
		tidx = i2;
	}
	struct sighting *out = ws_xreallocarray(NULL, n ? n : 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = s->v[idx[i]];
	free(s->v);
	s->v = out;
	s->cap = n ? n : 1;
	free(key);
	free(idx);
	free(tkey);
	free(tidx);
}

static void write_hosts(const struct ws_sim_scenario *sc, struct sightings *s, struct ws_buf *out)
{
	sort_sightings(s);
	for (size_t i = 0; i < s->n; i++) {
		uint32_t a = s->v[i].addr;
		add_millis(out, (double)sc->start + s->v[i].first);
		ws_buf_addc(out, '\t');
		add_millis(out, (double)sc->start + s->v[i].last);
		ws_buf_adds(out, "\t-\t-\t-\t-\t-\t-\t");
		for (int sh = 24; sh >= 0; sh -= 8) {
			ws_buf_addll(out, (a >> sh) & 255);
			ws_buf_addc(out, sh ? '.' : '\n');
		}
	}
}

static void one_telescope(struct tpass *p, int ti, struct ws_sim_result *res, struct ws_buf *out)
{
	const struct ws_sim_trace *tr = p->tr;
	const struct ws_sim_pop *pop = tr->pop;
	coefficients(p, &p->sc->tel[ti]);
	size_t n = p->n;
	p->distinct = ws_xcalloc(n, sizeof(double));
	p->new_src = ws_xcalloc(n, sizeof(double));
	p->mu = ws_xcalloc(n, sizeof(double));
	p->edist = ws_xcalloc(n, sizeof(double));
	p->n_min = (size_t)ceil(tr->end / 60.0 - 1e-9);
	if (p->n_min < 1)
		p->n_min = 1;
	p->new_min = ws_xcalloc(p->n_min, sizeof(double));
	/* Whether a host was seen before: only hosts with two episodes need it. */
	uint8_t *seen = tr->unique_hosts ? NULL : ws_xcalloc(pop->n_hosts ? pop->n_hosts : 1, 1);
	bool ids = out && ti == 0;
	double *hf = NULL, *hl = NULL;
	struct sightings sg = {0};
	bool merge = ids && !tr->unique_hosts; /* a host's episodes make one line */
	if (merge) {
		hf = ws_xreallocarray(NULL, pop->n_hosts, sizeof(double));
		hl = ws_xreallocarray(NULL, pop->n_hosts, sizeof(double));
		for (uint32_t h = 0; h < pop->n_hosts; h++)
			hf[h] = hl[h] = NAN;
	}
	double churn = p->sc->dhcp_churn_h * 3600.0;
	for (size_t e = 0; e < tr->n_ep; e++) {
		const struct ws_sim_episode epv = ws_sim_trace_ep(tr, e), *ep = &epv;
		uint32_t h = ep->host;
		struct key *k = key_for(p, h, ep->flags);
		double first, last;
		if (churn > 0 && pop->groups[pop->host_group[h]].cable) {
			/* Address epochs: each lease is a new source. */
			double a = ep->t_inf;
			while (a < ep->t_end) {
				double b = a + ws_rng_exp(p->g) * churn;
				if (b > ep->t_end)
					b = ep->t_end;
				bool fresh = false;
				uint32_t addr = pop->groups[pop->host_group[h]].prefix16 << 16 |
						(uint32_t)ws_rng_below(p->g, 65536);
				stretch(p, k, a, b, &fresh, &first, &last, ids);
				if (ids && !isnan(first))
					add_sighting(&sg, first, last, addr);
				a = b;
			}
			continue;
		}
		bool s = seen && seen[h];
		stretch(p, k, ep->t_inf, ep->t_end, &s, &first, &last, ids);
		if (seen)
			seen[h] = s;
		if (ids && !merge && !isnan(first))
			add_sighting(&sg, first, last, ws_sim_pop_addr(pop, h));
		else if (merge && !isnan(first)) {
			if (isnan(hf[h]) || first < hf[h])
				hf[h] = first;
			if (isnan(hl[h]) || last > hl[h])
				hl[h] = last;
		}
	}
	/* Whole intervals, one draw per key. */
	for (size_t ki = 0; ki < p->n_keys; ki++) {
		struct key *k = &p->keys[ki];
		double full = 0, after = 0;
		for (size_t j = 0; j < n; j++) {
			full += k->full[j];
			after += k->after[j];
			double m = k->lam[j + 1] - k->lam[j], q = -expm1(-m);
			if (full > 0) {
				p->mu[j] += full * m;
				p->edist[j] += full * q;
			}
			if (after > 0.5)
				p->distinct[j] += (double)ws_rng_binomial(p->g, (uint64_t)(after + 0.5), q);
		}
	}
	double total = 0, peak = 0;
	for (size_t j = 0; j < n; j++) {
		double extra = p->mu[j] - p->edist[j];
		double probes = p->distinct[j] + (extra > 0 ? (double)ws_rng_poisson(p->g, extra) : 0);
		res->s.tel_probes[(size_t)ti * n + j] = probes;
		res->s.tel_sources[(size_t)ti * n + j] = p->distinct[j];
		res->s.tel_new_sources[(size_t)ti * n + j] = p->new_src[j];
		total += p->new_src[j];
	}
	/* CAIDA's peak: new sources first seen in one minute. */
	for (size_t m = 0; m < p->n_min; m++)
		if (p->new_min[m] > peak)
			peak = p->new_min[m];
	free(p->new_min);
	res->sum.peak_new_sources_per_min[ti] = peak;
	res->sum.tel_sources_total[ti] = total;
	if (ids) {
		for (uint32_t h = 0; merge && h < pop->n_hosts; h++)
			if (!isnan(hf[h]))
				add_sighting(&sg, hf[h], hl[h], ws_sim_pop_addr(pop, h));
		write_hosts(p->sc, &sg, out);
	}
	free(sg.v);
	free(hf);
	free(hl);
	free(seen);
	free_keys(p);
	free(p->distinct);
	free(p->new_src);
	free(p->mu);
	free(p->edist);
}

void ws_sim_telescopes(const struct ws_sim_trace *tr, struct ws_rng *g, struct ws_sim_result *res,
		       struct ws_buf *hosts_out)
{
	struct tpass p;
	memset(&p, 0, sizeof(p));
	p.tr = tr;
	p.sc = tr->sc;
	p.g = g;
	ws_rng_seed(&p.g_last, ws_rng_u64(g), 3);
	p.n = res->s.n;
	p.iv = tr->sc->interval_s;
	p.inv_iv = 1.0 / p.iv;
	for (int ti = 0; ti < tr->sc->n_telescopes; ti++)
		one_telescope(&p, ti, res, hosts_out);
}

/* The probes into telescope t (a web server: a /32) kept with probability
 * `sample`: each episode's count is Poisson with its cumulative hazard
 * there (times `sample`), and the probe times are its order statistics
 * (uniform in cumulative hazard). Hosts inside t send it nothing counted
 * (a server does not attack itself; a darknet has no hosts). With out
 * NULL, only the expected count is summed (into *expected). Stops (and
 * returns what it has) past `max` probes. */
static size_t prefix_probes(const struct ws_sim_trace *tr, struct ws_rng *g,
			    const struct ws_sim_telescope *t, double sample, size_t max,
			    struct ws_sim_probe **out, double *expected)
{
	struct tpass p;
	memset(&p, 0, sizeof(p));
	p.tr = tr;
	p.sc = tr->sc;
	p.g = g;
	p.n = (size_t)ceil(tr->end / tr->sc->interval_s - 1e-9);
	if (p.n < 1)
		p.n = 1;
	p.iv = tr->sc->interval_s;
	p.inv_iv = 1.0 / p.iv;
	coefficients(&p, t);
	uint32_t mask = t->bits == 0 ? 0 : 0xffffffffu << (32 - t->bits);
	struct ws_sim_probe *v = NULL;
	size_t n = 0, cap = 0;
	double sum = 0;
	for (size_t e = 0; e < tr->n_ep && n <= max; e++) {
		const struct ws_sim_episode epv = ws_sim_trace_ep(tr, e), *ep = &epv;
		uint32_t addr = ws_sim_pop_addr(tr->pop, ep->host);
		if ((addr & mask) == (t->net & mask))
			continue;
		struct key *k = key_for(&p, ep->host, ep->flags);
		double la = lam_at(&p, k, ep->t_inf), lb = lam_at(&p, k, ep->t_end);
		if (!out) {
			sum += lb > la ? lb - la : 0;
			continue;
		}
		uint64_t m = lb > la ? ws_rng_poisson(g, (lb - la) * sample) : 0;
		for (uint64_t i = 0; i < m; i++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				v = ws_xreallocarray(v, cap, sizeof(*v));
			}
			double tt = lam_inverse(&p, k, la + ws_rng_unit(g) * (lb - la),
						(size_t)(ep->t_inf / p.iv));
			v[n++] = (struct ws_sim_probe){tt < ep->t_inf ? ep->t_inf : tt, addr};
		}
	}
	free_keys(&p);
	if (out)
		*out = v;
	if (expected)
		*expected = sum * sample;
	return n;
}

size_t ws_sim_server_probes(const struct ws_sim_trace *tr, struct ws_rng *g, uint32_t server,
			    struct ws_sim_probe **out)
{
	struct ws_sim_telescope t = {server, 32};
	return prefix_probes(tr, g, &t, 1.0, SIZE_MAX, out, NULL);
}

double ws_sim_prefix_expected(const struct ws_sim_trace *tr, const struct ws_sim_telescope *t)
{
	double x = 0;
	prefix_probes(tr, NULL, t, 1.0, SIZE_MAX, NULL, &x);
	return x;
}

size_t ws_sim_prefix_probes(const struct ws_sim_trace *tr, struct ws_rng *g,
			    const struct ws_sim_telescope *t, double sample, size_t max,
			    struct ws_sim_probe **out)
{
	return prefix_probes(tr, g, t, sample, max, out, NULL);
}
