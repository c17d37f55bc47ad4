/* SPDX-License-Identifier: MIT */
/* The behavioural detectors behind one door (behav.h). */
#include "behav/behav.h"

#include <stdlib.h>
#include <string.h>

#include "behav/internal.h"
#include "util/mem.h"

void ws_behav_defaults(struct ws_behav_cfg *c)
{
	*c = (struct ws_behav_cfg){
		.theta0 = 0.8, .theta1 = 0.2, .pd = 0.99, .pf = 0.01,
		.timeout_s = 3, .max_sources = 131072, .max_pending = 65536,
		.prevalence = 3, .min_sources = 2, .min_destinations = 3, .min_evidence = 2,
		.scanner_destinations = 5, .sample_bits = 3, .interval_s = 60,
		.shape_interval_s = 300, .shape_min_sources = 10,
	};
}

uint64_t ws_behav_hash(const struct ws_addr *a, uint64_t salt)
{
	uint64_t x, y;
	memcpy(&x, a->b, 8);
	memcpy(&y, a->b + 8, 8);
	x ^= salt * 0xc2b2ae3d27d4eb4full ^ a->fam;
	x ^= y * 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

struct ws_behav *ws_behav_new(const struct ws_behav_cfg *c, ws_behav_alert_fn fn, void *ctx)
{
	struct ws_behav *b = ws_xcalloc(1, sizeof(*b));
	b->cfg = *c;
	b->fn = fn;
	b->ctx = ctx;
	b->trw = ws_trw_new(b);
	b->content = ws_content_new(b);
	b->shapes = ws_shapes_new(b);
	return b;
}

void ws_behav_free(struct ws_behav *b)
{
	if (!b)
		return;
	ws_trw_free(b->trw);
	ws_content_free(b->content);
	ws_shapes_free(b->shapes);
	free(b);
}

void ws_behav_segment(struct ws_behav *b, const struct ws_seg *s, int64_t ts, bool dark)
{
	ws_trw_segment(b->trw, s, ts, dark);
}

void ws_behav_unreach(struct ws_behav *b, const struct ws_seg *quoted, int64_t ts)
{
	ws_trw_unreach(b->trw, quoted, ts);
}

void ws_behav_head(struct ws_behav *b, const struct ws_seg *conn, const char *head, size_t n,
		   int64_t ts)
{
	ws_content_head(b->content, conn, (const uint8_t *)head, n, ts);
}

void ws_behav_log_request(struct ws_behav *b, const struct ws_request *r)
{
	ws_shapes_request(b->shapes, r);
}

void ws_behav_finish(struct ws_behav *b, int64_t ts)
{
	ws_trw_finish(b->trw, ts);
}

size_t ws_behav_memory(const struct ws_behav *b)
{
	return sizeof(*b) + ws_trw_memory(b->trw) + ws_content_memory(b->content) +
	       ws_shapes_memory(b->shapes);
}

void ws_behav_stats(const struct ws_behav *b, struct ws_behav_stats *st)
{
	*st = b->st;
}

bool ws_behav_is_scanner(const struct ws_behav *b, const struct ws_addr *src)
{
	return ws_trw_is_scanner(b->trw, src);
}

const char *ws_alert_kind_name(enum ws_alert_kind k)
{
	switch (k) {
	case WS_ALERT_SCANNER: return "scanner";
	case WS_ALERT_NEW_WORM: return "new-worm";
	case WS_ALERT_OUTBREAK: return "unknown-outbreak";
	}
	return "?";
}
