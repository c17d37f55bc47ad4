/* SPDX-License-Identifier: MIT */
/* Other .ida/.idq requests (worm id "ida-probe"): Nessus's /NULL.ida mapping
 * check, AWStats's /null.idq, Snort 1243's "240 N's or other characters"
 * overflow class, Code Red lines too mangled to attribute (IIS stem only,
 * error-log file path), and the boundaries of the overflow shape (run of 100,
 * query of 240) - on hand-built requests and through the NCSA parser with each
 * line against a guard page. */
#include "wormtest.h"

#define expect(r, conf, sig, variant) wt_expect(r, "ida-probe", conf, sig, variant, 0)

static char q[1024];

static const char *run_of(char c, size_t n)
{
	assert_true(n < sizeof(q));
	memset(q, c, n);
	q[n] = '\0';
	return q;
}

static void test_mapping_checks(void **state)
{
	(void)state;
	/* Nessus 10695: GET /NULL.ida ([MS01-033]; the Nessus plugin's own request). */
	struct ws_request r = make_req("GET", "/NULL.ida", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "no query logged");
	r = make_req("GET", "/null.idq", NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "no query logged");
	r = make_req("GET", "/query.idq", "CiRestriction=x", "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", NULL);
	r = make_req("GET", "/SCRIPTS/SAMPLES/SEARCH/QUERY.IDQ", "", "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", NULL);
}

static void test_overflow_shape(void **state)
{
	(void)state;
	/* Snort 1243 doc: "GET /a.ida?NNNN... HTTP/1.0 where 240 N's or other
	 * characters are supplied" - without Code Red's tail. */
	struct ws_request r = make_req("GET", "/a.ida", run_of('A', 240), "HTTP/1.0",
				       WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "ida-probe.overflow", NULL);
	r = make_req("GET", "/a.ida", run_of('A', 100), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "ida-probe.overflow", NULL);
	r = make_req("GET", "/a.ida", run_of('A', 99), "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", NULL);
	/* 240 bytes with no long run: the query length alone. */
	for (int i = 0; i < 240; i++)
		q[i] = "abcdefghij"[i % 10];
	q[240] = '\0';
	r = make_req("GET", "/a.ida", q, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "ida-probe.overflow", NULL);
	q[239] = '\0';
	r = make_req("GET", "/a.ida", q, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", NULL);
}

static void test_mangled_code_red(void **state)
{
	(void)state;
	/* IIS kept only the stem ([ApacheWeek01]). */
	struct ws_request r = make_req("GET", "/default.ida", NULL, NULL, WS_TARGET_DECODED);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "no query logged");
	/* Apache error log: File does not exist: /usr/local/apache/htdocs/default.ida */
	r = make_req("", "/usr/local/apache/htdocs/default.ida", NULL, NULL, WS_TARGET_FSPATH);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "error log: query not logged");
	r = make_req("", "C:/Inetpub/wwwroot/default.IDA", NULL, NULL, WS_TARGET_FSPATH);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "error log: query not logged");
}

static char line[4096];

static void test_ncsa(void **state)
{
	(void)state;
	int n = snprintf(line, sizeof(line),
			 "192.0.2.200 - - [30/Jul/2001:23:59:59 -0700] \"GET /NULL.ida HTTP/1.0\" 404 "
			 "287 \"-\" \"Mozilla/4.0 (compatible; MSIE 5.5; Windows NT 5.0)\"");
	struct ws_request r;
	assert_int_equal(ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n, &r),
			 WS_PARSE_OK);
	expect(&r, WS_CONF_HEURISTIC, "ida-probe.access", "no query logged");
	n = snprintf(line, sizeof(line),
		     "192.0.2.200 - - [30/Jul/2001:23:59:59 -0700] \"GET /scripts/x.idq?%s "
		     "HTTP/1.0\" 400 -",
		     run_of('z', 300));
	assert_int_equal(ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n, &r),
			 WS_PARSE_OK);
	expect(&r, WS_CONF_PARTIAL, "ida-probe.overflow", NULL);
	ws_guard_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_checks),
		cmocka_unit_test(test_overflow_shape),
		cmocka_unit_test(test_mangled_code_red),
		cmocka_unit_test(test_ncsa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
