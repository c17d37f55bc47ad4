/* SPDX-License-Identifier: MIT */
/* Nimda (18 September 2001). Among its spreading methods it scans web servers
 * with sixteen GETs per victim: four aimed at Code Red II's backdoors and
 * twelve at the IIS directory-traversal holes (MS00-078 unicode, MS01-026
 * double decoding), all ending in cmd.exe?/c+dir ([KB317605], [CERT-CA-2001-26], [Undeadly01]).
 *
 * Logs record the probes in two forms, and each is matched exactly:
 *  - raw (Apache, nginx): the bytes on the wire, e.g. ..%255c.. (undeadly.org
 *    log of 19 Sep 2001; a 2001 Chinese Nimda analysis for the last five);
 *  - IIS-decoded: the stem after IIS's one decoding pass, which is the list
 *    CERT CA-2001-26 and Microsoft KB 317605 published (..%5c.., ..\xc1\x1c..).
 *    In that form probes 5 and 15, and 13 and 14, look the same.
 * Probe i in one list is probe i in the other. All use HTTP/1.0 and no
 * User-Agent, so a lower-case method or a missing protocol makes it partial.
 */
#include <string.h>

#include "worms/internal.h"

#define WS_NIMDA_QUERY "/c+dir"

static const char *const wire[16] = {
	"/scripts/root.exe",
	"/MSADC/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/..%255c../winnt/system32/cmd.exe",
	"/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/_mem_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c0%2f../winnt/system32/cmd.exe",
	"/scripts/..%c0%af../winnt/system32/cmd.exe",
	"/scripts/..%c1%9c../winnt/system32/cmd.exe",
	"/scripts/..%%35%63../winnt/system32/cmd.exe",
	"/scripts/..%%35c../winnt/system32/cmd.exe",
	"/scripts/..%25%35%63../winnt/system32/cmd.exe",
	"/scripts/..%252f../winnt/system32/cmd.exe",
};

static const char *const decoded[16] = {
	"/scripts/root.exe",
	"/MSADC/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/..%5c../winnt/system32/cmd.exe",
	"/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe",
	"/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe",
	"/msadc/..%5c../..%5c../..%5c/..\xc1\x1c../..\xc1\x1c../..\xc1\x1c../winnt/system32/cmd.exe",
	"/scripts/..\xc1\x1c../winnt/system32/cmd.exe",
	"/scripts/..\xc0/../winnt/system32/cmd.exe",
	"/scripts/..\xc0\xaf../winnt/system32/cmd.exe",
	"/scripts/..\xc1\x9c../winnt/system32/cmd.exe",
	"/scripts/..%35c../winnt/system32/cmd.exe",
	"/scripts/..%35c../winnt/system32/cmd.exe",
	"/scripts/..%5c../winnt/system32/cmd.exe",
	"/scripts/..%2f../winnt/system32/cmd.exe",
};

static const struct ws_signature sigs[] = {
	{1900401, 1, "nimda.exact", "Nimda probe (one of its 16 GETs, as the worm sends it)",
	 "snort:1256,snort:1002,snort:1945,snort:981,snort:982,snort:983,et:2101256,bro:nimda"},
	{1900402, 1, "nimda.framing", "Nimda probe path with other method case or protocol",
	 "snort:1256,snort:1002,et:2101256,bro:nimda"},
	{1900403, 1, "nimda.cut", "Nimda probe path, line cut inside the query",
	 "snort:1256,snort:1002,bro:nimda"},
};

/* Bit mask of the probes whose path equals r->path in the form the log uses. */
static uint16_t probe_mask(const struct ws_request *r)
{
	const char *const *list = r->form == WS_TARGET_DECODED ? decoded : wire;
	uint16_t mask = 0;
	for (int i = 0; i < 16; i++)
		if (ws_str_eq(r->path, list[i]))
			mask |= (uint16_t)(1u << i);
	return mask;
}

static const char *const prefilter[] = {"cmd\\.exe", "root\\.exe", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (r->form == WS_TARGET_FSPATH)
		return false;
	uint16_t mask = probe_mask(r);
	if (!mask)
		return false;
	if (ws_str_eq(r->query, WS_NIMDA_QUERY)) {
		v->nimda_mask = mask;
		if (ws_req_is_get10(r))
			ws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);
		else
			ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[1],
				       !ws_str_eq(r->method, "GET") ? "method not GET"
				       : r->proto.n == 0            ? "no protocol token"
								    : "protocol not HTTP/1.0");
		return true;
	}
	/* A line cut inside "/c+dir" still names the probe. */
	if (r->truncated && r->query.n < strlen(WS_NIMDA_QUERY) &&
	    (r->query.n == 0 || memcmp(r->query.p, WS_NIMDA_QUERY, r->query.n) == 0)) {
		v->nimda_mask = mask;
		ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[2], "line cut");
		return true;
	}
	return false;
}

/* Nimda's address choice is commonly given as 50 % same /16, 25 % same /8,
 * 25 % random [not verified against a primary source; a parameter in sim]. */
static const struct ws_behaviour behaviour = {
	.scan_strategy = "local-preference",
	.threads = 0,
	.p_any = 0.25,
	.p_same8 = 0.25,
	.p_same16 = 0.5,
	.calendar = "no calendar; file-infecting, persistent",
	/* No documented thread count or rate: the simulator's default rate. */
	.sim_strategy = "local-preference",
	.onset = "2001-09-18T00:00:00Z", /* 18 September 2001; hour not verified */
	.requests = wire,
	.n_requests = 16,
	.request_query = "?" WS_NIMDA_QUERY,
};

const struct ws_worm ws_worm_nimda = {
	.id = "nimda",
	.name = "Nimda",
	.aliases = "W32/Nimda, Nimda.A, Concept Virus (CV) v.5, Nimba",
	.first_seen = "2001-09-18",
	.what = "16 probes for Code Red II's backdoor and IIS traversal holes, ending cmd.exe?/c+dir",
	.log_forms = "Apache: \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 \"-\" \"-\" and 15 more, "
		     "raw (..%255c.., ..%c0%af..); IIS W3C/native: stem decoded once "
		     "(/scripts/..%5c../winnt/system32/cmd.exe) and query /c+dir",
	.sources = "[CERT-CA-2001-26]; [KB317605]; [Undeadly01] (19 Sep 2001 log); "
		   "[Bro] worm.sig/worm.bro; [Snort] 1256, 1002, 981-983, 1945 (see docs/sources.md)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = true,
	.match = match,
	.behaviour = &behaviour,
};
