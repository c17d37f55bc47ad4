/* SPDX-License-Identifier: MIT */
/* The individual log-line parsers: each turns one line (without its newline)
 * into a struct ws_request of views into the line. Parsers own nothing;
 * formats that must unescape (JSON) write into the caller's scratch buffer,
 * which stays valid until the next call with it. The dispatcher (logfmt.h)
 * picks one per file; the parsers share only fields.h. */
#ifndef WS_LOGFMT_PARSERS_H
#define WS_LOGFMT_PARSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logfmt/fields.h"
#include "util/mem.h"
#include "util/time.h"
#include "wormscope/err.h"
#include "wormscope/request.h"

/* Parse results. */
enum {
	WS_PARSE_OK = 1,    /* req filled */
	WS_PARSE_SKIP = 0,  /* a comment, directive, blank or non-request line */
	WS_PARSE_BAD = -1,  /* not a line of this format */
};

/* W3C state carried from line to line of one file. */
struct ws_w3c_state {
	/* field index -> field id (see w3c.c), from the last #Fields: line. */
	int nfields;
	unsigned char field[64];
	bool have_fields;
	/* The day of the last #Date: directive, for layouts with a time column
	 * but no date column (IIS 5's default). */
	int64_t date_days;
	bool have_date;
};

struct ws_custom; /* compiled custom format, private to custom.c */

int ws_parse_ncsa(const char *line, size_t n, struct ws_request *req);
int ws_parse_w3c(struct ws_w3c_state *st, const char *line, size_t n, struct ws_request *req);
int ws_parse_iis(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req);
int ws_parse_json(const char *line, size_t n, struct ws_request *req, struct ws_buf *scratch);
int ws_parse_error(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req);
int ws_parse_custom(const struct ws_custom *c, const char *line, size_t n,
		    struct ws_request *req);
/* Compiles a custom format string; NULL with a message in err when invalid. */
struct ws_custom *ws_custom_compile(const char *spec, struct ws_err *err);
void ws_custom_free(struct ws_custom *c);

#endif
