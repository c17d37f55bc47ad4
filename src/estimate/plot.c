/* SPDX-License-Identifier: MIT */
/* The estimate's chart (plot.h), hand-written SVG with a <title> and <desc>
 * so that it reads without a script. */
#include "estimate/plot.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/escape.h"
#include "util/time.h"

#define W 900.0
#define PH 260.0 /* one panel's height */
#define L 80.0   /* left margin */
#define R 60.0
#define TOP 50.0
#define GAP 60.0

struct frame {
	double y0;           /* the panel's top */
	double tmin, tmax;   /* UTC s */
	double vmax;
};

static double fx(const struct frame *f, double t)
{
	double span = f->tmax > f->tmin ? f->tmax - f->tmin : 1;
	return L + (W - L - R) * (t - f->tmin) / span;
}

static double fy(const struct frame *f, double v)
{
	double m = f->vmax > 0 ? f->vmax : 1;
	return f->y0 + PH - PH * (v < 0 ? 0 : v) / m;
}

/* The end of interval j, where the series' values are placed. */
static double tend(const struct ws_est_series *s, size_t j)
{
	return (double)(s->t0 + (int64_t)(j + 1) * s->dt);
}

static double vmax_of(const double *const *v, size_t nv, size_t n)
{
	double m = 0;
	for (size_t k = 0; k < nv; k++)
		for (size_t j = 0; v[k] && j < n; j++)
			if (isfinite(v[k][j]) && v[k][j] > m)
				m = v[k][j];
	return m;
}

/* A polyline over intervals [from, to) of v, breaking at missing values. */
static void line(struct ws_buf *b, const struct frame *f, const struct ws_est_series *s,
		 const double *v, size_t from, size_t to, const char *style)
{
	bool open = false;
	for (size_t j = from; v && j < to; j++) {
		if (!isfinite(v[j])) {
			if (open)
				ws_buf_printf(b, "\"/>\n");
			open = false;
			continue;
		}
		if (open)
			ws_buf_printf(b, " %.1f,%.1f", fx(f, tend(s, j)), fy(f, v[j]));
		else
			ws_buf_printf(b, "<polyline fill=\"none\"%s points=\"%.1f,%.1f", style,
				      fx(f, tend(s, j)), fy(f, v[j]));
		open = true;
	}
	if (open)
		ws_buf_printf(b, "\"/>\n");
}

static void dots(struct ws_buf *b, const struct frame *f, const struct ws_est_series *s,
		 const double *v, size_t from, size_t to, const char *fill)
{
	for (size_t j = from; v && j < to; j++)
		if (isfinite(v[j]))
			ws_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
				      fx(f, tend(s, j)), fy(f, v[j]), fill);
}

/* The 95 % band as one polygon (upper edge forward, lower edge back). */
static void band(struct ws_buf *b, const struct frame *f, const struct ws_est_series *s,
		 const double *lo, const double *hi, size_t n)
{
	size_t k = 0;
	ws_buf_adds(b, "<polygon fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\" points=\"");
	for (size_t j = 0; j < n; j++)
		if (isfinite(hi[j]) && isfinite(lo[j]))
			ws_buf_printf(b, "%s%.1f,%.1f", k++ ? " " : "", fx(f, tend(s, j)),
				      fy(f, hi[j]));
	for (size_t j = n; j-- > 0;)
		if (isfinite(hi[j]) && isfinite(lo[j]))
			ws_buf_printf(b, " %.1f,%.1f", fx(f, tend(s, j)), fy(f, lo[j]));
	ws_buf_adds(b, "\"/>\n");
}

static void axes(struct ws_buf *b, const struct frame *f, const char *what)
{
	ws_buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
			 "stroke=\"#888\"/>\n", L, f->y0, W - L - R, PH);
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\">%s</text>\n", L,
		      f->y0 - 8, what);
	for (int k = 0; k <= 4; k++) {
		double v = f->vmax * k / 4;
		ws_buf_printf(b, v >= 10 ? "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
					   "text-anchor=\"end\">%.0f</text>\n"
					 : "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
					   "text-anchor=\"end\">%.2g</text>\n",
			      L - 6, fy(f, v) + 4, v);
	}
	for (int k = 0; k <= 4; k++) {
		double t = f->tmin + (f->tmax - f->tmin) * k / 4;
		char iso[40];
		ws_time_format_iso(llround(t), iso);
		iso[10] = ' ';
		iso[16] = 0; /* "2001-08-01 05:45" */
		ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">"
				 "%s%s</text>\n", fx(f, t), f->y0 + PH + 16, iso, k == 4 ? " UTC" : "");
	}
}

static void legend(struct ws_buf *b, double x, double y, const char *color, bool dashed,
		   const char *text)
{
	ws_buf_printf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
			 "stroke-width=\"2\"%s/><text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s"
			 "</text>\n", x, y, x + 24, y, color, dashed ? " stroke-dasharray=\"6 4\"" : "",
		      x + 30, y + 4, text);
}

/* The end of the intervals the fit used: the forecast starts there. */
static size_t used_end(const struct ws_est_result *r)
{
	size_t e = r->first_used + r->intervals_used;
	return e < r->n_out ? e : r->n_out;
}

/* A dashed vertical line where the fit's data end (with --until). */
static void until_mark(struct ws_buf *b, const struct frame *f, const struct ws_est_series *s,
		       size_t used, size_t data)
{
	if (!used || used >= data)
		return;
	double x = fx(f, tend(s, used - 1));
	ws_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#555\" "
			 "stroke-dasharray=\"2 3\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
			 "text-anchor=\"end\">fit uses the data up to here</text>\n",
		      x, f->y0, x, f->y0 + PH, x - 4, f->y0 + 14);
}

static void outbreak_panel(struct ws_buf *b, const struct ws_est_result *r,
			   const struct ws_est_series *s, struct frame *f)
{
	const double *v[] = {r->infected_hi, r->zou, r->wcc, r->cum_seen, r->infected};
	f->vmax = 1.05 * vmax_of(v, 5, r->n_out);
	axes(b, f, "infected hosts, whole outbreak (fit, 95 % band, corrections)");
	band(b, f, s, r->infected_lo, r->infected_hi, r->n_out);
	size_t data = s->n < r->n_out ? s->n : r->n_out, used = used_end(r);
	dots(b, f, s, r->zou, 0, data, "#e6550d");
	line(b, f, s, r->cum_seen, 0, data, " stroke=\"#636363\" stroke-width=\"1.5\"");
	line(b, f, s, r->wcc, 0, data, " stroke=\"#31a354\" stroke-width=\"1.5\"");
	/* the fit on top: solid over the data it used, dashed as forecast */
	line(b, f, s, r->infected, 0, used, " stroke=\"#08519c\" stroke-width=\"2.5\"");
	line(b, f, s, r->infected, used ? used - 1 : 0, r->n_out,
	     " stroke=\"#08519c\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"");
	until_mark(b, f, s, used, data);
	double y = f->y0 + 14;
	legend(b, L + 12, y, "#08519c", false, "fitted infected (logistic)");
	legend(b, L + 12, y + 16, "#08519c", true, "forecast");
	legend(b, L + 12, y + 32, "#636363", false, "sources seen (cumulative)");
	legend(b, L + 12, y + 48, "#31a354", false, "infection-time estimate");
	ws_buf_printf(b, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#e6550d\"/><text x=\"%.0f\" "
			 "y=\"%.0f\" font-size=\"11\">Zou's corrected count</text>\n", L + 24,
		      y + 64, L + 42, y + 68);
}

static void monitor_panel(struct ws_buf *b, const struct ws_est_result *r,
			  const struct ws_est_series *s, struct frame *f)
{
	const double *v[] = {r->observed, r->fitted_obs};
	f->vmax = 1.05 * vmax_of(v, 2, r->n_out);
	char what[120];
	snprintf(what, sizeof(what), "per interval at the monitor: %s, observed and fitted",
		 ws_est_basis_name(r->basis));
	axes(b, f, what);
	size_t data = s->n < r->n_out ? s->n : r->n_out, used = used_end(r);
	dots(b, f, s, r->observed, 0, used, "#252525");
	/* what came after the fit's data: held out, to judge the forecast by */
	if (used < data)
		dots(b, f, s, r->observed, used, data, "#bdbdbd");
	line(b, f, s, r->fitted_obs, 0, r->n_out, " stroke=\"#08519c\" stroke-width=\"2.5\"");
	until_mark(b, f, s, used, data);
	legend(b, L + 12, f->y0 + 14, "#08519c", false, "expected under the fit");
	ws_buf_printf(b, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#252525\"/><text x=\"%.0f\" "
			 "y=\"%.0f\" font-size=\"11\">observed</text>\n", L + 24, f->y0 + 30,
		      L + 42, f->y0 + 34);
}

void ws_est_plot_svg(const struct ws_est_result *r, const struct ws_est_series *s,
		     const char *title, bool simulated, bool sized, struct ws_buf *out)
{
	double h = TOP + (sized ? 2 : 1) * (PH + GAP) + 10;
	struct frame f = {.y0 = TOP, .tmin = (double)s->t0,
			  .tmax = (double)(s->t0 + (int64_t)r->n_out * s->dt)};
	ws_buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%.0f\" "
			   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
		      W, h, W, h);
	ws_buf_adds(out, "<title>");
	if (simulated)
		ws_buf_adds(out, "SIMULATED DATA: ");
	ws_buf_adds(out, "wormscope estimate of ");
	ws_esc_html(out, title, strlen(title));
	ws_buf_adds(out, "</title>\n<desc>");
	ws_esc_html(out, r->verdict, strlen(r->verdict));
	ws_buf_printf(out, " K %.4g/h (95 %% %.4g to %.4g)", r->K, r->K_lo, r->K_hi);
	if (sized && isfinite(r->N))
		ws_buf_printf(out, ", N %.0f (95 %% %.0f to %.0f)", r->N, r->N_lo, r->N_hi);
	ws_buf_adds(out, ".</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
	ws_buf_printf(out, "<text x=\"%.0f\" y=\"22\" font-size=\"15\">%s", L,
		      simulated ? "SIMULATED DATA: " : "");
	ws_esc_html(out, title, strlen(title));
	ws_buf_adds(out, "</text>\n");
	if (sized) {
		outbreak_panel(out, r, s, &f);
		f.y0 += PH + GAP;
	}
	monitor_panel(out, r, s, &f);
	ws_buf_adds(out, "</svg>\n");
}
