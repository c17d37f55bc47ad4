/* SPDX-License-Identifier: MIT */
/* report_data: times ws_store_report_data on a store, alone (bench/store.sh).
 *
 *   report_data STORE [TOP_N]
 *
 * Prints the seconds it took and what it read (sightings, sources, hours,
 * curve points), so the report's own rendering time can be told apart. */
#include <stdio.h>
#include <stdlib.h>

#include "benchtime.h"
#include "report/data.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: report_data STORE [TOP_N]\n");
		return 2;
	}
	size_t top = argc == 3 ? strtoul(argv[2], NULL, 10) : 20;
	double t0 = bench_now_s();
	struct ws_store *st;
	struct ws_err err;
	struct ws_report_data d;
	if (ws_store_open(argv[1], WS_STORE_RO, &st, &err) != 0 ||
	    ws_store_report_data(st, top, &d, &err) != 0) {
		fprintf(stderr, "report_data: %s\n", err.msg);
		return 2;
	}
	double t1 = bench_now_s();
	size_t points = 0;
	for (size_t i = 0; i < d.n_curves; i++)
		points += d.curves[i].n;
	printf("%.3f s: %llu sightings, %llu sources, %zu hours, %zu curve points\n",
	       t1 - t0,
	       (unsigned long long)d.sightings, (unsigned long long)d.sources, d.n_hours, points);
	ws_report_data_free(&d);
	ws_store_close(st, &err);
	return 0;
}
