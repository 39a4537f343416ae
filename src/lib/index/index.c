/*
 * index.c — the search index: an SQLite
 * database (WAL) in the user's cache folder (see "where it lives") holding one row per indexed file with the (device, inode,
 * size, mtime) it was read at, one row per session (its front matter, for
 * `list`), and one FTS5 document per entry, session and text artifact.
 *
 * Bringing it up to date: walk the session folders of every layout (§1)
 * from the root with O_NOFOLLOW (symlinks, FIFOs and anything but regular
 * files and folders are never opened), stat every log and artifact, and
 * compare with the `files` rows.  That walk is one fstatat per folder,
 * log and artifact (a folder whose stat is unchanged is not read again:
 * its rows list its names), the session folders shared by two threads;
 * `list` stats the logs only and compares each with its row as it goes.
 * Each document's rowid carries its length in tokens for ranking
 * (rank.c).  When nothing changed the reader goes on without taking any
 * lock.  Otherwise it takes the cache folder's index.lock (one
 * writer at a time), and in one transaction drops what vanished, indexes
 * what is new and re-indexes what changed; readers of the database see
 * either the old or the new index, never a half-done one, and a writer
 * killed half way leaves the old one (SQLite rolls the WAL back).
 *
 * A log that only grew is indexed from its last entry on: the row keeps
 * where that entry starts and a SHA-256 of every byte before it, so a log
 * that shrank, was rewritten (new inode), or changed anywhere before its
 * last entry is re-indexed whole, and so is one whose new bytes hold
 * anything but entries (a heading, a fence).  Re-reading from the last
 * entry takes in text that continued it.
 *
 * A missing, corrupt (not a database) or old-version index is deleted and
 * rebuilt under the lock, and so is one whose schema is not exactly
 * ruru's.  A symlinked index, -wal, -shm or lock file is refused
 * (RURU_EREFUSED).  With no cache folder, or one that cannot be written,
 * the workspace is indexed into memory for the one process.
 *
 * The jobs are a file each (index_int.h lists them); this one is the
 * calling sequence: the cache folder, the check, the lock, the update or
 * the rebuild.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "index_int.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

/* Bring the first level, and with `text` the second, up to date with the
 * scan (inside the caller's write transaction).  `rows` are the `files`
 * rows when `loaded`, else they are read here.  SQLite result code. */
static int update_levels(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
			 bool text, struct frows *rows, bool loaded, struct ruru_index_stats *st)
{
	struct frows m = { 0 };
	int rc = idx_load_rows(db, &m, ROWS_SESSIONS);
	if (rc == SQLITE_OK)
		rc = idx_apply_meta(db, rootfd, text ? NULL : ws, s, &m, st);
	idx_frows_release(&m);
	if (rc == SQLITE_OK && text) {
		if (!loaded) {
			idx_frows_release(rows);
			rc = idx_load_rows(db, rows, ROWS_FILES);
		}
		if (rc == SQLITE_OK)
			rc = idx_apply_changes(db, rootfd, ws, s, rows, st);
	}
	return rc;
}

/* Full build into an in-memory database (read-only workspace). */
static int build_in_memory(struct ruru_index *ix, int rootfd, const struct ruru_ws *ws,
			   const struct scan *s, bool text, struct ruru_index_stats *st,
			   struct ruru_error *err)
{
	if (ix->db)
		sqlite3_close(ix->db);
	ix->db = NULL;
	ix->in_memory = true;
	memset(st, 0, sizeof(*st));
	st->in_memory = st->rebuilt = true;
	int rc = sqlite3_open_v2(":memory:", &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc == SQLITE_OK)
		rc = ruru_rank_register(ix->db);
	if (rc == SQLITE_OK)
		rc = idx_create_schema(ix->db);
	if (rc == SQLITE_OK)
		rc = idx_exec(ix->db, "BEGIN");
	struct frows none = { 0 };
	if (rc == SQLITE_OK)
		rc = idx_defend(ix->db);
	if (rc == SQLITE_OK)
		rc = update_levels(ix->db, rootfd, ws, s, text, &none, false, st);
	idx_frows_release(&none);
	if (rc == SQLITE_OK)
		rc = idx_exec(ix->db, "COMMIT");
	if (rc != SQLITE_OK)
		return ruru_index_error(ix->db, err, "cannot build in memory");
	return 0;
}



void ruru_index_close(struct ruru_index *ix)
{
	/* watched: kept open for the next call, unless a transaction is
	 * left open (a failed query) */
	if (ix->db && ix->park && sqlite3_get_autocommit(ix->db) &&
	    ruru_watch_park_db(ix->park, ix->db, ix->dev, ix->ino))
		ix->db = NULL;
	if (ix->db)
		sqlite3_close(ix->db);
	ix->db = NULL;
}

/* Can this process write the index?  (A read-only workspace cannot.) */
static bool cannot_write(int rc, int sys_errno)
{
	rc &= 0xff;
	return rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_PERM ||
	       rc == SQLITE_AUTH || sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM;
}

int ruru_index_open(struct ruru_index *ix, struct ruru_ws *ws, unsigned flags,
		    struct ruru_index_stats *stp, struct ruru_error *err)
{
	bool rebuild = flags & RURU_INDEX_REBUILD, logs_only = flags & RURU_INDEX_LOGS_ONLY;
	if (rebuild)
		logs_only = false;
	struct ruru_index_stats dummy;
	struct ruru_index_stats *st = stp ? stp : &dummy;
	memset(st, 0, sizeof(*st));
	memset(ix, 0, sizeof(*ix));
	struct ruru_error rerr = { 0 };
	int rootfd = ruru_store_open_dir(ws->store, "", &rerr);
	if (rootfd < 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot open the workspace root: %s",
				      strerror(errno));
	struct scan s = { 0 };
	struct frows rows = { 0 };
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_buf cdir = RURU_BUF_INIT;
	struct ruru_store *cs = NULL; /* the index's folder in the cache */
	char *dbpath = NULL;
	int result = -1, rc = SQLITE_OK;
	struct frows none = { 0 };
	int level = logs_only ? 0 : 1;
	uint64_t wgen = 0;
	bool synced = false, wlocked = false; /* with a watch (watch.c) */
	if (idx_cache_open(ws, &cdir, &cs, err) < 0)
		goto out;
	if (!cs) { /* no cache folder: nothing to keep it in */
		idx_scan_workspace(rootfd, &s, logs_only, &none, true);
		result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
		goto out;
	}
	if (idx_check_not_symlink(cs, cdir.ptr, "index.sqlite3", err) < 0 ||
	    idx_check_not_symlink(cs, cdir.ptr, "index.sqlite3-wal", err) < 0 ||
	    idx_check_not_symlink(cs, cdir.ptr, "index.sqlite3-shm", err) < 0 ||
	    idx_check_not_symlink(cs, cdir.ptr, "index.lock", err) < 0)
		goto out;
	/* Its files (the lock, the deletes of a rebuild, the name of the
	 * root) go through the cache folder's store (cache.c). */
	struct stat rst;
	struct ruru_error rerr2 = { 0 };
	if (ruru_store_lstat(cs, "root", &rst, &rerr2) < 0 && rerr2.code == RURU_ENOTFOUND) {
		char *real = realpath(ws->root, NULL);
		struct ruru_buf text = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&text, "%s\n", real ? real : ws->root);
		ruru_store_write_cache(cs, "root", text.ptr, text.len, &e); /* best effort */
		ruru_buf_release(&text);
		free(real);
	}
	struct ruru_buf pb = RURU_BUF_INIT;
	ruru_buf_addf(&pb, "%s/index.sqlite3", cdir.ptr);
	dbpath = ruru_buf_detach(&pb, NULL);

	/* Watched (a long-running front end): nothing reported since this
	 * level was last brought up to date, and the index is ours: no
	 * sweep at all, and the connection of the last call when the index
	 * file is still the one it opened (stat before any open: a file
	 * made again meanwhile is at worst opened again next time). */
	struct stat ist;
	bool ist_ok = false;
	if (ws->watch) {
		ruru_watch_index_lock(ws->watch);
		wlocked = true;
		struct ruru_error se = { 0 };
		ist_ok = ruru_store_lstat(cs, "index.sqlite3", &ist, &se) == 0;
		ix->dev = ist_ok ? (int64_t)ist.st_dev : -1;
		ix->ino = ist_ok ? (int64_t)ist.st_ino : -1;
		if (!rebuild && ruru_watch_fresh(ws->watch, level, &wgen)) {
			ix->db = ruru_watch_take_db(ws->watch, ist_ok, ix->dev, ix->ino);
			if (ix->db || idx_open_db(dbpath, true, &ix->db) == SQLITE_OK) {
				if (idx_version(ix->db, &rc) == INDEX_VERSION &&
				    idx_schema_is_ours(ix->db, false, &rc)) {
					result = 0;
					goto out;
				}
			}
			if (ix->db)
				sqlite3_close(ix->db);
			ix->db = NULL;
		} else {
			/* a sweep opens its own: the parked one is closed */
			(void)ruru_watch_take_db(ws->watch, false, 0, 0);
		}
	}

	/* Fast path: the index is there, readable, current, and agrees
	 * with every file's stat: no lock, no write.  Its rows spare the
	 * readdir of every folder that did not change. */
	bool fresh = false, scanned = false, usable = false;
	int64_t seen_version = -1; /* data_version when `rows` were read, if they were */
	if (!rebuild && idx_open_db(dbpath, true, &ix->db) == SQLITE_OK) {
		int v = idx_version(ix->db, &rc);
		if (v == INDEX_VERSION && idx_schema_is_ours(ix->db, false, &rc)) {
			usable = true;
			rc = idx_exec(ix->db, "BEGIN");
			if (rc == SQLITE_OK && logs_only) {
				/* Compare only; when something changed, the update
				 * walks again for the paths (rare for `list`). */
				struct logrows lr = { 0 };
				rc = idx_load_logrows(ix->db, &lr);
				if (rc == SQLITE_OK && !lr.odd)
					idx_scan_logs(rootfd, &s, true, &none, &lr, false, &fresh);
				/* Nothing changed, but a sessions folder's row is
				 * out of date (it was made too recently to be
				 * trusted): one update records it, so that the
				 * next `list` need not read the folder. */
				if (fresh && s.lay_stale && !sqlite3_db_readonly(ix->db, "main"))
					fresh = false;
				idx_logrows_release(&lr);
			} else if (rc == SQLITE_OK) {
				rc = idx_load_rows(ix->db, &rows, ROWS_FILES);
				if (rc == SQLITE_OK) {
					seen_version = idx_data_version(ix->db);
					idx_scan_workspace(rootfd, &s, logs_only, &rows, true);
					scanned = true;
					fresh = idx_count_changes(&s, &rows) == 0;
				}
			}
			idx_exec(ix->db, "COMMIT");
			if (fresh) {
				result = 0;
				synced = true;
				goto out;
			}
		}
	}
	if (!scanned)
		idx_scan_workspace(rootfd, &s, logs_only, &none, true);
	idx_scan_sort(&s); /* the update merges it with the rows, both by path */

	/* Update (or rebuild) under the writer lock. */
	if (ruru_store_lock(cs, &lock, "index.lock", err) < 0) {
		if (cannot_write(0, errno)) {
			result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
		} else if (usable && err && err->code == RURU_ECONFLICT) {
			/* Another process has been updating for longer than the
			 * lock wait (a first build of a big workspace): answer
			 * from the last complete index rather than fail. */
			ruru_error_clear(err);
			result = 0;
		}
		goto out;
	}
	/* The index is derived data: when it cannot be used (corrupt, not
	 * ours, old version) it is deleted and made again, once. */
	bool fresh_file = rebuild;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* The connection and rows of the check serve the first attempt
		 * when no other process has committed since (below). */
		bool keep = attempt == 0 && !fresh_file && seen_version >= 0 && ix->db;
		if (!keep) {
			if (ix->db)
				sqlite3_close(ix->db);
			ix->db = NULL;
			idx_frows_release(&rows);
		}
		memset(st, 0, sizeof(*st));
		if (fresh_file)
			idx_unlink(cs);
		st->rebuilt = fresh_file;
		fresh_file = true; /* for the next attempt */
		int v = INDEX_VERSION;
		rc = SQLITE_OK;
		if (!keep) {
			rc = idx_open_db(dbpath, true, &ix->db);
			v = rc == SQLITE_OK ? idx_version(ix->db, &rc) : -1;
		}
		/* Nothing but ruru's own schema (or none yet): a table, view or
		 * trigger added to it is a reason to make the file again. */
		if (rc == SQLITE_OK && !idx_schema_is_ours(ix->db, v == 0, &rc))
			rc = rc == SQLITE_OK ? SQLITE_SCHEMA : rc;
		/* WAL (readers go on while the writer writes, and a commit
		 * needs no fsync), set outside any transaction: inside the
		 * schema's transaction the pragma does nothing, and indexes
		 * made so kept a rollback journal (three fsyncs a commit).
		 * Under the writer lock; already WAL, a no-op. */
		if (rc == SQLITE_OK)
			idx_exec(ix->db, "PRAGMA journal_mode=WAL");
		if (rc == SQLITE_OK && v == 0) {
			rc = idx_exec(ix->db, "BEGIN IMMEDIATE");
			if (rc == SQLITE_OK)
				rc = idx_create_schema(ix->db);
			if (rc == SQLITE_OK)
				rc = idx_exec(ix->db, "COMMIT");
			v = INDEX_VERSION;
			st->rebuilt = true;
		}
		if (rc == SQLITE_OK && v != INDEX_VERSION)
			rc = SQLITE_SCHEMA; /* made by another version of ruru */
		if (rc == SQLITE_OK)
			rc = idx_exec(ix->db, "BEGIN IMMEDIATE");
		if (rc == SQLITE_OK) {
			bool loaded = keep && idx_data_version(ix->db) == seen_version;
			rc = update_levels(ix->db, rootfd, ws, &s, !logs_only, &rows, loaded, st);
			if (rc == SQLITE_OK)
				rc = idx_exec(ix->db, "COMMIT");
		}
		if (rc == SQLITE_OK) {
			/* A big update (a rebuild) went through the write-ahead
			 * log whole: copy it into the database and cut the log
			 * file back now, when no reader is in the way (no wait);
			 * otherwise journal_size_limit cuts it at the next one. */
			if (st->rebuilt) {
				sqlite3_busy_timeout(ix->db, 0);
				idx_exec(ix->db, "PRAGMA wal_checkpoint(TRUNCATE)");
				sqlite3_busy_timeout(ix->db, IDX_BUSY_MS);
			}
			result = 0;
			synced = true;
			break;
		}
		ruru_index_error(ix->db, err, "cannot update");
		if (ix->db && !sqlite3_get_autocommit(ix->db))
			idx_exec(ix->db, "ROLLBACK");
		if (cannot_write(rc, 0)) {
			result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
			break;
		}
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_FULL ||
		    (rc & 0xff) == SQLITE_NOMEM)
			break; /* the index is fine; this process cannot go on */
	}
out:
	if (wlocked) {
		if (synced)
			ruru_watch_mark(ws->watch, level, wgen);
		ruru_watch_index_unlock(ws->watch);
		/* kept open between calls: its page cache (the sessions' and
		 * the matches' pages) is worth more memory than one call's */
		if (result == 0 && ix->db && !ix->in_memory) {
			ix->park = ws->watch;
			idx_exec(ix->db, "PRAGMA cache_size=-32768");
		}
	}
	ruru_lock_release(&lock);
	if (result < 0 && ix->db) {
		sqlite3_close(ix->db);
		ix->db = NULL;
	}
	if (cs)
		ruru_store_close(cs);
	ruru_buf_release(&cdir);
	close(rootfd);
	idx_scan_release(&s);
	idx_frows_release(&rows);
	free(dbpath);
	return result;
}

int ruru_reindex(struct ruru_ws *ws, struct ruru_index_stats *st, struct ruru_error *err)
{
	struct ruru_index ix;
	if (ruru_index_open(&ix, ws, RURU_INDEX_REBUILD, st, err) < 0)
		return -1;
	ruru_index_close(&ix);
	return 0;
}
