/* SPDX-License-Identifier: MIT */
/* Rabin fingerprints (see rabin.h). The polynomial is of degree 63, so a
 * fingerprint fits 63 bits and shifting it by 8 overflows into a 71-bit
 * value whose top byte the `append` table folds back. */
#include "behav/rabin.h"

/* An irreducible polynomial of degree 63 over GF(2) (the one LBFS's
 * rabinpoly uses; any irreducible one of degree 63 would do). */
#define POLY 0xbfe6b8a5bf378d83ull
#define DEG 63

/* (hi:lo) mod d, d of degree k. */
static uint64_t pmod128(uint64_t hi, uint64_t lo, uint64_t d, int k)
{
	for (int b = 127; b >= k; b--) {
		uint64_t bit = b >= 64 ? hi >> (b - 64) & 1 : lo >> b & 1;
		if (!bit)
			continue;
		int s = b - k;
		uint64_t dl = s >= 64 ? 0 : d << s;
		uint64_t dh = s == 0 ? 0 : s >= 64 ? d << (s - 64) : d >> (64 - s);
		hi ^= dh;
		lo ^= dl;
	}
	return lo;
}

/* x * y mod d (carry-less). */
static uint64_t pmulmod(uint64_t x, uint64_t y, uint64_t d, int k)
{
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 64; i++) {
		if (!(y >> i & 1))
			continue;
		lo ^= x << i;
		if (i)
			hi ^= x >> (64 - i);
	}
	return pmod128(hi, lo, d, k);
}

uint64_t ws_rabin_push(const struct ws_rabin *r, uint64_t fp, uint8_t byte)
{
	return ((fp << 8) | byte) ^ r->append[fp >> 55];
}

void ws_rabin_init(struct ws_rabin *r, size_t window)
{
	r->poly = POLY;
	r->window = window ? window : 1;
	for (uint64_t j = 0; j < 256; j++) {
		/* j * x^63: bit 63 stays in the shifted value, the rest is
		 * reduced; XOR-ing the table entry clears bit 63 again. */
		uint64_t red = pmod128(j >> 1, (j & 1) << 63, POLY, DEG);
		r->append[j] = red ^ ((j & 1) << 63);
	}
	uint64_t xw = 1; /* x^(8(window-1)) mod POLY */
	for (size_t i = 1; i < r->window; i++)
		xw = ws_rabin_push(r, xw, 0);
	for (uint64_t b = 0; b < 256; b++)
		r->remove[b] = pmulmod(b, xw, POLY, DEG);
}

uint64_t ws_rabin_of(const struct ws_rabin *r, const uint8_t *p, size_t n)
{
	uint64_t fp = 0;
	for (size_t i = 0; i < n; i++)
		fp = ws_rabin_push(r, fp, p[i]);
	return fp;
}
