/* SPDX-License-Identifier: MIT */
/* What a capture yields, whichever part of src/pcap/ finds it: each worm
 * request with its verdict (emit), the observers below HTTP, and the health
 * counters. The flow table (flow.h) and the capture reader (capture.h) both
 * speak these, so the flow table needs nothing of the reader above it. */
#ifndef WS_PCAP_EVENTS_H
#define WS_PCAP_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "pcap/decode.h"
#include "wormscope/request.h"
#include "wormscope/worm.h"

/* Connections tracked at once when the caller does not say. */
#define WS_PCAP_MAX_FLOWS 65536

/* Capture health, for the summary. Summed over inputs. */
struct ws_capture_stats {
	uint64_t captures;        /* inputs that were captures */
	uint64_t packets, bytes;  /* frames read, and their bytes on the wire */
	uint64_t other;           /* frames that are not TCP over IP (ARP, UDP ...) */
	uint64_t snapped;         /* frames cut by the snap length */
	uint64_t kernel_drops, if_drops; /* live capture: lost before we saw them */
	uint64_t undecodable[WS_UNDEC_N];
	uint64_t frags_reassembled;
	uint64_t flows, flows_evicted, flows_expired;
	uint64_t gaps, gap_bytes; /* stream bytes never seen (lost, cut, given up on) */
	uint64_t http_requests, http_responses;
};

/* Called for each HTTP request the worm table names, with its verdict (the
 * capture is classified here, once: the caller does not classify again) and
 * its answer's status when the capture held one; frame is the number (from
 * 1) of the frame that completed the request head. req and its views are
 * valid during the call only. */
typedef void (*ws_pcap_emit_fn)(void *ctx, const struct ws_request *req,
				const struct ws_verdict *v, uint64_t frame);

/* Optional observers below the HTTP layer, for behavioural detection
 * (src/behav): every TCP segment as decoded (before reassembly), every ICMP
 * unreachable that quotes a TCP segment (quoted->src sent it), both with
 * the capture time in microseconds, and every request head a connection
 * carried (conn: the client is src, no data; ts in seconds, during the
 * segment call's packet). A segment is `dark` when the capture's tap (the
 * telescope) claimed it: its destination is unused address space. NULL
 * members are skipped; pointers are valid during the call only. */
struct ws_pcap_observer {
	void (*segment)(void *ctx, const struct ws_seg *s, int64_t ts_us, bool dark);
	void (*unreach)(void *ctx, const struct ws_seg *quoted, int64_t ts_us);
	void (*head)(void *ctx, const struct ws_seg *conn, const char *head, size_t n, int64_t ts);
	void *ctx;
};

#endif
