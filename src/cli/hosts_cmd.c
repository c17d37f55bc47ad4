/* SPDX-License-Identifier: MIT */
/* `wormscope hosts`: the sources a store has seen sending worm requests, one
 * line each, filtered, as text, JSON Lines, CSV or a bare address list (for
 * an ipset or nftables set). Reads the hosts rollup, never the sightings. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/hosts_scanners.h"
#include "cli/opts.h"
#include "store/store.h"
#include "util/addr.h"
#include "util/escape.h"
#include "util/mem.h"
#include "util/time.h"

enum { OPT_DB = 256, OPT_WORM, OPT_SINCE, OPT_UNTIL, OPT_CIDR, OPT_MIN, OPT_INSIDE, OPT_OUTSIDE,
       OPT_COMPROMISED, OPT_SCANNERS, OPT_SENSOR, OPT_SENSORS };

static const struct ws_opt opts[] = {
	{"db", OPT_DB, "FILE|URI", "the store written by 'wormscope scan --db' (required; a file "
				   "or a postgresql:// URI)"},
	{"format", 'f', "FMT", "text (default), jsonl, csv, or list (one address per line, for "
			       "ipset/nftables)"},
	{"worm", OPT_WORM, "ID,...", "only sources that sent these worms' requests; counts and "
				     "times are then theirs alone"},
	{"since", OPT_SINCE, "TIME", "only sources seen at or after TIME (ISO 8601 UTC, e.g. "
				     "2001-08-01 or 2001-08-01T12:00:00Z)"},
	{"until", OPT_UNTIL, "TIME", "only sources seen at or before TIME"},
	{"cidr", OPT_CIDR, "CIDR", "only sources inside these networks (repeatable, or "
				   "comma-separated)"},
	{"min-requests", OPT_MIN, "N", "only sources with at least N worm requests"},
	{"inside", OPT_INSIDE, NULL, "only sources inside --home-net (as scanned)"},
	{"outside", OPT_OUTSIDE, NULL, "only sources outside --home-net"},
	{"compromised", OPT_COMPROMISED, NULL, "only sources whose worm requests got a success "
					       "answer"},
	{"scanners", OPT_SCANNERS, NULL, "list the sources behavioural detection flagged as "
					 "scanners (threshold random walk) instead: first flagged, "
					 "after how many first contacts, alerts; with --cidr, --since, "
					 "--until"},
	{"sensor", OPT_SENSOR, "NAME", "only sources this sensor saw; first, last and requests "
				       "are then that sensor's"},
	{"sensors", OPT_SENSORS, NULL, "list the sensors instead: inputs, sightings, sources, "
				       "first and last seen per sensor"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char about[] =
	"Lists the probing and infected sources in a store, one line each, in address\n"
	"order: first and last seen, worm requests (per worm), Nimda probes sent,\n"
	"compromised-looking answers, destinations touched, inside --home-net or not.\n"
	"Sources seen only in simulated logs are marked simulated.\n"
	"Exit status: 0 success (also when nothing matches), 2 usage or store error.";

enum fmt { F_TEXT, F_JSONL, F_CSV, F_LIST };

struct filter {
	enum fmt fmt;
	uint32_t worms; /* 0 = all */
	bool has_since, has_until;
	int64_t since, until;
	struct ws_cidrset cidr;
	uint64_t min_requests;
	int where; /* 0 any, 1 inside, -1 outside */
	bool compromised;
	bool scanners;
	const char *sensor; /* NULL: every sensor */
	bool list_sensors;
};

struct out {
	const struct filter *f;
	struct ws_buf b;
	uint64_t shown, seen, simulated;
};

/* Counts and times of h restricted to the selected worms. */
struct view {
	uint64_t requests;
	int64_t first, last;
};

static void view_of(const struct filter *f, const struct ws_store_host *h, struct view *v)
{
	if (f->sensor) {
		*v = (struct view){h->s_requests, h->s_first, h->s_last};
		return;
	}
	if (!f->worms) {
		*v = (struct view){h->requests, h->first, h->last};
		return;
	}
	*v = (struct view){0, INT64_MAX, INT64_MIN};
	for (int w = 0; w < WS_MAX_WORMS; w++) {
		if (!(f->worms & (1u << w)) || !h->per_worm[w])
			continue;
		v->requests += h->per_worm[w];
		if (h->worm_first[w] != INT64_MIN && h->worm_first[w] < v->first)
			v->first = h->worm_first[w];
		if (h->worm_last[w] > v->last)
			v->last = h->worm_last[w];
	}
	if (v->first == INT64_MAX)
		v->first = INT64_MIN;
}

static bool keep(const struct filter *f, const struct ws_store_host *h, const struct view *v)
{
	if (v->requests == 0 || v->requests < f->min_requests)
		return false;
	if (f->has_since && (v->last == INT64_MIN || v->last < f->since))
		return false;
	if (f->has_until && (v->first == INT64_MIN || v->first > f->until))
		return false;
	if (f->cidr.n && !ws_cidrset_contains(&f->cidr, &h->addr))
		return false;
	if ((f->where > 0 && !h->inside) || (f->where < 0 && h->inside))
		return false;
	return !f->compromised || h->compromised > 0;
}

/* Formatting without printf: a million sources are a million lines. */
static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* "2001-08-04T14:22:05Z" or "none". */
static void time_text(int64_t t, char out[32])
{
	if (t == INT64_MIN) {
		memcpy(out, "none", 5);
		return;
	}
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;
	ws_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		ws_time_format_iso(t, out);
		return;
	}
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put2(out, y / 100);
	put2(out + 2, y % 100);
	put2(out + 5, m);
	put2(out + 8, d);
	put2(out + 11, (int)(rem / 3600));
	put2(out + 14, (int)(rem / 60 % 60));
	put2(out + 17, (int)(rem % 60));
}

static void addr_text(const struct ws_addr *a, char out[64])
{
	if (a->fam != 4) {
		ws_addr_format(a, out, 64);
		return;
	}
	char *p = out;
	for (int i = 0; i < 4; i++) {
		unsigned v = a->b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

/* s, then spaces up to width. */
static void pad(struct ws_buf *b, const char *s, size_t width)
{
	size_t n = strlen(s);
	ws_buf_add(b, s, n);
	for (; n < width; n++)
		ws_buf_addc(b, ' ');
}

/* A number right-aligned in width. */
static void num_right(struct ws_buf *b, uint64_t v, size_t width)
{
	char t[24];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t n = sizeof(t) - i; n < width; n++)
		ws_buf_addc(b, ' ');
	ws_buf_add(b, t + i, sizeof(t) - i);
}

static void num(struct ws_buf *b, uint64_t v)
{
	num_right(b, v, 0);
}

/* "code-red:3,nimda:16" for the selected worms; "none" when empty. */
static void worm_list(struct ws_buf *b, const struct filter *f, const struct ws_store_host *h,
		      char sep)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	bool any = false;
	for (int w = 0; w < n && w < WS_MAX_WORMS; w++) {
		if (!h->per_worm[w] || (f->worms && !(f->worms & (1u << w))))
			continue;
		if (any)
			ws_buf_addc(b, sep);
		ws_buf_adds(b, t[w]->id);
		ws_buf_addc(b, ':');
		num(b, h->per_worm[w]);
		any = true;
	}
	if (!any)
		ws_buf_adds(b, "none");
}

static void line_text(struct out *o, const struct ws_store_host *h, const struct view *v,
		      const char *addr, const char *first, const char *last)
{
	struct ws_buf *b = &o->b;
	pad(b, addr, 40);
	pad(b, first, 22);
	pad(b, last, 20);
	num_right(b, v->requests, 10);
	ws_buf_adds(b, "  ");
	worm_list(b, o->f, h, ',');
	if (h->nimda_probes) {
		ws_buf_adds(b, "  nimda:");
		num(b, (uint64_t)__builtin_popcount(h->nimda_probes));
		ws_buf_adds(b, "/16");
	}
	if (h->compromised) {
		ws_buf_adds(b, "  compromised:");
		num(b, h->compromised);
	}
	if (h->destinations) {
		ws_buf_adds(b, "  destinations:");
		num(b, h->destinations);
	}
	if (h->sensors > 1) {
		ws_buf_adds(b, "  sensors:");
		num(b, h->sensors);
	}
	if (h->inside)
		ws_buf_adds(b, "  inside");
	if (h->simulated)
		ws_buf_adds(b, "  SIMULATED");
	ws_buf_addc(b, '\n');
}

static void line_jsonl(struct out *o, const struct ws_store_host *h, const struct view *v,
		       const char *addr, const char *first, const char *last)
{
	struct ws_buf *b = &o->b;
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	ws_buf_adds(b, "{\"source\":\"");
	ws_buf_adds(b, addr);
	if (v->first == INT64_MIN) {
		ws_buf_adds(b, "\",\"first\":null,\"last\":null");
	} else {
		ws_buf_adds(b, "\",\"first\":\"");
		ws_buf_adds(b, first);
		ws_buf_adds(b, "\",\"last\":\"");
		ws_buf_adds(b, last);
		ws_buf_addc(b, '"');
	}
	ws_buf_adds(b, ",\"requests\":");
	num(b, v->requests);
	ws_buf_adds(b, ",\"worms\":{");
	bool any = false;
	for (int w = 0; w < n && w < WS_MAX_WORMS; w++) {
		if (!h->per_worm[w] || (o->f->worms && !(o->f->worms & (1u << w))))
			continue;
		ws_buf_adds(b, any ? ",\"" : "\"");
		ws_buf_adds(b, t[w]->id);
		ws_buf_adds(b, "\":");
		num(b, h->per_worm[w]);
		any = true;
	}
	ws_buf_adds(b, "},\"nimda_probes\":");
	num(b, (uint64_t)__builtin_popcount(h->nimda_probes));
	ws_buf_adds(b, ",\"compromised\":");
	num(b, h->compromised);
	ws_buf_adds(b, ",\"destinations\":");
	num(b, h->destinations);
	ws_buf_adds(b, h->inside ? ",\"inside_home_net\":true" : ",\"inside_home_net\":false");
	ws_buf_adds(b, ",\"sensors\":");
	num(b, h->sensors);
	if (h->simulated)
		ws_buf_adds(b, ",\"simulated\":true");
	ws_buf_adds(b, "}\n");
}

static void line_csv(struct out *o, const struct ws_store_host *h, const struct view *v,
		     const char *addr, const char *first, const char *last)
{
	struct ws_buf *b = &o->b;
	ws_esc_csv(b, addr, strlen(addr));
	ws_buf_addc(b, ',');
	if (v->first != INT64_MIN) {
		ws_buf_adds(b, first);
		ws_buf_addc(b, ',');
		ws_buf_adds(b, last);
	} else {
		ws_buf_addc(b, ',');
	}
	ws_buf_addc(b, ',');
	num(b, v->requests);
	ws_buf_addc(b, ',');
	struct ws_buf w = {0};
	worm_list(&w, o->f, h, ';');
	ws_esc_csv(b, w.p, w.n);
	ws_buf_free(&w);
	ws_buf_addc(b, ',');
	num(b, (uint64_t)__builtin_popcount(h->nimda_probes));
	ws_buf_addc(b, ',');
	num(b, h->compromised);
	ws_buf_addc(b, ',');
	num(b, h->destinations);
	ws_buf_adds(b, h->inside ? ",true," : ",false,");
	ws_buf_adds(b, h->simulated ? "true," : "false,");
	num(b, h->sensors);
	ws_buf_addc(b, '\n');
}

static int on_host(void *ctx, const struct ws_store_host *h)
{
	struct out *o = ctx;
	o->seen++;
	struct view v;
	view_of(o->f, h, &v);
	if (!keep(o->f, h, &v))
		return 0;
	o->shown++;
	o->simulated += h->simulated;
	char addr[64], first[32], last[32];
	addr_text(&h->addr, addr);
	if (o->f->fmt != F_LIST) {
		time_text(v.first, first);
		time_text(v.last, last);
	}
	switch (o->f->fmt) {
	case F_TEXT: line_text(o, h, &v, addr, first, last); break;
	case F_JSONL: line_jsonl(o, h, &v, addr, first, last); break;
	case F_CSV: line_csv(o, h, &v, addr, first, last); break;
	case F_LIST:
		ws_buf_adds(&o->b, addr);
		ws_buf_addc(&o->b, '\n');
		break;
	}
	if (o->b.n >= (1u << 16)) {
		fwrite(o->b.p, 1, o->b.n, stdout);
		o->b.n = 0;
	}
	return 0;
}

/* "2001-08-01" (midnight) or a full ISO 8601 time. */
static bool parse_time(const char *s, bool end_of_day, int64_t *t)
{
	char buf[64];
	if (strlen(s) == 10) {
		snprintf(buf, sizeof(buf), "%sT%s", s, end_of_day ? "23:59:59Z" : "00:00:00Z");
		s = buf;
	}
	return ws_time_parse_iso((struct ws_str){s, strlen(s)}, t);
}

static int parse_format(const char *s, enum fmt *f)
{
	static const char *const names[] = {"text", "jsonl", "csv", "list"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum fmt)i;
			return 0;
		}
	ws_cli_err("hosts", "--format: text, jsonl, csv or list");
	return -1;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct filter *f, const char **db)
{
	struct option *longs;
	char shorts[32];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	int c, rc = -1;
	char *end;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		bool bad = false;
		switch (c) {
		case OPT_DB: *db = optarg; break;
		case 'f': bad = parse_format(optarg, &f->fmt) < 0; break;
		case OPT_WORM:
			bad = ws_opts_worms("hosts", optarg, &f->worms) < 0;
			if (!bad && f->sensor) {
				ws_cli_err("hosts", "--sensor and --worm: one at a time");
				bad = true;
			}
			break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int64_t t;
			if (!parse_time(optarg, c == OPT_UNTIL, &t)) {
				ws_cli_err("hosts", "--%s: not an ISO 8601 time: '%s'",
					   c == OPT_SINCE ? "since" : "until", optarg);
				bad = true;
			} else if (c == OPT_SINCE) {
				f->since = t;
				f->has_since = true;
			} else {
				f->until = t;
				f->has_until = true;
			}
			break;
		}
		case OPT_CIDR: bad = ws_opts_cidrs("hosts", "cidr", optarg, &f->cidr) < 0; break;
		case OPT_MIN:
			f->min_requests = strtoull(optarg, &end, 10);
			if (*end || !*optarg || optarg[0] == '-') {
				ws_cli_err("hosts", "--min-requests: a number, not '%s'", optarg);
				bad = true;
			}
			break;
		case OPT_INSIDE:
		case OPT_OUTSIDE: {
			int want = c == OPT_INSIDE ? 1 : -1;
			if (f->where == -want) {
				ws_cli_err("hosts", "--inside and --outside exclude each other");
				bad = true;
			}
			f->where = want;
			break;
		}
		case OPT_COMPROMISED: f->compromised = true; break;
		case OPT_SCANNERS: f->scanners = true; break;
		case OPT_SENSOR:
			if (f->worms) {
				ws_cli_err("hosts", "--sensor and --worm: one at a time");
				bad = true;
			}
			f->sensor = optarg;
			break;
		case OPT_SENSORS: f->list_sensors = true; break;
		case 'h':
			ws_opts_help(stdout, "wormscope hosts --db FILE [options]", about, opts, NOPTS);
			rc = WS_EXIT_CLEAN;
			break;
		case ':':
			ws_cli_err("hosts", "option %s needs an argument", argv[optind - 1]);
			bad = true;
			break;
		default:
			ws_cli_err("hosts", "unknown option %s (see --help)", argv[optind - 1]);
			bad = true;
		}
		if (bad)
			rc = WS_EXIT_ERROR;
	}
	free(longs);
	if (rc < 0 && optind < argc) {
		ws_cli_err("hosts", "unexpected argument '%s' (see --help)", argv[optind]);
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && f->scanners && (f->worms || f->min_requests || f->where || f->compromised)) {
		ws_cli_err("hosts", "--scanners takes only --cidr, --since, --until and --format");
		rc = WS_EXIT_ERROR;
	}
	if (rc < 0 && !*db) {
		ws_cli_err("hosts", "--db FILE is required");
		rc = WS_EXIT_ERROR;
	}
	return rc;
}

static void header(struct out *o)
{
	if (o->f->fmt == F_TEXT)
		ws_buf_printf(&o->b, "%-39s %-20s  %-20s  %8s  %s\n", "source", "first seen (UTC)",
			      "last seen (UTC)", "requests", "worms");
	else if (o->f->fmt == F_CSV)
		ws_buf_adds(&o->b, "source,first,last,requests,worms,nimda_probes,compromised,"
				   "destinations,inside_home_net,simulated,sensors\n");
}

static int on_sensor(void *ctx, const struct ws_store_sensor *s)
{
	struct out *o = ctx;
	char first[32], last[32];
	time_text(s->first, first);
	time_text(s->last, last);
	struct ws_buf *b = &o->b;
	switch (o->f->fmt) {
	case F_JSONL:
		ws_buf_adds(b, "{\"sensor\":\"");
		ws_esc_json(b, s->name, strlen(s->name));
		ws_buf_printf(b, "\",\"inputs\":%" PRIu64 ",\"sightings\":%" PRIu64
				 ",\"sources\":%" PRIu64,
			      s->inputs, s->sightings, s->sources);
		if (s->first == INT64_MIN)
			ws_buf_adds(b, ",\"first\":null,\"last\":null}\n");
		else
			ws_buf_printf(b, ",\"first\":\"%s\",\"last\":\"%s\"}\n", first, last);
		break;
	case F_CSV:
		ws_esc_csv(b, s->name, strlen(s->name));
		ws_buf_printf(b, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%s\n", s->inputs,
			      s->sightings, s->sources, s->first == INT64_MIN ? "" : first,
			      s->last == INT64_MIN ? "" : last);
		break;
	case F_LIST: ws_buf_printf(b, "%s\n", s->name); break;
	case F_TEXT:
		ws_buf_printf(b, "%-24s %8" PRIu64 " %10" PRIu64 " %9" PRIu64 "  %-20s  %s\n",
			      s->name, s->inputs, s->sightings, s->sources, first, last);
		break;
	}
	o->shown++;
	return 0;
}

static int list_sensors(struct ws_store *st, struct out *o, struct ws_err *err)
{
	if (o->f->fmt == F_TEXT)
		ws_buf_printf(&o->b, "%-24s %8s %10s %9s  %-20s  %s\n", "sensor", "inputs",
			      "sightings", "sources", "first seen (UTC)", "last seen (UTC)");
	else if (o->f->fmt == F_CSV)
		ws_buf_adds(&o->b, "sensor,inputs,sightings,sources,first,last\n");
	int rc = ws_store_sensors(st, on_sensor, o, err);
	if (!rc && o->f->fmt == F_TEXT)
		ws_buf_printf(&o->b, "%" PRIu64 " sensor%s\n", o->shown, o->shown == 1 ? "" : "s");
	return rc;
}

int ws_cmd_hosts(int argc, char **argv)
{
	struct filter f = {0};
	const char *db = NULL;
	int rc = parse_args(argc, argv, &f, &db);
	if (rc >= 0) {
		ws_cidrset_free(&f.cidr);
		return rc;
	}
	struct ws_store *st;
	struct ws_err err;
	if (ws_cli_check_store("hosts", db) != 0) {
		ws_cidrset_free(&f.cidr);
		return WS_EXIT_ERROR;
	}
	if (ws_store_open(db, WS_STORE_RO, &st, &err) != 0) {
		ws_cli_err("hosts", "%s", err.msg);
		ws_cidrset_free(&f.cidr);
		return WS_EXIT_ERROR;
	}
	if (f.scanners) {
		struct ws_scanner_filter sf = {.fmt = (int)f.fmt, .has_since = f.has_since,
					       .has_until = f.has_until, .since = f.since,
					       .until = f.until, .cidr = &f.cidr};
		rc = ws_hosts_scanners(st, &sf, &err);
		if (rc)
			ws_cli_err("hosts", "%s", err.msg);
		ws_store_close(st, &err);
		ws_cidrset_free(&f.cidr);
		return rc || fflush(stdout) != 0 ? WS_EXIT_ERROR : WS_EXIT_CLEAN;
	}
	struct out o = {.f = &f};
	if (f.list_sensors) {
		rc = list_sensors(st, &o, &err);
		goto done;
	}
	header(&o);
	rc = ws_store_hosts_by(st, f.sensor, on_host, &o, &err);
	if (rc == 0 && f.fmt == F_TEXT)
		ws_buf_printf(&o.b, "%" PRIu64 " of %" PRIu64 " sources%s\n", o.shown, o.seen,
			      o.simulated ? " (SIMULATED DATA among them)" : "");
done:
	if (o.b.n)
		fwrite(o.b.p, 1, o.b.n, stdout);
	ws_buf_free(&o.b);
	if (rc)
		ws_cli_err("hosts", "%s", err.msg);
	else if (o.simulated && f.fmt == F_LIST)
		ws_cli_err("hosts", "warning: %" PRIu64 " of these sources come from simulated logs",
			   o.simulated);
	ws_store_close(st, &err);
	ws_cidrset_free(&f.cidr);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ws_cli_err("hosts", "error writing stdout");
		return WS_EXIT_ERROR;
	}
	return rc ? WS_EXIT_ERROR : WS_EXIT_CLEAN;
}
