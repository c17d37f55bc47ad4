/* SPDX-License-Identifier: MIT */
/* Per-probe simulation (sim/probe.h): its building blocks and validation
 * targets of docs/sim-validation.md run probe by probe.
 * - #4: the Code Red II generator over 10^7 draws gives the classes 12.5 /
 *   50 / 37.5 % within 0.1 percentage points (measured on the class drawn),
 *   and never 127/8, 224/8 or the source itself.
 * - The vectorised run kernel gives the same class shares, seen as probe
 *   counts on telescopes in the source's /16, its /8 and a foreign /8.
 * - The vulnerable-address index answers exactly like a binary search.
 * - #1 and #2 probe by probe, scaled down: N = 2,000 hosts in a space of
 *   2^16 addresses at r = 1.8 h^-1 * 2^16 / N. K = r N / space is the same
 *   1.80 h^-1 as r = 358/min, N = 360,000, space 2^32, and the logistic
 *   timings depend on K alone; medians of 20 seeds.
 * - Exact samplers (Poisson, Beta) by their moments; same seed, same run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/probe.h"

static void assert_close(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.6g, want %.6g +- %.3g", got, want, tol);
}

static void test_rng_streams(void **state)
{
	(void)state;
	struct ws_probe_rng a, b, c;
	ws_probe_rng_seed(&a, 42, 1);
	ws_probe_rng_seed(&b, 42, 1);
	ws_probe_rng_seed(&c, 42, 2);
	uint32_t x[64], y[64], z[64];
	ws_probe_rng_fill(&a, x, 64);
	for (int i = 0; i < 64; i++)
		y[i] = ws_probe_rng_u32(&b); /* the scalar draws are the same stream */
	ws_probe_rng_fill(&c, z, 64);
	assert_memory_equal(x, y, sizeof x);
	int same = 0;
	for (int i = 0; i < 64; i++)
		same += x[i] == z[i];
	assert_true(same < 2);
	/* Every bit is set about half the time. */
	enum { N = 1 << 16 };
	uint32_t *v = malloc(N * sizeof *v);
	assert_non_null(v);
	ws_probe_rng_fill(&a, v, N);
	for (int bit = 0; bit < 32; bit++) {
		long ones = 0;
		for (int i = 0; i < N; i++)
			ones += (v[i] >> bit) & 1;
		assert_close((double)ones / N, 0.5, 5 * 0.5 / sqrt(N));
	}
	double sum = 0;
	for (int i = 0; i < N; i++) {
		double u = ws_probe_rng_unit(&a);
		assert_true(u >= 0 && u < 1);
		sum += u;
	}
	assert_close(sum / N, 0.5, 5 * sqrt(1.0 / 12 / N));
	free(v);
}

/* #4: 10^7 Code Red II draws from sources across the space, including ones
 * whose own /8 or /16 borders 127/8 and 224/8. */
static void test_code_red_ii_classes(void **state)
{
	(void)state;
	static const uint32_t src[] = {0x01020304u, 0x7e000001u, 0x80000000u, 0xdfffffffu,
				       0x18a0b0c0u, 0xc0a80101u};
	struct ws_probe_rng g;
	ws_probe_rng_seed(&g, 2001, 8);
	long count[3] = {0, 0, 0}, total = 0, wrong = 0;
	const long draws = 10000000;
	for (long i = 0; i < draws; i++) {
		uint32_t s = src[i % 6];
		enum ws_probe_class c;
		uint32_t t = ws_probe_local_draw(&g, WS_PROBE_MIX_CODE_RED_II, s, &c);
		wrong += t == s || t >> 24 == 127 || t >> 24 == 224 ||
			 (c == WS_PROBE_SAME8 && t >> 24 != s >> 24) ||
			 (c == WS_PROBE_SAME16 && t >> 16 != s >> 16);
		count[c]++;
		total++;
	}
	assert_int_equal(wrong, 0);
	print_message("classes over %ld draws: %.4f / %.4f / %.4f %%\n", total,
		      100.0 * count[0] / total, 100.0 * count[1] / total, 100.0 * count[2] / total);
	/* 0.1 pp is 10 standard errors of a 10^7-draw share. */
	assert_close(100.0 * count[WS_PROBE_ANY] / total, 12.5, 0.1);
	assert_close(100.0 * count[WS_PROBE_SAME8] / total, 50.0, 0.1);
	assert_close(100.0 * count[WS_PROBE_SAME16] / total, 37.5, 0.1);
	assert_true(ws_probe_skipped(0x7f000001u) && ws_probe_skipped(0xe0000001u));
	assert_false(ws_probe_skipped(0x80000001u) || ws_probe_skipped(0xdf000001u));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void test_index_exact(void **state)
{
	(void)state;
	enum { N = 20000 };
	uint32_t *addr = malloc(N * sizeof *addr), *sorted = malloc(N * sizeof *sorted);
	assert_non_null(addr);
	assert_non_null(sorted);
	struct ws_probe_rng g;
	ws_probe_rng_seed(&g, 5, 5);
	/* Half spread over the space, half packed into a few /24s, plus both ends. */
	size_t n = 0;
	addr[n++] = 0;
	addr[n++] = 0xffffffffu;
	for (uint32_t i = 0; n < N / 2; i++)
		addr[n++] = 0x0a000000u + i * 7919u * 256u; /* distinct /24s */
	for (uint32_t i = 0; n < N; i++)
		addr[n++] = 0xc0000000u + i; /* whole /24s */
	memcpy(sorted, addr, sizeof *addr * N);
	qsort(sorted, N, sizeof *sorted, cmp_u32);
	for (size_t i = 1; i < N; i++)
		assert_true(sorted[i] != sorted[i - 1]);
	struct ws_err e;
	struct ws_probe_index *x = ws_probe_index_new(addr, N, &e);
	assert_non_null(x);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ws_probe_index_find(x, addr[i]), (long)i);
		for (int d = -1; d <= 1; d += 2) {
			uint32_t a = addr[i] + (uint32_t)d;
			int in = bsearch(&a, sorted, N, sizeof *sorted, cmp_u32) != NULL;
			long h = ws_probe_index_find(x, a);
			assert_int_equal(h >= 0, in);
			if (in)
				assert_int_equal(addr[h], a);
		}
	}
	for (int i = 0; i < 200000; i++) {
		uint32_t a = ws_probe_rng_u32(&g);
		int in = bsearch(&a, sorted, N, sizeof *sorted, cmp_u32) != NULL;
		assert_int_equal(ws_probe_index_find(x, a) >= 0, in);
	}
	assert_true(ws_probe_index_bytes(x) > 2u << 20);
	ws_probe_index_free(x);
	/* A repeated address is refused, named. */
	addr[7] = addr[3];
	assert_null(ws_probe_index_new(addr, N, &e));
	assert_non_null(strstr(e.msg, "listed twice"));
	free(addr);
	free(sorted);
}

static void test_samplers(void **state)
{
	(void)state;
	struct ws_probe_rng g;
	ws_probe_rng_seed(&g, 9, 9);
	static const double means[] = {0.3, 3.5, 25, 1e4, 1e9};
	for (size_t k = 0; k < sizeof means / sizeof *means; k++) {
		const int n = 20000;
		double s = 0, ss = 0;
		for (int i = 0; i < n; i++) {
			double v = (double)ws_probe_poisson(&g, means[k]);
			s += v;
			ss += v * v;
		}
		double m = s / n, var = ss / n - m * m;
		assert_close(m, means[k], 5 * sqrt(means[k] / n));
		assert_close(var / means[k], 1.0, 0.06);
	}
	assert_int_equal(ws_probe_poisson(&g, 0), 0);
	static const double ab[][2] = {{1, 1}, {2, 5}, {0.5, 0.5}, {1, 1e8}, {3e7, 1e7}};
	for (size_t k = 0; k < sizeof ab / sizeof *ab; k++) {
		const int n = 20000;
		double a = ab[k][0], b = ab[k][1], want = a / (a + b);
		double sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
		double s = 0;
		for (int i = 0; i < n; i++) {
			double v = ws_probe_beta(&g, a, b);
			assert_true(v >= 0 && v <= 1);
			s += v;
		}
		assert_close(s / n, want, 5 * sd / sqrt(n));
	}
}

/* One infected host at 24.160.176.192 and nothing else vulnerable: its
 * probes are counted by telescopes on its /16, its /8 and a foreign /8.
 * Kept uniform draws avoid 127/8 and 224/8, so a given other /8 gets 1/254
 * of them. Shares per probe: own /16 3/8 + 1/2 / 256 + 1/8 / (254 * 256);
 * own /8 3/8 + 1/2 + 1/8 / 254; foreign /8 1/8 / 254. */
static void test_run_local_classes(void **state)
{
	(void)state;
	uint32_t self = 0x18a0b0c0u;
	uint32_t init = 0;
	const struct ws_probe_telescope tel[3] = {
		{0x18a00000u, 0xffff0000u}, /* own /16 */
		{0x18000000u, 0xff000000u}, /* own /8 (its /16 included) */
		{0x2c000000u, 0xff000000u}, /* foreign /8 */
	};
	struct ws_probe_scenario sc = {
		.addr = &self, .n = 1, .initial = &init, .n_initial = 1, .rate = 1e5,
		.duration = 20, .interval = 10, .strategy = WS_PROBE_LOCAL,
		.mix = WS_PROBE_MIX_CODE_RED_II, .space = 0, .telescope = tel,
		.n_telescope = 3, .seed = 11};
	struct ws_probe_result r;
	struct ws_err e;
	assert_int_equal(ws_probe_run(&sc, &r, &e), 0);
	double total = (double)r.probes;
	assert_close(total, 2e6, 5 * sqrt(2e6));
	double own16 = (double)(r.tel_probes[0] + r.tel_probes[1]) / total;
	double own8 = (double)(r.tel_probes[2] + r.tel_probes[3]) / total;
	double foreign = (double)(r.tel_probes[4] + r.tel_probes[5]) / total;
	double any = 0.125 * 256.0 / 254.0; /* share of the uniform class per kept /8 x 256 */
	double want16 = 0.375 + 0.5 / 256 + any / 65536;
	double want8 = 0.375 + 0.5 + any / 256;
	assert_close(own16, want16, 5 * sqrt(want16 / total));
	assert_close(own8, want8, 5 * sqrt(want8 / total));
	assert_close(foreign, any / 256, 5 * sqrt(any / 256 / total));
	/* One source: it is the only distinct source each interval, new once. */
	assert_int_equal(r.tel_sources[0], 1);
	assert_int_equal(r.tel_sources[1], 1);
	assert_int_equal(r.tel_new_sources[0], 1);
	assert_int_equal(r.tel_new_sources[1], 0);
	assert_int_equal(r.infected[1], 1);
	ws_probe_result_free(&r);
}

static void make_space20(uint32_t *addr, size_t n, uint64_t seed)
{
	/* n distinct addresses below 2^20: an odd multiplier is a bijection. */
	for (size_t i = 0; i < n; i++)
		addr[i] = (uint32_t)((i * 0x9e3779b1u + seed) & 0xfffffu);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Logit slope (per hour) over the infections between 1 % and 50 % and the
 * times at which 1, 90 and 99 % were infected. */
static void fit(const double *at, size_t n, double *k, double t[3])
{
	double *s = malloc(n * sizeof *s);
	assert_non_null(s);
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (at[i] >= 0)
			s[c++] = at[i];
	qsort(s, c, sizeof *s, cmp_double);
	/* At least 99 % infected; a last host or two may still be waiting. */
	assert_true(c >= (size_t)ceil(0.99 * (double)n));
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
	for (size_t i = 0; i < c; i++) {
		double f = (double)(i + 1) / (double)n;
		if (f < 0.01 || f > 0.5)
			continue;
		double x = s[i] / 3600, y = log(f / (1 - f));
		sx += x, sy += y, sxx += x * x, sxy += x * y, m++;
	}
	*k = (m * sxy - sx * sy) / (m * sxx - sx * sx);
	t[0] = s[(size_t)ceil(0.01 * (double)n) - 1];
	t[1] = s[(size_t)ceil(0.90 * (double)n) - 1];
	t[2] = s[(size_t)ceil(0.99 * (double)n) - 1];
	free(s);
}

static void test_run_scaled_code_red(void **state)
{
	(void)state;
	enum { N = 2000, SEEDS = 20 };
	uint32_t addr[N], init = 0;
	make_space20(addr, N, 12345);
	for (size_t i = 0; i < N; i++)
		addr[i] &= 0xffffu; /* still distinct: the multiplier is odd */
	const double k_h = 1.8, rate = k_h / 3600 * 65536.0 / N;
	double ks[SEEDS], t90[SEEDS], t99[SEEDS];
	for (int s = 0; s < SEEDS; s++) {
		struct ws_probe_scenario sc = {
			.addr = addr, .n = N, .initial = &init, .n_initial = 1, .rate = rate,
			.duration = 12 * 3600, .interval = 60, .strategy = WS_PROBE_UNIFORM,
			.space = 1 << 16, .seed = (uint64_t)s + 1};
		struct ws_probe_result r;
		struct ws_err e;
		assert_int_equal(ws_probe_run(&sc, &r, &e), 0);
		double t[3];
		fit(r.infected_at, N, &ks[s], t);
		t90[s] = (t[1] - t[0]) / 3600;
		t99[s] = (t[2] - t[0]) / 3600;
		ws_probe_result_free(&r);
	}
	assert_close(median(ks, SEEDS), 1.80, 0.03 * 1.80);
	assert_close(median(t90, SEEDS), 3.77, 0.05 * 3.77);
	assert_close(median(t99, SEEDS), 5.1, 0.05 * 5.1);
}

/* A scaled space of 2^18 addresses with the hosts' /16 far outside it,
 * brought in by a /16 permutation: K = r N / 2^18 still holds. Five seeds;
 * without the permutation nothing would ever be hit. */
static void test_run_block_map(void **state)
{
	(void)state;
	enum { N = 1000, SEEDS = 5 };
	static uint16_t map[65536];
	for (uint32_t b = 0; b < 65536; b++)
		map[b] = (uint16_t)b;
	map[2] = 0xc801;
	map[0xc801] = 2;
	uint32_t addr[N], init = 0;
	for (uint32_t i = 0; i < N; i++)
		addr[i] = 0xc8010000u | ((i * 40503u) & 0xffffu);
	const double space = 262144, rate = 1.8 / 3600 * space / N;
	double ks[SEEDS];
	for (int s = 0; s < SEEDS; s++) {
		struct ws_probe_scenario sc = {
			.addr = addr, .n = N, .initial = &init, .n_initial = 1, .rate = rate,
			.duration = 12 * 3600, .interval = 600, .strategy = WS_PROBE_UNIFORM,
			.space = 262144, .block_map = map, .seed = (uint64_t)s + 40};
		struct ws_probe_result r;
		struct ws_err e;
		assert_int_equal(ws_probe_run(&sc, &r, &e), 0);
		double t[3];
		fit(r.infected_at, N, &ks[s], t);
		ws_probe_result_free(&r);
	}
	assert_close(median(ks, SEEDS), 1.80, 0.1 * 1.80);
}

static void test_run_deterministic(void **state)
{
	(void)state;
	enum { N = 500 };
	uint32_t addr[N], init[2] = {0, 1};
	make_space20(addr, N, 7);
	const struct ws_probe_telescope tel = {0x00000000u, 0xfff00000u};
	struct ws_probe_scenario sc = {
		.addr = addr, .n = N, .initial = init, .n_initial = 2, .rate = 2,
		.duration = 7200, .interval = 300, .strategy = WS_PROBE_UNIFORM,
		.space = 1 << 20, .telescope = &tel, .n_telescope = 1, .seed = 99};
	struct ws_probe_result a, b;
	struct ws_err e;
	assert_int_equal(ws_probe_run(&sc, &a, &e), 0);
	assert_int_equal(ws_probe_run(&sc, &b, &e), 0);
	assert_int_equal(a.n_intervals, 24);
	assert_memory_equal(a.infected, b.infected, 24 * sizeof *a.infected);
	assert_memory_equal(a.tel_probes, b.tel_probes, 24 * sizeof *a.tel_probes);
	assert_memory_equal(a.infected_at, b.infected_at, N * sizeof *a.infected_at);
	assert_int_equal(a.probes, b.probes);
	/* The telescope covers the whole 2^20 space: it sees every probe. */
	uint64_t seen = 0, news = 0;
	for (size_t j = 0; j < 24; j++)
		seen += a.tel_probes[j], news += a.tel_new_sources[j];
	assert_int_equal(seen, a.probes);
	assert_true(news <= a.infected[23] && news >= a.infected[22]);
	/* Infection times are non-decreasing with the series. */
	uint64_t sum = 2;
	for (size_t j = 0; j < 24; j++) {
		sum += a.new_infections[j];
		assert_int_equal(sum, a.infected[j]);
	}
	ws_probe_result_free(&b);
	sc.seed = 100;
	assert_int_equal(ws_probe_run(&sc, &b, &e), 0);
	assert_true(memcmp(a.infected_at, b.infected_at, N * sizeof *a.infected_at) != 0);
	ws_probe_result_free(&a);
	ws_probe_result_free(&b);
}

static void test_run_refuses(void **state)
{
	(void)state;
	uint32_t addr[2] = {1, 0x00200000u}, init = 0;
	struct ws_probe_scenario sc = {.addr = addr, .n = 2, .initial = &init, .n_initial = 1,
				       .rate = 1, .duration = 10, .interval = 1,
				       .strategy = WS_PROBE_UNIFORM, .space = 1 << 20, .seed = 1};
	struct ws_probe_result r;
	struct ws_err e;
	assert_int_equal(ws_probe_run(&sc, &r, &e), WS_EUSAGE); /* host outside 2^20 */
	assert_non_null(strstr(e.msg, "outside"));
	sc.space = 0;
	sc.strategy = WS_PROBE_LOCAL;
	sc.mix = (struct ws_probe_mix){40000, 40000};
	assert_int_equal(ws_probe_run(&sc, &r, &e), WS_EUSAGE);
	sc.mix = WS_PROBE_MIX_CODE_RED_II;
	sc.rate = 0;
	assert_int_equal(ws_probe_run(&sc, &r, &e), WS_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_streams),
		cmocka_unit_test(test_code_red_ii_classes),
		cmocka_unit_test(test_index_exact),
		cmocka_unit_test(test_samplers),
		cmocka_unit_test(test_run_local_classes),
		cmocka_unit_test(test_run_scaled_code_red),
		cmocka_unit_test(test_run_block_map),
		cmocka_unit_test(test_run_deterministic),
		cmocka_unit_test(test_run_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
