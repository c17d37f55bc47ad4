/* SPDX-License-Identifier: MIT */
#include "pcap/pcapw.h"

#include <string.h>

static void le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

void ws_pcapw_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void ws_pcapw_be32(uint8_t *p, uint32_t v)
{
	ws_pcapw_be16(p, v >> 16);
	ws_pcapw_be16(p + 2, v & 0xffff);
}

void ws_pcapw_file_header(uint8_t h[WS_PCAPW_FILE_HDR], uint32_t linktype, uint32_t snaplen)
{
	le32(h, 0xa1b2c3d4);
	le16(h + 4, 2); /* version 2.4 */
	le16(h + 6, 4);
	le32(h + 8, 0); /* GMT offset, accuracy */
	le32(h + 12, 0);
	le32(h + 16, snaplen);
	le32(h + 20, linktype);
}

uint32_t ws_pcapw_record(uint8_t h[WS_PCAPW_REC_HDR], uint32_t sec, uint32_t usec, uint32_t len,
			 uint32_t snaplen)
{
	uint32_t cap = len < snaplen ? len : snaplen;
	le32(h, sec);
	le32(h + 4, usec);
	le32(h + 8, cap);
	le32(h + 12, len);
	return cap;
}

uint32_t ws_pcapw_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

uint16_t ws_pcapw_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void ws_pcapw_eth(uint8_t f[14], uint16_t ethertype)
{
	memcpy(f, "\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa", 12);
	ws_pcapw_be16(f + 12, ethertype);
}

void ws_pcapw_ipv4(uint8_t ip[20], uint32_t total_len, uint16_t id, uint16_t frag, uint8_t ttl,
		   uint8_t proto, uint32_t src, uint32_t dst)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ws_pcapw_be16(ip + 2, total_len);
	ws_pcapw_be16(ip + 4, id);
	ws_pcapw_be16(ip + 6, frag);
	ip[8] = ttl;
	ip[9] = proto;
	ws_pcapw_be32(ip + 12, src);
	ws_pcapw_be32(ip + 16, dst);
	ws_pcapw_be16(ip + 10, ws_pcapw_fold(ws_pcapw_sum(ip, 20, 0)));
}

void ws_pcapw_tcp(uint8_t t[20], uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		  uint8_t flags, uint16_t window)
{
	memset(t, 0, 20);
	ws_pcapw_be16(t, sport);
	ws_pcapw_be16(t + 2, dport);
	ws_pcapw_be32(t + 4, seq);
	ws_pcapw_be32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	ws_pcapw_be16(t + 14, window);
}
