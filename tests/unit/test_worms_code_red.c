/* SPDX-License-Identifier: MIT */
/* Code Red I (worm id "code-red"): the exact request of [CERT-IN-2001-08]
 * (GET /default.ida? + 224 'N' + the 138-byte %u tail + HTTP/1.0) and the
 * ways logs bend it - two spaces before the protocol, no protocol, a
 * lower-case method, other filler lengths, a line cut inside the tail, the
 * IIS stem/query split - checked both on hand-built requests and through the
 * NCSA parser with each line placed against a guard page. */
#include "wormtest.h"
#include "worms/internal.h"

#define expect(r, worm, conf, sig, variant) wt_expect(r, worm, conf, sig, variant, 0)

/* An NCSA combined line around request `rq` (which may lack its closing
 * quote: then the line ends inside the request), parsed from a guard copy. */
static int parse_line(const char *rq, bool close, struct ws_request *r)
{
	return wt_parse_line("211.218.252.9", "02/Aug/2001:06:01:38 -0400", rq, close, 400, 326, r);
}

static void test_tail_facts(void **state)
{
	(void)state;
	assert_int_equal(strlen(CR_TAIL), 138);
	assert_string_equal(ws_cr_tail, CR_TAIL);
	/* 17 + 224 + 138 = 379 characters from GET through =a ([CERT-IN-2001-08]). */
	const char *rq = cr_line("GET", 'N', 224, "", NULL);
	assert_int_equal(strlen(rq), 379);
}

static void test_exact_request(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/default.ida", cr_query('N', 224, 138), "HTTP/1.0",
				       WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
}

static void test_exact_ncsa_one_and_two_spaces(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line(cr_line("GET", 'N', 224, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.query.n, 224 + 138);
	expect(&r, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
	/* "=a  HTTP/1.0": the raw copies' two spaces ([CERT-IN-2001-08]). */
	assert_int_equal(parse_line(cr_line("GET", 'N', 224, "  ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	assert_memory_equal(r.proto.p, "HTTP/1.0", 8);
	assert_int_equal(r.query.n, 224 + 138);
	expect(&r, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
	ws_guard_release();
}

static void test_no_protocol(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line(cr_line("GET", 'N', 224, " ", NULL), true, &r), WS_PARSE_OK);
	assert_int_equal(r.proto.n, 0);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "method or protocol differs");
	/* A format that does not record the protocol at all is not penalised. */
	struct ws_request iis = make_req("GET", "/default.ida", cr_query('N', 224, 138), NULL,
					 WS_TARGET_DECODED);
	expect(&iis, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
	ws_guard_release();
}

static void test_lower_case_method_and_http11(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line(cr_line("get", 'N', 224, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "method or protocol differs");
	r = make_req("GET", "/default.ida", cr_query('N', 224, 138), "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "method or protocol differs");
	ws_guard_release();
}

static void test_filler_lengths(void **state)
{
	(void)state;
	struct ws_request r;
	/* 100 is the least the family rule accepts; 230 is a hand-copy error length. */
	assert_int_equal(parse_line(cr_line("GET", 'N', 100, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant",
	       "filler length differs from 224");
	assert_int_equal(parse_line(cr_line("GET", 'N', 230, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant",
	       "filler length differs from 224");
	r = make_req("GET", "/default.ida", cr_query('N', 99, 138), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_HEURISTIC, "code-red.filler",
	       "filler run without Code Red's tail");
	/* 13 N in a row is Bro's codered1 rule; 12 is not enough. */
	assert_int_equal(parse_line(cr_line("GET", 'N', 13, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	expect(&r, "code-red", WS_CONF_HEURISTIC, "code-red.filler",
	       "filler run without Code Red's tail");
	assert_int_equal(parse_line(cr_line("GET", 'N', 12, " ", "HTTP/1.0"), true, &r),
			 WS_PARSE_OK);
	expect(&r, "ida-probe", WS_CONF_HEURISTIC, "ida-probe.access", NULL);
	ws_guard_release();
}

static void test_other_tail_or_file(void **state)
{
	(void)state;
	/* The tail's first 24 bytes, then something else. */
	static char q[8192];
	snprintf(q, sizeof(q), "%s%s", cr_query('N', 224, 24), "%u0000=b");
	struct ws_request r = make_req("GET", "/default.ida", q, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "tail differs");
	r = make_req("GET", "/scripts/x.idq", cr_query('N', 224, 138), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "other .ida/.idq file");
	r = make_req("GET", "/DEFAULT.IDA", cr_query('N', 224, 138), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "other .ida/.idq file");
	/* A lower-case filler is not Code Red's (the filler letter is case-sensitive). */
	r = make_req("GET", "/default.ida", cr_query('n', 224, 138), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "ida-probe", WS_CONF_PARTIAL, "ida-probe.overflow", NULL);
}

static void test_line_cut_inside_tail(void **state)
{
	(void)state;
	/* "GET /default.ida?NNNN...N%u9090%u6858%ucb" and the line ends there. */
	static char rq[8192];
	snprintf(rq, sizeof(rq), "GET /default.ida?%s", cr_query('N', 224, 40));
	struct ws_request r;
	assert_int_equal(parse_line(rq, false, &r), WS_PARSE_OK);
	assert_true(r.truncated);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.query.n, 224 + 40);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "line cut inside the request");
	/* Cut after 5 bytes of the tail: still a prefix of it. */
	snprintf(rq, sizeof(rq), "GET /default.ida?%s", cr_query('N', 224, 5));
	assert_int_equal(parse_line(rq, false, &r), WS_PARSE_OK);
	expect(&r, "code-red", WS_CONF_PARTIAL, "code-red.variant", "line cut inside the request");
	ws_guard_release();
}

static void test_iis_form(void **state)
{
	(void)state;
	/* W3C: cs-uri-stem /default.ida, cs-uri-query NNNN...%u00=a. */
	struct ws_request r = make_req("GET", "/default.ida", cr_query('N', 224, 138), NULL,
				       WS_TARGET_DECODED);
	expect(&r, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
	r = make_req("GET", "/default.ida", cr_query('N', 224, 138), "HTTP/1.0",
		     WS_TARGET_DECODED);
	expect(&r, "code-red", WS_CONF_EXACT, "code-red.exact", NULL);
	/* "Depending on logging configuration" only the stem: not attributable. */
	r = make_req("GET", "/default.ida", NULL, NULL, WS_TARGET_DECODED);
	expect(&r, "ida-probe", WS_CONF_HEURISTIC, "ida-probe.access", "no query logged");
	/* An error log's file path never holds the query. */
	r = make_req("", "/var/www/html/default.ida", NULL, NULL, WS_TARGET_FSPATH);
	expect(&r, "ida-probe", WS_CONF_HEURISTIC, "ida-probe.access",
	       "error log: query not logged");
}

static void test_not_code_red_ii(void **state)
{
	(void)state;
	/* The exact Code Red I request is not also Code Red II's. */
	struct ws_request r = make_req("GET", "/default.ida", cr_query('N', 224, 138), "HTTP/1.0",
				       WS_TARGET_RAW);
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	struct ws_verdict v;
	memset(&v, 0, sizeof(v));
	assert_false(t[ws_worm_index("code-red-ii")]->match(&r, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_facts),
		cmocka_unit_test(test_exact_request),
		cmocka_unit_test(test_exact_ncsa_one_and_two_spaces),
		cmocka_unit_test(test_no_protocol),
		cmocka_unit_test(test_lower_case_method_and_http11),
		cmocka_unit_test(test_filler_lengths),
		cmocka_unit_test(test_other_tail_or_file),
		cmocka_unit_test(test_line_cut_inside_tail),
		cmocka_unit_test(test_iis_form),
		cmocka_unit_test(test_not_code_red_ii),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
