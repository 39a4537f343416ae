/*
 * tools.c — the MCP tools of DESIGN §11, one per library operation.  Each
 * entry is a name, a one-line description, its JSON Schemas and a
 * function that makes the same library call as the matching CLI command
 * (src/cli/cmd-*.c) and returns the same JSON object that command prints
 * with --json.  No session logic lives here: arguments in, library call,
 * JSON out.  Descriptions tell a model what each tool is for and when to
 * call it, and every argument what it means and relative to what; they
 * stay tight because the whole tools/list result is sent to the model on
 * every turn (bench/mcp.sh measures it; DESIGN §11 keeps it under 8 KB).
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
	char *id = ruru_session_new(env->ws, &o, err);
	free(tv);
	if (!id)
		return NULL;
	json_t *r = json_pack("{s:s}", "id", id);
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
		ruru_buf_addstr(&env->note, "\nrecent sessions (continue one with its ID):");
	for (size_t i = 0; i < n; i++)
		ruru_buf_addf(&env->note, "\n  %s  %s  %s", list[i].id,
			      list[i].status ? ruru_status_word(list[i].status) : "?",
			      list[i].title ? list[i].title : "");
	ruru_session_list_free(list, n);
}

static int do_continue(struct mcp_env *env, const char *session, size_t max, char **digest,
		       json_t **json, struct ruru_error *err)
{
	char *id = ruru_session_resolve(env->ws, session ? session : env->session, err);
	if (!id) {
		if (err->code == RURU_ENOTFOUND)
			offer_recent(env);
		return -1;
	}
	int rc = ruru_session_continue(env->ws, id, max, digest, json, err);
	free(id);
	return rc;
}

static json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *mc = json_object_get(args, "max_chars");
	json_t *r = NULL;
	if (do_continue(env, arg_str(args, "session"), mc ? (size_t)json_integer_value(mc) : 0, NULL,
			&r, err) < 0)
		return NULL;
	return r;
}

char *mcp_continue_digest(struct mcp_env *env, const char *session, struct ruru_error *err)
{
	char *digest = NULL;
	if (do_continue(env, session, 0, &digest, NULL, err) < 0)
		return NULL;
	return digest;
}

static json_t *t_artifact_add(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *content = json_object_get(args, "content");
	json_t *force = json_object_get(args, "force");
	char *rel = NULL;
	char *id = session_of(env, args, err);
	if (!id || ruru_artifact_add(env->ws, id, arg_str(args, "name"), json_string_value(content),
				     json_string_length(content), json_is_true(force), &rel, err) < 0) {
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
				      json_string_value(payload), json_string_length(payload), &c, err);
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

/* ---------------------------------------------------------------- table */

/* Schema fragments, with single quotes (server.c turns them into double
 * quotes, so no text here may hold an apostrophe). */
#define STR "{'type':'string'}"
#define DSTR(d) "{'type':'string','description':'" d "'}"
#define VOCAB(v, d) "{'type':'string','enum':'@" v "','description':'" d "'}"
#define SESSION "'session':" DSTR("ID or prefix; default: the active session")
#define ARTIFACT "'artifact':" DSTR("CONFIRM artifact path from confirm_propose")

const struct mcp_tool mcp_tools[] = {
	{ .name = "session_new",
	  .description = "Start a session for a new piece of work and make it active; returns "
			 "its ID.",
	  .input = "'goal':" DSTR("the goal in a few words") ","
		   "'description':" DSTR("text of the Goal section") ","
		   "'coordinator':" DSTR("coordinating mode (default roo-commander)") ","
		   "'tags':{'type':'array','items':" STR ",'description':'keywords'}",
	  .run = t_session_new },
	{ .name = "session_log",
	  .description = "Log an event: the user prompt, each decision, delegation, result, "
			 "error.",
	  .input = SESSION ",'type':" VOCAB("event", "default note") ","
		   "'message':" DSTR("what happened; may span lines"),
	  .entry_fields = true,
	  .required = "['message']",
	  .run = t_session_log },
	{ .name = "session_set_status",
	  .description = "Pause, reopen (active) or end (completed, error) a session; logs it.",
	  .input = SESSION ",'status':" VOCAB("status", "the new status") ","
		   "'reason':" DSTR("why; added to the log"),
	  .required = "['status']",
	  .run = t_session_set_status },
	{ .name = "session_list",
	  .description = "List sessions, newest first.",
	  .input = "'status':" VOCAB("status", "only with this status") ","
		   "'tag':" DSTR("only with this tag"),
	  .read_only = true,
	  .run = t_session_list },
	{ .name = "session_show",
	  .description = "Read a session: metadata and log entries.",
	  .input = SESSION ",'entries':{'type':'integer','minimum':0,"
		   "'description':'only the last N (default all)'}",
	  .read_only = true,
	  .run = t_session_show },
	{ .name = "session_continue",
	  .description = "Resume work on a session (reopens a paused one, makes it active); "
			 "returns a digest to pick up from.",
	  .input = SESSION ",'max_chars':{'type':'integer','minimum':0,"
		   "'description':'digest size bound in bytes; newest entries kept'}",
	  .run = t_session_continue },
	{ .name = "artifact_add",
	  .description = "Save a text file as a session artifact and log it; returns its path.",
	  .input = SESSION ",'name':" DSTR("file name under the session artifacts/") ","
		   "'content':" DSTR("full text of the file") ","
		   "'force':{'type':'boolean','description':'replace an existing one'}",
	  .required = "['name','content']",
	  .destructive = true,
	  .run = t_artifact_add },
	{ .name = "artifact_list",
	  .description = "List the session artifacts.",
	  .input = SESSION,
	  .read_only = true,
	  .run = t_artifact_list },
	{ .name = "task_link",
	  .description = "Link an MDTM task to the session.",
	  .input = SESSION ",'task':" DSTR("MDTM task ID"),
	  .required = "['task']",
	  .idempotent = true,
	  .run = t_task_link },
	{ .name = "task_list",
	  .description = "Linked tasks with the status of their task files.",
	  .input = SESSION,
	  .read_only = true,
	  .run = t_task_list },
	{ .name = "session_check",
	  .description = "Check session logs against the standard; lists every problem.",
	  .input = "'session':" DSTR("only this session; default: all"),
	  .read_only = true,
	  .run = t_session_check },
	{ .name = "confirm_propose",
	  .description = "Propose a file change for the user to confirm; then ask the user and "
			 "record the answer with confirm_decide.",
	  .input = SESSION ",'target':" DSTR("file to change, relative to the workspace root")
		   ",'content':" DSTR("its complete new content") ","
		   "'diff':" DSTR("or a unified diff against it"),
	  .required = "['target']",
	  .one_of = { "content", "diff" },
	  .run = t_confirm_propose },
	{ .name = "confirm_decide",
	  .description = "Record a decision on a proposal. approve and reject record the answer "
			 "of the user: use them only after asking the user. skip (low risk) needs "
			 "a reason.",
	  .input = ARTIFACT ",'decision':" VOCAB("decision", "the decision") ","
		   "'reason':" DSTR("why; required for skip"),
	  .required = "['artifact','decision']",
	  .run = t_confirm_decide },
	{ .name = "confirm_delegate",
	  .description = "Hand a decided proposal to an executor mode; returns its instruction.",
	  .input = ARTIFACT ",'to':" DSTR("executor mode") ","
		   "'task':" DSTR("MDTM task ID, if any"),
	  .required = "['artifact','to']",
	  .run = t_confirm_delegate },
	{ .name = "confirm_apply",
	  .description = "Write an approved or skipped proposal to its target.",
	  .input = ARTIFACT ",'force':{'type':'boolean',"
		   "'description':'even if the target changed since'}",
	  .required = "['artifact']",
	  .destructive = true,
	  .run = t_confirm_apply },
	{ .name = "confirm_list",
	  .description = "List proposals of the session and of .ruru/temp/.",
	  .input = SESSION ",'status':" VOCAB("confirm-status", "only with this status"),
	  .read_only = true,
	  .run = t_confirm_list },
};

const size_t mcp_ntools = sizeof(mcp_tools) / sizeof(mcp_tools[0]);
