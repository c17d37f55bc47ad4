/* SPDX-License-Identifier: MIT */
/* Runs and ensembles (simulator core): builds the population, dispatches to
 * the fast engine or the per-probe one, and reduces N runs to the median and
 * the 5 % and 95 % quantiles of every series value and summary figure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/emit.h"
#include "sim/engine.h"
#include "sim/probe.h"
#include "sim/sim.h"
#include "sim/tele.h"

/* The engine's sink: what the outputs draw from a finished run's trace.
 * The telescopes go on from the run's own generator; the server's draws come
 * from their own stream, too. */
static int draw_outputs(const struct ws_sim_trace *tr, struct ws_rng *g, uint64_t seed,
			struct ws_sim_result *res, const struct ws_sim_outputs *o)
{
	const struct ws_sim_scenario *sc = tr->sc;
	if (sc->n_telescopes)
		ws_sim_telescopes(tr, g, res, o ? o->hosts : NULL);
	struct ws_rng gs;
	ws_rng_seed(&gs, seed, 4);
	if (o && o->log) {
		struct ws_sim_probe *v;
		size_t n = ws_sim_server_probes(tr, &gs, o->server, &v);
		ws_sim_emit_log(sc, o->log_header ? o->log_header : "", o->server_kind, v, n, o->log);
		free(v);
	}
	return o && o->pcap && sc->n_telescopes ? ws_sim_run_pcap(tr, seed, o) : 0;
}

int ws_sim_run(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
	       struct ws_sim_result *res, struct ws_buf *hosts_out, struct ws_err *e)
{
	struct ws_sim_outputs o = {.hosts = hosts_out};
	return ws_sim_run_with(sc, pop, seed, res, &o, e);
}

int ws_sim_run_with(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
		    struct ws_sim_result *res, const struct ws_sim_outputs *o, struct ws_err *e)
{
	struct ws_sim_pop own;
	memset(res, 0, sizeof(*res));
	if (o && o->hosts && sc->n_telescopes == 0)
		return ws_err_set(e, WS_EUSAGE, "--telescope-hosts needs a --telescope");
	if (o && o->pcap && sc->n_telescopes == 0)
		return ws_err_set(e, WS_EUSAGE, "--emit-pcap needs a --telescope (the prefix whose "
				  "probes it records)");
	if (!pop) {
		int rc = ws_sim_pop_for(sc, seed, &own, e);
		if (rc)
			return rc;
		pop = &own;
	}
	int rc;
	if (sc->mode == WS_SIM_MODE_PROBE) {
		/* refused before the run, not after its minutes */
		rc = o && (o->hosts || o->log || o->pcap)
			     ? ws_err_set(e, WS_EUSAGE, "--telescope-hosts, --emit-log and --emit-pcap "
					  "need the fast mode")
			     : ws_probe_sim_run_tick(sc, pop, seed, res, o ? o->tick : NULL,
						     o ? o->tick_ctx : NULL, e);
	} else {
		rc = ws_sim_run_fast(sc, pop, seed, res, o, draw_outputs);
		if (rc && o && o->pcap_err)
			*e = *o->pcap_err;
	}
	if (pop == &own)
		ws_sim_pop_free(&own);
	return rc;
}

void ws_sim_result_free(struct ws_sim_result *r)
{
	struct ws_sim_series *s = &r->s;
	free(s->susceptible);
	free(s->infected);
	free(s->removed);
	free(s->new_infections);
	free(s->tel_probes);
	free(s->tel_sources);
	free(s->tel_new_sources);
	free(s->tel_seen);
	memset(r, 0, sizeof(*r));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	/* NAN (never reached) sorts last: "later than any time". */
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return x < y ? -1 : x > y;
}

/* Quantile q of v[0..n) (sorted in place), by linear interpolation between
 * order statistics; NAN when the interpolation touches a NAN. */
static double quantile(double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	double f = pos - (double)lo;
	/* An order statistic that falls exactly on a run is that run's value:
	 * the NAN next to it does not count (3 of 5 runs at 1 % means the
	 * median reached 1 %). */
	if (f == 0 || hi == lo)
		return v[lo];
	if (isnan(v[lo]) || isnan(v[hi]))
		return NAN;
	return v[lo] + (v[hi] - v[lo]) * f;
}

/* Reduces field values across runs: vals[run] -> med, lo, hi. */
static void reduce(double *vals, size_t runs, double *med, double *lo, double *hi)
{
	qsort(vals, runs, sizeof(*vals), cmp_double);
	*med = quantile(vals, runs, 0.5);
	*lo = quantile(vals, runs, 0.05);
	*hi = quantile(vals, runs, 0.95);
}

/* Cumulative sources seen, per telescope. */
static void fill_seen(struct ws_sim_series *s, size_t nt)
{
	free(s->tel_seen);
	s->tel_seen = ws_xcalloc(s->n * nt + 1, sizeof(double));
	for (size_t t = 0; t < nt; t++) {
		double c = 0;
		for (size_t j = 0; j < s->n; j++)
			s->tel_seen[t * s->n + j] = c += s->tel_new_sources[t * s->n + j];
	}
}

/* Series arrays and summary figures, addressed uniformly. */
#define N_SERIES 8
static double *series_field(struct ws_sim_result *r, int f)
{
	struct ws_sim_series *s = &r->s;
	double *v[N_SERIES] = {s->susceptible, s->infected, s->removed, s->new_infections,
			       s->tel_probes, s->tel_sources, s->tel_new_sources, s->tel_seen};
	return v[f];
}

static int n_summary(int nt)
{
	return 4 + 5 + 2 * nt;
}

static double *summary_field(struct ws_sim_result *r, int f)
{
	struct ws_sim_summary *s = &r->sum;
	switch (f) {
	case 0: return &s->final_infected;
	case 1: return &s->ever_infected;
	case 2: return &s->peak_new_per_min;
	case 3: return &s->fitted_K_per_hour;
	default: break;
	}
	f -= 4;
	if (f < 5)
		return &s->t_pct[f];
	f -= 5;
	return f % 2 ? &s->tel_sources_total[f / 2] : &s->peak_new_sources_per_min[f / 2];
}

bool ws_sim_died_out(const struct ws_sim_summary *s, double n_vulnerable, double max_ever)
{
	if (s->ever_infected >= WS_SIM_TAKEOFF_SHARE * n_vulnerable)
		return false;
	return s->ever_infected < 0.1 * max_ever || s->final_infected <= 0;
}

/* Reduces the summary figures over the runs in idx[0..k). The times to a
 * share treat never as later than any time; K is a median over the runs
 * that have one (a run that never reached 50 % has no fit, which says
 * nothing about the slope of those that did). */
static void reduce_summary(struct ws_sim_result *all, const size_t *idx, size_t k, int nt,
			   struct ws_sim_ensemble *out)
{
	double *vals = ws_xcalloc(k, sizeof(double));
	for (int f = 0; f < n_summary(nt); f++) {
		size_t m = 0;
		for (size_t i = 0; i < k; i++) {
			double v = *summary_field(&all[idx[i]], f);
			if (f != 3 || !isnan(v))
				vals[m++] = v;
		}
		if (m == 0) {
			*summary_field(&out->med, f) = *summary_field(&out->lo, f) =
				*summary_field(&out->hi, f) = NAN;
			continue;
		}
		reduce(vals, m, summary_field(&out->med, f), summary_field(&out->lo, f),
		       summary_field(&out->hi, f));
	}
	free(vals);
}

int ws_sim_run_ensemble(const struct ws_sim_scenario *sc, struct ws_sim_ensemble *out,
			struct ws_buf *hosts_out, struct ws_err *e)
{
	struct ws_sim_outputs o = {.hosts = hosts_out};
	return ws_sim_run_ensemble_with(sc, out, &o, e);
}

/* Within-run progress of run i of an ensemble, as runs done. */
struct ens_tick {
	const struct ws_sim_outputs *o;
	int i, runs;
};

static void ens_tick(void *ctx, double done)
{
	struct ens_tick *t = ctx;
	t->o->progress(t->o->progress_ctx, t->i + done, t->runs);
}

int ws_sim_run_ensemble_with(const struct ws_sim_scenario *sc, struct ws_sim_ensemble *out,
			     const struct ws_sim_outputs *o, struct ws_err *e)
{
	memset(out, 0, sizeof(*out));
	size_t runs = (size_t)sc->runs;
	struct ws_sim_result *all = ws_xcalloc(runs, sizeof(*all));
	int rc = 0;
	for (size_t i = 0; i < runs && rc == 0; i++) {
		/* Identities and the server log come from the first run only;
		 * every run reports its progress. */
		struct ens_tick et = {o, (int)i, (int)runs};
		struct ws_sim_outputs oi = {0};
		if (i == 0 && o)
			oi = *o;
		if (o && o->progress) {
			oi.tick = ens_tick;
			oi.tick_ctx = &et;
		}
		rc = ws_sim_run_with(sc, NULL, sc->seed + i, &all[i], i == 0 || oi.tick ? &oi : NULL, e);
		if (rc == 0 && o && o->progress)
			o->progress(o->progress_ctx, (double)i + 1, (int)runs);
	}
	if (rc == 0)
		ws_sim_ensemble_reduce(sc, all, runs, out);
	for (size_t i = 0; i < runs; i++)
		ws_sim_result_free(&all[i]);
	free(all);
	return rc;
}

void ws_sim_ensemble_reduce(const struct ws_sim_scenario *sc, struct ws_sim_result *all,
			    size_t runs, struct ws_sim_ensemble *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = all[0].s.n, nt = (size_t)sc->n_telescopes;
	for (size_t i = 0; i < runs; i++)
		fill_seen(&all[i].s, nt);
	out->runs = (int)runs;
	/* Runs that died out are counted apart; the medians and bands are
	 * over the runs that took off (over all runs when none did), so
	 * that no figure mixes a few large outbreaks with fizzles. */
	double max_ever = 0, nv = (double)sc->pop.vulnerable;
	for (size_t i = 0; i < runs; i++)
		if (all[i].sum.ever_infected > max_ever)
			max_ever = all[i].sum.ever_infected;
	size_t *idx = ws_xcalloc(runs, sizeof(size_t)), k = 0;
	for (size_t i = 0; i < runs; i++)
		if (!ws_sim_died_out(&all[i].sum, nv, max_ever))
			idx[k++] = i;
	out->died_out = (int)(runs - k);
	if (k == 0)
		for (; k < runs; k++)
			idx[k] = k;
	out->reduced = (int)k;
	ws_sim_series_alloc(&out->med.s, n, nt);
	ws_sim_series_alloc(&out->lo.s, n, nt);
	ws_sim_series_alloc(&out->hi.s, n, nt);
	double *vals = ws_xcalloc(runs, sizeof(double));
	for (int f = 0; f < N_SERIES; f++) {
		size_t len = f < 4 ? n : n * nt;
		for (size_t j = 0; j < len; j++) {
			for (size_t i = 0; i < k; i++)
				vals[i] = series_field(&all[idx[i]], f)[j];
			reduce(vals, k, &series_field(&out->med, f)[j],
			       &series_field(&out->lo, f)[j], &series_field(&out->hi, f)[j]);
		}
	}
	reduce_summary(all, idx, k, (int)nt, out);
	free(idx);
	uint64_t ev = 0;
	for (size_t i = 0; i < runs; i++)
		ev += all[i].sum.events;
	out->med.sum.events = ev;
	free(vals);
}

void ws_sim_ensemble_free(struct ws_sim_ensemble *x)
{
	ws_sim_result_free(&x->med);
	ws_sim_result_free(&x->lo);
	ws_sim_result_free(&x->hi);
}
