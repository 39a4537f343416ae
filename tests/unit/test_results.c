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

#include "ruru.h"

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
	if (!mkdtemp(dir) || chdir(dir) < 0)
		return -1;
	struct ruru_error err = { 0 };
	static const struct ruru_options opts = { .now = "2026-11-24T03:15:20Z" };
	ws = ruru_ws_open_opts(dir, &opts, &err);
	struct ruru_new o = { .goal = "Results" };
	sid = ws ? ruru_session_new(ws, &o, &err) : NULL;
	return sid ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(sid);
	ruru_ws_free(ws);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The JSON of a result, compact and in order, for comparing. */
static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

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

	char *j = dump(ruru_artifact_list_json(l));
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"session\":\"%s\",\"artifacts\":[{\"path\":\"artifacts/notes.md\",\"recorded\":"
		 "true,\"exists\":true,\"bytes\":5},{\"path\":\"artifacts/stray.txt\",\"recorded\":"
		 "false,\"exists\":true,\"bytes\":2}]}",
		 sid);
	assert_string_equal(j, want);
	free(j);

	struct ruru_buf t = RURU_BUF_INIT;
	ruru_artifact_list_text(l, &t);
	snprintf(want, sizeof(want),
		 "2 artifacts in session %s:\nartifacts/notes.md\trecorded\t5 bytes\n"
		 "artifacts/stray.txt\tunrecorded\t2 bytes\n",
		 sid);
	assert_string_equal(t.ptr, want);
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
	j = dump(ruru_artifact_list_json(&h));
	assert_non_null(strstr(j, "\"type\":\"note\""));
	assert_non_null(strstr(j, "\"exists\":false,\"bytes\":null}"));
	free(j);
	struct ruru_artifact_list empty = { .session = sess };
	ruru_artifact_list_text(&empty, &t);
	assert_string_equal(t.ptr, "0 artifacts in session S.\n");
	ruru_buf_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(artifact_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
