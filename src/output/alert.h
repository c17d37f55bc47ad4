/* SPDX-License-Identifier: MIT */
/* Behavioural alerts (src/behav) in the sighting formats: a JSON Lines
 * record with "worm":"scanner" / "new-worm" / "unknown-outbreak", a CSV row
 * in the sightings' columns, a Suricata EVE alert with its own signature
 * ids (WS_BEHAV_SID_*), and, for a new worm, the draft rules an analyst can
 * take from it: a Suricata rule and a wormscope worm table entry. */
#ifndef WS_OUTPUT_ALERT_H
#define WS_OUTPUT_ALERT_H

#include <stdbool.h>

#include "behav/behav.h"
#include "output/output.h"
#include "util/mem.h"

/* Appends one alert in format f (one line, '\n'-terminated); file names the
 * input it came from; simulated marks an input simulate wrote. */
void ws_out_alert(enum ws_out_format f, struct ws_buf *b, const struct ws_alert *a,
		  const char *file, bool simulated);
/* A draft Suricata rule for a new worm's content (one line, no newline),
 * with sid 1902000 + n. */
void ws_out_alert_rule(struct ws_buf *b, const struct ws_alert *a, unsigned n);
/* A draft src/worms/<id>.c entry (C source) matching the content's part in
 * the request target, id "new-worm-<n>". */
void ws_out_alert_entry(struct ws_buf *b, const struct ws_alert *a, unsigned n);
/* The EVE signature id of an alert's kind (WS_BEHAV_SID_*). */
uint32_t ws_out_alert_sid(const struct ws_alert *a);
/* One line for people (the summary), no newline; hostile bytes escaped. */
void ws_out_alert_text(struct ws_buf *b, const struct ws_alert *a);

#endif
