/* test_jsonedit.c — the format-preserving JSON/JSONC editor behind
 * `ruru init --host`: validation with positions, and add-then-remove giving
 * back every byte in the styles configuration files are written in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "jsonedit.h"

/* Documents in the styles found in real configuration files.  (An empty
 * object written across lines, "{\n}", comes back as "{}": after the edit
 * nothing tells the two apart.) */
static const char *const styles[] = {
	"{}",
	"{}\n",
	"{\n  \"mcpServers\": {}\n}\n",
	"{\n  \"a\": 1\n}\n",
	"{\n    \"a\": [1, 2],\n    \"mcpServers\": {\n        \"x\": {\"command\": \"y\"}\n    }\n}",
	"{\n\t\"mcpServers\": {\n\t\t\"x\": {\n\t\t\t\"command\": \"y\"\n\t\t}\n\t}\n}\n",
	"{\"mcpServers\": {\"x\": {\"command\": \"y\"}}, \"other\": [1, 2]}",
	"{\r\n  \"mcpServers\": {\r\n    \"x\": {\"command\": \"y\"}\r\n  }\r\n}\r\n",
	"\xEF\xBB\xBF{\"k\": \"caf\xC3\xA9 \\u00e9 \\\"q\\\"\"}\n",
	"  {  \"mcpServers\" :{ \"x\":{} } , \"z\":null }  ",
};

static void add_then_remove_gives_back_the_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
		struct ruru_jdoc d;
		struct ruru_error err = { 0 };
		assert_int_equal(ruru_jdoc_parse(&d, styles[i], strlen(styles[i]), false, &err), 0);
		int servers = ruru_jdoc_get(&d, d.root, "mcpServers");
		bool made = servers < 0;
		if (made) {
			json_t *e = json_object();
			assert_int_equal(ruru_jdoc_set(&d, d.root, "mcpServers", e, &err), 0);
			json_decref(e);
			servers = ruru_jdoc_get(&d, d.root, "mcpServers");
		}
		json_t *v = json_pack("{s:s, s:[s]}", "command", "ruru", "args", "mcp");
		assert_int_equal(ruru_jdoc_set(&d, servers, "ruru", v, &err), 0);
		/* What jansson reads is the old document plus the entry. */
		json_t *old = json_loads(styles[i][0] == '\xEF' ? styles[i] + 3 : styles[i], 0, NULL);
		json_t *now = json_loadb(d.text.ptr, d.text.len, 0, NULL);
		if (!now)
			now = json_loadb(d.text.ptr + 3, d.text.len - 3, 0, NULL);
		assert_non_null(old);
		assert_non_null(now);
		json_t *want = json_deep_copy(old);
		if (!json_object_get(want, "mcpServers"))
			json_object_set_new(want, "mcpServers", json_object());
		json_object_set(json_object_get(want, "mcpServers"), "ruru", v);
		assert_true(json_equal(want, now));
		/* Out again: the very bytes. */
		int r = ruru_jdoc_get(&d, ruru_jdoc_get(&d, d.root, "mcpServers"), "ruru");
		assert_int_equal(ruru_jdoc_remove(&d, r, &err), 0);
		if (made)
			assert_int_equal(ruru_jdoc_remove(&d, ruru_jdoc_get(&d, d.root, "mcpServers"), &err), 0);
		assert_int_equal(d.text.len, strlen(styles[i]));
		assert_memory_equal(d.text.ptr, styles[i], d.text.len);
		json_decref(v);
		json_decref(old);
		json_decref(now);
		json_decref(want);
		ruru_jdoc_release(&d);
	}
}

static void new_members_follow_the_file_indentation(void **state)
{
	(void)state;
	static const char src[] = "{\n\t\"a\": 1\n}\n";
	struct ruru_jdoc d;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_jdoc_parse(&d, src, strlen(src), false, &err), 0);
	json_t *v = json_pack("{s:[s]}", "x", "y");
	assert_int_equal(ruru_jdoc_set(&d, d.root, "b", v, &err), 0);
	assert_string_equal(d.text.ptr, "{\n\t\"a\": 1,\n\t\"b\": {\n\t\t\"x\": [\"y\"]\n\t}\n}\n");
	/* Replacing a value touches its bytes only. */
	json_t *n = json_integer(2);
	assert_int_equal(ruru_jdoc_set(&d, d.root, "a", n, &err), 0);
	assert_string_equal(d.text.ptr, "{\n\t\"a\": 2,\n\t\"b\": {\n\t\t\"x\": [\"y\"]\n\t}\n}\n");
	json_decref(v);
	json_decref(n);
	ruru_jdoc_release(&d);
}

static void jsonc_comments_and_trailing_commas(void **state)
{
	(void)state;
	static const char src[] = "{\n  // servers\n  \"mcp\": {\n    \"a\": {\"x\": 1},\n  },\n  /* end */\n}\n";
	struct ruru_jdoc d;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_jdoc_parse(&d, src, strlen(src), false, &err), -1);
	assert_int_equal(err.code, RURU_EINVALID);
	assert_int_equal(err.line, 2);
	assert_int_equal(ruru_jdoc_parse(&d, src, strlen(src), true, &err), 0);
	int mcp = ruru_jdoc_get(&d, d.root, "mcp");
	json_t *v = json_true();
	assert_int_equal(ruru_jdoc_set(&d, mcp, "ruru", v, &err), 0);
	json_t *all = ruru_jdoc_value(&d, d.root);
	assert_non_null(all);
	assert_true(json_is_true(json_object_get(json_object_get(all, "mcp"), "ruru")));
	json_decref(all);
	mcp = ruru_jdoc_get(&d, d.root, "mcp");
	assert_int_equal(ruru_jdoc_remove(&d, ruru_jdoc_get(&d, mcp, "ruru"), &err), 0);
	assert_string_equal(d.text.ptr, src);
	json_decref(v);
	ruru_jdoc_release(&d);
}

/* A comment at the end of the last member's line belongs to that member:
 * a new member goes on the next line, the comment stays where it was, and
 * taking the member out gives back the bytes. */
static void trailing_comments_stay_in_place(void **state)
{
	(void)state;
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "{\n  \"mcp\": {\n    \"a\": {\"x\": 1} // the local one\n  }\n}\n",
		  "{\n  \"mcp\": {\n    \"a\": {\"x\": 1}, // the local one\n    \"ruru\": true\n  }\n}\n" },
		{ "{\n  \"mcp\": {\n    \"a\": 1, /* one */ // two\n  },\n}\n",
		  "{\n  \"mcp\": {\n    \"a\": 1, /* one */ // two\n    \"ruru\": true,\n  },\n}\n" },
		{ "{\r\n  \"mcp\": {\r\n    \"a\": 1 // c\r\n  }\r\n}",
		  "{\r\n  \"mcp\": {\r\n    \"a\": 1, // c\r\n    \"ruru\": true\r\n  }\r\n}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ruru_jdoc d;
		struct ruru_error err = { 0 };
		assert_int_equal(ruru_jdoc_parse(&d, cases[i].src, strlen(cases[i].src), true, &err), 0);
		json_t *v = json_true();
		assert_int_equal(ruru_jdoc_set(&d, ruru_jdoc_get(&d, d.root, "mcp"), "ruru", v, &err), 0);
		assert_string_equal(d.text.ptr, cases[i].want);
		int mcp = ruru_jdoc_get(&d, d.root, "mcp");
		assert_int_equal(ruru_jdoc_remove(&d, ruru_jdoc_get(&d, mcp, "ruru"), &err), 0);
		assert_string_equal(d.text.ptr, cases[i].src);
		json_decref(v);
		ruru_jdoc_release(&d);
	}
}

static void invalid_documents_are_refused_with_a_position(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int line, col;
	} bad[] = {
		{ "", 1, 1 },
		{ "{", 1, 2 },
		{ "{\"a\" 1}", 1, 6 },
		{ "{\"a\": 1,}", 1, 9 },
		{ "{\n  \"a\": [1 2]\n}", 2, 11 },
		{ "{\"a\": \"x\ty\"}", 1, 9 },
		{ "{\"a\": 01}", 1, 8 },
		{ "{\"a\": tru}", 1, 7 },
		{ "{} x", 1, 4 },
		{ "{\"a\": \"\\q\"}", 1, 9 },
		{ "// c\n{}", 1, 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ruru_jdoc d;
		struct ruru_error err = { 0 };
		assert_int_equal(ruru_jdoc_parse(&d, bad[i].text, strlen(bad[i].text), false, &err), -1);
		assert_int_equal(err.code, RURU_EINVALID);
		if (err.line != bad[i].line || err.col != bad[i].col)
			fail_msg("case %zu: %d:%d (%s), want %d:%d", i, err.line, err.col, err.msg,
				 bad[i].line, bad[i].col);
	}
}

static void removal_of_middle_and_first_items(void **state)
{
	(void)state;
	static const char src[] = "[\n  1,\n  2,\n  3\n]";
	struct ruru_jdoc d;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_jdoc_parse(&d, src, strlen(src), false, &err), 0);
	assert_int_equal(ruru_jdoc_remove(&d, d.nodes[d.root].first, &err), 0);
	assert_string_equal(d.text.ptr, "[\n  2,\n  3\n]");
	int second = d.nodes[d.nodes[d.root].first].next;
	assert_int_equal(ruru_jdoc_remove(&d, second, &err), 0);
	assert_string_equal(d.text.ptr, "[\n  2\n]");
	assert_int_equal(ruru_jdoc_remove(&d, d.nodes[d.root].first, &err), 0);
	assert_string_equal(d.text.ptr, "[]");
	json_t *v = json_string("z");
	assert_int_equal(ruru_jdoc_append(&d, d.root, v, &err), 0);
	assert_string_equal(d.text.ptr, "[\n  \"z\"\n]");
	json_decref(v);
	ruru_jdoc_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_then_remove_gives_back_the_bytes),
		cmocka_unit_test(new_members_follow_the_file_indentation),
		cmocka_unit_test(jsonc_comments_and_trailing_commas),
		cmocka_unit_test(trailing_comments_stay_in_place),
		cmocka_unit_test(invalid_documents_are_refused_with_a_position),
		cmocka_unit_test(removal_of_middle_and_first_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
