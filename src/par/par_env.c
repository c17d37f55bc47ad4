/* SPDX-License-Identifier: MIT */
/* What the launcher says (par.h), shared by the MPI and the serial build. */
#include <stdlib.h>

#include "par/par.h"

/* read by the MPI build's workers (par_mpi.h) */
ws_par_job_hook ws_par_hook;

void ws_par_set_job_hook(ws_par_job_hook fn)
{
	ws_par_hook = fn;
}

/* Open MPI's mpirun, MPICH/Intel's mpiexec (hydra: PMI_SIZE), Slurm's srun
 * step; the first one set wins. SLURM_NTASKS alone is not read: a batch
 * script has it for the allocation while it runs as one process. */
int ws_par_launched(void)
{
	static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE",
					   "SLURM_STEP_NUM_TASKS"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			long n = strtol(v, NULL, 10);
			return n > 1 && n < 1 << 24 ? (int)n : 1;
		}
	}
	return 1;
}
