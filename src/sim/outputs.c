/* SPDX-License-Identifier: MIT */
/* simulate's files (simulator core): the CSV time series, the summary JSON
 * and the SVG chart. Each records the version, the whole configuration and
 * the seed, and says SIMULATED; the same ensemble gives the same bytes. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/observed.h"
#include "sim/ode.h"
#include "sim/outputs.h"
#include "util/escape.h"
#include "util/time.h"
#include "ws_version.h"

void ws_sim_config_line(const struct ws_sim_scenario *sc, struct ws_buf *out)
{
	struct ws_buf d = {0};
	ws_sim_scenario_dump(sc, &d);
	bool first = true;
	for (size_t i = 0; i < d.n;) {
		size_t j = i;
		while (j < d.n && d.p[j] != '\n')
			j++;
		if (j > i && d.p[i] != '#') {
			if (!first)
				ws_buf_adds(out, "; ");
			/* "key    = value" -> "key=value" */
			for (size_t k = i; k < j; k++)
				if (d.p[k] != ' ')
					ws_buf_addc(out, d.p[k]);
			first = false;
		}
		i = j + 1;
	}
	ws_buf_free(&d);
}

static void tel_name(const struct ws_sim_telescope *t, char *out, size_t cap)
{
	uint32_t a = t->net;
	snprintf(out, cap, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
		 t->bits);
}

/* Operational time (infection-rate factor integrated: the calendar's off
 * days and the night count less) at the interval ends 0..n. */
static double *op_times(const struct ws_sim_scenario *sc, size_t n)
{
	double *tau = ws_xcalloc(n + 1, sizeof(double)), end = sc->duration_h * 3600.0;
	for (size_t j = 1; j <= n; j++) {
		double b = (double)j * sc->interval_s;
		tau[j] = ws_sim_op_time(sc, b < end ? b : end);
	}
	return tau;
}

/* RCS comparison curve at the interval ends: K = r N / A from the scenario,
 * run in operational time so that it stops when the worm's calendar does. */
static double *rcs_curve(const struct ws_sim_scenario *sc, double n_hosts, size_t n)
{
	double space = 4294967296.0 * sc->pop.space_scale - (sc->worm.skip_reserved ? 2 * 16777216.0 : 0);
	double k = ws_ode_rcs_k(ws_sim_mean_rate(&sc->worm), n_hosts, space);
	double *tau = op_times(sc, n), *all = ws_xcalloc(n + 1, sizeof(double));
	for (size_t j = 0; j <= n; j++)
		all[j] = n_hosts * ws_ode_rcs_fraction(k, sc->initial / n_hosts, tau[j]);
	free(tau);
	return all;
}

/* Advances the two-factor model by span with RK4 steps of at most 1/20 of its
 * fastest time scale at the current state, so that the curve does not depend
 * on the output interval (a fixed number of steps per interval was unstable
 * for a fast worm sampled hourly). */
static void zou_advance(const struct ws_ode_zou *p, struct ws_ode_zou_state *x, double span)
{
	while (span > 0) {
		double frac = 1 - x->i / p->n;
		if (frac < 0)
			frac = 0;
		/* |d(dS,dI)/d(S,I)| with beta = beta0 (1 - I/N)^eta, plus the
		 * removal and patching rates */
		double rate = p->beta0 * (1 + p->eta) * pow(frac, p->eta > 1 ? p->eta - 1 : 0) *
				  (x->s + x->i) +
			      p->gamma + p->mu * (x->s + x->i + x->r);
		double h = rate > 0 && isfinite(rate) ? 0.05 / rate : span;
		if (h > span)
			h = span;
		ws_ode_zou_step(p, x, h);
		span -= h;
	}
}

/* Zou, Gong and Towsley's two-factor model beside it ([Zou02]), mapped
 * onto the scenario: beta0 = r / A per second, eta = 3 (their congestion
 * exponent; this simulator has no congestion, so the gap shows its effect),
 * gamma = 1 / lifetime when copies end, mu = patch rate / N (patching at the
 * full rate once everyone has heard of the worm). Infected at interval ends. */
static double *zou_curve(const struct ws_sim_scenario *sc, double n_hosts, size_t n)
{
	double space = 4294967296.0 * sc->pop.space_scale - (sc->worm.skip_reserved ? 2 * 16777216.0 : 0);
	struct ws_ode_zou p = {n_hosts, sc->initial, ws_sim_mean_rate(&sc->worm) / space, 3.0,
			       sc->worm.lifetime_h > 0 ? 1.0 / (sc->worm.lifetime_h * 3600.0) : 0.0,
			       sc->def.patch_rate_h > 0 ? sc->def.patch_rate_h / 3600.0 / n_hosts : 0.0};
	/* Stepped in operational time, like the RCS curve. */
	double *tau = op_times(sc, n), *out = ws_xcalloc(n + 1, sizeof(double));
	struct ws_ode_zou_state x = ws_ode_zou_init(&p);
	out[0] = x.i;
	for (size_t j = 1; j <= n; j++) {
		zou_advance(&p, &x, tau[j] - tau[j - 1]);
		out[j] = x.i;
	}
	free(tau);
	return out;
}

static void add_num(struct ws_buf *b, double v)
{
	if (isnan(v))
		ws_buf_adds(b, "");
	else if (v == floor(v) && fabs(v) < 1e15)
		ws_buf_printf(b, "%.0f", v);
	else
		ws_buf_printf(b, "%.6g", v);
}

/* The observation of each output row (the last one inside it), or -1. */
static long *obs_rows(const struct ws_sim_scenario *sc, size_t n, const struct ws_sim_obs *obs)
{
	long *at = ws_xcalloc(n ? n : 1, sizeof(long));
	for (size_t j = 0; j < n; j++)
		at[j] = -1;
	for (size_t i = 0; obs && i < obs->n; i++) {
		long j = ws_sim_obs_row(sc, n, obs->t[i]);
		if (j >= 0)
			at[j] = (long)i;
	}
	return at;
}

void ws_sim_write_csv(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		      double n_hosts, struct ws_buf *out)
{
	ws_sim_write_csv_obs(sc, x, n_hosts, NULL, out);
}

void ws_sim_write_csv_obs(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts, const struct ws_sim_obs *obs, struct ws_buf *out)
{
	const struct ws_sim_series *m = &x->med.s, *lo = &x->lo.s, *hi = &x->hi.s;
	size_t n = m->n, nt = (size_t)sc->n_telescopes;
	ws_buf_printf(out, "# SIMULATED by wormscope %s simulate (model output, not measurements); "
			   "seed %llu; runs %d (values are medians, _p5/_p95 the 5-95 %% band)\n"
			   "# runs died out %d of %d; medians and bands over %d run%s\n# config: ",
		      WS_VERSION, (unsigned long long)sc->seed, x->runs, x->died_out, x->runs,
		      x->reduced, x->reduced == 1 ? "" : "s");
	ws_sim_config_line(sc, out);
	ws_buf_adds(out, "\ntime_s,time_utc");
	static const char *const cols[] = {"susceptible", "infected", "removed", "new_infections"};
	for (int c = 0; c < 4; c++)
		ws_buf_printf(out, ",%s,%s_p5,%s_p95", cols[c], cols[c], cols[c]);
	ws_buf_adds(out, ",rcs_infected,zou_infected");
	for (size_t t = 0; t < nt; t++)
		ws_buf_printf(out, ",tel%zu_probes,tel%zu_probes_p5,tel%zu_probes_p95,tel%zu_sources,"
				   "tel%zu_sources_p5,tel%zu_sources_p95,tel%zu_new_sources,"
				   "tel%zu_new_sources_p5,tel%zu_new_sources_p95",
			      t, t, t, t, t, t, t, t, t);
	/* Measured values, not simulated: the columns say so. */
	if (obs)
		ws_buf_adds(out, obs->probes ? ",observed_sources,observed_probes" : ",observed_sources");
	ws_buf_addc(out, '\n');
	long *oat = obs_rows(sc, n, obs);
	double *rcs = rcs_curve(sc, n_hosts, n), *zou = zou_curve(sc, n_hosts, n);
	for (size_t j = 0; j < n; j++) {
		double end = (double)(j + 1) * sc->interval_s;
		if (end > sc->duration_h * 3600.0)
			end = sc->duration_h * 3600.0;
		char iso[32];
		ws_time_format_iso(sc->start + (int64_t)end, iso);
		ws_buf_printf(out, "%.0f,%s", end, iso);
		const double *mv[4] = {m->susceptible, m->infected, m->removed, m->new_infections};
		const double *lv[4] = {lo->susceptible, lo->infected, lo->removed, lo->new_infections};
		const double *hv[4] = {hi->susceptible, hi->infected, hi->removed, hi->new_infections};
		for (int c = 0; c < 4; c++) {
			ws_buf_addc(out, ',');
			add_num(out, mv[c][j]);
			ws_buf_addc(out, ',');
			add_num(out, lv[c][j]);
			ws_buf_addc(out, ',');
			add_num(out, hv[c][j]);
		}
		ws_buf_printf(out, ",%.1f,%.1f", rcs[j + 1], zou[j + 1]);
		for (size_t t = 0; t < nt; t++) {
			const double *f[3][3] = {{m->tel_probes, lo->tel_probes, hi->tel_probes},
						 {m->tel_sources, lo->tel_sources, hi->tel_sources},
						 {m->tel_new_sources, lo->tel_new_sources,
						  hi->tel_new_sources}};
			for (int a = 0; a < 3; a++)
				for (int b = 0; b < 3; b++) {
					ws_buf_addc(out, ',');
					add_num(out, f[a][b][t * n + j]);
				}
		}
		if (obs) {
			ws_buf_addc(out, ',');
			if (oat[j] >= 0)
				add_num(out, obs->sources[oat[j]]);
			if (obs->probes) {
				ws_buf_addc(out, ',');
				if (oat[j] >= 0)
					add_num(out, obs->probes[oat[j]]);
			}
		}
		ws_buf_addc(out, '\n');
	}
	free(oat);
	free(rcs);
	free(zou);
}

static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *count(double v)
{
	return isnan(v) ? json_null() : v == floor(v) ? json_integer((json_int_t)v) : json_real(v);
}

static void put_band(json_t *bands, const char *key, double lo, double hi, bool integral)
{
	json_t *a = json_array();
	json_array_append_new(a, integral ? count(lo) : num_or_null(lo));
	json_array_append_new(a, integral ? count(hi) : num_or_null(hi));
	json_object_set_new(bands, key, a);
}

char *ws_sim_summary_json(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts)
{
	const struct ws_sim_summary *m = &x->med.sum, *lo = &x->lo.sum, *hi = &x->hi.sum;
	json_t *o = json_object(), *bands = json_object();
	json_object_set_new(o, "simulated", json_true());
	json_object_set_new(o, "note", json_string("SIMULATED outbreak: model output, not measurements"));
	json_object_set_new(o, "tool", json_string("wormscope simulate"));
	json_object_set_new(o, "version", json_string(WS_VERSION));
	json_object_set_new(o, "seed", json_integer((json_int_t)sc->seed));
	json_object_set_new(o, "runs", json_integer(x->runs));
	/* The medians and bands below are over runs_reduced runs: those that
	 * took off (all runs when every one died out). */
	json_object_set_new(o, "runs_died_out", json_integer(x->died_out));
	json_object_set_new(o, "extinction_share",
			    json_real(x->runs ? (double)x->died_out / x->runs : 0.0));
	json_object_set_new(o, "runs_reduced", json_integer(x->reduced));
	json_object_set_new(o, "worm", json_string(sc->worm.id));
	json_object_set_new(o, "mode", json_string(sc->mode == WS_SIM_MODE_PROBE ? "per-probe" : "fast"));
	json_object_set_new(o, "vulnerable", json_integer((json_int_t)n_hosts));
	json_object_set_new(o, "scan_rate", json_real(ws_sim_mean_rate(&sc->worm)));
	char iso[32];
	ws_time_format_iso(sc->start, iso);
	json_object_set_new(o, "start", json_string(iso));
	json_object_set_new(o, "duration_h", json_real(sc->duration_h));
	json_object_set_new(o, "final_infected", count(m->final_infected));
	json_object_set_new(o, "ever_infected", count(m->ever_infected));
	json_object_set_new(o, "peak_new_infections_per_min", count(m->peak_new_per_min));
	json_object_set_new(o, "fitted_K_per_hour", num_or_null(m->fitted_K_per_hour));
	static const char *const pct[5] = {"t_1pct", "t_10pct", "t_50pct", "t_90pct", "t_99pct"};
	for (int k = 0; k < 5; k++)
		json_object_set_new(o, pct[k], num_or_null(m->t_pct[k]));
	put_band(bands, "final_infected", lo->final_infected, hi->final_infected, true);
	put_band(bands, "ever_infected", lo->ever_infected, hi->ever_infected, true);
	put_band(bands, "peak_new_infections_per_min", lo->peak_new_per_min, hi->peak_new_per_min,
		 true);
	put_band(bands, "fitted_K_per_hour", lo->fitted_K_per_hour, hi->fitted_K_per_hour, false);
	for (int k = 0; k < 5; k++)
		put_band(bands, pct[k], lo->t_pct[k], hi->t_pct[k], false);
	json_t *tels = json_array();
	for (int t = 0; t < sc->n_telescopes; t++) {
		char name[40];
		tel_name(&sc->tel[t], name, sizeof(name));
		json_t *e = json_object();
		json_object_set_new(e, "cidr", json_string(name));
		json_object_set_new(e, "peak_new_sources_per_min", count(m->peak_new_sources_per_min[t]));
		json_object_set_new(e, "sources_total", count(m->tel_sources_total[t]));
		json_t *b = json_object();
		put_band(b, "peak_new_sources_per_min", lo->peak_new_sources_per_min[t],
			 hi->peak_new_sources_per_min[t], true);
		put_band(b, "sources_total", lo->tel_sources_total[t], hi->tel_sources_total[t], true);
		json_object_set_new(e, "bands_5_95", b);
		json_array_append_new(tels, e);
	}
	json_object_set_new(o, "telescopes", tels);
	json_object_set_new(o, "bands_5_95", bands);
	json_object_set_new(o, "infection_events", json_integer((json_int_t)m->events));
	struct ws_buf cfg = {0};
	ws_sim_config_line(sc, &cfg);
	ws_buf_addc(&cfg, '\0');
	json_object_set_new(o, "config", json_string(cfg.p));
	ws_buf_free(&cfg);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	return s;
}

/* ---- SVG chart -------------------------------------------------------------- */

#define SVG_W 860.0
#define SVG_H 480.0
#define PL 80.0
#define PR 30.0
#define PT 60.0
#define PB 60.0

static double px(double t, double tmax)
{
	return PL + (SVG_W - PL - PR) * t / tmax;
}

/* x of row j's time: the end of its interval, or of the run for the last,
 * shorter one (as the CSV writes it). */
static double px_row(size_t j, double iv, double tmax)
{
	double t = (double)(j + 1) * iv;
	return px(t < tmax ? t : tmax, tmax);
}

static double py(double v, double vmax)
{
	return SVG_H - PB - (SVG_H - PT - PB) * v / vmax;
}

static void polyline(struct ws_buf *b, const double *v, size_t n, double iv, double tmax,
		     double vmax, const char *style)
{
	ws_buf_printf(b, "<polyline fill=\"none\" %s points=\"", style);
	for (size_t j = 0; j < n; j++)
		ws_buf_printf(b, "%s%.1f,%.1f", j ? " " : "", px_row(j, iv, tmax), py(v[j], vmax));
	ws_buf_adds(b, "\"/>\n");
}

/* Time ticks: UTC clock times (the date where a day starts) when the run has
 * a start time, else hours from the start. */
static void time_ticks(const struct ws_sim_scenario *sc, double tmax, struct ws_buf *b)
{
	int hours = (int)ceil(sc->duration_h), step = hours <= 12 ? 1 : hours <= 48 ? 4 : 24;
	if (sc->start <= 0) {
		for (int h = 0; h <= hours; h += step)
			ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d h</text>\n",
				      px(h * 3600.0, tmax), SVG_H - PB + 18, h);
		return;
	}
	/* ticks on whole hours of the UTC clock */
	int64_t first = (sc->start + 3599) / 3600 * 3600, end = sc->start + (int64_t)tmax;
	int64_t st = (int64_t)step * 3600;
	if (step == 4)
		first = (sc->start + st - 1) / st * st;
	for (int64_t t = first; t <= end; t += st) {
		char iso[32];
		ws_time_format_iso(t, iso);
		double x = px((double)(t - sc->start), tmax);
		/* "2001-07-19T14:00:00Z": clock "14:00", date "07-19" */
		if (step == 24 || t % 86400 == 0)
			ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.5s</text>\n",
				      x, SVG_H - PB + 32, iso + 5);
		if (step < 24)
			ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.5s</text>\n",
				      x, SVG_H - PB + 18, iso + 11);
	}
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">UTC</text>\n", SVG_W - PR,
		      SVG_H - PB + 46);
}

/* Observed points: circles on the left axis, or on a right axis of their own
 * when they stay under 5 % of N (a single site's counts). */
static bool obs_points(const struct ws_sim_scenario *sc, const struct ws_sim_obs *obs,
		       double tmax, double vmax, struct ws_buf *b)
{
	double omax = 0;
	size_t step = obs->n > 2000 ? obs->n / 2000 : 1; /* a host table: a point per 1/2000 */
	for (size_t i = 0; i < obs->n; i++)
		if (obs->sources[i] > omax)
			omax = obs->sources[i];
	bool right = omax > 0 && omax < 0.05 * vmax;
	double scale = right ? omax * 1.05 : vmax;
	if (right) {
		ws_buf_printf(b, "<path d=\"M%.0f %.0f V%.0f\" stroke=\"#444\" fill=\"none\"/>\n",
			      SVG_W - PR, PT, SVG_H - PB);
		for (int k = 0; k <= 4; k++)
			ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" fill=\"#444\">%.0f</text>\n",
				      SVG_W - PR + 4, py(omax * k / 4.0, scale) + 4, omax * k / 4.0);
	}
	ws_buf_adds(b, "<g fill=\"none\" stroke=\"black\" stroke-width=\"1.5\">\n");
	for (size_t i = 0; i < obs->n; i += step) {
		double off = (double)(obs->t[i] - sc->start);
		if (off < 0 || off > tmax)
			continue;
		ws_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>\n", px(off, tmax),
			      py(obs->sources[i], scale));
	}
	ws_buf_adds(b, "</g>\n");
	return right;
}

void ws_sim_write_svg(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		      double n_hosts, struct ws_buf *b)
{
	ws_sim_write_svg_obs(sc, x, n_hosts, NULL, NULL, b);
}

void ws_sim_write_svg_obs(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts, const struct ws_sim_obs *obs, const char *obs_name,
			  struct ws_buf *b)
{
	const struct ws_sim_series *m = &x->med.s;
	size_t n = m->n;
	double tmax = sc->duration_h * 3600.0, iv = sc->interval_s, vmax = n_hosts * 1.05;
	if (vmax < 1)
		vmax = 1;
	ws_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
			 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		      SVG_W, SVG_H, SVG_W, SVG_H);
	ws_buf_adds(b, "<desc>SIMULATED by wormscope " WS_VERSION " simulate. Config: ");
	struct ws_buf cfg = {0};
	ws_sim_config_line(sc, &cfg);
	ws_esc_html(b, cfg.p, cfg.n);
	ws_buf_free(&cfg);
	ws_buf_adds(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
	char iso[32];
	ws_time_format_iso(sc->start, iso);
	ws_buf_adds(b, "<text x=\"80\" y=\"24\" font-size=\"15\" font-weight=\"bold\">SIMULATED: ");
	ws_esc_html(b, sc->worm.id, strlen(sc->worm.id));
	ws_buf_printf(b, ", %.0f vulnerable, from %s, seed %llu, %d run%s", n_hosts, iso,
		      (unsigned long long)sc->seed, x->runs, x->runs == 1 ? "" : "s");
	if (x->died_out > 0)
		ws_buf_printf(b, " (%d died out; medians over %d)", x->died_out, x->reduced);
	ws_buf_adds(b, "</text>\n");
	ws_buf_adds(b, "<text x=\"80\" y=\"42\" fill=\"#555\">wormscope " WS_VERSION
		       " model output, not measurements; infected hosts over time</text>\n");
	/* Axes with ticks. */
	ws_buf_printf(b, "<path d=\"M%.0f %.0f V%.0f H%.0f\" stroke=\"black\" fill=\"none\"/>\n", PL,
		      PT, SVG_H - PB, SVG_W - PR);
	time_ticks(sc, tmax, b);
	for (int k = 0; k <= 4; k++)
		ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n", PL - 6,
			      py(n_hosts * k / 4.0, vmax) + 4, n_hosts * k / 4.0);
	if (x->runs > 1) { /* the 5-95 % band */
		ws_buf_adds(b, "<polygon fill=\"#9ecae1\" opacity=\"0.5\" points=\"");
		for (size_t j = 0; j < n; j++)
			ws_buf_printf(b, "%.1f,%.1f ", px_row(j, iv, tmax),
				      py(x->hi.s.infected[j], vmax));
		for (size_t j = n; j-- > 0;)
			ws_buf_printf(b, "%.1f,%.1f ", px_row(j, iv, tmax),
				      py(x->lo.s.infected[j], vmax));
		ws_buf_adds(b, "\"/>\n");
	}
	double *rcs = rcs_curve(sc, n_hosts, n);
	polyline(b, rcs + 1, n, iv, tmax, vmax, "stroke=\"#d62728\" stroke-dasharray=\"6 4\"");
	free(rcs);
	double *zou = zou_curve(sc, n_hosts, n);
	polyline(b, zou + 1, n, iv, tmax, vmax, "stroke=\"#9467bd\" stroke-dasharray=\"2 3\"");
	free(zou);
	/* The telescope's curve first and dashed, the median on top: a /8 sees
	 * nearly every host, and the two curves would otherwise hide each other. */
	if (sc->n_telescopes)
		polyline(b, m->tel_seen, n, iv, tmax, vmax,
			 "stroke=\"#2ca02c\" stroke-width=\"1.5\" stroke-dasharray=\"8 3\"");
	polyline(b, m->infected, n, iv, tmax, vmax, "stroke=\"#08519c\" stroke-width=\"2.5\"");
	bool obs_right = obs && obs_points(sc, obs, tmax, vmax, b);
	double ly = PT + 10;
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#08519c\">infected (median%s)</text>\n",
		      PL + 20, ly, x->runs > 1 ? ", band 5-95 %" : "");
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#d62728\">random constant spread "
			 "(ODE, K = r N / 2^32)</text>\n",
		      PL + 20, ly + 16);
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#9467bd\">Zou et al. two-factor "
			 "ODE (eta = 3)</text>\n",
		      PL + 20, ly + 32);
	if (sc->n_telescopes) {
		char name[40];
		tel_name(&sc->tel[0], name, sizeof(name));
		ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#2ca02c\">sources seen by telescope "
				 "%s (cumulative)</text>\n",
			      PL + 20, ly + 48, name);
	}
	if (obs) {
		ws_buf_printf(b, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3.5\" fill=\"none\" "
				 "stroke=\"black\"/>\n<text x=\"%.0f\" y=\"%.0f\">observed (measured, "
				 "not simulated): ",
			      PL + 14, ly + 60, PL + 20, ly + 64);
		const char *nm = obs_name ? obs_name : "";
		const char *base = strrchr(nm, '/');
		base = base ? base + 1 : nm;
		ws_esc_html(b, base, strlen(base));
		ws_buf_adds(b, obs_right ? " (right axis)</text>\n" : "</text>\n");
	}
	ws_buf_adds(b, "</svg>\n");
}
