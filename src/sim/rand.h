/* SPDX-License-Identifier: MIT */
/* Random numbers for the fast simulator (simulator core): xoshiro256** seeded
 * through splitmix64, and exact samplers built on it. Every draw depends only
 * on the seed, so the same seed gives the same outbreak on every machine. */
#ifndef WS_SIM_RAND_H
#define WS_SIM_RAND_H

#include <stdbool.h>
#include <stdint.h>

struct ws_rng {
	uint64_t s[4];
};

/* splitmix64 (Steele, Lea, Flood 2014): turns any seed, small ones included,
 * into well-mixed generator state. Shared by every generator in sim/. */
static inline uint64_t ws_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Seeds from (seed, stream): distinct streams are independent sequences. */
void ws_rng_seed(struct ws_rng *g, uint64_t seed, uint64_t stream);

static inline uint64_t ws_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t ws_rng_u64(struct ws_rng *g)
{
	uint64_t *s = g->s;
	uint64_t r = ws_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ws_rng_rotl(s[3], 45);
	return r;
}

/* Uniform in [0, 1) with 53 bits; in (0, 1] for the logarithm's sake. */
static inline double ws_rng_unit(struct ws_rng *g)
{
	return (double)(ws_rng_u64(g) >> 11) * 0x1.0p-53;
}
static inline double ws_rng_unit_pos(struct ws_rng *g)
{
	return ((double)(ws_rng_u64(g) >> 11) + 1.0) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0, without bias (Lemire's method). */
uint64_t ws_rng_below(struct ws_rng *g, uint64_t n);
/* Exponential with mean 1 (ziggurat, rand.c): the common case inline, the
 * rest (about 1 % of draws, and the first draw, which builds the tables)
 * out of line; the same draws either way. */
extern uint32_t ws_zig_k[256];
extern double ws_zig_w[256];
extern bool ws_zig_ready;
double ws_rng_exp_slow(struct ws_rng *g, uint64_t u);
double ws_rng_exp_first(struct ws_rng *g);
static inline double ws_rng_exp(struct ws_rng *g)
{
	if (!ws_zig_ready)
		return ws_rng_exp_first(g);
	uint64_t u = ws_rng_u64(g);
	uint32_t j = (uint32_t)(u >> 32), i = (uint32_t)(u & 255);
	if (j < ws_zig_k[i])
		return j * ws_zig_w[i];
	return ws_rng_exp_slow(g, u);
}
/* Standard normal (polar method). */
double ws_rng_normal(struct ws_rng *g);
/* Gamma(shape a > 0, scale 1) (Marsaglia-Tsang, with the a < 1 boost). */
double ws_rng_gamma(struct ws_rng *g, double a);
/* Marsaglia and Tsang's gamma(a, 1) (a < 1 through gamma(a + 1) U^(1/a)) over
 * any generator: unit_pos draws a uniform in (0, 1], normal a standard normal.
 * The per-probe engine's generator uses it too. */
double ws_gamma_mt(double a, double (*unit_pos)(void *), double (*normal)(void *), void *g);
/* Binomial(n, p), exact for every n (inversion for small means, Devroye's
 * recursion through beta-distributed order statistics above). */
uint64_t ws_rng_binomial(struct ws_rng *g, uint64_t n, double p);
/* Poisson(mean), exact for every mean (inversion below 16, the gamma/binomial
 * recursion of Ahrens and Dieter above). */
uint64_t ws_rng_poisson(struct ws_rng *g, double mean);

#endif
