/* SPDX-License-Identifier: MIT */
/* cmocka helpers shared by the parser tests (tests/unit/test_logfmt_*.c).
 * Include after <cmocka.h>. Header-only, because each test file builds to its
 * own executable. */
#ifndef WS_TEST_PARSETEST_H
#define WS_TEST_PARSETEST_H

#include <string.h>

#include "guard.h"
#include "wormscope/request.h"

/* Fails unless the view holds exactly the bytes of want (length included, so
 * an embedded NUL or a missing tail cannot pass). */
static inline void assert_str(struct ws_str s, const char *want)
{
	if (s.n != strlen(want) || (s.n && memcmp(s.p, want, s.n) != 0))
		fail_msg("got '%.*s', want '%s'", (int)s.n, s.p ? s.p : "", want);
}

/* A cmocka teardown that unmaps the test's guard-page copies. */
static inline int release(void **state)
{
	(void)state;
	ws_guard_release();
	return 0;
}

#endif
