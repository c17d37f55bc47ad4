/* SPDX-License-Identifier: MIT */
/* NCSA common / combined / vhost_combined (Apache, nginx):
 *   host ident user [02/Aug/2001:06:01:38 -0400] "GET /x HTTP/1.0" 400 326 ["ref" "agent"]
 *   vhost[:port] host ident user [...] ...           (vhost_combined)
 * The variant is recognised per line by counting the fields before '['.
 * The request string may hold raw quotes (Apache before 2.0.46 did not escape
 * them), so it ends at the last quote that is followed by a status field. */
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

static bool is_status_field(const char *p, const char *end)
{
	/* ` 400 ` or ` - ` or ` 400` at end */
	if (p >= end || *p != ' ')
		return false;
	p++;
	if (p < end && *p == '-')
		return p + 1 == end || p[1] == ' ';
	int d = 0;
	while (p < end && *p >= '0' && *p <= '9' && d < 4) {
		p++;
		d++;
	}
	return d == 3 && (p == end || *p == ' ');
}

/* Finds the closing quote of a quoted field that must be followed by a
 * status; returns NULL when the line ends first (cut-off line). */
static const char *request_end(const char *p, const char *end)
{
	const char *found = NULL;
	for (const char *q = p; q < end; q++) {
		q = memchr(q, '"', (size_t)(end - q));
		if (!q)
			break;
		if (q > p && q[-1] == '\\' && !(q - 1 > p && q[-2] == '\\'))
			continue;
		if (is_status_field(q + 1, end)) {
			found = q;
			break;
		}
	}
	return found;
}

static const char *quoted(const char *p, const char *end, struct ws_str *out)
{
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '"')
		return NULL;
	p++;
	const char *q = p;
	while (q < end && !(*q == '"' && q[-1] != '\\'))
		q++;
	if (q >= end)
		return NULL;
	/* "-" is how the format writes "none". */
	*out = (q - p == 1 && *p == '-') ? (struct ws_str){p, 0} : (struct ws_str){p, (size_t)(q - p)};
	return q + 1;
}

int ws_parse_ncsa(const char *line, size_t n, struct ws_request *req)
{
	ws_request_reset(req);
	const char *end = line + n;
	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end == line || line[0] == '#')
		return WS_PARSE_SKIP;
	/* The timestamp's '[' follows a space: one inside the client field (an
	 * escape sequence such as ESC[31m written there by a hostile client)
	 * is part of that field, and the worm request on the line is still
	 * read. */
	const char *br = NULL;
	for (const char *q = line + 1; q < end && !br; q++) {
		q = memchr(q, '[', (size_t)(end - q));
		if (!q)
			break;
		if (q[-1] == ' ')
			br = q;
	}
	if (!br)
		return WS_PARSE_BAD;
	/* Fields before the timestamp: 3 (host ident user) or 4 with a vhost. */
	struct ws_str tok[5];
	int nt = 0;
	for (const char *p = line; p < br && nt < 5;) {
		while (p < br && *p == ' ')
			p++;
		if (p >= br)
			break;
		const char *s = p;
		while (p < br && *p != ' ')
			p++;
		tok[nt++] = (struct ws_str){s, (size_t)(p - s)};
	}
	if (nt < 3 || nt > 4)
		return WS_PARSE_BAD;
	struct ws_str host = tok[nt - 3];
	if (nt == 4) {
		struct ws_str v = tok[0];
		const char *c = memchr(v.p, ':', v.n);
		if (c && memchr(c + 1, ':', v.n - (size_t)(c - v.p) - 1) == NULL) {
			struct ws_str port = {c + 1, v.n - (size_t)(c - v.p) - 1};
			long long pv = ws_str_to_ll(port);
			if (pv >= 0 && pv <= 65535)
				req->dst_port = (int)pv;
			v.n = (size_t)(c - v.p);
		}
		req->host = v;
	}
	if (!ws_addr_parse(host, &req->src, &req->src_port)) {
		/* A hostname (HostnameLookups on): keep going, the source is unknown. */
		req->src.fam = 0;
		req->odd |= WS_ODD_CLIENT;
	}
	for (int i = nt - 2; i < nt; i++)
		for (size_t k = 0; k < tok[i].n; k++)
			if ((unsigned char)tok[i].p[k] < 0x20 || (unsigned char)tok[i].p[k] >= 0x7f) {
				req->odd |= WS_ODD_USER;
				break;
			}
	const char *cb = memchr(br, ']', (size_t)(end - br));
	if (!cb)
		return WS_PARSE_BAD;
	req->ts_known = ws_time_parse_ncsa((struct ws_str){br + 1, (size_t)(cb - br - 1)}, &req->ts);
	if (!req->ts_known)
		req->odd |= WS_ODD_TIME;
	const char *p = cb + 1;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '"')
		return WS_PARSE_BAD;
	p++;
	const char *rq_end = request_end(p, end);
	if (!rq_end) {
		/* Cut-off line: the request runs to the end of what we have. */
		req->truncated = true;
		rq_end = end;
	}
	size_t rn = (size_t)(rq_end - p);
	if (rn == 1 && p[0] == '-')
		return WS_PARSE_SKIP; /* "-" 408: a connection that sent nothing */
	if (!ws_split_request_line(p, rn, req)) {
		/* One token, such as a bare "/scripts/root.exe": no method. */
		if (rn == 0)
			return WS_PARSE_SKIP;
		ws_split_target(p, rn, req);
		req->method = (struct ws_str){p, 0};
	}
	if (req->truncated)
		return WS_PARSE_OK;
	p = rq_end + 1;
	/* status bytes */
	while (p < end && *p == ' ')
		p++;
	const char *s = p;
	while (p < end && *p != ' ')
		p++;
	long long st = ws_str_to_ll((struct ws_str){s, (size_t)(p - s)});
	req->status = st >= 100 && st <= 999 ? (int)st : -1;
	while (p < end && *p == ' ')
		p++;
	s = p;
	while (p < end && *p != ' ')
		p++;
	req->bytes = ws_str_to_ll((struct ws_str){s, (size_t)(p - s)});
	const char *r = quoted(p, end, &req->referer);
	if (r)
		quoted(r, end, &req->agent);
	return WS_PARSE_OK;
}
