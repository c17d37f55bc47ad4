/* HTTP/1.x head parser and chunked-body walker (contracts in http.h).
 * RFC 9112 is the reference; where the RFC lets a recipient be lenient
 * (bare LF line ends, empty lines before the request line) we are, and
 * everything a proxy may not pass on is reported in `bad` rather than
 * silently repaired, so the caller can answer 400. */
#include "guard/http.h"

#include "util/str.h"

#include <string.h>

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
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

/* One line: [start, end) without its LF and the CR before it. */
struct line {
	const char *p;
	size_t n;
	bool bare_cr; /* a CR inside the line, not before its LF */
};

/* Finds the next line from pos within lim. Returns false when no LF. */
static bool next_line(const char *p, size_t lim, size_t *pos, struct line *l)
{
	const char *s = p + *pos;
	const char *nl = memchr(s, '\n', lim - *pos);
	if (!nl)
		return false;
	size_t n = (size_t)(nl - s);
	*pos += n + 1;
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

/* Parses the header lines from *pos to the blank line, into hdr. Returns
 * the head length, or a WS_HTTP_* code; *bad names the first flaw found. */
static int parse_fields(const char *p, size_t lim, size_t n, size_t max_head, size_t pos,
			struct ws_http_header *hdr, size_t max_hdr, size_t *nhdr, const char **bad)
{
	*nhdr = 0;
	for (;;) {
		struct line l;
		if (!next_line(p, lim, &pos, &l))
			return n >= max_head ? WS_HTTP_TOOBIG : WS_HTTP_MORE;
		if (l.bare_cr && !*bad)
			*bad = "bare CR in a header line";
		if (l.n == 0)
			return (int)pos;
		if (l.p[0] == ' ' || l.p[0] == '\t') {
			/* obs-fold: the value continues; the forwarder joins it with SP. */
			if (*nhdr == 0) {
				if (!*bad)
					*bad = "folded line before any header";
				continue;
			}
			struct ws_http_header *h = &hdr[*nhdr - 1];
			const char *vs = h->value.n ? h->value.p : l.p;
			struct ws_str t = trim(l.p, l.n);
			/* Unfolding forwards these bytes: hold them to the rule
			 * of the line they continue. */
			if (has_ctl(t) && !*bad)
				*bad = "control character in a header value";
			if (t.n) {
				h->value = (struct ws_str){vs, (size_t)(t.p + t.n - vs)};
				h->folded = true;
			}
			continue;
		}
		if (*nhdr == max_hdr)
			return WS_HTTP_TOOMANY;
		const char *colon = memchr(l.p, ':', l.n);
		struct ws_http_header *h = &hdr[(*nhdr)++];
		h->folded = false;
		if (!colon) {
			h->name = (struct ws_str){l.p, l.n};
			h->value = (struct ws_str){l.p + l.n, 0};
			if (!*bad)
				*bad = "header line without a colon";
			continue;
		}
		h->name = (struct ws_str){l.p, (size_t)(colon - l.p)};
		h->value = trim(colon + 1, (size_t)(l.p + l.n - colon - 1));
		bool name_ok = h->name.n > 0;
		for (size_t i = 0; i < h->name.n && name_ok; i++)
			name_ok = is_tchar((unsigned char)h->name.p[i]);
		if (!name_ok && !*bad)
			*bad = h->name.n && (h->name.p[h->name.n - 1] == ' ' ||
					     h->name.p[h->name.n - 1] == '\t')
				       ? "whitespace before a header colon"
				       : "bad header name";
		if (has_ctl(h->value) && !*bad)
			*bad = "control character in a header value";
	}
}

/* Content-Length: digits only, and every copy the same (RFC 9112 §6.3). */
static void content_length(struct ws_str v, int64_t *cl, const char **bad)
{
	int64_t x = 0;
	if (v.n == 0 || v.n > 18) {
		if (!*bad)
			*bad = "bad Content-Length";
		return;
	}
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9') {
			if (!*bad)
				*bad = "bad Content-Length";
			return;
		}
		x = x * 10 + (v.p[i] - '0');
	}
	if (*cl >= 0 && *cl != x && !*bad)
		*bad = "conflicting Content-Length headers";
	*cl = x;
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

/* Framing and hop facts shared by requests and responses. */
struct framing {
	int64_t cl;
	int nte;
	struct te_state te;
	struct conn_state conn;
};

static void framing_scan(const struct ws_http_header *hdr, size_t nhdr, struct framing *f,
			 const char **bad)
{
	memset(f, 0, sizeof(*f));
	f->cl = -1;
	f->te.chunked_at = -1;
	for (size_t i = 0; i < nhdr; i++) {
		const struct ws_http_header *h = &hdr[i];
		if (ieq(h->name, "content-length")) {
			content_length(h->value, &f->cl, bad);
		} else if (ieq(h->name, "transfer-encoding")) {
			f->nte++;
			tokens(h->value, te_token, &f->te);
		} else if (ieq(h->name, "connection")) {
			tokens(h->value, conn_token, &f->conn);
		}
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

static int version_minor(struct ws_str v)
{
	if (v.n != 8 || memcmp(v.p, "HTTP/1.", 7) != 0 || v.p[7] < '0' || v.p[7] > '9')
		return -1;
	return v.p[7] - '0';
}

/* Splits the request line leniently (runs of spaces) and records, in *bad,
 * the first thing that makes it unforwardable. */
static void request_line(struct line l, struct ws_http_req *r)
{
	const char *p = l.p, *e = l.p + l.n;
	const char *sp = memchr(p, ' ', l.n);
	const char *me = sp ? sp : e;
	r->method = (struct ws_str){p, (size_t)(me - p)};
	bool ok = r->method.n > 0;
	for (size_t i = 0; i < r->method.n && ok; i++)
		ok = is_tchar((unsigned char)p[i]);
	if (!ok && !r->bad)
		r->bad = "bad method";
	const char *t = me;
	int spaces = 0;
	while (t < e && *t == ' ') {
		t++;
		spaces++;
	}
	if (spaces > 1 && !r->bad)
		r->bad = "extra spaces in the request line";
	const char *te = t;
	while (te < e && *te != ' ')
		te++;
	r->target = (struct ws_str){t, (size_t)(te - t)};
	const char *v = te;
	spaces = 0;
	while (v < e && *v == ' ') {
		v++;
		spaces++;
	}
	if (spaces > 1 && !r->bad)
		r->bad = "extra spaces in the request line";
	r->proto = (struct ws_str){v, (size_t)(e - v)};
	r->minor = version_minor(r->proto);
	if (r->target.n == 0 && !r->bad)
		r->bad = "no request target";
	if (r->proto.n == 0 && !r->bad)
		r->bad = "no HTTP version (HTTP/0.9)";
	else if (r->minor < 0 && !r->bad)
		r->bad = "unsupported HTTP version";
	if (l.bare_cr && !r->bad)
		r->bad = "bare CR in the request line";
	for (size_t i = 0; i < r->target.n; i++) {
		unsigned char c = (unsigned char)r->target.p[i];
		if ((c < 0x21 || c == 0x7f) && !r->bad) {
			r->bad = "control character in the target";
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
			if (!r->bad)
				r->bad = "absolute target without a path";
			slash = ae;
		}
		r->host = (struct ws_str){a, (size_t)(slash - a)};
		r->nhost = 1;
		tg = (struct ws_str){slash, (size_t)(ae - slash)};
		r->target = tg;
	} else if (tg.n && tg.p[0] != '/' && !(tg.n == 1 && tg.p[0] == '*') && !r->bad) {
		r->bad = "target is not a path";
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

int ws_http_parse_request(const char *p, size_t n, size_t max_head, struct ws_http_req *r,
			  struct ws_http_header *hdr, size_t max_hdr)
{
	memset(r, 0, sizeof(*r));
	r->hdr = hdr;
	r->content_length = -1;
	r->minor = -1;
	size_t lim = n < max_head ? n : max_head;
	size_t pos = skip_blank(p, lim);
	struct line l;
	if (!next_line(p, lim, &pos, &l))
		return n >= max_head ? WS_HTTP_TOOBIG : WS_HTTP_MORE;
	request_line(l, r);
	bool abs_host = r->nhost == 1;
	/* An absolute-form authority is forwarded as the Host line. */
	if (abs_host && (r->host.n == 0 || !host_ok(r->host)) && !r->bad)
		r->bad = "bad Host header";
	int len = parse_fields(p, lim, n, max_head, pos, hdr, max_hdr, &r->nhdr, &r->bad);
	if (len < 0)
		return len;
	struct framing f;
	framing_scan(hdr, r->nhdr, &f, &r->bad);
	for (size_t i = 0; i < r->nhdr; i++) {
		const struct ws_http_header *h = &hdr[i];
		if (ieq(h->name, "host")) {
			if (!abs_host) {
				if (r->nhost == 0)
					r->host = h->value;
				r->nhost++;
			}
			if (!host_ok(h->value) && !r->bad)
				r->bad = "bad Host header";
		} else if (ieq(h->name, "user-agent")) {
			r->agent = h->value;
		} else if (ieq(h->name, "referer")) {
			r->referer = h->value;
		} else if (ieq(h->name, "expect")) {
			if (ieq(h->value, "100-continue"))
				r->expect_continue = true;
			else if (!r->bad)
				r->bad = "unsupported Expect";
		}
	}
	r->content_length = f.cl;
	r->conn_close = f.conn.close;
	r->conn_keepalive = f.conn.keepalive;
	/* The forwarder drops what Connection names, but frames the body by
	 * it all the same: the upstream would read the body as a request the
	 * guard never classified. */
	if (f.conn.framing && !r->bad)
		r->bad = "Connection names a framing header";
	if (f.nte) {
		/* Only a lone "chunked" is both safe and streamable; anything else
		 * is the stuff of request smuggling (RFC 9112 §6.1, §6.3). */
		if (f.te.n != 1 || f.te.chunked_at != 0 || f.nte > 1) {
			if (!r->bad)
				r->bad = "unsupported Transfer-Encoding";
		} else if (r->minor == 0) {
			if (!r->bad)
				r->bad = "Transfer-Encoding in HTTP/1.0";
		}
		if (f.cl >= 0 && !r->bad)
			r->bad = "both Transfer-Encoding and Content-Length";
		r->chunked = true;
	}
	if (r->nhost > 1 && !r->bad)
		r->bad = "several Host headers";
	if (r->nhost == 0 && r->minor == 1 && !r->bad)
		r->bad = "no Host header in HTTP/1.1";
	return len;
}

int ws_http_parse_response(const char *p, size_t n, size_t max_head, struct ws_http_resp *r,
			   struct ws_http_header *hdr, size_t max_hdr)
{
	memset(r, 0, sizeof(*r));
	r->hdr = hdr;
	r->content_length = -1;
	size_t lim = n < max_head ? n : max_head;
	size_t pos = 0;
	struct line l;
	if (!next_line(p, lim, &pos, &l))
		return n >= max_head ? WS_HTTP_TOOBIG : WS_HTTP_MORE;
	r->minor = l.n >= 8 ? version_minor((struct ws_str){l.p, 8}) : -1;
	bool ok = r->minor >= 0 && l.n >= 12 && l.p[8] == ' ';
	for (int i = 9; ok && i < 12; i++)
		ok = l.p[i] >= '0' && l.p[i] <= '9';
	ok = ok && (l.n == 12 || l.p[12] == ' ') && !l.bare_cr;
	if (ok)
		r->status = (l.p[9] - '0') * 100 + (l.p[10] - '0') * 10 + (l.p[11] - '0');
	if (!ok || r->status < 100)
		r->bad = "bad status line";
	int len = parse_fields(p, lim, n, max_head, pos, hdr, max_hdr, &r->nhdr, &r->bad);
	if (len < 0)
		return len;
	struct framing f;
	framing_scan(hdr, r->nhdr, &f, &r->bad);
	r->content_length = f.cl;
	r->conn_close = f.conn.close;
	r->conn_keepalive = f.conn.keepalive;
	if (f.conn.framing && !r->bad)
		r->bad = "Connection names a framing header"; /* as for requests */
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
