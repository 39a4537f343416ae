/*
 * servers.c — ruru's MCP server entry in a host's JSON settings
 * ({"mcpServers": {"ruru": {"command": "ruru", "args": ["mcp"]}}}, and
 * Kilo 7.x's {"mcp": {"ruru": {...}}}), edited format preserving through
 * jsonedit.c; and the helpers of the plan's JSON files that hooks.c
 * shares (load, a member object, finish, take out with empty parents).
 */
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "text.h"
#include "banned.h"

static int json_load(struct pfile *f, struct ruru_jdoc *d, bool comments, struct ruru_error *err)
{
	if (!f->existed && f->cur.len == 0)
		return ruru_jdoc_parse(d, "{}", 2, comments, err);
	if (ruru_jdoc_parse(d, f->cur.ptr, f->cur.len, comments, err) < 0) {
		ruru_error_set_file(err, f->rel);
		return -1;
	}
	if (d->nodes[d->root].type != RURU_J_OBJECT) {
		ruru_jdoc_release(d);
		return hosts_invalid_at(err, f->rel, f->cur.ptr, 0, "expected a JSON object");
	}
	return 0;
}

int hosts_json_open(struct plan *p, const char *rel, bool comments, bool remove, struct pfile **f,
		    struct ruru_jdoc *d, struct ruru_error *err)
{
	*f = hosts_plan_file(p, rel, err);
	if (!*f)
		return -1;
	if (remove && !(*f)->existed)
		return 0;
	return json_load(*f, d, comments, err) < 0 ? -1 : 1;
}

/* The object member `key` of `obj`, made (empty) when absent.  -1 with
 * RURU_EINVALID when it is there but not an object. */
int hosts_json_member(struct ruru_jdoc *d, int obj, const char *key, const char *rel,
			 bool create, struct ruru_error *err)
{
	int m = ruru_jdoc_get(d, obj, key);
	if (m >= 0 && d->nodes[m].type != RURU_J_OBJECT)
		return hosts_invalid_at(err, rel, d->text.ptr, d->nodes[m].start, "expected a JSON object");
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
void hosts_json_finish(struct pfile *f, struct ruru_jdoc *d, bool remove)
{
	if (!f->existed && !remove && d->text.len && d->text.ptr[d->text.len - 1] != '\n')
		ruru_buf_addstr(&d->text, d->eol);
	hosts_set_text(f, d->text.ptr, d->text.len);
	f->gone = remove && d->nodes[d->root].count == 0;
}

/* Take node `n` out; then its parents that are left empty, up to (not
 * including) the root: ruru made them for its entry. */
int hosts_json_remove_up(struct ruru_jdoc *d, int n, struct ruru_error *err)
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
	return s && hosts_runs_ruru(s, &rest) && !*rest;
}

/* What `have` (plain JSON) does that ruru's own entry does not: the keys
 * at fault, comma-separated, into `why`; empty when it is ruru's own.
 * `loader` gets the env keys that change how a program is loaded. */
void hosts_entry_differs(const json_t *have, enum mcp_style style, struct ruru_buf *why,
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
int hosts_foreign_entry(struct plan *p, const char *rel, const char *where,
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
int hosts_json_mcp(struct plan *p, const char *rel, enum mcp_style style, bool jsonc,
		    bool remove, struct ruru_error *err)
{
	const char *container = style == MCP_KILO ? "mcp" : "mcpServers";
	struct pfile *f;
	struct ruru_jdoc d;
	int got = hosts_json_open(p, rel, jsonc || style == MCP_KILO, remove, &f, &d, err);
	if (got <= 0)
		return got;
	int rc = -1;
	json_t *want = NULL, *have = NULL;
	struct ruru_buf why = RURU_BUF_INIT, loader = RURU_BUF_INIT, where = RURU_BUF_INIT;
	int servers = hosts_json_member(&d, d.root, container, rel, !remove, err);
	if (servers < 0) {
		rc = remove && err->code == RURU_OK ? 0 : -1;
		goto out;
	}
	int ours = ruru_jdoc_get(&d, servers, "ruru");
	if (ours >= 0) {
		have = ruru_jdoc_value(&d, ours);
		hosts_entry_differs(have, style, &why, &loader);
		ruru_buf_addf(&where, "%s.ruru", container);
	}
	if (remove) {
		/* Only ruru's own entry goes (or, with force, any named ruru). */
		if (ours >= 0 && (!why.len || p->force)) {
			if (hosts_json_remove_up(&d, ours, err) < 0)
				goto out;
		} else if (ours >= 0) {
			json_array_append_new(p->notes,
					      json_sprintf("%s: the server entry \"ruru\" is not the one "
							   "ruru writes (it differs in: %s); left in place",
							   rel, why.ptr));
		}
		hosts_json_finish(f, &d, true);
		rc = 0;
		goto out;
	}
	if (ours >= 0 && !why.len) {
		rc = 0; /* ruru's own already */
		hosts_json_finish(f, &d, false);
		goto out;
	}
	if (ours >= 0 && hosts_foreign_entry(p, rel, where.ptr, &why, &loader, err) < 0)
		goto out;
	want = style == MCP_KILO ? json_pack("{s:s, s:[s, s], s:b}", "type", "local", "command",
					     "ruru", "mcp", "enabled", 1)
				 : json_pack("{s:s, s:[s]}", "command", "ruru", "args", "mcp");
	rc = ruru_jdoc_set(&d, servers, "ruru", want, err);
	if (rc == 0)
		hosts_json_finish(f, &d, false);
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
bool hosts_runs_ruru(const char *cmd, const char **rest)
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
