/* SPDX-License-Identifier: MIT */
/* Guard-page copies for parser tests. Log lines are not NUL-terminated, so a
 * parser that reads one byte past `line + n` is a bug that a plain buffer
 * hides. ws_guard_copy puts the bytes at the very end of a read/write mapping
 * whose next page is PROT_NONE: any over-read faults at once (and ASan
 * cannot mask it, since the memory is not from malloc).
 *
 * Header-only, because each test file builds to its own executable. */
#ifndef WS_TEST_GUARD_H
#define WS_TEST_GUARD_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WS_GUARD_MAX 64

struct ws_guard_map {
	void *base;
	size_t len;
};

static struct ws_guard_map ws_guard_maps[WS_GUARD_MAX];
static size_t ws_guard_nmaps;

/* Returns a read-only-in-spirit copy of s[0..n) that ends where a PROT_NONE
 * page begins. Copies stay valid until ws_guard_release(); more than
 * WS_GUARD_MAX live copies abort the test (release between cases). */
static inline const char *ws_guard_copy(const char *s, size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (n + pg - 1) / pg * pg;
	if (data == 0)
		data = pg;
	if (ws_guard_nmaps == WS_GUARD_MAX) {
		fprintf(stderr, "ws_guard_copy: more than %d live copies\n", WS_GUARD_MAX);
		abort();
	}
	char *base = mmap(NULL, data + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (base == MAP_FAILED || mprotect(base + data, pg, PROT_NONE) != 0) {
		perror("ws_guard_copy");
		abort();
	}
	ws_guard_maps[ws_guard_nmaps++] = (struct ws_guard_map){base, data + pg};
	char *p = base + data - n;
	if (n)
		memcpy(p, s, n);
	return p;
}

/* Unmaps every copy made since the last release. */
static inline void ws_guard_release(void)
{
	for (size_t i = 0; i < ws_guard_nmaps; i++)
		munmap(ws_guard_maps[i].base, ws_guard_maps[i].len);
	ws_guard_nmaps = 0;
}

#endif
