/* SPDX-License-Identifier: MIT */
/* The WebDAV SEARCH overflow of 2003 (MS03-007, CVE-2003-0109: ntdll.dll via
 * IIS 5.0 WebDAV), used by Welchia/Nachi from August 2003 and by exploit kits.
 * The request is "SEARCH /" followed by tens of kilobytes of NOP-sled bytes;
 * Apache logs them escaped (\x90\x04H...). The [hnet-honeypot]
 * logs hold 39 such lines of 14-33 KB from 37 sources. AWStats drops
 * SEARCH records before its worm check ([AWStats] lib/worms.pm), so it never sees them. */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900701, 1, "webdav-search.sled", "WebDAV SEARCH overflow (MS03-007) with a NOP sled",
	 "cve:2003-0109,ms:MS03-007"},
	{1900702, 1, "webdav-search.long", "WebDAV SEARCH with an overflow-sized target",
	 "cve:2003-0109,ms:MS03-007"},
};

static bool sled(struct ws_str t)
{
	return ws_str_ifind(t, "\\x90\\x") || ws_str_ifind(t, "%u9090");
}

static const char *const prefilter[] = {"search[ ,\"\\t]{1,3}/", "\\\\x90\\\\x", "%u9090", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (!ws_str_ieq(r->method, "SEARCH") || r->form == WS_TARGET_FSPATH)
		return false;
	size_t len = r->path.n + r->query.n;
	if (sled(r->path) && len >= 1024) {
		ws_verdict_set(v, len >= 10000 ? WS_CONF_EXACT : WS_CONF_PARTIAL, &sigs[0],
			       len >= 10000 ? NULL : "shorter than the exploit's target");
		return true;
	}
	if (len >= 10000) {
		ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[1], NULL);
		return true;
	}
	return false;
}

const struct ws_worm ws_worm_webdav_search = {
	.id = "webdav-search",
	.name = "WebDAV SEARCH overflow",
	.aliases = "MS03-007 exploit, Welchia/Nachi WebDAV vector, ntdll.dll overflow",
	.first_seen = "2003-03-17",
	.what = "SEARCH request with a 10-65 KB NOP-sled target (IIS 5.0 WebDAV, ntdll.dll)",
	.log_forms = "Apache: \"SEARCH /\\x90\\x04H\\x04H... HTTP/1.1\" 414 or 400 (20-29 KB lines)",
	.sources = "[MS03-007] (CVE-2003-0109); [hnet-honeypot] "
		   "(39 lines, 14-33 KB); [AWStats] (drops SEARCH)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = false,
	.match = match,
	.behaviour = NULL,
};
