/* SPDX-License-Identifier: MIT */
/* Rabin fingerprints of fixed-length byte windows (Rabin 1981; Broder
 * 1993), the hash "Automated Worm Fingerprinting" (Singh et al., OSDI 2004)
 * computes over every 40-byte substring of a payload: the window is read as
 * a polynomial over GF(2) and reduced modulo a fixed irreducible polynomial
 * of degree 63, so sliding the window by one byte costs two table look-ups.
 * No allocation; the tables live in the struct. */
#ifndef WS_BEHAV_RABIN_H
#define WS_BEHAV_RABIN_H

#include <stddef.h>
#include <stdint.h>

/* The window the paper uses. */
#define WS_RABIN_WINDOW 40

struct ws_rabin {
	uint64_t poly;
	uint64_t append[256]; /* reduction of the byte shifted out on the left */
	uint64_t remove[256]; /* b * x^(8(window-1)) mod poly */
	size_t window;
};

/* Fills the tables for windows of `window` bytes (>= 1). */
void ws_rabin_init(struct ws_rabin *r, size_t window);
/* fp * x^8 + byte, reduced. */
uint64_t ws_rabin_push(const struct ws_rabin *r, uint64_t fp, uint8_t byte);
/* The fingerprint of p[0..n), computed from scratch (any n). */
uint64_t ws_rabin_of(const struct ws_rabin *r, const uint8_t *p, size_t n);
/* Slides a window: `out` leaves on the left, `in` enters on the right. */
static inline uint64_t ws_rabin_slide(const struct ws_rabin *r, uint64_t fp, uint8_t out,
				      uint8_t in)
{
	fp ^= r->remove[out];
	return ((fp << 8) | in) ^ r->append[fp >> 55];
}

#endif
