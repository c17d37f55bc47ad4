/* SPDX-License-Identifier: MIT */
/* Deterministic models (sim/ode.h), validation target #6 of
 * docs/sim-validation.md and the RCS figures of targets #1, #2, #7 and
 * #8 (which the stochastic runs must then reproduce):
 * - Zou et al.'s two-factor model with the paper's parameters: I peaks at
 *   0.395 N at t = 27.6 and I + R reaches 0.763 N by t = 100 (within 1 %);
 *   plain SI with the same beta0 reaches 50 % at t = 17.3.
 * - RCS: K = r N / 2^32 = 1.80 per hour for 358 scans/min and N = 360,000;
 *   1 % -> 90 % in 3.77 h, 1 % -> 99 % in 5.1 h; the closed form agrees with
 *   RK4; a throttle to 1 probe/s gives 0.30 per hour; Slammer's 8.5 s
 *   doubling needs about 4,700 scans/s per host at N = 75,000.
 * - AAWP with one scan per tick tracks the RCS logistic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/ode.h"

#define SPACE 4294967296.0

static void assert_within(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want))
		fail_msg("got %.6g, want %.6g within %.3g %%", got, want, rel * 100);
}

static void test_zou_paper_targets(void **state)
{
	(void)state;
	struct ws_ode_zou p = ws_ode_zou_paper();
	enum { N = 10001 };
	struct ws_ode_zou_state *o = calloc(N, sizeof *o);
	assert_non_null(o);
	ws_ode_zou_curve(&p, 0.01, 4, N, o); /* t = 0 .. 100 */
	size_t peak = 0;
	for (size_t j = 1; j < N; j++)
		if (o[j].i > o[peak].i)
			peak = j;
	assert_within(o[peak].i / p.n, 0.395, 0.01);
	assert_within(o[peak].t, 27.6, 0.01);
	assert_within((o[N - 1].i + o[N - 1].r) / p.n, 0.763, 0.01);
	assert_within(o[N - 1].t, 100.0, 1e-12);
	/* S + I + R + Q = N throughout: the model only moves hosts between states. */
	for (size_t j = 0; j < N; j += 500)
		assert_within(o[j].s + o[j].i + o[j].r + o[j].q, p.n, 1e-9);
	free(o);
}

static void test_zou_without_factors_is_si(void **state)
{
	(void)state;
	struct ws_ode_zou p = ws_ode_zou_paper();
	p.gamma = 0;
	p.mu = 0;
	p.eta = 0;
	struct ws_ode_zou_state x = ws_ode_zou_init(&p);
	while (x.i < p.n / 2)
		ws_ode_zou_step(&p, &x, 0.001);
	assert_within(x.t, 17.3, 0.01);
	/* The same SI model in RCS form: K = beta0 N, start a0 = 1/N. */
	assert_within(ws_ode_rcs_time_between(p.beta0 * p.n, 1 / p.n, 0.5), x.t, 1e-3);
}

static void test_rcs_code_red(void **state)
{
	(void)state;
	double k = ws_ode_rcs_k(358.0 / 60.0, 360000, SPACE) * 3600; /* per hour */
	assert_within(k, 1.80, 0.003);
	/* Early doubling ln2/K = 23 min. */
	assert_within(log(2) / k * 60, 23.1, 0.01);
	assert_within(ws_ode_rcs_time_between(k, 0.01, 0.90), 3.77, 0.005);
	assert_within(ws_ode_rcs_time_between(k, 0.01, 0.99), 5.1, 0.005);
	/* Williamson's throttle: 1 new destination per second. */
	assert_within(ws_ode_rcs_k(1.0, 360000, SPACE) * 3600, 0.30, 0.01);
	/* Slammer: doubling 8.5 s at N = 75,000 means r = ln2 2^32 / (8.5 N). */
	double r = log(2) * SPACE / (8.5 * 75000);
	assert_within(r, 4670, 0.005);
	assert_within(log(2) / ws_ode_rcs_k(r, 75000, SPACE), 8.5, 1e-9);
}

static void test_rcs_closed_form_matches_rk4(void **state)
{
	(void)state;
	const double k = 1.8, a0 = 1e-5;
	for (double t = 0; t <= 14; t += 0.5) {
		double closed = ws_ode_rcs_fraction(k, a0, t);
		assert_within(ws_ode_rcs_rk4(k, a0, t, 0.01), closed, 1e-7);
		if (t > 0)
			assert_true(closed > ws_ode_rcs_fraction(k, a0, t - 0.5));
	}
	/* Far past saturation and far before the start the closed form stays finite. */
	assert_within(ws_ode_rcs_fraction(k, a0, 1e6), 1.0, 1e-12);
	assert_true(ws_ode_rcs_fraction(k, a0, -1e6) >= 0);
	double curve[3];
	ws_ode_rcs_curve(k, 1000, 10, 1.0, 3, curve);
	assert_within(curve[0], 10, 1e-12);
	assert_within(curve[2], 1000 * ws_ode_rcs_fraction(k, 0.01, 2.0), 1e-12);
}

static void test_aawp_tracks_rcs(void **state)
{
	(void)state;
	/* One scan per host per tick over a space of 2^20 with N = 5,000:
	 * K = 5000/2^20 per tick. The discrete model lags the continuous one by
	 * at most a few per cent of the 1 % -> 50 % time. */
	const double n = 5000, space = 1048576;
	double k = ws_ode_rcs_k(1, n, space);
	double x = n * 0.01;
	long tick = 0;
	while (x < n / 2)
		x = ws_ode_aawp_next(x, tick++, n, 1, space, 0, 0);
	assert_within((double)tick, ws_ode_rcs_time_between(k, 0.01, 0.5), 0.03);
	/* Patching shrinks the vulnerable pool: the outbreak saturates lower. */
	x = 1;
	for (tick = 0; tick < 20000; tick++)
		x = ws_ode_aawp_next(x, tick, n, 1, space, 0, 1e-4);
	assert_true(x < n * pow(1 - 1e-4, 19999) + 1);
	assert_true(x > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zou_paper_targets),
		cmocka_unit_test(test_zou_without_factors_is_si),
		cmocka_unit_test(test_rcs_code_red),
		cmocka_unit_test(test_rcs_closed_form_matches_rk4),
		cmocka_unit_test(test_aawp_tracks_rcs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
