/*
 * index_int.h — what the files of the search index share among themselves
 * (nothing outside src/lib/index/ includes it); index.h is the rest of the
 * library's view.
 *
 *   schema.c  the schema, opening a connection defensively, the schema check
 *   vfs.c     SQLite's file layer through the storage layer's faults
 *   cache.c   where the index lives (the user's cache), `reindex --prune`
 *   scan.c    the walk of the session folders, the rows it is compared with
 *   update.c  the second level (text: entries, sessions, artifacts)
 *   meta.c    the first level (front matter, for `list`)
 *   index.c   ruru_index_open(): check, update or rebuild, under the lock
 */
#ifndef RURU_INDEX_INT_H
#define RURU_INDEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "index.h"

struct ruru_store;

/* Bump when the schema or what is indexed changes: old indexes are rebuilt. */
#define INDEX_VERSION 16
#define ARTIFACT_MAX (1024 * 1024)
/* Logs up to STREAM_MIN bytes are read whole; bigger ones stream through
 * windows of STREAM_WINDOW bytes cut at an entry (a window with no entry
 * to cut at grows up to STREAM_WINDOW_MAX), so that indexing needs the
 * same memory whatever one log's size. */
#define STREAM_MIN (4u << 20)
#define STREAM_WINDOW (1u << 20)
#define STREAM_WINDOW_MAX (8u << 20)
/* The hash of a log's first bytes is chained over blocks of this size. */
#define HASH_BLOCK (1u << 20)
#define WALK_DEPTH 8
/* How long a connection waits for another process's lock (ms). */
#define IDX_BUSY_MS 10000

/* ------------------------------------------------------------ schema.c */

int idx_exec(sqlite3 *db, const char *sql);
/* The schema version of an open index: 0 for an empty database, -1
 * (with the SQLite code in *rc) when it cannot be read. */
int idx_version(sqlite3 *db, int *rc);
/* PRAGMA data_version: changes when another connection commits; -1
 * when it cannot be read. */
int64_t idx_data_version(sqlite3 *db);
int idx_create_schema(sqlite3 *db);
/* The defensive settings of a connection (schema.c says which). */
int idx_defend(sqlite3 *db);
/* Open the index file `path` (read-write when `rw`) through vfs.c. */
int idx_open_db(const char *path, bool rw, sqlite3 **db);
/* Is the schema of `db` exactly ruru's?  An empty one counts when
 * `empty_ok`. */
bool idx_schema_is_ours(sqlite3 *db, bool empty_ok, int *rc);

/* --------------------------------------------------------------- vfs.c */

/* The name of the VFS to open index files with, registered on first use
 * (NULL: SQLite's default, when it could not be made). */
const char *idx_vfs(void);

/* ------------------------------------------------------------- cache.c */

/* The index folder of `ws` into *dir and a store of it into *cs.  0 with
 * *cs NULL when there is no cache folder to use (the index is then kept
 * in memory); -1 with `err` when it is refused. */
int idx_cache_open(const struct ruru_ws *ws, struct ruru_buf *dir, struct ruru_store **cs,
		   struct ruru_error *err);
/* A file of the index that exists must be a regular file. */
int idx_check_not_symlink(struct ruru_store *cs, const char *dir, const char *name,
			  struct ruru_error *err);
/* Delete the index's database files (a rebuild). */
void idx_unlink(struct ruru_store *cs);

/* -------------------------------------------------------------- scan.c */

enum { F_LOG = 1, F_ARTIFACT = 2, F_DIR = 3 };

/* Strings of a scan or of the rows, allocated from blocks that never
 * move (no malloc per path: 35,000 of them on every search). */
struct arena {
	char **blk;
	size_t nblk;
	size_t used, cap; /* of the last block */
};

struct frow {
	int64_t id;
	const char *path; /* in the rows' arena */
	int kind;
	int64_t dev, ino, size, mtime, tail_from, tail_line;
	unsigned char prefix[32];
	bool has_prefix;
};

struct frows {
	struct frow *v;
	size_t n, cap;
	struct arena arena;
};

struct fent {
	const char *path; /* relative to the root, in the scan's arena */
	size_t sdir_len; /* path[0, sdir_len) is the session folder */
	const char *sid; /* its last component (inside path) */
	size_t sid_len;
	int kind;
	int64_t dev, ino, size, mtime;
};

/* A layout's sessions folder as a scan saw it.  While its (device,
 * inode, mtime) stay the same, no session folder was made, removed or
 * renamed in it: `list` then takes their names from the index (the
 * sessions' rows and the folders without a log) instead of reading the
 * folder. */
struct layout_seen {
	bool present;
	int64_t dev, ino, mtime; /* mtime -1: changed too recently to be trusted */
};

/* A session folder without a log (a log made in it later must be seen). */
struct nolog {
	const char *name; /* in an arena */
	int layout;
};

struct scan {
	struct fent *v;
	size_t n, cap;
	struct arena arena;
	struct layout_seen lay[RURU_LAYOUT_COUNT];
	bool lay_stale; /* `list`'s check: a layout folder's row is not as the folder is now */
	struct nolog *nl;
	size_t nnl, capnl;
};

/* The logs' rows of the index, for `list`'s check: a log's path is always
 * LAYOUT/SESSION/session_log.md, so a row is found by its layout and
 * session folder name, which is what the walking threads have in hand
 * when they stat a log (no path built, no copy of the scan, no sort; the
 * rows read in table order, not through an index). */
struct logrow {
	const char *sid; /* in the arena */
	uint32_t len;
	int layout;
	uint64_t hash;
	int64_t dev, ino, size, mtime;
};

struct logrows {
	struct logrow *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1 into v; open addressing */
	size_t mask;
	struct arena arena;
	bool odd; /* a row not of that shape (never the case): not fresh */
	/* the layouts' folders as the last update of the first level saw
	 * them, and their session folders without a log */
	struct layout_seen lay[RURU_LAYOUT_COUNT];
	struct nolog *nl;
	size_t nnl;
};

enum { ROWS_FILES, ROWS_SESSIONS };

void idx_frows_release(struct frows *r);
void idx_scan_release(struct scan *s);
void idx_logrows_release(struct logrows *lr);
/* The `sessions` rows as logrows, with the `layouts` rows (SQLite
 * result code). */
int idx_load_logrows(sqlite3 *db, struct logrows *lr);
/* Every session log and (unless logs_only) every file and folder of the
 * session folders, sorted by path when `sort`.  `rows` (the last update's,
 * sorted; may be empty) spares the readdir of folders that did not
 * change; with `lr` (logs_only) *fresh says whether every log is as its
 * row says, and nothing is kept in `s`. */
void idx_scan_logs(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
		   const struct logrows *lr, bool sort, bool *fresh);
void idx_scan_workspace(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
			bool sort);
void idx_scan_sort(struct scan *s);
/* The `files` table (ROWS_FILES), or the logs the `sessions` rows were
 * read from (ROWS_SESSIONS), sorted by path.  SQLite result code. */
int idx_load_rows(sqlite3 *db, struct frows *r, int which);
bool idx_same_stat(const struct fent *f, const struct frow *r);
/* How many files differ between the disk and the index. */
size_t idx_count_changes(const struct scan *s, const struct frows *r);

/* ------------------------------------------------------------ update.c */

enum {
	Q_DEL_FTS, Q_DEL_TRI, Q_DEL_DOCS, Q_DEL_FILE, Q_DEL_SESSION, Q_INS_DOC, Q_INS_FTS,
	Q_INS_TRI, Q_INS_FILE, Q_UPD_FILE, Q_INS_SESSION, Q_DEL_LAYOUTS, Q_INS_LAYOUT, Q_COUNT
};

struct updater {
	sqlite3 *db;
	int rootfd;
	sqlite3_stmt *q[Q_COUNT];
	struct ruru_index_stats *st;
	struct ruru_buf text, clean;
	struct ruru_tokens tk; /* lengths of documents (rank.c) */
	int64_t seq;           /* the last document's number (its rowid's high bits) */
	int rc;                /* first SQLite error */
	/* progress of a long update (ruru_ws_set_progress) */
	const struct ruru_ws *ws;
	struct ruru_progress pr;
	int64_t t0, shown; /* ms: start, last report (-1: none yet) */
};

/* The statements and buffers of an update.  SQLite result code. */
int idx_updater_open(struct updater *u, sqlite3 *db, int rootfd, const struct ruru_ws *ws,
		     struct ruru_index_stats *st);
/* Returns the first SQLite error of the update. */
int idx_updater_close(struct updater *u);
/* Step a statement (then reset it); false, the first error kept, on failure. */
bool idx_run(struct updater *u, sqlite3_stmt *q);
void idx_bind_text(sqlite3_stmt *q, int i, const char *s);
/* Report progress (ruru_ws_set_progress); `last` closes a report. */
void idx_tick(struct updater *u, bool last);
/* How many logs of the scan are new or changed against the rows. */
size_t idx_logs_to_read(const struct scan *s, const struct frows *r);
/* The layout whose sessions folder holds `path`. */
int idx_layout_of(const char *path);
/* Apply every difference between the scan and the `files` rows to the
 * second level (inside the caller's write transaction).  SQLite code. */
int idx_apply_changes(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
		      const struct frows *r, struct ruru_index_stats *st);

/* -------------------------------------------------------------- meta.c */

/* Bring the first level (the sessions' rows) up to date with the logs of
 * the scan, against `m` (the rows' paths and stats, sorted).  SQLite code. */
int idx_apply_meta(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
		   const struct frows *m, struct ruru_index_stats *st);

#endif
