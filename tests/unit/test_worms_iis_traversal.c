/* SPDX-License-Identifier: MIT */
/* IIS traversal and cmd.exe probes outside Nimda's sixteen (worm id
 * "iis-traversal"): each encoded "../" or "..\" token of the unicode
 * (MS00-078) and double-decoding (MS01-026) holes, with and without cmd.exe
 * or the Windows tree; cmd.exe asked with a shell command; tokens that sit
 * only in the query (not a path traversal); and the NCSA parser's form of the
 * probes with each line against a guard page. */
#include "wormtest.h"

#define expect(r, conf, sig) wt_expect(r, "iis-traversal", conf, sig, NULL, 0)

static void expect_none(const struct ws_request *r)
{
	struct ws_verdict v;
	assert_false(ws_classify(r, &v));
	assert_int_equal(v.worm, -1);
	assert_null(v.sig);
}

/* Every token the matcher knows, between /scripts/ and winnt/system32/cmd.exe. */
static const char *const tokens[] = {
	"..%255c", "..%25%35%63", "..%%35", "..%35c", "..%5c", "..%c0%af", "..%c0%2f", "..%c1%1c",
	"..%c1%9c", "..%c1%pc", "..%e0%80%af", "..%252f", ".%252e/", "..%u005c", "..%u2215",
	"..\xc0\xaf", /* ..\xc0\xaf (raw bytes, IIS-decoded) */
	"..\xc1\x1c", /* ..\xc1\x1c */
	"..\xc1\x9c", /* ..\xc1\x9c */
	"..\xc0/",    /* ..\xc0/ */
	"..\\",       /* ..\ */
};

static void test_every_token_to_cmd(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "/msadc/%s%s..%s/winnt/system32/cmd.exe", tokens[i],
			 tokens[i], tokens[i]);
		struct ws_request r = make_req("GET", path, "/c+dir+c:\\", "HTTP/1.0",
					       WS_TARGET_RAW);
		expect(&r, WS_CONF_EXACT, "iis-traversal.cmd");
		/* Upper-case hex is the same token. */
		for (size_t k = 2; path[k]; k++)
			if (path[k] >= 'a' && path[k] <= 'f' &&
			    (path[k - 1] == '%' || path[k - 2] == '%'))
				path[k] = (char)(path[k] - 32);
		r = make_req("GET", path, NULL, NULL, WS_TARGET_RAW);
		expect(&r, WS_CONF_EXACT, "iis-traversal.cmd");
	}
}

static void test_token_without_cmd(void **state)
{
	(void)state;
	/* sadmind/IIS-style tree walk to a file other than the shell. */
	struct ws_request r = make_req("GET", "/scripts/..%c0%af../..%c0%af../boot.ini", NULL,
				       "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "iis-traversal.encoded");
	/* To the Windows tree but not cmd.exe: still the probe's target. */
	r = make_req("GET", "/scripts/..%255c../winnt/system32/", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_EXACT, "iis-traversal.cmd");
}

static void test_cmd_exe_without_token(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/winnt/system32/cmd.exe", NULL, "HTTP/1.0",
				       WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "iis-traversal.cmd-exe");
	r = make_req("GET", "/bin/cmd.exe", "/c+dir", "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "iis-traversal.cmd-exe");
	r = make_req("GET", "/scripts/cmd1.exe", "/c%20dir", "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "iis-traversal.cmd-exe");
	r = make_req("GET", "/scripts/CMD.EXE", "/C+ver", "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, WS_CONF_PARTIAL, "iis-traversal.cmd-exe");
	/* cmd.exe as a download, with no command: not a probe. */
	r = make_req("GET", "/downloads/cmd.exe", NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect_none(&r);
	r = make_req("GET", "/downloads/cmd.exe", "version=2", "HTTP/1.1", WS_TARGET_RAW);
	expect_none(&r);
}

static void test_token_only_in_query(void **state)
{
	(void)state;
	/* IIS walks the tree with the URL's path, not its query: a token in the
	 * query of a harmless path is not this probe. */
	struct ws_request r = make_req("GET", "/", "q=..%c0%af", "HTTP/1.1", WS_TARGET_RAW);
	expect_none(&r);
	r = make_req("GET", "/index.php", "file=..%5c..%5cwinnt%5csystem32%5ccmd.exe",
		     "HTTP/1.1", WS_TARGET_RAW);
	expect_none(&r);
}

static void test_error_log_paths_ignored(void **state)
{
	(void)state;
	/* An error log's file path has been decoded and resolved by the server. */
	struct ws_request r = make_req("", "/var/www/html/scripts/..\\../winnt/system32/cmd.exe",
				       NULL, NULL, WS_TARGET_FSPATH);
	expect_none(&r);
}

static char line[4096];

static void test_ncsa_forms(void **state)
{
	(void)state;
	/* [ApacheWeek01]: "GET /scripts/..%255c../winnt/system32/cmd.exe?/c+dir"
	 * logged without a version, and a lower-case "get" seen in the wild. */
	static const char *const lines[] = {
		"203.0.113.9 - - [20/Sep/2001:11:02:03 +0200] "
		"\"GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+dir\" 404 -",
		"203.0.113.9 - - [20/Sep/2001:11:02:03 +0200] "
		"\"get /msadc/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir HTTP/1.0\" "
		"404 296 \"-\" \"-\"",
		"203.0.113.9 - - [20/Sep/2001:11:02:03 +0200] "
		"\"GET /iisadmpwd/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir "
		"HTTP/1.1\" 404 -",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t n = strlen(lines[i]);
		memcpy(line, lines[i], n);
		struct ws_request r;
		assert_int_equal(ws_parse_ncsa(ws_guard_copy(line, n), n, &r), WS_PARSE_OK);
		assert_int_equal(r.status, 404);
		assert_memory_equal(r.query.p, "/c+dir", 6);
		expect(&r, WS_CONF_EXACT, "iis-traversal.cmd");
	}
	ws_guard_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_token_to_cmd),
		cmocka_unit_test(test_token_without_cmd),
		cmocka_unit_test(test_cmd_exe_without_token),
		cmocka_unit_test(test_token_only_in_query),
		cmocka_unit_test(test_error_log_paths_ignored),
		cmocka_unit_test(test_ncsa_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
