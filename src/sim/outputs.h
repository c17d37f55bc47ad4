/* SPDX-License-Identifier: MIT */
/* simulate's output files (simulator core): CSV series, summary JSON, SVG
 * chart. Every one records the version, configuration and seed and says
 * SIMULATED. n_hosts is the population size the run used. */
#ifndef WS_SIM_OUTPUTS_H
#define WS_SIM_OUTPUTS_H

#include "sim/sim.h"
#include "util/mem.h"

/* The whole configuration as one "key=value; key=value" line. */
void ws_sim_config_line(const struct ws_sim_scenario *sc, struct ws_buf *out);
void ws_sim_write_csv(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		      double n_hosts, struct ws_buf *out);
/* Returns a malloc'd JSON text (caller frees). */
char *ws_sim_summary_json(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts);
void ws_sim_write_svg(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		      double n_hosts, struct ws_buf *out);

/* The same with an observed curve beside the model (NULL: none): the CSV
 * gains observed_sources[,observed_probes] columns, the chart its points
 * and a legend line naming obs_name. */
struct ws_sim_obs;
void ws_sim_write_csv_obs(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts, const struct ws_sim_obs *obs, struct ws_buf *out);
void ws_sim_write_svg_obs(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts, const struct ws_sim_obs *obs, const char *obs_name,
			  struct ws_buf *out);

#endif
