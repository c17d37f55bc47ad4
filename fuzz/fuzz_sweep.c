/* SPDX-License-Identifier: MIT */
/* Fuzz target: simulate --sweep specs (sweep/sweep.c). The input is split on
 * newlines into up to four specs. Whatever is accepted must give points
 * whose every coordinate is in range, labels and file names that are
 * NUL-free text, and a scenario per point that applies or fails cleanly. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sweep/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_sim_scenario base;
	struct ws_err e;
	if (ws_sim_scenario_init(&base, "code-red", &e) != 0)
		abort();
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	struct ws_sweep s = {0};
	char *line = text;
	for (int k = 0; k < 5 && line; k++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		(void)ws_sweep_add(&s, &base, line, &e);
		line = nl ? nl + 1 : NULL;
	}
	if (s.n_axes > 0) {
		size_t prod = 1;
		for (int a = 0; a < s.n_axes; a++)
			prod *= (size_t)s.axis[a].n;
		if (prod != s.n_points || s.n_points > WS_SWEEP_MAX_POINTS)
			abort();
		for (size_t p = 0; p < s.n_points; p += 1 + s.n_points / 16) {
			for (int a = 0; a < s.n_axes; a++) {
				int c = ws_sweep_coord(&s, p, a);
				if (c < 0 || c >= s.axis[a].n)
					abort();
			}
			struct ws_buf l = {0}, path = {0};
			ws_sweep_label(&s, p, &l);
			if (l.n && memchr(l.p, 0, l.n))
				abort();
			ws_sweep_point_path("out/sum.json", p, s.n_points, &path);
			if (strlen(path.p) != path.n)
				abort();
			struct ws_sim_scenario sc;
			(void)ws_sweep_apply(&s, &base, p, &sc, &e);
			ws_buf_free(&l);
			ws_buf_free(&path);
		}
	}
	ws_sweep_free(&s);
	free(text);
	return 0;
}
