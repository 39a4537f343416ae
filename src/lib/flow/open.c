/*
 * open.c — what is still open in a session: the one definition that the
 * continue digest, `show --digest`, `prime`, `summarize`, `task list` and
 * the web view share, so that they never disagree (the rules are those of
 * doc/ruru.1, "OPEN ITEMS").
 *
 * Entries are fed one at a time in log order (ruru_open_feed); each
 * delegation and error becomes an item, filed under its task, its mode
 * and the artifact it hands over, and a later entry closes what it names:
 *   - a result closes the delegations of its task; one naming no task
 *     closes the delegations to its mode that name no task (or else the
 *     newest open one to that mode); a withdrawal note closes the
 *     delegation of its proposal;
 *   - a success (a result that did not fail, or an entry the reader took
 *     as a success) closes the errors of its task and mode (an error's
 *     mode is its mode, or else its source), and every
 *     error that names neither; one that names neither task nor mode
 *     ("Successfully deployed, all systems operational") closes them all.
 * Each item is filed in a bounded number of lists and every list is
 * emptied when it closes, so the whole log costs linear time.  At the end
 * (ruru_open_finish) the task files have their say (a task whose file says
 * Done, Review, Complete or Resolved closes what names it), then come the
 * tasks not done, the proposals still waiting for a step and the V7
 * blocker artifacts not resolved.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entry.h"
#include "open.h"
#include "store.h"
#include "task.h"
#include "text.h"
#include "v7.h"
#include "workspace.h"
#include "banned.h"

#define ITEM_TEXT 160 /* bytes of an entry's first line kept in an item */
#define NONE ((size_t)-1)

/* The lists an item is filed in; each item holds its link in every list
 * (newest first), so filing and closing allocate nothing. */
enum { L_DTASK, L_DMODE, L_DMODE_TASKED, L_DART, L_ETASK, L_EMODE, L_NMAPS, L_EANON = L_NMAPS,
       L_EALL, L_COUNT };

struct item {
	enum ruru_event type; /* delegation or error */
	size_t line;
	size_t start, end;    /* the entry's bytes, when the log's text is known */
	char *stamp, *mode, *task, *source, *artifact, *message; /* in the arena */
	bool open;
	uint32_t next[L_COUNT]; /* NEXT_NONE ends a list */
};

#define NEXT_NONE UINT32_MAX
#define NEXT(o, i, l) ((o)->v[i].next[l] == NEXT_NONE ? NONE : (size_t)(o)->v[i].next[l])

/* The items' strings, in blocks that never move (so that the maps can
 * point at them) and are freed together: a log of 100,000 open
 * delegations costs no 400,000 small allocations. */
struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

/* key -> the newest item of its list (open addressing; the keys are the
 * items' own strings). */
struct map {
	struct mslot {
		const char *key;
		size_t head;
	} *slot;
	size_t cap, used;
};

struct ruru_open {
	struct item *v;
	size_t n, cap;
	struct map map[L_NMAPS];
	size_t anon, all; /* heads of the errors naming nothing, of every error */
	struct block *arena;
	const char *text;  /* the log the entries come from (ruru_open_text) */
	size_t text_len;
};

#define BLOCK_SIZE 65536

static char *arena_dup(struct ruru_open *o, const char *s, size_t n)
{
	struct block *b = o->arena;
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > BLOCK_SIZE ? n + 1 : BLOCK_SIZE;
		b = ruru_xmalloc(sizeof(*b) + cap);
		b->next = o->arena;
		b->used = 0;
		b->cap = cap;
		o->arena = b;
	}
	char *p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

void ruru_open_text(struct ruru_open *o, const char *text, size_t len)
{
	o->text = text;
	o->text_len = len;
}

static size_t *map_head(struct map *m, const char *key, bool add)
{
	if (!key)
		return NULL;
	if (add && 2 * (m->used + 1) > m->cap) {
		struct map bigger = { .cap = m->cap ? 2 * m->cap : 64 };
		bigger.slot = ruru_xmalloc(bigger.cap * sizeof(*bigger.slot));
		memset(bigger.slot, 0, bigger.cap * sizeof(*bigger.slot));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].key)
				*map_head(&bigger, m->slot[i].key, true) = m->slot[i].head;
		free(m->slot);
		*m = bigger;
	}
	if (!m->cap)
		return NULL;
	size_t n = strlen(key);
	/* FNV-1a's low bits barely differ between keys that differ only in
	 * digits (TASK-DEV-1, TASK-DEV-2, ...): fold the high bits in */
	uint64_t h = ruru_fnv1a(key, n);
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slot[i].key) {
			if (!add)
				return NULL;
			m->slot[i].key = key;
			m->slot[i].head = NONE;
			m->used++;
			return &m->slot[i].head;
		}
		if (!strcmp(m->slot[i].key, key))
			return &m->slot[i].head;
	}
}

struct ruru_open *ruru_open_new(void)
{
	struct ruru_open *o = ruru_xmalloc(sizeof(*o));
	memset(o, 0, sizeof(*o));
	o->anon = o->all = NONE;
	return o;
}

void ruru_open_free(struct ruru_open *o)
{
	if (!o)
		return;
	while (o->arena) {
		struct block *b = o->arena;
		o->arena = b->next;
		free(b);
	}
	free(o->v);
	for (int m = 0; m < L_NMAPS; m++)
		free(o->map[m].slot);
	free(o);
}

static char *dup_or_null(struct ruru_open *o, const char *s)
{
	return s ? arena_dup(o, s, strlen(s)) : NULL;
}

/*
 * Real logs name one MDTM task by its ID and by its file's name, which
 * often adds a description: TASK-DEVPY-20250602-143400 and
 * TASK-DEVPY-20250602-143400-DatadogKeyConfig(.md) are one task.  Tasks
 * are matched on the stem: the ID without trailing segments that hold a
 * lowercase letter, as long as a segment with a digit stays.  Its length.
 */
static size_t task_stem(const char *t)
{
	size_t n = strlen(t);
	for (;;) {
		const char *dash = NULL;
		for (size_t i = n; i-- > 0;)
			if (t[i] == '-') {
				dash = t + i;
				break;
			}
		if (!dash)
			return n;
		bool lower = false, digit_before = false;
		for (const char *q = dash + 1; q < t + n; q++)
			lower |= *q >= 'a' && *q <= 'z';
		for (const char *q = t; q < dash; q++)
			digit_before |= *q >= '0' && *q <= '9';
		if (!lower || !digit_before)
			return n;
		n = (size_t)(dash - t);
	}
}

/* The key a task is filed and looked up under: its stem (in the arena when
 * filing, else in `buf`); NULL for none. */
static const char *task_key(struct ruru_open *o, const char *task, bool keep, char *buf, size_t size)
{
	if (!task)
		return NULL;
	size_t n = task_stem(task);
	if (n == strlen(task))
		return task;
	if (keep)
		return arena_dup(o, task, n);
	if (n >= size)
		return task;
	memcpy(buf, task, n);
	buf[n] = '\0';
	return buf;
}

/* Put item idx at the head of a list. */
static void file_under(struct ruru_open *o, size_t *head, int list, size_t idx)
{
	if (!head)
		return;
	o->v[idx].next[list] = *head == NONE ? NEXT_NONE : (uint32_t)*head;
	*head = idx;
}

/* Close every item of a list and empty it. */
static void close_list(struct ruru_open *o, size_t *head, int list)
{
	if (!head)
		return;
	for (size_t i = *head; i != NONE; i = NEXT(o, i, list))
		o->v[i].open = false;
	*head = NONE;
}

static void close_key(struct ruru_open *o, int m, const char *key)
{
	close_list(o, map_head(&o->map[m], key, false), m);
}

/* Close the newest open item of a list (dropping closed ones); false if
 * none. */
static bool close_newest(struct ruru_open *o, size_t *head, int list)
{
	while (head && *head != NONE) {
		size_t idx = *head;
		*head = NEXT(o, idx, list);
		if (o->v[idx].open) {
			o->v[idx].open = false;
			return true;
		}
	}
	return false;
}

bool ruru_entry_is_success(const struct ruru_entry *e)
{
	if (e->type == RURU_EV_RESULT)
		return !(e->outcome && !strcmp(e->outcome, "failure"));
	return e->type != RURU_EV_DELEGATION && e->type != RURU_EV_ERROR && e->outcome &&
	       !strcmp(e->outcome, "success");
}

/* The first line of a message, at most ITEM_TEXT bytes (at a character
 * boundary), " …" when cut. */
static char *first_line(struct ruru_open *o, const struct ruru_entry *e)
{
	char b[ITEM_TEXT + sizeof(" …")];
	size_t n = 0;
	while (n < e->message_len && e->message[n] != '\n')
		n++;
	bool more = n < e->message_len;
	if (n > ITEM_TEXT) {
		n = ITEM_TEXT;
		while (n > 0 && ((unsigned char)e->message[n] & 0xC0) == 0x80)
			n--;
		more = true;
	}
	if (n)
		memcpy(b, e->message, n);
	if (more) {
		memcpy(b + n, " …", sizeof(" …") - 1);
		n += sizeof(" …") - 1;
	}
	return arena_dup(o, b, n);
}

/* An item's stamp and first line: kept when the log's text is not known;
 * else read again from its bytes when it is worded (only the few a short
 * digest shows are). */
static void item_words(struct ruru_open *o, struct item *it)
{
	if (it->message || !o->text || it->end > o->text_len || it->start >= it->end)
		return;
	struct ruru_entry *v = NULL;
	size_t n = ruru_entries_parse(o->text + it->start, it->end - it->start, 0, &v);
	if (n) {
		it->stamp = dup_or_null(o, v[0].stamp);
		it->message = first_line(o, &v[0]);
	}
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&v[i]);
	free(v);
	if (!it->message)
		it->message = arena_dup(o, "", 0);
}

void ruru_open_feed(struct ruru_open *o, const struct ruru_entry *e)
{
	char stem[128];
	if (e->type == RURU_EV_RESULT) {
		if (e->task) {
			close_key(o, L_DTASK, task_key(o, e->task, false, stem, sizeof(stem)));
			close_key(o, L_DMODE, e->mode); /* untasked ones to its mode */
		} else if (e->mode) {
			size_t *h = map_head(&o->map[L_DMODE], e->mode, false);
			bool any = false;
			for (size_t i = h ? *h : NONE; i != NONE && !any; i = NEXT(o, i, L_DMODE))
				any = o->v[i].open;
			if (any)
				close_list(o, h, L_DMODE);
			else
				close_newest(o, map_head(&o->map[L_DMODE_TASKED], e->mode, false),
					     L_DMODE_TASKED);
		}
	}
	if (ruru_entry_withdraws(e, e->artifact))
		close_key(o, L_DART, e->artifact);
	if (ruru_entry_is_success(e)) {
		close_key(o, L_ETASK, task_key(o, e->task, false, stem, sizeof(stem)));
		close_key(o, L_EMODE, e->mode);
		if (e->source)
			close_key(o, L_EMODE, e->source);
		close_list(o, &o->anon, L_EANON);
		/* "Successfully deployed, all systems operational": a success
		 * that names nothing speaks for the whole session */
		if (!e->task && !e->mode)
			close_list(o, &o->all, L_EALL);
	}
	if (e->type != RURU_EV_DELEGATION && e->type != RURU_EV_ERROR)
		return;
	if (o->n >= NEXT_NONE - 1)
		return; /* links are 32-bit: no log holds four billion entries */
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap + o->cap / 2 : 16;
		o->v = ruru_xrealloc(o->v, o->cap * sizeof(*o->v));
	}
	size_t idx = o->n++;
	struct item *it = &o->v[idx];
	memset(it, 0, sizeof(*it));
	for (int l = 0; l < L_COUNT; l++)
		it->next[l] = NEXT_NONE;
	it->type = e->type;
	it->line = e->line;
	it->start = e->start;
	it->end = e->end;
	if (!o->text) {
		it->stamp = dup_or_null(o, e->stamp);
		it->message = first_line(o, e);
	}
	it->mode = dup_or_null(o, e->mode);
	it->task = dup_or_null(o, e->task);
	it->source = dup_or_null(o, e->source);
	it->artifact = dup_or_null(o, e->artifact);
	it->open = true;
	if (e->type == RURU_EV_DELEGATION) {
		if (it->task) {
			file_under(o, map_head(&o->map[L_DTASK], task_key(o, it->task, true, NULL, 0), true),
				   L_DTASK, idx);
			file_under(o, map_head(&o->map[L_DMODE_TASKED], it->mode, true),
				   L_DMODE_TASKED, idx);
		} else {
			file_under(o, map_head(&o->map[L_DMODE], it->mode, true), L_DMODE, idx);
		}
		file_under(o, map_head(&o->map[L_DART], it->artifact, true), L_DART, idx);
	} else if (it->task || it->mode || it->source) {
		/* an error's mode is where it came from: its mode, or else its
		 * source */
		file_under(o, &o->all, L_EALL, idx);
		file_under(o, map_head(&o->map[L_ETASK], task_key(o, it->task, true, NULL, 0), true),
			   L_ETASK, idx);
		file_under(o, map_head(&o->map[L_EMODE], it->mode ? it->mode : it->source, true),
			   L_EMODE, idx);
	} else {
		file_under(o, &o->anon, L_EANON, idx);
		file_under(o, &o->all, L_EALL, idx);
	}
}

/* ------------------------------------------------------------ finishing */

bool ruru_task_status_closes(const char *status)
{
	if (!status)
		return false;
	enum ruru_task_status st = ruru_task_status_parse(status);
	if (st == RURU_TASK_DONE || st == RURU_TASK_REVIEW)
		return true;
	static const char *const words[] = { "done", "complete", "resolved", "review" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (strcasestr(status, words[w]))
			return true;
	return false;
}

/* A list being built: its array holds `cap` items. */
struct items {
	struct ruru_open_items *o;
	size_t cap;
};

static struct ruru_open_items *items_new(const char *sid)
{
	struct ruru_open_items *o = ruru_xmalloc(sizeof(*o));
	*o = (struct ruru_open_items){ .session = ruru_strdup(sid) };
	return o;
}

static struct ruru_open_item *items_push(struct items *l, enum ruru_open_kind kind, const char *text)
{
	if (l->o->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->o->v = ruru_xrealloc(l->o->v, l->cap * sizeof(*l->o->v));
	}
	struct ruru_open_item *it = &l->o->v[l->o->n++];
	*it = (struct ruru_open_item){ .kind = kind, .text = ruru_strdup(text) };
	return it;
}

/* Where the status of a task is looked up: the session's tasks, then
 * every task file (read once, when first needed). */
struct statuses {
	struct ruru_ws *ws;
	struct task_index known;
	struct ruru_task_list *all;
	struct task_index all_index;
};

static const char *lookup(const struct task_index *x, const char *id, const char *alt, bool *found)
{
	size_t i = task_index_find(x, id);
	if (i == TASK_NONE && alt)
		i = task_index_find(x, alt);
	*found = i != TASK_NONE;
	return *found ? x->v[i]->status : NULL;
}

/* Status of task `id` as its file says (NULL when none says). */
static const char *task_status(struct statuses *st, const char *id)
{
	char stem[128];
	size_t n = task_stem(id);
	const char *alt = NULL;
	if (n < strlen(id) && n < sizeof(stem)) {
		memcpy(stem, id, n);
		stem[n] = '\0';
		alt = stem; /* the file may know the task by its stem */
	}
	bool found;
	const char *s = lookup(&st->known, id, alt, &found);
	if (found || !st->ws)
		return s;
	if (!st->all) {
		st->all = task_list_files(st->ws);
		task_index_init(&st->all_index, st->all);
	}
	return lookup(&st->all_index, id, alt, &found);
}

/* Unresolved V7 blocker artifacts of the session (artifacts/blockers/). */
static void blockers(struct ruru_ws *ws, const char *sid, struct items *out)
{
	struct ruru_typed_folder tf;
	ruru_typed_folder_read(ws, sid, "blockers", &tf);
	const char *dir = tf.dir, *const *sorted = (const char *const *)tf.names;
	const struct ruru_buf leaf = tf.leaf;
	for (size_t i = 0; i < tf.n; i++) {
		struct ruru_buf p = RURU_BUF_INIT, b = RURU_BUF_INIT, t = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&p, "%s/%s", dir, sorted[i]);
		const char *status = NULL, *issue = NULL;
		struct ruru_toml *doc = NULL;
		struct ruru_frontmatter fm;
		if (ruru_store_read(ws->store, p.ptr, &b, &e) == 0 && ruru_frontmatter_split(b.ptr, b.len, &fm))
			doc = ruru_toml_parse(b.ptr + fm.toml, fm.toml_end - fm.toml, &e);
		if (doc) {
			const struct ruru_toml_value *v =
				ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("resolution_status"));
			status = v ? ruru_toml_string(v, NULL) : NULL;
			v = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("issue"));
			issue = v ? ruru_toml_string(v, NULL) : NULL;
		}
		bool resolved = status && !strcasestr(status, "unresolved") &&
				(strcasestr(status, "resolved") || strcasestr(status, "won't fix") ||
				 strcasestr(status, "wont fix") || strcasestr(status, "closed"));
		if (!resolved) {
			ruru_buf_addf(&t, "blocker %s/%s [%s]%s%s", leaf.ptr, sorted[i], status ? status : "no status",
				      issue && *issue ? ": " : "", issue && *issue ? issue : "");
			struct ruru_buf a = RURU_BUF_INIT;
			ruru_buf_addf(&a, "%s/%s", leaf.ptr, sorted[i]);
			struct ruru_open_item *it = items_push(out, RURU_OPEN_BLOCKER, t.ptr);
			it->artifact = ruru_buf_detach(&a, NULL);
			it->status = ruru_strdup(status);
		}
		ruru_toml_free(doc);
		ruru_buf_release(&p);
		ruru_buf_release(&b);
		ruru_buf_release(&t);
	}
	ruru_typed_folder_release(&tf);
}

/* Proposals of the session still waiting for a step, oldest first. */
struct ruru_open_items *ruru_open_proposals(struct ruru_ws *ws, const char *sid)
{
	struct items out = { items_new(sid), 0 };
	struct ruru_error e = { 0 };
	struct ruru_confirm_list *all = ruru_confirm_list(ws, sid, NULL, &e);
	struct ruru_buf t = RURU_BUF_INIT;
	for (size_t i = 0; all && i < all->n; i++) {
		const struct ruru_confirm *c = &all->items[i];
		enum ruru_confirm_status st = c->status;
		if (!c->session || strcmp(c->session, sid) ||
		    (st != RURU_CONFIRM_PENDING && st != RURU_CONFIRM_APPROVED &&
		     st != RURU_CONFIRM_SKIPPED && st != RURU_CONFIRM_FAILED))
			continue;
		/* The artifact as the log names it: artifacts/CONFIRM-…. */
		const char *art = c->artifact;
		const char *in = art ? strstr(art, sid) : NULL;
		if (in && in[strlen(sid)] == '/')
			art = in + strlen(sid) + 1;
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "confirmation %s → %s: %s", art ? art : "?",
			      c->target ? c->target : "?",
			      st == RURU_CONFIRM_PENDING  ? "waiting for the user's decision"
			      : st == RURU_CONFIRM_FAILED ? "its apply failed"
							  : "decided, not applied yet");
		struct ruru_open_item *it = items_push(&out, RURU_OPEN_CONFIRMATION, t.ptr);
		it->artifact = ruru_strdup(art);
		it->target = ruru_strdup(c->target);
		it->status = ruru_strdup(ruru_confirm_status_word(st));
	}
	ruru_buf_release(&t);
	ruru_confirm_list_free(all);
	return out.o;
}

struct ruru_open_items *ruru_open_finish(struct ruru_open *o, struct ruru_ws *ws, const char *sid,
					 const struct ruru_task_list *tasks,
					 const struct ruru_open_items *proposals)
{
	return ruru_open_finish_newest(o, ws, sid, tasks, proposals, 0, NULL);
}

struct ruru_open_items *ruru_open_finish_newest(struct ruru_open *o, struct ruru_ws *ws,
						const char *sid, const struct ruru_task_list *tasks,
						const struct ruru_open_items *proposals, size_t keep,
						size_t *nopen)
{
	struct items out = { items_new(sid), 0 };
	struct statuses st = { .ws = ws };
	task_index_init(&st.known, tasks);
	/* the session's tasks that an open delegation or error names */
	bool *named = ruru_xmalloc((st.known.n + 1) * sizeof(*named));
	memset(named, 0, (st.known.n + 1) * sizeof(*named));
	struct ruru_buf t = RURU_BUF_INIT;
	size_t i;
	/* Which entry items are still open (the task files have their say),
	 * newest first, so that only the newest `keep` are worded. */
	size_t count = 0, first = 0;
	for (size_t k = o->n; k-- > 0;) {
		struct item *it = &o->v[k];
		if (!it->open)
			continue;
		const char *ts = it->task ? task_status(&st, it->task) : NULL;
		if (ruru_task_status_closes(ts)) {
			it->open = false; /* the task file says it is done */
			continue;
		}
		size_t at = it->task ? task_index_find(&st.known, it->task) : TASK_NONE;
		if (at != TASK_NONE)
			named[at] = true;
		if (!keep || count < keep)
			first = k;
		count++;
	}
	if (nopen)
		*nopen = count;
	for (i = first; i < o->n && count; i++) {
		struct item *it = &o->v[i];
		if (!it->open)
			continue;
		const char *ts = it->task ? task_status(&st, it->task) : NULL;
		item_words(o, it);
		ruru_buf_reset(&t);
		bool del = it->type == RURU_EV_DELEGATION;
		if (del)
			ruru_buf_addf(&t, "delegation to %s%s%s%s%s%s has no result yet: ",
				      it->mode ? it->mode : "?", it->task ? ", task " : "",
				      it->task ? it->task : "", ts ? " [" : "", ts ? ts : "", ts ? "]" : "");
		else
			ruru_buf_addf(&t, "error%s%s%s%s has no later success: ",
				      it->mode || it->source ? " from " : "",
				      it->mode ? it->mode : it->source ? it->source : "",
				      it->task ? ", task " : "", it->task ? it->task : "");
		if (it->message)
			ruru_buf_addstr(&t, it->message);
		ruru_buf_addf(&t, " (%s)", it->stamp ? it->stamp : "?");
		struct ruru_open_item *x =
			items_push(&out, del ? RURU_OPEN_DELEGATION : RURU_OPEN_ERROR, t.ptr);
		x->line = it->line;
		x->stamp = ruru_strdup(it->stamp);
		x->mode = ruru_strdup(it->mode);
		x->task = ruru_strdup(it->task);
		x->source = ruru_strdup(it->source);
		x->artifact = ruru_strdup(it->artifact);
		x->message = ruru_strdup(it->message ? it->message : "");
	}
	for (i = 0; tasks && i < tasks->n; i++) {
		const struct ruru_task_info *v = &tasks->v[i];
		/* no file, or a file that says done: nothing to do here; an
		 * open delegation of it already says so */
		size_t at = task_index_find(&st.known, v->id);
		if (!v->status || ruru_task_status_closes(v->status) || (at != TASK_NONE && named[at]))
			continue;
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "task %s [%s]%s%s", v->id, v->status, v->title ? " " : "",
			      v->title ? v->title : "");
		struct ruru_open_item *x = items_push(&out, RURU_OPEN_TASK, t.ptr);
		x->task = ruru_strdup(v->id);
		x->status = ruru_strdup(v->status);
	}
	free(named);
	for (i = 0; proposals && i < proposals->n; i++) {
		const struct ruru_open_item *p = &proposals->v[i];
		struct ruru_open_item *x = items_push(&out, RURU_OPEN_CONFIRMATION, p->text);
		x->artifact = ruru_strdup(p->artifact);
		x->target = ruru_strdup(p->target);
		x->status = ruru_strdup(p->status);
	}
	if (ws)
		blockers(ws, sid, &out);
	ruru_buf_release(&t);
	task_index_release(&st.known);
	task_index_release(&st.all_index);
	ruru_task_list_free(st.all);
	ruru_open_free(o);
	return out.o;
}

/* ------------------------------------------------------ a whole session */

static int feed_cb(void *ctx, const struct ruru_entry *e)
{
	ruru_open_feed(ctx, e);
	return 0;
}

/* The open items of a session read from its log, fed entry by entry;
 * `tasks` are its tasks (NULL: read here). */
static struct ruru_open_items *open_items_of(struct ruru_ws *ws, struct ruru_session *s,
					     const struct ruru_task_list *tasks,
					     struct ruru_error *err)
{
	struct ruru_buf text = RURU_BUF_INIT;
	char *path = ruru_ws_path(ws, s->path);
	int rc = ruru_store_read(ws->store, path, &text, err);
	free(path);
	if (rc < 0) {
		ruru_buf_release(&text);
		return NULL;
	}
	struct ruru_frontmatter fm;
	size_t body = ruru_frontmatter_split(text.ptr, text.len, &fm) ? fm.body : 0;
	struct ruru_open *o = ruru_open_new();
	ruru_entries_each(text.ptr, text.len, body, feed_cb, o);
	ruru_buf_release(&text);
	struct ruru_task_list *mine = tasks ? NULL : task_list_session(ws, s->id, s->tasks, s->ntasks);
	struct ruru_open_items *props = ruru_open_proposals(ws, s->id);
	struct ruru_open_items *out = ruru_open_finish(o, ws, s->id, tasks ? tasks : mine, props);
	ruru_task_list_free(mine);
	ruru_open_items_free(props);
	return out;
}

/* ------------------------------------------------------ the typed result */

static const char *const kind_names[] = {
	[RURU_OPEN_DELEGATION] = "delegation", [RURU_OPEN_ERROR] = "error",
	[RURU_OPEN_TASK] = "task",	       [RURU_OPEN_CONFIRMATION] = "confirmation",
	[RURU_OPEN_BLOCKER] = "blocker",
};
#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *ruru_open_kind_name(enum ruru_open_kind k)
{
	return (size_t)k < NKINDS ? kind_names[k] : "?";
}

struct ruru_open_items *ruru_open_items(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	struct ruru_open_items *o = open_items_of(ws, &s, NULL, err);
	ruru_session_release(&s);
	return o;
}

void ruru_open_items_free(struct ruru_open_items *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		struct ruru_open_item *it = &o->v[i];
		free(it->text);
		free(it->stamp);
		free(it->mode);
		free(it->source);
		free(it->message);
		free(it->task);
		free(it->artifact);
		free(it->target);
		free(it->status);
	}
	free(o->v);
	free(o->session);
	free(o);
}

/* Workspace text goes through ruru_json_text: a byte that is not UTF-8
 * (a log written by hand in Latin-1) cannot make an item go missing. */
json_t *ruru_open_items_json(const struct ruru_open_items *o)
{
	json_t *out = json_array();
	for (size_t i = 0; i < o->n; i++) {
		const struct ruru_open_item *it = &o->v[i];
		json_t *j = json_pack("{s:s, s:o}", "kind", ruru_open_kind_name(it->kind), "text",
				      ruru_json_str(it->text ? it->text : ""));
		switch (it->kind) {
		case RURU_OPEN_DELEGATION:
		case RURU_OPEN_ERROR:
			json_object_set_new(j, "line", json_integer((json_int_t)it->line));
			json_object_set_new(j, "stamp", ruru_json_str(it->stamp));
			json_object_set_new(j, "mode", ruru_json_str(it->mode));
			json_object_set_new(j, "task", ruru_json_str(it->task));
			json_object_set_new(j, "source", ruru_json_str(it->source));
			json_object_set_new(j, "artifact", ruru_json_str(it->artifact));
			json_object_set_new(j, "message", ruru_json_str(it->message ? it->message : ""));
			break;
		case RURU_OPEN_TASK:
			json_object_set_new(j, "task", ruru_json_str(it->task));
			json_object_set_new(j, "status", ruru_json_str(it->status));
			break;
		case RURU_OPEN_CONFIRMATION:
			json_object_set_new(j, "artifact", ruru_json_str(it->artifact));
			json_object_set_new(j, "target", ruru_json_str(it->target));
			json_object_set_new(j, "status", ruru_json_str(it->status));
			break;
		default:
			json_object_set_new(j, "artifact", ruru_json_str(it->artifact));
			json_object_set_new(j, "status", ruru_json_str(it->status));
			break;
		}
		json_array_append_new(out, j);
	}
	return out;
}

void ruru_open_items_text(const struct ruru_open_items *o, struct ruru_buf *out)
{
	if (!o->n) {
		ruru_buf_addstr(out, "Nothing is open in session ");
		ruru_text_escape(out, o->session, strlen(o->session));
		ruru_buf_addstr(out, ".\n");
		return;
	}
	ruru_text_count(out, o->n, "open item", "open items");
	ruru_buf_addstr(out, " in session ");
	ruru_text_escape(out, o->session, strlen(o->session));
	ruru_buf_addstr(out, ":\n");
	for (size_t i = 0; i < o->n; i++) {
		ruru_buf_addstr(out, "- ");
		if (o->v[i].text)
			ruru_text_escape(out, o->v[i].text, strlen(o->v[i].text));
		ruru_buf_addch(out, '\n');
	}
}

/* The session's tasks (task.c), each marked with the open item that holds
 * it open. */
struct ruru_task_list *ruru_task_list(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	return ruru_task_list_open(ws, id, NULL, err);
}

struct ruru_task_list *ruru_task_list_open(struct ruru_ws *ws, const char *id,
					   struct ruru_open_items **openp, struct ruru_error *err)
{
	if (openp)
		*openp = NULL;
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	struct ruru_task_list *out = task_list_session(ws, id, s.tasks, s.ntasks);
	/* Mark the tasks that an open item other than the task itself holds
	 * open (a delegation waiting for its result, an error with no later
	 * success): "open" is that item's kind, the first one in the log.  A
	 * log whose open items cannot be computed leaves the list unmarked. */
	struct ruru_error oerr = { 0 };
	struct ruru_open_items *open = open_items_of(ws, &s, out, &oerr);
	ruru_session_release(&s);
	for (size_t i = 0; open && i < open->n; i++) {
		const struct ruru_open_item *it = &open->v[i];
		if (!it->task || (it->kind != RURU_OPEN_DELEGATION && it->kind != RURU_OPEN_ERROR))
			continue;
		for (size_t k = 0; k < out->n; k++)
			if (!strcmp(out->v[k].id, it->task) && !out->v[k].open)
				out->v[k].open = ruru_open_kind_name(it->kind);
	}
	if (openp)
		*openp = open;
	else
		ruru_open_items_free(open);
	return out;
}
