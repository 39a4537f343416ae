/*
 * schema.c — the index database itself: its schema and version, opening a
 * connection the defensive way (the index file is read as hostile input),
 * and the check that an existing file's schema is exactly ruru's (anything
 * else is rebuilt by index.c).  Also the two helpers every file of the
 * index uses: the error record and the test for scripts written without
 * spaces.
 */
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "index_int.h"
#include "banned.h"


static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, kind INTEGER,"
	" sdir TEXT, dev INTEGER, ino INTEGER, size INTEGER, mtime INTEGER,"
	" tail_from INTEGER, tail_line INTEGER, prefix BLOB);"
	/* Kept in `list` order (newest first is a backward scan), so that
	 * listing 100,000 sessions reads the table once in order rather
	 * than looking every row up from an index. */
	/* The first level: a session's front matter, and the (device,
	 * inode, size, mtime) of the log it was read from. */
	"CREATE TABLE sessions(start INTEGER NOT NULL, id TEXT NOT NULL, sdir TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL, valid INTEGER, problem TEXT, status INTEGER, end INTEGER,"
	" tags_lc TEXT, keys BLOB, layout INTEGER, dev INTEGER, ino INTEGER, size INTEGER,"
	" mtime INTEGER, PRIMARY KEY(start, id, sdir)) WITHOUT ROWID;"
	"CREATE INDEX sessions_id ON sessions(id);"
	/* `list --status` and MCP session_list's status filter: the rows of
	 * one status in `list` order (the primary key follows the status),
	 * and their count, without reading the table. */
	"CREATE INDEX sessions_status ON sessions(status);"
	/* The layouts' sessions folders as the first level last saw them
	 * (scan.c: struct layout_seen), and the names of their session
	 * folders without a log, NUL-separated. */
	"CREATE TABLE layouts(layout INTEGER PRIMARY KEY, dev INTEGER, ino INTEGER, mtime INTEGER,"
	" nolog BLOB);"
	"CREATE TABLE docs(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, kind INTEGER,"
	" sdir TEXT, session TEXT, line INTEGER, time INTEGER, zone TEXT, type TEXT,"
	" mode TEXT, task TEXT, start_off INTEGER);"
	"CREATE INDEX docs_file ON docs(file_id, start_off);"
	"CREATE VIRTUAL TABLE fts USING fts5(text, type, mode, task,"
	" tokenize='unicode61 remove_diacritics 2');"
	/* Scripts written without spaces (Chinese, Japanese, Thai...) are one
	 * unicode61 token per run: the documents holding such text are also
	 * indexed by trigram, where any run of three characters is found
	 * inside a longer one (search.c asks it for queries in those scripts). */
	"CREATE VIRTUAL TABLE fts_tri USING fts5(text, tokenize='trigram');";

int ruru_index_error(sqlite3 *db, struct ruru_error *err, const char *what)
{
	return ruru_error_set(err, RURU_EFAIL, "search index: %s: %s", what,
			      db ? sqlite3_errmsg(db) : "out of memory");
}

bool ruru_index_nospace(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0xe0 || p[i] >= 0xf8 || i + 2 >= len)
			continue;
		uint32_t c;
		if (p[i] < 0xf0) {
			c = (uint32_t)(p[i] & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 |
			    (p[i + 2] & 0x3f);
		} else {
			if (i + 3 >= len)
				continue;
			c = (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12 |
			    (uint32_t)(p[i + 2] & 0x3f) << 6 | (p[i + 3] & 0x3f);
		}
		if ((c >= 0x0e00 && c <= 0x0eff) ||   /* Thai, Lao */
		    (c >= 0x1000 && c <= 0x109f) ||   /* Myanmar */
		    (c >= 0x1780 && c <= 0x17ff) ||   /* Khmer */
		    (c >= 0x2e80 && c <= 0x9fff) ||   /* CJK radicals, kana, ideographs */
		    (c >= 0xf900 && c <= 0xfaff) ||   /* CJK compatibility ideographs */
		    (c >= 0xff65 && c <= 0xff9f) ||   /* halfwidth katakana */
		    (c >= 0x20000 && c <= 0x3ffff))   /* CJK extensions */
			return true;
	}
	return false;
}

int idx_exec(sqlite3 *db, const char *s)
{
	return sqlite3_exec(db, s, NULL, NULL, NULL);
}

/* The schema version of an open index: 0 for an empty database, -1
 * (with the SQLite code in *rc) when it cannot be read. */
int idx_version(sqlite3 *db, int *rc)
{
	sqlite3_stmt *q;
	int v = -1;
	*rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(q);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int(q, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return v;
}

/* PRAGMA data_version: changes when another connection commits; -1
 * when it cannot be read. */
int64_t idx_data_version(sqlite3 *db)
{
	sqlite3_stmt *q;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

int idx_create_schema(sqlite3 *db)
{
	char v[64];
	int rc = idx_exec(db, schema);
	if (rc == SQLITE_OK) {
		snprintf(v, sizeof(v), "PRAGMA user_version=%d", INDEX_VERSION);
		rc = idx_exec(db, v);
	}
	return rc;
}

/* An index file is read as hostile input all the same (it is only
 * ever ruru's, but a file can be swapped): no schema changes by writing
 * sqlite_master, no SQL functions called from the schema, no triggers, no
 * views (ruru's schema has none, so one found there never runs). */
int idx_defend(sqlite3 *db)
{
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	if (rc == SQLITE_OK)
		rc = idx_exec(db, "PRAGMA trusted_schema=OFF");
	return rc;
}

int idx_open_db(const char *path, bool rw, sqlite3 **db)
{
	int flags = rw ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	flags |= SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, db, flags, idx_vfs());
	if (rc == SQLITE_OK)
		rc = idx_defend(*db);
	if (rc == SQLITE_OK)
		rc = ruru_rank_register(*db);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(*db, IDX_BUSY_MS);
		sqlite3_extended_result_codes(*db, 0);
		/* Closing must not checkpoint (and fsync) in every reader: the
		 * writers' commits checkpoint as the WAL grows. */
		sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		/* Derived data: a power cut may lose the last update (it is
		 * redone from the files), never the database's integrity. */
		sqlite3_exec(*db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
		/* The write-ahead log keeps the size of the biggest update
		 * (a rebuild: the whole index) unless cut back after a
		 * checkpoint. */
		sqlite3_exec(*db, "PRAGMA journal_size_limit=4194304", NULL, NULL, NULL);
	}
	return rc;
}

/* ------------------------------------------------------ schema check */

/* sqlite_master as one string: every object's type, name, table and SQL
 * (the root pages left out).  SQLite result code. */
static int schema_text(sqlite3 *db, struct ruru_buf *out)
{
	sqlite3_stmt *q;
	ruru_buf_reset(out);
	int rc = sqlite3_prepare_v2(db,
				    "SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_master"
				    " ORDER BY type, name",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		for (int c = 0; c < 4; c++) {
			const unsigned char *t = sqlite3_column_text(q, c);
			ruru_buf_addstr(out, t ? (const char *)t : "");
			ruru_buf_addch(out, c < 3 ? '\037' : '\036');
		}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static struct ruru_buf own_schema = RURU_BUF_INIT;
static pthread_once_t own_schema_once = PTHREAD_ONCE_INIT;

/* ruru's own schema as schema_text() reads it, made once in memory. */
static void own_schema_make(void)
{
	sqlite3 *db;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
		    SQLITE_OK &&
	    idx_create_schema(db) == SQLITE_OK)
		schema_text(db, &own_schema);
	sqlite3_close(db);
}

/* Is the schema of `db` exactly ruru's (nothing added, nothing changed)?
 * An empty database counts when `empty_ok`. */
bool idx_schema_is_ours(sqlite3 *db, bool empty_ok, int *rc)
{
	pthread_once(&own_schema_once, own_schema_make);
	struct ruru_buf t = RURU_BUF_INIT;
	*rc = schema_text(db, &t);
	bool ours = *rc == SQLITE_OK && own_schema.len &&
		    ((empty_ok && t.len == 0) ||
		     (t.len == own_schema.len && !memcmp(t.ptr, own_schema.ptr, t.len)));
	ruru_buf_release(&t);
	return ours;
}
