/* SPDX-License-Identifier: MIT */
/* `wormscope guard`: options, the config file, where sightings and log lines
 * go, dropping root, and the reload hook. The proxy itself is src/guard/.
 *
 * Settings come from the config file first, then the command line on top;
 * a SIGHUP re-reads the file and re-applies the same command line, so a
 * reload never loses what was given as an option. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/opts.h"
#include "guard/guard.h"
#include "output/output.h"
#include "store/store.h"
#include "util/mem.h"

enum {
	OPT_LISTEN = 256, OPT_UPSTREAM, OPT_ACTION, OPT_SYSLOG, OPT_CHECK, OPT_DB, OPT_SENSOR,
	OPT_SET, /* every numeric setting: its long name is its config key */
};

#define NUMERIC(name, arg, help) {name, OPT_SET, arg, help}

static const struct ws_opt opts[] = {
	{"listen", OPT_LISTEN, "ADDR:PORT", "accept clients here (repeatable; pairs with the "
					    "--upstream in the same position)"},
	{"upstream", OPT_UPSTREAM, "ADDR:PORT", "the service to protect"},
	{"config", 'c', "FILE", "settings file (keys are these long options; 'listen A "
				"upstream B' lines); re-read on SIGHUP"},
	{"action", OPT_ACTION, "WORM=ACT", "close, reject (403) or tarpit for a worm id, or "
					  "all=ACT (repeatable)"},
	{"format", 'f', "FMT", "sightings as jsonl (default), csv, eve, or none (with --db)"},
	{"output", 'o', "FILE", "append sightings to FILE (default stdout); reopened on SIGHUP"},
	{"db", OPT_DB, "FILE|URI", "also record sightings in this SQLite store or PostgreSQL "
				   "database (postgresql://...); while the database is away, up to "
				   "200000 sightings are kept, then dropped and counted"},
	{"sensor", OPT_SENSOR, "NAME", "with --db: this guard's sensor name, stored with its "
				       "inputs and sightings (default: the host name)"},
	{"user", 'Z', "USER", "drop root to USER after binding"},
	{"syslog", OPT_SYSLOG, NULL, "log to syslog (daemon) instead of stderr"},
	{"quiet", 'q', NULL, "log warnings and errors only"},
	{"check", OPT_CHECK, NULL, "check the configuration, print what would run, and exit (0 or 2)"},
	NUMERIC("max-conns", "N", "open client connections, tarpit included (4096)"),
	NUMERIC("max-tarpit", "N", "connections held in the tarpit; more are closed (256)"),
	NUMERIC("max-head", "BYTES", "largest request head; larger gets 431 (16384)"),
	NUMERIC("max-headers", "N", "most header lines per request; more gets 431 (100)"),
	NUMERIC("source-rate", "N", "new connections per second per source address; 0 = no "
				    "limit (50)"),
	NUMERIC("source-burst", "N", "connections a source may open at once (200)"),
	NUMERIC("source-conns", "N", "open connections per source address (IPv6: per /64); "
				     "0 = no limit (32)"),
	NUMERIC("header-timeout", "SECS", "from a head's first byte to its end; else 408 (10)"),
	NUMERIC("idle-timeout", "SECS", "keep-alive wait for the next request (60)"),
	NUMERIC("body-timeout", "SECS", "longest pause inside a request body; else 408 (30)"),
	NUMERIC("connect-timeout", "SECS", "upstream connect; else 504 (5)"),
	NUMERIC("upstream-timeout", "SECS", "upstream silence while an answer is due; else 504 "
					    "(60)"),
	NUMERIC("tarpit-timeout", "SECS", "how long a tarpitted connection is held (600)"),
	NUMERIC("drain-timeout", "SECS", "SIGTERM: longest wait for requests in flight (30)"),
	NUMERIC("threads", "N", "event loops sharing the listeners (SO_REUSEPORT); caps and "
				"source rate are split over them; not reloaded (1)"),
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char about[] =
	"A reverse proxy for fragile HTTP services (IIS 4 with URL redirection, Cisco 600\n"
	"routers, print servers: what Code Red knocked over in 2001). Every request head\n"
	"is read with bounded size and time and classified with the worm table; worm\n"
	"requests are answered here (close, 403 or tarpit) and written out as sightings,\n"
	"malformed requests get 400, and only sound, normalised requests reach the upstream.\n"
	"SIGHUP reloads the configuration; SIGTERM stops accepting and drains.\n"
	"Exit status: 0 after a clean stop, 2 on a usage or start-up error.";

struct setting {
	const char *key, *val;
};

struct guard_args {
	struct setting *set; /* command-line settings, applied over the file */
	size_t nset;
	const char *config, *output, *db, *user, *sensor;
	enum ws_out_format fmt;
	bool use_syslog, quiet, check;
};

/* One store input per listener, registered on its first sighting. */
struct live_input {
	char *name;
	int64_t id;
};

struct sink {
	struct guard_args *a;
	FILE *out;
	bool own_out;
	struct ws_buf buf;
	struct ws_store *st;
	struct live_input *inputs;
	size_t ninputs;
};

static void add_setting(struct guard_args *a, const char *key, const char *val)
{
	a->set = ws_xreallocarray(a->set, a->nset + 1, sizeof(*a->set));
	a->set[a->nset++] = (struct setting){key, val};
}

/* Defaults, then the file, then the command line. */
static int build_conf(const struct guard_args *a, struct ws_guard_conf *c, struct ws_err *err)
{
	ws_guard_conf_init(c);
	int rc = a->config ? ws_guard_conf_load(c, a->config, err) : 0;
	for (size_t i = 0; rc == 0 && i < a->nset; i++)
		rc = ws_guard_conf_set(c, a->set[i].key, a->set[i].val, err);
	if (rc == 0)
		rc = ws_guard_conf_check(c, err);
	if (rc)
		ws_guard_conf_free(c);
	return rc;
}

static void log_line(void *ctx, int prio, const char *msg)
{
	struct sink *s = ctx;
	if (s->a->quiet && prio > LOG_WARNING)
		return;
	/* Messages name configuration values and files: escaped for the log. */
	struct ws_buf b = {0};
	ws_cli_esc(&b, msg);
	ws_buf_addc(&b, '\0');
	if (s->a->use_syslog) {
		syslog(prio, "%s", b.p);
	} else {
		char ts[32];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s wormscope guard: %s\n", ts, b.p);
	}
	ws_buf_free(&b);
}

/* Sightings collect in buf and go out whole at each flush (every 200 ms at
 * most, or at 64 KiB), so a reader tailing the file sees whole lines and a
 * flood costs one write per batch, not one per sighting. */
static void flush(void *ctx)
{
	struct sink *s = ctx;
	if (s->buf.n && (fwrite(s->buf.p, 1, s->buf.n, s->out) != s->buf.n || fflush(s->out)))
		log_line(s, LOG_ERR, "cannot write sightings");
	s->buf.n = 0;
	struct ws_err err;
	if (s->st && ws_store_flush(s->st, &err) != 0)
		log_line(s, LOG_ERR, err.msg);
}

/* The store's retries and what it keeps while the database is away. */
static void store_notice(void *ctx, const char *msg)
{
	log_line(ctx, LOG_WARNING, msg);
}

/* The store's input id for the listener that saw si, or -1. */
static int64_t store_input(struct sink *s, const char *name)
{
	for (size_t i = 0; i < s->ninputs; i++)
		if (strcmp(s->inputs[i].name, name) == 0)
			return s->inputs[i].id;
	int64_t id;
	struct ws_err err;
	if (ws_store_live_input(s->st, "guard", name, &id, &err) != 0) {
		log_line(s, LOG_ERR, err.msg);
		return -1;
	}
	s->inputs = ws_xreallocarray(s->inputs, s->ninputs + 1, sizeof(*s->inputs));
	s->inputs[s->ninputs++] = (struct live_input){ws_xstrdup(name), id};
	return id;
}

static void sighting(void *ctx, const struct ws_sighting *si)
{
	struct sink *s = ctx;
	if (s->a->fmt != WS_OUT_NONE)
		ws_out_sighting(s->a->fmt, &s->buf, si);
	if (s->buf.n >= 65536)
		flush(s);
	struct ws_err err;
	int64_t id = s->st ? store_input(s, si->file) : -1;
	if (id >= 0 && ws_store_add(s->st, id, si, &err) != 0)
		log_line(s, LOG_ERR, err.msg);
}

static int open_output(struct sink *s, struct ws_err *err)
{
	if (!s->a->output) {
		s->out = stdout;
		return 0;
	}
	FILE *f = fopen(s->a->output, "a");
	if (f)
		setvbuf(f, NULL, _IOFBF, 1 << 17);
	if (!f)
		return ws_err_set(err, WS_EIO, "%s: %s", s->a->output, strerror(errno));
	if (s->own_out)
		fclose(s->out);
	s->out = f;
	s->own_out = true;
	if (s->a->fmt == WS_OUT_CSV && ftell(f) == 0) {
		struct ws_buf h = {0};
		ws_out_header(WS_OUT_CSV, &h);
		fwrite(h.p, 1, h.n, f);
		ws_buf_free(&h);
	}
	return 0;
}

static int reload(void *ctx, struct ws_guard_conf *c, struct ws_err *err)
{
	struct sink *s = ctx;
	struct ws_err e;
	/* Reopen the output, so a rotated file is let go; keep the old one if
	 * the new one cannot be opened (after -Z it may not be). */
	if (s->own_out) {
		flush(s);
		if (open_output(s, &e) != 0)
			log_line(s, LOG_ERR, e.msg);
	}
	ws_guard_conf_free(c);
	return build_conf(s->a, c, err);
}

static int drop_root(const char *user, struct sink *s, struct ws_err *err)
{
	if (geteuid() != 0) {
		log_line(s, LOG_WARNING, "not running as root: -Z ignored");
		return 0;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return ws_err_set(err, WS_EUSAGE, "-Z: no user '%s'", user);
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return ws_err_set(err, WS_EIO, "-Z %s: %s", user, strerror(errno));
	if (setuid(0) == 0)
		return ws_err_set(err, WS_EIO, "-Z %s: root could be regained", user);
	return 0;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct guard_args *a)
{
	struct option *longs;
	char shorts[64];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, idx = 0, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
		switch (c) {
		case OPT_LISTEN: add_setting(a, "listen", optarg); break;
		case OPT_UPSTREAM: add_setting(a, "upstream", optarg); break;
		case OPT_ACTION: add_setting(a, "action", optarg); break;
		case OPT_SET: add_setting(a, longs[idx].name, optarg); break;
		case 'c': a->config = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_DB: a->db = optarg; break;
		case OPT_SENSOR: a->sensor = optarg; break;
		case 'Z': a->user = optarg; break;
		case OPT_SYSLOG: a->use_syslog = true; break;
		case 'q': a->quiet = true; break;
		case OPT_CHECK: a->check = true; break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
				a->fmt = WS_OUT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				a->fmt = WS_OUT_CSV;
			else if (strcmp(optarg, "eve") == 0)
				a->fmt = WS_OUT_EVE;
			else if (strcmp(optarg, "none") == 0)
				a->fmt = WS_OUT_NONE;
			else {
				ws_cli_err("guard", "--format: jsonl, csv, eve or none");
				rc = WS_EXIT_ERROR;
			}
			break;
		case 'h':
			ws_opts_help(stdout, "wormscope guard --listen ADDR:PORT --upstream ADDR:PORT "
					     "[options] | --config FILE",
				     about, opts, NOPTS);
			rc = WS_EXIT_CLEAN;
			break;
		case ':':
			ws_cli_err("guard", "option %s needs an argument", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
			break;
		default:
			ws_cli_err("guard", "unknown option %s (see --help)", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
		}
	}
	if (rc < 0 && optind < argc) {
		ws_cli_err("guard", "unexpected argument '%s'", argv[optind]);
		rc = WS_EXIT_ERROR;
	}
	free(longs);
	return rc;
}

int ws_cmd_guard(int argc, char **argv)
{
	struct guard_args a = {.fmt = WS_OUT_JSONL};
	struct sink s = {.a = &a, .out = stdout};
	struct ws_guard_conf conf;
	struct ws_guard *g = NULL;
	struct ws_err err;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out;
	rc = WS_EXIT_ERROR;
	if (a.use_syslog)
		openlog("wormscope-guard", LOG_PID, LOG_DAEMON);
	if (build_conf(&a, &conf, &err) != 0) {
		ws_cli_err("guard", "%s", err.msg);
		goto out;
	}
	if (a.check) {
		/* Addresses are checked for syntax only: binding is the real test. */
		for (size_t i = 0; i < conf.npairs; i++)
			printf("listen %s upstream %s\n", conf.pairs[i].listen, conf.pairs[i].upstream);
		int nw;
		const struct ws_worm *const *t = ws_worms(&nw);
		for (int i = 0; i < nw; i++)
			printf("action %s=%s\n", t[i]->id, ws_guard_action_name(conf.action[i]));
		ws_guard_conf_free(&conf);
		rc = WS_EXIT_CLEAN;
		goto out;
	}
	if (a.sensor && (!a.db || !ws_store_sensor_ok(a.sensor))) {
		ws_cli_err("guard", a.db ? "--sensor: 1 to 128 letters, digits or .-_:@"
					 : "--sensor needs --db FILE");
		ws_guard_conf_free(&conf);
		goto out;
	}
	if (a.db && ws_store_open_as(a.db, WS_STORE_RW, a.sensor, &s.st, &err) != 0) {
		ws_cli_err("guard", "%s", err.msg);
		ws_guard_conf_free(&conf);
		goto out;
	}
	if (s.st) {
		ws_store_set_live(s.st, true);
		ws_store_on_notice(s.st, store_notice, &s);
	}
	struct ws_guard_hooks hooks = {.sighting = sighting, .flush = flush, .log = log_line,
				       .reload = reload, .ctx = &s};
	if (open_output(&s, &err) != 0 || ws_guard_new(&g, &conf, &hooks, &err) != 0 ||
	    (a.user && drop_root(a.user, &s, &err) != 0)) {
		ws_cli_err("guard", "%s", err.msg);
		ws_guard_conf_free(&conf);
		goto out;
	}
	ws_guard_conf_free(&conf);
	ws_guard_run(g);
	rc = WS_EXIT_CLEAN;
out:
	ws_guard_free(g);
	if (s.st && ws_store_close(s.st, &err) != 0) {
		ws_cli_err("guard", "%s", err.msg);
		rc = WS_EXIT_ERROR;
	}
	for (size_t i = 0; i < s.ninputs; i++)
		free(s.inputs[i].name);
	free(s.inputs);
	if (s.own_out && fclose(s.out) != 0 && rc == WS_EXIT_CLEAN) {
		ws_cli_err("guard", "%s: %s", a.output, strerror(errno));
		rc = WS_EXIT_ERROR;
	}
	fflush(stdout);
	ws_buf_free(&s.buf);
	free(a.set);
	return rc;
}
