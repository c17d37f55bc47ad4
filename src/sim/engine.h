/* SPDX-License-Identifier: MIT */
/* The fast engine (engine.c), private to the simulator core. A run hands its
 * trace to a sink before it frees its state; the sink (run.c's) draws the
 * telescopes, the server's log and the capture, so the engine calls nothing
 * above it. */
#ifndef WS_SIM_ENGINE_H
#define WS_SIM_ENGINE_H

#include <stdint.h>

#include "sim/clock.h"
#include "sim/rand.h"
#include "sim/sim.h"
#include "sim/trace.h"

/* Called once at the end of a run with its trace and its generator g (the
 * telescope draws go on from the run's own stream); its return value is the
 * run's. */
typedef int (*ws_sim_trace_sink)(const struct ws_sim_trace *tr, struct ws_rng *g, uint64_t seed,
				 struct ws_sim_result *res, const struct ws_sim_outputs *o);

/* The fast engine; pop is built. sink may be NULL (nothing drawn after). */
int ws_sim_run_fast(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
		    struct ws_sim_result *res, const struct ws_sim_outputs *o, ws_sim_trace_sink sink);

#endif
