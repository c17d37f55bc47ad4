/* SPDX-License-Identifier: MIT */
#include "util/str.h"

#include <string.h>

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool ieq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

bool ws_str_eq(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

bool ws_str_ieq(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && ieq_n(s.p, lit, n);
}

bool ws_str_istarts(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && ieq_n(s.p, lit, n);
}

bool ws_str_iends(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && ieq_n(s.p + s.n - n, lit, n);
}

const char *ws_str_ifind(struct ws_str s, const char *lit)
{
	size_t n = strlen(lit);
	if (n == 0)
		return s.p;
	if (s.n < n)
		return NULL;
	unsigned char first = lower((unsigned char)lit[0]);
	if (first < 'a' || first > 'z') {
		/* No case to fold in the first byte: let memchr (SIMD) find the
		 * candidates. This matters on 20-60 KB overflow targets. */
		const char *p = s.p, *end = s.p + s.n - n + 1;
		while (p < end && (p = memchr(p, lit[0], (size_t)(end - p))) != NULL) {
			if (ieq_n(p + 1, lit + 1, n - 1))
				return p;
			p++;
		}
		return NULL;
	}
	for (size_t i = 0; i + n <= s.n; i++)
		if (lower((unsigned char)s.p[i]) == first && ieq_n(s.p + i, lit, n))
			return s.p + i;
	return NULL;
}

size_t ws_str_run(struct ws_str s, size_t at, char c)
{
	size_t i = at;
	while (i < s.n && s.p[i] == c)
		i++;
	return i - at;
}

long long ws_str_to_ll(struct ws_str s)
{
	if (s.n == 0 || s.n > 18)
		return -1;
	long long v = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

struct ws_str ws_str_trim(struct ws_str s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}
