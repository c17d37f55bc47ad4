/* SPDX-License-Identifier: MIT */
/* The per-probe mode of `wormscope simulate` (validation part of sim/): turns
 * a simulator scenario (sim.h) into a per-probe run (probe.h) and its result
 * back into the simulator's series and summary.
 *
 * What it models is stated in probe.h; everything else is refused by name
 * rather than silently ignored, since this mode exists to check the fast one.
 * The calendar, expiry, night-time switch-off, bandwidth cap, tarpit delay and
 * throttle act on every host's rate alike, through the core's own timing
 * functions (clock.h). space_scale < 1 (scaled tests, uniform scanning only)
 * shrinks the space the uniform class draws from to S = space_scale 2^32
 * addresses, [0, S) as the fast engine counts it. The hosts sit in /16s
 * anywhere, so the run permutes /16s: each host /16 outside [0, S) trades
 * places with a /16 inside that holds no host and no telescope. Every host
 * is then hit with probability 1/S per probe, and a telescope inside [0, S)
 * sees |T| / S of the probes, as in the fast engine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/probe.h"
#include "sim/sim.h"
#include "util/mem.h"

/* The rate of every host at time t relative to its base rate, constant until
 * the next break: the simulator core's own calendar, night and defence
 * timing (clock.h), so that both modes switch at the same instants. */
struct factor {
	const struct ws_sim_scenario *sc;
	double base;
	uint8_t hflag;
};

static double rate_factor(const void *ctx, double t, double *until)
{
	const struct factor *c = ctx;
	*until = ws_sim_next_break(c->sc, t);
	return ws_sim_active(c->sc, t) * ws_sim_host_rate(c->sc, c->base, c->hflag, t) / c->base;
}

/* The first scenario feature this mode does not model, or NULL. */
static const char *unsupported(const struct ws_sim_scenario *sc)
{
	const struct ws_sim_worm *w = &sc->worm;
	const struct ws_sim_defence *d = &sc->def;
	if (w->strategy != WS_SIM_UNIFORM && w->strategy != WS_SIM_LOCAL_PREF)
		return ws_sim_strategy_name(w->strategy);
	if (w->strategy == WS_SIM_UNIFORM && w->skip_reserved)
		return "skip_reserved with uniform scanning";
	/* The per-probe local draw always redraws 127/8, 224/8 and the source. */
	if (w->strategy == WS_SIM_LOCAL_PREF && !w->skip_reserved)
		return "local preference without skip_reserved (e.g. nimda: --set skip_reserved=true)";
	if (w->rate_spread > 0)
		return "rate_spread";
	if (w->link16_rate > 0)
		return "link16_rate";
	if (w->hitlist)
		return "hitlist";
	if (w->lifetime_h > 0 || w->reboot_mean_h > 0)
		return "host lifetime and reboots";
	if (w->chinese_share > 0)
		return "chinese_share";
	if (d->patch_rate_h > 0 || d->n_patch_curve > 0)
		return "patching";
	if (d->content_filter_share > 0 || d->blacklist_share > 0 || d->egress_share > 0)
		return "filtering and blacklisting";
	if (d->throttle_rate > 0 && d->throttle_share < 1)
		return "throttling a share of the hosts";
	if (sc->dhcp_churn_h > 0)
		return "DHCP churn";
	return NULL;
}

static int block_watched(const struct ws_sim_scenario *sc, uint32_t b)
{
	for (int k = 0; k < sc->n_telescopes; k++) {
		int bits = sc->tel[k].bits;
		uint32_t mask = bits ? ~0u << (32 - bits) : 0;
		if (bits > 16 ? sc->tel[k].net >> 16 == b : ((b << 16) & mask) == (sc->tel[k].net & mask))
			return 1;
	}
	return 0;
}

/* The /16 permutation of a scaled space of `space` addresses (see the top of
 * the file); NULL with e filled when the space has too few free /16s. */
static uint16_t *block_map(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
			   uint64_t space, struct ws_err *e)
{
	uint32_t inside = (uint32_t)(space >> 16);
	uint8_t *used = ws_xcalloc(65536, 1);
	for (uint32_t g = 0; g < pop->n_groups; g++)
		used[pop->groups[g].prefix16] = 1;
	uint16_t *map = ws_xreallocarray(NULL, 65536, sizeof *map);
	for (uint32_t b = 0; b < 65536; b++)
		map[b] = (uint16_t)b;
	uint32_t f = 0;
	for (uint32_t h = inside; h < 65536; h++) {
		if (!used[h])
			continue;
		while (f < inside && (used[f] || block_watched(sc, f)))
			f++;
		if (f == inside) {
			free(used);
			free(map);
			ws_err_set(e, WS_EUSAGE,
				   "per-probe mode: space_scale leaves too few free /16s for the hosts");
			return NULL;
		}
		map[f] = (uint16_t)h;
		map[h] = (uint16_t)f;
		f++;
	}
	free(used);
	return map;
}

/* Distinct random initial hosts (a partial Fisher-Yates shuffle). */
static uint32_t *pick_initial(uint32_t n, uint32_t k, uint64_t seed)
{
	struct ws_probe_rng g;
	ws_probe_rng_seed(&g, seed, 3);
	uint32_t *perm = ws_xreallocarray(NULL, n, sizeof *perm);
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	for (uint32_t i = 0; i < k; i++) {
		uint32_t j = i + (uint32_t)(((uint64_t)ws_probe_rng_u32(&g) * (n - i)) >> 32);
		uint32_t tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	return perm;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Summary figures from the exact infection times: t_pct, the logit slope
 * over the infections between 1 % and 50 % of N, and the busiest minute. */
static void summarise_times(const struct ws_probe_result *r, size_t n, struct ws_sim_summary *s)
{
	double *t = ws_xreallocarray(NULL, n, sizeof *t);
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (r->infected_at[i] >= 0)
			t[c++] = r->infected_at[i];
	qsort(t, c, sizeof *t, cmp_double);
	static const double pct[5] = {0.01, 0.10, 0.50, 0.90, 0.99};
	for (int k = 0; k < 5; k++) {
		size_t need = (size_t)ceil(pct[k] * (double)n);
		s->t_pct[k] = need >= 1 && need <= c ? t[need - 1] : NAN;
	}
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
	for (size_t i = 0; i < c; i++) {
		double frac = (double)(i + 1) / (double)n;
		if (frac < 0.01 || frac > 0.5)
			continue;
		double x = t[i] / 3600, y = log(frac / (1 - frac));
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		m++;
	}
	double den = m * sxx - sx * sx;
	s->fitted_K_per_hour = m >= 2 && den > 0 ? (m * sxy - sx * sy) / den : NAN;
	double peak = 0;
	for (size_t i = 0, j = 0; i < c; i++) {
		while (floor(t[j] / 60) < floor(t[i] / 60))
			j++;
		if ((double)(i - j + 1) > peak)
			peak = (double)(i - j + 1);
	}
	s->peak_new_per_min = peak;
	s->ever_infected = (double)c;
	s->events = c;
	free(t);
}

static double *to_doubles(const uint64_t *v, size_t n)
{
	double *d = ws_xcalloc(n ? n : 1, sizeof *d);
	for (size_t i = 0; i < n; i++)
		d[i] = (double)v[i];
	return d;
}

static void fill_result(const struct ws_sim_scenario *sc, const struct ws_probe_result *r,
			size_t n_hosts, struct ws_sim_result *res)
{
	size_t nj = r->n_intervals, nt = (size_t)sc->n_telescopes;
	memset(res, 0, sizeof *res);
	struct ws_sim_series *s = &res->s;
	s->n = nj;
	s->infected = to_doubles(r->infected, nj);
	s->new_infections = to_doubles(r->new_infections, nj);
	s->susceptible = ws_xcalloc(nj ? nj : 1, sizeof *s->susceptible);
	s->removed = ws_xcalloc(nj ? nj : 1, sizeof *s->removed);
	for (size_t j = 0; j < nj; j++)
		s->susceptible[j] = (double)n_hosts - s->infected[j];
	s->tel_probes = to_doubles(r->tel_probes, nt * nj);
	s->tel_sources = to_doubles(r->tel_sources, nt * nj);
	s->tel_new_sources = to_doubles(r->tel_new_sources, nt * nj);
	summarise_times(r, n_hosts, &res->sum);
	res->sum.final_infected = nj ? s->infected[nj - 1] : 0;
	/* Telescope counts are per interval; a per-minute peak needs minute
	 * intervals, other widths are scaled to a minute. */
	for (size_t k = 0; k < nt; k++) {
		double peak = 0, total = 0;
		for (size_t j = 0; j < nj; j++) {
			double v = s->tel_new_sources[k * nj + j];
			total += v;
			if (v > peak)
				peak = v;
		}
		res->sum.peak_new_sources_per_min[k] = peak * 60 / sc->interval_s;
		res->sum.tel_sources_total[k] = total;
	}
}

int ws_probe_sim_prepare(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
			 uint64_t seed, void (*tick)(void *tick_ctx, double done), void *tick_ctx,
			 struct ws_probe_prep *p, struct ws_err *e)
{
	memset(p, 0, sizeof *p);
	const char *what = unsupported(sc);
	if (what)
		return ws_err_set(e, WS_EUSAGE, "per-probe mode does not model %s (use the fast mode)",
				  what);
	uint32_t n = pop->n_hosts;
	if (n == 0)
		return ws_err_set(e, WS_EUSAGE, "per-probe mode: no vulnerable hosts");
	double rate = ws_sim_mean_rate(&sc->worm);
	if (!(rate > 0))
		return ws_err_set(e, WS_EUSAGE, "per-probe mode: the scan rate must be > 0");
	struct factor *fac = ws_xcalloc(1, sizeof *fac);
	*fac = (struct factor){sc, rate, sc->def.throttle_rate > 0 ? WS_HF_THROTTLED : 0};
	uint64_t space = (uint64_t)1 << 32;
	uint16_t *map = NULL;
	if (sc->worm.strategy == WS_SIM_UNIFORM && sc->pop.space_scale > 0 &&
	    sc->pop.space_scale < 1) {
		space = (uint64_t)llround(sc->pop.space_scale * 4294967296.0);
		if (space < 65536) {
			free(fac);
			return ws_err_set(e, WS_EUSAGE, "per-probe mode: space_scale below one /16");
		}
		map = block_map(sc, pop, space, e);
		if (!map) {
			free(fac);
			return WS_EUSAGE;
		}
	}
	uint32_t *addr = ws_xreallocarray(NULL, n, sizeof *addr);
	for (uint32_t h = 0; h < n; h++)
		addr[h] = ws_sim_pop_addr(pop, h);
	uint32_t k0 = sc->initial < n ? sc->initial : n;
	uint32_t *initial = pick_initial(n, k0, seed);
	for (int k = 0; k < sc->n_telescopes; k++) {
		uint32_t mask = sc->tel[k].bits ? ~0u << (32 - sc->tel[k].bits) : 0;
		p->tel[k] = (struct ws_probe_telescope){sc->tel[k].net & mask, mask};
	}
	struct ws_probe_mix mix = {(uint32_t)lround(sc->worm.p_any * 65536),
				   (uint32_t)lround(sc->worm.p_same8 * 65536)};
	p->ps = (struct ws_probe_scenario){
		.addr = addr, .n = n, .initial = initial, .n_initial = k0, .rate = rate,
		.duration = sc->duration_h * 3600, .interval = sc->interval_s,
		.strategy = sc->worm.strategy == WS_SIM_LOCAL_PREF ? WS_PROBE_LOCAL : WS_PROBE_UNIFORM,
		.mix = mix, .space = space, .block_map = map, .telescope = p->tel,
		.n_telescope = (size_t)sc->n_telescopes, .seed = seed,
		.delay = sc->worm.infection_delay_s, .rate_factor = rate_factor, .ctx = fac, .tick = tick, .tick_ctx = tick_ctx};
	p->addr = addr;
	p->initial = initial;
	p->map = map;
	p->fac = fac;
	return 0;
}

void ws_probe_sim_release(struct ws_probe_prep *p)
{
	free(p->addr);
	free(p->initial);
	free(p->map);
	free(p->fac);
	memset(p, 0, sizeof *p);
}

void ws_probe_sim_fill(const struct ws_sim_scenario *sc, const struct ws_probe_result *r,
		       size_t n_hosts, struct ws_sim_result *res)
{
	fill_result(sc, r, n_hosts, res);
}

int ws_probe_sim_run(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
		     uint64_t seed, struct ws_sim_result *res, struct ws_err *e)
{
	return ws_probe_sim_run_tick(sc, pop, seed, res, NULL, NULL, e);
}

int ws_probe_sim_run_tick(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
			  uint64_t seed, struct ws_sim_result *res,
			  void (*tick)(void *tick_ctx, double done), void *tick_ctx,
			  struct ws_err *e)
{
	struct ws_probe_prep p;
	int rc = ws_probe_sim_prepare(sc, pop, seed, tick, tick_ctx, &p, e);
	if (rc)
		return rc;
	struct ws_probe_result r;
	rc = ws_probe_run(&p.ps, &r, e);
	if (rc == 0) {
		fill_result(sc, &r, p.ps.n, res);
		ws_probe_result_free(&r);
	}
	ws_probe_sim_release(&p);
	return rc;
}
