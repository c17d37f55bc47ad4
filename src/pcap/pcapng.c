/* SPDX-License-Identifier: MIT */
/* pcapng section header comments and a minimal writer (pcapng.h). Block
 * layout (the pcapng specification, draft-ietf-opsawg-pcapng): type, total
 * length, body, total length again; options are code, length, value padded
 * to 4 bytes, ended by code 0. */
#include "pcap/pcapng.h"

#include <stdlib.h>
#include <string.h>

#define SHB_TYPE 0x0A0D0D0Au
#define BOM 0x1A2B3C4Du
#define OPT_COMMENT 1

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const uint8_t *p, bool swap)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	return swap ? __builtin_bswap16(v) : v;
}

bool ws_pcapng_comment(const void *p_, size_t n, char *out, size_t cap)
{
	const uint8_t *p = p_;
	if (cap == 0 || n < 28 || rd32(p, false) != SHB_TYPE)
		return false;
	bool swap;
	if (rd32(p + 8, false) == BOM)
		swap = false;
	else if (rd32(p + 8, true) == BOM)
		swap = true;
	else
		return false;
	uint32_t len = rd32(p + 4, swap);
	if (len < 28 || len % 4 || len > n)
		return false;
	/* type, length, BOM, versions, section length (8): 24 bytes; options
	 * up to the trailing length */
	size_t at = 24, end = len - 4;
	while (at + 4 <= end) {
		uint16_t code = rd16(p + at, swap), ol = rd16(p + at + 2, swap);
		if (code == 0)
			break;
		size_t padded = ((size_t)ol + 3) & ~(size_t)3;
		if (at + 4 + padded > end)
			return false;
		if (code == OPT_COMMENT) {
			size_t k = ol < cap - 1 ? ol : cap - 1;
			memcpy(out, p + at + 4, k);
			out[k] = 0;
			return true;
		}
		at += 4 + padded;
	}
	return false;
}

bool ws_pcapng_simulated(const void *p, size_t n, double *sample)
{
	char c[1024];
	*sample = 1;
	size_t m = sizeof(WS_PCAPNG_SIMULATED) - 1;
	if (!ws_pcapng_comment(p, n, c, sizeof(c)) || strncmp(c, WS_PCAPNG_SIMULATED, m) != 0)
		return false;
	const char *s = strstr(c, " sample=");
	if (s) {
		char *end;
		double v = strtod(s + 8, &end);
		if (end != s + 8 && v > 0 && v <= 1)
			*sample = v;
	}
	return true;
}

static void put32(struct ws_buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	ws_buf_add(b, x, 4);
}

static void put16(struct ws_buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	ws_buf_add(b, x, 2);
}

static void pad4(struct ws_buf *b, size_t n)
{
	static const uint8_t z[4];
	ws_buf_add(b, z, (4 - n % 4) % 4);
}

void ws_pcapng_begin(struct ws_buf *b, const char *comment, uint16_t linktype, uint32_t snaplen)
{
	size_t cl = comment ? strlen(comment) : 0;
	if (cl > 60000)
		cl = 60000;
	size_t opts = cl ? 4 + ((cl + 3) & ~(size_t)3) + 4 : 0;
	uint32_t len = (uint32_t)(28 + opts);
	put32(b, SHB_TYPE);
	put32(b, len);
	put32(b, BOM);
	put16(b, 1);
	put16(b, 0);
	put32(b, 0xffffffffu); /* section length: not given */
	put32(b, 0xffffffffu);
	if (cl) {
		put16(b, OPT_COMMENT);
		put16(b, (uint16_t)cl);
		ws_buf_add(b, comment, cl);
		pad4(b, cl);
		put32(b, 0); /* opt_endofopt */
	}
	put32(b, len);
	/* interface description: link type, reserved, snap length; if_tsresol
	 * is left out (its default is microseconds) */
	put32(b, 1);
	put32(b, 20);
	put16(b, linktype);
	put16(b, 0);
	put32(b, snaplen);
	put32(b, 20);
}

size_t ws_pcapng_packet_bytes(uint32_t len)
{
	return 32 + (((size_t)len + 3) & ~(size_t)3);
}

void ws_pcapng_packet(struct ws_buf *b, uint64_t ts_us, const void *data, uint32_t len)
{
	uint32_t total = (uint32_t)ws_pcapng_packet_bytes(len);
	ws_buf_reserve(b, total);
	put32(b, 6);
	put32(b, total);
	put32(b, 0);
	put32(b, (uint32_t)(ts_us >> 32));
	put32(b, (uint32_t)ts_us);
	put32(b, len);
	put32(b, len);
	ws_buf_add(b, data, len);
	pad4(b, len);
	put32(b, total);
}
