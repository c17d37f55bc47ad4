/* SPDX-License-Identifier: MIT */
/* The pre-filter's prebuilt database (classify/classify.h): the one
 * serialised at build time is used, and one that is damaged or made from
 * other expressions is passed over for a compiled one, with the same hits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"

static int count_hit(size_t end, void *ctx)
{
	(void)end;
	(*(int *)ctx)++;
	return 0;
}

/* Hits of a fresh pre-filter on two lines, one of them Nimda's. */
static int hits(void)
{
	static const char text[] = "1.2.3.4 - - [x] \"GET /index.html HTTP/1.0\" 200 1\n"
				   "1.2.3.5 - - [x] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 1\n";
	struct ws_prefilter *pf = NULL;
	struct ws_prefilter_scratch *s = NULL;
	struct ws_err e = {{0}};
	assert_int_equal(ws_prefilter_new(&pf, &e), 0);
	assert_int_equal(ws_prefilter_scratch_new(pf, &s, &e), 0);
	int n = 0;
	assert_int_equal(ws_prefilter_scan(pf, s, text, sizeof(text) - 1, count_hit, &n), 0);
	ws_prefilter_scratch_free(s);
	ws_prefilter_free(pf);
	return n;
}

static void test_prebuilt_same_hits(void **state)
{
	(void)state;
	int compiled = hits();
	assert_true(compiled >= 1);
	char *b = NULL;
	size_t n = 0;
	struct ws_err e = {{0}};
	assert_int_equal(ws_prefilter_serialize(&b, &n, &e), 0);
	assert_true(n > 8);
	ws_prefilter_prebuilt(b, n);
	assert_int_equal(hits(), compiled);
	/* Damaged after the list's hash: Hyperscan refuses it, and it is compiled. */
	memset(b + 8, 0x5a, n - 8 < 64 ? n - 8 : 64);
	assert_int_equal(hits(), compiled);
	/* Made from other expressions (the hash differs). */
	b[0] ^= 1;
	assert_int_equal(hits(), compiled);
	/* Too short to hold anything. */
	ws_prefilter_prebuilt(b, 8);
	assert_int_equal(hits(), compiled);
	ws_prefilter_prebuilt(NULL, 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prebuilt_same_hits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
