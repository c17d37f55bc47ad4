/* SPDX-License-Identifier: MIT */
/* Is an input a log at all? The scan parses only the lines its prefilter
 * picks, so a file with no worm line and a file that is no log both give no
 * sighting; this judges an input's head (the first WS_LOOK_HEAD bytes,
 * decompressed) so that the second is never reported clean. Pure: reads
 * only the buffer it is given. */
#ifndef WS_SCAN_LOOK_H
#define WS_SCAN_LOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/scan.h"

#define WS_LOOK_HEAD 65536

enum ws_look {
	WS_LOOK_LOG = 0, /* a capture, a simulated mark, or a line of the input's log format */
	WS_LOOK_EMPTY,   /* nothing but white space */
	WS_LOOK_BINARY,  /* a NUL, or more than one byte in ten a control byte or bad UTF-8 */
	WS_LOOK_TEXT,    /* text, but no line in a known log format */
};

/* Judges head[0..n) with cfg's log format (auto: detected from the head).
 * eof: the head is the whole input (its last line is then judged too). */
enum ws_look ws_scan_look(const struct ws_scan_config *cfg, const char *head, size_t n, bool eof);

#endif
