/* SPDX-License-Identifier: MIT */
/* Readers: the hosts rollup (for `wormscope hosts`) and the report's data,
 * both from the summary tables only. The sightings table is read for one
 * thing: the newest compromised-looking answers, through a partial index
 * that holds only those rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/data.h"
#include "store/internal.h"
#include "store/pg.h"
#include "util/mem.h"

#define CURVE_POINTS 1000 /* most points per epidemic curve */

static int prep(struct ws_store *st, const char *sql, sqlite3_stmt **q, struct ws_err *err)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);
	return rc == SQLITE_OK ? 0 : ws_store_sqlerr(st, rc, "reading", err);
}

static int done(struct ws_store *st, sqlite3_stmt *q, int rc, struct ws_err *err)
{
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "reading", err);
}

static int64_t col_t(sqlite3_stmt *q, int c)
{
	return sqlite3_column_type(q, c) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(q, c);
}

static int worm_idx(const struct ws_store *st, int dbw)
{
	return dbw >= 0 && dbw < 256 ? st->from_db[dbw] : -1;
}

/* ---- hosts ---------------------------------------------------------------- */

static void host_from_row(struct ws_store *st, sqlite3_stmt *q, struct ws_store_host *h)
{
	memset(h, 0, sizeof(*h));
	ws_addr_from_blob(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), &h->addr);
	h->first = col_t(q, 1);
	h->last = col_t(q, 2);
	h->requests = (uint64_t)sqlite3_column_int64(q, 3);
	h->compromised = (uint64_t)sqlite3_column_int64(q, 4);
	h->nimda_probes = (uint16_t)sqlite3_column_int(q, 5);
	h->destinations = (uint64_t)sqlite3_column_int64(q, 6);
	h->inside = sqlite3_column_int(q, 7) != 0;
	h->simulated = sqlite3_column_int(q, 8) != 0;
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		h->worm_first[w] = INT64_MIN;
		h->worm_last[w] = INT64_MIN;
	}
	struct ws_hworm hw[WS_MAX_WORMS];
	size_t n = ws_hworms_decode(sqlite3_column_blob(q, 9), (size_t)sqlite3_column_bytes(q, 9),
				    hw, WS_MAX_WORMS);
	for (size_t k = 0; k < n; k++) {
		int w = worm_idx(st, hw[k].dbw);
		if (w < 0)
			continue;
		h->per_worm[w] = hw[k].n;
		h->worm_first[w] = hw[k].first == INT64_MAX ? INT64_MIN : hw[k].first;
		h->worm_last[w] = hw[k].last;
	}
}

#define HOST_COLS "addr, first, last, requests, compromised, nimda, destinations, inside," \
		  " simulated, worms"

#define HOST_COLS_H "h.addr, h.first, h.last, h.requests, h.compromised, h.nimda," \
		    " h.destinations, h.inside, h.simulated, h.worms," \
		    " (SELECT count(*) FROM host_sensors x WHERE x.addr = h.addr)"

int ws_store_hosts(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_host *h),
		   void *ctx, struct ws_err *err)
{
	return ws_store_hosts_by(st, NULL, fn, ctx, err);
}

int ws_store_hosts_by(struct ws_store *st, const char *sensor,
		      int (*fn)(void *ctx, const struct ws_store_host *h), void *ctx,
		      struct ws_err *err)
{
	if (st->pg)
		return ws_pg_hosts_by(st, sensor, fn, ctx, err);
	sqlite3_stmt *q;
	int rc = prep(st,
		      sensor ? "SELECT " HOST_COLS_H ", s.first, s.last, s.requests"
			       " FROM host_sensors s JOIN hosts h ON h.addr = s.addr"
			       " WHERE s.sensor = (SELECT id FROM sensors WHERE name = ?1)"
			       " ORDER BY h.addr"
			     : "SELECT " HOST_COLS_H " FROM hosts h ORDER BY h.addr",
		      &q, err);
	if (rc)
		return rc;
	if (sensor)
		sqlite3_bind_text(q, 1, sensor, -1, SQLITE_STATIC);
	struct ws_store_host h;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		host_from_row(st, q, &h);
		h.sensors = (uint32_t)sqlite3_column_int64(q, 10);
		if (sensor) {
			h.s_first = col_t(q, 11);
			h.s_last = col_t(q, 12);
			h.s_requests = (uint64_t)sqlite3_column_int64(q, 13);
		} else {
			h.s_first = h.first;
			h.s_last = h.last;
			h.s_requests = h.requests;
		}
		int stop = fn(ctx, &h);
		if (stop) {
			sqlite3_finalize(q);
			return stop;
		}
	}
	return done(st, q, rc, err);
}

int ws_store_sensors(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_sensor *s),
		     void *ctx, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_sensors(st, fn, ctx, err);
	sqlite3_stmt *q;
	int rc = prep(st,
		      "SELECT s.name, (SELECT count(*) FROM inputs i WHERE i.sensor = s.id),"
		      " (SELECT coalesce(sum(i.sightings), 0) FROM inputs i WHERE i.sensor = s.id),"
		      " count(h.addr), min(h.first), max(h.last)"
		      " FROM sensors s LEFT JOIN host_sensors h ON h.sensor = s.id"
		      " WHERE EXISTS (SELECT 1 FROM inputs i WHERE i.sensor = s.id)"
		      " GROUP BY s.id ORDER BY s.name",
		      &q, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_store_sensor se = {0};
		const char *n = (const char *)sqlite3_column_text(q, 0);
		snprintf(se.name, sizeof(se.name), "%s", n ? n : "");
		se.inputs = (uint64_t)sqlite3_column_int64(q, 1);
		se.sightings = (uint64_t)sqlite3_column_int64(q, 2);
		se.sources = (uint64_t)sqlite3_column_int64(q, 3);
		se.first = col_t(q, 4);
		se.last = col_t(q, 5);
		int stop = fn(ctx, &se);
		if (stop) {
			sqlite3_finalize(q);
			return stop;
		}
	}
	return done(st, q, rc, err);
}

/* ---- report data ----------------------------------------------------------- */

static char *dup_col(sqlite3_stmt *q, int c)
{
	const unsigned char *s = sqlite3_column_text(q, c);
	return s ? ws_xstrdup((const char *)s) : NULL;
}

/* A bounded, NUL-free copy of a stored (hostile) string. */
static char *dup_blob(sqlite3_stmt *q, int c)
{
	if (sqlite3_column_type(q, c) == SQLITE_NULL)
		return NULL;
	const char *p = sqlite3_column_blob(q, c);
	size_t n = (size_t)sqlite3_column_bytes(q, c);
	char *s = ws_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = p[i] ? p[i] : '?';
	s[n] = '\0';
	return s;
}

static int read_totals(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT sightings, sources, compromised, first, last, simulated FROM totals",
		      &q, err);
	if (rc)
		return rc;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		d->sightings = (uint64_t)sqlite3_column_int64(q, 0);
		d->sources = (uint64_t)sqlite3_column_int64(q, 1);
		d->compromised = (uint64_t)sqlite3_column_int64(q, 2);
		d->first = col_t(q, 3);
		d->last = col_t(q, 4);
		d->simulated = sqlite3_column_int(q, 5) != 0;
		rc = SQLITE_DONE;
	}
	rc = done(st, q, rc, err);
	if (rc || (rc = prep(st, "SELECT worm, requests, sources FROM worm_totals", &q, err)))
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int w = worm_idx(st, sqlite3_column_int(q, 0));
		if (w < 0)
			continue;
		d->per_worm[w] = (uint64_t)sqlite3_column_int64(q, 1);
		d->per_worm_sources[w] = (uint64_t)sqlite3_column_int64(q, 2);
	}
	return done(st, q, rc, err);
}

static int read_hours(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT hour, worm, requests FROM hourly ORDER BY hour", &q, err);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t hour = sqlite3_column_int64(q, 0);
		if (!d->n_hours || d->hours[d->n_hours - 1].hour != hour) {
			if (d->n_hours == cap) {
				cap = cap ? cap * 2 : 256;
				d->hours = ws_xreallocarray(d->hours, cap, sizeof(*d->hours));
			}
			d->hours[d->n_hours++] = (struct ws_rep_hour){.hour = hour};
		}
		int w = worm_idx(st, sqlite3_column_int(q, 1));
		if (w >= 0)
			d->hours[d->n_hours - 1].count[w] += (uint64_t)sqlite3_column_int64(q, 2);
	}
	return done(st, q, rc, err);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct tvec {
	int64_t *v;
	size_t n, cap;
};

/* Cumulative distinct sources at each time the count grew, thinned evenly
 * to CURVE_POINTS (the last point always kept). */
static void build_curve(struct ws_rep_curve *c, struct tvec *firsts)
{
	ws_store_build_curve(c, firsts->v, firsts->n);
}

void ws_store_build_curve(struct ws_rep_curve *c, int64_t *v, size_t nv)
{
	struct tvec fv = {v, nv, nv}, *firsts = &fv;
	qsort(firsts->v, firsts->n, sizeof(int64_t), cmp_i64);
	size_t steps = 0;
	for (size_t i = 0; i < firsts->n; i++)
		if (i + 1 == firsts->n || firsts->v[i + 1] != firsts->v[i])
			steps++;
	size_t keep = steps < CURVE_POINTS ? steps : CURVE_POINTS;
	c->t = ws_xcalloc(keep ? keep : 1, sizeof(*c->t));
	c->cum = ws_xcalloc(keep ? keep : 1, sizeof(*c->cum));
	size_t step = 0;
	for (size_t i = 0; i < firsts->n; i++) {
		if (i + 1 < firsts->n && firsts->v[i + 1] == firsts->v[i])
			continue;
		/* step k is kept when it is the next of `keep` evenly spaced picks */
		size_t want = c->n + 1 == keep ? steps - 1 : c->n * (steps - 1) / (keep > 1 ? keep - 1 : 1);
		if (c->n < keep && step == want) {
			c->t[c->n] = firsts->v[i];
			c->cum[c->n] = i + 1;
			c->n++;
		}
		step++;
	}
}

static int read_curves(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	struct tvec f[WS_MAX_WORMS] = {0};
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT worms FROM hosts", &q, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_hworm hw[WS_MAX_WORMS];
		size_t n = ws_hworms_decode(sqlite3_column_blob(q, 0),
					    (size_t)sqlite3_column_bytes(q, 0), hw, WS_MAX_WORMS);
		for (size_t k = 0; k < n; k++) {
			int w = worm_idx(st, hw[k].dbw);
			if (w < 0 || hw[k].first == INT64_MAX)
				continue;
			if (f[w].n == f[w].cap) {
				f[w].cap = f[w].cap ? f[w].cap * 2 : 1024;
				f[w].v = ws_xreallocarray(f[w].v, f[w].cap, sizeof(int64_t));
			}
			f[w].v[f[w].n++] = hw[k].first;
		}
	}
	rc = done(st, q, rc, err);
	d->curves = ws_xcalloc(WS_MAX_WORMS, sizeof(*d->curves));
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (f[w].n) {
			struct ws_rep_curve *c = &d->curves[d->n_curves++];
			c->worm = w;
			build_curve(c, &f[w]);
		}
		free(f[w].v);
	}
	return rc;
}

static int read_top(struct ws_store *st, struct ws_report_data *d, size_t top_n,
		    struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT " HOST_COLS " FROM hosts ORDER BY requests DESC, addr LIMIT ?", &q,
		      err);
	if (rc)
		return rc;
	sqlite3_bind_int64(q, 1, (int64_t)top_n);
	d->top = ws_xcalloc(top_n ? top_n : 1, sizeof(*d->top));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && d->n_top < top_n) {
		struct ws_store_host h;
		host_from_row(st, q, &h);
		struct ws_rep_source *s = &d->top[d->n_top++];
		ws_addr_format(&h.addr, s->addr, sizeof(s->addr));
		s->requests = h.requests;
		memcpy(s->per_worm, h.per_worm, sizeof(s->per_worm));
		s->first = h.first;
		s->last = h.last;
		s->compromised = h.compromised;
		s->nimda_probes = h.nimda_probes;
		s->destinations = h.destinations;
		s->inside = h.inside;
	}
	return done(st, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, err);
}

static void format_prefix(const void *p, size_t n, int level, char *out, size_t outsz)
{
	struct ws_addr a;
	if (!ws_addr_from_blob(p, n, &a)) {
		snprintf(out, outsz, "?");
		return;
	}
	char t[40];
	ws_addr_format(&a, t, sizeof(t));
	int bits = a.fam == 4 ? 8 * level : 16 + 16 * level;
	snprintf(out, outsz, "%.39s/%d", t, bits);
}

static int read_nets(struct ws_store *st, int level, size_t top_n, struct ws_rep_net **out,
		     size_t *n_out, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st,
		      "SELECT prefix, requests, sources FROM nets WHERE level = ?"
		      " ORDER BY requests DESC, prefix LIMIT ?",
		      &q, err);
	if (rc)
		return rc;
	sqlite3_bind_int(q, 1, level);
	sqlite3_bind_int64(q, 2, (int64_t)top_n);
	*out = ws_xcalloc(top_n ? top_n : 1, sizeof(**out));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n_out < top_n) {
		struct ws_rep_net *n = &(*out)[(*n_out)++];
		format_prefix(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), level,
			      n->prefix, sizeof(n->prefix));
		n->requests = (uint64_t)sqlite3_column_int64(q, 1);
		n->sources = (uint64_t)sqlite3_column_int64(q, 2);
	}
	return done(st, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, err);
}

static int cmp_status(const void *a, const void *b)
{
	const struct ws_rep_status *x = a, *y = b;
	if (x->worm != y->worm)
		return x->worm - y->worm;
	return x->status - y->status;
}

bool ws_store_success_for(int worm, int status)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	if (worm < 0 || worm >= n)
		return false;
	return (status >= 200 && status < 300) ||
	       (t[worm]->success_3xx && status >= 300 && status < 400);
}

static int read_status(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT worm, status, count FROM status_mix", &q, err);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int w = worm_idx(st, sqlite3_column_int(q, 0));
		if (w < 0)
			continue;
		if (d->n_status == cap) {
			cap = cap ? cap * 2 : 64;
			d->status = ws_xreallocarray(d->status, cap, sizeof(*d->status));
		}
		int status = sqlite3_column_int(q, 1);
		d->status[d->n_status++] = (struct ws_rep_status){
			.worm = w, .status = status, .count = (uint64_t)sqlite3_column_int64(q, 2),
			.compromised = ws_store_success_for(w, status)};
	}
	ws_store_sort_status(d);
	return done(st, q, rc, err);
}

void ws_store_sort_status(struct ws_report_data *d)
{
	if (d->n_status)
		qsort(d->status, d->n_status, sizeof(*d->status), cmp_status);
}

static int read_inputs(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st,
		      "SELECT i.name, i.format, i.lines, i.sightings, i.scanned_at, i.simulated,"
		      " s.name FROM inputs i LEFT JOIN sensors s ON s.id = i.sensor ORDER BY i.id",
		      &q, err);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (d->n_inputs == cap) {
			cap = cap ? cap * 2 : 16;
			d->inputs = ws_xreallocarray(d->inputs, cap, sizeof(*d->inputs));
		}
		struct ws_rep_input *in = &d->inputs[d->n_inputs++];
		in->name = dup_col(q, 0);
		in->format = dup_col(q, 1);
		in->lines = (uint64_t)sqlite3_column_int64(q, 2);
		in->sightings = (uint64_t)sqlite3_column_int64(q, 3);
		in->scanned_at = sqlite3_column_int64(q, 4);
		in->simulated = sqlite3_column_int(q, 5) != 0;
		in->sensor = dup_col(q, 6);
		d->simulated |= in->simulated;
	}
	return done(st, q, rc, err);
}

int ws_store_rep_add_sensor(void *ctx, const struct ws_store_sensor *s)
{
	struct ws_report_data *d = ctx;
	if ((d->n_sensors & (d->n_sensors - 1)) == 0)
		d->sensors = ws_xreallocarray(d->sensors, d->n_sensors ? d->n_sensors * 2 : 1,
					      sizeof(*d->sensors));
	struct ws_rep_sensor *r = &d->sensors[d->n_sensors++];
	*r = (struct ws_rep_sensor){.inputs = s->inputs, .sightings = s->sightings,
				    .sources = s->sources, .first = s->first, .last = s->last};
	snprintf(r->name, sizeof(r->name), "%s", s->name);
	return 0;
}

static int read_answers(struct ws_store *st, struct ws_report_data *d, size_t top_n,
			struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st,
		      "SELECT s.ts, s.src, s.worm, s.status, t.s, a.s, h.s, s.dst"
		      " FROM sightings s INDEXED BY sightings_compromised"
		      " LEFT JOIN strings t ON t.id = s.target LEFT JOIN strings a ON a.id = s.agent"
		      " LEFT JOIN strings h ON h.id = s.host"
		      " WHERE s.compromised = 1 ORDER BY s.ts DESC LIMIT ?",
		      &q, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(q, 1, (int64_t)top_n);
	d->answers = ws_xcalloc(top_n ? top_n : 1, sizeof(*d->answers));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && d->n_answers < top_n) {
		int w = worm_idx(st, sqlite3_column_int(q, 2));
		if (w < 0)
			continue;
		struct ws_rep_answer *a = &d->answers[d->n_answers++];
		a->ts = col_t(q, 0);
		struct ws_addr src;
		if (ws_addr_from_blob(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1),
				      &src))
			ws_addr_format(&src, a->src, sizeof(a->src));
		a->worm = w;
		a->status = sqlite3_column_type(q, 3) == SQLITE_NULL ? 0 : sqlite3_column_int(q, 3);
		a->uri = dup_blob(q, 4);
		a->agent = dup_blob(q, 5);
		a->host = dup_blob(q, 6);
		struct ws_addr dst;
		char t[64];
		if (!a->host && ws_addr_from_blob(sqlite3_column_blob(q, 7),
						  (size_t)sqlite3_column_bytes(q, 7), &dst))
			a->host = ws_xstrdup(ws_addr_format(&dst, t, sizeof(t)));
	}
	return done(st, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, err);
}

int ws_store_report_data(struct ws_store *st, size_t top_n, struct ws_report_data *out,
			 struct ws_err *err)
{
	struct ws_report_data *d = out;
	*d = (struct ws_report_data){0};
	d->db_path = ws_xstrdup(st->path);
	if (st->pg) {
		int rc = ws_pg_report_data(st, top_n, d, err);
		if (rc)
			ws_report_data_free(d);
		return rc;
	}
	int rc = read_totals(st, d, err);
	if (!rc)
		rc = read_hours(st, d, err);
	if (!rc)
		rc = read_curves(st, d, err);
	if (!rc)
		rc = read_top(st, d, top_n, err);
	if (!rc)
		rc = read_nets(st, 2, top_n, &d->top16, &d->n_top16, err);
	if (!rc)
		rc = read_nets(st, 1, top_n, &d->top8, &d->n_top8, err);
	if (!rc)
		rc = read_status(st, d, err);
	if (!rc)
		rc = read_inputs(st, d, err);
	if (!rc)
		rc = read_answers(st, d, top_n, err);
	if (!rc)
		rc = ws_store_sensors(st, ws_store_rep_add_sensor, d, err);
	if (rc)
		ws_report_data_free(d);
	return rc;
}
