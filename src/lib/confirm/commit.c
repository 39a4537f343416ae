/*
 * commit.c — apply --commit: the target alone committed with git, whose
 * repository is workspace too (literal pathspecs, no hooks, no fsmonitor),
 * with Ruru-* trailers and Ruru-Signed-By only for a verified signature.
 */
#include "confirm_impl.h"
#include "banned.h"

/*
 * Run git in the root with `args`; *out its output.  The repository is
 * workspace, so hostile input: its hooks and fsmonitor never run
 * (core.hooksPath=/dev/null, core.fsmonitor=false on the command line win
 * over its config), and every pathspec is literal (GIT_LITERAL_PATHSPECS=1
 * in the child's environment), so a target named like pathspec magic,
 * ":(glob)ci/x", stands for that one file.
 */
int confirm_git_run(struct ruru_ws *ws, const char *const *args, struct ruru_buf *out, int *status,
		   struct ruru_error *err)
{
	const char *argv[32] = { "git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
				 "-C", ruru_ws_root(ws) };
	size_t n = 7;
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	ruru_buf_reset(out);
	return confirm_run_capture_env(&ws->opts, argv, "GIT_LITERAL_PATHSPECS=1", out, status, err);
}

int ruru_confirm_apply_commit(struct ruru_ws *ws, const char *artifact, bool force,
			      const char *message, struct ruru_confirm *out, char **commit,
			      struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	*commit = NULL;
	struct ruru_buf o = RURU_BUF_INIT, msg = RURU_BUF_INIT, t1 = RURU_BUF_INIT,
			t2 = RURU_BUF_INIT, t3 = RURU_BUF_INIT, t4 = RURU_BUF_INIT;
	int st = 0, rc = -1;
	static const char *const inside[] = { "rev-parse", "--is-inside-work-tree", NULL };
	static const char *const staged[] = { "diff", "--cached", "--quiet", "--no-ext-diff",
					      "--no-textconv", NULL };
	if (confirm_git_run(ws, inside, &o, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_ECONFLICT, "the workspace is not in a git work tree; nothing "
						    "to commit to");
		goto out;
	}
	if (confirm_git_run(ws, staged, &o, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the git index holds staged changes; committing would take them too "
			       "(commit or unstage them first)");
		goto out;
	}
	if (ruru_confirm_apply(ws, artifact, force, out, err) < 0)
		goto out;
	/* Ruru-Signed-By only for a signature this apply verified against the
	 * user's allowed signers, never from what the log line claims. */
	bool signed_rec = out->verified_signer != NULL;
	if (message && *message)
		ruru_buf_addstr(&msg, message);
	else
		ruru_buf_addf(&msg, "Apply %s to %s", strrchr(out->artifact, '/') + 1, out->target);
	ruru_buf_addf(&t1, "Ruru-Session: %s", out->session ? out->session : "");
	ruru_buf_addf(&t2, "Ruru-Confirm: %s", out->artifact);
	ruru_buf_addf(&t3, "Ruru-Payload-SHA256: %s", out->payload_sha256);
	ruru_buf_addf(&t4, "Ruru-Signed-By: %s", signed_rec ? out->verified_signer : "");
	const char *add[] = { "add", "--", out->target, NULL };
	const char *args[16] = { "commit", "-q", "--no-verify", "-m", msg.ptr };
	size_t n = 5;
	if (out->session)
		args[n++] = "--trailer", args[n++] = t1.ptr;
	args[n++] = "--trailer";
	args[n++] = t2.ptr;
	args[n++] = "--trailer";
	args[n++] = t3.ptr;
	if (signed_rec)
		args[n++] = "--trailer", args[n++] = t4.ptr;
	args[n++] = "--";
	args[n++] = out->target;
	args[n] = NULL;
	static const char *const head[] = { "rev-parse", "HEAD", NULL };
	if (confirm_git_run(ws, add, &o, &st, err) < 0 || st != 0 || confirm_git_run(ws, args, &o, &st, err) < 0 ||
	    st != 0) {
		struct ruru_buf why = RURU_BUF_INIT;
		ruru_buf_addstr(&why, o.len ? confirm_first_line(&o) : err->msg);
		ruru_error_set(err, RURU_EFAIL, "\"%s\" was applied to \"%s\", but git could not commit it: %.300s",
			       out->artifact, out->target, why.ptr);
		ruru_buf_release(&why);
		goto out_applied;
	}
	if (confirm_git_run(ws, head, &o, &st, err) < 0 || st != 0)
		goto out_applied;
	while (o.len && o.ptr[o.len - 1] == '\n')
		o.ptr[--o.len] = '\0';
	*commit = ruru_strdup(o.ptr);
	rc = 0;
	goto out;
out_applied:
	ruru_confirm_release(out);
out:
	ruru_buf_release(&o);
	ruru_buf_release(&msg);
	ruru_buf_release(&t1);
	ruru_buf_release(&t2);
	ruru_buf_release(&t3);
	ruru_buf_release(&t4);
	return rc;
}
