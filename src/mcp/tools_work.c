/*
 * tools_work.c — the MCP tools on a session's work: artifacts (added
 * whole or typed from a template, listed) and tasks (created, linked,
 * listed, their state, claimed, released), with their text renderers.
 * The table that names them is mcp_tools[] in tools.c.
 */
#include <stdlib.h>

#include "tools_int.h"
#include "banned.h"

static json_t *t_artifact_add_typed(struct mcp_env *env, json_t *args, struct ruru_error *err);

json_t *t_artifact_add(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	if (json_object_get(args, "type"))
		return t_artifact_add_typed(env, args, err);
	if (json_object_get(args, "title") || json_object_get(args, "tags") ||
	    json_object_get(args, "task"))
		return ruru_error_set(err, RURU_EUSAGE, "title, tags and task go with type"), NULL;
	if (!arg_str(args, "name") || !json_is_string(json_object_get(args, "content")))
		return ruru_error_set(err, RURU_EUSAGE, "give name and content, or type and title"),
		       NULL;
	json_t *content = json_object_get(args, "content");
	json_t *force = json_object_get(args, "force");
	char *rel = NULL;
	char *id = session_of(env, args, err);
	if (!id || ruru_artifact_add(env->ws, id, arg_str(args, "name"), json_string_value(content),
				     json_string_length(content), json_is_true(force),
				     arg_str(args, "description"), &rel, err) < 0) {
		free(id);
		return NULL;
	}
	json_t *r = json_pack("{s:s, s:s}", "session", id, "path", rel);
	free(rel);
	free(id);
	return r;
}

void x_artifact_add(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Saved ");
	if (get_s(r, "type")) {
		add_field(b, r, "type", NULL);
		ruru_buf_addstr(b, " artifact ");
	}
	add_field(b, r, "path", "?");
	ruru_buf_addstr(b, " in session ");
	add_field(b, r, "session", "?");
	ruru_buf_addstr(b, " (logged).");
}

json_t *t_artifact_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	struct ruru_artifact_list *l = id ? ruru_artifact_list(env->ws, id, err) : NULL;
	free(id);
	if (!l)
		return NULL;
	MCP_RETURN_RESULT(env, artifact_list, l);
}

json_t *t_task_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	struct ruru_task_list *l = id ? ruru_task_list(env->ws, id, err) : NULL;
	free(id);
	if (!l)
		return NULL;
	MCP_RETURN_RESULT(env, task_list, l);
}

json_t *t_task_link(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *task = arg_str(args, "task");
	char *id = session_of(env, args, err);
	if (!id || ruru_task_link(env->ws, id, task, err) < 0) {
		free(id);
		return NULL;
	}
	json_t *r = json_pack("{s:s, s:s}", "session", id, "task", task);
	/* V7: say so when no task file has that ID. */
	char *file = NULL;
	struct ruru_error nf = { 0 };
	if (ruru_task_find(env->ws, task, &file, &nf) < 0)
		json_object_set_new(r, "warning", json_string("linked, but no task file has that ID"));
	json_object_set_new(r, "file", file ? json_string(file) : json_null());
	free(file);
	free(id);
	return r;
}

void x_task_link(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Linked ");
	add_field(b, r, "task", "?");
	ruru_buf_addstr(b, " to session ");
	add_field(b, r, "session", "?");
	if (get_s(r, "file")) {
		ruru_buf_addstr(b, " (");
		add_field(b, r, "file", NULL);
		ruru_buf_addstr(b, ").");
	} else {
		ruru_buf_addstr(b, "; no task file has that ID.");
	}
}

/* ------------------------------------------- V7: typed artifacts, tasks */

static json_t *t_artifact_add_typed(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_typed t = { 0 };
	json_t *tags = json_object_get(args, "tags"), *content = json_object_get(args, "content");
	const char **tv = NULL;
	t.type = arg_str(args, "type");
	t.title = arg_str(args, "title");
	t.task = arg_str(args, "task");
	if (!t.title)
		return ruru_error_set(err, RURU_EUSAGE, "a typed artifact needs a title"), NULL;
	if (arg_str(args, "name"))
		return ruru_error_set(err, RURU_EUSAGE, "a typed artifact is named from its title, "
							"not name"), NULL;
	if (json_array_size(tags)) {
		tv = calloc(json_array_size(tags), sizeof(*tv));
		if (!tv)
			abort();
		for (size_t i = 0; i < json_array_size(tags); i++)
			tv[i] = json_string_value(json_array_get(tags, i));
		t.tags = tv;
		t.ntags = json_array_size(tags);
	}
	t.text = json_string_value(content);
	t.len = json_string_length(content);
	char *rel = NULL;
	char *id = session_of(env, args, err);
	json_t *r = NULL;
	if (id && ruru_artifact_add_typed(env->ws, id, &t, &rel, err) == 0)
		r = json_pack("{s:s, s:s, s:s}", "session", id, "path", rel, "type",
			      ruru_artifact_type_find(t.type)->type);
	free(tv);
	free(rel);
	free(id);
	return r;
}

json_t *t_task_new(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_task_new o = { 0 };
	o.type = arg_str(args, "type");
	o.title = arg_str(args, "title");
	o.team = arg_str(args, "team");
	o.assign = arg_str(args, "assign");
	o.body = arg_str(args, "body");
	/* The named session, else the active one if any (a task may have none;
	 * an ended session the active pointer names is none). */
	char *sid = NULL;
	const char *named = arg_str(args, "session");
	if (ruru_session_optional(env->ws, named ? named : env->session, &sid, err) < 0)
		return NULL;
	o.session = sid;
	char *file = NULL, *task = ruru_task_new(env->ws, &o, &file, err);
	json_t *r = task ? json_pack("{s:s, s:s, s:s?}", "id", task, "file", file, "session", sid)
			 : NULL;
	free(task);
	free(file);
	free(sid);
	return r;
}

void x_task_new(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Created ");
	add_field(b, r, "id", "?");
	ruru_buf_addstr(b, " (");
	add_field(b, r, "file", "?");
	ruru_buf_addstr(b, get_s(r, "session") ? ") in session " : "), in no session");
	add_field(b, r, "session", "");
	ruru_buf_addch(b, '.');
}

/* task_status, task_claim, task_release: the task as it is now. */
static json_t *task_state(struct mcp_env *env, struct ruru_task_state *t)
{
	MCP_RETURN_RESULT(env, task_state, t);
}

json_t *t_task_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	enum ruru_task_status st = ruru_task_status_parse(arg_str(args, "status"));
	struct ruru_task_state *t = NULL;
	if (st == RURU_TASK_UNKNOWN)
		return ruru_error_set(err, RURU_EUSAGE, "unknown task status \"%s\"",
				      arg_str(args, "status")), NULL;
	if (ruru_task_set_status(env->ws, arg_str(args, "task"), st, &t, err) < 0)
		return NULL;
	return task_state(env, t);
}

json_t *t_task_claim(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *ttl_s = arg_str(args, "ttl");
	long ttl = ttl_s ? ruru_duration_parse(ttl_s) : 30 * 60;
	struct ruru_task_state *t = NULL;
	if (ttl < 0)
		return ruru_error_set(err, RURU_EUSAGE,
				      "ttl is a duration such as 90s, 30m, 2h or 1d, not \"%s\"", ttl_s),
		       NULL;
	if (ruru_task_claim(env->ws, arg_str(args, "task"), arg_str(args, "by"), ttl, &t, err) < 0)
		return NULL;
	return task_state(env, t);
}

json_t *t_task_release(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* The schema's enum made a given status valid; none: To Do. */
	const char *status = arg_str(args, "status");
	enum ruru_task_status st = status ? ruru_task_status_parse(status) : RURU_TASK_UNKNOWN;
	struct ruru_task_state *t = NULL;
	if (ruru_task_release(env->ws, arg_str(args, "task"), arg_str(args, "by"), st, &t, err) < 0)
		return NULL;
	return task_state(env, t);
}
