/* SPDX-License-Identifier: MIT */
/* Log formats: which one a file is in (named or detected), and one line
 * parsed with it. This is the dispatcher over the parsers (parsers.h), which
 * share the helpers in fields.h; the arrows run dispatcher -> parsers ->
 * fields, never back.
 *
 * Per-file state (the W3C #Fields: header in force, a compiled custom format)
 * lives in struct ws_logfmt; the caller owns it and frees it with
 * ws_logfmt_free. */
#ifndef WS_LOGFMT_H
#define WS_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logfmt/parsers.h"
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

struct ws_logfmt {
	enum ws_fmt_kind kind;
	struct ws_tz tz;          /* for formats without an offset */
	struct ws_w3c_state w3c;  /* WS_FMT_W3C: the #Fields: and #Date: in force */
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

#endif
