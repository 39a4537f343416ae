/* test_compat.c — the entry reader against real session logs: the compat
 * corpus ($COMPAT_DIR, default ../shared/compat-corpus) when it is beside
 * the repository, with the counts of tests/data/compat-entries.tsv; else
 * the repository's own logs in tests/fixtures/compat with the counts of
 * its entries.tsv.  The expected entry count of every log was decided by
 * reading the file by hand and is recorded with the reasons in the table.
 * The folder and the table must list the same files: a new log without a
 * count, or a count for a log that is gone, fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ruru.h"
#include "entry.h"
#include "logfile.h"

#define FIXTURES "tests/fixtures/compat"
static const char *TSV = "tests/data/compat-entries.tsv";

struct row {
	char *path;
	long want;
};

static const char *compat_dir(void)
{
	const char *d = getenv("COMPAT_DIR");
	struct stat st;
	if (!d || !*d)
		d = "../shared/compat-corpus";
	if (stat(d, &st) == 0 && S_ISDIR(st.st_mode) && strcmp(d, FIXTURES) != 0)
		return d;
	TSV = FIXTURES "/entries.tsv";
	return FIXTURES;
}

/* Every session_log.md under the corpus, relative to it (nftw sees the
 * leading-dot folders .ruru/ and .roopm/ like any other). */
static char **found;
static size_t nfound;
static size_t prefix_len;

static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	if (flag == FTW_F && strcmp(path + ftw->base, "session_log.md") == 0) {
		found = realloc(found, (nfound + 1) * sizeof(*found));
		assert_non_null(found);
		found[nfound++] = strdup(path + prefix_len);
	}
	return 0;
}

static struct row *rows;
static size_t nrows;

static void load_tsv(void)
{
	FILE *f = fopen(TSV, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", TSV);
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab)
			fail_msg("%s: line without a tab: %s", TSV, line);
		*tab = '\0';
		char *end;
		long n = strtol(tab + 1, &end, 10);
		if (end == tab + 1 || (*end != '\t' && *end != '\n'))
			fail_msg("%s: bad count for %s", TSV, line);
		rows = realloc(rows, (nrows + 1) * sizeof(*rows));
		assert_non_null(rows);
		rows[nrows].path = strdup(line);
		rows[nrows].want = n;
		nrows++;
	}
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus_matches_table(void **state)
{
	(void)state;
	const char *dir = compat_dir();
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		fail_msg("compat corpus not found at \"%s\" (set COMPAT_DIR)", dir);
	prefix_len = strlen(dir) + (dir[strlen(dir) - 1] == '/' ? 0 : 1);
	assert_int_equal(nftw(dir, visit, 16, FTW_PHYS), 0);
	qsort(found, nfound, sizeof(*found), cmp_str);
	assert_true(nfound > 0);
	int bad = 0;
	for (size_t i = 0; i < nfound; i++) {
		size_t j = 0;
		while (j < nrows && strcmp(rows[j].path, found[i]) != 0)
			j++;
		if (j == nrows) {
			print_error("in the corpus but not in %s: %s\n", TSV, found[i]);
			bad++;
		}
	}
	for (size_t j = 0; j < nrows; j++)
		if (!bsearch(&rows[j].path, found, nfound, sizeof(*found), cmp_str)) {
			print_error("in %s but not in the corpus: %s\n", TSV, rows[j].path);
			bad++;
		}
	assert_int_equal(bad, 0);
}

static size_t line_of(const char *t, size_t off)
{
	size_t n = 1;
	for (size_t i = 0; i < off; i++)
		n += t[i] == '\n';
	return n;
}

/* ruru_entries_each hands on each entry as the scan finds it: the same
 * entries, orphan blocks included, as ruru_entries_parse_with gives. */
struct each_check {
	const struct ruru_entry *want;
	size_t n, seen, bad;
};

static int each_cb(void *ctx, const struct ruru_entry *e)
{
	struct each_check *c = ctx;
	const struct ruru_entry *w = c->seen < c->n ? &c->want[c->seen] : NULL;
	if (!w || w->line != e->line || w->start != e->start || w->end != e->end ||
	    w->type != e->type || w->orphan != e->orphan || w->message_len != e->message_len)
		c->bad++;
	c->seen++;
	return 0;
}

static void each_matches_parse(const char *text, size_t len, size_t body)
{
	struct ruru_entry *v;
	size_t n = ruru_entries_parse_with(text, len, body, RURU_ENTRIES_ORPHANS, &v);
	struct each_check c = { v, n, 0, 0 };
	assert_int_equal(ruru_entries_each(text, len, body, each_cb, &c), n);
	assert_int_equal(c.seen, n);
	assert_int_equal(c.bad, 0);
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&v[i]);
	free(v);
}

static void one_log(void **state)
{
	const struct row *r = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", compat_dir(), r->path);
	struct ruru_buf b;
	size_t body;
	struct ruru_entry *v;
	size_t n = log_file_entries(path, &b, &body, &v);
	if ((long)n != r->want) {
		for (size_t i = 0; i < n; i++)
			print_message("  line %zu [%s]\n", v[i].line, v[i].stamp);
		fail_msg("%s: %zu entries, expected %ld", r->path, n, r->want);
	}
	assert_int_equal(ruru_entries_count(b.ptr, b.len, body), n);
	each_matches_parse(b.ptr, b.len, body);
	for (size_t i = 0; i < n; i++) {
		/* Every entry of these logs has a real stamp: it must parse,
		 * to the same instant when read on its own. */
		time_t when;
		if (!v[i].when_valid || !ruru_time_parse(v[i].stamp, strlen(v[i].stamp), &when, NULL) ||
		    when != v[i].when)
			fail_msg("%s:%zu: stamp \"%s\" not understood", r->path, v[i].line, v[i].stamp);
		assert_int_equal(line_of(b.ptr, v[i].start), v[i].line);
		assert_true(v[i].start >= body && v[i].start < v[i].end && v[i].end <= b.len);
		if (i)
			assert_true(v[i - 1].end <= v[i].start);
		/* The stamp is on the entry's first line, or on the second when
		 * the entry is a "---" block. */
		const char *nl = memchr(b.ptr + v[i].start, '\n', b.len - v[i].start);
		if (nl && strncmp(b.ptr + v[i].start, "---", 3) == 0)
			nl = memchr(nl + 1, '\n', b.len - (size_t)(nl + 1 - b.ptr));
		size_t first = nl ? (size_t)(nl - b.ptr) - v[i].start : b.len - v[i].start;
		assert_non_null(memmem(b.ptr + v[i].start, first, v[i].stamp, strlen(v[i].stamp)));
		assert_int_equal(strlen(v[i].message), v[i].message_len);
		ruru_entry_release(&v[i]);
	}
	free(v);
	/* Where the next entry goes: at the end, with the log's own line
	 * ending, for all of these except a log without a "## Log Entries"
	 * heading (pre-V5, or no front matter at all). */
	size_t at;
	bool nn;
	const char *eol;
	if (ruru_entries_append_point(b.ptr, b.len, body, &at, &nn, &eol)) {
		assert_int_equal(at, b.len);
		assert_int_equal(nn, b.len && b.ptr[b.len - 1] != '\n');
		assert_string_equal(eol, memmem(b.ptr, b.len, "\r\n", 2) ? "\r\n" : "\n");
	} else {
		assert_true(b.len == 0 || !memmem(b.ptr, b.len, "## Log Entries", 14));
	}
	ruru_buf_release(&b);
}

int main(void)
{
	if (!strcmp(compat_dir(), FIXTURES))
		printf("# the compat corpus is not beside the repository: the logs of %s\n", FIXTURES);
	load_tsv();
	struct CMUnitTest *tests = calloc(nrows + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[0] = (struct CMUnitTest)cmocka_unit_test(corpus_matches_table);
	for (size_t i = 0; i < nrows; i++) {
		tests[i + 1].name = rows[i].path;
		tests[i + 1].test_func = one_log;
		tests[i + 1].initial_state = &rows[i];
	}
	int rc = _cmocka_run_group_tests("compat", tests, nrows + 1, NULL, NULL);
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].path);
	free(rows);
	for (size_t i = 0; i < nfound; i++)
		free(found[i]);
	free(found);
	free(tests);
	return rc;
}
