/*
 * task.h — library-internal: reading the MDTM task files a session links.
 */
#ifndef RURU_TASK_H
#define RURU_TASK_H

#include "ruru.h"
#include "workspace.h"

/* An array of {id, title, status, file} for the task IDs `tasks`, read
 * from the task files under .ruru/tasks (null fields when not found). */
json_t *tasks_json(struct ruru_ws *ws, char **tasks, size_t n);

#endif
