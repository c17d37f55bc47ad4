/* SPDX-License-Identifier: MIT */
/* `wormscope guard`: a reverse proxy that answers worm requests itself.
 *
 * The guard owns its listeners, connections and timers on one libevent
 * event base. The caller (cli/guard_cmd.c) owns everything that touches the
 * outside world beyond sockets: where sightings go (a sink callback), where
 * log lines go, privilege dropping and the configuration file.
 *
 * Why libevent (2.1, Debian's libevent-dev): it is mature and maintained in
 * Debian, its bufferevents give per-direction buffers with watermarks (the
 * back-pressure a proxy needs so a slow reader never makes us buffer a
 * whole body), evconnlistener and signal/timer events cover the rest, and it
 * runs on any kernel; liburing would tie the guard to recent kernels for a
 * workload that is bound by syscalls per request, not by readiness. */
#ifndef WS_GUARD_GUARD_H
#define WS_GUARD_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "output/output.h"
#include "wormscope/err.h"
#include "wormscope/worm.h"

enum ws_guard_action {
	WS_ACT_CLOSE = 0, /* close at once, no answer */
	WS_ACT_REJECT,    /* a short 403 and close */
	WS_ACT_TARPIT,    /* hold with a tiny window, never answer (LaBrea) */
};

struct ws_guard_pair {
	char *listen, *upstream; /* "ADDR:PORT" as given ("[v6]:PORT" for IPv6) */
};

/* Every setting, each settable by its long option name (ws_guard_conf_set),
 * so the config file's keys are the command line's options. */
struct ws_guard_conf {
	struct ws_guard_pair *pairs;
	size_t npairs;
	enum ws_guard_action action[WS_MAX_WORMS];
	unsigned max_conns;        /* open client connections, tarpit included */
	unsigned max_tarpit;       /* connections held in the tarpit */
	unsigned max_headers;      /* header lines per request */
	unsigned max_head;         /* bytes per request head */
	double source_rate;        /* new connections per second per source; 0 = no limit */
	unsigned source_burst;
	unsigned source_conns;     /* open connections per source (an IPv4 address or an
				    * IPv6 /64), tarpit not counted; 0 = no limit */
	double header_timeout;     /* seconds from a head's first byte to its end */
	double idle_timeout;       /* keep-alive wait for the next request */
	double body_timeout;       /* longest pause inside a request body */
	double connect_timeout;    /* upstream connect */
	double upstream_timeout;   /* upstream silence while an answer is due */
	double tarpit_timeout;
	double drain_timeout;      /* SIGTERM: longest wait for requests in flight */
	unsigned threads;          /* event loops (SO_REUSEPORT); caps are split over them;
				    * read at start only */
};

/* Fills c with the defaults (documented in docs/guard.md). */
void ws_guard_conf_init(struct ws_guard_conf *c);
/* Sets one option by long name: "max-conns" "1000", "action" "code-red=tarpit",
 * "listen"/"upstream" (a listen starts a pair, an upstream completes the last
 * one). Returns 0 or WS_EUSAGE with a message. */
int ws_guard_conf_set(struct ws_guard_conf *c, const char *key, const char *val,
		      struct ws_err *err);
/* Reads a config file: one "key value" per line, '#' comments, and
 * "listen A upstream B" on one line. Errors name path:line. */
int ws_guard_conf_load(struct ws_guard_conf *c, const char *path, struct ws_err *err);
/* The same over text[0..len) (not NUL-terminated); errors name name:line. */
int ws_guard_conf_parse(struct ws_guard_conf *c, const char *name, const char *text, size_t len,
			struct ws_err *err);
/* Checks the whole: at least one pair, each complete, addresses parse. */
int ws_guard_conf_check(const struct ws_guard_conf *c, struct ws_err *err);
void ws_guard_conf_free(struct ws_guard_conf *c);
/* "close", "reject", "tarpit". Static. */
const char *ws_guard_action_name(enum ws_guard_action a);
/* The default action for worm index i (docs/guard.md says why). */
enum ws_guard_action ws_guard_default_action(int worm);
/* Parses "ADDR:PORT" / "[ADDR]:PORT" into ss. Returns true on success. */
bool ws_guard_sockaddr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/* Where the guard sends what it sees. Called on the event loop's thread. */
struct ws_guard_hooks {
	/* One worm request (s->file names the listener, s->line counts requests). */
	void (*sighting)(void *ctx, const struct ws_sighting *s);
	/* Called at most every 200 ms while sightings are unflushed, and at exit. */
	void (*flush)(void *ctx);
	/* One log line (no newline); prio is a syslog priority. */
	void (*log)(void *ctx, int prio, const char *msg);
	/* SIGHUP: fill *c with the new configuration (0) or explain (non-zero). */
	int (*reload)(void *ctx, struct ws_guard_conf *c, struct ws_err *err);
	void *ctx;
};

struct ws_guard;

/* Binds every listener of conf (copied). Returns 0 or WS_EIO naming the
 * address. Caller frees with ws_guard_free. */
int ws_guard_new(struct ws_guard **out, const struct ws_guard_conf *conf,
		 const struct ws_guard_hooks *hooks, struct ws_err *err);
/* Runs until SIGTERM/SIGINT and the drain that follows. Returns 0. */
int ws_guard_run(struct ws_guard *g);
void ws_guard_free(struct ws_guard *g);

#endif
