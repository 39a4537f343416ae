/*
 * tools_session.c — the MCP tools on a session itself: start one, log an
 * event, set its status, list, show, continue and read its digest.  Each
 * makes one library call and returns its typed result: the result's text
 * (the one `ruru` prints too) and its JSON (MCP_RETURN_RESULT).  The
 * table that names them is mcp_tools[] in tools.c; the helpers they share
 * are in tools_int.h.
 */
#include <stdlib.h>
#include <string.h>

#include "tools_int.h"
#include "banned.h"

/* ---------------------------------------------------------------- tools */

json_t *t_session_new(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_new o = { 0 };
	json_t *tags = json_object_get(args, "tags");
	const char **tv = NULL;
	o.goal = arg_str(args, "goal");
	o.description = arg_str(args, "description");
	o.coordinator = arg_str(args, "coordinator");
	if (tags && json_array_size(tags)) {
		tv = calloc(json_array_size(tags), sizeof(*tv));
		if (!tv)
			abort();
		for (size_t i = 0; i < json_array_size(tags); i++)
			tv[i] = json_string_value(json_array_get(tags, i));
		o.tags = tv;
		o.ntags = json_array_size(tags);
	}
	struct ruru_session_started *r = ruru_session_start(env->ws, &o, err);
	free(tv);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, session_started, r);
}

json_t *t_session_log(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_log_input e = { .type = RURU_EV_NOTE };
	const char *type = arg_str(args, "type");
	if (type)
		e.type = ruru_event_parse(type); /* the schema's enum made it valid */
	json_t *msg = json_object_get(args, "message");
	e.message = json_string_value(msg);
	e.message_len = json_string_length(msg);
	for (int f = 0; f < RURU_FIELD_COUNT; f++)
		e.field[f] = arg_str(args, ruru_field_name((enum ruru_field)f));
	char *id = session_of(env, args, err);
	struct ruru_entry_logged *r = id ? ruru_session_log_entry(env->ws, id, &e, NULL, err) : NULL;
	free(id);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, entry_logged, r);
}

json_t *t_session_set_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	enum ruru_status to = ruru_status_from_word(arg_str(args, "status"));
	char *id = session_of(env, args, err);
	/* A repeat (a retry after a lost answer) is no failure: the session
	 * is where the call wanted it. */
	struct ruru_status_set *r = id ? ruru_session_status(env->ws, id, to, arg_str(args, "reason"),
							     RURU_STATUS_REPEAT_OK, err)
				       : NULL;
	free(id);
	if (!r)
		return NULL;
	MCP_RETURN_RESULT(env, status_set, r);
}

json_t *t_session_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* the row's MCP default when not given: the answer stays small on a
	 * workspace of thousands; `total` and `omitted` say what is left */
	json_int_t want = json_integer_value(json_object_get(args, "limit"));
	struct ruru_session_query q = { .status = ruru_status_from_word(arg_str(args, "status")),
					.tag = arg_str(args, "tag"),
					.limit = want < 0 ? RURU_LIST_ALL : (size_t)want,
					.count = true };
	struct ruru_session_listing *l = ruru_session_listing(env->ws, &q, err);
	if (!l)
		return NULL;
	MCP_RETURN_RESULT(env, session_listing, l);
}

json_t *t_session_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *ne = json_object_get(args, "entries");
	size_t last = ne ? (size_t)json_integer_value(ne) : RURU_ENTRIES_ALL;
	char *id = session_of(env, args, err);
	/* a model is never handed megabytes: text and JSON both bounded */
	struct ruru_session_view *v = id ? ruru_session_view(env->ws, id, last, MCP_DIGEST_MAX, true, err)
					 : NULL;
	free(id);
	if (!v)
		return NULL;
	MCP_RETURN_RESULT(env, session_view, v);
}

/* When there is nothing to continue, list recent sessions in env->note,
 * as `ruru continue` does on stderr. */
static void offer_recent(struct mcp_env *env)
{
	struct ruru_session *list;
	size_t n;
	struct ruru_error e = { 0 };
	if (ruru_session_recent(env->ws, &list, &n, &e) < 0)
		return;
	if (n)
		ruru_buf_addstr(&env->note, "\nrecent sessions (pass one as session to session_continue):");
	for (size_t i = 0; i < n; i++)
		ruru_buf_addf(&env->note, "\n  %s  %s  %s", list[i].id,
			      list[i].status ? ruru_status_word(list[i].status) : "?",
			      list[i].title ? list[i].title : "");
	ruru_session_list_free(list, n);
}

/* Continue `session` (NULL: the server's -s, then the active one; an
 * ended session the active pointer names is never reopened). */
static struct ruru_digest *do_continue(struct mcp_env *env, const char *session, size_t max,
				       bool reopen, struct ruru_error *err)
{
	const char *named = session ? session : env->session;
	char *id = ruru_session_resolve(env->ws, named, err);
	unsigned flags = (reopen ? RURU_CONTINUE_REOPEN : 0) | (named ? 0 : RURU_CONTINUE_IMPLICIT);
	struct ruru_digest *d = id ? ruru_session_continue(env->ws, id, max, flags, err) : NULL;
	if (!d && err->code == RURU_ENOTFOUND && !named)
		offer_recent(env);
	if (!d && id && err->code == RURU_ECONFLICT && !reopen) {
		struct ruru_session s;
		struct ruru_error e = { 0 };
		if (ruru_session_load(env->ws, id, 0, &s, &e) == 0 &&
		    (s.status == RURU_STATUS_COMPLETED || s.status == RURU_STATUS_ERROR))
			ruru_buf_addstr(&env->note,
					"\nto reopen it, call session_continue with this session and reopen: true");
		ruru_session_release(&s);
	}
	free(id);
	return d;
}

/* A digest bound asked for over MCP: a model is never handed megabytes,
 * so 0 (no bound on the CLI) and anything above the ceiling mean the
 * ceiling's worth at most. */
size_t mcp_digest_bound(json_int_t asked)
{
	if (asked <= 0 || asked > MCP_DIGEST_MAX)
		return asked == 0 || asked > MCP_DIGEST_MAX ? MCP_DIGEST_MAX : RURU_DIGEST_DEFAULT;
	return (size_t)asked;
}

/* The digest is the text, as it reads; the structured result keeps it too,
 * because clients show the model one of the two: Claude Code and VS Code
 * pass only structuredContent when a result has it (anthropics/claude-code
 * #55677, #79944), others only the text. */
json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* max_chars is always there: the server fills in its row's default */
	struct ruru_digest *d =
		do_continue(env, arg_str(args, "session"),
			    mcp_digest_bound(json_integer_value(json_object_get(args, "max_chars"))),
			    json_is_true(json_object_get(args, "reopen")), err);
	if (!d)
		return NULL;
	MCP_RETURN_RESULT(env, digest, d);
}

/* The digest, read-only: nothing is logged, resumed or made active.  Its
 * rows have no bound (session_continue's max_chars): the default one. */
json_t *t_session_digest(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	if (!id)
		return NULL;
	struct ruru_digest *d = ruru_session_digest(env->ws, id, RURU_DIGEST_DEFAULT, err);
	free(id);
	if (!d)
		return NULL;
	MCP_RETURN_RESULT(env, digest, d);
}

struct ruru_digest *mcp_continue_digest(struct mcp_env *env, const char *session,
					size_t max_chars, struct ruru_error *err)
{
	if (max_chars > MCP_DIGEST_MAX || !max_chars)
		max_chars = MCP_DIGEST_MAX;
	return do_continue(env, session, max_chars, false, err);
}
