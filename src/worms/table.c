/* SPDX-License-Identifier: MIT */
/* The worm table, in classification order: the first matcher that claims a
 * request wins, so the specific come before the general (Code Red before
 * other .ida probes, Nimda before backdoor use and traversal). */
#include <string.h>

#include "wormscope/worm.h"

extern const struct ws_worm ws_worm_code_red, ws_worm_code_red_ii, ws_worm_ida_probe,
	ws_worm_nimda, ws_worm_backdoor_use, ws_worm_iis_traversal, ws_worm_webdav_search,
	ws_worm_nsiislog, ws_worm_sumthin;

static const struct ws_worm *const table[] = {
	&ws_worm_code_red,     &ws_worm_code_red_ii,   &ws_worm_ida_probe,
	&ws_worm_nimda,        &ws_worm_backdoor_use,  &ws_worm_iis_traversal,
	&ws_worm_webdav_search, &ws_worm_nsiislog,     &ws_worm_sumthin,
};

const struct ws_worm *const *ws_worms(int *count)
{
	*count = (int)(sizeof(table) / sizeof(table[0]));
	return table;
}

int ws_worm_index(const char *id)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i]->id, id) == 0)
			return (int)i;
	return -1;
}

extern const struct ws_worm ws_worm_sim_code_red_v1, ws_worm_sim_slammer, ws_worm_sim_warhol,
	ws_worm_sim_custom;

/* The simulator's list: table worms with a behaviour, then behaviour-only ones. */
static const struct ws_worm *const sim_table[] = {
	&ws_worm_code_red, &ws_worm_code_red_ii, &ws_worm_nimda, &ws_worm_sim_code_red_v1,
	&ws_worm_sim_slammer, &ws_worm_sim_warhol, &ws_worm_sim_custom,
};

const struct ws_worm *const *ws_sim_worms(int *count)
{
	*count = (int)(sizeof(sim_table) / sizeof(sim_table[0]));
	return sim_table;
}

const struct ws_worm *ws_sim_worm(const char *id)
{
	for (size_t i = 0; i < sizeof(sim_table) / sizeof(sim_table[0]); i++)
		if (strcmp(sim_table[i]->id, id) == 0)
			return sim_table[i];
	return NULL;
}
