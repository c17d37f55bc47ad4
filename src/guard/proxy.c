/* SPDX-License-Identifier: MIT */
/* The guard's connections: accepting, reading and classifying request
 * heads, worm actions, the tarpit, relaying to and from the upstream each
 * client is paired with. (Listeners, reloads, signals and threads: worker.c.)
 *
 * One request at a time per connection. A request head is parsed and
 * classified as soon as it is complete; ordinary requests go to the
 * upstream (head rewritten, body streamed), and the next request is not
 * parsed until the answer to this one has been relayed. Pipelined requests
 * therefore wait in our input buffer (up to its read watermark, then in the
 * socket) and are answered in order, and every one of them is classified.
 * Each client has at most one upstream connection, kept alive between its
 * requests.
 *
 * Back-pressure: a body is moved between the two bufferevents as it comes;
 * when the receiving side's output passes HIGH_WATER we stop reading the
 * sending side until the output drains below LOW_WATER.
 *
 * Ownership: struct conn owns both bufferevents (they close their sockets
 * when freed) and its timer; every path that ends a connection goes through
 * ws_guard_conn_free, which must be the last thing a callback does with
 * the conn.
 *
 * Under pressure (issue 11: idle connections must not lock clients out):
 * per-source connection caps, the wait list (connections holding a slot
 * with nothing in flight, oldest first, evicted when slots run short), a
 * header timeout that shortens as the table fills, and input that cannot
 * be HTTP closed at once. Each bound is stated where it is enforced. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "classify/classify.h"
#include "guard/forward.h"
#include "guard/internal.h"
#include "util/addr.h"
#include "util/mem.h"

static void process_heads(struct conn *c);
static void answer_error(struct conn *c, int status);
static void send_bytes(struct bufferevent *out, bool direct, const char *p, size_t n);

/* ---- logging, time ---- */

void ws_guard_log(struct worker *g, int prio, const char *fmt, ...)
{
	struct ws_guard *t = g->top;
	if (!t->hooks.log)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&t->lock);
	t->hooks.log(t->hooks.ctx, prio, msg);
	pthread_mutex_unlock(&t->lock);
}

struct timeval ws_guard_tv(double s)
{
	struct timeval tv = {(time_t)s, (suseconds_t)((s - (double)(time_t)s) * 1e6)};
	return tv;
}

static double now_s(struct worker *g)
{
	struct timeval tv;
	event_base_gettimeofday_cached(g->base, &tv);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void arm(struct conn *c, double secs)
{
	struct timeval tv = ws_guard_tv(secs);
	evtimer_add(c->timer, &tv);
}

void ws_guard_addr_of(const struct sockaddr *sa, struct ws_addr *a, int *port)
{
	memset(a, 0, sizeof(*a));
	*port = -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		a->fam = 4;
		memcpy(a->b, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->fam = 4;
			memcpy(a->b, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->fam = 6;
			memcpy(a->b, &s6->sin6_addr, 16);
		}
		*port = ntohs(s6->sin6_port);
	}
}

/* ---- closing by reset ---- */

/* SO_LINGER {on, 0}: close() then sends a RST and frees the socket at once,
 * with no FIN exchange and no TIME_WAIT left behind on our side. For
 * connections we refuse or drop on purpose (over a cap, a worm sent away
 * unanswered, a tarpit let go), that is both honest and cheap: under a flood
 * it keeps tens of thousands of TIME_WAIT sockets from piling up. */
static void set_reset(int fd)
{
	struct linger l = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

static void close_reset(int fd)
{
	set_reset(fd);
	close(fd);
}

/* ---- per-source connection rate: a token bucket per address ---- */

static bool rate_ok(struct worker *g, const struct ws_addr *a)
{
	if (g->conf.source_rate <= 0)
		return true;
	uint32_t h = 2166136261u;
	for (int i = 0; i < (a->fam == 6 ? 16 : 4); i++)
		h = (h ^ a->b[i]) * 16777619u;
	struct ws_guard *top = g->top;
	double t = now_s(g), burst = g->conf.source_burst;
	pthread_mutex_lock(&top->src_lock);
	struct rate *r = &top->rates[h % RATE_SLOTS];
	/* A colliding address takes the slot over: an attacker can only reset
	 * someone's bucket to full, never empty it. Workers' clocks are cached
	 * per loop pass, so one may be a little behind the bucket's: never
	 * refill backwards. */
	if (!ws_addr_eq(&r->a, a)) {
		r->a = *a;
		r->tokens = burst;
		r->t = t;
	}
	if (t > r->t) {
		r->tokens += (t - r->t) * g->conf.source_rate;
		r->t = t;
	}
	if (r->tokens > burst)
		r->tokens = burst;
	bool ok = r->tokens >= 1;
	if (ok)
		r->tokens -= 1;
	pthread_mutex_unlock(&top->src_lock);
	return ok;
}

/* ---- per-source connection counts (--source-conns) ---- */

/* The source a connection counts against: its IPv4 address, or the /64 of
 * an IPv6 one (one host is commonly given a whole /64, so counting single
 * IPv6 addresses would be no limit at all). */
static void src_key(const struct ws_addr *a, struct ws_addr *k)
{
	*k = *a;
	if (k->fam == 6)
		memset(k->b + 8, 0, 8);
}

/* FNV-1a over the key with a random offset basis, so that which addresses
 * share a chain cannot be chosen from outside. A chain holds only sources
 * with open connections (on any worker), so even a chosen collision costs
 * at most max-conns comparisons per accept. */
static struct srcent **src_bucket(struct ws_guard *t, const struct ws_addr *k)
{
	uint64_t h = t->src_key ^ k->fam;
	for (int i = 0; i < (k->fam == 6 ? 16 : 4); i++)
		h = (h ^ k->b[i]) * 1099511628211u;
	h ^= h >> 29;
	return &t->srcs[h & (SRC_BUCKETS - 1)];
}

/* Takes one of a's --source-conns places (cap 0: unlimited) across all
 * workers, checked and counted in one step so that two workers cannot both
 * take the last place. NULL when a's sources are at the cap. */
static struct srcent *src_take(struct worker *g, const struct ws_addr *a)
{
	struct ws_addr k;
	src_key(a, &k);
	struct ws_guard *t = g->top;
	pthread_mutex_lock(&t->src_lock);
	struct srcent **b = src_bucket(t, &k), *e;
	for (e = *b; e && !ws_addr_eq(&e->a, &k); e = e->next)
		;
	if (e && g->conf.source_conns && e->n >= g->conf.source_conns) {
		e = NULL;
	} else {
		if (!e) {
			e = ws_xcalloc(1, sizeof(*e));
			e->a = k;
			e->next = *b;
			*b = e;
		}
		e->n++;
	}
	pthread_mutex_unlock(&t->src_lock);
	return e;
}

/* Gives back a place src_take gave (e may be NULL). */
static void src_put(struct worker *g, struct srcent *e)
{
	if (!e)
		return;
	struct ws_guard *t = g->top;
	pthread_mutex_lock(&t->src_lock);
	if (--e->n == 0) {
		for (struct srcent **p = src_bucket(t, &e->a); *p; p = &(*p)->next)
			if (*p == e) {
				*p = e->next;
				break;
			}
		free(e);
	}
	pthread_mutex_unlock(&t->src_lock);
}

/* ---- the wait list, pressure and eviction (issue 11) ---- */

static void wait_leave(struct conn *c)
{
	struct worker *g = c->g;
	if (!c->waiting)
		return;
	if (c->wprev)
		c->wprev->wnext = c->wnext;
	else
		g->wait_head = c->wnext;
	if (c->wnext)
		c->wnext->wprev = c->wprev;
	else
		g->wait_tail = c->wprev;
	c->wprev = c->wnext = NULL;
	c->waiting = false;
}

/* c holds its slot with nothing in flight from now on (C_HEAD or C_LINGER):
 * it goes to the young end of the wait list. */
static void wait_enter(struct conn *c)
{
	struct worker *g = c->g;
	wait_leave(c);
	c->since = now_s(g);
	c->wprev = g->wait_tail;
	if (g->wait_tail)
		g->wait_tail->wnext = c;
	else
		g->wait_head = c;
	g->wait_tail = c;
	c->waiting = true;
}

static double occupancy(const struct worker *g)
{
	return g->conf.max_conns ? (double)g->nconns / g->conf.max_conns : 1;
}

/* How long a connection may wait for a request head (a new connection, one
 * between keep-alive requests, or one with part of a head) when base is
 * the configured wait. Up to half the slots taken, base. Above that, at
 * most the header timeout T scaled down linearly with occupancy o to the
 * floor F = min(HEAD_FLOOR, T) at o = 1:
 *
 *     t(o) = F + (T - F) * (1 - o) / (1 - PRESSURE_START)   for o > 1/2
 *
 * With T = 10 s: 10 s at 50 %, 5.5 s at 75 %, 1.9 s at 95 %, 1 s when full.
 * The wait is taken when a timer is armed; sweep() holds connections whose
 * timers were armed at lower occupancy to the same rule. */
static double wait_limit(const struct worker *g, double base)
{
	double o = occupancy(g);
	if (o <= PRESSURE_START)
		return base;
	if (o > 1)
		o = 1;
	double T = g->conf.header_timeout, F = T < HEAD_FLOOR ? T : HEAD_FLOOR;
	double t = F + (T - F) * (1 - o) / (1 - PRESSURE_START);
	return t < base ? t : base;
}

/* Ends a waiting connection at once, with a reset: it has no answer coming,
 * and a lingering close would keep the slot it is being closed to free. */
static void drop(struct conn *c)
{
	set_reset(bufferevent_getfd(c->cli));
	ws_guard_conn_free(c);
}

bool ws_guard_evict(struct worker *g)
{
	if (g->wait_head) {
		g->st.evicted++;
		drop(g->wait_head);
		return true;
	}
	if (g->tarpit_oldest) {
		g->st.evicted++;
		ws_guard_tarpit_release(g->tarpit_oldest);
		return true;
	}
	return false;
}

/* Under pressure, closes the connections that have already waited longer
 * than wait_limit allows now, oldest first, at most PRESSURE_SWEEP per
 * accept (O(1) work per new connection; new connections are what raises
 * the occupancy). Their own timers, armed when the table was emptier,
 * would hold them longer. */
static void sweep(struct worker *g)
{
	if (occupancy(g) <= PRESSURE_START)
		return;
	double lim = wait_limit(g, g->conf.header_timeout), now = now_s(g);
	for (int i = 0; i < PRESSURE_SWEEP && g->wait_head; i++) {
		if (now - g->wait_head->since <= lim)
			return;
		g->st.overdue++;
		drop(g->wait_head);
	}
}

/* ---- input that cannot be HTTP ---- */

/* True when p[0..n), the start of a request head, cannot become one: a
 * first byte that cannot start a method (a TLS ClientHello's 0x16, SSLv2's
 * 0x80, NUL and other binary, a space), a byte in the method that is neither
 * a token character nor SP (an SSH banner's CR), or a method longer than
 * WS_HTTP_METHOD_MAX. The tokenizer's strict start test (http/request.h);
 * needs no more than what has come. */
static bool not_http(const char *p, size_t n)
{
	return !ws_http_request_start(p, n, WS_HTTP_STRICT);
}

/* ---- draining ---- */

void ws_guard_maybe_done(struct worker *g)
{
	if (g->draining && g->nconns == 0)
		event_base_loopexit(g->base, NULL);
}

/* ---- the tarpit ---- */

void ws_guard_tarpit_release(struct tarpit *t)
{
	struct worker *g = t->g;
	if (t->prev)
		t->prev->next = t->next;
	else
		g->tarpits = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		g->tarpit_oldest = t->prev;
	event_free(t->ev);
	close_reset(t->fd);
	g->ntarpit--;
	g->nconns--;
	free(t);
	ws_guard_maybe_done(g);
}

static void tarpit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ws_guard_tarpit_release(arg);
}

/* LaBrea's trick on an accepted socket: shrink the receive buffer and stop
 * reading, so the peer's window closes and the worm's thread waits on a
 * connection that never answers. The socket (fd, owned from here on) is
 * kept with one event that fires when the peer gives up (EV_CLOSED, where
 * the backend can tell without reading) or when tarpit-timeout passes. */
static void tarpit_hold(struct worker *g, int fd)
{
	int tiny = 1; /* the kernel rounds up to its minimum */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	struct tarpit *t = ws_xcalloc(1, sizeof(*t));
	t->g = g;
	t->fd = fd;
	bool early = event_base_get_features(g->base) & EV_FEATURE_EARLY_CLOSE;
	t->ev = event_new(g->base, early ? fd : -1, early ? EV_CLOSED : 0, tarpit_cb, t);
	struct timeval tv = ws_guard_tv(g->conf.tarpit_timeout);
	event_add(t->ev, &tv);
	t->next = g->tarpits;
	if (g->tarpits)
		g->tarpits->prev = t;
	else
		g->tarpit_oldest = t;
	g->tarpits = t;
	g->ntarpit++;
	g->nconns++;
}

/* ---- sightings ---- */

void ws_guard_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct worker *g = arg;
	g->flush_pending = false;
	struct ws_guard *t = g->top;
	if (t->hooks.flush) {
		pthread_mutex_lock(&t->lock);
		t->hooks.flush(t->hooks.ctx);
		pthread_mutex_unlock(&t->lock);
	}
}

static void emit_sighting(struct worker *g, const struct listener *lis,
			  const struct ws_request *req, const struct ws_verdict *v)
{
	struct ws_guard *t = g->top;
	struct ws_sighting s = {.req = req, .v = v, .file = lis->name,
				.line = atomic_fetch_add(&t->seq, 1) + 1};
	if (v->nimda_mask)
		s.nimda_probe = __builtin_ctz(v->nimda_mask) + 1;
	if (t->hooks.sighting) {
		pthread_mutex_lock(&t->lock);
		t->hooks.sighting(t->hooks.ctx, &s);
		pthread_mutex_unlock(&t->lock);
	}
	if (!g->flush_pending) {
		struct timeval tv = {0, 200000};
		evtimer_add(g->flush_ev, &tv);
		g->flush_pending = true;
	}
}

/* ---- answers we write ourselves ---- */

static const char *reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "Error";
}

/* Ends the connection once the output is written: shut our side, then read
 * and discard for a moment, so the answer is not destroyed by the RST that
 * closing over unread input would send (the "lingering close"). */
static void start_closing(struct conn *c)
{
	c->st = C_CLOSING;
	wait_leave(c);
	if (c->up) {
		bufferevent_free(c->up);
		c->up = NULL;
	}
	bufferevent_disable(c->cli, EV_READ);
	bufferevent_set_timeouts(c->cli, NULL, NULL);
	arm(c, wait_limit(c->g, c->g->conf.header_timeout));
	if (evbuffer_get_length(bufferevent_get_output(c->cli)) == 0) {
		shutdown(bufferevent_getfd(c->cli), SHUT_WR);
		c->st = C_LINGER;
		wait_enter(c); /* answered: first in line to go if slots run short */
		bufferevent_enable(c->cli, EV_READ);
		arm(c, LINGER_SECS);
	}
}

/* Writes our own short answer (always with Connection: close) into buf. */
static size_t format_answer(int status, char *buf, size_t cap)
{
	const char *why = reason(status);
	int n = snprintf(buf, cap,
			 "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n%s\n",
			 status, why, strlen(why) + 1, why);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void answer_error(struct conn *c, int status)
{
	char buf[256];
	if (!c->resp_started)
		send_bytes(c->cli, true, buf, format_answer(status, buf, sizeof(buf)));
	c->resp_started = true;
	start_closing(c);
}

static bool name_is(struct ws_str n, const char *lit)
{
	return n.n == strlen(lit) && strncasecmp(n.p, lit, n.n) == 0;
}

/* ---- writing ---- */

/* Bytes for the socket behind out go straight to it while its output buffer
 * is empty; only what the socket does not take is queued. A bufferevent
 * arms and disarms its write event around every queued message (two
 * epoll_ctl calls each); on a proxy that is most of the syscalls. direct is
 * false while an upstream connect is still in progress. A failed direct
 * write is not reported here: the dead socket shows on its next read. */
static void send_bytes(struct bufferevent *out, bool direct, const char *p, size_t n)
{
	if (direct && evbuffer_get_length(bufferevent_get_output(out)) == 0) {
		ssize_t w = send(bufferevent_getfd(out), p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
	}
	if (n)
		bufferevent_write(out, p, n);
}

/* The same for n bytes taken from the front of in. */
static void move(struct evbuffer *in, struct bufferevent *out, bool direct, size_t n)
{
	struct evbuffer *ob = bufferevent_get_output(out);
	if (direct && evbuffer_get_length(ob) == 0) {
		int w = evbuffer_write_atmost(in, bufferevent_getfd(out), (ev_ssize_t)n);
		if (w > 0)
			n -= (size_t)w;
	}
	if (n)
		evbuffer_remove_buffer(in, ob, n);
}

/* ---- bodies ---- */

/* Moves body bytes from in to out as framing allows; true when it ended.
 * -1 on a chunked framing error. */
static int pump(struct body *bd, struct evbuffer *in, struct bufferevent *out, bool direct)
{
	for (;;) {
		size_t len = evbuffer_get_length(in);
		if (bd->kind == B_NONE)
			return 1;
		if (len == 0)
			return 0;
		if (bd->kind == B_EOF) {
			move(in, out, direct, len);
			return 0;
		}
		if (bd->kind == B_LEN) {
			size_t n = (uint64_t)bd->left < len ? (size_t)bd->left : len;
			move(in, out, direct, n);
			bd->left -= (int64_t)n;
			return bd->left == 0;
		}
		struct evbuffer_iovec v;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
			return 0;
		bool done;
		long n = ws_chunked_feed(&bd->ch, v.iov_base, v.iov_len, &done);
		if (n < 0)
			return -1;
		move(in, out, direct, (size_t)n);
		if (done)
			return 1;
	}
}

/* ---- upstream ---- */

static void up_read(struct bufferevent *bev, void *arg);
static void up_write(struct bufferevent *bev, void *arg);
static void up_event(struct bufferevent *bev, short what, void *arg);

static bool up_connect(struct conn *c)
{
	struct worker *g = c->g;
	c->up = bufferevent_socket_new(g->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->up)
		return false;
	bufferevent_setcb(c->up, up_read, up_write, up_event, c);
	bufferevent_setwatermark(c->up, EV_WRITE, LOW_WATER, 0);
	if (bufferevent_socket_connect(c->up, (struct sockaddr *)&c->lis->ua, (int)c->lis->ualen) <
	    0) {
		bufferevent_free(c->up);
		c->up = NULL;
		return false;
	}
	int one = 1;
	setsockopt(bufferevent_getfd(c->up), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->up_close = false;
	c->up_ready = false;
	c->up_uses = 0;
	return true;
}

/* The answer has been relayed: keep both connections for the next request,
 * or end what must end. */
static void response_done(struct conn *c)
{
	struct worker *g = c->g;
	g->st.forwarded++;
	c->retryable = false;
	if (c->up) {
		c->up_uses++;
		bufferevent_set_timeouts(c->up, NULL, NULL);
		if (c->up_close || evbuffer_get_length(bufferevent_get_input(c->up))) {
			bufferevent_free(c->up);
			c->up = NULL;
		}
	}
	if (c->close_after || !c->req_done || g->draining) {
		start_closing(c);
		return;
	}
	c->st = C_HEAD;
	wait_enter(c);
	c->resp_started = c->resp_head = false;
	bufferevent_set_timeouts(c->cli, NULL, NULL);
	if (!c->cli_eof)
		bufferevent_enable(c->cli, EV_READ);
	c->head_started = evbuffer_get_length(bufferevent_get_input(c->cli)) > 0;
	if (c->cli_eof && !c->head_started) {
		start_closing(c);
		return;
	}
	arm(c, wait_limit(g, c->head_started ? g->conf.header_timeout : g->conf.idle_timeout));
	process_heads(c);
}

/* Builds the answer's head for the client in the scratch buffer, without
 * hop-by-hop fields and with our own Connection. */
static void relay_response_head(struct conn *c, const char *p, size_t n,
				const struct ws_http_resp *r)
{
	struct ws_buf *b = &c->g->scratch;
	b->n = 0;
	const char *nl = memchr(p, '\n', n); /* the parser saw one */
	size_t l = (size_t)(nl - p);
	if (l && p[l - 1] == '\r')
		l--;
	ws_buf_add(b, p, l);
	ws_buf_adds(b, "\r\n");
	for (size_t i = 0; i < r->nhdr; i++) {
		const struct ws_http_header *h = &r->hdr[i];
		if (ws_guard_drop_header(r->hdr, r->nhdr, h))
			continue;
		ws_buf_add(b, h->name.p, h->name.n);
		ws_buf_adds(b, ": ");
		ws_guard_add_value(b, h);
		ws_buf_adds(b, "\r\n");
	}
	if (r->status >= 200) {
		if (c->close_after)
			ws_buf_adds(b, "Connection: close\r\n");
		else if (c->minor == 0)
			ws_buf_adds(b, "Connection: keep-alive\r\n");
	}
	ws_buf_adds(b, "\r\n");
}

/* Parses the answer's head once it is complete. Returns 1 when the final
 * head went out, 0 to wait for more, -1 when the conn was ended. */
static int response_head(struct conn *c)
{
	struct worker *g = c->g;
	struct evbuffer *in = bufferevent_get_input(c->up);
	for (;;) {
		size_t len = evbuffer_get_length(in);
		if (len == 0)
			return 0;
		size_t want = len < MAX_RESP_HEAD ? len : MAX_RESP_HEAD;
		const char *p = (const char *)evbuffer_pullup(in, (ssize_t)want);
		struct ws_http_header hdr[MAX_RESP_HEADERS];
		struct ws_http_resp r;
		int n = ws_http_parse_response(p, want, MAX_RESP_HEAD, WS_HTTP_STRICT, &r, hdr,
					       MAX_RESP_HEADERS);
		if (n == WS_HTTP_MORE)
			return 0;
		if (n < 0 || r.bad || r.status == 101) {
			ws_guard_log(g, LOG_WARNING, "%s: bad answer from upstream: %s", c->lis->name,
				     n < 0 ? "head too large" : r.bad ? r.bad : "protocol switch");
			answer_error(c, 502);
			return -1;
		}
		if (r.status < 200) {
			/* 1xx: relay to HTTP/1.1 clients only (RFC 9110 §15.2). */
			if (c->minor >= 1) {
				relay_response_head(c, p, (size_t)n, &r);
				send_bytes(c->cli, true, g->scratch.p, g->scratch.n);
				c->resp_started = true;
			}
			evbuffer_drain(in, (size_t)n);
			continue;
		}
		if (c->is_head || r.status == 204 || r.status == 304)
			c->resp.kind = B_NONE;
		else if (r.chunked)
			c->resp.kind = B_CHUNKED;
		else if (r.content_length >= 0)
			c->resp.kind = r.content_length ? B_LEN : B_NONE;
		else
			c->resp.kind = B_EOF;
		c->resp.left = r.content_length;
		memset(&c->resp.ch, 0, sizeof(c->resp.ch));
		c->up_close = r.conn_close || (r.minor == 0 && !r.conn_keepalive) ||
			      c->resp.kind == B_EOF;
		if (c->resp.kind == B_EOF || g->draining)
			c->close_after = true;
		relay_response_head(c, p, (size_t)n, &r);
		evbuffer_drain(in, (size_t)n);
		/* A small body that is all here goes out with the head, in one send. */
		if (c->resp.kind == B_LEN && c->resp.left <= 65536 &&
		    evbuffer_get_length(in) >= (size_t)c->resp.left) {
			size_t k = (size_t)c->resp.left;
			ws_buf_reserve(&g->scratch, k);
			evbuffer_remove(in, g->scratch.p + g->scratch.n, k);
			g->scratch.n += k;
			c->resp.kind = B_NONE;
		}
		send_bytes(c->cli, true, g->scratch.p, g->scratch.n);
		c->resp_started = c->resp_head = true;
		return 1;
	}
}

static void up_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	if (!c->resp_head) {
		if (c->st == C_HEAD) {
			/* Bytes nobody asked for: this upstream is out of step. */
			bufferevent_free(c->up);
			c->up = NULL;
			return;
		}
		int rc = response_head(c);
		if (rc <= 0)
			return;
	}
	struct evbuffer *out = bufferevent_get_output(c->cli);
	int rc = pump(&c->resp, bufferevent_get_input(c->up), c->cli, true);
	if (rc < 0) {
		ws_guard_log(c->g, LOG_WARNING, "%s: bad chunked answer from upstream", c->lis->name);
		ws_guard_conn_free(c);
		return;
	}
	if (rc == 1) {
		response_done(c);
		return;
	}
	if (evbuffer_get_length(out) >= HIGH_WATER)
		bufferevent_disable(c->up, EV_READ);
}

static void up_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	/* The upstream took what we had: read more of the request body. */
	if (c->st == C_BODY)
		bufferevent_enable(c->cli, EV_READ);
}

/* A kept-alive upstream connection can close just as we send it the next
 * request (its idle timeout, or a device that closes after each answer
 * without saying so). A request without a body and with a method that may be
 * repeated (RFC 9110 §9.2.2) is then sent once more on a new connection, as
 * long as nothing of an answer has arrived. Returns true when it was. */
static bool retry(struct conn *c)
{
	if (!c->retryable || c->resp_started ||
	    evbuffer_get_length(bufferevent_get_input(c->up)) != 0)
		return false;
	c->retryable = false;
	bufferevent_free(c->up);
	c->up = NULL;
	if (!up_connect(c))
		return false;
	bufferevent_write(c->up, c->sent.p, c->sent.n); /* sent once connected */
	struct worker *g = c->g;
	struct timeval rt = ws_guard_tv(g->conf.upstream_timeout);
	struct timeval wt = ws_guard_tv(g->conf.connect_timeout);
	bufferevent_set_timeouts(c->up, &rt, &wt);
	bufferevent_enable(c->up, EV_READ);
	return true;
}

static void up_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->up_ready = true;
		return;
	}
	if ((what & BEV_EVENT_EOF) && c->resp_head && c->resp.kind == B_EOF) {
		response_done(c);
		return;
	}
	if (c->st == C_HEAD) {
		/* An idle upstream connection went away: the next request opens another. */
		bufferevent_free(c->up);
		c->up = NULL;
		return;
	}
	if (c->resp_head) {
		ws_guard_conn_free(c); /* cut inside an answer: the client must see it cut too */
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		ws_guard_log(c->g, LOG_WARNING, "%s: upstream timed out", c->lis->name);
		answer_error(c, 504);
		return;
	}
	if (retry(c))
		return;
	ws_guard_log(c->g, LOG_WARNING, "%s: upstream %s: %s", c->lis->name,
		     (what & BEV_EVENT_EOF) ? "closed without answering" : "connection failed",
		     (what & BEV_EVENT_ERROR) ? strerror(EVUTIL_SOCKET_ERROR()) : "no answer");
	answer_error(c, 502);
}

/* ---- client ---- */

static void pump_request(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->up);
	int rc = pump(&c->req, bufferevent_get_input(c->cli), c->up, c->up_ready);
	if (rc < 0) {
		c->g->st.malformed++;
		answer_error(c, 400);
		return;
	}
	if (rc == 1) {
		c->req_done = true;
		if (c->st == C_BODY)
			c->st = C_WAIT;
		/* Reading stays on (a pipelined request waits in the input, up to
		 * the read watermark), so no epoll change per request. */
		struct timeval wt = ws_guard_tv(c->g->conf.idle_timeout);
		bufferevent_set_timeouts(c->cli, NULL, &wt);
		return;
	}
	if (evbuffer_get_length(out) >= HIGH_WATER)
		bufferevent_disable(c->cli, EV_READ);
}

static bool idempotent(struct ws_str m)
{
	static const char *const safe[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (m.n == strlen(safe[i]) && memcmp(m.p, safe[i], m.n) == 0)
			return true;
	return false;
}

static void forward(struct conn *c, const struct ws_http_req *r, size_t headlen)
{
	struct worker *g = c->g;
	c->minor = r->minor;
	c->is_head = name_is(r->method, "HEAD") && memcmp(r->method.p, "HEAD", 4) == 0;
	c->keepalive = !r->conn_close && (r->minor >= 1 || r->conn_keepalive) && !g->draining;
	c->close_after = !c->keepalive;
	bool reused = c->up != NULL && c->up_uses > 0;
	if (!c->up && !up_connect(c)) {
		ws_guard_log(g, LOG_WARNING, "%s: cannot connect upstream: %s", c->lis->name,
			     strerror(errno));
		answer_error(c, 502);
		return;
	}
	ws_guard_build_head(r, c->src_ip, c->keepalive, &g->scratch);
	send_bytes(c->up, c->up_ready, g->scratch.p, g->scratch.n);
	c->retryable = reused && !r->chunked && r->content_length <= 0 && idempotent(r->method);
	if (c->retryable) {
		c->sent.n = 0;
		ws_buf_add(&c->sent, g->scratch.p, g->scratch.n);
	}
	evbuffer_drain(bufferevent_get_input(c->cli), headlen);
	memset(&c->req, 0, sizeof(c->req));
	memset(&c->resp, 0, sizeof(c->resp));
	c->req.kind = r->chunked ? B_CHUNKED : r->content_length > 0 ? B_LEN : B_NONE;
	c->req.left = r->content_length;
	c->req_done = false;
	c->resp_started = c->resp_head = false;
	struct timeval rt = ws_guard_tv(g->conf.upstream_timeout);
	struct timeval wt = ws_guard_tv(g->conf.connect_timeout);
	bufferevent_set_timeouts(c->up, &rt, &wt);
	bufferevent_enable(c->up, EV_READ);
	evtimer_del(c->timer);
	c->head_started = false;
	c->st = C_BODY;
	wait_leave(c);
	struct timeval bt = ws_guard_tv(g->conf.body_timeout);
	/* An answer the client takes nothing of for idle-timeout ends the
	 * connection: upstream reading stops while the client's output is
	 * full, so nothing else would ever time it out (a slow reader). */
	struct timeval it = ws_guard_tv(g->conf.idle_timeout);
	bufferevent_set_timeouts(c->cli, &bt, &it);
	pump_request(c);
}

static void fill_request(struct worker *g, const struct listener *lis,
			 const struct ws_addr *src, int src_port, const struct ws_http_req *r,
			 struct ws_request *q)
{
	ws_http_to_request(r, q);
	struct timeval tv;
	event_base_gettimeofday_cached(g->base, &tv);
	q->ts = tv.tv_sec;
	q->ts_known = true;
	q->src = *src;
	q->src_port = src_port;
	q->dst = lis->dst;
	q->dst_port = lis->dst_port;
}

/* The action for a worm request (tarpit falls back to close when full),
 * counted and written out as a sighting. */
static enum ws_guard_action worm_decide(struct worker *g, const struct listener *lis,
					struct ws_request *q, const struct ws_verdict *v)
{
	enum ws_guard_action a = g->conf.action[v->worm];
	if (a == WS_ACT_TARPIT && g->ntarpit >= g->conf.max_tarpit) {
		g->st.tarpit_full++;
		a = WS_ACT_CLOSE;
	}
	g->st.worms++;
	g->st.by_action[a]++;
	if (a == WS_ACT_REJECT)
		q->status = 403;
	emit_sighting(g, lis, q, v);
	return a;
}

static void worm_action(struct conn *c, struct ws_request *q, const struct ws_verdict *v)
{
	switch (worm_decide(c->g, c->lis, q, v)) {
	case WS_ACT_REJECT:
		answer_error(c, 403);
		return;
	case WS_ACT_TARPIT: {
		int fd = dup(bufferevent_getfd(c->cli));
		if (fd >= 0)
			tarpit_hold(c->g, fd);
		ws_guard_conn_free(c);
		return;
	}
	case WS_ACT_CLOSE:
		set_reset(bufferevent_getfd(c->cli));
		ws_guard_conn_free(c);
		return;
	}
}

/* Reads the next request head when it is complete and acts on it. */
static void process_heads(struct conn *c)
{
	struct worker *g = c->g;
	struct evbuffer *in = bufferevent_get_input(c->cli);
	size_t len = evbuffer_get_length(in);
	if (len == 0)
		return;
	if (!c->head_started) {
		c->head_started = true;
		arm(c, wait_limit(g, g->conf.header_timeout));
	}
	size_t max = g->conf.max_head;
	size_t want = len < max ? len : max;
	const char *p = (const char *)evbuffer_pullup(in, (ssize_t)want);
	if (not_http(p, want)) {
		g->st.not_http++;
		drop(c);
		return;
	}
	struct ws_http_req r;
	int n = ws_http_parse_request(p, want, max, WS_HTTP_STRICT, &r, g->hdr,
				      g->conf.max_headers);
	if (n == WS_HTTP_MORE) {
		if (c->cli_eof)
			ws_guard_conn_free(c); /* half a head, and no more coming */
		return;
	}
	g->st.requests++;
	if (n < 0) {
		g->st.malformed++;
		answer_error(c, 431);
		return;
	}
	struct ws_request q;
	fill_request(g, c->lis, &c->src, c->src_port, &r, &q);
	struct ws_verdict v;
	switch (ws_guard_judge(&r, &q, &v)) {
	case WS_JUDGE_WORM:
		worm_action(c, &q, &v);
		return;
	case WS_JUDGE_MALFORMED:
		g->st.malformed++;
		answer_error(c, 400);
		return;
	case WS_JUDGE_HOSTILE:
		g->st.malformed++;
		g->st.evasive++;
		answer_error(c, 400);
		return;
	case WS_JUDGE_FORWARD:
		break;
	}
	forward(c, &r, (size_t)n);
}

static void cli_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	switch (c->st) {
	case C_HEAD:
		process_heads(c);
		return;
	case C_BODY:
		pump_request(c);
		return;
	case C_LINGER:
		evbuffer_drain(bufferevent_get_input(c->cli),
			       evbuffer_get_length(bufferevent_get_input(c->cli)));
		return;
	case C_WAIT:
	case C_CLOSING:
		return;
	}
}

static void cli_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	if (c->st == C_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			start_closing(c);
		return;
	}
	/* The client took the answer so far: read more of it from upstream. */
	if (c->up && c->resp_head)
		bufferevent_enable(c->up, EV_READ);
}

static void cli_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	(void)bev;
	if ((what & BEV_EVENT_TIMEOUT) && c->st == C_BODY && !c->resp_started) {
		answer_error(c, 408); /* a request body that stalled */
		return;
	}
	/* EOF while waiting for an answer: the client half-closed after its
	 * request(s); each request already here is still answered, in order,
	 * and the connection ends after the last (RFC 9112 §9.6). */
	if ((what & BEV_EVENT_EOF) && c->st == C_WAIT) {
		c->cli_eof = true;
		return;
	}
	ws_guard_conn_free(c);
}

static void conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	(void)fd;
	(void)what;
	if (c->st == C_HEAD && c->head_started) {
		answer_error(c, 408); /* a head that did not arrive in time: slowloris */
		return;
	}
	ws_guard_conn_free(c);
}

void ws_guard_conn_free(struct conn *c)
{
	struct worker *g = c->g;
	if (c->prev)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	wait_leave(c);
	src_put(g, c->se);
	if (c->up)
		bufferevent_free(c->up);
	bufferevent_free(c->cli);
	event_free(c->timer);
	ws_buf_free(&c->sent);
	free(c);
	g->nconns--;
	ws_guard_maybe_done(g);
}

/* The first read of a new connection, before anything is allocated for it.
 * Under a worm flood most connections carry one worm request and nothing
 * more; answering those straight from the accept callback (recv, classify,
 * then send a 403, close or tarpit) spares each a bufferevent, a timer and
 * several epoll changes. A 403 is sent here only when the whole request
 * was read, so closing cannot turn into a reset that eats the answer.
 * Returns true when fd was dealt with; otherwise buf[0..*n) is the start of
 * the stream, for the ordinary path. */
static bool first_read(struct listener *lis, int fd, const struct ws_addr *src, int port,
		       ssize_t *n)
{
	struct worker *g = lis->g;
	char *buf = g->first;
	*n = recv(fd, buf, FIRST_READ, 0);
	if (*n <= 0) {
		bool later = *n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
		*n = 0;
		if (!later)
			close(fd);
		return !later;
	}
	if (not_http(buf, (size_t)*n)) {
		g->st.not_http++;
		close_reset(fd);
		return true;
	}
	struct ws_http_req r;
	int len = ws_http_parse_request(buf, (size_t)*n, g->conf.max_head, WS_HTTP_STRICT, &r, g->hdr,
					g->conf.max_headers);
	if (len <= 0 || r.target.n == 0)
		return false;
	struct ws_request q;
	fill_request(g, lis, src, port, &r, &q);
	struct ws_verdict v;
	if (!ws_classify(&q, &v))
		return false;
	int64_t body = r.content_length > 0 ? r.content_length : 0;
	bool whole = !r.chunked && (int64_t)len + body == (int64_t)*n;
	if (g->conf.action[v.worm] == WS_ACT_REJECT && !whole)
		return false;
	g->st.requests++;
	char out[256];
	switch (worm_decide(g, lis, &q, &v)) {
	case WS_ACT_REJECT: {
		/* A fresh socket takes 150 bytes whole; if the worm has gone
		 * already there is nobody to tell. */
		ssize_t w = send(fd, out, format_answer(403, out, sizeof(out)), MSG_NOSIGNAL);
		(void)w;
		close(fd);
		break;
	}
	case WS_ACT_TARPIT:
		tarpit_hold(g, fd);
		break;
	case WS_ACT_CLOSE:
		close_reset(fd);
		break;
	}
	return true;
}

/* libevent's listener accepts until the backlog is empty, and under a worm
 * flood that can be hundreds of connections (tens of milliseconds) while
 * the ordinary clients' ready sockets wait. After ACCEPT_BURST accepts the
 * worker's listeners are switched off until the next loop iteration has
 * served the open connections (a zero timer switches them back on). */
static void accept_yield(struct worker *g)
{
	if (++g->accepted < ACCEPT_BURST)
		return;
	for (struct listener *l = g->lis; l; l = l->next)
		if (l->lev)
			evconnlistener_disable(l->lev);
	struct timeval now = {0, 0};
	evtimer_add(g->resume_ev, &now);
}

void ws_guard_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *g = arg;
	(void)fd;
	(void)what;
	g->accepted = 0;
	for (struct listener *l = g->lis; l; l = l->next)
		if (l->lev)
			evconnlistener_enable(l->lev);
}

void ws_guard_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	struct listener *lis = arg;
	struct worker *g = lis->g;
	(void)lev;
	(void)salen;
	accept_yield(g);
	struct ws_addr src;
	int port;
	ws_guard_addr_of(sa, &src, &port);
	sweep(g);
	if (g->draining) {
		g->st.refused++;
		close_reset(fd);
		return;
	}
	if (!rate_ok(g, &src)) {
		g->st.limited++;
		close_reset(fd);
		return;
	}
	struct srcent *se = src_take(g, &src);
	if (!se) {
		g->st.over_source++;
		close_reset(fd);
		return;
	}
	/* Slots run short: the connection that has waited longest for a head
	 * makes room, so idle connections cannot lock new clients out. Only
	 * when every slot has a request in flight is the new one refused. */
	if (g->nconns >= g->conf.max_conns && !ws_guard_evict(g)) {
		src_put(g, se);
		g->st.refused++;
		close_reset(fd);
		return;
	}
	ssize_t first;
	if (first_read(lis, fd, &src, port, &first)) {
		src_put(g, se);
		return;
	}
	struct conn *c = ws_xcalloc(1, sizeof(*c));
	c->g = g;
	c->lis = lis;
	c->src = src;
	ws_addr_format(&src, c->src_ip, sizeof(c->src_ip));
	c->src_port = port;
	c->cli = bufferevent_socket_new(g->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->timer = evtimer_new(g->base, conn_timer, c);
	if (!c->cli || !c->timer) {
		if (c->cli)
			bufferevent_free(c->cli);
		else
			close(fd);
		if (c->timer)
			event_free(c->timer);
		free(c);
		src_put(g, se);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bufferevent_setcb(c->cli, cli_read, cli_write, cli_event, c);
	bufferevent_setwatermark(c->cli, EV_WRITE, LOW_WATER, 0);
	bufferevent_setwatermark(c->cli, EV_READ, 0, g->conf.max_head + LOW_WATER);
	bufferevent_enable(c->cli, EV_READ);
	c->next = g->conns;
	if (g->conns)
		g->conns->prev = c;
	g->conns = c;
	g->nconns++;
	c->se = se;
	c->st = C_HEAD;
	wait_enter(c);
	/* A connection that sends nothing is held no longer than a slow head. */
	arm(c, wait_limit(g, g->conf.header_timeout));
	if (first > 0) {
		/* A bufferevent's input takes bytes only from its own reads (its
		 * end is frozen); thaw it for the bytes first_read took. */
		struct evbuffer *in = bufferevent_get_input(c->cli);
		evbuffer_unfreeze(in, 0);
		evbuffer_add(in, g->first, (size_t)first);
		evbuffer_freeze(in, 0);
		process_heads(c);
	}
}

