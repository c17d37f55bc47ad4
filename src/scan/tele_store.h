/* SPDX-License-Identifier: MIT */
/* scan --telescope --db: hands what the telescope sensor saw since its last
 * drain to the store, in the input's open transaction (the commit that
 * follows makes it durable with the input's offset). */
#ifndef WS_SCAN_TELE_STORE_H
#define WS_SCAN_TELE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "telescope/telescope.h"
#include "wormscope/err.h"

int ws_tele_to_store(struct ws_store *st, int64_t input_id, struct ws_tele *t, bool simulated,
		     double sample, struct ws_err *err);

#endif
