/* SPDX-License-Identifier: MIT */
/* Sighting output formats: JSON Lines, CSV, Suricata EVE alerts. Every string
 * that came from a log is escaped for its format. Writers append to a ws_buf;
 * callers decide where the bytes go. */
#ifndef WS_OUTPUT_H
#define WS_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/mem.h"
#include "wormscope/request.h"
#include "wormscope/worm.h"

/* First line of every log `wormscope simulate --emit-log` writes; scan marks
 * the sightings of a file that starts with it as simulated. */
#define WS_SIMULATED_MARK "#wormscope-simulated"

enum ws_out_format { WS_OUT_NONE = 0, WS_OUT_JSONL, WS_OUT_CSV, WS_OUT_EVE };

struct ws_sighting {
	const struct ws_request *req;
	const struct ws_verdict *v;
	const char *file;
	uint64_t line;
	bool compromised; /* a success answer to a worm request */
	bool inside;      /* the source is inside --home-net */
	int nimda_probe;  /* 1..16 when it is one of Nimda's probes, else 0 */
	bool simulated;   /* read from a log `wormscope simulate` wrote */
};

/* Appends one sighting in format f (one line, '\n'-terminated). */
void ws_out_sighting(enum ws_out_format f, struct ws_buf *b, const struct ws_sighting *s);
/* The CSV header line ('\n'-terminated); empty for other formats. */
void ws_out_header(enum ws_out_format f, struct ws_buf *b);
/* "exact", "partial", "heuristic". Static. */
const char *ws_conf_name(enum ws_confidence c);
/* Parses a confidence name; -1 when unknown. */
int ws_conf_parse(const char *s);
/* The request target as logged: path, and "?query" when it had one. */
void ws_out_target(struct ws_buf *b, const struct ws_request *r);

#endif
