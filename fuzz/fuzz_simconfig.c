/* SPDX-License-Identifier: MIT */
/* Fuzz target: simulate's config files and population files (sim/scenario.c,
 * sim/pop.c). The input is written to a file and read as both. A config that
 * loads and passes the check must dump to text that loads back to the same
 * dump (the --dump-config / --config round trip). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sim/sim.h"

static void write_all(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/ws-fuzz-simconfig-%d", (int)getpid());
	}
	write_all(path, data, size);
	struct ws_sim_scenario sc;
	struct ws_err e;
	if (ws_sim_scenario_init(&sc, "code-red", &e) != 0)
		abort();
	if (ws_sim_scenario_load(&sc, path, &e) == 0 && ws_sim_scenario_check(&sc, &e) == 0) {
		struct ws_buf a = {0}, b = {0};
		ws_sim_scenario_dump(&sc, &a);
		write_all(path, (const uint8_t *)a.p, a.n);
		struct ws_sim_scenario back;
		if (ws_sim_scenario_init(&back, "code-red", &e) != 0 ||
		    ws_sim_scenario_load(&back, path, &e) != 0)
			abort();
		ws_sim_scenario_dump(&back, &b);
		if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0)
			abort();
		ws_buf_free(&a);
		ws_buf_free(&b);
		write_all(path, data, size);
	}
	/* The same bytes as a population file. */
	struct ws_sim_population pc = sc.pop;
	snprintf(pc.file, sizeof(pc.file), "%s", path);
	pc.n_exclude = 0;
	struct ws_sim_pop p;
	if (ws_sim_pop_build(&p, &pc, 1, &e) == 0) {
		for (uint32_t h = 0; h < p.n_hosts; h += 1 + p.n_hosts / 64)
			if (ws_sim_pop_find(&p, ws_sim_pop_addr(&p, h)) != (long)h)
				abort();
		ws_sim_pop_free(&p);
	}
	unlink(path);
	return 0;
}
