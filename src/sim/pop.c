/* SPDX-License-Identifier: MIT */
/* Vulnerable populations (simulator core): the synthetic 2001-like model or
 * a file of prefixes with counts, grouped by /16 and /8. Hosts get synthetic
 * addresses: host i of a /16 sits at low 16 bits (m*i + a) mod 2^16 with m
 * odd, a bijection, so addresses are distinct and found again in O(1). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rand.h"
#include "sim/sim.h"
#include "util/addr.h"
#include "util/str.h"

#define SLASH16S 65536u
#define GROUP_CAP 65536u

static bool excluded16(const struct ws_sim_population *cfg, uint32_t p16)
{
	uint32_t addr = p16 << 16;
	for (int i = 0; i < cfg->n_exclude; i++) {
		int bits = cfg->exclude[i].bits;
		if (bits > 16)
			continue;
		uint32_t mask = bits ? ~0u << (32 - bits) : 0;
		if ((addr & mask) == (cfg->exclude[i].net & mask))
			return true;
	}
	return false;
}

/* Multinomial split of n over weights w[0..k) (sequential binomials). */
static void multinomial(struct ws_rng *g, uint64_t n, const double *w, int k, uint64_t *out)
{
	double rest = 0;
	for (int i = 0; i < k; i++)
		rest += w[i];
	for (int i = 0; i < k; i++) {
		if (n == 0 || rest <= 0 || w[i] <= 0) {
			out[i] = 0;
			continue;
		}
		double p = w[i] / rest;
		out[i] = i == k - 1 || p >= 1.0 ? n : ws_rng_binomial(g, n, p);
		n -= out[i];
		rest -= w[i];
	}
}

/* Spreads n hosts over the /16s of /8 a with Pareto weights (skipping
 * excluded /16s), moving any excess over a /16's capacity onward. */
static void spread8(struct ws_rng *g, const struct ws_sim_population *cfg, uint32_t a,
		    uint64_t n, uint32_t *counts)
{
	double w[256];
	uint64_t k[256];
	for (int b = 0; b < 256; b++)
		w[b] = excluded16(cfg, a << 8 | (uint32_t)b)
			       ? 0.0
			       : pow(ws_rng_unit_pos(g), -1.0 / cfg->pareto16);
	multinomial(g, n, w, 256, k);
	uint64_t carry = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int b = 0; b < 256; b++) {
			if (w[b] <= 0)
				continue;
			uint64_t c = k[b] + counts[a << 8 | (uint32_t)b] + carry;
			carry = c > GROUP_CAP ? c - GROUP_CAP : 0;
			counts[a << 8 | (uint32_t)b] = (uint32_t)(c - carry);
			k[b] = 0;
		}
}

static void synthetic(struct ws_rng *g, const struct ws_sim_population *cfg, uint32_t *counts,
		      uint8_t *cable)
{
	/* The /8s that could hold hosts: unicast, not 0, 10 or 127, not excluded. */
	uint32_t cand[224];
	int nc = 0;
	for (uint32_t a = 1; a < 224; a++)
		if (a != 10 && a != 127 && !excluded16(cfg, a << 8))
			cand[nc++] = a;
	int n8 = cfg->n_slash8 < nc ? cfg->n_slash8 : nc;
	for (int i = 0; i < n8; i++) { /* partial Fisher-Yates */
		int j = i + (int)ws_rng_below(g, (uint64_t)(nc - i));
		uint32_t t = cand[i];
		cand[i] = cand[j];
		cand[j] = t;
	}
	/* A tenth of them (at least one) are the cable/DSL /8s. */
	int ncable = cfg->cable_share > 0 ? (n8 + 9) / 10 : 0;
	if (ncable >= n8)
		ncable = n8 - 1 > 0 ? n8 - 1 : 0;
	uint64_t n_cable = ncable ? (uint64_t)llround((double)cfg->vulnerable * cfg->cable_share) : 0;
	uint64_t n_other = cfg->vulnerable - n_cable;
	double w[224] = {0};
	uint64_t k[224] = {0};
	for (int i = 0; i < n8; i++)
		w[i] = pow((double)(i + 1), -cfg->zipf8);
	multinomial(g, n_cable, w, ncable, k);
	multinomial(g, n_other, w + ncable, n8 - ncable, k + ncable);
	for (int i = 0; i < n8; i++) {
		spread8(g, cfg, cand[i], k[i], counts);
		if (i < ncable)
			for (uint32_t b = 0; b < 256; b++)
				cable[cand[i] << 8 | b] = 1;
	}
}

static int from_file(const struct ws_sim_population *cfg, struct ws_rng *g, uint32_t *counts,
		     struct ws_err *e)
{
	FILE *f = fopen(cfg->file, "r");
	if (!f)
		return ws_err_set(e, WS_EIO, "%s: %s", cfg->file, strerror(errno));
	char line[512];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		char pfx[128];
		unsigned long long n;
		char extra;
		struct ws_str s = ws_str_trim(ws_str_make(line, strcspn(line, "\r\n")));
		if (s.n == 0 || s.p[0] == '#')
			continue;
		struct ws_cidr c;
		if (sscanf(line, "%127s %llu %c", pfx, &n, &extra) != 2 || !ws_cidr_parse(pfx, &c) ||
		    c.net.fam != 4) {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: want 'IPv4-PREFIX COUNT'", cfg->file,
					lineno);
			break;
		}
		uint32_t net = (uint32_t)c.net.b[0] << 24 | (uint32_t)c.net.b[1] << 16;
		if (c.bits >= 16) {
			uint64_t room = c.bits > 16 ? 1ull << (32 - c.bits) : GROUP_CAP;
			if (n > room || counts[net >> 16] + n > GROUP_CAP) {
				rc = ws_err_set(e, WS_EFORMAT, "%s:%d: more hosts than addresses",
						cfg->file, lineno);
				break;
			}
			counts[net >> 16] += (uint32_t)n;
			continue;
		}
		/* Wider than a /16: equal shares over its /16s. */
		uint32_t first = (net & (c.bits ? ~0u << (32 - c.bits) : 0)) >> 16;
		uint32_t m = 1u << (16 - c.bits);
		if (n > (uint64_t)m * GROUP_CAP / 2) {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%d: more hosts than the prefix can hold",
					cfg->file, lineno);
			break;
		}
		uint64_t left = n;
		for (uint32_t i = 0; i < m && left; i++) {
			uint64_t k = i == m - 1 ? left : ws_rng_binomial(g, left, 1.0 / (double)(m - i));
			if (counts[first + i] + k > GROUP_CAP) {
				rc = ws_err_set(e, WS_EFORMAT, "%s:%d: a /16 would hold more than "
							       "65536 hosts",
						cfg->file, lineno);
				break;
			}
			counts[first + i] += (uint32_t)k;
			left -= k;
		}
	}
	fclose(f);
	return rc;
}

int ws_sim_pop_build(struct ws_sim_pop *p, const struct ws_sim_population *cfg, uint64_t seed,
		     struct ws_err *e)
{
	memset(p, 0, sizeof(*p));
	struct ws_rng g;
	ws_rng_seed(&g, seed, 0x706f70); /* "pop" stream */
	uint32_t *counts = ws_xcalloc(SLASH16S, sizeof(*counts));
	uint8_t *cable = ws_xcalloc(SLASH16S, 1);
	int rc = 0;
	if (cfg->file[0])
		rc = from_file(cfg, &g, counts, e);
	else
		synthetic(&g, cfg, counts, cable);
	uint64_t total = 0;
	uint32_t ng = 0;
	for (uint32_t i = 0; i < SLASH16S; i++) {
		total += counts[i];
		ng += counts[i] != 0;
	}
	if (rc == 0 && total == 0)
		rc = ws_err_set(e, WS_EUSAGE, "%s: no vulnerable hosts",
				cfg->file[0] ? cfg->file : "population");
	if (rc == 0 && total > UINT32_MAX)
		rc = ws_err_set(e, WS_EUSAGE, "population: too many hosts");
	if (rc) {
		free(counts);
		free(cable);
		return rc;
	}
	p->n_hosts = (uint32_t)total;
	p->n_groups = ng;
	p->groups = ws_xreallocarray(NULL, ng ? ng : 1, sizeof(*p->groups));
	p->host_group = ws_xreallocarray(NULL, total, sizeof(*p->host_group));
	p->addr_key = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	uint32_t gi = 0, h = 0;
	for (uint32_t i = 0; i < SLASH16S; i++) {
		uint32_t a = i >> 8;
		if (!counts[i])
			continue;
		p->groups[gi] = (struct ws_sim_group){i, h, counts[i], cable[i]};
		for (uint32_t k = 0; k < counts[i]; k++)
			p->host_group[h + k] = (uint16_t)gi;
		p->hosts8[a] += counts[i];
		h += counts[i];
		gi++;
	}
	/* first8: groups are sorted by prefix, so each /8's are contiguous. */
	for (uint32_t a = 0, gpos = 0; a <= 256; a++) {
		while (gpos < ng && (p->groups[gpos].prefix16 >> 8) < a)
			gpos++;
		p->first8[a] = gpos;
	}
	free(counts);
	free(cable);
	return 0;
}

void ws_sim_pop_free(struct ws_sim_pop *p)
{
	free(p->groups);
	free(p->host_group);
	memset(p, 0, sizeof(*p));
}

static void group_perm(const struct ws_sim_pop *p, uint32_t prefix16, uint32_t *mul,
		       uint32_t *add)
{
	uint64_t z = (p->addr_key ^ prefix16) * 0xbf58476d1ce4e5b9ull;
	z ^= z >> 29;
	*mul = (uint32_t)(z & 0xffff) | 1u;
	*add = (uint32_t)(z >> 16) & 0xffff;
}

uint32_t ws_sim_pop_addr(const struct ws_sim_pop *p, uint32_t h)
{
	const struct ws_sim_group *gr = &p->groups[p->host_group[h]];
	uint32_t mul, add;
	group_perm(p, gr->prefix16, &mul, &add);
	return gr->prefix16 << 16 | ((mul * (h - gr->first) + add) & 0xffff);
}

long ws_sim_pop_find(const struct ws_sim_pop *p, uint32_t addr)
{
	uint32_t p16 = addr >> 16, lo = 0, hi = p->n_groups;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (p->groups[mid].prefix16 < p16)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->n_groups || p->groups[lo].prefix16 != p16)
		return -1;
	const struct ws_sim_group *gr = &p->groups[lo];
	uint32_t mul, add;
	group_perm(p, p16, &mul, &add);
	/* Inverse of an odd multiplier mod 2^16 by Newton's iteration. */
	uint32_t inv = mul;
	for (int i = 0; i < 4; i++)
		inv *= 2 - mul * inv;
	uint32_t i = (((addr & 0xffff) - add) * inv) & 0xffff;
	return i < gr->count ? (long)(gr->first + i) : -1;
}

/* The run's population: the file's or the synthetic one, with the
 * telescopes kept free of hosts. */
int ws_sim_pop_for(const struct ws_sim_scenario *sc, uint64_t seed, struct ws_sim_pop *pop,
		   struct ws_err *e)
{
	struct ws_sim_population cfg = sc->pop;
	cfg.n_exclude = 0;
	for (int t = 0; t < sc->n_telescopes && cfg.n_exclude < 16; t++) {
		cfg.exclude[cfg.n_exclude].net = sc->tel[t].net;
		cfg.exclude[cfg.n_exclude++].bits = sc->tel[t].bits;
	}
	return ws_sim_pop_build(pop, &cfg, seed, e);
}
