/*
 * gitsetup.c — `ruru init --git`: register ruru's merge driver for session
 * logs with git (doc/design.md §9).  Two things make git use it: a line in the
 * workspace root's .gitattributes that routes every session_log.md to the
 * driver named "ruru", and the driver's definition (merge.ruru.name,
 * merge.ruru.driver) in the repository's config.  git is run with an argv,
 * never through a shell; `git config` from a linked worktree writes the
 * config the worktrees share, so registering once serves them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "workspace.h"
#include "banned.h"

/* Run git with `args` (argv[0] is "git") in `dir`, in `opts`'s environment;
 * stdout into `out` (may be NULL: discarded), stderr discarded.  Returns
 * git's exit status, or -1 with err set when git cannot be run. */
static int run_git(const struct ruru_options *opts, const char *const *args, struct ruru_buf *out,
		   struct ruru_error *err)
{
	struct ruru_child c = { .argv = args, .env = opts ? opts->env : NULL, .stdin_io = RURU_CHILD_NULL,
				.stderr_io = RURU_CHILD_NULL };
	return ruru_child_capture(&c, out, err);
}

/* Does the text hold the attributes line (ignoring surrounding blanks)? */
static bool has_line(const char *text, size_t len, const char *line)
{
	size_t ll = strlen(line);
	for (size_t a = 0; a < len;) {
		const char *nl = memchr(text + a, '\n', len - a);
		size_t b = nl ? (size_t)(nl - text) : len;
		size_t s = a, e = b;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (e - s == ll && !memcmp(text + s, line, ll))
			return true;
		a = b + 1;
	}
	return false;
}

int ruru_ws_git_check(const char *dir, const struct ruru_options *opts, struct ruru_error *err)
{
	if (!dir)
		dir = ".";
	struct ruru_buf top;
	ruru_buf_init(&top);
	const char *revparse[] = { "git", "-C", dir, "rev-parse", "--show-toplevel", NULL };
	int st = run_git(opts, revparse, &top, err);
	if (st == 0 && top.len == 0)
		st = 1;
	ruru_buf_release(&top);
	if (st > 0)
		ruru_error_set(err, RURU_ENOTFOUND, "\"%s\" is not inside a git work tree", dir);
	return st == 0 ? 0 : -1;
}

int ruru_ws_init_git(const char *dir, const struct ruru_options *opts, bool *changed,
		     struct ruru_error *err)
{
	if (!dir)
		dir = ".";
	if (changed)
		*changed = false;
	struct ruru_buf top, path, text;
	struct ruru_store *store = NULL;
	ruru_buf_init(&top);
	ruru_buf_init(&path);
	ruru_buf_init(&text);
	int rc = -1;

	const char *revparse[] = { "git", "-C", dir, "rev-parse", "--show-toplevel", NULL };
	int st = run_git(opts, revparse, &top, err);
	if (st < 0)
		goto out;
	if (st != 0 || top.len == 0) {
		ruru_error_set(err, RURU_ENOTFOUND, "\"%s\" is not inside a git work tree", dir);
		goto out;
	}

	store = ruru_store_open(dir, NULL, err);
	if (!store)
		goto out;
	ruru_buf_addstr(&path, ".gitattributes");
	struct ruru_error e = { 0 };
	if (ruru_store_read(store, path.ptr, &text, &e) < 0) {
		if (e.code != RURU_ENOTFOUND) {
			*err = e;
			goto out;
		}
		ruru_buf_reset(&text);
	}
	if (!has_line(text.ptr, text.len, RURU_GITATTRIBUTES_LINE)) {
		bool crlf = memmem(text.ptr, text.len, "\r\n", 2) != NULL;
		if (text.len && text.ptr[text.len - 1] != '\n')
			ruru_buf_addstr(&text, crlf ? "\r\n" : "\n");
		ruru_buf_addf(&text, "%s%s", RURU_GITATTRIBUTES_LINE, crlf ? "\r\n" : "\n");
		if (ruru_store_write(store, path.ptr, text.ptr, text.len, 0666, err) < 0)
			goto out;
		if (changed)
			*changed = true;
	}

	static const char *const settings[][2] = {
		{ "merge.ruru.name", "ruru session log merge (entries of both sides, each once)" },
		{ "merge.ruru.driver", "ruru merge-driver %O %A %B %P" },
	};
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const char *cfg[] = { "git", "-C", dir, "config", settings[i][0], settings[i][1], NULL };
		st = run_git(opts, cfg, NULL, err);
		if (st < 0)
			goto out;
		if (st != 0) {
			ruru_error_set(err, RURU_EFAIL, "git config %s failed (exit %d)", settings[i][0],
				       st);
			goto out;
		}
	}
	rc = 0;
out:
	ruru_store_close(store);
	ruru_buf_release(&top);
	ruru_buf_release(&path);
	ruru_buf_release(&text);
	return rc;
}
