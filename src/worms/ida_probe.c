/* SPDX-License-Identifier: MIT */
/* Other requests for .ida / .idq: scanners checking for the ISAPI mapping
 * (Nessus 10695 asks for /NULL.ida), other MS01-033 exploits (Snort's sid
 * 1243 doc: "240 N's or other characters"), and Code Red lines too mangled to
 * attribute (an IIS log that kept only the stem, an error log's file path). */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900301, 1, "ida-probe.overflow", ".ida/.idq request with an overflow-sized query",
	 "snort:1243,snort:1244,et:2101243,et:2101244"},
	{1900302, 1, "ida-probe.access", ".ida/.idq access", "snort:1242,snort:1245,et:2101242"},
};

static const char *const prefilter[] = {"\\.id[aq]", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	struct ws_ida_shape s;
	ws_ida_shape(r, &s);
	if (!s.ida_path)
		return false;
	/* A long run of one byte is the overflow's shape, whatever the byte. */
	size_t longest = 0;
	for (size_t i = 0; i < r->query.n;) {
		size_t run = ws_str_run(r->query, i, r->query.p[i]);
		if (run > longest)
			longest = run;
		i += run;
	}
	if (longest >= 100 || r->query.n >= 240) {
		ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[0], NULL);
		return true;
	}
	const char *var = r->form == WS_TARGET_FSPATH ? "error log: query not logged"
			  : !r->has_query             ? "no query logged"
						      : NULL;
	ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[1], var);
	return true;
}

const struct ws_worm ws_worm_ida_probe = {
	.id = "ida-probe",
	.name = ".ida/.idq probe",
	.aliases = "ISAPI .ida access, null.idq",
	.first_seen = "2001-06-18",
	.what = "other .ida/.idq requests: scanners, other MS01-033 exploits, truncated Code Red",
	.log_forms = "any request whose stem ends in .ida or .idq that is not Code Red I or II; "
		     "Apache error log: File does not exist: .../default.ida",
	.sources = "[Snort] sids 1242-1245; [MS01-033]; Nessus 10695; [AWStats] worms.pm "
		   "(/null.idq)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.generic = true,
	.success_3xx = false,
	.match = match,
	.behaviour = NULL,
};
