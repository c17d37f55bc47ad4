/* SPDX-License-Identifier: MIT */
/* Free cores (util/cores.h): /proc/loadavg's running count is read from its
 * text, and the free count stays within the cores this process may use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/cores.h"

static void test_running_field(void **state)
{
	(void)state;
	assert_int_equal(ws_loadavg_running("0.50 0.40 0.30 3/220 12345\n"), 3);
	assert_int_equal(ws_loadavg_running("13.57 8.87 4.08 13/220 6581"), 13);
	assert_int_equal(ws_loadavg_running("0.00 0.00 0.00 1/1 1"), 1);
	assert_int_equal(ws_loadavg_running(""), -1);
	assert_int_equal(ws_loadavg_running("0.5 0.4 0.3"), -1);
	assert_int_equal(ws_loadavg_running("0.5 0.4 0.3 9/4 1"), -1); /* more running than tasks */
	assert_int_equal(ws_loadavg_running("a b c 1/2 3"), -1);
}

static void test_free_within_usable(void **state)
{
	(void)state;
	int n = ws_cores_free();
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	assert_true(n >= 0);
	assert_true(n <= (online > 0 ? online : 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running_field),
		cmocka_unit_test(test_free_within_usable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
