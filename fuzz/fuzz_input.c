/* SPDX-License-Identifier: MIT */
/* Fuzzes the input layer (ws_input_open / ws_input_read / ws_input_close):
 * magic-number sniffing and gzip (multi-member) and zstd (multi-frame)
 * decoding of damaged streams. ws_input_open takes a path, so the input is
 * written to a temporary file under /tmp first and removed afterwards. The
 * read loop checks the contract: got <= cap, and after an error nothing more. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "input/input.h"

enum { CAP = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/wsfuzz-input-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	close(fd);

	struct ws_input *in = NULL;
	struct ws_err err;
	if (ws_input_open(path, &in, &err) == 0) {
		char *buf = malloc(CAP);
		if (!buf)
			abort();
		uint64_t total = 0;
		for (;;) {
			size_t got = (size_t)-1;
			int rc = ws_input_read(in, buf, CAP, &got, &err);
			if (got > CAP)
				abort();
			fz_sink(got ? (unsigned char)buf[got - 1] : 0);
			total += got;
			if (rc != 0) {
				if (rc != WS_EIO && rc != WS_ETRUNC && rc != WS_EFORMAT)
					abort();
				/* After damage, reads yield nothing more. */
				size_t again = (size_t)-1;
				ws_input_read(in, buf, CAP, &again, &err);
				if (again != 0)
					abort();
				break;
			}
			if (got == 0)
				break;
			if (total > 64u * 1024 * 1024)
				break; /* a decompression bomb: enough */
		}
		/* Plain input is passed through byte for byte. */
		enum ws_compression c = ws_input_compression(in);
		if (c == WS_COMP_NONE && total != size)
			abort();
		if (ws_input_raw_bytes(in) > size)
			abort();
		free(buf);
		ws_input_close(in);
	}
	unlink(path);
	return 0;
}
