/* SPDX-License-Identifier: MIT */
/* The telescope sensor (issue 14): what a darknet, a block of unused IPv4
 * address space, sees in a capture. Every TCP SYN without ACK from outside
 * to a monitored address on one of the worm's ports is a probe (CAIDA's
 * method: no payload is needed, nobody answers); per source it keeps the
 * first and last probe time and the probe count, and per minute, hour and
 * day the probes, the distinct sources probing and the backscatter.
 * Backscatter (SYN-ACK, RST: answers to someone else's spoofed packets) and
 * SYNs to other ports are counted apart, never as probes.
 *
 * Fed from the pcap reader one TCP segment at a time (pcap/capture.h's
 * segment tap). Memory is bounded by the number of distinct sources, never
 * by packets: WS_TELE_SRC_BYTES per source slot, at most
 * 2 * max_sources slots (rounded up to a power of two), plus at most
 * WS_TELE_MAX_BUCKETS interval buckets. Sources beyond max_sources are
 * counted (probes "untracked"), not kept. Library code: never prints. */
#ifndef WS_TELESCOPE_H
#define WS_TELESCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/decode.h"
#include "util/mem.h"
#include "wormscope/err.h"

#define WS_TELE_MAX_PREFIXES 64
#define WS_TELE_MAX_PORTS 16
#define WS_TELE_DEFAULT_SOURCES (1u << 21) /* 2,097,152 sources: ~100 MiB of slots at most */
#define WS_TELE_MAX_SOURCES (1u << 26)
#define WS_TELE_MAX_BUCKETS (1u << 20)    /* (span, interval) buckets: ~2 years of minutes */
#define WS_TELE_NSPANS 3                  /* 60, 3600, 86400 s */

extern const int64_t ws_tele_spans[WS_TELE_NSPANS];

/* What is watched: IPv4 prefixes (overlaps merged) and ports. */
struct ws_tele_conf {
	uint32_t net[WS_TELE_MAX_PREFIXES];
	int bits[WS_TELE_MAX_PREFIXES];
	int n;
	uint16_t ports[WS_TELE_MAX_PORTS];
	int n_ports;                 /* 0 until set: ws_tele_conf_finish makes it {80} */
	uint64_t addresses;          /* distinct monitored addresses */
	uint32_t max_sources;        /* 0: WS_TELE_DEFAULT_SOURCES */
	char prefixes_text[WS_TELE_MAX_PREFIXES * 19]; /* "a.b.c.d/n,..." sorted */
	char ports_text[WS_TELE_MAX_PORTS * 6];
};

/* Adds one prefix ("198.51.100.0/24"; a bare address is a /32). Host bits
 * set, IPv6, more than WS_TELE_MAX_PREFIXES: WS_EUSAGE with a message. */
int ws_tele_conf_add(struct ws_tele_conf *c, const char *cidr, struct ws_err *err);
/* Sets the ports from a comma-separated list ("80" or "80,8080"). */
int ws_tele_conf_ports(struct ws_tele_conf *c, const char *list, struct ws_err *err);
/* Sorts and merges the prefixes, counts the addresses, writes the texts. */
void ws_tele_conf_finish(struct ws_tele_conf *c);
/* True when host-order IPv4 address a is monitored. */
bool ws_tele_conf_contains(const struct ws_tele_conf *c, uint32_t a);

/* Totals of a sensor (summed over inputs by ws_tele_merge). */
struct ws_tele_totals {
	uint64_t packets;      /* TCP segments to monitored addresses */
	uint64_t probes;       /* SYN (no ACK) from outside, to a watched port */
	uint64_t backscatter;  /* SYN-ACK or RST to a monitored address */
	uint64_t other_ports;  /* SYN (no ACK) from outside, to another port */
	uint64_t other;        /* anything else to a monitored address (ACK, FIN, data, from inside) */
	uint64_t untracked;    /* probes from sources beyond max_sources */
	uint64_t sources;      /* distinct sources kept */
	int64_t start, end;    /* first and last TCP segment of the captures (what was watched;
				  INT64_MAX / INT64_MIN: none) */
};

struct ws_tele;

/* One source as handed to the store. first/last: UTC seconds. pending:
 * probes since the last drain; p_first: the first probe of those; known:
 * the source was already handed over in an earlier drain of this sensor. */
struct ws_tele_src {
	uint32_t addr;   /* host order */
	uint32_t first, last, p_first, pending;
	uint32_t flags;
};
#define WS_TELE_SRC_BYTES ((int)sizeof(struct ws_tele_src))
#define WS_TELE_SRC_USED 1u
#define WS_TELE_SRC_DIRTY 2u
#define WS_TELE_SRC_KNOWN 4u

struct ws_tele_bucket {
	int64_t t;        /* interval start, UTC s */
	int span;         /* index into ws_tele_spans */
	uint64_t probes, active, backscatter;
};

/* conf must outlive the sensor. */
struct ws_tele *ws_tele_new(const struct ws_tele_conf *conf);
void ws_tele_free(struct ws_tele *t);
const struct ws_tele_conf *ws_tele_conf_of(const struct ws_tele *t);

/* One TCP segment seen at ts (UTC s). Returns true when its destination is
 * monitored (the segment is the telescope's; nobody else need track it). */
bool ws_tele_segment(struct ws_tele *t, const struct ws_seg *s, int64_t ts);

/* Totals so far (sources: distinct sources kept). */
void ws_tele_totals(const struct ws_tele *t, struct ws_tele_totals *out);

/* Hands what changed since the last drain to fn_bucket (each bucket with new
 * counts), then to fn_src (each source with new probes), then forgets those
 * deltas; sources stay known, so the counts of distinct sources per
 * interval stay right across drains. A non-zero return stops and is
 * returned (the deltas are then kept). */
int ws_tele_drain(struct ws_tele *t, int (*fn_src)(void *ctx, const struct ws_tele_src *s),
		  int (*fn_bucket)(void *ctx, const struct ws_tele_bucket *b), void *ctx);
/* Totals of the last drain's interval: packets etc. since then (sources:
 * distinct sources with probes since then). Reset by ws_tele_drain. */
void ws_tele_delta(const struct ws_tele *t, struct ws_tele_totals *out);

/* Adds src's totals and sources into dst (same conf): the summary of a run
 * over several inputs. Sources beyond dst's bound count as untracked. */
void ws_tele_merge(struct ws_tele *dst, const struct ws_tele *src);

/* The summary of what the sensor saw: one text paragraph ("Telescope
 * 198.51.100.0/24 (256 addresses, port 80): ..."), or one JSON object line
 * with "type":"telescope" (prefixes, addresses, ports, sources, probes,
 * backscatter, other_ports, other, untracked, start, end, simulated). */
void ws_tele_summary_text(struct ws_buf *b, const struct ws_tele *t, bool simulated);
void ws_tele_summary_json(struct ws_buf *b, const struct ws_tele *t, bool simulated);

#endif
