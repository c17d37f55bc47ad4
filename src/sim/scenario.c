/* SPDX-License-Identifier: MIT */
/* Scenarios (simulator core): defaults from the worm table, one key table
 * that serves the config file, the command line and --dump-config, and the
 * consistency check. The defaults are the textbook model: every realism knob
 * (rate spread, day/night, random reboots, DHCP churn, bandwidth caps,
 * defences) is off until a scenario file or an option turns it on. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "util/addr.h"
#include "util/str.h"
#include "util/time.h"
#include "wormscope/worm.h"
#include "ws_version.h"

/* Code Red's rate as the models use it: 358 scans/min (Zou et al.; with
 * N = 360,000 it gives Staniford's K = 1.8/h, [Zou02], [Staniford02]). Used when
 * a worm documents neither a rate nor threads. */
#define WS_SIM_DEFAULT_RATE (358.0 / 60.0)

static const char *const strategy_names[WS_SIM_NSTRATEGIES] = {
	"uniform", "fixed-sequence", "local-preference", "sequential", "permutation",
};

const char *ws_sim_strategy_name(enum ws_sim_strategy s)
{
	return (unsigned)s < WS_SIM_NSTRATEGIES ? strategy_names[s] : "?";
}

double ws_sim_mean_rate(const struct ws_sim_worm *w)
{
	if (w->scan_rate > 0)
		return w->scan_rate;
	if (w->threads > 0 && w->probe_time_s > 0)
		return (double)w->threads / w->probe_time_s;
	return WS_SIM_DEFAULT_RATE;
}

static int strategy_parse(const char *s)
{
	for (int i = 0; i < WS_SIM_NSTRATEGIES; i++)
		if (strcmp(s, strategy_names[i]) == 0)
			return i;
	return -1;
}

/* A day that exists (not 31 June, not 29 February 2001). */
static bool real_day(int y, int m, int d)
{
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int y2, m2, d2;
	ws_civil_from_days(ws_days_from_civil(y, m, d), &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d;
}

static int64_t iso_date(const char *s, bool *ok)
{
	int y, m, d;
	char tail;
	*ok = sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && real_day(y, m, d);
	return *ok ? ws_days_from_civil(y, m, d) * 86400 : 0;
}

int ws_sim_scenario_init(struct ws_sim_scenario *sc, const char *worm_id, struct ws_err *e)
{
	const struct ws_worm *w = ws_sim_worm(worm_id);
	if (!w || !w->behaviour)
		return ws_err_set(e, WS_EUSAGE, "unknown worm '%s' (simulate knows code-red, "
						"code-red-v1, code-red-ii, nimda, slammer, warhol, custom)",
				  worm_id);
	const struct ws_behaviour *b = w->behaviour;
	memset(sc, 0, sizeof(*sc));
	struct ws_sim_worm *m = &sc->worm;
	snprintf(m->id, sizeof(m->id), "%s", w->id);
	int st = strategy_parse(b->sim_strategy ? b->sim_strategy : "uniform");
	m->strategy = st < 0 ? WS_SIM_UNIFORM : (enum ws_sim_strategy)st;
	m->p_any = b->p_any;
	m->p_same8 = b->p_same8;
	m->p_same16 = b->p_same16;
	if (m->strategy != WS_SIM_LOCAL_PREF) {
		m->p_any = 1.0;
		m->p_same8 = m->p_same16 = 0.0;
	}
	m->skip_reserved = b->skip_reserved;
	m->scan_rate = b->scan_rate;
	m->threads = b->threads;
	m->probe_time_s = b->probe_time_s;
	m->bandwidth_cap = b->bandwidth_cap;
	m->hitlist = b->hitlist;
	m->lifetime_h = b->lifetime_h;
	m->reinfectable = b->memory_only;
	m->chinese_lifetime_h = b->chinese_lifetime_h > 0 ? b->chinese_lifetime_h : b->lifetime_h;
	m->chinese_rate_factor = b->chinese_rate_factor > 0 ? b->chinese_rate_factor : 1.0;
	m->calendar = b->code_red_calendar ? WS_SIM_CAL_CODE_RED : WS_SIM_CAL_NONE;
	if (b->expiry) {
		bool ok;
		m->expiry = iso_date(b->expiry, &ok);
	}
	/* Synthetic population: 2001's IIS servers sat in a minority of the /8s
	 * (CAIDA: 43 % US, then Korea, China, Taiwan), unevenly over /16s, a third
	 * to a half on home and small-business lines ([CAIDA-IMW02]; 24/8 cable hit
	 * hardest by Code Red II, [Friedl01]). */
	sc->pop.vulnerable = b->vulnerable ? b->vulnerable : 360000;
	sc->pop.n_slash8 = 100;
	sc->pop.zipf8 = 1.0;
	sc->pop.pareto16 = 1.2;
	sc->pop.cable_share = 0.33;
	sc->pop.space_scale = 1.0;
	struct ws_sim_defence *d = &sc->def;
	d->patch_start_h = d->content_filter_start_h = d->blacklist_start_h = -1;
	d->tarpit_start_h = d->throttle_start_h = d->egress_start_h = -1;
	d->tarpit_hold_s = 3600;
	d->throttle_share = 1.0;
	/* The worm's own onset, else Code Red v2's (19 July 2001, 10:00 UTC). */
	sc->start = ws_days_from_civil(2001, 7, 19) * 86400 + 10 * 3600;
	if (b->onset)
		ws_time_parse_iso(ws_str_make(b->onset, strlen(b->onset)), &sc->start);
	sc->duration_h = 24;
	sc->interval_s = 60;
	sc->seed = 1;
	sc->initial = 1;
	sc->runs = 1;
	sc->mode = WS_SIM_MODE_FAST;
	return 0;
}

/* ---- the key table ---------------------------------------------------- */

enum ktype { K_DOUBLE, K_INT, K_U32, K_U64, K_BOOL, K_PATH, K_STRATEGY, K_CALENDAR, K_MODE,
	     K_TIME, K_DATE, K_TELESCOPE, K_CURVE };

/* A numeric key's own range: lo (excluded when lo_open) to hi, HUGE_VAL for
 * no bound; a value outside it is refused wherever it is set. */
struct key {
	const char *name;
	enum ktype type;
	size_t off;
	const char *help;
	double lo, hi;
	bool lo_open;
};

#define W(f) offsetof(struct ws_sim_scenario, worm.f)
#define P(f) offsetof(struct ws_sim_scenario, pop.f)
#define D(f) offsetof(struct ws_sim_scenario, def.f)
#define S(f) offsetof(struct ws_sim_scenario, f)
#define ANY -HUGE_VAL, HUGE_VAL, false
#define GE(a) (a), HUGE_VAL, false
#define IN(a, b) (a), (b), false
#define GT_LE(a, b) (a), (b), true

/* The p_any + p_same8 + p_same16 = 1 tolerance. */
#define MIX_TOLERANCE 1e-6
/* Rates above this many probes/s per host are refused (Slammer: 4,700). */
#define MAX_RATE 1e7
/* Output rows and DHCP leases per host a run may need. */
#define MAX_ROWS 5e6
#define MAX_LEASES 1e4

/* Dump order: worm first (loading it resets the defaults), then the rest. */
static const struct key keys[] = {
	{"worm", K_PATH, W(id), "worm id (resets every other key to its defaults)", ANY},
	{"seed", K_U64, S(seed), "random seed", ANY},
	{"runs", K_INT, S(runs), "ensemble size", IN(1, 10000)},
	{"mode", K_MODE, S(mode), "fast or per-probe", ANY},
	{"start", K_TIME, S(start), "UTC start time", ANY},
	{"duration_h", K_DOUBLE, S(duration_h), "hours simulated", GT_LE(0, 9600)},
	{"interval_s", K_DOUBLE, S(interval_s), "seconds per output row", GE(1)},
	{"initial", K_U32, S(initial), "hosts infected at the start", GE(1)},
	{"strategy", K_STRATEGY, W(strategy), "target selection", ANY},
	{"p_any", K_DOUBLE, W(p_any), "local preference: share of uniform targets", IN(0, 1)},
	{"p_same8", K_DOUBLE, W(p_same8), "local preference: share in the own /8", IN(0, 1)},
	{"p_same16", K_DOUBLE, W(p_same16), "local preference: share in the own /16", IN(0, 1)},
	{"skip_reserved", K_BOOL, W(skip_reserved), "redraw 127/8 and 224/8", ANY},
	{"scan_rate", K_DOUBLE, W(scan_rate), "mean probes/s per host; 0 = threads / probe_time_s",
	 IN(0, MAX_RATE)},
	{"threads", K_INT, W(threads), "threads per infected host", ANY},
	{"probe_time_s", K_DOUBLE, W(probe_time_s), "mean seconds a thread spends per probe", GE(0)},
	{"infection_delay_s", K_DOUBLE, W(infection_delay_s),
	 "seconds from infection to first probe (per-probe mode only); 0 = at once", IN(0, 86400)},
	{"rate_spread", K_DOUBLE, W(rate_spread), "log-normal sigma of per-host rates; 0 = none",
	 IN(0, 5)},
	{"bandwidth_cap", K_DOUBLE, W(bandwidth_cap), "probes/s ceiling per host; 0 = none", GE(0)},
	{"link16_rate", K_DOUBLE, W(link16_rate),
	 "probes/s one /16's uplink carries for all its infected hosts together; 0 = none", GE(0)},
	{"hitlist", K_U32, W(hitlist), "hit-list size", ANY},
	{"lifetime_h", K_DOUBLE, W(lifetime_h), "hours a copy runs before the host reboots; 0 = forever",
	 GE(0)},
	{"reboot_mean_h", K_DOUBLE, W(reboot_mean_h), "mean hours between random reboots; 0 = none",
	 GE(0)},
	{"reinfectable", K_BOOL, W(reinfectable), "a rebooted host is susceptible again", ANY},
	{"chinese_share", K_DOUBLE, W(chinese_share), "share of Chinese-language hosts", IN(0, 1)},
	{"chinese_lifetime_h", K_DOUBLE, W(chinese_lifetime_h), "their lifetime", GE(0)},
	{"chinese_rate_factor", K_DOUBLE, W(chinese_rate_factor), "their rate multiplier",
	 GT_LE(0, 100)},
	{"calendar", K_CALENDAR, W(calendar), "none or code-red", ANY},
	{"expiry", K_DATE, W(expiry), "UTC date the worm stops spreading, or none", ANY},
	{"night_off", K_DOUBLE, W(night_off), "share of hosts off at night (22-06 local)", IN(0, 1)},
	{"night_utc_offset_h", K_DOUBLE, W(night_utc_offset_h), "their time zone", IN(-24, 24)},
	{"vulnerable", K_U64, P(vulnerable), "vulnerable hosts", IN(1, 200000000)},
	{"population_file", K_PATH, P(file), "file of PREFIX COUNT lines; empty = synthetic", ANY},
	{"pop_slash8", K_INT, P(n_slash8), "synthetic: /8s holding hosts", IN(1, 220)},
	{"pop_zipf8", K_DOUBLE, P(zipf8), "synthetic: Zipf exponent over /8s", GE(0)},
	/* below 0.1 the Pareto weights overflow a double */
	{"pop_pareto16", K_DOUBLE, P(pareto16), "synthetic: Pareto shape over /16s", GE(0.1)},
	{"pop_cable_share", K_DOUBLE, P(cable_share), "synthetic: share on cable/DSL /16s", IN(0, 1)},
	{"space_scale", K_DOUBLE, P(space_scale), "uniform class address space, share of 2^32",
	 GT_LE(0, 1)},
	{"patch_rate_h", K_DOUBLE, D(patch_rate_h), "share of unpatched hosts patched per hour", GE(0)},
	{"patch_start_h", K_DOUBLE, D(patch_start_h), "hours after the start; <0 = off", ANY},
	{"patch_curve", K_CURVE, 0, "H:SHARE,... share patched over time", ANY},
	{"content_filter_share", K_DOUBLE, D(content_filter_share), "share of /16s filtering",
	 IN(0, 1)},
	{"content_filter_start_h", K_DOUBLE, D(content_filter_start_h), "reaction delay, hours", ANY},
	{"blacklist_share", K_DOUBLE, D(blacklist_share), "share of /16s blacklisting", IN(0, 1)},
	{"blacklist_start_h", K_DOUBLE, D(blacklist_start_h), "reaction delay, hours", ANY},
	{"blacklist_delay_s", K_DOUBLE, D(blacklist_delay_s), "seconds until a source is listed",
	 GE(0)},
	{"tarpit_share", K_DOUBLE, D(tarpit_share), "share of the address space tarpitted", IN(0, 1)},
	{"tarpit_start_h", K_DOUBLE, D(tarpit_start_h), "hours after the start", ANY},
	{"tarpit_hold_s", K_DOUBLE, D(tarpit_hold_s), "seconds a tarpit holds a thread", GE(0)},
	{"throttle_rate", K_DOUBLE, D(throttle_rate), "new destinations/s; 0 = off", GE(0)},
	{"throttle_share", K_DOUBLE, D(throttle_share), "share of hosts throttled", IN(0, 1)},
	{"throttle_start_h", K_DOUBLE, D(throttle_start_h), "hours after the start", ANY},
	{"egress_share", K_DOUBLE, D(egress_share), "share of /16s egress-filtering", IN(0, 1)},
	{"egress_start_h", K_DOUBLE, D(egress_start_h), "hours after the start", ANY},
	{"telescope", K_TELESCOPE, 0, "monitored prefix (repeatable)", ANY},
	{"dhcp_churn_h", K_DOUBLE, S(dhcp_churn_h), "mean hours between address changes; 0 = off",
	 GE(0)},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= WS_SIM_MAX_KEYS, "struct ws_sim_origin needs room for every key");

static int key_index(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Where the key (a name from the table) got its value. */
static const struct ws_sim_where *where_of(const struct ws_sim_scenario *sc, const char *name)
{
	/* The names are this file's own literals, all in the table (the
	 * scenario tests read every one); a missing one would be a bug here,
	 * and reads as a default rather than ending the caller's process. */
	static const struct ws_sim_where none;
	int i = key_index(name);
	return i < 0 ? &none : &sc->origin.key[i];
}

static bool numeric(const struct key *k)
{
	return k->type == K_DOUBLE || k->type == K_INT || k->type == K_U32 || k->type == K_U64;
}

static double key_value(const struct ws_sim_scenario *sc, const struct key *k)
{
	const char *base = (const char *)sc + k->off;
	switch (k->type) {
	case K_DOUBLE: return *(const double *)base;
	case K_INT: return *(const int *)base;
	case K_U32: return *(const uint32_t *)base;
	case K_U64: return (double)*(const uint64_t *)base;
	default: return 0;
	}
}

static bool has_range(const struct key *k)
{
	return numeric(k) && (k->lo > -HUGE_VAL || k->hi < HUGE_VAL);
}

/* Written so that NaN is out of every range. */
static bool in_range(const struct key *k, double x)
{
	return (k->lo_open ? x > k->lo : x >= k->lo) && x <= k->hi;
}

static void fmt_num(char *out, size_t cap, double x, bool integral)
{
	snprintf(out, cap, integral ? "%.0f" : "%g", x);
}

/* "0 to 1", ">= 0", "> 0 and <= 9600" */
static void range_text(const struct key *k, char *out, size_t cap)
{
	char lo[32], hi[32];
	bool integral = k->type != K_DOUBLE;
	fmt_num(lo, sizeof(lo), k->lo, integral);
	fmt_num(hi, sizeof(hi), k->hi, integral);
	if (k->hi == HUGE_VAL)
		snprintf(out, cap, "%s %s", k->lo_open ? ">" : ">=", lo);
	else if (k->lo_open)
		snprintf(out, cap, "> %s and <= %s", lo, hi);
	else
		snprintf(out, cap, "%s to %s", lo, hi);
}

static void fmt_cidr(char *out, size_t cap, uint32_t a, int bits)
{
	snprintf(out, cap, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, bits);
}

/* ---- where values came from -------------------------------------------- */

static void note(struct ws_sim_origin *o, struct ws_sim_where *w, int line, const char *opt)
{
	w->seq = ++o->seq;
	w->line = line;
	w->opt = opt;
}

/* How an error about key names where it was set: "FILE:LINE: KEY" (or
 * "FILE:LINE" without the key), "--option", "--set KEY", or the key alone
 * (or nothing) for a default or a value set in code. */
static void where_text(const struct ws_sim_scenario *sc, const struct ws_sim_where *w,
		       const char *key, bool with_key, char *out, size_t cap)
{
	if (w && w->seq && w->line > 0) {
		if (with_key)
			snprintf(out, cap, "%s:%d: %s", sc->origin.file, w->line, key);
		else
			snprintf(out, cap, "%s:%d", sc->origin.file, w->line);
	} else if (w && w->seq && w->opt) {
		if (strcmp(w->opt, "--set") == 0)
			snprintf(out, cap, "--set %s", key);
		else
			snprintf(out, cap, "%s", w->opt);
	} else {
		snprintf(out, cap, "%s", with_key ? key : "");
	}
}

/* Where another key was set, seen from the one an error names: "on line 3"
 * (the same file), "on FILE:3", "by --option", "by default". */
static void ref_text(const struct ws_sim_scenario *sc, const struct ws_sim_where *w,
		     const struct ws_sim_where *from, char *out, size_t cap)
{
	if (!w || !w->seq)
		snprintf(out, cap, "by default");
	else if (w->line > 0 && from && from->seq && from->line > 0)
		snprintf(out, cap, "on line %d", w->line);
	else if (w->line > 0)
		snprintf(out, cap, "on %s:%d", sc->origin.file, w->line);
	else if (w->opt)
		snprintf(out, cap, "by %s", w->opt);
	else
		snprintf(out, cap, "set in code");
}

struct party {
	const char *name;
	const struct ws_sim_where *w;
};

#define PARTY(name) ((struct party){name, where_of(sc, name)})

/* Fails naming the key of p[] set last (the later line, or the option): one
 * key gives "WHERE KEY: DETAIL", several "WHERE: DETAIL (OTHER on line N, ...)". */
__attribute__((format(printf, 5, 6))) static int blame(const struct ws_sim_scenario *sc,
						       struct ws_err *e, const struct party *p,
						       int n, const char *fmt, ...)
{
	char detail[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	int b = 0;
	for (int i = 1; i < n; i++)
		if (p[i].w && p[i].w->seq > (p[b].w ? p[b].w->seq : 0))
			b = i;
	const struct ws_sim_where *bw = p[b].w;
	char at[WS_SIM_PATH + 80];
	where_text(sc, bw, p[b].name, n == 1, at, sizeof(at));
	if (n == 1)
		return ws_err_set(e, WS_EUSAGE, "%s: %s", at, detail);
	if (!bw || !bw->seq)
		return ws_err_set(e, WS_EUSAGE, "%s", detail);
	char others[400] = "";
	size_t used = 0;
	for (int i = 0; i < n && used < sizeof(others); i++) {
		if (i == b)
			continue;
		char ref[WS_SIM_PATH + 32];
		ref_text(sc, p[i].w, bw, ref, sizeof(ref));
		int k = snprintf(others + used, sizeof(others) - used, "%s%s %s", used ? ", " : "",
				 p[i].name, ref);
		used += k > 0 ? (size_t)k : 0;
	}
	if (*at)
		return ws_err_set(e, WS_EUSAGE, "%s: %s (%s)", at, detail, others);
	return ws_err_set(e, WS_EUSAGE, "%s (%s)", detail, others);
}

/* How a value being set is named: the option, "--set KEY", or the key (a
 * config file adds its FILE:LINE in front). */
static void opt_text(const char *key, const char *opt, char *out, size_t cap)
{
	if (!opt)
		snprintf(out, cap, "%s", key);
	else if (strcmp(opt, "--set") == 0)
		snprintf(out, cap, "--set %s", key);
	else
		snprintf(out, cap, "%s", opt);
}

/* ---- setting keys ------------------------------------------------------ */

static bool parse_double(const char *v, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(x))
		return false;
	*out = x;
	return true;
}

static bool parse_u64(const char *v, uint64_t *out)
{
	if (!*v || strspn(v, "0123456789") != strlen(v))
		return false;
	errno = 0;
	unsigned long long x = strtoull(v, NULL, 10);
	if (errno)
		return false;
	*out = (uint64_t)x;
	return true;
}

/* One telescope more (or none: no telescopes). A prefix must name a network
 * (no host bits), once. In a config file, none and prefixes exclude each other. */
static int set_telescope(struct ws_sim_scenario *sc, const char *v, const char *at, int line,
			 const char *opt, struct ws_err *e)
{
	struct ws_sim_origin *o = &sc->origin;
	if (!*v)
		return ws_err_set(e, WS_EUSAGE, "%s: no prefix given (want a CIDR or none)", at);
	if (strcmp(v, "none") == 0) {
		for (int i = 0; line > 0 && i < sc->n_telescopes; i++)
			if (o->tel[i].line > 0)
				return ws_err_set(e, WS_EUSAGE,
						  "%s: none and a prefix (line %d) both given", at,
						  o->tel[i].line);
		sc->n_telescopes = 0;
		if (line > 0)
			o->tel_none_line = line;
		return 0;
	}
	struct ws_cidr c;
	if (!ws_cidr_parse(v, &c) || c.net.fam != 4)
		return ws_err_set(e, WS_EUSAGE, "%s: '%s' is not an IPv4 CIDR", at, v);
	/* ws_cidr_parse clears host bits: read the address as written. */
	struct ws_addr written;
	const char *slash = strchr(v, '/');
	if (!ws_addr_parse(ws_str_make(v, slash ? (size_t)(slash - v) : strlen(v)), &written, NULL))
		return ws_err_set(e, WS_EUSAGE, "%s: '%s' is not an IPv4 CIDR", at, v);
	const uint8_t *a = written.b;
	uint32_t raw = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t mask = c.bits ? ~0u << (32 - c.bits) : 0;
	char net[40];
	fmt_cidr(net, sizeof(net), raw & mask, c.bits);
	if (raw & ~mask)
		return ws_err_set(e, WS_EUSAGE, "%s: %s has host bits set (the network is %s)", at, v,
				  net);
	if (line > 0 && o->tel_none_line > 0)
		return ws_err_set(e, WS_EUSAGE, "telescope: a prefix and none (line %d) both given",
				  o->tel_none_line);
	for (int i = 0; i < sc->n_telescopes; i++) {
		if (sc->tel[i].net != raw || sc->tel[i].bits != c.bits)
			continue;
		if (line > 0 && o->tel[i].line > 0)
			return ws_err_set(e, WS_EUSAGE, "telescope: %s repeated (first set on line %d)",
					  net, o->tel[i].line);
		return ws_err_set(e, WS_EUSAGE, "%s: %s given twice", at, net);
	}
	if (sc->n_telescopes >= WS_SIM_MAX_TELESCOPES)
		return ws_err_set(e, WS_EUSAGE, "telescope: at most %d", WS_SIM_MAX_TELESCOPES);
	sc->tel[sc->n_telescopes].net = raw;
	sc->tel[sc->n_telescopes].bits = c.bits;
	note(o, &o->tel[sc->n_telescopes], line, opt);
	sc->n_telescopes++;
	return 0;
}

/* A patch curve: hours from 0 on, rising; shares 0..1 that never fall (the
 * share patched so far); every number finite. */
static bool curve_ok(const double *h, const double *s, int n)
{
	if (n < 0 || n > WS_SIM_MAX_CURVE)
		return false;
	for (int i = 0; i < n; i++)
		if (!isfinite(h[i]) || !isfinite(s[i]) || h[i] < 0 || s[i] < 0 || s[i] > 1 ||
		    (i && (h[i] <= h[i - 1] || s[i] < s[i - 1])))
			return false;
	return true;
}

#define CURVE_WANT "want up to 16 HOURS:SHARE pairs, hours >= 0 and rising, shares 0..1 and never falling"
_Static_assert(WS_SIM_MAX_CURVE == 16, "CURVE_WANT names the limit");

static int set_curve(struct ws_sim_defence *d, const char *v, const char *at, struct ws_err *e)
{
	if (!*v || strcmp(v, "none") == 0) {
		d->n_patch_curve = 0;
		return 0;
	}
	double h[WS_SIM_MAX_CURVE + 1], s[WS_SIM_MAX_CURVE + 1];
	int n = 0;
	bool ok = true;
	for (const char *p = v; ok && *p;) {
		char *end;
		errno = 0;
		double x = strtod(p, &end);
		ok = end != p && *end == ':' && !errno && n < WS_SIM_MAX_CURVE;
		if (!ok)
			break;
		p = end + 1;
		double y = strtod(p, &end);
		ok = end != p && !errno && (*end == ',' ? end[1] != 0 : *end == 0);
		h[n] = x;
		s[n] = y;
		n++;
		p = *end == ',' ? end + 1 : end;
	}
	if (!ok || !curve_ok(h, s, n))
		return ws_err_set(e, WS_EUSAGE, "%s: " CURVE_WANT ", got '%s'", at, v);
	memcpy(d->patch_curve_h, h, (size_t)n * sizeof(double));
	memcpy(d->patch_curve_share, s, (size_t)n * sizeof(double));
	d->n_patch_curve = n;
	return 0;
}

/* Sets key from text; line is its line in the config file being read (0
 * when not from a file), opt the option that gives it (NULL when none). */
/* What a key of type t takes, for the error that names a bad value. */
static const char *want_text(enum ktype t)
{
	switch (t) {
	case K_DOUBLE: return "a finite number";
	case K_INT: case K_U32: case K_U64: return "a whole number";
	case K_BOOL: return "true or false (1 or 0)";
	case K_STRATEGY: return "a strategy (uniform, fixed-sequence, local-preference, sequential, permutation)";
	case K_CALENDAR: return "none or code-red";
	case K_MODE: return "fast or per-probe";
	case K_TIME: return "a real time, ISO 8601 UTC (e.g. 2001-07-19T10:00:00Z)";
	case K_DATE: return "a real date (YYYY-MM-DD) or none";
	default: return "a value this key takes";
	}
}

static int set_at(struct ws_sim_scenario *sc, const char *name, const char *v, const char *opt,
		  int line, struct ws_err *e)
{
	int ki = key_index(name);
	if (ki < 0)
		return ws_err_set(e, WS_EUSAGE, "unknown key '%s'", name);
	const struct key *k = &keys[ki];
	char at[96];
	opt_text(name, opt, at, sizeof(at));
	if (strcmp(name, "worm") == 0) { /* a worm brings its whole behaviour */
		struct ws_sim_origin o = sc->origin;
		int rc = ws_sim_scenario_init(sc, v, e);
		if (rc)
			return rc;
		/* every other key is a default again */
		memset(o.key, 0, sizeof(o.key));
		memset(o.tel, 0, sizeof(o.tel));
		o.tel_none_line = 0;
		sc->origin = o;
		note(&sc->origin, &sc->origin.key[ki], line, opt);
		return 0;
	}
	if (k->type == K_TELESCOPE)
		return set_telescope(sc, v, at, line, opt, e);
	/* Into a copy: an error leaves the scenario as it was. */
	struct ws_sim_scenario t = *sc;
	char *base = (char *)&t + k->off;
	const struct ws_sim_where here = {1, line, opt};
	bool ok = true;
	switch (k->type) {
	case K_DOUBLE: ok = parse_double(v, (double *)base); break;
	case K_INT: {
		uint64_t x;
		ok = parse_u64(v, &x) && x <= 1000000000u;
		if (ok)
			*(int *)base = (int)x;
		break;
	}
	case K_U32: {
		uint64_t x;
		ok = parse_u64(v, &x) && x <= UINT32_MAX;
		if (ok)
			*(uint32_t *)base = (uint32_t)x;
		break;
	}
	case K_U64: ok = parse_u64(v, (uint64_t *)base); break;
	case K_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0)
			*(bool *)base = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0)
			*(bool *)base = false;
		else
			ok = false;
		break;
	case K_PATH: {
		ok = strlen(v) < WS_SIM_PATH;
		if (ok)
			memcpy(base, v, strlen(v) + 1);
		break;
	}
	case K_STRATEGY: {
		int s = strategy_parse(v);
		ok = s >= 0;
		if (!ok || s == WS_SIM_LOCAL_PREF) {
			if (ok)
				t.worm.strategy = WS_SIM_LOCAL_PREF;
			break;
		}
		/* Only local preference has a mix: clearing one given before is
		 * an error, clearing the worm's own is not. */
		static const char *const mix[] = {"p_any", "p_same8", "p_same16"};
		const double val[] = {sc->worm.p_any, sc->worm.p_same8, sc->worm.p_same16};
		for (int i = 0; i < 3; i++) {
			const struct ws_sim_where *w = where_of(sc, mix[i]);
			if (!w->seq || val[i] == (i == 0 ? 1.0 : 0.0))
				continue;
			char ref[WS_SIM_PATH + 32];
			ref_text(sc, w, &here, ref, sizeof(ref));
			return ws_err_set(e, WS_EUSAGE,
					  "%s: %s has no local-preference mix, but %s = %g is set %s", at,
					  v, mix[i], val[i], ref);
		}
		t.worm.strategy = (enum ws_sim_strategy)s;
		t.worm.p_any = 1.0;
		t.worm.p_same8 = t.worm.p_same16 = 0.0;
		break;
	}
	case K_CALENDAR:
		if (strcmp(v, "none") == 0)
			t.worm.calendar = WS_SIM_CAL_NONE;
		else if (strcmp(v, "code-red") == 0)
			t.worm.calendar = WS_SIM_CAL_CODE_RED;
		else
			ok = false;
		break;
	case K_MODE:
		if (strcmp(v, "fast") == 0)
			t.mode = WS_SIM_MODE_FAST;
		else if (strcmp(v, "per-probe") == 0 || strcmp(v, "probe") == 0)
			t.mode = WS_SIM_MODE_PROBE;
		else
			ok = false;
		break;
	case K_TIME: {
		int64_t ts;
		int y, m, d;
		/* the parser takes any day 1..31: 31 June is not a day */
		ok = ws_time_parse_iso(ws_str_make(v, strlen(v)), &ts) &&
		     sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3 && real_day(y, m, d);
		if (ok)
			t.start = ts;
		break;
	}
	case K_DATE:
		if (strcmp(v, "none") == 0)
			t.worm.expiry = 0;
		else { /* 1970-01-01 would read as 0, "none" */
			t.worm.expiry = iso_date(v, &ok);
			ok = ok && t.worm.expiry > 0;
		}
		break;
	case K_CURVE: {
		int rc = set_curve(&t.def, v, at, e);
		if (rc)
			return rc;
		break;
	}
	case K_TELESCOPE: break; /* above */
	}
	if (!ok)
		return ws_err_set(e, WS_EUSAGE, "%s: '%s' is not %s", at, v, want_text(k->type));
	if (has_range(k) && !in_range(k, key_value(&t, k))) {
		char num[32], want[96];
		fmt_num(num, sizeof(num), key_value(&t, k), k->type != K_DOUBLE);
		range_text(k, want, sizeof(want));
		return ws_err_set(e, WS_EUSAGE, "%s: %s is out of range (want %s)", at, num, want);
	}
	*sc = t;
	note(&sc->origin, &sc->origin.key[ki], line, opt);
	return 0;
}

int ws_sim_scenario_set(struct ws_sim_scenario *sc, const char *name, const char *v,
			struct ws_err *e)
{
	return set_at(sc, name, v, NULL, 0, e);
}

int ws_sim_scenario_set_by(struct ws_sim_scenario *sc, const char *name, const char *v,
			   const char *opt, struct ws_err *e)
{
	return set_at(sc, name, v, opt, 0, e);
}

/* ---- config files ------------------------------------------------------ */

/* The first line of this file that set a key (telescopes included), or 0;
 * *name gets the key. */
static int first_line(const struct ws_sim_scenario *sc, const char **name)
{
	const struct ws_sim_origin *o = &sc->origin;
	int best = 0;
	for (size_t i = 0; i < NKEYS; i++)
		if (o->key[i].line > 0 && (!best || o->key[i].line < best)) {
			best = o->key[i].line;
			*name = keys[i].name;
		}
	for (int t = 0; t < sc->n_telescopes; t++)
		if (o->tel[t].line > 0 && (!best || o->tel[t].line < best)) {
			best = o->tel[t].line;
			*name = "telescope";
		}
	if (o->tel_none_line > 0 && (!best || o->tel_none_line < best)) {
		best = o->tel_none_line;
		*name = "telescope";
	}
	return best;
}

int ws_sim_scenario_load(struct ws_sim_scenario *sc, const char *path, struct ws_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return ws_err_set(e, WS_EIO, "%s: %s", path, strerror(errno));
	/* Lines name this file from now on; values from before keep their order. */
	struct ws_sim_origin *o = &sc->origin;
	snprintf(o->file, sizeof(o->file), "%s", path);
	for (size_t i = 0; i < NKEYS; i++)
		o->key[i].line = 0;
	for (int t = 0; t < WS_SIM_MAX_TELESCOPES; t++)
		o->tel[t].line = 0;
	o->tel_none_line = 0;
	const int tel_key = key_index("telescope"), worm_key = key_index("worm");
	char line[1024];
	int lineno = 0, rc = 0;
	bool telescopes_reset = false;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: line too long", path, lineno);
			break;
		}
		struct ws_str s = ws_str_trim(ws_str_make(line, n));
		while (s.n && (s.p[s.n - 1] == '\n' || s.p[s.n - 1] == '\r'))
			s = ws_str_trim(ws_str_make(s.p, s.n - 1));
		if (s.n == 0 || s.p[0] == '#')
			continue;
		const char *eq = memchr(s.p, '=', s.n);
		if (!eq) {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: want 'key = value'", path, lineno);
			break;
		}
		struct ws_str k = ws_str_trim(ws_str_make(s.p, (size_t)(eq - s.p)));
		struct ws_str v = ws_str_trim(ws_str_make(eq + 1, (size_t)(s.p + s.n - eq - 1)));
		char key[64], val[WS_SIM_PATH];
		if (k.n >= sizeof(key) || v.n >= sizeof(val)) {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: key or value too long", path, lineno);
			break;
		}
		memcpy(key, k.p, k.n);
		key[k.n] = 0;
		memcpy(val, v.p, v.n);
		val[v.n] = 0;
		int ki = key_index(key);
		/* One value per key: a second one would silently win. */
		if (ki >= 0 && ki != tel_key && o->key[ki].line > 0) {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: %s: repeated (first set on line %d)", path,
					lineno, key, o->key[ki].line);
			break;
		}
		const char *before = NULL;
		int before_line = ki == worm_key ? first_line(sc, &before) : 0;
		if (before_line) {
			rc = ws_err_set(e, WS_EFORMAT,
					"%s:%d: worm: must come first (it resets every key; %s is set on "
					"line %d)",
					path, lineno, before, before_line);
			break;
		}
		/* A file's telescopes replace the defaults' (there are none) and
		 * those set before it. */
		if (ki == tel_key && !telescopes_reset) {
			sc->n_telescopes = 0;
			telescopes_reset = true;
		}
		struct ws_err sub;
		rc = set_at(sc, key, val, NULL, lineno, &sub);
		if (rc)
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: %s", path, lineno, sub.msg);
	}
	if (rc == 0 && ferror(f))
		rc = ws_err_set(e, WS_EIO, "%s: read error", path);
	fclose(f);
	return rc;
}

/* Shortest text that reads back to the same double. */
static void add_double(struct ws_buf *b, double x)
{
	char t[64];
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, x);
		if (strtod(t, NULL) == x)
			break;
	}
	ws_buf_adds(b, t);
}

static void dump_value(struct ws_buf *b, const struct ws_sim_scenario *sc, const struct key *k)
{
	const char *base = (const char *)sc + k->off;
	switch (k->type) {
	case K_DOUBLE: add_double(b, *(const double *)base); break;
	case K_INT: ws_buf_printf(b, "%d", *(const int *)base); break;
	case K_U32: ws_buf_printf(b, "%u", *(const uint32_t *)base); break;
	case K_U64: ws_buf_printf(b, "%llu", (unsigned long long)*(const uint64_t *)base); break;
	case K_BOOL: ws_buf_adds(b, *(const bool *)base ? "true" : "false"); break;
	case K_PATH: ws_buf_adds(b, base); break;
	case K_STRATEGY: ws_buf_adds(b, ws_sim_strategy_name(sc->worm.strategy)); break;
	case K_CALENDAR:
		ws_buf_adds(b, sc->worm.calendar == WS_SIM_CAL_CODE_RED ? "code-red" : "none");
		break;
	case K_MODE: ws_buf_adds(b, sc->mode == WS_SIM_MODE_PROBE ? "per-probe" : "fast"); break;
	case K_TIME: {
		char t[32];
		ws_time_format_iso(sc->start, t);
		ws_buf_adds(b, t);
		break;
	}
	case K_DATE:
		if (!sc->worm.expiry)
			ws_buf_adds(b, "none");
		else {
			int y, m, d;
			ws_civil_from_days(sc->worm.expiry / 86400, &y, &m, &d);
			ws_buf_printf(b, "%04d-%02d-%02d", y, m, d);
		}
		break;
	case K_CURVE:
		if (!sc->def.n_patch_curve)
			ws_buf_adds(b, "none");
		for (int i = 0; i < sc->def.n_patch_curve; i++) {
			if (i)
				ws_buf_addc(b, ',');
			add_double(b, sc->def.patch_curve_h[i]);
			ws_buf_addc(b, ':');
			add_double(b, sc->def.patch_curve_share[i]);
		}
		break;
	case K_TELESCOPE: break;
	}
}

void ws_sim_scenario_dump(const struct ws_sim_scenario *sc, struct ws_buf *b)
{
	ws_buf_printf(b, "# wormscope %s simulate configuration -- SIMULATED outbreak model, "
			 "not measurements\n# read back with: wormscope simulate --config FILE\n",
		      WS_VERSION);
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (k->type == K_TELESCOPE) {
			if (!sc->n_telescopes)
				ws_buf_printf(b, "%-22s = none\n", k->name);
			for (int t = 0; t < sc->n_telescopes; t++) {
				uint32_t a = sc->tel[t].net;
				ws_buf_printf(b, "%-22s = %u.%u.%u.%u/%d\n", k->name, a >> 24,
					      (a >> 16) & 255, (a >> 8) & 255, a & 255, sc->tel[t].bits);
			}
			continue;
		}
		ws_buf_printf(b, "%-22s = ", k->name);
		dump_value(b, sc, k);
		ws_buf_addc(b, '\n');
	}
}

/* ---- the consistency check --------------------------------------------- */

/* The /8s the synthetic population may use once the telescopes are kept free
 * (as src/sim/pop.c picks them: unicast, not 0, 10 or 127). */
static int free_slash8s(const struct ws_sim_scenario *sc)
{
	int n = 0;
	for (uint32_t a = 1; a < 224; a++) {
		if (a == 10 || a == 127)
			continue;
		bool taken = false;
		for (int t = 0; t < sc->n_telescopes && !taken; t++) {
			int bits = sc->tel[t].bits;
			uint32_t mask = bits ? ~0u << (32 - bits) : 0;
			taken = bits <= 16 && ((a << 24) & mask) == (sc->tel[t].net & mask);
		}
		n += !taken;
	}
	return n;
}

/* Addresses the uniform class draws from (as src/sim/engine.c counts them). */
static double uniform_space(const struct ws_sim_scenario *sc)
{
	return 4294967296.0 * sc->pop.space_scale - (sc->worm.skip_reserved ? 2 * 16777216.0 : 0);
}

int ws_sim_scenario_check(const struct ws_sim_scenario *sc, struct ws_err *e)
{
	const struct ws_sim_worm *w = &sc->worm;
	const struct ws_sim_defence *d = &sc->def;
	const struct ws_sim_population *pop = &sc->pop;
	const struct ws_sim_origin *o = &sc->origin;
	bool synthetic = !pop->file[0];
	char a[64], b[96];
	/* Each key in its own range (values set in code were never checked). */
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (!has_range(k) || in_range(k, key_value(sc, k)))
			continue;
		fmt_num(a, sizeof(a), key_value(sc, k), k->type != K_DOUBLE);
		range_text(k, b, sizeof(b));
		struct party p = {k->name, &o->key[i]};
		return blame(sc, e, &p, 1, "%s is out of range (want %s)", a, b);
	}
	if (!curve_ok(d->patch_curve_h, d->patch_curve_share, d->n_patch_curve))
		return blame(sc, e, &PARTY("patch_curve"), 1, CURVE_WANT);
	if (sc->n_telescopes < 0 || sc->n_telescopes > WS_SIM_MAX_TELESCOPES)
		return ws_err_set(e, WS_EUSAGE, "telescope: at most %d", WS_SIM_MAX_TELESCOPES);
	for (int t = 0; t < sc->n_telescopes; t++) {
		int bits = sc->tel[t].bits;
		uint32_t mask = bits > 0 && bits <= 32 ? ~0u << (32 - bits) : 0;
		if (bits < 0 || bits > 32 || (sc->tel[t].net & ~mask)) {
			struct party p = {"telescope", &o->tel[t]};
			fmt_cidr(a, sizeof(a), sc->tel[t].net, bits);
			return blame(sc, e, &p, 1, "%s is not a network", a);
		}
	}
	/* Hosts: initial and hit-list among the vulnerable (a file's hosts are
	 * counted by ws_sim_scenario_check_hosts). */
	if (synthetic && sc->initial > pop->vulnerable)
		return blame(sc, e, (struct party[]){PARTY("initial"), PARTY("vulnerable")}, 2,
			     "initial = %u is more than vulnerable = %llu", sc->initial,
			     (unsigned long long)pop->vulnerable);
	if (synthetic && w->hitlist > pop->vulnerable - sc->initial)
		return blame(sc, e,
			     (struct party[]){PARTY("hitlist"), PARTY("vulnerable"), PARTY("initial")}, 3,
			     "hitlist = %u is more than vulnerable - initial = %llu", w->hitlist,
			     (unsigned long long)(pop->vulnerable - sc->initial));
	double rows = sc->duration_h * 3600 / sc->interval_s;
	if (rows > MAX_ROWS)
		return blame(sc, e, (struct party[]){PARTY("duration_h"), PARTY("interval_s")}, 2,
			     "duration_h * 3600 / interval_s = %.0f rows, want at most %.0f", rows,
			     MAX_ROWS);
	/* The rate: scan_rate, or threads / probe_time_s when it is 0. */
	if (w->scan_rate == 0 && (w->threads > 0) != (w->probe_time_s > 0))
		return blame(sc, e,
			     (struct party[]){PARTY("scan_rate"), PARTY("threads"), PARTY("probe_time_s")},
			     3, "scan_rate = 0 means threads / probe_time_s, but %s = 0",
			     w->threads > 0 ? "probe_time_s" : "threads");
	double rate = ws_sim_mean_rate(w);
	if (!(rate > 0) || rate > MAX_RATE)
		return blame(sc, e,
			     (struct party[]){PARTY("threads"), PARTY("probe_time_s"), PARTY("scan_rate")},
			     3, "threads / probe_time_s = %g probes/s, want at most %g", rate, MAX_RATE);
	/* Local preference: a mix that sums to 1, and only for that strategy. */
	double sum = w->p_any + w->p_same8 + w->p_same16;
	if (!(fabs(sum - 1.0) <= MIX_TOLERANCE))
		return blame(sc, e,
			     (struct party[]){PARTY("p_any"), PARTY("p_same8"), PARTY("p_same16")}, 3,
			     "p_any + p_same8 + p_same16 = %g (%g + %g + %g), want 1 within %g", sum,
			     w->p_any, w->p_same8, w->p_same16, MIX_TOLERANCE);
	if (w->strategy != WS_SIM_LOCAL_PREF &&
	    (w->p_any != 1.0 || w->p_same8 != 0 || w->p_same16 != 0)) {
		static const char *const mix[] = {"p_any", "p_same8", "p_same16"};
		const double val[] = {w->p_any, w->p_same8, w->p_same16};
		struct party p[4];
		int n = 0, last = -1;
		for (int i = 0; i < 3; i++) {
			if (val[i] == (i == 0 ? 1.0 : 0.0))
				continue;
			p[n++] = PARTY(mix[i]);
			if (last < 0 || where_of(sc, mix[i])->seq > where_of(sc, mix[last])->seq)
				last = i;
		}
		p[n++] = PARTY("strategy");
		return blame(sc, e, p, n, "%s = %g needs strategy = local-preference, not %s",
			     mix[last], val[last], ws_sim_strategy_name(w->strategy));
	}
	/* The address space. */
	if (pop->space_scale < 1 && w->strategy == WS_SIM_LOCAL_PREF)
		return blame(sc, e, (struct party[]){PARTY("strategy"), PARTY("space_scale")}, 2,
			     "space_scale = %g needs a uniform strategy, not local-preference",
			     pop->space_scale);
	double space = uniform_space(sc);
	if (synthetic ? (double)pop->vulnerable > space : !(space >= 1))
		return blame(sc, e,
			     (struct party[]){PARTY("vulnerable"), PARTY("space_scale"),
					      PARTY("skip_reserved")},
			     3,
			     "vulnerable = %llu is more than the %.0f addresses of the space "
			     "(space_scale = %g, skip_reserved = %s)",
			     (unsigned long long)pop->vulnerable, space > 0 ? space : 0.0,
			     pop->space_scale, w->skip_reserved ? "true" : "false");
	/* The synthetic population's /8s, less the telescopes'. */
	if (synthetic) {
		int nfree = free_slash8s(sc);
		if (nfree < pop->n_slash8) {
			struct party p[1 + WS_SIM_MAX_TELESCOPES];
			int n = 0;
			p[n++] = PARTY("pop_slash8");
			for (int t = 0; t < sc->n_telescopes; t++)
				p[n++] = (struct party){"telescope", &o->tel[t]};
			return blame(sc, e, p, n,
				     "the telescopes leave %d /8s for the synthetic population, fewer "
				     "than pop_slash8 = %d",
				     nfree, pop->n_slash8);
		}
		if ((double)pop->vulnerable > pop->n_slash8 * 16777216.0)
			return blame(sc, e, (struct party[]){PARTY("vulnerable"), PARTY("pop_slash8")}, 2,
				     "vulnerable = %llu does not fit in pop_slash8 = %d /8s of 16777216 "
				     "addresses",
				     (unsigned long long)pop->vulnerable, pop->n_slash8);
	}
	/* Telescopes that cannot see a probe. */
	for (int t = 0; t < sc->n_telescopes; t++) {
		uint32_t net = sc->tel[t].net;
		fmt_cidr(a, sizeof(a), net, sc->tel[t].bits);
		struct party tel = {"telescope", &o->tel[t]};
		if (w->skip_reserved && sc->tel[t].bits >= 8 && (net >> 24 == 127 || net >> 24 == 224))
			return blame(sc, e, (struct party[]){tel, PARTY("skip_reserved")}, 2,
				     "telescope %s would see nothing: skip_reserved = true redraws 127/8 "
				     "and 224/8",
				     a);
		double top = 4294967296.0 * pop->space_scale;
		if (top < 4294967296.0 && (double)net >= top) {
			uint32_t lim = (uint32_t)ceil(top);
			snprintf(b, sizeof(b), "%u.%u.%u.%u", lim >> 24, (lim >> 16) & 255, (lim >> 8) & 255,
				 lim & 255);
			return blame(sc, e, (struct party[]){tel, PARTY("space_scale")}, 2,
				     "telescope %s would see nothing: space_scale = %g puts every target "
				     "below %s",
				     a, pop->space_scale, b);
		}
	}
	/* Defences and calendar. */
	if (d->patch_rate_h > 0 && d->patch_start_h >= 0 && d->n_patch_curve > 0)
		return blame(sc, e,
			     (struct party[]){PARTY("patch_rate_h"), PARTY("patch_start_h"),
					      PARTY("patch_curve")},
			     3, "patch_curve and patch_rate_h (from patch_start_h = %g) both patch: set one",
			     d->patch_start_h);
	if (w->expiry && w->expiry <= sc->start) {
		int y, m, dd;
		ws_civil_from_days(w->expiry / 86400, &y, &m, &dd);
		ws_time_format_iso(sc->start, b);
		return blame(sc, e, (struct party[]){PARTY("expiry"), PARTY("start")}, 2,
			     "expiry %04d-%02d-%02d is not after start %s: the worm would never spread", y,
			     m, dd, b);
	}
	if (sc->dhcp_churn_h > 0 && sc->duration_h / sc->dhcp_churn_h > MAX_LEASES)
		return blame(sc, e, (struct party[]){PARTY("duration_h"), PARTY("dhcp_churn_h")}, 2,
			     "duration_h / dhcp_churn_h = %.0f address leases per host, want at most %.0f",
			     sc->duration_h / sc->dhcp_churn_h, MAX_LEASES);
	if (sc->mode == WS_SIM_MODE_PROBE && w->strategy != WS_SIM_UNIFORM &&
	    w->strategy != WS_SIM_LOCAL_PREF)
		return blame(sc, e, (struct party[]){PARTY("mode"), PARTY("strategy")}, 2,
			     "mode = per-probe runs uniform and local-preference only, not %s",
			     ws_sim_strategy_name(w->strategy));
	if (w->link16_rate > 0 && (w->strategy != WS_SIM_UNIFORM || w->rate_spread > 0 || w->hitlist ||
				   w->chinese_share > 0 || w->bandwidth_cap > 0 ||
				   sc->def.throttle_rate > 0 || sc->def.tarpit_share > 0))
		return blame(sc, e, (struct party[]){PARTY("link16_rate"), PARTY("strategy")}, 2,
			     "link16_rate shares a /16's uplink among hosts of one rate scanning "
			     "uniformly: not with %s, rate_spread, a hit-list, chinese_share, bandwidth_cap, "
			     "throttling or tarpits",
			     ws_sim_strategy_name(w->strategy));
	if (sc->mode != WS_SIM_MODE_PROBE && w->infection_delay_s > 0)
		return blame(sc, e, (struct party[]){PARTY("mode"), PARTY("infection_delay_s")}, 2,
			     "infection_delay_s = %g needs mode = per-probe (the fast engine starts a "
			     "host probing when it is infected)",
			     w->infection_delay_s);
	return 0;
}

int ws_sim_scenario_check_hosts(const struct ws_sim_scenario *sc, double *n_hosts,
				struct ws_err *e)
{
	const struct ws_sim_population *pop = &sc->pop;
	*n_hosts = (double)pop->vulnerable;
	if (!pop->file[0]) {
		/* A synthetic population loses hosts only when one /8, less the
		 * telescopes' /16s, cannot hold them all. */
		uint64_t taken = 0;
		for (int t = 0; t < sc->n_telescopes; t++)
			if (sc->tel[t].bits > 8 && sc->tel[t].bits <= 16)
				taken += 1u << (16 - sc->tel[t].bits);
		if (taken < 256 && pop->vulnerable <= (256 - taken) * 65536)
			return 0;
	}
	struct ws_sim_pop p;
	int rc = ws_sim_pop_for(sc, sc->seed, &p, e);
	if (rc)
		return rc;
	uint32_t n = p.n_hosts;
	ws_sim_pop_free(&p);
	*n_hosts = n;
	if (!pop->file[0]) {
		if (n != pop->vulnerable)
			return blame(sc, e, (struct party[]){PARTY("vulnerable"), PARTY("pop_slash8")}, 2,
				     "vulnerable = %llu does not fit the synthetic population of seed "
				     "%llu, which holds %u hosts; raise pop_slash8 or lower vulnerable",
				     (unsigned long long)pop->vulnerable, (unsigned long long)sc->seed, n);
		return 0;
	}
	if (sc->initial > n)
		return blame(sc, e, (struct party[]){PARTY("initial"), PARTY("population_file")}, 2,
			     "initial = %u is more than the %u hosts in %s", sc->initial, n, pop->file);
	if (sc->worm.hitlist > n - sc->initial)
		return blame(sc, e,
			     (struct party[]){PARTY("hitlist"), PARTY("initial"), PARTY("population_file")},
			     3, "hitlist = %u is more than the %u hosts in %s not infected at the start",
			     sc->worm.hitlist, n - sc->initial, pop->file);
	if ((double)n > uniform_space(sc))
		return blame(sc, e,
			     (struct party[]){PARTY("population_file"), PARTY("space_scale"),
					      PARTY("skip_reserved")},
			     3,
			     "the %u hosts in %s are more than the %.0f addresses of the space "
			     "(space_scale = %g, skip_reserved = %s)",
			     n, pop->file, uniform_space(sc), sc->pop.space_scale,
			     sc->worm.skip_reserved ? "true" : "false");
	return 0;
}
