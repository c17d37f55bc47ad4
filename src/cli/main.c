/* SPDX-License-Identifier: MIT */
/* wormscope: detect, measure and model Code Red II-class worm outbreaks.
 * This file dispatches to the commands; only cli/ knows about argv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "cli/hooks.h"
#include "cli/opts.h"
#include "util/mem.h"
#include "ws_version.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *about;
} commands[] = {
	{"scan", ws_cmd_scan, "detect worm requests in web-server logs and packet captures"},
	{"guard", ws_cmd_guard, "reverse proxy that answers worm requests itself"},
	{"worms", ws_cmd_worms, "list the worm table (ids, signatures, sources)"},
	{"hosts", ws_cmd_hosts, "list the sources a store has seen (scan --db), with filters"},
	{"report", ws_cmd_report, "write the HTML report (charts and tables) from a store"},
	{"store", ws_cmd_store, "store copy: move a store between SQLite and PostgreSQL"},
	{"estimate", ws_cmd_estimate, "estimate a whole outbreak (K, N, forecast) from one monitor's counts"},
	{"import", ws_cmd_import, "import another monitor's counts or CAIDA's host table into a store"},
	{"simulate", ws_cmd_simulate, "model an outbreak, its telescopes and server logs (SIMULATED)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: wormscope <command> [options]\n       wormscope --help | --version\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].about);
	fprintf(f, "\n'wormscope <command> --help' shows a command's options.\n"
		   "Exit codes: scan 0 = no worm traffic, 1 = worm traffic found, 2 = error;\n"
		   "other commands 0 = success, 2 = error.\n");
}

/* The library cannot go on without memory; the user hears why. */
static void out_of_memory(size_t n)
{
	fprintf(stderr, "wormscope: out of memory (asked for %zu bytes)\n", n);
	abort();
}

/* The pre-filter compiled at build time (scripts/prefilter-db.c). */
extern const unsigned char ws_prefilter_db[];
extern const size_t ws_prefilter_db_len;

int main(int argc, char **argv)
{
	ws_set_oom_hook(out_of_memory);
	ws_cli_test_hooks();
	ws_prefilter_prebuilt(ws_prefilter_db, ws_prefilter_db_len);
	if (argc < 2) {
		usage(stderr);
		return WS_EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("wormscope %s\n", WS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		for (int k = 2; k < argc && strcmp(argv[k], "--") != 0; k++)
			if (strcmp(argv[k], "--version") == 0) {
				printf("wormscope %s\n", WS_VERSION);
				return 0;
			}
		return commands[i].fn(argc - 1, argv + 1);
	}
	ws_cli_err(NULL, "unknown command '%s' (see wormscope --help)", cmd);
	return WS_EXIT_ERROR;
}
