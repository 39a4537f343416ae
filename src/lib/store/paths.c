/*
 * paths.c — safe paths: the lexical checks of a relative path and the
 * walk of the part of it that exists (ruru_store_path_inside), turning a
 * path the user typed into one relative to the root (ruru_store_relative),
 * and the names a file system may take for ".git" or ".ruru".
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
	store_clear_buf(out);
	if (!*rel)
		return store_refuse(err, rel, "empty path");
	if (has_control(rel))
		return store_refuse(err, rel, "control character in path");
	if (rel[0] == '/')
		return store_refuse(err, rel, "absolute path");
	for (const char *c = rel; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return store_refuse(err, rel, "'..' in path");
		if (n && !(n == 1 && c[0] == '.')) {
			if (out->len)
				ruru_buf_addch(out, '/');
			ruru_buf_add(out, c, n);
		}
		c += n + (slash ? 1 : 0);
	}
	if (!out->len)
		return store_refuse(err, rel, "empty path");
	return 0;
}

/* realpath(3) of a folder the caller names (base, root). */
static char *real_folder(const char *dir, struct ruru_error *err)
{
	char *r = realpath(dir, NULL);
	if (!r)
		store_sys_error(err, dir, "cannot resolve folder");
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
	int fd = store_open_folder(store, base, base, 0, NULL, err);
	if (fd < 0)
		return -1;
	struct ruru_buf comp = RURU_BUF_INIT;
	int rc = 0;
	for (size_t at = 0; norm[at] && rc == 0;) {
		size_t upto = store_next_component(norm, &at, &comp);
		struct stat st;
		if (fstatat(fd, comp.ptr, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				rc = store_sys_error(err, rel, "cannot inspect");
			break; /* the rest does not exist yet */
		}
		if (S_ISLNK(st.st_mode) || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
			struct ruru_buf q = RURU_BUF_INIT;
			store_quote_prefix(&q, norm, upto);
			if (S_ISLNK(st.st_mode))
				rc = store_refuse(err, rel, "leads through symlink %s", q.ptr);
			else
				rc = store_refuse(err, rel, "%s is not a regular file or folder", q.ptr);
			ruru_buf_release(&q);
			break;
		}
		if (!S_ISDIR(st.st_mode))
			break; /* a file: anything below it is missing */
		int nfd = store_open_subfolder(fd, comp.ptr);
		if (nfd < 0) {
			rc = store_walk_refusal(fd, comp.ptr, rel, norm, upto, errno, "cannot open folder",
					  err);
			break;
		}
		close(fd);
		fd = nfd;
	}
	store_quiet_close(fd);
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
		store_clear_buf(out);
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

	store_clear_buf(out);
	if (!*user_path)
		return store_refuse(err, user_path, "empty path");
	if (has_control(user_path))
		return store_refuse(err, user_path, "control character in path");
	rroot = real_folder(root, err);
	if (!rroot)
		return -1;
	if (user_path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd) {
			store_sys_error(err, user_path, "cannot get the current folder");
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
			store_sys_error(err, user_path, "cannot resolve");
			goto out;
		}
		char *slash = strrchr(abs.ptr, '/');
		if (!slash) { /* cannot happen: abs is absolute and "/" exists */
			errno = ENOENT;
			store_sys_error(err, user_path, "cannot resolve");
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
		store_quote_path(&q, rroot);
		store_refuse(err, user_path, "%s the workspace root %s",
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

