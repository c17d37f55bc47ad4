/* Scenarios (simulator core): defaults from the worm table, one key table
 * that serves the config file, the command line and --dump-config, and the
 * consistency check. The defaults are the textbook model: every realism knob
 * (rate spread, day/night, random reboots, DHCP churn, bandwidth caps,
 * defences) is off until a scenario file or an option turns it on. */
#include <errno.h>
#include <math.h>
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
 * N = 360,000 it gives Staniford's K = 1.8/h, model.md 0 and 2.1). Used when
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

static int64_t iso_date(const char *s, bool *ok)
{
	int y, m, d;
	char tail;
	*ok = sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 && d >= 1 &&
	      d <= 31;
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
	 * to a half on home and small-business lines (CAIDA IMW'02 via worms.md
	 * 3.1; 24/8 cable hit hardest by Code Red II, worms.md 2.2). */
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

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	const char *help;
};

#define W(f) offsetof(struct ws_sim_scenario, worm.f)
#define P(f) offsetof(struct ws_sim_scenario, pop.f)
#define D(f) offsetof(struct ws_sim_scenario, def.f)
#define S(f) offsetof(struct ws_sim_scenario, f)

/* Dump order: worm first (loading it resets the defaults), then the rest. */
static const struct key keys[] = {
	{"worm", K_PATH, W(id), "worm id (resets every other key to its defaults)"},
	{"seed", K_U64, S(seed), "random seed"},
	{"runs", K_INT, S(runs), "ensemble size"},
	{"mode", K_MODE, S(mode), "fast or per-probe"},
	{"start", K_TIME, S(start), "UTC start time"},
	{"duration_h", K_DOUBLE, S(duration_h), "hours simulated"},
	{"interval_s", K_DOUBLE, S(interval_s), "seconds per output row"},
	{"initial", K_U32, S(initial), "hosts infected at the start"},
	{"strategy", K_STRATEGY, W(strategy), "target selection"},
	{"p_any", K_DOUBLE, W(p_any), "local preference: share of uniform targets"},
	{"p_same8", K_DOUBLE, W(p_same8), "local preference: share in the own /8"},
	{"p_same16", K_DOUBLE, W(p_same16), "local preference: share in the own /16"},
	{"skip_reserved", K_BOOL, W(skip_reserved), "redraw 127/8 and 224/8"},
	{"scan_rate", K_DOUBLE, W(scan_rate), "mean probes/s per host; 0 = threads / probe_time_s"},
	{"threads", K_INT, W(threads), "threads per infected host"},
	{"probe_time_s", K_DOUBLE, W(probe_time_s), "mean seconds a thread spends per probe"},
	{"rate_spread", K_DOUBLE, W(rate_spread), "log-normal sigma of per-host rates; 0 = none"},
	{"bandwidth_cap", K_DOUBLE, W(bandwidth_cap), "probes/s ceiling per host; 0 = none"},
	{"hitlist", K_U32, W(hitlist), "hit-list size"},
	{"lifetime_h", K_DOUBLE, W(lifetime_h), "hours a copy runs before the host reboots; 0 = forever"},
	{"reboot_mean_h", K_DOUBLE, W(reboot_mean_h), "mean hours between random reboots; 0 = none"},
	{"reinfectable", K_BOOL, W(reinfectable), "a rebooted host is susceptible again"},
	{"chinese_share", K_DOUBLE, W(chinese_share), "share of Chinese-language hosts"},
	{"chinese_lifetime_h", K_DOUBLE, W(chinese_lifetime_h), "their lifetime"},
	{"chinese_rate_factor", K_DOUBLE, W(chinese_rate_factor), "their rate multiplier"},
	{"calendar", K_CALENDAR, W(calendar), "none or code-red"},
	{"expiry", K_DATE, W(expiry), "UTC date the worm stops spreading, or none"},
	{"night_off", K_DOUBLE, W(night_off), "share of hosts off at night (22-06 local)"},
	{"night_utc_offset_h", K_DOUBLE, W(night_utc_offset_h), "their time zone"},
	{"vulnerable", K_U64, P(vulnerable), "vulnerable hosts"},
	{"population_file", K_PATH, P(file), "file of PREFIX COUNT lines; empty = synthetic"},
	{"pop_slash8", K_INT, P(n_slash8), "synthetic: /8s holding hosts"},
	{"pop_zipf8", K_DOUBLE, P(zipf8), "synthetic: Zipf exponent over /8s"},
	{"pop_pareto16", K_DOUBLE, P(pareto16), "synthetic: Pareto shape over /16s"},
	{"pop_cable_share", K_DOUBLE, P(cable_share), "synthetic: share on cable/DSL /16s"},
	{"space_scale", K_DOUBLE, P(space_scale), "uniform class address space, share of 2^32"},
	{"patch_rate_h", K_DOUBLE, D(patch_rate_h), "share of unpatched hosts patched per hour"},
	{"patch_start_h", K_DOUBLE, D(patch_start_h), "hours after the start; <0 = off"},
	{"patch_curve", K_CURVE, 0, "H:SHARE,... share patched over time"},
	{"content_filter_share", K_DOUBLE, D(content_filter_share), "share of /16s filtering"},
	{"content_filter_start_h", K_DOUBLE, D(content_filter_start_h), "reaction delay, hours"},
	{"blacklist_share", K_DOUBLE, D(blacklist_share), "share of /16s blacklisting"},
	{"blacklist_start_h", K_DOUBLE, D(blacklist_start_h), "reaction delay, hours"},
	{"blacklist_delay_s", K_DOUBLE, D(blacklist_delay_s), "seconds until a source is listed"},
	{"tarpit_share", K_DOUBLE, D(tarpit_share), "share of the address space tarpitted"},
	{"tarpit_start_h", K_DOUBLE, D(tarpit_start_h), "hours after the start"},
	{"tarpit_hold_s", K_DOUBLE, D(tarpit_hold_s), "seconds a tarpit holds a thread"},
	{"throttle_rate", K_DOUBLE, D(throttle_rate), "new destinations/s; 0 = off"},
	{"throttle_share", K_DOUBLE, D(throttle_share), "share of hosts throttled"},
	{"throttle_start_h", K_DOUBLE, D(throttle_start_h), "hours after the start"},
	{"egress_share", K_DOUBLE, D(egress_share), "share of /16s egress-filtering"},
	{"egress_start_h", K_DOUBLE, D(egress_start_h), "hours after the start"},
	{"telescope", K_TELESCOPE, 0, "monitored prefix (repeatable)"},
	{"dhcp_churn_h", K_DOUBLE, S(dhcp_churn_h), "mean hours between address changes; 0 = off"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct key *key_find(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

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

static int set_telescope(struct ws_sim_scenario *sc, const char *v, struct ws_err *e)
{
	struct ws_cidr c;
	if (!ws_cidr_parse(v, &c) || c.net.fam != 4)
		return ws_err_set(e, WS_EUSAGE, "telescope: '%s' is not an IPv4 CIDR", v);
	if (sc->n_telescopes >= WS_SIM_MAX_TELESCOPES)
		return ws_err_set(e, WS_EUSAGE, "telescope: at most %d", WS_SIM_MAX_TELESCOPES);
	const uint8_t *a = c.net.b;
	uint32_t net = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t mask = c.bits ? ~0u << (32 - c.bits) : 0;
	sc->tel[sc->n_telescopes].net = net & mask;
	sc->tel[sc->n_telescopes].bits = c.bits;
	sc->n_telescopes++;
	return 0;
}

static int set_curve(struct ws_sim_defence *d, const char *v, struct ws_err *e)
{
	int n = 0;
	const char *p = v;
	if (strcmp(v, "none") == 0 || !*v) {
		d->n_patch_curve = 0;
		return 0;
	}
	while (*p) {
		double h, s;
		int used;
		if (n >= WS_SIM_MAX_CURVE || sscanf(p, "%lf:%lf%n", &h, &s, &used) != 2 || s < 0 ||
		    s > 1 || (n && h <= d->patch_curve_h[n - 1]))
			return ws_err_set(e, WS_EUSAGE,
					  "patch_curve: want up to %d rising HOURS:SHARE pairs, "
					  "shares 0..1, got '%s'",
					  WS_SIM_MAX_CURVE, v);
		d->patch_curve_h[n] = h;
		d->patch_curve_share[n] = s;
		n++;
		p += used;
		if (*p == ',')
			p++;
		else if (*p)
			return ws_err_set(e, WS_EUSAGE, "patch_curve: bad separator in '%s'", v);
	}
	d->n_patch_curve = n;
	return 0;
}

int ws_sim_scenario_set(struct ws_sim_scenario *sc, const char *name, const char *v,
			struct ws_err *e)
{
	const struct key *k = key_find(name);
	if (!k)
		return ws_err_set(e, WS_EUSAGE, "unknown key '%s'", name);
	if (strcmp(name, "worm") == 0) /* a worm brings its whole behaviour */
		return ws_sim_scenario_init(sc, v, e);
	char *base = (char *)sc + k->off;
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
		if (ok)
			sc->worm.strategy = (enum ws_sim_strategy)s;
		if (ok && s != WS_SIM_LOCAL_PREF) { /* only local preference has a mix */
			sc->worm.p_any = 1.0;
			sc->worm.p_same8 = sc->worm.p_same16 = 0.0;
		}
		break;
	}
	case K_CALENDAR:
		if (strcmp(v, "none") == 0)
			sc->worm.calendar = WS_SIM_CAL_NONE;
		else if (strcmp(v, "code-red") == 0)
			sc->worm.calendar = WS_SIM_CAL_CODE_RED;
		else
			ok = false;
		break;
	case K_MODE:
		if (strcmp(v, "fast") == 0)
			sc->mode = WS_SIM_MODE_FAST;
		else if (strcmp(v, "per-probe") == 0 || strcmp(v, "probe") == 0)
			sc->mode = WS_SIM_MODE_PROBE;
		else
			ok = false;
		break;
	case K_TIME: {
		int64_t t;
		ok = ws_time_parse_iso(ws_str_make(v, strlen(v)), &t);
		if (ok)
			sc->start = t;
		break;
	}
	case K_DATE:
		if (strcmp(v, "none") == 0)
			sc->worm.expiry = 0;
		else
			sc->worm.expiry = iso_date(v, &ok);
		break;
	case K_TELESCOPE:
		if (strcmp(v, "none") == 0) {
			sc->n_telescopes = 0;
			return 0;
		}
		return set_telescope(sc, v, e);
	case K_CURVE: return set_curve(&sc->def, v, e);
	}
	if (!ok)
		return ws_err_set(e, WS_EUSAGE, "%s: bad value '%s'", name, v);
	return 0;
}

/* ---- config files ------------------------------------------------------ */

int ws_sim_scenario_load(struct ws_sim_scenario *sc, const char *path, struct ws_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return ws_err_set(e, WS_EIO, "%s: %s", path, strerror(errno));
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
		struct ws_err sub;
		{
			/* A file's telescopes replace the defaults' (there are none) and
			 * those set before it. */
			if (strcmp(key, "telescope") == 0 && !telescopes_reset) {
				sc->n_telescopes = 0;
				telescopes_reset = true;
			}
			rc = ws_sim_scenario_set(sc, key, val, &sub);
		}
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

int ws_sim_scenario_check(const struct ws_sim_scenario *sc, struct ws_err *e)
{
	const struct ws_sim_worm *w = &sc->worm;
	const struct ws_sim_defence *d = &sc->def;
	if (sc->pop.vulnerable < 1 && !sc->pop.file[0])
		return ws_err_set(e, WS_EUSAGE, "vulnerable: at least 1 host");
	if (sc->pop.vulnerable > 200000000u)
		return ws_err_set(e, WS_EUSAGE, "vulnerable: at most 200000000 hosts");
	if (!(sc->duration_h > 0) || sc->duration_h > 24 * 400)
		return ws_err_set(e, WS_EUSAGE, "duration: between 0 and 9600 hours");
	if (!(sc->interval_s >= 1) || sc->duration_h * 3600 / sc->interval_s > 5e6)
		return ws_err_set(e, WS_EUSAGE, "interval: at least 1 s and at most 5,000,000 rows");
	if (sc->runs < 1 || sc->runs > 10000)
		return ws_err_set(e, WS_EUSAGE, "runs: 1 to 10000");
	if (sc->initial < 1)
		return ws_err_set(e, WS_EUSAGE, "initial: at least 1 infected host");
	if (w->scan_rate < 0 || !(ws_sim_mean_rate(w) > 0) || ws_sim_mean_rate(w) > 1e7)
		return ws_err_set(e, WS_EUSAGE, "scan-rate: above 0 and at most 1e7 probes/s");
	if (w->p_any < 0 || w->p_same8 < 0 || w->p_same16 < 0 ||
	    fabs(w->p_any + w->p_same8 + w->p_same16 - 1.0) > 1e-9)
		return ws_err_set(e, WS_EUSAGE, "p_any + p_same8 + p_same16 must be 1");
	if (w->strategy != WS_SIM_LOCAL_PREF && w->p_any != 1.0)
		return ws_err_set(e, WS_EUSAGE, "p_same8/p_same16 need strategy local-preference");
	if (w->rate_spread < 0 || w->rate_spread > 5 || w->bandwidth_cap < 0)
		return ws_err_set(e, WS_EUSAGE, "rate_spread 0..5, bandwidth_cap >= 0");
	if (w->lifetime_h < 0 || w->reboot_mean_h < 0 || w->chinese_lifetime_h < 0 ||
	    w->chinese_rate_factor <= 0 || w->chinese_share < 0 || w->chinese_share > 1 ||
	    w->night_off < 0 || w->night_off > 1 || sc->dhcp_churn_h < 0)
		return ws_err_set(e, WS_EUSAGE, "host life: times >= 0, shares 0..1, factor > 0");
	if (!(sc->pop.space_scale > 0) || sc->pop.space_scale > 1)
		return ws_err_set(e, WS_EUSAGE, "space_scale: in (0, 1]");
	if (sc->pop.space_scale < 1 && w->strategy == WS_SIM_LOCAL_PREF)
		return ws_err_set(e, WS_EUSAGE, "space_scale < 1 needs a uniform strategy");
	if (sc->pop.n_slash8 < 1 || sc->pop.n_slash8 > 220 || sc->pop.zipf8 < 0 ||
	    !(sc->pop.pareto16 > 0) || sc->pop.cable_share < 0 || sc->pop.cable_share > 1)
		return ws_err_set(e, WS_EUSAGE, "population: pop_slash8 1..220, shares 0..1");
	double shares[] = {d->content_filter_share, d->blacklist_share, d->tarpit_share,
			   d->throttle_share, d->egress_share};
	for (size_t i = 0; i < sizeof(shares) / sizeof(shares[0]); i++)
		if (shares[i] < 0 || shares[i] > 1)
			return ws_err_set(e, WS_EUSAGE, "defence shares must be within 0..1");
	if (d->patch_rate_h < 0 || d->throttle_rate < 0 || d->tarpit_hold_s < 0 ||
	    d->blacklist_delay_s < 0)
		return ws_err_set(e, WS_EUSAGE, "defence rates and delays must be >= 0");
	if (sc->mode == WS_SIM_MODE_PROBE && w->strategy != WS_SIM_UNIFORM &&
	    w->strategy != WS_SIM_LOCAL_PREF)
		return ws_err_set(e, WS_EUSAGE, "mode per-probe runs uniform and local-preference only");
	return 0;
}
