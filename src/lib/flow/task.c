/*
 * task.c — MDTM task files (doc/design.md §5): creating one from the V7
 * templates 01–06, linking it to a session, editing its status, and the
 * lease (`claim`/`release`) that lets parallel agents share a task list
 * without two of them working on one task.
 *
 * A task file is TOML+Markdown anywhere under .ruru/tasks/, .mdtm/tasks/
 * (v8.1) or .roo/commander/tasks/.  Every edit is made under the task's
 * own lock (".<file name>.lock" beside it), reads the file afresh, changes
 * only the bytes of the edited values with the format-preserving TOML
 * editor, and replaces the file atomically: of N claimers racing for one
 * task exactly one sees it unclaimed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "store.h"
#include "task.h"
#include "v7.h"
#include "words.h"
#include "text.h"
#include "timestamp.h"
#include "banned.h"

static const char *const task_dirs[] = { ".ruru/tasks", ".mdtm/tasks", ".roo/commander/tasks" };
#define NTASK_DIRS (sizeof(task_dirs) / sizeof(task_dirs[0]))

/* ----------------------------------------------------- reading task files */

/* A task file's front matter, parsed; NULL when it has none or it is not
 * valid TOML.  *text keeps the bytes the document points into. */
static struct ruru_toml *task_doc(struct ruru_store *store, const char *path, struct ruru_buf *text,
				  struct ruru_frontmatter *fm)
{
	struct ruru_error e = { 0 };
	ruru_buf_reset(text);
	if (ruru_read_front_matter(store, AT_FDCWD, path, text, &e) < 0 ||
	    !ruru_frontmatter_split(text->ptr, text->len, fm))
		return NULL;
	return ruru_toml_parse(text->ptr + fm->toml, fm->toml_end - fm->toml, &e);
}

static const char *doc_string(const struct ruru_toml *doc, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(ruru_toml_root(doc), key, strlen(key));
	return v ? ruru_toml_string(v, NULL) : NULL;
}

/* Does `hay` name session `sid` as a whole word (not a prefix of a longer
 * ID such as SID-2)? */
static bool names_session(const char *hay, const char *sid)
{
	size_t n = strlen(sid);
	for (const char *p = hay ? strstr(hay, sid) : NULL; p; p = strstr(p + 1, sid)) {
		char before = p == hay ? ' ' : p[-1], after = p[n];
		bool wb = (before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z') ||
			  (before >= '0' && before <= '9') || before == '-' || before == '_';
		bool wa = (after >= 'A' && after <= 'Z') || (after >= 'a' && after <= 'z') ||
			  (after >= '0' && after <= '9') || after == '-' || after == '_';
		if (!wb && !wa)
			return true;
	}
	return false;
}

/* How a task document names session `sid`: the key, or NULL. */
static const char *task_names_session(const struct ruru_toml *doc, const char *sid)
{
	const char *s;
	if ((s = doc_string(doc, "RooComSessionID")) && !strcmp(s, sid))
		return "RooComSessionID";
	if ((s = doc_string(doc, "session_id")) && !strcmp(s, sid))
		return "session_id";
	if (names_session(doc_string(doc, "parent_task"), sid))
		return "parent_task";
	if (names_session(doc_string(doc, "coordinator"), sid))
		return "coordinator";
	const struct ruru_toml_value *rd = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("related_docs"));
	if (rd && ruru_toml_kind(rd) == RURU_TOML_STRING && names_session(ruru_toml_string(rd, NULL), sid))
		return "related_docs";
	for (size_t i = 0; rd && ruru_toml_kind(rd) == RURU_TOML_ARRAY && i < ruru_toml_array_len(rd); i++)
		if (names_session(ruru_toml_string(ruru_toml_array_at(rd, i), NULL), sid))
			return "related_docs";
	return NULL;
}

/*
 * Walk every task folder; call `fn` for each regular *.md file (symlinks
 * are not followed) with its root-relative path and parsed front matter
 * (NULL when it has none).  `fn` returns non-zero to stop.
 */
typedef int (*task_fn)(void *ctx, const char *rel, const char *stem, const struct ruru_toml *doc);

static int walk_dir(struct ruru_store *store, const char *abs, const char *rel, int depth, task_fn fn, void *ctx,
		    struct ruru_buf *text)
{
	struct ruru_error derr = { 0 };
	char **names;
	size_t count;
	if (ruru_store_names(store, abs, NULL, 0, &names, &count, &derr) < 0)
		return 0;
	int stop = 0;
	for (size_t i = 0; !stop && i < count; i++) {
		const char *name = names[i];
		struct ruru_buf p = RURU_BUF_INIT, r = RURU_BUF_INIT;
		ruru_buf_addf(&p, "%s/%s", abs, name);
		ruru_buf_addf(&r, "%s/%s", rel, name);
		struct stat st;
		size_t n = strlen(name);
		bool seen = ruru_store_lstat(store, p.ptr, &st, &derr) == 0;
		if (seen && S_ISDIR(st.st_mode) && depth < 8) {
			stop = walk_dir(store, p.ptr, r.ptr, depth + 1, fn, ctx, text);
		} else if (seen && S_ISREG(st.st_mode) && n > 3 && !strcmp(name + n - 3, ".md") &&
			   strcasecmp(name, "README.md")) {
			struct ruru_frontmatter fm;
			struct ruru_toml *doc = task_doc(store, p.ptr, text, &fm);
			char *stem = ruru_strndup(name, n - 3);
			stop = fn(ctx, r.ptr, stem, doc);
			free(stem);
			ruru_toml_free(doc);
		}
		ruru_buf_release(&p);
		ruru_buf_release(&r);
	}
	ruru_names_free(names, count);
	return stop;
}

static void walk_tasks(struct ruru_ws *ws, task_fn fn, void *ctx)
{
	struct ruru_buf text = RURU_BUF_INIT;
	for (size_t i = 0; i < NTASK_DIRS; i++) {
		struct ruru_buf norm = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		char *abs = ruru_ws_path(ws, task_dirs[i]);
		/* A task folder that is a symlink out of the root is not read. */
		int ok = ruru_store_path_inside(ws->store, NULL, task_dirs[i], &norm, &e) == 0;
		ruru_buf_release(&norm);
		int stop = ok ? walk_dir(ws->store, abs, task_dirs[i], 0, fn, ctx, &text) : 0;
		free(abs);
		if (stop)
			break;
	}
	ruru_buf_release(&text);
}

struct find_ctx {
	const char *id;
	char *by_id, *by_stem;
};

static int find_cb(void *vctx, const char *rel, const char *stem, const struct ruru_toml *doc)
{
	struct find_ctx *c = vctx;
	const char *id = doc ? doc_string(doc, "id") : NULL;
	if (id && !strcmp(id, c->id)) {
		c->by_id = ruru_strdup(rel);
		return 1;
	}
	if (!c->by_stem && !strcmp(stem, c->id))
		c->by_stem = ruru_strdup(rel);
	return 0;
}

int ruru_task_find(struct ruru_ws *ws, const char *task, char **file, struct ruru_error *err)
{
	*file = NULL;
	if (!task || !*task)
		return ruru_error_set(err, RURU_EUSAGE, "no task ID given");
	struct find_ctx c = { task, NULL, NULL };
	walk_tasks(ws, find_cb, &c);
	*file = c.by_id ? c.by_id : c.by_stem;
	if (c.by_id)
		free(c.by_stem);
	if (!*file)
		return ruru_error_set(err, RURU_ENOTFOUND, "no task file for \"%s\" under %s, %s or %s",
				      task, task_dirs[0], task_dirs[1], task_dirs[2]);
	return 0;
}

/* ------------------------------------------------------------- listing */

/* A task as its file says (title, status, assigned_to), under `id`;
 * strings owned. */
static void task_read(struct ruru_task_info *t, const char *rel, const struct ruru_toml *doc)
{
	t->title = ruru_strdup(doc ? doc_string(doc, "title") : NULL);
	t->status = ruru_strdup(doc ? doc_string(doc, "status") : NULL);
	t->assigned_to = ruru_strdup(doc ? doc_string(doc, "assigned_to") : NULL);
	t->file = ruru_strdup(rel);
}

static void task_info_release(struct ruru_task_info *t)
{
	free(t->id);
	free(t->title);
	free(t->status);
	free(t->assigned_to);
	free(t->file);
	free(t->via);
	free(t->session);
}

/* Append a task to a list whose array holds `*cap` (it grows). */
static struct ruru_task_info *list_push(struct ruru_task_list *l, size_t *cap)
{
	if (l->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		l->v = ruru_xrealloc(l->v, *cap * sizeof(*l->v));
	}
	struct ruru_task_info *t = &l->v[l->n++];
	memset(t, 0, sizeof(*t));
	return t;
}

static struct ruru_task_list *list_new(const char *sid)
{
	struct ruru_task_list *l = ruru_xmalloc(sizeof(*l));
	*l = (struct ruru_task_list){ .session = ruru_strdup(sid) };
	return l;
}

struct list_ctx {
	const char *sid;
	struct ruru_task_list *out; /* the first `nlinked` are related_tasks, in order */
	size_t nlinked;
	bool *read;                 /* linked task i was read from a file */
	struct ruru_task_list found; /* other files naming the session, as walked */
	size_t found_cap;
};

/* Read the file into the linked tasks called `key` not read yet; false
 * when there is none. */
static bool read_linked(struct list_ctx *c, const char *key, const char *rel,
			const struct ruru_toml *doc)
{
	bool any = false;
	for (size_t i = 0; i < c->nlinked; i++)
		if (!c->read[i] && !strcmp(c->out->v[i].id, key)) {
			task_read(&c->out->v[i], rel, doc);
			c->read[i] = any = true;
		}
	return any;
}

static bool is_linked(const struct list_ctx *c, const char *id)
{
	for (size_t i = 0; i < c->nlinked; i++)
		if (!strcmp(c->out->v[i].id, id))
			return true;
	return false;
}

static int list_cb(void *vctx, const char *rel, const char *stem, const struct ruru_toml *doc)
{
	struct list_ctx *c = vctx;
	const char *id = doc ? doc_string(doc, "id") : NULL;
	if (!id || !*id)
		id = stem;
	/* a linked task is found by its ID, else by the file's name */
	if (!read_linked(c, id, rel, doc))
		read_linked(c, stem, rel, doc);
	const char *via = doc ? task_names_session(doc, c->sid) : NULL;
	if (!via || is_linked(c, id))
		return 0;
	/* one ID in two files: the first one walked is kept (below) */
	struct ruru_task_info *t = list_push(&c->found, &c->found_cap);
	t->id = ruru_strdup(id);
	task_read(t, rel, doc);
	t->via = ruru_strdup(via);
	return 0;
}

/* A task and when the walk found it. */
struct walked {
	struct ruru_task_info t;
	size_t seq;
};

/* By ID, and in the order walked for one ID. */
static int cmp_walked(const void *a, const void *b)
{
	const struct walked *x = a, *y = b;
	int d = strcmp(x->t.id, y->t.id);
	return d ? d : x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct board_ctx {
	struct ruru_task_list *l;
	size_t cap;
};

static int all_cb(void *vctx, const char *rel, const char *stem, const struct ruru_toml *doc)
{
	struct board_ctx *c = vctx;
	const char *id = doc ? doc_string(doc, "id") : NULL;
	const char *sid = doc ? doc_string(doc, "RooComSessionID") : NULL;
	if (!sid && doc)
		sid = doc_string(doc, "session_id");
	struct ruru_task_info *t = list_push(c->l, &c->cap);
	t->id = ruru_strdup(id && *id ? id : stem);
	task_read(t, rel, doc);
	t->session = sid && *sid ? ruru_strdup(sid) : NULL;
	return 0;
}

/* Board order: what is being worked on first, done last; then by ID. */
static int board_rank(const struct ruru_task_info *t)
{
	static const enum ruru_task_status order[] = {
		RURU_TASK_IN_PROGRESS, RURU_TASK_REVIEW, RURU_TASK_TESTING, RURU_TASK_GENERATING,
		RURU_TASK_BLOCKED,     RURU_TASK_ERROR,  RURU_TASK_TODO,    RURU_TASK_UNKNOWN,
		RURU_TASK_DONE,
	};
	enum ruru_task_status v = t->status ? ruru_task_status_parse(t->status) : RURU_TASK_UNKNOWN;
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (order[i] == v)
			return i;
	return 7;
}

static int cmp_board(const void *a, const void *b)
{
	const struct ruru_task_info *x = a, *y = b;
	int d = board_rank(x) - board_rank(y);
	return d ? d : strcmp(x->id, y->id);
}

struct ruru_task_list *task_list_files(struct ruru_ws *ws)
{
	struct board_ctx c = { list_new(NULL), 0 };
	walk_tasks(ws, all_cb, &c);
	return c.l;
}

struct ruru_task_list *ruru_task_list_all(struct ruru_ws *ws, struct ruru_error *err)
{
	(void)err;
	struct ruru_task_list *l = task_list_files(ws);
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_board);
	return l;
}

struct ruru_task_list *task_list_session(struct ruru_ws *ws, const char *sid, char **tasks,
					 size_t n)
{
	struct ruru_task_list *l = list_new(sid);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		struct ruru_task_info *t = list_push(l, &cap);
		t->id = ruru_strdup(tasks[i]);
		t->linked = true;
		t->via = ruru_strdup("related_tasks");
	}
	struct list_ctx c = { .sid = sid, .out = l, .nlinked = n };
	c.read = ruru_xmalloc((n + 1) * sizeof(*c.read));
	memset(c.read, 0, (n + 1) * sizeof(*c.read));
	walk_tasks(ws, list_cb, &c);
	free(c.read);
	/* by ID, each once */
	struct walked *w = ruru_xmalloc((c.found.n + 1) * sizeof(*w));
	for (size_t i = 0; i < c.found.n; i++)
		w[i] = (struct walked){ c.found.v[i], i };
	if (c.found.n)
		qsort(w, c.found.n, sizeof(*w), cmp_walked);
	for (size_t i = 0; i < c.found.n; i++) {
		if (i && !strcmp(w[i].t.id, w[i - 1].t.id))
			task_info_release(&w[i].t);
		else
			*list_push(l, &cap) = w[i].t;
	}
	free(w);
	free(c.found.v);
	return l;
}

/* ------------------------------------------------------- looking tasks up */

static int cmp_index(const void *a, const void *b)
{
	const struct ruru_task_info *x = *(const struct ruru_task_info *const *)a;
	const struct ruru_task_info *y = *(const struct ruru_task_info *const *)b;
	int d = strcmp(x->id, y->id);
	/* the same ID twice: the later task speaks for it */
	return d ? d : x < y ? 1 : x > y ? -1 : 0;
}

void task_index_init(struct task_index *x, const struct ruru_task_list *l)
{
	size_t n = l ? l->n : 0;
	x->v = ruru_xmalloc((n + 1) * sizeof(*x->v));
	x->n = 0;
	for (size_t i = 0; i < n; i++)
		x->v[x->n++] = &l->v[i];
	if (x->n)
		qsort(x->v, x->n, sizeof(*x->v), cmp_index);
	/* keep the first of each ID: the later task */
	size_t k = 0;
	for (size_t i = 0; i < x->n; i++)
		if (!k || strcmp(x->v[k - 1]->id, x->v[i]->id))
			x->v[k++] = x->v[i];
	x->n = k;
}

size_t task_index_find(const struct task_index *x, const char *id)
{
	size_t lo = 0, hi = x->n;
	while (id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(x->v[mid]->id, id);
		if (!d)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return TASK_NONE;
}

void task_index_release(struct task_index *x)
{
	free(x->v);
	x->v = NULL;
	x->n = 0;
}

/* ---------------------------------------------------- the typed result */

void ruru_task_list_free(struct ruru_task_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		task_info_release(&l->v[i]);
	free(l->v);
	free(l->session);
	free(l);
}

json_t *task_infos_json(const struct ruru_task_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct ruru_task_info *t = &l->v[i];
		json_t *o = json_pack("{s:o}", "id", ruru_json_text(t->id, strlen(t->id)));
		json_object_set_new(o, "title", ruru_json_str(t->title));
		json_object_set_new(o, "status", ruru_json_str(t->status));
		json_object_set_new(o, "assigned_to", ruru_json_str(t->assigned_to));
		json_object_set_new(o, "file", ruru_json_str(t->file));
		if (!l->session) {
			json_object_set_new(o, "session", ruru_json_str(t->session));
		} else if (t->linked) {
			json_object_set_new(o, "linked", json_true());
			json_object_set_new(o, "via", ruru_json_str(t->via));
		} else {
			json_object_set_new(o, "via", ruru_json_str(t->via));
			json_object_set_new(o, "linked", json_false());
		}
		if (t->open)
			json_object_set_new(o, "open", json_string(t->open));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *ruru_task_list_json(const struct ruru_task_list *l)
{
	json_t *a = task_infos_json(l);
	if (!l->session)
		return json_pack("{s:o}", "tasks", a);
	return json_pack("{s:o, s:o}", "session", ruru_json_text(l->session, strlen(l->session)),
			 "tasks", a);
}

static void field(struct ruru_buf *out, const char *s, const char *none)
{
	ruru_buf_addch(out, '\t');
	if (s)
		ruru_text_escape(out, s, strlen(s));
	else
		ruru_buf_addstr(out, none);
}

void ruru_task_list_text(const struct ruru_task_list *l, struct ruru_buf *out)
{
	if (l->session) {
		ruru_text_count(out, l->n, "task", "tasks");
		ruru_buf_addstr(out, " of session ");
		ruru_text_escape(out, l->session, strlen(l->session));
	} else {
		ruru_text_count(out, l->n, "task file", "task files");
	}
	ruru_buf_addstr(out, l->n ? ":\n" : ".\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct ruru_task_info *t = &l->v[i];
		ruru_text_escape(out, t->id, strlen(t->id));
		field(out, t->status, t->file ? "(no status)" : "(no task file)");
		if (!l->session)
			field(out, t->session, "-");
		else
			field(out, t->linked || !t->via ? "linked" : t->via, NULL);
		field(out, t->file, "-");
		field(out, t->title, "");
		if (t->open)
			ruru_buf_addf(out, "\topen: %s", t->open);
		ruru_buf_addch(out, '\n');
	}
}

int ruru_task_link(struct ruru_ws *ws, const char *id, const char *task, struct ruru_error *err)
{
	if (task && ruru_text_check("task ID", task, strlen(task), RURU_TEXT_LINE, err) < 0)
		return -1; /* sec-text: the text rule (doc/design.md §2) */
	if (ruru_task_id_check(task, err) < 0)
		return -1;
	struct ruru_logtx tx;
	if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
		return -1;
	if (ruru_logtx_array_add(&tx, "related_tasks", task, err) < 0) {
		ruru_logtx_abort(&tx);
		return -1;
	}
	return ruru_logtx_commit(&tx, err);
}

/* ------------------------------------------------------------- creating */

/* TEAM: letters and digits upper-cased, anything else one '-'. */
static void team_of(struct ruru_buf *b, const char *s)
{
	size_t start = b->len;
	for (; *s && b->len - start < 32; s++) {
		char c = *s;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			ruru_buf_addch(b, c);
		else if (b->len > start && b->ptr[b->len - 1] != '-')
			ruru_buf_addch(b, '-');
	}
	while (b->len > start && b->ptr[b->len - 1] == '-')
		b->ptr[--b->len] = '\0';
}

/* The body: "# <title>" in place of the template's first level-1 heading. */
static void task_body(struct ruru_buf *out, const char *tpl, size_t len, const char *title)
{
	struct ruru_frontmatter fm;
	if (!ruru_frontmatter_split(tpl, len, &fm))
		return;
	const char *b = tpl + fm.body, *end = tpl + len;
	bool done = false;
	for (const char *p = b; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		if (!done && end - p >= 2 && p[0] == '#' && p[1] == ' ') {
			ruru_buf_addf(out, "# %s\n", title);
			done = true;
		} else {
			ruru_buf_add(out, p, (size_t)(next - p));
		}
		p = next;
	}
	if (!done)
		ruru_buf_addf(out, "\n# %s\n", title);
}

static void date_of(time_t t, char out[16])
{
	char full[32];
	ruru_time_format_rfc3339(t, full);
	memcpy(out, full, 10);
	out[10] = '\0';
}

static void lit_string(struct ruru_buf *b, const char *s)
{
	ruru_buf_reset(b);
	ruru_toml_encode_string(b, s, strlen(s));
}

static char *task_create(struct ruru_ws *ws, const struct ruru_task_new *o, bool link,
			 char **file, struct ruru_error *err)
{
	if (file)
		*file = NULL;
	size_t ti = 0;
	while (ruru_task_types[ti].type && (!o->type || strcasecmp(o->type, ruru_task_types[ti].type)))
		ti++;
	if (!ruru_task_types[ti].type) {
		struct ruru_buf list = RURU_BUF_INIT;
		for (size_t k = 0; ruru_task_types[k].type; k++)
			ruru_buf_addf(&list, "%s%s", k ? ", " : "", ruru_task_types[k].type);
		ruru_error_set(err, RURU_EUSAGE, "unknown task type \"%s\" (one of %s)",
			       o->type ? o->type : "", list.ptr);
		ruru_buf_release(&list);
		return NULL;
	}
	if (ruru_short_text_ok(o->title, "the task title", "title", false, err) < 0 ||
	    (o->assign && ruru_short_text_ok(o->assign, "the assignee", "assign", true, err) < 0) ||
	    (o->team && ruru_short_text_ok(o->team, "the team", "team", true, err) < 0) ||
	    (o->parent && ruru_short_text_ok(o->parent, "the parent task", "parent", true, err) < 0) ||
	    (o->body && ruru_text_check("body", o->body, strlen(o->body), 0, err) < 0))
		return NULL;
	struct ruru_buf team = RURU_BUF_INIT;
	team_of(&team, o->team ? o->team : o->assign ? o->assign : ruru_task_types[ti].team);
	if (!team.len) {
		ruru_buf_release(&team);
		return ruru_error_set(err, RURU_EUSAGE, "the team \"%s\" has no letter or digit",
				      o->team ? o->team : o->assign),
		       NULL;
	}
	enum ruru_layout layout = o->session ? ruru_ws_session_layout(ws, o->session)
					     : ruru_ws_new_layout(ws);
	const char *dir = layout == RURU_LAYOUT_V81 ? ".mdtm/tasks" : ".ruru/tasks";

	struct ruru_buf tpl = RURU_BUF_INIT, from = RURU_BUF_INIT, body = RURU_BUF_INIT,
			doc = RURU_BUF_INIT, id = RURU_BUF_INIT, path = RURU_BUF_INIT,
			l_id = RURU_BUF_INIT, l_title = RURU_BUF_INIT, l_date = RURU_BUF_INIT,
			l_assign = RURU_BUF_INIT, l_sess = RURU_BUF_INIT, l_parent = RURU_BUF_INIT,
			absdir = RURU_BUF_INIT, norm = RURU_BUF_INIT;
	char *out = NULL, *made = NULL;
	if (ruru_template_read(ws, "toml-md", ruru_task_types[ti].template, &tpl, &from, err) < 0)
		goto done;
	ruru_buf_addstr(&absdir, dir);
	if (ruru_store_path_inside(ws->store, NULL, dir, &norm, err) < 0 ||
	    ruru_store_mkdirs_made(ws->store, absdir.ptr, &made, err) < 0)
		goto done;
	if (o->body) {
		/* the caller's body in place of the template's, one line end last */
		ruru_buf_addch(&body, '\n');
		ruru_buf_addstr(&body, o->body);
		if (body.ptr[body.len - 1] != '\n')
			ruru_buf_addch(&body, '\n');
	} else {
		task_body(&body, tpl.ptr, tpl.len, o->title);
	}
	time_t now = ruru_now(ws);
	char full[32], date[16];
	ruru_time_format_rfc3339(now, full);
	date_of(now, date);
	lit_string(&l_title, o->title);
	lit_string(&l_date, date);
	if (o->assign)
		lit_string(&l_assign, o->assign);
	if (o->session)
		lit_string(&l_sess, o->session);
	if (o->parent)
		lit_string(&l_parent, o->parent);
	for (int k = 1;; k++) {
		ruru_buf_reset(&id);
		/* TASK-<TEAM>-<YYYYMMDD-HHMMSS> from 2026-11-24T03:15:20Z */
		ruru_buf_addf(&id, "TASK-%s-%.4s%.2s%.2s-%.2s%.2s%.2s", team.ptr, full, full + 5,
			      full + 8, full + 11, full + 14, full + 17);
		if (k > 1)
			ruru_buf_addf(&id, "-%d", k);
		lit_string(&l_id, id.ptr);
		struct ruru_fm_set sets[8];
		size_t n = 0;
		sets[n++] = (struct ruru_fm_set){ "id", l_id.ptr };
		sets[n++] = (struct ruru_fm_set){ "title", l_title.ptr };
		sets[n++] = (struct ruru_fm_set){ "created_date", l_date.ptr };
		sets[n++] = (struct ruru_fm_set){ "updated_date", l_date.ptr };
		if (o->assign)
			sets[n++] = (struct ruru_fm_set){ "assigned_to", l_assign.ptr };
		if (o->parent)
			sets[n++] = (struct ruru_fm_set){ "parent_task", l_parent.ptr };
		if (o->session)
			sets[n++] = (struct ruru_fm_set){ "RooComSessionID", l_sess.ptr };
		if (ruru_fm_fill(&doc, tpl.ptr, tpl.len, from.ptr, sets, n, NULL, 0, body.ptr, err) < 0)
			goto done;
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "%s/%s.md", absdir.ptr, id.ptr);
		struct ruru_error e2;
		ruru_error_clear(&e2);
		if (ruru_store_write_new(ws->store, path.ptr, doc.ptr, doc.len, 0666, &e2) == 0)
			break;
		if (e2.code != RURU_ECONFLICT || k >= 1000) {
			*err = e2;
			goto done;
		}
	}
	if (link && o->session && ruru_task_link(ws, o->session, id.ptr, err) < 0) {
		int e = errno;
		struct ruru_error lerr = { 0 };
		ruru_store_remove(ws->store, path.ptr, &lerr);
		errno = e;
		goto done;
	}
	if (file) {
		struct ruru_buf r = RURU_BUF_INIT;
		ruru_buf_addf(&r, "%s/%s.md", dir, id.ptr);
		*file = ruru_buf_detach(&r, NULL);
	}
	out = ruru_buf_detach(&id, NULL);
done:
	if (!out && made)
		ruru_store_rmdirs_made(ws->store, absdir.ptr, made); /* a failed command leaves no folder */
	free(made);
	ruru_buf_release(&team);
	ruru_buf_release(&tpl);
	ruru_buf_release(&from);
	ruru_buf_release(&body);
	ruru_buf_release(&doc);
	ruru_buf_release(&id);
	ruru_buf_release(&path);
	ruru_buf_release(&l_id);
	ruru_buf_release(&l_title);
	ruru_buf_release(&l_date);
	ruru_buf_release(&l_assign);
	ruru_buf_release(&l_sess);
	ruru_buf_release(&l_parent);
	ruru_buf_release(&absdir);
	ruru_buf_release(&norm);
	return out;
}

char *ruru_task_new(struct ruru_ws *ws, const struct ruru_task_new *o, char **file,
		    struct ruru_error *err)
{
	return task_create(ws, o, true, file, err);
}

char *ruru_task_delegate(struct ruru_ws *ws, const char *id, struct ruru_task_new *o,
			 const struct ruru_log_input *e, struct ruru_error *err)
{
	if (e->type != RURU_EV_DELEGATION)
		return ruru_error_set(err, RURU_EUSAGE, "a new task comes with a delegation"), NULL;
	if (!o->assign)
		o->assign = e->field[RURU_FIELD_MODE];
	o->session = id;
	/* Refuse before writing anything when the session takes no entries. */
	struct ruru_logtx probe;
	if (ruru_logtx_begin(&probe, ws, id, RURU_TX_ACTIVE, err) < 0)
		return NULL;
	ruru_logtx_abort(&probe);
	/* The task file names the session; the delegation entry links it. */
	char *file = NULL;
	char *task = task_create(ws, o, false, &file, err);
	if (!task)
		return NULL;
	struct ruru_log_input in = *e;
	in.field[RURU_FIELD_TASK] = task;
	if (ruru_session_log(ws, id, &in, err) < 0) {
		int en = errno;
		struct ruru_error lerr = { 0 };
		char *abs = ruru_ws_path(ws, file);
		ruru_store_remove(ws->store, abs, &lerr);
		free(abs);
		free(task);
		free(file);
		errno = en;
		return NULL;
	}
	free(file);
	return task;
}

/* -------------------------------------------------------------- editing */

/* What an edit sees and asks for. */
struct task_edit {
	const char *id;
	const struct ruru_toml *doc; /* the front matter as it is now */
	const char *toml;            /* its text */
	size_t toml_len;
	time_t now;
	/* filled by the callback: */
	struct ruru_fm_set sets[6];
	size_t nsets;
	const char *remove[2];
	size_t nremove;
	struct ruru_buf lits[6];
};

static time_t value_time(const struct ruru_toml_value *v)
{
	if (!v)
		return 0;
	if (ruru_toml_kind(v) == RURU_TOML_STRING) {
		size_t n;
		const char *s = ruru_toml_string(v, &n);
		time_t t;
		return s && ruru_time_parse(s, n, &t, NULL) ? t : 0;
	}
	const struct ruru_toml_datetime *dt = ruru_toml_datetime(v);
	if (!dt)
		return 0;
	return time_from_toml(dt, ruru_toml_kind(v));
}

static void edit_set(struct task_edit *ed, const char *key, const char *literal)
{
	struct ruru_buf *b = &ed->lits[ed->nsets];
	ruru_buf_reset(b);
	ruru_buf_addstr(b, literal);
	ed->sets[ed->nsets].key = key;
	ed->sets[ed->nsets].literal = b->ptr;
	ed->nsets++;
}

static void edit_set_string(struct task_edit *ed, const char *key, const char *s)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_string(&lit, s, strlen(s));
	edit_set(ed, key, lit.ptr);
	ruru_buf_release(&lit);
}

/* Today's date into updated_date, when the task has that key. */
static void touch_updated(struct task_edit *ed)
{
	const struct ruru_toml_value *v =
		ruru_toml_table_get(ruru_toml_root(ed->doc), RURU_LIT("updated_date"));
	if (v) {
		/* in the form the file uses ("2025-09-08T04:59:38Z" stays a
		 * string date-time, a date a date) */
		struct ruru_buf lit = RURU_BUF_INIT;
		ruru_toml_time_like(&lit, ed->now, v, NULL, ed->toml, ed->toml_len);
		edit_set(ed, "updated_date", lit.ptr);
		ruru_buf_release(&lit);
	}
}

/* Find the task, take its lock, read it, let `fn` decide (returning -1
 * with err to refuse), apply the edits and replace the file atomically. */
static int task_edit(struct ruru_ws *ws, const char *task, int (*fn)(struct task_edit *, void *,
		     struct ruru_error *), void *ctx, struct ruru_task_state **out,
		     struct ruru_error *err)
{
	char *rel = NULL;
	if (out)
		*out = NULL;
	if (ruru_ws_ignore_own(ws, err) < 0 || ruru_task_find(ws, task, &rel, err) < 0)
		return -1;
	struct ruru_buf norm = RURU_BUF_INIT, text = RURU_BUF_INIT, toml = RURU_BUF_INIT,
			whole = RURU_BUF_INIT, lockp = RURU_BUF_INIT;
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_toml *doc = NULL;
	struct task_edit ed = { .id = task, .now = ruru_now(ws) };
	for (size_t i = 0; i < 6; i++)
		ruru_buf_init(&ed.lits[i]);
	char *abs = ruru_ws_path(ws, rel);
	int rc = -1;
	struct stat st;
	struct ruru_error lerr = { 0 };
	if (ruru_store_path_inside(ws->store, NULL, rel, &norm, err) < 0)
		goto out;
	for (size_t i = 1; i < NTASK_DIRS; i++) {
		size_t dl = strlen(task_dirs[i]);
		if (!strncmp(rel, task_dirs[i], dl) && rel[dl] == '/') {
			/* .ruru/.gitignore covers .ruru/tasks; the others get one. */
			struct ruru_error ignore = { 0 };
			ruru_ws_ignore_transient(ws, task_dirs[i], true, &ignore);
		}
	}
	const char *slash = strrchr(abs, '/');
	ruru_buf_addf(&lockp, "%.*s/.%s.lock", (int)(slash - abs), abs, slash + 1);
	if (ruru_store_lock(ws->store, &lock, lockp.ptr, err) < 0)
		goto out;
	if (ruru_store_lstat(ws->store, abs, &st, &lerr) < 0 || !S_ISREG(st.st_mode)) {
		ruru_error_set(err, RURU_EREFUSED, "task file \"%s\" is not a regular file", rel);
		goto out;
	}
	if (ruru_store_read(ws->store, abs, &text, err) < 0)
		goto out;
	struct ruru_frontmatter fm;
	if (!ruru_frontmatter_split(text.ptr, text.len, &fm)) {
		ruru_error_set(err, RURU_EINVALID, "task file has no +++ front matter");
		ruru_error_set_file(err, rel);
		goto out;
	}
	ruru_buf_add(&toml, text.ptr + fm.toml, fm.toml_end - fm.toml);
	doc = ruru_toml_parse(toml.ptr, toml.len, err);
	if (!doc) {
		int line, col;
		ruru_text_position(text.ptr, fm.toml, &line, &col);
		err->line += line - 1;
		ruru_error_set_file(err, rel);
		goto out;
	}
	ed.doc = doc;
	ed.toml = toml.ptr;
	ed.toml_len = toml.len;
	if (fn(&ed, ctx, err) < 0)
		goto out;
	/* The edits, through the library's one front-matter splice. */
	ruru_buf_add(&whole, text.ptr, text.len);
	int erc = 0;
	for (size_t i = 0; i < ed.nsets && erc == 0; i++) {
		struct ruru_toml_edit e = { .op = RURU_EDIT_SET, .key = ed.sets[i].key,
					    .literal = ed.sets[i].literal,
					    .literal_len = strlen(ed.sets[i].literal) };
		erc = ruru_frontmatter_edit(&whole, &e, err);
	}
	for (size_t i = 0; i < ed.nremove && erc == 0; i++) {
		struct ruru_toml_edit e = { .op = RURU_EDIT_REMOVE, .key = ed.remove[i] };
		struct ruru_error gone = { 0 };
		if (ruru_frontmatter_edit(&whole, &e, &gone) < 0 && gone.code != RURU_ENOTFOUND) {
			*err = gone; /* a key that is not there is nothing to remove */
			erc = -1;
		}
	}
	if (erc < 0) {
		ruru_error_set_file(err, rel);
		goto out;
	}
	/* What the file holds now, for the answer. */
	ruru_frontmatter_split(whole.ptr, whole.len, &fm);
	ruru_buf_reset(&toml);
	ruru_buf_add(&toml, whole.ptr + fm.toml, fm.toml_end - fm.toml);
	if ((ed.nsets || ed.nremove) && ruru_store_write(ws->store, abs, whole.ptr, whole.len, 0666, err) < 0)
		goto out;
	if (out) {
		struct ruru_toml *d3 = ruru_toml_parse(toml.ptr, toml.len, err);
		if (!d3)
			goto out;
		const struct ruru_toml_value *cu =
			ruru_toml_table_get(ruru_toml_root(d3), RURU_LIT("claimed_until"));
		char t[32];
		if (cu)
			ruru_time_format_rfc3339(value_time(cu), t);
		const char *status = doc_string(d3, "status"), *who = doc_string(d3, "assigned_to");
		*out = ruru_xmalloc(sizeof(**out));
		**out = (struct ruru_task_state){
			.id = ruru_strdup(task),
			.file = ruru_strdup(rel),
			.status = status ? ruru_strdup(status) : NULL,
			.assigned_to = who ? ruru_strdup(who) : NULL,
			.claimed_until = cu ? ruru_strdup(t) : NULL,
		};
		ruru_toml_free(d3);
	}
	rc = 0;
out:
	ruru_lock_release(&lock);
	ruru_toml_free(doc);
	for (size_t i = 0; i < 6; i++)
		ruru_buf_release(&ed.lits[i]);
	ruru_buf_release(&norm);
	ruru_buf_release(&text);
	ruru_buf_release(&toml);
	ruru_buf_release(&whole);
	ruru_buf_release(&lockp);
	free(abs);
	free(rel);
	return rc;
}

/*
 * The words the file's own "# Options:" comment gives for status `st`
 * ("🟠 In Progress" where ruru would write "🔵 In Progress"): the comment
 * on the status line first, then any "Options:" comment of the front
 * matter.  NULL when the file names none for it.
 */
static char *status_from_options(const char *toml, size_t len, enum ruru_task_status st)
{
	for (int pass = 0; pass < 2; pass++) {
		for (const char *p = toml; p && p < toml + len;) {
			const char *nl = memchr(p, '\n', (size_t)(toml + len - p));
			const char *e = nl ? nl : toml + len;
			bool status_line = (size_t)(e - p) > 6 && !memcmp(p, RURU_LIT("status")) &&
					   (p[6] == ' ' || p[6] == '=');
			const char *o = (pass || status_line) ? memmem(p, (size_t)(e - p), "Options:", 8) : NULL;
			for (const char *q = o ? o + 8 : NULL; q && q < e;) {
				const char *c = memchr(q, ',', (size_t)(e - q));
				const char *w = c ? c : e;
				while (q < w && (*q == ' ' || *q == '"' || *q == '\''))
					q++;
				const char *we = w;
				while (we > q && (we[-1] == ' ' || we[-1] == '"' || we[-1] == '\'' ||
						  we[-1] == '\r' || we[-1] == ')'))
					we--;
				if (we > q) {
					char *word = ruru_strndup(q, (size_t)(we - q));
					if (ruru_task_status_parse(word) == st && strpbrk(word, "\"\\#") == NULL)
						return word;
					free(word);
				}
				q = c ? c + 1 : NULL;
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	return NULL;
}

static int status_cb(struct task_edit *ed, void *ctx, struct ruru_error *err)
{
	(void)err;
	enum ruru_task_status st = *(enum ruru_task_status *)ctx;
	char *own = status_from_options(ed->toml, ed->toml_len, st);
	edit_set_string(ed, "status", own ? own : ruru_task_status_string(st));
	free(own);
	touch_updated(ed);
	return 0;
}

int ruru_task_set_status(struct ruru_ws *ws, const char *task, enum ruru_task_status st,
			 struct ruru_task_state **out, struct ruru_error *err)
{
	if (!ruru_task_status_string(st))
		return ruru_error_set(err, RURU_EUSAGE, "unknown task status");
	return task_edit(ws, task, status_cb, &st, out, err);
}

struct claim {
	const char *by;
	long ttl;
	enum ruru_task_status release_to; /* release only */
};

/* The lease holder while the lease runs, or NULL. */
static const char *holder(const struct task_edit *ed)
{
	const struct ruru_toml_value *cu =
		ruru_toml_table_get(ruru_toml_root(ed->doc), RURU_LIT("claimed_until"));
	const char *who = doc_string(ed->doc, "assigned_to");
	if (!cu || value_time(cu) <= ed->now || !who || !*who)
		return NULL;
	return who;
}

static int claim_cb(struct task_edit *ed, void *ctx, struct ruru_error *err)
{
	struct claim *c = ctx;
	const char *who = holder(ed);
	if (ruru_task_status_parse(doc_string(ed->doc, "status")) == RURU_TASK_DONE)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "task \"%s\" is done; set its status first to work on it again",
				      ed->id);
	if (who && strcmp(who, c->by)) {
		const struct ruru_toml_value *cu =
			ruru_toml_table_get(ruru_toml_root(ed->doc), RURU_LIT("claimed_until"));
		char t[32];
		ruru_time_format_rfc3339(value_time(cu), t);
		return ruru_error_set(err, RURU_ECONFLICT, "task \"%s\" is claimed by \"%s\" until %s",
				      ed->id, who, t);
	}
	/* The holder claiming again extends the lease, never shortens it. */
	time_t end = ed->now + c->ttl;
	if (who) {
		time_t held = value_time(ruru_toml_table_get(ruru_toml_root(ed->doc), "claimed_until", 13));
		if (held > end)
			end = held;
	}
	struct ruru_buf until = RURU_BUF_INIT;
	ruru_toml_encode_time(&until, end);
	edit_set_string(ed, "assigned_to", c->by);
	edit_set_string(ed, "status", ruru_task_status_string(RURU_TASK_IN_PROGRESS));
	edit_set(ed, "claimed_until", until.ptr);
	touch_updated(ed);
	ruru_buf_release(&until);
	return 0;
}

int ruru_task_claim(struct ruru_ws *ws, const char *task, const char *by, long ttl,
		    struct ruru_task_state **out, struct ruru_error *err)
{
	if (ruru_short_text_ok(by, "the claimant", "by", true, err) < 0)
		return -1;
	if (ttl <= 0)
		return ruru_error_set(err, RURU_EUSAGE, "a lease needs a positive duration");
	struct claim c = { by, ttl, RURU_TASK_UNKNOWN };
	return task_edit(ws, task, claim_cb, &c, out, err);
}

static int release_cb(struct task_edit *ed, void *ctx, struct ruru_error *err)
{
	struct claim *c = ctx;
	const char *who = holder(ed);
	if (who && c->by && strcmp(who, c->by))
		return ruru_error_set(err, RURU_ECONFLICT,
				      "task \"%s\" is claimed by \"%s\", not by \"%s\"", ed->id, who,
				      c->by);
	/* A task that is free already: releasing it again is no change (a
	 * repeated call must not read as a failure); a status asked for is
	 * still set. */
	if (!ruru_toml_table_get(ruru_toml_root(ed->doc), RURU_LIT("claimed_until"))) {
		if (c->release_to != RURU_TASK_UNKNOWN &&
		    ruru_task_status_parse(doc_string(ed->doc, "status")) != c->release_to) {
			edit_set_string(ed, "status", ruru_task_status_string(c->release_to));
			touch_updated(ed);
		}
		return 0;
	}
	ed->remove[ed->nremove++] = "claimed_until";
	enum ruru_task_status now = ruru_task_status_parse(doc_string(ed->doc, "status"));
	if (c->release_to != RURU_TASK_UNKNOWN)
		edit_set_string(ed, "status", ruru_task_status_string(c->release_to));
	else if (now == RURU_TASK_IN_PROGRESS)
		edit_set_string(ed, "status", ruru_task_status_string(RURU_TASK_TODO));
	touch_updated(ed);
	return 0;
}

int ruru_task_release(struct ruru_ws *ws, const char *task, const char *by,
		      enum ruru_task_status st, struct ruru_task_state **out,
		      struct ruru_error *err)
{
	if (by && ruru_short_text_ok(by, "the claimant", "by", true, err) < 0)
		return -1;
	struct claim c = { by, 0, st };
	return task_edit(ws, task, release_cb, &c, out, err);
}

/* ------------------------------------------------ a task after an edit */

void ruru_task_state_free(struct ruru_task_state *t)
{
	if (!t)
		return;
	free(t->id);
	free(t->file);
	free(t->status);
	free(t->assigned_to);
	free(t->claimed_until);
	free(t);
}

json_t *ruru_task_state_json(const struct ruru_task_state *t)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "id", ruru_json_str(t->id), "file",
			 ruru_json_str(t->file), "status", ruru_json_str(t->status), "assigned_to",
			 ruru_json_str(t->assigned_to), "claimed_until", ruru_json_str(t->claimed_until));
}

/* " · LABEL VALUE" when there is a value. */
static void part(struct ruru_buf *out, const char *label, const char *v)
{
	if (!v || !*v)
		return;
	ruru_buf_addf(out, " · %s ", label);
	ruru_text_escape(out, v, strlen(v));
}

void ruru_task_state_text(const struct ruru_task_state *t, struct ruru_buf *out)
{
	const char *id = t->id ? t->id : "?", *st = t->status ? t->status : "?";
	ruru_text_escape(out, id, strlen(id));
	ruru_buf_addstr(out, " is ");
	ruru_text_escape(out, st, strlen(st));
	part(out, "assigned to", t->assigned_to);
	part(out, "claimed until", t->claimed_until);
	if (t->file) {
		ruru_buf_addstr(out, " (");
		ruru_text_escape(out, t->file, strlen(t->file));
		ruru_buf_addch(out, ')');
	}
	ruru_buf_addstr(out, ".\n");
}
