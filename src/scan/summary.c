/* SPDX-License-Identifier: MIT */
#include "scan/summary.h"

#include "output/alert.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/addr.h"
#include "util/escape.h"
#include "util/time.h"

static uint64_t host_total(const struct ws_host *h)
{
	uint64_t t = 0;
	for (int w = 0; w < WS_MAX_WORMS; w++)
		t += h->count[w];
	return t;
}

/* Most requests first, then address bytes, so the order is stable. */
static int by_requests(const void *a, const void *b)
{
	const struct ws_host *x = *(const struct ws_host *const *)a;
	const struct ws_host *y = *(const struct ws_host *const *)b;
	uint64_t tx = host_total(x), ty = host_total(y);
	if (tx != ty)
		return tx > ty ? -1 : 1;
	if (x->addr.fam != y->addr.fam)
		return x->addr.fam < y->addr.fam ? -1 : 1;
	return memcmp(x->addr.b, y->addr.b, 16);
}

/* File names come from the user and may hold any bytes: they reach the
 * terminal through ws_esc_text (the rest of a line is escaped already, and
 * escaping twice changes nothing). */
static void esc(struct ws_buf *b, const char *s)
{
	ws_esc_text(b, s, strlen(s));
}

static void human_bytes(char *out, size_t n, uint64_t v)
{
	if (v >= 10ull << 30)
		snprintf(out, n, "%.1f GB", (double)v / (1 << 30));
	else if (v >= 10ull << 20)
		snprintf(out, n, "%.1f MB", (double)v / (1 << 20));
	else if (v >= 10ull << 10)
		snprintf(out, n, "%.1f KB", (double)v / (1 << 10));
	else
		snprintf(out, n, "%" PRIu64 " B", v);
}

static void time_or_dash(char *out, int64_t t, bool known)
{
	if (known)
		ws_time_format_iso(t, out);
	else
		snprintf(out, 32, "-");
}

static void worms_of(struct ws_buf *b, const struct ws_host *h)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	bool first = true;
	for (int w = 0; w < n; w++) {
		if (!h->count[w])
			continue;
		ws_buf_printf(b, "%s%s:%u", first ? "" : ",", t[w]->id, h->count[w]);
		first = false;
	}
}

/* Packet captures: what was read and what could not be, so a clean result
 * from a capture that lost most of its packets is not mistaken for a clean
 * network. */
static void capture_health(struct ws_buf *b, const struct ws_capture_stats *c)
{
	uint64_t bad = 0;
	for (int i = 0; i < WS_UNDEC_N; i++)
		bad += c->undecodable[i];
	ws_buf_printf(b, "\nCapture: %" PRIu64 " packets (%" PRIu64 " bytes on the wire), %" PRIu64
			 " not TCP/IP, %" PRIu64 " TCP connections, %" PRIu64 " HTTP requests, %" PRIu64
			 " answers\n",
		      c->packets, c->bytes, c->other, c->flows, c->http_requests, c->http_responses);
	ws_buf_printf(b, "Capture health: kernel drops %" PRIu64 ", interface drops %" PRIu64
			 ", reassembly gaps %" PRIu64 " (%" PRIu64 " bytes), flows evicted %" PRIu64
			 " (idle-closed %" PRIu64 "), frames cut by snap length %" PRIu64
			 ", fragments reassembled %" PRIu64 "\n",
		      c->kernel_drops, c->if_drops, c->gaps, c->gap_bytes, c->flows_evicted,
		      c->flows_expired, c->snapped, c->frags_reassembled);
	ws_buf_printf(b, "Undecodable packets: %" PRIu64, bad);
	for (int i = 0; i < WS_UNDEC_N && bad; i++)
		ws_buf_printf(b, "%s%s %" PRIu64, i ? ", " : " (", ws_undec_name((enum ws_undec)i),
			      c->undecodable[i]);
	ws_buf_adds(b, bad ? ")\n" : "\n");
}

/* Distinct source addresses (the no-address entry is not a source). */
static size_t addressed(const struct ws_job_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->hosts.n; i++)
		n += r->hosts.v[i].addr.fam != 0;
	return n;
}

/* Lines whose client, user or time field is not what it should be: counted
 * and named (the first of each), since a worm request on them was still
 * looked for and a missing source changes what the counts mean. */
static void odd_fields(struct ws_buf *b, const struct ws_job_result *r,
		       const struct ws_summary_opts *o)
{
	static const char *const what[WS_N_ODD] = {
	    "client not an address", "control or 8-bit bytes in ident/user", "time unreadable"};
	bool any = false;
	for (int k = 0; k < WS_N_ODD; k++) {
		if (!r->odd[k])
			continue;
		ws_buf_printf(b, "%s%s %" PRIu64 " (first: ",
			      any ? "; " : o->strict ? "Odd fields: " : "Odd fields (among candidates): ",
			      what[k], r->odd[k]);
		esc(b, r->odd_at[k]);
		ws_buf_addc(b, ')');
		any = true;
	}
	if (any)
		ws_buf_addc(b, '\n');
}

/* Behavioural alerts (src/behav): what the worm table does not know. */
static void behaviour(struct ws_buf *b, const struct ws_job_result *r)
{
	const struct ws_alert_list *l = &r->alerts;
	if (!l->count[0] && !l->count[1] && !l->count[2])
		return;
	ws_buf_printf(b, "\nBehaviour (not from the worm table): %" PRIu64 " scanner%s, %" PRIu64
			 " new-worm content alert%s, %" PRIu64 " unknown outbreak%s\n",
		      l->count[WS_ALERT_SCANNER], l->count[WS_ALERT_SCANNER] == 1 ? "" : "s",
		      l->count[WS_ALERT_NEW_WORM], l->count[WS_ALERT_NEW_WORM] == 1 ? "" : "s",
		      l->count[WS_ALERT_OUTBREAK], l->count[WS_ALERT_OUTBREAK] == 1 ? "" : "s");
	size_t shown = 0, scanners = 0;
	unsigned rule = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct ws_alert *a = &l->v[i];
		if (a->kind == WS_ALERT_SCANNER && scanners++ >= 10)
			continue;
		if (shown++ >= 40)
			break;
		ws_buf_adds(b, "  ");
		ws_out_alert_text(b, a);
		ws_buf_addc(b, '\n');
		if (a->kind == WS_ALERT_NEW_WORM) {
			ws_buf_adds(b, "    draft Suricata rule: ");
			ws_out_alert_rule(b, a, ++rule);
			ws_buf_adds(b, "\n    draft worm table entry: wormscope scan -f jsonl, field "
				       "\"worm_entry\"\n");
		}
	}
	if (scanners > 10)
		ws_buf_printf(b, "  ... and %zu more scanners (wormscope hosts --scanners, or -f jsonl)\n",
			      scanners - 10);
}

void ws_summary_text(struct ws_buf *b, const struct ws_job_result *r,
		     const struct ws_summary_opts *o)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	const char *bold = o->color ? "\033[1m" : "", *red = o->color ? "\033[1;31m" : "",
		   *off = o->color ? "\033[0m" : "";
	char sz[32];
	human_bytes(sz, sizeof(sz), r->bytes);
	ws_buf_printf(b, "%swormscope scan%s: %d input%s, %" PRIu64 " %s, %s in %.2f s", bold, off,
		      o->files, o->files == 1 ? "" : "s",
		      r->cap.captures && !r->lines ? r->cap.packets : r->lines,
		      r->cap.captures && !r->lines ? "packets" : "lines", sz, o->seconds);
	if (o->seconds > 0)
		ws_buf_printf(b, " (%.0f MB/s)", (double)r->bytes / (1 << 20) / o->seconds);
	ws_buf_addc(b, '\n');
	if (r->simulated)
		ws_buf_printf(b, "%sSIMULATED DATA: input written by 'wormscope simulate' (%s), not "
				 "real traffic%s\n",
			      red, WS_SIMULATED_MARK, off);
	if (r->sightings == 0 && o->nothing_read) {
		/* not "No worm requests found.": nothing was looked at */
		ws_buf_adds(b, "Nothing was read as a log or capture: no worm requests could be "
			       "looked for.\n");
	} else if (r->sightings == 0) {
		ws_buf_adds(b, "No worm requests found.\n");
	} else {
		ws_buf_printf(b, "\n%-14s %9s %8s %9s  %-20s  %-20s\n", "worm", "requests", "sources",
			      "exact", "first seen (UTC)", "last seen (UTC)");
		for (int w = 0; w < n; w++) {
			const struct ws_worm_stats *s = &r->worms[w];
			if (!s->requests)
				continue;
			/* Sources are addresses, as the store counts them: requests
			 * whose client field held none are listed apart. */
			uint64_t sources = 0;
			for (size_t i = 0; i < r->hosts.n; i++)
				sources += r->hosts.v[i].count[w] > 0 && r->hosts.v[i].addr.fam;
			char f[32], l[32];
			time_or_dash(f, s->first, s->first != INT64_MAX);
			time_or_dash(l, s->last, s->last != INT64_MIN);
			ws_buf_printf(b, "%-14s %9" PRIu64 " %8" PRIu64 " %9" PRIu64 "  %-20s  %-20s\n",
				      t[w]->id, s->requests, sources, s->by_conf[WS_CONF_EXACT], f, l);
		}
		ws_buf_printf(b, "%-14s %9" PRIu64 " %8zu\n", "total", r->sightings, addressed(r));
	}
	/* Top sources: addresses only; requests with none are counted after. */
	size_t na = addressed(r);
	const struct ws_host *none = NULL;
	for (size_t i = 0; i < r->hosts.n; i++)
		if (!r->hosts.v[i].addr.fam)
			none = &r->hosts.v[i];
	if (na && o->top > 0) {
		const struct ws_host **v = malloc(na * sizeof(*v));
		if (v) {
			size_t m = 0;
			for (size_t i = 0; i < r->hosts.n; i++)
				if (r->hosts.v[i].addr.fam)
					v[m++] = &r->hosts.v[i];
			qsort(v, na, sizeof(*v), by_requests);
			size_t k = na < (size_t)o->top ? na : (size_t)o->top;
			ws_buf_printf(b, "\nTop sources (%zu of %zu)\n%-39s %8s %6s  %s\n", k, na,
				      "source", "requests", "nimda", "worms");
			for (size_t i = 0; i < k; i++) {
				char a[64], nim[16] = "-";
				const struct ws_host *h = v[i];
				if (h->nimda_probes)
					snprintf(nim, sizeof(nim), "%d/16",
						 __builtin_popcount(h->nimda_probes));
				ws_buf_printf(b, "%-39s %8" PRIu64 " %6s  ",
					      ws_addr_format(&h->addr, a, sizeof(a)), host_total(h), nim);
				worms_of(b, h);
				if (h->inside)
					ws_buf_adds(b, "  [inside home net]");
				if (h->compromised)
					ws_buf_printf(b, "  %s[%u success answers]%s", red,
						      h->compromised, off);
				ws_buf_addc(b, '\n');
			}
			free(v);
		}
	}
	if (none)
		ws_buf_printf(b, "Worm requests with no source address (the client field held none): "
				 "%" PRIu64 "\n", host_total(none));
	if (r->hosts.n && o->top > 0) {
		/* Nimda-infected-looking sources: most of the sixteen probes. */
		size_t most = 0;
		for (size_t i = 0; i < r->hosts.n; i++)
			most += __builtin_popcount(r->hosts.v[i].nimda_probes) >= 9;
		if (most)
			ws_buf_printf(b, "Sources that sent most (9+) of Nimda's 16 probes: %zu\n",
				      most);
		size_t inside = 0;
		for (size_t i = 0; i < r->hosts.n; i++)
			inside += r->hosts.v[i].inside;
		if (inside)
			ws_buf_printf(b, "%sSources inside --home-net: %zu (infected machines inside?)%s\n",
				      red, inside, off);
	}
	uint64_t comp = 0;
	for (int w = 0; w < n; w++)
		comp += r->worms[w].compromised;
	if (comp) {
		ws_buf_printf(b, "\n%s!! COMPROMISED-LOOKING ANSWERS: %" PRIu64
				 " worm request%s got a success status !!%s\n",
			      red, comp, comp == 1 ? "" : "s", off);
		for (int i = 0; i < r->n_compromised; i++) {
			/* "file:line ...": the file is a name the user gave */
			ws_buf_adds(b, "  ");
			esc(b, r->compromised[i].text);
			ws_buf_addc(b, '\n');
		}
		if ((uint64_t)r->n_compromised < comp)
			ws_buf_printf(b, "  ... and %" PRIu64 " more (see --format jsonl, field "
					 "\"compromised\")\n",
				      comp - (uint64_t)r->n_compromised);
	} else if (r->sightings) {
		ws_buf_adds(b, "\nCompromised-looking answers: none (no worm request got a success "
			       "status)\n");
	}
	behaviour(b, r);
	if (r->ignored)
		ws_buf_printf(b, "Ignored (--ignore-src): %" PRIu64 " requests\n", r->ignored);
	if (r->unparsable) {
		ws_buf_printf(b, "Unparsable lines%s: %" PRIu64, o->strict ? "" : " (among candidates)",
			      r->unparsable);
		for (int i = 0; i < o->n_unparsable_at; i++) {
			ws_buf_adds(b, i ? ", " : " (first: ");
			esc(b, o->unparsable_at[i]);
		}
		ws_buf_adds(b, o->n_unparsable_at ? ")\n" : "\n");
	}
	odd_fields(b, r, o);
	if (r->overlong)
		ws_buf_printf(b, "Lines longer than 64 MiB (cut): %" PRIu64 "\n", r->overlong);
	if (r->cap.captures)
		capture_health(b, &r->cap);
	if (o->empty)
		ws_buf_printf(b, "Empty inputs: %d\n", o->empty);
	if (o->not_logs)
		ws_buf_printf(b, "%sInputs not read as logs: %d (see messages above)%s\n", red,
			      o->not_logs, off);
	if (o->failed)
		ws_buf_printf(b, "%sInputs with errors: %d (see messages above)%s\n", red, o->failed, off);
}
