/* SPDX-License-Identifier: MIT */
/* What the guard decides about a complete request head, and the head it
 * forwards: the two halves of "what reaches the upstream", apart from the
 * event loop so that tests and the differential fuzz target
 * (fuzz/fuzz_guard_forward.c) can hold them against the normaliser. */
#ifndef WS_GUARD_FORWARD_H
#define WS_GUARD_FORWARD_H

#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "util/mem.h"
#include "wormscope/request.h"
#include "wormscope/worm.h"

enum ws_guard_judgement {
	WS_JUDGE_FORWARD = 0, /* to the upstream, head rebuilt by ws_guard_build_head */
	WS_JUDGE_WORM,        /* a worm request: the worm's action (v filled) */
	WS_JUDGE_MALFORMED,   /* r->bad: 400 */
	WS_JUDGE_HOSTILE,     /* an encoding no well-meaning client sends (WS_EV_HOSTILE): 400 */
};

/* Judges the head r (a strict parse; q is r as a request, ws_http_to_request
 * plus addresses): the worm table first, on the raw and the normalised
 * target, so that a malformed worm request is still named; then r->bad;
 * then the path's hostile encodings. */
enum ws_guard_judgement ws_guard_judge(const struct ws_http_req *r, const struct ws_request *q,
				       struct ws_verdict *v);

/* Writes into b the head the upstream gets for r: one request line with
 * single spaces, Host first and once, hop-by-hop fields dropped, folded
 * values unfolded, X-Forwarded-For (ending in src_ip) and Via appended to the
 * client's, and our own Connection (close unless keepalive). */
void ws_guard_build_head(const struct ws_http_req *r, const char *src_ip, bool keepalive,
			 struct ws_buf *b);

/* Appends a header value, turning obs-fold line breaks into single spaces. */
void ws_guard_add_value(struct ws_buf *b, const struct ws_http_header *h);
/* True when h must not cross the proxy: hop-by-hop by name, or named in one
 * of the message's Connection headers. */
bool ws_guard_drop_header(const struct ws_http_header *hdr, size_t n,
			  const struct ws_http_header *h);

#endif
