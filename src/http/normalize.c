/* SPDX-License-Identifier: MIT */
/* IIS's canonical form of a request path (contract in normalize.h; each
 * rule's source in docs/evasion.md). Three passes over bounded buffers:
 * percent decoding (with IIS's %u form and its second decoding), UTF-8
 * folding (IIS's lax decoder, which turns %c0%af into '/'), then the path
 * itself (separators, case, parameters, names, dot segments). */
#include "http/normalize.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

/* Two hex digits at p[0..1] within n, or -1. */
static int hex2(const char *p, size_t n)
{
	if (n < 2)
		return -1;
	int a = ws_hexval((unsigned char)p[0]), b = ws_hexval((unsigned char)p[1]);
	return a < 0 || b < 0 ? -1 : a * 16 + b;
}

/* RFC 3986 §2.3 unreserved, plus '/': a client never needs to escape them,
 * so an escaped one was escaped to hide it. */
static bool needs_no_escape(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '\\';
}

/* A code point folded to what IIS looks the file up as: ASCII as is, the
 * full-width forms U+FF01..U+FF5E to their ASCII twins (Windows' best-fit
 * table), anything else as UTF-8. Returns the bytes written (<= 4). */
static size_t put_cp(unsigned cp, unsigned char *o, uint32_t *flags)
{
	if (cp >= 0xff01 && cp <= 0xff5e) {
		*flags |= WS_EV_UNICODE;
		cp -= 0xfee0;
	}
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (unsigned char)(0xe0 | cp >> 12);
	o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

struct sink {
	unsigned char *p;
	size_t n, cap;
	bool cut;
};

static void put(struct sink *s, const unsigned char *b, size_t n)
{
	if (s->n + n > s->cap) {
		s->cut = true;
		return;
	}
	memcpy(s->p + s->n, b, n);
	s->n += n;
}

/* One escape at p (p[0] == '%'): the byte(s) it stands for go to s, and the
 * number of input bytes it used is returned (1 when it is no escape). */
static size_t unescape_one(const char *p, size_t n, bool again, struct sink *s,
			   uint32_t *flags, bool *nul)
{
	unsigned char o[4];
	if (n >= 6 && (p[1] == 'u' || p[1] == 'U')) {
		int a = hex2(p + 2, n - 2), b = hex2(p + 4, n - 4);
		if (a >= 0 && b >= 0) {
			unsigned cp = (unsigned)(a << 8 | b);
			*flags |= WS_EV_UNICODE;
			if (cp == 0) {
				*nul = true;
				return 6;
			}
			put(s, o, put_cp(cp, o, flags));
			return 6;
		}
	}
	int v = hex2(p + 1, n - 1);
	if (v < 0) {
		o[0] = '%';
		put(s, o, 1);
		return 1;
	}
	/* IIS 4 and 5 decoded a second time after the security checks
	 * (MS01-026): %255c is %5c is '\'. */
	if (v == '%' && again && n >= 5) {
		int w = hex2(p + 3, n - 3);
		if (w >= 0) {
			*flags |= WS_EV_DOUBLE;
			v = w;
			if (needs_no_escape(v))
				*flags |= WS_EV_PERCENT;
			if (v == 0)
				*nul = true;
			else {
				o[0] = (unsigned char)v;
				put(s, o, 1);
			}
			return 5;
		}
	}
	if (v == 0) {
		*nul = true;
		return 3;
	}
	if (needs_no_escape(v))
		*flags |= WS_EV_PERCENT;
	o[0] = (unsigned char)v;
	put(s, o, 1);
	return 3;
}

/* Pass 1: percent escapes. `first` is false for a path IIS already decoded
 * once (its log's stem): one more decoding is then the second one. */
static void unescape(struct ws_str in, bool first, struct sink *s, uint32_t *flags)
{
	bool nul = false;
	for (size_t i = 0; i < in.n && !nul;) {
		if (in.p[i] != '%') {
			put(s, (const unsigned char *)in.p + i, 1);
			i++;
			continue;
		}
		uint32_t f = 0;
		i += unescape_one(in.p + i, in.n - i, first, s, &f, &nul);
		if (!first && f)
			f |= WS_EV_DOUBLE;
		*flags |= f;
	}
	if (nul)
		*flags |= WS_EV_NUL;
}

/* Pass 2: IIS's UTF-8 decoder masked the continuation bytes without
 * checking them, so %c0%af, %c1%1c and %e0%80%af are ASCII to it. Legal
 * UTF-8 never encodes ASCII in more than one byte: such a sequence is folded
 * and flagged; any other byte is left as it is. */
static size_t fold_utf8(unsigned char *p, size_t n, uint32_t *flags)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len = c >= 0xc0 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3
						     : c >= 0xf0 && c < 0xf8 ? 4
									       : 1;
		if (len > 1 && i + len <= n) {
			unsigned cp = c & (0x7f >> len);
			for (size_t k = 1; k < len; k++)
				cp = cp << 6 | (p[i + k] & 0x3f);
			bool strict = true;
			for (size_t k = 1; k < len; k++)
				strict &= (p[i + k] & 0xc0) == 0x80;
			if (cp < 0x80) {
				*flags |= WS_EV_OVERLONG;
				if (cp == 0) {
					*flags |= WS_EV_NUL; /* the name ends here */
					return o;
				}
				p[o++] = (unsigned char)cp;
				i += len;
				continue;
			}
			if (strict && cp >= 0xff01 && cp <= 0xff5e) {
				*flags |= WS_EV_UNICODE;
				p[o++] = (unsigned char)(cp - 0xfee0);
				i += len;
				continue;
			}
		}
		p[o++] = p[i++];
	}
	return o;
}

/* Drops what Windows ignores at a name's end: an NTFS stream suffix
 * (name::$DATA, name:stream:$DATA), then trailing dots and spaces. */
static size_t trim_name(const unsigned char *p, size_t n, uint32_t *flags)
{
	const unsigned char *colon = memchr(p, ':', n);
	if (colon) {
		size_t at = (size_t)(colon - p);
		if (n - at >= 6 && memcmp(p + n - 6, ":$data", 6) == 0) {
			*flags |= WS_EV_STREAM;
			n = at;
		}
	}
	bool dots = true;
	for (size_t i = 0; i < n && dots; i++)
		dots = p[i] == '.';
	if (dots && (n == 1 || n == 2))
		return n; /* a dot segment, resolved by the caller */
	size_t e = n;
	while (e && (p[e - 1] == '.' || p[e - 1] == ' '))
		e--;
	if (e != n)
		*flags |= WS_EV_TRAILING;
	return e;
}

/* Pass 3: the path proper, from p[0..n) into out (WS_NORM_MAX bytes). */
static size_t canonical(unsigned char *p, size_t n, char *out, uint32_t *flags)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\') {
			p[i] = '/';
			*flags |= WS_EV_BACKSLASH;
		} else if (p[i] >= 'A' && p[i] <= 'Z') {
			p[i] = (unsigned char)(p[i] + 32);
			*flags |= WS_EV_CASE;
		}
	}
	size_t o = 0;
	size_t depth_at[WS_NORM_MAX / 2 + 1]; /* where each kept segment starts in out */
	size_t depth = 0;
	bool dir = true; /* the path so far ends in a directory */
	size_t i = 0;
	while (i < n) {
		size_t s = i;
		if (p[s] == '/') {
			s++;
			i = s;
		}
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - s;
		const unsigned char *seg = p + s;
		const unsigned char *semi = memchr(seg, ';', len);
		if (semi) {
			*flags |= WS_EV_PARAM;
			len = (size_t)(semi - seg);
		}
		len = trim_name(seg, len, flags);
		if (len == 0) {
			/* a//b: an empty segment; the final one of a/ is the
			 * directory itself. */
			if (i < n)
				*flags |= WS_EV_SLASHES;
			dir = true;
			continue;
		}
		if (len == 1 && seg[0] == '.') {
			*flags |= WS_EV_DOTSEG;
			dir = true;
			continue;
		}
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			*flags |= WS_EV_DOTSEG;
			if (depth)
				o = depth_at[--depth];
			else
				*flags |= WS_EV_ABOVE_ROOT;
			dir = true;
			continue;
		}
		if (o + 1 + len > WS_NORM_MAX || depth == sizeof(depth_at) / sizeof(depth_at[0])) {
			*flags |= WS_EV_LONG;
			break;
		}
		depth_at[depth++] = o;
		out[o++] = '/';
		memcpy(out + o, seg, len);
		o += len;
		dir = false;
	}
	if ((dir || o == 0) && o < WS_NORM_MAX)
		out[o++] = '/';
	return o;
}

size_t ws_normalize_path(struct ws_str path, enum ws_target_form form, char *out,
			 uint32_t *flags)
{
	*flags = 0;
	if (form == WS_TARGET_FSPATH) {
		size_t n = path.n < WS_NORM_MAX ? path.n : WS_NORM_MAX;
		memcpy(out, path.p, n);
		return n;
	}
	/* absolute-form (RFC 9112 §3.2.2): IIS serves http://host/x as /x. */
	struct ws_str in = path;
	if (in.n > 7 && (strncasecmp(in.p, "http://", 7) == 0 ||
			 (in.n > 8 && strncasecmp(in.p, "https://", 8) == 0))) {
		size_t at = in.p[4] == ':' ? 7 : 8;
		const char *slash = memchr(in.p + at, '/', in.n - at);
		*flags |= WS_EV_ABSOLUTE;
		in = slash ? (struct ws_str){slash, (size_t)(in.p + in.n - slash)}
			   : (struct ws_str){"/", 1};
	}
	unsigned char buf[2 * WS_NORM_MAX];
	struct sink s = {buf, 0, sizeof(buf), false};
	unescape(in, form == WS_TARGET_RAW, &s, flags);
	if (s.cut)
		*flags |= WS_EV_LONG;
	size_t n = fold_utf8(buf, s.n, flags);
	return canonical(buf, n, out, flags);
}

static const char *const names[WS_EV_COUNT] = {
	"percent", "unicode",  "double",     "overlong", "backslash",
	"case",    "param",    "trailing",   "slashes",  "dotseg",
	"above-root", "nul",   "stream",     "absolute", "long",
};

const char *ws_evasion_name(int i)
{
	return i >= 0 && i < WS_EV_COUNT ? names[i] : NULL;
}

size_t ws_evasion_list(uint32_t flags, char *buf, size_t cap)
{
	size_t n = 0;
	if (cap)
		buf[0] = 0;
	for (int i = 0; i < WS_EV_COUNT; i++) {
		if (!(flags & (1u << i)))
			continue;
		const char *sep = n ? "," : "";
		size_t l = strlen(sep) + strlen(names[i]);
		if (n + l < cap) {
			memcpy(buf + n, sep, strlen(sep));
			memcpy(buf + n + strlen(sep), names[i], strlen(names[i]) + 1);
		}
		n += l;
	}
	return n;
}
