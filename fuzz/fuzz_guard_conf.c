/* SPDX-License-Identifier: MIT */
/* Fuzzes the guard's config-file parser (ws_guard_conf_parse, and through
 * it the setter the command line shares) on an exact-size heap copy: it must
 * accept or give one path:line message, never crash, and what it accepts
 * must pass or fail ws_guard_conf_check cleanly. */
#include "fuzz.h"
#include "guard/guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	struct ws_guard_conf c;
	struct ws_err err;
	ws_guard_conf_init(&c);
	int rc = ws_guard_conf_parse(&c, "fuzz.conf", p, size, &err);
	if (rc != 0 && (rc != WS_EUSAGE || strncmp(err.msg, "fuzz.conf:", 10) != 0))
		abort();
	if (rc == 0) {
		rc = ws_guard_conf_check(&c, &err);
		if (rc != 0 && rc != WS_EUSAGE)
			abort();
		for (size_t i = 0; i < c.npairs; i++)
			fz_sink((unsigned)strlen(c.pairs[i].listen ? c.pairs[i].listen : "") +
				(unsigned)strlen(c.pairs[i].upstream ? c.pairs[i].upstream : ""));
	}
	ws_guard_conf_free(&c);
	free(p);
	return 0;
}
