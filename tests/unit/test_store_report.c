/* SPDX-License-Identifier: MIT */
/* ws_store_report_data: what the HTML report reads. Totals per worm; hours
 * ascending and summing to the sightings; the epidemic curve ascending,
 * non-decreasing, ending at the worm's distinct sources and thinned to at
 * most 1000 points; top sources and networks by requests, descending, at
 * most top_n; the status mix with success answers marked; inputs; the
 * newest compromised-looking answers first; the simulated flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/data.h"
#include "storetest.h"

#define SOURCES 1500

static void write_log(const char *path, bool simulated)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	if (simulated)
		fputs(WS_SIMULATED_MARK "\n", f);
	/* source k sends k % 4 + 1 requests, first at second 10 * k */
	for (unsigned k = 0; k < SOURCES; k++)
		for (unsigned r = 0; r <= k % 4; r++)
			st_line(f, k, 10 * k + r);
	/* two compromised-looking answers, the later one from 10.200.0.2 */
	fputs("10.200.0.1 - - [04/Aug/2001:20:00:00 +0000] \"GET /scripts/root.exe?/c+dir "
	      "HTTP/1.0\" 200 1432 \"-\" \"<script>x</script>\"\n"
	      "10.200.0.2 - - [04/Aug/2001:21:00:00 +0000] \"GET /scripts/root.exe?/c+dir "
	      "HTTP/1.0\" 200 1432 \"-\" \"-\"\n",
	      f);
	assert_int_equal(fclose(f), 0);
}

static void load(const char *db, size_t top_n, struct ws_report_data *d)
{
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(db, WS_STORE_RO, &st, &err), 0);
	if (ws_store_report_data(st, top_n, d, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ws_store_close(st, &err), 0);
}

static void test_report_data(void **state)
{
	(void)state;
	const char *db = st_path("r.db"), *log = st_path("r.log");
	write_log(log, false);
	uint64_t n = st_ingest(db, log, NULL);
	struct ws_report_data d;
	load(db, 10, &d);
	int cr2 = ws_worm_index("code-red-ii"), bd = ws_worm_index("nimda");
	assert_true(cr2 >= 0 && bd >= 0);
	assert_int_equal(d.sightings, n);
	assert_int_equal(d.sources, SOURCES + 2);
	assert_int_equal(d.per_worm_sources[cr2], SOURCES);
	assert_int_equal(d.per_worm[bd], 2);
	assert_int_equal(d.compromised, 2);
	assert_false(d.simulated);
	assert_string_equal(d.db_path, db);
	/* hours */
	uint64_t sum = 0;
	for (size_t i = 0; i < d.n_hours; i++) {
		if (i)
			assert_true(d.hours[i].hour > d.hours[i - 1].hour);
		assert_int_equal(d.hours[i].hour % 3600, 0);
		for (int w = 0; w < WS_MAX_WORMS; w++)
			sum += d.hours[i].count[w];
	}
	assert_int_equal(sum, n);
	/* curves: one per worm seen, thinned, ending at the distinct sources */
	assert_int_equal(d.n_curves, 2);
	for (size_t c = 0; c < d.n_curves; c++) {
		const struct ws_rep_curve *cv = &d.curves[c];
		assert_true(cv->n >= 1 && cv->n <= 1000);
		for (size_t i = 1; i < cv->n; i++) {
			assert_true(cv->t[i] > cv->t[i - 1]);
			assert_true(cv->cum[i] >= cv->cum[i - 1]);
		}
		assert_int_equal(cv->cum[cv->n - 1], d.per_worm_sources[cv->worm]);
	}
	/* top sources and networks */
	assert_int_equal(d.n_top, 10);
	assert_int_equal(d.top[0].requests, 4);
	for (size_t i = 1; i < d.n_top; i++)
		assert_true(d.top[i].requests <= d.top[i - 1].requests);
	assert_int_equal(d.top[0].per_worm[cr2], 4);
	assert_true(d.n_top16 >= 1 && d.n_top16 <= 10);
	assert_int_equal(d.n_top8, 1);
	assert_string_equal(d.top8[0].prefix, "10.0.0.0/8");
	assert_int_equal(d.top8[0].requests, n);
	assert_int_equal(d.top8[0].sources, SOURCES + 2);
	assert_non_null(strstr(d.top16[0].prefix, "/16"));
	for (size_t i = 1; i < d.n_top16; i++)
		assert_true(d.top16[i].requests <= d.top16[i - 1].requests);
	/* status mix: Code Red II 404s, Nimda 200s marked */
	bool seen404 = false, seen200 = false;
	for (size_t i = 0; i < d.n_status; i++) {
		if (d.status[i].worm == cr2 && d.status[i].status == 404) {
			seen404 = true;
			assert_false(d.status[i].compromised);
		}
		if (d.status[i].worm == bd && d.status[i].status == 200) {
			seen200 = true;
			assert_true(d.status[i].compromised);
			assert_int_equal(d.status[i].count, 2);
		}
		if (i)
			assert_true(d.status[i].worm > d.status[i - 1].worm ||
				    (d.status[i].worm == d.status[i - 1].worm &&
				     d.status[i].status > d.status[i - 1].status));
	}
	assert_true(seen404 && seen200);
	/* inputs and answers */
	assert_int_equal(d.n_inputs, 1);
	assert_string_equal(d.inputs[0].name, log);
	assert_int_equal(d.inputs[0].sightings, n);
	assert_int_equal(d.n_answers, 2);
	assert_string_equal(d.answers[0].src, "10.200.0.2");
	assert_string_equal(d.answers[1].src, "10.200.0.1");
	assert_string_equal(d.answers[0].uri, "/scripts/root.exe?/c+dir");
	assert_string_equal(d.answers[1].agent, "<script>x</script>");
	assert_true(d.answers[0].ts > d.answers[1].ts);
	ws_report_data_free(&d);

	/* top_n bounds every list */
	load(db, 1, &d);
	assert_int_equal(d.n_top, 1);
	assert_int_equal(d.n_top16, 1);
	assert_int_equal(d.n_answers, 1);
	ws_report_data_free(&d);
}

static void test_report_simulated(void **state)
{
	(void)state;
	const char *db = st_path("s.db"), *log = st_path("s.log");
	write_log(log, true);
	st_ingest(db, log, NULL);
	struct ws_report_data d;
	load(db, 5, &d);
	assert_true(d.simulated);
	assert_true(d.inputs[0].simulated);
	ws_report_data_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_data, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_report_simulated, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
