/* SPDX-License-Identifier: MIT */
/* Behavioural detection: worms and scanners that are not in the worm table.
 *
 *  - scanners, by Threshold Random Walk (Jung, Paxson, Berger, Balakrishnan,
 *    "Fast Portscan Detection Using Sequential Hypothesis Testing", IEEE S&P
 *    2004) over each source's first contacts to new destinations (trw.c);
 *  - a new worm, by content prevalence and address dispersion (Singh, Estan,
 *    Varghese, Savage, "Automated Worm Fingerprinting", OSDI 2004) over the
 *    request heads of captures (content.c);
 *  - an unknown outbreak in logs: a request shape whose distinct sources grow
 *    exponentially, the trend Zou, Gong, Towsley and Gao's Kalman filter
 *    estimates ("The Monitoring and Early Detection of Internet Worms",
 *    IEEE/ACM ToN 2005) (shape.c).
 *
 * Every table is allocated once at ws_behav_new and never grows (bounds in
 * docs/behaviour.md and ws_behav_memory); alerts go to the caller's
 * callback as they are raised. Library code: nothing printed. */
#ifndef WS_BEHAV_H
#define WS_BEHAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"

struct ws_seg; /* pcap/decode.h: a decoded TCP segment */

enum ws_alert_kind {
	WS_ALERT_SCANNER = 0,  /* "scanner": TRW crossed its upper bound */
	WS_ALERT_NEW_WORM,     /* "new-worm": prevalent, dispersed content */
	WS_ALERT_OUTBREAK,     /* "unknown-outbreak": a request shape growing exponentially */
};

/* EVE signature ids of behavioural alerts: their own range, beside the worm
 * table's 1900000+ (one per kind). */
#define WS_BEHAV_SID_SCANNER 1901001
#define WS_BEHAV_SID_NEW_WORM 1901002
#define WS_BEHAV_SID_OUTBREAK 1901003

/* Longest invariant content an alert carries, and longest shape text. */
#define WS_ALERT_CONTENT_MAX 1024
#define WS_SHAPE_MAX 256

struct ws_alert {
	enum ws_alert_kind kind;
	int64_t ts;              /* capture or log time it was raised (UTC s) */
	int64_t ts_us;           /* the same in microseconds where the caller knows it, else 0 */
	/* scanner */
	struct ws_addr src;      /* the scanner; new-worm and outbreak: the source that tipped it */
	uint32_t first_contacts; /* scanner: first contacts judged (answered or failed) when
				    flagged: the paper's detection delay */
	uint32_t attempts;       /* scanner: first contacts sent by then (some still unanswered) */
	uint32_t failures, successes; /* scanner: their outcomes */
	/* new worm */
	uint8_t content[WS_ALERT_CONTENT_MAX];
	size_t content_len;
	uint64_t occurrences;    /* new worm: flows that carried it; outbreak: requests */
	uint64_t sources, destinations; /* distinct, as counted when raised */
	uint32_t dport;          /* new worm: destination port it went to */
	const char *known;       /* new worm: a worm table id when the table also knows the
				    request, else NULL (static) */
	/* outbreak */
	char shape[WS_SHAPE_MAX];
	double growth_per_hour;  /* outbreak: Kalman estimate of ln growth per hour */
	double alpha;            /* outbreak: growth factor per interval - 1 */
	uint32_t interval_s;     /* outbreak: the interval alpha is per */
};

/* Thresholds and bounds; ws_behav_defaults fills the documented defaults. */
struct ws_behav_cfg {
	/* TRW */
	double theta0, theta1;   /* P(success | benign), P(success | scanner): 0.8, 0.2 */
	double pd, pf;           /* target detection and false-positive probabilities: 0.99, 0.01 */
	uint32_t timeout_s;      /* a SYN unanswered this long failed: 3 */
	uint32_t max_sources;    /* sources tracked (rounded to the table's shape): 131072 */
	uint32_t max_pending;    /* attempts awaiting an answer: 65536 */
	/* content prevalence / address dispersion */
	uint32_t prevalence;     /* occurrences in one interval before dispersion counts: 3 */
	/* dispersion rule: sources, destinations, and sources that are scanners
	   or were a destination of the content first: 2, 3, 2 */
	uint32_t min_sources, min_destinations, min_evidence;
	/* scanner-delivery rule: destinations the content reached when every
	   source is a suspect and one is a TRW scanner (0: off): 5 */
	uint32_t scanner_destinations;
	uint32_t sample_bits;    /* value sampling keeps fingerprints with this many low zero bits: 3 (1/8) */
	uint32_t interval_s;     /* multistage filter reset: 60 */
	/* log request shapes */
	uint32_t shape_interval_s; /* 300 */
	uint32_t shape_min_sources; /* 10 (the alarm itself: estimate/kalman.h's rule) */
};

void ws_behav_defaults(struct ws_behav_cfg *c);

typedef void (*ws_behav_alert_fn)(void *ctx, const struct ws_alert *a);

struct ws_behav;

/* Caller frees with ws_behav_free. */
struct ws_behav *ws_behav_new(const struct ws_behav_cfg *c, ws_behav_alert_fn fn, void *ctx);
void ws_behav_free(struct ws_behav *b);

/* Capture events (the struct ws_pcap_tap members call these). */
/* dark: the destination is a telescope's unused address (pcap/events.h). */
void ws_behav_segment(struct ws_behav *b, const struct ws_seg *s, int64_t ts, bool dark);
void ws_behav_unreach(struct ws_behav *b, const struct ws_seg *quoted, int64_t ts);
void ws_behav_head(struct ws_behav *b, const struct ws_seg *conn, const char *head, size_t n,
		   int64_t ts);
/* A request from a log (every parsed line). */
void ws_behav_log_request(struct ws_behav *b, const struct ws_request *r);
/* End of input: attempts still waiting count as timed out at `ts`. */
void ws_behav_finish(struct ws_behav *b, int64_t ts);

/* Bytes allocated (fixed from ws_behav_new on). */
size_t ws_behav_memory(const struct ws_behav *b);

struct ws_behav_stats {
	uint64_t first_contacts, successes, failures, timeouts;
	uint64_t unjudged;       /* timeouts not judged: no answer seen in the capture yet */
	uint64_t sources_evicted, pending_dropped;
	uint64_t windows, sampled, hot_evicted;
	uint64_t shapes, shapes_evicted;
};
void ws_behav_stats(const struct ws_behav *b, struct ws_behav_stats *st);

/* True when TRW has flagged src as a scanner (and still tracks it). */
bool ws_behav_is_scanner(const struct ws_behav *b, const struct ws_addr *src);

/* "scanner", "new-worm", "unknown-outbreak". Static. */
const char *ws_alert_kind_name(enum ws_alert_kind k);

#endif
