/* SPDX-License-Identifier: MIT */
/* Allocation that cannot return NULL: running out of memory ends the process
 * (masscan's REALLOCARRAY idea); multiplications are checked for overflow in
 * every build, never by assert. The library prints nothing: the program
 * installs a hook (ws_set_oom_hook) that tells the user, with the size asked
 * for, before the process ends. */
#ifndef WS_UTIL_MEM_H
#define WS_UTIL_MEM_H

#include <stddef.h>

/* Called with the size asked for when an allocation fails; it should not
 * return (when it does, or none is set, the library aborts). Set it once,
 * before any thread starts. */
typedef void (*ws_oom_hook)(size_t n);
void ws_set_oom_hook(ws_oom_hook hook);

void *ws_xmalloc(size_t n);
void *ws_xcalloc(size_t nmemb, size_t size);
/* ws_xcalloc for a large table read at random (hash tables of sources):
 * asks the kernel for huge pages under it where it allows them on request
 * (transparent_hugepage "madvise"), so that a lookup costs one cache miss
 * rather than a cache miss and a page-table walk. Free with free(3). */
void *ws_xcalloc_table(size_t nmemb, size_t size);
/* n bytes starting at a page boundary, for read(2) buffers: the kernel's
 * copy out of the page cache ran at a third of its speed into a buffer
 * malloc had put 16 bytes past one (AMD EPYC, 195 MB: 0.098 s against
 * 0.034 s). Free with free(3). */
#define WS_PAGE 4096
void *ws_xmalloc_pages(size_t n);
/* Like reallocarray(3), but aborts instead of failing. */
void *ws_xreallocarray(void *p, size_t nmemb, size_t size);
char *ws_xstrdup(const char *s);

/* A growable byte buffer. Owner frees with ws_buf_free. */
struct ws_buf {
	char *p;
	size_t n, cap;
};
void ws_buf_reserve(struct ws_buf *b, size_t extra);
void ws_buf_add(struct ws_buf *b, const void *data, size_t n);
void ws_buf_addc(struct ws_buf *b, char c);
void ws_buf_adds(struct ws_buf *b, const char *s);
/* Appends a decimal integer (no printf). */
void ws_buf_addll(struct ws_buf *b, long long v);
void ws_buf_printf(struct ws_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ws_buf_free(struct ws_buf *b);

#endif
