/* test_search.c — the query language of `ruru search`: what each query
 * compiles to (every term quoted, groups of OR ANDed, exclusions after
 * NOT), and the queries that are usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruru.h"
#include "index.h"

static const struct {
	const char *query, *fts5;
} compiles[] = {
	{ "jwt", "(\"jwt\")" },
	{ "  jwt   auth ", "(\"jwt\") AND (\"auth\")" },
	{ "\"auth module\" login", "(\"auth module\") AND (\"login\")" },
	{ "tok*", "(\"tok\"*)" },
	{ "\"auth mod\"*", "(\"auth mod\"*)" },
	{ "tok** x", "(\"tok\"*) AND (\"x\")" },
	{ "a OR b c", "(\"a\" OR \"b\") AND (\"c\")" },
	{ "a OR b OR c", "(\"a\" OR \"b\" OR \"c\")" },
	{ "a -b", "(\"a\") NOT (\"b\")" },
	{ "a -b -\"c d\"", "(\"a\") NOT (\"b\" OR \"c d\")" },
	{ "a or b", "(\"a\") AND (\"or\") AND (\"b\")" },
	{ "AND NOT NEAR", "(\"AND\") AND (\"NOT\") AND (\"NEAR\")" },
	{ "NEAR(a b)", "(\"NEAR(a\") AND (\"b)\")" },
	{ "text:col", "(\"text:col\")" },
	{ "quote\"inside", "(\"quote\"\"inside\")" },
	{ "x\" OR 1", "(\"x\"\"\" OR \"1\")" },
	{ "a * -", "(\"a\")" },
	{ "a - b", "(\"a\") AND (\"b\")" },
	{ "caf\xc3\xa9", "(\"caf\xc3\xa9\")" },
	{ "^auth", "(\"^auth\")" },
};

static const struct {
	const char *query, *message;
} refused[] = {
	{ "", "empty query" },
	{ "   ", "empty query" },
	{ "*", "empty query" },
	{ "\"unclosed", "unclosed quote at byte 1" },
	{ "a \"b", "unclosed quote at byte 3" },
	{ "\"a\"b", "expected a space after the closing quote" },
	{ "-a -b", "not only words to exclude" },
	{ "OR a", "OR needs a word or phrase on each side" },
	{ "a OR", "OR needs a word or phrase on each side" },
	{ "a OR OR b", "OR needs a word or phrase on each side" },
	{ "a OR -b", "OR needs a word or phrase on each side" },
	{ "x\" OR \"1", "unclosed quote at byte 7" },
};

static void queries_compile(void **state)
{
	(void)state;
	struct ruru_buf out = RURU_BUF_INIT;
	for (size_t i = 0; i < sizeof(compiles) / sizeof(compiles[0]); i++) {
		struct ruru_error err = { 0 };
		ruru_error_clear(&err);
		int rc = ruru_search_compile(compiles[i].query, strlen(compiles[i].query), &out, &err);
		if (rc != 0)
			fail_msg("query <%s>: %s", compiles[i].query, err.msg);
		assert_string_equal(out.ptr, compiles[i].fts5);
	}
	ruru_buf_release(&out);
}

static void bad_queries_are_usage_errors(void **state)
{
	(void)state;
	struct ruru_buf out = RURU_BUF_INIT;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct ruru_error err = { 0 };
		ruru_error_clear(&err);
		assert_int_equal(ruru_search_compile(refused[i].query, strlen(refused[i].query), &out, &err),
				 -1);
		assert_int_equal(err.code, RURU_EUSAGE);
		if (!strstr(err.msg, refused[i].message))
			fail_msg("query <%s>: message \"%s\"", refused[i].query, err.msg);
		assert_int_equal(out.len, 0);
	}
	/* a NUL byte, and sizes */
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_search_compile("a\0b", 3, &out, &err), -1);
	assert_true(strstr(err.msg, "NUL") != NULL);
	size_t big = 70000;
	char *q = malloc(big);
	assert_non_null(q);
	memset(q, 'a', big);
	assert_int_equal(ruru_search_compile(q, big, &out, &err), -1);
	assert_true(strstr(err.msg, "longer than") != NULL);
	for (size_t i = 0; i < 8000; i += 2) {
		q[i] = 'w';
		q[i + 1] = ' ';
	}
	assert_int_equal(ruru_search_compile(q, 8000, &out, &err), 0); /* 4,000 terms: fine */
	for (size_t i = 0; i < 20000; i += 2) {
		q[i] = 'w';
		q[i + 1] = ' ';
	}
	assert_int_equal(ruru_search_compile(q, 20000, &out, &err), -1);
	assert_true(strstr(err.msg, "terms") != NULL);
	free(q);
	ruru_buf_release(&out);
}

static void time_filters(void **state)
{
	(void)state;
	time_t t;
	assert_true(ruru_search_parse_time("2026-11-24", false, &t));
	assert_int_equal(t, 1795478400);
	assert_true(ruru_search_parse_time("2026-11-24", true, &t));
	assert_int_equal(t, 1795478400 + 86399);
	assert_true(ruru_search_parse_time("2026-11-24T03:15:20Z", false, &t));
	assert_int_equal(t, 1795478400 + 3 * 3600 + 15 * 60 + 20);
	assert_true(ruru_search_parse_time("2026-11-24 05:15:20+02:00", false, &t));
	assert_int_equal(t, 1795478400 + 3 * 3600 + 15 * 60 + 20);
	assert_false(ruru_search_parse_time("yesterday", false, &t));
	assert_false(ruru_search_parse_time("2026-13-01", false, &t));
}

/* Which texts go to the trigram table too (and which queries ask it). */
static void scripts_without_spaces(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool yes;
	} cases[] = {
		{ "plain ASCII words", false },
		{ "caf\xc3\xa9 na\xc3\xafve \xc3\x9c" "ber", false },     /* Latin with diacritics */
		{ "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", false }, /* Cyrillic */
		{ "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", false },   /* Hangul: written with spaces */
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", true },    /* 日本語 */
		{ "text then \xe3\x81\x8b\xe3\x81\xaa", true },        /* かな */
		{ "\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2", true }, /* Thai */
		{ "\xef\xbd\xb6\xef\xbe\x80", true },                  /* halfwidth katakana */
		{ "\xf0\xa0\x80\x80", true },                            /* CJK extension B */
		{ "cut short \xe6\x97", false },                        /* a truncated sequence */
		{ "\xe6", false },
		{ "", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ruru_index_nospace(cases[i].s, strlen(cases[i].s)), cases[i].yes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queries_compile),
		cmocka_unit_test(bad_queries_are_usage_errors),
		cmocka_unit_test(time_filters),
		cmocka_unit_test(scripts_without_spaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
