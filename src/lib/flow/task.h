/*
 * task.h — library-internal: reading the MDTM task files a session links.
 */
#ifndef RURU_TASK_H
#define RURU_TASK_H

#include <jansson.h>

#include "ruru.h"
#include "workspace.h"

/* The tasks of session `sid` (doc/design.md §5), as ruru_task_list returns
 * them: the IDs `tasks` (its related_tasks) in order, read from their
 * task files (null fields when not found), then every other task file
 * that names the session, by ID, with `via` the field that names it. */
json_t *tasks_json(struct ruru_ws *ws, const char *sid, char **tasks, size_t n);

/* Every task file of the workspace: {id: status} (status null when the
 * file has none); a file is named by its `id`, or its stem without one.
 * New reference. */
json_t *task_status_map(struct ruru_ws *ws);
/* The session's tasks as ruru_task_list() gives them, before open.c marks
 * the ones its open items hold open (open.c sits above this file). */
json_t *task_list_linked(struct ruru_ws *ws, const char *id, struct ruru_error *err);
/* The typed list of a JSON array of tasks as tasks_json() (or the board)
 * gives them; `sid` NULL for the board. */
struct ruru_task_list *task_list_of(json_t *tasks, const char *sid);

#endif
