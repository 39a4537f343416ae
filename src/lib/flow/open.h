/*
 * open.h — library-internal: the open items of a session (open.c), fed
 * one entry at a time so that a log of any size is read in one pass.
 *
 *   struct ruru_open *o = ruru_open_new();
 *   for each entry e, in log order: ruru_open_feed(o, e);
 *   struct ruru_open_items *items = ruru_open_finish(o, ws, sid, tasks, proposals);
 *
 * ruru_open_finish frees `o`; ruru_open_free is for giving up early.
 */
#ifndef RURU_OPEN_H
#define RURU_OPEN_H

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

/* The open items, oldest first (struct ruru_open_item says what each kind
 * holds): the delegations and errors fed that are still open, the tasks
 * of `tasks` (task_list_session()'s; NULL: none) whose file says they are
 * not done, the `proposals` (ruru_open_proposals()'s; NULL: none) and the
 * V7 blockers not resolved.  With `ws` NULL no file is read (no task file
 * closes anything, no blockers).  Frees `o`; the items are new. */
struct ruru_open_items *ruru_open_finish(struct ruru_open *o, struct ruru_ws *ws, const char *sid,
					 const struct ruru_task_list *tasks,
					 const struct ruru_open_items *proposals);

/* The same, worded only for the newest `keep` delegations and errors
 * (0: all); *nopen (may be NULL) gets how many are open in all.  For a
 * short digest of a long log (prime). */
struct ruru_open_items *ruru_open_finish_newest(struct ruru_open *o, struct ruru_ws *ws,
						const char *sid, const struct ruru_task_list *tasks,
						const struct ruru_open_items *proposals, size_t keep,
						size_t *nopen);

/* The session's proposals that still wait for a step (pending, approved
 * or skipped and not applied, or whose apply failed), oldest first, as
 * confirmation items: artifact (as the log names it), target, status and
 * the item's text.  New; free with ruru_open_items_free(). */
struct ruru_open_items *ruru_open_proposals(struct ruru_ws *ws, const char *sid);

/* Does the entry report a success (a result that did not fail, or any
 * other entry but a delegation or error whose outcome is success)? */
bool ruru_entry_is_success(const struct ruru_entry *e);

/* Does a task file's status close what names the task (Done, Review,
 * Complete, Resolved, in any form)? */
bool ruru_task_status_closes(const char *status);

#endif
