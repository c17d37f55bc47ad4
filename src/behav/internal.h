/* SPDX-License-Identifier: MIT */
/* Shared inside src/behav: the three detectors and the alert path. */
#ifndef WS_BEHAV_INTERNAL_H
#define WS_BEHAV_INTERNAL_H

#include "behav/behav.h"
#include "pcap/decode.h"

struct ws_trw;
struct ws_content;
struct ws_shapes;

struct ws_behav {
	struct ws_behav_cfg cfg;
	struct ws_trw *trw;
	struct ws_content *content;
	struct ws_shapes *shapes;
	ws_behav_alert_fn fn;
	void *ctx;
	struct ws_behav_stats st;
};

/* 64-bit mix of an address (and a salt), for every table here. */
uint64_t ws_behav_hash(const struct ws_addr *a, uint64_t salt);

struct ws_trw *ws_trw_new(struct ws_behav *b);
void ws_trw_free(struct ws_trw *t);
size_t ws_trw_memory(const struct ws_trw *t);
void ws_trw_segment(struct ws_trw *t, const struct ws_seg *s, int64_t ts, bool dark);
void ws_trw_unreach(struct ws_trw *t, const struct ws_seg *q, int64_t ts);
void ws_trw_finish(struct ws_trw *t, int64_t ts);
bool ws_trw_is_scanner(const struct ws_trw *t, const struct ws_addr *a);

struct ws_content *ws_content_new(struct ws_behav *b);
void ws_content_free(struct ws_content *c);
size_t ws_content_memory(const struct ws_content *c);
void ws_content_head(struct ws_content *c, const struct ws_seg *conn, const uint8_t *p, size_t n,
		     int64_t ts);

struct ws_shapes *ws_shapes_new(struct ws_behav *b);
void ws_shapes_free(struct ws_shapes *s);
size_t ws_shapes_memory(const struct ws_shapes *s);
void ws_shapes_request(struct ws_shapes *s, const struct ws_request *r);
/* Writes r's shape ("GET /path?a=N&b=S") into out (WS_SHAPE_MAX); returns its length. */
size_t ws_shape_of(const struct ws_request *r, char *out);

#endif
