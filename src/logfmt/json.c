/* SPDX-License-Identifier: MIT */
/* One JSON object per line, as nginx (log_format ... escape=json), Caddy,
 * Traefik, Apache mod_log_json-style templates and ECS shippers write them.
 * There is no single schema, so each request field is looked up under the key
 * names those writers use, first match wins; keys may be flat ("remote_addr"),
 * nested (Caddy's request.headers.User-Agent[0]) or dotted ECS names written
 * either way ("http.request.method" or {"http":{"request":{"method":...}}}).
 *
 * Decoded strings may hold NUL and any byte: they are data, and worm requests
 * are exactly where odd bytes turn up. They are copied into the caller's
 * scratch buffer because the parsed document is freed before we return.
 *
 * nginx without escape=json writes bytes outside printable ASCII as "\xHH",
 * which is not JSON, and escape=json writes bytes >= 0x80 raw, which need not
 * be UTF-8; jansson rejects both. Such lines are re-read once with every such
 * byte spelled as \u00HH and folded back to the single byte afterwards, so the
 * request keeps the bytes the client sent. (In that mode a line's own
 * "\u00e9" also comes back as the byte 0xe9; nginx never writes \u escapes.) */
#include <jansson.h>
#include <string.h>

#include "logfmt/fields.h"
#include "logfmt/parsers.h"
#include "util/addr.h"
#include "util/str.h"

/* Key names for each field, in order of preference. */
static const char *const k_src[] = {"remote_addr", "client_ip", "clientip", "remote_ip",
				    "src_ip", "ip", "request.remote_ip", "request.client_ip",
				    "source.address", "source.ip", "client.ip", "client.address",
				    NULL};
static const char *const k_src_port[] = {"remote_port", "request.remote_port", "source.port",
					 "client.port", NULL};
static const char *const k_xff[] = {"http_x_forwarded_for", "x_forwarded_for",
				    "request.headers.X-Forwarded-For",
				    "http.request.headers.x-forwarded-for", NULL};
static const char *const k_time[] = {"time_local", "time_iso8601", "timestamp", "time",
				     "@timestamp", "ts", "msec", "datetime", "date", NULL};
static const char *const k_reqline[] = {"request", "request_line", NULL};
static const char *const k_target[] = {"request_uri", "url", "request.uri", "url.original",
				       NULL};
static const char *const k_path[] = {"uri", "path", "url.path", NULL};
static const char *const k_query[] = {"args", "query_string", "query", "url.query", NULL};
static const char *const k_method[] = {"request_method", "method", "request.method",
				       "http.request.method", "verb", NULL};
static const char *const k_proto[] = {"server_protocol", "protocol", "request.proto",
				      "http.version", NULL};
static const char *const k_status[] = {"status", "status_code", "response",
				       "http.response.status_code", NULL};
static const char *const k_bytes[] = {"body_bytes_sent", "bytes_sent", "bytes", "size",
				      "http.response.body.bytes", NULL};
static const char *const k_agent[] = {"http_user_agent", "user_agent", "agent",
				      "user_agent.original", "request.headers.User-Agent",
				      "http.request.headers.user-agent", NULL};
static const char *const k_referer[] = {"http_referer", "referer", "referrer",
					"http.request.referrer", "request.headers.Referer", NULL};
static const char *const k_host[] = {"host", "http_host", "server_name", "request.host",
				     "url.domain", "vhost", NULL};
static const char *const k_dst[] = {"server_addr", "server_ip", "destination.address",
				    "destination.ip", NULL};
static const char *const k_dst_port[] = {"server_port", "destination.port", "url.port", NULL};

/* The value at a dotted path: the whole path as one key first, then each
 * prefix as an object holding the rest. A one-element array stands for its
 * element (Caddy logs each header as a list of values). */
static json_t *get_path(json_t *obj, const char *path)
{
	json_t *v = json_object_get(obj, path);
	for (const char *dot = strchr(path, '.'); !v && dot; dot = strchr(dot + 1, '.')) {
		char key[64];
		size_t kn = (size_t)(dot - path);
		if (kn >= sizeof(key))
			break;
		memcpy(key, path, kn);
		key[kn] = '\0';
		json_t *child = json_object_get(obj, key);
		if (json_is_object(child))
			v = get_path(child, dot + 1);
	}
	if (json_is_array(v) && json_array_size(v) > 0)
		v = json_array_get(v, 0);
	return v;
}

static json_t *find_string(json_t *obj, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = get_path(obj, *keys);
		if (json_is_string(v))
			return v;
	}
	return NULL;
}

/* Integer fields may be logged as numbers or as strings ("200", "-"). */
static long long find_int(json_t *obj, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = get_path(obj, *keys);
		if (json_is_integer(v))
			return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
		if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e15)
			return (long long)json_real_value(v);
		if (json_is_string(v))
			return ws_str_to_ll(ws_str_trim(
				(struct ws_str){json_string_value(v), json_string_length(v)}));
	}
	return -1;
}

static struct ws_str jstr(json_t *v)
{
	return (struct ws_str){json_string_value(v), json_string_length(v)};
}

static bool is_dash(struct ws_str s)
{
	return s.n == 0 || (s.n == 1 && s.p[0] == '-');
}

/* Seconds since the epoch from ISO 8601, NCSA ("[...]" or bare) or a number;
 * a number too large for seconds is taken as milliseconds (Go and JS loggers). */
static bool parse_time(json_t *v, int64_t *ts)
{
	double d = -1;
	if (json_is_integer(v))
		d = (double)json_integer_value(v);
	else if (json_is_real(v))
		d = json_real_value(v);
	if (json_is_number(v)) {
		if (d > 1e11)
			d /= 1000;
		if (d < 0 || d > 253402300799.0) /* year 9999 */
			return false;
		*ts = (int64_t)d;
		return true;
	}
	if (!json_is_string(v))
		return false;
	struct ws_str s = ws_str_trim(jstr(v));
	if (s.n > 2 && s.p[0] == '[' && s.p[s.n - 1] == ']')
		s = (struct ws_str){s.p + 1, s.n - 2};
	if (ws_time_parse_iso(s, ts) || ws_time_parse_ncsa(s, ts))
		return true;
	/* nginx $msec as a string: "996749298.123" */
	const char *dot = memchr(s.p, '.', s.n);
	long long sec = ws_str_to_ll((struct ws_str){s.p, dot ? (size_t)(dot - s.p) : s.n});
	if (sec < 0 || sec > 253402300799LL)
		return false;
	*ts = sec;
	return true;
}

static int port_of(long long p)
{
	return p >= 0 && p <= 65535 ? (int)p : -1;
}

/* Builds the \u00HH spelling of a line jansson refused (see the file
 * comment) into out. */
static void widen_bytes(const char *p, size_t n, struct ws_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\\' && i + 3 < n && p[i + 1] == 'x') {
			ws_buf_add(out, "\\u00", 4);
			ws_buf_add(out, p + i + 2, 2);
			i += 3;
		} else if (c == '\\' && i + 1 < n) {
			ws_buf_add(out, p + i, 2); /* keeps \\x as an escaped backslash */
			i++;
		} else if (c >= 0x80) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ws_buf_add(out, e, sizeof(e));
		} else {
			ws_buf_addc(out, (char)c);
		}
	}
}

/* Appends a decoded string; in widened mode U+0080..U+00FF (C2/C3 xx) go
 * back to the single bytes they stood for. */
static void add_str(struct ws_buf *b, struct ws_str s, bool widened)
{
	if (!widened) {
		ws_buf_add(b, s.p, s.n);
		return;
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if ((c == 0xc2 || c == 0xc3) && i + 1 < s.n) {
			ws_buf_addc(b, (char)(((c & 0x03) << 6) | (s.p[i + 1] & 0x3f)));
			i++;
		} else {
			ws_buf_addc(b, (char)c);
		}
	}
}

enum { S_REQLINE, S_TARGET, S_PATH, S_QUERY, S_METHOD, S_PROTO, S_AGENT, S_REFERER, S_HOST, S_N };

int ws_parse_json(const char *line, size_t n, struct ws_request *req, struct ws_buf *scratch)
{
	ws_request_reset(req);
	scratch->n = 0;
	ws_buf_reserve(scratch, 0); /* views below point into it even when empty */
	const char *p = line, *end = line + n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p == end)
		return WS_PARSE_SKIP;
	if (*p != '{')
		return WS_PARSE_BAD;

	json_error_t jerr;
	json_t *root = json_loadb(p, (size_t)(end - p), JSON_ALLOW_NUL, &jerr);
	bool widened = false;
	if (!root) {
		widen_bytes(p, (size_t)(end - p), scratch);
		root = json_loadb(scratch->p, scratch->n, JSON_ALLOW_NUL, &jerr);
		scratch->n = 0;
		widened = true;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return WS_PARSE_BAD;
	}

	json_t *s[S_N] = {
		[S_REQLINE] = find_string(root, k_reqline), [S_TARGET] = find_string(root, k_target),
		[S_PATH] = find_string(root, k_path),       [S_QUERY] = find_string(root, k_query),
		[S_METHOD] = find_string(root, k_method),   [S_PROTO] = find_string(root, k_proto),
		[S_AGENT] = find_string(root, k_agent),     [S_REFERER] = find_string(root, k_referer),
		[S_HOST] = find_string(root, k_host),
	};
	/* ECS logs the bare version ("1.1"); the request wants "HTTP/1.1". */
	json_t *ecs_version = get_path(root, "http.version");
	bool proto_prefix = s[S_PROTO] && s[S_PROTO] == ecs_version;

	/* Copy first, point later: scratch may move while it grows. */
	size_t off[S_N], len[S_N];
	for (int i = 0; i < S_N; i++) {
		off[i] = scratch->n;
		if (i == S_PROTO && proto_prefix)
			ws_buf_add(scratch, "HTTP/", 5);
		if (s[i])
			add_str(scratch, jstr(s[i]), widened);
		len[i] = scratch->n - off[i];
	}

	json_t *v = find_string(root, k_src);
	if (v && !ws_addr_parse(jstr(v), &req->src, &req->src_port))
		req->odd |= WS_ODD_CLIENT;
	long long port = find_int(root, k_src_port);
	if (port >= 0)
		req->src_port = port_of(port);
	v = find_string(root, k_xff);
	struct ws_addr fwd;
	if (v && ws_xff_first(jstr(v), &fwd))
		req->src = fwd;
	v = find_string(root, k_dst);
	if (v)
		ws_addr_parse(jstr(v), &req->dst, NULL);
	req->dst_port = port_of(find_int(root, k_dst_port));
	long long st = find_int(root, k_status);
	req->status = st >= 100 && st <= 999 ? (int)st : -1;
	req->bytes = find_int(root, k_bytes);
	for (const char *const *k = k_time; *k && !req->ts_known; k++)
		req->ts_known = parse_time(get_path(root, *k), &req->ts);
	json_decref(root);

	struct ws_str f[S_N];
	for (int i = 0; i < S_N; i++)
		f[i] = (struct ws_str){scratch->p + off[i], len[i]};

	bool have_target = false;
	if (s[S_REQLINE] && !is_dash(f[S_REQLINE])) {
		have_target = ws_split_request_line(f[S_REQLINE].p, f[S_REQLINE].n, req);
		if (!have_target) {
			/* One token, such as a bare "/scripts/root.exe": no method. */
			ws_split_target(f[S_REQLINE].p, f[S_REQLINE].n, req);
			have_target = true;
		}
	} else if (s[S_TARGET] && !is_dash(f[S_TARGET])) {
		ws_split_target(f[S_TARGET].p, f[S_TARGET].n, req);
		have_target = true;
	} else if (s[S_PATH] && !is_dash(f[S_PATH])) {
		req->path = f[S_PATH];
		struct ws_str q = f[S_QUERY];
		if (q.n && q.p[0] == '?')
			q = (struct ws_str){q.p + 1, q.n - 1};
		req->query = q;
		req->has_query = s[S_QUERY] && !is_dash(q);
		if (!req->has_query)
			req->query = (struct ws_str){req->path.p + req->path.n, 0};
		have_target = true;
	}
	if (!have_target)
		return WS_PARSE_SKIP;

	if (!req->method.n && s[S_METHOD] && !is_dash(f[S_METHOD]))
		req->method = f[S_METHOD];
	if (!req->proto.n && s[S_PROTO] && !is_dash(f[S_PROTO]))
		req->proto = f[S_PROTO];
	/* Without a request line or a protocol key the format does not record it. */
	req->proto_logged = (s[S_REQLINE] && !is_dash(f[S_REQLINE])) || s[S_PROTO];
	if (s[S_AGENT])
		req->agent = f[S_AGENT];
	if (s[S_REFERER])
		req->referer = f[S_REFERER];
	if (s[S_HOST])
		req->host = f[S_HOST];
	req->form = WS_TARGET_RAW;
	return WS_PARSE_OK;
}
