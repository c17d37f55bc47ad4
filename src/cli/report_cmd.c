/* SPDX-License-Identifier: MIT */
/* `wormscope report`: reads the store's summary tables and writes the HTML
 * report. The page is built in memory and written to a temporary file beside
 * the target, then renamed, so a failed run never leaves half a page behind
 * (nor destroys the previous report). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/estimate_in.h"
#include "cli/opts.h"
#include "report/data.h"
#include "report/html.h"
#include "store/store.h"
#include "util/mem.h"

enum { OPT_DB = 256, OPT_TOP, OPT_TITLE };

static const struct ws_opt opts[] = {
    {"db", OPT_DB, "FILE|URI", "the store written by scan --db (required; opened read-only; a "
			       "file or a postgresql:// URI)"},
    {"output", 'o', "FILE", "where to write the page (default report.html; - for stdout)"},
    {"top", OPT_TOP, "N", "sources, networks and answers listed (default 20, at most 1000)"},
    {"title", OPT_TITLE, "TEXT", "the page heading (default \"wormscope report\")"},
    {"quiet", 'q', NULL, "do not say where the report was written"},
    {"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char about[] =
    "Writes one self-contained HTML page from a store: requests per hour by worm,\n"
    "the epidemic curve (distinct sources over time), top sources and /16 and /8\n"
    "networks, the answers per worm with compromised-looking ones called out, and\n"
    "the tables behind every chart. No script and no external resource; it opens\n"
    "offline. Everything taken from logs is escaped. Simulated data is marked.\n"
    "Exit status: 0 success, 2 usage, store or write error.";

struct args {
	const char *db, *out, *title;
	size_t top;
	bool quiet;
};

/* Returns -1 to go on, or the exit code. */
static int parse(int argc, char **argv, struct args *a)
{
	struct option *longs;
	char shorts[32];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		char *end;
		switch (c) {
		case OPT_DB: a->db = optarg; break;
		case 'o': a->out = optarg; break;
		case OPT_TITLE: a->title = optarg; break;
		case 'q': a->quiet = true; break;
		case OPT_TOP: {
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 || v > 1000 ||
			    optarg[0] == '-') {
				ws_cli_err("report", "--top: a number from 1 to 1000");
				rc = WS_EXIT_ERROR;
			}
			a->top = (size_t)v;
			break;
		}
		case 'h':
			ws_opts_help(stdout,
				     "wormscope report --db FILE [-o report.html] [options]", about,
				     opts, NOPTS);
			rc = 0;
			break;
		case ':':
			ws_cli_err("report", "option %s needs an argument", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
			break;
		default:
			ws_cli_err("report", "bad option (see --help)");
			rc = WS_EXIT_ERROR;
		}
	}
	free(longs);
	if (rc < 0 && optind < argc) {
		ws_cli_err("report", "unexpected argument '%s' (see --help)", argv[optind]);
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && !a->db) {
		ws_cli_err("report", "--db FILE is required (see --help)");
		rc = WS_EXIT_ERROR;
	}
	return rc;
}

/* Writes the page to path through a temporary file and rename(2). */
static int write_page(const char *path, const struct ws_buf *page)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(page->p, 1, page->n, stdout) != page->n || fflush(stdout) != 0) {
			ws_cli_err("report", "stdout: %s", strerror(errno));
			return WS_EXIT_ERROR;
		}
		return 0;
	}
	size_t n = strlen(path) + 16;
	char *tmp = ws_xmalloc(n);
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	int rc = WS_EXIT_ERROR;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		ws_cli_err("report", "%s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	size_t off = 0;
	while (off < page->n) {
		ssize_t k = write(fd, page->p + off, page->n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	int err = off < page->n ? errno : 0;
	/* mkstemp makes the file 0600; a report is meant to be shared like any
	 * file the user writes, so give it the usual umask-derived mode. */
	mode_t mask = umask(0);
	umask(mask);
	if (!err && fchmod(fd, 0666 & ~mask) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		ws_cli_err("report", "%s: %s", path, strerror(err ? err : EIO));
		unlink(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
	return rc;
}

/* True when path names the store or one of SQLite's files beside it: the
 * rename at the end would replace the store with the page. */
static bool is_store_file(const char *path, const char *db)
{
	struct stat o;
	if (strcmp(path, "-") == 0 || stat(path, &o) != 0)
		return false;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		char f[4096];
		struct stat s;
		snprintf(f, sizeof(f), "%s%s", db, suffix[i]);
		if (stat(f, &s) == 0 && s.st_dev == o.st_dev && s.st_ino == o.st_ino)
			return true;
	}
	return false;
}

int ws_cmd_report(int argc, char **argv)
{
	struct args a = {.out = "report.html", .top = 20};
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (ws_cli_check_store("report", a.db) != 0)
		return WS_EXIT_ERROR;
	if (is_store_file(a.out, a.db)) {
		ws_cli_err("report", "%s: is the store's own file; choose another -o", a.out);
		return WS_EXIT_ERROR;
	}
	struct ws_err err = {0};
	struct ws_store *st = NULL;
	struct ws_report_data d = {0};
	if (ws_store_open(a.db, WS_STORE_RO, &st, &err) != 0 ||
	    ws_store_report_data(st, a.top, &d, &err) != 0) {
		ws_cli_err("report", "%s", err.msg);
		if (st)
			ws_store_close(st, &err);
		ws_report_data_free(&d);
		return WS_EXIT_ERROR;
	}
	if (ws_store_close(st, &err) != 0) {
		ws_cli_err("report", "%s", err.msg);
		ws_report_data_free(&d);
		return WS_EXIT_ERROR;
	}
	if (!d.db_path)
		d.db_path = ws_xstrdup(a.db);
	/* SOURCE_DATE_EPOCH (reproducible-builds.org) pins the date shown, for
	 * byte-identical pages in tests and demos. */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct ws_report_opts o = {.title = a.title,
				   .generated_at =
				       sde && *sde ? strtoll(sde, NULL, 10) : (int64_t)time(NULL)};
	struct ws_buf svg = {0}, etext = {0}, why = {0};
	if (est_for_report(a.db, &svg, &etext, &why) == 0) {
		o.estimate_svg = svg.p;
		o.estimate_text = etext.p;
	} else {
		o.estimate_why = why.p;
	}
	struct ws_buf page = {0};
	ws_report_html(&page, &d, &o);
	ws_buf_free(&svg);
	ws_buf_free(&etext);
	ws_buf_free(&why);
	rc = write_page(a.out, &page);
	if (rc == 0 && !a.quiet && strcmp(a.out, "-") != 0)
		ws_cli_err("report", "wrote %s (%zu bytes, %llu sightings%s)", a.out,
			   page.n, (unsigned long long)d.sightings, d.simulated ? ", SIMULATED" : "");
	ws_buf_free(&page);
	ws_report_data_free(&d);
	return rc;
}
