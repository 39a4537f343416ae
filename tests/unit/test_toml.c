/*
 * test_toml.c — hand-written cases for the TOML engine: spans, errors with
 * positions, limits (huge integers, deep nesting, bare CR, invalid UTF-8),
 * the encoder's round trip for every class of code point, and each rule of
 * the format-preserving editor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ruru.h"

static char *json_of(const char *text, size_t len)
{
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(text, len, &err);
	if (!doc)
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	ruru_toml_to_tagged_json(ruru_toml_root(doc), &b);
	ruru_toml_free(doc);
	return ruru_buf_detach(&b, NULL);
}

static void expect_error(const char *text, size_t len, int line, int col, const char *msgpart)
{
	struct ruru_error err = { 0 };
	ruru_error_clear(&err);
	struct ruru_toml *doc = ruru_toml_parse(text, len, &err);
	assert_null(doc);
	assert_int_equal(err.code, RURU_EINVALID);
	if (line)
		assert_int_equal(err.line, line);
	if (col)
		assert_int_equal(err.col, col);
	if (msgpart && !strstr(err.msg, msgpart)) {
		print_error("message \"%s\" lacks \"%s\"\n", err.msg, msgpart);
		fail();
	}
}

#define ERR(s, l, c, m) expect_error(s, sizeof(s) - 1, l, c, m)

static void spans_and_values(void **state)
{
	(void)state;
	const char *src = "title = \"x\\u0000y\"  # c\n[a.b]\nn = -42\nf = 1e3\nd = 1979-05-27T07:32:00.5-08:00\n";
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(src, strlen(src), &err);
	assert_non_null(doc);
	const struct ruru_toml_value *root = ruru_toml_root(doc);
	const struct ruru_toml_value *t = ruru_toml_lookup(root, "title");
	size_t n;
	const char *s = ruru_toml_string(t, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "x\0y", 3);
	struct ruru_toml_span sp = ruru_toml_value_span(t);
	assert_int_equal(sp.start, 8);
	assert_int_equal(sp.end, 18);
	sp = ruru_toml_key_span(root, 0);
	assert_int_equal(sp.start, 0);
	assert_int_equal(sp.end, 5);
	assert_int_equal(ruru_toml_integer(ruru_toml_lookup(root, "a.b.n")), -42);
	assert_true(ruru_toml_float(ruru_toml_lookup(root, "a . b.f")) == 1000.0);
	const struct ruru_toml_datetime *d = ruru_toml_datetime(ruru_toml_lookup(root, "a.\"b\".d"));
	assert_non_null(d);
	assert_int_equal(d->offset_minutes, -480);
	assert_int_equal(d->nanosecond, 500000000);
	assert_null(ruru_toml_lookup(root, "a.b.missing"));
	assert_null(ruru_toml_lookup(root, "a..b"));
	assert_int_equal(ruru_toml_kind(ruru_toml_lookup(root, "a")), RURU_TOML_TABLE);
	ruru_toml_free(doc);
}

static void errors_have_positions(void **state)
{
	(void)state;
	ERR("title \"x\"\n", 1, 7, "expected '=' after key \"title\"");
	ERR("a = 1\nb = \n", 2, 5, "expected a value");
	ERR("a = 1\na = 2\n", 2, 1, "duplicate key");
	ERR("a = 9223372036854775808\n", 1, 5, "does not fit");
	ERR("a = -9223372036854775809\n", 1, 5, "does not fit");
	ERR("a = 0x8000000000000000\n", 1, 5, "does not fit");
	ERR("a = \"x\ry\"\n", 1, 7, "carriage return");
	ERR("a = \"\xff\"\n", 1, 6, "invalid UTF-8");
	ERR("a = \"\xed\xa0\x80\"\n", 1, 6, "invalid UTF-8");
	ERR("a = \"\xc0\x80\"\n", 1, 6, "invalid UTF-8");
	ERR("a = \"x\0\"\n", 1, 7, "U+0000");
	ERR("# \x7f\n", 1, 3, "U+007F");
	ERR("[a]\n[a]\n", 2, 2, "already defined");
	ERR("a = {x = 1}\n[a.b]\n", 2, 2, NULL);
	ERR("a = 1979-02-29\n", 1, 5, "does not exist");
	ERR("a = [1, 2\n", 2, 1, "expected ',' or ']'");
	const char *big = "a = 9223372036854775807\nb = -9223372036854775808\n";
	char *j = json_of(big, strlen(big));
	assert_string_equal(j,
			    "{\"a\":{\"type\":\"integer\",\"value\":\"9223372036854775807\"},"
			    "\"b\":{\"type\":\"integer\",\"value\":\"-9223372036854775808\"}}");
	free(j);
}

static void deep_nesting_is_refused(void **state)
{
	(void)state;
	size_t n = 100000;
	char *s = malloc(2 * n + 8);
	memcpy(s, "a = ", 4);
	memset(s + 4, '[', n);
	memset(s + 4 + n, ']', n);
	struct ruru_error err = { 0 };
	assert_null(ruru_toml_parse(s, 4 + 2 * n, &err));
	assert_non_null(strstr(err.msg, "nested"));
	/* inline tables: a = {b={b={...}}} */
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	ruru_buf_addstr(&b, "a = ");
	for (size_t i = 0; i < n; i++)
		ruru_buf_addstr(&b, "{b=");
	ruru_buf_addch(&b, '1');
	for (size_t i = 0; i < n; i++)
		ruru_buf_addch(&b, '}');
	assert_null(ruru_toml_parse(b.ptr, b.len, &err));
	/* a dotted key with 100000 parts */
	ruru_buf_reset(&b);
	for (size_t i = 0; i < n; i++)
		ruru_buf_addstr(&b, "k.");
	ruru_buf_addstr(&b, "k = 1\n");
	assert_null(ruru_toml_parse(b.ptr, b.len, &err));
	ruru_buf_release(&b);
	free(s);
}

static void big_table_is_fast(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	for (int i = 0; i < 1000000; i++)
		ruru_buf_addf(&b, "k%d = %d\n", i, i);
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(b.ptr, b.len, &err);
	assert_non_null(doc);
	assert_int_equal(ruru_toml_table_len(ruru_toml_root(doc)), 1000000);
	assert_int_equal(ruru_toml_integer(ruru_toml_lookup(ruru_toml_root(doc), "k999999")), 999999);
	ruru_toml_free(doc);
	ruru_buf_release(&b);
}

static void encoder_round_trips_every_class(void **state)
{
	(void)state;
	struct ruru_buf text = RURU_BUF_INIT, lit = RURU_BUF_INIT;
	ruru_buf_init(&text);
	ruru_buf_init(&lit);
	/* every ASCII byte including U+0000 and U+007F, then 2-, 3- and 4-byte forms */
	for (int c = 0; c < 128; c++)
		ruru_buf_addch(&text, c);
	ruru_buf_addstr(&text, "é€\xef\xbf\xbf\xf0\x9f\x8f\x81\xf4\x8f\xbf\xbf\"\\");
	ruru_buf_addstr(&lit, "s = ");
	ruru_toml_encode_string(&lit, text.ptr, text.len);
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(lit.ptr, lit.len, &err);
	assert_non_null(doc);
	size_t n;
	const char *s = ruru_toml_string(ruru_toml_lookup(ruru_toml_root(doc), "s"), &n);
	assert_int_equal(n, text.len);
	assert_memory_equal(s, text.ptr, n);
	ruru_toml_free(doc);

	ruru_buf_reset(&lit);
	ruru_toml_encode_time(&lit, 1795490120);
	assert_string_equal(lit.ptr, "2026-11-24T03:15:20Z");
	ruru_buf_reset(&lit);
	const char *items[] = { "a", "b\"c" };
	ruru_toml_encode_string_array(&lit, items, 2);
	assert_string_equal(lit.ptr, "[\"a\", \"b\\\"c\"]");
	ruru_buf_release(&text);
	ruru_buf_release(&lit);
}

/* ------------------------------------------------------------- edits */

static void expect_set(const char *src, const char *key, const char *lit, const char *want)
{
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	if (ruru_toml_edit_set(&out, src, strlen(src), key, lit, strlen(lit), &err) < 0) {
		print_error("set %s: %s\n", key, err.msg);
		fail();
	}
	assert_string_equal(out.ptr, want);
	ruru_buf_release(&out);
}

static void expect_append(const char *src, const char *key, const char *lit, const char *want)
{
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	if (ruru_toml_edit_array_append(&out, src, strlen(src), key, lit, strlen(lit), &err) < 0) {
		print_error("append %s: %s\n", key, err.msg);
		fail();
	}
	assert_string_equal(out.ptr, want);
	ruru_buf_release(&out);
}

#define LIT(s) ("" s ""), (sizeof(s) - 1)

/* Appending `n` literals at once makes the bytes that appending them one
 * after the other makes (each a fresh edit of the previous result). */
static void expect_many_as_one_by_one(const char *src, const char *key, const char *const *lits,
				      size_t n)
{
	struct ruru_buf one = RURU_BUF_INIT, next = RURU_BUF_INIT, many = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&one);
	ruru_buf_init(&next);
	ruru_buf_init(&many);
	ruru_buf_addstr(&one, src);
	size_t lens[16];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		lens[i] = strlen(lits[i]);
		if (ruru_toml_edit_array_append(&next, one.ptr, one.len, key, lits[i], lens[i], &err) <
		    0) {
			print_error("append %s %s to %s: %s\n", key, lits[i], src, err.msg);
			fail();
		}
		struct ruru_buf t = one;
		one = next;
		next = t;
	}
	if (ruru_toml_edit_array_append_many(&many, src, strlen(src), key, lits, lens, n, &err) < 0) {
		print_error("append many %s to %s: %s\n", key, src, err.msg);
		fail();
	}
	assert_string_equal(many.ptr, one.ptr);
	assert_int_equal(many.len, one.len);
	ruru_buf_release(&one);
	ruru_buf_release(&next);
	ruru_buf_release(&many);
}

static void edit_array_append_many(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"a = [1, 2]\n",
		"a = [1 ,2]\nb = 3\n",
		"a = [1,2,3]\n",
		"a = [1]\n",
		"a = []\n",
		"a = [ ]\n",
		"a = [\n  1,\n  2,\n]\n",
		"a = [\n  1,\n  2 # two\n]\n",
		"a = [\n    # nothing yet\n]\n",
		"a = [\n]\n",
		"a = [ 1,\n  2]\n",
		"a = [1, 2\n]\n",
		"a = [\r\n\t1,\r\n]\r\n",
		"[t]\nx = 1\na = [\"p\"] # tail\n[u]\na = [9]\n",
		"t = { a = [1], b = 2 }\n",
		"\xEF\xBB\xBF" "a = [\n  [1, 2],\n  # between\n  3,\n] # after\nz = [0]\n",
	};
	static const char *const lits[] = { "4", "\"five\"", " [6, 7] ", "{ k = 8 }",
					    "\"\"\"nine\nten\"\"\"", "11", "'twelve'" };
	for (size_t d = 0; d < sizeof(docs) / sizeof(*docs); d++) {
		const char *key = strncmp(docs[d], "[t]", 3) == 0 ? "t.a"
				  : strncmp(docs[d], "t = ", 4) == 0 ? "t.a" : "a";
		for (size_t n = 1; n <= sizeof(lits) / sizeof(*lits); n++)
			expect_many_as_one_by_one(docs[d], key, lits, n);
	}
	/* a few results spelled out */
	const char *const three[] = { "3", "4", "5" };
	size_t l3[] = { 1, 1, 1 };
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = [1,2]\n"), "a", three, l3,
							  3, &err),
			 0);
	assert_string_equal(out.ptr, "a = [1,2,3,4,5]\n");
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = [\n  1, # one\n]\n"), "a",
							  three, l3, 3, &err),
			 0);
	assert_string_equal(out.ptr, "a = [\n  1, # one\n  3,\n  4,\n  5,\n]\n");
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = [\n  1 # one\n]\n"), "a",
							  three, l3, 3, &err),
			 0);
	assert_string_equal(out.ptr, "a = [\n  1, # one\n  3,\n  4,\n  5\n]\n");
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = []\n"), "a", three, l3,
							  3, &err),
			 0);
	assert_string_equal(out.ptr, "a = [3, 4, 5]\n");
	/* none at all: the document as it was */
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = [1] # c\n"), "a", three,
							  l3, 0, &err),
			 0);
	assert_string_equal(out.ptr, "a = [1] # c\n");
	/* one bad literal: nothing appended, the literal's error */
	const char *const bad[] = { "3", "4 5", "6" };
	size_t lb[] = { 1, 3, 1 };
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = [1]\n"), "a", bad, lb, 3,
							  &err),
			 -1);
	assert_int_equal(err.code, RURU_EINVALID);
	assert_int_equal(out.len, 0);
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("b = [1]\n"), "a", three, l3,
							  3, &err),
			 -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_int_equal(ruru_toml_edit_array_append_many(&out, LIT("a = 1\n"), "a", three, l3, 3,
							  &err),
			 -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_buf_release(&out);
}

static void expect_aremove(const char *src, const char *key, size_t ix, const char *want)
{
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	if (ruru_toml_edit_array_remove(&out, src, strlen(src), key, ix, &err) < 0) {
		print_error("remove %s[%zu]: %s\n", key, ix, err.msg);
		fail();
	}
	assert_string_equal(out.ptr, want);
	ruru_buf_release(&out);
}

static void expect_refused(const char *src, const char *key, const char *lit, int code)
{
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	ruru_buf_addstr(&out, "untouched");
	int rc = lit ? ruru_toml_edit_set(&out, src, strlen(src), key, lit, strlen(lit), &err)
		     : ruru_toml_edit_remove(&out, src, strlen(src), key, &err);
	assert_int_equal(rc, -1);
	assert_int_equal(err.code, code);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(out.len, 0);
	ruru_buf_release(&out);
}

static void edit_set_keeps_comments(void **state)
{
	(void)state;
	expect_set("# top\na = 1   # one\nb = 2\n", "a", "\"x\"", "# top\na = \"x\"   # one\nb = 2\n");
	expect_set("a = 1\r\nb = 2\r\n", "b", "3", "a = 1\r\nb = 3\r\n");
	expect_set("\xef\xbb\xbf" "a = 1\n", "a", "2", "\xef\xbb\xbf" "a = 2\n");
	expect_set("a = 1", "a", "[1, 2]", "a = [1, 2]");
	expect_set("x.y = 1 # c\nx.z = 2\n", "x.y", "5", "x.y = 5 # c\nx.z = 2\n");
	expect_set("t = {a = 1, b = 2}\n", "t.b", "\"q\"", "t = {a = 1, b = \"q\"}\n");
	expect_set("[\"a.b\"]\nc = 1\n", "\"a.b\".c", "2", "[\"a.b\"]\nc = 2\n");
}

static void edit_adds_keys_in_place(void **state)
{
	(void)state;
	/* root: after the last key, before the first header */
	expect_set("a = 1\n\n# about t\n[t]\nx = 1\n", "b", "2", "a = 1\nb = 2\n\n# about t\n[t]\nx = 1\n");
	/* root without keys: before the header's comment block */
	expect_set("# file\n\n# about t\n[t]\n", "b", "2", "# file\n\nb = 2\n# about t\n[t]\n");
	/* named table: at the end of its section, before the next section's comments */
	expect_set("[a]\n  x = 1\n\n# next\n[b]\n", "a.y", "2", "[a]\n  x = 1\n  y = 2\n\n# next\n[b]\n");
	/* named table without keys: right after its header */
	expect_set("[a]\n[b]\n", "a.k", "1", "[a]\nk = 1\n[b]\n");
	/* no such table: a new section at the end */
	expect_set("a = 1\n", "n.m.k", "true", "a = 1\n\n[n.m]\nk = true\n");
	/* no final newline: never glue two lines */
	expect_set("a = 1", "b", "2", "a = 1\nb = 2");
	expect_set("a = 1", "t.b", "2", "a = 1\n\n[t]\nb = 2\n");
	/* CRLF files get CRLF lines */
	expect_set("a = 1\r\n[t]\r\n", "b", "2", "a = 1\r\nb = 2\r\n[t]\r\n");
	/* dotted keys: a sibling goes into the same section, dotted */
	expect_set("site.name = \"x\"\n[t]\n", "site.url", "\"u\"", "site.name = \"x\"\nsite.url = \"u\"\n[t]\n");
	/* keys that need quoting */
	expect_set("", "\"a b\"", "1", "\"a b\" = 1\n");
	expect_set("\xef\xbb\xbf", "k", "1", "\xef\xbb\xbf" "k = 1\n");
}

static void expect_remove(const char *src, const char *key, const char *want)
{
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	if (ruru_toml_edit_remove(&out, src, strlen(src), key, &err) < 0) {
		print_error("remove %s: %s\n", key, err.msg);
		fail();
	}
	assert_string_equal(out.ptr, want);
	ruru_buf_release(&out);
}

/* Inside inline tables (mcp_servers = { ... }, as Codex users write them)
 * and under [[arrays of tables]] (into the last table, where TOML puts the
 * keys under a header): format preserving like every other edit. */
static void edit_inline_tables_and_arrays_of_tables(void **state)
{
	(void)state;
	expect_set("t = {a = 1}\n", "t.b", "1", "t = {a = 1, b = 1}\n");
	expect_set("t = {}\n", "t.b", "1", "t = { b = 1 }\n");
	expect_set("t = { a = 1 } # c\n", "t.b", "true", "t = { a = 1, b = true } # c\n");
	expect_set("s = { x = { c = \"npx\" } }\n", "s.ruru", "{ command = \"ruru\" }",
		   "s = { x = { c = \"npx\" }, ruru = { command = \"ruru\" } }\n");
	expect_set("s = { x = { c = 1 } }\n", "s.x.d", "2", "s = { x = { c = 1, d = 2 } }\n");
	expect_set("s = {}\n", "s.a.b", "2", "s = { a.b = 2 }\n");
	expect_remove("t = {a = 1, b = 2}\n", "t.b", "t = {a = 1}\n");
	expect_remove("t = {a = 1, b = 2}\n", "t.a", "t = {b = 2}\n");
	expect_remove("t = { a = 1 }\n", "t.a", "t = {}\n");
	expect_set("[[t]]\nx = 1\n", "t.x", "2", "[[t]]\nx = 2\n");
	expect_set("[[t]]\nx = 1\n\n[[t]]\nx = 2\n\n[u]\n", "t.y", "3",
		   "[[t]]\nx = 1\n\n[[t]]\nx = 2\ny = 3\n\n[u]\n");
	expect_remove("[[t]]\nx = 1\n[[t]]\nx = 2\ny = 3\n", "t.y", "[[t]]\nx = 1\n[[t]]\nx = 2\n");
	expect_set("[[t]]\n[t.s]\nk = 1\n", "t.s.j", "2", "[[t]]\n[t.s]\nk = 1\nj = 2\n");
}

static void edit_remove_lines(void **state)
{
	(void)state;
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	const char *src = "# c\na = 1 # gone\nb = 2\r\n";
	assert_int_equal(ruru_toml_edit_remove(&out, src, strlen(src), "a", &err), 0);
	assert_string_equal(out.ptr, "# c\nb = 2\r\n");
	assert_int_equal(ruru_toml_edit_remove(&out, src, strlen(src), "zz", &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	ruru_buf_release(&out);
}

static void edit_arrays(void **state)
{
	(void)state;
	expect_append("a = []\n", "a", "\"x\"", "a = [\"x\"]\n");
	expect_append("a = [1]\n", "a", "2", "a = [1, 2]\n");
	expect_append("a = [1,2,]\n", "a", "3", "a = [1,2,3,]\n");
	expect_append("a = [\n    1,\n    2, # two\n]\n", "a", "3", "a = [\n    1,\n    2, # two\n    3,\n]\n");
	expect_append("a = [\n  1,\n  2 # two\n]\n", "a", "3", "a = [\n  1,\n  2, # two\n  3\n]\n");
	expect_append("related_tasks = [\n    # comment\n]\n", "related_tasks", "\"T-1\"",
		      "related_tasks = [\n    # comment\n    \"T-1\"\n]\n");
	expect_append("a = [\r\n  # c\r\n]\r\n", "a", "1", "a = [\r\n  # c\r\n  1\r\n]\r\n");
	expect_aremove("a = [1, 2, 3]\n", "a", 1, "a = [1, 3]\n");
	expect_aremove("a = [1, 2, 3]\n", "a", 2, "a = [1, 2]\n");
	expect_aremove("a = [1]\n", "a", 0, "a = []\n");
	expect_aremove("a = [\n  1, # one\n  2, # two\n]\n", "a", 0, "a = [\n  2, # two\n]\n");
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	assert_int_equal(ruru_toml_edit_array_remove(&out, "a = [1]", 7, "a", 5, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_int_equal(ruru_toml_edit_array_append(&out, "a = 1", 5, "a", "2", 1, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_buf_release(&out);
}

static void edit_failures_leave_output_unused(void **state)
{
	(void)state;
	expect_refused("a = 1\n", "a", "nope", RURU_EINVALID);
	expect_refused("a = 1\n", "a", "1\nb = 2", RURU_EINVALID);
	expect_refused("a = 1\n", "a", "", RURU_EINVALID);
	expect_refused("a = = 1\n", "a", "1", RURU_EINVALID);
	expect_refused("[t]\nx = 1\n", "t", "1", RURU_ECONFLICT);
	expect_refused("t = []\n", "t.x", "1", RURU_ECONFLICT);
	expect_refused("a = 1\n", "a.b", "1", RURU_ECONFLICT);
	expect_refused("[t]\nx = 1\n", "t", NULL, RURU_ECONFLICT);
	expect_refused("a = 1\n", "a..b", "1", RURU_EUSAGE);
}

static void edit_front_matter_body_untouched(void **state)
{
	(void)state;
	const char *doc = "+++\nstatus = \"a\" # s\n+++\n# Body\n\nstatus = \"b\"\n";
	struct ruru_frontmatter fm;
	assert_true(ruru_frontmatter_split(doc, strlen(doc), &fm));
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	assert_int_equal(ruru_toml_edit_set(&out, doc + fm.toml, fm.toml_end - fm.toml, "status",
					    "\"done\"", 6, &err), 0);
	assert_string_equal(out.ptr, "status = \"done\" # s\n");
	ruru_buf_release(&out);
}

/* One text per scalar: TOML syntax (toml get) and the tagged JSON of
 * toml-test differ only where the two formats do (quotes, a float's ".0",
 * the case of \u digits, DEL escaped in TOML only). */
static void scalar_text_and_tagged_json_agree(void **state)
{
	(void)state;
	static const char doc_text[] = "s = \"q\\\"b\\\\n\\n\\u0001\\u007f\"\n"
				       "i = -7\nf = 1.0\ng = 2.5e-3\nb = true\nd = 1979-05-27\n";
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(doc_text, sizeof(doc_text) - 1, &err);
	assert_non_null(doc);
	static const struct {
		const char *key, *toml, *json;
	} want[] = {
		{ "s", "\"q\\\"b\\\\n\\n\\u0001\\u007F\"",
		  "{\"type\":\"string\",\"value\":\"q\\\"b\\\\n\\n\\u0001\x7f\"}" },
		{ "i", "-7", "{\"type\":\"integer\",\"value\":\"-7\"}" },
		{ "f", "1.0", "{\"type\":\"float\",\"value\":\"1\"}" },
		{ "g", "0.0025", "{\"type\":\"float\",\"value\":\"0.0025\"}" },
		{ "b", "true", "{\"type\":\"bool\",\"value\":\"true\"}" },
		{ "d", "1979-05-27", "{\"type\":\"date-local\",\"value\":\"1979-05-27\"}" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ruru_toml_value *v =
			ruru_toml_table_get(ruru_toml_root(doc), want[i].key, strlen(want[i].key));
		assert_non_null(v);
		struct ruru_buf t = RURU_BUF_INIT, j = RURU_BUF_INIT;
		ruru_toml_scalar_text(v, &t);
		ruru_toml_to_tagged_json(v, &j);
		assert_string_equal(t.ptr, want[i].toml);
		assert_string_equal(j.ptr, want[i].json);
		ruru_buf_release(&t);
		ruru_buf_release(&j);
	}
	ruru_toml_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spans_and_values),
		cmocka_unit_test(errors_have_positions),
		cmocka_unit_test(deep_nesting_is_refused),
		cmocka_unit_test(big_table_is_fast),
		cmocka_unit_test(encoder_round_trips_every_class),
		cmocka_unit_test(edit_set_keeps_comments),
		cmocka_unit_test(edit_adds_keys_in_place),
		cmocka_unit_test(edit_remove_lines),
		cmocka_unit_test(edit_inline_tables_and_arrays_of_tables),
		cmocka_unit_test(edit_arrays),
		cmocka_unit_test(edit_array_append_many),
		cmocka_unit_test(edit_failures_leave_output_unused),
		cmocka_unit_test(edit_front_matter_body_untouched),
		cmocka_unit_test(scalar_text_and_tagged_json_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
