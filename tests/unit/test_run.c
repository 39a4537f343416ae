/* test_run.c — child processes (run.c): capture, exit status, pipes in,
 * signals, programs that do not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ruru.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_stdout_and_status),
		cmocka_unit_test(capture_merges_stderr),
		cmocka_unit_test(pipe_into_child),
		cmocka_unit_test(signal_is_an_error),
		cmocka_unit_test(missing_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
