/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_parse_iis (IIS native comma-separated logs), each line parsed
 * from its own heap copy, once in UTC and once in a fixed +05:30 zone (the
 * format's times are local, so the zone arithmetic runs on fuzzed dates). */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ws_tz zones[] = {{0, 0}, {0, 5 * 3600 + 30 * 60}};
	struct fz_lines it = {data, size, 0};
	const uint8_t *l;
	size_t n;
	while (fz_next_line(&it, &l, &n)) {
		char *line = fz_copy(l, n);
		for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
			struct ws_request req;
			int rc = ws_parse_iis(&zones[z], line, n, &req);
			fz_check_rc(rc);
			if (rc == WS_PARSE_OK)
				fz_check_request(&req, line, n, NULL, 0);
		}
		free(line);
	}
	return 0;
}
