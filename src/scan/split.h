/* SPDX-License-Identifier: MIT */
/* `scan --db -j N` on a large plain file (and plain `scan -j N` writing the
 * sightings of one such file, with no store): the rest of the file after the
 * offset the store reached is cut into line-aligned parts that worker
 * threads parse and classify in parallel; the calling thread then hands each
 * part's sightings to the writer thread, strictly in part order, and commits
 * at part ends (every `batch` sightings, every few seconds, and at the
 * last), so the store, the resume point and the output are those of a
 * sequential run. Owner: the scan pipeline (issues 3, 13). */
#ifndef WS_STORE_SPLIT_H
#define WS_STORE_SPLIT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scan/scan.h"
#include "store/writer.h"

struct ws_split {
	const char *path;
	uint64_t offset, line; /* start: a line start and its line number */
	uint64_t size;         /* read up to here (the size the file was identified at) */
	int kind;              /* enum ws_fmt_kind found at the file's start */
	int jobs;              /* worker threads */
	uint64_t batch;        /* commit at the first part end after this many sightings */
	int commit_s;          /* longest seconds between commits (0: 5 s; < 0: by batch only) */
	const volatile sig_atomic_t *stop; /* set: stop after the parts already stored */
};

/* Whether `remaining` bytes are worth splitting across `jobs` threads (at
 * least two parts; the part size is WS_SPLIT_BYTES, or the test hook
 * WS_STORE_PART=BYTES). */
bool ws_split_wanted(uint64_t remaining, int jobs);
/* Scans sp's file in parts into w (the current input; NULL: no store, for
 * a plain scan writing its sightings) and out (cfg->out), adding the counts
 * of the parts stored to res. Input errors go to res as
 * in ws_scan_job (the parts before the failing one stay stored); a store
 * error is returned with err filled. */
int ws_split_ingest(struct ws_writer *w, const struct ws_scan_config *cfg,
		    const struct ws_split *sp, FILE *out, struct ws_job_result *res,
		    struct ws_err *err);

#endif
