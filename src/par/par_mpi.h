/* SPDX-License-Identifier: MIT */
/* Shared by the MPI build's files of src/par/ (par_mpi.c, par_part.c). */
#ifndef WS_PAR_PAR_MPI_H
#define WS_PAR_PAR_MPI_H

#include <mpi.h>

#include "par/par.h"

/* Waits for a nonblocking MPI operation by testing and napping, not
 * spinning. */
void ws_par_await(MPI_Request *rq);

/* What ws_par_set_job_hook set (par_env.c), or NULL. */
extern ws_par_job_hook ws_par_hook;

#endif
