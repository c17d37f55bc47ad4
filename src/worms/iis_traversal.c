/* SPDX-License-Identifier: MIT */
/* IIS directory-traversal and cmd.exe probes that are not Nimda's sixteen:
 * the unicode (MS00-078, CVE-2000-0884) and double-decoding (MS01-026,
 * CVE-2001-0333) holes, tried by sadmind/IIS (May 2001), by Nimda's imitators
 * and by vulnerability scanners. Matched on the raw target, because each
 * encoding is a fingerprint of the tool that sent it. */
#include <string.h>

#include "worms/internal.h"

/* Encoded "../" and "..\" forms ([Snort] 981-983, 1945; [CRS] 930100;
 * the [hnet-honeypot] logs). */
static const char *const tokens[] = {
	"..%255c", "..%25%35%63", "..%%35", "..%35c", "..%5c", "..%c0%af", "..%c0%2f", "..%c1%1c",
	"..%c1%9c", "..%c1%pc", "..%e0%80%af", "..%252f", ".%252e/", "..%u005c", "..%u2215",
	"..\xc0\xaf", "..\xc1\x1c", "..\xc1\x9c", "..\xc0/", "..\\",
};

static const struct ws_signature sigs[] = {
	{1900601, 1, "iis-traversal.cmd", "IIS encoded traversal to cmd.exe",
	 "snort:1002,snort:981,snort:982,snort:983,snort:1945,et:2100981,et:2100982,et:2100983,"
	 "et:2009361"},
	{1900602, 1, "iis-traversal.encoded", "IIS encoded directory traversal",
	 "snort:981,snort:982,snort:983,snort:1945,et:2100981,et:2100982,et:2100983"},
	{1900603, 1, "iis-traversal.cmd-exe", "Request for the Windows shell (cmd.exe)",
	 "snort:1002,et:2009361"},
};

/* A superset of the tokens above and of cmd.exe, for the prefilter. */
static const char *const prefilter[] = {
	"cmd1?\\.exe", "\\.\\.(%25|%%|%35|%5c|%c0|%c1|%e0|%u|\\\\|\\xc0|\\xc1)", "\\.%252e/", NULL};

static bool has_token(struct ws_str path)
{
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (ws_str_ifind(path, tokens[i]))
			return true;
	return false;
}

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (r->form == WS_TARGET_FSPATH)
		return false;
	bool token = has_token(r->path);
	bool cmd = ws_str_iends(r->path, "/cmd.exe") || ws_str_iends(r->path, "/cmd1.exe");
	bool system = ws_str_ifind(r->path, "/winnt/") || ws_str_ifind(r->path, "/system32/");
	if (token && (cmd || system)) {
		ws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);
		return true;
	}
	if (token) {
		ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[1], NULL);
		return true;
	}
	/* cmd.exe alone is also a name a site might serve; ask for the Windows
	 * tree or a shell command before calling it a probe. */
	if (cmd && (system || ws_str_istarts(r->query, "/c+") || ws_str_istarts(r->query, "/c%20") ||
		    ws_str_istarts(r->query, "/c "))) {
		ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[2], NULL);
		return true;
	}
	return false;
}

const struct ws_worm ws_worm_iis_traversal = {
	.id = "iis-traversal",
	.name = "IIS traversal / cmd.exe probe",
	.aliases = "unicode traversal, double decode, sadmind/IIS, Nimda imitators",
	.first_seen = "2000-10-17",
	.what = "cmd.exe and encoded directory-traversal probes outside Nimda's set",
	.log_forms = "Apache: \"GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+dir\" (often "
		     "no protocol), \"get /msadc/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir\"",
	.sources = "Snort 981-983, 1002, 1945; ET 2009361; MS00-078 (CVE-2000-0884); MS01-026 "
		   "(CVE-2001-0333); [CRS] 930100 (see docs/sources.md)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.generic = true,
	.success_3xx = false,
	.match = match,
	.behaviour = NULL,
};
