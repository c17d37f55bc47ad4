/* SPDX-License-Identifier: MIT */
/* What every log format's parser shares: the request line, the target, the
 * first X-Forwarded-For address and the reset to "nothing known". The parsers
 * (parsers.h) call these; nothing here knows a format. */
#ifndef WS_LOGFMT_FIELDS_H
#define WS_LOGFMT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "wormscope/request.h"

/* Splits an HTTP request line ("GET /x?y HTTP/1.0", tolerating two spaces, no
 * protocol, lower-case methods, a cut-off end) into method, path, query and
 * protocol. Returns false if there is no target. */
bool ws_split_request_line(const char *p, size_t n, struct ws_request *req);
/* The first address of an X-Forwarded-For list (trimmed, brackets and IIS's
 * '+' removed); false when it is not an address. */
bool ws_xff_first(struct ws_str v, struct ws_addr *a);
/* Splits a target into path and query at the first '?'. */
void ws_split_target(const char *p, size_t n, struct ws_request *req);
/* Clears req to "nothing known". */
void ws_request_reset(struct ws_request *req);

#endif
