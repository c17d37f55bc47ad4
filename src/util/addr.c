/* SPDX-License-Identifier: MIT */
#include "util/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool ws_addr_parse(struct ws_str s, struct ws_addr *a, int *port)
{
	char tmp[64];
	memset(a, 0, sizeof(*a));
	if (port)
		*port = -1;
	if (s.n == 0 || s.n >= sizeof(tmp) || memchr(s.p, '\0', s.n))
		return false;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	if (inet_pton(AF_INET, tmp, a->b) == 1) {
		a->fam = 4;
		return true;
	}
	/* IPv4 with a port, as some proxies log it. */
	char *colon = strchr(tmp, ':');
	if (colon && strchr(colon + 1, ':') == NULL) {
		*colon = '\0';
		if (inet_pton(AF_INET, tmp, a->b) == 1) {
			char *end;
			long p = strtol(colon + 1, &end, 10);
			bool digits = colon[1] >= '0' && colon[1] <= '9';
			if (digits && *end == '\0' && p >= 0 && p <= 65535) {
				a->fam = 4;
				if (port)
					*port = (int)p;
				return true;
			}
		}
		memset(a, 0, sizeof(*a));
		return false;
	}
	if (inet_pton(AF_INET6, tmp, a->b) == 1) {
		if (memcmp(a->b, v4mapped, 12) == 0) {
			memmove(a->b, a->b + 12, 4);
			memset(a->b + 4, 0, 12);
			a->fam = 4;
		} else {
			a->fam = 6;
		}
		return true;
	}
	memset(a, 0, sizeof(*a));
	return false;
}

char *ws_addr_format(const struct ws_addr *a, char *out, size_t outsz)
{
	if (a->fam == 4)
		inet_ntop(AF_INET, a->b, out, (socklen_t)outsz);
	else if (a->fam == 6)
		inet_ntop(AF_INET6, a->b, out, (socklen_t)outsz);
	else
		snprintf(out, outsz, "-");
	return out;
}

bool ws_addr_eq(const struct ws_addr *a, const struct ws_addr *b)
{
	return a->fam == b->fam && memcmp(a->b, b->b, a->fam == 4 ? 4 : 16) == 0;
}

bool ws_cidr_parse(const char *text, struct ws_cidr *c)
{
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	if (!ws_addr_parse((struct ws_str){text, n}, &c->net, NULL))
		return false;
	int max = c->net.fam == 4 ? 32 : 128;
	c->bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || b < 0 || b > max)
			return false;
		c->bits = (int)b;
	}
	/* Clear host bits so that contains() compares whole bytes. */
	for (int i = 0; i < 16; i++) {
		int keep = c->bits - i * 8;
		if (keep <= 0)
			c->net.b[i] = 0;
		else if (keep < 8)
			c->net.b[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return true;
}

bool ws_cidr_contains(const struct ws_cidr *c, const struct ws_addr *a)
{
	if (a->fam != c->net.fam)
		return false;
	int full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->net.b, a->b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->b[full] & mask) == c->net.b[full];
}

void ws_cidrset_add(struct ws_cidrset *s, const struct ws_cidr *c)
{
	s->v = ws_xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = *c;
}

bool ws_cidrset_contains(const struct ws_cidrset *s, const struct ws_addr *a)
{
	for (size_t i = 0; i < s->n; i++)
		if (ws_cidr_contains(&s->v[i], a))
			return true;
	return false;
}

void ws_cidrset_free(struct ws_cidrset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
