/* SPDX-License-Identifier: MIT */
/* Text and JSON summaries of the telescope sensor (telescope.h). Every
 * string in them is built here from numbers (prefixes, ports), so nothing
 * needs escaping. */
#include <stdio.h>

#include "telescope/telescope.h"
#include "util/time.h"

static void when(char *out, int64_t ts)
{
	ws_time_format_iso(ts, out);
}

void ws_tele_summary_text(struct ws_buf *b, const struct ws_tele *t, bool simulated)
{
	const struct ws_tele_conf *c = ws_tele_conf_of(t);
	struct ws_tele_totals x;
	ws_tele_totals(t, &x);
	ws_buf_printf(b, "%sTelescope %s (%llu addresses, port%s %s): %llu sources, %llu probes, "
			 "%llu backscatter, %llu to other ports, %llu other packets\n",
		      simulated ? "SIMULATED " : "", c->prefixes_text,
		      (unsigned long long)c->addresses, c->n_ports > 1 ? "s" : "", c->ports_text,
		      (unsigned long long)x.sources, (unsigned long long)x.probes,
		      (unsigned long long)x.backscatter, (unsigned long long)x.other_ports,
		      (unsigned long long)x.other);
	if (x.start <= x.end) {
		char a[32], z[32];
		when(a, x.start);
		when(z, x.end);
		ws_buf_printf(b, "  watched %s to %s\n", a, z);
	}
	if (x.untracked)
		ws_buf_printf(b, "  %llu probes from sources beyond the bound of %u distinct sources "
				 "(--telescope-max-sources) were counted but not kept per source\n",
			      (unsigned long long)x.untracked, c->max_sources);
}

void ws_tele_summary_json(struct ws_buf *b, const struct ws_tele *t, bool simulated)
{
	const struct ws_tele_conf *c = ws_tele_conf_of(t);
	struct ws_tele_totals x;
	ws_tele_totals(t, &x);
	ws_buf_adds(b, "{\"type\":\"telescope\",\"prefixes\":[");
	for (int i = 0; i < c->n; i++)
		ws_buf_printf(b, "%s\"%u.%u.%u.%u/%d\"", i ? "," : "", c->net[i] >> 24,
			      c->net[i] >> 16 & 255, c->net[i] >> 8 & 255, c->net[i] & 255, c->bits[i]);
	ws_buf_printf(b, "],\"addresses\":%llu,\"ports\":[", (unsigned long long)c->addresses);
	for (int i = 0; i < c->n_ports; i++)
		ws_buf_printf(b, "%s%u", i ? "," : "", c->ports[i]);
	ws_buf_printf(b, "],\"sources\":%llu,\"probes\":%llu,\"backscatter\":%llu,"
			 "\"other_ports\":%llu,\"other\":%llu,\"untracked\":%llu,",
		      (unsigned long long)x.sources, (unsigned long long)x.probes,
		      (unsigned long long)x.backscatter, (unsigned long long)x.other_ports,
		      (unsigned long long)x.other, (unsigned long long)x.untracked);
	if (x.start <= x.end) {
		char a[32], z[32];
		when(a, x.start);
		when(z, x.end);
		ws_buf_printf(b, "\"start\":\"%s\",\"end\":\"%s\",", a, z);
	} else {
		ws_buf_adds(b, "\"start\":null,\"end\":null,");
	}
	ws_buf_printf(b, "\"simulated\":%s}\n", simulated ? "true" : "false");
}
