/* SPDX-License-Identifier: MIT */
/* Private to the simulator core (engine.c, tele.c, ensemble.c): what one run
 * leaves for the telescope pass, and the global multipliers in time. */
#ifndef WS_SIM_ENGINE_H
#define WS_SIM_ENGINE_H

#include <stdint.h>

#include "sim/rand.h"
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

/* Global multiplier of every host's probing at time t (seconds from the
 * start): the calendar, the expiry and the share of hosts switched on. */
double ws_sim_active(const struct ws_sim_scenario *sc, double t);
/* The factor on every infection rate at time t: the activity of the source
 * times the share of targets switched on. */
double ws_sim_infect_factor(const struct ws_sim_scenario *sc, double t);
/* Operational time: the integral of the infection factor over [0, t]. */
double ws_sim_op_time(const struct ws_sim_scenario *sc, double t);
/* The next time after t at which anything time-driven changes (calendar,
 * night, defence starts), or +inf. */
double ws_sim_next_break(const struct ws_sim_scenario *sc, double t);
/* A host's effective rate at time t from its class rate (throttling, tarpit). */
double ws_sim_host_rate(const struct ws_sim_scenario *sc, double class_rate, uint8_t hflag,
			double t);

/* The fast engine (engine.c); pop is built. */
int ws_sim_run_fast(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop, uint64_t seed,
		    struct ws_sim_result *res, const struct ws_sim_outputs *o);

/* Fills the telescope series of res from the trace; appends CAIDA-layout
 * lines to hosts_out for telescope 0 when it is not NULL. */
void ws_sim_telescopes(const struct ws_sim_trace *tr, struct ws_rng *g, struct ws_sim_result *res,
		       struct ws_buf *hosts_out);

/* Probes that reach one address (a web server), from the trace. */
struct ws_sim_probe {
	double t;       /* seconds from the start */
	uint32_t src;   /* the source's (synthetic) address */
};
size_t ws_sim_server_probes(const struct ws_sim_trace *tr, struct ws_rng *g, uint32_t server,
			    struct ws_sim_probe **out);
/* Expected probes into telescope t over the run (every probe). */
double ws_sim_prefix_expected(const struct ws_sim_trace *tr, const struct ws_sim_telescope *t);
/* The probes into telescope t, each kept with probability sample (0, 1];
 * stops a little past max (the caller refuses then). *out: free(). */
size_t ws_sim_prefix_probes(const struct ws_sim_trace *tr, struct ws_rng *g,
			    const struct ws_sim_telescope *t, double sample, size_t max,
			    struct ws_sim_probe **out);
/* simulate --emit-pcap for one run (o->pcap set): draws the probes into
 * every telescope and writes them into o->pcap, or refuses (o->pcap_err)
 * when more than o->pcap_max packets are expected at o->pcap_sample. */
int ws_sim_run_pcap(const struct ws_sim_trace *tr, uint64_t seed, const struct ws_sim_outputs *o);

/* Formats the access log of a server of kind `kind` ("apache", "iis") from
 * its probes (sorted here), after a first line header. */
void ws_sim_emit_log(const struct ws_sim_scenario *sc, const char *header, const char *kind,
		     struct ws_sim_probe *v, size_t n, struct ws_buf *out);

#endif
