/* SPDX-License-Identifier: MIT */
/* IPv4/IPv6 addresses and CIDR sets. ::ffff:a.b.c.d folds to IPv4. */
#ifndef WS_UTIL_ADDR_H
#define WS_UTIL_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "wormscope/request.h"

/* Parses s (no brackets, no port; a trailing ":port" on IPv4 is accepted and
 * returned in *port when port is not NULL). Returns true on success. */
bool ws_addr_parse(struct ws_str s, struct ws_addr *a, int *port);
/* Writes the text form into out (at least 46 bytes); returns out. */
char *ws_addr_format(const struct ws_addr *a, char *out, size_t outsz);
bool ws_addr_eq(const struct ws_addr *a, const struct ws_addr *b);

struct ws_cidr {
	struct ws_addr net;
	int bits;
};
/* "10.0.0.0/8", "2001:db8::/32", or a bare address. */
bool ws_cidr_parse(const char *text, struct ws_cidr *c);
bool ws_cidr_contains(const struct ws_cidr *c, const struct ws_addr *a);

struct ws_cidrset {
	struct ws_cidr *v;
	size_t n;
};
void ws_cidrset_add(struct ws_cidrset *s, const struct ws_cidr *c);
bool ws_cidrset_contains(const struct ws_cidrset *s, const struct ws_addr *a);
void ws_cidrset_free(struct ws_cidrset *s);

#endif
