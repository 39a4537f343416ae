/* test_fmkeys.c — the front-matter key table (fmkeys.c) is what reading,
 * the JSON, the default log, `check` and the merge driver use: a new log
 * holds every key, its JSON shows every key, `check` finds nothing, and a
 * log missing a required key is reported by that key's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"
#include "fmkeys.h"

static char dir[] = "/tmp/ruru-test-fmkeys.XXXXXX";

static void every_key_is_written_read_and_shown(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	setenv("RURU_NOW", "2026-11-24T03:15:20Z", 1);
	struct ruru_error err;
	struct ruru_ws *ws = ruru_ws_open(dir, &err);
	assert_non_null(ws);
	const char *tags[] = { "a", "b" };
	struct ruru_new o = { .goal = "Key table", .tags = tags, .ntags = 2 };
	char *id = ruru_session_new(ws, &o, &err);
	assert_non_null(id);

	struct ruru_buf text = RURU_BUF_INIT, path = RURU_BUF_INIT;
	ruru_buf_addf(&path, "%s/.ruru/sessions/%s/session_log.md", dir, id);
	assert_int_equal(ruru_buf_read_file(&text, path.ptr, &err), 0);
	struct ruru_frontmatter fm;
	assert_true(ruru_frontmatter_split(text.ptr, text.len, &fm));
	struct ruru_toml *doc = ruru_toml_parse(text.ptr + fm.toml, fm.toml_end - fm.toml, &err);
	assert_non_null(doc);
	struct ruru_session s;
	assert_int_equal(ruru_session_load(ws, id, 0, &s, &err), 0);
	json_t *j = ruru_session_json(&s, false, 0);
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (!ruru_toml_table_get(ruru_toml_root(doc), k->name, strlen(k->name)))
			fail_msg("the default log has no %s", k->name);
		if (!json_object_get(j, k->name))
			fail_msg("the JSON of a session has no %s", k->name);
		assert_ptr_equal(fm_key_find(k->name, strlen(k->name)), k);
	}
	assert_string_equal(s.title, "Key table");
	assert_int_equal(s.status, RURU_STATUS_ACTIVE);
	assert_int_equal(s.ntags, 2);
	json_decref(j);
	ruru_session_release(&s);
	ruru_toml_free(doc);

	json_t *problems;
	assert_int_equal(ruru_check(ws, NULL, 0, &problems, &err), 0);
	json_decref(problems);

	/* Drop the required title: check names it. */
	char *t = strstr(text.ptr, "title = ");
	assert_non_null(t);
	t[0] = 'X';
	FILE *f = fopen(path.ptr, "w");
	assert_non_null(f);
	fwrite(text.ptr, 1, text.len, f);
	fclose(f);
	assert_true(ruru_check(ws, NULL, 0, &problems, &err) > 0);
	char *dump = json_dumps(problems, 0);
	assert_non_null(strstr(dump, "title"));
	free(dump);
	json_decref(problems);

	ruru_buf_release(&text);
	ruru_buf_release(&path);
	free(id);
	ruru_ws_free(ws);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void merge_policies(void **state)
{
	(void)state;
	const struct fm_key *k = fm_key_find("tags", 4);
	assert_non_null(k);
	assert_int_equal(k->merge, FM_MERGE_UNION);
	assert_int_equal(fm_key_find("status", 6)->merge, FM_MERGE_SESSION);
	assert_int_equal(fm_key_find("title", 5)->merge, FM_MERGE_3WAY);
	assert_null(fm_key_find("nope", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_key_is_written_read_and_shown),
		cmocka_unit_test(merge_policies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
