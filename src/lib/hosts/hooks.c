/*
 * hooks.c — the hooks `ruru init --host` adds for Claude Code
 * (.claude/settings.json), Codex (.codex/hooks.json) and Gemini CLI
 * (.gemini/settings.json), one shape for the three: {"hooks": {EVENT:
 * [{"matcher"?, "hooks": [{"type": "command", "command"}]}]}} (Claude
 * Code's hooks reference, Codex's docs, Gemini CLI's docs/hooks).  Two
 * kinds, one edit: the host's events (no matcher: every source — startup,
 * resume, clear, compact) run `ruru prime --hook HOST`; with --capture,
 * the events capture.c reads run `ruru capture --hook HOST`.  A hook is
 * recognised by what it runs (any path to ruru), so a re-run adds no
 * second copy and --remove finds an edited one.  Other hooks and settings
 * stay.
 */
#include <string.h>

#include "hosts.h"
#include "banned.h"

/* Does shell command `cmd` (NULL: none) run the hook of this kind for
 * `host`? */
typedef bool hook_match_fn(const char *cmd, const char *host);

/* `ruru prime ...`, with any path to ruru (for any host: editing the
 * path or the host never yields a second one). */
static bool prime_command(const char *cmd, const char *host)
{
	(void)host;
	const char *rest;
	if (!cmd || !hosts_runs_ruru(cmd, &rest))
		return false;
	rest += strspn(rest, " \t");
	return !strncmp(rest, "prime", 5) && (!rest[5] || rest[5] == ' ' || rest[5] == '\t');
}

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

/* The index of the hook inside group `g` ({"matcher", "hooks": [...]})
 * that `ours` recognises, or -1. */
static int hook_in(struct ruru_jdoc *d, int g, hook_match_fn *ours, const char *host)
{
	int hooks = ruru_jdoc_get(d, g, "hooks");
	if (hooks < 0 || d->nodes[hooks].type != RURU_J_ARRAY)
		return -1;
	for (int i = d->nodes[hooks].first; i >= 0; i = d->nodes[i].next) {
		int c = d->nodes[i].type == RURU_J_OBJECT ? ruru_jdoc_get(d, i, "command") : -1;
		json_t *v = c >= 0 ? ruru_jdoc_value(d, c) : NULL;
		bool yes = ours(json_string_value(v), host);
		json_decref(v);
		if (yes)
			return i;
	}
	return -1;
}

/* One event ruru hooks, and the matcher of the group it adds (NULL: none). */
struct hook_want {
	const char *event, *matcher;
};

/*
 * In `rel` (JSON, with comments when `comments`): each wanted event gets a
 * group running `command` unless a hook `ours` recognises is there; with
 * `remove`, every hook `ours` recognises in those events goes, its group
 * with it when it was the group's only hook (and the event, and "hooks",
 * when nothing is left in them).
 */
static int hooks_edit(struct plan *p, const char *rel, bool comments, const struct hook_want *want,
		      size_t nwant, hook_match_fn *ours, const char *host, const char *command,
		      bool remove, struct ruru_error *err)
{
	struct pfile *f;
	struct ruru_jdoc d;
	int got = hosts_json_open(p, rel, comments, remove, &f, &d, err);
	if (got <= 0)
		return got;
	int rc = -1;
	for (size_t e = 0; e < nwant; e++) {
		const char *event = want[e].event;
		int hooks = hosts_json_member(&d, d.root, "hooks", rel, !remove, err);
		if (hooks < 0) {
			if (err->code != RURU_OK)
				goto out;
			break;
		}
		int arr = ruru_jdoc_get(&d, hooks, event);
		if (arr >= 0 && d.nodes[arr].type != RURU_J_ARRAY) {
			hosts_invalid_at(err, rel, d.text.ptr, d.nodes[arr].start, "expected a JSON array");
			goto out;
		}
		if (remove) {
			for (;;) {
				arr = ruru_jdoc_get(&d, ruru_jdoc_get(&d, d.root, "hooks"), event);
				int g = -1, k = -1;
				for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0 && k < 0;
				     i = d.nodes[i].next)
					if ((k = hook_in(&d, i, ours, host)) >= 0)
						g = i;
				if (k < 0)
					break;
				int target = d.nodes[d.nodes[k].parent].count == 1 ? g : k;
				if (hosts_json_remove_up(&d, target, err) < 0)
					goto out;
			}
			continue;
		}
		bool have = false;
		for (int i = arr >= 0 ? d.nodes[arr].first : -1; i >= 0; i = d.nodes[i].next)
			have = have || hook_in(&d, i, ours, host) >= 0;
		if (have)
			continue;
		json_t *group = want[e].matcher
					? json_pack("{s:s, s:[{s:s, s:s}]}", "matcher", want[e].matcher,
						    "hooks", "type", "command", "command", command)
					: json_pack("{s:[{s:s, s:s}]}", "hooks", "type", "command",
						    "command", command);
		int r;
		if (arr < 0) {
			json_t *a = json_pack("[O]", group);
			r = ruru_jdoc_set(&d, hooks, event, a, err);
			json_decref(a);
		} else {
			r = ruru_jdoc_append(&d, arr, group, err);
		}
		json_decref(group);
		if (r < 0)
			goto out;
	}
	hosts_json_finish(f, &d, remove);
	rc = 0;
	ruru_error_clear(err);
out:
	ruru_jdoc_release(&d);
	return rc;
}

int hosts_prime_hooks(struct plan *p, const struct host *h, bool remove, struct ruru_error *err)
{
	struct hook_want want[2];
	size_t n = 0;
	for (size_t e = 0; e < 2 && h->events[e]; e++)
		want[n++] = (struct hook_want){ h->events[e], NULL };
	struct ruru_buf cmd = RURU_BUF_INIT;
	ruru_buf_addf(&cmd, "ruru prime --hook %s", h->name);
	int rc = hooks_edit(p, h->hooks, h->jsonc, want, n, prime_command, h->name, cmd.ptr, remove,
			    err);
	ruru_buf_release(&cmd);
	return rc;
}

/* The capture hooks, by host: the events capture.c reads. */
static const struct capture_hook {
	const char *host, *file;
	bool comments; /* the host reads JSON with comments there */
	struct hook_want want;
} capture_hooks[] = {
	{ "claude", ".claude/settings.json", false, { "UserPromptSubmit", NULL } },
	{ "claude", ".claude/settings.json", false, { "PreToolUse", "Task|Agent" } },
	{ "claude", ".claude/settings.json", false, { "PostToolUse", "Task|Agent" } },
	{ "claude", ".claude/settings.json", false, { "PreCompact", NULL } },
	{ "claude", ".claude/settings.json", false, { "SessionEnd", NULL } },
	{ "codex", ".codex/hooks.json", false, { "UserPromptSubmit", NULL } },
	{ "codex", ".codex/hooks.json", false, { "SubagentStart", NULL } },
	{ "codex", ".codex/hooks.json", false, { "SubagentStop", NULL } },
	{ "codex", ".codex/hooks.json", false, { "PreCompact", NULL } },
	{ "gemini", ".gemini/settings.json", true, { "BeforeAgent", NULL } },
	{ "gemini", ".gemini/settings.json", true, { "AfterTool", NULL } },
	{ "gemini", ".gemini/settings.json", true, { "PreCompress", NULL } },
	{ "gemini", ".gemini/settings.json", true, { "SessionEnd", NULL } },
};
#define NCAPTURE_HOOKS (sizeof(capture_hooks) / sizeof(capture_hooks[0]))

bool hosts_capture_has(const char *host)
{
	for (size_t i = 0; i < NCAPTURE_HOOKS; i++)
		if (!strcmp(capture_hooks[i].host, host))
			return true;
	return false;
}

int hosts_capture_hooks(struct plan *p, const char *host, bool remove, struct ruru_error *err)
{
	struct hook_want want[NCAPTURE_HOOKS];
	const char *rel = NULL;
	bool comments = false;
	size_t n = 0;
	for (size_t i = 0; i < NCAPTURE_HOOKS; i++)
		if (!strcmp(capture_hooks[i].host, host)) {
			rel = capture_hooks[i].file;
			comments = capture_hooks[i].comments;
			want[n++] = capture_hooks[i].want;
		}
	if (!rel)
		return 0;
	struct ruru_buf cmd = RURU_BUF_INIT;
	ruru_buf_addf(&cmd, "ruru capture --hook %s", host);
	int rc = hooks_edit(p, rel, comments, want, n, capture_command, host, cmd.ptr, remove, err);
	ruru_buf_release(&cmd);
	return rc;
}
