/* SPDX-License-Identifier: MIT */
/* The report page: header, overview, the four chart sections with the tables
 * behind them, the inputs, and a footer. The page holds no script at all and
 * its Content-Security-Policy forbids every external resource: styles only
 * from the one <style> block (allowed by its SHA-256, so even a style
 * attribute smuggled in by a broken escaper would be refused), images only
 * as data: URIs (none are used), no base URI, no forms. Nothing from a log is
 * ever put in a URL, and the page holds no links at all. */
#include "report/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/fmt.h"
#include "util/escape.h"
#include "ws_version.h"

/* Keep STYLE_HASH in step with this text: it is the base64 SHA-256 of the
 * bytes between <style> and </style> (tests/report/test_report_browser.sh
 * recomputes it with openssl and fails when they differ). */
static const char stylesheet[] =
    ":root{color-scheme:light}"
    "body{font:15px/1.45 system-ui,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1a1a1a;"
    "background:#fff;margin:0 auto;max-width:1100px;padding:0 24px 48px}"
    "header{border-bottom:2px solid #0072B2;margin-bottom:16px;padding-bottom:8px}"
    "h1{font-size:1.6em;margin:16px 0 4px}"
    "h2{font-size:1.25em;margin:32px 0 8px;border-bottom:1px solid #bbb;padding-bottom:4px}"
    "h3{font-size:1.05em;margin:20px 0 6px}"
    ".meta{color:#444;margin:0}"
    ".sim{background:#fff3cd;border:3px solid #D55E00;color:#000;font-weight:700;"
    "font-size:1.2em;padding:10px 14px;margin:12px 0;text-align:center;letter-spacing:.04em}"
    ".simmark{color:#a33a00;font-weight:700}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:10px;"
    "margin:12px 0;padding:0;list-style:none}"
    ".card{border:1px solid #bbb;border-radius:6px;padding:8px 12px}"
    ".card .v{font-size:1.45em;font-weight:700;display:block}"
    ".card .k{color:#444;font-size:.9em}"
    ".card.alert{border:2px solid #D55E00;background:#fdf0e8}"
    "figure{margin:8px 0 12px}"
    "figcaption{font-weight:600;margin-bottom:4px}"
    "svg.chart{width:100%;height:auto;display:block;font-size:12px}"
    "svg.defs{position:absolute}"
    ".grid{stroke:#ddd;stroke-width:1}"
    ".axis{stroke:#333;stroke-width:1}"
    ".tick{fill:#333;font-size:11px}"
    ".axis-label{fill:#333;font-size:12px}"
    ".rowlabel{font-size:12px;fill:#222}"
    ".barlabel{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;fill:#222}"
    ".value{font-size:12px;fill:#222}"
    ".value.alert{fill:#a33a00;font-weight:700}"
    ".endlabel{font-size:12px;font-weight:600}"
    ".curve{stroke-width:2.5}"
    ".nodata{fill:#666;font-size:16px}"
    ".watermark{fill:#D55E00;fill-opacity:.13;font-size:72px;font-weight:700}"
    ".legend{list-style:none;padding:0;margin:4px 0 8px;display:flex;flex-wrap:wrap;"
    "gap:4px 18px;font-size:.9em}"
    ".legend li{display:flex;align-items:center;gap:6px}"
    "table{border-collapse:collapse;margin:6px 0 16px;font-size:.88em}"
    "caption{text-align:left;font-weight:600;padding:4px 0}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}"
    "td.data{font-family:ui-monospace,'DejaVu Sans Mono',monospace;word-break:break-all;"
    "max-width:36em}"
    "td.t,td.addr,.nw{white-space:nowrap}"
    ".scroll:focus{outline:2px solid #0072B2}"
    "tr.alert td{background:#fdf0e8}"
    ".scroll{max-height:28em;overflow:auto;border:1px solid #ddd;margin:6px 0 16px}"
    ".scroll table{margin:0}"
    ".note{color:#444;font-size:.9em}"
    "footer{margin-top:32px;color:#555;font-size:.85em;border-top:1px solid #bbb;padding-top:8px}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "h2{break-after:avoid}figure,tr{break-inside:avoid}"
    ".scroll{max-height:none;overflow:visible;border:0}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";
#define STYLE_HASH "'sha256-vabaaVt5T+Id2bBHizxa0ljDFmDbZ/q7BaD1fXUpBWU='"

const char *ws_report_style_hash(void)
{
	return STYLE_HASH;
}

static void num_cell(struct ws_buf *b, uint64_t v)
{
	char n[32];
	ws_buf_printf(b, "<td class=\"n\">%s</td>", ws_rep_num(v, n));
}

static void time_cell(struct ws_buf *b, int64_t t, enum ws_rep_tstyle style)
{
	char s[32];
	ws_buf_printf(b, "<td class=\"t\">%s</td>", ws_rep_time(t, style, s));
}

/* A cell holding hostile text of at most cap bytes (NULL prints nothing);
 * addresses do not wrap. */
static void text_cell(struct ws_buf *b, const char *cls, const char *s, size_t cap)
{
	ws_buf_printf(b, "<td class=\"%s\">", cls);
	if (s)
		ws_esc_html(b, s, strnlen(s, cap));
	ws_buf_adds(b, "</td>");
}

static void worm_cell(struct ws_buf *b, int w)
{
	ws_buf_adds(b, "<td>");
	ws_rep_chart_swatch(b, w);
	ws_buf_adds(b, " ");
	ws_rep_esc(b, ws_rep_worm_name(w));
	ws_buf_adds(b, "</td>");
}

/* Opens a table in a scrolling box (long tables scroll on screen and print
 * in full; the box is focusable so that a keyboard can scroll it, and named
 * by the caption) with its column heads: cols separated by '|', a leading
 * '#' marking a numeric, right-aligned column. Static text only, never log
 * data. The head row stays open for more cells; body_open ends it. */
static void table_open(struct ws_buf *b, const char *id, const char *caption, const char *cols)
{
	ws_buf_printf(
	    b,
	    "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"%s-c\">"
	    "<table id=\"%s\"><caption id=\"%s-c\">%s</caption><thead><tr>",
	    id, id, id, caption);
	while (*cols) {
		bool num = *cols == '#';
		cols += num;
		size_t n = strcspn(cols, "|");
		ws_buf_printf(b, "<th scope=\"col\"%s>%.*s</th>", num ? " class=\"n\"" : "", (int)n,
			      cols);
		cols += n + (cols[n] == '|');
	}
}

static void body_open(struct ws_buf *b)
{
	ws_buf_adds(b, "</tr></thead><tbody>");
}

static void table_close(struct ws_buf *b)
{
	ws_buf_adds(b, "</tbody></table></div>\n");
}

/* The worms that appear anywhere in the data, in table order. */
static int worms_seen(const struct ws_report_data *d, bool seen[WS_MAX_WORMS])
{
	int n = 0;
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		seen[w] = d->per_worm[w] > 0;
		for (size_t i = 0; i < d->n_hours && !seen[w]; i++)
			seen[w] = d->hours[i].count[w] > 0;
		n += seen[w];
	}
	return n;
}

static void legend(struct ws_buf *b, const bool seen[WS_MAX_WORMS])
{
	ws_buf_adds(b, "<ul class=\"legend\" aria-label=\"legend\">");
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (!seen[w])
			continue;
		ws_buf_adds(b, "<li>");
		ws_rep_chart_swatch(b, w);
		ws_rep_esc(b, ws_rep_worm_name(w));
		ws_buf_adds(b, "</li>");
	}
	ws_buf_adds(b, "</ul>\n");
}

static void figure_open(struct ws_buf *b, const char *caption, bool simulated)
{
	ws_buf_adds(b, "<figure><figcaption>");
	if (simulated)
		ws_buf_adds(b, "<span class=\"simmark\">SIMULATED DATA:</span> ");
	ws_rep_esc(b, caption);
	ws_buf_adds(b, "</figcaption>");
}

static void head(struct ws_buf *b, const struct ws_report_data *d, const char *title)
{
	ws_buf_adds(b,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src " STYLE_HASH "; img-src data:; base-uri 'none'; form-action "
		    "'none'\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"wormscope " WS_VERSION "\">\n<title>");
	if (d->simulated)
		ws_buf_adds(b, "SIMULATED DATA: ");
	ws_rep_esc(b, title);
	ws_buf_adds(b, "</title>\n<style>");
	ws_buf_adds(b, stylesheet);
	ws_buf_adds(b, "</style>\n</head>\n<body>\n");
}

static void header(struct ws_buf *b, const struct ws_report_data *d, const char *title,
		   const struct ws_report_opts *o)
{
	char t1[32], t2[32];
	ws_buf_adds(b, "<header>\n<h1 id=\"title\">");
	ws_rep_esc(b, title);
	ws_buf_adds(b, "</h1>\n<p class=\"meta\">Store <code>");
	ws_rep_esc(b, d->db_path);
	ws_buf_adds(b, "</code>");
	if (d->sightings)
		ws_buf_printf(b, "; sightings from %s to %s UTC",
			      ws_rep_time(d->first, WS_REP_T_SECOND, t1),
			      ws_rep_time(d->last, WS_REP_T_SECOND, t2));
	if (o->generated_at >= 0)
		ws_buf_printf(b, "; generated %s UTC",
			      ws_rep_time(o->generated_at, WS_REP_T_SECOND, t1));
	ws_buf_adds(b, ".</p>\n");
	if (d->simulated)
		ws_buf_adds(
		    b,
		    "<p class=\"sim\" id=\"simulated\" role=\"note\">SIMULATED DATA: some or "
		    "all of these sightings were produced by <code>wormscope simulate"
		    "</code>, not seen on a real network.</p>\n");
	ws_buf_adds(b, "</header>\n<main>\n");
}

static void card(struct ws_buf *b, const char *id, const char *value, const char *what, bool alert)
{
	ws_buf_printf(b,
		      "<li class=\"card%s\" id=\"%s\"><span class=\"v\">%s</span>"
		      "<span class=\"k\">%s</span></li>",
		      alert ? " alert" : "", id, value, what);
}

static void overview(struct ws_buf *b, const struct ws_report_data *d)
{
	char n[32];
	bool seen[WS_MAX_WORMS];
	int nworms = worms_seen(d, seen);
	ws_buf_adds(b,
		    "<section aria-labelledby=\"h-overview\"><h2 id=\"h-overview\">Overview</h2>"
		    "<ul class=\"cards\">");
	card(b, "ov-sightings", ws_rep_num(d->sightings, n), "worm requests (sightings)", false);
	card(b, "ov-sources", ws_rep_num(d->sources, n), "distinct sources", false);
	card(b, "ov-worms", ws_rep_num((uint64_t)nworms, n), "worms seen", false);
	card(b, "ov-compromised", ws_rep_num(d->compromised, n), "compromised-looking answers",
	     d->compromised > 0);
	card(b, "ov-inputs", ws_rep_num(d->n_inputs, n), "inputs scanned", false);
	card(b, "ov-sensors", ws_rep_num(d->n_sensors, n), "sensors", false);
	ws_buf_adds(b, "</ul>\n");
	/* The per-worm summary: the numbers every chart below breaks down. */
	uint64_t comp[WS_MAX_WORMS] = {0};
	for (size_t i = 0; i < d->n_status; i++)
		if (d->status[i].compromised && d->status[i].worm >= 0 &&
		    d->status[i].worm < WS_MAX_WORMS)
			comp[d->status[i].worm] += d->status[i].count;
	table_open(b, "tab-worms", "Per worm",
		   "worm|id|#requests|#share|#distinct sources|#compromised-looking answers|"
		   "first source seen (UTC)");
	body_open(b);
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (!seen[w])
			continue;
		ws_buf_printf(b, "<tr data-worm=\"%d\"%s>", w, comp[w] ? " class=\"alert\"" : "");
		worm_cell(b, w);
		ws_buf_adds(b, "<td><code>");
		ws_rep_esc(b, ws_rep_worm_id(w));
		ws_buf_adds(b, "</code></td>");
		num_cell(b, d->per_worm[w]);
		ws_buf_printf(b, "<td class=\"n\">%.1f %%</td>",
			      d->sightings ? 100.0 * (double)d->per_worm[w] / (double)d->sightings
					   : 0.0);
		num_cell(b, d->per_worm_sources[w]);
		num_cell(b, comp[w]);
		const struct ws_rep_curve *cv = NULL;
		for (size_t c = 0; c < d->n_curves; c++)
			if (d->curves[c].worm == w && d->curves[c].n)
				cv = &d->curves[c];
		if (cv)
			time_cell(b, cv->t[0], WS_REP_T_SECOND);
		else
			ws_buf_adds(b, "<td></td>");
		ws_buf_adds(b, "</tr>\n");
	}
	if (!nworms)
		ws_buf_adds(b, "<tr><td colspan=\"7\">No worm requests in this store.</td></tr>");
	table_close(b);
	ws_buf_adds(b, "</section>\n");
}

static void section_hours(struct ws_buf *b, const struct ws_report_data *d)
{
	bool seen[WS_MAX_WORMS];
	worms_seen(d, seen);
	ws_buf_adds(
	    b, "<section aria-labelledby=\"h-hours\"><h2 id=\"h-hours\">Requests over time</h2>");
	char caption[96], pbuf[32], tcap[48], thead[48];
	int64_t t0 = 0, bin = 3600;
	size_t nb;
	ws_rep_bin *bins = ws_rep_hour_bins(d, &t0, &bin, &nb);
	const char *per = ws_rep_bin_name(bin, pbuf);
	snprintf(caption, sizeof(caption), "Figure 1. Worm requests per %s (UTC), stacked by worm",
		 per);
	figure_open(b, caption, d->simulated);
	ws_rep_chart_hours(b, d);
	legend(b, seen);
	ws_buf_adds(b, "</figure>\n");
	/* The table has the chart's bins, so that it says what the bars say. */
	snprintf(tcap, sizeof(tcap), "Requests per %s", per);
	if (bin == 3600)
		snprintf(thead, sizeof(thead), "hour (UTC)");
	else
		snprintf(thead, sizeof(thead), "%s from (UTC)", per);
	table_open(b, "tab-hours", tcap, thead);
	for (int w = 0; w < WS_MAX_WORMS; w++)
		if (seen[w]) {
			ws_buf_adds(b, "<th scope=\"col\" class=\"n\">");
			ws_rep_esc(b, ws_rep_worm_name(w));
			ws_buf_adds(b, "</th>");
		}
	ws_buf_adds(b, "<th scope=\"col\" class=\"n\">total</th>");
	body_open(b);
	for (size_t k = 0; k < nb; k++) {
		char t[32];
		uint64_t total = 0;
		for (int w = 0; w < WS_MAX_WORMS; w++)
			total += bins[k][w];
		if (!total)
			continue;
		ws_buf_printf(b, "<tr><td class=\"t\">%s</td>",
			      ws_rep_time(t0 + (int64_t)k * bin, WS_REP_T_MINUTE, t));
		for (int w = 0; w < WS_MAX_WORMS; w++)
			if (seen[w])
				num_cell(b, bins[k][w]);
		num_cell(b, total);
		ws_buf_adds(b, "</tr>\n");
	}
	free(bins);
	table_close(b);
	ws_buf_adds(b, "</section>\n");
}

/* Rows per worm in the epidemic curve's table. */
#define CURVE_ROWS 40

static void section_curve(struct ws_buf *b, const struct ws_report_data *d)
{
	bool seen[WS_MAX_WORMS];
	worms_seen(d, seen);
	ws_buf_adds(
	    b,
	    "<section aria-labelledby=\"h-curve\"><h2 id=\"h-curve\">Epidemic curve</h2>"
	    "<p class=\"note\">How many distinct hosts each worm had been seen coming from, "
	    "over time: the curve CAIDA drew for Code Red on 19 July 2001. A curve that "
	    "flattens means few new infected hosts are reaching you.</p>");
	figure_open(b, "Figure 2. Cumulative distinct sources per worm", d->simulated);
	ws_rep_chart_curves(b, d);
	legend(b, seen);
	char caption[128];
	snprintf(caption, sizeof(caption),
		 "Cumulative distinct sources (at most %d evenly spaced points per worm, the first "
		 "and last included)",
		 CURVE_ROWS);
	ws_buf_adds(b, "</figure>\n");
	table_open(b, "tab-curve", caption, "worm|time (UTC)|#distinct sources");
	body_open(b);
	for (size_t c = 0; c < d->n_curves; c++) {
		const struct ws_rep_curve *cv = &d->curves[c];
		/* The chart draws every point; a person reads a few dozen. */
		size_t rows = cv->n < CURVE_ROWS ? cv->n : CURVE_ROWS;
		for (size_t r = 0; r < rows; r++) {
			size_t i = rows > 1 ? r * (cv->n - 1) / (rows - 1) : 0;
			ws_buf_printf(b, "<tr data-worm=\"%d\">", cv->worm);
			worm_cell(b, cv->worm);
			time_cell(b, cv->t[i], WS_REP_T_SECOND);
			num_cell(b, cv->cum[i]);
			ws_buf_adds(b, "</tr>\n");
		}
	}
	table_close(b);
	ws_buf_adds(b, "</section>\n");
}

static int popcount16(uint32_t v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

static void sources_table(struct ws_buf *b, const struct ws_report_data *d)
{
	table_open(b, "tab-sources", "Top sources",
		   "source|#requests|by worm|first seen (UTC)|last seen (UTC)|#destinations|"
		   "#Nimda probes (of 16)|#compromised-looking|inside home net");
	body_open(b);
	for (size_t i = 0; i < d->n_top; i++) {
		const struct ws_rep_source *s = &d->top[i];
		char n[32];
		ws_buf_printf(b, "<tr%s>", s->compromised ? " class=\"alert\"" : "");
		text_cell(b, "data addr", s->addr, sizeof(s->addr));
		num_cell(b, s->requests);
		ws_buf_adds(b, "<td>");
		const char *sep = "";
		for (int w = 0; w < WS_MAX_WORMS; w++)
			if (s->per_worm[w]) {
				ws_buf_printf(b, "%s<span class=\"nw\">", sep);
				ws_rep_esc(b, ws_rep_worm_name(w));
				ws_buf_printf(b, " %s</span>", ws_rep_num(s->per_worm[w], n));
				sep = "<br>";
			}
		ws_buf_adds(b, "</td>");
		time_cell(b, s->first, WS_REP_T_SECOND);
		time_cell(b, s->last, WS_REP_T_SECOND);
		num_cell(b, s->destinations);
		num_cell(b, (uint64_t)popcount16(s->nimda_probes & 0xffff));
		num_cell(b, s->compromised);
		ws_buf_printf(b, "<td>%s</td></tr>\n", s->inside ? "yes" : "no");
	}
	table_close(b);
}

static void net_table(struct ws_buf *b, const struct ws_rep_net *nets, size_t n, const char *id,
		      const char *what)
{
	char caption[64];
	snprintf(caption, sizeof(caption), "Top %s networks", what);
	table_open(b, id, caption, "network|#requests|#sources");
	body_open(b);
	for (size_t i = 0; i < n; i++) {
		ws_buf_adds(b, "<tr>");
		text_cell(b, "data addr", nets[i].prefix, sizeof(nets[i].prefix));
		num_cell(b, nets[i].requests);
		num_cell(b, nets[i].sources);
		ws_buf_adds(b, "</tr>\n");
	}
	table_close(b);
}

static void section_sources(struct ws_buf *b, const struct ws_report_data *d)
{
	bool seen[WS_MAX_WORMS];
	worms_seen(d, seen);
	ws_buf_adds(b,
		    "<section aria-labelledby=\"h-sources\"><h2 id=\"h-sources\">Top sources and "
		    "networks</h2>");
	figure_open(b,
		    "Figure 3. Top sources by worm requests (\u26a0 = compromised-looking answers)",
		    d->simulated);
	ws_rep_chart_sources(b, d);
	legend(b, seen);
	ws_buf_adds(b, "</figure>\n");
	sources_table(b, d);
	figure_open(b, "Figure 4. Top /16 networks", d->simulated);
	ws_rep_chart_nets(b, d->top16, d->n_top16, "chart-net16", "/16", d->simulated);
	ws_buf_adds(b, "</figure>\n");
	net_table(b, d->top16, d->n_top16, "tab-net16", "/16");
	figure_open(b, "Figure 5. Top /8 networks", d->simulated);
	ws_rep_chart_nets(b, d->top8, d->n_top8, "chart-net8", "/8", d->simulated);
	ws_buf_adds(b, "</figure>\n");
	net_table(b, d->top8, d->n_top8, "tab-net8", "/8");
	ws_buf_adds(b, "</section>\n");
}

static void status_legend(struct ws_buf *b)
{
	ws_buf_adds(b, "<ul class=\"legend\" aria-label=\"legend\">");
	for (int k = 0; k < WS_REP_NSEG; k++) {
		ws_buf_adds(b, "<li>");
		ws_rep_chart_status_swatch(b, k);
		ws_buf_adds(b, ws_rep_seg_label(k));
		ws_buf_adds(b, "</li>");
	}
	ws_buf_adds(b, "</ul>\n");
}

static void answers_table(struct ws_buf *b, const struct ws_report_data *d)
{
	ws_buf_adds(b, "<h3 id=\"h-answers\">Latest compromised-looking answers</h3>");
	if (!d->n_answers) {
		ws_buf_printf(b, "<p class=\"note\" id=\"no-answers\">%s</p>\n",
			      d->compromised ? "The store keeps no per-request detail for them; "
					       "see the sources marked \u26a0 above."
					     : "None: no worm request got a success answer.");
		return;
	}
	ws_buf_adds(b,
		    "<p class=\"note\">A success answer to a worm request means the server may "
		    "have run the worm's request: check these hosts first.</p>");
	table_open(b, "tab-answers", "Compromised-looking answers, newest first",
		   "time (UTC)|source|worm|#status|host|request|user agent");
	body_open(b);
	for (size_t i = 0; i < d->n_answers; i++) {
		const struct ws_rep_answer *a = &d->answers[i];
		ws_buf_adds(b, "<tr class=\"alert\">");
		time_cell(b, a->ts, WS_REP_T_SECOND);
		text_cell(b, "data addr", a->src, sizeof(a->src));
		worm_cell(b, a->worm);
		ws_buf_printf(b, "<td class=\"n\">%d</td>", a->status);
		/* 64 KiB is far beyond any real request line; the bound only
		 * protects the page from a store with a missing terminator. */
		text_cell(b, "data", a->host, 65536);
		text_cell(b, "data", a->uri, 65536);
		text_cell(b, "data", a->agent, 65536);
		ws_buf_adds(b, "</tr>\n");
	}
	table_close(b);
}

static void section_status(struct ws_buf *b, const struct ws_report_data *d)
{
	ws_buf_adds(b,
		    "<section aria-labelledby=\"h-status\"><h2 id=\"h-status\">Answers and "
		    "compromised-looking responses</h2>");
	figure_open(b, "Figure 6. Answers to worm requests by status", d->simulated);
	ws_rep_chart_status(b, d);
	status_legend(b);
	ws_buf_adds(b, "</figure>\n");
	table_open(b, "tab-status", "Answers per worm and status",
		   "worm|#status|#answers|compromised-looking");
	body_open(b);
	for (size_t i = 0; i < d->n_status; i++) {
		const struct ws_rep_status *s = &d->status[i];
		ws_buf_printf(b, "<tr%s data-worm=\"%d\">",
			      s->compromised ? " class=\"alert\"" : "", s->worm);
		worm_cell(b, s->worm);
		if (s->status)
			ws_buf_printf(b, "<td class=\"n\">%d</td>", s->status);
		else
			ws_buf_adds(b, "<td class=\"n\">none</td>");
		num_cell(b, s->count);
		ws_buf_printf(b, "<td>%s</td></tr>\n", s->compromised ? "\u26a0 yes" : "no");
	}
	table_close(b);
	answers_table(b, d);
	ws_buf_adds(b, "</section>\n");
}

static void section_inputs(struct ws_buf *b, const struct ws_report_data *d)
{
	ws_buf_adds(b,
		    "<section aria-labelledby=\"h-inputs\"><h2 id=\"h-inputs\">Inputs scanned"
		    "</h2>");
	table_open(b, "tab-inputs", "Inputs",
		   "input|sensor|format|#lines|#sightings|scanned (UTC)|simulated");
	body_open(b);
	for (size_t i = 0; i < d->n_inputs; i++) {
		const struct ws_rep_input *in = &d->inputs[i];
		ws_buf_printf(b, "<tr%s>", in->simulated ? " class=\"alert\"" : "");
		text_cell(b, "data", in->name, 65536);
		text_cell(b, "data", in->sensor, 256);
		text_cell(b, "data", in->format, 256);
		num_cell(b, in->lines);
		num_cell(b, in->sightings);
		time_cell(b, in->scanned_at, WS_REP_T_SECOND);
		ws_buf_printf(b, "<td>%s</td></tr>\n",
			      in->simulated ? "<span class=\"simmark\">SIMULATED</span>" : "no");
	}
	if (!d->n_inputs)
		ws_buf_adds(b, "<tr><td colspan=\"7\">No inputs scanned yet.</td></tr>");
	table_close(b);
	ws_buf_adds(b, "</section>\n");
}

/* The fleet (issue 16): what each sensor recorded; a source seen by several
 * sensors counts once per sensor here, once in the overview. */
static void section_sensors(struct ws_buf *b, const struct ws_report_data *d)
{
	char n[32];
	ws_buf_printf(b,
		      "<section aria-labelledby=\"h-sensors\"><h2 id=\"h-sensors\">Sensors</h2>"
		      "<p>Seen by %s sensor%s.</p>",
		      ws_rep_num(d->n_sensors, n), d->n_sensors == 1 ? "" : "s");
	table_open(b, "tab-sensors", "Sensors",
		   "sensor|#inputs|#sightings|#sources|first seen (UTC)|last seen (UTC)");
	body_open(b);
	for (size_t i = 0; i < d->n_sensors; i++) {
		const struct ws_rep_sensor *s = &d->sensors[i];
		ws_buf_adds(b, "<tr>");
		text_cell(b, "data", s->name, sizeof(s->name));
		num_cell(b, s->inputs);
		num_cell(b, s->sightings);
		num_cell(b, s->sources);
		time_cell(b, s->first, WS_REP_T_SECOND);
		time_cell(b, s->last, WS_REP_T_SECOND);
		ws_buf_adds(b, "</tr>\n");
	}
	if (!d->n_sensors)
		ws_buf_adds(b, "<tr><td colspan=\"6\">No sensor has written yet.</td></tr>");
	table_close(b);
	ws_buf_adds(b, "</section>\n");
}

/* (6) the outbreak estimate, or plainly why there is none. */
static void section_estimate(struct ws_buf *b, const struct ws_report_opts *o)
{
	ws_buf_adds(b, "<section id=\"estimate\">\n<h2>Outbreak estimate</h2>\n");
	if (o->estimate_svg && o->estimate_text) {
		ws_buf_adds(b, "<p>What this store's monitor saw, fitted to the random-constant-"
			       "spread model (wormscope estimate; docs/estimate.md):</p>\n<pre>");
		ws_esc_html(b, o->estimate_text, strlen(o->estimate_text));
		ws_buf_adds(b, "</pre>\n<figure>");
		ws_buf_adds(b, o->estimate_svg);
		ws_buf_adds(b, "</figure>\n");
	} else {
		const char *why = o->estimate_why && *o->estimate_why ? o->estimate_why
								       : "the estimate was not run";
		ws_buf_adds(b, "<p>No estimate: ");
		ws_esc_html(b, why, strlen(why));
		ws_buf_adds(b, "</p>\n");
	}
	ws_buf_adds(b, "</section>\n");
}

void ws_report_html(struct ws_buf *out, const struct ws_report_data *d,
		    const struct ws_report_opts *o)
{
	const char *title = o->title ? o->title : "wormscope report";
	head(out, d, title);
	ws_rep_chart_defs(out);
	header(out, d, title, o);
	overview(out, d);
	section_hours(out, d);
	section_curve(out, d);
	section_sources(out, d);
	section_status(out, d);
	section_estimate(out, o);
	section_inputs(out, d);
	section_sensors(out, d);
	ws_buf_adds(out, "</main>\n<footer><p>");
	if (d->simulated)
		ws_buf_adds(out, "<span class=\"simmark\">SIMULATED DATA.</span> ");
	ws_buf_adds(out,
		    "Written by wormscope " WS_VERSION " from the store's summary tables. This "
		    "page is self-contained: no script, no external resource; everything "
		    "taken from logs is shown as text.</p></footer>\n</body>\n</html>\n");
}
