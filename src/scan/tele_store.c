/* SPDX-License-Identifier: MIT */
/* The telescope sensor's drain into the store (tele_store.h). */
#include "scan/tele_store.h"

struct drain {
	struct ws_store *st;
	int64_t view;
	bool simulated;
	struct ws_err *err;
};

static int on_source(void *ctx, const struct ws_tele_src *s)
{
	struct drain *d = ctx;
	return ws_store_tele_source(d->st, d->view, s->addr, s->first, s->last, s->p_first,
				    s->pending, (s->flags & WS_TELE_SRC_KNOWN) != 0, d->simulated,
				    d->err);
}

static int on_bucket(void *ctx, const struct ws_tele_bucket *b)
{
	struct drain *d = ctx;
	return ws_store_tele_count(d->st, d->view, ws_tele_spans[b->span], b->t, b->probes,
				   b->active, b->backscatter, d->err);
}

int ws_tele_to_store(struct ws_store *st, int64_t input_id, struct ws_tele *t, bool simulated,
		     double sample, struct ws_err *err)
{
	const struct ws_tele_conf *c = ws_tele_conf_of(t);
	struct ws_tele_totals dt;
	ws_tele_delta(t, &dt);
	struct ws_store_tele_in in = {
		.prefixes = c->prefixes_text, .ports = c->ports_text, .addresses = c->addresses,
		.start = dt.start, .end = dt.end, .packets = dt.packets, .probes = dt.probes,
		.backscatter = dt.backscatter, .other_ports = dt.other_ports,
		.untracked = dt.untracked, .sample = sample, .simulated = simulated,
	};
	struct drain d = {.st = st, .simulated = simulated, .err = err};
	int rc = ws_store_tele_input(st, input_id, &in, &d.view, err);
	/* buckets first: a source's correction lowers a count already there */
	if (!rc)
		rc = ws_tele_drain(t, on_source, on_bucket, &d);
	return rc;
}
