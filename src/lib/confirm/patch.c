/*
 * patch.c — the children the workflow runs and the diff payloads: GNU
 * patch, diff, ssh-keygen and git start from an argv (run.c), never a
 * shell, in an environment stripped of what changes their behaviour; a
 * private scratch folder for their files; the shape check of a diff payload
 * (exactly one unified diff of the target, hunks as long as their headers
 * say), applying it in memory, and the lines a change adds (Agent Trace).
 */
#include "confirm_impl.h"
#include "difftext.h"
#include "banned.h"

/*
 * The environment of a child: the one the front end gave (o->env; none
 * without it) minus the variables that change GNU patch's behaviour, with
 * LC_ALL=C for stable messages and `extra` ("NAME=value", may be NULL) in
 * place of any NAME there.  The array is malloc'd, its strings borrowed.
 */
static char **child_env(const struct ruru_options *o, const char *extra)
{
	char *const *from = o ? o->env : NULL;
	size_t n = 0;
	while (from && from[n])
		n++;
	char **env = ruru_xmalloc((n + 3) * sizeof(*env));
	size_t k = 0, el = extra ? strcspn(extra, "=") + 1 : 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(from[i], RURU_LIT("POSIXLY_CORRECT=")) && strncmp(from[i], RURU_LIT("LC_ALL=")) &&
		    strncmp(from[i], RURU_LIT("PATCH_")) && strncmp(from[i], RURU_LIT("VERSION_CONTROL=")) &&
		    strncmp(from[i], RURU_LIT("SIMPLE_BACKUP_SUFFIX=")) &&
		    !(extra && !strncmp(from[i], extra, el)))
			env[k++] = from[i];
	env[k++] = (char *)"LC_ALL=C";
	if (extra)
		env[k++] = (char *)extra;
	env[k] = NULL;
	return env;
}

/*
 * Run argv (first element looked up in PATH) with stdin from /dev/null and
 * stdout+stderr captured in *out; *status gets the exit status (-1 when it
 * died of a signal).  The environment is child_env()'s.
 */
int confirm_run_capture_env(const struct ruru_options *o, const char *const argv[], const char *extra,
			   struct ruru_buf *out, int *status, struct ruru_error *err)
{
	char **env = child_env(o, extra);
	struct ruru_child c = { .argv = argv, .env = env, .stdin_io = RURU_CHILD_NULL,
				.stderr_io = RURU_CHILD_TO_OUT };
	int rc = ruru_child_capture(&c, out, err);
	free(env);
	if (rc < 0)
		return -1;
	*status = rc;
	return 0;
}

int confirm_run_capture(const struct ruru_options *o, const char *const argv[], struct ruru_buf *out,
		       int *status, struct ruru_error *err)
{
	return confirm_run_capture_env(o, argv, NULL, out, status, err);
}

int confirm_scratch_make(struct scratch *s, const struct ruru_options *o, struct ruru_error *err)
{
	const char *tmp = o && o->tmpdir && *o->tmpdir ? o->tmpdir : "/tmp";
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

void confirm_scratch_remove(struct scratch *s)
{
	int e = errno;
	struct ruru_error ignore = { 0 };
	for (int i = 0; i < 5; i++)
		ruru_file_remove(s->path[i], &ignore);
	ruru_file_remove_dir(s->dir, &ignore);
	errno = e;
}

int confirm_write_plain(const char *path, const void *data, size_t len, struct ruru_error *err)
{
	return ruru_file_write_new(path, data, len, 0600, err);
}

/* Does a line at `p` (within [p, end)) start with `prefix`? */
bool confirm_starts(const char *p, const char *end, const char *prefix)
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
 * A diff payload must be exactly one unified diff of the target: optional git-style header lines ("diff ", "index ", "Index: ",
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
		} else if (confirm_starts(p, end, "@@ -") && headers == 1) {
			const char *q = p + 4;
			if (!hunk_range(&q, eol, &old_left) || !confirm_starts(q, eol, " +") ||
			    (q += 2, !hunk_range(&q, eol, &new_left)) || !confirm_starts(q, eol, " @@"))
				rc = ruru_error_set(err, RURU_EINVALID,
						    "line %lu of the diff is not a valid hunk header", line);
			in_hunk = true;
			hunks++;
		} else if (in_hunk && p < eol && *p == '\\') {
			/* "\ No newline at end of file" after the last line of a hunk */
		} else if (confirm_starts(p, end, "--- ") && confirm_starts(next, end, "+++ ")) {
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
			   (confirm_starts(p, end, "diff ") || confirm_starts(p, end, "index ") ||
			    confirm_starts(p, end, "Index: ") || confirm_starts(p, end, "===") ||
			    confirm_starts(p, end, "new file mode ") || confirm_starts(p, end, "old mode ") ||
			    confirm_starts(p, end, "new mode "))) {
			/* git's and svn's header lines before "--- " */
		} else if (confirm_starts(p, end, "GIT binary patch") || confirm_starts(p, end, "Binary files ")) {
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

/* Line `n` (1-based) of text t: its start and length without the newline;
 * false past the end. */
static bool line_at(const char *t, size_t tlen, long n, const char **s, size_t *l)
{
	const char *p = t, *end = t + tlen;
	for (long i = 1; i < n && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return false;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*s = p;
	*l = (size_t)((nl ? nl : end) - p);
	return true;
}

/*
 * Where the diff `d` (already shape-checked) and the target's bytes part:
 * the first line of the target, at the place a hunk's header gives, that
 * is not the line the hunk expects there (its context and removed lines,
 * or its context and added ones when undoing it).  0 when every line
 * matches where the headers say (the difference is elsewhere, e.g. a final
 * newline).
 */
static long first_mismatch(const char *orig, size_t olen, const char *d, size_t dlen, bool reverse)
{
	const char *p = d, *end = d + dlen;
	long at = -1; /* the target's line the hunk is at; -1 outside a hunk */
	char keep = reverse ? '+' : '-';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll >= 4 && !memcmp(p, "@@ -", 4)) {
			const char *q = p + 4;
			if (reverse) { /* the "+" side */
				while (q < le && *q != '+')
					q++;
				q++;
			}
			long n = 0;
			while (q < le && *q >= '0' && *q <= '9' && n < 100000000)
				n = n * 10 + (*q++ - '0');
			long count = 1;
			if (q < le && *q == ',') {
				count = 0;
				for (q++; q < le && *q >= '0' && *q <= '9' && count < 100000000; q++)
					count = count * 10 + (*q - '0');
			}
			at = count ? n : n + 1; /* an empty side: after line n */
		} else if (at > 0 && ll && (*p == ' ' || *p == keep)) {
			const char *s;
			size_t l;
			if (!line_at(orig, olen, at, &s, &l) || l != ll - 1 || memcmp(s, p + 1, l))
				return at;
			at++;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/*
 * Apply the unified diff `d` of `target` to `orig` (the target's bytes;
 * empty for a new file) with GNU patch into *result; `reverse` undoes it
 * instead (patch -R).  No fuzz: the diff must match.  A diff that does not
 * apply is RURU_EINVALID naming the first line of the target that differs
 * from what the diff expects (patch's own complaint names its scratch
 * files, which are gone by then).
 */
int confirm_diff_apply(const struct ruru_options *o, const char *orig, size_t olen, const char *d, size_t dlen,
		      const char *target, bool reverse, struct ruru_buf *result,
		      struct ruru_error *err)
{
	if (diff_shape(d, dlen, target, err) < 0)
		return -1;
	struct scratch s;
	if (confirm_scratch_make(&s, o, err) < 0)
		return -1;
	struct ruru_buf log = RURU_BUF_INIT;
	int status = 0, rc = -1;
	if (confirm_write_plain(s.path[0], orig, olen, err) < 0 || confirm_write_plain(s.path[1], d, dlen, err) < 0)
		goto out;
	const char *argv[] = { "patch", "--force", "--silent", "--fuzz=0", "--no-backup-if-mismatch",
			       "-r", s.path[3], "-o", s.path[2], "-i", s.path[1], s.path[0],
			       reverse ? "-R" : NULL, NULL };
	if (confirm_run_capture(o, argv, &log, &status, err) < 0)
		goto out;
	if (status != 0) {
		long at = first_mismatch(orig, olen, d, dlen, reverse);
		size_t lines = confirm_count_lines_of(orig, olen);
		if (at > 0 && (size_t)at > lines)
			ruru_error_set(err, RURU_EINVALID,
				       "the diff does not apply to the current target: it expects a "
				       "line %ld of \"%s\", which has %zu",
				       at, target, lines);
		else if (at > 0)
			ruru_error_set(err, RURU_EINVALID,
				       "the diff does not apply to the current target: line %ld of "
				       "\"%s\" is not the line the diff expects there",
				       at, target);
		else
			ruru_error_set(err, RURU_EINVALID,
				       "the diff does not apply to the current target \"%s\" as it is "
				       "now", target);
		goto out;
	}
	ruru_buf_reset(result);
	rc = ruru_file_read(s.path[2], result, err);
out:
	confirm_scratch_remove(&s);
	ruru_buf_release(&log);
	return rc;
}

/* What the target holds once the payload is applied to `cur` (its bytes
 * now), into *result (reset): a content payload itself, a diff applied in
 * memory (it must apply cleanly).  *rh gets its sha256. */
int confirm_result_of(const struct ruru_options *o, enum ruru_confirm_kind kind, const char *target, const struct ruru_buf *cur,
		     const void *payload, size_t len, struct ruru_buf *result, char rh[65],
		     struct ruru_error *err)
{
	ruru_buf_reset(result);
	if (kind != RURU_CONFIRM_DIFF)
		ruru_buf_add(result, payload, len);
	else if (confirm_diff_apply(o, cur->ptr ? cur->ptr : "", cur->len, payload, len, target, false, result,
			    err) < 0)
		return -1;
	ruru_sha256_hex(result->ptr ? result->ptr : "", result->len, rh);
	return 0;
}

/* Run argv with `input` on its stdin; its stdout and stderr into *out. */
int confirm_run_with_input(const struct ruru_options *o, const char *const argv[], const char *input,
			  size_t len, struct ruru_buf *out, int *status, struct ruru_error *err)
{
	char **env = child_env(o, NULL);
	struct ruru_child c = { .argv = argv, .env = env, .stdin_io = RURU_CHILD_PIPE,
				.stdout_io = RURU_CHILD_PIPE, .stderr_io = RURU_CHILD_TO_OUT };
	int started = ruru_child_start(&c, err);
	free(env);
	if (started < 0)
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
const char *confirm_first_line(struct ruru_buf *b)
{
	char *nl = memchr(b->ptr, '\n', b->len);
	if (nl)
		*nl = '\0';
	return b->len ? b->ptr : "(no message)";
}

/*
 * The lines a unified diff adds, as [[first, last], ...] of the new file
 * (1-based, runs of consecutive "+" lines): what Agent Trace attributes.
 */
json_t *confirm_added_ranges(const char *d, size_t len)
{
	json_t *out = json_array();
	const char *p = d, *end = d + len;
	long line = 0, run_start = 0, run_end = 0;
	bool in_hunk = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (confirm_starts(p, eol, "@@ -")) {
			const char *plus = memchr(p, '+', (size_t)(eol - p));
			line = plus ? strtol(plus + 1, NULL, 10) : 0;
			if (plus && line == 0)
				line = 1; /* "+0,0": nothing on the new side */
			in_hunk = plus != NULL;
		} else if (in_hunk && p < eol && *p == '+' && !confirm_starts(p, eol, "+++ ")) {
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
		} else if (confirm_starts(p, eol, "--- ") || confirm_starts(p, eol, "+++ ")) {
			in_hunk = false;
		}
		p = nl ? nl + 1 : end;
	}
	if (run_end)
		json_array_append_new(out, json_pack("[I, I]", (json_int_t)run_start, (json_int_t)run_end));
	return out;
}

/* Lines of `b` (a last line without a newline counts). */
long confirm_count_lines_of(const char *b, size_t len)
{
	long n = 0;
	for (size_t i = 0; i < len; i++)
		n += b[i] == '\n';
	return n + (len && b[len - 1] != '\n');
}

int ruru_diff_texts(const struct ruru_options *o, const char *const *args, const char *a, size_t alen,
		    const char *b, size_t blen, struct ruru_buf *out, struct ruru_error *err)
{
	struct scratch sc;
	struct ruru_buf got = RURU_BUF_INIT;
	int rc = -1, st = 0;
	const char *argv[13] = { "diff" };
	size_t n = 1;
	for (size_t i = 0; args && args[i]; i++) {
		if (n == 10)
			return ruru_error_set(err, RURU_EUSAGE, "too many arguments for diff");
		argv[n++] = args[i];
	}
	if (confirm_scratch_make(&sc, o, err) < 0)
		return -1;
	argv[n++] = sc.path[0];
	argv[n++] = sc.path[2];
	argv[n] = NULL;
	if (confirm_write_plain(sc.path[0], a ? a : "", alen, err) < 0 ||
	    confirm_write_plain(sc.path[2], b ? b : "", blen, err) < 0 ||
	    confirm_run_capture(o, argv, &got, &st, err) < 0)
		goto out;
	if (st > 1) {
		ruru_error_set(err, RURU_EFAIL, "diff failed (exit %d): %s", st, confirm_first_line(&got));
		goto out;
	}
	ruru_buf_add(out, got.ptr, got.len);
	rc = st;
out:
	confirm_scratch_remove(&sc);
	ruru_buf_release(&got);
	return rc;
}

/* The ranges a change from `before` to `after` adds (diff -U0). */
json_t *confirm_changed_lines(const struct ruru_options *o, const struct ruru_buf *before, const struct ruru_buf *after)
{
	struct ruru_error e = { 0 };
	struct ruru_buf out = RURU_BUF_INIT;
	static const char *const args[] = { "-U0", "-a", NULL };
	json_t *r = NULL;
	if (ruru_diff_texts(o, args, before->ptr, before->len, after->ptr, after->len, &out, &e) >= 0)
		r = confirm_added_ranges(out.ptr, out.len);
	ruru_buf_release(&out);
	return r ? r : json_array();
}

/* [[a, b], ...] as a TOML literal. */
void confirm_ranges_literal(struct ruru_buf *b, json_t *ranges)
{
	size_t i;
	json_t *v;
	ruru_buf_addch(b, '[');
	json_array_foreach(ranges, i, v) ruru_buf_addf(b, "%s[%lld, %lld]", i ? ", " : "",
						       (long long)json_integer_value(json_array_get(v, 0)),
						       (long long)json_integer_value(json_array_get(v, 1)));
	ruru_buf_addch(b, ']');
}
