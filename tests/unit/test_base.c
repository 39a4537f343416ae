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
	struct ruru_error e;
	char line[4096];
	ruru_error_clear(&e);
	assert_int_equal(ruru_error_set(&e, RURU_EINVALID, "expected '=' after key \"%s\"", "title"), -1);
	ruru_error_set_file(&e, "a.md");
	e.line = 3;
	e.col = 14;
	ruru_error_format(&e, line, sizeof(line));
	assert_string_equal(line, "a.md:3:14: expected '=' after key \"title\"");
	assert_int_equal(e.code, RURU_EINVALID);
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
	assert_false(ruru_frontmatter_split("+++ \na\n+++\n", 11, &fm));
	assert_false(ruru_frontmatter_split("a = 1\n", 6, &fm));
	assert_false(ruru_frontmatter_split("+++\na = 1\n", 10, &fm));
	assert_false(ruru_frontmatter_split("", 0, &fm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(error_formats_position),
		cmocka_unit_test(frontmatter_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
