/* SPDX-License-Identifier: MIT */
/* The guard's settings: defaults, one setter shared by the command line and
 * the config file (keys are the long option names, masscan's convention),
 * and the file reader. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard/guard.h"
#include "util/mem.h"

#define CONF_LINE_MAX 1023
#define CONF_FILE_MAX (1 << 20)

static const char *const action_names[] = {"close", "reject", "tarpit"};

const char *ws_guard_action_name(enum ws_guard_action a)
{
	return (unsigned)a < 3 ? action_names[a] : "?";
}

/* Code Red I and II scan with 100 / 300-600 threads per host and wait on
 * each connection ([eEye-AL20010717], [Friedl01]): holding those connections open without
 * answering is exactly what LaBrea did to slow them. Nimda and the others
 * try many URLs in sequence, so a quick 403 is cheaper for both sides than a
 * held socket; Sumthin's "GET /" is harmless, so it is closed. */
enum ws_guard_action ws_guard_default_action(int worm)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	if (worm < 0 || worm >= n)
		return WS_ACT_REJECT;
	const char *id = t[worm]->id;
	if (strcmp(id, "code-red") == 0 || strcmp(id, "code-red-ii") == 0)
		return WS_ACT_TARPIT;
	if (strcmp(id, "sumthin") == 0)
		return WS_ACT_CLOSE;
	return WS_ACT_REJECT;
}

void ws_guard_conf_init(struct ws_guard_conf *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < WS_MAX_WORMS; i++)
		c->action[i] = ws_guard_default_action(i);
	c->max_conns = 4096;
	c->max_tarpit = 256;
	c->max_headers = 100;
	c->max_head = 16384;
	c->source_rate = 50;
	c->source_burst = 200;
	/* max-conns / 128: it takes at least 128 addresses to fill the default
	 * table (issue 11's attack came from about 80), while a client behind
	 * a NAT still has room for several browsers' worth of connections. */
	c->source_conns = 32;
	c->header_timeout = 10;
	c->idle_timeout = 60;
	c->body_timeout = 30;
	c->connect_timeout = 5;
	c->upstream_timeout = 60;
	c->tarpit_timeout = 600;
	c->drain_timeout = 30;
	c->threads = 1;
}

void ws_guard_conf_free(struct ws_guard_conf *c)
{
	for (size_t i = 0; i < c->npairs; i++) {
		free(c->pairs[i].listen);
		free(c->pairs[i].upstream);
	}
	free(c->pairs);
	c->pairs = NULL;
	c->npairs = 0;
}

bool ws_guard_sockaddr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return false;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return false;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return true;
	}
	return false;
}

static int num(const char *key, const char *val, double lo, double hi, double *out,
	       struct ws_err *err)
{
	char *end;
	errno = 0;
	double v = strtod(val, &end);
	if (errno || end == val || *end || !(v >= lo && v <= hi))
		return ws_err_set(err, WS_EUSAGE, "--%s: '%s' is not a number in [%g, %g]", key,
				  val, lo, hi);
	*out = v;
	return 0;
}

static int set_action(struct ws_guard_conf *c, const char *val, struct ws_err *err)
{
	const char *eq = strchr(val, '=');
	if (!eq)
		return ws_err_set(err, WS_EUSAGE, "--action: '%s' is not WORM=ACTION", val);
	int a = -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(eq + 1, action_names[i]) == 0)
			a = i;
	if (a < 0)
		return ws_err_set(err, WS_EUSAGE,
				  "--action: '%s': action must be close, reject or tarpit", val);
	char id[64];
	if ((size_t)(eq - val) >= sizeof(id))
		return ws_err_set(err, WS_EUSAGE, "--action: '%s': unknown worm", val);
	memcpy(id, val, (size_t)(eq - val));
	id[eq - val] = '\0';
	int nw;
	ws_worms(&nw);
	if (strcmp(id, "all") == 0) {
		for (int i = 0; i < nw; i++)
			c->action[i] = (enum ws_guard_action)a;
		return 0;
	}
	int w = ws_worm_index(id);
	if (w < 0)
		return ws_err_set(err, WS_EUSAGE,
				  "--action: unknown worm '%s' (see wormscope worms, or 'all')", id);
	c->action[w] = (enum ws_guard_action)a;
	return 0;
}

int ws_guard_conf_set(struct ws_guard_conf *c, const char *key, const char *val,
		      struct ws_err *err)
{
	static const struct {
		const char *key;
		size_t off;
		bool integer;
		double lo, hi;
	} nums[] = {
		{"max-conns", offsetof(struct ws_guard_conf, max_conns), true, 1, 1e6},
		{"max-tarpit", offsetof(struct ws_guard_conf, max_tarpit), true, 0, 1e6},
		{"max-headers", offsetof(struct ws_guard_conf, max_headers), true, 1, 10000},
		{"max-head", offsetof(struct ws_guard_conf, max_head), true, 256, 1 << 20},
		{"source-burst", offsetof(struct ws_guard_conf, source_burst), true, 1, 1e6},
		{"source-conns", offsetof(struct ws_guard_conf, source_conns), true, 0, 1e6},
		{"source-rate", offsetof(struct ws_guard_conf, source_rate), false, 0, 1e6},
		{"header-timeout", offsetof(struct ws_guard_conf, header_timeout), false, 0.01, 3600},
		{"idle-timeout", offsetof(struct ws_guard_conf, idle_timeout), false, 0.01, 86400},
		{"body-timeout", offsetof(struct ws_guard_conf, body_timeout), false, 0.01, 3600},
		{"connect-timeout", offsetof(struct ws_guard_conf, connect_timeout), false, 0.01,
		 3600},
		{"upstream-timeout", offsetof(struct ws_guard_conf, upstream_timeout), false, 0.01,
		 86400},
		{"tarpit-timeout", offsetof(struct ws_guard_conf, tarpit_timeout), false, 0.01,
		 86400},
		{"drain-timeout", offsetof(struct ws_guard_conf, drain_timeout), false, 0, 3600},
		{"threads", offsetof(struct ws_guard_conf, threads), true, 1, 64},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key) != 0)
			continue;
		double v = 0;
		int rc = num(key, val, nums[i].lo, nums[i].hi, &v, err);
		if (rc)
			return rc;
		char *field = (char *)c + nums[i].off;
		if (nums[i].integer) {
			if (v != (double)(unsigned)v)
				return ws_err_set(err, WS_EUSAGE, "--%s: '%s' is not a whole number",
						  key, val);
			*(unsigned *)field = (unsigned)v;
		} else {
			*(double *)field = v;
		}
		return 0;
	}
	if (strcmp(key, "action") == 0)
		return set_action(c, val, err);
	struct sockaddr_storage ss;
	socklen_t sl;
	if (strcmp(key, "listen") == 0 || strcmp(key, "upstream") == 0) {
		if (!ws_guard_sockaddr(val, &ss, &sl))
			return ws_err_set(err, WS_EUSAGE, "--%s: '%s' is not ADDR:PORT", key, val);
	}
	/* --listen and --upstream pair up in the order given, either first. */
	if (strcmp(key, "listen") == 0 || strcmp(key, "upstream") == 0) {
		bool is_listen = key[0] == 'l';
		struct ws_guard_pair *last = c->npairs ? &c->pairs[c->npairs - 1] : NULL;
		if (!last || (is_listen ? last->listen != NULL : last->upstream != NULL)) {
			c->pairs = ws_xreallocarray(c->pairs, c->npairs + 1, sizeof(*c->pairs));
			last = &c->pairs[c->npairs++];
			*last = (struct ws_guard_pair){NULL, NULL};
		}
		if (is_listen)
			last->listen = ws_xstrdup(val);
		else
			last->upstream = ws_xstrdup(val);
		return 0;
	}
	return ws_err_set(err, WS_EUSAGE, "unknown setting '%s'", key);
}

int ws_guard_conf_check(const struct ws_guard_conf *c, struct ws_err *err)
{
	if (c->npairs == 0)
		return ws_err_set(err, WS_EUSAGE, "nothing to guard: give --listen and --upstream "
						  "(or a --config with listen lines)");
	for (size_t i = 0; i < c->npairs; i++) {
		if (!c->pairs[i].listen)
			return ws_err_set(err, WS_EUSAGE, "--upstream %s needs a --listen",
					  c->pairs[i].upstream);
		if (!c->pairs[i].upstream)
			return ws_err_set(err, WS_EUSAGE, "--listen %s needs an --upstream",
					  c->pairs[i].listen);
		for (size_t k = 0; k < i; k++)
			if (strcmp(c->pairs[k].listen, c->pairs[i].listen) == 0)
				return ws_err_set(err, WS_EUSAGE, "--listen %s given twice",
						  c->pairs[i].listen);
	}
	if (c->max_tarpit > c->max_conns)
		return ws_err_set(err, WS_EUSAGE, "--max-tarpit exceeds --max-conns");
	return 0;
}

/* Splits a line into at most 4 whitespace-separated words. */
static int words(char *s, char **w)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 4)
			return 5;
		w[n++] = t;
	}
	return n;
}

/* One line (NUL-terminated, comment stripped): "KEY VALUE" or
 * "listen A upstream B". Returns 0 or WS_EUSAGE with e filled. */
static int conf_line(struct ws_guard_conf *c, char *line, struct ws_err *e)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *w[4];
	int n = words(line, w);
	if (n == 0)
		return 0;
	if (n == 4 && strcmp(w[0], "listen") == 0 && strcmp(w[2], "upstream") == 0) {
		int rc = ws_guard_conf_set(c, "listen", w[1], e);
		return rc ? rc : ws_guard_conf_set(c, "upstream", w[3], e);
	}
	if (n == 2)
		return ws_guard_conf_set(c, w[0], w[1], e);
	return ws_err_set(e, WS_EUSAGE,
			  "expected 'KEY VALUE' or 'listen ADDR:PORT upstream ADDR:PORT'");
}

int ws_guard_conf_parse(struct ws_guard_conf *c, const char *name, const char *text, size_t len,
			struct ws_err *err)
{
	char line[CONF_LINE_MAX + 1];
	unsigned lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		lineno++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		if (n > CONF_LINE_MAX)
			return ws_err_set(err, WS_EUSAGE, "%s:%u: line too long", name, lineno);
		if (memchr(text + pos, '\0', n))
			return ws_err_set(err, WS_EUSAGE, "%s:%u: NUL byte", name, lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		struct ws_err e;
		if (conf_line(c, line, &e) != 0)
			return ws_err_set(err, WS_EUSAGE, "%s:%u: %s", name, lineno, e.msg);
	}
	return 0;
}

int ws_guard_conf_load(struct ws_guard_conf *c, const char *path, struct ws_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
	char *buf = ws_xmalloc(CONF_FILE_MAX + 1);
	size_t n = fread(buf, 1, CONF_FILE_MAX + 1, f);
	int rc = 0;
	if (ferror(f))
		rc = ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
	else if (n > CONF_FILE_MAX)
		rc = ws_err_set(err, WS_EUSAGE, "%s: larger than %d bytes", path, CONF_FILE_MAX);
	else
		rc = ws_guard_conf_parse(c, path, buf, n, err);
	free(buf);
	fclose(f);
	return rc;
}
