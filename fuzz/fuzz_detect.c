/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_logfmt_detect, the format guess made from a file's first bytes
 * (several lines, cut anywhere), on an exact-size heap copy. */
#include "fuzz.h"
#include "logfmt/logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	enum ws_fmt_kind k = ws_logfmt_detect(p, size);
	if (k < WS_FMT_NCSA || k > WS_FMT_CUSTOM)
		abort(); /* a guess is a concrete format, never AUTO */
	const char *name = ws_logfmt_name(k);
	if (!name || !*name)
		abort();
	free(p);
	return 0;
}
