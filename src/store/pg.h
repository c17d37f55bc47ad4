/* SPDX-License-Identifier: MIT */
/* The store's PostgreSQL backend (issue 16): what store.c, inputs.c and
 * report.c hand to it when the store was opened on a postgresql:// URI.
 * The in-memory batch (hosts, hours, status, nets, inputs in struct
 * ws_store) is the same as SQLite's; the backend owns the connection, the
 * sightings, strings and destinations staged for the next COPY, and the
 * commit with its retries. Only src/store/ sees this. Owner: the store. */
#ifndef WS_STORE_PG_H
#define WS_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/internal.h"

/* Sightings a live writer (guard) keeps while the server is away; beyond
 * this, new ones are counted as dropped (ws_store_dropped). */
#define WS_PG_LIVE_MAX 200000
/* Bytes of staged COPY data that force a commit (a file's batch is smaller:
 * ws_store_batch_hint). */
#define WS_PG_STAGE_MAX (48u << 20)

/* True for a postgresql:// or postgres:// URI (libpq connection URI). */
bool ws_pg_is_uri(const char *path);

int ws_pg_open(struct ws_store *st, struct ws_err *err);
void ws_pg_free(struct ws_store *st);

/* The row part of one sighting (staged for COPY); *full: commit now. */
int ws_pg_add(struct ws_store *st, int64_t input_id, const struct ws_sighting *s, int dbw,
	      bool *full, struct ws_err *err);
/* Writes the batch, the pending offsets and the rollups in one transaction,
 * retrying (reconnect with back-off) when the server goes away. *kept: a
 * live writer could not reach the server; the batch stays for the next try. */
int ws_pg_flush(struct ws_store *st, bool *kept, struct ws_err *err);
int ws_pg_live_input(struct ws_store *st, const char *kind, const char *name, int64_t *id,
		     struct ws_err *err);

/* File identity (store/inputs.c decides; these read and write rows). */
int ws_pg_find_inode(struct ws_store *st, uint64_t dev, uint64_t ino, struct ws_input_row *r,
		     bool *found, struct ws_err *err);
int ws_pg_find_rotated(struct ws_store *st, size_t head_len,
		       bool (*ok)(void *ctx, const struct ws_input_row *r), void *ctx,
		       struct ws_input_row *r, bool *found, struct ws_err *err);
int ws_pg_new_row(struct ws_store *st, const char *path, const struct ws_file_id *id,
		  int64_t head_hash, const char *format, int kind, bool simulated, int64_t *out,
		  struct ws_err *err);
int ws_pg_adopt_row(struct ws_store *st, int64_t row, const char *path,
		    const struct ws_file_id *id, int64_t head_hash, struct ws_err *err);
int ws_pg_retire_row(struct ws_store *st, int64_t row, int64_t by, struct ws_err *err);
/* Stages the offset update; the next flush commits it with the batch. */
void ws_pg_progress(struct ws_store *st, int64_t input_id, uint64_t offset, uint64_t lines,
		    size_t tail_len, int64_t tail_hash, bool complete);
int ws_pg_file_named(struct ws_store *st, const char *path, uint64_t *dev, uint64_t *ino,
		     bool *found, struct ws_err *err);

/* Readers. */
int ws_pg_hosts_by(struct ws_store *st, const char *sensor,
		   int (*fn)(void *ctx, const struct ws_store_host *h), void *ctx,
		   struct ws_err *err);
int ws_pg_sensors(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_sensor *s),
		  void *ctx, struct ws_err *err);
int ws_pg_report_data(struct ws_store *st, size_t top_n, struct ws_report_data *d,
		      struct ws_err *err);
int ws_pg_counts(struct ws_store *st, struct ws_store_counts *c, struct ws_err *err);

/* store copy (store/copy.c). */
int ws_pg_sensor(struct ws_store *st, const char *name, struct ws_err *err);
int ws_pg_put_input(struct ws_store *st, const struct ws_copy_input *in, int64_t *id,
		    struct ws_err *err);
int ws_pg_each_input(struct ws_store *st, int (*fn)(void *, const struct ws_copy_input *),
		     void *ctx, struct ws_err *err);
int ws_pg_each_sighting(struct ws_store *st, int (*fn)(void *, const struct ws_copy_sighting *),
			void *ctx, struct ws_err *err);

#endif
