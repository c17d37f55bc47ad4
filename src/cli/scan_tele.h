/* SPDX-License-Identifier: MIT */
/* scan's telescope options (src/cli/scan_tele.c). */
#ifndef WS_CLI_SCAN_TELE_H
#define WS_CLI_SCAN_TELE_H

#include <stdbool.h>
#include <stdint.h>

#include "telescope/telescope.h"

struct ws_cli_tele {
	struct ws_tele_conf conf;
	bool on, ports_given, max_given;
	uint64_t monitored; /* --monitored-addresses, 0 = not given */
};

/* One option (its long name without dashes) and its argument; 0, or
 * WS_EXIT_ERROR after a message. */
int ws_cli_tele_opt(const char *opt, const char *arg, struct ws_cli_tele *t);
/* After all options: combinations, and the prefixes merged. */
int ws_cli_tele_check(struct ws_cli_tele *t, bool db);

#endif
