/* SPDX-License-Identifier: MIT */
/* Inline SVG charts for the report, hand-written so that the page needs no
 * script: each function appends one <svg class="chart"> with a <title> and a
 * <desc> (the text alternative) and a role of img. Internal to src/report/;
 * the tables behind each chart are written by html.c. */
#ifndef WS_REPORT_CHART_H
#define WS_REPORT_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "report/data.h"
#include "util/mem.h"

/* A hidden <svg> holding the fill patterns every chart and legend refers to
 * (one per worm, one per status class). Written once, before any chart. */
void ws_rep_chart_defs(struct ws_buf *b);
/* A legend swatch (a small aria-hidden svg) filled like worm w's bars. */
void ws_rep_chart_swatch(struct ws_buf *b, int w);
/* A legend swatch for status segment k (see ws_rep_status_class). */
void ws_rep_chart_status_swatch(struct ws_buf *b, int k);

/* Status segments of the status chart, in drawing order. */
enum { WS_REP_SEG_COMPROMISED, WS_REP_SEG_2XX, WS_REP_SEG_3XX, WS_REP_SEG_4XX, WS_REP_SEG_5XX,
       WS_REP_SEG_OTHER, WS_REP_NSEG };
/* The segment an answer falls in; its label ("2xx", ...): static. */
int ws_rep_status_class(const struct ws_rep_status *s);
const char *ws_rep_seg_label(int k);

/* Hours are binned so that at most this many bars are drawn: at the page's
 * default width that keeps a bar at least 5 px wide, so one can be read. */
#define WS_REP_MAX_BARS 160
/* The bin width (seconds) the hourly chart uses for data spanning hours
 * first..last (both hour starts). */
int64_t ws_rep_hour_bin(int64_t first, int64_t last);
/* The bin's name as a unit: "hour", "3 hours", "day", "2 days", "week". */
const char *ws_rep_bin_name(int64_t binsec, char buf[32]);

/* d's hourly counts summed into the bins the chart of (1) draws: *binsec
 * wide from *t0, *nb of them (caller frees). NULL (and *nb 0) when d has no
 * hours. The chart and the table below it share these, so they agree. */
typedef uint64_t ws_rep_bin[WS_MAX_WORMS];
ws_rep_bin *ws_rep_hour_bins(const struct ws_report_data *d, int64_t *t0, int64_t *binsec,
			     size_t *nb);

/* The first and last hour in d (clamped; hours need not be sorted). Returns
 * false when there are none. */
bool ws_rep_hour_range(const struct ws_report_data *d, int64_t *first, int64_t *last);

/* (1) requests per hour stacked by worm. */
void ws_rep_chart_hours(struct ws_buf *b, const struct ws_report_data *d);
/* (2) the epidemic curve: cumulative distinct sources per worm. */
void ws_rep_chart_curves(struct ws_buf *b, const struct ws_report_data *d);
/* (3) top sources, bars stacked by worm. */
void ws_rep_chart_sources(struct ws_buf *b, const struct ws_report_data *d);
/* (3) top networks; id is the element id, what "/16" or "/8". */
void ws_rep_chart_nets(struct ws_buf *b, const struct ws_rep_net *nets, size_t n, const char *id,
		       const char *what, bool simulated);
/* (4) the answers per worm by status class, compromised-looking ones first. */
void ws_rep_chart_status(struct ws_buf *b, const struct ws_report_data *d);

#endif
