/*
 * workspace.c — finding the workspace root (DESIGN §1), making .ruru/,
 * resolving which session a command acts on, and the clock.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "timestamp.h"
#include "workspace.h"
#include "banned.h"

time_t ruru_now(void)
{
	const char *env = getenv("RURU_NOW");
	if (env && *env) {
		char *end;
		errno = 0;
		long long v = strtoll(env, &end, 10);
		if (!errno && !*end && v >= 0)
			return (time_t)v;
		time_t t;
		bool zone;
		if (ruru_time_parse(env, strlen(env), &t, &zone))
			return t;
	}
	return time(NULL);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A folder below a registered root, reached without following a link. */
static bool is_ws_dir(const char *path)
{
	struct stat st;
	struct ruru_error ignore = { 0 };
	return ruru_lstat(path, &st, &ignore) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Walk up from `start` to the first folder holding `marker`. */
static char *find_up(const char *start, const char *marker, bool want_dir)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, start);
	for (;;) {
		size_t keep = b.len;
		ruru_buf_addf(&b, "%s%s", keep > 1 ? "/" : "", marker);
		bool hit = want_dir ? is_dir(b.ptr) : exists(b.ptr);
		b.len = keep;
		b.ptr[keep] = '\0';
		if (hit)
			return ruru_buf_detach(&b, NULL);
		char *slash = strrchr(b.ptr, '/');
		if (!slash || keep <= 1)
			break;
		b.len = slash == b.ptr ? 1 : (size_t)(slash - b.ptr);
		b.ptr[b.len] = '\0';
	}
	ruru_buf_release(&b);
	return NULL;
}

/* --- later layouts (issue #12): .roo/commander/sessions (v8), .mdtm/sessions (v8.1) */

static const char *const layout_dirs[RURU_LAYOUT_COUNT] = {
	".ruru/sessions", ".roo/commander/sessions", ".mdtm/sessions",
};
static const char *const layout_words[RURU_LAYOUT_COUNT] = { "ruru", "v8", "v8.1" };

const char *ruru_layout_word(enum ruru_layout l)
{
	return l >= 0 && l < RURU_LAYOUT_COUNT ? layout_words[l] : NULL;
}

const char *ruru_layout_dir(enum ruru_layout l)
{
	return l >= 0 && l < RURU_LAYOUT_COUNT ? layout_dirs[l] : NULL;
}

/* The nearest ancestor holding .ruru/, .mdtm/ or .roo/commander/. */
static char *find_up_workspace(const char *start)
{
	static const char *const markers[] = { ".ruru", ".mdtm", ".roo/commander" };
	char *best = NULL;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		char *d = find_up(start, markers[i], true);
		if (d && (!best || strlen(d) > strlen(best))) {
			free(best);
			best = d;
		} else {
			free(d);
		}
	}
	return best;
}

static bool valid_id(const char *id)
{
	return *id && !strchr(id, '/') && strcmp(id, ".") && strcmp(id, "..");
}

enum ruru_layout ruru_ws_session_layout(struct ruru_ws *ws, const char *id)
{
	for (int l = 0; id && valid_id(id) && l < RURU_LAYOUT_COUNT; l++) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "%s/%s/%s", ws->root, layout_dirs[l], id);
		bool hit = is_ws_dir(b.ptr);
		ruru_buf_release(&b);
		if (hit)
			return (enum ruru_layout)l;
	}
	return RURU_LAYOUT_RURU;
}

enum ruru_layout ruru_ws_new_layout(struct ruru_ws *ws)
{
	bool have[RURU_LAYOUT_COUNT];
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		char *p = ruru_ws_path(ws, layout_dirs[l]);
		have[l] = is_ws_dir(p);
		if (have[l] && l == RURU_LAYOUT_RURU) {
			/* `ruru init` in a v8.1 workspace makes an empty
			 * .ruru/sessions/: it holds no session yet. */
			struct ruru_error e = { 0 };
			DIR *d = ruru_opendir(p, &e);
			struct dirent *de;
			have[l] = false;
			while (d && !have[l] && (de = readdir(d)))
				have[l] = de->d_name[0] != '.';
			if (d)
				closedir(d);
		}
		free(p);
	}
	if (!have[RURU_LAYOUT_RURU] && have[RURU_LAYOUT_V8] != have[RURU_LAYOUT_V81])
		return have[RURU_LAYOUT_V8] ? RURU_LAYOUT_V8 : RURU_LAYOUT_V81;
	return RURU_LAYOUT_RURU;
}

static char *absolute(const char *path, struct ruru_error *err)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	if (errno != ENOENT) {
		ruru_error_set(err, RURU_EFAIL, "cannot resolve \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	if (path[0] == '/')
		return ruru_strdup(path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		ruru_error_set(err, RURU_EFAIL, "cannot read the current directory: %s", strerror(errno));
		return NULL;
	}
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s", cwd, path);
	return ruru_buf_detach(&b, NULL);
}

struct ruru_ws *ruru_ws_open(const char *root, struct ruru_error *err)
{
	char *dir = NULL;
	bool guessed = false;
	if (!root || !*root)
		root = getenv("RURU_ROOT");
	if (root && *root) {
		dir = absolute(root, err);
		if (!dir)
			return NULL;
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd))) {
			ruru_error_set(err, RURU_EFAIL, "cannot read the current directory: %s",
				       strerror(errno));
			return NULL;
		}
		/* Never above the git top level: a stray ~/.ruru must not take
		 * over a repository that has no .ruru/ of its own. */
		char *top = find_up(cwd, ".git", false);
		dir = find_up_workspace(cwd);
		if (dir && top && strlen(dir) < strlen(top)) {
			free(dir);
			dir = NULL;
		}
		if (!dir) {
			dir = top;
			top = NULL;
		}
		free(top);
		if (!dir) {
			dir = ruru_strdup(cwd);
			guessed = true;
		}
	}
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	struct ruru_ws *ws = ruru_xmalloc(sizeof(*ws));
	ws->root = dir;
	ws->guessed = guessed;
	ruru_store_add_root(dir); /* every path below it is walked from it */
	return ws;
}

void ruru_ws_free(struct ruru_ws *ws)
{
	if (!ws)
		return;
	free(ws->root);
	free(ws);
}

const char *ruru_ws_root(const struct ruru_ws *ws)
{
	return ws->root;
}

bool ruru_ws_guessed(const struct ruru_ws *ws)
{
	return ws->guessed;
}

char *ruru_ws_path(const struct ruru_ws *ws, const char *rel)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s", ws->root, rel);
	return ruru_buf_detach(&b, NULL);
}

char *ruru_ws_session_path(const struct ruru_ws *ws, const char *id, const char *leaf)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s/%s%s%s", ws->root,
		      layout_dirs[ruru_ws_session_layout((struct ruru_ws *)ws, id)], id,
		      leaf ? "/" : "", leaf ? leaf : "");
	return ruru_buf_detach(&b, NULL);
}

/* .ruru/.gitignore: lock, cache and temp files are local to this machine.
 * Temp files of the storage layer are ".NAME.ruru-XXXXXX" at any depth;
 * ".session_log.md.XXXXXX" and ".state.tmp" are what earlier versions
 * left behind when killed. */
static const char *const ignored[] = {
	"sessions/*/.lock",
	"sessions/*/.state",
	"sessions/*/.state.tmp",
	"sessions/.active",
	"temp/.lock",
	"tasks/**/.*.lock", /* V7 task leases */
	".*.ruru-??????",
	".session_log.md.??????",
	/* the derived search index (index.c) */
	"index.sqlite3",
	"index.sqlite3-*",
	"index.lock",
};

/* Is `line` a whole line of `text`? */
static bool has_line(const struct ruru_buf *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text->ptr; p && p < text->ptr + text->len;) {
		const char *nl = memchr(p, '\n', (size_t)(text->ptr + text->len - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(text->ptr + text->len - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == n && !memcmp(p, line, n))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Write .ruru/.gitignore, or add the lines an older one lacks (the user's
 * own lines kept as they are). */
static int write_ignore_lines(const char *path, const char *const *lines, size_t nlines,
			      struct ruru_error *err);

static int write_gitignore(const char *path, struct ruru_error *err)
{
	return write_ignore_lines(path, ignored, sizeof(ignored) / sizeof(*ignored), err);
}

/* --- later layouts: their folders get a .gitignore for ruru's own files */
int ruru_ws_ignore_transient(struct ruru_ws *ws, const char *dir_rel, bool tasks,
			     struct ruru_error *err)
{
	static const char *const session_lines[] = {
		"*/.lock", "*/.state", "*/.state.tmp", ".active", ".*.ruru-??????",
		"*/.*.ruru-??????",
	};
	static const char *const task_lines[] = { "**/.*.lock", "**/.*.ruru-??????" };
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "%s/%s/.gitignore", ws->root, dir_rel);
	int rc = tasks ? write_ignore_lines(p.ptr, task_lines, 2, err)
		       : write_ignore_lines(p.ptr, session_lines, 6, err);
	ruru_buf_release(&p);
	return rc;
}

static int write_ignore_lines(const char *path, const char *const *lines, size_t nlines,
			      struct ruru_error *err)
{
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	int rc = 0;
	ruru_buf_init(&text);
	if (ruru_read_file(path, &text, &e) < 0) {
		if (e.code != RURU_ENOTFOUND) {
			*err = e;
			ruru_buf_release(&text);
			return -1;
		}
		ruru_buf_reset(&text);
	}
	size_t old = text.len;
	for (size_t i = 0; i < nlines; i++) {
		if (has_line(&text, lines[i]))
			continue;
		if (text.len == old) {
			if (old && text.ptr[old - 1] != '\n')
				ruru_buf_addch(&text, '\n');
			ruru_buf_addstr(&text, "# ruru's lock, cache and temp files: local to this "
					       "machine, never committed\n");
		}
		ruru_buf_addf(&text, "%s\n", lines[i]);
	}
	if (text.len != old)
		rc = ruru_write_atomic(path, text.ptr, text.len, 0666, err);
	ruru_buf_release(&text);
	return rc;
}

int ruru_ws_init(const char *dir, struct ruru_error *err)
{
	static const char *const sub[] = { ".ruru/sessions", ".ruru/temp", ".ruru/tasks" };
	struct ruru_buf p = RURU_BUF_INIT;
	int rc = 0;
	ruru_store_add_root(dir ? dir : ".");
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]) && rc == 0; i++) {
		ruru_buf_reset(&p);
		ruru_buf_addf(&p, "%s/%s", dir ? dir : ".", sub[i]);
		rc = ruru_mkdirs(p.ptr, err);
	}
	if (rc == 0) {
		ruru_buf_reset(&p);
		ruru_buf_addf(&p, "%s/.ruru/.gitignore", dir ? dir : ".");
		rc = write_gitignore(p.ptr, err);
	}
	ruru_buf_release(&p);
	return rc;
}

char *ruru_ws_active_path(const struct ruru_ws *ws, enum ruru_layout layout)
{
	struct ruru_buf ap = RURU_BUF_INIT;
	ruru_buf_addf(&ap, "%s/%s/.active", ws->root, layout_dirs[layout]);
	return ruru_buf_detach(&ap, NULL);
}

int ruru_ws_set_active(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	enum ruru_layout l = ruru_ws_session_layout(ws, id);
	/* A session of a later layout is the active one by the newest .active
	 * of all layouts; the others are dropped so none can win over it. */
	for (int k = 0; k < RURU_LAYOUT_COUNT; k++) {
		if (k == (int)l)
			continue;
		char *o = ruru_ws_active_path(ws, (enum ruru_layout)k);
		struct ruru_error ignore = { 0 };
		ruru_remove(o, &ignore);
		free(o);
	}
	if (l != RURU_LAYOUT_RURU && ruru_ws_ignore_transient(ws, layout_dirs[l], false, err) < 0)
		return -1;
	char *path = ruru_ws_active_path(ws, l);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s\n", id);
	int rc = ruru_write_atomic(path, b.ptr, b.len, 0666, err);
	ruru_buf_release(&b);
	free(path);
	return rc;
}
