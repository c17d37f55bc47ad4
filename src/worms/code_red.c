/* SPDX-License-Identifier: MIT */
/* Code Red I (v1 from 12/13 July 2001, v2 from about 10:00 UTC 19 July 2001).
 * v1 and v2 send the same request; they differ only in how they pick targets
 * (v1: one static seed, so every copy walks the same list; v2: random seed).
 *
 * Request ([CERT-IN-2001-08], [eEye-AL20010717]; 224 counted as
 * [ApacheWeek01] does):
 *   GET /default.ida?<224 x 'N'><138-byte %u tail ending %u00=a> HTTP/1.0
 * with two spaces before HTTP/1.0 in raw copies and no User-Agent. Apache 1.3
 * answered 400 (apacheweek.com/features/codered; IanDarwin/javasrc CodeRed.java).
 */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900101, 1, "code-red.exact", "Code Red I request (default.ida, 224 x N, %u tail)",
	 "snort:1243,et:2101243,bro:codered1"},
	{1900102, 1, "code-red.variant", "Code Red I request, filler or framing differs",
	 "snort:1243,et:2101243,bro:codered1"},
	{1900103, 1, "code-red.filler", ".ida request with an N filler run (Bro codered1 rule)",
	 "snort:1243,bro:codered1"},
};

static const char *const prefilter[] = {"\\.id[aq]", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	return ws_code_red_match(r, v, 'N', sigs);
}

/* The request as the worm sends it ([CERT-IN-2001-08]). */
static const char *const requests[] = {"/default.ida?" WS_FILL224("N") WS_CR_TAIL_TEXT};

/* CERT IN-2001-08; internetnews.com (eEye quote) for 100 threads; NIPC for the
 * UTC calendar. */
static const struct ws_behaviour behaviour = {
	.scan_strategy = "uniform (v2); one shared fixed sequence (v1)",
	.threads = 100,
	.p_any = 1.0,
	.calendar = "UTC day of month 1-19 spread, 20-27 flood 198.137.240.91, 28-31 sleep; "
		    "memory only (a reboot clears it)",
	/* v2's random seed makes its targets uniform over IPv4 (CERT IN-2001-08,
	 * CAIDA README); a thread waits out each connection attempt, about 20 s to
	 * an unused address (100 threads => 5 probes/s: [eEye-AL20010717], [Gladstone01]);
	 * 360,000 vulnerable is the July population ([CAIDA-CRv2]: 359,104 seen). */
	.sim_strategy = "uniform",
	.probe_time_s = 20.0,
	.memory_only = true,
	.code_red_calendar = true,
	.vulnerable = 360000,
	.onset = "2001-07-19T10:00:00Z", /* v2, CAIDA: "around 10:00 UTC" */
	.requests = requests,
	.n_requests = 1,
};

const struct ws_worm ws_worm_code_red = {
	.id = "code-red",
	.name = "Code Red I",
	.aliases = "CodeRed, CodeRed.A, CodeRed.B, CRv1, CRv2, Bady",
	.first_seen = "2001-07-13",
	.what = "IIS .ida overflow (MS01-033, CVE-2001-0500), filler of 'N'",
	.log_forms = "Apache/nginx: \"GET /default.ida?NNNN...%u00=a  HTTP/1.0\" 400 \"-\" \"-\"; "
		     "IIS W3C/native: stem /default.ida, query NNNN...%u00=a (or stem only, "
		     "or nothing if IIS crashed); Apache error log: File does not exist: "
		     ".../default.ida (reported as ida-probe, the filler is not logged)",
	.sources = "[CERT-IN-2001-08]; [eEye-AL20010717]; [CAIDA-DS] README; [ApacheWeek01]; "
		   "[Bro] worm.sig; [Snort] sid 1243 (see docs/sources.md)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = false,
	.match = match,
	.behaviour = &behaviour,
};
