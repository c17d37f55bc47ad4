/* SPDX-License-Identifier: MIT */
/* Probes for nsiislog.dll, the Windows Media Services logging ISAPI whose
 * overflows (MS03-019 and MS03-022, CVE-2003-0227 / CVE-2003-0349) were
 * scanned for from 2003. AWStats files them as "mpex" ("IIS Exploit worm"),
 * Snort as sid 2129. */
#include "worms/internal.h"

static const struct ws_signature sigs[] = {
	{1900801, 1, "nsiislog.scripts", "nsiislog.dll probe in /scripts (MS03-022)",
	 "snort:2129,cve:2003-0227,cve:2003-0349"},
	{1900802, 1, "nsiislog.other", "nsiislog.dll requested", "snort:2129,cve:2003-0349"},
	{1900803, 1, "nsiislog.errorlog", "nsiislog.dll in an error log",
	 "snort:2129,cve:2003-0349"},
};

static const char *const prefilter[] = {"nsiislog\\.dll", NULL};

static bool match(const struct ws_request *r, struct ws_verdict *v)
{
	if (!ws_str_iends(r->path, "/nsiislog.dll"))
		return false;
	if (r->form == WS_TARGET_FSPATH)
		ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[2], "error log: request not logged");
	else if (ws_str_ieq(r->path, "/scripts/nsiislog.dll"))
		ws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);
	else
		ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[1], NULL);
	return true;
}

const struct ws_worm ws_worm_nsiislog = {
	.id = "nsiislog",
	.name = "nsiislog.dll probe",
	.aliases = "mpex (AWStats), IIS Exploit worm, WEB-IIS nsiislog.dll access",
	.first_seen = "2003-06-25",
	.what = "Windows Media logging ISAPI overflow probe (MS03-019/MS03-022)",
	.log_forms = "Apache: \"GET /scripts/nsiislog.dll HTTP/1.1\" 404 (sometimes no protocol); "
		     "error log: File does not exist: .../scripts/nsiislog.dll",
	.sources = "[Snort] sid 2129; [AWStats] worms.pm (mpex); [MS03-022] (CVE-2003-0349)",
	.sigs = sigs,
	.nsigs = WS_NSIGS(sigs),
	.prefilter = prefilter,
	.success_3xx = false,
	.match = match,
	.behaviour = NULL,
};
