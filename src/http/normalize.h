/* SPDX-License-Identifier: MIT */
/* A request target as IIS sees it before it dispatches.
 *
 * A worm's request names the file IIS will run, and IIS decodes and
 * canonicalises the path before it looks the file up: /default%2eida and
 * /DEFAULT.IDA run the same handler as /default.ida. Matching only the bytes
 * on the wire misses every such variant; matching only the decoded form
 * would blur what the worm itself sent. So classification looks at both
 * (classify/classify.c): the raw target first, then the path this module
 * makes, and a match found only here carries the evasion flags that say
 * which encodings it took to get there.
 *
 * Every rule, with its source, is in docs/evasion.md. The query string is
 * left as it was sent: IIS hands it to the ISAPI extension undecoded, which
 * is where Code Red's %u shellcode does its work.
 *
 * No allocation: the caller owns the output buffer. */
#ifndef WS_HTTP_NORMALIZE_H
#define WS_HTTP_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"

/* Longest normalised path kept; the rest is cut (WS_EV_LONG). IIS 5 itself
 * refuses URLs over 16 KiB; 4 KiB holds every worm path in the table many
 * times over, and a longer one sets the flag so that the guard refuses it. */
#define WS_NORM_MAX 4096

/* What normalising changed: each bit names one encoding or oddity. */
enum ws_evasion {
	WS_EV_PERCENT = 1u << 0,    /* %xx of a character that needs no escaping */
	WS_EV_UNICODE = 1u << 1,    /* IIS %uXXXX, or a full-width form folded to ASCII */
	WS_EV_DOUBLE = 1u << 2,     /* %25xx: decoded a second time */
	WS_EV_OVERLONG = 1u << 3,   /* overlong or malformed UTF-8 folded to ASCII */
	WS_EV_BACKSLASH = 1u << 4,  /* \ read as / */
	WS_EV_CASE = 1u << 5,       /* upper-case letters (IIS paths ignore case) */
	WS_EV_PARAM = 1u << 6,      /* ;parameter dropped from a segment */
	WS_EV_TRAILING = 1u << 7,   /* trailing dots or spaces dropped from a name */
	WS_EV_SLASHES = 1u << 8,    /* empty segments (//) collapsed */
	WS_EV_DOTSEG = 1u << 9,     /* /./ or /../ resolved */
	WS_EV_ABOVE_ROOT = 1u << 10, /* /../ climbed past the root */
	WS_EV_NUL = 1u << 11,       /* %00: the path ends there */
	WS_EV_STREAM = 1u << 12,    /* NTFS stream suffix (::$DATA) dropped */
	WS_EV_ABSOLUTE = 1u << 13,  /* absolute-form target (http://host/...) */
	WS_EV_LONG = 1u << 14,      /* longer than WS_NORM_MAX: cut */
};
#define WS_EV_COUNT 15

/* Flags an IPS refuses outright, as URLScan does (VerifyNormalization,
 * AllowHighBitCharacters=0, AllowDotInPath): no client that means well
 * sends them. The rest (case, //, a trailing dot) also come from sloppy
 * links and only matter when they change what is matched. */
#define WS_EV_HOSTILE                                                                     \
	(WS_EV_UNICODE | WS_EV_DOUBLE | WS_EV_OVERLONG | WS_EV_ABOVE_ROOT | WS_EV_NUL |    \
	 WS_EV_STREAM | WS_EV_LONG)

/* Normalises the path of req (as its form says it was logged: raw from the
 * wire, once decoded by IIS, or a file-system path, which is left alone)
 * into out[0..WS_NORM_MAX) and returns its length; *flags gets the enum
 * ws_evasion bits. The result is lower-case and starts with '/'. */
size_t ws_normalize_path(struct ws_str path, enum ws_target_form form, char *out,
			 uint32_t *flags);

/* The name of flag bit i ("percent", "unicode", ...), or NULL past the end. */
const char *ws_evasion_name(int i);
/* Writes the names of the set flags, comma-separated, into buf (always
 * terminated); returns the length it needed, as snprintf does. */
size_t ws_evasion_list(uint32_t flags, char *buf, size_t cap);

#endif
