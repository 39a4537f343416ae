/*
 * summary.c — `ruru summarize` (doc/design.md §4): a V7 session summary
 * (template 50, SESSUM-<ID>-<YYMMDDHHMM>.md) computed from the log alone,
 * with no model: outcomes from successful results, decisions, what is
 * still open (errors without a later success, delegations without a
 * result, confirmations asked and not answered), next steps, learnings
 * and the artifacts to read first.  The same log gives the same bytes,
 * apart from the time in the name, id and summary_creation_date.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "artifact.h"
#include "entry.h"
#include "open.h"
#include "task.h"
#include "logtx.h"
#include "store.h"
#include "v7.h"
#include "text.h"
#include "banned.h"

/* A list of strings of any bytes (a log's message may hold any). */
struct strs {
	struct ruru_buf *v;
	size_t n;
};

static struct ruru_buf *strs_add(struct strs *l)
{
	l->v = ruru_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	ruru_buf_init(&l->v[l->n]);
	return &l->v[l->n++];
}

static struct ruru_buf *strs_add_first(struct strs *l)
{
	strs_add(l);
	memmove(l->v + 1, l->v, (l->n - 1) * sizeof(*l->v));
	ruru_buf_init(&l->v[0]);
	return &l->v[0];
}

static void strs_release(struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		ruru_buf_release(&l->v[i]);
	free(l->v);
}

/* One of the primary context artifacts. */
struct fact_artifact {
	const char *path; /* borrowed from the session */
	struct ruru_buf description;
	const char *type; /* static */
};

/* What a summary says, gathered from the log. */
struct facts {
	struct strs outcomes, decisions, learnings, blockers, next;
	struct fact_artifact *artifacts;
	size_t nartifacts;
	struct ruru_open_items *open; /* the open items, as the digest lists them */
	size_t delegations, results, errors;
};

static bool is(const struct ruru_entry *e, enum ruru_event t)
{
	return e->type == t;
}

/* "message (mode x, task y)" as one string of the list. */
static void described(struct strs *l, const struct ruru_entry *e)
{
	struct ruru_buf *b = strs_add(l);
	ruru_buf_add(b, e->message ? e->message : "", e->message_len);
	const char *names[] = { "mode", "task", "adr", "source" };
	const char *vals[] = { e->mode, e->task, e->adr, e->source };
	bool open = false;
	for (size_t i = 0; i < 4; i++) {
		if (!vals[i])
			continue;
		ruru_buf_addstr(b, open ? ", " : " (");
		ruru_buf_addf(b, "%s %s", names[i], vals[i]);
		open = true;
	}
	if (open)
		ruru_buf_addch(b, ')');
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void gather(const struct ruru_session *s, struct facts *f)
{
	const struct ruru_entry *ev = s->entries;
	size_t n = s->nentries;
	const char *pause_reason = NULL;
	size_t pause_len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ruru_entry *e = &ev[i];
		if (is(e, RURU_EV_DELEGATION))
			f->delegations++;
		if (is(e, RURU_EV_RESULT))
			f->results++;
		if (is(e, RURU_EV_ERROR))
			f->errors++;
		if (ruru_entry_is_success(e) && !is(e, RURU_EV_SESSION))
			described(&f->outcomes, e);
		if (is(e, RURU_EV_DECISION))
			described(&f->decisions, e);
		if (is(e, RURU_EV_SESSION) && e->message_len >= 14 &&
		    !strncmp(e->message, RURU_LIT("Session paused"))) {
			pause_reason = e->message_len > 16 ? e->message + 16 : NULL;
			pause_len = e->message_len > 16 ? e->message_len - 16 : 0;
		} else if (is(e, RURU_EV_SESSION) && e->message_len >= 15 &&
			   !strncmp(e->message, RURU_LIT("Session resumed"))) {
			pause_reason = NULL;
		}
	}
	if (s->status == RURU_STATUS_PAUSED && pause_reason && pause_len) {
		struct ruru_buf *b = strs_add_first(&f->next);
		ruru_buf_addstr(b, "Resume where the session paused: ");
		ruru_buf_add(b, pause_reason, pause_len);
	}
}

/* What is still open (the digest's open items, open.h): the blockers,
 * and for each a next step. */
static void gather_open(struct ruru_ws *ws, const struct ruru_session *s, struct facts *f)
{
	struct ruru_task_list *tasks = task_list_session(ws, s->id, s->tasks, s->ntasks);
	struct ruru_open_items *props = ruru_open_proposals(ws, s->id);
	struct ruru_open *o = ruru_open_new();
	for (size_t i = 0; i < s->nentries; i++)
		ruru_open_feed(o, &s->entries[i]);
	f->open = ruru_open_finish(o, ws, s->id, tasks, props);
	ruru_task_list_free(tasks);
	ruru_open_items_free(props);
	for (size_t i = 0; i < f->open->n; i++) {
		const struct ruru_open_item *v = &f->open->v[i];
		const char *text = v->text ? v->text : "", *st = v->status;
		const char *step = v->kind == RURU_OPEN_DELEGATION ? "Collect the result of the "
				   : v->kind == RURU_OPEN_ERROR	   ? "Resolve the "
				   : v->kind == RURU_OPEN_TASK	   ? "Finish the "
				   : v->kind == RURU_OPEN_BLOCKER	   ? "Resolve the "
				   : st && !strcmp(st, "pending")	   ? "Ask the user to decide the "
									   : "Apply the ";
		ruru_buf_addstr(strs_add(&f->blockers), text);
		ruru_buf_addf(strs_add(&f->next), "%s%s", step, text);
	}
}

/* Learnings: the session's typed learning artifacts (V7 learnings/), each
 * "title (path)", in name order. */
static void gather_learnings(struct ruru_ws *ws, const struct ruru_session *s, struct facts *f)
{
	struct ruru_typed_folder tf;
	ruru_typed_folder_read(ws, s->id, "learnings", &tf);
	const char *dir = tf.dir, *const *sorted = (const char *const *)tf.names;
	const struct ruru_buf leaf = tf.leaf;
	for (size_t i = 0; i < tf.n; i++) {
		struct ruru_buf p = RURU_BUF_INIT, b = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&p, "%s/%s", dir, sorted[i]);
		struct ruru_toml *doc = NULL;
		struct ruru_frontmatter fm;
		if (ruru_store_read(ws->store, p.ptr, &b, &e) == 0 && ruru_frontmatter_split(b.ptr, b.len, &fm))
			doc = ruru_toml_parse(b.ptr + fm.toml, fm.toml_end - fm.toml, &e);
		/* the body's heading ("# Session Learning: Cache keys"), then
		 * what the front matter says was learnt */
		struct ruru_buf t = RURU_BUF_INIT;
		const char *h = doc && fm.body < b.len ? b.ptr + fm.body : NULL;
		while (h && *h == '\n')
			h++;
		if (h && !strncmp(h, "# ", 2)) {
			h += 2;
			if (!strncmp(h, "Session Learning: ", 18))
				h += 18;
			ruru_buf_add(&t, h, strcspn(h, "\r\n"));
		}
		if (!t.len)
			ruru_buf_addstr(&t, sorted[i]);
		const char *keys[] = { "problem", "solution", "recommendation" };
		for (size_t k = 0; doc && k < 3; k++) {
			const struct ruru_toml_value *tv =
				ruru_toml_table_get(ruru_toml_root(doc), keys[k], strlen(keys[k]));
			const char *v = tv ? ruru_toml_string(tv, NULL) : NULL;
			if (v && *v && !strstr(v, "<<"))
				ruru_buf_addf(&t, "; %s: %s", keys[k], v);
		}
		ruru_buf_addf(strs_add(&f->learnings), "%s (%s/%s)", t.ptr, leaf.ptr, sorted[i]);
		ruru_buf_release(&t);
		ruru_toml_free(doc);
		ruru_buf_release(&p);
		ruru_buf_release(&b);
	}
	ruru_typed_folder_release(&tf);
}

/* The artifacts worth reading first: recorded, present, not ruru's own
 * sidecars, not summaries; with the description their entry gave. */
static void gather_artifacts(struct ruru_ws *ws, const struct ruru_session *s, struct facts *f)
{
	const char *base = ruru_ws_typed_base(ws, s->id);
	char *sdir = ruru_ws_session_path(ws, s->id, NULL);
	for (size_t i = 0; i < s->nartifacts; i++) {
		const char *a = s->artifacts[i];
		size_t n = strlen(a);
		const char *leaf = strrchr(a, '/');
		leaf = leaf ? leaf + 1 : a;
		/* Paths in the table are relative to artifacts/ (v8.1: to the
		 * session folder), so only what lies there can be named. */
		if ((n > 5 && !strcmp(a + n - 5, ".toml") && !strncmp(leaf, RURU_LIT("CONFIRM-"))) ||
		    !strncmp(leaf, RURU_LIT("SESSUM-")) || strncmp(a, base, strlen(base)))
			continue;
		struct ruru_buf p = RURU_BUF_INIT, norm = RURU_BUF_INIT;
		struct ruru_error e = { 0 }, lerr = { 0 };
		ruru_buf_addf(&p, "%s/%s", sdir, a);
		struct stat st;
		bool ok = ruru_store_path_inside(ws->store, sdir, a, &norm, &e) == 0 && ruru_store_lstat(ws->store, p.ptr, &st, &lerr) == 0 &&
			  S_ISREG(st.st_mode);
		ruru_buf_release(&p);
		ruru_buf_release(&norm);
		if (!ok)
			continue;
		const char *desc = NULL;
		size_t dlen = 0;
		for (size_t k = 0; k < s->nentries; k++)
			if (is(&s->entries[k], RURU_EV_ARTIFACT) && same(s->entries[k].artifact, a) &&
			    s->entries[k].message_len) {
				desc = s->entries[k].message;
				dlen = s->entries[k].message_len;
			}
		const char *type = "file";
		for (const struct ruru_artifact_type *t = ruru_artifact_types; t->type; t++) {
			size_t pl = strlen(t->prefix);
			if (!strncmp(leaf, t->prefix, pl) && leaf[pl] == '-')
				type = t->type;
		}
		if (!strncmp(leaf, RURU_LIT("CONFIRM-")))
			type = "confirmation";
		size_t bl = strlen(base);
		const char *rel = !strncmp(a, base, bl) ? a + bl : a;
		f->artifacts = ruru_xrealloc(f->artifacts, (f->nartifacts + 1) * sizeof(*f->artifacts));
		struct fact_artifact *x = &f->artifacts[f->nartifacts++];
		*x = (struct fact_artifact){ .path = rel, .type = type };
		ruru_buf_init(&x->description);
		ruru_buf_add(&x->description, desc ? desc : leaf, desc ? dlen : strlen(leaf));
	}
	free(sdir);
}

/* The log's source_summaries (summaries this session started from); none
 * when it has none. */
static void source_summaries(const struct ruru_session *s, struct strs *out)
{
	for (size_t i = 0; i < s->nsource_summaries; i++)
		ruru_buf_addstr(strs_add(out), s->source_summaries[i]);
}

/* Append each string of `list` to the array `key` of the TOML text, in one
 * edit. */
static int fill_array(struct ruru_buf *toml, const char *key, const struct strs *list,
		      struct ruru_error *err)
{
	if (!list->n)
		return 0;
	struct ruru_buf next = RURU_BUF_INIT, lits = RURU_BUF_INIT;
	const char **v = ruru_xrealloc(NULL, list->n * sizeof(*v));
	size_t *lens = ruru_xrealloc(NULL, list->n * sizeof(*lens));
	size_t *offs = ruru_xrealloc(NULL, list->n * sizeof(*offs));
	for (size_t i = 0; i < list->n; i++) {
		offs[i] = lits.len;
		ruru_toml_encode_string(&lits, list->v[i].ptr, list->v[i].len);
		lens[i] = lits.len - offs[i];
	}
	for (size_t i = 0; i < list->n; i++)
		v[i] = lits.ptr + offs[i];
	int rc = ruru_toml_edit_array_append_many(&next, toml->ptr, toml->len, key, v, lens,
						  list->n, err);
	if (rc < 0 && err->code == RURU_ENOTFOUND) {
		/* A workspace template without the key: add it whole. */
		rc = ruru_toml_edit_set(&next, toml->ptr, toml->len, key, RURU_LIT("[]"), err);
		if (rc == 0) {
			struct ruru_buf t = *toml;
			*toml = next;
			next = t;
			rc = ruru_toml_edit_array_append_many(&next, toml->ptr, toml->len, key, v,
							      lens, list->n, err);
		}
	}
	if (rc == 0) {
		struct ruru_buf t = *toml;
		*toml = next;
		next = t;
	}
	free(v);
	free(lens);
	free(offs);
	ruru_buf_release(&next);
	ruru_buf_release(&lits);
	return rc;
}

/* Replace the template's example [[primary_context_artifacts]] and
 * [[relevant_code_areas]] tables by the real ones. */
static void replace_tables(struct ruru_buf *toml, const struct facts *f)
{
	const char *start = NULL, *stop = NULL, *end = toml->ptr + toml->len;
	for (const char *p = toml->ptr; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		if (!start && (!strncmp(p, RURU_LIT("[[primary_context_artifacts]]")) ||
			       !strncmp(p, RURU_LIT("[[relevant_code_areas]]"))))
			start = p;
		if (start && !stop && !strncmp(p, RURU_LIT("# --- Review")))
			stop = p;
		p = next;
	}
	struct ruru_buf out = RURU_BUF_INIT;
	if (!start) {
		start = stop = end;
		if (toml->len && toml->ptr[toml->len - 1] != '\n')
			ruru_buf_addch(&out, '\n');
	}
	if (!stop)
		stop = end;
	struct ruru_buf tables = RURU_BUF_INIT;
	for (size_t i = 0; i < f->nartifacts; i++) {
		const struct fact_artifact *a = &f->artifacts[i];
		const char *keys[] = { "path", "description", "artifact_type" };
		const char *v[] = { a->path, a->description.ptr, a->type };
		size_t len[] = { strlen(a->path), a->description.len, strlen(a->type) };
		ruru_buf_addstr(&tables, "[[primary_context_artifacts]]\n");
		for (size_t k = 0; k < 3; k++) {
			ruru_buf_addf(&tables, "%s = ", keys[k]);
			ruru_toml_encode_string(&tables, v[k], len[k]);
			ruru_buf_addch(&tables, '\n');
		}
		ruru_buf_addch(&tables, '\n');
	}
	struct ruru_buf whole = RURU_BUF_INIT;
	ruru_buf_add(&whole, toml->ptr, (size_t)(start - toml->ptr));
	ruru_buf_add(&whole, out.ptr, out.len);
	ruru_buf_add(&whole, tables.ptr, tables.len);
	ruru_buf_add(&whole, stop, (size_t)(end - stop));
	ruru_buf_release(toml);
	*toml = whole;
	ruru_buf_release(&out);
	ruru_buf_release(&tables);
}

static void md_list(struct ruru_buf *b, const char *heading, const struct strs *list,
		    const char *none)
{
	ruru_buf_addf(b, "\n## %s\n\n", heading);
	if (!list->n) {
		ruru_buf_addf(b, "%s\n", none);
		return;
	}
	for (size_t i = 0; i < list->n; i++) {
		ruru_buf_addstr(b, "*   ");
		const char *s = list->v[i].ptr;
		for (size_t k = 0; k < list->v[i].len; k++) {
			ruru_buf_addch(b, s[k]);
			if (s[k] == '\n')
				ruru_buf_addstr(b, "    ");
		}
		ruru_buf_addch(b, '\n');
	}
}

static void summary_body(struct ruru_buf *b, const struct ruru_session *s, const struct facts *f)
{
	const char *title = s->title && *s->title ? s->title : s->id;
	ruru_buf_addf(b, "\n# Session Summary: %s\n\n## 1. Original Session Objective\n\n> %s\n", title,
		      title);
	if (s->goal && *s->goal)
		ruru_buf_addf(b, "\n%s\n", s->goal);
	ruru_buf_addf(b,
		      "\n## 2. Narrative Overview of Work Undertaken\n\n"
		      "Session `%s` (%s), started %s, coordinated by %s: %zu log entries, "
		      "%zu delegations, %zu results, %zu decisions, %zu errors, %zu artifacts recorded.\n",
		      s->id, s->status_text ? s->status_text : "status unknown",
		      s->start_text && *s->start_text ? s->start_text : "at an unknown time",
		      s->coordinator ? s->coordinator : "an unknown mode", s->nentries,
		      f->delegations, f->results, f->decisions.n, f->errors,
		      s->nartifacts);
	md_list(b, "4. Key Outcomes & Deliverables", &f->outcomes, "None recorded.");
	md_list(b, "5. Significant Decisions & Rationale", &f->decisions, "None recorded.");
	md_list(b, "6. Critical Learnings & Insights", &f->learnings, "None recorded.");
	md_list(b, "7. Outstanding Blockers/Issues", &f->blockers, "None.");
	md_list(b, "7b. Identified Next Steps", &f->next, "None.");
	ruru_buf_addstr(b, "\n## 8. Pointers for Continuity / Onboarding\n\n**Key Artifacts to Review:**\n\n");
	if (!f->nartifacts)
		ruru_buf_addstr(b, "None recorded.\n");
	for (size_t i = 0; i < f->nartifacts; i++) {
		const char *d = f->artifacts[i].description.ptr;
		ruru_buf_addf(b, "*   `%s`: ", f->artifacts[i].path);
		for (; *d; d++) {
			ruru_buf_addch(b, *d);
			if (*d == '\n')
				ruru_buf_addstr(b, "    ");
		}
		ruru_buf_addch(b, '\n');
	}
}

static const char *status_at(const struct ruru_session *s)
{
	switch (s->status) {
	case RURU_STATUS_ACTIVE: return "Active-Checkpoint";
	case RURU_STATUS_PAUSED: return "Paused";
	case RURU_STATUS_COMPLETED: return "Completed";
	case RURU_STATUS_ERROR: return "Error";
	default: return s->status_text ? s->status_text : "";
	}
}

static void lit(struct ruru_buf *b, const char *s)
{
	ruru_buf_reset(b);
	ruru_toml_encode_string(b, s ? s : "", s ? strlen(s) : 0);
}

/* ------------------------------------------------------ the typed result */

static char **strings_of(const struct strs *l, size_t *n)
{
	char **v = ruru_xmalloc((l->n + 1) * sizeof(*v));
	for (*n = 0; *n < l->n; (*n)++)
		v[*n] = ruru_strdup(l->v[*n].ptr);
	return v;
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ruru_json_text(v[i], strlen(v[i])));
	return a;
}

static struct ruru_summary *summary_of(struct facts *f, const char *id, const char *path,
				       bool recorded)
{
	struct ruru_summary *s = ruru_xmalloc(sizeof(*s));
	*s = (struct ruru_summary){ .session = ruru_strdup(id), .path = ruru_strdup(path),
				    .recorded = recorded };
	s->outcomes = strings_of(&f->outcomes, &s->noutcomes);
	s->decisions = strings_of(&f->decisions, &s->ndecisions);
	s->learnings = strings_of(&f->learnings, &s->nlearnings);
	s->blockers = strings_of(&f->blockers, &s->nblockers);
	s->next_steps = strings_of(&f->next, &s->nnext_steps);
	s->artifacts = ruru_xmalloc((f->nartifacts + 1) * sizeof(*s->artifacts));
	for (size_t i = 0; i < f->nartifacts; i++)
		s->artifacts[s->nartifacts++] = (struct ruru_summary_artifact){
			.path = ruru_strdup(f->artifacts[i].path),
			.description = ruru_strdup(f->artifacts[i].description.ptr),
			.type = ruru_strdup(f->artifacts[i].type),
		};
	s->open = f->open; /* taken over */
	f->open = NULL;
	return s;
}

void ruru_summary_free(struct ruru_summary *s)
{
	if (!s)
		return;
	free(s->session);
	free(s->path);
	strings_free(s->outcomes, s->noutcomes);
	strings_free(s->decisions, s->ndecisions);
	strings_free(s->learnings, s->nlearnings);
	strings_free(s->blockers, s->nblockers);
	strings_free(s->next_steps, s->nnext_steps);
	for (size_t i = 0; i < s->nartifacts; i++) {
		free(s->artifacts[i].path);
		free(s->artifacts[i].description);
		free(s->artifacts[i].type);
	}
	free(s->artifacts);
	ruru_open_items_free(s->open);
	free(s);
}

json_t *ruru_summary_json(const struct ruru_summary *s)
{
	json_t *arts = json_array();
	for (size_t i = 0; i < s->nartifacts; i++) {
		const struct ruru_summary_artifact *a = &s->artifacts[i];
		json_array_append_new(arts, json_pack("{s:o, s:o, s:o}", "path", ruru_json_str(a->path),
						      "description", ruru_json_str(a->description),
						      "artifact_type", ruru_json_str(a->type)));
	}
	return json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "open_items",
			 ruru_open_items_json(s->open), "session", ruru_json_str(s->session), "path",
			 ruru_json_str(s->path),
			 "recorded", s->recorded, "key_outcomes_achieved",
			 strings_json(s->outcomes, s->noutcomes), "key_decisions_made",
			 strings_json(s->decisions, s->ndecisions), "critical_learnings_or_insights",
			 strings_json(s->learnings, s->nlearnings), "outstanding_blockers_or_issues",
			 strings_json(s->blockers, s->nblockers), "identified_next_steps_from_session",
			 strings_json(s->next_steps, s->nnext_steps), "primary_context_artifacts",
			 arts);
}

void ruru_summary_text(const struct ruru_summary *s, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Wrote ");
	ruru_text_escape(out, s->path, strlen(s->path));
	ruru_buf_addstr(out, " for session ");
	ruru_text_escape(out, s->session, strlen(s->session));
	ruru_buf_addstr(out, ": ");
	ruru_text_count(out, s->noutcomes, "outcome", "outcomes");
	ruru_buf_addstr(out, ", ");
	ruru_text_count(out, s->ndecisions, "decision", "decisions");
	ruru_buf_addstr(out, ", ");
	ruru_text_count(out, s->nblockers, "open issue", "open issues");
	ruru_buf_addstr(out, ", ");
	ruru_text_count(out, s->nnext_steps, "next step", "next steps");
	ruru_buf_addstr(out, ".\n");
}

int ruru_session_summarize(struct ruru_ws *ws, const char *id, const char *notes, char **rel,
			   struct ruru_summary **out, struct ruru_error *err)
{
	*rel = NULL;
	if (out)
		*out = NULL;
	if (notes && ruru_text_check("body", notes, strlen(notes), 0, err) < 0)
		return -1;
	struct ruru_session s;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	if (!s.valid) {
		/* a summary of a log ruru cannot read would say nothing true */
		*err = *s.problem;
		ruru_session_release(&s);
		return -1;
	}
	bool record = s.status == RURU_STATUS_ACTIVE;
	struct ruru_logtx tx;
	bool in_tx = false, wrote = false; /* wrote: unrecorded (no tx) file written */
	if (record) {
		/* Read again under the lock, so the summary and the log agree. */
		ruru_session_release(&s);
		if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
			return -1;
		in_tx = true;
		if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0) {
			ruru_logtx_abort(&tx);
			return -1;
		}
	}
	struct facts f = { 0 };
	gather(&s, &f);
	gather_open(ws, &s, &f);
	gather_learnings(ws, &s, &f);
	gather_artifacts(ws, &s, &f);
	struct strs sources = { 0 };
	source_summaries(&s, &sources);

	struct ruru_buf tpl = RURU_BUF_INIT, from = RURU_BUF_INIT, toml = RURU_BUF_INIT,
			next = RURU_BUF_INIT, body = RURU_BUF_INIT, doc = RURU_BUF_INIT,
			name = RURU_BUF_INIT, path = RURU_BUF_INIT, l_id = RURU_BUF_INIT,
			l_title = RURU_BUF_INIT, l_sid = RURU_BUF_INIT, l_st = RURU_BUF_INIT,
			l_date = RURU_BUF_INIT, l_by = RURU_BUF_INIT, l_otitle = RURU_BUF_INIT,
			l_tags = RURU_BUF_INIT, folder = RURU_BUF_INIT, msg = RURU_BUF_INIT,
			relp = RURU_BUF_INIT;
	char *sdir = ruru_ws_session_path(ws, id, NULL), *made = NULL, *absfolder = NULL;
	int rc = -1;
	if (ruru_template_read(ws, "toml-md", "50_session_summary.md", &tpl, &from, err) < 0)
		goto out;
	struct ruru_frontmatter fm;
	if (!ruru_frontmatter_split(tpl.ptr, tpl.len, &fm)) {
		ruru_error_set(err, RURU_EINVALID, "the summary template has no +++ front matter");
		ruru_error_set_file(err, from.ptr);
		goto out;
	}
	ruru_buf_addf(&folder, "%ssummaries", ruru_ws_typed_base(ws, id));
	{
		struct ruru_buf abs = RURU_BUF_INIT, norm = RURU_BUF_INIT;
		ruru_buf_addf(&abs, "%s/%s", sdir, folder.ptr);
		absfolder = ruru_buf_detach(&abs, NULL);
		/* recorded: the folders made are the transaction's (abort
		 * removes them); otherwise this call undoes its own */
		int k = ruru_store_path_inside(ws->store, sdir, folder.ptr, &norm, err) < 0 ||
			(record ? ruru_logtx_mkdirs(&tx, absfolder, err)
				: ruru_store_mkdirs_made(ws->store, absfolder, &made, err)) < 0;
		ruru_buf_release(&norm);
		if (k)
			goto out;
	}
	time_t now = ruru_now(ws);
	char minute[16], full[32], compact[16];
	ruru_stamp_minute(now, minute);
	ruru_time_format_rfc3339(now, full); /* 2026-11-24T03:15:20Z */
	snprintf(compact, sizeof(compact), "%.4s%.2s%.2s%.2s%.2s%.2s", full, full + 5, full + 8,
		 full + 11, full + 14, full + 17);
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_buf_addf(&t, "Session Summary: %s", s.title && *s.title ? s.title : id);
	lit(&l_title, t.ptr);
	ruru_buf_release(&t);
	lit(&l_sid, id);
	lit(&l_otitle, s.title);
	lit(&l_st, status_at(&s));
	lit(&l_date, compact);
	lit(&l_by, "ruru");
	summary_body(&body, &s, &f);
	if (notes && !ruru_text_blank(notes, strlen(notes))) {
		/* the coordinator's words follow the computed sections */
		ruru_buf_addstr(&body, "\n## Notes from the coordinator\n\n");
		ruru_buf_addstr(&body, notes);
		if (body.ptr[body.len - 1] != '\n')
			ruru_buf_addch(&body, '\n');
	}
	for (int k = 1;; k++) {
		ruru_buf_reset(&name);
		ruru_buf_addf(&name, "SESSUM-%s-%s", id, minute);
		if (k > 1)
			ruru_buf_addf(&name, "-%d", k);
		lit(&l_id, name.ptr);
		ruru_buf_addstr(&name, ".md");
		struct ruru_fm_set sets[] = {
			{ "id", l_id.ptr },
			{ "title", l_title.ptr },
			{ "original_session_id", l_sid.ptr },
			{ "original_session_title", l_otitle.ptr },
			{ "summary_creation_date", l_date.ptr },
			{ "summarized_by_mode", l_by.ptr },
			{ "status_at_summary", l_st.ptr },
		};
		if (ruru_fm_fill(&doc, tpl.ptr, tpl.len, from.ptr, sets, sizeof(sets) / sizeof(sets[0]),
				 (const char *const *)s.tags, s.ntags, "", err) < 0)
			goto out;
		/* The lists, then the tables, into the filled front matter. */
		struct ruru_frontmatter dfm;
		ruru_frontmatter_split(doc.ptr, doc.len, &dfm);
		ruru_buf_reset(&toml);
		ruru_buf_add(&toml, doc.ptr + dfm.toml, dfm.toml_end - dfm.toml);
		const char *keys[] = { "key_outcomes_achieved", "key_decisions_made",
				       "critical_learnings_or_insights", "outstanding_blockers_or_issues",
				       "identified_next_steps_from_session", "related_summaries" };
		const struct strs *lists[] = { &f.outcomes, &f.decisions, &f.learnings,
					       &f.blockers, &f.next,	  &sources };
		for (size_t i = 0; i < 6; i++)
			if (fill_array(&toml, keys[i], lists[i], err) < 0) {
				ruru_error_set_file(err, from.ptr);
				goto out;
			}
		replace_tables(&toml, &f);
		struct ruru_toml *check = ruru_toml_parse(toml.ptr, toml.len, err);
		if (!check) {
			ruru_error_set_file(err, from.ptr);
			goto out;
		}
		ruru_toml_free(check);
		ruru_buf_reset(&next);
		ruru_buf_add(&next, doc.ptr, dfm.toml);
		ruru_buf_add(&next, toml.ptr, toml.len);
		ruru_buf_add(&next, doc.ptr + dfm.toml_end, dfm.body - dfm.toml_end);
		ruru_buf_add(&next, body.ptr, body.len);
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "%s/%s/%s", sdir, folder.ptr, name.ptr);
		struct ruru_error e2 = { 0 };
		ruru_error_clear(&e2);
		/* recorded: staged beside it, published with the log entry or
		 * not at all */
		if ((record ? ruru_logtx_stage_file(&tx, path.ptr, next.ptr, next.len, true, &e2)
			    : ruru_store_write_new(ws->store, path.ptr, next.ptr, next.len, 0666, &e2)) == 0)
			break;
		if (e2.code != RURU_ECONFLICT || k >= 1000) {
			*err = e2;
			goto out;
		}
	}
	wrote = !record;
	ruru_buf_addf(&relp, "%s/%s", folder.ptr, name.ptr);
	if (record) {
		ruru_buf_addf(&msg, "summary: %zu outcomes, %zu decisions, %zu open items",
			      f.outcomes.n, f.decisions.n, f.blockers.n);
		in_tx = false;
		rc = ruru_artifact_record(&tx, relp.ptr, NULL, msg.ptr, err);
		if (rc < 0)
			goto out;
	}
	if (out)
		*out = summary_of(&f, id, relp.ptr, record);
	*rel = ruru_buf_detach(&relp, NULL);
	rc = 0;
out:
	if (rc < 0 && wrote) {
		int e = errno;
		struct ruru_error lerr = { 0 };
		ruru_store_remove(ws->store, path.ptr, &lerr);
		errno = e;
	}
	if (rc < 0 && made)
		ruru_store_rmdirs_made(ws->store, absfolder, made); /* a failed command leaves no folder */
	free(made);
	free(absfolder);
	if (in_tx)
		ruru_logtx_abort(&tx);
	ruru_session_release(&s);
	strs_release(&f.outcomes);
	strs_release(&f.decisions);
	strs_release(&f.learnings);
	strs_release(&f.blockers);
	strs_release(&f.next);
	for (size_t i = 0; i < f.nartifacts; i++)
		ruru_buf_release(&f.artifacts[i].description);
	free(f.artifacts);
	ruru_open_items_free(f.open);
	strs_release(&sources);
	free(sdir);
	struct ruru_buf *bufs[] = { &tpl, &from, &toml, &next, &body, &doc, &name, &path, &l_id,
				    &l_title, &l_sid, &l_st, &l_date, &l_by, &l_otitle, &l_tags,
				    &folder, &msg, &relp };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		ruru_buf_release(bufs[i]);
	return rc;
}
