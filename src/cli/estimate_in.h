/* SPDX-License-Identifier: MIT */
/* What `wormscope estimate` estimates from: a regular series of intervals,
 * per-source first/last probes where known, and what the monitor was. Built
 * from a counts file (estimate_cmd.c) or a view of a store (estimate_db.c);
 * owned by the caller, freed with est_in_free. */
#ifndef WS_CLI_ESTIMATE_IN_H
#define WS_CLI_ESTIMATE_IN_H

#include <stdbool.h>
#include <stdint.h>

#include "estimate/fit.h"
#include "util/mem.h"

struct est_in {
	struct ws_est_series s;
	double *active, *probes, *newsrc;     /* the series' arrays (owned) */
	struct ws_est_source *src;            /* per source, or NULL */
	size_t n_src;
	double monitored;                     /* from the store's view (0: unknown) */
	double sample;                        /* share of probes a sampled capture kept */
	bool simulated;
	int64_t view;                         /* -1: not a store */
	char kind[16];                        /* the view's kind, "" for a file */
	struct ws_buf label;                  /* what was read, for the outputs (raw) */
};

void est_in_free(struct est_in *in);

/* Fills in from view `view` (-1: the default one) of the store at path,
 * at interval_s (0: the view's finest stored interval), restricted to worm
 * (-1: all) for a web view. Returns 0, or 2 after a one-line message. */
int est_in_from_store(const char *path, int64_t view, int64_t interval_s, int worm,
		      struct est_in *in);

#endif
