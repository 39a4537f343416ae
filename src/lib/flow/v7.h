/*
 * v7.h — library-internal helpers shared by the V7 modules (typed.c,
 * task.c, summary.c): filling a template's front matter format-
 * preservingly, reading templates (the workspace's own, else ruru's
 * built-in copy), and the checks on the short texts those commands take.
 */
#ifndef RURU_V7_H
#define RURU_V7_H

#include <jansson.h>

#include "ruru.h"
#include "workspace.h"

/* One front-matter key to set: `literal` is a TOML value as written after
 * '=' (an encoded string, a date-time, an array). */
struct ruru_fm_set {
	const char *key;
	const char *literal;
};

/*
 * Fill the front matter of template `tpl` (TOML+Markdown): set each key
 * (added at the end of the root table when absent), append each of `tags`
 * not already in `tags` (the array's comments and layout kept), and write
 * the whole document — front matter then `body` (the template's own body
 * when NULL) — to `out` (reset first).  Everything else of the front
 * matter stays byte for byte.  RURU_EINVALID when the template has no
 * front matter or its TOML is invalid (err names `tpl_name`).
 */
int ruru_fm_fill(struct ruru_buf *out, const char *tpl, size_t len, const char *tpl_name,
		 const struct ruru_fm_set *sets, size_t nsets, const char *const *tags,
		 size_t ntags, const char *body, struct ruru_error *err);

/*
 * Read template `name` (e.g. "31_session_note.md"): the workspace's
 * .ruru/templates/toml-md/<name> when it is a regular file inside the
 * root, else the built-in copy.  `*from` (may be NULL) gets the path
 * relative to the root, or "built-in".  RURU_ENOTFOUND when neither.
 */
int ruru_template_read(struct ruru_ws *ws, const char *dir, const char *name,
		       struct ruru_buf *out, struct ruru_buf *from, struct ruru_error *err);

/* Where typed folders sit in a session, relative to its folder:
 * "artifacts/" (V7, v8) or "" (v8.1, directly in the session folder). */
const char *ruru_ws_typed_base(struct ruru_ws *ws, const char *id);

/* The Markdown files of one typed folder of a session ("learnings",
 * "blockers"), in name order (readdir's order is the file system's, so
 * sorting makes the same bytes everywhere).  `dir` is the folder relative
 * to the root, `leaf` relative to the session ("artifacts/learnings"),
 * `names` the file names; an absent folder has none.  Release with
 * ruru_typed_folder_release(). */
struct ruru_typed_folder {
	char *dir;
	struct ruru_buf leaf;
	char **names;
	size_t n;
};
void ruru_typed_folder_read(struct ruru_ws *ws, const char *id, const char *folder,
			    struct ruru_typed_folder *out);
void ruru_typed_folder_release(struct ruru_typed_folder *t);

/* The scaffold a new session gets (doc/design.md §4): the workspace's
 * .ruru/templates/session_artifact_scaffold/ (symlinks, hard links and
 * anything but folders and regular files refused, RURU_EREFUSED), else
 * when `builtin` the twelve folders with a README each.  *files is a
 * JSON object {relative path: content}, NULL when there is nothing to
 * copy.  Load before creating anything; then stage the files in the new
 * session's transaction (exclusive creates under artifacts_dir, their
 * folders made by it), so that they appear with the log or not at all. */
struct ruru_logtx;
int ruru_scaffold_load(struct ruru_ws *ws, bool builtin, json_t **files, struct ruru_error *err);
int ruru_scaffold_stage(struct ruru_logtx *tx, json_t *files, const char *artifacts_dir,
			struct ruru_error *err);

/* Short text (a title, a tag, a mode, a team): non-empty and one line
 * (RURU_EUSAGE), valid UTF-8 without control characters other than tab
 * (RURU_EINVALID with the byte offset), no backtick when `field`
 * (RURU_EUSAGE); messages name `what`, and err->arg is `arg`, the
 * argument's API name (static), so front ends name their flag. */
int ruru_short_text_ok(const char *s, const char *what, const char *arg, bool field,
		       struct ruru_error *err);

/* "YYMMDDHHMM" of t (UTC). */
void ruru_stamp_minute(time_t t, char out[16]);

/* A filesystem-safe description from a title: ASCII letters and digits
 * lowercased, runs of anything else one '_', at most `max` bytes;
 * "untitled" when nothing is left. */
void ruru_slug(struct ruru_buf *out, const char *title, size_t max);

#endif
