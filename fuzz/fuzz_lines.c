/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_count_newlines (the SSE2 64-byte-block newline counter) against a
 * naive byte loop, at every start alignment of the first 16 bytes, on an
 * exact-size heap copy; a mismatch abort()s. */
#include "fuzz.h"
#include "util/lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fz_copy(data, size);
	for (size_t start = 0; start <= size && start < 16; start++) {
		uint64_t naive = 0;
		for (size_t i = start; i < size; i++)
			naive += p[i] == '\n';
		if (ws_count_newlines(p + start, size - start) != naive)
			abort();
	}
	free(p);
	return 0;
}
