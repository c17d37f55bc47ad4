/* SPDX-License-Identifier: MIT */
/* The C benches' clock (bench/lib.sh is the scripts'): monotonic time, so a
 * figure a bench times itself means the same in each of them. */
#ifndef WS_BENCH_BENCHTIME_H
#define WS_BENCH_BENCHTIME_H

#include <time.h>

static inline long long bench_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Seconds, for timings printed as such. */
static inline double bench_now_s(void)
{
	return (double)bench_now_ns() / 1e9;
}

#endif
