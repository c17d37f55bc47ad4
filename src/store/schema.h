/* SPDX-License-Identifier: MIT */
/* The store's schema version and its migrations (store/schema.c). The core
 * (store/store.c) opens the file and asks this part to bring it up to
 * date; the schema needs nothing of the core. */
#ifndef WS_STORE_SCHEMA_H
#define WS_STORE_SCHEMA_H

#include "wormscope/err.h"

struct ws_store;

/* The schema version this build writes (PRAGMA user_version). */
#define WS_STORE_SCHEMA 5

/* Runs the migrations from user_version `from` up to `to`. */
int ws_store_migrate(struct ws_store *st, int from, int to, struct ws_err *err);
/* Loads (and in RW mode completes) the worm number mapping. */
int ws_store_load_worms(struct ws_store *st, struct ws_err *err);

#endif
