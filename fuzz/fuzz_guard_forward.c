/* SPDX-License-Identifier: MIT */
/* Differential: what the normaliser decides against what the guard forwards
 * (issue 11: "no request the normaliser calls a worm or hostile may reach
 * the upstream"). Each input is a request head, judged as the guard judges
 * it (strict parse, ws_guard_judge) and read as the sensor reads it (lenient
 * parse, the worm table on the raw and the IIS-normalised target). Then:
 *  - if the sensor names a worm, or the normalised path carries a hostile
 *    encoding, the guard must not forward;
 *  - a worm the guard names, the sensor names the same, with the same
 *    evasion flags (where it reads a request at all: it wants a method of
 *    letters);
 *  - a forwarded head, as the guard rebuilds it (ws_guard_build_head), must
 *    parse strictly with no flaw, keep the method and target byte for byte,
 *    and, read by the upstream, still name no worm and carry no hostile
 *    encoding: the upstream sees nothing the guard did not judge. */
#include <stdio.h>

#include "classify/classify.h"
#include "fuzz.h"
#include "guard/forward.h"
#include "http/normalize.h"
#include "util/mem.h"

#define MAXH 32

/* Says which property broke, so a reproducer explains itself. */
static void broke(const char *what)
{
	fprintf(stderr, "fuzz_guard_forward: %s\n", what);
	abort();
}

static bool same(struct ws_str a, struct ws_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* The sensor's view of p[0..n): -1 when it reads no request there, else
 * whether it names a worm (*v filled). */
static int sensor_verdict(const char *p, size_t n, struct ws_verdict *v)
{
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	if (ws_http_parse_request(p, n, 8192, WS_HTTP_LENIENT, &r, hdr, MAXH) <= 0 || !r.target.n)
		return -1;
	struct ws_request q;
	ws_http_to_request(&r, &q);
	return ws_classify(&q, v);
}

/* True when the sensor's view of p[0..n) names a worm or a hostile path. */
static bool sensor_refuses(const char *p, size_t n)
{
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	if (ws_http_parse_request(p, n, 8192, WS_HTTP_LENIENT, &r, hdr, MAXH) <= 0 || !r.target.n)
		return false;
	struct ws_request q;
	ws_http_to_request(&r, &q);
	struct ws_verdict v;
	if (ws_classify(&q, &v))
		return true;
	char norm[WS_NORM_MAX];
	uint32_t flags;
	ws_normalize_path(q.path, q.form, norm, &flags);
	return (flags & WS_EV_HOSTILE) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	struct ws_http_header hdr[MAXH];
	struct ws_http_req r;
	int len = ws_http_parse_request(p, size, 8192, WS_HTTP_STRICT, &r, hdr, MAXH);
	if (len <= 0) {
		free(p);
		return 0;
	}
	struct ws_request q;
	ws_http_to_request(&r, &q);
	struct ws_verdict v;
	enum ws_guard_judgement j = ws_guard_judge(&r, &q, &v);
	if (j == WS_JUDGE_WORM) {
		/* What the guard names, a sensor that reads a request there names
		 * the same, with the same evasion flags. */
		struct ws_verdict s;
		int sv = sensor_verdict(p, (size_t)len, &s);
		if (sv == 0 || (sv == 1 && (s.worm != v.worm || s.evasion != v.evasion)))
			broke("the guard and the sensor name a worm request differently");
	}
	if (j != WS_JUDGE_FORWARD) {
		free(p);
		return 0;
	}
	if (sensor_refuses(p, (size_t)len))
		broke("the guard forwards what the sensor names or calls hostile");
	struct ws_buf b = {0};
	ws_guard_build_head(&r, "127.0.0.1", true, &b);
	char *f = fz_copy(b.p, b.n);
	struct ws_http_header fh[MAXH + 4];
	struct ws_http_req u;
	int flen = ws_http_parse_request(f, b.n, 1 << 20, WS_HTTP_STRICT, &u, fh, MAXH + 4);
	if (flen != (int)b.n || u.bad || !same(u.method, r.method) || !same(u.target, r.target) ||
	    !same(u.host, r.host) || u.content_length != r.content_length || u.chunked != r.chunked)
		broke("the upstream reads another request than the one judged");
	if (sensor_refuses(f, b.n))
		broke("the head forwarded is one the sensor names or calls hostile");
	free(f);
	ws_buf_free(&b);
	free(p);
	return 0;
}
