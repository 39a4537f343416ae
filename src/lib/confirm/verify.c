/*
 * verify.c — `ruru verify`: every proposal checked against its payload,
 * decision records, nonce, signature and target, each problem as
 * FILE:LINE:COL.
 */
#include "confirm_impl.h"
#include "banned.h"

/* One problem of `ruru verify`, added to the report `out`. */
__attribute__((format(printf, 5, 6))) static void problem(struct ruru_verify_report *out,
							  const char *file, int line,
							  const char *severity, const char *fmt, ...)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	out->problems = ruru_xrealloc(out->problems, (out->n + 1) * sizeof(*out->problems));
	struct ruru_verify_problem *p = &out->problems[out->n++];
	p->file = ruru_strdup(file);
	p->line = line > 0 ? line : 1;
	p->col = 1;
	p->error = !strcmp(severity, "error");
	p->message = ruru_buf_detach(&msg, NULL);
	out->errors += p->error;
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
static void verify_one(struct ruru_ws *ws, const char *rel, void *to)
{
	struct ruru_verify_report *out = to;
	struct loc L;
	struct ruru_error e = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, payload = RURU_BUF_INIT;
	struct ruru_confirm c;
	struct records R = { 0 };
	if (confirm_loc_from_rel(ws, rel, &L, &e) < 0)
		return;
	char *logrel = L.session ? NULL : ruru_strdup(".ruru/temp/decisions.log");
	if (L.session) {
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, ".ruru/sessions/%s/session_log.md", L.session);
		logrel = ruru_buf_detach(&b, NULL);
	}
	if (confirm_sidecar_read(ws, &L, &side, &c, &e) < 0) {
		if (e.code != RURU_ENOTFOUND) /* unadopted files are not proposals yet */
			problem(out, L.side_rel, e.line, "error", "%s", e.msg);
		goto out;
	}
	confirm_observe(ws, &L, &c, &payload);
	if (!c.payload_intact)
		problem(out, L.rel, 1, "error",
			"the payload does not hash to payload_sha256 %s of its sidecar: it changed "
			"after the proposal",
			c.payload_sha256);
	if (confirm_records_read(ws, &L, &R, &e) < 0) {
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
	if (R.nonce_line && st != RURU_CONFIRM_APPLIED)
		problem(out, L.side_rel, key_line(&side, "status"), "error",
			"the sidecar says %s, but %s:%d records this proposal's nonce %s as applied: "
			"a decision is used once (a replayed proposal)",
			ruru_confirm_status_word(st) ? ruru_confirm_status_word(st) : "?", logrel,
			R.nonce_line, R.rec.nonce);
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
	char *ucfg = confirm_user_config_path(&ws->opts, "config.toml");
	bool req = confirm_config_flag(ucfg, "require_signature") || confirm_ws_config_flag(ws, "require_signature");
	free(ucfg);
	if (R.bound && (req || (R.rec.signer && *R.rec.signer))) {
		struct ruru_error se = { 0 };
		char *signers = confirm_allowed_signers_path(&ws->opts);
		struct stat sst;
		if (!req && (!signers || ruru_store_lstat(ws->store, signers, &sst, &se) < 0))
			problem(out, logrel, R.line, "info",
				"the decision on %s is signed by \"%s\"; no allowed_signers file to check "
				"it against",
				L.rel, R.rec.signer);
		else if (confirm_signature_checked_as(ws, &L, &side, &R, true, false, &se) < 0)
			problem(out, logrel, R.line, "error", "%s", se.msg);
		free(signers);
	}
	/* A decision still waiting for apply whose signature has expired: apply
	 * will refuse it where signatures are required. */
	if (R.bound && R.rec.signer && *R.rec.signer && R.rec.expires && ruru_now(ws) > R.rec.expires &&
	    (st == RURU_CONFIRM_APPROVED || st == RURU_CONFIRM_SKIPPED)) {
		char ts[32];
		ruru_time_format_rfc3339(R.rec.expires, ts);
		problem(out, logrel, R.line, "info",
			"the signature of the decision on %s expired at %s; apply refuses it where "
			"signatures are required (propose again)",
			L.rel, ts);
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
		    confirm_target_hash(ws, norm.ptr, th, &exists, &cur, &e) == 0 &&
		    !confirm_holds_result(&ws->opts, &c, &payload, &cur, th, exists))
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
	confirm_records_release(&R);
	free(logrel);
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&payload);
}

static void each_in_dir(struct ruru_ws *ws, const char *rel, each_fn *fn, void *out, size_t *n)
{
	char **names;
	size_t k = confirm_names(ws, rel, CONFIRM_NAMES_PAYLOADS, &names);
	for (size_t i = 0; i < k; i++) {
		struct ruru_buf r = RURU_BUF_INIT;
		ruru_buf_addf(&r, "%s/%s", rel, names[i]);
		if (confirm_is_file(ws, r.ptr)) {
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
int confirm_each_proposal(struct ruru_ws *ws, const char *const *ids, size_t nids, bool temp,
			 each_fn *fn, void *out, size_t *n, struct ruru_error *err)
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
	if (!nids)
		k = confirm_names(ws, ".ruru/sessions", CONFIRM_NAMES_FOLDERS, &ss);
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

struct ruru_verify_report *ruru_confirm_verify(struct ruru_ws *ws, const char *const *ids,
					       size_t nids, struct ruru_error *err)
{
	struct ruru_verify_report *problems = ruru_xmalloc(sizeof(*problems));
	memset(problems, 0, sizeof(*problems));
	size_t n = 0;
	if (confirm_each_proposal(ws, ids, nids, true, verify_one, problems, &n, err) < 0) {
		ruru_verify_report_free(problems);
		return NULL;
	}
	problems->proposals = n;
	/* A workspace cannot name signers: say so when it tries. */
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
	return problems;
}

void ruru_verify_report_free(struct ruru_verify_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->problems[i].file);
		free(r->problems[i].message);
	}
	free(r->problems);
	free(r);
}

