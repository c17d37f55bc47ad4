/* SPDX-License-Identifier: MIT */
/* Libraries loaded at first use (util/dl.h): a binding resolves its names
 * once and says which library or symbol is missing; Hyperscan is not in
 * the process until the first prefilter is made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "util/dl.h"

static const char *const cos_names[] = {"cos", "sqrt"};

static void test_binds_once(void **state)
{
	(void)state;
	static struct ws_dl_lib lib = {.what = "libm", .soname = "libm.so.6", .names = cos_names, .n = 2};
	struct ws_err e = {{0}};
	assert_int_equal(ws_dl_bind(&lib, &e), 0);
	double (*c)(double) = (double (*)(double))lib.fn[0];
	double (*s)(double) = (double (*)(double))lib.fn[1];
	assert_true(c(0.0) == 1.0);
	assert_true(s(16.0) == 4.0);
	ws_dl_fn first = lib.fn[0];
	assert_int_equal(ws_dl_bind(&lib, &e), 0);
	assert_ptr_equal(lib.fn[0], first);
}

static void test_missing_library(void **state)
{
	(void)state;
	static struct ws_dl_lib lib = {.what = "Nothing", .soname = "libwormscope-absent.so.9",
				       .names = cos_names, .n = 1};
	struct ws_err e = {{0}};
	assert_int_equal(ws_dl_bind(&lib, &e), WS_EIO);
	assert_non_null(strstr(e.msg, "cannot load Nothing (libwormscope-absent.so.9)"));
	/* The answer is kept: the second call does not try again. */
	struct ws_err e2 = {{0}};
	assert_int_equal(ws_dl_bind(&lib, &e2), WS_EIO);
	assert_string_equal(e.msg, e2.msg);
}

static void test_missing_symbol(void **state)
{
	(void)state;
	static const char *const names[] = {"cos", "ws_no_such_function"};
	static struct ws_dl_lib lib = {.what = "libm", .soname = "libm.so.6", .names = names, .n = 2};
	struct ws_err e = {{0}};
	assert_int_equal(ws_dl_bind(&lib, &e), WS_EIO);
	assert_non_null(strstr(e.msg, "no symbol ws_no_such_function"));
}

/* Whether a library whose file name starts with `name` is mapped. */
static bool mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return false;
	char line[4096];
	bool yes = false;
	while (!yes && fgets(line, sizeof(line), f)) {
		const char *slash = strrchr(line, '/');
		yes = slash && strncmp(slash + 1, name, strlen(name)) == 0;
	}
	fclose(f);
	return yes;
}

static void test_hyperscan_at_first_prefilter(void **state)
{
	(void)state;
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		skip();
	fclose(f);
	assert_false(mapped("libhs.so"));
	assert_false(mapped("libpq.so"));
	assert_false(mapped("libpcap.so"));
	struct ws_prefilter *pf = NULL;
	struct ws_err e = {{0}};
	assert_int_equal(ws_prefilter_new(&pf, &e), 0);
	assert_true(mapped("libhs.so"));
	ws_prefilter_free(pf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binds_once),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
		cmocka_unit_test(test_hyperscan_at_first_prefilter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
