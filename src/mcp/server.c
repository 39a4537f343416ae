/*
 * server.c — the JSON-RPC 2.0 side of `ruru mcp`: reading one message per
 * line with a hard size cap, dispatching methods (lifecycle, tools,
 * prompts, resources), checking tool arguments against the tools' own
 * input schemas, and shaping results and errors.  The tools themselves
 * are in tools.c; all session work is the library's.
 *
 * Choices the protocol leaves open, documented in ruru(1):
 *  - Batches (a JSON array of messages) are processed element by element
 *    and answered with an array, as JSON-RPC 2.0 says; MCP 2025-06-18
 *    dropped batching, but 2025-03-26 clients may still send them, and
 *    answering costs nothing.  An empty array is -32600.
 *  - Requests are served before `initialize` too: a strict order helps
 *    nobody when the answer would be the same.
 *  - A line over RURU_MCP_MAX_LINE bytes is -32600 with the request's id
 *    (found by a scan of the bytes as they are dropped; null when none).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp.h"
#include "tools.h"
#include "banned.h"

enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	MCP_RESOURCE_NOT_FOUND = -32002,
};

/* The revisions we speak, newest first (doc/design.md §12). */
static const char *const protocols[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05" };

struct ruru_mcp {
	struct mcp_env env;
	char *session;
	unsigned sets;          /* the toolsets offered (MCP_SET_*) */
	bool client_roots;      /* the client offers roots/list */
	bool roots_root;        /* the root came from the client's roots */
	unsigned roots_asked;   /* roots/list requests sent */
	json_t *tools_list;     /* the tools/list result, built per toolset choice */
	struct ruru_watch *watch; /* keeps the index fresh without sweeps; may be NULL */
};

/* A method's failure: a JSON-RPC error object. */
struct rpc_error {
	int code;
	char msg[1200];
	json_t *data; /* owned; may be NULL */
};

static json_t *rpc_fail(struct rpc_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static json_t *rpc_fail(struct rpc_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->code = code;
	return NULL;
}

/*
 * A library error in this server's words: "ruru: FILE:LINE:COL: message",
 * then the argument at fault as the tool's argument (when tool `t`,
 * when given, lists it) and the next step as a tool to call.  Never a CLI flag or
 * command: a model reading it can only call tools.
 */
static const struct ruru_arg *tool_arg(const struct mcp_tool *t, unsigned sets, const char *name);

static void error_line(struct ruru_buf *b, const struct ruru_error *err, const struct mcp_tool *t,
		       unsigned sets)
{
	const char *subj = err->subject;
	ruru_buf_addstr(b, "ruru: ");
	ruru_error_format(err, b);
	if (err->arg && tool_arg(t, sets, err->arg) && err->hint != RURU_HINT_FORCE)
		ruru_buf_addf(b, " (argument \"%s\")", err->arg);
	switch (err->hint) {
	case RURU_HINT_NONE:
		break;
	case RURU_HINT_RESUME:
		/* session_continue alone refuses an ended session (doc/design.md §7). */
		ruru_buf_addf(b, "; make it active with session_set_status (session \"%s\", status "
				 "\"active\") or session_continue (with reopen: true if it ended), or "
				 "start another with session_new",
			      subj);
		break;
	case RURU_HINT_NEW:
		ruru_buf_addstr(b, "; start one with session_new, or name one with the session "
				   "argument");
		break;
	case RURU_HINT_FORCE:
		if (tool_arg(t, sets, "force"))
			ruru_buf_addstr(b, " (the force argument overrides)");
		break;
	case RURU_HINT_ASK:
		ruru_buf_addstr(b, "; show the proposal to the user, ask, and record the answer with "
				   "confirm_decide");
		break;
	case RURU_HINT_ADOPT:
		ruru_buf_addstr(b, "; propose the change again with confirm_propose");
		break;
	}
}

/* ------------------------------------------------------------- schemas */

/* The verb whose rows are tool t's arguments. */
static const struct ruru_verb *tool_verb(const struct mcp_tool *t)
{
	const struct ruru_verb *v = ruru_verb_find(t->name);
	if (!v || !v->tool || strcmp(v->tool, t->name)) {
		/* A tool without its verb: a bug to fix, not a runtime condition. */
		fprintf(stderr, "ruru mcp: tool \"%s\" has no verb in the library\n", t->name);
		abort();
	}
	return v;
}

/* Is argument `a` of tool t listed (and accepted) with toolsets `sets`? */
static bool arg_listed(const struct mcp_tool *t, const struct ruru_arg *a, unsigned sets)
{
	if (!a || a->no_mcp)
		return false;
	for (const char *const *m = t->more; m && *m; m++)
		if (!strcmp(*m, a->name))
			return (sets & t->more_set) != 0;
	return true;
}

/* Argument `name` of tool t (may be NULL) when listed with toolsets
 * `sets`, else NULL. */
static const struct ruru_arg *tool_arg(const struct mcp_tool *t, unsigned sets, const char *name)
{
	if (!t)
		return NULL;
	const struct ruru_arg *a = ruru_verb_arg(tool_verb(t), name);
	return arg_listed(t, a, sets) ? a : NULL;
}

/*
 * Every argument has a type (Gemini CLI skips a tool with an untyped
 * property, even beside an enum) and a description that says what it
 * means and relative to what.  Built with json_pack, so a description may
 * hold any character, an apostrophe or a quote included.
 */
json_t *mcp_arg_schema(const struct ruru_arg *a)
{
	const char *d = ruru_arg_brief(a);
	json_t *s = NULL;
	switch (a->type) {
	case RURU_ARG_INTEGER:
		s = json_pack("{s:s, s:I, s:s}", "type", "integer", "minimum", (json_int_t)a->min,
			      "description", d);
		if (s && a->max)
			json_object_set_new(s, "maximum", json_integer((json_int_t)a->max));
		break;
	case RURU_ARG_BOOLEAN:
		s = json_pack("{s:s, s:s}", "type", "boolean", "description", d);
		break;
	case RURU_ARG_STRINGS:
		s = json_pack("{s:s, s:{s:s}, s:s}", "type", "array", "items", "type", "string",
			      "description", d);
		break;
	case RURU_ARG_OBJECT:
		s = json_pack("{s:s, s:s}", "type", "object", "description", d);
		break;
	case RURU_ARG_WORD:
		if (!a->mcp_any) {
			json_t *en = json_array();
			const char *w;
			for (size_t i = 0; (w = ruru_arg_word(a, i)); i++)
				json_array_append_new(en, json_string(w));
			s = json_pack("{s:s, s:o, s:s}", "type", "string", "enum", en, "description", d);
			break;
		}
		/* fall through */
	case RURU_ARG_STRING:
	case RURU_ARG_DATE:
		s = json_pack("{s:s, s:s}", "type", "string", "description", d);
		break;
	}
	if (!s) {
		/* A row without a description: a bug to fix, not a runtime condition. */
		fprintf(stderr, "ruru mcp: argument \"%s\" has no description\n", a->name);
		abort();
	}
	return s;
}

/* The input schema of tool t with toolsets `sets`: its verb's arguments
 * in the verb's order, those of .more only with .more_set. */
static json_t *tool_input(const struct mcp_tool *t, unsigned sets)
{
	const struct ruru_verb *v = tool_verb(t);
	for (const char *const *m = t->more; m && *m; m++)
		if (!ruru_verb_arg(v, *m) || ruru_verb_arg(v, *m)->no_mcp) {
			fprintf(stderr, "ruru mcp: tool \"%s\" has no argument \"%s\"\n", t->name, *m);
			abort();
		}
	json_t *props = json_object(), *required = json_array();
	for (size_t k = 0; k < v->nargs; k++) {
		const struct ruru_arg *a = &v->args[k];
		if (!arg_listed(t, a, sets))
			continue;
		json_object_set_new(props, a->name, mcp_arg_schema(a));
		if (a->required)
			json_array_append_new(required, json_string(a->name));
	}
	/* No "additionalProperties":false: it would cost 30 bytes a tool and
	 * check_args refuses unknown arguments by name anyway. */
	json_t *input = json_pack("{s:s, s:o}", "type", "object", "properties", props);
	if (json_array_size(required))
		json_object_set_new(input, "required", required);
	else
		json_decref(required);
	return input;
}

static json_t *build_tools_list(unsigned sets)
{
	json_t *tools = json_array();
	for (size_t i = 0; i < mcp_ntools; i++) {
		const struct mcp_tool *t = &mcp_tools[i];
		if (!(t->set & sets))
			continue;
		/* Annotations say only what differs from the spec's defaults
		 * (readOnlyHint false, destructiveHint true, idempotentHint
		 * false, openWorldHint true; the middle two mean something only
		 * for a writer).  Every tool works on the workspace alone, a
		 * closed world. */
		json_t *ann = json_object();
		if (t->read_only)
			json_object_set_new(ann, "readOnlyHint", json_true());
		if (!t->read_only && !t->destructive)
			json_object_set_new(ann, "destructiveHint", json_false());
		if (!t->read_only && t->idempotent)
			json_object_set_new(ann, "idempotentHint", json_true());
		json_object_set_new(ann, "openWorldHint", json_false());
		json_array_append_new(tools, json_pack("{s:s, s:s, s:o, s:o}", "name", t->name,
						       "description", t->description, "inputSchema",
						       tool_input(t, sets), "annotations", ann));
	}
	return json_pack("{s:o}", "tools", tools);
}

/* Check one argument against its row: its type, its words (those the
 * schema leaves out too), an integer's range, no U+0000 but in a file's
 * content. */
static bool check_arg(const struct ruru_arg *a, json_t *v, struct rpc_error *e)
{
	const char *key = a->name;
	switch (a->type) {
	case RURU_ARG_STRING:
	case RURU_ARG_WORD:
	case RURU_ARG_DATE: {
		if (!json_is_string(v))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be a string", key),
			       false;
		if (strlen(json_string_value(v)) != json_string_length(v) && !a->bytes)
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" holds U+0000", key),
			       false;
		time_t t;
		if (a->type == RURU_ARG_DATE && !ruru_search_parse_time(json_string_value(v), false, &t))
			return rpc_fail(e, RPC_INVALID_PARAMS,
					"argument \"%s\" must be a date (YYYY-MM-DD) or a date-time", key),
			       false;
		if (a->type != RURU_ARG_WORD || ruru_arg_word_ok(a, json_string_value(v)))
			return true;
		struct ruru_buf list = RURU_BUF_INIT;
		ruru_arg_words(a, ", ", &list);
		rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" is one of: %s", key, list.ptr);
		ruru_buf_release(&list);
		return false;
	}
	case RURU_ARG_INTEGER:
		if (!json_is_integer(v))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be an integer",
					key),
			       false;
		if (json_integer_value(v) < 0 || (unsigned long long)json_integer_value(v) < a->min)
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be at least %zu",
					key, a->min),
			       false;
		if (!ruru_arg_in_range(a, (unsigned long long)json_integer_value(v)))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be at most %zu",
					key, a->max ? a->max : SIZE_MAX),
			       false;
		return true;
	case RURU_ARG_BOOLEAN:
		if (!json_is_boolean(v))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be true or false",
					key),
			       false;
		return true;
	case RURU_ARG_STRINGS: {
		size_t i;
		json_t *x;
		if (!json_is_array(v))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be an array", key),
			       false;
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) || strlen(json_string_value(x)) != json_string_length(x))
				return rpc_fail(e, RPC_INVALID_PARAMS,
						"argument \"%s\" must be an array of strings", key),
				       false;
		}
		return true;
	}
	case RURU_ARG_OBJECT:
		/* confirm_decide's `shown`: a tool reads only the string
		 * members it knows from it. */
		if (!json_is_object(v))
			return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"%s\" must be an object", key),
			       false;
		return true;
	}
	return rpc_fail(e, RPC_INTERNAL_ERROR, "argument \"%s\" has an unknown type", key), false;
}

static bool check_args(const struct mcp_tool *t, unsigned sets, json_t *args, struct rpc_error *e)
{
	const struct ruru_verb *verb = tool_verb(t);
	const char *key;
	json_t *v;
	json_object_foreach(args, key, v)
	{
		const struct ruru_arg *a = tool_arg(t, sets, key);
		if (!a)
			return rpc_fail(e, RPC_INVALID_PARAMS, "unknown argument \"%s\"", key), false;
		if (!check_arg(a, v, e))
			return false;
	}
	for (size_t k = 0; k < verb->nargs; k++) {
		const struct ruru_arg *a = &verb->args[k];
		if (a->required && arg_listed(t, a, sets) && !json_object_get(args, a->name))
			return rpc_fail(e, RPC_INVALID_PARAMS, "missing argument \"%s\"", a->name),
			       false;
	}
	/* Exactly one of a group: too costly to say in JSON Schema (oneOf),
	 * cheap to say here. */
	for (size_t k = 0; k < verb->nargs; k++) {
		const struct ruru_arg *a = &verb->args[k], *other = NULL;
		int given = 0;
		if (!a->one_of || !arg_listed(t, a, sets))
			continue;
		for (size_t o = 0; o < verb->nargs; o++) {
			const struct ruru_arg *b = &verb->args[o];
			if (b->one_of != a->one_of || !arg_listed(t, b, sets))
				continue;
			given += json_object_get(args, b->name) != NULL;
			if (b != a && !other)
				other = b;
		}
		if (given != 1 && other)
			return rpc_fail(e, RPC_INVALID_PARAMS, "give exactly one of \"%s\" and \"%s\"",
					a->name, other->name),
			       false;
	}
	return true;
}

/* ------------------------------------------------------------- methods */

static json_t *m_initialize(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	m->client_roots = json_is_object(
		json_object_get(json_object_get(params, "capabilities"), "roots"));
	const char *want = json_string_value(json_object_get(params, "protocolVersion"));
	if (!want)
		return rpc_fail(e, RPC_INVALID_PARAMS, "initialize needs params.protocolVersion");
	const char *ver = protocols[0];
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (!strcmp(want, protocols[i]))
			ver = protocols[i];
	return json_pack(
		"{s:s, s:{s:{s:b}, s:{s:b}, s:{s:b, s:b}}, s:{s:s, s:s, s:s}, s:s}", "protocolVersion",
		ver, "capabilities", "tools", "listChanged", 0, "prompts", "listChanged", 0,
		"resources", "subscribe", 0, "listChanged", 0, "serverInfo", "name", "ruru", "title",
		"ruru session workflow", "version", RURU_VERSION, "instructions",
		"Roo Commander session workflow (session logs under .ruru/sessions/). "
		"Argument session: an ID or unique prefix; omitted, the active session. "
		"Call session_continue to resume work; log every step with session_log.");
}

static json_t *m_ping(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)m, (void)params, (void)e;
	return json_object();
}

static json_t *m_tools_list(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)params, (void)e;
	return json_incref(m->tools_list);
}

/* The arguments a tool runs with: those of the call, and an integer
 * argument left out as its row's MCP default (so a tool reads one value,
 * and the default is said once, in the row).  Paths in tool arguments
 * are relative to the workspace root: a client
 * knows its workspace, not the server's working directory, and the server
 * does not change directory (it is a library call away from any program).
 * A relative path of tool t's arguments (a target, an ADR: the verb's
 * rows with .path) goes to the library joined to the root; an absolute
 * one as given.  NULL when nothing changes, else a copy of `args` the
 * caller drops. */
static json_t *call_args(const struct ruru_mcp *m, const struct mcp_tool *t, json_t *args)
{
	/* Rows with .path (a target, an ADR), not "artifact": the library
	 * finds a CONFIRM artifact from the root itself (its path, the
	 * session's, the bare name or stem), and a joined path would hide the
	 * short forms. */
	const struct ruru_verb *v = tool_verb(t);
	json_t *copy = NULL;
	for (size_t k = 0; k < v->nargs; k++) {
		const char *key = v->args[k].name;
		size_t def = ruru_arg_default(&v->args[k], true);
		if (v->args[k].type == RURU_ARG_INTEGER && def && !v->args[k].no_mcp &&
		    !json_object_get(args, key)) {
			if (!copy)
				copy = json_copy(args);
			json_object_set_new(copy, key, json_integer((json_int_t)def));
			continue;
		}
		const char *val = json_string_value(json_object_get(args, key));
		if (!v->args[k].path || !val || !*val || *val == '/')
			continue;
		if (!copy)
			copy = json_copy(args);
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "%s/%s", ruru_ws_root(m->env.ws), val);
		json_object_set_new(copy, key, json_stringn(b.ptr, b.len));
		ruru_buf_release(&b);
	}
	return copy;
}

/* A tool result: structuredContent and the tool's short text rendering
 * of it (doc/design.md §12; clients show the model one or the other, so both
 * carry the identifiers), or the CLI's error line with isError
 * (an operation failure, not a protocol error, so the model sees it and
 * can react). */
static json_t *m_tools_call(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	json_t *args = json_object_get(params, "arguments");
	if (!name)
		return rpc_fail(e, RPC_INVALID_PARAMS, "tools/call needs params.name");
	size_t i = 0;
	while (i < mcp_ntools && strcmp(mcp_tools[i].name, name))
		i++;
	if (i == mcp_ntools)
		return rpc_fail(e, RPC_INVALID_PARAMS, "unknown tool \"%.200s\"", name);
	if (!(mcp_tools[i].set & m->sets)) {
		const char *set = "";
		for (size_t k = 0; k < mcp_ntoolsets; k++)
			if (mcp_toolsets[k].bit == mcp_tools[i].set)
				set = mcp_toolsets[k].name;
		return rpc_fail(e, RPC_INVALID_PARAMS,
				"tool \"%s\" is not offered: its toolset \"%s\" is not enabled", name,
				set);
	}
	if (args && json_is_null(args))
		args = NULL;
	if (args && !json_is_object(args))
		return rpc_fail(e, RPC_INVALID_PARAMS, "params.arguments must be an object");
	json_t *empty = args ? NULL : json_object();
	if (!args)
		args = empty;
	/* Invalid arguments are the model's to fix, so they are a tool result
	 * with isError (MCP 2025-11-25, SEP-1303), not a protocol error. */
	struct rpc_error bad = { 0 };
	if (!check_args(&mcp_tools[i], m->sets, args, &bad)) {
		json_decref(empty);
		json_decref(bad.data);
		return json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text",
				 bad.msg, "isError", 1);
	}
	struct ruru_error err = { 0 };
	ruru_error_clear(&err);
	ruru_buf_reset(&m->env.note);
	ruru_buf_reset(&m->env.text);
	json_t *rooted = call_args(m, &mcp_tools[i], args);
	json_t *r = mcp_tools[i].run(&m->env, rooted ? rooted : args, &err);
	json_decref(rooted);
	json_decref(empty);
	if (!r) {
		struct ruru_buf text = RURU_BUF_INIT;
		if (err.code == RURU_OK)
			err.code = RURU_EFAIL;
		error_line(&text, &err, &mcp_tools[i], m->sets);
		ruru_buf_add(&text, m->env.note.ptr, m->env.note.len);
		json_t *res = json_pack("{s:[{s:s, s:s%}], s:b}", "content", "type", "text", "text",
					text.ptr, text.len, "isError", 1);
		ruru_buf_release(&text);
		return res;
	}
	json_t *out = json_pack("{s:i}", "schema_version", RURU_SCHEMA_VERSION);
	json_object_update(out, r);
	json_decref(r);
	return json_pack("{s:[{s:s, s:s%}], s:o}", "content", "type", "text", "text",
			 m->env.text.ptr, m->env.text.len, "structuredContent", out);
}

/* The prompt continue_session takes session_continue's max_chars: its
 * meaning and its default are that row's. */
static const struct ruru_arg *prompt_max_chars(void)
{
	return ruru_verb_arg(ruru_verb_find("session_continue"), "max_chars");
}

static json_t *m_prompts_list(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)m, (void)params, (void)e;
	return json_pack("{s:[{s:s, s:s, s:[{s:s, s:s, s:b}, {s:s, s:s, s:b}]}]}", "prompts", "name",
			 "continue_session", "description",
			 "Resume a ruru session and load its digest: goal, status, open items, "
			 "tasks, artifacts, last entries",
			 "arguments", "name", "session", "description",
			 "session ID or prefix (default: the active session)", "required", 0, "name",
			 "max_chars", "description", prompt_max_chars()->help, "required", 0);
}

static json_t *m_prompts_get(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	json_t *args = json_object_get(params, "arguments");
	if (!name)
		return rpc_fail(e, RPC_INVALID_PARAMS, "prompts/get needs params.name");
	if (strcmp(name, "continue_session"))
		return rpc_fail(e, RPC_INVALID_PARAMS, "unknown prompt \"%.200s\"", name);
	if (args && !json_is_object(args) && !json_is_null(args))
		return rpc_fail(e, RPC_INVALID_PARAMS, "params.arguments must be an object");
	json_t *sv = json_object_get(args, "session");
	if (sv && !json_is_null(sv) &&
	    (!json_is_string(sv) || strlen(json_string_value(sv)) != json_string_length(sv)))
		return rpc_fail(e, RPC_INVALID_PARAMS, "argument \"session\" must be a string");
	const char *session = json_string_value(sv);
	if (session && !*session)
		session = NULL; /* clients send "" for an optional argument left blank */
	/* Prompt arguments are strings: max_chars is a decimal number. */
	json_t *mv = json_object_get(args, "max_chars");
	size_t max_chars = ruru_arg_default(prompt_max_chars(), true);
	const char *ms = json_is_string(mv) ? json_string_value(mv) : NULL;
	if (mv && !json_is_null(mv) && !(ms && !*ms)) {
		char *end = NULL;
		unsigned long long v = ms && *ms >= '0' && *ms <= '9' ? strtoull(ms, &end, 10) : 0;
		if (!ms || !end || *end || v > SIZE_MAX)
			return rpc_fail(e, RPC_INVALID_PARAMS,
					"argument \"max_chars\" must be a number of bytes (digits)");
		max_chars = (size_t)v;
	}
	struct ruru_error err = { 0 };
	ruru_error_clear(&err);
	ruru_buf_reset(&m->env.note);
	struct ruru_digest *d = mcp_continue_digest(&m->env, session, max_chars, &err);
	if (!d) {
		struct ruru_buf text = RURU_BUF_INIT;
		error_line(&text, &err, NULL, 0);
		ruru_buf_add(&text, m->env.note.ptr, m->env.note.len);
		/* Prompts have no isError (MCP 2025-11-25): a session that is
		 * unknown or cannot be continued (ended, not ours to reopen) is
		 * the caller's to fix, -32602; only a failure on our side (I/O,
		 * a log we cannot read) is -32603. */
		rpc_fail(e, err.code == RURU_EFAIL || err.code == RURU_EINVALID ? RPC_INTERNAL_ERROR
										: RPC_INVALID_PARAMS,
			 "%s", text.ptr);
		ruru_buf_release(&text);
		return NULL;
	}
	struct ruru_buf text = RURU_BUF_INIT;
	ruru_digest_text(d, &text);
	ruru_digest_free(d);
	json_t *r = json_pack("{s:s, s:[{s:s, s:{s:s, s:s%}}]}", "description", "ruru session digest",
			      "messages", "role", "user", "content", "type", "text", "text",
			      text.ptr ? text.ptr : "", text.len);
	ruru_buf_release(&text);
	if (!r)
		return rpc_fail(e, RPC_INTERNAL_ERROR, "the digest is not valid UTF-8");
	return r;
}

#define URI_PREFIX "ruru://sessions/"

static json_t *m_resources_list(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)params;
	struct ruru_session *list;
	size_t n;
	struct ruru_error err = { 0 };
	if (ruru_session_list(m->env.ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &err) < 0) {
		struct ruru_buf text = RURU_BUF_INIT;
		error_line(&text, &err, NULL, 0);
		rpc_fail(e, RPC_INTERNAL_ERROR, "%s", text.ptr);
		ruru_buf_release(&text);
		return NULL;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		struct ruru_buf uri = RURU_BUF_INIT;
		ruru_buf_addf(&uri, URI_PREFIX "%s", list[i].id);
		json_t *r = json_pack("{s:s, s:s, s:s}", "uri", uri.ptr, "name", list[i].id,
				      "mimeType", "text/markdown");
		ruru_buf_release(&uri);
		if (!r)
			continue; /* a folder name that is not UTF-8 has no URI */
		if (list[i].title && *list[i].title)
			json_object_set_new(r, "title", json_string(list[i].title));
		json_array_append_new(arr, r);
	}
	ruru_session_list_free(list, n);
	return json_pack("{s:o}", "resources", arr);
}

static json_t *m_templates_list(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)m, (void)params, (void)e;
	return json_pack("{s:[{s:s, s:s, s:s, s:s}]}", "resourceTemplates", "uriTemplate",
			 URI_PREFIX "{id}", "name", "session_log", "description",
			 "the session log of a ruru session", "mimeType", "text/markdown");
}

static void base64(struct ruru_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		ruru_buf_addch(out, tab[v >> 18 & 63]);
		ruru_buf_addch(out, tab[v >> 12 & 63]);
		ruru_buf_addch(out, i + 1 < n ? tab[v >> 6 & 63] : '=');
		ruru_buf_addch(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

static json_t *m_resources_read(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	const char *uri = json_string_value(json_object_get(params, "uri"));
	if (!uri)
		return rpc_fail(e, RPC_INVALID_PARAMS, "resources/read needs params.uri");
	const char *id = uri + strlen(URI_PREFIX);
	struct ruru_error err = { 0 };
	char *found = NULL;
	struct ruru_session s;
	bool loaded = false;
	/* Exact IDs only: a URI names one resource, not a prefix. */
	if (strncmp(uri, URI_PREFIX, strlen(URI_PREFIX)) == 0 && *id &&
	    (found = ruru_session_resolve(m->env.ws, id, &err)) && !strcmp(found, id))
		loaded = ruru_session_load(m->env.ws, id, 0, &s, &err) == 0;
	free(found);
	if (!loaded) {
		rpc_fail(e, MCP_RESOURCE_NOT_FOUND, "resource not found: %.300s", uri);
		e->data = json_pack("{s:s}", "uri", uri);
		return NULL;
	}
	struct ruru_buf text = RURU_BUF_INIT;
	int got = ruru_ws_read(m->env.ws, s.path, &text, &err);
	ruru_session_release(&s);
	json_t *r = NULL;
	if (got < 0) {
		struct ruru_buf line = RURU_BUF_INIT;
		error_line(&line, &err, NULL, 0);
		rpc_fail(e, RPC_INTERNAL_ERROR, "%s", line.ptr);
		ruru_buf_release(&line);
	} else {
		json_t *c = json_pack("{s:s, s:s}", "uri", uri, "mimeType", "text/markdown");
		if (text.len > MCP_DIGEST_MAX) {
			/* A model is never handed megabytes: the head (front
			 * matter, goal) and the newest lines, whole lines only. */
			size_t head = MCP_DIGEST_MAX / 4, tail = text.len - MCP_DIGEST_MAX / 2;
			while (head > 0 && text.ptr[head - 1] != '\n')
				head--;
			while (tail < text.len && text.ptr[tail - 1] != '\n')
				tail++;
			struct ruru_buf cut = RURU_BUF_INIT;
			ruru_buf_add(&cut, text.ptr, head);
			ruru_buf_addf(&cut, "\n… (%zu bytes left out: the tool session_show reads the "
					    "entries, session_digest the state)\n\n",
				      tail - head);
			ruru_buf_add(&cut, text.ptr + tail, text.len - tail);
			ruru_buf_release(&text);
			text = cut;
		}
		json_t *t = json_stringn(text.ptr, text.len);
		if (t) {
			json_object_set_new(c, "text", t);
		} else {
			/* Not UTF-8 (a hand-edited log): send the bytes as they are. */
			struct ruru_buf b64 = RURU_BUF_INIT;
			base64(&b64, (const unsigned char *)text.ptr, text.len);
			json_object_set_new(c, "blob", json_stringn(b64.ptr, b64.len));
			ruru_buf_release(&b64);
		}
		r = json_pack("{s:[o]}", "contents", c);
	}
	ruru_buf_release(&text);
	return r;
}

/*
 * server/discover is the probe of the 2026-07-28 revision (stateless
 * servers announce themselves without a handshake).  We do not implement
 * that revision, so we answer exactly what any server that predates it
 * answers: -32601.  A new client treats "method not found" as "old
 * server" and falls back to initialize, which we do speak; any other
 * answer (a made-up discover result) could make it believe we speak a
 * revision we do not.
 */
static json_t *m_server_discover(struct ruru_mcp *m, json_t *params, struct rpc_error *e)
{
	(void)m, (void)params;
	return rpc_fail(e, RPC_METHOD_NOT_FOUND,
			"method not found: server/discover (use initialize; protocol %s)",
			RURU_MCP_PROTOCOL);
}

static const struct method {
	const char *name;
	json_t *(*fn)(struct ruru_mcp *m, json_t *params, struct rpc_error *e);
} methods[] = {
	{ "initialize", m_initialize },
	{ "ping", m_ping },
	{ "tools/list", m_tools_list },
	{ "tools/call", m_tools_call },
	{ "prompts/list", m_prompts_list },
	{ "prompts/get", m_prompts_get },
	{ "resources/list", m_resources_list },
	{ "resources/templates/list", m_templates_list },
	{ "resources/read", m_resources_read },
	{ "server/discover", m_server_discover },
};

/* ------------------------------------------------------------ messages */

static json_t *error_response(json_t *id, int code, const char *msg, json_t *data)
{
	json_t *err = json_pack("{s:i, s:s}", "code", code, "message", msg);
	if (!err) /* a message quoting invalid UTF-8 */
		err = json_pack("{s:i, s:s}", "code", code, "message", "invalid request");
	if (data)
		json_object_set_new(err, "data", data);
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error",
			 err);
}

/*
 * Roots.  A server started outside any workspace (no --root, nothing
 * found above its directory: hosts often start servers in the home
 * folder) asks a client that offers roots for them once it is
 * initialized, and works in the first one; again when the client says
 * its roots changed.  Requests served before the answer arrives use the
 * directory it was started in.
 */
#define ROOTS_ID "ruru-roots-"

static json_t *roots_request(struct ruru_mcp *m)
{
	if (!m->client_roots || !(ruru_ws_guessed(m->env.ws) || m->roots_root))
		return NULL;
	json_t *id = json_sprintf(ROOTS_ID "%u", ++m->roots_asked);
	return json_pack("{s:s, s:o, s:s}", "jsonrpc", "2.0", "id", id, "method", "roots/list");
}

/* "file:///a%20b" -> "/a b"; NULL for anything but a local file URI. */
static char *file_uri_path(const char *uri)
{
	if (!uri || strncmp(uri, "file://", 7))
		return NULL;
	const char *p = uri + 7;
	if (!strncmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	for (; *p; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };
			unsigned long v = strtoul(hex, NULL, 16);
			if (v == 0)
				break;
			ruru_buf_addch(&b, (char)v);
			p += 2;
		} else if (*p == '?' || *p == '#') {
			break;
		} else {
			ruru_buf_addch(&b, *p);
		}
	}
	if (*p && *p != '?' && *p != '#') { /* an encoded NUL */
		ruru_buf_release(&b);
		return NULL;
	}
	return ruru_buf_detach(&b, NULL);
}

/* The client's answer to roots/list: work in its first root. */
static void roots_answer(struct ruru_mcp *m, json_t *result)
{
	json_t *first = json_array_get(json_object_get(result, "roots"), 0);
	char *path = file_uri_path(json_string_value(json_object_get(first, "uri")));
	if (!path)
		return;
	struct ruru_error err = { 0 };
	/* the environment's options (the index's cache folder among them) */
	struct ruru_ws *ws = ruru_ws_open_opts(path, ruru_ws_options(m->env.ws), &err);
	if (ws) {
		ruru_watch_stop(m->watch); /* it watched the old workspace */
		ruru_ws_free(m->env.ws);
		m->env.ws = ws;
		struct ruru_error werr = { 0 };
		m->watch = ruru_watch_start(ws, &werr);
		m->roots_root = true;
		fprintf(stderr, "ruru mcp: workspace %s (the client's first root)\n", ruru_ws_root(ws));
	}
	free(path);
}

/* One message (an element of a batch or the whole line); NULL when it
 * gets no answer. */
static json_t *handle_message(struct ruru_mcp *m, json_t *msg)
{
	if (!json_is_object(msg))
		return error_response(NULL, RPC_INVALID_REQUEST, "invalid request: not an object",
				      NULL);
	json_t *id = json_object_get(msg, "id");
	json_t *method = json_object_get(msg, "method");
	json_t *params = json_object_get(msg, "params");
	const char *ver = json_string_value(json_object_get(msg, "jsonrpc"));
	bool notification = id == NULL;

	/* MCP ids are strings or integers; null and others cannot be echoed
	 * as a request id, so the error carries id null. */
	if (id && !json_is_string(id) && !json_is_integer(id))
		return error_response(NULL, RPC_INVALID_REQUEST,
				      "invalid request: id must be a string or an integer", NULL);
	if (!method) {
		/* A response to a request of ours (roots/list); others dropped. */
		if (id && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
			const char *sid = json_string_value(id);
			if (sid && !strncmp(sid, ROOTS_ID, strlen(ROOTS_ID)) &&
			    json_object_get(msg, "result"))
				roots_answer(m, json_object_get(msg, "result"));
			return NULL;
		}
		return notification ? NULL
				    : error_response(id, RPC_INVALID_REQUEST,
						     "invalid request: no method", NULL);
	}
	if (notification) {
		const char *note = json_string_value(method);
		if (note && (!strcmp(note, "notifications/initialized") ||
			     !strcmp(note, "notifications/roots/list_changed")))
			return roots_request(m);
		return NULL; /* cancelled (we are synchronous), ... */
	}
	if (!ver || strcmp(ver, "2.0"))
		return error_response(id, RPC_INVALID_REQUEST,
				      "invalid request: jsonrpc must be \"2.0\"", NULL);
	if (!json_is_string(method))
		return error_response(id, RPC_INVALID_REQUEST,
				      "invalid request: method must be a string", NULL);
	if (params && json_is_null(params))
		params = NULL;
	if (params && !json_is_object(params))
		return error_response(id, RPC_INVALID_PARAMS, "params must be an object", NULL);

	const char *name = json_string_value(method);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(name, methods[i].name))
			continue;
		struct rpc_error e = { 0 };
		json_t *res = methods[i].fn(m, params, &e);
		if (!res)
			return error_response(id, e.code ? e.code : RPC_INTERNAL_ERROR,
					      e.msg[0] ? e.msg : "internal error", e.data);
		return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", res);
	}
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "method not found: %.200s", name);
	json_t *r = error_response(id, RPC_METHOD_NOT_FOUND, b.ptr, NULL);
	ruru_buf_release(&b);
	return r;
}

static void emit(struct ruru_buf *out, json_t *resp)
{
	char *s = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	if (!s) /* cannot happen for what we build; never leave a request unanswered */
		s = strdup("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,"
			   "\"message\":\"cannot encode the response\"}}");
	if (!s)
		abort();
	ruru_buf_addstr(out, s);
	ruru_buf_addch(out, '\n');
	free(s);
}

/*
 * The id of a message too long to keep: its bytes go through this scanner
 * as they arrive and are dropped, and only the raw text of a top-level
 * "id" member (a few hundred bytes at most) is kept, so that the error
 * answers the request that caused it (a client waits for that id, never
 * for null).  Clients write "id" before or after "params", so the whole
 * line is scanned.
 */
enum { SCAN_WANT_KEY, SCAN_KEY, SCAN_COLON, SCAN_VALUE };

void ruru_mcp_id_scan(struct ruru_mcp_id_scan *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->done && !s->other; i++) {
		char c = p[i];
		bool top = s->depth == 1;
		if (s->in_str) {
			if (s->capturing && s->vlen < sizeof(s->val))
				s->val[s->vlen++] = c;
			if (s->esc)
				s->esc = false;
			else if (c == '\\')
				s->esc = true;
			else if (c == '"' && top && s->phase == SCAN_KEY)
				s->in_str = false, s->phase = SCAN_COLON;
			else if (c == '"')
				s->in_str = false;
			else if (top && s->phase == SCAN_KEY && s->klen++ < sizeof(s->key))
				s->key[s->klen - 1] = c;
			continue;
		}
		if (top && (c == ',' || c == '}')) {
			s->done = s->capturing;
			s->phase = SCAN_WANT_KEY;
			continue;
		}
		if (s->capturing && s->vlen < sizeof(s->val))
			s->val[s->vlen++] = c;
		switch (c) {
		case '"':
			s->in_str = true;
			if (top && s->phase == SCAN_WANT_KEY)
				s->phase = SCAN_KEY, s->klen = 0;
			break;
		case '{':
		case '[':
			s->other = s->depth == 0 && c == '['; /* a batch: no one id */
			if (++s->depth == 1)
				s->phase = SCAN_WANT_KEY;
			break;
		case '}':
		case ']':
			s->depth--;
			break;
		case ':':
			if (top && s->phase == SCAN_COLON) {
				s->phase = SCAN_VALUE;
				s->capturing = s->klen == 2 && !memcmp(s->key, "id", 2);
			}
			break;
		default:
			break;
		}
	}
}

void ruru_mcp_too_long(const struct ruru_mcp_id_scan *scan, struct ruru_buf *out)
{
	json_t *id = NULL;
	if (scan && scan->done && scan->vlen < sizeof(scan->val))
		id = json_loadb(scan->val, scan->vlen, JSON_DECODE_ANY, NULL);
	if (id && !json_is_string(id) && !json_is_integer(id)) {
		json_decref(id);
		id = NULL;
	}
	struct ruru_buf msg = RURU_BUF_INIT;
	ruru_buf_addf(&msg, "invalid request: message longer than %zu bytes", RURU_MCP_MAX_LINE);
	emit(out, error_response(id, RPC_INVALID_REQUEST, msg.ptr, NULL));
	ruru_buf_release(&msg);
	json_decref(id);
}

void ruru_mcp_handle(struct ruru_mcp *m, const char *line, size_t len, struct ruru_buf *out)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return; /* blank lines are keep-alives, not messages */
	if (len > RURU_MCP_MAX_LINE) {
		struct ruru_mcp_id_scan scan = { 0 };
		ruru_mcp_id_scan(&scan, line, len);
		ruru_mcp_too_long(&scan, out);
		return;
	}
	json_error_t je;
	json_t *msg = json_loadb(line, len, JSON_ALLOW_NUL, &je);
	if (!msg) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "parse error: %s at column %d", je.text, je.column);
		emit(out, error_response(NULL, RPC_PARSE_ERROR, b.ptr, NULL));
		ruru_buf_release(&b);
		return;
	}
	if (!json_is_array(msg)) {
		json_t *r = handle_message(m, msg);
		if (r)
			emit(out, r);
	} else if (json_array_size(msg) == 0) {
		emit(out, error_response(NULL, RPC_INVALID_REQUEST, "invalid request: empty batch",
					 NULL));
	} else {
		json_t *replies = json_array();
		size_t k;
		json_t *x;
		json_array_foreach(msg, k, x)
		{
			json_t *r = handle_message(m, x);
			if (r)
				json_array_append_new(replies, r);
		}
		if (json_array_size(replies))
			emit(out, replies);
		else
			json_decref(replies);
	}
	json_decref(msg);
}

/* -------------------------------------------------------------- server */

struct ruru_mcp *ruru_mcp_new(const char *root, const char *session,
			      const struct ruru_options *opts, struct ruru_error *err)
{
	struct ruru_ws *ws = ruru_ws_open_opts(root, opts, err);
	if (!ws)
		return NULL;
	/* No chdir: paths in tool arguments are joined to the root where they
	 * are read (call_args). */
	struct ruru_mcp *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->env.ws = ws;
	struct ruru_error werr = { 0 }; /* without a watch, searches sweep */
	m->watch = ruru_watch_start(ws, &werr);
	if (session) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addstr(&b, session);
		m->session = ruru_buf_detach(&b, NULL);
	}
	m->env.session = m->session;
	ruru_buf_init(&m->env.note);
	ruru_buf_init(&m->env.text);
	m->sets = MCP_SET_CORE;
	m->tools_list = build_tools_list(m->sets);
	return m;
}

int ruru_mcp_toolsets(struct ruru_mcp *m, const char *spec, struct ruru_error *err)
{
	unsigned sets = 0;
	for (const char *s = spec ? spec : ""; *s;) {
		size_t n = strcspn(s, ", ");
		size_t k = 0;
		while (k < mcp_ntoolsets &&
		       (strlen(mcp_toolsets[k].name) != n || strncmp(mcp_toolsets[k].name, s, n)))
			k++;
		if (n && k == mcp_ntoolsets) {
			struct ruru_buf names = RURU_BUF_INIT;
			for (k = 0; k < mcp_ntoolsets; k++)
				ruru_buf_addf(&names, "%s%s", k ? ", " : "", mcp_toolsets[k].name);
			ruru_error_set(err, RURU_EUSAGE, "unknown toolset \"%.*s\" (%s)", (int)n, s,
				       names.ptr);
			ruru_buf_release(&names);
			return -1;
		}
		if (n)
			sets |= mcp_toolsets[k].bit;
		s += n;
		s += strspn(s, ", ");
	}
	if (!sets)
		return ruru_error_set(err, RURU_EUSAGE, "no toolset named");
	json_decref(m->tools_list);
	m->sets = sets;
	m->tools_list = build_tools_list(sets);
	return 0;
}

const char *ruru_mcp_root(const struct ruru_mcp *m)
{
	return ruru_ws_root(m->env.ws);
}

void ruru_mcp_free(struct ruru_mcp *m)
{
	if (!m)
		return;
	ruru_watch_stop(m->watch);
	ruru_ws_free(m->env.ws);
	ruru_buf_release(&m->env.note);
	ruru_buf_release(&m->env.text);
	json_decref(m->tools_list);
	free(m->session);
	free(m);
}

static int flush_out(FILE *out, struct ruru_buf *b, struct ruru_error *err)
{
	if (!b->len)
		return 0;
	if (fwrite(b->ptr, 1, b->len, out) != b->len || fflush(out) != 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot write to standard output: %s",
				      strerror(errno));
	ruru_buf_reset(b);
	return 0;
}

int ruru_mcp_serve(struct ruru_mcp *m, int in_fd, FILE *out, struct ruru_error *err)
{
	static char chunk[1 << 16];
	struct ruru_buf line = RURU_BUF_INIT, resp = RURU_BUF_INIT;
	bool skipping = false; /* inside a line too long to keep */
	struct ruru_mcp_id_scan scan = { 0 };
	int rc = 0;
	/* A client that goes away is end of input, not a signal death. */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = read(in_fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ruru_error_set(err, RURU_EFAIL, "cannot read standard input: %s",
					    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		size_t p = 0;
		while (p < (size_t)n && rc == 0) {
			char *nl = memchr(chunk + p, '\n', (size_t)n - p);
			size_t take = nl ? (size_t)(nl - (chunk + p)) : (size_t)n - p;
			if (skipping) {
				ruru_mcp_id_scan(&scan, chunk + p, take);
			} else if (line.len + take > RURU_MCP_MAX_LINE) {
				/* Drop the rest up to the newline, keeping only what
				 * the answer needs (its id): memory stays bounded
				 * whatever the client sends. */
				skipping = true;
				memset(&scan, 0, sizeof(scan));
				ruru_mcp_id_scan(&scan, line.ptr ? line.ptr : "", line.len);
				ruru_mcp_id_scan(&scan, chunk + p, take);
				ruru_buf_release(&line);
			} else {
				ruru_buf_add(&line, chunk + p, take);
			}
			if (nl) {
				if (skipping)
					ruru_mcp_too_long(&scan, &resp);
				else
					ruru_mcp_handle(m, line.ptr ? line.ptr : "", line.len, &resp);
				skipping = false;
				/* Do not keep a huge buffer around after a huge message. */
				if (line.cap > (1u << 20))
					ruru_buf_release(&line);
				else
					ruru_buf_reset(&line);
			}
			rc = flush_out(out, &resp, err);
			p += take + (nl ? 1 : 0);
		}
		if (rc < 0)
			break;
	}
	/* A last message without a newline still counts. */
	if (rc == 0 && skipping) {
		ruru_mcp_too_long(&scan, &resp);
		rc = flush_out(out, &resp, err);
	} else if (rc == 0 && line.len) {
		ruru_mcp_handle(m, line.ptr, line.len, &resp);
		rc = flush_out(out, &resp, err);
	}
	ruru_buf_release(&line);
	ruru_buf_release(&resp);
	return rc;
}
