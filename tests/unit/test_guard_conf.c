/* SPDX-License-Identifier: MIT */
/* The guard's settings (src/guard/conf.c): defaults, the setter the command
 * line and the config file share, listen/upstream pairing, the file format
 * and its path:line errors. Config text is parsed from guard-page copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "guard/guard.h"

static int parse(struct ws_guard_conf *c, const char *text, struct ws_err *err)
{
	const char *p = ws_guard_copy(text, strlen(text));
	return ws_guard_conf_parse(c, "g.conf", p, strlen(text), err);
}

static void test_defaults(void **state)
{
	(void)state;
	struct ws_guard_conf c;
	ws_guard_conf_init(&c);
	assert_int_equal(c.action[ws_worm_index("code-red")], WS_ACT_TARPIT);
	assert_int_equal(c.action[ws_worm_index("code-red-ii")], WS_ACT_TARPIT);
	assert_int_equal(c.action[ws_worm_index("nimda")], WS_ACT_REJECT);
	assert_int_equal(c.action[ws_worm_index("sumthin")], WS_ACT_CLOSE);
	assert_int_equal(c.threads, 1);
	struct ws_err err;
	assert_int_equal(ws_guard_conf_check(&c, &err), WS_EUSAGE); /* nothing to guard */
	ws_guard_conf_free(&c);
}

static void test_file(void **state)
{
	(void)state;
	struct ws_guard_conf c;
	struct ws_err err;
	ws_guard_conf_init(&c);
	assert_int_equal(parse(&c,
			       "# comment\r\n\n"
			       "listen 127.0.0.1:80 upstream 127.0.0.1:8080   # inline comment\n"
			       "listen [::1]:81\nupstream [::1]:8081\n"
			       "action all=close\naction nimda=tarpit\n"
			       "max-conns 10\nmax-tarpit 5\nheader-timeout 2.5\nsource-rate 0",
			       &err),
			 0);
	assert_int_equal(ws_guard_conf_check(&c, &err), 0);
	assert_int_equal(c.npairs, 2);
	assert_string_equal(c.pairs[1].listen, "[::1]:81");
	assert_string_equal(c.pairs[1].upstream, "[::1]:8081");
	assert_int_equal(c.action[ws_worm_index("code-red")], WS_ACT_CLOSE);
	assert_int_equal(c.action[ws_worm_index("nimda")], WS_ACT_TARPIT);
	assert_int_equal(c.max_conns, 10);
	assert_true(c.header_timeout == 2.5);
	assert_true(c.source_rate == 0);
	ws_guard_conf_free(&c);
	ws_guard_release();
}

static void expect_error(const char *text, const char *msg)
{
	struct ws_guard_conf c;
	struct ws_err err;
	ws_guard_conf_init(&c);
	assert_int_equal(parse(&c, text, &err), WS_EUSAGE);
	assert_string_equal(err.msg, msg);
	ws_guard_conf_free(&c);
	ws_guard_release();
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("\n\nbogus 1\n", "g.conf:3: unknown setting 'bogus'");
	expect_error("max-conns ten\n", "g.conf:1: --max-conns: 'ten' is not a number in [1, 1e+06]");
	expect_error("max-conns 1.5\n", "g.conf:1: --max-conns: '1.5' is not a whole number");
	expect_error("header-timeout 0\n",
		     "g.conf:1: --header-timeout: '0' is not a number in [0.01, 3600]");
	expect_error("action code-red\n", "g.conf:1: --action: 'code-red' is not WORM=ACTION");
	expect_error("action slammer=close\n",
		     "g.conf:1: --action: unknown worm 'slammer' (see wormscope worms, or 'all')");
	expect_error("action nimda=drop\n",
		     "g.conf:1: --action: 'nimda=drop': action must be close, reject or tarpit");
	expect_error("listen nowhere\n", "g.conf:1: --listen: 'nowhere' is not ADDR:PORT");
	expect_error("listen 1.2.3.4:99999\n", "g.conf:1: --listen: '1.2.3.4:99999' is not ADDR:PORT");
	expect_error("a b c\n",
		     "g.conf:1: expected 'KEY VALUE' or 'listen ADDR:PORT upstream ADDR:PORT'");
	char nul[] = "max-conns 1\nx\0y 2\n";
	struct ws_guard_conf c;
	struct ws_err err;
	ws_guard_conf_init(&c);
	const char *p = ws_guard_copy(nul, sizeof(nul) - 1);
	assert_int_equal(ws_guard_conf_parse(&c, "g.conf", p, sizeof(nul) - 1, &err), WS_EUSAGE);
	assert_string_equal(err.msg, "g.conf:2: NUL byte");
	ws_guard_conf_free(&c);
	ws_guard_release();
}

static void test_pairs(void **state)
{
	(void)state;
	struct ws_guard_conf c;
	struct ws_err err;
	ws_guard_conf_init(&c);
	/* An upstream first, then its listen; then a listen left without one. */
	assert_int_equal(ws_guard_conf_set(&c, "upstream", "127.0.0.1:1", &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "listen", "127.0.0.1:2", &err), 0);
	assert_int_equal(ws_guard_conf_check(&c, &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "listen", "127.0.0.1:3", &err), 0);
	assert_int_equal(ws_guard_conf_check(&c, &err), WS_EUSAGE);
	assert_string_equal(err.msg, "--listen 127.0.0.1:3 needs an --upstream");
	assert_int_equal(ws_guard_conf_set(&c, "upstream", "127.0.0.1:4", &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "listen", "127.0.0.1:2", &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "upstream", "127.0.0.1:5", &err), 0);
	assert_int_equal(ws_guard_conf_check(&c, &err), WS_EUSAGE);
	assert_string_equal(err.msg, "--listen 127.0.0.1:2 given twice");
	ws_guard_conf_free(&c);
	ws_guard_conf_init(&c);
	assert_int_equal(ws_guard_conf_set(&c, "listen", "127.0.0.1:2", &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "upstream", "127.0.0.1:1", &err), 0);
	assert_int_equal(ws_guard_conf_set(&c, "max-conns", "5", &err), 0);
	assert_int_equal(ws_guard_conf_check(&c, &err), WS_EUSAGE);
	assert_string_equal(err.msg, "--max-tarpit exceeds --max-conns");
	ws_guard_conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
