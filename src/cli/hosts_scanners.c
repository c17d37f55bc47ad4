/* SPDX-License-Identifier: MIT */
/* `wormscope hosts --scanners` (hosts_scanners.h). */
#include "cli/hosts_scanners.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/escape.h"
#include "util/mem.h"
#include "util/time.h"

struct sc_out {
	const struct ws_scanner_filter *f;
	struct ws_buf b;
	uint64_t shown, simulated;
};

static int on_scanner(void *ctx, const struct ws_store_scanner *s)
{
	struct sc_out *o = ctx;
	const struct ws_scanner_filter *f = o->f;
	if ((f->has_since && s->flagged < f->since) || (f->has_until && s->flagged > f->until))
		return 0;
	if (f->cidr && f->cidr->n && !ws_cidrset_contains(f->cidr, &s->addr))
		return 0;
	o->shown++;
	o->simulated += s->simulated;
	char addr[64], ts[40];
	ws_addr_format(&s->addr, addr, sizeof(addr));
	ws_time_format_iso(s->flagged, ts);
	switch (f->fmt) {
	case 0:
		ws_buf_printf(&o->b, "%-39s %-20s  %14u  %6" PRIu64 "%s\n", addr, ts,
			      s->first_contacts, s->alerts, s->simulated ? "  SIMULATED" : "");
		break;
	case 1:
		ws_buf_printf(&o->b,
			      "{\"source\":\"%s\",\"flagged\":\"%s\",\"first_contacts\":%u,"
			      "\"alerts\":%" PRIu64 "%s}\n",
			      addr, ts, s->first_contacts, s->alerts,
			      s->simulated ? ",\"simulated\":true" : "");
		break;
	case 2:
		ws_buf_printf(&o->b, "%s,%s,%u,%" PRIu64 ",%s\n", addr, ts, s->first_contacts,
			      s->alerts, s->simulated ? "true" : "false");
		break;
	default:
		ws_buf_printf(&o->b, "%s\n", addr);
	}
	if (o->b.n >= (1u << 16)) {
		fwrite(o->b.p, 1, o->b.n, stdout);
		o->b.n = 0;
	}
	return 0;
}

int ws_hosts_scanners(struct ws_store *st, const struct ws_scanner_filter *f, struct ws_err *err)
{
	struct sc_out o = {.f = f};
	if (f->fmt == 0)
		ws_buf_printf(&o.b, "%-39s %-20s  %14s  %6s\n", "scanner", "flagged (UTC)",
			      "first contacts", "alerts");
	else if (f->fmt == 2)
		ws_buf_adds(&o.b, "source,flagged,first_contacts,alerts,simulated\n");
	int rc = ws_store_scanners(st, on_scanner, &o, err);
	if (rc == 0 && f->fmt == 0)
		ws_buf_printf(&o.b, "%" PRIu64 " scanner%s%s\n", o.shown, o.shown == 1 ? "" : "s",
			      o.simulated ? " (SIMULATED DATA among them)" : "");
	if (o.b.n)
		fwrite(o.b.p, 1, o.b.n, stdout);
	ws_buf_free(&o.b);
	return rc;
}
