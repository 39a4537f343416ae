/*
 * session.c — sessions as the standard describes them (§3–§5): reading
 * logs leniently (legacy keys, string timestamps, status variants), listing
 * them by front matter only, resolving an ID, a prefix or the active
 * session, creating them (from the workspace template when there is one),
 * logging events and changing status.  Every change goes through a log
 * transaction (logtx.c).
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
#include "v7.h"
#include "fmkeys.h"
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
		ruru_time_format_rfc3339(*when, out);
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

static bool goal_line_needs_escape(const char *p, size_t n);

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
		if (shown > 1 && p[0] == '\\' && goal_line_needs_escape(p + 1, shown - 1)) {
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
		s->nentries = ruru_entries_parse(text, len, body, &s->entries);
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
				if (ruru_log_torn_tail(dirfd, sp.ptr, &st, &keep) && (size_t)keep < bp->len &&
				    ruru_log_torn_shape(bp->ptr + keep, bp->len - (size_t)keep)) {
					bp->len = (size_t)keep;
					bp->ptr[bp->len] = '\0';
				}
				ruru_buf_release(&sp);
			}
			close(fd);
		}
	} else {
		rc = ruru_read_front_matter(dirfd, in_dir, bp, err);
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
	int dfd = ruru_open_dir(dir, err);
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
	DIR *d = ruru_opendir(dirpath, err);
	free(dirpath);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		if (err->code != RURU_EREFUSED)
			ruru_error_set(err, RURU_EFAIL, "cannot read %s: %s", ruru_layout_dir(layout),
				       strerror(errno));
		return -1;
	}
	size_t count = 0, cap = 0;
	char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 64;
			names = ruru_xrealloc(names, cap * sizeof(*names));
		}
		names[count++] = ruru_strdup(de->d_name);
	}
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

int ruru_session_list(struct ruru_ws *ws, enum ruru_status status, const char *tag,
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
	if (ruru_session_list(ws, RURU_STATUS_UNKNOWN, NULL, out, n, err) < 0)
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
		json_object_set_new(o, "entry_count", json_integer((json_int_t)s->nentries));
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
 * or a folder above it is a symlink or worse (DESIGN §1). */
static int session_exists(const struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
		return 0;
	char *p = ruru_ws_session_path(ws, id, NULL);
	struct stat st;
	struct ruru_error e = { 0 };
	int rc = 0;
	if (ruru_lstat(p, &st, &e) == 0) {
		if (S_ISDIR(st.st_mode))
			rc = 1;
		else if (S_ISLNK(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED,
				       "unsafe path \"%s\": the session folder is a symlink",
				       p + strlen(ws->root) + 1);
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
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		char *dirpath = ruru_ws_path(ws, ruru_layout_dir((enum ruru_layout)l));
		struct ruru_error derr = { 0 };
		DIR *d = ruru_opendir(dirpath, &derr);
		free(dirpath);
		if (!d && derr.code == RURU_EREFUSED) {
			*err = derr;
			for (size_t i = 0; i < matches; i++)
				free(found[i]);
			free(found);
			return NULL;
		}
		if (d && n && !strchr(id, '/')) {
			struct dirent *de;
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.' || strncmp(de->d_name, id, n) != 0)
					continue;
				int is = session_exists(ws, de->d_name, &refusal);
				if (!is)
					continue;
				found = ruru_xrealloc(found, (matches + 1) * sizeof(*found));
				found[matches++] = ruru_strdup(de->d_name);
				if (matches == 1)
					refused = is < 0;
			}
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
		return resolve_prefix(ws, id, err);
	const char *env = getenv("ROOCOM_SESSION_ID");
	if (env && *env)
		return resolve_prefix(ws, env, err);
	char *out = NULL;
	time_t newest = 0;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		struct ruru_buf ap = RURU_BUF_INIT, b = RURU_BUF_INIT;
		ruru_buf_addf(&ap, "%s/%s/.active", ws->root, ruru_layout_dir((enum ruru_layout)l));
		struct ruru_error ignore = { 0 };
		struct stat st;
		if (ruru_lstat(ap.ptr, &st, &ignore) == 0 && (!out || st.st_mtime > newest) &&
		    ruru_read_file(ap.ptr, &b, &ignore) == 0) {
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
	const char *env = getenv("ROOCOM_SESSION_ID");
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

/* A line of a Goal section that Markdown or ruru would read as something
 * else at column 0 (a heading, a fence, a "+++" line).  Lines that already
 * start with backslashes before such a thing count too, so that reading
 * back (goal_unescape) removes exactly the one backslash added here. */
static bool goal_line_needs_escape(const char *p, size_t n)
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
	return n >= 3 && (!memcmp(p, "+++", 3) || !memcmp(p, "```", 3) || !memcmp(p, "~~~", 3));
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
		if (goal_line_needs_escape(desc + off, shown))
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
	case FM_DEF_NONE: ruru_buf_addstr(lit, "[]"); return;
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
			if (b->len - p >= 14 && !memcmp(b->ptr + p, "## Log Entries", 14))
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
		if (k->type == FM_STRINGS)
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
	/* sec-text: writing is strict (DESIGN §2) even when the template is not:
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
			if (end - p >= 14 && !memcmp(p, "## Log Entries", 14))
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
	int rc = ruru_path_relative_to_root(ws->root, from_summary, &rel, err);
	if (rc == 0) {
		char *abs = ruru_ws_path(ws, rel.ptr);
		struct stat st;
		if (ruru_lstat(abs, &st, err) < 0 || !S_ISREG(st.st_mode))
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
	/* sec-text: the text rule (DESIGN §2); tags are unique, one line, not empty. */
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
	char *made = session_new(ws, &o, start, activate, stage, ctx, err);
	free(tags);
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
		char *o = ruru_ws_active_path(ws, (enum ruru_layout)k);
		struct ruru_error ignore = { 0 };
		ruru_logtx_stage_remove(tx, o, &ignore);
		free(o);
	}
	if (layout != RURU_LAYOUT_RURU &&
	    ruru_ws_ignore_transient(ws, ruru_layout_dir(layout), false, err) < 0)
		return -1;
	char *path = ruru_ws_active_path(ws, layout);
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
	time_t now = start ? start : ruru_now();
	enum ruru_layout layout = ruru_ws_new_layout(ws);
	json_t *scaffold = NULL;
	if (layout == RURU_LAYOUT_RURU) {
		if (ruru_ws_init(ws->root, err) < 0)
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
	bool have_tpl = ruru_read_file(tplpath, &tpl, &terr) == 0;
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
	/* sec-text: the text rule and no empty messages (DESIGN §2). */
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
	 * form it was given in (DESIGN §3). */
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
	 * a confirmation's target; outside the root is refused (DESIGN §1).
	 * The file need not exist yet: an ADR may be written later. */
	struct ruru_buf adr = RURU_BUF_INIT;
	if (in->field[RURU_FIELD_ADR]) {
		if (ruru_path_relative_to_root(ws->root, in->field[RURU_FIELD_ADR], &adr, err) < 0) {
			ruru_buf_release(&art);
			ruru_buf_release(&adr);
			return ruru_error_hint(err, "adr", RURU_HINT_NONE, NULL);
		}
		copy.field[RURU_FIELD_ADR] = adr.ptr;
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
		bool dup = rc == 0 && ruru_logtx_duplicate(&tx, &copy, ruru_now());
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
	time_t now = ruru_now();
	struct ruru_buf lit = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	const char *st = ruru_status_string(to);
	ruru_toml_encode_string(&lit, st, strlen(st));
	int rc = ruru_logtx_set(&tx, "status", lit.ptr, err);
	if (rc == 0) {
		ruru_buf_reset(&lit);
		if (to == RURU_STATUS_ACTIVE)
			ruru_buf_addstr(&lit, "\"\"");
		else
			ruru_toml_encode_time(&lit, now);
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

static bool unpack_num(const char **p, const char *end, long long *v)
{
	char *t;
	if (!unpack_str(p, end, &t) || !t)
		return false;
	char *stop;
	*v = strtoll(t, &stop, 10);
	bool ok = *t && !*stop;
	free(t);
	return ok;
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
