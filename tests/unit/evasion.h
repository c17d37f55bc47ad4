/* SPDX-License-Identifier: MIT */
/* The evasion corpus: every encoding of http/normalize.h alone and in pairs
 * on each worm's request (616 cases), each case naming the worm that must
 * still be found and the flags that must say how. One generator for every
 * path a request can take in: the log and classifier test
 * (test_http_normalize.c), the guard's forwarding decision
 * (test_guard_forward.c) and the capture scenario `evasion` of
 * tests/tools/mkcap.c (checked by tests/pcap/evasion.sh).
 *
 * Header-only and free of the test framework, so the capture writer can
 * include it too. */
#ifndef WS_TEST_EVASION_H
#define WS_TEST_EVASION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/normalize.h"
#include "worms/internal.h"

/* One worm's request, with the keyword the encodings go to work on. */
struct base {
	const char *worm, *dir, *file, *query;
};

static char cr_q[600], crii_q[600];

static const struct base bases[] = {
	{"code-red", "", "default.ida", cr_q},
	{"code-red-ii", "", "default.ida", crii_q},
	{"nimda", "/scripts", "root.exe", "/c+dir"},
	{"nimda", "/c/winnt/system32", "cmd.exe", "/c+dir"},
	{"backdoor-use", "/scripts", "root.exe", "/c+echo+hi"},
	{"nsiislog", "/scripts", "nsiislog.dll", NULL},
	{"sumthin", "", "sumthin", NULL},
};

/* An encoding: how it rewrites the directory and file, and its flags. */
struct enc {
	const char *name;
	void (*apply)(char *dir, char *file);
	uint32_t flags;
};

static void esc_char(char *s, size_t at, const char *fmt, int c)
{
	char tail[512], e[32];
	snprintf(e, sizeof(e), fmt, c);
	snprintf(tail, sizeof(tail), "%s", s + at + 1);
	snprintf(s + at, 512 - at, "%s%s", e, tail);
}

static size_t dot_of(const char *f)
{
	const char *d = strrchr(f, '.');
	return d ? (size_t)(d - f) : strlen(f) - 1; /* no dot: the last letter */
}

static void e_pct(char *d, char *f) { (void)d; esc_char(f, 0, "%%%02x", f[0]); }
static void e_pct_dot(char *d, char *f)
{
	(void)d;
	size_t a = dot_of(f);
	esc_char(f, a, "%%%02X", (unsigned char)f[a]);
}
static void e_u(char *d, char *f) { (void)d; esc_char(f, 0, "%%u%04x", f[0]); }
static void e_full(char *d, char *f) { (void)d; esc_char(f, 0, "%%u%04x", f[0] + 0xfee0); }
static void e_double(char *d, char *f) { (void)d; esc_char(f, 0, "%%25%02x", f[0]); }
static void e_over2(char *d, char *f) { (void)d; esc_char(f, 0, "%%c1%%%02x", 0x80 | (f[0] & 0x3f)); }
static void e_over3(char *d, char *f) { (void)d; esc_char(f, 0, "%%e0%%81%%%02x", 0x80 | (f[0] & 0x3f)); }
/* run_case turns every separator into '\\' once the path is built */
static void e_bslash(char *d, char *f)
{
	(void)d;
	(void)f;
}
static void e_case(char *d, char *f)
{
	(void)d;
	for (char *c = f; *c; c++)
		*c = *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
}
static void e_param(char *d, char *f) { (void)d; strcat(f, ";x=1"); }
static void e_trail(char *d, char *f) { (void)d; strcat(f, ".%20."); }
static void e_stream(char *d, char *f) { (void)d; strcat(f, "::$data"); }
static void e_slashes(char *d, char *f) { (void)f; strcat(d, "/"); }
static void e_dotseg(char *d, char *f) { (void)f; strcat(d, "/./x/.."); }

static const struct enc encs[] = {
	{"percent", e_pct, WS_EV_PERCENT},
	{"percent-dot", e_pct_dot, WS_EV_PERCENT},
	{"unicode", e_u, WS_EV_UNICODE},
	{"full-width", e_full, WS_EV_UNICODE},
	{"double", e_double, WS_EV_DOUBLE | WS_EV_PERCENT},
	{"overlong-2", e_over2, WS_EV_OVERLONG},
	{"overlong-3", e_over3, WS_EV_OVERLONG},
	{"backslash", e_bslash, WS_EV_BACKSLASH},
	{"case", e_case, WS_EV_CASE},
	{"param", e_param, WS_EV_PARAM},
	{"trailing", e_trail, WS_EV_TRAILING},
	{"stream", e_stream, WS_EV_STREAM},
	{"slashes", e_slashes, WS_EV_SLASHES},
	{"dotseg", e_dotseg, WS_EV_DOTSEG},
};
#define NENC (sizeof(encs) / sizeof(encs[0]))

/* The letter-encoding rewrites all go to work on the first character, so
 * two of them do not combine; the rest combine with anything. */
static bool first_char(const struct enc *e)
{
	return e->apply == e_pct || e->apply == e_u || e->apply == e_full ||
	       e->apply == e_double || e->apply == e_over2 || e->apply == e_over3;
}


/* One case: the worm that must be named for path?query and the flags owed. */
struct ev_case {
	const char *worm;
	const char *x, *y;   /* the encodings (y NULL: one alone) */
	char path[1100];
	const char *query;   /* NULL: no '?' */
	uint32_t want;
};

static inline void ev_build(const struct base *b, const struct enc *x, const struct enc *y,
			    struct ev_case *c)
{
	char dir[512], file[512];
	snprintf(dir, sizeof(dir), "%s", b->dir);
	snprintf(file, sizeof(file), "%s", b->file);
	x->apply(dir, file);
	uint32_t want = x->flags;
	if (y) {
		y->apply(dir, file);
		want |= y->flags;
	}
	snprintf(c->path, sizeof(c->path), "%s/%s", dir, file);
	if (want & WS_EV_BACKSLASH)
		for (char *p = c->path; *p; p++)
			*p = *p == '/' ? '\\' : *p;
	c->worm = b->worm;
	c->x = x->name;
	c->y = y ? y->name : NULL;
	c->query = b->query;
	c->want = want;
}

/* Calls fn on every case in a fixed order; returns how many there were. */
static inline int ev_corpus(void (*fn)(const struct ev_case *c, void *ctx), void *ctx)
{
	snprintf(cr_q, sizeof(cr_q), "%s%s", WS_FILL224("N"), WS_CR_TAIL_TEXT);
	snprintf(crii_q, sizeof(crii_q), "%s%s", WS_FILL224("X"), WS_CR_TAIL_TEXT);
	int cases = 0;
	static struct ev_case c;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t i = 0; i < NENC; i++) {
			ev_build(&bases[b], &encs[i], NULL, &c);
			fn(&c, ctx);
			cases++;
			for (size_t k = i + 1; k < NENC; k++) {
				if (first_char(&encs[i]) && first_char(&encs[k]))
					continue;
				/* after ;x=1 a trailing dot or stream suffix is the
				 * parameter's, dropped with it */
				if (encs[i].apply == e_param &&
				    (encs[k].apply == e_trail || encs[k].apply == e_stream))
					continue;
				ev_build(&bases[b], &encs[i], &encs[k], &c);
				fn(&c, ctx);
				cases++;
			}
		}
	}
	return cases;
}

#endif
