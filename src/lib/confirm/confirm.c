/*
 * confirm.c — the confirmation workflow (standard §7, DESIGN §5): propose,
 * adopt, decide (optionally signed, DESIGN §15), delegate, apply (and
 * commit), withdraw, clean, list; `ruru verify` and the Agent Trace export.
 *
 * A proposal is two files with one stem: the CONFIRM artifact, which holds
 * the payload verbatim (the target's exact new bytes, or a unified diff),
 * so that an executor without ruru can still "read the artifact, write to
 * the target"; and the sidecar CONFIRM-….toml with ruru's record (target,
 * kind, status, hashes, decision).  Every step that changes a proposal runs
 * under a lock — the session's (through a log transaction, which also logs
 * the step) or .ruru/temp/.lock — and re-reads the sidecar there, so two
 * executors racing to apply one proposal cannot both succeed.
 *
 * Nothing is applied that was not approved: apply checks the status, that
 * the payload still hashes to what was proposed, that the latest decision
 * record — in the session log, or .ruru/temp/decisions.log — names the
 * same target, kind and hashes as the sidecar (so neither a hand-edited
 * sidecar nor a swapped payload or target inherits a decision), its
 * signature when signatures are required, and that the target still has
 * the bytes it had at proposal.  A target that already holds the result is
 * recorded as applied; a refusal writes and logs nothing.  GNU patch, diff,
 * ssh-keygen and git run with an argv (run.c), never through a shell.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "text.h"
#include "banned.h"

extern char **environ;

void ruru_confirm_release(struct ruru_confirm *c)
{
	free(c->artifact);
	free(c->sidecar);
	free(c->session);
	free(c->target);
	free(c->decided_by);
	free(c->rationale);
	free(c->delegated_to);
	free(c->task);
	memset(c, 0, sizeof(*c));
}

static json_t *jtime(time_t t)
{
	if (!t)
		return json_null();
	char b[32];
	ruru_time_format_rfc3339(t, b);
	return json_string(b);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *ruru_confirm_json(const struct ruru_confirm *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "artifact", jstr(c->artifact));
	json_object_set_new(o, "sidecar", jstr(c->sidecar));
	json_object_set_new(o, "session", jstr(c->session));
	json_object_set_new(o, "target", jstr(c->target));
	json_object_set_new(o, "kind", json_string(ruru_confirm_kind_word(c->kind)));
	const char *st = ruru_confirm_status_word(c->status);
	json_object_set_new(o, "status", json_string(st ? st : "unadopted"));
	json_object_set_new(o, "payload_sha256", json_string(c->payload_sha256));
	json_object_set_new(o, "target_sha256", json_string(c->target_sha256));
	json_object_set_new(o, "result_sha256", json_string(c->result_sha256));
	json_object_set_new(o, "nonce", json_string(c->nonce));
	json_object_set_new(o, "created", jtime(c->created));
	json_object_set_new(o, "decided_by", jstr(c->decided_by && *c->decided_by ? c->decided_by : NULL));
	json_object_set_new(o, "rationale", jstr(c->rationale && *c->rationale ? c->rationale : NULL));
	json_object_set_new(o, "decided_at", jtime(c->decided_at));
	json_object_set_new(o, "delegated_to",
			    jstr(c->delegated_to && *c->delegated_to ? c->delegated_to : NULL));
	json_object_set_new(o, "task", jstr(c->task && *c->task ? c->task : NULL));
	json_object_set_new(o, "applied_at", jtime(c->applied_at));
	json_object_set_new(o, "forced", json_boolean(c->forced));
	json_object_set_new(o, "already_applied", json_boolean(c->already));
	json_object_set_new(o, "decision_record", jstr(c->record));
	json_object_set_new(o, "payload_intact", json_boolean(c->payload_intact));
	json_object_set_new(o, "target_unchanged", json_boolean(c->target_unchanged));
	json_object_set_new(o, "payload_bytes", json_integer((json_int_t)c->payload_bytes));
	return o;
}

/* --------------------------------------------------- running patch/diff */

/*
 * Run argv (first element looked up in PATH) with stdin from /dev/null and
 * stdout+stderr captured in *out; *status gets the exit status (-1 when it
 * died of a signal).  The environment is ours minus the variables that
 * change GNU patch's behaviour, with LC_ALL=C for stable messages.
 */
static int run_capture(const char *const argv[], struct ruru_buf *out, int *status,
		       struct ruru_error *err)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = ruru_xmalloc((n + 2) * sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], RURU_LIT("POSIXLY_CORRECT=")) && strncmp(environ[i], RURU_LIT("LC_ALL=")) &&
		    strncmp(environ[i], RURU_LIT("PATCH_")) && strncmp(environ[i], RURU_LIT("VERSION_CONTROL=")) &&
		    strncmp(environ[i], RURU_LIT("SIMPLE_BACKUP_SUFFIX=")))
			env[k++] = environ[i];
	env[k++] = (char *)"LC_ALL=C";
	env[k] = NULL;
	struct ruru_child c = { .argv = argv, .env = env, .stdin_io = RURU_CHILD_NULL,
				.stderr_io = RURU_CHILD_TO_OUT };
	int rc = ruru_child_capture(&c, out, err);
	free(env);
	if (rc < 0)
		return -1;
	*status = rc;
	return 0;
}

/* A private scratch folder for patch's and diff's files. */
struct scratch {
	char dir[PATH_MAX];
	char path[5][PATH_MAX + 16];
};

static int scratch_make(struct scratch *s, struct ruru_error *err)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(s->dir, sizeof(s->dir), "%s/ruru-confirm.XXXXXX", tmp);
	if (!mkdtemp(s->dir))
		return ruru_error_set(err, RURU_EFAIL, "cannot make a scratch folder in %s: %s", tmp,
				      strerror(errno));
	static const char *const names[] = { "orig", "payload", "out", "rej", "orig.sig" };
	char dir[PATH_MAX]; /* a copy: snprintf must not read what it writes into */
	memcpy(dir, s->dir, sizeof(dir));
	for (int i = 0; i < 5; i++)
		snprintf(s->path[i], sizeof(s->path[i]), "%s/%s", dir, names[i]);
	return 0;
}

static void scratch_remove(struct scratch *s)
{
	int e = errno;
	struct ruru_error ignore = { 0 };
	for (int i = 0; i < 5; i++)
		ruru_file_remove(s->path[i], &ignore);
	ruru_file_remove_dir(s->dir, &ignore);
	errno = e;
}

static int write_plain(const char *path, const void *data, size_t len, struct ruru_error *err)
{
	return ruru_file_write_new(path, data, len, 0600, err);
}

/* Does a line at `p` (within [p, end)) start with `prefix`? */
static bool starts(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* Parse "N[,M]" at *p (M defaults to 1); false when malformed. */
static bool hunk_range(const char **p, const char *end, unsigned long *count)
{
	const char *q = *p;
	unsigned long v = 0;
	bool digits = false;
	while (q < end && *q >= '0' && *q <= '9' && v < 100000000UL) {
		digits = true;
		q++;
	}
	if (!digits)
		return false;
	*count = 1;
	if (q < end && *q == ',') {
		q++;
		digits = false;
		while (q < end && *q >= '0' && *q <= '9' && v < 100000000UL) {
			v = v * 10 + (unsigned long)(*q - '0');
			digits = true;
			q++;
		}
		if (!digits)
			return false;
		*count = v;
	}
	*p = q;
	return true;
}

/* The file a "--- "/"+++ " header names: up to a tab (a time stamp
 * follows), without a trailing CR. */
static void header_name(const char *p, const char *eol, struct ruru_buf *out)
{
	const char *q = p;
	while (q < eol && *q != '\t')
		q++;
	if (q == eol && q > p && q[-1] == '\r')
		q--;
	ruru_buf_reset(out);
	ruru_buf_add(out, p, (size_t)(q - p));
}

/* Does a header's file name stand for `target`?  Exactly, with one
 * leading folder stripped (a/, b/), or by its last component. */
static bool names_target(const char *name, const char *target)
{
	if (!strcmp(name, target))
		return true;
	const char *slash = strchr(name, '/');
	if (slash && !strcmp(slash + 1, target))
		return true;
	const char *nb = strrchr(name, '/'), *tb = strrchr(target, '/');
	return !strcmp(nb ? nb + 1 : name, tb ? tb + 1 : target);
}

/*
 * A diff payload must be exactly one unified diff of the target (DESIGN
 * §5): optional git-style header lines ("diff ", "index ", "Index: ",
 * "===", mode lines), one "--- "/"+++ " pair naming the target, then hunks
 * whose line counts match their "@@ -a,b +c,d @@" headers, and nothing
 * after the last hunk but "\ No newline at end of file".  Anything else —
 * a second file, a context or ed-style diff tacked on, text patch would
 * skip as garbage — is RURU_EINVALID naming the line: GNU patch would
 * otherwise apply more than what was shown and approved.
 */
static int diff_shape(const char *d, size_t len, const char *target, struct ruru_error *err)
{
	const char *p = d, *end = d + len;
	int headers = 0, hunks = 0;
	unsigned long old_left = 0, new_left = 0, line = 0;
	bool in_hunk = false;
	struct ruru_buf name = RURU_BUF_INIT;
	int rc = 0;
	if (memchr(d, '\0', len))
		return ruru_error_set(err, RURU_EINVALID, "the diff holds a NUL byte");
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		line++;
		if (in_hunk && (old_left || new_left)) {
			char ch = p < eol ? *p : ' '; /* an empty line: a context line lost its blank */
			if (ch == '\\') {
				/* "\ No newline at end of file" after a hunk line */
			} else if (ch == ' ' && old_left && new_left) {
				old_left--, new_left--;
			} else if (ch == '-' && old_left) {
				old_left--;
			} else if (ch == '+' && new_left) {
				new_left--;
			} else {
				rc = ruru_error_set(err, RURU_EINVALID,
						    "the diff's hunk ending at line %lu is shorter or longer "
						    "than its \"@@\" header says",
						    line);
			}
		} else if (starts(p, end, "@@ -") && headers == 1) {
			const char *q = p + 4;
			if (!hunk_range(&q, eol, &old_left) || !starts(q, eol, " +") ||
			    (q += 2, !hunk_range(&q, eol, &new_left)) || !starts(q, eol, " @@"))
				rc = ruru_error_set(err, RURU_EINVALID,
						    "line %lu of the diff is not a valid hunk header", line);
			in_hunk = true;
			hunks++;
		} else if (in_hunk && p < eol && *p == '\\') {
			/* "\ No newline at end of file" after the last line of a hunk */
		} else if (starts(p, end, "--- ") && starts(next, end, "+++ ")) {
			if (++headers > 1) {
				rc = ruru_error_set(err, RURU_EINVALID,
						    "the diff changes more than one file (a second header at "
						    "line %lu); propose one target at a time",
						    line);
				break;
			}
			const char *nl2 = memchr(next, '\n', (size_t)(end - next));
			const char *eol2 = nl2 ? nl2 : end;
			header_name(next + 4, eol2, &name);
			if (!strcmp(name.ptr, "/dev/null")) {
				rc = ruru_error_set(err, RURU_EINVALID,
						    "the diff deletes the file; deletion is not a "
						    "confirmable edit");
				break;
			}
			if (target && !names_target(name.ptr, target)) {
				rc = ruru_error_set(err, RURU_EINVALID,
						    "the diff is for \"%s\", not for the target \"%s\"",
						    name.ptr, target);
				break;
			}
			next = nl2 ? nl2 + 1 : end;
			line++;
		} else if (!in_hunk && !headers &&
			   (starts(p, end, "diff ") || starts(p, end, "index ") ||
			    starts(p, end, "Index: ") || starts(p, end, "===") ||
			    starts(p, end, "new file mode ") || starts(p, end, "old mode ") ||
			    starts(p, end, "new mode "))) {
			/* git's and svn's header lines before "--- " */
		} else if (starts(p, end, "GIT binary patch") || starts(p, end, "Binary files ")) {
			rc = ruru_error_set(err, RURU_EINVALID, "binary diffs are not supported");
		} else if (!headers) {
			rc = ruru_error_set(err, RURU_EINVALID,
					    "not a unified diff: line %lu comes before any \"--- \"/\"+++ "
					    "\" header",
					    line);
		} else {
			rc = ruru_error_set(err, RURU_EINVALID,
					    "line %lu of the diff is not part of a unified diff hunk (only "
					    "one unified diff of the target is accepted)",
					    line);
		}
		p = next;
	}
	ruru_buf_release(&name);
	if (rc == 0 && in_hunk && (old_left || new_left))
		rc = ruru_error_set(err, RURU_EINVALID,
				    "the diff ends inside a hunk (shorter than its \"@@\" header says)");
	if (rc == 0 && (headers != 1 || !hunks))
		rc = ruru_error_set(err, RURU_EINVALID,
				    "not a unified diff (no \"--- \"/\"+++ \" header and \"@@\" hunk)");
	return rc;
}

/*
 * Apply the unified diff `d` of `target` to `orig` (the target's bytes;
 * empty for a new file) with GNU patch into *result; `reverse` undoes it
 * instead (patch -R).  No fuzz: the diff must match.  A diff that does not
 * apply is RURU_EINVALID with patch's first line of complaint.
 */
static int diff_apply(const char *orig, size_t olen, const char *d, size_t dlen,
		      const char *target, bool reverse, struct ruru_buf *result,
		      struct ruru_error *err)
{
	if (diff_shape(d, dlen, target, err) < 0)
		return -1;
	struct scratch s;
	if (scratch_make(&s, err) < 0)
		return -1;
	struct ruru_buf log = RURU_BUF_INIT;
	int status = 0, rc = -1;
	if (write_plain(s.path[0], orig, olen, err) < 0 || write_plain(s.path[1], d, dlen, err) < 0)
		goto out;
	const char *argv[] = { "patch", "--force", "--silent", "--fuzz=0", "--no-backup-if-mismatch",
			       "-r", s.path[3], "-o", s.path[2], "-i", s.path[1], s.path[0],
			       reverse ? "-R" : NULL, NULL };
	if (run_capture(argv, &log, &status, err) < 0)
		goto out;
	if (status != 0) {
		char *nl = memchr(log.ptr, '\n', log.len);
		if (nl)
			*nl = '\0';
		ruru_error_set(err, RURU_EINVALID, "the diff does not apply to the current target%s%s",
			       log.len ? ": " : "", log.len ? log.ptr : "");
		goto out;
	}
	ruru_buf_reset(result);
	rc = ruru_file_read(s.path[2], result, err);
out:
	scratch_remove(&s);
	ruru_buf_release(&log);
	return rc;
}

/* ----------------------------------------------------------------- paths */

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* lstat(2) and unlink(2) through the storage layer (folders walked from
 * the root, never through a symlink); a refusal reads as "not there". */
static int ws_lstat(struct ruru_ws *ws, const char *path, struct stat *st)
{
	struct ruru_error ignore = { 0 };
	return ruru_store_lstat(ws->store, path, st, &ignore);
}

/* Remove a file; one that is not there is not an error. */
static int remove_gone(struct ruru_ws *ws, const char *path, struct ruru_error *err)
{
	if (ruru_store_remove(ws->store, path, err) == 0 || err->code == RURU_ENOTFOUND)
		return 0;
	return -1;
}

/* Refuse a normalised root-relative target in .git/ or .ruru/sessions/. */
static int forbidden_area(const char *rel, const char *shown, struct ruru_error *err)
{
	const char *p = rel;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (ruru_name_is(p, n, ".git"))
			return ruru_error_set(err, RURU_EREFUSED,
					      "target \"%s\" lies inside a .git folder", shown);
		p += n;
		if (*p)
			p++;
	}
	/* .ruru, .ruru/sessions and below, in any letter case (DESIGN §1) */
	const char *s1 = strchr(rel, '/');
	size_t n1 = s1 ? (size_t)(s1 - rel) : strlen(rel);
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	size_t n2 = s1 ? (s2 ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1)) : 0;
	if (ruru_name_is(rel, n1, ".ruru") && (!s1 || ruru_name_is(s1 + 1, n2, "sessions")))
		return ruru_error_set(err, RURU_EREFUSED,
				      "target \"%s\" lies inside .ruru/sessions/ (session files are "
				      "changed by ruru's own commands)",
				      shown);
	/* The later layouts' sessions folders too. */
	for (int l = RURU_LAYOUT_V8; l < RURU_LAYOUT_COUNT; l++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)l);
		size_t dl = strlen(dir);
		if (!strncasecmp(rel, dir, dl) && (rel[dl] == '\0' || rel[dl] == '/'))
			return ruru_error_set(err, RURU_EREFUSED,
					      "target \"%s\" lies inside %s/ (session files are "
					      "changed by ruru's own commands)",
					      shown, dir);
	}
	return 0;
}

/*
 * Every check a target gets, at proposal and again at apply: `rel` is
 * normalised and relative to the root (ruru_path_inside or
 * ruru_path_relative_to_root made it so).  Any symlink on its way is
 * refused (so none can lead into .git/ or .ruru/sessions/), and so is a
 * target that is itself a symlink or not a regular file.  *exists tells
 * whether it is there.
 */
static int target_check(struct ruru_ws *ws, const char *rel, bool *exists, struct ruru_error *err)
{
	if (forbidden_area(rel, rel, err) < 0)
		return -1;
	char *abs = ruru_ws_path(ws, rel);
	struct ruru_buf norm = RURU_BUF_INIT;
	int rc = -1;
	struct stat st;
	*exists = false;
	/* Walked from the root without following any symlink, so the target
	 * cannot reach .git/ or .ruru/sessions/ (or leave the root) through
	 * one; the write walks it again the same way. */
	if (ruru_store_path_inside(ws->store, NULL, rel, &norm, err) < 0)
		goto out;
	if (ws_lstat(ws, abs, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED, "target \"%s\" is a symlink", rel);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED, "target \"%s\" is not a regular file", rel);
			goto out;
		}
		*exists = true;
	}
	rc = 0;
out:
	free(abs);
	ruru_buf_release(&norm);
	return rc;
}

/* Where a proposal lives, worked out from its artifact's path. */
struct loc {
	char *rel, *abs;           /* the CONFIRM file */
	char *side_rel, *side_abs; /* its sidecar */
	char *session;             /* NULL: .ruru/temp/ */
	char *srel;                /* relative to the session folder */
};

static void loc_release(struct loc *L)
{
	free(L->rel);
	free(L->abs);
	free(L->side_rel);
	free(L->side_abs);
	free(L->session);
	free(L->srel);
	memset(L, 0, sizeof(*L));
}

static bool is_file(struct ruru_ws *ws, const char *rel)
{
	char *abs = ruru_ws_path(ws, rel);
	struct stat st;
	bool ok = ws_lstat(ws, abs, &st) == 0 && S_ISREG(st.st_mode);
	free(abs);
	return ok;
}

/* The sidecar of "X.md" is "X.toml"; of a name without ".md", name + ".toml". */
static char *sidecar_of(const char *rel)
{
	struct ruru_buf b = RURU_BUF_INIT;
	size_t n = strlen(rel);
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (n > 3 && !strcmp(rel + n - 3, ".md") && (size_t)(rel + n - base) > 3)
		n -= 3;
	ruru_buf_add(&b, rel, n);
	ruru_buf_addstr(&b, ".toml");
	return ruru_buf_detach(&b, NULL);
}

/* Fill L from the layout of a root-relative path. */
static int loc_from_rel(struct ruru_ws *ws, const char *rel, struct loc *L, struct ruru_error *err)
{
	memset(L, 0, sizeof(*L));
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (!has_prefix(base, "CONFIRM-"))
		return ruru_error_set(err, RURU_EINVALID,
				      "\"%s\" is not a CONFIRM artifact (its name starts with CONFIRM-)",
				      rel);
	size_t bl = strlen(base);
	if (bl > 5 && !strcmp(base + bl - 5, ".toml"))
		return ruru_error_set(err, RURU_EINVALID,
				      "\"%s\" is a sidecar, not a CONFIRM artifact", rel);
	/* The sessions folder of any layout holds the session. */
	const char *in_layout = NULL;
	for (int l = 0; l < RURU_LAYOUT_COUNT && !in_layout; l++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)l);
		size_t dl = strlen(dir);
		if (!strncmp(rel, dir, dl) && rel[dl] == '/')
			in_layout = rel + dl + 1;
	}
	if (has_prefix(rel, ".ruru/temp/")) {
		L->session = NULL;
	} else if (in_layout) {
		const char *id = in_layout;
		const char *slash = strchr(id, '/');
		if (!slash || slash == id || !has_prefix(slash, "/artifacts/"))
			goto where;
		L->session = ruru_strndup(id, (size_t)(slash - id));
		L->srel = ruru_strdup(slash + 1);
	} else {
	where:
		return ruru_error_set(err, RURU_EINVALID,
				      "\"%s\" is not in a session's artifacts/ or in .ruru/temp/", rel);
	}
	L->rel = ruru_strdup(rel);
	L->abs = ruru_ws_path(ws, rel);
	L->side_rel = sidecar_of(rel);
	L->side_abs = ruru_ws_path(ws, L->side_rel);
	return 0;
}

/* The CONFIRM file a candidate root-relative path stands for: itself, or
 * the .md of a sidecar or of a stem.  Appends it to *out; false if none. */
static bool confirm_file(struct ruru_ws *ws, const char *cand, struct ruru_buf *out)
{
	size_t n = strlen(cand);
	struct ruru_buf b = RURU_BUF_INIT;
	bool ok = false;
	if (n > 5 && !strcmp(cand + n - 5, ".toml")) {
		ruru_buf_add(&b, cand, n - 5);
		ruru_buf_addstr(&b, ".md");
		ok = is_file(ws, b.ptr);
	}
	if (!ok) {
		ruru_buf_reset(&b);
		ruru_buf_addstr(&b, cand);
		ok = is_file(ws, b.ptr);
	}
	if (!ok && !(n > 3 && !strcmp(cand + n - 3, ".md"))) {
		ruru_buf_addstr(&b, ".md"); /* a stem */
		ok = is_file(ws, b.ptr);
	}
	if (ok)
		ruru_buf_add(out, b.ptr, b.len);
	ruru_buf_release(&b);
	return ok;
}

/* Add `path` to the list of matches unless it is there. */
static void add_match(char ***m, size_t *n, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*m)[i], path))
			return;
	*m = ruru_xrealloc(*m, (*n + 1) * sizeof(**m));
	(*m)[(*n)++] = ruru_strdup(path);
}

/*
 * The short forms of DESIGN §5: `name` relative to a session folder
 * ("artifacts/CONFIRM-….md"), to artifacts/ or .ruru/temp/, a bare file
 * name or a stem.  Every session's artifacts/ and .ruru/temp/ are looked
 * in; each existing CONFIRM file found is added to the matches.
 */
static void find_short(struct ruru_ws *ws, const char *name, char ***m, size_t *n)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (!has_prefix(base, "CONFIRM-") || has_prefix(name, "../") || strstr(name, "/../") ||
	    name[0] == '/')
		return;
	const char *inner = has_prefix(name, "artifacts/") ? name + strlen("artifacts/") : name;
	struct ruru_buf c = RURU_BUF_INIT, hit = RURU_BUF_INIT;
	ruru_buf_addf(&c, ".ruru/temp/%s", name);
	if (confirm_file(ws, c.ptr, &hit))
		add_match(m, n, hit.ptr);
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		const char *layout = ruru_layout_dir((enum ruru_layout)l);
		char *sdir = ruru_ws_path(ws, layout);
		struct ruru_error ignore = { 0 };
		DIR *d = ruru_store_opendir(ws->store, sdir, &ignore);
		free(sdir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			ruru_buf_reset(&c);
			ruru_buf_reset(&hit);
			ruru_buf_addf(&c, "%s/%s/artifacts/%s", layout, de->d_name, inner);
			if (confirm_file(ws, c.ptr, &hit))
				add_match(m, n, hit.ptr);
		}
		if (d)
			closedir(d);
	}
	ruru_buf_release(&c);
	ruru_buf_release(&hit);
}

/*
 * Resolve an ARTIFACT argument in any unambiguous form (DESIGN §5): a
 * path relative to the current directory or to the root, relative to a
 * session folder or to its artifacts/, the bare file name or its stem; the
 * sidecar's name stands for its artifact.  Several matches are
 * RURU_EUSAGE naming them.  With must_exist, no match is RURU_ENOTFOUND.
 */
static int locate(struct ruru_ws *ws, const char *artifact, bool must_exist, struct loc *L,
		  struct ruru_error *err)
{
	memset(L, 0, sizeof(*L));
	if (!artifact || !*artifact)
		return ruru_error_set(err, RURU_EUSAGE, "no CONFIRM artifact named");
	struct ruru_buf a = RURU_BUF_INIT, b = RURU_BUF_INIT, pick = RURU_BUF_INIT,
			list = RURU_BUF_INIT;
	struct ruru_error ea = { 0 }, eb = { 0 };
	ruru_error_clear(&ea);
	ruru_error_clear(&eb);
	bool oka = ruru_store_relative(ws->store, artifact, &a, &ea) == 0;
	bool okb = artifact[0] != '/' && ruru_store_path_inside(ws->store, NULL, artifact, &b, &eb) == 0;
	char **m = NULL;
	size_t n = 0;
	int rc = -1;
	if (!(oka && confirm_file(ws, a.ptr, &pick)) && !(okb && confirm_file(ws, b.ptr, &pick))) {
		if (okb)
			find_short(ws, b.ptr, &m, &n);
		if (n == 1) {
			ruru_buf_addstr(&pick, m[0]);
		} else if (n > 1) {
			for (size_t i = 0; i < n && i < 5; i++)
				ruru_buf_addf(&list, "%s\"%s\"", i ? ", " : "", m[i]);
			ruru_error_set(err, RURU_EUSAGE,
				       "\"%s\" is ambiguous: %zu proposals match (%s%s); name one by "
				       "its path",
				       artifact, n, list.ptr, n > 5 ? ", ..." : "");
			goto out;
		}
	}
	if (!pick.len && !oka && !okb) {
		*err = ea.code ? ea : eb;
		goto out;
	}
	if (!pick.len && must_exist) {
		ruru_error_set(err, RURU_ENOTFOUND, "no CONFIRM artifact \"%s\"", artifact);
		goto out;
	}
	rc = loc_from_rel(ws, pick.len ? pick.ptr : (oka ? a.ptr : b.ptr), L, err);
out:
	for (size_t i = 0; i < n; i++)
		free(m[i]);
	free(m);
	ruru_buf_release(&a);
	ruru_buf_release(&b);
	ruru_buf_release(&pick);
	ruru_buf_release(&list);
	return rc;
}

/* ---------------------------------------------------------------- locks */

/* The transaction a change runs under: a session's log transaction, or
 * in temp mode one of files alone under .ruru/temp/.lock.  Either way the
 * files it changes are staged in it and published by guard_commit. */
struct guard {
	bool session;
	bool held;
	time_t stamp; /* entries' time when set (a decision's, which its record names) */
	struct ruru_logtx tx;
};

static int guard_begin(struct ruru_ws *ws, const char *session, struct guard *g,
		       struct ruru_error *err)
{
	memset(g, 0, sizeof(*g));
	g->session = session != NULL;
	if (session) {
		if (ruru_logtx_begin(&g->tx, ws, session, RURU_TX_ACTIVE, err) < 0)
			return -1;
	} else {
		char *dir = ruru_ws_path(ws, ".ruru/temp");
		char *lf = ruru_ws_path(ws, ".ruru/temp/.lock");
		int rc = ruru_store_mkdirs(ws->store, dir, err);
		if (rc == 0)
			rc = ruru_logtx_begin_files(&g->tx, ws, lf, err);
		free(dir);
		free(lf);
		if (rc < 0)
			return -1;
	}
	g->held = true;
	return 0;
}

static int guard_commit(struct guard *g, struct ruru_error *err)
{
	if (!g->held)
		return 0;
	g->held = false;
	return ruru_logtx_commit(&g->tx, err);
}

static void guard_abort(struct guard *g)
{
	if (!g->held)
		return;
	g->held = false;
	ruru_logtx_abort(&g->tx);
}

/* Log an entry in a session guard (nothing in temp mode). */
static int guard_log(struct guard *g, enum ruru_event type, const char *srel, const char *mode,
		     const char *task, const char *outcome, const char *msg, struct ruru_error *err)
{
	if (!g->session)
		return 0;
	struct ruru_log_input e = { .type = type, .message = msg, .message_len = strlen(msg) };
	e.field[RURU_FIELD_ARTIFACT] = srel;
	e.field[RURU_FIELD_MODE] = mode;
	e.field[RURU_FIELD_TASK] = task;
	e.field[RURU_FIELD_OUTCOME] = outcome;
	if (g->stamp) {
		e.when = g->stamp;
		e.when_valid = true;
	}
	return ruru_logtx_entry(&g->tx, &e, err);
}

/* -------------------------------------------------------------- sidecar */

/* `s` is exactly n lower-case hex digits. */
static bool is_hex(const char *s, size_t n)
{
	size_t i = 0;
	for (; s[i] && i <= n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == n;
}

static char *toml_str(const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	size_t n;
	const char *s = v ? ruru_toml_string(v, &n) : NULL;
	return s ? ruru_strndup(s, n) : NULL;
}

static time_t toml_time(const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v || ruru_toml_kind(v) != RURU_TOML_DATETIME)
		return 0;
	return time_from_toml(ruru_toml_datetime(v), RURU_TOML_DATETIME);
}

/* Parse a sidecar into c (which gets the location's names). */
static int sidecar_parse(const struct loc *L, const struct ruru_buf *text, struct ruru_confirm *c,
			 struct ruru_error *err)
{
	struct ruru_toml *doc = ruru_toml_parse(text->ptr, text->len, err);
	if (!doc) {
		ruru_error_set_file(err, L->side_rel);
		return -1;
	}
	const struct ruru_toml_value *r = ruru_toml_root(doc);
	memset(c, 0, sizeof(*c));
	c->artifact = ruru_strdup(L->rel);
	c->sidecar = ruru_strdup(L->side_rel);
	c->session = ruru_strdup(L->session);
	c->target = toml_str(r, "target_path");
	char *kind = toml_str(r, "kind"), *status = toml_str(r, "status");
	char *ph = toml_str(r, "payload_sha256"), *th = toml_str(r, "target_sha256");
	char *rh = toml_str(r, "result_sha256"), *nonce = toml_str(r, "nonce");
	int k = ruru_confirm_kind_parse(kind);
	c->status = ruru_confirm_status_parse(status);
	int rc = 0;
	const char *bad = !c->target || !*c->target ? "target_path"
			  : k < 0                   ? "kind"
			  : !c->status              ? "status"
			  : !ph || strlen(ph) != 64 ? "payload_sha256"
			  : !th || (*th && strlen(th) != 64) ? "target_sha256"
			  : rh && *rh && !is_hex(rh, 64)     ? "result_sha256"
			  : nonce && *nonce && !is_hex(nonce, 32) ? "nonce"
							     : NULL;
	if (bad) {
		rc = ruru_error_set(err, RURU_EINVALID, "missing or invalid \"%s\" in the sidecar", bad);
		ruru_error_set_file(err, L->side_rel);
		ruru_confirm_release(c);
	} else {
		c->kind = (enum ruru_confirm_kind)k;
		snprintf(c->payload_sha256, sizeof(c->payload_sha256), "%s", ph);
		snprintf(c->target_sha256, sizeof(c->target_sha256), "%s", th);
		/* An older ruru recorded no result: a content payload is its own
		 * result; a diff's is worked out from the disk (observe). */
		snprintf(c->result_sha256, sizeof(c->result_sha256), "%s",
			 rh && *rh ? rh : c->kind == RURU_CONFIRM_CONTENT ? ph : "");
		snprintf(c->nonce, sizeof(c->nonce), "%s", nonce ? nonce : "");
		c->created = toml_time(r, "created");
		c->decided_at = toml_time(r, "decided_at");
		c->applied_at = toml_time(r, "applied_at");
		c->decided_by = toml_str(r, "decided_by");
		c->rationale = toml_str(r, "rationale");
		c->delegated_to = toml_str(r, "delegated_to");
		c->task = toml_str(r, "task");
		const struct ruru_toml_value *f = ruru_toml_table_get(r, RURU_LIT("forced"));
		c->forced = f && ruru_toml_bool(f);
	}
	free(kind);
	free(status);
	free(ph);
	free(th);
	free(rh);
	free(nonce);
	ruru_toml_free(doc);
	return rc;
}

static int sidecar_read(struct ruru_ws *ws, const struct loc *L, struct ruru_buf *text, struct ruru_confirm *c,
			struct ruru_error *err)
{
	ruru_buf_reset(text);
	if (ruru_store_read(ws->store, L->side_abs, text, err) < 0) {
		struct stat st;
		if (err->code == RURU_ENOTFOUND && ws_lstat(ws, L->abs, &st) < 0)
			ruru_error_set(err, RURU_ENOTFOUND,
				       "no CONFIRM artifact \"%s\" (a temp proposal is deleted once "
				       "applied)",
				       L->rel);
		else if (err->code == RURU_ENOTFOUND)
			ruru_error_set(err, RURU_ENOTFOUND,
				       "\"%s\" has no sidecar (ruru has no record of it)", L->rel);
		ruru_error_hint(err, NULL, RURU_HINT_ADOPT, L->rel);
		ruru_error_set_file(err, L->side_rel);
		return -1;
	}
	return sidecar_parse(L, text, c, err);
}

/* Set `key` in the sidecar text to a TOML literal, format-preserving. */
static int side_set(struct ruru_buf *text, const char *key, const struct ruru_buf *lit,
		    struct ruru_error *err)
{
	struct ruru_buf out = RURU_BUF_INIT;
	if (ruru_toml_edit_set(&out, text->ptr, text->len, key, lit->ptr, lit->len, err) < 0) {
		ruru_buf_release(&out);
		return -1;
	}
	ruru_buf_release(text);
	*text = out;
	return 0;
}

static int side_set_lit(struct ruru_buf *text, const char *key, const char *lit,
			struct ruru_error *err)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, lit);
	int rc = side_set(text, key, &b, err);
	ruru_buf_release(&b);
	return rc;
}

static int side_set_str(struct ruru_buf *text, const char *key, const char *val,
			struct ruru_error *err)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_string(&lit, val ? val : "", val ? strlen(val) : 0);
	int rc = side_set(text, key, &lit, err);
	ruru_buf_release(&lit);
	return rc;
}

static int side_set_time(struct ruru_buf *text, const char *key, time_t t, struct ruru_error *err)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_time(&lit, t);
	int rc = side_set(text, key, &lit, err);
	ruru_buf_release(&lit);
	return rc;
}

/* The sidecar of a new proposal. */
static void sidecar_new(struct ruru_buf *b, const char *artifact_name, const char *target,
			enum ruru_confirm_kind kind, const char *payload_sha, const char *target_sha,
			const char *result_sha, const char *nonce, const char *session,
			time_t created)
{
	struct { const char *key, *val; } s[] = {
		{ "target_path", target },
		{ "kind", ruru_confirm_kind_word(kind) },
		{ "status", "pending" },
		{ "payload_sha256", payload_sha },
		{ "target_sha256", target_sha },
		{ "result_sha256", result_sha },
		{ "nonce", nonce },
		{ "session", session ? session : "" },
	};
	ruru_buf_addf(b, "# ruru's record of the proposal in %s (which holds the payload\n"
			 "# verbatim).  Written by `ruru confirm`; see `ruru confirm show`.\n",
		      artifact_name);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		ruru_buf_addf(b, "%s = ", s[i].key);
		ruru_toml_encode_string(b, s[i].val, strlen(s[i].val));
		ruru_buf_addch(b, '\n');
	}
	ruru_buf_addstr(b, "created = ");
	ruru_toml_encode_time(b, created);
	ruru_buf_addstr(b, "\ndecided_by = \"\"\nrationale = \"\"\ndecided_at = \"\"\n"
			   "delegated_to = \"\"\ntask = \"\"\napplied_at = \"\"\nforced = false\n");
}

/* ------------------------------------------------------ decision records */

/*
 * DESIGN §5 "Binding": a decision names what it decided — artifact, target,
 * payload_sha256, target_sha256 — outside the sidecar, so that a sidecar,
 * payload or target changed after the decision cannot inherit it.  Session
 * proposals carry the record in the log entry of the decision (first
 * message line, all ruru's own words: "<what> `TARGET` · payload_sha256
 * `H` · target_sha256 `H|none`", the reason on the lines after it); temp
 * proposals append ruru_confirm_record_canonical() to .ruru/temp/decisions.log.
 */

void ruru_confirm_record_release(struct ruru_confirm_record *r)
{
	free(r->artifact);
	free(r->target);
	free(r->decided_by);
	free(r->rationale);
	free(r->session);
	free(r->signer);
	free(r->signature);
	memset(r, 0, sizeof(*r));
}

void ruru_confirm_record_canonical(struct ruru_buf *out, const struct ruru_confirm_record *r)
{
	const char *word = ruru_confirm_status_word(r->decision);
	struct { const char *key, *val; } f[] = {
		{ "decision", word ? word : "" },
		{ "artifact", r->artifact ? r->artifact : "" },
		{ "target_path", r->target ? r->target : "" },
		{ "kind", ruru_confirm_kind_word(r->kind) },
		{ "payload_sha256", r->payload_sha256 },
		{ "target_sha256", r->target_sha256 },
		{ "decided_by", r->decided_by ? r->decided_by : "" },
		{ "rationale", r->rationale ? r->rationale : "" },
		{ "session", r->session ? r->session : "" },
		{ "signed_by", r->signer ? r->signer : "" },
	};
	ruru_buf_addstr(out, "[[decision]]\n");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ruru_buf_addf(out, "%s = ", f[i].key);
		ruru_toml_encode_string(out, f[i].val, strlen(f[i].val));
		ruru_buf_addch(out, '\n');
	}
	ruru_buf_addstr(out, "decided_at = ");
	ruru_toml_encode_time(out, r->decided_at);
	ruru_buf_addch(out, '\n');
}

/* What each decision's log line starts with. */
static const char *record_lead(enum ruru_confirm_status d)
{
	switch (d) {
	case RURU_CONFIRM_APPROVED: return "User approved the change to";
	case RURU_CONFIRM_REJECTED: return "User rejected the change to";
	case RURU_CONFIRM_SKIPPED: return "Coordinator skipped confirmation of the change to";
	default: return RURU_WITHDRAWN_LEAD;
	}
}

/* The message of a decision's log entry: the binding line, then the reason. */
static void record_message(struct ruru_buf *b, const struct ruru_confirm_record *r)
{
	ruru_buf_addf(b, "%s `%s` (%s) · payload_sha256 `%s` · target_sha256 `%s`",
		      record_lead(r->decision), r->target, ruru_confirm_kind_word(r->kind),
		      r->payload_sha256,
		      *r->target_sha256 ? r->target_sha256 : "none");
	if (r->signer && *r->signer)
		ruru_buf_addf(b, "\nSigned by `%s`", r->signer);
	if (r->rationale && *r->rationale)
		ruru_buf_addf(b, "\n%s: %s", r->decision == RURU_CONFIRM_SKIPPED ? "Rationale" : "Reason",
			      r->rationale);
}

static bool is_hex64(const char *p, const char *end)
{
	if (end - p < 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Read the binding line of a decision entry's message into r (target and
 * hashes); false when the message has none (hand-written, or older). */
static bool record_parse_message(const char *msg, size_t len, struct ruru_confirm_record *r)
{
	const char *end = memchr(msg, '\n', len);
	end = end ? end : msg + len;
	static const char mid[] = ") · payload_sha256 `", mid2[] = "` · target_sha256 `";
	const char *lead = record_lead(r->decision);
	size_t ll = strlen(lead);
	if ((size_t)(end - msg) < ll + 2 || memcmp(msg, lead, ll) || memcmp(msg + ll, RURU_LIT(" `")))
		return false;
	const char *t = msg + ll + 2, *q = t;
	while (q < end && *q != '`')
		q++;
	const char *tend = q;
	int kind = -1;
	if (q == t || end - q < 3 || memcmp(q, RURU_LIT("` (")))
		return false;
	q += 3;
	if (starts(q, end, "content"))
		kind = RURU_CONFIRM_CONTENT, q += 7;
	else if (starts(q, end, "diff"))
		kind = RURU_CONFIRM_DIFF, q += 4;
	if (kind < 0 || (size_t)(end - q) < sizeof(mid) - 1 || memcmp(q, mid, sizeof(mid) - 1))
		return false;
	const char *ph = q + sizeof(mid) - 1;
	if (!is_hex64(ph, end))
		return false;
	const char *q2 = ph + 64;
	if ((size_t)(end - q2) < sizeof(mid2) - 1 || memcmp(q2, mid2, sizeof(mid2) - 1))
		return false;
	const char *th = q2 + sizeof(mid2) - 1;
	bool none = RURU_IS_LIT(th, end - th, "none`");
	if (!none && !(is_hex64(th, end) && end - th == 65 && th[64] == '`'))
		return false;
	free(r->target);
	r->target = ruru_strndup(t, (size_t)(tend - t));
	r->kind = (enum ruru_confirm_kind)kind;
	memcpy(r->payload_sha256, ph, 64);
	r->payload_sha256[64] = '\0';
	if (none) {
		r->target_sha256[0] = '\0';
	} else {
		memcpy(r->target_sha256, th, 64);
		r->target_sha256[64] = '\0';
	}
	/* The lines after it: "Signed by `ID`", then "Reason: …" (or
	 * "Rationale: …" for a skip) to the end of the message. */
	const char *p = end < msg + len ? end + 1 : msg + len, *mend = msg + len;
	free(r->signer);
	free(r->rationale);
	r->signer = ruru_strdup("");
	r->rationale = ruru_strdup("");
	if (starts(p, mend, "Signed by `")) {
		const char *id = p + 11, *q3 = memchr(id, '`', (size_t)(mend - id));
		const char *nl = memchr(id, '\n', (size_t)(mend - id));
		if (!q3 || (nl && nl < q3))
			return false;
		free(r->signer);
		r->signer = ruru_strndup(id, (size_t)(q3 - id));
		p = q3 + 1;
		if (p < mend && *p != '\n')
			return false;
		p = p < mend ? p + 1 : mend;
	}
	const char *label = r->decision == RURU_CONFIRM_SKIPPED ? "Rationale: " : "Reason: ";
	if (p < mend) {
		if (!starts(p, mend, label))
			return false;
		p += strlen(label);
		free(r->rationale);
		r->rationale = ruru_strndup(p, (size_t)(mend - p));
	}
	return true;
}

/* The decision an entry records, from its type and outcome (UNKNOWN: none). */
static enum ruru_confirm_status entry_decision(const struct ruru_entry *e)
{
	if (e->type == RURU_EV_CONFIRM_SKIP)
		return RURU_CONFIRM_SKIPPED;
	if (e->type == RURU_EV_CONFIRM_RESPONSE && e->outcome && !strcmp(e->outcome, "approved"))
		return RURU_CONFIRM_APPROVED;
	if (e->type == RURU_EV_CONFIRM_RESPONSE && e->outcome && !strcmp(e->outcome, "rejected"))
		return RURU_CONFIRM_REJECTED;
	const char *lead = record_lead(RURU_CONFIRM_WITHDRAWN);
	if (e->type == RURU_EV_NOTE && e->message && has_prefix(e->message, lead))
		return RURU_CONFIRM_WITHDRAWN;
	return RURU_CONFIRM_UNKNOWN;
}

/* What the records say about one proposal. */
struct records {
	bool found;          /* a decision record exists: rec is the latest */
	bool bound;          /* ... and it names target and hashes */
	bool applied_after;  /* a success result follows it (session log) */
	int line;            /* where rec is: its log entry, or its decisions.log table */
	struct ruru_confirm_record rec;
};

static void records_release(struct records *R)
{
	ruru_confirm_record_release(&R->rec);
	memset(R, 0, sizeof(*R));
}

static char *temp_decisions_path(struct ruru_ws *ws)
{
	return ruru_ws_path(ws, ".ruru/temp/decisions.log");
}

static int records_session(struct ruru_ws *ws, const struct loc *L, struct records *R,
			   struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, L->session, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	for (size_t i = 0; i < s.nentries; i++) {
		const struct ruru_entry *e = &s.entries[i];
		if (!e->artifact || strcmp(e->artifact, L->srel))
			continue;
		enum ruru_confirm_status d = entry_decision(e);
		if (d == RURU_CONFIRM_UNKNOWN) {
			if (e->type == RURU_EV_RESULT && e->outcome && !strcmp(e->outcome, "success"))
				R->applied_after = R->found;
			continue;
		}
		ruru_confirm_record_release(&R->rec);
		R->found = true;
		R->applied_after = false;
		R->rec.decision = d;
		R->rec.artifact = ruru_strdup(L->rel);
		R->rec.session = ruru_strdup(L->session);
		R->rec.decided_by = ruru_strdup(d == RURU_CONFIRM_APPROVED || d == RURU_CONFIRM_REJECTED
							? "user"
							: "coordinator");
		R->rec.decided_at = e->when_valid ? e->when : 0;
		R->line = (int)e->line;
		R->bound = e->message && record_parse_message(e->message, e->message_len, &R->rec);
	}
	ruru_session_release(&s);
	return 0;
}

static int records_temp(struct ruru_ws *ws, const struct loc *L, struct records *R,
			struct ruru_error *err)
{
	char *path = temp_decisions_path(ws);
	struct ruru_buf text = RURU_BUF_INIT;
	int rc = ruru_store_read(ws->store, path, &text, err);
	free(path);
	if (rc < 0) {
		ruru_buf_release(&text);
		if (err->code != RURU_ENOTFOUND)
			return -1;
		ruru_error_clear(err);
		return 0; /* no decision yet */
	}
	struct ruru_toml *doc = ruru_toml_parse(text.ptr, text.len, err);
	if (!doc) {
		ruru_buf_release(&text);
		ruru_error_set_file(err, ".ruru/temp/decisions.log");
		return -1;
	}
	const struct ruru_toml_value *arr = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("decision"));
	size_t n = arr && ruru_toml_kind(arr) == RURU_TOML_ARRAY ? ruru_toml_array_len(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct ruru_toml_value *t = ruru_toml_array_at(arr, i);
		char *art = toml_str(t, "artifact");
		if (art && !strcmp(art, L->rel)) {
			char *word = toml_str(t, "decision"), *ph = toml_str(t, "payload_sha256"),
			     *th = toml_str(t, "target_sha256");
			ruru_confirm_record_release(&R->rec);
			R->found = true;
			int col;
			ruru_text_position(text.ptr, ruru_toml_value_span(t).start, &R->line, &col);
			R->rec.decision = ruru_confirm_status_parse(word);
			R->rec.artifact = ruru_strdup(art);
			R->rec.target = toml_str(t, "target_path");
			char *kw = toml_str(t, "kind");
			int k = ruru_confirm_kind_parse(kw);
			free(kw);
			R->rec.kind = k < 0 ? RURU_CONFIRM_CONTENT : (enum ruru_confirm_kind)k;
			R->rec.decided_by = toml_str(t, "decided_by");
			R->rec.rationale = toml_str(t, "rationale");
			R->rec.session = toml_str(t, "session");
			R->rec.signer = toml_str(t, "signed_by");
			R->rec.signature = toml_str(t, "signature");
			R->rec.decided_at = toml_time(t, "decided_at");
			R->bound = k >= 0 && R->rec.target && ph && strlen(ph) == 64 && th &&
				   (!*th || strlen(th) == 64);
			if (R->bound) {
				snprintf(R->rec.payload_sha256, sizeof(R->rec.payload_sha256), "%s", ph);
				snprintf(R->rec.target_sha256, sizeof(R->rec.target_sha256), "%s", th);
			}
			free(word);
			free(ph);
			free(th);
		}
		free(art);
	}
	ruru_toml_free(doc);
	ruru_buf_release(&text);
	return 0;
}

/* The decision records of a proposal: its session's log or decisions.log. */
static int records_read(struct ruru_ws *ws, const struct loc *L, struct records *R,
			struct ruru_error *err)
{
	memset(R, 0, sizeof(*R));
	return L->session ? records_session(ws, L, R, err) : records_temp(ws, L, R, err);
}

/* Stage a temp proposal's decision record at the end of decisions.log, in
 * the guard's transaction (under .ruru/temp/.lock): the whole file, its
 * record appended, is written beside it and published with the sidecar,
 * so that a failed step leaves both as they were. */
static int records_stage_temp(struct ruru_ws *ws, struct guard *g,
			      const struct ruru_confirm_record *r, struct ruru_error *err)
{
	char *path = temp_decisions_path(ws);
	struct ruru_buf b = RURU_BUF_INIT;
	static const char head[] =
		"# Decisions on proposals made with no active session (.ruru/temp/),\n"
		"# appended by `ruru confirm`; never edit.  The latest record of an\n"
		"# artifact is its decision.\n";
	int rc = ruru_store_read(ws->store, path, &b, err);
	if (rc < 0 && err->code == RURU_ENOTFOUND) {
		ruru_error_clear(err);
		ruru_buf_reset(&b);
		ruru_buf_add(&b, head, sizeof(head) - 1);
		rc = 0;
	}
	if (rc == 0) {
		ruru_buf_addch(&b, '\n');
		ruru_confirm_record_canonical(&b, r);
		if (r->signature) {
			ruru_buf_addstr(&b, "signature = ");
			ruru_toml_encode_string(&b, r->signature, strlen(r->signature));
			ruru_buf_addch(&b, '\n');
		}
		rc = ruru_logtx_stage_file(&g->tx, path, b.ptr, b.len, false, err);
	}
	ruru_buf_release(&b);
	free(path);
	return rc;
}

/* A record of decision `d` on the proposal c at `now`. */
static void record_of(struct ruru_confirm_record *r, const struct ruru_confirm *c,
		      enum ruru_confirm_status d, const char *by, const char *why, time_t now)
{
	memset(r, 0, sizeof(*r));
	r->decision = d;
	r->artifact = ruru_strdup(c->artifact);
	r->target = ruru_strdup(c->target);
	r->kind = c->kind;
	memcpy(r->payload_sha256, c->payload_sha256, sizeof(r->payload_sha256));
	memcpy(r->target_sha256, c->target_sha256, sizeof(r->target_sha256));
	r->decided_by = ruru_strdup(by);
	r->rationale = ruru_strdup(why ? why : "");
	r->session = ruru_strdup(c->session ? c->session : "");
	r->signer = ruru_strdup("");
	r->decided_at = now;
}

/*
 * Apply's binding check: the latest decision record says yes, with the
 * sidecar's status, and names the sidecar's target and hashes.
 */
static int records_agree(const struct loc *L, const struct ruru_confirm *c,
			 const struct records *R, struct ruru_error *err)
{
	const char *where = L->session ? "the session log" : ".ruru/temp/decisions.log";
	if (!R->found) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "%s holds no decision on \"%s\"; it was never approved or skipped",
			       where, L->rel);
		return ruru_error_hint(err, NULL, RURU_HINT_ASK, L->rel);
	}
	enum ruru_confirm_status d = R->rec.decision;
	if (d != RURU_CONFIRM_APPROVED && d != RURU_CONFIRM_SKIPPED)
		return ruru_error_set(err, RURU_ECONFLICT, "the latest decision on \"%s\" in %s is %s",
				      L->rel, where, ruru_confirm_status_word(d) ? ruru_confirm_status_word(d)
									   : "unreadable");
	if (c->status != RURU_CONFIRM_APPLIED && c->status != d)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar of \"%s\" says %s but the latest decision in %s is %s",
				      L->rel, ruru_confirm_status_word(c->status), where,
				      ruru_confirm_status_word(d));
	if (!R->bound)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the decision on \"%s\" in %s does not name its target and hashes "
				      "(made by hand or by an older ruru); decide it again",
				      L->rel, where);
	if (R->rec.kind != c->kind)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar's kind of \"%s\" is not the one that was decided (%s "
				      "says \"%s\"); it changed after the decision: propose again",
				      L->rel, where, ruru_confirm_kind_word(R->rec.kind));
	const char *what = strcmp(R->rec.target, c->target)                   ? "target_path"
			   : strcmp(R->rec.payload_sha256, c->payload_sha256) ? "payload_sha256"
			   : strcmp(R->rec.target_sha256, c->target_sha256)   ? "target_sha256"
									      : NULL;
	if (what)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar's %s of \"%s\" is not the one that was decided (%s "
				      "says \"%s\"); it changed after the decision: propose again",
				      what, L->rel, where,
				      !strcmp(what, "target_path")      ? R->rec.target
				      : !strcmp(what, "payload_sha256") ? R->rec.payload_sha256
									: R->rec.target_sha256);
	return 0;
}

int ruru_confirm_record_latest(struct ruru_ws *ws, const char *artifact,
			       struct ruru_confirm_record *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct loc L;
	struct records R;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	int rc = records_read(ws, &L, &R, err);
	if (rc == 0 && !R.found)
		rc = ruru_error_set(err, RURU_ENOTFOUND, "no decision on \"%s\" yet", L.rel);
	if (rc == 0) {
		*out = R.rec;
		memset(&R.rec, 0, sizeof(R.rec));
	}
	records_release(&R);
	loc_release(&L);
	return rc;
}

/* ------------------------------------------------------------ the disk */

/* Hash the target now ("" when absent); RURU_EREFUSED when unsafe. */
static int target_hash(struct ruru_ws *ws, const char *rel, char hex[65], bool *exists,
		       struct ruru_buf *bytes, struct ruru_error *err)
{
	hex[0] = '\0';
	if (target_check(ws, rel, exists, err) < 0)
		return -1;
	if (!*exists)
		return 0;
	char *abs = ruru_ws_path(ws, rel);
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct ruru_buf *b = bytes ? bytes : &tmp;
	ruru_buf_reset(b);
	int rc = ruru_store_read(ws->store, abs, b, err);
	if (rc == 0)
		ruru_sha256_hex(b->ptr, b->len, hex);
	free(abs);
	ruru_buf_release(&tmp);
	return rc;
}

/* Fill the "from the disk now" fields of c; the payload into *payload. */
static void observe(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c,
		    struct ruru_buf *payload)
{
	struct ruru_error ignore = { 0 };
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct ruru_buf *p = payload ? payload : &tmp;
	ruru_buf_reset(p);
	c->payload_intact = false;
	c->payload_bytes = 0;
	if (ruru_store_read(ws->store, L->abs, p, &ignore) == 0) {
		char hex[65];
		ruru_sha256_hex(p->ptr, p->len, hex);
		c->payload_intact = !strcmp(hex, c->payload_sha256);
		c->payload_bytes = p->len;
	}
	char th[65];
	bool exists;
	struct ruru_buf norm = RURU_BUF_INIT;
	c->target_unchanged = ruru_store_path_inside(ws->store, NULL, c->target, &norm, &ignore) == 0 &&
			      target_hash(ws, norm.ptr, th, &exists, NULL, &ignore) == 0 &&
			      !strcmp(th, c->target_sha256);
	ruru_buf_release(&norm);
	ruru_buf_release(&tmp);
}

/* CONFIRM-<target, sanitised, ≤ 60>-<YYYYMMDD-HHMMSS> */
static void confirm_stem(struct ruru_buf *b, const char *target, time_t now)
{
	ruru_buf_addstr(b, "CONFIRM-");
	size_t n = 0;
	for (const char *p = target; *p && n < 60; p++, n++) {
		unsigned char ch = (unsigned char)*p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		ruru_buf_addch(b, ok ? ch : '_');
	}
	struct tm tm;
	gmtime_r(&now, &tm);
	ruru_buf_addf(b, "-%04d%02d%02d-%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		      tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The session a new proposal goes to; NULL with *temp for temp mode. */
static int propose_session(struct ruru_ws *ws, const char *session, char **id, struct ruru_error *err)
{
	*id = ruru_session_resolve(ws, session, err);
	if (*id)
		return 0;
	const char *env = ws->opts.session_id;
	if (err->code == RURU_ENOTFOUND && !(session && *session) && !(env && *env)) {
		ruru_error_clear(err);
		return 0; /* no active session: temp mode */
	}
	return -1;
}

/* ----------------------------------------------------- propose and adopt */

static void fill_new(struct ruru_confirm *out, const struct loc *L, const char *target,
		     enum ruru_confirm_kind kind, const char *ph, const char *th, const char *rh,
		     const char *nonce, time_t created, size_t bytes)
{
	memset(out, 0, sizeof(*out));
	out->artifact = ruru_strdup(L->rel);
	out->sidecar = ruru_strdup(L->side_rel);
	out->session = ruru_strdup(L->session);
	out->target = ruru_strdup(target);
	out->kind = kind;
	out->status = RURU_CONFIRM_PENDING;
	snprintf(out->payload_sha256, sizeof(out->payload_sha256), "%s", ph);
	snprintf(out->target_sha256, sizeof(out->target_sha256), "%s", th);
	snprintf(out->result_sha256, sizeof(out->result_sha256), "%s", rh);
	snprintf(out->nonce, sizeof(out->nonce), "%s", nonce);
	out->created = created;
	out->decided_by = ruru_strdup("");
	out->rationale = ruru_strdup("");
	out->payload_intact = out->target_unchanged = true;
	out->payload_bytes = bytes;
}

/* What the target holds once the payload is applied to `cur` (its bytes
 * now), into *result (reset): a content payload itself, a diff applied in
 * memory (it must apply cleanly).  *rh gets its sha256. */
static int result_of(enum ruru_confirm_kind kind, const char *target, const struct ruru_buf *cur,
		     const void *payload, size_t len, struct ruru_buf *result, char rh[65],
		     struct ruru_error *err)
{
	ruru_buf_reset(result);
	if (kind != RURU_CONFIRM_DIFF)
		ruru_buf_add(result, payload, len);
	else if (diff_apply(cur->ptr ? cur->ptr : "", cur->len, payload, len, target, false, result,
			    err) < 0)
		return -1;
	ruru_sha256_hex(result->ptr ? result->ptr : "", result->len, rh);
	return 0;
}

/* A proposal's nonce: 128 random bits in hex.  It makes each proposal one
 * of a kind, so that a decision (and its signature) is used once. */
static int nonce_new(char out[33], struct ruru_error *err)
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ruru_error_set(err, RURU_EFAIL, "no random bytes for a nonce: %s",
					      strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}

static int propose_one(struct ruru_ws *ws, const char *session, const char *target,
		       enum ruru_confirm_kind kind, const void *payload, size_t len,
		       struct ruru_confirm *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct ruru_buf norm = RURU_BUF_INIT, cur = RURU_BUF_INIT, stem = RURU_BUF_INIT,
			name = RURU_BUF_INIT, side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	struct loc L = { 0 };
	struct guard g = { 0 };
	char *id = NULL, *dir = NULL;
	char ph[65], th[65], rh[65], nonce[33];
	bool exists;
	int rc = -1;
	struct ruru_buf result = RURU_BUF_INIT;

	if (!target || !*target) {
		ruru_error_set(err, RURU_EUSAGE, "a proposal needs a target");
		goto out;
	}
	if (ruru_text_check("target", target, strlen(target), RURU_TEXT_LINE, err) < 0)
		goto out; /* sec-text: the text rule (DESIGN §2) */
	if (ruru_store_relative(ws->store, target, &norm, err) < 0 ||
	    target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0 ||
	    result_of(kind, norm.ptr, &cur, payload, len, &result, rh, err) < 0 ||
	    nonce_new(nonce, err) < 0 ||
	    ruru_session_optional(ws, session, &id, err) < 0) /* an ended .active: temp */
		goto out;
	if (!ruru_entry_field_ok(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "target \"%s\" holds a backtick", norm.ptr);
		goto out;
	}
	ruru_sha256_hex(payload, len, ph);
	/* begin, check, stage, log, commit */
	if (guard_begin(ws, id, &g, err) < 0)
		goto out;
	dir = id ? ruru_ws_session_path(ws, id, "artifacts") : ruru_ws_path(ws, ".ruru/temp");
	if (ruru_logtx_mkdirs(&g.tx, dir, err) < 0)
		goto out;
	time_t now = ruru_now(ws);
	confirm_stem(&stem, norm.ptr, now);
	/* A second proposal in the same second gets -2, -3, ...: under the
	 * lock every ruru writer of the folder takes, a name whose artifact or
	 * sidecar is there is taken (and both are created exclusively). */
	for (int n = 1;; n++) {
		if (n > 1000) {
			ruru_error_set(err, RURU_ECONFLICT, "no free name for a proposal \"%s\"", stem.ptr);
			goto out;
		}
		ruru_buf_reset(&name);
		if (id)
			ruru_buf_addf(&name, "%s/%s/artifacts/%s",
				      ruru_layout_dir(ruru_ws_session_layout(ws, id)), id, stem.ptr);
		else
			ruru_buf_addf(&name, ".ruru/temp/%s", stem.ptr);
		if (n > 1)
			ruru_buf_addf(&name, "-%d", n);
		ruru_buf_addstr(&name, ".md");
		loc_release(&L);
		if (loc_from_rel(ws, name.ptr, &L, err) < 0)
			goto out;
		struct stat st;
		if (ws_lstat(ws, L.side_abs, &st) == 0 || ws_lstat(ws, L.abs, &st) == 0)
			continue;
		if (!id) { /* a deleted temp pair's name keeps its records: never reuse it */
			struct records R;
			if (records_read(ws, &L, &R, err) < 0)
				goto out;
			bool used = R.found;
			records_release(&R);
			if (used)
				continue;
		}
		break;
	}
	const char *base = strrchr(L.rel, '/') + 1;
	sidecar_new(&side, base, norm.ptr, kind, ph, th, rh, nonce, id, now);
	if (ruru_logtx_stage_file(&g.tx, L.abs, payload, len, true, err) < 0 ||
	    ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, true, err) < 0)
		goto out;
	if (id) {
		ruru_buf_addf(&msg, "Proposed %s for `%s` (%zu bytes), awaiting confirmation",
			      kind == RURU_CONFIRM_DIFF ? "a diff" : "new content", norm.ptr, len);
		if (ruru_logtx_array_add(&g.tx, "related_artifacts", L.srel, err) < 0 ||
		    guard_log(&g, RURU_EV_ARTIFACT, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	}
	if (guard_commit(&g, err) < 0)
		goto out;
	fill_new(out, &L, norm.ptr, kind, ph, th, rh, nonce, now, len);
	rc = 0;
out:
	guard_abort(&g); /* nothing staged stays */
	loc_release(&L);
	free(id);
	free(dir);
	ruru_buf_release(&result);
	ruru_buf_release(&norm);
	ruru_buf_release(&cur);
	ruru_buf_release(&stem);
	ruru_buf_release(&name);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

/*
 * --supersedes: the old proposal is checked first (it exists and can be
 * withdrawn), then the new one is made, then the old one withdrawn with a
 * reason naming the new one.  Should that last step fail, the error says
 * that the new proposal stands.
 */
int ruru_confirm_propose(struct ruru_ws *ws, const char *session, const char *target,
			 enum ruru_confirm_kind kind, const void *payload, size_t len,
			 const char *supersedes, struct ruru_confirm *out, struct ruru_error *err)
{
	if (!supersedes || !*supersedes)
		return propose_one(ws, session, target, kind, payload, len, out, err);
	struct ruru_confirm old, gone;
	if (ruru_confirm_load(ws, supersedes, &old, err) < 0)
		return -1;
	enum ruru_confirm_status st = old.status;
	char *old_rel = ruru_strdup(old.artifact);
	ruru_confirm_release(&old);
	int rc = -1;
	if (st != RURU_CONFIRM_PENDING && st != RURU_CONFIRM_APPROVED && st != RURU_CONFIRM_SKIPPED) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" is %s; only a pending, approved or skipped proposal is superseded",
			       old_rel, ruru_confirm_status_word(st));
		goto out;
	}
	if (propose_one(ws, session, target, kind, payload, len, out, err) < 0)
		goto out;
	struct ruru_buf why = RURU_BUF_INIT;
	ruru_buf_addf(&why, "superseded by %s", out->artifact);
	rc = ruru_confirm_withdraw(ws, old_rel, why.ptr, &gone, err);
	ruru_buf_release(&why);
	if (rc < 0) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_error_format(err, &line);
		ruru_error_set(err, err->code,
			       "proposed \"%s\", but \"%s\" could not be withdrawn: %s", out->artifact,
			       old_rel, line.ptr);
		ruru_buf_release(&line);
		ruru_confirm_release(out);
	} else {
		ruru_confirm_release(&gone);
	}
out:
	free(old_rel);
	return rc;
}

int ruru_confirm_adopt(struct ruru_ws *ws, const char *artifact, const char *target,
		       enum ruru_confirm_kind kind, struct ruru_confirm *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct ruru_buf norm = RURU_BUF_INIT, cur = RURU_BUF_INIT, payload = RURU_BUF_INIT,
			side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	struct loc L;
	struct guard g = { 0 };
	char ph[65], th[65], rh[65], nonce[33];
	bool exists;
	int rc = -1;
	struct ruru_buf result = RURU_BUF_INIT;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (!target || !*target) {
		ruru_error_set(err, RURU_EUSAGE, "adopting needs the target");
		ruru_error_hint(err, "target", RURU_HINT_NONE, NULL);
		goto out;
	}
	if (ruru_store_relative(ws->store, target, &norm, err) < 0 ||
	    target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0)
		goto out;
	if (!ruru_entry_field_ok(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "target \"%s\" holds a backtick", norm.ptr);
		goto out;
	}
	if (guard_begin(ws, L.session, &g, err) < 0)
		goto out;
	if (ruru_store_read(ws->store, L.abs, &payload, err) < 0 ||
	    result_of(kind, norm.ptr, &cur, payload.ptr, payload.len, &result, rh, err) < 0 ||
	    nonce_new(nonce, err) < 0)
		goto out;
	struct stat st;
	if (ws_lstat(ws, L.side_abs, &st) == 0) {
		ruru_error_set(err, RURU_ECONFLICT, "\"%s\" is already in the workflow (it has %s)",
			       L.rel, L.side_rel);
		goto out;
	}
	ruru_sha256_hex(payload.ptr, payload.len, ph);
	time_t now = ruru_now(ws);
	sidecar_new(&side, strrchr(L.rel, '/') + 1, norm.ptr, kind, ph, th, rh, nonce, L.session, now);
	if (ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, true, err) < 0)
		goto out;
	if (L.session) {
		ruru_buf_addf(&msg, "Adopted `%s` as a proposed %s for `%s`, awaiting confirmation",
			      L.srel, kind == RURU_CONFIRM_DIFF ? "diff" : "content", norm.ptr);
		if (ruru_logtx_array_add(&g.tx, "related_artifacts", L.srel, err) < 0 ||
		    guard_log(&g, RURU_EV_ARTIFACT, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	}
	if (guard_commit(&g, err) < 0)
		goto out;
	fill_new(out, &L, norm.ptr, kind, ph, th, rh, nonce, now, payload.len);
	rc = 0;
out:
	guard_abort(&g);
	loc_release(&L);
	ruru_buf_release(&result);
	ruru_buf_release(&norm);
	ruru_buf_release(&cur);
	ruru_buf_release(&payload);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

/* ------------------------------------------------------ the change */

/*
 * The change as it stands on disk now: the target's bytes (cur, hash th,
 * "" when absent), the payload's (hash ph) and the result (hash rh): the
 * payload applied to the target — or, for a target that already holds the
 * recorded result (applied), the target itself.
 */
struct view {
	struct ruru_buf cur, payload, result;
	char th[65], ph[65], rh[65];
	bool exists;
	char *target; /* normalised, relative to the root */
};

static void view_release(struct view *v)
{
	ruru_buf_release(&v->cur);
	ruru_buf_release(&v->payload);
	ruru_buf_release(&v->result);
	free(v->target);
	memset(v, 0, sizeof(*v));
}

static int view_read(struct ruru_ws *ws, const struct ruru_confirm *c, struct view *v,
		     struct ruru_error *err)
{
	memset(v, 0, sizeof(*v));
	struct ruru_buf norm = RURU_BUF_INIT;
	char *pabs = ruru_ws_path(ws, c->artifact);
	int rc = -1;
	if (ruru_store_path_inside(ws->store, NULL, c->target, &norm, err) < 0 ||
	    target_hash(ws, norm.ptr, v->th, &v->exists, &v->cur, err) < 0 ||
	    ruru_store_read(ws->store, pabs, &v->payload, err) < 0)
		goto out;
	v->target = ruru_strdup(norm.ptr);
	ruru_sha256_hex(v->payload.ptr ? v->payload.ptr : "", v->payload.len, v->ph);
	if (v->exists && *c->result_sha256 && !strcmp(v->th, c->result_sha256) &&
	    strcmp(v->th, c->target_sha256)) {
		ruru_buf_add(&v->result, v->cur.ptr, v->cur.len);
		memcpy(v->rh, v->th, sizeof(v->rh));
	} else if (result_of(c->kind, norm.ptr, &v->cur, v->payload.ptr ? v->payload.ptr : "",
			     v->payload.len, &v->result, v->rh, err) < 0) {
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		view_release(v);
	free(pabs);
	ruru_buf_release(&norm);
	return rc;
}

#define CHANGED_WHILE_READ "the proposal changed while it was being read; show it again"

/*
 * The sidecar's result_sha256 against the result computed from the disk:
 * where the target is still the one proposed against, they must agree (a
 * sidecar whose result names other bytes than its payload makes was
 * edited after the proposal).
 */
static int result_agrees(const struct loc *L, const struct ruru_confirm *c, const struct view *v,
			 struct ruru_error *err)
{
	if (!*c->result_sha256 || strcmp(v->th, c->target_sha256) || !strcmp(v->rh, c->result_sha256))
		return 0;
	return ruru_error_set(err, RURU_ECONFLICT,
			      "the sidecar of \"%s\" records a result_sha256 its payload does not "
			      "make; it was changed after the proposal: propose again",
			      L ? L->rel : c->artifact);
}

/* ------------------------------------------------------------ reading */

int ruru_confirm_load(struct ruru_ws *ws, const char *artifact, struct ruru_confirm *out,
		      struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct loc L;
	struct ruru_buf side = RURU_BUF_INIT;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	int rc = sidecar_read(ws, &L, &side, out, err);
	if (rc == 0)
		observe(ws, &L, out, NULL);
	if (rc == 0 && !*out->result_sha256 && out->target_unchanged) {
		/* A diff proposal of an older ruru: its result, worked out now. */
		struct view v;
		struct ruru_error ignore = { 0 };
		if (view_read(ws, out, &v, &ignore) == 0) {
			memcpy(out->result_sha256, v.rh, sizeof(out->result_sha256));
			view_release(&v);
		}
	}
	struct records R;
	if (rc == 0 && records_read(ws, &L, &R, err) < 0) {
		ruru_confirm_release(out);
		rc = -1;
	} else if (rc == 0) {
		enum ruru_confirm_status d = R.rec.decision;
		bool same = out->status == d ||
			    (out->status == RURU_CONFIRM_APPLIED &&
			     (d == RURU_CONFIRM_APPROVED || d == RURU_CONFIRM_SKIPPED));
		out->record = !R.found ? "none"
			      : same && R.bound && R.rec.kind == out->kind &&
					!strcmp(R.rec.target, out->target) &&
					!strcmp(R.rec.payload_sha256, out->payload_sha256) &&
					!strcmp(R.rec.target_sha256, out->target_sha256)
				      ? "agrees"
				      : "differs";
		records_release(&R);
	}
	loc_release(&L);
	ruru_buf_release(&side);
	return rc;
}

int ruru_confirm_diff(struct ruru_ws *ws, const struct ruru_confirm *c, struct ruru_buf *out,
		      struct ruru_error *err)
{
	struct view v;
	struct scratch sc;
	struct ruru_buf la = RURU_BUF_INIT, lb = RURU_BUF_INIT;
	int rc = -1, status;
	if (view_read(ws, c, &v, err) < 0)
		return -1;
	/* The bytes read here must be the ones c describes: what is shown
	 * and what a decision binds (c's values) are one change. */
	if (strcmp(v.ph, c->payload_sha256) || (c->target_unchanged && strcmp(v.th, c->target_sha256))) {
		ruru_error_set(err, RURU_ECONFLICT, CHANGED_WHILE_READ);
		goto out_view;
	}
	if (result_agrees(NULL, c, &v, err) < 0)
		goto out_view;
	if (scratch_make(&sc, err) < 0)
		goto out_view;
	ruru_buf_addf(&la, "%s%s", v.exists ? "a/" : "", v.exists ? v.target : "/dev/null");
	ruru_buf_addf(&lb, "b/%s", v.target);
	const char *argv[] = { "diff", "-u", "--label", la.ptr, "--label", lb.ptr,
			       v.exists ? sc.path[0] : "/dev/null", sc.path[2], NULL };
	if (write_plain(sc.path[0], v.cur.ptr ? v.cur.ptr : "", v.cur.len, err) < 0 ||
	    write_plain(sc.path[2], v.result.ptr ? v.result.ptr : "", v.result.len, err) < 0 ||
	    run_capture(argv, out, &status, err) < 0)
		goto out;
	if (status > 1) {
		ruru_error_set(err, RURU_EFAIL, "diff failed (exit %d)", status);
		goto out;
	}
	rc = 0;
out:
	scratch_remove(&sc);
out_view:
	view_release(&v);
	ruru_buf_release(&la);
	ruru_buf_release(&lb);
	return rc;
}

void ruru_confirm_expect_of(struct ruru_confirm_expect *e, const struct ruru_confirm *c)
{
	e->target = c->target;
	e->payload_sha256 = c->payload_sha256;
	e->result_sha256 = *c->result_sha256 ? c->result_sha256 : NULL;
	e->target_sha256 = c->target_sha256;
}

/*
 * A decision's check against what the front end showed (under the lock,
 * with the sidecar just re-read into c): each value given must be the
 * sidecar's and the disk's now.  Without `e`, only the sidecar's own
 * result_sha256 is held to its payload.
 */
static int expect_check(struct ruru_ws *ws, const struct loc *L, const struct ruru_confirm *c,
			const struct ruru_confirm_expect *e, struct ruru_error *err)
{
	struct view v;
	if (view_read(ws, c, &v, err) < 0)
		return -1;
	int rc = result_agrees(L, c, &v, err);
	const char *what = NULL;
	if (rc == 0 && e) {
		const char *th = e->target_sha256 && !strcmp(e->target_sha256, "none") ? ""
										    : e->target_sha256;
		what = e->target && strcmp(e->target, c->target) ? "target_path"
		       : e->payload_sha256 && (strcmp(e->payload_sha256, c->payload_sha256) ||
					       strcmp(e->payload_sha256, v.ph))
			       ? "payload_sha256"
		       : th && (strcmp(th, c->target_sha256) || strcmp(th, v.th)) ? "target_sha256"
		       : e->result_sha256 && (strcmp(e->result_sha256, v.rh) ||
					      (*c->result_sha256 && strcmp(e->result_sha256, c->result_sha256)))
			       ? "result_sha256"
			       : NULL;
	}
	if (what)
		rc = ruru_error_set(err, RURU_ECONFLICT,
				    CHANGED_WHILE_READ " (\"%s\": its %s is not the one shown)",
				    L->rel, what);
	view_release(&v);
	return rc;
}

/* --------------------------------------------------------------- signing */

/*
 * DESIGN §15: a decision signed with the user's SSH key the way git signs
 * commits (ssh-keygen -Y sign, namespace "ruru-confirm"), over the
 * record's canonical text.  The trust anchor is the user's configuration,
 * outside the workspace ($XDG_CONFIG_HOME/ruru/config.toml and
 * allowed_signers): a workspace may require signatures too, never name
 * signers or relax the requirement.
 */

#define SIGN_NAMESPACE "ruru-confirm"

/* $XDG_CONFIG_HOME/ruru/NAME (default ~/.config); NULL without a home. */
static char *user_config_path(const char *name)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	struct ruru_buf b = RURU_BUF_INIT;
	if (x && *x == '/') {
		ruru_buf_addf(&b, "%s/ruru/%s", x, name);
	} else {
		const char *home = getenv("HOME");
		if (!home || *home != '/')
			return NULL;
		ruru_buf_addf(&b, "%s/.config/ruru/%s", home, name);
	}
	return ruru_buf_detach(&b, NULL);
}

/*
 * The user's allowed signers: $XDG_CONFIG_HOME/ruru/allowed_signers, else
 * the file git's *global* gpg.ssh.allowedSignersFile names (never the
 * repository's own .git/config, which anything in the workspace can edit).
 * The XDG path when neither exists (for messages); NULL without a home.
 */
static char *allowed_signers_path(void)
{
	char *x = user_config_path("allowed_signers");
	struct stat st;
	struct ruru_error e = { 0 };
	if (!x || ruru_file_lstat(x, &st, &e) == 0)
		return x;
	const char *argv[] = { "git", "config", "--global", "--get", "gpg.ssh.allowedSignersFile", NULL };
	struct ruru_buf out = RURU_BUF_INIT;
	int status = -1;
	if (run_capture(argv, &out, &status, &e) == 0 && status == 0) {
		while (out.len && out.ptr[out.len - 1] == '\n')
			out.ptr[--out.len] = '\0';
		struct ruru_buf p = RURU_BUF_INIT;
		const char *home = getenv("HOME");
		if (!strncmp(out.ptr, RURU_LIT("~/")) && home)
			ruru_buf_addf(&p, "%s/%s", home, out.ptr + 2);
		else
			ruru_buf_addstr(&p, out.ptr);
		if (p.len && p.ptr[0] == '/' && ruru_file_lstat(p.ptr, &st, &e) == 0) {
			free(x);
			x = ruru_buf_detach(&p, NULL);
		}
		ruru_buf_release(&p);
	}
	ruru_buf_release(&out);
	return x;
}

/* A boolean `confirm.KEY` of a config file (false when absent or unreadable). */
static bool config_flag(const char *path, const char *key)
{
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	bool v = false;
	if (path && ruru_file_read(path, &text, &e) == 0) {
		struct ruru_toml *doc = ruru_toml_parse(text.ptr, text.len, &e);
		const struct ruru_toml_value *t =
			doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("confirm")) : NULL;
		const struct ruru_toml_value *f =
			t && ruru_toml_kind(t) == RURU_TOML_TABLE ? ruru_toml_table_get(t, key, strlen(key))
								  : NULL;
		v = f && ruru_toml_kind(f) == RURU_TOML_BOOL && ruru_toml_bool(f);
		ruru_toml_free(doc);
	}
	ruru_buf_release(&text);
	return v;
}

static bool ws_config_flag(struct ruru_ws *ws, const char *key)
{
	char *p = ruru_ws_path(ws, ".ruru/config.toml");
	bool v = config_flag(p, key);
	free(p);
	return v;
}

/* Run argv with `input` on its stdin; its stdout and stderr into *out. */
static int run_with_input(const char *const argv[], const char *input, size_t len,
			  struct ruru_buf *out, int *status, struct ruru_error *err)
{
	struct ruru_child c = { .argv = argv, .stdin_io = RURU_CHILD_PIPE,
				.stdout_io = RURU_CHILD_PIPE, .stderr_io = RURU_CHILD_TO_OUT };
	if (ruru_child_start(&c, err) < 0)
		return -1;
	const char *p = input;
	while (len) {
		ssize_t w = write(c.in, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	close(c.in);
	c.in = -1;
	struct ruru_error rerr = { 0 };
	int rrc = ruru_buf_read_fd(out, c.out, &rerr);
	int st = ruru_child_finish(&c, err);
	if (st < 0)
		return -1;
	if (rrc < 0) {
		*err = rerr;
		return -1;
	}
	*status = st;
	return 0;
}

/* The first line of a child's complaint, for an error message. */
static const char *first_line(struct ruru_buf *b)
{
	char *nl = memchr(b->ptr, '\n', b->len);
	if (nl)
		*nl = '\0';
	return b->len ? b->ptr : "(no message)";
}

/* The identity a signature is made as: --as, git's user.email, the login name. */
static char *sign_identity(const struct ruru_confirm_sign *sign, struct ruru_error *err)
{
	char *id = sign->identity && *sign->identity ? ruru_strdup(sign->identity)
						     : ruru_user_identity(RURU_IDENTITY_EMAIL);
	if (id && ruru_text_check("signing identity", id, strlen(id), RURU_TEXT_LINE, err) < 0) {
		free(id);
		return NULL;
	}
	if (!id || !*id || !ruru_entry_field_ok(id) || strpbrk(id, " \t")) {
		ruru_error_set(err, RURU_EUSAGE,
			       "no usable signing identity (give one; it must be a single word "
			       "without a backtick, as allowed_signers names it)");
		free(id);
		return NULL;
	}
	return id;
}

/* Sign r's canonical text; fills r->signer (from `sign`) and r->signature. */
static int sign_record(struct ruru_confirm_record *r, const struct ruru_confirm_sign *sign,
		       struct ruru_error *err)
{
	struct scratch sc;
	struct ruru_buf canon = RURU_BUF_INIT, out = RURU_BUF_INIT, sig = RURU_BUF_INIT;
	char *id = sign_identity(sign, err), *key = NULL;
	int rc = -1, st = 0;
	if (!id)
		return -1;
	if (scratch_make(&sc, err) < 0) {
		free(id);
		return -1;
	}
	if (sign->key && *sign->key) {
		key = ruru_strdup(sign->key);
	} else {
		/* git's user.signingkey (a file, or "key::<public key>"), else
		 * the first key ssh-agent holds: a public key, signed through
		 * the agent. */
		char *gk = ruru_git_config("user.signingkey");
		struct ruru_buf pub = RURU_BUF_INIT;
		if (gk && !strncmp(gk, RURU_LIT("key::"))) {
			ruru_buf_addf(&pub, "%s\n", gk + 5);
		} else if (gk) {
			key = gk;
			gk = NULL;
		} else {
			const char *argv[] = { "ssh-add", "-L", NULL };
			int ast = -1;
			struct ruru_error e = { 0 };
			if (run_capture(argv, &pub, &ast, &e) < 0 || ast != 0 ||
			    (strncmp(pub.ptr, RURU_LIT("ssh-")) && strncmp(pub.ptr, RURU_LIT("ecdsa-")) &&
			     strncmp(pub.ptr, RURU_LIT("sk-"))))
				ruru_buf_reset(&pub);
			char *nl = memchr(pub.ptr, '\n', pub.len);
			if (nl)
				pub.len = (size_t)(nl - pub.ptr) + 1, nl[1] = '\0';
		}
		free(gk);
		if (!key && pub.len) {
			if (write_plain(sc.path[1], pub.ptr, pub.len, err) < 0) {
				ruru_buf_release(&pub);
				goto out;
			}
			key = ruru_strdup(sc.path[1]);
		}
		ruru_buf_release(&pub);
		if (!key) {
			ruru_error_set(err, RURU_EUSAGE,
				       "no signing key: none given, none in git's user.signingkey and "
				       "none in ssh-agent");
			goto out;
		}
	}
	free(r->signer);
	r->signer = id;
	id = NULL;
	ruru_confirm_record_canonical(&canon, r);
	if (write_plain(sc.path[0], canon.ptr, canon.len, err) < 0)
		goto out;
	const char *argv[] = { "ssh-keygen", "-q", "-Y", "sign", "-n", SIGN_NAMESPACE, "-f", key,
			       sc.path[0], NULL };
	if (run_capture(argv, &out, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_EFAIL, "ssh-keygen could not sign the decision: %s",
			       first_line(&out));
		goto out;
	}
	if (ruru_file_read(sc.path[4], &sig, err) < 0)
		goto out;
	free(r->signature);
	r->signature = ruru_buf_detach(&sig, NULL);
	rc = 0;
out:
	if (rc < 0) {
		free(r->signer);
		r->signer = ruru_strdup("");
	}
	scratch_remove(&sc);
	free(id);
	free(key);
	ruru_buf_release(&canon);
	ruru_buf_release(&out);
	ruru_buf_release(&sig);
	return rc;
}

/*
 * Apply's signature check: when the user's configuration (or the
 * workspace's) requires signatures, the latest decision record must carry
 * a signature over its canonical text by a principal of the user's
 * allowed_signers.  `side` is the sidecar's text (a session record's
 * signature is kept there).
 */
static int signature_checked_as(struct ruru_ws *ws, const struct loc *L,
				const struct ruru_buf *side, const struct records *R, bool always,
				struct ruru_error *err)
{
	char *ucfg = user_config_path("config.toml");
	bool req = always || config_flag(ucfg, "require_signature") ||
		   ws_config_flag(ws, "require_signature");
	free(ucfg);
	if (!req)
		return 0;
	char *signers = allowed_signers_path();
	struct ruru_buf sig = RURU_BUF_INIT, canon = RURU_BUF_INIT, out = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	struct stat st;
	struct scratch sc = { 0 };
	bool have_sc = false;
	int rc = -1, status = 0;
	if (!signers || ruru_file_lstat(signers, &st, &e) < 0) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "signed decisions are required, but there is no allowed_signers file "
			       "(%s)",
			       signers ? signers : "$XDG_CONFIG_HOME/ruru/allowed_signers");
		goto out;
	}
	if (!R->rec.signer || !*R->rec.signer) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the decision on \"%s\" is not signed, and signed decisions are required",
			       L->rel);
		goto out;
	}
	if (L->session) {
		struct ruru_toml *doc = ruru_toml_parse(side->ptr, side->len, &e);
		char *s = doc ? toml_str(ruru_toml_root(doc), "signature") : NULL;
		ruru_toml_free(doc);
		if (s)
			ruru_buf_addstr(&sig, s);
		free(s);
	} else if (R->rec.signature) {
		ruru_buf_addstr(&sig, R->rec.signature);
	}
	if (!sig.len) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the decision on \"%s\" names signer \"%s\" but its signature is missing",
			       L->rel, R->rec.signer);
		goto out;
	}
	if (scratch_make(&sc, err) < 0)
		goto out;
	have_sc = true;
	if (write_plain(sc.path[4], sig.ptr, sig.len, err) < 0)
		goto out;
	ruru_confirm_record_canonical(&canon, &R->rec);
	const char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", signers, "-I", R->rec.signer,
			       "-n", SIGN_NAMESPACE, "-s", sc.path[4], NULL };
	if (run_with_input(argv, canon.ptr, canon.len, &out, &status, err) < 0)
		goto out;
	if (status != 0) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the signature of the decision on \"%s\" is not a valid signature of "
			       "that decision by allowed signer \"%s\": %s",
			       L->rel, R->rec.signer, first_line(&out));
		goto out;
	}
	rc = 0;
out:
	if (have_sc)
		scratch_remove(&sc);
	free(signers);
	ruru_buf_release(&sig);
	ruru_buf_release(&canon);
	ruru_buf_release(&out);
	return rc;
}

/* The public half of a key named like sign_record's: "TYPE BASE64" (no
 * comment) into *out. */
static int public_key(const char *key, struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_buf text = RURU_BUF_INIT;
	int rc = -1, st = 0;
	ruru_buf_reset(out);
	char *gk = key && *key ? NULL : ruru_git_config("user.signingkey");
	const char *k = key && *key ? key : gk;
	if (k && !strncmp(k, RURU_LIT("key::"))) {
		ruru_buf_addstr(&text, k + 5);
	} else if (k) {
		/* The user named this file, wherever it lives (like ssh-keygen
		 * -f): resolve it first, so that a key beside the workspace
		 * ("../k") is read rather than refused as a path escaping the
		 * root; a resolved path inside the workspace is still walked
		 * from the root. */
		char *real = realpath(k, NULL);
		if (!real) {
			ruru_error_set(err, errno == ENOENT ? RURU_ENOTFOUND : RURU_EFAIL,
				       "cannot read the key \"%s\": %s", k, strerror(errno));
			goto out;
		}
		int r = ruru_file_read(real, &text, err);
		free(real);
		if (r < 0)
			goto out;
		if (strstr(text.ptr, "PRIVATE KEY-----")) {
			const char *argv[] = { "ssh-keygen", "-y", "-f", k, NULL };
			ruru_buf_reset(&text);
			if (run_capture(argv, &text, &st, err) < 0)
				goto out;
			if (st != 0) {
				ruru_error_set(err, RURU_EFAIL, "ssh-keygen cannot read the key \"%s\": %s",
					       k, first_line(&text));
				goto out;
			}
		}
	} else {
		const char *argv[] = { "ssh-add", "-L", NULL };
		if (run_capture(argv, &text, &st, err) < 0 || st != 0)
			ruru_buf_reset(&text);
		ruru_error_clear(err);
	}
	/* The first two words of the first line: type and key. */
	const char *p = text.ptr, *end = text.ptr + text.len;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	const char *q = sp ? sp + 1 : end;
	while (q < end && *q != ' ' && *q != '\n' && *q != '\r')
		q++;
	if (!sp || q == sp + 1 || (strncmp(p, RURU_LIT("ssh-")) && strncmp(p, RURU_LIT("ecdsa-")) &&
				   strncmp(p, RURU_LIT("sk-")))) {
		ruru_error_set(err, RURU_EUSAGE,
			       k ? "\"%s\" holds no SSH public key"
				 : "no signing key: none given, none in git's user.signingkey and "
				   "none in ssh-agent%s",
			       k ? k : "");
		goto out;
	}
	ruru_buf_add(out, p, (size_t)(q - p));
	rc = 0;
out:
	free(gk);
	ruru_buf_release(&text);
	return rc;
}

int ruru_confirm_signing_init(const struct ruru_confirm_sign *sign, json_t **report,
			      struct ruru_error *err)
{
	*report = NULL;
	char *cfg = user_config_path("config.toml"), *signers = user_config_path("allowed_signers");
	char *id = NULL;
	struct ruru_buf pub = RURU_BUF_INIT, text = RURU_BUF_INIT, out = RURU_BUF_INIT,
			line = RURU_BUF_INIT;
	bool added = false;
	int rc = -1;
	if (!cfg || !signers) {
		ruru_error_set(err, RURU_EUSAGE, "neither XDG_CONFIG_HOME nor HOME is set");
		goto out;
	}
	if (!(id = sign_identity(sign, err)) || public_key(sign->key, &pub, err) < 0)
		goto out;
	char *slash = strrchr(cfg, '/');
	*slash = '\0';
	int mk = ruru_file_mkdirs(cfg, err);
	*slash = '/';
	if (mk < 0)
		goto out;
	/* allowed_signers: add the line unless this identity has this key. */
	if (ruru_file_read(signers, &text, err) < 0) {
		if (err->code != RURU_ENOTFOUND)
			goto out;
		ruru_error_clear(err);
		ruru_buf_reset(&text);
	}
	bool present = false;
	for (const char *p = text.ptr, *end = text.ptr + text.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t il = strlen(id);
		if ((size_t)(le - p) > il && !memcmp(p, id, il) && p[il] == ' ' &&
		    memmem(p, (size_t)(le - p), pub.ptr, pub.len))
			present = true;
		p = nl ? nl + 1 : end;
	}
	if (!present) {
		ruru_buf_add(&out, text.ptr, text.len);
		if (out.len && out.ptr[out.len - 1] != '\n')
			ruru_buf_addch(&out, '\n');
		ruru_buf_addf(&out, "%s namespaces=\"%s\" %s\n", id, SIGN_NAMESPACE, pub.ptr);
		if (ruru_write_atomic(signers, out.ptr, out.len, 0644, err) < 0)
			goto out;
		added = true;
	}
	/* config.toml: confirm.require_signature = true, everything else kept. */
	ruru_buf_reset(&text);
	ruru_buf_reset(&out);
	if (ruru_file_read(cfg, &text, err) < 0) {
		if (err->code != RURU_ENOTFOUND)
			goto out;
		ruru_error_clear(err);
		ruru_buf_reset(&text);
		ruru_buf_addstr(&text, "# ruru's settings for this user (DESIGN §15); outside every "
				       "workspace on purpose.\n");
	}
	if (ruru_toml_edit_set(&out, text.ptr, text.len, "confirm.require_signature", "true", 4,
			       err) < 0) {
		ruru_error_set_file(err, cfg);
		goto out;
	}
	if ((out.len != text.len || memcmp(out.ptr, text.ptr, text.len)) &&
	    ruru_write_atomic(cfg, out.ptr, out.len, 0644, err) < 0)
		goto out;
	const char *sp = memchr(pub.ptr, ' ', pub.len);
	ruru_buf_add(&line, pub.ptr, sp ? (size_t)(sp - pub.ptr) : pub.len);
	*report = json_pack("{s:s, s:s, s:s, s:s, s:b}", "config", cfg, "allowed_signers", signers,
			    "identity", id, "key_type", line.ptr, "added", added);
	rc = 0;
out:
	free(cfg);
	free(signers);
	free(id);
	ruru_buf_release(&pub);
	ruru_buf_release(&text);
	ruru_buf_release(&out);
	ruru_buf_release(&line);
	return rc;
}

static int signature_checked(struct ruru_ws *ws, const struct loc *L, const struct ruru_buf *side,
			     const struct records *R, struct ruru_error *err)
{
	return signature_checked_as(ws, L, side, R, false, err);
}

/* ------------------------------------------------------------ deciding */

/* Check that the payload on disk is still the one proposed (and decided). */
static int payload_checked(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c,
			   struct ruru_buf *payload, struct ruru_error *err)
{
	observe(ws, L, c, payload);
	if (!c->payload_intact)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the payload in \"%s\" changed since it was proposed (or is "
				      "gone); propose the edit again",
				      L->rel);
	return 0;
}

/* Re-read the sidecar under the guard and check the payload is intact. */
static int reload_checked(struct ruru_ws *ws, const struct loc *L, struct ruru_buf *side,
			  struct ruru_confirm *c, struct ruru_buf *payload, struct ruru_error *err)
{
	if (sidecar_read(ws, L, side, c, err) < 0)
		return -1;
	return payload_checked(ws, L, c, payload, err);
}

int ruru_confirm_decide(struct ruru_ws *ws, const char *artifact,
			enum ruru_confirm_decision decision, const char *reason,
			struct ruru_confirm *out, struct ruru_error *err)
{
	return ruru_confirm_decide_signed(ws, artifact, decision, reason, NULL, out, err);
}

bool ruru_confirm_sign_wanted(struct ruru_ws *ws)
{
	return ws_config_flag(ws, "sign");
}

bool ruru_confirm_sign_required(struct ruru_ws *ws)
{
	if (ws_config_flag(ws, "require_signature"))
		return true;
	char *ucfg = user_config_path("config.toml");
	bool req = config_flag(ucfg, "require_signature");
	free(ucfg);
	return req;
}

int ruru_confirm_decide_signed(struct ruru_ws *ws, const char *artifact,
			       enum ruru_confirm_decision decision, const char *reason,
			       const struct ruru_confirm_sign *sign, struct ruru_confirm *out,
			       struct ruru_error *err)
{
	return ruru_confirm_decide_expect(ws, artifact, decision, reason, sign, NULL, out, err);
}

int ruru_confirm_decide_expect(struct ruru_ws *ws, const char *artifact,
			       enum ruru_confirm_decision decision, const char *reason,
			       const struct ruru_confirm_sign *sign,
			       const struct ruru_confirm_expect *expect, struct ruru_confirm *out,
			       struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	if ((int)decision < 0 || decision >= RURU_DECIDE_COUNT) {
		ruru_error_set(err, RURU_EUSAGE, "unknown decision");
		return ruru_error_hint(err, "decision", RURU_HINT_NONE, NULL);
	}
	if (reason && ruru_text_check("reason", reason, strlen(reason), 0, err) < 0)
		return -1; /* sec-text: the text rule (DESIGN §2) */
	if (decision == RURU_DECIDE_SKIP && (!reason || ruru_text_blank(reason, strlen(reason)))) {
		ruru_error_set(err, RURU_EUSAGE, "skipping confirmation needs a rationale: why the "
						 "edit is routine, simple and low-risk");
		return ruru_error_hint(err, "reason", RURU_HINT_NONE, NULL);
	}
	struct loc L;
	struct guard g = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	struct ruru_confirm_record rec = { 0 };
	int rc = -1;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (guard_begin(ws, L.session, &g, err) < 0)
		goto out;
	if (reload_checked(ws, &L, &side, out, NULL, err) < 0)
		goto out;
	if (out->status != RURU_CONFIRM_PENDING) {
		ruru_error_set(err, RURU_ECONFLICT, "\"%s\" is %s, not pending; it cannot be decided again",
			       L.rel, ruru_confirm_status_word(out->status));
		goto out;
	}
	/* What was shown is what is decided: checked here, under the lock
	 * that every change of the proposal takes. */
	if (expect_check(ws, &L, out, expect, err) < 0)
		goto out;
	struct records R;
	if (records_read(ws, &L, &R, err) < 0)
		goto out;
	/* A record of this very proposal (same target and hashes) means its
	 * sidecar was set back to pending by hand: no second decision. */
	if (R.found && R.bound && R.rec.kind == out->kind && !strcmp(R.rec.target, out->target) &&
	    !strcmp(R.rec.payload_sha256, out->payload_sha256) &&
	    !strcmp(R.rec.target_sha256, out->target_sha256)) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" was already decided (%s), though its sidecar says pending; "
			       "propose the edit again",
			       L.rel, ruru_confirm_status_word(R.rec.decision) ? ruru_confirm_status_word(R.rec.decision) : "unreadable");
		records_release(&R);
		goto out;
	}
	records_release(&R);
	static const enum ruru_confirm_status to[] = { RURU_CONFIRM_APPROVED, RURU_CONFIRM_REJECTED,
						       RURU_CONFIRM_SKIPPED };
	const char *by = decision == RURU_DECIDE_SKIP ? "coordinator" : "user";
	time_t now = ruru_now(ws);
	g.stamp = now; /* the log entry's time is the record's */
	record_of(&rec, out, to[decision], by, reason, now);
	if (sign && sign_record(&rec, sign, err) < 0)
		goto out;
	if (side_set_str(&side, "status", ruru_confirm_status_word(to[decision]), err) < 0 ||
	    side_set_str(&side, "decided_by", by, err) < 0 ||
	    side_set_str(&side, "rationale", reason ? reason : "", err) < 0 ||
	    side_set_time(&side, "decided_at", now, err) < 0 ||
	    (rec.signature && (side_set_str(&side, "signed_by", rec.signer, err) < 0 ||
			       side_set_str(&side, "signature", rec.signature, err) < 0)))
		goto out;
	/* staged: published with the log entry (or the temp record), or not at all */
	if (ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	if (!g.session) {
		if (records_stage_temp(ws, &g, &rec, err) < 0)
			goto out;
	} else if (decision == RURU_DECIDE_SKIP) {
		record_message(&msg, &rec);
		if (guard_log(&g, RURU_EV_CONFIRM_SKIP, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	} else {
		ruru_buf_addf(&msg, "Please review the proposed changes in `%s` (target `%s`). Do you approve?",
			      L.rel, out->target);
		if (guard_log(&g, RURU_EV_CONFIRM_REQUEST, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
		ruru_buf_reset(&msg);
		record_message(&msg, &rec);
		if (guard_log(&g, RURU_EV_CONFIRM_RESPONSE, L.srel, NULL, NULL,
			      decision == RURU_DECIDE_APPROVE ? "approved" : "rejected", msg.ptr, err) < 0)
			goto out;
	}
	if (guard_commit(&g, err) < 0)
		goto out;
	out->status = to[decision];
	free(out->decided_by);
	free(out->rationale);
	out->decided_by = ruru_strdup(by);
	out->rationale = ruru_strdup(reason ? reason : "");
	out->decided_at = now;
	rc = 0;
out:
	if (rc < 0)
		ruru_confirm_release(out);
	ruru_confirm_record_release(&rec);
	guard_abort(&g);
	loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

/* ----------------------------------------------------------- delegating */

static bool decided_yes(const struct ruru_confirm *c)
{
	return c->status == RURU_CONFIRM_APPROVED || c->status == RURU_CONFIRM_SKIPPED;
}

int ruru_confirm_delegate(struct ruru_ws *ws, const char *artifact, const char *to,
			  const char *task, char **message, struct ruru_confirm *out,
			  struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	*message = NULL;
	if ((to && ruru_text_check("executor mode", to, strlen(to), RURU_TEXT_LINE, err) < 0) ||
	    (task && ruru_text_check("task ID", task, strlen(task), RURU_TEXT_LINE, err) < 0))
		return -1; /* sec-text: the text rule (DESIGN §2) */
	if (!to || !*to || !ruru_entry_field_ok(to)) {
		ruru_error_set(err, RURU_EUSAGE,
			       "the executor mode is empty or holds a backtick or newline");
		return ruru_error_hint(err, "to", RURU_HINT_NONE, NULL);
	}
	if (task && *task && !ruru_entry_field_ok(task)) {
		ruru_error_set(err, RURU_EUSAGE, "the task ID holds a backtick or newline");
		return ruru_error_hint(err, "task", RURU_HINT_NONE, NULL);
	}
	if (task && !*task)
		task = NULL;
	struct loc L;
	struct guard g = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	int rc = -1;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (guard_begin(ws, L.session, &g, err) < 0 || reload_checked(ws, &L, &side, out, NULL, err) < 0)
		goto out;
	if (!decided_yes(out)) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" is %s; only an approved or skipped proposal is delegated", L.rel,
			       ruru_confirm_status_word(out->status));
		goto out;
	}
	ruru_buf_addf(&msg, "Read `%s`, write to `%s`. **%s. No re-confirm needed.**", L.rel,
		      out->target,
		      out->status == RURU_CONFIRM_APPROVED ? "User confirmed"
							   : "Confirmation skipped by Coordinator - low risk");
	/* How to apply it with ruru is the front end's to add, in its words
	 * (a CLI command, an MCP tool call). */
	if (out->kind == RURU_CONFIRM_DIFF)
		ruru_buf_addf(&msg, "\nThe artifact is a unified diff: apply it to `%s`.",
			      out->target);
	if (side_set_str(&side, "delegated_to", to, err) < 0 ||
	    side_set_str(&side, "task", task ? task : "", err) < 0 ||
	    ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	if (g.session && task && ruru_logtx_array_add(&g.tx, "related_tasks", task, err) < 0)
		goto out;
	if (guard_log(&g, RURU_EV_DELEGATION, L.srel, to, task, NULL, msg.ptr, err) < 0 ||
	    guard_commit(&g, err) < 0)
		goto out;
	free(out->delegated_to);
	free(out->task);
	out->delegated_to = ruru_strdup(to);
	out->task = ruru_strdup(task ? task : "");
	*message = ruru_buf_detach(&msg, NULL);
	rc = 0;
out:
	if (rc < 0)
		ruru_confirm_release(out);
	guard_abort(&g);
	loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

/* ------------------------------------------------------- changed lines */

/*
 * The lines a unified diff adds, as [[first, last], ...] of the new file
 * (1-based, runs of consecutive "+" lines): what Agent Trace attributes.
 */
static json_t *added_ranges(const char *d, size_t len)
{
	json_t *out = json_array();
	const char *p = d, *end = d + len;
	long line = 0, run_start = 0, run_end = 0;
	bool in_hunk = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (starts(p, eol, "@@ -")) {
			const char *plus = memchr(p, '+', (size_t)(eol - p));
			line = plus ? strtol(plus + 1, NULL, 10) : 0;
			if (plus && line == 0)
				line = 1; /* "+0,0": nothing on the new side */
			in_hunk = plus != NULL;
		} else if (in_hunk && p < eol && *p == '+' && !starts(p, eol, "+++ ")) {
			if (run_end && run_end + 1 == line) {
				run_end = line;
			} else {
				if (run_end)
					json_array_append_new(out, json_pack("[I, I]", (json_int_t)run_start,
									     (json_int_t)run_end));
				run_start = run_end = line;
			}
			line++;
		} else if (in_hunk && p < eol && (*p == ' ')) {
			line++;
		} else if (in_hunk && (p == eol)) {
			line++; /* a context line that lost its blank */
		} else if (starts(p, eol, "--- ") || starts(p, eol, "+++ ")) {
			in_hunk = false;
		}
		p = nl ? nl + 1 : end;
	}
	if (run_end)
		json_array_append_new(out, json_pack("[I, I]", (json_int_t)run_start, (json_int_t)run_end));
	return out;
}

/* Lines of `b` (a last line without a newline counts). */
static long count_lines_of(const char *b, size_t len)
{
	long n = 0;
	for (size_t i = 0; i < len; i++)
		n += b[i] == '\n';
	return n + (len && b[len - 1] != '\n');
}

/* The ranges a change from `before` to `after` adds (diff -U0). */
static json_t *changed_lines(const struct ruru_buf *before, const struct ruru_buf *after)
{
	struct scratch sc;
	struct ruru_error e = { 0 };
	struct ruru_buf out = RURU_BUF_INIT;
	json_t *r = NULL;
	int st = 0;
	if (scratch_make(&sc, &e) < 0)
		return json_array();
	if (write_plain(sc.path[0], before->ptr, before->len, &e) == 0 &&
	    write_plain(sc.path[2], after->ptr, after->len, &e) == 0) {
		const char *argv[] = { "diff", "-U0", "-a", sc.path[0], sc.path[2], NULL };
		if (run_capture(argv, &out, &st, &e) == 0 && st <= 1)
			r = added_ranges(out.ptr, out.len);
	}
	scratch_remove(&sc);
	ruru_buf_release(&out);
	return r ? r : json_array();
}

/* [[a, b], ...] as a TOML literal. */
static void ranges_literal(struct ruru_buf *b, json_t *ranges)
{
	size_t i;
	json_t *v;
	ruru_buf_addch(b, '[');
	json_array_foreach(ranges, i, v) ruru_buf_addf(b, "%s[%lld, %lld]", i ? ", " : "",
						       (long long)json_integer_value(json_array_get(v, 0)),
						       (long long)json_integer_value(json_array_get(v, 1)));
	ruru_buf_addch(b, ']');
}

/* -------------------------------------------------------------- applying */

/* Add what a failed step left behind to an error's message. */
__attribute__((format(printf, 2, 3))) static void err_append(struct ruru_error *err,
							      const char *fmt, ...)
{
	size_t n = strlen(err->msg);
	va_list ap;
	va_start(ap, fmt);
	if (n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

/*
 * Does the target (bytes `cur`, hash `th`, `exists`) already hold what the
 * proposal c would write?  A content proposal: the payload's hash.  A diff:
 * undoing it gives back the bytes it was proposed against (for a new file:
 * applying it to nothing gives the target).
 */
static bool holds_result(const struct ruru_confirm *c, const struct ruru_buf *payload,
			 const struct ruru_buf *cur, const char *th, bool exists)
{
	if (!exists)
		return false;
	if (c->kind == RURU_CONFIRM_CONTENT)
		return !strcmp(th, c->payload_sha256);
	struct ruru_buf res = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	char h[65];
	bool yes;
	if (!*c->target_sha256) {
		yes = diff_apply("", 0, payload->ptr, payload->len, c->target, false, &res, &ignore) == 0;
		if (yes) {
			ruru_sha256_hex(res.ptr, res.len, h);
			yes = !strcmp(h, th);
		}
	} else {
		yes = diff_apply(cur->ptr ? cur->ptr : "", cur->len, payload->ptr, payload->len,
				 c->target, true, &res, &ignore) == 0;
		if (yes) {
			ruru_sha256_hex(res.ptr, res.len, h);
			yes = !strcmp(h, c->target_sha256);
		}
	}
	ruru_buf_release(&res);
	return yes;
}

/*
 * After a failed commit of an apply that wrote the target: say what the
 * disk holds now, so that the user knows whether anything is left to do.
 * The transaction put back what it had published; should that have
 * failed too, the next apply finishes the job (it finds the result in the
 * target, or the sidecar saying applied).
 */
static void note_leftover(struct ruru_ws *ws, const struct loc *L, const char *rel,
			  const struct ruru_buf *result, const char *old_th,
			  const struct ruru_buf *old_side, struct ruru_error *err)
{
	char now_h[65], want_h[65];
	bool now_exists;
	struct ruru_error ignore = { 0 };
	struct ruru_buf side = RURU_BUF_INIT;
	ruru_sha256_hex(result->ptr ? result->ptr : "", result->len, want_h);
	int e = errno;
	if (target_hash(ws, rel, now_h, &now_exists, NULL, &ignore) == 0 && now_exists &&
	    !strcmp(now_h, want_h) && strcmp(now_h, old_th))
		err_append(err, "; target \"%s\" holds the new content and could not be put back: "
				"apply again to record it",
			   rel);
	else if (old_side && old_side->len &&
		 (ruru_store_read(ws->store, L->side_abs, &side, &ignore) < 0 || side.len != old_side->len ||
		  memcmp(side.ptr, old_side->ptr, side.len)))
		err_append(err, "; the target was put back, but the sidecar still says applied: "
				"apply again to finish");
	else
		err_append(err, "; target \"%s\" is as it was", rel);
	ruru_buf_release(&side);
	errno = e;
}

/* Does the proposal's status allow an apply?  RURU_ECONFLICT saying why
 * not.  An applied one whose result entry is missing (an apply that wrote
 * the target and the sidecar but whose log entry failed) is let through,
 * to be finished; any other applied one is refused. */
static int apply_status_check(const struct loc *L, const struct ruru_confirm *c,
			      const struct records *R, struct ruru_error *err)
{
	const char *word = ruru_confirm_status_word(c->status);
	switch (c->status) {
	case RURU_CONFIRM_APPROVED:
	case RURU_CONFIRM_SKIPPED:
		return 0;
	case RURU_CONFIRM_APPLIED:
		if (L->session && R->found && !R->applied_after)
			return 0;
		ruru_error_set(err, RURU_ECONFLICT, "\"%s\" was already applied", L->rel);
		return -1;
	case RURU_CONFIRM_PENDING:
		ruru_error_set(err, RURU_ECONFLICT, "\"%s\" is pending: it was never approved or skipped",
			       L->rel);
		return ruru_error_hint(err, NULL, RURU_HINT_ASK, L->rel);
	case RURU_CONFIRM_WITHDRAWN:
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" was withdrawn; a withdrawn proposal is never applied "
			       "(propose the change again)",
			       L->rel);
		return -1;
	case RURU_CONFIRM_REJECTED:
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" was rejected; only an approved or skipped proposal is applied",
			       L->rel);
		return -1;
	default:
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" is %s; only an approved or skipped proposal is applied", L->rel,
			       word ? word : "in an unknown state");
		return -1;
	}
}

/* apply_status_check() before the session's lock is taken: a refusal for
 * the proposal's state wins over the session's (ended, paused).  Anything
 * this read cannot settle is left to the checks under the lock. */
static int apply_precheck(struct ruru_ws *ws, const struct loc *L, struct ruru_error *err)
{
	struct ruru_confirm c;
	struct records R = { 0 };
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	int rc = 0;
	memset(&c, 0, sizeof(c));
	if (sidecar_read(ws, L, &text, &c, &ignore) == 0 && records_read(ws, L, &R, &ignore) == 0)
		rc = apply_status_check(L, &c, &R, err);
	records_release(&R);
	ruru_confirm_release(&c);
	ruru_buf_release(&text);
	return rc;
}

/*
 * begin, check, stage, log, commit: the target's new bytes and the sidecar
 * (session mode), or the removal of the temp pair (temp mode), are staged
 * in the transaction with the result entry; commit publishes them all or
 * puts them back.  A failure once writing began is logged as a failed
 * result (best effort, in a transaction of its own).
 */
int ruru_confirm_apply(struct ruru_ws *ws, const char *artifact, bool force,
		       struct ruru_confirm *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct loc L;
	struct guard g = { 0 };
	struct records R = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, orig_side = RURU_BUF_INIT, payload = RURU_BUF_INIT,
			cur = RURU_BUF_INIT, result = RURU_BUF_INIT, norm = RURU_BUF_INIT,
			msg = RURU_BUF_INIT;
	char *tabs = NULL;
	char th[65];
	bool exists = false, forced = false, writing = false;
	int rc = -1;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	/* The proposal's own state is the more specific reason: a withdrawn,
	 * rejected, pending or applied proposal says so even when its session
	 * has ended since (read before the lock, checked again under it). */
	if (apply_precheck(ws, &L, err) < 0) {
		loc_release(&L);
		return -1;
	}
	if (guard_begin(ws, L.session, &g, err) < 0)
		goto out;
	if (sidecar_read(ws, &L, &side, out, err) < 0 || records_read(ws, &L, &R, err) < 0 ||
	    apply_status_check(&L, out, &R, err) < 0)
		goto fail;
	/* An unsafe target is refused as such (exit 6) before the binding. */
	if (payload_checked(ws, &L, out, &payload, err) < 0 ||
	    ruru_store_path_inside(ws->store, NULL, out->target, &norm, err) < 0 ||
	    target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0 ||
	    records_agree(&L, out, &R, err) < 0 || signature_checked(ws, &L, &side, &R, err) < 0)
		goto fail;
	out->already = holds_result(out, &payload, &cur, th, exists);
	/* A sidecar saying applied whose target does not hold the result: an
	 * apply that failed and could not put the sidecar back.  It is applied
	 * now, checked like any other. */
	if (!out->already) {
		if (strcmp(th, out->target_sha256)) {
			if (!force) {
				ruru_error_set(err, RURU_ECONFLICT,
					       "target \"%s\" %s since the proposal; review it and propose "
					       "again",
					       norm.ptr,
					       exists ? (*out->target_sha256 ? "changed" : "was created")
						      : "was deleted");
				ruru_error_hint(err, "force", RURU_HINT_FORCE, L.rel);
				goto fail;
			}
			forced = true;
		}
		if (out->kind == RURU_CONFIRM_DIFF) {
			if (diff_apply(cur.ptr ? cur.ptr : "", cur.len, payload.ptr, payload.len,
				       out->target, false, &result, err) < 0)
				goto fail;
		} else {
			ruru_buf_add(&result, payload.ptr, payload.len);
		}
		/* The target and the new folders of a new file (the checks above
		 * keep them in the root). */
		writing = true;
		tabs = ruru_ws_path(ws, norm.ptr);
		char *slash = strrchr(tabs, '/'); /* none: at the top of the root */
		int mk = 0;
		if (slash) {
			*slash = '\0';
			mk = ruru_logtx_mkdirs(&g.tx, tabs, err);
			*slash = '/';
		}
		if (mk < 0 || ruru_logtx_stage_file(&g.tx, tabs, result.ptr, result.len, !exists, err) < 0)
			goto fail;
	} else {
		ruru_buf_add(&result, cur.ptr, cur.len);
	}
	time_t now = ruru_now(ws);
	writing = true;
	if (L.session) {
		if (out->status != RURU_CONFIRM_APPLIED || forced) {
			ruru_buf_add(&orig_side, side.ptr, side.len);
			/* The lines the change added, for Agent Trace: from the
			 * diff payload, else from before/after (a target that
			 * already held the result: the whole file). */
			json_t *ranges = out->kind == RURU_CONFIRM_DIFF ? added_ranges(payload.ptr, payload.len)
					 : out->already
						 ? json_pack("[[i, I]]", 1, (json_int_t)count_lines_of(result.ptr, result.len))
						 : changed_lines(&cur, &result);
			if (out->kind == RURU_CONFIRM_CONTENT && out->already && !result.len)
				json_array_clear(ranges);
			struct ruru_buf lit = RURU_BUF_INIT;
			ranges_literal(&lit, ranges);
			json_decref(ranges);
			int srk = side_set_lit(&side, "changed_lines", lit.ptr, err);
			ruru_buf_release(&lit);
			if (srk < 0 || side_set_str(&side, "status", "applied", err) < 0 ||
			    side_set_time(&side, "applied_at", now, err) < 0 ||
			    side_set_lit(&side, "forced", forced ? "true" : "false", err) < 0 ||
			    ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, false, err) < 0)
				goto fail;
		}
		if (out->already)
			ruru_buf_addf(&msg, "Recorded `%s` as applied: `%s` already holds its result "
					    "(%zu bytes)",
				      L.srel, norm.ptr, result.len);
		else
			ruru_buf_addf(&msg, "Applied `%s` to `%s` (%zu bytes)", L.srel, norm.ptr,
				      result.len);
		if (forced)
			ruru_buf_addstr(&msg, "; FORCED over a target changed since the proposal");
		if (guard_log(&g, RURU_EV_RESULT, L.srel, out->delegated_to && *out->delegated_to
								  ? out->delegated_to
								  : NULL,
			      out->task && *out->task ? out->task : NULL, "success", msg.ptr, err) < 0)
			goto fail;
	} else {
		/* Temp proposals are cleaned up once applied (standard §7 step 8):
		 * the pair goes with the target's new bytes, the sidecar last. */
		if (ruru_logtx_stage_remove(&g.tx, L.abs, err) < 0 ||
		    ruru_logtx_stage_remove(&g.tx, L.side_abs, err) < 0)
			goto fail;
	}
	if (guard_commit(&g, err) < 0) {
		note_leftover(ws, &L, norm.ptr, &result, th, &orig_side, err);
		goto fail;
	}
	if (out->status != RURU_CONFIRM_APPLIED || !L.session)
		out->applied_at = now;
	out->status = RURU_CONFIRM_APPLIED;
	out->forced = forced;
	out->target_unchanged = true;
	rc = 0;
	goto out;
fail:
	guard_abort(&g); /* what was staged goes: nothing changed */
	/* A write that failed (not a refusal) is logged as a failed result,
	 * best effort; the error returned is the one that stopped the apply. */
	if (writing && L.session) {
		struct ruru_error lerr = { 0 };
		ruru_buf_reset(&msg);
		ruru_buf_addf(&msg, "Apply of `%s` failed: ", L.srel);
		ruru_error_format(err, &msg);
		const char *mode = out->delegated_to && *out->delegated_to ? out->delegated_to : NULL;
		const char *task = out->task && *out->task ? out->task : NULL;
		if (guard_begin(ws, L.session, &g, &lerr) == 0 &&
		    guard_log(&g, RURU_EV_RESULT, L.srel, mode, task, "failure", msg.ptr, &lerr) == 0)
			guard_commit(&g, &lerr);
	}
	ruru_confirm_release(out);
out:
	guard_abort(&g);
	records_release(&R);
	loc_release(&L);
	free(tabs);
	ruru_buf_release(&side);
	ruru_buf_release(&orig_side);
	ruru_buf_release(&payload);
	ruru_buf_release(&cur);
	ruru_buf_release(&result);
	ruru_buf_release(&norm);
	ruru_buf_release(&msg);
	return rc;
}

/* ----------------------------------------------------------- committing */

/* Run git in the root with argv after "git -C ROOT"; *out its output. */
static int git_run(struct ruru_ws *ws, const char *const *args, struct ruru_buf *out, int *status,
		   struct ruru_error *err)
{
	const char *argv[24] = { "git", "-C", ruru_ws_root(ws) };
	size_t n = 3;
	for (size_t i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	ruru_buf_reset(out);
	return run_capture(argv, out, status, err);
}

int ruru_confirm_apply_commit(struct ruru_ws *ws, const char *artifact, bool force,
			      const char *message, struct ruru_confirm *out, char **commit,
			      struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	*commit = NULL;
	struct ruru_buf o = RURU_BUF_INIT, msg = RURU_BUF_INIT, t1 = RURU_BUF_INIT,
			t2 = RURU_BUF_INIT, t3 = RURU_BUF_INIT, t4 = RURU_BUF_INIT;
	struct ruru_confirm_record rec = { 0 };
	bool signed_rec = false;
	int st = 0, rc = -1;
	static const char *const inside[] = { "rev-parse", "--is-inside-work-tree", NULL };
	static const char *const staged[] = { "diff", "--cached", "--quiet", NULL };
	if (git_run(ws, inside, &o, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_ECONFLICT, "the workspace is not in a git work tree; nothing "
						    "to commit to");
		goto out;
	}
	if (git_run(ws, staged, &o, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the git index holds staged changes; committing would take them too "
			       "(commit or unstage them first)");
		goto out;
	}
	/* The record names the signer, when there is one. */
	if (ruru_confirm_record_latest(ws, artifact, &rec, err) == 0)
		signed_rec = rec.signer && *rec.signer;
	ruru_error_clear(err);
	if (ruru_confirm_apply(ws, artifact, force, out, err) < 0)
		goto out;
	if (message && *message)
		ruru_buf_addstr(&msg, message);
	else
		ruru_buf_addf(&msg, "Apply %s to %s", strrchr(out->artifact, '/') + 1, out->target);
	ruru_buf_addf(&t1, "Ruru-Session: %s", out->session ? out->session : "");
	ruru_buf_addf(&t2, "Ruru-Confirm: %s", out->artifact);
	ruru_buf_addf(&t3, "Ruru-Payload-SHA256: %s", out->payload_sha256);
	ruru_buf_addf(&t4, "Ruru-Signed-By: %s", signed_rec ? rec.signer : "");
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
	if (git_run(ws, add, &o, &st, err) < 0 || st != 0 || git_run(ws, args, &o, &st, err) < 0 ||
	    st != 0) {
		struct ruru_buf why = RURU_BUF_INIT;
		ruru_buf_addstr(&why, o.len ? first_line(&o) : err->msg);
		ruru_error_set(err, RURU_EFAIL, "\"%s\" was applied to \"%s\", but git could not commit it: %.300s",
			       out->artifact, out->target, why.ptr);
		ruru_buf_release(&why);
		goto out_applied;
	}
	if (git_run(ws, head, &o, &st, err) < 0 || st != 0)
		goto out_applied;
	while (o.len && o.ptr[o.len - 1] == '\n')
		o.ptr[--o.len] = '\0';
	*commit = ruru_strdup(o.ptr);
	rc = 0;
	goto out;
out_applied:
	ruru_confirm_release(out);
out:
	ruru_confirm_record_release(&rec);
	ruru_buf_release(&o);
	ruru_buf_release(&msg);
	ruru_buf_release(&t1);
	ruru_buf_release(&t2);
	ruru_buf_release(&t3);
	ruru_buf_release(&t4);
	return rc;
}

/* --------------------------------------------------------- withdrawing */

static int withdraw_locked(struct ruru_ws *ws, const struct loc *L, struct guard *g,
			   const char *reason, struct ruru_confirm *out, struct ruru_error *err)
{
	struct ruru_buf side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	struct ruru_confirm_record rec = { 0 };
	int rc = -1;
	if (sidecar_read(ws, L, &side, out, err) < 0)
		goto out;
	if (out->status != RURU_CONFIRM_PENDING && !decided_yes(out)) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" is %s; only a pending, approved or skipped proposal is withdrawn",
			       L->rel, ruru_confirm_status_word(out->status));
		goto out;
	}
	time_t now = ruru_now(ws);
	if (side_set_str(&side, "status", "withdrawn", err) < 0 ||
	    side_set_time(&side, "withdrawn_at", now, err) < 0 ||
	    side_set_str(&side, "withdrawn_reason", reason ? reason : "", err) < 0 ||
	    ruru_logtx_stage_file(&g->tx, L->side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	record_of(&rec, out, RURU_CONFIRM_WITHDRAWN, "coordinator", reason, now);
	g->stamp = now;
	if (g->session) {
		record_message(&msg, &rec);
		if (guard_log(g, RURU_EV_NOTE, L->srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	} else if (records_stage_temp(ws, g, &rec, err) < 0) {
		goto out;
	}
	out->status = RURU_CONFIRM_WITHDRAWN;
	rc = 0;
out:
	ruru_confirm_record_release(&rec);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

int ruru_confirm_withdraw(struct ruru_ws *ws, const char *artifact, const char *reason,
			  struct ruru_confirm *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	if (reason && ruru_text_check("reason", reason, strlen(reason), 0, err) < 0)
		return -1; /* sec-text: the text rule (DESIGN §2) */
	struct loc L;
	struct guard g = { 0 };
	int rc = -1;
	if (locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (guard_begin(ws, L.session, &g, err) == 0 &&
	    withdraw_locked(ws, &L, &g, reason, out, err) == 0 && guard_commit(&g, err) == 0)
		rc = 0;
	if (rc < 0)
		ruru_confirm_release(out);
	guard_abort(&g);
	loc_release(&L);
	return rc;
}

int ruru_confirm_clean(struct ruru_ws *ws, json_t **removed, struct ruru_error *err)
{
	*removed = json_array();
	struct guard g = { 0 };
	if (guard_begin(ws, NULL, &g, err) < 0) {
		json_decref(*removed);
		*removed = NULL;
		return -1;
	}
	char *dir = ruru_ws_path(ws, ".ruru/temp");
	struct ruru_error ignore = { 0 };
	DIR *d = ruru_store_opendir(ws->store, dir, &ignore);
	free(dir);
	struct dirent *de;
	int rc = 0;
	while (d && rc == 0 && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (!has_prefix(de->d_name, "CONFIRM-") || l <= 5 || strcmp(de->d_name + l - 5, ".toml"))
			continue;
		/* Each sidecar; its artifact is the same stem + ".md". */
		struct ruru_buf rel = RURU_BUF_INIT, text = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		struct loc L;
		struct ruru_confirm c;
		ruru_buf_addf(&rel, ".ruru/temp/%.*s.md", (int)(l - 5), de->d_name);
		if (loc_from_rel(ws, rel.ptr, &L, &e) == 0) {
			if (sidecar_read(ws, &L, &text, &c, &e) == 0) {
				if (c.status == RURU_CONFIRM_WITHDRAWN || c.status == RURU_CONFIRM_REJECTED ||
				    c.status == RURU_CONFIRM_APPLIED) {
					if (remove_gone(ws, L.abs, err) < 0 ||
					    remove_gone(ws, L.side_abs, err) < 0)
						rc = -1;
					else
						json_array_append_new(*removed, json_string(L.rel));
				}
				ruru_confirm_release(&c);
			}
			loc_release(&L);
		}
		ruru_buf_release(&rel);
		ruru_buf_release(&text);
	}
	if (d)
		closedir(d);
	guard_abort(&g);
	return rc;
}

/* --------------------------------------------------------------- listing */

/* Names in proposal order: "X.md" before "X-2.md" (compare the stems). */
static int cmp_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	if (lx > 3 && !strcmp(x + lx - 3, ".md"))
		lx -= 3;
	if (ly > 3 && !strcmp(y + ly - 3, ".md"))
		ly -= 3;
	int c = memcmp(x, y, lx < ly ? lx : ly);
	return c ? c : lx < ly ? -1 : lx > ly ? 1 : strcmp(x, y);
}

/* Append the proposals found in one folder (root-relative `rel`). */
/* `want` RURU_CONFIRM_UNKNOWN: every proposal; `unadopted`: CONFIRM files
 * without a sidecar too (with `only_unadopted`, just those). */
static void list_dir(struct ruru_ws *ws, const char *rel, enum ruru_confirm_status want,
		     bool want_unadopted, bool only_unadopted, json_t *out)
{
	char *dir = ruru_ws_path(ws, rel);
	struct ruru_error ignore = { 0 };
	DIR *d = ruru_store_opendir(ws->store, dir, &ignore);
	free(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (!has_prefix(de->d_name, "CONFIRM-") || (l > 5 && !strcmp(de->d_name + l - 5, ".toml")))
			continue;
		if (n == cap)
			names = ruru_xrealloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));
		names[n++] = ruru_strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name); /* the stamp in the name: oldest first */
	for (size_t i = 0; i < n; i++) {
		struct ruru_buf r = RURU_BUF_INIT, side = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		struct loc L;
		struct ruru_confirm c;
		ruru_buf_addf(&r, "%s/%s", rel, names[i]);
		if (is_file(ws, r.ptr) && loc_from_rel(ws, r.ptr, &L, &e) == 0) {
			if (sidecar_read(ws, &L, &side, &c, &e) == 0) {
				observe(ws, &L, &c, NULL);
				if (!only_unadopted && (!want || c.status == want))
					json_array_append_new(out, ruru_confirm_json(&c));
				ruru_confirm_release(&c);
			} else if (e.code == RURU_ENOTFOUND && want_unadopted) {
				json_array_append_new(out, json_pack("{s:s, s:s?, s:s, s:n}", "artifact",
								     L.rel, "session", L.session,
								     "status", "unadopted", "target"));
			}
			loc_release(&L);
		}
		ruru_buf_release(&r);
		ruru_buf_release(&side);
		free(names[i]);
	}
	free(names);
}

json_t *ruru_confirm_list(struct ruru_ws *ws, const char *session, const char *status,
			  struct ruru_error *err)
{
	enum ruru_confirm_status want = RURU_CONFIRM_UNKNOWN;
	bool unadopted = !status || !*status;
	if (status && *status) {
		want = ruru_confirm_status_parse(status);
		unadopted = !strcmp(status, "unadopted");
		if (!want && !unadopted) {
			struct ruru_buf words = RURU_BUF_INIT;
			ruru_vocab_join(RURU_VOCAB_CONFIRM_STATUS, ", ", &words);
			ruru_error_set(err, RURU_EUSAGE, "unknown status \"%s\" (%s)", status,
				       words.ptr);
			ruru_buf_release(&words);
			ruru_error_hint(err, "status", RURU_HINT_NONE, NULL);
			return NULL;
		}
	}
	bool only = status && !strcmp(status, "unadopted");
	char *id = NULL;
	if (propose_session(ws, session, &id, err) < 0)
		return NULL;
	json_t *out = json_array();
	if (id) {
		struct ruru_buf rel = RURU_BUF_INIT;
		ruru_buf_addf(&rel, "%s/%s/artifacts", ruru_layout_dir(ruru_ws_session_layout(ws, id)),
			      id);
		list_dir(ws, rel.ptr, want, unadopted, only, out);
		ruru_buf_release(&rel);
	}
	list_dir(ws, ".ruru/temp", want, unadopted, only, out);
	free(id);
	return out;
}

/* ------------------------------------------------------------- verifying */

/* One problem of `ruru verify`: {file, line, col, severity, message}. */
__attribute__((format(printf, 5, 6))) static void problem(json_t *out, const char *file, int line,
							  const char *severity, const char *fmt, ...)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	json_array_append_new(out, json_pack("{s:s, s:i, s:i, s:s, s:s}", "file", file, "line",
					     line > 0 ? line : 1, "col", 1, "severity", severity,
					     "message", msg.ptr));
	ruru_buf_release(&msg);
}

/* The line of `key = ` in a sidecar's text (1 when absent). */
static int key_line(const struct ruru_buf *text, const char *key)
{
	size_t kl = strlen(key);
	int line = 1;
	for (const char *p = text->ptr; p && p < text->ptr + text->len;) {
		if (!strncmp(p, key, kl) && (p[kl] == ' ' || p[kl] == '='))
			return line;
		p = memchr(p, '\n', (size_t)(text->ptr + text->len - p));
		if (p)
			p++, line++;
	}
	return 1;
}

/* Every check of one proposal (root-relative `rel`); problems into out. */
static void verify_one(struct ruru_ws *ws, const char *rel, json_t *out)
{
	struct loc L;
	struct ruru_error e = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, payload = RURU_BUF_INIT;
	struct ruru_confirm c;
	struct records R = { 0 };
	if (loc_from_rel(ws, rel, &L, &e) < 0)
		return;
	char *logrel = L.session ? NULL : ruru_strdup(".ruru/temp/decisions.log");
	if (L.session) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, ".ruru/sessions/%s/session_log.md", L.session);
		logrel = ruru_buf_detach(&b, NULL);
	}
	if (sidecar_read(ws, &L, &side, &c, &e) < 0) {
		if (e.code != RURU_ENOTFOUND) /* unadopted files are not proposals yet */
			problem(out, L.side_rel, e.line, "error", "%s", e.msg);
		goto out;
	}
	observe(ws, &L, &c, &payload);
	if (!c.payload_intact)
		problem(out, L.rel, 1, "error",
			"the payload does not hash to payload_sha256 %s of its sidecar: it changed "
			"after the proposal",
			c.payload_sha256);
	if (records_read(ws, &L, &R, &e) < 0) {
		problem(out, e.file[0] ? e.file : logrel, e.line, "error", "%s", e.msg);
		goto release;
	}
	enum ruru_confirm_status st = c.status;
	if (st == RURU_CONFIRM_PENDING) {
		if (R.found)
			problem(out, L.side_rel, key_line(&side, "status"), "error",
				"the sidecar says pending, but %s:%d records a decision (%s)", logrel,
				R.line, ruru_confirm_status_word(R.rec.decision) ? ruru_confirm_status_word(R.rec.decision) : "?");
		goto release;
	}
	if (!R.found) {
		problem(out, L.side_rel, key_line(&side, "status"), "error",
			"the sidecar says %s, but %s records no decision on it",
			ruru_confirm_status_word(st) ? ruru_confirm_status_word(st) : "?", logrel);
		goto release;
	}
	bool yes = R.rec.decision == RURU_CONFIRM_APPROVED || R.rec.decision == RURU_CONFIRM_SKIPPED;
	bool same = st == R.rec.decision || (st == RURU_CONFIRM_APPLIED && yes);
	if (!same)
		problem(out, L.side_rel, key_line(&side, "status"), "error",
			"the sidecar says %s, but the latest decision (%s:%d) is %s",
			ruru_confirm_status_word(st) ? ruru_confirm_status_word(st) : "?", logrel, R.line,
			ruru_confirm_status_word(R.rec.decision) ? ruru_confirm_status_word(R.rec.decision) : "?");
	if (!R.bound) {
		problem(out, logrel, R.line, "error",
			"the decision on %s does not name its target, kind and hashes", L.rel);
	} else {
		static const char *const keys[] = { "target_path", "kind", "payload_sha256",
						    "target_sha256" };
		const bool differ[] = { strcmp(R.rec.target, c.target) != 0, R.rec.kind != c.kind,
					strcmp(R.rec.payload_sha256, c.payload_sha256) != 0,
					strcmp(R.rec.target_sha256, c.target_sha256) != 0 };
		for (int i = 0; i < 4; i++)
			if (differ[i])
				problem(out, L.side_rel, key_line(&side, keys[i]), "error",
					"%s differs from the decision recorded at %s:%d", keys[i],
					logrel, R.line);
	}
	/* Signatures: checked when present, or when required. */
	char *ucfg = user_config_path("config.toml");
	bool req = config_flag(ucfg, "require_signature") || ws_config_flag(ws, "require_signature");
	free(ucfg);
	if (R.bound && (req || (R.rec.signer && *R.rec.signer))) {
		struct ruru_error se = { 0 };
		char *signers = allowed_signers_path();
		struct stat sst;
		if (!req && (!signers || ruru_store_lstat(ws->store, signers, &sst, &se) < 0))
			problem(out, logrel, R.line, "info",
				"the decision on %s is signed by \"%s\"; no allowed_signers file to check "
				"it against",
				L.rel, R.rec.signer);
		else if (signature_checked_as(ws, &L, &side, &R, true, &se) < 0)
			problem(out, logrel, R.line, "error", "%s", se.msg);
		free(signers);
	}
	if (st == RURU_CONFIRM_APPLIED) {
		if (L.session && !R.applied_after)
			problem(out, logrel, R.line, "error",
				"%s is marked applied, but no successful result follows its decision",
				L.rel);
		char th[65];
		bool exists;
		struct ruru_buf norm = RURU_BUF_INIT, cur = RURU_BUF_INIT;
		if (ruru_store_path_inside(ws->store, NULL, c.target, &norm, &e) == 0 &&
		    target_hash(ws, norm.ptr, th, &exists, &cur, &e) == 0 &&
		    !holds_result(&c, &payload, &cur, th, exists))
			problem(out, c.target, 1, "info",
				"the target no longer holds the result of %s (changed since it was "
				"applied)",
				L.rel);
		ruru_buf_release(&norm);
		ruru_buf_release(&cur);
	}
release:
	ruru_confirm_release(&c);
out:
	records_release(&R);
	free(logrel);
	loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&payload);
}

/* Call fn for each CONFIRM file of one folder (root-relative), in name order. */
typedef void each_fn(struct ruru_ws *ws, const char *rel, json_t *out);

static void each_in_dir(struct ruru_ws *ws, const char *rel, each_fn *fn, json_t *out, size_t *n)
{
	char *dir = ruru_ws_path(ws, rel);
	struct ruru_error ignore = { 0 };
	DIR *d = ruru_store_opendir(ws->store, dir, &ignore);
	free(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t k = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (!has_prefix(de->d_name, "CONFIRM-") || (l > 5 && !strcmp(de->d_name + l - 5, ".toml")))
			continue;
		names = ruru_xrealloc(names, (k + 1) * sizeof(*names));
		names[k++] = ruru_strdup(de->d_name);
	}
	closedir(d);
	if (k)
		qsort(names, k, sizeof(*names), cmp_name);
	for (size_t i = 0; i < k; i++) {
		struct ruru_buf r = RURU_BUF_INIT;
		ruru_buf_addf(&r, "%s/%s", rel, names[i]);
		if (is_file(ws, r.ptr)) {
			fn(ws, r.ptr, out);
			(*n)++;
		}
		ruru_buf_release(&r);
		free(names[i]);
	}
	free(names);
}

/* Every proposal of the sessions `ids` (none: every session, then
 * .ruru/temp/); -1 with err set for an unknown session. */
static int each_proposal(struct ruru_ws *ws, const char *const *ids, size_t nids, bool temp,
			 each_fn *fn, json_t *out, size_t *n, struct ruru_error *err)
{
	char **ss = NULL;
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < nids && rc == 0; i++) {
		char *id = ruru_session_resolve(ws, ids[i], err);
		if (!id)
			rc = -1;
		ss = ruru_xrealloc(ss, (k + 1) * sizeof(*ss));
		ss[k++] = id;
	}
	if (!nids) {
		char *sdir = ruru_ws_path(ws, ".ruru/sessions");
		struct ruru_error ignore = { 0 };
		DIR *d = ruru_store_opendir(ws->store, sdir, &ignore);
		free(sdir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			ss = ruru_xrealloc(ss, (k + 1) * sizeof(*ss));
			ss[k++] = ruru_strdup(de->d_name);
		}
		if (d)
			closedir(d);
		if (k)
			qsort(ss, k, sizeof(*ss), cmp_name);
	}
	for (size_t i = 0; i < k; i++) {
		if (rc == 0) {
			struct ruru_buf rel = RURU_BUF_INIT;
			ruru_buf_addf(&rel, ".ruru/sessions/%s/artifacts", ss[i]);
			each_in_dir(ws, rel.ptr, fn, out, n);
			ruru_buf_release(&rel);
		}
		free(ss[i]);
	}
	free(ss);
	if (rc == 0 && !nids && temp)
		each_in_dir(ws, ".ruru/temp", fn, out, n);
	return rc;
}

json_t *ruru_confirm_verify(struct ruru_ws *ws, const char *const *ids, size_t nids,
			    struct ruru_error *err)
{
	json_t *problems = json_array();
	size_t n = 0;
	if (each_proposal(ws, ids, nids, true, verify_one, problems, &n, err) < 0) {
		json_decref(problems);
		return NULL;
	}
	/* A workspace cannot name signers (DESIGN §15): say so when it tries. */
	char *wcfg = ruru_ws_path(ws, ".ruru/config.toml");
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	if (ruru_store_read(ws->store, wcfg, &text, &e) == 0) {
		struct ruru_toml *doc = ruru_toml_parse(text.ptr, text.len, &e);
		const struct ruru_toml_value *t =
			doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("confirm")) : NULL;
		if (!doc)
			problem(problems, ".ruru/config.toml", e.line, "error", "%s", e.msg);
		for (size_t i = 0; t && ruru_toml_kind(t) == RURU_TOML_TABLE && i < ruru_toml_table_len(t); i++) {
			size_t kl;
			const char *k = ruru_toml_table_key(t, i, &kl);
			if (RURU_IS_LIT(k, kl, "allowed_signers") ||
			    RURU_IS_LIT(k, kl, "signers")) {
				int line, col;
				ruru_text_position(text.ptr, ruru_toml_key_span(t, i).start, &line, &col);
				problem(problems, ".ruru/config.toml", line, "error",
					"a workspace cannot name signers; this is ignored (allowed "
					"signers live in $XDG_CONFIG_HOME/ruru/allowed_signers)");
			}
		}
		ruru_toml_free(doc);
	}
	free(wcfg);
	ruru_buf_release(&text);
	return json_pack("{s:i, s:o}", "proposals", (json_int_t)n, "problems", problems);
}

/* ------------------------------------------------------------ Agent Trace */

/* A name-based UUID (version 8, RFC 9562) from SHA-256 of `name`: the
 * same proposal always gets the same record ID. */
static void uuid_of(const char *name, char out[37])
{
	char h[65];
	ruru_sha256_hex(name, strlen(name), h);
	h[12] = '8';
	static const char variant[] = "89ab";
	h[16] = variant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* The commit `apply --commit` made for an artifact (its Ruru-Confirm trailer). */
static char *commit_of(struct ruru_ws *ws, const char *artifact)
{
	struct ruru_buf grep = RURU_BUF_INIT, out = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	int st = -1;
	char *r = NULL;
	ruru_buf_addf(&grep, "--grep=^Ruru-Confirm: %s$", artifact);
	/* Artifact paths hold only [A-Za-z0-9._/-]: safe in a basic regex. */
	const char *args[] = { "log", "-1", "--format=%H", grep.ptr, NULL };
	if (git_run(ws, args, &out, &st, &e) == 0 && st == 0 && out.len >= 40) {
		out.ptr[40] = '\0';
		r = ruru_strdup(out.ptr);
	}
	ruru_buf_release(&grep);
	ruru_buf_release(&out);
	return r;
}

/* One Agent Trace record (v0.1.0) for an applied session proposal. */
static void trace_one(struct ruru_ws *ws, const char *rel, json_t *out)
{
	struct loc L;
	struct ruru_error e = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, payload = RURU_BUF_INIT;
	struct ruru_confirm c;
	if (loc_from_rel(ws, rel, &L, &e) < 0)
		return;
	if (!L.session || sidecar_read(ws, &L, &side, &c, &e) < 0) {
		loc_release(&L);
		ruru_buf_release(&side);
		return;
	}
	if (c.status != RURU_CONFIRM_APPLIED)
		goto done;
	/* The lines it added: recorded at apply; else from a diff payload, or
	 * the whole content. */
	json_t *ranges = json_array();
	struct ruru_toml *doc = ruru_toml_parse(side.ptr, side.len, &e);
	const struct ruru_toml_value *cl =
		doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("changed_lines")) : NULL;
	if (cl && ruru_toml_kind(cl) == RURU_TOML_ARRAY) {
		for (size_t i = 0; i < ruru_toml_array_len(cl); i++) {
			const struct ruru_toml_value *pr = ruru_toml_array_at(cl, i);
			if (ruru_toml_kind(pr) == RURU_TOML_ARRAY && ruru_toml_array_len(pr) == 2)
				json_array_append_new(
					ranges, json_pack("[I, I]",
							  (json_int_t)ruru_toml_integer(ruru_toml_array_at(pr, 0)),
							  (json_int_t)ruru_toml_integer(ruru_toml_array_at(pr, 1))));
		}
	} else if (ruru_store_read(ws->store, L.abs, &payload, &e) == 0) {
		json_decref(ranges);
		ranges = c.kind == RURU_CONFIRM_DIFF
				 ? added_ranges(payload.ptr, payload.len)
				 : payload.len ? json_pack("[[i, I]]", 1,
							  (json_int_t)count_lines_of(payload.ptr, payload.len))
					       : json_array();
	}
	ruru_toml_free(doc);
	json_t *jr = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(ranges, i, v)
		json_array_append_new(jr, json_pack("{s:O, s:O}", "start_line", json_array_get(v, 0),
						    "end_line", json_array_get(v, 1)));
	json_decref(ranges);
	struct ruru_buf url = RURU_BUF_INIT, aurl = RURU_BUF_INIT, name = RURU_BUF_INIT;
	ruru_buf_addf(&url, "ruru://sessions/%s", L.session);
	ruru_buf_addf(&aurl, "ruru://sessions/%s/%s", L.session, L.srel);
	ruru_buf_addf(&name, "ruru-confirm:%s:%s", L.rel, c.payload_sha256);
	char id[37], ts[32];
	uuid_of(name.ptr, id);
	ruru_time_format_rfc3339(c.applied_at ? c.applied_at : c.created, ts);
	json_t *conv = json_pack("{s:s, s:{s:s}, s:o, s:[{s:s, s:s}]}", "url", url.ptr, "contributor",
				 "type", "ai", "ranges", jr, "related", "type", "ruru-confirm", "url",
				 aurl.ptr);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:[{s:s, s:[o]}]}", "version", "0.1.0",
				"id", id, "timestamp", ts, "tool", "name", "ruru", "version",
				RURU_VERSION, "files", "path", c.target, "conversations", conv);
	char *commit = commit_of(ws, L.rel);
	if (commit)
		json_object_set_new(rec, "vcs", json_pack("{s:s, s:s}", "type", "git", "revision", commit));
	free(commit);
	json_object_set_new(rec, "metadata",
			    json_pack("{s:{s:s, s:s, s:s, s:s, s:s?}}", "ruru", "session", L.session,
				      "artifact", L.rel, "payload_sha256", c.payload_sha256, "decision",
				      c.decided_by && !strcmp(c.decided_by, "coordinator") ? "skipped"
											   : "approved",
				      "decided_by", c.decided_by));
	json_array_append_new(out, rec);
	ruru_buf_release(&url);
	ruru_buf_release(&aurl);
	ruru_buf_release(&name);
done:
	ruru_confirm_release(&c);
	loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&payload);
}

json_t *ruru_confirm_agent_trace(struct ruru_ws *ws, const char *const *ids, size_t nids,
				 struct ruru_error *err)
{
	json_t *records = json_array();
	size_t n = 0;
	if (each_proposal(ws, ids, nids, false, trace_one, records, &n, err) < 0) {
		json_decref(records);
		return NULL;
	}
	return records;
}
