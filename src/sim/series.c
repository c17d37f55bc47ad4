/* SPDX-License-Identifier: MIT */
/* A run's series (simulator core): one allocation shared by the engines,
 * the ensemble reduction and the partitioned run. */
#include <stdlib.h>

#include "sim/sim.h"
#include "util/mem.h"

void ws_sim_series_alloc(struct ws_sim_series *s, size_t n, size_t nt)
{
	s->n = n;
	s->susceptible = ws_xcalloc(n, sizeof(double));
	s->infected = ws_xcalloc(n, sizeof(double));
	s->removed = ws_xcalloc(n, sizeof(double));
	s->new_infections = ws_xcalloc(n, sizeof(double));
	s->tel_probes = ws_xcalloc(n * nt + 1, sizeof(double));
	s->tel_sources = ws_xcalloc(n * nt + 1, sizeof(double));
	s->tel_new_sources = ws_xcalloc(n * nt + 1, sizeof(double));
	s->tel_seen = ws_xcalloc(n * nt + 1, sizeof(double));
}
