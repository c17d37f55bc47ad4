/* SPDX-License-Identifier: MIT */
/* Fuzzes the request normaliser (http/normalize.h) and checks its promises
 * on every output: within WS_NORM_MAX, starting with '/', no '\', no upper
 * case, no empty, "." or ".." segment, no ';' or stream suffix left; and,
 * where nothing in the output can be decoded again, normalising the output
 * gives it back unchanged (the form the signatures see is a fixed point).
 * The first input byte picks the target form. A broken promise abort()s. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http/normalize.h"

static void check_segments(const char *p, size_t n)
{
	if (n == 0 || p[0] != '/')
		abort();
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' || (p[i] >= 'A' && p[i] <= 'Z') || p[i] == ';')
			abort();
		if (p[i] != '/')
			continue;
		size_t e = i + 1;
		while (e < n && p[e] != '/')
			e++;
		size_t len = e - i - 1;
		if (e < n && len == 0)
			abort(); /* an empty segment in the middle */
		if ((len == 1 && p[i + 1] == '.') || (len == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	enum ws_target_form form = data[0] % 2 ? WS_TARGET_DECODED : WS_TARGET_RAW;
	struct ws_str in = {(const char *)data + 1, size - 1};
	static char out[WS_NORM_MAX], again[WS_NORM_MAX];
	uint32_t flags, flags2;
	size_t n = ws_normalize_path(in, form, out, &flags);
	if (n > WS_NORM_MAX)
		abort();
	check_segments(out, n);
	char list[512];
	if (ws_evasion_list(flags, list, sizeof(list)) >= sizeof(list))
		abort();
	bool plain = !(flags & (WS_EV_LONG | WS_EV_NUL));
	for (size_t i = 0; i < n && plain; i++)
		plain = (unsigned char)out[i] < 0x80 && out[i] != '%' && out[i] != ':' &&
			out[i] != ' ' && out[i] != '.' && out[i] > 0x20;
	if (plain) {
		size_t m = ws_normalize_path((struct ws_str){out, n}, WS_TARGET_RAW, again, &flags2);
		if (m != n || memcmp(out, again, n) != 0)
			abort();
	}
	return 0;
}
