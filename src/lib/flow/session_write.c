/*
 * session_write.c — the verbs that write a session log: creating a session
 * (from the workspace template when there is one, with the V7 artifact
 * scaffold), logging an event and changing status.  Every change is a log
 * transaction (logtx.c); reading is session.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "capture.h"
#include "session.h"
#include "v7.h"
#include "fmkeys.h"
#include "text.h"
#include "timestamp.h"
#include "banned.h"

/* ------------------------------------------------------------ creating */

/* SESSION-<SanitizedGoal>-<YYMMDDHHMM>: letters, digits, '_' and '-';
 * spaces become '_', the rest goes; at most 40 characters. */
static void session_id(struct ruru_buf *b, const char *goal, time_t now, bool long_stamp)
{
	struct tm tm;
	gmtime_r(&now, &tm);
	ruru_buf_addstr(b, "SESSION-");
	size_t n = 0;
	bool last_us = false;
	for (const char *p = goal ? goal : ""; *p && n < 40; p++) {
		char c = *p;
		if ((c == '-' || c == '_') && !n)
			continue; /* "-5 tests failing": no "SESSION--5" */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_') {
			ruru_buf_addch(b, c);
			last_us = c == '_';
			n++;
		} else if ((c == ' ' || c == '\t' || c == '/' || c == '.') && n && !last_us) {
			ruru_buf_addch(b, '_');
			last_us = true;
			n++;
		}
	}
	while (n && b->ptr[b->len - 1] == '_') {
		b->ptr[--b->len] = '\0';
		n--;
	}
	if (n)
		ruru_buf_addch(b, '-');
	if (long_stamp) /* v8, v8.1: SESSION-<Goal>-<YYYYMMDD-HHMMSS> */
		ruru_buf_addf(b, "%04d%02d%02d-%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		ruru_buf_addf(b, "%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
			      tm.tm_hour, tm.tm_min);
}

static void render_start(struct ruru_buf *b, const struct ruru_new *o, time_t now, const char *eol)
{
	struct ruru_log_input in = { .type = RURU_EV_SESSION };
	struct ruru_buf m = RURU_BUF_INIT;
	in.field[RURU_FIELD_MODE] = o->coordinator;
	if (o->goal && *o->goal)
		ruru_buf_addf(&m, "Session started with goal: %s", o->goal);
	else
		ruru_buf_addstr(&m, "Session started");
	in.message = m.ptr;
	in.message_len = m.len;
	entry_render_input(b, &in, now, eol);
	ruru_buf_release(&m);
}

/* The user's description as the text of a Goal section: trailing newlines
 * dropped, CRLF read as a newline, lines written with `eol`, and a line
 * that would open a section, a fence or front matter escaped with one
 * backslash.  No final newline. */
static void goal_text(struct ruru_buf *b, const char *desc, const char *eol)
{
	size_t len = strlen(desc);
	while (len && (desc[len - 1] == '\n' || desc[len - 1] == '\r'))
		len--;
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(desc + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - desc - off) : len - off;
		size_t shown = n && desc[off + n - 1] == '\r' ? n - 1 : n;
		if (ruru_goal_line_needs_escape(desc + off, shown))
			ruru_buf_addch(b, '\\');
		ruru_buf_add(b, desc + off, shown);
		off += n + (nl ? 1 : 0);
		if (nl)
			ruru_buf_addstr(b, eol);
	}
}

/* The TOML literal a new log gives key k (the table's template default). */
/* The members of struct ruru_new a row names (FM_DEF_OPTION, _OPTIONS). */
static const char *new_option(const struct ruru_new *o, const struct fm_key *k)
{
	return *(const char *const *)((const char *)o + k->opt);
}

static const char *const *new_options(const struct ruru_new *o, const struct fm_key *k, size_t *n)
{
	*n = *(const size_t *)((const char *)o + k->optn);
	return *(const char *const *const *)((const char *)o + k->opt);
}

/* The TOML literal a new log gives key k (the table's template default). */
static void default_literal(struct ruru_buf *lit, const struct fm_key *k, const char *id,
			    const struct ruru_new *o, time_t now)
{
	const char *str = NULL;
	size_t n;
	switch (k->def) {
	case FM_DEF_ID: str = id; break;
	case FM_DEF_ACTIVE: str = ruru_status_string(RURU_STATUS_ACTIVE); break;
	case FM_DEF_EMPTY: str = ""; break;
	case FM_DEF_OPTION: str = new_option(o, k) ? new_option(o, k) : ""; break;
	case FM_DEF_NOW: ruru_toml_encode_time(lit, now); return;
	case FM_DEF_NONE:
	case FM_DEF_ABSENT: ruru_buf_addstr(lit, "[]"); return;
	case FM_DEF_OPTIONS: {
		const char *const *v = new_options(o, k, &n);
		ruru_toml_encode_string_array(lit, v, n);
		return;
	}
	}
	ruru_toml_encode_string(lit, str, strlen(str));
}

static void default_log(struct ruru_buf *b, const char *id, const struct ruru_new *o, time_t now)
{
	ruru_buf_addstr(b, "+++\n");
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->def == FM_DEF_ABSENT)
			continue;
		ruru_buf_addf(b, "%s = ", k->name);
		default_literal(b, k, id, o, now);
		ruru_buf_addch(b, '\n');
	}
	ruru_buf_addstr(b, "+++\n\n# Session Log\n\n## Goal\n\n");
	if (o->description && *o->description) {
		goal_text(b, o->description, "\n");
		ruru_buf_addstr(b, "\n\n");
	}
	ruru_buf_addstr(b, "## Log Entries\n\n");
	render_start(b, o, now, "\n");
}

/* Rename a bare root key in place ("session_id = ..." -> "id = ..."),
 * keeping the rest of its line. */
static int rename_key(struct ruru_buf *toml, const char *from, const char *to)
{
	struct ruru_error e = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(toml->ptr, toml->len, &e);
	if (!doc)
		return -1;
	const struct ruru_toml_value *v = ruru_toml_table_get(ruru_toml_root(doc), from, strlen(from));
	const struct ruru_toml_value *clash = ruru_toml_table_get(ruru_toml_root(doc), to, strlen(to));
	int rc = -1;
	if (v && !clash) {
		size_t at = ruru_toml_value_span(v).start;
		size_t ls = at;
		while (ls > 0 && toml->ptr[ls - 1] != '\n')
			ls--;
		while (ls < at && (toml->ptr[ls] == ' ' || toml->ptr[ls] == '\t'))
			ls++;
		size_t fl = strlen(from);
		if (at - ls > fl && !memcmp(toml->ptr + ls, from, fl)) {
			struct ruru_buf t = RURU_BUF_INIT;
			ruru_buf_add(&t, toml->ptr, ls);
			ruru_buf_addstr(&t, to);
			ruru_buf_add(&t, toml->ptr + ls + fl, toml->len - ls - fl);
			ruru_buf_release(toml);
			*toml = t;
			rc = 0;
		}
	}
	ruru_toml_free(doc);
	return rc;
}

/* Put the description into the Goal section of a new log's body, which
 * `b` holds from offset `body` and which ends with its "## Log Entries"
 * line: into the body's own Goal section (replacing what the template
 * put there), or as a new Goal section just before "## Log Entries". */
static void put_goal(struct ruru_buf *b, size_t body, const char *desc, const char *eol)
{
	struct ruru_buf g = RURU_BUF_INIT, out = RURU_BUF_INIT;
	goal_text(&g, desc, eol);
	size_t gs, ge;
	if (ruru_body_goal(b->ptr, b->len, body, &gs, &ge)) {
		ruru_buf_add(&out, b->ptr, gs);
		if (gs == ge)
			ruru_buf_addstr(&out, eol);
		ruru_buf_add(&out, g.ptr, g.len);
		if (gs == ge)
			ruru_buf_addstr(&out, eol);
		ruru_buf_add(&out, b->ptr + ge, b->len - ge);
	} else {
		size_t at = b->len;
		for (size_t p = body; p < b->len;) {
			const char *nl = memchr(b->ptr + p, '\n', b->len - p);
			size_t next = nl ? (size_t)(nl - b->ptr) + 1 : b->len;
			if (b->len - p >= 14 && !memcmp(b->ptr + p, RURU_LIT("## Log Entries")))
				at = p;
			p = next;
		}
		ruru_buf_add(&out, b->ptr, at);
		ruru_buf_addf(&out, "## Goal%s%s", eol, eol);
		ruru_buf_add(&out, g.ptr, g.len);
		ruru_buf_addf(&out, "%s%s", eol, eol);
		ruru_buf_add(&out, b->ptr + at, b->len - at);
	}
	ruru_buf_release(b);
	*b = out;
	ruru_buf_release(&g);
}

/* A new log from the workspace template: keys filled, comments kept, its
 * example entries replaced by the real first entry. */
static int template_log(struct ruru_buf *b, const char *tpl, size_t tlen, const char *id,
			const struct ruru_new *o, time_t now, struct ruru_error *err)
{
	struct ruru_frontmatter fm;
	if (!ruru_frontmatter_split(tpl, tlen, &fm))
		return ruru_error_set(err, RURU_EINVALID, "the session template has no front matter");
	struct ruru_buf toml = RURU_BUF_INIT, out = RURU_BUF_INIT, lit = RURU_BUF_INIT;
	ruru_buf_add(&toml, tpl + fm.toml, fm.toml_end - fm.toml);
	/* Every key of the table: a legacy name renamed, a value set (arrays
	 * keep the template's items, made strict), the tags added. */
	for (const struct fm_key *k = fm_keys; k->name; k++)
		if (k->alias)
			rename_key(&toml, k->alias, k->name);
	int rc = 0;
	for (const struct fm_key *k = fm_keys; k->name && rc == 0; k++) {
		/* a key a new log leaves out is left as the template has it */
		if (k->type == FM_STRINGS || k->def == FM_DEF_ABSENT)
			continue;
		ruru_buf_reset(&lit);
		default_literal(&lit, k, id, o, now);
		rc = ruru_toml_edit_set(&out, toml.ptr, toml.len, k->name, lit.ptr, lit.len, err);
		if (rc == 0) {
			struct ruru_buf tmp = toml;
			toml = out;
			out = tmp;
		}
	}
	/* sec-text: writing is strict (doc/design.md §2) even when the template is not:
	 * `tags = "x"` becomes ["x"], and an array with duplicates or other
	 * values than strings is rewritten with its unique strings. */
	for (const struct fm_key *k = fm_keys; k->name && rc == 0; k++) {
		if (k->type != FM_STRINGS)
			continue;
		struct ruru_toml *doc = ruru_toml_parse(toml.ptr, toml.len, err);
		if (!doc) {
			rc = -1;
			break;
		}
		const struct ruru_toml_value *v =
			ruru_toml_table_get(ruru_toml_root(doc), k->name, strlen(k->name));
		bool fine = !v;
		const char **items = NULL;
		size_t n = 0;
		if (v && ruru_toml_kind(v) == RURU_TOML_ARRAY) {
			size_t len = ruru_toml_array_len(v);
			items = calloc(len ? len : 1, sizeof(*items));
			if (!items)
				abort();
			fine = true;
			for (size_t j = 0; j < len; j++) {
				const char *str = ruru_toml_string(ruru_toml_array_at(v, j), NULL);
				bool dup = false;
				for (size_t m = 0; str && m < n && !dup; m++)
					dup = !strcmp(items[m], str);
				if (!str || dup || !*str)
					fine = false;
				else
					items[n++] = str;
			}
		} else if (v && ruru_toml_kind(v) == RURU_TOML_STRING) {
			items = calloc(1, sizeof(*items));
			if (!items)
				abort();
			const char *str = ruru_toml_string(v, NULL);
			if (*str)
				items[n++] = str;
		}
		if (!fine) {
			ruru_buf_reset(&lit);
			ruru_toml_encode_string_array(&lit, items, n);
			rc = ruru_toml_edit_set(&out, toml.ptr, toml.len, k->name, lit.ptr, lit.len, err);
			if (rc == 0) {
				struct ruru_buf tmp = toml;
				toml = out;
				out = tmp;
			}
		}
		free(items);
		ruru_toml_free(doc);
	}
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->def != FM_DEF_OPTIONS)
			continue;
		size_t kl = strlen(k->name), nadd;
		const char *const *add = new_options(o, k, &nadd);
		for (size_t i = 0; i < nadd && rc == 0; i++) {
			struct ruru_toml *doc = ruru_toml_parse(toml.ptr, toml.len, err);
			if (!doc) {
				rc = -1;
				break;
			}
			const struct ruru_toml_value *tags = ruru_toml_table_get(ruru_toml_root(doc), k->name, kl);
			bool have = false;
			for (size_t j = 0; tags && ruru_toml_kind(tags) == RURU_TOML_ARRAY &&
					   j < ruru_toml_array_len(tags); j++) {
				const char *str = ruru_toml_string(ruru_toml_array_at(tags, j), NULL);
				have = have || (str && !strcmp(str, add[i]));
			}
			bool is_array = tags && ruru_toml_kind(tags) == RURU_TOML_ARRAY;
			ruru_toml_free(doc);
			if (have)
				continue;
			ruru_buf_reset(&lit);
			if (is_array) {
				ruru_toml_encode_string(&lit, add[i], strlen(add[i]));
				rc = ruru_toml_edit_array_append(&out, toml.ptr, toml.len, k->name, lit.ptr,
								 lit.len, err);
			} else {
				ruru_toml_encode_string_array(&lit, &add[i], 1);
				rc = ruru_toml_edit_set(&out, toml.ptr, toml.len, k->name, lit.ptr, lit.len,
							err);
			}
			if (rc == 0) {
				struct ruru_buf tmp = toml;
				toml = out;
				out = tmp;
			}
		}
	}
	if (rc == 0) {
		const char *eol = memmem(tpl, fm.body, "\r\n", 2) ? "\r\n" : "\n";
		ruru_buf_add(b, tpl, fm.toml);
		ruru_buf_add(b, toml.ptr, toml.len);
		ruru_buf_add(b, tpl + fm.toml_end, fm.body - fm.toml_end);
		size_t body_at = b->len;
		/* The body up to and including the "## Log Entries" line; the
		 * template's example entries after it are dropped. */
		const char *body = tpl + fm.body, *end = tpl + tlen, *cut = NULL;
		for (const char *p = body; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *next = nl ? nl + 1 : end;
			if (end - p >= 14 && !memcmp(p, RURU_LIT("## Log Entries")))
				cut = next;
			p = next;
		}
		if (cut) {
			ruru_buf_add(b, body, (size_t)(cut - body));
			if (b->ptr[b->len - 1] != '\n')
				ruru_buf_addstr(b, eol);
		} else {
			ruru_buf_add(b, body, (size_t)(end - body));
			if (b->len && b->ptr[b->len - 1] != '\n')
				ruru_buf_addstr(b, eol);
			ruru_buf_addf(b, "%s## Log Entries%s", eol, eol);
		}
		if (o->description && *o->description)
			put_goal(b, body_at, o->description, eol);
		ruru_buf_addstr(b, eol);
		render_start(b, o, now, eol);
	}
	ruru_buf_release(&toml);
	ruru_buf_release(&out);
	ruru_buf_release(&lit);
	if (rc < 0 && err->file[0] == '\0')
		ruru_error_set_file(err, ".ruru/templates/toml-md/19_mdtm_session.md");
	return rc;
}

/* Record `from_summary` (a path to a SESSUM file, relative to the current
 * directory) as source_summaries = ["<root-relative path>"]. */
static int add_source_summary(struct ruru_buf *log, struct ruru_ws *ws, const char *from_summary,
			      struct ruru_error *err)
{
	struct ruru_buf rel = RURU_BUF_INIT, lit = RURU_BUF_INIT;
	int rc = ruru_store_relative(ws->store, from_summary, &rel, err);
	if (rc == 0) {
		char *abs = ruru_ws_path(ws, rel.ptr);
		struct stat st;
		if (ruru_store_lstat(ws->store, abs, &st, err) < 0 || !S_ISREG(st.st_mode))
			rc = ruru_error_set(err, RURU_ENOTFOUND, "no summary file \"%s\"", from_summary);
		free(abs);
	}
	if (rc == 0) {
		const char *items[] = { rel.ptr };
		ruru_toml_encode_string_array(&lit, items, 1);
		struct ruru_toml_edit e = { .op = RURU_EDIT_SET, .key = "source_summaries",
					    .literal = lit.ptr, .literal_len = lit.len };
		rc = ruru_frontmatter_edit(log, &e, err);
	}
	ruru_buf_release(&rel);
	ruru_buf_release(&lit);
	return rc;
}

static char *session_new(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
			 bool activate, ruru_session_stage_fn stage, void *ctx,
			 struct ruru_error *err);
static char *session_new_checked(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
				 bool activate, ruru_session_stage_fn stage, void *ctx,
				 struct ruru_error *err);

char *ruru_session_new(struct ruru_ws *ws, const struct ruru_new *opts, struct ruru_error *err)
{
	return session_new_checked(ws, opts, 0, true, NULL, NULL, err);
}

char *ruru_session_new_with(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
			    bool activate, ruru_session_stage_fn stage, void *ctx,
			    struct ruru_error *err)
{
	return session_new_checked(ws, opts, start, activate, stage, ctx, err);
}

static char *session_new_checked(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
				 bool activate, ruru_session_stage_fn stage, void *ctx,
				 struct ruru_error *err)
{
	struct ruru_new o = *opts;
	if (!o.coordinator || !*o.coordinator)
		o.coordinator = "roo-commander";
	/* sec-text: the text rule (doc/design.md §2); tags are unique, one line, not empty. */
	if ((o.goal && ruru_text_check("goal", o.goal, strlen(o.goal), 0, err) < 0) ||
	    (o.description &&
	     ruru_text_check("description", o.description, strlen(o.description), 0, err) < 0) ||
	    ruru_text_check("coordinator", o.coordinator, strlen(o.coordinator), RURU_TEXT_LINE, err) < 0)
		return NULL;
	const char **tags = o.ntags ? calloc(o.ntags, sizeof(*tags)) : NULL;
	size_t ntags = 0;
	if (o.ntags && !tags)
		abort();
	for (size_t i = 0; i < o.ntags; i++) {
		const char *t = o.tags[i];
		if (!t || ruru_text_blank(t, strlen(t))) {
			free(tags);
			ruru_error_set(err, RURU_EUSAGE, "a tag cannot be empty");
			ruru_error_hint(err, "tags", RURU_HINT_NONE, NULL);
			return NULL;
		}
		if (ruru_text_check("tag", t, strlen(t), RURU_TEXT_LINE, err) < 0) {
			free(tags);
			return NULL;
		}
		bool dup = false;
		for (size_t k = 0; k < ntags && !dup; k++)
			dup = !strcmp(tags[k], t);
		if (!dup)
			tags[ntags++] = t;
	}
	o.tags = tags;
	o.ntags = ntags;
	/* Another session stays active as it is: the caller is told which. */
	char *before = opts->other_active ? ruru_session_active(ws) : NULL;
	char *made = session_new(ws, &o, start, activate, stage, ctx, err);
	free(tags);
	if (opts->other_active) {
		if (!made || (before && !strcmp(before, made))) {
			free(before);
			before = NULL;
		}
		*opts->other_active = before;
	}
	return made;
}

/* The active-session pointer, staged with the new log as
 * ruru_ws_set_active() writes it: this layout's .active names the session;
 * the other layouts' go (best effort, as there: a hostile one is left). */
static int stage_active(struct ruru_logtx *tx, struct ruru_ws *ws, enum ruru_layout layout,
			const char *id, struct ruru_error *err)
{
	for (int k = 0; k < RURU_LAYOUT_COUNT; k++) {
		if (k == (int)layout)
			continue;
		char *o = ruru_ws_active_path((enum ruru_layout)k);
		struct ruru_error ignore = { 0 };
		ruru_logtx_stage_remove(tx, o, &ignore);
		free(o);
	}
	if (layout != RURU_LAYOUT_RURU &&
	    ruru_ws_ignore_transient(ws, ruru_layout_dir(layout), false, err) < 0)
		return -1;
	char *path = ruru_ws_active_path(layout);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s\n", id);
	int rc = ruru_logtx_stage_file(tx, path, b.ptr, b.len, false, err);
	ruru_buf_release(&b);
	free(path);
	return rc;
}

/*
 * begin, check, stage, commit: the first free name is claimed by
 * ruru_logtx_begin_new (the folder, exclusively); its folders, the
 * scaffold, the log and the active pointer are staged; commit publishes
 * them, and abort (or a failed commit) removes every one and the folder.
 */
static char *session_new(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
			 bool activate, ruru_session_stage_fn stage, void *ctx,
			 struct ruru_error *err)
{
	struct ruru_new o = *opts;
	if (!ruru_entry_field_ok(o.coordinator)) {
		ruru_error_set(err, RURU_EUSAGE, "the coordinator cannot hold a backtick or a line break");
		ruru_error_hint(err, "coordinator", RURU_HINT_NONE, NULL);
		return NULL;
	}
	time_t now = start ? start : ruru_now(ws);
	enum ruru_layout layout = ruru_ws_new_layout(ws);
	json_t *scaffold = NULL;
	if (layout == RURU_LAYOUT_RURU) {
		if (ruru_ws_make(ws, err) < 0)
			return NULL;
		/* The V7 scaffold is read (and checked) before anything is made. */
		if (ruru_scaffold_load(ws, o.scaffold, &scaffold, err) < 0)
			return NULL;
	}
	/* So is the template: a hostile one is no template to skip quietly. */
	struct ruru_buf tpl = RURU_BUF_INIT, id = RURU_BUF_INIT, log = RURU_BUF_INIT,
			path = RURU_BUF_INIT;
	const char *tplrel = layout == RURU_LAYOUT_RURU
				     ? ".ruru/templates/toml-md/19_mdtm_session.md"
				     : ".roo/commander/templates/sessions/template_00_mdtm_session_generic.md";
	char *tplpath = ruru_ws_path(ws, tplrel);
	struct ruru_error terr = { 0 };
	bool have_tpl = ruru_store_read(ws->store, tplpath, &tpl, &terr) == 0;
	free(tplpath);
	struct ruru_logtx tx;
	bool in_tx = false;
	int rc = -1;
	if (!have_tpl && terr.code == RURU_EREFUSED) {
		*err = terr;
		goto out;
	}

	session_id(&id, o.goal, now, layout != RURU_LAYOUT_RURU);
	size_t base = id.len;
	for (int k = 1;; k++) {
		if (k > 1) {
			id.len = base;
			ruru_buf_addf(&id, "-%d", k);
		}
		if (ruru_logtx_begin_new(&tx, ws, layout, id.ptr, err) == 0)
			break;
		if (err->code != RURU_ECONFLICT || k >= 10000)
			goto out;
	}
	in_tx = true;

	if (have_tpl)
		rc = template_log(&log, tpl.ptr, tpl.len, id.ptr, &o, now, err);
	else {
		default_log(&log, id.ptr, &o, now);
		rc = 0;
	}
	if (rc == 0 && o.from_summary)
		rc = add_source_summary(&log, ws, o.from_summary, err);
	/* The folders a session starts with: artifacts/ (V7: with the scaffold);
	 * v8.1: notes/, learnings/, summaries/ in the session folder. */
	static const char *const v81_dirs[] = { "notes", "learnings", "summaries" };
	static const char *const ruru_dirs[] = { "artifacts" };
	const char *const *dirs = layout == RURU_LAYOUT_V81 ? v81_dirs : ruru_dirs;
	size_t ndirs = layout == RURU_LAYOUT_V81 ? 3 : 1;
	for (size_t i = 0; rc == 0 && i < ndirs; i++) {
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "%s/%s", tx.new_dir, dirs[i]);
		rc = ruru_logtx_mkdirs(&tx, path.ptr, err);
		if (rc == 0 && scaffold && !strcmp(dirs[i], "artifacts"))
			rc = ruru_scaffold_stage(&tx, scaffold, path.ptr, err);
	}
	if (rc == 0 && stage)
		rc = stage(&tx, &log, id.ptr, ctx, err);
	if (rc == 0) {
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "%s/session_log.md", tx.new_dir);
		rc = ruru_logtx_stage_file(&tx, path.ptr, log.ptr, log.len, true, err);
	}
	if (rc == 0 && activate)
		rc = stage_active(&tx, ws, layout, id.ptr, err);
	if (rc == 0) {
		in_tx = false;
		rc = ruru_logtx_commit(&tx, err);
	}
out:
	if (in_tx)
		ruru_logtx_abort(&tx);
	json_decref(scaffold);
	ruru_buf_release(&tpl);
	ruru_buf_release(&log);
	ruru_buf_release(&path);
	if (rc < 0) {
		ruru_buf_release(&id);
		return NULL;
	}
	return ruru_buf_detach(&id, NULL);
}

char *ruru_session_active(struct ruru_ws *ws)
{
	struct ruru_error e = { 0 };
	struct ruru_session s;
	char *id = ruru_session_resolve(ws, NULL, &e);
	if (!id)
		return NULL;
	bool active = ruru_session_load(ws, id, 0, &s, &e) == 0 && s.valid &&
		      s.status == RURU_STATUS_ACTIVE;
	ruru_session_release(&s); /* load always leaves it initialised */
	if (!active) {
		free(id);
		return NULL;
	}
	return id;
}

/* ------------------------------------------------------------- writing */

int ruru_session_log(struct ruru_ws *ws, const char *id, const struct ruru_log_input *in,
		     struct ruru_error *err)
{
	if (in->duplicate_of)
		*in->duplicate_of = 0;
	/* sec-text: the text rule and no empty messages (doc/design.md §2). */
	if (ruru_text_check("message", in->message, in->message_len, 0, err) < 0)
		return -1;
	if (ruru_text_blank(in->message, in->message_len)) {
		ruru_error_set(err, RURU_EUSAGE,
			       in->type == RURU_EV_CONFIRM_SKIP
				       ? "a confirm-skip needs its rationale as the message"
				       : "the message is empty");
		return ruru_error_hint(err, "message", RURU_HINT_NONE, NULL);
	}
	if (entry_input_check(in, err) < 0)
		return -1;
	/* The artifact is stored relative to the session folder, whatever
	 * form it was given in (doc/design.md §3). */
	struct ruru_buf art = RURU_BUF_INIT;
	struct ruru_log_input copy = *in;
	if (in->field[RURU_FIELD_ARTIFACT]) {
		if (ruru_artifact_path(ws, id, in->field[RURU_FIELD_ARTIFACT], &art, err) < 0) {
			ruru_buf_release(&art);
			return -1;
		}
		copy.field[RURU_FIELD_ARTIFACT] = art.ptr;
	}
	/* An ADR path is given relative to the current directory (the MCP
	 * server works from the root) and stored relative to the root, like
	 * a confirmation's target; outside the root is refused (doc/design.md §1).
	 * The file need not exist yet: an ADR may be written later. */
	struct ruru_buf adr = RURU_BUF_INIT;
	if (in->field[RURU_FIELD_ADR]) {
		if (ruru_store_relative(ws->store, in->field[RURU_FIELD_ADR], &adr, err) < 0) {
			ruru_buf_release(&art);
			ruru_buf_release(&adr);
			return ruru_error_hint(err, "adr", RURU_HINT_NONE, NULL);
		}
		copy.field[RURU_FIELD_ADR] = adr.ptr;
	}
	if (in->adr_missing) {
		struct stat st;
		struct ruru_error ignore = { 0 };
		char *abs = adr.len ? ruru_ws_path(ws, adr.ptr) : NULL;
		*in->adr_missing = abs && ruru_store_lstat(ws->store, abs, &st, &ignore) < 0;
		free(abs);
	}
	if (in->artifact_missing) {
		struct stat st;
		struct ruru_error ignore = { 0 };
		char *abs = art.len ? ruru_ws_session_path(ws, id, art.ptr) : NULL;
		*in->artifact_missing = abs && ruru_store_lstat(ws->store, abs, &st, &ignore) < 0;
		free(abs);
	}
	const char *task = copy.field[RURU_FIELD_TASK], *artifact = copy.field[RURU_FIELD_ARTIFACT];
	struct ruru_logtx tx;
	int rc = ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err);
	if (rc == 0) {
		if (task && *task && (in->type == RURU_EV_DELEGATION || in->type == RURU_EV_RESULT))
			rc = ruru_logtx_array_add(&tx, "related_tasks", task, err);
		if (rc == 0 && artifact && *artifact && in->type == RURU_EV_ARTIFACT)
			rc = ruru_logtx_array_add(&tx, "related_artifacts", artifact, err);
		/* A host's hook may have logged this very event already
		 * (dedup.c): then the log keeps that one entry. */
		size_t dup = rc == 0 ? ruru_logtx_duplicate(&tx, &copy, ruru_now(ws)) : 0;
		if (in->duplicate_of)
			*in->duplicate_of = dup;
		if (rc == 0 && !dup)
			rc = ruru_logtx_entry(&tx, &copy, err);
		if (rc < 0 || dup)
			ruru_logtx_abort(&tx);
		else
			rc = ruru_logtx_commit(&tx, err);
	}
	ruru_buf_release(&art);
	ruru_buf_release(&adr);
	return rc < 0 ? -1 : 0;
}

int ruru_session_set_status(struct ruru_ws *ws, const char *id, enum ruru_status to,
			    const char *reason, struct ruru_error *err)
{
	static const char *const verbs[] = { "", "resumed", "paused", "completed", "failed" };
	struct ruru_logtx tx;
	if (to == RURU_STATUS_UNKNOWN || to > RURU_STATUS_ERROR)
		return ruru_error_set(err, RURU_EUSAGE, "unknown status");
	if (reason && ruru_text_check("reason", reason, strlen(reason), 0, err) < 0)
		return -1;
	if (ruru_logtx_begin(&tx, ws, id, 0, err) < 0)
		return -1;
	enum ruru_status from = tx.status;
	const char *why = NULL;
	if (from == to)
		why = "already";
	else if (to == RURU_STATUS_PAUSED && from != RURU_STATUS_ACTIVE)
		why = "not active, so it cannot be paused";
	else if ((to == RURU_STATUS_COMPLETED || to == RURU_STATUS_ERROR) &&
		 from != RURU_STATUS_ACTIVE && from != RURU_STATUS_PAUSED)
		why = "already ended";
	if (why) {
		ruru_logtx_abort(&tx);
		if (!strcmp(why, "already"))
			return ruru_error_set(err, RURU_ECONFLICT, "session \"%s\" is already %s", id,
					      ruru_status_word(to));
		return ruru_error_set(err, RURU_ECONFLICT, "session \"%s\" is %s: %s", id,
				      from ? ruru_status_word(from) : "without a status", why);
	}
	time_t now = ruru_now(ws);
	struct ruru_buf lit = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	const char *st = ruru_status_string(to);
	ruru_toml_encode_string(&lit, st, strlen(st));
	int rc = ruru_logtx_set(&tx, "status", lit.ptr, err);
	if (rc == 0) {
		ruru_buf_reset(&lit);
		if (to == RURU_STATUS_ACTIVE) {
			ruru_buf_addstr(&lit, "\"\"");
		} else {
			/* the form the file uses: end_time = "" beside a string
			 * start_time becomes a string stamp in its shape */
			const struct ruru_toml_value *root = ruru_toml_root(tx.doc);
			ruru_toml_time_like(&lit, now, ruru_toml_table_get(root, RURU_LIT("end_time")),
					    ruru_toml_table_get(root, RURU_LIT("start_time")),
					    tx.text.ptr + tx.fm.toml, tx.fm.toml_end - tx.fm.toml);
		}
		rc = ruru_logtx_set(&tx, "end_time", lit.ptr, err);
	}
	if (rc == 0) {
		struct ruru_log_input e = { .type = RURU_EV_SESSION, .when = now, .when_valid = true };
		ruru_buf_addf(&msg, "Session %s", verbs[to]);
		if (reason && *reason)
			ruru_buf_addf(&msg, ": %s", reason);
		e.message = msg.ptr;
		e.message_len = msg.len;
		rc = ruru_logtx_entry(&tx, &e, err);
	}
	ruru_buf_release(&lit);
	ruru_buf_release(&msg);
	if (rc < 0) {
		ruru_logtx_abort(&tx);
		return -1;
	}
	return ruru_logtx_commit(&tx, err);
}

