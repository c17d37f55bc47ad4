/* SPDX-License-Identifier: MIT */
/* The format writer sink (output/sink.h). Records gather in a buffer and go
 * out in large writes: a scan writes millions of short lines. */
#include "output/sink.h"

#include "output/alert.h"

#define OUT_FLUSH (256u << 10) /* bytes buffered before a write */

void ws_out_writer_flush(struct ws_out_writer *w, bool force)
{
	if (w->b.n && w->out && (force || w->b.n >= OUT_FLUSH)) {
		fwrite(w->b.p, 1, w->b.n, w->out);
		w->b.n = 0;
	}
}

static int put_sighting(void *ctx, const struct ws_sighting *s, struct ws_err *err)
{
	(void)err;
	struct ws_out_writer *w = ctx;
	ws_out_sighting(w->f, &w->b, s);
	ws_out_writer_flush(w, false);
	return 0;
}

static int put_alert(void *ctx, const struct ws_alert *a, const char *file, bool simulated,
		     struct ws_err *err)
{
	(void)err;
	struct ws_out_writer *w = ctx;
	ws_out_alert(w->f, &w->b, a, file, simulated);
	ws_out_writer_flush(w, false);
	return 0;
}

struct ws_sink ws_out_writer_sink(struct ws_out_writer *w)
{
	return (struct ws_sink){.ctx = w, .sighting = put_sighting, .alert = put_alert};
}

void ws_out_writer_free(struct ws_out_writer *w)
{
	ws_out_writer_flush(w, true);
	ws_buf_free(&w->b);
}
