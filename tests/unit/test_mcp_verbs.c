/* test_mcp_verbs.c — a verb's arguments are defined once: the library's
 * table of verbs (src/lib/base/verbs.c) and the MCP server's tools agree.
 * Every tool is a verb; its input schema lists exactly the verb's
 * arguments that MCP takes, with the row's type, words, requiredness and
 * description; the server checks a call against the same rows.  The CLI
 * holds its own option tables to the rows when it starts (src/cli/main.c,
 * check_tables), which every CLI test exercises. */
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
#include "../src/mcp/mcp.h"
#include "../src/mcp/tools.h"

struct server {
	char dir[64];
	struct ruru_mcp *m;
};

static void server_start(struct server *s, const char *sets)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/ruru-test-mcp-verbs.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	struct ruru_error err = { 0 };
	s->m = ruru_mcp_new(s->dir, NULL, NULL, &err);
	assert_non_null(s->m);
	assert_int_equal(ruru_mcp_toolsets(s->m, sets, &err), 0);
}

static void server_stop(struct server *s)
{
	ruru_mcp_free(s->m);
	assert_int_equal(rmdir(s->dir), 0);
}

/* One request to the server; its parsed answer. */
static json_t *ask(struct server *s, const char *req)
{
	struct ruru_buf out = RURU_BUF_INIT;
	ruru_mcp_handle(s->m, req, strlen(req), &out);
	json_t *r = json_loadb(out.ptr, out.len, 0, NULL);
	ruru_buf_release(&out);
	assert_non_null(r);
	return r;
}

static const char *type_name(enum ruru_arg_type t)
{
	switch (t) {
	case RURU_ARG_INTEGER:
		return "integer";
	case RURU_ARG_BOOLEAN:
		return "boolean";
	case RURU_ARG_STRINGS:
		return "array";
	case RURU_ARG_OBJECT:
		return "object";
	case RURU_ARG_STRING:
	case RURU_ARG_WORD:
	case RURU_ARG_DATE:
		break;
	}
	return "string";
}

/* Is `name` in the tool's .more list? */
static bool seldom(const struct mcp_tool *t, const char *name)
{
	for (const char *const *m = t->more; m && *m; m++)
		if (!strcmp(*m, name))
			return true;
	return false;
}

static void every_tool_lists_exactly_its_verbs_arguments(void **state)
{
	(void)state;
	struct server s;
	server_start(&s, "all");
	json_t *r = ask(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
	json_t *tools = json_object_get(json_object_get(r, "result"), "tools");
	assert_int_equal(json_array_size(tools), mcp_ntools);
	for (size_t i = 0; i < mcp_ntools; i++) {
		const struct mcp_tool *t = &mcp_tools[i];
		json_t *jt = json_array_get(tools, i);
		/* a call runs .run, which renders its text from the library's
		 * typed result into env->text */
		if (!t->run)
			fail_msg("tool %s has no .run", t->name);
		assert_string_equal(json_string_value(json_object_get(jt, "name")), t->name);
		const struct ruru_verb *v = ruru_verb_find(t->name);
		if (!v || !v->tool || strcmp(v->tool, t->name))
			fail_msg("tool %s is no verb of the library", t->name);
		json_t *in = json_object_get(jt, "inputSchema");
		json_t *props = json_object_get(in, "properties");
		json_t *required = json_object_get(in, "required");
		size_t listed = 0, nreq = 0;
		for (size_t k = 0; k < v->nargs; k++) {
			const struct ruru_arg *a = &v->args[k];
			json_t *p = json_object_get(props, a->name);
			if (a->no_mcp) {
				if (p)
					fail_msg("%s lists %s, which MCP does not take", t->name,
						 a->name);
				continue;
			}
			if (!p)
				fail_msg("%s does not list its argument %s", t->name, a->name);
			listed++;
			assert_string_equal(json_string_value(json_object_get(p, "type")),
					    type_name(a->type));
			assert_string_equal(json_string_value(json_object_get(p, "description")),
					    ruru_arg_brief(a));
			json_t *en = json_object_get(p, "enum");
			if (a->type == RURU_ARG_WORD && !a->mcp_any) {
				size_t n = 0;
				const char *w;
				while ((w = a->words ? a->words[n] : ruru_vocab_word(a->vocab, n)))
					assert_string_equal(json_string_value(json_array_get(en, n++)),
							    w);
				assert_int_equal(json_array_size(en), n);
			} else if (en) {
				fail_msg("%s.%s has words its row does not give", t->name, a->name);
			}
			if (a->required) {
				assert_string_equal(json_string_value(json_array_get(required, nreq)),
						    a->name);
				nreq++;
			}
		}
		assert_int_equal(json_object_size(props), listed);
		assert_int_equal(json_array_size(required), nreq);
		for (const char *const *m = t->more; m && *m; m++)
			assert_non_null(ruru_verb_arg(v, *m));
	}
	/* and every verb with a tool name is a tool */
	const struct ruru_verb *v;
	for (size_t i = 0; (v = ruru_verb_at(i)); i++) {
		size_t k = 0;
		while (v->tool && k < mcp_ntools && strcmp(mcp_tools[k].name, v->tool))
			k++;
		if (v->tool && k == mcp_ntools)
			fail_msg("verb %s names tool %s, which the server lacks", v->name, v->tool);
	}
	json_decref(r);
	server_stop(&s);
}

/* A seldom-passed argument is listed and accepted only with its toolset:
 * the default list leaves it out and a call with it is refused by name. */
static void seldom_arguments_follow_the_toolsets(void **state)
{
	(void)state;
	struct server s;
	server_start(&s, "core");
	json_t *r = ask(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
	json_t *tools = json_object_get(json_object_get(r, "result"), "tools");
	size_t i;
	json_t *jt;
	json_array_foreach(tools, i, jt)
	{
		const char *name = json_string_value(json_object_get(jt, "name"));
		const struct mcp_tool *t = NULL;
		for (size_t k = 0; k < mcp_ntools; k++)
			if (!strcmp(mcp_tools[k].name, name))
				t = &mcp_tools[k];
		assert_non_null(t);
		json_t *props = json_object_get(json_object_get(jt, "inputSchema"), "properties");
		const char *key;
		json_t *p;
		json_object_foreach(props, key, p) if (seldom(t, key) && !(t->more_set & MCP_SET_CORE))
			fail_msg("core lists %s of %s", key, name);
	}
	json_decref(r);
	r = ask(&s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
		    "\"session_new\",\"arguments\":{\"goal\":\"g\",\"coordinator\":\"x\"}}}");
	json_t *res = json_object_get(r, "result");
	assert_true(json_is_true(json_object_get(res, "isError")));
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(json_object_get(res, "content"), 0),
						  "text")),
		"unknown argument \"coordinator\"");
	json_decref(r);
	server_stop(&s);
}

/* The server checks a call against the rows: the words of a vocabulary,
 * a required argument, the type, exactly one of a pair. */
static void calls_are_checked_against_the_rows(void **state)
{
	(void)state;
	static const struct {
		const char *call, *says;
	} cases[] = {
		{ "\"session_set_status\",\"arguments\":{\"status\":\"gone\"}",
		  "argument \"status\" is one of: active, paused, completed, error" },
		{ "\"session_set_status\",\"arguments\":{}", "missing argument \"status\"" },
		{ "\"session_show\",\"arguments\":{\"entries\":-1}",
		  "argument \"entries\" must be at least 0" },
		{ "\"session_new\",\"arguments\":{\"goal\":\"g\",\"tags\":\"x\"}",
		  "argument \"tags\" must be an array" },
		{ "\"confirm_propose\",\"arguments\":{\"target\":\"a\"}",
		  "give exactly one of \"content\" and \"diff\"" },
		{ "\"session_search\",\"arguments\":{\"query\":\"q\",\"in\":\"files\"}",
		  "argument \"in\" is one of: entries, sessions, artifacts" },
		{ "\"session_log\",\"arguments\":{\"message\":\"m\",\"outcome\":\"maybe\"}",
		  "argument \"outcome\" is one of: success, failure, approved, rejected" },
		{ "\"session_search\",\"arguments\":{\"query\":\"q\",\"until\":\"2026-13-45\"}",
		  "argument \"until\" must be a date (YYYY-MM-DD) or a date-time" },
		/* words the schema leaves out (mcp_any) are checked all the same */
		{ "\"session_search\",\"arguments\":{\"query\":\"q\",\"type\":\"maybe\"}",
		  "argument \"type\" is one of: session, prompt, response, decision, delegation, "
		  "artifact, confirm-request, confirm-response, confirm-skip, result, error, note" },
	};
	struct server s;
	server_start(&s, "all");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ruru_buf req = RURU_BUF_INIT;
		ruru_buf_addf(&req, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
				    "\"params\":{\"name\":%s}}",
			      cases[i].call);
		json_t *r = ask(&s, req.ptr);
		ruru_buf_release(&req);
		json_t *res = json_object_get(r, "result");
		assert_true(json_is_true(json_object_get(res, "isError")));
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(res, "content"), 0), "text")),
				    cases[i].says);
		json_decref(r);
	}
	server_stop(&s);
}

/* Schemas are built as JSON, not from quoted text: a description may hold
 * an apostrophe or a double quote and reaches the client as written. */
static void a_description_may_hold_an_apostrophe(void **state)
{
	(void)state;
	static const char *const words[] = { "it's", NULL };
	const struct ruru_arg rows[] = {
		{ .name = "why", .help = "the user's answer, \"as given\"" },
		{ .name = "who", .type = RURU_ARG_WORD, .words = words, .help = "long",
		  .brief = "one's own word" },
	};
	json_t *p = mcp_arg_schema(&rows[0]);
	char *text = json_dumps(p, JSON_COMPACT);
	assert_string_equal(text, "{\"type\":\"string\",\"description\":\"the user's answer, "
				  "\\\"as given\\\"\"}");
	free(text);
	json_decref(p);
	p = mcp_arg_schema(&rows[1]);
	assert_string_equal(json_string_value(json_object_get(p, "description")), "one's own word");
	assert_string_equal(json_string_value(json_array_get(json_object_get(p, "enum"), 0)),
			    "it's");
	json_decref(p);
}

/* session_log's entry-field arguments are the library's entry fields,
 * with the words ruru_field_vocab gives them. */
static void log_takes_the_entry_fields(void **state)
{
	(void)state;
	const struct ruru_verb *v = ruru_verb_find("session_log");
	assert_non_null(v);
	for (int f = 0; f < RURU_FIELD_COUNT; f++) {
		const struct ruru_arg *a = ruru_verb_arg(v, ruru_field_name(f));
		assert_non_null(a);
		assert_string_equal(a->help, ruru_field_help(f));
		enum ruru_vocab words = ruru_field_vocab(f);
		assert_int_equal(a->type == RURU_ARG_WORD, words != RURU_VOCAB_COUNT);
		if (words != RURU_VOCAB_COUNT)
			assert_int_equal(a->vocab, words);
	}
	assert_null(ruru_verb_find("no_such_tool"));
	assert_null(ruru_verb_arg(v, "no_such_argument"));
}

/* An integer's default is the row's (.def, .mcp_def), which both front
 * ends use; the help and the MCP description say the same number. */
static void defaults_are_said_as_the_rows_give_them(void **state)
{
	(void)state;
	const struct ruru_verb *v;
	size_t checked = 0;
	for (size_t i = 0; (v = ruru_verb_at(i)); i++)
		for (size_t k = 0; k < v->nargs; k++) {
			const struct ruru_arg *a = &v->args[k];
			char want[64];
			if (a->type != RURU_ARG_INTEGER)
				continue;
			if (ruru_arg_default(a, false) && a->cli != RURU_ARG_CLI_NONE) {
				snprintf(want, sizeof(want), "default %zu", ruru_arg_default(a, false));
				if (!strstr(a->help, want))
					fail_msg("%s %s: help \"%s\" lacks \"%s\"", v->name, a->name,
						 a->help, want);
				checked++;
			}
			if (ruru_arg_default(a, true) && !a->no_mcp) {
				snprintf(want, sizeof(want), "default %zu", ruru_arg_default(a, true));
				if (!strstr(ruru_arg_brief(a), want))
					fail_msg("%s %s: MCP description \"%s\" lacks \"%s\"", v->name,
						 a->name, ruru_arg_brief(a), want);
				checked++;
			}
			assert_true(ruru_arg_in_range(a, ruru_arg_default(a, false)));
		}
	assert_true(checked >= 6);
	/* the prompt continue_session takes session_continue's max_chars */
	struct server srv;
	server_start(&srv, "core");
	json_t *r = ask(&srv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}");
	json_t *pa = json_object_get(json_array_get(json_object_get(json_object_get(r, "result"),
								     "prompts"),
						    0),
				     "arguments");
	assert_string_equal(json_string_value(json_object_get(json_array_get(pa, 1), "description")),
			    ruru_verb_arg(ruru_verb_find("session_continue"), "max_chars")->help);
	json_decref(r);
	server_stop(&srv);
	/* search: 100 hits for a person, 20 for a model */
	const struct ruru_arg *lim = ruru_verb_arg(ruru_verb_find("session_search"), "limit");
	assert_int_equal(ruru_arg_default(lim, false), 100);
	assert_int_equal(ruru_arg_default(lim, true), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_tool_lists_exactly_its_verbs_arguments),
		cmocka_unit_test(seldom_arguments_follow_the_toolsets),
		cmocka_unit_test(calls_are_checked_against_the_rows),
		cmocka_unit_test(a_description_may_hold_an_apostrophe),
		cmocka_unit_test(log_takes_the_entry_fields),
		cmocka_unit_test(defaults_are_said_as_the_rows_give_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
