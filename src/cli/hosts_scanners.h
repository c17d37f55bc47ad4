/* SPDX-License-Identifier: MIT */
/* `wormscope hosts --scanners`: the sources behavioural detection flagged
 * as scanners (Threshold Random Walk, src/behav), from the store's alerts. */
#ifndef WS_CLI_HOSTS_SCANNERS_H
#define WS_CLI_HOSTS_SCANNERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/addr.h"

struct ws_scanner_filter {
	int fmt;                        /* 0 text, 1 jsonl, 2 csv, 3 list (hosts' formats) */
	bool has_since, has_until;      /* on the time first flagged */
	int64_t since, until;
	const struct ws_cidrset *cidr;  /* n == 0: any */
};

/* Writes the scanners to stdout; returns 0 or a WS_E* code (err filled). */
int ws_hosts_scanners(struct ws_store *st, const struct ws_scanner_filter *f, struct ws_err *err);

#endif
