/* SPDX-License-Identifier: MIT */
/* The request-line splitting and field helpers every parser shares. */
#include "logfmt/fields.h"

#include <string.h>

#include "util/addr.h"
#include "util/str.h"

void ws_request_reset(struct ws_request *req)
{
	memset(req, 0, sizeof(*req));
	req->src_port = req->dst_port = -1;
	req->status = -1;
	req->bytes = -1;
	req->proto_logged = true;
}

void ws_split_target(const char *p, size_t n, struct ws_request *req)
{
	const char *q = memchr(p, '?', n);
	if (q) {
		req->path = (struct ws_str){p, (size_t)(q - p)};
		req->query = (struct ws_str){q + 1, n - (size_t)(q - p) - 1};
		req->has_query = true;
	} else {
		req->path = (struct ws_str){p, n};
		req->query = (struct ws_str){p + n, 0};
		req->has_query = false;
	}
}

static bool is_proto(const char *p, size_t n)
{
	return n >= 5 && (memcmp(p, "HTTP/", 5) == 0 || memcmp(p, "http/", 5) == 0);
}

bool ws_split_request_line(const char *p, size_t n, struct ws_request *req)
{
	struct ws_str s = ws_str_trim((struct ws_str){p, n});
	const char *sp = memchr(s.p, ' ', s.n);
	if (!sp || sp == s.p)
		return false;
	req->method = (struct ws_str){s.p, (size_t)(sp - s.p)};
	const char *t = sp;
	const char *end = s.p + s.n;
	while (t < end && *t == ' ')
		t++;
	if (t == end)
		return false;
	/* The protocol is the last token when it looks like HTTP/x; everything
	 * between is the target, even if it holds spaces (old Apache logged raw
	 * spaces) - but trailing spaces before the protocol are framing. */
	const char *last = end;
	while (last > t && last[-1] != ' ')
		last--;
	const char *tend = end;
	req->proto = (struct ws_str){end, 0};
	if (last > t && is_proto(last, (size_t)(end - last))) {
		req->proto = (struct ws_str){last, (size_t)(end - last)};
		tend = last;
		while (tend > t && tend[-1] == ' ')
			tend--;
	}
	ws_split_target(t, (size_t)(tend - t), req);
	return true;
}

bool ws_xff_first(struct ws_str v, struct ws_addr *a)
{
	const char *c = memchr(v.p, ',', v.n);
	if (c)
		v.n = (size_t)(c - v.p);
	/* IIS writes the spaces of a list as '+'. */
	while (v.n && (v.p[0] == '+' || v.p[0] == ' ')) {
		v.p++;
		v.n--;
	}
	v = ws_str_trim(v);
	if (v.n > 2 && v.p[0] == '[') {
		const char *rb = memchr(v.p, ']', v.n);
		if (rb)
			v = (struct ws_str){v.p + 1, (size_t)(rb - v.p - 1)};
	}
	return ws_addr_parse(v, a, NULL);
}
