/*
 * fuzz_search_query.c — libFuzzer target for the query language of
 * `ruru search`: any bytes either compile into an FTS5 expression or fail
 * with RURU_EUSAGE and a message; every expression that compiles is valid
 * FTS5 (SQLite runs it against a small table without a syntax error), so
 * no query text can ever be FTS5 syntax of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ruru.h"

static sqlite3 *db;
static sqlite3_stmt *q;

static void setup(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE fts USING fts5(text, type, mode, task,"
			 " tokenize='unicode61 remove_diacritics 2');"
			 "INSERT INTO fts VALUES('we decided to use jwt tokens', 'decision', NULL, NULL);"
			 "INSERT INTO fts VALUES('near not and or', 'note', 'dev-python', 'TASK-1');"
			 "INSERT INTO fts VALUES('café quokka \"quoted\" text:col', 'note', NULL, NULL);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT rowid, snippet(fts, -1, '[', ']', '…', 8) FROM fts"
				   " WHERE fts MATCH ?1 ORDER BY bm25(fts)",
			       -1, &q, NULL) != SQLITE_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		setup();
	struct ruru_error err = { 0 };
	struct ruru_buf expr = RURU_BUF_INIT;
	ruru_error_clear(&err);
	if (ruru_search_compile((const char *)data, size, &expr, &err) < 0) {
		if (err.code != RURU_EUSAGE || !err.msg[0] || expr.len != 0)
			abort();
		ruru_buf_release(&expr);
		return 0;
	}
	if (!expr.len || strlen(expr.ptr) != expr.len)
		abort();
	sqlite3_bind_text(q, 1, expr.ptr, (int)expr.len, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		abort(); /* a compiled expression FTS5 does not accept */
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	ruru_buf_release(&expr);
	return 0;
}
