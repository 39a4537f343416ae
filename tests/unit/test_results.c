/* test_results.c — the typed results of the session, log and flow verbs:
 * each is read into its struct from a real workspace, converted to the
 * JSON that `--json` and MCP print, and rendered as the one text that the
 * CLI and the MCP tool both send (workspace text escaped). */
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
#include <jansson.h>

#include "ruru.h"
#include "workspace.h"

static char dir[] = "/tmp/ruru-test-results.XXXXXX";
static struct ruru_ws *ws;
static char *sid;

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	ws = test_ws_open(dir, false);
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = "Results" };
	sid = ws ? ruru_session_new(ws, &o, &err) : NULL;
	return sid ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(sid);
	return test_ws_remove(ws, dir);
}

/* The JSON of a result, compact and in order, for comparing. */
static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

/* got is exactly the text that fmt and its arguments format. */
__attribute__((format(printf, 2, 3))) static void assert_text_is(const char *got, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *want = NULL;
	int n = vasprintf(&want, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	assert_string_equal(got, want);
	free(want);
}

/* The JSON of a result (released here) is exactly that text. */
#define assert_json_is(j, ...)                 \
	do {                                   \
		char *got_ = dump(j);          \
		assert_text_is(got_, __VA_ARGS__); \
		free(got_);                    \
	} while (0)

static void artifact_list(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	char *rel = NULL;
	assert_int_equal(ruru_artifact_add(ws, sid, "notes.md", "hello", 5, false, NULL, &rel, &err), 0);
	free(rel);
	char stray[256];
	snprintf(stray, sizeof(stray), ".ruru/sessions/%s/artifacts/stray.txt", sid);
	write_file(stray, "xy");

	struct ruru_artifact_list *l = ruru_artifact_list(ws, sid, &err);
	assert_non_null(l);
	assert_string_equal(l->session, sid);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->v[0].path, "artifacts/notes.md");
	assert_true(l->v[0].recorded && l->v[0].exists);
	assert_int_equal(l->v[0].bytes, 5);
	assert_string_equal(l->v[1].path, "artifacts/stray.txt");
	assert_false(l->v[1].recorded);
	assert_ptr_equal(ruru_artifact_list_find(l, "artifacts/stray.txt"), &l->v[1]);
	assert_null(ruru_artifact_list_find(l, "artifacts/none"));

	assert_json_is(ruru_artifact_list_json(l),
		       "{\"session\":\"%s\",\"artifacts\":[{\"path\":\"artifacts/notes.md\",\"recorded\":"
		       "true,\"exists\":true,\"bytes\":5},{\"path\":\"artifacts/stray.txt\",\"recorded\":"
		       "false,\"exists\":true,\"bytes\":2}]}",
		       sid);

	struct ruru_buf t = RURU_BUF_INIT;
	ruru_artifact_list_text(l, &t);
	assert_text_is(t.ptr,
		       "2 artifacts in session %s:\nartifacts/notes.md\trecorded\t5 bytes\n"
		       "artifacts/stray.txt\tunrecorded\t2 bytes\n",
		       sid);
	ruru_buf_release(&t);
	ruru_artifact_list_free(l);

	/* a recorded file that is gone, a typed one, and a name that would
	 * drive a terminal: missing, its type, escaped */
	char path[] = "artifacts/a\x1b[31m\tb", gone[] = "artifacts/gone.md", sess[] = "S";
	struct ruru_artifact_info v[] = {
		{ .path = path, .recorded = false, .exists = true, .bytes = 1, .type = "note" },
		{ .path = gone, .recorded = true, .exists = false, .bytes = -1 },
	};
	struct ruru_artifact_list h = { .session = sess, .v = v, .n = 2 };
	ruru_artifact_list_text(&h, &t);
	assert_string_equal(t.ptr, "2 artifacts in session S:\nartifacts/a\\x1b[31m\\tb\tnote\tunrecorded"
				   "\t1 byte\nartifacts/gone.md\trecorded\tmissing\n");
	ruru_buf_release(&t);
	char *j = dump(ruru_artifact_list_json(&h));
	assert_non_null(strstr(j, "\"type\":\"note\""));
	assert_non_null(strstr(j, "\"exists\":false,\"bytes\":null}"));
	free(j);
	struct ruru_artifact_list empty = { .session = sess };
	ruru_artifact_list_text(&empty, &t);
	assert_string_equal(t.ptr, "0 artifacts in session S.\n");
	ruru_buf_release(&t);
}


static char *new_session(const char *goal)
{
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = goal };
	char *id = ruru_session_new(ws, &o, &err);
	assert_non_null(id);
	return id;
}

static void log_entry(const char *id, enum ruru_event type, const char *task, const char *mode,
		      const char *msg)
{
	struct ruru_error err = { 0 };
	struct ruru_log_input in = { .type = type, .message = msg, .message_len = strlen(msg) };
	in.field[RURU_FIELD_TASK] = task;
	in.field[RURU_FIELD_MODE] = mode;
	if (ruru_session_log(ws, id, &in, &err) < 0)
		fail_msg("log: %s", err.msg);
}

/* A session with a linked task that has no file and a task file that
 * names the session and that an open delegation holds open. */
static void task_list(void **state)
{
	(void)state;
	char *id = new_session("Tasks");
	struct ruru_error err = { 0 };
	char task[512];
	snprintf(task, sizeof(task),
		 "+++\nid = \"TASK-DEV-20261124-031520\"\ntitle = \"Build\\u001b[31m\"\n"
		 "status = \"🟡 To Do\"\nRooComSessionID = \"%s\"\n+++\n# Build\n", id);
	write_file(".ruru/tasks/TASK-DEV-20261124-031520.md", task);
	assert_int_equal(ruru_task_link(ws, id, "TASK-X-20260101-000000", &err), 0);
	log_entry(id, RURU_EV_ERROR, "TASK-DEV-20261124-031520", "dev", "build failed");

	struct ruru_task_list *l = ruru_task_list(ws, id, &err);
	assert_non_null(l);
	assert_string_equal(l->session, id);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->v[0].id, "TASK-X-20260101-000000");
	assert_true(l->v[0].linked);
	assert_null(l->v[0].file);
	assert_null(l->v[0].open);
	assert_string_equal(l->v[1].file, ".ruru/tasks/TASK-DEV-20261124-031520.md");
	assert_string_equal(l->v[1].via, "RooComSessionID");
	assert_string_equal(l->v[1].open, "error");

	assert_json_is(ruru_task_list_json(l),
		       "{\"session\":\"%s\",\"tasks\":[{\"id\":\"TASK-X-20260101-000000\",\"title\":null,"
		       "\"status\":null,\"assigned_to\":null,\"file\":null,\"linked\":true,\"via\":"
		       "\"related_tasks\"},{\"id\":\"TASK-DEV-20261124-031520\",\"title\":\"Build\\u001B[31m\","
		       "\"status\":\"🟡 To Do\",\"assigned_to\":null,\"file\":\".ruru/tasks/TASK-DEV-20261124-031520.md\",\"via\":"
		       "\"RooComSessionID\",\"linked\":false,\"open\":\"error\"}]}",
		       id);

	struct ruru_buf t = RURU_BUF_INIT;
	ruru_task_list_text(l, &t);
	assert_text_is(t.ptr,
		       "2 tasks of session %s:\nTASK-X-20260101-000000\t(no task file)\tlinked\t-\t\n"
		       "TASK-DEV-20261124-031520\t🟡 To Do\tRooComSessionID\t"
		       ".ruru/tasks/TASK-DEV-20261124-031520.md\tBuild\\x1b[31m\topen: error\n",
		       id);
	ruru_buf_reset(&t);
	ruru_task_list_free(l);

	/* the board: every task file, with the session it names */
	l = ruru_task_list_all(ws, &err);
	assert_non_null(l);
	assert_null(l->session);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->v[0].session, id);
	assert_json_is(ruru_task_list_json(l),
		       "{\"tasks\":[{\"id\":\"TASK-DEV-20261124-031520\",\"title\":\"Build\\u001B[31m\","
		       "\"status\":\"🟡 To Do\",\"assigned_to\":null,\"file\":\".ruru/tasks/TASK-DEV-20261124-031520.md\",\"session\":"
		       "\"%s\"}]}",
		       id);
	ruru_task_list_text(l, &t);
	assert_text_is(t.ptr,
		       "1 task file:\nTASK-DEV-20261124-031520\t🟡 To Do\t%s\t"
		       ".ruru/tasks/TASK-DEV-20261124-031520.md\tBuild\\x1b[31m\n",
		       id);
	ruru_buf_release(&t);
	ruru_task_list_free(l);
	free(id);
}

/* Open items: a delegation with no result, an error with no later
 * success; a result closes its delegation. */
static void open_items(void **state)
{
	(void)state;
	char *id = new_session("Open");
	struct ruru_error err = { 0 };
	struct ruru_open_items *o = ruru_open_items(ws, id, &err);
	assert_non_null(o);
	assert_int_equal(o->n, 0);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_open_items_text(o, &t);
	assert_text_is(t.ptr, "Nothing is open in session %s.\n", id);
	ruru_buf_reset(&t);
	assert_json_is(ruru_open_items_json(o), "[]");
	ruru_open_items_free(o);

	log_entry(id, RURU_EV_DELEGATION, NULL, "dev-api", "write the API\nin detail");
	log_entry(id, RURU_EV_DELEGATION, NULL, "docs", "write the docs");
	log_entry(id, RURU_EV_RESULT, NULL, "docs", "docs written");
	log_entry(id, RURU_EV_ERROR, NULL, NULL, "disk full");
	o = ruru_open_items(ws, id, &err);
	assert_non_null(o);
	assert_int_equal(o->n, 2);
	assert_int_equal(o->v[0].kind, RURU_OPEN_DELEGATION);
	assert_string_equal(o->v[0].mode, "dev-api");
	assert_string_equal(o->v[0].message, "write the API …");
	assert_null(o->v[0].task);
	assert_true(o->v[0].line > 0);
	assert_int_equal(o->v[1].kind, RURU_OPEN_ERROR);
	assert_string_equal(ruru_open_kind_name(o->v[1].kind), "error");
	assert_string_equal(o->v[1].text,
			    "error has no later success: disk full (2026-11-24 03:15:20Z)");

	assert_json_is(ruru_open_items_json(o),
		       "[{\"kind\":\"delegation\",\"text\":\"delegation to dev-api has no result yet: write "
		       "the API … (2026-11-24 03:15:20Z)\",\"line\":%zu,\"stamp\":\"2026-11-24 03:15:20Z\","
		       "\"mode\":\"dev-api\",\"task\":null,\"source\":null,\"artifact\":null,\"message\":\"write the API …\"},{\"kind\":\"error\",\"text\":"
		       "\"error has no later success: disk full (2026-11-24 03:15:20Z)\",\"line\":%zu,"
		       "\"stamp\":\"2026-11-24 03:15:20Z\",\"mode\":null,\"task\":null,\"source\":null,"
		       "\"artifact\":null,\"message\":\"disk full\"}]",
		       o->v[0].line, o->v[1].line);

	ruru_open_items_text(o, &t);
	assert_text_is(t.ptr,
		       "2 open items in session %s:\n- delegation to dev-api has no result yet: write the "
		       "API … (2026-11-24 03:15:20Z)\n- error has no later success: disk full "
		       "(2026-11-24 03:15:20Z)\n",
		       id);
	ruru_buf_release(&t);

	/* the task list hands over the open items it computed: the same */
	struct ruru_open_items *o2 = NULL;
	struct ruru_task_list *l = ruru_task_list_open(ws, id, &o2, &err);
	assert_non_null(l);
	assert_non_null(o2);
	char *j1 = dump(ruru_open_items_json(o)), *j2 = dump(ruru_open_items_json(o2));
	assert_string_equal(j2, j1);
	free(j1);
	free(j2);
	ruru_open_items_free(o2);
	ruru_task_list_free(l);
	ruru_open_items_free(o);

	/* every kind has its word */
	struct ruru_open_item kinds[] = { { .kind = RURU_OPEN_TASK, .text = NULL },
					  { .kind = RURU_OPEN_CONFIRMATION },
					  { .kind = RURU_OPEN_BLOCKER } };
	char sess[] = "S", text[] = "blocker notes/\x1b[2J.md [open]";
	struct ruru_open_items h = { .session = sess, .v = kinds, .n = 3 };
	assert_json_is(ruru_open_items_json(&h),
		       "[{\"kind\":\"task\",\"text\":\"\",\"task\":null,\"status\":null},"
		       "{\"kind\":\"confirmation\",\"text\":\"\",\"artifact\":null,\"target\":null,"
		       "\"status\":null},{\"kind\":\"blocker\",\"text\":\"\",\"artifact\":null,"
		       "\"status\":null}]");
	/* a file name in an item's text cannot drive the terminal */
	kinds[2].text = text;
	h.v = &kinds[2];
	h.n = 1;
	ruru_open_items_text(&h, &t);
	assert_string_equal(t.ptr, "1 open item in session S:\n- blocker notes/\\x1b[2J.md [open]\n");
	ruru_buf_release(&t);
	free(id);
}

/* check: a log with errors, a stray index (a warning, not a log); the
 * text as compilers print it, --errors-only dropping the warnings. */
static void check_report(void **state)
{
	(void)state;
	assert_int_equal(mkdir(".ruru/sessions/S-BAD", 0755), 0);
	write_file(".ruru/sessions/S-BAD/session_log.md",
		   "+++\nid = \"S-BAD\"\ntitle = 3\nstatus = \"weird\"\n+++\n## Log Entries\n");
	write_file(".ruru/index.sqlite3", "");
	struct ruru_error err = { 0 };
	struct ruru_check_report *r = NULL;
	const char *files[] = { ".ruru/sessions/S-BAD/session_log.md" };
	assert_int_equal(ruru_check(ws, files, 1, &r, &err), 3);
	assert_int_equal(r->nfiles, 1);
	assert_true(r->files[0].log);
	assert_int_equal(r->nproblems, 3);
	assert_true(r->problems[1].error);
	assert_int_equal(r->problems[1].line, 3);
	assert_int_equal(r->problems[1].column, 9);
	assert_string_equal(r->problems[1].code, "wrong-type");
	char *j = dump(ruru_check_report_json(r));
	assert_non_null(strstr(j, "{\"file\":\".ruru/sessions/S-BAD/session_log.md\",\"line\":3,"
				  "\"column\":9,\"severity\":\"error\",\"code\":\"wrong-type\","
				  "\"message\":\"\\\"title\\\" must be a string\"}"));
	assert_non_null(strstr(j, "\"ok\":false}"));
	free(j);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_check_report_text(r, &t);
	assert_string_equal(t.ptr,
			    ".ruru/sessions/S-BAD/session_log.md:2:1: error: missing key \"start_time\" "
			    "[missing-key]\n"
			    ".ruru/sessions/S-BAD/session_log.md:3:9: error: \"title\" must be a string "
			    "[wrong-type]\n"
			    ".ruru/sessions/S-BAD/session_log.md:4:10: error: unknown status \"weird\" "
			    "[unknown-status]\n"
			    ".ruru/sessions/S-BAD/session_log.md: 3 errors, 0 warnings\n");
	ruru_buf_release(&t);
	ruru_check_report_free(r);

	/* every log: the stray index is a warning of a file that is no log */
	assert_int_equal(ruru_check(ws, NULL, 0, &r, &err), 3);
	const struct ruru_check_file *stray = &r->files[r->nfiles - 1];
	assert_string_equal(stray->file, ".ruru/index.sqlite3");
	assert_false(stray->log);
	assert_int_equal(r->warnings, 1);
	j = dump(ruru_check_report_json(r));
	assert_non_null(strstr(j, "\"file\":\".ruru/index.sqlite3\",\"errors\":0,\"warnings\":1,"
				  "\"log\":false}"));
	free(j);
	ruru_check_report_text(r, &t);
	assert_non_null(strstr(t.ptr, "[stray-index]\n.ruru/index.sqlite3: 0 errors, 1 warning\n"));
	char want[128];
	snprintf(want, sizeof(want), "\n%zu logs checked: 3 errors, 1 warning\n", r->nfiles - 1);
	assert_non_null(strstr(t.ptr, want));
	ruru_buf_reset(&t);
	ruru_check_report_errors_only(r);
	assert_int_equal(r->nproblems, 3);
	ruru_check_report_text(r, &t);
	assert_null(strstr(t.ptr, "warning"));
	snprintf(want, sizeof(want), "\n%zu logs checked: 3 errors\n", r->nfiles - 1);
	assert_non_null(strstr(t.ptr, want));
	ruru_buf_release(&t);
	ruru_check_report_free(r);
	assert_int_equal(system("rm -r .ruru/sessions/S-BAD .ruru/index.sqlite3"), 0);

	/* a file name cannot start a line of its own */
	char bad[] = "x\ny.md", code[] = "c", msg[] = "m";
	struct ruru_check_problem p = { .file = bad, .line = 1, .column = 1, .error = true,
					.code = code, .message = msg };
	struct ruru_check_file f = { .file = bad, .errors = 1, .log = true };
	struct ruru_check_report h = { .errors = 1, .files = &f, .nfiles = 1, .problems = &p,
				       .nproblems = 1 };
	ruru_check_report_text(&h, &t);
	assert_string_equal(t.ptr, "x\\ny.md:1:1: error: m [c]\nx\\ny.md: 1 error, 0 warnings\n");
	ruru_buf_release(&t);
}

/* A task after status, claim and release: what its file says now. */
static void task_state(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_task_new o = { .type = "bug", .title = "Race" };
	char *file = NULL;
	char *id = ruru_task_new(ws, &o, &file, &err);
	assert_non_null(id);
	struct ruru_task_state *t = NULL;
	assert_int_equal(ruru_task_claim(ws, id, "dev-a", 600, &t, &err), 0);
	assert_string_equal(t->id, id);
	assert_string_equal(t->file, file);
	assert_string_equal(t->assigned_to, "dev-a");
	assert_string_equal(t->claimed_until, "2026-11-24T03:25:20Z");
	assert_json_is(ruru_task_state_json(t),
		       "{\"id\":\"%s\",\"file\":\"%s\",\"status\":\"%s\",\"assigned_to\":\"dev-a\","
		       "\"claimed_until\":\"2026-11-24T03:25:20Z\"}",
		       id, file, t->status);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_task_state_text(t, &b);
	assert_text_is(b.ptr,
		       "%s is %s · assigned to dev-a · claimed until 2026-11-24T03:25:20Z (%s).\n", id,
		       t->status, file);
	ruru_buf_reset(&b);
	ruru_task_state_free(t);

	assert_int_equal(ruru_task_release(ws, id, "dev-a", RURU_TASK_REVIEW, &t, &err), 0);
	assert_null(t->claimed_until);
	assert_string_equal(t->status, ruru_task_status_string(RURU_TASK_REVIEW));
	char *j = dump(ruru_task_state_json(t));
	assert_non_null(strstr(j, "\"claimed_until\":null}"));
	free(j);
	ruru_task_state_free(t);
	assert_int_equal(ruru_task_set_status(ws, id, RURU_TASK_DONE, NULL, &err), 0);

	/* what a file says is escaped; what it lacks is left out */
	char tid[] = "TASK-X-1", st[] = "\x1b[2JDone";
	struct ruru_task_state h = { .id = tid, .status = st };
	ruru_task_state_text(&h, &b);
	assert_string_equal(b.ptr, "TASK-X-1 is \\x1b[2JDone.\n");
	ruru_buf_release(&b);
	free(file);
	free(id);
}

/* A hook call logged, the same call again skipped; a transcript imported
 * with a malformed line. */
static void capture_and_import(void **state)
{
	(void)state;
	char *id = new_session("Capture");
	struct ruru_error err = { 0 };
	static const char hook[] = "{\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"fix it\"}";
	struct ruru_capture_report *r = NULL;
	assert_int_equal(ruru_capture_hook(ws, id, "claude", hook, sizeof(hook) - 1, &r, &err), 0);
	assert_string_equal(r->session, id);
	assert_int_equal(r->nlogged, 1);
	assert_int_equal(r->nskipped, 0);
	assert_int_equal(r->logged[0].type, RURU_EV_PROMPT);
	assert_string_equal(r->logged[0].message, "fix it");
	assert_json_is(ruru_capture_report_json(r),
		       "{\"session\":\"%s\",\"host\":\"claude\",\"logged\":[{\"type\":\"prompt\","
		       "\"message\":\"fix it\",\"artifact\":null}],\"skipped\":[]}",
		       id);
	ruru_capture_report_free(r);
	assert_int_equal(ruru_capture_hook(ws, id, "claude", hook, sizeof(hook) - 1, &r, &err), 0);
	assert_int_equal(r->nlogged, 0);
	assert_int_equal(r->nskipped, 1);
	ruru_capture_report_free(r);

	static const char tr[] =
		"{\"type\":\"user\",\"timestamp\":\"2026-03-14T09:26:53Z\",\"message\":{\"role\":"
		"\"user\",\"content\":\"fix it\"}}\nnot json\n";
	struct ruru_import_report *ir = NULL;
	char *sid2 = ruru_import(ws, "claude", tr, sizeof(tr) - 1, "t\x1b.jsonl", &ir, &err);
	assert_non_null(sid2);
	assert_string_equal(ir->session, sid2);
	assert_int_equal(ir->nproblems, 1);
	assert_int_equal(ir->problems[0].line, 2);
	assert_int_equal(ir->records, 1);
	assert_json_is(ruru_import_report_json(ir),
		       "{\"session\":\"%s\",\"host\":\"claude\",\"artifact\":\"%s\",\"entries\":%zu,"
		       "\"records\":1,\"unknown\":0,\"problems\":[{\"line\":2,\"message\":\"%s\"}]}",
		       sid2, ir->artifact, ir->entries, ir->problems[0].message);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_import_report_text(ir, &t);
	assert_text_is(t.ptr,
		       "t\\x1b.jsonl:2: %s\nimported 1 record as %zu entries (0 of an unknown kind kept "
		       "in %s); the session is paused\n",
		       ir->problems[0].message, ir->entries, ir->artifact);
	ruru_buf_release(&t);
	ruru_import_report_free(ir);
	free(sid2);
	free(id);
}

/* A summary: its lists from the log, its open items typed, its JSON and
 * its one line. */
static void summary(void **state)
{
	(void)state;
	char *id = new_session("Summary");
	struct ruru_error err = { 0 };
	log_entry(id, RURU_EV_DECISION, NULL, NULL, "use jansson");
	log_entry(id, RURU_EV_DELEGATION, NULL, "qa", "test it");
	char *rel = NULL;
	struct ruru_summary *s = NULL;
	assert_int_equal(ruru_session_summarize(ws, id, NULL, &rel, &s, &err), 0);
	assert_string_equal(s->path, rel);
	assert_string_equal(s->session, id);
	assert_true(s->recorded);
	assert_int_equal(s->ndecisions, 1);
	assert_non_null(strstr(s->decisions[0], "use jansson"));
	assert_int_equal(s->open->n, 1);
	assert_int_equal(s->open->v[0].kind, RURU_OPEN_DELEGATION);
	assert_int_equal(s->nblockers, 1);
	assert_int_equal(s->nnext_steps, 1);
	char *j = dump(ruru_summary_json(s));
	char want[1024];
	snprintf(want, sizeof(want), "\"session\":\"%s\",\"path\":\"%s\",\"recorded\":true,", id, rel);
	assert_non_null(strstr(j, want));
	static const char lead[] = "{\"open_items\":[{\"kind\":\"delegation\"";
	assert_true(!strncmp(j, lead, sizeof(lead) - 1));
	assert_non_null(strstr(j, "\"key_decisions_made\":[\""));
	assert_non_null(strstr(j, "\"primary_context_artifacts\":["));
	free(j);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_summary_text(s, &t);
	assert_text_is(t.ptr,
		       "Wrote %s for session %s: 0 outcomes, 1 decision, 1 open issue, 1 next step.\n",
		       rel, id);
	ruru_buf_release(&t);
	ruru_summary_free(s);
	free(rel);
	free(id);
}

/* The digests of show --digest, continue and prime: their fields from the
 * log and the task files, their JSON (the session's fields and the
 * digest's), their one text (the digest itself, workspace text escaped). */
static void digest(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_new o = { .goal = "Digest", .description = "the goal text" };
	char *id = ruru_session_new(ws, &o, &err);
	assert_non_null(id);
	char task[512];
	snprintf(task, sizeof(task),
		 "+++\nid = \"TASK-DIG-20261124-031520\"\ntitle = \"Dig\\u001b[31m\"\n"
		 "status = \"🟡 To Do\"\nRooComSessionID = \"%s\"\n+++\n# Dig\n", id);
	write_file(".ruru/tasks/TASK-DIG-20261124-031520.md", task);
	log_entry(id, RURU_EV_DELEGATION, "TASK-DIG-20261124-031520", "dev", "dig deep");
	log_entry(id, RURU_EV_DECISION, NULL, NULL, "dig by hand");

	struct ruru_digest *d = ruru_session_digest(ws, id, 0, &err);
	assert_non_null(d);
	assert_int_equal(d->kind, RURU_DIGEST_SHOW);
	assert_string_equal(d->session->id, id);
	assert_string_equal(d->session->goal, "the goal text");
	assert_null(d->session->entries);
	assert_int_equal(d->entry_count, 3);
	assert_int_equal(d->entries_omitted, 0);
	assert_int_equal(d->tasks->n, 1);
	assert_true(d->tasks->v[0].linked); /* the delegation linked it */
	assert_int_equal(d->pending->n, 0);
	assert_int_equal(d->open->n, 1);
	assert_int_equal(d->open->v[0].kind, RURU_OPEN_DELEGATION);
	assert_string_equal(d->open->v[0].task, "TASK-DIG-20261124-031520");
	/* the text: ruru's own lines, no byte of the workspace can drive a
	 * terminal or start a line */
	char want[2048];
	snprintf(want, sizeof(want), "# Session %s\n\nGoal: Digest\n", id);
	assert_true(!strncmp(d->text, want, strlen(want)));
	assert_int_equal(strlen(d->text), d->len);
	assert_null(strchr(d->text, '\x1b'));
	assert_non_null(strstr(d->text, "\n- TASK-DIG-20261124-031520 [🟡 To Do] Dig\\x1b[31m (.ruru/tasks/"
					 "TASK-DIG-20261124-031520.md)\n"));
	assert_non_null(strstr(d->text, "\n## Open items\n\n- delegation to dev, task "
					 "TASK-DIG-20261124-031520 [🟡 To Do] has no result yet: "
					 "dig deep (2026-11-24 03:15:20Z)\n"));
	assert_non_null(strstr(d->text, "\n## Last entries (all 3)\n"));
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_digest_text(d, &t);
	assert_string_equal(t.ptr, d->text);
	ruru_buf_reset(&t);
	char *j = dump(ruru_digest_json(d));
	snprintf(want, sizeof(want), "{\"id\":\"%s\",\"path\":\".ruru/sessions/%s/session_log.md\","
		 "\"layout\":\"ruru\",\"valid\":true,\"title\":\"Digest\",\"status\":\"active\",", id, id);
	assert_true(!strncmp(j, want, strlen(want)));
	snprintf(want, sizeof(want),
		 "\"goal\":\"the goal text\",\"tasks\":[{\"id\":\"TASK-DIG-20261124-031520\","
		 "\"title\":\"Dig\\u001B[31m\",\"status\":\"🟡 To Do\",\"assigned_to\":null,\"file\":"
		 "\".ruru/tasks/TASK-DIG-20261124-031520.md\",\"linked\":true,\"via\":"
		 "\"related_tasks\"}],\"pending_confirmations\":[],\"open_items\":[{\"kind\":"
		 "\"delegation\",");
	assert_non_null(strstr(j, want));
	assert_non_null(strstr(j, "\"entry_count\":3,\"entries_omitted\":0,\"max_chars\":0,"
				  "\"digest\":\"# Session "));
	assert_null(strstr(j, "\"resumed\""));
	free(j);
	ruru_digest_free(d);

	/* a bound leaves the oldest entries out, and says so */
	d = ruru_session_digest(ws, id, 600, &err);
	assert_non_null(d);
	assert_true(d->entries_omitted > 0);
	assert_true(d->len <= 600);
	assert_int_equal(d->max_chars, 600);
	ruru_digest_free(d);

	/* continue: a paused session is resumed, and says so */
	assert_int_equal(ruru_session_set_status(ws, id, RURU_STATUS_PAUSED, "lunch", &err), 0);
	d = ruru_session_continue(ws, id, 0, 0, &err);
	assert_non_null(d);
	assert_int_equal(d->kind, RURU_DIGEST_CONTINUE);
	assert_true(d->resumed);
	assert_false(d->reopened);
	snprintf(want, sizeof(want), "# Continuing session %s\n", id);
	assert_true(!strncmp(d->text, want, strlen(want)));
	j = dump(ruru_digest_json(d));
	size_t jl = strlen(j);
	static const char tail[] = ",\"resumed\":true,\"reopened\":false}";
	assert_true(jl > sizeof(tail) && !strcmp(j + jl - (sizeof(tail) - 1), tail));
	free(j);
	ruru_digest_free(d);

	/* prime: the short digest, newest first, with the last decision */
	d = ruru_prime(ws, id, 0, &err);
	assert_non_null(d);
	assert_int_equal(d->kind, RURU_DIGEST_PRIME);
	assert_int_equal(d->max_chars, 2000);
	assert_true(d->len <= 2000);
	assert_string_equal(d->session->id, id);
	assert_int_equal(d->open_count, 1);
	assert_int_equal(d->open->n, 1);
	assert_non_null(d->last_decision);
	assert_int_equal(d->last_decision->type, RURU_EV_DECISION);
	assert_string_equal(d->last_decision->message, "dig by hand");
	assert_true(d->nrecent > 0);
	assert_null(strchr(d->text, '\x1b'));
	snprintf(want, sizeof(want), "ruru session %s [active]\nGoal: Digest\n", id);
	assert_true(!strncmp(d->text, want, strlen(want)));
	assert_non_null(strstr(d->text, "Last decision:\n- [2026-11-24 03:15:20Z] decision: dig by hand\n"));
	ruru_digest_text(d, &t);
	assert_string_equal(t.ptr, d->text);
	ruru_buf_reset(&t);
	j = dump(ruru_digest_json(d));
	snprintf(want, sizeof(want),
		 "{\"session\":\"%s\",\"status\":\"active\",\"goal\":\"Digest\","
		 "\"pending_confirmations\":[],\"open_item_count\":1,\"open_items\":[{\"kind\":"
		 "\"delegation\",", id);
	assert_true(!strncmp(j, want, strlen(want)));
	assert_non_null(strstr(j, "\"last_decision\":{\"line\":"));
	assert_non_null(strstr(j, "\"recent_entries\":[{\"line\":"));
	assert_non_null(strstr(j, "\"text\":\"ruru session "));
	free(j);
	ruru_digest_free(d);

	/* prime with no session: what it offers instead, by hand, hostile
	 * text in it */
	char s1[] = "S-1", title[] = "t\x01", text[] = "ruru: no active session.\n";
	char *says[] = { s1 };
	struct ruru_session recent = { .id = s1, .title = title, .status = RURU_STATUS_PAUSED };
	struct ruru_digest h = { .kind = RURU_DIGEST_PRIME, .text = text, .len = strlen(text),
				 .active_in_logs = says, .nactive_in_logs = 1,
				 .recent_sessions = &recent, .nrecent_sessions = 1 };
	j = dump(ruru_digest_json(&h));
	assert_string_equal(j, "{\"active_in_logs\":[\"S-1\"],\"session\":null,\"recent_sessions\":"
			       "[{\"id\":\"S-1\",\"status\":\"paused\",\"title\":\"t\\u0001\"}],"
			       "\"text\":\"ruru: no active session.\\n\"}");
	free(j);
	ruru_digest_text(&h, &t);
	assert_string_equal(t.ptr, text);
	ruru_buf_release(&t);
	free(id);
}

/* An export: the session with every entry, its tasks, its artifacts with
 * their text; secrets redacted in the JSON and the Markdown alike unless
 * asked not to. */
static void export(void **state)
{
	(void)state;
	char *id = new_session("Export");
	struct ruru_error err = { 0 };
	static const char secret[] = "key AKIAIOSFODNN7EXAMPLE\n";
	char *rel = NULL;
	assert_int_equal(ruru_artifact_add(ws, id, "keys.txt", secret, strlen(secret), false, NULL,
					   &rel, &err), 0);
	free(rel);
	log_entry(id, RURU_EV_NOTE, NULL, NULL, "exported");

	struct ruru_export *x = ruru_export(ws, id, 0, &err);
	assert_non_null(x);
	assert_true(x->redact);
	assert_string_equal(x->session->id, id);
	assert_int_equal(x->session->nentries, 3);
	assert_int_equal(x->tasks->n, 0);
	assert_int_equal(x->artifacts->n, 1);
	assert_string_equal(x->artifacts->v[0].path, "artifacts/keys.txt");
	assert_string_equal(x->texts[0].text, secret); /* the struct holds what is there */
	assert_null(x->texts[0].problem);
	char *j = dump(ruru_export_json(x));
	char want[1024];
	snprintf(want, sizeof(want), "{\"session\":{\"id\":\"%s\",", id);
	assert_true(!strncmp(j, want, strlen(want)));
	assert_non_null(strstr(j, "\"entry_count\":3,"));
	assert_non_null(strstr(j, "]},\"tasks\":[],\"artifacts\":[{\"path\":\"artifacts/keys.txt\","
				  "\"recorded\":true,\"exists\":true,\"bytes\":25,\"text\":\"key "
				  "[REDACTED:aws-access-key]\\n\"}],\"redacted\":true,\"redactions\":1}"));
	free(j);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_export_text(x, &t);
	assert_true(!strncmp(t.ptr, "# Export\n\n| Field | Value |\n", 27));
	assert_non_null(strstr(t.ptr, "\n## Log entries (3)\n"));
	assert_non_null(strstr(t.ptr, "\n### artifacts/keys.txt\n\n~~~\nkey [REDACTED:aws-access-key]\n~~~\n"));
	assert_null(strstr(t.ptr, "AKIA"));
	ruru_buf_reset(&t);
	ruru_export_free(x);

	x = ruru_export(ws, id, RURU_EXPORT_NO_REDACT, &err);
	assert_non_null(x);
	j = dump(ruru_export_json(x));
	assert_non_null(strstr(j, "\"text\":\"key AKIAIOSFODNN7EXAMPLE\\n\"}],\"redacted\":false,"
				  "\"redactions\":0}"));
	free(j);
	ruru_export_text(x, &t);
	assert_non_null(strstr(t.ptr, "key AKIAIOSFODNN7EXAMPLE\n"));
	ruru_buf_release(&t);
	ruru_export_free(x);
	assert_null(ruru_export(ws, "NO-SUCH-SESSION", 0, &err));
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(artifact_list),
		cmocka_unit_test(task_list),
		cmocka_unit_test(open_items),
		cmocka_unit_test(check_report),
		cmocka_unit_test(task_state),
		cmocka_unit_test(capture_and_import),
		cmocka_unit_test(summary),
		cmocka_unit_test(digest),
		cmocka_unit_test(export),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
