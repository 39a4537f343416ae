/*
 * confirm_impl.h — what the files of the confirmation workflow share
 * (src/lib/confirm/; each file calls only the ones before it: patch,
 * where, sidecar, records, view, sign, propose, decide, apply, commit,
 * verify, trace).
 *
 * A proposal is two files with one stem: the CONFIRM artifact, which holds
 * the payload verbatim (the target's exact new bytes, or a unified diff),
 * so that an executor without ruru can still "read the artifact, write to
 * the target"; and the sidecar CONFIRM-….toml with ruru's record (target,
 * kind, status, hashes, result, nonce, decision).  Every step that changes
 * a proposal runs under a lock — the session's (through a log
 * transaction, which also logs the step) or .ruru/temp/.lock — and
 * re-reads the sidecar there, so two executors racing to apply one
 * proposal cannot both succeed.
 *
 * What is shown is what is decided, and what is decided is what is
 * applied: a front end passes the hashes it showed to the decision (view.c),
 * decision records name target, hashes, result and nonce outside the
 * sidecar (records.c), and apply writes exactly the decided result once
 * (apply.c).  A refusal writes and logs nothing.
 */
#ifndef RURU_CONFIRM_IMPL_H
#define RURU_CONFIRM_IMPL_H

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

#include <jansson.h>

#include "entry.h"
#include "logtx.h"
#include "text.h"


/* A private scratch folder for patch's and diff's files. */
struct scratch {
	char dir[PATH_MAX];
	char path[5][PATH_MAX + 16];
};

/* The transaction a change runs under: a session's log transaction, or
 * in temp mode one of files alone under .ruru/temp/.lock.  Either way the
 * files it changes are staged in it and published by guard_commit. */
struct guard {
	bool session;
	bool held;
	time_t stamp; /* entries' time when set (a decision's, which its record names) */
	struct ruru_logtx tx;
};

/* Where a proposal lives, worked out from its artifact's path. */
struct loc {
	char *rel, *abs;           /* the CONFIRM file */
	char *side_rel, *side_abs; /* its sidecar */
	char *session;             /* NULL: .ruru/temp/ */
	char *srel;                /* relative to the session folder */
};

/* What the records say about one proposal. */
struct records {
	bool found;          /* a decision record exists: rec is the latest */
	bool bound;          /* ... and it names target and hashes */
	bool applied_after;  /* a success result follows it (session log) */
	int line;            /* where rec is: its log entry, or its decisions.log table */
	int nonce_line;      /* > 0: where an apply of rec's nonce is recorded */
	struct ruru_confirm_record rec;
};

/* The words an apply records its proposal's nonce with, in the result
 * entry (session) or an [[applied]] table of decisions.log (temp). */
#define NONCE_MARK " · nonce `"

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

#define CHANGED_WHILE_READ "the proposal changed while it was being read; show it again"

#define SIGN_NAMESPACE "ruru-confirm"

#define SIGNATURE_TTL_DEFAULT (7L * 24 * 3600)

/* Call fn for each CONFIRM file of one folder (root-relative), in name order. */
typedef void each_fn(struct ruru_ws *ws, const char *rel, void *out);

/* patch.c */
int confirm_run_capture_env(const struct ruru_options *o, const char *const argv[], const char *extra, struct ruru_buf *out, int *status, struct ruru_error *err);
int confirm_run_capture(const struct ruru_options *o, const char *const argv[], struct ruru_buf *out, int *status, struct ruru_error *err);
int confirm_scratch_make(struct scratch *s, const struct ruru_options *o, struct ruru_error *err);
void confirm_scratch_remove(struct scratch *s);
int confirm_write_plain(const char *path, const void *data, size_t len, struct ruru_error *err);
bool confirm_starts(const char *p, const char *end, const char *prefix);
int confirm_diff_apply(const struct ruru_options *o, const char *orig, size_t olen, const char *d, size_t dlen, const char *target, bool reverse, struct ruru_buf *result, struct ruru_error *err);
int confirm_result_of(const struct ruru_options *o, enum ruru_confirm_kind kind, const char *target, const struct ruru_buf *cur, const void *payload, size_t len, struct ruru_buf *result, char rh[65], struct ruru_error *err);
int confirm_run_with_input(const struct ruru_options *o, const char *const argv[], const char *input, size_t len, struct ruru_buf *out, int *status, struct ruru_error *err);
const char *confirm_first_line(struct ruru_buf *b);
json_t *confirm_added_ranges(const char *d, size_t len);
long confirm_count_lines_of(const char *b, size_t len);
json_t *confirm_changed_lines(const struct ruru_options *o, const struct ruru_buf *before, const struct ruru_buf *after);
void confirm_ranges_literal(struct ruru_buf *b, json_t *ranges);

/* where.c */
bool confirm_has_prefix(const char *s, const char *p);
int confirm_ws_lstat(struct ruru_ws *ws, const char *path, struct stat *st);
int confirm_remove_gone(struct ruru_ws *ws, const char *path, struct ruru_error *err);
void confirm_loc_release(struct loc *L);
bool confirm_is_file(struct ruru_ws *ws, const char *rel);
int confirm_loc_from_rel(struct ruru_ws *ws, const char *rel, struct loc *L, struct ruru_error *err);
int confirm_locate(struct ruru_ws *ws, const char *artifact, bool must_exist, struct loc *L, struct ruru_error *err);
int confirm_target_hash(struct ruru_ws *ws, const char *rel, char hex[65], bool *exists, struct ruru_buf *bytes, struct ruru_error *err);
int confirm_cmp_name(const void *a, const void *b);
/* The names in the folder `rel` (from the root; none when it cannot be
 * opened), dot names left out, in confirm_cmp_name's order (a proposal's
 * stamp: oldest first): proposals' payloads (CONFIRM-*, not sidecars),
 * their sidecars (CONFIRM-*.toml), or every name (a layout's session
 * folders).  The count; free with ruru_names_free(). */
enum confirm_names { CONFIRM_NAMES_PAYLOADS, CONFIRM_NAMES_SIDECARS, CONFIRM_NAMES_FOLDERS };
size_t confirm_names(struct ruru_ws *ws, const char *rel, enum confirm_names which, char ***names);

/* sidecar.c */
int confirm_guard_begin(struct ruru_ws *ws, const char *session, struct guard *g, struct ruru_error *err);
int confirm_guard_commit(struct guard *g, struct ruru_error *err);
void confirm_guard_abort(struct guard *g);
int confirm_guard_log(struct guard *g, enum ruru_event type, const char *srel, const char *mode, const char *task, const char *outcome, const char *msg, struct ruru_error *err);
bool confirm_is_hex(const char *s, size_t n);
char *confirm_toml_str(const struct ruru_toml_value *root, const char *key);
time_t confirm_toml_time(const struct ruru_toml_value *root, const char *key);
int confirm_sidecar_read(struct ruru_ws *ws, const struct loc *L, struct ruru_buf *text, struct ruru_confirm *c, struct ruru_error *err);
int confirm_side_set_lit(struct ruru_buf *text, const char *key, const char *lit, struct ruru_error *err);
int confirm_side_set_str(struct ruru_buf *text, const char *key, const char *val, struct ruru_error *err);
int confirm_side_set_time(struct ruru_buf *text, const char *key, time_t t, struct ruru_error *err);
void confirm_sidecar_new(struct ruru_buf *b, const char *artifact_name, const char *target, enum ruru_confirm_kind kind, const char *payload_sha, const char *target_sha, const char *result_sha, const char *nonce, const char *session, time_t created);
void confirm_observe(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c, struct ruru_buf *payload);
int confirm_nonce_new(char out[33], struct ruru_error *err);

/* records.c */
void confirm_record_message(struct ruru_buf *b, const struct ruru_confirm_record *r);
void confirm_records_release(struct records *R);
int confirm_records_read(struct ruru_ws *ws, const struct loc *L, struct records *R, struct ruru_error *err);
int confirm_records_stage_temp(struct ruru_ws *ws, struct guard *g, const struct ruru_confirm_record *r, struct ruru_error *err);
int confirm_decisions_stage_append(struct ruru_ws *ws, struct guard *g, const struct ruru_buf *add, struct ruru_error *err);
void confirm_record_of(struct ruru_confirm_record *r, const struct ruru_confirm *c, enum ruru_confirm_status d, const char *by, const char *why, time_t now);
int confirm_records_agree(const struct loc *L, const struct ruru_confirm *c, const struct records *R, struct ruru_error *err);

/* view.c */
void confirm_view_release(struct view *v);
int confirm_view_read(struct ruru_ws *ws, const struct ruru_confirm *c, struct view *v, struct ruru_error *err);
int confirm_render_diff(struct ruru_ws *ws, const char *target, bool exists, const struct ruru_buf *cur, const struct ruru_buf *result, struct ruru_buf *out, struct ruru_error *err);
int confirm_expect_check(struct ruru_ws *ws, const struct loc *L, const struct ruru_confirm *c, const struct ruru_confirm_expect *e, struct ruru_error *err);
bool confirm_holds_result(const struct ruru_options *o, const struct ruru_confirm *c, const struct ruru_buf *payload, const struct ruru_buf *cur, const char *th, bool exists);

/* sign.c */
char *confirm_user_config_path(const struct ruru_options *o, const char *name);
char *confirm_allowed_signers_path(const struct ruru_options *o);
bool confirm_config_flag(const char *path, const char *key);
bool confirm_ws_config_flag(struct ruru_ws *ws, const char *key);
long confirm_signature_ttl(struct ruru_ws *ws);
int confirm_sign_record(struct ruru_confirm_record *r, const struct ruru_confirm_sign *sign, const struct ruru_options *o, struct ruru_error *err);
int confirm_signature_checked_as(struct ruru_ws *ws, const struct loc *L, const struct ruru_buf *side, const struct records *R, bool always, bool expiry, struct ruru_error *err);
int confirm_signature_checked(struct ruru_ws *ws, const struct loc *L, const struct ruru_buf *side, const struct records *R, struct ruru_error *err);

/* decide.c */
int confirm_payload_checked(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c, struct ruru_buf *payload, struct ruru_error *err);

/* commit.c */
int confirm_git_run(struct ruru_ws *ws, const char *const *args, struct ruru_buf *out, int *status, struct ruru_error *err);

/* verify.c */
int confirm_each_proposal(struct ruru_ws *ws, const char *const *ids, size_t nids, bool temp, each_fn *fn, void *out, size_t *n, struct ruru_error *err);

#endif
