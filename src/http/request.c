/* SPDX-License-Identifier: MIT */
/* HTTP/1.x head tokenizer and chunked-body walker (contracts in request.h).
 * RFC 9112 is the reference; where the RFC lets a recipient be lenient
 * (bare LF line ends, empty lines before the request line) we are, and
 * everything a proxy may not pass on is reported in `bad` rather than
 * silently repaired, so the guard can answer 400. Both modes walk the same
 * lines and fields with the same code; the mode only decides where a head
 * ends (the blank line, or the end of what the sensor has) and whether too
 * many header lines is an error. */
#include "http/request.h"

#include "util/str.h"

#include <string.h>

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* What a sensor takes for a method when it recognises HTTP by content on
 * any port: letters, '-' and '_'. Token characters such as '.' would make
 * the middle of a stream ("kes-a-while.html HTTP/1.1", after a flow was
 * evicted) look like a request start. */
static bool is_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
}

static bool ieq(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	if (s.n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (a != b)
			return false;
	}
	return true;
}

static struct ws_str trim(const char *p, size_t n)
{
	while (n && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return (struct ws_str){p, n};
}

static void flag(const char **bad, const char *why)
{
	if (!*bad)
		*bad = why;
}

/* One line: [start, end) without its LF and the CR before it. */
struct line {
	const char *p;
	size_t n;
	bool bare_cr; /* a CR inside the line, not before its LF */
	bool last;    /* lenient: the line ran to the end of the bytes (no LF) */
};

/* Finds the next line from pos within lim. Without an LF: false in strict
 * mode; in lenient mode the rest of the bytes is the (cut) last line. */
static bool next_line(const char *p, size_t lim, size_t *pos, enum ws_http_mode mode,
		      struct line *l)
{
	const char *s = p + *pos;
	size_t left = lim - *pos;
	const char *nl = left ? memchr(s, '\n', left) : NULL;
	size_t n;
	l->last = !nl;
	if (nl) {
		n = (size_t)(nl - s);
		*pos += n + 1;
	} else {
		if (mode == WS_HTTP_STRICT || left == 0)
			return false;
		n = left;
		*pos = lim;
	}
	if (n && s[n - 1] == '\r')
		n--;
	l->p = s;
	l->n = n;
	l->bare_cr = memchr(s, '\r', n) != NULL;
	return true;
}

/* True when v holds a control character other than HTAB. */
static bool has_ctl(struct ws_str v)
{
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

/* Calls fn on each comma-separated, trimmed, non-empty token of v. */
static void tokens(struct ws_str v, void (*fn)(struct ws_str t, void *ctx), void *ctx)
{
	size_t i = 0;
	while (i <= v.n) {
		const char *c = i < v.n ? memchr(v.p + i, ',', v.n - i) : NULL;
		size_t e = c ? (size_t)(c - v.p) : v.n;
		struct ws_str t = trim(v.p + i, e - i);
		if (t.n)
			fn(t, ctx);
		i = e + 1;
	}
}

struct te_state {
	int n, chunked_at; /* codings seen; index of "chunked" (-1 none) */
	bool chunked_twice;
};

static void te_token(struct ws_str t, void *ctx)
{
	struct te_state *s = ctx;
	if (ieq(t, "chunked")) {
		if (s->chunked_at >= 0)
			s->chunked_twice = true;
		s->chunked_at = s->n;
	}
	s->n++;
}

struct conn_state {
	bool close, keepalive;
	bool framing; /* names Content-Length or Transfer-Encoding */
};

static void conn_token(struct ws_str t, void *ctx)
{
	struct conn_state *s = ctx;
	if (ieq(t, "close"))
		s->close = true;
	else if (ieq(t, "keep-alive"))
		s->keepalive = true;
	else if (ieq(t, "content-length") || ieq(t, "transfer-encoding"))
		s->framing = true;
}

struct list_find {
	struct ws_str want;
	bool found;
};

static void find_token(struct ws_str t, void *ctx)
{
	struct list_find *f = ctx;
	if (t.n == f->want.n) {
		bool eq = true;
		for (size_t i = 0; i < t.n && eq; i++) {
			unsigned char a = (unsigned char)t.p[i], b = (unsigned char)f->want.p[i];
			eq = (a | 0x20) == (b | 0x20) || a == b;
		}
		f->found |= eq;
	}
}

bool ws_http_conn_lists(struct ws_str conn_value, struct ws_str name)
{
	struct list_find f = {name, false};
	tokens(conn_value, find_token, &f);
	return f.found;
}

bool ws_http_hop_by_hop(struct ws_str name)
{
	static const char *const hop[] = {"connection", "keep-alive", "proxy-connection",
					  "proxy-authorization", "proxy-authenticate", "te",
					  "trailer", "upgrade"};
	for (size_t i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
		if (ieq(name, hop[i]))
			return true;
	return false;
}

/* What the header lines say, gathered as they are read (so lines a lenient
 * parse does not store still count). */
struct fields {
	int64_t cl;
	int nte;
	struct te_state te;
	struct conn_state conn;
	int nhost;
	struct ws_str host, agent, referer;
	bool expect_continue;
	bool host_bad, expect_bad;
};

/* Content-Length: digits only, and every copy the same (RFC 9112 §6.3). */
static void content_length(struct ws_str v, int64_t *cl, const char **bad)
{
	int64_t x = 0;
	if (v.n == 0 || v.n > 18) {
		flag(bad, "bad Content-Length");
		return;
	}
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9') {
			flag(bad, "bad Content-Length");
			return;
		}
		x = x * 10 + (v.p[i] - '0');
	}
	if (*cl >= 0 && *cl != x)
		flag(bad, "conflicting Content-Length headers");
	*cl = x;
}

static bool host_ok(struct ws_str h)
{
	for (size_t i = 0; i < h.n; i++) {
		unsigned char c = (unsigned char)h.p[i];
		bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			  (c >= 'A' && c <= 'Z') || strchr("-._~!$&'()*+,;=:[]%", c);
		if (!ok || c == 0)
			return false;
	}
	return true;
}

/* One complete header field (after any folded continuation). */
static void field(const struct ws_http_header *h, struct fields *f, const char **bad)
{
	switch (h->name.n ? h->name.p[0] | 0x20 : 0) {
	case 'c':
		if (ieq(h->name, "content-length"))
			content_length(h->value, &f->cl, bad);
		else if (ieq(h->name, "connection"))
			tokens(h->value, conn_token, &f->conn);
		break;
	case 't':
		if (ieq(h->name, "transfer-encoding")) {
			f->nte++;
			tokens(h->value, te_token, &f->te);
		}
		break;
	case 'h':
		if (ieq(h->name, "host")) {
			if (f->nhost++ == 0)
				f->host = h->value;
			f->host_bad |= !host_ok(h->value);
		}
		break;
	case 'u':
		if (ieq(h->name, "user-agent"))
			f->agent = h->value;
		break;
	case 'r':
		if (ieq(h->name, "referer"))
			f->referer = h->value;
		break;
	case 'e':
		if (ieq(h->name, "expect")) {
			if (ieq(h->value, "100-continue"))
				f->expect_continue = true;
			else
				f->expect_bad = true;
		}
		break;
	}
}

/* Parses the header lines from pos to the blank line (or, lenient, to the
 * end), storing up to max_hdr of them in hdr and gathering what they say in
 * f. Returns the head length, or a WS_HTTP_* code; *bad names the first
 * flaw found; *cut is set when a lenient head ran out first. */
static int parse_fields(const char *p, size_t lim, size_t n, size_t max_head, size_t pos,
			enum ws_http_mode mode, struct ws_http_header *hdr, size_t max_hdr,
			size_t *nhdr, struct fields *f, const char **bad, bool *cut)
{
	*nhdr = 0;
	memset(f, 0, sizeof(*f));
	f->cl = -1;
	f->te.chunked_at = -1;
	/* The field being read: hdr[*nhdr - 1], or spare when hdr is full. */
	struct ws_http_header spare, *cur = NULL;
	for (;;) {
		struct line l;
		if (!next_line(p, lim, &pos, mode, &l)) {
			if (cur)
				field(cur, f, bad);
			if (mode == WS_HTTP_LENIENT) {
				*cut = true;
				return (int)pos;
			}
			return n >= max_head ? WS_HTTP_TOOBIG : WS_HTTP_MORE;
		}
		if (l.bare_cr)
			flag(bad, "bare CR in a header line");
		if (l.n == 0 && !l.last) {
			if (cur)
				field(cur, f, bad);
			return (int)pos;
		}
		if (l.n && (l.p[0] == ' ' || l.p[0] == '\t')) {
			/* obs-fold: the value continues; the forwarder joins it with SP. */
			if (!cur) {
				flag(bad, "folded line before any header");
				continue;
			}
			const char *vs = cur->value.n ? cur->value.p : l.p;
			struct ws_str t = trim(l.p, l.n);
			/* Unfolding forwards these bytes: hold them to the rule
			 * of the line they continue. */
			if (has_ctl(t))
				flag(bad, "control character in a header value");
			if (t.n) {
				cur->value = (struct ws_str){vs, (size_t)(t.p + t.n - vs)};
				cur->folded = true;
			}
			continue;
		}
		if (cur)
			field(cur, f, bad);
		if (l.n == 0) {
			*cut = true;
			return (int)pos; /* lenient: a cut head's last line was empty */
		}
		if (*nhdr < max_hdr)
			cur = &hdr[(*nhdr)++];
		else if (mode == WS_HTTP_STRICT)
			return WS_HTTP_TOOMANY;
		else
			cur = &spare;
		cur->folded = false;
		const char *colon = memchr(l.p, ':', l.n);
		if (!colon) {
			cur->name = (struct ws_str){l.p, l.n};
			cur->value = (struct ws_str){l.p + l.n, 0};
			flag(bad, "header line without a colon");
			continue;
		}
		cur->name = (struct ws_str){l.p, (size_t)(colon - l.p)};
		cur->value = trim(colon + 1, (size_t)(l.p + l.n - colon - 1));
		bool name_ok = cur->name.n > 0;
		for (size_t i = 0; i < cur->name.n && name_ok; i++)
			name_ok = is_tchar((unsigned char)cur->name.p[i]);
		if (!name_ok)
			flag(bad, cur->name.n && (cur->name.p[cur->name.n - 1] == ' ' ||
						  cur->name.p[cur->name.n - 1] == '\t')
					  ? "whitespace before a header colon"
					  : "bad header name");
		if (has_ctl(cur->value))
			flag(bad, "control character in a header value");
	}
}

/* Skips empty lines before a start line (RFC 9112 §2.2), within lim. */
static size_t skip_blank(const char *p, size_t lim)
{
	size_t i = 0;
	while (i < lim && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

int ws_http_request_start(const char *p, size_t n, enum ws_http_mode mode)
{
	size_t i = skip_blank(p, n), m = 0;
	for (; i < n; i++, m++) {
		if (p[i] == ' ')
			break;
		if (m == WS_HTTP_METHOD_MAX || !(mode == WS_HTTP_STRICT
							 ? is_tchar((unsigned char)p[i])
							 : is_letter((unsigned char)p[i])))
			return 0;
	}
	if (i == n)
		return 1;
	if (m == 0)
		return 0;
	if (mode == WS_HTTP_STRICT)
		return 1;
	while (i < n && p[i] == ' ')
		i++;
	/* '\\' as well: IIS reads it as '/', so an evasive worm may lead with it. */
	return i == n || p[i] == '/' || p[i] == '\\' || p[i] == '*' || (p[i] | 0x20) == 'h';
}

static int version_minor(struct ws_str v)
{
	if (v.n != 8 || memcmp(v.p, "HTTP/1.", 7) != 0 || v.p[7] < '0' || v.p[7] > '9')
		return -1;
	return v.p[7] - '0';
}

static bool is_proto(struct ws_str v)
{
	return v.n >= 5 && (memcmp(v.p, "HTTP/", 5) == 0 || memcmp(v.p, "http/", 5) == 0);
}

/* Splits the request line and records, in r->bad, the first thing that makes
 * it unforwardable. The method is the first word and the protocol the last
 * when it looks like HTTP/x; the target is everything between, spaces and
 * all (old servers logged and received raw spaces), so the sensor and the
 * guard classify the same target. */
static void request_line(struct line l, struct ws_http_req *r)
{
	const char *p = l.p, *e = l.p + l.n;
	/* Surrounding blanks are framing to a sensor; the guard refuses them. */
	struct ws_str s = trim(p, l.n);
	if (s.n != l.n)
		flag(&r->bad, s.p != p ? "bad method" : "extra spaces in the request line");
	p = s.p;
	e = s.p + s.n;
	const char *sp = memchr(p, ' ', s.n);
	const char *me = sp ? sp : e;
	r->method = (struct ws_str){p, (size_t)(me - p)};
	bool ok = r->method.n > 0;
	for (size_t i = 0; i < r->method.n && ok; i++)
		ok = is_tchar((unsigned char)p[i]);
	if (!ok)
		flag(&r->bad, "bad method");
	const char *t = me;
	while (t < e && *t == ' ')
		t++;
	if (t - me > 1)
		flag(&r->bad, "extra spaces in the request line");
	const char *last = e;
	while (last > t && last[-1] != ' ')
		last--;
	const char *te = e;
	r->proto = (struct ws_str){e, 0};
	if (last > t && is_proto((struct ws_str){last, (size_t)(e - last)})) {
		r->proto = (struct ws_str){last, (size_t)(e - last)};
		te = last;
		while (te > t && te[-1] == ' ')
			te--;
		if (last - te > 1)
			flag(&r->bad, "extra spaces in the request line");
	}
	r->target = (struct ws_str){t, (size_t)(te - t)};
	r->minor = version_minor(r->proto);
	if (r->target.n == 0)
		flag(&r->bad, "no request target");
	if (r->proto.n == 0)
		flag(&r->bad, "no HTTP version (HTTP/0.9)");
	else if (r->minor < 0)
		flag(&r->bad, "unsupported HTTP version");
	if (l.bare_cr)
		flag(&r->bad, "bare CR in the request line");
	for (size_t i = 0; i < r->target.n; i++) {
		unsigned char c = (unsigned char)r->target.p[i];
		if (c == ' ') {
			flag(&r->bad, "space in the target");
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			flag(&r->bad, "control character in the target");
			break;
		}
	}
	/* Absolute form (RFC 9112 §3.2.2): the authority becomes the host and
	 * the rest the origin-form path the upstream sees. */
	struct ws_str tg = r->target;
	if (tg.n >= 7 && ieq((struct ws_str){tg.p, 7}, "http://")) {
		const char *a = tg.p + 7, *ae = tg.p + tg.n;
		const char *slash = memchr(a, '/', (size_t)(ae - a));
		if (!slash) {
			flag(&r->bad, "absolute target without a path");
			slash = ae;
		}
		r->host = (struct ws_str){a, (size_t)(slash - a)};
		r->nhost = 1;
		tg = (struct ws_str){slash, (size_t)(ae - slash)};
		r->target = tg;
	} else if (tg.n && tg.p[0] != '/' && !(tg.n == 1 && tg.p[0] == '*')) {
		flag(&r->bad, "target is not a path");
	}
	const char *q = tg.n ? memchr(tg.p, '?', tg.n) : NULL;
	if (q) {
		r->path = (struct ws_str){tg.p, (size_t)(q - tg.p)};
		r->query = (struct ws_str){q + 1, (size_t)(tg.p + tg.n - q - 1)};
		r->has_query = true;
	} else {
		r->path = tg;
		r->query = (struct ws_str){tg.p + tg.n, 0};
	}
}

int ws_http_parse_request(const char *p, size_t n, size_t max_head, enum ws_http_mode mode,
			  struct ws_http_req *r, struct ws_http_header *hdr, size_t max_hdr)
{
	memset(r, 0, sizeof(*r));
	r->hdr = hdr;
	r->content_length = -1;
	r->minor = -1;
	size_t lim = n < max_head ? n : max_head;
	size_t pos = skip_blank(p, lim);
	if (mode == WS_HTTP_LENIENT && !ws_http_request_start(p + pos, lim - pos, mode))
		return WS_HTTP_NOTREQ;
	struct line l;
	if (!next_line(p, lim, &pos, mode, &l))
		return mode == WS_HTTP_LENIENT ? WS_HTTP_NOTREQ
		       : n >= max_head	       ? WS_HTTP_TOOBIG
					       : WS_HTTP_MORE;
	request_line(l, r);
	bool abs_host = r->nhost == 1;
	/* An absolute-form authority is forwarded as the Host line. */
	if (abs_host && (r->host.n == 0 || !host_ok(r->host)))
		flag(&r->bad, "bad Host header");
	/* A cut start line leaves pos at lim: the fields then find the end. */
	struct fields f;
	int len = parse_fields(p, lim, n, max_head, pos, mode, hdr, max_hdr, &r->nhdr, &f,
			       &r->bad, &r->cut);
	if (len < 0)
		return len;
	if (f.host_bad)
		flag(&r->bad, "bad Host header");
	if (f.expect_bad)
		flag(&r->bad, "unsupported Expect");
	if (!abs_host) {
		r->host = f.host;
		r->nhost = f.nhost;
	}
	r->agent = f.agent;
	r->referer = f.referer;
	r->expect_continue = f.expect_continue;
	r->content_length = f.cl;
	r->conn_close = f.conn.close;
	r->conn_keepalive = f.conn.keepalive;
	/* The forwarder drops what Connection names, but frames the body by
	 * it all the same: the upstream would read the body as a request the
	 * guard never classified. */
	if (f.conn.framing)
		flag(&r->bad, "Connection names a framing header");
	if (f.nte) {
		/* Only a lone "chunked" is both safe and streamable; anything else
		 * is the stuff of request smuggling (RFC 9112 §6.1, §6.3). */
		if (f.te.n != 1 || f.te.chunked_at != 0 || f.nte > 1)
			flag(&r->bad, "unsupported Transfer-Encoding");
		else if (r->minor == 0)
			flag(&r->bad, "Transfer-Encoding in HTTP/1.0");
		if (f.cl >= 0)
			flag(&r->bad, "both Transfer-Encoding and Content-Length");
		r->chunked = true;
	}
	if (r->nhost > 1)
		flag(&r->bad, "several Host headers");
	if (r->nhost == 0 && r->minor >= 1) /* 1.x past 1 is read and sent as 1.1 */
		flag(&r->bad, "no Host header in HTTP/1.1");
	if (r->cut)
		flag(&r->bad, "head cut short");
	return len;
}

void ws_http_to_request(const struct ws_http_req *r, struct ws_request *q)
{
	memset(q, 0, sizeof(*q));
	q->src_port = q->dst_port = -1;
	q->status = -1;
	q->bytes = -1;
	q->method = r->method;
	q->path = r->path;
	q->query = r->query;
	q->has_query = r->has_query;
	q->proto = r->proto;
	q->proto_logged = true;
	q->agent = r->agent;
	q->referer = r->referer;
	q->host = r->host;
	q->form = WS_TARGET_RAW;
	q->truncated = r->cut;
}

/* "HTTP/1.1 200 OK": strict wants HTTP/1.x, lenient any version token; the
 * code is the three digits after the first space. Returns it, or -1. */
static int status_line(struct line l, enum ws_http_mode mode, int *minor)
{
	*minor = l.n >= 8 ? version_minor((struct ws_str){l.p, 8}) : -1;
	if (l.n < 5 || memcmp(l.p, "HTTP/", 5) != 0 || l.bare_cr)
		return -1;
	const char *sp = memchr(l.p, ' ', l.n);
	if (!sp || (mode == WS_HTTP_STRICT && (*minor < 0 || sp != l.p + 8)))
		return -1;
	size_t at = (size_t)(sp - l.p) + 1;
	if (at + 3 > l.n || (at + 3 < l.n && l.p[at + 3] != ' '))
		return -1;
	int code = 0;
	for (size_t i = at; i < at + 3; i++) {
		if (l.p[i] < '0' || l.p[i] > '9')
			return -1;
		code = code * 10 + (l.p[i] - '0');
	}
	return code >= 100 ? code : -1;
}

int ws_http_parse_response(const char *p, size_t n, size_t max_head, enum ws_http_mode mode,
			   struct ws_http_resp *r, struct ws_http_header *hdr, size_t max_hdr)
{
	memset(r, 0, sizeof(*r));
	r->hdr = hdr;
	r->content_length = -1;
	size_t lim = n < max_head ? n : max_head;
	size_t pos = 0;
	struct line l;
	if (!next_line(p, lim, &pos, mode, &l))
		return mode == WS_HTTP_LENIENT ? WS_HTTP_NOTREQ
		       : n >= max_head	       ? WS_HTTP_TOOBIG
					       : WS_HTTP_MORE;
	r->status = status_line(l, mode, &r->minor);
	if (r->status < 0)
		r->bad = "bad status line";
	/* A cut start line leaves pos at lim: the fields then find the end. */
	struct fields f;
	int len = parse_fields(p, lim, n, max_head, pos, mode, hdr, max_hdr, &r->nhdr, &f,
			       &r->bad, &r->cut);
	if (len < 0)
		return len;
	r->content_length = f.cl;
	r->conn_close = f.conn.close;
	r->conn_keepalive = f.conn.keepalive;
	if (f.conn.framing)
		flag(&r->bad, "Connection names a framing header"); /* as for requests */
	if (f.nte) {
		/* A final "chunked" frames the body; any other coding means the
		 * body runs to the close (RFC 9112 §6.3 item 4). */
		r->chunked = f.te.chunked_at == f.te.n - 1 && !f.te.chunked_twice;
		if (!r->chunked)
			r->conn_close = true;
		r->content_length = -1;
	}
	return len;
}

enum { CH_SIZE, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_DONE };

#define CH_MAX_LINE 4096
#define CH_MAX_TRAILERS 64

/* One byte of a size line. Returns 0, 1 when the line ended, -1 on error. */
static int size_byte(struct ws_chunked *c, unsigned char b)
{
	if (c->cr && b != '\n')
		return -1;
	if (++c->linelen > CH_MAX_LINE)
		return -1;
	if (b == '\n') {
		if (!c->digits)
			return -1;
		return 1;
	}
	if (b == '\r') {
		c->cr = true;
		return 0;
	}
	int h = ws_hexval(b);
	if (h >= 0 && !c->ext) {
		if (c->left > (UINT64_MAX >> 4))
			return -1;
		c->left = c->left * 16 + (uint64_t)h;
		c->digits = true;
		return 0;
	}
	if (!c->digits)
		return -1;
	c->ext = true;
	/* Between the size and the first ';' only whitespace (BWS): "0x5"
	 * or "1_0" must not pass as 0 or 1 when a lenient upstream reads 5
	 * or 16. Then chunk-ext: name[=value]; no controls. */
	if (!c->semi) {
		c->semi = b == ';';
		return c->semi || b == ' ' || b == '\t' ? 0 : -1;
	}
	return (b < 0x20 && b != '\t') || b == 0x7f ? -1 : 0;
}

long ws_chunked_feed(struct ws_chunked *c, const char *p, size_t n, bool *done)
{
	size_t i = 0;
	*done = false;
	while (i < n) {
		unsigned char b = (unsigned char)p[i];
		switch (c->state) {
		case CH_SIZE: {
			int rc = size_byte(c, b);
			i++;
			if (rc < 0)
				return -1;
			if (rc == 1) {
				c->state = c->left ? CH_DATA : CH_TRAILER;
				c->linelen = 0;
				c->cr = c->digits = c->ext = c->semi = false;
			}
			break;
		}
		case CH_DATA: {
			size_t take = n - i;
			if ((uint64_t)take > c->left)
				take = (size_t)c->left;
			c->left -= take;
			i += take;
			if (c->left == 0)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			i++;
			if (b == '\r')
				c->state = CH_DATA_LF;
			else if (b == '\n')
				c->state = CH_SIZE;
			else
				return -1;
			break;
		case CH_DATA_LF:
			i++;
			if (b != '\n')
				return -1;
			c->state = CH_SIZE;
			break;
		case CH_TRAILER:
			i++;
			if (c->cr && b != '\n')
				return -1;
			if (b == '\n') {
				if (c->linelen == 0) {
					c->state = CH_DONE;
					*done = true;
					return (long)i;
				}
				if (++c->trailers > CH_MAX_TRAILERS)
					return -1;
				c->linelen = 0;
				c->cr = false;
			} else if (b == '\r') {
				c->cr = true;
			} else {
				if ((b < 0x20 && b != '\t') || ++c->linelen > CH_MAX_LINE)
					return -1;
			}
			break;
		default:
			*done = true;
			return (long)i;
		}
	}
	return (long)i;
}
