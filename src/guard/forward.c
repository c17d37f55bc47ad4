/* SPDX-License-Identifier: MIT */
/* The guard's judgement of a request head and the head it forwards
 * (contracts in forward.h). */
#include "guard/forward.h"

#include <string.h>
#include <strings.h>

#include "classify/classify.h"
#include "http/normalize.h"

enum ws_guard_judgement ws_guard_judge(const struct ws_http_req *r, const struct ws_request *q,
				       struct ws_verdict *v)
{
	uint32_t path_flags = 0;
	if (r->target.n && ws_classify_flags(q, v, &path_flags))
		return WS_JUDGE_WORM;
	if (r->bad)
		return WS_JUDGE_MALFORMED;
	/* An encoding no client that means well sends (%u, %25xx, overlong
	 * UTF-8, NUL, ::$DATA, /../ past the root, an over-long path): URLScan
	 * refuses them too (docs/evasion.md). The upstream would decode them
	 * into a path that no signature here has seen, so they are not
	 * forwarded. */
	if (path_flags & WS_EV_HOSTILE)
		return WS_JUDGE_HOSTILE;
	return WS_JUDGE_FORWARD;
}


/* Per-request string work with literals: their lengths are known here. */
#define ADD_LIT(b, lit) ws_buf_add((b), (lit), sizeof(lit) - 1)
#define name_is(n, lit) name_eq((n), (lit), sizeof(lit) - 1)

static bool name_eq(struct ws_str n, const char *lit, size_t len)
{
	return n.n == len && strncasecmp(n.p, lit, len) == 0;
}

void ws_guard_add_value(struct ws_buf *b, const struct ws_http_header *h)
{
	if (!h->folded) {
		ws_buf_add(b, h->value.p, h->value.n);
		return;
	}
	bool ws = false;
	for (size_t i = 0; i < h->value.n; i++) {
		char ch = h->value.p[i];
		if (ch == '\r' || ch == '\n' || ch == ' ' || ch == '\t') {
			ws = true;
			continue;
		}
		if (ws)
			ws_buf_addc(b, ' ');
		ws = false;
		ws_buf_addc(b, ch);
	}
}

bool ws_guard_drop_header(const struct ws_http_header *hdr, size_t n,
			  const struct ws_http_header *h)
{
	if (ws_http_hop_by_hop(h->name))
		return true;
	for (size_t i = 0; i < n; i++)
		if (name_is(hdr[i].name, "connection") && ws_http_conn_lists(hdr[i].value, h->name))
			return true;
	return false;
}

void ws_guard_build_head(const struct ws_http_req *r, const char *src_ip, bool keepalive,
			 struct ws_buf *b)
{
	b->n = 0;
	ws_buf_add(b, r->method.p, r->method.n);
	ws_buf_addc(b, ' ');
	ws_buf_add(b, r->target.p, r->target.n);
	ws_buf_adds(b, r->minor == 0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
	if (r->nhost) {
		ADD_LIT(b, "Host: ");
		ws_buf_add(b, r->host.p, r->host.n);
		ADD_LIT(b, "\r\n");
	}
	size_t xff = 0, via = 0;
	for (size_t i = 0; i < r->nhdr; i++) {
		const struct ws_http_header *h = &r->hdr[i];
		if (name_is(h->name, "host") || ws_guard_drop_header(r->hdr, r->nhdr, h))
			continue;
		if (name_is(h->name, "x-forwarded-for")) {
			xff++;
			continue;
		}
		if (name_is(h->name, "via")) {
			via++;
			continue;
		}
		ws_buf_add(b, h->name.p, h->name.n);
		ADD_LIT(b, ": ");
		ws_guard_add_value(b, h);
		ADD_LIT(b, "\r\n");
	}
	const char *names[2] = {"x-forwarded-for", "via"};
	size_t counts[2] = {xff, via};
	for (int k = 0; k < 2; k++) {
		ws_buf_adds(b, k == 0 ? "X-Forwarded-For: " : "Via: ");
		for (size_t i = 0; counts[k] && i < r->nhdr; i++)
			if (name_eq(r->hdr[i].name, names[k], strlen(names[k]))) {
				ws_guard_add_value(b, &r->hdr[i]);
				ADD_LIT(b, ", ");
			}
		if (k == 0)
			ws_buf_adds(b, src_ip);
		else
			ws_buf_adds(b, r->minor == 0 ? "1.0 wormscope-guard" : "1.1 wormscope-guard");
		ADD_LIT(b, "\r\n");
	}
	if (!keepalive)
		ADD_LIT(b, "Connection: close\r\n");
	else if (r->minor == 0)
		ADD_LIT(b, "Connection: keep-alive\r\n");
	ADD_LIT(b, "\r\n");
}

