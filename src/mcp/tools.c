/*
 * tools.c — the MCP tools of doc/design.md §12, one per library operation.  Each
 * entry is a name, a one-line description and a
 * function that makes the same library call as the matching CLI command
 * (src/cli/cmd-*.c) and returns the same JSON object that command prints
 * with --json, and beside it a function that renders that object as the
 * short text sent with it (see "text renderings" below).  No session logic
 * lives here: arguments in, library call, JSON and text out.  Descriptions tell a model what each tool is for and when to
 * call it, and every argument what it means and relative to what; they
 * stay tight because the whole tools/list result is sent to the model on
 * every turn (bench/mcp.sh measures it per toolset; tests/mcp/agents.py
 * holds the default toolset, core, under 6,000 bytes and client.mjs the
 * whole list under 12 KB).  Each tool belongs to one toolset (.set);
 * arguments a coordinator seldom passes (.more) are listed only with the
 * toolset named in .more_set.
 * The arguments are not written here: a tool takes the arguments of the
 * library verb of its name (src/lib/base/verbs.c), the rows the CLI's
 * options come from too, and server.c builds the input schema from them,
 * with the words of the library's vocabularies.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools.h"
#include "banned.h"

/* ------------------------------------------------------------- helpers */

static const char *arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

/* ------------------------------------------------------ text renderings */

/*
 * Each tool's result also goes out as a short text (doc/design.md §12), because
 * some clients show the model only the text content and others only
 * structuredContent.  The text is built from the result object (never the
 * JSON again) by the function named in the tool's table entry (.text,
 * x_<tool>, written right after t_<tool>), and carries every identifier a
 * next call needs: session IDs, artifact paths, task IDs.  Text that comes
 * from files or the user is escaped (ruru_text_escape) so that a title
 * cannot forge a line.
 */

static const char *get_s(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A field on one line: a string escaped, an integer, else `none`. */
static void add_field(struct ruru_buf *b, const json_t *o, const char *key, const char *none)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		ruru_text_escape(b, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		ruru_buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (none)
		ruru_buf_addstr(b, none);
}

/* " · LABEL VALUE" when the field is a non-empty string. */
static void add_opt(struct ruru_buf *b, const json_t *o, const char *key, const char *label)
{
	const char *v = get_s(o, key);
	if (v && *v) {
		ruru_buf_addf(b, " · %s ", label);
		add_field(b, o, key, NULL);
	}
}

/* Text of several lines (a message, a diff): tabs and newlines kept,
 * every line after the first indented by `indent`. */
static void add_block(struct ruru_buf *b, const json_t *v, const char *indent)
{
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_text_escape_keep(&t, json_string_value(v), json_string_length(v), "\t\n");
	for (size_t i = 0; i < t.len; i++) {
		ruru_buf_addch(b, t.ptr[i]);
		if (t.ptr[i] == '\n' && i + 1 < t.len)
			ruru_buf_addstr(b, indent);
	}
	ruru_buf_release(&t);
}

/* The elements of an array of strings, comma-separated (escaped). */
static void add_list(struct ruru_buf *b, const json_t *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (i)
			ruru_buf_addstr(b, ", ");
		ruru_text_escape(b, json_string_value(v), json_string_length(v));
	}
}

/* "N things" with the right number. */
static void add_count(struct ruru_buf *b, size_t n, const char *one, const char *many)
{
	ruru_buf_addf(b, "%zu %s", n, n == 1 ? one : many);
}

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
	char *other = NULL;
	o.other_active = &other;
	char *id = ruru_session_new(env->ws, &o, err);
	free(tv);
	if (!id)
		return NULL;
	json_t *r = json_pack("{s:s}", "id", id);
	/* Another session that stays active, as `ruru new` says on stderr. */
	json_object_set_new(r, "other_active", other ? json_string(other) : json_null());
	free(other);
	free(id);
	return r;
}

static void x_session_new(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Started ");
	add_field(b, r, "id", "?");
	ruru_buf_addstr(b, " (active).");
	if (get_s(r, "other_active")) {
		ruru_buf_addstr(b, " Session ");
		add_field(b, r, "other_active", NULL);
		ruru_buf_addstr(b, " is still active too; pause or complete it with "
				   "session_set_status when its work is done.");
	}
}

static json_t *t_session_log(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	bool adr_missing = false, artifact_missing = false;
	size_t duplicate_of = 0;
	struct ruru_log_input e = { .type = RURU_EV_NOTE, .adr_missing = &adr_missing,
				    .artifact_missing = &artifact_missing,
				    .duplicate_of = &duplicate_of };
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
	if (duplicate_of) {
		json_object_set_new(r, "duplicate_of", json_integer((json_int_t)duplicate_of));
		json_object_set_new(r, "warning",
				    json_sprintf("not written: the entry at line %zu of the log already "
						 "records this event (logged by a host's hook)",
						 duplicate_of));
	} else if (adr_missing)
		json_object_set_new(r, "warning",
				    json_string("logged, but no ADR file has that path (yet)"));
	else if (artifact_missing)
		json_object_set_new(r, "warning",
				    json_string("logged, but the session has no such artifact (yet)"));
	else if (e.message_len > RURU_MESSAGE_LARGE)
		json_object_set_new(r, "warning",
				    json_sprintf("logged a message of %zu bytes; digests show only its "
						 "first part (big text belongs in artifact_add)",
						 e.message_len));
	free(id);
	return r;
}

static void x_session_log(const json_t *r, struct ruru_buf *b)
{
	if (json_object_get(r, "duplicate_of")) {
		ruru_buf_addstr(b, "Not logged in ");
		add_field(b, r, "session", "?");
		ruru_buf_addstr(b, ": ");
		add_field(b, r, "warning", "");
		ruru_buf_addch(b, '.');
		return;
	}
	ruru_buf_addstr(b, "Logged ");
	add_field(b, r, "type", "an entry");
	ruru_buf_addstr(b, " in ");
	add_field(b, r, "session", "?");
	ruru_buf_addch(b, '.');
	if (json_object_get(r, "warning")) {
		ruru_buf_addstr(b, " Warning: ");
		add_field(b, r, "warning", "");
		ruru_buf_addch(b, '.');
	}
}

/* The status of session `id` now; RURU_STATUS_UNKNOWN when unreadable. */
static enum ruru_status status_now(struct mcp_env *env, const char *id)
{
	struct ruru_session s;
	struct ruru_error e = { 0 };
	enum ruru_status st = RURU_STATUS_UNKNOWN;
	if (ruru_session_load(env->ws, id, 0, &s, &e) == 0 && s.valid)
		st = s.status;
	ruru_session_release(&s);
	return st;
}

static json_t *t_session_set_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	enum ruru_status to = ruru_status_from_word(arg_str(args, "status"));
	char *id = session_of(env, args, err);
	bool already = false;
	if (!id)
		return NULL;
	if (ruru_session_set_status(env->ws, id, to, arg_str(args, "reason"), err) < 0) {
		/* A repeat (a retry after a lost answer) is no failure: the
		 * session is where the call wanted it. */
		already = err->code == RURU_ECONFLICT && status_now(env, id) == to;
		if (!already) {
			free(id);
			return NULL;
		}
		ruru_error_clear(err);
	}
	json_t *r = json_pack("{s:s, s:s, s:s, s:b}", "session", id, "status", ruru_status_word(to),
			      "status_text", ruru_status_string(to), "already", already);
	free(id);
	return r;
}

static void x_session_set_status(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Session ");
	add_field(b, r, "session", "?");
	ruru_buf_addstr(b, json_is_true(json_object_get(r, "already")) ? " is already " : " is now ");
	add_field(b, r, "status_text", NULL);
	ruru_buf_addstr(b, " (");
	add_field(b, r, "status", "?");
	ruru_buf_addstr(b, ").");
}

/* Sessions session_list answers when no limit is given: the answer stays
 * small on a workspace of thousands; `total` and `omitted` say what is left. */
#define MCP_LIST_DEFAULT 50

static json_t *t_session_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	json_t *lim = json_object_get(args, "limit");
	json_int_t want = lim ? json_integer_value(lim) : MCP_LIST_DEFAULT;
	if (ruru_session_list(env->ws, ruru_status_from_word(arg_str(args, "status")), arg_str(args, "tag"),
			      &list, &n, err) < 0)
		return NULL;
	size_t keep = want < 0 || (size_t)want > n ? n : (size_t)want;
	json_t *arr = json_array();
	for (size_t i = 0; i < keep; i++)
		json_array_append_new(arr, ruru_session_json(&list[i], false, 0));
	ruru_session_list_free(list, n);
	return json_pack("{s:o, s:I, s:I}", "sessions", arr, "total", (json_int_t)n, "omitted",
			 (json_int_t)(n - keep));
}

/* One session on one line: ID, status, start, title, tags. */
static void add_session_row(struct ruru_buf *b, const json_t *s)
{
	add_field(b, s, "id", "?");
	ruru_buf_addstr(b, "  ");
	if (json_is_false(json_object_get(s, "valid")))
		ruru_buf_addstr(b, "invalid");
	else
		add_field(b, s, "status", "-");
	ruru_buf_addstr(b, "  ");
	add_field(b, s, "start_time", "-");
	ruru_buf_addstr(b, "  ");
	add_field(b, s, "title", "");
	if (json_array_size(json_object_get(s, "tags"))) {
		ruru_buf_addstr(b, "  [tags: ");
		add_list(b, json_object_get(s, "tags"));
		ruru_buf_addch(b, ']');
	}
	ruru_buf_addch(b, '\n');
}

static void x_session_list(const json_t *r, struct ruru_buf *b)
{
	json_t *a = json_object_get(r, "sessions"), *s;
	size_t i;
	if (!json_array_size(a) && json_integer_value(json_object_get(r, "total")) <= 0) {
		ruru_buf_addstr(b, "No sessions.");
		return;
	}
	add_count(b, json_array_size(a), "session", "sessions");
	ruru_buf_addstr(b, ", newest first (ID, status, started, title):\n");
	json_array_foreach(a, i, s)
		add_session_row(b, s);
	json_int_t left = json_integer_value(json_object_get(r, "omitted"));
	if (left > 0)
		ruru_buf_addf(b, "%" JSON_INTEGER_FORMAT " older of %" JSON_INTEGER_FORMAT
			      " left out: pass a larger limit, or status or tag to narrow.\n",
			      left, json_integer_value(json_object_get(r, "total")));
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
	mcp_bound_entries(r, MCP_DIGEST_MAX);
	return r;
}

/* Keep a session's JSON entries within about `max` bytes of text: a
 * message longer than an eighth of it is cut (saying how much is left
 * out), and the oldest entries go first (entries_omitted says how many). */
void mcp_bound_entries(json_t *r, size_t max)
{
	json_t *a = json_object_get(r, "entries");
	size_t n = json_array_size(a), used = 0, keep = 0, share = max / 8;
	for (size_t i = n; i-- > 0;) {
		json_t *e = json_array_get(a, i);
		json_t *m = json_object_get(e, "message");
		size_t ml = json_string_length(m);
		if (ml > share) {
			size_t cut = share;
			const char *t = json_string_value(m);
			while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
				cut--;
			json_object_set_new(e, "message",
					    json_sprintf("%.*s… (%zu bytes more)", (int)cut, t, ml - cut));
			json_object_set_new(e, "message_cut", json_true());
			ml = cut + 32;
		}
		if (used + ml + 256 > max && keep)
			break;
		used += ml + 256;
		keep++;
	}
	if (keep < n) {
		json_t *b = json_array();
		for (size_t i = n - keep; i < n; i++)
			json_array_append(b, json_array_get(a, i));
		json_object_set_new(r, "entries", b);
	}
	json_object_set_new(r, "entries_omitted", json_integer((json_int_t)(n - keep)));
}

static void x_session_show(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Session ");
	add_field(b, r, "id", "?");
	ruru_buf_addstr(b, ": ");
	add_field(b, r, "title", "");
	ruru_buf_addstr(b, "\nLog: ");
	add_field(b, r, "path", "?");
	if (get_s(r, "problem")) {
		ruru_buf_addstr(b, "\nInvalid: ");
		add_field(b, r, "problem", NULL);
	}
	/* every other key of the library's key table that holds something,
	 * under its label; a key with a "_text" twin (the status) shows the
	 * text as written */
	struct ruru_session_key key;
	for (size_t k = 0; ruru_session_key(k, &key); k++) {
		if (!strcmp(key.name, "id") || !strcmp(key.name, "title"))
			continue; /* the first line's */
		json_t *v = json_object_get(r, key.name);
		if (key.list) {
			if (json_array_size(v)) {
				ruru_buf_addf(b, "\n%s: ", key.label);
				add_list(b, v);
			}
			continue;
		}
		char twin[64];
		snprintf(twin, sizeof twin, "%s_text", key.name);
		const char *text = get_s(r, twin) ? twin : key.name;
		if (json_string_length(json_object_get(r, text))) {
			ruru_buf_addf(b, "\n%s: ", key.label);
			add_field(b, r, text, NULL);
		}
	}
	json_t *goal = json_object_get(r, "goal");
	if (json_string_length(goal)) {
		ruru_buf_addstr(b, "\nGoal:\n  ");
		add_block(b, goal, "  ");
	}
	json_t *entries = json_object_get(r, "entries"), *e;
	size_t i, n = json_array_size(entries);
	json_int_t all = json_integer_value(json_object_get(r, "entry_count"));
	ruru_buf_addstr(b, "\nEntries");
	if (!n)
		ruru_buf_addf(b, ": %" JSON_INTEGER_FORMAT "%s", all, all ? " (none shown)" : "");
	else if ((json_int_t)n < all)
		ruru_buf_addf(b, " (last %zu of %" JSON_INTEGER_FORMAT "):", n, all);
	else
		ruru_buf_addch(b, ':');
	json_array_foreach(entries, i, e)
	{
		ruru_buf_addstr(b, "\n- [");
		add_field(b, e, "stamp", "?");
		ruru_buf_addstr(b, "] ");
		add_field(b, e, "type", "?");
		if (json_is_true(json_object_get(e, "type_inferred")))
			ruru_buf_addch(b, '?');
		static const char *const fields[] = { "mode", "task", "artifact", "adr", "outcome",
						      "source" };
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			add_opt(b, e, fields[f], fields[f]);
		ruru_buf_addstr(b, ": ");
		add_block(b, json_object_get(e, "message"), "  ");
	}
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
		struct ruru_error e = { 0 };
		if (ruru_session_load(env->ws, id, 0, &s, &e) == 0 &&
		    (s.status == RURU_STATUS_COMPLETED || s.status == RURU_STATUS_ERROR))
			ruru_buf_addstr(&env->note,
					"\nto reopen it, call session_continue with this session and reopen: true");
		ruru_session_release(&s);
	}
	free(id);
	return rc;
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

static json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *mc = json_object_get(args, "max_chars");
	json_t *r = NULL;
	if (do_continue(env, arg_str(args, "session"),
			mc ? mcp_digest_bound(json_integer_value(mc)) : RURU_DIGEST_DEFAULT,
			json_is_true(json_object_get(args, "reopen")), NULL, &r, err) < 0)
		return NULL;
	return r; /* x_session_continue: the digest is the text */
}

/* The digest is the text, as it reads; the structured result keeps it too,
 * because clients show the model one of the two: Claude Code and VS Code
 * pass only structuredContent when a result has it (anthropics/claude-code
 * #55677, #79944), others only the text. */
static void x_session_continue(const json_t *r, struct ruru_buf *b)
{
	json_t *d = json_object_get(r, "digest");
	ruru_buf_add(b, json_string_value(d) ? json_string_value(d) : "", json_string_length(d));
}

/* The digest, read-only: nothing is logged, resumed or made active. */
static json_t *t_session_digest(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	json_t *mc = json_object_get(args, "max_chars");
	json_t *r = NULL;
	char *id = session_of(env, args, err);
	if (!id)
		return NULL;
	int rc = ruru_session_digest(env->ws, id,
				     mc ? mcp_digest_bound(json_integer_value(mc)) : RURU_DIGEST_DEFAULT,
				     NULL, &r, err);
	free(id);
	return rc < 0 ? NULL : r;
}

char *mcp_continue_digest(struct mcp_env *env, const char *session, size_t max_chars,
			  struct ruru_error *err)
{
	char *digest = NULL;
	if (max_chars > MCP_DIGEST_MAX || !max_chars)
		max_chars = MCP_DIGEST_MAX;
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

static void x_artifact_add(const json_t *r, struct ruru_buf *b)
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

static json_t *t_artifact_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	struct ruru_artifact_list *l = id ? ruru_artifact_list(env->ws, id, err) : NULL;
	free(id);
	if (!l)
		return NULL;
	MCP_RETURN_RESULT(env, artifact_list, l);
}

static json_t *t_task_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err);
	struct ruru_task_list *l = id ? ruru_task_list(env->ws, id, err) : NULL;
	free(id);
	if (!l)
		return NULL;
	MCP_RETURN_RESULT(env, task_list, l);
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

static void x_task_link(const json_t *r, struct ruru_buf *b)
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

static json_t *t_confirm_decide(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

static json_t *t_confirm_apply(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	bool again = false;
	if (ruru_confirm_apply(env->ws, arg_str(args, "artifact"),
			       json_is_true(json_object_get(args, "force")), &c, err) < 0) {
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
	ruru_buf_addch(b, '.');
	if (!again)
		return confirm_result(&c);
	json_t *r = already_result(&c);
	json_object_set_new(r, "already_applied", json_true());
	return r;
}

static json_t *t_confirm_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

static json_t *t_session_check(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_check_report *report = NULL;
	int n;
	if (arg_str(args, "session")) {
		char *id = session_of(env, args, err);
		if (!id)
			return NULL;
		struct ruru_buf log = RURU_BUF_INIT;
		ruru_buf_addf(&log, ".ruru/sessions/%s/session_log.md", id);
		const char *files[] = { log.ptr };
		n = ruru_check(env->ws, files, 1, &report, err);
		ruru_buf_release(&log);
		free(id);
	} else {
		n = ruru_check(env->ws, NULL, 0, &report, err);
	}
	if (n < 0)
		return NULL;
	ruru_check_report_text(report, &env->text);
	json_t *problems = ruru_check_report_json(report);
	json_object_del(problems, "ok"); /* said once, beside it */
	ruru_check_report_free(report);
	return json_pack("{s:b, s:o}", "ok", n == 0, "problems", problems);
}

/* ----------------------------- confirm_show, confirm_withdraw (confirm) */

static json_t *t_confirm_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_confirm c;
	if (ruru_confirm_show(env->ws, arg_str(args, "artifact"), &c, err) < 0)
		return NULL;
	ruru_confirm_text(&c, &env->text);
	return confirm_result(&c);
}

static json_t *t_confirm_withdraw(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

static json_t *t_confirm_verify(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

/* ------------------------------------------------ search */

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
	struct ruru_search_hits *hits = ruru_search(env->ws, &o, err);
	if (!hits)
		return NULL;
	MCP_RETURN_RESULT(env, search_hits, hits);
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
	struct ruru_summary *s = NULL;
	json_t *r = NULL;
	if (id && ruru_session_summarize(env->ws, id, arg_str(args, "body"), &rel, &s, err) == 0) {
		ruru_summary_text(s, &env->text);
		r = ruru_summary_json(s);
	}
	ruru_summary_free(s);
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

static void x_task_new(const json_t *r, struct ruru_buf *b)
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

static json_t *t_task_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

static json_t *t_task_claim(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

static json_t *t_task_release(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	/* The schema's enum made a given status valid; none: To Do. */
	const char *status = arg_str(args, "status");
	enum ruru_task_status st = status ? ruru_task_status_parse(status) : RURU_TASK_UNKNOWN;
	struct ruru_task_state *t = NULL;
	if (ruru_task_release(env->ws, arg_str(args, "task"), arg_str(args, "by"), st, &t, err) < 0)
		return NULL;
	return task_state(env, t);
}

/* ---------------------------------------------------------------- table */

/* Arguments of a tool's verb listed only with its .more_set toolset. */
#define MORE(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Descriptions do not repeat the tool name, and a tool says what comes
 * next where the standard has an order; every word has to earn its
 * place, because the list is sent to the model on every turn (bench/mcp.sh
 * measures it).  The arguments' descriptions are the `brief` of the
 * verb's rows (src/lib/base/verbs.c). */
const struct mcp_tool mcp_tools[] = {
	{ .name = "session_new",
	  .set = MCP_SET_CORE,
	  .description = "Start a session for a new piece of work; it becomes the active one.",
	  .more = MORE("coordinator"),
	  .more_set = MCP_SET_ADMIN,
	  .run = t_session_new,
	  .text = x_session_new },
	{ .name = "session_log",
	  .set = MCP_SET_CORE,
	  .description = "Log an event as it happens: each user prompt, decision, delegation, "
			 "result and error.",
	  .run = t_session_log,
	  .text = x_session_log },
	{ .name = "session_set_status",
	  .set = MCP_SET_CORE,
	  .description = "Pause, reactivate or end a session.",
	  .idempotent = true,
	  .run = t_session_set_status,
	  .text = x_session_set_status },
	{ .name = "session_list",
	  .set = MCP_SET_ADMIN,
	  .description = "List sessions, newest first.",
	  .read_only = true,
	  .run = t_session_list,
	  .text = x_session_list },
	{ .name = "session_show",
	  .set = MCP_SET_ADMIN,
	  .description = "Read a session and its log entries.",
	  .read_only = true,
	  .run = t_session_show,
	  .text = x_session_show },
	{ .name = "session_continue",
	  .set = MCP_SET_CORE,
	  .description = "Resume a session (default: the active one, never an ended one); returns "
			 "its digest.",
	  .more = MORE("max_chars"),
	  .more_set = MCP_SET_ADMIN,
	  .run = t_session_continue,
	  .text = x_session_continue },
	{ .name = "session_digest",
	  .set = MCP_SET_ADMIN,
	  .description = "Read-only session_continue.",
	  .read_only = true,
	  .run = t_session_digest,
	  .text = x_session_continue },
	{ .name = "artifact_add",
	  .set = MCP_SET_CORE,
	  .description = "Save a file in the session artifacts/ and log it.",
	  .more = MORE("type", "title", "tags"),
	  .more_set = MCP_SET_ADMIN,
	  .destructive = true,
	  .run = t_artifact_add,
	  .text = x_artifact_add },
	{ .name = "artifact_list",
	  .set = MCP_SET_ADMIN,
	  .description = "List the session artifacts.",
	  .read_only = true,
	  .run = t_artifact_list },
	{ .name = "task_link",
	  .set = MCP_SET_TASKS,
	  .description = "Link an MDTM task to the session.",
	  .idempotent = true,
	  .run = t_task_link,
	  .text = x_task_link },
	{ .name = "task_list",
	  .set = MCP_SET_TASKS,
	  .description = "Tasks of the session and their status.",
	  .read_only = true,
	  .run = t_task_list },
	{ .name = "session_check",
	  .set = MCP_SET_ADMIN,
	  .description = "Check session logs against the standard; lists each problem.",
	  .read_only = true,
	  .run = t_session_check },
	{ .name = "confirm_propose",
	  .set = MCP_SET_CORE,
	  .description = "Propose a file change; then show it to the user (confirm_show), ask, and "
			 "record the answer (confirm_decide).",
	  .more = MORE("supersedes"),
	  .more_set = MCP_SET_REVIEW,
	  .run = t_confirm_propose },
	{ .name = "confirm_show",
	  .set = MCP_SET_CORE,
	  .description = "Target, status and diff of a proposal (once applied: the change made), "
			 "to show the user.",
	  .read_only = true,
	  .run = t_confirm_show },
	{ .name = "confirm_decide",
	  .set = MCP_SET_CORE,
	  .description = "Record a decision: approve and reject record what the user answered "
			 "when asked; skip (low risk) needs a reason.",
	  .idempotent = true,
	  .run = t_confirm_decide },
	{ .name = "confirm_delegate",
	  .set = MCP_SET_REVIEW,
	  .description = "Hand an approved or skipped proposal to an executor; returns its message.",
	  .run = t_confirm_delegate },
	{ .name = "confirm_apply",
	  .set = MCP_SET_CORE,
	  .description = "Write an approved or skipped proposal to its target.",
	  .destructive = true,
	  .idempotent = true,
	  .run = t_confirm_apply },
	{ .name = "confirm_withdraw",
	  .set = MCP_SET_REVIEW,
	  .description = "Close a proposal nobody will apply.",
	  .idempotent = true,
	  .run = t_confirm_withdraw },
	{ .name = "confirm_list",
	  .set = MCP_SET_REVIEW,
	  .description = "List proposals of the session and of .ruru/temp/.",
	  .read_only = true,
	  .run = t_confirm_list },
	{ .name = "confirm_verify",
	  .set = MCP_SET_REVIEW,
	  .description = "Check decisions against payloads, hashes and signatures.",
	  .read_only = true,
	  .run = t_confirm_verify },
	/* search */
	{ .name = "session_search",
	  .set = MCP_SET_CORE,
	  .description = "Full-text search of entries, sessions, artifacts.",
	  .more = MORE("mode", "task", "status", "tag", "since", "until", "in"),
	  .more_set = MCP_SET_ADMIN,
	  .read_only = true,
	  .run = t_session_search },
	/* V7: summaries and MDTM tasks */
	{ .name = "session_summarize",
	  .set = MCP_SET_ADMIN,
	  .description = "Write a V7 session summary.",
	  .run = t_session_summarize },
	{ .name = "task_new",
	  .set = MCP_SET_TASKS,
	  .description = "Create an MDTM task; returns its ID.",
	  .run = t_task_new,
	  .text = x_task_new },
	{ .name = "task_status",
	  .set = MCP_SET_TASKS,
	  .description = "Set the status of a task.",
	  .idempotent = true,
	  .run = t_task_status },
	{ .name = "task_claim",
	  .set = MCP_SET_TASKS,
	  .description = "Lease a task to a mode; refused while another lease runs.",
	  .run = t_task_claim },
	{ .name = "task_release",
	  .set = MCP_SET_TASKS,
	  .description = "Give a leased task back.",
	  .idempotent = true,
	  .run = t_task_release },
};

const size_t mcp_ntools = sizeof(mcp_tools) / sizeof(mcp_tools[0]);

const struct mcp_toolset mcp_toolsets[] = {
	{ "core", MCP_SET_CORE },
	{ "tasks", MCP_SET_TASKS },
	{ "review", MCP_SET_REVIEW },
	{ "admin", MCP_SET_ADMIN },
	{ "all", MCP_SET_ALL },
};
const size_t mcp_ntoolsets = sizeof(mcp_toolsets) / sizeof(mcp_toolsets[0]);
