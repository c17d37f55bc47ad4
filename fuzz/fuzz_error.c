/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_parse_error (Apache 1.3 / 2.x error logs), each line parsed from
 * its own heap copy, once in UTC and once in a fixed -04:00 zone. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ws_tz zones[] = {{0, 0}, {0, -4 * 3600}};
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
			struct ws_request req;
			int rc = ws_parse_error(&zones[z], line, n, &req);
			fz_check_rc(rc);
			if (rc == WS_PARSE_OK)
				fz_check_request(&req, line, n, NULL, 0);
		}
		free(line);
	}
	return 0;
}
