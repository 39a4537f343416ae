/*
 * where.c — where a proposal and its target are: every check a target
 * gets at proposal and again at apply (inside the root, walked without
 * following a symlink, a regular file, not one of ruru's own records or a
 * .git folder, within the length bounds git can check out), the target's
 * hash, and the CONFIRM file located from any unambiguous form of its name
 * (root- or session-relative path, bare name, stem).
 */
#include "confirm_impl.h"
#include "banned.h"

bool confirm_has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* lstat(2) and unlink(2) through the storage layer (folders walked from
 * the root, never through a symlink); a refusal reads as "not there". */
int confirm_ws_lstat(struct ruru_ws *ws, const char *path, struct stat *st)
{
	struct ruru_error ignore = { 0 };
	return ruru_store_lstat(ws->store, path, st, &ignore);
}

/* Remove a file; one that is not there is not an error. */
int confirm_remove_gone(struct ruru_ws *ws, const char *path, struct ruru_error *err)
{
	if (ruru_store_remove(ws->store, path, err) == 0 || err->code == RURU_ENOTFOUND)
		return 0;
	return -1;
}

/*
 * Refuse a normalised root-relative target that is one of ruru's own
 * records or git's: anything under a .git folder, .ruru/sessions/ (and
 * the later layouts' sessions folders), .ruru/temp/ (temp proposals,
 * decisions.log), .ruru/config.toml and .ruru/.gitignore.  The rest of
 * .ruru/ (Roo Commander's ADRs, docs, rules, tasks) stays a target.
 */
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
	/* .ruru, .ruru/sessions and below, in any letter case */
	const char *s1 = strchr(rel, '/');
	size_t n1 = s1 ? (size_t)(s1 - rel) : strlen(rel);
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	size_t n2 = s1 ? (s2 ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1)) : 0;
	if (ruru_name_is(rel, n1, ".ruru") && (!s1 || ruru_name_is(s1 + 1, n2, "sessions")))
		return ruru_error_set(err, RURU_EREFUSED,
				      "target \"%s\" lies inside .ruru/sessions/ (session files are "
				      "changed by ruru's own commands)",
				      shown);
	if (ruru_name_is(rel, n1, ".ruru") && s1 &&
	    (ruru_name_is(s1 + 1, n2, "temp") ||
	     (!s2 && (ruru_name_is(s1 + 1, n2, "config.toml") ||
		      ruru_name_is(s1 + 1, n2, ".gitignore")))))
		return ruru_error_set(err, RURU_EREFUSED,
				      "target \"%s\" is one of ruru's own records (.ruru/temp/, "
				      ".ruru/config.toml and .ruru/.gitignore are changed by ruru "
				      "itself)",
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
	if (forbidden_area(rel, rel, err) < 0 || ruru_path_bounds("the target", rel, true, err) < 0)
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
	if (confirm_ws_lstat(ws, abs, &st) == 0) {
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

void confirm_loc_release(struct loc *L)
{
	free(L->rel);
	free(L->abs);
	free(L->side_rel);
	free(L->side_abs);
	free(L->session);
	free(L->srel);
	memset(L, 0, sizeof(*L));
}

bool confirm_is_file(struct ruru_ws *ws, const char *rel)
{
	char *abs = ruru_ws_path(ws, rel);
	struct stat st;
	bool ok = confirm_ws_lstat(ws, abs, &st) == 0 && S_ISREG(st.st_mode);
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
int confirm_loc_from_rel(struct ruru_ws *ws, const char *rel, struct loc *L, struct ruru_error *err)
{
	memset(L, 0, sizeof(*L));
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (!confirm_has_prefix(base, "CONFIRM-"))
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
	if (confirm_has_prefix(rel, ".ruru/temp/")) {
		L->session = NULL;
	} else if (in_layout) {
		const char *id = in_layout;
		const char *slash = strchr(id, '/');
		if (!slash || slash == id || !confirm_has_prefix(slash, "/artifacts/"))
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
		ok = confirm_is_file(ws, b.ptr);
	}
	if (!ok) {
		ruru_buf_reset(&b);
		ruru_buf_addstr(&b, cand);
		ok = confirm_is_file(ws, b.ptr);
	}
	if (!ok && !(n > 3 && !strcmp(cand + n - 3, ".md"))) {
		ruru_buf_addstr(&b, ".md"); /* a stem */
		ok = confirm_is_file(ws, b.ptr);
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
 * The short forms of an ARTIFACT name: `name` relative to a session folder
 * ("artifacts/CONFIRM-….md"), to artifacts/ or .ruru/temp/, a bare file
 * name or a stem.  Every session's artifacts/ and .ruru/temp/ are looked
 * in; each existing CONFIRM file found is added to the matches.
 */
static void find_short(struct ruru_ws *ws, const char *name, char ***m, size_t *n)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (!confirm_has_prefix(base, "CONFIRM-") || confirm_has_prefix(name, "../") || strstr(name, "/../") ||
	    name[0] == '/')
		return;
	const char *inner = confirm_has_prefix(name, "artifacts/") ? name + strlen("artifacts/") : name;
	struct ruru_buf c = RURU_BUF_INIT, hit = RURU_BUF_INIT;
	ruru_buf_addf(&c, ".ruru/temp/%s", name);
	if (confirm_file(ws, c.ptr, &hit))
		add_match(m, n, hit.ptr);
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		const char *layout = ruru_layout_dir((enum ruru_layout)l);
		char **ids;
		size_t nids = confirm_names(ws, layout, CONFIRM_NAMES_FOLDERS, &ids);
		for (size_t i = 0; i < nids; i++) {
			ruru_buf_reset(&c);
			ruru_buf_reset(&hit);
			ruru_buf_addf(&c, "%s/%s/artifacts/%s", layout, ids[i], inner);
			if (confirm_file(ws, c.ptr, &hit))
				add_match(m, n, hit.ptr);
		}
		ruru_names_free(ids, nids);
	}
	ruru_buf_release(&c);
	ruru_buf_release(&hit);
}

/*
 * Resolve an ARTIFACT argument in any unambiguous form: a
 * path relative to the current directory or to the root, relative to a
 * session folder or to its artifacts/, the bare file name or its stem; the
 * sidecar's name stands for its artifact.  Several matches are
 * RURU_EUSAGE naming them.  With must_exist, no match is RURU_ENOTFOUND.
 */
int confirm_locate(struct ruru_ws *ws, const char *artifact, bool must_exist, struct loc *L,
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
	rc = confirm_loc_from_rel(ws, pick.len ? pick.ptr : (oka ? a.ptr : b.ptr), L, err);
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

/* Hash the target now ("" when absent); RURU_EREFUSED when unsafe. */
int confirm_target_hash(struct ruru_ws *ws, const char *rel, char hex[65], bool *exists,
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

/* Names in proposal order: "X.md" before "X-2.md" (compare the stems). */
int confirm_cmp_name(const void *a, const void *b)
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

size_t confirm_names(struct ruru_ws *ws, const char *rel, enum confirm_names which, char ***names)
{
	char *dir = ruru_ws_path(ws, rel);
	struct ruru_error ignore = { 0 };
	char **all = NULL;
	size_t n = 0, k = 0;
	int rc = ruru_store_names(ws->store, dir, NULL, 0, &all, &n, &ignore);
	free(dir);
	*names = NULL;
	if (rc < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(all[i]);
		bool side = l > 5 && !strcmp(all[i] + l - 5, ".toml");
		bool keep = which == CONFIRM_NAMES_FOLDERS ||
			    (confirm_has_prefix(all[i], "CONFIRM-") &&
			     side == (which == CONFIRM_NAMES_SIDECARS));
		if (keep)
			all[k++] = all[i];
		else
			free(all[i]);
	}
	if (k)
		qsort(all, k, sizeof(*all), confirm_cmp_name); /* the stamp in the name: oldest first */
	else {
		free(all);
		all = NULL;
	}
	*names = all;
	return k;
}
