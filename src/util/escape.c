/* SPDX-License-Identifier: MIT */
#include "util/escape.h"

#include <stdbool.h>

static const char hexd[] = "0123456789abcdef";

size_t ws_utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlong forms (Nimda's %e0%80%af is one) */
		if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static void add_hex_escape(struct ws_buf *out, const char *prefix, unsigned char c)
{
	ws_buf_adds(out, prefix);
	ws_buf_addc(out, hexd[c >> 4]);
	ws_buf_addc(out, hexd[c & 15]);
}

void ws_esc_json(struct ws_buf *out, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	ws_buf_reserve(out, n + 8);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			size_t j = i + 1;
			while (j < n && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '"' && u[j] != '\\')
				j++;
			ws_buf_add(out, p + i, j - i);
			i = j;
			continue;
		}
		if (c == '"' || c == '\\') {
			ws_buf_addc(out, '\\');
			ws_buf_addc(out, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			add_hex_escape(out, "\\u00", c);
			i++;
		} else {
			size_t l = ws_utf8_seq_len(u + i, n - i);
			if (l) {
				ws_buf_add(out, p + i, l);
				i += l;
			} else {
				add_hex_escape(out, "\\\\x", c);
				i++;
			}
		}
	}
}

/* Printable text with control bytes and invalid UTF-8 as \xHH. */
static void add_printable(struct ws_buf *out, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7f) {
			ws_buf_addc(out, (char)c);
			i++;
			continue;
		}
		size_t l = c >= 0x80 ? ws_utf8_seq_len(u + i, n - i) : 0;
		/* C1 controls (U+0080-U+009F, such as the one-byte CSI U+009B) act
		 * on some terminals: write them as bytes, like C0 controls. */
		if (l == 2 && c == 0xc2 && u[i + 1] < 0xa0)
			l = 0;
		if (l) {
			ws_buf_add(out, p + i, l);
			i += l;
		} else {
			add_hex_escape(out, "\\x", c);
			i++;
		}
	}
}

void ws_esc_csv(struct ws_buf *out, const char *p, size_t n)
{
	bool formula = n > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' ||
				 p[0] == '\t' || p[0] == '\r');
	/* A lone "-" is how logs write "none"; it is not a formula. */
	if (n == 1 && p[0] == '-')
		formula = false;
	bool quote = formula;
	for (size_t i = 0; i < n && !quote; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r' || p[i] == ' ')
			quote = true;
	if (!quote) {
		add_printable(out, p, n);
		return;
	}
	ws_buf_addc(out, '"');
	if (formula)
		ws_buf_addc(out, '\'');
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '"') {
			add_printable(out, p + start, i - start);
			if (i < n)
				ws_buf_adds(out, "\"\"");
			start = i + 1;
		}
	}
	ws_buf_addc(out, '"');
}

void ws_esc_html(struct ws_buf *out, const char *p, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		const char *rep = NULL;
		if (i < n) {
			switch (p[i]) {
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '&': rep = "&amp;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default: continue;
			}
		}
		add_printable(out, p + start, i - start);
		if (rep)
			ws_buf_adds(out, rep);
		start = i + 1;
	}
}

void ws_esc_text(struct ws_buf *out, const char *p, size_t n)
{
	add_printable(out, p, n);
}
