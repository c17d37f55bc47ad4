/* SPDX-License-Identifier: MIT */
/* Samplers for the fast simulator (simulator core). See rand.h. */
#include "sim/rand.h"

#include <math.h>
#include <stdbool.h>

void ws_rng_seed(struct ws_rng *g, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
	for (int i = 0; i < 4; i++)
		g->s[i] = ws_splitmix64(&x);
	if (!(g->s[0] | g->s[1] | g->s[2] | g->s[3]))
		g->s[0] = 1;
}

__extension__ typedef unsigned __int128 u128;

uint64_t ws_rng_below(struct ws_rng *g, uint64_t n)
{
	u128 m = (u128)ws_rng_u64(g) * n;
	uint64_t lo = (uint64_t)m;
	if (lo < n) {
		uint64_t t = -n % n;
		while (lo < t) {
			m = (u128)ws_rng_u64(g) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* Exponential by Marsaglia and Tsang's ziggurat (J. Stat. Softw. 5(8),
 * 2000): 256 layers of equal area; a draw inside a layer's rectangle (about
 * 99 % of them) costs one random number and a multiply (inline in rand.h),
 * the rest are resolved exactly here against the density or the tail. Layer
 * from the low 8 bits, position from the high 32, so the two are independent. */
uint32_t ws_zig_k[256];
double ws_zig_w[256];
static double zig_f[256];
bool ws_zig_ready;

static void zig_init(void)
{
	const double m = 4294967296.0, v = 3.949659822581572e-3;
	double d = 7.697117470131487, t = d, q = v / exp(-d);
	ws_zig_k[0] = (uint32_t)(d / q * m);
	ws_zig_k[1] = 0;
	ws_zig_w[0] = q / m;
	ws_zig_w[255] = d / m;
	zig_f[0] = 1.0;
	zig_f[255] = exp(-d);
	for (int i = 254; i >= 1; i--) {
		d = -log(v / d + exp(-d));
		ws_zig_k[i + 1] = (uint32_t)(d / t * m);
		t = d;
		zig_f[i] = exp(-d);
		ws_zig_w[i] = d / m;
	}
	ws_zig_ready = true;
}

double ws_rng_exp_slow(struct ws_rng *g, uint64_t u)
{
	for (;;) {
		uint32_t j = (uint32_t)(u >> 32), i = (uint32_t)(u & 255);
		double x = j * ws_zig_w[i];
		if (j < ws_zig_k[i])
			return x;
		if (i == 0) /* the tail beyond the base layer: memoryless */
			return 7.697117470131487 - log(ws_rng_unit_pos(g));
		if (zig_f[i] + ws_rng_unit(g) * (zig_f[i - 1] - zig_f[i]) < exp(-x))
			return x;
		u = ws_rng_u64(g);
	}
}

double ws_rng_exp_first(struct ws_rng *g)
{
	zig_init();
	return ws_rng_exp(g);
}

double ws_rng_normal(struct ws_rng *g)
{
	for (;;) {
		double u = 2.0 * ws_rng_unit(g) - 1.0, v = 2.0 * ws_rng_unit(g) - 1.0;
		double s = u * u + v * v;
		if (s > 0.0 && s < 1.0)
			return u * sqrt(-2.0 * log(s) / s);
	}
}

double ws_gamma_mt(double a, double (*unit_pos)(void *), double (*normal)(void *), void *g)
{
	if (a < 1.0) { /* Gamma(a) = Gamma(a + 1) * U^(1/a) */
		double u = unit_pos(g);
		return ws_gamma_mt(a + 1.0, unit_pos, normal, g) * pow(u, 1.0 / a);
	}
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x, v;
		do {
			x = normal(g);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		double u = unit_pos(g);
		if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

static double rng_unit_pos(void *g)
{
	return ws_rng_unit_pos(g);
}

static double rng_normal(void *g)
{
	return ws_rng_normal(g);
}

double ws_rng_gamma(struct ws_rng *g, double a)
{
	return ws_gamma_mt(a, rng_unit_pos, rng_normal, g);
}

/* Binomial by inversion: cost grows with n p, so only for small means. */
static uint64_t binomial_inv(struct ws_rng *g, uint64_t n, double p)
{
	double q = 1.0 - p, r = p / q, f = pow(q, (double)n), u = ws_rng_unit(g);
	uint64_t k = 0;
	while (u >= f && k < n) {
		u -= f;
		f *= r * (double)(n - k) / (double)(k + 1);
		k++;
		if (f <= 0.0) /* underflow in the far tail: what is left is negligible */
			break;
	}
	return k;
}

uint64_t ws_rng_binomial(struct ws_rng *g, uint64_t n, double p)
{
	uint64_t add = 0;
	if (p <= 0.0 || n == 0)
		return 0;
	if (p >= 1.0)
		return n;
	/* Devroye (1986) X.4: the k-th smallest X of n uniforms is Beta(k, n+1-k).
	 * X <= p: k successes, and the n-k above X succeed with (p-X)/(1-X);
	 * X > p: the n-k above fail, the k-1 below succeed with p/X. */
	while ((double)n * (p < 0.5 ? p : 1.0 - p) > 16.0) {
		uint64_t k = (n + 1) / 2;
		double a = ws_rng_gamma(g, (double)k), b = ws_rng_gamma(g, (double)(n + 1 - k));
		double x = a / (a + b);
		if (x <= p) {
			add += k;
			n -= k;
			p = (p - x) / (1.0 - x);
		} else {
			n = k - 1;
			p = p / x;
		}
	}
	if (p > 0.5)
		return add + n - binomial_inv(g, n, 1.0 - p);
	return add + binomial_inv(g, n, p);
}

uint64_t ws_rng_poisson(struct ws_rng *g, double mean)
{
	uint64_t add = 0;
	while (mean > 16.0) {
		/* Ahrens-Dieter: the m-th arrival of a unit-rate process is Gamma(m). */
		uint64_t m = (uint64_t)(mean * 0.875);
		double x = ws_rng_gamma(g, (double)m);
		if (x < mean) {
			add += m;
			mean -= x;
		} else {
			return add + ws_rng_binomial(g, m - 1, mean / x);
		}
	}
	double l = exp(-mean), prod = ws_rng_unit_pos(g);
	uint64_t k = 0;
	while (prod > l) {
		prod *= ws_rng_unit_pos(g);
		k++;
	}
	return add + k;
}
