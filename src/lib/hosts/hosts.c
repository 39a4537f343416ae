/*
 * hosts.c — `ruru init --host`: wire ruru into the coding agents people use
 * (doc/design.md §13).  For each host, in the project-level files that host
 * documents, it adds ruru's MCP server entry and an instructions block that
 * tells the model to call ruru; for Claude Code, Codex and Gemini CLI also
 * the hooks that feed `ruru prime` into the model's context, for Claude
 * Code three slash commands.
 *
 * Everything is planned in memory first: every file is read once, every
 * edit applied to its text, and only when all files could be parsed and
 * edited is anything written (each file atomically through the storage
 * layer).  A file that cannot be parsed stops the whole command with
 * RURU_EINVALID and FILE:LINE:COL; nothing is written then.  Edits are
 * format preserving (jsonedit.c for JSON, toml_edit.c for TOML, markers
 * for Markdown), so that running again changes nothing and `--remove`
 * gives back the bytes that were there before.
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

#include <jansson.h>

#include "hosts.h"
#include "jsonedit.h"
#include "logtx.h"
#include "store.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

#define BEGIN_MARK "<!-- ruru:begin -->"
#define END_MARK "<!-- ruru:end -->"

enum mcp_style { MCP_NONE = 0, MCP_SERVERS, MCP_KILO, MCP_CODEX };

struct host {
	const char *name, *label;
	const char *detect[3];   /* folders whose presence means the host is used */
	const char *instr;       /* the instructions file */
	const char *instr_head;  /* text before the block in a file ruru creates */
	const char *mcp[2];      /* MCP configuration files */
	enum mcp_style style[2];
	bool jsonc;              /* the host reads comments in its JSON settings */
	const char *hooks;       /* the file of its hooks ({"hooks": {EVENT: [...]}}) */
	const char *events[2];   /* the hook events that run `ruru prime --hook NAME` */
	const char *note;        /* told to the user after init */
};

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

/* ------------------------------------------------------------ the plan */

struct pfile {
	char *rel;
	bool existed, gone;
	struct ruru_buf old, cur;
	bool written; /* plan_commit changed it on disk */
	char *made;   /* the topmost folder plan_commit made for it */
};

struct plan {
	const char *dir;
	struct ruru_store *store; /* dir */
	struct pfile *f;
	size_t n;
	json_t *notes;
	bool force; /* replace a server entry named ruru that is not ruru's own */
};

static void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->f[i].rel);
		free(p->f[i].made);
		ruru_buf_release(&p->f[i].old);
		ruru_buf_release(&p->f[i].cur);
	}
	free(p->f);
	ruru_store_close(p->store);
	json_decref(p->notes);
}

/* "a/./b/../c" -> "a/c" in place; false when it climbs out. */
static bool resolve_dots(struct ruru_buf *b)
{
	struct ruru_buf out = RURU_BUF_INIT;
	const char *s = b->ptr;
	bool ok = true;
	while (*s && ok) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (RURU_IS_LIT(s, n, "..")) {
			char *last = out.len ? memrchr(out.ptr, '/', out.len) : NULL;
			ok = out.len > 0;
			out.len = last ? (size_t)(last - out.ptr) : 0;
			out.ptr[out.len] = '\0';
		} else if (n && !(n == 1 && *s == '.')) {
			if (out.len)
				ruru_buf_addch(&out, '/');
			ruru_buf_add(&out, s, n);
		}
		s += n + (e ? 1 : 0);
	}
	ok = ok && out.len;
	ruru_buf_release(b);
	*b = out;
	return ok;
}

static struct pfile *plan_file_at(struct plan *p, const char *rel, int depth,
				  struct ruru_error *err);

static struct pfile *plan_file(struct plan *p, const char *rel, struct ruru_error *err)
{
	return plan_file_at(p, rel, 0, err);
}

static struct pfile *plan_file_at(struct plan *p, const char *rel, int depth,
				  struct ruru_error *err)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].rel, rel))
			return &p->f[i];
	struct ruru_buf safe = RURU_BUF_INIT, path = RURU_BUF_INIT;
	/* An instructions file that is a symlink to another file of the
	 * project (CLAUDE.md -> AGENTS.md is common) is edited where it
	 * points, and stays a symlink.  The link is read, never followed:
	 * its target is resolved by name inside the project and then walked
	 * like any other path. */
	struct stat lst;
	struct ruru_error lerr = { 0 };
	ruru_buf_addf(&path, "%s/%s", p->dir, rel);
	if (depth < 4 && ruru_store_lstat(p->store, rel, &lst, &lerr) == 0 && S_ISLNK(lst.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path.ptr, target, sizeof(target) - 1);
		struct pfile *t = NULL;
		struct ruru_buf res = RURU_BUF_INIT;
		if (n > 0 && target[0] != '/') {
			target[n] = '\0';
			const char *slash = strrchr(rel, '/');
			if (slash)
				ruru_buf_add(&res, rel, (size_t)(slash - rel) + 1);
			ruru_buf_addstr(&res, target);
		}
		if (res.len && resolve_dots(&res))
			t = plan_file_at(p, res.ptr, depth + 1, err);
		else
			ruru_error_set(err, RURU_EREFUSED, "unsafe path \"%s\": a symlink that leads out of the project",
				       rel);
		ruru_buf_release(&res);
		ruru_buf_release(&path);
		return t;
	}
	ruru_buf_reset(&path);
	if (ruru_store_path_inside(p->store, NULL, rel, &safe, err) < 0) {
		ruru_buf_release(&safe);
		ruru_buf_release(&path);
		return NULL;
	}
	ruru_buf_release(&safe);
	ruru_buf_addstr(&path, rel);
	/* A symlink inside the project (CLAUDE.md -> AGENTS.md is common) is
	 * edited where it points, and stays a symlink. */
	struct pfile f = { .rel = ruru_strdup(rel) };
	ruru_buf_init(&f.old);
	ruru_buf_init(&f.cur);
	struct stat st;
	struct ruru_error serr = { 0 };
	if (ruru_store_lstat(p->store, path.ptr, &st, &serr) == 0) {
		if (!S_ISREG(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED, "unsafe path \"%s\": not a regular file", rel);
			goto fail;
		}
		if (ruru_store_read(p->store, path.ptr, &f.old, err) < 0)
			goto fail;
		f.existed = true;
	} else if (serr.code != RURU_ENOTFOUND) {
		*err = serr;
		goto fail;
	}
	ruru_buf_add(&f.cur, f.old.ptr ? f.old.ptr : "", f.old.len);
	ruru_buf_release(&path);
	p->f = ruru_xrealloc(p->f, (p->n + 1) * sizeof(*p->f));
	p->f[p->n] = f;
	return &p->f[p->n++];
fail:
	free(f.rel);
	ruru_buf_release(&f.old);
	ruru_buf_release(&f.cur);
	ruru_buf_release(&path);
	return NULL;
}

static void set_text(struct pfile *f, const char *s, size_t len)
{
	struct ruru_buf t;
	ruru_buf_init(&t);
	ruru_buf_add(&t, s, len);
	ruru_buf_release(&f->cur);
	f->cur = t;
}

static int invalid_at(struct ruru_error *err, const char *rel, const char *text, size_t off,
		      const char *what)
{
	ruru_error_set(err, RURU_EINVALID, "%s", what);
	ruru_text_position(text, off, &err->line, &err->col);
	ruru_error_set_file(err, rel);
	return -1;
}

/* ------------------------------------------------------------- Markdown */

/* Find a marker line; its start and the end of its line (with newline). */
static bool find_marker(const char *s, size_t len, size_t from, const char *mark, size_t *ls,
			size_t *le)
{
	size_t n = strlen(mark);
	for (size_t i = from; i + n <= len;) {
		const char *hit = memmem(s + i, len - i, mark, n);
		if (!hit)
			return false;
		size_t at = (size_t)(hit - s);
		size_t b = at;
		while (b > 0 && s[b - 1] != '\n')
			b--;
		const char *nl = memchr(s + at, '\n', len - at);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		/* Only a line that holds the marker alone (blanks around). */
		bool alone = true;
		for (size_t k = b; k < at; k++)
			alone = alone && (s[k] == ' ' || s[k] == '\t');
		for (size_t k = at + n; k < e; k++)
			alone = alone && strchr(" \t\r\n", s[k]);
		if (alone) {
			*ls = b;
			*le = e;
			return true;
		}
		i = at + n;
	}
	return false;
}

static void to_crlf(struct ruru_buf *b)
{
	struct ruru_buf t = RURU_BUF_INIT;
	for (size_t i = 0; i < b->len; i++) {
		if (b->ptr[i] == '\n' && (i == 0 || b->ptr[i - 1] != '\r'))
			ruru_buf_addch(&t, '\r');
		ruru_buf_addch(&t, b->ptr[i]);
	}
	ruru_buf_release(b);
	*b = t;
}

static int md_block(struct plan *p, const char *rel, const char *head, const char *block,
		    bool remove, struct ruru_error *err)
{
	struct pfile *f = plan_file(p, rel, err);
	if (!f)
		return -1;
	const char *s = f->cur.ptr;
	size_t len = f->cur.len, bs, be, es, ee;
	bool has_begin = find_marker(s, len, 0, BEGIN_MARK, &bs, &be);
	bool has_end = has_begin ? find_marker(s, len, be, END_MARK, &es, &ee)
				 : find_marker(s, len, 0, END_MARK, &es, &ee);
	if (has_begin != has_end)
		return invalid_at(err, rel, s, has_begin ? bs : es,
				  has_begin ? "\"" BEGIN_MARK "\" without a following \"" END_MARK "\""
					    : "\"" END_MARK "\" without a \"" BEGIN_MARK "\" before it");
	const char *nl = memchr(s, '\n', len);
	bool crlf = nl && nl > s && nl[-1] == '\r';
	struct ruru_buf blk = RURU_BUF_INIT, out = RURU_BUF_INIT;
	ruru_buf_addstr(&blk, block);
	if (crlf)
		to_crlf(&blk);
	const char *eol = crlf ? "\r\n" : "\n";
	if (remove) {
		if (!has_begin)
			goto done;
		size_t cut_s = bs, cut_e = ee;
		/* The blank line ruru put before a block it appended; or, after
		 * a file that had no final line break, the one it added. */
		size_t el = strlen(eol);
		if (cut_e == len && cut_s >= 2 * el && !memcmp(s + cut_s - el, eol, el) &&
		    !memcmp(s + cut_s - 2 * el, eol, el))
			cut_s -= el;
		else if (cut_e == len && cut_s >= el && !memcmp(s + cut_s - el, eol, el) &&
			 !(head && cut_s == strlen(head) && !memcmp(s, head, cut_s)))
			cut_s -= el;
		ruru_buf_add(&out, s, cut_s);
		ruru_buf_add(&out, s + cut_e, len - cut_e);
		bool empty = true;
		for (size_t i = 0; i < out.len; i++)
			empty = empty && strchr(" \t\r\n", out.ptr[i]);
		if (empty || (head && out.len == strlen(head) && !memcmp(out.ptr, head, out.len)))
			f->gone = true;
		set_text(f, out.ptr, out.len);
		goto done;
	}
	if (has_begin) {
		ruru_buf_add(&out, s, bs);
		ruru_buf_add(&out, blk.ptr, blk.len);
		ruru_buf_add(&out, s + ee, len - ee);
	} else if (len == 0) {
		ruru_buf_addstr(&out, head ? head : "");
		ruru_buf_add(&out, blk.ptr, blk.len);
	} else {
		/* After a blank line; a file without a final line break gets
		 * that one line break only, so that removal gives back exactly
		 * its bytes. */
		ruru_buf_add(&out, s, len);
		ruru_buf_addstr(&out, eol);
		ruru_buf_add(&out, blk.ptr, blk.len);
	}
	f->gone = false;
	set_text(f, out.ptr, out.len);
done:
	ruru_buf_release(&blk);
	ruru_buf_release(&out);
	return 0;
}

/* ----------------------------------------------------------------- JSON */

static int json_load_plan(struct pfile *f, struct ruru_jdoc *d, bool comments,
			  struct ruru_error *err)
{
	if (!f->existed && f->cur.len == 0)
		return ruru_jdoc_parse(d, "{}", 2, comments, err);
	if (ruru_jdoc_parse(d, f->cur.ptr, f->cur.len, comments, err) < 0) {
		ruru_error_set_file(err, f->rel);
		return -1;
	}
	if (d->nodes[d->root].type != RURU_J_OBJECT) {
		ruru_jdoc_release(d);
		return invalid_at(err, f->rel, f->cur.ptr, 0, "expected a JSON object");
	}
	return 0;
}

/* The object member `key` of `obj`, made (empty) when absent.  -1 with
 * RURU_EINVALID when it is there but not an object. */
static int object_member(struct ruru_jdoc *d, int obj, const char *key, const char *rel,
			 bool create, struct ruru_error *err)
{
	int m = ruru_jdoc_get(d, obj, key);
	if (m >= 0 && d->nodes[m].type != RURU_J_OBJECT)
		return invalid_at(err, rel, d->text.ptr, d->nodes[m].start, "expected a JSON object");
	if (m >= 0 || !create)
		return m;
	json_t *e = json_object();
	int rc = ruru_jdoc_set(d, obj, key, e, err);
	json_decref(e);
	if (rc < 0)
		return -1;
	return ruru_jdoc_get(d, obj, key);
}

/* A file ruru made whose every key it took out again is removed. */
static void json_finish(struct pfile *f, struct ruru_jdoc *d, bool remove)
{
	if (!f->existed && !remove && d->text.len && d->text.ptr[d->text.len - 1] != '\n')
		ruru_buf_addstr(&d->text, d->eol);
	set_text(f, d->text.ptr, d->text.len);
	f->gone = remove && d->nodes[d->root].count == 0;
}

/* Take node `n` out; then its parents that are left empty, up to (not
 * including) the root: ruru made them for its entry. */
static int remove_up(struct ruru_jdoc *d, int n, struct ruru_error *err)
{
	for (;;) {
		/* Indexes change with each edit; a parent keeps its start. */
		size_t pstart = d->nodes[d->nodes[n].parent].start;
		if (ruru_jdoc_remove(d, n, err) < 0)
			return -1;
		int q = -1;
		for (size_t i = 0; i < d->nnodes && q < 0; i++)
			if (d->nodes[i].start == pstart)
				q = (int)i;
		if (q < 0 || q == d->root || d->nodes[q].count)
			return 0;
		n = q;
	}
}

static bool runs_ruru(const char *cmd, const char **rest);

/* ------------------------------------------------- ruru's server entry */

/*
 * ruru's own server entry is ruru's alone: a host starts it with whatever
 * the entry says, so an entry named "ruru" that a cloned repository brings
 * with `env` (LD_PRELOAD, PATH), `cwd` or other arguments would run ruru
 * under the repository's loader settings.  An entry is ruru's own when it
 * runs `ruru mcp` (any path to ruru) with nothing that changes how or
 * where it runs; keys a host keeps about a server without changing what
 * runs (approvals, a timeout, on/off) may be there.  Any other entry named
 * ruru is left as it is and reported (RURU_ECONFLICT, the `force`
 * argument replaces it whole: never merged key by key).
 */
static const char *const benign_keys[] = {
	"alwaysAllow", "autoApprove", "disabled", "disabledTools", "enabled", "timeout",
	"trust", "description", "includeTools", "excludeTools", "enabled_tools", "disabled_tools",
	"startup_timeout_sec", "tool_timeout_sec", "startup_timeout_ms",
};

/* Environment variables that change how a program is loaded or found. */
static bool loader_key(const char *k)
{
	static const char *const prefixes[] = { "LD_", "DYLD_", "GIT_", "MALLOC_" };
	static const char *const names[] = {
		"PATH", "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
		"PERL5LIB", "PERL5OPT", "PERLLIB", "RUBYOPT", "RUBYLIB", "BASH_ENV", "ENV",
		"GCONV_PATH", "IFS", "SHELL", "HOME", "XDG_CONFIG_HOME", "TMPDIR", "LOCPATH",
		"NLSPATH", "HOSTALIASES", "RES_OPTIONS", "SSL_CERT_FILE", "OPENSSL_CONF",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(k, prefixes[i], strlen(prefixes[i])))
			return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

static bool is_word(const json_t *v, const char *w)
{
	return json_is_string(v) && !strcmp(json_string_value(v), w);
}

static bool is_ruru_path(const json_t *v)
{
	const char *rest;
	const char *s = json_string_value(v);
	return s && runs_ruru(s, &rest) && !*rest;
}

/* What `have` (plain JSON) does that ruru's own entry does not: the keys
 * at fault, comma-separated, into `why`; empty when it is ruru's own.
 * `loader` gets the env keys that change how a program is loaded. */
static void entry_differs(const json_t *have, enum mcp_style style, struct ruru_buf *why,
			  struct ruru_buf *loader)
{
	const char *k;
	json_t *v;
	if (!json_is_object(have)) {
		ruru_buf_addstr(why, "not an object");
		return;
	}
	json_t *cmd = json_object_get(have, "command"), *args = json_object_get(have, "args");
	bool cmd_ok, args_ok;
	if (style == MCP_KILO) {
		cmd_ok = json_is_array(cmd) && json_array_size(cmd) == 2 &&
			 is_ruru_path(json_array_get(cmd, 0)) &&
			 is_word(json_array_get(cmd, 1), "mcp");
		args_ok = !args;
	} else {
		cmd_ok = is_ruru_path(cmd);
		args_ok = json_is_array(args) && json_array_size(args) == 1 &&
			  is_word(json_array_get(args, 0), "mcp");
	}
	if (!cmd_ok)
		ruru_buf_addstr(why, "command");
	if (!args_ok)
		ruru_buf_addf(why, "%sargs", why->len ? ", " : "");
	json_object_foreach((json_t *)have, k, v) {
		if (!strcmp(k, "command") || !strcmp(k, "args"))
			continue;
		bool ok = false;
		for (size_t i = 0; i < sizeof(benign_keys) / sizeof(benign_keys[0]); i++)
			ok = ok || !strcmp(k, benign_keys[i]);
		/* What `claude mcp add` writes: an empty env changes nothing. */
		if (!strcmp(k, "env") && json_is_object(v) && json_object_size(v) == 0)
			ok = true;
		/* The transport ruru speaks, spelled as each host does. */
		if (!strcmp(k, "type"))
			ok = json_is_string(v) && (!strcmp(json_string_value(v), "stdio") ||
						   !strcmp(json_string_value(v), "local"));
		if (!ok)
			ruru_buf_addf(why, "%s%s", why->len ? ", " : "", k);
		if (!strcmp(k, "env") && json_is_object(v)) {
			const char *ek;
			json_t *ev;
			json_object_foreach(v, ek, ev)
				if (loader_key(ek))
					ruru_buf_addf(loader, "%s%s", loader->len ? ", " : "", ek);
		}
	}
}

/* The refusal (or, replaced with `force`, the note) for an entry that is
 * not ruru's own. */
static int foreign_entry(struct plan *p, const char *rel, const char *where,
			 const struct ruru_buf *why, const struct ruru_buf *loader,
			 struct ruru_error *err)
{
	struct ruru_buf m = RURU_BUF_INIT;
	ruru_buf_addf(&m, "the MCP server entry %s is not the one ruru writes (it differs in: %s)",
		      where, why->ptr);
	if (loader->len)
		ruru_buf_addf(&m, "; its env sets %s, which the host would start ruru with",
			      loader->ptr);
	if (p->force) {
		json_array_append_new(p->notes, json_sprintf("%s: %s; replaced it whole", rel, m.ptr));
		ruru_buf_release(&m);
		return 0;
	}
	ruru_error_set(err, RURU_ECONFLICT, "%s; left as it is", m.ptr);
	ruru_error_set_file(err, rel);
	ruru_buf_release(&m);
	return ruru_error_hint(err, "force", RURU_HINT_FORCE, NULL);
}

/* {"mcpServers": {"ruru": {"command": "ruru", "args": ["mcp"]}}} and its
 * Kilo 7.x shape {"mcp": {"ruru": {"type": "local", "command": ["ruru",
 * "mcp"], "enabled": true}}}: added when absent, left when ruru's own,
 * refused (or with force replaced whole) otherwise. */
static int json_mcp(struct plan *p, const char *rel, enum mcp_style style, bool jsonc,
		    bool remove, struct ruru_error *err)
{
	struct pfile *f = plan_file(p, rel, err);
	if (!f)
		return -1;
	if (remove && !f->existed)
		return 0;
	const char *container = style == MCP_KILO ? "mcp" : "mcpServers";
	struct ruru_jdoc d;
	if (json_load_plan(f, &d, jsonc || style == MCP_KILO, err) < 0)
		return -1;
	int rc = -1;
	json_t *want = NULL, *have = NULL;
	struct ruru_buf why = RURU_BUF_INIT, loader = RURU_BUF_INIT, where = RURU_BUF_INIT;
	int servers = object_member(&d, d.root, container, rel, !remove, err);
	if (servers < 0) {
		rc = remove && err->code == RURU_OK ? 0 : -1;
		goto out;
	}
	int ours = ruru_jdoc_get(&d, servers, "ruru");
	if (ours >= 0) {
		have = ruru_jdoc_value(&d, ours);
		entry_differs(have, style, &why, &loader);
		ruru_buf_addf(&where, "%s.ruru", container);
	}
	if (remove) {
		/* Only ruru's own entry goes (or, with force, any named ruru). */
		if (ours >= 0 && (!why.len || p->force)) {
			if (remove_up(&d, ours, err) < 0)
				goto out;
		} else if (ours >= 0) {
			json_array_append_new(p->notes,
					      json_sprintf("%s: the server entry \"ruru\" is not the one "
							   "ruru writes (it differs in: %s); left in place",
							   rel, why.ptr));
		}
		json_finish(f, &d, true);
		rc = 0;
		goto out;
	}
	if (ours >= 0 && !why.len) {
		rc = 0; /* ruru's own already */
		json_finish(f, &d, false);
		goto out;
	}
	if (ours >= 0 && foreign_entry(p, rel, where.ptr, &why, &loader, err) < 0)
		goto out;
	want = style == MCP_KILO ? json_pack("{s:s, s:[s, s], s:b}", "type", "local", "command",
					     "ruru", "mcp", "enabled", 1)
				 : json_pack("{s:s, s:[s]}", "command", "ruru", "args", "mcp");
	rc = ruru_jdoc_set(&d, servers, "ruru", want, err);
	if (rc == 0)
		json_finish(f, &d, false);
out:
	if (rc == 0)
		ruru_error_clear(err);
	json_decref(want);
	json_decref(have);
	ruru_buf_release(&why);
	ruru_buf_release(&loader);
	ruru_buf_release(&where);
	ruru_jdoc_release(&d);
	return rc;
}

/* The first word of a shell command (quotes taken off) is a path to
 * ruru: "ruru", "/usr/local/bin/ruru", "\"$HOME/bin/ruru\"".  *rest gets
 * what follows it. */
static bool runs_ruru(const char *cmd, const char **rest)
{
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	const char *w = cmd, *e;
	if (*w == '"' || *w == '\'') {
		e = strchr(w + 1, *w);
		if (!e)
			return false;
		w++;
		*rest = e + 1;
	} else {
		e = w + strcspn(w, " \t");
		*rest = e;
	}
	const char *base = w;
	for (const char *q = w; q < e; q++)
		if (*q == '/')
			base = q + 1;
	return e - base == 4 && !memcmp(base, "ruru", 4);
}

/* Is `cmd` ruru's hook, `ruru prime ...` with any path to ruru? */
static bool runs_ruru_prime(const char *cmd)
{
	const char *rest;
	if (!runs_ruru(cmd, &rest))
		return false;
	rest += strspn(rest, " \t");
	return !strncmp(rest, "prime", 5) && (!rest[5] || rest[5] == ' ' || rest[5] == '\t');
}

/* Does hook group `g` ({"matcher", "hooks": [...]}) run ruru's hook?
 * Returns the index of that hook inside it, or -1. */
static int hook_in(struct ruru_jdoc *d, int g)
{
	int hooks = ruru_jdoc_get(d, g, "hooks");
	if (hooks < 0 || d->nodes[hooks].type != RURU_J_ARRAY)
		return -1;
	for (int i = d->nodes[hooks].first; i >= 0; i = d->nodes[i].next) {
		int c = d->nodes[i].type == RURU_J_OBJECT ? ruru_jdoc_get(d, i, "command") : -1;
		json_t *v = c >= 0 ? ruru_jdoc_value(d, c) : NULL;
		bool ours = v && json_is_string(v) && runs_ruru_prime(json_string_value(v));
		json_decref(v);
		if (ours)
			return i;
	}
	return -1;
}

/*
 * The hooks of Claude Code (.claude/settings.json), Codex
 * (.codex/hooks.json) and Gemini CLI (.gemini/settings.json), one shape
 * for the three: {"hooks": {EVENT: [{"matcher"?, "hooks": [{"type":
 * "command", "command"}]}]}}.  Each of the host's events (no matcher:
 * every source — startup, resume, clear, compact) runs `ruru prime
 * --hook HOST`.  A hook that runs `ruru prime` with any path to ruru is
 * ruru's already: editing the path never yields a second one.  Other
 * hooks and settings stay.
 */
static int host_hooks(struct plan *p, const struct host *h, bool remove, struct ruru_error *err)
{
	const char *rel = h->hooks;
	struct pfile *f = plan_file(p, rel, err);
	if (!f)
		return -1;
	if (remove && !f->existed)
		return 0;
	struct ruru_jdoc d;
	if (json_load_plan(f, &d, h->jsonc, err) < 0)
		return -1;
	struct ruru_buf cmd = RURU_BUF_INIT;
	ruru_buf_addf(&cmd, "ruru prime --hook %s", h->name);
	int rc = -1;
	for (size_t e = 0; e < 2 && h->events[e]; e++) {
		int hooks = object_member(&d, d.root, "hooks", rel, !remove, err);
		if (hooks < 0) {
			if (err->code != RURU_OK)
				goto out;
			break;
		}
		int arr = ruru_jdoc_get(&d, hooks, h->events[e]);
		if (arr >= 0 && d.nodes[arr].type != RURU_J_ARRAY) {
			invalid_at(err, rel, d.text.ptr, d.nodes[arr].start, "expected a JSON array");
			goto out;
		}
		if (remove) {
			/* Every group that runs ruru's hook loses it. */
			for (;;) {
				arr = ruru_jdoc_get(&d, ruru_jdoc_get(&d, d.root, "hooks"), h->events[e]);
				int g = -1, k = -1;
				for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0 && k < 0;
				     i = d.nodes[i].next)
					if ((k = hook_in(&d, i)) >= 0)
						g = i;
				if (k < 0)
					break;
				/* The group's only hook: the group goes (and the event, and
				 * "hooks", when nothing is left in them). */
				int target = d.nodes[d.nodes[k].parent].count == 1 ? g : k;
				if (remove_up(&d, target, err) < 0)
					goto out;
			}
			continue;
		}
		bool have = false;
		for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0; i = d.nodes[i].next)
			have = have || hook_in(&d, i) >= 0;
		if (have)
			continue;
		json_t *group = json_pack("{s:[{s:s, s:s}]}", "hooks", "type", "command", "command",
					  cmd.ptr);
		int r;
		if (arr < 0) {
			json_t *a = json_pack("[O]", group);
			r = ruru_jdoc_set(&d, hooks, h->events[e], a, err);
			json_decref(a);
		} else {
			r = ruru_jdoc_append(&d, arr, group, err);
		}
		json_decref(group);
		if (r < 0)
			goto out;
	}
	json_finish(f, &d, remove);
	rc = 0;
	ruru_error_clear(err);
out:
	ruru_buf_release(&cmd);
	ruru_jdoc_release(&d);
	return rc;
}

/* ------------------------------------------- capture hooks (--capture) */

/*
 * `init --host HOST --capture`: the hooks that run `ruru capture --hook
 * HOST` (capture.c) beside ruru's other hooks, in the host's own hooks
 * file.  The three hosts share one shape: {"hooks": {EVENT: [{"matcher"?,
 * "hooks": [{"type": "command", "command"}]}]}} (Claude Code's hooks
 * reference, Codex's .codex/hooks.json, Gemini CLI's docs/hooks).  A hook
 * is recognised by what it runs (any path to ruru), so a re-run adds no
 * second copy and --remove finds an edited one.
 */
static const struct capture_hook {
	const char *host, *file;
	bool comments; /* the host reads JSON with comments there */
	const char *event, *matcher;
} capture_hooks[] = {
	{ "claude", ".claude/settings.json", false, "UserPromptSubmit", NULL },
	{ "claude", ".claude/settings.json", false, "PreToolUse", "Task|Agent" },
	{ "claude", ".claude/settings.json", false, "PostToolUse", "Task|Agent" },
	{ "claude", ".claude/settings.json", false, "PreCompact", NULL },
	{ "claude", ".claude/settings.json", false, "SessionEnd", NULL },
	{ "codex", ".codex/hooks.json", false, "UserPromptSubmit", NULL },
	{ "codex", ".codex/hooks.json", false, "SubagentStart", NULL },
	{ "codex", ".codex/hooks.json", false, "SubagentStop", NULL },
	{ "codex", ".codex/hooks.json", false, "PreCompact", NULL },
	{ "gemini", ".gemini/settings.json", true, "BeforeAgent", NULL },
	{ "gemini", ".gemini/settings.json", true, "AfterTool", NULL },
	{ "gemini", ".gemini/settings.json", true, "PreCompress", NULL },
	{ "gemini", ".gemini/settings.json", true, "SessionEnd", NULL },
};
#define NCAPTURE_HOOKS (sizeof(capture_hooks) / sizeof(capture_hooks[0]))

/* "ruru capture --hook HOST", with any path to ruru. */
static bool capture_command(const char *cmd, const char *host)
{
	if (!cmd)
		return false;
	const char *sp = strchr(cmd, ' ');
	if (!sp)
		return false;
	const char *base = memrchr(cmd, '/', (size_t)(sp - cmd));
	base = base ? base + 1 : cmd;
	if ((size_t)(sp - base) != 4 || memcmp(base, "ruru", 4))
		return false;
	struct ruru_buf want = RURU_BUF_INIT;
	ruru_buf_addf(&want, " capture --hook %s", host);
	bool yes = !strcmp(sp, want.ptr);
	ruru_buf_release(&want);
	return yes;
}

/* The index of the capture hook inside group `g`, or -1. */
static int capture_hook_in(struct ruru_jdoc *d, int g, const char *host)
{
	int hooks = ruru_jdoc_get(d, g, "hooks");
	if (hooks < 0 || d->nodes[hooks].type != RURU_J_ARRAY)
		return -1;
	for (int i = d->nodes[hooks].first; i >= 0; i = d->nodes[i].next) {
		int c = ruru_jdoc_get(d, i, "command");
		json_t *v = c >= 0 ? ruru_jdoc_value(d, c) : NULL;
		bool ours = capture_command(json_string_value(v), host);
		json_decref(v);
		if (ours)
			return i;
	}
	return -1;
}

static int capture_hooks_plan(struct plan *p, const char *host, bool remove, struct ruru_error *err)
{
	const char *rel = NULL;
	bool comments = false;
	for (size_t i = 0; i < NCAPTURE_HOOKS; i++)
		if (!strcmp(capture_hooks[i].host, host))
			rel = capture_hooks[i].file, comments = capture_hooks[i].comments;
	if (!rel)
		return 0;
	struct pfile *f = plan_file(p, rel, err);
	if (!f)
		return -1;
	if (remove && !f->existed)
		return 0;
	struct ruru_jdoc d;
	if (json_load_plan(f, &d, comments, err) < 0)
		return -1;
	struct ruru_buf command = RURU_BUF_INIT;
	ruru_buf_addf(&command, "ruru capture --hook %s", host);
	int rc = -1;
	for (size_t e = 0; e < NCAPTURE_HOOKS; e++) {
		const struct capture_hook *ch = &capture_hooks[e];
		if (strcmp(ch->host, host))
			continue;
		int hooks = object_member(&d, d.root, "hooks", rel, !remove, err);
		if (hooks < 0) {
			if (err->code != RURU_OK)
				goto out;
			break;
		}
		int arr = ruru_jdoc_get(&d, hooks, ch->event);
		if (arr >= 0 && d.nodes[arr].type != RURU_J_ARRAY) {
			invalid_at(err, rel, d.text.ptr, d.nodes[arr].start, "expected a JSON array");
			goto out;
		}
		if (remove) {
			for (;;) {
				arr = ruru_jdoc_get(&d, ruru_jdoc_get(&d, d.root, "hooks"), ch->event);
				int g = -1, h = -1;
				for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0 && h < 0;
				     i = d.nodes[i].next)
					if ((h = capture_hook_in(&d, i, host)) >= 0)
						g = i;
				if (h < 0)
					break;
				int target = d.nodes[d.nodes[h].parent].count == 1 ? g : h;
				if (remove_up(&d, target, err) < 0)
					goto out;
			}
			continue;
		}
		bool have = false;
		for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0; i = d.nodes[i].next)
			have = have || capture_hook_in(&d, i, host) >= 0;
		if (have)
			continue;
		json_t *group = ch->matcher ? json_pack("{s:s, s:[{s:s, s:s}]}", "matcher", ch->matcher,
							"hooks", "type", "command", "command", command.ptr)
					    : json_pack("{s:[{s:s, s:s}]}", "hooks", "type", "command",
							"command", command.ptr);
		int r;
		if (arr < 0) {
			json_t *a = json_pack("[O]", group);
			r = ruru_jdoc_set(&d, hooks, ch->event, a, err);
			json_decref(a);
		} else {
			r = ruru_jdoc_append(&d, arr, group, err);
		}
		json_decref(group);
		if (r < 0)
			goto out;
	}
	json_finish(f, &d, remove);
	rc = 0;
	ruru_error_clear(err);
out:
	ruru_buf_release(&command);
	ruru_jdoc_release(&d);
	return rc;
}

/* ----------------------------------------------------------------- TOML */

/* Tagged JSON of a document, for comparing meanings. */
static json_t *toml_meaning(const char *s, size_t len, struct ruru_error *err)
{
	struct ruru_toml *doc = ruru_toml_parse(s, len, err);
	if (!doc)
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_toml_to_tagged_json(ruru_toml_root(doc), &b);
	ruru_toml_free(doc);
	json_t *j = json_loadb(b.ptr, b.len, 0, NULL);
	ruru_buf_release(&b);
	return j;
}

static const char codex_table[] = "[mcp_servers.ruru]\ncommand = \"ruru\"\nargs = [\"mcp\"]\n";
static const char codex_inline[] = "{ command = \"ruru\", args = [\"mcp\"] }";

/* Tagged JSON ({"type", "value"} leaves) as plain JSON: strings stay
 * strings, other scalars keep their text. */
static json_t *untag(const json_t *v)
{
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach((json_t *)v, i, x)
			json_array_append_new(a, untag(x));
		return a;
	}
	if (!json_is_object(v))
		return json_incref((json_t *)v);
	json_t *type = json_object_get(v, "type"), *val = json_object_get(v, "value");
	if (json_object_size(v) == 2 && json_is_string(type) && json_is_string(val)) {
		const char *t = json_string_value(type);
		if (!strcmp(t, "bool"))
			return json_boolean(!strcmp(json_string_value(val), "true"));
		if (!strcmp(t, "integer"))
			return json_integer(strtoll(json_string_value(val), NULL, 10));
		return json_incref(val);
	}
	json_t *o = json_object();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
		json_object_set_new(o, k, untag(x));
	return o;
}

/* Is the line at `s[k..]` the header of [mcp_servers.ruru] or of one of
 * its sub-tables ([mcp_servers.ruru.env])? */
static bool ruru_header(const char *s, size_t k, size_t e)
{
	static const char hdr[] = "[mcp_servers.ruru";
	size_t n = sizeof(hdr) - 1;
	return e - k > n && !memcmp(s + k, hdr, n) && (s[k + n] == ']' || s[k + n] == '.');
}

/* `s` without the tables [mcp_servers.ruru] and [mcp_servers.ruru.*]
 * (header to the next header); the line break ruru put before a table it
 * appended goes with it.  False when there is none. */
static bool cut_ruru_tables(const char *s, size_t len, const char *eol, struct ruru_buf *out)
{
	bool found = false;
	size_t el = strlen(eol);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		size_t k = i;
		while (k < e && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (!ruru_header(s, k, e)) {
			ruru_buf_add(out, s + i, e - i);
			i = e;
			continue;
		}
		found = true;
		size_t he = e;
		while (he < len) { /* to the next line that opens a table */
			const char *n2 = memchr(s + he, '\n', len - he);
			size_t e2 = n2 ? (size_t)(n2 - s) + 1 : len;
			size_t k2 = he;
			while (k2 < e2 && (s[k2] == ' ' || s[k2] == '\t'))
				k2++;
			if (k2 < e2 && s[k2] == '[')
				break;
			he = e2;
		}
		if (he == len) {
			/* At the end: ruru appended it after a blank line, or after
			 * the one line break it added to a file without one. */
			if (out->len >= 2 * el && !memcmp(out->ptr + out->len - el, eol, el) &&
			    !memcmp(out->ptr + out->len - 2 * el, eol, el))
				out->len -= el;
			else if (out->len >= el && !memcmp(out->ptr + out->len - el, eol, el))
				out->len -= el;
			if (out->ptr)
				out->ptr[out->len] = '\0';
		}
		i = he;
	}
	return found;
}

/* `before` (tagged JSON) without mcp_servers.ruru, as the document should
 * mean once ruru's table is out. */
static void drop_ours(json_t *before, const json_t *after)
{
	json_t *servers = json_object_get(before, "mcp_servers");
	json_object_del(servers, "ruru");
	if (servers && json_object_size(servers) == 0 && !(after && json_object_get(after, "mcp_servers")))
		json_object_del(before, "mcp_servers");
}

/*
 * .codex/config.toml: ruru's server as the table [mcp_servers.ruru] with
 * command and args, appended at the end of the file (comments and every
 * other byte stay), or as a member of `mcp_servers = { ... }` when the
 * servers are an inline table (through the format-preserving TOML
 * editor).  An entry that is not ruru's own is left and refused (with
 * force: replaced whole).  Removal cuts what ruru added and checks that
 * the document's meaning is exactly the old one without it.
 */
static int codex_toml(struct plan *p, const char *rel, bool remove, struct ruru_error *err)
{
	struct pfile *f = plan_file(p, rel, err);
	if (!f)
		return -1;
	if (remove && !f->existed)
		return 0;
	json_t *before = toml_meaning(f->cur.ptr, f->cur.len, err);
	if (!before) {
		ruru_error_set_file(err, rel);
		return -1;
	}
	json_t *servers = json_object_get(before, "mcp_servers");
	json_t *ours = json_object_get(servers, "ruru");
	struct ruru_buf out = RURU_BUF_INIT, why = RURU_BUF_INIT, loader = RURU_BUF_INIT;
	json_t *plain = ours ? untag(ours) : NULL;
	if (plain)
		entry_differs(plain, MCP_CODEX, &why, &loader);
	int rc = -1;
	const char *s = f->cur.ptr;
	size_t len = f->cur.len;
	const char *nl0 = memchr(s, '\n', len);
	bool crlf = nl0 && nl0 > s && nl0[-1] == '\r';
	const char *eol = crlf ? "\r\n" : "\n";
	bool replace = false;
	if (!remove && ours && !why.len) {
		rc = 0; /* ruru's own already */
		goto out;
	}
	if (!remove && ours) {
		if (foreign_entry(p, rel, "[mcp_servers.ruru]", &why, &loader, err) < 0)
			goto out;
		replace = true;
	}
	if (remove && ours && why.len && !p->force) {
		json_array_append_new(p->notes,
				      json_sprintf("%s: [mcp_servers.ruru] is not the one ruru writes (it "
						   "differs in: %s); left in place",
						   rel, why.ptr));
		rc = 0;
		goto out;
	}
	if (remove || replace) {
		if (!ours) {
			rc = 0;
			goto out;
		}
		bool cut = cut_ruru_tables(s, len, eol, &out);
		if (!cut) {
			/* An inline entry: mcp_servers = { ruru = {...} } or a dotted key. */
			ruru_buf_reset(&out);
			struct ruru_error e2 = { 0 };
			cut = ruru_toml_edit_remove(&out, s, len, "mcp_servers.ruru", &e2) == 0;
		}
		json_t *after = cut ? toml_meaning(out.ptr ? out.ptr : "", out.len, err) : NULL;
		drop_ours(before, after);
		bool same = after && json_equal(after, before);
		json_decref(after);
		if (!same) {
			ruru_error_set(err, RURU_ECONFLICT,
				       "cannot take [mcp_servers.ruru] out without changing other keys; "
				       "remove it by hand");
			ruru_error_set_file(err, rel);
			goto out;
		}
		if (remove) {
			set_text(f, out.ptr, out.len);
			bool empty = true;
			for (size_t i = 0; i < out.len; i++)
				empty = empty && strchr(" \t\r\n", out.ptr[i]);
			f->gone = empty;
			rc = 0;
			goto out;
		}
		/* Replace: add ruru's own to what is left. */
		set_text(f, out.ptr, out.len);
		json_decref(before);
		before = toml_meaning(f->cur.ptr, f->cur.len, err);
		servers = json_object_get(before, "mcp_servers");
		s = f->cur.ptr;
		len = f->cur.len;
		ruru_buf_reset(&out);
	}
	ruru_buf_add(&out, s, len);
	/* After a blank line; a file without a final line break gets that one
	 * line break only, so that removal gives back exactly its bytes. */
	if (len)
		ruru_buf_addstr(&out, eol);
	struct ruru_buf tb = RURU_BUF_INIT;
	ruru_buf_addstr(&tb, codex_table);
	if (crlf)
		to_crlf(&tb);
	ruru_buf_add(&out, tb.ptr, tb.len);
	ruru_buf_release(&tb);
	struct ruru_error e2 = { 0 };
	json_t *after = toml_meaning(out.ptr, out.len, &e2);
	json_decref(after);
	if (!after) {
		/* Servers written as an inline table (mcp_servers = { ... }) or
		 * as dotted keys cannot take a table after them: ruru's entry is
		 * then one more member, through the format-preserving editor. */
		ruru_buf_reset(&out);
		struct ruru_error e3 = { 0 };
		if (ruru_toml_edit_set(&out, s, len, "mcp_servers.ruru", codex_inline,
				       strlen(codex_inline), &e3) == 0)
			goto done;
		ruru_error_set(err, RURU_ECONFLICT,
			       "cannot add [mcp_servers.ruru] here (%s); add it by hand", e3.msg);
		ruru_error_set_file(err, rel);
		goto out;
	}
done:
	set_text(f, out.ptr, out.len);
	f->gone = false;
	rc = 0;
out:
	if (rc == 0)
		ruru_error_clear(err);
	json_decref(before);
	json_decref(plain);
	ruru_buf_release(&out);
	ruru_buf_release(&why);
	ruru_buf_release(&loader);
	return rc;
}

/* ----------------------------------------------------------------- diff */

/*
 * A unified diff of two texts, for --dry-run: common lines at both ends
 * are context, the middle is matched by a longest common subsequence when
 * it is small enough (configuration files are), else shown as replaced.
 */
struct lines {
	const char **p;
	size_t *n;
	size_t count;
};

static void split_lines(const char *s, size_t len, struct lines *l)
{
	l->count = 0;
	l->p = NULL;
	l->n = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		if (l->count == cap) {
			cap = cap ? 2 * cap : 64;
			l->p = ruru_xrealloc(l->p, cap * sizeof(*l->p));
			l->n = ruru_xrealloc(l->n, cap * sizeof(*l->n));
		}
		l->p[l->count] = s + i;
		l->n[l->count++] = e - i;
		i = e;
	}
}

static bool same_line(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->n[i] == b->n[j] && !memcmp(a->p[i], b->p[j], a->n[i]);
}

static void add_line(struct ruru_buf *out, char tag, const char *p, size_t n)
{
	ruru_buf_addch(out, tag);
	ruru_buf_add(out, p, n);
	if (!n || p[n - 1] != '\n')
		ruru_buf_addstr(out, "\n\\ No newline at end of file\n");
}

static void unified_diff(struct ruru_buf *out, const char *rel, bool existed, bool gone,
			 const char *a, size_t alen, const char *b, size_t blen)
{
	struct lines la, lb;
	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	ruru_buf_addf(out, "--- %s%s\n+++ %s%s\n", existed ? "a/" : "", existed ? rel : "/dev/null",
		      gone ? "" : "b/", gone ? "/dev/null" : rel);
	/* ops: 0 same, 1 delete (from a), 2 insert (from b) */
	size_t pre = 0, suf = 0;
	while (pre < la.count && pre < lb.count && same_line(&la, pre, &lb, pre))
		pre++;
	while (suf < la.count - pre && suf < lb.count - pre &&
	       same_line(&la, la.count - 1 - suf, &lb, lb.count - 1 - suf))
		suf++;
	size_t m = la.count - pre - suf, n = lb.count - pre - suf;
	size_t nops = 0, cap = la.count + lb.count + 1;
	char *ops = ruru_xmalloc(cap);
	size_t *ai = ruru_xmalloc(cap * sizeof(size_t)), *bi = ruru_xmalloc(cap * sizeof(size_t));
	for (size_t i = 0; i < pre; i++, nops++) {
		ops[nops] = 0;
		ai[nops] = i;
		bi[nops] = i;
	}
	if (m && n && (m + 1) * (n + 1) <= 4000000) {
		unsigned *t = ruru_xmalloc((m + 1) * (n + 1) * sizeof(unsigned));
#define T(i, j) t[(i) * (n + 1) + (j)]
		for (size_t i = m + 1; i-- > 0;)
			for (size_t j = n + 1; j-- > 0;)
				T(i, j) = i == m || j == n ? 0
					  : same_line(&la, pre + i, &lb, pre + j)
						  ? T(i + 1, j + 1) + 1
						  : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
		size_t i = 0, j = 0;
		while (i < m || j < n) {
			if (i < m && j < n && same_line(&la, pre + i, &lb, pre + j)) {
				ops[nops] = 0, ai[nops] = pre + i++, bi[nops++] = pre + j++;
			} else if (i < m && (j == n || T(i + 1, j) >= T(i, j + 1))) {
				ops[nops] = 1, ai[nops] = pre + i++, bi[nops++] = pre + j;
			} else {
				ops[nops] = 2, ai[nops] = pre + i, bi[nops++] = pre + j++;
			}
		}
#undef T
		free(t);
	} else {
		for (size_t i = 0; i < m; i++, nops++)
			ops[nops] = 1, ai[nops] = pre + i, bi[nops] = pre;
		for (size_t j = 0; j < n; j++, nops++)
			ops[nops] = 2, ai[nops] = pre + m, bi[nops] = pre + j;
	}
	for (size_t k = 0; k < suf; k++, nops++)
		ops[nops] = 0, ai[nops] = pre + m + k, bi[nops] = pre + n + k;
	/* Hunks: changes with three lines of context, close ones joined. */
	for (size_t k = 0; k < nops;) {
		if (ops[k] == 0) {
			k++;
			continue;
		}
		size_t hs = k >= 3 ? k - 3 : 0, he = k;
		for (;;) {
			while (he < nops && ops[he] != 0)
				he++;
			size_t q = he;
			while (q < nops && ops[q] == 0 && q - he < 7)
				q++;
			if (q < nops && ops[q] != 0 && q - he < 7) {
				he = q;
				continue;
			}
			he = he + 3 < nops ? he + 3 : nops;
			break;
		}
		size_t na = 0, nb = 0;
		for (size_t x = hs; x < he; x++) {
			na += ops[x] != 2;
			nb += ops[x] != 1;
		}
		size_t sa = na ? ai[hs] + 1 : ai[hs], sb = nb ? bi[hs] + 1 : bi[hs];
		ruru_buf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", sa, na, sb, nb);
		for (size_t x = hs; x < he; x++) {
			if (ops[x] == 0)
				add_line(out, ' ', la.p[ai[x]], la.n[ai[x]]);
			else if (ops[x] == 1)
				add_line(out, '-', la.p[ai[x]], la.n[ai[x]]);
			else
				add_line(out, '+', lb.p[bi[x]], lb.n[bi[x]]);
		}
		k = he;
	}
	free(ops);
	free(ai);
	free(bi);
	free(la.p);
	free(la.n);
	free(lb.p);
	free(lb.n);
}

/* ---------------------------------------------------------- the command */

static bool folder_exists(const char *dir, const char *rel)
{
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "%s/%s", dir, rel);
	struct stat st;
	bool yes = lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode);
	ruru_buf_release(&p);
	return yes;
}

static bool file_exists(const char *dir, const char *rel);

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

static bool file_exists(const char *dir, const char *rel)
{
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "%s/%s", dir, rel);
	struct stat st;
	bool yes = lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode);
	ruru_buf_release(&p);
	return yes;
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
		rc = capture_hooks_plan(p, h->name, remove, err);
	bool hooks = false;
	for (size_t i = 0; i < NCAPTURE_HOOKS; i++)
		hooks = hooks || !strcmp(capture_hooks[i].host, h->name);
	if (rc == 0 && capture && !remove && !hooks)
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
	int rc = md_block(p, instr, h->instr_head, blk.ptr, remove, err);
	ruru_buf_release(&blk);
	for (size_t k = 0; rc == 0 && k < 2 && h->mcp[k]; k++) {
		const char *rel = h->style[k] == MCP_KILO ? kilo_file(p->dir) : h->mcp[k];
		rc = h->style[k] == MCP_CODEX ? codex_toml(p, rel, remove, err)
					      : json_mcp(p, rel, h->style[k], h->jsonc, remove, err);
	}
	if (rc == 0 && !remove && !strcmp(h->name, "cline"))
		cline_note(p, h);
	if (rc == 0 && h->hooks)
		rc = host_hooks(p, h, remove, err);
	if (rc == 0 && !strcmp(h->name, "claude")) {
		for (size_t i = 0; rc == 0 && i < sizeof(claude_commands) / sizeof(claude_commands[0]);
		     i++) {
			struct ruru_buf b = RURU_BUF_INIT;
			ruru_buf_addf(&b, "%s\n%s%s\n", BEGIN_MARK, claude_commands[i].body, END_MARK);
			rc = md_block(p, claude_commands[i].file, claude_commands[i].head, b.ptr, remove,
				      err);
			ruru_buf_release(&b);
		}
	}
	if (rc == 0 && h->note && !remove)
		json_array_append_new(p->notes, json_sprintf("%s: %s", h->label, h->note));
	return rc;
}

/* The folders a file lives in, deepest first, that are now empty. */
static int remove_empty_parents(struct ruru_store *store, const char *rel, struct ruru_error *err)
{
	char *r = ruru_strdup(rel);
	int rc = 0;
	for (char *slash = strrchr(r, '/'); slash; slash = strrchr(r, '/')) {
		*slash = '\0';
		struct ruru_error e = { 0 };
		int x = ruru_store_remove_dir(store, r, &e);
		if (x < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT) {
			*err = e;
			rc = -1;
		} else if (x == 0) {
			/* The removal is durable once the parent is flushed. */
			char *up = strrchr(r, '/');
			rc = ruru_store_fsync_dir(store, up ? (*up = '\0', r) : "", err);
			if (up)
				*up = '/';
		}
		if (x < 0 || rc < 0)
			break;
	}
	free(r);
	return rc < 0 ? -1 : 0;
}

/* The folder of `rel` in the plan's folder ("" when it is at the top). */
static char *parent_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return ruru_strndup(rel, slash ? (size_t)(slash - rel) : 0);
}

/* A later file failed: put the files already written back as they were
 * (best effort; the error that stopped the command is what is reported),
 * so that the command makes its whole change or, as far as the disk
 * allows, none. */
static void rollback(struct plan *p)
{
	for (size_t i = p->n; i-- > 0;) {
		struct pfile *f = &p->f[i];
		if (!f->written && !f->made)
			continue;
		struct ruru_error e = { 0 };
		char *parent = parent_of(f->rel);
		if (f->existed && f->written) {
			if (*parent)
				ruru_store_mkdirs(p->store, parent, &e);
			ruru_store_write(p->store, f->rel, f->old.ptr, f->old.len, 0666, &e);
		} else {
			if (f->written)
				ruru_store_remove(p->store, f->rel, &e);
			if (f->made)
				ruru_store_rmdirs_made(p->store, parent, f->made);
		}
		free(parent);
	}
}

/* Write (or, dry, diff) every changed file of the plan; `files` (may be
 * NULL) gets {path, action} for each. */
static int plan_commit(struct plan *p, bool dry, struct ruru_buf *diff,
		       struct ruru_hosts_report *files, struct ruru_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		struct pfile *f = &p->f[i];
		if (!f->existed && f->cur.len == 0)
			f->gone = true; /* nothing to make */
		bool gone = f->gone && f->existed;
		bool changed = gone || (!f->gone && (!f->existed || f->cur.len != f->old.len ||
						     memcmp(f->cur.ptr, f->old.ptr, f->cur.len)));
		const char *action = !changed ? "unchanged"
				     : gone   ? "removed"
				     : f->existed ? "updated"
						  : "created";
		if (files) {
			files->files = ruru_xrealloc(files->files,
						     (files->nfiles + 1) * sizeof(*files->files));
			files->files[files->nfiles].path = ruru_strdup(f->rel);
			files->files[files->nfiles++].action = action;
		}
		if (!changed)
			continue;
		if (dry) {
			if (diff)
				unified_diff(diff, f->rel, f->existed, gone, f->old.ptr ? f->old.ptr : "",
					     f->old.len, gone ? "" : f->cur.ptr, gone ? 0 : f->cur.len);
			continue;
		}
		char *parent = parent_of(f->rel);
		if (gone) {
			rc = ruru_store_remove(p->store, f->rel, err);
			f->written = rc == 0;
			if (rc == 0)
				rc = ruru_store_fsync_dir(p->store, parent, err);
			if (rc == 0)
				rc = remove_empty_parents(p->store, f->rel, err);
		} else {
			rc = *parent ? ruru_store_mkdirs_made(p->store, parent, &f->made, err) : 0;
			/* A write that failed at its last step (the folder flush) has
			 * replaced the file all the same: roll it back too. */
			if (rc == 0) {
				rc = ruru_store_write(p->store, f->rel, f->cur.ptr, f->cur.len, 0666, err);
				f->written = true;
			}
		}
		free(parent);
	}
	if (rc < 0)
		rollback(p);
	return rc;
}

int ruru_hosts_init(const char *dir, const char *spec, unsigned flags,
		    struct ruru_hosts_report **report, struct ruru_error *err)
{
	bool chosen[NHOSTS];
	bool remove = flags & RURU_HOSTS_REMOVE, dry = flags & RURU_HOSTS_DRY_RUN;
	if (report)
		*report = NULL;
	if (!dir)
		dir = ".";
	if (pick_hosts(dir, spec, chosen, err) < 0)
		return -1;
	struct plan p = { .dir = dir, .notes = json_array(), .force = flags & RURU_HOSTS_FORCE };
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
		rc = plan_commit(&p, dry, &diff, r, err);
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
	plan_release(&p);
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
	int rc = json_mcp(&p, rel, MCP_SERVERS, false, false, err);
	if (rc == 0)
		rc = plan_commit(&p, false, NULL, NULL, err);
	/* This call has no force: what overrides the refusal is the caller's
	 * to say (`init --host zoo` with force). */
	if (rc < 0 && err->hint == RURU_HINT_FORCE) {
		err->hint = RURU_HINT_NONE;
		err->arg = NULL;
	}
	plan_release(&p);
	return rc;
}
