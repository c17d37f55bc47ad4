/* SPDX-License-Identifier: MIT */
/* The store's writer thread: `scan --db` parses in the calling thread and
 * writes the store in this one, so that storing costs no wall time while
 * parsing is the slower half (a 1 %-worm log) and parsing costs none while
 * storing is (an all-worm log). Sightings and commit points travel in order
 * through two swapping batches (copies: a sighting's strings point into the
 * reader's chunk); only this thread touches the store while a file is read,
 * and ws_writer_sync() hands the store back between files. */
#include "store/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/alert.h"
#include "util/mem.h"

#define BATCH_RECS 2048 /* records handed over at once */
/* The reader waits for the thread once its batch holds this many: two
 * batches of ~0.4 KiB records bound the queue's memory (~7 MiB). */
#define WAIT_RECS (2 * BATCH_RECS)
#define HAND_MS 20      /* or when the first of them waited this long */

enum { R_SIGHTING, R_PROGRESS, R_FLUSH };

/* Field i of a sighting's strings: method, path, query, proto, agent, host. */
#define NSTR 6

struct rec {
	int type;
	/* sighting */
	struct ws_request req;
	struct ws_verdict v;
	uint64_t line;
	bool compromised, inside, simulated;
	int nimda_probe;
	size_t off[NSTR], len[NSTR];
	/* progress */
	uint64_t offset, lines;
	size_t tail_off, tail_len;
	bool complete;
};

struct batch {
	struct rec *v;
	size_t n, cap;
	struct ws_buf arena;
};

struct ws_writer {
	struct ws_store *st;
	int64_t input_id;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch a, b;
	struct batch *fill, *full; /* full: handed over, not yet written */
	bool busy, quit;
	_Atomic int failed;
	struct ws_err err;
	int64_t fill_ms; /* when the batch being filled was last handed on */
};

static _Atomic long commits; /* in this process, for the commit hook */
static ws_writer_commit_hook commit_hook;

void ws_writer_set_commit_hook(ws_writer_commit_hook fn)
{
	commit_hook = fn;
}

static size_t keep(struct batch *b, const char *p, size_t n)
{
	size_t off = b->arena.n;
	if (n)
		ws_buf_add(&b->arena, p, n);
	return off;
}

static struct rec *next_rec(struct batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : BATCH_RECS;
		b->v = ws_xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	struct rec *r = &b->v[b->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int write_rec(struct ws_writer *w, struct batch *b, struct rec *r, struct ws_err *err)
{
	if (r->type == R_FLUSH)
		return ws_store_flush(w->st, err);
	if (r->type == R_PROGRESS) {
		int rc = ws_store_file_progress(w->st, w->input_id, r->offset, r->lines,
						b->arena.p + r->tail_off, r->tail_len, r->complete,
						err);
		if (rc == 0 && commit_hook)
			commit_hook(++commits);
		return rc;
	}
	struct ws_str *f[NSTR] = {&r->req.method, &r->req.path, &r->req.query, &r->req.proto,
				  &r->req.agent, &r->req.host};
	for (int i = 0; i < NSTR; i++)
		*f[i] = (struct ws_str){r->len[i] ? b->arena.p + r->off[i] : NULL, r->len[i]};
	struct ws_sighting s = {.req = &r->req, .v = &r->v, .line = r->line,
				.compromised = r->compromised, .inside = r->inside,
				.nimda_probe = r->nimda_probe, .simulated = r->simulated};
	return ws_store_add(w->st, w->input_id, &s, err);
}

static void *run(void *arg)
{
	struct ws_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->full && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->full)
			break;
		struct batch *b = w->full;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);
		struct ws_err err;
		for (size_t i = 0; i < b->n && !atomic_load(&w->failed); i++) {
			int rc = write_rec(w, b, &b->v[i], &err);
			if (rc) {
				w->err = err;
				atomic_store(&w->failed, rc);
			}
		}
		b->n = 0;
		b->arena.n = 0;
		pthread_mutex_lock(&w->mu);
		w->full = NULL;
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct ws_writer *ws_writer_start(struct ws_store *st)
{
	struct ws_writer *w = ws_xcalloc(1, sizeof(*w));
	w->st = st;
	w->fill = &w->a;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_create(&w->th, NULL, run, w);
	return w;
}

/* Hands the filled batch to the thread, waiting for the previous one when
 * `wait`; otherwise a busy thread leaves the batch with the reader to grow. */
static void hand_over_if(struct ws_writer *w, bool wait)
{
	pthread_mutex_lock(&w->mu);
	if (w->full && !wait) {
		pthread_mutex_unlock(&w->mu);
		return;
	}
	while (w->full)
		pthread_cond_wait(&w->cv, &w->mu);
	w->fill_ms = 0;
	if (w->fill->n) {
		w->full = w->fill;
		w->fill = w->fill == &w->a ? &w->b : &w->a;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

static void hand_over(struct ws_writer *w)
{
	hand_over_if(w, true);
}

int ws_writer_sync(struct ws_writer *w, struct ws_err *err)
{
	hand_over(w);
	pthread_mutex_lock(&w->mu);
	while (w->full || w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	int rc = atomic_load(&w->failed);
	if (rc)
		*err = w->err;
	return rc;
}

void ws_writer_input(struct ws_writer *w, int64_t input_id)
{
	w->input_id = input_id; /* only between files, when the thread is idle */
}

static int failed(struct ws_writer *w, struct ws_err *err)
{
	int rc = atomic_load(&w->failed); /* set after w->err was written */
	if (rc)
		*err = w->err;
	return rc;
}

/* A batch older than HAND_MS goes now: on a sparse log the thread then
 * works while the reader reads, instead of all at the end. */
static bool stale(struct ws_writer *w)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (w->fill_ms == 0)
		w->fill_ms = ms;
	return ms - w->fill_ms >= HAND_MS;
}

int ws_writer_sighting(struct ws_writer *w, const struct ws_sighting *s, struct ws_err *err)
{
	int rc = failed(w, err);
	if (rc)
		return rc;
	struct batch *b = w->fill;
	struct rec *r = next_rec(b);
	r->type = R_SIGHTING;
	r->req = *s->req;
	r->v = *s->v;
	r->line = s->line;
	r->compromised = s->compromised;
	r->inside = s->inside;
	r->simulated = s->simulated;
	r->nimda_probe = s->nimda_probe;
	const struct ws_str *f[NSTR] = {&s->req->method, &s->req->path, &s->req->query,
					&s->req->proto, &s->req->agent, &s->req->host};
	for (int i = 0; i < NSTR; i++) {
		r->len[i] = f[i]->p ? f[i]->n : 0;
		r->off[i] = keep(b, f[i]->p, r->len[i]);
	}
	if (b->n % 64 == 0 && (b->n >= BATCH_RECS || stale(w)))
		hand_over_if(w, b->n >= WAIT_RECS);
	return 0;
}

int ws_writer_progress(struct ws_writer *w, uint64_t offset, uint64_t lines, const char *tail,
		       size_t tail_len, bool complete, struct ws_err *err)
{
	int rc = failed(w, err);
	if (rc)
		return rc;
	struct rec *r = next_rec(w->fill);
	r->type = R_PROGRESS;
	r->offset = offset;
	r->lines = lines;
	r->tail_off = keep(w->fill, tail, tail_len);
	r->tail_len = tail_len;
	r->complete = complete;
	hand_over(w);
	return 0;
}

int ws_writer_flush(struct ws_writer *w, struct ws_err *err)
{
	int rc = failed(w, err);
	if (rc)
		return rc;
	next_rec(w->fill)->type = R_FLUSH;
	hand_over(w);
	return 0;
}

int ws_writer_stop(struct ws_writer *w, struct ws_err *err)
{
	int rc = ws_writer_sync(w, err);
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->a.v);
	free(w->b.v);
	ws_buf_free(&w->a.arena);
	ws_buf_free(&w->b.arena);
	free(w);
	return rc;
}

/* A behavioural alert goes into the open transaction, as a telescope's
 * observations do: it is committed with the input's offset. The thread is
 * brought idle first, then the alert is written from the calling thread. */
static int sink_alert(void *ctx, const struct ws_alert *a, const char *file, bool simulated,
		      struct ws_err *err)
{
	struct ws_writer *w = ctx;
	struct ws_buf rec = {0};
	ws_out_alert(WS_OUT_JSONL, &rec, a, file, simulated);
	if (rec.n && rec.p[rec.n - 1] == '\n')
		rec.n--;
	struct ws_store_alert s = {
		.ts = a->ts, .kind = ws_alert_kind_name(a->kind), .src = a->src,
		.sid = ws_out_alert_sid(a), .first_contacts = a->first_contacts,
		.sources = a->sources, .destinations = a->destinations,
		.record = rec.p, .record_len = rec.n, .simulated = simulated,
	};
	if (a->kind == WS_ALERT_NEW_WORM) {
		s.content = a->content;
		s.content_len = a->content_len;
	} else if (a->kind == WS_ALERT_OUTBREAK) {
		s.content = a->shape;
		s.content_len = strlen(a->shape);
	}
	int rc = ws_writer_sync(w, err);
	if (!rc)
		rc = ws_store_alert_add(w->st, w->input_id, &s, err);
	ws_buf_free(&rec);
	return rc;
}

static int sink_sighting(void *ctx, const struct ws_sighting *s, struct ws_err *err)
{
	return ws_writer_sighting(ctx, s, err);
}

struct ws_sink ws_writer_sink(struct ws_writer *w)
{
	return (struct ws_sink){.ctx = w, .sighting = sink_sighting, .alert = sink_alert};
}
