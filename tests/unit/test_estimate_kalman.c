/* SPDX-License-Identifier: MIT */
/* Zou et al.'s trend detector (estimate/kalman.h) on synthetic Poisson counts:
 * an exponentially growing count raises the alarm and alpha settles near
 * e^(K dt) - 1; constant background (small and large), a random-walking
 * background and a burst never do; a worm on top of background is still
 * found; out-of-range parameters are refused. 20 seeds each, nothing tuned. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "estimate/kalman.h"
#include "sim/rand.h"
#include "wormscope/err.h"

static double poisson(struct ws_rng *g, double mu)
{
	if (mu <= 0)
		return 0;
	if (mu > 50) { /* normal approximation, rounded, never negative */
		double u1 = ws_rng_unit_pos(g), u2 = ws_rng_unit(g);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
		double v = floor(mu + sqrt(mu) * z + 0.5);
		return v < 0 ? 0 : v;
	}
	double l = exp(-mu), p = 1;
	int k = 0;
	do {
		k++;
		p *= ws_rng_unit(g);
	} while (p > l);
	return k - 1;
}

/* Feeds n counts mu(i) and returns the alarm index (-1 for none). */
static long run(uint64_t seed, long n, double (*mu)(long, void *), void *ctx, double *alpha)
{
	struct ws_rng g;
	ws_rng_seed(&g, seed, 7);
	struct ws_kalman k;
	assert_int_equal(ws_kalman_init(&k, NULL), 0);
	for (long i = 0; i < n; i++)
		ws_kalman_step(&k, poisson(&g, mu(i, ctx)));
	if (alpha)
		*alpha = ws_kalman_alpha(&k);
	return k.alarm;
}

struct expo {
	double c0, a, bg, cap;
};
static double mu_expo(long i, void *ctx)
{
	const struct expo *e = ctx;
	double w = e->c0 * pow(1 + e->a, (double)i);
	return e->bg + (w < e->cap ? w : e->cap);
}

static void test_growth_alarms(void **state)
{
	(void)state;
	/* K = 1.8/h sampled per minute: alpha = e^0.03 - 1 = 0.0305, starting
	 * from 0.5 probes a minute (a few hosts seen by a 2^20 monitor). */
	struct expo e = {0.5, exp(1.8 / 60) - 1, 0, 1e9};
	for (uint64_t s = 1; s <= 20; s++) {
		double a;
		long at = run(s, 400, mu_expo, &e, &a);
		assert_true(at >= 8);
		/* The alarm comes while the count is still small: before it
		 * reached 90 times where it began (6.5 doublings). */
		assert_true(at < 150);
		assert_true(fabs(a - e.a) < 0.2 * e.a);
	}
}

static double mu_const(long i, void *ctx)
{
	(void)i;
	return *(const double *)ctx;
}

static void test_background_never(void **state)
{
	(void)state;
	static const double level[] = {0.3, 5, 200, 20000};
	for (size_t l = 0; l < sizeof(level) / sizeof(level[0]); l++)
		for (uint64_t s = 1; s <= 20; s++) /* 24 h per minute */
			assert_int_equal(run(s, 1440, mu_const, (void *)&level[l], NULL), -1);
}

struct walk {
	double *v;
};
static double mu_walk(long i, void *ctx)
{
	return ((struct walk *)ctx)->v[i];
}

static void test_random_walk_and_burst_never(void **state)
{
	(void)state;
	static double v[1440];
	struct walk w = {v};
	for (uint64_t s = 1; s <= 20; s++) {
		struct ws_rng g;
		ws_rng_seed(&g, s, 99);
		/* A level that wanders by a few percent a step (multiplicative,
		 * driftless), with a tenfold burst of 30 minutes at noon. */
		double x = 100;
		for (int i = 0; i < 1440; i++) {
			x *= exp(0.03 * (ws_rng_unit(&g) - 0.5));
			v[i] = x * (i >= 720 && i < 750 ? 10 : 1);
		}
		assert_int_equal(run(s, 1440, mu_walk, &w, NULL), -1);
	}
}

static void test_worm_over_background(void **state)
{
	(void)state;
	/* 500 background probes a minute; the worm starts at 1 a minute and
	 * grows at 1.8/h. The alarm must come before it is 3 times the
	 * background (ln(1500)/0.0300 = 244 min). */
	struct expo e = {1, exp(1.8 / 60) - 1, 500, 1e9};
	for (uint64_t s = 1; s <= 20; s++) {
		long at = run(s, 600, mu_expo, &e, NULL);
		assert_true(at > 0);
		assert_true(at < 244);
	}
}

static void test_bad_params(void **state)
{
	(void)state;
	struct ws_kalman k;
	struct ws_kalman_params p = ws_kalman_defaults();
	p.settle = 0;
	assert_int_equal(ws_kalman_init(&k, &p), WS_EUSAGE);
	p = ws_kalman_defaults();
	p.settle = WS_KALMAN_WINDOW + 1;
	assert_int_equal(ws_kalman_init(&k, &p), WS_EUSAGE);
	p = ws_kalman_defaults();
	p.z = NAN;
	assert_int_equal(ws_kalman_init(&k, &p), WS_EUSAGE);
	/* Zeros and garbage before the first count change nothing. */
	assert_int_equal(ws_kalman_init(&k, NULL), 0);
	ws_kalman_step(&k, 0);
	ws_kalman_step(&k, NAN);
	ws_kalman_step(&k, -3);
	assert_true(isnan(ws_kalman_alpha(&k)));
	assert_int_equal(k.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_alarms),
		cmocka_unit_test(test_background_never),
		cmocka_unit_test(test_random_walk_and_burst_never),
		cmocka_unit_test(test_worm_over_background),
		cmocka_unit_test(test_bad_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
