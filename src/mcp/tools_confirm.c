/*
 * tools_confirm.c — the MCP tools on confirmations: propose, show,
 * decide, delegate, apply, withdraw, list and verify, each answering a
 * repeat of a call already done with the proposal as it is ("already").
 * The table that names them is mcp_tools[] in tools.c.
 */
#include <stdlib.h>

#include "tools_int.h"
#include "banned.h"

/* ------------------------------------------------------- confirmations */

/* A session named by the call or the server's -s, resolved (prefixes);
 * NULL without error when neither names one (the library then uses the
 * active session, or .ruru/temp/ for a proposal). */
static int optional_session(struct mcp_env *env, json_t *args, char **id, struct ruru_error *err)
{
	const char *want = arg_str(args, "session");
	*id = NULL;
	if (!want)
		want = env->session;
	if (!want)
		return 0;
	*id = ruru_session_resolve(env->ws, want, err);
	return *id ? 0 : -1;
}

static json_t *confirm_result(struct ruru_confirm *c)
{
	json_t *r = ruru_confirm_json(c);
	ruru_confirm_release(c);
	return r;
}

/* " · LABEL VALUE" when `v` is a non-empty string (escaped). */
static void add_opt_s(struct ruru_buf *b, const char *label, const char *v)
{
	if (v && *v) {
		ruru_buf_addf(b, " · %s ", label);
		ruru_text_field(b, v, NULL);
	}
}

json_t *t_confirm_propose(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *content = json_object_get(args, "content");
	json_t *diff = json_object_get(args, "diff");
	json_t *payload = content ? content : diff; /* exactly one: server.c checked */
	char *id;
	struct ruru_confirm c;
	if (optional_session(env, args, &id, err) < 0)
		return NULL;
	int rc = ruru_confirm_propose(env->ws, id, arg_str(args, "target"),
				      content ? RURU_CONFIRM_CONTENT : RURU_CONFIRM_DIFF,
				      json_string_value(payload), json_string_length(payload),
				      arg_str(args, "supersedes"), &c, err);
	free(id);
	if (rc < 0)
		return NULL;
	struct ruru_buf *b = &env->text;
	ruru_buf_addf(b, "Proposed %s for ", c.kind == RURU_CONFIRM_DIFF ? "a diff" : "new content");
	ruru_text_field(b, c.target, "?");
	ruru_buf_addstr(b, ": ");
	ruru_text_field(b, c.artifact, "?");
	ruru_buf_addf(b, " (%s%s", ruru_confirm_status_word(c.status),
		      c.session ? ", session " : ", no session");
	ruru_text_field(b, c.session, "");
	ruru_buf_addstr(b, "). Show it to the user (confirm_show), ask, then record the answer "
			   "(confirm_decide).");
	struct ruru_buf warn = RURU_BUF_INIT;
	if (c.duplicate_of) {
		ruru_buf_addf(&warn, "%s, still pending, proposes the same change to %s",
			      c.duplicate_of, c.target);
		ruru_buf_addstr(b, " Warning: ");
		ruru_text_field(b, warn.ptr, "");
		ruru_buf_addch(b, '.');
	}
	json_t *r = confirm_result(&c);
	if (warn.len)
		json_object_set_new(r, "warning", json_stringn(warn.ptr, warn.len));
	ruru_buf_release(&warn);
	return r;
}

/* A call that failed because the proposal is already where the call
 * wanted it (a repeat after a lost answer): true, with err cleared and
 * the proposal as it is in *c.  Any other failure stays one. */
static bool already(struct mcp_env *env, json_t *args, enum ruru_confirm_status want,
		    struct ruru_confirm *c, struct ruru_error *err)
{
	struct ruru_error e = { 0 };
	if (err->code != RURU_ECONFLICT ||
	    ruru_confirm_load(env->ws, arg_str(args, "artifact"), c, &e) < 0)
		return false;
	if (c->status != want) {
		ruru_confirm_release(c);
		return false;
	}
	ruru_error_clear(err);
	return true;
}

/* A repeat's result: the proposal as it is, "already": true. */
static json_t *already_result(struct ruru_confirm *c)
{
	json_t *r = confirm_result(c);
	json_object_set_new(r, "already", json_true());
	return r;
}

json_t *t_confirm_decide(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* The schema's enum made it valid; the library refuses anything else. */
	enum ruru_confirm_decision dec = ruru_decision_parse(arg_str(args, "decision"));
	struct ruru_confirm c;
	/* `shown`: the values confirm_show returned; the decision binds them
	 * (refused when the proposal changed since it was shown). */
	json_t *shown = json_object_get(args, "shown");
	struct ruru_confirm_expect e = {
		.target = arg_str(shown, "target"),
		.payload_sha256 = arg_str(shown, "payload_sha256"),
		.result_sha256 = arg_str(shown, "result_sha256"),
		.target_sha256 = arg_str(shown, "target_sha256"),
	};
	bool again = false;
	if (ruru_confirm_decide_expect(env->ws, arg_str(args, "artifact"), dec, arg_str(args, "reason"),
				       NULL, json_is_object(shown) ? &e : NULL, &c, err) < 0) {
		static const enum ruru_confirm_status to[RURU_DECIDE_COUNT] = {
			[RURU_DECIDE_APPROVE] = RURU_CONFIRM_APPROVED,
			[RURU_DECIDE_REJECT] = RURU_CONFIRM_REJECTED,
			[RURU_DECIDE_SKIP] = RURU_CONFIRM_SKIPPED,
		};
		if (!(dec >= 0 && dec < RURU_DECIDE_COUNT && already(env, args, to[dec], &c, err)))
			return NULL;
		again = true;
	}
	struct ruru_buf *b = &env->text;
	ruru_text_field(b, c.artifact, "?");
	ruru_buf_addf(b, ": %s%s", again ? "already " : "", ruru_confirm_status_word(c.status));
	if (c.decided_by && *c.decided_by) {
		ruru_buf_addstr(b, " by ");
		ruru_text_field(b, c.decided_by, NULL);
	}
	if (c.rationale && *c.rationale) {
		ruru_buf_addstr(b, " (");
		ruru_text_field(b, c.rationale, NULL);
		ruru_buf_addch(b, ')');
	}
	ruru_buf_addstr(b, "; target ");
	ruru_text_field(b, c.target, "?");
	ruru_buf_addch(b, '.');
	return again ? already_result(&c) : confirm_result(&c);
}

json_t *t_confirm_delegate(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	char *msg = NULL;
	if (ruru_confirm_delegate(env->ws, arg_str(args, "artifact"), arg_str(args, "to"),
				  arg_str(args, "task"), &msg, &c, err) < 0)
		return NULL;
	/* The library leaves how to apply a diff with ruru to us: a tool
	 * call, for an executor that has these tools. */
	struct ruru_buf full = RURU_BUF_INIT;
	ruru_buf_addstr(&full, msg ? msg : "");
	if (c.kind == RURU_CONFIRM_DIFF)
		ruru_buf_addf(&full, " Or call confirm_apply with artifact \"%s\".", c.artifact);
	struct ruru_buf *b = &env->text;
	ruru_buf_addstr(b, "Delegated ");
	ruru_text_field(b, c.artifact, "?");
	ruru_buf_addstr(b, " to ");
	ruru_text_field(b, c.delegated_to, "?");
	add_opt_s(b, "task", c.task);
	ruru_buf_addstr(b, ". Message for the executor:\n\n");
	ruru_text_escape_keep(b, full.ptr, full.len, "\t\n");
	json_t *r = confirm_result(&c);
	json_object_set_new(r, "message", json_stringn(full.ptr, full.len));
	ruru_buf_release(&full);
	free(msg);
	return r;
}

json_t *t_confirm_apply(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	bool again = false, force = json_is_true(json_object_get(args, "force"));
	/* commit: then the target alone, with git (a repeat commits nothing) */
	bool want_commit = json_is_true(json_object_get(args, "commit"));
	const char *art = arg_str(args, "artifact"), *message = arg_str(args, "message");
	char *commit = NULL;
	if (message && !want_commit)
		return ruru_error_set(err, RURU_EUSAGE, "message goes with commit: true"), NULL;
	if ((want_commit ? ruru_confirm_apply_commit(env->ws, art, force, message, &c, &commit, err)
			 : ruru_confirm_apply(env->ws, art, force, &c, err)) < 0) {
		if (!already(env, args, RURU_CONFIRM_APPLIED, &c, err))
			return NULL;
		again = true;
	}
	struct ruru_buf *b = &env->text;
	ruru_text_field(b, c.artifact, "?");
	ruru_buf_addstr(b, again ? " was already applied to " : " applied to ");
	ruru_text_field(b, c.target, "?");
	if (c.forced)
		ruru_buf_addstr(b, " (forced over a changed target)");
	add_opt_s(b, "delegated to", c.delegated_to);
	add_opt_s(b, "task", c.task);
	add_opt_s(b, "committed as", commit);
	ruru_buf_addch(b, '.');
	if (!again) {
		json_t *r = confirm_result(&c);
		if (commit)
			json_object_set_new(r, "commit", json_string(commit));
		free(commit);
		return r;
	}
	json_t *r = already_result(&c);
	json_object_set_new(r, "already_applied", json_true());
	return r;
}

json_t *t_confirm_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id;
	if (optional_session(env, args, &id, err) < 0)
		return NULL;
	struct ruru_confirm_list *list = ruru_confirm_list(env->ws, id, arg_str(args, "status"), err);
	free(id);
	if (!list)
		return NULL;
	MCP_RETURN_RESULT(env, confirm_list, list);
}

/* ----------------------------- confirm_show, confirm_withdraw (confirm) */

json_t *t_confirm_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	if (ruru_confirm_show(env->ws, arg_str(args, "artifact"), &c, err) < 0)
		return NULL;
	ruru_confirm_text(&c, &env->text);
	return confirm_result(&c);
}

json_t *t_confirm_withdraw(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	bool again = false;
	if (ruru_confirm_withdraw(env->ws, arg_str(args, "artifact"), arg_str(args, "reason"), &c,
				  err) < 0) {
		if (!already(env, args, RURU_CONFIRM_WITHDRAWN, &c, err))
			return NULL;
		again = true;
	}
	struct ruru_buf *b = &env->text;
	ruru_buf_addstr(b, again ? "Already withdrawn: " : "Withdrew ");
	ruru_text_field(b, c.artifact, "?");
	ruru_buf_addstr(b, " (target ");
	ruru_text_field(b, c.target, "?");
	add_opt_s(b, "task", c.task);
	ruru_buf_addstr(b, ").");
	return again ? already_result(&c) : confirm_result(&c);
}

json_t *t_confirm_verify(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *ids = json_object_get(args, "sessions");
	size_t n = json_array_size(ids);
	const char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(ids, i));
	struct ruru_verify_report *r = ruru_confirm_verify(env->ws, v, n, err);
	free(v);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, verify_report, r);
}
