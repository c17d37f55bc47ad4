/* SPDX-License-Identifier: MIT */
/* User-given line formats: an Apache LogFormat string
 *   %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"
 * or an nginx log_format string
 *   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 * compiled into a lead literal followed by (field, literal) pairs. A line is
 * matched left to right: each field ends where the literal after it occurs.
 * Values may hold that literal (a %r with a raw quote, a User-Agent with a
 * space), so a field whose value fails its check (a status that is not three
 * digits, say) or whose rest does not match is retried at the literal's next
 * occurrences, a few per field. Every byte searched is charged to a budget
 * proportional to the line, so a hostile line costs linear time however the
 * retries nest.
 *
 * A line that does not match to its end is tried again allowing it to end
 * early (cut by a line-length limit: the field it ends in runs to the end,
 * and if that is the request it is marked truncated) or to carry extra text. */
#include <stdlib.h>
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

enum cf_kind {
	CF_SKIP,       /* any text up to the next literal */
	CF_SRC,        /* %h %a $remote_addr */
	CF_SRC_PORT,   /* %{remote}p $remote_port */
	CF_DST,        /* %A $server_addr */
	CF_DST_PORT,   /* %p $server_port */
	CF_TIME_NCSA,  /* %t ("[...]") $time_local */
	CF_TIME_ISO,   /* $time_iso8601 */
	CF_TIME_EPOCH, /* %{sec}t $msec */
	CF_REQUEST,    /* %r $request */
	CF_TARGET,     /* $request_uri: path?query */
	CF_PATH,       /* %U $uri */
	CF_QUERY,      /* %q ("?x" or ""), $args $query_string ("x" or "-") */
	CF_ISARGS,     /* $is_args: "?" or "" */
	CF_METHOD,     /* %m $request_method */
	CF_PROTO,      /* %H $server_protocol */
	CF_STATUS,     /* %>s %s $status */
	CF_BYTES,      /* %b %B $body_bytes_sent $bytes_sent */
	CF_NUMBER,     /* other numbers (%D %T %I %O ...): digits, '-' or '.' */
	CF_AGENT,
	CF_REFERER,
	CF_XFF,
	CF_HOST,       /* %{Host}i %v %V $host $server_name */
};

struct cf_field {
	enum cf_kind kind;
	char *lit; /* the literal that follows, NUL-terminated, may be empty */
	size_t litn;
};

struct ws_custom {
	char *lead; /* the literal before the first field */
	size_t leadn;
	struct cf_field *f;
	size_t n;
	bool proto_logged;
};

/* More fields than any real format has; keeps the recursion shallow. */
#define CF_MAX_FIELDS 128
/* Occurrences of a literal tried per field; bytes searched per byte of line. */
#define CF_TRIES 8
#define CF_BUDGET_PER_BYTE 16

static const struct {
	const char *name;
	enum cf_kind kind;
} nginx_vars[] = {
	{"remote_addr", CF_SRC},
	{"remote_port", CF_SRC_PORT},
	{"time_local", CF_TIME_NCSA},
	{"time_iso8601", CF_TIME_ISO},
	{"msec", CF_TIME_EPOCH},
	{"request", CF_REQUEST},
	{"status", CF_STATUS},
	{"body_bytes_sent", CF_BYTES},
	{"bytes_sent", CF_BYTES},
	{"http_referer", CF_REFERER},
	{"http_user_agent", CF_AGENT},
	{"http_x_forwarded_for", CF_XFF},
	{"request_method", CF_METHOD},
	{"request_uri", CF_TARGET},
	{"uri", CF_PATH},
	{"args", CF_QUERY},
	{"query_string", CF_QUERY},
	{"is_args", CF_ISARGS},
	{"server_protocol", CF_PROTO},
	{"host", CF_HOST},
	{"server_name", CF_HOST},
	{"server_addr", CF_DST},
	{"server_port", CF_DST_PORT},
	{"request_time", CF_NUMBER},
	{"request_length", CF_NUMBER},
	{"connection", CF_NUMBER},
};

/* The compiler's working state: fields so far and the literal being built. */
struct cf_build {
	struct ws_custom *c;
	struct ws_buf lit;
	bool have_request;
};

static void add_field(struct cf_build *b, enum cf_kind kind)
{
	struct ws_custom *c = b->c;
	char *lit = ws_xmalloc(b->lit.n + 1);
	if (b->lit.n)
		memcpy(lit, b->lit.p, b->lit.n);
	lit[b->lit.n] = '\0';
	if (c->n == 0 && !c->lead) {
		c->lead = lit;
		c->leadn = b->lit.n;
	} else {
		c->f[c->n - 1].lit = lit;
		c->f[c->n - 1].litn = b->lit.n;
	}
	b->lit.n = 0;
	if (kind == CF_REQUEST || kind == CF_TARGET || kind == CF_PATH)
		b->have_request = true;
	if (kind == CF_REQUEST || kind == CF_PROTO)
		c->proto_logged = true;
	c->f[c->n++] = (struct cf_field){kind, NULL, 0};
}

/* Apache: what %{arg}X means. */
static enum cf_kind apache_kind(char d, const char *arg, size_t argn)
{
	struct ws_str a = {arg, argn};
	switch (d) {
	case 'h':
	case 'a': return CF_SRC;
	case 'A': return CF_DST;
	case 'p':
		if (ws_str_ieq(a, "remote"))
			return CF_SRC_PORT;
		return CF_DST_PORT;
	case 't':
		if (!arg || ws_str_eq(a, "%d/%b/%Y:%H:%M:%S %z"))
			return CF_TIME_NCSA;
		if (ws_str_ieq(a, "sec") || ws_str_ieq(a, "begin:sec"))
			return CF_TIME_EPOCH;
		return CF_SKIP;
	case 'r': return CF_REQUEST;
	case 's': return CF_STATUS;
	case 'b':
	case 'B': return CF_BYTES;
	case 'O':
	case 'I':
	case 'S':
	case 'D':
	case 'T':
	case 'k':
	case 'P': return CF_NUMBER;
	case 'i':
		if (ws_str_ieq(a, "Referer"))
			return CF_REFERER;
		if (ws_str_ieq(a, "User-Agent"))
			return CF_AGENT;
		if (ws_str_ieq(a, "X-Forwarded-For"))
			return CF_XFF;
		if (ws_str_ieq(a, "Host"))
			return CF_HOST;
		return CF_SKIP;
	case 'v':
	case 'V': return CF_HOST;
	case 'm': return CF_METHOD;
	case 'U': return CF_PATH;
	case 'q': return CF_QUERY;
	case 'H': return CF_PROTO;
	default: return CF_SKIP;
	}
}

/* One Apache directive at s[*i] (just after the '%'). */
static bool apache_directive(struct cf_build *b, const char *s, size_t *i, struct ws_err *err)
{
	size_t k = *i;
	/* Modifiers: '<' '>' and a status list such as "!400,501". */
	while (s[k] == '<' || s[k] == '>' || s[k] == '!' || s[k] == ',' ||
	       (s[k] >= '0' && s[k] <= '9'))
		k++;
	const char *arg = NULL;
	size_t argn = 0;
	if (s[k] == '{') {
		const char *close = strchr(s + k, '}');
		if (!close) {
			ws_err_set(err, WS_EUSAGE, "--log-format: unterminated %%{ in '%s'", s);
			return false;
		}
		arg = s + k + 1;
		argn = (size_t)(close - arg);
		k = (size_t)(close - s) + 1;
	}
	char d = s[k];
	if (d == '\0') {
		ws_err_set(err, WS_EUSAGE, "--log-format: '%%' at the end of '%s'", s);
		return false;
	}
	if (d == '%' && k == *i) {
		ws_buf_addc(&b->lit, '%');
	} else {
		add_field(b, apache_kind(d, arg, argn));
	}
	*i = k + 1;
	return true;
}

/* One nginx variable at s[*i] (just after the '$'); false when none is there
 * (a '$' that is just a character). */
static bool nginx_variable(struct cf_build *b, const char *s, size_t *i)
{
	size_t k = *i;
	bool braced = s[k] == '{';
	if (braced)
		k++;
	size_t start = k;
	while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
	       (s[k] >= '0' && s[k] <= '9') || s[k] == '_')
		k++;
	if (k == start || (braced && s[k] != '}'))
		return false;
	struct ws_str name = {s + start, k - start};
	enum cf_kind kind = CF_SKIP;
	for (size_t j = 0; j < sizeof(nginx_vars) / sizeof(nginx_vars[0]); j++)
		if (ws_str_ieq(name, nginx_vars[j].name)) {
			kind = nginx_vars[j].kind;
			break;
		}
	add_field(b, kind);
	*i = k + braced;
	return true;
}

/* nginx if it names more $variables than Apache %directives: either syntax
 * may hold the other's character as a literal. */
static bool looks_nginx(const char *s)
{
	int dollars = 0, percents = 0;
	for (const char *p = s; *p; p++) {
		char c = p[1];
		bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		if (*p == '$' && (word || c == '{'))
			dollars++;
		else if (*p == '%' && (word || c == '{' || c == '>' || c == '<'))
			percents++;
	}
	return dollars > percents;
}

struct ws_custom *ws_custom_compile(const char *spec, struct ws_err *err)
{
	struct ws_custom *c = ws_xcalloc(1, sizeof(*c));
	c->f = ws_xcalloc(CF_MAX_FIELDS, sizeof(*c->f));
	struct cf_build b = {.c = c};
	bool nginx = looks_nginx(spec);
	for (size_t i = 0; spec[i];) {
		char ch = spec[i];
		if (c->n == CF_MAX_FIELDS) {
			ws_err_set(err, WS_EUSAGE, "--log-format: more than %d fields", CF_MAX_FIELDS);
			goto fail;
		}
		if (ch == '\\' && spec[i + 1]) {
			/* Config-file escapes, for a format pasted with its quoting. */
			char e = spec[i + 1];
			ws_buf_addc(&b.lit, e == 't' ? '\t' : e == 'n' ? '\n' : e);
			i += 2;
		} else if (!nginx && ch == '%') {
			i++;
			if (!apache_directive(&b, spec, &i, err))
				goto fail;
		} else if (nginx && ch == '$') {
			i++;
			if (!nginx_variable(&b, spec, &i))
				ws_buf_addc(&b.lit, '$');
		} else {
			ws_buf_addc(&b.lit, ch);
			i++;
		}
	}
	if (!b.have_request) {
		ws_err_set(err, WS_EUSAGE,
			   "--log-format: '%s' has no request field (%%r, %%U, $request, "
			   "$request_uri or $uri), so there is nothing to scan",
			   spec);
		goto fail;
	}
	/* The literal after the last field. */
	c->f[c->n - 1].litn = b.lit.n;
	c->f[c->n - 1].lit = ws_xmalloc(b.lit.n + 1);
	if (b.lit.n)
		memcpy(c->f[c->n - 1].lit, b.lit.p, b.lit.n);
	c->f[c->n - 1].lit[b.lit.n] = '\0';
	ws_buf_free(&b.lit);
	return c;
fail:
	ws_buf_free(&b.lit);
	ws_custom_free(c);
	return NULL;
}

void ws_custom_free(struct ws_custom *c)
{
	if (!c)
		return;
	free(c->lead);
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i].lit);
	free(c->f);
	free(c);
}

/* ---- matching ---- */

struct cf_match {
	const struct ws_custom *c;
	const char *end;
	bool lenient;  /* allow the line to end inside a field, or to run on */
	long long budget; /* bytes that may still be searched */
	struct ws_str *val;
	size_t cut_at; /* index of the field the line ended in, or c->n */
};

static bool all_digits(struct ws_str v, bool dot)
{
	if (v.n == 0)
		return false;
	for (size_t i = 0; i < v.n; i++)
		if (!((v.p[i] >= '0' && v.p[i] <= '9') || (dot && v.p[i] == '.')))
			return false;
	return true;
}

static bool is_dash(struct ws_str v)
{
	return v.n == 1 && v.p[0] == '-';
}

/* Whether v can be a value of this field; what steers the retries. */
static bool plausible(enum cf_kind k, struct ws_str v)
{
	switch (k) {
	case CF_SRC:
	case CF_DST:
	case CF_METHOD:
		return v.n > 0 && !memchr(v.p, ' ', v.n);
	case CF_STATUS:
		return is_dash(v) || (v.n == 3 && all_digits(v, false));
	case CF_BYTES:
	case CF_SRC_PORT:
	case CF_DST_PORT:
		return is_dash(v) || all_digits(v, false);
	case CF_NUMBER:
	case CF_TIME_EPOCH:
		return is_dash(v) || all_digits(v, true);
	case CF_TIME_NCSA: {
		/* Apache's %t carries its brackets; nginx's $time_local does not.
		 * Parse it: a length test let a shifted "- [date]" pass. */
		int64_t ts;
		if (v.n >= 2 && v.p[0] == '[' && v.p[v.n - 1] == ']')
			v = (struct ws_str){v.p + 1, v.n - 2};
		return ws_time_parse_ncsa(v, &ts) && v.n <= 32;
	}
	case CF_TIME_ISO: {
		int64_t ts;
		return v.n <= 40 && ws_time_parse_iso(v, &ts);
	}
	default:
		return true;
	}
}

/* Matches fields k.. from p; the line must end at m->end unless lenient. */
static bool match_from(struct cf_match *m, size_t k, const char *p)
{
	if (--m->budget < 0)
		return false; /* each step costs at least one */
	const struct ws_custom *c = m->c;
	if (k == c->n)
		return p == m->end || m->lenient;
	const struct cf_field *f = &c->f[k];
	const char *end = m->end;
	if (f->litn == 0) {
		/* Last field: to the end. Fields written back to back: %U%q and
		 * $uri$is_args$args split at the '?'; $is_args is that '?' or
		 * nothing; otherwise the first field is empty. */
		const char *fe = p;
		const struct cf_field *nx = k + 1 < c->n ? &c->f[k + 1] : NULL;
		if (!nx) {
			fe = end;
		} else if (f->kind == CF_ISARGS) {
			fe = p < end && *p == '?' ? p + 1 : p;
		} else if (nx->kind == CF_QUERY || nx->kind == CF_ISARGS) {
			/* The run ends at the first literal after it. */
			const struct cf_field *lf = nx;
			while (lf->litn == 0 && lf + 1 < c->f + c->n)
				lf++;
			const char *stop = lf->litn ? memmem(p, (size_t)(end - p), lf->lit, lf->litn)
						    : NULL;
			if (!stop)
				stop = end;
			m->budget -= stop - p;
			const char *qm = memchr(p, '?', (size_t)(stop - p));
			fe = qm ? qm : stop;
		}
		m->val[k] = (struct ws_str){p, (size_t)(fe - p)};
		return plausible(f->kind, m->val[k]) && match_from(m, k + 1, fe);
	}
	if (k + 1 == c->n && !m->lenient) {
		/* The last literal ends the line: anchor it there. */
		if ((size_t)(end - p) < f->litn || memcmp(end - f->litn, f->lit, f->litn) != 0)
			return false;
		m->val[k] = (struct ws_str){p, (size_t)(end - f->litn - p)};
		return plausible(f->kind, m->val[k]);
	}
	const char *q = p;
	bool any = false;
	for (int t = 0; t < CF_TRIES && q < end; t++) {
		const char *from = q;
		q = memmem(q, (size_t)(end - q), f->lit, f->litn);
		m->budget -= (q ? q : end) - from;
		if (!q || m->budget < 0)
			break;
		any = true;
		m->val[k] = (struct ws_str){p, (size_t)(q - p)};
		if (plausible(f->kind, m->val[k]) && match_from(m, k + 1, q + f->litn))
			return true;
		if (m->budget < 0)
			return false;
		q++;
	}
	if (m->lenient && !any && m->budget >= 0) {
		/* The line ends inside this field. */
		m->val[k] = (struct ws_str){p, (size_t)(end - p)};
		m->cut_at = k;
		return true;
	}
	return false;
}

static int port_of(struct ws_str v)
{
	long long p = ws_str_to_ll(v);
	return p >= 0 && p <= 65535 ? (int)p : -1;
}

static bool parse_epoch(struct ws_str v, int64_t *ts)
{
	const char *dot = memchr(v.p, '.', v.n);
	long long s = ws_str_to_ll((struct ws_str){v.p, dot ? (size_t)(dot - v.p) : v.n});
	if (s < 0 || s > 253402300799LL) /* year 9999 */
		return false;
	*ts = s;
	return true;
}

int ws_parse_custom(const struct ws_custom *c, const char *line, size_t n,
		    struct ws_request *req)
{
	ws_request_reset(req);
	const char *end = line + n;
	while (end > line && end[-1] == '\r')
		end--;
	if (end == line)
		return WS_PARSE_SKIP;
	if ((size_t)(end - line) < c->leadn || memcmp(line, c->lead, c->leadn) != 0)
		return WS_PARSE_BAD;

	struct ws_str val[CF_MAX_FIELDS];
	long long budget = (long long)(end - line) * CF_BUDGET_PER_BYTE + 4096;
	struct cf_match m = {.c = c, .end = end, .budget = budget, .val = val, .cut_at = c->n};
	if (!match_from(&m, 0, line + c->leadn)) {
		m.lenient = true;
		m.budget = budget;
		m.cut_at = c->n;
		if (!match_from(&m, 0, line + c->leadn))
			return WS_PARSE_BAD;
	}
	/* Fields after the one the line ended in were never seen. */
	size_t nf = m.cut_at < c->n ? m.cut_at + 1 : c->n;

	struct ws_str request = WS_STR_NULL, target = WS_STR_NULL, path = WS_STR_NULL;
	struct ws_str query = WS_STR_NULL, xff = WS_STR_NULL;
	bool have_request = false, have_target = false, have_path = false, have_query = false;
	bool request_cut = false;
	for (size_t i = 0; i < nf; i++) {
		struct ws_str v = val[i];
		bool cut = i == m.cut_at;
		switch (c->f[i].kind) {
		case CF_SRC:
			if (!req->src.fam && !ws_addr_parse(v, &req->src, &req->src_port))
				req->src.fam = 0; /* a host name (HostnameLookups on) */
			break;
		case CF_SRC_PORT: req->src_port = port_of(v); break;
		case CF_DST: ws_addr_parse(v, &req->dst, NULL); break;
		case CF_DST_PORT: req->dst_port = port_of(v); break;
		case CF_TIME_NCSA:
			if (v.n > 2 && v.p[0] == '[' && v.p[v.n - 1] == ']')
				v = (struct ws_str){v.p + 1, v.n - 2};
			req->ts_known = req->ts_known || ws_time_parse_ncsa(v, &req->ts);
			break;
		case CF_TIME_ISO:
			req->ts_known = req->ts_known || ws_time_parse_iso(v, &req->ts);
			break;
		case CF_TIME_EPOCH:
			req->ts_known = req->ts_known || parse_epoch(v, &req->ts);
			break;
		case CF_REQUEST:
			request = v;
			have_request = true;
			request_cut = cut;
			break;
		case CF_TARGET:
			target = v;
			have_target = true;
			request_cut = request_cut || cut;
			break;
		case CF_PATH:
			path = v;
			have_path = true;
			request_cut = request_cut || cut;
			break;
		case CF_QUERY:
			query = v;
			have_query = true;
			request_cut = request_cut || cut;
			break;
		case CF_METHOD:
			if (!is_dash(v))
				req->method = v;
			break;
		case CF_PROTO:
			if (!is_dash(v))
				req->proto = v;
			break;
		case CF_STATUS: {
			long long st = ws_str_to_ll(v);
			if (req->status < 0)
				req->status = st >= 100 && st <= 999 ? (int)st : -1;
			break;
		}
		case CF_BYTES:
			if (req->bytes < 0)
				req->bytes = ws_str_to_ll(v);
			break;
		case CF_AGENT: req->agent = v; break;
		case CF_REFERER: req->referer = v; break;
		case CF_XFF: xff = v; break;
		case CF_HOST:
			if (!req->host.n && !is_dash(v))
				req->host = v;
			break;
		default: break;
		}
	}

	/* The request line wins; %U/%q or $request_uri fill in when it is absent. */
	bool found = false;
	if (have_request && !is_dash(request) && request.n) {
		struct ws_str method = req->method, proto = req->proto;
		if (!ws_split_request_line(request.p, request.n, req)) {
			/* One token, such as a bare "/scripts/root.exe": no method. */
			ws_split_target(request.p, request.n, req);
			req->method = method;
		}
		if (!req->proto.n)
			req->proto = proto;
		found = true;
	} else if (have_target && !is_dash(target) && target.n) {
		ws_split_target(target.p, target.n, req);
		found = true;
	} else if (have_path && !is_dash(path) && path.n) {
		req->path = path;
		req->query = (struct ws_str){path.p + path.n, 0};
		if (have_query && query.n && query.p[0] == '?')
			query = (struct ws_str){query.p + 1, query.n - 1};
		if (have_query && query.n && !is_dash(query)) {
			req->query = query;
			req->has_query = true;
		}
		found = true;
	}
	if (!found)
		return m.cut_at < c->n ? WS_PARSE_BAD : WS_PARSE_SKIP;
	req->truncated = request_cut;
	req->proto_logged = c->proto_logged;

	struct ws_addr fwd;
	if (xff.p && ws_xff_first(xff, &fwd))
		req->src = fwd;
	req->form = WS_TARGET_RAW;
	return WS_PARSE_OK;
}
