/* SPDX-License-Identifier: MIT */
#include "util/lines.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

uint64_t ws_count_newlines(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;
#if defined(__SSE2__)
	/* Each compare gives 0xff (-1) per newline byte; subtracting it adds 1
	 * to a per-byte counter, which is summed with SAD before it can wrap. */
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		size_t stop = i + 16 * 255 < n ? i + 16 * 255 : n;
		for (; i + 16 <= stop; i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
		__m128i s = _mm_sad_epu8(acc, zero);
		c += (uint64_t)_mm_cvtsi128_si64(s) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s));
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}
