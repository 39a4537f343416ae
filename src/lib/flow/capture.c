/*
 * capture.c — the log that writes itself, from the hosts' hooks.  A host
 * runs `ruru capture --hook HOST` at the moments it offers hooks for and
 * writes what happened as one JSON object on stdin; this file reads that
 * object (ruru_capture_parse) and logs what the session workflow asks
 * for (ruru_capture_hook):
 *
 *   the user's prompt            Claude Code and Codex UserPromptSubmit,
 *                                Gemini CLI BeforeAgent          -> prompt
 *   a subagent takes a task      Claude Code PreToolUse of its Task
 *                                (Agent) tool, Codex SubagentStart -> delegation
 *   what the subagent gave back  Claude Code PostToolUse (and
 *                                PostToolUseFailure) of that tool,
 *                                SubagentStop of either           -> result
 *   a Gemini CLI subagent        AfterTool of a tool that is an agent
 *                                (Gemini exposes agents as tools) -> both
 *   a compaction                 PreCompact, Gemini PreCompress   -> note
 *   the host's session ends      SessionEnd                       -> session pause
 *
 * The payloads are the ones each host documents (Claude Code's hooks
 * reference, Codex's codex-rs/hooks/schema, Gemini CLI's docs/hooks/
 * reference.md); tests/fixtures/hosts/HOST/hooks/ holds one of each.
 *
 * A capture is never in the host's way: it reads the tail of the log only
 * (the same cost with 10 or 100,000 entries), writes through one log
 * transaction, and its caller prints nothing on stdout and exits 0.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "capture.h"
#include "entry.h"
#include "logtx.h"
#include "store.h"
#include "timestamp.h"
#include "workspace.h"
#include "banned.h"

/* ------------------------------------------------------------ the list */

/* A mode slug from a host's agent name: one line, no backtick, short. */
static void slug(struct ruru_buf *out, const char *s)
{
	for (; s && *s && out->len < 64; s++) {
		unsigned char c = (unsigned char)*s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  strchr("._:-/@+", c);
		ruru_buf_addch(out, ok ? (char)c : '-');
	}
}


struct ruru_capture_item *cap_add(struct cap_list *l, enum ruru_event type, const char *what,
				  const char *text, size_t len, const char *mode,
				  const char *outcome, time_t when, bool when_valid)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = ruru_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct ruru_capture_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->what = ruru_strdup(what);
	it->text = ruru_xmalloc(len + 1);
	if (len)
		memcpy(it->text, text, len);
	it->text[len] = '\0';
	it->len = len;
	it->mode = NULL;
	if (mode && *mode) {
		struct ruru_buf m = RURU_BUF_INIT;
		slug(&m, mode);
		it->mode = ruru_buf_detach(&m, NULL);
	}
	it->outcome = outcome ? ruru_strdup(outcome) : NULL;
	it->when = when;
	it->when_valid = when_valid;
	return it;
}

void ruru_capture_items_free(struct ruru_capture_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].what);
		free(items[i].text);
		free(items[i].mode);
		free(items[i].outcome);
	}
	free(items);
}

/* ------------------------------------------------------ JSON helpers */

const char *cap_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool cap_time(const json_t *o, const char *key, time_t *when)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v)) {
		/* milliseconds or seconds since the epoch */
		json_int_t t = json_integer_value(v);
		*when = (time_t)(t > 100000000000LL ? t / 1000 : t);
		return t > 0;
	}
	const char *s = json_string_value(v);
	bool zone;
	return s && ruru_time_parse(s, strlen(s), when, &zone);
}

bool cap_claude_task_tool(const char *name)
{
	return name && (!strcmp(name, "Task") || !strcmp(name, "Agent"));
}

static void sep(struct ruru_buf *out, size_t start)
{
	if (out->len > start)
		ruru_buf_addstr(out, "\n\n");
}

static void json_text_at(struct ruru_buf *out, const json_t *v, int depth)
{
	size_t start = out->len;
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		ruru_buf_add(out, json_string_value(v), json_string_length(v));
		return;
	}
	if (depth < 8 && json_is_array(v)) {
		size_t i;
		const json_t *x;
		bool all = true;
		json_array_foreach(v, i, x) {
			if (json_is_string(x) ||
			    (json_is_object(x) && (json_object_get(x, "text") ||
						   json_object_get(x, "content")))) {
				size_t before = out->len;
				sep(out, start);
				size_t mark = out->len;
				json_text_at(out, json_is_object(x) && json_object_get(x, "text")
							  ? json_object_get(x, "text")
							  : x,
					     depth + 1);
				if (out->len == mark)
					out->len = before, out->ptr[out->len] = '\0';
			} else {
				all = false;
			}
		}
		if (all || out->len > start)
			return;
	} else if (depth < 8 && json_is_object(v)) {
		static const char *const keys[] = { "text", "content", "parts", "llmContent",
						    "message", "output", "result" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const json_t *x = json_object_get(v, keys[k]);
			if (x && !json_is_null(x)) {
				json_text_at(out, x, depth + 1);
				if (out->len > start)
					return;
			}
		}
	}
	char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (dump)
		ruru_buf_addstr(out, dump);
	free(dump);
}

void cap_json_text(struct ruru_buf *out, const json_t *v)
{
	json_text_at(out, v, 0);
}

void cap_md_fence(struct ruru_buf *out, const char *text, size_t len, const char *lang)
{
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < len; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	size_t n = longest < 3 ? 3 : longest + 1;
	for (size_t i = 0; i < n; i++)
		ruru_buf_addch(out, '`');
	ruru_buf_addf(out, "%s\n", lang ? lang : "");
	ruru_buf_add(out, text, len);
	if (!len || text[len - 1] != '\n')
		ruru_buf_addch(out, '\n');
	for (size_t i = 0; i < n; i++)
		ruru_buf_addch(out, '`');
	ruru_buf_addstr(out, "\n\n");
}

/* ------------------------------------------------------- hook payloads */

/* Gemini CLI's agents are tools of the same name: its built-in ones, and
 * a project's own in .gemini/agents/NAME.md. */
bool cap_gemini_agent(struct ruru_ws *ws, const char *tool)
{
	static const char *const builtin[] = { "codebase_investigator", "cli_help", "generalist",
					       "delegate_to_agent" };
	if (!tool || !*tool)
		return false;
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(tool, builtin[i]))
			return true;
	if (!ws || strchr(tool, '/') || tool[0] == '.')
		return false;
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, ".gemini/agents/%s.md", tool);
	struct stat st;
	struct ruru_error ignore = { 0 };
	bool yes = ruru_store_lstat(ruru_ws_store(ws), p.ptr, &st, &ignore) == 0 &&
		   S_ISREG(st.st_mode);
	ruru_buf_release(&p);
	return yes;
}

/* "description\n\nprompt" of a delegation's input. */
static void task_text(struct ruru_buf *b, const json_t *input)
{
	const char *d = cap_str(input, "description"), *p = cap_str(input, "prompt");
	if (!p)
		p = cap_str(input, "message");
	if (!p)
		p = cap_str(input, "objective");
	if (!p)
		p = cap_str(input, "query");
	if (d)
		ruru_buf_addstr(b, d);
	if (p) {
		sep(b, 0);
		ruru_buf_addstr(b, p);
	}
	if (!d && !p && input)
		cap_json_text(b, input);
}

/* Did a tool's response say it failed? */
static bool response_failed(const json_t *r)
{
	if (!json_is_object(r))
		return false;
	const json_t *e = json_object_get(r, "error");
	const char *st = cap_str(r, "status");
	return json_is_true(json_object_get(r, "is_error")) ||
	       (e && !json_is_null(e) && !json_is_false(e)) ||
	       (st && (!strcmp(st, "error") || !strcmp(st, "failed") || !strcmp(st, "failure")));
}

static int parse_event(const char *host, const json_t *o, struct ruru_ws *ws, struct cap_list *l)
{
	const char *ev = cap_str(o, "hook_event_name");
	struct ruru_buf b = RURU_BUF_INIT;
	time_t now = 0;
	bool have = cap_time(o, "timestamp", &now);
	bool gemini = !strcmp(host, "gemini");
	if (!ev)
		ev = "";
	if (!strcmp(ev, "UserPromptSubmit") || !strcmp(ev, "BeforeAgent")) {
		cap_json_text(&b, json_object_get(o, "prompt"));
		cap_add(l, RURU_EV_PROMPT, "prompt", b.ptr, b.len, NULL, NULL, now, have);
	} else if (!strcmp(ev, "PreToolUse") && cap_claude_task_tool(cap_str(o, "tool_name"))) {
		const json_t *in = json_object_get(o, "tool_input");
		task_text(&b, in);
		const char *mode = cap_str(in, "subagent_type");
		cap_add(l, RURU_EV_DELEGATION, "delegation", b.ptr, b.len,
			mode ? mode : "general-purpose", NULL, now, have);
	} else if ((!strcmp(ev, "PostToolUse") || !strcmp(ev, "PostToolUseFailure")) &&
		   cap_claude_task_tool(cap_str(o, "tool_name"))) {
		const json_t *in = json_object_get(o, "tool_input"), *r = json_object_get(o, "tool_response");
		bool failed = !strcmp(ev, "PostToolUseFailure") || response_failed(r);
		cap_json_text(&b, r ? r : json_object_get(o, "error"));
		const char *mode = cap_str(in, "subagent_type");
		cap_add(l, RURU_EV_RESULT, "result", b.ptr, b.len, mode ? mode : "general-purpose",
			failed ? "failure" : "success", now, have);
	} else if (!strcmp(ev, "SubagentStart")) {
		const char *mode = cap_str(o, "agent_type");
		ruru_buf_addf(&b, "subagent %s started", mode ? mode : "?");
		cap_add(l, RURU_EV_DELEGATION, "delegation", b.ptr, b.len, mode, NULL, now, have);
	} else if (!strcmp(ev, "SubagentStop")) {
		const char *mode = cap_str(o, "agent_type");
		cap_json_text(&b, json_object_get(o, "last_assistant_message"));
		if (!b.len)
			ruru_buf_addf(&b, "subagent %s finished", mode ? mode : "?");
		cap_add(l, RURU_EV_RESULT, "result", b.ptr, b.len, mode, "success", now, have);
	} else if (gemini && !strcmp(ev, "AfterTool") && cap_gemini_agent(ws, cap_str(o, "tool_name"))) {
		const json_t *in = json_object_get(o, "tool_input"), *r = json_object_get(o, "tool_response");
		const char *tool = cap_str(o, "tool_name");
		const char *mode = !strcmp(tool, "delegate_to_agent") && cap_str(in, "agent_name")
					   ? cap_str(in, "agent_name")
					   : tool;
		task_text(&b, in);
		cap_add(l, RURU_EV_DELEGATION, "delegation", b.ptr, b.len, mode, NULL, now, have);
		ruru_buf_reset(&b);
		const json_t *content = json_object_get(r, "llmContent");
		cap_json_text(&b, content ? content : r);
		cap_add(l, RURU_EV_RESULT, "result", b.ptr, b.len, mode,
			response_failed(r) ? "failure" : "success", now, have);
	} else if (!strcmp(ev, "PreCompact") || !strcmp(ev, "PreCompress")) {
		const char *trigger = cap_str(o, "trigger");
		const char *extra = cap_str(o, "custom_instructions");
		ruru_buf_addf(&b, "Context compaction (%s)", trigger ? trigger : "?");
		if (extra && *extra)
			ruru_buf_addf(&b, ": %s", extra);
		cap_add(l, RURU_EV_NOTE, "compaction", b.ptr, b.len, NULL, NULL, now, have);
	} else if (!strcmp(ev, "SessionEnd")) {
		const char *why = cap_str(o, "reason");
		ruru_buf_addf(&b, "%s session ended (%s)",
			      !strcmp(host, "claude") ? "Claude Code"
			      : gemini		      ? "Gemini CLI"
						      : "Codex",
			      why ? why : "?");
		cap_add(l, RURU_EV_SESSION, "end", b.ptr, b.len, NULL, NULL, now, have);
	}
	ruru_buf_release(&b);
	return 0;
}

static bool known_host(const char *host)
{
	return host && (!strcmp(host, "claude") || !strcmp(host, "codex") || !strcmp(host, "gemini"));
}

static int bad_host(const char *host, struct ruru_error *err)
{
	ruru_error_set(err, RURU_EUSAGE, "unknown host \"%s\" (claude, codex, gemini)",
		       host ? host : "");
	return ruru_error_hint(err, "host", RURU_HINT_NONE, NULL);
}

int ruru_capture_parse(const char *host, const char *json, size_t len, struct ruru_ws *ws,
		       struct ruru_capture_item **items, size_t *n, struct ruru_error *err)
{
	*items = NULL;
	*n = 0;
	if (!known_host(host))
		return bad_host(host, err);
	json_error_t je;
	json_t *o = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		ruru_error_set(err, RURU_EINVALID, "the hook's input is not a JSON object%s%s",
			       o ? "" : ": ", o ? "" : je.text);
		err->line = o ? 0 : je.line;
		err->col = o ? 0 : je.column;
		return -1;
	}
	struct cap_list l = { 0 };
	parse_event(host, o, ws, &l);
	json_decref(o);
	*items = l.v;
	*n = l.n;
	return 0;
}

/* ------------------------------------------------------------ entries */

int cap_entry(const struct ruru_capture_item *it, const char *host, const char *source,
	      time_t now, struct ruru_buf *msg, char **artifact, struct ruru_log_input *in)
{
	struct ruru_buf red = RURU_BUF_INIT, text = RURU_BUF_INIT;
	*artifact = NULL;
	ruru_redact(&red, it->text, it->len);
	/* The text rule: what a terminal would obey is shown, not kept. */
	ruru_text_escape_keep(&text, red.ptr, red.len, "\t\n");
	/* Trailing blanks say nothing. */
	while (text.len && strchr(" \t\n", text.ptr[text.len - 1]))
		text.ptr[--text.len] = '\0';
	if (ruru_text_blank(text.ptr, text.len)) {
		ruru_buf_reset(&text);
		ruru_buf_addf(&text, "(%s without text)", it->what);
	}
	ruru_buf_reset(msg);
	if (text.len > RURU_CAPTURE_MAX) {
		/* The whole text goes to an artifact that the entry names, named
		 * by its time and its content: the same event, the same name. */
		time_t when = it->when_valid ? it->when : now;
		char stamp[32], hex[65];
		struct tm tm;
		gmtime_r(&when, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		ruru_sha256_hex(red.ptr, red.len, hex);
		struct ruru_buf rel = RURU_BUF_INIT;
		ruru_buf_addf(&rel, "artifacts/captured/%s-%s-%s-%.8s.md", host, it->what, stamp, hex);
		/* Cut at a line or a character boundary, well inside the bound. */
		size_t cut = RURU_CAPTURE_MAX - 200;
		while (cut > 0 && ((unsigned char)text.ptr[cut] & 0xC0) == 0x80)
			cut--;
		const char *nl = memrchr(text.ptr, '\n', cut);
		if (nl && (size_t)(nl - text.ptr) > cut / 2)
			cut = (size_t)(nl - text.ptr);
		ruru_buf_add(msg, text.ptr, cut);
		ruru_buf_addf(msg, " … (%zu bytes more: %s)", text.len - cut, rel.ptr);
		*artifact = ruru_buf_detach(&rel, NULL);
	} else {
		ruru_buf_add(msg, text.ptr, text.len);
	}
	ruru_buf_release(&red);
	ruru_buf_release(&text);
	memset(in, 0, sizeof(*in));
	in->type = it->type;
	in->message = msg->ptr;
	in->message_len = msg->len;
	in->field[RURU_FIELD_MODE] = it->mode;
	in->field[RURU_FIELD_OUTCOME] = it->outcome;
	in->field[RURU_FIELD_SOURCE] = source;
	in->field[RURU_FIELD_ARTIFACT] = *artifact;
	in->when = it->when;
	in->when_valid = it->when_valid;
	return 0;
}

int cap_stage(struct ruru_logtx *tx, const char *session_dir, const struct ruru_capture_item *it,
	      const char *source, const char *artifact, time_t now, struct ruru_error *err)
{
	struct ruru_buf path = RURU_BUF_INIT, doc = RURU_BUF_INIT, red = RURU_BUF_INIT;
	ruru_buf_addf(&path, "%s/%s", session_dir, artifact);
	struct stat st;
	struct ruru_error ignore = { 0 };
	int rc = 0;
	/* Its name says its content: one there already is this one. */
	if (ruru_store_lstat(ruru_ws_store(tx->ws), path.ptr, &st, &ignore) == 0)
		goto out;
	char *slash = strrchr(path.ptr, '/');
	*slash = '\0';
	rc = ruru_logtx_mkdirs(tx, path.ptr, err);
	*slash = '/';
	if (rc < 0)
		goto out;
	char iso[32];
	ruru_time_format_rfc3339(it->when_valid ? it->when : now, iso);
	ruru_buf_addf(&doc, "# %s %s, %s\n\n", source, it->what, iso);
	if (it->mode)
		ruru_buf_addf(&doc, "Mode: %s\n\n", it->mode);
	ruru_redact(&red, it->text, it->len);
	ruru_buf_add(&doc, red.ptr, red.len);
	if (!red.len || red.ptr[red.len - 1] != '\n')
		ruru_buf_addch(&doc, '\n');
	rc = ruru_logtx_stage_file(tx, path.ptr, doc.ptr, doc.len, true, err);
out:
	ruru_buf_release(&path);
	ruru_buf_release(&doc);
	ruru_buf_release(&red);
	return rc;
}

/* ------------------------------------------------------------ capture */

/* capture.start = true in .ruru/config.toml */
static bool start_wanted(struct ruru_ws *ws)
{
	char *path = ruru_ws_path(ws, ".ruru/config.toml");
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	bool yes = false;
	if (ruru_store_read(ruru_ws_store(ws), path, &b, &e) == 0) {
		struct ruru_toml *doc = ruru_toml_parse(b.ptr, b.len, &e);
		const struct ruru_toml_value *v = doc ? ruru_toml_lookup(ruru_toml_root(doc), "capture.start") : NULL;
		yes = v && ruru_toml_kind(v) == RURU_TOML_BOOL && ruru_toml_bool(v);
		ruru_toml_free(doc);
	}
	ruru_buf_release(&b);
	free(path);
	return yes;
}

/* How many items the hand-over lists as open (the library's one
 * definition of an open item). */
static size_t open_items(struct ruru_ws *ws, const char *id)
{
	struct ruru_error e = { 0 };
	struct ruru_open_items *o = ruru_open_items(ws, id, &e);
	size_t n = o ? o->n : 0;
	ruru_open_items_free(o);
	return n;
}

static void event_add(struct ruru_capture_event **v, size_t *n, const struct ruru_capture_event *e)
{
	*v = ruru_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = *e;
}

static void events_free(struct ruru_capture_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].message);
		free(v[i].artifact);
	}
	free(v);
}

void ruru_capture_report_free(struct ruru_capture_report *r)
{
	if (!r)
		return;
	free(r->session);
	free(r->host);
	events_free(r->logged, r->nlogged);
	events_free(r->skipped, r->nskipped);
	free(r);
}

static json_t *events_json(const struct ruru_capture_event *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:s?}", "type",
						   ruru_event_name(v[i].type), "message",
						   ruru_json_text(v[i].message, strlen(v[i].message)),
						   "artifact", v[i].artifact));
	return a;
}

json_t *ruru_capture_report_json(const struct ruru_capture_report *r)
{
	return json_pack("{s:s?, s:s, s:o, s:o}", "session", r->session, "host", r->host, "logged",
			 events_json(r->logged, r->nlogged), "skipped",
			 events_json(r->skipped, r->nskipped));
}

int ruru_capture_hook(struct ruru_ws *ws, const char *id, const char *host, const char *json,
		      size_t len, struct ruru_capture_report **report, struct ruru_error *err)
{
	struct ruru_capture_item *items;
	size_t n;
	if (ruru_capture_parse(host, json, len, ws, &items, &n, err) < 0)
		return -1;
	char *sid = NULL;
	struct ruru_capture_report *r = ruru_xmalloc(sizeof(*r));
	*r = (struct ruru_capture_report){ .host = ruru_strdup(host) };
	int rc = -1;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (id) {
		sid = ruru_session_resolve(ws, id, err);
		if (!sid)
			goto out;
	} else if (!(sid = ruru_session_active(ws))) {
		if (!start_wanted(ws)) {
			ruru_error_set(err, RURU_ENOTFOUND,
				       "no active session: nothing captured (capture.start = true in "
				       ".ruru/config.toml starts one)");
			ruru_error_hint(err, NULL, RURU_HINT_NEW, NULL);
			goto out;
		}
		struct ruru_buf goal = RURU_BUF_INIT;
		if (items[0].type == RURU_EV_PROMPT) {
			/* The first prompt's first line names the work. */
			struct ruru_buf red = RURU_BUF_INIT;
			ruru_redact(&red, items[0].text, items[0].len);
			size_t k = 0;
			while (k < red.len && k < 60 && red.ptr[k] != '\n')
				k++;
			while (k > 0 && k < red.len && ((unsigned char)red.ptr[k] & 0xC0) == 0x80)
				k--;
			ruru_text_escape(&goal, red.ptr, k);
			ruru_buf_release(&red);
		}
		if (ruru_text_blank(goal.ptr, goal.len)) {
			ruru_buf_reset(&goal);
			ruru_buf_addf(&goal, "Captured from %s", host);
		}
		struct ruru_new o = { .goal = goal.ptr };
		sid = ruru_session_new(ws, &o, err);
		ruru_buf_release(&goal);
		if (!sid)
			goto out;
	}
	if (n == 1 && items[0].type == RURU_EV_SESSION) {
		/* The host's session ended after this one was paused or ended
		 * (the model did it): nothing is left to record. */
		struct ruru_session s;
		struct ruru_error e = { 0 };
		bool active = ruru_session_load(ws, sid, 0, &s, &e) == 0 && s.valid &&
			      s.status == RURU_STATUS_ACTIVE;
		ruru_session_release(&s);
		if (!active) {
			rc = 0;
			goto out;
		}
	}
	struct ruru_buf source = RURU_BUF_INIT;
	ruru_buf_addf(&source, "%s hook", host);
	/* The end of the host's session: pause when nothing is open. */
	for (size_t i = 0; i < n; i++)
		if (items[i].type == RURU_EV_SESSION) {
			size_t nopen = open_items(ws, sid);
			if (nopen) {
				struct ruru_capture_item *it = &items[i];
				struct ruru_buf t = RURU_BUF_INIT;
				ruru_buf_add(&t, it->text, it->len);
				ruru_buf_addf(&t, "; %zu open item%s, so the session stays active", nopen,
					      nopen == 1 ? "" : "s");
				free(it->text);
				it->len = t.len;
				it->text = ruru_buf_detach(&t, NULL);
				it->type = RURU_EV_NOTE;
			}
		}
	struct ruru_logtx tx;
	time_t now = ruru_now(ws);
	char *dir = ruru_ws_session_path(ws, sid, NULL);
	rc = ruru_logtx_begin(&tx, ws, sid, RURU_TX_ACTIVE, err);
	bool begun = rc == 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ruru_buf msg = RURU_BUF_INIT;
		char *art = NULL;
		struct ruru_log_input in;
		cap_entry(&items[i], host, source.ptr, now, &msg, &art, &in);
		if (in.type == RURU_EV_SESSION) {
			/* The end of the host's session pauses this one. */
			struct ruru_buf said = RURU_BUF_INIT;
			ruru_buf_addf(&said, "Session paused: %s", msg.ptr);
			ruru_buf_release(&msg);
			msg = said;
			in.message = msg.ptr;
			in.message_len = msg.len;
		}
		time_t when = in.when_valid ? in.when : now;
		struct ruru_capture_event one = { in.type, ruru_buf_detach(&msg, NULL),
						  art ? ruru_strdup(art) : NULL };
		in.message = one.message;
		if (ruru_logtx_duplicate(&tx, &in, when)) {
			/* Logged already, by the model or by an earlier run. */
			event_add(&r->skipped, &r->nskipped, &one);
		} else {
			if (art)
				rc = cap_stage(&tx, dir, &items[i], source.ptr, art, now, err);
			if (rc == 0 && art)
				rc = ruru_logtx_array_add(&tx, "related_artifacts", art, err);
			if (rc == 0 && in.type == RURU_EV_SESSION) {
				struct ruru_buf lit = RURU_BUF_INIT;
				const char *st = ruru_status_string(RURU_STATUS_PAUSED);
				ruru_toml_encode_string(&lit, st, strlen(st));
				rc = ruru_logtx_set(&tx, "status", lit.ptr, err);
				ruru_buf_reset(&lit);
				ruru_toml_encode_time(&lit, when);
				if (rc == 0)
					rc = ruru_logtx_set(&tx, "end_time", lit.ptr, err);
				ruru_buf_release(&lit);
			}
			if (rc == 0)
				rc = ruru_logtx_entry(&tx, &in, err);
			event_add(&r->logged, &r->nlogged, &one);
		}
		free(art);
	}
	if (begun && (rc < 0 || r->nlogged == 0))
		ruru_logtx_abort(&tx);
	else if (begun)
		rc = ruru_logtx_commit(&tx, err);
	free(dir);
	ruru_buf_release(&source);
out:
	if (rc == 0 && report) {
		r->session = sid;
		sid = NULL;
		*report = r;
		r = NULL;
	}
	ruru_capture_report_free(r);
	free(sid);
	ruru_capture_items_free(items, n);
	return rc;
}
