/* SPDX-License-Identifier: MIT */
/* Telescope observations in the store (issue 14): the views (what each
 * monitor watched), what each input added, per source and per interval;
 * and the readers `estimate` uses. Rows are added inside the open
 * transaction of the input they came from, so an input's observations are
 * committed with its offset or not at all, and an input already stored is
 * never counted twice (store/inputs.c decides that, as for sightings).
 *
 * Distinct sources per interval (tele_counts.active) are counted by the
 * sensor; a source it had not handed over before in this run but that the
 * store already holds, with its last probe in the interval of the new
 * input's first probe, was counted there twice: that interval's count is
 * lowered by one (exact for inputs read in time order). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/mem.h"
#include "util/time.h"

enum {
	T_VIEW_FIND, T_VIEW_ADD, T_VIEW_SPAN, T_IN_ADD, T_SRC_GET, T_SRC_PUT, T_CNT_ADD, T_CNT_DEC,
	T_N
};

static const char *const tsql[T_N] = {
	"SELECT id FROM tele_views WHERE kind = ?1 AND prefixes = ?2 AND ports = ?3",
	"INSERT INTO tele_views(kind, prefixes, ports, addresses) VALUES(?1, ?2, ?3, ?4)",
	"UPDATE tele_views SET first = min(coalesce(first, ?2), ?2), last = max(coalesce(last, ?3), ?3),"
	" simulated = simulated | ?4 WHERE id = ?1",
	"INSERT INTO tele_inputs(input_id, view, start, end, packets, probes, backscatter, other_ports,"
	" untracked, sample, simulated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	" ON CONFLICT(input_id, view) DO UPDATE SET"
	" start = min(coalesce(start, excluded.start), coalesce(excluded.start, start)),"
	" end = max(coalesce(end, excluded.end), coalesce(excluded.end, end)),"
	" packets = packets + excluded.packets, probes = probes + excluded.probes,"
	" backscatter = backscatter + excluded.backscatter,"
	" other_ports = other_ports + excluded.other_ports,"
	" untracked = untracked + excluded.untracked, sample = min(sample, excluded.sample),"
	" simulated = simulated | excluded.simulated",
	"SELECT first, last, probes, simulated FROM tele_sources WHERE view = ?1 AND addr = ?2",
	"INSERT OR REPLACE INTO tele_sources(view, addr, first, last, probes, simulated)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	"INSERT INTO tele_counts(view, span, t, probes, active, backscatter) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	" ON CONFLICT(view, span, t) DO UPDATE SET probes = probes + excluded.probes,"
	" active = active + excluded.active, backscatter = backscatter + excluded.backscatter",
	"UPDATE tele_counts SET active = active - 1 WHERE view = ?1 AND span = ?2 AND t = ?3"
	" AND active > 0",
};

static const int64_t spans[3] = {60, 3600, 86400};

struct ws_store_tq {
	sqlite3_stmt *q[T_N];
};

void ws_store_tele_free(struct ws_store *st)
{
	if (!st->tq)
		return;
	for (int i = 0; i < T_N; i++)
		sqlite3_finalize(st->tq->q[i]);
	free(st->tq);
	st->tq = NULL;
}

/* The prepared statement i, reset and unbound. */
static int stmt(struct ws_store *st, int i, sqlite3_stmt **q, struct ws_err *err)
{
	if (!st->tq)
		st->tq = ws_xcalloc(1, sizeof(*st->tq));
	if (!st->tq->q[i]) {
		int rc = sqlite3_prepare_v3(st->db, tsql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &st->tq->q[i], NULL);
		if (rc != SQLITE_OK)
			return ws_store_sqlerr(st, rc, "telescope tables", err);
	}
	*q = st->tq->q[i];
	sqlite3_reset(*q);
	sqlite3_clear_bindings(*q);
	return 0;
}

static int done(struct ws_store *st, sqlite3_stmt *q, struct ws_err *err)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "telescope tables", err);
}

static int find_view(struct ws_store *st, const char *kind, const char *prefixes, const char *ports,
		     uint64_t addresses, int64_t *view, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = stmt(st, T_VIEW_FIND, &q, err);
	if (rc)
		return rc;
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, prefixes, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, ports, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*view = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		return 0;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "telescope views", err);
	if ((rc = stmt(st, T_VIEW_ADD, &q, err)) != 0)
		return rc;
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, prefixes, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, ports, -1, SQLITE_STATIC);
	if (addresses)
		sqlite3_bind_int64(q, 4, (int64_t)addresses);
	if ((rc = done(st, q, err)) != 0)
		return rc;
	*view = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int ws_store_tele_input(struct ws_store *st, int64_t input_id, const struct ws_store_tele_in *in,
			int64_t *view, struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	int rc = ws_store_begin(st, err);
	if (!rc)
		rc = find_view(st, in->kind ? in->kind : "telescope", in->prefixes, in->ports,
			       in->addresses, view, err);
	if (rc)
		return rc;
	sqlite3_stmt *q;
	bool times = in->start <= in->end;
	if (times || in->simulated) {
		if ((rc = stmt(st, T_VIEW_SPAN, &q, err)) != 0)
			return rc;
		sqlite3_bind_int64(q, 1, *view);
		if (times) {
			sqlite3_bind_int64(q, 2, in->start);
			sqlite3_bind_int64(q, 3, in->end);
		}
		sqlite3_bind_int(q, 4, in->simulated);
		if ((rc = done(st, q, err)) != 0)
			return rc;
	}
	if ((rc = stmt(st, T_IN_ADD, &q, err)) != 0)
		return rc;
	sqlite3_bind_int64(q, 1, input_id);
	sqlite3_bind_int64(q, 2, *view);
	if (times) {
		sqlite3_bind_int64(q, 3, in->start);
		sqlite3_bind_int64(q, 4, in->end);
	}
	sqlite3_bind_int64(q, 5, (int64_t)in->packets);
	sqlite3_bind_int64(q, 6, (int64_t)in->probes);
	sqlite3_bind_int64(q, 7, (int64_t)in->backscatter);
	sqlite3_bind_int64(q, 8, (int64_t)in->other_ports);
	sqlite3_bind_int64(q, 9, (int64_t)in->untracked);
	sqlite3_bind_double(q, 10, in->sample > 0 && in->sample <= 1 ? in->sample : 1.0);
	sqlite3_bind_int(q, 11, in->simulated);
	return done(st, q, err);
}

int ws_store_tele_source(struct ws_store *st, int64_t view, uint32_t addr, int64_t first,
			 int64_t last, int64_t p_first, uint64_t probes, bool known, bool simulated,
			 struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	uint8_t key[4] = {(uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
			  (uint8_t)addr};
	sqlite3_stmt *q;
	int rc = stmt(st, T_SRC_GET, &q, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(q, 1, view);
	sqlite3_bind_blob(q, 2, key, 4, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		int64_t f = sqlite3_column_int64(q, 0), l = sqlite3_column_int64(q, 1);
		probes += (uint64_t)sqlite3_column_int64(q, 2);
		simulated |= sqlite3_column_int(q, 3) != 0;
		sqlite3_reset(q);
		for (int s = 0; s < 3 && !known; s++) {
			if (ws_floor_to(l, spans[s]) != ws_floor_to(p_first, spans[s]))
				continue;
			sqlite3_stmt *d;
			if ((rc = stmt(st, T_CNT_DEC, &d, err)) != 0)
				return rc;
			sqlite3_bind_int64(d, 1, view);
			sqlite3_bind_int64(d, 2, spans[s]);
			sqlite3_bind_int64(d, 3, ws_floor_to(l, spans[s]));
			if ((rc = done(st, d, err)) != 0)
				return rc;
		}
		if (f < first)
			first = f;
		if (l > last)
			last = l;
	} else {
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return ws_store_sqlerr(st, rc, "telescope sources", err);
	}
	if ((rc = stmt(st, T_SRC_PUT, &q, err)) != 0)
		return rc;
	sqlite3_bind_int64(q, 1, view);
	sqlite3_bind_blob(q, 2, key, 4, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, first);
	sqlite3_bind_int64(q, 4, last);
	sqlite3_bind_int64(q, 5, (int64_t)probes);
	sqlite3_bind_int(q, 6, simulated);
	return done(st, q, err);
}

int ws_store_tele_count(struct ws_store *st, int64_t view, int64_t span, int64_t t,
			uint64_t probes, uint64_t active, uint64_t backscatter, struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	sqlite3_stmt *q;
	int rc = stmt(st, T_CNT_ADD, &q, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(q, 1, view);
	sqlite3_bind_int64(q, 2, span);
	sqlite3_bind_int64(q, 3, t);
	sqlite3_bind_int64(q, 4, (int64_t)probes);
	sqlite3_bind_int64(q, 5, (int64_t)active);
	sqlite3_bind_int64(q, 6, (int64_t)backscatter);
	return done(st, q, err);
}

int ws_store_tele_web(struct ws_store *st, uint64_t addresses, struct ws_err *err)
{
	if (st->pg && addresses == 0)
		return 0;
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	int64_t view;
	int rc = ws_store_begin(st, err);
	if (!rc)
		rc = find_view(st, "web", "", "", addresses, &view, err);
	if (rc || !addresses)
		return rc;
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE tele_views SET addresses = %llu WHERE id = %lld",
		 (unsigned long long)addresses, (long long)view);
	return ws_store_exec(st, sql, err);
}

/* ---- readers ---- */

static int64_t one_int(struct ws_store *st, const char *sql, int64_t a, int64_t dflt)
{
	sqlite3_stmt *q;
	int64_t v = dflt;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return dflt;
	sqlite3_bind_int64(q, 1, a);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void copy_text(char *dst, size_t cap, const unsigned char *s)
{
	snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

/* The web view's figures come from the sightings and their summaries. */
static void web_figures(struct ws_store *st, struct ws_tele_view *v)
{
	if (!v->addresses) {
		int64_t d = one_int(st, "SELECT count(DISTINCT dst) FROM sightings WHERE ?1 = ?1 AND"
					" dst IS NOT NULL", 0, 0);
		v->addresses = d > 0 ? (uint64_t)d : 1;
	}
	v->sources = (uint64_t)one_int(st, "SELECT count(*) FROM hosts WHERE ?1 = ?1", 0, 0);
	v->probes = (uint64_t)one_int(st, "SELECT sightings FROM totals WHERE id = ?1", 1, 0);
	v->first = one_int(st, "SELECT first FROM totals WHERE id = ?1", 1, INT64_MIN);
	v->last = one_int(st, "SELECT last FROM totals WHERE id = ?1", 1, INT64_MIN);
	v->simulated = one_int(st, "SELECT simulated FROM totals WHERE id = ?1", 1, 0) != 0;
	v->sample = 1;
}

int ws_store_tele_views(struct ws_store *st, int (*fn)(void *ctx, const struct ws_tele_view *v),
			void *ctx, struct ws_err *err)
{
	if (st->pg)
		return 0; /* no telescope views in PostgreSQL stores */
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT v.id, v.kind, v.prefixes, v.ports, v.addresses, v.first, v.last, v.simulated,"
		" (SELECT count(*) FROM tele_sources s WHERE s.view = v.id),"
		" coalesce(sum(i.probes), 0), coalesce(sum(i.backscatter), 0),"
		" coalesce(sum(i.other_ports), 0), coalesce(sum(i.untracked), 0),"
		" coalesce(min(i.sample), 1)"
		" FROM tele_views v LEFT JOIN tele_inputs i ON i.view = v.id GROUP BY v.id ORDER BY v.id",
		-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "telescope views", err);
	int stop = 0;
	bool web = false;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_tele_view v = {.id = sqlite3_column_int64(q, 0)};
		copy_text(v.kind, sizeof(v.kind), sqlite3_column_text(q, 1));
		copy_text(v.prefixes, sizeof(v.prefixes), sqlite3_column_text(q, 2));
		copy_text(v.ports, sizeof(v.ports), sqlite3_column_text(q, 3));
		v.addresses = (uint64_t)sqlite3_column_int64(q, 4);
		v.first = sqlite3_column_type(q, 5) == SQLITE_NULL ? INT64_MIN
								     : sqlite3_column_int64(q, 5);
		v.last = sqlite3_column_type(q, 6) == SQLITE_NULL ? INT64_MIN
								    : sqlite3_column_int64(q, 6);
		v.simulated = sqlite3_column_int(q, 7) != 0;
		v.sources = (uint64_t)sqlite3_column_int64(q, 8);
		v.probes = (uint64_t)sqlite3_column_int64(q, 9);
		v.backscatter = (uint64_t)sqlite3_column_int64(q, 10);
		v.other_ports = (uint64_t)sqlite3_column_int64(q, 11);
		v.untracked = (uint64_t)sqlite3_column_int64(q, 12);
		v.sample = sqlite3_column_double(q, 13);
		if (strcmp(v.kind, "web") == 0) {
			web = true;
			web_figures(st, &v);
		}
		stop = fn(ctx, &v);
	}
	sqlite3_finalize(q);
	if (!stop && rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "telescope views", err);
	/* A store written before the telescope tables, or by guard only: its
	 * sightings are still a web view (id 0). */
	if (!stop && !web && one_int(st, "SELECT sightings FROM totals WHERE id = ?1", 1, 0) > 0) {
		struct ws_tele_view v = {.id = 0};
		snprintf(v.kind, sizeof(v.kind), "web");
		web_figures(st, &v);
		stop = fn(ctx, &v);
	}
	return stop;
}

/* The counts being built: intervals [t0, t0 + n * iv). */
struct acc {
	int64_t t0, iv;
	size_t n;
	struct ws_tele_count *v;
	uint64_t before; /* sources first seen before t0 */
};

#define MAX_INTERVALS (10u << 20)

static int acc_range(struct acc *a, int64_t lo, int64_t hi, int64_t from, int64_t until,
		     struct ws_err *err)
{
	if (lo < from)
		lo = from;
	if (hi >= until)
		hi = until - 1;
	if (lo > hi)
		return 0;
	a->t0 = ws_floor_to(lo, a->iv);
	uint64_t n = (uint64_t)((ws_floor_to(hi, a->iv) - a->t0) / a->iv) + 1;
	if (n > MAX_INTERVALS)
		return ws_err_set(err, WS_EUSAGE, "%llu intervals of %llds: more than %u (give a "
				  "longer interval or a shorter range)", (unsigned long long)n,
				  (long long)a->iv, MAX_INTERVALS);
	a->n = (size_t)n;
	a->v = ws_xcalloc(a->n, sizeof(*a->v));
	for (size_t i = 0; i < a->n; i++)
		a->v[i].t = a->t0 + (int64_t)i * a->iv;
	return 0;
}

static struct ws_tele_count *acc_at(struct acc *a, int64_t t)
{
	if (!a->n || t < a->t0)
		return NULL;
	uint64_t i = (uint64_t)((t - a->t0) / a->iv);
	return i < a->n ? &a->v[i] : NULL;
}

/* Prepares sql binding ?1 = a1 and ?2 = a2 (a view or worm, an interval). */
static int prep(struct ws_store *st, const char *sql, int64_t a1, int64_t a2, sqlite3_stmt **q,
		struct ws_err *err)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "telescope counts", err);
	sqlite3_bind_int64(*q, 1, a1);
	sqlite3_bind_int64(*q, 2, a2);
	return 0;
}

/* Runs sql (see prep) and calls add for each row. */
static int rows(struct ws_store *st, const char *sql, int64_t a1, int64_t a2,
		void (*add)(struct acc *a, sqlite3_stmt *q), struct acc *a, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, sql, a1, a2, &q, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		add(a, q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "telescope counts", err);
}

/* Rows (first) of sources. */
static void add_first(struct acc *a, sqlite3_stmt *q)
{
	int64_t f = sqlite3_column_int64(q, 0);
	struct ws_tele_count *c = acc_at(a, ws_floor_to(f, a->iv));
	if (c)
		c->new_sources++;
	else if (f < a->t0)
		a->before++;
}

/* Rows (t, probes, active) of counts; active only when the spans match. */
static void add_count(struct acc *a, sqlite3_stmt *q)
{
	int64_t t = sqlite3_column_int64(q, 0);
	struct ws_tele_count *c = acc_at(a, ws_floor_to(t, a->iv));
	if (!c)
		return;
	c->probes += (uint64_t)sqlite3_column_int64(q, 1);
	if (sqlite3_column_type(q, 2) != SQLITE_NULL && c->active >= 0)
		c->active += sqlite3_column_int64(q, 2);
}

static int bounds(struct ws_store *st, const char *sql, int64_t a1, int64_t a2, int64_t *lo,
		  int64_t *hi, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = prep(st, sql, a1, a2, &q, err);
	if (rc)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
		int64_t l = sqlite3_column_int64(q, 0), h = sqlite3_column_int64(q, 1);
		if (l < *lo)
			*lo = l;
		if (h > *hi)
			*hi = h;
	}
	sqlite3_finalize(q);
	return 0;
}

static int view_kind(struct ws_store *st, int64_t view, char *kind, size_t cap, struct ws_err *err)
{
	if (view == 0) {
		snprintf(kind, cap, "web");
		return 0;
	}
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, "SELECT kind FROM tele_views WHERE id = ?1", -1, &q,
				    NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "telescope views", err);
	sqlite3_bind_int64(q, 1, view);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		copy_text(kind, cap, sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return ws_err_set(err, WS_EUSAGE, "%s: no telescope view %lld", st->path,
				  (long long)view);
	return 0;
}

static int web_counts(struct ws_store *st, struct acc *a, int worm, int64_t from, int64_t until,
		      struct ws_err *err)
{
	int64_t w = worm >= 0 && worm < WS_MAX_WORMS ? st->to_db[worm] : -1;
	if (worm >= 0 && w < 0)
		return 0; /* a worm this store never saw */
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int rc = bounds(st, "SELECT min(ts), max(ts) FROM sightings WHERE ts IS NOT NULL AND"
			    " (?1 < 0 OR worm = ?1) AND ?2 = ?2", w, 0, &lo, &hi, err);
	if (rc || lo > hi || (rc = acc_range(a, lo, hi, from, until, err)) != 0 || !a->n)
		return rc;
	rc = rows(st, "SELECT f FROM (SELECT min(ts) AS f FROM sightings WHERE ts IS NOT NULL AND"
		      " (?1 < 0 OR worm = ?1) AND ?2 = ?2 GROUP BY src)", w, 0, add_first, a, err);
	if (!rc)
		rc = rows(st, "SELECT ts - ((ts % ?2) + ?2) % ?2 AS b, count(*), count(DISTINCT src)"
			      " FROM sightings WHERE ts IS NOT NULL AND (?1 < 0 OR worm = ?1)"
			      " GROUP BY b", w, a->iv, add_count, a, err);
	return rc;
}

static int scope_counts(struct ws_store *st, struct acc *a, int64_t view, int64_t from,
			int64_t until, struct ws_err *err)
{
	int64_t span = a->iv % 86400 == 0 ? 86400 : a->iv % 3600 == 0 ? 3600 : 60;
	bool exact = a->iv == span;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int rc = bounds(st, "SELECT min(first), max(first) FROM tele_sources WHERE view = ?1 AND"
			    " ?2 = ?2", view, 0, &lo, &hi, err);
	if (!rc)
		rc = bounds(st, "SELECT min(t), max(t) FROM tele_counts WHERE view = ?1 AND span = ?2",
			    view, span, &lo, &hi, err);
	if (rc || lo > hi || (rc = acc_range(a, lo, hi, from, until, err)) != 0 || !a->n)
		return rc;
	if (!exact)
		for (size_t i = 0; i < a->n; i++)
			a->v[i].active = -1;
	rc = rows(st, "SELECT first FROM tele_sources WHERE view = ?1 AND ?2 = ?2", view, 0,
		  add_first, a, err);
	if (!rc)
		rc = rows(st, "SELECT t, probes, active FROM tele_counts WHERE view = ?1 AND span = ?2",
			  view, span, add_count, a, err);
	return rc;
}

int ws_store_tele_counts(struct ws_store *st, int64_t view, int64_t interval_s, int64_t from,
			 int64_t until, int worm, struct ws_tele_count **out, size_t *n,
			 struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	*out = NULL;
	*n = 0;
	char kind[16];
	int rc = view_kind(st, view, kind, sizeof(kind), err);
	if (rc)
		return rc;
	bool web = strcmp(kind, "web") == 0;
	if (interval_s <= 0 || (!web && interval_s % 60 != 0))
		return ws_err_set(err, WS_EUSAGE, "interval %llds: want a positive multiple of 60",
				  (long long)interval_s);
	struct acc a = {.iv = interval_s};
	rc = web ? web_counts(st, &a, worm, from, until, err)
		 : scope_counts(st, &a, view, from, until, err);
	if (rc) {
		free(a.v);
		return rc;
	}
	uint64_t cum = a.before;
	for (size_t i = 0; i < a.n; i++) {
		cum += a.v[i].new_sources;
		a.v[i].cum_sources = cum;
	}
	*out = a.v;
	*n = a.n;
	return 0;
}

int ws_store_tele_spans(struct ws_store *st, int64_t view, unsigned *spans_out, struct ws_err *err)
{
	*spans_out = 0;
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT DISTINCT span FROM tele_counts WHERE view = ?1 AND ?2 = ?2", view, 0,
		      &q, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		for (int s = 0; s < 3; s++)
			if (sqlite3_column_int64(q, 0) == spans[s])
				*spans_out |= 1u << s;
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "telescope counts", err);
}

int ws_store_tele_sources(struct ws_store *st, int64_t view,
			  int (*fn)(void *ctx, int64_t first, int64_t last, uint64_t probes),
			  void *ctx, struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: telescope observations are kept in SQLite stores only", st->path);
	sqlite3_stmt *q;
	int rc = prep(st, "SELECT first, last, probes FROM tele_sources WHERE view = ?1 AND ?2 = ?2"
			  " ORDER BY first", view, 0, &q, err);
	if (rc)
		return rc;
	int stop = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
		stop = fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
			  (uint64_t)sqlite3_column_int64(q, 2));
	sqlite3_finalize(q);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "telescope sources", err);
}
