/* SPDX-License-Identifier: MIT */
/* Escaping of hostile bytes for each output format. Input is any bytes; the
 * output is always valid UTF-8 and inert in its format. Bytes that are not
 * valid UTF-8 are written as the text \xHH (Apache's own convention). */
#ifndef WS_UTIL_ESCAPE_H
#define WS_UTIL_ESCAPE_H

#include <stddef.h>

#include "util/mem.h"

/* Appends the JSON string body (no surrounding quotes). */
void ws_esc_json(struct ws_buf *out, const char *p, size_t n);
/* Appends one CSV field, quoted per RFC 4180 when needed; a field that a
 * spreadsheet would read as a formula (= + - @ tab CR first) is prefixed with '. */
void ws_esc_csv(struct ws_buf *out, const char *p, size_t n);
/* Appends text safe for HTML element content and quoted attribute values. */
void ws_esc_html(struct ws_buf *out, const char *p, size_t n);
/* Appends printable text for a terminal: C0 and C1 controls and invalid UTF-8
 * as \xHH. */
void ws_esc_text(struct ws_buf *out, const char *p, size_t n);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
size_t ws_utf8_seq_len(const unsigned char *p, size_t n);

#endif
