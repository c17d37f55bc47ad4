/* SPDX-License-Identifier: MIT */
/* Whether an input's head is a log (see look.h). */
#include "scan/look.h"

#include <string.h>

#include "logfmt/logfmt.h"
#include "pcap/capture.h"
#include "util/mem.h"
#include "util/escape.h"

/* A line of fmt's format: one that parses, a W3C directive, or a line the
 * format writes for something other than a request (an error log's notice,
 * NCSA's "-" 408). Blank lines and # comments are not. */
static bool log_line(struct ws_logfmt *fmt, const char *p, size_t n, struct ws_buf *scratch)
{
	struct ws_request req;
	int rc = ws_logfmt_parse(fmt, p, n, &req, scratch);
	if (rc != WS_PARSE_SKIP)
		return rc == WS_PARSE_OK;
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return false;
	if (p[0] == '#')
		return fmt->kind == WS_FMT_W3C && ws_logfmt_detect(p, n) == WS_FMT_W3C;
	return fmt->kind != WS_FMT_JSON; /* an object without a request is not one */
}

/* Binary: a NUL byte, or more than one byte in ten a control byte (other
 * than tab, CR, LF, FF, VT, ESC) or not valid UTF-8. */
static bool looks_binary(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t odd = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c == 0)
			return true;
		size_t l = 1;
		if (c >= 0x80) {
			l = ws_utf8_seq_len(u + i, n - i);
			if (l == 0) {
				/* a sequence cut by the end of the head is not invalid */
				odd += n - i >= 4;
				l = 1;
			}
		} else if (c < 0x20 && !strchr("\t\r\n\f\v\033", c)) {
			odd++;
		} else if (c == 0x7f) {
			odd++;
		}
		i += l;
	}
	return odd * 10 > n;
}

enum ws_look ws_scan_look(const struct ws_scan_config *cfg, const char *buf, size_t n, bool eof)
{
	size_t ml = 0;
	enum ws_look look = WS_LOOK_TEXT;
	struct ws_logfmt fmt;
	struct ws_err err;
	if (ws_pcap_is_capture(buf, n) || ws_scan_simulated_mark(buf, n, &ml) ||
	    ws_logfmt_init(&fmt, cfg->log_format, &cfg->tz, &err) != 0)
		return WS_LOOK_LOG;
	if (fmt.kind == WS_FMT_AUTO)
		fmt.kind = ws_logfmt_detect(buf, n);
	struct ws_buf scratch = {0};
	for (size_t at = 0; at < n && look != WS_LOOK_LOG;) {
		const char *nl = memchr(buf + at, '\n', n - at);
		/* a last line cut by the head's end is judged only when alone */
		if (!nl && !eof && at > 0)
			break;
		size_t len = nl ? (size_t)(nl - (buf + at)) : n - at;
		if (log_line(&fmt, buf + at, len, &scratch))
			look = WS_LOOK_LOG;
		at += len + 1;
	}
	if (look != WS_LOOK_LOG) {
		size_t k = 0;
		while (k < n && buf[k] && strchr(" \t\r\n\f\v", buf[k]))
			k++;
		look = k == n ? WS_LOOK_EMPTY : looks_binary(buf, n) ? WS_LOOK_BINARY : WS_LOOK_TEXT;
	}
	ws_buf_free(&scratch);
	ws_logfmt_free(&fmt);
	return look;
}
