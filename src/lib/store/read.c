/*
 * read.c — opening and reading files and folders of a store: one openat2
 * from the root for a whole path where the kernel has it; only a regular
 * file is read (never through a symlink, never blocking on a FIFO); whole
 * files, tails, folders, lstat, and the same for files outside any
 * workspace (ruru_file_*).
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

static int open_read_below(int dirfd, const char *rel, const char *shown, struct stat *st,
			   struct ruru_error *err);

/* The leaf of w opened for reading (shown names it in messages), w
 * released, and with st its stat: the fd, or -1. */
static int leaf_read_stat(struct where *w, const char *shown, struct stat *st,
			  struct ruru_error *err)
{
	int fd = store_open_leaf_read(w, shown, err);
	store_where_release(w);
	if (fd >= 0 && st && fstat(fd, st) < 0) {
		store_sys_error(err, shown, "cannot stat");
		store_quiet_close(fd);
		return -1;
	}
	return fd;
}

int ruru_store_open_read_stat(struct ruru_store *store, const char *path, struct stat *st,
			      struct ruru_error *err)
{
	const char *rel = store ? store_below_root(store, path) : NULL;
	if (rel && *rel) {
		/* one openat2 from the root for the whole path */
		int rfd = store_root_fd(store, path, err);
		return rfd < 0 ? -1 : open_read_below(rfd, rel, path, st, err);
	}
	struct where w;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	return leaf_read_stat(&w, path, st, err);
}

int ruru_store_open_read(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	return ruru_store_open_read_stat(store, path, NULL, err);
}

int ruru_open_read_at(int dirfd, const char *rel, struct ruru_error *err)
{
	return open_read_below(dirfd, rel, rel, NULL, err);
}

/* Open `rel` below `dirfd` for reading (see ruru_open_read_at); `shown`
 * names it in messages; `st` (may be NULL) gets its stat. */
static int open_read_below(int dirfd, const char *rel, const char *shown, struct stat *st_out,
			   struct ruru_error *err)
{
	int fd = store_beneath_open(dirfd, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0 && errno != ENOENT) {
		/* No openat2, or a refusal to explain: walk it by hand. */
		struct where w = { .dfd = -1, .keep = -1 };
		const char *slash = strrchr(rel, '/');
		ruru_buf_init(&w.name);
		ruru_buf_addstr(&w.name, slash ? slash + 1 : rel);
		w.jailed = true;
		int dfd = dup(dirfd);
		if (dfd < 0)
			return store_sys_error(err, shown, "cannot open");
		if (slash) {
			char *dir = ruru_strndup(rel, (size_t)(slash - rel));
			dfd = store_walk_down(dfd, true, dir, shown, 0, NULL, NULL, 0, err);
			free(dir);
		}
		if (dfd < 0) {
			ruru_buf_release(&w.name);
			return -1;
		}
		w.dfd = dfd;
		return leaf_read_stat(&w, shown, st_out, err);
	}
	if (fd < 0)
		return store_sys_error(err, shown, "cannot open");
	struct stat st;
	if (store_regular_for_read(fd, shown, &st, err) < 0)
		return -1;
	if (st_out)
		*st_out = st;
	return fd; /* O_NONBLOCK does nothing to a regular file */
}

int ruru_store_open_dir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	return store_open_folder(store, dir, dir, 0, NULL, err);
}

DIR *ruru_store_opendir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	int fd = store_open_folder(store, dir, dir, 0, NULL, err);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		store_sys_error(err, dir, "cannot read folder");
		store_quiet_close(fd);
	}
	return d;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ruru_dir_names(DIR *d, const char *suffix, unsigned flags, char ***names)
{
	size_t count = 0, cap = 0, slen = suffix ? strlen(suffix) : 0;
	char **out = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		if (name[0] == '.' && (!(flags & RURU_NAMES_DOTS) || len == 1 || !strcmp(name, "..")))
			continue;
		if ((flags & RURU_NAMES_DIRS) && de->d_type != DT_DIR && de->d_type != DT_UNKNOWN &&
		    de->d_type != DT_LNK)
			continue;
		if (suffix && (len <= slen || strcmp(name + len - slen, suffix)))
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			out = ruru_xrealloc(out, cap * sizeof(*out));
		}
		out[count++] = ruru_strdup(name);
	}
	if (count > 1)
		qsort(out, count, sizeof(*out), cmp_name);
	*names = out;
	return count;
}

int ruru_store_names(struct ruru_store *store, const char *dir, const char *suffix, unsigned flags,
		     char ***names, size_t *n, struct ruru_error *err)
{
	*names = NULL;
	*n = 0;
	DIR *d = ruru_store_opendir(store, dir, err);
	if (!d)
		return -1;
	*n = ruru_dir_names(d, suffix, flags, names);
	closedir(d);
	return (int)(*n > INT_MAX ? INT_MAX : *n);
}

void ruru_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int ruru_store_lstat(struct ruru_store *store, const char *path, struct stat *st, struct ruru_error *err)
{
	struct where w;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = 0;
	if (fstatat(w.dfd, w.name.ptr, st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = store_sys_error(err, path, "cannot inspect");
	store_where_release(&w);
	return rc;
}

int ruru_store_check_replaceable(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (store_open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = store_check_leaf(&w, path, &st, err) < 0 ? -1 : 0;
	store_where_release(&w);
	return rc;
}

int ruru_store_read(struct ruru_store *store, const char *path, struct ruru_buf *out,
		    struct ruru_error *err)
{
	if (!out->ptr)
		ruru_buf_init(out);
	struct stat st;
	int fd = ruru_store_open_read_stat(store, path, &st, err);
	if (fd < 0)
		return -1;
	int rc = ruru_store_read_sized(fd, st.st_size, out, err);
	if (rc < 0)
		ruru_error_set_file(err, path);
	store_quiet_close(fd);
	return rc;
}

int ruru_store_read_sized(int fd, off_t size, struct ruru_buf *out, struct ruru_error *err)
{
	if (size < 0 || size > (off_t)(1 << 30))
		return ruru_buf_read_fd(out, fd, err); /* no size to trust */
	size_t end = out->len + (size_t)size;
	for (;;) {
		/* room for the whole file and one byte more: a file that grew
		 * since its fstat fills it, and is read on */
		ruru_buf_grow(out, end - out->len + 1 > 4096 ? end - out->len + 1 : 4096);
		size_t want = out->cap - out->len - 1;
		ssize_t n = read(fd, out->ptr + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ruru_error_set(err, RURU_EFAIL, "read failed: %s", strerror(errno));
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (n == 0 || ((size_t)n < want && out->len >= end))
			return 0;
		if (out->len >= end)
			end = out->len; /* it grew: on to its new end */
	}
}

/* -------------------------------------------------------------- reads */

/* pread/read until `want` bytes or end of file; -1 on error. */
static int read_fully(int fd, char *p, size_t want, off_t off, bool positional, size_t *got)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = positional ? pread(fd, p + *got, want - *got, off + (off_t)*got)
				       : read(fd, p + *got, want - *got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

int ruru_store_read_tail(struct ruru_store *store, const char *path, size_t max,
			 struct ruru_buf *out, off_t *size, struct ruru_error *err)
{
	struct stat st;
	size_t got;
	store_clear_buf(out);
	int fd = ruru_store_open_read(store, path, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		store_sys_error(err, path, "cannot stat");
		store_quiet_close(fd);
		return -1;
	}
	size_t total = (size_t)st.st_size;
	size_t want = total < max ? total : max;
	ruru_buf_grow(out, want);
	if (read_fully(fd, out->ptr, want, (off_t)(total - want), true, &got) < 0) {
		store_sys_error(err, path, "cannot read");
		store_quiet_close(fd);
		return -1;
	}
	close(fd);
	out->len = got;
	out->ptr[got] = '\0';
	if (size)
		*size = st.st_size;
	return 0;
}

/* The same calls with no store: the path is opened as named. */
int ruru_file_open_read(const char *path, struct ruru_error *err)
{
	return ruru_store_open_read(NULL, path, err);
}

int ruru_file_read(const char *path, struct ruru_buf *out, struct ruru_error *err)
{
	return ruru_store_read(NULL, path, out, err);
}

int ruru_file_lstat(const char *path, struct stat *st, struct ruru_error *err)
{
	return ruru_store_lstat(NULL, path, st, err);
}

