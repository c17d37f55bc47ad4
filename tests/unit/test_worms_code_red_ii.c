/* SPDX-License-Identifier: MIT */
/* Code Red II (worm id "code-red-ii"): the request of [CERT-IN-2001-09] - Code
 * Red I's request with 224 'X' instead of 'N' - and its log variants: two
 * spaces or none before the protocol, lower-case method, filler lengths
 * 100/230/13, a line cut inside the tail, and the IIS stem/query form; both on
 * hand-built requests and through the NCSA parser with each line against a
 * guard page. */
#include "wormtest.h"

#define expect(r, worm, conf, sig, variant) wt_expect(r, worm, conf, sig, variant, 0)

/* Code Red II's filler is 'X'. */
#define cr_line(method, run, sep, proto) cr_line(method, 'X', run, sep, proto)

static int parse_line(const char *rq, bool close, struct ws_request *r)
{
	return wt_parse_line("24.12.7.91", "04/Aug/2001:14:22:05 +0000", rq, close, 404, 284, r);
}

static void test_exact(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/default.ida", cr_query('X', 224, 138), "HTTP/1.0",
				       WS_TARGET_RAW);
	expect(&r, "code-red-ii", WS_CONF_EXACT, "code-red-ii.exact", NULL);
	assert_int_equal(parse_line(cr_line("GET", 224, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	assert_int_equal(r.status, 404);
	expect(&r, "code-red-ii", WS_CONF_EXACT, "code-red-ii.exact", NULL);
	assert_int_equal(parse_line(cr_line("GET", 224, "  ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "code-red-ii", WS_CONF_EXACT, "code-red-ii.exact", NULL);
	ws_guard_release();
}

static void test_framing(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line(cr_line("GET", 224, " ", NULL), true, &r), WS_PARSE_OK);
	assert_int_equal(r.proto.n, 0);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "method or protocol differs");
	assert_int_equal(parse_line(cr_line("get", 224, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "method or protocol differs");
	r = make_req("HEAD", "/default.ida", cr_query('X', 224, 138), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "method or protocol differs");
	ws_guard_release();
}

static void test_filler_lengths(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line(cr_line("GET", 100, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "filler length differs from 224");
	assert_int_equal(parse_line(cr_line("GET", 230, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "filler length differs from 224");
	assert_int_equal(parse_line(cr_line("GET", 13, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "code-red-ii", WS_CONF_HEURISTIC, "code-red-ii.filler",
	       "filler run without Code Red's tail");
	assert_int_equal(parse_line(cr_line("GET", 12, " ", "HTTP/1.0"), true, &r), WS_PARSE_OK);
	expect(&r, "ida-probe", WS_CONF_HEURISTIC, "ida-probe.access", NULL);
	ws_guard_release();
}

static void test_line_cut(void **state)
{
	(void)state;
	/* "GET /default.ida?XXXX...X%u9090%u6858%ucbd3%u7801%u9090%u68" then the end. */
	static char rq[8192];
	snprintf(rq, sizeof(rq), "GET /default.ida?%s", cr_query('X', 224, 36));
	struct ws_request r;
	assert_int_equal(parse_line(rq, false, &r), WS_PARSE_OK);
	assert_true(r.truncated);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "line cut inside the request");
	ws_guard_release();
}

static void test_iis_form(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/default.ida", cr_query('X', 224, 138), NULL,
				       WS_TARGET_DECODED);
	expect(&r, "code-red-ii", WS_CONF_EXACT, "code-red-ii.exact", NULL);
	r = make_req("GET", "/default.ida", cr_query('X', 230, 138), NULL, WS_TARGET_DECODED);
	expect(&r, "code-red-ii", WS_CONF_PARTIAL, "code-red-ii.variant",
	       "filler length differs from 224");
}

static void test_mixed_filler(void **state)
{
	(void)state;
	/* 112 N then 112 X then the tail: neither worm's exact shape. The query
	 * opens with N, whose run of 112 is followed by X, not the tail, so Code
	 * Red I claims it only through Bro's 13-in-a-row rule. */
	char q[512];
	memset(q, 'N', 112);
	memset(q + 112, 'X', 112);
	memcpy(q + 224, CR_TAIL, 139);
	struct ws_request r = make_req("GET", "/default.ida", q, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_HEURISTIC, "code-red.filler",
	       "filler run without Code Red's tail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_filler_lengths),
		cmocka_unit_test(test_line_cut),
		cmocka_unit_test(test_iis_form),
		cmocka_unit_test(test_mixed_filler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
