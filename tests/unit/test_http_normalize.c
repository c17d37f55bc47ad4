/* SPDX-License-Identifier: MIT */
/* IIS's view of a path (src/http/normalize.c), rule by rule, and the
 * evasion corpus: every encoding alone and in pairs on each worm's
 * request, each case naming the worm that must still be found and the
 * flags that must say how. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "classify/classify.h"
#include "http/normalize.h"
#include "evasion.h"
#include "wormtest.h"
#include "worms/internal.h"

static void norm_is(const char *in, enum ws_target_form form, const char *want, uint32_t flags)
{
	char out[WS_NORM_MAX];
	uint32_t f;
	size_t n = ws_normalize_path((struct ws_str){in, strlen(in)}, form, out, &f);
	if (n != strlen(want) || memcmp(out, want, n) != 0 || f != flags) {
		char got[256];
		ws_evasion_list(f, got, sizeof(got));
		print_error("%s -> %.*s [%s], want %s\n", in, (int)n, out, got, want);
		fail();
	}
}

static void test_rules(void **state)
{
	(void)state;
	norm_is("/default.ida", WS_TARGET_RAW, "/default.ida", 0);
	norm_is("/default%2eida", WS_TARGET_RAW, "/default.ida", WS_EV_PERCENT);
	norm_is("/%64efault.ida", WS_TARGET_RAW, "/default.ida", WS_EV_PERCENT);
	norm_is("/default.%u0069da", WS_TARGET_RAW, "/default.ida", WS_EV_UNICODE);
	norm_is("/default.%uff49da", WS_TARGET_RAW, "/default.ida", WS_EV_UNICODE);
	norm_is("/default%252eida", WS_TARGET_RAW, "/default.ida", WS_EV_DOUBLE | WS_EV_PERCENT);
	norm_is("/default%c0%aeida", WS_TARGET_RAW, "/default.ida", WS_EV_OVERLONG);
	norm_is("/default%e0%80%aeida", WS_TARGET_RAW, "/default.ida", WS_EV_OVERLONG);
	norm_is("/scripts/..%c1%1c../winnt", WS_TARGET_RAW, "/winnt",
		WS_EV_OVERLONG | WS_EV_BACKSLASH | WS_EV_DOTSEG | WS_EV_ABOVE_ROOT);
	norm_is("\\scripts\\root.exe", WS_TARGET_RAW, "/scripts/root.exe", WS_EV_BACKSLASH);
	norm_is("/DEFAULT.IDA", WS_TARGET_RAW, "/default.ida", WS_EV_CASE);
	norm_is("/default.ida;x=1", WS_TARGET_RAW, "/default.ida", WS_EV_PARAM);
	norm_is("/default.ida.", WS_TARGET_RAW, "/default.ida", WS_EV_TRAILING);
	norm_is("/default.ida%20%20", WS_TARGET_RAW, "/default.ida", WS_EV_TRAILING);
	norm_is("/default.ida::$DATA", WS_TARGET_RAW, "/default.ida", WS_EV_STREAM | WS_EV_CASE);
	norm_is("//scripts///root.exe", WS_TARGET_RAW, "/scripts/root.exe", WS_EV_SLASHES);
	norm_is("/scripts/./x/../root.exe", WS_TARGET_RAW, "/scripts/root.exe", WS_EV_DOTSEG);
	norm_is("/../../root.exe", WS_TARGET_RAW, "/root.exe", WS_EV_DOTSEG | WS_EV_ABOVE_ROOT);
	norm_is("/root.exe%00.txt", WS_TARGET_RAW, "/root.exe", WS_EV_NUL);
	norm_is("http://victim/default.ida", WS_TARGET_RAW, "/default.ida", WS_EV_ABSOLUTE);
	/* What a client may well send is no evasion. */
	norm_is("/a%20b/", WS_TARGET_RAW, "/a b/", 0);
	norm_is("/caf%c3%a9", WS_TARGET_RAW, "/caf\xc3\xa9", 0);
	norm_is("/", WS_TARGET_RAW, "/", 0);
	norm_is("/100%", WS_TARGET_RAW, "/100%", 0);
	/* An IIS log's stem is decoded once already: an escape left in it was
	 * sent doubled. */
	norm_is("/default%2eida", WS_TARGET_DECODED, "/default.ida", WS_EV_DOUBLE | WS_EV_PERCENT);
	norm_is("/scripts/\xc0\xafroot.exe", WS_TARGET_DECODED, "/scripts/root.exe",
		WS_EV_OVERLONG | WS_EV_SLASHES);
	/* An error log's file-system path is left alone. */
	norm_is("C:\\x", WS_TARGET_FSPATH, "C:\\x", 0);
}

static void test_bounds(void **state)
{
	(void)state;
	static char in[3 * WS_NORM_MAX], out[WS_NORM_MAX];
	for (size_t i = 0; i < sizeof(in) - 1; i++)
		in[i] = i % 2 ? 'a' : '/';
	uint32_t f;
	size_t n = ws_normalize_path((struct ws_str){in, sizeof(in) - 1}, WS_TARGET_RAW, out, &f);
	assert_true(n <= WS_NORM_MAX);
	assert_true(f & WS_EV_LONG);
	char list[16];
	size_t need = ws_evasion_list(WS_EV_PERCENT | WS_EV_CASE, list, sizeof(list));
	assert_int_equal(need, strlen("percent,case"));
	assert_string_equal(list, "percent,case");
	assert_int_equal(ws_evasion_list(WS_EV_PERCENT | WS_EV_CASE, list, 4), need);
}

/* True when req as it is (no normalising) gets v's worm and confidence. */
static bool raw_verdict_same(const struct ws_request *req, const struct ws_verdict *v)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	for (int i = 0; i < n; i++) {
		struct ws_verdict w = {0};
		if (t[i]->match(req, &w))
			return i == v->worm && w.conf == v->conf;
	}
	return false;
}

static void run_case(const struct ev_case *c, void *ctx)
{
	int *failed = ctx;
	struct ws_request r = make_req("GET", c->path, c->query, "HTTP/1.0", WS_TARGET_RAW);
	struct ws_verdict v;
	bool hit = ws_classify(&r, &v);
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	uint32_t want = c->want;
	/* Flags are owed only where the raw target did not already give this
	 * verdict (a case-blind signature sees through upper case itself). */
	/* Upper case alone leaves the raw verdict standing, whichever it is. */
	if (hit && want == WS_EV_CASE && v.evasion == 0)
		return;
	/* A /../ written with '\\' is itself a traversal token: a generic
	 * request that carries one may be named for it. */
	if (hit && strcmp(t[v.worm]->id, "iis-traversal") == 0 &&
	    (want & (WS_EV_DOTSEG | WS_EV_BACKSLASH)) == (WS_EV_DOTSEG | WS_EV_BACKSLASH) &&
	    t[ws_worm_index(c->worm)]->generic)
		return;
	if (!hit || strcmp(t[v.worm]->id, c->worm) != 0 ||
	    ((v.evasion & want) != want && !(v.evasion == 0 && raw_verdict_same(&r, &v)))) {
		char got[256];
		ws_evasion_list(v.evasion, got, sizeof(got));
		print_error("%s with %s%s%s: %s -> %s [%s]\n", c->worm, c->x, c->y ? "+" : "",
			    c->y ? c->y : "", c->path, hit ? t[v.worm]->id : "nothing", got);
		(*failed)++;
	}
}

static void test_corpus(void **state)
{
	(void)state;
	int failed = 0;
	int cases = ev_corpus(run_case, &failed);
	print_message("%d evasion cases, %d failed\n", cases, failed);
	assert_int_equal(cases, 616);
	assert_int_equal(failed, 0);
}

/* The worm's own request matches raw: exact, and no flags. */
static void test_own_request_has_no_flags(void **state)
{
	(void)state;
	snprintf(crii_q, sizeof(crii_q), "%s%s", WS_FILL224("X"), WS_CR_TAIL_TEXT);
	struct ws_request r = make_req("GET", "/default.ida", crii_q, "HTTP/1.0", WS_TARGET_RAW);
	struct ws_verdict v;
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.conf, WS_CONF_EXACT);
	assert_int_equal(v.evasion, 0);
	r = make_req("GET", "/scripts/..%c0%af../winnt/system32/cmd.exe", "/c+dir", "HTTP/1.0",
		     WS_TARGET_RAW);
	assert_true(ws_classify(&r, &v));
	assert_int_equal(v.worm, ws_worm_index("nimda"));
	assert_int_equal(v.evasion, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_own_request_has_no_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
