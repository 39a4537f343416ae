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
 * Every folder is opened as every other read opens it (never through a
 * symlink, never out of the root): a layout folder through the
 * workspace's store, a folder in a folder so opened from that folder's fd
 * (ruru_openat_beneath).  The watch is put on the folder that was opened
 * (its /proc/self/fd name), not on a path the kernel would walk again,
 * and its subfolders are listed from the same fd; a folder that is only
 * watched is named in its open parent (/proc/self/fd/N/NAME, the name
 * not followed).  Without /proc the
 * watch is broken from the start: the sweep.  The store's root fd is
 * opened once, atomically, whichever thread comes first; the first walk
 * runs in a thread of the watch's own (below), later ones hold w->mu
 * (drain's callers).
 *
 * That thread lets a server answer at once however many sessions there
 * are (100,000 take a good part of a second, more when the kernel's limit
 * of watches is large).  Until it is done the watch is not ready: every
 * level counts as stale, so calls sweep as without a watch, and a sweep
 * made then marks nothing fresh (a folder not yet watched could have
 * changed after it looked).
 *
 * Generations: every batch of reports makes a new one.  The index marks a
 * level (front matter, text) fresh at the generation its sweep started
 * from; it is fresh while no report came since.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
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
	 IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)

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
	/* The first walk, in `walker`: until `ready`, only that thread
	 * touches dirs, n, cap, broken and text_broken; `stopping` ends it
	 * early. */
	pthread_t walker;
	bool have_walker;
	atomic_bool ready, stopping;
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

/* The folder `rel` opened for the watch: with `at` >= 0 its last name
 * `name` in the folder `at` (opened so itself), else through the
 * workspace's store.  -1 when it is missing, a symlink or no folder. */
static int open_folder(struct ruru_watch *w, int at, const char *name, const char *rel)
{
	if (at >= 0)
		return ruru_openat_beneath(at, name, O_RDONLY | O_DIRECTORY);
	struct ruru_error e = { 0 };
	return ruru_store_open_dir(ruru_ws_store(w->ws), rel, &e);
}

static void add_tree(struct ruru_watch *w, int at, const char *name, const char *rel, int depth,
		     int kind, bool descend);

/* Watch the folders in the open folder `dfd` (`rel`; closed here),
 * `depth` levels down from it, each of kind `kind`; with `descend`, what
 * is below them too. */
static void add_children_fd(struct ruru_watch *w, int dfd, const char *rel, int depth, int kind,
			    bool descend)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	struct ruru_buf sub = RURU_BUF_INIT;
	while ((de = readdir(d)) && !w->broken && !(kind == W_BELOW && w->text_broken) &&
	       !atomic_load(&w->stopping)) {
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
		ruru_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		add_tree(w, dirfd(d), de->d_name, sub.ptr, depth, kind, descend);
	}
	ruru_buf_release(&sub);
	closedir(d);
}

/* The same for the folder `rel`, opened through the store. */
static void add_children(struct ruru_watch *w, const char *rel, int depth, int kind, bool descend)
{
	int dfd = open_folder(w, -1, NULL, rel);
	if (dfd >= 0)
		add_children_fd(w, dfd, rel, depth, kind, descend);
}

/* Watch the folder `rel` (of kind `kind`; `name` in the open folder
 * `at`, or with `at` -1 reached through the store) and, `depth` levels
 * down, the folders in it; without `descend`, not below a session
 * folder. */
static void add_tree(struct ruru_watch *w, int at, const char *name, const char *rel, int depth,
		     int kind, bool descend)
{
	if (w->broken || (kind == W_BELOW && w->text_broken) || atomic_load(&w->stopping))
		return;
	/* A folder whose folders are listed is opened; one that is only
	 * watched (a session folder while the first level is walked: 100,000
	 * of them) is named in its open parent, its last name not followed. */
	bool list = depth > 0 && (descend || kind != W_SESSION);
	int dfd = -1;
	char proc[320];
	if (at >= 0 && !list && strlen(name) < 256) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", at, name);
	} else {
		if ((dfd = open_folder(w, at, name, rel)) < 0)
			return;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dfd);
	}
	/* The fault step "watch" (RURU_FAULT) plays the kernel running out
	 * of watches, so that the tests can show the sweep taking over. */
	int wd = ruru_store_fault("watch")
			 ? (errno = ENOSPC, -1)
			 : inotify_add_watch(w->fd, proc, WATCH_MASK | (dfd < 0 ? IN_DONT_FOLLOW : 0));
	if (wd < 0) {
		/* out of watches: sweep as before (only the text level when
		 * what is missing is below a session folder); no /proc: the
		 * sweep throughout (a symlink or a folder gone meanwhile: not
		 * watched) */
		if (errno == ENOSPC || errno == ENOMEM) {
			if (kind == W_BELOW)
				w->text_broken = true;
			else
				w->broken = true;
		} else if (errno == ENOENT && dfd >= 0) {
			w->broken = true;
		}
		if (dfd >= 0)
			close(dfd);
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
	if (list)
		add_children_fd(w, dfd, rel, depth - 1, child_kind(kind), descend);
	else if (dfd >= 0)
		close(dfd);
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
	add_tree(w, -1, NULL, "", 0, W_PLAIN, false);
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) /* missing: not watched */
		add_tree(w, -1, NULL, roots[i].path, roots[i].depth,
			 roots[i].depth == WATCH_DEPTH ? W_SESSIONS : W_PLAIN, false);
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
				add_tree(w, -1, NULL, sub.ptr, d->depth - 1, child_kind(d->kind), true);
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

/* The first walk (the walker thread's body); the watch is ready after. */
static void *walk_all(void *arg)
{
	struct ruru_watch *w = arg;
	add_all(w);
	atomic_store(&w->ready, true);
	return NULL;
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
	atomic_init(&w->ready, false);
	atomic_init(&w->stopping, false);
	w->have_walker = pthread_create(&w->walker, NULL, walk_all, w) == 0;
	if (!w->have_walker)
		walk_all(w); /* no thread: watched before the first answer, as it can */
	ws->watch = w;
	return w;
}

void ruru_watch_stop(struct ruru_watch *w)
{
	if (!w)
		return;
	if (w->ws->watch == w)
		w->ws->watch = NULL;
	if (w->have_walker) {
		atomic_store(&w->stopping, true);
		pthread_join(w->walker, NULL);
	}
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

void ruru_watch_wait(struct ruru_watch *w)
{
	pthread_mutex_lock(&w->mu); /* the walker never takes it */
	if (w->have_walker) {
		pthread_join(w->walker, NULL);
		w->have_walker = false;
	}
	pthread_mutex_unlock(&w->mu);
}

int ruru_watch_fd(const struct ruru_watch *w)
{
	return w->fd;
}

uint64_t ruru_watch_poll(struct ruru_watch *w)
{
	if (!atomic_load(&w->ready))
		return 0; /* not all watched yet: the caller polls its own way */
	pthread_mutex_lock(&w->mu);
	drain(w);
	uint64_t g = w->broken || w->text_broken ? 0 : w->gen;
	pthread_mutex_unlock(&w->mu);
	return g;
}

bool ruru_watch_fresh(struct ruru_watch *w, int level, uint64_t *gen)
{
	if (!atomic_load(&w->ready)) {
		*gen = 0; /* a sweep made now marks nothing (ruru_watch_mark) */
		return false;
	}
	pthread_mutex_lock(&w->mu);
	drain(w);
	*gen = w->gen;
	bool fresh = !w->broken && !(level > 0 && w->text_broken) && w->fresh[level] == w->gen + 1;
	pthread_mutex_unlock(&w->mu);
	return fresh;
}

void ruru_watch_mark(struct ruru_watch *w, int level, uint64_t gen)
{
	if (!gen)
		return; /* swept before the watch was ready */
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
