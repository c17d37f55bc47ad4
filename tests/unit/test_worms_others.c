/* SPDX-License-Identifier: MIT */
/* The smaller table entries - WebDAV SEARCH overflow (webdav-search),
 * nsiislog.dll probes (nsiislog), the /sumthin scanner (sumthin) - and the
 * near-miss set: ordinary requests that share a word, an extension or a
 * directory with a worm's request and must get no verdict at all, checked on
 * hand-built requests and through the NCSA parser with each line against a
 * guard page. */
#include <stdlib.h>

#include "wormtest.h"

#define expect(r, worm, conf, sig, variant) wt_expect(r, worm, conf, sig, variant, 0)

/* "/" followed by copies of unit up to n bytes in all. */
static char *target_of(const char *unit, size_t n)
{
	char *t = malloc(n + 1);
	assert_non_null(t);
	t[0] = '/';
	size_t u = strlen(unit);
	for (size_t i = 1; i < n; i++)
		t[i] = unit[(i - 1) % u];
	t[n] = '\0';
	return t;
}

static void test_webdav_search(void **state)
{
	(void)state;
	/* Apache logs the sled escaped: SEARCH /\x90\x04H\x04H... (the text
	 * backslash-x-9-0, not the byte). */
	char *t = target_of("\\x90\\x04H\\x04H", 20000);
	struct ws_request r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "webdav-search", WS_CONF_EXACT, "webdav-search.sled", NULL);
	r = make_req("search", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "webdav-search", WS_CONF_EXACT, "webdav-search.sled", NULL);
	/* The same target with GET is not this exploit. */
	r = make_req("GET", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	struct ws_verdict v;
	assert_false(ws_classify(&r, &v));
	free(t);

	t = target_of("\\x90\\x04H", 2000);
	r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "webdav-search", WS_CONF_PARTIAL, "webdav-search.sled",
	       "shorter than the exploit's target");
	free(t);
	t = target_of("%u9090", 10000);
	r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "webdav-search", WS_CONF_EXACT, "webdav-search.sled", NULL);
	free(t);
	/* Long but no sled: 10000 is the threshold. */
	t = target_of("A", 10000);
	r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "webdav-search", WS_CONF_HEURISTIC, "webdav-search.long", NULL);
	t[9999] = '\0';
	r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	assert_false(ws_classify(&r, &v));
	free(t);
	/* A sled under 1024 bytes is too short to count. */
	t = target_of("\\x90\\x04H", 1023);
	r = make_req("SEARCH", t, NULL, "HTTP/1.1", WS_TARGET_RAW);
	assert_false(ws_classify(&r, &v));
	free(t);
}

static void test_webdav_search_ncsa(void **state)
{
	(void)state;
	char *t = target_of("\\x90\\x02\\xb1\\x02", 24000);
	size_t cap = 24200;
	char *line = malloc(cap);
	assert_non_null(line);
	int n = snprintf(line, cap,
			 "192.0.2.14 - - [11/Mar/2005:04:12:55 +0100] \"SEARCH %s HTTP/1.1\" 414 347 "
			 "\"-\" \"-\"",
			 t);
	assert_true(n > 0 && (size_t)n < cap);
	struct ws_request r;
	assert_int_equal(ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n, &r),
			 WS_PARSE_OK);
	assert_int_equal(r.status, 414);
	expect(&r, "webdav-search", WS_CONF_EXACT, "webdav-search.sled", NULL);
	ws_guard_release();
	free(line);
	free(t);
}

static void test_nsiislog(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/scripts/nsiislog.dll", NULL, "HTTP/1.1",
				       WS_TARGET_RAW);
	expect(&r, "nsiislog", WS_CONF_EXACT, "nsiislog.scripts", NULL);
	r = make_req("POST", "/Scripts/NSIISLOG.DLL", NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "nsiislog", WS_CONF_EXACT, "nsiislog.scripts", NULL);
	r = make_req("GET", "/nsiislog.dll", NULL, "HTTP/1.1", WS_TARGET_RAW);
	expect(&r, "nsiislog", WS_CONF_PARTIAL, "nsiislog.other", NULL);
	r = make_req("", "/var/www/scripts/nsiislog.dll", NULL, NULL, WS_TARGET_FSPATH);
	expect(&r, "nsiislog", WS_CONF_HEURISTIC, "nsiislog.errorlog",
	       "error log: request not logged");
}

static void test_sumthin(void **state)
{
	(void)state;
	struct ws_request r = make_req("GET", "/sumthin", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "sumthin", WS_CONF_EXACT, "sumthin.get", NULL);
	r = make_req("GET", "/SUMTHIN", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "sumthin", WS_CONF_EXACT, "sumthin.get", NULL);
	r = make_req("HEAD", "/sumthin", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "sumthin", WS_CONF_PARTIAL, "sumthin.other", NULL);
	r = make_req("get", "/sumthin", NULL, "HTTP/1.0", WS_TARGET_RAW);
	expect(&r, "sumthin", WS_CONF_PARTIAL, "sumthin.other", NULL);
	r = make_req("", "/var/www/html/sumthin", NULL, NULL, WS_TARGET_FSPATH);
	expect(&r, "sumthin", WS_CONF_HEURISTIC, "sumthin.errorlog",
	       "error log: request not logged");
}

static void test_others_ncsa(void **state)
{
	(void)state;
	static const struct {
		const char *line, *worm, *sig;
	} cases[] = {
		{"192.0.2.1 - - [25/Jun/2003:10:00:00 +0000] \"GET /scripts/nsiislog.dll HTTP/1.1\" "
		 "404 295",
		 "nsiislog", "nsiislog.scripts"},
		{"192.0.2.1 - - [25/Jun/2003:10:00:00 +0000] \"GET /scripts/nsiislog.dll\" 404 295",
		 "nsiislog", "nsiislog.scripts"},
		{"192.0.2.1 - - [01/Jan/2004:10:00:00 +0000] \"GET /sumthin HTTP/1.0\" 404 283 \"-\" "
		 "\"-\"",
		 "sumthin", "sumthin.get"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].line);
		struct ws_request r;
		assert_int_equal(ws_parse_ncsa(ws_guard_copy(cases[i].line, n), n, &r),
				 WS_PARSE_OK);
		struct ws_verdict v;
		assert_true(ws_classify(&r, &v));
		assert_int_equal(v.worm, ws_worm_index(cases[i].worm));
		assert_string_equal(v.sig->name, cases[i].sig);
	}
	ws_guard_release();
}

/* Requests that look a little like worm traffic and are not. */
static const struct {
	const char *method, *target;
} near_miss[] = {
	{"GET", "/idaho/"},
	{"GET", "/media.ida.png"},
	{"GET", "/docs/cmd.exe.html"},
	{"GET", "/search?q=root.exe"},
	{"GET", "/search?q=default.ida"},
	{"GET", "/blog/cmd-exe-tips"},
	{"GET", "/ida/"},
	{"GET", "/data.idx"},
	{"GET", "/scripts/rootexe"},
	{"GET", "/nimda.html"},
	{"GET", "/?q=..%c0%af"},
	{"GET", "/index.php?file=..%5c..%5cboot.ini"},
	{"SEARCH", "/"},
	{"SEARCH", "/docs/?q=x"},
	{"GET", "/sumthing"},
	{"GET", "/sumthin.html"},
	{"GET", "/sumthin/"},
	{"GET", "/blog/sumthin"},
	{"GET", "/NSIISLOG.txt"},
	{"GET", "/scripts/nsiislog.dll.bak"},
	{"GET", "/cmd.exe"},
	{"GET", "/downloads/cmd.exe?version=2"},
	{"GET", "/default.idaa"},
	{"GET", "/default.ida.html"},
	{"GET", "/default.ida/"},
	{"GET", "/c/readme.txt"},
	{"GET", "/d/"},
	{"GET", "/winnt/"},
	{"GET", "/scripts/"},
	{"GET", "/msadc/"},
	{"GET", "/_vti_bin/shtml.dll"},
	{"GET", "/scripts/root.exe.txt"},
	{"GET", "/wiki/Code_Red_II"},
	{"GET", "/NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"},
	{"GET", "/redirect?to=/default.ida?NNNNNNNNNNNNNNNNNNNNNNNNNNNN"},
	{"GET", "/..."},
	{"GET", "/a..b/c"},
	{"OPTIONS", "*"},
	{"PROPFIND", "/"},
};

static void test_near_misses(void **state)
{
	(void)state;
	size_t count = sizeof(near_miss) / sizeof(near_miss[0]);
	assert_true(count >= 25);
	for (size_t i = 0; i < count; i++) {
		/* Through the NCSA parser, both with and without a protocol. */
		for (int proto = 0; proto < 2; proto++) {
			char line[512];
			int n = snprintf(line, sizeof(line),
					 "192.0.2.8 - - [18/Sep/2001:13:45:01 -0400] \"%s %s%s\" 200 "
					 "512 \"-\" \"Mozilla/4.0\"",
					 near_miss[i].method, near_miss[i].target,
					 proto ? " HTTP/1.1" : "");
			struct ws_request r;
			assert_int_equal(ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n,
						       &r),
					 WS_PARSE_OK);
			struct ws_verdict v;
			if (ws_classify(&r, &v))
				fail_msg("near miss %zu \"%s %s\" got %s", i, near_miss[i].method,
					 near_miss[i].target, v.sig->name);
			assert_int_equal(v.worm, -1);
			assert_null(v.sig);
			assert_int_equal(v.nimda_mask, 0);
		}
		ws_guard_release();
		/* As an IIS log would give it (stem and query apart, decoded form). */
		struct ws_request r;
		ws_request_reset(&r);
		r.method = ws_str_make(near_miss[i].method, strlen(near_miss[i].method));
		ws_split_target(near_miss[i].target, strlen(near_miss[i].target), &r);
		r.proto_logged = false;
		r.form = WS_TARGET_DECODED;
		struct ws_verdict v;
		if (ws_classify(&r, &v))
			fail_msg("near miss %zu (IIS form) got %s", i, v.sig->name);
	}
}

static void test_near_miss_file_paths(void **state)
{
	(void)state;
	/* Error-log file paths that are not a worm's. */
	static const char *const paths[] = {
		"/var/www/html/favicon.ico",
		"/var/www/html/idaho/index.html",
		"/var/www/html/cmd.exe",
		"/var/www/html/c/winnt/system32/cmd.exe",
		"/var/www/html/scripts/..%c0%af../winnt/system32/cmd.exe",
		"/var/www/html/sumthing",
		"/var/www/html/nsiislog.dll.txt",
		"/var/www/html/rootexe",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct ws_request r = make_req("", paths[i], NULL, NULL, WS_TARGET_FSPATH);
		struct ws_verdict v;
		if (ws_classify(&r, &v))
			fail_msg("file path %s got %s", paths[i], v.sig->name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webdav_search),
		cmocka_unit_test(test_webdav_search_ncsa),
		cmocka_unit_test(test_nsiislog),
		cmocka_unit_test(test_sumthin),
		cmocka_unit_test(test_others_ncsa),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_near_miss_file_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
