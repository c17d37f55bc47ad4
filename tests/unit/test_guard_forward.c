/* SPDX-License-Identifier: MIT */
/* The guard's judgement (src/guard/forward.c) against the evasion corpus:
 * each of its 616 requests, sent as a request head to the guard, is named
 * as the log path names it (the same worm, the same evasion flags) and is
 * never forwarded; and what the guard does forward is the request it judged
 * (fuzz/fuzz_guard_forward.c checks that on any input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evasion.h"
#include "guard/forward.h"
#include "wormtest.h"

#define MAXH 16

struct tally {
	int cases, forwarded, differ;
};

static void judge_case(const struct ev_case *c, void *ctx)
{
	struct tally *t = ctx;
	char head[2048];
	int n = snprintf(head, sizeof(head), "GET %s%s%s HTTP/1.0\r\nHost: www\r\n\r\n", c->path,
			 c->query ? "?" : "", c->query ? c->query : "");
	assert_true(n > 0 && (size_t)n < sizeof(head));
	const char *p = ws_guard_copy(head, (size_t)n);
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	assert_int_equal(ws_http_parse_request(p, (size_t)n, 8192, WS_HTTP_STRICT, &r, hdr, MAXH),
			 n);
	struct ws_request q;
	ws_http_to_request(&r, &q);
	struct ws_verdict v, w;
	enum ws_guard_judgement j = ws_guard_judge(&r, &q, &v);
	struct ws_request l = make_req("GET", c->path, c->query, "HTTP/1.0", WS_TARGET_RAW);
	bool logged = ws_classify(&l, &w);
	t->cases++;
	if (j == WS_JUDGE_FORWARD) {
		print_error("forwarded: %s with %s%s%s: %s\n", c->worm, c->x, c->y ? "+" : "",
			    c->y ? c->y : "", c->path);
		t->forwarded++;
	} else if (logged && (j != WS_JUDGE_WORM || v.worm != w.worm || v.evasion != w.evasion)) {
		print_error("guard and log differ: %s with %s%s%s: %s\n", c->worm, c->x,
			    c->y ? "+" : "", c->y ? c->y : "", c->path);
		t->differ++;
	}
	ws_guard_release();
}

static void test_corpus_never_forwarded(void **state)
{
	(void)state;
	struct tally t = {0};
	assert_int_equal(ev_corpus(judge_case, &t), 616);
	print_message("%d evasion cases through the guard: %d forwarded, %d named otherwise\n",
		      t.cases, t.forwarded, t.differ);
	assert_int_equal(t.forwarded, 0);
	assert_int_equal(t.differ, 0);
}

/* An ordinary request is forwarded, and the rebuilt head says the same. */
static void test_benign_forwarded(void **state)
{
	(void)state;
	static const char s[] = "GET /docs/cmd.exe.html?x=1 HTTP/1.1\r\nHost: www\r\n"
				"Connection: keep-alive, X-Mine\r\nX-Mine: 1\r\nX-Long: a\r\n b\r\n\r\n";
	const char *p = ws_guard_copy(s, strlen(s));
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	assert_int_equal(ws_http_parse_request(p, strlen(s), 8192, WS_HTTP_STRICT, &r, hdr, MAXH),
			 (int)strlen(s));
	struct ws_request q;
	ws_http_to_request(&r, &q);
	struct ws_verdict v;
	assert_int_equal(ws_guard_judge(&r, &q, &v), WS_JUDGE_FORWARD);
	struct ws_buf b = {0};
	ws_guard_build_head(&r, "127.0.0.9", false, &b);
	static const char want[] = "GET /docs/cmd.exe.html?x=1 HTTP/1.1\r\nHost: www\r\n"
				   "X-Long: a b\r\nX-Forwarded-For: 127.0.0.9\r\n"
				   "Via: 1.1 wormscope-guard\r\nConnection: close\r\n\r\n";
	assert_int_equal(b.n, strlen(want));
	assert_memory_equal(b.p, want, b.n);
	ws_buf_free(&b);
	ws_guard_release();
}

/* The client's own X-Forwarded-For and Via (any case, more than one) are
 * kept, in order, ahead of ours; Host goes first. */
static void test_forwarded_chain(void **state)
{
	(void)state;
	static const char s[] = "GET /a HTTP/1.0\r\nx-forwarded-for: 10.0.0.1\r\nHost: www\r\n"
				"VIA: 1.1 edge\r\nX-Forwarded-For: 10.0.0.2\r\n\r\n";
	const char *p = ws_guard_copy(s, strlen(s));
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	assert_int_equal(ws_http_parse_request(p, strlen(s), 8192, WS_HTTP_STRICT, &r, hdr, MAXH),
			 (int)strlen(s));
	struct ws_buf b = {0};
	ws_guard_build_head(&r, "127.0.0.9", true, &b);
	static const char want[] = "GET /a HTTP/1.0\r\nHost: www\r\n"
				   "X-Forwarded-For: 10.0.0.1, 10.0.0.2, 127.0.0.9\r\n"
				   "Via: 1.1 edge, 1.0 wormscope-guard\r\nConnection: keep-alive\r\n\r\n";
	assert_int_equal(b.n, strlen(want));
	assert_memory_equal(b.p, want, b.n);
	ws_buf_free(&b);
	ws_guard_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_never_forwarded),
		cmocka_unit_test(test_benign_forwarded),
		cmocka_unit_test(test_forwarded_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
