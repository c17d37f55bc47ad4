/* SPDX-License-Identifier: MIT */
/* What the guard's files share: the worker (one event loop and everything
 * on it), its connections, listeners and tarpit, and the few functions
 * proxy.c (connections) and worker.c (listeners, reloads, signals,
 * threads) call across. Private to src/guard/. */
#ifndef WS_GUARD_INTERNAL_H
#define WS_GUARD_INTERNAL_H

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "guard/guard.h"
#include "http/request.h"
#include "util/mem.h"

#define HIGH_WATER (256 * 1024)
#define LOW_WATER (64 * 1024)
#define MAX_RESP_HEAD 65536
#define MAX_RESP_HEADERS 256
#define LINGER_SECS 2.0
#define RATE_SLOTS 4096
#define FIRST_READ 16384
#define FD_SPARE 64       /* descriptors kept for listeners, epoll, pipes, files */
#define ACCEPT_BURST 16 /* accepts before the listeners yield to open connections */
/* Pressure (issue 11). Occupancy o is this worker's open connections,
 * tarpit included, over its share of max-conns (which the descriptor limit
 * may have lowered). Above PRESSURE_START the wait for a request head
 * shortens linearly, from --header-timeout T at o = 1/2 to the floor
 * F = min(HEAD_FLOOR, T) at o = 1 (see ws_guard_wait_limit in proxy.c). */
#define PRESSURE_START 0.5
#define HEAD_FLOOR 1.0     /* seconds: the shortest wait for a head, at full occupancy */
#define PRESSURE_SWEEP 2   /* overdue waiting connections closed per accept, at most */
#define SRC_BUCKETS 4096   /* per-source connection counts: hash buckets (a power of 2) */

struct listener {
	struct worker *g;
	struct evconnlistener *lev; /* NULL once closed */
	char *listen;               /* as configured, the key for reloads */
	char name[96];              /* "guard ADDR:PORT" with the bound port */
	struct sockaddr_storage ua;
	socklen_t ualen;
	struct ws_addr dst;
	int dst_port;
	struct listener *next;
};

enum body_kind { B_NONE, B_LEN, B_CHUNKED, B_EOF };

struct body {
	enum body_kind kind;
	int64_t left;
	struct ws_chunked ch;
};

enum cstate {
	C_HEAD,    /* reading a request head (or idle between requests) */
	C_BODY,    /* streaming a request body upstream */
	C_WAIT,    /* request sent; relaying the answer */
	C_CLOSING, /* our last answer is being written */
	C_LINGER,  /* written and shut down; draining what the client still sends */
};

/* Open connections from one source (an IPv4 address, or an IPv6 /64 as
 * `a`), for --source-conns. Freed when the count falls to 0. */
struct srcent {
	struct ws_addr a;
	unsigned n;
	struct srcent *next;
};

struct conn {
	struct worker *g;
	struct listener *lis;
	struct srcent *se;  /* its source's count */
	struct bufferevent *cli, *up;
	struct event *timer;
	struct ws_addr src;
	char src_ip[64];    /* src as text, for X-Forwarded-For (made once, at accept) */
	int src_port;
	enum cstate st;
	struct body req, resp;
	bool head_started;  /* bytes of the next head have arrived */
	bool req_done;      /* the whole request went upstream */
	bool resp_started;  /* part of an answer went to the client */
	bool resp_head;     /* the final answer's head has been relayed */
	bool is_head;       /* HEAD request: the answer has no body */
	bool keepalive;     /* the client wants the connection kept */
	bool close_after;   /* close once this answer is relayed */
	bool up_close;      /* the upstream will not take another request */
	bool cli_eof;       /* the client half-closed: answer what is here, then close */
	bool up_ready;      /* the upstream connect has completed */
	unsigned up_uses;   /* answers relayed over the current upstream connection */
	bool retryable;     /* the request in flight may be sent again (see up_event) */
	struct ws_buf sent; /* its head, kept while retryable */
	int minor;
	struct conn *prev, *next;
	/* On the worker's wait list while in C_HEAD or C_LINGER (a slot held
	 * with no request in flight), in the order they started waiting. */
	bool waiting;
	double since;       /* when it started waiting */
	struct conn *wprev, *wnext;
};

struct tarpit {
	struct worker *g;
	int fd;
	struct event *ev;
	struct tarpit *prev, *next;
};

struct rate {
	struct ws_addr a;
	double tokens, t;
};

struct stats {
	/* per worker; summed at exit */
	uint64_t requests, forwarded, malformed, worms, refused, limited, tarpit_full;
	uint64_t over_source; /* refused at --source-conns */
	uint64_t evicted;     /* waiting connections closed to make room */
	uint64_t overdue;     /* waiting connections closed past the pressured timeout */
	uint64_t evasive;     /* 400 for an encoding no client means well by (WS_EV_HOSTILE) */
	uint64_t not_http;    /* closed at once: the input could not be HTTP */
	uint64_t by_action[3];
};

/* One event loop and everything on it. With --threads N there are N
 * workers, each with its own listening sockets on the same addresses
 * (SO_REUSEPORT: the kernel spreads connections), connections, tarpit and
 * a 1/N share of the global caps; nothing on a worker is touched by another
 * thread. The per-source limits are not split: which worker a source's
 * connections reach is the kernel's choice (and under load one worker may
 * take them all), so a 1/N share would cut a client off at a fraction of
 * its limit. They live in struct ws_guard, under src_lock. */
struct worker {
	struct ws_guard *top;
	int id;
	int msg_rd, msg_wr;   /* pipe: messages from worker 0 (reload, stop) */
	struct event *msg_ev;
	struct ws_guard_conf conf;
	struct event_base *base;
	struct listener *lis;
	struct conn *conns;
	struct conn *wait_head, *wait_tail; /* the wait list: oldest at the head */
	struct tarpit *tarpits, *tarpit_oldest; /* newest first; the oldest is the tail */
	unsigned nconns, ntarpit;
	struct event *sig_term, *sig_int, *sig_hup, *flush_ev, *drain_ev;
	struct event *resume_ev; /* re-enables the listeners after an accept burst */
	unsigned accepted;       /* connections accepted since the last resume */
	bool draining, flush_pending;
	struct ws_http_header *hdr;
	size_t hdrcap;
	struct ws_buf scratch;
	char *first; /* FIRST_READ bytes for first_read */
	struct stats st;
};

struct ws_guard {
	struct ws_guard_hooks hooks;
	pthread_mutex_t lock; /* serialises the hooks: the CLI's sink is not thread-safe */
	struct worker **w;
	int nw;
	_Atomic uint64_t seq; /* worm requests, all workers: a sighting's "line" */
	unsigned fd_conns;    /* connections the descriptor limit leaves room for */
	/* Per-source state shared by every worker (--source-conns, --source-rate),
	 * all of it under src_lock, held only for a lookup and an update. */
	pthread_mutex_t src_lock;
	struct srcent **srcs; /* SRC_BUCKETS chains of sources with open connections */
	uint64_t src_key;     /* random: keys the source hash */
	struct rate *rates;   /* RATE_SLOTS token buckets */
};

/* Formats one log line and hands it to the caller's hook (serialised). */
void ws_guard_log(struct worker *g, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Seconds as a timeval. */
struct timeval ws_guard_tv(double s);
/* sa as a ws_addr and port (v4-mapped IPv6 folded to IPv4). */
void ws_guard_addr_of(const struct sockaddr *sa, struct ws_addr *a, int *port);
/* evconnlistener callback; arg is the struct listener. */
void ws_guard_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		     int salen, void *arg);
/* Ends a connection: both sockets, its timer; must be a callback's last act. */
void ws_guard_conn_free(struct conn *c);
/* Lets a tarpitted connection go. */
void ws_guard_tarpit_release(struct tarpit *t);
/* The flush timer's callback; arg is the worker. */
void ws_guard_flush_cb(evutil_socket_t fd, short what, void *arg);
/* Ends the worker's loop once it is draining and has no connection left. */
void ws_guard_maybe_done(struct worker *g);
/* The resume timer's callback: listeners back on after an accept burst. */
void ws_guard_resume_cb(evutil_socket_t fd, short what, void *arg);
/* Makes room for one connection: closes (reset) the connection that has
 * waited longest for a head, else the longest-held tarpit. False when there
 * is neither (every slot has a request in flight). */
bool ws_guard_evict(struct worker *g);

#endif
