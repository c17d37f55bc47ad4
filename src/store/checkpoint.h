/* SPDX-License-Identifier: MIT */
/* The store's answers to the scan pipeline's checkpoint questions: register
 * an input (a file, standard input, a live source), say where a file
 * stopped last time, and commit what was read up to an offset together with
 * its sightings. The pipeline (src/scan/ingest.c) asks only these; the
 * sightings themselves reach the store through its sink (store/writer.h).
 * Owner: the store (issues 3, 13). */
#ifndef WS_STORE_CHECKPOINT_H
#define WS_STORE_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/err.h"

struct ws_store;

/* A source of sightings that is not a file (the guard's listener, a live
 * capture): registered once per run under a stable name such as
 * "guard 127.0.0.1:8080". Sightings added with this id carry `simulated` as
 * given in each ws_sighting. */
int ws_store_live_input(struct ws_store *st, const char *kind, const char *name, int64_t *input_id,
			struct ws_err *err);
/* Sightings per commit this backend wants from a file's reader (0: the
 * reader's own default). */
uint64_t ws_store_batch_hint(const struct ws_store *st);
/* What the store knows about a file input, and where to go on reading it. */
struct ws_store_file {
	int64_t id;          /* inputs.id */
	uint64_t offset;     /* decompressed bytes already ingested */
	uint64_t lines;      /* lines already ingested (the next one is lines + 1) */
	int kind;            /* enum ws_fmt_kind detected at the file's start, 0 = auto */
	bool simulated;      /* the file starts with WS_SIMULATED_MARK */
	bool done;           /* nothing new to read (same compressed file, or no growth) */
	const char *why;     /* static: "new", "resumed", "unchanged", "rotated",
				"truncated", "replaced" */
};

/* The identity of a file as scan sees it before reading. */
struct ws_file_id {
	uint64_t dev, ino, size; /* size: bytes on disk */
	bool compressed;
	const char *head; size_t head_len; /* first decompressed bytes (up to WS_HEAD_BYTES) */
};
#define WS_HEAD_BYTES 4096

/* Callback reading decompressed bytes [off, off+n) of the file being
 * identified; returns the bytes read (fewer at its end). */
typedef size_t (*ws_store_pread)(void *ctx, uint64_t off, char *buf, size_t n);

/* Finds (or creates) the input row for the file at path, deciding whether it
 * is new, grown, rotated (renamed, maybe compressed later) or truncated
 * (copytruncate); fills f with where to start. rd reads its content for the
 * checks. Opens a transaction that ws_store_file_progress' commit closes. */
int ws_store_file_begin(struct ws_store *st, const char *path, const struct ws_file_id *id,
			ws_store_pread rd, void *rd_ctx, const char *format, int kind,
			bool simulated, struct ws_store_file *f, struct ws_err *err);
/* Records that everything before decompressed offset `offset` (line
 * `lines`) has been read, with `tail` the up-to-WS_HEAD_BYTES bytes just
 * before it, then commits the pending sightings and the offset together. */
int ws_store_file_progress(struct ws_store *st, int64_t input_id, uint64_t offset, uint64_t lines,
			   const char *tail, size_t tail_len, bool complete, struct ws_err *err);

/* The device and inode of the file last read under this path, if any. */
int ws_store_file_named(struct ws_store *st, const char *path, uint64_t *dev, uint64_t *ino,
			bool *found, struct ws_err *err);

/* Commits the current batch (the checkpoint of an input without offsets). */
int ws_store_flush(struct ws_store *st, struct ws_err *err);

#endif
