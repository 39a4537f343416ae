/*
 * workspace.c — finding the workspace root (doc/design.md §1), making .ruru/,
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

time_t ruru_now(const struct ruru_ws *ws)
{
	const char *env = ws ? ws->opts.now : NULL;
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

/* A folder below the root, reached without following a link. */
static bool is_ws_dir(struct ruru_ws *ws, const char *path)
{
	struct stat st;
	struct ruru_error ignore = { 0 };
	return ruru_store_lstat(ws->store, path, &st, &ignore) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* --- later layouts: .roo/commander/sessions (v8), .mdtm/sessions (v8.1) */

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

/* The nearest ancestor holding .ruru/, .mdtm/ or .roo/commander/, or
 * else the git top level (a folder holding .git): one folder at a time,
 * the first that holds any of them, so never a workspace above the git
 * top level, and one look-up when the current folder is the root. */
static char *find_up_workspace(const char *start)
{
	static const char *const markers[] = { ".ruru", ".mdtm", ".roo/commander" };
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, start);
	for (;;) {
		size_t keep = b.len;
		bool hit = false;
		for (size_t i = 0; i <= sizeof(markers) / sizeof(markers[0]) && !hit; i++) {
			bool git = i == sizeof(markers) / sizeof(markers[0]);
			ruru_buf_addf(&b, "%s%s", keep > 1 ? "/" : "", git ? ".git" : markers[i]);
			hit = git ? exists(b.ptr) : is_dir(b.ptr);
			b.len = keep;
			b.ptr[keep] = '\0';
		}
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

static bool valid_id(const char *id)
{
	return *id && !strchr(id, '/') && strcmp(id, ".") && strcmp(id, "..");
}

enum ruru_layout ruru_ws_session_layout(struct ruru_ws *ws, const char *id)
{
	/* A session found once stays in its layout for the process: the
	 * answer is remembered (a miss is not: the session may be made). */
	if (id && ws->layout_id && !strcmp(id, ws->layout_id))
		return ws->layout;
	for (int l = 0; id && valid_id(id) && l < RURU_LAYOUT_COUNT; l++) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "%s/%s", layout_dirs[l], id);
		bool hit = is_ws_dir(ws, b.ptr);
		ruru_buf_release(&b);
		if (hit) {
			free(ws->layout_id);
			ws->layout_id = ruru_strdup(id);
			ws->layout = (enum ruru_layout)l;
			return ws->layout;
		}
	}
	return RURU_LAYOUT_RURU;
}

enum ruru_layout ruru_ws_new_layout(struct ruru_ws *ws)
{
	bool have[RURU_LAYOUT_COUNT];
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		const char *p = layout_dirs[l];
		have[l] = is_ws_dir(ws, p);
		if (have[l] && l == RURU_LAYOUT_RURU) {
			/* `ruru init` in a v8.1 workspace makes an empty
			 * .ruru/sessions/: it holds no session yet. */
			struct ruru_error e = { 0 };
			DIR *d = ruru_store_opendir(ws->store, p, &e);
			struct dirent *de;
			have[l] = false;
			while (d && !have[l] && (de = readdir(d)))
				have[l] = de->d_name[0] != '.';
			if (d)
				closedir(d);
		}
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

static char *opt_dup(const char *s)
{
	return s ? ruru_strdup(s) : NULL;
}

/* A copy of a NULL-ended environment, strings and all (NULL stays NULL). */
static char **env_dup(char *const *env)
{
	if (!env)
		return NULL;
	size_t n = 0;
	while (env[n])
		n++;
	char **copy = ruru_xmalloc((n + 1) * sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = ruru_strdup(env[i]);
	copy[n] = NULL;
	return copy;
}

struct ruru_ws *ruru_ws_open(const char *root, struct ruru_error *err)
{
	return ruru_ws_open_opts(root, NULL, err);
}

struct ruru_ws *ruru_ws_open_opts(const char *root, const struct ruru_options *opts,
				  struct ruru_error *err)
{
	static const struct ruru_options none;
	char *dir = NULL;
	bool guessed = false;
	if (!opts)
		opts = &none;
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
		dir = find_up_workspace(cwd);
		if (!dir) {
			dir = ruru_strdup(cwd);
			guessed = true;
		}
	}
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	struct ruru_store *store = ruru_store_open(dir, opts->lock_timeout_ms, err);
	if (!store) {
		free(dir);
		return NULL;
	}
	if (opts->fault)
		ruru_fault_set(opts->fault);
	struct ruru_ws *ws = ruru_xmalloc(sizeof(*ws));
	ws->root = dir;
	ws->progress = NULL;
	ws->watch = NULL;
	ws->guessed = guessed;
	ws->store = store;
	ws->layout_id = NULL;
	ws->layout = RURU_LAYOUT_RURU;
	ws->opts = (struct ruru_options){
		.fault = opt_dup(opts->fault),
		.now = opt_dup(opts->now),
		.session_id = opt_dup(opts->session_id),
		.lock_timeout_ms = opt_dup(opts->lock_timeout_ms),
		.config_dir = opt_dup(opts->config_dir),
		.cache_dir = opt_dup(opts->cache_dir),
		.home = opt_dup(opts->home),
		.tmpdir = opt_dup(opts->tmpdir),
		.user = opt_dup(opts->user),
		.env = env_dup(opts->env),
	};
	return ws;
}

void ruru_ws_free(struct ruru_ws *ws)
{
	if (!ws)
		return;
	const char *const owned[] = {
		ws->opts.fault,	     ws->opts.now,	 ws->opts.session_id,
		ws->opts.lock_timeout_ms, ws->opts.config_dir, ws->opts.cache_dir,
		ws->opts.home,	     ws->opts.tmpdir,	 ws->opts.user,
	};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free((char *)owned[i]);
	for (size_t i = 0; ws->opts.env && ws->opts.env[i]; i++)
		free(ws->opts.env[i]);
	free((char **)ws->opts.env);
	ruru_store_close(ws->store);
	free(ws->layout_id);
	free(ws->root);
	free(ws);
}

void ruru_ws_set_progress(struct ruru_ws *ws, unsigned delay_ms, ruru_progress_fn fn, void *ctx)
{
	ws->progress = fn;
	ws->progress_ctx = ctx;
	ws->progress_delay_ms = delay_ms;
}

const struct ruru_options *ruru_ws_options(const struct ruru_ws *ws)
{
	return &ws->opts;
}

struct ruru_store *ruru_ws_store(const struct ruru_ws *ws)
{
	return ws->store;
}

int ruru_ws_read(struct ruru_ws *ws, const char *rel, struct ruru_buf *out, struct ruru_error *err)
{
	if (!out->ptr)
		ruru_buf_init(out);
	ruru_buf_reset(out);
	return ruru_store_read(ws->store, rel, out, err);
}

void ruru_fault_set(const char *spec)
{
	ruru_store_fault_use(spec);
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
	(void)ws;
	return ruru_strdup(rel);
}

char *ruru_ws_abs_path(const struct ruru_ws *ws, const char *rel)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s", ws->root, rel);
	return ruru_buf_detach(&b, NULL);
}

char *ruru_ws_session_path(const struct ruru_ws *ws, const char *id, const char *leaf)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s%s%s", layout_dirs[ruru_ws_session_layout((struct ruru_ws *)ws, id)],
		      id, leaf ? "/" : "", leaf ? leaf : "");
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
static int write_ignore_lines(struct ruru_store *store, const char *path,
			      const char *const *lines, size_t nlines, struct ruru_error *err);

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
	ruru_buf_addf(&p, "%s/.gitignore", dir_rel);
	int rc = tasks ? write_ignore_lines(ws->store, p.ptr, task_lines, 2, err)
		       : write_ignore_lines(ws->store, p.ptr, session_lines, 6, err);
	ruru_buf_release(&p);
	return rc;
}

static int write_ignore_lines(struct ruru_store *store, const char *path,
			      const char *const *lines, size_t nlines, struct ruru_error *err)
{
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	int rc = 0;
	ruru_buf_init(&text);
	if (ruru_store_read(store, path, &text, &e) < 0) {
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
		rc = ruru_store_write(store, path, text.ptr, text.len, 0666, err);
	ruru_buf_release(&text);
	return rc;
}

static int init_store(struct ruru_store *store, struct ruru_error *err)
{
	static const char *const sub[] = { ".ruru/sessions", ".ruru/temp", ".ruru/tasks" };
	int rc = 0;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]) && rc == 0; i++)
		rc = ruru_store_mkdirs(store, sub[i], err);
	if (rc == 0)
		rc = write_ignore_lines(store, ".ruru/.gitignore", ignored,
					sizeof(ignored) / sizeof(*ignored), err);
	return rc;
}

int ruru_ws_make(struct ruru_ws *ws, struct ruru_error *err)
{
	return init_store(ws->store, err);
}

int ruru_ws_init(const char *dir, struct ruru_error *err)
{
	struct ruru_store *store = ruru_store_open(dir ? dir : ".", NULL, err);
	if (!store)
		return -1;
	int rc = init_store(store, err);
	ruru_store_close(store);
	return rc;
}

char *ruru_ws_active_path(enum ruru_layout layout)
{
	struct ruru_buf ap = RURU_BUF_INIT;
	ruru_buf_addf(&ap, "%s/.active", layout_dirs[layout]);
	return ruru_buf_detach(&ap, NULL);
}

int ruru_ws_ignore_own(struct ruru_ws *ws, struct ruru_error *err)
{
	/* A workspace that came by git clone has no .ruru/.gitignore: the
	 * first write completes it, so no lock, cache or pointer is ever
	 * committed.  Nothing is written when every line is there, nor when
	 * there is no .ruru/ folder (a later layout has its own). */
	struct ruru_error e = { 0 };
	if (write_ignore_lines(ws->store, ".ruru/.gitignore", ignored,
			       sizeof(ignored) / sizeof(*ignored), &e) == 0)
		return 0;
	if (e.code == RURU_ENOTFOUND)
		return 0;
	*err = e;
	return -1;
}

int ruru_ws_set_active(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	enum ruru_layout l = ruru_ws_session_layout(ws, id);
	/* A session of a later layout is the active one by the newest .active
	 * of all layouts; the others are dropped so none can win over it. */
	for (int k = 0; k < RURU_LAYOUT_COUNT; k++) {
		if (k == (int)l)
			continue;
		char *o = ruru_ws_active_path((enum ruru_layout)k);
		struct ruru_error ignore = { 0 };
		ruru_store_remove(ws->store, o, &ignore);
		free(o);
	}
	if (l != RURU_LAYOUT_RURU && ruru_ws_ignore_transient(ws, layout_dirs[l], false, err) < 0)
		return -1;
	if (l == RURU_LAYOUT_RURU && ruru_ws_ignore_own(ws, err) < 0)
		return -1;
	char *path = ruru_ws_active_path(l);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s\n", id);
	int rc = ruru_store_write(ws->store, path, b.ptr, b.len, 0666, err);
	ruru_buf_release(&b);
	free(path);
	return rc;
}
