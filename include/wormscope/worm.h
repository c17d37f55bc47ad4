/* SPDX-License-Identifier: MIT */
/* The worm table: one const struct ws_worm per file under src/worms/, each
 * holding how to recognise the worm's requests and (for the simulator) how it
 * behaves. src/worms/table.c lists them in classification order. */
#ifndef WORMSCOPE_WORM_H
#define WORMSCOPE_WORM_H

#include <stdbool.h>
#include <stdint.h>

#include "wormscope/request.h"

/* Upper bound on the detection table's size (per-source counters are sized by it). */
#define WS_MAX_WORMS 12

enum ws_confidence {
	WS_CONF_HEURISTIC = 0, /* fits the family, but too little of it is visible */
	WS_CONF_PARTIAL = 1,   /* the signature core matches; some part differs */
	WS_CONF_EXACT = 2,     /* the request as the worm sends it */
};

/* One detection signature: a stable id for EVE output (local sid range
 * 1900000+), with the Snort / ET rules that fire on the same request. */
struct ws_signature {
	uint32_t sid;
	uint16_t rev;
	const char *name;  /* short machine name, e.g. "code-red.exact" */
	const char *msg;   /* human-readable alert text */
	const char *refs;  /* comma-separated references, e.g. "snort:1243,et:2101243" */
};

struct ws_verdict {
	int worm;                        /* index into ws_worms(), -1 = none */
	enum ws_confidence conf;
	const struct ws_signature *sig;  /* static, do not free */
	uint16_t nimda_mask;             /* which of Nimda's 16 probes this can be (bit i) */
	const char *variant;             /* static note such as "filler 230", or NULL */
	uint32_t evasion;                /* enum ws_evasion bits (http/normalize.h): the match
					  * needed IIS's normalised path; 0 = the raw target matched */
};

/* How a worm spreads, for `wormscope simulate`. Values cite the keys of
 * docs/sources.md; zero means "not documented, the simulator's default". */
struct ws_behaviour {
	const char *scan_strategy;   /* prose: "uniform", "local-preference", ... */
	int threads;                 /* per infected host; 0 = unknown */
	double p_any, p_same8, p_same16; /* local preference (sums to 1) */
	const char *calendar;        /* prose summary of the calendar */
	/* Machine-readable fields for the simulator (src/sim/scenario.c). */
	const char *sim_strategy;    /* "uniform", "fixed-sequence", "local-preference",
				      * "sequential", "permutation" */
	double scan_rate;            /* probes/s per host when measured; 0 = threads / probe time */
	double probe_time_s;         /* mean seconds a thread spends per probe */
	double bandwidth_cap;        /* probes/s ceiling per host; 0 = none */
	bool skip_reserved;          /* redraws 127/8 and 224/8 */
	bool memory_only;            /* a reboot clears it; the host can be infected again */
	double lifetime_h;           /* runs this long then reboots; 0 = until removed */
	double chinese_lifetime_h;   /* lifetime on Chinese-language systems; 0 = same */
	double chinese_rate_factor;  /* rate multiplier on them; 0 = 1 */
	bool code_red_calendar;      /* days 1-19 spread, 20-27 flood, 28-31 sleep (UTC) */
	const char *expiry;          /* ISO date after which it stops spreading, or NULL */
	unsigned hitlist;            /* hit-list size; 0 = none */
	unsigned vulnerable;         /* the population usually simulated with it; 0 = unknown */
	const char *onset;           /* ISO 8601 UTC start of its outbreak, or NULL */
	/* What one attack on a web server looks like in its log (for simulate
	 * --emit-log): GETs of these targets in order, each followed by
	 * request_query when set, with HTTP/1.0 and no User-Agent. */
	const char *const *requests;
	int n_requests;
	const char *request_query;
};

struct ws_worm {
	const char *id;            /* stable interface id: "code-red", ... */
	const char *name;          /* display name */
	const char *aliases;       /* comma-separated vendor names */
	const char *first_seen;    /* ISO date */
	const char *what;          /* one-line description */
	const char *log_forms;     /* what its requests look like in each log format */
	const char *sources;       /* where these facts come from */
	const struct ws_signature *sigs;
	int nsigs;
	/* Hyperscan expressions (matched case-insensitively), NULL-terminated:
	 * every line this worm's matcher can claim contains one of them, so lines
	 * with none are skipped unparsed. */
	const char *const *prefilter;
	/* A success answer that means trouble: 2xx always; 3xx too when set
	 * (the backdoor's redirects still mean it answered). */
	bool success_3xx;
	/* A class of requests many worms and scanners send (any .ida probe,
	 * any cmd.exe, a traversal token) rather than one worm's: a worm that
	 * is not generic, found in the normalised path, names it better. */
	bool generic;
	/* Returns true and fills v when req is this worm's. Called in table order;
	 * the first match wins. */
	bool (*match)(const struct ws_request *req, struct ws_verdict *v);
	const struct ws_behaviour *behaviour;
};

/* The table, in classification order. Static; do not free. */
const struct ws_worm *const *ws_worms(int *count);
/* Index of the worm with this id, or -1. */
int ws_worm_index(const char *id);
/* Worms the simulator can run: the table's worms that have a behaviour, then
 * behaviour-only entries (code-red-v1, slammer, warhol, custom) that have no
 * signature and never enter the detection table. Static; do not free. */
const struct ws_worm *const *ws_sim_worms(int *count);
/* The simulator's worm with this id, or NULL. */
const struct ws_worm *ws_sim_worm(const char *id);

#endif
