/* SPDX-License-Identifier: MIT */
/* Fuzz target: the HTML report over arbitrary data, as a damaged or hostile
 * store could hand it over: any times, counts, worm indexes and bytes in
 * every string. Besides the sanitizers, two properties are checked: the page
 * is valid UTF-8, and no markup from the data reaches it (every tag on the
 * page is one the renderer writes, so a <script or <img means something was
 * not escaped). */
#include <ctype.h>
#include <stdio.h>

#include "fuzz.h"
#include "report/data.h"
#include "report/html.h"
#include "util/escape.h"
#include "util/mem.h"

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint64_t u64(struct rd *r)
{
	uint64_t v = 0;
	for (int i = 0; i < 8 && r->n; i++, r->p++, r->n--)
		v = v << 8 | *r->p;
	return v;
}

static size_t small(struct rd *r, size_t max)
{
	if (!r->n)
		return 0;
	size_t v = *r->p % (max + 1);
	r->p++, r->n--;
	return v;
}

/* A string of up to 40 bytes, NUL-terminated (a store's strings are). */
static char *str(struct rd *r)
{
	size_t k = small(r, 40);
	k = k < r->n ? k : r->n;
	char *s = fz_strdup(r->p, k);
	r->p += k, r->n -= k;
	return s;
}

static void fixed(struct rd *r, char *out, size_t cap)
{
	/* Fills the whole field, often without a terminator: the renderer must
	 * bound it by the field's size. */
	size_t k = small(r, cap);
	k = k < r->n ? k : r->n;
	memset(out, 0, cap);
	memcpy(out, r->p, k);
	r->p += k, r->n -= k;
}

static void fill(struct rd *r, struct ws_report_data *d)
{
	d->db_path = str(r);
	d->simulated = small(r, 1);
	d->first = (int64_t)u64(r);
	d->last = (int64_t)u64(r);
	d->sightings = u64(r);
	d->sources = u64(r);
	d->compromised = u64(r);
	for (int w = 0; w < WS_MAX_WORMS; w++)
		d->per_worm[w] = small(r, 255);
	d->n_hours = small(r, 8);
	d->hours = ws_xcalloc(d->n_hours + 1, sizeof(*d->hours));
	for (size_t i = 0; i < d->n_hours; i++) {
		d->hours[i].hour = (int64_t)u64(r);
		d->hours[i].count[small(r, WS_MAX_WORMS - 1)] = u64(r);
	}
	d->n_curves = small(r, 3);
	d->curves = ws_xcalloc(d->n_curves + 1, sizeof(*d->curves));
	for (size_t c = 0; c < d->n_curves; c++) {
		struct ws_rep_curve *cv = &d->curves[c];
		cv->worm = (int)(int8_t)small(r, 255);
		cv->n = small(r, 6);
		cv->t = ws_xcalloc(cv->n + 1, sizeof(*cv->t));
		cv->cum = ws_xcalloc(cv->n + 1, sizeof(*cv->cum));
		for (size_t i = 0; i < cv->n; i++) {
			cv->t[i] = (int64_t)u64(r);
			cv->cum[i] = small(r, 255);
		}
	}
	d->n_top = small(r, 3);
	d->top = ws_xcalloc(d->n_top + 1, sizeof(*d->top));
	for (size_t i = 0; i < d->n_top; i++) {
		fixed(r, d->top[i].addr, sizeof(d->top[i].addr));
		d->top[i].requests = u64(r);
		d->top[i].per_worm[small(r, WS_MAX_WORMS - 1)] = u64(r);
		d->top[i].first = (int64_t)u64(r);
		d->top[i].compromised = small(r, 2);
	}
	d->n_top16 = small(r, 2);
	d->top16 = ws_xcalloc(d->n_top16 + 1, sizeof(*d->top16));
	for (size_t i = 0; i < d->n_top16; i++) {
		fixed(r, d->top16[i].prefix, sizeof(d->top16[i].prefix));
		d->top16[i].requests = u64(r);
	}
	d->n_status = small(r, 3);
	d->status = ws_xcalloc(d->n_status + 1, sizeof(*d->status));
	for (size_t i = 0; i < d->n_status; i++) {
		d->status[i].worm = (int)(int8_t)small(r, 255);
		d->status[i].status = (int)(int32_t)u64(r);
		d->status[i].count = u64(r);
		d->status[i].compromised = small(r, 1);
	}
	d->n_inputs = small(r, 2);
	d->inputs = ws_xcalloc(d->n_inputs + 1, sizeof(*d->inputs));
	for (size_t i = 0; i < d->n_inputs; i++) {
		d->inputs[i].name = str(r);
		d->inputs[i].format = str(r);
		d->inputs[i].scanned_at = (int64_t)u64(r);
	}
	d->n_answers = small(r, 2);
	d->answers = ws_xcalloc(d->n_answers + 1, sizeof(*d->answers));
	for (size_t i = 0; i < d->n_answers; i++) {
		d->answers[i].ts = (int64_t)u64(r);
		fixed(r, d->answers[i].src, sizeof(d->answers[i].src));
		d->answers[i].worm = (int)(int8_t)small(r, 255);
		d->answers[i].uri = str(r);
		d->answers[i].agent = small(r, 1) ? str(r) : NULL;
		d->answers[i].host = str(r);
	}
}

/* Every '<' on the page must open or close an element the renderer writes:
 * data's own '<' is always escaped, so anything else leaked through. */
static bool only_own_tags(const struct ws_buf *b)
{
	static const char own[] =
	    " !DOCTYPE html head meta title style body header h1 h2 h3 p code span main section"
	    " ul li svg defs pattern rect line circle figure figcaption text tspan desc path table"
	    " caption thead tbody tr th td div br footer ";
	for (const char *p = b->p, *end = b->p + b->n; (p = memchr(p, '<', (size_t)(end - p)));) {
		p++;
		if (p < end && *p == '/')
			p++;
		char name[16] = " ";
		size_t k = 1;
		while (p < end && k < sizeof(name) - 2 &&
		       (isalnum((unsigned char)*p) || *p == '!'))
			name[k++] = *p++;
		name[k++] = ' ';
		name[k] = '\0';
		if (k < 3 || !strstr(own, name))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	struct ws_report_data d = {0};
	fill(&r, &d);
	struct ws_buf page = {0};
	struct ws_report_opts o = {.title = d.db_path, .generated_at = d.first};
	ws_report_html(&page, &d, &o);
	for (size_t i = 0; i < page.n;) {
		size_t k = ws_utf8_seq_len((const unsigned char *)page.p + i, page.n - i);
		if (!k || memchr(page.p + i, '\0', k)) {
			fprintf(stderr, "report: invalid UTF-8 or NUL at byte %zu\n", i);
			abort();
		}
		i += k;
	}
	if (!only_own_tags(&page)) {
		fprintf(stderr, "report: markup from the data reached the page\n");
		abort();
	}
	ws_buf_free(&page);
	ws_report_data_free(&d);
	return 0;
}
