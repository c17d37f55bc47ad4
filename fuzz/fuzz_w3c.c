/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_parse_w3c (W3C extended / IIS logs): the input is fed line by line
 * through one struct ws_logfmt, so #Fields: directives change the layout that
 * later lines are parsed with, as they do in a real file. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_logfmt f;
	struct ws_err err;
	if (ws_logfmt_init(&f, "w3c", NULL, &err) != 0)
		abort();
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		struct ws_request req;
		int rc = ws_parse_w3c(&f.w3c, line, n, &req);
		fz_check_rc(rc);
		if (f.w3c.nfields < 0 || (size_t)f.w3c.nfields > sizeof(f.w3c.field))
			abort();
		if (rc == WS_PARSE_OK)
			fz_check_request(&req, line, n, NULL, 0);
		free(line);
	}
	ws_logfmt_free(&f);
	return 0;
}
