/*
 * watch.c — a workspace watched with inotify, for long-running front ends
 * (`ruru mcp`, `ruru serve`): the index is known to be up to date without
 * a stat sweep as long as the kernel reported nothing, and the web view's
 * live updates wait on the same reports instead of polling.
 *
 * Watched: the root, the folders of every layout that exist (.ruru,
 * sessions, temp, tasks, and the later layouts'), each session folder and
 * the folders below it (artifacts, any depth ruru indexes).  A folder
 * created later is watched when its creation is reported.  When the
 * kernel's watches run out, or its queue overflows, the watch says
 * "broken" and the index goes back to sweeping on every call.  The
 * session folders are watched before anything below them, so that when
 * the watches run out only below them (100,000 sessions and their
 * artifacts folders), only the text level sweeps: `list` still answers
 * from the watch.
 *
 * Generations: every batch of reports makes a new one.  The index marks a
 * level (front matter, text) fresh at the generation its sweep started
 * from; it is fresh while no report came since.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

#define WATCH_DEPTH 10 /* session folder, artifacts and eight below */

#define WATCH_MASK                                                                           \
	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_DELETE_SELF |    \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW |           \
	 IN_EXCL_UNLINK)

/* What a watched folder is: the first level (front matter) needs every
 * folder but those below a session folder, which only the text level
 * (entries, artifacts) needs. */
enum { W_PLAIN, W_SESSIONS, W_SESSION, W_BELOW };

struct wdir {
	int wd;
	char *path; /* relative to the root ("" for the root) */
	int depth;  /* below which new folders are still watched (0: none) */
	int kind;   /* W_*: what a folder made in it is */
};

struct ruru_watch {
	pthread_mutex_t mu;    /* the fields below */
	pthread_mutex_t index; /* one index update of this process at a time */
	struct ruru_ws *ws;
	int fd;
	bool broken;      /* reports were lost or refused: sweep every level */
	bool text_broken; /* a folder below a session folder is not watched */
	uint64_t gen;
	uint64_t fresh[2]; /* per level: the generation it was made fresh at, + 1 */
	struct wdir *dirs; /* sorted by wd (the kernel hands them out rising) */
	size_t n, cap;
	sqlite3 *db; /* the index connection parked between calls, and its file */
	int64_t db_dev, db_ino;
};

/* The folders of the layouts, and how deep below each ruru looks. */
static const struct {
	const char *path;
	int depth;
} roots[] = {
	{ ".ruru", 0 },		  { ".ruru/sessions", WATCH_DEPTH }, { ".ruru/temp", 1 },
	{ ".ruru/tasks", 4 },	  { ".mdtm", 0 },		     { ".mdtm/sessions", WATCH_DEPTH },
	{ ".mdtm/tasks", 4 },	  { ".roo", 0 },		     { ".roo/commander", 0 },
	{ ".roo/commander/sessions", WATCH_DEPTH }, { ".roo/commander/tasks", 4 },
};

/* The kind of a folder made in a folder of kind `parent`. */
static int child_kind(int parent)
{
	return parent == W_SESSIONS ? W_SESSION : parent == W_PLAIN ? W_PLAIN : W_BELOW;
}

/* The position of `wd` in w->dirs, or where it would go. */
static size_t wd_pos(const struct ruru_watch *w, int wd)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->dirs[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void add_tree(struct ruru_watch *w, const char *rel, int depth, int kind, bool descend);

/* Watch the folders in the folder `rel` (`depth` levels down from it),
 * each of kind `kind`; with `descend`, what is below them too. */
static void add_children(struct ruru_watch *w, const char *rel, int depth, int kind, bool descend)
{
	struct ruru_buf abs = RURU_BUF_INIT;
	ruru_buf_addf(&abs, "%s%s%s", w->ws->root, *rel ? "/" : "", rel);
	int dfd = open(abs.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d && dfd >= 0)
		close(dfd);
	struct dirent *de;
	struct ruru_buf sub = RURU_BUF_INIT;
	while (d && (de = readdir(d)) && !w->broken && !(kind == W_BELOW && w->text_broken)) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* the folder's type from readdir when it says (a log or an
		 * artifact costs no stat) */
		struct stat st;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN ||
		     fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		ruru_buf_reset(&sub);
		ruru_buf_addf(&sub, "%s/%s", rel, de->d_name);
		add_tree(w, sub.ptr, depth, kind, descend);
	}
	ruru_buf_release(&sub);
	if (d)
		closedir(d);
	ruru_buf_release(&abs);
}

/* Watch the folder `rel` (of kind `kind`) and, `depth` levels down, the
 * folders in it; without `descend`, not below a session folder. */
static void add_tree(struct ruru_watch *w, const char *rel, int depth, int kind, bool descend)
{
	if (w->broken || (kind == W_BELOW && w->text_broken))
		return;
	struct ruru_buf abs = RURU_BUF_INIT;
	ruru_buf_addf(&abs, "%s%s%s", w->ws->root, *rel ? "/" : "", rel);
	/* The fault step "watch" (RURU_FAULT) plays the kernel running out
	 * of watches, so that the tests can show the sweep taking over. */
	int wd = ruru_store_fault("watch") ? (errno = ENOSPC, -1)
					   : inotify_add_watch(w->fd, abs.ptr, WATCH_MASK);
	if (wd < 0) {
		/* out of watches: sweep as before (only the text level when
		 * what is missing is below a session folder) */
		if (errno == ENOSPC || errno == ENOMEM) {
			if (kind == W_BELOW)
				w->text_broken = true;
			else
				w->broken = true;
		}
		ruru_buf_release(&abs);
		return;
	}
	size_t i = wd_pos(w, wd);
	if (i == w->n || w->dirs[i].wd != wd) {
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 64;
			w->dirs = ruru_xrealloc(w->dirs, w->cap * sizeof(*w->dirs));
		}
		memmove(&w->dirs[i + 1], &w->dirs[i], (w->n - i) * sizeof(*w->dirs));
		w->n++;
		w->dirs[i] = (struct wdir){ wd, ruru_strdup(rel), depth, kind };
	} else if (strcmp(w->dirs[i].path, rel)) { /* the same folder by another name */
		free(w->dirs[i].path);
		w->dirs[i].path = ruru_strdup(rel);
		w->dirs[i].depth = depth;
		w->dirs[i].kind = kind;
	}
	ruru_buf_release(&abs);
	if (depth > 0 && (descend || kind != W_SESSION))
		add_children(w, rel, depth - 1, child_kind(kind), descend);
}

/* The kernel's limit of watches per user (-1: unknown). */
static long watch_limit(void)
{
	char buf[32];
	int fd = open("/proc/sys/fs/inotify/max_user_watches", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* (Re)watch everything there is now: the session folders first, then
 * what is below them. */
static void add_all(struct ruru_watch *w)
{
	add_tree(w, "", 0, W_PLAIN, false);
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		struct ruru_buf abs = RURU_BUF_INIT;
		struct stat st;
		ruru_buf_addf(&abs, "%s/%s", w->ws->root, roots[i].path);
		if (lstat(abs.ptr, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(w, roots[i].path, roots[i].depth,
				 roots[i].depth == WATCH_DEPTH ? W_SESSIONS : W_PLAIN, false);
		ruru_buf_release(&abs);
	}
	/* Below the session folders (w->dirs grows meanwhile: by position,
	 * what was added in the loop comes after the folders it looks at).
	 * Each session folder holds a folder (artifacts): when the kernel's
	 * limit of watches cannot cover one more per session folder, the
	 * text level would run out half way anyway, after reading every
	 * session folder (seconds for 100,000 of them): it sweeps from the
	 * start instead. */
	size_t n = w->n, nsess = 0;
	for (size_t i = 0; i < n; i++)
		nsess += w->dirs[i].kind == W_SESSION;
	long max = watch_limit();
	if (max > 0 && n + nsess > (size_t)max)
		w->text_broken = true;
	for (size_t i = 0; i < n && !w->broken && !w->text_broken; i++)
		if (w->dirs[i].kind == W_SESSION && w->dirs[i].depth > 0) {
			char *rel = ruru_strdup(w->dirs[i].path);
			int depth = w->dirs[i].depth;
			add_children(w, rel, depth - 1, W_BELOW, true);
			free(rel);
		}
}

static const struct wdir *dir_of(const struct ruru_watch *w, int wd)
{
	size_t i = wd_pos(w, wd);
	return i < w->n && w->dirs[i].wd == wd ? &w->dirs[i] : NULL;
}

/* Read what the kernel reported (w->mu held); a new generation when
 * anything was. */
static void drain(struct ruru_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false, rewalk = false;
	for (;;) {
		ssize_t len = read(w->fd, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				rewalk = any = true; /* reports were lost: look at everything again */
				continue;
			}
			const struct wdir *d = dir_of(w, ev->wd);
			/* In the root and the folders that only hold layouts, files
			 * (the user's sources, .gitignore) change nothing ruru shows. */
			if (d && d->depth == 0 && !(ev->mask & (IN_ISDIR | IN_DELETE_SELF | IN_MOVE_SELF)))
				continue;
			any = true;
			if (!d || !(ev->mask & IN_ISDIR) || !(ev->mask & (IN_CREATE | IN_MOVED_TO)) ||
			    !ev->len)
				continue;
			/* a folder made or moved in: watch it (and a layout folder
			 * made under the root or .ruru: everything again) */
			if (d->depth > 0) {
				struct ruru_buf sub = RURU_BUF_INIT;
				ruru_buf_addf(&sub, "%s/%s", d->path, ev->name);
				add_tree(w, sub.ptr, d->depth - 1, child_kind(d->kind), true);
				ruru_buf_release(&sub);
			} else {
				rewalk = true;
			}
		}
	}
	if (rewalk)
		add_all(w);
	if (any)
		w->gen++;
}

struct ruru_watch *ruru_watch_start(struct ruru_ws *ws, struct ruru_error *err)
{
	if (ws->watch)
		return ruru_error_set(err, RURU_EUSAGE, "the workspace is already watched"), NULL;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		ruru_error_set(err, RURU_EFAIL, "cannot watch the workspace: %s", strerror(errno));
		return NULL;
	}
	struct ruru_watch *w = ruru_xmalloc(sizeof(*w));
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->index, NULL);
	w->ws = ws;
	w->fd = fd;
	w->gen = 1;
	add_all(w);
	ws->watch = w;
	return w;
}

void ruru_watch_stop(struct ruru_watch *w)
{
	if (!w)
		return;
	if (w->ws->watch == w)
		w->ws->watch = NULL;
	close(w->fd);
	if (w->db)
		sqlite3_close(w->db);
	for (size_t i = 0; i < w->n; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->index);
	free(w);
}

int ruru_watch_fd(const struct ruru_watch *w)
{
	return w->fd;
}

uint64_t ruru_watch_poll(struct ruru_watch *w)
{
	pthread_mutex_lock(&w->mu);
	drain(w);
	uint64_t g = w->broken || w->text_broken ? 0 : w->gen;
	pthread_mutex_unlock(&w->mu);
	return g;
}

bool ruru_watch_fresh(struct ruru_watch *w, int level, uint64_t *gen)
{
	pthread_mutex_lock(&w->mu);
	drain(w);
	*gen = w->gen;
	bool fresh = !w->broken && !(level > 0 && w->text_broken) && w->fresh[level] == w->gen + 1;
	pthread_mutex_unlock(&w->mu);
	return fresh;
}

void ruru_watch_mark(struct ruru_watch *w, int level, uint64_t gen)
{
	pthread_mutex_lock(&w->mu);
	for (int l = 0; l <= level; l++) /* the text level holds the other */
		w->fresh[l] = gen + 1;
	pthread_mutex_unlock(&w->mu);
}

void ruru_watch_index_lock(struct ruru_watch *w)
{
	pthread_mutex_lock(&w->index);
}

void ruru_watch_index_unlock(struct ruru_watch *w)
{
	pthread_mutex_unlock(&w->index);
}

sqlite3 *ruru_watch_take_db(struct ruru_watch *w, bool have, int64_t dev, int64_t ino)
{
	pthread_mutex_lock(&w->mu);
	sqlite3 *db = w->db;
	bool same = have && w->db_dev == dev && w->db_ino == ino;
	w->db = NULL;
	pthread_mutex_unlock(&w->mu);
	if (db && !same) { /* the file was made again since: not that one */
		sqlite3_close(db);
		db = NULL;
	}
	return db;
}

bool ruru_watch_park_db(struct ruru_watch *w, sqlite3 *db, int64_t dev, int64_t ino)
{
	pthread_mutex_lock(&w->mu);
	bool parked = !w->db;
	if (parked) {
		w->db = db;
		w->db_dev = dev;
		w->db_ino = ino;
	}
	pthread_mutex_unlock(&w->mu);
	return parked;
}
