/* SPDX-License-Identifier: MIT */
/* Opens a log file or stdin and yields its bytes, decompressing gzip (any
 * number of members) and zstd (any number of frames) when the content starts
 * with their magic numbers - never by file name. */
#ifndef WS_INPUT_H
#define WS_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "wormscope/err.h"

struct ws_input;

enum ws_compression { WS_COMP_NONE, WS_COMP_GZIP, WS_COMP_ZSTD };

/* Opens path ("-" = stdin). Caller frees with ws_input_close. */
int ws_input_open(const char *path, struct ws_input **out, struct ws_err *err);
/* The newlines in bytes [off, off+len) of a plain file (the first line
 * number of the part after it). */
int ws_input_count_newlines(const char *path, uint64_t off, uint64_t len, uint64_t *out,
			    struct ws_err *err);
/* Opens bytes [off, off+len) of a plain (uncompressed) file, for scanning one
 * file in parallel parts. No decompression: the caller checked the magic. */
int ws_input_open_range(const char *path, uint64_t off, uint64_t len, struct ws_input **out,
			struct ws_err *err);
/* Reads up to cap decompressed bytes into buf; *got = 0 at the end. Returns 0,
 * WS_EIO, or WS_ETRUNC/WS_EFORMAT when the compressed stream is cut short or
 * corrupt: then *got still holds what was decoded before the damage, err says
 * where (compressed offset), and later calls return *got = 0. */
int ws_input_read(struct ws_input *in, char *buf, size_t cap, size_t *got, struct ws_err *err);
enum ws_compression ws_input_compression(const struct ws_input *in);
/* Compressed bytes consumed so far (file bytes read). */
uint64_t ws_input_raw_bytes(const struct ws_input *in);
void ws_input_close(struct ws_input *in);

#endif
