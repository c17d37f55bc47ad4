/* SPDX-License-Identifier: MIT */
/* Deterministic outbreak models (see ode.h; [Staniford02], [Zou02], [Chen03] in docs/sources.md).
 *
 * RCS is the logistic da/dt = K a (1 - a); its closed form is written in a way
 * that never overflows: for Kt > 0 divide through by e^{Kt}. Zou's two-factor
 * model has no closed form and is integrated with the classic fourth-order
 * Runge-Kutta method; with N = 1e6 and the paper's rates a step of 0.01 time
 * units changes the peak by less than 1e-9 N, so callers can sample coarsely
 * and substep. */
#include "sim/ode.h"

#include <math.h>

double ws_ode_rcs_k(double scan_rate, double vulnerable, double space)
{
	return scan_rate * vulnerable / space;
}

double ws_ode_rcs_fraction(double k, double a0, double t)
{
	double x = k * t;
	if (x > 0) {
		double e = exp(-x);
		return a0 / (a0 + (1 - a0) * e);
	}
	double e = exp(x);
	return a0 * e / (1 - a0 + a0 * e);
}

static double logit(double a)
{
	return log(a / (1 - a));
}

double ws_ode_rcs_time_between(double k, double a1, double a2)
{
	return (logit(a2) - logit(a1)) / k;
}

static double rcs_slope(double k, double a)
{
	return k * a * (1 - a);
}

double ws_ode_rcs_rk4(double k, double a0, double t, double dt)
{
	double a = a0;
	long steps = (long)ceil(t / dt);
	if (steps < 1)
		return a0;
	double h = t / (double)steps;
	for (long s = 0; s < steps; s++) {
		double k1 = rcs_slope(k, a);
		double k2 = rcs_slope(k, a + h / 2 * k1);
		double k3 = rcs_slope(k, a + h / 2 * k2);
		double k4 = rcs_slope(k, a + h * k3);
		a += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
	}
	return a;
}

void ws_ode_rcs_curve(double k, double n, double i0, double every, size_t count, double *i_out)
{
	double a0 = i0 / n;
	for (size_t j = 0; j < count; j++)
		i_out[j] = n * ws_ode_rcs_fraction(k, a0, (double)j * every);
}

struct ws_ode_zou ws_ode_zou_paper(void)
{
	const double n = 1e6;
	return (struct ws_ode_zou){
		.n = n, .i0 = 1, .beta0 = 0.8 / n, .eta = 3, .gamma = 0.05, .mu = 0.06 / n};
}

struct ws_ode_zou_state ws_ode_zou_init(const struct ws_ode_zou *p)
{
	return (struct ws_ode_zou_state){.t = 0, .s = p->n - p->i0, .i = p->i0, .r = 0, .q = 0};
}

/* Derivatives of (S, I, R, Q). Infection slows as I/N grows (congestion,
 * beta = beta0 (1 - I/N)^eta); patching removes susceptible hosts at a rate
 * proportional to how many hosts have ever been infected (I + R), the
 * "human countermeasure" factor. */
static void zou_deriv(const struct ws_ode_zou *p, const double x[4], double d[4])
{
	double s = x[0], i = x[1], r = x[2];
	double frac = 1 - i / p->n;
	if (frac < 0)
		frac = 0;
	double beta = p->beta0 * pow(frac, p->eta);
	double infect = beta * s * i;
	double patch = p->mu * s * (i + r);
	d[0] = -infect - patch;
	d[1] = infect - p->gamma * i;
	d[2] = p->gamma * i;
	d[3] = patch;
}

void ws_ode_zou_step(const struct ws_ode_zou *p, struct ws_ode_zou_state *x, double dt)
{
	double y[4] = {x->s, x->i, x->r, x->q}, k[4][4], tmp[4];
	static const double frac[3] = {0.5, 0.5, 1.0};
	zou_deriv(p, y, k[0]);
	for (int stage = 1; stage < 4; stage++) {
		for (int v = 0; v < 4; v++)
			tmp[v] = y[v] + dt * frac[stage - 1] * k[stage - 1][v];
		zou_deriv(p, tmp, k[stage]);
	}
	for (int v = 0; v < 4; v++)
		y[v] += dt / 6 * (k[0][v] + 2 * k[1][v] + 2 * k[2][v] + k[3][v]);
	x->s = y[0];
	x->i = y[1];
	x->r = y[2];
	x->q = y[3];
	x->t += dt;
}

void ws_ode_zou_curve(const struct ws_ode_zou *p, double every, int substeps, size_t n,
		      struct ws_ode_zou_state *out)
{
	if (n == 0)
		return;
	if (substeps < 1)
		substeps = 1;
	struct ws_ode_zou_state x = ws_ode_zou_init(p);
	double h = every / substeps;
	out[0] = x;
	for (size_t j = 1; j < n; j++) {
		for (int s = 0; s < substeps; s++)
			ws_ode_zou_step(p, &x, h);
		x.t = (double)j * every; /* no drift from summing h */
		out[j] = x;
	}
}

double ws_ode_aawp_next(double n_i, long tick, double n, double scans, double space, double d,
			double p)
{
	double vulnerable = n * pow(1 - p, (double)tick);
	double miss_all = exp(scans * n_i * log1p(-1 / space)); /* (1 - 1/space)^{s n_i} */
	double next = (1 - d) * n_i + (vulnerable - n_i) * (1 - miss_all);
	return next > vulnerable ? vulnerable : next;
}
