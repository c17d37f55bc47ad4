/* SPDX-License-Identifier: MIT */
/* W3C extended log format, as IIS writes it:
 *   #Software: Microsoft Internet Information Services 5.0
 *   #Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status
 *   2001-08-04 10:00:01 1.2.3.4 - 10.0.0.1 80 GET /default.ida NNNN...%u00=a 400
 * The #Fields: directive names the columns, in any order, and may change in the
 * middle of a file (IIS rewrites it after a configuration change), so the map
 * from column to field lives in struct ws_w3c_state and is replaced by each
 * #Fields: line. IIS writes the stem %-decoded once and the query apart from
 * it, so Code Red shows up as the two fields "/default.ida NNNN...%u00=a".
 * IIS replaces spaces inside values with '+', which is why splitting at spaces
 * is safe; writers that follow the W3C draft may quote strings instead. */
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

/* Column ids stored in st->field[]. 0 is a column we do not use. */
enum {
	W_OTHER = 0,
	W_DATE,
	W_TIME,
	W_DATETIME,
	W_CIP,
	W_SIP,
	W_SPORT,
	W_CPORT,
	W_METHOD,
	W_STEM,
	W_QUERY,
	W_URI,
	W_VERSION,
	W_STATUS,
	W_BYTES,
	W_AGENT,
	W_REFERER,
	W_HOST,
	W_XFF,
};

static const struct {
	const char *name;
	unsigned char id;
} field_names[] = {
	{"date", W_DATE},
	{"time", W_TIME},
	{"date-time", W_DATETIME},
	{"datetime", W_DATETIME},
	{"c-ip", W_CIP},
	{"s-ip", W_SIP},
	{"s-port", W_SPORT},
	{"c-port", W_CPORT},
	{"cs-method", W_METHOD},
	{"cs-uri-stem", W_STEM},
	{"cs-uri-query", W_QUERY},
	{"cs-uri", W_URI},
	{"cs-version", W_VERSION},
	{"sc-status", W_STATUS},
	{"sc-bytes", W_BYTES},
	{"cs(User-Agent)", W_AGENT},
	{"cs(Referer)", W_REFERER},
	{"cs-host", W_HOST},
	{"cs(Host)", W_HOST},
	{"cs(X-Forwarded-For)", W_XFF},
	/* IIS 8.5+ custom fields are logged under their own name. */
	{"X-Forwarded-For", W_XFF},
};

/* The IIS default field set, used until a file names its own. */
static const unsigned char iis_default[] = {
	W_DATE, W_TIME, W_CIP, W_OTHER, W_SIP, W_SPORT, W_METHOD, W_STEM, W_QUERY, W_STATUS,
	W_AGENT,
};

static bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

/* Next space- or tab-separated token from *pp; a token that opens with '"'
 * runs to the matching '"' before a separator (W3C draft string syntax) and
 * is returned without the quotes. Returns false at the end of the line. */
static bool next_token(const char **pp, const char *end, struct ws_str *out)
{
	const char *p = *pp;
	while (p < end && is_sep(*p))
		p++;
	if (p >= end)
		return false;
	if (*p == '"') {
		for (const char *q = p + 1; q < end; q++) {
			if (*q == '"' && (q + 1 == end || is_sep(q[1]))) {
				*out = (struct ws_str){p + 1, (size_t)(q - p - 1)};
				*pp = q + 1;
				return true;
			}
		}
		/* No closing quote: an ordinary token that happens to start with '"'. */
	}
	const char *s = p;
	while (p < end && !is_sep(*p))
		p++;
	*out = (struct ws_str){s, (size_t)(p - s)};
	*pp = p;
	return true;
}

static void parse_fields(struct ws_w3c_state *st, const char *p, const char *end)
{
	struct ws_str tok;
	int n = 0;
	while (n < (int)sizeof(st->field) && next_token(&p, end, &tok)) {
		unsigned char id = W_OTHER;
		for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (ws_str_ieq(tok, field_names[i].name)) {
				id = field_names[i].id;
				break;
			}
		st->field[n++] = id;
	}
	/* Columns past the 64th are never read: the data line's extra tokens are
	 * ignored like any unused column. */
	st->nfields = n;
	st->have_fields = true;
}

static int port_of(struct ws_str v)
{
	long long p = ws_str_to_ll(v);
	return p >= 0 && p <= 65535 ? (int)p : -1;
}

static bool is_dash(struct ws_str v)
{
	return v.n == 1 && v.p[0] == '-';
}

/* "2001-08-04" and "10:00:01[.fff]" are UTC by the W3C draft (IIS follows it). */
static bool parse_date_time(struct ws_str date, struct ws_str time, int64_t *ts)
{
	char buf[48];
	if (date.n != 10 || time.n < 8 || time.n > sizeof(buf) - 12)
		return false;
	memcpy(buf, date.p, 10);
	buf[10] = 'T';
	memcpy(buf + 11, time.p, time.n);
	return ws_time_parse_iso((struct ws_str){buf, 11 + time.n}, ts);
}

/* "#Date: 2001-08-04 00:00:00": the day the following lines belong to. */
static void parse_date_directive(struct ws_w3c_state *st, struct ws_str v)
{
	int64_t ts;
	if (v.n >= 10 && ws_time_parse_iso((struct ws_str){v.p, v.n < 19 ? 10 : 19}, &ts)) {
		st->date_days = ts >= 0 ? ts / 86400 : 0;
		st->have_date = true;
	} else if (v.n >= 10) {
		char buf[20];
		memcpy(buf, v.p, 10);
		memcpy(buf + 10, "T00:00:00", 9);
		if (ws_time_parse_iso((struct ws_str){buf, 19}, &ts)) {
			st->date_days = ts / 86400;
			st->have_date = true;
		}
	}
}

/* A time column on the #Date: day. IIS writes lines in time order within a
 * day and starts a new #Date: block after midnight. */
static bool time_of_day(struct ws_str t, int64_t days, int64_t *ts)
{
	if (t.n < 8 || t.p[2] != ':' || t.p[5] != ':')
		return false;
	long long h = ws_str_to_ll((struct ws_str){t.p, 2});
	long long m = ws_str_to_ll((struct ws_str){t.p + 3, 2});
	long long sec = ws_str_to_ll((struct ws_str){t.p + 6, 2});
	if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return false;
	*ts = days * 86400 + h * 3600 + m * 60 + sec;
	return true;
}

int ws_parse_w3c(struct ws_w3c_state *st, const char *line, size_t n, struct ws_request *req)
{
	ws_request_reset(req);
	const char *end = line + n;
	while (end > line && (end[-1] == '\r' || end[-1] == '\n' || is_sep(end[-1])))
		end--;
	if (end == line)
		return WS_PARSE_SKIP;
	if (line[0] == '#') {
		struct ws_str s = {line, (size_t)(end - line)};
		if (ws_str_istarts(s, "#Fields:"))
			parse_fields(st, line + 8, end);
		else if (ws_str_istarts(s, "#Date:"))
			parse_date_directive(st, ws_str_trim((struct ws_str){line + 6, s.n - 6}));
		return WS_PARSE_SKIP;
	}

	const unsigned char *map = iis_default;
	int nmap = (int)sizeof(iis_default);
	if (st->have_fields) {
		map = st->field;
		nmap = st->nfields;
	}
	/* Where the target sits decides how short a line may be. */
	int stem_at = -1, query_at = -1, uri_at = -1;
	bool have_version = false;
	for (int i = 0; i < nmap; i++) {
		if (map[i] == W_STEM && stem_at < 0)
			stem_at = i;
		else if (map[i] == W_QUERY && query_at < 0)
			query_at = i;
		else if (map[i] == W_URI && uri_at < 0)
			uri_at = i;
		else if (map[i] == W_VERSION)
			have_version = true;
	}
	int target_at = stem_at >= 0 ? stem_at : uri_at;
	if (target_at < 0)
		return WS_PARSE_SKIP; /* this header logs no target: nothing to judge */

	struct ws_str date = WS_STR_NULL, time = WS_STR_NULL, datetime = WS_STR_NULL;
	struct ws_str stem = WS_STR_NULL, query = WS_STR_NULL, uri = WS_STR_NULL, xff = WS_STR_NULL;
	bool got_query = false;
	const char *p = line;
	struct ws_str v;
	int i = 0;
	for (; i < nmap && next_token(&p, end, &v); i++) {
		switch (map[i]) {
		case W_DATE: date = v; break;
		case W_TIME: time = v; break;
		case W_DATETIME: datetime = v; break;
		case W_CIP:
			if (!ws_addr_parse(v, &req->src, NULL)) {
				req->src.fam = 0; /* a host name when reverse lookup is on */
				req->odd |= WS_ODD_CLIENT;
			}
			break;
		case W_SIP: ws_addr_parse(v, &req->dst, NULL); break;
		case W_SPORT: req->dst_port = port_of(v); break;
		case W_CPORT: req->src_port = port_of(v); break;
		case W_METHOD:
			if (!is_dash(v))
				req->method = v;
			break;
		case W_STEM: stem = v; break;
		case W_QUERY:
			query = v;
			got_query = true;
			break;
		case W_URI: uri = v; break;
		case W_VERSION:
			if (!is_dash(v))
				req->proto = v;
			else
				have_version = false;
			break;
		case W_STATUS: {
			long long code = ws_str_to_ll(v);
			req->status = code >= 100 && code <= 999 ? (int)code : -1;
			break;
		}
		case W_BYTES: req->bytes = ws_str_to_ll(v); break;
		case W_AGENT: req->agent = v; break;
		case W_REFERER: req->referer = v; break;
		case W_HOST: req->host = v; break;
		case W_XFF: xff = v; break;
		default: break;
		}
	}
	if (i <= target_at)
		return WS_PARSE_BAD; /* ends before the target: not a request line */
	/* A line cut off while in the stem or the query may have lost the rest of
	 * the target; a line cut later has the whole request. */
	if (i < nmap && (i - 1 == target_at || (query_at > target_at && i - 1 <= query_at)))
		req->truncated = true;

	if (stem_at >= 0) {
		if (is_dash(stem))
			return WS_PARSE_SKIP; /* IIS could not parse the request */
		req->path = stem;
		req->query = (struct ws_str){stem.p + stem.n, 0};
		if (got_query && !is_dash(query)) {
			req->query = query;
			req->has_query = true;
		}
		req->form = WS_TARGET_DECODED;
	} else {
		if (is_dash(uri))
			return WS_PARSE_SKIP;
		/* cs-uri comes from writers other than IIS, which log the target as
		 * received. */
		ws_split_target(uri.p, uri.n, req);
		req->form = WS_TARGET_RAW;
	}
	req->proto_logged = have_version;

	if (datetime.p)
		req->ts_known = ws_time_parse_iso(datetime, &req->ts);
	else if (date.p && time.p)
		req->ts_known = parse_date_time(date, time, &req->ts);
	else if (time.p && st->have_date)
		req->ts_known = time_of_day(time, st->date_days, &req->ts);
	if (!req->ts_known && (datetime.p || date.p || time.p))
		req->odd |= WS_ODD_TIME;

	struct ws_addr fwd;
	if (xff.p && ws_xff_first(xff, &fwd))
		req->src = fwd;
	return WS_PARSE_OK;
}
