/* SPDX-License-Identifier: MIT */
/* Frames for the captures this project writes itself (the tests' and
 * benches' generators, simulate --emit-pcap): the classic pcap file and
 * record headers, and the Ethernet, IPv4 and TCP headers with the Internet
 * checksum. Pure byte layout into the caller's memory: no I/O, no
 * allocation, nothing but libc, so a stand-alone tool can build it in. The
 * pcapng blocks are pcapng.h's. */
#ifndef WS_PCAP_PCAPW_H
#define WS_PCAP_PCAPW_H

#include <stddef.h>
#include <stdint.h>

enum { WS_PCAPW_FILE_HDR = 24, WS_PCAPW_REC_HDR = 16 };

/* The classic pcap file header: microsecond timestamps, little-endian. */
void ws_pcapw_file_header(uint8_t h[WS_PCAPW_FILE_HDR], uint32_t linktype, uint32_t snaplen);
/* One record's header for a frame of len bytes cut at snaplen; returns the
 * bytes of the frame to write after it. */
uint32_t ws_pcapw_record(uint8_t h[WS_PCAPW_REC_HDR], uint32_t sec, uint32_t usec, uint32_t len,
			 uint32_t snaplen);

/* Big-endian (network order) stores. */
void ws_pcapw_be16(uint8_t *p, uint32_t v);
void ws_pcapw_be32(uint8_t *p, uint32_t v);

/* The Internet checksum: sum adds n bytes (an odd last byte padded) to s,
 * fold ends it (one's complement of the folded sum). */
uint32_t ws_pcapw_sum(const uint8_t *p, size_t n, uint32_t s);
uint16_t ws_pcapw_fold(uint32_t s);

/* The Ethernet header every generator writes: 00:66:77:88:99:aa to
 * 00:11:22:33:44:55, then the ether type. */
void ws_pcapw_eth(uint8_t f[14], uint16_t ethertype);
/* An IPv4 header without options, its checksum filled in; frag is the
 * flags-and-offset field. */
void ws_pcapw_ipv4(uint8_t ip[20], uint32_t total_len, uint16_t id, uint16_t frag, uint8_t ttl,
		   uint8_t proto, uint32_t src, uint32_t dst);
/* A TCP header without options and with a zero checksum. */
void ws_pcapw_tcp(uint8_t t[20], uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		  uint8_t flags, uint16_t window);

#endif
