/* SPDX-License-Identifier: MIT */
/* `wormscope estimate`: from the per-interval counts one monitor saw to the
 * whole outbreak (src/estimate/fit.h): early warning, the logistic fit with
 * its 95 % intervals and forecast, and the verdict on whether the view is
 * uniform. Reads the counts layout `time_utc,distinct_sources[,probes]`
 * (src/sim/observed.h parses it; rows are labelled by their interval's end)
 * or a view of a store (a telescope `scan --telescope --db` recorded, the web
 * servers' sightings, or a table `wormscope import` read). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/estimate_in.h"
#include "cli/opts.h"
#include "estimate/fit.h"
#include "estimate/plot.h"
#include "sim/observed.h"
#include "store/store.h"
#include "util/addr.h"
#include "util/escape.h"
#include "util/str.h"
#include "util/time.h"
#include "wormscope/worm.h"

enum { OPT_COUNTS = 256, OPT_MONITORED, OPT_UNTIL, OPT_INTERVAL, OPT_DB, OPT_VIEW, OPT_WORM, OPT_PLOT };

static const struct ws_opt opts[] = {
	{"counts", OPT_COUNTS, "FILE", "per-interval counts: CSV time_utc,distinct_sources[,probes], "
				       "one row per interval, labelled by its end (UTC)"},
	{"monitored", OPT_MONITORED, "N|CIDR", "addresses the monitor watched (a /16 is 65536; a web "
					       "server is 1); without it only K is estimated"},
	{"until", OPT_UNTIL, "ISO8601", "use only intervals that end by then (forecast mode)"},
	{"interval", OPT_INTERVAL, "SECONDS", "length of each row's interval (default: the spacing "
					      "of the first two rows)"},
	{"format", 'f', "FMT", "text (default), json or csv (observed, fitted, corrected and "
			       "forecast series)"},
	{"db", OPT_DB, "FILE", "a store (SQLite): its telescope view, the web servers' sightings, "
			       "or a table imported with 'wormscope import'"},
	{"view", OPT_VIEW, "ID", "--db: the view to estimate (default: the store's only telescope "
				 "or imported view, else its web view); a list is printed when "
				 "there is a choice"},
	{"worm", OPT_WORM, "ID", "--db, web view: only this worm's sightings (default: all)"},
	{"plot", OPT_PLOT, "FILE.svg", "an SVG chart of the observed, fitted, corrected and "
				       "forecast series with the 95 % band"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char usage[] = "usage: wormscope estimate --counts FILE | --db FILE [--view ID] "
			    "[--worm ID] [--monitored N|CIDR] [--until ISO8601] [--interval "
			    "SECONDS] [-f text|json|csv] [--plot FILE.svg]\n";

struct est_args {
	const char *counts, *db, *fmt, *plot;
	double monitored;
	int64_t until, interval, view;
	int worm;
};

static int parse_args(int argc, char **argv, struct est_args *a)
{
	struct option *longs;
	char shorts[32];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case OPT_COUNTS: a->counts = optarg; break;
		case OPT_MONITORED:
			if (ws_opts_monitored(optarg, &a->monitored)) {
				ws_cli_err("estimate", "--monitored %s: not a count of addresses (1 to "
						       "4294967296) or an IPv4 CIDR", optarg);
				rc = 2;
			}
			break;
		case OPT_UNTIL:
			if (!ws_time_parse_iso(ws_str_make(optarg, strlen(optarg)), &a->until)) {
				ws_cli_err("estimate", "--until %s: not an ISO 8601 UTC time "
						       "(2001-08-01T12:00:00Z)", optarg);
				rc = 2;
			}
			break;
		case OPT_INTERVAL: {
			char *end;
			long long v = strtoll(optarg, &end, 10);
			if (*end || v < 1 || v > 86400 * 31) {
				ws_cli_err("estimate", "--interval %s: seconds from 1 to 2678400", optarg);
				rc = 2;
			}
			a->interval = v;
			break;
		}
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv")) {
				ws_cli_err("estimate", "-f %s: text, json or csv", optarg);
				rc = 2;
			}
			a->fmt = optarg;
			break;
		case OPT_DB: a->db = optarg; break;
		case OPT_PLOT: a->plot = optarg; break;
		case OPT_VIEW: {
			char *end;
			long long v = strtoll(optarg, &end, 10);
			if (*end || !*optarg || v < 0) {
				ws_cli_err("estimate", "--view %s: a view id (see the list --db "
						       "prints)", optarg);
				rc = 2;
			}
			a->view = v;
			break;
		}
		case OPT_WORM:
			if ((a->worm = ws_worm_index(optarg)) < 0) {
				ws_cli_err("estimate", "--worm %s: no such worm (see wormscope worms)",
					   optarg);
				rc = 2;
			}
			break;
		case 'h':
			ws_opts_help(stdout, usage,
				     "Estimates a whole outbreak from what one monitor saw: early "
				     "warning (Kalman filter), growth rate K, size N and midpoint with "
				     "95 % intervals, the 50/90/99 % forecast, and whether the view "
				     "looks uniform. Exit 0 with a fit, 2 when the data cannot be "
				     "estimated.",
				     opts, NOPTS);
			rc = -1;
			break;
		default:
			fputs(usage, stderr);
			rc = 2;
		}
	}
	free(longs);
	if (rc == 0 && optind < argc) {
		ws_cli_err("estimate", "unexpected argument %s", argv[optind]);
		rc = 2;
	}
	if (rc == 0 && !a->counts == !a->db) {
		fputs(usage, stderr);
		ws_cli_err("estimate", a->db ? "--counts and --db: one input at a time"
					     : "no input: give --counts FILE or --db FILE");
		rc = 2;
	}
	if (rc == 0 && !a->db && (a->view >= 0 || a->worm >= 0)) {
		ws_cli_err("estimate", "--view and --worm choose what a store holds: they go with --db");
		rc = 2;
	}
	return rc;
}

/* The counts file as a regular series of intervals; a missing row is an
 * interval with no counts. */
static int to_series(const struct ws_sim_obs *ob, int64_t interval, const char *path,
		     struct est_in *out)
{
	if (ob->kind != WS_SIM_OBS_COUNTS) {
		ws_cli_err("estimate", "%s: a CAIDA host table; estimate reads the counts layout "
				       "time_utc,distinct_sources[,probes]", path);
		return 2;
	}
	if (ob->n < 2 && interval == 0) {
		ws_cli_err("estimate", "%s: %zu rows: too few intervals to estimate", path, ob->n);
		return 2;
	}
	int64_t dt = interval ? interval : ob->t[1] - ob->t[0];
	if (dt <= 0) {
		ws_cli_err("estimate", "%s: rows 1 and 2 have the same time", path);
		return 2;
	}
	int64_t t0 = ob->t[0] - dt, span = ob->t[ob->n - 1] - t0;
	size_t n = (size_t)(span / dt) + 1;
	if (n > WS_EST_MAX_INTERVALS) {
		ws_cli_err("estimate", "%s: %zu intervals of %lld s: more than %d", path, n,
			   (long long)dt, WS_EST_MAX_INTERVALS);
		return 2;
	}
	out->active = ws_xcalloc(n, sizeof(double));
	out->probes = ob->probes ? ws_xcalloc(n, sizeof(double)) : NULL;
	for (size_t i = 0; i < ob->n; i++) {
		int64_t k = (ob->t[i] - t0) / dt - 1;
		if ((ob->t[i] - t0) % dt) {
			ws_cli_err("estimate", "%s: row %zu (time %lld) is not on the %lld s grid of "
					       "the first row; give --interval", path, i + 1,
				   (long long)ob->t[i], (long long)dt);
			return 2;
		}
		out->active[k] += ob->sources[i];
		if (out->probes)
			out->probes[k] += ob->probes[i];
	}
	out->s = (struct ws_est_series){.n = n - 1, .t0 = t0, .dt = dt, .active = out->active,
					.probes = out->probes};
	return 0;
}

static int from_counts(const char *path, int64_t interval, struct est_in *in)
{
	struct ws_sim_obs ob;
	struct ws_err err = {{0}};
	if (ws_sim_obs_load(path, &ob, &err)) {
		ws_cli_err("estimate", "%s", err.msg);
		return 2;
	}
	int rc = to_series(&ob, interval, path, in);
	ws_sim_obs_free(&ob);
	ws_buf_adds(&in->label, path);
	in->view = -1;
	in->sample = 1;
	return rc;
}

static void withhold_size(struct ws_est_result *r)
{
	double *v[] = {&r->N, &r->N_lo, &r->N_hi, &r->t_mid, &r->t_mid_lo, &r->t_mid_hi, &r->t50,
		       &r->t50_lo, &r->t50_hi, &r->t90, &r->t90_lo, &r->t90_hi, &r->t99,
		       &r->t99_lo, &r->t99_hi};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = NAN;
	for (size_t j = 0; j < r->n_out; j++) {
		r->infected[j] = r->infected_lo[j] = r->infected_hi[j] = NAN;
		if (r->zou)
			r->zou[j] = NAN;
	}
}

/* t (UTC seconds) as ISO 8601, or "not reached" when the fit gives none. */
static void iso(char *buf, size_t cap, double t)
{
	if (isfinite(t))
		ws_time_format_iso(llround(t), buf);
	else
		snprintf(buf, cap, "not reached");
}

static void jnum(struct ws_buf *b, const char *key, double v)
{
	if (isfinite(v))
		ws_buf_printf(b, ",\"%s\":%.6g", key, v);
	else
		ws_buf_printf(b, ",\"%s\":null", key);
}

static void jtime(struct ws_buf *b, const char *key, double t)
{
	char s[40];
	iso(s, sizeof(s), t);
	if (isfinite(t))
		ws_buf_printf(b, ",\"%s\":\"%s\"", key, s);
	else
		ws_buf_printf(b, ",\"%s\":null", key);
}

static void jpair(struct ws_buf *b, const char *key, double lo, double hi)
{
	ws_buf_printf(b, ",\"%s\":[", key);
	ws_buf_printf(b, isfinite(lo) ? "%.6g," : "null,", lo);
	ws_buf_printf(b, isfinite(hi) ? "%.6g]" : "null]", hi);
}

static void print_json(const struct ws_est_result *r, const struct est_args *a,
		       const struct est_in *in)
{
	struct ws_buf b = {0};
	ws_buf_adds(&b, "{\"input\":\"");
	ws_esc_json(&b, in->label.p, in->label.n);
	ws_buf_adds(&b, "\"");
	if (in->view >= 0)
		ws_buf_printf(&b, ",\"view\":%lld,\"view_kind\":\"%s\"", (long long)in->view,
			      in->kind);
	ws_buf_printf(&b, ",\"simulated\":%s", in->simulated ? "true" : "false");
	if (r->alarm)
		jtime(&b, "alarm_time", (double)r->alarm_time);
	else
		ws_buf_adds(&b, ",\"alarm_time\":null");
	ws_buf_printf(&b, ",\"alarm_on\":\"%s\"", r->alarm_on ? r->alarm_on : "");
	jnum(&b, "K_per_hour", r->K);
	jpair(&b, "K_ci95", r->K_lo, r->K_hi);
	jnum(&b, "N", r->N);
	jpair(&b, "N_ci95", r->N_lo, r->N_hi);
	jtime(&b, "t_mid", r->t_mid);
	jtime(&b, "t_50pct", r->t50);
	jtime(&b, "t_90pct", r->t90);
	jtime(&b, "t_99pct", r->t99);
	if (a->monitored > 0) /* exact: a count of addresses, up to 2^32 */
		ws_buf_printf(&b, ",\"monitored_addresses\":%.0f", a->monitored);
	else
		ws_buf_adds(&b, ",\"monitored_addresses\":null");
	ws_buf_printf(&b, ",\"intervals_used\":%zu,\"interval_s\":%lld", r->intervals_used,
		      (long long)in->s.dt);
	ws_buf_printf(&b, ",\"basis\":\"%s\"", ws_est_basis_name(r->basis));
	ws_buf_printf(&b, ",\"fit_ok\":%s,\"local_view\":%s", r->fit_ok ? "true" : "false",
		      r->local_view ? "true" : "false");
	jnum(&b, "dispersion", r->phi);
	ws_buf_adds(&b, ",\"verdict\":\"");
	ws_esc_json(&b, r->verdict, strlen(r->verdict));
	ws_buf_adds(&b, "\",\"interval_method\":\"profile likelihood (quasi-Poisson)\"}\n");
	fwrite(b.p, 1, b.n, stdout);
	ws_buf_free(&b);
}

static void print_csv(const struct ws_est_result *r, const struct ws_est_series *s)
{
	printf("time_utc,observed,fitted,infected_fit,infected_lo,infected_hi,zou_corrected,"
	       "infection_time_estimate,sources_seen,forecast\n");
	size_t last_data = s->n;
	for (size_t j = 0; j < r->n_out; j++) {
		char t[40];
		iso(t, sizeof(t), (double)(s->t0 + (int64_t)(j + 1) * s->dt));
		printf("%s", t);
		double v[] = {r->observed[j], r->fitted_obs[j], r->infected[j], r->infected_lo[j],
			      r->infected_hi[j], r->zou ? r->zou[j] : NAN,
			      r->wcc ? r->wcc[j] : NAN, r->cum_seen ? r->cum_seen[j] : NAN};
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			printf(isfinite(v[k]) ? ",%.6g" : ",", v[k]);
		printf(",%d\n", j >= last_data);
	}
}

/* The text verdict (raw bytes of the input's label escaped for a terminal). */
static void text_of(const struct ws_est_result *r, const struct est_args *a,
		    const struct est_in *in, struct ws_buf *out)
{
	char t50[40], tmid[40], al[40], t90[40];
	iso(t50, sizeof(t50), r->t50);
	iso(t90, sizeof(t90), r->t90);
	iso(tmid, sizeof(tmid), r->t_mid);
	iso(al, sizeof(al), (double)r->alarm_time);
	if (in->simulated)
		ws_buf_adds(out, "SIMULATED DATA: the input came from wormscope simulate\n");
	if (r->fit_ok && !(a->monitored > 0))
		ws_buf_printf(out, "worm-like growth%s%s, K ≈ %.3g/h (95 %% %.3g–%.3g); N and "
				  "its timing need --monitored\n",
			      r->alarm ? " since " : "", r->alarm ? al : "", r->K, r->K_lo, r->K_hi);
	else if (r->fit_ok)
		ws_buf_printf(out, "worm-like growth%s%s, K ≈ %.3g/h (95 %% %.3g–%.3g), N ≈ %.0f "
				  "(95 %% %.0f–%.0f), 50 %% at %s\n",
			      r->alarm ? " since " : "", r->alarm ? al : "", r->K, r->K_lo, r->K_hi,
			      r->N, r->N_lo, r->N_hi, t50);
	else
		ws_buf_printf(out, "no trustworthy fit: %s\n", r->verdict);
	ws_buf_adds(out, "input: ");
	ws_cli_esc(out, in->label.p);
	if (a->monitored > 0 && in->sample < 1)
		ws_buf_printf(out, " (%s, %zu intervals used, %.0f monitored addresses: the capture "
				  "kept %.3g of the probes)\n", ws_est_basis_name(r->basis),
			      r->intervals_used, a->monitored, in->sample);
	else if (a->monitored > 0)
		ws_buf_printf(out, " (%s, %zu intervals used, %.0f monitored addresses)\n",
			      ws_est_basis_name(r->basis), r->intervals_used, a->monitored);
	else
		ws_buf_printf(out, " (%s, %zu intervals used, monitored size not given)\n",
			      ws_est_basis_name(r->basis), r->intervals_used);
	ws_buf_printf(out, "early warning: %s%s\n", r->alarm ? "alarm at " : "no alarm",
		      r->alarm ? al : "");
	if (r->fitted && r->fit_ok && a->monitored > 0) {
		ws_buf_printf(out, "fit: K %.4g/h, N %.6g, midpoint %s, 90 %% at %s\n", r->K, r->N,
			      tmid, t90);
		ws_buf_printf(out, "verdict: %s\n", r->verdict);
	}
}

static void print_text(const struct ws_est_result *r, const struct est_args *a,
		       const struct est_in *in)
{
	struct ws_buf b = {0};
	text_of(r, a, in, &b);
	fwrite(b.p, 1, b.n, stdout);
	ws_buf_free(&b);
}

/* The outputs of one estimate. Returns 0, or 2 when the plot cannot be
 * written. */
static int emit(const struct ws_est_result *r, const struct est_args *a, const struct est_in *in)
{
	if (!strcmp(a->fmt, "json"))
		print_json(r, a, in);
	else if (!strcmp(a->fmt, "csv"))
		print_csv(r, &in->s);
	else
		print_text(r, a, in);
	if (!a->plot)
		return 0;
	struct ws_buf svg = {0};
	ws_est_plot_svg(r, &in->s, in->label.p, in->simulated, a->monitored > 0, &svg);
	FILE *f = fopen(a->plot, "wb");
	int bad = !f || fwrite(svg.p, 1, svg.n, f) != svg.n;
	if (f && fclose(f))
		bad = 1;
	ws_buf_free(&svg);
	if (bad) {
		ws_cli_err("estimate", "--plot %s: cannot write it", a->plot);
		return 2;
	}
	return 0;
}

/* Fits in: with a->monitored, else the size the store's view knows (a
 * sampled capture saw each probe with probability `sample`, as a monitor
 * that many times smaller), which is then put in a->monitored. Without
 * any size only K is supported: the growth constant does not depend on the
 * size assumed (a /16 stands in), while N and the times do, so they are
 * withheld. Returns ws_est_run's code; r is the caller's on 0. */
static int fit(struct est_args *a, const struct est_in *in, struct ws_est_result *r,
	       struct ws_err *err)
{
	if (!(a->monitored > 0) && in->monitored > 0)
		a->monitored = in->monitored * in->sample;
	bool sized = a->monitored > 0;
	struct ws_est_opts o = {.monitored = sized ? a->monitored : 65536, .until = a->until,
				.sources = in->src, .n_sources = in->n_src};
	int rc = ws_est_run(&in->s, &o, r, err);
	if (!rc && !sized)
		withhold_size(r);
	return rc;
}

int ws_cmd_estimate(int argc, char **argv)
{
	struct est_args a = {.fmt = "text", .until = INT64_MAX, .view = -1, .worm = -1};
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct est_in in = {0};
	rc = a.db ? est_in_from_store(a.db, a.view, a.interval, a.worm, &in, NULL)
		  : from_counts(a.counts, a.interval, &in);
	struct ws_est_result r;
	struct ws_err err = {{0}};
	if (!rc && fit(&a, &in, &r, &err)) {
		ws_cli_err("estimate", "%s: %s", in.label.p, err.msg);
		rc = 2;
	} else if (!rc) {
		rc = emit(&r, &a, &in);
		ws_est_free(&r);
	}
	est_in_free(&in);
	return rc;
}

int est_for_report(const char *path, struct ws_buf *svg, struct ws_buf *text, struct ws_buf *why)
{
	struct est_args a = {.fmt = "text", .until = INT64_MAX, .view = -1, .worm = -1};
	struct est_in in = {0};
	int rc = est_in_from_store(path, -1, 0, -1, &in, why);
	if (!rc && !(in.monitored > 0)) {
		ws_buf_adds(why, "the store's view has no monitored size");
		rc = 2;
	}
	struct ws_est_result r;
	struct ws_err err = {{0}};
	if (!rc && fit(&a, &in, &r, &err)) {
		ws_buf_adds(why, err.msg);
		rc = 2;
	} else if (!rc) {
		text_of(&r, &a, &in, text);
		ws_est_plot_svg(&r, &in.s, in.label.p, in.simulated, true, svg);
		ws_est_free(&r);
	}
	est_in_free(&in);
	return rc;
}
