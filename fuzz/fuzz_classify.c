/* SPDX-License-Identifier: MIT */
/* Fuzzes ws_classify (every worm's matcher, in table order) and the sighting
 * writers that print what it claims. Each input is used twice:
 *  - as an NCSA line: when ws_parse_ncsa accepts it, the request is classified;
 *  - as a request built directly from the bytes, so matchers also see targets
 *    no log parser would produce: byte 0 = method length, byte 1 = path
 *    length, the rest is method, path, then query (each clamped to what is
 *    left, each in its own exact-size heap block), classified once per target
 *    form (raw, IIS-decoded, error-log path) with and without a protocol.
 * A verdict must name a worm in the table and a signature; every sighting
 * line must be one '\n'-terminated line, and JSONL / EVE lines valid JSON. */
#include <jansson.h>

#include "classify/classify.h"
#include "fuzz.h"
#include "logfmt/logfmt.h"
#include "output/output.h"

static void check_verdict(bool hit, const struct ws_verdict *v)
{
	int nworms;
	ws_worms(&nworms);
	if (!hit) {
		if (v->worm != -1)
			abort();
		return;
	}
	if (v->worm < 0 || v->worm >= nworms || !v->sig || !v->sig->name)
		abort();
	if (v->conf != WS_CONF_HEURISTIC && v->conf != WS_CONF_PARTIAL &&
	    v->conf != WS_CONF_EXACT)
		abort();
}

static void check_sightings(const struct ws_request *req, const struct ws_verdict *v)
{
	static const enum ws_out_format fmts[] = {WS_OUT_JSONL, WS_OUT_CSV, WS_OUT_EVE};
	struct ws_sighting s = {.req = req, .v = v, .file = "fuzz.log", .line = 1};
	for (int i = 0; i < 16; i++)
		if (v->nimda_mask & (1u << i)) {
			s.nimda_probe = i + 1;
			break;
		}
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct ws_buf b = {0};
		ws_out_sighting(fmts[i], &b, &s);
		/* One line: a single '\n', at the end. */
		if (b.n == 0 || b.p[b.n - 1] != '\n' || memchr(b.p, '\n', b.n - 1))
			abort();
		if (fmts[i] != WS_OUT_CSV) {
			json_error_t je;
			json_t *j = json_loadb(b.p, b.n, JSON_ALLOW_NUL, &je);
			if (!j || !json_is_object(j))
				abort();
			json_decref(j);
		}
		ws_buf_free(&b);
	}
}

static void classify(const struct ws_request *req)
{
	struct ws_verdict v;
	bool hit = ws_classify(req, &v);
	check_verdict(hit, &v);
	if (hit)
		check_sightings(req, &v);
}

static void from_line(const uint8_t *data, size_t size)
{
	char *line = fz_copy(data, size);
	struct ws_request req;
	if (ws_parse_ncsa(line, size, &req) == WS_PARSE_OK)
		classify(&req);
	free(line);
}

static void from_bytes(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	size_t left = size - 2;
	const uint8_t *p = data + 2;
	size_t mn = data[0] < left ? data[0] : left;
	left -= mn;
	size_t pn = data[1] < left ? data[1] : left;
	left -= pn;
	size_t qn = left;
	char *m = fz_copy(p, mn);
	char *pa = fz_copy(p + mn, pn);
	char *q = fz_copy(p + mn + pn, qn);
	static const enum ws_target_form forms[] = {WS_TARGET_RAW, WS_TARGET_DECODED,
						    WS_TARGET_FSPATH};
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		for (int proto = 0; proto < 2; proto++) {
			struct ws_request req;
			ws_request_reset(&req);
			req.method = (struct ws_str){m, mn};
			req.path = (struct ws_str){pa, pn};
			req.query = (struct ws_str){q, qn};
			req.has_query = qn > 0;
			req.form = forms[f];
			req.proto_logged = proto != 0;
			req.proto = proto ? (struct ws_str){"HTTP/1.0", 8} : WS_STR_NULL;
			req.status = 404;
			classify(&req);
		}
	}
	free(m);
	free(pa);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	from_line(data, size);
	from_bytes(data, size);
	return 0;
}
