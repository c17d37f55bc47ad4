/* SPDX-License-Identifier: MIT */
/* pcapng without libpcap: the section header's comment (how a capture that
 * `wormscope simulate --emit-pcap` wrote says it is simulated) and a writer
 * of the few blocks simulate needs (section header, one interface,
 * enhanced packet blocks), little-endian. */
#ifndef WS_PCAP_PCAPNG_H
#define WS_PCAP_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

/* The comment text (opt_comment) of a simulated capture starts with this. */
#define WS_PCAPNG_SIMULATED "wormscope-simulated"

/* When p[0..n) starts with a pcapng section header block (either byte
 * order) that carries a comment, copies the first one into out (cut at
 * cap - 1 bytes, NUL-terminated) and returns true. Every length is checked
 * against n and the block's own length. */
bool ws_pcapng_comment(const void *p, size_t n, char *out, size_t cap);
/* True when that comment starts with WS_PCAPNG_SIMULATED; *sample gets the
 * value of a " sample=P" word in it (0 < P <= 1), else 1. */
bool ws_pcapng_simulated(const void *p, size_t n, double *sample);

/* Section header (with comment, may be NULL) and one interface of link
 * type `linktype`, timestamps in microseconds. */
void ws_pcapng_begin(struct ws_buf *b, const char *comment, uint16_t linktype, uint32_t snaplen);
/* One enhanced packet block on interface 0. */
void ws_pcapng_packet(struct ws_buf *b, uint64_t ts_us, const void *data, uint32_t len);
/* Bytes ws_pcapng_packet adds for a packet of len bytes. */
size_t ws_pcapng_packet_bytes(uint32_t len);

#endif
