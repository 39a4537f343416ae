/*
 * tools_session.c — the MCP tools on a session itself: start one, log an
 * event, set its status, list, show, continue and read its digest, with
 * their text renderers (x_<tool>, right after t_<tool>).  The table that
 * names them is mcp_tools[] in tools.c; the helpers they share are in
 * tools_int.h.
 */
#include <stdlib.h>
#include <string.h>

#include "tools_int.h"
#include "banned.h"

/* ------------------------------------------- text helpers (session) */


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

void x_session_new(const json_t *r, struct ruru_buf *b)
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

json_t *t_session_log(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

void x_session_log(const json_t *r, struct ruru_buf *b)
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

json_t *t_session_set_status(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

void x_session_set_status(const json_t *r, struct ruru_buf *b)
{
	ruru_buf_addstr(b, "Session ");
	add_field(b, r, "session", "?");
	ruru_buf_addstr(b, json_is_true(json_object_get(r, "already")) ? " is already " : " is now ");
	add_field(b, r, "status_text", NULL);
	ruru_buf_addstr(b, " (");
	add_field(b, r, "status", "?");
	ruru_buf_addstr(b, ").");
}

json_t *t_session_list(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	/* the row's MCP default when not given: the answer stays small on a
	 * workspace of thousands; `total` and `omitted` say what is left */
	json_int_t want = json_integer_value(json_object_get(args, "limit"));
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

void x_session_list(const json_t *r, struct ruru_buf *b)
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

json_t *t_session_show(struct mcp_env *env, json_t *args, struct ruru_error *err)
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

void x_session_show(const json_t *r, struct ruru_buf *b)
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

json_t *t_session_continue(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
void x_session_continue(const json_t *r, struct ruru_buf *b)
{
	json_t *d = json_object_get(r, "digest");
	ruru_buf_add(b, json_string_value(d) ? json_string_value(d) : "", json_string_length(d));
}

/* The digest, read-only: nothing is logged, resumed or made active. */
json_t *t_session_digest(struct mcp_env *env, json_t *args, struct ruru_error *err)
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
