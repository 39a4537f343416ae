/*
 * tools.h — the MCP tool table shared by server.c (listing, validating
 * and dispatching tools/call) and tools.c (one entry per library
 * operation, doc/design.md §12; the tools themselves are in
 * tools_*.c, declared in tools_int.h).  Internal to src/mcp/.
 */
#ifndef RURU_MCP_TOOLS_H
#define RURU_MCP_TOOLS_H

#include <jansson.h>

#include "ruru.h"

/* What a tool sees: the workspace and the server's default session. */
struct mcp_env {
	struct ruru_ws *ws;
	const char *session; /* -s given to `ruru mcp`, or NULL */
	struct ruru_buf note; /* extra text for a failed call (reset per call) */
	/* The text content of a successful call: the tool's result rendered
	 * by the library's renderer (ruru_X_text(), the one the CLI prints;
	 * reset per call). */
	struct ruru_buf text;
};

/*
 * A tool.  Its arguments are the rows of the library verb of the same
 * tool name (ruru_verb_find, src/lib/base/verbs.c): server.c builds the
 * input schema from them (types, vocabularies' words, required ones) and
 * checks each call's arguments against them, so an argument is defined
 * once for the CLI and for MCP.  What is the server's own is here: the
 * description, the toolset, which arguments are seldom passed, the
 * annotations.  There is no output schema: the bytes go to descriptions
 * instead (the whole list must stay under 12 KB), and ruru(1) documents
 * every result.  `run` gets arguments already checked and returns the
 * result object (without schema_version; the caller adds it) or NULL
 * with err filled, like the CLI command it mirrors.
 */
struct mcp_tool {
	const char *name;
	const char *description;
	/* Arguments of the verb (by name, NULL-terminated) listed and
	 * accepted only when the toolset `more_set` is on too: what a
	 * coordinator seldom passes stays out of the default list. */
	const char *const *more;
	unsigned more_set;
	/* Annotations (MCP ToolAnnotations): reads only; may overwrite or
	 * remove what is there; calling twice does no more than once. */
	bool read_only, destructive, idempotent;
	/* The toolset the tool belongs to (one bit of MCP_SET_*). */
	unsigned set;
	/* Runs the call: returns the result's JSON (structuredContent) and
	 * puts its text, the library's renderer's (ruru_X_text(), the one the
	 * CLI prints), in env->text: the content a model reading only the
	 * text gets. */
	json_t *(*run)(struct mcp_env *env, json_t *args, struct ruru_error *err);
};

/*
 * Toolsets: a model pays for every tool description on every turn, so
 * the server lists only the sets asked for (`ruru mcp --toolsets`).
 * core is what a coordinator calls in most sessions; the others are
 * for the work that needs them.
 */
enum {
	MCP_SET_CORE = 1u << 0,
	MCP_SET_TASKS = 1u << 1,
	MCP_SET_REVIEW = 1u << 2,
	MCP_SET_ADMIN = 1u << 3,
	MCP_SET_ALL = (1u << 4) - 1,
};
struct mcp_toolset {
	const char *name;
	unsigned bit;
};
extern const struct mcp_toolset mcp_toolsets[];
extern const size_t mcp_ntoolsets;

extern const struct mcp_tool mcp_tools[];
extern const size_t mcp_ntools;

/* The ceiling of a digest over MCP, and the bound a request's max_chars
 * gives (0 or more than the ceiling: the ceiling; negative: the default). */
#define MCP_DIGEST_MAX 64000
size_t mcp_digest_bound(json_int_t asked);

/* The continue digest of `session` (NULL: default/active), its text at
 * most max_chars bytes (0 and more than MCP_DIGEST_MAX: MCP_DIGEST_MAX),
 * for the continue_session prompt; NULL with err (and env->note) on
 * failure. */
struct ruru_digest *mcp_continue_digest(struct mcp_env *env, const char *session,
					size_t max_chars, struct ruru_error *err);

/* The JSON Schema of one argument (a row of the tool's verb): its type,
 * its words as an enum, its description; any text may be in it. */
json_t *mcp_arg_schema(const struct ruru_arg *a);

#endif
