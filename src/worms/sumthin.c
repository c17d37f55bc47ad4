/* SPDX-License-Identifier: MIT */
/* "GET /sumthin": a scanner of unknown origin seen from 2003 to about 2006
 * that asks every web server for /sumthin and moves on. AWStats names it the
 * "Sumthin worm"; ET Open had sid 2002667 "ET WEB_SERVER sumthin scan"
 * (webmasterworld.com forum11/2100). Harmless in itself, but a marker of
 * automated scanning. */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900901, 1, "sumthin.get", "sumthin scan", "et:2002667"},
	{1900902, 1, "sumthin.other", "sumthin request with another method", "et:2002667"},
	{1900903, 1, "sumthin.errorlog", "sumthin in an error log", "et:2002667"},
};

static const char *const prefilter[] = {"sumthin", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (r->form == WS_TARGET_FSPATH) {
		if (!ws_str_iends(r->path, "/sumthin"))
			return false;
		ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[2], "error log: request not logged");
		return true;
	}
	if (!ws_str_ieq(r->path, "/sumthin"))
		return false;
	if (ws_str_eq(r->method, "GET"))
		ws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);
	else
		ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[1], NULL);
	return true;
}

const struct ws_worm ws_worm_sumthin = {
	.id = "sumthin",
	.name = "sumthin scanner",
	.aliases = "Sumthin worm (AWStats)",
	.first_seen = "2003-01-01",
	.what = "GET /sumthin, an automated scanner's calling card",
	.log_forms = "Apache: \"GET /sumthin HTTP/1.0\" 404; error log: File does not exist: "
		     ".../sumthin",
	.sources = "AWStats worms.pm (sumthin); ET Open sid 2002667; OSSEC rule 31104 (/sumthin)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = false,
	.match = match,
	.behaviour = NULL,
};
