/* SPDX-License-Identifier: MIT */
/* A text chart of a simulated outbreak for the terminal (see textchart.h).
 * Each plot column is one slice of the run's intervals; a column's height is
 * the value at the slice's end, scaled to the vulnerable population, so the
 * logistic shape and the telescope's lag read at a glance. */
#include "sim/textchart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Row (0 = top) that value v reaches on a scale of 0..top over `rows` rows;
 * -1 when v is under half a row or not a number (nothing drawn). */
static int row_of(double v, double top, int rows)
{
	if (!(v > 0) || !(top > 0))
		return -1;
	int r = (int)lround(v / top * rows);
	if (r < 1)
		return -1; /* under half a row: drawing it would overstate it */
	return rows - clampi(r, 1, rows);
}

void ws_sim_text_chart(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
		       double n_hosts, int cols, int rows, struct ws_buf *out)
{
	const struct ws_sim_series *s = &x->med.s;
	if (s->n == 0 || !(n_hosts > 0))
		return;
	cols = clampi(cols, 8, WS_SIM_CHART_COLS_MAX);
	rows = clampi(rows, 4, WS_SIM_CHART_ROWS_MAX);
	bool tel = sc->n_telescopes > 0 && s->tel_seen;
	/* grid[r][c]: bit 1 infected, bit 2 telescope */
	unsigned char grid[WS_SIM_CHART_ROWS_MAX][WS_SIM_CHART_COLS_MAX];
	memset(grid, 0, sizeof(grid));
	for (int c = 0; c < cols; c++) {
		size_t j = (size_t)(((double)(c + 1) * (double)s->n) / cols);
		j = j ? j - 1 : 0;
		int ri = row_of(s->infected[j], n_hosts, rows);
		for (int r = ri; r >= 0 && r < rows; r++)
			grid[r][c] |= 1;
		if (tel) {
			int rt = row_of(s->tel_seen[j], n_hosts, rows);
			if (rt >= 0)
				grid[rt][c] |= 2;
		}
	}
	static const char glyph[4] = {' ', '#', '+', '*'};
	for (int r = 0; r < rows; r++) {
		/* The y axis in percent of the vulnerable population. */
		int pct = (int)lround(100.0 * (rows - r) / rows);
		if (r == 0 || r == rows / 2)
			ws_buf_printf(out, "%4d %% |", pct);
		else
			ws_buf_adds(out, "       |");
		for (int c = 0; c < cols; c++)
			ws_buf_addc(out, glyph[grid[r][c] & 3]);
		ws_buf_addc(out, '\n');
	}
	ws_buf_adds(out, "       +");
	for (int c = 0; c < cols; c++)
		ws_buf_addc(out, c == cols - 1 || c == cols / 2 ? '+' : '-');
	double hours = (double)s->n * sc->interval_s / 3600.0;
	char mid[32], end[32];
	snprintf(mid, sizeof(mid), "%.3g h", hours / 2);
	snprintf(end, sizeof(end), "%.3g h", hours);
	ws_buf_printf(out, "\n       0");
	int pad = cols / 2 - 1 - (int)strlen(mid) / 2;
	ws_buf_printf(out, "%*s%s", pad > 0 ? pad : 1, "", mid);
	pad = cols - cols / 2 - (int)strlen(mid) + (int)strlen(mid) / 2 - (int)strlen(end) + 1;
	ws_buf_printf(out, "%*s%s\n", pad > 0 ? pad : 1, "", end);
	if (x->died_out > 0 && x->reduced < x->runs)
		ws_buf_printf(out, "       # infected (median of the %d of %d runs that took off, share "
				   "of %.0f vulnerable)", x->reduced, x->runs, n_hosts);
	else
		ws_buf_printf(out, "       # infected (median of %d run%s, share of %.0f vulnerable)",
			      x->runs, x->runs == 1 ? "" : "s", n_hosts);
	if (tel) {
		uint32_t a = sc->tel[0].net;
		ws_buf_printf(out, "; + sources seen by %u.%u.%u.%u/%d; * both", a >> 24,
			      (a >> 16) & 255, (a >> 8) & 255, a & 255, sc->tel[0].bits);
	}
	ws_buf_adds(out, "\n");
}
