/* test_rank.c — ruru_bm25() (rank.c) gives FTS5's bm25() to the last bit
 * on every hit of random queries over a generated workspace: entries of
 * random words (some with diacritics, some with the match marks search.c
 * cleans out), sessions' own documents, short artifacts and one artifact
 * too long for the length kept in the rowid (so the fallback that asks
 * FTS5 is taken too); and the rowids carry the lengths they should. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"
#include "index.h"

static char dir[] = "/tmp/ruru-rank-XXXXXX";

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static const char *const words[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "caf\xc3\xa9", "na\xc3\xafve", "x\002y", "z\003w",
	"token", "auth", "status", "status",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static unsigned long rnd_state = 14;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void make_workspace(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/.ruru/sessions", dir);
	assert_int_equal(mkdir(path, 0755) == 0 || access(path, F_OK) == 0, 1);
	for (int s = 0; s < 40; s++) {
		struct ruru_buf b = RURU_BUF_INIT;
		snprintf(path, sizeof(path), "%s/.ruru/sessions/SESSION-Rank_%02d-2611240315", dir, s);
		assert_int_equal(mkdir(path, 0755), 0);
		ruru_buf_addf(&b,
			      "+++\nid = \"SESSION-Rank_%02d-2611240315\"\ntitle = \"%s %s\"\n"
			      "status = \"🟢 Active\"\nstart_time = 2026-11-24T03:15:20Z\n"
			      "end_time = \"\"\ncoordinator = \"roo-commander\"\nrelated_tasks = []\n"
			      "related_artifacts = []\ntags = [\"%s\"]\n+++\n\n# Session Log\n\n"
			      "## Goal\n\n%s status\n\n## Log Entries\n\n",
			      s, words[rnd(NWORDS)], words[rnd(NWORDS)], words[rnd(12)], words[rnd(NWORDS)]);
		for (int e = 0; e < 30; e++) {
			ruru_buf_addf(&b, "- [2026-11-24 03:%02d:%02dZ] **%s**%s:", e / 60, e % 60,
				      e % 3 ? "note" : "delegation", e % 3 ? "" : " · mode `dev-python`");
			for (unsigned w = 0, n = 1 + rnd(25); w < n; w++)
				ruru_buf_addf(&b, " %s", words[rnd(NWORDS)]);
			ruru_buf_addch(&b, '\n');
		}
		char log[600];
		snprintf(log, sizeof(log), "%s/session_log.md", path);
		put(log, b.ptr);
		ruru_buf_reset(&b);
		char art[600];
		snprintf(art, sizeof(art), "%s/artifacts", path);
		assert_int_equal(mkdir(art, 0755), 0);
		/* session 0's artifact is longer than a rowid can say */
		unsigned n = s == 0 ? RURU_DOC_LEN_MAX + 500 : 50 + rnd(400);
		for (unsigned w = 0; w < n; w++)
			ruru_buf_addf(&b, "%s%c", words[rnd(NWORDS)], w % 12 == 11 ? '\n' : ' ');
		snprintf(art, sizeof(art), "%s/artifacts/notes.md", path);
		put(art, b.ptr);
		ruru_buf_release(&b);
	}
}

static void same_as_bm25(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_ws_init(NULL, &err), 0);
	make_workspace();
	struct ruru_buf cache = RURU_BUF_INIT, path = RURU_BUF_INIT;
	ruru_buf_addf(&cache, "%s/.cache", dir); /* the index's cache folder */
	struct ruru_options opts = { .cache_dir = cache.ptr };
	struct ruru_ws *ws = ruru_ws_open_opts(dir, &opts, &err);
	assert_non_null(ws);
	struct ruru_index_stats st;
	assert_int_equal(ruru_reindex(ws, &st, &err), 0);
	assert_int_equal(st.entries, 40 * 30);
	assert_int_equal(st.artifacts, 40);
	assert_int_equal(ruru_index_path(ws, &path, &err), 0);
	ruru_ws_free(ws);

	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ruru_buf_release(&path);
	ruru_buf_release(&cache);
	assert_int_equal(ruru_rank_register(db), SQLITE_OK);
	static const char *const queries[] = {
		"\"status\"", "\"alpha\"", "(\"alpha\") AND (\"bravo\")", "\"alpha\" OR \"kilo\"",
		"(\"status\") NOT (\"echo\")", "\"caf\xc3\xa9\"", "\"cafe\"", "\"al\"*",
		"\"alpha bravo\"", "\"dev\"", "\"note\"", "(\"token\") AND (\"auth\" OR \"golf\")",
		"\"x\"", "\"w\"",
	};
	size_t hits = 0, long_hits = 0;
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		sqlite3_stmt *q;
		assert_int_equal(sqlite3_prepare_v2(db,
						    "SELECT ruru_bm25(fts), bm25(fts), rowid FROM fts"
						    " WHERE fts MATCH ?1",
						    -1, &q, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(q, 1, queries[i], -1, SQLITE_STATIC);
		size_t n = 0;
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			double ours = sqlite3_column_double(q, 0), theirs = sqlite3_column_double(q, 1);
			if (memcmp(&ours, &theirs, sizeof(ours))) /* bit for bit */
				fail_msg("query %s, rowid %lld: ruru_bm25 %.17g, bm25 %.17g", queries[i],
					 (long long)sqlite3_column_int64(q, 2), ours, theirs);
			long_hits += (sqlite3_column_int64(q, 2) & RURU_DOC_LEN_MAX) == RURU_DOC_LEN_MAX;
			n++;
		}
		assert_int_equal(rc, SQLITE_DONE);
		assert_true(n > 0);
		hits += n;
		sqlite3_finalize(q);
	}
	assert_true(hits > 1000);
	assert_true(long_hits > 0); /* the fallback was taken */
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_bm25),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
