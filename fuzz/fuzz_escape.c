/* SPDX-License-Identifier: MIT */
/* Fuzzes the output escapers (ws_esc_json, ws_esc_csv, ws_esc_html,
 * ws_esc_text) and ws_utf8_seq_len, and checks escape.h's promises on their
 * output: always valid UTF-8; the JSON string body has no raw control byte,
 * quote or stray backslash (only JSON escapes); text output has no C0 control
 * or DEL; HTML output has no raw < > " '. A broken promise abort()s. */
#include "fuzz.h"
#include "util/escape.h"

/* Independent strict UTF-8 check (no overlongs, surrogates or > U+10FFFF). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string body (RFC 8259 "chars"): no raw '"', C0 byte or lone '\\';
 * escapes well formed, \u surrogates paired. */
static bool valid_json_body(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == '"')
			return false;
		if (s[i] != '\\')
			continue;
		if (++i >= n)
			return false;
		if (strchr("\"\\/bfnrt", s[i]) && s[i] != '\0')
			continue;
		if (s[i] != 'u' || n - i < 5)
			return false;
		unsigned u = 0;
		for (size_t k = 1; k <= 4; k++) {
			int h = hexval(s[i + k]);
			if (h < 0)
				return false;
			u = u << 4 | (unsigned)h;
		}
		i += 4;
		if (u >= 0xdc00 && u <= 0xdfff)
			return false; /* lone low surrogate */
		if (u >= 0xd800 && u <= 0xdbff) {
			if (n - i < 7 || s[i + 1] != '\\' || s[i + 2] != 'u')
				return false;
			unsigned lo = 0;
			for (size_t k = 3; k <= 6; k++) {
				int h = hexval(s[i + k]);
				if (h < 0)
					return false;
				lo = lo << 4 | (unsigned)h;
			}
			if (lo < 0xdc00 || lo > 0xdfff)
				return false;
			i += 6;
		}
	}
	return true;
}

static bool no_bytes(const struct ws_buf *b, const char *set)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->p[i] != '\0' && strchr(set, b->p[i]))
			return false;
	return true;
}

static bool no_controls(const struct ws_buf *b)
{
	for (size_t i = 0; i < b->n; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	const unsigned char *u = (const unsigned char *)p;

	/* ws_utf8_seq_len must agree with the independent check. */
	for (size_t i = 0; i < size; i++) {
		size_t l = ws_utf8_seq_len(u + i, size - i);
		if (l > 4 || (l && !valid_utf8(u + i, l)))
			abort();
		if (!l && u[i] < 0x80)
			abort();
	}

	struct ws_buf json = {0}, csv = {0}, html = {0}, text = {0};
	ws_esc_json(&json, p, size);
	ws_esc_csv(&csv, p, size);
	ws_esc_html(&html, p, size);
	ws_esc_text(&text, p, size);

	if (!valid_utf8((const unsigned char *)json.p, json.n) ||
	    !valid_json_body((const unsigned char *)json.p, json.n))
		abort();
	if (!valid_utf8((const unsigned char *)csv.p, csv.n) ||
	    !valid_utf8((const unsigned char *)html.p, html.n) ||
	    !valid_utf8((const unsigned char *)text.p, text.n))
		abort();
	if (!no_controls(&text) || !no_controls(&html) || !no_bytes(&html, "<>\"'"))
		abort();
	/* CSV: no raw line break; a field with a quote, comma, space or break
	 * is quoted, and inside the quotes a '"' only comes doubled. */
	if (memchr(csv.p ? csv.p : "", '\n', csv.n) || memchr(csv.p ? csv.p : "", '\r', csv.n))
		abort();
	if (csv.n && csv.p[0] == '"') {
		if (csv.n < 2 || csv.p[csv.n - 1] != '"')
			abort();
		for (size_t i = 1; i + 1 < csv.n; i++) {
			if (csv.p[i] != '"')
				continue;
			if (csv.p[i + 1] != '"' || i + 2 >= csv.n)
				abort();
			i++;
		}
	} else if (csv.n && (memchr(csv.p, '"', csv.n) || memchr(csv.p, ',', csv.n))) {
		abort();
	}

	ws_buf_free(&json);
	ws_buf_free(&csv);
	ws_buf_free(&html);
	ws_buf_free(&text);
	free(p);
	return 0;
}
