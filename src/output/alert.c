/* SPDX-License-Identifier: MIT */
/* Behavioural alerts in every output format (alert.h). */
#include "output/alert.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/addr.h"
#include "util/escape.h"
#include "util/time.h"

#define RULE_SID_BASE 1902000u

static void ts_iso(int64_t ts, char *out, size_t n)
{
	(void)n; /* callers pass at least 40 bytes */
	ws_time_format_iso(ts, out);
}

uint32_t ws_out_alert_sid(const struct ws_alert *a)
{
	switch (a->kind) {
	case WS_ALERT_SCANNER: return WS_BEHAV_SID_SCANNER;
	case WS_ALERT_NEW_WORM: return WS_BEHAV_SID_NEW_WORM;
	case WS_ALERT_OUTBREAK: return WS_BEHAV_SID_OUTBREAK;
	}
	return 0;
}

static const char *msg_of(const struct ws_alert *a)
{
	switch (a->kind) {
	case WS_ALERT_SCANNER: return "scanner (threshold random walk)";
	case WS_ALERT_NEW_WORM: return "new worm (content prevalence and address dispersion)";
	case WS_ALERT_OUTBREAK: return "unknown outbreak (request shape growing exponentially)";
	}
	return "?";
}

static void j_addr(struct ws_buf *b, const char *key, const struct ws_addr *a)
{
	char t[64];
	if (a->fam)
		ws_buf_printf(b, ",\"%s\":\"%s\"", key, ws_addr_format(a, t, sizeof(t)));
	else
		ws_buf_printf(b, ",\"%s\":null", key);
}

static void j_str(struct ws_buf *b, const char *key, const char *p, size_t n)
{
	ws_buf_printf(b, ",\"%s\":\"", key);
	ws_esc_json(b, p, n);
	ws_buf_addc(b, '"');
}

/* The fields each kind adds, as JSON members (leading comma). */
static void j_details(struct ws_buf *b, const struct ws_alert *a)
{
	switch (a->kind) {
	case WS_ALERT_SCANNER:
		ws_buf_printf(b, ",\"first_contacts\":%u,\"failures\":%u,\"successes\":%u"
				 ",\"attempts\":%u",
			      a->first_contacts, a->failures, a->successes, a->attempts);
		break;
	case WS_ALERT_NEW_WORM: {
		j_str(b, "content", (const char *)a->content, a->content_len);
		ws_buf_printf(b, ",\"sources\":%" PRIu64 ",\"destinations\":%" PRIu64
				 ",\"occurrences\":%" PRIu64 ",\"dst_port\":%u",
			      a->sources, a->destinations, a->occurrences, a->dport);
		if (a->known)
			j_str(b, "known", a->known, strlen(a->known));
		else
			ws_buf_adds(b, ",\"known\":null");
		break;
	}
	case WS_ALERT_OUTBREAK:
		j_str(b, "shape", a->shape, strlen(a->shape));
		ws_buf_printf(b, ",\"sources\":%" PRIu64 ",\"requests\":%" PRIu64
				 ",\"growth_per_hour\":%.3f,\"alpha\":%.3f,\"interval_s\":%u",
			      a->sources, a->occurrences, a->growth_per_hour, a->alpha, a->interval_s);
		break;
	}
}

static void out_jsonl(struct ws_buf *b, const struct ws_alert *a, const char *file, bool sim)
{
	char ts[40];
	ts_iso(a->ts, ts, sizeof(ts));
	ws_buf_printf(b, "{\"ts\":\"%s\",\"worm\":\"%s\"", ts, ws_alert_kind_name(a->kind));
	if (a->ts_us)
		ws_buf_printf(b, ",\"ts_us\":%lld", (long long)a->ts_us);
	j_addr(b, "src", &a->src);
	ws_buf_printf(b, ",\"sid\":%u", ws_out_alert_sid(a));
	j_details(b, a);
	if (a->kind == WS_ALERT_NEW_WORM) {
		struct ws_buf r = {0};
		ws_out_alert_rule(&r, a, 1);
		j_str(b, "suricata_rule", r.p, r.n);
		r.n = 0;
		ws_out_alert_entry(&r, a, 1);
		j_str(b, "worm_entry", r.p, r.n);
		ws_buf_free(&r);
	}
	j_str(b, "file", file, strlen(file));
	if (sim)
		ws_buf_adds(b, ",\"simulated\":true");
	ws_buf_adds(b, "}\n");
}

/* The sightings' columns: ts,src,src_port,dst,dst_port,worm,confidence,
 * signature,sid,variant,nimda_probe,method,uri,proto,status,bytes,host,
 * agent,file,line,compromised,inside_home_net,simulated,evasion. An alert
 * puts its kind in worm, "behaviour" in confidence, its counts in variant
 * and its content or shape in uri. */
static void out_csv(struct ws_buf *b, const struct ws_alert *a, const char *file, bool sim)
{
	char ts[40], ad[64];
	ts_iso(a->ts, ts, sizeof(ts));
	ws_buf_printf(b, "%s,%s,,,", ts, a->src.fam ? ws_addr_format(&a->src, ad, sizeof(ad)) : "");
	if (a->kind == WS_ALERT_NEW_WORM)
		ws_buf_printf(b, "%u", a->dport);
	ws_buf_printf(b, ",%s,behaviour,behav.%s,%u,", ws_alert_kind_name(a->kind),
		      ws_alert_kind_name(a->kind), ws_out_alert_sid(a));
	char v[160];
	switch (a->kind) {
	case WS_ALERT_SCANNER:
		snprintf(v, sizeof(v), "first_contacts=%u;failures=%u;successes=%u",
			 a->first_contacts, a->failures, a->successes);
		break;
	case WS_ALERT_NEW_WORM:
		snprintf(v, sizeof(v), "sources=%" PRIu64 ";destinations=%" PRIu64 ";known=%s",
			 a->sources, a->destinations, a->known ? a->known : "");
		break;
	case WS_ALERT_OUTBREAK:
		snprintf(v, sizeof(v), "sources=%" PRIu64 ";growth_per_hour=%.3f", a->sources,
			 a->growth_per_hour);
		break;
	}
	ws_esc_csv(b, v, strlen(v));
	ws_buf_adds(b, ",,,");
	if (a->kind == WS_ALERT_NEW_WORM)
		ws_esc_csv(b, (const char *)a->content, a->content_len);
	else if (a->kind == WS_ALERT_OUTBREAK)
		ws_esc_csv(b, a->shape, strlen(a->shape));
	ws_buf_adds(b, ",,,,,,");
	ws_esc_csv(b, file, strlen(file));
	ws_buf_printf(b, ",,false,false,%s,\n", sim ? "true" : "false");
}

static void out_eve(struct ws_buf *b, const struct ws_alert *a, const char *file, bool sim)
{
	char ts[40];
	ts_iso(a->ts, ts, sizeof(ts));
	ts[19] = '\0';
	long us = a->ts_us ? (long)(((a->ts_us % 1000000) + 1000000) % 1000000) : 0;
	ws_buf_printf(b, "{\"timestamp\":\"%s.%06ld+0000\",\"event_type\":\"alert\"", ts, us);
	j_addr(b, "src_ip", &a->src);
	ws_buf_adds(b, ",\"proto\":\"TCP\"");
	if (a->kind == WS_ALERT_NEW_WORM)
		ws_buf_printf(b, ",\"dest_port\":%u", a->dport);
	int sev = a->kind == WS_ALERT_SCANNER ? 3 : 1;
	ws_buf_printf(b,
		      ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":%u,\"rev\":1,"
		      "\"signature\":\"WORMSCOPE behaviour: %s\",\"category\":\"%s\",\"severity\":%d}",
		      ws_out_alert_sid(a), msg_of(a),
		      a->kind == WS_ALERT_SCANNER ? "Detection of a Network Scan"
						  : "A Network Trojan was detected",
		      sev);
	ws_buf_printf(b, ",\"wormscope\":{\"worm\":\"%s\"", ws_alert_kind_name(a->kind));
	j_details(b, a);
	j_str(b, "file", file, strlen(file));
	if (sim)
		ws_buf_adds(b, ",\"simulated\":true");
	ws_buf_adds(b, "}}\n");
}

void ws_out_alert(enum ws_out_format f, struct ws_buf *b, const struct ws_alert *a,
		  const char *file, bool simulated)
{
	switch (f) {
	case WS_OUT_JSONL: out_jsonl(b, a, file, simulated); break;
	case WS_OUT_CSV: out_csv(b, a, file, simulated); break;
	case WS_OUT_EVE: out_eve(b, a, file, simulated); break;
	case WS_OUT_NONE: break;
	}
}

/* Suricata content: printable bytes as they are, the rest and the rule
 * language's own ("";\|:) as |hex|. */
static bool rule_plain(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && !strchr("\";\\|:", c);
}

static void rule_content(struct ws_buf *b, const uint8_t *p, size_t n)
{
	bool hex = false;
	for (size_t i = 0; i < n; i++) {
		bool plain = rule_plain(p[i]);
		if (plain && hex)
			ws_buf_addc(b, '|');
		else if (!plain)
			ws_buf_adds(b, hex ? " " : "|");
		hex = !plain;
		if (plain)
			ws_buf_addc(b, (char)p[i]);
		else
			ws_buf_printf(b, "%02X", p[i]);
	}
	if (hex)
		ws_buf_addc(b, '|');
}

void ws_out_alert_rule(struct ws_buf *b, const struct ws_alert *a, unsigned n)
{
	ws_buf_printf(b, "alert tcp any any -> any %u (msg:\"WORMSCOPE draft: new worm content\"; "
			 "flow:to_server,established; content:\"",
		      a->dport ? a->dport : 80);
	rule_content(b, a->content, a->content_len);
	ws_buf_printf(b, "\"; classtype:trojan-activity; sid:%u; rev:1;)", RULE_SID_BASE + n);
}

/* The Hyperscan pre-filter expression for the literal p[0..n): letters and
 * digits as they are, other printable bytes escaped, the rest as \xHH. */
static void hs_literal(struct ws_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			ws_buf_addc(b, (char)c);
		else if (c > 0x20 && c < 0x7f)
			ws_buf_printf(b, "\\%c", c);
		else
			ws_buf_printf(b, "\\x%02x", c);
	}
}

/* C string literal of p[0..n). */
static void c_literal(struct ws_buf *b, const uint8_t *p, size_t n)
{
	ws_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\')
			ws_buf_printf(b, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f && c != '?') /* '?': no trigraphs */
			ws_buf_addc(b, (char)c);
		else
			ws_buf_printf(b, "\\%03o", c);
	}
	ws_buf_addc(b, '"');
}

void ws_out_alert_entry(struct ws_buf *b, const struct ws_alert *a, unsigned n)
{
	/* The request target is what log lines and captures both show: take
	 * the content's first line, from the target on when it holds the
	 * request line. */
	const uint8_t *p = a->content;
	size_t len = a->content_len;
	const uint8_t *nl = memchr(p, '\r', len);
	if (!nl)
		nl = memchr(p, '\n', len);
	if (nl)
		len = (size_t)(nl - p);
	const uint8_t *sp = memchr(p, ' ', len);
	if (sp && sp - p < 16) {
		len -= (size_t)(sp + 1 - p);
		p = sp + 1;
	}
	const uint8_t *proto = len > 9 ? memmem(p, len, " HTTP/", 6) : NULL;
	if (proto)
		len = (size_t)(proto - p);
	char ts[40];
	ts_iso(a->ts, ts, sizeof(ts));
	ws_buf_printf(b,
		      "/* new-worm-%u: DRAFT from a wormscope behavioural alert (%s): content seen\n"
		      " * from %" PRIu64 " source%s to %" PRIu64 " destinations on port %u. Review it,\n"
		      " * name it, add it to table.c and write its sources here. */\n"
		      "#include <stdio.h>\n#include <string.h>\n\n#include \"worms/internal.h\"\n\n"
		      "static const struct ws_signature sigs[] = {\n"
		      "\t{1909%03u, 1, \"new-worm-%u.content\", \"request with new-worm-%u's invariant "
		      "content\", \"\"},\n};\n\n"
		      "/* The invariant part of the request target. */\nstatic const char needle[] = ",
		      n, ts, a->sources, a->sources == 1 ? "" : "s", a->destinations, a->dport,
		      n % 1000, n, n);
	c_literal(b, p, len);
	ws_buf_printf(b, ";\n\n"
			 "static bool match(const struct ws_request *r, struct ws_verdict *v)\n{\n"
			 "\tchar t[8192];\n"
			 "\tint k = snprintf(t, sizeof(t), \"%%.*s%%s%%.*s\", (int)r->path.n, r->path.p,\n"
			 "\t\t\t r->has_query ? \"?\" : \"\", (int)r->query.n, r->query.p);\n"
			 "\tif (k < 0 || !memmem(t, (size_t)k < sizeof(t) ? (size_t)k : sizeof(t) - 1,\n"
			 "\t\t\t    needle, sizeof(needle) - 1))\n"
			 "\t\treturn false;\n"
			 "\tws_verdict_set(v, WS_CONF_EXACT, &sigs[0], NULL);\n\treturn true;\n}\n\n"
			 "/* Log lines reach match() only through the pre-filter. */\n"
			 "static const char *const prefilter[] = {");
	struct ws_buf hs = {0};
	hs_literal(&hs, p, len);
	c_literal(b, (const uint8_t *)hs.p, hs.n);
	ws_buf_free(&hs);
	ws_buf_printf(b, ", NULL};\n\n"
			 "const struct ws_worm ws_worm_new_worm_%u = {\n"
			 "\t.id = \"new-worm-%u\",\n\t.name = \"new worm %u (draft)\",\n"
			 "\t.aliases = \"\",\n\t.first_seen = \"%.10s\",\n"
			 "\t.what = \"found by content prevalence; not yet reviewed\",\n"
			 "\t.log_forms = \"\",\n\t.sources = \"wormscope behavioural alert\",\n"
			 "\t.sigs = sigs,\n\t.nsigs = WS_NSIGS(sigs),\n\t.prefilter = prefilter,\n"
			 "\t.match = match,\n};\n",
		      n, n, n, ts);
}

void ws_out_alert_text(struct ws_buf *b, const struct ws_alert *a)
{
	char ts[40], ad[64];
	ts_iso(a->ts, ts, sizeof(ts));
	const char *src = a->src.fam ? ws_addr_format(&a->src, ad, sizeof(ad)) : "-";
	switch (a->kind) {
	case WS_ALERT_SCANNER:
		ws_buf_printf(b, "%s scanner %s after %u first contacts (%u failed, %u answered; %u sent)",
			      ts, src, a->first_contacts, a->failures, a->successes, a->attempts);
		break;
	case WS_ALERT_NEW_WORM:
		ws_buf_printf(b, "%s new worm to port %u from %" PRIu64 " sources to %" PRIu64
				 " destinations%s%s, content: ",
			      ts, a->dport, a->sources, a->destinations,
			      a->known ? ", also in the table as " : "", a->known ? a->known : "");
		ws_esc_text(b, (const char *)a->content, a->content_len > 200 ? 200 : a->content_len);
		break;
	case WS_ALERT_OUTBREAK:
		ws_buf_printf(b, "%s unknown outbreak: ", ts);
		ws_esc_text(b, a->shape, strlen(a->shape));
		ws_buf_printf(b, " from %" PRIu64 " sources, growing %.2f/h (x%.2f per %u s)",
			      a->sources, a->growth_per_hour, 1 + a->alpha, a->interval_s);
		break;
	}
}
