/* SPDX-License-Identifier: MIT */
/* Shared by the MPI build's files of src/par/ (par_mpi.c, par_part.c). */
#ifndef WS_PAR_PAR_MPI_H
#define WS_PAR_PAR_MPI_H

#include <mpi.h>

/* Waits for a nonblocking MPI operation by testing and napping, not
 * spinning. */
void ws_par_await(MPI_Request *rq);

#endif
