/* SPDX-License-Identifier: MIT */
/* The flow table and two-way TCP reassembly.
 *
 * At most max_flows connections are tracked. When the table is full the
 * connection idle the longest goes first (least recently used), and
 * connections idle for WS_FLOW_IDLE capture seconds are closed as time
 * passes; both are counted. A connection that is closed, evicted or expired
 * hands its remaining data and pending requests on before it is freed.
 *
 * Reassembly policy (documented in docs/pcap.md):
 *  - each direction is delivered in sequence order, from the SYN when it was
 *    captured, else from the first segment seen (mid-connection start);
 *  - overlaps and retransmissions: first wins; bytes already delivered or
 *    already held out of order are never replaced (Suricata's and Snort's
 *    default "first" policy for most targets);
 *  - out-of-order data is held up to WS_FLOW_OOO_CAP bytes and
 *    WS_FLOW_OOO_SEGS segments per direction; beyond that, or on a jump of more than WS_FLOW_JUMP bytes, or when the
 *    connection ends with a hole, the hole is skipped and counted as a gap;
 *  - a SYN with a new sequence number on a connection that was closing or
 *    had another SYN starts a new connection (port reuse); RST ends it. */
#ifndef WS_PCAP_FLOW_H
#define WS_PCAP_FLOW_H

#include <stdint.h>

#include "pcap/decode.h"
#include "pcap/events.h"

#define WS_FLOW_IDLE 300              /* seconds */
#define WS_FLOW_OOO_CAP (64u << 10)   /* out-of-order bytes held per direction */
#define WS_FLOW_OOO_SEGS 256          /* out-of-order segments held per direction */
#define WS_FLOW_JUMP (1u << 20)       /* a sequence jump this big is a gap at once */
#define WS_FLOW_PENDING 8             /* worm requests awaiting their answer, per flow */

struct ws_flows;

/* A table of max_flows entries (0 = WS_PCAP_MAX_FLOWS) that emits through
 * emit(ctx, ...) and counts into *st. Caller frees with ws_flows_free. */
struct ws_flows *ws_flows_new(uint32_t max_flows, ws_pcap_emit_fn emit, void *ctx,
			      struct ws_capture_stats *st);
/* Request heads also go to obs->head (NULL: none). */
void ws_flows_set_observer(struct ws_flows *t, const struct ws_pcap_observer *obs);
/* One decoded segment captured at ts in frame `frame`. */
void ws_flows_segment(struct ws_flows *t, const struct ws_seg *s, int64_t ts, uint64_t frame);
/* Ends every flow (end of capture): remaining data and requests go out. */
void ws_flows_finish(struct ws_flows *t);
/* Bytes held in heads, out-of-order segments and pending requests now. */
size_t ws_flows_buffered(const struct ws_flows *t);
/* Flows tracked now. */
uint32_t ws_flows_count(const struct ws_flows *t);
void ws_flows_free(struct ws_flows *t);

#endif
