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

#include <jansson.h>

#include "ruru.h"
#include "fmkeys.h"
#include "logtx.h"
#include "session.h"

static char dir[] = "/tmp/ruru-test-fmkeys.XXXXXX";

static void every_key_is_written_read_and_shown(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	struct ruru_error err = { 0 };
	static const struct ruru_options opts = { .now = "2026-11-24T03:15:20Z" };
	struct ruru_ws *ws = ruru_ws_open_opts(dir, &opts, &err);
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
		/* a key the new session has no value for is left out */
		bool in_log = ruru_toml_table_get(ruru_toml_root(doc), k->name, strlen(k->name));
		if (in_log != (k->def != FM_DEF_ABSENT))
			fail_msg("the default log %s %s", in_log ? "has" : "has no", k->name);
		if (!json_object_get(j, k->name))
			fail_msg("the JSON of a session has no %s", k->name);
		assert_ptr_equal(fm_key_find(k->name, strlen(k->name)), k);
	}
	/* the public view of the table: every row, in order, with a label,
	 * and the value a view shows is the loaded session's */
	struct ruru_session_key pk;
	size_t nk = 0;
	for (; ruru_session_key(nk, &pk); nk++) {
		assert_string_equal(pk.name, fm_keys[nk].name);
		assert_non_null(pk.label);
		assert_int_equal(pk.list, fm_keys[nk].type == FM_STRINGS);
	}
	assert_null(fm_keys[nk].name);
	size_t nv;
	const char *const *v = ruru_session_key_value(&s, 1, &nv); /* title */
	assert_int_equal(nv, 1);
	assert_string_equal(v[0], "Key table");
	v = ruru_session_key_value(&s, 0, &nv); /* id, from the folder */
	assert_int_equal(nv, 1);
	assert_string_equal(v[0], id);
	for (size_t k = 0; k < nk; k++)
		if (!strcmp(fm_keys[k].name, "tags")) {
			v = ruru_session_key_value(&s, k, &nv);
			assert_int_equal(nv, 2);
			assert_string_equal(v[1], "b");
		}
	assert_string_equal(s.title, "Key table");
	assert_int_equal(s.status, RURU_STATUS_ACTIVE);
	assert_int_equal(s.ntags, 2);
	json_decref(j);
	ruru_session_release(&s);
	ruru_toml_free(doc);

	struct ruru_check_report *problems;
	assert_int_equal(ruru_check(ws, NULL, 0, &problems, &err), 0);
	ruru_check_report_free(problems);

	/* Drop the required title: check names it. */
	char *t = strstr(text.ptr, "title = ");
	assert_non_null(t);
	t[0] = 'X';
	FILE *f = fopen(path.ptr, "w");
	assert_non_null(f);
	fwrite(text.ptr, 1, text.len, f);
	fclose(f);
	assert_true(ruru_check(ws, NULL, 0, &problems, &err) > 0);
	assert_true(problems->nproblems > 0);
	assert_non_null(strstr(problems->problems[0].message, "title"));
	ruru_check_report_free(problems);

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

/* The search index keeps the front matter as the table packs it (every
 * key, no column per key): it unpacks to the same members, and damaged
 * bytes are refused. */
static void index_copy_round_trips(void **state)
{
	(void)state;
	char t1[] = "a", t2[] = "b\037c", title[] = "T:1", st[] = "🟢 Active",
	     start[] = "2026-01-02T03:04:05Z", end[] = "";
	char *tags[] = { t1, t2 }, *none[] = { NULL };
	struct ruru_session s = { .title = title, .status_text = st, .status = RURU_STATUS_ACTIVE,
				  .start_text = start, .start = 1767323045, .end_text = end,
				  .tags = tags, .ntags = 2, .tasks = none, .ntasks = 0 };
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_session_pack(&s, &b);
	struct ruru_session t = { 0 };
	assert_true(ruru_session_unpack(&t, b.ptr, b.len));
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->off == FM_NO_FIELD)
			continue;
		if (k->type == FM_STRINGS) {
			size_t n = *(size_t *)((char *)&s + k->aux);
			assert_int_equal(*(size_t *)((char *)&t + k->aux), n);
			for (size_t i = 0; i < n; i++)
				assert_string_equal((*(char ***)((char *)&t + k->off))[i],
						    (*(char ***)((char *)&s + k->off))[i]);
			continue;
		}
		const char *a = *(char **)((char *)&s + k->off), *c = *(char **)((char *)&t + k->off);
		if (!a)
			assert_null(c);
		else
			assert_string_equal(c, a);
	}
	assert_int_equal(t.status, RURU_STATUS_ACTIVE);
	assert_int_equal(t.start, 1767323045);
	assert_null(t.coordinator);
	ruru_session_release(&t);
	for (size_t cut = 0; cut < b.len; cut++) {
		struct ruru_session u = { 0 };
		assert_false(ruru_session_unpack(&u, b.ptr, cut));
		ruru_session_release(&u);
	}
	struct ruru_session u = { 0 };
	assert_false(ruru_session_unpack(&u, "99999999999999999999999:x", 25));
	ruru_session_release(&u);
	ruru_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_key_is_written_read_and_shown),
		cmocka_unit_test(merge_policies),
		cmocka_unit_test(index_copy_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
