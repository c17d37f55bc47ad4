/* SPDX-License-Identifier: MIT */
/* The fast engine (sim/engine.c, sim/run.c): determinism, the strategies'
 * class mixes, the calendar, host life, each defence's direction, the
 * samplers. Scaled down: small populations at high rates over short runs, so
 * that the sanitized build stays well under a few seconds; each comparison
 * uses the same seeds on both sides, and a margin far above seed noise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/engine.h"
#include "sim/rand.h"
#include "simtest.h"
#include "util/time.h"

static void test_same_seed_same_outbreak(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("code-red-ii", 5000, 20, 3);
	sc.n_telescopes = 1;
	sc.tel[0] = (struct ws_sim_telescope){44u << 24, 8};
	struct ws_sim_result a = sim_once(&sc, 9), b = sim_once(&sc, 9), c = sim_once(&sc, 10);
	assert_int_equal(a.s.n, b.s.n);
	assert_memory_equal(a.s.infected, b.s.infected, a.s.n * sizeof(double));
	assert_memory_equal(a.s.tel_sources, b.s.tel_sources, a.s.n * sizeof(double));
	assert_memory_equal(a.s.tel_probes, b.s.tel_probes, a.s.n * sizeof(double));
	assert_true(memcmp(a.s.infected, c.s.infected, a.s.n * sizeof(double)) != 0);
	ws_sim_result_free(&a);
	ws_sim_result_free(&b);
	ws_sim_result_free(&c);
}

/* Two /16s in two /8s: which hosts get infected shows the class mix. */
static const char *two_sixteens(void)
{
	return sim_tmpfile(0, "24.1.0.0/16 2000\n24.2.0.0/16 2000\n61.1.0.0/16 2000\n");
}

static void test_local_classes_stay_local(void **state)
{
	(void)state;
	const char *path = two_sixteens();
	struct ws_sim_scenario sc = sim_small("code-red-ii", 1, 400, 1);
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	sc.worm.lifetime_h = 0;
	/* Only the own /16: one /16's 2000 hosts at most. */
	sc.worm.p_any = 0, sc.worm.p_same8 = 0, sc.worm.p_same16 = 1;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct ws_sim_result r = sim_once(&sc, seed);
		assert_true(r.sum.ever_infected <= 2000);
		assert_true(r.sum.ever_infected > 1900); /* 400/s over 2^16: all within the hour */
		ws_sim_result_free(&r);
	}
	/* Only the own /8: the seed's /8 at most (4000 in 24/8 or 2000 in 61/8). */
	sc.worm.p_same8 = 1, sc.worm.p_same16 = 0;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct ws_sim_result r = sim_once(&sc, seed);
		assert_true(r.sum.ever_infected <= 4000);
		ws_sim_result_free(&r);
	}
	/* Uniform at a tenth of the rate reaches almost nobody in an hour: 6000
	 * hosts in 2^32 addresses, K = 40 * 6000 / 2^32 = 0.2/h. */
	sc.worm.p_any = 1, sc.worm.p_same8 = 0;
	sc.worm.scan_rate = 40;
	struct ws_sim_result r = sim_once(&sc, 1);
	assert_true(r.sum.ever_infected < 10);
	ws_sim_result_free(&r);
	unlink(path);
}

/* Shared /16 uplinks (link16_rate): all the infected hosts of one /16 send
 * together what its link carries, so with three /16s the probes into a /8
 * telescope level off at 3 x link16_rate / 256 per second, however many
 * hosts are infected; without the links they grow with every host. */
static void test_shared_uplinks_level_off(void **state)
{
	(void)state;
	const char *path = two_sixteens();
	const double rate = 400000, per_interval = 3 * rate * 60 / 256;
	struct ws_sim_scenario sc = sim_small("slammer", 1, rate, 4);
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	sc.interval_s = 60;
	sc.n_telescopes = 1;
	sc.tel[0] = (struct ws_sim_telescope){44u << 24, 8};
	sc.worm.link16_rate = rate;
	struct ws_sim_result r = sim_once(&sc, 3);
	size_t n = r.s.n;
	assert_true(r.sum.ever_infected > 5900);
	for (size_t j = 0; j < n; j++)
		assert_true(r.s.tel_probes[j] < 1.05 * per_interval);
	assert_true(r.s.tel_probes[n - 1] > 0.95 * per_interval);
	ws_sim_result_free(&r);
	sc.worm.link16_rate = 0;
	r = sim_once(&sc, 3);
	assert_true(r.s.tel_probes[r.s.n - 1] > 100 * per_interval);
	ws_sim_result_free(&r);
	/* Refused where the rate is not one per host, or the scanning not uniform. */
	struct ws_err e;
	sc = sim_small("code-red-ii", 1000, 10, 1);
	sc.worm.link16_rate = 10;
	assert_int_not_equal(ws_sim_scenario_check(&sc, &e), 0);
	assert_non_null(strstr(e.msg, "link16_rate"));
	unlink(path);
}

static void test_code_red_calendar(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("code-red", 20000, 2000, 10);
	sc.worm.calendar = WS_SIM_CAL_CODE_RED;
	sc.start = ws_days_from_civil(2001, 7, 19) * 86400 + 20 * 3600; /* 20:00 UTC */
	assert_true(ws_sim_active(&sc, 0) == 1.0);
	assert_true(ws_sim_active(&sc, 4 * 3600.0 + 1) == 0.0); /* 20 July */
	assert_true(ws_sim_next_break(&sc, 0) == 4 * 3600.0);
	struct ws_sim_result r = sim_once(&sc, 3);
	/* Intervals of 600 s: nothing new from 00:00 UTC 20 July (interval 24). */
	double after = 0, before = 0;
	for (size_t j = 0; j < r.s.n; j++) {
		if (j >= 24)
			after += r.s.new_infections[j];
		else
			before += r.s.new_infections[j];
	}
	assert_true(before > 1);
	assert_true(after == 0);
	ws_sim_result_free(&r);
	/* Back on the 1st of the month. */
	sc.start = ws_days_from_civil(2001, 7, 31) * 86400 + 23 * 3600;
	assert_true(ws_sim_active(&sc, 0) == 0.0);
	assert_true(ws_sim_active(&sc, 3601) == 1.0);
	/* Expiry. */
	sc.worm.calendar = WS_SIM_CAL_NONE;
	sc.worm.expiry = sc.start + 1800;
	assert_true(ws_sim_active(&sc, 1799) == 1.0 && ws_sim_active(&sc, 1800) == 0.0);
	/* Night: a share switched off from 22:00 to 06:00 local. */
	sc.worm.expiry = 0;
	sc.worm.night_off = 0.25;
	sc.worm.night_utc_offset_h = 0;
	assert_true(ws_sim_active(&sc, 0) == 0.75);            /* 23:00 */
	assert_true(ws_sim_active(&sc, 8 * 3600.0) == 1.0);   /* 07:00 */
}

static void test_host_life(void **state)
{
	(void)state;
	/* Code Red II-like lifetime of 1 h, not reinfectable: hosts end up removed. */
	struct ws_sim_scenario sc = sim_small("custom", 5000, 0, 4);
	sc.worm.scan_rate = 300000; /* saturates within minutes */
	sc.worm.lifetime_h = 1;
	sc.worm.reinfectable = false;
	struct ws_sim_result r = sim_once(&sc, 1);
	size_t last = r.s.n - 1;
	assert_true(r.s.removed[last] > 4900);
	assert_true(r.s.infected[last] < 100);
	ws_sim_result_free(&r);
	/* Memory-only with random reboots: rebooted hosts are infected again, so
	 * more episodes than hosts, and all hosts stay in play. */
	sc.worm.lifetime_h = 0;
	sc.worm.reboot_mean_h = 0.5;
	sc.worm.reinfectable = true;
	r = sim_once(&sc, 1);
	assert_true(r.sum.events > 2 * r.sum.ever_infected);
	assert_true(r.s.removed[last] == 0);
	ws_sim_result_free(&r);
	/* Chinese hosts live twice as long. */
	sc.worm.reboot_mean_h = 0;
	sc.worm.reinfectable = false;
	sc.worm.lifetime_h = 1;
	sc.worm.chinese_share = 1.0;
	sc.worm.chinese_lifetime_h = 3;
	sc.duration_h = 2;
	r = sim_once(&sc, 1);
	assert_true(r.s.removed[r.s.n - 1] == 0);
	ws_sim_result_free(&r);
}

/* Every defence lowers the number of hosts ever infected, seed for seed. */
static void test_defences_slow_the_worm(void **state)
{
	(void)state;
	const char *path = two_sixteens();
	struct ws_sim_scenario base = sim_small("code-red-ii", 1, 5, 0.25);
	snprintf(base.pop.file, sizeof(base.pop.file), "%s", path);
	base.worm.lifetime_h = 0;
	double b = sim_mean_ever(&base, 4);
	assert_true(b > 1500);
	struct ws_sim_scenario s;
	s = base, s.def.patch_rate_h = 20, s.def.patch_start_h = 0;
	assert_true(sim_mean_ever(&s, 4) < 0.8 * b);
	s = base, s.def.n_patch_curve = 2, s.def.patch_curve_h[0] = 0, s.def.patch_curve_share[0] = 0.5,
	s.def.patch_curve_h[1] = 0.5, s.def.patch_curve_share[1] = 0.9;
	assert_true(sim_mean_ever(&s, 4) < 0.6 * b);
	s = base, s.def.content_filter_share = 0.8, s.def.content_filter_start_h = 0;
	assert_true(sim_mean_ever(&s, 4) < 0.8 * b);
	s = base, s.def.blacklist_share = 1, s.def.blacklist_start_h = 0, s.def.blacklist_delay_s = 60;
	assert_true(sim_mean_ever(&s, 4) < 0.9 * b);
	s = base, s.def.tarpit_share = 0.5, s.def.tarpit_start_h = 0, s.def.tarpit_hold_s = 3600;
	assert_true(sim_mean_ever(&s, 4) < 0.5 * b);
	s = base, s.def.throttle_rate = 0.5, s.def.throttle_start_h = 0;
	assert_true(sim_mean_ever(&s, 4) < 0.8 * b);
	s = base, s.def.egress_share = 0.9, s.def.egress_start_h = 0;
	assert_true(sim_mean_ever(&s, 4) < 0.9 * b);
	/* A defence that starts after the run changes nothing (but the random
	 * stream: its hosts are drawn, so only the distribution is the same). */
	s = base, s.def.throttle_rate = 0.5, s.def.throttle_start_h = 100;
	double late = sim_mean_ever(&s, 8), b8 = sim_mean_ever(&base, 8);
	assert_true(late > 0.8 * b8 && late < 1.25 * b8);
	unlink(path);
}

static void test_strategies_run(void **state)
{
	(void)state;
	/* Permutation without replacement is at least as fast as uniform. */
	struct ws_sim_scenario u = sim_small("custom", 3000, 0, 2), p;
	u.pop.space_scale = 1.0 / 4096;
	u.worm.scan_rate = 2;
	p = u;
	p.worm.strategy = WS_SIM_PERMUTATION;
	assert_true(sim_mean_ever(&p, 4) >= 0.95 * sim_mean_ever(&u, 4));
	/* Hit-list: the list is infected at once. */
	p.worm.hitlist = 1000;
	struct ws_sim_result r = sim_once(&p, 1);
	assert_true(r.s.infected[0] >= 1000);
	ws_sim_result_free(&r);
	/* Sequential: walkers infect, and only forward of their start. */
	struct ws_sim_scenario q = sim_small("custom", 2000, 0, 0.25);
	q.worm.strategy = WS_SIM_SEQUENTIAL;
	q.worm.scan_rate = 200000;
	q.initial = 20;
	r = sim_once(&q, 2);
	assert_true(r.sum.ever_infected > 20);
	ws_sim_result_free(&r);
	/* The shared fixed sequence grows linearly: one walker's front. */
	q.worm.strategy = WS_SIM_FIXED_SEQUENCE;
	q.worm.scan_rate = 20000;
	q.initial = 1;
	q.pop.vulnerable = 20000;
	q.duration_h = 1;
	r = sim_once(&q, 2);
	double expect = 20000.0 * 20000 * 3600 / 4294967296.0; /* hosts passed in an hour */
	assert_true(r.sum.ever_infected > 0.7 * expect && r.sum.ever_infected < 1.3 * expect);
	ws_sim_result_free(&r);
}

static void test_telescope_counts(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("custom", 3000, 0, 1);
	sc.pop.space_scale = 1.0 / 4096;
	sc.worm.scan_rate = 3;
	sc.interval_s = 60;
	sc.n_telescopes = 2;
	sc.tel[0] = (struct ws_sim_telescope){0, 12};            /* 1/4096 of 2^32: all of it */
	sc.tel[1] = (struct ws_sim_telescope){0, 24};
	struct ws_sim_result r = sim_once(&sc, 4);
	double ever = r.sum.ever_infected, probes = 0, small = 0;
	/* The scaled space is the /12 telescope, so every probe lands in it:
	 * probes = r * infected-seconds, and every host is seen. */
	for (size_t j = 0; j < r.s.n; j++) {
		assert_true(r.s.tel_probes[j] >= r.s.tel_sources[j]);
		assert_true(r.s.tel_sources[j] >= r.s.tel_new_sources[j]);
		probes += r.s.tel_probes[j];
		small += r.s.tel_new_sources[r.s.n + j];
	}
	assert_true(r.sum.tel_sources_total[0] >= ever - 5);
	assert_true(small < r.sum.tel_sources_total[0]);
	double inf_seconds = 0;
	for (size_t j = 0; j < r.s.n; j++)
		inf_seconds += r.s.infected[j] * 60;
	assert_true(fabs(probes - 3 * inf_seconds) < 0.1 * 3 * inf_seconds);
	ws_sim_result_free(&r);
}

/* Local preference and telescopes: a /16 telescope in the hosts' own /8
 * gets their same-/8 probes (1/2 of all, over 2^24 addresses), one in
 * another /8 only the uniform eighth over 2^32: 128 times fewer (the
 * telescope consequence of Code Red II's preference, [Friedl01], [CAIDA-IMW02]). */
static void test_telescope_sees_locality(void **state)
{
	(void)state;
	const char *path = sim_tmpfile(1, "24.12.0.0/16 1000\n");
	struct ws_sim_scenario sc = sim_small("code-red-ii", 1, 5, 2);
	snprintf(sc.pop.file, sizeof(sc.pop.file), "%s", path);
	sc.worm.lifetime_h = 0;
	sc.n_telescopes = 2;
	sc.tel[0] = (struct ws_sim_telescope){24u << 24 | 13u << 16, 16};
	sc.tel[1] = (struct ws_sim_telescope){61u << 24 | 13u << 16, 16};
	struct ws_sim_result r = sim_once(&sc, 6);
	double near = 0, far = 0;
	for (size_t j = 0; j < r.s.n; j++) {
		near += r.s.tel_probes[j];
		far += r.s.tel_probes[r.s.n + j];
	}
	/* Infected-seconds times rate times the class share over its space. */
	double inf_s = 0;
	for (size_t j = 0; j < r.s.n; j++)
		inf_s += r.s.infected[j] * sc.interval_s;
	double want_near = inf_s * sc.worm.scan_rate * (0.5 * 65536 / 16777216.0 + 0.125 * 65536 / (4294967296.0 - 2 * 16777216.0));
	assert_true(near > 0.8 * want_near && near < 1.25 * want_near);
	assert_true(far < near / 50);
	ws_sim_result_free(&r);
	unlink(path);
}

/* DHCP churn: each new lease is a new source, so a telescope counts more
 * sources than hosts (CAIDA's August inflation); without churn, never more. */
static void test_dhcp_churn_inflates_sources(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("custom", 3000, 0, 6);
	sc.pop.space_scale = 1.0 / 4096;
	sc.worm.scan_rate = 3;
	sc.pop.cable_share = 1.0; /* with one /8 left for the rest */
	sc.n_telescopes = 1;
	sc.tel[0] = (struct ws_sim_telescope){0, 12};
	struct ws_sim_result r = sim_once(&sc, 5);
	assert_true(r.sum.tel_sources_total[0] <= r.sum.ever_infected);
	ws_sim_result_free(&r);
	sc.dhcp_churn_h = 1;
	r = sim_once(&sc, 5);
	assert_true(r.sum.tel_sources_total[0] > 1.5 * r.sum.ever_infected);
	ws_sim_result_free(&r);
}

/* Ensembles: the band holds the median, for series and summary alike. */
static void test_ensemble_bands(void **state)
{
	(void)state;
	struct ws_sim_scenario sc = sim_small("custom", 3000, 0, 2);
	sc.pop.space_scale = 1.0 / 4096;
	sc.worm.scan_rate = 3;
	sc.runs = 9;
	struct ws_sim_ensemble x;
	struct ws_err e;
	assert_int_equal(ws_sim_run_ensemble(&sc, &x, NULL, &e), 0);
	assert_int_equal(x.runs, 9);
	for (size_t j = 0; j < x.med.s.n; j++)
		assert_true(x.lo.s.infected[j] <= x.med.s.infected[j] &&
			    x.med.s.infected[j] <= x.hi.s.infected[j]);
	assert_true(x.lo.sum.ever_infected <= x.med.sum.ever_infected &&
		    x.med.sum.ever_infected <= x.hi.sum.ever_infected);
	assert_true(x.lo.sum.t_pct[0] < x.hi.sum.t_pct[0]); /* seeds differ */
	ws_sim_ensemble_free(&x);
}

static void test_samplers(void **state)
{
	(void)state;
	struct ws_rng g;
	ws_rng_seed(&g, 1, 2);
	static const struct {
		uint64_t n;
		double p;
	} cases[] = {{10, 0.3}, {1000, 0.5}, {360000, 0.75}, {100000, 0.001}};
	for (size_t c = 0; c < 4; c++) {
		double s = 0, s2 = 0;
		int k = 4000;
		for (int i = 0; i < k; i++) {
			double x = (double)ws_rng_binomial(&g, cases[c].n, cases[c].p);
			assert_true(x <= (double)cases[c].n);
			s += x;
			s2 += x * x;
		}
		double mean = s / k, var = s2 / k - mean * mean;
		double em = (double)cases[c].n * cases[c].p, ev = em * (1 - cases[c].p);
		assert_true(fabs(mean - em) < 5 * sqrt(ev / k) + 1e-9);
		assert_true(fabs(var - ev) < 0.15 * ev + 1e-9);
	}
	static const double means[] = {0.5, 12, 300, 1e6};
	for (size_t c = 0; c < 4; c++) {
		double s = 0;
		int k = 4000;
		for (int i = 0; i < k; i++)
			s += (double)ws_rng_poisson(&g, means[c]);
		assert_true(fabs(s / k - means[c]) < 5 * sqrt(means[c] / k));
	}
	for (int i = 0; i < 1000; i++)
		assert_true(ws_rng_below(&g, 7) < 7);
	/* The ziggurat exponential: mean, variance and tail masses (the tail
	 * beyond 7.7 takes its own path). */
	double s = 0, s2 = 0, above1 = 0, above3 = 0, above8 = 0;
	int k = 400000;
	for (int i = 0; i < k; i++) {
		double x = ws_rng_exp(&g);
		assert_true(x >= 0);
		s += x;
		s2 += x * x;
		above1 += x > 1, above3 += x > 3, above8 += x > 8;
	}
	assert_true(fabs(s / k - 1) < 0.01);
	assert_true(fabs(s2 / k - 2) < 0.03);
	assert_true(fabs(above1 / k - exp(-1)) < 0.004);
	assert_true(fabs(above3 / k - exp(-3)) < 0.002);
	assert_true(fabs(above8 / k - exp(-8)) < 0.0002);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_outbreak),
		cmocka_unit_test(test_local_classes_stay_local),
		cmocka_unit_test(test_code_red_calendar),
		cmocka_unit_test(test_host_life),
		cmocka_unit_test(test_defences_slow_the_worm),
		cmocka_unit_test(test_strategies_run),
		cmocka_unit_test(test_telescope_counts),
		cmocka_unit_test(test_dhcp_churn_inflates_sources),
		cmocka_unit_test(test_telescope_sees_locality),
		cmocka_unit_test(test_ensemble_bands),
		cmocka_unit_test(test_samplers),
		cmocka_unit_test(test_shared_uplinks_level_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
