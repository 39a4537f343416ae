/* test_base.c — buffers, error records, front matter split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruru.h"

static void buf_grows_and_stays_terminated(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	assert_string_equal(b.ptr, "");
	for (int i = 0; i < 1000; i++)
		ruru_buf_addf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.ptr));
	assert_memory_equal(b.ptr, "0,1,2,", 6);
	ruru_buf_add(&b, "\0x", 2);
	assert_int_equal(b.ptr[b.len], '\0');
	size_t len;
	char *p = ruru_buf_detach(&b, &len);
	assert_int_equal(p[len - 1], 'x');
	assert_int_equal(b.len, 0);
	free(p);
	ruru_buf_release(&b);
}

static void error_formats_position(void **state)
{
	(void)state;
	struct ruru_error e = { 0 };
	struct ruru_buf line = RURU_BUF_INIT;
	ruru_error_clear(&e);
	assert_int_equal(ruru_error_set(&e, RURU_EINVALID, "expected '=' after key \"%s\"", "title"), -1);
	ruru_error_set_file(&e, "a.md");
	e.line = 3;
	e.col = 14;
	ruru_error_format(&e, &line);
	assert_string_equal(line.ptr, "a.md:3:14: expected '=' after key \"title\"");
	assert_int_equal(e.code, RURU_EINVALID);
	/* Each part only when known; messages longer than any fixed line. */
	ruru_buf_reset(&line);
	e.line = 0;
	ruru_error_format(&e, &line);
	assert_string_equal(line.ptr, "a.md: expected '=' after key \"title\"");
	ruru_buf_reset(&line);
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ruru_error_set_file(&e, big);
	ruru_error_format(&e, &line);
	assert_true(line.len > 1000);
	ruru_buf_release(&line);
}

static void error_hint_is_not_sticky(void **state)
{
	(void)state;
	struct ruru_error e = { 0 };
	ruru_error_clear(&e);
	assert_null(e.arg);
	ruru_error_set(&e, RURU_EUSAGE, "skipping needs a rationale");
	assert_int_equal(ruru_error_hint(&e, "reason", RURU_HINT_RESUME, "S1"), -1);
	assert_string_equal(e.arg, "reason");
	assert_int_equal(e.hint, RURU_HINT_RESUME);
	assert_string_equal(e.subject, "S1");
	ruru_error_set_file(&e, "f.md");
	ruru_error_set(&e, RURU_EFAIL, "other");
	assert_null(e.arg);
	assert_int_equal(e.hint, RURU_HINT_NONE);
	assert_string_equal(e.subject, "");
	assert_string_equal(e.file, "f.md"); /* documented: the file stays */
}

/* A message longer than the record is cut at a character boundary and
 * says so; ruru_buf_vaddf has no such bound. */
static void long_error_message_is_marked_cut(void **state)
{
	(void)state;
	struct ruru_error e = { 0 };
	char path[3001];
	for (size_t i = 0; i + 2 < sizeof(path); i += 2)
		memcpy(path + i, "\xc3\xa9", 2); /* "é" */
	path[sizeof(path) - 1] = '\0';
	ruru_error_set(&e, RURU_EREFUSED, "unsafe path \"%s\": a symlink", path);
	size_t n = strlen(e.msg);
	assert_true(n < sizeof(e.msg));
	assert_string_equal(e.msg + n - 3, "...");
	assert_int_equal(ruru_text_scan(e.msg, n, 0, NULL), n); /* valid UTF-8 */
	ruru_error_set(&e, RURU_EUSAGE, "short %d", 1);
	assert_string_equal(e.msg, "short 1");
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s|%s", path, path);
	assert_int_equal(b.len, 2 * strlen(path) + 1);
	ruru_buf_release(&b);
}

static void empty_buffer_is_a_string(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	ruru_buf_reset(&b);
	assert_string_equal(b.ptr, "");
	ruru_buf_release(&b);
	assert_non_null(b.ptr);
}

static void frontmatter_splits(void **state)
{
	(void)state;
	struct ruru_frontmatter fm;
	const char *t = "+++\na = 1\n+++\n# Body\n";
	assert_true(ruru_frontmatter_split(t, strlen(t), &fm));
	assert_int_equal(fm.toml, 4);
	assert_int_equal(fm.toml_end, 10);
	assert_int_equal(fm.body, 14);
	const char *crlf = "\xEF\xBB\xBF+++\r\nb = 2\r\n+++\r\nx";
	assert_true(ruru_frontmatter_split(crlf, strlen(crlf), &fm));
	assert_memory_equal(crlf + fm.toml, "b = 2\r\n", fm.toml_end - fm.toml);
	assert_string_equal(crlf + fm.body, "x");
	const char *noeol = "+++\nc = 3\n+++";
	assert_true(ruru_frontmatter_split(noeol, strlen(noeol), &fm));
	assert_int_equal(fm.body, strlen(noeol));
	/* trailing blanks after "+++" (real task files have them) */
	assert_true(ruru_frontmatter_split("+++ \na\n+++  \nx", 14, &fm));
	assert_int_equal(fm.toml, 5);
	assert_int_equal(fm.body, 13);
	assert_false(ruru_frontmatter_split("+++x\na\n+++\n", 11, &fm));
	assert_false(ruru_frontmatter_split("a = 1\n", 6, &fm));
	assert_false(ruru_frontmatter_split("+++\na = 1\n", 10, &fm));
	assert_false(ruru_frontmatter_split("", 0, &fm));
}

/* ruru_frontmatter_edit: the one splice: BOM, fences, CRLF and
 * body kept byte for byte; lines of errors count from the document; a
 * refused edit leaves the text as it was; no front matter: the whole text. */
static void frontmatter_edit_splices(void **state)
{
	(void)state;
	struct ruru_buf t = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_addstr(&t, "\xEF\xBB\xBF+++\r\n# c\r\na = 1\r\n+++\r\nbody = 2\r\n+++\r\n");
	struct ruru_toml_edit set = { .op = RURU_EDIT_SET, .key = "a", .literal = "[1]",
				      .literal_len = 3 };
	assert_int_equal(ruru_frontmatter_edit(&t, &set, &err), 0);
	assert_string_equal(t.ptr, "\xEF\xBB\xBF+++\r\n# c\r\na = [1]\r\n+++\r\nbody = 2\r\n+++\r\n");
	struct ruru_toml_edit app = { .op = RURU_EDIT_APPEND, .key = "a", .literal = "2",
				      .literal_len = 1 };
	assert_int_equal(ruru_frontmatter_edit(&t, &app, &err), 0);
	struct ruru_toml_edit rm = { .op = RURU_EDIT_REMOVE_AT, .key = "a", .index = 0 };
	assert_int_equal(ruru_frontmatter_edit(&t, &rm, &err), 0);
	assert_string_equal(t.ptr, "\xEF\xBB\xBF+++\r\n# c\r\na = [2]\r\n+++\r\nbody = 2\r\n+++\r\n");
	/* a "+++" line inside a value: refused, its line counted from the file */
	struct ruru_toml_edit fence = { .op = RURU_EDIT_SET, .key = "b",
					.literal = "\"\"\"\n+++\n\"\"\"", .literal_len = 11 };
	assert_int_equal(ruru_frontmatter_edit(&t, &fence, &err), -1);
	assert_int_equal(err.code, RURU_EINVALID);
	assert_int_equal(err.line, 5);
	assert_string_equal(t.ptr, "\xEF\xBB\xBF+++\r\n# c\r\na = [2]\r\n+++\r\nbody = 2\r\n+++\r\n");
	/* an engine error: line 3 of the file is line 2 of the TOML */
	struct ruru_toml_edit bad = { .op = RURU_EDIT_APPEND, .key = "c", .literal = "1",
				      .literal_len = 1 };
	assert_int_equal(ruru_frontmatter_edit(&t, &bad, &err), -1);
	struct ruru_toml_edit badlit = { .op = RURU_EDIT_SET, .key = "a", .literal = "=",
					 .literal_len = 1 };
	ruru_buf_reset(&t);
	ruru_buf_addstr(&t, "+++\nx = 1\ny = ]\nz = 2\n+++\n");
	assert_int_equal(ruru_frontmatter_edit(&t, &badlit, &err), -1);
	assert_int_equal(err.code, RURU_EINVALID);
	assert_int_equal(err.line, 3);
	/* no front matter: the whole text is the TOML, and "+++" lines are fine */
	ruru_buf_reset(&t);
	ruru_buf_addstr(&t, "x = 1\n");
	assert_int_equal(ruru_frontmatter_edit(&t, &fence, &err), 0);
	assert_string_equal(t.ptr, "x = 1\nb = \"\"\"\n+++\n\"\"\"\n");
	struct ruru_toml_edit un = { .op = RURU_EDIT_REMOVE, .key = "x" };
	assert_int_equal(ruru_frontmatter_edit(&t, &un, &err), 0);
	assert_string_equal(t.ptr, "b = \"\"\"\n+++\n\"\"\"\n");
	ruru_buf_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(error_formats_position),
		cmocka_unit_test(error_hint_is_not_sticky),
		cmocka_unit_test(long_error_message_is_marked_cut),
		cmocka_unit_test(empty_buffer_is_a_string),
		cmocka_unit_test(frontmatter_splits),
		cmocka_unit_test(frontmatter_edit_splices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
