/* SPDX-License-Identifier: MIT */
/* Escaping of hostile log bytes for each output (util/escape.h): JSON string
 * bodies, CSV fields (RFC 4180 quoting and spreadsheet-formula defusing),
 * HTML text and terminal text. Quotes, backslashes, <script>, control bytes,
 * NUL, invalid and overlong UTF-8 (Nimda's C0 AF) become inert text; valid
 * multibyte UTF-8 is kept as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/escape.h"

typedef void (*esc_fn)(struct ws_buf *, const char *, size_t);

/* Escapes in[0..n) with fn and compares with want (a C string). */
static void check(esc_fn fn, const char *in, size_t n, const char *want)
{
	struct ws_buf b = {0};
	fn(&b, in, n);
	ws_buf_addc(&b, '\0');
	assert_string_equal(b.p, want);
	ws_buf_free(&b);
}

#define CHECK(fn, lit, want) check(fn, lit, sizeof(lit) - 1, want)

static void test_json(void **state)
{
	(void)state;
	CHECK(ws_esc_json, "GET /index.html", "GET /index.html");
	CHECK(ws_esc_json, "a\"b\\c", "a\\\"b\\\\c");                   /* a"b\c -> a\"b\\c */
	CHECK(ws_esc_json, "<script>alert(1)</script>", "<script>alert(1)</script>");
	CHECK(ws_esc_json, "\x01\x1f\x7f", "\\u0001\\u001f\\u007f");    /* control bytes, DEL */
	CHECK(ws_esc_json, "a\0b", "a\\u0000b");                         /* a NUL b */
	CHECK(ws_esc_json, "\r\n\t", "\\u000d\\u000a\\u0009");
	/* Invalid UTF-8 becomes the text \xHH, which JSON writes as \\xHH. */
	CHECK(ws_esc_json, "\xff\xfe", "\\\\xff\\\\xfe");
	/* Overlong "/" (C0 AF, Nimda probe 11 decoded) is not valid UTF-8. */
	CHECK(ws_esc_json, "..\xc0\xaf..", "..\\\\xc0\\\\xaf..");
	CHECK(ws_esc_json, "\xe0\x80\xaf", "\\\\xe0\\\\x80\\\\xaf");       /* 3-byte overlong */
	CHECK(ws_esc_json, "\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80");       /* UTF-16 surrogate */
	CHECK(ws_esc_json, "\xf4\x90\x80\x80", "\\\\xf4\\\\x90\\\\x80\\\\x80"); /* > U+10FFFF */
	/* Valid multibyte kept: "café" "€" "😀". */
	CHECK(ws_esc_json, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* A sequence cut at the end of the field: "€" missing its last byte. */
	CHECK(ws_esc_json, "x\xe2\x82", "x\\\\xe2\\\\x82");
	CHECK(ws_esc_json, "", "");
}

static void test_csv(void **state)
{
	(void)state;
	CHECK(ws_esc_csv, "plain", "plain");
	CHECK(ws_esc_csv, "", "");
	CHECK(ws_esc_csv, "a,b", "\"a,b\"");
	CHECK(ws_esc_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");        /* say "hi" */
	CHECK(ws_esc_csv, "Mozilla/4.0 (compatible)", "\"Mozilla/4.0 (compatible)\"");
	/* Formulas: = + - @ first are defused with a leading '. */
	CHECK(ws_esc_csv, "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
	CHECK(ws_esc_csv, "=1+1", "\"'=1+1\"");
	CHECK(ws_esc_csv, "+cmd|'/c calc'!A0", "\"'+cmd|'/c calc'!A0\"");
	CHECK(ws_esc_csv, "-2+3", "\"'-2+3\"");
	CHECK(ws_esc_csv, "@SUM(A1)", "\"'@SUM(A1)\"");
	CHECK(ws_esc_csv, "\tx", "\"'\\x09x\"");                       /* TAB x */
	/* A lone "-" is the log's "none", not a formula. */
	CHECK(ws_esc_csv, "-", "-");
	CHECK(ws_esc_csv, "--", "\"'--\"");
	/* Only the first byte decides. */
	CHECK(ws_esc_csv, "a=b", "a=b");
	/* Control bytes, NUL and invalid UTF-8 as \xHH; a newline cannot split
	 * the record. */
	CHECK(ws_esc_csv, "a\nb", "\"a\\x0ab\"");
	CHECK(ws_esc_csv, "a\0b", "a\\x00b");
	CHECK(ws_esc_csv, "\xc0\xaf", "\\xc0\\xaf");
	CHECK(ws_esc_csv, "caf\xc3\xa9", "caf\xc3\xa9");
	CHECK(ws_esc_csv, "<script>", "<script>");
}

static void test_html(void **state)
{
	(void)state;
	CHECK(ws_esc_html, "<script>alert(\"x\")</script>",
	      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	CHECK(ws_esc_html, "a&b 'c'", "a&amp;b &#39;c&#39;");
	CHECK(ws_esc_html, "\x1b[31m", "\\x1b[31m");                   /* ESC [31m */
	CHECK(ws_esc_html, "\xff<", "\\xff&lt;");
	CHECK(ws_esc_html, "caf\xc3\xa9", "caf\xc3\xa9");
	CHECK(ws_esc_html, "", "");
}

static void test_text(void **state)
{
	(void)state;
	CHECK(ws_esc_text, "GET /x", "GET /x");
	/* Terminal escapes cannot reach the terminal: ESC ]0;pwned BEL */
	CHECK(ws_esc_text, "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
	CHECK(ws_esc_text, "a\0b\x7f", "a\\x00b\\x7f");
	/* C1 control U+009B (CSI, C2 9B) is a terminal escape: written as bytes;
	 * U+00E9 (C3 A9, "é") and U+00A0 (C2 A0) are ordinary text and kept. */
	CHECK(ws_esc_text, "[\xc2\x9b" "2J]", "[\\xc2\\x9b" "2J]");
	CHECK(ws_esc_text, "caf\xc3\xa9\xc2\xa0", "caf\xc3\xa9\xc2\xa0");
	CHECK(ws_esc_html, "\xc2\x85", "\\xc2\\x85");
	CHECK(ws_esc_text, "..\xc1\x1c..", "..\\xc1\\x1c..");
	CHECK(ws_esc_text, "\xe2\x82\xac", "\xe2\x82\xac");
	CHECK(ws_esc_text, "\"'<>", "\"'<>");
}

static void test_utf8_seq_len(void **state)
{
	(void)state;
	static const struct {
		const char *p;
		size_t n, want;
	} cases[] = {
		{"A", 1, 1},
		{"\xc3\xa9", 2, 2},          /* é */
		{"\xe2\x82\xac", 3, 3},      /* € */
		{"\xf0\x9f\x98\x80", 4, 4},  /* 😀 */
		{"\xc0\xaf", 2, 0},          /* overlong / */
		{"\xc1\x9c", 2, 0},          /* overlong \ */
		{"\xe0\x80\xaf", 3, 0},      /* overlong / in 3 bytes */
		{"\xed\xa0\x80", 3, 0},      /* surrogate D800 */
		{"\xf0\x80\x80\xaf", 4, 0},  /* overlong in 4 bytes */
		{"\xf4\x90\x80\x80", 4, 0},  /* above U+10FFFF */
		{"\xf5\x80\x80\x80", 4, 0},  /* lead byte never valid */
		{"\x80", 1, 0},              /* lone continuation */
		{"\xe2\x82", 2, 0},          /* cut short */
		{"\xc3\x28", 2, 0},          /* bad continuation */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ws_utf8_seq_len((const unsigned char *)cases[i].p, cases[i].n),
				 cases[i].want);
}

static void test_output_is_valid_utf8(void **state)
{
	(void)state;
	/* Every byte value, in every escaper: the output is valid UTF-8 with no
	 * control bytes, and CSV output holds no bare newline. */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	esc_fn fns[] = {ws_esc_json, ws_esc_csv, ws_esc_html, ws_esc_text};
	for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
		struct ws_buf b = {0};
		fns[f](&b, all, sizeof(all));
		const unsigned char *u = (const unsigned char *)b.p;
		for (size_t i = 0; i < b.n;) {
			assert_true(u[i] >= 0x20 && u[i] != 0x7f);
			size_t l = ws_utf8_seq_len(u + i, b.n - i);
			assert_true(l > 0);
			i += l;
		}
		ws_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_utf8_seq_len),
		cmocka_unit_test(test_output_is_valid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
