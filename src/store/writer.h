/* SPDX-License-Identifier: MIT */
/* The store's writer thread for `scan --db` (src/store/writer.c): the
 * reading thread queues sightings and commit points, this thread writes
 * them in order. Between files, ws_writer_sync() returns the store to the
 * caller. It is the store's sink (output/sink.h) and the pipeline's commit
 * point (ws_writer_progress). Owner: the store (issue 3). */
#ifndef WS_STORE_WRITER_H
#define WS_STORE_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "output/sink.h"
#include "store/store.h"

struct ws_writer;

/* Called on the writer's thread after each commit of an input's progress,
 * with the commits this process made so far; NULL (the default): nothing.
 * For the crash tests' kill points, which the caller owns (cli/hooks.c);
 * set it before any writer starts. */
typedef void (*ws_writer_commit_hook)(long commits);
void ws_writer_set_commit_hook(ws_writer_commit_hook fn);

struct ws_writer *ws_writer_start(struct ws_store *st);
/* Sightings and commits that follow go to this input (call when synced). */
void ws_writer_input(struct ws_writer *w, int64_t input_id);
/* Queue a copy of s; returns a store error the thread met, if any. */
int ws_writer_sighting(struct ws_writer *w, const struct ws_sighting *s, struct ws_err *err);
/* Queue ws_store_file_progress for the current input. */
int ws_writer_progress(struct ws_writer *w, uint64_t offset, uint64_t lines, const char *tail,
		       size_t tail_len, bool complete, struct ws_err *err);
/* Queue ws_store_flush. */
int ws_writer_flush(struct ws_writer *w, struct ws_err *err);
/* Waits until everything queued is written; returns the first error. */
int ws_writer_sync(struct ws_writer *w, struct ws_err *err);
/* The store as a sink (output/sink.h) for the current input: sightings are
 * queued to the thread; an alert is written into the open transaction. */
struct ws_sink ws_writer_sink(struct ws_writer *w);
/* Syncs, ends the thread, frees w. */
int ws_writer_stop(struct ws_writer *w, struct ws_err *err);

#endif
