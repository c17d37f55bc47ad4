/* SPDX-License-Identifier: MIT */
/* From what one monitor saw to the whole outbreak: the random-constant-spread
 * (logistic) fit of per-interval counts, with 95 % profile-likelihood
 * intervals, the forecast of 50/90/99 %, a goodness-of-fit verdict that flags
 * a local (non-uniform) view, and the bias-corrected global curve. The model,
 * the estimators and their sources are in docs/estimate.md. Library code: it
 * prints nothing; errors come back in struct ws_err.
 *
 * Model (Staniford et al.'s RCS; time t in hours):
 *   I(t) = N / (1 + e^{-K (t - t_mid)})       infected hosts
 *   lambda = K * T / N                         monitor hits per host per hour
 * (uniform scanning at r = K * 2^32 / N probes per hour per host, T the
 * monitored addresses). Per interval of h hours, with p = 1 - e^{-lambda h}:
 *   distinct sources  ~ p * I(mid)
 *   probes            ~ lambda * integral of I over the interval
 *   new sources       ~ hosts first seen: the unseen pool U, dU = dI - lambda U dt
 * The counts are taken as independent Poisson with a dispersion phi
 * (quasi-likelihood); K, N and t_mid maximise it. */
#ifndef WS_ESTIMATE_FIT_H
#define WS_ESTIMATE_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/err.h"

/* At most this many intervals are read or forecast. */
#define WS_EST_MAX_INTERVALS 1000000
/* Fewer intervals with data than this cannot be fitted. */
#define WS_EST_MIN_INTERVALS 5

/* Per-interval observations; a NULL array is not known. Interval j covers
 * [t0 + j*dt, t0 + (j+1)*dt). Borrowed. */
struct ws_est_series {
	size_t n;
	int64_t t0, dt;   /* UTC seconds; dt > 0 */
	const double *active; /* distinct sources seen in the interval */
	const double *probes;
	const double *newsrc; /* sources first seen in the interval */
};

/* Per-source first sighting, for Wang, Chen and Chen's infection-time
 * estimator: first and last probe (UTC s) and the probes seen (0: unknown, as
 * in CAIDA's table). Borrowed. */
struct ws_est_source {
	double first, last;
	uint64_t probes;
};

struct ws_est_opts {
	double monitored;  /* T, monitored addresses (> 0, <= 2^32) */
	int64_t until;     /* use intervals that end by then (INT64_MAX: all) */
	const struct ws_est_source *sources; /* NULL when per-source data is absent */
	size_t n_sources;
};

enum ws_est_basis { WS_EST_ACTIVE, WS_EST_NEW, WS_EST_PROBES };

struct ws_est_result {
	/* Early warning (estimate/kalman.h) on probes, else new sources, else
	 * distinct sources, over the intervals used. */
	const char *alarm_on;      /* "probes", ... (static) */
	bool alarm;
	int64_t alarm_time;        /* end of the alarm interval, UTC s */
	double alarm_K;            /* growth estimate at the alarm, per hour */

	/* Fit. K per hour, N hosts, times UTC seconds (double). An open bound
	 * (the data do not close it) is NaN; so is every figure when !fitted. */
	bool fitted, fit_ok;
	enum ws_est_basis basis;
	size_t intervals_used;     /* intervals up to `until`, from the first with data */
	size_t first_used;         /* index of the first of them */
	double K, K_lo, K_hi, N, N_lo, N_hi, t_mid, t_mid_lo, t_mid_hi;
	double t50, t50_lo, t50_hi, t90, t90_lo, t90_hi, t99, t99_lo, t99_hi;
	double phi;                /* dispersion (Pearson chi^2 / (n - 3)) */
	double runs_z;             /* Wald-Wolfowitz runs test on residual signs */
	double misfit;             /* the basis' relative deviation from the curve beyond
				      Poisson noise: sqrt(sum((y-mu)^2 - mu) / sum(mu^2)), >= 0 */
	double x_obs, x_fit;       /* hits per source per interval: from probes/active, and
				      what uniform scanning at the fitted K, N gives (NaN: n/a) */
	bool local_view;           /* the monitor sees sources far more often than uniform
				      scanning allows: a local-preference worm seen from near */
	char verdict[512];         /* one line on the fit (why fit_ok is false, if it is) */

	/* Series over n_out intervals from the series' t0 (data, then forecast). */
	size_t n_out;
	double *observed;          /* the fitted basis; NaN past the data */
	double *fitted_obs;        /* its expected value under the fit */
	double *infected;          /* I at the interval's end, fitted */
	double *infected_lo, *infected_hi; /* 95 % band (delta method) */
	double *cum_seen;          /* cumulative sources seen (NaN without new sources) */
	double *zou;               /* Zou's corrected global infected (NaN: n/a) */
	double *wcc;               /* infected-time estimator curve (NaN: n/a) */
	double *volume;            /* distinct / p: the scan-volume estimate (NaN: n/a) */
	const char *zou_note, *wcc_note; /* why a correction is absent ("" if present) */
};

/* Runs the early warning and the fit. Returns 0, or WS_EUSAGE with a one-line
 * reason when the data cannot be estimated (too few intervals with data, no
 * monitored size, no counts at all). A fit that is poor still returns 0 with
 * fit_ok false and the reason in verdict. Caller frees with ws_est_free. */
int ws_est_run(const struct ws_est_series *s, const struct ws_est_opts *o,
	       struct ws_est_result *r, struct ws_err *err);
void ws_est_free(struct ws_est_result *r);

/* The basis's name: "distinct_sources", "new_sources", "probes" (static). */
const char *ws_est_basis_name(enum ws_est_basis b);

#endif
