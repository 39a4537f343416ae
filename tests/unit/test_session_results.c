/* test_session_results.c — the typed results of the session verbs (new,
 * log, the status moves, artifact add, task link, task new; list and
 * show): each made by its library call in a real workspace, and each
 * built by hand with hostile text, its JSON (what `--json` prints and
 * MCP sends as structuredContent) and its one text held to exact bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "ruru.h"
#include "workspace.h"

static char dir[] = "/tmp/ruru-test-session-results.XXXXXX";
static struct ruru_ws *ws;

static int setup(void **state)
{
	(void)state;
	ws = test_ws_open(dir, false);
	return ws ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return test_ws_remove(ws, dir);
}

/* The JSON of a result, compact and in order (takes the reference). */
static char *dump(json_t *j)
{
	assert_non_null(j);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

#define ASSERT_JSON(j, want)                       \
	do {                                       \
		char *got_ = dump(j);              \
		assert_string_equal(got_, (want)); \
		free(got_);                        \
	} while (0)

/* The text of a result into a fresh buffer, compared, released. */
#define ASSERT_TEXT(X, r, want)                      \
	do {                                         \
		struct ruru_buf t_ = RURU_BUF_INIT;  \
		ruru_##X##_text((r), &t_);           \
		assert_string_equal(t_.ptr, (want)); \
		ruru_buf_release(&t_);               \
	} while (0)

static void started_logged_status(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = "First" };
	struct ruru_session_started *a = ruru_session_start(ws, &o, &err);
	assert_non_null(a);
	assert_null(a->other_active);
	ASSERT_JSON(ruru_session_started_json(a),
		    "{\"id\":\"SESSION-First-2611240315\",\"other_active\":null}");
	o.goal = "Second";
	struct ruru_session_started *b = ruru_session_start(ws, &o, &err);
	assert_non_null(b);
	assert_string_equal(b->other_active, a->id);
	ASSERT_TEXT(session_started, b,
		    "Started SESSION-Second-2611240315 (active).\n"
		    "Session SESSION-First-2611240315 is still active too; pause or complete it "
		    "when its work is done.\n");

	/* an entry naming an ADR that is not there: logged, with a warning */
	struct ruru_log_input in = { .type = RURU_EV_DECISION, .message = "use sqlite",
				     .message_len = 10 };
	in.field[RURU_FIELD_ADR] = "docs/adr/0001.md";
	struct ruru_entry_logged *l = ruru_session_log_entry(ws, b->id, &in, NULL, &err);
	assert_non_null(l);
	assert_true(l->adr_missing);
	assert_int_equal(l->duplicate_of, 0);
	ASSERT_JSON(ruru_entry_logged_json(l),
		    "{\"session\":\"SESSION-Second-2611240315\",\"type\":\"decision\",\"task\":null,"
		    "\"duplicate_of\":null,\"warning\":\"logged, but no ADR file has that path (yet)\"}");
	ASSERT_TEXT(entry_logged, l,
		    "Logged decision in SESSION-Second-2611240315. Warning: logged, but no ADR file "
		    "has that path (yet).\n");
	ruru_entry_logged_free(l);

	/* a status move, then its repeat: a conflict, unless a repeat is asked
	 * to be no failure */
	struct ruru_status_set *s = ruru_session_status(ws, b->id, RURU_STATUS_PAUSED, NULL, 0, &err);
	assert_non_null(s);
	assert_false(s->already);
	ASSERT_JSON(ruru_status_set_json(s), "{\"session\":\"SESSION-Second-2611240315\",\"status\":"
					     "\"paused\",\"status_text\":\"⏸️ Paused\",\"already\":false}");
	ruru_status_set_free(s);
	assert_null(ruru_session_status(ws, b->id, RURU_STATUS_PAUSED, NULL, 0, &err));
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_error_clear(&err);
	s = ruru_session_status(ws, b->id, RURU_STATUS_PAUSED, NULL, RURU_STATUS_REPEAT_OK, &err);
	assert_non_null(s);
	assert_true(s->already);
	assert_int_equal(err.code, RURU_OK);
	ASSERT_TEXT(status_set, s, "Session SESSION-Second-2611240315 is already ⏸️ Paused (paused).\n");
	ruru_status_set_free(s);
	/* a move the state does not allow stays a conflict */
	s = ruru_session_status(ws, b->id, RURU_STATUS_COMPLETED, NULL, 0, &err);
	assert_non_null(s);
	ruru_status_set_free(s);
	assert_null(ruru_session_status(ws, b->id, RURU_STATUS_PAUSED, NULL, RURU_STATUS_REPEAT_OK, &err));
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_error_clear(&err);
	ruru_session_started_free(a);
	ruru_session_started_free(b);

	/* by hand: text from anywhere is escaped, a duplicate is not logged */
	char sess[] = "S\x1b[2J", task[] = "TASK-A-1\n";
	struct ruru_entry_logged d = { .session = sess, .type = RURU_EV_DELEGATION, .task = task,
				       .duplicate_of = 7, .adr_missing = true };
	ASSERT_JSON(ruru_entry_logged_json(&d),
		    "{\"session\":\"S\\u001B[2J\",\"type\":\"delegation\",\"task\":\"TASK-A-1\\n\","
		    "\"duplicate_of\":7,\"warning\":\"not written: the entry at line 7 of the log "
		    "already records this event (logged by a host's hook)\"}");
	ASSERT_TEXT(entry_logged, &d,
		    "Not logged in S\\x1b[2J: not written: the entry at line 7 of the log already "
		    "records this event (logged by a host's hook).\n");
	d.duplicate_of = 0;
	d.adr_missing = false;
	d.message_len = RURU_MESSAGE_LARGE + 1;
	ASSERT_TEXT(entry_logged, &d,
		    "Logged delegation in S\\x1b[2J; the new task: TASK-A-1\\n. Warning: logged a "
		    "message of 65537 bytes; digests show only its first part (big text belongs in "
		    "artifact_add).\n");
	struct ruru_session_started h = { .id = sess, .other_active = sess };
	ASSERT_TEXT(session_started, &h,
		    "Started S\\x1b[2J (active).\nSession S\\x1b[2J is still "
		    "active too; pause or complete it when its work is done.\n");
	struct ruru_status_set hs = { .session = sess, .status = RURU_STATUS_COMPLETED };
	ASSERT_TEXT(status_set, &hs, "Session S\\x1b[2J is now 🏁 Completed (completed).\n");
}

static void artifact_task(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = "Work" };
	char *id = ruru_session_new(ws, &o, &err);
	assert_non_null(id);

	struct ruru_artifact_added *a =
		ruru_artifact_save(ws, id, "notes.md", "hello", 5, false, NULL, NULL, &err);
	assert_non_null(a);
	assert_string_equal(a->path, "artifacts/notes.md");
	assert_null(a->type);
	char want[1024];
	snprintf(want, sizeof(want), "{\"session\":\"%s\",\"path\":\"artifacts/notes.md\"}", id);
	ASSERT_JSON(ruru_artifact_added_json(a), want);
	snprintf(want, sizeof(want), "Saved artifacts/notes.md in session %s (logged).\n", id);
	ASSERT_TEXT(artifact_added, a, want);
	ruru_artifact_added_free(a);
	/* taken, without force: nothing */
	assert_null(ruru_artifact_save(ws, id, "notes.md", "x", 1, false, NULL, NULL, &err));
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_error_clear(&err);

	struct ruru_typed t = { .type = "note", .title = "Plan" };
	a = ruru_artifact_save(ws, id, NULL, NULL, 0, false, NULL, &t, &err);
	assert_non_null(a);
	assert_string_equal(a->type, "note");
	snprintf(want, sizeof(want), "Saved note artifact %s in session %s (logged).\n", a->path, id);
	ASSERT_TEXT(artifact_added, a, want);
	char *j = dump(ruru_artifact_added_json(a));
	assert_non_null(strstr(j, ",\"type\":\"note\"}"));
	free(j);
	ruru_artifact_added_free(a);

	/* a task with no file: linked, and the result says so */
	struct ruru_task_linked *k = ruru_task_link_find(ws, id, "TASK-NONE-1", &err);
	assert_non_null(k);
	assert_null(k->file);
	snprintf(want, sizeof(want),
		 "{\"session\":\"%s\",\"task\":\"TASK-NONE-1\",\"warning\":\"linked, but no task "
		 "file has that ID\",\"file\":null}",
		 id);
	ASSERT_JSON(ruru_task_linked_json(k), want);
	snprintf(want, sizeof(want), "Linked TASK-NONE-1 to session %s; no task file has that ID.\n", id);
	ASSERT_TEXT(task_linked, k, want);
	ruru_task_linked_free(k);

	struct ruru_task_new tn = { .type = "bug", .title = "Crash", .session = id };
	struct ruru_task_created *c = ruru_task_create(ws, &tn, &err);
	assert_non_null(c);
	assert_string_equal(c->id, "TASK-BUG-20261124-031520");
	assert_string_equal(c->file, ".ruru/tasks/TASK-BUG-20261124-031520.md");
	snprintf(want, sizeof(want),
		 "{\"id\":\"TASK-BUG-20261124-031520\",\"file\":\".ruru/tasks/"
		 "TASK-BUG-20261124-031520.md\",\"session\":\"%s\"}",
		 id);
	ASSERT_JSON(ruru_task_created_json(c), want);
	snprintf(want, sizeof(want),
		 "Created TASK-BUG-20261124-031520 (.ruru/tasks/TASK-BUG-20261124-031520.md) in "
		 "session %s.\n",
		 id);
	ASSERT_TEXT(task_created, c, want);

	/* its file found when linked */
	k = ruru_task_link_find(ws, id, c->id, &err);
	assert_non_null(k);
	assert_string_equal(k->file, c->file);
	snprintf(want, sizeof(want),
		 "Linked TASK-BUG-20261124-031520 to session %s (.ruru/tasks/"
		 "TASK-BUG-20261124-031520.md).\n",
		 id);
	ASSERT_TEXT(task_linked, k, want);
	j = dump(ruru_task_linked_json(k));
	assert_null(strstr(j, "warning"));
	free(j);
	ruru_task_linked_free(k);
	ruru_task_created_free(c);

	/* by hand: hostile text escaped, no session said so */
	char bad[] = "x\x1b]0;t\x07", path[] = "artifacts/a\tb";
	struct ruru_task_created hc = { .id = bad, .file = path };
	ASSERT_TEXT(task_created, &hc, "Created x\\x1b]0;t\\x07 (artifacts/a\\tb), in no session.\n");
	ASSERT_JSON(ruru_task_created_json(&hc),
		    "{\"id\":\"x\\u001B]0;t\\u0007\",\"file\":\"artifacts/a\\tb\",\"session\":null}");
	struct ruru_artifact_added ha = { .session = bad, .path = path };
	ASSERT_TEXT(artifact_added, &ha, "Saved artifacts/a\\tb in session x\\x1b]0;t\\x07 (logged).\n");
	struct ruru_task_linked hk = { .session = bad, .task = bad, .file = path };
	ASSERT_TEXT(task_linked, &hk,
		    "Linked x\\x1b]0;t\\x07 to session x\\x1b]0;t\\x07 (artifacts/a\\tb).\n");
	free(id);
}

static void listing(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	/* the sessions the tests before made, newest first; counted past a limit */
	struct ruru_session_query q = { .limit = 1, .count = true };
	struct ruru_session_listing *l = ruru_session_listing(ws, &q, &err);
	assert_non_null(l);
	assert_int_equal(l->n, 1);
	assert_true(l->counted);
	assert_int_equal(l->total, 3);
	char *j = dump(ruru_session_listing_json(l));
	assert_non_null(strstr(j, "\"total\":3,\"omitted\":2}"));
	assert_true(!strncmp(j, "{\"sessions\":[{\"id\":\"SESSION-", 25));
	free(j);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_session_listing_text(l, &t);
	assert_non_null(strstr(t.ptr, "\n2 older of 3 left out: pass a larger limit, or status or tag to narrow.\n"));
	ruru_buf_release(&t);
	ruru_session_listing_free(l);
	/* not counted: the JSON has the sessions only, the text no count */
	q = (struct ruru_session_query){ .limit = RURU_LIST_ALL, .status = RURU_STATUS_COMPLETED };
	l = ruru_session_listing(ws, &q, &err);
	assert_non_null(l);
	assert_int_equal(l->n, 1);
	j = dump(ruru_session_listing_json(l));
	assert_null(strstr(j, "total"));
	free(j);
	ruru_session_listing_free(l);
	q.tag = "nothing";
	l = ruru_session_listing(ws, &q, &err);
	assert_non_null(l);
	ruru_session_listing_text(l, &t);
	assert_int_equal(t.len, 0);
	ASSERT_JSON(ruru_session_listing_json(l), "{\"sessions\":[]}");
	ruru_session_listing_free(l);
	q.count = true;
	l = ruru_session_listing(ws, &q, &err);
	ASSERT_TEXT(session_listing, l, "No sessions.\n");
	ruru_session_listing_free(l);

	/* by hand: hostile front matter shown, never sent; an invalid log says why */
	char id1[] = "S-1", title[] = "red \x1b[31m\ttab\n\\t", tag1[] = "\x1b]0;x\x07", tag2[] = "b";
	char *tags[] = { tag1, tag2 };
	char start[] = "2026-01-01T00:00:00Z", id2[] = "S-2";
	struct ruru_error problem = { .code = RURU_EINVALID };
	snprintf(problem.msg, sizeof(problem.msg), "bad \x1b[2J key");
	struct ruru_session v[] = {
		{ .id = id1, .valid = true, .status = RURU_STATUS_PAUSED, .title = title,
		  .start_text = start, .tags = tags, .ntags = 2 },
		{ .id = id2, .valid = false, .problem = &problem },
	};
	struct ruru_session_listing h = { .v = v, .n = 2 };
	ASSERT_TEXT(session_listing, &h,
		    "S-1\tpaused\t2026-01-01T00:00:00Z\tred \\x1b[31m\\ttab\\n\\\\t\ttags: \\x1b]0;x\\x07, b\n"
		    "S-2\tinvalid\t-\tbad \\x1b[2J key\n");
}

static void view(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = "Viewed", .description = "the goal\nsecond line" };
	char *id = ruru_session_new(ws, &o, &err);
	assert_non_null(id);
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 3; i++) {
		struct ruru_log_input in = { .type = RURU_EV_NOTE, .message = big,
					     .message_len = strlen(big) };
		struct ruru_entry_logged *l = ruru_session_log_entry(ws, id, &in, NULL, &err);
		assert_non_null(l);
		ruru_entry_logged_free(l);
	}
	/* unbounded JSON: every entry, whole, no entries_omitted */
	struct ruru_session_view *v = ruru_session_view(ws, id, RURU_ENTRIES_ALL, 0, false, &err);
	assert_non_null(v);
	assert_int_equal(v->session.nentries, 4);
	char *j = dump(ruru_session_view_json(v));
	assert_null(strstr(j, "entries_omitted"));
	assert_null(strstr(j, "message_cut"));
	free(j);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_session_view_text(v, &t);
	assert_non_null(strstr(t.ptr, "\ngoal:              the goal\n"
				      "                   second line\nentries:           4\n\n"));
	assert_null(strstr(t.ptr, "left out"));
	ruru_buf_release(&t);
	ruru_session_view_free(v);

	/* bounded to 4000 bytes: messages cut to 500, the JSON keeps the newest
	 * that fit (each counted as message and 256), the text those whose
	 * rendering fits, and says how many older ones it left out */
	v = ruru_session_view(ws, id, RURU_ENTRIES_ALL, 4000, true, &err);
	assert_non_null(v);
	j = dump(ruru_session_view_json(v));
	assert_non_null(strstr(j, "\"message_cut\":true"));
	assert_non_null(strstr(j, "… (2499 bytes more)"));
	assert_non_null(strstr(j, "\"entries_omitted\":0}"));
	free(j);
	ruru_session_view_text(v, &t);
	assert_non_null(strstr(t.ptr, "… (2499 bytes more: `ruru show --entry "));
	ruru_buf_release(&t);
	ruru_session_view_free(v);
	v = ruru_session_view(ws, id, 2, 160, true, &err);
	assert_non_null(v);
	j = dump(ruru_session_view_json(v));
	assert_non_null(strstr(j, "\"entries_omitted\":1}"));
	free(j);
	ruru_session_view_text(v, &t);
	assert_non_null(strstr(t.ptr, "\n(1 older entries left out: ruru show --max-chars 0 shows them all)\n"));
	ruru_buf_release(&t);
	ruru_session_view_free(v);
	free(id);

	/* by hand: an invalid log says why, hostile values shown, never sent */
	char sid[] = "S-V", path[] = ".ruru/sessions/S-V/session_log.md", title[] = "t\x1b[31m";
	char goal[] = "a\x1b]0;x\x07\n\tb\n";
	struct ruru_error problem = { .code = RURU_EINVALID };
	snprintf(problem.msg, sizeof(problem.msg), "bad \x07 key");
	struct ruru_session_view h = { .session = { .id = sid, .path = path, .title = title,
						    .problem = &problem, .goal = goal },
				       .last = RURU_ENTRIES_ALL };
	ruru_session_view_text(&h, &t);
	assert_true(!strncmp(t.ptr, "id:                S-V\ninvalid:           bad \\x07 key\n"
				    "title:             t\\x1b[31m\n", 74));
	assert_non_null(strstr(t.ptr, "\nlog:               .ruru/sessions/S-V/session_log.md\n"
				      "goal:              a\\x1b]0;x\\x07\n                   \tb\n"
				      "entries:           0\n"));
	ruru_buf_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(started_logged_status),
		cmocka_unit_test(artifact_task),
		cmocka_unit_test(listing),
		cmocka_unit_test(view),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
