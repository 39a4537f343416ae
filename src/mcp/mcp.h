/*
 * mcp.h — `ruru mcp`, the Model Context Protocol server: JSON-RPC 2.0 over
 * stdin/stdout, one message per line, exposing the session workflow as
 * tools (doc/design.md §12), the continue digest as a prompt and each session log
 * as a resource.  A thin front end like the CLI: every tool calls the same
 * public library function (include/ruru.h) as the matching command.
 *
 * Calling sequence: ruru_mcp_new() once, then ruru_mcp_handle() for every
 * line read, ruru_mcp_free() at the end; ruru_mcp_serve() does all of that
 * for a file descriptor and a stream (what `ruru mcp` runs).  The split
 * exists so that the fuzz target can feed lines without a pipe.
 */
#ifndef RURU_MCP_H
#define RURU_MCP_H

#include <stdio.h>

#include "ruru.h"

/* Longest message accepted.  A longer line is answered with -32600 and
 * its id, and skipped up to its newline without being buffered. */
#define RURU_MCP_MAX_LINE ((size_t)8 << 20)

/* The newest protocol revision spoken (and the answer to an unknown one). */
#define RURU_MCP_PROTOCOL "2025-11-25"

struct ruru_mcp;

/* A server acting on the workspace `root` (NULL: discovery, as the CLI)
 * with `session` (NULL: none) as the default session of every tool that
 * takes one.  NULL with err when the workspace cannot be opened. */
struct ruru_mcp *ruru_mcp_new(const char *root, const char *session,
			      const struct ruru_options *opts, struct ruru_error *err);
void ruru_mcp_free(struct ruru_mcp *m);
/* Offer the toolsets named in `spec` ("core,tasks", "all"; commas or
 * blanks between names) instead of the default, core.  RURU_EUSAGE for
 * an unknown name; the server is unchanged then. */
int ruru_mcp_toolsets(struct ruru_mcp *m, const char *spec, struct ruru_error *err);
/* The workspace root the server acts on (borrowed). */
const char *ruru_mcp_root(const struct ruru_mcp *m);

/*
 * Handle one line (without its newline; need not be NUL-terminated).  The
 * response, if any, is appended to `out` as one line ending in '\n';
 * notifications, blank lines and responses from the client append nothing.
 * Never fails: every problem becomes a JSON-RPC error or a tool error.
 */
void ruru_mcp_handle(struct ruru_mcp *m, const char *line, size_t len, struct ruru_buf *out);

/* The top-level "id" of a message read in pieces and not kept. */
struct ruru_mcp_id_scan {
	int depth, phase;
	bool in_str, esc, capturing, done, other;
	char key[4];
	size_t klen, vlen;
	char val[256];
};
/* Feed the next `n` bytes of the message to `s` (zeroed at its start). */
void ruru_mcp_id_scan(struct ruru_mcp_id_scan *s, const char *p, size_t n);

/* The answer to a line longer than RURU_MCP_MAX_LINE: -32600 with the
 * message's id when `scan` found one (NULL or none: id null). */
void ruru_mcp_too_long(const struct ruru_mcp_id_scan *scan, struct ruru_buf *out);

/*
 * Serve: read lines from `in_fd` until end of input, write each response
 * to `out` and flush it.  Returns 0 at end of input, -1 with err when
 * reading or writing failed (e.g. the client closed the pipe).
 */
int ruru_mcp_serve(struct ruru_mcp *m, int in_fd, FILE *out, struct ruru_error *err);

#endif
