/* SPDX-License-Identifier: MIT */
/* Fuzzes the one HTTP tokenizer (src/http/request.c) in both modes over an
 * exact-size heap copy (ASan sees any over-read). Beyond memory safety it
 * checks the contract the two modes share:
 *  - every view lies inside the input, every length is within it;
 *  - lenient never answers MORE/TOOBIG/TOOMANY, strict never NOTREQ;
 *  - a head the strict mode accepts whole (a length, no `bad`) and that
 *    starts as a sensor takes a request to start (its method letters only)
 *    is split exactly the same way by the lenient mode: the guard
 *    classifies what the sensor sees. */
#include "classify/classify.h"
#include "fuzz.h"
#include "http/request.h"

#define MAXH 16

static bool same(struct ws_str a, struct ws_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static void check_views(const struct ws_http_req *r, const char *p, size_t n)
{
	const struct ws_str v[] = {r->method, r->target, r->path, r->query,
				   r->proto,  r->host,   r->agent, r->referer};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].n && !fz_inside(v[i], p, n, NULL, 0))
			abort();
	for (size_t i = 0; i < r->nhdr; i++)
		if (!fz_inside(r->hdr[i].name, p, n, NULL, 0) ||
		    !fz_inside(r->hdr[i].value, p, n, NULL, 0))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	struct ws_http_header sh[MAXH], lh[MAXH];
	struct ws_http_req s, l;
	int rs = ws_http_parse_request(p, size, 8192, WS_HTTP_STRICT, &s, sh, MAXH);
	int rl = ws_http_parse_request(p, size, 8192, WS_HTTP_LENIENT, &l, lh, MAXH);
	if (rs == WS_HTTP_NOTREQ || rs == 0 || (rs > 0 && (size_t)rs > size))
		abort();
	if (rl == WS_HTTP_MORE || rl == WS_HTTP_TOOBIG || rl == WS_HTTP_TOOMANY || rl == 0 ||
	    (rl > 0 && (size_t)rl > size) || l.nhdr > MAXH)
		abort();
	if (rs > 0)
		check_views(&s, p, size);
	if (rl > 0) {
		check_views(&l, p, size);
		struct ws_request q;
		ws_http_to_request(&l, &q);
		fz_check_request(&q, p, size, NULL, 0);
		struct ws_verdict v;
		fz_sink(ws_classify(&q, &v));
	}
	if (rs > 0 && !s.bad && rl != WS_HTTP_NOTREQ) {
		if (rl != rs || l.cut || !same(s.method, l.method) || !same(s.target, l.target) ||
		    !same(s.path, l.path) || !same(s.query, l.query) || !same(s.proto, l.proto) ||
		    !same(s.host, l.host) || s.content_length != l.content_length ||
		    s.chunked != l.chunked || s.nhdr != l.nhdr)
			abort();
	}
	struct ws_http_resp a;
	int ra = ws_http_parse_response(p, size, 8192, WS_HTTP_LENIENT, &a, lh, MAXH);
	if (ra == 0 || (ra > 0 && (size_t)ra > size))
		abort();
	ra = ws_http_parse_response(p, size, 8192, WS_HTTP_STRICT, &a, sh, MAXH);
	if (ra == 0 || (ra > 0 && (size_t)ra > size))
		abort();
	free(p);
	return 0;
}
