/*
 * tools.c — the MCP tools of DESIGN §11, one per library operation.  Each
 * entry is a name, a one-line description, its JSON Schemas and a
 * function that makes the same library call as the matching CLI command
 * (src/cli/cmd-*.c) and returns the same JSON object that command prints
 * with --json.  No session logic lives here: arguments in, library call,
 * JSON out.  Descriptions are short on purpose: the whole tools/list
 * result is sent to the model on every turn (bench/mcp.sh measures it).
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

static enum ruru_status status_word(const char *w)
{
	for (int s = RURU_STATUS_ACTIVE; w && s <= RURU_STATUS_ERROR; s++)
		if (!strcmp(w, ruru_status_word(s)))
			return s;
	return RURU_STATUS_UNKNOWN;
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
	struct ruru_entry e = { .type = RURU_EV_NOTE };
	const char *type = arg_str(args, "type");
	if (type)
		e.type = ruru_event_parse(type); /* the schema's enum made it valid */
	json_t *msg = json_object_get(args, "message");
	e.message = (char *)json_string_value(msg);
	e.message_len = json_string_length(msg);
	e.mode = (char *)arg_str(args, "mode");
	e.task = (char *)arg_str(args, "task");
	e.artifact = (char *)arg_str(args, "artifact");
	e.adr = (char *)arg_str(args, "adr");
	e.outcome = (char *)arg_str(args, "outcome");
	e.source = (char *)arg_str(args, "source");
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
	enum ruru_status to = status_word(arg_str(args, "status"));
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
	if (ruru_session_list(env->ws, status_word(arg_str(args, "status")), arg_str(args, "tag"),
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
	size_t last = ne ? (size_t)json_integer_value(ne) : 0;
	struct ruru_session s;
	char *id = session_of(env, args, err);
	if (!id || ruru_session_load(env->ws, id, RURU_LOAD_ENTRIES, &s, err) < 0) {
		free(id);
		return NULL;
	}
	free(id);
	json_t *r = ruru_session_json(&s, true, last);
	/* "the last 0 entries" is none (the library reads 0 as "all"). */
	if (ne && last == 0)
		json_array_clear(json_object_get(r, "entries"));
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
	if (ruru_session_list(env->ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &e) < 0)
		return;
	if (n)
		ruru_buf_addstr(&env->note, "\nrecent sessions (continue one with its ID):");
	for (size_t i = 0; i < n && i < 10; i++)
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
	/* The digest is the text the model reads; the structured result
	 * carries the rest, so the digest is sent once. */
	const char *d = json_string_value(json_object_get(r, "digest"));
	ruru_buf_addstr(&env->text, d ? d : "");
	json_object_del(r, "digest");
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
	static const char *const words[] = { "approve", "reject", "skip" };
	const char *d = arg_str(args, "decision");
	enum ruru_confirm_decision dec = RURU_DECIDE_APPROVE;
	for (int i = 0; i < 3; i++)
		if (!strcmp(d, words[i]))
			dec = (enum ruru_confirm_decision)i;
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
	json_t *r = confirm_result(&c);
	json_object_set_new(r, "message", json_string(msg ? msg : ""));
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
	o.mode = arg_str(args, "mode");
	o.task = arg_str(args, "task");
	o.session = arg_str(args, "session");
	o.tag = arg_str(args, "tag");
	o.status = status_word(arg_str(args, "status"));
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

/* ---------------------------------------------------------------- table */

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
	json_t *r = NULL;
	if (ruru_task_release(env->ws, arg_str(args, "task"), arg_str(args, "by"), RURU_TASK_UNKNOWN,
			      &r, err) < 0)
		return NULL;
	return r;
}

/* Schema fragments.  `session` is described once in the server's
 * instructions (ID or unique prefix; default: the active session). */
#define STR "{'type':'string'}"
#define SESSION "'session':" STR
#define OUT(props, req) "{'type':'object','properties':{" props "},'required':[" req "]}"
#define OSESSION "'session':" STR
#define ENUM(...) "{'type':'string','enum':[" __VA_ARGS__ "]}"
#define CONFIRM_OUT OUT("'artifact':" STR ",'target':" STR ",'status':" STR, "'artifact','status'")
#define STATUSES ENUM("'active','paused','completed','error'")

const struct mcp_tool mcp_tools[] = {
	{ .name = "session_new",
	  .description = "Start a session and make it active",
	  .input = "'goal':" STR ",'description':{'type':'string','description':'Goal section'},"
		   "'coordinator':" STR ",'tags':{'type':'array','items':" STR "}",
	  .output = OUT("'id':" STR, "'id'"),
	  .run = t_session_new },
	{ .name = "session_log",
	  .description = "Log an event",
	  .input = SESSION ",'type':" ENUM("'session','prompt','response','decision','delegation',"
		   "'artifact','confirm-request','confirm-response','confirm-skip','result','error',"
		   "'note'") ",'message':" STR ",'mode':" STR ",'task':" STR
		   ",'artifact':{'type':'string','description':'path in the session (artifacts/x) or the root'}"
		   ",'adr':" STR ",'outcome':" ENUM("'success','failure','approved','rejected'") ","
		   "'source':" STR,
	  .required = "['message']",
	  .output = OUT(OSESSION ",'type':" STR, "'session','type'"),
	  .run = t_session_log },
	{ .name = "session_set_status",
	  .description = "Pause, resume (active), complete or fail a session",
	  .input = SESSION ",'status':" STATUSES ",'reason':" STR,
	  .required = "['status']",
	  .output = OUT(OSESSION ",'status':" STR, "'session','status'"),
	  .run = t_session_set_status },
	{ .name = "session_list",
	  .description = "List sessions, newest first",
	  .input = "'status':" STATUSES ",'tag':" STR,
	  .output = OUT("'sessions':{'type':'array'}", "'sessions'"),
	  .run = t_session_list },
	{ .name = "session_show",
	  .description = "Metadata and log entries of a session",
	  .input = SESSION ",'entries':{'type':'integer','minimum':0,'description':'only the last N'}",
	  .output = OUT("'id':" STR ",'entries':{'type':'array'}", "'id','entries'"),
	  .run = t_session_show },
	{ .name = "session_continue",
	  .description = "Resume a session (default: the active one, never an ended one), log it; returns its digest",
	  .input = SESSION ",'max_chars':{'type':'integer','minimum':0,'description':'bytes (default 8000, 0: no bound)'},"
		   "'reopen':{'type':'boolean','description':'reopen it if ended'}",
	  .output = OUT("'id':" STR, "'id'"),
	  .run = t_session_continue },
	{ .name = "artifact_add",
	  .description = "Store a text file in the session artifacts/ and log it (or a V7 note: type, title)",
	  .input = SESSION ",'name':{'type':'string','description':'path under artifacts/'},"
		   "'content':" STR ",'force':{'type':'boolean','description':'replace'},"
		   "'description':{'type':'string','description':'for the log entry'},"
		   "'type':" STR ",'title':" STR ",'tags':{'type':'array','items':" STR "}",
	  .output = OUT(OSESSION ",'path':" STR, "'session','path'"),
	  .run = t_artifact_add },
	{ .name = "artifact_list",
	  .description = "List the session artifacts",
	  .input = SESSION,
	  .output = OUT(OSESSION ",'artifacts':{'type':'array'}", "'session','artifacts'"),
	  .run = t_artifact_list },
	{ .name = "task_link",
	  .description = "Link an MDTM task to a session",
	  .input = SESSION ",'task':" STR,
	  .required = "['task']",
	  .output = OUT(OSESSION ",'task':" STR, "'session','task'"),
	  .run = t_task_link },
	{ .name = "task_list",
	  .description = "Linked tasks with their MDTM status",
	  .input = SESSION,
	  .output = OUT(OSESSION ",'tasks':{'type':'array'}", "'session','tasks'"),
	  .run = t_task_list },
	{ .name = "confirm_propose",
	  .description = "Propose an edit for confirmation: the new content of target, or a diff",
	  .input = SESSION ",'target':" STR ",'content':" STR ",'diff':" STR
		   ",'supersedes':{'type':'string','description':'earlier proposal to withdraw'}",
	  .required = "['target']",
	  .one_of = { "content", "diff" },
	  .output = CONFIRM_OUT,
	  .run = t_confirm_propose },
	{ .name = "confirm_decide",
	  .description = "Record the decision on a proposal (skip: low risk, reason required)",
	  .input = "'artifact':" STR ",'decision':" ENUM("'approve','reject','skip'") ",'reason':" STR,
	  .required = "['artifact','decision']",
	  .output = CONFIRM_OUT,
	  .run = t_confirm_decide },
	{ .name = "confirm_delegate",
	  .description = "Hand a decided proposal to an executor mode; returns its instruction",
	  .input = "'artifact':" STR ",'to':" STR ",'task':" STR,
	  .required = "['artifact','to']",
	  .output = OUT("'artifact':" STR ",'message':" STR, "'artifact','message'"),
	  .run = t_confirm_delegate },
	{ .name = "confirm_apply",
	  .description = "Write an approved or skipped proposal to its target",
	  .input = "'artifact':" STR ",'force':{'type':'boolean','description':'over a changed target'}",
	  .required = "['artifact']",
	  .output = CONFIRM_OUT,
	  .run = t_confirm_apply },
	{ .name = "confirm_list",
	  .description = "List proposals of a session and of .ruru/temp/",
	  .input = SESSION ",'status':" ENUM("'pending','approved','rejected','skipped','applied',"
					     "'failed','withdrawn','unadopted'"),
	  .output = OUT("'confirmations':{'type':'array'}", "'confirmations'"),
	  .run = t_confirm_list },
	/* confirm_show, confirm_withdraw (confirm) */
	{ .name = "confirm_show",
	  .description = "A proposal's target, status, decision and diff (show it to the user)",
	  .input = "'artifact':" STR,
	  .required = "['artifact']",
	  .run = t_confirm_show },
	{ .name = "confirm_withdraw",
	  .description = "Close a proposal that will not be applied",
	  .input = "'artifact':" STR ",'reason':" STR,
	  .required = "['artifact']",
	  .run = t_confirm_withdraw },
	{ .name = "confirm_verify",
	  .description = "Check proposals against payload, decision records, signatures",
	  .input = "'sessions':{'type':'array','items':" STR "}",
	  .run = t_confirm_verify },

	/* search (issue #14) */
	{ .name = "session_search",
	  .description = "Full-text search (words, \"a phrase\", prefix*, -word, OR; limit 20)",
	  .input = "'query':" STR ",'type':" STR ",'mode':" STR ",'task':" STR ",'session':" STR
		   ",'status':" STATUSES ",'tag':" STR ",'since':" STR ",'until':" STR
		   ",'in':" ENUM("'entries','sessions','artifacts'")
		   ",'limit':{'type':'integer','minimum':0}",
	  .required = "['query']",
	  .output = OUT("'query':" STR ",'hits':{'type':'array'}", "'query','hits'"),
	  .run = t_session_search },
	/* --- V7 (issue #12): summaries and MDTM tasks.  Terse, no output
	 * schemas: tools/list must stay small (tests/mcp/client.mjs). */
	{ .name = "session_summarize",
	  .description = "Write a V7 session summary from the log",
	  .input = SESSION,
	  .run = t_session_summarize },
	{ .name = "task_new",
	  .description = "New MDTM task of type feature|bug|chore|documentation|test|spike",
	  .input = SESSION ",'type':" STR ",'title':" STR ",'team':" STR ",'assign':" STR,
	  .required = "['type','title']",
	  .run = t_task_new },
	{ .name = "task_status",
	  .description = "Set a task status: todo|in-progress|review|done|blocked|error",
	  .input = "'task':" STR ",'status':" STR,
	  .required = "['task','status']",
	  .run = t_task_status },
	{ .name = "task_claim",
	  .description = "Lease a task for mode by (ttl 30m); fails naming the holder",
	  .input = "'task':" STR ",'by':" STR ",'ttl':" STR,
	  .required = "['task','by']",
	  .run = t_task_claim },
	{ .name = "task_release",
	  .description = "Give a leased task back",
	  .input = "'task':" STR ",'by':" STR,
	  .required = "['task']",
	  .run = t_task_release },
};

const size_t mcp_ntools = sizeof(mcp_tools) / sizeof(mcp_tools[0]);
