/*
 * apply.c — the executor's step: every check (status, payload, records,
 * signature, nonce not yet applied, target unchanged), then exactly the
 * decided result written with the sidecar and the result entry in one
 * transaction; a failure leaves the workspace as it was, or says what it
 * left.
 */
#include "confirm_impl.h"
#include "banned.h"

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
	if (confirm_target_hash(ws, rel, now_h, &now_exists, NULL, &ignore) == 0 && now_exists &&
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

/*
 * What the apply writes over, into the sidecar that the same transaction
 * publishes: the target's hash before it (applied_from_sha256; "" for a
 * new file) and ruru's diff of that content against the result
 * (applied_diff), so that the change can be shown once the target holds
 * the result and the earlier content is gone.  A target that already
 * held the result was changed by someone else: no diff of ruru's to keep.
 */
static int record_applied(struct ruru_ws *ws, struct ruru_buf *side, const char *target, bool exists,
			  const char *th, const struct ruru_buf *cur, const struct ruru_buf *result,
			  bool already, struct ruru_error *err)
{
	struct ruru_buf d = RURU_BUF_INIT;
	if (!already && confirm_render_diff(ws, target, exists, cur, result, &d, err) < 0)
		return -1;
	if (d.len > RURU_APPLIED_DIFF_MAX)
		ruru_buf_reset(&d);
	int rc = confirm_side_set_str(side, "applied_from_sha256", exists ? th : "", err);
	if (rc == 0)
		rc = confirm_side_set_str(side, "applied_diff", d.ptr ? d.ptr : "", err);
	ruru_buf_release(&d);
	return rc;
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
	if (confirm_sidecar_read(ws, L, &text, &c, &ignore) == 0 && confirm_records_read(ws, L, &R, &ignore) == 0)
		rc = apply_status_check(L, &c, &R, err);
	confirm_records_release(&R);
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
	char *verified = NULL;
	int rc = -1;
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	/* The proposal's own state is the more specific reason: a withdrawn,
	 * rejected, pending or applied proposal says so even when its session
	 * has ended since (read before the lock, checked again under it). */
	if (apply_precheck(ws, &L, err) < 0) {
		confirm_loc_release(&L);
		return -1;
	}
	if (confirm_guard_begin(ws, L.session, &g, err) < 0)
		goto out;
	if (confirm_sidecar_read(ws, &L, &side, out, err) < 0 || confirm_records_read(ws, &L, &R, err) < 0 ||
	    apply_status_check(&L, out, &R, err) < 0)
		goto fail;
	if (R.nonce_line) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" was already applied: %s:%d records its nonce %s, whatever its "
			       "sidecar says now; a decision is used once (propose the change again)",
			       L.rel, L.session ? "the session log" : ".ruru/temp/decisions.log",
			       R.nonce_line, R.rec.nonce);
		goto fail;
	}
	/* An unsafe target is refused as such (exit 6) before the binding. */
	if (confirm_payload_checked(ws, &L, out, &payload, err) < 0 ||
	    ruru_store_path_inside(ws->store, NULL, out->target, &norm, err) < 0 ||
	    confirm_target_hash(ws, norm.ptr, th, &exists, &cur, err) < 0 ||
	    confirm_records_agree(&L, out, &R, err) < 0 || confirm_signature_checked(ws, &L, &side, &R, err) < 0)
		goto fail;
	/* A signed decision is checked against the user's allowed signers
	 * even when signatures are not required, so that what this apply
	 * reports as signed (apply --commit's Ruru-Signed-By) was verified. */
	if (R.rec.signer && *R.rec.signer) {
		struct ruru_error se = { 0 };
		if (confirm_signature_checked_as(ws, &L, &side, &R, true, true, &se) == 0)
			verified = ruru_strdup(R.rec.signer);
	}
	out->already = confirm_holds_result(&ws->opts, out, &payload, &cur, th, exists);
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
		char rh[65];
		if (confirm_result_of(&ws->opts, out->kind, out->target, &cur, payload.ptr ? payload.ptr : "", payload.len,
			      &result, rh, err) < 0) {
			/* Forced over a target the diff no longer fits: a
			 * refusal; nothing is written and the proposal keeps its
			 * state, which the answer says. */
			if (forced && err && err->code == RURU_EINVALID) {
				char why[sizeof(err->msg)];
				snprintf(why, sizeof(why), "%s", err->msg);
				ruru_error_set(err, RURU_EINVALID,
					       "%s; nothing was written and \"%s\" stays %s (propose the "
					       "change again)",
					       why, L.rel, ruru_confirm_status_word(out->status));
			}
			goto fail;
		}
		/* Exactly the bytes that were shown and decided, or nothing (a
		 * diff forced over a changed target would make others). */
		if (*out->result_sha256 && strcmp(rh, out->result_sha256)) {
			ruru_error_set(err, RURU_ECONFLICT,
				       "applied to target \"%s\" as it is now, \"%s\" would write other "
				       "bytes than the result that was shown and decided (result_sha256 "
				       "%.12s…); propose the change again",
				       norm.ptr, L.rel, out->result_sha256);
			goto fail;
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
			json_t *ranges = out->kind == RURU_CONFIRM_DIFF ? confirm_added_ranges(payload.ptr, payload.len)
					 : out->already
						 ? json_pack("[[i, I]]", 1, (json_int_t)confirm_count_lines_of(result.ptr, result.len))
						 : confirm_changed_lines(&ws->opts, &cur, &result);
			if (out->kind == RURU_CONFIRM_CONTENT && out->already && !result.len)
				json_array_clear(ranges);
			struct ruru_buf lit = RURU_BUF_INIT;
			confirm_ranges_literal(&lit, ranges);
			json_decref(ranges);
			int srk = confirm_side_set_lit(&side, "changed_lines", lit.ptr, err);
			ruru_buf_release(&lit);
			if (srk == 0)
				srk = record_applied(ws, &side, norm.ptr, exists, th, &cur, &result, out->already, err);
			if (srk < 0 || confirm_side_set_str(&side, "status", "applied", err) < 0 ||
			    confirm_side_set_time(&side, "applied_at", now, err) < 0 ||
			    confirm_side_set_lit(&side, "forced", forced ? "true" : "false", err) < 0 ||
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
		if (*out->nonce) /* consumed: no later apply of this proposal */
			ruru_buf_addf(&msg, NONCE_MARK "%s`", out->nonce);
		if (confirm_guard_log(&g, RURU_EV_RESULT, L.srel, out->delegated_to && *out->delegated_to
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
		if (*out->nonce) { /* consumed, in the append-only record */
			struct ruru_buf t = RURU_BUF_INIT;
			ruru_buf_addstr(&t, "[[applied]]\nartifact = ");
			ruru_toml_encode_string(&t, L.rel, strlen(L.rel));
			ruru_buf_addf(&t, "\nnonce = \"%s\"\nresult_sha256 = \"%s\"\napplied_at = ",
				      out->nonce, out->result_sha256);
			ruru_toml_encode_time(&t, now);
			ruru_buf_addch(&t, '\n');
			int arc = confirm_decisions_stage_append(ws, &g, &t, err);
			ruru_buf_release(&t);
			if (arc < 0)
				goto fail;
		}
	}
	if (confirm_guard_commit(&g, err) < 0) {
		note_leftover(ws, &L, norm.ptr, &result, th, &orig_side, err);
		goto fail;
	}
	if (out->status != RURU_CONFIRM_APPLIED || !L.session)
		out->applied_at = now;
	out->status = RURU_CONFIRM_APPLIED;
	out->forced = forced;
	out->target_unchanged = true;
	out->verified_signer = verified;
	verified = NULL;
	rc = 0;
	goto out;
fail:
	confirm_guard_abort(&g); /* what was staged goes: nothing changed */
	/* A write that failed (not a refusal) is logged as a failed result,
	 * best effort; the error returned is the one that stopped the apply. */
	if (writing && L.session) {
		struct ruru_error lerr = { 0 };
		ruru_buf_reset(&msg);
		ruru_buf_addf(&msg, "Apply of `%s` failed: ", L.srel);
		ruru_error_format(err, &msg);
		const char *mode = out->delegated_to && *out->delegated_to ? out->delegated_to : NULL;
		const char *task = out->task && *out->task ? out->task : NULL;
		if (confirm_guard_begin(ws, L.session, &g, &lerr) == 0 &&
		    confirm_guard_log(&g, RURU_EV_RESULT, L.srel, mode, task, "failure", msg.ptr, &lerr) == 0)
			confirm_guard_commit(&g, &lerr);
	}
	ruru_confirm_release(out);
out:
	confirm_guard_abort(&g);
	confirm_records_release(&R);
	confirm_loc_release(&L);
	free(tabs);
	free(verified);
	ruru_buf_release(&side);
	ruru_buf_release(&orig_side);
	ruru_buf_release(&payload);
	ruru_buf_release(&cur);
	ruru_buf_release(&result);
	ruru_buf_release(&norm);
	ruru_buf_release(&msg);
	return rc;
}
