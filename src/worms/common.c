/* SPDX-License-Identifier: MIT */
/* Pieces of matching that several worm files share: the .ida request shape
 * (Code Red I, Code Red II and other .ida probes) and small predicates. */
#include <string.h>

#include "worms/internal.h"

const char ws_cr_tail[] = WS_CR_TAIL_TEXT;

void ws_verdict_set(struct ws_verdict *v, enum ws_confidence conf, const struct ws_signature *sig,
		    const char *variant)
{
	v->conf = conf;
	v->sig = sig;
	v->variant = variant;
}

bool ws_req_is_get10(const struct ws_request *r)
{
	if (!ws_str_eq(r->method, "GET"))
		return false;
	return !r->proto_logged || ws_str_eq(r->proto, "HTTP/1.0");
}

void ws_ida_shape(const struct ws_request *r, struct ws_ida_shape *s)
{
	memset(s, 0, sizeof(*s));
	s->ida_path = ws_str_iends(r->path, ".ida") || ws_str_iends(r->path, ".idq");
	if (!s->ida_path)
		return;
	s->default_ida = ws_str_eq(r->path, "/default.ida");
	struct ws_str q = r->query;
	if (q.n && (q.p[0] == 'N' || q.p[0] == 'X')) {
		s->filler = q.p[0];
		s->run = ws_str_run(q, 0, q.p[0]);
		struct ws_str rest = {q.p + s->run, q.n - s->run};
		size_t tl = sizeof(ws_cr_tail) - 1;
		s->tail_exact = rest.n == tl && memcmp(rest.p, ws_cr_tail, tl) == 0;
		s->tail_core = rest.n >= strlen(WS_CR_TAIL_CORE) &&
			       memcmp(rest.p, WS_CR_TAIL_CORE, strlen(WS_CR_TAIL_CORE)) == 0;
		s->tail_cut = rest.n < tl && memcmp(rest.p, ws_cr_tail, rest.n) == 0;
	}
	/* Bro 1.x worm.sig: \.id[aq]\?.*NNNNNNNNNNNNN (13 in a row anywhere). */
	for (size_t i = 0; i + 13 <= q.n; i++) {
		if ((q.p[i] == 'N' || q.p[i] == 'X') && ws_str_run(q, i, q.p[i]) >= 13) {
			s->loose_filler = q.p[i];
			break;
		}
	}
}

bool ws_code_red_match(const struct ws_request *r, struct ws_verdict *v, char filler,
		       const struct ws_signature *sigs)
{
	struct ws_ida_shape s;
	ws_ida_shape(r, &s);
	if (!s.ida_path)
		return false;
	if (s.filler == filler && s.run >= 100) {
		if (s.default_ida && s.run == 224 && s.tail_exact && ws_req_is_get10(r)) {
			ws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);
			return true;
		}
		if (s.tail_exact || s.tail_core || s.tail_cut) {
			const char *var = s.run != 224         ? "filler length differs from 224"
					  : s.tail_cut         ? "line cut inside the request"
					  : !s.default_ida     ? "other .ida/.idq file"
					  : !ws_req_is_get10(r) ? "method or protocol differs"
								: "tail differs";
			ws_verdict_set(v, WS_CONF_PARTIAL, &sigs[1], var);
			return true;
		}
	}
	if (s.loose_filler == filler) {
		ws_verdict_set(v, WS_CONF_HEURISTIC, &sigs[2], "filler run without Code Red's tail");
		return true;
	}
	return false;
}
