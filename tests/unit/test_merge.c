/*
 * test_merge.c — ruru_merge_logs() in process: hand-picked cases (arrays,
 * status, conflicts, CRLF, unparseable sides, add/add) and a property test
 * of thousands of random interleavings of appends on two sides, which must
 * always merge cleanly to the union of both sides' entries, each once, in
 * time order, whichever side is "ours".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruru.h"

static const char front[] = "+++\n"
			    "id = \"SESSION-X-2611240315\"\n"
			    "title = \"Goal\"\n"
			    "# a comment to keep\n"
			    "status = \"🟢 Active\"\n"
			    "start_time = 2026-11-24T03:15:20Z\n"
			    "end_time = \"\"\n"
			    "related_tasks = [\n"
			    "  # linked tasks\n"
			    "  \"TASK-0\",\n"
			    "]\n"
			    "related_artifacts = []\n"
			    "tags = [\"a\"]\n"
			    "+++\n"
			    "\n# Session Log\n\n## Goal\n\n## Log Entries\n\n"
			    "- [2026-11-24 03:15:20Z] **session** · mode `roo-commander`: Session started\n";

static char *entry(int minute, int second, const char *msg)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "- [2026-11-24 %02d:%02d:%02dZ] **note**: %s\n", 4 + minute / 60,
		 minute % 60, second, msg);
	return buf;
}

static int merge(const struct ruru_buf *b, const struct ruru_buf *o, const struct ruru_buf *t,
		 struct ruru_buf *out, struct ruru_error *err)
{
	return ruru_merge_logs(b->ptr, b->len, o->ptr, o->len, t->ptr, t->len, out, err);
}

static void set(struct ruru_buf *b, const char *text)
{
	ruru_buf_reset(b);
	ruru_buf_addstr(b, text);
}

static void replace(struct ruru_buf *b, const char *from, const char *to)
{
	char *p = strstr(b->ptr, from);
	assert_non_null(p);
	struct ruru_buf n;
	ruru_buf_init(&n);
	ruru_buf_add(&n, b->ptr, (size_t)(p - b->ptr));
	ruru_buf_addstr(&n, to);
	ruru_buf_addstr(&n, p + strlen(from));
	ruru_buf_release(b);
	*b = n;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

struct bufs {
	struct ruru_buf b, o, t, out;
	struct ruru_error err;
};

static int setup(void **state)
{
	struct bufs *x = calloc(1, sizeof(*x));
	ruru_buf_init(&x->b);
	ruru_buf_init(&x->o);
	ruru_buf_init(&x->t);
	ruru_buf_init(&x->out);
	set(&x->b, front);
	set(&x->o, front);
	set(&x->t, front);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct bufs *x = *state;
	ruru_buf_release(&x->b);
	ruru_buf_release(&x->o);
	ruru_buf_release(&x->t);
	ruru_buf_release(&x->out);
	free(x);
	return 0;
}

static void appends_merge_in_time_order(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->o, entry(1, 0, "ours a"));
	ruru_buf_addstr(&x->o, entry(3, 0, "ours b"));
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs a"));
	ruru_buf_addstr(&x->t, entry(4, 0, "theirs b"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	const char *a = strstr(x->out.ptr, "ours a"), *b = strstr(x->out.ptr, "theirs a"),
		   *c = strstr(x->out.ptr, "ours b"), *d = strstr(x->out.ptr, "theirs b");
	assert_true(a && b && c && d && a < b && b < c && c < d);
	assert_non_null(strstr(x->out.ptr, "# a comment to keep\n"));
	assert_non_null(strstr(x->out.ptr, "  # linked tasks\n"));
}

static void arrays_three_way(void **state)
{
	struct bufs *x = *state;
	/* ours adds TASK-1 and removes tag a; theirs adds TASK-2 and tag b,
	 * removes TASK-0 */
	replace(&x->o, "  \"TASK-0\",\n", "  \"TASK-0\",\n  \"TASK-1\",\n");
	replace(&x->o, "tags = [\"a\"]", "tags = []");
	replace(&x->t, "  \"TASK-0\",\n", "  \"TASK-2\",\n");
	replace(&x->t, "tags = [\"a\"]", "tags = [\"a\", \"b\"]");
	replace(&x->t, "related_artifacts = []", "related_artifacts = [\"artifacts/x.md\"]");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_null(strstr(x->out.ptr, "TASK-0"));
	const char *t1 = strstr(x->out.ptr, "TASK-1"), *t2 = strstr(x->out.ptr, "TASK-2");
	assert_true(t1 && t2 && t1 < t2);
	assert_non_null(strstr(x->out.ptr, "  # linked tasks\n"));
	assert_non_null(strstr(x->out.ptr, "\"b\""));
	assert_null(strstr(x->out.ptr, "\"a\""));
	assert_non_null(strstr(x->out.ptr, "related_artifacts = [\"artifacts/x.md\"]"));
}

static void newer_session_event_sets_status(void **state)
{
	struct bufs *x = *state;
	replace(&x->t, "🟢 Active", "⏸️ Paused");
	replace(&x->t, "end_time = \"\"", "end_time = 2026-11-24T04:10:00Z");
	ruru_buf_addstr(&x->t, "- [2026-11-24 04:10:00Z] **session**: Session paused\n");
	ruru_buf_addstr(&x->o, "- [2026-11-24 04:20:00Z] **session**: Session continued\n");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	/* ours' session event is newer: ours' status and end_time stay */
	assert_non_null(strstr(x->out.ptr, "status = \"🟢 Active\""));
	assert_non_null(strstr(x->out.ptr, "end_time = \"\""));
	/* and the other way round */
	assert_int_equal(merge(&x->b, &x->t, &x->o, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "status = \"🟢 Active\""));
}

static void title_both_changed_conflicts(void **state)
{
	struct bufs *x = *state;
	replace(&x->o, "title = \"Goal\"", "title = \"Ours\"");
	replace(&x->t, "title = \"Goal\"", "title = \"Theirs\"");
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs a"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 1);
	assert_int_equal(x->err.code, RURU_ECONFLICT);
	assert_non_null(strstr(x->err.msg, "\"title\""));
	assert_non_null(strstr(x->out.ptr, "<<<<<<< ours\ntitle = \"Ours\"\n=======\n"
					   "title = \"Theirs\"\n>>>>>>> theirs\n"));
	assert_non_null(strstr(x->out.ptr, "theirs a"));
	/* the same change on both sides is no conflict */
	set(&x->t, x->o.ptr);
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs a"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
}

static void unknown_key_one_side_wins(void **state)
{
	struct bufs *x = *state;
	replace(&x->t, "tags = [\"a\"]\n", "tags = [\"a\"]\npriority = 3\n");
	ruru_buf_addstr(&x->o, entry(1, 0, "ours a"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "priority = 3\n"));
	/* removed on one side */
	assert_int_equal(merge(&x->t, &x->o, &x->t, &x->out, &x->err), 0);
	assert_null(strstr(x->out.ptr, "priority"));
}

static void unparseable_side_conflicts(void **state)
{
	struct bufs *x = *state;
	replace(&x->o, "title = \"Goal\"", "title = = \"Goal\"");
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs a"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 1);
	assert_int_equal(x->err.code, RURU_EINVALID);
	assert_non_null(strstr(x->err.msg, "invalid TOML"));
	assert_int_equal(count(x->out.ptr, "<<<<<<< ours\n"), 1);
	assert_int_equal(count(x->out.ptr, ">>>>>>> theirs\n"), 1);
	/* no front matter at all */
	set(&x->o, "hello\n");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 1);
	assert_non_null(strstr(x->err.msg, "not a session log"));
}

static void crlf_ours_kept(void **state)
{
	struct bufs *x = *state;
	struct ruru_buf c;
	ruru_buf_init(&c);
	for (const char *p = front; *p; p++) {
		if (*p == '\n')
			ruru_buf_addch(&c, '\r');
		ruru_buf_addch(&c, *p);
	}
	set(&x->b, c.ptr);
	set(&x->o, c.ptr);
	ruru_buf_addstr(&x->o, "- [2026-11-24 04:01:00Z] **note**: ours\r\n");
	/* theirs was checked out with LF */
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs"));
	replace(&x->t, "tags = [\"a\"]", "tags = [\"a\", \"z\"]");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	for (size_t i = 0; i < x->out.len; i++)
		if (x->out.ptr[i] == '\n')
			assert_true(i > 0 && x->out.ptr[i - 1] == '\r');
	assert_non_null(strstr(x->out.ptr, "**note**: theirs\r\n"));
	assert_non_null(strstr(x->out.ptr, "\"z\""));
	ruru_buf_release(&c);
}

static void add_add_with_empty_base(void **state)
{
	struct bufs *x = *state;
	set(&x->b, "");
	ruru_buf_addstr(&x->o, entry(1, 0, "ours a"));
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs a"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "ours a"));
	assert_non_null(strstr(x->out.ptr, "theirs a"));
	assert_int_equal(count(x->out.ptr, "Session started"), 1);
	/* two different sessions with one ID: start times differ, a conflict */
	replace(&x->t, "start_time = 2026-11-24T03:15:20Z", "start_time = 2026-11-24T03:15:40Z");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 1);
}

static void missing_final_newline(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->b, "- [2026-11-24 04:00:00Z] **note**: last");
	set(&x->o, x->b.ptr);
	ruru_buf_addstr(&x->t, "- [2026-11-24 04:00:00Z] **note**: last\n");
	ruru_buf_addstr(&x->t, entry(5, 0, "theirs"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_int_equal(count(x->out.ptr, "**note**: last"), 1);
	assert_non_null(strstr(x->out.ptr, "**note**: last\n- [2026-11-24 04:05:00Z]"));
}

static void removal_on_one_side_wins(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->b, entry(1, 0, "drop me"));
	ruru_buf_addstr(&x->b, entry(2, 0, "rewrite me"));
	set(&x->o, x->b.ptr);
	set(&x->t, x->b.ptr);
	replace(&x->t, entry(1, 0, "drop me"), "");
	replace(&x->t, "rewrite me", "rewritten");
	ruru_buf_addstr(&x->o, entry(3, 0, "ours a"));
	for (int swap = 0; swap < 2; swap++) {
		assert_int_equal(swap ? merge(&x->b, &x->t, &x->o, &x->out, &x->err)
				      : merge(&x->b, &x->o, &x->t, &x->out, &x->err),
				 0);
		assert_null(strstr(x->out.ptr, "drop me"));
		assert_null(strstr(x->out.ptr, "rewrite me"));
		assert_int_equal(count(x->out.ptr, "rewritten"), 1);
		assert_int_equal(count(x->out.ptr, "ours a"), 1);
		const char *r = strstr(x->out.ptr, "rewritten"), *a = strstr(x->out.ptr, "ours a");
		assert_true(r < a);
	}
}

/* ---------------------------------------------------------- property */

struct ev {
	int t;
	char msg[32];
};

static void check_union(const char *out, const struct ev *evs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s", entry(evs[i].t / 60, evs[i].t % 60, evs[i].msg));
		if (count(out, line) != 1)
			fail_msg("entry %s appears %zu times in:\n%s", line, count(out, line), out);
	}
	/* total entries = distinct events + the start */
	size_t lines = count(out, "\n- [");
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = evs[i].t == evs[j].t && !strcmp(evs[i].msg, evs[j].msg);
		distinct += !dup;
	}
	assert_int_equal(lines, distinct + 1);
	/* time order */
	const char *prev = NULL;
	for (const char *p = strstr(out, "\n- ["); p; p = strstr(p + 1, "\n- [")) {
		if (prev && memcmp(prev, p, 26) > 0)
			fail_msg("out of order:\n%s", out);
		prev = p;
	}
}

static void random_interleavings_merge_to_union(void **state)
{
	struct bufs *x = *state;
	srand(20261124);
	for (int round = 0; round < 3000; round++) {
		struct ev evs[40];
		size_t n = 0;
		set(&x->b, front);
		int t = 0;
		for (int i = rand() % 4; i > 0; i--) {
			t += rand() % 3;
			evs[n].t = t;
			snprintf(evs[n].msg, sizeof(evs[n].msg), "base %zu", n);
			ruru_buf_addstr(&x->b, entry(t / 60, t % 60, evs[n].msg));
			n++;
		}
		set(&x->o, x->b.ptr);
		set(&x->t, x->b.ptr);
		for (int i = rand() % 20; i > 0; i--) {
			t += rand() % 3; /* often the same second */
			int who = rand() % 5; /* 0,1: ours 2,3: theirs 4: both */
			evs[n].t = t;
			snprintf(evs[n].msg, sizeof(evs[n].msg), "%s %zu",
				 who < 2 ? "ours" : who < 4 ? "theirs" : "both", n);
			const char *e = entry(t / 60, t % 60, evs[n].msg);
			if (who < 2 || who == 4)
				ruru_buf_addstr(&x->o, e);
			if (who >= 2)
				ruru_buf_addstr(&x->t, e);
			n++;
		}
		assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
		check_union(x->out.ptr, evs, n);
		assert_int_equal(merge(&x->b, &x->t, &x->o, &x->out, &x->err), 0);
		check_union(x->out.ptr, evs, n);
	}
}

/* Text THEIRS added between its entries is kept. */
static void theirs_text_between_entries_kept(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->b, entry(1, 0, "old one"));
	ruru_buf_addstr(&x->b, entry(2, 0, "old two"));
	set(&x->o, x->b.ptr);
	set(&x->t, x->b.ptr);
	ruru_buf_addstr(&x->o, entry(3, 0, "ours new"));
	/* theirs: a heading between the old entries, then new entries with a
	 * paragraph-less heading and a rule between them */
	replace(&x->t, "old one\n", "old one\n\n### Day two\n\n");
	ruru_buf_addstr(&x->t, entry(4, 0, "theirs new"));
	ruru_buf_addstr(&x->t, "\n## Review notes\n\n---\n\n");
	ruru_buf_addstr(&x->t, entry(5, 0, "theirs last"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	const char *out = x->out.ptr;
	const char *a = strstr(out, "old one"), *h = strstr(out, "### Day two"),
		   *b = strstr(out, "old two"), *c = strstr(out, "ours new"),
		   *d = strstr(out, "theirs new"), *r = strstr(out, "## Review notes"),
		   *rule = strstr(out, "\n---\n"), *e = strstr(out, "theirs last");
	assert_true(a && h && b && c && d && r && rule && e);
	assert_true(a < h && h < b && b < c && c < d && d < r && r < rule && rule < e);
	assert_int_equal(count(out, "### Day two"), 1);
	assert_int_equal(count(out, "## Review notes"), 1);
}

/* Both sides put different text after the same entry: a conflict, both kept. */
static void both_change_text_between_entries_conflicts(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->b, entry(1, 0, "one"));
	ruru_buf_addstr(&x->b, entry(2, 0, "two"));
	set(&x->o, x->b.ptr);
	set(&x->t, x->b.ptr);
	replace(&x->o, "one\n", "one\n\n## Ours heading\n\n");
	replace(&x->t, "one\n", "one\n\n## Theirs heading\n\n");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 1);
	assert_non_null(strstr(x->out.ptr, "## Ours heading"));
	assert_non_null(strstr(x->out.ptr, "## Theirs heading"));
	assert_non_null(strstr(x->out.ptr, "<<<<<<< ours"));
}

/* Line endings follow the file's own style (its first line break), and a
 * message's CR before a line break stays a message byte. */
static void line_endings_of_each_entry_follow_the_file(void **state)
{
	struct bufs *x = *state;
	/* ours: an LF file holding one message with a CRLF inside */
	ruru_buf_addstr(&x->o, "- [2026-11-24 04:00:00Z] **note**: crlf inside\r\n  second\n");
	ruru_buf_addstr(&x->t, entry(2, 0, "theirs plain"));
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "**note**: theirs plain\n"));
	assert_null(strstr(x->out.ptr, "theirs plain\r"));
	assert_non_null(strstr(x->out.ptr, "crlf inside\r\n  second\n"));

	/* theirs is a CRLF file: its entries come in as LF */
	struct ruru_buf crlf = RURU_BUF_INIT;
	for (const char *p = x->b.ptr; *p; p++) {
		if (*p == '\n')
			ruru_buf_addch(&crlf, '\r');
		ruru_buf_addch(&crlf, *p);
	}
	ruru_buf_addstr(&crlf, "- [2026-11-24 04:03:00Z] **note**: from windows\r\n  line two\r\n");
	set(&x->o, x->b.ptr);
	ruru_buf_addstr(&x->o, entry(1, 0, "ours"));
	assert_int_equal(merge(&x->b, &x->o, &crlf, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "from windows\n  line two\n"));
	assert_null(strchr(x->out.ptr, '\r'));

	/* and the other way: ours CRLF, theirs LF */
	struct ruru_buf lf = RURU_BUF_INIT;
	set(&lf, x->b.ptr);
	ruru_buf_addstr(&lf, "- [2026-11-24 04:03:00Z] **note**: from linux\n  line two\n");
	struct ruru_buf base_crlf = RURU_BUF_INIT;
	set(&base_crlf, crlf.ptr);
	replace(&crlf, "- [2026-11-24 04:03:00Z] **note**: from windows\r\n  line two\r\n", "");
	replace(&base_crlf, "- [2026-11-24 04:03:00Z] **note**: from windows\r\n  line two\r\n", "");
	ruru_buf_addstr(&crlf, "- [2026-11-24 04:01:00Z] **note**: ours\r\n");
	assert_int_equal(merge(&x->b, &crlf, &lf, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "from linux\r\n  line two\r\n"));
	ruru_buf_release(&crlf);
	ruru_buf_release(&lf);
	ruru_buf_release(&base_crlf);
}

/* One side removed an entry, the other changed the heading after it:
 * the heading stays, after the entry before it (doc/design.md §9). */
static void text_after_a_removed_entry_is_kept(void **state)
{
	struct bufs *x = *state;
	ruru_buf_addstr(&x->b, entry(1, 0, "one"));
	ruru_buf_addstr(&x->b, entry(2, 0, "two"));
	ruru_buf_addstr(&x->b, "\n## Heading\n\n");
	ruru_buf_addstr(&x->b, entry(3, 0, "three"));
	set(&x->o, x->b.ptr);
	set(&x->t, x->b.ptr);
	replace(&x->t, entry(2, 0, "two"), "");
	replace(&x->o, "## Heading\n", "## Heading changed by ours\n");
	assert_int_equal(merge(&x->b, &x->o, &x->t, &x->out, &x->err), 0);
	assert_non_null(strstr(x->out.ptr, "## Heading changed by ours"));
	assert_int_equal(count(x->out.ptr, "## Heading changed by ours"), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(appends_merge_in_time_order),
		T(arrays_three_way),
		T(newer_session_event_sets_status),
		T(title_both_changed_conflicts),
		T(unknown_key_one_side_wins),
		T(unparseable_side_conflicts),
		T(crlf_ours_kept),
		T(add_add_with_empty_base),
		T(missing_final_newline),
		T(removal_on_one_side_wins),
		T(random_interleavings_merge_to_union),
		T(theirs_text_between_entries_kept),
		T(both_change_text_between_entries_conflicts),
		T(line_endings_of_each_entry_follow_the_file),
		T(text_after_a_removed_entry_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
