/*
 * logtx.c — changes to a session log under its lock (see logtx.h).
 *
 * The cheap path matters: logging an entry must cost the same with 10 or
 * 100,000 entries.  So a transaction starts by reading only the front
 * matter, and an entry that leaves the front matter alone is appended with
 * one O_APPEND write.  That is right only while "## Log Entries" is the
 * last section of the body; whether it is, is learnt once by a full scan
 * and remembered in the session's ".state" cache together with the log's
 * size, mtime and inode after ruru's own last write.  Any other writer
 * (an editor, git) changes those, and the next append scans again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "text.h"
#include "banned.h"

/* Read open file `fd` (of `size` bytes, -1 when unknown) from its start
 * until its front matter is complete (or all of it); the fd stays open. */
static int read_head_fd(int fd, off_t size, struct ruru_buf *out, struct ruru_frontmatter *fm,
			bool *whole, struct ruru_error *err)
{
	*whole = false;
	for (;;) {
		if (size >= 0 && out->len == (size_t)size) {
			*whole = true; /* all of it: no read just to meet the end */
			break;
		}
		ruru_buf_grow(out, 16384);
		ssize_t n = read(fd, out->ptr + out->len, 16384);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ruru_error_set(err, RURU_EFAIL, "read failed: %s", strerror(errno));
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (n == 0) {
			*whole = true;
			break;
		}
		/* The closing fence counts once the byte after it is in; a
		 * file of known size read to its end is whole either way
		 * (no second read of it later). */
		*whole = size >= 0 && out->len == (size_t)size;
		if (ruru_frontmatter_split(out->ptr, out->len, fm) && fm->body < out->len)
			break;
		if (out->len >= 4 && !(out->ptr[0] == '+' || out->ptr[0] == '\xEF'))
			break; /* no front matter at all */
	}
	ruru_frontmatter_split(out->ptr, out->len, fm);
	return 0;
}

/* Read the file until its front matter is complete (or all of it). */
static int read_head(struct ruru_store *store, int dirfd, const char *path, struct ruru_buf *out,
		     struct ruru_frontmatter *fm, bool *whole, struct ruru_error *err)
{
	int fd = dirfd == AT_FDCWD ? ruru_store_open_read(store, path, err)
				   : ruru_open_read_at(dirfd, path, err);
	if (fd < 0)
		return -1;
	int rc = read_head_fd(fd, -1, out, fm, whole, err);
	close(fd);
	return rc;
}

int ruru_read_front_matter(struct ruru_store *store, int dirfd, const char *path,
			   struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_frontmatter fm;
	bool whole;
	return read_head(store, dirfd, path, out, &fm, &whole, err);
}

/* Parse the front matter in tx->text; errors point into the file. */
static int parse_front_matter(struct ruru_logtx *tx, struct ruru_error *err)
{
	ruru_toml_free(tx->doc);
	tx->doc = NULL;
	if (!ruru_frontmatter_split(tx->text.ptr, tx->text.len, &tx->fm)) {
		ruru_error_set(err, RURU_EINVALID,
			       tx->text.len ? "no front matter (a log starts with a \"+++\" line and "
					      "its TOML ends at the next \"+++\" line)"
					    : "empty log");
		err->line = 1;
		err->col = 1;
		ruru_error_set_file(err, tx->display);
		return -1;
	}
	tx->doc = ruru_toml_parse(tx->text.ptr + tx->fm.toml, tx->fm.toml_end - tx->fm.toml, err);
	if (!tx->doc) {
		int l, c;
		ruru_text_position(tx->text.ptr, tx->fm.toml, &l, &c);
		err->line += l - 1;
		ruru_error_set_file(err, tx->display);
		return -1;
	}
	return 0;
}

static enum ruru_status doc_status(const struct ruru_toml *doc)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("status"));
	size_t n;
	const char *s = v ? ruru_toml_string(v, &n) : NULL;
	return s ? ruru_status_parse(s, n) : RURU_STATUS_UNKNOWN;
}

static int cut_torn_tail(struct ruru_logtx *tx, struct ruru_error *err);
static bool load_state(struct ruru_logtx *tx);

/* What every beginning shares: the names, empty buffers, no lock yet. */
static void tx_init(struct ruru_logtx *tx, struct ruru_ws *ws, const char *id)
{
	memset(tx, 0, sizeof(*tx));
	tx->ws = ws;
	tx->lock.fd = -1;
	tx->logfd = -1;
	tx->statefd = -1;
	ruru_buf_init(&tx->state);
	ruru_buf_init(&tx->text);
	ruru_buf_init(&tx->appends);
	tx->eol = "\n";
	if (!id)
		return;
	tx->id = ruru_strdup(id);
	/* the session's folder, its log, lock and cache: named once */
	tx->dirpath = ruru_ws_session_path(ws, id, NULL);
	struct ruru_buf d = RURU_BUF_INIT;
	ruru_buf_addf(&d, "%s/session_log.md", tx->dirpath);
	tx->path = ruru_buf_detach(&d, NULL);
	tx->display = ruru_strdup(tx->path);
	ruru_buf_addf(&d, "%s/.lock", tx->dirpath);
	tx->lockpath = ruru_buf_detach(&d, NULL);
	ruru_buf_addf(&d, "%s/.state", tx->dirpath);
	tx->statepath = ruru_buf_detach(&d, NULL);
}

/* The session's lock, in a folder of any layout. */
static int lock_session(struct ruru_logtx *tx, struct ruru_error *err)
{
	enum ruru_layout layout = ruru_ws_session_layout(tx->ws, tx->id);
	if (layout != RURU_LAYOUT_RURU) {
		/* A later layout's folder is the user's: make sure ruru's lock and
		 * cache there stay out of git (best effort, never in the way). */
		struct ruru_error ignore = { 0 };
		ruru_ws_ignore_transient(tx->ws, ruru_layout_dir(layout), false, &ignore);
	}
	/* The folder is opened once; the log, lock and cache are reached
	 * from it. */
	tx->dir = ruru_store_sub(tx->ws->store, tx->dirpath, err);
	if (!tx->dir)
		return -1;
	return ruru_store_lock(tx->dir, &tx->lock, tx->lockpath, err);
}

int ruru_logtx_begin(struct ruru_logtx *tx, struct ruru_ws *ws, const char *id, unsigned flags,
		     struct ruru_error *err)
{
	tx_init(tx, ws, id);
	if ((ruru_ws_session_layout(ws, id) == RURU_LAYOUT_RURU && ruru_ws_ignore_own(ws, err) < 0) ||
	    lock_session(tx, err) < 0)
		goto fail;
	/* The cache is written with the entry: refuse a hostile one first.
	 * Reading it tells most cases apart at no extra cost: a missing one
	 * is replaceable, and one opened (no symlink on the way, a regular
	 * file) needs only its link count checked. */
	bool missing = load_state(tx);
	if (!missing && (!tx->have_state || tx->statest.st_nlink > 1) &&
	    ruru_store_check_replaceable(tx->dir, tx->statepath, err) < 0)
		goto fail;
	tx->logfd = ruru_store_open_read_stat(tx->dir, tx->path, &tx->logst, err);
	if (tx->logfd < 0) {
		ruru_error_set_file(err, tx->display);
		if (err->code == RURU_ENOTFOUND)
			ruru_error_set(err, RURU_ENOTFOUND, "session \"%s\" has no session_log.md", id);
		goto fail;
	}
	bool whole;
	if (cut_torn_tail(tx, err) < 0 ||
	    read_head_fd(tx->logfd, tx->logst.st_size, &tx->text, &tx->fm, &whole, err) < 0) {
		ruru_error_set_file(err, tx->display);
		goto fail;
	}
	tx->loaded = whole;
	if (parse_front_matter(tx, err) < 0)
		goto fail;
	tx->eol = ruru_log_eol(tx->text.ptr, tx->text.len, tx->fm.body);
	tx->status = doc_status(tx->doc);
	if ((flags & RURU_TX_ACTIVE) && tx->status != RURU_STATUS_ACTIVE) {
		const struct ruru_toml_value *v =
			ruru_toml_table_get(ruru_toml_root(tx->doc), RURU_LIT("status"));
		const char *s = v ? ruru_toml_string(v, NULL) : NULL;
		ruru_error_set(err, RURU_ECONFLICT, "session \"%s\" is %s, not active", id,
			       s && *s ? s : "without a status");
		ruru_error_hint(err, NULL, RURU_HINT_RESUME, id);
		goto fail;
	}
	return 0;
fail:
	ruru_logtx_abort(tx);
	return -1;
}

int ruru_logtx_begin_new(struct ruru_logtx *tx, struct ruru_ws *ws, enum ruru_layout layout,
			 const char *id, struct ruru_error *err)
{
	struct ruru_buf dir = RURU_BUF_INIT;
	ruru_buf_addf(&dir, "%s/%s", ruru_layout_dir(layout), id);
	if (ruru_store_mkdir_new(ws->store, dir.ptr, err) < 0) {
		ruru_buf_release(&dir);
		memset(tx, 0, sizeof(*tx));
		tx->lock.fd = -1;
		return -1;
	}
	tx_init(tx, ws, id);
	tx->new_dir = ruru_buf_detach(&dir, NULL);
	tx->nolog = true;
	if (lock_session(tx, err) < 0) {
		ruru_logtx_abort(tx);
		return -1;
	}
	return 0;
}

int ruru_logtx_begin_files(struct ruru_logtx *tx, struct ruru_ws *ws, const char *lockfile,
			   struct ruru_error *err)
{
	tx_init(tx, ws, NULL);
	tx->nolog = true;
	if (ruru_ws_ignore_own(ws, err) < 0 || ruru_store_lock(ws->store, &tx->lock, lockfile, err) < 0) {
		ruru_logtx_abort(tx);
		return -1;
	}
	return 0;
}

/* set, array_add and entry need a log. */
static int need_log(struct ruru_logtx *tx, struct ruru_error *err)
{
	if (!tx->nolog)
		return 0;
	return ruru_error_set(err, RURU_EFAIL, "this transaction has no session log to change");
}

/* ---------------------------------------------------------- staged files */

struct logtx_staged {
	struct ruru_staged file;
	struct ruru_buf old; /* what it held before, to put back */
	bool had_old, published;
	bool remove;         /* a removal: file.path goes at publish */
};

struct logtx_made {
	char *path, *made; /* ruru_store_mkdirs_made(ws->store, )'s answer, for ruru_store_rmdirs_made(ws->store, ) */
};

static void push_staged(struct ruru_logtx *tx, const struct logtx_staged *st)
{
	tx->staged = ruru_xrealloc(tx->staged, (tx->nstaged + 1) * sizeof(*tx->staged));
	tx->staged[tx->nstaged++] = *st;
}

/* Read what a regular file holds now into st->old (had_old), or nothing
 * when it is missing. */
static int keep_old(struct ruru_store *store, const char *path, struct logtx_staged *st,
		    struct ruru_error *err)
{
	struct stat sb;
	struct ruru_error lerr = { 0 };
	/* a symlink, a hard-linked file: the store's own refusal */
	if (ruru_store_check_replaceable(store, path, err) < 0)
		return -1;
	int have = ruru_store_lstat(store, path, &sb, &lerr);
	if (have < 0 && lerr.code != RURU_ENOTFOUND) {
		*err = lerr;
		return -1;
	}
	if (have < 0)
		return 0;
	if (!S_ISREG(sb.st_mode))
		return ruru_error_set(err, RURU_EREFUSED, "\"%s\" is not a regular file", path);
	if (ruru_store_read(store, path, &st->old, err) < 0)
		return -1;
	st->had_old = true;
	return 0;
}

int ruru_logtx_stage_file(struct ruru_logtx *tx, const char *path, const void *data, size_t len,
			  bool must_be_new, struct ruru_error *err)
{
	struct logtx_staged st = { .old = RURU_BUF_INIT };
	if (!must_be_new && keep_old(tx->ws->store, path, &st, err) < 0)
		return -1;
	if (ruru_store_stage(tx->ws->store, path, data, len, 0666, must_be_new, &st.file, err) < 0) {
		ruru_buf_release(&st.old);
		return -1;
	}
	push_staged(tx, &st);
	return 0;
}

int ruru_logtx_stage_remove(struct ruru_logtx *tx, const char *path, struct ruru_error *err)
{
	struct logtx_staged st = { .old = RURU_BUF_INIT, .remove = true };
	if (keep_old(tx->ws->store, path, &st, err) < 0)
		return -1;
	if (!st.had_old)
		return 0; /* nothing to remove */
	st.file.path = ruru_strdup(path);
	push_staged(tx, &st);
	return 0;
}

int ruru_logtx_mkdirs(struct ruru_logtx *tx, const char *path, struct ruru_error *err)
{
	char *made = NULL;
	if (ruru_store_mkdirs_made(tx->ws->store, path, &made, err) < 0)
		return -1;
	if (!made)
		return 0;
	tx->made = ruru_xrealloc(tx->made, (tx->nmade + 1) * sizeof(*tx->made));
	tx->made[tx->nmade].path = ruru_strdup(path);
	tx->made[tx->nmade++].made = made;
	return 0;
}

/* Put published files back as they were, the last published first (best
 * effort: the error that stopped the commit is the one reported). */
static void unpublish(struct ruru_logtx *tx)
{
	int e = errno;
	for (size_t i = tx->nstaged; i-- > 0;) {
		struct logtx_staged *st = &tx->staged[i];
		struct ruru_error ignore = { 0 };
		if (!st->published)
			continue;
		if (st->had_old)
			ruru_store_write(tx->ws->store, st->file.path, st->old.ptr, st->old.len, 0666, &ignore);
		else
			ruru_store_remove(tx->ws->store, st->file.path, &ignore);
		st->published = false;
	}
	errno = e;
}

static int publish(struct ruru_logtx *tx, struct ruru_error *err)
{
	for (size_t i = 0; i < tx->nstaged; i++) {
		struct logtx_staged *st = &tx->staged[i];
		if (st->remove) {
			if (ruru_store_remove(tx->ws->store, st->file.path, err) < 0) {
				if (err->code == RURU_ENOTFOUND)
					continue; /* gone already: nothing to put back */
				/* a file unlinked before a failed folder flush is gone */
				struct stat sb;
				struct ruru_error ignore = { 0 };
				st->published = ruru_store_lstat(tx->ws->store, st->file.path, &sb, &ignore) < 0;
				unpublish(tx);
				return -1;
			}
		} else if (ruru_stage_publish(&st->file, err) < 0) {
			/* a rename that happened before a failed folder flush
			 * still counts as published */
			st->published = st->file.tmp == NULL;
			unpublish(tx);
			return -1;
		}
		st->published = true;
	}
	return 0;
}

static void drop_staged(struct ruru_logtx *tx)
{
	for (size_t i = 0; i < tx->nstaged; i++) {
		if (tx->staged[i].remove)
			free(tx->staged[i].file.path);
		else
			ruru_stage_drop(&tx->staged[i].file);
		ruru_buf_release(&tx->staged[i].old);
	}
	free(tx->staged);
	tx->staged = NULL;
	tx->nstaged = 0;
}

/* Remove the folders the transaction made (`undo`), or only forget them. */
static void drop_made(struct ruru_logtx *tx, bool undo)
{
	for (size_t i = tx->nmade; i-- > 0;) {
		if (undo)
			ruru_store_rmdirs_made(tx->ws->store, tx->made[i].path, tx->made[i].made);
		free(tx->made[i].path);
		free(tx->made[i].made);
	}
	free(tx->made);
	tx->made = NULL;
	tx->nmade = 0;
}

void ruru_logtx_abort(struct ruru_logtx *tx)
{
	drop_staged(tx);
	drop_made(tx, true);
	ruru_lock_release(&tx->lock);
	if (tx->new_dir) {
		/* A session that never came to be: its lock file, then its
		 * folder (only when empty: nothing but ours is removed). */
		int e = errno;
		struct ruru_error ignore = { 0 };
		if (tx->dir)
			ruru_store_remove(tx->dir, tx->lockpath, &ignore);
		ruru_store_close(tx->dir);
		tx->dir = NULL;
		ruru_store_remove_dir(tx->ws->store, tx->new_dir, &ignore);
		free(tx->new_dir);
		tx->new_dir = NULL;
		errno = e;
	}
	ruru_toml_free(tx->doc);
	tx->doc = NULL;
	ruru_buf_release(&tx->text);
	ruru_buf_release(&tx->appends);
	if (tx->logfd >= 0)
		close(tx->logfd);
	if (tx->statefd >= 0)
		close(tx->statefd);
	tx->logfd = tx->statefd = -1;
	ruru_store_close(tx->dir);
	tx->dir = NULL;
	ruru_buf_release(&tx->state);
	free(tx->id);
	free(tx->path);
	free(tx->display);
	free(tx->dirpath);
	free(tx->lockpath);
	free(tx->statepath);
	tx->id = tx->path = tx->display = tx->dirpath = tx->lockpath = tx->statepath = NULL;
}

/* Make tx->text the whole file (the lock is held, so it is what begin saw). */
static int load_whole(struct ruru_logtx *tx, struct ruru_error *err)
{
	if (tx->loaded)
		return 0;
	ruru_buf_reset(&tx->text);
	if (ruru_store_read(tx->dir, tx->path, &tx->text, err) < 0)
		return -1;
	tx->loaded = true;
	return parse_front_matter(tx, err);
}

/* One edit of the front matter in tx->text (ruru_frontmatter_edit: the
 * library's one splice), then parsed again. */
static int edit_front_matter(struct ruru_logtx *tx, const struct ruru_toml_edit *e,
			     struct ruru_error *err)
{
	if (ruru_frontmatter_edit(&tx->text, e, err) < 0) {
		ruru_error_set_file(err, tx->display);
		return -1;
	}
	tx->dirty = true;
	return parse_front_matter(tx, err);
}

int ruru_logtx_set(struct ruru_logtx *tx, const char *key, const char *literal,
		   struct ruru_error *err)
{
	if (need_log(tx, err) < 0 || load_whole(tx, err) < 0)
		return -1;
	struct ruru_toml_edit e = { .op = RURU_EDIT_SET, .key = key, .literal = literal,
				    .literal_len = strlen(literal) };
	return edit_front_matter(tx, &e, err);
}

int ruru_logtx_array_add(struct ruru_logtx *tx, const char *key, const char *value,
			 struct ruru_error *err)
{
	/* The text rule for every element ruru adds to a front matter array. */
	if (ruru_text_check(key, value, strlen(value), RURU_TEXT_LINE, err) < 0)
		return -1;
	if (need_log(tx, err) < 0 || load_whole(tx, err) < 0)
		return -1;
	const struct ruru_toml_value *arr = ruru_toml_table_get(ruru_toml_root(tx->doc), key, strlen(key));
	struct ruru_buf lit = RURU_BUF_INIT;
	int rc;
	if (arr && ruru_toml_kind(arr) == RURU_TOML_ARRAY) {
		size_t vlen = strlen(value);
		for (size_t i = 0; i < ruru_toml_array_len(arr); i++) {
			size_t n;
			const char *s = ruru_toml_string(ruru_toml_array_at(arr, i), &n);
			if (s && n == vlen && !memcmp(s, value, n))
				return 0;
		}
		ruru_toml_encode_string(&lit, value, vlen);
		struct ruru_toml_edit e = { .op = RURU_EDIT_APPEND, .key = key, .literal = lit.ptr,
					    .literal_len = lit.len };
		rc = edit_front_matter(tx, &e, err);
	} else if (!arr || (ruru_toml_kind(arr) == RURU_TOML_STRING &&
			    ruru_toml_string(arr, NULL)[0] == '\0')) {
		/* Absent, or the `key = ""` some logs hold: start the array. */
		const char *item = value;
		ruru_toml_encode_string_array(&lit, &item, 1);
		rc = ruru_logtx_set(tx, key, lit.ptr, err);
	} else {
		struct ruru_toml_span sp = ruru_toml_value_span(arr);
		ruru_error_set(err, RURU_EINVALID, "\"%s\" is not an array of strings", key);
		ruru_text_position(tx->text.ptr, tx->fm.toml + sp.start, &err->line, &err->col);
		ruru_error_set_file(err, tx->display);
		rc = -1;
	}
	ruru_buf_release(&lit);
	return rc;
}

/* Insert rendered entries into the loaded text at the end of the Log
 * Entries section.  A log without one gets it, unless its body already
 * holds entries (a pre-V5 log with a "**Log Entries:**" paragraph, read
 * whole): then the entries go at the end of the file, for a heading added
 * there would make readers take that section only and lose the old
 * entries (found by fuzz/fuzz_entry.c). */
static void insert_entries(struct ruru_logtx *tx, const char *entries, size_t len)
{
	size_t at;
	bool needs_nl;
	const char *eol;
	struct ruru_buf t = RURU_BUF_INIT;
	if (ruru_entries_append_point(tx->text.ptr, tx->text.len, tx->fm.body, &at, &needs_nl, &eol)) {
		ruru_buf_add(&t, tx->text.ptr, at);
		if (needs_nl)
			ruru_buf_addstr(&t, tx->eol);
		ruru_buf_add(&t, entries, len);
		ruru_buf_add(&t, tx->text.ptr + at, tx->text.len - at);
	} else {
		ruru_buf_add(&t, tx->text.ptr, tx->text.len);
		if (t.len && t.ptr[t.len - 1] != '\n')
			ruru_buf_addstr(&t, tx->eol);
		if (ruru_entries_count(tx->text.ptr, tx->text.len, tx->fm.body) == 0)
			ruru_buf_addf(&t, "%s## Log Entries%s%s", tx->eol, tx->eol, tx->eol);
		ruru_buf_add(&t, entries, len);
	}
	ruru_buf_release(&tx->text);
	tx->text = t;
	tx->dirty = true;
}

int ruru_logtx_entry(struct ruru_logtx *tx, const struct ruru_log_input *in,
		     struct ruru_error *err)
{
	/* The text rule (doc/design.md §2) for everything that reaches the log, whoever
	 * composed it: the last line of defence behind the API's own checks. */
	if (need_log(tx, err) < 0)
		return -1;
	if (entry_input_check(in, err) < 0)
		return -1;
	entry_render_input(&tx->appends, in, in->when_valid ? in->when : ruru_now(tx->ws), tx->eol);
	return 0;
}

/* ---------------------------------------------------------- the cache */

/*
 * The session's ".state" remembers, after ruru's own write, what the log
 * looked like, so that the next append need not scan it:
 *
 *   append-ok SIZE MTIME_S MTIME_NS INO      after a rewrite of the log
 *   append-pending SIZE LEN INO               before an append (96 bytes)
 *
 * Whole entries (doc/design.md, "Guarantees").  An O_APPEND write of a
 * big entry can be cut short by SIGKILL (a short write), and nothing in
 * the bytes that reached the file says they are incomplete.  So before appending, the intent is
 * recorded: the log's size before the write and the length of the
 * record.  The intent is written in place, through the store's table of
 * writing calls (a fault can hit it), and a failure to record it refuses
 * the append.  Once the append is flushed, the cache file's own mtime is
 * set to the log's: an intent whose log has exactly SIZE + LEN bytes, the
 * same inode and that mtime is the log ruru left, with Log Entries last.
 * A log of that inode whose size lies strictly between SIZE and SIZE + LEN
 * holds a torn entry, which the next transaction cuts back before anything
 * else (and `check` reports).  The intent is not fsynced: it guards against
 * killed processes and full disks; after a power loss the page cache of the
 * log is as lost as the intent.
 */
#define STATE_LEN 96 /* "append-pending " and three numbers of at most 20 digits fit */

struct log_state {
	long long size, mtime_s, mtime_ns, ino;
};

static void stat_state(const struct stat *st, struct log_state *s)
{
	s->size = (long long)st->st_size;
	s->mtime_s = (long long)st->st_mtim.tv_sec;
	s->mtime_ns = (long long)st->st_mtim.tv_nsec;
	s->ino = (long long)st->st_ino;
}

/* Is the log (stat `st`) torn according to the cache text? */
static bool torn_by(const char *text, const struct stat *st, off_t *keep)
{
	long long size, ino;
	size_t len;
	if (sscanf(text, "append-pending %lld %zu %lld", &size, &len, &ino) == 3 &&
	    ino == (long long)st->st_ino && (long long)st->st_size > size &&
	    (unsigned long long)st->st_size < (unsigned long long)size + len) {
		*keep = (off_t)size;
		return true;
	}
	return false;
}

/* Read the cache once, at the beginning (a missing or unreadable one is
 * no cache).  True when there is none at all. */
static bool load_state(struct ruru_logtx *tx)
{
	struct ruru_error ignore = { 0 };
	ruru_buf_reset(&tx->state);
	tx->have_state = false;
	int fd = ruru_store_open_read_stat(tx->dir, tx->statepath, &tx->statest, &ignore);
	if (fd < 0)
		return ignore.code == RURU_ENOTFOUND;
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	ruru_buf_add(&tx->state, buf, (size_t)n);
	tx->have_state = true;
	return false;
}

/* Does the cache say the log is unchanged since ruru last wrote it, with
 * its Log Entries section last? */
static bool cache_says_appendable(struct ruru_logtx *tx, const struct stat *st)
{
	struct log_state want, have;
	long long size, ino;
	size_t len;
	if (!tx->have_state)
		return false;
	stat_state(st, &want);
	if (sscanf(tx->state.ptr, "append-ok %lld %lld %lld %lld", &have.size, &have.mtime_s,
		   &have.mtime_ns, &have.ino) == 4)
		return !memcmp(&want, &have, sizeof(want));
	return sscanf(tx->state.ptr, "append-pending %lld %zu %lld", &size, &len, &ino) == 3 &&
	       ino == want.ino && (unsigned long long)want.size == (unsigned long long)size + len &&
	       tx->statest.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	       tx->statest.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/* After a rewrite of the log: remember its identity (a cache, so neither
 * durable nor routed through the fault injection: losing it only costs one
 * full scan).  The session lock makes the fixed temp name safe. */
static void cache_store(struct ruru_logtx *tx, bool appendable)
{
	struct stat st;
	struct ruru_error ignore = { 0 };
	if (appendable && ruru_store_lstat(tx->dir, tx->path, &st, &ignore) == 0) {
		struct log_state s;
		stat_state(&st, &s);
		char line[128];
		int n = snprintf(line, sizeof(line), "append-ok %lld %lld %lld %lld\n", s.size,
				 s.mtime_s, s.mtime_ns, s.ino);
		if (ruru_store_write_cache(tx->dir, tx->statepath, line, (size_t)n, &ignore) < 0)
			ruru_store_remove(tx->dir, tx->statepath, &ignore);
	} else {
		ruru_store_remove(tx->dir, tx->statepath, &ignore);
	}
}

/* Record the intent of appending `len` bytes to the log of stat `st`; the
 * cache stays open (tx->statefd) for the log's mtime after the append.
 * -1 with err when it cannot be recorded: then nothing is appended. */
static int record_intent(struct ruru_logtx *tx, const struct stat *st, size_t len,
			 struct ruru_error *err)
{
	char line[STATE_LEN + 1];
	int n = snprintf(line, sizeof(line), "append-pending %lld %zu %lld", (long long)st->st_size,
			 len, (long long)st->st_ino);
	/* fixed width: the record always covers what an older one left */
	memset(line + n, ' ', (size_t)(STATE_LEN - 1 - n));
	line[STATE_LEN - 1] = '\n';
	tx->statefd = ruru_store_overwrite(tx->dir, tx->statepath, line, STATE_LEN, err);
	if (tx->statefd < 0) {
		ruru_error_set_file(err, tx->statepath);
		return -1;
	}
	return 0;
}

bool ruru_log_torn_tail(struct ruru_store *store, int dirfd, const char *state_path,
			const struct stat *st, off_t *keep)
{
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	bool torn = false;
	int fd = dirfd != AT_FDCWD ? ruru_open_read_at(dirfd, state_path, &ignore)
		 : store	    ? ruru_store_open_read(store, state_path, &ignore)
				    : ruru_file_open_read(state_path, &ignore);
	if (fd < 0)
		return false;
	struct stat sst;
	int rc = fstat(fd, &sst) == 0 && S_ISREG(sst.st_mode) && sst.st_size < 4096
			 ? ruru_buf_read_fd(&b, fd, &ignore)
			 : -1;
	close(fd);
	if (rc == 0)
		torn = torn_by(b.ptr, st, keep);
	ruru_buf_release(&b);
	return torn;
}

bool ruru_log_torn_shape(const char *tail, size_t len)
{
	/* What commit_append writes: maybe the line ending that completes the
	 * last line, then an entry line in ruru's form. */
	if (len >= 2 && tail[0] == '\r' && tail[1] == '\n') {
		tail += 2;
		len -= 2;
	} else if (len >= 1 && tail[0] == '\n') {
		tail++;
		len--;
	}
	return len >= 3 && memcmp(tail, RURU_LIT("- [")) == 0;
}

/* pread until `len` bytes or the end; the count read, -1 on error. */
static ssize_t pread_full(int fd, char *p, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Under the lock, before anything else: cut a torn tail back.  The intent
 * is only a cache, so the bytes must look like what ruru appended too: a
 * forged .state cannot make ruru cut a log. */
static int cut_torn_tail(struct ruru_logtx *tx, struct ruru_error *err)
{
	off_t keep;
	int rc = 0;
	struct ruru_error ignore = { 0 };
	if (!tx->have_state || !S_ISREG(tx->logst.st_mode) ||
	    !torn_by(tx->state.ptr, &tx->logst, &keep))
		return 0;
	size_t n = (size_t)(tx->logst.st_size - keep);
	char *tail = ruru_xmalloc(n);
	ssize_t got = pread_full(tx->logfd, tail, n, keep);
	if (got == (ssize_t)n && ruru_log_torn_shape(tail, n)) {
		rc = ruru_store_truncate(tx->dir, tx->path, keep, err);
		if (rc < 0)
			ruru_error_set_file(err, tx->display);
		else {
			/* the log changed: scan again next time */
			ruru_store_remove(tx->dir, tx->statepath, &ignore);
			tx->have_state = false;
			if (fstat(tx->logfd, &tx->logst) < 0)
				rc = ruru_error_set(err, RURU_EFAIL, "cannot stat: %s", strerror(errno));
		}
	}
	free(tail);
	return rc;
}

/* Is the Log Entries section last in the loaded text? */
static bool section_is_last(struct ruru_logtx *tx)
{
	size_t at;
	bool needs_nl;
	const char *eol;
	return ruru_entries_append_point(tx->text.ptr, tx->text.len, tx->fm.body, &at, &needs_nl,
					 &eol) &&
	       at == tx->text.len;
}

static int commit_append(struct ruru_logtx *tx, struct ruru_error *err)
{
	/* the log as begin found it: the lock keeps other ruru writers out */
	const struct stat st = tx->logst;
	if (!cache_says_appendable(tx, &st)) {
		if (load_whole(tx, err) < 0)
			return -1;
		if (!section_is_last(tx))
			return 1; /* the caller inserts and rewrites */
	}
	char last = '\n';
	if (tx->loaded && tx->text.len)
		last = tx->text.ptr[tx->text.len - 1];
	else if (!tx->loaded && st.st_size > 0 &&
		 pread_full(tx->logfd, &last, 1, st.st_size - 1) != 1) {
		ruru_error_set(err, RURU_EFAIL, "cannot read: %s", strerror(errno));
		ruru_error_set_file(err, tx->display);
		return -1;
	}
	struct ruru_buf rec = RURU_BUF_INIT;
	if (st.st_size > 0 && last != '\n')
		ruru_buf_addstr(&rec, tx->eol);
	ruru_buf_add(&rec, tx->appends.ptr, tx->appends.len);
	bool had_state = tx->have_state;
	if (record_intent(tx, &st, rec.len, err) < 0) {
		struct ruru_error ignore = { 0 };
		if (!had_state) /* a cache this failure made goes again */
			ruru_store_remove(tx->dir, tx->statepath, &ignore);
		ruru_buf_release(&rec);
		return -1;
	}
	struct stat after;
	int rc = ruru_store_append_stat(tx->dir, tx->path, rec.ptr, rec.len, &after, err);
	ruru_buf_release(&rec);
	if (rc == 0) {
		/* the intent now also says "done": its mtime is the log's */
		struct timespec t[2] = { after.st_mtim, after.st_mtim };
		futimens(tx->statefd, t);
	} else {
		/* The store took the failed write back: the log has SIZE bytes,
		 * which the intent reads as neither torn nor appendable. */
		ruru_error_set_file(err, tx->display);
	}
	close(tx->statefd);
	tx->statefd = -1;
	return rc;
}

int ruru_logtx_commit(struct ruru_logtx *tx, struct ruru_error *err)
{
	int rc = 0;
	if (tx->nstaged && publish(tx, err) < 0) {
		rc = -1;
		goto out;
	}
	if (!tx->dirty && tx->appends.len) {
		rc = commit_append(tx, err);
		if (rc <= 0)
			goto out;
		rc = 0;
	}
	if (tx->appends.len) {
		insert_entries(tx, tx->appends.ptr, tx->appends.len);
		ruru_buf_reset(&tx->appends);
	}
	if (tx->dirty) {
		rc = ruru_store_write(tx->dir, tx->path, tx->text.ptr, tx->text.len, 0666, err);
		if (rc < 0)
			ruru_error_set_file(err, tx->display);
		else
			cache_store(tx, section_is_last(tx));
	}
out:
	if (rc < 0) {
		unpublish(tx);
	} else {
		/* Published: the folders and a new session's folder stay. */
		drop_made(tx, false);
		free(tx->new_dir);
		tx->new_dir = NULL;
	}
	ruru_logtx_abort(tx);
	return rc;
}
