/* SPDX-License-Identifier: MIT */
/* `wormscope worms`: the worm table, as text or JSON Lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "util/escape.h"
#include "wormscope/worm.h"

static const struct ws_opt opts[] = {
	{"format", 'f', "FMT", "text (default) or jsonl"},
	{"verbose", 'v', NULL, "text: also log forms, sources and behaviour"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static void jfield(struct ws_buf *b, const char *key, const char *v, bool first)
{
	ws_buf_printf(b, "%s\"%s\":", first ? "" : ",", key);
	if (!v) {
		ws_buf_adds(b, "null");
		return;
	}
	ws_buf_addc(b, '"');
	ws_esc_json(b, v, strlen(v));
	ws_buf_addc(b, '"');
}

static void print_jsonl(const struct ws_worm *w)
{
	struct ws_buf b = {0};
	ws_buf_addc(&b, '{');
	jfield(&b, "id", w->id, true);
	jfield(&b, "name", w->name, false);
	jfield(&b, "aliases", w->aliases, false);
	jfield(&b, "first_seen", w->first_seen, false);
	jfield(&b, "what", w->what, false);
	jfield(&b, "log_forms", w->log_forms, false);
	jfield(&b, "sources", w->sources, false);
	ws_buf_adds(&b, ",\"signatures\":[");
	for (int i = 0; i < w->nsigs; i++) {
		ws_buf_printf(&b, "%s{\"sid\":%u,\"rev\":%u,", i ? "," : "", w->sigs[i].sid,
			      w->sigs[i].rev);
		jfield(&b, "name", w->sigs[i].name, true);
		jfield(&b, "msg", w->sigs[i].msg, false);
		jfield(&b, "refs", w->sigs[i].refs, false);
		ws_buf_addc(&b, '}');
	}
	ws_buf_addc(&b, ']');
	if (w->behaviour) {
		ws_buf_adds(&b, ",\"behaviour\":{");
		jfield(&b, "scan_strategy", w->behaviour->scan_strategy, true);
		ws_buf_printf(&b, ",\"threads\":%d,\"p_any\":%g,\"p_same8\":%g,\"p_same16\":%g",
			      w->behaviour->threads, w->behaviour->p_any, w->behaviour->p_same8,
			      w->behaviour->p_same16);
		jfield(&b, "calendar", w->behaviour->calendar, false);
		/* What `wormscope simulate` runs (docs/simulate.md). */
		const struct ws_behaviour *h = w->behaviour;
		jfield(&b, "sim_strategy", h->sim_strategy, false);
		ws_buf_printf(&b, ",\"scan_rate\":%g,\"probe_time_s\":%g,\"lifetime_h\":%g,"
				  "\"memory_only\":%s,\"vulnerable\":%u",
			      h->scan_rate, h->probe_time_s, h->lifetime_h,
			      h->memory_only ? "true" : "false", h->vulnerable);
		jfield(&b, "onset", h->onset, false);
		ws_buf_addc(&b, '}');
	}
	ws_buf_adds(&b, "}\n");
	fwrite(b.p, 1, b.n, stdout);
	ws_buf_free(&b);
}

static void print_text(const struct ws_worm *w, bool verbose)
{
	printf("%-14s %-30s first seen %s\n", w->id, w->name, w->first_seen);
	printf("               %s\n", w->what);
	printf("               aliases: %s\n", w->aliases);
	for (int i = 0; i < w->nsigs; i++)
		printf("               sid %u rev %u %-24s refs %s\n", w->sigs[i].sid, w->sigs[i].rev,
		       w->sigs[i].name, w->sigs[i].refs);
	if (verbose) {
		printf("               in logs: %s\n", w->log_forms);
		printf("               sources: %s\n", w->sources);
		if (w->behaviour)
			printf("               behaviour: %s, %d threads, P(any,/8,/16) = %g, %g, %g; %s\n",
			       w->behaviour->scan_strategy, w->behaviour->threads, w->behaviour->p_any,
			       w->behaviour->p_same8, w->behaviour->p_same16, w->behaviour->calendar);
	}
	printf("\n");
}

int ws_cmd_worms(int argc, char **argv)
{
	struct option *longs;
	char shorts[64];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	bool jsonl = false, verbose = false;
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				jsonl = true;
			else if (strcmp(optarg, "text") != 0) {
				ws_cli_err("worms", "--format: text or jsonl");
				rc = WS_EXIT_ERROR;
			}
			break;
		case 'v': verbose = true; break;
		case 'h':
			ws_opts_help(stdout, "wormscope worms [options] [ID...]",
				     "Lists the worm table: each worm's id (as used in every output), "
				     "name, aliases,\nfirst-seen date, signatures with their Snort/ET "
				     "references, and sources.",
				     opts, NOPTS);
			rc = 0;
			break;
		default:
			ws_cli_err("worms", "bad option (see --help)");
			rc = WS_EXIT_ERROR;
		}
	}
	free(longs);
	if (rc >= 0)
		return rc;
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	for (int i = optind; i < argc; i++)
		if (ws_worm_index(argv[i]) < 0) {
			ws_cli_err("worms", "unknown worm id '%s'", argv[i]);
			return WS_EXIT_ERROR;
		}
	for (int w = 0; w < n; w++) {
		bool want = optind >= argc;
		for (int i = optind; i < argc && !want; i++)
			want = strcmp(argv[i], t[w]->id) == 0;
		if (!want)
			continue;
		if (jsonl)
			print_jsonl(t[w]);
		else
			print_text(t[w], verbose || optind < argc);
	}
	if (!jsonl && (verbose || optind < argc))
		printf("Sources in [brackets] are listed in docs/sources.md (installed under "
		       "share/doc/wormscope/).\n");
	return 0;
}
