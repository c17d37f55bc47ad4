/* SPDX-License-Identifier: MIT */
/* The report's SVG charts. Coordinates are in a 960-unit-wide viewBox that
 * the stylesheet scales to the page, so one drawing serves a laptop screen
 * and an A4 page. Colours are the Okabe-Ito palette (safe for the common
 * colour-vision deficiencies); every worm also gets its own fill pattern, and
 * every line its own dash, so nothing depends on colour alone. Every string
 * that came from a log is escaped by ws_rep_esc or ws_esc_html. */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "util/escape.h"
#include "util/time.h"
#include "wormscope/worm.h"

#define W 960.0

static const char *const worm_colour[WS_MAX_WORMS] = {
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#F0E442", "#999999", "#332288", "#117733", "#882255", "#44AA99",
};
/* Lines are thinner than bars: the palette's yellow is too pale for them. */
static const char *line_colour(int w)
{
	return strcmp(worm_colour[w], "#F0E442") == 0 ? "#9E8A00" : worm_colour[w];
}
static const char *const dash[4] = {"none", "8 4", "2 3", "10 3 2 3"};

/* Statuses get their own scale, never a worm's colour (the worm palette is
 * Okabe-Ito): success in reds, darkest for compromised-looking, and the
 * answers that refused the worm in greys. */
static const char *const seg_colour[WS_REP_NSEG] = {
    "#B2182B", "#F4A582", "#D9D9D9", "#8C8C8C", "#4D4D4D", "#F0F0F0",
};
static const char *const seg_label[WS_REP_NSEG] = {
    "compromised-looking", "2xx", "3xx", "4xx", "5xx", "no status / other",
};

static int worm_slot(int w)
{
	return w >= 0 && w < WS_MAX_WORMS ? w : WS_MAX_WORMS - 1;
}

/* One pattern: the colour as background, then white marks of kind k
 * (0 plain, 1 diagonal stripes, 2 dots, 3 cross-hatch) for greyscale print. */
static void pattern(struct ws_buf *b, const char *id, const char *colour, int k)
{
	ws_buf_printf(
	    b,
	    "<pattern id=\"%s\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"%s>"
	    "<rect width=\"8\" height=\"8\" fill=\"%s\"/>",
	    id, k == 1 || k == 3 ? " patternTransform=\"rotate(45)\"" : "", colour);
	if (k == 1 || k == 3)
		ws_buf_adds(b,
			    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#fff\" "
			    "stroke-width=\"2.5\" stroke-opacity=\"0.7\"/>");
	if (k == 3)
		ws_buf_adds(b,
			    "<line x1=\"0\" y1=\"4\" x2=\"8\" y2=\"4\" stroke=\"#fff\" "
			    "stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>");
	if (k == 2)
		ws_buf_adds(
		    b, "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#fff\" fill-opacity=\"0.8\"/>");
	ws_buf_adds(b, "</pattern>");
}

void ws_rep_chart_defs(struct ws_buf *b)
{
	ws_buf_adds(b,
		    "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" "
		    "focusable=\"false\"><defs>");
	char id[16];
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		snprintf(id, sizeof(id), "wp-%d", w);
		pattern(b, id, worm_colour[w], w % 4);
	}
	for (int k = 0; k < WS_REP_NSEG; k++) {
		snprintf(id, sizeof(id), "sp-%d", k);
		/* Compromised-looking answers get the loudest marks. */
		pattern(b, id, seg_colour[k], k == WS_REP_SEG_COMPROMISED ? 3 : 0);
	}
	ws_buf_adds(b, "</defs></svg>\n");
}

static void swatch(struct ws_buf *b, const char *fill_id)
{
	ws_buf_printf(b,
		      "<svg class=\"sw\" width=\"14\" height=\"14\" aria-hidden=\"true\" "
		      "focusable=\"false\"><rect width=\"14\" height=\"14\" fill=\"url(#%s)\" "
		      "stroke=\"#333\" stroke-width=\"1\"/></svg>",
		      fill_id);
}

void ws_rep_chart_swatch(struct ws_buf *b, int w)
{
	char id[16];
	snprintf(id, sizeof(id), "wp-%d", worm_slot(w));
	swatch(b, id);
}

void ws_rep_chart_status_swatch(struct ws_buf *b, int k)
{
	char id[16];
	snprintf(id, sizeof(id), "sp-%d", k >= 0 && k < WS_REP_NSEG ? k : WS_REP_SEG_OTHER);
	swatch(b, id);
}

int ws_rep_status_class(const struct ws_rep_status *s)
{
	if (s->compromised)
		return WS_REP_SEG_COMPROMISED;
	if (s->status >= 200 && s->status < 600)
		return WS_REP_SEG_2XX + (s->status / 100 - 2);
	return WS_REP_SEG_OTHER;
}

const char *ws_rep_seg_label(int k)
{
	return k >= 0 && k < WS_REP_NSEG ? seg_label[k] : seg_label[WS_REP_SEG_OTHER];
}

/* ---- axes ---------------------------------------------------------------- */

/* A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up
 * to max; doubles because only the drawing depends on it. */
static double nice_step(double max, int ticks)
{
	if (max <= 0)
		return 1;
	double raw = max / ticks, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return fmax(1, step * mag);
}

/* 950, 12k, 3.4M: short labels for axis ticks. */
static void compact(double v, char *out)
{
	if (v >= 1e9)
		snprintf(out, 32, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(out, 32, "%.3gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(out, 32, "%.3gk", v / 1e3);
	else
		ws_rep_num((uint64_t)v, out);
}

/* Horizontal grid lines and labels of a value axis on the left. */
static void value_axis_left(struct ws_buf *b, double ymax, double step, double x0, double x1,
			    double ytop, double ybot, const char *label)
{
	char t[32];
	for (double v = 0; v <= ymax + step / 2; v += step) {
		double y = ybot - v / ymax * (ybot - ytop);
		compact(v, t);
		ws_buf_printf(
		    b,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
		    x0, y, x1, y, x0 - 6, y + 4, t);
	}
	ws_buf_printf(b,
		      "<text class=\"axis-label\" transform=\"translate(14 %.1f) rotate(-90)\" "
		      "text-anchor=\"middle\">%s</text>",
		      (ytop + ybot) / 2, label);
	ws_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		      x0, ybot, x1, ybot);
}

/* Vertical grid lines and labels of a value axis along the bottom. */
static void value_axis_bottom(struct ws_buf *b, double xmax, double step, double x0, double x1,
			      double ytop, double ybot, const char *label)
{
	char t[32];
	for (double v = 0; v <= xmax + step / 2; v += step) {
		double x = x0 + v / xmax * (x1 - x0);
		compact(v, t);
		ws_buf_printf(
		    b,
		    "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
		    x, ytop, x, ybot, x, ybot + 16, t);
	}
	ws_buf_printf(
	    b, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
	    (x0 + x1) / 2, ybot + 34, label);
}

static void grid_x(struct ws_buf *b, double x, double ytop, double ybot)
{
	ws_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		      x, ytop, x, ybot);
}

/* Month ticks (first of the month, every 1, 2, 3, 6 or 12*k months) for
 * spans of months or years, labelled 2001-08. */
/* A tick label centred on a tick near the plot's edge would be cut off by
 * the frame: there it is anchored to end (or start) at the tick instead. */
static const char *tick_anchor(double x, double x0, double x1)
{
	return x > x1 - 30 ? "end" : x < x0 + 30 ? "start" : "middle";
}

static void month_ticks(struct ws_buf *b, int64_t t0, int64_t t1, double x0, double x1, double ytop,
			double ybot)
{
	static const int64_t steps[] = {1, 2, 3, 6, 12};
	int64_t months = (t1 - t0) / (30 * 86400) + 1, step = 12;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (months / steps[i] <= 10) {
			step = steps[i];
			break;
		}
	while (months / step > 10) /* decades of data */
		step += 12;
	int y, m, d;
	ws_civil_from_days(ws_floor_div(t0, 86400), &y, &m, &d);
	int64_t idx = (int64_t)y * 12 + (m - 1) + (t0 % 86400 || d != 1); /* next month start */
	idx = (idx + step - 1) / step * step;
	for (;; idx += step) {
		int64_t v = ws_days_from_civil((int)(idx / 12), (int)(idx % 12) + 1, 1) * 86400;
		if (v > t1)
			break;
		double x = x0 + (double)(v - t0) / (double)(t1 - t0) * (x1 - x0);
		grid_x(b, x, ytop, ybot);
		ws_buf_printf(b,
			      "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			      "text-anchor=\"%s\">%04d-%02d</text>",
			      x, ybot + 16, tick_anchor(x, x0, x1), (int)(idx / 12) % 10000,
			      (int)(idx % 12) + 1);
	}
}

/* A time axis from t0 to t1 (UTC). Up to two months: ticks at round steps
 * aligned to UTC midnight, labelled with the hour and, where the day
 * changes, the date (or with the date alone for steps of days). Longer:
 * month ticks. */
static void time_axis(struct ws_buf *b, int64_t t0, int64_t t1, double x0, double x1, double ytop,
		      double ybot)
{
	static const int64_t steps[] = {
	    3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400, 14 * 86400,
	};
	int64_t span = t1 > t0 ? t1 - t0 : 1, step = steps[0];
	if (span > 61 * 86400) {
		month_ticks(b, t0, t0 + span, x0, x1, ytop, ybot);
	} else {
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && span / step > 10; i++)
			step = steps[i];
	}
	char t[32], d[32];
	int64_t prev_day = INT64_MIN;
	for (int64_t v = ws_floor_div(t0 + step - 1, step) * step; span <= 61 * 86400 && v <= t1;
	     v += step) {
		double x = x0 + (double)(v - t0) / (double)span * (x1 - x0);
		int64_t day = ws_floor_div(v, 86400);
		grid_x(b, x, ytop, ybot);
		if (step >= 86400) {
			ws_buf_printf(b,
				      "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
				      "text-anchor=\"%s\">%s</text>",
				      x, ybot + 16, tick_anchor(x, x0, x1), ws_rep_time(v, WS_REP_T_DAY, d));
		} else {
			ws_buf_printf(
			    b,
			    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s",
			    x, ybot + 16, tick_anchor(x, x0, x1), ws_rep_time(v, WS_REP_T_HOUR, t));
			if (day != prev_day)
				ws_buf_printf(b, "<tspan x=\"%.1f\" dy=\"14\">%s</tspan>", x,
					      ws_rep_time(v, WS_REP_T_MONTHDAY, d));
			ws_buf_adds(b, "</text>");
		}
		prev_day = day;
	}
	ws_buf_printf(b,
		      "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		      "time (UTC)</text>",
		      (x0 + x1) / 2, ybot + 44);
}

/* ---- the frame every chart shares ---------------------------------------- */

static void svg_open(struct ws_buf *b, const char *id, double h, const char *title,
		     const struct ws_buf *desc, bool simulated)
{
	ws_buf_printf(b,
		      "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		      "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"%s-t %s-d\">"
		      "<title id=\"%s-t\">%s",
		      id, W, h, id, id, id, simulated ? "SIMULATED DATA: " : "");
	ws_rep_esc(b, title);
	ws_buf_printf(b, "</title><desc id=\"%s-d\">", id);
	if (simulated)
		ws_buf_adds(b, "These figures come from a simulation, not from real traffic. ");
	ws_buf_add(b, desc->p, desc->n);
	ws_buf_adds(b, "</desc>");
}

static void svg_close(struct ws_buf *b, double h, bool simulated)
{
	if (simulated)
		ws_buf_printf(
		    b,
		    "<text class=\"watermark\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
		    "transform=\"rotate(-8 %.0f %.0f)\">SIMULATED DATA</text>",
		    W / 2, h / 2 + 20, W / 2, h / 2);
	ws_buf_adds(b, "</svg>\n");
}

/* A chart with nothing to draw still has its frame, title and text
 * alternative, so an empty store gives the same page structure. */
static void empty_chart(struct ws_buf *b, const char *id, double h, const char *title,
			const char *why, bool simulated)
{
	struct ws_buf desc = {0};
	ws_buf_adds(&desc, why);
	svg_open(b, id, h, title, &desc, simulated);
	ws_buf_printf(b,
		      "<text class=\"nodata\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">"
		      "no worm requests recorded</text>",
		      W / 2, h / 2);
	svg_close(b, h, simulated);
	ws_buf_free(&desc);
}

/* ---- (1) requests per hour, stacked by worm ------------------------------ */

int64_t ws_rep_hour_bin(int64_t first, int64_t last)
{
	static const int64_t hours[] = {1, 2, 3, 6, 12, 24, 48, 168};
	int64_t span = (last - first) / 3600 + 1;
	for (size_t i = 0; i < sizeof(hours) / sizeof(hours[0]); i++)
		if (span / hours[i] < WS_REP_MAX_BARS)
			return hours[i] * 3600;
	return (span / WS_REP_MAX_BARS + 1) * 3600;
}

const char *ws_rep_bin_name(int64_t binsec, char buf[32])
{
	int64_t h = binsec / 3600;
	if (h == 1)
		return "hour";
	if (h == 24)
		return "day";
	if (h == 168)
		return "week";
	if (h % 24 == 0)
		snprintf(buf, 32, "%lld days", (long long)(h / 24));
	else
		snprintf(buf, 32, "%lld hours", (long long)h);
	return buf;
}

ws_rep_bin *ws_rep_hour_bins(const struct ws_report_data *d, int64_t *t0, int64_t *binsec,
			     size_t *nb)
{
	int64_t first, last;
	*nb = 0;
	if (!ws_rep_hour_range(d, &first, &last))
		return NULL;
	*binsec = ws_rep_hour_bin(first, last);
	*t0 = ws_floor_to(first, *binsec);
	*nb = (size_t)((last - *t0) / *binsec) + 1;
	ws_rep_bin *bins = ws_xcalloc(*nb, sizeof(*bins));
	for (size_t i = 0; i < d->n_hours; i++) {
		size_t k = (size_t)((ws_rep_clamp_time(d->hours[i].hour) - *t0) / *binsec);
		for (int w = 0; w < WS_MAX_WORMS; w++)
			bins[k][w] += d->hours[i].count[w];
	}
	return bins;
}

bool ws_rep_hour_range(const struct ws_report_data *d, int64_t *first, int64_t *last)
{
	*first = INT64_MAX;
	*last = INT64_MIN;
	for (size_t i = 0; i < d->n_hours; i++) {
		int64_t t = ws_rep_clamp_time(d->hours[i].hour);
		*first = t < *first ? t : *first;
		*last = t > *last ? t : *last;
	}
	return d->n_hours > 0;
}

void ws_rep_chart_hours(struct ws_buf *b, const struct ws_report_data *d)
{
	const double h = 300, x0 = 70, x1 = W - 16, ytop = 16, ybot = h - 56;
	struct ws_buf desc = {0};
	char n1[32], ta[32], tb[32], tc[32];
	int64_t first, last;
	if (!ws_rep_hour_range(d, &first, &last)) {
		empty_chart(b, "chart-hours", h, "Worm requests per hour",
			    "No worm requests are recorded.", d->simulated);
		ws_buf_free(&desc);
		return;
	}
	int64_t binsec, t0;
	size_t nb;
	ws_rep_bin *bins = ws_rep_hour_bins(d, &t0, &binsec, &nb);
	uint64_t peak = 0;
	size_t peak_k = 0;
	for (size_t k = 0; k < nb; k++) {
		uint64_t s = 0;
		for (int w = 0; w < WS_MAX_WORMS; w++)
			s += bins[k][w];
		if (s > peak) {
			peak = s;
			peak_k = k;
		}
	}
	int64_t tend = t0 + (int64_t)nb * binsec;
	char pbuf[32];
	const char *per = ws_rep_bin_name(binsec, pbuf);
	ws_buf_printf(
	    &desc,
	    "Worm requests per %s from %s to %s UTC, stacked by worm. The busiest "
	    "%s began %s UTC with %s requests. The table below gives every %s with requests.",
	    per, ws_rep_time(t0, WS_REP_T_MINUTE, ta), ws_rep_time(tend, WS_REP_T_MINUTE, tb), per,
	    ws_rep_time(t0 + (int64_t)peak_k * binsec, WS_REP_T_MINUTE, tc), ws_rep_num(peak, n1),
	    per);
	char title[96];
	snprintf(title, sizeof(title), "Worm requests per %s, stacked by worm", per);
	svg_open(b, "chart-hours", h, title, &desc, d->simulated);
	double step = nice_step((double)peak, 5);
	double ymax = ceil((double)peak / step) * step;
	value_axis_left(b, ymax, step, x0, x1, ytop, ybot, "requests");
	time_axis(b, t0, tend, x0, x1, ytop, ybot);
	double bw = (x1 - x0) / (double)nb;
	double gap = bw > 4 ? 1 : 0;
	char fill[32];
	for (size_t k = 0; k < nb; k++) {
		double y = ybot;
		for (int w = 0; w < WS_MAX_WORMS; w++) {
			if (!bins[k][w])
				continue;
			double hh = (double)bins[k][w] / ymax * (ybot - ytop);
			y -= hh;
			/* A pattern on a bar a few pixels wide reads as noise:
			 * thin bars get the plain colour. */
			if (bw < 4)
				snprintf(fill, sizeof(fill), "%s", worm_colour[w]);
			else
				snprintf(fill, sizeof(fill), "url(#wp-%d)", w);
			ws_buf_printf(b,
				      "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
				      "fill=\"%s\"><title>%s UTC, ",
				      x0 + (double)k * bw, y, fmax(bw - gap, 0.5), hh, fill,
				      ws_rep_time(t0 + (int64_t)k * binsec, WS_REP_T_MINUTE, ta));
			ws_rep_esc(b, ws_rep_worm_name(w));
			ws_buf_printf(b, ": %s</title></rect>", ws_rep_num(bins[k][w], n1));
		}
	}
	free(bins);
	svg_close(b, h, d->simulated);
	ws_buf_free(&desc);
}

/* ---- (2) the epidemic curve ---------------------------------------------- */

struct end_label {
	double y;
	int curve;
};

static int by_y(const void *a, const void *b)
{
	double x = ((const struct end_label *)a)->y, y = ((const struct end_label *)b)->y;
	return (x > y) - (x < y);
}

void ws_rep_chart_curves(struct ws_buf *b, const struct ws_report_data *d)
{
	const double h = 330, x0 = 70, x1 = W - 285, ytop = 16, ybot = h - 56;
	struct ws_buf desc = {0};
	char n1[32], ta[32], tb[32];
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;
	uint64_t ymaxv = 0;
	for (size_t c = 0; c < d->n_curves; c++) {
		const struct ws_rep_curve *cv = &d->curves[c];
		if (!cv->n)
			continue;
		for (size_t i = 0; i < cv->n; i++) {
			int64_t t = ws_rep_clamp_time(cv->t[i]);
			tmin = t < tmin ? t : tmin;
			tmax = t > tmax ? t : tmax;
			ymaxv = cv->cum[i] > ymaxv ? cv->cum[i] : ymaxv;
		}
	}
	if (tmin > tmax) {
		empty_chart(b, "chart-curve", h, "Epidemic curve: distinct sources per worm",
			    "No worm sources are recorded.", d->simulated);
		ws_buf_free(&desc);
		return;
	}
	if (ws_rep_clamp_time(d->last) > tmax)
		tmax = ws_rep_clamp_time(d->last);
	if (tmax - tmin < 3600)
		tmax = tmin + 3600;
	ws_buf_printf(&desc,
		      "Cumulative count of distinct sources seen per worm over time (UTC), "
		      "the view CAIDA used for Code Red in 2001.");
	for (size_t c = 0; c < d->n_curves; c++) {
		const struct ws_rep_curve *cv = &d->curves[c];
		if (!cv->n)
			continue;
		ws_buf_adds(&desc, " ");
		ws_rep_esc(&desc, ws_rep_worm_name(cv->worm));
		ws_buf_printf(&desc, ": first source %s, %s sources by %s.",
			      ws_rep_time(cv->t[0], WS_REP_T_MINUTE, ta),
			      ws_rep_num(cv->cum[cv->n - 1], n1),
			      ws_rep_time(cv->t[cv->n - 1], WS_REP_T_MINUTE, tb));
	}
	svg_open(b, "chart-curve", h, "Epidemic curve: cumulative distinct sources per worm", &desc,
		 d->simulated);
	double step = nice_step((double)ymaxv, 5);
	double ymax = ceil((double)ymaxv / step) * step;
	value_axis_left(b, ymax, step, x0, x1, ytop, ybot, "distinct sources");
	time_axis(b, tmin, tmax, x0, x1, ytop, ybot);
	double span = (double)(tmax - tmin);
	struct end_label *lab = ws_xcalloc(d->n_curves ? d->n_curves : 1, sizeof(*lab));
	size_t nlab = 0;
	for (size_t c = 0; c < d->n_curves; c++) {
		const struct ws_rep_curve *cv = &d->curves[c];
		if (!cv->n)
			continue;
		int w = worm_slot(cv->worm);
		ws_buf_printf(b,
			      "<path class=\"curve\" fill=\"none\" stroke=\"%s\" "
			      "stroke-dasharray=\"%s\" d=\"M%.1f %.1f",
			      line_colour(w), dash[w % 4],
			      x0 + (double)(ws_rep_clamp_time(cv->t[0]) - tmin) / span * (x1 - x0),
			      ybot);
		double y = ybot;
		for (size_t i = 0; i < cv->n; i++) {
			double x =
			    x0 + (double)(ws_rep_clamp_time(cv->t[i]) - tmin) / span * (x1 - x0);
			y = ybot - (double)cv->cum[i] / ymax * (ybot - ytop);
			ws_buf_printf(b, "H%.1fV%.1f", x, y);
		}
		ws_buf_printf(b, "H%.1f\"/>", x1);
		lab[nlab++] = (struct end_label){y, (int)c};
	}
	/* End labels, pushed apart so that curves ending together stay readable. */
	qsort(lab, nlab, sizeof(*lab), by_y);
	for (size_t i = 1; i < nlab; i++)
		if (lab[i].y < lab[i - 1].y + 14)
			lab[i].y = lab[i - 1].y + 14;
	/* ...and back up from the bottom when many curves end near zero. */
	for (size_t i = nlab; i-- > 0;) {
		double limit = i + 1 < nlab ? lab[i + 1].y - 14 : ybot + 8;
		if (lab[i].y > limit)
			lab[i].y = limit;
	}
	for (size_t i = 0; i < nlab; i++) {
		const struct ws_rep_curve *cv = &d->curves[lab[i].curve];
		ws_buf_printf(b, "<text class=\"endlabel\" x=\"%.1f\" y=\"%.1f\" fill=\"#222\">",
			      x1 + 6, lab[i].y + 4);
		ws_rep_esc(b, ws_rep_worm_name(cv->worm));
		ws_buf_printf(b, " %s</text>", ws_rep_num(cv->cum[cv->n - 1], n1));
	}
	free(lab);
	svg_close(b, h, d->simulated);
	ws_buf_free(&desc);
}

/* ---- (3) top sources and networks (horizontal bars) ---------------------- */

static void bar_label(struct ws_buf *b, double x, double y, const char *s, size_t cap)
{
	ws_buf_printf(b, "<text class=\"barlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x,
		      y);
	ws_esc_html(b, s, strnlen(s, cap));
	ws_buf_adds(b, "</text>");
}

void ws_rep_chart_sources(struct ws_buf *b, const struct ws_report_data *d)
{
	const double row = 22, x0 = 300, x1 = W - 110, ytop = 10;
	double ybot = ytop + row * (double)(d->n_top ? d->n_top : 4), h = ybot + 46;
	struct ws_buf desc = {0};
	char n1[32];
	if (!d->n_top) {
		empty_chart(b, "chart-sources", h, "Top sources by worm requests",
			    "No worm sources are recorded.", d->simulated);
		ws_buf_free(&desc);
		return;
	}
	ws_buf_printf(&desc,
		      "The %zu sources that sent the most worm requests, bars split by worm. "
		      "The busiest, ",
		      d->n_top);
	ws_esc_html(&desc, d->top[0].addr, strnlen(d->top[0].addr, sizeof(d->top[0].addr)));
	ws_buf_printf(&desc, ", sent %s. The table below lists them with first and last sighting.",
		      ws_rep_num(d->top[0].requests, n1));
	svg_open(b, "chart-sources", h, "Top sources by worm requests", &desc, d->simulated);
	uint64_t maxv = 0;
	for (size_t i = 0; i < d->n_top; i++)
		maxv = d->top[i].requests > maxv ? d->top[i].requests : maxv;
	double step = nice_step((double)maxv, 5), xmax = ceil((double)maxv / step) * step;
	value_axis_bottom(b, xmax, step, x0, x1, ytop, ybot, "requests");
	for (size_t i = 0; i < d->n_top; i++) {
		const struct ws_rep_source *s = &d->top[i];
		double y = ytop + row * (double)i, x = x0;
		bar_label(b, x0 - 8, y + 15, s->addr, sizeof(s->addr));
		for (int w = 0; w < WS_MAX_WORMS; w++) {
			if (!s->per_worm[w])
				continue;
			double ww = (double)s->per_worm[w] / xmax * (x1 - x0);
			ws_buf_printf(b,
				      "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
				      "fill=\"url(#wp-%d)\"><title>",
				      x, y + 3, ww, row - 6, w);
			ws_rep_esc(b, ws_rep_worm_name(w));
			ws_buf_printf(b, ": %s</title></rect>", ws_rep_num(s->per_worm[w], n1));
			x += ww;
		}
		ws_buf_printf(b, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%s%s</text>",
			      x0 + (double)s->requests / xmax * (x1 - x0) + 6, y + 15,
			      ws_rep_num(s->requests, n1), s->compromised ? " \u26a0" : "");
	}
	svg_close(b, h, d->simulated);
	ws_buf_free(&desc);
}

void ws_rep_chart_nets(struct ws_buf *b, const struct ws_rep_net *nets, size_t n, const char *id,
		       const char *what, bool simulated)
{
	const double row = 22, x0 = 240, x1 = W - 170, ytop = 10;
	double ybot = ytop + row * (double)(n ? n : 4), h = ybot + 46;
	struct ws_buf desc = {0};
	char title[96], n1[32], n2[32];
	snprintf(title, sizeof(title), "Top %s networks by worm requests", what);
	if (!n) {
		empty_chart(b, id, h, title, "No worm sources are recorded.", simulated);
		ws_buf_free(&desc);
		return;
	}
	ws_buf_printf(&desc, "The %zu %s networks that sent the most worm requests. The busiest, ",
		      n, what);
	ws_esc_html(&desc, nets[0].prefix, strnlen(nets[0].prefix, sizeof(nets[0].prefix)));
	ws_buf_printf(&desc, ", sent %s requests from %s source%s.",
		      ws_rep_num(nets[0].requests, n1), ws_rep_num(nets[0].sources, n2),
		      nets[0].sources == 1 ? "" : "s");
	svg_open(b, id, h, title, &desc, simulated);
	uint64_t maxv = 0;
	for (size_t i = 0; i < n; i++)
		maxv = nets[i].requests > maxv ? nets[i].requests : maxv;
	double step = nice_step((double)maxv, 5), xmax = ceil((double)maxv / step) * step;
	value_axis_bottom(b, xmax, step, x0, x1, ytop, ybot, "requests");
	for (size_t i = 0; i < n; i++) {
		double y = ytop + row * (double)i, ww = (double)nets[i].requests / xmax * (x1 - x0);
		bar_label(b, x0 - 8, y + 15, nets[i].prefix, sizeof(nets[i].prefix));
		ws_buf_printf(b,
			      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
			      "fill=\"#5A6F86\"/>"
			      "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%s (%s source%s)</text>",
			      x0, y + 3, ww, row - 6, x0 + ww + 6, y + 15,
			      ws_rep_num(nets[i].requests, n1), ws_rep_num(nets[i].sources, n2),
			      nets[i].sources == 1 ? "" : "s");
	}
	svg_close(b, h, simulated);
	ws_buf_free(&desc);
}

/* ---- (4) status mix per worm --------------------------------------------- */

void ws_rep_chart_status(struct ws_buf *b, const struct ws_report_data *d)
{
	uint64_t seg[WS_MAX_WORMS][WS_REP_NSEG] = {{0}};
	uint64_t all[WS_MAX_WORMS] = {0}, comp_total = 0;
	for (size_t i = 0; i < d->n_status; i++) {
		int w = worm_slot(d->status[i].worm);
		seg[w][ws_rep_status_class(&d->status[i])] += d->status[i].count;
		all[w] += d->status[i].count;
	}
	int rows = 0;
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		rows += all[w] > 0;
		comp_total += seg[w][WS_REP_SEG_COMPROMISED];
	}
	/* x0 leaves room for the longest worm name at the row labels' size
	 * ("IIS traversal / cmd.exe probe" was cut off at 170). */
	const double row = 28, x0 = 240, x1 = W - 330, ytop = 10;
	double ybot = ytop + row * (rows ? rows : 4), h = ybot + 46;
	struct ws_buf desc = {0};
	char n1[32], n2[32];
	const char *title = "Answers to worm requests by status, compromised-looking first";
	if (!rows) {
		empty_chart(b, "chart-status", h, title, "No answers are recorded.", d->simulated);
		ws_buf_free(&desc);
		return;
	}
	ws_buf_printf(&desc,
		      "Share of each worm's requests by the status the server answered; "
		      "success answers to a worm request look compromised and come first, "
		      "hatched. %s compromised-looking answers in all.",
		      ws_rep_num(comp_total, n1));
	svg_open(b, "chart-status", h, title, &desc, d->simulated);
	value_axis_bottom(b, 100, 20, x0, x1, ytop, ybot, "share of the worm's answers (%)");
	int r = 0;
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (!all[w])
			continue;
		double y = ytop + row * r++, x = x0;
		ws_buf_printf(b,
			      "<text class=\"rowlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
			      x0 - 8, y + 18);
		ws_rep_esc(b, ws_rep_worm_name(w));
		ws_buf_adds(b, "</text>");
		/* A handful of compromised-looking answers among thousands would
		 * vanish at scale: they get at least a visible sliver, taken
		 * from the other segments. */
		uint64_t comp = seg[w][WS_REP_SEG_COMPROMISED];
		double cw = comp ? fmax(5, (double)comp / (double)all[w] * (x1 - x0)) : 0;
		double rest = all[w] - comp ? (x1 - x0 - cw) / (double)(all[w] - comp) : 0;
		for (int k = 0; k < WS_REP_NSEG; k++) {
			if (!seg[w][k])
				continue;
			double ww = k == WS_REP_SEG_COMPROMISED ? cw : (double)seg[w][k] * rest;
			ws_buf_printf(b,
				      "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
				      "fill=\"url(#sp-%d)\"%s><title>%s: %s</title></rect>",
				      x, y + 4, ww, row - 8, k,
				      k == WS_REP_SEG_COMPROMISED
					  ? " stroke=\"#000\" stroke-width=\"1.5\""
					  : "",
				      seg_label[k], ws_rep_num(seg[w][k], n1));
			x += ww;
		}
		uint64_t c = seg[w][WS_REP_SEG_COMPROMISED];
		ws_buf_printf(b, "<text class=\"value%s\" x=\"%.1f\" y=\"%.1f\">%s answers",
			      c ? " alert" : "", x1 + 8, y + 18, ws_rep_num(all[w], n1));
		if (c)
			ws_buf_printf(b, ", \u26a0 %s compromised-looking", ws_rep_num(c, n2));
		ws_buf_adds(b, "</text>");
	}
	svg_close(b, h, d->simulated);
	ws_buf_free(&desc);
}
