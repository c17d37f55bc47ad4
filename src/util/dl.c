/* SPDX-License-Identifier: MIT */
#include "util/dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

static int bind_locked(struct ws_dl_lib *lib)
{
	if (lib->n > WS_DL_MAX) {
		snprintf(lib->msg, sizeof(lib->msg), "%s: more than %d symbols to bind", lib->what,
			 WS_DL_MAX);
		return WS_EIO;
	}
	/* RTLD_LOCAL: the symbols are reached only through fn[], never by
	 * name, so they cannot clash with anything else loaded. */
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(lib->msg, sizeof(lib->msg), "cannot load %s (%s): %s", lib->what, lib->soname,
			 why ? why : "?");
		return WS_EIO;
	}
	for (size_t i = 0; i < lib->n; i++) {
		void *p = dlsym(h, lib->names[i]);
		if (!p) {
			snprintf(lib->msg, sizeof(lib->msg), "cannot load %s (%s): no symbol %s",
				 lib->what, lib->soname, lib->names[i]);
			dlclose(h);
			return WS_EIO;
		}
		/* POSIX guarantees a dlsym'd function's address survives this;
		 * ISO C has no object-to-function pointer cast, so copy bytes. */
		memcpy(&lib->fn[i], &p, sizeof(p));
	}
	return 0; /* the handle stays open for the process's life */
}

int ws_dl_bind(struct ws_dl_lib *lib, struct ws_err *err)
{
	pthread_mutex_lock(&dl_lock);
	if (!lib->done) {
		lib->rc = bind_locked(lib);
		lib->done = true;
	}
	int rc = lib->rc;
	pthread_mutex_unlock(&dl_lock);
	if (rc)
		return ws_err_set(err, rc, "%s", lib->msg);
	return 0;
}
