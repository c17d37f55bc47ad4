/* SPDX-License-Identifier: MIT */
/* What one fast run leaves behind for the passes drawn from it afterwards
 * (telescopes, a server's log, a capture): its infection episodes and the
 * per-host and per-/16 flags they need. Types only. */
#ifndef WS_SIM_TRACE_H
#define WS_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/* Per-host flag bits. */
enum {
	WS_HF_RATE = 0x07,      /* rate class 0..7 */
	WS_HF_CHINESE = 0x08,
	WS_HF_THROTTLED = 0x10,
	WS_HF_HITLIST = 0x20,
};

/* Per-/16 defence flags (drawn once per run). */
enum { WS_GF_CONTENT = 1, WS_GF_BLACKLIST = 2, WS_GF_EGRESS = 4 };

/* One infection episode: host infected at t_inf, until t_end (seconds from
 * the start; the run's end when it never ended). Appended in time order. */
struct ws_sim_episode {
	double t_inf, t_end;
	uint32_t host;
	uint8_t flags; /* the host's flags (saves a random read per episode later) */
};

/* What the telescope pass needs from a run. */
struct ws_sim_trace {
	const struct ws_sim_scenario *sc;
	const struct ws_sim_pop *pop;
	const uint8_t *hflag;   /* per host */
	const uint8_t *gflag;   /* per group */
	double class_rate[WS_SIM_RATE_CLASSES];
	double any_space;       /* addresses the uniform class draws from */
	double end;             /* seconds simulated */
	struct ws_sim_episode *ep;
	size_t n_ep;
	bool unique_hosts;      /* no host has two episodes */
	/* Lean runs keep only the infection times (8 bytes an episode, not 24:
	 * memory touched is page faults, docs/sim-validation.md): every episode ends with
	 * the run, episode e is host lean_host[e] (e itself when NULL) with
	 * flags lean_flag[e] (0 when NULL). ep is NULL then. */
	const double *lean_t;
	const uint32_t *lean_host;
	const uint8_t *lean_flag;
	/* Shared /16 uplinks: from cong_t[i] on, every host's rate is scaled by
	 * cong_f[i] (the probes all infected hosts send together over the sum
	 * of their own rates); n_cong is 0 without them. */
	const double *cong_t, *cong_f;
	size_t n_cong;
};

/* Episode e of the trace, whichever way it is stored. */
static inline struct ws_sim_episode ws_sim_trace_ep(const struct ws_sim_trace *tr, size_t e)
{
	if (!tr->lean_t)
		return tr->ep[e];
	return (struct ws_sim_episode){tr->lean_t[e], tr->end,
				       tr->lean_host ? tr->lean_host[e] : (uint32_t)e,
				       tr->lean_flag ? tr->lean_flag[e] : 0};
}

/* One probe that reached a monitored address or a server. */
struct ws_sim_probe {
	double t;       /* seconds from the start */
	uint32_t src;   /* the source's (synthetic) address */
};

#endif
