/* SPDX-License-Identifier: MIT */
/* Helpers shared by the fuzz targets: every target copies what it parses into
 * a heap block of exactly the parsed length, so AddressSanitizer reports a
 * parser that reads one byte past a line (lines are (ptr, len), never
 * NUL-terminated, and in a real scan the next byte is the next line). */
#ifndef WS_FUZZ_H
#define WS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wormscope/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A heap copy of p[0..n) with nothing after it. Never NULL. */
static inline char *fz_copy(const void *p, size_t n)
{
	char *q = malloc(n);
	if (!q)
		q = malloc(1); /* malloc(0) may return NULL outside ASan */
	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

/* A NUL-terminated heap copy of p[0..n). */
static inline char *fz_strdup(const void *p, size_t n)
{
	char *q = malloc(n + 1);
	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

/* Line iterator over data[0..size): yields each line without its '\n' (a
 * final line without one too), as the scanner hands them to the parsers. */
struct fz_lines {
	const uint8_t *p;
	size_t n, pos;
};

static inline bool fz_next_line(struct fz_lines *it, const uint8_t **line, size_t *len)
{
	if (it->pos >= it->n)
		return false;
	const uint8_t *start = it->p + it->pos;
	const uint8_t *nl = memchr(start, '\n', it->n - it->pos);
	size_t l = nl ? (size_t)(nl - start) : it->n - it->pos;
	*line = start;
	*len = l;
	it->pos += l + (nl ? 1 : 0);
	return true;
}

/* Keeps a computed value alive so the reads below are not optimised away. */
static volatile unsigned fz_sink_v;
static inline void fz_sink(unsigned v)
{
	fz_sink_v = fz_sink_v + v;
}

/* Reads every byte a parsed request points at, so a view that runs past its
 * buffer or into freed memory is reported here rather than later. */
static inline unsigned fz_touch_str(struct ws_str s)
{
	if (s.n && !s.p)
		abort(); /* a non-empty view must point somewhere */
	unsigned h = 0;
	for (size_t i = 0; i < s.n; i++)
		h = h * 31u + (unsigned char)s.p[i];
	return h;
}

static inline unsigned fz_touch_request(const struct ws_request *r)
{
	return fz_touch_str(r->method) ^ fz_touch_str(r->path) ^ fz_touch_str(r->query) ^
	       fz_touch_str(r->proto) ^ fz_touch_str(r->agent) ^ fz_touch_str(r->referer) ^
	       fz_touch_str(r->host);
}

/* True when the non-empty view s lies inside [a, a+an) or [b, b+bn). */
static inline bool fz_inside(struct ws_str s, const char *a, size_t an, const char *b, size_t bn)
{
	if (s.n == 0)
		return true;
	uintptr_t p = (uintptr_t)s.p, e = p + s.n;
	if (a && p >= (uintptr_t)a && e <= (uintptr_t)a + an)
		return true;
	return b && p >= (uintptr_t)b && e <= (uintptr_t)b + bn;
}

/* Checks what every parser promises about a request it returned OK: its
 * views are borrowed from the line (or the scratch buffer b, when given). */
static inline void fz_check_request(const struct ws_request *r, const char *a, size_t an,
				    const char *b, size_t bn)
{
	const struct ws_str *v[] = {&r->method, &r->path,    &r->query, &r->proto,
				    &r->agent,  &r->referer, &r->host};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!fz_inside(*v[i], a, an, b, bn))
			abort();
	if (r->src.fam != 0 && r->src.fam != 4 && r->src.fam != 6)
		abort();
	if (r->dst.fam != 0 && r->dst.fam != 4 && r->dst.fam != 6)
		abort();
	if (r->form != WS_TARGET_RAW && r->form != WS_TARGET_DECODED &&
	    r->form != WS_TARGET_FSPATH)
		abort();
	fz_sink(fz_touch_request(r));
}

/* A parser's return value is one of WS_PARSE_OK / SKIP / BAD (1, 0, -1). */
static inline void fz_check_rc(int rc)
{
	if (rc < -1 || rc > 1)
		abort();
}

#endif
