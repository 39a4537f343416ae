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
	char *id = session_of(env, args, err);
	struct ruru_artifact_added *r =
		id ? ruru_artifact_save(env->ws, id, arg_str(args, "name"), json_string_value(content),
					json_string_length(content),
					json_is_true(json_object_get(args, "force")),
					arg_str(args, "description"), NULL, err)
		   : NULL;
	free(id);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, artifact_added, r);
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
	char *id = session_of(env, args, err);
	struct ruru_task_linked *r = id ? ruru_task_link_find(env->ws, id, arg_str(args, "task"), err)
					: NULL;
	free(id);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, task_linked, r);
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
	char *id = session_of(env, args, err);
	struct ruru_artifact_added *r =
		id ? ruru_artifact_save(env->ws, id, NULL, NULL, 0, false, NULL, &t, err) : NULL;
	free(tv);
	free(id);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, artifact_added, r);
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
	struct ruru_task_created *r = ruru_task_create(env->ws, &o, err);
	free(sid);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, task_created, r);
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
