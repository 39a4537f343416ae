/*
 * store.h — everything that touches the disk for a change: exclusive locks,
 * atomic rewrites, O_APPEND appends, safe paths inside the workspace root,
 * SHA-256, and the fault injection the tests use to prove atomicity.
 *
 * Every system call that writes goes through this module, so one switch
 * (RURU_FAULT, see below) can make any of them fail on purpose, the way
 * SQLite's aSyscall[] and jq's inject_errors.c do.
 *
 * All functions return 0 on success and -1 with `err` filled on failure;
 * errno is preserved across cleanup.  Paths are ordinary C strings.
 */
#ifndef RURU_STORE_H
#define RURU_STORE_H

#include <stddef.h>
#include <sys/types.h>

#include "ruru.h"

/*
 * Fault injection.  The environment variable RURU_FAULT names one step and,
 * optionally, which occurrence fails (1-based, default 1):
 *   RURU_FAULT=write | fsync | rename | open | lock | mkdir   [ :N ]
 * e.g. RURU_FAULT=rename makes the first rename fail with EIO.
 * ruru_store_fault() is what the wrappers call; exposed for tests.
 */
int ruru_store_fault(const char *step);

/*
 * Locks.  A lock is an flock(LOCK_EX) on a dedicated lock file (never the
 * data file, never POSIX fcntl locks).  Waiting is bounded by
 * RURU_LOCK_TIMEOUT_MS (default 10000) with exponential back-off and jitter;
 * a timeout is RURU_ECONFLICT ("timed out waiting for lock FILE").
 * Released by ruru_lock_release() or by the process exiting (so a crashed
 * holder never leaves a stale lock).
 */
struct ruru_lock {
	int fd;
};
int ruru_lock_acquire(struct ruru_lock *lock, const char *lockfile, struct ruru_error *err);
void ruru_lock_release(struct ruru_lock *lock);

/*
 * Atomic replace: write `len` bytes to a temp file in the same folder
 * (mkostemp, O_CLOEXEC), fsync, rename over `path`, fsync the folder.  The
 * new file gets `mode` (or, when `path` exists, its current permissions).
 * On any failure the temp file is removed and `path` is untouched.
 */
int ruru_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct ruru_error *err);

/*
 * Exclusive create: like ruru_write_atomic but fails with RURU_ECONFLICT
 * ("already exists") when `path` exists (link(2) of the temp file, so the
 * name appears complete or not at all).
 */
int ruru_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   struct ruru_error *err);

/*
 * Append `len` bytes with a single write(2) on an O_APPEND descriptor, then
 * fsync.  A short write is retried for the remainder; a failure truncates
 * the file back to its old size, so no partial record survives.
 */
int ruru_append(const char *path, const void *data, size_t len, struct ruru_error *err);

/* Read the last `max` bytes of a file (or all of it when smaller) and its
 * total size. */
int ruru_read_tail(const char *path, size_t max, struct ruru_buf *out, off_t *size,
		   struct ruru_error *err);

/* mkdir -p of `path` (mode 0777 & ~umask); existing folders are fine. */
int ruru_mkdirs(const char *path, struct ruru_error *err);

/*
 * Safe paths.  ruru_path_inside() checks a relative path `rel` against a
 * folder `base`: it must be relative, non-empty, free of NUL and control
 * characters and of ".." components, and no existing component may be a
 * symlink that resolves outside `base`.  On success `out` (reset first)
 * holds the normalised relative path ("a//b/./c" -> "a/b/c").
 * Refusals are RURU_EREFUSED with a message saying why.
 */
int ruru_path_inside(const char *base, const char *rel, struct ruru_buf *out,
		     struct ruru_error *err);

/*
 * Make a user-given path (relative to the current directory, or absolute)
 * relative to `root`, normalised, after the same checks as
 * ruru_path_inside(); RURU_EREFUSED when it lies outside the root.
 */
int ruru_path_relative_to_root(const char *root, const char *user_path, struct ruru_buf *out,
			       struct ruru_error *err);

/* SHA-256 of bytes / of a file, as 64 lowercase hex digits + NUL. */
void ruru_sha256_hex(const void *data, size_t len, char hex[65]);
int ruru_sha256_file(const char *path, char hex[65], struct ruru_error *err);

#endif
