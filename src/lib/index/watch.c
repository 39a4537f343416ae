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
 * "broken" and the index goes back to sweeping on every call.
 *
 * Every folder is opened through the workspace's store, as every other
 * read is (never through a symlink, never out of the root), and the watch
 * is put on the folder that was opened (its /proc/self/fd name), not on a
 * path the kernel would walk again; its subfolders are listed from the
 * same fd.  Without /proc the watch is broken from the start: the sweep.
 * The store's root fd is opened once, atomically, whichever thread comes
 * first; the folder walk holds w->mu (drain's callers).
 *
 * Generations: every batch of reports makes a new one.  The index marks a
 * level (front matter, text) fresh at the generation its sweep started
 * from; it is fresh while no report came since.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "index.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

#define WATCH_DEPTH 10 /* session folder, artifacts and eight below */

#define WATCH_MASK                                                                           \
	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_DELETE_SELF |    \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)

struct wdir {
	int wd;
	char *path; /* relative to the root ("" for the root) */
	int depth;  /* below which new folders are still watched (0: none) */
};

struct ruru_watch {
	pthread_mutex_t mu;    /* the fields below */
	pthread_mutex_t index; /* one index update of this process at a time */
	struct ruru_ws *ws;
	int fd;
	bool broken;
	uint64_t gen;
	uint64_t fresh[2]; /* per level: the generation it was made fresh at, + 1 */
	struct wdir *dirs;
	size_t n, cap;
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

/* Watch the folder `rel` and, `depth` levels down, the folders in it.
 * What the store will not open (missing, a symlink, not a folder) is not
 * watched. */
static void add_tree(struct ruru_watch *w, const char *rel, int depth)
{
	if (w->broken)
		return;
	struct ruru_error e = { 0 };
	int dfd = ruru_store_open_dir(ruru_ws_store(w->ws), rel, &e);
	if (dfd < 0)
		return;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dfd);
	/* The fault step "watch" (RURU_FAULT) plays the kernel running out
	 * of watches, so that the tests can show the sweep taking over. */
	int wd = ruru_store_fault("watch") ? (errno = ENOSPC, -1)
					   : inotify_add_watch(w->fd, proc, WATCH_MASK);
	if (wd < 0) {
		/* out of watches, or no /proc: sweep as before */
		if (errno == ENOSPC || errno == ENOMEM || errno == ENOENT)
			w->broken = true;
		close(dfd);
		return;
	}
	size_t i = 0;
	while (i < w->n && w->dirs[i].wd != wd)
		i++;
	if (i == w->n) {
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 64;
			w->dirs = ruru_xrealloc(w->dirs, w->cap * sizeof(*w->dirs));
		}
		w->dirs[w->n++] = (struct wdir){ wd, ruru_strdup(rel), depth };
	} else if (strcmp(w->dirs[i].path, rel)) { /* the same folder by another name */
		free(w->dirs[i].path);
		w->dirs[i].path = ruru_strdup(rel);
		w->dirs[i].depth = depth;
	}
	DIR *d = depth > 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		close(dfd);
		return;
	}
	char **names;
	size_t n = ruru_dir_names(d, NULL, RURU_NAMES_DOTS | RURU_NAMES_DIRS, &names);
	closedir(d);
	struct ruru_buf sub = RURU_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		ruru_buf_reset(&sub);
		ruru_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[k]);
		add_tree(w, sub.ptr, depth - 1);
	}
	ruru_buf_release(&sub);
	ruru_names_free(names, n);
}

/* (Re)watch everything there is now. */
static void add_all(struct ruru_watch *w)
{
	add_tree(w, "", 0);
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++)
		add_tree(w, roots[i].path, roots[i].depth);
}

static const struct wdir *dir_of(const struct ruru_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
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
				add_tree(w, sub.ptr, d->depth - 1);
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
	uint64_t g = w->broken ? 0 : w->gen;
	pthread_mutex_unlock(&w->mu);
	return g;
}

bool ruru_watch_fresh(struct ruru_watch *w, int level, uint64_t *gen)
{
	pthread_mutex_lock(&w->mu);
	drain(w);
	*gen = w->gen;
	bool fresh = !w->broken && w->fresh[level] == w->gen + 1;
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
