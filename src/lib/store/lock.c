/*
 * lock.c — exclusive locks: flock(LOCK_EX) on a dedicated lock file (never
 * the data file), waited for with exponential back-off and jitter up to
 * the store's timeout; a lock on a lock file that was replaced while we
 * waited is dropped and taken again.
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

/* --------------------------------------------------------------- locks */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* xorshift32: jitter only needs to differ between processes. */
static uint32_t next_random(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static int lock_timed_out(const char *lockfile, struct ruru_error *err)
{
	struct ruru_buf q = RURU_BUF_INIT;
	store_quote_path(&q, lockfile);
	errno = EWOULDBLOCK;
	store_file_error(err, RURU_ECONFLICT, lockfile,
		   "timed out waiting for lock %s (held by another ruru process)", q.ptr);
	ruru_buf_release(&q);
	return -1;
}

int ruru_store_lock(struct ruru_store *store, struct ruru_lock *lock, const char *lockfile,
		    struct ruru_error *err)
{
	unsigned long timeout = store->lock_timeout_ms;
	struct timespec seed;
	struct where w;
	lock->fd = -1;
	if (store_open_parent(store, lockfile, false, NULL, &w, err) < 0)
		return -1;
	uint64_t start = now_ms();
	clock_gettime(CLOCK_MONOTONIC, &seed);
	/* the jitter's seed differs between processes: a stack address
	 * (randomised per process) and the clock, no system call */
	uint32_t rnd = (uint32_t)(uintptr_t)&seed * 2654435761u ^ (uint32_t)seed.tv_nsec;
	if (!rnd)
		rnd = 1;
	uint64_t delay_us = 1000;
	int rc = -1;

	for (;;) {
		/* 0666 & ~umask: every user allowed to write the session may lock it.
		 * Never through a symlink, never blocking on a FIFO. */
		int fd = store_sys.open(w.dfd, w.name.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0666);
		struct stat held, now;
		if (fd < 0) {
			int e = errno;
			if ((e == ELOOP || e == ENXIO || e == EISDIR) &&
			    store_check_leaf(&w, lockfile, &now, err) < 0)
				goto out; /* refused, with the reason */
			errno = e;
			store_sys_error(err, lockfile, "cannot open lock file");
			goto out;
		}
		if (fstat(fd, &held) < 0 || !S_ISREG(held.st_mode) || held.st_nlink > 1) {
			store_quiet_close(fd);
			errno = EINVAL;
			if (S_ISREG(held.st_mode))
				store_refuse(err, lockfile, "has %lu hard links (a lock file must be ruru's own)",
				       (unsigned long)held.st_nlink);
			else
				store_refuse(err, lockfile, "is not a regular file");
			goto out;
		}
		for (;;) {
			if (store_sys.lock(fd, LOCK_EX | LOCK_NB) == 0)
				break;
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				store_sys_error(err, lockfile, "cannot lock");
				store_quiet_close(fd);
				goto out;
			}
			uint64_t waited = now_ms() - start;
			if (waited >= timeout) {
				store_quiet_close(fd);
				lock_timed_out(lockfile, err);
				goto out;
			}
			/* Sleep between half and all of the back-off, never past
			 * the deadline; an EINTR just means we look again sooner. */
			uint64_t us = delay_us / 2 + next_random(&rnd) % (delay_us / 2 + 1);
			uint64_t left_us = (timeout - waited) * 1000u;
			if (us > left_us)
				us = left_us;
			struct timespec ts = { (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L };
			nanosleep(&ts, NULL);
			delay_us = delay_us * 2 > 50000 ? 50000 : delay_us * 2;
		}
		/* A lock on a lock file that was removed (or replaced) while we
		 * waited protects nothing: check that we hold the file that is
		 * there now, else start over. */
		if (fstatat(w.dfd, w.name.ptr, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
			lock->fd = fd;
			rc = 0;
			goto out;
		}
		store_quiet_close(fd);
		if (now_ms() - start >= timeout) {
			lock_timed_out(lockfile, err);
			goto out;
		}
	}
out:
	store_where_release(&w);
	return rc;
}

void ruru_lock_release(struct ruru_lock *lock)
{
	if (!lock || lock->fd < 0)
		return;
	/* Unlock explicitly: a forked child may share the open file, and
	 * closing our descriptor alone would leave the lock held by it. */
	int e = errno;
	flock(lock->fd, LOCK_UN);
	close(lock->fd);
	lock->fd = -1;
	errno = e;
}

