/* SPDX-License-Identifier: MIT */
/* Fuzzes a whole capture file through the path `wormscope scan` takes:
 * the input reader (so gzip/zstd too), content detection, libpcap over
 * fopencookie, the decoder, reassembly and HTTP, with a 16-flow table. The
 * bytes are written to a memfd and opened by its /proc path, as a file. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "pcap/capture.h"

static void emit(void *ctx, const struct ws_request *r, const struct ws_verdict *v,
		 uint64_t frame)
{
	(void)ctx;
	(void)v;
	(void)frame;
	volatile size_t sum = 0;
	for (size_t i = 0; i < r->path.n; i++)
		sum += (unsigned char)r->path.p[i];
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("capture", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct ws_input *in;
	struct ws_err err;
	if (ws_input_open(path, &in, &err) == 0) {
		char head[4096];
		size_t got = 0;
		ws_input_read(in, head, sizeof(head), &got, &err);
		if (ws_pcap_is_capture(head, got)) {
			struct ws_capture_stats st = {0};
			uint64_t bytes = got;
			struct ws_pcap_opts o = {.max_flows = 16, .emit = emit};
			ws_pcap_read(in, head, got, "fuzz", &o, &st, &bytes, &err);
		}
		ws_input_close(in);
	}
	close(fd);
	return 0;
}
