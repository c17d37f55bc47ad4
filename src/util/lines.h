/* SPDX-License-Identifier: MIT */
/* Fast newline counting over whole buffers (SSE2 where available). */
#ifndef WS_UTIL_LINES_H
#define WS_UTIL_LINES_H

#include <stddef.h>
#include <stdint.h>

uint64_t ws_count_newlines(const char *p, size_t n);

#endif
