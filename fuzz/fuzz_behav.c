/* SPDX-License-Identifier: MIT */
/* Fuzzes what src/behav reads from the wire and what it writes back out:
 * the request-head cutter and fingerprinting of content prevalence (the head
 * is fed from several sources to several destinations, so the dispersion
 * table fills, evidence is found and alerts are raised on hostile bytes), the
 * request-shape builder (the input split at the first '?' as path and query),
 * and every output of an alert whose content is the input: JSON Lines must
 * hold no raw control byte, the draft Suricata rule no unescaped '"' or ';'
 * inside its content, and the shape is NUL-terminated within WS_SHAPE_MAX.
 * A broken promise abort()s. */
#include <stdlib.h>
#include <string.h>

#include "behav/behav.h"
#include "behav/internal.h"
#include "fuzz.h"
#include "output/alert.h"

static struct ws_addr v4(uint32_t x)
{
	struct ws_addr a = {0};
	a.fam = 4;
	memcpy(a.b, &x, 4);
	return a;
}

static void check_alert(const struct ws_alert *a)
{
	struct ws_buf b = {0};
	ws_out_alert(WS_OUT_JSONL, &b, a, "f\x01\"", true);
	for (size_t i = 0; i + 1 < b.n; i++)
		if ((unsigned char)b.p[i] < 0x20)
			abort();
	b.n = 0;
	ws_out_alert(WS_OUT_CSV, &b, a, "f", false);
	b.n = 0;
	ws_out_alert(WS_OUT_EVE, &b, a, "f", false);
	b.n = 0;
	ws_out_alert_text(&b, a);
	b.n = 0;
	ws_out_alert_entry(&b, a, 1);
	b.n = 0;
	ws_out_alert_rule(&b, a, 1);
	const char *c = memmem(b.p, b.n, "content:\"", 9);
	if (!c)
		abort();
	for (const char *q = c + 9; q < b.p + b.n && *q != '"'; q++)
		if (*q == ';' || *q == '\\')
			abort();
	ws_buf_free(&b);
}

static void on_alert(void *ctx, const struct ws_alert *a)
{
	(void)ctx;
	check_alert(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ws_behav *b;
	if (!b) {
		struct ws_behav_cfg c;
		ws_behav_defaults(&c);
		b = ws_behav_new(&c, on_alert, NULL);
	}
	char *p = fz_copy(data, size);
	/* The head, passed down a chain of hosts: every one a destination first. */
	for (uint32_t k = 0; k < 6; k++) {
		struct ws_seg conn = {.src = v4(0x0a000001 + k), .dst = v4(0x0a000002 + k),
				      .sport = 1024, .dport = 80};
		ws_behav_head(b, &conn, p, size, 1);
		conn.dst = v4(0x0b000000 + k);
		ws_behav_head(b, &conn, p, size, 1);
	}
	/* The shape of the bytes as a request target. */
	struct ws_request r;
	memset(&r, 0, sizeof(r));
	const char *q = memchr(p, '?', size);
	size_t pn = q ? (size_t)(q - p) : size;
	r.method = (struct ws_str){"GET", 3};
	r.path = (struct ws_str){p, pn};
	if (q) {
		r.query = (struct ws_str){q + 1, size - pn - 1};
		r.has_query = true;
	}
	char shape[WS_SHAPE_MAX];
	size_t n = ws_shape_of(&r, shape);
	if (n >= WS_SHAPE_MAX || shape[n] != '\0' || strlen(shape) != n)
		abort();
	/* An alert whose content is the input. */
	struct ws_alert *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->kind = WS_ALERT_NEW_WORM;
	a->content_len = size < WS_ALERT_CONTENT_MAX ? size : WS_ALERT_CONTENT_MAX;
	memcpy(a->content, data, a->content_len);
	a->dport = 80;
	check_alert(a);
	a->kind = WS_ALERT_OUTBREAK;
	memcpy(a->shape, shape, n + 1);
	check_alert(a);
	free(a);
	free(p);
	return 0;
}
