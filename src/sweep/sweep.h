/* SPDX-License-Identifier: MIT */
/* Parameter sweeps of `wormscope simulate --sweep` (src/sweep/): the points
 * of a cartesian product of configuration values, the scenario of each
 * point, and the files a sweep writes (one CSV with a row per point and
 * interval, one summary JSON per point, an SVG chart of one summary figure
 * against the first swept key). Running the (point, run) jobs is src/par/'s.
 *
 * Seeds: run i of a point uses the point's seed + i, as an ensemble of the
 * same scenario does, so a point's figures are byte-identical to `simulate
 * --set KEY=VALUE --runs N` and depend on (seed, point, run) alone (the
 * points share their seeds: common random numbers, which makes differences
 * between points less noisy). */
#ifndef WS_SWEEP_SWEEP_H
#define WS_SWEEP_SWEEP_H

#include <stddef.h>

#include "sim/sim.h"
#include "util/mem.h"
#include "wormscope/err.h"

#define WS_SWEEP_MAX_AXES 4       /* --sweep options */
#define WS_SWEEP_MAX_VALUES 1000  /* values of one key */
#define WS_SWEEP_MAX_POINTS 10000 /* points of the product */
#define WS_SWEEP_VALUE_LEN 64     /* bytes of one value's text */

struct ws_sweep_axis {
	char key[64];
	int n;
	char (*value)[WS_SWEEP_VALUE_LEN];
};

struct ws_sweep {
	int n_axes;
	struct ws_sweep_axis axis[WS_SWEEP_MAX_AXES];
	size_t n_points;
};

/* Adds one axis from "KEY=V1,V2,..." or "KEY=FROM:TO:STEP" (numbers, STEP >
 * 0, FROM <= TO; the values FROM, FROM + STEP, ... up to TO). Each value is
 * tried on a copy of base, so a bad key or value is refused here, naming
 * --sweep. Keys that cannot vary per point (worm, runs, telescope,
 * patch_curve) are refused. */
int ws_sweep_add(struct ws_sweep *s, const struct ws_sim_scenario *base, const char *spec,
		 struct ws_err *e);
void ws_sweep_free(struct ws_sweep *s);
/* The index of axis a's value at point p (the last axis varies fastest). */
int ws_sweep_coord(const struct ws_sweep *s, size_t p, int a);
/* sc = base with point p's values; checked (ws_sim_scenario_check). Errors
 * name the point ("--sweep point 3 (scan_rate=5): ..."). */
int ws_sweep_apply(const struct ws_sweep *s, const struct ws_sim_scenario *base, size_t p,
		   struct ws_sim_scenario *sc, struct ws_err *e);
/* "scan_rate=5, initial=10". */
void ws_sweep_label(const struct ws_sweep *s, size_t p, struct ws_buf *out);

/* One point's outcome, for the writers. */
struct ws_sweep_point {
	struct ws_sim_scenario sc;
	struct ws_sim_ensemble x;
	double n_hosts;
};

/* The summary figures a chart can show (names as in the summary JSON). */
int ws_sweep_figure(const char *name); /* index, or -1 */
const char *ws_sweep_figure_names(void);  /* "final_infected, ..." for messages */

/* The sweep's CSV: comment lines, then point, each swept key, and the
 * columns of simulate's --out-csv, a row per point and interval. */
void ws_sweep_write_csv(const struct ws_sweep *s, const struct ws_sim_scenario *base,
			const struct ws_sweep_point *pt, struct ws_buf *out);
/* Point p's summary JSON: simulate's --summary-json with "sweep_point" and
 * "sweep" (the point's values) added. Returns a malloc'd text, or NULL when
 * jansson runs out of memory. */
char *ws_sweep_point_json(const struct ws_sweep *s, size_t p, const struct ws_sweep_point *pt);
/* path with the point number before its extension: "sum.json" ->
 * "sum-007.json" (at least three digits). */
void ws_sweep_point_path(const char *path, size_t p, size_t n_points, struct ws_buf *out);
/* SVG: the median (and the 5-95 % band when runs > 1) of figure fig against
 * the first swept key, one line per combination of the other keys (at most
 * 12 lines). Points where the figure is not reached are left out and
 * counted in the chart's note. */
void ws_sweep_write_svg(const struct ws_sweep *s, const struct ws_sim_scenario *base,
			const struct ws_sweep_point *pt, int fig, struct ws_buf *out);

#endif
