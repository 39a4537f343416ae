/*
 * workspace.h — library-internal view of a workspace: the root, the paths
 * under .ruru/, the clock, and the active-session pointer.
 */
#ifndef RURU_WORKSPACE_H
#define RURU_WORKSPACE_H

#include <time.h>

#include "ruru.h"
#include "alloc.h"
#include "store.h"

struct ruru_ws {
	char *root; /* absolute, no trailing slash */
	ruru_progress_fn progress; /* ruru_ws_set_progress(); NULL: none */
	void *progress_ctx;
	unsigned progress_delay_ms;
	struct ruru_watch *watch; /* ruru_watch_start(); NULL: none */
	bool guessed; /* nothing named or found it: the current directory */
	struct ruru_store *store; /* the root, opened once; every file below it */
	struct ruru_options opts; /* what the front end read from the environment (owned) */
	char *layout_id;          /* the last session found by ruru_ws_session_layout */
	enum ruru_layout layout;  /* and its layout */
};

/* The workspace's store (borrowed). */
struct ruru_store *ruru_ws_store(const struct ruru_ws *ws);
/* `rel` itself, a path of the workspace's store (caller frees). */
char *ruru_ws_path(const struct ruru_ws *ws, const char *rel);
/* "<root>/<rel>", for what is not a store call: a program ruru runs, a
 * database opened by name (caller frees). */
char *ruru_ws_abs_path(const struct ruru_ws *ws, const char *rel);
/* "<sessions folder>/<id>[/<leaf>]", relative to the root, in the layout
 * that holds the session (caller frees). */
char *ruru_ws_session_path(const struct ruru_ws *ws, const char *id, const char *leaf);
/* "<sessions folder of layout>/.active" (relative to the root), the active-session
 * pointer of that layout (caller frees). */
char *ruru_ws_active_path(enum ruru_layout layout);
/* ruru_ws_init() of the workspace's own root, through its store. */
int ruru_ws_make(struct ruru_ws *ws, struct ruru_error *err);
/* Write .ruru/.gitignore, or add the lines of ruru's lock, cache and
 * pointer files it lacks (the file's own lines kept); nothing when all
 * are there or there is no .ruru/.  Every write to a workspace calls it
 * first (a cloned workspace has none). */
int ruru_ws_ignore_own(struct ruru_ws *ws, struct ruru_error *err);
/* Make `id` the active session (.ruru/sessions/.active); the other
 * layouts' pointers go. */
int ruru_ws_set_active(struct ruru_ws *ws, const char *id, struct ruru_error *err);
/* (session.c) A session prefix that matches several sessions: RURU_ENOTFOUND naming
 * the candidates (`names`, sorted here; at most 5 shown, then a count). */
int ruru_session_ambiguous(struct ruru_error *err, const char *prefix, char **names, size_t n);

/* Later layouts: add to `dir_rel`/.gitignore (relative to the
 * root) the patterns of ruru's transient files there — session locks,
 * caches and .active, or (tasks) task locks — keeping the file's own
 * lines; nothing is written when all are present. */
int ruru_ws_ignore_transient(struct ruru_ws *ws, const char *dir_rel, bool tasks,
			     struct ruru_error *err);

/* The current time; the options' `now` (RURU_NOW: seconds since the
 * epoch or an RFC 3339 stamp) overrides it for reproducible tests and
 * demos.  `ws` may be NULL (the system clock). */
time_t ruru_now(const struct ruru_ws *ws);

#endif
