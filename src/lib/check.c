/*
 * check.c — `ruru check`: validate session logs against DESIGN §2 and
 * report every problem as FILE:LINE:COL: problem, the way a compiler does,
 * so an editor can jump to each one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "logtx.h"
#include "fmkeys.h"
#include "banned.h"

struct checker {
	const char *file;
	const char *text;
	size_t toml; /* offset of the TOML in text */
	json_t *problems;
};

static void problem_at(struct checker *c, size_t off, const char *fmt, const char *arg)
{
	int line, col;
	ruru_text_position(c->text, off, &line, &col);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s:%d:%d: ", c->file, line, col);
	ruru_buf_addf(&b, fmt, arg);
	json_array_append_new(c->problems, json_string(b.ptr));
	ruru_buf_release(&b);
}

static void check_string(struct checker *c, const struct ruru_toml_value *root, const char *key,
			 const char *alt, bool required)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v && alt)
		v = ruru_toml_table_get(root, alt, strlen(alt));
	if (!v) {
		if (required)
			problem_at(c, c->toml, "missing key \"%s\"", key);
		return;
	}
	if (ruru_toml_kind(v) != RURU_TOML_STRING)
		problem_at(c, c->toml + ruru_toml_value_span(v).start, "\"%s\" must be a string", key);
}

static void check_time(struct checker *c, const struct ruru_toml_value *root, const char *key,
		       bool required, bool empty_ok)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v) {
		if (required)
			problem_at(c, c->toml, "missing key \"%s\"", key);
		return;
	}
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
			problem_at(c, at, "\"%s\" is not a date-time", key);
		return;
	}
	problem_at(c, at, "\"%s\" must be an offset date-time", key);
}

static void check_array(struct checker *c, const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v)
		return;
	if (ruru_toml_kind(v) != RURU_TOML_ARRAY) {
		problem_at(c, c->toml + ruru_toml_value_span(v).start, "\"%s\" must be an array of strings",
			   key);
		return;
	}
	for (size_t i = 0; i < ruru_toml_array_len(v); i++) {
		const struct ruru_toml_value *e = ruru_toml_array_at(v, i);
		if (ruru_toml_kind(e) != RURU_TOML_STRING) {
			problem_at(c, c->toml + ruru_toml_value_span(e).start,
				   "\"%s\" must hold only strings", key);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const char *a = ruru_toml_string(ruru_toml_array_at(v, j), NULL);
			const char *b = ruru_toml_string(e, NULL);
			if (a && b && !strcmp(a, b)) {
				problem_at(c, c->toml + ruru_toml_value_span(e).start,
					   "duplicate element in \"%s\"", key);
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
			problem_at(c, c->toml + ruru_toml_value_span(st).start,
				   "unknown status \"%s\"", ss);
		break;
	}
	case FM_TIME:
		check_time(c, root, k->name, k->required, k->empty_ok);
		break;
	case FM_STRINGS:
		check_array(c, root, k->name);
		break;
	}
}

/* start_time as an instant, and the offset of its value in the TOML. */
static bool start_instant(const struct ruru_toml_value *root, time_t *when, size_t *at)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, "start_time", 10);
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
	       !memcmp(e->message, "Session started", 15);
}

/*
 * One log, one session.  Session IDs carry only the minute, so two machines
 * starting the same goal in the same minute make the same ID, and git then
 * brings both into one folder.  The sign of that (DESIGN §1): a log whose
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
		problem_at(c, e[i].start,
			   "session started twice in one log (two sessions made with the same ID%s)",
			   " on different machines?");
	}
	if (first && have_start && first->when_valid && first->has_zone && first->when != start) {
		char t[32];
		ruru_time_format_rfc3339(first->when, t);
		problem_at(c, start_at,
			   "start_time does not match the first \"Session started\" entry (%s): two "
			   "sessions with one ID?",
			   t);
	}
}

static void check_text(struct checker *c, const char *text, size_t len, const char *folder_id)
{
	struct ruru_frontmatter fm;
	size_t body = 0, start_at = 0;
	time_t start = 0;
	bool have_start = false;
	c->text = text;
	if (!ruru_frontmatter_split(text, len, &fm)) {
		problem_at(c, 0, "%s", len ? "no front matter (expected a \"+++\" line)" : "empty log");
	} else {
		body = fm.body;
		c->toml = fm.toml;
		struct ruru_error e;
		struct ruru_toml *doc = ruru_toml_parse(text + fm.toml, fm.toml_end - fm.toml, &e);
		if (!doc) {
			int l, col;
			ruru_text_position(text, fm.toml, &l, &col);
			struct ruru_buf b = RURU_BUF_INIT;
			ruru_buf_addf(&b, "%s:%d:%d: %s", c->file, e.line + l - 1, e.col, e.msg);
			json_array_append_new(c->problems, json_string(b.ptr));
			ruru_buf_release(&b);
		} else {
			const struct ruru_toml_value *root = ruru_toml_root(doc);
			for (const struct fm_key *k = fm_keys; k->name; k++)
				check_key(c, root, k);
			const struct ruru_toml_value *idv = ruru_toml_table_get(root, "id", 2);
			if (!idv)
				idv = ruru_toml_table_get(root, "session_id", 10);
			const char *id = idv ? ruru_toml_string(idv, NULL) : NULL;
			if (id && folder_id && strcmp(id, folder_id))
				problem_at(c, c->toml + ruru_toml_value_span(idv).start,
					   "id does not match the session folder \"%s\"", folder_id);
			have_start = start_instant(root, &start, &start_at);
			start_at += c->toml;
			ruru_toml_free(doc);
		}
	}
	struct ruru_entry *entries;
	size_t n = ruru_entries_parse(text, len, body, &entries);
	check_one_session(c, entries, n, have_start, start, start_at);
	for (size_t i = 0; i < n; i++) {
		if (!entries[i].when_valid)
			problem_at(c, entries[i].start, "entry has no usable timestamp \"%s\"",
				   entries[i].stamp ? entries[i].stamp : "");
		else if (!entries[i].has_zone)
			problem_at(c, entries[i].start, "entry timestamp \"%s\" has no time zone",
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

int ruru_check(struct ruru_ws *ws, const char *const *files, size_t n, json_t **problems,
	       struct ruru_error *err)
{
	*problems = json_array();
	struct checker c = { .problems = *problems };
	struct ruru_buf text = RURU_BUF_INIT, path = RURU_BUF_INIT;
	if (n) {
		for (size_t i = 0; i < n; i++) {
			ruru_buf_reset(&text);
			if (ruru_read_file(files[i], &text, err) < 0) {
				ruru_buf_release(&text);
				json_decref(*problems);
				*problems = NULL;
				return -1;
			}
			c.file = files[i];
			char *folder = folder_of(files[i]);
			check_text(&c, text.ptr, text.len, folder);
			free(folder);
		}
	} else {
		struct ruru_session *list;
		size_t count;
		if (ruru_session_list(ws, RURU_STATUS_UNKNOWN, NULL, &list, &count, err) < 0) {
			json_decref(*problems);
			*problems = NULL;
			return -1;
		}
		for (size_t i = 0; i < count; i++) {
			ruru_buf_reset(&text);
			ruru_buf_reset(&path);
			ruru_buf_addf(&path, "%s/%s", ruru_ws_root(ws), list[i].path);
			struct ruru_error e;
			if (ruru_read_file(path.ptr, &text, &e) < 0)
				continue;
			c.file = list[i].path;
			check_text(&c, text.ptr, text.len, list[i].id);
		}
		ruru_session_list_free(list, count);
	}
	ruru_buf_release(&text);
	ruru_buf_release(&path);
	return (int)json_array_size(*problems);
}
