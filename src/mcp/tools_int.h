/*
 * tools_int.h — what the files of the MCP tools share, internal to
 * src/mcp/: the argument helpers tools.c defines, and each tool's run
 * function t_<tool>(), defined in the file of its job and named by
 * mcp_tools[] in tools.c; each renders its result's text with the
 * library's renderer (MCP_RETURN_RESULT).
 */
#ifndef RURU_MCP_TOOLS_INT_H
#define RURU_MCP_TOOLS_INT_H

#include "tools.h"

/* The string argument `key` of a call, or NULL. */
const char *arg_str(json_t *args, const char *key);
/* The session a call acts on: its `session` argument, the server's -s,
 * then ROOCOM_SESSION_ID and the active session (the library). */
char *session_of(struct mcp_env *env, json_t *args, struct ruru_error *err);

/* Return a typed result `r` (struct ruru_X) as a tool does: its one text
 * (ruru_X_text, the CLI's too) into env->text, its JSON returned, `r`
 * freed. */
#define MCP_RETURN_RESULT(env, X, r)                         \
	do {                                                 \
		ruru_##X##_text((r), &(env)->text);          \
		json_t *json_ = ruru_##X##_json(r);          \
		ruru_##X##_free(r);                          \
		return json_;                                \
	} while (0)

/* tools_session.c */
json_t *t_session_new(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_log(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_set_status(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_list(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_show(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_digest(struct mcp_env *env, json_t *args, struct ruru_error *err);

/* tools_work.c */
json_t *t_artifact_add(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_artifact_list(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_list(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_link(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_new(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_status(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_claim(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_task_release(struct mcp_env *env, json_t *args, struct ruru_error *err);

/* tools_confirm.c */
json_t *t_confirm_propose(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_decide(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_delegate(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_apply(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_list(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_show(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_withdraw(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_confirm_verify(struct mcp_env *env, json_t *args, struct ruru_error *err);

/* tools_admin.c */
json_t *t_session_check(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_search(struct mcp_env *env, json_t *args, struct ruru_error *err);
json_t *t_session_summarize(struct mcp_env *env, json_t *args, struct ruru_error *err);

#endif
