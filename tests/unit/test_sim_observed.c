/* SPDX-License-Identifier: MIT */
/* Observed curves (sim/observed.c): both layouts, the errors that name file
 * and line, and the comparison with a run (gap, 50 % offset, growth). Uses
 * Goldsmith's 1 August 2001 rows from $WS_SHARED/data/observations when there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "sim/observed.h"
#include "simtest.h"

static int parse(const char *text, struct ws_sim_obs *o, struct ws_err *e)
{
	return ws_sim_obs_parse(text, strlen(text), "obs.csv", o, e);
}

static void test_counts(void **state)
{
	(void)state;
	struct ws_sim_obs o;
	struct ws_err e;
	assert_int_equal(parse("# a comment\r\ntime_utc,distinct_sources,probes\r\n"
			       "2001-08-01T01:00:00Z,17,92\r\n2001-08-01T02:00:00Z,20,74\n", &o, &e), 0);
	assert_int_equal(o.kind, WS_SIM_OBS_COUNTS);
	assert_int_equal(o.n, 2);
	assert_true(o.t[0] == 996627600 && o.sources[1] == 20 && o.probes[0] == 92);
	ws_sim_obs_free(&o);
	assert_int_equal(parse("time_utc,distinct_sources\n2001-08-01T01:00:00Z,3\n", &o, &e), 0);
	assert_null(o.probes);
	ws_sim_obs_free(&o);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"", "no observations"},
		{"# only\n", "no observations"},
		{"time,count\n", "obs.csv:1: want the header"},
		{"time_utc,distinct_sources\n", "no observations after the header"},
		{"time_utc,distinct_sources\n2001-08-01T01:00:00Z,-1\n", "obs.csv:2: distinct_sources"},
		{"time_utc,distinct_sources\n2001-08-01T01:00:00Z,nan\n", "obs.csv:2: distinct_sources"},
		{"time_utc,distinct_sources\nyesterday,1\n", "obs.csv:2: time_utc"},
		{"time_utc,distinct_sources\n2001-08-01T01:00:00Z,1,2\n", "obs.csv:2: want 2"},
		{"time_utc,distinct_sources\n2001-08-01T02:00:00Z,1\n2001-08-01T01:00:00Z,2\n",
		 "obs.csv:3: times must increase"},
		{"1.0\t2\t-\t-\t-\t-\t-\t-\nx\t2\t-\t-\t-\t-\t-\t-\n", "obs.csv:2: start time"},
		{"1.0\t2\t-\n", "obs.csv:1: want at least 8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ws_sim_obs o;
		struct ws_err e = {{0}};
		assert_int_not_equal(parse(bad[i].text, &o, &e), 0);
		if (!strstr(e.msg, bad[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, e.msg, bad[i].want);
		assert_null(o.t);
	}
	/* a NUL byte and an overlong line name their line */
	struct ws_sim_obs o;
	struct ws_err e;
	assert_int_not_equal(ws_sim_obs_parse("time_utc,distinct_sources\n\0", 28, "f", &o, &e), 0);
	assert_non_null(strstr(e.msg, "f:2: NUL"));
	char *big = calloc(1, WS_SIM_OBS_LINE + 40);
	memset(big, 'a', WS_SIM_OBS_LINE + 10);
	assert_int_not_equal(parse(big, &o, &e), 0);
	assert_non_null(strstr(e.msg, "obs.csv:1: line longer"));
	free(big);
}

static void test_caida_table(void **state)
{
	(void)state;
	struct ws_sim_obs o;
	struct ws_err e;
	/* out of order, with the header and a comment: sorted, cumulative */
	assert_int_equal(parse("#start_time\tend_time\ttld\tcountry\tlat\tlong\tas\tas_name\n"
			       "995536800.5\t995536900\t-\t-\t-\t-\t-\t-\n"
			       "995533200.25\t995536900\t-\t-\t-\t-\t-\t-\t1.2.3.4\n"
			       "start_time\tend_time\ttld\tcountry\tlatitude\tlongitude\tas\tname\n"
			       "995540400\t995540400\tnet\tUS\t1\t2\t3\tx\n",
			       &o, &e), 0);
	assert_int_equal(o.kind, WS_SIM_OBS_CAIDA);
	assert_int_equal(o.n, 3);
	/* fractional times round up to the end of their second */
	assert_true(o.t[0] == 995533201 && o.t[1] == 995536801 && o.t[2] == 995540400);
	assert_true(o.sources[0] == 1 && o.sources[2] == 3);
	ws_sim_obs_free(&o);
}

/* A run against its own infected curve read back as an observation: no
 * gap and no offset; shifted by an hour, an offset of an hour. */
static void test_compare(void **state)
{
	(void)state;
	struct ws_sim_scenario sc;
	struct ws_err e;
	assert_int_equal(ws_sim_scenario_init(&sc, "code-red", &e), 0);
	sc.pop.vulnerable = 20000;
	sc.duration_h = 20;
	sc.interval_s = 600;
	sc.initial = 20;
	sc.n_telescopes = 0;
	sc.worm.calendar = WS_SIM_CAL_NONE;
	sc.pop.space_scale = 1.0 / 16; /* K = 1.34/h: 50 % after about 5 h */
	struct ws_sim_ensemble x;
	assert_int_equal(ws_sim_run_ensemble(&sc, &x, NULL, &e), 0);
	for (int shift = 0; shift <= 1; shift++) {
		struct ws_sim_obs o = {0};
		size_t n = x.med.s.n;
		o.n = n;
		o.t = calloc(n, sizeof(int64_t));
		o.sources = calloc(n, sizeof(double));
		for (size_t j = 0; j < n; j++) {
			o.t[j] = sc.start + (int64_t)((j + 1) * 600);
			o.sources[j] = j >= (size_t)(6 * shift) ? x.med.s.infected[j - (size_t)(6 * shift)] : 0;
		}
		struct ws_sim_obs_cmp c;
		ws_sim_obs_compare(&sc, &x, 20000, &o, &c);
		assert_int_equal(c.n_in, n);
		assert_true(c.obs_levels);
		if (shift == 0) {
			assert_true(c.max_gap == 0 && c.offset_s == 0);
		} else {
			assert_true(fabs(c.offset_s + 3600) < 1e-9);
			assert_true(c.max_gap_share > 0.05);
		}
		/* the growth fit sees the rising points: near the model's K */
		if (!(fabs(c.k_obs - x.med.sum.fitted_K_per_hour) < 0.2 * x.med.sum.fitted_K_per_hour))
			fail_msg("observed growth %g against K %g", c.k_obs, x.med.sum.fitted_K_per_hour);
		ws_sim_obs_free(&o);
	}
	ws_sim_ensemble_free(&x);
}

static void test_goldsmith(void **state)
{
	(void)state;
	const char *env = getenv("WS_SHARED");
	char path[512];
	snprintf(path, sizeof(path), "%s/data/observations/goldsmith-2001-08-01-hourly.csv",
		 env ? env : "../shared");
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("skip: %s not found (observations are not shipped)\n", path);
		skip();
	}
	fclose(f);
	struct ws_sim_obs o;
	struct ws_err e;
	assert_int_equal(ws_sim_obs_load(path, &o, &e), 0);
	assert_int_equal(o.n, 7);
	assert_true(o.sources[6] == 324 && o.probes[6] == 1139);
	ws_sim_obs_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),        cmocka_unit_test(test_errors),
		cmocka_unit_test(test_caida_table),   cmocka_unit_test(test_compare),
		cmocka_unit_test(test_goldsmith),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
