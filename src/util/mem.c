/* SPDX-License-Identifier: MIT */
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

static ws_oom_hook oom_hook;

void ws_set_oom_hook(ws_oom_hook hook)
{
	oom_hook = hook;
}

/* No allocation can be undone from here, so the process cannot go on: the
 * program's hook tells the user, and a hook that returns still ends here. */
static void oom(size_t n)
{
	if (oom_hook)
		oom_hook(n);
	abort();
}

void *ws_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *ws_xmalloc_pages(size_t n)
{
	void *p = NULL;
	if (posix_memalign(&p, WS_PAGE, n ? n : 1) != 0)
		oom(n);
	return p;
}

void *ws_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *ws_xcalloc_table(size_t nmemb, size_t size)
{
	void *p = ws_xcalloc(nmemb, size);
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t hi = ((uintptr_t)p + nmemb * size) & ~(huge - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a hint: failure costs speed only */
#endif
	return p;
}

void *ws_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > ((size_t)-1) / size)
		oom((size_t)-1);
	size_t bytes = nmemb * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (!q)
		oom(nmemb * size);
	return q;
}

char *ws_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ws_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

void ws_buf_reserve(struct ws_buf *b, size_t extra)
{
	if (extra > ((size_t)-1) - b->n - 1)
		oom((size_t)-1);
	if (b->n + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + extra + 1)
		cap = cap > ((size_t)-1) / 2 ? b->n + extra + 1 : cap * 2;
	b->p = ws_xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void ws_buf_add(struct ws_buf *b, const void *data, size_t n)
{
	ws_buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void ws_buf_addc(struct ws_buf *b, char c)
{
	ws_buf_reserve(b, 1);
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
}

void ws_buf_adds(struct ws_buf *b, const char *s)
{
	ws_buf_add(b, s, strlen(s));
}

void ws_buf_printf(struct ws_buf *b, const char *fmt, ...)
{
	/* Format straight into the spare room; only a result that does not fit
	 * pays for a second pass. */
	ws_buf_reserve(b, 64);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->n] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->n) {
		ws_buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

void ws_buf_addll(struct ws_buf *b, long long v)
{
	char t[24];
	size_t i = sizeof(t);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--i] = '-';
	ws_buf_add(b, t + i, sizeof(t) - i);
}

void ws_buf_free(struct ws_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}
