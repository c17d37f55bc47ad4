/* SPDX-License-Identifier: MIT */
/* Number, time and name formatting for the report. Numbers are grouped by
 * thousands because the tables are read by people; the browser test strips
 * the commas before comparing with the store. */
#include "report/fmt.h"

#include <stdio.h>
#include <string.h>

#include "util/escape.h"
#include "util/time.h"
#include "wormscope/worm.h"

char *ws_rep_num(uint64_t v, char *out)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return out;
}

int64_t ws_rep_clamp_time(int64_t t)
{
	const int64_t lo = -62135596800, hi = 253402300799; /* 0001-01-01, 9999-12-31 */
	return t < lo ? lo : t > hi ? hi : t;
}

char *ws_rep_time(int64_t t, enum ws_rep_tstyle style, char *out)
{
	t = ws_rep_clamp_time(t);
	/* Floor division, so times before 1970 (a hostile or broken log) still
	 * format as a valid date instead of a negative hour. */
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;
	ws_civil_from_days(days, &y, &m, &d);
	int hh = (int)(rem / 3600), mm = (int)(rem / 60 % 60), ss = (int)(rem % 60);
	y %= 10000;
	switch (style) {
	case WS_REP_T_SECOND:
		snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
		break;
	case WS_REP_T_DAY: snprintf(out, 32, "%04d-%02d-%02d", y, m, d); break;
	case WS_REP_T_HOUR: snprintf(out, 32, "%02d:%02d", hh, mm); break;
	case WS_REP_T_MONTHDAY: snprintf(out, 32, "%02d-%02d", m, d); break;
	default: snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm); break;
	}
	return out;
}

void ws_rep_esc(struct ws_buf *b, const char *s)
{
	if (s)
		ws_esc_html(b, s, strlen(s));
}

static const struct ws_worm *worm_at(int w)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	return w >= 0 && w < n ? t[w] : NULL;
}

const char *ws_rep_worm_name(int w)
{
	const struct ws_worm *x = worm_at(w);
	return x ? x->name : "unknown worm";
}

const char *ws_rep_worm_id(int w)
{
	const struct ws_worm *x = worm_at(w);
	return x ? x->id : "unknown";
}
