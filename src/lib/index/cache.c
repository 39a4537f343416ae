/*
 * cache.c — where the index lives, and `reindex --prune`.
 *
 * The index of a workspace lives in the user's cache folder, never in the
 * work tree: <cache>/ruru/<SHA-256 of the root's real path>/, so that each
 * clone and worktree has its own and nothing a repository holds (a planted
 * index, a .git file naming another folder) chooses the file ruru opens.
 * The folder also holds `root`, the real path it belongs to, for
 * ruru_index_prune().
 *
 * Every file and folder below the user's cache folder is reached through
 * a store opened on it (store.h): the walk never follows a symlink, the
 * folders are made private (0700), and fault injection (RURU_FAULT)
 * reaches their making and removal like any other write of ruru's.  The
 * user's cache folder itself is taken as named (it may be a symlink of
 * theirs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "index_int.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

static const char *const index_files[] = { "index.sqlite3", "index.sqlite3-wal",
					     "index.sqlite3-shm" };

int idx_check_not_symlink(struct ruru_store *cs, const char *dir, const char *name,
			  struct ruru_error *err)
{
	struct stat st;
	struct ruru_error e = { 0 };
	if (ruru_store_lstat(cs, name, &st, &e) < 0 || S_ISREG(st.st_mode))
		return 0; /* missing (made by SQLite), or a file */
	return ruru_error_set(err, RURU_EREFUSED, "refusing to use %s/%s: %s", dir, name,
			      S_ISLNK(st.st_mode) ? "it is a symlink" : "it is not a regular file");
}

void idx_unlink(struct ruru_store *cs)
{
	for (size_t i = 0; i < sizeof(index_files) / sizeof(*index_files); i++) {
		struct ruru_error e = { 0 };
		ruru_store_remove(cs, index_files[i], &e); /* a missing file is what we want */
	}
}

/* The user's cache folder, made when missing (as named): a store of it,
 * or NULL when there is none to use. */
static struct ruru_store *cache_home(const struct ruru_ws *ws, bool make)
{
	const char *home = ws->opts.cache_dir;
	struct ruru_error e = { 0 };
	if (!home || (make && ruru_file_mkdirs(home, &e) < 0))
		return NULL;
	return ruru_store_open(home, ws->opts.lock_timeout_ms, &e);
}

int idx_cache_open(const struct ruru_ws *ws, struct ruru_buf *dir, struct ruru_store **cs,
		   struct ruru_error *err)
{
	*cs = NULL;
	char *real = ws->opts.cache_dir ? realpath(ws->root, NULL) : NULL;
	struct ruru_store *hs = real ? cache_home(ws, true) : NULL;
	if (!hs) { /* no cache folder: in memory */
		free(real);
		return 0;
	}
	char hex[65];
	ruru_sha256_hex(real, strlen(real), hex);
	free(real);
	struct ruru_buf sub = RURU_BUF_INIT;
	ruru_buf_addf(&sub, "ruru/%s", hex);
	ruru_buf_reset(dir);
	ruru_buf_addf(dir, "%s/%s", ws->opts.cache_dir, sub.ptr);
	struct ruru_error e = { 0 };
	int rc = 0;
	if (ruru_store_mkdirs_mode(hs, sub.ptr, 0700, &e) < 0 ||
	    !(*cs = ruru_store_open(dir->ptr, ws->opts.lock_timeout_ms, &e))) {
		/* A symlink (or a file) on the way is refused; any other failure
		 * leaves the index in memory. */
		if (e.code == RURU_EREFUSED)
			rc = ruru_error_set(err, RURU_EREFUSED, "refusing to use the cache folder %s: %s",
					    dir->ptr,
					    strstr(e.msg, "symlink") ? "it is a symlink"
								     : "it is not a folder");
	}
	ruru_buf_release(&sub);
	ruru_store_close(hs);
	return rc;
}

int ruru_index_path(struct ruru_ws *ws, struct ruru_buf *out, struct ruru_error *err)
{
	ruru_buf_reset(out);
	struct ruru_store *cs;
	struct ruru_buf dir = RURU_BUF_INIT;
	if (idx_cache_open(ws, &dir, &cs, err) < 0) {
		ruru_buf_release(&dir);
		return -1;
	}
	if (cs) {
		ruru_store_close(cs);
		ruru_buf_addf(out, "%s/index.sqlite3", dir.ptr);
	}
	ruru_buf_release(&dir);
	return 0;
}

/* Is `name` of the cache folder the index of a root that no longer
 * exists?  Only ruru's own folders count: 64 hex digits, holding `root`
 * whose hash is the name. */
static bool root_gone(struct ruru_store *hs, const char *name)
{
	if (strlen(name) != 64 || strspn(name, "0123456789abcdef") != 64)
		return false;
	struct ruru_buf path = RURU_BUF_INIT, root = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	ruru_buf_addf(&path, "ruru/%s/root", name);
	bool gone = false;
	if (ruru_store_read(hs, path.ptr, &root, &e) == 0 && root.len > 1 && root.len < 4096 &&
	    root.ptr[root.len - 1] == '\n' && root.ptr[0] == '/' &&
	    !memchr(root.ptr, '\0', root.len)) {
		root.ptr[--root.len] = '\0';
		char hex[65];
		ruru_sha256_hex(root.ptr, root.len, hex);
		struct stat st;
		gone = !strcmp(hex, name) && stat(root.ptr, &st) < 0 &&
		       (errno == ENOENT || errno == ENOTDIR);
	}
	ruru_buf_release(&path);
	ruru_buf_release(&root);
	return gone;
}

/* Remove the index folder `name` and what ruru keeps in it. */
static int remove_cache(struct ruru_store *hs, const char *name, struct ruru_error *err)
{
	static const char *const extra[] = { "index.lock", "root" };
	struct ruru_buf path = RURU_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < 5 && rc == 0; i++) {
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "ruru/%s/%s", name, i < 3 ? index_files[i] : extra[i - 3]);
		struct ruru_error e = { 0 };
		if (ruru_store_remove(hs, path.ptr, &e) < 0 && e.code != RURU_ENOTFOUND) {
			*err = e;
			rc = -1;
		}
	}
	ruru_buf_reset(&path);
	ruru_buf_addf(&path, "ruru/%s", name);
	if (rc == 0)
		rc = ruru_store_remove_dir(hs, path.ptr, err);
	ruru_buf_release(&path);
	return rc;
}

int ruru_index_prune(struct ruru_ws *ws, size_t *removed, struct ruru_error *err)
{
	*removed = 0;
	struct ruru_store *hs = cache_home(ws, false);
	if (!hs)
		return 0;
	struct ruru_error e = { 0 };
	DIR *d = ruru_store_opendir(hs, "ruru", &e);
	if (!d) {
		ruru_store_close(hs);
		if (e.code == RURU_ENOTFOUND || errno == ENOENT)
			return 0;
		return ruru_error_set(err, e.code == RURU_EREFUSED ? RURU_EREFUSED : RURU_EFAIL,
				      "cannot read the cache folder %s/ruru: %s", ws->opts.cache_dir,
				      e.code == RURU_EREFUSED ? "it is a symlink" : strerror(errno));
	}
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)))
		if (root_gone(hs, de->d_name)) {
			rc = remove_cache(hs, de->d_name, err);
			*removed += rc == 0;
		}
	closedir(d);
	ruru_store_close(hs);
	return rc;
}
