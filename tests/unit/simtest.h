/* SPDX-License-Identifier: MIT */
/* Helpers for the simulator core's unit tests: small scenarios, runs that
 * return one summary, temporary files. Header-only (one executable per test
 * file). Runs are scaled down so the sanitized build stays fast. */
#ifndef WS_TEST_SIMTEST_H
#define WS_TEST_SIMTEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"

/* A small uniform scenario: N hosts, rate r, `hours` long, no telescope. */
static inline struct ws_sim_scenario sim_small(const char *worm, uint64_t n, double rate,
					       double hours)
{
	struct ws_sim_scenario sc;
	struct ws_err e;
	if (ws_sim_scenario_init(&sc, worm, &e) != 0)
		abort();
	sc.pop.vulnerable = n;
	sc.worm.scan_rate = rate;
	sc.duration_h = hours;
	sc.interval_s = 600;
	sc.worm.calendar = WS_SIM_CAL_NONE;
	sc.worm.expiry = 0;
	return sc;
}

/* One run; aborts on error. Caller frees with ws_sim_result_free. */
static inline struct ws_sim_result sim_once(const struct ws_sim_scenario *sc, uint64_t seed)
{
	struct ws_sim_result r;
	struct ws_err e;
	if (ws_sim_scenario_check(sc, &e) != 0 || ws_sim_run(sc, NULL, seed, &r, NULL, &e) != 0) {
		fprintf(stderr, "sim_once: %s\n", e.msg);
		abort();
	}
	return r;
}

/* Mean of hosts ever infected over `runs` seeds. */
static inline double sim_mean_ever(const struct ws_sim_scenario *sc, int runs)
{
	double s = 0;
	for (int i = 0; i < runs; i++) {
		struct ws_sim_result r = sim_once(sc, 100 + (uint64_t)i);
		s += r.sum.ever_infected;
		ws_sim_result_free(&r);
	}
	return s / runs;
}

/* Writes text to a fresh temporary file; returns its path (static buffer
 * per slot, slot 0..3). */
static inline const char *sim_tmpfile(int slot, const char *text)
{
	static char paths[4][64];
	snprintf(paths[slot], sizeof(paths[slot]), "/tmp/ws-simtest-%d-%d-XXXXXX", (int)getpid(), slot);
	int fd = mkstemp(paths[slot]);
	if (fd < 0)
		abort();
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n)
		abort();
	close(fd);
	return paths[slot];
}

#endif
