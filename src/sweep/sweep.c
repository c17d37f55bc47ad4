/* SPDX-License-Identifier: MIT */
/* Parameter sweeps (see sweep.h). */
#include "sweep/sweep.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/outputs.h"
#include "util/escape.h"
#include "ws_version.h"

/* Keys whose setting does not replace one value: worm resets every other
 * key, telescope appends, runs is the ensemble itself, and a curve's text
 * holds commas. */
static const char *const fixed_keys[] = {"worm", "runs", "telescope", "patch_curve"};

/* A full number: "5", "-1.5e3" (not "2001-07-19T10:00:00Z"). */
static bool number(const char *s, double *v)
{
	char *end;
	if (!*s)
		return false;
	*v = strtod(s, &end);
	return *end == 0 && isfinite(*v);
}

static int add_value(struct ws_sweep_axis *a, const char *v, size_t n, struct ws_err *e)
{
	if (a->n >= WS_SWEEP_MAX_VALUES)
		return ws_err_set(e, WS_EUSAGE, "--sweep %s: more than %d values", a->key,
				  WS_SWEEP_MAX_VALUES);
	if (n == 0 || n >= WS_SWEEP_VALUE_LEN)
		return ws_err_set(e, WS_EUSAGE, "--sweep %s: a value is empty or longer than %d bytes",
				  a->key, WS_SWEEP_VALUE_LEN - 1);
	a->value = ws_xreallocarray(a->value, (size_t)a->n + 1, sizeof *a->value);
	memcpy(a->value[a->n], v, n);
	a->value[a->n][n] = 0;
	a->n++;
	return 0;
}

/* FROM:TO:STEP when all three are numbers; returns 1 when it was a range. */
static int range(struct ws_sweep_axis *a, const char *text, struct ws_err *e)
{
	char buf[3][WS_SWEEP_VALUE_LEN];
	const char *p = text;
	for (int i = 0; i < 3; i++) {
		const char *q = strchr(p, ':');
		if ((i < 2) != (q != NULL))
			return 0;
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (n >= sizeof buf[i])
			return 0;
		memcpy(buf[i], p, n);
		buf[i][n] = 0;
		p = q ? q + 1 : p + n;
	}
	double from, to, step;
	if (!number(buf[0], &from) || !number(buf[1], &to) || !number(buf[2], &step))
		return 0;
	if (!(step > 0) || from > to)
		return ws_err_set(e, WS_EUSAGE, "--sweep %s=%s: want FROM:TO:STEP with STEP > 0 and "
				  "FROM <= TO", a->key, text);
	double count = floor((to - from) / step + 1e-9) + 1;
	if (count > WS_SWEEP_MAX_VALUES)
		return ws_err_set(e, WS_EUSAGE, "--sweep %s=%s: %.0f values, at most %d", a->key, text,
				  count, WS_SWEEP_MAX_VALUES);
	for (int k = 0; k < (int)count; k++) {
		char v[WS_SWEEP_VALUE_LEN];
		/* from + k step, not a running sum: no drift over many steps */
		int n = snprintf(v, sizeof v, "%.10g", from + k * step);
		int rc = add_value(a, v, (size_t)n, e);
		if (rc)
			return rc;
	}
	return 1;
}

int ws_sweep_add(struct ws_sweep *s, const struct ws_sim_scenario *base, const char *spec,
		 struct ws_err *e)
{
	if (s->n_axes >= WS_SWEEP_MAX_AXES)
		return ws_err_set(e, WS_EUSAGE, "--sweep: at most %d keys", WS_SWEEP_MAX_AXES);
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || !eq[1])
		return ws_err_set(e, WS_EUSAGE, "--sweep %s: want KEY=V1,V2,... or KEY=FROM:TO:STEP",
				  spec);
	struct ws_sweep_axis *a = &s->axis[s->n_axes];
	memset(a, 0, sizeof *a);
	size_t kn = (size_t)(eq - spec);
	if (kn >= sizeof a->key)
		return ws_err_set(e, WS_EUSAGE, "--sweep: key too long");
	memcpy(a->key, spec, kn);
	for (size_t i = 0; i < sizeof fixed_keys / sizeof *fixed_keys; i++)
		if (strcmp(a->key, fixed_keys[i]) == 0)
			return ws_err_set(e, WS_EUSAGE, "--sweep %s: this key cannot vary between points",
					  a->key);
	for (int i = 0; i < s->n_axes; i++)
		if (strcmp(s->axis[i].key, a->key) == 0)
			return ws_err_set(e, WS_EUSAGE, "--sweep %s given twice", a->key);
	int rc = range(a, eq + 1, e);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		for (const char *p = eq + 1;;) {
			const char *q = strchr(p, ',');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			if ((rc = add_value(a, p, n, e)) != 0)
				goto fail;
			if (!q)
				break;
			p = q + 1;
		}
	}
	/* Each value on its own, so that a bad one is named before any run. */
	for (int i = 0; i < a->n; i++) {
		struct ws_sim_scenario t = *base;
		if ((rc = ws_sim_scenario_set_by(&t, a->key, a->value[i], "--sweep", e)) != 0)
			goto fail;
	}
	size_t points = s->n_axes ? s->n_points : 1;
	if (points * (size_t)a->n > WS_SWEEP_MAX_POINTS) {
		rc = ws_err_set(e, WS_EUSAGE, "--sweep: %zu points, at most %d",
				points * (size_t)a->n, WS_SWEEP_MAX_POINTS);
		goto fail;
	}
	s->n_points = points * (size_t)a->n;
	s->n_axes++;
	return 0;
fail:
	free(a->value);
	a->value = NULL;
	return rc;
}

void ws_sweep_free(struct ws_sweep *s)
{
	for (int i = 0; i < s->n_axes; i++)
		free(s->axis[i].value);
	memset(s, 0, sizeof *s);
}

int ws_sweep_coord(const struct ws_sweep *s, size_t p, int a)
{
	for (int i = s->n_axes - 1; i > a; i--)
		p /= (size_t)s->axis[i].n;
	return (int)(p % (size_t)s->axis[a].n);
}

void ws_sweep_label(const struct ws_sweep *s, size_t p, struct ws_buf *out)
{
	for (int a = 0; a < s->n_axes; a++)
		ws_buf_printf(out, "%s%s=%s", a ? ", " : "", s->axis[a].key,
			      s->axis[a].value[ws_sweep_coord(s, p, a)]);
}

int ws_sweep_apply(const struct ws_sweep *s, const struct ws_sim_scenario *base, size_t p,
		   struct ws_sim_scenario *sc, struct ws_err *e)
{
	*sc = *base;
	struct ws_err inner;
	int rc = 0;
	for (int a = 0; a < s->n_axes && rc == 0; a++)
		rc = ws_sim_scenario_set_by(sc, s->axis[a].key,
					    s->axis[a].value[ws_sweep_coord(s, p, a)], "--sweep",
					    &inner);
	if (rc == 0)
		rc = ws_sim_scenario_check(sc, &inner);
	if (rc) {
		struct ws_buf l = {0};
		ws_sweep_label(s, p, &l);
		ws_buf_addc(&l, 0);
		ws_err_set(e, rc, "--sweep point %zu (%s): %s", p, l.p, inner.msg);
		ws_buf_free(&l);
	}
	return rc;
}

/* ---- figures ---- */

static const char *const figure[] = {
	"final_infected", "ever_infected", "peak_new_infections_per_min", "fitted_K_per_hour",
	"t_1pct", "t_10pct", "t_50pct", "t_90pct", "t_99pct",
};
#define NFIG ((int)(sizeof figure / sizeof *figure))

int ws_sweep_figure(const char *name)
{
	for (int i = 0; i < NFIG; i++)
		if (strcmp(figure[i], name) == 0)
			return i;
	return -1;
}

const char *ws_sweep_figure_names(void)
{
	return "final_infected, ever_infected, peak_new_infections_per_min, fitted_K_per_hour, "
	       "t_1pct, t_10pct, t_50pct, t_90pct, t_99pct";
}

/* The figure's value (times in hours, as the chart shows them). */
static double fig_value(const struct ws_sim_summary *m, int f)
{
	switch (f) {
	case 0: return m->final_infected;
	case 1: return m->ever_infected;
	case 2: return m->peak_new_per_min;
	case 3: return m->fitted_K_per_hour;
	default: return m->t_pct[f - 4] / 3600.0;
	}
}

/* ---- files ---- */

static void csv_field(struct ws_buf *b, const char *s)
{
	bool quote = strpbrk(s, ",\"\n\r") != NULL;
	if (!quote) {
		ws_buf_adds(b, s);
		return;
	}
	ws_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ws_buf_addc(b, '"');
		ws_buf_addc(b, *s);
	}
	ws_buf_addc(b, '"');
}

void ws_sweep_write_csv(const struct ws_sweep *s, const struct ws_sim_scenario *base,
			const struct ws_sweep_point *pt, struct ws_buf *out)
{
	ws_buf_printf(out, "# SIMULATED by wormscope %s simulate --sweep (model output, not "
			   "measurements); %zu points, runs %d per point (seeds seed..seed+runs-1 at "
			   "every point; values are medians, _p5/_p95 the 5-95 %% band)\n# swept:",
		      WS_VERSION, s->n_points, base->runs);
	for (int a = 0; a < s->n_axes; a++) {
		ws_buf_printf(out, " %s=", s->axis[a].key);
		for (int i = 0; i < s->axis[a].n; i++)
			ws_buf_printf(out, "%s%s", i ? "," : "", s->axis[a].value[i]);
	}
	ws_buf_adds(out, "\n# base config: ");
	ws_sim_config_line(base, out);
	ws_buf_addc(out, '\n');
	for (size_t p = 0; p < s->n_points; p++) {
		struct ws_buf one = {0};
		ws_sim_write_csv(&pt[p].sc, &pt[p].x, pt[p].n_hosts, &one);
		/* skip its comment lines; its header once, from the first point */
		size_t i = 0;
		while (i < one.n && one.p[i] == '#') {
			while (i < one.n && one.p[i] != '\n')
				i++;
			i++;
		}
		size_t h = i;
		while (i < one.n && one.p[i] != '\n')
			i++;
		if (p == 0) {
			ws_buf_adds(out, "point");
			for (int a = 0; a < s->n_axes; a++) {
				ws_buf_addc(out, ',');
				csv_field(out, s->axis[a].key);
			}
			ws_buf_addc(out, ',');
			ws_buf_add(out, one.p + h, i - h + 1);
		}
		i++;
		while (i < one.n) {
			size_t j = i;
			while (j < one.n && one.p[j] != '\n')
				j++;
			ws_buf_printf(out, "%zu", p);
			for (int a = 0; a < s->n_axes; a++) {
				ws_buf_addc(out, ',');
				csv_field(out, s->axis[a].value[ws_sweep_coord(s, p, a)]);
			}
			ws_buf_addc(out, ',');
			ws_buf_add(out, one.p + i, j - i);
			ws_buf_addc(out, '\n');
			i = j + 1;
		}
		ws_buf_free(&one);
	}
}

char *ws_sweep_point_json(const struct ws_sweep *s, size_t p, const struct ws_sweep_point *pt)
{
	char *text = ws_sim_summary_json(&pt->sc, &pt->x, pt->n_hosts);
	json_t *o = json_loads(text, JSON_DECODE_ANY, NULL);
	free(text);
	if (!o) /* our own output: only a failed allocation keeps it from reading back */
		return NULL;
	json_object_set_new(o, "sweep_point", json_integer((json_int_t)p));
	json_t *sw = json_object();
	for (int a = 0; a < s->n_axes; a++) {
		const char *v = s->axis[a].value[ws_sweep_coord(s, p, a)];
		double d;
		json_object_set_new(sw, s->axis[a].key, number(v, &d) ? json_real(d) : json_string(v));
	}
	json_object_set_new(o, "sweep", sw);
	char *r = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	return r;
}

void ws_sweep_point_path(const char *path, size_t p, size_t n_points, struct ws_buf *out)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1))
		dot = path + strlen(path);
	int width = 3;
	for (size_t m = n_points ? n_points - 1 : 0; m >= 1000; m /= 10)
		width++;
	ws_buf_add(out, path, (size_t)(dot - path));
	ws_buf_printf(out, "-%0*zu%s", width, p, dot);
	ws_buf_addc(out, 0);
	out->n--;
}

/* ---- chart ---- */

#define CW 860.0
#define CH 480.0
#define CL 90.0
#define CR 200.0
#define CT 60.0
#define CB 60.0
#define MAX_LINES 12

static const char *const colour[MAX_LINES] = {
	"#08519c", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
};

void ws_sweep_write_svg(const struct ws_sweep *s, const struct ws_sim_scenario *base,
			const struct ws_sweep_point *pt, int fig, struct ws_buf *b)
{
	const struct ws_sweep_axis *xa = &s->axis[0];
	bool numeric = true;
	double *xv = ws_xcalloc((size_t)xa->n, sizeof *xv);
	for (int i = 0; i < xa->n; i++)
		numeric &= number(xa->value[i], &xv[i]);
	if (!numeric) /* categories, evenly spaced in the order given */
		for (int i = 0; i < xa->n; i++)
			xv[i] = i;
	double x0 = xv[0], x1 = xv[0], y1 = 0;
	for (int i = 0; i < xa->n; i++) {
		x0 = fmin(x0, xv[i]);
		x1 = fmax(x1, xv[i]);
	}
	size_t missing = 0;
	for (size_t p = 0; p < s->n_points; p++) {
		double v = fig_value(&pt[p].x.hi.sum, fig), m = fig_value(&pt[p].x.med.sum, fig);
		if (isnan(m))
			missing++;
		if (!isnan(v))
			y1 = fmax(y1, v);
		if (!isnan(m))
			y1 = fmax(y1, m);
	}
	if (x1 <= x0)
		x1 = x0 + 1;
	y1 = y1 > 0 ? y1 * 1.05 : 1;
	const char *unit = fig >= 4 ? " (hours)" : "";
	ws_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
			 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		      CW, CH, CW, CH);
	ws_buf_adds(b, "<desc>SIMULATED by wormscope " WS_VERSION " simulate --sweep. Base config: ");
	struct ws_buf cfg = {0};
	ws_sim_config_line(base, &cfg);
	ws_esc_html(b, cfg.p, cfg.n);
	ws_buf_free(&cfg);
	ws_buf_adds(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">SIMULATED: ",
		      CL);
	ws_esc_html(b, figure[fig], strlen(figure[fig]));
	ws_buf_adds(b, unit);
	ws_buf_adds(b, " against ");
	ws_esc_html(b, xa->key, strlen(xa->key));
	ws_buf_printf(b, ", %s, %d run%s per point</text>\n", base->worm.id, base->runs,
		      base->runs == 1 ? "" : "s");
	ws_buf_printf(b, "<text x=\"%.0f\" y=\"42\" fill=\"#555\">model output, not measurements; "
			 "median%s; %zu of %zu points not reached, left out</text>\n",
		      CL, base->runs > 1 ? " and 5-95 % band" : "", missing, s->n_points);
	double pw = CW - CL - CR, ph = CH - CT - CB;
#define PX(x) (CL + pw * ((x) - x0) / (x1 - x0))
#define PY(y) (CH - CB - ph * (y) / y1)
	ws_buf_printf(b, "<path d=\"M%.0f %.0f V%.0f H%.0f\" stroke=\"black\" fill=\"none\"/>\n", CL,
		      CT, CH - CB, CW - CR);
	for (int i = 0; i < xa->n; i++) {
		ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", PX(xv[i]),
			      CH - CB + 18);
		ws_esc_html(b, xa->value[i], strlen(xa->value[i]));
		ws_buf_adds(b, "</text>\n");
		if (xa->n > 20)
			i += xa->n / 10 - 1; /* about ten labels */
	}
	ws_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", CL + pw / 2,
		      CH - 16);
	ws_esc_html(b, xa->key, strlen(xa->key));
	ws_buf_adds(b, "</text>\n");
	for (int k = 0; k <= 4; k++)
		ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n", CL - 6,
			      PY(y1 / 1.05 * k / 4.0) + 4, y1 / 1.05 * k / 4.0);
	/* One line per combination of the other axes: the point's index with
	 * axis 0's coordinate taken out. */
	size_t per = s->n_points / (size_t)xa->n;
	for (size_t l = 0; l < per && l < MAX_LINES; l++) {
		const char *c = colour[l];
		/* point of (x index i, line l): axis 0 is the slowest */
		if (base->runs > 1) {
			ws_buf_printf(b, "<polygon fill=\"%s\" opacity=\"0.15\" points=\"", c);
			for (int i = 0; i < xa->n; i++) {
				const struct ws_sim_summary *h = &pt[(size_t)i * per + l].x.hi.sum;
				if (!isnan(fig_value(h, fig)))
					ws_buf_printf(b, "%.1f,%.1f ", PX(xv[i]), PY(fig_value(h, fig)));
			}
			for (int i = xa->n; i-- > 0;) {
				const struct ws_sim_summary *lo = &pt[(size_t)i * per + l].x.lo.sum;
				if (!isnan(fig_value(lo, fig)))
					ws_buf_printf(b, "%.1f,%.1f ", PX(xv[i]), PY(fig_value(lo, fig)));
			}
			ws_buf_adds(b, "\"/>\n");
		}
		ws_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", c);
		for (int i = 0; i < xa->n; i++) {
			double v = fig_value(&pt[(size_t)i * per + l].x.med.sum, fig);
			if (!isnan(v))
				ws_buf_printf(b, "%.1f,%.1f ", PX(xv[i]), PY(v));
		}
		ws_buf_adds(b, "\"/>\n");
		for (int i = 0; i < xa->n; i++) {
			double v = fig_value(&pt[(size_t)i * per + l].x.med.sum, fig);
			if (!isnan(v))
				ws_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
					      PX(xv[i]), PY(v), c);
		}
		if (s->n_axes > 1) {
			struct ws_buf lab = {0};
			for (int a = 1; a < s->n_axes; a++)
				ws_buf_printf(&lab, "%s%s=%s", a > 1 ? ", " : "", s->axis[a].key,
					      s->axis[a].value[ws_sweep_coord(s, l, a)]);
			ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">", CW - CR + 10,
				      CT + 16.0 * (double)l, c);
			ws_esc_html(b, lab.p, lab.n);
			ws_buf_adds(b, "</text>\n");
			ws_buf_free(&lab);
		}
	}
	if (per > MAX_LINES)
		ws_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\">%zu more lines not drawn "
				 "(see the CSV)</text>\n",
			      CW - CR + 10, CT + 16.0 * MAX_LINES, per - MAX_LINES);
#undef PX
#undef PY
	ws_buf_adds(b, "</svg>\n");
	free(xv);
}
