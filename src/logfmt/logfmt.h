/* SPDX-License-Identifier: MIT */
/* Log-line parsers: each turns one line (without its newline) into a
 * struct ws_request of views into the line. Parsers own nothing; formats that
 * must unescape (JSON) write into the caller's scratch buffer, which stays
 * valid until the next call with it.
 *
 * Per-file state (the W3C #Fields: header in force, a compiled custom format)
 * lives in struct ws_logfmt; the caller owns it and frees it with
 * ws_logfmt_free. */
#ifndef WS_LOGFMT_H
#define WS_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"
#include "util/time.h"
#include "wormscope/err.h"
#include "wormscope/request.h"

enum ws_fmt_kind {
	WS_FMT_AUTO = 0,
	WS_FMT_NCSA,     /* common, combined, vhost_combined: detected per line */
	WS_FMT_W3C,      /* W3C extended (IIS), driven by #Fields: */
	WS_FMT_IIS,      /* IIS native, comma-separated, local time */
	WS_FMT_JSON,     /* one JSON object per line */
	WS_FMT_ERROR,    /* Apache error log */
	WS_FMT_CUSTOM,   /* an Apache LogFormat or nginx log_format string */
};

/* Parse results. */
enum {
	WS_PARSE_OK = 1,    /* req filled */
	WS_PARSE_SKIP = 0,  /* a comment, directive, blank or non-request line */
	WS_PARSE_BAD = -1,  /* not a line of this format */
};

struct ws_custom; /* compiled custom format, private to custom.c */

struct ws_logfmt {
	enum ws_fmt_kind kind;
	struct ws_tz tz;          /* for formats without an offset */
	/* W3C: field index -> field id (see w3c.c), from the last #Fields: line. */
	int w3c_nfields;
	unsigned char w3c_field[64];
	bool w3c_have_fields;
	/* W3C: the day of the last #Date: directive, for layouts with a time
	 * column but no date column (IIS 5's default). */
	int64_t w3c_date_days;
	bool w3c_have_date;
	struct ws_custom *custom; /* WS_FMT_CUSTOM */
};

/* Parses a --log-format value: auto, common, combined, vhost_combined, ncsa,
 * w3c, iis, json, error, or a format string (Apache %-directives, or nginx
 * $variables). Returns 0 or WS_EUSAGE with a message. */
int ws_logfmt_init(struct ws_logfmt *f, const char *spec, const struct ws_tz *tz,
		   struct ws_err *err);
/* Releases what init allocated; the struct may be reused after init again. */
void ws_logfmt_free(struct ws_logfmt *f);
/* Guesses the format from the first bytes of a file (several lines). Returns
 * WS_FMT_NCSA when nothing else fits. */
enum ws_fmt_kind ws_logfmt_detect(const char *p, size_t n);
/* Display name of a kind ("ncsa", "w3c", ...). Static. */
const char *ws_logfmt_name(enum ws_fmt_kind k);

/* Parses one line with f's format. */
int ws_logfmt_parse(struct ws_logfmt *f, const char *line, size_t n, struct ws_request *req,
		    struct ws_buf *scratch);

/* The individual parsers (same contract as ws_logfmt_parse). */
int ws_parse_ncsa(const char *line, size_t n, struct ws_request *req);
int ws_parse_w3c(struct ws_logfmt *f, const char *line, size_t n, struct ws_request *req);
int ws_parse_iis(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req);
int ws_parse_json(const char *line, size_t n, struct ws_request *req, struct ws_buf *scratch);
int ws_parse_error(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req);
int ws_parse_custom(const struct ws_custom *c, const char *line, size_t n,
		    struct ws_request *req);
/* Compiles a custom format string; NULL with a message in err when invalid. */
struct ws_custom *ws_custom_compile(const char *spec, struct ws_err *err);
void ws_custom_free(struct ws_custom *c);

/* Shared by the parsers: splits an HTTP request line ("GET /x?y HTTP/1.0",
 * tolerating two spaces, no protocol, lower-case methods, a cut-off end) into
 * method, path, query and protocol. Returns false if there is no target. */
bool ws_split_request_line(const char *p, size_t n, struct ws_request *req);
/* The first address of an X-Forwarded-For list (trimmed, brackets and IIS's
 * '+' removed); false when it is not an address. */
bool ws_xff_first(struct ws_str v, struct ws_addr *a);
/* Splits a target into path and query at the first '?'. */
void ws_split_target(const char *p, size_t n, struct ws_request *req);
/* Clears req to "nothing known". */
void ws_request_reset(struct ws_request *req);

#endif
