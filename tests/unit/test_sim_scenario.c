/* SPDX-License-Identifier: MIT */
/* Scenarios and populations (sim/scenario.c, sim/pop.c, the worm table's
 * behaviour): defaults from the worm table, the config round trip
 * (dump -> load -> dump is byte-identical), errors that name file and line,
 * the synthetic and file populations, and synthetic addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "simtest.h"
#include "wormscope/worm.h"

static void test_worm_defaults(void **state)
{
	(void)state;
	struct ws_sim_scenario sc;
	struct ws_err e;
	assert_int_equal(ws_sim_scenario_init(&sc, "code-red-ii", &e), 0);
	assert_int_equal(sc.worm.strategy, WS_SIM_LOCAL_PREF);
	assert_true(sc.worm.p_any == 0.125 && sc.worm.p_same8 == 0.5 && sc.worm.p_same16 == 0.375);
	assert_true(sc.worm.skip_reserved);
	assert_true(sc.worm.lifetime_h == 24 && sc.worm.chinese_lifetime_h == 48);
	assert_true(sc.worm.reinfectable);
	/* 300 threads at 20 s per probe. */
	assert_true(fabs(ws_sim_mean_rate(&sc.worm) - 15.0) < 1e-12);
	assert_int_equal(ws_sim_scenario_init(&sc, "code-red", &e), 0);
	assert_int_equal(sc.worm.calendar, WS_SIM_CAL_CODE_RED);
	assert_int_equal(sc.worm.strategy, WS_SIM_UNIFORM);
	/* Textbook defaults: every realism knob off. */
	assert_true(sc.worm.rate_spread == 0 && sc.worm.night_off == 0 && sc.dhcp_churn_h == 0);
	assert_true(sc.def.patch_start_h < 0 && sc.def.content_filter_start_h < 0);
	assert_int_equal(ws_sim_scenario_init(&sc, "warhol", &e), 0);
	assert_int_equal(sc.worm.strategy, WS_SIM_PERMUTATION);
	assert_int_equal(sc.worm.hitlist, 10000);
	assert_int_not_equal(ws_sim_scenario_init(&sc, "no-such-worm", &e), 0);
	assert_non_null(strstr(e.msg, "no-such-worm"));
}

static void test_behaviour_only_outside_detection(void **state)
{
	(void)state;
	static const char *const only[] = {"code-red-v1", "slammer", "warhol", "custom"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(ws_worm_index(only[i]), -1);
		assert_non_null(ws_sim_worm(only[i]));
	}
	int n;
	ws_worms(&n);
	assert_true(n <= WS_MAX_WORMS);
	assert_non_null(ws_sim_worm("code-red"));
	assert_int_equal(ws_sim_worm("nimda")->behaviour->n_requests, 16);
}

static void test_config_round_trip(void **state)
{
	(void)state;
	struct ws_sim_scenario a, b;
	struct ws_err e;
	assert_int_equal(ws_sim_scenario_init(&a, "code-red-ii", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "telescope", "44.0.0.0/8", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "telescope", "24.12.0.0/16", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "patch_curve", "0:0,24:0.25,48:0.6", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "scan_rate", "5.97", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "seed", "18446744073709551615", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "start", "2001-08-04T06:30:00Z", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "rate_spread", "0.1", &e), 0);
	assert_int_equal(ws_sim_scenario_set(&a, "expiry", "2002-01-01", &e), 0);
	struct ws_buf d1 = {0}, d2 = {0};
	ws_sim_scenario_dump(&a, &d1);
	ws_buf_addc(&d1, 0);
	assert_non_null(strstr(d1.p, "SIMULATED"));
	const char *path = sim_tmpfile(0, d1.p);
	assert_int_equal(ws_sim_scenario_init(&b, "code-red", &e), 0);
	assert_int_equal(ws_sim_scenario_load(&b, path, &e), 0);
	ws_sim_scenario_dump(&b, &d2);
	ws_buf_addc(&d2, 0);
	assert_string_equal(d1.p, d2.p);
	assert_int_equal(b.n_telescopes, 2);
	assert_true(b.worm.scan_rate == 5.97 && b.worm.rate_spread == 0.1);
	assert_int_equal(b.seed, UINT64_MAX);
	assert_true(memcmp(&a.def, &b.def, sizeof(a.def)) == 0);
	unlink(path);
	ws_buf_free(&d1);
	ws_buf_free(&d2);
}

static void test_config_errors_name_line(void **state)
{
	(void)state;
	struct ws_sim_scenario sc;
	struct ws_err e;
	ws_sim_scenario_init(&sc, "code-red", &e);
	const char *p = sim_tmpfile(1, "# comment\nworm = code-red\n\nscan_rate = fast\n");
	assert_int_not_equal(ws_sim_scenario_load(&sc, p, &e), 0);
	assert_non_null(strstr(e.msg, ":4:"));
	assert_non_null(strstr(e.msg, "scan_rate"));
	unlink(p);
	p = sim_tmpfile(1, "no_such_key = 1\n");
	assert_int_not_equal(ws_sim_scenario_load(&sc, p, &e), 0);
	assert_non_null(strstr(e.msg, ":1:"));
	unlink(p);
	p = sim_tmpfile(1, "telescope = 2001:db8::/32\n");
	assert_int_not_equal(ws_sim_scenario_load(&sc, p, &e), 0);
	unlink(p);
	assert_int_not_equal(ws_sim_scenario_load(&sc, "/nonexistent/x.conf", &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/x.conf"));
	/* The check refuses inconsistent mixes. */
	ws_sim_scenario_init(&sc, "code-red-ii", &e);
	sc.worm.p_any = 0.5;
	assert_int_not_equal(ws_sim_scenario_check(&sc, &e), 0);
}

static void test_synthetic_population(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("code-red", 50000, 6, 1);
	sc.pop.n_exclude = 1;
	sc.pop.exclude[0].net = 44u << 24;
	sc.pop.exclude[0].bits = 8;
	struct ws_sim_pop p;
	struct ws_err e;
	assert_int_equal(ws_sim_pop_build(&p, &sc.pop, 7, &e), 0);
	assert_int_equal(p.n_hosts, 50000);
	assert_int_equal(p.hosts8[44], 0);
	assert_int_equal(p.hosts8[127], 0);
	assert_int_equal(p.hosts8[10], 0);
	uint32_t used8 = 0, total = 0, biggest = 0;
	for (int a = 0; a < 256; a++) {
		used8 += p.hosts8[a] > 0;
		total += p.hosts8[a];
		if (p.hosts8[a] > biggest)
			biggest = p.hosts8[a];
	}
	assert_int_equal(total, 50000);
	assert_true(used8 <= 100);
	assert_true(biggest > 50000 / 100 * 3); /* heavy-tailed: far above the mean /8 */
	/* Addresses: distinct, in their /16, found again. */
	for (uint32_t h = 0; h < p.n_hosts; h += 7) {
		uint32_t a = ws_sim_pop_addr(&p, h);
		assert_int_equal(a >> 16, p.groups[p.host_group[h]].prefix16);
		assert_int_equal(ws_sim_pop_find(&p, a), (long)h);
	}
	assert_int_equal(ws_sim_pop_find(&p, 44u << 24 | 5), -1);
	ws_sim_pop_free(&p);
}

static void test_file_population(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("code-red", 1, 6, 1);
	const char *path = sim_tmpfile(2, "# prefixes with counts\n24.12.0.0/16 300\n"
					  "24.0.0.0/8 1000\n61.2.3.0/24 200\n");
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	struct ws_sim_pop p;
	struct ws_err e;
	assert_int_equal(ws_sim_pop_build(&p, &sc.pop, 1, &e), 0);
	assert_int_equal(p.n_hosts, 1500);
	assert_int_equal(p.hosts8[24], 1300);
	assert_int_equal(p.hosts8[61], 200);
	ws_sim_pop_free(&p);
	unlink(path);
	path = sim_tmpfile(2, "24.12.0.0/16 300\n61.2.3.0/24 257\n");
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	assert_int_not_equal(ws_sim_pop_build(&p, &sc.pop, 1, &e), 0);
	assert_non_null(strstr(e.msg, ":2:"));
	unlink(path);
	path = sim_tmpfile(2, "24.12.0.0/16\n");
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	assert_int_not_equal(ws_sim_pop_build(&p, &sc.pop, 1, &e), 0);
	assert_non_null(strstr(e.msg, ":1:"));
	unlink(path);
}

/* ---- impossible configurations (issue 11) ------------------------------ */

/* Reads text as a config file over worm's defaults, then checks the
 * scenario. Returns the error with the file's path written as "F", or "". */
static const char *config_error(const char *worm, const char *text)
{
	static char out[1024];
	struct ws_sim_scenario sc;
	struct ws_err e;
	assert_int_equal(ws_sim_scenario_init(&sc, worm, &e), 0);
	const char *path = sim_tmpfile(3, text);
	int rc = ws_sim_scenario_load(&sc, path, &e);
	if (rc == 0)
		rc = ws_sim_scenario_check(&sc, &e);
	out[0] = 0;
	if (rc != 0) {
		size_t n = 0, pl = strlen(path);
		for (const char *m = e.msg; *m && n + 2 < sizeof(out);) {
			if (strncmp(m, path, pl) == 0) {
				out[n++] = 'F';
				m += pl;
			} else {
				out[n++] = *m++;
			}
		}
		out[n] = 0;
		assert_true(out[0] != 0);
	}
	unlink(path);
	return out;
}

/* The same through ws_sim_scenario_set: the error of setting key = value. */
static const char *set_error(const char *worm, const char *key, const char *value)
{
	static struct ws_err e;
	struct ws_sim_scenario sc;
	assert_int_equal(ws_sim_scenario_init(&sc, worm, &e), 0);
	if (ws_sim_scenario_set(&sc, key, value, &e) == 0)
		return "";
	return e.msg;
}

static void test_repeated_key(void **state)
{
	(void)state;
	assert_string_equal(config_error("code-red", "# x\nseed = 1\ninitial = 2\n\n\n\ninitial = 3\n"),
			    "F:7: initial: repeated (first set on line 3)");
	assert_string_equal(config_error("code-red", "worm = nimda\nworm = nimda\n"),
			    "F:2: worm: repeated (first set on line 1)");
	/* telescope is the repeatable key, but not with the same prefix twice */
	assert_string_equal(config_error("code-red", "telescope = 44.0.0.0/8\ntelescope = 24.0.0.0/16\n"),
			    "");
	assert_string_equal(config_error("code-red", "telescope = 44.0.0.0/8\n# \ntelescope = 44.0.0.0/8\n"),
			    "F:3: telescope: 44.0.0.0/8 repeated (first set on line 1)");
	assert_string_equal(config_error("code-red", "telescope = none\ntelescope = 44.0.0.0/8\n"),
			    "F:2: telescope: a prefix and none (line 1) both given");
	/* worm resets every key: one set before it would be lost */
	assert_string_equal(config_error("code-red", "seed = 3\nworm = nimda\n"),
			    "F:2: worm: must come first (it resets every key; seed is set on line 1)");
}

static void test_initial_and_vulnerable(void **state)
{
	(void)state;
	/* The later of the two keys is named, with both values. */
	assert_string_equal(config_error("code-red", "vulnerable = 10\nduration_h = 1\ninitial = 20\n"),
			    "F:3: initial = 20 is more than vulnerable = 10 (vulnerable on line 1)");
	assert_string_equal(config_error("code-red", "initial = 20\nvulnerable = 10\n"),
			    "F:2: initial = 20 is more than vulnerable = 10 (initial on line 1)");
	assert_string_equal(config_error("code-red", "initial = 400000\n"),
			    "F:1: initial = 400000 is more than vulnerable = 360000 (vulnerable by default)");
	assert_string_equal(config_error("code-red", "vulnerable = 10\ninitial = 10\n"), "");
	assert_string_equal(config_error("code-red", "initial = 0\n"),
			    "F:1: initial: 0 is out of range (want >= 1)");
	assert_string_equal(config_error("code-red", "vulnerable = 0\n"),
			    "F:1: vulnerable: 0 is out of range (want 1 to 200000000)");
	/* The hit-list is drawn among the hosts not infected at the start. */
	assert_string_equal(config_error("warhol", "vulnerable = 5000\n"),
			    "F:1: hitlist = 10000 is more than vulnerable - initial = 4999 "
			    "(hitlist by default, initial by default)");
	/* Set in code, the scenario has no lines to name. */
	struct ws_sim_scenario sc;
	struct ws_err e;
	ws_sim_scenario_init(&sc, "code-red", &e);
	sc.pop.vulnerable = 10;
	sc.initial = 20;
	assert_int_not_equal(ws_sim_scenario_check(&sc, &e), 0);
	assert_string_equal(e.msg, "initial = 20 is more than vulnerable = 10");
	sc.initial = 0;
	assert_int_not_equal(ws_sim_scenario_check(&sc, &e), 0);
	assert_string_equal(e.msg, "initial: 0 is out of range (want >= 1)");
}

static void test_probabilities(void **state)
{
	(void)state;
	assert_string_equal(config_error("code-red-ii", "p_any = 0.5\np_same8 = 0.3\np_same16 = 0.1\n"),
			    "F:3: p_any + p_same8 + p_same16 = 0.9 (0.5 + 0.3 + 0.1), want 1 within 1e-06 "
			    "(p_any on line 1, p_same8 on line 2)");
	assert_string_equal(config_error("code-red-ii", "p_same16 = 0.5\n"),
			    "F:1: p_any + p_same8 + p_same16 = 1.125 (0.125 + 0.5 + 0.5), want 1 within 1e-06 "
			    "(p_any by default, p_same8 by default)");
	/* Within the tolerance. */
	assert_string_equal(config_error("code-red-ii", "p_any = 0.3333333\np_same8 = 0.3333333\n"
							"p_same16 = 0.3333333\n"),
			    "");
	assert_string_equal(config_error("code-red-ii", "p_any = 1.5\n"),
			    "F:1: p_any: 1.5 is out of range (want 0 to 1)");
	assert_string_equal(set_error("code-red-ii", "p_same8", "-0.25"),
			    "p_same8: -0.25 is out of range (want 0 to 1)");
	/* A mix then a strategy that has none. */
	assert_string_equal(config_error("code-red-ii", "p_any = 0.25\np_same8 = 0.25\np_same16 = 0.5\n"
							"strategy = uniform\n"),
			    "F:4: strategy: uniform has no local-preference mix, but p_any = 0.25 is set "
			    "on line 1");
	/* The other way round: a mix for a strategy without one. */
	assert_string_equal(config_error("code-red", "p_any = 0.5\np_same8 = 0.5\n"),
			    "F:2: p_same8 = 0.5 needs strategy = local-preference, not uniform "
			    "(p_any on line 1, strategy by default)");
}

static void test_rates_and_times(void **state)
{
	(void)state;
	assert_string_equal(config_error("code-red", "scan_rate = -1\n"),
			    "F:1: scan_rate: -1 is out of range (want 0 to 1e+07)");
	assert_string_equal(config_error("code-red", "probe_time_s = -20\n"),
			    "F:1: probe_time_s: -20 is out of range (want >= 0)");
	assert_string_equal(config_error("code-red", "duration_h = 0\n"),
			    "F:1: duration_h: 0 is out of range (want > 0 and <= 9600)");
	assert_string_equal(config_error("code-red", "duration_h = inf\n"),
			    "F:1: duration_h: 'inf' is not a finite number");
	assert_string_equal(config_error("code-red", "lifetime_h = -1\n"),
			    "F:1: lifetime_h: -1 is out of range (want >= 0)");
	assert_string_equal(config_error("code-red", "dhcp_churn_h = -24\n"),
			    "F:1: dhcp_churn_h: -24 is out of range (want >= 0)");
	assert_string_equal(config_error("code-red", "night_utc_offset_h = 100\n"),
			    "F:1: night_utc_offset_h: 100 is out of range (want -24 to 24)");
	assert_string_equal(config_error("code-red", "pop_pareto16 = 0.001\n"),
			    "F:1: pop_pareto16: 0.001 is out of range (want >= 0.1)");
	assert_string_equal(config_error("code-red", "interval_s = 0.5\n"),
			    "F:1: interval_s: 0.5 is out of range (want >= 1)");
	assert_string_equal(config_error("code-red", "duration_h = 9600\ninterval_s = 1\n"),
			    "F:2: duration_h * 3600 / interval_s = 34560000 rows, want at most 5000000 "
			    "(duration_h on line 1)");
	/* scan_rate 0 means threads / probe_time_s: both are needed. */
	assert_string_equal(config_error("code-red", "scan_rate = 0\nprobe_time_s = 0\n"),
			    "F:2: scan_rate = 0 means threads / probe_time_s, but probe_time_s = 0 "
			    "(scan_rate on line 1, threads by default)");
	assert_string_equal(config_error("code-red", "threads = 1000000000\nprobe_time_s = 1\n"),
			    "F:2: threads / probe_time_s = 1e+09 probes/s, want at most 1e+07 "
			    "(threads on line 1, scan_rate by default)");
	/* patch_curve: finite, rising hours from 0, shares that never fall */
	assert_string_equal(config_error("code-red", "patch_curve = 0:0,nan:0.5\n"),
			    "F:1: patch_curve: want up to 16 HOURS:SHARE pairs, hours >= 0 and rising, "
			    "shares 0..1 and never falling, got '0:0,nan:0.5'");
	assert_string_equal(config_error("code-red", "patch_curve = 0:0.5,10:0.2\n"),
			    "F:1: patch_curve: want up to 16 HOURS:SHARE pairs, hours >= 0 and rising, "
			    "shares 0..1 and never falling, got '0:0.5,10:0.2'");
	assert_string_equal(config_error("code-red", "patch_curve = -1:0.5\n"),
			    "F:1: patch_curve: want up to 16 HOURS:SHARE pairs, hours >= 0 and rising, "
			    "shares 0..1 and never falling, got '-1:0.5'");
	assert_string_equal(config_error("code-red", "patch_rate_h = 0.1\npatch_start_h = 0\n"
						     "patch_curve = 0:0,10:0.5\n"),
			    "F:3: patch_curve and patch_rate_h (from patch_start_h = 0) both patch: set one "
			    "(patch_rate_h on line 1, patch_start_h on line 2)");
	/* Dates: real days, and an expiry after the start. */
	assert_string_equal(config_error("code-red", "expiry = 2001-02-30\n"),
			    "F:1: expiry: '2001-02-30' is not a real date (YYYY-MM-DD) or none");
	assert_string_equal(config_error("code-red", "start = 2001-06-31T00:00:00Z\n"),
			    "F:1: start: '2001-06-31T00:00:00Z' is not a real time, ISO 8601 UTC (e.g. "
			    "2001-07-19T10:00:00Z)");
	assert_string_equal(config_error("code-red", "expiry = 2001-07-01\n"),
			    "F:1: expiry 2001-07-01 is not after start 2001-07-19T10:00:00Z: the worm "
			    "would never spread (start by default)");
	/* DHCP leases: at most 10000 per host over the run. */
	assert_string_equal(config_error("code-red", "dhcp_churn_h = 0.001\n"),
			    "F:1: duration_h / dhcp_churn_h = 24000 address leases per host, want at most "
			    "10000 (duration_h by default)");
}

static void test_telescopes(void **state)
{
	(void)state;
	assert_string_equal(config_error("code-red", "telescope = 44.1.0.0/8\n"),
			    "F:1: telescope: 44.1.0.0/8 has host bits set (the network is 44.0.0.0/8)");
	assert_string_equal(config_error("code-red", "telescope =\n"),
			    "F:1: telescope: no prefix given (want a CIDR or none)");
	assert_string_equal(set_error("code-red", "telescope", "300.1.0.0/8"),
			    "telescope: '300.1.0.0/8' is not an IPv4 CIDR");
	/* Inside space the worm never probes. */
	assert_string_equal(config_error("code-red-ii", "telescope = 127.0.0.0/16\n"),
			    "F:1: telescope 127.0.0.0/16 would see nothing: skip_reserved = true redraws "
			    "127/8 and 224/8 (skip_reserved by default)");
	assert_string_equal(config_error("code-red", "space_scale = 0.5\n# x\ntelescope = 200.0.0.0/8\n"),
			    "F:3: telescope 200.0.0.0/8 would see nothing: space_scale = 0.5 puts every "
			    "target below 128.0.0.0 (space_scale on line 1)");
	/* Telescopes keep hosts out: too wide a one leaves no room. */
	assert_string_equal(config_error("code-red", "telescope = 0.0.0.0/1\n"),
			    "F:1: the telescopes leave 96 /8s for the synthetic population, fewer than "
			    "pop_slash8 = 100 (pop_slash8 by default)");
	assert_string_equal(config_error("code-red", "telescope = 0.0.0.0/0\n"),
			    "F:1: the telescopes leave 0 /8s for the synthetic population, fewer than "
			    "pop_slash8 = 100 (pop_slash8 by default)");
}

static void test_space(void **state)
{
	(void)state;
	assert_string_equal(config_error("custom", "space_scale = 0.00005\n"),
			    "F:1: vulnerable = 360000 is more than the 214748 addresses of the space "
			    "(space_scale = 5e-05, skip_reserved = false) (vulnerable by default, "
			    "skip_reserved by default)");
	assert_string_equal(config_error("custom", "vulnerable = 1000\nskip_reserved = true\n"
						   "space_scale = 0.0078125\n"),
			    "F:3: vulnerable = 1000 is more than the 0 addresses of the space "
			    "(space_scale = 0.0078125, skip_reserved = true) (vulnerable on line 1, "
			    "skip_reserved on line 2)");
	assert_string_equal(config_error("code-red", "vulnerable = 30000000\npop_slash8 = 1\n"),
			    "F:2: vulnerable = 30000000 does not fit in pop_slash8 = 1 /8s of 16777216 "
			    "addresses (vulnerable on line 1)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worm_defaults),
		cmocka_unit_test(test_behaviour_only_outside_detection),
		cmocka_unit_test(test_config_round_trip),
		cmocka_unit_test(test_config_errors_name_line),
		cmocka_unit_test(test_synthetic_population),
		cmocka_unit_test(test_file_population),
		cmocka_unit_test(test_repeated_key),
		cmocka_unit_test(test_initial_and_vulnerable),
		cmocka_unit_test(test_probabilities),
		cmocka_unit_test(test_rates_and_times),
		cmocka_unit_test(test_telescopes),
		cmocka_unit_test(test_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
