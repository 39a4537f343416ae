/* test_run.c — child processes (run.c): capture, exit status, pipes in,
 * signals, programs that do not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"
#include "difftext.h"

static void capture_stdout_and_status(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "printf 'a b'; echo oops >&2; exit 3", NULL };
	struct ruru_child c = { .argv = argv, .stderr_io = RURU_CHILD_NULL };
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_child_capture(&c, &out, &err), 3);
	assert_string_equal(out.ptr, "a b");
	ruru_buf_release(&out);
}

static void capture_merges_stderr(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2", NULL };
	struct ruru_child c = { .argv = argv, .stderr_io = RURU_CHILD_TO_OUT };
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_child_capture(&c, &out, &err), 0);
	assert_string_equal(out.ptr, "one\ntwo\n");
	ruru_buf_release(&out);
}

static void pipe_into_child(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "read x; test \"$x\" = hello", NULL };
	struct ruru_child c = { .argv = argv, .stdin_io = RURU_CHILD_PIPE,
				.stdout_io = RURU_CHILD_NULL, .stderr_io = RURU_CHILD_NULL };
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_child_start(&c, &err), 0);
	assert_true(c.in >= 0);
	assert_int_equal(write(c.in, "hello\n", 6), 6);
	assert_int_equal(ruru_child_finish(&c, &err), 0);
	assert_int_equal(c.in, -1);
}

static void signal_is_an_error(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };
	struct ruru_child c = { .argv = argv };
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_child_capture(&c, NULL, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_non_null(strstr(err.msg, "killed by signal 15"));
}

static void missing_program(void **state)
{
	(void)state;
	/* valgrind runs posix_spawnp's CLONE_VFORK child as a fork, so the
	 * failed exec shows as exit 127, not as an error of the spawn
	 * (tests/valgrind.sh sets RURU_UNDER_VALGRIND) */
	if (getenv("RURU_UNDER_VALGRIND"))
		skip();
	const char *argv[] = { "ruru-no-such-program-here", NULL };
	struct ruru_child c = { .argv = argv };
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_child_capture(&c, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "cannot run ruru-no-such-program-here"));
}

/* The library hands a child the environment the options give, never the
 * process's own: a variable set here but not in the options does not reach
 * git (ruru_git_config) or diff (the confirmation workflow's and the hosts'
 * one diff), and the variables that change diff's and patch's output are
 * taken out.  Fake programs of those names, first in PATH, print what they
 * see. */
static char fake_dir[] = "/tmp/ruru-env-XXXXXX";

static void fake_program(const char *name, const char *body)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", fake_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void children_get_the_options_environment(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(fake_dir));
	fake_program("git", "echo \"${RURU_LEAK-unset} ${KEEP-unset}\"");
	fake_program("diff", "env; exit 1");
	const char *old_path = getenv("PATH");
	char *saved = old_path ? strdup(old_path) : NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s:%s", fake_dir, saved ? saved : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("RURU_LEAK", "from-the-process", 1);

	char *env[] = { (char *)"KEEP=kept", (char *)"POSIXLY_CORRECT=1", (char *)"LC_ALL=de_DE.UTF-8",
			NULL };
	struct ruru_options o = { .env = env, .tmpdir = "/tmp" };
	char *v = ruru_git_config(&o, "user.name");
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	static const char *const args[] = { "-u", NULL };
	int rc = ruru_diff_texts(&o, args, "a\n", 2, "b\n", 2, &out, &err);
	/* no options: an empty environment */
	const char *argv[] = { "sh", "-c", "echo \"${RURU_LEAK-unset}\"", NULL };
	struct ruru_child c = { .argv = argv, .stderr_io = RURU_CHILD_NULL };
	struct ruru_buf bare = RURU_BUF_INIT;
	int brc = ruru_child_capture(&c, &bare, &err);

	unsetenv("RURU_LEAK");
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	char p[256];
	snprintf(p, sizeof p, "%s/git", fake_dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/diff", fake_dir);
	unlink(p);
	rmdir(fake_dir);

	assert_non_null(v);
	assert_string_equal(v, "unset kept");
	free(v);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.ptr, "KEEP=kept\n"));
	assert_non_null(strstr(out.ptr, "LC_ALL=C\n"));
	assert_null(strstr(out.ptr, "RURU_LEAK"));
	assert_null(strstr(out.ptr, "POSIXLY_CORRECT"));
	assert_null(strstr(out.ptr, "de_DE"));
	assert_int_equal(brc, 0);
	assert_string_equal(bare.ptr, "unset\n");
	ruru_buf_release(&out);
	ruru_buf_release(&bare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_stdout_and_status),
		cmocka_unit_test(capture_merges_stderr),
		cmocka_unit_test(pipe_into_child),
		cmocka_unit_test(signal_is_an_error),
		cmocka_unit_test(missing_program),
		cmocka_unit_test(children_get_the_options_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
