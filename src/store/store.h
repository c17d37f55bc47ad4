/* The sightings store: SQLite (WAL, batched transactions, versioned schema).
 * It owns the database handle and every statement; callers see only this
 * API. Writers: `scan --db` (file inputs, resumable), `guard --db` (live
 * inputs). Readers: `hosts`, `report` (through ws_store_report_data). */
#ifndef WS_STORE_H
#define WS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "output/output.h"
#include "wormscope/err.h"

struct ws_store;

enum ws_store_mode {
	WS_STORE_RO, /* hosts, report: never writes, never migrates */
	WS_STORE_RW, /* creates the file, runs migrations */
};

/* Opens (and for RW creates/migrates) the store at path. A store written by a
 * newer wormscope, a locked, read-only, full or corrupt file: returns a WS_E*
 * code with a one-line message naming path in err. */
int ws_store_open(const char *path, enum ws_store_mode mode, struct ws_store **out,
		  struct ws_err *err);
/* Commits what is pending and closes. Returns 0 or a WS_E* code. */
int ws_store_close(struct ws_store *st, struct ws_err *err);

/* A source of sightings that is not a file (the guard's listener, a live
 * capture): registered once per run under a stable name such as
 * "guard 127.0.0.1:8080". Sightings added with this id carry `simulated` as
 * given in each ws_sighting. */
int ws_store_live_input(struct ws_store *st, const char *kind, const char *name, int64_t *input_id,
			struct ws_err *err);
/* Adds one sighting (and updates the rollups and summaries in the same
 * transaction). Batched: durable after ws_store_flush or close. */
int ws_store_add(struct ws_store *st, int64_t input_id, const struct ws_sighting *s,
		 struct ws_err *err);
/* Commits the current batch. */
int ws_store_flush(struct ws_store *st, struct ws_err *err);

#endif
