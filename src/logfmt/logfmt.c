/* SPDX-License-Identifier: MIT */
/* The dispatcher: format names, detection from a file's first lines, and the
 * per-line call into the parser that the format selects (parsers.h). */
#include "logfmt/logfmt.h"

#include <string.h>

#include "util/str.h"

const char *ws_logfmt_name(enum ws_fmt_kind k)
{
	switch (k) {
	case WS_FMT_AUTO: return "auto";
	case WS_FMT_NCSA: return "ncsa";
	case WS_FMT_W3C: return "w3c";
	case WS_FMT_IIS: return "iis";
	case WS_FMT_JSON: return "json";
	case WS_FMT_ERROR: return "error";
	case WS_FMT_CUSTOM: return "custom";
	}
	return "?";
}

int ws_logfmt_init(struct ws_logfmt *f, const char *spec, const struct ws_tz *tz,
		   struct ws_err *err)
{
	memset(f, 0, sizeof(*f));
	if (tz)
		f->tz = *tz;
	static const struct {
		const char *name;
		enum ws_fmt_kind kind;
	} names[] = {
		{"auto", WS_FMT_AUTO},   {"ncsa", WS_FMT_NCSA},   {"common", WS_FMT_NCSA},
		{"combined", WS_FMT_NCSA}, {"vhost_combined", WS_FMT_NCSA}, {"w3c", WS_FMT_W3C},
		{"iis", WS_FMT_IIS},     {"json", WS_FMT_JSON},   {"error", WS_FMT_ERROR},
	};
	if (!spec)
		spec = "auto";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(spec, names[i].name) == 0) {
			f->kind = names[i].kind;
			return 0;
		}
	}
	if (!strchr(spec, '%') && !strchr(spec, '$'))
		return ws_err_set(err, WS_EUSAGE,
				  "--log-format: unknown format '%s' (auto, common, combined, "
				  "vhost_combined, w3c, iis, json, error, or a LogFormat/log_format "
				  "string)",
				  spec);
	f->custom = ws_custom_compile(spec, err);
	if (!f->custom)
		return WS_EUSAGE;
	f->kind = WS_FMT_CUSTOM;
	return 0;
}

void ws_logfmt_free(struct ws_logfmt *f)
{
	ws_custom_free(f->custom);
	f->custom = NULL;
}

/* One line's vote. */
static enum ws_fmt_kind detect_line(const char *p, size_t n)
{
	struct ws_str s = {p, n};
	if (ws_str_istarts(s, "#Software: Microsoft") || ws_str_istarts(s, "#Fields:") ||
	    ws_str_istarts(s, "#Version:"))
		return WS_FMT_W3C;
	if (n && (p[0] == '#' || p[0] == '\r'))
		return WS_FMT_AUTO; /* comment: no vote */
	if (n && p[0] == '{')
		return WS_FMT_JSON;
	/* A W3C data line with its directives cut away (a log split by size):
	 * "2001-07-19 10:00:01 ...". No other format starts with a date. */
	if (n > 20 && p[4] == '-' && p[7] == '-' && p[10] == ' ' && p[13] == ':' &&
	    p[16] == ':' && p[19] == ' ' && p[0] >= '1' && p[0] <= '2')
		return WS_FMT_W3C;
	/* [Thu Jun 09 06:07:04 2005] [error] ... / [Fri Sep 09 10:42:29.902022 2011] [core:error] */
	if (n > 26 && p[0] == '[' && p[4] == ' ' && p[8] == ' ' && memchr(p, ']', n) &&
	    ws_month_from_name(p + 5))
		return WS_FMT_ERROR;
	/* IIS native: "1.2.3.4, -, 7/19/01, 10:00:01, W3SVC1, ..." */
	int commas = 0;
	for (size_t i = 0; i < n && i < 2048; i++)
		commas += p[i] == ',';
	const char *br = memchr(p, '[', n < 256 ? n : 256);
	if (!br && commas >= 13 && memchr(p, '/', n))
		return WS_FMT_IIS;
	if (br && (size_t)(br - p) + 27 < n && br[3] == '/' && br[7] == '/')
		return WS_FMT_NCSA;
	return WS_FMT_AUTO;
}

enum ws_fmt_kind ws_logfmt_detect(const char *p, size_t n)
{
	int votes[WS_FMT_CUSTOM + 1] = {0};
	size_t off = 0;
	for (int lines = 0; off < n && lines < 50; lines++) {
		const char *nl = memchr(p + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (p + off)) : n - off;
		enum ws_fmt_kind k = detect_line(p + off, len);
		if (k == WS_FMT_W3C)
			return WS_FMT_W3C; /* a W3C directive settles it */
		votes[k]++;
		off += len + 1;
	}
	enum ws_fmt_kind best = WS_FMT_NCSA;
	int bestv = 0;
	for (int k = WS_FMT_NCSA; k <= WS_FMT_ERROR; k++)
		if (votes[k] > bestv) {
			bestv = votes[k];
			best = (enum ws_fmt_kind)k;
		}
	return best;
}

/* Every format writes "-" for a header that was not sent. */
static void dash_is_none(struct ws_str *s)
{
	if (s->n == 1 && s->p[0] == '-')
		s->n = 0;
}

int ws_logfmt_parse(struct ws_logfmt *f, const char *line, size_t n, struct ws_request *req,
		    struct ws_buf *scratch)
{
	int rc = WS_PARSE_BAD;
	switch (f->kind) {
	case WS_FMT_AUTO:
	case WS_FMT_NCSA: rc = ws_parse_ncsa(line, n, req); break;
	case WS_FMT_W3C: rc = ws_parse_w3c(&f->w3c, line, n, req); break;
	case WS_FMT_IIS: rc = ws_parse_iis(&f->tz, line, n, req); break;
	case WS_FMT_JSON: rc = ws_parse_json(line, n, req, scratch); break;
	case WS_FMT_ERROR: rc = ws_parse_error(&f->tz, line, n, req); break;
	case WS_FMT_CUSTOM: rc = ws_parse_custom(f->custom, line, n, req); break;
	}
	if (rc == WS_PARSE_OK) {
		dash_is_none(&req->agent);
		dash_is_none(&req->referer);
		dash_is_none(&req->host);
	}
	return rc;
}
