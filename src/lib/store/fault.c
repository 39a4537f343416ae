/*
 * fault.c — the table of the system calls that write, and fault injection.
 *
 * Every system call of the storage layer that writes (open for writing,
 * write, fsync, fchmod, ftruncate, rename, link, mkdir, flock, a folder's
 * fsync) is made through `store_sys`, a table of function pointers, the
 * way SQLite's aSyscall[] works.  Normally its entries are the plain
 * calls (EINTR retried); ruru_store_fault_set("STEP[:N]") swaps the entry
 * of one step for a wrapper that counts its calls and fails the N-th with
 * EIO (a failing write is torn on purpose: half the bytes land first), so
 * that the tests can make any write of a command fail and check that the
 * command changed nothing.  store_write_all and store_rename_exchange are
 * the two composite writes the other files share.
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

/* ------------------------------------------------------ fault injection */

static struct {
	char spec[64]; /* as installed */
	char step[16];
	unsigned long nth, seen;
	bool no_openat2; /* the step "openat2": act as if the kernel lacked it */
} fault;

/* Strict decimal: digits only, no sign, no spaces, within [min, max]. */
int store_parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long d = (unsigned long)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

int ruru_store_fault(const char *step)
{
	if (!fault.step[0] || strcmp(step, fault.step) != 0)
		return 0;
	if (++fault.seen != fault.nth)
		return 0;
	errno = EIO;
	return 1;
}

/* ------------------------------------------- the system calls that write */

/*
 * Every system call that writes is called through `sys`, a table of
 * function pointers (SQLite's aSyscall[] does the same): normally the
 * plain calls below, EINTR retried; ruru_store_fault_set() swaps the entry
 * of the step it names for one that counts occurrences and fails the N-th.
 * Nothing else in the library makes these calls on a workspace.
 */
static int real_open(int dfd, const char *name, int flags, mode_t mode)
{
	int fd;
	do
		fd = openat(dfd, name, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

static ssize_t real_write(int fd, const void *p, size_t n)
{
	return write(fd, p, n);
}

static int real_fsync(int fd)
{
	int rc;
	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int real_chmod(int fd, mode_t mode)
{
	return fchmod(fd, mode);
}

static int real_truncate(int fd, off_t size)
{
	int rc;
	do
		rc = ftruncate(fd, size);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int real_rename(int dfd, const char *from, const char *to, unsigned flags)
{
	return renameat2(dfd, from, dfd, to, flags);
}

static int real_link(int dfd, const char *from, const char *to)
{
	return linkat(dfd, from, dfd, to, 0);
}

static int real_mkdir(int dfd, const char *name, mode_t mode)
{
	return mkdirat(dfd, name, mode);
}

static int real_lock(int fd, int op)
{
	return flock(fd, op);
}

/* fsync of a folder; file systems that cannot sync a folder (EINVAL)
 * count as success: its names are as durable as they get. */
static int real_dirsync(int dfd)
{
	int rc = real_fsync(dfd);
	return rc < 0 && errno == EINVAL ? 0 : rc;
}

static int real_remove(int dfd, const char *name, int flags)
{
	return unlinkat(dfd, name, flags);
}

const struct syscalls store_plain = {
	real_open,   real_write, real_fsync, real_chmod, real_truncate, real_rename,
	real_link,   real_mkdir, real_lock,  real_dirsync, real_remove,
};
struct syscalls store_sys = {
	real_open,   real_write, real_fsync, real_chmod, real_truncate, real_rename,
	real_link,   real_mkdir, real_lock,  real_dirsync, real_remove,
};

/* The replacements: the N-th call of the chosen step fails with EIO.  A
 * failing write is torn on purpose (half the bytes land first), because
 * that is what a full disk does to callers. */
static int fault_open(int dfd, const char *name, int flags, mode_t mode)
{
	return ruru_store_fault("open") ? -1 : real_open(dfd, name, flags, mode);
}
static ssize_t fault_write(int fd, const void *p, size_t n)
{
	if (!ruru_store_fault("write"))
		return real_write(fd, p, n);
	if (n > 1) {
		ssize_t w;
		do
			w = write(fd, p, n / 2);
		while (w < 0 && errno == EINTR);
	}
	errno = EIO;
	return -1;
}
static int fault_fsync(int fd)
{
	return ruru_store_fault("fsync") ? -1 : real_fsync(fd);
}
static int fault_chmod(int fd, mode_t mode)
{
	return ruru_store_fault("chmod") ? -1 : real_chmod(fd, mode);
}
static int fault_truncate(int fd, off_t size)
{
	return ruru_store_fault("truncate") ? -1 : real_truncate(fd, size);
}
static int fault_rename(int dfd, const char *from, const char *to, unsigned flags)
{
	return ruru_store_fault("rename") ? -1 : real_rename(dfd, from, to, flags);
}
static int fault_link(int dfd, const char *from, const char *to)
{
	return ruru_store_fault("link") ? -1 : real_link(dfd, from, to);
}
static int fault_mkdir(int dfd, const char *name, mode_t mode)
{
	return ruru_store_fault("mkdir") ? -1 : real_mkdir(dfd, name, mode);
}
static int fault_lock(int fd, int op)
{
	return ruru_store_fault("lock") ? -1 : real_lock(fd, op);
}
static int fault_dirsync(int dfd)
{
	return ruru_store_fault("dirsync") ? -1 : real_dirsync(dfd);
}
static int fault_remove(int dfd, const char *name, int flags)
{
	return ruru_store_fault("remove") ? -1 : real_remove(dfd, name, flags);
}

void ruru_store_fault_set(const char *spec)
{
	store_sys = store_plain;
	snprintf(fault.spec, sizeof(fault.spec), "%s", spec ? spec : "");
	fault.step[0] = '\0';
	fault.seen = 0;
	fault.nth = 1;
	fault.no_openat2 = false;
	if (!spec || !*spec)
		return;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	if (n == 0 || n >= sizeof(fault.step))
		return;
	if (colon && store_parse_decimal(colon + 1, 1, 1000000000UL, &fault.nth) < 0)
		return;
	memcpy(fault.step, spec, n);
	fault.step[n] = '\0';
	fault.no_openat2 = !strcmp(fault.step, "openat2");
	/* each step is named as its member of the table */
#define INSTALL(m)                         \
	if (!strcmp(fault.step, #m))       \
		store_sys.m = fault_##m;
	RURU_WRITE_SYSCALLS(INSTALL)
#undef INSTALL
}

bool store_fault_no_openat2(void)
{
	return fault.no_openat2;
}

void ruru_store_fault_reset(void)
{
	fault.seen = 0;
}

void ruru_store_fault_use(const char *spec)
{
	if (strcmp(spec ? spec : "", fault.spec) != 0)
		ruru_store_fault_set(spec);
}

/* Write everything, continuing after short writes and EINTR; each write(2)
 * is one occurrence of the "write" step when `inject`. */
int store_write_all(int fd, const void *data, size_t len, bool inject)
{
	ssize_t (*wr)(int, const void *, size_t) = inject ? store_sys.write : store_plain.write;
	const char *p = data;
	while (len > 0) {
		ssize_t n = wr(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) { /* not expected from a regular file; don't spin */
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Make `from` the file `to` (step "rename"): by exchanging the two names
 * when `to` exists and the file system can (*swapped: `from` now names the
 * old file), else by renameat. */
int store_rename_exchange(int dfd, const char *from, const char *to, bool exists, bool *swapped)
{
	*swapped = false;
	if (exists) {
		if (store_sys.rename(dfd, from, to, RENAME_EXCHANGE) == 0) {
			*swapped = true;
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS && errno != ENOENT && errno != EOPNOTSUPP)
			return -1;
		/* counted once: the plain rename below is the same step */
		return store_plain.rename(dfd, from, to, 0);
	}
	return store_sys.rename(dfd, from, to, 0);
}

