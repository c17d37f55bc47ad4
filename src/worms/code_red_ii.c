/* SPDX-License-Identifier: MIT */
/* Code Red II (from 4 August 2001). Same overflow and 138-byte tail as Code
 * Red I, but the filler is 224 x 'X' ([CERT-IN-2001-09], [Friedl01];
 * counted 34+48+48+48+46). It leaves the root.exe backdoor
 * and /c, /d virtual directories (see backdoor_use.c). CodeRed.D (Aug 2001)
 * and CodeRed.F (Mar 2003) send the same request and are reported as this id.
 */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900201, 1, "code-red-ii.exact", "Code Red II request (default.ida, 224 x X, %u tail)",
	 "snort:1243,et:2101243,bro:codered2"},
	{1900202, 1, "code-red-ii.variant", "Code Red II request, filler or framing differs",
	 "snort:1243,et:2101243,bro:codered2"},
	{1900203, 1, "code-red-ii.filler", ".ida request with an X filler run (Bro codered2 rule)",
	 "snort:1243,bro:codered2"},
};

static const char *const prefilter[] = {"\\.id[aq]", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	return ws_code_red_match(r, v, 'X', sigs);
}

/* The request as the worm sends it ([CERT-IN-2001-09]). */
static const char *const requests[] = {"/default.ida?" WS_FILL224("X") WS_CR_TAIL_TEXT};

/* Local preference 1/8 any, 1/2 same /8, 3/8 same /16, redrawing 127/8, 224/8
 * and itself; 300 threads (600 on Chinese systems); 24 h (48 h) then reboot
 * ([Friedl01], [CERT-IN-2001-09]; expiry date disputed). */
static const struct ws_behaviour behaviour = {
	.scan_strategy = "local-preference",
	.threads = 300,
	.p_any = 0.125,
	.p_same8 = 0.5,
	.p_same16 = 0.375,
	.calendar = "runs 24 h (48 h on Chinese-language systems) then reboots; expiry "
		    "disputed (1 Oct 2001 / end 2001 / end 2002), CodeRed.F has none",
	/* 300 threads at about 20 s per probe ([DShield01]: SYNs in
	 * threes, 3-7 s apart); 600 threads and 48 h on Chinese systems; the
	 * worm itself lives in memory (only the backdoor survives the reboot), so
	 * an unpatched host can be infected again. Expiry: eEye's 1 Oct 2001. */
	.sim_strategy = "local-preference",
	.probe_time_s = 20.0,
	.skip_reserved = true,
	.memory_only = true,
	.lifetime_h = 24.0,
	.chinese_lifetime_h = 48.0,
	.chinese_rate_factor = 2.0,
	.expiry = "2001-10-01",
	.vulnerable = 360000,
	.onset = "2001-08-04T00:00:00Z", /* released Saturday 4 August (unixwiz); hour unknown */
	.requests = requests,
	.n_requests = 1,
};

const struct ws_worm ws_worm_code_red_ii = {
	.id = "code-red-ii",
	.name = "Code Red II",
	.aliases = "CodeRed.C, CodeRed.D, CodeRed.F, CodeRedII, Code Red III (Chinese press)",
	.first_seen = "2001-08-04",
	.what = "IIS .ida overflow (MS01-033), filler of 'X'; installs root.exe backdoor",
	.log_forms = "Apache: \"GET /default.ida?XXXX...%u00=a HTTP/1.0\" 404 (Apache 1.3/2.0); "
		     "IIS W3C/native: stem /default.ida, query XXXX...%u00=a",
	.sources = "[CERT-IN-2001-09]; [CAIDA-DS] README (\"CodeRedII\" string); [Friedl01]; "
		   "[Bro] worm.sig; [Snort] sid 1243 (see docs/sources.md)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = false,
	.match = match,
	.behaviour = &behaviour,
};
