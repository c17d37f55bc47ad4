/* SPDX-License-Identifier: MIT */
/* Early warning by trend, not burst (Zou, Gao, Gong, Towsley, CCS 2003; ToN
 * 13(5) 2005): a Kalman filter estimates the growth rate of a per-interval
 * count (probes, or new sources) and raises the alarm once that estimate has
 * settled at a positive value. Feed it one count per interval, in time order;
 * it allocates nothing and keeps O(1) state.
 *
 * Model: the background b is the lowest level an EWMA of the counts has had
 * (constant scanners); the filter runs on the cumulative excess
 * Y_t = sum of (y_i - b) (a cumulative count keeps the regressor nearly free
 * of noise):
 *   y_t - b = alpha * Y_{t-1} - gamma + v_t
 * state theta = (alpha, gamma), a random walk with per-interval standard
 * deviation `drift` on alpha; gamma absorbs what of the background the EWMA
 * missed; v_t has variance phi * (y_t + 1), the Poisson variance times a
 * dispersion phi >= 1 estimated from the innovations. For an exponentially
 * growing count alpha = e^(K*dt) - 1 (K the growth constant). Constant and
 * wandering backgrounds keep alpha near or below 0, and fail rule 4.
 *
 * Alarm rule (all at once, at interval t; W = the window):
 *   1. at least `min_intervals` intervals since the first non-zero count;
 *   2. alpha > 0 and alpha > z * sd(alpha) (sd from the filter's covariance,
 *      which carries phi) at each of the last W intervals, where
 *      W = max(settle, intervals the estimate needs to double the count);
 *   3. over those W intervals, (max - min) of alpha <= settle_tol * their mean
 *      (the estimate has settled);
 *   4. the counts summed over the window's last quarter are at least
 *      WS_KALMAN_GROWTH times those of its first quarter (the trend is real).
 * The alarm time is the end of the first interval that meets the rule. */
#ifndef WS_ESTIMATE_KALMAN_H
#define WS_ESTIMATE_KALMAN_H

#include <stdbool.h>
#include <stddef.h>

/* Rules 3-4 look back at most this many intervals (a worm that doubles more
 * slowly than that is not alarmed on; use a longer interval). */
#define WS_KALMAN_WINDOW 512
/* Weight of the newest count in the background's EWMA. */
#define WS_KALMAN_EWMA 0.1
/* Rule 4's growth factor between the window's first and last quarter. */
#define WS_KALMAN_GROWTH 1.3

struct ws_kalman_params {
	int min_intervals; /* rule 1 (default 6) */
	int settle;        /* rule 3 window, at least (default 4), 1..WS_KALMAN_WINDOW */
	double z;          /* rule 2 (default 3) */
	double settle_tol; /* rule 3 (default 0.3) */
	double drift;      /* sd of alpha's random walk per interval (default 1e-3) */
};

/* The defaults above. */
struct ws_kalman_params ws_kalman_defaults(void);

struct ws_kalman {
	struct ws_kalman_params p;
	double th[3], P[3][3]; /* (alpha, unused, gamma) and their covariance */
	double prev;           /* cumulative count Y (of the excess over the background) */
	double ewma, base;     /* EWMA of the counts and its lowest value (the background) */
	double phi_sum;        /* sum of squared standardised innovations */
	long phi_n;
	long n;       /* intervals fed since the first non-zero count */
	long alarm;   /* index (0-based, over all intervals fed) of the alarm, or -1 */
	long fed;     /* intervals fed in all */
	double hist[WS_KALMAN_WINDOW]; /* alpha, NaN where rule 2 failed (ring by index) */
	double ys[WS_KALMAN_WINDOW];   /* the counts (same ring) */
	long hn;      /* valid entries in the rings */
};

/* Starts a filter; p NULL for the defaults. Returns WS_EUSAGE (and leaves k
 * unusable) when p is out of range, else 0. */
int ws_kalman_init(struct ws_kalman *k, const struct ws_kalman_params *p);

/* Feeds the count of the next interval (>= 0, finite; others are treated as 0).
 * Returns true on the interval where the alarm first fires. */
bool ws_kalman_step(struct ws_kalman *k, double count);

/* Current growth estimate alpha per interval and its standard deviation
 * (NaN before two intervals with data). */
double ws_kalman_alpha(const struct ws_kalman *k);
double ws_kalman_alpha_sd(const struct ws_kalman *k);
/* The dispersion phi in use (>= 1). */
double ws_kalman_phi(const struct ws_kalman *k);

#endif
