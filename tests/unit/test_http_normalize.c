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

/* One worm's request, with the keyword the encodings go to work on. */
struct base {
	const char *worm, *dir, *file, *query;
};

static char cr_q[600], crii_q[600];

static const struct base bases[] = {
	{"code-red", "", "default.ida", cr_q},
	{"code-red-ii", "", "default.ida", crii_q},
	{"nimda", "/scripts", "root.exe", "/c+dir"},
	{"nimda", "/c/winnt/system32", "cmd.exe", "/c+dir"},
	{"backdoor-use", "/scripts", "root.exe", "/c+echo+hi"},
	{"nsiislog", "/scripts", "nsiislog.dll", NULL},
	{"sumthin", "", "sumthin", NULL},
};

/* An encoding: how it rewrites the directory and file, and its flags. */
struct enc {
	const char *name;
	void (*apply)(char *dir, char *file);
	uint32_t flags;
};

static void esc_char(char *s, size_t at, const char *fmt, int c)
{
	char tail[512], e[32];
	snprintf(e, sizeof(e), fmt, c);
	snprintf(tail, sizeof(tail), "%s", s + at + 1);
	snprintf(s + at, 512 - at, "%s%s", e, tail);
}

static size_t dot_of(const char *f)
{
	const char *d = strrchr(f, '.');
	return d ? (size_t)(d - f) : strlen(f) - 1; /* no dot: the last letter */
}

static void e_pct(char *d, char *f) { (void)d; esc_char(f, 0, "%%%02x", f[0]); }
static void e_pct_dot(char *d, char *f)
{
	(void)d;
	size_t a = dot_of(f);
	esc_char(f, a, "%%%02X", (unsigned char)f[a]);
}
static void e_u(char *d, char *f) { (void)d; esc_char(f, 0, "%%u%04x", f[0]); }
static void e_full(char *d, char *f) { (void)d; esc_char(f, 0, "%%u%04x", f[0] + 0xfee0); }
static void e_double(char *d, char *f) { (void)d; esc_char(f, 0, "%%25%02x", f[0]); }
static void e_over2(char *d, char *f) { (void)d; esc_char(f, 0, "%%c1%%%02x", 0x80 | (f[0] & 0x3f)); }
static void e_over3(char *d, char *f) { (void)d; esc_char(f, 0, "%%e0%%81%%%02x", 0x80 | (f[0] & 0x3f)); }
/* run_case turns every separator into '\\' once the path is built */
static void e_bslash(char *d, char *f)
{
	(void)d;
	(void)f;
}
static void e_case(char *d, char *f)
{
	(void)d;
	for (char *c = f; *c; c++)
		*c = *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
}
static void e_param(char *d, char *f) { (void)d; strcat(f, ";x=1"); }
static void e_trail(char *d, char *f) { (void)d; strcat(f, ".%20."); }
static void e_stream(char *d, char *f) { (void)d; strcat(f, "::$data"); }
static void e_slashes(char *d, char *f) { (void)f; strcat(d, "/"); }
static void e_dotseg(char *d, char *f) { (void)f; strcat(d, "/./x/.."); }

static const struct enc encs[] = {
	{"percent", e_pct, WS_EV_PERCENT},
	{"percent-dot", e_pct_dot, WS_EV_PERCENT},
	{"unicode", e_u, WS_EV_UNICODE},
	{"full-width", e_full, WS_EV_UNICODE},
	{"double", e_double, WS_EV_DOUBLE | WS_EV_PERCENT},
	{"overlong-2", e_over2, WS_EV_OVERLONG},
	{"overlong-3", e_over3, WS_EV_OVERLONG},
	{"backslash", e_bslash, WS_EV_BACKSLASH},
	{"case", e_case, WS_EV_CASE},
	{"param", e_param, WS_EV_PARAM},
	{"trailing", e_trail, WS_EV_TRAILING},
	{"stream", e_stream, WS_EV_STREAM},
	{"slashes", e_slashes, WS_EV_SLASHES},
	{"dotseg", e_dotseg, WS_EV_DOTSEG},
};
#define NENC (sizeof(encs) / sizeof(encs[0]))

/* The letter-encoding rewrites all go to work on the first character, so
 * two of them do not combine; the rest combine with anything. */
static bool first_char(const struct enc *e)
{
	return e->apply == e_pct || e->apply == e_u || e->apply == e_full ||
	       e->apply == e_double || e->apply == e_over2 || e->apply == e_over3;
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

static int run_case(const struct base *b, const struct enc *x, const struct enc *y)
{
	char dir[512], file[512], path[1100];
	snprintf(dir, sizeof(dir), "%s", b->dir);
	snprintf(file, sizeof(file), "%s", b->file);
	x->apply(dir, file);
	uint32_t want = x->flags;
	if (y) {
		y->apply(dir, file);
		want |= y->flags;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (want & WS_EV_BACKSLASH)
		for (char *c = path; *c; c++)
			*c = *c == '/' ? '\\' : *c;
	struct ws_request r = make_req("GET", path, b->query, "HTTP/1.0", WS_TARGET_RAW);
	struct ws_verdict v;
	bool hit = ws_classify(&r, &v);
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	/* Flags are owed only where the raw target did not already give this
	 * verdict (a case-blind signature sees through upper case itself). */
	/* Upper case alone leaves the raw verdict standing, whichever it is. */
	if (hit && want == WS_EV_CASE && v.evasion == 0)
		return 0;
	/* A /../ written with '\\' is itself a traversal token: a generic
	 * request that carries one may be named for it. */
	if (hit && strcmp(t[v.worm]->id, "iis-traversal") == 0 &&
	    (want & (WS_EV_DOTSEG | WS_EV_BACKSLASH)) == (WS_EV_DOTSEG | WS_EV_BACKSLASH) &&
	    t[ws_worm_index(b->worm)]->generic)
		return 0;
	if (!hit || strcmp(t[v.worm]->id, b->worm) != 0 ||
	    ((v.evasion & want) != want && !(v.evasion == 0 && raw_verdict_same(&r, &v)))) {
		char got[256];
		ws_evasion_list(v.evasion, got, sizeof(got));
		print_error("%s with %s%s%s: %s -> %s [%s]\n", b->worm, x->name, y ? "+" : "",
			    y ? y->name : "", path, hit ? t[v.worm]->id : "nothing", got);
		return 1;
	}
	return 0;
}

static void test_corpus(void **state)
{
	(void)state;
	snprintf(cr_q, sizeof(cr_q), "%s%s", WS_FILL224("N"), WS_CR_TAIL_TEXT);
	snprintf(crii_q, sizeof(crii_q), "%s%s", WS_FILL224("X"), WS_CR_TAIL_TEXT);
	int failed = 0, cases = 0;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t i = 0; i < NENC; i++) {
			failed += run_case(&bases[b], &encs[i], NULL);
			cases++;
			for (size_t k = i + 1; k < NENC; k++) {
				if (first_char(&encs[i]) && first_char(&encs[k]))
					continue;
				/* after ;x=1 a trailing dot or stream suffix is the
				 * parameter's, dropped with it */
				if (encs[i].apply == e_param &&
				    (encs[k].apply == e_trail || encs[k].apply == e_stream))
					continue;
				failed += run_case(&bases[b], &encs[i], &encs[k]);
				cases++;
			}
		}
	}
	print_message("%d evasion cases, %d failed\n", cases, failed);
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
