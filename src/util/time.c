/* SPDX-License-Identifier: MIT */
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int64_t ws_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ws_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int ws_month_from_name(const char *p)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char l[3];
	for (int i = 0; i < 3; i++) {
		char c = p[i];
		l[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	for (int i = 0; i < 12; i++)
		if (memcmp(names + 3 * i, l, 3) == 0)
			return i + 1;
	return 0;
}

static int dig(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static bool valid_fields(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 &&
	       h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

static int64_t to_epoch(int y, int mo, int d, int h, int mi, int s)
{
	return ws_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* "+hhmm", "-hh:mm" or "Z" into seconds east of UTC; returns chars used or -1. */
static int parse_offset(const char *p, size_t n, int *off)
{
	if (n >= 1 && (p[0] == 'Z' || p[0] == 'z')) {
		*off = 0;
		return 1;
	}
	if (n < 5 || (p[0] != '+' && p[0] != '-'))
		return -1;
	int hh = dig(p + 1, 2), mm, used;
	if (p[3] == ':') {
		if (n < 6)
			return -1;
		mm = dig(p + 4, 2);
		used = 6;
	} else {
		mm = dig(p + 3, 2);
		used = 5;
	}
	if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
		return -1;
	*off = (hh * 3600 + mm * 60) * (p[0] == '-' ? -1 : 1);
	return used;
}

bool ws_time_parse_ncsa(struct ws_str s, int64_t *ts)
{
	/* 02/Aug/2001:06:01:38 -0400 */
	if (s.n < 26 || s.p[2] != '/' || s.p[6] != '/' || s.p[11] != ':' || s.p[14] != ':' ||
	    s.p[17] != ':' || s.p[20] != ' ')
		return false;
	int d = dig(s.p, 2), mo = ws_month_from_name(s.p + 3), y = dig(s.p + 7, 4);
	int h = dig(s.p + 12, 2), mi = dig(s.p + 15, 2), sec = dig(s.p + 18, 2), off;
	if (!valid_fields(y, mo, d, h, mi, sec) || parse_offset(s.p + 21, s.n - 21, &off) < 0)
		return false;
	*ts = to_epoch(y, mo, d, h, mi, sec) - off;
	return true;
}

bool ws_time_parse_iso(struct ws_str s, int64_t *ts)
{
	if (s.n < 19 || s.p[4] != '-' || s.p[7] != '-' || (s.p[10] != 'T' && s.p[10] != ' ') ||
	    s.p[13] != ':' || s.p[16] != ':')
		return false;
	int y = dig(s.p, 4), mo = dig(s.p + 5, 2), d = dig(s.p + 8, 2);
	int h = dig(s.p + 11, 2), mi = dig(s.p + 14, 2), sec = dig(s.p + 17, 2);
	if (!valid_fields(y, mo, d, h, mi, sec))
		return false;
	size_t i = 19;
	if (i < s.n && (s.p[i] == '.' || s.p[i] == ','))
		for (i++; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
			;
	int off = 0;
	if (i < s.n && parse_offset(s.p + i, s.n - i, &off) < 0)
		return false;
	*ts = to_epoch(y, mo, d, h, mi, sec) - off;
	return true;
}

void ws_time_format_iso(int64_t ts, char *out)
{
	int64_t days = ts >= 0 ? ts / 86400 : -((-ts + 86399) / 86400);
	int64_t rem = ts - days * 86400;
	int y, m, d;
	ws_civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
}

bool ws_tz_parse(const char *text, struct ws_tz *tz)
{
	tz->kind = 0;
	tz->offset = 0;
	if (strcmp(text, "UTC") == 0 || strcmp(text, "utc") == 0 || strcmp(text, "Z") == 0)
		return true;
	if (text[0] == '+' || text[0] == '-') {
		int off;
		size_t n = strlen(text);
		return parse_offset(text, n, &off) == (int)n && (tz->offset = off, true);
	}
	/* An IANA name: accept it when the zone database knows it. */
	char path[256];
	if (strstr(text, "..") || snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", text) >=
					      (int)sizeof(path))
		return false;
	struct stat st;
	if (text[0] == '\0' || text[0] == '/' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	setenv("TZ", text, 1);
	tzset();
	tz->kind = 1;
	return true;
}

int64_t ws_tz_to_utc(const struct ws_tz *tz, int y, int mo, int d, int h, int mi, int s)
{
	if (tz->kind == 0)
		return to_epoch(y, mo, d, h, mi, s) - tz->offset;
	/* mktime is slow; most lines of a log share the hour, so cache per thread. */
	static _Thread_local int64_t cache_key = -1, cache_base;
	int64_t key = to_epoch(y, mo, d, h, 0, 0);
	if (key != cache_key) {
		struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
				.tm_isdst = -1};
		cache_base = (int64_t)mktime(&tm);
		cache_key = key;
	}
	return cache_base + mi * 60 + s;
}
