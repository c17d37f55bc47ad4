/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_parse_ncsa (NCSA common / combined / vhost_combined lines): the
 * input is split into lines and each line is parsed from its own heap copy. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		struct ws_request req;
		int rc = ws_parse_ncsa(line, n, &req);
		fz_check_rc(rc);
		if (rc == WS_PARSE_OK)
			fz_check_request(&req, line, n, NULL, 0);
		free(line);
	}
	return 0;
}
