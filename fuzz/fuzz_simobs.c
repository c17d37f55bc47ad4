/* SPDX-License-Identifier: MIT */
/* Fuzz target: simulate --observed files (sim/observed.c), both layouts. A
 * file that parses has points in time order, finite counts >= 0, and a
 * host table's cumulative count rising by one per host. */
#include <math.h>
#include <stdlib.h>

#include "fuzz.h"
#include "sim/observed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_sim_obs o;
	struct ws_err e;
	if (ws_sim_obs_parse((const char *)data, size, "fuzz", &o, &e) != 0) {
		if (o.t || o.n)
			abort();
		return 0;
	}
	if (o.n == 0)
		abort();
	for (size_t i = 0; i < o.n; i++) {
		if (!isfinite(o.sources[i]) || o.sources[i] < 0)
			abort();
		if (i && (o.kind == WS_SIM_OBS_COUNTS ? o.t[i] <= o.t[i - 1] : o.t[i] < o.t[i - 1]))
			abort();
		if (o.kind == WS_SIM_OBS_CAIDA && o.sources[i] != (double)(i + 1))
			abort();
	}
	ws_sim_obs_free(&o);
	return 0;
}
