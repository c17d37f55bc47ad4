/* SPDX-License-Identifier: MIT */
/* scan --db -j N: a large plain file in parallel parts, stored in order.
 *
 * Workers scan parts into deep copies of their sightings (the strings of a
 * sighting point into the reader's chunk, as in store/writer.c), numbering
 * each part's lines from 1: the calling thread, which takes the parts in
 * order, knows where each part's first line falls once the part before it
 * is done, and shifts the numbers then (no second pass over the bytes to
 * count newlines). It gives each copy its Nimda probe number from the
 * source's probes seen so far in this file (what the sequential job tracks
 * across the whole file, which one part cannot know), queues it to the
 * writer thread, writes it in cfg->out, and commits at the part's end when
 * a batch of sightings is full (large batches write a busy source's rollup
 * once, as in the sequential path), COMMIT_S after the last commit, and at
 * the last part. A kill therefore leaves the store at a part end, and the
 * rerun resumes there. At most `window` parts are read ahead of the last one
 * stored, so memory stays bounded by a few parts' sightings. */
#include "scan/split.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "util/mem.h"

/* A part: parsed in a few ms. Parts wait for the writer in a window of a
 * few, holding copies of their sightings: small parts keep that memory
 * small (on a 15 %-worm log, 16 MiB parts peaked at 160 MiB, 1 MiB parts at
 * 75 MiB, and were no slower). */
#define WS_SPLIT_BYTES (1ull << 20)
#define COMMIT_S 5                   /* longest time between commits, as in scan.c */
#define NSTR 6                       /* method, path, query, proto, agent, host */

/* One sighting, copied; its strings live in the part's arena. */
struct copy {
	struct ws_request req;
	struct ws_verdict v;
	uint64_t line;
	bool compromised, inside;
	size_t off[NSTR], len[NSTR];
};

/* A part being scanned or waiting to be stored: part i lives in slot
 * i % window, which it takes once part i - window was stored and freed (a
 * 436 MB log is 416 parts, and a slot each held 4.7 MiB for nothing). */
struct part {
	uint64_t off, len;
	size_t idx; /* the part in the slot, under run.mu */
	bool done;  /* under run.mu */
	struct copy *v;
	size_t n, cap;
	struct ws_buf arena;
	struct ws_job_result res;
	char tail[WS_HEAD_BYTES]; /* the bytes before the part's end, for the store */
	size_t tail_len;
};

struct run {
	const struct ws_scan_config *cfg; /* the caller's, with no output */
	const struct ws_split *sp;
	struct span {
		uint64_t off, len;
	} *spans;
	size_t n;
	struct part *slot; /* window of them */
	size_t next, stored, window; /* under mu */
	bool quit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct worker {
	struct run *r;
	struct ws_prefilter_scratch *scratch;
	pthread_t th;
};

static uint64_t part_bytes(void)
{
	const char *e = getenv("WS_STORE_PART");
	unsigned long long v = e && *e ? strtoull(e, NULL, 10) : 0;
	return v >= 1024 ? v : WS_SPLIT_BYTES;
}

bool ws_split_wanted(uint64_t remaining, int jobs)
{
	return jobs > 1 && remaining >= 2 * part_bytes();
}

/* The cut after `at`: the start of the next line, or the file's end. */
static uint64_t line_start_after(int fd, uint64_t at, uint64_t size)
{
	char buf[4096];
	while (at < size) {
		ssize_t got = pread(fd, buf, sizeof(buf), (off_t)at);
		if (got <= 0)
			return size;
		const char *nl = memchr(buf, '\n', (size_t)got);
		if (nl)
			return at + (uint64_t)(nl - buf) + 1;
		at += (uint64_t)got;
	}
	return size;
}

/* Cuts [sp->offset, sp->size) into parts of about part_bytes() at line
 * starts. */
static int plan(struct run *r, struct ws_err *err)
{
	const struct ws_split *sp = r->sp;
	int fd = open(sp->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ws_err_set(err, WS_EIO, "%s: %s", sp->path, strerror(errno));
	uint64_t pb = part_bytes(), start = sp->offset;
	size_t cap = 0;
	while (start < sp->size) {
		uint64_t end = sp->size - start <= pb ? sp->size
						      : line_start_after(fd, start + pb, sp->size);
		if (r->n == cap) {
			cap = cap ? cap * 2 : 16;
			r->spans = ws_xreallocarray(r->spans, cap, sizeof(*r->spans));
		}
		r->spans[r->n++] = (struct span){start, end - start};
		start = end;
	}
	close(fd);
	return 0;
}

static int keep_sighting(void *ctx, const struct ws_sighting *s, struct ws_err *err)
{
	(void)err;
	struct part *p = ctx;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->v = ws_xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	struct copy *c = &p->v[p->n++];
	c->req = *s->req;
	c->v = *s->v;
	c->line = s->line;
	c->compromised = s->compromised;
	c->inside = s->inside;
	const struct ws_str *f[NSTR] = {&s->req->method, &s->req->path, &s->req->query,
					&s->req->proto, &s->req->agent, &s->req->host};
	for (int i = 0; i < NSTR; i++) {
		c->len[i] = f[i]->p ? f[i]->n : 0;
		c->off[i] = p->arena.n;
		if (c->len[i])
			ws_buf_add(&p->arena, f[i]->p, c->len[i]);
	}
	return 0;
}

/* Parts commit in the calling thread, not at the job's chunk ends. */
static int no_progress(void *ctx, uint64_t offset, uint64_t next_line, const char *tail,
		       size_t tail_len, bool at_end, struct ws_err *err)
{
	(void)ctx, (void)offset, (void)next_line, (void)tail, (void)tail_len, (void)at_end;
	(void)err;
	return 0;
}

/* The bytes before the part's end, which the store keeps a hash of. */
static bool read_tail(const char *path, struct part *p)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	uint64_t end = p->off + p->len;
	uint64_t tl = end < WS_HEAD_BYTES ? end : WS_HEAD_BYTES;
	bool ok = pread(fd, p->tail, (size_t)tl, (off_t)(end - tl)) == (ssize_t)tl;
	p->tail_len = (size_t)tl;
	close(fd);
	return ok;
}

static void scan_part(struct run *r, size_t i, struct ws_prefilter_scratch *scratch)
{
	struct part *p = &r->slot[i % r->window];
	p->off = r->spans[i].off;
	p->len = r->spans[i].len;
	p->n = 0;
	ws_job_result_init(&p->res);
	if (!read_tail(r->sp->path, p)) {
		p->res.rc = WS_EIO;
		ws_err_set(&p->res.err, WS_EIO, "%s: cannot read at offset %llu", r->sp->path,
			   (unsigned long long)p->off);
	} else {
		struct ws_range range = {.off = p->off, .len = p->len, .first_line = 1,
					 .kind = r->sp->kind};
		struct ws_scan_sink sink = {.to = {.ctx = p, .sighting = keep_sighting},
					    .progress = no_progress};
		ws_scan_part_sink(r->cfg, scratch, r->sp->path, &range, &sink, NULL, &p->res);
	}
	pthread_mutex_lock(&r->mu);
	p->done = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct run *r = wk->r;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->quit && r->next < r->n && r->next >= r->stored + r->window)
			pthread_cond_wait(&r->cv, &r->mu);
		size_t i = r->next;
		bool go = !r->quit && i < r->n;
		if (go) {
			r->next++;
			r->slot[i % r->window].idx = i;
			r->slot[i % r->window].done = false;
		}
		pthread_mutex_unlock(&r->mu);
		if (!go)
			return NULL;
		scan_part(r, i, wk->scratch);
	}
}

static void free_part(struct part *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
	ws_buf_free(&p->arena);
	ws_job_result_free(&p->res);
}

/* Nimda's probe number as the sequential job gives it (scan.c, record):
 * the first probe this source had not sent before, else the lowest
 * candidate. */
static int nimda_probe(struct ws_hosts *seen, const struct ws_request *req, uint16_t mask)
{
	struct ws_host *h = ws_hosts_get(seen, &req->src);
	uint16_t before = h->nimda_probes;
	ws_host_add_nimda(h, mask);
	uint16_t added = h->nimda_probes & (uint16_t)~before;
	uint16_t bit = added ? added : (uint16_t)(mask & -mask);
	return __builtin_ctz(bit) + 1;
}

/* Hands part p's sightings to the store's sink and the format writer's,
 * and queues its end offset when `commit`. */
static int store_part(struct ws_writer *w, const struct ws_sink *store, const struct ws_sink *fmt,
		      const struct ws_split *sp, struct part *p, uint64_t first_line, bool last,
		      bool commit, struct ws_hosts *seen, struct ws_err *err)
{
	for (size_t k = 0; k < p->n; k++) {
		struct copy *c = &p->v[k];
		struct ws_str *f[NSTR] = {&c->req.method, &c->req.path, &c->req.query,
					  &c->req.proto, &c->req.agent, &c->req.host};
		for (int i = 0; i < NSTR; i++)
			*f[i] = (struct ws_str){c->len[i] ? p->arena.p + c->off[i] : NULL, c->len[i]};
		struct ws_sighting s = {.req = &c->req, .v = &c->v, .file = sp->path,
					.line = c->line + first_line - 1, .compromised = c->compromised,
					.inside = c->inside};
		if (c->v.nimda_mask)
			s.nimda_probe = nimda_probe(seen, &c->req, c->v.nimda_mask);
		int rc = store->sighting ? store->sighting(store->ctx, &s, err) : 0;
		if (rc)
			return rc;
		if (fmt->sighting)
			fmt->sighting(fmt->ctx, &s, err);
	}
	if (!commit || !w)
		return 0;
	return ws_writer_progress(w, p->off + p->len, first_line + p->res.lines - 1, p->tail,
				  p->tail_len, last, err);
}

/* Adds a stored part's counts to res, its line numbers shifted by `by`. */
static void merge_part(struct ws_job_result *res, struct ws_job_result *pr, const char *path,
		       uint64_t by)
{
	ws_job_result_shift(pr, path, by);
	ws_job_result_merge(res, pr);
	for (int k = 0; k < pr->n_unparsable_at && res->n_unparsable_at < WS_EXAMPLES; k++)
		res->unparsable_at[res->n_unparsable_at++] = pr->unparsable_at[k];
}

/* The calling thread's half: parts in order into the store. */
static int store_in_order(struct run *r, struct ws_writer *w, const struct ws_scan_config *cfg,
			  FILE *out, struct ws_job_result *res, struct ws_err *err)
{
	struct ws_hosts seen = {0};
	struct ws_sink store = w ? ws_writer_sink(w) : (struct ws_sink){0}, fmt = {0};
	struct ws_out_writer ow = {.f = cfg->out, .out = out};
	if (cfg->out != WS_OUT_NONE)
		fmt = ws_out_writer_sink(&ow);
	int rc = 0;
	uint64_t line = r->sp->line; /* the next part's first line */
	uint64_t since = 0;          /* sightings since the last commit */
	time_t last_commit = time(NULL);
	/* the last part stored, when not committed (its slot is reused) */
	bool pending = false;
	uint64_t pending_end = 0, pending_lines = 0;
	char pending_tail[WS_HEAD_BYTES];
	size_t pending_tail_len = 0;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		struct part *p = &r->slot[i % r->window];
		pthread_mutex_lock(&r->mu);
		while (!(p->idx == i && p->done))
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		if (r->sp->stop && *r->sp->stop)
			break; /* interrupted: the parts stored so far are committed */
		if (p->res.rc) {
			/* an input error: store nothing of this part; a rerun
			 * resumes at its start */
			res->rc = p->res.rc;
			res->err = p->res.err;
			break;
		}
		bool last = i + 1 == r->n;
		since += p->n;
		int every = r->sp->commit_s ? r->sp->commit_s : COMMIT_S;
		bool commit = last || since >= r->sp->batch ||
			      (every > 0 && time(NULL) >= last_commit + every);
		rc = store_part(w, &store, &fmt, r->sp, p, line, last, commit, &seen, err);
		ws_out_writer_flush(&ow, true); /* a part's records go out before it is freed */
		pending = !commit;
		pending_end = p->off + p->len;
		pending_lines = line + p->res.lines - 1;
		memcpy(pending_tail, p->tail, p->tail_len);
		pending_tail_len = p->tail_len;
		if (commit) {
			since = 0;
			last_commit = time(NULL);
		}
		if (rc == 0)
			merge_part(res, &p->res, r->sp->path, line - 1);
		line += p->res.lines;
		free_part(p);
		pthread_mutex_lock(&r->mu);
		r->stored = i + 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	/* Stopped early (a signal, an input error): commit what was stored. */
	if (pending && rc == 0 && w)
		rc = ws_writer_progress(w, pending_end, pending_lines, pending_tail,
					pending_tail_len, false, err);
	ws_out_writer_free(&ow);
	ws_hosts_free(&seen);
	return rc;
}

int ws_split_ingest(struct ws_writer *w, const struct ws_scan_config *cfg,
		    const struct ws_split *sp, FILE *out, struct ws_job_result *res,
		    struct ws_err *err)
{
	struct ws_scan_config quiet = *cfg;
	quiet.out = WS_OUT_NONE; /* the output is written in order, from here */
	struct run r = {.cfg = &quiet, .sp = sp};
	int rc = plan(&r, err);
	if (rc) {
		res->rc = rc;
		res->err = *err;
		return 0;
	}
	size_t nw = (size_t)sp->jobs < r.n ? (size_t)sp->jobs : r.n;
	r.window = nw + 2; /* each worker a part ahead, and two waiting to be stored */
	r.slot = ws_xcalloc(r.window, sizeof(*r.slot));
	for (size_t i = 0; i < r.window; i++)
		r.slot[i].idx = SIZE_MAX;
	struct worker *wk = ws_xcalloc(nw ? nw : 1, sizeof(*wk));
	for (size_t i = 0; i < nw && rc == 0; i++) {
		wk[i].r = &r;
		if (cfg->pf)
			rc = ws_prefilter_scratch_new(cfg->pf, &wk[i].scratch, err);
	}
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	if (rc == 0) {
		for (size_t i = 0; i < nw; i++)
			pthread_create(&wk[i].th, NULL, work, &wk[i]);
		rc = store_in_order(&r, w, cfg, out, res, err);
		pthread_mutex_lock(&r.mu);
		r.quit = true;
		pthread_cond_broadcast(&r.cv);
		pthread_mutex_unlock(&r.mu);
		for (size_t i = 0; i < nw; i++)
			pthread_join(wk[i].th, NULL);
	}
	for (size_t i = 0; i < nw; i++)
		ws_prefilter_scratch_free(wk[i].scratch);
	for (size_t i = 0; i < r.window; i++)
		free_part(&r.slot[i]);
	free(r.slot);
	free(r.spans);
	free(wk);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	return rc;
}
