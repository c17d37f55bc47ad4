/* SPDX-License-Identifier: MIT */
/* The access log a web server would have kept during a simulated outbreak
 * (simulator core, for simulate --emit-log). Combined log format, one line
 * per request, times in UTC, each worm's request lines as the worm table
 * gives them, and the status the server kind answered:
 * - apache (1.3/2.0, not vulnerable): Code Red I's request gets 400 (its %u
 *   escapes; [ApacheWeek01], [javasrc]), Code Red II's
 *   404 (code_red_ii.c), Nimda's 404, or 400 for the two with "%%" escapes
 *   (honeypot logs, as bench/genlog.c);
 * - iis (IIS 5 patched, with the .ida/.idq mappings removed as MS01-033's
 *   workaround advised, and no backdoor): 404 for all.
 * Nothing here is a real address: sources are the simulation's synthetic
 * hosts, and the first line marks the file simulated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "sim/emit.h"
#include "util/time.h"
#include "wormscope/worm.h"

static int cmp_probe(const void *a, const void *b)
{
	const struct ws_sim_probe *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->src < y->src ? -1 : x->src > y->src;
}

static int status_for(const char *kind, const char *worm, const char *target, int *bytes)
{
	if (strcmp(kind, "apache") == 0) {
		if (strcmp(worm, "code-red") == 0 || strcmp(worm, "code-red-v1") == 0) {
			*bytes = 326;
			return 400;
		}
		if (strstr(target, "%%")) {
			*bytes = 297;
			return 400;
		}
		*bytes = 283 + (int)(strlen(target) / 2);
		return 404;
	}
	*bytes = 1308; /* IIS 5's stock 404 page */
	return 404;
}

static void ncsa_time(int64_t ts, char *out, size_t cap)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d;
	int64_t days = ts >= 0 ? ts / 86400 : (ts - 86399) / 86400, s = ts - days * 86400;
	ws_civil_from_days(days, &y, &m, &d);
	snprintf(out, cap, "%02d/%s/%04d:%02d:%02d:%02d +0000", d, mon[m - 1], y, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60));
}

void ws_sim_emit_log(const struct ws_sim_scenario *sc, const char *header, const char *kind,
		     struct ws_sim_probe *v, size_t n, struct ws_buf *out)
{
	ws_buf_printf(out, "%s %s\n", WS_SIMULATED_MARK, header);
	const struct ws_worm *w = ws_sim_worm(sc->worm.id);
	const struct ws_behaviour *b = w ? w->behaviour : NULL;
	if (!b || !b->n_requests)
		return;
	if (n)
		qsort(v, n, sizeof(*v), cmp_probe);
	const char *q = b->request_query ? b->request_query : "";
	for (size_t i = 0; i < n; i++) {
		char when[40];
		ncsa_time(sc->start + (int64_t)v[i].t, when, sizeof(when));
		uint32_t a = v[i].src;
		for (int r = 0; r < b->n_requests; r++) {
			int bytes, st = status_for(kind, sc->worm.id, b->requests[r], &bytes);
			ws_buf_printf(out, "%u.%u.%u.%u - - [%s] \"GET %s%s HTTP/1.0\" %d %d \"-\" \"-\"\n",
				      a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, when,
				      b->requests[r], q, st, bytes);
		}
	}
}
