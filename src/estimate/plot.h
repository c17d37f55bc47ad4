/* SPDX-License-Identifier: MIT */
/* `estimate --plot`: one SVG of an estimate (estimate/fit.h). The upper panel
 * is the whole outbreak: the fitted infected curve with its 95 % band
 * (solid over the data, dashed where it is forecast), Zou's corrected counts,
 * the infection-time curve and the sources seen so far; the lower one is
 * what the monitor saw per interval beside what the fit expects there.
 * Without a monitored size (sized false) only the lower panel is drawn.
 * Library code: appends to out, prints nothing. */
#ifndef WS_ESTIMATE_PLOT_H
#define WS_ESTIMATE_PLOT_H

#include <stdbool.h>

#include "estimate/fit.h"
#include "util/mem.h"

void ws_est_plot_svg(const struct ws_est_result *r, const struct ws_est_series *s,
		     const char *title, bool simulated, bool sized, struct ws_buf *out);

#endif
