/* SPDX-License-Identifier: MIT */
/* Nimda (worm id "nimda"): each of its 16 probes ([KB317605]) in the form
 * Apache logs it (raw, as on the wire) and in the form IIS logs it (stem
 * decoded once), with the probe index in nimda_mask; the IIS look-alike pairs
 * (probes 5/15 and 13/14, 1-based) give masks with two bits. Also: lower-case
 * method and missing protocol (framing), a line cut inside "/c+dir", a probe
 * path with a different query (not Nimda), and all probes through the NCSA
 * parser with each line against a guard page. */
#include "wormtest.h"

#define expect_nimda(r, conf, sig, variant, mask) wt_expect(r, "nimda", conf, sig, variant, mask)

static int parse_line(const char *rq, bool close, struct ws_request *r)
{
	return wt_parse_line("192.0.2.77", "19/Sep/2001:02:12:00 +0000", rq, close, 404, 214, r);
}

/* On-the-wire / Apache-logged form, [KB317605] (probe i = index i). */
static const char *const wire[16] = {
	"/scripts/root.exe",
	"/MSADC/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/..%255c../winnt/system32/cmd.exe",
	"/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/_mem_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c0%2f../winnt/system32/cmd.exe",
	"/scripts/..%c0%af../winnt/system32/cmd.exe",
	"/scripts/..%c1%9c../winnt/system32/cmd.exe",
	"/scripts/..%%35%63../winnt/system32/cmd.exe",
	"/scripts/..%%35c../winnt/system32/cmd.exe",
	"/scripts/..%25%35%63../winnt/system32/cmd.exe",
	"/scripts/..%252f../winnt/system32/cmd.exe",
};

/* CERT CA-2001-26 / KB 317605 form, which is the stem IIS logs after one
 * decoding pass. Raw bytes, readable text in the comment on each line. */
static const char *const decoded[16] = {
	"/scripts/root.exe",
	"/MSADC/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/..%5c../winnt/system32/cmd.exe",
	"/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe",
	"/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe",
	/* /msadc/..%5c../..%5c../..%5c/..\xc1\x1c../..\xc1\x1c../..\xc1\x1c../winnt/system32/cmd.exe */
	"/msadc/..%5c../..%5c../..%5c/..\xc1\x1c../..\xc1\x1c../..\xc1\x1c../winnt/system32/cmd.exe",
	/* /scripts/..\xc1\x1c../winnt/system32/cmd.exe */
	"/scripts/..\xc1\x1c../winnt/system32/cmd.exe",
	/* /scripts/..\xc0/../winnt/system32/cmd.exe */
	"/scripts/..\xc0/../winnt/system32/cmd.exe",
	/* /scripts/..\xc0\xaf../winnt/system32/cmd.exe */
	"/scripts/..\xc0\xaf../winnt/system32/cmd.exe",
	/* /scripts/..\xc1\x9c../winnt/system32/cmd.exe */
	"/scripts/..\xc1\x9c../winnt/system32/cmd.exe",
	"/scripts/..%35c../winnt/system32/cmd.exe",
	"/scripts/..%35c../winnt/system32/cmd.exe",
	"/scripts/..%5c../winnt/system32/cmd.exe",
	"/scripts/..%2f../winnt/system32/cmd.exe",
};
static void test_wire_form(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++) {
		struct ws_request r = make_req("GET", wire[i], "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
		expect_nimda(&r, WS_CONF_EXACT, "nimda.exact", NULL, (uint16_t)(1u << i));
	}
}

static void test_decoded_form(void **state)
{
	(void)state;
	/* Probes 5 and 15 (index 4 and 14) and 13 and 14 (index 12 and 13) read
	 * the same after IIS's one decoding pass. */
	static const uint16_t masks[16] = {
		1u << 0,  1u << 1,  1u << 2,  1u << 3,  (1u << 4) | (1u << 14), 1u << 5,
		1u << 6,  1u << 7,  1u << 8,  1u << 9,  1u << 10, 1u << 11,
		(1u << 12) | (1u << 13), (1u << 12) | (1u << 13), (1u << 4) | (1u << 14), 1u << 15,
	};
	for (int i = 0; i < 16; i++) {
		struct ws_request r = make_req("GET", decoded[i], "/c+dir", NULL, WS_TARGET_DECODED);
		expect_nimda(&r, WS_CONF_EXACT, "nimda.exact", NULL, masks[i]);
	}
}

static void test_forms_do_not_cross(void **state)
{
	(void)state;
	/* The decoded ..%5c.. stem in an Apache (raw) log is not one of the
	 * sixteen as sent; it is an IIS traversal probe instead. */
	struct ws_request r = make_req("GET", decoded[4], "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	struct ws_verdict v;
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("iis-traversal"));
	assert_string_equal(v.sig->name, "iis-traversal.cmd");
	assert_int_equal(v.nimda_mask, 0);
	/* And the wire ..%255c.. in an IIS log is not Nimda's either. */
	r = make_req("GET", wire[4], "/c+dir", NULL, WS_TARGET_DECODED);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("iis-traversal"));
	assert_int_equal(v.nimda_mask, 0);
}

static void test_framing(void **state)
{
	(void)state;
	struct ws_request r = make_req("get", wire[0], "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	expect_nimda(&r, WS_CONF_PARTIAL, "nimda.framing", "method not GET", 1u << 0);
	r = make_req("GET", wire[10], "/c+dir", "", WS_TARGET_RAW);
	expect_nimda(&r, WS_CONF_PARTIAL, "nimda.framing", "no protocol token", 1u << 10);
	r = make_req("GET", wire[2], "/c+dir", "HTTP/1.1", WS_TARGET_RAW);
	expect_nimda(&r, WS_CONF_PARTIAL, "nimda.framing", "protocol not HTTP/1.0", 1u << 2);
}

static void test_other_query_is_not_nimda(void **state)
{
	(void)state;
	struct ws_verdict v;
	/* Probe 1's path with another command: use of Code Red II's backdoor. */
	struct ws_request r = make_req("GET", wire[0], "/c+ver", "HTTP/1.0", WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("backdoor-use"));
	assert_int_equal(v.nimda_mask, 0);
	/* Probe 11's traversal with another command: an IIS traversal probe. */
	r = make_req("GET", wire[10], "/c+dir+c:\\", "HTTP/1.0", WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("iis-traversal"));
	assert_int_equal(v.nimda_mask, 0);
	/* /c+dir must be the whole query. */
	r = make_req("GET", wire[10], "/c+dir+", "HTTP/1.0", WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_not_equal(v.worm, ws_worm_index("nimda"));
	/* Paths compare exactly: a case change is another tool, not Nimda. */
	r = make_req("GET", "/SCRIPTS/ROOT.EXE", "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("backdoor-use"));
	/* No query at all. */
	r = make_req("GET", wire[5], NULL, "HTTP/1.0", WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("iis-traversal"));
	assert_int_equal(v.nimda_mask, 0);
}
static void test_ncsa_all_probes(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++) {
		char rq[512];
		snprintf(rq, sizeof(rq), "GET %s?/c+dir HTTP/1.0", wire[i]);
		struct ws_request r;
		assert_int_equal(parse_line(rq, true, &r), WS_PARSE_OK);
		assert_int_equal(r.status, 404);
		expect_nimda(&r, WS_CONF_EXACT, "nimda.exact", NULL, (uint16_t)(1u << i));
		/* The traversal lines are often logged without a protocol. */
		snprintf(rq, sizeof(rq), "GET %s?/c+dir", wire[i]);
		assert_int_equal(parse_line(rq, true, &r), WS_PARSE_OK);
		expect_nimda(&r, WS_CONF_PARTIAL, "nimda.framing", "no protocol token",
			     (uint16_t)(1u << i));
		ws_guard_release();
	}
}

static void test_line_cut(void **state)
{
	(void)state;
	struct ws_request r;
	/* "GET /scripts/..%c0%af../winnt/system32/cmd.exe?/c+d" and the line ends. */
	assert_int_equal(parse_line("GET /scripts/..%c0%af../winnt/system32/cmd.exe?/c+d", false,
				    &r),
			 WS_PARSE_OK);
	assert_true(r.truncated);
	expect_nimda(&r, WS_CONF_HEURISTIC, "nimda.cut", "line cut", 1u << 10);
	/* Cut right after the '?'. */
	assert_int_equal(parse_line("GET /scripts/root.exe?", false, &r), WS_PARSE_OK);
	expect_nimda(&r, WS_CONF_HEURISTIC, "nimda.cut", "line cut", 1u << 0);
	/* A cut query that is not a prefix of /c+dir is not Nimda's. */
	assert_int_equal(parse_line("GET /scripts/root.exe?/c+x", false, &r), WS_PARSE_OK);
	struct ws_verdict v;
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("backdoor-use"));
	ws_guard_release();
}

static void test_line_cut_without_query(void **state)
{
	(void)state;
	/* A cut before the '?', as a parser may report it: no query view at all
	 * (WS_STR_NULL). The probe path alone still names the probe. */
	struct ws_request r = make_req("GET", wire[3], NULL, NULL, WS_TARGET_RAW);
	r.truncated = true;
	expect_nimda(&r, WS_CONF_HEURISTIC, "nimda.cut", "line cut", 1u << 3);
}

static void test_error_log_is_not_nimda(void **state)
{
	(void)state;
	/* An error log's path has no query: root.exe there is backdoor-use. */
	struct ws_request r = make_req("", "/var/www/html/scripts/root.exe", NULL, NULL,
				       WS_TARGET_FSPATH);
	struct ws_verdict v;
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("backdoor-use"));
	assert_int_equal(v.nimda_mask, 0);
	/* Even a file path that equals a probe path. */
	r = make_req("", "/scripts/root.exe", NULL, NULL, WS_TARGET_FSPATH);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("backdoor-use"));
	assert_int_equal(v.nimda_mask, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_form),
		cmocka_unit_test(test_decoded_form),
		cmocka_unit_test(test_forms_do_not_cross),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_other_query_is_not_nimda),
		cmocka_unit_test(test_ncsa_all_probes),
		cmocka_unit_test(test_line_cut),
		cmocka_unit_test(test_error_log_is_not_nimda),
		cmocka_unit_test(test_line_cut_without_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
