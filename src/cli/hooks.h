/* SPDX-License-Identifier: MIT */
/* The test hooks of the command line (cli/hooks.c). */
#ifndef WS_CLI_HOOKS_H
#define WS_CLI_HOOKS_H

/* Installs the hooks the environment names; call once, first in main(). */
void ws_cli_test_hooks(void);

#endif
