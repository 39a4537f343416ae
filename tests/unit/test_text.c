/* test_text.c — doc/design.md §2's text rule (ruru_text_scan/check) and the
 * escaping of echoed input (ruru_text_escape). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"
#include "text.h"

#define SCAN(lit, flags) ruru_text_scan(lit, sizeof(lit) - 1, flags, NULL)

static void text_rule_accepts_text(void **state)
{
	(void)state;
	assert_int_equal(SCAN("", 0), 0);
	assert_int_equal(SCAN("plain ascii", 0), 11);
	assert_int_equal(SCAN("tab\there\nline\r\ncrlf", 0), 19);
	assert_int_equal(SCAN("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9f\xa2", 0), 14);
	assert_int_equal(SCAN("\xf4\x8f\xbf\xbf", 0), 4); /* U+10FFFF */
}

static void text_rule_refuses_the_rest(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(ruru_text_scan("ab\0c", 4, 0, &why), 2);
	assert_string_equal(why, "a NUL byte");
	assert_int_equal(SCAN("a\rb", 0), 1);          /* lone CR */
	assert_int_equal(SCAN("ab\r", 0), 2);          /* CR at the end */
	assert_int_equal(SCAN("x\x1b[31m", 0), 1);     /* ESC */
	assert_int_equal(SCAN("x\x7f", 0), 1);         /* DEL */
	assert_int_equal(SCAN("x\xc2\x85", 0), 1);     /* NEL, C1 */
	assert_int_equal(SCAN("x\xe2\x80\xa8", 0), 1); /* U+2028 */
	assert_int_equal(SCAN("x\xff", 0), 1);
	assert_int_equal(SCAN("x\xc0\xaf", 0), 1);     /* overlong '/' */
	assert_int_equal(SCAN("x\xed\xa0\x80", 0), 1); /* surrogate */
	assert_int_equal(SCAN("x\xf4\x90\x80\x80", 0), 1); /* > U+10FFFF */
	assert_int_equal(SCAN("abc\xe2\x82", 0), 3);   /* truncated */
	assert_int_equal(SCAN("a\nb", RURU_TEXT_LINE), 1);
	assert_int_equal(SCAN("a\r\nb", RURU_TEXT_LINE), 1);
	assert_int_equal(SCAN("a\tb", RURU_TEXT_LINE), 3);

	struct ruru_error e = { 0 };
	ruru_error_clear(&e);
	assert_int_equal(ruru_text_check("message", "ok\x01", 3, 0, &e), -1);
	assert_int_equal(e.code, RURU_EINVALID);
	assert_non_null(strstr(e.msg, "message holds a control character"));
	assert_non_null(strstr(e.msg, "byte offset 2"));
	assert_int_equal(ruru_text_check("message", "fine", 4, 0, &e), 0);
	assert_int_equal(ruru_text_check("message", NULL, 0, 0, &e), 0);
}

static void blank_text(void **state)
{
	(void)state;
	assert_true(ruru_text_blank(NULL, 0));
	assert_true(ruru_text_blank("", 0));
	assert_true(ruru_text_blank(" \t\r\n ", 5));
	assert_false(ruru_text_blank(" x ", 3));
}

static void escape_makes_controls_visible(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_escape(&b, "a\x1b[2Jb\n\xff\xc2\x9b\xc3\xa9\\", 13);
	assert_string_equal(b.ptr, "a\\x1b[2Jb\\n\\xff\\u009b\xc3\xa9\\");
	ruru_buf_release(&b);
}

/* The one FNV-1a of the library: the published 64-bit test vectors. */
/* The one-line form of a field: ruru_text_escape of the whole string (a
 * newline never starts a line), `none` for NULL. */
static void field_is_one_line(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_field(&b, "a\nb\x1b[2J\r", NULL);
	assert_string_equal(b.ptr, "a\\nb\\x1b[2J\\r");
	ruru_buf_reset(&b);
	ruru_text_field(&b, NULL, "?");
	ruru_text_field(&b, NULL, NULL);
	ruru_text_field(&b, "\xE2\x80\xAE", NULL);
	assert_string_equal(b.ptr, "?\\u202e");
	ruru_buf_release(&b);
}

static void fnv1a_vectors(void **state)
{
	(void)state;
	assert_true(ruru_fnv1a("", 0) == 0xcbf29ce484222325ULL);
	assert_true(ruru_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(ruru_fnv1a("foobar", 6) == 0x85944171f73967e8ULL);
}

static void hexval_and_literals(void **state)
{
	(void)state;
	assert_int_equal(ruru_hex_digit('0'), 0);
	assert_int_equal(ruru_hex_digit('f'), 15);
	assert_int_equal(ruru_hex_digit('A'), 10);
	assert_int_equal(ruru_hex_digit('g'), -1);
	assert_int_equal(ruru_hex_digit(-61), -1); /* a high byte through a signed char */
	/* every byte: a digit of "0123456789abcdefABCDEF" or -1 */
	static const char digits[] = "0123456789abcdef";
	for (int c = 0; c < 256; c++) {
		const char *lo = c ? strchr(digits, c >= 'A' && c <= 'F' ? c + 32 : c) : NULL;
		assert_int_equal(ruru_hex_digit(c), lo ? (int)(lo - digits) : -1);
	}
	assert_int_equal(strncmp("claimed_until = 1", RURU_LIT("claimed_until")), 0);
	assert_true(RURU_IS_LIT("task", 4, "task"));
	assert_false(RURU_IS_LIT("tasks", 5, "task"));
	assert_false(RURU_IS_LIT("tas", 3, "task"));
}

/* One rule for who the user is, read from git's configuration (a HOME of
 * our own, no system file) in a folder that is no repository. */
static void identity_from_git_config(void **state)
{
	(void)state;
	char dir[] = "/tmp/ruru-ident-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], cwd[4096];
	snprintf(path, sizeof path, "%s/.gitconfig", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n", f);
	fclose(f);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	/* git sees the environment the options give, not this process's */
	char henv[300];
	snprintf(henv, sizeof henv, "HOME=%s", dir);
	char *env[] = { henv, (char *)"GIT_CONFIG_NOSYSTEM=1", (char *)"GIT_CEILING_DIRECTORIES=/tmp",
			NULL };
	struct ruru_options o = { .env = env };
	char *full = ruru_user_identity(&o, RURU_IDENTITY_NAME_EMAIL);
	char *email = ruru_user_identity(&o, RURU_IDENTITY_EMAIL);
	char *name = ruru_git_config(&o, "user.name");
	char *none = ruru_git_config(&o, "user.nothing");
	assert_int_equal(chdir(cwd), 0);
	unlink(path);
	rmdir(dir);
	assert_non_null(full);
	assert_string_equal(full, "Ada Lovelace <ada@example.org>");
	assert_string_equal(email, "ada@example.org");
	assert_string_equal(name, "Ada Lovelace");
	assert_null(none);
	free(full);
	free(email);
	free(name);
}

/* Bidi controls are shown, never obeyed: an override (U+202E), an
 * isolate (U+2066), a mark (U+200F) and the Arabic letter mark (U+061C);
 * CR and DEL too, and the multi-line form keeps only tab and newline. */
static void escape_shows_bidi_and_lone_cr(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	const char in[] = "run\xe2\x80\xaetxt.exe\xe2\x81\xa6x\xe2\x80\x8fy\xd8\x9cz\rok\x7f";
	ruru_text_escape(&b, in, sizeof(in) - 1);
	assert_string_equal(b.ptr, "run\\u202etxt.exe\\u2066x\\u200fy\\u061cz\\rok\\x7f");
	ruru_buf_reset(&b);
	const char lines[] = "a\tb\r\nc\rd\n";
	ruru_text_escape_keep(&b, lines, sizeof(lines) - 1, "\t\n");
	assert_string_equal(b.ptr, "a\tb\\r\nc\\rd\n");
	ruru_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_rule_accepts_text),
		cmocka_unit_test(text_rule_refuses_the_rest),
		cmocka_unit_test(blank_text),
		cmocka_unit_test(escape_makes_controls_visible),
		cmocka_unit_test(field_is_one_line),
		cmocka_unit_test(fnv1a_vectors),
		cmocka_unit_test(hexval_and_literals),
		cmocka_unit_test(identity_from_git_config),
		cmocka_unit_test(escape_shows_bidi_and_lone_cr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
