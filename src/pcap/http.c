/* SPDX-License-Identifier: MIT */
/* Streaming HTTP/1.x framing over reassembled TCP data (see http.h); the heads
 * themselves are read by the one tokenizer, http/request.c, in lenient mode.
 *
 * States: HUNT (not in step with the stream: look at each segment start for
 * a message start), HEAD (collecting a head up to its blank line), BODY
 * (skipping body_left bytes). A head that fits one segment is parsed in
 * place; only heads that span segments are copied, up to WS_HTTP_HEAD_MAX. */
#include "pcap/http.h"

#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "util/mem.h"

enum { HUNT = 0, HEAD, BODY };

/* Content recognition on any port: a request start as the tokenizer's
 * lenient mode sees it, or a status line. */
static int response_start(const uint8_t *p, size_t n)
{
	static const char pre[] = "HTTP/";
	size_t k = n < 5 ? n : 5;
	return memcmp(p, pre, k) == 0;
}

static int message_start(const struct ws_http_half *h, const uint8_t *p, size_t n)
{
	if (h->role != WS_HTTP_SERVER && ws_http_request_start((const char *)p, n, WS_HTTP_LENIENT))
		return WS_HTTP_CLIENT;
	if (h->role != WS_HTTP_CLIENT && response_start(p, n))
		return WS_HTTP_SERVER;
	return 0;
}

/* Offset just past the blank line ending a head in p[0..n), searching from
 * `from`; 0 when there is none yet. */
static size_t head_end(const char *p, size_t n, size_t from)
{
	const char *nl;
	while (from < n && (nl = memchr(p + from, '\n', n - from))) {
		size_t i = (size_t)(nl - p) + 1;
		if (i < n && p[i] == '\n')
			return i + 1;
		if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
		from = i;
	}
	return 0;
}

bool ws_cap_parse_request(const char *head, size_t n, struct ws_request *req, int64_t *clen,
			   bool *chunked)
{
	struct ws_http_req r;
	int rc = ws_http_parse_request(head, n, WS_HTTP_HEAD_MAX, WS_HTTP_LENIENT, &r, NULL, 0);
	ws_http_to_request(&r, req);
	*clen = r.content_length;
	*chunked = r.chunked;
	return rc > 0 && r.target.n > 0;
}

int ws_cap_parse_response(const char *head, size_t n, int64_t *clen, bool *chunked)
{
	struct ws_http_resp r;
	int rc = ws_http_parse_response(head, n, WS_HTTP_HEAD_MAX, WS_HTTP_LENIENT, &r, NULL, 0);
	*clen = r.content_length;
	*chunked = r.chunked;
	return rc > 0 ? r.status : -1;
}

static void drop_head(struct ws_http_half *h, const struct ws_http_sink *k)
{
	if (h->head && k->mem)
		*k->mem -= h->head_cap;
	free(h->head);
	h->head = NULL;
	h->head_n = h->head_cap = 0;
}

void ws_http_half_free(struct ws_http_half *h, const struct ws_http_sink *k)
{
	drop_head(h, k);
}

/* A complete (or, when cut, partial) head: reports it and sets up the body. */
static void on_head(struct ws_http_half *h, const char *p, size_t n, bool cut,
		    const struct ws_http_sink *k, void *ctx)
{
	int64_t clen;
	bool chunked;
	int role = message_start(h, (const uint8_t *)p, n);
	h->state = HEAD;
	h->body_left = 0;
	if (role == WS_HTTP_CLIENT) {
		struct ws_request req;
		h->role = WS_HTTP_CLIENT;
		if (ws_cap_parse_request(p, n, &req, &clen, &chunked)) {
			req.truncated = cut || req.truncated;
			k->request(ctx, &req, p, n);
		}
		/* A request without Content-Length has no body (RFC 9112 6.3). */
		if (chunked)
			h->state = HUNT;
		else if (clen > 0)
			h->body_left = (uint64_t)clen;
	} else if (role == WS_HTTP_SERVER) {
		h->role = WS_HTTP_SERVER;
		int status = ws_cap_parse_response(p, n, &clen, &chunked);
		if (status < 0) {
			h->state = HUNT;
		} else if (status < 200) {
			/* interim answer: the final one follows */
		} else {
			bool bodyless = k->response(ctx, status, clen);
			if (bodyless || status == 204 || status == 304)
				h->body_left = 0;
			else if (chunked || clen < 0)
				h->state = HUNT; /* body runs to a chunk end or the close */
			else
				h->body_left = (uint64_t)clen;
		}
	} else {
		h->state = HUNT;
	}
	if (cut)
		h->state = HUNT;
	if (h->state == HEAD && h->body_left)
		h->state = BODY;
}

/* Copies p[0..n) after the buffered part of a head; false when that would
 * pass WS_HTTP_HEAD_MAX or the memory cap (then only what fits is kept). */
static bool keep(struct ws_http_half *h, const uint8_t *p, size_t n, const struct ws_http_sink *k)
{
	size_t want = h->head_n + n;
	bool fits = want <= WS_HTTP_HEAD_MAX;
	if (!fits)
		want = WS_HTTP_HEAD_MAX;
	if (want > h->head_cap) {
		size_t cap = h->head_cap ? h->head_cap : 1024;
		while (cap < want)
			cap *= 2;
		if (cap > WS_HTTP_HEAD_MAX)
			cap = WS_HTTP_HEAD_MAX;
		size_t budget = k->mem && *k->mem < k->mem_cap ? k->mem_cap - *k->mem : 0;
		if (k->mem && cap - h->head_cap > budget) {
			cap = h->head_cap + budget;
			fits = false;
			if (want > cap)
				want = cap;
		}
		if (cap > h->head_cap) {
			if (k->mem)
				*k->mem += cap - h->head_cap;
			h->head = ws_xreallocarray(h->head, cap, 1);
			h->head_cap = (uint32_t)cap;
		}
	}
	if (want > h->head_n) {
		memcpy(h->head + h->head_n, p, want - h->head_n);
		h->head_n = (uint32_t)want;
	}
	return fits;
}

/* Reports a partial head as truncated and loses step with the stream. */
static void cut_head(struct ws_http_half *h, const struct ws_http_sink *k, void *ctx)
{
	if (h->head_n)
		on_head(h, h->head, h->head_n, true, k, ctx);
	drop_head(h, k);
	h->state = HUNT;
}

void ws_http_data(struct ws_http_half *h, const uint8_t *p, size_t n,
		  const struct ws_http_sink *k, void *ctx)
{
	if (h->state == HUNT) {
		if (!n || !message_start(h, p, n))
			return;
		h->state = HEAD;
	}
	while (n) {
		if (h->state == BODY) {
			size_t skip = h->body_left < n ? (size_t)h->body_left : n;
			p += skip;
			n -= skip;
			h->body_left -= skip;
			if (!h->body_left)
				h->state = HEAD;
			continue;
		}
		if (h->state != HEAD)
			return;
		if (!h->head_n) {
			/* Clients may send a CRLF between requests. */
			while (n && (*p == '\r' || *p == '\n')) {
				p++;
				n--;
			}
			if (!n)
				return;
			if (!message_start(h, p, n)) {
				h->state = HUNT;
				return;
			}
			size_t e = head_end((const char *)p, n, 0);
			if (e) {
				on_head(h, (const char *)p, e, false, k, ctx);
				p += e;
				n -= e;
				continue;
			}
		}
		size_t old = h->head_n;
		bool fits = keep(h, p, n, k);
		size_t e = head_end(h->head, h->head_n, old > 2 ? old - 2 : 0);
		if (e) {
			size_t used = e - old;
			on_head(h, h->head, e, false, k, ctx);
			drop_head(h, k);
			p += used;
			n -= used;
			continue;
		}
		if (!fits && !h->head_n) {
			/* Nothing could be kept: report what this segment holds. */
			on_head(h, (const char *)p, n < WS_HTTP_HEAD_MAX ? n : WS_HTTP_HEAD_MAX, true, k,
				ctx);
			h->state = HUNT;
		} else if (!fits) {
			cut_head(h, k, ctx);
		}
		return;
	}
}

void ws_http_gap(struct ws_http_half *h, uint64_t n, const struct ws_http_sink *k, void *ctx)
{
	if (h->state == BODY && n < h->body_left) {
		h->body_left -= n; /* a lost body segment does not lose the step */
		return;
	}
	if (h->state == BODY && n == h->body_left) {
		h->body_left = 0;
		h->state = HEAD;
		return;
	}
	cut_head(h, k, ctx);
}

void ws_http_end(struct ws_http_half *h, const struct ws_http_sink *k, void *ctx)
{
	cut_head(h, k, ctx);
}
