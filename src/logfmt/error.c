/* SPDX-License-Identifier: MIT */
/* Apache error log. Servers that keep no access log (or rotated it away) still
 * record worm probes here, as the file the request mapped to:
 *   [Thu Jun 09 06:07:04 2005] [error] [client 1.2.3.4] File does not exist: /var/www/scripts/root.exe
 *   [Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416]
 *       [client 72.15.99.187:50256] AH00128: File does not exist: /usr/local/apache2/htdocs/x
 * (2.4 puts the port after the client and may put "(36)File name too long: "
 * between the brackets). The time is local, so it goes through the --tz zone.
 *
 * Only messages that name what was requested yield a request: the "file does
 * not exist" family gives a file-system path (no query: Apache never logs it
 * there), and "Invalid method/URI in request" gives the raw request line.
 * Everything else is skipped - notably "Client sent malformed Host header",
 * which Code Red triggers on Apache 1.3 but which any broken client triggers
 * too, so it cannot be attributed. */
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* Reads up to max digits; returns the value or -1. */
static int digits(const char **pp, const char *end, int max)
{
	const char *p = *pp;
	int v = 0, k = 0;
	while (p < end && k < max && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		p++;
		k++;
	}
	if (k == 0)
		return -1;
	*pp = p;
	return v;
}

/* "Thu Jun 09 06:07:04[.902022] 2005" (apr_ctime) up to the closing ']'. */
static bool parse_ctime(const struct ws_tz *tz, const char *p, const char *end, int64_t *ts)
{
	if (end - p < 20 || p[3] != ' ')
		return false;
	p = skip_spaces(p + 4, end);
	if (end - p < 4)
		return false;
	int mo = ws_month_from_name(p);
	if (!mo || p[3] != ' ')
		return false;
	p = skip_spaces(p + 4, end);
	int d = digits(&p, end, 2);
	p = skip_spaces(p, end);
	int h = digits(&p, end, 2);
	if (p >= end || *p++ != ':')
		return false;
	int mi = digits(&p, end, 2);
	if (p >= end || *p++ != ':')
		return false;
	int s = digits(&p, end, 2);
	if (p < end && *p == '.') {
		p++;
		digits(&p, end, 9);
	}
	p = skip_spaces(p, end);
	int y = digits(&p, end, 4);
	if (d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 ||
	    y < 1970)
		return false;
	*ts = ws_tz_to_utc(tz, y, mo, d, h, mi, s);
	return true;
}

/* "[client 1.2.3.4]", "[client 72.15.99.187:50256]", "[client ::1:50256]".
 * Apache 2.4 always appends the port, so with_port decides how to read an
 * IPv6 address whose last group could be one. */
static void parse_client(struct ws_str v, bool with_port, struct ws_request *req)
{
	if (ws_addr_parse(v, &req->src, &req->src_port) && !(with_port && req->src.fam == 6))
		return;
	const char *c = v.p + v.n;
	while (c > v.p && c[-1] != ':')
		c--;
	if (c > v.p + 1) {
		long long port = ws_str_to_ll((struct ws_str){c, (size_t)(v.p + v.n - c)});
		struct ws_addr a;
		if (port >= 0 && port <= 65535 &&
		    ws_addr_parse((struct ws_str){v.p, (size_t)(c - 1 - v.p)}, &a, NULL)) {
			req->src = a;
			req->src_port = (int)port;
			return;
		}
	}
	ws_addr_parse(v, &req->src, NULL);
}

/* The message up to Apache's ", referer: ..." suffix. */
static struct ws_str cut_referer(struct ws_str m)
{
	const char *r = ws_str_ifind(m, ", referer: ");
	if (r)
		m.n = (size_t)(r - m.p);
	return ws_str_trim(m);
}

static bool take_prefix(struct ws_str *m, const char *lit)
{
	size_t n = strlen(lit);
	if (!ws_str_istarts(*m, lit))
		return false;
	m->p += n;
	m->n -= n;
	return true;
}

/* "access to /x failed" (what Apache logs after "(36)File name too long:"):
 * the URI between. */
static struct ws_str access_to(struct ws_str m)
{
	if (take_prefix(&m, "access to ")) {
		const char *f = ws_str_ifind(m, " failed");
		if (f)
			m.n = (size_t)(f - m.p);
	}
	return m;
}

static int file_path(struct ws_request *req, struct ws_str path)
{
	if (path.n == 0)
		return WS_PARSE_SKIP;
	req->form = WS_TARGET_FSPATH;
	req->path = path;
	req->query = (struct ws_str){path.p + path.n, 0};
	req->method = (struct ws_str){path.p, 0};
	req->proto_logged = false;
	return WS_PARSE_OK;
}

static int request_line(struct ws_request *req, struct ws_str rl)
{
	if (!ws_split_request_line(rl.p, rl.n, req))
		return WS_PARSE_SKIP;
	req->form = WS_TARGET_RAW;
	return WS_PARSE_OK;
}

int ws_parse_error(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req)
{
	ws_request_reset(req);
	const char *end = line + n;
	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end == line)
		return WS_PARSE_SKIP;
	/* A file cut by rotation may start without the first '['. */
	const char *p = line[0] == '[' ? line + 1 : line;
	const char *cb = memchr(p, ']', (size_t)(end - p));
	if (!cb)
		return WS_PARSE_BAD;
	req->ts_known = parse_ctime(tz, p, cb, &req->ts);
	if (!req->ts_known)
		return WS_PARSE_BAD;
	p = cb + 1;

	/* The bracketed fields, and in 2.4 an "(errno)text: " between them. */
	bool v24 = false;
	struct ws_str errtext = WS_STR_NULL;
	for (;;) {
		p = skip_spaces(p, end);
		if (p < end && *p == '[') {
			cb = memchr(p, ']', (size_t)(end - p));
			if (!cb)
				break;
			struct ws_str b = {p + 1, (size_t)(cb - p - 1)};
			if (ws_str_istarts(b, "client ")) {
				parse_client(ws_str_trim((struct ws_str){b.p + 7, b.n - 7}), v24, req);
			} else if (ws_str_istarts(b, "pid ") || memchr(b.p, ':', b.n)) {
				v24 = true; /* [pid N:tid M] or [module:level] */
			}
			p = cb + 1;
			continue;
		}
		struct ws_str rest = {p, (size_t)(end - p)};
		const char *c = ws_str_ifind(rest, ": [client ");
		if (p < end && *p == '(' && c && !memchr(p, '[', (size_t)(c - p))) {
			errtext = (struct ws_str){p, (size_t)(c - p)};
			p = c + 1;
			continue;
		}
		break;
	}

	struct ws_str m = {p, (size_t)(end - p)};
	/* 2.4 message ids: "AH00128: " */
	if (m.n > 9 && (m.p[0] == 'A' || m.p[0] == 'a') && (m.p[1] == 'H' || m.p[1] == 'h') &&
	    m.p[7] == ':' && ws_str_to_ll((struct ws_str){m.p + 2, 5}) >= 0) {
		m.p += 8;
		m.n -= 8;
		m = ws_str_trim(m);
	}
	/* 2.2 puts the errno text in the message: "(36)File name too long: ..." */
	if (m.n && m.p[0] == '(') {
		const char *cp = memchr(m.p, ')', m.n < 16 ? m.n : 16);
		if (cp) {
			m.n -= (size_t)(cp + 1 - m.p);
			m.p = cp + 1;
		}
	}

	if (take_prefix(&m, "File does not exist: ") ||
	    take_prefix(&m, "script not found or unable to stat: "))
		return file_path(req, cut_referer(m));
	if (take_prefix(&m, "File name too long: "))
		return file_path(req, access_to(cut_referer(m)));
	if (errtext.p && ws_str_ifind(errtext, "File name too long"))
		return file_path(req, access_to(cut_referer(m)));
	if (take_prefix(&m, "Invalid method in request ") ||
	    take_prefix(&m, "Invalid URI in request "))
		return request_line(req, cut_referer(m));
	/* "request failed: URI too long" names no target; the rest is not a request. */
	return WS_PARSE_SKIP;
}
