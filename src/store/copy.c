/* SPDX-License-Identifier: MIT */
/* `wormscope store copy` (issue 16): a store moved between engines (an
 * SQLite file and a PostgreSQL database, either way). What moves: every
 * input with its sensor, identity and offset (so each sensor's next scan
 * resumes where it stopped), and every sighting, added again through
 * ws_store_add so that the destination rebuilds its own rollups exactly.
 * Telescope views and behavioural alerts stay behind (said in the summary).
 * The destination must be empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/pg.h"
#include "util/mem.h"

/* ---- SQLite side ----------------------------------------------------------- */

static int sq_each_input(struct ws_store *st, int (*fn)(void *, const struct ws_copy_input *),
			 void *ctx, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT i.id, i.kind, i.name, i.format, s.name, i.dev, i.ino, i.size, i.compressed,"
		" i.head_len, i.head_hash, i.tail_len, i.tail_hash, i.offset, i.lines, i.complete,"
		" i.kind_code, i.simulated, i.first_scanned, i.scanned_at"
		" FROM inputs i LEFT JOIN sensors s ON s.id = i.sensor ORDER BY i.id",
		-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "reading inputs", err);
	int stop = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_copy_input in = {0};
		in.id = sqlite3_column_int64(q, 0);
		in.kind = (const char *)sqlite3_column_text(q, 1);
		in.name = (const char *)sqlite3_column_text(q, 2);
		in.format = (const char *)sqlite3_column_text(q, 3);
		in.sensor = (const char *)sqlite3_column_text(q, 4);
		in.has_ino = sqlite3_column_type(q, 6) != SQLITE_NULL;
		int64_t *v[] = {&in.dev, &in.ino, &in.size, NULL, &in.head_len, &in.head_hash,
				&in.tail_len, &in.tail_hash, &in.offset, &in.lines, NULL,
				&in.kind_code, NULL, &in.first_scanned, &in.scanned_at};
		for (int c = 0; c < 15; c++)
			if (v[c])
				*v[c] = sqlite3_column_int64(q, 5 + c);
		in.compressed = sqlite3_column_int(q, 8);
		in.complete = sqlite3_column_int(q, 15);
		in.simulated = sqlite3_column_int(q, 17);
		stop = fn(ctx, &in);
	}
	sqlite3_finalize(q);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "reading inputs", err);
}

static int sq_each_sighting(struct ws_store *st,
			    int (*fn)(void *, const struct ws_copy_sighting *), void *ctx,
			    struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT s.input_id, s.line, s.ts, s.src, s.src_port, s.dst, s.dst_port, s.worm, s.sid,"
		" s.conf, s.status, m.s, t.s, a.s, h.s, s.compromised, s.inside, s.nimda_probe,"
		" s.simulated FROM sightings s LEFT JOIN strings m ON m.id = s.method"
		" LEFT JOIN strings t ON t.id = s.target LEFT JOIN strings a ON a.id = s.agent"
		" LEFT JOIN strings h ON h.id = s.host ORDER BY s.id",
		-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "reading sightings", err);
	int stop = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_copy_sighting c = {0};
		c.input = sqlite3_column_int64(q, 0);
		c.line = (uint64_t)sqlite3_column_int64(q, 1);
		c.ts_known = sqlite3_column_type(q, 2) != SQLITE_NULL;
		c.ts = sqlite3_column_int64(q, 2);
		c.src_n = (size_t)sqlite3_column_bytes(q, 3);
		if (c.src_n <= 16)
			memcpy(c.src, sqlite3_column_blob(q, 3), c.src_n);
		c.src_port = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 4);
		c.dst_n = (size_t)sqlite3_column_bytes(q, 5);
		if (c.dst_n && c.dst_n <= 16)
			memcpy(c.dst, sqlite3_column_blob(q, 5), c.dst_n);
		c.dst_port = sqlite3_column_type(q, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 6);
		c.dbw = sqlite3_column_int(q, 7);
		c.sid = sqlite3_column_int64(q, 8);
		c.conf = sqlite3_column_int(q, 9);
		c.status = sqlite3_column_type(q, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 10);
		for (int k = 0; k < 4; k++) {
			c.str[k] = sqlite3_column_blob(q, 11 + k);
			c.str_n[k] = (size_t)sqlite3_column_bytes(q, 11 + k);
		}
		c.compromised = sqlite3_column_int(q, 15);
		c.inside = sqlite3_column_int(q, 16);
		c.nimda = sqlite3_column_int(q, 17);
		c.simulated = sqlite3_column_int(q, 18);
		stop = fn(ctx, &c);
	}
	sqlite3_finalize(q);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "reading sightings", err);
}

static int sq_sensor(struct ws_store *st, const char *name, struct ws_err *err)
{
	snprintf(st->sensor, sizeof(st->sensor), "%s", name);
	return ws_store_register_sensor(st, err);
}

static int sq_put_input(struct ws_store *st, const struct ws_copy_input *in, int64_t *id,
			struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(
		st->db,
		"INSERT INTO inputs(kind, name, format, sensor, dev, ino, size, compressed, head_len,"
		" head_hash, tail_len, tail_hash, offset, lines, complete, kind_code, simulated,"
		" first_scanned, scanned_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_text(q, 1, in->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, in->format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, st->sensor_id);
	if (in->has_ino) {
		sqlite3_bind_int64(q, 5, in->dev);
		sqlite3_bind_int64(q, 6, in->ino);
	}
	const int64_t v[] = {in->size, in->compressed, in->head_len, in->head_hash, in->tail_len,
			     in->tail_hash, in->offset, in->lines, in->complete, in->kind_code,
			     in->simulated, in->first_scanned, in->scanned_at};
	for (int c = 0; c < 13; c++)
		sqlite3_bind_int64(q, 7 + c, v[c]);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "inputs", err);
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* ---- the copy -------------------------------------------------------------- */

struct idmap {
	int64_t *from, *to;
	char (*sensor)[WS_SENSOR_MAX + 1];
	size_t n, cap;
};

struct copy {
	struct ws_store *from, *to;
	struct idmap m;
	size_t last; /* index of the input being filled */
	uint64_t sightings;
	struct ws_err *err;
};

static int put_input(void *ctx, const struct ws_copy_input *in)
{
	struct copy *c = ctx;
	const char *sensor = in->sensor && *in->sensor ? in->sensor : c->to->sensor;
	int rc = c->to->pg ? ws_pg_sensor(c->to, sensor, c->err) : sq_sensor(c->to, sensor, c->err);
	if (!rc && !c->to->pg)
		rc = ws_store_begin(c->to, c->err);
	int64_t id = 0;
	if (!rc)
		rc = c->to->pg ? ws_pg_put_input(c->to, in, &id, c->err)
			       : sq_put_input(c->to, in, &id, c->err);
	if (rc)
		return rc;
	if (c->m.n == c->m.cap) {
		c->m.cap = c->m.cap ? c->m.cap * 2 : 64;
		c->m.from = ws_xreallocarray(c->m.from, c->m.cap, sizeof(int64_t));
		c->m.to = ws_xreallocarray(c->m.to, c->m.cap, sizeof(int64_t));
		c->m.sensor = ws_xreallocarray(c->m.sensor, c->m.cap, sizeof(*c->m.sensor));
	}
	c->m.from[c->m.n] = in->id;
	c->m.to[c->m.n] = id;
	snprintf(c->m.sensor[c->m.n], sizeof(c->m.sensor[0]), "%s", sensor);
	c->m.n++;
	return ws_store_flush(c->to, c->err);
}

static int put_sighting(void *ctx, const struct ws_copy_sighting *s)
{
	struct copy *c = ctx;
	if (c->last >= c->m.n || c->m.from[c->last] != s->input) {
		size_t k = 0;
		while (k < c->m.n && c->m.from[k] != s->input)
			k++;
		if (k == c->m.n)
			return 0; /* a sighting of no input: left behind */
		if (k != c->last || c->sightings == 0) {
			/* the rollup per sensor goes to the input's own sensor */
			int rc = ws_store_flush(c->to, c->err);
			if (!rc)
				rc = c->to->pg ? ws_pg_sensor(c->to, c->m.sensor[k], c->err)
					       : sq_sensor(c->to, c->m.sensor[k], c->err);
			if (rc)
				return rc;
		}
		c->last = k;
	}
	int w = s->dbw >= 0 && s->dbw < 256 ? c->from->from_db[s->dbw] : -1;
	if (w < 0)
		return 0; /* a worm this build does not know */
	struct ws_request r = {.ts = s->ts, .ts_known = s->ts_known, .src_port = s->src_port,
			       .dst_port = s->dst_port, .status = s->status, .bytes = -1};
	ws_addr_from_blob(s->src, s->src_n, &r.src);
	if (s->dst_n)
		ws_addr_from_blob(s->dst, s->dst_n, &r.dst);
	struct ws_str *f[4] = {&r.method, &r.path, &r.agent, &r.host};
	for (int k = 0; k < 4; k++)
		*f[k] = (struct ws_str){s->str[k], s->str[k] ? s->str_n[k] : 0};
	struct ws_signature sig = {.sid = (uint32_t)s->sid};
	struct ws_verdict v = {.worm = w, .conf = (enum ws_confidence)s->conf, .sig = &sig};
	struct ws_sighting si = {.req = &r, .v = &v, .line = s->line, .compromised = s->compromised,
				 .inside = s->inside, .nimda_probe = s->nimda,
				 .simulated = s->simulated};
	c->sightings++;
	return ws_store_add(c->to, c->m.to[c->last], &si, c->err);
}

int ws_store_copy(struct ws_store *from, struct ws_store *to, uint64_t *inputs,
		  uint64_t *sightings, struct ws_err *err)
{
	struct ws_store_counts n;
	int rc = ws_store_counts(to, &n, err);
	if (rc)
		return rc;
	if (n.inputs || n.sightings)
		return ws_err_set(err, WS_EUSAGE, "%s: not empty (%llu inputs); copy into a new store",
				  to->path, (unsigned long long)n.inputs);
	struct copy c = {.from = from, .to = to, .err = err, .last = (size_t)-1};
	rc = from->pg ? ws_pg_each_input(from, put_input, &c, err)
		      : sq_each_input(from, put_input, &c, err);
	if (!rc)
		rc = from->pg ? ws_pg_each_sighting(from, put_sighting, &c, err)
			      : sq_each_sighting(from, put_sighting, &c, err);
	if (!rc)
		rc = ws_store_flush(to, err);
	*inputs = c.m.n;
	*sightings = c.sightings;
	free(c.m.from);
	free(c.m.to);
	free(c.m.sensor);
	return rc;
}
