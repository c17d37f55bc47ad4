/* SPDX-License-Identifier: MIT */
/* scan's telescope options (issue 14): --telescope CIDR[,CIDR...]
 * (repeatable), --telescope-ports, --telescope-max-sources and, for the web
 * servers' view in the store, --monitored-addresses. */
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/scan_tele.h"

static int number(const char *opt, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;
	unsigned long long x = strtoull(arg, &end, 10);
	if (!*arg || *end || *arg == '-' || x < lo || x > hi) {
		ws_cli_err("scan", "--%s: a number from %llu to %llu, not '%s'", opt,
			   (unsigned long long)lo, (unsigned long long)hi, arg);
		return WS_EXIT_ERROR;
	}
	*v = x;
	return 0;
}

int ws_cli_tele_opt(const char *opt, const char *arg, struct ws_cli_tele *t)
{
	struct ws_err err;
	uint64_t v;
	if (strcmp(opt, "telescope") == 0) {
		char *copy = ws_xstrdup(arg), *save = NULL;
		int rc = 0, added = 0;
		for (char *p = strtok_r(copy, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save)) {
			rc = ws_tele_conf_add(&t->conf, p, &err);
			added++;
		}
		if (!rc && !added)
			rc = ws_err_set(&err, WS_EUSAGE, "--telescope '%s': not a CIDR prefix", arg);
		free(copy);
		if (rc) {
			ws_cli_err("scan", "%s", err.msg);
			return WS_EXIT_ERROR;
		}
		t->on = true;
		return 0;
	}
	if (strcmp(opt, "telescope-ports") == 0) {
		if (ws_tele_conf_ports(&t->conf, arg, &err) != 0) {
			ws_cli_err("scan", "%s", err.msg);
			return WS_EXIT_ERROR;
		}
		t->ports_given = true;
		return 0;
	}
	if (strcmp(opt, "telescope-max-sources") == 0) {
		if (number(opt, arg, 1024, WS_TELE_MAX_SOURCES, &v) != 0)
			return WS_EXIT_ERROR;
		t->conf.max_sources = (uint32_t)v;
		t->max_given = true;
		return 0;
	}
	/* monitored-addresses: at most the whole IPv4 space */
	if (number(opt, arg, 1, 1ull << 32, &t->monitored) != 0)
		return WS_EXIT_ERROR;
	return 0;
}

int ws_cli_tele_check(struct ws_cli_tele *t, bool db)
{
	if (!t->on && (t->ports_given || t->max_given)) {
		ws_cli_err("scan", "--telescope-ports and --telescope-max-sources go with --telescope");
		return WS_EXIT_ERROR;
	}
	if (t->monitored && !db) {
		ws_cli_err("scan", "--monitored-addresses is recorded in the store: it needs --db FILE");
		return WS_EXIT_ERROR;
	}
	if (t->on)
		ws_tele_conf_finish(&t->conf);
	return 0;
}
