/* SPDX-License-Identifier: MIT */
/* Per-probe simulation (owned by the validation part of sim/): runs an
 * outbreak probe by probe, to check the fast engine, which only draws the hits
 * that land on vulnerable hosts. Every infected host probes as a Poisson
 * process; every probe gets a target from the worm's strategy; the target is
 * looked up in the vulnerable set. Targets stay inside this file's buffers:
 * nothing here prints, writes or returns a list of probe targets, only counts
 * and the times at which vulnerable hosts were infected.
 *
 * Building blocks, exported so they can be tested alone:
 * - a counter-free, lane-parallel generator (xoshiro128** in 16 lanes) that
 *   the compiler turns into vector code;
 * - local-preference target draws (Code Red II, Nimda): a class, then the
 *   address, redrawing 127/8, 224/8 and the source itself;
 * - a vulnerable-address index: a 2 MB blocked Bloom filter of the
 *   vulnerable addresses in front of an exact, rank-based membership test
 *   over the /24s that hold any vulnerable host. */
#ifndef WS_SIM_PROBE_H
#define WS_SIM_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "wormscope/err.h"

/* ---- generator ---- */

#define WS_PROBE_LANES 16

struct ws_probe_rng {
	uint32_t s[4][WS_PROBE_LANES];
	uint32_t buf[WS_PROBE_LANES]; /* scalar draws are served from here */
	unsigned pos;
};

/* Seeds every lane from (seed, stream) through splitmix64; distinct streams
 * give independent sequences for the same seed. */
void ws_probe_rng_seed(struct ws_probe_rng *g, uint64_t seed, uint64_t stream);
/* Writes n uniform 32-bit values (n a multiple of WS_PROBE_LANES). */
void ws_probe_rng_fill(struct ws_probe_rng *g, uint32_t *out, size_t n);
/* One value, and a double in [0, 1) with 53 random bits, for the scalar paths. */
uint32_t ws_probe_rng_u32(struct ws_probe_rng *g);
double ws_probe_rng_unit(struct ws_probe_rng *g);

/* ---- target classes ---- */

enum ws_probe_class { WS_PROBE_ANY = 0, WS_PROBE_SAME8 = 1, WS_PROBE_SAME16 = 2 };

/* Local-preference mix, in 1/65536ths: class ANY when the class draw is below
 * `any`, SAME8 below any + same8, otherwise SAME16. Code Red II is
 * {8192, 32768} (1/8, 1/2, 3/8), exactly representable. */
struct ws_probe_mix {
	uint32_t any, same8;
};

#define WS_PROBE_MIX_CODE_RED_II ((struct ws_probe_mix){8192, 32768})

/* True for addresses the local-preference worms never probe: 127/8, 224/8. */
int ws_probe_skipped(uint32_t addr);

/* Draws one local-preference target for source src: the class first, then
 * the address within the class, drawing the address again (class kept) while
 * it falls in 127/8, 224/8 or equals src. *cls receives the class drawn. */
uint32_t ws_probe_local_draw(struct ws_probe_rng *g, struct ws_probe_mix mix, uint32_t src,
			     enum ws_probe_class *cls);

/* ---- vulnerable-address index ---- */

struct ws_probe_index;

/* Builds the index over n distinct addresses; host i is addr[i]. Returns NULL
 * and fills e when an address repeats. Caller frees with ws_probe_index_free. */
struct ws_probe_index *ws_probe_index_new(const uint32_t *addr, size_t n, struct ws_err *e);
void ws_probe_index_free(struct ws_probe_index *x);
/* Host number of addr, or -1 when addr is not vulnerable. */
long ws_probe_index_find(const struct ws_probe_index *x, uint32_t addr);
/* Bytes the index holds (for the benchmark's memory figures). */
size_t ws_probe_index_bytes(const struct ws_probe_index *x);

/* ---- the per-probe run ---- */

enum ws_probe_strategy { WS_PROBE_UNIFORM = 0, WS_PROBE_LOCAL = 1 };

struct ws_probe_telescope {
	uint32_t net, mask; /* monitored prefix: addr & mask == net */
};

struct ws_probe_scenario {
	const uint32_t *addr;     /* n vulnerable hosts, distinct */
	size_t n;
	const uint32_t *initial;  /* hosts infected at t = 0 (indices into addr) */
	size_t n_initial;
	double rate;              /* probes/s of each infected host */
	double duration;          /* seconds simulated */
	double interval;          /* seconds per output interval */
	enum ws_probe_strategy strategy;
	struct ws_probe_mix mix;  /* WS_PROBE_LOCAL only */
	/* Addresses the uniform strategy draws from; 0 means all 2^32. A scaled
	 * run draws u below `space` and probes address u or, with block_map
	 * (2^16 entries, a permutation of the /16s), /16 block_map[u >> 16] at
	 * the same low 16 bits, which brings hosts from anywhere into the space.
	 * Each vulnerable host is then hit with probability 1/space per probe,
	 * so K = r N / space. */
	uint64_t space;
	const uint16_t *block_map;
	const struct ws_probe_telescope *telescope;
	size_t n_telescope;
	uint64_t seed;
	/* Seconds from a host's infection to its first probe (0: at once; the
	 * initial hosts probe from the start). The
	 * partitioned run (src/par/) needs it > 0: it is the run's lookahead. */
	double delay;
	/* Optional: multiplier of every host's rate at time t, constant until
	 * *until (a calendar that stops the worm, a throttle that starts). NULL
	 * means 1 throughout. */
	double (*rate_factor)(const void *ctx, double t, double *until);
	const void *ctx;
	/* Optional: called after each output interval with the share of the
	 * simulated time done, (0, 1]; the command line's progress line. */
	void (*tick)(void *tick_ctx, double done);
	void *tick_ctx;
};

/* Per-interval series (index j covers [j*interval, (j+1)*interval)) and each
 * host's infection time. Owned by the caller; free with ws_probe_result_free. */
struct ws_probe_result {
	size_t n_intervals;
	uint64_t *infected;        /* infected hosts at the end of interval j */
	uint64_t *new_infections;  /* infections during interval j */
	/* [t * n_intervals + j] for telescope t: probes seen, distinct sources
	 * seen in the interval, and sources seen for the first time (CAIDA's
	 * count of new infected hosts). */
	uint64_t *tel_probes, *tel_sources, *tel_new_sources;
	double *infected_at;       /* per host: seconds, or -1 if never infected */
	uint64_t probes;           /* probes simulated in all */
};

/* Runs the scenario. Returns 0, or WS_EUSAGE with e filled for parameters it
 * cannot run (LOCAL in a scaled space, a host outside the space, ...). */
int ws_probe_run(const struct ws_probe_scenario *sc, struct ws_probe_result *out,
		 struct ws_err *e);
void ws_probe_result_free(struct ws_probe_result *r);

/* ---- the simulator's scenarios (sim.h) ---- */

struct ws_sim_scenario;
struct ws_sim_pop;
struct ws_sim_result;

/* Runs one outbreak of sc over pop probe by probe, with ws_sim_run's contract
 * (series and summary in res, caller frees with ws_sim_result_free). Returns
 * WS_EUSAGE naming the first part of the scenario this mode does not model:
 * it runs uniform and local-preference scanning, the calendar, expiry and
 * night, bandwidth caps, tarpit delays and throttling of every host, and
 * telescopes. */
int ws_probe_sim_run(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
		     uint64_t seed, struct ws_sim_result *res, struct ws_err *e);
/* The same, calling tick (when not NULL) after each output interval with
 * the share of the run done: a run of minutes shows its progress. */
int ws_probe_sim_run_tick(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
			  uint64_t seed, struct ws_sim_result *res,
			  void (*tick)(void *tick_ctx, double done), void *tick_ctx,
			  struct ws_err *e);

/* The same in steps, for runs that drive ws_probe_run's scenario themselves
 * (the partitioned run, src/par/): prepare fills p->ps from sc and pop (the
 * refusals above), fill turns a result over n_hosts into sim series and
 * summary, release frees what prepare allocated. */
struct ws_probe_prep {
	struct ws_probe_scenario ps;
	struct ws_probe_telescope tel[16];
	uint32_t *addr, *initial;
	uint16_t *map;
	void *fac;
};
int ws_probe_sim_prepare(const struct ws_sim_scenario *sc, const struct ws_sim_pop *pop,
			 uint64_t seed, void (*tick)(void *tick_ctx, double done), void *tick_ctx,
			 struct ws_probe_prep *p, struct ws_err *e);
void ws_probe_sim_fill(const struct ws_sim_scenario *sc, const struct ws_probe_result *r,
		       size_t n_hosts, struct ws_sim_result *res);
void ws_probe_sim_release(struct ws_probe_prep *p);

/* Exact samplers used by the run, exported for their tests: Poisson(mean)
 * for any mean >= 0 (Hoermann's PTRS above 10) and Beta(a, b) through two
 * gamma draws (Marsaglia-Tsang). */
uint64_t ws_probe_poisson(struct ws_probe_rng *g, double mean);
double ws_probe_beta(struct ws_probe_rng *g, double a, double b);

#endif
