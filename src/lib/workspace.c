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

#include "entry.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

void *ruru_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *ruru_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *ruru_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = ruru_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ruru_strdup(const char *s)
{
	return s ? ruru_strndup(s, strlen(s)) : NULL;
}

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
		bool hit = is_dir(b.ptr);
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
		have[l] = is_dir(p);
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
		dir = find_up_workspace(cwd);
		if (!dir)
			dir = find_up(cwd, ".git", false);
		if (!dir)
			dir = ruru_strdup(cwd);
	}
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	struct ruru_ws *ws = ruru_xmalloc(sizeof(*ws));
	ws->root = dir;
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

static const char gitignore[] =
	"# ruru's lock and cache files: local to this machine, never committed\n"
	"sessions/*/.lock\n"
	"sessions/*/.state\n"
	"sessions/.active\n"
	"temp/.lock\n"
	"tasks/**/.*.lock\n";

int ruru_ws_init(const char *dir, struct ruru_error *err)
{
	static const char *const sub[] = { ".ruru/sessions", ".ruru/temp", ".ruru/tasks" };
	struct ruru_buf p = RURU_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]) && rc == 0; i++) {
		ruru_buf_reset(&p);
		ruru_buf_addf(&p, "%s/%s", dir ? dir : ".", sub[i]);
		rc = ruru_mkdirs(p.ptr, err);
	}
	if (rc == 0) {
		ruru_buf_reset(&p);
		ruru_buf_addf(&p, "%s/.ruru/.gitignore", dir ? dir : ".");
		if (!exists(p.ptr))
			rc = ruru_write_atomic(p.ptr, gitignore, sizeof(gitignore) - 1, 0666, err);
	}
	ruru_buf_release(&p);
	return rc;
}

int ruru_ws_set_active(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	enum ruru_layout l = ruru_ws_session_layout(ws, id);
	/* A session of a later layout is the active one by the newest .active
	 * of all layouts; the others are dropped so none can win over it. */
	for (int k = 0; k < RURU_LAYOUT_COUNT; k++) {
		if (k == (int)l)
			continue;
		struct ruru_buf o = RURU_BUF_INIT;
		ruru_buf_addf(&o, "%s/%s/.active", ws->root, layout_dirs[k]);
		unlink(o.ptr);
		ruru_buf_release(&o);
	}
	struct ruru_buf ap = RURU_BUF_INIT;
	ruru_buf_addf(&ap, "%s/.active", layout_dirs[l]);
	char *path = ruru_ws_path(ws, ap.ptr);
	ruru_buf_release(&ap);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s\n", id);
	int rc = ruru_write_atomic(path, b.ptr, b.len, 0666, err);
	ruru_buf_release(&b);
	free(path);
	return rc;
}

/* A session folder holds a session_log.md (or is at least a folder). */
static bool session_exists(const struct ruru_ws *ws, const char *id)
{
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	char *p = ruru_ws_session_path(ws, id, NULL);
	bool ok = is_dir(p);
	free(p);
	return ok;
}

static char *resolve_prefix(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	if (session_exists(ws, id))
		return ruru_strdup(id);
	char *found = NULL;
	size_t matches = 0, n = strlen(id);
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		char *dirpath = ruru_ws_path(ws, layout_dirs[l]);
		DIR *d = opendir(dirpath);
		free(dirpath);
		if (d && n && !strchr(id, '/')) {
			struct dirent *de;
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.' || strncmp(de->d_name, id, n) != 0)
					continue;
				if (!session_exists(ws, de->d_name))
					continue;
				if (matches++ == 0)
					found = ruru_strdup(de->d_name);
			}
		}
		if (d)
			closedir(d);
	}
	if (matches == 1)
		return found;
	free(found);
	if (matches > 1)
		ruru_error_set(err, RURU_ENOTFOUND, "session prefix \"%s\" matches %zu sessions", id,
			       matches);
	else
		ruru_error_set(err, RURU_ENOTFOUND, "unknown session \"%s\"", id);
	return NULL;
}

char *ruru_session_resolve(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	if (id && *id)
		return resolve_prefix(ws, id, err);
	const char *env = getenv("ROOCOM_SESSION_ID");
	if (env && *env)
		return resolve_prefix(ws, env, err);
	char *out = NULL;
	time_t newest = 0;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		struct ruru_buf ap = RURU_BUF_INIT, b = RURU_BUF_INIT;
		ruru_buf_addf(&ap, "%s/%s/.active", ws->root, layout_dirs[l]);
		struct ruru_error ignore;
		struct stat st;
		if (stat(ap.ptr, &st) == 0 && (!out || st.st_mtime > newest) &&
		    ruru_buf_read_file(&b, ap.ptr, &ignore) == 0) {
			while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r' ||
					 b.ptr[b.len - 1] == ' '))
				b.ptr[--b.len] = '\0';
			if (b.len && session_exists(ws, b.ptr)) {
				free(out);
				out = ruru_strdup(b.ptr);
				newest = st.st_mtime;
			}
		}
		ruru_buf_release(&ap);
		ruru_buf_release(&b);
	}
	if (!out)
		ruru_error_set(err, RURU_ENOTFOUND,
			       "no active session (start one with `ruru new`, or pass -s ID)");
	return out;
}
