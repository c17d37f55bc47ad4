/* SPDX-License-Identifier: MIT */
/* The guard's workers: listeners (bound, rebound on reload), the
 * configuration each worker applies, the messages worker 0 sends the
 * others, signals, threads, and the public ws_guard_* lifecycle. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "guard/internal.h"
#include "util/addr.h"
#include "util/mem.h"

/* ---- listeners and configuration ---- */

/* accept() failed for want of descriptors or memory. Out of descriptors,
 * the connection that has waited longest for a head is closed to free one
 * and the listener tries again (once per failed accept). Otherwise the
 * connection stays in the backlog, so a listener left on would wake us at
 * once, forever: switch the worker's listeners off for 100 ms (the resume
 * timer brings them back) and say so once per pause. */
static void accept_error(struct evconnlistener *lev, void *arg)
{
	struct listener *lis = arg;
	struct worker *g = lis->g;
	(void)lev;
	int e = EVUTIL_SOCKET_ERROR();
	if ((e == EMFILE || e == ENFILE) && ws_guard_evict(g))
		return;
	if (evtimer_pending(g->resume_ev, NULL) && g->accepted == UINT_MAX)
		return;
	ws_guard_log(g, LOG_ERR, "%s: accept: %s; not accepting for 100 ms", lis->name,
		     strerror(e));
	for (struct listener *l = g->lis; l; l = l->next)
		if (l->lev)
			evconnlistener_disable(l->lev);
	g->accepted = UINT_MAX; /* marks the pause; the resume resets it */
	struct timeval tv = {0, 100000};
	evtimer_add(g->resume_ev, &tv);
}

/* Where a listen key is bound, so the other workers bind the same port
 * (which matters for port 0). */
struct bound {
	char *listen;
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Binds p on g. at, when given, is the address worker 0 bound for it. */
static int listener_bind(struct worker *g, const struct ws_guard_pair *p, const struct bound *at,
			 struct ws_err *err)
{
	struct sockaddr_storage la;
	socklen_t lalen;
	struct listener *lis = ws_xcalloc(1, sizeof(*lis));
	lis->g = g;
	if (!ws_guard_sockaddr(p->listen, &la, &lalen) ||
	    !ws_guard_sockaddr(p->upstream, &lis->ua, &lis->ualen)) {
		free(lis);
		return ws_err_set(err, WS_EUSAGE, "bad address pair %s -> %s", p->listen,
				  p->upstream);
	}
	if (at) {
		la = at->sa;
		lalen = at->len;
	}
	unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
	if (g->top->nw > 1)
		flags |= LEV_OPT_REUSEABLE_PORT;
	lis->lev = evconnlistener_new_bind(g->base, ws_guard_accept, lis, flags, 1024,
					   (struct sockaddr *)&la, (int)lalen);
	if (!lis->lev) {
		int e = errno;
		free(lis);
		return ws_err_set(err, WS_EIO, "cannot listen on %s: %s", p->listen, strerror(e));
	}
	evconnlistener_set_error_cb(lis->lev, accept_error);
	struct sockaddr_storage bound;
	socklen_t bl = sizeof(bound);
	getsockname(evconnlistener_get_fd(lis->lev), (struct sockaddr *)&bound, &bl);
	ws_guard_addr_of((struct sockaddr *)&bound, &lis->dst, &lis->dst_port);
	char a[64];
	ws_addr_format(&lis->dst, a, sizeof(a));
	snprintf(lis->name, sizeof(lis->name), lis->dst.fam == 6 ? "guard [%s]:%d" : "guard %s:%d",
		 a, lis->dst_port);
	lis->listen = ws_xstrdup(p->listen);
	lis->next = g->lis;
	g->lis = lis;
	if (g->id == 0)
		ws_guard_log(g, LOG_INFO, "listening on %s, upstream %s", lis->name + 6, p->upstream);
	return 0;
}

/* Worker 0's bound addresses, for the others. Caller frees with bound_free. */
static struct bound *bound_table(struct worker *g, size_t *n)
{
	struct bound *b = NULL;
	*n = 0;
	for (struct listener *l = g->lis; l; l = l->next) {
		if (!l->lev)
			continue;
		b = ws_xreallocarray(b, *n + 1, sizeof(*b));
		b[*n].listen = ws_xstrdup(l->listen);
		b[*n].len = sizeof(b[*n].sa);
		getsockname(evconnlistener_get_fd(l->lev), (struct sockaddr *)&b[*n].sa, &b[*n].len);
		(*n)++;
	}
	return b;
}

static void bound_free(struct bound *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].listen);
	free(b);
}

static const struct bound *bound_find(const struct bound *b, size_t n, const char *listen)
{
	for (size_t i = 0; b && i < n; i++)
		if (strcmp(b[i].listen, listen) == 0)
			return &b[i];
	return NULL;
}

static void set_scratch(struct worker *g)
{
	if (g->hdrcap < g->conf.max_headers) {
		g->hdr = ws_xreallocarray(g->hdr, g->conf.max_headers, sizeof(*g->hdr));
		g->hdrcap = g->conf.max_headers;
	}
}

/* g's copy of c, with the caps and the per-source rate split over the
 * workers (each sees about 1/N of the connections). */
static void conf_copy(struct worker *g, const struct ws_guard_conf *src)
{
	struct ws_guard_conf *dst = &g->conf;
	unsigned n = (unsigned)g->top->nw;
	*dst = *src;
	unsigned total = src->max_conns;
	if (total > g->top->fd_conns) {
		total = g->top->fd_conns;
		if (g->id == 0)
			ws_guard_log(g, LOG_WARNING,
				     "--max-conns %u needs about %u descriptors; the limit allows "
				     "%u connections, so that is the cap (raise ulimit -n)",
				     src->max_conns, src->max_conns * 2 + FD_SPARE, total);
	}
	dst->pairs = ws_xreallocarray(NULL, src->npairs ? src->npairs : 1, sizeof(*dst->pairs));
	for (size_t i = 0; i < src->npairs; i++) {
		dst->pairs[i].listen = ws_xstrdup(src->pairs[i].listen);
		dst->pairs[i].upstream = ws_xstrdup(src->pairs[i].upstream);
	}
	dst->max_conns = (total + n - 1) / n;
	dst->max_tarpit = (src->max_tarpit + n - 1) / n;
}

/* Applies a checked configuration to g: new limits, actions and timeouts
 * apply to what happens next; listeners are added and closed by difference
 * (a listener kept keeps its socket, so nothing is dropped), and open
 * connections carry on. at: worker 0's bound addresses (NULL on worker 0). */
static void reload_apply(struct worker *g, const struct ws_guard_conf *nc, const struct bound *at,
			 size_t nat)
{
	struct ws_err err;
	for (struct listener *l = g->lis; l; l = l->next) {
		if (!l->lev)
			continue;
		bool keep = false;
		for (size_t i = 0; i < nc->npairs && !keep; i++) {
			if (strcmp(nc->pairs[i].listen, l->listen) != 0)
				continue;
			keep = true;
			ws_guard_sockaddr(nc->pairs[i].upstream, &l->ua, &l->ualen);
		}
		if (!keep) {
			evconnlistener_free(l->lev);
			l->lev = NULL;
			if (g->id == 0)
				ws_guard_log(g, LOG_INFO, "stopped listening on %s", l->name + 6);
		}
	}
	for (size_t i = 0; i < nc->npairs; i++) {
		bool have = false;
		for (struct listener *l = g->lis; l && !have; l = l->next)
			have = l->lev && strcmp(l->listen, nc->pairs[i].listen) == 0;
		if (have)
			continue;
		const struct bound *b = g->id ? bound_find(at, nat, nc->pairs[i].listen) : NULL;
		if (g->id && !b)
			continue; /* worker 0 could not bind it either */
		if (listener_bind(g, &nc->pairs[i], b, &err) != 0)
			ws_guard_log(g, LOG_ERR, "reload: %s", err.msg);
	}
	ws_guard_conf_free(&g->conf);
	conf_copy(g, nc);
	set_scratch(g);
}

/* ---- messages from worker 0 to the others ---- */

enum { MSG_RELOAD = 1, MSG_DRAIN, MSG_STOP };

struct msg {
	int type;
	struct ws_guard_conf *conf; /* MSG_RELOAD: owned by the receiver */
	struct bound *at;
	size_t nat;
};

static void tell_others(struct ws_guard *t, int type, const struct ws_guard_conf *nc,
			struct worker *w0)
{
	for (int i = 1; i < t->nw; i++) {
		struct msg m = {.type = type};
		if (type == MSG_RELOAD) {
			m.conf = ws_xcalloc(1, sizeof(*m.conf));
			*m.conf = *nc;
			m.conf->pairs = ws_xreallocarray(NULL, nc->npairs ? nc->npairs : 1,
							 sizeof(*nc->pairs));
			for (size_t k = 0; k < nc->npairs; k++) {
				m.conf->pairs[k].listen = ws_xstrdup(nc->pairs[k].listen);
				m.conf->pairs[k].upstream = ws_xstrdup(nc->pairs[k].upstream);
			}
			m.at = bound_table(w0, &m.nat);
		}
		/* Smaller than PIPE_BUF: written whole or not at all. */
		if (write(t->w[i]->msg_wr, &m, sizeof(m)) != (ssize_t)sizeof(m) && m.conf) {
			ws_guard_conf_free(m.conf);
			free(m.conf);
			bound_free(m.at, m.nat);
		}
	}
}

static void drain(struct worker *g);

static void msg_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *g = arg;
	(void)what;
	struct msg m;
	while (read(fd, &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m.type == MSG_RELOAD) {
			reload_apply(g, m.conf, m.at, m.nat);
			ws_guard_conf_free(m.conf);
			free(m.conf);
			bound_free(m.at, m.nat);
		} else if (m.type == MSG_DRAIN) {
			drain(g);
		} else {
			event_base_loopexit(g->base, NULL);
		}
	}
}

/* SIGHUP, on worker 0: the caller's hook reads the configuration again. */
static void reload(struct worker *g)
{
	struct ws_guard *t = g->top;
	struct ws_guard_conf nc;
	struct ws_err err;
	if (!t->hooks.reload)
		return;
	ws_guard_conf_init(&nc);
	pthread_mutex_lock(&t->lock);
	int rc = t->hooks.reload(t->hooks.ctx, &nc, &err);
	pthread_mutex_unlock(&t->lock);
	if (rc != 0 || ws_guard_conf_check(&nc, &err) != 0) {
		ws_guard_log(g, LOG_ERR, "reload failed, keeping the running configuration: %s", err.msg);
		ws_guard_conf_free(&nc);
		return;
	}
	reload_apply(g, &nc, NULL, 0);
	tell_others(t, MSG_RELOAD, &nc, g);
	ws_guard_conf_free(&nc);
	ws_guard_log(g, LOG_INFO, "configuration reloaded");
}

static void log_stats(struct ws_guard *t)
{
	struct stats s = {0};
	for (int i = 0; i < t->nw; i++) {
		const struct stats *w = &t->w[i]->st;
		s.requests += w->requests;
		s.forwarded += w->forwarded;
		s.malformed += w->malformed;
		s.worms += w->worms;
		s.refused += w->refused;
		s.limited += w->limited;
		s.tarpit_full += w->tarpit_full;
		s.over_source += w->over_source;
		s.evicted += w->evicted;
		s.overdue += w->overdue;
		s.not_http += w->not_http;
		s.evasive += w->evasive;
		for (int k = 0; k < 3; k++)
			s.by_action[k] += w->by_action[k];
	}
	ws_guard_log(t->w[0], LOG_INFO,
		     "%llu requests: %llu forwarded, %llu worm (close %llu, reject %llu, tarpit %llu, "
		     "tarpit full %llu), %llu malformed (%llu hostile encodings); %llu connections not HTTP, %llu refused at "
		     "the cap, %llu over the per-source rate, %llu over the per-source cap; %llu idle "
		     "evicted, %llu idle past the shortened header timeout",
		     (unsigned long long)s.requests, (unsigned long long)s.forwarded,
		     (unsigned long long)s.worms, (unsigned long long)s.by_action[WS_ACT_CLOSE],
		     (unsigned long long)s.by_action[WS_ACT_REJECT],
		     (unsigned long long)s.by_action[WS_ACT_TARPIT], (unsigned long long)s.tarpit_full,
		     (unsigned long long)s.malformed, (unsigned long long)s.evasive,
		     (unsigned long long)s.not_http,
		     (unsigned long long)s.refused, (unsigned long long)s.limited,
		     (unsigned long long)s.over_source, (unsigned long long)s.evicted,
		     (unsigned long long)s.overdue);
}

/* SIGTERM/SIGINT: stop accepting, end idle and held connections, let the
 * requests in flight finish (each closes after its answer), then exit; a
 * second signal or drain-timeout ends it at once. */
static void drain(struct worker *g)
{
	if (g->draining) {
		event_base_loopexit(g->base, NULL);
		return;
	}
	g->draining = true;
	for (struct listener *l = g->lis; l; l = l->next)
		if (l->lev) {
			evconnlistener_free(l->lev);
			l->lev = NULL;
		}
	while (g->tarpits)
		ws_guard_tarpit_release(g->tarpits);
	for (struct conn *c = g->conns, *next; c; c = next) {
		next = c->next;
		/* Idle between requests, or answered and only lingering. */
		if ((c->st == C_HEAD && !c->head_started) || c->st == C_LINGER)
			ws_guard_conn_free(c);
	}
	struct timeval tv = ws_guard_tv(g->conf.drain_timeout);
	evtimer_add(g->drain_ev, &tv);
	ws_guard_maybe_done(g);
}

static void sig_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct worker *g = arg;
	if (sig == SIGHUP) {
		reload(g);
		return;
	}
	if (!g->draining)
		ws_guard_log(g, LOG_INFO, "stopping");
	tell_others(g->top, g->draining ? MSG_STOP : MSG_DRAIN, NULL, g);
	drain(g);
}

static void drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct worker *g = arg;
	ws_guard_log(g, LOG_WARNING, "drain timeout: %u connections cut", g->nconns);
	event_base_loopexit(g->base, NULL);
}

static void worker_free(struct worker *g)
{
	if (!g)
		return;
	while (g->conns)
		ws_guard_conn_free(g->conns);
	while (g->tarpits)
		ws_guard_tarpit_release(g->tarpits);
	for (struct listener *l = g->lis, *next; l; l = next) {
		next = l->next;
		if (l->lev)
			evconnlistener_free(l->lev);
		free(l->listen);
		free(l);
	}
	struct event *evs[] = {g->sig_term, g->sig_int, g->sig_hup, g->flush_ev, g->drain_ev,
			       g->msg_ev, g->resume_ev};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	if (g->msg_rd > 0) {
		close(g->msg_rd);
		close(g->msg_wr);
	}
	if (g->base)
		event_base_free(g->base);
	free(g->hdr);
	free(g->first);
	ws_buf_free(&g->scratch);
	ws_guard_conf_free(&g->conf);
	free(g);
}

static int worker_new(struct ws_guard *t, int id, const struct ws_guard_conf *conf,
		      struct ws_err *err)
{
	struct worker *g = ws_xcalloc(1, sizeof(*g));
	t->w[id] = g;
	g->top = t;
	g->id = id;
	conf_copy(g, conf);
	g->base = event_base_new();
	if (!g->base)
		return ws_err_set(err, WS_EIO, "cannot create an event loop");
	g->first = ws_xmalloc(FIRST_READ);
	set_scratch(g);
	size_t nat = 0;
	struct bound *at = id ? bound_table(t->w[0], &nat) : NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < conf->npairs; i++)
		rc = listener_bind(g, &conf->pairs[i], bound_find(at, nat, conf->pairs[i].listen),
				   err);
	bound_free(at, nat);
	if (rc)
		return rc;
	g->flush_ev = evtimer_new(g->base, ws_guard_flush_cb, g);
	g->drain_ev = evtimer_new(g->base, drain_timeout, g);
	g->resume_ev = evtimer_new(g->base, ws_guard_resume_cb, g);
	if (id == 0) {
		g->sig_term = evsignal_new(g->base, SIGTERM, sig_cb, g);
		g->sig_int = evsignal_new(g->base, SIGINT, sig_cb, g);
		g->sig_hup = evsignal_new(g->base, SIGHUP, sig_cb, g);
		evsignal_add(g->sig_term, NULL);
		evsignal_add(g->sig_int, NULL);
		evsignal_add(g->sig_hup, NULL);
		return 0;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return ws_err_set(err, WS_EIO, "pipe: %s", strerror(errno));
	g->msg_rd = fds[0];
	g->msg_wr = fds[1];
	g->msg_ev = event_new(g->base, g->msg_rd, EV_READ | EV_PERSIST, msg_cb, g);
	event_add(g->msg_ev, NULL);
	return 0;
}

/* Raises the soft descriptor limit to the hard one and returns how many
 * client connections it leaves room for: each may hold two descriptors
 * (client and upstream), and listeners, pipes, epoll and the output need
 * a few more. */
static unsigned fd_budget(int nworkers)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return UINT32_MAX;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 4u * 1000 * 1000 * 1000)
		return UINT32_MAX;
	uint64_t spare = FD_SPARE + 8u * (unsigned)nworkers;
	return rl.rlim_cur > spare + 2 ? (unsigned)((rl.rlim_cur - spare) / 2) : 1;
}

int ws_guard_new(struct ws_guard **out, const struct ws_guard_conf *conf,
		 const struct ws_guard_hooks *hooks, struct ws_err *err)
{
	*out = NULL;
	int rc = ws_guard_conf_check(conf, err);
	if (rc)
		return rc;
	struct ws_guard *t = ws_xcalloc(1, sizeof(*t));
	t->hooks = *hooks;
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_init(&t->src_lock, NULL);
	t->rates = ws_xcalloc(RATE_SLOTS, sizeof(*t->rates));
	t->srcs = ws_xcalloc(SRC_BUCKETS, sizeof(*t->srcs));
	if (getrandom(&t->src_key, sizeof(t->src_key), GRND_NONBLOCK) != sizeof(t->src_key))
		t->src_key = (uint64_t)(uintptr_t)t ^ (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	t->nw = conf->threads ? (int)conf->threads : 1;
	t->fd_conns = fd_budget(t->nw);
	t->w = ws_xcalloc((size_t)t->nw, sizeof(*t->w));
	for (int i = 0; rc == 0 && i < t->nw; i++)
		rc = worker_new(t, i, conf, err);
	if (rc) {
		ws_guard_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *g = arg;
	event_base_dispatch(g->base);
	return NULL;
}

int ws_guard_run(struct ws_guard *t)
{
	signal(SIGPIPE, SIG_IGN);
	ws_guard_log(t->w[0], LOG_INFO, "running: %d worker%s (event method %s)", t->nw,
		     t->nw == 1 ? "" : "s", event_base_get_method(t->w[0]->base));
	/* Workers other than 0 never see the signals: worker 0's loop owns them. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	pthread_t *th = ws_xcalloc((size_t)t->nw, sizeof(*th));
	bool *started = ws_xcalloc((size_t)t->nw, sizeof(*started));
	for (int i = 1; i < t->nw; i++)
		started[i] = pthread_create(&th[i], NULL, worker_main, t->w[i]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	event_base_dispatch(t->w[0]->base);
	/* The others drain on their own (they got MSG_DRAIN, or MSG_STOP on a
	 * second signal); a worker 0 that stopped for another reason stops them. */
	if (!t->w[0]->draining)
		tell_others(t, MSG_STOP, NULL, t->w[0]);
	for (int i = 1; i < t->nw; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	free(th);
	free(started);
	log_stats(t);
	if (t->hooks.flush)
		t->hooks.flush(t->hooks.ctx);
	return 0;
}

void ws_guard_free(struct ws_guard *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nw; i++)
		worker_free(t->w[i]);
	free(t->w);
	free(t->srcs); /* empty: every conn took its count with it */
	free(t->rates);
	pthread_mutex_destroy(&t->src_lock);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
