/* SPDX-License-Identifier: MIT */
/* The per-input pipeline. Bytes arrive in large chunks; only complete lines
 * are processed, and the partial last line is carried into the next chunk.
 *
 * Default mode: the Hyperscan pre-filter runs over the whole chunk and only
 * the lines it points at are parsed and classified; newlines are counted with
 * SIMD between hits so line numbers stay exact. --strict parses every line,
 * so unparsable lines anywhere are counted and named. */
#include "scan/look.h"
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logfmt/logfmt.h"
#include "util/lines.h"
#include "util/mem.h"
#include "util/escape.h"
#include "input/input.h"
#include "output/alert.h"
#include "pcap/pcapng.h"

#define CHUNK (8u << 20)        /* read size */
#define RESCAN_AFTER 2048       /* a hit's line longer than this past it: a new prefilter pass */
#define MAX_LINE (64u << 20)    /* longer lines are cut here and counted */
#define WS_TAIL_BYTES 4096      /* bytes before a commit's offset, for the store's checks */
#define COMMIT_S 5              /* longest time between commits while reading */

struct job {
	const struct ws_scan_config *cfg;
	struct ws_job_result *res;
	struct ws_logfmt fmt;
	struct ws_buf scratch;
	struct ws_out_writer out; /* cfg->out's format writer */
	struct ws_sink to_out;    /* its sink; .sighting NULL with no format */
	const char *path;
	struct ws_prefilter_scratch *scratch_pf;
	/* chunk walk state */
	const char *chunk;
	size_t complete;   /* bytes of complete lines in chunk */
	size_t next;       /* first byte not yet consumed by a processed line */
	size_t scan_from;  /* where the prefilter's current pass over chunk began */
	bool hit;          /* that pass stopped at a line it handed to do_line */
	uint64_t line_no;  /* line number of the line starting at `next` */
	bool line_is_cut;  /* the current line was cut at MAX_LINE */
	/* scan --db (sink): where chunk[0] lies in the decompressed input, the
	 * resume point, sightings since the last commit */
	const struct ws_scan_sink *sink;
	uint64_t pos, skip_to, since_commit;
	time_t last_commit_s;
	bool simulated, mark, stop;
	bool live; /* a live capture (ws_scan_live) */
	/* behavioural detection (src/behav), or NULL */
	struct ws_behav *behav;
	struct ws_pcap_observer obs;
	int64_t last_ts, last_us; /* time of the packet being read (s, us) */
};

void ws_job_result_init(struct ws_job_result *res)
{
	memset(res, 0, sizeof(*res));
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		res->worms[w].first = INT64_MAX;
		res->worms[w].last = INT64_MIN;
	}
}

void ws_job_result_free(struct ws_job_result *res)
{
	ws_hosts_free(&res->hosts);
	ws_tele_free(res->tele);
	res->tele = NULL;
	free(res->alerts.v);
	res->alerts.v = NULL;
}

static void note_unparsable(struct job *j, uint64_t line)
{
	struct ws_job_result *r = j->res;
	r->unparsable++;
	if (r->n_unparsable_at < WS_EXAMPLES)
		r->unparsable_at[r->n_unparsable_at++] = line;
}

static void note_odd(struct job *j, unsigned odd, uint64_t line)
{
	struct ws_job_result *r = j->res;
	for (int k = 0; k < WS_N_ODD; k++)
		if (odd & (1u << k) && r->odd[k]++ == 0)
			snprintf(r->odd_at[k], sizeof(r->odd_at[k]), "%s:%llu", r->path ? r->path : "-",
				 (unsigned long long)line);
}

static void keep_example(struct job *j, const struct ws_request *req, const struct ws_worm *w,
			 uint64_t line)
{
	struct ws_job_result *r = j->res;
	if (r->n_compromised >= WS_EXAMPLES)
		return;
	struct ws_buf b = {0};
	char a[64];
	ws_buf_printf(&b, "%s:%llu %s %s %d ", j->path, (unsigned long long)line,
		      ws_addr_format(&req->src, a, sizeof(a)), w->id, req->status);
	struct ws_buf t = {0};
	ws_out_target(&t, req);
	ws_esc_text(&b, t.p ? t.p : "", t.n > 200 ? 200 : t.n);
	ws_buf_free(&t);
	snprintf(r->compromised[r->n_compromised++].text, sizeof(r->compromised[0].text), "%s",
		 b.p);
	ws_buf_free(&b);
}

static bool success_answer(const struct ws_worm *w, int status)
{
	return (status >= 200 && status < 300) || (w->success_3xx && status >= 300 && status < 400);
}

static void record(struct job *j, const struct ws_request *req, const struct ws_verdict *v,
		   uint64_t line)
{
	const struct ws_scan_config *cfg = j->cfg;
	struct ws_job_result *r = j->res;
	int n;
	const struct ws_worm *w = ws_worms(&n)[v->worm];
	if (ws_cidrset_contains(&cfg->ignore, &req->src)) {
		r->ignored++;
		return;
	}
	struct ws_sighting s = {
		.req = req, .v = v, .file = j->path, .line = line,
		.compromised = success_answer(w, req->status),
		.inside = ws_cidrset_contains(&cfg->home, &req->src),
		.simulated = j->simulated,
	};
	struct ws_host *h = ws_hosts_get(&r->hosts, &req->src);
	if (v->nimda_mask) {
		uint16_t before = h->nimda_probes;
		ws_host_add_nimda(h, v->nimda_mask);
		uint16_t added = h->nimda_probes & (uint16_t)~before;
		uint16_t bit = added ? added : (uint16_t)(v->nimda_mask & -v->nimda_mask);
		s.nimda_probe = __builtin_ctz(bit) + 1;
	}
	h->count[v->worm]++;
	h->inside |= s.inside;
	struct ws_worm_stats *st = &r->worms[v->worm];
	st->requests++;
	st->by_conf[v->conf]++;
	if (req->ts_known) {
		if (req->ts < h->first)
			h->first = req->ts;
		if (req->ts > h->last)
			h->last = req->ts;
		if (req->ts < st->first)
			st->first = req->ts;
		if (req->ts > st->last)
			st->last = req->ts;
	}
	if (s.compromised) {
		h->compromised++;
		st->compromised++;
		keep_example(j, req, w, line);
	}
	r->sightings++;
	if (j->sink && !j->stop) {
		int rc = j->sink->to.sighting(j->sink->to.ctx, &s, &r->err);
		if (rc) {
			r->rc = rc;
			j->stop = true;
		}
		j->since_commit++;
	}
	if (j->to_out.sighting)
		j->to_out.sighting(j->to_out.ctx, &s, NULL);
}

/* Records a classified request when it is a worm the scan reports. */
static void keep_request(struct job *j, const struct ws_request *req, const struct ws_verdict *v,
			 uint64_t line)
{
	if (v->conf < j->cfg->min_conf || !(j->cfg->worm_mask & (1u << v->worm)))
		return;
	record(j, req, v, line);
}

/* Classifies one request and records it when a reported worm claims it. */
static void do_request(struct job *j, const struct ws_request *req, uint64_t line)
{
	struct ws_verdict v;
	if (ws_classify(req, &v))
		keep_request(j, req, &v, line);
}

/* Parses and classifies one line (without its newline). */
static void do_line(struct job *j, const char *p, size_t n, uint64_t line)
{
	if (line == 1 && j->mark)
		return; /* WS_SIMULATED_MARK: not a log line */
	struct ws_request req;
	int rc = ws_logfmt_parse(&j->fmt, p, n, &req, &j->scratch);
	if (rc == WS_PARSE_BAD) {
		note_unparsable(j, line);
		return;
	}
	if (rc != WS_PARSE_OK)
		return;
	if (j->line_is_cut)
		req.truncated = true;
	if (req.odd)
		note_odd(j, req.odd, line);
	if (j->behav)
		ws_behav_log_request(j->behav, &req);
	do_request(j, &req, line);
}

static bool chunk_commit_due(struct job *j);

/* Requests rebuilt from a capture come classified (pcap/flow.c holds a
 * worm request for its answer, so it classifies on arrival) and take the
 * log lines' path from there; the frame number stands for the line number. */
static void on_capture_request(void *ctx, const struct ws_request *req,
			       const struct ws_verdict *v, uint64_t frame)
{
	keep_request(ctx, req, v, frame);
}

/* Hands a capture's sightings to the store: a file at its end (offset =
 * the bytes read, so an unchanged capture is not read again), a live
 * capture whenever a commit is due. A capture has no line boundaries to
 * resume at, so a file's sightings are committed once, with its end: a
 * crash before that leaves nothing of it, and the rerun reads it whole. */
static void capture_commit(struct job *j, bool at_end)
{
	struct ws_job_result *r = j->res;
	if (!j->sink || j->stop)
		return;
	if (r->tele && j->sink->telescope &&
	    j->sink->telescope(j->sink->ctx, r->tele, j->simulated, r->tele_sample, &r->err) != 0) {
		r->rc = WS_EIO;
		j->stop = true;
		return;
	}
	if (j->sink->progress(j->sink->ctx, r->bytes, r->cap.packets + 1, "", 0, at_end,
			      &r->err) != 0) {
		r->rc = WS_EIO;
		j->stop = true;
	}
	j->since_commit = 0;
}

static void on_capture_batch(void *ctx)
{
	struct job *j = ctx;
	ws_out_writer_flush(&j->out, true);
	if (j->out.out)
		fflush(j->out.out);
	if (j->live && chunk_commit_due(j))
		capture_commit(j, false);
	if (j->live && j->sink && j->sink->stop && *j->sink->stop)
		ws_pcap_stop();
}

/* Capture seconds of a microsecond time (floor, before 1970 too). */
static int64_t us_to_s(int64_t us)
{
	return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/* Behavioural alerts: counted, kept for the summary and the store, and
 * written in the sightings' format as they come. */
static void on_alert(void *ctx, const struct ws_alert *a)
{
	struct job *j = ctx;
	struct ws_alert_list *l = &j->res->alerts;
	struct ws_alert copy;
	if (j->last_us && us_to_s(j->last_us) == a->ts) {
		/* Raised while this packet was read: its time, to the microsecond. */
		copy = *a;
		copy.ts_us = j->last_us;
		a = &copy;
	}
	l->count[a->kind]++;
	if (l->n < WS_ALERTS_KEPT) {
		if (!l->v)
			l->v = ws_xcalloc(WS_ALERTS_KEPT, sizeof(*l->v));
		l->v[l->n++] = *a;
	}
	if (j->to_out.alert)
		j->to_out.alert(j->to_out.ctx, a, j->path, j->simulated, NULL);
	if (j->sink && j->sink->to.alert && !j->stop &&
	    j->sink->to.alert(j->sink->to.ctx, a, j->path, j->simulated, &j->res->err) != 0) {
		j->res->rc = WS_EIO;
		j->stop = true;
	}
}

static void behav_start(struct job *j)
{
	if (j->behav || j->cfg->behaviour == WS_BEHAV_OFF)
		return;
	struct ws_behav_cfg c;
	ws_behav_defaults(&c);
	j->behav = ws_behav_new(&c, on_alert, j);
	size_t m = ws_behav_memory(j->behav);
	if (m > j->res->behav_memory)
		j->res->behav_memory = m;
}

static void behav_end(struct job *j)
{
	if (!j->behav)
		return;
	ws_behav_finish(j->behav, j->last_ts);
	ws_behav_free(j->behav);
	j->behav = NULL;
}

static void obs_segment(void *ctx, const struct ws_seg *s, int64_t ts_us, bool dark)
{
	struct job *j = ctx;
	j->last_us = ts_us;
	j->last_ts = us_to_s(ts_us);
	ws_behav_segment(j->behav, s, j->last_ts, dark);
}

static void obs_unreach(void *ctx, const struct ws_seg *q, int64_t ts_us)
{
	struct job *j = ctx;
	j->last_us = ts_us;
	j->last_ts = us_to_s(ts_us);
	ws_behav_unreach(j->behav, q, j->last_ts);
}

static void obs_head(void *ctx, const struct ws_seg *conn, const char *head, size_t n, int64_t ts)
{
	struct job *j = ctx;
	ws_behav_head(j->behav, conn, head, n, ts);
}

static bool on_capture_segment(void *ctx, const struct ws_seg *seg, int64_t ts)
{
	return ws_tele_segment(ctx, seg, ts);
}

static void on_live_started(void *ctx, const char *link)
{
	struct job *j = ctx;
	if (j->cfg->live_started)
		j->cfg->live_started(j->res->path, link, j->cfg->user);
}

static struct ws_pcap_opts capture_opts(struct job *j)
{
	struct ws_pcap_opts o = {.max_flows = j->cfg->max_flows, .bpf = j->cfg->bpf,
				 .emit = on_capture_request, .batch = on_capture_batch,
				 .started = on_live_started, .ctx = j};
	if (j->cfg->tele) {
		if (!j->res->tele)
			j->res->tele = ws_tele_new(j->cfg->tele);
		o.tap = on_capture_segment;
		o.tap_ctx = j->res->tele;
	}
	behav_start(j);
	if (j->behav) {
		j->obs = (struct ws_pcap_observer){.segment = obs_segment, .unreach = obs_unreach,
						   .head = obs_head, .ctx = j};
		o.observer = &j->obs;
	}
	return o;
}

/* The input is a packet capture: hand it to src/pcap. */
static void read_capture(struct job *j, struct ws_input *in, const char *head, size_t n)
{
	struct ws_job_result *r = j->res;
	/* simulate --emit-pcap marks its captures in the section header */
	r->tele_sample = 1;
	if (ws_pcapng_simulated(head, n, &r->tele_sample))
		j->simulated = true;
	struct ws_pcap_opts o = capture_opts(j);
	r->format = "pcap";
	struct ws_err read_err;
	int rc = ws_pcap_read(in, head, n, j->path, &o, &r->cap, &r->bytes, &read_err);
	behav_end(j);
	/* A decompression error met while reading the head names the cause
	 * better than libpcap's "truncated dump file" that follows it. */
	if (rc && !r->rc) {
		r->rc = rc;
		r->err = read_err;
	}
	capture_commit(j, r->rc == 0);
}

/* Hands everything before chunk[at] (a line start) to the sink, which
 * commits it with the offset. */
static void commit_at(struct job *j, size_t at, bool at_end)
{
	if (!j->sink || j->stop)
		return;
	size_t tl = at < WS_TAIL_BYTES ? at : WS_TAIL_BYTES;
	struct ws_job_result *r = j->res;
	int rc = j->sink->progress(j->sink->ctx, j->pos + at, j->line_no, j->chunk + at - tl, tl,
				   at_end && r->rc == 0, &r->err);
	if (rc) {
		r->rc = rc;
		j->stop = true;
	}
	j->since_commit = 0;
}

/* At a chunk's end: commit when a batch is full, or COMMIT_S seconds after
 * the last commit, so that a slow trickle is durable soon too. Larger
 * batches write each busy source's rollup once instead of many times. */
static bool chunk_commit_due(struct job *j)
{
	if (!j->sink)
		return false;
	if (j->sink->batch == 0 || j->since_commit >= j->sink->batch)
		return true;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int every = j->sink->commit_s ? j->sink->commit_s : COMMIT_S;
	if (every < 0)
		return false;
	if (j->last_commit_s == 0)
		j->last_commit_s = now.tv_sec;
	if (now.tv_sec >= j->last_commit_s + every) {
		j->last_commit_s = now.tv_sec;
		return true;
	}
	return false;
}

static void maybe_commit(struct job *j)
{
	if (j->sink && j->sink->batch && j->since_commit >= j->sink->batch)
		commit_at(j, j->next, false);
}

static int on_hit(size_t end, void *ctx)
{
	struct job *j = ctx;
	end += j->scan_from;
	if (end == 0 || end - 1 < j->next || end > j->complete)
		return 0; /* inside a line already processed */
	const char *c = j->chunk;
	size_t at = end - 1;
	const char *nl = memrchr(c + j->next, '\n', at - j->next);
	size_t start = nl ? (size_t)(nl - c) + 1 : j->next;
	const char *e = memchr(c + end, '\n', j->complete - end);
	size_t stop = e ? (size_t)(e - c) : j->complete;
	j->line_no += ws_count_newlines(c + j->next, start - j->next);
	do_line(j, c + start, stop - start, j->line_no);
	j->line_no++;
	j->next = stop < j->complete ? stop + 1 : j->complete;
	maybe_commit(j);
	if (j->stop)
		return 1;
	/* A long rest of the line: this pass ends and the next starts after
	 * the line. A real line can hold thousands of matches (a WebDAV
	 * overflow's \x90\x90...: 5,000 in 25 KB), each a callback that finds
	 * the line done; a new pass costs about a microsecond, so short lines
	 * just let their later matches come. */
	if (stop - (end - 1) < RESCAN_AFTER)
		return 0;
	j->hit = true;
	return 1;
}

/* Processes chunk[0..n), which ends at a line end (or at end of input). */
/* Parses every line of the chunk from j->next on. */
static void walk_lines(struct job *j, const char *chunk, size_t n)
{
	while (j->next < n) {
		const char *e = memchr(chunk + j->next, '\n', n - j->next);
		size_t stop = e ? (size_t)(e - chunk) : n;
		do_line(j, chunk + j->next, stop - j->next, j->line_no);
		j->line_no++;
		j->next = e ? stop + 1 : n;
		maybe_commit(j);
		if (j->stop)
			return;
	}
}

static void do_chunk(struct job *j, const char *chunk, size_t n, bool final)
{
	j->chunk = chunk;
	j->complete = n;
	j->next = 0;
	if (j->cfg->strict || !j->cfg->pf || j->behav) {
		walk_lines(j, chunk, n);
		return;
	}
	/* Nothing in this thread's scratch is shared, so the scan cannot fail
	 * short of a Hyperscan bug; if it does, parse the rest line by line
	 * rather than lose it. */
	do {
		j->scan_from = j->next;
		j->hit = false;
		if (ws_prefilter_scan(j->cfg->pf, j->scratch_pf, chunk + j->next, n - j->next,
				      on_hit, j) != 0 &&
		    !j->stop) {
			walk_lines(j, chunk, n);
			return;
		}
	} while (j->hit && !j->stop && j->next < n);
	/* Count the newlines after the last hit. */
	size_t rest = n - j->next;
	j->line_no += ws_count_newlines(chunk + j->next, rest);
	/* A final line without a newline is a line too. */
	if (final && rest && chunk[n - 1] != '\n')
		j->line_no++;
	j->next = n;
}

bool ws_scan_simulated_mark(const char *p, size_t n, size_t *len)
{
	/* The mark, then the end of the line or a space and whatever the writer
	 * added (simulate puts its version, configuration and seed there). */
	size_t m = sizeof(WS_SIMULATED_MARK) - 1;
	if (n < m || memcmp(p, WS_SIMULATED_MARK, m) != 0)
		return false;
	if (n > m && p[m] != '\n' && p[m] != '\r' && p[m] != ' ' && p[m] != '\t')
		return false;
	const char *nl = memchr(p + m, '\n', n - m);
	*len = nl ? (size_t)(nl - p) + 1 : n;
	return true;
}

/* Resuming: drops buf's bytes before the resume offset. W3C logs carry
 * their field list in directives, so those lines are still parsed. Returns
 * the bytes dropped. */
static size_t skip_before(struct job *j, char *buf, size_t have, bool eof)
{
	uint64_t left = j->skip_to - j->pos;
	size_t take = have < left ? have : (size_t)left;
	if (take < left && !eof) {
		/* stop at a line end so a directive is never cut */
		const char *nl = memrchr(buf, '\n', take);
		if (nl)
			take = (size_t)(nl - buf) + 1;
	}
	if (j->fmt.kind == WS_FMT_W3C) {
		for (size_t at = 0; at < take;) {
			const char *e = memchr(buf + at, '\n', take - at);
			size_t stop = e ? (size_t)(e - buf) : take;
			if (buf[at] == '#') {
				struct ws_request req;
				ws_logfmt_parse(&j->fmt, buf + at, stop - at, &req, &j->scratch);
			}
			at = e ? stop + 1 : take;
		}
	}
	memmove(buf, buf + take, have - take);
	j->pos += take;
	return take;
}

static void detect(struct job *j, const char *buf, size_t have, bool eof)
{
	/* Standard input cannot be read again to ask whether it was a log at
	 * all: judge its head now. */
	if (j->pos == 0 && strcmp(j->path, "-") == 0)
		j->res->look = (int)ws_scan_look(j->cfg, buf, have, eof);
	size_t ml = 0;
	if (j->pos == 0 && ws_scan_simulated_mark(buf, have, &ml)) {
		j->simulated = true;
		j->mark = true;
	}
	if (j->fmt.kind == WS_FMT_AUTO)
		j->fmt.kind = ws_logfmt_detect(buf + ml, have - ml);
	j->res->format = ws_logfmt_name(j->fmt.kind);
}

/* The input ended: the last line may lack its newline. A growing file's
 * last line may still be being written; --follow leaves it for later. */
static void final_chunk(struct job *j, struct ws_input *in, char *buf, size_t have)
{
	const char *last_nl = have ? memrchr(buf, '\n', have) : NULL;
	size_t complete = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
	if (j->sink && j->sink->hold_partial && complete < have &&
	    ws_input_compression(in) == WS_COMP_NONE && j->res->rc == 0) {
		do_chunk(j, buf, complete, false);
		commit_at(j, complete, false);
		return;
	}
	do_chunk(j, buf, have, true);
	commit_at(j, have, true);
}

/* Reads the whole input, handing complete lines to do_chunk. */
static void read_loop(struct job *j, struct ws_input *in, bool detected)
{
	struct ws_job_result *r = j->res;
	size_t cap = CHUNK;
	char *buf = ws_xmalloc(cap);
	size_t have = 0;
	bool eof = false, skipping = false;
	while (!eof && !j->stop) {
		size_t got = 0;
		int rc = ws_input_read(in, buf + have, cap - have, &got, &r->err);
		if (rc) {
			r->rc = rc; /* keep what was decoded; stop after it */
			eof = true;
		}
		if (got == 0)
			eof = true;
		r->bytes += got;
		have += got;
		if (j->pos < j->skip_to) {
			have -= skip_before(j, buf, have, eof);
			if (!eof)
				continue;
		}
		if (!detected && (have >= 65536 || eof)) {
			if (ws_pcap_is_capture(buf, have)) {
				read_capture(j, in, buf, have);
				break;
			}
			detect(j, buf, have, eof);
			detected = true;
		}
		if (!detected)
			continue;
		const char *last_nl = have ? memrchr(buf, '\n', have) : NULL;
		size_t complete = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
		if (skipping) {
			/* Dropping the rest of a line longer than MAX_LINE. */
			const char *nl = memchr(buf, '\n', have);
			if (!nl) {
				j->pos += have;
				have = 0;
				continue;
			}
			size_t drop = (size_t)(nl - buf) + 1;
			memmove(buf, buf + drop, have - drop);
			have -= drop;
			j->pos += drop;
			skipping = false;
			last_nl = have ? memrchr(buf, '\n', have) : NULL;
			complete = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
		}
		if (eof) {
			final_chunk(j, in, buf, have);
			have = 0;
			break;
		}
		if (complete == 0 && have == cap) {
			if (cap < MAX_LINE) {
				cap *= 2;
				buf = ws_xreallocarray(buf, cap, 1);
				continue;
			}
			/* One line of MAX_LINE bytes: classify what we have as a cut
			 * line, then skip to its end. */
			r->overlong++;
			j->line_is_cut = true;
			do_chunk(j, buf, have, true);
			j->line_is_cut = false; /* counted once, above; its tail is dropped */
			j->pos += have;
			have = 0;
			skipping = true;
			continue;
		}
		do_chunk(j, buf, complete, false);
		/* Interrupted: commit what was read with its offset first
		 * (commit_at does nothing once j->stop is set), or a rerun
		 * would read those lines again. */
		bool interrupted = j->sink && j->sink->stop && *j->sink->stop;
		if (!j->stop && (interrupted || chunk_commit_due(j)))
			commit_at(j, complete, false);
		if (interrupted)
			j->stop = true;
		memmove(buf, buf + complete, have - complete);
		have -= complete;
		j->pos += complete;
	}
	free(buf);
}

/* Opens path for a job starting at `sink`'s offset: plain files (other
 * than W3C, whose directives must be re-read) are entered with a seek,
 * others are read from the start and skipped. */
static int open_at(struct job *j, const char *path, const struct ws_scan_sink *sink,
		   struct ws_input **in)
{
	struct ws_job_result *r = j->res;
	int rc = ws_input_open(path, in, &r->err);
	if (rc || !sink || sink->offset == 0)
		return rc;
	if (j->fmt.kind == WS_FMT_AUTO)
		j->fmt.kind = (enum ws_fmt_kind)sink->kind;
	r->format = ws_logfmt_name(j->fmt.kind);
	j->simulated = sink->simulated;
	if (ws_input_compression(*in) != WS_COMP_NONE || j->fmt.kind == WS_FMT_W3C ||
	    strcmp(path, "-") == 0) {
		j->skip_to = sink->offset;
		return 0;
	}
	ws_input_close(*in);
	*in = NULL;
	rc = ws_input_open_range(path, sink->offset, UINT64_MAX - sink->offset, in, &r->err);
	j->pos = sink->offset;
	return rc;
}

/* The job's format writer: sightings in cfg->out to `out`. */
static void out_start(struct job *j, FILE *out)
{
	j->out = (struct ws_out_writer){.f = j->cfg->out, .out = out};
	if (j->cfg->out != WS_OUT_NONE)
		j->to_out = ws_out_writer_sink(&j->out);
}

static void run_job(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		    const char *path, const struct ws_range *range,
		    const struct ws_scan_sink *sink, FILE *out, struct ws_job_result *res)
{
	uint64_t first = range ? range->first_line : sink && sink->offset ? sink->line : 1;
	struct job j = {.cfg = cfg, .res = res, .path = path, .scratch_pf = scratch,
			.line_no = first, .sink = sink};
	out_start(&j, out);
	res->path = path;
	res->format = "?";
	struct ws_input *in = NULL;
	res->rc = ws_logfmt_init(&j.fmt, cfg->log_format, &cfg->tz, &res->err);
	if (res->rc)
		return;
	bool detected = false;
	if (range) {
		j.fmt.kind = (enum ws_fmt_kind)range->kind;
		res->rc = ws_input_open_range(path, range->off, range->len, &in, &res->err);
		j.pos = range->off; /* parts never start at a simulated mark */
		detected = true;
		res->format = ws_logfmt_name(j.fmt.kind);
	} else {
		res->rc = open_at(&j, path, sink, &in);
		detected = sink && sink->offset > 0;
	}
	if (res->rc == 0) {
		if (cfg->behaviour == WS_BEHAV_ALL)
			behav_start(&j);
		read_loop(&j, in, detected);
		behav_end(&j);
		res->raw_bytes = ws_input_raw_bytes(in);
	}
	if (in)
		ws_input_close(in);
	res->lines = j.line_no - first;
	res->simulated = j.simulated;
	ws_out_writer_free(&j.out);
	ws_buf_free(&j.scratch);
	ws_logfmt_free(&j.fmt);
}

void ws_scan_job(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		 const char *path, const struct ws_range *range, FILE *out,
		 struct ws_job_result *res)
{
	run_job(cfg, scratch, path, range, NULL, out, res);
}

void ws_scan_job_sink(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		      const char *path, const struct ws_scan_sink *sink, FILE *out,
		      struct ws_job_result *res)
{
	run_job(cfg, scratch, path, NULL, sink, out, res);
}

void ws_scan_part_sink(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		       const char *path, const struct ws_range *range,
		       const struct ws_scan_sink *sink, FILE *out, struct ws_job_result *res)
{
	run_job(cfg, scratch, path, range, sink, out, res);
}

void ws_scan_live(const struct ws_scan_config *cfg, const char *iface,
		  const struct ws_scan_sink *sink, FILE *out, struct ws_job_result *res)
{
	char *name = ws_xmalloc(strlen(iface) + 7);
	memcpy(name, "iface:", 6);
	memcpy(name + 6, iface, strlen(iface) + 1);
	struct job j = {.cfg = cfg, .res = res, .path = name, .sink = sink, .live = true};
	out_start(&j, out);
	res->path = iface;
	res->format = "live";
	struct ws_pcap_opts o = capture_opts(&j);
	int rc = ws_pcap_live(iface, cfg->user, &o, &res->cap, &res->err);
	behav_end(&j);
	if (rc)
		res->rc = rc;
	ws_out_writer_flush(&j.out, true);
	capture_commit(&j, false);
	ws_out_writer_free(&j.out);
	free(name);
}

/* A "PATH:LINE ..." text (an example, an odd field's place) renumbered by
 * `by`. Made longer, it is cut where a sequential job's text would be. */
static void shift_at(char *text, size_t cap, const char *path, uint64_t by)
{
	size_t pl = strlen(path);
	if (strncmp(text, path, pl) != 0 || text[pl] != ':')
		return;
	char *end;
	unsigned long long line = strtoull(text + pl + 1, &end, 10);
	struct ws_buf b = {0};
	ws_buf_printf(&b, "%s:%llu", path, line + by);
	ws_buf_adds(&b, end);
	size_t n = b.n < cap ? b.n : cap - 1;
	memcpy(text, b.p, n);
	text[n] = '\0';
	ws_buf_free(&b);
}

void ws_job_result_shift(struct ws_job_result *res, const char *path, uint64_t by)
{
	if (!by)
		return;
	for (int k = 0; k < res->n_compromised; k++)
		shift_at(res->compromised[k].text, sizeof(res->compromised[k].text), path, by);
	for (int k = 0; k < WS_N_ODD; k++)
		if (res->odd[k])
			shift_at(res->odd_at[k], sizeof(res->odd_at[k]), path, by);
	for (int k = 0; k < res->n_unparsable_at; k++)
		res->unparsable_at[k] += by;
}

void ws_job_result_merge(struct ws_job_result *dst, struct ws_job_result *src)
{
	ws_capture_stats_add(&dst->cap, &src->cap);
	for (int k = 0; k < 3; k++)
		dst->alerts.count[k] += src->alerts.count[k];
	for (size_t i = 0; i < src->alerts.n && dst->alerts.n < WS_ALERTS_KEPT; i++) {
		if (!dst->alerts.v)
			dst->alerts.v = ws_xcalloc(WS_ALERTS_KEPT, sizeof(*dst->alerts.v));
		dst->alerts.v[dst->alerts.n++] = src->alerts.v[i];
	}
	if (src->behav_memory > dst->behav_memory)
		dst->behav_memory = src->behav_memory;
	dst->lines += src->lines;
	dst->bytes += src->bytes;
	dst->raw_bytes += src->raw_bytes;
	dst->sightings += src->sightings;
	dst->ignored += src->ignored;
	dst->unparsable += src->unparsable;
	dst->overlong += src->overlong;
	for (int k = 0; k < WS_N_ODD; k++) {
		if (!dst->odd[k] && src->odd[k])
			memcpy(dst->odd_at[k], src->odd_at[k], sizeof(dst->odd_at[k]));
		dst->odd[k] += src->odd[k];
	}
	dst->simulated |= src->simulated;
	if (src->tele && !dst->tele) {
		dst->tele = src->tele;
		src->tele = NULL;
	} else if (src->tele) {
		ws_tele_merge(dst->tele, src->tele);
	}
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		struct ws_worm_stats *d = &dst->worms[w];
		const struct ws_worm_stats *s = &src->worms[w];
		d->requests += s->requests;
		d->compromised += s->compromised;
		for (int c = 0; c < 3; c++)
			d->by_conf[c] += s->by_conf[c];
		if (s->first < d->first)
			d->first = s->first;
		if (s->last > d->last)
			d->last = s->last;
	}
	ws_hosts_merge(&dst->hosts, &src->hosts);
	for (int i = 0; i < src->n_compromised && dst->n_compromised < WS_EXAMPLES; i++)
		dst->compromised[dst->n_compromised++] = src->compromised[i];
}
