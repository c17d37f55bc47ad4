#include "util/lines.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

uint64_t ws_count_newlines(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n');
	for (; i + 64 <= n; i += 64) {
		__m128i a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl);
		__m128i b = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i + 16)), nl);
		__m128i d = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i + 32)), nl);
		__m128i e = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i + 48)), nl);
		uint64_t m = (uint64_t)(uint16_t)_mm_movemask_epi8(a) |
			     (uint64_t)(uint16_t)_mm_movemask_epi8(b) << 16 |
			     (uint64_t)(uint16_t)_mm_movemask_epi8(d) << 32 |
			     (uint64_t)(uint16_t)_mm_movemask_epi8(e) << 48;
		c += (uint64_t)__builtin_popcountll(m);
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}
