/* SPDX-License-Identifier: MIT */
/* Byte-string helpers over borrowed (ptr, len) views. ASCII case folding only:
 * log bytes are not assumed to be UTF-8. */
#ifndef WS_UTIL_STR_H
#define WS_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "wormscope/request.h"

static inline struct ws_str ws_str_make(const char *p, size_t n)
{
	return (struct ws_str){p, n};
}
bool ws_str_eq(struct ws_str s, const char *lit);      /* exact */
bool ws_str_ieq(struct ws_str s, const char *lit);     /* ASCII case-insensitive */
bool ws_str_istarts(struct ws_str s, const char *lit);
bool ws_str_iends(struct ws_str s, const char *lit);
/* First case-insensitive occurrence of lit in s, or NULL. */
const char *ws_str_ifind(struct ws_str s, const char *lit);
/* Length of the run of byte c starting at s.p[at]. */
size_t ws_str_run(struct ws_str s, size_t at, char c);
/* Parses a non-negative decimal integer filling all of s; -1 when not one. */
long long ws_str_to_ll(struct ws_str s);
/* Trims ASCII spaces and tabs at both ends. */
struct ws_str ws_str_trim(struct ws_str s);
/* The value of one hex digit (either case), or -1. */
static inline int ws_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
