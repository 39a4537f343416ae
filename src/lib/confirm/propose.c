/*
 * propose.c — new proposals and reading them: propose (content or a diff,
 * its result and nonce recorded), adopt a hand-made CONFIRM file, load one
 * with what the disk says now, and list a session's and .ruru/temp/'s.
 */
#include "confirm_impl.h"
#include "banned.h"

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

/* The oldest proposal still pending (of session `id`, else the active
 * one, and of .ruru/temp/) that would write the same result `rh` to
 * `target`, or NULL: the same edit proposed again. */
static char *pending_same(struct ruru_ws *ws, const char *id, const char *target, const char *rh)
{
	struct ruru_error ignore = { 0 };
	struct ruru_confirm_list *all = ruru_confirm_list(ws, id, "pending", &ignore);
	char *found = NULL;
	for (size_t i = 0; all && i < all->n && !found; i++) {
		const struct ruru_confirm *c = &all->items[i];
		if (c->target && c->artifact && !strcmp(c->target, target) &&
		    !strcmp(c->result_sha256, rh))
			found = ruru_strdup(c->artifact);
	}
	ruru_confirm_list_free(all);
	return found;
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
	char *id = NULL, *dir = NULL, *dup = NULL;
	char ph[65], th[65], rh[65], nonce[33];
	bool exists;
	int rc = -1;
	struct ruru_buf result = RURU_BUF_INIT;

	if (!target || !*target) {
		ruru_error_set(err, RURU_EUSAGE, "a proposal needs a target");
		goto out;
	}
	if (ruru_text_check("target", target, strlen(target), RURU_TEXT_LINE, err) < 0 ||
	    ruru_path_bounds("the target", target, false, err) < 0)
		goto out; /* sec-text: the text rule */
	if (ruru_store_relative(ws->store, target, &norm, err) < 0 ||
	    confirm_target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0 ||
	    confirm_result_of(&ws->opts, kind, norm.ptr, &cur, payload, len, &result, rh, err) < 0 ||
	    confirm_nonce_new(nonce, err) < 0 ||
	    ruru_session_optional(ws, session, &id, err) < 0) /* an ended .active: temp */
		goto out;
	if (!ruru_entry_field_ok(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "target \"%s\" holds a backtick", norm.ptr);
		goto out;
	}
	ruru_sha256_hex(payload, len, ph);
	dup = pending_same(ws, id, norm.ptr, rh);
	/* begin, check, stage, log, commit */
	if (confirm_guard_begin(ws, id, &g, err) < 0)
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
		confirm_loc_release(&L);
		if (confirm_loc_from_rel(ws, name.ptr, &L, err) < 0)
			goto out;
		struct stat st;
		if (confirm_ws_lstat(ws, L.side_abs, &st) == 0 || confirm_ws_lstat(ws, L.abs, &st) == 0)
			continue;
		if (!id) { /* a deleted temp pair's name keeps its records: never reuse it */
			struct records R;
			if (confirm_records_read(ws, &L, &R, err) < 0)
				goto out;
			bool used = R.found;
			confirm_records_release(&R);
			if (used)
				continue;
		}
		break;
	}
	const char *base = strrchr(L.rel, '/') + 1;
	confirm_sidecar_new(&side, base, norm.ptr, kind, ph, th, rh, nonce, id, now);
	if (ruru_logtx_stage_file(&g.tx, L.abs, payload, len, true, err) < 0 ||
	    ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, true, err) < 0)
		goto out;
	if (id) {
		ruru_buf_addf(&msg, "Proposed %s for `%s` (%zu bytes), awaiting confirmation",
			      kind == RURU_CONFIRM_DIFF ? "a diff" : "new content", norm.ptr, len);
		if (ruru_logtx_array_add(&g.tx, "related_artifacts", L.srel, err) < 0 ||
		    confirm_guard_log(&g, RURU_EV_ARTIFACT, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	}
	if (confirm_guard_commit(&g, err) < 0)
		goto out;
	fill_new(out, &L, norm.ptr, kind, ph, th, rh, nonce, now, len);
	out->duplicate_of = dup;
	dup = NULL;
	rc = 0;
out:
	confirm_guard_abort(&g); /* nothing staged stays */
	confirm_loc_release(&L);
	free(id);
	free(dir);
	free(dup);
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
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (!target || !*target) {
		ruru_error_set(err, RURU_EUSAGE, "adopting needs the target");
		ruru_error_hint(err, "target", RURU_HINT_NONE, NULL);
		goto out;
	}
	if (ruru_path_bounds("the target", target, false, err) < 0 ||
	    ruru_store_relative(ws->store, target, &norm, err) < 0 ||
	    confirm_target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0)
		goto out;
	if (!ruru_entry_field_ok(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "target \"%s\" holds a backtick", norm.ptr);
		goto out;
	}
	if (confirm_guard_begin(ws, L.session, &g, err) < 0)
		goto out;
	if (ruru_store_read(ws->store, L.abs, &payload, err) < 0 ||
	    confirm_result_of(&ws->opts, kind, norm.ptr, &cur, payload.ptr, payload.len, &result, rh, err) < 0 ||
	    confirm_nonce_new(nonce, err) < 0)
		goto out;
	struct stat st;
	if (confirm_ws_lstat(ws, L.side_abs, &st) == 0) {
		ruru_error_set(err, RURU_ECONFLICT, "\"%s\" is already in the workflow (it has %s)",
			       L.rel, L.side_rel);
		goto out;
	}
	ruru_sha256_hex(payload.ptr, payload.len, ph);
	time_t now = ruru_now(ws);
	confirm_sidecar_new(&side, strrchr(L.rel, '/') + 1, norm.ptr, kind, ph, th, rh, nonce, L.session, now);
	if (ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, true, err) < 0)
		goto out;
	if (L.session) {
		ruru_buf_addf(&msg, "Adopted `%s` as a proposed %s for `%s`, awaiting confirmation",
			      L.srel, kind == RURU_CONFIRM_DIFF ? "diff" : "content", norm.ptr);
		if (ruru_logtx_array_add(&g.tx, "related_artifacts", L.srel, err) < 0 ||
		    confirm_guard_log(&g, RURU_EV_ARTIFACT, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	}
	if (confirm_guard_commit(&g, err) < 0)
		goto out;
	fill_new(out, &L, norm.ptr, kind, ph, th, rh, nonce, now, payload.len);
	rc = 0;
out:
	confirm_guard_abort(&g);
	confirm_loc_release(&L);
	ruru_buf_release(&result);
	ruru_buf_release(&norm);
	ruru_buf_release(&cur);
	ruru_buf_release(&payload);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

int ruru_confirm_load(struct ruru_ws *ws, const char *artifact, struct ruru_confirm *out,
		      struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct loc L;
	struct ruru_buf side = RURU_BUF_INIT;
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	int rc = confirm_sidecar_read(ws, &L, &side, out, err);
	if (rc == 0)
		confirm_observe(ws, &L, out, NULL);
	if (rc == 0 && !*out->result_sha256 && out->target_unchanged) {
		/* A diff proposal of an older ruru: its result, worked out now. */
		struct view v;
		struct ruru_error ignore = { 0 };
		if (confirm_view_read(ws, out, &v, &ignore) == 0) {
			memcpy(out->result_sha256, v.rh, sizeof(out->result_sha256));
			confirm_view_release(&v);
		}
	}
	struct records R;
	if (rc == 0 && confirm_records_read(ws, &L, &R, err) < 0) {
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
		confirm_records_release(&R);
	}
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	return rc;
}

int ruru_confirm_show(struct ruru_ws *ws, const char *artifact, struct ruru_confirm *out,
		      struct ruru_error *err)
{
	struct ruru_buf diff = RURU_BUF_INIT;
	if (ruru_confirm_load(ws, artifact, out, err) < 0)
		return -1;
	if (ruru_confirm_diff(ws, out, &diff, err) < 0) {
		ruru_confirm_release(out);
		ruru_buf_release(&diff);
		return -1;
	}
	out->diff = ruru_buf_detach(&diff, &out->diff_len);
	return 0;
}

/* Append the proposals found in one folder (root-relative `rel`). */
/* `want` RURU_CONFIRM_UNKNOWN: every proposal; `unadopted`: CONFIRM files
 * without a sidecar too (with `only_unadopted`, just those). */
static void list_add(struct ruru_confirm_list *out, struct ruru_confirm *c, size_t *cap)
{
	if (out->n == *cap)
		out->items = ruru_xrealloc(out->items, (*cap = *cap ? 2 * *cap : 16) * sizeof(*out->items));
	out->items[out->n++] = *c; /* taken */
	memset(c, 0, sizeof(*c));
}

static void list_dir(struct ruru_ws *ws, const char *rel, enum ruru_confirm_status want,
		     bool want_unadopted, bool only_unadopted, struct ruru_confirm_list *out,
		     size_t *out_cap)
{
	char **names;
	size_t n = confirm_names(ws, rel, CONFIRM_NAMES_PAYLOADS, &names);
	for (size_t i = 0; i < n; i++) {
		struct ruru_buf r = RURU_BUF_INIT, side = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		struct loc L;
		struct ruru_confirm c;
		ruru_buf_addf(&r, "%s/%s", rel, names[i]);
		if (confirm_is_file(ws, r.ptr) && confirm_loc_from_rel(ws, r.ptr, &L, &e) == 0) {
			if (confirm_sidecar_read(ws, &L, &side, &c, &e) == 0) {
				confirm_observe(ws, &L, &c, NULL);
				if (!only_unadopted && (!want || c.status == want))
					list_add(out, &c, out_cap);
				ruru_confirm_release(&c);
			} else if (e.code == RURU_ENOTFOUND && want_unadopted) {
				struct ruru_confirm u = { 0 }; /* no sidecar: status unknown */
				u.artifact = ruru_strdup(L.rel);
				u.session = L.session ? ruru_strdup(L.session) : NULL;
				list_add(out, &u, out_cap);
			}
			confirm_loc_release(&L);
		}
		ruru_buf_release(&r);
		ruru_buf_release(&side);
		free(names[i]);
	}
	free(names);
}

struct ruru_confirm_list *ruru_confirm_list(struct ruru_ws *ws, const char *session,
					    const char *status, struct ruru_error *err)
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
	struct ruru_confirm_list *out = ruru_xmalloc(sizeof(*out));
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	if (id) {
		struct ruru_buf rel = RURU_BUF_INIT;
		ruru_buf_addf(&rel, "%s/%s/artifacts", ruru_layout_dir(ruru_ws_session_layout(ws, id)),
			      id);
		list_dir(ws, rel.ptr, want, unadopted, only, out, &cap);
		ruru_buf_release(&rel);
	}
	list_dir(ws, ".ruru/temp", want, unadopted, only, out, &cap);
	free(id);
	return out;
}
