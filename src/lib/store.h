/*
 * store.h — everything that touches the disk for a change: exclusive locks,
 * atomic rewrites, O_APPEND appends, safe paths inside the workspace root,
 * SHA-256, and the fault injection the tests use to prove atomicity.
 *
 * Every system call that writes goes through this module, so one switch
 * (RURU_FAULT, see below) can make any of them fail on purpose, the way
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
#include <sys/types.h>

#include "ruru.h"

/*
 * Fault injection.  The environment variable RURU_FAULT names one step and,
 * optionally, which occurrence of it fails (1-based, default 1):
 *   RURU_FAULT=STEP[:N]
 * Steps: open (creating or opening a file to write, a temp file, a lock
 * file), write, fsync, chmod, truncate, rename, link, mkdir, lock (flock),
 * dirsync (fsync of a folder).  Only the N-th occurrence of STEP in the
 * process fails, with EIO.  A failing `write` is torn on purpose: half of
 * the bytes reach the file before the error, so callers must clean up.
 * A malformed value disables injection.
 *
 * The variable is read once per process; ruru_store_fault_reset() (for
 * tests) reads it again and restarts the count.  ruru_store_fault()
 * returns 1 (errno = EIO) when the wrapper for `step` must fail now.
 */
int ruru_store_fault(const char *step);
void ruru_store_fault_reset(void);

/*
 * Locks.  A lock is an flock(LOCK_EX) on a dedicated lock file (never the
 * data file, never POSIX fcntl locks), created when missing with mode
 * 0666 & ~umask.  Waiting is bounded by RURU_LOCK_TIMEOUT_MS (decimal
 * milliseconds, 0 to 86400000, default 10000; anything else is
 * RURU_EUSAGE) with exponential back-off (1 ms doubling to 50 ms) and
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
int ruru_lock_acquire(struct ruru_lock *lock, const char *lockfile, struct ruru_error *err);
void ruru_lock_release(struct ruru_lock *lock);

/* ruru_write_atomic() is public: see ruru.h. */

/*
 * Exclusive create: the temp file is written and flushed in full, then
 * link(2)ed to `path`, so the name appears complete or not at all.  Fails
 * with RURU_ECONFLICT ("already exists") when `path` exists, leaving it
 * untouched.  (Where the file system has no hard links, renameat2 with
 * RENAME_NOREPLACE does the same.)
 */
int ruru_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   struct ruru_error *err);

/*
 * Append `len` bytes to an existing file with one write(2) on an O_APPEND
 * descriptor, then fsync.  A short write is continued for the remainder;
 * a failure truncates the file back to its old size, so no partial record
 * survives.  The caller must hold the file's lock (the truncation would
 * otherwise race with other writers).  A missing file is RURU_ENOTFOUND.
 */
int ruru_append(const char *path, const void *data, size_t len, struct ruru_error *err);

/* Read the last `max` bytes of a file (or all of it when smaller) into
 * `out` (reset first); `*size` (may be NULL) gets the file's total size. */
int ruru_read_tail(const char *path, size_t max, struct ruru_buf *out, off_t *size,
		   struct ruru_error *err);

/* Read the first `max` bytes of a file (or all of it when smaller) into
 * `out` (reset first). */
int ruru_read_head(const char *path, size_t max, struct ruru_buf *out, struct ruru_error *err);

/*
 * Read the front of a TOML+Markdown file just far enough to hold its whole
 * front matter: reading (in 4 KiB steps) stops as soon as `out` holds the
 * closing "+++" line with its newline, once the first line shows there is
 * no front matter, at the end of the file, or after `limit` bytes.  The
 * caller runs ruru_frontmatter_split() on `out` (reset first) to learn
 * which; `*whole` (may be NULL) is set when `out` holds the entire file.
 */
int ruru_read_until_fence(const char *path, size_t limit, struct ruru_buf *out, bool *whole,
			  struct ruru_error *err);

/* mkdir -p of `path` (mode 0777 & ~umask); existing folders are fine.
 * Each folder made is flushed into its parent. */
int ruru_mkdirs(const char *path, struct ruru_error *err);

/* Exclusive mkdir (mode 0777 & ~umask), flushed into its parent:
 * RURU_ECONFLICT ("already exists") when `path` exists.  The parent must
 * exist.  Used to claim names such as session IDs. */
int ruru_mkdir_new(const char *path, struct ruru_error *err);

/* fsync a folder, so that names made or removed in it are durable.  File
 * systems that cannot sync folders (EINVAL) count as success. */
int ruru_fsync_dir(const char *dir, struct ruru_error *err);

/*
 * Safe paths.  ruru_path_inside() checks a relative path `rel` against a
 * folder `base`: it must be relative, non-empty, free of control
 * characters (bytes below 0x20 and 0x7f) and of ".." components, and no
 * existing component may be a symlink that resolves (through chains and
 * relative targets) outside the real path of `base`; a dangling symlink
 * counts by where it points.  On success `out` (reset first) holds the
 * normalised relative path ("a//b/./c/" -> "a/b/c").  Refusals are
 * RURU_EREFUSED with a message saying why (e.g. unsafe path "x": absolute
 * path); a missing `base` is RURU_ENOTFOUND.
 */
int ruru_path_inside(const char *base, const char *rel, struct ruru_buf *out,
		     struct ruru_error *err);

/*
 * Make a user-given path (relative to the current directory, or absolute)
 * relative to `root`: the longest existing prefix is resolved with
 * realpath(3), the missing remainder is appended lexically, and the result
 * must lie below the real path of `root` ("outside the workspace root"
 * otherwise).  Then the checks of ruru_path_inside() apply.  `out` (reset
 * first) gets the normalised path relative to the root.
 */
int ruru_path_relative_to_root(const char *root, const char *user_path, struct ruru_buf *out,
			       struct ruru_error *err);

/* Cut a regular file (never through a symlink) back to `size` bytes and
 * fsync it; nothing happens when it is not longer.  The caller holds the
 * file's lock.  For the torn tail an interrupted append left (logtx.c). */
int ruru_truncate(const char *path, off_t size, struct ruru_error *err);

/* SHA-256 of bytes / of a file (streamed), as 64 lowercase hex digits + NUL. */
void ruru_sha256_hex(const void *data, size_t len, char hex[65]);
int ruru_sha256_file(const char *path, char hex[65], struct ruru_error *err);

#endif
