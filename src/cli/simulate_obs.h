/* SPDX-License-Identifier: MIT */
/* simulate --observed FILE: the measured curve beside the model's, and the
 * error printed after the summary (src/cli/simulate_obs.c; the parser and
 * the comparison are src/sim/observed.c). */
#ifndef WS_CLI_SIMULATE_OBS_H
#define WS_CLI_SIMULATE_OBS_H

#include <stdio.h>

#include "sim/observed.h"
#include "sim/sim.h"

/* Loads the file; 0, or WS_EXIT_ERROR after a one-line message on stderr. */
int ws_cli_sim_obs_load(const char *path, struct ws_sim_obs *o);
/* Prints the comparison lines to fp. */
void ws_cli_sim_obs_print(FILE *fp, const struct ws_sim_scenario *sc,
			  const struct ws_sim_ensemble *x, double n_hosts,
			  const struct ws_sim_obs *o, const char *path);

#endif
