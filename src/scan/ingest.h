/* SPDX-License-Identifier: MIT */
/* `scan --db`: one input into the store, resumably. The file is identified
 * (store/inputs.c), scanned from the offset reached before, and every batch
 * of sightings is committed together with the new offset. Owner: the store
 * (issue 3). */
#ifndef WS_STORE_INGEST_H
#define WS_STORE_INGEST_H

#include <stdbool.h>
#include <stdio.h>

#include "scan/scan.h"
#include "store/checkpoint.h"

struct ws_ingest_opts {
	bool follow;              /* leave an unfinished last line for the next pass */
	bool no_drain;            /* do not look for the rotated-away rest of the file */
	bool live;                /* path names an interface to capture on (scan -i) */
	uint64_t batch;           /* sightings per commit (0: the default) */
	int commit_s;             /* longest seconds between commits (0: 5 s; < 0: by batch only) */
	int jobs;                 /* > 1: a large plain file in parallel parts (scan/split.h) */
	const volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM: commit and return */
	/* What the user should know that is no error (a grown capture kept as
	 * stored): the caller says it (may be NULL). */
	void (*notice)(void *ctx, const char *msg);
	void *notice_ctx;
};

/* Scans path ("-": standard input, always read whole; with o->live, the
 * interface to capture on until stopped) into st, writing
 * sightings in cfg->out to out as well. Input errors go to res as in
 * ws_scan_job; a store error is returned (with err filled) and ends the run.
 * *why says what the store made of the file ("new", "resumed", ...). */
int ws_ingest(struct ws_store *st, const struct ws_scan_config *cfg,
	      struct ws_prefilter_scratch *scratch, const char *path,
	      const struct ws_ingest_opts *o, FILE *out, struct ws_job_result *res,
	      const char **why, struct ws_err *err);

#endif
