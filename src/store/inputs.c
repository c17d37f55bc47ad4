/* SPDX-License-Identifier: MIT */
/* File inputs: which file is this, and where did we stop? A file is known by
 * device and inode, its size, a hash of its first WS_HEAD_BYTES decompressed
 * bytes (head) and a hash of the WS_HEAD_BYTES just before the offset reached
 * (tail). The rules (docs/store.md):
 *  - same inode, same head, tail still there: the same file, maybe grown
 *    (renamed or not): resume at the offset;
 *  - same inode but shorter than the offset, or the head or tail changed:
 *    copytruncate or a reused inode: the row is retired and the content read
 *    as new from byte 0;
 *  - another inode whose head and tail match a row whose own file is gone
 *    from its path (or was truncated): the same log rotated, maybe
 *    compressed, or the copy copytruncate made: resume there;
 *  - anything else is new. Two live logs that begin alike never match, since
 *    each row's own file still exists under its name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/internal.h"
#include "store/pg.h"

static int64_t hash64(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return (int64_t)(h ^ (h >> 31));
}

#define ROW_COLS "id, name, dev, ino, size, compressed, complete, simulated, head_len," \
		 " head_hash, tail_len, tail_hash, offset, lines, kind_code"

static void read_row(sqlite3_stmt *q, struct ws_input_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(q, 0);
	const char *n = (const char *)sqlite3_column_text(q, 1);
	snprintf(r->name, sizeof(r->name), "%s", n ? n : "");
	r->has_ino = sqlite3_column_type(q, 3) != SQLITE_NULL;
	r->dev = (uint64_t)sqlite3_column_int64(q, 2);
	r->ino = (uint64_t)sqlite3_column_int64(q, 3);
	r->size = (uint64_t)sqlite3_column_int64(q, 4);
	r->compressed = sqlite3_column_int(q, 5);
	r->complete = sqlite3_column_int(q, 6);
	r->simulated = sqlite3_column_int(q, 7);
	r->head_len = (size_t)sqlite3_column_int64(q, 8);
	r->head_hash = sqlite3_column_int64(q, 9);
	r->tail_len = (size_t)sqlite3_column_int64(q, 10);
	r->tail_hash = sqlite3_column_int64(q, 11);
	r->offset = (uint64_t)sqlite3_column_int64(q, 12);
	r->lines = (uint64_t)sqlite3_column_int64(q, 13);
	r->kind = sqlite3_column_int(q, 14);
}

static bool head_matches(const struct ws_input_row *r, const struct ws_file_id *id)
{
	return r->head_len <= id->head_len && hash64(id->head, r->head_len) == r->head_hash;
}

/* The bytes before the row's offset are the ones it read. */
static bool tail_matches(const struct ws_input_row *r, ws_store_pread rd, void *ctx)
{
	if (r->tail_len == 0)
		return true;
	char buf[WS_HEAD_BYTES];
	size_t got = rd(ctx, r->offset - r->tail_len, buf, r->tail_len);
	return got == r->tail_len && hash64(buf, got) == r->tail_hash;
}

static int find_by_inode(struct ws_store *st, const struct ws_file_id *id, struct ws_input_row *r,
			 bool *found, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_find_inode(st, id->dev, id->ino, r, found, err);
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT " ROW_COLS " FROM inputs WHERE dev = ? AND ino = ?"
				    " AND kind = 'file' AND sensor = ? ORDER BY id DESC LIMIT 1",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_int64(q, 1, (int64_t)id->dev);
	sqlite3_bind_int64(q, 2, (int64_t)id->ino);
	sqlite3_bind_int64(q, 3, st->sensor_id);
	rc = sqlite3_step(q);
	*found = rc == SQLITE_ROW;
	if (*found)
		read_row(q, r);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "inputs", err);
}

/* The row's own file is gone from where it was last seen (rotated away), or
 * its inode was given other content (the copy copytruncate left is then the
 * old content). */
static bool row_file_gone(const struct ws_input_row *r)
{
	struct stat sb;
	if (!r->has_ino || stat(r->name, &sb) != 0 || (uint64_t)sb.st_dev != r->dev ||
	    (uint64_t)sb.st_ino != r->ino)
		return true;
	if (r->compressed)
		return false;
	/* Same inode under its name, but truncated in place (copytruncate)
	 * and maybe written again: its content is no longer what the row
	 * read, even though its own rescan has not yet retired the row. */
	if ((uint64_t)sb.st_size < r->offset)
		return true;
	char buf[WS_HEAD_BYTES];
	size_t n = r->head_len < sizeof(buf) ? r->head_len : sizeof(buf);
	FILE *fp = fopen(r->name, "rb");
	if (!fp)
		return false;
	size_t got = fread(buf, 1, n, fp);
	fclose(fp);
	return got != n || hash64(buf, got) != r->head_hash;
}

struct rot_ctx {
	const struct ws_file_id *id;
	ws_store_pread rd;
	void *ctx;
};

static bool rotated_ok(void *c, const struct ws_input_row *r)
{
	struct rot_ctx *x = c;
	return hash64(x->id->head, r->head_len) == r->head_hash && row_file_gone(r) &&
	       tail_matches(r, x->rd, x->ctx);
}

/* A live row (file gone) whose head and tail this file carries. */
static int find_rotated(struct ws_store *st, const struct ws_file_id *id, ws_store_pread rd,
			void *ctx, struct ws_input_row *r, bool *found, struct ws_err *err)
{
	*found = false;
	if (st->pg) {
		struct rot_ctx x = {id, rd, ctx};
		return ws_pg_find_rotated(st, id->head_len, rotated_ok, &x, r, found, err);
	}
	sqlite3_stmt *lens, *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT DISTINCT head_len FROM inputs WHERE kind = 'file' AND"
				    " head_len <= ? AND head_len > 0 AND sensor = ?",
				    -1, &lens, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	rc = sqlite3_prepare_v2(st->db,
				"SELECT " ROW_COLS " FROM inputs WHERE head_hash = ? AND head_len = ?"
				" AND kind = 'file' AND sensor = ? ORDER BY id DESC",
				-1, &q, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(lens);
		return ws_store_sqlerr(st, rc, "inputs", err);
	}
	sqlite3_bind_int64(lens, 1, (int64_t)id->head_len);
	sqlite3_bind_int64(lens, 2, st->sensor_id);
	sqlite3_bind_int64(q, 3, st->sensor_id);
	while (!*found && (rc = sqlite3_step(lens)) == SQLITE_ROW) {
		size_t hl = (size_t)sqlite3_column_int64(lens, 0);
		sqlite3_bind_int64(q, 1, hash64(id->head, hl));
		sqlite3_bind_int64(q, 2, (int64_t)hl);
		while (!*found && sqlite3_step(q) == SQLITE_ROW) {
			read_row(q, r);
			*found = row_file_gone(r) && tail_matches(r, rd, ctx);
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_finalize(lens);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "inputs", err);
}

/* Binds path, dev, ino, size, compressed, head length and head hash to the
 * columns from `col` on. */
static void bind_identity(sqlite3_stmt *q, int col, const char *path, const struct ws_file_id *id)
{
	sqlite3_bind_text(q, col, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, col + 1, (int64_t)id->dev);
	sqlite3_bind_int64(q, col + 2, (int64_t)id->ino);
	sqlite3_bind_int64(q, col + 3, (int64_t)id->size);
	sqlite3_bind_int(q, col + 4, id->compressed);
	sqlite3_bind_int64(q, col + 5, (int64_t)id->head_len);
	sqlite3_bind_int64(q, col + 6, hash64(id->head, id->head_len));
}

static int new_row(struct ws_store *st, const char *path, const struct ws_file_id *id,
		   const char *format, int kind, bool simulated, int64_t *out, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_new_row(st, path, id, hash64(id->head, id->head_len), format, kind,
				     simulated, out, err);
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "INSERT INTO inputs(kind, name, dev, ino, size, compressed,"
				    " head_len, head_hash, format, kind_code, simulated,"
				    " first_scanned, scanned_at, sensor)"
				    " VALUES('file', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	int64_t now = (int64_t)time(NULL);
	bind_identity(q, 1, path, id);
	sqlite3_bind_text(q, 8, format, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 9, kind);
	sqlite3_bind_int(q, 10, simulated);
	sqlite3_bind_int64(q, 11, now);
	sqlite3_bind_int64(q, 12, now);
	sqlite3_bind_int64(q, 13, st->sensor_id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "inputs", err);
	*out = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int run_sql(struct ws_store *st, const char *sql, int64_t a, int64_t b,
		   struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_int64(q, 1, a);
	sqlite3_bind_int64(q, 2, b);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "inputs", err);
}

/* The row now names this file: its current path, inode, size and (longer)
 * head. */
static int adopt_row(struct ws_store *st, const struct ws_input_row *r, const char *path,
		     const struct ws_file_id *id, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_adopt_row(st, r->id, path, id, hash64(id->head, id->head_len), err);
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "UPDATE inputs SET name = ?2, dev = ?3, ino = ?4, size = ?5,"
				    " compressed = ?6, head_len = ?7, head_hash = ?8, scanned_at = ?9"
				    " WHERE id = ?1",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_int64(q, 1, r->id);
	bind_identity(q, 2, path, id);
	sqlite3_bind_int64(q, 9, (int64_t)time(NULL));
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "inputs", err);
}

static void resume_from(struct ws_store_file *f, const struct ws_input_row *r, const struct ws_file_id *id,
			const char *why)
{
	f->id = r->id;
	f->offset = r->offset;
	f->lines = r->lines;
	f->kind = r->kind;
	f->simulated = r->simulated;
	f->why = why;
	/* A plain file is done when nothing lies past the offset; a compressed
	 * one when it was read to its end and has not changed since. */
	f->done = id->compressed ? r->complete && r->size == id->size : r->offset >= id->size;
}

/* Decides with the inode's own row: resume, unchanged, or replaced. */
static const char *same_inode(const struct ws_input_row *r, const struct ws_file_id *id, ws_store_pread rd,
			      void *ctx)
{
	if (!head_matches(r, id) || r->compressed != id->compressed)
		return !id->compressed && id->size < r->offset ? "truncated" : "replaced";
	if (!id->compressed && id->size < r->offset)
		return "truncated";
	if (id->compressed && r->complete && r->size == id->size)
		return "unchanged";
	if (!tail_matches(r, rd, ctx))
		return "replaced";
	return r->offset >= id->size && !id->compressed ? "unchanged" : "resumed";
}

static int decide(struct ws_store *st, const char *path, const struct ws_file_id *id,
		  ws_store_pread rd, void *ctx, const char *format, int kind, bool simulated,
		  struct ws_store_file *f, struct ws_err *err)
{
	struct ws_input_row r;
	bool found = false;
	int rc = find_by_inode(st, id, &r, &found, err);
	if (rc)
		return rc;
	/* The inode of a rotated-away log, reused for its compressed copy: the
	 * content decides, below, as for any other inode. */
	if (found && r.compressed != id->compressed && head_matches(&r, id))
		found = false;
	if (found) {
		const char *why = same_inode(&r, id, rd, ctx);
		if (strcmp(why, "truncated") != 0 && strcmp(why, "replaced") != 0) {
			resume_from(f, &r, id, why);
			return adopt_row(st, &r, path, id, err);
		}
		int64_t nid;
		rc = new_row(st, path, id, format, kind, simulated, &nid, err);
		if (!rc && st->pg)
			rc = ws_pg_retire_row(st, r.id, nid, err);
		else if (!rc)
			rc = run_sql(st,
				     "UPDATE inputs SET dev = NULL, ino = NULL, replaced_by = ?2"
				     " WHERE id = ?1",
				     r.id, nid, err);
		*f = (struct ws_store_file){.id = nid, .kind = kind, .simulated = simulated,
					    .why = why};
		return rc;
	}
	rc = find_rotated(st, id, rd, ctx, &r, &found, err);
	if (rc)
		return rc;
	if (found) {
		resume_from(f, &r, id, "rotated");
		/* A compressed copy may hold more than was read, never less. */
		return adopt_row(st, &r, path, id, err);
	}
	*f = (struct ws_store_file){.kind = kind, .simulated = simulated, .why = "new"};
	return new_row(st, path, id, format, kind, simulated, &f->id, err);
}

int ws_store_file_begin(struct ws_store *st, const char *path, const struct ws_file_id *id,
			ws_store_pread rd, void *rd_ctx, const char *format, int kind,
			bool simulated, struct ws_store_file *f, struct ws_err *err)
{
	int rc = ws_store_flush(st, err);
	if (!rc && !st->pg)
		rc = ws_store_begin(st, err);
	if (!rc)
		rc = decide(st, path, id, rd, rd_ctx, format, kind, simulated, f, err);
	if (!rc)
		return ws_store_flush(st, err);
	return rc;
}

int ws_store_file_progress(struct ws_store *st, int64_t input_id, uint64_t offset, uint64_t lines,
			   const char *tail, size_t tail_len, bool complete, struct ws_err *err)
{
	if (st->pg) {
		ws_pg_progress(st, input_id, offset, lines, tail_len, hash64(tail, tail_len),
			       complete);
		return ws_store_flush(st, err);
	}
	int rc = ws_store_begin(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *q;
	rc = sqlite3_prepare_v2(st->db,
				"UPDATE inputs SET offset = ?2, lines = ?3, tail_len = ?4,"
				" tail_hash = ?5, complete = ?6, scanned_at = ?7 WHERE id = ?1",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_int64(q, 1, input_id);
	sqlite3_bind_int64(q, 2, (int64_t)offset);
	sqlite3_bind_int64(q, 3, (int64_t)lines);
	sqlite3_bind_int64(q, 4, (int64_t)tail_len);
	sqlite3_bind_int64(q, 5, hash64(tail, tail_len));
	sqlite3_bind_int(q, 6, complete);
	sqlite3_bind_int64(q, 7, (int64_t)time(NULL));
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ws_store_sqlerr(st, rc, "inputs", err);
	return ws_store_flush(st, err);
}

int ws_store_file_named(struct ws_store *st, const char *path, uint64_t *dev, uint64_t *ino,
			bool *found, struct ws_err *err)
{
	if (st->pg)
		return ws_pg_file_named(st, path, dev, ino, found, err);
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT dev, ino FROM inputs WHERE name = ? AND kind = 'file'"
				    " AND ino IS NOT NULL AND sensor = ? ORDER BY id DESC LIMIT 1",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "inputs", err);
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, st->sensor_id);
	rc = sqlite3_step(q);
	*found = rc == SQLITE_ROW;
	if (*found) {
		*dev = (uint64_t)sqlite3_column_int64(q, 0);
		*ino = (uint64_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "inputs", err);
}
