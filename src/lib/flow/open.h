/*
 * open.h — library-internal: the open items of a session (open.c), fed
 * one entry at a time so that a log of any size is read in one pass.
 *
 *   struct ruru_open *o = ruru_open_new();
 *   for each entry e, in log order: ruru_open_feed(o, e);
 *   json_t *items = ruru_open_finish(o, ws, sid, tasks, proposals);
 *
 * ruru_open_finish frees `o`; ruru_open_free is for giving up early.
 */
#ifndef RURU_OPEN_H
#define RURU_OPEN_H

#include <jansson.h>

#include "ruru.h"

struct ruru_open;
struct ruru_open *ruru_open_new(void);
void ruru_open_feed(struct ruru_open *o, const struct ruru_entry *e);
void ruru_open_free(struct ruru_open *o);
/* The entries fed come from text[0..len) (their start and end are offsets
 * in it), which stays readable until ruru_open_finish: the items keep
 * their offsets instead of their words, and only those worded are read
 * again.  For a pass over a long log (prime). */
void ruru_open_text(struct ruru_open *o, const char *text, size_t len);

/* The open items, oldest first, as JSON [{kind, text, ...}]: kind
 * "delegation" or "error" (line, stamp, mode, task, source, artifact,
 * message: the first line), "task" (task, status: its file's status is not
 * done), "confirmation" (artifact, target, status) and "blocker"
 * (artifact, status).  `tasks` is tasks_json()'s list, `proposals`
 * ruru_open_proposals()'s.  With `ws` NULL no file is read (no task file
 * closes anything, no blockers).  Frees `o`; new reference. */
json_t *ruru_open_finish(struct ruru_open *o, struct ruru_ws *ws, const char *sid, json_t *tasks,
			 json_t *proposals);

/* The same, worded only for the newest `keep` delegations and errors
 * (0: all); *nopen (may be NULL) gets how many are open in all.  For a
 * short digest of a long log (prime). */
json_t *ruru_open_finish_newest(struct ruru_open *o, struct ruru_ws *ws, const char *sid,
				json_t *tasks, json_t *proposals, size_t keep, size_t *nopen);

/* The session's proposals that still wait for a step (pending, approved
 * or skipped and not applied, or whose apply failed), oldest first:
 * [{artifact (as the log names it), target, status}].  New reference. */
json_t *ruru_open_proposals(struct ruru_ws *ws, const char *sid);

/* The typed items of the JSON array ruru_open_finish() gives, for
 * session `sid` (new; free with ruru_open_items_free()). */
struct ruru_open_items *ruru_open_items_of(json_t *items, const char *sid);

/* Does the entry report a success (a result that did not fail, or any
 * other entry but a delegation or error whose outcome is success)? */
bool ruru_entry_is_success(const struct ruru_entry *e);

/* Does a task file's status close what names the task (Done, Review,
 * Complete, Resolved, in any form)? */
bool ruru_task_status_closes(const char *status);

#endif
