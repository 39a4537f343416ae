/*
 * decide.c — the steps between proposal and apply: the decision (approve,
 * reject, skip; signed, bound to what was shown), the delegation to an
 * executor, withdrawal, and cleaning .ruru/temp/.
 */
#include "confirm_impl.h"
#include "banned.h"

/* Check that the payload on disk is still the one proposed (and decided). */
int confirm_payload_checked(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c,
			   struct ruru_buf *payload, struct ruru_error *err)
{
	confirm_observe(ws, L, c, payload);
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
	if (confirm_sidecar_read(ws, L, side, c, err) < 0)
		return -1;
	return confirm_payload_checked(ws, L, c, payload, err);
}

int ruru_confirm_decide(struct ruru_ws *ws, const char *artifact,
			enum ruru_confirm_decision decision, const char *reason,
			struct ruru_confirm *out, struct ruru_error *err)
{
	return ruru_confirm_decide_signed(ws, artifact, decision, reason, NULL, out, err);
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
		return -1; /* sec-text: the text rule */
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
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (confirm_guard_begin(ws, L.session, &g, err) < 0)
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
	if (confirm_expect_check(ws, &L, out, expect, err) < 0)
		goto out;
	struct records R;
	if (confirm_records_read(ws, &L, &R, err) < 0)
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
		confirm_records_release(&R);
		goto out;
	}
	confirm_records_release(&R);
	static const enum ruru_confirm_status to[] = { RURU_CONFIRM_APPROVED, RURU_CONFIRM_REJECTED,
						       RURU_CONFIRM_SKIPPED };
	const char *by = decision == RURU_DECIDE_SKIP ? "coordinator" : "user";
	time_t now = ruru_now(ws);
	g.stamp = now; /* the log entry's time is the record's */
	confirm_record_of(&rec, out, to[decision], by, reason, now);
	if (sign) {
		rec.expires = now + confirm_signature_ttl(ws);
		if (confirm_sign_record(&rec, sign, &ws->opts, err) < 0)
			goto out;
	}
	if (confirm_side_set_str(&side, "status", ruru_confirm_status_word(to[decision]), err) < 0 ||
	    confirm_side_set_str(&side, "decided_by", by, err) < 0 ||
	    confirm_side_set_str(&side, "rationale", reason ? reason : "", err) < 0 ||
	    confirm_side_set_time(&side, "decided_at", now, err) < 0 ||
	    (rec.signature && (confirm_side_set_str(&side, "signed_by", rec.signer, err) < 0 ||
			       confirm_side_set_str(&side, "signature", rec.signature, err) < 0)))
		goto out;
	/* staged: published with the log entry (or the temp record), or not at all */
	if (ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	if (!g.session) {
		if (confirm_records_stage_temp(ws, &g, &rec, err) < 0)
			goto out;
	} else if (decision == RURU_DECIDE_SKIP) {
		confirm_record_message(&msg, &rec);
		if (confirm_guard_log(&g, RURU_EV_CONFIRM_SKIP, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	} else {
		ruru_buf_addf(&msg, "Please review the proposed changes in `%s` (target `%s`). Do you approve?",
			      L.rel, out->target);
		if (confirm_guard_log(&g, RURU_EV_CONFIRM_REQUEST, L.srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
		ruru_buf_reset(&msg);
		confirm_record_message(&msg, &rec);
		if (confirm_guard_log(&g, RURU_EV_CONFIRM_RESPONSE, L.srel, NULL, NULL,
			      decision == RURU_DECIDE_APPROVE ? "approved" : "rejected", msg.ptr, err) < 0)
			goto out;
	}
	if (confirm_guard_commit(&g, err) < 0)
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
	confirm_guard_abort(&g);
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

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
		return -1; /* sec-text: the text rule */
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
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (confirm_guard_begin(ws, L.session, &g, err) < 0 || reload_checked(ws, &L, &side, out, NULL, err) < 0)
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
	if (confirm_side_set_str(&side, "delegated_to", to, err) < 0 ||
	    confirm_side_set_str(&side, "task", task ? task : "", err) < 0 ||
	    ruru_logtx_stage_file(&g.tx, L.side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	if (g.session && task && ruru_logtx_array_add(&g.tx, "related_tasks", task, err) < 0)
		goto out;
	if (confirm_guard_log(&g, RURU_EV_DELEGATION, L.srel, to, task, NULL, msg.ptr, err) < 0 ||
	    confirm_guard_commit(&g, err) < 0)
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
	confirm_guard_abort(&g);
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&msg);
	return rc;
}

static int withdraw_locked(struct ruru_ws *ws, const struct loc *L, struct guard *g,
			   const char *reason, struct ruru_confirm *out, struct ruru_error *err)
{
	struct ruru_buf side = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	struct ruru_confirm_record rec = { 0 };
	int rc = -1;
	if (confirm_sidecar_read(ws, L, &side, out, err) < 0)
		goto out;
	if (out->status != RURU_CONFIRM_PENDING && !decided_yes(out)) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "\"%s\" is %s; only a pending, approved or skipped proposal is withdrawn",
			       L->rel, ruru_confirm_status_word(out->status));
		goto out;
	}
	time_t now = ruru_now(ws);
	if (confirm_side_set_str(&side, "status", "withdrawn", err) < 0 ||
	    confirm_side_set_time(&side, "withdrawn_at", now, err) < 0 ||
	    confirm_side_set_str(&side, "withdrawn_reason", reason ? reason : "", err) < 0 ||
	    ruru_logtx_stage_file(&g->tx, L->side_abs, side.ptr, side.len, false, err) < 0)
		goto out;
	confirm_record_of(&rec, out, RURU_CONFIRM_WITHDRAWN, "coordinator", reason, now);
	g->stamp = now;
	if (g->session) {
		confirm_record_message(&msg, &rec);
		if (confirm_guard_log(g, RURU_EV_NOTE, L->srel, NULL, NULL, NULL, msg.ptr, err) < 0)
			goto out;
	} else if (confirm_records_stage_temp(ws, g, &rec, err) < 0) {
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
		return -1; /* sec-text: the text rule */
	struct loc L;
	struct guard g = { 0 };
	int rc = -1;
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	if (confirm_guard_begin(ws, L.session, &g, err) == 0 &&
	    withdraw_locked(ws, &L, &g, reason, out, err) == 0 && confirm_guard_commit(&g, err) == 0) {
		rc = 0;
		confirm_observe(ws, &L, out, NULL); /* the answer says what is on disk now */
	}
	if (rc < 0)
		ruru_confirm_release(out);
	confirm_guard_abort(&g);
	confirm_loc_release(&L);
	return rc;
}

int ruru_confirm_clean(struct ruru_ws *ws, struct ruru_confirm_removed **removed,
		       struct ruru_error *err)
{
	struct ruru_confirm_removed *out = ruru_xmalloc(sizeof(*out));
	memset(out, 0, sizeof(*out));
	*removed = NULL;
	struct guard g = { 0 };
	if (confirm_guard_begin(ws, NULL, &g, err) < 0) {
		ruru_confirm_removed_free(out);
		return -1;
	}
	char **names;
	size_t n = confirm_names(ws, ".ruru/temp", CONFIRM_NAMES_SIDECARS, &names);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t l = strlen(names[i]);
		/* Each sidecar; its artifact is the same stem + ".md". */
		struct ruru_buf rel = RURU_BUF_INIT, text = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		struct loc L;
		struct ruru_confirm c;
		ruru_buf_addf(&rel, ".ruru/temp/%.*s.md", (int)(l - 5), names[i]);
		if (confirm_loc_from_rel(ws, rel.ptr, &L, &e) == 0) {
			if (confirm_sidecar_read(ws, &L, &text, &c, &e) == 0) {
				if (c.status == RURU_CONFIRM_WITHDRAWN || c.status == RURU_CONFIRM_REJECTED ||
				    c.status == RURU_CONFIRM_APPLIED) {
					if (confirm_remove_gone(ws, L.abs, err) < 0 ||
					    confirm_remove_gone(ws, L.side_abs, err) < 0)
						rc = -1;
					else {
						out->artifacts = ruru_xrealloc(out->artifacts, (out->n + 1) *
										   sizeof(*out->artifacts));
						out->artifacts[out->n++] = ruru_strdup(L.rel);
					}
				}
				ruru_confirm_release(&c);
			}
			confirm_loc_release(&L);
		}
		ruru_buf_release(&rel);
		ruru_buf_release(&text);
	}
	ruru_names_free(names, n);
	confirm_guard_abort(&g);
	if (rc < 0)
		ruru_confirm_removed_free(out);
	else
		*removed = out;
	return rc;
}
