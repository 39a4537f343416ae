/*
 * tools.h — the MCP tool table shared by server.c (listing, validating
 * and dispatching tools/call) and tools.c (one entry per library
 * operation, DESIGN §11).  Internal to src/mcp/.
 */
#ifndef RURU_MCP_TOOLS_H
#define RURU_MCP_TOOLS_H

#include "ruru.h"

/* What a tool sees: the workspace and the server's default session. */
struct mcp_env {
	struct ruru_ws *ws;
	const char *session; /* -s given to `ruru mcp`, or NULL */
	struct ruru_buf note; /* extra text for a failed call (reset per call) */
	struct ruru_buf text; /* text content of a successful call instead of
				 its JSON, when a tool sets it (reset per call) */
};

/*
 * A tool.  Schemas are JSON text written with single quotes for
 * readability (turned into double quotes when loaded, so no description
 * may hold an apostrophe).  A property whose "enum" is the string
 * "@NAME" gets the words of the library vocabulary NAME (ruru_vocab_name).
 * There is no output schema: the bytes go to descriptions instead (the
 * whole list must stay under 12 KB), and ruru(1) documents every result.
 * `run` gets arguments already checked against the input schema and
 * returns the result object (without
 * schema_version; the caller adds it) or NULL with err filled, like the
 * CLI command it mirrors.
 */
struct mcp_tool {
	const char *name;
	const char *description;
	const char *input;  /* properties of the input schema, as '{...}' */
	const char *required; /* JSON array text or NULL */
	const char *one_of[2]; /* exactly one of these two arguments (or none) */
	bool entry_fields;  /* one more argument per entry field (RURU_ENTRY_FIELDS) */
	/* Annotations (MCP ToolAnnotations): reads only; may overwrite or
	 * remove what is there; calling twice does no more than once. */
	bool read_only, destructive, idempotent;
	json_t *(*run)(struct mcp_env *env, json_t *args, struct ruru_error *err);
};

extern const struct mcp_tool mcp_tools[];
extern const size_t mcp_ntools;

/* The continue digest of `session` (NULL: default/active) as text, at
 * most max_chars bytes (0: no bound), for the continue_session prompt; NULL with err (and env->note) on failure. */
char *mcp_continue_digest(struct mcp_env *env, const char *session, size_t max_chars,
			  struct ruru_error *err);

#endif
