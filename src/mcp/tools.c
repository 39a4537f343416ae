/*
 * tools.c — the MCP tools of DESIGN §11, one per library operation.  Each
 * entry is a name, a one-line description, its JSON Schemas and a
 * function that makes the same library call as the matching CLI command
 * (src/cli/cmd-*.c) and returns the same JSON object that command prints
 * with --json.  No session logic lives here: arguments in, library call,
 * JSON out.  Descriptions tell a model what each tool is for and when to
 * call it, and every argument what it means and relative to what; they
 * stay tight because the whole tools/list result is sent to the model on
 * every turn (bench/mcp.sh measures it; tests/mcp/client.mjs holds it
 * under 12 KB, of which 8.7 KB is structure without any description).
 * Lists of words (event types, outcomes, statuses, decisions) are not
 * written here: VOCAB() names a library vocabulary and server.c fills in
 * its words, and session_log gets one argument per entry field.
 */
#include <stdlib.h>
#include <string.h>

#include "tools.h"
#include "banned.h"

/* ------------------------------------------------------------- helpers */

static const char *arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

/* The session a call acts on: its `session` argument, the server's -s,
 * then ROOCOM_SESSION_ID and the active session (the library). */
static char *session_of(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *id = arg_str(args, "session");
	return ruru_session_resolve(env->ws, id ? id : env->session, err);
}

/* ---------------------------------------------------------------- tools */

static json_t *t_session_new(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
	char *other = ruru_session_active(env->ws);
	char *id = ruru_session_new(env->ws, &o, err);
	free(tv);
	if (!id) {
		free(other);
		return NULL;
	}
	json_t *r = json_pack("{s:s}", "id", id);
	/* Another session that stays active, as `ruru new` says on stderr. */
	json_object_set_new(r, "other_active",
			    other && strcmp(other, id) ? json_string(other) : json_null());
	free(other);
	free(id);
	return r;
}

static json_t *t_session_log(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
	if (!id || ruru_session_log(env->ws, id, &e, err) < 0) {
		free(id);
		return NULL;
	}
	json_t *r = json_pack("{s:s, s:s}", "session", id, "type", ruru_event_name(e.type));
	free(id);
	return r;
}

static json_t *t_session_set_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	enum ruru_status to = ruru_status_from_word(arg_str(args, "status"));
	char *id = session_of(env, args, err);
	if (!id || ruru_session_set_status(env->ws, id, to, arg_str(args, "reason"), err) < 0) {
		free(id);
		return NULL;
	}
	json_t *r = json_pack("{s:s, s:s, s:s}", "session", id, "status", ruru_status_word(to),
			      "status_text", ruru_status_string(to));
	free(id);
	return r;
}

static json_t *t_session_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	if (ruru_session_list(env->ws, ruru_status_from_word(arg_str(args, "status")), arg_str(args, "tag"),
			      &list, &n, err) < 0)
		return NULL;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, ruru_session_json(&list[i], false, 0));
	ruru_session_list_free(list, n);
	return json_pack("{s:o}", "sessions", arr);
}

static json_t *t_session_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *ne = json_object_get(args, "entries");
	size_t last = ne ? (size_t)json_integer_value(ne) : RURU_ENTRIES_ALL;
	struct ruru_session s;
	char *id = session_of(env, args, err);
	if (!id || ruru_session_load(env->ws, id, RURU_LOAD_ENTRIES, &s, err) < 0) {
		free(id);
		return NULL;
	}
	free(id);
	json_t *r = ruru_session_json(&s, true, last);
	ruru_session_release(&s);
	return r;
}

/* When there is nothing to continue, list recent sessions in env->note,
 * as `ruru continue` does on stderr. */
static void offer_recent(struct mcp_env *env)
{
	struct ruru_session *list;
	size_t n;
	struct ruru_error e;
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
static int do_continue(struct mcp_env *env, const char *session, size_t max, bool reopen,
		       char **digest, json_t **json, struct ruru_error *err)
{
	const char *named = session ? session : env->session;
	char *id = ruru_session_resolve(env->ws, named, err);
	unsigned flags = (reopen ? RURU_CONTINUE_REOPEN : 0) | (named ? 0 : RURU_CONTINUE_IMPLICIT);
	int rc = id ? ruru_session_continue(env->ws, id, max, flags, digest, json, err) : -1;
	if (rc < 0 && err->code == RURU_ENOTFOUND && !named)
		offer_recent(env);
	if (rc < 0 && id && err->code == RURU_ECONFLICT && !reopen) {
		struct ruru_session s;
		struct ruru_error e;
		if (ruru_session_load(env->ws, id, 0, &s, &e) == 0 &&
		    (s.status == RURU_STATUS_COMPLETED || s.status == RURU_STATUS_ERROR))
			ruru_buf_addstr(&env->note,
					"\nto reopen it, call session_continue with this session and reopen: true");
		ruru_session_release(&s);
	}
	free(id);
	return rc;
}

static json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *mc = json_object_get(args, "max_chars");
	json_t *r = NULL;
	if (do_continue(env, arg_str(args, "session"),
			mc ? (size_t)json_integer_value(mc) : RURU_DIGEST_DEFAULT,
			json_is_true(json_object_get(args, "reopen")), NULL, &r, err) < 0)
		return NULL;
	/* The digest is the text content, as it reads; the structured
	 * result keeps it too, because clients show the model one of the two:
	 * Claude Code and VS Code pass only structuredContent when a result
	 * has it (anthropics/claude-code#55677, #79944), others only the text.
	 * Each form carries the digest once; the text is not the JSON. */
	const char *d = json_string_value(json_object_get(r, "digest"));
	ruru_buf_addstr(&env->text, d ? d : "");
	return r;
}

char *mcp_continue_digest(struct mcp_env *env, const char *session, size_t max_chars,
			  struct ruru_error *err)
{
	char *digest = NULL;
	if (do_continue(env, session, max_chars, false, &digest, NULL, err) < 0)
		return NULL;
	return digest;
}

static json_t *t_artifact_add_typed(struct mcp_env *env, json_t *args, struct ruru_error *err);

static json_t *t_artifact_add(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	if (json_object_get(args, "type"))
		return t_artifact_add_typed(env, args, err);
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

/* artifact_list, task_list: one library call returning a JSON array. */
static json_t *list_of(struct mcp_env *env, json_t *args, const char *key,
		       json_t *(*fn)(struct ruru_ws *, const char *, struct ruru_error *),
		       struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	json_t *list = id ? fn(env->ws, id, err) : NULL;
	json_t *r = list ? json_pack("{s:s, s:o}", "session", id, key, list) : NULL;
	free(id);
	return r;
}

static json_t *t_artifact_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	return list_of(env, args, "artifacts", ruru_artifact_list, err);
}

static json_t *t_task_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	return list_of(env, args, "tasks", ruru_task_list, err);
}

static json_t *t_task_link(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *task = arg_str(args, "task");
	char *id = session_of(env, args, err);
	if (!id || ruru_task_link(env->ws, id, task, err) < 0) {
		free(id);
		return NULL;
	}
	json_t *r = json_pack("{s:s, s:s}", "session", id, "task", task);
	/* V7 (issue #11 item 11): say so when no task file has that ID. */
	char *file = NULL;
	struct ruru_error nf;
	if (ruru_task_find(env->ws, task, &file, &nf) < 0)
		json_object_set_new(r, "warning", json_string("linked, but no task file has that ID"));
	json_object_set_new(r, "file", file ? json_string(file) : json_null());
	free(file);
	free(id);
	return r;
}

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

static json_t *t_confirm_propose(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
	return rc < 0 ? NULL : confirm_result(&c);
}

static json_t *t_confirm_decide(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* The schema's enum made it valid; the library refuses anything else. */
	enum ruru_confirm_decision dec = ruru_decision_parse(arg_str(args, "decision"));
	struct ruru_confirm c;
	if (ruru_confirm_decide(env->ws, arg_str(args, "artifact"), dec, arg_str(args, "reason"), &c,
				err) < 0)
		return NULL;
	return confirm_result(&c);
}

static json_t *t_confirm_delegate(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
	json_t *r = confirm_result(&c);
	json_object_set_new(r, "message", json_stringn(full.ptr, full.len));
	ruru_buf_release(&full);
	free(msg);
	return r;
}

static json_t *t_confirm_apply(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	if (ruru_confirm_apply(env->ws, arg_str(args, "artifact"),
			       json_is_true(json_object_get(args, "force")), &c, err) < 0)
		return NULL;
	return confirm_result(&c);
}

static json_t *t_confirm_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id;
	if (optional_session(env, args, &id, err) < 0)
		return NULL;
	json_t *list = ruru_confirm_list(env->ws, id, arg_str(args, "status"), err);
	json_t *r = list ? json_pack("{s:o}", "confirmations", list) : NULL;
	free(id);
	return r;
}

static json_t *t_session_check(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *problems = NULL;
	int n;
	if (arg_str(args, "session")) {
		char *id = session_of(env, args, err);
		if (!id)
			return NULL;
		struct ruru_buf log = RURU_BUF_INIT;
		ruru_buf_addf(&log, ".ruru/sessions/%s/session_log.md", id);
		const char *files[] = { log.ptr };
		n = ruru_check(env->ws, files, 1, &problems, err);
		ruru_buf_release(&log);
		free(id);
	} else {
		n = ruru_check(env->ws, NULL, 0, &problems, err);
	}
	if (n < 0)
		return NULL;
	return json_pack("{s:b, s:o}", "ok", n == 0, "problems", problems);
}

/* ----------------------------- confirm_show, confirm_withdraw (confirm) */

static json_t *t_confirm_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	struct ruru_buf diff = RURU_BUF_INIT;
	if (ruru_confirm_load(env->ws, arg_str(args, "artifact"), &c, err) < 0)
		return NULL;
	if (ruru_confirm_diff(env->ws, &c, &diff, err) < 0) {
		ruru_confirm_release(&c);
		ruru_buf_release(&diff);
		return NULL;
	}
	json_t *r = confirm_result(&c);
	json_object_set_new(r, "diff", json_stringn(diff.ptr, diff.len));
	ruru_buf_release(&diff);
	return r;
}

static json_t *t_confirm_withdraw(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	if (ruru_confirm_withdraw(env->ws, arg_str(args, "artifact"), arg_str(args, "reason"), &c,
				  err) < 0)
		return NULL;
	return confirm_result(&c);
}

static json_t *t_confirm_verify(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *ids = json_object_get(args, "sessions");
	size_t n = json_array_size(ids);
	const char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(ids, i));
	json_t *r = ruru_confirm_verify(env->ws, v, n, err);
	free(v);
	return r;
}

/* ------------------------------------------------ search (issue #14) */

static json_t *t_session_search(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_search_opts o = { 0 };
	json_t *q = json_object_get(args, "query");
	o.query = json_string_value(q);
	o.query_len = json_string_length(q);
	o.type = arg_str(args, "type");
	if (o.type && ruru_event_parse(o.type) == RURU_EV_UNKNOWN) {
		/* As the CLI: a type no entry can have would find nothing. */
		struct ruru_buf words = RURU_BUF_INIT;
		ruru_vocab_join(RURU_VOCAB_EVENT, ", ", &words);
		ruru_error_set(err, RURU_EUSAGE, "argument \"type\" is an event type (%s), not \"%s\"",
			       words.ptr, o.type);
		ruru_buf_release(&words);
		return NULL;
	}
	o.mode = arg_str(args, "mode");
	o.task = arg_str(args, "task");
	o.session = arg_str(args, "session");
	o.tag = arg_str(args, "tag");
	o.status = ruru_status_from_word(arg_str(args, "status"));
	o.limit = 20;
	json_t *lim = json_object_get(args, "limit");
	if (lim)
		o.limit = (size_t)json_integer_value(lim);
	const char *in = arg_str(args, "in");
	if (in)
		o.in = !strcmp(in, "entries") ? RURU_SEARCH_ENTRIES
		       : !strcmp(in, "sessions") ? RURU_SEARCH_SESSIONS
						 : RURU_SEARCH_ARTIFACTS;
	const char *since = arg_str(args, "since"), *until = arg_str(args, "until");
	if (since && !(o.has_since = ruru_search_parse_time(since, false, &o.since)))
		return ruru_error_set(err, RURU_EUSAGE, "argument \"since\" is a date (YYYY-MM-DD) or a "
					"date-time"), NULL;
	if (until && !(o.has_until = ruru_search_parse_time(until, true, &o.until)))
		return ruru_error_set(err, RURU_EUSAGE, "argument \"until\" is a date (YYYY-MM-DD) or a "
					"date-time"), NULL;
	size_t total = 0;
	json_t *hits = ruru_search(env->ws, &o, &total, err);
	if (!hits)
		return NULL;
	return json_pack("{s:O,s:o,s:I}", "query", q, "hits", hits, "total", (json_int_t)total);
}

/* ------------------------------------------- V7: typed artifacts, tasks */

static json_t *t_artifact_add_typed(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_typed t = { 0 };
	json_t *tags = json_object_get(args, "tags"), *content = json_object_get(args, "content");
	const char **tv = NULL;
	t.type = arg_str(args, "type");
	t.title = arg_str(args, "title");
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

static json_t *t_session_summarize(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err), *rel = NULL;
	json_t *r = NULL;
	if (id && ruru_session_summarize(env->ws, id, &rel, &r, err) < 0)
		r = NULL;
	free(rel);
	free(id);
	return r;
}

static json_t *t_task_new(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_task_new o = { 0 };
	o.type = arg_str(args, "type");
	o.title = arg_str(args, "title");
	o.team = arg_str(args, "team");
	o.assign = arg_str(args, "assign");
	/* The named session, else the active one if any (a task may have none). */
	char *sid = NULL;
	if (arg_str(args, "session") || env->session) {
		if (!(sid = session_of(env, args, err)))
			return NULL;
	} else {
		struct ruru_error ignore;
		sid = ruru_session_resolve(env->ws, NULL, &ignore);
	}
	o.session = sid;
	char *file = NULL, *task = ruru_task_new(env->ws, &o, &file, err);
	json_t *r = task ? json_pack("{s:s, s:s, s:s?}", "id", task, "file", file, "session", sid)
			 : NULL;
	free(task);
	free(file);
	free(sid);
	return r;
}

static json_t *t_task_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	enum ruru_task_status st = ruru_task_status_parse(arg_str(args, "status"));
	json_t *r = NULL;
	if (st == RURU_TASK_UNKNOWN)
		return ruru_error_set(err, RURU_EUSAGE, "unknown task status \"%s\"",
				      arg_str(args, "status")), NULL;
	if (ruru_task_set_status(env->ws, arg_str(args, "task"), st, &r, err) < 0)
		return NULL;
	return r;
}

static json_t *t_task_claim(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *ttl_s = arg_str(args, "ttl");
	long ttl = ttl_s ? ruru_duration_parse(ttl_s) : 30 * 60;
	json_t *r = NULL;
	if (ttl < 0)
		return ruru_error_set(err, RURU_EUSAGE,
				      "ttl is a duration such as 90s, 30m, 2h or 1d, not \"%s\"", ttl_s),
		       NULL;
	if (ruru_task_claim(env->ws, arg_str(args, "task"), arg_str(args, "by"), ttl, &r, err) < 0)
		return NULL;
	return r;
}

static json_t *t_task_release(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* The schema's enum made a given status valid; none: To Do. */
	const char *status = arg_str(args, "status");
	enum ruru_task_status st = status ? ruru_task_status_parse(status) : RURU_TASK_UNKNOWN;
	json_t *r = NULL;
	if (ruru_task_release(env->ws, arg_str(args, "task"), arg_str(args, "by"), st, &r, err) < 0)
		return NULL;
	return r;
}

/* ---------------------------------------------------------------- table */

/* Schema fragments, with single quotes (server.c turns them into double
 * quotes, so no text here may hold an apostrophe).  Every argument has a
 * type (Gemini CLI skips a tool with an untyped property, even beside an
 * enum) and a description that says what it means and relative to what;
 * every word has to earn its place, because the list is sent to the model
 * on every turn (bench/mcp.sh measures it).  Descriptions do not repeat
 * the tool name, and a tool says what comes next where the standard has
 * an order. */
#define STR "{'type':'string'}"
#define DSTR(d) "{'type':'string','description':'" d "'}"
#define DINT(d) "{'type':'integer','minimum':0,'description':'" d "'}"
#define DBOOL(d) "{'type':'boolean','description':'" d "'}"
#define DSTRS(d) "{'type':'array','items':" STR ",'description':'" d "'}"
#define VOCAB(v, d) "{'type':'string','enum':'@" v "','description':'" d "'}"
#define SESSION "'session':" DSTR("ID or prefix; default: the active one")
#define ARTIFACT "'artifact':" DSTR("CONFIRM file from confirm_propose")
#define TASK(d) "'task':" DSTR("MDTM task ID" d)

const struct mcp_tool mcp_tools[] = {
	{ .name = "session_new",
	  .description = "Start a session for a new piece of work; it becomes the active one.",
	  .input = "'goal':" DSTR("short title") ",'description':" DSTR("Goal section text") ","
		   "'coordinator':" DSTR("mode (default roo-commander)") ",'tags':" DSTRS("keywords"),
	  .run = t_session_new },
	{ .name = "session_log",
	  .description = "Log an event as it happens: each user prompt, decision, delegation, "
			 "result and error.",
	  .input = SESSION ",'type':" VOCAB("event", "default note") ","
		   "'message':" DSTR("what happened"),
	  .entry_fields = true,
	  .required = "['message']",
	  .run = t_session_log },
	{ .name = "session_set_status",
	  .description = "Pause, reactivate or end a session.",
	  .input = SESSION ",'status':" VOCAB("status", "new status") ",'reason':" DSTR("why"),
	  .required = "['status']",
	  .idempotent = true,
	  .run = t_session_set_status },
	{ .name = "session_list",
	  .description = "List sessions, newest first.",
	  .input = "'status':" VOCAB("status", "filter") ",'tag':" DSTR("filter"),
	  .read_only = true,
	  .run = t_session_list },
	{ .name = "session_show",
	  .description = "Read a session and its log entries.",
	  .input = SESSION ",'entries':" DINT("last N only"),
	  .read_only = true,
	  .run = t_session_show },
	{ .name = "session_continue",
	  .description = "Resume a session (default: the active one, never an ended one) and log "
			 "it; returns a digest to pick up the work from.",
	  .input = SESSION ",'max_chars':" DINT("digest bound in bytes (default 8000; 0: none)") ","
		   "'reopen':" DBOOL("reopen it if ended"),
	  .run = t_session_continue },
	{ .name = "artifact_add",
	  .description = "Save a file in the session artifacts/ and log it: name and content, or "
			 "a V7 typed artifact (type, title).",
	  .input = SESSION ",'name':" DSTR("path in artifacts/") ",'content':" DSTR("full text") ","
		   "'force':" DBOOL("replace an existing file") ",'description':" DSTR("what it is, for the log") ","
		   "'type':" VOCAB("artifact-type", "V7 type") ",'title':" DSTR("V7 title") ","
		   "'tags':" DSTRS("V7 tags"),
	  .destructive = true,
	  .run = t_artifact_add },
	{ .name = "artifact_list",
	  .description = "List the session artifacts.",
	  .input = SESSION,
	  .read_only = true,
	  .run = t_artifact_list },
	{ .name = "task_link",
	  .description = "Link an MDTM task to the session.",
	  .input = SESSION "," TASK(""),
	  .required = "['task']",
	  .idempotent = true,
	  .run = t_task_link },
	{ .name = "task_list",
	  .description = "Tasks of the session and their status.",
	  .input = SESSION,
	  .read_only = true,
	  .run = t_task_list },
	{ .name = "session_check",
	  .description = "Check session logs against the standard; lists each problem.",
	  .input = "'session':" DSTR("only this one; default: all"),
	  .read_only = true,
	  .run = t_session_check },
	{ .name = "confirm_propose",
	  .description = "Propose a file change; then show it to the user (confirm_show), ask, and "
			 "record the answer (confirm_decide).",
	  .input = SESSION ",'target':" DSTR("file to change, from the workspace root") ","
		   "'content':" DSTR("new content") ",'diff':" DSTR("or a unified diff") ","
		   "'supersedes':" DSTR("proposal it replaces"),
	  .required = "['target']",
	  .one_of = { "content", "diff" },
	  .run = t_confirm_propose },
	{ .name = "confirm_show",
	  .description = "Target, status and diff of a proposal, to show the user.",
	  .input = ARTIFACT,
	  .required = "['artifact']",
	  .read_only = true,
	  .run = t_confirm_show },
	{ .name = "confirm_decide",
	  .description = "Record a decision. approve and reject record the answer of the user: "
			 "call them only after asking the user. skip (low risk) needs a reason.",
	  .input = ARTIFACT ",'decision':" VOCAB("decision", "approve or reject: the user; skip: you") ","
		   "'reason':" DSTR("why"),
	  .required = "['artifact','decision']",
	  .idempotent = true,
	  .run = t_confirm_decide },
	{ .name = "confirm_delegate",
	  .description = "Hand an approved or skipped proposal to an executor; returns its message.",
	  .input = ARTIFACT ",'to':" DSTR("executor mode slug") "," TASK(""),
	  .required = "['artifact','to']",
	  .run = t_confirm_delegate },
	{ .name = "confirm_apply",
	  .description = "Write an approved or skipped proposal to its target.",
	  .input = ARTIFACT ",'force':" DBOOL("even if the target changed"),
	  .required = "['artifact']",
	  .destructive = true,
	  .idempotent = true,
	  .run = t_confirm_apply },
	{ .name = "confirm_withdraw",
	  .description = "Close a proposal nobody will apply.",
	  .input = ARTIFACT ",'reason':" DSTR("why"),
	  .required = "['artifact']",
	  .idempotent = true,
	  .run = t_confirm_withdraw },
	{ .name = "confirm_list",
	  .description = "List proposals of the session and of .ruru/temp/.",
	  .input = SESSION ",'status':" VOCAB("confirm-status", "filter"),
	  .read_only = true,
	  .run = t_confirm_list },
	{ .name = "confirm_verify",
	  .description = "Check decisions against payloads, hashes and signatures.",
	  .input = "'sessions':" DSTRS("IDs; default: all"),
	  .read_only = true,
	  .run = t_confirm_verify },
	/* search (issue #14) */
	{ .name = "session_search",
	  .description = "Full-text search of entries, sessions, artifacts.",
	  .input = "'query':" DSTR("words, \\\"phrase\\\", pre*, -not, OR") ","
		   "'type':" DSTR("event type") ",'mode':" DSTR("mode slug") "," TASK("")
		   ",'session':" DSTR("ID or prefix") ",'status':" VOCAB("status", "session status")
		   ",'tag':" DSTR("tag") ",'since':" DSTR("YYYY-MM-DD or date-time") ",'until':" DSTR("same; a date: to its end") ","
		   "'in':{'type':'string','enum':['entries','sessions','artifacts'],"
		   "'description':'where'},'limit':" DINT("default 20, 0: all"),
	  .required = "['query']",
	  .read_only = true,
	  .run = t_session_search },
	/* V7 (issue #12): summaries and MDTM tasks */
	{ .name = "session_summarize",
	  .description = "Write a V7 summary of the session.",
	  .input = SESSION,
	  .run = t_session_summarize },
	{ .name = "task_new",
	  .description = "Create an MDTM task; returns its ID.",
	  .input = SESSION ",'type':" VOCAB("task-type", "kind of work") ",'title':" DSTR("one line") ","
		   "'team':" DSTR("team part of the ID") ",'assign':" DSTR("mode slug"),
	  .required = "['type','title']",
	  .run = t_task_new },
	{ .name = "task_status",
	  .description = "Set the status of a task.",
	  .input = TASK("") ",'status':" VOCAB("task-status", "new status"),
	  .required = "['task','status']",
	  .idempotent = true,
	  .run = t_task_status },
	{ .name = "task_claim",
	  .description = "Lease a task to a mode; refused while another lease runs.",
	  .input = TASK("") ",'by':" DSTR("mode slug") ",'ttl':" DSTR("e.g. 30m (default)"),
	  .required = "['task','by']",
	  .run = t_task_claim },
	{ .name = "task_release",
	  .description = "Give a leased task back.",
	  .input = TASK("") ",'by':" DSTR("mode slug") ",'status':" VOCAB("task-status", "to set (default todo)"),
	  .required = "['task']",
	  .idempotent = true,
	  .run = t_task_release },
};

const size_t mcp_ntools = sizeof(mcp_tools) / sizeof(mcp_tools[0]);
