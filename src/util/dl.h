/* SPDX-License-Identifier: MIT */
/* Libraries loaded at first use (dlopen) instead of at start-up: Hyperscan
 * (with libstdc++) and libpq (with Kerberos, LDAP, GnuTLS) cost every
 * command milliseconds to map and relocate, though only scan/guard and a
 * PostgreSQL store use them. The soname comes from the build (CMake reads it
 * off the library it compiled against), so the ABI is the one the headers
 * described. */
#ifndef WS_UTIL_DL_H
#define WS_UTIL_DL_H

#include <stdbool.h>
#include <stddef.h>

#include "wormscope/err.h"

#define WS_DL_MAX 32 /* symbols per library */

typedef void (*ws_dl_fn)(void);

/* One library's binding: static storage in its only user, zero-initialised. */
struct ws_dl_lib {
	const char *what;   /* for messages: "Hyperscan" */
	const char *soname; /* "libhs.so.5" */
	const char *const *names;
	size_t n;
	/* set by ws_dl_bind */
	bool done;
	int rc;
	char msg[256];
	ws_dl_fn fn[WS_DL_MAX];
};

/* Loads the library and resolves its names into fn[] (in order), once per
 * process and thread-safe; later calls return the first answer. 0, or
 * WS_EIO with "cannot load <what> (<soname>): <why>" in err. */
int ws_dl_bind(struct ws_dl_lib *lib, struct ws_err *err);

/* For an X-list FNS of function names (FNS(X) expands X(name) for each,
 * the names declared by the library's own header), defines a struct `var`
 * of pointers typed as the header declares them, and
 * `static int var_load(struct ws_err *err)` that binds them (0 or WS_EIO). */
#define WS_DL_NAME_(f) #f,
#define WS_DL_FIELD_(f) __typeof__(f) *f;
#define WS_DL_SET_(f) self_->f = (__typeof__(self_->f))fn_[i_++];
#define WS_DL_LIBRARY(var, FNS, what_, soname_)                                                  \
	static const char *const var##_names[] = {FNS(WS_DL_NAME_)};                               \
	static struct {                                                                            \
		FNS(WS_DL_FIELD_)                                                                  \
	} var;                                                                                     \
	static struct ws_dl_lib var##_lib = {.what = what_,                                        \
					     .soname = soname_,                                    \
					     .names = var##_names,                                 \
					     .n = sizeof(var##_names) / sizeof(var##_names[0])};   \
	static int var##_load(struct ws_err *err)                                                  \
	{                                                                                          \
		if (ws_dl_bind(&var##_lib, err))                                                   \
			return WS_EIO;                                                             \
		__typeof__(var) *self_ = &var;                                                     \
		const ws_dl_fn *fn_ = var##_lib.fn;                                                \
		size_t i_ = 0;                                                                     \
		FNS(WS_DL_SET_)                                                                    \
		return 0;                                                                          \
	}

#endif
