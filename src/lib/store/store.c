/*
 * store.c — the storage layer: the one door between ruru and the disk.
 *
 * Every path inside a workspace is reached by walking from a directory fd
 * of its root, one component at a time, never through a symlink
 * (openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel has
 * it, else openat with O_NOFOLLOW | O_DIRECTORY per component); the last
 * component is then created, opened, renamed or removed relative to the
 * folder fd that was checked, so swapping a folder for a symlink between a
 * check and a write cannot redirect the write (DESIGN §1).
 *
 * Every write-side system call goes through a sys_*() wrapper below that
 * first asks ruru_store_fault() whether to fail, so a test can make the
 * N-th open, write, fsync, rename... of a run fail and check that the
 * product's guarantees (DESIGN §7) still hold: rewrites are temp file +
 * fsync + rename + folder fsync, appends are one O_APPEND write that is
 * truncated away on failure, writers are serialised with flock.  Reading
 * helpers (whole files, tails, folders) and SHA-256 live
 * here too so that the rest of the library never needs raw paths.
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

#include <nettle/sha2.h>

#include "store.h"
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
static int parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out)
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

#define RURU_WRITE_SYSCALLS(X) \
	X(open) X(write) X(fsync) X(chmod) X(truncate) X(rename) X(link) X(mkdir) X(lock) X(dirsync)

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
};

static const struct syscalls plain = {
	real_open,   real_write, real_fsync, real_chmod, real_truncate,
	real_rename, real_link,  real_mkdir, real_lock,  real_dirsync,
};
static struct syscalls sys = {
	real_open,   real_write, real_fsync, real_chmod, real_truncate,
	real_rename, real_link,  real_mkdir, real_lock,  real_dirsync,
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

void ruru_store_fault_set(const char *spec)
{
	sys = plain;
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
	if (colon && parse_decimal(colon + 1, 1, 1000000000UL, &fault.nth) < 0)
		return;
	memcpy(fault.step, spec, n);
	fault.step[n] = '\0';
	fault.no_openat2 = !strcmp(fault.step, "openat2");
	/* each step is named as its member of the table */
#define INSTALL(m)                         \
	if (!strcmp(fault.step, #m))       \
		sys.m = fault_##m;
	RURU_WRITE_SYSCALLS(INSTALL)
#undef INSTALL
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
static int write_all(int fd, const void *data, size_t len, bool inject)
{
	ssize_t (*wr)(int, const void *, size_t) = inject ? sys.write : plain.write;
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
static int rename_exchange(int dfd, const char *from, const char *to, bool exists, bool *swapped)
{
	*swapped = false;
	if (exists) {
		if (sys.rename(dfd, from, to, RENAME_EXCHANGE) == 0) {
			*swapped = true;
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS && errno != ENOENT && errno != EOPNOTSUPP)
			return -1;
		/* counted once: the plain rename below is the same step */
		return plain.rename(dfd, from, to, 0);
	}
	return sys.rename(dfd, from, to, 0);
}

/* Cleanup helpers: never fail the caller, never clobber its errno. */
static void quiet_close(int fd)
{
	int e = errno;
	if (fd >= 0)
		close(fd); /* never retried: the descriptor is gone either way */
	errno = e;
}

static void quiet_unlinkat(int dfd, const char *name)
{
	int e = errno;
	unlinkat(dfd, name, 0);
	errno = e;
}

static int open_plain(const char *path, int flags)
{
	int fd;
	do
		fd = open(path, flags | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* ------------------------------------------------------------- errors */

/* Empty `b` and make sure it is a valid string even when the caller
 * passed a RURU_BUF_INIT buffer (whose ptr is NULL until first use). */
static void clear_buf(struct ruru_buf *b)
{
	if (!b->ptr)
		ruru_buf_init(b);
	else
		ruru_buf_reset(b);
}

/* Fill `err` for a failed system call ("WHAT: strerror"), naming `file`;
 * errno is kept for the caller. */
static int sys_error(struct ruru_error *err, const char *file, const char *what)
{
	int e = errno;
	ruru_error_set(err, (e == ENOENT || e == ENOTDIR) ? RURU_ENOTFOUND : RURU_EFAIL, "%s: %s",
		       what, strerror(e));
	ruru_error_set_file(err, file);
	errno = e;
	return -1;
}

static int file_error(struct ruru_error *err, int code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int file_error(struct ruru_error *err, int code, const char *file, const char *fmt, ...)
{
	int e = errno;
	char msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ruru_error_set(err, code, "%s", msg);
	ruru_error_set_file(err, file);
	errno = e;
	return -1;
}

/* A path for a message: quotes and backslashes escaped, control bytes as
 * \xNN (a path may hold anything and must not drive the terminal), long
 * paths shortened so the reason still fits in the message. */
static void quote_path(struct ruru_buf *out, const char *s)
{
	size_t n = 0;
	clear_buf(out);
	ruru_buf_addch(out, '"');
	for (; *s && n < 300; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			ruru_buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			ruru_buf_addf(out, "\\x%02x", c);
		else
			ruru_buf_addch(out, c);
	}
	if (*s)
		ruru_buf_addstr(out, "...");
	ruru_buf_addch(out, '"');
}

static int refuse(struct ruru_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct ruru_error *err, const char *path, const char *fmt, ...)
{
	int e = errno;
	struct ruru_buf q = RURU_BUF_INIT, why = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&why, fmt, ap);
	va_end(ap);
	quote_path(&q, path);
	ruru_error_set(err, RURU_EREFUSED, "unsafe path %s: %s", q.ptr, why.ptr);
	ruru_buf_release(&q);
	ruru_buf_release(&why);
	errno = e;
	return -1;
}

/* --------------------------------------------------------------- helpers */

/* umask(2) can only be read by setting it, which races with anything else
 * creating files; /proc/self/status shows it without that (Linux 4.7+). */
static mode_t current_umask(void)
{
	int fd = open_plain("/proc/self/status", O_RDONLY);
	if (fd >= 0) {
		struct ruru_buf b = RURU_BUF_INIT;
		int rc = ruru_buf_read_fd(&b, fd, NULL);
		quiet_close(fd);
		const char *p = rc == 0 ? strstr(b.ptr, "\nUmask:") : NULL;
		if (p) {
			mode_t m = (mode_t)strtoul(p + 7, NULL, 8) & 0777;
			ruru_buf_release(&b);
			return m;
		}
		ruru_buf_release(&b);
	}
	mode_t m = umask(022);
	umask(m);
	return m;
}

/* `path` made absolute (against the current folder) with empty and "."
 * components dropped; ".." is kept, for the walk to judge. */
static void absolute_lexical(const char *path, struct ruru_buf *out)
{
	struct ruru_buf raw = RURU_BUF_INIT;
	clear_buf(out);
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (cwd) {
			ruru_buf_addstr(&raw, cwd);
			ruru_buf_addch(&raw, '/');
			free(cwd);
		} else {
			ruru_buf_addstr(&raw, "./"); /* walked from "." below */
		}
	}
	ruru_buf_addstr(&raw, path);
	if (raw.ptr[0] == '.')
		ruru_buf_addch(out, '.');
	for (const char *c = raw.ptr; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n && !(n == 1 && c[0] == '.')) {
			ruru_buf_addch(out, '/');
			ruru_buf_add(out, c, n);
		}
		c += n + (slash ? 1 : 0);
	}
	if (!out->len)
		ruru_buf_addch(out, '/');
	ruru_buf_release(&raw);
}

/* ---------------------------------------------------------- the store */

/*
 * A workspace's store: the root's path and, from the first call that needs
 * it until ruru_store_close(), a directory fd of the root.  Every path a
 * store call names is walked from that fd without following symlinks; the
 * user's own files outside any workspace (`toml set FILE`, the merge
 * driver's temp files) go through the ruru_file_*() calls instead, opened
 * as named.
 */
struct ruru_store {
	char *root;	/* absolute, no trailing slash ("/" for the root folder) */
	size_t rootlen; /* 0 for "/" */
	atomic_int rootfd; /* -1 until first used */
	unsigned long lock_timeout_ms;
};

struct ruru_store *ruru_store_open(const char *root, const char *lock_timeout_ms,
				   struct ruru_error *err)
{
	unsigned long ms = 10000;
	if (lock_timeout_ms && *lock_timeout_ms &&
	    parse_decimal(lock_timeout_ms, 0, 86400000UL, &ms) < 0) {
		struct ruru_buf q = RURU_BUF_INIT;
		quote_path(&q, lock_timeout_ms);
		ruru_error_set(err, RURU_EUSAGE,
			       "invalid RURU_LOCK_TIMEOUT_MS %s (expected milliseconds, 0 to 86400000)",
			       q.ptr);
		ruru_buf_release(&q);
		return NULL;
	}
	struct ruru_store *st = ruru_xmalloc(sizeof(*st));
	struct ruru_buf b = RURU_BUF_INIT;
	absolute_lexical(root, &b);
	st->rootlen = b.len == 1 ? 0 : b.len;
	st->root = ruru_buf_detach(&b, NULL);
	atomic_init(&st->rootfd, -1);
	st->lock_timeout_ms = ms;
	return st;
}

void ruru_store_close(struct ruru_store *st)
{
	if (!st)
		return;
	int fd = atomic_load(&st->rootfd);
	if (fd >= 0)
		close(fd);
	free(st->root);
	free(st);
}

const char *ruru_store_root(const struct ruru_store *st)
{
	return st->root;
}

/* The root's fd, opened on first use and kept (threads of a server may
 * race to open it: one fd wins, the others are closed). */
static int root_fd(struct ruru_store *st, const char *shown, struct ruru_error *err)
{
	int fd = atomic_load(&st->rootfd);
	if (fd >= 0)
		return fd;
	fd = open_plain(st->root, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return sys_error(err, shown, "cannot open the workspace root");
	int none = -1;
	if (!atomic_compare_exchange_strong(&st->rootfd, &none, fd)) {
		close(fd);
		fd = none;
	}
	return fd;
}

int ruru_store_fd(struct ruru_store *st, struct ruru_error *err)
{
	return root_fd(st, st->root, err);
}

/* `path` relative to the root: as given when relative; an absolute path
 * must lie at or below the root (the part below it is returned, "" for
 * the root itself).  NULL when it does not. */
static const char *below_root(const struct ruru_store *st, const char *path)
{
	if (path[0] != '/')
		return path;
	if (strncmp(path, st->root, st->rootlen) || (path[st->rootlen] && path[st->rootlen] != '/'))
		return NULL;
	const char *rel = path + st->rootlen;
	while (*rel == '/')
		rel++;
	return rel;
}

bool ruru_store_owns(const struct ruru_store *st, const char *path)
{
	return below_root(st, path) != NULL;
}

/* `path` as an absolute path: a relative one is taken from the root. */
static void store_absolute(const struct ruru_store *st, const char *path, struct ruru_buf *out)
{
	struct ruru_buf b = RURU_BUF_INIT;
	if (path[0] != '/') {
		ruru_buf_addf(&b, "%s/%s", st->root, path);
		path = b.ptr;
	}
	absolute_lexical(path, out);
	ruru_buf_release(&b);
}

/* ---------------------------------------------------------------- walks */

/* openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: the whole relative
 * walk in one call where the kernel has it (Linux 5.6+); -1 with errno
 * ENOSYS where it does not (then the component walk does the same). */
static atomic_bool openat2_missing;

static int beneath_open(int dfd, const char *rel, int flags)
{
	if (atomic_load(&openat2_missing) || fault.no_openat2) {
		errno = ENOSYS;
		return -1;
	}
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };
	long fd;
	do
		fd = syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EINTR);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG)) {
		/* EPERM: a seccomp filter that does not know the call */
		atomic_store(&openat2_missing, true);
		errno = ENOSYS;
	}
	return (int)fd;
}

/* A descriptor of our own for folder `fd` (the root's stays the store's). */
static int dup_fd(int fd, const char *shown, struct ruru_error *err)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0)
		sys_error(err, shown, "cannot open folder");
	return nfd;
}

/* The first `n` bytes of `s`, quoted for a message. */
static void quote_prefix(struct ruru_buf *out, const char *s, size_t n)
{
	char *copy = ruru_strndup(s, n);
	quote_path(out, copy);
	free(copy);
}

/* Why `name` in `dfd` cannot be walked through or opened: a symlink or
 * something that is neither a regular file nor a folder is refused
 * (naming `what`, the part of the path walked so far); anything else is
 * the system's error `e`. */
static int walk_refusal(int dfd, const char *name, const char *shown, const char *what,
			size_t what_len, int e, const char *doing, struct ruru_error *err)
{
	struct stat st;
	int got = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
	/* ELOOP/ENOTDIR from O_NOFOLLOW yet a folder now: it was swapped
	 * while we walked, which only an attacker does. */
	bool swapped = got == 0 && S_ISDIR(st.st_mode) && (e == ELOOP || e == ENOTDIR);
	if (got == 0 && (swapped || S_ISLNK(st.st_mode) ||
			 (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)))) {
		struct ruru_buf q = RURU_BUF_INIT;
		quote_prefix(&q, what, what_len);
		errno = e;
		if (swapped)
			refuse(err, shown, "%s changed while it was walked", q.ptr);
		else if (S_ISLNK(st.st_mode))
			refuse(err, shown, "leads through symlink %s", q.ptr);
		else
			refuse(err, shown, "%s is not a regular file or folder", q.ptr);
		ruru_buf_release(&q);
		return -1;
	}
	errno = e;
	return sys_error(err, shown, doing);
}

/*
 * Walk the relative folder path `rest` down from folder `fd` (consumed:
 * closed, or returned), never through a symlink, never up through "..".
 * With `create`, missing folders are made (mode 0777 & ~umask) and flushed
 * into their parent; `made` (may be NULL), when still empty, gets `abs_of`
 * up to the first folder made.  Returns the folder's fd.
 */
static int walk_down(int fd, bool own, const char *rest, const char *shown, bool create,
		     struct ruru_buf *made, const char *abs_of, size_t rest_at, struct ruru_error *err)
{
	const int start = fd;
	if (!*rest)
		return own ? fd : dup_fd(fd, shown, err);
	if (!create) {
		int nfd = beneath_open(fd, rest, O_RDONLY | O_DIRECTORY);
		if (nfd >= 0) {
			if (own)
				close(fd);
			return nfd;
		}
		/* ENOSYS, or an error the component walk will explain */
	}
	struct ruru_buf comp = RURU_BUF_INIT;
	for (const char *c = rest; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		size_t upto = (size_t)(c - rest) + n;
		ruru_buf_reset(&comp);
		ruru_buf_add(&comp, c, n);
		c += n + (slash ? 1 : 0);
		if (!n || (n == 1 && comp.ptr[0] == '.'))
			continue;
		if (n == 2 && comp.ptr[0] == '.' && comp.ptr[1] == '.') {
			refuse(err, shown, "'..' in path");
			goto fail;
		}
		int nfd;
		do
			nfd = openat(fd, comp.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (nfd < 0 && errno == EINTR);
		if (nfd < 0 && errno == ENOENT && create) {
			if (sys.mkdir(fd, comp.ptr, 0777) == 0) {
				if (made && !made->len && abs_of)
					ruru_buf_add(made, abs_of, rest_at + upto);
				if (sys.dirsync(fd) < 0) {
					sys_error(err, shown, "cannot flush folder");
					goto fail;
				}
			} else if (errno != EEXIST) { /* EEXIST: a racing mkdir made it */
				sys_error(err, shown, "cannot make folder");
				goto fail;
			}
			do
				nfd = openat(fd, comp.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			while (nfd < 0 && errno == EINTR);
		}
		if (nfd < 0) {
			walk_refusal(fd, comp.ptr, shown, rest, upto, errno,
				     create ? "cannot make folder" : "cannot open folder", err);
			goto fail;
		}
		if (own || fd != start)
			close(fd);
		fd = nfd;
	}
	ruru_buf_release(&comp);
	return fd != start || own ? fd : dup_fd(fd, shown, err);
fail:
	if (own || fd != start)
		quiet_close(fd);
	ruru_buf_release(&comp);
	return -1;
}

/*
 * Open folder `dir`.  With a store, `dir` is walked from its root (see
 * walk_down); without one (the ruru_file_*() calls) it is opened as named,
 * or, with `create`, made component by component from "/" as mkdir -p
 * would.  Returns an fd the caller closes.
 */
static int open_folder(struct ruru_store *st, const char *dir, const char *shown, bool create,
		       struct ruru_buf *made, struct ruru_error *err)
{
	struct ruru_buf abs = RURU_BUF_INIT;
	int fd = -1;
	if (st) {
		const char *rel = below_root(st, dir);
		if (!rel) {
			struct ruru_buf q = RURU_BUF_INIT;
			quote_path(&q, st->root);
			errno = EXDEV;
			refuse(err, shown, "outside the workspace root %s", q.ptr);
			ruru_buf_release(&q);
			return -1;
		}
		int rfd = root_fd(st, shown, err);
		if (rfd < 0)
			return -1;
		return walk_down(rfd, false, rel, shown, create, made, dir, (size_t)(rel - dir),
				 err);
	}
	absolute_lexical(dir, &abs);
	fd = open_plain(abs.ptr, O_RDONLY | O_DIRECTORY);
	if (fd >= 0 || !create || errno != ENOENT) {
		if (fd < 0)
			sys_error(err, shown, "cannot open folder");
		goto out;
	}
	/* mkdir -p outside any workspace: the user's own path, symlinks and
	 * all, so each existing folder is opened as named. */
	for (size_t i = 1; i <= abs.len; i++) {
		if (i < abs.len && abs.ptr[i] != '/')
			continue;
		char saved = abs.ptr[i];
		abs.ptr[i] = '\0';
		struct stat sb;
		if (stat(abs.ptr, &sb) < 0) {
			if (sys.mkdir(AT_FDCWD, abs.ptr, 0777) == 0) {
				if (made && !made->len)
					ruru_buf_addstr(made, abs.ptr);
				char *slash = strrchr(abs.ptr, '/');
				*slash = '\0';
				int pfd = open_plain(slash == abs.ptr ? "/" : abs.ptr,
						     O_RDONLY | O_DIRECTORY);
				*slash = '/';
				int rc = pfd < 0 ? -1 : sys.dirsync(pfd);
				quiet_close(pfd);
				if (rc < 0) {
					sys_error(err, shown, "cannot flush folder");
					goto out;
				}
			} else if (errno != EEXIST) {
				sys_error(err, shown, "cannot make folder");
				goto out;
			}
		}
		abs.ptr[i] = saved;
	}
	fd = open_plain(abs.ptr, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		sys_error(err, shown, "cannot make folder");
out:
	{
		int e = errno;
		ruru_buf_release(&abs);
		errno = e;
	}
	return fd;
}

/* A file's folder, open, and its last name. */
struct where {
	int dfd;
	struct ruru_buf name;
	bool jailed; /* below a workspace root */
};

static void where_release(struct where *w)
{
	quiet_close(w->dfd);
	w->dfd = -1;
	int e = errno;
	ruru_buf_release(&w->name);
	errno = e;
}

/* Open the folder of `path` (see open_folder) and split off its name. */
static int open_parent(struct ruru_store *store, const char *path, bool create,
		       struct ruru_buf *made, struct where *w, struct ruru_error *err)
{
	struct ruru_buf dir = RURU_BUF_INIT;
	w->dfd = -1;
	ruru_buf_init(&w->name);
	w->jailed = false;
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	if (!slash)
		ruru_buf_addch(&dir, '.');
	else
		ruru_buf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
	const char *name = slash ? slash + 1 : path;
	ruru_buf_add(&w->name, name, len - (size_t)(name - path));
	if (!w->name.len || !strcmp(w->name.ptr, ".") || !strcmp(w->name.ptr, "..") ||
	    path[len] == '/') {
		errno = EISDIR;
		sys_error(err, path, "not a file name");
		ruru_buf_release(&dir);
		ruru_buf_release(&w->name);
		return -1;
	}
	w->jailed = store != NULL;
	w->dfd = open_folder(store, dir.ptr, path, create, made, err);
	ruru_buf_release(&dir);
	if (w->dfd < 0) {
		where_release(w);
		return -1;
	}
	return 0;
}

/*
 * What is at the last name of `w`, without following it: 1 when nothing
 * is there, 0 with `st` filled when a file we may replace or extend is
 * there.  Refused (RURU_EREFUSED): a symlink, anything but a regular file
 * or folder, and a file with other hard links (writing it would change
 * the other names too, replacing it would silently split them); a folder
 * is EISDIR.
 */
static int check_leaf(const struct where *w, const char *shown, struct stat *st,
		      struct ruru_error *err)
{
	if (fstatat(w->dfd, w->name.ptr, st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 1;
		return sys_error(err, shown, "cannot inspect");
	}
	if (S_ISLNK(st->st_mode)) {
		struct ruru_buf t = RURU_BUF_INIT, q = RURU_BUF_INIT;
		ruru_buf_grow(&t, PATH_MAX);
		ssize_t n = readlinkat(w->dfd, w->name.ptr, t.ptr, PATH_MAX);
		t.len = n > 0 ? (size_t)n : 0;
		t.ptr[t.len] = '\0';
		quote_path(&q, t.ptr);
		errno = ELOOP;
		refuse(err, shown,
		       "is a symbolic link to %s (ruru never writes through a link nor replaces "
		       "one; name the file it points to instead)",
		       q.ptr);
		ruru_buf_release(&t);
		ruru_buf_release(&q);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		return sys_error(err, shown, "cannot write");
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return refuse(err, shown, "is not a regular file");
	}
	if (st->st_nlink > 1) {
		errno = EMLINK;
		return refuse(err, shown,
			      "has %lu hard links (ruru never writes to a file that has other "
			      "names, nor splits them; copy it to a file of its own first)",
			      (unsigned long)st->st_nlink);
	}
	return 0;
}

/* Open the last name of `w` for reading.  Below a root: never through a
 * symlink, never blocking on a FIFO, and only a regular file. */
static int open_leaf_read(const struct where *w, const char *shown, struct ruru_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | (w->jailed ? O_NOFOLLOW | O_NONBLOCK : 0);
	int fd;
	do
		fd = openat(w->dfd, w->name.ptr, flags);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (w->jailed && (errno == ELOOP || errno == ENXIO))
			return walk_refusal(w->dfd, w->name.ptr, shown, w->name.ptr, w->name.len,
					    errno, "cannot open", err);
		return sys_error(err, shown, "cannot open");
	}
	if (w->jailed) {
		struct stat st;
		if (fstat(fd, &st) < 0) {
			sys_error(err, shown, "cannot stat");
			quiet_close(fd);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			bool dir = S_ISDIR(st.st_mode);
			quiet_close(fd);
			errno = dir ? EISDIR : EINVAL;
			return dir ? sys_error(err, shown, "cannot read")
				   : refuse(err, shown, "is not a regular file");
		}
		/* O_NONBLOCK stays: it does nothing to a regular file. */
	}
	return fd;
}

int ruru_store_open_read(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = open_leaf_read(&w, path, err);
	where_release(&w);
	return fd;
}

int ruru_open_read_at(int dirfd, const char *rel, struct ruru_error *err)
{
	int fd = beneath_open(dirfd, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0 && errno != ENOENT) {
		/* No openat2, or a refusal to explain: walk it by hand. */
		struct where w = { .dfd = -1 };
		const char *slash = strrchr(rel, '/');
		ruru_buf_init(&w.name);
		ruru_buf_addstr(&w.name, slash ? slash + 1 : rel);
		w.jailed = true;
		int dfd = dup(dirfd);
		if (dfd < 0)
			return sys_error(err, rel, "cannot open");
		if (slash) {
			char *dir = ruru_strndup(rel, (size_t)(slash - rel));
			dfd = walk_down(dfd, true, dir, rel, false, NULL, NULL, 0, err);
			free(dir);
		}
		if (dfd < 0) {
			ruru_buf_release(&w.name);
			return -1;
		}
		w.dfd = dfd;
		fd = open_leaf_read(&w, rel, err);
		where_release(&w);
		return fd;
	}
	if (fd < 0)
		return sys_error(err, rel, "cannot open");
	struct stat st;
	if (fstat(fd, &st) < 0) {
		sys_error(err, rel, "cannot stat");
		quiet_close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		bool dir = S_ISDIR(st.st_mode);
		quiet_close(fd);
		errno = dir ? EISDIR : EINVAL;
		return dir ? sys_error(err, rel, "cannot read")
			   : refuse(err, rel, "is not a regular file");
	}
	return fd; /* O_NONBLOCK does nothing to a regular file */
}

int ruru_openat_beneath(int dirfd, const char *rel, int flags)
{
	int fd = beneath_open(dirfd, rel, flags);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	/* No openat2: one component at a time, none of them a symlink. */
	char part[4096];
	int dfd = dirfd;
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n >= sizeof(part)) {
			if (dfd != dirfd)
				close(dfd);
			errno = EINVAL;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		do
			fd = openat(dfd, part,
				    (slash ? O_RDONLY | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		int saved = errno;
		if (dfd != dirfd)
			close(dfd);
		errno = saved;
		if (fd < 0 || !slash)
			return fd;
		dfd = fd;
		p = slash + 1;
	}
}

int ruru_store_open_dir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	return open_folder(store, dir, dir, false, NULL, err);
}

DIR *ruru_store_opendir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	int fd = open_folder(store, dir, dir, false, NULL, err);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		sys_error(err, dir, "cannot read folder");
		quiet_close(fd);
	}
	return d;
}

int ruru_store_lstat(struct ruru_store *store, const char *path, struct stat *st, struct ruru_error *err)
{
	struct where w;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = 0;
	if (fstatat(w.dfd, w.name.ptr, st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = sys_error(err, path, "cannot inspect");
	where_release(&w);
	return rc;
}

int ruru_store_check_replaceable(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = check_leaf(&w, path, &st, err) < 0 ? -1 : 0;
	where_release(&w);
	return rc;
}

int ruru_store_read(struct ruru_store *store, const char *path, struct ruru_buf *out,
		    struct ruru_error *err)
{
	if (!out->ptr)
		ruru_buf_init(out);
	int fd = ruru_store_open_read(store, path, err);
	if (fd < 0)
		return -1;
	int rc = ruru_buf_read_fd(out, fd, err);
	if (rc < 0)
		ruru_error_set_file(err, path);
	quiet_close(fd);
	return rc;
}

int ruru_store_remove(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = unlinkat(w.dfd, w.name.ptr, 0);
	if (rc < 0)
		sys_error(err, path, "cannot remove");
	where_release(&w);
	return rc;
}

int ruru_store_remove_dir(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = unlinkat(w.dfd, w.name.ptr, AT_REMOVEDIR);
	if (rc < 0)
		sys_error(err, path, "cannot remove folder");
	where_release(&w);
	return rc;
}

/* ------------------------------------------------------- folder fsync */

int ruru_store_fsync_dir(struct ruru_store *store, const char *dir, struct ruru_error *err)
{
	int fd = open_folder(store, dir, dir, false, NULL, err);
	if (fd < 0)
		return -1;
	if (sys.dirsync(fd) < 0) {
		sys_error(err, dir, "cannot flush folder");
		quiet_close(fd);
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
	int (*op)(int, const char *, int, mode_t) = durable ? sys.open : plain.open;
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
			return sys_error(err, shown, "cannot create temp file");
	}
	if (write_all(fd, data, len, durable) < 0) {
		what = "cannot write";
		goto fail;
	}
	if ((durable ? sys.chmod : plain.chmod)(fd, mode) < 0) {
		what = "cannot set permissions";
		goto fail;
	}
	if (durable && sys.fsync(fd) < 0) {
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
	quiet_close(fd);
	quiet_unlinkat(dfd, tmp->ptr);
	return sys_error(err, shown, what);
}

/* link(2) of the complete temp file, or renameat2 RENAME_NOREPLACE where the
 * file system has no hard links; both fail with EEXIST on an existing name. */
static int publish_new(int dfd, const char *tmp, const char *name)
{
	if (sys.link(dfd, tmp, name) == 0)
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
	if (open_parent(store, path, false, NULL, w, err) < 0)
		return -1;
	int leaf = check_leaf(w, path, &st, err);
	if (leaf >= 0 && exclusive && leaf == 0) {
		errno = EEXIST;
		file_error(err, RURU_ECONFLICT, path, "already exists");
		leaf = -1;
	}
	if (leaf >= 0) {
		mode = leaf == 0 ? st.st_mode & 07777 : mode & ~current_umask() & 07777;
		if (write_temp(w->dfd, path, w->name.ptr, data, len, mode, durable, tmp, err) < 0)
			leaf = -1;
	}
	if (leaf < 0) {
		int e = errno;
		where_release(w);
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
			quiet_unlinkat(w.dfd, tmp.ptr);
			if (errno == EEXIST)
				file_error(err, RURU_ECONFLICT, path, "already exists");
			else
				sys_error(err, path, "cannot create");
			goto out;
		}
		/* After link() the temp name is a second name of the new file;
		 * after renameat2() it is already gone (ENOENT, harmless). */
		quiet_unlinkat(w.dfd, tmp.ptr);
	} else if (durable) {
		/* Swap the new file in, keeping the old one under the temp name
		 * until the folder is flushed, so that a failed flush can put it
		 * back: all or nothing.  Plain rename where the file system
		 * cannot exchange (or the old file just went). */
		if (rename_exchange(w.dfd, tmp.ptr, w.name.ptr, leaf == 0, &swapped) < 0) {
			quiet_unlinkat(w.dfd, tmp.ptr);
			sys_error(err, path, "cannot replace");
			goto out;
		}
	} else if (renameat(w.dfd, tmp.ptr, w.dfd, w.name.ptr) < 0) {
		quiet_unlinkat(w.dfd, tmp.ptr);
		sys_error(err, path, "cannot replace");
		goto out;
	}
	if (durable && sys.dirsync(w.dfd) < 0) {
		int e = errno;
		if (swapped)
			renameat2(w.dfd, tmp.ptr, w.dfd, w.name.ptr, RENAME_EXCHANGE);
		else
			unlinkat(w.dfd, w.name.ptr, 0); /* we made the name: take it back */
		if (swapped)
			unlinkat(w.dfd, tmp.ptr, 0);
		fsync(w.dfd);
		errno = e;
		sys_error(err, path, "cannot flush folder");
		goto out;
	}
	if (swapped)
		quiet_unlinkat(w.dfd, tmp.ptr); /* the old file */
	rc = 0;
out:
	{
		int e = errno;
		where_release(&w);
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

/* The same calls with no store: the path is opened as named. */
int ruru_file_open_read(const char *path, struct ruru_error *err)
{
	return ruru_store_open_read(NULL, path, err);
}

int ruru_file_read(const char *path, struct ruru_buf *out, struct ruru_error *err)
{
	return ruru_store_read(NULL, path, out, err);
}

int ruru_file_write_new(const char *path, const void *data, size_t len, mode_t mode,
			struct ruru_error *err)
{
	return write_file(NULL, path, data, len, mode, true, true, err);
}

int ruru_file_lstat(const char *path, struct stat *st, struct ruru_error *err)
{
	return ruru_store_lstat(NULL, path, st, err);
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
	int fd = open_folder(NULL, path, path, true, NULL, err);
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
	where_release(&w);
	return 0;
}

int ruru_stage_publish(struct ruru_staged *s, struct ruru_error *err)
{
	struct where w;
	int rc = -1;
	if (open_parent(s->store, s->path, false, NULL, &w, err) < 0)
		return -1;
	if (s->exclusive) {
		if (publish_new(w.dfd, s->tmp, w.name.ptr) < 0) {
			if (errno == EEXIST)
				file_error(err, RURU_ECONFLICT, s->path, "already exists");
			else
				sys_error(err, s->path, "cannot create");
			goto out;
		}
		quiet_unlinkat(w.dfd, s->tmp);
	} else {
		bool swapped;
		/* a plain rename: the log transaction keeps the old bytes */
		if (rename_exchange(w.dfd, s->tmp, w.name.ptr, false, &swapped) < 0) {
			sys_error(err, s->path, "cannot replace");
			goto out;
		}
	}
	free(s->tmp);
	s->tmp = NULL;
	if (sys.dirsync(w.dfd) < 0) {
		sys_error(err, s->path, "cannot flush folder");
		goto out;
	}
	rc = 0;
out:
	where_release(&w);
	return rc;
}

void ruru_stage_drop(struct ruru_staged *s)
{
	if (s->tmp) {
		struct where w;
		struct ruru_error ignore = { 0 };
		if (open_parent(s->store, s->path, false, NULL, &w, &ignore) == 0) {
			quiet_unlinkat(w.dfd, s->tmp);
			where_release(&w);
		}
	}
	free(s->tmp);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ appends */

int ruru_store_append(struct ruru_store *store, const char *path, const void *data, size_t len, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = sys.open(w.dfd, w.name.ptr, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP || e == ENXIO || e == EISDIR) {
			if (check_leaf(&w, path, &st, err) < 0) {
				where_release(&w);
				return -1;
			}
		}
		errno = e;
		sys_error(err, path, "cannot open");
		where_release(&w);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		sys_error(err, path, "cannot stat");
		quiet_close(fd);
		where_release(&w);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		if (check_leaf(&w, path, &st, err) >= 0) /* changed under us */
			refuse(err, path, "is not a regular file of its own");
		quiet_close(fd);
		where_release(&w);
		return -1;
	}
	where_release(&w);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	const char *what = NULL;
	if (write_all(fd, data, len, true) < 0)
		what = "cannot append";
	else if (len && sys.fsync(fd) < 0)
		what = "cannot flush";
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
		sys_error(err, path, what);
		quiet_close(fd);
		return -1;
	}
	/* The data is on disk (fsync succeeded); close cannot lose it. */
	close(fd);
	return 0;
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
	clear_buf(out);
	int fd = ruru_store_open_read(store, path, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		sys_error(err, path, "cannot stat");
		quiet_close(fd);
		return -1;
	}
	size_t total = (size_t)st.st_size;
	size_t want = total < max ? total : max;
	ruru_buf_grow(out, want);
	if (read_fully(fd, out->ptr, want, (off_t)(total - want), true, &got) < 0) {
		sys_error(err, path, "cannot read");
		quiet_close(fd);
		return -1;
	}
	close(fd);
	out->len = got;
	out->ptr[got] = '\0';
	if (size)
		*size = st.st_size;
	return 0;
}

/* ------------------------------------------------------------ folders */

int ruru_store_mkdirs_made(struct ruru_store *store, const char *path, char **made,
			   struct ruru_error *err)
{
	struct ruru_buf m = RURU_BUF_INIT;
	ruru_buf_init(&m);
	if (made)
		*made = NULL;
	int fd = open_folder(store, path, path, true, &m, err);
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

int ruru_store_mkdirs(struct ruru_store *store, const char *path, struct ruru_error *err)
{
	return ruru_store_mkdirs_made(store, path, NULL, err);
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
	int fd = open_folder(store, parent.ptr, path, false, NULL, &ignore);
	struct stat st;
	size_t depth = 0;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		dev[0] = st.st_dev;
		ino[0] = st.st_ino;
		while (depth < k) {
			int nfd = openat(fd, names[depth], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0 || fstat(nfd, &st) < 0) {
				quiet_close(nfd);
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
				quiet_close(pfd);
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
	quiet_close(fd);
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
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int rc = -1;
	if (sys.mkdir(w.dfd, w.name.ptr, 0777) < 0) {
		if (errno == EEXIST)
			file_error(err, RURU_ECONFLICT, path, "already exists");
		else
			sys_error(err, path, "cannot make folder");
	} else if (sys.dirsync(w.dfd) < 0) {
		/* all or nothing: the caller must not find a folder it was
		 * told was not made */
		int e = errno;
		unlinkat(w.dfd, w.name.ptr, AT_REMOVEDIR);
		errno = e;
		sys_error(err, path, "cannot flush folder");
	} else {
		rc = 0;
	}
	where_release(&w);
	return rc;
}

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
	quote_path(&q, lockfile);
	errno = EWOULDBLOCK;
	file_error(err, RURU_ECONFLICT, lockfile,
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
	if (open_parent(store, lockfile, false, NULL, &w, err) < 0)
		return -1;
	uint64_t start = now_ms();
	clock_gettime(CLOCK_MONOTONIC, &seed);
	uint32_t rnd = (uint32_t)getpid() * 2654435761u ^ (uint32_t)seed.tv_nsec;
	if (!rnd)
		rnd = 1;
	uint64_t delay_us = 1000;
	int rc = -1;

	for (;;) {
		/* 0666 & ~umask: every user allowed to write the session may lock it.
		 * Never through a symlink, never blocking on a FIFO. */
		int fd = sys.open(w.dfd, w.name.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0666);
		struct stat held, now;
		if (fd < 0) {
			int e = errno;
			if ((e == ELOOP || e == ENXIO || e == EISDIR) &&
			    check_leaf(&w, lockfile, &now, err) < 0)
				goto out; /* refused, with the reason */
			errno = e;
			sys_error(err, lockfile, "cannot open lock file");
			goto out;
		}
		if (fstat(fd, &held) < 0 || !S_ISREG(held.st_mode) || held.st_nlink > 1) {
			quiet_close(fd);
			errno = EINVAL;
			if (S_ISREG(held.st_mode))
				refuse(err, lockfile, "has %lu hard links (a lock file must be ruru's own)",
				       (unsigned long)held.st_nlink);
			else
				refuse(err, lockfile, "is not a regular file");
			goto out;
		}
		for (;;) {
			if (sys.lock(fd, LOCK_EX | LOCK_NB) == 0)
				break;
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				sys_error(err, lockfile, "cannot lock");
				quiet_close(fd);
				goto out;
			}
			uint64_t waited = now_ms() - start;
			if (waited >= timeout) {
				quiet_close(fd);
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
		quiet_close(fd);
		if (now_ms() - start >= timeout) {
			lock_timed_out(lockfile, err);
			goto out;
		}
	}
out:
	where_release(&w);
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

/* ---------------------------------------------------------- safe paths */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Is absolute, resolved `path` `base` itself or below it? */
static bool is_inside(const char *base, const char *path)
{
	size_t n = strlen(base);
	if (n == 1 && base[0] == '/')
		return path[0] == '/';
	return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Remove the last component of absolute `cur` ("/" stays "/", held as ""). */
static void pop_component(struct ruru_buf *cur)
{
	while (cur->len && cur->ptr[cur->len - 1] != '/')
		cur->len--;
	if (cur->len)
		cur->len--;
	cur->ptr[cur->len] = '\0';
}

/* The lexical checks, and "a//b/./c/" -> "a/b/c" into `out`. */
static int normalise_relative(const char *rel, struct ruru_buf *out, struct ruru_error *err)
{
	clear_buf(out);
	if (!*rel)
		return refuse(err, rel, "empty path");
	if (has_control(rel))
		return refuse(err, rel, "control character in path");
	if (rel[0] == '/')
		return refuse(err, rel, "absolute path");
	for (const char *c = rel; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return refuse(err, rel, "'..' in path");
		if (n && !(n == 1 && c[0] == '.')) {
			if (out->len)
				ruru_buf_addch(out, '/');
			ruru_buf_add(out, c, n);
		}
		c += n + (slash ? 1 : 0);
	}
	if (!out->len)
		return refuse(err, rel, "empty path");
	return 0;
}

/* realpath(3) of a folder the caller names (base, root). */
static char *real_folder(const char *dir, struct ruru_error *err)
{
	char *r = realpath(dir, NULL);
	if (!r)
		sys_error(err, dir, "cannot resolve folder");
	return r;
}

/*
 * Walk `norm` (normalised, relative) down from folder `base` as far as it
 * exists, never through a symlink: a symlink on the way, or an existing
 * last component that is neither a regular file nor a folder, is refused.
 */
static int walk_existing(struct ruru_store *store, const char *base, const char *rel,
			 const char *norm, struct ruru_error *err)
{
	int fd = open_folder(store, base, base, false, NULL, err);
	if (fd < 0)
		return -1;
	struct ruru_buf comp = RURU_BUF_INIT;
	int rc = 0;
	for (const char *c = norm; *c && rc == 0;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		size_t upto = (size_t)(c - norm) + n;
		ruru_buf_reset(&comp);
		ruru_buf_add(&comp, c, n);
		c += n + (slash ? 1 : 0);
		struct stat st;
		if (fstatat(fd, comp.ptr, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				rc = sys_error(err, rel, "cannot inspect");
			break; /* the rest does not exist yet */
		}
		if (S_ISLNK(st.st_mode) || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
			struct ruru_buf q = RURU_BUF_INIT;
			quote_prefix(&q, norm, upto);
			if (S_ISLNK(st.st_mode))
				rc = refuse(err, rel, "leads through symlink %s", q.ptr);
			else
				rc = refuse(err, rel, "%s is not a regular file or folder", q.ptr);
			ruru_buf_release(&q);
			break;
		}
		if (!S_ISDIR(st.st_mode))
			break; /* a file: anything below it is missing */
		int nfd;
		do
			nfd = openat(fd, comp.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (nfd < 0 && errno == EINTR);
		if (nfd < 0) {
			rc = walk_refusal(fd, comp.ptr, rel, norm, upto, errno, "cannot open folder",
					  err);
			break;
		}
		close(fd);
		fd = nfd;
	}
	quiet_close(fd);
	ruru_buf_release(&comp);
	return rc;
}

int ruru_store_path_inside(struct ruru_store *store, const char *base, const char *rel,
			   struct ruru_buf *out, struct ruru_error *err)
{
	if (!base)
		base = "";
	if (normalise_relative(rel, out, err) < 0 ||
	    walk_existing(store, base, rel, out->ptr, err) < 0) {
		clear_buf(out);
		return -1;
	}
	return 0;
}

bool ruru_name_is(const char *name, size_t n, const char *word)
{
	/* Windows drops trailing dots and spaces; case-insensitive file
	 * systems (macOS, Windows) ignore case. */
	while (n > 1 && (name[n - 1] == '.' || name[n - 1] == ' '))
		n--;
	if (n != strlen(word))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)name[i], b = (unsigned char)word[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* Append relative `rest` to absolute `abs` lexically ("." dropped, ".."
 * pops). */
static void append_lexically(struct ruru_buf *abs, const char *rest)
{
	if (abs->len == 1 && abs->ptr[0] == '/')
		ruru_buf_reset(abs);
	for (const char *c = rest; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			pop_component(abs);
		else if (n && !(n == 1 && c[0] == '.')) {
			ruru_buf_addch(abs, '/');
			ruru_buf_add(abs, c, n);
		}
		c += n + (slash ? 1 : 0);
	}
	if (!abs->len)
		ruru_buf_addch(abs, '/');
}

int ruru_store_relative(struct ruru_store *store, const char *user_path, struct ruru_buf *out,
			struct ruru_error *err)
{
	const char *root = store->root;
	struct ruru_buf abs = RURU_BUF_INIT, rest = RURU_BUF_INIT, tmp = RURU_BUF_INIT,
			q = RURU_BUF_INIT;
	char *rroot = NULL, *real = NULL;
	int rc = -1;

	ruru_buf_init(&rest);

	clear_buf(out);
	if (!*user_path)
		return refuse(err, user_path, "empty path");
	if (has_control(user_path))
		return refuse(err, user_path, "control character in path");
	rroot = real_folder(root, err);
	if (!rroot)
		return -1;
	if (user_path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd) {
			sys_error(err, user_path, "cannot get the current folder");
			goto out;
		}
		ruru_buf_addstr(&abs, cwd);
		ruru_buf_addch(&abs, '/');
		free(cwd);
	}
	ruru_buf_addstr(&abs, user_path);

	/* Longest existing prefix through realpath, the rest lexically. */
	for (;;) {
		real = realpath(abs.ptr, NULL);
		if (real)
			break;
		if (errno != ENOENT && errno != ENOTDIR) {
			sys_error(err, user_path, "cannot resolve");
			goto out;
		}
		char *slash = strrchr(abs.ptr, '/');
		if (!slash) { /* cannot happen: abs is absolute and "/" exists */
			errno = ENOENT;
			sys_error(err, user_path, "cannot resolve");
			goto out;
		}
		ruru_buf_reset(&tmp);
		ruru_buf_addstr(&tmp, slash + 1);
		if (rest.len) {
			ruru_buf_addch(&tmp, '/');
			ruru_buf_add(&tmp, rest.ptr, rest.len);
		}
		ruru_buf_reset(&rest);
		ruru_buf_add(&rest, tmp.ptr, tmp.len);
		abs.len = slash == abs.ptr ? 1 : (size_t)(slash - abs.ptr);
		abs.ptr[abs.len] = '\0';
	}
	ruru_buf_reset(&abs);
	ruru_buf_addstr(&abs, real);
	append_lexically(&abs, rest.ptr);

	if (!is_inside(rroot, abs.ptr) || strcmp(abs.ptr, rroot) == 0) {
		quote_path(&q, rroot);
		refuse(err, user_path, "%s the workspace root %s",
		       strcmp(abs.ptr, rroot) == 0 ? "is" : "outside", q.ptr);
		goto out;
	}
	size_t skip = strlen(rroot);
	if (!(skip == 1 && rroot[0] == '/'))
		skip++;
	rc = ruru_store_path_inside(store, NULL, abs.ptr + skip, out, err);
out:
	{
		int e = errno;
		free(rroot);
		free(real);
		ruru_buf_release(&abs);
		ruru_buf_release(&rest);
		ruru_buf_release(&tmp);
		ruru_buf_release(&q);
		errno = e;
	}
	return rc;
}

/* ------------------------------------------------------------- SHA-256 */

static void to_hex(const unsigned char *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

/* nettle's SHA-256: plain functions, no global initialisation (OpenSSL's
 * EVP loads its providers on first use, which costs every command that
 * hashes a few milliseconds of start-up). */
void ruru_sha256_hex(const void *data, size_t len, char hex[65])
{
	struct sha256_ctx ctx;
	unsigned char md[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(md), md);
	to_hex(md, hex);
}

/* ------------------------------------------------- cutting a torn tail */

int ruru_store_truncate(struct ruru_store *store, const char *path, off_t size, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(store, path, false, NULL, &w, err) < 0)
		return -1;
	int fd = sys.open(w.dfd, w.name.ptr, O_WRONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP || e == ENXIO || e == EISDIR) {
			if (check_leaf(&w, path, &st, err) < 0) {
				where_release(&w);
				return -1;
			}
		}
		errno = e;
		sys_error(err, path, "cannot open");
		where_release(&w);
		return -1;
	}
	/* `st` means nothing when fstat failed: say why, never judge it */
	int bad = fstat(fd, &st) < 0 ? -1 : !S_ISREG(st.st_mode) || st.st_nlink > 1;
	if (bad) {
		if (bad < 0)
			sys_error(err, path, "cannot stat");
		else
			refuse(err, path, "is not a regular file of its own");
		quiet_close(fd);
		where_release(&w);
		return -1;
	}
	where_release(&w);
	int rc = 0;
	if (st.st_size > size) {
		rc = sys.truncate(fd, size);
		if (rc == 0)
			rc = sys.fsync(fd);
	}
	if (rc < 0) {
		sys_error(err, path, "cannot truncate");
		quiet_close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
