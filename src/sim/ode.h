/* SPDX-License-Identifier: MIT */
/* Deterministic outbreak models drawn beside the stochastic simulator (owned by
 * the validation part of sim/): Random Constant Spread (Staniford, Paxson,
 * Weaver 2002), Zou, Gong and Towsley's two-factor model (CCS 2002) and the
 * AAWP discrete-time model (Chen, Gao, Kwiat 2003). Pure functions of their
 * parameters: no allocation, no I/O. Formulas and sources: docs/simulate.md,
 * keyed to docs/sources.md. */
#ifndef WS_SIM_ODE_H
#define WS_SIM_ODE_H

#include <stddef.h>

/* RCS growth constant K = r * N / space (per second when r is per second):
 * each of I infected hosts hits one of the N - I susceptible ones at rate
 * r (N - I) / space, so da/dt = K a (1 - a) with a = I / N. */
double ws_ode_rcs_k(double scan_rate, double vulnerable, double space);

/* Closed-form RCS logistic: the infected fraction at time t given a0 at t = 0,
 * a(t) = a0 e^{Kt} / (1 - a0 + a0 e^{Kt}). Finite for every t (no overflow). */
double ws_ode_rcs_fraction(double k, double a0, double t);

/* Time for the RCS logistic to go from fraction a1 to a2 (0 < a1, a2 < 1):
 * (logit(a2) - logit(a1)) / K. */
double ws_ode_rcs_time_between(double k, double a1, double a2);

/* The same logistic integrated by classic RK4 with step dt from a0 over
 * [0, t]: used to check the integrator against the closed form. */
double ws_ode_rcs_rk4(double k, double a0, double t, double dt);

/* Zou et al.'s two-factor worm model. Time unit is whatever beta0, gamma and
 * mu are expressed in. */
struct ws_ode_zou {
	double n;      /* vulnerable population N = S + I + R + Q */
	double i0;     /* initially infected */
	double beta0;  /* pairwise infection rate, beta(t) = beta0 (1 - I/N)^eta */
	double eta;    /* congestion exponent */
	double gamma;  /* removal rate of infected hosts, dR/dt = gamma I */
	double mu;     /* patching, dQ/dt = mu S (I + R) */
};

struct ws_ode_zou_state {
	double t, s, i, r, q;
};

/* The parameters of Zou et al.'s numerical section: N = 1e6, I0 = 1, eta = 3,
 * gamma = 0.05, mu = 0.06/N, beta0 = 0.8/N. */
struct ws_ode_zou ws_ode_zou_paper(void);

/* State at t = 0: S = N - I0, I = I0, R = Q = 0. */
struct ws_ode_zou_state ws_ode_zou_init(const struct ws_ode_zou *p);

/* Advances x by one RK4 step of length dt. */
void ws_ode_zou_step(const struct ws_ode_zou *p, struct ws_ode_zou_state *x, double dt);

/* Samples the model every `every` time units, n samples starting at t = 0,
 * integrating with `substeps` RK4 steps per sample (at least 1). out[k] is
 * the state at t = k * every. */
void ws_ode_zou_curve(const struct ws_ode_zou *p, double every, int substeps, size_t n,
		      struct ws_ode_zou_state *out);

/* Fills i_out[k] with the RCS number of infected hosts at t = k * every for a
 * population n starting from i0: the comparison curve for --plot and the CSV. */
void ws_ode_rcs_curve(double k, double n, double i0, double every, size_t count, double *i_out);

/* One tick of AAWP: n_{i+1} = (1-d) n_i + [(1-p)^i N - n_i] [1 - (1 - 1/space)^{s n_i}],
 * where tick is i, s scans per host per tick, d the cleanup and p the patch
 * rate per tick. Returns n_{i+1}; evaluated with log1p/expm1 so that 1/space
 * = 2^-32 keeps its precision. */
double ws_ode_aawp_next(double n_i, long tick, double n, double scans, double space, double d,
			double p);

#endif
