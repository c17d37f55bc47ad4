/* SPDX-License-Identifier: MIT */
/* The fast simulator (simulator core): exact in distribution, with a cost
 * that grows with infections and hits on vulnerable hosts, not with probes
 * (measured in docs/sim-validation.md).
 *
 * Memoryless strategies (uniform, local preference, hit-list) are a Markov
 * chain: with I infected and S susceptible, class "anywhere" infects at rate
 * r p_any I S / A, class "same /8" at r p_8 sum_a I_a S_a / 2^24 and class
 * "same /16" at r p_16 sum_g I_g S_g / 2^16. The next infection comes after
 * an exponential wait with the total rate; the class, then the /8 or /16 (by
 * its I_x S_x weight, from Fenwick trees), then a uniform source and a
 * uniform target in it are drawn. Everything per host that lowers the rate
 * (a rate distribution, throttling, tarpits, filters, blacklists) is applied
 * by thinning: the rates use the largest host rate and a candidate hit is
 * kept with probability (true rate / bound), which is exact (Lewis-Shedler).
 * Permutation scanning draws the gap to the next susceptible address of the
 * shared permutation; sequential scanning and the shared fixed sequence
 * schedule each walker's next hit on a vulnerable address.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"

#define TWO24 16777216.0
#define TWO16 65536.0

/* ---- Fenwick trees over counts ----------------------------------------- */

struct fen {
	uint64_t *v; /* 1-based */
	uint32_t n;
	uint32_t top; /* highest power of two <= n */
};

static void fen_init(struct fen *f, uint32_t n)
{
	f->n = n;
	f->v = ws_xcalloc((size_t)n + 1, sizeof(*f->v));
	f->top = 1;
	while (f->top * 2 <= n)
		f->top *= 2;
}

static void fen_add(struct fen *f, uint32_t i, int64_t d)
{
	for (uint32_t k = i + 1; k <= f->n; k += k & -k)
		f->v[k] += (uint64_t)d;
}

static uint64_t fen_prefix(const struct fen *f, uint32_t i) /* sum of [0, i) */
{
	uint64_t s = 0;
	for (uint32_t k = i; k; k -= k & -k)
		s += f->v[k];
	return s;
}

/* Smallest i with prefix(i + 1) > x, for x < total. */
static uint32_t fen_find(const struct fen *f, uint64_t x)
{
	uint32_t pos = 0;
	for (uint32_t step = f->top; step; step >>= 1)
		if (pos + step <= f->n && f->v[pos + step] <= x) {
			pos += step;
			x -= f->v[pos];
		}
	return pos;
}

/* ---- a binary heap of timed host events -------------------------------- */

enum { EV_END = 0, EV_PATCH = 1, EV_WALK = 2 };

struct ev {
	double t;
	uint32_t host;
	uint32_t tag; /* kind << 30 | serial */
};

struct heap {
	struct ev *v;
	size_t n, cap;
};

static void heap_push(struct heap *h, struct ev e)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->v = ws_xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	size_t i = h->n++;
	while (i && h->v[(i - 1) / 2].t > e.t) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = e;
}

static struct ev heap_pop(struct heap *h)
{
	struct ev top = h->v[0], last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].t < h->v[c].t)
			c++;
		if (last.t <= h->v[c].t)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* ---- run state ----------------------------------------------------------- */

struct run {
	const struct ws_sim_scenario *sc;
	const struct ws_sim_pop *pop;
	struct ws_rng g;
	uint32_t n;
	/* Global partition of host ids: [0, gS) susceptible, then gI infected,
	 * then removed (patched, or out for good). */
	uint32_t *gl, gS, gI;
	/* Per-group partitions, counts and trees: only for local preference. */
	bool local;
	uint32_t *sl, *spos, *nS, *nI;
	struct fen fS, fI, fW16, fW8;
	uint32_t S8[256], I8[256];
	uint64_t w16, w8;
	/* Shared /16 uplinks (link16_rate): infected hosts per group, the probes
	 * per second all of them send together, and that total over the sum of
	 * their own rates from each change on (what the telescope pass scales
	 * every host's rate by). */
	uint32_t *inf16;
	double agg, *cong_t, *cong_f;
	size_t n_cong, cap_cong;
	/* Per host: what an event touches, in one cache line. */
	struct hstate {
		float t_inf;     /* start of the current episode (blacklist delays only) */
		uint32_t gpos;   /* place in gl */
		uint32_t serial; /* episodes so far (ties heap events to one) */
		uint32_t epi;    /* index of the current episode in ep */
	} *hs;
	uint8_t *hflag, *gflag;
	/* Rates. */
	double class_rate[WS_SIM_RATE_CLASSES], r_max, any_space;
	uint32_t inf_by_flag[32]; /* infected per (rate class, Chinese, throttled) */
	bool thin;               /* candidate hits need their source (thinning) */
	/* Lean runs: no host is ever looked up by id (uniform targets, no host
	 * events, no per-network defences), so hosts are exchangeable and the
	 * k-th infection's identity is drawn only at the end, when an output
	 * needs it. An infection then touches no per-host memory at all. */
	bool lean;
	uint8_t *iflag;          /* lean: flags of the k-th infection, when flags vary */
	/* Hit-list still to use. */
	uint32_t *hit, n_hit;
	/* Permutation: addresses of the shared permutation not yet probed. */
	double unscanned;
	/* Sequential walkers and the fixed sequence. */
	uint32_t *order;         /* hosts sorted by walking coordinate */
	uint32_t *coord;         /* coordinate of order[i] */
	uint32_t *walk_idx;      /* each walker's next index into order */
	double tau;              /* operational time: integral of the activity */
	struct heap heap;        /* host events, in seconds */
	struct heap walk;        /* walkers' next hits, in operational time */
	/* Output. */
	double end, interval, inv_interval;
	size_t n_int, n_min;
	double *min_new;
	uint64_t ever, events;
	uint64_t pct_target[5];
	uint64_t fit_lo, fit_hi;  /* counts C in the logistic fit: 1 % <= C/N <= 50 %, C < N */
	int next_pct;
	double sx, sy, sxx, sxy, sn; /* regression of logit(C/N) on hours */
	uint64_t seed;
	struct ws_sim_result *res;
	struct ws_sim_episode *ep;
	size_t n_ep, cap_ep;
	/* Lean runs: episode k is infection k, until the end; only its time is
	 * kept (room for every host, touched only as infections come), and its
	 * host once name_infections has drawn the names. */
	double *ep_t;
	uint32_t *ep_host;
};

enum { ST_S, ST_I, ST_R };

static int state(const struct run *r, uint32_t h)
{
	uint32_t p = r->hs[h].gpos;
	return p < r->gS ? ST_S : p < r->gS + r->gI ? ST_I : ST_R;
}

static void swap_in(uint32_t *list, uint32_t *pos, uint32_t a, uint32_t b)
{
	uint32_t ha = list[a], hb = list[b];
	list[a] = hb;
	list[b] = ha;
	pos[hb] = a;
	pos[ha] = b;
}

/* Group bookkeeping when host h moves between states: the same [S | I | R]
 * partition inside the group's slots, and the trees' weights. */
static void group_move(struct run *r, uint32_t h, int from, int to)
{
	uint32_t gi = r->pop->host_group[h];
	const struct ws_sim_group *gr = &r->pop->groups[gi];
	uint32_t base = gr->first, a = gr->prefix16 >> 8;
	uint32_t s = r->nS[gi], i = r->nI[gi], p = r->spos[h];
	if (from == ST_S) {
		swap_in(r->sl, r->spos, p, base + s - 1);
		s--;
		if (to == ST_I)
			i++;
		else
			swap_in(r->sl, r->spos, base + s, base + s + i);
	} else if (to == ST_S) {
		swap_in(r->sl, r->spos, p, base + s);
		s++;
		i--;
	} else {
		swap_in(r->sl, r->spos, p, base + s + i - 1);
		i--;
	}
	uint64_t old16 = (uint64_t)r->nS[gi] * r->nI[gi], old8 = (uint64_t)r->S8[a] * r->I8[a];
	int64_t ds = (int64_t)s - r->nS[gi], di = (int64_t)i - r->nI[gi];
	r->nS[gi] = s;
	r->nI[gi] = i;
	r->S8[a] = (uint32_t)((int64_t)r->S8[a] + ds);
	r->I8[a] = (uint32_t)((int64_t)r->I8[a] + di);
	uint64_t new16 = (uint64_t)s * i, new8 = (uint64_t)r->S8[a] * r->I8[a];
	if (ds)
		fen_add(&r->fS, gi, ds);
	if (di)
		fen_add(&r->fI, gi, di);
	if (new16 != old16) {
		fen_add(&r->fW16, gi, (int64_t)(new16 - old16));
		r->w16 += new16 - old16;
	}
	if (new8 != old8) {
		fen_add(&r->fW8, a, (int64_t)(new8 - old8));
		r->w8 += new8 - old8;
	}
}

/* Swaps places a and b of the global partition. */
static void gswap(struct run *r, uint32_t a, uint32_t b)
{
	uint32_t ha = r->gl[a], hb = r->gl[b];
	r->gl[a] = hb;
	r->gl[b] = ha;
	r->hs[hb].gpos = a;
	r->hs[ha].gpos = b;
}

/* What one /16's infected hosts send together through its uplink. */
static double link_out(const struct run *r, uint32_t infected)
{
	double want = r->r_max * (double)infected, cap = r->sc->worm.link16_rate;
	return want < cap ? want : cap;
}

static void link_move(struct run *r, uint32_t gi, int d)
{
	double before = link_out(r, r->inf16[gi]);
	r->inf16[gi] = (uint32_t)((int64_t)r->inf16[gi] + d);
	r->agg += link_out(r, r->inf16[gi]) - before;
}

/* The telescope pass's factor on every host's rate from t on, kept within
 * 0.1 % of the true one: a new step only when it has moved by more (every
 * infection moves it a little, and a step per infection would make the
 * telescope pass walk tens of thousands of segments per interval). */
static void record_congestion(struct run *r, double t)
{
	if (!r->inf16)
		return;
	double f = r->gI ? r->agg / (r->r_max * (double)r->gI) : 1.0;
	if (r->n_cong && fabs(f - r->cong_f[r->n_cong - 1]) <= 1e-3 * r->cong_f[r->n_cong - 1])
		return;
	if (r->n_cong && r->cong_t[r->n_cong - 1] == t) {
		r->cong_f[r->n_cong - 1] = f;
		return;
	}
	if (r->n_cong == r->cap_cong) {
		r->cap_cong = r->cap_cong ? r->cap_cong * 2 : 4096;
		r->cong_t = ws_xreallocarray(r->cong_t, r->cap_cong, sizeof(double));
		r->cong_f = ws_xreallocarray(r->cong_f, r->cap_cong, sizeof(double));
	}
	r->cong_t[r->n_cong] = t;
	r->cong_f[r->n_cong++] = f;
}

static void move(struct run *r, uint32_t h, int from, int to)
{
	uint32_t p = r->hs[h].gpos;
	if (from == ST_S) {
		gswap(r, p, r->gS - 1);
		r->gS--;
		if (to == ST_I)
			r->gI++;
		else /* S -> R: hop over the infected section */
			gswap(r, r->gS, r->gS + r->gI);
	} else if (from == ST_I) {
		if (to == ST_S) {
			gswap(r, p, r->gS);
			r->gS++;
			r->gI--;
		} else {
			gswap(r, p, r->gS + r->gI - 1);
			r->gI--;
		}
	}
	if (from == ST_I)
		r->inf_by_flag[r->hflag[h] & 0x1f]--;
	if (to == ST_I)
		r->inf_by_flag[r->hflag[h] & 0x1f]++;
	if (r->local)
		group_move(r, h, from, to);
	if (r->inf16 && (from == ST_I) != (to == ST_I))
		link_move(r, r->pop->host_group[h], to == ST_I ? 1 : -1);
}

/* ---- infections and their ends ------------------------------------------- */

static void count_new(struct run *r, double t)
{
	size_t j = (size_t)(t * r->inv_interval), m = (size_t)(t * (1.0 / 60.0));
	if (j >= r->n_int)
		j = r->n_int - 1;
	if (m >= r->n_min)
		m = r->n_min - 1;
	r->res->s.new_infections[j] += 1;
	r->min_new[m] += 1;
}

static void count_ever(struct run *r, uint32_t h, double t)
{
	if (!r->lean) { /* lean runs never infect a host twice, nor keep hflag */
		if (r->hflag[h] & 0x40)
			return;
		r->hflag[h] |= 0x40;
	}
	r->ever++;
	while (r->next_pct < 5 && r->ever >= r->pct_target[r->next_pct])
		r->res->sum.t_pct[r->next_pct++] = t;
	if (r->ever >= r->fit_lo && r->ever <= r->fit_hi) {
		double n = r->n, c = (double)r->ever;
		double x = t / 3600.0, y = log(c / (n - c));
		r->sx += x;
		r->sy += y;
		r->sxx += x * x;
		r->sxy += x * y;
		r->sn += 1;
	}
}

static void schedule_walk(struct run *r, uint32_t h, uint32_t idx, double dist, double t);

static void record_infection(struct run *r, uint32_t h, uint8_t flags, double t)
{
	r->events++;
	count_new(r, t);
	count_ever(r, h, t);
	record_congestion(r, t);
	if (r->ep_t) {
		r->ep_t[r->n_ep++] = t;
	} else if (r->ep) {
		if (r->n_ep == r->cap_ep) {
			r->cap_ep = r->cap_ep ? r->cap_ep * 2 : 4096;
			r->ep = ws_xreallocarray(r->ep, r->cap_ep, sizeof(*r->ep));
		}
		if (!r->lean)
			r->hs[h].epi = (uint32_t)r->n_ep;
		r->ep[r->n_ep++] = (struct ws_sim_episode){t, r->end, h, flags};
	}
}

/* A host's flags (rate class, Chinese, throttled), drawn independently. */
static uint8_t draw_flags(struct run *r)
{
	const struct ws_sim_scenario *sc = r->sc;
	uint8_t f = 0;
	if (sc->worm.rate_spread > 0)
		f |= (uint8_t)ws_rng_below(&r->g, WS_SIM_RATE_CLASSES);
	if (sc->worm.chinese_share > 0 && ws_rng_unit(&r->g) < sc->worm.chinese_share)
		f |= WS_HF_CHINESE;
	if (sc->def.throttle_rate > 0 && sc->def.throttle_share > 0 &&
	    ws_rng_unit(&r->g) < sc->def.throttle_share)
		f |= WS_HF_THROTTLED;
	return f;
}

/* Lean runs: the next infection (number gI) happens; who it is comes later. */
static void infect_lean(struct run *r, double t)
{
	uint32_t k = r->gI;
	uint8_t f = 0;
	if (r->iflag)
		r->iflag[k] = f = draw_flags(r);
	r->gS--;
	r->gI++;
	r->inf_by_flag[f & 0x1f]++;
	record_infection(r, k, f, t);
}

static void infect(struct run *r, uint32_t h, double t)
{
	move(r, h, ST_S, ST_I);
	r->hs[h].t_inf = (float)t;
	r->hs[h].serial++;
	record_infection(r, h, r->hflag[h], t);
	const struct ws_sim_worm *w = &r->sc->worm;
	double life = (r->hflag[h] & WS_HF_CHINESE) ? w->chinese_lifetime_h : w->lifetime_h;
	double end = INFINITY;
	if (life > 0)
		end = t + life * 3600.0;
	if (w->reboot_mean_h > 0) {
		double rb = t + ws_rng_exp(&r->g) * w->reboot_mean_h * 3600.0;
		if (rb < end)
			end = rb;
	}
	if (end < r->end)
		heap_push(&r->heap, (struct ev){end, h, (uint32_t)EV_END << 30 |
							 (r->hs[h].serial & 0x3fffffff)});
	if (w->strategy == WS_SIM_SEQUENTIAL) {
		/* Starts at a random address: find the first vulnerable at or after it. */
		uint32_t start = (uint32_t)ws_rng_u64(&r->g);
		uint32_t lo = 0, hi = r->n;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (r->coord[mid] < start)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t idx = lo == r->n ? 0 : lo;
		double dist = (double)(uint32_t)(r->coord[idx] - start) + 1.0;
		schedule_walk(r, h, idx, dist, t);
	}
}

static void end_episode(struct run *r, uint32_t h, double t, bool patched)
{
	int to = patched || !r->sc->worm.reinfectable ? ST_R : ST_S;
	move(r, h, ST_I, to);
	record_congestion(r, t);
	if (r->ep)
		r->ep[r->hs[h].epi].t_end = t;
}

/* ---- walkers (sequential scanning, the shared fixed sequence) ------------ */

/* Walker h reaches order[idx] after dist more probes (a Gamma(dist) wait at
 * its rate, in operational time). The tag's serial ties it to the episode. */
static void schedule_walk(struct run *r, uint32_t h, uint32_t idx, double dist, double t)
{
	double rate = ws_sim_host_rate(r->sc, r->class_rate[r->hflag[h] & WS_HF_RATE], r->hflag[h], t);
	double wait = (dist > 1e6 ? dist + sqrt(dist) * ws_rng_normal(&r->g)
				  : ws_rng_gamma(&r->g, dist)) / rate;
	r->walk_idx[h] = idx;
	heap_push(&r->walk, (struct ev){r->tau + wait, h,
					(uint32_t)EV_WALK << 30 | (r->hs[h].serial & 0x3fffffff)});
}

/* ---- thinning: does a candidate hit get through? ------------------------- */

enum { CL_ANY, CL_8, CL_16, CL_HIT };

/* Keeps a candidate from a source with these flags with probability
 * (its rate now) / (the bound). */
static bool accept_rate(struct run *r, uint8_t flags, double t)
{
	double rate = ws_sim_host_rate(r->sc, r->class_rate[flags & WS_HF_RATE], flags, t);
	return !(rate < r->r_max && ws_rng_unit(&r->g) * r->r_max >= rate);
}

/* Per-network defences between src and dst (filters, blacklists). */
static bool accept_path(struct run *r, uint32_t src, uint32_t dst, int cl, double t)
{
	const struct ws_sim_defence *d = &r->sc->def;
	if (cl == CL_16)
		return true; /* stays inside its own network */
	uint8_t gs = r->gflag[r->pop->host_group[src]], gd = r->gflag[r->pop->host_group[dst]];
	if (ws_sim_started(d->egress_start_h, t) && (gs & WS_GF_EGRESS))
		return false;
	if (ws_sim_started(d->content_filter_start_h, t) && ((gs | gd) & WS_GF_CONTENT))
		return false;
	if (ws_sim_started(d->blacklist_start_h, t) && (gd & WS_GF_BLACKLIST) &&
	    t - r->hs[src].t_inf >= d->blacklist_delay_s)
		return false;
	return true;
}

static bool accept(struct run *r, uint32_t src, uint32_t dst, int cl, double t)
{
	return accept_rate(r, r->hflag[src], t) && accept_path(r, src, dst, cl, t);
}

/* ---- picking sources and targets ----------------------------------------- */

static uint32_t pick_global(struct run *r, uint32_t off, uint32_t n)
{
	return r->gl[off + (uint32_t)ws_rng_below(&r->g, n)];
}

/* Uniform host of the given section within /8 a (fen: fS or fI). */
static uint32_t pick_in8(struct run *r, const struct fen *f, uint32_t a, uint32_t count,
			 bool infected)
{
	uint64_t base = fen_prefix(f, r->pop->first8[a]);
	uint32_t gi = fen_find(f, base + ws_rng_below(&r->g, count));
	const struct ws_sim_group *gr = &r->pop->groups[gi];
	uint32_t k = infected ? r->nS[gi] + (uint32_t)ws_rng_below(&r->g, r->nI[gi])
			      : (uint32_t)ws_rng_below(&r->g, r->nS[gi]);
	return r->sl[gr->first + k];
}

static uint32_t pick_in16(struct run *r, uint32_t gi, bool infected)
{
	const struct ws_sim_group *gr = &r->pop->groups[gi];
	uint32_t k = infected ? r->nS[gi] + (uint32_t)ws_rng_below(&r->g, r->nI[gi])
			      : (uint32_t)ws_rng_below(&r->g, r->nS[gi]);
	return r->sl[gr->first + k];
}

/* One candidate hit of the memoryless classes; infects when it gets through. */
static void memoryless_hit(struct run *r, const double *hz, double t)
{
	double u = ws_rng_unit(&r->g) * (hz[0] + hz[1] + hz[2] + hz[3]);
	int cl = u < hz[0] ? CL_ANY : u < hz[0] + hz[1] ? CL_8 : u < hz[0] + hz[1] + hz[2] ? CL_16 : CL_HIT;
	uint32_t src = 0, dst;
	if (r->lean) { /* only the uniform class; sources differ only by flags */
		uint8_t f = r->iflag ? r->iflag[ws_rng_below(&r->g, r->gI)] : 0;
		if (!r->thin || accept_rate(r, f, t))
			infect_lean(r, t);
		return;
	}
	switch (cl) {
	case CL_ANY:
		dst = pick_global(r, 0, r->gS);
		if (r->thin)
			src = pick_global(r, r->gS, r->gI);
		break;
	case CL_8: {
		uint32_t a = fen_find(&r->fW8, (uint64_t)ws_rng_below(&r->g, r->w8));
		dst = pick_in8(r, &r->fS, a, r->S8[a], false);
		if (r->thin)
			src = pick_in8(r, &r->fI, a, r->I8[a], true);
		break;
	}
	case CL_16: {
		uint32_t gi = fen_find(&r->fW16, (uint64_t)ws_rng_below(&r->g, r->w16));
		dst = pick_in16(r, gi, false);
		if (r->thin)
			src = pick_in16(r, gi, true);
		break;
	}
	default: { /* the hit-list: the next listed host, used up either way */
		uint32_t k = (uint32_t)ws_rng_below(&r->g, r->n_hit);
		dst = r->hit[k];
		r->hit[k] = r->hit[--r->n_hit];
		if (r->thin)
			src = pick_global(r, r->gS, r->gI);
		if (state(r, dst) != ST_S)
			return;
	}
	}
	if (r->thin && !accept(r, src, dst, cl, t))
		return;
	infect(r, dst, t);
}

/* A uniformly chosen susceptible host becomes infected. */
static void infect_any(struct run *r, double t)
{
	if (r->lean)
		infect_lean(r, t);
	else
		infect(r, pick_global(r, 0, r->gS), t);
}

/* Rate bounds of the memoryless classes at the current state, times the
 * infection factor `on` (calendar, night). */
static void hazards(const struct run *r, double on, double *hz)
{
	const struct ws_sim_worm *w = &r->sc->worm;
	double sending = r->inf16 ? r->agg : r->r_max * (double)r->gI;
	hz[0] = sending * w->p_any * (double)r->gS / r->any_space * on;
	hz[1] = r->local ? r->r_max * w->p_same8 * (double)r->w8 / TWO24 * on : 0.0;
	hz[2] = r->local ? r->r_max * w->p_same16 * (double)r->w16 / TWO16 * on : 0.0;
	hz[3] = r->n_hit ? r->r_max * (double)r->gI * on : 0.0;
}

/* Sum of the infected hosts' rates (permutation scanning). */
static double rate_sum(const struct run *r, double t)
{
	double s = 0;
	for (int f = 0; f < 32; f++)
		if (r->inf_by_flag[f])
			s += r->inf_by_flag[f] *
			     ws_sim_host_rate(r->sc, r->class_rate[f & WS_HF_RATE], (uint8_t)f, t);
	return s;
}

/* ---- setup ---------------------------------------------------------------- */

/* Conditional means of the 8 equal-mass slices of a log-normal with mean 1:
 * mean_k = 8 (Phi(z_{k+1} - s) - Phi(z_k - s)), z_k the k/8 quantiles. */
static void rate_classes(double mean, double sigma, double *out)
{
	static const double z[9] = {-INFINITY, -1.1503493803760079, -0.6744897501960817,
				    -0.3186393639643752, 0.0, 0.3186393639643752,
				    0.6744897501960817, 1.1503493803760079, INFINITY};
	for (int k = 0; k < WS_SIM_RATE_CLASSES; k++) {
		if (sigma <= 0) {
			out[k] = mean;
			continue;
		}
		double a = 0.5 * erfc(-(z[k] - sigma) / sqrt(2.0));
		double b = 0.5 * erfc(-(z[k + 1] - sigma) / sqrt(2.0));
		out[k] = mean * 8.0 * (b - a);
	}
}

static double reserved_space(const struct ws_sim_scenario *sc)
{
	double space = 4294967296.0 * sc->pop.space_scale;
	if (sc->worm.skip_reserved)
		space -= 2 * TWO24; /* 127/8 and 224/8 are redrawn */
	return space;
}

static void setup_hosts(struct run *r)
{
	const struct ws_sim_scenario *sc = r->sc;
	uint32_t n = r->n;
	if (r->lean) {
		r->gS = n;
		if (sc->worm.rate_spread > 0 || sc->worm.chinese_share > 0 ||
		    (sc->def.throttle_rate > 0 && sc->def.throttle_share > 0))
			r->iflag = ws_xcalloc(n, 1);
		r->gflag = ws_xcalloc(1, 1);
		return;
	}
	r->gl = ws_xreallocarray(NULL, n, sizeof(uint32_t));
	r->hs = ws_xcalloc(n, sizeof(*r->hs));
	for (uint32_t i = 0; i < n; i++) {
		r->gl[i] = i;
		r->hs[i].gpos = i;
	}
	r->gS = n;
	r->hflag = ws_xcalloc(n, 1);
	bool spread = sc->worm.rate_spread > 0;
	double thr = sc->def.throttle_rate > 0 ? sc->def.throttle_share : 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t f = 0;
		if (spread)
			f |= (uint8_t)ws_rng_below(&r->g, WS_SIM_RATE_CLASSES);
		if (sc->worm.chinese_share > 0 && ws_rng_unit(&r->g) < sc->worm.chinese_share)
			f |= WS_HF_CHINESE;
		if (thr > 0 && ws_rng_unit(&r->g) < thr)
			f |= WS_HF_THROTTLED;
		r->hflag[i] = f;
	}
	r->gflag = ws_xcalloc(r->pop->n_groups ? r->pop->n_groups : 1, 1);
	const struct ws_sim_defence *d = &sc->def;
	for (uint32_t gi = 0; gi < r->pop->n_groups; gi++) {
		uint8_t f = 0;
		if (d->content_filter_share > 0 && ws_rng_unit(&r->g) < d->content_filter_share)
			f |= WS_GF_CONTENT;
		if (d->blacklist_share > 0 && ws_rng_unit(&r->g) < d->blacklist_share)
			f |= WS_GF_BLACKLIST;
		if (d->egress_share > 0 && ws_rng_unit(&r->g) < d->egress_share)
			f |= WS_GF_EGRESS;
		r->gflag[gi] = f;
	}
	r->local = sc->worm.strategy == WS_SIM_LOCAL_PREF &&
		   (sc->worm.p_same8 > 0 || sc->worm.p_same16 > 0);
	if (r->local) {
		uint32_t ng = r->pop->n_groups;
		r->sl = ws_xreallocarray(NULL, n, sizeof(uint32_t));
		r->spos = ws_xreallocarray(NULL, n, sizeof(uint32_t));
		for (uint32_t i = 0; i < n; i++)
			r->sl[i] = r->spos[i] = i;
		r->nS = ws_xcalloc(ng, sizeof(uint32_t));
		r->nI = ws_xcalloc(ng, sizeof(uint32_t));
		fen_init(&r->fS, ng);
		fen_init(&r->fI, ng);
		fen_init(&r->fW16, ng);
		fen_init(&r->fW8, 256);
		for (uint32_t gi = 0; gi < ng; gi++) {
			r->nS[gi] = r->pop->groups[gi].count;
			fen_add(&r->fS, gi, r->nS[gi]);
			r->S8[r->pop->groups[gi].prefix16 >> 8] += r->nS[gi];
		}
	}
	/* Patch times, drawn ahead for every host: exponential at the patch rate
	 * from its start, or by inverting the patch curve. */
	if (d->patch_rate_h > 0 && d->patch_start_h >= 0) {
		for (uint32_t i = 0; i < n; i++) {
			double t = d->patch_start_h * 3600.0 + ws_rng_exp(&r->g) / d->patch_rate_h * 3600.0;
			if (t < r->end)
				heap_push(&r->heap, (struct ev){t, i, (uint32_t)EV_PATCH << 30});
		}
	} else if (d->n_patch_curve > 0) {
		for (uint32_t i = 0; i < n; i++) {
			double u = ws_rng_unit(&r->g);
			const double *hx = d->patch_curve_h, *sy = d->patch_curve_share;
			int k = 0;
			while (k < d->n_patch_curve && sy[k] <= u)
				k++;
			if (k == d->n_patch_curve)
				continue; /* never patched within the curve */
			double t = k == 0 ? hx[0]
					  : hx[k - 1] + (hx[k] - hx[k - 1]) * (u - sy[k - 1]) /
								(sy[k] - sy[k - 1]);
			if (t * 3600.0 < r->end)
				heap_push(&r->heap, (struct ev){t < 0 ? 0 : t * 3600.0, i,
								(uint32_t)EV_PATCH << 30});
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Walk order: addresses for sequential scanning; for the fixed sequence, each
 * host's place in one shared pseudo-random sequence (a hash of its address
 * under a fixed key: the same sequence for every copy and every run). */
static void setup_walk(struct run *r)
{
	uint64_t *key = ws_xreallocarray(NULL, r->n, sizeof(uint64_t));
	for (uint32_t h = 0; h < r->n; h++) {
		uint64_t a = ws_sim_pop_addr(r->pop, h);
		if (r->sc->worm.strategy == WS_SIM_FIXED_SEQUENCE) {
			uint64_t z = (a + 0x5eed5eed5eedull) * 0x9e3779b97f4a7c15ull;
			z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ull;
			a = (z ^ (z >> 29)) & 0xffffffffull;
		}
		key[h] = a << 32 | h;
	}
	qsort(key, r->n, sizeof(*key), cmp_u64);
	r->order = ws_xreallocarray(NULL, r->n, sizeof(uint32_t));
	r->coord = ws_xreallocarray(NULL, r->n, sizeof(uint32_t));
	for (uint32_t i = 0; i < r->n; i++) {
		r->order[i] = (uint32_t)key[i];
		r->coord[i] = (uint32_t)(key[i] >> 32);
	}
	free(key);
	r->walk_idx = ws_xcalloc(r->n, sizeof(uint32_t));
}

static void record_interval(struct run *r, size_t j)
{
	struct ws_sim_series *s = &r->res->s;
	s->susceptible[j] = r->gS;
	s->infected[j] = r->gI;
	s->removed[j] = r->n - r->gS - r->gI;
}

static void alloc_result(struct run *r)
{
	ws_sim_series_alloc(&r->res->s, r->n_int, (size_t)r->sc->n_telescopes);
	for (int k = 0; k < 5; k++)
		r->res->sum.t_pct[k] = NAN;
	r->res->sum.fitted_K_per_hour = NAN;
}

/* A walker's hit on order[idx]: infect when susceptible, then walk on. */
static void walk_hit(struct run *r, uint32_t h, double t)
{
	uint32_t idx = r->walk_idx[h], dst = r->order[idx];
	/* A walker already moves at its own rate: only the path can stop it. */
	if (state(r, dst) == ST_S && (!r->thin || accept_path(r, h, dst, CL_ANY, t)))
		infect(r, dst, t);
	uint32_t next = idx + 1 == r->n ? 0 : idx + 1;
	double dist = (double)(uint32_t)(r->coord[next] - r->coord[idx]);
	if (r->sc->worm.strategy == WS_SIM_FIXED_SEQUENCE && next == 0)
		return; /* the shared sequence is walked once */
	if (dist == 0)
		dist = 4294967296.0; /* a single host: all the way round */
	schedule_walk(r, h, next, dist, t);
}

/* Processes the heap's events due at or before t (real time; walkers are
 * due in operational time). */
static void due_events(struct run *r, double t)
{
	while (r->heap.n) {
		struct ev e = r->heap.v[0];
		int kind = (int)(e.tag >> 30);
		if (e.t > t)
			break;
		heap_pop(&r->heap);
		uint32_t h = e.host;
		int st = state(r, h);
		if (kind == EV_PATCH) {
			if (st == ST_I)
				end_episode(r, h, e.t, true);
			else if (st == ST_S)
				move(r, h, ST_S, ST_R);
		} else if (kind == EV_END && st == ST_I &&
			   (r->hs[h].serial & 0x3fffffff) == (e.tag & 0x3fffffff)) {
			end_episode(r, h, e.t, false);
		}
	}
}

static void free_run(struct run *r)
{
	free(r->gl);
	free(r->hs);
	free(r->sl);
	free(r->spos);
	free(r->nS);
	free(r->nI);
	free(r->fS.v);
	free(r->fI.v);
	free(r->fW16.v);
	free(r->fW8.v);
	free(r->hflag);
	free(r->iflag);
	free(r->gflag);
	free(r->hit);
	free(r->order);
	free(r->coord);
	free(r->heap.v);
	free(r->min_new);
	free(r->ep);
	free(r->ep_t);
	free(r->ep_host);
	free(r->walk_idx);
	free(r->walk.v);
	free(r->inf16);
	free(r->cong_t);
	free(r->cong_f);
}

static void seed_outbreak(struct run *r)
{
	const struct ws_sim_scenario *sc = r->sc;
	uint32_t k = sc->initial < r->n ? sc->initial : r->n;
	for (uint32_t i = 0; i < k; i++)
		infect_any(r, 0.0);
	if (sc->worm.hitlist) {
		uint32_t m = sc->worm.hitlist < r->gS ? sc->worm.hitlist : r->gS;
		r->hit = ws_xreallocarray(NULL, m ? m : 1, sizeof(uint32_t));
		/* m distinct susceptible hosts: a partial shuffle of the S section. */
		for (uint32_t i = 0; i < m; i++) {
			uint32_t j = i + (uint32_t)ws_rng_below(&r->g, r->gS - i);
			gswap(r, i, j);
			r->hit[i] = r->gl[i];
			r->hflag[r->hit[i]] |= WS_HF_HITLIST;
		}
		r->n_hit = m;
	}
	if (sc->worm.strategy == WS_SIM_FIXED_SEQUENCE && r->gI)
		schedule_walk(r, r->gl[r->gS], 0, (double)r->coord[0] + 1.0, 0.0);
}

/* The main loop: exponential waits to the next memoryless hit, the heap's
 * timed events, walkers and interval boundaries, in time order. */
static void loop(struct run *r)
{
	const struct ws_sim_scenario *sc = r->sc;
	const struct ws_sim_worm *w = &sc->worm;
	bool perm = w->strategy == WS_SIM_PERMUTATION;
	bool memoryless = w->strategy == WS_SIM_UNIFORM || w->strategy == WS_SIM_LOCAL_PREF;
	double t = 0;
	size_t j = 0;
	double brk = ws_sim_next_break(sc, 0);
	/* The multipliers change only at breaks. act2: source and target both on. */
	double act = ws_sim_active(sc, 0), act2 = act * ws_sim_night_on(sc, 0);
	while (t < r->end) {
		double next_int = (double)(j + 1) * r->interval;
		if (next_int > r->end)
			next_int = r->end;
		double next_sched = brk < next_int ? brk : next_int;
		if (r->heap.n && r->heap.v[0].t < next_sched)
			next_sched = r->heap.v[0].t;
		/* The next walker's hit, from operational to real time. */
		double walk_t = INFINITY;
		if (r->walk.n && act > 0)
			walk_t = t + (r->walk.v[0].t - r->tau) / act;
		double hz[4] = {0, 0, 0, 0}, total = 0, dt = INFINITY;
		double perm_rate = 0, gap = 0;
		if (memoryless || r->n_hit) {
			hazards(r, memoryless ? act2 : 0, hz);
			if (r->n_hit)
				hz[3] = r->r_max * (double)r->gI * act;
			total = hz[0] + hz[1] + hz[2] + hz[3];
			if (total > 0)
				dt = ws_rng_exp(&r->g) / total;
		}
		if (perm && !r->n_hit && r->gS && r->unscanned >= 1) {
			perm_rate = rate_sum(r, t) * act;
			if (perm_rate > 0) {
				/* Addresses to the next susceptible among those not yet
				 * probed: P(gap > x) = (1 - x/U)^S. */
				gap = r->unscanned * -expm1(log(ws_rng_unit_pos(&r->g)) / (double)r->gS);
				double pdt = (gap + 1.0) / perm_rate;
				if (pdt < dt) {
					dt = pdt;
					total = -1; /* marks a permutation hit */
				}
			}
		}
		double cand = t + dt;
		if (walk_t < cand && walk_t <= next_sched) {
			/* the walker's hit comes first */
			if (perm && perm_rate > 0)
				r->unscanned -= perm_rate * (walk_t - t);
			r->tau = r->walk.v[0].t;
			t = walk_t;
			struct ev e = heap_pop(&r->walk);
			if (state(r, e.host) == ST_I &&
			    (r->hs[e.host].serial & 0x3fffffff) == (e.tag & 0x3fffffff)) {
				walk_hit(r, e.host, t);
			} else if (w->strategy == WS_SIM_FIXED_SEQUENCE && r->gI) {
				/* The front's copy is gone; the shared sequence is walked on
				 * by another copy (all walk the same list; this one takes
				 * over the front: an approximation, see docs). */
				uint32_t h2 = pick_global(r, r->gS, r->gI);
				r->walk_idx[h2] = r->walk_idx[e.host];
				walk_hit(r, h2, t);
			}
			continue;
		}
		if (cand >= next_sched) {
			if (perm && perm_rate > 0)
				r->unscanned -= perm_rate * (next_sched - t);
			r->tau += act * (next_sched - t);
			t = next_sched;
			due_events(r, t);
			if (t >= brk) {
				brk = ws_sim_next_break(sc, t);
				act = ws_sim_active(sc, t);
				act2 = act * ws_sim_night_on(sc, t);
			}
			while (j < r->n_int && t >= (double)(j + 1) * r->interval - 1e-9) {
				record_interval(r, j);
				j++;
			}
			if (t >= r->end)
				break;
			continue;
		}
		r->tau += act * dt;
		t = cand;
		if (total < 0) {
			r->unscanned -= gap + 1.0;
			infect_any(r, t);
		} else {
			memoryless_hit(r, hz, t);
		}
	}
	while (j < r->n_int)
		record_interval(r, j++);
}

/* A pseudo-random permutation of [0, n) keyed by the run: a 4-round
 * Feistel network over the smallest even power of two >= n, walking the
 * cycle until the value falls below n. */
static uint32_t permute(uint64_t key, uint32_t n, uint32_t x)
{
	int bits = 2;
	while (bits < 32 && (1u << bits) < n)
		bits += 2;
	int half = bits / 2;
	uint32_t mask = (1u << half) - 1;
	do {
		uint32_t l = x >> half, rr = x & mask;
		for (int round = 0; round < 4; round++) {
			uint64_t z = (rr + key + (uint64_t)round * 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
			uint32_t f = (uint32_t)(z >> 40) & mask;
			uint32_t nl = rr;
			rr = l ^ f;
			l = nl;
		}
		x = l << half | rr;
	} while (x >= n);
	return x;
}

/* Lean runs: the k-th infection took a host drawn uniformly from those not
 * yet taken. Hosts are exchangeable, so any random one-to-one naming of the
 * infections is that; a keyed pseudo-random permutation costs no memory. */
static void name_infections(struct run *r)
{
	/* Its own stream: asking for an output never changes the others. */
	struct ws_rng g;
	ws_rng_seed(&g, r->seed, 2);
	uint64_t key = ws_rng_u64(&g);
	r->ep_host = ws_xreallocarray(NULL, r->n_ep ? r->n_ep : 1, sizeof(uint32_t));
	for (size_t k = 0; k < r->n_ep; k++)
		r->ep_host[k] = permute(key, r->n, (uint32_t)k);
}

static void finish_summary(struct run *r)
{
	struct ws_sim_summary *s = &r->res->sum;
	s->final_infected = r->gI;
	s->ever_infected = (double)r->ever;
	s->events = r->events;
	double peak = 0;
	for (size_t m = 0; m < r->n_min; m++)
		if (r->min_new[m] > peak)
			peak = r->min_new[m];
	s->peak_new_per_min = peak;
	if (r->sn >= 2) {
		double d = r->sn * r->sxx - r->sx * r->sx;
		if (d > 0)
			s->fitted_K_per_hour = (r->sn * r->sxy - r->sx * r->sy) / d;
	}
}

int ws_sim_run_fast(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
		    struct ws_sim_result *res, const struct ws_sim_outputs *o, ws_sim_trace_sink sink)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.sc = sc;
	r.pop = pop;
	r.res = res;
	r.n = pop->n_hosts;
	ws_rng_seed(&r.g, seed, 1);
	r.seed = seed;
	r.end = sc->duration_h * 3600.0;
	r.interval = sc->interval_s;
	r.inv_interval = 1.0 / sc->interval_s;
	r.n_int = (size_t)ceil(r.end / r.interval - 1e-9);
	if (r.n_int < 1)
		r.n_int = 1;
	r.n_min = (size_t)ceil(r.end / 60.0 - 1e-9);
	if (r.n_min < 1)
		r.n_min = 1;
	r.min_new = ws_xcalloc(r.n_min, sizeof(double));
	alloc_result(&r);
	static const double pct[5] = {0.01, 0.10, 0.50, 0.90, 0.99};
	for (int k = 0; k < 5; k++) {
		r.pct_target[k] = (uint64_t)ceil(pct[k] * r.n);
		if (r.pct_target[k] < 1)
			r.pct_target[k] = 1;
	}
	/* The fit's range as whole counts, once (C is a whole number). */
	r.fit_lo = (uint64_t)ceil(0.01 * (double)r.n);
	r.fit_hi = (uint64_t)floor(0.5 * (double)r.n);
	if (r.n == 0 || r.fit_hi > (uint64_t)r.n - 1)
		r.fit_hi = r.n ? (uint64_t)r.n - 1 : 0;
	if (r.fit_lo < 1)
		r.fit_lo = 1;
	rate_classes(ws_sim_mean_rate(&sc->worm), sc->worm.rate_spread, r.class_rate);
	r.r_max = 0;
	for (int k = 0; k < WS_SIM_RATE_CLASSES; k++) {
		double x = r.class_rate[k] * (sc->worm.chinese_share > 0 && sc->worm.chinese_rate_factor > 1
						      ? sc->worm.chinese_rate_factor
						      : 1.0);
		if (sc->worm.bandwidth_cap > 0 && x > sc->worm.bandwidth_cap)
			x = sc->worm.bandwidth_cap;
		if (x > r.r_max)
			r.r_max = x;
	}
	const struct ws_sim_defence *d = &sc->def;
	r.thin = sc->worm.rate_spread > 0 || sc->worm.chinese_share > 0 ||
		 sc->worm.bandwidth_cap > 0 || d->content_filter_share > 0 ||
		 d->blacklist_share > 0 || d->tarpit_share > 0 ||
		 (d->throttle_rate > 0 && d->throttle_share > 0) || d->egress_share > 0;
	r.any_space = reserved_space(sc);
	const struct ws_sim_worm *w = &sc->worm;
	r.lean = (w->strategy == WS_SIM_UNIFORM || w->strategy == WS_SIM_PERMUTATION) &&
		 !(w->p_same8 > 0 || w->p_same16 > 0) && w->lifetime_h <= 0 &&
		 w->reboot_mean_h <= 0 && w->hitlist == 0 && d->patch_rate_h <= 0 &&
		 d->n_patch_curve == 0 && d->blacklist_share <= 0 &&
		 d->content_filter_share <= 0 && d->egress_share <= 0 &&
		 !(w->chinese_share > 0 && w->chinese_lifetime_h > 0) && w->link16_rate <= 0;
	if (w->link16_rate > 0)
		r.inf16 = ws_xcalloc(pop->n_groups ? pop->n_groups : 1, sizeof(uint32_t));
	r.unscanned = r.any_space;
	bool want_log = o && o->log;
	if ((sc->n_telescopes || want_log) && r.lean) {
		/* A lean run infects each host at most once. */
		r.ep_t = ws_xreallocarray(NULL, r.n ? r.n : 1, sizeof(double));
	} else if (sc->n_telescopes || want_log) {
		r.ep = ws_xreallocarray(NULL, 4096, sizeof(*r.ep));
		r.cap_ep = 4096;
	}
	setup_hosts(&r);
	if (sc->worm.strategy == WS_SIM_SEQUENTIAL || sc->worm.strategy == WS_SIM_FIXED_SEQUENCE)
		setup_walk(&r);
	seed_outbreak(&r);
	loop(&r);
	finish_summary(&r);
	if (r.lean && r.ep_t && ((o && (o->hosts || o->pcap)) || want_log || sc->dhcp_churn_h > 0))
		name_infections(&r);
	int rc = 0;
	if (sink) {
		struct ws_sim_trace tr = {sc,	     pop,	r.hflag,  r.gflag, {0},	r.any_space,
					  r.end,     r.ep,	r.n_ep,	  r.lean,  r.ep_t,	r.ep_host,
					  r.iflag,   r.cong_t,	r.cong_f, r.n_cong};
		memcpy(tr.class_rate, r.class_rate, sizeof(tr.class_rate));
		rc = sink(&tr, &r.g, seed, res, o);
	}
	free_run(&r);
	return rc;
}
