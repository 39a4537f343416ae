/*
 * verbs.c — the verbs the front ends offer and their arguments, one row
 * per argument (see `struct ruru_arg` in ruru.h).  The CLI builds its
 * options, its usage lines and --help from these rows (src/cli/main.c),
 * the MCP server its tools' input schemas and its argument checks
 * (src/mcp/server.c); a test holds both front ends to the table
 * (tests/unit/test_mcp_verbs.c, and src/cli/main.c checks its own tables
 * against it when it starts).
 *
 * A row's `help` is what the argument means, as `ruru CMD --help` says it;
 * `brief`, when set, is the MCP description, kept short because the whole
 * tools/list is sent to the model on every turn (tests/mcp/agents.py and
 * client.mjs hold it to a byte budget).  Rows are in the MCP schema's
 * order; the CLI lists options in the order of its own tables.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ruru.h"
#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define VERB(name_, tool_, rows) { .name = (name_), .tool = (tool_), .args = (rows), .nargs = N(rows) }

/* Rows several verbs share. */
#define SESSION_ROW                                                                               \
	{ .name = "session", .help = "ID or prefix; default: active", .cli = RURU_ARG_CLI_SESSION }
#define ARTIFACT_ROW                                                                              \
	{ .name = "artifact", .help = "CONFIRM file from confirm_propose",                        \
	  .brief = "proposal's CONFIRM file", .cli = RURU_ARG_CLI_OPERAND, .required = true }
#define TASK_OPERAND_ROW                                                                          \
	{ .name = "task", .help = "MDTM task ID", .cli = RURU_ARG_CLI_OPERAND, .required = true }
#define WORD(v) .type = RURU_ARG_WORD, .vocab = (v)

/* ------------------------------------------------------------ sessions */

static const struct ruru_arg new_args[] = {
	{ .name = "goal", .help = "short title", .cli = RURU_ARG_CLI_OPERAND, .required = true },
	{ .name = "description", .help = "the Goal section (\"-\": read stdin)",
	  .brief = "Goal section text" },
	{ .name = "tags", .cli_name = "tag", .type = RURU_ARG_STRINGS,
	  .help = "a keyword (repeatable)", .brief = "keywords" },
	{ .name = "coordinator", .help = "coordinating mode (default roo-commander)",
	  .brief = "mode (default roo-commander)" },
	/* V7 */
	{ .name = "scaffold", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "create the twelve V7 artifact folders with READMEs" },
	{ .name = "from-summary", .no_mcp = true,
	  .help = "a SESSUM summary this session continues (source_summaries)" },
};

/* The entry fields are arguments of `log` with the type their words give;
 * an ADR is a file's path.  (An artifact is not: the library finds it
 * from the session folder in its short forms.)  Their MCP descriptions,
 * shorter than the help (BRIEF_<FIELD>; NULL: the help): */
#define BRIEF_MODE "delegated to, or result from"
#define BRIEF_TASK "MDTM task ID"
#define BRIEF_ARTIFACT "file in the session folder: artifacts/x or x"
#define BRIEF_ADR "path from the root; may not exist yet"
#define BRIEF_OUTCOME "of a result, or the user's answer"
#define BRIEF_SOURCE NULL
#define FIELD_ROW(u, l, meta, help_)                                                              \
	{ .name = #l, .help = (help_), .brief = BRIEF_##u,                                         \
	  .type = RURU_FIELD_##u == RURU_FIELD_OUTCOME ? RURU_ARG_WORD : RURU_ARG_STRING,          \
	  .vocab = RURU_VOCAB_OUTCOME, .path = RURU_FIELD_##u == RURU_FIELD_ADR },

static const struct ruru_arg log_args[] = {
	SESSION_ROW,
	{ .name = "type", WORD(RURU_VOCAB_EVENT), .help = "event type (default note)",
	  .brief = "default note" },
	{ .name = "message", .help = "what happened", .cli = RURU_ARG_CLI_OPERAND, .required = true },
	RURU_ENTRY_FIELDS(FIELD_ROW)
	/* V7 */
	{ .name = "new-task", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "delegation: create its MDTM task first; prints the ID" },
	{ .name = "title", .no_mcp = true, .help = "title of the --new-task task" },
	{ .name = "task-type", WORD(RURU_VOCAB_TASK_TYPE), .no_mcp = true,
	  .help = "type of the --new-task task (default feature)" },
};

static const struct ruru_arg set_status_args[] = {
	SESSION_ROW,
	{ .name = "status", WORD(RURU_VOCAB_STATUS), .help = "new status", .required = true,
	  .cli = RURU_ARG_CLI_COMMAND },
	{ .name = "reason", .help = "why (added to the session event)", .brief = "why" },
};

static const struct ruru_arg list_args[] = {
	{ .name = "status", WORD(RURU_VOCAB_STATUS), .help = "only sessions with this status",
	  .brief = "filter" },
	{ .name = "tag", .help = "only sessions with this tag", .brief = "filter" },
	{ .name = "since", .type = RURU_ARG_DATE, .no_mcp = true,
	  .help = "only sessions started at or after DATE (YYYY-MM-DD or a date-time)" },
	{ .name = "limit", .type = RURU_ARG_INTEGER, .help = "only the N newest sessions",
	  .brief = "default 50", .mcp_def = 50 },
};

static const struct ruru_arg show_args[] = {
	SESSION_ROW,
	{ .name = "entries", .type = RURU_ARG_INTEGER, .help = "only the last N entries",
	  .brief = "last N only" },
	{ .name = "digest", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "print the continue digest instead; changes nothing" },
	{ .name = "max-chars", .type = RURU_ARG_INTEGER, .no_mcp = true,
	  .help = "at most N bytes of entries, or of the digest (default 8000; 0: no bound)",
	  .def = RURU_DIGEST_DEFAULT },
	{ .name = "entry", .type = RURU_ARG_INTEGER, .no_mcp = true,
	  .help = "only the entry that starts on line LINE, whole" },
};

static const struct ruru_arg continue_args[] = {
	SESSION_ROW,
	{ .name = "reopen", .type = RURU_ARG_BOOLEAN,
	  .help = "reopen the named session when it is completed or failed",
	  .brief = "reopen it if ended" },
	{ .name = "max_chars", .cli_name = "max-chars", .type = RURU_ARG_INTEGER,
	  .help = "at most N bytes, oldest entries cut first (default 8000; 0: no bound)",
	  .brief = "bytes (default 8000)", .def = RURU_DIGEST_DEFAULT },
};

/* `ruru show --digest` in the CLI. */
static const struct ruru_arg digest_args[] = {
	SESSION_ROW,
};

static const struct ruru_arg check_args[] = {
	{ .name = "session", .help = "only this one; default: all", .cli = RURU_ARG_CLI_SESSION },
	{ .name = "errors-only", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "report errors only, not warnings (drift ruru reads fine)" },
};

static const struct ruru_arg summarize_args[] = {
	SESSION_ROW,
	{ .name = "body",
	  .help = "notes added after the computed sections (\"## Notes from the coordinator\")",
	  .brief = "notes to add" },
};

/* ----------------------------------------------------------- artifacts */

static const struct ruru_arg artifact_add_args[] = {
	SESSION_ROW,
	{ .name = "name", .help = "name under artifacts/ (subfolders allowed)",
	  .brief = "path in artifacts/" },
	{ .name = "content", .help = "full text", .cli = RURU_ARG_CLI_OPERAND, .bytes = true },
	{ .name = "force", .type = RURU_ARG_BOOLEAN, .help = "replace an existing artifact of that name",
	  .brief = "replace an existing file" },
	{ .name = "description", .help = "what the artifact is (in the log entry)",
	  .brief = "what it is, for the log" },
	/* V7 typed artifacts */
	{ .name = "type", WORD(RURU_VOCAB_ARTIFACT_TYPE), .help = "a typed V7 artifact of TYPE",
	  .brief = "V7 typed artifact, with title, instead of name" },
	{ .name = "title", .help = "title of a typed artifact (its name and heading)",
	  .brief = "V7 title" },
	{ .name = "tags", .cli_name = "tag", .type = RURU_ARG_STRINGS,
	  .help = "tag of a typed artifact (repeatable)", .brief = "V7 tags" },
	{ .name = "task", .help = "related_task_id of a typed artifact", .brief = "V7 MDTM task" },
};

static const struct ruru_arg artifact_list_args[] = {
	SESSION_ROW,
	{ .name = "type", WORD(RURU_VOCAB_ARTIFACT_TYPE), .no_mcp = true,
	  .help = "only typed artifacts of this type" },
};

/* --------------------------------------------------------------- tasks */

static const struct ruru_arg task_link_args[] = {
	SESSION_ROW,
	TASK_OPERAND_ROW,
};

static const struct ruru_arg task_list_args[] = {
	SESSION_ROW,
	{ .name = "all", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "every task file of the workspace, session or not, in progress first and done "
		  "last" },
};

static const struct ruru_arg task_new_args[] = {
	SESSION_ROW,
	{ .name = "type", WORD(RURU_VOCAB_TASK_TYPE), .help = "the task's type", .brief = "kind",
	  .required = true },
	{ .name = "title", .help = "the task's title", .brief = "one line", .required = true },
	{ .name = "team", .help = "the ID's team part (default: from --assign, else the type)",
	  .brief = "team in the ID" },
	{ .name = "assign", .help = "assigned_to", .brief = "mode slug" },
	{ .name = "body", .help = "the Markdown below the front matter, in place of the template's",
	  .brief = "Markdown" },
	{ .name = "parent", .no_mcp = true, .help = "parent_task" },
};

static const struct ruru_arg task_status_args[] = {
	TASK_OPERAND_ROW,
	{ .name = "status", WORD(RURU_VOCAB_TASK_STATUS), .help = "new status", .required = true,
	  .cli = RURU_ARG_CLI_OPERAND },
};

static const struct ruru_arg task_claim_args[] = {
	TASK_OPERAND_ROW,
	{ .name = "by", .help = "who takes the task (assigned_to)", .brief = "mode slug",
	  .required = true },
	{ .name = "ttl", .help = "length of the lease: 90s, 30m (default), 2h, 1d",
	  .brief = "e.g. 30m (default)" },
};

static const struct ruru_arg task_release_args[] = {
	TASK_OPERAND_ROW,
	{ .name = "by", .help = "refuse unless MODE holds the lease", .brief = "mode slug" },
	{ .name = "status", WORD(RURU_VOCAB_TASK_STATUS),
	  .help = "status to leave (default: To Do when In Progress)",
	  .brief = "to set (default todo)" },
};

/* -------------------------------------------------------- confirmation */

static const struct ruru_arg propose_args[] = {
	SESSION_ROW,
	{ .name = "target", .help = "the file the edit is for (relative to the current folder)",
	  .brief = "file to change, from the workspace root", .required = true, .path = true },
	{ .name = "content", .help = "the target's complete new content, byte for byte",
	  .brief = "new content", .one_of = 1, .bytes = true },
	{ .name = "diff", .help = "exactly one unified diff of the target (must apply cleanly now)",
	  .brief = "or a unified diff", .one_of = 1, .bytes = true },
	{ .name = "supersedes", .help = "an earlier proposal this one replaces (it is withdrawn)",
	  .brief = "proposal it replaces" },
};

static const struct ruru_arg confirm_show_args[] = {
	ARTIFACT_ROW,
};

/* confirm approve, reject, skip and ask in the CLI. */
static const struct ruru_arg decide_args[] = {
	ARTIFACT_ROW,
	{ .name = "decision", WORD(RURU_VOCAB_DECISION), .required = true,
	  .help = "approve or reject: the user; skip: you", .cli = RURU_ARG_CLI_COMMAND },
	{ .name = "reason", .help = "why (recorded in the sidecar and the log)", .brief = "why" },
	{ .name = "shown", .type = RURU_ARG_OBJECT, .cli = RURU_ARG_CLI_NONE,
	  .help = "as confirm_show returned it; refused if changed since" },
	{ .name = "sign", .type = RURU_ARG_BOOLEAN, .no_mcp = true,
	  .help = "sign the decision with your SSH key (ssh-keygen -Y sign)" },
	{ .name = "key", .no_mcp = true,
	  .help = "the signing key: a private key, or a public key held by ssh-agent (implies "
		  "--sign)" },
	{ .name = "as", .no_mcp = true,
	  .help = "the signer as allowed_signers names it (default: git user.email; implies --sign)" },
	{ .name = "expect", .type = RURU_ARG_STRINGS, .no_mcp = true,
	  .help = "refuse (exit 5) unless the proposal is still what was shown: HASH is its "
		  "payload_sha256; KEY is payload_sha256, result_sha256, target_sha256 or "
		  "target_path" },
};

static const struct ruru_arg delegate_args[] = {
	ARTIFACT_ROW,
	{ .name = "to", .help = "the executor mode", .brief = "executor mode slug", .required = true },
	{ .name = "task", .help = "the MDTM task of the delegation", .brief = "MDTM task ID" },
};

static const struct ruru_arg apply_args[] = {
	ARTIFACT_ROW,
	{ .name = "force", .type = RURU_ARG_BOOLEAN,
	  .help = "apply even though the target changed since the proposal (logged)",
	  .brief = "even if the target changed" },
	{ .name = "commit", .type = RURU_ARG_BOOLEAN,
	  .help = "then commit exactly the target with git, with Ruru-* trailers",
	  .brief = "then git commit it" },
	{ .name = "message", .help = "the commit message (with --commit)", .brief = "with commit" },
};

static const struct ruru_arg withdraw_args[] = {
	ARTIFACT_ROW,
	{ .name = "reason", .help = "why (recorded in the sidecar and the log)", .brief = "why" },
};

static const struct ruru_arg confirm_list_args[] = {
	SESSION_ROW,
	{ .name = "status", WORD(RURU_VOCAB_CONFIRM_STATUS), .help = "only proposals with this status",
	  .brief = "filter" },
};

static const struct ruru_arg verify_args[] = {
	{ .name = "sessions", .type = RURU_ARG_STRINGS, .help = "IDs; default: all",
	  .cli = RURU_ARG_CLI_OPERAND },
};

/* -------------------------------------------------------------- search */

/* word k is the bit 1 << k of RURU_SEARCH_* */
static const char *const search_in_words[] = { "entries", "sessions", "artifacts", NULL };

unsigned ruru_search_in_bit(const char *word)
{
	for (unsigned k = 0; word && search_in_words[k]; k++)
		if (!strcmp(word, search_in_words[k]))
			return 1u << k;
	return 0;
}

static const struct ruru_arg search_args[] = {
	{ .name = "query", .help = "words, \"phrase\", pre*, -not, OR", .cli = RURU_ARG_CLI_OPERAND,
	  .required = true },
	{ .name = "type", WORD(RURU_VOCAB_EVENT), .mcp_any = true,
	  .help = "only entries of this event type", .brief = "event type" },
	{ .name = "session", .help = "ID or prefix", .cli = RURU_ARG_CLI_SESSION },
	/* a model reads every hit it is given: fewer by default over MCP */
	{ .name = "limit", .type = RURU_ARG_INTEGER, .help = "at most N hits (default 100; 0: all)",
	  .brief = "default 20, 0: all", .def = 100, .mcp_def = 20 },
	{ .name = "mode", .help = "only entries naming this mode", .brief = "mode slug" },
	{ .name = "task", .help = "only entries naming this task", .brief = "MDTM task ID" },
	{ .name = "status", WORD(RURU_VOCAB_STATUS), .help = "only in sessions with this status",
	  .brief = "session status" },
	{ .name = "tag", .help = "only in sessions with this tag", .brief = "tag" },
	{ .name = "since", .type = RURU_ARG_DATE,
	  .help = "only hits at or after DATE (YYYY-MM-DD or a date-time)",
	  .brief = "YYYY-MM-DD or date-time" },
	{ .name = "until", .type = RURU_ARG_DATE,
	  .help = "only hits at or before DATE (a date: to its end)",
	  .brief = "same; a date: to its end" },
	{ .name = "in", .type = RURU_ARG_WORD, .words = search_in_words,
	  .help = "only entries, sessions or artifacts (repeatable)", .brief = "where" },
};

/* ------------------------------------------- verbs of the CLI alone */

/* Flags and values of commands no MCP tool mirrors (they change the
 * workspace's setup, serve or export it, or are run by hosts' hooks). */
#define CLI_ONLY .cli = RURU_ARG_CLI_OPTION, .no_mcp = true

static const struct ruru_arg help_args[] = {
	{ .name = "all", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "print the usage line of every command" },
};

static const struct ruru_arg init_args[] = {
	{ .name = "mcp", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "also register `ruru mcp` in .roo/mcp.json (Roo Code)" },
	{ .name = "git", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "also register the session-log merge driver with git" },
	/* agent hosts */
	{ .name = "host", CLI_ONLY,
	  .help = "wire ruru into agent hosts: claude, codex, gemini, cursor, cline, kilo, zoo, "
		  "roo, detect" },
	{ .name = "capture", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "with --host: also the hooks that log prompts, subagents, compactions and the "
		  "session's end (claude, codex, gemini); with --remove: take those alone out" },
	{ .name = "dry-run", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "with --host: print the changes as a diff, write nothing" },
	{ .name = "remove", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "with --host: take ruru's entries out again" },
	{ .name = "force", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "with --host: replace a server entry named ruru that is not ruru's own, whole" },
	/* signed decisions */
	{ .name = "signing", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "require signed decisions: your key into $XDG_CONFIG_HOME/ruru/allowed_signers" },
	{ .name = "key", CLI_ONLY,
	  .help = "with --signing: your SSH key (default: git user.signingkey, ssh-agent)" },
	{ .name = "as", CLI_ONLY,
	  .help = "with --signing: your signer identity (default: git user.email)" },
};

static const char *const kind_words[] = { "content", "diff", NULL };

static const struct ruru_arg adopt_args[] = {
	{ .name = "target", CLI_ONLY, .required = true,
	  .help = "the file the hand-made proposal is for" },
	{ .name = "kind", CLI_ONLY, .type = RURU_ARG_WORD, .words = kind_words,
	  .help = "what the artifact holds (default content)" },
};

static const struct ruru_arg export_args[] = {
	{ .name = "agent-trace", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "one Agent Trace record (JSON) per applied confirmation" },
	{ .name = "md", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "one session (ID, else the active one) as one Markdown document" },
	{ .name = "html", CLI_ONLY, .help = "the sessions (IDs, else all) as a static site in DIR" },
	{ .name = "no-redact", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "keep secrets (every export redacts them by default)" },
};

static const struct ruru_arg mcp_args[] = {
	{ .name = "toolsets", CLI_ONLY,
	  .help = "tools offered: core (default), tasks, review, admin, or all; comma-separated "
		  "(default: RURU_MCP_TOOLSETS, else core)" },
};

static const struct ruru_arg serve_args[] = {
	{ .name = "port", .type = RURU_ARG_INTEGER, CLI_ONLY,
	  .help = "TCP port (default 8737; 0: any free port)", .max = 65535, .def = 8737 },
	{ .name = "bind", CLI_ONLY, .help = "IP address to listen on (default 127.0.0.1; others warn)" },
	{ .name = "open", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "open the URL in a browser (xdg-open)" },
	{ .name = "as", CLI_ONLY,
	  .help = "the approver recorded with decisions (default: git user.name <user.email>, else "
		  "the login name)" },
};

static const struct ruru_arg reindex_args[] = {
	{ .name = "prune", .type = RURU_ARG_BOOLEAN, CLI_ONLY,
	  .help = "instead, remove the indexes of workspaces that no longer exist" },
};

static const char *const prime_hook_words[] = { "claude", "codex", "gemini", NULL };

static const struct ruru_arg prime_args[] = {
	{ .name = "max-chars", .type = RURU_ARG_INTEGER, CLI_ONLY,
	  .help = "bound the digest to N bytes (default 2000)", .min = 1, .def = 2000 },
	{ .name = "hook", CLI_ONLY, .type = RURU_ARG_WORD, .words = prime_hook_words,
	  .help = "print it as HOST's hook expects (claude, codex, gemini); reads the hook's JSON "
		  "on stdin" },
};

static const struct ruru_arg instructions_args[] = {
	{ .name = "host", CLI_ONLY,
	  .help = "as written for HOST (claude, codex, gemini, cursor, cline, kilo, zoo, roo)" },
};

static const struct ruru_arg capture_args[] = {
	{ .name = "hook", CLI_ONLY,
	  .help = "the host whose hook runs it (claude, codex, gemini); reads the hook's JSON on "
		  "stdin" },
};

/* --------------------------------------------------------------- table */

static const struct ruru_verb verbs[] = {
	VERB("new", "session_new", new_args),
	VERB("log", "session_log", log_args),
	VERB("set-status", "session_set_status", set_status_args),
	VERB("list", "session_list", list_args),
	VERB("show", "session_show", show_args),
	VERB("continue", "session_continue", continue_args),
	VERB("digest", "session_digest", digest_args),
	VERB("artifact add", "artifact_add", artifact_add_args),
	VERB("artifact list", "artifact_list", artifact_list_args),
	VERB("task link", "task_link", task_link_args),
	VERB("task list", "task_list", task_list_args),
	VERB("check", "session_check", check_args),
	VERB("confirm propose", "confirm_propose", propose_args),
	VERB("confirm show", "confirm_show", confirm_show_args),
	VERB("confirm decide", "confirm_decide", decide_args),
	VERB("confirm delegate", "confirm_delegate", delegate_args),
	VERB("confirm apply", "confirm_apply", apply_args),
	VERB("confirm withdraw", "confirm_withdraw", withdraw_args),
	VERB("confirm list", "confirm_list", confirm_list_args),
	VERB("verify", "confirm_verify", verify_args),
	VERB("search", "session_search", search_args),
	VERB("summarize", "session_summarize", summarize_args),
	VERB("task new", "task_new", task_new_args),
	VERB("task status", "task_status", task_status_args),
	VERB("task claim", "task_claim", task_claim_args),
	VERB("task release", "task_release", task_release_args),
	/* the CLI alone */
	VERB("help", NULL, help_args),
	VERB("init", NULL, init_args),
	VERB("confirm adopt", NULL, adopt_args),
	VERB("export", NULL, export_args),
	VERB("mcp", NULL, mcp_args),
	VERB("serve", NULL, serve_args),
	VERB("reindex", NULL, reindex_args),
	VERB("prime", NULL, prime_args),
	VERB("instructions", NULL, instructions_args),
	VERB("capture", NULL, capture_args),
};

const struct ruru_verb *ruru_verb_at(size_t i)
{
	return i < N(verbs) ? &verbs[i] : NULL;
}

const struct ruru_verb *ruru_verb_find(const char *name)
{
	for (size_t i = 0; name && i < N(verbs); i++)
		if (!strcmp(verbs[i].name, name) || (verbs[i].tool && !strcmp(verbs[i].tool, name)))
			return &verbs[i];
	return NULL;
}

const struct ruru_arg *ruru_verb_arg(const struct ruru_verb *v, const char *name)
{
	for (size_t i = 0; v && name && i < v->nargs; i++)
		if (!strcmp(v->args[i].name, name))
			return &v->args[i];
	return NULL;
}

const char *ruru_arg_brief(const struct ruru_arg *a)
{
	return a->brief ? a->brief : a->help;
}

const char *ruru_arg_word(const struct ruru_arg *a, size_t i)
{
	if (a->words)
		return a->words[i];
	return ruru_vocab_word(a->vocab, i);
}

bool ruru_arg_word_ok(const struct ruru_arg *a, const char *w)
{
	const char *x;
	if (!a->words)
		return ruru_vocab_accepts(a->vocab, w);
	for (size_t i = 0; w && (x = a->words[i]); i++)
		if (!strcmp(x, w))
			return true;
	return false;
}

void ruru_arg_words(const struct ruru_arg *a, const char *sep, struct ruru_buf *out)
{
	const char *w;
	for (size_t i = 0; (w = ruru_arg_word(a, i)); i++) {
		if (i)
			ruru_buf_addstr(out, sep);
		ruru_buf_addstr(out, w);
	}
}

bool ruru_arg_in_range(const struct ruru_arg *a, unsigned long long v)
{
	return v >= a->min && (!a->max || v <= a->max) && v <= SIZE_MAX;
}

size_t ruru_arg_default(const struct ruru_arg *a, bool mcp)
{
	return mcp && a->mcp_def ? a->mcp_def : a->def;
}
