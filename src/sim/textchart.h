/* SPDX-License-Identifier: MIT */
/* A small text chart of an ensemble for a terminal: the median infected
 * curve and the first telescope's cumulative sources, over the run's time.
 * Pure formatting: appends to a buffer the caller owns; no I/O. */
#ifndef WS_SIM_TEXTCHART_H
#define WS_SIM_TEXTCHART_H

#include "sim/sim.h"
#include "util/mem.h"

/* Bounds of the drawing (columns of plot, rows of plot). */
#define WS_SIM_CHART_COLS_MAX 200
#define WS_SIM_CHART_ROWS_MAX 40

/* Appends `rows` lines of `cols` plot columns (clamped to 8..the bounds
 * above) plus axes and a key: '#' infected (median), '+' telescope 0's
 * sources seen (when the scenario has a telescope), '*' where both fall. */
void ws_sim_text_chart(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		       double n_hosts, int cols, int rows, struct ws_buf *out);

#endif
