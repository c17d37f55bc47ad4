/* HTTP/1.x message heads for the guard: a picohttpparser-style parser that
 * never allocates and returns (ptr, len) views into the caller's buffer.
 *
 * The request parser is deliberately two-faced. It must be lenient enough to
 * *recognise* what a worm sent (Code Red's raw copies carry two spaces before
 * HTTP/1.0; nothing a worm sends is RFC-clean), yet the guard must never
 * *forward* anything a fragile parser could choke on (the Cisco 600's web
 * server hung on exactly such input, [CISCO-CBOS]). So a complete head is
 * always returned with its views filled as far as they could be read, and
 * every deviation from RFC 9112 that the guard will not forward is named in
 * `bad`; the caller classifies first and rejects with 400 after. */
#ifndef WS_GUARD_HTTP_H
#define WS_GUARD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"

enum {
	WS_HTTP_MORE = -2,    /* no complete head yet; read more */
	WS_HTTP_TOOBIG = -3,  /* no head end within the size limit */
	WS_HTTP_TOOMANY = -4, /* more header lines than the caller allows */
};

struct ws_http_header {
	struct ws_str name, value; /* value trimmed; may span obs-fold line breaks */
	bool folded;               /* value contains CR/LF from obs-fold: rewrite as SP */
};

/* What the guard needs to know about a request head's framing and hops. */
struct ws_http_req {
	struct ws_str method, target, path, query, proto;
	bool has_query;
	int minor;                 /* HTTP/1.<minor>; -1 when no valid version */
	struct ws_http_header *hdr; /* caller's array */
	size_t nhdr;
	int64_t content_length;    /* -1 when absent */
	bool chunked;              /* Transfer-Encoding ends in chunked */
	bool conn_close, conn_keepalive;
	bool expect_continue;
	int nhost;
	struct ws_str host, agent, referer;
	const char *bad;           /* static reason when not forwardable, else NULL */
};

/* Parses a request head from p[0..n). hdr has room for max_hdr headers.
 * Returns the head's length (through the blank line) with r filled (r->bad
 * set when it must not be forwarded), WS_HTTP_MORE when the head is not yet
 * complete and n < max_head, WS_HTTP_TOOBIG or WS_HTTP_TOOMANY. Empty lines
 * before the request line are skipped and counted in the length (RFC 9112
 * §2.2). Views borrow p. */
int ws_http_parse_request(const char *p, size_t n, size_t max_head, struct ws_http_req *r,
			  struct ws_http_header *hdr, size_t max_hdr);

struct ws_http_resp {
	int status;                /* 100..999 */
	int minor;
	struct ws_http_header *hdr;
	size_t nhdr;
	int64_t content_length;    /* -1 when absent */
	bool chunked, conn_close, conn_keepalive;
	const char *bad;
};

/* Same contract for a response head (status line + headers). A response whose
 * framing cannot be trusted (two lengths, a bad status line) sets bad. */
int ws_http_parse_response(const char *p, size_t n, size_t max_head, struct ws_http_resp *r,
			   struct ws_http_header *hdr, size_t max_hdr);

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
