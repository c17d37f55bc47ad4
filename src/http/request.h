/* SPDX-License-Identifier: MIT */
/* HTTP/1.x message heads: the one tokenizer under both the capture sensor
 * (src/pcap/http.c) and the guard (src/guard/proxy.c). A picohttpparser-style
 * parser that never allocates and returns (ptr, len) views into the caller's
 * buffer.
 *
 * It is deliberately two-faced. The sensor must *recognise* what a worm sent
 * (Code Red's raw copies carry two spaces before HTTP/1.0; nothing a worm
 * sends is RFC-clean; a capture cuts heads short), yet the guard must never
 * *forward* anything a fragile parser could choke on (the Cisco 600's web
 * server hung on exactly such input, [CISCO-CBOS]). So both modes split a head
 * the same way and fill the same views, and every deviation from RFC 9112 that
 * the guard will not forward is named in `bad`. The modes differ only in
 * where a head ends and what the caller is told:
 *
 *   WS_HTTP_STRICT  (guard) a head ends at its blank line; until then the
 *                   answer is WS_HTTP_MORE; more than max_hdr header lines is
 *                   WS_HTTP_TOOMANY. The caller classifies first and answers
 *                   400 when `bad` is set.
 *   WS_HTTP_LENIENT (sensor) p[0..n) is the head as far as it goes (the
 *                   caller found its blank line or gave up); a head cut short
 *                   is parsed to its last byte and marked `cut`; header lines
 *                   past max_hdr are still read for framing, Host, User-Agent
 *                   and Referer but not stored. `bad` is informational. */
#ifndef WS_HTTP_REQUEST_H
#define WS_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"

enum ws_http_mode { WS_HTTP_STRICT = 0, WS_HTTP_LENIENT = 1 };

enum {
	WS_HTTP_MORE = -2,    /* no complete head yet; read more (strict) */
	WS_HTTP_TOOBIG = -3,  /* no head end within the size limit (strict) */
	WS_HTTP_TOOMANY = -4, /* more header lines than the caller allows (strict) */
	WS_HTTP_NOTREQ = -5,  /* the first line is not a request line (lenient) */
};

/* Longest method token taken for HTTP (the longest registered method,
 * UPDATEREDIRECTREF, has 17 characters). */
#define WS_HTTP_METHOD_MAX 32

struct ws_http_header {
	struct ws_str name, value; /* value trimmed; may span obs-fold line breaks */
	bool folded;               /* value contains CR/LF from obs-fold: rewrite as SP */
};

/* What a request head says about its target, framing and hops. */
struct ws_http_req {
	struct ws_str method, target, path, query, proto;
	bool has_query;
	int minor;                 /* HTTP/1.<minor>; -1 when no valid version */
	struct ws_http_header *hdr; /* caller's array */
	size_t nhdr;               /* stored in hdr (at most max_hdr) */
	int64_t content_length;    /* -1 when absent */
	bool chunked;              /* a Transfer-Encoding is present (body not by length) */
	bool conn_close, conn_keepalive;
	bool expect_continue;
	bool cut;                  /* lenient: the head ended before its blank line */
	int nhost;
	struct ws_str host, agent, referer;
	const char *bad;           /* static reason when not forwardable, else NULL */
};

/* 1 when p[0..n) can be the start of a request head, 0 when it cannot, and
 * 1 as well when too few bytes have come to tell. Empty lines (CR, LF) are
 * skipped first (RFC 9112 §2.2); then 1 to WS_HTTP_METHOD_MAX token
 * characters and SP. Lenient mode (content recognition on any port) takes
 * only letters, '-' and '_' for the method and also wants the target's first
 * byte to be '/', '\\' (IIS reads it as '/'), '*' or 'h' (absolute form), after any further spaces. Lower-case methods count in both: Nimda sent "get". */
int ws_http_request_start(const char *p, size_t n, enum ws_http_mode mode);

/* Parses a request head from p[0..n) (at most max_head bytes of it); hdr has
 * room for max_hdr headers. Returns the head's length (through the blank
 * line, or n when a lenient head was cut) with r filled, or a WS_HTTP_* code
 * (strict: MORE, TOOBIG, TOOMANY; lenient: NOTREQ). Empty lines before the
 * request line are skipped and counted in the length. Views borrow p. */
int ws_http_parse_request(const char *p, size_t n, size_t max_head, enum ws_http_mode mode,
			  struct ws_http_req *r, struct ws_http_header *hdr, size_t max_hdr);

/* The request as every consumer reads it (method, path, query, proto, Host,
 * User-Agent, Referer; form RAW; truncated when cut); the rest of q reset. */
void ws_http_to_request(const struct ws_http_req *r, struct ws_request *q);

struct ws_http_resp {
	int status;                /* 100..999; -1 when the status line is bad */
	int minor;
	struct ws_http_header *hdr;
	size_t nhdr;
	int64_t content_length;    /* -1 when absent */
	bool chunked, conn_close, conn_keepalive;
	bool cut;
	const char *bad;
};

/* Same contract for a response head (status line + headers). A response whose
 * framing cannot be trusted (two lengths, a bad status line) sets bad. Strict
 * wants "HTTP/1.x NNN"; lenient takes "HTTP/<anything> NNN". */
int ws_http_parse_response(const char *p, size_t n, size_t max_head, enum ws_http_mode mode,
			   struct ws_http_resp *r, struct ws_http_header *hdr, size_t max_hdr);

/* True when the header name is one of RFC 9110 §7.6.1's hop-by-hop fields
 * (or a legacy one such as Proxy-Connection) that a proxy must not forward. */
bool ws_http_hop_by_hop(struct ws_str name);
/* True when name appears as a token in a Connection header's value. */
bool ws_http_conn_lists(struct ws_str conn_value, struct ws_str name);

/* Incremental chunked-body walker: it does not decode, it only tells how many
 * of the next bytes belong to the body, so the body is relayed verbatim while
 * its framing is checked. Zero-fill before the first call. */
struct ws_chunked {
	int state;
	uint64_t left;  /* bytes of chunk data still to pass */
	size_t linelen; /* bytes of the current size/trailer line seen */
	int trailers;   /* trailer lines seen */
	bool cr;        /* the previous byte of a line was CR */
	bool digits;    /* the size line has hex digits */
	bool ext;       /* past the size digits (extension or whitespace) */
	bool semi;      /* the extension's ';' has been seen */
};

/* Feeds p[0..n). Returns how many bytes (<= n) belong to the body; sets *done
 * when the body ended at that point, or returns -1 on a framing error (bad
 * hex, a line longer than 4 KiB, more than 64 trailer lines, a missing CRLF). */
long ws_chunked_feed(struct ws_chunked *c, const char *p, size_t n, bool *done);

#endif
