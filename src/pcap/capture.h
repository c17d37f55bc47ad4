/* SPDX-License-Identifier: MIT */
/* The capture sensor: reads pcap / pcapng files (libpcap, also gzip- or
 * zstd-compressed, recognised by content) and live interfaces, rebuilds
 * every HTTP request of every TCP connection and hands each one, as a
 * struct ws_request, to the caller's emit function: the same path log lines
 * take. Sightings from captures carry the frame number where a log line
 * carries its line number. */
#ifndef WS_PCAP_CAPTURE_H
#define WS_PCAP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/input.h"
#include "pcap/decode.h"
#include "pcap/events.h"
#include "wormscope/err.h"
#include "wormscope/request.h"
#include "wormscope/worm.h"

struct ws_pcap_opts {
	uint32_t max_flows;      /* connections tracked at once; 0 = WS_PCAP_MAX_FLOWS */
	const char *bpf;         /* filter expression, or NULL */
	ws_pcap_emit_fn emit;
	void (*batch)(void *ctx); /* live capture: called after each batch of packets */
	/* live capture: called once the interface is open and privileges are
	 * dropped, with the link type's name (the caller tells the user) */
	void (*started)(void *ctx, const char *link);
	void *ctx;
	/* Sees every TCP segment (the telescope sensor; before `observer`, which
	 * learns its answer); when it returns true the segment is its own and
	 * goes to no connection. */
	bool (*tap)(void *tap_ctx, const struct ws_seg *seg, int64_t ts);
	void *tap_ctx;
	const struct ws_pcap_observer *observer; /* or NULL */
};

/* True when p[0..n) starts a pcap (either byte order, micro- or nanosecond)
 * or pcapng file. */
bool ws_pcap_is_capture(const void *p, size_t n);

/* Reads a capture from `in`, whose first n bytes were already read into
 * head (they are replayed first). Decompressed bytes read are added to
 * *bytes_read. Returns 0, or a WS_E* code with err naming the file and frame
 * when the capture is damaged: what was read before the damage counts. */
int ws_pcap_read(struct ws_input *in, const char *head, size_t n, const char *path,
		 const struct ws_pcap_opts *o, struct ws_capture_stats *st, uint64_t *bytes_read,
		 struct ws_err *err);

/* Captures on interface iface until ws_pcap_stop is called, switching to
 * user (when not NULL) once the interface is open. Same contract as
 * ws_pcap_read. */
int ws_pcap_live(const char *iface, const char *user, const struct ws_pcap_opts *o,
		 struct ws_capture_stats *st, struct ws_err *err);
/* Ends a live capture; safe to call from a signal handler. */
void ws_pcap_stop(void);

/* Checks that a --bpf expression compiles (for Ethernet), so a typo is a
 * usage error before anything is read. Returns 0 or WS_EUSAGE. */
int ws_pcap_check_filter(const char *bpf, struct ws_err *err);

/* Adds src's counters to dst. */
void ws_capture_stats_add(struct ws_capture_stats *dst, const struct ws_capture_stats *src);

#endif
