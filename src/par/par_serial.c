/* SPDX-License-Identifier: MIT */
/* The build without MPI (par.h): one process runs every job in order. */
#include <string.h>

#include "par/par.h"

bool ws_par_built(void)
{
	return false;
}

int ws_par_init(struct ws_par *p, bool always, struct ws_err *e)
{
	(void)always;
	p->rank = 0;
	p->size = 1;
	p->mpi = false;
	int n = ws_par_launched();
	if (n > 1)
		return ws_err_set(e, WS_EUSAGE,
				  "started as %d processes (mpirun/srun), but this wormscope was built "
				  "without MPI: install libopenmpi-dev and rebuild (cmake finds it), "
				  "or run one process", n);
	return 0;
}

void ws_par_finalize(struct ws_par *p)
{
	(void)p;
}

int ws_par_jobs(const struct ws_par *p, size_t n, size_t nt, ws_par_job fn, void *ctx,
		struct ws_sim_result *all, struct ws_err *e)
{
	(void)p;
	(void)nt;
	for (size_t j = 0; j < n; j++) {
		int rc = fn(ctx, j, &all[j], e);
		if (rc) {
			for (size_t k = 0; k <= j; k++)
				ws_sim_result_free(&all[k]);
			return rc;
		}
	}
	return 0;
}

int ws_par_partition_run(const struct ws_par *p, const struct ws_sim_scenario *sc, uint64_t seed,
			 int block_bits, struct ws_sim_result *res, struct ws_par_stats *st,
			 struct ws_err *e)
{
	(void)p;
	(void)sc;
	(void)seed;
	(void)block_bits;
	memset(res, 0, sizeof *res);
	memset(st, 0, sizeof *st);
	return ws_err_set(e, WS_EUSAGE, "--partition needs an MPI build (this wormscope was built "
				       "without MPI: install libopenmpi-dev and rebuild)");
}
