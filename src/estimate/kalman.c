/* SPDX-License-Identifier: MIT */
/* Zou et al.'s trend detector; the model and the alarm rule are in kalman.h.
 * The filter is a two-state linear Kalman filter (a recursive least squares
 * with a slow random walk on alpha), so each step costs a few flops. */
#include "estimate/kalman.h"

#include <math.h>
#include <string.h>

#include "wormscope/err.h"

struct ws_kalman_params ws_kalman_defaults(void)
{
	return (struct ws_kalman_params){.min_intervals = 6, .settle = 4, .z = 3.0,
					 .settle_tol = 0.3, .drift = 1e-3};
}

int ws_kalman_init(struct ws_kalman *k, const struct ws_kalman_params *p)
{
	memset(k, 0, sizeof(*k));
	k->p = p ? *p : ws_kalman_defaults();
	const struct ws_kalman_params *q = &k->p;
	if (q->min_intervals < 2 || q->settle < 1 || q->settle > WS_KALMAN_WINDOW ||
	    !(q->z >= 0 && q->z < 1e6) || !(q->settle_tol > 0 && q->settle_tol < 1e6) ||
	    !(q->drift >= 0 && q->drift < 1e3))
		return WS_EUSAGE;
	k->alarm = -1;
	return 0;
}

/* Rules 3 and 4 over the last w intervals (w <= hn). */
static bool settled(const struct ws_kalman *k, long idx)
{
	double a = k->hist[idx % WS_KALMAN_WINDOW];
	if (k->n < k->p.min_intervals || !(a > 0))
		return false;
	long w = (long)ceil(log(2.0) / log1p(a));
	if (w < k->p.settle)
		w = k->p.settle;
	if (w > WS_KALMAN_WINDOW || w > k->hn)
		return false;
	double lo = INFINITY, hi = -INFINITY, sum = 0;
	for (long i = 0; i < w; i++) {
		double v = k->hist[(idx - i) % WS_KALMAN_WINDOW];
		if (!(v > 0)) /* NaN marks a step that failed rule 2 */
			return false;
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		sum += v;
	}
	if (hi - lo > k->p.settle_tol * (sum / (double)w))
		return false;
	long q = (w + 3) / 4;
	double first = 0, last = 0;
	for (long i = 0; i < q; i++) {
		last += k->ys[(idx - i) % WS_KALMAN_WINDOW];
		first += k->ys[(idx - w + 1 + i) % WS_KALMAN_WINDOW];
	}
	return last >= WS_KALMAN_GROWTH * first && last > 0;
}

bool ws_kalman_step(struct ws_kalman *k, double y)
{
	if (!(y >= 0) || !isfinite(y))
		y = 0;
	long idx = k->fed++;
	/* The background: the lowest level an EWMA of the counts has had. */
	k->ewma = k->fed == 1 ? y : k->ewma + WS_KALMAN_EWMA * (y - k->ewma);
	if (k->fed == 1 || k->ewma < k->base)
		k->base = k->ewma;
	double raw = y;
	y -= k->base;
	if (k->n == 0) {
		if (raw > 0) {
			k->n = 1;
			memset(k->th, 0, sizeof(k->th));
			memset(k->P, 0, sizeof(k->P));
			double g = 100.0 * raw;
			k->P[0][0] = 1.0;  /* alpha: a rate per interval */
			k->P[1][1] = 0;      /* unused */
			k->P[2][2] = g * g; /* gamma: what of the background is left */
		}
		k->prev = y > 0 ? y : 0;
		return false;
	}
	/* y_t - b = alpha * Y_{t-1} - gamma (the middle state is kept at zero). */
	double h[3] = {k->prev, 0.0, -1.0};
	k->n++;
	k->P[0][0] += k->p.drift * k->p.drift;
	double phi = ws_kalman_phi(k), rbase = raw + 1.0;
	double ph[3], s0 = 0, e = y;
	for (int i = 0; i < 3; i++) {
		ph[i] = k->P[i][0] * h[0] + k->P[i][1] * h[1] + k->P[i][2] * h[2];
		s0 += h[i] * ph[i];
		e -= h[i] * k->th[i];
	}
	double s = s0 + phi * rbase;
	if (k->n > 4) { /* past the diffuse start: innovations measure the noise */
		k->phi_sum += e * e / (s0 + rbase);
		k->phi_n++;
	}
	double g[3];
	for (int i = 0; i < 3; i++) {
		g[i] = ph[i] / s;
		k->th[i] += g[i] * e;
	}
	/* P -= g (H P); H P = (P H')' as P is symmetric. */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			k->P[i][j] -= g[i] * ph[j];
	for (int i = 0; i < 3; i++) {
		if (k->P[i][i] < 0)
			k->P[i][i] = 0;
		for (int j = 0; j < i; j++) /* keep it symmetric against rounding */
			k->P[i][j] = k->P[j][i] = 0.5 * (k->P[i][j] + k->P[j][i]);
	}
	k->prev += y;

	double a = k->th[0], sd = sqrt(k->P[0][0]);
	k->hist[idx % WS_KALMAN_WINDOW] = (a > 0 && a > k->p.z * sd) ? a : NAN;
	k->ys[idx % WS_KALMAN_WINDOW] = raw;
	if (k->hn < WS_KALMAN_WINDOW)
		k->hn++;
	if (k->alarm < 0 && settled(k, idx)) {
		k->alarm = idx;
		return true;
	}
	return false;
}

double ws_kalman_alpha(const struct ws_kalman *k)
{
	return k->n >= 2 ? k->th[0] : NAN;
}

double ws_kalman_alpha_sd(const struct ws_kalman *k)
{
	return k->n >= 2 ? sqrt(k->P[0][0]) : NAN;
}

double ws_kalman_phi(const struct ws_kalman *k)
{
	if (k->phi_n < 1)
		return 1.0;
	double phi = k->phi_sum / (double)k->phi_n;
	return phi > 1.0 ? phi : 1.0;
}
