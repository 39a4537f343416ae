/*
 * task.c — MDTM tasks linked to a session (DESIGN §4b): linking a task ID
 * to a session and reading the task files the session links.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "entry.h"
#include "logtx.h"
#include "task.h"
#include "banned.h"

/* ------------------------------------------------------------ MDTM tasks */

/* Read a task file's front matter: id, title, status. */
static json_t *read_task(const char *path, const char *rel)
{
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error e;
	struct ruru_frontmatter fm;
	json_t *out = NULL;
	if (ruru_read_front_matter(AT_FDCWD, path, &b, &e) == 0 && ruru_frontmatter_split(b.ptr, b.len, &fm)) {
		struct ruru_toml *doc = ruru_toml_parse(b.ptr + fm.toml, fm.toml_end - fm.toml, &e);
		if (doc) {
			const struct ruru_toml_value *root = ruru_toml_root(doc);
			const char *keys[] = { "id", "title", "status" };
			out = json_object();
			for (size_t i = 0; i < 3; i++) {
				const struct ruru_toml_value *v =
					ruru_toml_table_get(root, keys[i], strlen(keys[i]));
				size_t n;
				const char *s = v ? ruru_toml_string(v, &n) : NULL;
				json_object_set_new(out, keys[i], s ? json_stringn(s, n) : json_null());
			}
			json_object_set_new(out, "file", json_string(rel));
			ruru_toml_free(doc);
		}
	}
	ruru_buf_release(&b);
	return out;
}

/* Index every task file under .ruru/tasks by its id (and file stem). */
static void index_tasks(const char *dir, const char *rel, json_t *index, int depth)
{
	struct ruru_error derr;
	DIR *d = ruru_opendir(dir, &derr);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct ruru_buf p = RURU_BUF_INIT, r = RURU_BUF_INIT;
		ruru_buf_addf(&p, "%s/%s", dir, de->d_name);
		ruru_buf_addf(&r, "%s/%s", rel, de->d_name);
		struct stat st;
		size_t n = strlen(de->d_name);
		bool seen = ruru_lstat(p.ptr, &st, &derr) == 0;
		if (seen && S_ISDIR(st.st_mode) && depth < 8) {
			index_tasks(p.ptr, r.ptr, index, depth + 1);
		} else if (seen && S_ISREG(st.st_mode) && n > 3 && !strcmp(de->d_name + n - 3, ".md")) {
			json_t *t = read_task(p.ptr, r.ptr);
			const char *id = t ? json_string_value(json_object_get(t, "id")) : NULL;
			if (id && *id && !json_object_get(index, id))
				json_object_set(index, id, t);
			/* Also by file stem, for task files whose id key is missing. */
			char *stem = ruru_strndup(de->d_name, n - 3);
			if (t && !json_object_get(index, stem))
				json_object_set(index, stem, t);
			free(stem);
			json_decref(t);
		}
		ruru_buf_release(&p);
		ruru_buf_release(&r);
	}
	closedir(d);
}

json_t *tasks_json(struct ruru_ws *ws, char **tasks, size_t n)
{
	json_t *index = json_object(), *out = json_array();
	if (n) {
		char *dir = ruru_ws_path(ws, ".ruru/tasks");
		index_tasks(dir, ".ruru/tasks", index, 0);
		free(dir);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_object_get(index, tasks[i]);
		json_array_append_new(out, json_pack("{s:s, s:O, s:O, s:O}", "id", tasks[i], "title",
						     t ? json_object_get(t, "title") : json_null(),
						     "status",
						     t ? json_object_get(t, "status") : json_null(),
						     "file", t ? json_object_get(t, "file") : json_null()));
	}
	json_decref(index);
	return out;
}

json_t *ruru_task_list(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	json_t *out = tasks_json(ws, s.tasks, s.ntasks);
	ruru_session_release(&s);
	return out;
}

int ruru_task_link(struct ruru_ws *ws, const char *id, const char *task, struct ruru_error *err)
{
	if (!task || !*task || !ruru_entry_field_ok(task))
		return ruru_error_set(err, RURU_EUSAGE, "a task ID is one line without backticks");
	struct ruru_logtx tx;
	if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
		return -1;
	if (ruru_logtx_array_add(&tx, "related_tasks", task, err) < 0) {
		ruru_logtx_abort(&tx);
		return -1;
	}
	return ruru_logtx_commit(&tx, err);
}
