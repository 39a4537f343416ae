/*
 * write.c — every change to a file or folder of a store: atomic rewrites
 * (temp file beside the target, fsync, rename or link, folder fsync; the
 * old file kept under the temp name until the folder is flushed), files
 * staged for a log transaction, O_APPEND appends taken back on failure,
 * small records rewritten in place, mkdir -p and its undoing, exclusive
 * mkdir, removal, and cutting a torn tail.  Each system call that writes
 * goes through the table of fault.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"
#include "alloc.h"
#include "banned.h"

int ruru_store_remove(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = store_sys.remove(w.dfd, w.name.ptr, 0);
	if (rc < 0)
		store_sys_error(err, path, "cannot remove");
	store_where_release(&w);
	return rc;
}

int ruru_store_remove_dir(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = store_sys.remove(w.dfd, w.name.ptr, AT_REMOVEDIR);
	if (rc < 0)
		store_sys_error(err, path, "cannot remove folder");
	store_where_release(&w);
	return rc;
}

/* ------------------------------------------------------- folder fsync */

int ruru_store_fsync_dir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	int fd = store_open_folder(store, dir, dir, 0, NULL, err);
	if (fd < 0)
		return -1;
	if (store_sys.dirsync(fd) < 0) {
		store_sys_error(err, dir, "cannot flush folder");
		store_quiet_close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* ------------------------------------------------------ atomic writes */

/*
 * Create a fresh temp file ".NAME.ruru-XXXXXX" (O_EXCL, never through a
 * symlink) in folder `dfd`, write `data` to it with permissions `mode`,
 * flush and close it.  On success `tmp` holds its name (relative to the
 * folder); on failure it is gone and `err` is filled.  `durable` false
 * (caches): no fault injection, no fsync.
 */
static int write_temp(int dfd, const char *shown, const char *name, const void *data, size_t len,
		      mode_t mode, bool durable, struct ruru_buf *tmp, struct ruru_error *err)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *what;
	int fd = -1;
	int (*op)(int, const char *, int, mode_t) = durable ? store_sys.open : store_plain.open;
	for (int tries = 0; fd < 0; tries++) {
		unsigned char r[6];
		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^ (uint64_t)tries;
			for (int i = 0; i < 6; i++, x >>= 7)
				r[i] = (unsigned char)(x * 2654435761u >> 3);
		}
		ruru_buf_reset(tmp);
		/* A long NAME is cut so the temp name stays within NAME_MAX. */
		ruru_buf_addf(tmp, ".%.200s.ruru-", name);
		for (int i = 0; i < 6; i++)
			ruru_buf_addch(tmp, set[r[i] % (sizeof(set) - 1)]);
		fd = op(dfd, tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		if (fd < 0 && (errno != EEXIST || tries >= 100))
			return store_sys_error(err, shown, "cannot create temp file");
	}
	if (store_write_all(fd, data, len, durable) < 0) {
		what = "cannot write";
		goto fail;
	}
	if ((durable ? store_sys.chmod : store_plain.chmod)(fd, mode) < 0) {
		what = "cannot set permissions";
		goto fail;
	}
	if (durable && store_sys.fsync(fd) < 0) {
		what = "cannot flush";
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		what = "cannot close";
		goto fail;
	}
	return 0;
fail:
	store_quiet_close(fd);
	store_quiet_unlinkat(dfd, tmp->ptr);
	return store_sys_error(err, shown, what);
}

/* link(2) of the complete temp file, or renameat2 RENAME_NOREPLACE where the
 * file system has no hard links; both fail with EEXIST on an existing name. */
static int publish_new(int dfd, const char *tmp, const char *name)
{
	if (store_sys.link(dfd, tmp, name) == 0)
		return 0;
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
		return -1;
	return renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE);
}

/* The first half of every replacement of `path`: its folder walked, the
 * leaf checked (a regular file, or nothing; nothing at all when
 * `exclusive`), the bytes in a temp file beside it (*tmp) with the old
 * file's permissions or `mode` less the umask.  Returns 0 when a file is
 * there, 1 when none, with *w open for the caller to release; -1 with
 * nothing left open (errno kept). */
static int temp_beside(struct ruru_store *store, const char *path, const void *data, size_t len, mode_t mode,
		       bool exclusive, bool durable, struct where *w, struct ruru_buf *tmp,
		       struct ruru_error *err)
{
	struct stat st;
	if (store_open_parent(store, path, false, NULL, w, err) < 0)
		return -1;
	int leaf = store_check_leaf(w, path, &st, err);
	if (leaf >= 0 && exclusive && leaf == 0) {
		errno = EEXIST;
		store_file_error(err, RURU_ECONFLICT, path, "already exists");
		leaf = -1;
	}
	if (leaf >= 0) {
		mode = leaf == 0 ? st.st_mode & 07777 : mode & ~store_current_umask() & 07777;
		if (write_temp(w->dfd, path, w->name.ptr, data, len, mode, durable, tmp, err) < 0)
			leaf = -1;
	}
	if (leaf < 0) {
		int e = errno;
		store_where_release(w);
		ruru_buf_release(tmp);
		errno = e;
	}
	return leaf;
}

/* Write `data` to a temp file beside `path`, then make it `path`: by
 * renameat(2) over the regular file there (keeping its permissions), or,
 * when `exclusive`, only if nothing is there yet.  Either way a reader
 * sees the old state or the complete new file. */
static int write_file(struct ruru_store *store, const char *path, const void *data, size_t len, mode_t mode, bool exclusive,
		      bool durable, struct ruru_error *err)
{
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct where w;
	bool swapped = false;
	int rc = -1;

	int leaf = temp_beside(store, path, data, len, mode, exclusive, durable, &w, &tmp, err);
	if (leaf < 0)
		return -1;
	if (exclusive) {
		if (publish_new(w.dfd, tmp.ptr, w.name.ptr) < 0) {
			store_quiet_unlinkat(w.dfd, tmp.ptr);
			if (errno == EEXIST)
				store_file_error(err, RURU_ECONFLICT, path, "already exists");
			else
				store_sys_error(err, path, "cannot create");
			goto out;
		}
		/* After link() the temp name is a second name of the new file;
		 * after renameat2() it is already gone (ENOENT, harmless). */
		store_quiet_unlinkat(w.dfd, tmp.ptr);
	} else if (durable) {
		/* Swap the new file in, keeping the old one under the temp name
		 * until the folder is flushed, so that a failed flush can put it
		 * back: all or nothing.  Plain rename where the file system
		 * cannot exchange (or the old file just went). */
		if (store_rename_exchange(w.dfd, tmp.ptr, w.name.ptr, leaf == 0, &swapped) < 0) {
			store_quiet_unlinkat(w.dfd, tmp.ptr);
			store_sys_error(err, path, "cannot replace");
			goto out;
		}
	} else if (renameat(w.dfd, tmp.ptr, w.dfd, w.name.ptr) < 0) {
		store_quiet_unlinkat(w.dfd, tmp.ptr);
		store_sys_error(err, path, "cannot replace");
		goto out;
	}
	if (durable && store_sys.dirsync(w.dfd) < 0) {
		int e = errno;
		if (swapped)
			renameat2(w.dfd, tmp.ptr, w.dfd, w.name.ptr, RENAME_EXCHANGE);
		else
			unlinkat(w.dfd, w.name.ptr, 0); /* we made the name: take it back */
		if (swapped)
			unlinkat(w.dfd, tmp.ptr, 0);
		fsync(w.dfd);
		errno = e;
		store_sys_error(err, path, "cannot flush folder");
		goto out;
	}
	if (swapped)
		store_quiet_unlinkat(w.dfd, tmp.ptr); /* the old file */
	rc = 0;
out:
	{
		int e = errno;
		store_where_release(&w);
		ruru_buf_release(&tmp);
		errno = e;
	}
	return rc;
}

int ruru_store_write(struct ruru_store *store, const char *path, const void *data, size_t len,
		     mode_t mode, struct ruru_error *err)
{
	return write_file(store, path, data, len, mode, false, true, err);
}

int ruru_store_write_new(struct ruru_store *store, const char *path, const void *data, size_t len,
			 mode_t mode, struct ruru_error *err)
{
	return write_file(store, path, data, len, mode, true, true, err);
}

int ruru_store_write_cache(struct ruru_store *store, const char *path, const void *data,
			   size_t len, struct ruru_error *err)
{
	return write_file(store, path, data, len, 0666, false, false, err);
}

/* ------------------------------------------ files outside any workspace */

int ruru_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct ruru_error *err)
{
	return write_file(NULL, path, data, len, mode, false, true, err);
}

int ruru_file_write_new(const char *path, const void *data, size_t len, mode_t mode,
			struct ruru_error *err)
{
	return write_file(NULL, path, data, len, mode, true, true, err);
}

int ruru_file_remove(const char *path, struct ruru_error *err)
{
	return ruru_store_remove(NULL, path, err);
}

int ruru_file_remove_dir(const char *path, struct ruru_error *err)
{
	return ruru_store_remove_dir(NULL, path, err);
}

int ruru_file_mkdirs(const char *path, struct ruru_error *err)
{
	int fd = store_open_folder(NULL, path, path, STORE_DIR_MODE, NULL, err);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ------------------------------------------------ staged files (logtx) */

/* Stage: the bytes go to a hidden temp file beside `path` now (synced);
 * publishing renames it into place (or links it, for a file that must be
 * new); dropping removes it.  The multi-file change of a log transaction
 * is a set of these, published at commit. */
int ruru_store_stage(struct ruru_store *store, const char *path, const void *data, size_t len,
		     mode_t mode, bool exclusive, struct ruru_staged *out, struct ruru_error *err)
{
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct where w;
	memset(out, 0, sizeof(*out));
	if (temp_beside(store, path, data, len, mode, exclusive, true, &w, &tmp, err) < 0)
		return -1;
	out->store = store;
	out->path = ruru_strdup(path);
	out->tmp = ruru_buf_detach(&tmp, NULL);
	out->exclusive = exclusive;
	store_where_release(&w);
	return 0;
}

int ruru_stage_publish(struct ruru_staged *s, struct ruru_error *err)
{
	struct where w;
	int rc = -1;
	if (store_open_parent(s->store, s->path, false, NULL, &w, err) < 0)
		return -1;
	if (s->exclusive) {
		if (publish_new(w.dfd, s->tmp, w.name.ptr) < 0) {
			if (errno == EEXIST)
				store_file_error(err, RURU_ECONFLICT, s->path, "already exists");
			else
				store_sys_error(err, s->path, "cannot create");
			goto out;
		}
		store_quiet_unlinkat(w.dfd, s->tmp);
	} else {
		bool swapped;
		/* a plain rename: the log transaction keeps the old bytes */
		if (store_rename_exchange(w.dfd, s->tmp, w.name.ptr, false, &swapped) < 0) {
			store_sys_error(err, s->path, "cannot replace");
			goto out;
		}
	}
	free(s->tmp);
	s->tmp = NULL;
	if (store_sys.dirsync(w.dfd) < 0) {
		store_sys_error(err, s->path, "cannot flush folder");
		goto out;
	}
	rc = 0;
out:
	store_where_release(&w);
	return rc;
}

void ruru_stage_drop(struct ruru_staged *s)
{
	if (s->tmp) {
		struct where w;
		struct ruru_error ignore = { 0 };
		if (store_open_parent(s->store, s->path, false, NULL, &w, &ignore) == 0) {
			store_quiet_unlinkat(w.dfd, s->tmp);
			store_where_release(&w);
		}
	}
	free(s->tmp);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ appends */

/* Open the last name of `w` for writing (`flags` besides O_WRONLY; with
 * O_CREAT it is made when missing, else it must exist): never through a
 * symlink, never blocking on a FIFO; a leaf that is not a file is refused
 * as such (store_check_leaf).  The fd, or -1 with `err`. */
static int open_leaf(const struct where *w, const char *path, int flags,
			 struct ruru_error *err)
{
	int fd = store_sys.open(w->dfd, w->name.ptr, O_WRONLY | flags | O_NOFOLLOW | O_NONBLOCK, 0666);
	if (fd >= 0)
		return fd;
	int e = errno;
	struct stat st;
	if ((e == ELOOP || e == ENXIO || e == EISDIR) && store_check_leaf(w, path, &st, err) < 0)
		return -1;
	errno = e;
	return store_sys_error(err, path, "cannot open");
}

/* Is the file open on `fd` a regular file of its own (one name)?  0 with
 * *st filled; else -1 with err set and fd closed (`st` means nothing when
 * fstat failed: say why, never judge it).  With `w`, a file that is not is
 * looked at again by name first: what changed under us is reported. */
static int own_file(int fd, const char *path, const struct where *w, struct stat *st,
		    struct ruru_error *err)
{
	if (fstat(fd, st) < 0) {
		store_sys_error(err, path, "cannot stat");
	} else if (!S_ISREG(st->st_mode) || st->st_nlink > 1) {
		struct stat now;
		if (!w || store_check_leaf(w, path, &now, err) >= 0)
			store_refuse(err, path, "is not a regular file of its own");
	} else {
		return 0;
	}
	store_quiet_close(fd);
	return -1;
}

int ruru_store_append(struct ruru_store *store, const char *path, const void *data, size_t len,
		      struct ruru_error *err)
{
	return ruru_store_append_stat(store, path, data, len, NULL, err);
}

int ruru_store_append_stat(struct ruru_store *store, const char *path, const void *data,
			   size_t len, struct stat *after, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = open_leaf(&w, path, O_APPEND, err);
	if (fd < 0) {
		store_where_release(&w);
		return -1;
	}
	if (own_file(fd, path, &w, &st, err) < 0) {
		store_where_release(&w);
		return -1;
	}
	store_where_release(&w);
	/* O_NONBLOCK stays: it does nothing to a regular file */
	const char *what = NULL;
	if (store_write_all(fd, data, len, true) < 0)
		what = "cannot append";
	else if (len && store_sys.fsync(fd) < 0)
		what = "cannot flush";
	else if (after && fstat(fd, after) < 0)
		what = "cannot stat";
	if (what) {
		/* Take back whatever part of the record reached the file; the
		 * caller's lock guarantees nobody appended after us. */
		int e = errno, rc;
		do
			rc = ftruncate(fd, st.st_size);
		while (rc < 0 && errno == EINTR);
		if (rc == 0)
			while (fsync(fd) < 0 && errno == EINTR)
				;
		errno = e;
		store_sys_error(err, path, what);
		store_quiet_close(fd);
		return -1;
	}
	/* The data is on disk (fsync succeeded); close cannot lose it. */
	close(fd);
	return 0;
}

/* ------------------------------------------------- writing in place */

int ruru_store_overwrite(struct ruru_store *store, const char *path, const void *data, size_t len,
			 struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = open_leaf(&w, path, O_CREAT, err);
	store_where_release(&w);
	if (fd < 0 || own_file(fd, path, NULL, &st, err) < 0)
		return -1;
	if (store_write_all(fd, data, len, true) < 0) {
		store_sys_error(err, path, "cannot write");
		store_quiet_close(fd);
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------ folders */

/* mkdir -p with folders made `mode` (& ~umask). */
static int mkdirs(struct ruru_store *store, const char *path, mode_t mode, char **made,
		  struct ruru_error *err)
{
	struct ruru_buf m = RURU_BUF_INIT;
	ruru_buf_init(&m);
	if (made)
		*made = NULL;
	int fd = store_open_folder(store, path, path, mode, &m, err);
	if (fd < 0) {
		/* What this call made before failing goes again. */
		if (m.len)
			ruru_store_rmdirs_made(store, path, m.ptr);
		ruru_buf_release(&m);
		return -1;
	}
	close(fd);
	if (made && m.len)
		*made = ruru_buf_detach(&m, NULL);
	ruru_buf_release(&m);
	return 0;
}

int ruru_store_mkdirs_made(struct ruru_store *store, const char *path, char **made,
			   struct ruru_error *err)
{
	return mkdirs(store, path, STORE_DIR_MODE, made, err);
}

int ruru_store_mkdirs(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	return mkdirs(store, path, STORE_DIR_MODE, NULL, err);
}

int ruru_store_mkdirs_mode(struct ruru_store *store, const char *path, mode_t mode,
			   struct ruru_error *err)
{
	if (!(mode & 0700)) { /* a folder ruru could not walk into */
		errno = EINVAL;
		return store_sys_error(err, path, "cannot make folder");
	}
	return mkdirs(store, path, mode, NULL, err);
}

/*
 * Remove the empty folders from `path` up to and including `made`, deepest
 * first.  The chain is walked down once from the parent of `made`,
 * remembering each folder's identity, and climbed back through "..", each
 * step checked against that identity, so no folder but the ones walked is
 * ever removed, however deep (no path is ever longer than one name).
 */
void ruru_store_rmdirs_made(struct ruru_store *store, const char *path, const char *made)
{
	struct ruru_buf abs = RURU_BUF_INIT, top = RURU_BUF_INIT, parent = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	int e = errno;
	store_absolute(store, path, &abs);
	store_absolute(store, made, &top);
	size_t tl = top.len;
	if (strncmp(abs.ptr, top.ptr, tl) || (abs.ptr[tl] && abs.ptr[tl] != '/'))
		goto out;
	const char *slash = strrchr(top.ptr, '/');
	ruru_buf_add(&parent, top.ptr, slash == top.ptr ? 1 : (size_t)(slash - top.ptr));
	/* components: top's name, then the rest of abs */
	/* the chain of names: `made`'s own, then what lies below it in `path` */
	struct ruru_buf names_buf = RURU_BUF_INIT;
	ruru_buf_addstr(&names_buf, slash + 1);
	ruru_buf_addstr(&names_buf, abs.ptr + tl);
	size_t ncomp = 1;
	for (const char *c = abs.ptr + tl; *c; c++)
		ncomp += *c == '/';
	const char **names = ruru_xmalloc(ncomp * sizeof(*names));
	dev_t *dev = ruru_xmalloc((ncomp + 1) * sizeof(*dev));
	ino_t *ino = ruru_xmalloc((ncomp + 1) * sizeof(*ino));
	char *chain = ruru_buf_detach(&names_buf, NULL);
	size_t k = 0;
	for (char *c = chain; c && k < ncomp;) {
		names[k++] = c;
		c = strchr(c, '/');
		if (c)
			*c++ = '\0';
	}
	int fd = store_open_folder(store, parent.ptr, path, 0, NULL, &ignore);
	struct stat st;
	size_t depth = 0;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		dev[0] = st.st_dev;
		ino[0] = st.st_ino;
		while (depth < k) {
			int nfd = openat(fd, names[depth], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0 || fstat(nfd, &st) < 0) {
				store_quiet_close(nfd);
				break;
			}
			close(fd);
			fd = nfd;
			depth++;
			dev[depth] = st.st_dev;
			ino[depth] = st.st_ino;
		}
		/* Climb: at depth d, ".." must be the folder seen at depth d-1. */
		while (depth > 0) {
			int pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (pfd < 0 || fstat(pfd, &st) < 0 || st.st_dev != dev[depth - 1] ||
			    st.st_ino != ino[depth - 1]) {
				store_quiet_close(pfd);
				break;
			}
			close(fd);
			fd = pfd;
			depth--;
			if (unlinkat(fd, names[depth], AT_REMOVEDIR) < 0)
				break;
		}
		if (depth < k) /* something removed: make it durable */
			fsync(fd);
	}
	store_quiet_close(fd);
	free(chain);
	free(names);
	free(dev);
	free(ino);
out:
	ruru_buf_release(&abs);
	ruru_buf_release(&top);
	ruru_buf_release(&parent);
	errno = e;
}

int ruru_store_mkdir_new(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = -1;
	if (store_sys.mkdir(w.dfd, w.name.ptr, 0777) < 0) {
		if (errno == EEXIST)
			store_file_error(err, RURU_ECONFLICT, path, "already exists");
		else
			store_sys_error(err, path, "cannot make folder");
	} else if (store_sys.dirsync(w.dfd) < 0) {
		/* all or nothing: the caller must not find a folder it was
		 * told was not made */
		int e = errno;
		unlinkat(w.dfd, w.name.ptr, AT_REMOVEDIR);
		errno = e;
		store_sys_error(err, path, "cannot flush folder");
	} else {
		rc = 0;
	}
	store_where_release(&w);
	return rc;
}

/* ------------------------------------------------- cutting a torn tail */

int ruru_store_truncate(struct ruru_store *store, const char *path, off_t size, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = open_leaf(&w, path, 0, err);
	if (fd < 0) {
		store_where_release(&w);
		return -1;
	}
	store_where_release(&w);
	if (own_file(fd, path, NULL, &st, err) < 0)
		return -1;
	int rc = 0;
	if (st.st_size > size) {
		rc = store_sys.truncate(fd, size);
		if (rc == 0)
			rc = store_sys.fsync(fd);
	}
	if (rc < 0) {
		store_sys_error(err, path, "cannot truncate");
		store_quiet_close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

