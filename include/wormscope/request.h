/* SPDX-License-Identifier: MIT */
/* The normalised request every input yields and every consumer reads.
 * All ws_str fields are borrowed views into the input chunk (or into the
 * parser's scratch buffer for formats that must unescape, such as JSON); they
 * are valid until the next parse call on the same chunk or scratch. */
#ifndef WORMSCOPE_REQUEST_H
#define WORMSCOPE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_str {
	const char *p;
	size_t n;
};

#define WS_STR_NULL ((struct ws_str){NULL, 0})

/* An IPv4 or IPv6 address. IPv4 (and ::ffff:a.b.c.d, folded) uses b[0..3]. */
struct ws_addr {
	uint8_t fam; /* 0 = unknown, 4, 6 */
	uint8_t b[16];
};

/* How the log recorded the request target. */
enum ws_target_form {
	WS_TARGET_RAW = 0,     /* as sent on the wire (Apache, nginx) */
	WS_TARGET_DECODED = 1, /* stem %-decoded once (IIS logs) */
	WS_TARGET_FSPATH = 2,  /* a file-system path from an error log; no query */
};

struct ws_request {
	int64_t ts;          /* seconds since the epoch, UTC; valid if ts_known */
	bool ts_known;
	struct ws_addr src, dst;
	int src_port, dst_port; /* -1 when unknown */
	struct ws_str method;   /* as logged, not case-folded; empty if unknown */
	struct ws_str path;     /* target up to the first '?', or the IIS stem */
	struct ws_str query;    /* after the '?', or the IIS query field */
	bool has_query;
	struct ws_str proto;    /* "HTTP/1.0" ...; empty when the line had none */
	bool proto_logged;      /* false when the format does not record it */
	struct ws_str agent, referer, host;
	int status;             /* -1 when unknown */
	int64_t bytes;          /* -1 when unknown */
	enum ws_target_form form;
	bool truncated;         /* the log line ended inside the request */
	unsigned odd;           /* WS_ODD_* bits: fields that are not what they should be */
};

/* Fields of a log line that are not what they should be. The request on the
 * line is still classified; the scan counts and names these lines. */
enum {
	WS_ODD_CLIENT = 1u << 0, /* the client field is not an address (a name, '-', garbage) */
	WS_ODD_USER = 1u << 1,   /* the ident or user field holds control or 8-bit bytes */
	WS_ODD_TIME = 1u << 2,   /* the time field is there but cannot be read */
};

#endif
