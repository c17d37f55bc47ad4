/* SPDX-License-Identifier: MIT */
/* Input files: plain, gzip (zlib, multi-member) or zstd (libzstd, multi-frame),
 * recognised by the first bytes. Reads in large blocks; the caller gets
 * decompressed bytes in whatever pieces fit its buffer. */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/lines.h"
#include "util/mem.h"

#define RAW_CAP (1u << 20)

struct ws_input {
	int fd;
	char *name;
	enum ws_compression comp;
	bool eof_raw, done;
	uint64_t raw_total; /* compressed bytes read from the file */
	uint64_t out_total; /* decompressed bytes handed out */
	uint64_t remaining; /* bytes left in a range; UINT64_MAX for a whole file */
	unsigned char *raw;
	size_t raw_off, raw_len;
	z_stream z;
	bool z_init, z_member_done;
	ZSTD_DStream *zs;
	bool zs_frame_open;
};

/* Reads up to cap bytes of the file (or its range) into dst: *n of them,
 * 0 at the end. */
static int read_file(struct ws_input *in, void *dst, size_t cap, size_t *n, struct ws_err *err)
{
	ssize_t r;
	size_t want = in->remaining < cap ? (size_t)in->remaining : cap;
	do
		r = want ? read(in->fd, dst, want) : 0;
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return ws_err_set(err, WS_EIO, "%s: read error at offset %llu: %s", in->name,
				  (unsigned long long)in->raw_total, strerror(errno));
	*n = (size_t)r;
	in->raw_total += (uint64_t)r;
	if (in->remaining != UINT64_MAX)
		in->remaining -= (uint64_t)r;
	if (r == 0)
		in->eof_raw = true;
	return 0;
}

static int fill_raw(struct ws_input *in, struct ws_err *err)
{
	if (in->raw_off < in->raw_len || in->eof_raw)
		return 0;
	in->raw_off = 0;
	in->raw_len = 0;
	return read_file(in, in->raw, RAW_CAP, &in->raw_len, err);
}

int ws_input_open(const char *path, struct ws_input **out, struct ws_err *err)
{
	int fd;
	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return ws_err_set(err, WS_EIO, "-: cannot read standard input: %s",
					  strerror(errno));
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			return ws_err_set(err, WS_EIO, "%s: is a directory", path);
		}
#ifdef POSIX_FADV_SEQUENTIAL
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	}
	struct ws_input *in = ws_xcalloc(1, sizeof(*in));
	in->fd = fd;
	in->name = ws_xstrdup(path);
	in->raw = ws_xmalloc(RAW_CAP);
	in->remaining = UINT64_MAX;
	int rc = fill_raw(in, err);
	if (rc) {
		ws_input_close(in);
		return rc;
	}
	const unsigned char *b = in->raw;
	if (in->raw_len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		in->comp = WS_COMP_GZIP;
		/* 15 + 16: gzip wrapper only, so a plain zlib stream is not mistaken. */
		if (inflateInit2(&in->z, 15 + 16) != Z_OK) {
			ws_input_close(in);
			return ws_err_set(err, WS_ENOMEM, "%s: cannot start gzip decoder", path);
		}
		in->z_init = true;
	} else if (in->raw_len >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f &&
		   b[3] == 0xfd) {
		in->comp = WS_COMP_ZSTD;
		in->zs = ZSTD_createDStream();
		if (!in->zs || ZSTD_isError(ZSTD_initDStream(in->zs))) {
			ws_input_close(in);
			return ws_err_set(err, WS_ENOMEM, "%s: cannot start zstd decoder", path);
		}
	}
	*out = in;
	return 0;
}

int ws_input_count_newlines(const char *path, uint64_t off, uint64_t len, uint64_t *out,
			    struct ws_err *err)
{
	*out = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
	/* pread() into a page-aligned buffer that stays in cache: as fast
	 * here as a mapping, and a file cut short while mapped would end the
	 * process (SIGBUS) */
	enum { BUF = 1 << 17 };
	char *buf = ws_xmalloc_pages(BUF);
	int rc = 0;
	while (len > 0) {
		ssize_t got = pread(fd, buf, len < BUF ? (size_t)len : BUF, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = ws_err_set(err, WS_EIO, "%s: cannot read at offset %llu: %s", path,
					(unsigned long long)off, got < 0 ? strerror(errno) : "file ends");
			break;
		}
		*out += ws_count_newlines(buf, (size_t)got);
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	free(buf);
	close(fd);
	return rc;
}

int ws_input_open_range(const char *path, uint64_t off, uint64_t len, struct ws_input **out,
			struct ws_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
	if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
		int e = errno;
		close(fd);
		return ws_err_set(err, WS_EIO, "%s: cannot seek to %llu: %s", path,
				  (unsigned long long)off, strerror(e));
	}
	struct ws_input *in = ws_xcalloc(1, sizeof(*in));
	in->fd = fd;
	in->name = ws_xstrdup(path);
	in->raw = ws_xmalloc(RAW_CAP);
	in->remaining = len;
	*out = in;
	return 0;
}

static uint64_t consumed(const struct ws_input *in)
{
	return in->raw_total - (in->raw_len - in->raw_off);
}

static int read_plain(struct ws_input *in, char *buf, size_t cap, size_t *got,
		      struct ws_err *err)
{
	while (*got < cap) {
		if (in->raw_off == in->raw_len && !in->eof_raw) {
			/* Nothing buffered (past the bytes the format check looked
			 * at): straight into the caller's buffer, one copy fewer. */
			size_t n = 0;
			int rc = read_file(in, buf + *got, cap - *got, &n, err);
			if (rc)
				return rc;
			if (n == 0)
				break;
			*got += n;
			continue;
		}
		int rc = fill_raw(in, err);
		if (rc)
			return rc;
		if (in->raw_off == in->raw_len)
			break;
		size_t n = in->raw_len - in->raw_off;
		if (n > cap - *got)
			n = cap - *got;
		memcpy(buf + *got, in->raw + in->raw_off, n);
		in->raw_off += n;
		*got += n;
	}
	return 0;
}

static int read_gzip(struct ws_input *in, char *buf, size_t cap, size_t *got,
		     struct ws_err *err)
{
	while (*got < cap) {
		int rc = fill_raw(in, err);
		if (rc)
			return rc;
		if (in->raw_off == in->raw_len) {
			if (!in->z_member_done)
				return ws_err_set(err, WS_ETRUNC,
						  "%s: gzip stream truncated at compressed offset %llu "
						  "(%llu bytes decoded before it are kept)",
						  in->name, (unsigned long long)consumed(in),
						  (unsigned long long)(in->out_total + *got));
			break;
		}
		if (in->z_member_done) {
			/* Another member follows (concatenated gzip, as logrotate makes). */
			if (in->raw[in->raw_off] != 0x1f) {
				in->raw_off = in->raw_len; /* trailing garbage: stop here */
				in->eof_raw = true;
				break;
			}
			inflateReset(&in->z);
			in->z_member_done = false;
		}
		in->z.next_in = in->raw + in->raw_off;
		in->z.avail_in = (uInt)(in->raw_len - in->raw_off);
		in->z.next_out = (unsigned char *)buf + *got;
		in->z.avail_out = (uInt)(cap - *got > 0x40000000u ? 0x40000000u : cap - *got);
		uInt before_out = in->z.avail_out;
		int zr = inflate(&in->z, Z_NO_FLUSH);
		in->raw_off = in->raw_len - in->z.avail_in;
		*got += before_out - in->z.avail_out;
		if (zr == Z_STREAM_END)
			in->z_member_done = true;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return ws_err_set(err, WS_EFORMAT,
					  "%s: corrupt gzip data at compressed offset %llu: %s "
					  "(%llu bytes decoded before it are kept)",
					  in->name, (unsigned long long)consumed(in),
					  in->z.msg ? in->z.msg : "inflate error",
					  (unsigned long long)(in->out_total + *got));
	}
	return 0;
}

static int read_zstd(struct ws_input *in, char *buf, size_t cap, size_t *got,
		     struct ws_err *err)
{
	while (*got < cap) {
		int rc = fill_raw(in, err);
		if (rc)
			return rc;
		if (in->raw_off == in->raw_len) {
			if (in->zs_frame_open)
				return ws_err_set(err, WS_ETRUNC,
						  "%s: zstd stream truncated at compressed offset %llu "
						  "(%llu bytes decoded before it are kept)",
						  in->name, (unsigned long long)consumed(in),
						  (unsigned long long)(in->out_total + *got));
			break;
		}
		ZSTD_inBuffer ib = {in->raw, in->raw_len, in->raw_off};
		ZSTD_outBuffer ob = {buf, cap, *got};
		size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
		in->raw_off = ib.pos;
		*got = ob.pos;
		if (ZSTD_isError(zr))
			return ws_err_set(err, WS_EFORMAT,
					  "%s: corrupt zstd data at compressed offset %llu: %s "
					  "(%llu bytes decoded before it are kept)",
					  in->name, (unsigned long long)consumed(in),
					  ZSTD_getErrorName(zr),
					  (unsigned long long)(in->out_total + *got));
		in->zs_frame_open = zr != 0;
	}
	return 0;
}

int ws_input_read(struct ws_input *in, char *buf, size_t cap, size_t *got, struct ws_err *err)
{
	*got = 0;
	if (in->done)
		return 0;
	int rc;
	switch (in->comp) {
	case WS_COMP_GZIP: rc = read_gzip(in, buf, cap, got, err); break;
	case WS_COMP_ZSTD: rc = read_zstd(in, buf, cap, got, err); break;
	default: rc = read_plain(in, buf, cap, got, err); break;
	}
	in->out_total += *got;
	if (rc)
		in->done = true;
	return rc;
}

enum ws_compression ws_input_compression(const struct ws_input *in)
{
	return in->comp;
}

uint64_t ws_input_raw_bytes(const struct ws_input *in)
{
	return in->raw_total;
}

void ws_input_close(struct ws_input *in)
{
	if (!in)
		return;
	if (in->z_init)
		inflateEnd(&in->z);
	if (in->zs)
		ZSTD_freeDStream(in->zs);
	if (in->fd >= 0)
		close(in->fd);
	free(in->raw);
	free(in->name);
	free(in);
}
