/* SPDX-License-Identifier: MIT */
/* scan --db: identify the file, resume it, commit sightings with offsets.
 * Test hooks (environment): WS_STORE_BATCH=N commits every N sightings;
 * WS_STORE_PART=BYTES sets the size of the parts a large file is split into
 * with -j (scan/split.c). The crash test's kill point is the caller's
 * (store/writer.h, ws_writer_set_commit_hook). */
#include "scan/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/input.h"
#include "logfmt/logfmt.h"
#include "pcap/capture.h"
#include "pcap/pcapng.h"
#include "scan/split.h"
#include "scan/tele_store.h"
#include "store/checkpoint.h"
#include "store/writer.h"
#include "util/mem.h"

#define DEFAULT_BATCH 500000
#define HEAD_READ 65536 /* what format detection looks at */

/* The job's sink: the store's (store/writer.c), with what stopped it kept
 * so that a store error ends the run rather than counting as the input's. */
struct ctx {
	struct ws_writer *w;
	struct ws_sink to; /* the store's sink */
	bool is_stdin;
	bool live; /* path is an interface (scan -i) */
	int failed; /* a store error stopped the job */
	struct ws_err err;
	struct ws_store *st;
	int64_t input_id;
};

static int note(struct ctx *x, int rc, const struct ws_err *err)
{
	if (rc) {
		x->failed = rc;
		x->err = *err;
	}
	return rc;
}

static int on_sighting(void *c, const struct ws_sighting *s, struct ws_err *err)
{
	struct ctx *x = c;
	return note(x, x->to.sighting(x->to.ctx, s, err), err);
}

static int on_alert(void *c, const struct ws_alert *a, const char *file, bool simulated,
		    struct ws_err *err)
{
	struct ctx *x = c;
	return note(x, x->to.alert(x->to.ctx, a, file, simulated, err), err);
}

/* The checkpoint: everything before offset is committed with the store. */
static int on_progress(void *c, uint64_t offset, uint64_t next_line, const char *tail,
		       size_t tail_len, bool at_end, struct ws_err *err)
{
	struct ctx *x = c;
	int rc = x->is_stdin ? ws_writer_flush(x->w, err)
			     : ws_writer_progress(x->w, offset, next_line - 1, tail, tail_len,
						  at_end, err);
	return note(x, rc, err);
}

/* The telescope's observations go into the transaction the next progress
 * commits: the writer thread is brought idle first, then they are written
 * from this thread. */
static int on_telescope(void *c, struct ws_tele *t, bool simulated, double sample,
			struct ws_err *err)
{
	struct ctx *x = c;
	int rc = ws_writer_sync(x->w, err);
	if (!rc)
		rc = ws_tele_to_store(x->st, x->input_id, t, simulated, sample, err);
	return note(x, rc, err);
}

/* Runs the job with the writer thread on input_id, in parallel parts when
 * `split` is not NULL; a store error (from the thread) is returned and ends
 * the run. */
static int run_sunk(struct ws_store *st, const struct ws_scan_config *cfg,
		    struct ws_prefilter_scratch *scratch, const char *path, int64_t input_id,
		    struct ws_scan_sink *sink, const struct ws_split *split, struct ctx *x,
		    FILE *out, struct ws_job_result *res, struct ws_err *err)
{
	x->w = ws_writer_start(st);
	ws_writer_input(x->w, input_id);
	x->to = ws_writer_sink(x->w);
	x->st = st;
	x->input_id = input_id;
	sink->to = (struct ws_sink){.ctx = x, .sighting = on_sighting, .alert = on_alert};
	sink->ctx = x;
	sink->progress = on_progress;
	sink->telescope = on_telescope;
	if (x->live) {
		ws_scan_live(cfg, path, sink, out, res);
	} else if (split) {
		int rc = ws_split_ingest(x->w, cfg, split, out, res, &x->err);
		if (rc)
			x->failed = rc;
	} else {
		ws_scan_job_sink(cfg, scratch, path, sink, out, res);
	}
	struct ws_err werr;
	int rc = ws_writer_stop(x->w, &werr);
	if (rc || x->failed) {
		*err = rc ? werr : x->err;
		res->rc = 0; /* the job stopped for the store, not for its input */
		return rc ? rc : x->failed;
	}
	return 0;
}

/* Reads decompressed bytes [off, off+n) of the file for the store's checks. */
struct reader {
	const char *path;
	bool compressed;
};

static size_t read_at(void *c, uint64_t off, char *buf, size_t n)
{
	struct reader *r = c;
	struct ws_input *in;
	struct ws_err err;
	int rc = r->compressed ? ws_input_open(r->path, &in, &err)
			       : ws_input_open_range(r->path, off, n, &in, &err);
	if (rc)
		return 0;
	uint64_t skip = r->compressed ? off : 0;
	char tmp[65536];
	size_t got = 0, k;
	while (skip > 0 && ws_input_read(in, tmp, skip < sizeof(tmp) ? (size_t)skip : sizeof(tmp),
					 &k, &err) == 0 && k)
		skip -= k;
	while (skip == 0 && got < n && ws_input_read(in, buf + got, n - got, &k, &err) == 0 && k)
		got += k;
	ws_input_close(in);
	return got;
}

/* The first bytes, decompressed, and whether the file is compressed. */
static int read_head(const char *path, char *head, size_t *n, bool *compressed,
		     struct ws_err *err)
{
	struct ws_input *in;
	int rc = ws_input_open(path, &in, err);
	if (rc)
		return rc;
	size_t got = 0, k;
	while (got < HEAD_READ && (rc = ws_input_read(in, head + got, HEAD_READ - got, &k, err)) == 0 &&
	       k)
		got += k;
	*compressed = ws_input_compression(in) != WS_COMP_NONE;
	ws_input_close(in);
	*n = got;
	return rc == WS_ETRUNC || rc == WS_EFORMAT ? 0 : rc; /* the scan reports those */
}

static int head_kind(const struct ws_scan_config *cfg, const char *head, size_t n)
{
	struct ws_logfmt fmt;
	struct ws_err e;
	if (ws_logfmt_init(&fmt, cfg->log_format, &cfg->tz, &e) != 0)
		return WS_FMT_AUTO;
	int kind = fmt.kind;
	ws_logfmt_free(&fmt);
	if (kind != WS_FMT_AUTO)
		return kind;
	if (ws_pcap_is_capture(head, n))
		return WS_SCAN_KIND_CAPTURE;
	size_t ml = 0;
	ws_scan_simulated_mark(head, n, &ml);
	return ws_logfmt_detect(head + ml, n - ml);
}

static const char *kind_name(int kind)
{
	return kind == WS_SCAN_KIND_CAPTURE ? "pcap" : ws_logfmt_name((enum ws_fmt_kind)kind);
}

static uint64_t batch_of(const struct ws_store *st, const struct ws_ingest_opts *o)
{
	const char *b = getenv("WS_STORE_BATCH");
	if (b && *b && strtoull(b, NULL, 10) > 0)
		return strtoull(b, NULL, 10);
	/* the store may want smaller batches (PostgreSQL keeps a batch in
	 * memory until it is committed, to retry it whole) */
	uint64_t hint = ws_store_batch_hint(st);
	return o->batch ? o->batch : hint ? hint : DEFAULT_BATCH;
}

/* Where the file with this device and inode now lies in dir, if there. */
static bool find_inode(const char *dir, uint64_t dev, uint64_t ino, char *out, size_t outsz)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d)) != NULL) {
		struct stat sb;
		if ((uint64_t)e->d_ino != ino ||
		    snprintf(out, outsz, "%s/%s", dir, e->d_name) >= (int)outsz)
			continue;
		found = stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_dev == dev &&
			(uint64_t)sb.st_ino == ino;
	}
	closedir(d);
	return found;
}

/* Rotation seen from the live name (what tail -F does): the file last read
 * as `path` is now another inode. Its rest, the lines written between our
 * last read and the rotation, is read first from wherever it was renamed to
 * in the same folder (access.log.1, access.log-20010804, ...). */
static int drain_rotated(struct ws_store *st, const struct ws_scan_config *cfg,
			 struct ws_prefilter_scratch *scratch, const char *path,
			 const struct stat *now, const struct ws_ingest_opts *o, FILE *out,
			 struct ws_job_result *res, struct ws_err *err)
{
	uint64_t dev, ino;
	bool found;
	int rc = ws_store_file_named(st, path, &dev, &ino, &found, err);
	if (rc || !found || (dev == (uint64_t)now->st_dev && ino == (uint64_t)now->st_ino))
		return rc;
	char dir[4096], old[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	bool there = find_inode(dir, dev, ino, old, sizeof(old));
	if (!there)
		return 0;
	const char *why;
	struct ws_ingest_opts once = *o;
	once.no_drain = true;
	return ws_ingest(st, cfg, scratch, old, &once, out, res, &why, err);
}

static int ingest_file(struct ws_store *st, const struct ws_scan_config *cfg,
		       struct ws_prefilter_scratch *scratch, const char *path,
		       const struct stat *sb, char *head, size_t hn, bool compressed,
		       const struct ws_ingest_opts *o, FILE *out, struct ws_job_result *res,
		       const char **why, struct ws_err *err)
{
	struct ws_file_id id = {.compressed = compressed};
	struct ctx x = {0};
	struct ws_scan_sink sink = {.batch = batch_of(st, o), .commit_s = o->commit_s, .stop = o->stop,
				    .hold_partial = o->follow};
	int rc;
	id.dev = (uint64_t)sb->st_dev;
	id.ino = (uint64_t)sb->st_ino;
	id.size = (uint64_t)sb->st_size;
	id.head = head;
	id.head_len = hn < WS_HEAD_BYTES ? hn : WS_HEAD_BYTES;
	size_t ml = 0;
	double sample;
	bool simulated = ws_scan_simulated_mark(head, hn, &ml) || ws_pcapng_simulated(head, hn, &sample);
	int kind = head_kind(cfg, head, hn);
	struct reader rd = {.path = path, .compressed = id.compressed};
	struct ws_store_file f;
	rc = ws_store_file_begin(st, path, &id, read_at, &rd, kind_name(kind), kind,
				 simulated, &f, err);
	if (rc)
		return rc;
	*why = f.why;
	res->path = path;
	res->format = kind_name(f.kind);
	res->simulated = f.simulated;
	if (f.done)
		return 0;
	/* A capture is committed whole (scan.c, capture_commit): one that has
	 * grown since is left as stored rather than read again from the start. */
	if (f.kind == WS_SCAN_KIND_CAPTURE && f.offset > 0) {
		if (o->notice) {
			struct ws_buf b = {0};
			ws_buf_printf(&b, "%s: capture changed since it was stored; captures are "
					  "stored whole, so the stored part is kept", path);
			o->notice(o->notice_ctx, b.p);
			ws_buf_free(&b);
		}
		*why = "unchanged";
		return 0;
	}
	sink.offset = f.offset;
	sink.line = f.lines + 1;
	sink.kind = f.kind;
	sink.simulated = f.simulated;
	/* A large plain file goes in parallel parts; what needs the file read
	 * in order stays sequential: compressed data, W3C's #Fields state, a
	 * simulated file's mark, and --follow's unfinished last line. */
	struct ws_split split = {.path = path, .offset = f.offset, .line = f.lines + 1,
				 .size = id.size, .kind = f.kind, .jobs = o->jobs,
				 .batch = sink.batch, .commit_s = o->commit_s, .stop = o->stop};
	bool parts = !compressed && !o->follow && f.kind != WS_FMT_AUTO &&
		     f.kind != WS_FMT_W3C && !f.simulated && id.size > f.offset &&
		     ws_split_wanted(id.size - f.offset, split.jobs);
	return run_sunk(st, cfg, scratch, path, f.id, &sink, parts ? &split : NULL, &x, out, res,
			err);
}

int ws_ingest(struct ws_store *st, const struct ws_scan_config *cfg,
	      struct ws_prefilter_scratch *scratch, const char *path,
	      const struct ws_ingest_opts *o, FILE *out, struct ws_job_result *res,
	      const char **why, struct ws_err *err)
{
	int rc;
	*why = "new";
	if (strcmp(path, "-") == 0 || o->live) {
		/* stdin and live captures: commits are plain flushes */
		struct ctx x = {.is_stdin = true, .live = o->live};
		struct ws_scan_sink sink = {.batch = batch_of(st, o), .stop = o->stop};
		int64_t id;
		char name[300];
		snprintf(name, sizeof(name), "iface:%s", path);
		rc = o->live ? ws_store_live_input(st, "capture", name, &id, err)
			     : ws_store_live_input(st, "stdin", "-", &id, err);
		if (rc)
			return rc;
		rc = run_sunk(st, cfg, scratch, path, id, &sink, NULL, &x, out, res, err);
		return rc ? rc : ws_store_flush(st, err);
	}
	struct stat sb;
	char *head = ws_xmalloc(HEAD_READ);
	size_t hn = 0;
	bool compressed = false;
	if (stat(path, &sb) != 0 || read_head(path, head, &hn, &compressed, &res->err) != 0) {
		/* missing or unreadable: the scan job names the problem */
		free(head);
		ws_scan_job(cfg, scratch, path, NULL, out, res);
		return 0;
	}
	struct ws_job_result before;
	ws_job_result_init(&before);
	rc = o->no_drain ? 0 : drain_rotated(st, cfg, scratch, path, &sb, o, out, &before, err);
	if (!rc)
		rc = ingest_file(st, cfg, scratch, path, &sb, head, hn, compressed, o, out, res, why,
				 err);
	free(head);
	ws_job_result_merge(res, &before);
	ws_job_result_free(&before);
	return rc;
}

