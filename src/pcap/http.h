/* SPDX-License-Identifier: MIT */
/* HTTP/1.x on a reassembled TCP byte stream, one direction at a time.
 *
 * The parser keeps only the head of the message in progress (request line or
 * status line and headers, at most WS_HTTP_HEAD_MAX bytes) and skips bodies
 * by Content-Length without buffering them, so every request of a keep-alive
 * or pipelined connection is seen. HTTP is recognised by content, on any
 * port: a direction whose bytes start like a request line is a client, one
 * that starts with "HTTP/" a server. Where it loses its place (a chunked or
 * unbounded body, a reassembly gap, a capture that starts mid-connection),
 * it hunts for the next message start at segment boundaries. */
#ifndef WS_PCAP_HTTP_H
#define WS_PCAP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"

#define WS_HTTP_HEAD_MAX 16384 /* longer heads are cut here and reported truncated */

enum ws_http_role { WS_HTTP_ANY = 0, WS_HTTP_CLIENT, WS_HTTP_SERVER };

/* One direction's parser state. Zero-filled is the initial state; free with
 * ws_http_half_free. */
struct ws_http_half {
	uint8_t state; /* private */
	uint8_t role;  /* enum ws_http_role, learnt from the content or set by the caller */
	uint64_t body_left;
	char *head;    /* partial head spanning segments; NULL when none */
	uint32_t head_n, head_cap;
};

/* What the parser reports. head/n is the raw head the request was parsed
 * from (borrowed: copy it to keep it). */
struct ws_http_sink {
	void (*request)(void *ctx, const struct ws_request *req, const char *head, size_t n);
	/* Returns true when the answer has no body whatever its head says
	 * (it answers a HEAD request). */
	bool (*response)(void *ctx, int status, int64_t length);
	size_t *mem;     /* bytes held in partial heads, summed over all halves */
	size_t mem_cap;  /* a head that would pass this is cut and reported truncated */
};

/* In-order bytes of one segment (segment boundaries matter when hunting). */
void ws_http_data(struct ws_http_half *h, const uint8_t *p, size_t n,
		  const struct ws_http_sink *k, void *ctx);
/* n bytes of the stream were lost (not captured, or given up on). */
void ws_http_gap(struct ws_http_half *h, uint64_t n, const struct ws_http_sink *k, void *ctx);
/* The stream ended: a partial head is reported as truncated. */
void ws_http_end(struct ws_http_half *h, const struct ws_http_sink *k, void *ctx);
void ws_http_half_free(struct ws_http_half *h, const struct ws_http_sink *k);

/* The sensor's view of a head, through the one tokenizer (http/request.h,
 * lenient mode): a request head (request line and headers, possibly cut
 * short) into req (views into head, truncated when cut). Content-Length goes
 * to *clen (-1 when absent or invalid), a Transfer-Encoding to *chunked.
 * False when the first line is not a request line. */
bool ws_cap_parse_request(const char *head, size_t n, struct ws_request *req, int64_t *clen,
			   bool *chunked);
/* A status line and headers, the same way; returns the status (100..999) or
 * -1. *chunked: the body ends with a last chunk. */
int ws_cap_parse_response(const char *head, size_t n, int64_t *clen, bool *chunked);

#endif
