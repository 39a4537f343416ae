/* test_v7.c — the V7 tables and parsers: artifact types,
 * MDTM task statuses, task ID shape, lease durations, and the template
 * filler keeping comments while it sets keys and appends tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruru.h"
#include "builtin.h"
#include "v7.h"

static void artifact_types_table(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct ruru_artifact_type *t = ruru_artifact_types; t->type; t++, n++) {
		/* Every type has its built-in template and is found by each name. */
		assert_non_null(ruru_builtin_find(t->template));
		assert_ptr_equal(ruru_artifact_type_find(t->type), t);
		assert_ptr_equal(ruru_artifact_type_find(t->folder), t);
		assert_ptr_equal(ruru_artifact_type_find(t->prefix), t);
	}
	assert_int_equal(n, 12);
	assert_string_equal(ruru_artifact_type_find("fdbk")->folder, "feedback");
	assert_string_equal(ruru_artifact_type_find("ENV")->type, "environment");
	assert_null(ruru_artifact_type_find("code"));
	assert_null(ruru_artifact_type_find(NULL));
	assert_non_null(ruru_builtin_find("50_session_summary.md"));
	for (int i = 1; i <= 6; i++) {
		int found = 0;
		for (const struct ruru_builtin *b = ruru_builtins; b->name; b++)
			found += b->name[0] == '0' && b->name[1] == '0' + i;
		assert_int_equal(found, 1);
	}
}

static void task_statuses(void **state)
{
	(void)state;
	for (int s = RURU_TASK_TODO; s < RURU_TASK_STATUS_COUNT; s++) {
		assert_int_equal(ruru_task_status_parse(ruru_task_status_string(s)), s);
		assert_int_equal(ruru_task_status_parse(ruru_task_status_word(s)), s);
	}
	assert_int_equal(ruru_task_status_parse("To Do"), RURU_TASK_TODO);
	assert_int_equal(ruru_task_status_parse("in_progress"), RURU_TASK_IN_PROGRESS);
	assert_int_equal(ruru_task_status_parse("🔵 in progress"), RURU_TASK_IN_PROGRESS);
	assert_int_equal(ruru_task_status_parse("DONE"), RURU_TASK_DONE);
	assert_int_equal(ruru_task_status_parse("finished"), RURU_TASK_UNKNOWN);
	assert_int_equal(ruru_task_status_parse(""), RURU_TASK_UNKNOWN);
	assert_null(ruru_task_status_string(RURU_TASK_UNKNOWN));
	assert_string_equal(ruru_task_status_string(RURU_TASK_REVIEW), "🟣 Review");
}

static void task_ids_and_durations(void **state)
{
	(void)state;
	assert_true(ruru_task_id_ok("TASK-DEV-PY-20261124-031602"));
	assert_true(ruru_task_id_ok("TASK-a_b.c-1"));
	assert_false(ruru_task_id_ok("TASK-"));
	assert_false(ruru_task_id_ok("not a task"));
	assert_false(ruru_task_id_ok("TASK-A B"));
	assert_false(ruru_task_id_ok("TASK-A`"));
	assert_false(ruru_task_id_ok("task-a"));
	assert_false(ruru_task_id_ok(NULL));
	assert_int_equal(ruru_duration_parse("90s"), 90);
	assert_int_equal(ruru_duration_parse("30m"), 1800);
	assert_int_equal(ruru_duration_parse("2h"), 7200);
	assert_int_equal(ruru_duration_parse("1d"), 86400);
	assert_int_equal(ruru_duration_parse("45"), 45);
	assert_int_equal(ruru_duration_parse("0m"), -1);
	assert_int_equal(ruru_duration_parse("-5m"), -1);
	assert_int_equal(ruru_duration_parse("5w"), -1);
	assert_int_equal(ruru_duration_parse("m"), -1);
	assert_int_equal(ruru_duration_parse("400d"), -1);
	assert_int_equal(ruru_duration_parse(""), -1);
}

static void fm_fill_keeps_comments(void **state)
{
	(void)state;
	static const char tpl[] = "+++\n"
				  "# head\n"
				  "id = \"\" # the id\n"
				  "tags = [\n"
				  "    # keywords\n"
				  "    \"a\",\n"
				  "]\n"
				  "+++\n"
				  "\n# Title\n";
	const struct ruru_fm_set sets[] = { { "id", "\"X-1\"" }, { "extra", "2026-11-24T03:15:20Z" } };
	const char *tags[] = { "a", "b" };
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_error_clear(&err);
	assert_int_equal(ruru_fm_fill(&out, tpl, sizeof(tpl) - 1, "t.md", sets, 2, tags, 2, NULL, &err), 0);
	assert_non_null(strstr(out.ptr, "# head\nid = \"X-1\" # the id\n"));
	assert_non_null(strstr(out.ptr, "    # keywords\n"));
	assert_non_null(strstr(out.ptr, "\"b\""));
	assert_non_null(strstr(out.ptr, "extra = 2026-11-24T03:15:20Z\n"));
	assert_non_null(strstr(out.ptr, "+++\n\n# Title\n"));
	struct ruru_frontmatter fm;
	assert_true(ruru_frontmatter_split(out.ptr, out.len, &fm));
	struct ruru_toml *doc = ruru_toml_parse(out.ptr + fm.toml, fm.toml_end - fm.toml, &err);
	assert_non_null(doc);
	const struct ruru_toml_value *t = ruru_toml_table_get(ruru_toml_root(doc), "tags", 4);
	assert_int_equal(ruru_toml_array_len(t), 2);
	ruru_toml_free(doc);
	/* A template without front matter is refused, naming it. */
	assert_int_equal(ruru_fm_fill(&out, "# x\n", 4, "t.md", sets, 1, NULL, 0, NULL, &err), -1);
	assert_int_equal(err.code, RURU_EINVALID);
	assert_string_equal(err.file, "t.md");
	ruru_buf_release(&out);
}

static void slugs(void **state)
{
	(void)state;
	static const struct {
		const char *title;
		size_t max;
		const char *slug;
	} cases[] = {
		{ "Initial plan: the API!", 48, "initial_plan_the_api" },
		{ "  ***  ", 48, "untitled" },
		{ "Ünïcode title", 48, "n_code_title" },
		{ "abcdefghij", 4, "abcd" },
	};
	struct ruru_buf b = RURU_BUF_INIT;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ruru_buf_reset(&b);
		ruru_slug(&b, cases[i].title, cases[i].max);
		assert_string_equal(b.ptr, cases[i].slug);
	}
	ruru_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(artifact_types_table),
		cmocka_unit_test(task_statuses),
		cmocka_unit_test(task_ids_and_durations),
		cmocka_unit_test(fm_fill_keeps_comments),
		cmocka_unit_test(slugs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
