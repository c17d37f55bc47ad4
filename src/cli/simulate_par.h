/* SPDX-License-Identifier: MIT */
/* `wormscope simulate` over several processes and sweeps (cli/): the glue
 * between simulate_cmd.c and src/sweep/, src/par/. */
#ifndef WS_CLI_SIMULATE_PAR_H
#define WS_CLI_SIMULATE_PAR_H

#include <stdbool.h>

#include "par/par.h"
#include "sim/sim.h"
#include "sweep/sweep.h"

struct ws_simpar_opts {
	const char *sweep[WS_SWEEP_MAX_AXES + 1];
	int n_sweep;
	const char *figure;   /* --sweep-figure */
	int ranks;            /* --ranks, 0 = not given */
	bool partition;       /* --partition */
	int block_bits;       /* --partition-block (default 8: /8 blocks) */
	struct ws_par par;
};

/* Before the options are read: --ranks R outside a launcher runs this
 * command again under mpirun -np R (and does not return when it could);
 * joins MPI under a launcher (or for --partition); on ranks other than 0
 * sends stdout and stderr to /dev/null (rank 0 speaks for the job).
 * Returns 0, or an exit code after printing why. */
int ws_simpar_begin(int argc, char **argv, struct ws_simpar_opts *po);
void ws_simpar_end(struct ws_simpar_opts *po);

/* The ensemble of sc over the ranks (or one partitioned run per seed); on
 * rank 0 x holds it. Prints the partition figures unless quiet. Returns 0 or
 * an exit code after printing why. */
int ws_simpar_ensemble(struct ws_simpar_opts *po, const struct ws_sim_scenario *sc, bool quiet,
		       struct ws_sim_ensemble *x);

/* The whole --sweep: points, jobs over the ranks, and on rank 0 the CSV,
 * per-point JSONs, chart and a line per point on stdout. */
int ws_simpar_sweep(struct ws_simpar_opts *po, const struct ws_sim_scenario *base,
		    const char *csv, const char *json, const char *plot, bool quiet);

#endif
