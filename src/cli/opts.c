/* SPDX-License-Identifier: MIT */
#include "cli/opts.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/escape.h"
#include "util/mem.h"
#include "wormscope/worm.h"

void ws_cli_esc(struct ws_buf *b, const char *s)
{
	ws_esc_text(b, s, strlen(s));
}

void ws_cli_err(const char *cmd, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *msg = small;
	if ((size_t)n >= sizeof(small)) {
		msg = ws_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	struct ws_buf b = {0};
	ws_buf_adds(&b, cmd ? "wormscope " : "wormscope");
	if (cmd)
		ws_buf_adds(&b, cmd);
	ws_buf_adds(&b, ": ");
	ws_esc_text(&b, msg, (size_t)n);
	ws_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.n, stderr);
	ws_buf_free(&b);
	if (msg != small)
		free(msg);
}

int ws_cli_check_store(const char *cmd, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		ws_cli_err(cmd, "%s: is a directory, not a store", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0; /* an empty file is an empty store to SQLite */
	static const char magic[16] = "SQLite format 3";
	char head[16];
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n < sizeof(head) || memcmp(head, magic, sizeof(head)) != 0) {
		ws_cli_err(cmd, "%s: not a wormscope store (no SQLite header)", path);
		return -1;
	}
	return 0;
}

void ws_opts_build(const struct ws_opt *opts, int n, struct option **longs, char *shorts,
		   size_t shorts_cap)
{
	struct option *l = ws_xcalloc((size_t)n + 1, sizeof(*l));
	size_t k = 0;
	if (shorts_cap)
		shorts[k++] = ':'; /* report a missing argument as ':' */
	for (int i = 0; i < n; i++) {
		l[i].name = opts[i].name;
		l[i].has_arg = opts[i].arg ? required_argument : no_argument;
		l[i].val = opts[i].key;
		if (opts[i].key < 256 && k + 3 < shorts_cap) {
			shorts[k++] = (char)opts[i].key;
			if (opts[i].arg)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	*longs = l;
}

void ws_opts_help(FILE *f, const char *usage, const char *about, const struct ws_opt *opts, int n)
{
	fprintf(f, "usage: %s\n\n%s\n\noptions:\n", usage, about);
	for (int i = 0; i < n; i++) {
		char left[64];
		if (opts[i].key < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].key, opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-28s %s\n", left, opts[i].help);
	}
}

int ws_opts_cidrs(const char *cmd, const char *opt, const char *arg, struct ws_cidrset *set)
{
	char *copy = ws_xstrdup(arg), *save = NULL;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct ws_cidr c;
		if (!ws_cidr_parse(t, &c)) {
			ws_cli_err(cmd, "--%s: '%s' is not an address or CIDR", opt, t);
			rc = -1;
			break;
		}
		ws_cidrset_add(set, &c);
	}
	free(copy);
	return rc;
}

int ws_opts_worms(const char *cmd, const char *arg, uint32_t *mask)
{
	char *copy = ws_xstrdup(arg), *save = NULL;
	int rc = 0;
	*mask = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int w = ws_worm_index(t);
		if (w < 0) {
			ws_cli_err(cmd, "--worm: unknown id '%s' (see wormscope worms)", t);
			rc = -1;
			break;
		}
		*mask |= 1u << w;
	}
	free(copy);
	return rc;
}

int ws_opts_monitored(const char *s, double *out)
{
	char *end;
	if (!strchr(s, '/') && !strchr(s, '.')) {
		double v = strtod(s, &end);
		if (*end || !(v >= 1 && v <= 4294967296.0))
			return -1;
		*out = v;
		return 0;
	}
	struct ws_cidr c;
	if (!ws_cidr_parse(s, &c) || c.net.fam != 4)
		return -1;
	*out = ldexp(1.0, 32 - c.bits);
	return 0;
}
