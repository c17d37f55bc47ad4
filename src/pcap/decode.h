/* SPDX-License-Identifier: MIT */
/* Frame decoder for the capture sensor: link layer (Ethernet with 802.1Q /
 * QinQ tags, Linux cooked SLL and SLL2, raw IP, BSD loopback/null), IPv4 and
 * IPv6 (extension headers), IP fragment reassembly within fixed bounds, and
 * the TCP header. It yields one TCP segment per call; everything else is
 * counted, never trusted: every length read from a packet is checked against
 * the bytes captured. */
#ifndef WS_PCAP_DECODE_H
#define WS_PCAP_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "wormscope/request.h"

/* Why a frame could not be decoded (summary counters). */
enum ws_undec {
	WS_UNDEC_LINKTYPE = 0, /* the capture's link type is not one we read */
	WS_UNDEC_SHORT,        /* cut before the end of its headers (snap length, damage) */
	WS_UNDEC_BAD_IP,       /* IP version, header or total length impossible */
	WS_UNDEC_BAD_TCP,      /* TCP data offset impossible */
	WS_UNDEC_FRAG,         /* a fragment dropped: over the bounds, or its datagram never completed */
	WS_UNDEC_N
};

/* Names for the summary ("short", ...). Static. */
const char *ws_undec_name(enum ws_undec r);

enum ws_dec_rc {
	WS_DEC_TCP = 0,  /* *seg filled */
	WS_DEC_OTHER,    /* a frame that is not TCP over IP (ARP, UDP, ICMP ...) */
	WS_DEC_HELD,     /* an IP fragment kept for reassembly */
	WS_DEC_BAD,      /* undecodable; *why says why */
	WS_DEC_UNREACH,  /* ICMP unreachable quoting a TCP segment: *seg holds the quoted
			  * segment's addresses and ports (its sender is seg->src), no data */
};

#define WS_TCP_FIN 0x01
#define WS_TCP_SYN 0x02
#define WS_TCP_RST 0x04
#define WS_TCP_ACK 0x10

struct ws_seg {
	struct ws_addr src, dst;
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;
	const uint8_t *data; /* TCP payload as captured; borrowed, valid until the next decode */
	uint32_t len;
	uint32_t missing;    /* payload bytes sent but not captured (snap length) */
};

struct ws_decoder;

/* Bounds of fragment reassembly: datagrams in progress at once, and how long
 * (capture seconds) an incomplete one is kept. */
#define WS_FRAG_SLOTS 64
#define WS_FRAG_TIMEOUT 30

/* Caller frees with ws_decoder_free. */
struct ws_decoder *ws_decoder_new(void);
void ws_decoder_free(struct ws_decoder *d);
/* True when the decoder reads this libpcap DLT_ value. */
bool ws_linktype_supported(int dlt);
/* Decodes one frame of link type dlt captured at ts (seconds). caplen bytes
 * are present of wirelen sent. Fragments dropped while doing so are added to
 * *frag_drops. */
enum ws_dec_rc ws_decode(struct ws_decoder *d, int dlt, const uint8_t *p, uint32_t caplen,
			 uint32_t wirelen, int64_t ts, struct ws_seg *seg, enum ws_undec *why,
			 uint64_t *frag_drops);
/* Datagrams rebuilt from fragments so far. */
uint64_t ws_decoder_reassembled(const struct ws_decoder *d);

#endif
