/*
 * session.c — reading sessions as the standard describes them: logs read
 * leniently (legacy keys, string timestamps, status variants), listed by
 * front matter only, an ID, a prefix or the active session resolved, and
 * the index's packed copy of the front matter.  Creating a session,
 * logging an event and changing status are in flow/session_write.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "session.h"
#include "fmkeys.h"
#include "text.h"
#include "banned.h"

/* ------------------------------------------------------------- reading */

static const struct ruru_toml_value *get(const struct ruru_toml *doc, const char *key)
{
	return ruru_toml_table_get(ruru_toml_root(doc), key, strlen(key));
}

static char *get_string(const struct ruru_toml *doc, const char *key, const char *alt)
{
	const struct ruru_toml_value *v = get(doc, key);
	if (!v && alt)
		v = get(doc, alt);
	size_t n;
	const char *s = v ? ruru_toml_string(v, &n) : NULL;
	return s ? ruru_strndup(s, n) : NULL;
}

/* A time as a string (as written) and as an instant: TOML date-times and
 * strings in the formats real logs use are both accepted. */
static void get_time(const struct ruru_toml *doc, const char *key, const char *alt, char **text,
		     time_t *when)
{
	const struct ruru_toml_value *v = get(doc, key);
	if (!v && alt)
		v = get(doc, alt);
	*text = NULL;
	*when = 0;
	if (!v)
		return;
	enum ruru_toml_kind k = ruru_toml_kind(v);
	if (k == RURU_TOML_STRING) {
		size_t n;
		const char *s = ruru_toml_string(v, &n);
		*text = ruru_strndup(s, n);
		bool zone;
		if (!ruru_time_parse(s, n, when, &zone))
			*when = 0;
	} else if (k == RURU_TOML_DATETIME || k == RURU_TOML_DATETIME_LOCAL ||
		   k == RURU_TOML_DATE_LOCAL) {
		const struct ruru_toml_datetime *dt = ruru_toml_datetime(v);
		*when = time_from_toml(dt, k);
		char out[32];
		if (k == RURU_TOML_DATETIME) {
			ruru_time_format_rfc3339(*when, out);
		} else {
			/* a local date-time or date names no zone: shown as the
			 * wall time it is, never as UTC */
			snprintf(out, sizeof(out), "%04d-%02d-%02d", dt->year, dt->month, dt->day);
			if (k == RURU_TOML_DATETIME_LOCAL)
				snprintf(out + 10, sizeof(out) - 10, "T%02d:%02d:%02d", dt->hour, dt->minute,
					 dt->second);
		}
		*text = ruru_strdup(out);
	}
}

static char **get_strings(const struct ruru_toml *doc, const char *key, size_t *n)
{
	const struct ruru_toml_value *v = get(doc, key);
	*n = 0;
	if (!v || ruru_toml_kind(v) != RURU_TOML_ARRAY)
		return NULL;
	size_t len = ruru_toml_array_len(v);
	char **out = ruru_xmalloc((len + 1) * sizeof(*out));
	for (size_t i = 0; i < len; i++) {
		size_t sl;
		const char *s = ruru_toml_string(ruru_toml_array_at(v, i), &sl);
		if (s)
			out[(*n)++] = ruru_strndup(s, sl);
	}
	out[*n] = NULL;
	return out;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The members of struct ruru_session a front-matter key fills. */
#define FIELD(s, off, type) ((type *)((char *)(s) + (off)))
#define CFIELD(s, off, type) ((type const *)((const char *)(s) + (off)))

static void read_key(struct ruru_session *s, const struct ruru_toml *doc, const struct fm_key *k)
{
	if (k->off == FM_NO_FIELD)
		return;
	switch (k->type) {
	case FM_STRING:
		*FIELD(s, k->off, char *) = get_string(doc, k->name, k->alias);
		/* pre-V5 logs name the coordinator `mode` */
		if (!*FIELD(s, k->off, char *) && !strcmp(k->name, "coordinator"))
			*FIELD(s, k->off, char *) = get_string(doc, "mode", NULL);
		break;
	case FM_STATUS: {
		char *t = get_string(doc, k->name, k->alias);
		*FIELD(s, k->off, char *) = t;
		*FIELD(s, k->aux, enum ruru_status) =
			t ? ruru_status_parse(t, strlen(t)) : RURU_STATUS_UNKNOWN;
		break;
	}
	case FM_TIME:
		get_time(doc, k->name, k->alias, FIELD(s, k->off, char *), FIELD(s, k->aux, time_t));
		break;
	case FM_STRINGS:
		*FIELD(s, k->off, char **) = get_strings(doc, k->name, FIELD(s, k->aux, size_t));
		break;
	}
}

void ruru_session_release(struct ruru_session *s)
{
	free(s->id);
	free(s->path);
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->off == FM_NO_FIELD)
			continue;
		if (k->type == FM_STRINGS)
			free_strings(*FIELD(s, k->off, char **), *FIELD(s, k->aux, size_t));
		else
			free(*FIELD(s, k->off, char *));
	}
	free(s->goal);
	free(s->problem);
	for (size_t i = 0; i < s->nentries; i++)
		ruru_entry_release(&s->entries[i]);
	free(s->entries);
	memset(s, 0, sizeof(*s));
}

/* A line of a Goal section that Markdown or ruru would read as something
 * else at column 0 (a heading, a fence, a "+++" line).  Lines that already
 * start with backslashes before such a thing count too, so that reading
 * back (goal_unescape) removes exactly the one backslash added here. */
bool ruru_goal_line_needs_escape(const char *p, size_t n)
{
	while (n && *p == '\\') {
		p++;
		n--;
	}
	/* Any ATX heading ("#", "# x", "###\tx"), which would end the Goal
	 * section for every reader. */
	size_t h = 0;
	while (h < n && p[h] == '#')
		h++;
	if (h >= 1 && h <= 6 && (h == n || p[h] == ' ' || p[h] == '\t'))
		return true;
	return n >= 3 && (!memcmp(p, RURU_LIT("+++")) || !memcmp(p, RURU_LIT("```")) || !memcmp(p, RURU_LIT("~~~")));
}

/* The text of the "## Goal" section of a body, as the user gave it: the
 * backslash goal_text() put before a line that would have opened a
 * heading, a fence or front matter is taken off again, and CRLF is read
 * as a newline. */
static char *goal_section(const char *text, size_t len, size_t body)
{
	size_t start, end;
	if (!ruru_body_goal(text, len, body, &start, &end))
		return NULL;
	struct ruru_buf g = RURU_BUF_INIT;
	for (size_t off = start; off < end;) {
		const char *nl = memchr(text + off, '\n', end - off);
		size_t n = nl ? (size_t)(nl - text - off) : end - off;
		size_t shown = n && text[off + n - 1] == '\r' ? n - 1 : n;
		const char *p = text + off;
		if (shown > 1 && p[0] == '\\' && ruru_goal_line_needs_escape(p + 1, shown - 1)) {
			p++;
			shown--;
		}
		ruru_buf_add(&g, p, shown);
		if (nl)
			ruru_buf_addch(&g, '\n');
		off += n + (nl ? 1 : 0);
	}
	return ruru_buf_detach(&g, NULL);
}

/* Fill `s` from a log's text (whole file or at least its front matter). */
static void session_from_text(struct ruru_session *s, const char *text, size_t len, bool entries)
{
	struct ruru_frontmatter fm;
	size_t body = 0;
	struct ruru_error problem = { 0 };
	s->valid = false;
	ruru_error_clear(&problem);
	ruru_error_set_file(&problem, s->path);
	if (!ruru_frontmatter_split(text, len, &fm)) {
		ruru_error_set(&problem, RURU_EINVALID,
			       len ? "no front matter (a log starts with a \"+++\" line and its "
				     "TOML ends at the next \"+++\" line)"
				   : "empty log");
		problem.line = problem.col = 1;
	} else {
		body = fm.body;
		struct ruru_toml *doc = ruru_toml_parse(text + fm.toml, fm.toml_end - fm.toml, &problem);
		if (!doc) {
			int l, c;
			ruru_text_position(text, fm.toml, &l, &c);
			problem.line += l - 1;
		} else {
			s->valid = true;
			for (const struct fm_key *k = fm_keys; k->name; k++)
				read_key(s, doc, k);
			ruru_toml_free(doc);
		}
	}
	if (!s->valid) {
		s->problem = ruru_xmalloc(sizeof(*s->problem));
		*s->problem = problem;
	}
	if (entries) {
		s->goal = goal_section(text, len, body);
		s->nentries = ruru_entries_parse_with(text, len, body, RURU_ENTRIES_ORPHANS, &s->entries);
	}
}

/* Read session `id`'s log (whole, or its front matter only) from the
 * sessions folder `dirfd` and fill `out`. */
static int load_at(int dirfd, enum ruru_layout layout, const char *id, unsigned flags,
		   struct ruru_session *out, struct ruru_buf *scratch, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct ruru_buf rel = RURU_BUF_INIT, own = RURU_BUF_INIT;
	struct ruru_buf *bp = scratch ? scratch : &own;
	ruru_buf_reset(bp);
	static const char leaf[] = "/session_log.md";
	const char *prefix = ruru_layout_dir(layout);
	ruru_buf_addf(&rel, "%s/", prefix);
	size_t plen = rel.len;
	ruru_buf_addstr(&rel, id);
	ruru_buf_add(&rel, leaf, sizeof(leaf) - 1);
	const char *in_dir = rel.ptr + plen;
	int rc;
	if (flags & RURU_LOAD_ENTRIES) {
		int fd = ruru_open_read_at(dirfd, in_dir, err);
		if (fd < 0)
			rc = -1;
		else {
			rc = ruru_buf_read_fd(bp, fd, err);
			/* sec-text: the rest of an interrupted append is not an entry. */
			struct stat st;
			off_t keep;
			if (rc == 0 && fstat(fd, &st) == 0) {
				struct ruru_buf sp = RURU_BUF_INIT;
				ruru_buf_addf(&sp, "%s/.state", id);
				if (ruru_log_torn_tail(NULL, dirfd, sp.ptr, &st, &keep) && (size_t)keep < bp->len &&
				    ruru_log_torn_shape(bp->ptr + keep, bp->len - (size_t)keep)) {
					bp->len = (size_t)keep;
					bp->ptr[bp->len] = '\0';
				}
				ruru_buf_release(&sp);
			}
			close(fd);
		}
	} else {
		rc = ruru_read_front_matter(NULL, dirfd, in_dir, bp, err);
	}
	if (rc < 0) {
		ruru_error_set_file(err, rel.ptr);
		ruru_buf_release(&rel);
		ruru_buf_release(&own);
		return -1;
	}
	out->id = ruru_strdup(id);
	out->path = ruru_buf_detach(&rel, NULL);
	out->layout = layout;
	session_from_text(out, bp->ptr, bp->len, flags & RURU_LOAD_ENTRIES);
	ruru_buf_release(&own);
	return 0;
}

int ruru_session_load(struct ruru_ws *ws, const char *id, unsigned flags, struct ruru_session *out,
		      struct ruru_error *err)
{
	enum ruru_layout layout = ruru_ws_session_layout(ws, id);
	char *dir = ruru_ws_path(ws, ruru_layout_dir(layout));
	int dfd = ruru_store_open_dir(ws->store, dir, err);
	free(dir);
	if (dfd < 0) {
		memset(out, 0, sizeof(*out));
		if (err->code == RURU_EREFUSED)
			return -1;
		return ruru_error_set(err, RURU_ENOTFOUND, "unknown session \"%s\"", id);
	}
	int rc = load_at(dfd, layout, id, flags, out, NULL, err);
	close(dfd);
	return rc;
}

static int cmp_newest(const void *a, const void *b)
{
	const struct ruru_session *x = *(const struct ruru_session *const *)a;
	const struct ruru_session *y = *(const struct ruru_session *const *)b;
	if (x->start != y->start)
		return x->start > y->start ? -1 : 1;
	return strcmp(y->id, x->id);
}

static bool has_tag(const struct ruru_session *s, const char *tag)
{
	for (size_t i = 0; i < s->ntags; i++)
		if (!strcasecmp(s->tags[i], tag))
			return true;
	return false;
}

/* One thread's share of a listing: load names[from, to) into slots. */
struct list_job {
	int dirfd;
	enum ruru_layout layout;
	char **names;
	size_t from, to;
	struct ruru_session *slots;
	bool *loaded;
};

static void *list_worker(void *arg)
{
	struct list_job *j = arg;
	struct ruru_buf scratch = RURU_BUF_INIT; /* one read buffer for all */
	for (size_t i = j->from; i < j->to; i++) {
		struct ruru_error e = { 0 };
		/* A folder without a log is not a session. */
		j->loaded[i] = load_at(j->dirfd, j->layout, j->names[i], 0, &j->slots[i], &scratch,
				       &e) == 0;
	}
	ruru_buf_release(&scratch);
	return NULL;
}

/* Big listings are read by two threads (this machine class has two cores
 * and the work is opening, reading and parsing independent small files);
 * below LIST_PARALLEL_MIN sessions a thread costs more than it saves. */
#define LIST_PARALLEL_MIN 512

/* The sessions of one layout's folder, appended to *out (n of cap). */
static int list_layout(struct ruru_ws *ws, enum ruru_layout layout, enum ruru_status status,
		       const char *tag, struct ruru_session **out, size_t *n, struct ruru_error *err)
{
	char *dirpath = ruru_ws_path(ws, ruru_layout_dir(layout));
	DIR *d = ruru_store_opendir(ws->store, dirpath, err);
	free(dirpath);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		if (err->code != RURU_EREFUSED)
			ruru_error_set(err, RURU_EFAIL, "cannot read %s: %s", ruru_layout_dir(layout),
				       strerror(errno));
		return -1;
	}
	char **names;
	size_t count = ruru_dir_names(d, NULL, RURU_NAMES_DIRS, &names);
	struct ruru_session *slots = ruru_xmalloc((count ? count : 1) * sizeof(*slots));
	bool *loaded = ruru_xmalloc(count ? count : 1);
	struct list_job jobs[2] = {
		{ dirfd(d), layout, names, 0, count, slots, loaded },
		{ dirfd(d), layout, names, count, count, slots, loaded },
	};
	pthread_t helper;
	bool threaded = false;
	if (count >= LIST_PARALLEL_MIN) {
		jobs[0].to = jobs[1].from = count / 2;
		threaded = pthread_create(&helper, NULL, list_worker, &jobs[1]) == 0;
		if (!threaded)
			jobs[0].to = count;
	}
	list_worker(&jobs[0]);
	if (threaded)
		pthread_join(helper, NULL);
	closedir(d);

	if (*out == NULL) {
		*out = slots; /* the common case: one layout, no copy */
		slots = NULL;
	} else {
		*out = ruru_xrealloc(*out, (*n + count + 1) * sizeof(**out));
	}
	struct ruru_session *from = slots ? slots : *out;
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
		if (!loaded[i])
			continue;
		if ((status != RURU_STATUS_UNKNOWN && from[i].status != status) ||
		    (tag && !has_tag(&from[i], tag))) {
			ruru_session_release(&from[i]);
			continue;
		}
		(*out)[(*n)++] = from[i];
	}
	free(slots);
	free(names);
	free(loaded);
	return 0;
}

int ruru_session_list_logs(struct ruru_ws *ws, enum ruru_status status, const char *tag,
			   struct ruru_session **out, size_t *n, struct ruru_error *err)
{
	*out = NULL;
	*n = 0;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		if (list_layout(ws, (enum ruru_layout)l, status, tag, out, n, err) < 0) {
			ruru_session_list_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	if (*n) {
		/* Sort pointers, then lay the records out in that order. */
		struct ruru_session **idx = ruru_xmalloc(*n * sizeof(*idx));
		struct ruru_session *sorted = ruru_xmalloc(*n * sizeof(*sorted));
		for (size_t i = 0; i < *n; i++)
			idx[i] = &(*out)[i];
		qsort(idx, *n, sizeof(*idx), cmp_newest);
		for (size_t i = 0; i < *n; i++)
			sorted[i] = *idx[i];
		free(idx);
		free(*out);
		*out = sorted;
	}
	return 0;
}

void ruru_session_list_free(struct ruru_session *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ruru_session_release(&list[i]);
	free(list);
}

int ruru_session_recent(struct ruru_ws *ws, struct ruru_session **out, size_t *n,
			struct ruru_error *err)
{
	if (ruru_session_list_logs(ws, RURU_STATUS_UNKNOWN, NULL, out, n, err) < 0)
		return -1;
	for (size_t i = RURU_SESSION_RECENT; i < *n; i++)
		ruru_session_release(&(*out)[i]);
	if (*n > RURU_SESSION_RECENT)
		*n = RURU_SESSION_RECENT;
	return 0;
}

/* ---------------------------------------------------------------- JSON */

static json_t *jstr(const char *s)
{
	return s ? ruru_json_text(s, strlen(s)) : json_null();
}

static json_t *jstrings(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ruru_json_text(v[i], strlen(v[i])));
	return a;
}

json_t *ruru_session_json(const struct ruru_session *s, bool with_entries, size_t last)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", ruru_json_text(s->id, strlen(s->id)));
	json_object_set_new(o, "path", ruru_json_text(s->path, strlen(s->path)));
	json_object_set_new(o, "layout", json_string(ruru_layout_word((enum ruru_layout)s->layout)));
	json_object_set_new(o, "valid", json_boolean(s->valid));
	if (!s->valid) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_error_format(s->problem, &line);
		json_object_set_new(o, "problem", ruru_json_text(line.ptr, line.len));
		ruru_buf_release(&line);
	}
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->off == FM_NO_FIELD)
			continue;
		const char *text = *CFIELD(s, k->off, char *);
		switch (k->type) {
		case FM_STATUS: {
			/* the word, and the text as written */
			enum ruru_status st = *CFIELD(s, k->aux, enum ruru_status);
			struct ruru_buf as_written = RURU_BUF_INIT;
			json_object_set_new(o, k->name,
					    st ? json_string(ruru_status_word(st)) : json_null());
			ruru_buf_addf(&as_written, "%s_text", k->name);
			json_object_set_new(o, as_written.ptr, jstr(text));
			ruru_buf_release(&as_written);
			break;
		}
		case FM_STRINGS:
			json_object_set_new(o, k->name, jstrings(*CFIELD(s, k->off, char **),
								  *CFIELD(s, k->aux, size_t)));
			break;
		case FM_STRING:
		case FM_TIME:
			json_object_set_new(o, k->name, jstr(text));
			break;
		}
	}
	if (with_entries) {
		json_object_set_new(o, "goal", jstr(s->goal));
		size_t orphans = 0;
		for (size_t i = 0; i < s->nentries; i++)
			orphans += s->entries[i].orphan;
		/* orphan blocks are shown with the entries, not counted as entries */
		json_object_set_new(o, "entry_count", json_integer((json_int_t)(s->nentries - orphans)));
		json_object_set_new(o, "orphan_count", json_integer((json_int_t)orphans));
		json_t *a = json_array();
		size_t from = last < s->nentries ? s->nentries - last : 0;
		for (size_t i = from; i < s->nentries; i++)
			json_array_append_new(a, ruru_entry_json(&s->entries[i]));
		json_object_set_new(o, "entries", a);
	}
	return o;
}

/* ----------------------------------------------------------- resolving */

/* A session folder holds a session_log.md (or is at least a folder): 1
 * when `id` names one, 0 when not, -1 (err filled, RURU_EREFUSED) when it
 * or a folder above it is a symlink or worse (doc/design.md §1). */
static int session_exists(const struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
		return 0;
	char *p = ruru_ws_session_path(ws, id, NULL);
	struct stat st;
	struct ruru_error e = { 0 };
	int rc = 0;
	if (ws->layout_id && !strcmp(ws->layout_id, id)) {
		/* the layout's look-up just found it a folder, reached
		 * without a symlink */
		free(p);
		return 1;
	}
	if (ruru_store_lstat(ws->store, p, &st, &e) == 0) {
		if (S_ISDIR(st.st_mode))
			rc = 1;
		else if (S_ISLNK(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED,
				       "unsafe path \"%s\": the session folder is a symlink",
				       p);
			rc = -1;
		}
	} else if (e.code == RURU_EREFUSED) {
		*err = e;
		rc = -1;
	}
	free(p);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ruru_session_ambiguous(struct ruru_error *err, const char *prefix, char **names, size_t n)
{
	qsort(names, n, sizeof(*names), cmp_names);
	struct ruru_buf list = RURU_BUF_INIT;
	for (size_t i = 0; i < n && i < 5; i++)
		ruru_buf_addf(&list, "%s\"%s\"", i ? ", " : "", names[i]);
	if (n > 5)
		ruru_buf_addf(&list, " and %zu more", n - 5);
	ruru_error_set(err, RURU_ENOTFOUND, "session prefix \"%s\" matches %zu sessions: %s", prefix,
		       n, list.ptr);
	ruru_buf_release(&list);
	return -1;
}

/* An exact ID or a prefix of exactly one; an ambiguous prefix names its
 * candidates (in name order, at most 5 and a count of the rest). */
/* The forms of a session that ruru prints name it too: its folder
 * (".ruru/sessions/ID", "./.ruru/sessions/ID/") and its log
 * (".ruru/sessions/ID/session_log.md"), in any layout.  NULL when `id`
 * is none of them. */
static char *session_from_path(const char *id)
{
	while (id[0] == '.' && id[1] == '/')
		id += 2;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)l);
		size_t dl = strlen(dir);
		if (strncmp(id, dir, dl) || id[dl] != '/')
			continue;
		const char *name = id + dl + 1;
		size_t n = strcspn(name, "/");
		const char *rest = name + n;
		if (!n || (*rest && strcmp(rest, "/") && strcmp(rest, "/session_log.md")))
			return NULL;
		return ruru_strndup(name, n);
	}
	return NULL;
}

static char *resolve_prefix(struct ruru_ws *ws, const char *id, struct ruru_error *err);

static char *resolve_named(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	char *name = session_from_path(id);
	if (!name)
		return resolve_prefix(ws, id, err);
	char *out = resolve_prefix(ws, name, err);
	free(name);
	return out;
}

static char *resolve_prefix(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	int there = session_exists(ws, id, err);
	if (there < 0)
		return NULL;
	if (there)
		return ruru_strdup(id);
	char **found = NULL;
	bool refused = false;
	struct ruru_error refusal = { 0 };
	size_t matches = 0, n = strlen(id);
	/* A prefix in its own letter case first; then in any case. */
	for (int pass = 0; pass < 2 && !matches; pass++)
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		char *dirpath = ruru_ws_path(ws, ruru_layout_dir((enum ruru_layout)l));
		struct ruru_error derr = { 0 };
		DIR *d = ruru_store_opendir(ws->store, dirpath, &derr);
		free(dirpath);
		if (!d && derr.code == RURU_EREFUSED) {
			*err = derr;
			for (size_t i = 0; i < matches; i++)
				free(found[i]);
			free(found);
			return NULL;
		}
		if (d && n && !strchr(id, '/')) {
			char **names;
			size_t count = ruru_dir_names(d, NULL, 0, &names);
			for (size_t i = 0; i < count; i++) {
				if (pass ? strncasecmp(names[i], id, n) : strncmp(names[i], id, n))
					continue;
				int is = session_exists(ws, names[i], &refusal);
				if (!is)
					continue;
				found = ruru_xrealloc(found, (matches + 1) * sizeof(*found));
				found[matches++] = ruru_strdup(names[i]);
				if (matches == 1)
					refused = is < 0;
			}
			ruru_names_free(names, count);
		}
		if (d)
			closedir(d);
	}
	char *out = NULL;
	if (matches == 1 && refused) {
		*err = refusal;
		free(found[0]);
	} else if (matches == 1) {
		out = found[0];
	} else if (matches > 1) {
		ruru_session_ambiguous(err, id, found, matches);
		for (size_t i = 0; i < matches; i++)
			free(found[i]);
	} else {
		ruru_error_set(err, RURU_ENOTFOUND, "unknown session \"%s\"", id);
	}
	free(found);
	return out;
}

char *ruru_session_resolve(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	if (id && *id)
		return resolve_named(ws, id, err);
	const char *env = ws->opts.session_id;
	if (env && *env)
		return resolve_named(ws, env, err);
	char *out = NULL;
	time_t newest = 0;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		struct ruru_buf ap = RURU_BUF_INIT, b = RURU_BUF_INIT;
		ruru_buf_addf(&ap, "%s/.active", ruru_layout_dir((enum ruru_layout)l));
		struct ruru_error ignore = { 0 };
		struct stat st;
		int fd = ruru_store_open_read_stat(ws->store, ap.ptr, &st, &ignore);
		bool got = fd >= 0 && (!out || st.st_mtime > newest) &&
			   ruru_store_read_sized(fd, st.st_size, &b, &ignore) == 0;
		if (fd >= 0)
			close(fd);
		if (got) {
			while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r' ||
					 b.ptr[b.len - 1] == ' '))
				b.ptr[--b.len] = '\0';
			int is = b.len ? session_exists(ws, b.ptr, err) : 0;
			if (is < 0) {
				free(out);
				ruru_buf_release(&ap);
				ruru_buf_release(&b);
				return NULL;
			}
			if (is) {
				free(out);
				out = ruru_strdup(b.ptr);
				newest = st.st_mtime;
			}
		}
		ruru_buf_release(&ap);
		ruru_buf_release(&b);
	}
	if (!out) {
		ruru_error_set(err, RURU_ENOTFOUND, "no active session");
		ruru_error_hint(err, "session", RURU_HINT_NEW, NULL);
	}
	return out;
}

int ruru_session_optional(struct ruru_ws *ws, const char *id, char **out, struct ruru_error *err)
{
	const char *env = ws->opts.session_id;
	bool named = (id && *id) || (env && *env);
	*out = ruru_session_resolve(ws, id, err);
	if (!*out) {
		if (named || err->code != RURU_ENOTFOUND)
			return -1;
		ruru_error_clear(err);
		return 0; /* no .active, or it names no session */
	}
	if (named)
		return 0;
	struct ruru_session s;
	struct ruru_error e = { 0 };
	bool ended = ruru_session_load(ws, *out, 0, &s, &e) == 0 && s.valid &&
		     (s.status == RURU_STATUS_COMPLETED || s.status == RURU_STATUS_ERROR);
	ruru_session_release(&s); /* load always leaves it initialised */
	if (ended) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* -------------------------------------------------- search index (index.c) */

void ruru_session_from_text(struct ruru_session *s, const char *text, size_t len, bool entries)
{
	session_from_text(s, text, len, entries);
}

/* The search index's copy of the front matter (index.c writes it,
 * search.c reads it back for `list`): every key of the table, so that a
 * new key needs no column.  Per value "-" (none) or "<len>:" and the
 * bytes; a string list is its count, then its items; a status or a time
 * is its text, then its parsed value in decimal. */
static void pack_str(struct ruru_buf *out, const char *v)
{
	if (!v)
		ruru_buf_addch(out, '-');
	else
		ruru_buf_addf(out, "%zu:%s", strlen(v), v);
}

static void pack_num(struct ruru_buf *out, long long v)
{
	char n[32];
	snprintf(n, sizeof(n), "%lld", v);
	pack_str(out, n);
}

void ruru_session_pack(const struct ruru_session *s, struct ruru_buf *out)
{
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->off == FM_NO_FIELD)
			continue;
		switch (k->type) {
		case FM_STRING:
			pack_str(out, *CFIELD(s, k->off, char *));
			break;
		case FM_STATUS:
			pack_str(out, *CFIELD(s, k->off, char *));
			pack_num(out, (long long)*CFIELD(s, k->aux, enum ruru_status));
			break;
		case FM_TIME:
			pack_str(out, *CFIELD(s, k->off, char *));
			pack_num(out, (long long)*CFIELD(s, k->aux, time_t));
			break;
		case FM_STRINGS: {
			char *const *v = *CFIELD(s, k->off, char **);
			size_t n = *CFIELD(s, k->aux, size_t);
			pack_num(out, (long long)n);
			for (size_t i = 0; i < n; i++)
				pack_str(out, v[i]);
			break;
		}
		}
	}
}

/* One packed value: *v gets a copy (NULL for none); false when malformed. */
static bool unpack_str(const char **p, const char *end, char **v)
{
	*v = NULL;
	if (*p < end && **p == '-') {
		(*p)++;
		return true;
	}
	size_t len = 0;
	const char *q = *p;
	while (q < end && *q >= '0' && *q <= '9' && len < ((size_t)-1) / 10)
		len = len * 10 + (size_t)(*q++ - '0');
	if (q == *p || q >= end || *q != ':' || (size_t)(end - q - 1) < len)
		return false;
	*v = ruru_strndup(q + 1, len);
	*p = q + 1 + len;
	return true;
}

/* One packed number (its decimal digits as a packed string, read in
 * place: `list` unpacks several per session). */
static bool unpack_num(const char **p, const char *end, long long *v)
{
	size_t len = 0;
	const char *q = *p;
	while (q < end && *q >= '0' && *q <= '9' && len < 64)
		len = len * 10 + (size_t)(*q++ - '0');
	if (q == *p || q >= end || *q != ':' || (size_t)(end - q - 1) < len || !len || len > 20)
		return false;
	const char *d = q + 1, *e = d + len;
	bool neg = *d == '-';
	unsigned long long n = 0;
	for (d += neg; d < e; d++) {
		if (*d < '0' || *d > '9' || n > (ULLONG_MAX - 9) / 10)
			return false;
		n = n * 10 + (unsigned long long)(*d - '0');
	}
	if (d == q + 1 + neg || n > (unsigned long long)LLONG_MAX + neg)
		return false;
	*v = neg ? (long long)(0 - n) : (long long)n;
	*p = e;
	return true;
}

bool ruru_session_unpack(struct ruru_session *s, const char *p, size_t len)
{
	const char *end = p + len;
	long long num;
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (k->off == FM_NO_FIELD)
			continue;
		switch (k->type) {
		case FM_STRING:
			if (!unpack_str(&p, end, FIELD(s, k->off, char *)))
				return false;
			break;
		case FM_STATUS:
			if (!unpack_str(&p, end, FIELD(s, k->off, char *)) || !unpack_num(&p, end, &num))
				return false;
			*FIELD(s, k->aux, enum ruru_status) = (enum ruru_status)num;
			break;
		case FM_TIME:
			if (!unpack_str(&p, end, FIELD(s, k->off, char *)) || !unpack_num(&p, end, &num))
				return false;
			*FIELD(s, k->aux, time_t) = (time_t)num;
			break;
		case FM_STRINGS: {
			if (!unpack_num(&p, end, &num) || num < 0 || num > (long long)(end - p))
				return false;
			char **v = ruru_xmalloc(((size_t)num + 1) * sizeof(*v));
			size_t n = 0;
			bool ok = true;
			while (ok && n < (size_t)num) {
				ok = unpack_str(&p, end, &v[n]) && v[n];
				if (ok)
					n++;
			}
			*FIELD(s, k->off, char **) = v;
			*FIELD(s, k->aux, size_t) = n;
			if (!ok)
				return false;
			break;
		}
		}
	}
	return p == end;
}
