/*
 * task.h — library-internal: reading the MDTM task files a session links.
 */
#ifndef RURU_TASK_H
#define RURU_TASK_H

#include <jansson.h>

#include "ruru.h"
#include "workspace.h"

/* The tasks of session `sid` (doc/design.md §5), as ruru_task_list returns
 * them before the open items mark them: the IDs `tasks` (its
 * related_tasks) in order, read from their task files (title, status,
 * assigned_to and file NULL when none was found), then every other task
 * file that names the session, by ID, with `via` the field that names it.
 * Free with ruru_task_list_free(). */
struct ruru_task_list *task_list_session(struct ruru_ws *ws, const char *sid, char **tasks,
					 size_t n);
/* Every task file of the workspace (id, title, status, assigned_to, file,
 * session), as walked: a file is named by its `id`, or its stem without
 * one.  ruru_task_list_all() is this in board order. */
struct ruru_task_list *task_list_files(struct ruru_ws *ws);

/* The tasks of a list by ID, for looking many up: where an ID is there
 * twice the later task speaks for it.  Borrows the list. */
struct task_index {
	const struct ruru_task_info **v; /* sorted by ID, one per ID */
	size_t n;
};
#define TASK_NONE ((size_t)-1)
void task_index_init(struct task_index *x, const struct ruru_task_list *l);
/* The position in x->v of the task `id` (NULL: none), or TASK_NONE. */
size_t task_index_find(const struct task_index *x, const char *id);
void task_index_release(struct task_index *x);

/* The JSON array of the tasks of a list, as ruru_task_list_json() gives
 * them under "tasks" (new reference). */
json_t *task_infos_json(const struct ruru_task_list *l);

#endif
