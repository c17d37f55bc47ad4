/* SPDX-License-Identifier: MIT */
/* Sightings on their way into the SQLite store: ws_store_add() stages each
 * one as a row here, and ws_store_rows_flush() inserts the staged rows with
 * one INSERT ... SELECT from a virtual table over them. One statement per
 * row (19 binds, a step, a reset and the statement's end each time) cost
 * 2.2 us a sighting against 1.2 us for the insert itself; the writer thread
 * is the whole of `scan --db` on a worm-heavy log, so that is its speed.
 * Staged rows are flushed before every write of the rollups, so before
 * every commit, and dropped with a rollback. */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/mem.h"

/* The virtual table: its columns are the sightings table's, in order. */
static const char rows_schema[] =
	"CREATE TABLE x(input_id, line, ts, src, src_port, dst, dst_port, worm, sid, conf, status,"
	" method, target, agent, host, compromised, inside, nimda_probe, simulated)";

struct rows_vtab {
	sqlite3_vtab base;
	struct ws_store *st;
};

struct rows_cursor {
	sqlite3_vtab_cursor base;
	size_t i;
};

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **errmsg)
{
	(void)argc, (void)argv, (void)errmsg;
	int rc = sqlite3_declare_vtab(db, rows_schema);
	if (rc != SQLITE_OK)
		return rc;
	struct rows_vtab *v = sqlite3_malloc(sizeof(*v));
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->st = aux;
	*out = &v->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = WS_ROWS_CAP;
	info->estimatedRows = WS_ROWS_CAP;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	(void)vt;
	struct rows_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
		       sqlite3_value **argv)
{
	(void)idx, (void)idx_str, (void)argc, (void)argv;
	((struct rows_cursor *)cur)->i = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	((struct rows_cursor *)cur)->i++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	const struct rows_vtab *v = (const struct rows_vtab *)cur->pVtab;
	return ((struct rows_cursor *)cur)->i >= v->st->n_rows;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct rows_vtab *v = (const struct rows_vtab *)cur->pVtab;
	const struct ws_srow *r = &v->st->rows[((struct rows_cursor *)cur)->i];
	if (r->null & (1u << col))
		sqlite3_result_null(ctx);
	else if (col == WS_SROW_SRC)
		sqlite3_result_blob(ctx, r->src, r->src_len, SQLITE_TRANSIENT);
	else if (col == WS_SROW_DST)
		sqlite3_result_blob(ctx, r->dst, r->dst_len, SQLITE_TRANSIENT);
	else
		sqlite3_result_int64(ctx, r->v[col]);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *out)
{
	*out = (sqlite_int64)((struct rows_cursor *)cur)->i;
	return SQLITE_OK;
}

/* Eponymous-only (no xCreate): it exists on the connection, never in the
 * file's schema. */
static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int ws_store_rows_register(struct ws_store *st)
{
	return sqlite3_create_module(st->db, "ws_staged_sightings", &rows_module, st);
}

int ws_store_row_next(struct ws_store *st, struct ws_srow **out, struct ws_err *err)
{
	if (!st->rows)
		st->rows = ws_xcalloc(WS_ROWS_CAP, sizeof(*st->rows));
	int rc = st->n_rows == WS_ROWS_CAP ? ws_store_rows_flush(st, err) : 0;
	if (rc)
		return rc;
	*out = &st->rows[st->n_rows++];
	(*out)->null = 0;
	return 0;
}

int ws_store_rows_flush(struct ws_store *st, struct ws_err *err)
{
	if (!st->n_rows)
		return 0;
	sqlite3_stmt *q = st->q[Q_INS_ROWS];
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	st->n_rows = 0;
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "adding sightings", err);
}
