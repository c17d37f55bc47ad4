/* SPDX-License-Identifier: MIT */
/* One option table per command gives both getopt_long's table and --help. */
#ifndef WS_CLI_OPTS_H
#define WS_CLI_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "util/addr.h"
#include "util/mem.h"

struct ws_opt {
	const char *name; /* long name */
	int key;          /* short letter, or a value >= 256 for long-only */
	const char *arg;  /* argument name, NULL for a flag */
	const char *help;
};

/* Builds getopt_long's tables from opts (n entries). Caller frees *longs. */
void ws_opts_build(const struct ws_opt *opts, int n, struct option **longs, char *shorts,
		   size_t shorts_cap);
/* Prints usage, the description and the options table. */
void ws_opts_help(FILE *f, const char *usage, const char *about, const struct ws_opt *opts, int n);

/* Comma-separated CIDRs from --opt into set; -1 (after a message) on a bad one. */
int ws_opts_cidrs(const char *cmd, const char *opt, const char *arg, struct ws_cidrset *set);
/* Comma-separated worm ids into *mask (set afresh); -1 on an unknown id. */
int ws_opts_worms(const char *cmd, const char *arg, uint32_t *mask);

/* A monitored size: N addresses (1 to 2^32) or an IPv4 CIDR (its size).
 * Returns 0, or -1 (no message) when s is neither. */
int ws_opts_monitored(const char *s, double *out);

/* Prints "wormscope CMD: MESSAGE" and a newline on stderr (CMD NULL: just
 * "wormscope: "). The whole formatted message goes through ws_esc_text, so a
 * name the user gave (a file, a store, an interface, an option's value) that
 * holds control bytes reaches the terminal or the log as \xHH text. */
void ws_cli_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same text, escaped, appended to b without the prefix and newline. */
void ws_cli_esc(struct ws_buf *b, const char *s);

/* Before a store is opened: a directory, or a file of some bytes that do not
 * start with SQLite's header ("SQLite format 3\0"), is named as not a store
 * (SQLite itself would say "disk I/O error" or "file is corrupt"). A path
 * that does not exist or cannot be read is left to the store's own message.
 * Returns 0, or -1 after the message. */
int ws_cli_check_store(const char *cmd, const char *path);

/* Exit codes (grep's): */
enum { WS_EXIT_CLEAN = 0, WS_EXIT_FOUND = 1, WS_EXIT_ERROR = 2 };

int ws_cmd_scan(int argc, char **argv);
int ws_cmd_worms(int argc, char **argv);
int ws_cmd_hosts(int argc, char **argv);
int ws_cmd_report(int argc, char **argv);
int ws_cmd_guard(int argc, char **argv);
int ws_cmd_simulate(int argc, char **argv);
int ws_cmd_store(int argc, char **argv);
int ws_cmd_estimate(int argc, char **argv);
int ws_cmd_import(int argc, char **argv);

#endif
