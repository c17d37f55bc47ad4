/* SPDX-License-Identifier: MIT */
/* Fuzzes the guard's request-head parser, response-head parser and chunked
 * walker (src/guard/http.c) - the code that stands between hostile clients
 * and a fragile upstream. Each input is parsed from an exact-size heap copy
 * (so ASan sees any over-read) as a request head, then as a response head,
 * then fed to the chunked walker whole and in two pieces split at byte 0's
 * value; both walks must agree. Parsed requests are classified and their
 * views must lie inside the input. */
#include "classify/classify.h"
#include "fuzz.h"
#include "http/request.h"

#define MAXH 64

static void check_headers(const struct ws_http_header *h, size_t n, const char *p, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (!fz_inside(h[i].name, p, len, NULL, 0) || !fz_inside(h[i].value, p, len, NULL, 0))
			abort();
}

static void fuzz_request(const char *p, size_t n)
{
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	int rc = ws_http_parse_request(p, n, 8192, WS_HTTP_STRICT, &r, hdr, MAXH);
	if (rc == WS_HTTP_MORE || rc == WS_HTTP_TOOBIG || rc == WS_HTTP_TOOMANY)
		return;
	if (rc <= 0 || (size_t)rc > n || r.nhdr > MAXH)
		abort();
	check_headers(hdr, r.nhdr, p, n);
	struct ws_request q = {.method = r.method, .path = r.path, .query = r.query,
			       .has_query = r.has_query, .proto = r.proto, .proto_logged = true,
			       .agent = r.agent, .referer = r.referer, .host = r.host,
			       .status = -1, .bytes = -1, .src_port = -1, .dst_port = -1};
	fz_check_request(&q, p, n, NULL, 0);
	struct ws_verdict v;
	ws_classify(&q, &v);
	fz_sink((unsigned)v.worm);
}

static void fuzz_response(const char *p, size_t n)
{
	struct ws_http_header hdr[MAXH];
	struct ws_http_resp r;
	int rc = ws_http_parse_response(p, n, 8192, WS_HTTP_STRICT, &r, hdr, MAXH);
	if (rc > 0) {
		if ((size_t)rc > n)
			abort();
		check_headers(hdr, r.nhdr, p, n);
	}
}

static void fuzz_chunked(const char *p, size_t n)
{
	struct ws_chunked a = {0}, b = {0};
	bool done_a, done_b = false;
	long whole = ws_chunked_feed(&a, p, n, &done_a);
	size_t cut = n ? (unsigned char)p[0] % (n + 1) : 0;
	long first = ws_chunked_feed(&b, p, cut, &done_b);
	long total = first;
	if (first >= 0 && !done_b) {
		long second = ws_chunked_feed(&b, p + cut, n - cut, &done_b);
		total = second < 0 ? -1 : first + second;
	}
	if (whole > (long)n || total > (long)n)
		abort();
	/* Pieces may only differ from the whole walk by failing the same way. */
	if ((whole < 0) != (total < 0) || (whole >= 0 && (whole != total || done_a != done_b)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	fuzz_request(p, size);
	fuzz_response(p, size);
	fuzz_chunked(p, size);
	free(p);
	return 0;
}
