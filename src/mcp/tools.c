/*
 * tools.c — the table of MCP tools of doc/design.md §12 (mcp_tools[], one
 * per library operation) and the helpers the tools share.  Each entry is
 * a name, a one-line description, a function t_<tool>() that makes the
 * same library call as the matching CLI command (src/cli/cmd-*.c) and
 * returns the same JSON object that command prints with --json, with
 * the library's text of that result (see "text renderings" below).  The functions live in
 * the file of their job, declared in tools_int.h: tools_session.c (a
 * session itself), tools_work.c (artifacts and tasks), tools_confirm.c
 * (confirmations), tools_admin.c (check, search, summarize).  No session
 * logic lives in any of them: arguments in, library call, JSON and text
 * out.  Descriptions tell a model what each tool is for and when to
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

#include "tools_int.h"
#include "banned.h"

/* ------------------------------------------------------------- helpers */

const char *arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

/* ------------------------------------------------------ text renderings */

/*
 * Each tool's result also goes out as a short text (doc/design.md §12),
 * because some clients show the model only the text content and others
 * only structuredContent.  The text is the library's rendering of the
 * typed result (ruru_X_text(), the one `ruru` prints), which carries every
 * identifier a next call needs and escapes what comes from files or the
 * user, so that a title cannot forge a line (MCP_RETURN_RESULT).
 */

/* The session a call acts on: its `session` argument, the server's -s,
 * then ROOCOM_SESSION_ID and the active session (the library). */
char *session_of(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	const char *id = arg_str(args, "session");
	return ruru_session_resolve(env->ws, id ? id : env->session, err);
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
	  .run = t_session_new },
	{ .name = "session_log",
	  .set = MCP_SET_CORE,
	  .description = "Log an event as it happens: each user prompt, decision, delegation, "
			 "result and error.",
	  .run = t_session_log },
	{ .name = "session_set_status",
	  .set = MCP_SET_CORE,
	  .description = "Pause, reactivate or end a session.",
	  .idempotent = true,
	  .run = t_session_set_status },
	{ .name = "session_list",
	  .set = MCP_SET_ADMIN,
	  .description = "List sessions, newest first.",
	  .read_only = true,
	  .run = t_session_list },
	{ .name = "session_show",
	  .set = MCP_SET_ADMIN,
	  .description = "Read a session and its log entries.",
	  .read_only = true,
	  .run = t_session_show },
	{ .name = "session_continue",
	  .set = MCP_SET_CORE,
	  .description = "Resume a session (default: the active one, never an ended one); returns "
			 "its digest.",
	  .more = MORE("max_chars"),
	  .more_set = MCP_SET_ADMIN,
	  .run = t_session_continue },
	{ .name = "session_digest",
	  .set = MCP_SET_ADMIN,
	  .description = "Read-only session_continue.",
	  .read_only = true,
	  .run = t_session_digest },
	{ .name = "artifact_add",
	  .set = MCP_SET_CORE,
	  .description = "Save a file in the session artifacts/ and log it.",
	  .more = MORE("type", "title", "tags", "task"),
	  .more_set = MCP_SET_ADMIN,
	  .destructive = true,
	  .run = t_artifact_add },
	{ .name = "artifact_list",
	  .set = MCP_SET_ADMIN,
	  .description = "List the session artifacts.",
	  .read_only = true,
	  .run = t_artifact_list },
	{ .name = "task_link",
	  .set = MCP_SET_TASKS,
	  .description = "Link an MDTM task to the session.",
	  .idempotent = true,
	  .run = t_task_link },
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
	  .run = t_task_new },
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
