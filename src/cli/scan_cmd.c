/* SPDX-License-Identifier: MIT */
/* `wormscope scan`: options, input expansion, the worker pool and the output
 * order. Inputs are scanned in parallel (-j), each into its own temporary
 * file; the main thread writes them out in input order, so the bytes on
 * stdout do not depend on -j. Test hook: WS_SCAN_SPLIT_MIN=BYTES splits
 * files from that size on (default 64 MiB) into -j parts, free cores or
 * not. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/opts.h"
#include "scan/summary.h"
#include "scan/look.h"
#include "scan/scan.h"
#include "logfmt/logfmt.h"
#include "input/input.h"
#include "util/cores.h"
#include "util/escape.h"
#include "util/lines.h"
#include "util/mem.h"
#include "scan/ingest.h"
#include "scan/split.h"
#include "store/store.h"
#include "cli/scan_tele.h"

enum {
	OPT_LOG_FORMAT = 256, OPT_TZ, OPT_HOME, OPT_IGNORE, OPT_STRICT, OPT_TOP, OPT_MINCONF,
	OPT_WORM, OPT_SUMMARY, OPT_DB, OPT_FOLLOW, OPT_BPF, OPT_MAX_FLOWS,
	OPT_TELE, OPT_TELE_PORTS, OPT_TELE_MAX, OPT_MONITORED, OPT_BEHAV, OPT_NO_BEHAV, OPT_SENSOR,
};

static const struct ws_opt opts[] = {
	{"format", 'f', "FMT", "text (the summary only; the default), or one sighting per line "
			       "as jsonl (also: json), csv or eve (Suricata EVE alerts)"},
	{"output", 'o', "FILE", "write sightings (with -f text: the summary) to FILE instead of "
				"stdout; without -f the format comes from FILE's name: .jsonl, .csv, "
				".json (EVE) or .txt (text)"},
	{"log-format", OPT_LOG_FORMAT, "FMT", "auto (default), common, combined, vhost_combined, "
					       "w3c, iis, json, error, or an Apache LogFormat / nginx "
					       "log_format string"},
	{"tz", OPT_TZ, "ZONE", "zone of logs without offsets (IIS native, error logs): UTC "
			       "(default), +HH:MM, or an IANA name"},
	{"home-net", OPT_HOME, "CIDR", "your networks: worm requests from them are flagged "
				       "(repeatable)"},
	{"ignore-src", OPT_IGNORE, "CIDR", "drop requests from these sources, e.g. your own "
					   "scanners (repeatable)"},
	{"worm", OPT_WORM, "ID,...", "report only these worm ids (see wormscope worms)"},
	{"min-confidence", OPT_MINCONF, "LEVEL", "heuristic (default), partial or exact"},
	{"strict", OPT_STRICT, NULL, "parse every line; count and name unparsable ones"},
	{"jobs", 'j', "N", "parallel jobs (default: the core count): several inputs at once, and a "
				   "large plain log in line-aligned parts, as many as cores are free at the start (with --db too, stored in order)"},
	{"top", OPT_TOP, "N", "sources listed in the summary (default 10)"},
	{"interface", 'i', "IFACE", "capture live on IFACE (root or CAP_NET_RAW) until SIGINT or "
				    "SIGTERM, then print the summary"},
	{"bpf", OPT_BPF, "FILTER", "capture filter (tcpdump syntax) for -i and for capture files"},
	{"user", 'Z', "USER", "with -i: become USER once the interface is open"},
	{"max-flows", OPT_MAX_FLOWS, "N", "TCP connections tracked at once in captures (default "
					  "65536); the idlest go first"},
	{"summary", OPT_SUMMARY, "WHERE", "auto (default: stdout for text, the -o file with text, "
					  "stderr with sightings), stdout, stderr or none"},
	{"quiet", 'q', NULL, "no summary, no progress; only sightings and errors"},
	{"db", OPT_DB, "FILE|URI", "also store sightings in this SQLite store (created if missing) "
				   "or PostgreSQL database (postgresql://...; PG* variables apply); "
			       "files already stored are resumed, never counted twice; inputs are "
			       "read one at a time, a large plain one in parallel parts (-j)"},
	{"sensor", OPT_SENSOR, "NAME", "with --db: the sensor (this web server, guard or capture "
				       "point) that saw these inputs, stored with every input and "
				       "sighting; inputs resume per sensor (default: the host name; "
				       "letters, digits and .-_:@, at most 128)"},
	{"follow", OPT_FOLLOW, NULL, "with --db: keep reading the inputs as they grow or rotate "
				     "(like tail -F) until SIGINT/SIGTERM"},
	{"telescope", OPT_TELE, "CIDR", "captures: this IPv4 prefix is unused space (a darknet); "
					"count every SYN from outside to it on --telescope-ports as a "
					"worm probe (repeatable; with --db stored per source and minute)"},
	{"telescope-ports", OPT_TELE_PORTS, "PORT,...", "the worm's ports for --telescope "
							 "(default 80)"},
	{"telescope-max-sources", OPT_TELE_MAX, "N", "distinct sources --telescope keeps (default "
						     "2097152: at most 96 MiB); more are counted only"},
	{"monitored-addresses", OPT_MONITORED, "N", "with --db: the web-server view watches N "
						    "addresses (default: one per server seen)"},
	{"behaviour", OPT_BEHAV, NULL, "behavioural detection on logs too (unknown outbreaks: "
				       "request shapes growing exponentially; parses every line). "
				       "Captures have it by default: scanners (TRW) and new worms "
				       "(content prevalence); see docs/behaviour.md"},
	{"no-behaviour", OPT_NO_BEHAV, NULL, "no behavioural detection, not even on captures"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char about[] =
	"Reads web-server logs (Apache/nginx NCSA, W3C extended, IIS native, JSON lines,\n"
	"Apache error logs; plain, gzip or zstd, detected by content; '-' is stdin;\n"
	"directories are read recursively), packet captures (pcap, pcapng, also\n"
	"compressed; every HTTP request of every TCP connection) or a live interface\n"
	"(-i), and names every Code Red I, Code Red II, Nimda and related IIS-worm\n"
	"request with its source host.\n"
	"Exit status: 0 no worm traffic, 1 worm traffic found, 2 usage or input error\n"
	"(also an input with no line in a known log format that is no capture, such as\n"
	"/etc/passwd or a binary file, and a run that read no log at all).";

static const char usage[] = "wormscope scan [options] [FILE|DIR|-]...";
static const char usage_live[] = "wormscope scan -i IFACE [options]";

/* A unit of work: a whole input, or one part of a large plain file. Parts of
 * one file are consecutive items; part k learns where its first line falls
 * by waiting for the newline counts of parts 0..k-1, which run concurrently. */
struct item {
	char *path;
	bool ranged;
	bool live;                  /* path is an interface to capture on */
	bool from_dir;              /* found inside a directory given as an input */
	struct ws_range range;
	size_t first_part;          /* index of part 0 of the same file */
	int split;                  /* > 1: the whole file in that many threads (scan/split.c) */
	uint64_t newlines;          /* newlines in the range, once counted (pool.mu) */
	bool counted;               /* (pool.mu) */
};

struct inputs {
	struct item *v;
	size_t n;
};

static void add_input(struct inputs *in, const char *p)
{
	in->v = ws_xreallocarray(in->v, in->n + 1, sizeof(*in->v));
	memset(&in->v[in->n], 0, sizeof(in->v[0]));
	in->v[in->n].path = ws_xstrdup(p);
	in->v[in->n].first_part = in->n;
	in->n++;
}

#define SPLIT_MIN (64ull << 20) /* files smaller than this are one job */

/* WS_SCAN_SPLIT_MIN (the test hook above), or 0. */
static uint64_t split_hook(void)
{
	const char *e = getenv("WS_SCAN_SPLIT_MIN");
	return e && *e ? strtoull(e, NULL, 10) : 0;
}

static uint64_t split_min(void)
{
	uint64_t h = split_hook();
	return h ? h : SPLIT_MIN;
}

/* At most `parts` parts, and no more than cores are free now (util/cores.h):
 * on a busy machine parts only time-slice. At least 1. */
static int parts_free(int parts)
{
	if (split_hook())
		return parts;
	int free_cores = ws_cores_free();
	if (free_cores < parts)
		parts = free_cores;
	return parts > 0 ? parts : 1;
}

/* Splits a large, plain, line-oriented file into `parts` ranges at line
 * starts. Returns false (and adds nothing) when it should stay whole. */
static bool add_split(struct inputs *in, const char *path, int parts, const char *log_format)
{
	struct stat st;
	if (parts < 2 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < split_min())
		return false;
	parts = parts_free(parts);
	if (parts < 2)
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char head[65536];
	size_t hn = fread(head, 1, sizeof(head), f);
	struct ws_logfmt fmt;
	struct ws_err err;
	size_t ml;
	bool ok = hn >= 4 && !ws_scan_simulated_mark(head, hn, &ml) &&
		  !((unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b) &&
		  !((unsigned char)head[0] == 0x28 && (unsigned char)head[1] == 0xb5) &&
		  !ws_pcap_is_capture(head, hn) &&
		  ws_logfmt_init(&fmt, log_format, NULL, &err) == 0;
	enum ws_fmt_kind kind = WS_FMT_AUTO;
	if (ok) {
		kind = fmt.kind == WS_FMT_AUTO ? ws_logfmt_detect(head, hn) : fmt.kind;
		ws_logfmt_free(&fmt);
		/* W3C's #Fields: state runs through the file: it cannot be cut. */
		ok = kind != WS_FMT_W3C;
	}
	uint64_t size = (uint64_t)st.st_size, start = 0;
	size_t first = in->n;
	for (int k = 0; ok && k < parts; k++) {
		uint64_t end = size;
		if (k < parts - 1) {
			/* Move the cut to just after the next newline. */
			end = size / (uint64_t)parts * (uint64_t)(k + 1);
			char buf[4096];
			for (;;) {
				if (fseeko(f, (off_t)end, SEEK_SET) != 0)
					break;
				size_t got = fread(buf, 1, sizeof(buf), f);
				if (got == 0) {
					end = size;
					break;
				}
				char *nl = memchr(buf, '\n', got);
				if (nl) {
					end += (uint64_t)(nl - buf) + 1;
					break;
				}
				end += got;
			}
		}
		if (end <= start)
			continue;
		add_input(in, path);
		struct item *it = &in->v[in->n - 1];
		it->ranged = true;
		it->first_part = first;
		it->range = (struct ws_range){.off = start, .len = end - start, .first_line = 1,
					      .kind = (int)kind};
		start = end;
	}
	fclose(f);
	return ok;
}

/* One large file whose sightings are written (a --format other than the
 * summary): scanned by scan/split.c, whose threads parse small parts while
 * this thread writes their sightings in order, numbering each part's lines
 * as it comes. Cut into -j ranges instead, every range but the last first
 * had to count its lines, and the second thread waited for that count
 * (-j 2 took 0.67x -j 1's time writing JSON Lines, 0.57x without them). */
static void one_split(struct inputs *in, const struct ws_scan_config *cfg)
{
	if (cfg->out == WS_OUT_NONE || in->n < 2)
		return;
	uint64_t size = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (!in->v[i].ranged || in->v[i].first_part != 0)
			return;
		size += in->v[i].range.len;
	}
	if (!ws_split_wanted(size, (int)in->n))
		return;
	struct item *it = &in->v[0];
	it->ranged = false;
	it->split = (int)in->n;
	it->range.len = size;
	for (size_t i = 1; i < in->n; i++)
		free(in->v[i].path);
	in->n = 1;
}

/* The whole of a large file in parts (one_split above). */
static void scan_split(const struct ws_scan_config *cfg, const struct item *it, FILE *out,
		       struct ws_job_result *res)
{
	struct ws_split sp = {.path = it->path, .line = 1, .size = it->range.len,
			      .kind = it->range.kind, .jobs = it->split, .batch = UINT64_MAX,
			      .commit_s = -1};
	res->path = it->path;
	res->format = ws_logfmt_name((enum ws_fmt_kind)it->range.kind);
	struct ws_err err;
	if (ws_split_ingest(NULL, cfg, &sp, out, res, &err) != 0 && res->rc == 0) {
		res->rc = WS_EIO;
		res->err = err;
	}
}

static int skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Adds files under dir, in name order, recursively. Returns -1 on error. */
static int add_dir(struct inputs *in, const char *dir, int depth)
{
	struct dirent **list;
	int n = scandir(dir, &list, skip_dot, alphasort);
	if (n < 0) {
		ws_cli_err("scan", "%s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) < (int)sizeof(path)) {
			struct stat st;
			if (stat(path, &st) != 0) {
				/* vanished or unreadable entry: nothing to scan */
			} else if (S_ISDIR(st.st_mode)) {
				if (depth < 32 && add_dir(in, path, depth + 1) < 0)
					rc = -1;
			} else if (S_ISREG(st.st_mode)) {
				add_input(in, path);
				in->v[in->n - 1].from_dir = true;
			}
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* ---- inputs that are not logs ----
 * An input that gave no sighting is looked at again: a clean log is
 * reported clean, but a file with no line in any known log format (and no
 * capture) must not be, or `scan /etc/passwd` would reassure. The scan
 * itself parses only candidate lines, so this reads the input's head (64
 * KiB, decompressed) and judges it as scan/look.h does; standard input,
 * which cannot be read twice, was judged by the scan from the head it read. */
static enum ws_look look_at(const struct ws_scan_config *cfg, const char *path)
{
	struct ws_input *in;
	struct ws_err err;
	if (ws_input_open(path, &in, &err) != 0)
		return WS_LOOK_LOG; /* the scan has said what went wrong */
	char *buf = ws_xmalloc(WS_LOOK_HEAD);
	size_t n = 0, got = 1;
	bool eof = false;
	while (n < WS_LOOK_HEAD && got) {
		if (ws_input_read(in, buf + n, WS_LOOK_HEAD - n, &got, &err) != 0)
			got = 0; /* judge what was decoded */
		n += got;
	}
	eof = got == 0;
	ws_input_close(in);
	enum ws_look look = ws_scan_look(cfg, buf, n, eof);
	free(buf);
	return look;
}

struct file_seen {
	bool read, found, err;
	uint64_t bytes;
	uint64_t part_lines; /* lines of the parts of a split file taken so far */
	int look; /* standard input: what the scan judged its head to be (enum ws_look) */
};

struct looked {
	int logs, not_logs, empty; /* inputs (whole files) of each kind */
};

/* Counts one whole input (all its parts read) and says what it is when it
 * is not a log. found: it gave sightings (or ignored requests) or was a
 * capture, so it is one. */
static void note_input(const struct ws_scan_config *cfg, const struct item *it,
		       const struct file_seen *fs, struct looked *k)
{
	enum ws_look l = WS_LOOK_LOG;
	if (fs->found || it->live)
		l = WS_LOOK_LOG;
	else if (strcmp(it->path, "-") == 0)
		l = fs->bytes ? (enum ws_look)fs->look : WS_LOOK_EMPTY;
	else
		l = look_at(cfg, it->path);
	switch (l) {
	case WS_LOOK_LOG: k->logs++; break;
	case WS_LOOK_EMPTY:
		/* empty rotated logs are common in a log folder: counted only */
		k->empty++;
		if (!it->from_dir)
			ws_cli_err("scan", "%s: empty", it->path);
		break;
	case WS_LOOK_BINARY:
	case WS_LOOK_TEXT:
		k->not_logs++;
		ws_cli_err("scan", "%s: not a log or capture (%s)",
			   strcmp(it->path, "-") == 0 ? "standard input" : it->path,
			   l == WS_LOOK_BINARY ? "binary data" : "text, but no line in a known log format");
		break;
	}
}

struct pool {
	const struct ws_scan_config *cfg;
	const struct ws_prefilter *pf;
	struct inputs *in;
	struct ws_job_result *res;
	FILE **tmp;
	bool *done;
	atomic_size_t next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool direct; /* one worker writing straight to the output */
	FILE *out;
};

/* Counts the part's newlines (unless it is its file's last: no part needs
 * them), then waits for the parts before it to do the same, to learn the
 * number of its first line. */
static bool locate_part(struct pool *p, size_t i)
{
	struct inputs *in = p->in;
	struct item *it = &in->v[i];
	struct ws_err err;
	uint64_t nl = 0;
	bool last = i + 1 == in->n || !in->v[i + 1].ranged || in->v[i + 1].first_part != it->first_part;
	bool ok = last ||
		  ws_input_count_newlines(it->path, it->range.off, it->range.len, &nl, &err) == 0;
	pthread_mutex_lock(&p->mu);
	it->newlines = ok ? nl : 0;
	it->counted = true;
	pthread_cond_broadcast(&p->cv);
	uint64_t first = 1;
	/* earlier parts were handed out before this one, so they are counting
	 * now; the wait is short */
	for (size_t k = it->first_part; k < i; k++) {
		while (!in->v[k].counted)
			pthread_cond_wait(&p->cv, &p->mu);
		first += in->v[k].newlines;
	}
	pthread_mutex_unlock(&p->mu);
	it->range.first_line = first;
	return ok;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct ws_prefilter_scratch *s = NULL;
	struct ws_err err;
	if (ws_prefilter_scratch_new(p->pf, &s, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		exit(WS_EXIT_ERROR);
	}
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->in->n)
			break;
		FILE *out = NULL;
		if (p->cfg->out != WS_OUT_NONE) {
			out = p->direct ? p->out : tmpfile();
			if (!out) {
				ws_cli_err("scan", "cannot create a temporary file: %s",
					   strerror(errno));
				exit(WS_EXIT_ERROR);
			}
		}
		struct item *it = &p->in->v[i];
		ws_job_result_init(&p->res[i]);
		if (it->live) {
			ws_scan_live(p->cfg, it->path, NULL, out, &p->res[i]);
		} else if (it->split) {
			scan_split(p->cfg, it, out, &p->res[i]);
		} else if (it->ranged && p->cfg->out != WS_OUT_NONE && !locate_part(p, i)) {
			/* (without sightings written, a part is scanned from line 1
			 * and renumbered as it is taken: no pass to count lines) */
			p->res[i].rc = WS_EIO;
			ws_err_set(&p->res[i].err, WS_EIO, "%s: cannot read part at offset %llu", it->path,
				   (unsigned long long)it->range.off);
		} else {
			ws_scan_job(p->cfg, s, it->path, it->ranged ? &it->range : NULL, out,
				    &p->res[i]);
		}
		pthread_mutex_lock(&p->mu);
		p->tmp[i] = p->direct ? NULL : out;
		p->done[i] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	ws_prefilter_scratch_free(s);
	return NULL;
}

static void copy_out(FILE *from, FILE *to)
{
	char buf[1 << 16];
	size_t n;
	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
	fclose(from);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* SIGINT/SIGTERM: a live capture's loop ends, and --db commits what was
 * read and ends the run cleanly; either way the summary is still printed. */
static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
	ws_pcap_stop();
}

static void catch_stop(void)
{
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct scan_args {
	struct ws_scan_config cfg;
	const char *output, *summary, *db, *sensor;
	const char *iface;
	int jobs, top;
	bool quiet, follow;
	bool format_given; /* -f was given */
	struct ws_cli_tele tele;
};

/* -f FMT; -1 to go on, else the exit code. */
static int format_opt(const char *v, struct scan_args *a)
{
	a->format_given = true;
	if (strcmp(v, "jsonl") == 0 || strcmp(v, "json") == 0)
		a->cfg.out = WS_OUT_JSONL;
	else if (strcmp(v, "csv") == 0)
		a->cfg.out = WS_OUT_CSV;
	else if (strcmp(v, "eve") == 0)
		a->cfg.out = WS_OUT_EVE;
	else if (strcmp(v, "text") == 0)
		a->cfg.out = WS_OUT_NONE;
	else {
		ws_cli_err("scan", "--format: text, jsonl (or json), csv or eve");
		return WS_EXIT_ERROR;
	}
	return -1;
}

/* --max-flows, -j, --top; -1 to go on, else the exit code. */
static int number_opt(int c, const char *s, struct scan_args *a)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (c == OPT_MAX_FLOWS) {
		a->cfg.max_flows = (uint32_t)(v < 16 ? 16 : v);
		if (*end || v < 16 || v > (1L << 24)) {
			ws_cli_err("scan", "--max-flows: a number from 16 to %ld, not '%s'", 1L << 24, s);
			return WS_EXIT_ERROR;
		}
		return -1;
	}
	*(c == 'j' ? &a->jobs : &a->top) = (int)v;
	if (*end || v < (c == 'j' ? 1 : 0) || v > 4096) {
		ws_cli_err("scan", "--%s: a number, not '%s'", c == 'j' ? "jobs" : "top", s);
		return WS_EXIT_ERROR;
	}
	return -1;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct scan_args *a)
{
	struct option *longs;
	char shorts[64];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 'f': rc = format_opt(optarg, a); break;
		case 'o': a->output = optarg; break;
		case OPT_LOG_FORMAT: a->cfg.log_format = optarg; break;
		case OPT_TZ:
			if (!ws_tz_parse(optarg, &a->cfg.tz)) {
				ws_cli_err("scan", "--tz: unknown zone '%s'", optarg);
				rc = WS_EXIT_ERROR;
			}
			break;
		case OPT_HOME:
			if (ws_opts_cidrs("scan", "home-net", optarg, &a->cfg.home) < 0)
				rc = WS_EXIT_ERROR;
			break;
		case OPT_IGNORE:
			if (ws_opts_cidrs("scan", "ignore-src", optarg, &a->cfg.ignore) < 0)
				rc = WS_EXIT_ERROR;
			break;
		case OPT_WORM:
			if (ws_opts_worms("scan", optarg, &a->cfg.worm_mask) < 0)
				rc = WS_EXIT_ERROR;
			break;
		case OPT_MINCONF: {
			int m = ws_conf_parse(optarg);
			if (m < 0) {
				ws_cli_err("scan", "--min-confidence: heuristic, partial or exact");
				rc = WS_EXIT_ERROR;
			}
			a->cfg.min_conf = (enum ws_confidence)(m < 0 ? 0 : m);
			break;
		}
		case OPT_STRICT: a->cfg.strict = true; break;
		case OPT_BEHAV: a->cfg.behaviour = WS_BEHAV_ALL; break;
		case OPT_NO_BEHAV: a->cfg.behaviour = WS_BEHAV_OFF; break;
		case 'i': a->iface = optarg; break;
		case 'Z': a->cfg.user = optarg; break;
		case OPT_BPF: a->cfg.bpf = optarg; break;
		case OPT_MAX_FLOWS:
		case 'j':
		case OPT_TOP: rc = number_opt(c, optarg, a); break;
		case OPT_SUMMARY:
			if (strcmp(optarg, "auto") && strcmp(optarg, "stdout") &&
			    strcmp(optarg, "stderr") && strcmp(optarg, "none")) {
				ws_cli_err("scan", "--summary: auto, stdout, stderr or none");
				rc = WS_EXIT_ERROR;
			}
			a->summary = optarg;
			break;
		case 'q': a->quiet = true; break;
		case OPT_DB: a->db = optarg; break;
		case OPT_SENSOR:
			if (!ws_store_sensor_ok(optarg)) {
				ws_cli_err("scan", "--sensor: 1 to %d letters, digits or .-_:@, not '%s'",
					   WS_SENSOR_MAX, optarg);
				rc = WS_EXIT_ERROR;
			}
			a->sensor = optarg;
			break;
		case OPT_FOLLOW: a->follow = true; break;
		case OPT_TELE:
		case OPT_TELE_PORTS:
		case OPT_TELE_MAX:
		case OPT_MONITORED:
			if (ws_cli_tele_opt(c == OPT_TELE	  ? "telescope"
					    : c == OPT_TELE_PORTS ? "telescope-ports"
					    : c == OPT_TELE_MAX	  ? "telescope-max-sources"
								  : "monitored-addresses",
					    optarg, &a->tele) != 0)
				rc = WS_EXIT_ERROR;
			break;
		case 'h':
			ws_opts_help(stdout, usage, about, opts, NOPTS);
			rc = WS_EXIT_CLEAN;
			break;
		case ':':
			ws_cli_err("scan", "option %s needs an argument", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
			break;
		default:
			ws_cli_err("scan", "unknown option %s (see --help)", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
		}
	}
	free(longs);
	return rc;
}

/* -o FILE without -f: the format FILE's name says, or -1 when it says none
 * (rather than write a file of nothing: the default writes no sightings). */
static int format_from_name(const char *path, enum ws_out_format *f)
{
	static const struct {
		const char *ext;
		enum ws_out_format f;
	} ext[] = {
		{".jsonl", WS_OUT_JSONL}, {".csv", WS_OUT_CSV}, {".json", WS_OUT_EVE},
		{".txt", WS_OUT_NONE},
	};
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');
	if (!dot || dot == base)
		return -1;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcasecmp(dot, ext[i].ext) == 0) {
			*f = ext[i].f;
			return 0;
		}
	return -1;
}

/* ---- --db: inputs go to the store one at a time, from this thread ---- */

struct db_run {
	struct ws_store *st;
	struct ws_prefilter_scratch *scratch;
	struct ws_ingest_opts io;
	bool failed;
	uint64_t why[6]; /* new, resumed, unchanged, rotated, truncated, replaced */
};

static const char *const why_names[6] = {"new", "resumed", "unchanged", "rotated", "truncated",
					 "replaced"};

static void store_notice(void *ctx, const char *msg)
{
	(void)ctx;
	ws_cli_err("scan", "%s", msg);
}

static int db_start(struct db_run *d, const struct scan_args *a, const struct ws_prefilter *pf)
{
	struct ws_err err;
	if (ws_store_open_as(a->db, WS_STORE_RW, a->sensor, &d->st, &err) != 0 ||
	    ws_prefilter_scratch_new(pf, &d->scratch, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		if (d->st)
			ws_store_close(d->st, &err);
		return -1;
	}
	ws_store_on_notice(d->st, store_notice, NULL);
	/* the web servers' view, with its monitored size when given */
	if (ws_store_tele_web(d->st, a->tele.monitored, &err) != 0 ||
	    ws_store_flush(d->st, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		ws_store_close(d->st, &err);
		return -1;
	}
	catch_stop();
	/* --behaviour follows trends through a whole log: never split it in parts. */
	d->io = (struct ws_ingest_opts){.follow = a->follow, .stop = &stop_flag,
					.notice = store_notice,
					.jobs = a->cfg.behaviour == WS_BEHAV_ALL ? 1 : a->jobs};
	return 0;
}

/* How many parts a large file goes in with --db: as without a store, at
 * most as many as cores are free. Smaller files keep -j: they are quick
 * either way, and sampling the load costs 5 ms. */
static int db_parts(const char *path, int jobs, bool live)
{
	struct stat sb;
	if (jobs < 2 || live || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size < SPLIT_MIN)
		return jobs;
	return parts_free(jobs);
}

/* Returns -1 when the store failed (the run ends). */
static int db_ingest(struct db_run *d, const struct ws_scan_config *cfg, const char *path,
		     bool live, FILE *out, struct ws_job_result *res)
{
	struct ws_err err;
	const char *why = "new";
	struct ws_ingest_opts io = d->io;
	io.live = live;
	io.jobs = db_parts(path, io.jobs, live);
	ws_job_result_init(res);
	if (d->failed || stop_flag || ws_ingest(d->st, cfg, d->scratch, path, &io, out, res, &why,
						&err) != 0) {
		if (!d->failed && !stop_flag) {
			ws_cli_err("scan", "%s", err.msg);
			d->failed = true;
		}
		ws_job_result_free(res);
		return -1;
	}
	for (int k = 0; k < 6; k++)
		if (strcmp(why, why_names[k]) == 0)
			d->why[k]++;
	return 0;
}

/* --follow: waits a second and says whether to read the inputs again. */
static bool db_next_pass(struct db_run *d, bool follow, FILE *out)
{
	if (!follow || d->failed || stop_flag)
		return false;
	fflush(out);
	struct timespec ts = {.tv_sec = 1};
	nanosleep(&ts, NULL); /* a signal cuts it short */
	return !stop_flag;
}

/* A live capture has started: said on stderr, the names escaped. */
static void say_live_started(const char *iface, const char *link, const char *user)
{
	struct ws_buf b = {0};
	ws_buf_adds(&b, "wormscope scan: capturing on ");
	ws_cli_esc(&b, iface);
	ws_buf_adds(&b, " (link type ");
	ws_cli_esc(&b, link);
	ws_buf_adds(&b, ")");
	if (user) {
		ws_buf_adds(&b, " as user ");
		ws_cli_esc(&b, user);
	}
	ws_buf_adds(&b, "\n");
	fwrite(b.p, 1, b.n, stderr);
	ws_buf_free(&b);
}

static void db_summary(struct ws_buf *b, const struct db_run *d, const char *path)
{
	ws_buf_adds(b, "Store ");
	ws_cli_esc(b, path);
	ws_buf_adds(b, ": inputs");
	bool any = false;
	for (int k = 0; k < 6; k++)
		if (d->why[k]) {
			ws_buf_printf(b, "%s %llu %s", any ? "," : "", (unsigned long long)d->why[k],
				      why_names[k]);
			any = true;
		}
	ws_buf_adds(b, any ? "\n" : " none\n");
}

static int db_finish(struct db_run *d)
{
	struct ws_err err;
	int rc = d->failed ? -1 : 0;
	if (ws_store_close(d->st, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		rc = -1;
	}
	ws_prefilter_scratch_free(d->scratch);
	return rc;
}

/* Checks the options against each other and what they name; -1 to go on,
 * else the exit code. */
static int check_args(struct scan_args *a, int argc, int rc)
{
	struct ws_err err;
	struct ws_logfmt probe;
	if (rc < 0 && ws_cli_tele_check(&a->tele, a->db != NULL) != 0)
		rc = WS_EXIT_ERROR;
	if (rc < 0 && a->tele.on)
		a->cfg.tele = &a->tele.conf;
	if (rc < 0 && a->follow && !a->db) {
		ws_cli_err("scan", "--follow needs --db FILE");
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && a->sensor && !a->db) {
		ws_cli_err("scan", "--sensor needs --db FILE");
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && a->output && !a->format_given && format_from_name(a->output, &a->cfg.out) != 0) {
		ws_cli_err("scan", "-o %s: the name does not say which format to write; give -f "
				   "jsonl, csv, eve or text, or name it .jsonl, .csv, .json (EVE) or "
				   ".txt", a->output);
		rc = WS_EXIT_ERROR;
	}
	if (rc >= 0)
		return rc;
	if (a->db && ws_cli_check_store("scan", a->db) != 0)
		return WS_EXIT_ERROR;
	if (ws_logfmt_init(&probe, a->cfg.log_format, &a->cfg.tz, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		return WS_EXIT_ERROR;
	}
	ws_logfmt_free(&probe);
	if (a->iface && optind < argc) {
		ws_cli_err("scan", "-i captures live; it takes no files");
		return WS_EXIT_ERROR;
	}
	if (a->cfg.bpf && ws_pcap_check_filter(a->cfg.bpf, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		return WS_EXIT_ERROR;
	}
	if (a->cfg.user && !a->iface) {
		ws_cli_err("scan", "-Z goes with -i");
		return WS_EXIT_ERROR;
	}
	return -1;
}

/* The inputs: the interface, standard input, or the files and directories
 * named; -1 to go on, else the exit code. */
static int gather_inputs(const struct scan_args *a, int argc, char **argv, struct inputs *in,
			 bool *input_error)
{
	if (a->iface) {
		add_input(in, a->iface);
		in->v[0].live = true;
		catch_stop();
	} else if (optind == argc) {
		if (isatty(STDIN_FILENO)) {
			/* nobody types a log: say how to give one instead of waiting */
			fprintf(stderr, "usage: %s\n       %s\n"
					"Give logs, captures or directories to scan, or '-' to read "
					"standard input (see --help).\n",
				usage, usage_live);
			return WS_EXIT_ERROR;
		}
		add_input(in, "-");
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (add_dir(in, argv[i], 0) < 0)
				*input_error = true;
		} else if (a->db || a->cfg.behaviour == WS_BEHAV_ALL ||
			   !add_split(in, argv[i], a->jobs, a->cfg.log_format)) {
			/* (--behaviour follows trends through a whole log: no parts) */
			add_input(in, argv[i]); /* missing files are reported by the job */
		}
	}
	one_split(in, &a->cfg);
	if (in->n > 0)
		return -1;
	/* only directories, none holding a file: nothing to scan is a usage
	 * error, not a clean result (an unreadable one was named already) */
	if (!*input_error && argc - optind == 1)
		ws_cli_err("scan", "%s: no files in it to scan", argv[optind]);
	else if (!*input_error)
		ws_cli_err("scan", "no files to scan in the directories given");
	return WS_EXIT_ERROR;
}

/* One run over the inputs: the workers (or the store, one input at a time),
 * and what their results add up to. */
struct run {
	struct scan_args *a;
	struct inputs *in;
	FILE *out;
	struct db_run db;
	struct pool p;
	pthread_t *th;
	size_t nworkers;
	struct ws_job_result total;
	struct ws_summary_opts so;
	char unparsable_at[WS_EXAMPLES][600];
	struct looked looked;
	struct file_seen *seen;
	int failed, files;
	bool input_error, live_dead, tty;
	double t0;
};

static void start_workers(struct run *r, const struct ws_prefilter *pf)
{
	struct inputs *in = r->in;
	r->nworkers = r->a->db ? 0 : (size_t)r->a->jobs < in->n ? (size_t)r->a->jobs : in->n;
	r->p = (struct pool){.cfg = &r->a->cfg, .pf = pf, .in = in, .out = r->out,
			     .direct = r->nworkers <= 1};
	r->p.res = ws_xcalloc(in->n, sizeof(*r->p.res));
	r->p.tmp = ws_xcalloc(in->n, sizeof(*r->p.tmp));
	r->p.done = ws_xcalloc(in->n, sizeof(*r->p.done));
	pthread_mutex_init(&r->p.mu, NULL);
	pthread_cond_init(&r->p.cv, NULL);
	r->th = ws_xcalloc(r->nworkers ? r->nworkers : 1, sizeof(*r->th));
	for (size_t i = 0; i < r->nworkers; i++)
		pthread_create(&r->th[i], NULL, worker, &r->p);
}

/* Input i's result: its output in order, its error, and its counts. */
static void take_result(struct run *r, size_t i, int pass)
{
	struct inputs *in = r->in;
	struct ws_job_result *res = &r->p.res[i];
	if (r->p.tmp[i])
		copy_out(r->p.tmp[i], r->out);
	if (res->rc) {
		ws_cli_err("scan", "%s", res->err.msg);
		r->failed++;
	}
	/* what the whole file (all its parts, every --follow pass) gave */
	struct file_seen *fs = &r->seen[in->v[i].ranged ? in->v[i].first_part : i];
	if (in->v[i].ranged) {
		if (in->v[i].first_part == i)
			fs->part_lines = 0;
		if (r->a->cfg.out == WS_OUT_NONE)
			ws_job_result_shift(res, in->v[i].path, fs->part_lines);
		fs->part_lines += res->lines;
	}
	fs->read = true;
	fs->found |= res->sightings || res->ignored || res->cap.captures || res->simulated;
	fs->err |= res->rc != 0;
	fs->bytes += res->bytes;
	if (pass == 0)
		fs->look = res->look;
	/* a capture that never started has nothing to sum up */
	r->live_dead |= in->v[i].live && res->rc && res->cap.packets == 0;
	struct ws_summary_opts *so = &r->so;
	for (int k = 0; k < res->n_unparsable_at && so->n_unparsable_at < WS_EXAMPLES; k++) {
		char *at = r->unparsable_at[so->n_unparsable_at];
		snprintf(at, sizeof(r->unparsable_at[0]), "%s:%llu", in->v[i].path,
			 (unsigned long long)res->unparsable_at[k]);
		so->unparsable_at[so->n_unparsable_at++] = at;
	}
	ws_job_result_merge(&r->total, res);
	ws_job_result_free(res);
	if (pass == 0 && (!in->v[i].ranged || in->v[i].first_part == i))
		r->files++;
	if (r->tty)
		fprintf(stderr, "\rscanned %zu/%zu inputs, %llu lines, %llu sightings", i + 1,
			in->n, (unsigned long long)r->total.lines,
			(unsigned long long)r->total.sightings);
}

/* Every input in order, once (again and again with --follow). */
static void scan_inputs(struct run *r)
{
	for (int pass = 0;; pass++) {
		for (size_t i = 0; i < r->in->n; i++) {
			if (r->a->db) {
				if (db_ingest(&r->db, &r->a->cfg, r->in->v[i].path, r->in->v[i].live,
					      r->out, &r->p.res[i]) != 0)
					break;
			} else {
				pthread_mutex_lock(&r->p.mu);
				while (!r->p.done[i])
					pthread_cond_wait(&r->p.cv, &r->p.mu);
				pthread_mutex_unlock(&r->p.mu);
			}
			take_result(r, i, pass);
		}
		if (!db_next_pass(&r->db, r->a->follow, r->out))
			break;
	}
	if (r->tty)
		fprintf(stderr, "\r\033[K");
	for (size_t i = 0; i < r->in->n; i++)
		if (r->seen[i].read && !r->seen[i].err)
			note_input(&r->a->cfg, &r->in->v[i], &r->seen[i], &r->looked);
	for (size_t i = 0; i < r->nworkers; i++)
		pthread_join(r->th[i], NULL);
}

/* The telescope's JSON summary after the sightings, and the output's end. */
static void finish_output(struct run *r)
{
	const struct scan_args *a = r->a;
	if (a->tele.on && !r->total.tele)
		r->total.tele = ws_tele_new(&a->tele.conf); /* no capture read: all zeros */
	if (r->total.tele && a->cfg.out == WS_OUT_JSONL) {
		struct ws_buf tb = {0};
		ws_tele_summary_json(&tb, r->total.tele, r->total.simulated);
		fwrite(tb.p, 1, tb.n, r->out);
		ws_buf_free(&tb);
	}
	fflush(r->out);
	if (ferror(r->out)) {
		ws_cli_err("scan", "error writing %s", a->output ? a->output : "stdout");
		r->failed++;
	}
}

static void print_summary(struct run *r)
{
	const struct scan_args *a = r->a;
	const char *where = a->summary;
	if (a->quiet || r->live_dead)
		where = "none";
	else if (strcmp(where, "auto") == 0)
		/* text with -o: the summary is what goes to the file */
		where = a->cfg.out != WS_OUT_NONE ? "stderr" : a->output ? "output" : "stdout";
	if (strcmp(where, "none") == 0)
		return;
	FILE *sf = strcmp(where, "stdout") == 0 ? stdout : strcmp(where, "output") == 0 ? r->out
											   : stderr;
	struct ws_summary_opts *so = &r->so;
	so->files = r->files;
	so->failed = r->failed;
	so->not_logs = r->looked.not_logs;
	so->empty = r->looked.empty;
	so->nothing_read = r->looked.logs == 0;
	so->seconds = now_s() - r->t0;
	so->color = isatty(fileno(sf)) && !getenv("NO_COLOR");
	struct ws_buf sb = {0};
	ws_summary_text(&sb, &r->total, so);
	if (r->total.tele)
		ws_tele_summary_text(&sb, r->total.tele, r->total.simulated);
	if (a->db)
		db_summary(&sb, &r->db, a->db);
	fwrite(sb.p, 1, sb.n, sf);
	ws_buf_free(&sb);
	if (sf == r->out && r->out != stdout && (fflush(r->out) != 0 || ferror(r->out))) {
		ws_cli_err("scan", "error writing %s", a->output);
		r->failed++;
	}
}

/* An input that is not a log, or a run that read no log at all, is not a
 * clean result. */
static int exit_code(const struct run *r)
{
	struct ws_tele_totals tt = {0};
	if (r->total.tele)
		ws_tele_totals(r->total.tele, &tt);
	if (r->failed || r->input_error || r->looked.not_logs || r->looked.logs == 0)
		return WS_EXIT_ERROR;
	return r->total.sightings || tt.probes || r->total.alerts.count[WS_ALERT_NEW_WORM] ||
			       r->total.alerts.count[WS_ALERT_OUTBREAK]
		       ? WS_EXIT_FOUND
		       : WS_EXIT_CLEAN;
}

static void free_run(struct run *r)
{
	ws_job_result_free(&r->total);
	free(r->seen);
	free(r->th);
	pthread_mutex_destroy(&r->p.mu);
	pthread_cond_destroy(&r->p.cv);
	free(r->p.res);
	free(r->p.tmp);
	free(r->p.done);
}

/* Scans the inputs into r->out (and the store); returns the exit code. */
static int scan_run(struct run *r, const struct ws_prefilter *pf)
{
	struct scan_args *a = r->a;
	if (a->db && db_start(&r->db, a, pf) != 0)
		return WS_EXIT_ERROR;
	r->t0 = now_s();
	struct ws_buf hdr = {0};
	ws_out_header(a->cfg.out, &hdr);
	if (hdr.n)
		fwrite(hdr.p, 1, hdr.n, r->out);
	ws_buf_free(&hdr);
	start_workers(r, pf);
	r->tty = isatty(STDERR_FILENO) && !a->quiet;
	ws_job_result_init(&r->total);
	r->so = (struct ws_summary_opts){.top = a->top, .strict = a->cfg.strict};
	r->seen = ws_xcalloc(r->in->n ? r->in->n : 1, sizeof(*r->seen));
	scan_inputs(r);
	finish_output(r);
	print_summary(r);
	if (a->db && db_finish(&r->db) != 0)
		r->failed++;
	int rc = exit_code(r);
	free_run(r);
	return rc;
}

int ws_cmd_scan(int argc, char **argv)
{
	struct scan_args a = {.cfg = {.log_format = "auto", .worm_mask = 0xffffffffu,
				       .live_started = say_live_started},
			      .summary = "auto", .top = 10};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	a.jobs = cores > 0 ? (int)cores : 1;
	struct inputs in = {0};
	struct run r = {.a = &a, .in = &in, .out = stdout};
	struct ws_prefilter *pf = NULL;
	struct ws_err err;
	int rc = check_args(&a, argc, parse_args(argc, argv, &a));
	if (rc < 0)
		rc = gather_inputs(&a, argc, argv, &in, &r.input_error);
	if (rc < 0 && a.output && !(r.out = fopen(a.output, "w"))) {
		ws_cli_err("scan", "%s: %s", a.output, strerror(errno));
		r.out = stdout;
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && ws_prefilter_new(&pf, &err) != 0) {
		ws_cli_err("scan", "%s", err.msg);
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0) {
		a.cfg.pf = pf;
		rc = scan_run(&r, pf);
	}
	ws_prefilter_free(pf);
	if (r.out != stdout)
		fclose(r.out);
	for (size_t i = 0; i < in.n; i++)
		free(in.v[i].path);
	free(in.v);
	ws_cidrset_free(&a.cfg.home);
	ws_cidrset_free(&a.cfg.ignore);
	return rc;
}
