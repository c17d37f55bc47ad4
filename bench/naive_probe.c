/* SPDX-License-Identifier: MIT */
/* The named peer of bench/sim.sh's per-probe figures: the per-probe loop one
 * writes first. Every probe draws a target with xorshift64* and tests it in
 * a 512 MB bitmap of all 2^32 addresses; a hit on a vulnerable host is
 * counted. Random reads over 512 MB miss every cache, so the loop runs at
 * memory latency (about 20 ns a probe, measured on this project's prototype of the
 * 19 July replay; docs/sim-validation.md).
 * It sends nothing anywhere and prints no targets, only counts.
 *
 *   naive_probe [VULNERABLE [PROBES [SEED]]]   (defaults 360000 200000000 1)
 * prints: probes hits seconds probes_per_second */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchtime.h"

static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 360000;
	uint64_t probes = argc > 2 ? strtoull(argv[2], NULL, 10) : 200000000;
	uint64_t s = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	s = s * 0x9e3779b97f4a7c15ull + 1;
	uint64_t *bits = calloc((size_t)1 << 26, sizeof *bits); /* 2^32 bits */
	if (!bits) {
		fprintf(stderr, "naive_probe: cannot allocate 512 MB\n");
		return 2;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint32_t a = (uint32_t)(next(&s) >> 32);
		bits[a >> 6] |= 1ull << (a & 63);
	}
	double t0 = bench_now_s();
	uint64_t hits = 0;
	for (uint64_t i = 0; i < probes; i++) {
		uint32_t t = (uint32_t)(next(&s) >> 32);
		hits += (bits[t >> 6] >> (t & 63)) & 1;
	}
	double dt = bench_now_s() - t0;
	printf("%llu %llu %.3f %.4g\n", (unsigned long long)probes, (unsigned long long)hits, dt,
	       (double)probes / dt);
	free(bits);
	return 0;
}
