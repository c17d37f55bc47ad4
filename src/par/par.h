/* SPDX-License-Identifier: MIT */
/* Runs over several processes (src/par/): Open MPI when the build found it
 * (par_mpi.c, par_part.c), one process otherwise (par_serial.c). Nothing
 * here is a cluster layer of its own: the ranks are MPI_COMM_WORLD's, started
 * by mpirun or Slurm's srun, and MPI_Init finds them.
 *
 * - ws_par_jobs: independent jobs (the (point, seed) runs of a sweep or an
 *   ensemble) handed out by rank 0 one at a time (manager/worker: a rank asks
 *   for the next job when it has sent its last result, so ranks that draw
 *   cheap runs take more of them). Rank 0 works too: a thread of its own runs
 *   jobs while the main thread serves the others. Every job's result depends
 *   on the job alone, so rank 0 gathers the same results whatever the ranks.
 * - ws_par_partition_run: one per-probe run split over the ranks (par_part.c).
 *
 * Library code: errors come back in ws_err; rank 0 reports them. */
#ifndef WS_PAR_PAR_H
#define WS_PAR_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "wormscope/err.h"

struct ws_par {
	int rank, size;
	bool mpi;      /* MPI_Init was called (finalize it) */
};

/* True in a build with MPI. */
bool ws_par_built(void);
/* The number of processes a launcher (mpirun, srun, mpiexec) says it started
 * around this one, from its environment; 1 when none did. */
int ws_par_launched(void);
/* Joins the launcher's job (MPI_Init) when one started this process, or
 * always (a partitioned run of one process needs MPI too), else sets rank 0
 * of 1 without MPI. A build without MPI started as several processes is an
 * error (each would run everything and write the same files). */
int ws_par_init(struct ws_par *p, bool always, struct ws_err *e);
void ws_par_finalize(struct ws_par *p);

/* Called on a worker rank before each job it takes, with its rank; NULL
 * (the default): nothing. For the test of a rank that dies mid-run, which
 * the caller owns (cli/hooks.c); set it before ws_par_jobs. */
typedef void (*ws_par_job_hook)(int rank);
void ws_par_set_job_hook(ws_par_job_hook fn);

/* One job: fills res (caller frees with ws_sim_result_free). Must not call
 * MPI, print or exit; may run on a thread of rank 0. */
typedef int (*ws_par_job)(void *ctx, size_t job, struct ws_sim_result *res, struct ws_err *e);

/* Runs jobs 0..n-1 over every rank (results with nt telescope series). On rank 0, all[j] holds job j's result
 * (all has n entries; other ranks pass NULL). Returns 0 or, on rank 0, the
 * error of a job that failed (the others are stopped, nothing is kept); on
 * the other ranks 0 once rank 0 has stopped them. Results larger than 2 GB
 * (INT_MAX bytes, MPI's count) are refused. */
int ws_par_jobs(const struct ws_par *p, size_t n, size_t nt, ws_par_job fn, void *ctx,
		struct ws_sim_result *all, struct ws_err *e);

/* What a partitioned run did, summed over ranks. */
struct ws_par_stats {
	int ranks;
	double window_s;       /* the window: the infection delay */
	uint64_t windows;
	uint64_t probes;       /* probes drawn */
	uint64_t candidates;   /* probes into a /24 holding a vulnerable host */
	uint64_t remote;       /* candidates sent to another rank */
	uint64_t bytes;        /* bytes those took (MPI_Alltoallv payload) */
	double compute_s;      /* the slowest rank's drawing and applying */
	double exchange_s;     /* the slowest rank's time in the exchange */
	uint64_t probes_max;   /* the busiest rank's probes */
	double cpu_s;          /* compute CPU seconds (drawing, applying), all ranks */
	double cpu_path_s;     /* sum over windows of the busiest rank's compute CPU: the
				* wall time with a core per rank and free exchanges */
};

/* One per-probe run of sc with this seed, partitioned over the ranks
 * (collective: every rank calls it with the same arguments). On rank 0 res
 * holds the run as ws_sim_run would give it. Blocks are the /block_bits
 * prefixes (8: the /8s). Needs mode per-probe and
 * infection_delay_s > 0 (the window); refuses what it does not model, alike
 * on every rank. */
int ws_par_partition_run(const struct ws_par *p, const struct ws_sim_scenario *sc, uint64_t seed,
			 int block_bits, struct ws_sim_result *res, struct ws_par_stats *st,
			 struct ws_err *e);

#endif
