/* test_mcp_vocab.c — one definition for each fact: the
 * library's vocabularies, its parsers and the MCP schemas agree.  A word
 * the library accepts that a schema lacks, or the other way round, fails
 * here; so does an MCP tool argument without a description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "ruru.h"
#include "../src/mcp/mcp.h"

/* Does vocabulary v hold exactly the strings of the JSON array? */
static void same_words(enum ruru_vocab v, json_t *arr, const char *where)
{
	size_t n = 0;
	while (ruru_vocab_word(v, n))
		n++;
	if (!json_is_array(arr) || json_array_size(arr) != n)
		fail_msg("%s: the schema has %zu words, vocabulary %s has %zu", where,
			 json_array_size(arr), ruru_vocab_name(v), n);
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(arr, i));
		if (!w || strcmp(w, ruru_vocab_word(v, i)))
			fail_msg("%s: word %zu is %s, the library says %s", where, i, w ? w : "?",
				 ruru_vocab_word(v, i));
	}
}

static void parsers_accept_exactly_the_vocabularies(void **state)
{
	(void)state;
	const char *w;
	for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_EVENT, i)); i++)
		assert_int_equal(ruru_event_parse(w), (int)i);
	assert_int_equal(ruru_event_parse("gossip"), RURU_EV_UNKNOWN);
	for (int e = 0; e < RURU_EV_COUNT; e++)
		assert_true(ruru_vocab_has(RURU_VOCAB_EVENT, ruru_event_name(e)));

	for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_OUTCOME, i)); i++)
		assert_int_equal(ruru_outcome_parse(w), (int)i);
	assert_int_equal(ruru_outcome_parse("maybe"), RURU_OUTCOME_UNKNOWN);
	assert_int_equal(ruru_outcome_parse(NULL), RURU_OUTCOME_UNKNOWN);
	for (int o = 0; o < RURU_OUTCOME_COUNT; o++)
		assert_true(ruru_vocab_has(RURU_VOCAB_OUTCOME, ruru_outcome_name(o)));

	for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_STATUS, i)); i++)
		assert_int_equal(ruru_status_from_word(w), (int)i + 1);
	assert_int_equal(ruru_status_from_word("unknown"), RURU_STATUS_UNKNOWN);
	assert_int_equal(ruru_status_from_word("Active"), RURU_STATUS_UNKNOWN);
	for (int s = RURU_STATUS_ACTIVE; s <= RURU_STATUS_ERROR; s++)
		assert_true(ruru_vocab_has(RURU_VOCAB_STATUS, ruru_status_word(s)));

	for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_DECISION, i)); i++)
		assert_int_equal(ruru_decision_parse(w), (int)i);
	assert_int_equal(ruru_decision_parse("maybe"), RURU_DECIDE_UNKNOWN);
	for (int d = 0; d < RURU_DECIDE_COUNT; d++)
		assert_true(ruru_vocab_has(RURU_VOCAB_DECISION, ruru_decision_word(d)));

	for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_CONFIRM_STATUS, i)); i++)
		assert_true(!strcmp(w, "unadopted") ||
			    ruru_confirm_status_word(ruru_confirm_status_parse(w)) != NULL);
	assert_true(ruru_vocab_has(RURU_VOCAB_CONFIRM_STATUS, "pending"));
	assert_false(ruru_vocab_has(RURU_VOCAB_CONFIRM_STATUS, "maybe"));
}

static void entry_fields_have_one_definition(void **state)
{
	(void)state;
	static const char *const names[] = {
#define NAME(u, l, m, h) #l,
		RURU_ENTRY_FIELDS(NAME)
#undef NAME
	};
	assert_int_equal(sizeof(names) / sizeof(names[0]), RURU_FIELD_COUNT);
	for (int f = 0; f < RURU_FIELD_COUNT; f++) {
		assert_string_equal(ruru_field_name(f), names[f]);
		assert_non_null(ruru_field_help(f));
		assert_non_null(ruru_field_meta(f));
	}
	assert_null(ruru_field_name(RURU_FIELD_COUNT));
	/* The outcome's metavariable lists its vocabulary. */
	struct ruru_buf words = RURU_BUF_INIT;
	ruru_vocab_join(ruru_field_vocab(RURU_FIELD_OUTCOME), "|", &words);
	assert_string_equal(ruru_field_meta(RURU_FIELD_OUTCOME), words.ptr);
	ruru_buf_release(&words);
}

/* tools/list from a server on a scratch workspace. */
static json_t *tools_list(void)
{
	char dir[] = "/tmp/ruru-test-mcp-vocab.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	struct ruru_error err = { 0 };
	struct ruru_mcp *m = ruru_mcp_new(dir, NULL, NULL, &err);
	assert_non_null(m);
	/* every tool, not only the default toolset */
	assert_int_equal(ruru_mcp_toolsets(m, "all", &err), 0);
	struct ruru_buf out = RURU_BUF_INIT;
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
	ruru_mcp_handle(m, req, sizeof(req) - 1, &out);
	ruru_mcp_free(m);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
	json_t *r = json_loadb(out.ptr, out.len, 0, NULL);
	ruru_buf_release(&out);
	assert_non_null(r);
	json_t *tools = json_incref(json_object_get(json_object_get(r, "result"), "tools"));
	json_decref(r);
	assert_true(json_array_size(tools) > 0);
	return tools;
}

static json_t *prop(json_t *tools, const char *tool, const char *arg)
{
	size_t i;
	json_t *t;
	json_array_foreach(tools, i, t) {
		if (!strcmp(json_string_value(json_object_get(t, "name")), tool))
			return json_object_get(json_object_get(json_object_get(t, "inputSchema"),
							       "properties"),
					       arg);
	}
	fail_msg("no tool %s", tool);
	return NULL;
}

static void schemas_enumerate_the_library_words(void **state)
{
	(void)state;
	json_t *tools = tools_list();
	static const struct {
		enum ruru_vocab vocab;
		const char *tool, *arg, *what;
	} cases[] = {
		{ RURU_VOCAB_EVENT, "session_log", "type", "session_log.type" },
		{ RURU_VOCAB_OUTCOME, "session_log", "outcome", "session_log.outcome" },
		{ RURU_VOCAB_STATUS, "session_set_status", "status", "session_set_status.status" },
		{ RURU_VOCAB_STATUS, "session_list", "status", "session_list.status" },
		{ RURU_VOCAB_DECISION, "confirm_decide", "decision", "confirm_decide.decision" },
		{ RURU_VOCAB_CONFIRM_STATUS, "confirm_list", "status", "confirm_list.status" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		same_words(cases[i].vocab, json_object_get(prop(tools, cases[i].tool, cases[i].arg), "enum"),
			   cases[i].what);
	/* session_log has one argument per entry field, described by the
	 * library: the field's help, or its row's shorter MCP description. */
	const struct ruru_verb *log = ruru_verb_find("session_log");
	for (int f = 0; f < RURU_FIELD_COUNT; f++) {
		json_t *p = prop(tools, "session_log", ruru_field_name(f));
		const struct ruru_arg *row = ruru_verb_arg(log, ruru_field_name(f));
		assert_non_null(p);
		assert_non_null(row);
		assert_string_equal(row->help, ruru_field_help(f));
		assert_string_equal(json_string_value(json_object_get(p, "description")),
				    ruru_arg_brief(row));
	}
	json_decref(tools);
}

static void every_argument_has_a_description(void **state)
{
	(void)state;
	json_t *tools = tools_list();
	size_t i;
	json_t *t;
	json_array_foreach(tools, i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *d = json_string_value(json_object_get(t, "description"));
		if (!d || strlen(d) < 20)
			fail_msg("tool %s has no real description", name);
		json_t *ann = json_object_get(t, "annotations");
		if (!json_is_object(ann) || !json_object_size(ann))
			fail_msg("tool %s has no annotations", name);
		/* Only what differs from the MCP defaults (readOnlyHint false,
		 * destructiveHint true, idempotentHint false, openWorldHint
		 * true), and every tool works in a closed world. */
		if (json_object_get(ann, "readOnlyHint") == json_false() ||
		    json_object_get(ann, "destructiveHint") == json_true() ||
		    json_object_get(ann, "idempotentHint") == json_false() ||
		    json_object_get(ann, "openWorldHint") != json_false())
			fail_msg("tool %s: annotations restate a default or miss openWorldHint", name);
		if (json_is_true(json_object_get(ann, "readOnlyHint")) &&
		    (json_object_get(ann, "destructiveHint") || json_object_get(ann, "idempotentHint")))
			fail_msg("tool %s: a reader carries writer hints", name);
		if (strstr(d, name))
			fail_msg("the description of %s repeats its name", name);
		const char *key;
		json_t *p;
		json_object_foreach(json_object_get(json_object_get(t, "inputSchema"), "properties"),
				    key, p) {
			const char *pd = json_string_value(json_object_get(p, "description"));
			if (!pd || !*pd)
				fail_msg("argument %s of %s has no description", key, name);
			/* Gemini CLI drops a tool with an untyped argument. */
			if (!json_is_string(json_object_get(p, "type")))
				fail_msg("argument %s of %s has no type", key, name);
		}
	}
	json_decref(tools);
}

/* A server is a library object: making one leaves the process's working
 * directory alone (paths in tool arguments are joined to the root). */
static void new_server_keeps_the_working_directory(void **state)
{
	(void)state;
	char root[] = "/tmp/ruru-mcp-root.XXXXXX", before[4096], after[4096];
	assert_non_null(mkdtemp(root));
	assert_non_null(getcwd(before, sizeof before));
	struct ruru_error err = { 0 };
	struct ruru_mcp *m = ruru_mcp_new(root, NULL, NULL, &err);
	assert_non_null(m);
	assert_non_null(getcwd(after, sizeof after));
	assert_string_equal(before, after);
	ruru_mcp_free(m);
	assert_int_equal(rmdir(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parsers_accept_exactly_the_vocabularies),
		cmocka_unit_test(entry_fields_have_one_definition),
		cmocka_unit_test(schemas_enumerate_the_library_words),
		cmocka_unit_test(every_argument_has_a_description),
		cmocka_unit_test(new_server_keeps_the_working_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
