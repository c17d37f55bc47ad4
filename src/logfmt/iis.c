/* SPDX-License-Identifier: MIT */
/* IIS native log format (the IIS 4/5 default "Microsoft IIS Log File Format"):
 *   192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SALES1, 172.21.13.45, 4502, 163, 3223,
 *   200, 0, GET, /DeptLogo.gif, -,
 * (one line). Fifteen fields, each followed by ", " and the last by ",". The
 * time is the server's local time, so it goes through the --tz zone. The
 * target is the stem, %-decoded once by IIS, and the parameters field is the
 * query ("-" when there was none); the protocol is not recorded.
 *
 * Fields are split at ", " rather than at ',' because the stem and query may
 * hold bare commas; the query is whatever lies between the stem and the final
 * ',', so a ", " inside it does not shift anything. */
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

enum {
	I_CLIENT,
	I_USER,
	I_DATE,
	I_TIME,
	I_SERVICE,
	I_SERVER,
	I_SERVER_IP,
	I_TAKEN,
	I_BYTES_IN,
	I_BYTES_OUT,
	I_STATUS,
	I_WINSTATUS,
	I_METHOD,
	I_TARGET, /* everything before it is split at ", " */
};

/* Up to three '/'- or ':'-separated numbers of at most 4 digits each. */
static bool numbers(struct ws_str s, char sep, int v[3])
{
	int k = 0, digits = 0;
	v[0] = 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c >= '0' && c <= '9') {
			if (++digits > 4)
				return false;
			v[k] = v[k] * 10 + (c - '0');
		} else if (c == sep && digits && k < 2) {
			v[++k] = 0;
			digits = 0;
		} else {
			return false;
		}
	}
	return k == 2 && digits;
}

/* "M/D/YY" or "MM/DD/YYYY" and "H:MM:SS", local time in tz. */
static bool parse_when(const struct ws_tz *tz, struct ws_str date, struct ws_str time,
		       int64_t *ts)
{
	int d[3], t[3];
	if (!numbers(date, '/', d) || !numbers(time, ':', t))
		return false;
	int y = d[2];
	if (y < 100)
		y += y >= 70 ? 1900 : 2000; /* IIS wrote two-digit years; 70 is the epoch */
	if (y < 1970 || d[0] < 1 || d[0] > 12 || d[1] < 1 || d[1] > 31 || t[0] > 23 ||
	    t[1] > 59 || t[2] > 60)
		return false;
	*ts = ws_tz_to_utc(tz, y, d[0], d[1], t[0], t[1], t[2]);
	return true;
}

int ws_parse_iis(const struct ws_tz *tz, const char *line, size_t n, struct ws_request *req)
{
	ws_request_reset(req);
	const char *end = line + n;
	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end == line || line[0] == '#')
		return WS_PARSE_SKIP;

	struct ws_str f[I_TARGET];
	const char *p = line;
	for (int i = 0; i < I_TARGET; i++) {
		const char *c = p;
		while (c + 1 < end && !(c[0] == ',' && c[1] == ' '))
			c++;
		if (c + 1 >= end)
			return WS_PARSE_BAD; /* fewer fields than up to the target */
		f[i] = ws_str_trim((struct ws_str){p, (size_t)(c - p)});
		p = c + 2;
	}
	if (!parse_when(tz, f[I_DATE], f[I_TIME], &req->ts))
		return WS_PARSE_BAD; /* any comma list has commas; IIS lines have this date */
	req->ts_known = true;

	/* target ", " parameters "," - a line cut short lacks the final ','. */
	const char *tend = p;
	while (tend + 1 < end && !(tend[0] == ',' && tend[1] == ' '))
		tend++;
	struct ws_str query = WS_STR_NULL;
	if (tend + 1 >= end) {
		req->truncated = true;
		tend = end;
		if (tend > p && tend[-1] == ',')
			tend--; /* cut right after the target's own comma */
	} else {
		const char *q = tend + 2;
		const char *qend = end;
		if (qend > q && qend[-1] == ',')
			qend--;
		else
			req->truncated = true;
		query = ws_str_trim((struct ws_str){q, (size_t)(qend - q)});
	}
	req->path = (struct ws_str){p, (size_t)(tend - p)};
	if (req->path.n == 0 || (req->path.n == 1 && p[0] == '-'))
		return WS_PARSE_SKIP; /* no target: a failed connection */
	req->query = (struct ws_str){p + req->path.n, 0};
	if (query.p && !(query.n == 1 && query.p[0] == '-')) {
		req->query = query;
		req->has_query = true;
	}

	if (!ws_addr_parse(f[I_CLIENT], &req->src, NULL)) {
		req->src.fam = 0; /* a host name when reverse lookup is on */
		req->odd |= WS_ODD_CLIENT;
	}
	ws_addr_parse(f[I_SERVER_IP], &req->dst, NULL);
	req->bytes = ws_str_to_ll(f[I_BYTES_OUT]);
	long long st = ws_str_to_ll(f[I_STATUS]);
	req->status = st >= 100 && st <= 999 ? (int)st : -1;
	if (!(f[I_METHOD].n == 1 && f[I_METHOD].p[0] == '-'))
		req->method = f[I_METHOD];
	req->form = WS_TARGET_DECODED;
	req->proto_logged = false;
	return WS_PARSE_OK;
}
