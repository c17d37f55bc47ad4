/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend (issue 16; docs/store.md "PostgreSQL"). Many
 * sensors write one database at once, so:
 *  - a batch (its sightings by COPY, its rollups, the offsets of the inputs
 *    it read) is one transaction; rollups are upserts of deltas from
 *    per-connection staging tables, in key order (no table lock, no
 *    deadlock between writers that lock rows in the same order), so they
 *    stay exact however writers interleave;
 *  - per-worm totals, distinct sources and destinations are counted when
 *    read, not kept in hot single rows every writer would queue on;
 *  - every batch bumps its writer's row in `writers`; when the connection
 *    drops during a commit, the writer reconnects (back-off 0.1 s doubling to
 *    5 s, WS_STORE_RETRY_S seconds in all, default 600) and reads that row to
 *    know whether the commit landed, so a batch is never lost or doubled;
 *  - a live writer (guard) never waits: it keeps its batch (at most
 *    WS_PG_LIVE_MAX sightings, then counts what it drops) and tries again
 *    at its next flush.
 * Strings (targets, agents, Host headers, methods) are interned by a 64-bit
 * hash of their bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "output/output.h"
#include "report/data.h"
#include "store/pg.h"
#include "util/dl.h"
#include "util/mem.h"
#include "wormscope/worm.h"

/* libpq (and its Kerberos, LDAP and GnuTLS) is loaded when a PostgreSQL
 * store is opened (util/dl.h), not by every command at start-up. Each PQ*
 * name below is a macro for the pointer bound then. */
#define PQ_FNS(X)                                                                                  \
	X(PQclear) X(PQconnectdb) X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQfinish)         \
	X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQntuples) X(PQputCopyData)               \
	X(PQputCopyEnd) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams)          \
	X(PQsetSingleRowMode) X(PQstatus)
WS_DL_LIBRARY(pq, PQ_FNS, "libpq", WS_LIBPQ_SONAME)
#define PQ_CALL(f) (pq.f)
#define PQclear PQ_CALL(PQclear)
#define PQconnectdb PQ_CALL(PQconnectdb)
#define PQerrorMessage PQ_CALL(PQerrorMessage)
#define PQexec PQ_CALL(PQexec)
#define PQexecParams PQ_CALL(PQexecParams)
#define PQfinish PQ_CALL(PQfinish)
#define PQgetResult PQ_CALL(PQgetResult)
#define PQgetisnull PQ_CALL(PQgetisnull)
#define PQgetvalue PQ_CALL(PQgetvalue)
#define PQntuples PQ_CALL(PQntuples)
#define PQputCopyData PQ_CALL(PQputCopyData)
#define PQputCopyEnd PQ_CALL(PQputCopyEnd)
#define PQresultErrorMessage PQ_CALL(PQresultErrorMessage)
#define PQresultStatus PQ_CALL(PQresultStatus)
#define PQsendQueryParams PQ_CALL(PQsendQueryParams)
#define PQsetSingleRowMode PQ_CALL(PQsetSingleRowMode)
#define PQstatus PQ_CALL(PQstatus)

#define PG_SCHEMA 1
#define PROV_BASE (INT64_C(1) << 62)
#define MAX_STR 2048

struct ws_pg {
	PGconn *c;
	char *uri;
	int64_t writer, seq; /* writers.id and the last committed seq */
	int64_t ntok;        /* inputs created: "writer-n" makes their INSERT idempotent */
	/* live inputs registered while the server was away: a provisional id
	 * (PROV_BASE + 1, + 2, ...) until the next commit creates the row */
	struct { int64_t real; char *kind, *name, tok[48]; } prov[64];
	int nprov;
	struct ws_buf sight, strs, dests; /* staged COPY text */
	uint64_t staged;                  /* sightings in sight */
	struct ws_buf prog;               /* staged offset updates (SQL) */
	uint64_t *known;                  /* string hashes known to be stored */
	size_t known_cap;
	bool temp_made;
	time_t next_try; /* live writer: not before */
};

bool ws_pg_is_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* ---- connection ------------------------------------------------------------ */

static int pgerr(struct ws_store *st, const char *what, PGresult *r, struct ws_err *err)
{
	const char *m = r ? PQresultErrorMessage(r) : "";
	if (!m || !*m)
		m = PQerrorMessage(st->pg->c);
	char one[300];
	snprintf(one, sizeof(one), "%s", m && *m ? m : "connection lost");
	one[strcspn(one, "\n")] = '\0';
	if (r)
		PQclear(r);
	return ws_err_set(err, WS_EIO, "%s: %s: %s", st->path, what, one);
}

static bool gone(struct ws_store *st)
{
	return PQstatus(st->pg->c) != CONNECTION_OK;
}

/* Runs SQL expecting no rows (or any rows, discarded). */
static int run(struct ws_store *st, const char *sql, struct ws_err *err)
{
	PGresult *r = PQexec(st->pg->c, sql);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return pgerr(st, "query", r, err);
	PQclear(r);
	return 0;
}

static PGresult *query(struct ws_store *st, const char *sql, int n, const char *const *v,
		       struct ws_err *err, int *rc)
{
	PGresult *r = PQexecParams(st->pg->c, sql, n, NULL, v, NULL, NULL, 0);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		*rc = pgerr(st, "query", r, err);
		return NULL;
	}
	*rc = 0;
	return r;
}

static int64_t geti(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int64_t gett(PGresult *r, int row, int col) /* a time, INT64_MIN for NULL */
{
	return PQgetisnull(r, row, col) ? INT64_MIN : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static bool getb(PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

/* bytea in text output ("\x0a0b..."): at most cap bytes into out. */
static size_t getbytes(PGresult *r, int row, int col, uint8_t *out, size_t cap)
{
	if (PQgetisnull(r, row, col))
		return 0;
	const char *p = PQgetvalue(r, row, col);
	if (p[0] != '\\' || p[1] != 'x')
		return 0;
	size_t n = 0;
	for (p += 2; p[0] && p[1] && n < cap; p += 2) {
		unsigned v;
		if (sscanf(p, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

static char *getstr(PGresult *r, int row, int col) /* bytea or text, NUL-free, bounded */
{
	if (PQgetisnull(r, row, col))
		return NULL;
	const char *p = PQgetvalue(r, row, col);
	if (p[0] == '\\' && p[1] == 'x') {
		uint8_t *b = ws_xmalloc(MAX_STR + 1);
		size_t n = getbytes(r, row, col, b, MAX_STR);
		for (size_t i = 0; i < n; i++)
			if (!b[i])
				b[i] = '?';
		b[n] = '\0';
		return (char *)b;
	}
	return ws_xstrdup(p);
}

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS ws_meta(key text PRIMARY KEY, value text);"
	"CREATE TABLE IF NOT EXISTS sensors(id serial PRIMARY KEY, name text NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS worms(id serial PRIMARY KEY, name text NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS writers(id bigserial PRIMARY KEY, sensor int NOT NULL,"
	" seq bigint NOT NULL DEFAULT 0, started bigint);"
	"CREATE TABLE IF NOT EXISTS inputs(id bigserial PRIMARY KEY, sensor int NOT NULL,"
	" kind text NOT NULL, name text NOT NULL, dev bigint, ino bigint, size bigint,"
	" compressed bool NOT NULL DEFAULT false, head_len bigint, head_hash bigint,"
	" tail_len bigint, tail_hash bigint, byte_offset bigint NOT NULL DEFAULT 0,"
	" lines bigint NOT NULL DEFAULT 0, complete bool NOT NULL DEFAULT false, format text,"
	" kind_code int, simulated bool NOT NULL DEFAULT false,"
	" sightings bigint NOT NULL DEFAULT 0, first_scanned bigint, scanned_at bigint,"
	" replaced_by bigint, token text UNIQUE);"
	"CREATE INDEX IF NOT EXISTS inputs_file ON inputs(sensor, dev, ino);"
	"CREATE INDEX IF NOT EXISTS inputs_head ON inputs(sensor, head_len);"
	"CREATE TABLE IF NOT EXISTS strings(h bigint PRIMARY KEY, s bytea NOT NULL);"
	"CREATE TABLE IF NOT EXISTS sightings(input_id bigint NOT NULL, line bigint NOT NULL,"
	" ts bigint, src bytea NOT NULL, src_port int, dst bytea, dst_port int,"
	" worm smallint NOT NULL, sid bigint, conf smallint, status smallint, method bigint,"
	" target bigint, agent bigint, host bigint, compromised bool NOT NULL,"
	" inside bool NOT NULL, nimda_probe smallint, simulated bool NOT NULL);"
	"CREATE INDEX IF NOT EXISTS sightings_input ON sightings(input_id, line);"
	"CREATE INDEX IF NOT EXISTS sightings_compromised ON sightings(ts) WHERE compromised;"
	"CREATE TABLE IF NOT EXISTS hosts(addr bytea PRIMARY KEY, first bigint, last bigint,"
	" requests bigint NOT NULL, compromised bigint NOT NULL, nimda int NOT NULL,"
	" inside bool NOT NULL, simulated bool NOT NULL);"
	"CREATE TABLE IF NOT EXISTS host_worms(addr bytea, worm smallint,"
	" requests bigint NOT NULL, first bigint, last bigint, PRIMARY KEY(addr, worm));"
	"CREATE TABLE IF NOT EXISTS host_dests(addr bytea, dst bytea, PRIMARY KEY(addr, dst));"
	"CREATE TABLE IF NOT EXISTS host_sensors(addr bytea, sensor int, first bigint,"
	" last bigint, requests bigint NOT NULL, PRIMARY KEY(addr, sensor));"
	"CREATE TABLE IF NOT EXISTS hourly(hour bigint, worm smallint, requests bigint NOT NULL,"
	" PRIMARY KEY(hour, worm));"
	"CREATE TABLE IF NOT EXISTS status_mix(worm smallint, status int, count bigint NOT NULL,"
	" compromised bigint NOT NULL, PRIMARY KEY(worm, status));"
	"CREATE TABLE IF NOT EXISTS nets(level smallint, prefix bytea, requests bigint NOT NULL,"
	" sources bigint NOT NULL, PRIMARY KEY(level, prefix));"
	"INSERT INTO ws_meta VALUES('schema', '1') ON CONFLICT DO NOTHING;";

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS s_hosts(addr bytea, first bigint, last bigint,"
	" requests bigint, compromised bigint, nimda int, inside bool, simulated bool)"
	" ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS s_hworms(addr bytea, worm smallint, requests bigint,"
	" first bigint, last bigint) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS s_dests(addr bytea, dst bytea) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS s_strings(h bigint, s bytea) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS s_fresh(addr bytea, fresh bool) ON COMMIT DELETE ROWS;";

static int load_worms(struct ws_store *st, struct ws_err *err)
{
	int n, rc = 0;
	const struct ws_worm *const *t = ws_worms(&n);
	for (int i = 0; i < WS_MAX_WORMS; i++)
		st->to_db[i] = -1;
	for (int i = 0; i < 256; i++)
		st->from_db[i] = -1;
	if (st->mode == WS_STORE_RW)
		for (int i = 0; i < n && !rc; i++) {
			const char *v[1] = {t[i]->id};
			PGresult *r = query(st, "INSERT INTO worms(name) VALUES($1) ON CONFLICT DO NOTHING",
					    1, v, err, &rc);
			if (r)
				PQclear(r);
		}
	if (rc)
		return rc;
	PGresult *r = query(st, "SELECT id, name FROM worms", 0, NULL, err, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t id = geti(r, i, 0);
		int w = ws_worm_index(PQgetvalue(r, i, 1));
		if (id >= 0 && id < 256 && w >= 0) {
			st->from_db[id] = w;
			st->to_db[w] = (int)id;
		}
	}
	PQclear(r);
	return 0;
}

static int connect_once(struct ws_store *st, struct ws_err *err)
{
	struct ws_pg *pg = st->pg;
	if (pg->c)
		PQfinish(pg->c);
	pg->c = PQconnectdb(pg->uri);
	pg->temp_made = false;
	if (gone(st))
		return pgerr(st, "connect", NULL, err);
	PGresult *r = PQexec(pg->c, "SET client_min_messages = warning");
	PQclear(r);
	return 0;
}

/* The store's schema version: 0 when it has none yet. */
static int schema_version(struct ws_store *st, int *v, struct ws_err *err)
{
	/* two steps: the server plans a query on ws_meta, and fails, even
	 * where a guard would never run it */
	int rc;
	PGresult *r = query(st, "SELECT to_regclass('ws_meta') IS NOT NULL", 0, NULL, err, &rc);
	if (!r)
		return rc;
	int there = PQntuples(r) && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	*v = 0;
	if (!there)
		return 0;
	r = query(st, "SELECT value FROM ws_meta WHERE key = 'schema'", 0, NULL, err, &rc);
	if (!r)
		return rc;
	*v = PQntuples(r) ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return 0;
}

/* Makes the schema unless it is there. The DDL runs only in a store that
 * has none: CREATE INDEX IF NOT EXISTS takes a SHARE lock on its table even
 * when the index exists, and a writer opening the store would then deadlock
 * with another in mid-batch. Creators go one at a time (IF NOT EXISTS is not
 * safe against a concurrent CREATE); the lock ends with the transaction. */
static int make_schema(struct ws_store *st, int *v, struct ws_err *err)
{
	int rc = schema_version(st, v, err);
	if (rc || *v)
		return rc;
	rc = run(st, "BEGIN; SELECT pg_advisory_xact_lock(7316);", err);
	if (!rc)
		rc = schema_version(st, v, err);
	if (!rc && !*v) {
		rc = run(st, schema_sql, err);
		*v = PG_SCHEMA;
	}
	if (!rc)
		rc = run(st, "COMMIT", err);
	if (rc)
		PQclear(PQexec(st->pg->c, "ROLLBACK"));
	return rc;
}

static int setup(struct ws_store *st, struct ws_err *err)
{
	int rc = connect_once(st, err);
	if (rc)
		return rc;
	int v = 0;
	rc = st->mode == WS_STORE_RW ? make_schema(st, &v, err) : schema_version(st, &v, err);
	if (rc)
		return rc;
	if (!v)
		return ws_err_set(err, WS_EFORMAT, "%s: not a wormscope store (no schema)", st->path);
	if (v != PG_SCHEMA)
		return ws_err_set(err, WS_EFORMAT, "%s: store schema %d, this wormscope knows %d",
				  st->path, v, PG_SCHEMA);
	rc = load_worms(st, err);
	if (rc || st->mode != WS_STORE_RW)
		return rc;
	rc = ws_pg_sensor(st, st->sensor, err);
	if (rc)
		return rc;
	PGresult *r;
	char sql[128];
	snprintf(sql, sizeof(sql), "INSERT INTO writers(sensor, started) VALUES(%" PRId64 ", %lld)"
				   " RETURNING id", st->sensor_id, (long long)time(NULL));
	if ((r = query(st, sql, 0, NULL, err, &rc))) {
		st->pg->writer = geti(r, 0, 0);
		PQclear(r);
	}
	return rc;
}

int ws_pg_open(struct ws_store *st, struct ws_err *err)
{
	struct ws_err why;
	if (pq_load(&why))
		return ws_err_set(err, WS_EIO, "%s: %s", st->path, why.msg);
	st->pg = ws_xcalloc(1, sizeof(*st->pg));
	st->pg->uri = ws_xstrdup(st->path);
	/* a password in the URI is not repeated in messages */
	char *at = strchr(st->path, '@'), *colon = strchr(st->path + 13, ':');
	if (at && colon && colon < at && !memchr(st->path + 13, '/', (size_t)(colon - st->path - 13)))
		memmove(colon, at, strlen(at) + 1);
	st->pg->known_cap = 4096;
	st->pg->known = ws_xcalloc(st->pg->known_cap, sizeof(uint64_t));
	return setup(st, err);
}

void ws_pg_free(struct ws_store *st)
{
	struct ws_pg *pg = st->pg;
	if (!pg)
		return;
	if (pg->c)
		PQfinish(pg->c);
	ws_buf_free(&pg->sight);
	ws_buf_free(&pg->strs);
	ws_buf_free(&pg->dests);
	ws_buf_free(&pg->prog);
	for (int i = 0; i < pg->nprov; i++) {
		free(pg->prov[i].kind);
		free(pg->prov[i].name);
	}
	free(pg->known);
	free(pg->uri);
	free(pg);
	st->pg = NULL;
}

/* ---- staging --------------------------------------------------------------- */

/* Staging runs once a sighting on the writer thread, between the server's
 * round trips, so it formats by hand: printf took a sixth of its time. */
static void hex(struct ws_buf *b, const void *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	const uint8_t *s = p;
	ws_buf_reserve(b, 3 + 2 * n);
	char *o = b->p + b->n;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*o++ = d[s[i] >> 4];
		*o++ = d[s[i] & 15];
	}
	b->n = (size_t)(o - b->p);
	b->p[b->n] = '\0';
}

/* A tab, then v in decimal. */
static void tab_int(struct ws_buf *b, long long v)
{
	ws_buf_addc(b, '\t');
	ws_buf_addll(b, v);
}

static uint64_t hash_str(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return (h ^ (h >> 29)) & 0x7fffffffffffffffull; /* a positive bigint, never 0 */
}

/* The string's hash (its key in strings), staged when not known stored. */
static void put_str(struct ws_store *st, struct ws_buf *row, const char *p, size_t n)
{
	if (!p || !n) {
		ws_buf_adds(row, "\t\\N");
		return;
	}
	if (n > MAX_STR)
		n = MAX_STR;
	struct ws_pg *pg = st->pg;
	uint64_t h = hash_str(p, n) | 1;
	size_t slot = (size_t)(h % pg->known_cap);
	if (pg->known[slot] != h) {
		pg->known[slot] = h; /* staged now: committed with this batch or retried with it */
		ws_buf_addll(&pg->strs, (long long)h); /* h < 2^63 */
		ws_buf_addc(&pg->strs, '\t');
		hex(&pg->strs, p, n);
		ws_buf_addc(&pg->strs, '\n');
	}
	tab_int(row, (long long)h);
}

static void put_int(struct ws_buf *b, bool null, int64_t v)
{
	if (null)
		ws_buf_adds(b, "\t\\N");
	else
		tab_int(b, v);
}

int ws_pg_add(struct ws_store *st, int64_t input_id, const struct ws_sighting *s, int dbw,
	      bool *full, struct ws_err *err)
{
	(void)err;
	struct ws_pg *pg = st->pg;
	*full = false;
	if (st->live && pg->staged >= WS_PG_LIVE_MAX) {
		st->dropped++;
		return 0;
	}
	if (input_id > PROV_BASE && input_id - PROV_BASE <= pg->nprov &&
	    pg->prov[input_id - PROV_BASE - 1].real)
		input_id = pg->prov[input_id - PROV_BASE - 1].real;
	const struct ws_request *r = s->req;
	struct ws_buf *b = &pg->sight;
	uint8_t src[16], dst[16];
	size_t sn = ws_addr_blob(&r->src, src), dn = ws_addr_blob(&r->dst, dst);
	ws_buf_addll(b, input_id);
	tab_int(b, (long long)s->line);
	put_int(b, !r->ts_known, r->ts);
	ws_buf_addc(b, '\t');
	hex(b, src, sn);
	put_int(b, r->src_port < 0, r->src_port);
	if (dn) {
		ws_buf_addc(b, '\t');
		hex(b, dst, dn);
	} else {
		ws_buf_adds(b, "\t\\N");
	}
	put_int(b, r->dst_port < 0, r->dst_port);
	tab_int(b, dbw);
	tab_int(b, (long long)(s->v->sig ? s->v->sig->sid : 0));
	tab_int(b, (int)s->v->conf);
	put_int(b, r->status < 0, r->status);
	put_str(st, b, r->method.p, r->method.n);
	if (r->has_query) {
		st->tbuf.n = 0;
		ws_out_target(&st->tbuf, r);
		put_str(st, b, st->tbuf.p, st->tbuf.n);
	} else {
		put_str(st, b, r->path.p, r->path.n);
	}
	put_str(st, b, r->agent.p, r->agent.n);
	put_str(st, b, r->host.p, r->host.n);
	ws_buf_adds(b, s->compromised ? "\tt" : "\tf");
	ws_buf_adds(b, s->inside ? "\tt" : "\tf");
	put_int(b, s->nimda_probe <= 0, s->nimda_probe);
	ws_buf_adds(b, s->simulated ? "\tt\n" : "\tf\n");
	if (sn && dn) {
		hex(&pg->dests, src, sn);
		ws_buf_addc(&pg->dests, '\t');
		hex(&pg->dests, dst, dn);
		ws_buf_addc(&pg->dests, '\n');
	}
	pg->staged++;
	*full = !st->live && pg->sight.n + pg->strs.n + pg->dests.n > WS_PG_STAGE_MAX;
	return 0;
}

/* ---- commit ---------------------------------------------------------------- */

static int copy_in(struct ws_store *st, const char *sql, const struct ws_buf *b,
		   struct ws_err *err)
{
	if (!b->n)
		return 0;
	PGresult *r = PQexec(st->pg->c, sql);
	if (!r || PQresultStatus(r) != PGRES_COPY_IN)
		return pgerr(st, "copy", r, err);
	PQclear(r);
	if (PQputCopyData(st->pg->c, b->p, (int)b->n) != 1 || PQputCopyEnd(st->pg->c, NULL) != 1)
		return pgerr(st, "copy", NULL, err);
	r = PQgetResult(st->pg->c);
	int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pgerr(st, "copy", r, err);
	if (!rc)
		PQclear(r);
	while ((r = PQgetResult(st->pg->c)))
		PQclear(r);
	return rc;
}

static void tnull(struct ws_buf *b, int64_t t, bool first)
{
	if (first ? t == INT64_MAX : t == INT64_MIN)
		ws_buf_adds(b, "\t\\N");
	else
		ws_buf_printf(b, "\t%" PRId64, t);
}

/* The batch's rollups as COPY text (hosts, per-worm) and VALUES lists. */
static void stage_rollups(struct ws_store *st, struct ws_buf *hb, struct ws_buf *wb,
			  struct ws_buf *sql)
{
	for (size_t i = 0; i < st->hosts.n; i++) {
		struct ws_pend_host *h = WS_AMAP_AT(&st->hosts, i);
		struct ws_addr addr;
		ws_pend_addr(h, &addr);
		uint8_t a[16];
		size_t an = ws_addr_blob(&addr, a);
		hex(hb, a, an);
		tnull(hb, h->first, true);
		tnull(hb, h->last, false);
		ws_buf_printf(hb, "\t%" PRIu64 "\t%" PRIu64 "\t%u\t%s\t%s\n", h->requests,
			      h->compromised, (unsigned)h->nimda, h->inside ? "t" : "f",
			      h->simulated ? "t" : "f");
		const struct ws_hworm *hw = ws_pend_worms(st, h);
		for (uint8_t k = 0; k < h->nw; k++) {
			hex(wb, a, an);
			ws_buf_printf(wb, "\t%d\t%" PRIu64, hw[k].dbw, hw[k].n);
			tnull(wb, hw[k].first, true);
			tnull(wb, hw[k].last, false);
			ws_buf_addc(wb, '\n');
		}
	}
	/* Rows no other writer touches first (this sensor's own), then the
	 * shared ones in a fixed order (strings, destinations, hosts, their
	 * worms, and last the few hot rows every writer updates: networks,
	 * hours, status mix): a shared row's lock is held from its statement to
	 * the commit, and another sensor's batch queues on it that long. */
	if (st->hosts.n)
		ws_buf_printf(sql,
			      "INSERT INTO host_sensors AS x SELECT addr, %" PRId64 ", first, last,"
			      " requests FROM s_hosts ORDER BY addr ON CONFLICT (addr, sensor) DO UPDATE"
			      " SET first = LEAST(x.first, EXCLUDED.first),"
			      " last = GREATEST(x.last, EXCLUDED.last),"
			      " requests = x.requests + EXCLUDED.requests;",
			      st->sensor_id);
	for (size_t i = 0; i < st->inputs.n; i++) {
		struct input_item *in = WS_AMAP_AT(&st->inputs, i);
		ws_buf_printf(sql, "UPDATE inputs SET sightings = sightings + %" PRIu64
				   " WHERE id = %" PRId64 ";",
			      in->sightings, in->id);
	}
	if (st->hosts.n || st->pg->strs.n)
		ws_buf_adds(sql, "INSERT INTO strings SELECT DISTINCT ON (h) h, s FROM s_strings"
				 " ORDER BY h ON CONFLICT DO NOTHING;");
	if (st->hosts.n)
		ws_buf_adds(sql,
			    "INSERT INTO host_dests SELECT DISTINCT addr, dst FROM s_dests ORDER BY 1, 2"
			    " ON CONFLICT DO NOTHING;"
			    "WITH up AS (INSERT INTO hosts AS h SELECT * FROM s_hosts ORDER BY addr"
			    " ON CONFLICT (addr) DO UPDATE SET first = LEAST(h.first, EXCLUDED.first),"
			    " last = GREATEST(h.last, EXCLUDED.last),"
			    " requests = h.requests + EXCLUDED.requests,"
			    " compromised = h.compromised + EXCLUDED.compromised,"
			    " nimda = h.nimda | EXCLUDED.nimda, inside = h.inside OR EXCLUDED.inside,"
			    " simulated = h.simulated OR EXCLUDED.simulated"
			    " RETURNING h.addr, (xmax = 0) AS fresh)"
			    " INSERT INTO s_fresh SELECT * FROM up;"
			    "INSERT INTO host_worms AS w SELECT * FROM s_hworms ORDER BY addr, worm"
			    " ON CONFLICT (addr, worm) DO UPDATE SET"
			    " requests = w.requests + EXCLUDED.requests,"
			    " first = LEAST(w.first, EXCLUDED.first), last = GREATEST(w.last, EXCLUDED.last);"
			    "INSERT INTO nets AS n SELECT l.level, substring(s.addr FROM 1 FOR"
			    " (CASE WHEN length(s.addr) = 4 THEN l.level ELSE 2 + 2 * l.level END)),"
			    " sum(s.requests), count(*) FILTER (WHERE f.fresh)"
			    " FROM s_fresh f JOIN s_hosts s ON s.addr = f.addr"
			    " CROSS JOIN (VALUES (1), (2)) AS l(level) GROUP BY 1, 2 ORDER BY 1, 2"
			    " ON CONFLICT (level, prefix) DO UPDATE SET"
			    " requests = n.requests + EXCLUDED.requests,"
			    " sources = n.sources + EXCLUDED.sources;");
	if (st->hours.n) {
		ws_buf_adds(sql, "INSERT INTO hourly AS x SELECT * FROM (VALUES ");
		for (size_t i = 0; i < st->hours.n; i++) {
			struct hour_item *h = WS_AMAP_AT(&st->hours, i);
			ws_buf_printf(sql, "%s(%" PRId64 "::bigint, %d::smallint, %" PRIu64 "::bigint)",
				      i ? ", " : "", h->hour, h->dbw, h->n);
		}
		ws_buf_adds(sql, ") v ORDER BY 1, 2 ON CONFLICT (hour, worm) DO UPDATE SET"
				 " requests = x.requests + EXCLUDED.requests;");
	}
	if (st->status.n) {
		ws_buf_adds(sql, "INSERT INTO status_mix AS x SELECT * FROM (VALUES ");
		for (size_t i = 0; i < st->status.n; i++) {
			struct status_item *s = WS_AMAP_AT(&st->status, i);
			ws_buf_printf(sql, "%s(%d::smallint, %d, %" PRIu64 "::bigint, %" PRIu64 "::bigint)",
				      i ? ", " : "", s->dbw, s->status, s->n, s->compromised);
		}
		ws_buf_adds(sql, ") v ORDER BY 1, 2 ON CONFLICT (worm, status) DO UPDATE SET"
				 " count = x.count + EXCLUDED.count,"
				 " compromised = x.compromised + EXCLUDED.compromised;");
	}
}

/* One try: 0 committed, else an error (connection gone or not). */
static int resolve_prov(struct ws_store *st, struct ws_err *err);

static int try_batch(struct ws_store *st, struct ws_err *err)
{
	struct ws_pg *pg = st->pg;
	struct ws_buf hb = {0}, wb = {0}, sql = {0};
	int rc = 0;
	if (!pg->temp_made) {
		rc = run(st, temp_sql, err);
		pg->temp_made = !rc;
	}
	char begin[128];
	snprintf(begin, sizeof(begin), "BEGIN; UPDATE writers SET seq = %" PRId64 " WHERE id = %" PRId64,
		 pg->seq + 1, pg->writer);
	if (!rc) /* autocommitted: the rows stay even if this batch is rolled back */
		rc = resolve_prov(st, err);
	if (!rc)
		rc = run(st, begin, err);
	stage_rollups(st, &hb, &wb, &sql);
	if (!rc)
		rc = copy_in(st,
			     "COPY sightings(input_id, line, ts, src, src_port, dst, dst_port, worm,"
			     " sid, conf, status, method, target, agent, host, compromised, inside,"
			     " nimda_probe, simulated) FROM STDIN",
			     &pg->sight, err);
	if (!rc)
		rc = copy_in(st, "COPY s_strings FROM STDIN", &pg->strs, err);
	if (!rc)
		rc = copy_in(st, "COPY s_dests FROM STDIN", &pg->dests, err);
	if (!rc)
		rc = copy_in(st, "COPY s_hosts FROM STDIN", &hb, err);
	if (!rc)
		rc = copy_in(st, "COPY s_hworms FROM STDIN", &wb, err);
	ws_buf_add(&sql, pg->prog.p, pg->prog.n);
	ws_buf_adds(&sql, "COMMIT");
	if (!rc)
		rc = run(st, sql.p, err);
	ws_buf_free(&hb);
	ws_buf_free(&wb);
	ws_buf_free(&sql);
	if (rc && !gone(st))
		PQclear(PQexec(pg->c, "ROLLBACK"));
	return rc;
}

/* After a lost connection: did the batch's commit land? */
static int landed(struct ws_store *st, bool *yes, struct ws_err *err)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT seq FROM writers WHERE id = %" PRId64, st->pg->writer);
	int rc;
	PGresult *r = query(st, sql, 0, NULL, err, &rc);
	if (!r)
		return rc;
	*yes = PQntuples(r) && geti(r, 0, 0) == st->pg->seq + 1;
	PQclear(r);
	return 0;
}

static void nap(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double retry_budget(void)
{
	const char *e = getenv("WS_STORE_RETRY_S");
	return e && *e ? strtod(e, NULL) : 600.0;
}

int ws_pg_flush(struct ws_store *st, bool *kept, struct ws_err *err)
{
	struct ws_pg *pg = st->pg;
	*kept = false;
	if (!pg->staged && !st->hosts.n && !st->status.n && !pg->prog.n && !pg->strs.n)
		return 0;
	if (st->live && pg->next_try > time(NULL)) {
		*kept = true;
		return 0;
	}
	double waited = 0, back = 0.1, budget = retry_budget();
	for (;;) {
		int rc = gone(st) ? connect_once(st, err) : 0;
		bool done = false;
		if (!rc && pg->seq >= 0 && waited > 0)
			rc = landed(st, &done, err);
		if (!rc && !done)
			rc = try_batch(st, err);
		if (!rc) {
			if (waited > 0)
				ws_store_notice(st, "%s: the database is back; the batch is committed once",
						st->path);
			break;
		}
		if (!gone(st)) {
			/* a deadlock or serialization failure is retried; anything
			 * else is an error to report */
			const char *m = err->msg;
			if (!strstr(m, "deadlock") && !strstr(m, "serializ"))
				return rc;
		}
		if (st->live) {
			ws_store_notice(st, "%s; keeping %" PRIu64 " sightings (at most %d) and "
					    "trying again in 5 s",
					err->msg, pg->staged, WS_PG_LIVE_MAX);
			pg->next_try = time(NULL) + 5;
			*kept = true;
			return 0;
		}
		if (waited >= budget)
			return rc;
		ws_store_notice(st, "%s; retrying in %.1f s", err->msg, back);
		nap(back);
		waited += back;
		back = back * 2 > 5 ? 5 : back * 2;
	}
	pg->seq++;
	pg->sight.n = pg->strs.n = pg->dests.n = pg->prog.n = 0;
	pg->staged = 0;
	pg->next_try = 0;
	if (st->dropped)
		ws_store_notice(st, "%s: %" PRIu64 " sightings were dropped while it was away",
				st->path, st->dropped);
	st->dropped = 0;
	return 0;
}

void ws_pg_progress(struct ws_store *st, int64_t input_id, uint64_t offset, uint64_t lines,
		    size_t tail_len, int64_t tail_hash, bool complete)
{
	ws_buf_printf(&st->pg->prog,
		      "UPDATE inputs SET byte_offset = %" PRIu64 ", lines = %" PRIu64
		      ", tail_len = %zu, tail_hash = %" PRId64 ", complete = %s, scanned_at = %lld"
		      " WHERE id = %" PRId64 ";",
		      offset, lines, tail_len, tail_hash, complete ? "true" : "false",
		      (long long)time(NULL), input_id);
}

/* ---- inputs ---------------------------------------------------------------- */

#define ROW_COLS "id, name, dev, ino, size, compressed, complete, simulated, head_len," \
		 " head_hash, tail_len, tail_hash, byte_offset, lines, kind_code"

static void read_row(PGresult *r, int i, struct ws_input_row *w)
{
	memset(w, 0, sizeof(*w));
	w->id = geti(r, i, 0);
	snprintf(w->name, sizeof(w->name), "%s", PQgetvalue(r, i, 1));
	w->has_ino = !PQgetisnull(r, i, 3);
	w->dev = (uint64_t)geti(r, i, 2);
	w->ino = (uint64_t)geti(r, i, 3);
	w->size = (uint64_t)geti(r, i, 4);
	w->compressed = getb(r, i, 5);
	w->complete = getb(r, i, 6);
	w->simulated = getb(r, i, 7);
	w->head_len = (size_t)geti(r, i, 8);
	w->head_hash = geti(r, i, 9);
	w->tail_len = (size_t)geti(r, i, 10);
	w->tail_hash = geti(r, i, 11);
	w->offset = (uint64_t)geti(r, i, 12);
	w->lines = (uint64_t)geti(r, i, 13);
	w->kind = (int)geti(r, i, 14);
}

static void nap(double s);
static double retry_budget(void);

/* Reads and writes of the inputs table are autocommitted; while the server
 * is away they are retried with the same back-off as a batch (a live writer
 * tries once more). */
static PGresult *inq(struct ws_store *st, const char *sql, int n, const char *const *v,
		     struct ws_err *err, int *rc)
{
	PGresult *r = query(st, sql, n, v, err, rc);
	double waited = 0, back = 0.1, budget = st->live ? 0 : retry_budget();
	while (!r && gone(st)) {
		if (connect_once(st, err) == 0) {
			r = query(st, sql, n, v, err, rc);
			continue;
		}
		*rc = WS_EIO;
		if (waited >= budget)
			break;
		ws_store_notice(st, "%s; retrying in %.1f s", err->msg, back);
		nap(back);
		waited += back;
		back = back * 2 > 5 ? 5 : back * 2;
	}
	return r;
}

int ws_pg_find_inode(struct ws_store *st, uint64_t dev, uint64_t ino, struct ws_input_row *w,
		     bool *found, struct ws_err *err)
{
	char a[24], b[24], s[24];
	snprintf(a, sizeof(a), "%" PRId64, (int64_t)dev);
	snprintf(b, sizeof(b), "%" PRId64, (int64_t)ino);
	snprintf(s, sizeof(s), "%" PRId64, st->sensor_id);
	const char *v[3] = {a, b, s};
	int rc;
	PGresult *r = inq(st,
			  "SELECT " ROW_COLS " FROM inputs WHERE dev = $1 AND ino = $2 AND"
			  " kind = 'file' AND sensor = $3 ORDER BY id DESC LIMIT 1",
			  3, v, err, &rc);
	if (!r)
		return rc;
	*found = PQntuples(r) > 0;
	if (*found)
		read_row(r, 0, w);
	PQclear(r);
	return 0;
}

int ws_pg_find_rotated(struct ws_store *st, size_t head_len,
		       bool (*ok)(void *ctx, const struct ws_input_row *r), void *ctx,
		       struct ws_input_row *w, bool *found, struct ws_err *err)
{
	char a[24], s[24];
	snprintf(a, sizeof(a), "%zu", head_len);
	snprintf(s, sizeof(s), "%" PRId64, st->sensor_id);
	const char *v[2] = {a, s};
	int rc;
	PGresult *r = inq(st,
			  "SELECT " ROW_COLS " FROM inputs WHERE kind = 'file' AND sensor = $2 AND"
			  " head_len > 0 AND head_len <= $1 ORDER BY id DESC",
			  2, v, err, &rc);
	if (!r)
		return rc;
	*found = false;
	for (int i = 0; i < PQntuples(r) && !*found; i++) {
		read_row(r, i, w);
		*found = ok(ctx, w);
	}
	PQclear(r);
	return 0;
}

int ws_pg_new_row(struct ws_store *st, const char *path, const struct ws_file_id *id,
		  int64_t head_hash, const char *format, int kind, bool simulated, int64_t *out,
		  struct ws_err *err)
{
	char n[8][24];
	snprintf(n[0], 24, "%" PRId64, (int64_t)id->dev);
	snprintf(n[1], 24, "%" PRId64, (int64_t)id->ino);
	snprintf(n[2], 24, "%" PRId64, (int64_t)id->size);
	snprintf(n[3], 24, "%zu", id->head_len);
	snprintf(n[4], 24, "%" PRId64, head_hash);
	snprintf(n[5], 24, "%d", kind);
	snprintf(n[6], 24, "%lld", (long long)time(NULL));
	snprintf(n[7], 24, "%" PRId64, st->sensor_id);
	char tok[48];
	snprintf(tok, sizeof(tok), "%" PRId64 "-%" PRId64, st->pg->writer, ++st->pg->ntok);
	const char *v[12] = {path, n[0], n[1], n[2], id->compressed ? "t" : "f", n[3], n[4],
			     format, n[5], simulated ? "t" : "f", n[6], tok};
	char sql[640];
	/* a retry after a lost answer finds the row the first try made */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO inputs(kind, name, dev, ino, size, compressed, head_len, head_hash,"
		 " format, kind_code, simulated, first_scanned, scanned_at, sensor, token)"
		 " VALUES('file', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, %s, $12)"
		 " ON CONFLICT (token) DO UPDATE SET token = EXCLUDED.token RETURNING id",
		 n[7]);
	int rc;
	PGresult *r = inq(st, sql, 12, v, err, &rc);
	if (!r)
		return rc;
	*out = geti(r, 0, 0);
	PQclear(r);
	return 0;
}

int ws_pg_adopt_row(struct ws_store *st, int64_t row, const char *path,
		    const struct ws_file_id *id, int64_t head_hash, struct ws_err *err)
{
	char n[7][24];
	snprintf(n[0], 24, "%" PRId64, row);
	snprintf(n[1], 24, "%" PRId64, (int64_t)id->dev);
	snprintf(n[2], 24, "%" PRId64, (int64_t)id->ino);
	snprintf(n[3], 24, "%" PRId64, (int64_t)id->size);
	snprintf(n[4], 24, "%zu", id->head_len);
	snprintf(n[5], 24, "%" PRId64, head_hash);
	snprintf(n[6], 24, "%lld", (long long)time(NULL));
	const char *v[9] = {n[0], path, n[1], n[2], n[3], id->compressed ? "t" : "f", n[4], n[5],
			    n[6]};
	int rc;
	PGresult *r = inq(st,
			  "UPDATE inputs SET name = $2, dev = $3, ino = $4, size = $5,"
			  " compressed = $6, head_len = $7, head_hash = $8, scanned_at = $9"
			  " WHERE id = $1",
			  9, v, err, &rc);
	if (r)
		PQclear(r);
	return rc;
}

int ws_pg_retire_row(struct ws_store *st, int64_t row, int64_t by, struct ws_err *err)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%" PRId64, row);
	snprintf(b, sizeof(b), "%" PRId64, by);
	const char *v[2] = {a, b};
	int rc;
	PGresult *r = inq(st, "UPDATE inputs SET dev = NULL, ino = NULL, replaced_by = $2"
			      " WHERE id = $1",
			  2, v, err, &rc);
	if (r)
		PQclear(r);
	return rc;
}

int ws_pg_file_named(struct ws_store *st, const char *path, uint64_t *dev, uint64_t *ino,
		     bool *found, struct ws_err *err)
{
	char s[24];
	snprintf(s, sizeof(s), "%" PRId64, st->sensor_id);
	const char *v[2] = {path, s};
	int rc;
	PGresult *r = inq(st,
			  "SELECT dev, ino FROM inputs WHERE name = $1 AND kind = 'file' AND"
			  " ino IS NOT NULL AND sensor = $2 ORDER BY id DESC LIMIT 1",
			  2, v, err, &rc);
	if (!r)
		return rc;
	*found = PQntuples(r) > 0;
	if (*found) {
		*dev = (uint64_t)geti(r, 0, 0);
		*ino = (uint64_t)geti(r, 0, 1);
	}
	PQclear(r);
	return 0;
}

static const char live_sql[] =
	"INSERT INTO inputs(kind, name, format, first_scanned, scanned_at, sensor, token)"
	" VALUES($1, $2, $1, $3, $3, $4, $5)"
	" ON CONFLICT (token) DO UPDATE SET token = EXCLUDED.token RETURNING id";

int ws_pg_live_input(struct ws_store *st, const char *kind, const char *name, int64_t *id,
		     struct ws_err *err)
{
	char s[24], t[24];
	snprintf(s, sizeof(s), "%" PRId64, st->sensor_id);
	snprintf(t, sizeof(t), "%lld", (long long)time(NULL));
	char tok[48];
	snprintf(tok, sizeof(tok), "%" PRId64 "-%" PRId64, st->pg->writer, ++st->pg->ntok);
	const char *v[5] = {kind, name, t, s, tok};
	int rc;
	PGresult *r = inq(st, live_sql, 5, v, err, &rc);
	if (!r) {
		struct ws_pg *pg = st->pg;
		if (!st->live || pg->nprov == 64)
			return rc;
		/* a live writer goes on; the row is made at its next commit */
		pg->prov[pg->nprov].real = 0;
		pg->prov[pg->nprov].kind = ws_xstrdup(kind);
		pg->prov[pg->nprov].name = ws_xstrdup(name);
		memcpy(pg->prov[pg->nprov].tok, tok, sizeof(tok));
		*id = PROV_BASE + ++pg->nprov;
		return 0;
	}
	*id = geti(r, 0, 0);
	PQclear(r);
	return 0;
}

/* Makes the rows of provisional live inputs and rewrites the staged rows
 * that name them (each staged sighting line starts with its input id). */
static int resolve_prov(struct ws_store *st, struct ws_err *err)
{
	struct ws_pg *pg = st->pg;
	bool any = false;
	for (int i = 0; i < pg->nprov; i++) {
		if (pg->prov[i].real)
			continue;
		char t[24], s[24];
		snprintf(t, sizeof(t), "%lld", (long long)time(NULL));
		snprintf(s, sizeof(s), "%" PRId64, st->sensor_id);
		const char *v[5] = {pg->prov[i].kind, pg->prov[i].name, t, s, pg->prov[i].tok};
		int rc;
		PGresult *r = query(st, live_sql, 5, v, err, &rc);
		if (!r)
			return rc;
		pg->prov[i].real = geti(r, 0, 0);
		PQclear(r);
		any = true;
	}
	for (size_t i = 0; i < st->inputs.n; i++) {
		struct input_item *in = WS_AMAP_AT(&st->inputs, i);
		if (in->id > PROV_BASE && in->id - PROV_BASE <= pg->nprov)
			in->id = pg->prov[in->id - PROV_BASE - 1].real;
	}
	if (!any)
		return 0;
	struct ws_buf nb = {0};
	const char *p = pg->sight.p, *end = p + pg->sight.n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		int64_t id = strtoll(p, NULL, 10);
		if (id > PROV_BASE && id - PROV_BASE <= pg->nprov) {
			const char *tab = memchr(p, '\t', n);
			ws_buf_printf(&nb, "%" PRId64, pg->prov[id - PROV_BASE - 1].real);
			ws_buf_add(&nb, tab, n - (size_t)(tab - p));
		} else {
			ws_buf_add(&nb, p, n);
		}
		p += n;
	}
	ws_buf_free(&pg->sight);
	pg->sight = nb;
	return 0;
}

/* ---- readers --------------------------------------------------------------- */

/* Streams the rows of a query one at a time to fn (hosts has millions). */
static int stream(struct ws_store *st, const char *sql, int n, const char *const *v,
		  int (*fn)(struct ws_store *st, PGresult *r, void *ctx), void *ctx,
		  struct ws_err *err)
{
	if (!PQsendQueryParams(st->pg->c, sql, n, NULL, v, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(st->pg->c))
		return pgerr(st, "reading", NULL, err);
	PGresult *r;
	int rc = 0, stop = 0;
	while ((r = PQgetResult(st->pg->c))) {
		ExecStatusType s = PQresultStatus(r);
		if (s == PGRES_SINGLE_TUPLE && !stop && !rc)
			stop = fn(st, r, ctx);
		else if (s != PGRES_TUPLES_OK && s != PGRES_SINGLE_TUPLE && !rc) {
			rc = pgerr(st, "reading", r, err);
			continue;
		}
		PQclear(r);
	}
	return rc ? rc : stop;
}

#define HOST_SQL                                                                              \
	"SELECT h.addr, h.first, h.last, h.requests, h.compromised, h.nimda,"                 \
	" (SELECT count(*) FROM host_dests d WHERE d.addr = h.addr), h.inside, h.simulated,"  \
	" (SELECT string_agg(w.worm || ' ' || w.requests || ' ' || coalesce(w.first::text, '-')" \
	" || ' ' || coalesce(w.last::text, '-'), ',') FROM host_worms w WHERE w.addr = h.addr)," \
	" (SELECT count(*) FROM host_sensors x WHERE x.addr = h.addr)"

static void host_of(struct ws_store *st, PGresult *r, int i, struct ws_store_host *h)
{
	memset(h, 0, sizeof(*h));
	uint8_t a[16];
	size_t an = getbytes(r, i, 0, a, sizeof(a));
	ws_addr_from_blob(a, an, &h->addr);
	h->first = gett(r, i, 1);
	h->last = gett(r, i, 2);
	h->requests = (uint64_t)geti(r, i, 3);
	h->compromised = (uint64_t)geti(r, i, 4);
	h->nimda_probes = (uint16_t)geti(r, i, 5);
	h->destinations = (uint64_t)geti(r, i, 6);
	h->inside = getb(r, i, 7);
	h->simulated = getb(r, i, 8);
	for (int w = 0; w < WS_MAX_WORMS; w++)
		h->worm_first[w] = h->worm_last[w] = INT64_MIN;
	const char *p = PQgetisnull(r, i, 9) ? "" : PQgetvalue(r, i, 9);
	while (*p) {
		int dbw;
		unsigned long long n;
		char f[24] = "-", l[24] = "-";
		if (sscanf(p, "%d %llu %23s %23[^,]", &dbw, &n, f, l) < 2)
			break;
		int w = dbw >= 0 && dbw < 256 ? st->from_db[dbw] : -1;
		if (w >= 0) {
			h->per_worm[w] = n;
			h->worm_first[w] = f[0] == '-' ? INT64_MIN : strtoll(f, NULL, 10);
			h->worm_last[w] = l[0] == '-' ? INT64_MIN : strtoll(l, NULL, 10);
		}
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	h->sensors = (uint32_t)geti(r, i, 10);
	h->s_first = h->first;
	h->s_last = h->last;
	h->s_requests = h->requests;
}

struct host_cb {
	int (*fn)(void *ctx, const struct ws_store_host *h);
	void *ctx;
	bool by_sensor;
};

static int on_host_row(struct ws_store *st, PGresult *r, void *ctx)
{
	struct host_cb *c = ctx;
	struct ws_store_host h;
	host_of(st, r, 0, &h);
	if (c->by_sensor) {
		h.s_first = gett(r, 0, 11);
		h.s_last = gett(r, 0, 12);
		h.s_requests = (uint64_t)geti(r, 0, 13);
	}
	return c->fn(c->ctx, &h);
}

int ws_pg_hosts_by(struct ws_store *st, const char *sensor,
		   int (*fn)(void *ctx, const struct ws_store_host *h), void *ctx,
		   struct ws_err *err)
{
	struct host_cb c = {fn, ctx, sensor != NULL};
	const char *v[1] = {sensor};
	return sensor ? stream(st,
			       HOST_SQL ", s.first, s.last, s.requests FROM host_sensors s"
					" JOIN hosts h ON h.addr = s.addr"
					" WHERE s.sensor = (SELECT id FROM sensors WHERE name = $1)"
					" ORDER BY h.addr",
			       1, v, on_host_row, &c, err)
		      : stream(st, HOST_SQL " FROM hosts h ORDER BY h.addr", 0, NULL, on_host_row, &c,
			       err);
}

int ws_pg_sensors(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_sensor *s),
		  void *ctx, struct ws_err *err)
{
	int rc;
	PGresult *r = query(st,
			    "SELECT s.name, (SELECT count(*) FROM inputs i WHERE i.sensor = s.id),"
			    " (SELECT coalesce(sum(i.sightings), 0) FROM inputs i WHERE i.sensor = s.id),"
			    " count(h.addr), min(h.first), max(h.last)"
			    " FROM sensors s LEFT JOIN host_sensors h ON h.sensor = s.id"
			    " WHERE EXISTS (SELECT 1 FROM inputs i WHERE i.sensor = s.id)"
			    " GROUP BY s.id ORDER BY s.name",
			    0, NULL, err, &rc);
	if (!r)
		return rc;
	int stop = 0;
	for (int i = 0; i < PQntuples(r) && !stop; i++) {
		struct ws_store_sensor se = {0};
		snprintf(se.name, sizeof(se.name), "%s", PQgetvalue(r, i, 0));
		se.inputs = (uint64_t)geti(r, i, 1);
		se.sightings = (uint64_t)geti(r, i, 2);
		se.sources = (uint64_t)geti(r, i, 3);
		se.first = gett(r, i, 4);
		se.last = gett(r, i, 5);
		stop = fn(ctx, &se);
	}
	PQclear(r);
	return stop;
}

int ws_pg_counts(struct ws_store *st, struct ws_store_counts *c, struct ws_err *err)
{
	int rc;
	PGresult *r = query(st,
			    "SELECT (SELECT count(*) FROM inputs), (SELECT count(*) FROM sightings),"
			    " (SELECT count(*) FROM hosts),"
			    " (SELECT count(*) FROM sightings WHERE simulated)",
			    0, NULL, err, &rc);
	if (!r)
		return rc;
	c->inputs = (uint64_t)geti(r, 0, 0);
	c->sightings = (uint64_t)geti(r, 0, 1);
	c->hosts = (uint64_t)geti(r, 0, 2);
	c->simulated_sightings = (uint64_t)geti(r, 0, 3);
	PQclear(r);
	return 0;
}

/* ---- report ---------------------------------------------------------------- */

static int worm_of(const struct ws_store *st, int64_t dbw)
{
	return dbw >= 0 && dbw < 256 ? st->from_db[dbw] : -1;
}

static int rep_totals(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	int rc;
	PGresult *r = query(st,
			    "SELECT (SELECT coalesce(sum(count), 0) FROM status_mix),"
			    " (SELECT count(*) FROM hosts),"
			    " (SELECT coalesce(sum(compromised), 0) FROM status_mix),"
			    " (SELECT min(first) FROM hosts), (SELECT max(last) FROM hosts),"
			    " (SELECT coalesce(bool_or(simulated), false) FROM inputs)",
			    0, NULL, err, &rc);
	if (!r)
		return rc;
	d->sightings = (uint64_t)geti(r, 0, 0);
	d->sources = (uint64_t)geti(r, 0, 1);
	d->compromised = (uint64_t)geti(r, 0, 2);
	d->first = gett(r, 0, 3);
	d->last = gett(r, 0, 4);
	d->simulated = getb(r, 0, 5);
	PQclear(r);
	r = query(st,
		  "SELECT worm, sum(count), 0 FROM status_mix GROUP BY worm UNION ALL"
		  " SELECT worm, 0, count(*) FROM host_worms GROUP BY worm",
		  0, NULL, err, &rc);
	if (!r)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		int w = worm_of(st, geti(r, i, 0));
		if (w < 0)
			continue;
		d->per_worm[w] += (uint64_t)geti(r, i, 1);
		d->per_worm_sources[w] += (uint64_t)geti(r, i, 2);
	}
	PQclear(r);
	return 0;
}

static int rep_hours(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	int rc;
	PGresult *r = query(st, "SELECT hour, worm, requests FROM hourly ORDER BY hour", 0, NULL,
			    err, &rc);
	if (!r)
		return rc;
	size_t cap = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t hour = geti(r, i, 0);
		if (!d->n_hours || d->hours[d->n_hours - 1].hour != hour) {
			if (d->n_hours == cap) {
				cap = cap ? cap * 2 : 256;
				d->hours = ws_xreallocarray(d->hours, cap, sizeof(*d->hours));
			}
			d->hours[d->n_hours++] = (struct ws_rep_hour){.hour = hour};
		}
		int w = worm_of(st, geti(r, i, 1));
		if (w >= 0)
			d->hours[d->n_hours - 1].count[w] += (uint64_t)geti(r, i, 2);
	}
	PQclear(r);
	return 0;
}

struct curve_acc {
	int64_t *v[WS_MAX_WORMS];
	size_t n[WS_MAX_WORMS], cap[WS_MAX_WORMS];
};

static int on_first(struct ws_store *st, PGresult *r, void *ctx)
{
	struct curve_acc *a = ctx;
	int w = worm_of(st, geti(r, 0, 0));
	if (w < 0)
		return 0;
	if (a->n[w] == a->cap[w]) {
		a->cap[w] = a->cap[w] ? a->cap[w] * 2 : 1024;
		a->v[w] = ws_xreallocarray(a->v[w], a->cap[w], sizeof(int64_t));
	}
	a->v[w][a->n[w]++] = geti(r, 0, 1);
	return 0;
}

static int rep_curves(struct ws_store *st, struct ws_report_data *d, struct ws_err *err)
{
	struct curve_acc *a = ws_xcalloc(1, sizeof(*a));
	int rc = stream(st, "SELECT worm, first FROM host_worms WHERE first IS NOT NULL", 0, NULL,
			on_first, a, err);
	d->curves = ws_xcalloc(WS_MAX_WORMS, sizeof(*d->curves));
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (a->n[w] && !rc) {
			struct ws_rep_curve *c = &d->curves[d->n_curves++];
			c->worm = w;
			ws_store_build_curve(c, a->v[w], a->n[w]);
		}
		free(a->v[w]);
	}
	free(a);
	return rc;
}

static int rep_top(struct ws_store *st, struct ws_report_data *d, size_t top_n,
		   struct ws_err *err)
{
	char lim[24];
	snprintf(lim, sizeof(lim), "%zu", top_n);
	const char *v[1] = {lim};
	int rc;
	PGresult *r = query(st, HOST_SQL " FROM hosts h ORDER BY h.requests DESC, h.addr LIMIT $1",
			    1, v, err, &rc);
	if (!r)
		return rc;
	d->top = ws_xcalloc(top_n ? top_n : 1, sizeof(*d->top));
	for (int i = 0; i < PQntuples(r) && d->n_top < top_n; i++) {
		struct ws_store_host h;
		host_of(st, r, i, &h);
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
	PQclear(r);
	return 0;
}

static int rep_nets(struct ws_store *st, int level, size_t top_n, struct ws_rep_net **out,
		    size_t *n_out, struct ws_err *err)
{
	char lv[8], lim[24];
	snprintf(lv, sizeof(lv), "%d", level);
	snprintf(lim, sizeof(lim), "%zu", top_n);
	const char *v[2] = {lv, lim};
	int rc;
	PGresult *r = query(st,
			    "SELECT prefix, requests, sources FROM nets WHERE level = $1"
			    " ORDER BY requests DESC, prefix LIMIT $2",
			    2, v, err, &rc);
	if (!r)
		return rc;
	*out = ws_xcalloc(top_n ? top_n : 1, sizeof(**out));
	for (int i = 0; i < PQntuples(r) && *n_out < top_n; i++) {
		uint8_t p[16] = {0};
		size_t n = getbytes(r, i, 0, p, sizeof(p));
		struct ws_addr a;
		struct ws_rep_net *o = &(*out)[(*n_out)++];
		if (ws_addr_from_blob(p, n <= 2 ? 4 : 16, &a)) {
			char t[48];
			ws_addr_format(&a, t, sizeof(t));
			snprintf(o->prefix, sizeof(o->prefix), "%.39s/%d", t,
				 a.fam == 4 ? 8 * level : 16 + 16 * level);
		}
		o->requests = (uint64_t)geti(r, i, 1);
		o->sources = (uint64_t)geti(r, i, 2);
	}
	PQclear(r);
	return 0;
}

static int rep_rest(struct ws_store *st, struct ws_report_data *d, size_t top_n,
		    struct ws_err *err)
{
	int rc;
	PGresult *r = query(st, "SELECT worm, status, count FROM status_mix", 0, NULL, err, &rc);
	if (!r)
		return rc;
	d->status = ws_xcalloc((size_t)PQntuples(r) + 1, sizeof(*d->status));
	for (int i = 0; i < PQntuples(r); i++) {
		int w = worm_of(st, geti(r, i, 0));
		if (w < 0)
			continue;
		int status = (int)geti(r, i, 1);
		d->status[d->n_status++] = (struct ws_rep_status){
			.worm = w, .status = status, .count = (uint64_t)geti(r, i, 2),
			.compromised = ws_store_success_for(w, status)};
	}
	PQclear(r);
	ws_store_sort_status(d);
	r = query(st,
		  "SELECT i.name, i.format, i.lines, i.sightings, i.scanned_at, i.simulated, s.name"
		  " FROM inputs i LEFT JOIN sensors s ON s.id = i.sensor ORDER BY i.id",
		  0, NULL, err, &rc);
	if (!r)
		return rc;
	d->inputs = ws_xcalloc((size_t)PQntuples(r) + 1, sizeof(*d->inputs));
	for (int i = 0; i < PQntuples(r); i++) {
		struct ws_rep_input *in = &d->inputs[d->n_inputs++];
		in->name = getstr(r, i, 0);
		in->format = getstr(r, i, 1);
		in->lines = (uint64_t)geti(r, i, 2);
		in->sightings = (uint64_t)geti(r, i, 3);
		in->scanned_at = geti(r, i, 4);
		in->simulated = getb(r, i, 5);
		in->sensor = getstr(r, i, 6);
		d->simulated |= in->simulated;
	}
	PQclear(r);
	char lim[24];
	snprintf(lim, sizeof(lim), "%zu", top_n);
	const char *v[1] = {lim};
	r = query(st,
		  "SELECT s.ts, s.src, s.worm, s.status, t.s, a.s, h.s, s.dst FROM sightings s"
		  " LEFT JOIN strings t ON t.h = s.target LEFT JOIN strings a ON a.h = s.agent"
		  " LEFT JOIN strings h ON h.h = s.host WHERE s.compromised"
		  " ORDER BY s.ts DESC NULLS LAST LIMIT $1",
		  1, v, err, &rc);
	if (!r)
		return rc;
	d->answers = ws_xcalloc(top_n ? top_n : 1, sizeof(*d->answers));
	for (int i = 0; i < PQntuples(r) && d->n_answers < top_n; i++) {
		int w = worm_of(st, geti(r, i, 2));
		if (w < 0)
			continue;
		struct ws_rep_answer *a = &d->answers[d->n_answers++];
		a->ts = gett(r, i, 0);
		uint8_t b[16];
		struct ws_addr ad;
		size_t n = getbytes(r, i, 1, b, sizeof(b));
		if (ws_addr_from_blob(b, n, &ad))
			ws_addr_format(&ad, a->src, sizeof(a->src));
		a->worm = w;
		a->status = (int)geti(r, i, 3);
		a->uri = getstr(r, i, 4);
		a->agent = getstr(r, i, 5);
		a->host = getstr(r, i, 6);
		n = getbytes(r, i, 7, b, sizeof(b));
		char t[64];
		if (!a->host && ws_addr_from_blob(b, n, &ad))
			a->host = ws_xstrdup(ws_addr_format(&ad, t, sizeof(t)));
	}
	PQclear(r);
	return 0;
}

int ws_pg_report_data(struct ws_store *st, size_t top_n, struct ws_report_data *d,
		      struct ws_err *err)
{
	int rc = rep_totals(st, d, err);
	if (!rc)
		rc = rep_hours(st, d, err);
	if (!rc)
		rc = rep_curves(st, d, err);
	if (!rc)
		rc = rep_top(st, d, top_n, err);
	if (!rc)
		rc = rep_nets(st, 2, top_n, &d->top16, &d->n_top16, err);
	if (!rc)
		rc = rep_nets(st, 1, top_n, &d->top8, &d->n_top8, err);
	if (!rc)
		rc = rep_rest(st, d, top_n, err);
	if (!rc)
		rc = ws_pg_sensors(st, ws_store_rep_add_sensor, d, err);
	return rc;
}

/* ---- store copy ------------------------------------------------------------ */

int ws_pg_sensor(struct ws_store *st, const char *name, struct ws_err *err)
{
	if (name != st->sensor)
		snprintf(st->sensor, sizeof(st->sensor), "%s", name);
	const char *v[1] = {name};
	int rc;
	PGresult *r = query(st, "INSERT INTO sensors(name) VALUES($1) ON CONFLICT DO NOTHING", 1, v,
			    err, &rc);
	if (r)
		PQclear(r);
	if (!rc && (r = query(st, "SELECT id FROM sensors WHERE name = $1", 1, v, err, &rc))) {
		st->sensor_id = PQntuples(r) ? geti(r, 0, 0) : 0;
		PQclear(r);
	}
	return rc;
}

int ws_pg_put_input(struct ws_store *st, const struct ws_copy_input *in, int64_t *id,
		    struct ws_err *err)
{
	char n[16][24];
	const int64_t v[16] = {st->sensor_id, in->dev,	     in->ino,	    in->size,
			       in->compressed, in->head_len, in->head_hash, in->tail_len,
			       in->tail_hash,  in->offset,   in->lines,	    in->complete,
			       in->kind_code,  in->simulated, in->first_scanned, in->scanned_at};
	const char *p[19] = {in->kind, in->name, in->format};
	for (int k = 0; k < 16; k++) {
		bool b = k == 4 || k == 11 || k == 13;
		if (b)
			snprintf(n[k], 24, "%s", v[k] ? "t" : "f");
		else
			snprintf(n[k], 24, "%" PRId64, v[k]);
		p[3 + k] = (k == 1 || k == 2) && !in->has_ino ? NULL : n[k];
	}
	int rc;
	PGresult *r = query(st,
			    "INSERT INTO inputs(kind, name, format, sensor, dev, ino, size, compressed,"
			    " head_len, head_hash, tail_len, tail_hash, byte_offset, lines, complete,"
			    " kind_code, simulated, first_scanned, scanned_at) VALUES($1, $2, $3, $4,"
			    " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
			    " RETURNING id",
			    19, p, err, &rc);
	if (!r)
		return rc;
	*id = geti(r, 0, 0);
	PQclear(r);
	return 0;
}

struct in_cb {
	int (*fn)(void *, const struct ws_copy_input *);
	void *ctx;
};

static int on_input_row(struct ws_store *st, PGresult *r, void *ctx)
{
	(void)st;
	struct in_cb *c = ctx;
	struct ws_copy_input in = {0};
	in.id = geti(r, 0, 0);
	in.kind = PQgetvalue(r, 0, 1);
	in.name = PQgetvalue(r, 0, 2);
	in.format = PQgetisnull(r, 0, 3) ? NULL : PQgetvalue(r, 0, 3);
	in.sensor = PQgetisnull(r, 0, 4) ? NULL : PQgetvalue(r, 0, 4);
	in.has_ino = !PQgetisnull(r, 0, 6);
	int64_t *v[] = {&in.dev, &in.ino, &in.size, NULL, &in.head_len, &in.head_hash,
			&in.tail_len, &in.tail_hash, &in.offset, &in.lines, NULL,
			&in.kind_code, NULL, &in.first_scanned, &in.scanned_at};
	for (int k = 0; k < 15; k++)
		if (v[k])
			*v[k] = geti(r, 0, 5 + k);
	in.compressed = getb(r, 0, 8);
	in.complete = getb(r, 0, 15);
	in.simulated = getb(r, 0, 17);
	return c->fn(c->ctx, &in);
}

int ws_pg_each_input(struct ws_store *st, int (*fn)(void *, const struct ws_copy_input *),
		     void *ctx, struct ws_err *err)
{
	struct in_cb c = {fn, ctx};
	return stream(st,
		      "SELECT i.id, i.kind, i.name, i.format, s.name, i.dev, i.ino, i.size,"
		      " i.compressed, i.head_len, i.head_hash, i.tail_len, i.tail_hash, i.byte_offset,"
		      " i.lines, i.complete, i.kind_code, i.simulated, i.first_scanned, i.scanned_at"
		      " FROM inputs i LEFT JOIN sensors s ON s.id = i.sensor ORDER BY i.id",
		      0, NULL, on_input_row, &c, err);
}

struct si_cb {
	int (*fn)(void *, const struct ws_copy_sighting *);
	void *ctx;
	uint8_t str[4][MAX_STR];
};

static int on_sighting_row(struct ws_store *st, PGresult *r, void *ctx)
{
	(void)st;
	struct si_cb *c = ctx;
	struct ws_copy_sighting s = {0};
	s.input = geti(r, 0, 0);
	s.line = (uint64_t)geti(r, 0, 1);
	s.ts_known = !PQgetisnull(r, 0, 2);
	s.ts = geti(r, 0, 2);
	s.src_n = getbytes(r, 0, 3, s.src, sizeof(s.src));
	s.src_port = PQgetisnull(r, 0, 4) ? -1 : (int)geti(r, 0, 4);
	s.dst_n = getbytes(r, 0, 5, s.dst, sizeof(s.dst));
	s.dst_port = PQgetisnull(r, 0, 6) ? -1 : (int)geti(r, 0, 6);
	s.dbw = (int)geti(r, 0, 7);
	s.sid = geti(r, 0, 8);
	s.conf = (int)geti(r, 0, 9);
	s.status = PQgetisnull(r, 0, 10) ? -1 : (int)geti(r, 0, 10);
	for (int k = 0; k < 4; k++) {
		s.str_n[k] = getbytes(r, 0, 11 + k, c->str[k], MAX_STR);
		s.str[k] = PQgetisnull(r, 0, 11 + k) ? NULL : (const char *)c->str[k];
	}
	s.compromised = getb(r, 0, 15);
	s.inside = getb(r, 0, 16);
	s.nimda = (int)geti(r, 0, 17);
	s.simulated = getb(r, 0, 18);
	return c->fn(c->ctx, &s);
}

int ws_pg_each_sighting(struct ws_store *st, int (*fn)(void *, const struct ws_copy_sighting *),
			void *ctx, struct ws_err *err)
{
	struct si_cb *c = ws_xcalloc(1, sizeof(*c));
	c->fn = fn;
	c->ctx = ctx;
	int rc = stream(st,
			"SELECT s.input_id, s.line, s.ts, s.src, s.src_port, s.dst, s.dst_port, s.worm,"
			" s.sid, s.conf, s.status, m.s, t.s, a.s, h.s, s.compromised, s.inside,"
			" s.nimda_probe, s.simulated FROM sightings s"
			" LEFT JOIN strings m ON m.h = s.method LEFT JOIN strings t ON t.h = s.target"
			" LEFT JOIN strings a ON a.h = s.agent LEFT JOIN strings h ON h.h = s.host"
			" ORDER BY s.input_id, s.line",
			0, NULL, on_sighting_row, c, err);
	free(c);
	return rc;
}
