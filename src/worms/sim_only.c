/* SPDX-License-Identifier: MIT */
/* Behaviour-only worms: entries the simulator runs for comparison that have
 * no detection signature, so they never enter the detection table (whose
 * size bounds per-source counters). ws_sim_worms() in table.c lists them
 * after the table's worms. Sources: [CERT-IN-2001-08],
 * [Moore03-S], [Staniford02] (docs/sources.md). */
#include "worms/internal.h"

/* Code Red I v1 (12 July 2001): the same request and calendar as v2, but a
 * static seed, so every copy walks one shared sequence of targets ([CERT-IN-2001-08],
 * [CAIDA-IMW02]) and growth is slow. The simulator uses its own
 * shared sequence, never one derived from the worm. */
static const char *const code_red_v1_requests[] = {"/default.ida?" WS_FILL224("N") WS_CR_TAIL_TEXT};

static const struct ws_behaviour code_red_v1 = {
	.scan_strategy = "fixed-sequence",
	.threads = 100,
	.p_any = 1.0,
	.calendar = "as Code Red I: UTC days 1-19 spread, 20-27 flood, 28-31 sleep; memory only",
	.requests = code_red_v1_requests,
	.n_requests = 1,
	.sim_strategy = "fixed-sequence",
	.probe_time_s = 20.0,
	.memory_only = true,
	.code_red_calendar = true,
	.vulnerable = 360000,
	.onset = "2001-07-12T00:00:00Z", /* CERT: v1 appeared 12 July */
};

/* Slammer/Sapphire (25 Jan 2003, UDP/1434): one packet per infection, limited
 * by bandwidth. 75,000 hosts doubling every 8.5 s imply about 4,700 scans/s
 * per host in a pure random-scanning model (derived from [Moore03-S]'s doubling time). */
static const struct ws_behaviour slammer = {
	.scan_strategy = "uniform",
	.threads = 1,
	.p_any = 1.0,
	.calendar = "none",
	.sim_strategy = "uniform",
	.scan_rate = 4700.0,
	.vulnerable = 75000,
	.onset = "2003-01-25T00:00:00Z", /* 25 January 2003; hour not verified */
};

/* Warhol worm (Staniford, Paxson, Weaver 2002; Weaver's essay): a 10,000-host
 * hit-list, then permutation scanning at 100 scans/s over 300,000 vulnerable
 * hosts: "roughly 15 minutes" ([Staniford02]). */
static const struct ws_behaviour warhol = {
	.scan_strategy = "permutation after a hit-list",
	.threads = 0,
	.p_any = 1.0,
	.calendar = "none",
	.sim_strategy = "permutation",
	.scan_rate = 100.0,
	.hitlist = 10000,
	.vulnerable = 300000,
};

/* A blank worm for parameters from the command line or a config file. */
static const struct ws_behaviour custom = {
	.scan_strategy = "from parameters",
	.p_any = 1.0,
	.calendar = "from parameters",
	.sim_strategy = "uniform",
};

#define SIM_ONLY(ident, id_, name_, seen, what_, src, beh)                                    \
	const struct ws_worm ident = {                                                         \
		.id = id_, .name = name_, .aliases = "", .first_seen = seen, .what = what_,    \
		.log_forms = "", .sources = src, .sigs = NULL, .nsigs = 0, .prefilter = NULL,  \
		.success_3xx = false, .match = NULL, .behaviour = &beh,                        \
	}

SIM_ONLY(ws_worm_sim_code_red_v1, "code-red-v1", "Code Red I v1", "2001-07-12",
	 "Code Red I with a static seed: every copy walks one shared target sequence",
	 "[CERT-IN-2001-08]; [CAIDA-DS] README; [CAIDA-IMW02]", code_red_v1);
SIM_ONLY(ws_worm_sim_slammer, "slammer", "Slammer/Sapphire", "2003-01-25",
	 "MS SQL Server UDP/1434 worm, bandwidth-limited random scanning (simulation only)",
	 "[Moore03-S] (Moore et al., Inside the Slammer Worm, 2003)", slammer);
SIM_ONLY(ws_worm_sim_warhol, "warhol", "Warhol worm", "2002-08-05",
	 "hypothetical hit-list + permutation-scanning worm (Staniford et al.)",
	 "[Staniford02] (Staniford, Paxson, Weaver, USENIX Security 2002)", warhol);
SIM_ONLY(ws_worm_sim_custom, "custom", "custom worm", "", "behaviour from parameters",
	 "docs/simulate.md", custom);
