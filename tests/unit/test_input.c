/* SPDX-License-Identifier: MIT */
/* Input files (input/input.h): plain, gzip (several members, made here with
 * zlib's gzopen/gzwrite) and zstd (several frames, made with ZSTD_compress),
 * recognised by content rather than name, read back through small and large
 * buffers; truncated gzip and zstd give WS_ETRUNC with the bytes before the
 * damage kept and a message naming the file and the compressed offset;
 * corrupt gzip gives WS_EFORMAT; empty, missing and directory inputs. All
 * files live in a fresh temporary directory removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "input/input.h"

static char dir[256];
static char *content; /* the log text every compressed file holds */
static size_t content_n;

static const char *path_of(const char *name)
{
	static char p[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	unsigned char *p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* Reads path to the end (or the first error) in pieces of at most cap bytes. */
struct result {
	int open_rc, rc;
	char *data;
	size_t n;
	enum ws_compression comp;
	struct ws_err err;
};

static struct result read_all(const char *path, size_t cap)
{
	struct result r = {0};
	struct ws_input *in = NULL;
	r.open_rc = ws_input_open(path, &in, &r.err);
	if (r.open_rc)
		return r;
	r.comp = ws_input_compression(in);
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		size_t got = 12345;
		int rc = ws_input_read(in, buf, cap, &got, &r.err);
		assert_true(got <= cap);
		r.data = realloc(r.data, r.n + got + 1);
		assert_non_null(r.data);
		memcpy(r.data + r.n, buf, got);
		r.n += got;
		if (rc) {
			r.rc = rc;
			/* After an error the input is finished. */
			struct ws_err e2;
			assert_int_equal(ws_input_read(in, buf, cap, &got, &e2), 0);
			assert_int_equal(got, 0);
			break;
		}
		if (got == 0)
			break;
	}
	free(buf);
	ws_input_close(in);
	return r;
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/ws_test_input.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	/* About 300 KB of NCSA lines with pseudo-random (seeded) fields, so that
	 * the compressed forms are tens of kilobytes. */
	size_t cap = 400000;
	content = malloc(cap);
	if (!content)
		return -1;
	uint32_t x = 12345;
	while (content_n < 300000) {
		x = x * 1103515245u + 12345u;
		int n = snprintf(content + content_n, cap - content_n,
				 "192.0.%u.%u - - [19/Sep/2001:02:%02u:%02u +0000] "
				 "\"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 %u \"-\" \"-\"\n",
				 (x >> 8) & 255, (x >> 16) & 255, (x >> 3) % 60, (x >> 11) % 60,
				 (x >> 5) % 100000);
		content_n += (size_t)n;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const names[] = {
		"plain.log", "multi.gz.log", "multi.zst.log", "cut.gz", "cut-trailer.gz",
		"cut-member2.gz", "cut.zst", "empty.log", "corrupt.gz", "plain.gz", "one.gz",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	rmdir(path_of("subdir"));
	rmdir(dir);
	free(content);
	return 0;
}

/* Writes a gzip file of `parts` members, content split evenly among them. */
static void make_gzip(const char *path, int parts)
{
	size_t step = content_n / (size_t)parts;
	for (int k = 0; k < parts; k++) {
		gzFile g = gzopen(path, k == 0 ? "wb" : "ab");
		assert_non_null(g);
		size_t from = (size_t)k * step, to = k == parts - 1 ? content_n : from + step;
		assert_int_equal(gzwrite(g, content + from, (unsigned)(to - from)), (int)(to - from));
		assert_int_equal(gzclose(g), Z_OK);
	}
}

static void make_zstd(const char *path, int parts)
{
	size_t step = content_n / (size_t)parts, cap = ZSTD_compressBound(content_n) + 1024;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	size_t on = 0;
	for (int k = 0; k < parts; k++) {
		size_t from = (size_t)k * step, to = k == parts - 1 ? content_n : from + step;
		size_t z = ZSTD_compress(out + on, cap - on, content + from, to - from, 3);
		assert_false(ZSTD_isError(z));
		on += z;
	}
	write_file(path, out, on);
	free(out);
}

static void expect_all(const struct result *r, enum ws_compression comp)
{
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->comp, comp);
	assert_int_equal(r->n, content_n);
	assert_memory_equal(r->data, content, content_n);
}

static void test_plain(void **state)
{
	(void)state;
	const char *p = path_of("plain.log");
	write_file(p, content, content_n);
	size_t caps[] = {1, 13, 4096, 1u << 22};
	for (size_t i = 0; i < 4; i++) {
		if (caps[i] == 1) {
			/* One byte at a time, on a short file. */
			write_file(p, content, 1000);
			struct result r = read_all(p, 1);
			assert_int_equal(r.n, 1000);
			assert_memory_equal(r.data, content, 1000);
			free(r.data);
			write_file(p, content, content_n);
			continue;
		}
		struct result r = read_all(p, caps[i]);
		expect_all(&r, WS_COMP_NONE);
		free(r.data);
	}
	/* A plain file named .gz is still plain. */
	write_file(path_of("plain.gz"), content, content_n);
	struct result r = read_all(path_of("plain.gz"), 65536);
	expect_all(&r, WS_COMP_NONE);
	free(r.data);
}

static void test_gzip_multi_member(void **state)
{
	(void)state;
	const char *p = path_of("multi.gz.log");
	make_gzip(p, 3);
	/* Three members: three gzip magic numbers in the file. */
	size_t n;
	unsigned char *raw = read_file(p, &n);
	int members = 0;
	for (size_t i = 0; i + 2 < n; i++)
		members += raw[i] == 0x1f && raw[i + 1] == 0x8b && raw[i + 2] == 8;
	assert_true(members >= 3);
	free(raw);
	struct result r = read_all(p, 13);
	expect_all(&r, WS_COMP_GZIP);
	free(r.data);
	r = read_all(p, 1u << 20);
	expect_all(&r, WS_COMP_GZIP);
	free(r.data);
}

static void test_zstd_multi_frame(void **state)
{
	(void)state;
	const char *p = path_of("multi.zst.log");
	make_zstd(p, 2);
	struct result r = read_all(p, 17);
	expect_all(&r, WS_COMP_ZSTD);
	free(r.data);
	r = read_all(p, 1u << 20);
	expect_all(&r, WS_COMP_ZSTD);
	free(r.data);
}

/* Writes the first `keep` bytes of src into path. */
static void cut_copy(const char *src, const char *path, size_t keep)
{
	size_t n;
	unsigned char *raw = read_file(src, &n);
	assert_true(keep < n);
	write_file(path, raw, keep);
	free(raw);
}

static void expect_trunc(const struct result *r, const char *path, const char *kind,
			 size_t keep, size_t at_least)
{
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->rc, WS_ETRUNC);
	/* What came before the damage is kept, and is the original text. */
	assert_true(r->n >= at_least);
	assert_true(r->n <= content_n);
	assert_memory_equal(r->data, content, r->n);
	char want[600];
	snprintf(want, sizeof(want), "%s: %s stream truncated at compressed offset %zu", path, kind,
		 keep);
	if (strstr(r->err.msg, want) != r->err.msg)
		fail_msg("message '%s' does not start with '%s'", r->err.msg, want);
	snprintf(want, sizeof(want), "(%zu bytes decoded before it are kept)", r->n);
	if (!strstr(r->err.msg, want))
		fail_msg("message '%s' lacks '%s'", r->err.msg, want);
}

static void test_gzip_truncated(void **state)
{
	(void)state;
	const char *full = path_of("one.gz");
	make_gzip(full, 1);
	size_t n;
	free(read_file(full, &n));
	/* Cut in the middle of the deflate data. */
	const char *p = path_of("cut.gz");
	cut_copy(full, p, n / 2);
	struct result r = read_all(p, 4096);
	expect_trunc(&r, p, "gzip", n / 2, 1);
	assert_true(r.n < content_n);
	free(r.data);
	/* Cut inside the 8-byte trailer: all the text, but the member is not whole. */
	p = path_of("cut-trailer.gz");
	cut_copy(full, p, n - 4);
	r = read_all(p, 1u << 20);
	expect_trunc(&r, p, "gzip", n - 4, content_n);
	free(r.data);
	/* Several members, cut inside the second: the first is kept whole. */
	const char *multi = path_of("multi.gz.log");
	make_gzip(multi, 2);
	free(read_file(multi, &n));
	p = path_of("cut-member2.gz");
	cut_copy(multi, p, n - 100);
	r = read_all(p, 4096);
	expect_trunc(&r, p, "gzip", n - 100, content_n / 2);
	free(r.data);
}

static void test_zstd_truncated(void **state)
{
	(void)state;
	const char *full = path_of("multi.zst.log");
	make_zstd(full, 1);
	size_t n;
	free(read_file(full, &n));
	const char *p = path_of("cut.zst");
	cut_copy(full, p, n / 2);
	struct result r = read_all(p, 4096);
	expect_trunc(&r, p, "zstd", n / 2, 1);
	assert_true(r.n < content_n);
	free(r.data);
}

static void test_gzip_corrupt(void **state)
{
	(void)state;
	/* A gzip header (1f 8b 08, no flags) followed by a deflate block of the
	 * reserved type 11: bytes ff ff ff ff. */
	static const unsigned char bad[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
					    0x00, 0x03, 0xff, 0xff, 0xff, 0xff};
	const char *p = path_of("corrupt.gz");
	write_file(p, bad, sizeof(bad));
	struct result r = read_all(p, 4096);
	assert_int_equal(r.open_rc, 0);
	assert_int_equal(r.rc, WS_EFORMAT);
	assert_int_equal(r.n, 0);
	assert_non_null(strstr(r.err.msg, p));
	assert_non_null(strstr(r.err.msg, "corrupt gzip data at compressed offset"));
	free(r.data);
}

static void test_empty(void **state)
{
	(void)state;
	const char *p = path_of("empty.log");
	write_file(p, "", 0);
	struct result r = read_all(p, 4096);
	assert_int_equal(r.open_rc, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.comp, WS_COMP_NONE);
	free(r.data);
}

static void test_missing_and_directory(void **state)
{
	(void)state;
	const char *p = path_of("no-such-file.log");
	struct ws_input *in = NULL;
	struct ws_err err = {{0}};
	assert_int_equal(ws_input_open(p, &in, &err), WS_EIO);
	assert_null(in);
	char want[600];
	snprintf(want, sizeof(want), "%s: No such file or directory", p);
	assert_string_equal(err.msg, want);
	const char *d = path_of("subdir");
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(ws_input_open(d, &in, &err), WS_EIO);
	assert_null(in);
	snprintf(want, sizeof(want), "%s: is a directory", d);
	assert_string_equal(err.msg, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_gzip_multi_member),
		cmocka_unit_test(test_zstd_multi_frame),
		cmocka_unit_test(test_gzip_truncated),
		cmocka_unit_test(test_zstd_truncated),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_missing_and_directory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
