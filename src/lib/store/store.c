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
#include <pthread.h>
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

#include <openssl/evp.h>

#include "store.h"
#include "alloc.h"
#include "banned.h"

/* ------------------------------------------------------ fault injection */

static struct {
	bool loaded;
	char step[16];
	unsigned long nth, seen;
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

void ruru_store_fault_reset(void)
{
	const char *v = getenv("RURU_FAULT");
	fault.loaded = true;
	fault.step[0] = '\0';
	fault.seen = 0;
	fault.nth = 1;
	if (!v || !*v)
		return;
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	if (n == 0 || n >= sizeof(fault.step))
		return;
	if (colon && parse_decimal(colon + 1, 1, 1000000000UL, &fault.nth) < 0)
		return;
	memcpy(fault.step, v, n);
	fault.step[n] = '\0';
}

int ruru_store_fault(const char *step)
{
	if (!fault.loaded)
		ruru_store_fault_reset();
	if (!fault.step[0] || strcmp(step, fault.step) != 0)
		return 0;
	if (++fault.seen != fault.nth)
		return 0;
	errno = EIO;
	return 1;
}

/* ------------------------------------------------- system call wrappers */

static int sys_openat(int dfd, const char *name, int flags, mode_t mode)
{
	int fd;
	if (ruru_store_fault("open"))
		return -1;
	do
		fd = openat(dfd, name, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* Write everything, continuing after short writes and EINTR.  Each write(2)
 * is one occurrence of the "write" step; an injected failure is torn (half
 * the bytes land first) because that is what a full disk does to callers. */
static int write_all(int fd, const void *data, size_t len, bool inject)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n;
		if (inject && ruru_store_fault("write")) {
			if (len > 1) {
				do
					n = write(fd, p, len / 2);
				while (n < 0 && errno == EINTR);
			}
			errno = EIO;
			return -1;
		}
		n = write(fd, p, len);
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

static int sys_write_all(int fd, const void *data, size_t len)
{
	return write_all(fd, data, len, true);
}

static int sys_fsync(int fd)
{
	int rc;
	if (ruru_store_fault("fsync"))
		return -1;
	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int sys_fchmod(int fd, mode_t mode)
{
	if (ruru_store_fault("chmod"))
		return -1;
	return fchmod(fd, mode);
}

/* Make `from` the file `to` (step "rename"): by exchanging the two names
 * when `to` exists and the file system can (*swapped: `from` now names the
 * old file), else by renameat. */
static int sys_renameat_exchange(int dfd, const char *from, const char *to, bool exists,
				 bool *swapped)
{
	*swapped = false;
	if (ruru_store_fault("rename"))
		return -1;
	if (exists) {
		if (renameat2(dfd, from, dfd, to, RENAME_EXCHANGE) == 0) {
			*swapped = true;
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS && errno != ENOENT && errno != EOPNOTSUPP)
			return -1;
	}
	return renameat(dfd, from, dfd, to);
}

static int sys_linkat(int dfd, const char *from, const char *to)
{
	if (ruru_store_fault("link"))
		return -1;
	return linkat(dfd, from, dfd, to, 0);
}

static int sys_mkdirat(int dfd, const char *name, mode_t mode)
{
	if (ruru_store_fault("mkdir"))
		return -1;
	return mkdirat(dfd, name, mode);
}

static int sys_flock(int fd, int op)
{
	if (ruru_store_fault("lock"))
		return -1;
	return flock(fd, op);
}

/* fsync of a folder (step "dirsync"); file systems that cannot sync a
 * folder (EINVAL) count as success: its names are as durable as they get. */
static int sys_dirsync(int dfd)
{
	int rc;
	if (ruru_store_fault("dirsync"))
		return -1;
	do
		rc = fsync(dfd);
	while (rc < 0 && errno == EINTR);
	return rc < 0 && errno == EINVAL ? 0 : rc;
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

/* ------------------------------------------------------ workspace roots */

/*
 * The roots of the workspaces this process opened.  A path at or below one
 * of them is walked from it without following symlinks; other paths (the
 * user's own files: `toml set FILE`, the merge driver's temp files) are
 * opened as the user named them, with only their last component checked.
 */
static pthread_mutex_t roots_lock = PTHREAD_MUTEX_INITIALIZER;
static char **roots;
static size_t nroots;

void ruru_store_add_root(const char *root)
{
	struct ruru_buf b = RURU_BUF_INIT;
	absolute_lexical(root, &b);
	pthread_mutex_lock(&roots_lock);
	bool have = false;
	for (size_t i = 0; i < nroots && !have; i++)
		have = !strcmp(roots[i], b.ptr);
	if (!have) {
		roots = ruru_xrealloc(roots, (nroots + 1) * sizeof(*roots));
		roots[nroots++] = ruru_buf_detach(&b, NULL);
	}
	pthread_mutex_unlock(&roots_lock);
	ruru_buf_release(&b);
}

/* The longest registered root that is `abs` or an ancestor of it, copied
 * into `root` (reset first); false when there is none. */
static bool find_root(const char *abs, struct ruru_buf *root)
{
	size_t best = 0;
	bool found = false;
	clear_buf(root);
	pthread_mutex_lock(&roots_lock);
	for (size_t i = 0; i < nroots; i++) {
		size_t n = strlen(roots[i]);
		if (n == 1 && roots[i][0] == '/')
			n = 0;
		if (strncmp(abs, roots[i], n) || (abs[n] && abs[n] != '/'))
			continue;
		if (!found || n > best) {
			best = n;
			found = true;
			ruru_buf_reset(root);
			ruru_buf_add(root, abs, n);
		}
	}
	pthread_mutex_unlock(&roots_lock);
	return found;
}

/* ---------------------------------------------------------------- walks */

/* openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: the whole relative
 * walk in one call where the kernel has it (Linux 5.6+); -1 with errno
 * ENOSYS where it does not (then the component walk does the same). */
static atomic_bool openat2_missing;

static int beneath_open(int dfd, const char *rel, int flags)
{
	if (!fault.loaded)
		ruru_store_fault_reset();
	if (atomic_load(&openat2_missing) || !strcmp(fault.step, "openat2")) {
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
static int walk_down(int fd, const char *rest, const char *shown, bool create, struct ruru_buf *made,
		     const char *abs_of, size_t rest_at, struct ruru_error *err)
{
	if (!*rest)
		return fd;
	if (!create) {
		int nfd = beneath_open(fd, rest, O_RDONLY | O_DIRECTORY);
		if (nfd >= 0) {
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
			if (sys_mkdirat(fd, comp.ptr, 0777) == 0) {
				if (made && !made->len && abs_of)
					ruru_buf_add(made, abs_of, rest_at + upto);
				if (sys_dirsync(fd) < 0) {
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
		close(fd);
		fd = nfd;
	}
	ruru_buf_release(&comp);
	return fd;
fail:
	quiet_close(fd);
	ruru_buf_release(&comp);
	return -1;
}

/*
 * Open folder `dir`.  Below a workspace root it is walked from the root
 * (see walk_down); elsewhere it is opened as named, or, with `create`,
 * made component by component from "/" as mkdir -p would.  `*jailed`
 * (may be NULL) tells which.  Returns the fd.
 */
static int open_folder(const char *dir, const char *shown, bool create, struct ruru_buf *made,
		       bool *jailed, struct ruru_error *err)
{
	struct ruru_buf abs = RURU_BUF_INIT, root = RURU_BUF_INIT;
	int fd = -1;
	absolute_lexical(dir, &abs);
	bool in_root = find_root(abs.ptr, &root);
	if (jailed)
		*jailed = in_root;
	if (in_root) {
		fd = open_plain(root.len ? root.ptr : "/", O_RDONLY | O_DIRECTORY);
		if (fd < 0) {
			sys_error(err, shown, "cannot open the workspace root");
			goto out;
		}
		size_t at = root.len + (abs.ptr[root.len] == '/' ? 1 : 0);
		fd = walk_down(fd, abs.ptr + at, shown, create, made, abs.ptr, at, err);
		goto out;
	}
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
		struct stat st;
		if (stat(abs.ptr, &st) < 0) {
			if (sys_mkdirat(AT_FDCWD, abs.ptr, 0777) == 0) {
				if (made && !made->len)
					ruru_buf_addstr(made, abs.ptr);
				char *slash = strrchr(abs.ptr, '/');
				*slash = '\0';
				int pfd = open_plain(slash == abs.ptr ? "/" : abs.ptr,
						     O_RDONLY | O_DIRECTORY);
				*slash = '/';
				int rc = pfd < 0 ? -1 : sys_dirsync(pfd);
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
		ruru_buf_release(&root);
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
static int open_parent(const char *path, bool create, struct ruru_buf *made, struct where *w,
		       struct ruru_error *err)
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
	w->dfd = open_folder(dir.ptr, path, create, made, &w->jailed, err);
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
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
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

int ruru_open_read(const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(path, false, NULL, &w, err) < 0)
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
			dfd = walk_down(dfd, dir, rel, false, NULL, NULL, 0, err);
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
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
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

int ruru_open_dir(const char *dir, struct ruru_error *err)
{
	return open_folder(dir, dir, false, NULL, NULL, err);
}

DIR *ruru_opendir(const char *dir, struct ruru_error *err)
{
	int fd = open_folder(dir, dir, false, NULL, NULL, err);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		sys_error(err, dir, "cannot read folder");
		quiet_close(fd);
	}
	return d;
}

int ruru_lstat(const char *path, struct stat *st, struct ruru_error *err)
{
	struct where w;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int rc = 0;
	if (fstatat(w.dfd, w.name.ptr, st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = sys_error(err, path, "cannot inspect");
	where_release(&w);
	return rc;
}

int ruru_check_replaceable(const char *path, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int rc = check_leaf(&w, path, &st, err) < 0 ? -1 : 0;
	where_release(&w);
	return rc;
}

int ruru_read_file(const char *path, struct ruru_buf *out, struct ruru_error *err)
{
	if (!out->ptr)
		ruru_buf_init(out);
	int fd = ruru_open_read(path, err);
	if (fd < 0)
		return -1;
	int rc = ruru_buf_read_fd(out, fd, err);
	if (rc < 0)
		ruru_error_set_file(err, path);
	quiet_close(fd);
	return rc;
}

int ruru_remove(const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int rc = unlinkat(w.dfd, w.name.ptr, 0);
	if (rc < 0)
		sys_error(err, path, "cannot remove");
	where_release(&w);
	return rc;
}

int ruru_remove_dir(const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int rc = unlinkat(w.dfd, w.name.ptr, AT_REMOVEDIR);
	if (rc < 0)
		sys_error(err, path, "cannot remove folder");
	where_release(&w);
	return rc;
}

/* ------------------------------------------------------- folder fsync */

int ruru_fsync_dir(const char *dir, struct ruru_error *err)
{
	if (ruru_store_fault("dirsync"))
		return sys_error(err, dir, "cannot flush folder");
	int fd = open_folder(dir, dir, false, NULL, NULL, err);
	if (fd < 0)
		return -1;
	int rc;
	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	if (rc < 0 && errno != EINVAL) {
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
	if (durable && ruru_store_fault("open"))
		return sys_error(err, shown, "cannot create temp file");
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
		do
			fd = openat(dfd, tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				    0600);
		while (fd < 0 && errno == EINTR);
		if (fd < 0 && (errno != EEXIST || tries >= 100))
			return sys_error(err, shown, "cannot create temp file");
	}
	if (write_all(fd, data, len, durable) < 0) {
		what = "cannot write";
		goto fail;
	}
	if ((durable ? sys_fchmod(fd, mode) : fchmod(fd, mode)) < 0) {
		what = "cannot set permissions";
		goto fail;
	}
	if (durable && sys_fsync(fd) < 0) {
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
	if (sys_linkat(dfd, tmp, name) == 0)
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
static int temp_beside(const char *path, const void *data, size_t len, mode_t mode,
		       bool exclusive, bool durable, struct where *w, struct ruru_buf *tmp,
		       struct ruru_error *err)
{
	struct stat st;
	if (open_parent(path, false, NULL, w, err) < 0)
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
static int write_file(const char *path, const void *data, size_t len, mode_t mode, bool exclusive,
		      bool durable, struct ruru_error *err)
{
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct where w;
	bool swapped = false;
	int rc = -1;

	int leaf = temp_beside(path, data, len, mode, exclusive, durable, &w, &tmp, err);
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
		if (sys_renameat_exchange(w.dfd, tmp.ptr, w.name.ptr, leaf == 0, &swapped) < 0) {
			quiet_unlinkat(w.dfd, tmp.ptr);
			sys_error(err, path, "cannot replace");
			goto out;
		}
	} else if (renameat(w.dfd, tmp.ptr, w.dfd, w.name.ptr) < 0) {
		quiet_unlinkat(w.dfd, tmp.ptr);
		sys_error(err, path, "cannot replace");
		goto out;
	}
	if (durable && sys_dirsync(w.dfd) < 0) {
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

int ruru_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct ruru_error *err)
{
	return write_file(path, data, len, mode, false, true, err);
}

int ruru_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   struct ruru_error *err)
{
	return write_file(path, data, len, mode, true, true, err);
}

int ruru_write_cache(const char *path, const void *data, size_t len, struct ruru_error *err)
{
	return write_file(path, data, len, 0666, false, false, err);
}

/* ------------------------------------------------ staged files (logtx) */

/* Stage: the bytes go to a hidden temp file beside `path` now (synced);
 * publishing renames it into place (or links it, for a file that must be
 * new); dropping removes it.  The multi-file change of a log transaction
 * is a set of these, published at commit. */
int ruru_stage_write(const char *path, const void *data, size_t len, mode_t mode, bool exclusive,
		     struct ruru_staged *out, struct ruru_error *err)
{
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct where w;
	memset(out, 0, sizeof(*out));
	if (temp_beside(path, data, len, mode, exclusive, true, &w, &tmp, err) < 0)
		return -1;
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
	if (open_parent(s->path, false, NULL, &w, err) < 0)
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
		if (sys_renameat_exchange(w.dfd, s->tmp, w.name.ptr, false, &swapped) < 0) {
			sys_error(err, s->path, "cannot replace");
			goto out;
		}
	}
	free(s->tmp);
	s->tmp = NULL;
	if (sys_dirsync(w.dfd) < 0) {
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
		if (open_parent(s->path, false, NULL, &w, &ignore) == 0) {
			quiet_unlinkat(w.dfd, s->tmp);
			where_release(&w);
		}
	}
	free(s->tmp);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ appends */

int ruru_append(const char *path, const void *data, size_t len, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int fd = sys_openat(w.dfd, w.name.ptr, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK, 0);
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
	if (sys_write_all(fd, data, len) < 0)
		what = "cannot append";
	else if (len && sys_fsync(fd) < 0)
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

int ruru_read_tail(const char *path, size_t max, struct ruru_buf *out, off_t *size,
		   struct ruru_error *err)
{
	struct stat st;
	size_t got;
	clear_buf(out);
	int fd = ruru_open_read(path, err);
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

int ruru_mkdirs_made(const char *path, char **made, struct ruru_error *err)
{
	struct ruru_buf m = RURU_BUF_INIT;
	ruru_buf_init(&m);
	if (made)
		*made = NULL;
	int fd = open_folder(path, path, true, &m, NULL, err);
	if (fd < 0) {
		/* What this call made before failing goes again. */
		if (m.len)
			ruru_rmdirs_made(path, m.ptr);
		ruru_buf_release(&m);
		return -1;
	}
	close(fd);
	if (made && m.len)
		*made = ruru_buf_detach(&m, NULL);
	ruru_buf_release(&m);
	return 0;
}

int ruru_mkdirs(const char *path, struct ruru_error *err)
{
	return ruru_mkdirs_made(path, NULL, err);
}

/*
 * Remove the empty folders from `path` up to and including `made`, deepest
 * first.  The chain is walked down once from the parent of `made`,
 * remembering each folder's identity, and climbed back through "..", each
 * step checked against that identity, so no folder but the ones walked is
 * ever removed, however deep (no path is ever longer than one name).
 */
void ruru_rmdirs_made(const char *path, const char *made)
{
	struct ruru_buf abs = RURU_BUF_INIT, top = RURU_BUF_INIT, parent = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	int e = errno;
	absolute_lexical(path, &abs);
	absolute_lexical(made, &top);
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
	int fd = open_folder(parent.ptr, path, false, NULL, NULL, &ignore);
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

int ruru_mkdir_new(const char *path, struct ruru_error *err)
{
	struct where w;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int rc = -1;
	if (sys_mkdirat(w.dfd, w.name.ptr, 0777) < 0) {
		if (errno == EEXIST)
			file_error(err, RURU_ECONFLICT, path, "already exists");
		else
			sys_error(err, path, "cannot make folder");
	} else if (sys_dirsync(w.dfd) < 0) {
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

static int lock_timeout_ms(unsigned long *ms, struct ruru_error *err)
{
	const char *v = getenv("RURU_LOCK_TIMEOUT_MS");
	*ms = 10000;
	if (!v || !*v)
		return 0;
	if (parse_decimal(v, 0, 86400000UL, ms) < 0) {
		struct ruru_buf q = RURU_BUF_INIT;
		quote_path(&q, v);
		ruru_error_set(err, RURU_EUSAGE,
			       "invalid RURU_LOCK_TIMEOUT_MS %s (expected milliseconds, 0 to 86400000)",
			       q.ptr);
		ruru_buf_release(&q);
		return -1;
	}
	return 0;
}

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

int ruru_lock_acquire(struct ruru_lock *lock, const char *lockfile, struct ruru_error *err)
{
	unsigned long timeout;
	struct timespec seed;
	struct where w;
	lock->fd = -1;
	if (lock_timeout_ms(&timeout, err) < 0)
		return -1;
	if (open_parent(lockfile, false, NULL, &w, err) < 0)
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
		int fd = sys_openat(w.dfd, w.name.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
				    0666);
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
			if (sys_flock(fd, LOCK_EX | LOCK_NB) == 0)
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
static int walk_existing(const char *base, const char *rel, const char *norm,
			 struct ruru_error *err)
{
	int fd = open_folder(base, base, false, NULL, NULL, err);
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

int ruru_path_inside(const char *base, const char *rel, struct ruru_buf *out,
		     struct ruru_error *err)
{
	if (normalise_relative(rel, out, err) < 0 || walk_existing(base, rel, out->ptr, err) < 0) {
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

int ruru_path_relative_to_root(const char *root, const char *user_path, struct ruru_buf *out,
			       struct ruru_error *err)
{
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
	rc = ruru_path_inside(rroot, abs.ptr + skip, out, err);
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

void ruru_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	/* Fails only without memory, which aborts everywhere in ruru. */
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		abort();
	to_hex(md, hex);
}

/* ------------------------------------------------- cutting a torn tail */

int ruru_truncate(const char *path, off_t size, struct ruru_error *err)
{
	struct where w;
	struct stat st;
	if (open_parent(path, false, NULL, &w, err) < 0)
		return -1;
	int fd = sys_openat(w.dfd, w.name.ptr, O_WRONLY | O_NOFOLLOW | O_NONBLOCK, 0);
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
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1) {
		if (!S_ISREG(st.st_mode) || st.st_nlink > 1)
			refuse(err, path, "is not a regular file of its own");
		else
			sys_error(err, path, "cannot stat");
		quiet_close(fd);
		where_release(&w);
		return -1;
	}
	where_release(&w);
	int rc = 0;
	if (st.st_size > size) {
		if (ruru_store_fault("truncate")) {
			rc = -1;
		} else {
			do
				rc = ftruncate(fd, size);
			while (rc < 0 && errno == EINTR);
		}
		if (rc == 0)
			rc = sys_fsync(fd);
	}
	if (rc < 0) {
		sys_error(err, path, "cannot truncate");
		quiet_close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
