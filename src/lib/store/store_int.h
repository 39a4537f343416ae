/*
 * store_int.h — what the files of the storage layer share among
 * themselves (nothing outside src/lib/store/ includes it): the table of
 * writing system calls (fault.c), the store and the walk (walk.c), and the
 * helpers for messages.  The public side is store.h.
 *
 *   fault.c  the table of writing system calls and the fault injection
 *   walk.c   the store, safe path resolution (every walk from a root fd),
 *            messages
 *   paths.c  the checks of a relative path, a user's path made relative
 *   read.c   opening and reading files and folders
 *   write.c  atomic rewrites, appends, staging, folders, removal, cutting
 *   lock.c   locks
 *   hash.c   SHA-256
 */
#ifndef RURU_STORE_INT_H
#define RURU_STORE_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "store.h"

/* ----------------------------------------------------------- fault.c */

/* Every system call that writes, by the name of its fault step. */
#define RURU_WRITE_SYSCALLS(X) \
	X(open) X(write) X(fsync) X(chmod) X(truncate) X(rename) X(link) X(mkdir) X(lock) X(dirsync) \
	X(remove)

struct syscalls {
	int (*open)(int dfd, const char *name, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *p, size_t n);
	int (*fsync)(int fd);
	int (*chmod)(int fd, mode_t mode);
	int (*truncate)(int fd, off_t size);
	int (*rename)(int dfd, const char *from, const char *to, unsigned flags);
	int (*link)(int dfd, const char *from, const char *to);
	int (*mkdir)(int dfd, const char *name, mode_t mode);
	int (*lock)(int fd, int op);
	int (*dirsync)(int dfd);
	int (*remove)(int dfd, const char *name, int flags); /* unlinkat */
};

/* The mode of the folders the store makes (& ~umask), unless a caller
 * names another (ruru_store_mkdirs_mode). */
#define STORE_DIR_MODE 0777

/* The calls in use (fault injection swaps one entry) and the plain ones
 * (caches, clean-up: never injected). */
extern struct syscalls store_sys;
extern const struct syscalls store_plain;

/* Is openat2(2) to look missing (the fault step "openat2")? */
bool store_fault_no_openat2(void);
int store_parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out);
int store_rename_exchange(int dfd, const char *from, const char *to, bool exists, bool *swapped);
int store_write_all(int fd, const void *data, size_t len, bool inject);

/* ------------------------------------------------------------ walk.c */

struct ruru_store {
	char *root;	/* absolute, no trailing slash ("/" for the root folder) */
	size_t rootlen; /* 0 for "/" */
	char *prefix;	/* a folder's store: the folder, relative to the workspace root */
	size_t prefixlen;
	atomic_int rootfd; /* -1 until first used */
	unsigned long lock_timeout_ms;
};

/* A file's folder, open, and its last name. */
struct where {
	int dfd;
	int keep; /* the store's root fd when dfd is it: not closed */
	struct ruru_buf name;
	bool jailed; /* below a workspace root */
};

const char *store_below_root(const struct ruru_store *st, const char *path);
int store_beneath_open(int dfd, const char *rel, int flags);
int store_check_leaf(const struct where *w, const char *shown, struct stat *st,
		      struct ruru_error *err);
void store_clear_buf(struct ruru_buf *b);
mode_t store_current_umask(void);
int store_file_error(struct ruru_error *err, int code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int store_open_folder(struct ruru_store *st, const char *dir, const char *shown, mode_t create,
		       struct ruru_buf *made, struct ruru_error *err);
int store_open_leaf_read(const struct where *w, const char *shown, struct ruru_error *err);
/* `fd`, opened for reading, must be a regular file: 0 with *st filled, or
 * -1 with `err` (a folder: cannot read; anything else refused) and fd
 * closed. */
int store_regular_for_read(int fd, const char *shown, struct stat *st, struct ruru_error *err);
int store_open_parent(struct ruru_store *store, const char *path, bool create,
		       struct ruru_buf *made, struct where *w, struct ruru_error *err);
void store_quiet_close(int fd);
void store_quiet_unlinkat(int dfd, const char *name);
void store_quote_path(struct ruru_buf *out, const char *s);
int store_refuse(struct ruru_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int store_root_fd(struct ruru_store *st, const char *shown, struct ruru_error *err);
void store_absolute(const struct ruru_store *st, const char *path, struct ruru_buf *out);
int store_sys_error(struct ruru_error *err, const char *file, const char *what);
int store_walk_down(int fd, bool own, const char *rest, const char *shown, mode_t create,
		     struct ruru_buf *made, const char *abs_of, size_t rest_at, struct ruru_error *err);
void store_where_release(struct where *w);

int store_walk_refusal(int dfd, const char *name, const char *shown, const char *what,
			size_t what_len, int e, const char *doing, struct ruru_error *err);
void store_quote_prefix(struct ruru_buf *out, const char *s, size_t n);
/* The '/'-separated component of `path` that starts at *at, copied into
 * comp; *at moves past it and its slash.  Returns the offset in `path`
 * where the component ends (what a message quotes of the path). */
size_t store_next_component(const char *path, size_t *at, struct ruru_buf *comp);
/* openat(2) of the folder `name` below `fd`, never through a symlink,
 * retried on EINTR: the fd or -1 with errno set. */
int store_open_subfolder(int fd, const char *name);

#endif
