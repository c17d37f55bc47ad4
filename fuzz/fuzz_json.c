/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_parse_json (one JSON object per line: nginx escape=json, Caddy,
 * Traefik, ECS), including its second pass over nginx's \xHH and raw high
 * bytes. One scratch buffer is reused across the lines, as the scanner does;
 * views must point into the line or the scratch. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_buf scratch = {0};
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		struct ws_request req;
		int rc = ws_parse_json(line, n, &req, &scratch);
		fz_check_rc(rc);
		if (rc == WS_PARSE_OK)
			fz_check_request(&req, line, n, scratch.p, scratch.n);
		free(line);
	}
	ws_buf_free(&scratch);
	return 0;
}
