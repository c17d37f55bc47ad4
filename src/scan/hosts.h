/* SPDX-License-Identifier: MIT */
/* Per-source rollup: what each source that sent worm requests did.
 * Entries live in one dense array with a separate open-addressing index of
 * 32-bit slots, so the cost is sizeof(struct ws_host) (88 bytes) plus 4-11
 * bytes of index per source: about 100 bytes, 450 MB for CAIDA's 4.5 million
 * August 2001 addresses. Memory grows with distinct sources only. */
#ifndef WS_SCAN_HOSTS_H
#define WS_SCAN_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "wormscope/request.h"
#include "wormscope/worm.h"

struct ws_host {
	int64_t first, last;          /* UTC seconds; first = INT64_MAX when no time known */
	uint32_t count[WS_MAX_WORMS]; /* requests per worm (table index) */
	uint32_t compromised;         /* worm requests that got a success answer */
	struct ws_addr addr;
	uint16_t nimda_probes;        /* which of Nimda's 16 probes it sent (bit i) */
	uint8_t inside;               /* inside --home-net */
};

struct ws_hosts {
	struct ws_host *v;
	size_t n, cap;
	uint32_t *index; /* slot -> entry + 1, 0 = empty */
	size_t index_cap; /* power of two */
};

/* Finds or adds the entry for a; the pointer is valid until the next call. */
struct ws_host *ws_hosts_get(struct ws_hosts *h, const struct ws_addr *a);
/* Adds everything in src to dst. */
void ws_hosts_merge(struct ws_hosts *dst, const struct ws_hosts *src);
/* Marks probe bits: for each candidate mask, the lowest candidate not yet
 * seen (two of Nimda's probes look alike in IIS logs). */
void ws_host_add_nimda(struct ws_host *e, uint16_t candidates);
void ws_hosts_free(struct ws_hosts *h);
/* Bytes per entry, for documentation and --help. */
size_t ws_hosts_bytes_per_entry(void);

#endif
