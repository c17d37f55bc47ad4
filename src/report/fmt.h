/* SPDX-License-Identifier: MIT */
/* Formatting shared by the report's page and charts: grouped numbers, UTC
 * times, escaped strings and worm names. Internal to src/report/. */
#ifndef WS_REPORT_FMT_H
#define WS_REPORT_FMT_H

#include <stdint.h>

#include "util/mem.h"

/* "12,345,678" into out (at least 32 bytes); returns out. */
char *ws_rep_num(uint64_t v, char *out);

enum ws_rep_tstyle {
	WS_REP_T_MINUTE, /* 2001-08-04 10:00 */
	WS_REP_T_SECOND, /* 2001-08-04 10:00:07 */
	WS_REP_T_DAY,    /* 2001-08-04 */
	WS_REP_T_HOUR,   /* 10:00 */
	WS_REP_T_MONTHDAY, /* 08-04 */
};
/* t clamped to years 1..9999: times come from a store that may be damaged or
 * hostile, and every subtraction of two of them must stay defined. */
int64_t ws_rep_clamp_time(int64_t t);
/* A UTC time (clamped) in the given style into out (at least 32 bytes); returns out. */
char *ws_rep_time(int64_t t, enum ws_rep_tstyle style, char *out);

/* Appends s (NULL = nothing) escaped for HTML text and quoted attributes. */
void ws_rep_esc(struct ws_buf *b, const char *s);

/* The display name of worm index w ("unknown worm" when out of range):
 * static, do not free. */
const char *ws_rep_worm_name(int w);
/* The stable id of worm index w ("unknown"): static, do not free. */
const char *ws_rep_worm_id(int w);

#endif
