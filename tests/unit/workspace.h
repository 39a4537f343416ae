/* workspace.h — what the unit tests that work in a throwaway workspace
 * share (test_confirm.c, test_results.c, test_session_results.c): a fresh
 * folder made from a mkdtemp template, entered and opened as a workspace
 * with the fixed clock the bats suites use (the library reads no
 * environment: the clock comes as an option), and its removal. */
#ifndef RURU_TEST_WORKSPACE_H
#define RURU_TEST_WORKSPACE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ruru.h"

/* dir is a template ending in XXXXXX, filled in again on every call (a
 * setup run before each test makes a folder of its own); with init the
 * folder is made a workspace first (ruru_ws_init), without it the library
 * makes it one on the first write.  NULL on any failure. */
static struct ruru_ws *test_ws_open(char *dir, bool init)
{
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	if (!mkdtemp(dir) || chdir(dir) < 0)
		return NULL;
	struct ruru_error err = { 0 };
	if (init && ruru_ws_init(NULL, &err) < 0)
		return NULL;
	static const struct ruru_options opts = { .now = "2026-11-24T03:15:20Z" };
	return ruru_ws_open_opts(dir, &opts, &err);
}

/* Frees ws, leaves dir and removes it with all it holds: 0, or -1. */
static int test_ws_remove(struct ruru_ws *ws, const char *dir)
{
	ruru_ws_free(ws);
	if (chdir("/") < 0)
		return -1;
	char cmd[256];
	if ((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

#endif
