/*
 * store.c — the storage layer: the one place where ruru changes files.
 *
 * Every write-side system call goes through a sys_*() wrapper below that
 * first asks ruru_store_fault() whether to fail, so a test can make the
 * N-th open, write, fsync, rename... of a run fail and check that the
 * product's guarantees (DESIGN §7) still hold: rewrites are temp file +
 * fsync + rename + folder fsync, appends are one O_APPEND write that is
 * truncated away on failure, writers are serialised with flock, and paths
 * never lead out of the workspace through "..", absolute names or
 * symlinks.  Reading helpers (head, tail, front matter) and SHA-256 live
 * here too so that the session layer never needs raw file descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store.h"
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

static int sys_open(const char *path, int flags, mode_t mode)
{
	int fd;
	if (ruru_store_fault("open"))
		return -1;
	do
		fd = open(path, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* `tmpl` ends in "XXXXXX"; mkostemp may have filled it in before an
 * EINTR, so put the Xs back before trying again. */
static int sys_mkostemp(char *tmpl)
{
	size_t len = strlen(tmpl);
	int fd;
	if (ruru_store_fault("open"))
		return -1;
	for (;;) {
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0 || errno != EINTR)
			return fd;
		memcpy(tmpl + len - 6, "XXXXXX", 6);
	}
}

/* Write everything, continuing after short writes and EINTR.  Each write(2)
 * is one occurrence of the "write" step; an injected failure is torn (half
 * the bytes land first) because that is what a full disk does to callers. */
static int sys_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n;
		if (ruru_store_fault("write")) {
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

static int sys_rename(const char *from, const char *to)
{
	if (ruru_store_fault("rename"))
		return -1;
	return rename(from, to);
}

static int sys_link(const char *from, const char *to)
{
	if (ruru_store_fault("link"))
		return -1;
	return link(from, to);
}

static int sys_mkdir(const char *path, mode_t mode)
{
	if (ruru_store_fault("mkdir"))
		return -1;
	return mkdir(path, mode);
}

static int sys_flock(int fd, int op)
{
	if (ruru_store_fault("lock"))
		return -1;
	return flock(fd, op);
}

/* Cleanup helpers: never fail the caller, never clobber its errno. */
static void quiet_close(int fd)
{
	int e = errno;
	if (fd >= 0)
		close(fd); /* never retried: the descriptor is gone either way */
	errno = e;
}

static void quiet_unlink(const char *path)
{
	int e = errno;
	unlink(path);
	errno = e;
}

static int open_read(const char *path)
{
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
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
	struct ruru_buf q = RURU_BUF_INIT;
	char why[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	quote_path(&q, path);
	ruru_error_set(err, RURU_EREFUSED, "unsafe path %s: %s", q.ptr, why);
	ruru_buf_release(&q);
	errno = e;
	return -1;
}

/* --------------------------------------------------------------- helpers */


/* Split "a/b/c" into folder "a/b" and name "c" ("c" -> ".", "/c" -> "/"). */
static void split_path(const char *path, struct ruru_buf *dir, struct ruru_buf *name)
{
	const char *slash = strrchr(path, '/');
	ruru_buf_reset(dir);
	ruru_buf_reset(name);
	if (!slash) {
		ruru_buf_addch(dir, '.');
		ruru_buf_addstr(name, path);
	} else {
		ruru_buf_add(dir, path, slash == path ? 1 : (size_t)(slash - path));
		ruru_buf_addstr(name, slash + 1);
	}
}

/* umask(2) can only be read by setting it, which races with anything else
 * creating files; /proc/self/status shows it without that (Linux 4.7+). */
static mode_t current_umask(void)
{
	int fd = open_read("/proc/self/status");
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

/*
 * Write `data` to a fresh temp file ".NAME.XXXXXX" beside `path` with
 * permissions `mode`, flushed and closed.  On success `tmp` holds its
 * name; on failure it is gone and `err` is filled.
 */
static int write_temp(const char *path, const char *dir, const char *name, const void *data,
		      size_t len, mode_t mode, struct ruru_buf *tmp, struct ruru_error *err)
{
	const char *what;
	ruru_buf_reset(tmp);
	/* A long NAME is cut so the temp name stays within NAME_MAX. */
	ruru_buf_addf(tmp, "%s/.%.200s.XXXXXX", dir, name);
	int fd = sys_mkostemp(tmp->ptr);
	if (fd < 0)
		return sys_error(err, path, "cannot create temp file");
	if (sys_write_all(fd, data, len) < 0) {
		what = "cannot write";
		goto fail;
	}
	if (sys_fchmod(fd, mode) < 0) {
		what = "cannot set permissions";
		goto fail;
	}
	if (sys_fsync(fd) < 0) {
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
	quiet_unlink(tmp->ptr);
	return sys_error(err, path, what);
}

/* ------------------------------------------------------- folder fsync */

int ruru_fsync_dir(const char *dir, struct ruru_error *err)
{
	if (ruru_store_fault("dirsync"))
		return sys_error(err, dir, "cannot flush folder");
	int fd;
	do
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return sys_error(err, dir, "cannot open folder");
	int rc;
	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	/* Some file systems cannot sync a folder; their names are as durable
	 * as they will ever be. */
	if (rc < 0 && errno != EINVAL) {
		sys_error(err, dir, "cannot flush folder");
		quiet_close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* fsync the folder that holds `path`. */
static int fsync_parent(const char *path, struct ruru_error *err)
{
	struct ruru_buf dir = RURU_BUF_INIT, name = RURU_BUF_INIT;
	split_path(path, &dir, &name);
	int rc = ruru_fsync_dir(dir.ptr, err);
	ruru_buf_release(&dir);
	ruru_buf_release(&name);
	return rc;
}

/* ------------------------------------------------------ atomic writes */

/* link(2) of the complete temp file, or renameat2 RENAME_NOREPLACE where the
 * file system has no hard links; both fail with EEXIST on an existing name. */
static int publish_new(const char *tmp, const char *path)
{
	if (sys_link(tmp, path) == 0)
		return 0;
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
		return -1;
	return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
}

/* Write `data` to a temp file beside `path`, then make it `path`: by
 * rename(2) over whatever is there (keeping its permissions), or, when
 * `exclusive`, only if nothing is there yet.  Either way a reader sees
 * the old state or the complete new file. */
static int write_file(const char *path, const void *data, size_t len, mode_t mode,
		      bool exclusive, struct ruru_error *err)
{
	struct ruru_buf dir = RURU_BUF_INIT, name = RURU_BUF_INIT, tmp = RURU_BUF_INIT;
	struct stat st;
	int rc = -1;

	split_path(path, &dir, &name);
	if (!name.len) {
		errno = EISDIR;
		sys_error(err, path, "cannot write");
		goto out;
	}
	if (exclusive) {
		/* Cheap early answer; publish_new() is what makes it race-free. */
		if (lstat(path, &st) == 0) {
			errno = EEXIST;
			file_error(err, RURU_ECONFLICT, path, "already exists");
			goto out;
		}
		mode = mode & ~current_umask() & 07777;
	} else if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777; /* keep the permissions of the file replaced */
	} else if (errno == ENOENT) {
		mode = mode & ~current_umask() & 07777;
	} else {
		sys_error(err, path, "cannot stat");
		goto out;
	}
	if (write_temp(path, dir.ptr, name.ptr, data, len, mode, &tmp, err) < 0)
		goto out;
	if (exclusive) {
		if (publish_new(tmp.ptr, path) < 0) {
			quiet_unlink(tmp.ptr);
			if (errno == EEXIST)
				file_error(err, RURU_ECONFLICT, path, "already exists");
			else
				sys_error(err, path, "cannot create");
			goto out;
		}
		/* After link() the temp name is a second name of the new file;
		 * after renameat2() it is already gone (ENOENT, harmless). */
		quiet_unlink(tmp.ptr);
	} else if (sys_rename(tmp.ptr, path) < 0) {
		quiet_unlink(tmp.ptr);
		sys_error(err, path, "cannot replace");
		goto out;
	}
	rc = ruru_fsync_dir(dir.ptr, err);
out:
	{
		int e = errno;
		ruru_buf_release(&dir);
		ruru_buf_release(&name);
		ruru_buf_release(&tmp);
		errno = e;
	}
	return rc;
}

int ruru_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct ruru_error *err)
{
	return write_file(path, data, len, mode, false, err);
}

int ruru_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   struct ruru_error *err)
{
	return write_file(path, data, len, mode, true, err);
}

/* ------------------------------------------------------------ appends */

int ruru_append(const char *path, const void *data, size_t len, struct ruru_error *err)
{
	struct stat st;
	int fd = sys_open(path, O_WRONLY | O_APPEND, 0);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
	if (fstat(fd, &st) < 0) {
		sys_error(err, path, "cannot stat");
		quiet_close(fd);
		return -1;
	}
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
	int fd = open_read(path);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
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

int ruru_read_head(const char *path, size_t max, struct ruru_buf *out, struct ruru_error *err)
{
	struct stat st;
	size_t got;
	clear_buf(out);
	int fd = open_read(path);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
	/* Size the buffer by the file, not by `max`, which may be huge. */
	size_t want = max;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size < want)
		want = (size_t)st.st_size;
	ruru_buf_grow(out, want);
	if (read_fully(fd, out->ptr, want, 0, false, &got) < 0) {
		sys_error(err, path, "cannot read");
		quiet_close(fd);
		return -1;
	}
	close(fd);
	out->len = got;
	out->ptr[got] = '\0';
	return 0;
}

/* Does `b` already tell us everything about the front matter: either its
 * first line is not "+++", or the closing "+++" line is complete? */
static bool front_matter_settled(const struct ruru_buf *b)
{
	const char *p = b->ptr, *end = b->ptr + b->len;
	if (b->len < 3)
		return false;
	if (memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return false;
	size_t first = (size_t)(nl - p);
	if (!((first == 3 && memcmp(p, "+++", 3) == 0) ||
	      (first == 4 && memcmp(p, "+++\r", 4) == 0)))
		return true;
	struct ruru_frontmatter fm;
	/* A "+++" at the very end may be the start of a longer line. */
	return ruru_frontmatter_split(b->ptr, b->len, &fm) && b->ptr[fm.body - 1] == '\n';
}

int ruru_read_until_fence(const char *path, size_t limit, struct ruru_buf *out, bool *whole,
			  struct ruru_error *err)
{
	bool eof = false;
	clear_buf(out);
	int fd = open_read(path);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
	while (out->len < limit) {
		size_t step = limit - out->len < 4096 ? limit - out->len : 4096;
		ruru_buf_grow(out, step);
		ssize_t n = read(fd, out->ptr + out->len, step);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_error(err, path, "cannot read");
			quiet_close(fd);
			return -1;
		}
		if (n == 0) {
			eof = true;
			break;
		}
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (front_matter_settled(out))
			break;
	}
	/* Stopping exactly at the end of the file: find out without reading
	 * more than one byte past the limit's worth. */
	if (!eof) {
		char c;
		ssize_t n;
		do
			n = pread(fd, &c, 1, (off_t)out->len);
		while (n < 0 && errno == EINTR);
		eof = n == 0;
	}
	close(fd);
	if (whole)
		*whole = eof;
	return 0;
}

/* ------------------------------------------------------------ folders */

int ruru_mkdirs(const char *path, struct ruru_error *err)
{
	struct ruru_buf p = RURU_BUF_INIT;
	struct stat st;
	int rc = -1;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	ruru_buf_addstr(&p, path);
	while (p.len > 1 && p.ptr[p.len - 1] == '/')
		p.ptr[--p.len] = '\0';
	for (size_t i = 1; i <= p.len; i++) {
		if (i < p.len && p.ptr[i] != '/')
			continue;
		if (i < p.len && p.ptr[i - 1] == '/')
			continue; /* "a//b" */
		char saved = p.ptr[i];
		p.ptr[i] = '\0';
		if (stat(p.ptr, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				sys_error(err, p.ptr, "cannot make folder");
				goto out;
			}
		} else if (sys_mkdir(p.ptr, 0777) == 0) {
			if (fsync_parent(p.ptr, err) < 0)
				goto out;
		} else if (errno != EEXIST || stat(p.ptr, &st) < 0 || !S_ISDIR(st.st_mode)) {
			/* EEXIST from a racing mkdir is fine when it made a folder */
			sys_error(err, p.ptr, "cannot make folder");
			goto out;
		}
		p.ptr[i] = saved;
	}
	rc = 0;
out:
	{
		int e = errno;
		ruru_buf_release(&p);
		errno = e;
	}
	return rc;
}

int ruru_mkdir_new(const char *path, struct ruru_error *err)
{
	if (sys_mkdir(path, 0777) < 0) {
		if (errno == EEXIST)
			return file_error(err, RURU_ECONFLICT, path, "already exists");
		return sys_error(err, path, "cannot make folder");
	}
	return fsync_parent(path, err);
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
	lock->fd = -1;
	if (lock_timeout_ms(&timeout, err) < 0)
		return -1;
	uint64_t start = now_ms();
	clock_gettime(CLOCK_MONOTONIC, &seed);
	uint32_t rnd = (uint32_t)getpid() * 2654435761u ^ (uint32_t)seed.tv_nsec;
	if (!rnd)
		rnd = 1;
	uint64_t delay_us = 1000;

	for (;;) {
		/* 0666 & ~umask: every user allowed to write the session may lock it. */
		int fd = sys_open(lockfile, O_RDWR | O_CREAT, 0666);
		if (fd < 0)
			return sys_error(err, lockfile, "cannot open lock file");
		for (;;) {
			if (sys_flock(fd, LOCK_EX | LOCK_NB) == 0)
				break;
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				sys_error(err, lockfile, "cannot lock");
				quiet_close(fd);
				return -1;
			}
			uint64_t waited = now_ms() - start;
			if (waited >= timeout) {
				quiet_close(fd);
				return lock_timed_out(lockfile, err);
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
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(lockfile, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino) {
			lock->fd = fd;
			return 0;
		}
		quiet_close(fd);
		if (now_ms() - start >= timeout)
			return lock_timed_out(lockfile, err);
	}
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

static int read_link(const char *path, struct ruru_buf *out)
{
	size_t size = 256;
	for (;;) {
		clear_buf(out);
		ruru_buf_grow(out, size);
		ssize_t n = readlink(path, out->ptr, size);
		if (n < 0)
			return -1;
		if ((size_t)n < size) {
			out->len = (size_t)n;
			out->ptr[n] = '\0';
			return 0;
		}
		size *= 2;
	}
}

/*
 * Resolve absolute `path` like realpath(3), except that a missing
 * component does not fail: from there on the rest is applied lexically
 * ("." dropped, ".." pops).  Symlinks met while the walk is physical are
 * followed (at most 40), so a dangling symlink resolves to where it
 * points.  `out` gets the absolute result.  -1 with errno on failure.
 */
static int resolve_path(const char *path, struct ruru_buf *out)
{
	struct ruru_buf todo = RURU_BUF_INIT, next = RURU_BUF_INIT, target = RURU_BUF_INIT;
	bool physical = true;
	int links = 0, rc = -1;

	clear_buf(out);
	ruru_buf_addstr(&todo, path);
	size_t pos = 0;
	while (pos < todo.len) {
		const char *c = todo.ptr + pos;
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		pos += n + (slash ? 1 : 0);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			/* `out` never holds a symlink, so its parent is physical */
			pop_component(out);
			continue;
		}
		size_t before = out->len;
		ruru_buf_addch(out, '/');
		ruru_buf_add(out, c, n);
		if (!physical)
			continue;
		struct stat st;
		if (lstat(out->ptr, &st) < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				goto done;
			physical = false;
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > 40) {
			errno = ELOOP;
			goto done;
		}
		if (read_link(out->ptr, &target) < 0)
			goto done;
		/* Replace the link by its target in what is left to walk. */
		out->len = before;
		out->ptr[before] = '\0';
		if (target.ptr[0] == '/')
			clear_buf(out);
		ruru_buf_reset(&next);
		ruru_buf_add(&next, target.ptr, target.len);
		ruru_buf_addch(&next, '/');
		ruru_buf_addstr(&next, todo.ptr + pos);
		ruru_buf_reset(&todo);
		ruru_buf_add(&todo, next.ptr, next.len);
		pos = 0;
	}
	if (!out->len)
		ruru_buf_addch(out, '/');
	rc = 0;
done:
	{
		int e = errno;
		ruru_buf_release(&todo);
		ruru_buf_release(&next);
		ruru_buf_release(&target);
		errno = e;
	}
	return rc;
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
 * Every existing prefix of `norm` (relative to real base `rbase`) that is
 * a symlink must resolve inside `rbase`.  Checking each symlink prefix is
 * enough: a prefix that is not a symlink only adds a name (never "..") to
 * its parent, which is inside by induction, and the missing rest of the
 * path is plain names too.
 */
static int check_symlinks(const char *rbase, const char *base, const char *rel, const char *norm,
			  struct ruru_error *err)
{
	struct ruru_buf abs = RURU_BUF_INIT, res = RURU_BUF_INIT, q = RURU_BUF_INIT;
	size_t baselen = strlen(rbase);
	int rc = -1;

	ruru_buf_addstr(&abs, rbase);
	if (!(baselen == 1 && rbase[0] == '/'))
		ruru_buf_addch(&abs, '/');
	size_t prefix_at = abs.len;
	ruru_buf_addstr(&abs, norm);
	size_t full = abs.len;
	for (size_t i = prefix_at; i <= full; i++) {
		if (i < full && abs.ptr[i] != '/')
			continue;
		abs.ptr[i] = '\0';
		struct stat st;
		if (lstat(abs.ptr, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				break; /* the rest does not exist yet */
			sys_error(err, abs.ptr, "cannot inspect");
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			if (resolve_path(abs.ptr, &res) < 0) {
				if (errno == ELOOP)
					refuse(err, rel, "too many levels of symbolic links");
				else
					sys_error(err, abs.ptr, "cannot resolve");
				goto out;
			}
			if (!is_inside(rbase, res.ptr)) {
				quote_path(&q, abs.ptr + prefix_at);
				struct ruru_buf qb = RURU_BUF_INIT;
				quote_path(&qb, base);
				refuse(err, rel, "leads through symlink %s out of %s", q.ptr, qb.ptr);
				ruru_buf_release(&qb);
				goto out;
			}
		}
		if (i < full)
			abs.ptr[i] = '/';
	}
	rc = 0;
out:
	{
		int e = errno;
		ruru_buf_release(&abs);
		ruru_buf_release(&res);
		ruru_buf_release(&q);
		errno = e;
	}
	return rc;
}

int ruru_path_inside(const char *base, const char *rel, struct ruru_buf *out,
		     struct ruru_error *err)
{
	if (normalise_relative(rel, out, err) < 0) {
		clear_buf(out);
		return -1;
	}
	char *rbase = real_folder(base, err);
	if (!rbase) {
		clear_buf(out);
		return -1;
	}
	int rc = check_symlinks(rbase, base, rel, out->ptr, err);
	free(rbase);
	if (rc < 0)
		clear_buf(out);
	return rc;
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

int ruru_sha256_file(const char *path, char hex[65], struct ruru_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char chunk[65536];
	int fd = open_read(path);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		abort();
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_error(err, path, "cannot read");
			EVP_MD_CTX_free(ctx);
			quiet_close(fd);
			return -1;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, chunk, (size_t)n))
			abort();
	}
	close(fd);
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32)
		abort();
	EVP_MD_CTX_free(ctx);
	to_hex(md, hex);
	return 0;
}

/* ------------------------------------------------- cutting a torn tail */

int ruru_truncate(const char *path, off_t size, struct ruru_error *err)
{
	struct stat st;
	int fd = sys_open(path, O_WRONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return sys_error(err, path, "cannot open");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (!S_ISREG(st.st_mode))
			errno = EINVAL;
		sys_error(err, path, "cannot stat");
		quiet_close(fd);
		return -1;
	}
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
