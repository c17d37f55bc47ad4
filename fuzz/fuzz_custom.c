/* SPDX-License-Identifier: MIT */
/* Fuzzes the custom-format path: ws_custom_compile on the input's first line
 * (an Apache LogFormat or nginx log_format string), then ws_parse_custom on
 * every later line with the compiled format. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	if (!fz_next_line(&it, &l, &n))
		return 0;
	char *spec = fz_strdup(l, n);
	struct ws_err err;
	err.msg[0] = '\0';
	struct ws_custom *c = ws_custom_compile(spec, &err);
	free(spec);
	if (!c) {
		if (!memchr(err.msg, '\0', sizeof(err.msg)))
			abort(); /* the message must be a terminated string */
		return 0;
	}
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		struct ws_request req;
		int rc = ws_parse_custom(c, line, n, &req);
		fz_check_rc(rc);
		if (rc == WS_PARSE_OK)
			fz_check_request(&req, line, n, NULL, 0);
		free(line);
	}
	ws_custom_free(c);
	return 0;
}
