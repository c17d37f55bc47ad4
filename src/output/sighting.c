/* SPDX-License-Identifier: MIT */
/* One sighting per line in JSON Lines, CSV or Suricata EVE alert layout.
 * Field names are part of the interface (README, check-interface). */
#include <inttypes.h>
#include <string.h>

#include "output/output.h"
#include "http/normalize.h"
#include "util/addr.h"
#include "util/escape.h"
#include "util/time.h"

const char *ws_conf_name(enum ws_confidence c)
{
	switch (c) {
	case WS_CONF_EXACT: return "exact";
	case WS_CONF_PARTIAL: return "partial";
	case WS_CONF_HEURISTIC: return "heuristic";
	}
	return "?";
}

int ws_conf_parse(const char *s)
{
	for (int c = WS_CONF_HEURISTIC; c <= WS_CONF_EXACT; c++)
		if (strcmp(s, ws_conf_name((enum ws_confidence)c)) == 0)
			return c;
	return -1;
}

void ws_out_target(struct ws_buf *b, const struct ws_request *r)
{
	ws_buf_add(b, r->path.p, r->path.n);
	if (r->has_query) {
		ws_buf_addc(b, '?');
		ws_buf_add(b, r->query.p, r->query.n);
	}
}

/* JSON helpers: "key":"escaped" / "key":number / "key":null. */
static void j_str(struct ws_buf *b, const char *key, const char *p, size_t n)
{
	ws_buf_adds(b, ",\"");
	ws_buf_adds(b, key);
	ws_buf_adds(b, "\":\"");
	ws_esc_json(b, p, n);
	ws_buf_addc(b, '"');
}

static void j_int(struct ws_buf *b, const char *key, long long v, bool known)
{
	ws_buf_adds(b, ",\"");
	ws_buf_adds(b, key);
	ws_buf_adds(b, "\":");
	if (known)
		ws_buf_addll(b, v);
	else
		ws_buf_adds(b, "null");
}

/* The target as logged, escaped in place (no copy of a 30 KB target). */
static void json_target(struct ws_buf *b, const struct ws_request *r)
{
	ws_esc_json(b, r->path.p, r->path.n);
	if (r->has_query) {
		ws_buf_addc(b, '?');
		ws_esc_json(b, r->query.p, r->query.n);
	}
}

static void j_target(struct ws_buf *b, const char *key, const struct ws_request *r)
{
	ws_buf_adds(b, ",\"");
	ws_buf_adds(b, key);
	ws_buf_adds(b, "\":\"");
	json_target(b, r);
	ws_buf_addc(b, '"');
}

static void j_opt_str(struct ws_buf *b, const char *key, struct ws_str s)
{
	if (s.n)
		j_str(b, key, s.p, s.n);
	else
		j_int(b, key, 0, false);
}


static void j_addr(struct ws_buf *b, const char *key, const struct ws_addr *a)
{
	char t[64];
	if (a->fam) {
		ws_addr_format(a, t, sizeof(t));
		j_str(b, key, t, strlen(t));
	} else {
		j_int(b, key, 0, false);
	}
}

static void ts_text(const struct ws_request *r, char *out)
{
	if (r->ts_known)
		ws_time_format_iso(r->ts, out);
	else
		out[0] = '\0';
}

/* ,"evasion":["percent","case"]: the encodings the match had to see
 * through (http/normalize.h). */
static void j_evasion(struct ws_buf *b, uint32_t flags)
{
	ws_buf_adds(b, ",\"evasion\":[");
	for (int i = 0, k = 0; ws_evasion_name(i); i++)
		if (flags & (1u << i))
			ws_buf_printf(b, "%s\"%s\"", k++ ? "," : "", ws_evasion_name(i));
	ws_buf_addc(b, ']');
}

/* ,"odd_fields":["client","time"]: fields of the line that were not what
 * they should be (wormscope/request.h WS_ODD_*). */
static void j_odd(struct ws_buf *b, unsigned odd)
{
	static const char *const name[] = {"client", "user", "time"};
	ws_buf_adds(b, ",\"odd_fields\":[");
	for (unsigned i = 0, k = 0; i < sizeof(name) / sizeof(name[0]); i++)
		if (odd & (1u << i))
			ws_buf_printf(b, "%s\"%s\"", k++ ? "," : "", name[i]);
	ws_buf_addc(b, ']');
}

static const struct ws_worm *worm_of(const struct ws_sighting *s)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	return t[s->v->worm];
}

static void out_jsonl(struct ws_buf *b, const struct ws_sighting *s)
{
	const struct ws_request *r = s->req;
	char ts[32];
	ts_text(r, ts);
	if (ts[0])
		ws_buf_printf(b, "{\"ts\":\"%s\"", ts);
	else
		ws_buf_adds(b, "{\"ts\":null");
	j_addr(b, "src", &r->src);
	j_int(b, "src_port", r->src_port, r->src_port >= 0);
	j_addr(b, "dst", &r->dst);
	j_int(b, "dst_port", r->dst_port, r->dst_port >= 0);
	ws_buf_printf(b, ",\"worm\":\"%s\",\"confidence\":\"%s\",\"signature\":\"%s\",\"sid\":%u",
		      worm_of(s)->id, ws_conf_name(s->v->conf), s->v->sig->name, s->v->sig->sid);
	if (s->v->variant)
		j_str(b, "variant", s->v->variant, strlen(s->v->variant));
	else
		ws_buf_adds(b, ",\"variant\":null");
	j_int(b, "nimda_probe", s->nimda_probe, s->nimda_probe > 0);
	j_opt_str(b, "method", r->method);
	j_target(b, "uri", r);
	j_opt_str(b, "proto", r->proto);
	j_int(b, "status", r->status, r->status >= 0);
	j_int(b, "bytes", r->bytes, r->bytes >= 0);
	j_opt_str(b, "host", r->host);
	j_opt_str(b, "agent", r->agent);
	j_str(b, "file", s->file, strlen(s->file));
	ws_buf_printf(b, ",\"line\":%" PRIu64 ",\"compromised\":%s,\"inside_home_net\":%s",
		      s->line, s->compromised ? "true" : "false", s->inside ? "true" : "false");
	if (r->truncated)
		ws_buf_adds(b, ",\"truncated\":true");
	if (s->v->evasion)
		j_evasion(b, s->v->evasion);
	if (r->odd)
		j_odd(b, r->odd);
	if (s->simulated)
		ws_buf_adds(b, ",\"simulated\":true");
	ws_buf_adds(b, "}\n");
}

static const char csv_header[] =
	"ts,src,src_port,dst,dst_port,worm,confidence,signature,sid,variant,nimda_probe,method,uri,"
	"proto,status,bytes,host,agent,file,line,compromised,inside_home_net,simulated,evasion\n";

static void c_field(struct ws_buf *b, const char *p, size_t n, bool last)
{
	ws_esc_csv(b, p, n);
	ws_buf_addc(b, last ? '\n' : ',');
}

static void c_num(struct ws_buf *b, long long v, bool known)
{
	if (known)
		ws_buf_printf(b, "%lld", v);
	ws_buf_addc(b, ',');
}

static void out_csv(struct ws_buf *b, const struct ws_sighting *s)
{
	const struct ws_request *r = s->req;
	char ts[32], a[64];
	ts_text(r, ts);
	ws_buf_adds(b, ts);
	ws_buf_addc(b, ',');
	if (r->src.fam)
		ws_buf_adds(b, ws_addr_format(&r->src, a, sizeof(a)));
	ws_buf_addc(b, ',');
	c_num(b, r->src_port, r->src_port >= 0);
	if (r->dst.fam)
		ws_buf_adds(b, ws_addr_format(&r->dst, a, sizeof(a)));
	ws_buf_addc(b, ',');
	c_num(b, r->dst_port, r->dst_port >= 0);
	ws_buf_printf(b, "%s,%s,%s,%u,", worm_of(s)->id, ws_conf_name(s->v->conf), s->v->sig->name,
		      s->v->sig->sid);
	if (s->v->variant)
		ws_esc_csv(b, s->v->variant, strlen(s->v->variant));
	ws_buf_addc(b, ',');
	c_num(b, s->nimda_probe, s->nimda_probe > 0);
	c_field(b, r->method.p, r->method.n, false);
	struct ws_buf t = {0};
	ws_out_target(&t, r);
	c_field(b, t.p ? t.p : "", t.n, false);
	ws_buf_free(&t);
	c_field(b, r->proto.p, r->proto.n, false);
	c_num(b, r->status, r->status >= 0);
	c_num(b, r->bytes, r->bytes >= 0);
	c_field(b, r->host.p, r->host.n, false);
	c_field(b, r->agent.p, r->agent.n, false);
	c_field(b, s->file, strlen(s->file), false);
	ws_buf_printf(b, "%" PRIu64 ",%s,%s,%s,", s->line, s->compromised ? "true" : "false",
		      s->inside ? "true" : "false", s->simulated ? "true" : "false");
	/* "percent;case": the list's own separator cannot be the field's */
	char ev[256];
	ws_evasion_list(s->v->evasion, ev, sizeof(ev));
	for (char *c = ev; *c; c++)
		*c = *c == ',' ? ';' : *c;
	ws_buf_adds(b, ev);
	ws_buf_addc(b, '\n');
}

/* Suricata EVE "alert" records: the fields SIEM pipelines key on
 * (timestamp, event_type, src_ip/dest_ip, alert.signature_id/rev/signature,
 * http.*), with wormscope's own details under "wormscope". */
static void out_eve(struct ws_buf *b, const struct ws_sighting *s)
{
	const struct ws_request *r = s->req;
	const struct ws_worm *w = worm_of(s);
	char ts[32];
	ts_text(r, ts);
	if (ts[0]) {
		ts[19] = '\0'; /* drop the Z: EVE writes .uuuuuu+0000 */
		ws_buf_printf(b, "{\"timestamp\":\"%s.000000+0000\"", ts);
	} else {
		ws_buf_adds(b, "{\"timestamp\":null");
	}
	ws_buf_adds(b, ",\"event_type\":\"alert\"");
	j_addr(b, "src_ip", &r->src);
	if (r->src_port >= 0)
		ws_buf_printf(b, ",\"src_port\":%d", r->src_port);
	j_addr(b, "dest_ip", &r->dst);
	ws_buf_printf(b, ",\"dest_port\":%d", r->dst_port >= 0 ? r->dst_port : 80);
	ws_buf_adds(b, ",\"proto\":\"TCP\",\"app_proto\":\"http\"");
	int severity = s->compromised ? 1 : s->v->conf == WS_CONF_EXACT ? 2 : 3;
	ws_buf_printf(b,
		      ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":%u,\"rev\":%u,"
		      "\"signature\":\"WORMSCOPE %s\",\"category\":\"%s\",\"severity\":%d,"
		      "\"metadata\":{\"worm\":[\"%s\"],\"confidence\":[\"%s\"],\"reference\":[",
		      s->v->sig->sid, s->v->sig->rev, s->v->sig->msg,
		      s->compromised ? "Successful Administrator Privilege Gain"
				     : "Web Application Attack",
		      severity, w->id, ws_conf_name(s->v->conf));
	const char *p = s->v->sig->refs;
	for (bool first = true; p && *p; first = false) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		ws_buf_printf(b, "%s\"%.*s\"", first ? "" : ",", (int)n, p);
		p = c ? c + 1 : p + n;
	}
	ws_buf_printf(b, "],\"compromised\":[\"%s\"]", s->compromised ? "true" : "false");
	if (s->v->evasion)
		j_evasion(b, s->v->evasion);
	ws_buf_adds(b, "}}");
	ws_buf_adds(b, ",\"http\":{\"url\":\"");
	json_target(b, r);
	ws_buf_addc(b, '"');
	if (r->host.n)
		j_str(b, "hostname", r->host.p, r->host.n);
	if (r->method.n)
		j_str(b, "http_method", r->method.p, r->method.n);
	if (r->proto.n)
		j_str(b, "protocol", r->proto.p, r->proto.n);
	if (r->status >= 0)
		ws_buf_printf(b, ",\"status\":%d", r->status);
	if (r->bytes >= 0)
		ws_buf_printf(b, ",\"length\":%lld", (long long)r->bytes);
	if (r->agent.n)
		j_str(b, "http_user_agent", r->agent.p, r->agent.n);
	ws_buf_adds(b, "},\"wormscope\":{\"file\":\"");
	ws_esc_json(b, s->file, strlen(s->file));
	ws_buf_printf(b, "\",\"line\":%" PRIu64 ",\"inside_home_net\":%s", s->line,
		      s->inside ? "true" : "false");
	if (s->v->variant)
		j_str(b, "variant", s->v->variant, strlen(s->v->variant));
	if (s->simulated)
		ws_buf_adds(b, ",\"simulated\":true");
	ws_buf_adds(b, "}}\n");
}

void ws_out_sighting(enum ws_out_format f, struct ws_buf *b, const struct ws_sighting *s)
{
	switch (f) {
	case WS_OUT_JSONL: out_jsonl(b, s); break;
	case WS_OUT_CSV: out_csv(b, s); break;
	case WS_OUT_EVE: out_eve(b, s); break;
	case WS_OUT_NONE: break;
	}
}

void ws_out_header(enum ws_out_format f, struct ws_buf *b)
{
	if (f == WS_OUT_CSV)
		ws_buf_adds(b, csv_header);
}
