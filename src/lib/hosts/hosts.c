/*
 * hosts.c — `ruru init --host`: wire ruru into the coding agents people use
 * (doc/design.md §13).  For each host, in the project-level files that host
 * documents, it adds ruru's MCP server entry and an instructions block that
 * tells the model to call ruru; for Claude Code, Codex and Gemini CLI also
 * the hooks that feed `ruru prime` into the model's context, for Claude
 * Code three slash commands.
 *
 * Everything is planned in memory first (plan.c): every file is read
 * once, every edit applied to its text, and only when all files could be
 * parsed and edited is anything written (each file atomically through the
 * storage layer).  A file that cannot be parsed stops the whole command with
 * RURU_EINVALID and FILE:LINE:COL; nothing is written then.  Edits are
 * format preserving (jsonedit.c for JSON: servers.c, hooks.c; toml_edit.c
 * for TOML: codex.c; markers for Markdown: markdown.c), so that running
 * again changes nothing and `--remove` gives back the bytes that were
 * there before.  This file holds the hosts and the command.
 *
 * The formats, and where each host documents them (checked 2026-12):
 *  - Claude Code: project MCP servers in .mcp.json {"mcpServers": {NAME:
 *    {"command", "args"}}}, memory in CLAUDE.md, hooks in
 *    .claude/settings.json {"hooks": {EVENT: [{"matcher"?, "hooks":
 *    [{"type": "command", "command"}]}]}} (plain JSON: comments refused),
 *    project slash commands in .claude/commands/NAME.md (front matter
 *    "description", "argument-hint"; $ARGUMENTS) —
 *    code.claude.com/docs/en/mcp, /memory, /hooks, /slash-commands.
 *  - Codex: AGENTS.md; MCP servers as [mcp_servers.NAME] command, args in
 *    config.toml (or an inline table mcp_servers = {...}), read from
 *    .codex/config.toml of a trusted project; hooks in .codex/hooks.json,
 *    Claude Code's shape, SessionStart answered with hookSpecificOutput —
 *    github.com/openai/codex docs/config.md, developers.openai.com/codex/hooks.
 *  - Gemini CLI: GEMINI.md; .gemini/settings.json, read with comments,
 *    {"mcpServers": {NAME: {"command", "args"}}, "hooks": {...}} (hooks
 *    on by default, Claude Code's shape) — github.com/google-gemini/gemini-cli
 *    docs/get-started/configuration.md, docs/tools/mcp-server.md,
 *    docs/hooks/reference.md.
 *  - Cursor: .cursor/mcp.json {"mcpServers": ...}; project rules in
 *    .cursor/rules/NAME.mdc with YAML front matter description, globs,
 *    alwaysApply — cursor.com/docs/context/mcp, /rules.
 *  - Cline: rules in .clinerules/ (a folder of Markdown files) or a single
 *    .clinerules file; MCP servers only in Cline's own
 *    cline_mcp_settings.json (no project file) —
 *    docs.cline.bot/features/cline-rules, /mcp/configuring-mcp-servers.
 *  - Kilo Code: rules in .kilocode/rules/; MCP in .kilocode/mcp.json
 *    {"mcpServers"} (the VS Code extension before 7.x) and in kilo.jsonc,
 *    kilo.json, .kilo/kilo.jsonc or .kilo/kilo.json {"mcp": {NAME:
 *    {"type": "local", "command": [...], "enabled": true}}} (7.x and the
 *    CLI) — Kilo-Org/kilocode
 *    packages/kilo-docs/pages/automate/mcp/using-in-kilo-code.md.
 *  - Zoo Code: .zoo/mcp.json {"mcpServers"}, rules in .zoo/rules/, read
 *    before Roo Code's .roo/ (Roo Code, its origin, archived 2026-05:
 *    .roo/mcp.json, .roo/rules/ — RooCodeInc/Roo-Code docs,
 *    features/mcp/using-mcp-in-roo, features/custom-instructions).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "hosts.h"
#include "store.h"
#include "text.h"
#include "banned.h"

/* YAML front matter: the description holds ": ", so it is quoted. */
static const char cursor_head[] = "---\n"
				  "description: \"Session log of this project: call ruru, never edit .ruru/ by hand\"\n"
				  "globs:\n"
				  "alwaysApply: true\n"
				  "---\n";

static const struct host hosts[] = {
	{ "claude", "Claude Code", { ".claude", NULL }, "CLAUDE.md", NULL, { ".mcp.json" },
	  { MCP_SERVERS }, false, ".claude/settings.json", { "SessionStart", "PreCompact" },
	  "Claude Code asks once before it starts the project's MCP server \"ruru\" from "
	  ".mcp.json; the hooks run `ruru` from PATH" },
	{ "codex", "Codex", { ".codex", NULL }, "AGENTS.md", NULL, { ".codex/config.toml" },
	  { MCP_CODEX }, false, ".codex/hooks.json", { "SessionStart" },
	  "Codex reads .codex/config.toml and .codex/hooks.json only in a trusted project; "
	  "otherwise add [mcp_servers.ruru] command = \"ruru\" args = [\"mcp\"] to "
	  "~/.codex/config.toml" },
	{ "gemini", "Gemini CLI", { ".gemini", NULL }, "GEMINI.md", NULL, { ".gemini/settings.json" },
	  { MCP_SERVERS }, true, ".gemini/settings.json", { "SessionStart" }, NULL },
	{ "cursor", "Cursor", { ".cursor", NULL }, ".cursor/rules/ruru.mdc", cursor_head,
	  { ".cursor/mcp.json" }, { MCP_SERVERS }, false, NULL, { NULL }, NULL },
	{ "cline", "Cline", { ".clinerules", NULL }, ".clinerules/ruru.md", NULL, { NULL }, { MCP_NONE },
	  false, NULL, { NULL }, NULL /* made per project: cline_note() */ },
	{ "kilo", "Kilo Code", { ".kilocode", ".kilo", NULL }, ".kilocode/rules/ruru.md", NULL,
	  { ".kilocode/mcp.json", ".kilo/kilo.json" }, { MCP_SERVERS, MCP_KILO }, true, NULL,
	  { NULL }, NULL },
	{ "zoo", "Zoo Code", { ".zoo", NULL }, ".zoo/rules/ruru.md", NULL, { ".zoo/mcp.json" },
	  { MCP_SERVERS }, false, NULL, { NULL }, NULL },
	{ "roo", "Roo Code", { ".roo", NULL }, ".roo/rules/ruru.md", NULL, { ".roo/mcp.json" },
	  { MCP_SERVERS }, false, NULL, { NULL }, NULL },
};
#define NHOSTS (sizeof(hosts) / sizeof(hosts[0]))

static const struct host *find_host(const char *name, size_t len)
{
	for (size_t i = 0; i < NHOSTS; i++)
		if (strlen(hosts[i].name) == len && !memcmp(hosts[i].name, name, len))
			return &hosts[i];
	return NULL;
}

const char *ruru_host_name(size_t i)
{
	return i < NHOSTS ? hosts[i].name : NULL;
}

/* ------------------------------------------------------ the instructions */

/*
 * The session workflow in short, told as "call ruru" — written once here
 * and rendered for each host (which way it calls ruru, its slash
 * commands).  The event types come from the library's table.
 */
static void render_block(struct ruru_buf *b, const struct host *h)
{
	bool mcp = !h || h->style[0] != MCP_NONE;
	ruru_buf_addstr(b, BEGIN_MARK "\n"
			   "## Session log: call ruru\n"
			   "\n"
			   "This project records its work in ruru session logs (`.ruru/`). Never edit\n"
			   "files under `.ruru/` by hand: call ruru, ");
	if (mcp)
		ruru_buf_addstr(b, "through the tools of the `ruru` MCP server or\n"
				   "the `ruru` command in a terminal (tool names in brackets).\n");
	else
		ruru_buf_addstr(b, "with the `ruru` command in a terminal\n"
				   "(its MCP server, `ruru mcp`, has the tools named in brackets).\n");
	ruru_buf_addstr(b, "\n"
			   "- First: `ruru prime` shows the active session, pending confirmations and\n"
			   "  open items. Pick up work with `ruru continue [ID]` (`session_continue`);\n"
			   "  start new work with `ruru new \"GOAL\"` (`session_new`).\n"
			   "- Log each event when it happens: `ruru log --type TYPE \"MESSAGE\"`\n"
			   "  (`session_log`); TYPE is one of ");
	for (int i = 0; i < RURU_EV_COUNT; i++)
		ruru_buf_addf(b, "%s%s", i ? (i + 1 == RURU_EV_COUNT ? " or " : ", ") : "",
			      ruru_event_name((enum ruru_event)i));
	ruru_buf_addstr(b, ".\n"
			   "  Delegations name the mode and task (`--mode`, `--task`); results say\n"
			   "  `--outcome success|failure`.\n"
			   "- Files the work produces: `ruru artifact add --name NAME FILE`\n"
			   "  (`artifact_add`).\n"
			   "- Edits that need the user's consent: propose with\n"
			   "  `ruru confirm propose --target PATH --content FILE` (`confirm_propose`),\n"
			   "  show the user `ruru confirm show ARTIFACT` and ask; record the answer with\n"
			   "  `ruru confirm approve|reject ARTIFACT` (`confirm_decide`) only after the\n"
			   "  user gave it (a routine low-risk edit may be `ruru confirm skip ARTIFACT\n"
			   "  --rationale TEXT`); then `ruru confirm delegate ARTIFACT --to MODE`\n"
			   "  (`confirm_delegate`); the executor runs `ruru confirm apply ARTIFACT`\n"
			   "  (`confirm_apply`).\n"
			   "- Stopping: `ruru pause` (`session_set_status`); later `ruru continue`.\n"
			   "  Done: `ruru complete`.\n");
	if (h && !strcmp(h->name, "claude"))
		ruru_buf_addstr(b, "- Slash commands: /continue-session, /pause-session, /propose-edit.\n"
				   "  The session digest is added at start and after compaction.\n");
	ruru_buf_addstr(b, END_MARK "\n");
}

int ruru_host_instructions(const char *host, struct ruru_buf *out, struct ruru_error *err)
{
	const struct host *h = NULL;
	if (host && !(h = find_host(host, strlen(host))))
		return ruru_error_set(err, RURU_EUSAGE,
				      "unknown host \"%s\" (claude, codex, gemini, cursor, cline, kilo, "
				      "zoo, roo)",
				      host);
	render_block(out, h);
	return 0;
}

/* Claude Code's project slash commands (.claude/commands/NAME.md). */
static const struct {
	const char *file, *head, *body;
} claude_commands[] = {
	{ ".claude/commands/continue-session.md",
	  "---\n"
	  "description: Pick up the ruru session (digest, open items, pending confirmations)\n"
	  "argument-hint: [SESSION-ID]\n"
	  "---\n",
	  "Run `ruru continue $ARGUMENTS` (MCP tool `session_continue`) and read the digest it\n"
	  "prints: goal, open items, pending confirmations, last entries. Without an ID and\n"
	  "without an active session it lists recent sessions: ask the user which one to\n"
	  "continue. Then carry on with the open items and log each step with `ruru log`.\n" },
	{ ".claude/commands/pause-session.md",
	  "---\n"
	  "description: Pause the active ruru session with a note of where the work stands\n"
	  "argument-hint: [REASON]\n"
	  "---\n",
	  "Log where the work stands with `ruru log --type note \"...\"` (what is done, what is\n"
	  "open, what comes next), then run `ruru pause --reason \"$ARGUMENTS\"` (MCP tool\n"
	  "`session_set_status` with status paused). Tell the user the session ID.\n" },
	{ ".claude/commands/propose-edit.md",
	  "---\n"
	  "description: Propose an edit for the user to confirm (ruru confirmation workflow)\n"
	  "argument-hint: TARGET-PATH\n"
	  "---\n",
	  "Write the complete new content of `$ARGUMENTS` to a scratch file, then run\n"
	  "`ruru confirm propose --target $ARGUMENTS --content FILE` (MCP tool\n"
	  "`confirm_propose`). Show the user `ruru confirm show ARTIFACT` and ask whether to\n"
	  "apply it. Record the answer with `ruru confirm approve ARTIFACT` or\n"
	  "`ruru confirm reject ARTIFACT --reason \"...\"`; only when approved, run\n"
	  "`ruru confirm apply ARTIFACT`.\n" },
};

/* ---------------------------------------------------------- the command */

/* Is `dir`/`rel` there, itself (not through a symlink), of file type
 * `type` (S_IFDIR, S_IFREG)? */
static bool is_there(const char *dir, const char *rel, mode_t type)
{
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "%s/%s", dir, rel);
	struct stat st;
	bool yes = lstat(p.ptr, &st) == 0 && (st.st_mode & S_IFMT) == type;
	ruru_buf_release(&p);
	return yes;
}

static bool folder_exists(const char *dir, const char *rel)
{
	return is_there(dir, rel, S_IFDIR);
}

static bool file_exists(const char *dir, const char *rel)
{
	return is_there(dir, rel, S_IFREG);
}

/* Parse "claude,codex" or "detect" into a set of hosts. */
static int pick_hosts(const char *dir, const char *spec, bool chosen[NHOSTS],
		      struct ruru_error *err)
{
	memset(chosen, 0, NHOSTS * sizeof(bool));
	if (!spec || !*spec)
		return ruru_error_set(err, RURU_EUSAGE, "no host named");
	for (const char *s = spec; *s;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (RURU_IS_LIT(s, n, "detect")) {
			bool any = false;
			for (size_t i = 0; i < NHOSTS; i++) {
				/* Zoo Code reads .zoo/ before .roo/ (Roo Code's, which it
				 * also reads): with .zoo/ there, .roo/ gets nothing more. */
				if (!strcmp(hosts[i].name, "roo") && folder_exists(dir, ".zoo"))
					continue;
				for (size_t k = 0; k < 3 && hosts[i].detect[k]; k++)
					if (folder_exists(dir, hosts[i].detect[k]))
						chosen[i] = any = true;
				/* Kilo's settings may also be a file at the root. */
				if (!strcmp(hosts[i].name, "kilo") &&
				    (file_exists(dir, "kilo.json") || file_exists(dir, "kilo.jsonc")))
					chosen[i] = any = true;
			}
			if (!any)
				return ruru_error_set(err, RURU_ENOTFOUND,
						      "no agent host folder found (.claude, .codex, "
						      ".gemini, .cursor, .clinerules, .kilocode, .kilo, "
						      "kilo.json, .zoo, .roo); name the hosts");
		} else {
			const struct host *h = find_host(s, n);
			if (!h)
				return ruru_error_set(err, RURU_EUSAGE,
						      "unknown host \"%.*s\" (claude, codex, gemini, cursor, "
						      "cline, kilo, zoo, roo, detect)",
						      (int)n, s);
			chosen[h - hosts] = true;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* Kilo reads its settings from kilo.jsonc, kilo.json, .kilo/kilo.jsonc or
 * .kilo/kilo.json: the one that is there is edited (never joined by a
 * second); none, .kilo/kilo.json is made. */
static const char *kilo_file(const char *dir)
{
	static const char *const files[] = { "kilo.jsonc", "kilo.json", ".kilo/kilo.jsonc",
					     ".kilo/kilo.json" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (file_exists(dir, files[i]))
			return files[i];
	return ".kilo/kilo.json";
}

/* Cline has no project MCP file: the entry to add to its own settings,
 * with --root, because Cline starts servers outside the project. */
static void cline_note(struct plan *p, const struct host *h)
{
	char *abs = realpath(p->dir, NULL);
	json_t *args = json_pack("[s, s, s]", "--root", abs ? abs : p->dir, "mcp");
	char *a = json_dumps(args, JSON_COMPACT);
	json_array_append_new(p->notes,
			      json_sprintf("%s: Cline reads MCP servers only from its own settings: add "
					   "\"ruru\": {\"command\": \"ruru\", \"args\": %s} under "
					   "\"mcpServers\" in cline_mcp_settings.json (MCP Servers > "
					   "Configure); until then Cline calls the ruru command in its "
					   "terminal",
					   h->label, a ? a : "[]"));
	free(a);
	json_decref(args);
	free(abs);
}

static int plan_host_base(struct plan *p, const struct host *h, bool remove,
			  struct ruru_error *err);

/* With --capture: the capture hooks too (with --remove: those alone);
 * a plain --remove takes them out with the rest. */
static int plan_host(struct plan *p, const struct host *h, bool remove, bool capture,
		     struct ruru_error *err)
{
	int rc = capture && remove ? 0 : plan_host_base(p, h, remove, err);
	if (rc == 0 && (capture || remove))
		rc = hosts_capture_hooks(p, h->name, remove, err);
	if (rc == 0 && capture && !remove && !hosts_capture_has(h->name))
		json_array_append_new(p->notes,
				      json_sprintf("%s: no hooks to capture from (capture works with "
						   "claude, codex and gemini)", h->label));
	if (rc == 0 && capture && !remove && !strcmp(h->name, "codex"))
		json_array_append_new(p->notes,
				      json_string("Codex: hooks run only with [features] codex_hooks = "
						  "true in config.toml"));
	return rc;
}

static int plan_host_base(struct plan *p, const struct host *h, bool remove, struct ruru_error *err)
{
	struct ruru_buf blk = RURU_BUF_INIT;
	render_block(&blk, h);
	/* Cline also takes a single .clinerules file instead of the folder. */
	const char *instr = h->instr;
	if (!strcmp(h->name, "cline") && file_exists(p->dir, ".clinerules"))
		instr = ".clinerules";
	int rc = hosts_md_block(p, instr, h->instr_head, blk.ptr, remove, err);
	ruru_buf_release(&blk);
	for (size_t k = 0; rc == 0 && k < 2 && h->mcp[k]; k++) {
		const char *rel = h->style[k] == MCP_KILO ? kilo_file(p->dir) : h->mcp[k];
		rc = h->style[k] == MCP_CODEX ? hosts_codex_toml(p, rel, remove, err)
					      : hosts_json_mcp(p, rel, h->style[k], h->jsonc, remove, err);
	}
	if (rc == 0 && !remove && !strcmp(h->name, "cline"))
		cline_note(p, h);
	if (rc == 0 && h->hooks)
		rc = hosts_prime_hooks(p, h, remove, err);
	if (rc == 0 && !strcmp(h->name, "claude")) {
		for (size_t i = 0; rc == 0 && i < sizeof(claude_commands) / sizeof(claude_commands[0]);
		     i++) {
			struct ruru_buf b = RURU_BUF_INIT;
			ruru_buf_addf(&b, "%s\n%s%s\n", BEGIN_MARK, claude_commands[i].body, END_MARK);
			rc = hosts_md_block(p, claude_commands[i].file, claude_commands[i].head, b.ptr, remove,
				      err);
			ruru_buf_release(&b);
		}
	}
	if (rc == 0 && h->note && !remove)
		json_array_append_new(p->notes, json_sprintf("%s: %s", h->label, h->note));
	return rc;
}

int ruru_hosts_init(const char *dir, const struct ruru_options *opts, const char *spec,
		    unsigned flags, struct ruru_hosts_report **report, struct ruru_error *err)
{
	bool chosen[NHOSTS];
	bool remove = flags & RURU_HOSTS_REMOVE, dry = flags & RURU_HOSTS_DRY_RUN;
	if (report)
		*report = NULL;
	if (!dir)
		dir = ".";
	if (pick_hosts(dir, spec, chosen, err) < 0)
		return -1;
	struct plan p = { .dir = dir, .opts = opts, .notes = json_array(),
			  .force = flags & RURU_HOSTS_FORCE };
	p.store = ruru_store_open(dir, NULL, err);
	if (!p.store) {
		json_decref(p.notes);
		return -1;
	}
	ruru_error_clear(err);
	struct ruru_hosts_report *r = ruru_xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->dry_run = dry;
	r->remove = remove;
	struct ruru_buf diff = RURU_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < NHOSTS && rc == 0; i++) {
		if (!chosen[i])
			continue;
		r->hosts = ruru_xrealloc(r->hosts, (r->nhosts + 1) * sizeof(*r->hosts));
		r->hosts[r->nhosts++] = ruru_strdup(hosts[i].name);
		rc = plan_host(&p, &hosts[i], remove, flags & RURU_HOSTS_CAPTURE, err);
	}
	if (rc == 0)
		rc = hosts_plan_commit(&p, dry, &diff, r, err);
	if (rc == 0 && report) {
		size_t i;
		json_t *n;
		json_array_foreach(p.notes, i, n) {
			r->notes = ruru_xrealloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
			r->notes[r->nnotes++] = ruru_strdup(json_string_value(n));
		}
		if (dry) {
			r->diff_len = diff.len;
			r->diff = ruru_buf_detach(&diff, NULL);
		}
		*report = r;
		r = NULL;
	}
	ruru_hosts_report_free(r);
	ruru_buf_release(&diff);
	hosts_plan_release(&p);
	return rc;
}

void ruru_hosts_report_free(struct ruru_hosts_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nhosts; i++)
		free(r->hosts[i]);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->hosts);
	free(r->files);
	free(r->notes);
	free(r->diff);
	free(r);
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ruru_json_text(v[i], strlen(v[i])));
	return a;
}

json_t *ruru_hosts_report_json(const struct ruru_hosts_report *r)
{
	json_t *files = json_array();
	for (size_t i = 0; i < r->nfiles; i++)
		json_array_append_new(files, json_pack("{s:o, s:s}", "path",
						       ruru_json_text(r->files[i].path,
								      strlen(r->files[i].path)),
						       "action", r->files[i].action));
	json_t *o = json_pack("{s:o, s:b, s:b, s:o, s:o}", "hosts", strings(r->hosts, r->nhosts),
			      "dry_run", r->dry_run, "remove", r->remove, "files", files, "notes",
			      strings(r->notes, r->nnotes));
	if (r->diff)
		json_object_set_new(o, "diff", ruru_json_text(r->diff, r->diff_len));
	return o;
}

void ruru_hosts_report_text(const struct ruru_hosts_report *r, struct ruru_buf *out)
{
	if (r->diff)
		ruru_text_escape_keep(out, r->diff, r->diff_len, "\t\n");
	for (size_t i = 0; !r->diff && i < r->nfiles; i++) {
		if (!strcmp(r->files[i].action, "unchanged"))
			continue;
		ruru_buf_addf(out, "%s ", r->files[i].action);
		ruru_text_escape(out, r->files[i].path, strlen(r->files[i].path));
		ruru_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < r->nnotes; i++) {
		ruru_buf_addstr(out, "note: ");
		ruru_text_escape(out, r->notes[i], strlen(r->notes[i]));
		ruru_buf_addch(out, '\n');
	}
}

int ruru_hosts_mcp_file(const char *dir, const char *rel, struct ruru_error *err)
{
	struct plan p = { .dir = dir ? dir : ".", .notes = json_array() };
	p.store = ruru_store_open(p.dir, NULL, err);
	if (!p.store) {
		json_decref(p.notes);
		return -1;
	}
	ruru_error_clear(err);
	int rc = hosts_json_mcp(&p, rel, MCP_SERVERS, false, false, err);
	if (rc == 0)
		rc = hosts_plan_commit(&p, false, NULL, NULL, err);
	/* This call has no force: what overrides the refusal is the caller's
	 * to say (`init --host zoo` with force). */
	if (rc < 0 && err->hint == RURU_HINT_FORCE) {
		err->hint = RURU_HINT_NONE;
		err->arg = NULL;
	}
	hosts_plan_release(&p);
	return rc;
}

