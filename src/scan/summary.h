/* SPDX-License-Identifier: MIT */
/* The human-readable scan summary: per worm, top sources, compromised-looking
 * answers, and what was read: the text form of a job result (scan.h), so it
 * lives beside it. Appends text to a ws_buf. */
#ifndef WS_SCAN_SUMMARY_H
#define WS_SCAN_SUMMARY_H

#include "scan/scan.h"
#include "util/mem.h"

struct ws_summary_opts {
	int top;              /* how many sources to list */
	int files, failed;    /* inputs scanned, inputs with errors */
	int not_logs, empty;  /* inputs with no line in a known log format, empty inputs */
	bool nothing_read;    /* no input was read as a log or a capture */
	double seconds;       /* wall time */
	const char *unparsable_at[WS_EXAMPLES]; /* "file:line" of the first few */
	int n_unparsable_at;
	bool strict;
	bool color;
};

void ws_summary_text(struct ws_buf *b, const struct ws_job_result *total,
		     const struct ws_summary_opts *o);

#endif
