/* SPDX-License-Identifier: MIT */
/* The HTML report on hand-filled data: the page is self-contained (CSP, no
 * script, no external resource), every chart is there with its text
 * alternative, hostile log strings render as inert text, an empty store gives
 * a valid page, and simulated data is marked everywhere.
 * Set WS_REPORT_DUMP=FILE to write the sample page for a look in a browser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report/chart.h"
#include "report/data.h"
#include "report/fmt.h"
#include "report/html.h"
#include "util/escape.h"
#include "util/mem.h"
#include "wormscope/worm.h"

#define T0 996710400 /* 2001-08-02 00:00:00 UTC */

/* Hostile strings as a log could carry them (the bytes are what they say). */
#define EVIL_SCRIPT "<script>document.title='PWNED'</script>"
#define EVIL_ATTR "\"><img src=x onerror=alert(1)>"
#define EVIL_JS "javascript:alert(document.cookie)"
#define EVIL_UTF8 "bad \xff\xfe\xc3 bytes"

static char *sdup(const char *s)
{
	return ws_xstrdup(s);
}

/* A realistic small store: three worms over 48 hours, hostile strings in
 * every field that comes from a log. */
static void sample(struct ws_report_data *d, bool simulated)
{
	*d = (struct ws_report_data){0};
	int cr = ws_worm_index("code-red"), cr2 = ws_worm_index("code-red-ii"),
	    nim = ws_worm_index("nimda");
	d->db_path = sdup("/var/lib/wormscope/" EVIL_SCRIPT ".db");
	d->simulated = simulated;
	d->first = T0 + 120;
	d->last = T0 + 47 * 3600 + 59;
	d->n_hours = 48;
	d->hours = ws_xcalloc(d->n_hours, sizeof(*d->hours));
	for (size_t i = 0; i < d->n_hours; i++) {
		d->hours[i].hour = T0 + (int64_t)i * 3600;
		d->hours[i].count[cr] = 20 + i * 3;
		d->hours[i].count[cr2] = i > 10 ? 100 + (i - 10) * 25 : 0;
		d->hours[i].count[nim] = i > 30 ? 40 * (i - 30) : 0;
		for (int w = 0; w < WS_MAX_WORMS; w++)
			d->per_worm[w] += d->hours[i].count[w];
	}
	for (int w = 0; w < WS_MAX_WORMS; w++)
		d->sightings += d->per_worm[w];
	d->per_worm_sources[cr] = 310;
	d->per_worm_sources[cr2] = 1250;
	d->per_worm_sources[nim] = 402;
	d->sources = 1800;
	d->compromised = 7;
	int ws[3] = {cr, cr2, nim};
	d->n_curves = 3;
	d->curves = ws_xcalloc(3, sizeof(*d->curves));
	for (int c = 0; c < 3; c++) {
		struct ws_rep_curve *cv = &d->curves[c];
		cv->worm = ws[c];
		cv->n = 20;
		cv->t = ws_xcalloc(cv->n, sizeof(*cv->t));
		cv->cum = ws_xcalloc(cv->n, sizeof(*cv->cum));
		for (size_t i = 0; i < cv->n; i++) {
			cv->t[i] = T0 + 600 + (int64_t)(c * 10 + i) * 5000;
			cv->cum[i] = (uint64_t)((double)d->per_worm_sources[ws[c]] *
						(double)(i + 1) * (double)(i + 1) / 400.0);
		}
	}
	d->n_top = 6;
	d->top = ws_xcalloc(d->n_top, sizeof(*d->top));
	for (size_t i = 0; i < d->n_top; i++) {
		struct ws_rep_source *s = &d->top[i];
		snprintf(s->addr, sizeof(s->addr), "192.0.2.%zu", 10 + i);
		s->per_worm[cr2] = 900 - i * 100;
		s->per_worm[nim] = i * 40;
		s->requests = s->per_worm[cr2] + s->per_worm[nim];
		s->first = T0 + (int64_t)i * 900;
		s->last = T0 + 40 * 3600;
		s->destinations = 3 + i;
		s->nimda_probes = i ? 0x7fu : 0;
		s->compromised = i == 1 ? 2 : 0;
	}
	snprintf(d->top[5].addr, sizeof(d->top[5].addr), "<b>2001:db8::5</b>");
	d->n_top16 = 3;
	d->top16 = ws_xcalloc(3, sizeof(*d->top16));
	d->n_top8 = 2;
	d->top8 = ws_xcalloc(2, sizeof(*d->top8));
	for (size_t i = 0; i < 3; i++) {
		snprintf(d->top16[i].prefix, sizeof(d->top16[i].prefix), "198.51.%zu.0/16", i);
		d->top16[i].requests = 3000 - i * 700;
		d->top16[i].sources = 40 - i * 10;
	}
	snprintf(d->top8[0].prefix, sizeof(d->top8[0].prefix), "192.0.0.0/8");
	snprintf(d->top8[1].prefix, sizeof(d->top8[1].prefix), "'onmouseover='x");
	d->top8[0].requests = 9000, d->top8[0].sources = 700;
	d->top8[1].requests = 4000, d->top8[1].sources = 1;
	d->n_status = 5;
	d->status = ws_xcalloc(5, sizeof(*d->status));
	d->status[0] = (struct ws_rep_status){cr, 404, 4000, false};
	d->status[1] = (struct ws_rep_status){cr2, 200, 5, true};
	d->status[2] = (struct ws_rep_status){cr2, 404, 20000, false};
	d->status[3] = (struct ws_rep_status){nim, 0, 300, false};
	d->status[4] = (struct ws_rep_status){nim, 500, 2, true};
	d->n_inputs = 2;
	d->inputs = ws_xcalloc(2, sizeof(*d->inputs));
	d->inputs[0] = (struct ws_rep_input){sdup("logs/" EVIL_SCRIPT ".log"),
					     sdup("combined"),
					     50000,
					     d->sightings,
					     T0 + 50 * 3600,
					     false,
					     sdup("web1")};
	d->inputs[1] = (struct ws_rep_input){sdup(EVIL_UTF8), sdup(EVIL_ATTR), 10,   0,
					     T0,	      simulated,	  NULL};
	d->n_answers = 2;
	d->answers = ws_xcalloc(2, sizeof(*d->answers));
	d->answers[0] = (struct ws_rep_answer){
	    T0 + 3600,     "192.0.2.11",   cr2, 200, sdup("/default.ida?" EVIL_SCRIPT),
	    sdup(EVIL_JS), sdup(EVIL_ATTR)};
	d->answers[1] = (struct ws_rep_answer){
	    T0 + 7200, "192.0.2.12", nim, 200, sdup("/scripts/root.exe?/c+dir " EVIL_UTF8),
	    NULL,      NULL};
}

static char *render(const struct ws_report_data *d, const char *title)
{
	struct ws_buf b = {0};
	struct ws_report_opts o = {.title = title, .generated_at = T0 + 86400 * 3};
	ws_report_html(&b, d, &o);
	ws_buf_addc(&b, '\0');
	return b.p;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static bool valid_utf8(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = ws_utf8_seq_len((const unsigned char *)s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static void test_self_contained(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, false);
	char *p = render(&d, NULL);
	assert_non_null(strstr(p,
			       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			       "'none'; style-src 'sha256-"));
	assert_non_null(strstr(p, "base-uri 'none'; form-action 'none'"));
	/* Nothing that runs, loads or links: */
	assert_null(strcasestr(p, "<script"));
	assert_null(strcasestr(p, "src=\""));
	assert_null(strcasestr(p, "href="));
	assert_null(strcasestr(p, "@import"));
	assert_null(strcasestr(p, "url(http"));
	assert_null(strcasestr(p, "<link"));
	assert_null(strcasestr(p, "<iframe"));
	assert_null(strcasestr(p, " style="));
	/* The only absolute URL is the SVG namespace name. */
	assert_int_equal(count(p, "http:") + count(p, "https:"),
			 count(p, "http://www.w3.org/2000/svg"));
	assert_true(valid_utf8(p));
	assert_non_null(strstr(p, "</html>\n"));
	free(p);
	ws_report_data_free(&d);
}

static void test_hostile_strings_inert(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, false);
	char *p = render(&d, "<i>" EVIL_SCRIPT);
	assert_null(strstr(p, "<script"));
	assert_null(strstr(p, "<img"));
	assert_null(strstr(p, "<b>"));
	assert_null(strstr(p, "<i>"));
	assert_null(strstr(p, "'onmouseover"));
	/* Shown as text, every time it occurs (db path, input, answer, title x2). */
	assert_int_equal(count(p, "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"),
			 5);
	assert_non_null(strstr(p, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(p, "&lt;b&gt;2001:db8::5&lt;/b&gt;"));
	/* javascript: only ever appears as table text, never in an attribute. */
	assert_int_equal(count(p, "javascript:"), 1);
	assert_non_null(strstr(p, "<td class=\"data\">javascript:alert(document.cookie)</td>"));
	/* Invalid UTF-8 is written as \xHH, so the page stays valid UTF-8. */
	assert_non_null(strstr(p, "bad \\xff\\xfe\\xc3 bytes"));
	assert_true(valid_utf8(p));
	free(p);
	ws_report_data_free(&d);
}

static void test_unterminated_fields_bounded(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, false);
	memset(d.top[0].addr, 'A', sizeof(d.top[0].addr));
	memset(d.top16[0].prefix, 'B', sizeof(d.top16[0].prefix));
	memset(d.answers[0].src, 'C', sizeof(d.answers[0].src));
	d.status[0].worm = 99; /* a worm index from a newer wormscope */
	d.curves[0].worm = -1;
	char *p = render(&d, NULL);
	char want[64] = {0};
	memset(want, 'A', 48);
	assert_non_null(strstr(p, want));
	want[48] = 'A';
	assert_null(strstr(p, want));
	assert_non_null(strstr(p, "unknown worm"));
	free(p);
	ws_report_data_free(&d);
}

static void test_charts_and_tables(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, false);
	char *p = render(&d, NULL);
	static const char *const ids[] = {"chart-hours", "chart-curve", "chart-sources",
					  "chart-net16", "chart-net8",  "chart-status"};
	assert_int_equal(count(p, "<svg class=\"chart\""), 6);
	assert_int_equal(count(p, "role=\"img\""), 6);
	for (size_t i = 0; i < 6; i++) {
		char want[128];
		snprintf(want, sizeof(want), "id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\"",
			 ids[i]);
		assert_non_null(strstr(p, want));
		snprintf(want, sizeof(want), "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">",
			 ids[i], ids[i], ids[i]);
		assert_non_null(strstr(p, want));
		snprintf(want, sizeof(want), "<desc id=\"%s-d\">", ids[i]);
		assert_non_null(strstr(p, want));
	}
	/* 48 hours, 3 worms: one bar segment per non-zero hour and worm. */
	size_t segs = 0;
	for (size_t i = 0; i < d.n_hours; i++)
		for (int w = 0; w < WS_MAX_WORMS; w++)
			segs += d.hours[i].count[w] > 0;
	char *hours = strstr(p, "id=\"chart-hours\""), *end = strstr(hours, "</svg>");
	*end = '\0';
	assert_int_equal(count(hours, "<rect "), segs);
	/* Ticks in UTC with the date where the day changes. */
	assert_non_null(strstr(hours, ">00:00<tspan"));
	assert_non_null(strstr(hours, "time (UTC)"));
	*end = '<';
	assert_int_equal(count(p, "<path class=\"curve\""), 3);
	for (const char *t = "tab-worms\0tab-hours\0tab-curve\0tab-sources\0tab-net16\0tab-net8\0"
			     "tab-status\0tab-answers\0tab-inputs\0";
	     *t; t += strlen(t) + 1) {
		char want[64];
		snprintf(want, sizeof(want), "<table id=\"%s\">", t);
		assert_non_null(strstr(p, want));
	}
	/* The numbers behind the charts, as the store gave them. */
	char want[128], n[32];
	snprintf(want, sizeof(want), "<td class=\"n\">%s</td>", ws_rep_num(d.sightings, n));
	assert_non_null(strstr(p, want));
	assert_non_null(strstr(p, "<td class=\"n\">1,250</td>"));
	assert_non_null(strstr(p, "<td class=\"n\">20,000</td>"));
	assert_non_null(
	    strstr(p, "<li class=\"card alert\" id=\"ov-compromised\"><span class=\"v\">7<"));
	assert_int_equal(count(p, "<tr class=\"alert\"><td class=\"t\">"), 2); /* answers */
	free(p);
	ws_report_data_free(&d);
}

static void test_empty_store(void **state)
{
	(void)state;
	struct ws_report_data d = {0};
	d.db_path = sdup("empty.db");
	char *p = render(&d, NULL);
	assert_non_null(strstr(p, "<!DOCTYPE html>"));
	assert_non_null(strstr(p, "<title>wormscope report</title>"));
	assert_int_equal(count(p, "<svg class=\"chart\""), 6);
	assert_int_equal(count(p, "no worm requests recorded"), 6);
	assert_non_null(strstr(p, "No worm requests in this store."));
	assert_non_null(strstr(p, "None: no worm request got a success answer."));
	assert_null(strstr(p, "SIMULATED"));
	assert_non_null(strstr(p, "</body>\n</html>\n"));
	assert_true(valid_utf8(p));
	free(p);
	ws_report_data_free(&d);
}

static void test_simulated_marked_everywhere(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, true);
	char *p = render(&d, "Outbreak");
	assert_non_null(strstr(p, "<title>SIMULATED DATA: Outbreak</title>"));
	assert_non_null(strstr(p, "<p class=\"sim\" id=\"simulated\""));
	for (const char *id = "chart-hours\0chart-curve\0chart-sources\0chart-net16\0chart-net8\0"
			      "chart-status\0";
	     *id; id += strlen(id) + 1) {
		char want[96];
		snprintf(want, sizeof(want), "<title id=\"%s-t\">SIMULATED DATA: ", id);
		assert_non_null(strstr(p, want));
	}
	assert_int_equal(count(p, ">SIMULATED DATA</text>"), 6); /* watermarks */
	assert_int_equal(count(p, "<figcaption><span class=\"simmark\">SIMULATED DATA:</span>"), 6);
	free(p);
	ws_report_data_free(&d);
	/* And an empty simulated store still says so. */
	d = (struct ws_report_data){.simulated = true};
	p = render(&d, NULL);
	assert_non_null(strstr(p, "id=\"simulated\""));
	free(p);
}

static void test_long_span_is_binned(void **state)
{
	(void)state;
	struct ws_report_data d = {0};
	d.n_hours = 2;
	d.hours = ws_xcalloc(2, sizeof(*d.hours));
	d.hours[0].hour = T0;
	d.hours[0].count[0] = 5;
	d.hours[1].hour = T0 + 90 * 86400; /* 90 days later */
	d.hours[1].count[0] = 7;
	d.per_worm[0] = 12;
	d.sightings = 12;
	assert_int_equal(ws_rep_hour_bin(T0, T0 + 90 * 86400), 24 * 3600);
	assert_int_equal(ws_rep_hour_bin(T0, T0 + 3600), 3600);
	assert_true(ws_rep_hour_bin(0, (int64_t)200 * 365 * 86400) / 3600 * WS_REP_MAX_BARS >=
		    200 * 365 * 24);
	char *p = render(&d, NULL);
	assert_non_null(strstr(p, "Worm requests per day"));
	/* The table has the chart's bins (it said "per hour" under a chart per 6 hours). */
	assert_non_null(strstr(p, "Requests per day"));
	assert_null(strstr(p, "Requests per hour"));
	/* Daily ticks for a long span. */
	assert_non_null(strstr(p, ">2001-08-"));
	free(p);
	ws_report_data_free(&d);
	/* Times before 1970 from a broken log still make a page. */
	d = (struct ws_report_data){0};
	d.n_hours = 1;
	d.hours = ws_xcalloc(1, sizeof(*d.hours));
	d.hours[0].hour = -7200;
	d.hours[0].count[1] = 1;
	p = render(&d, NULL);
	assert_non_null(strstr(p, "1969-12-31 22:00"));
	free(p);
	ws_report_data_free(&d);
}

/* The CSP allows the stylesheet by its SHA-256: a style edited without a new
 * hash would leave the page unstyled, so recompute it with openssl. */
static void test_style_hash_matches(void **state)
{
	(void)state;
	if (system("command -v openssl >/dev/null 2>&1 && command -v base64 >/dev/null 2>&1") != 0)
		skip();
	struct ws_report_data d = {0};
	char *p = render(&d, NULL);
	char *css = strstr(p, "<style>") + 7, *end = strstr(css, "</style>");
	char path[] = "/tmp/ws-report-css-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fwrite(css, 1, (size_t)(end - css), f);
	fclose(f);
	char cmd[128], got[128] = {0}, want[160];
	snprintf(cmd, sizeof(cmd), "openssl dgst -sha256 -binary %s | base64", path);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	assert_non_null(fgets(got, sizeof(got), pp));
	pclose(pp);
	unlink(path);
	got[strcspn(got, "\n")] = '\0';
	snprintf(want, sizeof(want), "'sha256-%s'", got);
	assert_string_equal(ws_report_style_hash(), want);
	free(p);
}

/* A damaged or hostile store: times at the ends of int64, unsorted hours,
 * counts near UINT64_MAX. The page is still made, without undefined
 * behaviour (UBSan halts on any) or out-of-bounds bins (ASan). */
static void test_extreme_values(void **state)
{
	(void)state;
	struct ws_report_data d;
	sample(&d, false);
	d.first = INT64_MIN;
	d.last = INT64_MAX;
	d.hours[0].hour = INT64_MAX;
	d.hours[1].hour = INT64_MIN;
	d.hours[5].count[0] = UINT64_MAX;
	d.curves[0].t[0] = INT64_MIN;
	d.curves[0].t[3] = INT64_MAX;
	d.curves[1].cum[2] = UINT64_MAX;
	d.top[0].requests = UINT64_MAX;
	d.top[0].per_worm[1] = UINT64_MAX;
	d.top[0].first = INT64_MIN;
	d.top16[0].requests = UINT64_MAX;
	d.status[0].count = UINT64_MAX;
	d.status[0].status = INT32_MIN;
	d.inputs[0].scanned_at = INT64_MIN;
	d.answers[0].ts = INT64_MAX;
	d.answers[0].worm = INT32_MAX;
	char *p = render(&d, NULL);
	assert_int_equal(count(p, "<svg class=\"chart\""), 6);
	assert_non_null(strstr(p, "0001-01-01 00:00:00"));
	assert_non_null(strstr(p, "9999-12-31 23:59:59"));
	assert_non_null(strstr(p, "18,446,744,073,709,551,615"));
	assert_true(valid_utf8(p));
	free(p);
	ws_report_data_free(&d);
}

/* The curve's table shows 40 evenly spaced points per worm, first and last
 * included; the chart draws them all. */
static void test_curve_table_thinned(void **state)
{
	(void)state;
	struct ws_report_data d = {0};
	d.n_curves = 1;
	d.curves = ws_xcalloc(1, sizeof(*d.curves));
	struct ws_rep_curve *cv = &d.curves[0];
	cv->worm = 1;
	cv->n = 1000;
	cv->t = ws_xcalloc(cv->n, sizeof(*cv->t));
	cv->cum = ws_xcalloc(cv->n, sizeof(*cv->cum));
	for (size_t i = 0; i < cv->n; i++) {
		cv->t[i] = T0 + (int64_t)i * 60;
		cv->cum[i] = 1000 + i;
	}
	char *p = render(&d, NULL);
	assert_int_equal(count(p, "<tr data-worm=\"1\">"), 40);
	assert_non_null(strstr(p, "<td class=\"n\">1,000</td></tr>"));
	assert_non_null(strstr(p, "<td class=\"n\">1,999</td></tr>"));
	char *curve = strstr(p, "<path class=\"curve\""), *end = strstr(curve, "/>");
	*end = '\0';
	assert_int_equal(count(curve, "V"), 1000); /* a step up at every point */
	free(p);
	ws_report_data_free(&d);
}

static void test_number_format(void **state)
{
	(void)state;
	char n[32];
	assert_string_equal(ws_rep_num(0, n), "0");
	assert_string_equal(ws_rep_num(999, n), "999");
	assert_string_equal(ws_rep_num(1000, n), "1,000");
	assert_string_equal(ws_rep_num(1234567, n), "1,234,567");
	assert_string_equal(ws_rep_num(UINT64_MAX, n), "18,446,744,073,709,551,615");
	assert_string_equal(ws_rep_time(T0 + 3661, WS_REP_T_SECOND, n), "2001-08-02 01:01:01");
}

static int dump_sample(void)
{
	const char *path = getenv("WS_REPORT_DUMP");
	if (!path || !*path)
		return 0;
	struct ws_report_data d;
	sample(&d, getenv("WS_REPORT_DUMP_SIM") != NULL);
	char *p = render(&d, NULL);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(p, f);
		fclose(f);
	}
	free(p);
	ws_report_data_free(&d);
	return 0;
}

int main(void)
{
	dump_sample();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_self_contained),
	    cmocka_unit_test(test_hostile_strings_inert),
	    cmocka_unit_test(test_unterminated_fields_bounded),
	    cmocka_unit_test(test_charts_and_tables),
	    cmocka_unit_test(test_empty_store),
	    cmocka_unit_test(test_simulated_marked_everywhere),
	    cmocka_unit_test(test_long_span_is_binned),
	    cmocka_unit_test(test_extreme_values),
	    cmocka_unit_test(test_curve_table_thinned),
	    cmocka_unit_test(test_style_hash_matches),
	    cmocka_unit_test(test_number_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
