/* SPDX-License-Identifier: MIT */
/* The telescope pass (tele.c): what monitored prefixes and one server see of
 * a finished run, drawn from its trace. */
#ifndef WS_SIM_TELE_H
#define WS_SIM_TELE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/rand.h"
#include "sim/sim.h"
#include "sim/trace.h"

/* Fills the telescope series of res from the trace; appends CAIDA-layout
 * lines to hosts_out for telescope 0 when it is not NULL. */
void ws_sim_telescopes(const struct ws_sim_trace *tr, struct ws_rng *g, struct ws_sim_result *res,
		       struct ws_buf *hosts_out);

/* Probes that reach one address (a web server), from the trace. */
size_t ws_sim_server_probes(const struct ws_sim_trace *tr, struct ws_rng *g, uint32_t server,
			    struct ws_sim_probe **out);
/* Expected probes into telescope t over the run (every probe). */
double ws_sim_prefix_expected(const struct ws_sim_trace *tr, const struct ws_sim_telescope *t);
/* The probes into telescope t, each kept with probability sample (0, 1];
 * stops a little past max (the caller refuses then). *out: free(). */
size_t ws_sim_prefix_probes(const struct ws_sim_trace *tr, struct ws_rng *g,
			    const struct ws_sim_telescope *t, double sample, size_t max,
			    struct ws_sim_probe **out);

#endif
