/* SPDX-License-Identifier: MIT */
/* Fuzzes the frame decoder (pcap/decode.h). The first byte picks the link
 * type, the second how much of the frame counts as captured (the rest is
 * "cut by the snap length"); the frame is an exact-size heap copy, so a read
 * past it is reported. Frames are decoded in sequence by one decoder, so
 * fragment reassembly across frames is exercised too; a decoded segment's
 * payload must lie inside the frame or the fragment buffer. */
#include "fuzz.h"
#include "pcap/decode.h"

static const int dlts[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct ws_decoder *d = ws_decoder_new();
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	uint8_t cutsel = data[1];
	data += 2;
	size -= 2;
	/* Frames are separated by the 4-byte marker "\xffWS\xff". */
	uint64_t drops = 0;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		bool end = i == size || (i + 4 <= size && memcmp(data + i, "\xffWS\xff", 4) == 0);
		if (!end)
			continue;
		size_t n = i - start;
		uint8_t *f = (uint8_t *)fz_copy(data + start, n);
		uint32_t wire = (uint32_t)n + (cutsel & 0x80 ? cutsel & 0x7f : 0);
		struct ws_seg s;
		enum ws_undec why;
		enum ws_dec_rc rc = ws_decode(d, dlt, f, (uint32_t)n, wire, (int64_t)(i / 64), &s,
					      &why, &drops);
		if (rc == WS_DEC_TCP && s.len) {
			volatile uint8_t sum = 0;
			for (uint32_t k = 0; k < s.len; k++)
				sum ^= s.data[k]; /* ASan checks every byte is readable */
			(void)sum;
		}
		if (rc == WS_DEC_BAD && why >= WS_UNDEC_N)
			abort();
		free(f);
		start = i + 4;
		i += 3;
	}
	ws_decoder_free(d);
	return 0;
}
