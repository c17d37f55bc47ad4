/* SPDX-License-Identifier: MIT */
/* The logistic fit, its intervals, the verdict and the corrections (fit.h).
 *
 * Likelihood: the sum, over the intervals used, of Poisson log-likelihoods of
 * every component the data have:
 *   A  distinct sources   mean lambda * integral over [a, b) of I(t) e^{-lambda (b - t)}:
 *      a host infected before a is seen with p = 1 - e^{-lambda h}, one infected
 *      at t in the interval with 1 - e^{-lambda (b - t)} (integrated by parts;
 *      Simpson's rule on 8 panels, as I(t) can grow fivefold in an hour)
 *   X  probes beyond the first of each source seen: mean A_obs * (P - A) / A with
 *      P = lambda * integral of I and A the mean above (for a host probing the whole
 *      interval, m(x) - 1 with m(x) = x / (1 - e^{-x}); only with A and probes)
 *   W  new sources        the unseen pool's first sightings
 *   P  probes             lambda * integral of I (only without A)
 * A and P alone fix K and the shape but not N (with small p they are
 * K * T * h * a(t), N cancels); X (how often one source hits the monitor) and
 * W (the pool of sources not yet seen running dry) carry N. The maximum is
 * found by Levenberg-Marquardt on (ln K, ln N, t_mid) with Fisher scoring;
 * each 95 % interval is where the profile deviance rises by 3.84 * phi
 * (quasi-likelihood; phi = Pearson chi^2 / (n - 3)); the times to 50/90/99 %
 * and the band of I(t) use the delta method on the same fit. */
#include "estimate/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/kalman.h"
#include "util/mem.h"

#define SPACE 4294967296.0
#define NP 3

struct model {
	const struct ws_est_series *s;
	double T, h; /* monitored addresses; interval in hours */
	size_t j0, n; /* intervals used: [j0, j0 + n) */
	bool use_a, use_x, use_w, use_p;
	size_t nobs;  /* observations in the likelihood */
	double *y, *mu; /* nobs each */
};

static double sigm(double x)
{
	return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

static double softplus(double x)
{
	return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* m(x) - 1 = x / (1 - e^-x) - 1, accurate for small x. */
static double extra_hits(double x)
{
	if (x < 1e-6)
		return x / 2;
	return x / -expm1(-x) - 1.0;
}

static double inf_at(const double *th, double t)
{
	return exp(th[1]) * sigm(exp(th[0]) * (t - th[2]));
}

/* The expected distinct sources of [a, a + h): lambda * integral of
 * I(t) e^{-lambda (a + h - t)} dt, by Simpson's rule on 8 panels. */
static double seen_in(const double *th, double a, double h, double lam)
{
	enum { PANELS = 8 };
	double step = h / PANELS, sum = 0;
	for (int k = 0; k <= PANELS; k++) {
		double t = a + k * step, w = k == 0 || k == PANELS ? 1 : k % 2 ? 4 : 2;
		sum += w * inf_at(th, t) * exp(-lam * (h - k * step));
	}
	return lam * sum * step / 3;
}

/* The means of every observation under th, into mu (nobs). */
static void means(const struct model *m, const double *th, double *mu)
{
	double K = exp(th[0]), N = exp(th[1]), h = m->h;
	double lam = K * m->T / N, x = lam * h;
	double e = exp(-x), frac = x > 1e-12 ? -expm1(-x) / x : 1.0;
	size_t k = 0;
	double a0 = (double)m->j0 * h;
	double U = inf_at(th, a0) * K / (K + lam);
	for (size_t i = 0; i < m->n; i++) {
		size_t j = m->j0 + i;
		double a = (double)j * h, b = a + h;
		double Ia = inf_at(th, a), Ib = inf_at(th, b);
		double S = m->use_a || m->use_x ? seen_in(th, a, h, lam) : 0;
		double F = (N / K) * (softplus(K * (b - th[2])) - softplus(K * (a - th[2])));
		if (m->use_a)
			mu[k++] = S;
		/* the sources seen hit (probes - seen) / seen times more each:
		 * fewer than m(x) - 1 when some were infected during the interval */
		if (m->use_x)
			mu[k++] = S > 1e-300 ? m->s->active[j] * fmax(lam * F - S, 0) / S
					     : m->s->active[j] * extra_hits(x);
		if (m->use_w) {
			double dI = Ib - Ia, Ub = U * e + dI * frac;
			mu[k++] = dI - (Ub - U);
			U = Ub;
		}
		if (m->use_p)
			mu[k++] = lam * F;
	}
	for (size_t i = 0; i < m->nobs; i++)
		if (!(mu[i] > 1e-12))
			mu[i] = 1e-12;
}

static double deviance(const struct model *m, const double *mu)
{
	double d = 0;
	for (size_t i = 0; i < m->nobs; i++) {
		double y = m->y[i];
		d += (y > 0 ? y * log(y / mu[i]) : 0) - (y - mu[i]);
	}
	return 2 * d;
}

static double dev_at(const struct model *m, const double *th)
{
	means(m, th, m->mu);
	return deviance(m, m->mu);
}

/* Solves the k x k system a x = b (Gaussian elimination with pivoting);
 * false when singular. */
static bool solve(int k, double a[NP][NP], double *b, double *x)
{
	double M[NP][NP + 1];
	for (int i = 0; i < k; i++) {
		for (int j = 0; j < k; j++)
			M[i][j] = a[i][j];
		M[i][k] = b[i];
	}
	for (int c = 0; c < k; c++) {
		int piv = c;
		for (int r = c + 1; r < k; r++)
			if (fabs(M[r][c]) > fabs(M[piv][c]))
				piv = r;
		if (!(fabs(M[piv][c]) > 1e-300))
			return false;
		for (int j = 0; j <= k; j++) {
			double t = M[c][j];
			M[c][j] = M[piv][j];
			M[piv][j] = t;
		}
		for (int r = 0; r < k; r++) {
			if (r == c)
				continue;
			double f = M[r][c] / M[c][c];
			for (int j = c; j <= k; j++)
				M[r][j] -= f * M[c][j];
		}
	}
	for (int i = 0; i < k; i++)
		x[i] = M[i][k] / M[i][i];
	return true;
}

/* Fisher information J' W J over the free parameters (mask), at th. */
static void fisher(const struct model *m, const double *th, const bool *free_, double A[NP][NP],
		   double *g, double *jac)
{
	double *mu0 = ws_xmalloc(m->nobs * sizeof(double));
	means(m, th, mu0);
	int idx[NP], k = 0;
	for (int i = 0; i < NP; i++)
		if (free_[i])
			idx[k++] = i;
	for (int c = 0; c < k; c++) {
		double t2[NP] = {th[0], th[1], th[2]};
		double step = 1e-6 * fmax(1.0, fabs(th[idx[c]]));
		t2[idx[c]] += step;
		means(m, t2, jac + (size_t)c * m->nobs);
		for (size_t i = 0; i < m->nobs; i++)
			jac[(size_t)c * m->nobs + i] = (jac[(size_t)c * m->nobs + i] - mu0[i]) / step;
	}
	for (int a = 0; a < k; a++) {
		g[a] = 0;
		for (int b = 0; b < k; b++)
			A[a][b] = 0;
	}
	for (size_t i = 0; i < m->nobs; i++) {
		double w = 1.0 / mu0[i], r = m->y[i] - mu0[i];
		for (int a = 0; a < k; a++) {
			double ja = jac[(size_t)a * m->nobs + i];
			g[a] += ja * w * r;
			for (int b = 0; b <= a; b++)
				A[a][b] += ja * w * jac[(size_t)b * m->nobs + i];
		}
	}
	for (int a = 0; a < k; a++)
		for (int b = a + 1; b < k; b++)
			A[a][b] = A[b][a];
	free(mu0);
}

/* Levenberg-Marquardt over the free parameters; th in/out. Returns the
 * deviance at the end. */
static double optimise(const struct model *m, double *th, const bool *free_, double *jac)
{
	double dev = dev_at(m, th), damp = 1e-3;
	int k = 0, idx[NP];
	for (int i = 0; i < NP; i++)
		if (free_[i])
			idx[k++] = i;
	if (k == 0)
		return dev;
	for (int it = 0; it < 200; it++) {
		double A[NP][NP], g[NP], d[NP];
		fisher(m, th, free_, A, g, jac);
		bool improved = false;
		for (int tries = 0; tries < 12 && !improved; tries++) {
			double B[NP][NP];
			for (int a = 0; a < k; a++)
				for (int b = 0; b < k; b++)
					B[a][b] = A[a][b] + (a == b ? damp * (A[a][a] + 1e-12) : 0);
			if (!solve(k, B, g, d)) {
				damp *= 10;
				continue;
			}
			double t2[NP] = {th[0], th[1], th[2]};
			for (int a = 0; a < k; a++) {
				double st = d[a];
				if (idx[a] < 2 && fabs(st) > 2) /* at most e^2 per step in K, N */
					st = st > 0 ? 2 : -2;
				t2[idx[a]] += st;
			}
			double d2 = dev_at(m, t2);
			if (isfinite(d2) && d2 <= dev) {
				double gain = dev - d2;
				memcpy(th, t2, sizeof(t2));
				dev = d2;
				damp = fmax(damp / 10, 1e-9);
				improved = true;
				if (gain < 1e-9 * (1 + dev))
					return dev;
			} else {
				damp *= 10;
			}
		}
		if (!improved)
			break;
	}
	return dev;
}

/* The profile deviance with parameter i fixed at v (the others re-fitted from
 * start). */
static double profile(const struct model *m, const double *best, int i, double v, double *jac)
{
	double th[NP] = {best[0], best[1], best[2]};
	bool fr[NP] = {true, true, true};
	th[i] = v;
	fr[i] = false;
	return optimise(m, th, fr, jac);
}

/* One side (dir = +1 or -1) of parameter i's interval; NaN when open within
 * [lo_cap, hi_cap]. */
static double bound(const struct model *m, const double *best, double dmin, double thr, int i,
		    double se, int dir, double lo_cap, double hi_cap, double *jac)
{
	double v0 = best[i], step = se > 0 && isfinite(se) ? se : 0.1 * fmax(1, fabs(v0));
	double inside = v0, outside = NAN;
	for (int k = 0; k < 40; k++) {
		double v = v0 + dir * step;
		if (v < lo_cap || v > hi_cap) {
			v = dir > 0 ? hi_cap : lo_cap;
			if (profile(m, best, i, v, jac) - dmin < thr)
				return NAN;
			outside = v;
			break;
		}
		if (profile(m, best, i, v, jac) - dmin >= thr) {
			outside = v;
			break;
		}
		inside = v;
		step *= 2;
	}
	if (isnan(outside))
		return NAN;
	for (int k = 0; k < 30; k++) {
		double mid = 0.5 * (inside + outside);
		if (profile(m, best, i, mid, jac) - dmin >= thr)
			outside = mid;
		else
			inside = mid;
		if (fabs(outside - inside) < 1e-4 * fmax(1, fabs(mid)))
			break;
	}
	return 0.5 * (inside + outside);
}

static void fill_obs(struct model *m)
{
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = m->j0 + i;
		if (m->use_a)
			m->y[k++] = m->s->active[j];
		if (m->use_x)
			m->y[k++] = fmax(m->s->probes[j] - m->s->active[j], 0);
		if (m->use_w)
			m->y[k++] = m->s->newsrc[j];
		if (m->use_p)
			m->y[k++] = m->s->probes[j];
	}
}

const char *ws_est_basis_name(enum ws_est_basis b)
{
	return b == WS_EST_ACTIVE ? "distinct_sources" : b == WS_EST_NEW ? "new_sources" : "probes";
}

static double basis_at(const struct ws_est_series *s, enum ws_est_basis b, size_t j)
{
	const double *v = b == WS_EST_ACTIVE ? s->active : b == WS_EST_NEW ? s->newsrc : s->probes;
	double y = v[j];
	return isfinite(y) && y >= 0 ? y : 0;
}

/* The runs test on the signs of y - mu of the basis component: z of the
 * number of runs (few runs: the curve's shape is systematically off). */
static double runs_z(const double *res, size_t n)
{
	size_t np = 0, nn = 0, runs = 0;
	int last = 0;
	for (size_t i = 0; i < n; i++) {
		int sg = res[i] > 0 ? 1 : res[i] < 0 ? -1 : 0;
		if (!sg)
			continue;
		if (sg > 0)
			np++;
		else
			nn++;
		if (sg != last)
			runs++;
		last = sg;
	}
	double tot = (double)(np + nn);
	if (np < 2 || nn < 2)
		return 0;
	double mean = 2.0 * (double)np * (double)nn / tot + 1;
	double var = (mean - 1) * (mean - 2) / (tot - 1);
	return var > 0 ? ((double)runs - mean) / sqrt(var) : 0;
}

static double t_at_share(double K, double tm, double q)
{
	return tm + log(q / (1 - q)) / K;
}

static void delta_t(double cov[NP][NP], double K, double q, double *sd)
{
	double l = log(q / (1 - q)), g0 = -l / K, g2 = 1; /* d/d lnK, d/d tm */
	double v = g0 * g0 * cov[0][0] + 2 * g0 * g2 * cov[0][2] + g2 * g2 * cov[2][2];
	*sd = v > 0 ? sqrt(v) : 0;
}

static void alarm(const struct ws_est_series *s, size_t j0, size_t n, struct ws_est_result *r)
{
	const double *v = s->probes ? s->probes : s->newsrc ? s->newsrc : s->active;
	r->alarm_on = s->probes ? "probes" : s->newsrc ? "new_sources" : "distinct_sources";
	r->alarm = false;
	r->alarm_K = NAN;
	struct ws_kalman k;
	ws_kalman_init(&k, NULL);
	double h = (double)s->dt / 3600.0;
	for (size_t i = 0; i < n; i++) {
		double y = v[j0 + i];
		if (ws_kalman_step(&k, isfinite(y) ? y : 0)) {
			r->alarm = true;
			r->alarm_time = s->t0 + (int64_t)(j0 + i + 1) * s->dt;
			r->alarm_K = log1p(ws_kalman_alpha(&k)) / h;
		}
	}
}

/* Goodness of fit and the uniform-view checks; fills verdict, fit_ok,
 * local_view. */
static void verdict(const struct model *m, const double *th, struct ws_est_result *r)
{
	double K = exp(th[0]), N = exp(th[1]);
	r->x_fit = K * m->T / N * m->h;
	r->x_obs = NAN;
	const struct ws_est_series *s = m->s;
	double sa = 0, sp = 0, amax = 0;
	if (s->active && s->probes) {
		for (size_t i = 0; i < m->n; i++) {
			sa += s->active[m->j0 + i];
			sp += s->probes[m->j0 + i];
		}
		double mm = sa > 0 ? sp / sa : 1;
		if (mm > 1 + 1e-9) { /* solve x / (1 - e^-x) = mm */
			double lo = 0, hi = 2 * mm + 1;
			for (int k = 0; k < 200; k++) {
				double mid = 0.5 * (lo + hi);
				if (extra_hits(mid) + 1 < mm)
					lo = mid;
				else
					hi = mid;
			}
			r->x_obs = 0.5 * (lo + hi);
		}
	}
	if (s->active)
		for (size_t i = 0; i < m->n; i++)
			amax = fmax(amax, s->active[m->j0 + i]);
	/* Uniform scanning bounds the sources one interval can show: at most
	 * N (1 - e^{-x}) <= K T h. */
	double ceiling = N * -expm1(-r->x_fit);
	bool over = s->active && amax > 1.5 * ceiling + 3 * sqrt(ceiling) + 3;
	bool hits = !isnan(r->x_obs) && r->x_obs > 0.05 && r->x_obs > 3 * r->x_fit;
	r->local_view = over || hits;
	char *v = r->verdict;
	size_t cap = sizeof(r->verdict);
	if (r->local_view) {
		if (over)
			snprintf(v, cap,
				 "not a uniform view: up to %.0f distinct sources in one interval, "
				 "where uniform scanning at K %.3g/h allows about %.0f; the monitor "
				 "is near the infected hosts (local preference), so N is overstated",
				 amax, K, ceiling);
		else
			snprintf(v, cap,
				 "not a uniform view: each source hits the monitor %.2f times an "
				 "interval, %.0f times what uniform scanning at the fitted K and N "
				 "gives; the monitor is near the infected hosts (local preference)",
				 r->x_obs, r->x_obs / fmax(r->x_fit, 1e-12));
		r->fit_ok = false;
	} else if (K * (double)m->n * m->h < log(4.0)) {
		/* A logistic that rises less than about 4x over the data (K times
		 * the span under ln 4) is a flat series: constant scanners, or an
		 * outbreak long saturated. Its K and N are no outbreak's. */
		snprintf(v, cap, "no worm-like growth: the counts stay flat over the %zu intervals "
				 "(fitted K %.3g/h rises less than 4x across them): background, or "
				 "an outbreak already saturated", m->n, K);
		r->fit_ok = false;
	} else if (r->phi > 25 && r->misfit > 0.15) {
		/* Overdispersion alone is expected: one outbreak is one random
		 * path around the mean curve, and with tens of thousands of
		 * sources an interval even a 1 % wobble is many Poisson sd. What
		 * says the curve is wrong is a large relative deviation. */
		snprintf(v, cap, "poor fit: the counts scatter %.0f times more than Poisson counts "
				 "around the logistic curve, %.0f %% of the curve beyond Poisson noise",
			 r->phi, 100 * r->misfit);
		r->fit_ok = false;
	} else if (r->runs_z < -5 && r->misfit > 0.05) {
		snprintf(v, cap, "poor fit: the residuals run in long streaks (runs test z = %.1f, "
				 "%.0f %% off the curve); the growth is not logistic", r->runs_z,
			 100 * r->misfit);
		r->fit_ok = false;
	} else {
		snprintf(v, cap, "logistic fit consistent with uniform scanning (dispersion %.2f, "
				 "%.1f %% off the curve beyond Poisson noise, runs test z = %.1f)",
			 r->phi, 100 * r->misfit, r->runs_z);
		r->fit_ok = true;
	}
}

static void corrections(const struct model *m, const double *th, const struct ws_est_opts *o,
			struct ws_est_result *r)
{
	const struct ws_est_series *s = m->s;
	double K = exp(th[0]), N = exp(th[1]), lam = K * m->T / N, h = m->h;
	double p = -expm1(-lam * h);
	size_t nd = s->n;
	r->zou_note = "";
	r->wcc_note = "";
	for (size_t j = 0; j < r->n_out; j++)
		r->zou[j] = r->wcc[j] = r->volume[j] = r->cum_seen[j] = NAN;
	if (s->newsrc) {
		double c = 0;
		for (size_t j = 0; j < nd; j++) {
			c += isfinite(s->newsrc[j]) ? s->newsrc[j] : 0;
			r->cum_seen[j] = c;
		}
		/* J_j = [C_{j+1} - (1 - p) C_j] / p: hosts infected by the end of j are
		 * each seen in the next interval with probability p. */
		for (size_t j = 0; j + 1 < nd; j++)
			r->zou[j] = (r->cum_seen[j + 1] - (1 - p) * r->cum_seen[j]) / p;
	} else {
		r->zou_note = "needs new sources per interval (cumulative distinct sources)";
	}
	if (s->active)
		for (size_t j = 0; j < nd; j++)
			r->volume[j] = s->active[j] / p;
	if (o->sources && o->n_sources) {
		/* Wang, Chen and Chen's method of moments: a host's infection time is
		 * its first hit minus the mean gap between its hits (the waits are
		 * memoryless, so the wait before the first hit has the same mean);
		 * with one hit, or no count, the gap is the fitted 1 / lambda. */
		double *cnt = ws_xcalloc(r->n_out + 1, sizeof(double));
		for (size_t i = 0; i < o->n_sources; i++) {
			const struct ws_est_source *q = &o->sources[i];
			double gap = q->probes >= 2 ? (q->last - q->first) / (double)(q->probes - 1)
						    : 3600.0 / lam;
			double t0 = q->first - gap;
			double jj = floor((t0 - (double)s->t0) / (double)s->dt);
			size_t j = jj < 0 ? 0 : jj >= (double)r->n_out ? r->n_out : (size_t)jj;
			cnt[j] += 1;
		}
		double c = 0;
		for (size_t j = 0; j < nd && j < r->n_out; j++) {
			c += cnt[j];
			r->wcc[j] = c;
		}
		free(cnt);
	} else {
		r->wcc_note = "needs per-source first/last probes (a store's telescope view or a CAIDA "
			      "table)";
	}
}

int ws_est_run(const struct ws_est_series *s, const struct ws_est_opts *o,
	       struct ws_est_result *r, struct ws_err *err)
{
	memset(r, 0, sizeof(*r));
	if (!(o->monitored > 0 && o->monitored <= SPACE))
		return ws_err_set(err, WS_EUSAGE,
				  "no monitored size: give --monitored N or CIDR (addresses the "
				  "monitor watched)");
	if (!s->active && !s->newsrc && !s->probes)
		return ws_err_set(err, WS_EUSAGE, "no counts to estimate from");
	if (s->n > WS_EST_MAX_INTERVALS || s->dt <= 0)
		return ws_err_set(err, WS_EUSAGE, "%zu intervals of %lld s: out of range", s->n,
				  (long long)s->dt);
	enum ws_est_basis basis = s->active ? WS_EST_ACTIVE : s->newsrc ? WS_EST_NEW : WS_EST_PROBES;
	/* Intervals used: from the first with data to the last ending by until. */
	size_t j0 = s->n, j1 = 0;
	for (size_t j = 0; j < s->n; j++) {
		if (o->until != INT64_MAX && s->t0 + (int64_t)(j + 1) * s->dt > o->until)
			break;
		if (basis_at(s, basis, j) > 0 && j0 == s->n)
			j0 = j;
		j1 = j + 1;
	}
	size_t with_data = 0;
	for (size_t j = j0; j < j1; j++)
		with_data += basis_at(s, basis, j) > 0;
	if (j0 >= j1 || with_data < WS_EST_MIN_INTERVALS)
		return ws_err_set(err, WS_EUSAGE,
				  "too few intervals to estimate: %zu with counts up to the cut-off "
				  "(at least %d needed)",
				  j0 >= j1 ? (size_t)0 : with_data, WS_EST_MIN_INTERVALS);
	struct model m = {.s = s, .T = o->monitored, .h = (double)s->dt / 3600.0, .j0 = j0,
			  .n = j1 - j0};
	m.use_a = s->active != NULL;
	m.use_x = s->active && s->probes;
	m.use_w = s->newsrc != NULL;
	m.use_p = s->probes && !s->active;
	size_t per = (size_t)m.use_a + m.use_x + m.use_w + m.use_p;
	m.nobs = per * m.n;
	m.y = ws_xmalloc(m.nobs * sizeof(double));
	m.mu = ws_xmalloc(m.nobs * sizeof(double));
	double *jac = ws_xmalloc(NP * m.nobs * sizeof(double));
	fill_obs(&m);
	r->basis = basis;
	r->first_used = j0;
	r->intervals_used = m.n;
	alarm(s, j0, m.n, r);

	/* Starts: K from the log-linear slope of the first half of the basis; t_mid
	 * and N over a grid; the best start is refined. */
	double sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0, ymax = 0;
	for (size_t i = 0; i < m.n; i++) {
		double y = basis_at(s, basis, j0 + i);
		ymax = fmax(ymax, y);
		if (i > m.n / 2 + 2)
			continue;
		double t = (double)(j0 + i) * m.h, ly = log(y + 0.5);
		sx += t;
		sy += ly;
		sxx += t * t;
		sxy += t * ly;
		cnt++;
	}
	double slope = (cnt * sxy - sx * sy) / fmax(cnt * sxx - sx * sx, 1e-300);
	double K0 = slope > 0.02 ? slope : 0.5;
	double ta = (double)j0 * m.h, tb = (double)j1 * m.h;
	double best[NP] = {log(K0), log(fmax(ymax, 10) * 10), tb}, bdev = INFINITY;
	bool all[NP] = {true, true, true};
	static const double nmul[] = {1, 10, 100, 1e3, 1e4, 1e5};
	for (int a = 0; a < 5; a++)
		for (size_t b = 0; b < sizeof(nmul) / sizeof(nmul[0]); b++) {
			double th[NP] = {log(K0), log(fmax(ymax, 1) * nmul[b] + 10),
					 ta + (tb - ta) * (0.5 + 0.5 * a) + (a == 4 ? 4 / K0 : 0)};
			double d = dev_at(&m, th);
			if (d < bdev) {
				bdev = d;
				memcpy(best, th, sizeof(th));
			}
		}
	bdev = optimise(&m, best, all, jac);
	/* A second start from the first answer's far side guards a local optimum. */
	double alt[NP] = {best[0], best[1] + 1.5, best[2] + 1.5 / exp(best[0])};
	double adev = optimise(&m, alt, all, jac);
	if (adev < bdev - 1e-9) {
		bdev = adev;
		memcpy(best, alt, sizeof(alt));
	}
	means(&m, best, m.mu);
	double chi = 0;
	for (size_t i = 0; i < m.nobs; i++)
		chi += (m.y[i] - m.mu[i]) * (m.y[i] - m.mu[i]) / m.mu[i];
	r->phi = m.nobs > NP ? chi / (double)(m.nobs - NP) : 1;
	double phi = fmax(r->phi, 1e-3);
	{
		double *res = ws_xmalloc(m.n * sizeof(double));
		size_t off = 0; /* the basis is the first component of each interval */
		double ex = 0, mu2 = 0;
		for (size_t i = 0; i < m.n; i++) {
			res[i] = m.y[off] - m.mu[off];
			ex += res[i] * res[i] - m.mu[off];
			mu2 += m.mu[off] * m.mu[off];
			off += per;
		}
		r->misfit = mu2 > 0 && ex > 0 ? sqrt(ex / mu2) : 0;
		r->runs_z = runs_z(res, m.n);
		free(res);
	}
	double A[NP][NP], g[NP], cov[NP][NP];
	fisher(&m, best, all, A, g, jac);
	bool inv = true;
	for (int c = 0; c < NP; c++) {
		double e[NP] = {0, 0, 0}, x[NP];
		e[c] = 1;
		if (!solve(NP, A, e, x)) {
			inv = false;
			break;
		}
		for (int i = 0; i < NP; i++)
			cov[i][c] = x[i] * phi;
	}
	if (!inv)
		memset(cov, 0, sizeof(cov));
	double thr = 3.841458820694124 * phi, span = tb - ta;
	double lo_cap[NP] = {log(1e-4), log(1.0), ta - 20 * span - 100};
	double hi_cap[NP] = {log(1e4), log(SPACE), tb + 20 * span + 100};
	double bl[NP], bh[NP];
	for (int i = 0; i < NP; i++) {
		double se = inv && cov[i][i] > 0 ? sqrt(cov[i][i]) : NAN;
		bl[i] = bound(&m, best, bdev, thr, i, se, -1, lo_cap[i], hi_cap[i], jac);
		bh[i] = bound(&m, best, bdev, thr, i, se, +1, lo_cap[i], hi_cap[i], jac);
	}
	r->fitted = true;
	double K = exp(best[0]), N = exp(best[1]);
	double t0 = (double)s->t0;
	r->K = K;
	r->K_lo = isnan(bl[0]) ? NAN : exp(bl[0]);
	r->K_hi = isnan(bh[0]) ? NAN : exp(bh[0]);
	r->N = N;
	r->N_lo = isnan(bl[1]) ? NAN : exp(bl[1]);
	r->N_hi = isnan(bh[1]) ? NAN : exp(bh[1]);
	r->t_mid = t0 + best[2] * 3600;
	r->t_mid_lo = isnan(bl[2]) ? NAN : t0 + bl[2] * 3600;
	r->t_mid_hi = isnan(bh[2]) ? NAN : t0 + bh[2] * 3600;
	static const double qs[3] = {0.5, 0.9, 0.99};
	double *tq[3][3] = {{&r->t50, &r->t50_lo, &r->t50_hi},
			    {&r->t90, &r->t90_lo, &r->t90_hi},
			    {&r->t99, &r->t99_lo, &r->t99_hi}};
	for (int q = 0; q < 3; q++) {
		double tt = t_at_share(K, best[2], qs[q]), sd;
		delta_t(cov, K, qs[q], &sd);
		*tq[q][0] = t0 + tt * 3600;
		*tq[q][1] = inv ? t0 + (tt - 1.959964 * sd) * 3600 : NAN;
		*tq[q][2] = inv ? t0 + (tt + 1.959964 * sd) * 3600 : NAN;
	}
	verdict(&m, best, r);
	if (isnan(r->K_lo) || isnan(r->K_hi)) {
		r->fit_ok = false;
		snprintf(r->verdict, sizeof(r->verdict),
			 "the growth constant is not bounded by the data (its 95 %% interval is "
			 "open)");
	}

	/* Output series: the data, then the forecast up to 99 % (bounded). */
	double t99h = t_at_share(K, best[2], 0.99);
	size_t n_out = s->n;
	if (isfinite(t99h) && t99h / m.h + 1 > (double)n_out) {
		double want = ceil(t99h / m.h) + 1;
		double cap = (double)s->n + 4.0 * (double)m.n + 10;
		if (want > cap)
			want = cap;
		if (want > WS_EST_MAX_INTERVALS)
			want = WS_EST_MAX_INTERVALS;
		n_out = (size_t)want;
	}
	r->n_out = n_out;
	double **arr[] = {&r->observed, &r->fitted_obs, &r->infected, &r->infected_lo,
			  &r->infected_hi, &r->cum_seen, &r->zou, &r->wcc, &r->volume};
	for (size_t a = 0; a < sizeof(arr) / sizeof(arr[0]); a++)
		*arr[a] = ws_xmalloc((n_out ? n_out : 1) * sizeof(double));
	/* The basis's expected value over every output interval. */
	struct model mo = m;
	mo.j0 = 0;
	mo.n = n_out;
	mo.use_a = basis == WS_EST_ACTIVE;
	mo.use_w = basis == WS_EST_NEW;
	mo.use_p = basis == WS_EST_PROBES;
	mo.use_x = false;
	mo.nobs = n_out;
	means(&mo, best, r->fitted_obs);
	for (size_t j = 0; j < n_out; j++) {
		r->observed[j] = j < s->n ? basis_at(s, basis, j) : NAN;
		double t = (double)(j + 1) * m.h;
		double z = K * (t - best[2]), sg = sigm(z), I = N * sg;
		double gd[NP] = {N * sg * (1 - sg) * z, I, -N * sg * (1 - sg) * K};
		double v = 0;
		for (int a = 0; a < NP; a++)
			for (int b = 0; b < NP; b++)
				v += gd[a] * cov[a][b] * gd[b];
		double sd = v > 0 ? sqrt(v) : 0;
		r->infected[j] = I;
		r->infected_lo[j] = inv ? fmax(I - 1.959964 * sd, 0) : NAN;
		r->infected_hi[j] = inv ? I + 1.959964 * sd : NAN;
	}
	corrections(&m, best, o, r);
	free(m.y);
	free(m.mu);
	free(jac);
	return 0;
}

void ws_est_free(struct ws_est_result *r)
{
	if (!r)
		return;
	double *arr[] = {r->observed, r->fitted_obs, r->infected, r->infected_lo, r->infected_hi,
			 r->cum_seen, r->zou, r->wcc, r->volume};
	for (size_t a = 0; a < sizeof(arr) / sizeof(arr[0]); a++)
		free(arr[a]);
	memset(r, 0, sizeof(*r));
}
