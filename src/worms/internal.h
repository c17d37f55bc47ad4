/* SPDX-License-Identifier: MIT */
/* Helpers shared by the worm files. Private to src/worms/ and src/classify/. */
#ifndef WS_WORMS_INTERNAL_H
#define WS_WORMS_INTERNAL_H

#include <stdbool.h>

#include "util/str.h"
#include "wormscope/worm.h"

/* Code Red's 138-byte tail after the filler, identical in I and II
 * ([CERT-IN-2001-08], [eEye-AL20010717]; see docs/sources.md). */
extern const char ws_cr_tail[];
#define WS_CR_TAIL_TEXT                                                                   \
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"        \
	"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a"
/* 224 copies of a filler letter, for the request lines the simulator logs. */
#define WS_FILL8(c) c c c c c c c c
#define WS_FILL224(c)                                                                     \
	WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c)   \
	WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c)   \
	WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c)   \
	WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c) WS_FILL8(c)
/* The first 24 bytes of it, enough to tell Code Red from other .ida exploits. */
#define WS_CR_TAIL_CORE "%u9090%u6858%ucbd3%u7801"

/* What an .ida/.idq request looks like, measured once for every .ida matcher. */
struct ws_ida_shape {
	bool ida_path;      /* stem ends in .ida or .idq (any case) */
	bool default_ida;   /* stem is exactly /default.ida */
	char filler;        /* byte of the run that opens the query, or 0 */
	size_t run;         /* its length */
	bool tail_exact;    /* the rest is exactly the 138-byte tail */
	bool tail_core;     /* the rest starts with the tail's first 24 bytes */
	bool tail_cut;      /* the rest is a proper prefix of the tail (line cut) */
	char loose_filler;  /* N or X run of >= 13 anywhere in the query (Bro's rule) */
};
void ws_ida_shape(const struct ws_request *r, struct ws_ida_shape *s);
/* Shared matcher for Code Red I (filler 'N') and II (filler 'X'). */
bool ws_code_red_match(const struct ws_request *r, struct ws_verdict *v, char filler,
		       const struct ws_signature *sigs);

/* Method is exactly GET, protocol HTTP/1.0 (or not recorded by the format). */
bool ws_req_is_get10(const struct ws_request *r);
/* Fills v. */
void ws_verdict_set(struct ws_verdict *v, enum ws_confidence conf, const struct ws_signature *sig,
		    const char *variant);

#define WS_NSIGS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
