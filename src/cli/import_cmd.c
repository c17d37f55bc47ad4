/* SPDX-License-Identifier: MIT */
/* `wormscope import --db FILE (--counts FILE | --caida FILE)` (issue 14):
 * puts what another monitor measured into the store as a view of its own,
 * beside the telescope and web-server views `scan` records, so that
 * `estimate --db` reads them all the same way.
 *
 *  - --counts: the per-interval layout time_utc,distinct_sources[,probes]
 *    (rows labelled by their interval's end) becomes a "counts" view with
 *    those counts at that interval;
 *  - --caida: CAIDA's Code-Red host table (start, end, six descriptive
 *    fields, and in a simulated table the address) becomes a "caida" view:
 *    one source per line and, per minute, hour and day, the hosts whose
 *    first-to-last span touches it.
 *
 * Both files are parsed by src/sim/observed.c. An import is an input like a
 * scanned file: an unchanged file is not imported twice, a table that grew
 * adds only its new rows, and the rows go in with the input's offset in one
 * transaction. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/opts.h"
#include "output/output.h"
#include "sim/observed.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/time.h"

enum { OPT_DB = 256, OPT_COUNTS, OPT_CAIDA, OPT_MONITORED, OPT_LABEL, OPT_SENSOR, OPT_INTERVAL };

static const struct ws_opt opts[] = {
	{"db", OPT_DB, "FILE", "the store (SQLite) to import into; created if absent"},
	{"counts", OPT_COUNTS, "FILE", "per-interval counts: CSV time_utc,distinct_sources[,probes], "
				       "rows labelled by their interval's end (UTC); intervals of "
				       "60, 3600 or 86400 s"},
	{"caida", OPT_CAIDA, "FILE", "CAIDA's Code-Red host table: tab-separated start, end (seconds "
				     "since the epoch), six descriptive fields, an optional address"},
	{"monitored", OPT_MONITORED, "N|CIDR", "addresses the monitor watched (required with "
					       "--counts; --caida: default the UCSD /8, 16777216)"},
	{"label", OPT_LABEL, "NAME", "the view's name (default: the file's name); files imported "
				     "under one label add to one view"},
	{"interval", OPT_INTERVAL, "SECONDS", "--counts: each row's interval (default: the spacing "
					      "of the first two rows)"},
	{"sensor", OPT_SENSOR, "NAME", "the sensor recorded with the input (default: the host name)"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char usage[] = "usage: wormscope import --db FILE (--counts FILE | --caida FILE) "
			    "[--monitored N|CIDR] [--label NAME] [--interval SECONDS]";

/* The UCSD Network Telescope that recorded CAIDA's table is a /8
 * ([CAIDA-DS], docs/sources.md). */
#define CAIDA_MONITORED 16777216.0

struct imp_args {
	const char *db, *file, *label, *sensor;
	bool caida;
	double monitored;
	int64_t interval;
};

static int parse_interval(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || !*s || (v != 60 && v != 3600 && v != 86400))
		return -1;
	*out = v;
	return 0;
}

static int one_opt(int c, struct imp_args *a)
{
	switch (c) {
	case OPT_DB: a->db = optarg; return 0;
	case OPT_LABEL: a->label = optarg; return 0;
	case OPT_SENSOR: a->sensor = optarg; return 0;
	case OPT_COUNTS:
	case OPT_CAIDA:
		if (a->file) {
			ws_cli_err("import", "one table at a time: --counts or --caida, once");
			return WS_EXIT_ERROR;
		}
		a->file = optarg;
		a->caida = c == OPT_CAIDA;
		return 0;
	case OPT_MONITORED:
		if (ws_opts_monitored(optarg, &a->monitored) == 0)
			return 0;
		ws_cli_err("import", "--monitored %s: not a count of addresses (1 to 4294967296) or "
				     "an IPv4 CIDR", optarg);
		return WS_EXIT_ERROR;
	case OPT_INTERVAL:
		if (parse_interval(optarg, &a->interval) == 0)
			return 0;
		ws_cli_err("import", "--interval %s: the store keeps counts per 60, 3600 or 86400 s",
			   optarg);
		return WS_EXIT_ERROR;
	case 'h':
		ws_opts_help(stdout, usage,
			     "Imports another monitor's measurements into the store as a view of "
			     "its own, for estimate --db. An unchanged file is not imported "
			     "twice; a table that grew adds its new rows.\nExit status: 0 "
			     "imported (or nothing new), 2 usage, file or store error.",
			     opts, NOPTS);
		return -1;
	default:
		ws_cli_err("import", "unknown option or missing argument (see --help)");
		return WS_EXIT_ERROR;
	}
}

static int parse_args(int argc, char **argv, struct imp_args *a)
{
	struct option *longs;
	char shorts[16];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1)
		rc = one_opt(c, a);
	free(longs);
	if (rc)
		return rc;
	if (optind < argc) {
		ws_cli_err("import", "unexpected argument '%s' (see --help)", argv[optind]);
		return WS_EXIT_ERROR;
	}
	if (!a->db || !a->file) {
		ws_cli_err("import", "needs --db FILE and one of --counts FILE, --caida FILE");
		return WS_EXIT_ERROR;
	}
	if (!a->caida && !(a->monitored > 0)) {
		ws_cli_err("import", "--counts needs --monitored N|CIDR: the counts mean nothing "
				     "for the outbreak without the size of the space they watched");
		return WS_EXIT_ERROR;
	}
	if (a->caida && a->interval) {
		ws_cli_err("import", "--interval goes with --counts (a host table has no intervals)");
		return WS_EXIT_ERROR;
	}
	return 0;
}

/* The file, whole (at most 2 GiB, as the parser allows). */
struct blob {
	char *p;
	size_t n;
};

static int read_all(const char *path, struct blob *b, struct stat *sb)
{
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), sb) != 0) {
		ws_cli_err("import", "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return WS_EXIT_ERROR;
	}
	if (!S_ISREG(sb->st_mode) || sb->st_size > ((off_t)2 << 30)) {
		ws_cli_err("import", "%s: %s", path, S_ISREG(sb->st_mode) ? "larger than 2 GiB"
									   : "not a regular file");
		fclose(f);
		return WS_EXIT_ERROR;
	}
	b->n = (size_t)sb->st_size;
	b->p = ws_xmalloc(b->n + 1);
	size_t got = fread(b->p, 1, b->n, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || got != b->n) {
		ws_cli_err("import", "%s: read failed (changed while read?)", path);
		free(b->p);
		return WS_EXIT_ERROR;
	}
	b->p[b->n] = 0;
	return 0;
}

static size_t blob_read(void *ctx, uint64_t off, char *buf, size_t n)
{
	const struct blob *b = ctx;
	if (off >= b->n)
		return 0;
	if (n > b->n - off)
		n = (size_t)(b->n - off);
	memcpy(buf, b->p + off, n);
	return n;
}

/* What the import added, for the closing line. */
struct added {
	size_t rows;
	int64_t view;
};

static int add_counts(struct ws_store *st, int64_t view, const struct ws_sim_obs *ob,
		      size_t skip, int64_t dt, struct ws_err *err)
{
	int rc = 0;
	for (size_t i = skip; i < ob->n && !rc; i++) {
		uint64_t probes = ob->probes ? (uint64_t)llround(ob->probes[i]) : 0;
		rc = ws_store_tele_count(st, view, dt, ob->t[i] - dt, probes,
					 (uint64_t)llround(ob->sources[i]), 0, err);
	}
	return rc;
}

/* The hosts whose [start, end] touches each interval of span s, by a
 * difference array over the intervals the new hosts cover. The range is
 * bounded: at most 2^24 intervals (32 years of minutes). */
static int add_active(struct ws_store *st, int64_t view, const struct ws_sim_obs *ob,
		      size_t skip, int64_t s, const char *path, struct ws_err *err)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = skip; i < ob->n; i++) {
		int64_t a = ws_floor_to((int64_t)floor(ob->hosts[i].start), s);
		int64_t b = ws_floor_to((int64_t)floor(ob->hosts[i].end), s);
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (lo > hi)
		return 0;
	uint64_t n = (uint64_t)((hi - lo) / s) + 1;
	if (n > (1u << 24))
		return ws_err_set(err, WS_EFORMAT, "%s: hosts span %llu intervals of %lld s: more "
				  "than %u", path, (unsigned long long)n, (long long)s, 1u << 24);
	int64_t *d = ws_xcalloc((size_t)n + 1, sizeof(*d));
	for (size_t i = skip; i < ob->n; i++) {
		d[(ws_floor_to((int64_t)floor(ob->hosts[i].start), s) - lo) / s]++;
		d[(ws_floor_to((int64_t)floor(ob->hosts[i].end), s) - lo) / s + 1]--;
	}
	int rc = 0;
	int64_t run = 0;
	for (uint64_t k = 0; k < n && !rc; k++) {
		run += d[k];
		if (run > 0)
			rc = ws_store_tele_count(st, view, s, lo + (int64_t)k * s, 0, (uint64_t)run, 0,
						 err);
	}
	free(d);
	return rc;
}

/* A table's hosts: one source each, keyed by its address when the table
 * gives one and by its line's rank otherwise (CAIDA leaves the address out
 * so that no infected computer is identified). */
static int add_caida(struct ws_store *st, int64_t view, const struct ws_sim_obs *ob,
		     size_t skip, bool simulated, const char *path, struct ws_err *err)
{
	int rc = 0;
	for (size_t i = skip; i < ob->n && !rc; i++) {
		const struct ws_sim_obs_host *h = &ob->hosts[i];
		int64_t first = (int64_t)floor(h->start), last = (int64_t)floor(h->end);
		uint32_t key = h->has_addr ? h->addr : (uint32_t)i;
		rc = ws_store_tele_source(st, view, key, first, last, first, 0, true, simulated,
					  err);
	}
	static const int64_t spans[3] = {60, 3600, 86400};
	for (int k = 0; k < 3 && !rc; k++)
		rc = add_active(st, view, ob, skip, spans[k], path, err);
	return rc;
}

/* The counts file's interval: --interval, else the first rows' spacing. */
static int counts_interval(const struct imp_args *a, const struct ws_sim_obs *ob, int64_t *dt)
{
	*dt = a->interval ? a->interval : ob->n >= 2 ? ob->t[1] - ob->t[0] : 0;
	if (*dt != 60 && *dt != 3600 && *dt != 86400) {
		ws_cli_err("import", "%s: rows %lld s apart: the store keeps counts per 60, 3600 or "
				     "86400 s (give --interval, or estimate the file with "
				     "estimate --counts)", a->file, (long long)*dt);
		return WS_EXIT_ERROR;
	}
	for (size_t i = 0; i < ob->n; i++)
		if (ob->t[i] % *dt) {
			ws_cli_err("import", "%s: row time %lld is not on the %lld s grid", a->file,
				   (long long)ob->t[i], (long long)*dt);
			return WS_EXIT_ERROR;
		}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Registers the file as an input, adds its new rows to the view and
 * commits them with the input's offset. */
static int import_rows(struct ws_store *st, const struct imp_args *a, const struct blob *b,
		       const struct stat *sb, const struct ws_sim_obs *ob, int64_t dt,
		       struct added *out, struct ws_err *err)
{
	size_t ml = strlen(WS_SIMULATED_MARK);
	bool simulated = b->n >= ml && memcmp(b->p, WS_SIMULATED_MARK, ml) == 0;
	struct ws_file_id id = {.dev = (uint64_t)sb->st_dev, .ino = (uint64_t)sb->st_ino,
				.size = (uint64_t)sb->st_size, .head = b->p,
				.head_len = b->n < WS_HEAD_BYTES ? b->n : WS_HEAD_BYTES};
	struct ws_store_file f;
	int rc = ws_store_file_begin(st, a->file, &id, blob_read, (void *)b,
				     a->caida ? "caida" : "counts", 0, simulated, &f, err);
	if (rc || f.done)
		return rc;
	/* a table that grew: its first f.lines rows are in the store */
	size_t skip = f.lines <= ob->n ? (size_t)f.lines : ob->n;
	double mon = a->monitored > 0 ? a->monitored : CAIDA_MONITORED;
	struct ws_store_tele_in in = {
		.kind = a->caida ? "caida" : "counts", .prefixes = a->label ? a->label
									     : base_name(a->file),
		.ports = "", .addresses = (uint64_t)mon, .start = INT64_MAX, .end = INT64_MIN,
		.sample = 1, .simulated = simulated || f.simulated};
	for (size_t i = skip; i < ob->n; i++) {
		int64_t t0 = a->caida ? (int64_t)floor(ob->hosts[i].start) : ob->t[i] - dt;
		int64_t t1 = a->caida ? (int64_t)floor(ob->hosts[i].end) : ob->t[i];
		in.start = t0 < in.start ? t0 : in.start;
		in.end = t1 > in.end ? t1 : in.end;
		in.probes += ob->probes ? (uint64_t)llround(ob->probes[i]) : 0;
		in.packets++;
	}
	rc = ws_store_tele_input(st, f.id, &in, &out->view, err);
	if (!rc)
		rc = a->caida ? add_caida(st, out->view, ob, skip, in.simulated, a->file, err)
			      : add_counts(st, out->view, ob, skip, dt, err);
	size_t tail = b->n < WS_HEAD_BYTES ? b->n : WS_HEAD_BYTES;
	if (!rc)
		rc = ws_store_file_progress(st, f.id, b->n, ob->n, b->p + b->n - tail, tail, true,
					    err);
	out->rows = ob->n - skip;
	return rc;
}

static int run_import(const struct imp_args *a, const struct blob *b, const struct stat *sb,
		      const struct ws_sim_obs *ob)
{
	int64_t dt = 0;
	if (!a->caida && counts_interval(a, ob, &dt))
		return WS_EXIT_ERROR;
	if (ws_cli_check_store("import", a->db))
		return WS_EXIT_ERROR;
	struct ws_store *st;
	struct ws_err err = {{0}};
	if (ws_store_open_as(a->db, WS_STORE_RW, a->sensor, &st, &err)) {
		ws_cli_err("import", "%s", err.msg);
		return WS_EXIT_ERROR;
	}
	struct added ad = {0};
	int rc = import_rows(st, a, b, sb, ob, dt, &ad, &err);
	struct ws_err cerr = {{0}};
	int crc = ws_store_close(st, &cerr);
	if (rc || crc) {
		ws_cli_err("import", "%s", rc ? err.msg : cerr.msg);
		return WS_EXIT_ERROR;
	}
	struct ws_buf m = {0};
	ws_cli_esc(&m, a->file);
	if (ad.rows == 0)
		printf("%s: already imported, nothing new\n", m.p);
	else
		printf("%s: imported %zu %s into view %lld (%s)\n", m.p, ad.rows,
		       a->caida ? "hosts" : "intervals", (long long)ad.view,
		       a->caida ? "caida" : "counts");
	ws_buf_free(&m);
	return 0;
}

int ws_cmd_import(int argc, char **argv)
{
	struct imp_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.label && (!*a.label || strlen(a.label) > 200)) {
		ws_cli_err("import", "--label: 1 to 200 bytes");
		return WS_EXIT_ERROR;
	}
	struct blob b;
	struct stat sb;
	if (read_all(a.file, &b, &sb))
		return WS_EXIT_ERROR;
	struct ws_sim_obs ob;
	struct ws_err err = {{0}};
	if (ws_sim_obs_parse(b.p, b.n, a.file, &ob, &err)) {
		ws_cli_err("import", "%s", err.msg);
		free(b.p);
		return WS_EXIT_ERROR;
	}
	if ((ob.kind == WS_SIM_OBS_CAIDA) != a.caida) {
		ws_cli_err("import", "%s: %s", a.file, a.caida ? "not a CAIDA host table (it has the "
								 "counts header): use --counts"
							       : "a CAIDA host table: use --caida");
		rc = WS_EXIT_ERROR;
	} else {
		rc = run_import(&a, &b, &sb, &ob);
	}
	ws_sim_obs_free(&ob);
	free(b.p);
	return rc;
}
