/*
 * walk.c — the store and safe path resolution.
 *
 * A struct ruru_store holds a workspace root's path and, from the first
 * call that needs it, one directory fd of the root.  Every path of a store
 * is reached from that fd, never through a symlink (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel has it, else
 * openat with O_NOFOLLOW | O_DIRECTORY one component at a time); the last
 * component is then created, opened, renamed or removed relative to the
 * folder fd that was walked, so swapping a folder for a symlink between a
 * check and a write cannot redirect the write (doc/design.md, "The
 * workspace").  A folder's store (ruru_store_sub) keeps the folder's fd
 * instead, for a transaction that touches several files of one folder.  Paths outside any workspace
 * (no store) are opened as named.  Here too: the messages' helpers.
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

/* Cleanup helpers: never fail the caller, never clobber its errno. */
void store_quiet_close(int fd)
{
	int e = errno;
	if (fd >= 0)
		close(fd); /* never retried: the descriptor is gone either way */
	errno = e;
}

void store_quiet_unlinkat(int dfd, const char *name)
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
void store_clear_buf(struct ruru_buf *b)
{
	if (!b->ptr)
		ruru_buf_init(b);
	else
		ruru_buf_reset(b);
}

/* Fill `err` for a failed system call ("WHAT: strerror"), naming `file`;
 * errno is kept for the caller. */
int store_sys_error(struct ruru_error *err, const char *file, const char *what)
{
	int e = errno;
	ruru_error_set(err, (e == ENOENT || e == ENOTDIR) ? RURU_ENOTFOUND : RURU_EFAIL, "%s: %s",
		       what, strerror(e));
	ruru_error_set_file(err, file);
	errno = e;
	return -1;
}

int store_file_error(struct ruru_error *err, int code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int store_file_error(struct ruru_error *err, int code, const char *file, const char *fmt, ...)
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
void store_quote_path(struct ruru_buf *out, const char *s)
{
	size_t n = 0;
	store_clear_buf(out);
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

int store_refuse(struct ruru_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int store_refuse(struct ruru_error *err, const char *path, const char *fmt, ...)
{
	int e = errno;
	struct ruru_buf q = RURU_BUF_INIT, why = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&why, fmt, ap);
	va_end(ap);
	store_quote_path(&q, path);
	ruru_error_set(err, RURU_EREFUSED, "unsafe path %s: %s", q.ptr, why.ptr);
	ruru_buf_release(&q);
	ruru_buf_release(&why);
	errno = e;
	return -1;
}

/* --------------------------------------------------------------- helpers */

/* umask(2) can only be read by setting it, which races with anything else
 * creating files; /proc/self/status shows it without that (Linux 4.7+). */
mode_t store_current_umask(void)
{
	int fd = open_plain("/proc/self/status", O_RDONLY);
	if (fd >= 0) {
		struct ruru_buf b = RURU_BUF_INIT;
		int rc = ruru_buf_read_fd(&b, fd, NULL);
		store_quiet_close(fd);
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
	store_clear_buf(out);
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

struct ruru_store *ruru_store_open(const char *root, const char *lock_timeout_ms,
				   struct ruru_error *err)
{
	unsigned long ms = 10000;
	if (lock_timeout_ms && *lock_timeout_ms &&
	    store_parse_decimal(lock_timeout_ms, 0, 86400000UL, &ms) < 0) {
		struct ruru_buf q = RURU_BUF_INIT;
		store_quote_path(&q, lock_timeout_ms);
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
	st->prefix = NULL;
	st->prefixlen = 0;
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
	free(st->prefix);
	free(st);
}

const char *ruru_store_root(const struct ruru_store *st)
{
	return st->root;
}

/* The root's fd, opened on first use and kept (threads of a server may
 * race to open it: one fd wins, the others are closed). */
int store_root_fd(struct ruru_store *st, const char *shown, struct ruru_error *err)
{
	int fd = atomic_load(&st->rootfd);
	if (fd >= 0)
		return fd;
	fd = open_plain(st->root, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return store_sys_error(err, shown, "cannot open the workspace root");
	int none = -1;
	if (!atomic_compare_exchange_strong(&st->rootfd, &none, fd)) {
		close(fd);
		fd = none;
	}
	return fd;
}

int store_open_folder(struct ruru_store *st, const char *dir, const char *shown, mode_t create,
		       struct ruru_buf *made, struct ruru_error *err);
const char * store_below_root(const struct ruru_store *st, const char *path);

struct ruru_store *ruru_store_sub(struct ruru_store *parent, const char *dir,
				  struct ruru_error *err)
{
	int fd = store_open_folder(parent, dir, dir, 0, NULL, err);
	if (fd < 0)
		return NULL;
	struct ruru_store *st = ruru_xmalloc(sizeof(*st));
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/%s", parent->root, store_below_root(parent, dir));
	st->rootlen = b.len;
	st->root = ruru_buf_detach(&b, NULL);
	ruru_buf_addf(&b, "%s%s%s", parent->prefix ? parent->prefix : "", parent->prefix ? "/" : "",
		      store_below_root(parent, dir));
	st->prefixlen = b.len;
	st->prefix = ruru_buf_detach(&b, NULL);
	atomic_init(&st->rootfd, fd);
	st->lock_timeout_ms = parent->lock_timeout_ms;
	return st;
}

int ruru_store_fd(struct ruru_store *st, struct ruru_error *err)
{
	return store_root_fd(st, st->root, err);
}

/* `path` relative to the root: as given when relative (for a folder's
 * store, a path relative to the workspace root that lies in the folder,
 * the folder's part cut off); an absolute path must lie at or below the
 * root (the part below it is returned, "" for the root itself).  NULL
 * when it does not. */
const char * store_below_root(const struct ruru_store *st, const char *path)
{
	if (path[0] != '/' && st->prefix) {
		if (strncmp(path, st->prefix, st->prefixlen) ||
		    (path[st->prefixlen] && path[st->prefixlen] != '/'))
			return NULL;
		path += st->prefixlen;
		while (*path == '/')
			path++;
		return path;
	}
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
	return store_below_root(st, path) != NULL;
}

/* `path` as an absolute path: a relative one is taken from the root. */
void store_absolute(const struct ruru_store *st, const char *path, struct ruru_buf *out)
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

int store_beneath_open(int dfd, const char *rel, int flags)
{
	if (atomic_load(&openat2_missing) || store_fault_no_openat2()) {
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
		store_sys_error(err, shown, "cannot open folder");
	return nfd;
}

size_t store_next_component(const char *path, size_t *at, struct ruru_buf *comp)
{
	const char *c = path + *at, *slash = strchr(c, '/');
	size_t n = slash ? (size_t)(slash - c) : strlen(c);
	ruru_buf_reset(comp);
	ruru_buf_add(comp, c, n);
	*at += n + (slash ? 1 : 0);
	return (size_t)(c - path) + n;
}

int store_open_subfolder(int fd, const char *name)
{
	int nfd;
	do
		nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	while (nfd < 0 && errno == EINTR);
	return nfd;
}

/* The first `n` bytes of `s`, quoted for a message. */
void store_quote_prefix(struct ruru_buf *out, const char *s, size_t n)
{
	char *copy = ruru_strndup(s, n);
	store_quote_path(out, copy);
	free(copy);
}

/* Why `name` in `dfd` cannot be walked through or opened: a symlink or
 * something that is neither a regular file nor a folder is refused
 * (naming `what`, the part of the path walked so far); anything else is
 * the system's error `e`. */
int store_walk_refusal(int dfd, const char *name, const char *shown, const char *what,
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
		store_quote_prefix(&q, what, what_len);
		errno = e;
		if (swapped)
			store_refuse(err, shown, "%s changed while it was walked", q.ptr);
		else if (S_ISLNK(st.st_mode))
			store_refuse(err, shown, "leads through symlink %s", q.ptr);
		else
			store_refuse(err, shown, "%s is not a regular file or folder", q.ptr);
		ruru_buf_release(&q);
		return -1;
	}
	errno = e;
	return store_sys_error(err, shown, doing);
}

/*
 * Walk the relative folder path `rest` down from folder `fd` (consumed:
 * closed, or returned), never through a symlink, never up through "..".
 * With `create` (a mode), missing folders are made (mode create & ~umask) and flushed
 * into their parent; `made` (may be NULL), when still empty, gets `abs_of`
 * up to the first folder made.  Returns the folder's fd.
 */
int store_walk_down(int fd, bool own, const char *rest, const char *shown, mode_t create,
		     struct ruru_buf *made, const char *abs_of, size_t rest_at, struct ruru_error *err)
{
	const int start = fd;
	if (!*rest)
		return own ? fd : dup_fd(fd, shown, err);
	if (!create) {
		int nfd = store_beneath_open(fd, rest, O_RDONLY | O_DIRECTORY);
		if (nfd >= 0) {
			if (own)
				close(fd);
			return nfd;
		}
		if (errno == ENOENT) { /* missing: nothing for the walk to explain */
			if (own)
				store_quiet_close(fd);
			return store_sys_error(err, shown, "cannot open folder");
		}
		/* ENOSYS, or an error the component walk will explain */
	}
	struct ruru_buf comp = RURU_BUF_INIT;
	for (size_t at = 0; rest[at];) {
		size_t upto = store_next_component(rest, &at, &comp), n = comp.len;
		if (!n || (n == 1 && comp.ptr[0] == '.'))
			continue;
		if (n == 2 && comp.ptr[0] == '.' && comp.ptr[1] == '.') {
			store_refuse(err, shown, "'..' in path");
			goto fail;
		}
		int nfd = store_open_subfolder(fd, comp.ptr);
		if (nfd < 0 && errno == ENOENT && create) {
			if (store_sys.mkdir(fd, comp.ptr, create) == 0) {
				if (made && !made->len && abs_of)
					ruru_buf_add(made, abs_of, rest_at + upto);
				if (store_sys.dirsync(fd) < 0) {
					store_sys_error(err, shown, "cannot flush folder");
					goto fail;
				}
			} else if (errno != EEXIST) { /* EEXIST: a racing mkdir made it */
				store_sys_error(err, shown, "cannot make folder");
				goto fail;
			}
			nfd = store_open_subfolder(fd, comp.ptr);
		}
		if (nfd < 0) {
			store_walk_refusal(fd, comp.ptr, shown, rest, upto, errno,
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
		store_quiet_close(fd);
	ruru_buf_release(&comp);
	return -1;
}

/*
 * Open folder `dir`.  With a store, `dir` is walked from its root (see
 * walk_down); without one (the ruru_file_*() calls) it is opened as named,
 * or, with `create` (the mode of folders made; 0: none are), made
 * component by component from "/" as mkdir -p would.  Returns an fd the caller closes.
 */
int store_open_folder(struct ruru_store *st, const char *dir, const char *shown, mode_t create,
		       struct ruru_buf *made, struct ruru_error *err)
{
	struct ruru_buf abs = RURU_BUF_INIT;
	int fd = -1;
	if (st) {
		const char *rel = store_below_root(st, dir);
		if (!rel) {
			struct ruru_buf q = RURU_BUF_INIT;
			store_quote_path(&q, st->root);
			errno = EXDEV;
			store_refuse(err, shown, "outside the workspace root %s", q.ptr);
			ruru_buf_release(&q);
			return -1;
		}
		int rfd = store_root_fd(st, shown, err);
		if (rfd < 0)
			return -1;
		return store_walk_down(rfd, false, rel, shown, create, made, dir, (size_t)(rel - dir),
				 err);
	}
	absolute_lexical(dir, &abs);
	fd = open_plain(abs.ptr, O_RDONLY | O_DIRECTORY);
	if (fd >= 0 || !create || errno != ENOENT) {
		if (fd < 0)
			store_sys_error(err, shown, "cannot open folder");
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
			if (store_sys.mkdir(AT_FDCWD, abs.ptr, create) == 0) {
				if (made && !made->len)
					ruru_buf_addstr(made, abs.ptr);
				char *slash = strrchr(abs.ptr, '/');
				*slash = '\0';
				int pfd = open_plain(slash == abs.ptr ? "/" : abs.ptr,
						     O_RDONLY | O_DIRECTORY);
				*slash = '/';
				int rc = pfd < 0 ? -1 : store_sys.dirsync(pfd);
				store_quiet_close(pfd);
				if (rc < 0) {
					store_sys_error(err, shown, "cannot flush folder");
					goto out;
				}
			} else if (errno != EEXIST) {
				store_sys_error(err, shown, "cannot make folder");
				goto out;
			}
		}
		abs.ptr[i] = saved;
	}
	fd = open_plain(abs.ptr, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		store_sys_error(err, shown, "cannot make folder");
out:
	{
		int e = errno;
		ruru_buf_release(&abs);
		errno = e;
	}
	return fd;
}

void store_where_release(struct where *w)
{
	if (w->dfd != w->keep)
		store_quiet_close(w->dfd);
	w->dfd = -1;
	int e = errno;
	ruru_buf_release(&w->name);
	errno = e;
}

/* Open the folder of `path` (see open_folder) and split off its name. */
int store_open_parent(struct ruru_store *store, const char *path, bool create,
		       struct ruru_buf *made, struct where *w, struct ruru_error *err)
{
	struct ruru_buf dir = RURU_BUF_INIT;
	w->dfd = -1;
	w->keep = -1;
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
		store_sys_error(err, path, "not a file name");
		ruru_buf_release(&dir);
		ruru_buf_release(&w->name);
		return -1;
	}
	w->jailed = store != NULL;
	const char *top = store ? store_below_root(store, dir.ptr) : NULL;
	if (top && (!*top || !strcmp(top, "."))) {
		/* a name at the top of the root: the root's own fd, borrowed */
		w->dfd = store_root_fd(store, path, err);
		w->keep = w->dfd;
	} else {
		w->dfd = store_open_folder(store, dir.ptr, path, create ? STORE_DIR_MODE : 0, made, err);
	}
	ruru_buf_release(&dir);
	if (w->dfd < 0) {
		store_where_release(w);
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
int store_check_leaf(const struct where *w, const char *shown, struct stat *st,
		      struct ruru_error *err)
{
	if (fstatat(w->dfd, w->name.ptr, st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 1;
		return store_sys_error(err, shown, "cannot inspect");
	}
	if (S_ISLNK(st->st_mode)) {
		struct ruru_buf t = RURU_BUF_INIT, q = RURU_BUF_INIT;
		ruru_buf_grow(&t, PATH_MAX);
		ssize_t n = readlinkat(w->dfd, w->name.ptr, t.ptr, PATH_MAX);
		t.len = n > 0 ? (size_t)n : 0;
		t.ptr[t.len] = '\0';
		store_quote_path(&q, t.ptr);
		errno = ELOOP;
		store_refuse(err, shown,
		       "is a symbolic link to %s (ruru never writes through a link nor replaces "
		       "one; name the file it points to instead)",
		       q.ptr);
		ruru_buf_release(&t);
		ruru_buf_release(&q);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		return store_sys_error(err, shown, "cannot write");
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return store_refuse(err, shown, "is not a regular file");
	}
	if (st->st_nlink > 1) {
		errno = EMLINK;
		return store_refuse(err, shown,
			      "has %lu hard links (ruru never writes to a file that has other "
			      "names, nor splits them; copy it to a file of its own first)",
			      (unsigned long)st->st_nlink);
	}
	return 0;
}

/* Open the last name of `w` for reading.  Below a root: never through a
 * symlink, never blocking on a FIFO, and only a regular file. */
int store_open_leaf_read(const struct where *w, const char *shown, struct ruru_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | (w->jailed ? O_NOFOLLOW | O_NONBLOCK : 0);
	int fd;
	do
		fd = openat(w->dfd, w->name.ptr, flags);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (w->jailed && (errno == ELOOP || errno == ENXIO))
			return store_walk_refusal(w->dfd, w->name.ptr, shown, w->name.ptr, w->name.len,
					    errno, "cannot open", err);
		return store_sys_error(err, shown, "cannot open");
	}
	struct stat st;
	if (w->jailed && store_regular_for_read(fd, shown, &st, err) < 0)
		return -1;
	/* O_NONBLOCK stays: it does nothing to a regular file. */
	return fd;
}

int store_regular_for_read(int fd, const char *shown, struct stat *st, struct ruru_error *err)
{
	if (fstat(fd, st) < 0) {
		store_sys_error(err, shown, "cannot stat");
		store_quiet_close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		bool dir = S_ISDIR(st->st_mode);
		store_quiet_close(fd);
		errno = dir ? EISDIR : EINVAL;
		return dir ? store_sys_error(err, shown, "cannot read")
			   : store_refuse(err, shown, "is not a regular file");
	}
	return 0;
}

int ruru_openat_beneath(int dirfd, const char *rel, int flags)
{
	int fd = store_beneath_open(dirfd, rel, flags);
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
