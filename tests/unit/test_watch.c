/* test_watch.c — the watch of a long-running front end (ruru_watch_*)
 * reads the workspace as every other read does, through its store: a
 * folder that is reached through a symlink is not watched (a report from
 * outside the workspace would say the index changed), and the folders
 * that are the workspace's are, those made later included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"

static void path(char *out, size_t n, const char *dir, const char *rel)
{
	snprintf(out, n, "%s/%s", dir, rel);
}

static void make_dir(const char *dir, const char *rel)
{
	char p[256];
	path(p, sizeof(p), dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void touch(const char *dir, const char *rel)
{
	char p[256];
	path(p, sizeof(p), dir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("x\n", f);
	assert_int_equal(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct ruru_ws *open_ws(const char *root)
{
	struct ruru_error err = { 0 };
	struct ruru_ws *ws = ruru_ws_open(root, &err);
	assert_non_null(ws);
	return ws;
}

/* The workspace's own folders: a change in a session folder, and in a
 * session folder made after the watch started, is a new generation. */
static void the_workspace_folders_are_watched(void **state)
{
	(void)state;
	char root[] = "/tmp/ruru-test-watch.XXXXXX";
	assert_non_null(mkdtemp(root));
	make_dir(root, ".ruru");
	make_dir(root, ".ruru/sessions");
	make_dir(root, ".ruru/sessions/S-1");
	struct ruru_ws *ws = open_ws(root);
	struct ruru_error err = { 0 };
	struct ruru_watch *w = ruru_watch_start(ws, &err);
	assert_non_null(w);
	ruru_watch_wait(w); /* the folders are watched in the background */
	uint64_t g0 = ruru_watch_poll(w);
	assert_true(g0 > 0); /* not broken */
	assert_int_equal(ruru_watch_poll(w), g0);
	touch(root, ".ruru/sessions/S-1/session_log.md");
	uint64_t g1 = ruru_watch_poll(w);
	assert_true(g1 > g0);
	make_dir(root, ".ruru/sessions/S-2");
	uint64_t g2 = ruru_watch_poll(w);
	assert_true(g2 > g1);
	touch(root, ".ruru/sessions/S-2/session_log.md");
	assert_true(ruru_watch_poll(w) > g2);
	ruru_watch_stop(w);
	ruru_ws_free(ws);
	remove_tree(root);
}

/* A layout folder that is a symlink to a folder outside the workspace:
 * the store refuses it, so the watch does not follow it there. */
static void a_symlinked_layout_folder_is_not_watched(void **state)
{
	(void)state;
	char root[] = "/tmp/ruru-test-watch.XXXXXX", out[] = "/tmp/ruru-test-watch-out.XXXXXX";
	assert_non_null(mkdtemp(root));
	assert_non_null(mkdtemp(out));
	make_dir(out, ".ruru");
	make_dir(out, ".ruru/sessions");
	make_dir(out, ".ruru/sessions/S-1");
	char target[256], link[256];
	path(target, sizeof(target), out, ".ruru");
	path(link, sizeof(link), root, ".ruru");
	assert_int_equal(symlink(target, link), 0);
	struct ruru_ws *ws = open_ws(root);
	struct ruru_error err = { 0 };
	struct ruru_watch *w = ruru_watch_start(ws, &err);
	assert_non_null(w);
	ruru_watch_wait(w); /* the folders are watched in the background */
	uint64_t g0 = ruru_watch_poll(w);
	assert_true(g0 > 0);
	touch(out, ".ruru/sessions/S-1/session_log.md");
	make_dir(out, ".ruru/sessions/S-2");
	assert_int_equal(ruru_watch_poll(w), g0);
	ruru_watch_stop(w);
	ruru_ws_free(ws);
	remove_tree(root);
	remove_tree(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_workspace_folders_are_watched),
		cmocka_unit_test(a_symlinked_layout_folder_is_not_watched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
