/*
 * sign.c — signed decisions: ssh-keygen -Y sign over a record's canonical
 * text, the check against the user's allowed signers (outside the
 * workspace) with the signature's expiry, the user's and the workspace's
 * confirm settings, and `ruru init --signing`.
 */
#include "confirm_impl.h"
#include "banned.h"

/* CONFIG/ruru/NAME, CONFIG the options' config_dir (the front end's
 * $XDG_CONFIG_HOME, else $HOME/.config); NULL when there is none. */
char *confirm_user_config_path(const struct ruru_options *o, const char *name)
{
	const char *x = o ? o->config_dir : NULL;
	if (!x || *x != '/')
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/ruru/%s", x, name);
	return ruru_buf_detach(&b, NULL);
}

/*
 * The user's allowed signers: $XDG_CONFIG_HOME/ruru/allowed_signers, else
 * the file git's *global* gpg.ssh.allowedSignersFile names (never the
 * repository's own .git/config, which anything in the workspace can edit).
 * The XDG path when neither exists (for messages); NULL without a home.
 */
char *confirm_allowed_signers_path(const struct ruru_options *o)
{
	char *x = confirm_user_config_path(o, "allowed_signers");
	struct stat st;
	struct ruru_error e = { 0 };
	if (!x || ruru_file_lstat(x, &st, &e) == 0)
		return x;
	const char *argv[] = { "git", "config", "--global", "--get", "gpg.ssh.allowedSignersFile", NULL };
	struct ruru_buf out = RURU_BUF_INIT;
	int status = -1;
	if (confirm_run_capture(o, argv, &out, &status, &e) == 0 && status == 0) {
		while (out.len && out.ptr[out.len - 1] == '\n')
			out.ptr[--out.len] = '\0';
		struct ruru_buf p = RURU_BUF_INIT;
		const char *home = o ? o->home : NULL;
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
bool confirm_config_flag(const char *path, const char *key)
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

/* confirm.signature_ttl of a config file in seconds: a duration ("7d",
 * "12h") or a number of seconds; -1 when absent or not one. */
static long config_ttl(const char *path)
{
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	long v = -1;
	if (path && ruru_file_read(path, &text, &e) == 0) {
		struct ruru_toml *doc = ruru_toml_parse(text.ptr, text.len, &e);
		const struct ruru_toml_value *t =
			doc ? ruru_toml_table_get(ruru_toml_root(doc), "confirm", 7) : NULL;
		const struct ruru_toml_value *f =
			t && ruru_toml_kind(t) == RURU_TOML_TABLE ? ruru_toml_table_get(t, "signature_ttl", 13)
								  : NULL;
		size_t n;
		const char *str = f ? ruru_toml_string(f, &n) : NULL;
		if (str && strlen(str) == n)
			v = ruru_duration_parse(str);
		else if (f && ruru_toml_kind(f) == RURU_TOML_INTEGER && ruru_toml_integer(f) > 0 &&
			 ruru_toml_integer(f) < (1L << 40))
			v = (long)ruru_toml_integer(f);
		ruru_toml_free(doc);
	}
	ruru_buf_release(&text);
	return v > 0 ? v : -1;
}

bool confirm_ws_config_flag(struct ruru_ws *ws, const char *key)
{
	char *p = ruru_ws_path(ws, ".ruru/config.toml");
	bool v = confirm_config_flag(p, key);
	free(p);
	return v;
}

/* How long a signature made now stays valid: confirm.signature_ttl of the
 * user's config (default 7 days); the workspace's only when shorter (a
 * workspace may tighten the rules, never relax them). */
long confirm_signature_ttl(struct ruru_ws *ws)
{
	char *ucfg = confirm_user_config_path(&ws->opts, "config.toml");
	char *wcfg = ruru_ws_path(ws, ".ruru/config.toml");
	long u = config_ttl(ucfg), w = config_ttl(wcfg);
	free(ucfg);
	free(wcfg);
	long ttl = u > 0 ? u : SIGNATURE_TTL_DEFAULT;
	return w > 0 && w < ttl ? w : ttl;
}

/* The identity a signature is made as: --as, git's user.email, the login name. */
static char *sign_identity(const struct ruru_confirm_sign *sign, const struct ruru_options *o,
			   struct ruru_error *err)
{
	char *id = sign->identity && *sign->identity ? ruru_strdup(sign->identity)
						     : ruru_user_identity(o, RURU_IDENTITY_EMAIL);
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
int confirm_sign_record(struct ruru_confirm_record *r, const struct ruru_confirm_sign *sign,
		       const struct ruru_options *o, struct ruru_error *err)
{
	struct scratch sc;
	struct ruru_buf canon = RURU_BUF_INIT, out = RURU_BUF_INIT, sig = RURU_BUF_INIT;
	char *id = sign_identity(sign, o, err), *key = NULL;
	int rc = -1, st = 0;
	if (!id)
		return -1;
	if (confirm_scratch_make(&sc, o, err) < 0) {
		free(id);
		return -1;
	}
	if (sign->key && *sign->key) {
		key = ruru_strdup(sign->key);
	} else {
		/* git's user.signingkey (a file, or "key::<public key>"), else
		 * the first key ssh-agent holds: a public key, signed through
		 * the agent. */
		char *gk = ruru_git_config(o, "user.signingkey");
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
			if (confirm_run_capture(o, argv, &pub, &ast, &e) < 0 || ast != 0 ||
			    (strncmp(pub.ptr, RURU_LIT("ssh-")) && strncmp(pub.ptr, RURU_LIT("ecdsa-")) &&
			     strncmp(pub.ptr, RURU_LIT("sk-"))))
				ruru_buf_reset(&pub);
			char *nl = memchr(pub.ptr, '\n', pub.len);
			if (nl)
				pub.len = (size_t)(nl - pub.ptr) + 1, nl[1] = '\0';
		}
		free(gk);
		if (!key && pub.len) {
			if (confirm_write_plain(sc.path[1], pub.ptr, pub.len, err) < 0) {
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
	if (confirm_write_plain(sc.path[0], canon.ptr, canon.len, err) < 0)
		goto out;
	const char *argv[] = { "ssh-keygen", "-q", "-Y", "sign", "-n", SIGN_NAMESPACE, "-f", key,
			       sc.path[0], NULL };
	if (confirm_run_capture(o, argv, &out, &st, err) < 0)
		goto out;
	if (st != 0) {
		ruru_error_set(err, RURU_EFAIL, "ssh-keygen could not sign the decision: %s",
			       confirm_first_line(&out));
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
	confirm_scratch_remove(&sc);
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
int confirm_signature_checked_as(struct ruru_ws *ws, const struct loc *L,
				const struct ruru_buf *side, const struct records *R, bool always,
				bool expiry, struct ruru_error *err)
{
	char *ucfg = confirm_user_config_path(&ws->opts, "config.toml");
	bool req = always || confirm_config_flag(ucfg, "require_signature") ||
		   confirm_ws_config_flag(ws, "require_signature");
	free(ucfg);
	if (!req)
		return 0;
	char *signers = confirm_allowed_signers_path(&ws->opts);
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
		char *s = doc ? confirm_toml_str(ruru_toml_root(doc), "signature") : NULL;
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
	if (confirm_scratch_make(&sc, &ws->opts, err) < 0)
		goto out;
	have_sc = true;
	if (confirm_write_plain(sc.path[4], sig.ptr, sig.len, err) < 0)
		goto out;
	ruru_confirm_record_canonical(&canon, &R->rec);
	const char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", signers, "-I", R->rec.signer,
			       "-n", SIGN_NAMESPACE, "-s", sc.path[4], NULL };
	if (confirm_run_with_input(&ws->opts, argv, canon.ptr, canon.len, &out, &status, err) < 0)
		goto out;
	if (status != 0) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "the signature of the decision on \"%s\" is not a valid signature of "
			       "that decision by allowed signer \"%s\": %s",
			       L->rel, R->rec.signer, confirm_first_line(&out));
		goto out;
	}
	/* An old signature does not approve a later copy of the proposal:
	 * past its expiry (or made without one) it no longer counts. */
	if (expiry && (!R->rec.expires || ruru_now(ws) > R->rec.expires)) {
		char ts[32] = "";
		if (R->rec.expires)
			ruru_time_format_rfc3339(R->rec.expires, ts);
		ruru_error_set(err, RURU_ECONFLICT,
			       "the signature of the decision on \"%s\" %s%s; propose the change again",
			       L->rel, R->rec.expires ? "expired at " : "has no expiry (made by an older ruru)",
			       ts);
		goto out;
	}
	rc = 0;
out:
	if (have_sc)
		confirm_scratch_remove(&sc);
	free(signers);
	ruru_buf_release(&sig);
	ruru_buf_release(&canon);
	ruru_buf_release(&out);
	return rc;
}

/* The public half of a key named like sign_record's: "TYPE BASE64" (no
 * comment) into *out. */
static int public_key(const struct ruru_options *o, const char *key, struct ruru_buf *out,
		      struct ruru_error *err)
{
	struct ruru_buf text = RURU_BUF_INIT;
	int rc = -1, st = 0;
	ruru_buf_reset(out);
	char *gk = key && *key ? NULL : ruru_git_config(o, "user.signingkey");
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
			if (confirm_run_capture(o, argv, &text, &st, err) < 0)
				goto out;
			if (st != 0) {
				ruru_error_set(err, RURU_EFAIL, "ssh-keygen cannot read the key \"%s\": %s",
					       k, confirm_first_line(&text));
				goto out;
			}
		}
	} else {
		const char *argv[] = { "ssh-add", "-L", NULL };
		if (confirm_run_capture(o, argv, &text, &st, err) < 0 || st != 0)
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

int ruru_confirm_signing_init(const struct ruru_confirm_sign *sign,
			      struct ruru_signing_report **report, struct ruru_error *err)
{
	*report = NULL;
	char *cfg = confirm_user_config_path(sign->opts, "config.toml"),
	     *signers = confirm_user_config_path(sign->opts, "allowed_signers");
	char *id = NULL;
	struct ruru_buf pub = RURU_BUF_INIT, text = RURU_BUF_INIT, out = RURU_BUF_INIT,
			line = RURU_BUF_INIT;
	bool added = false;
	int rc = -1;
	if (!cfg || !signers) {
		ruru_error_set(err, RURU_EUSAGE, "no configuration folder given (the front end sets it from XDG_CONFIG_HOME or HOME)");
		goto out;
	}
	if (!(id = sign_identity(sign, sign->opts, err)) || public_key(sign->opts, sign->key, &pub, err) < 0)
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
		ruru_buf_addstr(&text, "# ruru's settings for this user; outside every "
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
	*report = ruru_xmalloc(sizeof(**report));
	(*report)->config = cfg;
	(*report)->allowed_signers = signers;
	(*report)->identity = id;
	(*report)->key_type = ruru_buf_detach(&line, NULL);
	(*report)->added = added;
	cfg = signers = id = NULL;
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

int confirm_signature_checked(struct ruru_ws *ws, const struct loc *L, const struct ruru_buf *side,
			     const struct records *R, struct ruru_error *err)
{
	return confirm_signature_checked_as(ws, L, side, R, false, true, err);
}

bool ruru_confirm_sign_wanted(struct ruru_ws *ws)
{
	return confirm_ws_config_flag(ws, "sign");
}

bool ruru_confirm_sign_required(struct ruru_ws *ws)
{
	if (confirm_ws_config_flag(ws, "require_signature"))
		return true;
	char *ucfg = confirm_user_config_path(&ws->opts, "config.toml");
	bool req = confirm_config_flag(ucfg, "require_signature");
	free(ucfg);
	return req;
}
