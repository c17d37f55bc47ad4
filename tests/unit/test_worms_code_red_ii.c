/* Code Red II (worm id "code-red-ii"): the request of worms.md §1.2 - Code
 * Red I's request with 224 'X' instead of 'N' - and its log variants: two
 * spaces or none before the protocol, lower-case method, filler lengths
 * 100/230/13, a line cut inside the tail, and the IIS stem/query form; both on
 * hand-built requests and through the NCSA parser with each line against a
 * guard page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "guard.h"
#include "logfmt/logfmt.h"
#include "util/str.h"

/* worms.md §1.2: the same 138-character tail as Code Red I. */
static const char tail[] =
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
	"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

static char qbuf[4096];

static const char *cr_query(char filler, size_t run, size_t tail_n)
{
	assert_true(run + tail_n < sizeof(qbuf));
	memset(qbuf, filler, run);
	memcpy(qbuf + run, tail, tail_n);
	qbuf[run + tail_n] = '\0';
	return qbuf;
}

static struct ws_request make_req(const char *method, const char *path, const char *query,
				  const char *proto, enum ws_target_form form)
{
	struct ws_request r;
	ws_request_reset(&r);
	r.method = ws_str_make(method, strlen(method));
	r.path = ws_str_make(path, strlen(path));
	if (query) {
		r.query = ws_str_make(query, strlen(query));
		r.has_query = true;
	}
	if (proto)
		r.proto = ws_str_make(proto, strlen(proto));
	else
		r.proto_logged = false;
	r.form = form;
	return r;
}

static void expect(const struct ws_request *r, const char *worm, enum ws_confidence conf,
		   const char *sig, const char *variant)
{
	struct ws_verdict v;
	assert_true(ws_classify(r, &v));
	assert_int_equal(v.worm, ws_worm_index(worm));
	assert_int_equal(v.conf, conf);
	assert_string_equal(v.sig->name, sig);
	assert_int_equal(v.nimda_mask, 0);
	if (variant)
		assert_string_equal(v.variant, variant);
	else
		assert_null(v.variant);
}

static char line[8192], rqbuf[8192];

static int parse_line(const char *rq, bool close, struct ws_request *r)
{
	int n = snprintf(line, sizeof(line),
			 "24.12.7.91 - - [04/Aug/2001:14:22:05 +0000] \"%s%s", rq,
			 close ? "\" 404 284 \"-\" \"-\"" : "");
	assert_true(n > 0 && (size_t)n < sizeof(line));
	return ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n, r);
}

static const char *cr_line(const char *method, size_t run, const char *sep, const char *proto)
{
	int n = snprintf(rqbuf, sizeof(rqbuf), "%s /default.ida?%s%s%s", method,
			 cr_query('X', run, strlen(tail)), proto ? sep : "", proto ? proto : "");
	assert_true(n > 0 && (size_t)n < sizeof(rqbuf));
	return rqbuf;
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
	memcpy(q + 224, tail, 139);
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
