/* SPDX-License-Identifier: MIT */
/* The outbreak simulator's scenario, population and run API (owned by the
 * simulator core, src/sim/sim*.c; `wormscope simulate` is src/cli/simulate_cmd.c).
 *
 * A scenario says which worm runs (its behaviour: strategy, rates, threads,
 * host life, calendar), over which vulnerable population, with which defences
 * and which telescopes watching, from when and for how long. A run draws one
 * outbreak from it with one seed; the result holds per-interval series and
 * the summary figures. Nothing here sends traffic, prints probe targets or
 * reads real addresses to attack: a population file holds prefixes with
 * counts, and hosts get synthetic addresses inside them.
 *
 * Units: times are seconds since the Unix epoch (UTC) or seconds from the
 * start of the run where the name says `_s`/`offset`; rates are probes per
 * second per infected host; `_h` is hours. Sources for every default are in
 * src/sim/scenario.c and docs/simulate.md, keyed to docs/sources.md.
 */
#ifndef WS_SIM_SIM_H
#define WS_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"
#include "wormscope/err.h"

#define WS_SIM_MAX_TELESCOPES 16
#define WS_SIM_MAX_CURVE 16      /* points of a patch curve */
#define WS_SIM_RATE_CLASSES 8    /* a rate distribution is cut into this many equal-mass classes */
#define WS_SIM_PATH 512

/* How an infected host picks targets. */
enum ws_sim_strategy {
	WS_SIM_UNIFORM = 0,     /* uniformly random IPv4 address (Code Red I v2, Slammer) */
	WS_SIM_FIXED_SEQUENCE,  /* every copy walks one shared sequence (Code Red I v1, CERT IN-2001-08) */
	WS_SIM_LOCAL_PREF,      /* any / same /8 / same /16 mix (Code Red II, Nimda) */
	WS_SIM_SEQUENTIAL,      /* consecutive addresses from a random start */
	WS_SIM_PERMUTATION,     /* one shared random permutation, split without overlap (Staniford et al.) */
	WS_SIM_NSTRATEGIES
};

/* Calendars the worm follows, in UTC. */
enum ws_sim_calendar {
	WS_SIM_CAL_NONE = 0,
	WS_SIM_CAL_CODE_RED,    /* spreads on days 1-19 of the month, floods 20-27, sleeps 28-31 */
};

/* Which simulation engine runs the scenario. */
enum ws_sim_mode { WS_SIM_MODE_FAST = 0, WS_SIM_MODE_PROBE = 1 };

/* The worm's behaviour (the worm table's struct ws_behaviour fills the defaults;
 * the config file or the command line may change any of it). */
struct ws_sim_worm {
	char id[32];               /* worm id: "code-red", ..., or "custom" */
	enum ws_sim_strategy strategy;
	double p_any, p_same8, p_same16; /* local preference mix; sums to 1 */
	bool skip_reserved;        /* redraws 127/8 and 224/8 (Code Red II's rule); else all 2^32 */
	/* Rates. scan_rate > 0 is the mean probes/s per host; 0 means threads /
	 * probe_time_s (a thread waits out each connection attempt). */
	double scan_rate;
	int threads;
	double probe_time_s;
	double infection_delay_s;  /* seconds from infection to the host's first probe (per-probe
				    * modes; the partitioned run's lookahead); 0 = at once */
	double rate_spread;        /* sigma of a log-normal rate distribution; 0 = all at scan_rate */
	double bandwidth_cap;      /* probes/s ceiling per host (Slammer); 0 = none */
	double link16_rate;        /* probes/s one /16's uplink carries for all its infected; 0 = none */
	uint32_t hitlist;          /* size of the hit-list infected first (Warhol); 0 = none */
	/* Host life. */
	double lifetime_h;         /* a copy runs this long, then the host reboots; 0 = until removed */
	double reboot_mean_h;      /* mean uptime between reboots (memory-only worms); 0 = none */
	bool reinfectable;         /* after a reboot the host is susceptible again (unless patched) */
	double chinese_share;      /* share of hosts with a Chinese-language system (CRII) */
	double chinese_lifetime_h; /* their lifetime (CRII: 48 h) */
	double chinese_rate_factor;/* their rate multiplier (CRII: 600 threads instead of 300 => 2) */
	/* Calendar. */
	enum ws_sim_calendar calendar;
	int64_t expiry;            /* UTC seconds after which no copy spreads; 0 = never */
	double night_off;          /* share of hosts switched off at night (local 22-06); 0 = off */
	double night_utc_offset_h; /* the hosts' local time zone for the night window */
};

/* Where the vulnerable hosts are. */
struct ws_sim_population {
	uint64_t vulnerable;       /* N; used by the synthetic model, or checked against the file */
	char file[WS_SIM_PATH];    /* "" = synthetic; else lines "PREFIX COUNT" (CIDR /8../32) */
	/* Synthetic 2001-like model: hosts over n_slash8 /8s (weights Zipf with
	 * exponent zipf8), then over /16s with a heavy tail (Pareto shape pareto16),
	 * and a share on cable/DSL networks (the 24/8-style concentrations). */
	int n_slash8;
	double zipf8;
	double pareto16;
	double cable_share;
	double space_scale;        /* >0 and <1 shrinks the uniform class's address space (scaled tests) */
	/* Prefixes kept free of hosts (the run puts its telescopes here: a
	 * telescope watches unused space). */
	int n_exclude;
	struct ws_sim_telescope_prefix {
		uint32_t net;
		int bits;
	} exclude[16];
};

/* Defences. Each starts `*_start_h` hours after the start of the run (a
 * reaction delay: the outbreak starts with the run); a negative start means off. */
struct ws_sim_defence {
	double patch_rate_h;       /* share of the unpatched patched per hour (exponential); 0 = off */
	double patch_start_h;
	int n_patch_curve;         /* or a curve: share patched at given hours (piecewise linear) */
	double patch_curve_h[WS_SIM_MAX_CURVE], patch_curve_share[WS_SIM_MAX_CURVE];
	double content_filter_share; /* share of /16s that drop worm requests in and out (Moore et al.) */
	double content_filter_start_h;
	double blacklist_share;    /* share of /16s that drop traffic from listed sources */
	double blacklist_start_h;
	double blacklist_delay_s;  /* a source is listed this long after its infection */
	double tarpit_share;       /* share of the address space answering as a tarpit (LaBrea) */
	double tarpit_start_h;
	double tarpit_hold_s;      /* how long a tarpit holds a worm thread */
	double throttle_rate;      /* new destinations/s per throttled host (Williamson); 0 = off */
	double throttle_share;     /* share of hosts throttled */
	double throttle_start_h;
	double egress_share;       /* share of /16s whose networks drop outbound worm probes */
	double egress_start_h;
};

struct ws_sim_telescope {
	uint32_t net;              /* network address, host order */
	int bits;                  /* prefix length 0..32 */
};

/* Where a key got its value, for error messages (a config file's line or a
 * command-line option); filled by ws_sim_scenario_load and _set_by. */
#define WS_SIM_MAX_KEYS 64
struct ws_sim_where {
	unsigned seq;              /* order of setting (1, 2, ...); 0 = a default or set in code */
	int line;                  /* its line in origin.file; 0 = not from the file */
	const char *opt;           /* the option that set it ("--initial", "--set"), or NULL */
};

struct ws_sim_origin {
	char file[WS_SIM_PATH];    /* the config file read, "" = none */
	unsigned seq;              /* settings so far */
	struct ws_sim_where key[WS_SIM_MAX_KEYS];       /* by key, in --dump-config order */
	struct ws_sim_where tel[WS_SIM_MAX_TELESCOPES]; /* each telescope */
	int tel_none_line;         /* the file's `telescope = none` line, or 0 */
};

struct ws_sim_scenario {
	struct ws_sim_worm worm;
	struct ws_sim_population pop;
	struct ws_sim_defence def;
	int n_telescopes;
	struct ws_sim_telescope tel[WS_SIM_MAX_TELESCOPES];
	double dhcp_churn_h;       /* mean hours between address changes of cable/DSL hosts; 0 = off */
	char telescope_hosts[WS_SIM_PATH]; /* unused: output files are not configuration */
	int64_t start;             /* UTC seconds */
	double duration_h;
	double interval_s;         /* output interval */
	uint64_t seed;
	uint32_t initial;          /* hosts infected at the start */
	int runs;                  /* ensemble size */
	enum ws_sim_mode mode;
	struct ws_sim_origin origin; /* not configuration: where each value came from */
};

/* ---- scenario (src/sim/scenario.c) ---- */

/* Fills sc with the textbook defaults for worm id (the worm table's behaviour
 * plus the model's defaults). Returns WS_EUSAGE for an unknown id. */
int ws_sim_scenario_init(struct ws_sim_scenario *sc, const char *worm_id, struct ws_err *e);
/* Sets one option by its config-file key ("scan_rate", "telescope", ...) from
 * text. A value out of the key's own range (a negative rate, a share above 1,
 * a telescope with host bits set or given twice) is refused too. Returns 0 or
 * WS_EUSAGE naming the key. */
int ws_sim_scenario_set(struct ws_sim_scenario *sc, const char *key, const char *value,
			struct ws_err *e);
/* The same for a command-line option (opt: "--initial", or "--set" for
 * --set KEY=VALUE): range errors name the option, and the scenario remembers
 * it as where the key was set. */
int ws_sim_scenario_set_by(struct ws_sim_scenario *sc, const char *key, const char *value,
			   const char *opt, struct ws_err *e);
/* Reads a config file of "key = value" lines (# comments). Errors name the
 * file and line; a key given twice (but telescope, with different prefixes)
 * is an error naming both lines. `worm` must come first when present (it
 * resets the defaults). */
int ws_sim_scenario_load(struct ws_sim_scenario *sc, const char *path, struct ws_err *e);
/* Checks the whole scenario for consistency (ranges, initial <= vulnerable,
 * mixes sum to 1, telescopes that can see something, ...). An error names
 * where the key was set: "FILE:LINE: ", "--option: " or nothing (set in code);
 * for one that involves several keys, the one set last, with the values of
 * all and where the others were set. */
int ws_sim_scenario_check(const struct ws_sim_scenario *sc, struct ws_err *e);
/* Checks the scenario against its population for the seed: initial and
 * hitlist within the file's hosts, and a synthetic population that holds
 * every vulnerable host. Builds that population when it must (a file, or a
 * synthetic one that might overflow its /8s). Sets *n_hosts to its size. */
int ws_sim_scenario_check_hosts(const struct ws_sim_scenario *sc, double *n_hosts,
				struct ws_err *e);
/* Appends the full configuration as a config file (every key, the version
 * and the seed), which ws_sim_scenario_load reads back to the same scenario. */
void ws_sim_scenario_dump(const struct ws_sim_scenario *sc, struct ws_buf *b);
/* The per-host mean rate the scenario implies (scan_rate, or threads / probe time). */
double ws_sim_mean_rate(const struct ws_sim_worm *w);
const char *ws_sim_strategy_name(enum ws_sim_strategy s);

/* ---- population (src/sim/pop.c) ---- */

/* Vulnerable hosts grouped by /16 (groups sorted by prefix, so the /16s of
 * one /8 are contiguous) and by /8. Hosts are numbered group by group, so a
 * group's hosts are [first, first + count). Host addresses are synthetic:
 * distinct inside their /16. */
struct ws_sim_group {
	uint32_t prefix16;         /* a.b as (a << 8) | b */
	uint32_t first, count;
	uint8_t cable;             /* a cable/DSL network (DHCP churn applies) */
};

struct ws_sim_pop {
	uint32_t n_hosts;
	uint32_t n_groups;
	struct ws_sim_group *groups;
	uint16_t *host_group;      /* group of each host (at most 2^16 groups: one per /16) */
	uint32_t first8[257];      /* groups of /8 a are [first8[a], first8[a + 1]) */
	uint32_t hosts8[256];      /* hosts in each /8 */
	uint64_t addr_key;         /* picks each /16's address permutation */
};

/* Builds the population the scenario describes (synthetic from seed, or from
 * its file). Errors name the file and line. */
int ws_sim_pop_build(struct ws_sim_pop *p, const struct ws_sim_population *cfg, uint64_t seed,
		     struct ws_err *e);
void ws_sim_pop_free(struct ws_sim_pop *p);
/* The population a run of sc with this seed uses (telescopes kept free). */
int ws_sim_pop_for(const struct ws_sim_scenario *sc, uint64_t seed, struct ws_sim_pop *p,
		   struct ws_err *e);
/* Host h's synthetic address (host order). */
uint32_t ws_sim_pop_addr(const struct ws_sim_pop *p, uint32_t h);
/* The host with this address, or -1 (binary search over groups). */
long ws_sim_pop_find(const struct ws_sim_pop *p, uint32_t addr);

/* ---- runs (src/sim/engine.c fast mode; src/sim/probe.c per-probe mode) ---- */

/* Per-interval series: index j covers [start + j*interval, start + (j+1)*interval). */
struct ws_sim_series {
	size_t n;                  /* intervals */
	double *susceptible, *infected, *removed, *new_infections;
	/* [t * n + j] for telescope t */
	double *tel_probes, *tel_sources, *tel_new_sources;
	/* Sources seen so far (cumulative new sources), filled by the ensemble
	 * from tel_new_sources run by run (so its median is a median of totals). */
	double *tel_seen;
};

struct ws_sim_summary {
	double final_infected;     /* hosts infected at the end */
	double ever_infected;      /* hosts infected at least once */
	double peak_new_per_min;   /* peak of new infections in one minute */
	double fitted_K_per_hour;  /* slope of ln(C/(N-C)) for C between 1 % and 50 % of N; NAN if not reached */
	double t_pct[5];           /* seconds from the start to 1, 10, 50, 90, 99 % of N ever infected; NAN = never */
	double peak_new_sources_per_min[WS_SIM_MAX_TELESCOPES]; /* per telescope (CAIDA's count) */
	double tel_sources_total[WS_SIM_MAX_TELESCOPES];        /* distinct sources over the run */
	uint64_t events;           /* infection events drawn (cost measure) */
};

struct ws_sim_result {
	struct ws_sim_series s;
	struct ws_sim_summary sum;
};

/* Optional outputs of a run beyond the series (each NULL = not wanted). */
struct ws_sim_outputs {
	struct ws_buf *hosts;      /* telescope 0's sources, CAIDA layout (lines only) */
	struct ws_buf *log;        /* the access log of a web server at `server` */
	uint32_t server;           /* host order */
	const char *server_kind;   /* "apache" or "iis" */
	const char *log_header;    /* text after WS_SIMULATED_MARK on the log's first line */
	/* Called by an ensemble after each run, and within a per-probe run
	 * after each output interval, when set: done counts the runs finished,
	 * with the share of the current one (2.5 = two runs and half of the
	 * third). The command line shows progress with it. */
	void (*progress)(void *ctx, double done, int runs);
	void *progress_ctx;
	/* Set by the ensemble for one run: a per-probe run calls it after each
	 * output interval with the share of that run done. */
	void (*tick)(void *tick_ctx, double done);
	void *tick_ctx;
	/* simulate --emit-pcap: one SYN per probe into the telescopes, pcapng */
	struct ws_buf *pcap;
	const char *pcap_comment;  /* section header comment, starts with WS_PCAPNG_SIMULATED */
	double pcap_sample;        /* share of probes kept, (0, 1] */
	uint64_t pcap_max;         /* refused when more packets are expected */
	struct ws_err *pcap_err;   /* the refusal (msg set), when refused */
};
/* The default and the most packets --emit-pcap writes (72 bytes each). */
#define WS_SIM_PCAP_MAX 2000000u

/* Runs one outbreak with the given seed and writes the optional outputs. */
int ws_sim_run_with(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
		    struct ws_sim_result *res, const struct ws_sim_outputs *o, struct ws_err *e);

/* Runs one outbreak with the given seed. pop may be NULL (built from sc).
 * When sc->telescope_hosts is set and hosts_out is not NULL, appends the
 * CAIDA-layout lines of every source the first telescope saw. */
int ws_sim_run(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
	       struct ws_sim_result *res, struct ws_buf *hosts_out, struct ws_err *e);
void ws_sim_result_free(struct ws_sim_result *r);
/* Allocates every series of s, zeroed: n intervals, nt telescopes. */
void ws_sim_series_alloc(struct ws_sim_series *s, size_t n, size_t nt);

/* Ensemble of sc->runs runs (seeds seed, seed+1, ...): the median, 5 % and
 * 95 % of every series value and summary figure across runs. */
struct ws_sim_ensemble {
	int runs;
	int died_out;              /* runs that died out (ws_sim_died_out) */
	int reduced;               /* runs the medians and bands are over: those that took
	                            * off, or all runs when every one died out */
	struct ws_sim_result med, lo, hi;
};
/* A run died out (a minor outbreak, in the epidemiologist's sense) when its
 * hosts ever infected stayed under WS_SIM_TAKEOFF_SHARE of the vulnerable
 * and either under a tenth of the largest run of its ensemble (max_ever) or
 * with no host infected at the end. A run that took off grows on the scale
 * of N; one that died out stays on the scale of its seed hosts. */
#define WS_SIM_TAKEOFF_SHARE 0.01
bool ws_sim_died_out(const struct ws_sim_summary *s, double n_vulnerable, double max_ever);
int ws_sim_run_ensemble(const struct ws_sim_scenario *sc, struct ws_sim_ensemble *out,
			struct ws_buf *hosts_out, struct ws_err *e);
/* The same, with every optional output (taken from the first run). */
int ws_sim_run_ensemble_with(const struct ws_sim_scenario *sc, struct ws_sim_ensemble *out,
			     const struct ws_sim_outputs *o, struct ws_err *e);
/* Reduces runs results of sc (all[i] ran with seed sc->seed + i; every one
 * has the same intervals) to out, as the ensemble does. Fills each result's
 * cumulative telescope series on the way; the caller still frees them. */
void ws_sim_ensemble_reduce(const struct ws_sim_scenario *sc, struct ws_sim_result *all,
			    size_t runs, struct ws_sim_ensemble *out);
void ws_sim_ensemble_free(struct ws_sim_ensemble *x);

#endif
