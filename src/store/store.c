/* SPDX-License-Identifier: MIT */
/* Opening the store, and the write path: sightings are inserted as they
 * come, while the rollups (hosts, hours, status mix, networks, totals) are
 * aggregated in memory and written once per source / hour / status at
 * commit, in the same transaction as the sightings and the input offsets.
 * That keeps the summary tables exactly consistent with the sightings at
 * every commit, crash or not. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/internal.h"
#include "store/pg.h"
#include "util/mem.h"
#include "util/time.h"

#define PENDING_CAP 1000000 /* sightings in one batch before a forced commit */
/* Sources held in a batch before their rollups are written into the open
 * transaction (a spill, no commit): memory stays flat however many sources
 * a large log has (a pending source takes ~0.14 KiB, ~9 MiB in all). Large
 * enough that a source coming back is mostly still pending: each spill
 * writes every pending source once, so a cap of 4096 on a log of 66k
 * sources wrote one hosts row per sighting (docs/store.md). */
#define HOSTS_CAP 65536
#define DESTS_CAP 262144 /* (source, destination) pairs, likewise (34 bytes each) */
#define MAX_STR 2048        /* longest string kept per field */

sqlite3 *ws_store_db(struct ws_store *st)
{
	return st->db;
}

int ws_store_begin(struct ws_store *st, struct ws_err *err)
{
	if (st->in_tx)
		return 0;
	int rc = ws_store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc == 0)
		st->in_tx = true;
	return rc;
}

/* ---- small map ----------------------------------------------------------- */

/* A fast non-cryptographic hash (8 bytes per step): interned strings are
 * hashed once per sighting, and Code Red's target alone is 370 bytes. */
static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

void ws_amap_init(struct ws_amap *m, size_t keysz, size_t itemsz)
{
	*m = (struct ws_amap){.keysz = keysz, .itemsz = itemsz};
}

static void amap_grow(struct ws_amap *m)
{
	size_t cap = m->idx_cap ? m->idx_cap * 2 : 1024;
	free(m->idx);
	m->idx = ws_xcalloc(cap, sizeof(*m->idx));
	m->idx_cap = cap;
	for (size_t i = 0; i < m->n; i++) {
		size_t s = hash_bytes(WS_AMAP_AT(m, i), m->keysz) & (cap - 1);
		while (m->idx[s])
			s = (s + 1) & (cap - 1);
		m->idx[s] = (uint32_t)i + 1;
	}
}

void *ws_amap_get(struct ws_amap *m, const void *key, bool *fresh)
{
	/* Runs of one key (one input, one hour, a source's burst) are common. */
	if (m->n && m->last < m->n && memcmp(WS_AMAP_AT(m, m->last), key, m->keysz) == 0) {
		*fresh = false;
		return WS_AMAP_AT(m, m->last);
	}
	if ((m->n + 1) * 2 > m->idx_cap)
		amap_grow(m);
	size_t s = hash_bytes(key, m->keysz) & (m->idx_cap - 1);
	while (m->idx[s]) {
		void *it = WS_AMAP_AT(m, m->idx[s] - 1);
		if (memcmp(it, key, m->keysz) == 0) {
			*fresh = false;
			m->last = m->idx[s] - 1;
			return it;
		}
		s = (s + 1) & (m->idx_cap - 1);
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->items = ws_xreallocarray(m->items, m->cap, m->itemsz);
	}
	void *it = WS_AMAP_AT(m, m->n);
	memset(it, 0, m->itemsz);
	memcpy(it, key, m->keysz);
	m->idx[s] = (uint32_t)++m->n;
	m->last = m->n - 1;
	*fresh = true;
	return it;
}

void ws_amap_clear(struct ws_amap *m)
{
	if (m->n && m->idx)
		memset(m->idx, 0, m->idx_cap * sizeof(*m->idx));
	m->n = 0;
}

void ws_amap_free(struct ws_amap *m)
{
	free(m->items);
	free(m->idx);
	ws_amap_init(m, m->keysz, m->itemsz);
}

/* ---- addresses ----------------------------------------------------------- */

void ws_akey_of(struct ws_akey *k, const struct ws_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->fam = a->fam;
	memcpy(k->b, a->b, a->fam == 4 ? 4 : a->fam == 6 ? 16 : 0);
}

void ws_pend_addr(const struct ws_pend_host *h, struct ws_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->fam = h->key.fam;
	memcpy(a->b, h->key.b, sizeof(a->b));
}

struct ws_hworm *ws_pend_worms(struct ws_store *st, struct ws_pend_host *h)
{
	return h->more ? st->hworms[h->more - 1].w : h->w;
}

/* Room for one more worm in h's list, moving it out of line when full. */
static struct ws_hworm *pend_worm_add(struct ws_store *st, struct ws_pend_host *h)
{
	if (h->nw == WS_HOST_INLINE && !h->more) {
		if (st->n_hworms == st->cap_hworms) {
			st->cap_hworms = st->cap_hworms ? st->cap_hworms * 2 : 64;
			st->hworms = ws_xreallocarray(st->hworms, st->cap_hworms,
						      sizeof(*st->hworms));
		}
		memcpy(st->hworms[st->n_hworms].w, h->w, sizeof(h->w));
		h->more = (uint32_t)++st->n_hworms;
	}
	return &ws_pend_worms(st, h)[h->nw++];
}

size_t ws_addr_blob(const struct ws_addr *a, uint8_t out[16])
{
	size_t n = a->fam == 4 ? 4 : a->fam == 6 ? 16 : 0;
	memcpy(out, a->b, n);
	return n;
}

/* An address key as stored (4 or 16 bytes); returns the length. */
static size_t akey_blob(const struct ws_akey *k, uint8_t out[16])
{
	size_t n = k->fam == 4 ? 4 : k->fam == 6 ? 16 : 0;
	memcpy(out, k->b, n);
	return n;
}

bool ws_addr_from_blob(const void *p, size_t n, struct ws_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (n != 4 && n != 16)
		return false;
	a->fam = n == 4 ? 4 : 6;
	memcpy(a->b, p, n);
	return true;
}

size_t ws_hworms_decode(const void *blob, size_t n, struct ws_hworm *out, size_t max)
{
	const uint8_t *p = blob;
	size_t k = 0;
	for (; k < max && (k + 1) * WS_HWORM_BYTES <= n; k++) {
		const uint8_t *e = p + k * WS_HWORM_BYTES;
		out[k].dbw = e[0];
		memcpy(&out[k].n, e + 1, 8);
		memcpy(&out[k].first, e + 9, 8);
		memcpy(&out[k].last, e + 17, 8);
	}
	return k;
}

void ws_hworms_encode(const struct ws_hworm *w, size_t n, uint8_t *out)
{
	for (size_t k = 0; k < n; k++) {
		uint8_t *e = out + k * WS_HWORM_BYTES;
		e[0] = w[k].dbw;
		memcpy(e + 1, &w[k].n, 8);
		memcpy(e + 9, &w[k].first, 8);
		memcpy(e + 17, &w[k].last, 8);
	}
}

/* ---- open / close -------------------------------------------------------- */

static const char *const stmt_sql[Q_NSTMT] = {
	[Q_INS_ROWS] = "INSERT INTO sightings(input_id, line, ts, src, src_port, dst, dst_port,"
		       " worm, sid, conf, status, method, target, agent, host, compromised,"
		       " inside, nimda_probe, simulated) SELECT * FROM ws_staged_sightings",
	[Q_STR_FIND] = "SELECT id, s FROM strings WHERE h = ?",
	[Q_STR_ADD] = "INSERT INTO strings(h, s) VALUES(?, ?)",
	[Q_DEST_ADD] = "INSERT OR IGNORE INTO host_dests VALUES(?, ?)",
	/* A source's row is looked up, merged with the batch in C and written
	 * back: an upsert with RETURNING (to learn whether the row was new)
	 * built a temporary table per row, 4.6 us of the 5.8 a source cost. */
	[Q_HOST_FIND] = "SELECT first, last, requests, compromised, nimda, destinations, inside,"
			" simulated, worms FROM hosts WHERE addr = ?1",
	[Q_HOST_PUT] = "INSERT INTO hosts VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		       " ON CONFLICT(addr) DO UPDATE SET first = ?2, last = ?3, requests = ?4,"
		       " compromised = ?5, nimda = ?6, destinations = ?7, inside = ?8,"
		       " simulated = ?9, worms = ?10",
	[Q_HOUR] = "INSERT INTO hourly VALUES(?1, ?2, ?3) ON CONFLICT DO UPDATE"
		   " SET requests = requests + ?3",
	[Q_STATUS] = "INSERT INTO status_mix VALUES(?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE"
		     " SET count = count + ?3, compromised = compromised + ?4",
	[Q_NET] = "INSERT INTO nets VALUES(?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE"
		  " SET requests = requests + ?3, sources = sources + ?4",
	[Q_WORM_TOT] = "INSERT INTO worm_totals VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE"
		       " SET requests = requests + ?2, sources = sources + ?3,"
		       " compromised = compromised + ?4, first = coalesce(min(first, ?5), first, ?5),"
		       " last = coalesce(max(last, ?6), last, ?6)",
	[Q_TOTALS] = "UPDATE totals SET sightings = sightings + ?1, sources = sources + ?2,"
		     " compromised = compromised + ?3, first = coalesce(min(first, ?4), first, ?4),"
		     " last = coalesce(max(last, ?5), last, ?5), simulated = simulated | ?6",
	[Q_INPUT_SIGHTINGS] = "UPDATE inputs SET sightings = sightings + ?2 WHERE id = ?1",
	[Q_HOST_SENSOR] = "INSERT INTO host_sensors VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE"
			  " SET first = coalesce(min(first, ?3), first, ?3),"
			  " last = coalesce(max(last, ?4), last, ?4), requests = requests + ?5",
};

bool ws_store_sensor_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > WS_SENSOR_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(".-_:@", c)))
			return false;
	}
	return true;
}

void ws_store_default_sensor(char out[WS_SENSOR_MAX + 1])
{
	char h[256] = "";
	if (gethostname(h, sizeof(h) - 1) != 0)
		h[0] = '\0';
	h[sizeof(h) - 1] = '\0';
	/* keep what a sensor name may hold, cut at the first other byte */
	size_t n = 0;
	while (h[n] && n < WS_SENSOR_MAX &&
	       ((h[n] >= 'a' && h[n] <= 'z') || (h[n] >= 'A' && h[n] <= 'Z') ||
		(h[n] >= '0' && h[n] <= '9') || strchr(".-_:@", h[n])))
		n++;
	if (n == 0)
		snprintf(out, WS_SENSOR_MAX + 1, "localhost");
	else
		snprintf(out, WS_SENSOR_MAX + 1, "%.*s", (int)n, h);
}

/* Registers the writer's sensor and remembers its id. */
int ws_store_register_sensor(struct ws_store *st, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO sensors(name) VALUES(?1)", -1,
				    &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "sensors", err);
	sqlite3_bind_text(q, 1, st->sensor, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "sensors", err);
	rc = sqlite3_prepare_v2(st->db, "SELECT id FROM sensors WHERE name = ?1", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "sensors", err);
	sqlite3_bind_text(q, 1, st->sensor, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		st->sensor_id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : ws_store_sqlerr(st, rc, "sensors", err);
}

static int prepare_all(struct ws_store *st, struct ws_err *err)
{
	for (int i = 0; i < Q_NSTMT; i++) {
		int rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &st->q[i], NULL);
		if (rc != SQLITE_OK)
			return ws_store_sqlerr(st, rc, "preparing statements", err);
	}
	return 0;
}

static void store_free(struct ws_store *st)
{
	ws_pg_free(st);
	for (int i = 0; i < Q_NSTMT; i++)
		sqlite3_finalize(st->q[i]);
	ws_store_tele_free(st);
	sqlite3_close(st->db);
	ws_amap_free(&st->hosts);
	free(st->hworms);
	free(st->rows);
	ws_amap_free(&st->hours);
	ws_amap_free(&st->status);
	ws_amap_free(&st->nets);
	ws_amap_free(&st->inputs);
	ws_amap_free(&st->dests);
	if (st->strs)
		for (size_t i = 0; i < WS_STRCACHE; i++)
			free(st->strs[i].s);
	free(st->strs);
	ws_buf_free(&st->tbuf);
	free(st->path);
	free(st);
}

static int read_version(struct ws_store *st, int *version, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int(q, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(q);
	}
	return rc == SQLITE_OK ? 0 : ws_store_sqlerr(st, rc, "reading the schema version", err);
}

/* The version checks come before anything that writes (WAL mode included),
 * so a newer store is left byte for byte as it was. */
static int open_db(struct ws_store *st, int target, struct ws_err *err)
{
	int flags = st->mode == WS_STORE_RW ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
					    : SQLITE_OPEN_READONLY;
	if (st->mode == WS_STORE_RO) {
		struct stat sb;
		if (stat(st->path, &sb) != 0)
			return ws_err_set(err, WS_EIO, "%s: %s", st->path, strerror(errno));
	}
	int rc = sqlite3_open_v2(st->path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "open", err);
	sqlite3_extended_result_codes(st->db, 1);
	const char *busy = getenv("WS_STORE_BUSY_MS");
	sqlite3_busy_timeout(st->db, busy ? (int)strtol(busy, NULL, 10) : 10000);
	int version = 0;
	rc = read_version(st, &version, err);
	if (rc)
		return rc;
	if (version > WS_STORE_SCHEMA)
		return ws_err_set(err, WS_EFORMAT,
				  "%s: written by a newer wormscope (schema %d; this one knows up "
				  "to %d); left unchanged",
				  st->path, version, WS_STORE_SCHEMA);
	if (st->mode == WS_STORE_RW && sqlite3_db_readonly(st->db, "main") == 1)
		return ws_err_set(err, WS_EIO, "%s: database is read-only", st->path);
	if (st->mode == WS_STORE_RO) {
		if (version == 0)
			return ws_err_set(err, WS_EFORMAT, "%s: not a wormscope store (empty schema)",
					  st->path);
		if (version < WS_STORE_SCHEMA)
			return ws_err_set(err, WS_EFORMAT,
					  "%s: schema %d is older than %d; run 'wormscope scan "
					  "--db' on it once to migrate",
					  st->path, version, WS_STORE_SCHEMA);
		return ws_store_exec(st, "PRAGMA cache_size = -262144", err);
	}
	/* A writer's cache stays small: its batch's rollups are written in key
	 * order (store.c, write_batch), so few pages are hot at once, and a
	 * large cache only held a long transaction's dirty pages in memory. */
	rc = ws_store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			       "PRAGMA cache_size = -4096; PRAGMA temp_store = MEMORY;"
			       "PRAGMA wal_autocheckpoint = 20000",
			   err);
	if (!rc && version < target)
		rc = ws_store_migrate(st, version, target, err);
	return rc;
}

int ws_store_open(const char *path, enum ws_store_mode mode, struct ws_store **out,
		  struct ws_err *err)
{
	return ws_store_open_version_as(path, mode, WS_STORE_SCHEMA, NULL, out, err);
}

int ws_store_open_as(const char *path, enum ws_store_mode mode, const char *sensor,
		     struct ws_store **out, struct ws_err *err)
{
	return ws_store_open_version_as(path, mode, WS_STORE_SCHEMA, sensor, out, err);
}

int ws_store_open_version(const char *path, enum ws_store_mode mode, int version,
			  struct ws_store **out, struct ws_err *err)
{
	return ws_store_open_version_as(path, mode, version, NULL, out, err);
}

int ws_store_open_version_as(const char *path, enum ws_store_mode mode, int version,
			     const char *sensor, struct ws_store **out, struct ws_err *err)
{
	if (sensor && !ws_store_sensor_ok(sensor))
		return ws_err_set(err, WS_EUSAGE,
				  "sensor name '%.*s': 1 to %d letters, digits or .-_:@",
				  WS_SENSOR_MAX, sensor, WS_SENSOR_MAX);
	struct ws_store *st = ws_xcalloc(1, sizeof(*st));
	st->path = ws_xstrdup(path);
	st->mode = mode;
	if (sensor)
		snprintf(st->sensor, sizeof(st->sensor), "%s", sensor);
	else
		ws_store_default_sensor(st->sensor);
	ws_amap_init(&st->hosts, sizeof(struct ws_akey), sizeof(struct ws_pend_host));
	ws_amap_init(&st->hours, 16, sizeof(struct hour_item));
	ws_amap_init(&st->status, 8, sizeof(struct status_item));
	ws_amap_init(&st->nets, 18, sizeof(struct net_item));
	ws_amap_init(&st->inputs, 8, sizeof(struct input_item));
	ws_amap_init(&st->dests, sizeof(struct dest_item), sizeof(struct dest_item));
	if (ws_pg_is_uri(path)) {
		int rc = ws_pg_open(st, err);
		if (rc) {
			store_free(st);
			return rc;
		}
		*out = st;
		return 0;
	}
	int rc = open_db(st, version, err);
	if (!rc)
		rc = ws_store_load_worms(st, err);
	if (!rc && version < WS_STORE_SCHEMA) {
		/* an old schema, for the migration tests: nothing more to set up */
		*out = st;
		return 0;
	}
	if (!rc && mode == WS_STORE_RW)
		rc = ws_store_register_sensor(st, err);
	if (!rc && mode == WS_STORE_RW) {
		if (ws_store_rows_register(st) != SQLITE_OK)
			rc = ws_store_sqlerr(st, sqlite3_errcode(st->db), "staging table", err);
		else
			rc = prepare_all(st, err);
		st->strs = ws_xcalloc(WS_STRCACHE, sizeof(*st->strs));
	}
	if (rc) {
		store_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

int ws_store_close(struct ws_store *st, struct ws_err *err)
{
	int rc = 0;
	if (st->mode == WS_STORE_RW)
		rc = ws_store_flush(st, err);
	store_free(st);
	return rc;
}

/* ---- adding sightings ---------------------------------------------------- */

static void forget_strings(struct ws_store *st)
{
	if (!st->strs)
		return;
	for (size_t i = 0; i < WS_STRCACHE; i++) {
		free(st->strs[i].s);
		st->strs[i] = (struct ws_strslot){0};
	}
}

/* The id of a string in the strings table (interned: worm requests repeat
 * the same few targets and agents), or 0 for none. */
static int64_t string_id(struct ws_store *st, const char *p, size_t n, struct ws_err *err,
			 int *rc)
{
	if (!p || n == 0)
		return 0;
	if (n > MAX_STR)
		n = MAX_STR;
	uint64_t h = hash_bytes(p, n);
	struct ws_strslot *s = &st->strs[h & (WS_STRCACHE - 1)];
	if (s->s && s->h == h && s->n == n && memcmp(s->s, p, n) == 0)
		return s->id;
	int64_t id = 0;
	sqlite3_stmt *q = st->q[Q_STR_FIND];
	sqlite3_bind_int64(q, 1, (int64_t)h);
	int r;
	while ((r = sqlite3_step(q)) == SQLITE_ROW)
		if ((size_t)sqlite3_column_bytes(q, 1) == n &&
		    memcmp(sqlite3_column_blob(q, 1), p, n) == 0) {
			id = sqlite3_column_int64(q, 0);
			r = SQLITE_DONE;
			break;
		}
	sqlite3_reset(q);
	if (r != SQLITE_DONE) {
		*rc = ws_store_sqlerr(st, r, "strings", err);
		return 0;
	}
	if (!id) {
		q = st->q[Q_STR_ADD];
		sqlite3_bind_int64(q, 1, (int64_t)h);
		sqlite3_bind_blob(q, 2, p, (int)n, SQLITE_STATIC);
		r = sqlite3_step(q);
		sqlite3_reset(q);
		if (r != SQLITE_DONE) {
			*rc = ws_store_sqlerr(st, r, "strings", err);
			return 0;
		}
		id = sqlite3_last_insert_rowid(st->db);
	}
	free(s->s);
	s->s = ws_xmalloc(n);
	memcpy(s->s, p, n);
	s->n = n;
	s->h = h;
	s->id = id;
	return id;
}

/* Column col of row r: v, or NULL. */
static void row_set(struct ws_srow *r, int col, int64_t v, bool null)
{
	r->v[col] = v;
	if (null)
		r->null |= 1u << col;
}

/* Stages the sighting's row (store/rows.c). */
static int stage_sighting(struct ws_store *st, int64_t input_id, const struct ws_sighting *s,
			  int dbw, struct ws_err *err)
{
	const struct ws_request *r = s->req;
	int rc = 0;
	int64_t method = string_id(st, r->method.p, r->method.n, err, &rc);
	const char *tp = r->path.p;
	size_t tn = r->path.n;
	if (r->has_query) {
		st->tbuf.n = 0;
		ws_out_target(&st->tbuf, r);
		tp = st->tbuf.p;
		tn = st->tbuf.n;
	}
	int64_t target = string_id(st, tp, tn, err, &rc);
	int64_t agent = string_id(st, r->agent.p, r->agent.n, err, &rc);
	int64_t host = string_id(st, r->host.p, r->host.n, err, &rc);
	if (rc)
		return rc;
	struct ws_srow *w;
	if ((rc = ws_store_row_next(st, &w, err)) != 0)
		return rc;
	w->v[0] = input_id;
	w->v[1] = (int64_t)s->line;
	row_set(w, 2, r->ts, !r->ts_known);
	w->src_len = (uint8_t)ws_addr_blob(&r->src, w->src);
	w->dst_len = (uint8_t)ws_addr_blob(&r->dst, w->dst);
	row_set(w, WS_SROW_DST, 0, !w->dst_len);
	row_set(w, 4, r->src_port, r->src_port < 0);
	row_set(w, 6, r->dst_port, r->dst_port < 0);
	w->v[7] = dbw;
	w->v[8] = s->v->sig ? s->v->sig->sid : 0;
	w->v[9] = (int)s->v->conf;
	row_set(w, 10, r->status, r->status < 0);
	row_set(w, 11, method, !method);
	row_set(w, 12, target, !target);
	row_set(w, 13, agent, !agent);
	row_set(w, 14, host, !host);
	w->v[15] = s->compromised;
	w->v[16] = s->inside;
	row_set(w, 17, s->nimda_probe, s->nimda_probe <= 0);
	w->v[18] = s->simulated;
	return 0;
}

/* A source's destination, kept for the batch: the pairs are written at
 * commit, once each and in key order (host_dests is keyed by source, which
 * arrives in random order: one insert a sighting cost a B-tree search in a
 * cold page each). */
static void note_destination(struct ws_store *st, const struct ws_request *r)
{
	if ((r->dst.fam != 4 && r->dst.fam != 6) || (r->src.fam != 4 && r->src.fam != 6))
		return;
	struct dest_item k;
	ws_akey_of(&k.src, &r->src);
	ws_akey_of(&k.dst, &r->dst);
	bool fresh;
	ws_amap_get(&st->dests, &k, &fresh);
}

static void tmin(int64_t *a, int64_t b)
{
	if (b < *a)
		*a = b;
}

static void tmax(int64_t *a, int64_t b)
{
	if (b > *a)
		*a = b;
}

/* Prefix key of a at level 1 (/8, /32) or 2 (/16, /48). */
static void net_key(struct net_item *k, const struct ws_addr *a, int level)
{
	memset(k, 0, sizeof(*k));
	k->level = (uint8_t)level;
	size_t bytes = a->fam == 4 ? (size_t)level : (size_t)(2 + 2 * level);
	k->len = a->fam == 4 ? 4 : 16;
	memcpy(k->prefix, a->b, bytes);
}

static void pend_host(struct ws_store *st, const struct ws_sighting *s, int dbw)
{
	const struct ws_request *r = s->req;
	struct ws_akey key;
	ws_akey_of(&key, &r->src);
	bool fresh;
	struct ws_pend_host *h = ws_amap_get(&st->hosts, &key, &fresh);
	if (fresh) {
		h->first = INT64_MAX;
		h->last = INT64_MIN;
	}
	struct ws_hworm *ws = ws_pend_worms(st, h), *w = NULL;
	for (uint8_t i = 0; i < h->nw; i++)
		if (ws[i].dbw == dbw)
			w = &ws[i];
	if (!w) {
		w = pend_worm_add(st, h);
		*w = (struct ws_hworm){.dbw = (uint8_t)dbw, .first = INT64_MAX, .last = INT64_MIN};
	}
	w->n++;
	h->requests++;
	if (r->ts_known) {
		tmin(&h->first, r->ts);
		tmax(&h->last, r->ts);
		tmin(&w->first, r->ts);
		tmax(&w->last, r->ts);
	}
	h->compromised += s->compromised;
	if (s->nimda_probe > 0)
		h->nimda |= (uint16_t)(1u << (s->nimda_probe - 1));
	h->inside |= s->inside;
	h->simulated |= s->simulated;
}

int ws_store_add(struct ws_store *st, int64_t input_id, const struct ws_sighting *s,
		 struct ws_err *err)
{
	int worm = s->v->worm;
	if (worm < 0 || worm >= WS_MAX_WORMS || st->to_db[worm] < 0)
		return ws_err_set(err, WS_EUSAGE, "%s: unknown worm %d", st->path, worm);
	int dbw = st->to_db[worm];
	bool full = false;
	int rc = 0;
	if (st->pg) {
		rc = ws_pg_add(st, input_id, s, dbw, &full, err);
	} else {
		rc = ws_store_begin(st, err);
		if (!rc)
			rc = stage_sighting(st, input_id, s, dbw, err);
	}
	if (rc || st->dropped)
		return rc; /* a live writer's dropped sighting is not in the rollups either */
	const struct ws_request *r = s->req;
	bool fresh;
	struct input_item *in = ws_amap_get(&st->inputs, &input_id, &fresh);
	in->sightings++;
	if (r->ts_known) {
		struct hour_item hk = {.hour = ws_floor_to(r->ts, 3600), .dbw = dbw};
		struct hour_item *hi = ws_amap_get(&st->hours, &hk, &fresh);
		hi->n++;
	}
	struct status_item sk = {.dbw = dbw, .status = r->status < 0 ? 0 : r->status};
	struct status_item *si = ws_amap_get(&st->status, &sk, &fresh);
	si->n++;
	si->compromised += s->compromised;
	if (r->src.fam == 4 || r->src.fam == 6) {
		pend_host(st, s, dbw);
		if (!st->pg)
			note_destination(st, r);
	}
	if (++st->pending >= PENDING_CAP || full)
		return ws_store_flush(st, err);
	if (!st->pg && (st->hosts.n >= HOSTS_CAP || st->dests.n >= DESTS_CAP))
		return ws_store_spill(st, err);
	return 0;
}

/* ---- commit -------------------------------------------------------------- */

struct tot {
	uint64_t sightings, sources, compromised;
	int64_t first, last;
	bool simulated;
	uint64_t w_req[256], w_src[256], w_comp[256];
	int64_t w_first[256], w_last[256];
	bool w_seen[256];
};

static void bind_time(sqlite3_stmt *q, int col, int64_t t, bool is_first)
{
	if (is_first ? t == INT64_MAX : t == INT64_MIN)
		sqlite3_bind_null(q, col);
	else
		sqlite3_bind_int64(q, col, t);
}

static int step_done(struct ws_store *st, sqlite3_stmt *q, const char *what, struct ws_err *err)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, what, err);
}

/* Adds a batch's per-worm list to a stored one (at most WS_MAX_WORMS);
 * counts in t each worm new to the source. */
static size_t merge_worms(struct ws_hworm *all, size_t n, const struct ws_hworm *add, size_t na,
			  struct tot *t)
{
	for (size_t i = 0; i < na; i++) {
		struct ws_hworm *m = NULL;
		for (size_t k = 0; k < n; k++)
			if (all[k].dbw == add[i].dbw)
				m = &all[k];
		if (!m) {
			t->w_src[add[i].dbw]++;
			if (n < WS_MAX_WORMS)
				all[n++] = add[i];
			continue;
		}
		m->n += add[i].n;
		tmin(&m->first, add[i].first);
		tmax(&m->last, add[i].last);
	}
	return n;
}

/* The stored row of a pending source merged into it (h then holds the
 * source's whole row, all[*nw] its worms); *is_new: it had none. */
static int merge_stored(struct ws_store *st, struct ws_pend_host *h, const uint8_t *a, size_t an,
			struct ws_hworm *all, size_t *nw, bool *is_new, struct tot *t,
			struct ws_err *err)
{
	sqlite3_stmt *q = st->q[Q_HOST_FIND];
	sqlite3_bind_blob(q, 1, a, (int)an, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	bool found = rc == SQLITE_ROW;
	*nw = 0;
	if (found) {
		if (sqlite3_column_type(q, 0) != SQLITE_NULL)
			tmin(&h->first, sqlite3_column_int64(q, 0));
		if (sqlite3_column_type(q, 1) != SQLITE_NULL)
			tmax(&h->last, sqlite3_column_int64(q, 1));
		h->requests += (uint64_t)sqlite3_column_int64(q, 2);
		h->compromised += (uint64_t)sqlite3_column_int64(q, 3);
		h->nimda |= (uint16_t)sqlite3_column_int(q, 4);
		h->dests += (uint64_t)sqlite3_column_int64(q, 5);
		h->inside |= sqlite3_column_int(q, 6) != 0;
		h->simulated |= sqlite3_column_int(q, 7) != 0;
		*nw = ws_hworms_decode(sqlite3_column_blob(q, 8), (size_t)sqlite3_column_bytes(q, 8),
				       all, WS_MAX_WORMS);
		rc = sqlite3_step(q);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "hosts", err);
	*nw = merge_worms(all, *nw, ws_pend_worms(st, h), h->nw, t);
	*is_new = !found;
	t->sources += !found;
	return 0;
}

/* A source's batch requests, and whether it is new, in its networks. */
static void count_nets(struct ws_store *st, const struct ws_pend_host *h, uint64_t requests,
		       bool is_new)
{
	struct ws_addr addr;
	ws_pend_addr(h, &addr);
	for (int level = 1; level <= 2; level++) {
		struct net_item nk;
		bool fresh;
		net_key(&nk, &addr, level);
		struct net_item *ni = ws_amap_get(&st->nets, &nk, &fresh);
		ni->requests += requests;
		ni->sources += is_new;
	}
}

static int write_host(struct ws_store *st, struct ws_pend_host *h, struct tot *t,
		      struct ws_err *err)
{
	uint8_t a[16];
	size_t an = akey_blob(&h->key, a);
	/* host_sensors takes the batch's own figures, hosts the merged ones */
	sqlite3_stmt *q = st->q[Q_HOST_SENSOR];
	sqlite3_bind_blob(q, 1, a, (int)an, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, st->sensor_id);
	bind_time(q, 3, h->first, true);
	bind_time(q, 4, h->last, false);
	sqlite3_bind_int64(q, 5, (int64_t)h->requests);
	int rc = step_done(st, q, "host sensors", err);
	if (rc)
		return rc;
	uint64_t batch_requests = h->requests;
	struct ws_hworm all[WS_MAX_WORMS];
	size_t nw;
	bool is_new = false;
	rc = merge_stored(st, h, a, an, all, &nw, &is_new, t, err);
	if (rc)
		return rc;
	count_nets(st, h, batch_requests, is_new);
	uint8_t blob[WS_MAX_WORMS * WS_HWORM_BYTES];
	ws_hworms_encode(all, nw, blob);
	q = st->q[Q_HOST_PUT];
	sqlite3_bind_blob(q, 1, a, (int)an, SQLITE_STATIC);
	bind_time(q, 2, h->first, true);
	bind_time(q, 3, h->last, false);
	sqlite3_bind_int64(q, 4, (int64_t)h->requests);
	sqlite3_bind_int64(q, 5, (int64_t)h->compromised);
	sqlite3_bind_int(q, 6, h->nimda);
	sqlite3_bind_int64(q, 7, (int64_t)h->dests);
	sqlite3_bind_int(q, 8, h->inside);
	sqlite3_bind_int(q, 9, h->simulated);
	sqlite3_bind_blob(q, 10, blob, (int)(nw * WS_HWORM_BYTES), SQLITE_STATIC);
	return step_done(st, q, "hosts", err);
}

static int write_small(struct ws_store *st, struct ws_err *err)
{
	int rc = 0;
	sqlite3_stmt *q = st->q[Q_HOUR];
	for (size_t i = 0; i < st->hours.n && !rc; i++) {
		struct hour_item *h = WS_AMAP_AT(&st->hours, i);
		sqlite3_bind_int64(q, 1, h->hour);
		sqlite3_bind_int(q, 2, h->dbw);
		sqlite3_bind_int64(q, 3, (int64_t)h->n);
		rc = step_done(st, q, "hourly", err);
	}
	q = st->q[Q_STATUS];
	for (size_t i = 0; i < st->status.n && !rc; i++) {
		struct status_item *s = WS_AMAP_AT(&st->status, i);
		sqlite3_bind_int(q, 1, s->dbw);
		sqlite3_bind_int(q, 2, s->status);
		sqlite3_bind_int64(q, 3, (int64_t)s->n);
		sqlite3_bind_int64(q, 4, (int64_t)s->compromised);
		rc = step_done(st, q, "status mix", err);
	}
	q = st->q[Q_NET];
	for (size_t i = 0; i < st->nets.n && !rc; i++) {
		struct net_item *n = WS_AMAP_AT(&st->nets, i);
		sqlite3_bind_int(q, 1, n->level);
		sqlite3_bind_blob(q, 2, n->prefix, n->len, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, (int64_t)n->requests);
		sqlite3_bind_int64(q, 4, (int64_t)n->sources);
		rc = step_done(st, q, "networks", err);
	}
	q = st->q[Q_INPUT_SIGHTINGS];
	for (size_t i = 0; i < st->inputs.n && !rc; i++) {
		struct input_item *in = WS_AMAP_AT(&st->inputs, i);
		sqlite3_bind_int64(q, 1, in->id);
		sqlite3_bind_int64(q, 2, (int64_t)in->sightings);
		rc = step_done(st, q, "inputs", err);
	}
	return rc;
}

static int write_totals(struct ws_store *st, struct tot *t, struct ws_err *err)
{
	int rc = 0;
	sqlite3_stmt *q = st->q[Q_WORM_TOT];
	for (int w = 0; w < 256 && !rc; w++) {
		if (!t->w_seen[w])
			continue;
		sqlite3_bind_int(q, 1, w);
		sqlite3_bind_int64(q, 2, (int64_t)t->w_req[w]);
		sqlite3_bind_int64(q, 3, (int64_t)t->w_src[w]);
		sqlite3_bind_int64(q, 4, (int64_t)t->w_comp[w]);
		bind_time(q, 5, t->w_first[w], true);
		bind_time(q, 6, t->w_last[w], false);
		rc = step_done(st, q, "worm totals", err);
	}
	if (rc)
		return rc;
	q = st->q[Q_TOTALS];
	sqlite3_bind_int64(q, 1, (int64_t)t->sightings);
	sqlite3_bind_int64(q, 2, (int64_t)t->sources);
	sqlite3_bind_int64(q, 3, (int64_t)t->compromised);
	bind_time(q, 4, t->first, true);
	bind_time(q, 5, t->last, false);
	sqlite3_bind_int(q, 6, t->simulated);
	return step_done(st, q, "totals", err);
}

static void batch_clear(struct ws_store *st)
{
	ws_amap_clear(&st->hosts);
	ws_amap_clear(&st->hours);
	ws_amap_clear(&st->status);
	ws_amap_clear(&st->nets);
	ws_amap_clear(&st->inputs);
	ws_amap_clear(&st->dests);
	st->n_hworms = 0;
	st->pending = 0;
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ws_akey));
}

static int cmp_dest(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct dest_item));
}

/* The batch's (source, destination) pairs, in key order; each one new to
 * the store adds to its source's destinations. Before the hosts: their
 * rows carry the count. */
static int write_dests(struct ws_store *st, struct ws_err *err)
{
	struct ws_amap *m = &st->dests;
	if (m->n > 1)
		qsort(m->items, m->n, m->itemsz, cmp_dest);
	sqlite3_stmt *q = st->q[Q_DEST_ADD];
	for (size_t i = 0; i < m->n; i++) {
		struct dest_item *d = WS_AMAP_AT(m, i);
		uint8_t src[16], dst[16];
		size_t sn = akey_blob(&d->src, src), dn = akey_blob(&d->dst, dst);
		sqlite3_bind_blob(q, 1, src, (int)sn, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, dst, (int)dn, SQLITE_STATIC);
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return ws_store_sqlerr(st, rc, "destinations", err);
		if (sqlite3_changes(st->db) > 0) {
			bool fresh;
			struct ws_pend_host *h = ws_amap_get(&st->hosts, &d->src, &fresh);
			h->dests++;
		}
	}
	ws_amap_clear(m);
	return 0;
}

static int write_batch(struct ws_store *st, struct ws_err *err)
{
	struct tot *t = ws_xcalloc(1, sizeof(*t));
	t->first = INT64_MAX;
	t->last = INT64_MIN;
	for (int w = 0; w < 256; w++) {
		t->w_first[w] = INT64_MAX;
		t->w_last[w] = INT64_MIN;
	}
	/* per-worm requests and compromised answers from the status mix, which
	 * sees every sighting (also those without a source address) */
	for (size_t i = 0; i < st->status.n; i++) {
		struct status_item *s = WS_AMAP_AT(&st->status, i);
		t->w_seen[s->dbw] = true;
		t->w_req[s->dbw] += s->n;
		t->w_comp[s->dbw] += s->compromised;
		t->sightings += s->n;
		t->compromised += s->compromised;
	}
	int rc = ws_store_rows_flush(st, err);
	if (!rc)
		rc = write_dests(st, err);
	/* in address order: the upserts walk the hosts B-tree once, page by
	 * page, instead of jumping (the map is cleared after the batch) */
	if (st->hosts.n > 1)
		qsort(st->hosts.items, st->hosts.n, st->hosts.itemsz, cmp_key);
	for (size_t i = 0; i < st->hosts.n && !rc; i++) {
		struct ws_pend_host *h = WS_AMAP_AT(&st->hosts, i);
		t->simulated |= h->simulated;
		const struct ws_hworm *hw = ws_pend_worms(st, h);
		for (uint8_t k = 0; k < h->nw; k++) {
			tmin(&t->w_first[hw[k].dbw], hw[k].first);
			tmax(&t->w_last[hw[k].dbw], hw[k].last);
		}
		tmin(&t->first, h->first);
		tmax(&t->last, h->last);
		rc = write_host(st, h, t, err);
	}
	if (!rc)
		rc = write_small(st, err);
	if (!rc)
		rc = write_totals(st, t, err);
	free(t);
	return rc;
}

static void rollback(struct ws_store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = false;
	batch_clear(st);
	st->n_rows = 0;
	forget_strings(st); /* their ids may have been rolled back */
}

int ws_store_spill(struct ws_store *st, struct ws_err *err)
{
	if (st->pg)
		return 0; /* PostgreSQL writes the rollups at commit only */
	if (!st->in_tx || (!st->hosts.n && !st->status.n))
		return 0;
	/* every summary write adds deltas, so writing early (uncommitted) and
	 * again later sums to the same rows */
	int rc = write_batch(st, err);
	if (rc) {
		rollback(st);
		return rc;
	}
	batch_clear(st);
	return 0;
}

int ws_store_flush(struct ws_store *st, struct ws_err *err)
{
	if (st->pg) {
		bool kept = false;
		int rc = ws_pg_flush(st, &kept, err);
		if (!rc && !kept)
			batch_clear(st);
		return rc;
	}
	if (!st->in_tx)
		return 0;
	int rc = write_batch(st, err);
	if (!rc)
		rc = ws_store_exec(st, "COMMIT", err);
	if (rc) {
		rollback(st);
		return rc;
	}
	st->in_tx = false;
	batch_clear(st);
	return 0;
}

int ws_store_live_input(struct ws_store *st, const char *kind, const char *name, int64_t *input_id,
			struct ws_err *err)
{
	if (st->pg)
		return ws_pg_live_input(st, kind, name, input_id, err);
	int rc = ws_store_begin(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *q;
	int r = sqlite3_prepare_v2(st->db,
				   "INSERT INTO inputs(kind, name, format, first_scanned, scanned_at,"
				   " sensor) VALUES(?, ?, ?, ?, ?, ?)",
				   -1, &q, NULL);
	if (r != SQLITE_OK)
		return ws_store_sqlerr(st, r, "inputs", err);
	int64_t now = (int64_t)time(NULL);
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	sqlite3_bind_int64(q, 5, now);
	sqlite3_bind_int64(q, 6, st->sensor_id);
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return ws_store_sqlerr(st, r, "inputs", err);
	*input_id = sqlite3_last_insert_rowid(st->db);
	return ws_store_flush(st, err);
}

static int count_of(struct ws_store *st, const char *sql, uint64_t *out, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "counting", err);
	rc = sqlite3_step(q);
	*out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : ws_store_sqlerr(st, rc, "counting", err);
}

int ws_store_counts(struct ws_store *st, struct ws_store_counts *c, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_counts(st, c, err);
	int rc = count_of(st, "SELECT count(*) FROM inputs", &c->inputs, err);
	if (!rc)
		rc = count_of(st, "SELECT count(*) FROM sightings", &c->sightings, err);
	if (!rc)
		rc = count_of(st, "SELECT count(*) FROM hosts", &c->hosts, err);
	if (!rc)
		rc = count_of(st, "SELECT count(*) FROM sightings WHERE simulated",
			      &c->simulated_sightings, err);
	return rc;
}

void ws_store_on_notice(struct ws_store *st, void (*fn)(void *ctx, const char *msg), void *ctx)
{
	st->notice = fn;
	st->notice_ctx = ctx;
}

void ws_store_notice(struct ws_store *st, const char *fmt, ...)
{
	if (!st->notice)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->notice(st->notice_ctx, msg);
}

void ws_store_set_live(struct ws_store *st, bool live)
{
	st->live = live;
}

uint64_t ws_store_batch_hint(const struct ws_store *st)
{
	return st->pg ? 20000 : 0;
}

bool ws_store_is_pg(const struct ws_store *st)
{
	return st->pg != NULL;
}
