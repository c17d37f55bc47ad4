/* SPDX-License-Identifier: MIT */
/* Where a scan's findings go. The pipeline (src/scan) hands every sighting
 * and behavioural alert to one or more sinks and never knows what is behind
 * them: a format writer (below: JSON Lines, CSV or EVE to a FILE) or the
 * store (store/writer.h, ws_writer_sink). A sink returns non-zero, with err
 * filled, to stop the job. */
#ifndef WS_OUTPUT_SINK_H
#define WS_OUTPUT_SINK_H

#include <stdbool.h>
#include <stdio.h>

#include "behav/behav.h"
#include "output/output.h"
#include "util/mem.h"
#include "wormscope/err.h"

struct ws_sink {
	void *ctx;
	int (*sighting)(void *ctx, const struct ws_sighting *s, struct ws_err *err);
	/* An alert raised while reading `file` (may be NULL: alerts are dropped). */
	int (*alert)(void *ctx, const struct ws_alert *a, const char *file, bool simulated,
		     struct ws_err *err);
};

/* The format writer: records in format f, buffered, written to out (which
 * may be NULL: the bytes stay in b for the caller). */
struct ws_out_writer {
	enum ws_out_format f;
	FILE *out;
	struct ws_buf b;
};

/* A sink writing into w (f != WS_OUT_NONE). */
struct ws_sink ws_out_writer_sink(struct ws_out_writer *w);
/* Writes what is buffered to w->out; with `force` false only once enough
 * has gathered to be worth a write. */
void ws_out_writer_flush(struct ws_out_writer *w, bool force);
/* Flushes and frees the buffer (w->out stays open). */
void ws_out_writer_free(struct ws_out_writer *w);

#endif
