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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worm_defaults),
		cmocka_unit_test(test_behaviour_only_outside_detection),
		cmocka_unit_test(test_config_round_trip),
		cmocka_unit_test(test_config_errors_name_line),
		cmocka_unit_test(test_synthetic_population),
		cmocka_unit_test(test_file_population),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
