/*
 * view.c — the change as ruru shows it: the current target, the payload
 * and the result read once, ruru's own diff -u of target against result
 * (never the agent's diff text), and the decide call's check that what was
 * shown (payload, result and target hashes, target path) is what is on disk
 * under the lock.
 */
#include "confirm_impl.h"
#include "difftext.h"
#include "banned.h"

void confirm_view_release(struct view *v)
{
	ruru_buf_release(&v->cur);
	ruru_buf_release(&v->payload);
	ruru_buf_release(&v->result);
	free(v->target);
	memset(v, 0, sizeof(*v));
}

int confirm_view_read(struct ruru_ws *ws, const struct ruru_confirm *c, struct view *v,
		     struct ruru_error *err)
{
	memset(v, 0, sizeof(*v));
	struct ruru_buf norm = RURU_BUF_INIT;
	char *pabs = ruru_ws_path(ws, c->artifact);
	int rc = -1;
	if (ruru_store_path_inside(ws->store, NULL, c->target, &norm, err) < 0 ||
	    confirm_target_hash(ws, norm.ptr, v->th, &v->exists, &v->cur, err) < 0 ||
	    ruru_store_read(ws->store, pabs, &v->payload, err) < 0)
		goto out;
	v->target = ruru_strdup(norm.ptr);
	ruru_sha256_hex(v->payload.ptr ? v->payload.ptr : "", v->payload.len, v->ph);
	if (v->exists && *c->result_sha256 && !strcmp(v->th, c->result_sha256) &&
	    strcmp(v->th, c->target_sha256)) {
		ruru_buf_add(&v->result, v->cur.ptr, v->cur.len);
		memcpy(v->rh, v->th, sizeof(v->rh));
	} else if (confirm_result_of(&ws->opts, c->kind, norm.ptr, &v->cur, v->payload.ptr ? v->payload.ptr : "",
			     v->payload.len, &v->result, v->rh, err) < 0) {
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		confirm_view_release(v);
	free(pabs);
	ruru_buf_release(&norm);
	return rc;
}

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

/* ruru's rendering of a change: `diff -u` of `cur` (the target's bytes;
 * /dev/null when it does not exist) against `result`, labelled a/TARGET
 * and b/TARGET.  Appends to *out. */
int confirm_render_diff(struct ruru_ws *ws, const char *target, bool exists, const struct ruru_buf *cur,
			const struct ruru_buf *result, struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_buf la = RURU_BUF_INIT, lb = RURU_BUF_INIT;
	int rc = -1;
	ruru_buf_addf(&la, "%s%s", exists ? "a/" : "", exists ? target : "/dev/null");
	ruru_buf_addf(&lb, "b/%s", target);
	const char *args[] = { "-u", "--label", la.ptr, "--label", lb.ptr, NULL };
	if (ruru_diff_texts(&ws->opts, args, cur->ptr, cur->len, result->ptr, result->len, out, err) >= 0)
		rc = 0;
	ruru_buf_release(&la);
	ruru_buf_release(&lb);
	return rc;
}

int ruru_confirm_diff(struct ruru_ws *ws, const struct ruru_confirm *c, struct ruru_buf *out,
		      struct ruru_error *err)
{
	/* Once applied, the target holds the result: the change is the one
	 * the apply recorded, not one computed from the disk now. */
	if (c->status == RURU_CONFIRM_APPLIED) {
		if (c->applied_diff)
			ruru_buf_addstr(out, c->applied_diff);
		return 0;
	}
	struct view v;
	int rc = -1;
	if (confirm_view_read(ws, c, &v, err) < 0)
		return -1;
	/* The bytes read here must be the ones c describes: what is shown
	 * and what a decision binds (c's values) are one change. */
	if (strcmp(v.ph, c->payload_sha256) || (c->target_unchanged && strcmp(v.th, c->target_sha256))) {
		ruru_error_set(err, RURU_ECONFLICT, CHANGED_WHILE_READ);
		goto out;
	}
	if (result_agrees(NULL, c, &v, err) < 0)
		goto out;
	rc = confirm_render_diff(ws, v.target, v.exists, &v.cur, &v.result, out, err);
out:
	confirm_view_release(&v);
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
int confirm_expect_check(struct ruru_ws *ws, const struct loc *L, const struct ruru_confirm *c,
			const struct ruru_confirm_expect *e, struct ruru_error *err)
{
	struct view v;
	if (confirm_view_read(ws, c, &v, err) < 0)
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
	confirm_view_release(&v);
	return rc;
}

/*
 * Does the target (bytes `cur`, hash `th`, `exists`) already hold what the
 * proposal c would write?  A content proposal: the payload's hash.  A diff:
 * undoing it gives back the bytes it was proposed against (for a new file:
 * applying it to nothing gives the target).
 */
bool confirm_holds_result(const struct ruru_options *o, const struct ruru_confirm *c, const struct ruru_buf *payload,
			 const struct ruru_buf *cur, const char *th, bool exists)
{
	if (!exists)
		return false;
	if (*c->result_sha256)
		return !strcmp(th, c->result_sha256);
	if (c->kind == RURU_CONFIRM_CONTENT)
		return !strcmp(th, c->payload_sha256);
	struct ruru_buf res = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	char h[65];
	bool yes;
	if (!*c->target_sha256) {
		yes = confirm_diff_apply(o, "", 0, payload->ptr, payload->len, c->target, false, &res, &ignore) == 0;
		if (yes) {
			ruru_sha256_hex(res.ptr, res.len, h);
			yes = !strcmp(h, th);
		}
	} else {
		yes = confirm_diff_apply(o, cur->ptr ? cur->ptr : "", cur->len, payload->ptr, payload->len,
				 c->target, true, &res, &ignore) == 0;
		if (yes) {
			ruru_sha256_hex(res.ptr, res.len, h);
			yes = !strcmp(h, c->target_sha256);
		}
	}
	ruru_buf_release(&res);
	return yes;
}
