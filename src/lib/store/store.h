/*
 * store.h — the only door between ruru and the disk: exclusive locks,
 * atomic rewrites, O_APPEND appends, reads, folders, safe paths inside the
 * workspace root, SHA-256, and the fault injection the tests use to prove
 * atomicity.
 *
 * The store.  A `struct ruru_store` is one workspace root: its path and,
 * from the first call that needs it until ruru_store_close(), a directory
 * fd of the root, opened once.  Every ruru_store_*() call names a path
 * relative to the root (an absolute path is accepted when it lies below
 * the root, and refused otherwise), reached by walking from that fd, never
 * through a symlink and never up through "..", with the last component
 * created, opened, renamed or removed relative to the folder fd that was
 * walked (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel
 * has it).  A symlink on the way, a FIFO, socket or device where a file or
 * folder belongs is RURU_EREFUSED (unsafe path "P": leads through symlink
 * "a/b"), nothing written.  The workspace handle owns its store
 * (ruru_ws_store()).
 *
 * Files outside any workspace (a file the user names for `toml set`, the
 * merge driver's temp files) have their own calls, ruru_file_*() and the
 * public ruru_write_atomic(): opened as named; writes still never go
 * through or replace a symlink, nor touch a file with other hard links.
 *
 * Every system call that writes goes through one table of this module, so
 * fault injection (below) can make any of them fail on purpose, the way
 * SQLite's aSyscall[] and jq's inject_errors.c do.
 *
 * All functions return 0 on success and -1 with `err` filled on failure
 * (the error's file is the path concerned); errno is preserved across
 * cleanup, so after a failed system call it still says why.  Paths are
 * ordinary C strings.  Output buffers are reset before they are filled.
 *
 * Not thread-safe: the fault counters are per process, and a process holds
 * a lock through one descriptor (flock locks are per open file, so taking
 * the same lock twice in one process waits for itself and times out).
 */
#ifndef RURU_STORE_H
#define RURU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "ruru.h"

/*
 * Fault injection.  A spec (the front ends take it from RURU_FAULT, see
 * struct ruru_options) names one step and, optionally, which occurrence of
 * it fails (1-based, default 1):
 *   STEP[:N]
 * Steps: open (creating or opening a file to write, a temp file, a lock
 * file), write, fsync, chmod, truncate, rename, link, mkdir, lock (flock),
 * dirsync (fsync of a folder), remove (a file or folder removed on
 * purpose; the clean-up of a failed step is never injected), and
 * watch (an inotify watch of a long-running front end: as if the kernel's
 * watches had run out).  Caches (ruru_write_cache) are exempt.  The
 * step "openat2" (any N) makes openat2(2) look missing, so that the walk
 * one folder at a time, the fallback for older kernels, is what runs.
 * Only the N-th occurrence of STEP in the
 * process fails, with EIO.  A failing `write` is torn on purpose: half of
 * the bytes reach the file before the error, so callers must clean up.
 * A malformed value disables injection.
 *
 * ruru_store_fault_set() (ruru_fault_set() in ruru.h) installs a spec for
 * the process (NULL or "": none) and restarts the count;
 * ruru_store_fault_reset() restarts the count only.  ruru_store_fault()
 * counts one occurrence of `step` and returns 1 (errno = EIO) when it must
 * fail now (for writers outside this module, such as the index's SQLite
 * file layer).
 */
int ruru_store_fault(const char *step);
void ruru_store_fault_set(const char *spec);
void ruru_store_fault_reset(void);
/* ruru_store_fault_set() unless `spec` is the one installed (the count
 * goes on). */
void ruru_store_fault_use(const char *spec);

/* A store for the workspace root `root` (absolute or relative to the
 * current folder; it need not exist until a call needs it).
 * `lock_timeout_ms` (NULL: the default) as described under Locks. */
struct ruru_store;
struct ruru_store *ruru_store_open(const char *root, const char *lock_timeout_ms,
				   struct ruru_error *err);
void ruru_store_close(struct ruru_store *st);
/* A store of the folder `dir` of `parent` (walked as any path, opened now
 * and kept): its calls name paths as `parent`'s do (relative to the
 * workspace root, so messages stay the same) that lie in the folder, and
 * reach them from the folder's fd without walking `dir` again.  Closed
 * with ruru_store_close(); `parent` may be closed first. */
struct ruru_store *ruru_store_sub(struct ruru_store *parent, const char *dir,
				  struct ruru_error *err);
/* The root's absolute path (borrowed). */
const char *ruru_store_root(const struct ruru_store *st);
/* The root's directory fd (the store's: never close it), -1 with err. */
int ruru_store_fd(struct ruru_store *st, struct ruru_error *err);
/* Does `path` name the root or something below it (a relative path
 * always does)? */
bool ruru_store_owns(const struct ruru_store *st, const char *path);

/*
 * Locks.  A lock is an flock(LOCK_EX) on a dedicated lock file (never the
 * data file, never POSIX fcntl locks), created when missing with mode
 * 0666 & ~umask.  Waiting is bounded by the store's lock timeout (from
 * RURU_LOCK_TIMEOUT_MS: decimal milliseconds, 0 to 86400000, default
 * 10000; anything else makes ruru_store_open() fail with RURU_EUSAGE) with exponential back-off (1 ms doubling to 50 ms) and
 * jitter; a timeout is RURU_ECONFLICT
 *   timed out waiting for lock "FILE" (held by another ruru process)
 * Released by ruru_lock_release() or by the process exiting, so a crashed
 * holder never leaves a stale lock.  Initialise with RURU_LOCK_INIT;
 * releasing an unheld lock does nothing.
 */
struct ruru_lock {
	int fd;
};
#define RURU_LOCK_INIT { -1 }
int ruru_store_lock(struct ruru_store *store, struct ruru_lock *lock, const char *lockfile,
		    struct ruru_error *err);
void ruru_lock_release(struct ruru_lock *lock);

/* Atomic replace, as ruru_write_atomic() (ruru.h) does for a file outside
 * any workspace: only a regular file with one name is replaced (a symlink
 * or a hard-linked file is RURU_EREFUSED, left as it is); temp files are
 * named ".NAME.ruru-XXXXXX". */
int ruru_store_write(struct ruru_store *store, const char *path, const void *data, size_t len,
		     mode_t mode, struct ruru_error *err);

/* A cache file (e.g. a session's .state): written like ruru_write_atomic
 * but neither flushed nor subject to fault injection; losing it costs
 * only time. */
int ruru_store_write_cache(struct ruru_store *store, const char *path, const void *data,
			   size_t len, struct ruru_error *err);

/*
 * Exclusive create: the temp file is written and flushed in full, then
 * link(2)ed to `path`, so the name appears complete or not at all.  Fails
 * with RURU_ECONFLICT ("already exists") when `path` exists, leaving it
 * untouched.  (Where the file system has no hard links, renameat2 with
 * RENAME_NOREPLACE does the same.)
 */
int ruru_store_write_new(struct ruru_store *store, const char *path, const void *data, size_t len,
			 mode_t mode, struct ruru_error *err);

/*
 * Append `len` bytes to an existing file with one write(2) on an O_APPEND
 * descriptor, then fsync.  A short write is continued for the remainder;
 * a failure truncates the file back to its old size, so no partial record
 * survives.  The caller must hold the file's lock (the truncation would
 * otherwise race with other writers).  A missing file is RURU_ENOTFOUND.
 */
int ruru_store_append(struct ruru_store *store, const char *path, const void *data, size_t len,
		      struct ruru_error *err);

/* ruru_store_append(), with the file's stat after the flush in *after
 * (the cache of a log remembers it). */
int ruru_store_append_stat(struct ruru_store *store, const char *path, const void *data,
			   size_t len, struct stat *after, struct ruru_error *err);

/* Write `len` bytes at the start of `path` in place (made when missing,
 * mode 0666 & ~umask; never through a symlink, never a file with other
 * names), through the table of writing calls: for a small record whose
 * every version has the same length (a log's append intent), where a
 * rename would cost more than the record is worth.  Returns the open fd
 * (the caller closes it) or -1.  Not atomic, not flushed. */
int ruru_store_overwrite(struct ruru_store *store, const char *path, const void *data, size_t len,
			 struct ruru_error *err);

/* A file staged beside its target (the log transaction's multi-file
 * changes): ruru_store_stage writes the bytes to a hidden temp file in the
 * target's folder now (mode as for ruru_write_atomic; `exclusive`: the
 * target must not exist, checked again at publish); ruru_stage_publish
 * renames (or, exclusive, links) it into place and flushes the folder;
 * ruru_stage_drop removes what is left and frees. */
struct ruru_staged {
	struct ruru_store *store;
	char *path; /* the target */
	char *tmp;  /* the temp file's name in the target's folder; NULL once published */
	bool exclusive;
};
int ruru_store_stage(struct ruru_store *store, const char *path, const void *data, size_t len,
		     mode_t mode, bool exclusive, struct ruru_staged *out, struct ruru_error *err);
int ruru_stage_publish(struct ruru_staged *s, struct ruru_error *err);
void ruru_stage_drop(struct ruru_staged *s);

/* Read a whole file, appended to `out`.  Below a root only a regular file
 * is read, never through a symlink (RURU_EREFUSED); a missing file is
 * RURU_ENOTFOUND. */
int ruru_store_read(struct ruru_store *store, const char *path, struct ruru_buf *out,
		    struct ruru_error *err);

/* Open a file for reading as ruru_store_read() would: the fd (the caller
 * closes it) or -1. */
int ruru_store_open_read(struct ruru_store *store, const char *path, struct ruru_error *err);
/* The same, with the file's stat in *st. */
int ruru_store_open_read_stat(struct ruru_store *store, const char *path, struct stat *st,
			      struct ruru_error *err);
/* Read the rest of the open regular file `fd` of `size` bytes (its fstat)
 * into `out`: a read that comes back short once `size` bytes are in is
 * the end (no further read just to meet it). */
int ruru_store_read_sized(int fd, off_t size, struct ruru_buf *out, struct ruru_error *err);

/* Open `rel` (relative, several components allowed) below folder `dirfd`
 * for reading, as a walk from a root would: a regular file only, never
 * through a symlink, never out of `dirfd`.  Returns the fd (the caller
 * closes it) or -1. */
int ruru_open_read_at(int dirfd, const char *rel, struct ruru_error *err);
/* Open `rel` below the folder `dirfd` without following any symlink:
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it,
 * else one component at a time with O_NOFOLLOW.  `flags` as for openat
 * (O_DIRECTORY for a folder; O_CLOEXEC is added).  Returns the fd, or -1
 * with errno set and no error record, for callers (the search index's
 * walk) that skip what they cannot open. */
int ruru_openat_beneath(int dirfd, const char *rel, int flags);

/* Open a folder (for reading its names or for *at calls): the fd, which
 * the caller closes, or -1.  ruru_store_opendir() wraps it in a DIR
 * (closedir frees both). */
int ruru_store_open_dir(struct ruru_store *store, const char *dir, struct ruru_error *err);
DIR *ruru_store_opendir(struct ruru_store *store, const char *dir, struct ruru_error *err);

/* What ruru_dir_names() keeps besides the plain names. */
enum {
	RURU_NAMES_DOTS = 1u, /* names that start with a dot (never "." or "..") */
	RURU_NAMES_DIRS = 2u, /* only entries that may be folders (d_type DIR, LNK, UNKNOWN) */
};
/* The names of the open folder `d`, sorted by strcmp, in *names (free with
 * ruru_names_free()): without "." and "..", without the other names that
 * start with a dot unless RURU_NAMES_DOTS, and with `suffix` (non-NULL)
 * only the names longer than it that end in it.  Returns their count. */
size_t ruru_dir_names(DIR *d, const char *suffix, unsigned flags, char ***names);
/* The same for the folder `dir` of the store: the count, or -1 (errno and
 * *err as ruru_store_opendir() leaves them) when it cannot be opened. */
int ruru_store_names(struct ruru_store *store, const char *dir, const char *suffix, unsigned flags,
		     char ***names, size_t *n, struct ruru_error *err);
void ruru_names_free(char **names, size_t n);

/* lstat(2) of `path`, the folders on its way walked as above. */
int ruru_store_lstat(struct ruru_store *store, const char *path, struct stat *st,
		     struct ruru_error *err);

/* 0 when `path` is missing or a regular file of its own, that ruru may
 * replace or extend; otherwise the refusal a write would meet. */
int ruru_store_check_replaceable(struct ruru_store *store, const char *path,
				 struct ruru_error *err);

/* Remove a file (or a symlink itself) / an empty folder. */
int ruru_store_remove(struct ruru_store *store, const char *path, struct ruru_error *err);
int ruru_store_remove_dir(struct ruru_store *store, const char *path, struct ruru_error *err);

/* Read the last `max` bytes of a file (or all of it when smaller) into
 * `out` (reset first); `*size` (may be NULL) gets the file's total size. */
int ruru_store_read_tail(struct ruru_store *store, const char *path, size_t max,
			 struct ruru_buf *out, off_t *size, struct ruru_error *err);

/* mkdir -p of `path` (mode 0777 & ~umask); existing folders are fine.
 * Each folder made is flushed into its parent; on failure the folders
 * made are removed again. */
int ruru_store_mkdirs(struct ruru_store *store, const char *path, struct ruru_error *err);
/* The same, with the folders made `mode` & ~umask (0700: private caches);
 * `mode` must let the owner walk in (0700 bits). */
int ruru_store_mkdirs_mode(struct ruru_store *store, const char *path, mode_t mode,
			   struct ruru_error *err);

/* ruru_store_mkdirs(), telling in `*made` (caller frees; NULL when every
 * folder existed) the topmost folder it made, for ruru_store_rmdirs_made()
 * to undo. */
int ruru_store_mkdirs_made(struct ruru_store *store, const char *path, char **made,
			   struct ruru_error *err);

/* Undo ruru_store_mkdirs_made(): remove the folders from `path` up to and
 * including `made` while they are empty, deepest first (any depth, no
 * path length limit).  Never fails; errno is kept. */
void ruru_store_rmdirs_made(struct ruru_store *store, const char *path, const char *made);

/* fsync a folder, so that names made or removed in it are durable.  File
 * systems that cannot sync folders (EINVAL) count as success. */
int ruru_store_fsync_dir(struct ruru_store *store, const char *dir, struct ruru_error *err);

/* Exclusive mkdir (mode 0777 & ~umask), flushed into its parent:
 * RURU_ECONFLICT ("already exists") when `path` exists.  The parent must
 * exist.  Used to claim names such as session IDs. */
int ruru_store_mkdir_new(struct ruru_store *store, const char *path, struct ruru_error *err);

/*
 * Safe paths.  ruru_store_path_inside() checks a relative path `rel`
 * against a folder `base` of the store (NULL: the root): it must be relative, non-empty, free of control
 * characters (bytes below 0x20 and 0x7f) and of ".." components, and the
 * part of it that exists is walked from `base` without following any
 * symlink: a symlink on the way (wherever it points) or an existing last
 * component that is not a regular file or folder is refused.  On success
 * `out` (reset first) holds the normalised relative path
 * ("a//b/./c/" -> "a/b/c").  Refusals are RURU_EREFUSED with a message
 * saying why (e.g. unsafe path "x": absolute path); a missing `base` is
 * RURU_ENOTFOUND.  It answers for the moment of the call only: the write
 * that follows walks the path again (see "Workspace roots").
 */
int ruru_store_path_inside(struct ruru_store *store, const char *base, const char *rel,
			   struct ruru_buf *out, struct ruru_error *err);

/* Is path component `name` (`n` bytes) the folder `word` (".git",
 * ".ruru") on some file system: in any letter case, with trailing dots
 * or spaces (doc/design.md §1)? */
bool ruru_name_is(const char *name, size_t n, const char *word);

/*
 * Make a user-given path (relative to the current directory, or absolute)
 * relative to the store's root: the longest existing prefix is resolved with
 * realpath(3), the missing remainder is appended lexically, and the result
 * must lie below the real path of `root` ("outside the workspace root"
 * otherwise).  Then the checks of ruru_path_inside() apply.  `out` (reset
 * first) gets the normalised path relative to the root.
 */
int ruru_store_relative(struct ruru_store *store, const char *user_path, struct ruru_buf *out,
			struct ruru_error *err);

/* Cut a regular file (never through a symlink) back to `size` bytes and
 * fsync it; nothing happens when it is not longer.  The caller holds the
 * file's lock.  For the torn tail an interrupted append left (logtx.c). */
int ruru_store_truncate(struct ruru_store *store, const char *path, off_t size,
			struct ruru_error *err);

/* Files outside any workspace, opened as named (see the top of this
 * file): open for reading, read a whole file, mkdir -p, write a new file
 * (as ruru_store_write_new), remove a file or an empty folder.  Replacing
 * one is ruru_write_atomic(). */
int ruru_file_write_new(const char *path, const void *data, size_t len, mode_t mode,
			struct ruru_error *err);
int ruru_file_remove(const char *path, struct ruru_error *err);
int ruru_file_lstat(const char *path, struct stat *st, struct ruru_error *err);
int ruru_file_remove_dir(const char *path, struct ruru_error *err);
int ruru_file_open_read(const char *path, struct ruru_error *err);
int ruru_file_read(const char *path, struct ruru_buf *out, struct ruru_error *err);
int ruru_file_mkdirs(const char *path, struct ruru_error *err);

/* SHA-256 of bytes, as 64 lowercase hex digits + NUL. */
void ruru_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
