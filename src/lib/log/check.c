/*
 * check.c — `ruru check`: validate session logs against doc/design.md §2 and
 * report every problem as FILE:LINE:COL: problem, the way a compiler does,
 * so an editor can jump to each one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "logtx.h"
#include "session.h"
#include "fmkeys.h"
#include "text.h"
#include "banned.h"

/*
 * Each problem has a severity: an error means ruru cannot write or read
 * this log correctly (bad front matter, a status it cannot parse, two
 * sessions in one log, an unclosed fence, a torn entry); a warning is
 * drift that ruru reads fine (zone-less stamps, placeholders, duplicate
 * array elements).  Problems that repeat in one file with the same code
 * (a log written by hand with 164 zone-less stamps) are reported once, at
 * the first place, with a count.
 */
enum severity { SEV_ERROR, SEV_WARNING };

/* Codes whose repeats in one file are folded into the first. */
static const char *const folded[] = { "timestamp-no-zone", "timestamp-unreadable", "placeholder",
				      "duplicate-element", "out-of-order" };
#define NFOLDED (sizeof(folded) / sizeof(folded[0]))

struct checker {
	const char *file;
	const char *text;
	size_t toml; /* offset of the TOML in text */
	struct ruru_check_report *r; /* every file and problem so far, in file order */
	size_t files_cap, problems_cap;
	size_t first[NFOLDED];   /* the first problem of each folded code, this file */
	size_t count[NFOLDED];
	size_t errors, warnings; /* this file */
	size_t first_problem;    /* index in r->problems of this file's first */
};

static void add_problem(struct checker *c, int line, int col, enum severity sev, const char *code,
			const char *msg)
{
	size_t fold = NFOLDED;
	for (size_t i = 0; i < NFOLDED; i++)
		if (!strcmp(code, folded[i]))
			fold = i;
	if (fold < NFOLDED && c->count[fold]++)
		return; /* a repeat: counted in the first one */
	struct ruru_check_report *r = c->r;
	if (r->nproblems == c->problems_cap) {
		c->problems_cap = c->problems_cap ? 2 * c->problems_cap : 16;
		r->problems = ruru_xrealloc(r->problems, c->problems_cap * sizeof(*r->problems));
	}
	if (fold < NFOLDED)
		c->first[fold] = r->nproblems;
	r->problems[r->nproblems++] = (struct ruru_check_problem){
		.file = ruru_strdup(c->file),
		.line = line > 0 ? (size_t)line : 0,
		.column = col > 0 ? (size_t)col : 0,
		.error = sev == SEV_ERROR,
		.code = ruru_strdup(code),
		.message = ruru_strdup(msg),
	};
	if (sev == SEV_ERROR)
		c->errors++;
	else
		c->warnings++;
}

__attribute__((format(printf, 5, 6))) static void problem(struct checker *c, size_t off,
							   enum severity sev, const char *code,
							   const char *fmt, ...)
{
	int line, col;
	ruru_text_position(c->text, off, &line, &col);
	struct ruru_buf msg = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	add_problem(c, line, col, sev, code, msg.ptr);
	ruru_buf_release(&msg);
}

/* Start a file: forget the folds of the previous one. */
static void file_begin(struct checker *c, const char *file)
{
	c->file = file;
	c->errors = c->warnings = 0;
	c->first_problem = c->r->nproblems;
	for (size_t i = 0; i < NFOLDED; i++) {
		c->first[i] = 0;
		c->count[i] = 0;
	}
}

/* A file's line in the report (`log` false for one that is not a session
 * log). */
static void file_add(struct checker *c, const char *file, size_t errors, size_t warnings, bool log)
{
	struct ruru_check_report *r = c->r;
	if (r->nfiles == c->files_cap) {
		c->files_cap = c->files_cap ? 2 * c->files_cap : 16;
		r->files = ruru_xrealloc(r->files, c->files_cap * sizeof(*r->files));
	}
	r->files[r->nfiles++] = (struct ruru_check_file){
		.file = ruru_strdup(file), .errors = errors, .warnings = warnings, .log = log
	};
}

/* A problem and where it was found among its file's, so that problems at
 * one place keep that order. */
struct placed {
	struct ruru_check_problem p;
	size_t seq;
};

static int cmp_position(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	if (x->p.line != y->p.line)
		return x->p.line < y->p.line ? -1 : 1;
	if (x->p.column != y->p.column)
		return x->p.column < y->p.column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* End a file: say how many times each folded problem occurred, and put
 * the file's problems in the order of their places. */
static void file_end(struct checker *c)
{
	struct ruru_check_report *r = c->r;
	for (size_t i = 0; i < NFOLDED; i++) {
		if (c->count[i] < 2)
			continue;
		struct ruru_check_problem *p = &r->problems[c->first[i]];
		p->count = c->count[i];
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "%s (%zu times in this file; the first is shown)", p->message,
			      c->count[i]);
		free(p->message);
		p->message = ruru_buf_detach(&b, NULL);
	}
	size_t from = c->first_problem, n = r->nproblems - from;
	if (n > 1) {
		struct placed *v = ruru_xmalloc(n * sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[i] = (struct placed){ r->problems[from + i], i };
		qsort(v, n, sizeof(*v), cmp_position);
		for (size_t i = 0; i < n; i++)
			r->problems[from + i] = v[i].p;
		free(v);
	}
	file_add(c, c->file, c->errors, c->warnings, true);
}

/* The value of `key` (or of its older name `alt`), NULL when neither is
 * there: a problem when the key is `required`. */
static const struct ruru_toml_value *key_value(struct checker *c, const struct ruru_toml_value *root,
					       const char *key, const char *alt, bool required)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v && alt)
		v = ruru_toml_table_get(root, alt, strlen(alt));
	if (!v && required)
		problem(c, c->toml, SEV_ERROR, "missing-key", "missing key \"%s\"", key);
	return v;
}

static void check_string(struct checker *c, const struct ruru_toml_value *root, const char *key,
			 const char *alt, bool required)
{
	const struct ruru_toml_value *v = key_value(c, root, key, alt, required);
	if (v && ruru_toml_kind(v) != RURU_TOML_STRING)
		problem(c, c->toml + ruru_toml_value_span(v).start, SEV_ERROR, "wrong-type",
			"\"%s\" must be a string", key);
}

static void check_time(struct checker *c, const struct ruru_toml_value *root, const char *key,
		       const char *alt, bool required, bool empty_ok)
{
	const struct ruru_toml_value *v = key_value(c, root, key, alt, required);
	if (!v)
		return;
	size_t at = c->toml + ruru_toml_value_span(v).start;
	enum ruru_toml_kind k = ruru_toml_kind(v);
	if (k == RURU_TOML_DATETIME)
		return;
	if (k == RURU_TOML_STRING) {
		size_t n;
		const char *s = ruru_toml_string(v, &n);
		time_t t;
		bool zone;
		if (n == 0 && empty_ok)
			return;
		if (!ruru_time_parse(s, n, &t, &zone))
			problem(c, at, SEV_ERROR, "wrong-type", "\"%s\" is not a date-time", key);
		return;
	}
	problem(c, at, SEV_ERROR, "wrong-type", "\"%s\" must be an offset date-time", key);
}

static void check_array(struct checker *c, const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v)
		return;
	if (ruru_toml_kind(v) != RURU_TOML_ARRAY) {
		problem(c, c->toml + ruru_toml_value_span(v).start, SEV_ERROR, "wrong-type",
			"\"%s\" must be an array of strings",
			   key);
		return;
	}
	for (size_t i = 0; i < ruru_toml_array_len(v); i++) {
		const struct ruru_toml_value *e = ruru_toml_array_at(v, i);
		if (ruru_toml_kind(e) != RURU_TOML_STRING) {
			problem(c, c->toml + ruru_toml_value_span(e).start, SEV_ERROR, "wrong-type",
				"\"%s\" must hold only strings", key);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const char *a = ruru_toml_string(ruru_toml_array_at(v, j), NULL);
			const char *b = ruru_toml_string(e, NULL);
			if (a && b && !strcmp(a, b)) {
				problem(c, c->toml + ruru_toml_value_span(e).start, SEV_WARNING,
					"duplicate-element", "duplicate element in \"%s\"", key);
				break;
			}
		}
	}
}

/* One front-matter key, by its row of the table. */
static void check_key(struct checker *c, const struct ruru_toml_value *root,
		      const struct fm_key *k)
{
	switch (k->type) {
	case FM_STRING:
		check_string(c, root, k->name, k->alias, k->required);
		break;
	case FM_STATUS: {
		check_string(c, root, k->name, k->alias, k->required);
		const struct ruru_toml_value *st = ruru_toml_table_get(root, k->name, strlen(k->name));
		size_t sn;
		const char *ss = st ? ruru_toml_string(st, &sn) : NULL;
		if (ss && ruru_status_parse(ss, sn) == RURU_STATUS_UNKNOWN)
			problem(c, c->toml + ruru_toml_value_span(st).start, SEV_ERROR, "unknown-status",
				   "unknown status \"%s\"", ss);
		break;
	}
	case FM_TIME:
		check_time(c, root, k->name, k->alias, k->required, k->empty_ok);
		break;
	case FM_STRINGS:
		check_array(c, root, k->name);
		break;
	}
}

/* start_time as an instant, and the offset of its value in the TOML. */
static bool start_instant(const struct ruru_toml_value *root, time_t *when, size_t *at)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, RURU_LIT("start_time"));
	if (!v)
		return false;
	*at = ruru_toml_value_span(v).start;
	if (ruru_toml_kind(v) == RURU_TOML_DATETIME) {
		*when = time_from_toml(ruru_toml_datetime(v), RURU_TOML_DATETIME);
		return true;
	}
	size_t n;
	const char *s = ruru_toml_string(v, &n);
	bool zone;
	return s && ruru_time_parse(s, n, when, &zone) && zone;
}

static bool is_start_entry(const struct ruru_entry *e)
{
	return e->type == RURU_EV_SESSION && e->message && e->message_len >= 15 &&
	       !memcmp(e->message, RURU_LIT("Session started"));
}

/*
 * One log, one session.  Session IDs carry only the minute, so two machines
 * starting the same goal in the same minute make the same ID, and git then
 * brings both into one folder.  The sign of that (doc/design.md §1): a log whose
 * entries start a session twice, or whose start_time is not the instant of
 * its first "Session started" event (ruru writes both from one clock
 * reading; only a log that has both is judged).
 */
static void check_one_session(struct checker *c, const struct ruru_entry *e, size_t n,
			      bool have_start, time_t start, size_t start_at)
{
	const struct ruru_entry *first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!is_start_entry(&e[i]))
			continue;
		if (!first) {
			first = &e[i];
			continue;
		}
		problem(c, e[i].start, SEV_ERROR, "started-twice",
			"session started twice in one log (two sessions made with the same ID on "
			"different machines?)");
	}
	if (first && have_start && first->when_valid && first->has_zone && first->when != start) {
		char t[32];
		ruru_time_format_rfc3339(first->when, t);
		problem(c, start_at, SEV_ERROR, "start-time-mismatch",
			   "start_time does not match the first \"Session started\" entry (%s): two "
			   "sessions with one ID?",
			   t);
	}
}

/*
 * Keys of older logs that the reader maps (doc/design.md §2): read fine, so a
 * warning, never an error.  `mode` is the coordinator of pre-V5 logs.
 */
static void check_legacy(struct checker *c, const struct ruru_toml_value *root)
{
	static const char *const keys[][2] = { { "session_id", "id" },	 { "goal", "title" },
					       { "created_date", "start_time" }, { "mode", "coordinator" },
					       { "coordinator_mode", "coordinator" } };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct ruru_toml_value *v = ruru_toml_table_get(root, keys[i][0], strlen(keys[i][0]));
		if (v)
			problem(c, c->toml + ruru_toml_value_span(v).start, SEV_WARNING, "legacy-key",
				"legacy key \"%s\" (read as \"%s\")", keys[i][0], keys[i][1]);
	}
}

/* Entries out of time order: an entry stamped before one above it (only
 * stamps that can be compared: both with a zone, or both without). */
static void check_order(struct checker *c, const struct ruru_entry *e, size_t n)
{
	bool have[2] = { false, false };
	time_t last[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		if (e[i].orphan || !e[i].when_valid)
			continue;
		int z = e[i].has_zone;
		if (have[z] && e[i].when < last[z])
			problem(c, e[i].start, SEV_WARNING, "out-of-order",
				"entry stamped before the entry above it (show keeps the file's order)");
		if (!have[z] || e[i].when > last[z])
			last[z] = e[i].when;
		have[z] = true;
	}
}

/* What only the body shows: fences never closed, template placeholders. */
static void check_body(struct checker *c, const char *text, size_t len, size_t body)
{
	size_t offs[64];
	size_t n = ruru_body_unclosed_fences(text, len, body, offs, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		problem(c, offs[i], SEV_ERROR, "unclosed-fence",
			"code fence never closed: other Markdown readers show everything after it as "
			"code (ruru ends it at its next entry)");
	n = ruru_body_placeholders(text, len, body, offs, 64);
	for (size_t i = 0; i < n; i++)
		problem(c, i < 64 ? offs[i] : offs[63], SEV_WARNING, "placeholder",
			"placeholder entry left from a template (not read as an entry)");
	n = ruru_body_log_headings(text, len, body, offs, 64);
	for (size_t i = 1; i < n && i < 64; i++)
		problem(c, offs[i], SEV_WARNING, "second-log-entries",
			"another \"## Log Entries\" heading (ruru appends after the last one)");
}

static void check_text(struct checker *c, const char *text, size_t len, const char *folder_id)
{
	struct ruru_frontmatter fm;
	size_t body = 0, start_at = 0;
	time_t start = 0;
	bool have_start = false;
	c->text = text;
	if (!ruru_frontmatter_split(text, len, &fm)) {
		problem(c, 0, SEV_ERROR, "no-front-matter", "%s",
			len ? "no front matter (expected a \"+++\" line)" : "empty log");
	} else {
		body = fm.body;
		c->toml = fm.toml;
		struct ruru_error e = { 0 };
		struct ruru_toml *doc = ruru_toml_parse(text + fm.toml, fm.toml_end - fm.toml, &e);
		if (!doc) {
			int l, col;
			ruru_text_position(text, fm.toml, &l, &col);
			add_problem(c, e.line + l - 1, e.col, SEV_ERROR, "toml", e.msg);
		} else {
			const struct ruru_toml_value *root = ruru_toml_root(doc);
			for (const struct fm_key *k = fm_keys; k->name; k++)
				check_key(c, root, k);
			check_legacy(c, root);
			/* the id row of the key table, under its name or legacy alias */
			const struct fm_key *idk = fm_key_find(RURU_LIT("id"));
			const struct ruru_toml_value *idv =
				ruru_toml_table_get(root, idk->name, strlen(idk->name));
			if (!idv && idk->alias)
				idv = ruru_toml_table_get(root, idk->alias, strlen(idk->alias));
			const char *id = idv ? ruru_toml_string(idv, NULL) : NULL;
			if (id && folder_id && strcmp(id, folder_id))
				problem(c, c->toml + ruru_toml_value_span(idv).start, SEV_ERROR, "id-mismatch",
					   "id does not match the session folder \"%s\"", folder_id);
			have_start = start_instant(root, &start, &start_at);
			start_at += c->toml;
			ruru_toml_free(doc);
		}
	}
	struct ruru_entry *entries;
	check_body(c, text, len, body);
	size_t n = ruru_entries_parse_with(text, len, body, RURU_ENTRIES_ORPHANS, &entries);
	check_one_session(c, entries, n, have_start, start, start_at);
	check_order(c, entries, n);
	for (size_t i = 0; i < n; i++) {
		if (entries[i].orphan)
			problem(c, entries[i].start, SEV_WARNING, "orphan-text",
				"%s (kept: show and search find it)",
				entries[i].stamp ? "entry outside \"## Log Entries\""
						 : "text that belongs to no entry");
		else if (!entries[i].when_valid)
			problem(c, entries[i].start, SEV_WARNING, "timestamp-unreadable",
				"entry has no usable timestamp \"%s\"",
				   entries[i].stamp ? entries[i].stamp : "");
		else if (!entries[i].has_zone)
			problem(c, entries[i].start, SEV_WARNING, "timestamp-no-zone",
				"entry timestamp \"%s\" has no time zone (read without one, not as UTC)",
				   entries[i].stamp);
		ruru_entry_release(&entries[i]);
	}
	free(entries);
}

/* The session folder name of a log path ".../sessions/<ID>/session_log.md". */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || strcmp(slash + 1, "session_log.md"))
		return NULL;
	const char *start = slash;
	while (start > path && start[-1] != '/')
		start--;
	return start < slash ? ruru_strndup(start, (size_t)(slash - start)) : NULL;
}

/* Check one log file: `path` to read it (in `store`, or with no store a
 * file the user named), `shown` to name it. */
static int check_file(struct checker *c, struct ruru_store *store, const char *path,
		      const char *shown, const char *folder_id, struct ruru_buf *text,
		      struct ruru_error *err)
{
	ruru_buf_reset(text);
	if ((store ? ruru_store_read(store, path, text, err) : ruru_file_read(path, text, err)) < 0)
		return -1;
	file_begin(c, shown);
	c->text = text->ptr;
	/* A torn entry (an append cut short, doc/design.md §8): reported, and the
	 * rest is checked as the next write will leave it. */
	struct ruru_buf state = RURU_BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (slash)
		ruru_buf_add(&state, path, (size_t)(slash - path) + 1);
	ruru_buf_addstr(&state, ".state");
	struct stat st;
	off_t keep;
	struct ruru_error ignore = { 0 };
	if ((store ? ruru_store_lstat(store, path, &st, &ignore) : stat(path, &st)) == 0 &&
	    ruru_log_torn_tail(store, AT_FDCWD, state.ptr, &st, &keep) &&
	    (size_t)keep < text->len &&
	    ruru_log_torn_shape(text->ptr + keep, text->len - (size_t)keep)) {
		problem(c, (size_t)keep, SEV_ERROR, "torn-entry",
			"torn entry: the last %zu bytes are what an interrupted append left; ruru "
			"ignores them and its next write cuts them off",
			text->len - (size_t)keep);
		text->len = (size_t)keep;
		text->ptr[text->len] = '\0';
	}
	ruru_buf_release(&state);
	check_text(c, text->ptr, text->len, folder_id);
	file_end(c);
	return 0;
}

void ruru_check_report_free(struct ruru_check_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].file);
	for (size_t i = 0; i < r->nproblems; i++) {
		free(r->problems[i].file);
		free(r->problems[i].code);
		free(r->problems[i].message);
	}
	free(r->files);
	free(r->problems);
	free(r);
}

void ruru_check_report_errors_only(struct ruru_check_report *r)
{
	size_t kept = 0;
	for (size_t i = 0; i < r->nproblems; i++) {
		if (r->problems[i].error) {
			r->problems[kept++] = r->problems[i];
			continue;
		}
		free(r->problems[i].file);
		free(r->problems[i].code);
		free(r->problems[i].message);
	}
	r->nproblems = kept;
	r->errors_only = true;
}

json_t *ruru_check_report_json(const struct ruru_check_report *r)
{
	json_t *files = json_array(), *problems = json_array();
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct ruru_check_file *f = &r->files[i];
		json_t *o = json_pack("{s:o, s:I, s:I}", "file", ruru_json_str(f->file), "errors",
				      (json_int_t)f->errors, "warnings", (json_int_t)f->warnings);
		if (!f->log)
			json_object_set_new(o, "log", json_false());
		json_array_append_new(files, o);
	}
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct ruru_check_problem *p = &r->problems[i];
		json_t *o = json_pack("{s:o, s:I, s:I, s:s, s:o, s:o}", "file", ruru_json_str(p->file),
				      "line", (json_int_t)p->line, "column", (json_int_t)p->column,
				      "severity", p->error ? "error" : "warning", "code",
				      ruru_json_str(p->code), "message", ruru_json_str(p->message));
		if (p->count)
			json_object_set_new(o, "count", json_integer((json_int_t)p->count));
		json_array_append_new(problems, o);
	}
	return json_pack("{s:I, s:I, s:o, s:o, s:b}", "errors", (json_int_t)r->errors, "warnings",
			 (json_int_t)r->warnings, "files", files, "problems", problems, "ok",
			 r->errors == 0);
}

/* "N errors[, M warnings]" */
static void counts(struct ruru_buf *b, size_t errors, size_t warnings, bool errors_only)
{
	ruru_text_count(b, errors, "error", "errors");
	if (!errors_only) {
		ruru_buf_addstr(b, ", ");
		ruru_text_count(b, warnings, "warning", "warnings");
	}
}

/* A line of the text, escaped whole (a file name or message cannot start
 * a line of its own). */
static void line_out(struct ruru_buf *out, struct ruru_buf *line)
{
	ruru_text_escape(out, line->ptr, line->len);
	ruru_buf_addch(out, '\n');
	ruru_buf_reset(line);
}

void ruru_check_report_text(const struct ruru_check_report *r, struct ruru_buf *out)
{
	struct ruru_buf l = RURU_BUF_INIT;
	size_t nlogs = 0, bad = 0;
	for (size_t i = 0; i < r->nfiles; i++) /* logs, not the workspace's other files */
		nlogs += r->files[i].log;
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct ruru_check_file *f = &r->files[i];
		if (f->errors == 0 && (f->warnings == 0 || r->errors_only))
			continue;
		bad++;
		for (size_t k = 0; k < r->nproblems; k++) {
			const struct ruru_check_problem *p = &r->problems[k];
			if (!p->file || !f->file || strcmp(p->file, f->file))
				continue;
			ruru_buf_addf(&l, "%s:%zu:%zu: %s: %s [%s]", p->file, p->line, p->column,
				      p->error ? "error" : "warning", p->message ? p->message : "",
				      p->code ? p->code : "");
			line_out(out, &l);
		}
		ruru_buf_addf(&l, "%s: ", f->file ? f->file : "?");
		counts(&l, f->errors, f->warnings, r->errors_only);
		line_out(out, &l);
	}
	if (nlogs > 1 || bad == 0) {
		ruru_text_count(&l, nlogs, "log", "logs");
		ruru_buf_addstr(&l, " checked: ");
		counts(&l, r->errors, r->warnings, r->errors_only);
		line_out(out, &l);
	}
	ruru_buf_release(&l);
}

int ruru_check(struct ruru_ws *ws, const char *const *files, size_t n,
	       struct ruru_check_report **report, struct ruru_error *err)
{
	struct checker c;
	memset(&c, 0, sizeof(c));
	c.r = ruru_xmalloc(sizeof(*c.r));
	*c.r = (struct ruru_check_report){ 0 };
	size_t errors = 0, warnings = 0;
	struct ruru_buf text = RURU_BUF_INIT, path = RURU_BUF_INIT;
	int rc = 0;
	*report = NULL;
	if (n) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			char *folder = folder_of(files[i]);
			rc = check_file(&c, NULL, files[i], files[i], folder, &text, err);
			free(folder);
			errors += c.errors;
			warnings += c.warnings;
		}
	} else {
		struct ruru_session *list;
		size_t count;
		rc = ruru_session_list_logs(ws, RURU_STATUS_UNKNOWN, NULL, &list, &count, err);
		for (size_t i = 0; rc == 0 && i < count; i++) {
			ruru_buf_reset(&path);
			ruru_buf_addstr(&path, list[i].path);
			struct ruru_error e = { 0 };
			if (check_file(&c, ws->store, path.ptr, list[i].path, list[i].id, &text, &e) < 0)
				continue; /* gone since it was listed */
			errors += c.errors;
			warnings += c.warnings;
		}
		if (rc == 0)
			ruru_session_list_free(list, count);
		/* ruru keeps its search index in the user's cache folder; one
		 * in the work tree came from elsewhere (an old ruru, or a
		 * repository that planted it) and is never opened. */
		static const char stray[] = ".ruru/index.sqlite3";
		char *sp = ruru_ws_path(ws, stray);
		struct stat sst;
		struct ruru_error none = { 0 };
		if (rc == 0 && ruru_store_lstat(ws->store, sp, &sst, &none) == 0) {
			file_begin(&c, stray);
			add_problem(&c, 1, 1, SEV_WARNING, "stray-index",
				    "a search index in the work tree: ruru never opens it (its index "
				    "lives in the user's cache folder); delete it");
			warnings += c.warnings;
			/* in the per-file summary, marked as not a log */
			file_add(&c, stray, 0, c.warnings, false);
		}
		free(sp);
	}
	ruru_buf_release(&text);
	ruru_buf_release(&path);
	if (rc < 0) {
		ruru_check_report_free(c.r);
		return -1;
	}
	c.r->errors = errors;
	c.r->warnings = warnings;
	*report = c.r;
	return (int)errors;
}
