/* SPDX-License-Identifier: MIT */
/* `wormscope store copy --from STORE --to STORE` (issue 16): moves a store
 * between engines, an SQLite file and a PostgreSQL database (either way).
 * The destination is created (a file) or must be an empty database. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "store/store.h"

enum { OPT_FROM = 256, OPT_TO };

static const struct ws_opt opts[] = {
	{"from", OPT_FROM, "FILE|URI", "the store to read (a file, or a postgresql:// URI)"},
	{"to", OPT_TO, "FILE|URI", "the store to write: a new file, or an empty PostgreSQL "
				   "database"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char about[] =
	"store copy moves a store between engines (SQLite file <-> PostgreSQL): every\n"
	"input with its sensor and offset (each sensor's next scan resumes where it\n"
	"stopped) and every sighting; the destination rebuilds its summaries from them.\n"
	"Telescope views and behavioural alerts are not copied.\n"
	"Exit status: 0 success, 2 usage or store error.";

static int parse(int argc, char **argv, const char **from, const char **to)
{
	struct option *longs;
	char shorts[16];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == OPT_FROM) {
			*from = optarg;
		} else if (c == OPT_TO) {
			*to = optarg;
		} else if (c == 'h') {
			ws_opts_help(stdout, "wormscope store copy --from STORE --to STORE", about,
				     opts, NOPTS);
			rc = WS_EXIT_CLEAN;
		} else {
			ws_cli_err("store", "unknown option or missing argument %s (see --help)",
				   argv[optind - 1]);
			rc = WS_EXIT_ERROR;
		}
	}
	free(longs);
	if (rc < 0 && optind < argc) {
		ws_cli_err("store", "unexpected argument '%s' (see --help)", argv[optind]);
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && (!*from || !*to)) {
		ws_cli_err("store", "copy needs --from and --to");
		rc = WS_EXIT_ERROR;
	}
	return rc;
}

int ws_cmd_store(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "copy") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			ws_opts_help(stdout, "wormscope store copy --from STORE --to STORE", about,
				     opts, NOPTS);
			return WS_EXIT_CLEAN;
		}
		ws_cli_err("store", "usage: wormscope store copy --from STORE --to STORE");
		return WS_EXIT_ERROR;
	}
	const char *from = NULL, *to = NULL;
	int rc = parse(argc - 1, argv + 1, &from, &to);
	if (rc >= 0)
		return rc;
	if (ws_cli_check_store("store", from) != 0 || ws_cli_check_store("store", to) != 0)
		return WS_EXIT_ERROR;
	struct ws_store *a = NULL, *b = NULL;
	struct ws_err err;
	uint64_t ni = 0, ns = 0;
	rc = ws_store_open(from, WS_STORE_RO, &a, &err);
	if (!rc)
		rc = ws_store_open(to, WS_STORE_RW, &b, &err);
	if (!rc)
		rc = ws_store_copy(a, b, &ni, &ns, &err);
	if (rc)
		ws_cli_err("store", "%s", err.msg);
	struct ws_err e2;
	if (b && ws_store_close(b, &e2) != 0 && !rc) {
		ws_cli_err("store", "%s", e2.msg);
		rc = WS_EIO;
	}
	if (a)
		ws_store_close(a, &e2);
	if (rc)
		return WS_EXIT_ERROR;
	fprintf(stderr, "wormscope store: copied %" PRIu64 " inputs and %" PRIu64 " sightings\n",
		ni, ns);
	return WS_EXIT_CLEAN;
}
