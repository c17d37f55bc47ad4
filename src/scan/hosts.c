/* SPDX-License-Identifier: MIT */
#include "scan/hosts.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static uint64_t hash_addr(const struct ws_addr *a)
{
	/* FNV-1a over the address bytes, then a final mix (addresses from one
	 * network share prefixes, so spread the low bits). */
	uint64_t h = 1469598103934665603ull ^ a->fam;
	int len = a->fam == 6 ? 16 : 4;
	for (int i = 0; i < len; i++)
		h = (h ^ a->b[i]) * 1099511628211ull;
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static void reindex(struct ws_hosts *h, size_t cap)
{
	free(h->index);
	h->index = ws_xcalloc(cap, sizeof(*h->index));
	h->index_cap = cap;
	for (size_t i = 0; i < h->n; i++) {
		size_t s = hash_addr(&h->v[i].addr) & (cap - 1);
		while (h->index[s])
			s = (s + 1) & (cap - 1);
		h->index[s] = (uint32_t)(i + 1);
	}
}

struct ws_host *ws_hosts_get(struct ws_hosts *h, const struct ws_addr *a)
{
	if ((h->n + 1) * 4 > h->index_cap * 3)
		reindex(h, h->index_cap ? h->index_cap * 2 : 1024);
	size_t s = hash_addr(a) & (h->index_cap - 1);
	while (h->index[s]) {
		struct ws_host *e = &h->v[h->index[s] - 1];
		if (e->addr.fam == a->fam && memcmp(e->addr.b, a->b, 16) == 0)
			return e;
		s = (s + 1) & (h->index_cap - 1);
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = ws_xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	struct ws_host *e = &h->v[h->n];
	memset(e, 0, sizeof(*e));
	e->addr = *a;
	e->first = INT64_MAX;
	e->last = INT64_MIN;
	h->index[s] = (uint32_t)(++h->n);
	return e;
}

void ws_host_add_nimda(struct ws_host *e, uint16_t candidates)
{
	uint16_t fresh = candidates & (uint16_t)~e->nimda_probes;
	if (fresh)
		e->nimda_probes |= (uint16_t)(fresh & -fresh);
}

void ws_hosts_merge(struct ws_hosts *dst, const struct ws_hosts *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct ws_host *s = &src->v[i];
		struct ws_host *d = ws_hosts_get(dst, &s->addr);
		if (s->first < d->first)
			d->first = s->first;
		if (s->last > d->last)
			d->last = s->last;
		for (int w = 0; w < WS_MAX_WORMS; w++)
			d->count[w] += s->count[w];
		d->compromised += s->compromised;
		/* A union: where two files each saw one of IIS's look-alike pairs,
		 * the pair may count once (an undercount of at most two). */
		d->nimda_probes |= s->nimda_probes;
		d->inside |= s->inside;
	}
}

void ws_hosts_free(struct ws_hosts *h)
{
	free(h->v);
	free(h->index);
	memset(h, 0, sizeof(*h));
}

size_t ws_hosts_bytes_per_entry(void)
{
	return sizeof(struct ws_host);
}
