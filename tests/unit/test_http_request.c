/* SPDX-License-Identifier: MIT */
/* The one HTTP tokenizer (src/http/request.c) in both of its modes, table
 * driven: each row is a head and what the strict (guard) and the lenient
 * (capture sensor) parse must make of it. Both modes must split a head they
 * both accept the same way, so the guard classifies what the sensor sees.
 * Every head is parsed from a guard-page copy: a read past its end faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "http/request.h"

#define MAXH 8
#define ALL -1  /* rc: the whole input */

struct row {
	const char *in;
	/* strict */
	int s_rc;            /* ALL, or a WS_HTTP_* code */
	const char *s_bad;   /* NULL: forwardable */
	/* lenient */
	int l_rc;            /* ALL, a length, or WS_HTTP_NOTREQ */
	bool l_cut;
	/* the split both make (checked where the mode returned a head) */
	const char *method, *path, *query, *proto, *host;
	int64_t clen;
	bool chunked;
};

static const struct row rows[] = {
	{"GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n", ALL, NULL, ALL, false, "GET", "/a", "b",
	 "HTTP/1.1", "h", -1, false},
	/* Nimda's lower-case method: both read it; the guard forwards it. */
	{"get /scripts/root.exe?/c+dir HTTP/1.0\r\n\r\n", ALL, NULL, ALL, false, "get",
	 "/scripts/root.exe", "/c+dir", "HTTP/1.0", "", -1, false},
	/* Code Red's two spaces: read alike, never forwarded. */
	{"GET /default.ida?NNNN=a  HTTP/1.0\r\nContent-length: 3379\r\n\r\n", ALL,
	 "extra spaces in the request line", ALL, false, "GET", "/default.ida", "NNNN=a",
	 "HTTP/1.0", "", 3379, false},
	/* A raw space inside the target: the same target for both, refused. */
	{"GET /a b.ida HTTP/1.0\r\n\r\n", ALL, "space in the target", ALL, false, "GET",
	 "/a b.ida", "", "HTTP/1.0", "", -1, false},
	/* A head cut short (a capture's end, a lost segment): the guard waits
	 * for more; the sensor reads what is there and says it was cut. */
	{"GET /default.ida?XXXX", WS_HTTP_MORE, NULL, ALL, true, "GET", "/default.ida", "XXXX",
	 "", "", -1, false},
	{"GET /x HTTP/1.1\r\nHost: w\r\nUser-Agent: a", WS_HTTP_MORE, NULL, ALL, true, "GET", "/x",
	 "", "HTTP/1.1", "w", -1, false},
	/* More header lines than the caller stores: an error for the guard;
	 * the sensor still reads the framing on line 10. */
	{"POST /p HTTP/1.0\r\nA: 1\r\nA: 2\r\nA: 3\r\nA: 4\r\nA: 5\r\nA: 6\r\nA: 7\r\nA: 8\r\n"
	 "Content-Length: 4\r\n\r\n",
	 WS_HTTP_TOOMANY, NULL, ALL, false, "POST", "/p", "", "HTTP/1.0", "", 4, false},
	/* Not a request: TLS, a status line, a stream picked up mid-way. */
	{"\x16\x03\x01\x02\x80\r\n\r\n", ALL, "bad method", WS_HTTP_NOTREQ, false,
	 NULL, NULL, NULL, NULL, NULL, -1, false},
	{"kes-a-while.html HTTP/1.1\r\nHost: h\r\n\r\n", ALL, "no HTTP version (HTTP/0.9)",
	 WS_HTTP_NOTREQ, false,
	 NULL, NULL, NULL, NULL, NULL, -1, false},
	{"GETX/ HTTP/1.0\r\n\r\n", ALL, "bad method", WS_HTTP_NOTREQ, false,
	 NULL, NULL, NULL, NULL, NULL, -1, false},
	/* Absolute form: the authority is the host for both. */
	{"GET http://ex.test/p?q HTTP/1.1\r\n\r\n", ALL, NULL, ALL, false, "GET", "/p", "q",
	 "HTTP/1.1", "ex.test", -1, false},
	/* Framing that smuggles: both see the Transfer-Encoding. */
	{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
	 ALL, "both Transfer-Encoding and Content-Length", ALL, false, "POST", "/", "",
	 "HTTP/1.1", "h", 3, true},
	{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ALL, "several Host headers", ALL, false,
	 "GET", "/", "", "HTTP/1.1", "a", -1, false},
	/* Empty lines before the request line are skipped and counted. */
	{"\r\n\r\nGET / HTTP/1.0\r\n\r\n", ALL, NULL, ALL, false, "GET", "/", "", "HTTP/1.0", "",
	 -1, false},
	/* HTTP/0.9: only a sensor takes it. */
	{"GET /scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir\r\n\r\n", ALL,
	 "no HTTP version (HTTP/0.9)", ALL, false, "GET",
	 "/scripts/..%c0%af../winnt/system32/cmd.exe", "/c+dir", "", "", -1, false},
};

static bool is(struct ws_str s, const char *lit)
{
	return s.n == strlen(lit) && (s.n == 0 || memcmp(s.p, lit, s.n) == 0);
}

static void check_split(const struct row *w, const struct ws_http_req *r, const char *mode)
{
	if (!is(r->method, w->method) || !is(r->path, w->path) || !is(r->query, w->query) ||
	    !is(r->proto, w->proto) || !is(r->host, w->host) || r->content_length != w->clen ||
	    r->chunked != w->chunked) {
		fprintf(stderr, "%s %s: got method '%.*s' path '%.*s' query '%.*s' proto '%.*s' "
			"host '%.*s' clen %lld chunked %d\n",
			mode, w->in, (int)r->method.n, r->method.p, (int)r->path.n, r->path.p,
			(int)r->query.n, r->query.p, (int)r->proto.n, r->proto.p, (int)r->host.n,
			r->host.p, (long long)r->content_length, r->chunked);
		fail();
	}
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		size_t n = strlen(w->in);
		const char *p = ws_guard_copy(w->in, n);
		struct ws_http_header hdr[MAXH];
		struct ws_http_req r;
		int rc = ws_http_parse_request(p, n, 4096, WS_HTTP_STRICT, &r, hdr, MAXH);
		int want = w->s_rc == ALL ? (int)n : w->s_rc;
		if (rc != want) {
			fprintf(stderr, "strict %s: rc %d, want %d\n", w->in, rc, want);
			fail();
		}
		if (rc > 0) {
			if ((w->s_bad == NULL) != (r.bad == NULL) ||
			    (w->s_bad && strcmp(w->s_bad, r.bad) != 0)) {
				fprintf(stderr, "strict %s: bad '%s', want '%s'\n", w->in,
					r.bad ? r.bad : "(none)", w->s_bad ? w->s_bad : "(none)");
				fail();
			}
			if (w->method)
				check_split(w, &r, "strict");
		}
		rc = ws_http_parse_request(p, n, 4096, WS_HTTP_LENIENT, &r, hdr, MAXH);
		want = w->l_rc == ALL ? (int)n : w->l_rc;
		if (rc != want) {
			fprintf(stderr, "lenient %s: rc %d, want %d\n", w->in, rc, want);
			fail();
		}
		if (rc > 0) {
			assert_int_equal(r.cut, w->l_cut);
			assert_true(r.nhdr <= MAXH);
			check_split(w, &r, "lenient");
			struct ws_request q;
			ws_http_to_request(&r, &q);
			assert_true(q.truncated == w->l_cut);
			assert_true(is(q.path, w->path));
		}
		ws_guard_release();
	}
}

/* Every prefix of every row, both modes: no over-read, and a lenient parse
 * of a prefix never claims more bytes than it was given. */
static void test_prefixes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t n = strlen(rows[i].in);
		for (size_t k = 0; k <= n; k++) {
			const char *p = ws_guard_copy(rows[i].in, k);
			struct ws_http_header hdr[MAXH];
			struct ws_http_req r;
			int rc = ws_http_parse_request(p, k, 4096, WS_HTTP_LENIENT, &r, hdr, MAXH);
			assert_true(rc == WS_HTTP_NOTREQ || (rc > 0 && (size_t)rc <= k));
			rc = ws_http_parse_request(p, k, 4096, WS_HTTP_STRICT, &r, hdr, MAXH);
			assert_true(rc != WS_HTTP_NOTREQ && (rc < 0 || (size_t)rc <= k));
			ws_guard_release();
		}
	}
}

static const struct {
	const char *in;
	int strict, lenient;
} starts[] = {
	{"GET / HTTP/1.1", 1, 1},     {"get /", 1, 1},          {"GE", 1, 1},
	{"", 1, 1},                   {"\r\nGET /", 1, 1},      {"GET  /", 1, 1},
	{"M-SEARCH * HTTP/1.1", 1, 1}, {"GET http://h/", 1, 1}, {"\x16\x03\x01", 0, 0},
	{" GET /", 0, 0},             {"SSH-2.0-x\r\n", 0, 0},  {"GET.x /", 1, 0},
	{"VERSION-CONTROL x", 1, 0},   {"GETX/ HTTP/1.0", 0, 0},  {"GET \\scripts\\root.exe", 1, 1},
	{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA /", 0, 0}, /* 33: past WS_HTTP_METHOD_MAX */
};

static void test_request_start(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		size_t n = strlen(starts[i].in);
		const char *p = ws_guard_copy(starts[i].in, n);
		if (ws_http_request_start(p, n, WS_HTTP_STRICT) != starts[i].strict ||
		    ws_http_request_start(p, n, WS_HTTP_LENIENT) != starts[i].lenient) {
			fprintf(stderr, "start '%s': strict %d lenient %d\n", starts[i].in,
				ws_http_request_start(p, n, WS_HTTP_STRICT),
				ws_http_request_start(p, n, WS_HTTP_LENIENT));
			fail();
		}
		ws_guard_release();
	}
}

static const struct {
	const char *in;
	int strict, lenient; /* status, or -1 */
	int64_t clen;
} answers[] = {
	{"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", 200, 200, 12},
	{"HTTP/1.0 404\r\n\r\n", 404, 404, -1},
	{"HTTP/2 200 OK\r\n\r\n", -1, 200, -1},      /* a sensor reads what it gets */
	{"HTTP/1.1 2x0 OK\r\n\r\n", -1, -1, -1},
	{"HTTP/1.1 200 OK\r\nContent-Len", -1, 200, -1}, /* cut: strict waits (MORE) */
};

static void test_responses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		size_t n = strlen(answers[i].in);
		const char *p = ws_guard_copy(answers[i].in, n);
		struct ws_http_header hdr[MAXH];
		struct ws_http_resp r;
		int rc = ws_http_parse_response(p, n, 4096, WS_HTTP_STRICT, &r, hdr, MAXH);
		int st = rc > 0 ? r.status : -1;
		assert_int_equal(st, answers[i].strict);
		rc = ws_http_parse_response(p, n, 4096, WS_HTTP_LENIENT, &r, hdr, MAXH);
		assert_int_equal(rc, (int)n);
		assert_int_equal(r.status, answers[i].lenient);
		assert_int_equal(r.content_length, answers[i].clen);
		ws_guard_release();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_request_start),
		cmocka_unit_test(test_responses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
