/* SPDX-License-Identifier: MIT */
/* Observed curves beside a simulation (simulator core): `simulate --observed
 * FILE` reads a measured series and compares the model with it.
 *
 * Two layouts are read, told apart by their first line that is not a
 * comment:
 *  - counts: a CSV with the header `time_utc,distinct_sources` or
 *    `time_utc,distinct_sources,probes` and one row per observation (an ISO
 *    8601 UTC time; counts >= 0), e.g. a site's distinct sources per hour;
 *  - CAIDA host table: tab-separated lines of at least 8 fields, the first
 *    the host's first-seen time in seconds since the epoch (fractional), as
 *    in CAIDA's Code-Red table (and `simulate --telescope-hosts`); the curve
 *    is the cumulative count of hosts first seen by each time.
 * Lines starting with '#' are comments everywhere. Bounds: at most
 * WS_SIM_OBS_MAX rows (hosts, for a table) and lines of WS_SIM_OBS_LINE
 * bytes; beyond them the file is refused, naming the line. */
#ifndef WS_SIM_OBSERVED_H
#define WS_SIM_OBSERVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "wormscope/err.h"

#define WS_SIM_OBS_MAX 10000000u
#define WS_SIM_OBS_LINE 4096

enum ws_sim_obs_kind { WS_SIM_OBS_COUNTS = 0, WS_SIM_OBS_CAIDA = 1 };

/* One host of a CAIDA table, as the file gives it: first and last probe
 * (seconds since the epoch, fractional; a last of "-" is the first) and, in
 * a simulated table, the address (its optional ninth field). */
struct ws_sim_obs_host {
	double start, end;
	uint32_t addr;            /* host order; valid when has_addr */
	bool has_addr;
};

struct ws_sim_obs {
	enum ws_sim_obs_kind kind;
	struct ws_sim_obs_host *hosts; /* a table's n hosts in file order (NULL for counts) */
	size_t n;                  /* points, in time order */
	int64_t *t;                /* UTC seconds */
	double *sources;           /* distinct sources (cumulative hosts for a table) */
	double *probes;            /* probes, when the file has them (else NULL) */
};

/* Parses the bytes of a file called name (for errors: "name:LINE: ..."). */
int ws_sim_obs_parse(const char *data, size_t len, const char *name, struct ws_sim_obs *o,
		     struct ws_err *e);
int ws_sim_obs_load(const char *path, struct ws_sim_obs *o, struct ws_err *e);
void ws_sim_obs_free(struct ws_sim_obs *o);

/* The model against the observation. */
struct ws_sim_obs_cmp {
	size_t n_in;               /* observed points inside the run's time span */
	double max_gap;            /* largest |observed - model| at the last of those points
	                            * in each output interval */
	double max_gap_share;      /* max_gap / N */
	int64_t max_gap_at;        /* when */
	double t50_obs, t50_model; /* UTC seconds at which each curve first reaches half its
	                            * own largest value, at the end of the output interval
	                            * holding it (NAN: not within the span) */
	double offset_s;           /* t50_model - t50_obs; NAN when either is missing */
	bool obs_levels;           /* the observation's largest value is not its last point */
	double k_obs;              /* growth constant (1/h): slope of ln(observed) over the
	                            * points up to half the largest (up to the largest when
	                            * the observation ends rising); NAN under 3 points */
};

/* Compares the median infected series of x (N = n_hosts) with o. The model
 * value at an observed time t is the median at the end of the first output
 * interval that ends at or after t (CSV rows are labelled by their end). */
void ws_sim_obs_compare(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			double n_hosts, const struct ws_sim_obs *o, struct ws_sim_obs_cmp *c);
/* That interval's index for time t, or -1 outside the run. */
long ws_sim_obs_row(const struct ws_sim_scenario *sc, size_t n_rows, int64_t t);

#endif
