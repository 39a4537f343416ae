/*
 * run.c — child processes (git's run-command): patch and diff for
 * confirmations, git for `init --git`, the CLI's pager.  One place spawns,
 * wires the pipes and waits, so that every child is run from an argv
 * (posix_spawnp, never a shell) and reaped even when EINTR strikes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ruru.h"
#include "alloc.h"
#include "banned.h"

/* A child given no environment gets this one: the library never hands
 * on the process's own (the front ends choose, struct ruru_options). */
static char *const no_env[] = { NULL };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int ruru_child_start(struct ruru_child *c, struct ruru_error *err)
{
	const char *name = c->argv && c->argv[0] ? c->argv[0] : "(nothing)";
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	c->in = c->out = -1;
	c->pid = -1;
	if (!c->argv || !c->argv[0])
		return ruru_error_set(err, RURU_EUSAGE, "no program to run");
	if ((c->stdin_io == RURU_CHILD_PIPE && pipe2(inp, O_CLOEXEC) < 0) ||
	    (c->stdout_io == RURU_CHILD_PIPE && pipe2(outp, O_CLOEXEC) < 0)) {
		int e = errno;
		close_fd(&inp[0]);
		close_fd(&inp[1]);
		return ruru_error_set(err, RURU_EFAIL, "cannot run %s: %s", name, strerror(e));
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (c->stdin_io == RURU_CHILD_NULL)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	else if (c->stdin_io == RURU_CHILD_PIPE)
		posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
	if (c->stdout_io == RURU_CHILD_NULL)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	else if (c->stdout_io == RURU_CHILD_PIPE)
		posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	if (c->stderr_io == RURU_CHILD_NULL)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	else if (c->stderr_io == RURU_CHILD_TO_OUT)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, c->argv[0], &fa, NULL, (char *const *)c->argv,
			      c->env ? c->env : no_env);
	posix_spawn_file_actions_destroy(&fa);
	close_fd(&inp[0]);
	close_fd(&outp[1]);
	if (rc != 0) {
		close_fd(&inp[1]);
		close_fd(&outp[0]);
		return ruru_error_set(err, RURU_EFAIL, "cannot run %s: %s", name, strerror(rc));
	}
	c->pid = pid;
	c->in = inp[1];
	c->out = outp[0];
	return 0;
}

int ruru_child_finish(struct ruru_child *c, struct ruru_error *err)
{
	close_fd(&c->in);
	close_fd(&c->out);
	if (c->pid <= 0)
		return ruru_error_set(err, RURU_EFAIL, "no child to wait for");
	int st;
	while (waitpid(c->pid, &st, 0) < 0) {
		if (errno != EINTR)
			return ruru_error_set(err, RURU_EFAIL, "cannot wait for %s: %s", c->argv[0],
					      strerror(errno));
	}
	c->pid = -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return ruru_error_set(err, RURU_EFAIL, "%s was killed by signal %d", c->argv[0],
			      WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int ruru_child_capture(struct ruru_child *c, struct ruru_buf *out, struct ruru_error *err)
{
	c->stdout_io = RURU_CHILD_PIPE;
	if (ruru_child_start(c, err) < 0)
		return -1;
	struct ruru_error rerr = { 0 };
	int rrc = 0;
	if (out) {
		rrc = ruru_buf_read_fd(out, c->out, &rerr);
	} else {
		/* Discard, in bounded memory. */
		char chunk[4096];
		ssize_t n;
		while ((n = read(c->out, chunk, sizeof(chunk))) != 0)
			if (n < 0 && errno != EINTR)
				break;
	}
	int status = ruru_child_finish(c, err);
	if (status >= 0 && rrc < 0) {
		if (err)
			*err = rerr;
		return -1;
	}
	return status;
}

/* ------------------------------------------------- git config, identity */

char *ruru_git_config(const struct ruru_options *opts, const char *key)
{
	const char *argv[] = { "git", "config", "--get", key, NULL };
	struct ruru_child c = { .argv = argv, .env = opts ? opts->env : NULL, .stdin_io = RURU_CHILD_NULL,
				.stderr_io = RURU_CHILD_NULL };
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	char *v = NULL;
	if (key && ruru_child_capture(&c, &out, &e) == 0) {
		while (out.len && (out.ptr[out.len - 1] == '\n' || out.ptr[out.len - 1] == '\r' ||
				   out.ptr[out.len - 1] == ' '))
			out.ptr[--out.len] = '\0';
		if (out.len && !memchr(out.ptr, '\n', out.len))
			v = ruru_strdup(out.ptr);
	}
	ruru_buf_release(&out);
	return v;
}

char *ruru_user_identity(const struct ruru_options *opts, enum ruru_identity form)
{
	char *name = form == RURU_IDENTITY_NAME_EMAIL ? ruru_git_config(opts, "user.name") : NULL;
	char *email = ruru_git_config(opts, "user.email");
	char *id = NULL;
	if (name && email) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "%s <%s>", name, email);
		id = ruru_buf_detach(&b, NULL);
	} else if (name || email) {
		id = ruru_strdup(name ? name : email);
	} else {
		/* The login name from the password database: the library does
		 * not read the environment ($USER). */
		struct passwd *pw = getpwuid(getuid());
		id = pw && pw->pw_name && *pw->pw_name ? ruru_strdup(pw->pw_name) : NULL;
	}
	free(name);
	free(email);
	return id;
}
