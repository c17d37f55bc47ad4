/* The per-input pipeline. Bytes arrive in large chunks; only complete lines
 * are processed, and the partial last line is carried into the next chunk.
 *
 * Default mode: the Hyperscan pre-filter runs over the whole chunk and only
 * the lines it points at are parsed and classified; newlines are counted with
 * SIMD between hits so line numbers stay exact. --strict parses every line,
 * so unparsable lines anywhere are counted and named. */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

#include "logfmt/logfmt.h"
#include "util/lines.h"
#include "util/mem.h"
#include "util/escape.h"
#include "input/input.h"

#define CHUNK (8u << 20)        /* read size */
#define MAX_LINE (64u << 20)    /* longer lines are cut here and counted */
#define OUT_FLUSH (256u << 10)  /* sighting bytes buffered before a write */

struct job {
	const struct ws_scan_config *cfg;
	struct ws_job_result *res;
	struct ws_logfmt fmt;
	struct ws_buf scratch, out;
	FILE *outf;
	const char *path;
	struct ws_prefilter_scratch *scratch_pf;
	/* chunk walk state */
	const char *chunk;
	size_t complete;   /* bytes of complete lines in chunk */
	size_t next;       /* first byte not yet consumed by a processed line */
	uint64_t line_no;  /* line number of the line starting at `next` */
	bool line_is_cut;  /* the current line was cut at MAX_LINE */
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
}

static void flush_out(struct job *j, bool force)
{
	if (j->out.n && j->outf && (force || j->out.n >= OUT_FLUSH)) {
		fwrite(j->out.p, 1, j->out.n, j->outf);
		j->out.n = 0;
	}
}

static void note_unparsable(struct job *j, uint64_t line)
{
	struct ws_job_result *r = j->res;
	r->unparsable++;
	if (r->n_unparsable_at < WS_EXAMPLES)
		r->unparsable_at[r->n_unparsable_at++] = line;
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
	if (cfg->out != WS_OUT_NONE) {
		ws_out_sighting(cfg->out, &j->out, &s);
		flush_out(j, false);
	}
}

/* Classifies one request and records it when a reported worm claims it. */
static void do_request(struct job *j, const struct ws_request *req, uint64_t line)
{
	struct ws_verdict v;
	if (!ws_classify(req, &v))
		return;
	if (v.conf < j->cfg->min_conf || !(j->cfg->worm_mask & (1u << v.worm)))
		return;
	record(j, req, &v, line);
}

/* Parses and classifies one line (without its newline). */
static void do_line(struct job *j, const char *p, size_t n, uint64_t line)
{
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
	do_request(j, &req, line);
}

/* Requests rebuilt from a capture take the log lines' path; the frame
 * number stands for the line number. */
static void on_capture_request(void *ctx, const struct ws_request *req, uint64_t frame)
{
	do_request(ctx, req, frame);
}

static void on_capture_batch(void *ctx)
{
	struct job *j = ctx;
	flush_out(j, true);
	if (j->outf)
		fflush(j->outf);
}

static struct ws_pcap_opts capture_opts(struct job *j)
{
	return (struct ws_pcap_opts){.max_flows = j->cfg->max_flows, .bpf = j->cfg->bpf,
				     .emit = on_capture_request, .batch = on_capture_batch, .ctx = j};
}

/* The input is a packet capture: hand it to src/pcap. */
static void read_capture(struct job *j, struct ws_input *in, const char *head, size_t n)
{
	struct ws_job_result *r = j->res;
	struct ws_pcap_opts o = capture_opts(j);
	r->format = "pcap";
	struct ws_err read_err;
	int rc = ws_pcap_read(in, head, n, j->path, &o, &r->cap, &r->bytes, &read_err);
	/* A decompression error met while reading the head names the cause
	 * better than libpcap's "truncated dump file" that follows it. */
	if (rc && !r->rc) {
		r->rc = rc;
		r->err = read_err;
	}
}

static int on_hit(size_t end, void *ctx)
{
	struct job *j = ctx;
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
	return 0;
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
	}
}

static void do_chunk(struct job *j, const char *chunk, size_t n, bool final)
{
	j->chunk = chunk;
	j->complete = n;
	j->next = 0;
	if (j->cfg->strict || !j->cfg->pf) {
		walk_lines(j, chunk, n);
		return;
	}
	/* Nothing in this thread's scratch is shared, so the scan cannot fail
	 * short of a Hyperscan bug; if it does, parse the rest line by line
	 * rather than lose it. */
	if (ws_prefilter_scan(j->cfg->pf, j->scratch_pf, chunk, n, on_hit, j) != 0) {
		walk_lines(j, chunk, n);
		return;
	}
	/* Count the newlines after the last hit. */
	size_t rest = n - j->next;
	j->line_no += ws_count_newlines(chunk + j->next, rest);
	/* A final line without a newline is a line too. */
	if (final && rest && chunk[n - 1] != '\n')
		j->line_no++;
	j->next = n;
}

/* Reads the whole input, handing complete lines to do_chunk. */
static void read_loop(struct job *j, struct ws_input *in)
{
	struct ws_job_result *r = j->res;
	size_t cap = CHUNK;
	char *buf = ws_xmalloc(cap);
	size_t have = 0;
	bool detected = false, eof = false, skipping = false;
	while (!eof) {
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
		if (!detected && (have >= 65536 || eof)) {
			if (ws_pcap_is_capture(buf, have)) {
				read_capture(j, in, buf, have);
				break;
			}
			if (j->fmt.kind == WS_FMT_AUTO)
				j->fmt.kind = ws_logfmt_detect(buf, have);
			r->format = ws_logfmt_name(j->fmt.kind);
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
				have = 0;
				continue;
			}
			size_t drop = (size_t)(nl - buf) + 1;
			memmove(buf, buf + drop, have - drop);
			have -= drop;
			skipping = false;
			last_nl = have ? memrchr(buf, '\n', have) : NULL;
			complete = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
		}
		if (eof) {
			do_chunk(j, buf, have, true);
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
			have = 0;
			skipping = true;
			continue;
		}
		do_chunk(j, buf, complete, false);
		memmove(buf, buf + complete, have - complete);
		have -= complete;
	}
	free(buf);
}

void ws_scan_job(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		 const char *path, const struct ws_range *range, FILE *out,
		 struct ws_job_result *res)
{
	uint64_t first = range ? range->first_line : 1;
	struct job j = {.cfg = cfg, .res = res, .outf = out, .path = path, .scratch_pf = scratch,
			.line_no = first};
	res->path = path;
	res->format = "?";
	struct ws_input *in = NULL;
	res->rc = ws_logfmt_init(&j.fmt, cfg->log_format, &cfg->tz, &res->err);
	if (res->rc)
		return;
	if (range) {
		j.fmt.kind = (enum ws_fmt_kind)range->kind;
		res->rc = ws_input_open_range(path, range->off, range->len, &in, &res->err);
	} else {
		res->rc = ws_input_open(path, &in, &res->err);
	}
	if (res->rc == 0) {
		read_loop(&j, in);
		res->raw_bytes = ws_input_raw_bytes(in);
		ws_input_close(in);
	}
	res->lines = j.line_no - first;
	flush_out(&j, true);
	ws_buf_free(&j.out);
	ws_buf_free(&j.scratch);
	ws_logfmt_free(&j.fmt);
}

void ws_scan_live(const struct ws_scan_config *cfg, const char *iface, FILE *out,
		  struct ws_job_result *res)
{
	char *name = ws_xmalloc(strlen(iface) + 7);
	memcpy(name, "iface:", 6);
	memcpy(name + 6, iface, strlen(iface) + 1);
	struct job j = {.cfg = cfg, .res = res, .outf = out, .path = name};
	res->path = iface;
	res->format = "live";
	struct ws_pcap_opts o = capture_opts(&j);
	int rc = ws_pcap_live(iface, cfg->user, &o, &res->cap, &res->err);
	if (rc)
		res->rc = rc;
	flush_out(&j, true);
	ws_buf_free(&j.out);
	free(name);
}

void ws_job_result_merge(struct ws_job_result *dst, const struct ws_job_result *src)
{
	ws_capture_stats_add(&dst->cap, &src->cap);
	dst->lines += src->lines;
	dst->bytes += src->bytes;
	dst->raw_bytes += src->raw_bytes;
	dst->sightings += src->sightings;
	dst->ignored += src->ignored;
	dst->unparsable += src->unparsable;
	dst->overlong += src->overlong;
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
