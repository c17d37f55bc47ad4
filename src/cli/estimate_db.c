/* SPDX-License-Identifier: MIT */
/* `estimate --db`: one view of a store as the estimator's input
 * (estimate_in.h). The views are what `scan --telescope --db`, the web
 * servers' sightings and `wormscope import` recorded (store/tele.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/estimate_in.h"
#include "cli/opts.h"
#include "store/store.h"
#include "util/time.h"

void est_in_free(struct est_in *in)
{
	free(in->active);
	free(in->probes);
	free(in->newsrc);
	free(in->src);
	ws_buf_free(&in->label);
	memset(in, 0, sizeof(*in));
}

/* A store holds few views; more than this many are listed but not chosen
 * by default. */
#define MAX_VIEWS 64

struct views {
	struct ws_tele_view v[MAX_VIEWS];
	size_t n, total;
};

static int on_view(void *ctx, const struct ws_tele_view *v)
{
	struct views *vs = ctx;
	if (vs->n < MAX_VIEWS)
		vs->v[vs->n++] = *v;
	vs->total++;
	return 0;
}

static void view_line(struct ws_buf *b, const struct ws_tele_view *v)
{
	ws_buf_printf(b, "  view %lld: %s", (long long)v->id, v->kind);
	if (v->prefixes[0]) {
		ws_buf_adds(b, " ");
		ws_cli_esc(b, v->prefixes);
	}
	ws_buf_printf(b, ", %" PRIu64 " addresses, %" PRIu64 " sources, %" PRIu64 " probes%s\n",
		      v->addresses, v->sources, v->probes, v->simulated ? ", SIMULATED" : "");
}

/* The default: the only telescope or imported view, else the web view. */
static const struct ws_tele_view *pick(const char *path, const struct views *vs, int64_t want)
{
	const struct ws_tele_view *web = NULL, *other = NULL;
	size_t others = 0;
	for (size_t i = 0; i < vs->n; i++) {
		if (want >= 0 && vs->v[i].id == want)
			return &vs->v[i];
		if (strcmp(vs->v[i].kind, "web") == 0)
			web = &vs->v[i];
		else if (others++ == 0)
			other = &vs->v[i];
	}
	if (want < 0 && others == 1 && vs->total == vs->n)
		return other;
	if (want < 0 && others == 0 && web)
		return web;
	struct ws_buf b = {0};
	for (size_t i = 0; i < vs->n; i++)
		view_line(&b, &vs->v[i]);
	if (vs->total == 0)
		ws_cli_err("estimate", "%s: the store holds no observations (scan --db, scan "
				       "--telescope --db or import first)", path);
	else if (want >= 0)
		ws_cli_err("estimate", "%s: no view %lld; the store holds:", path, (long long)want);
	else
		ws_cli_err("estimate", "%s: %zu views: choose one with --view ID:", path, vs->total);
	fwrite(b.p ? b.p : "", 1, b.n, stderr);
	ws_buf_free(&b);
	return NULL;
}

/* The finest stored interval that keeps the series at most 5,000 intervals
 * long (a fit's cost grows with them; finer adds little), else the
 * coarsest stored. */
static int64_t default_interval(const struct ws_tele_view *v, unsigned spans)
{
	static const int64_t len[3] = {60, 3600, 86400};
	if (strcmp(v->kind, "web") == 0 || !spans)
		return 3600;
	int64_t coarsest = 60;
	for (int k = 0; k < 3; k++) {
		if (!(spans & (1u << k)))
			continue;
		coarsest = len[k];
		if (v->first == INT64_MIN || (v->last - v->first) / len[k] < 5000)
			return len[k];
	}
	return coarsest;
}

/* The counts as a series: distinct sources only where the store counted
 * them at this interval, probes only where it saw any, new sources only
 * where it knows sources. */
static void to_series(const struct ws_tele_view *v, const struct ws_tele_count *c, size_t n,
		      int64_t iv, struct est_in *in)
{
	bool active = n > 0, web = strcmp(v->kind, "web") == 0;
	for (size_t j = 0; j < n; j++)
		active &= c[j].active >= 0;
	in->active = active ? ws_xcalloc(n, sizeof(double)) : NULL;
	in->probes = v->probes ? ws_xcalloc(n, sizeof(double)) : NULL;
	in->newsrc = v->sources || web ? ws_xcalloc(n, sizeof(double)) : NULL;
	for (size_t j = 0; j < n; j++) {
		if (in->active)
			in->active[j] = (double)c[j].active;
		if (in->probes)
			in->probes[j] = (double)c[j].probes;
		if (in->newsrc)
			in->newsrc[j] = (double)c[j].new_sources;
	}
	in->s = (struct ws_est_series){.n = n, .t0 = n ? c[0].t : 0, .dt = iv,
				       .active = in->active, .probes = in->probes,
				       .newsrc = in->newsrc};
}

struct srcs {
	struct ws_est_source *v;
	size_t n, cap;
};

static int on_source(void *ctx, int64_t first, int64_t last, uint64_t probes)
{
	struct srcs *s = ctx;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = ws_xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = (struct ws_est_source){(double)first, (double)last, probes};
	return 0;
}

static int load_view(struct ws_store *st, const char *path, const struct ws_tele_view *v,
		     int64_t iv, int worm, struct est_in *in, struct ws_err *err)
{
	unsigned spans = 0;
	bool web = strcmp(v->kind, "web") == 0;
	int rc = web ? 0 : ws_store_tele_spans(st, v->id, &spans, err);
	if (rc)
		return rc;
	if (!iv)
		iv = default_interval(v, spans);
	struct ws_tele_count *c = NULL;
	size_t n = 0;
	rc = ws_store_tele_counts(st, v->id, iv, INT64_MIN, INT64_MAX, web ? worm : -1, &c, &n,
				  err);
	if (rc)
		return rc;
	to_series(v, c, n, iv, in);
	free(c);
	/* per-source first and last probes, for the infection-time curve */
	struct srcs s = {0};
	if (!web && v->sources)
		rc = ws_store_tele_sources(st, v->id, on_source, &s, err);
	in->src = s.v;
	in->n_src = s.n;
	in->monitored = (double)v->addresses;
	in->sample = v->sample > 0 && v->sample <= 1 ? v->sample : 1;
	in->simulated = v->simulated;
	in->view = v->id;
	snprintf(in->kind, sizeof(in->kind), "%s", v->kind);
	ws_buf_printf(&in->label, "%s view %lld (%s%s%s)", path, (long long)v->id, v->kind,
		      v->prefixes[0] ? " " : "", v->prefixes);
	return rc;
}

int est_in_from_store(const char *path, int64_t view, int64_t interval_s, int worm,
		      struct est_in *in)
{
	if (ws_cli_check_store("estimate", path))
		return 2;
	struct ws_store *st;
	struct ws_err err = {{0}};
	if (ws_store_open(path, WS_STORE_RO, &st, &err)) {
		ws_cli_err("estimate", "%s", err.msg);
		return 2;
	}
	static struct views vs; /* 64 views of 1.5 kB: off the stack */
	vs.n = vs.total = 0;
	int rc = ws_store_tele_views(st, on_view, &vs, &err);
	const struct ws_tele_view *v = rc ? NULL : pick(path, &vs, view);
	if (!rc && v && strcmp(v->kind, "web") && interval_s % 60) {
		ws_cli_err("estimate", "--interval %lld: a telescope or imported view keeps counts "
				       "per minute; give a multiple of 60", (long long)interval_s);
		v = NULL;
	}
	if (!rc && v)
		rc = load_view(st, path, v, interval_s, worm, in, &err);
	struct ws_err cerr = {{0}};
	ws_store_close(st, &cerr);
	if (rc) {
		ws_cli_err("estimate", "%s", err.msg);
		return 2;
	}
	return v ? 0 : 2;
}
