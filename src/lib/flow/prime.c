/*
 * prime.c — `ruru prime` (doc/design.md §13): the state of the work for a model's
 * first turn and after every compaction, deterministic, no model, at most
 * `max_chars` bytes.  In order: the session and its goal (or "no active
 * session" and the recent ones), pending confirmations with their targets,
 * open items, the last decision, as many recent entries as fit, one line
 * on how to log.  What comes first is kept first: when the bound is tight,
 * recent entries go, then the tail of each list (with a line saying how
 * many were left out), never the order.
 *
 * Open items are those of the digest (open.h), from one streaming pass
 * over the mapped log that holds one entry at a time; recent entries come
 * from the tail alone.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "open.h"
#include "task.h"
#include "logtx.h"
#include "session.h"
#include "store.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

#define PRIME_ITEMS 64 /* open delegations and errors worded (the newest) */
#define TAIL_BYTES (16 * 1024) /* at least; 8 times the bound when larger */
#define ITEM_MAX 240 /* bytes of one line of the digest */
#define OFFERED 5 /* sessions of each list offered when none is active */

/* One line for an entry: the summary's first line, cut at ITEM_MAX. */
static void entry_line(struct ruru_buf *out, const struct ruru_entry *e)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_entry_summary(&b, e, "- ", "  ");
	size_t n = b.len;
	const char *nl = memchr(b.ptr, '\n', b.len);
	if (nl)
		n = (size_t)(nl - b.ptr);
	bool cut = n < b.len - 1 || n > ITEM_MAX;
	if (n > ITEM_MAX) {
		n = ITEM_MAX;
		while (n > 0 && ((unsigned char)b.ptr[n] & 0xC0) == 0x80)
			n--;
	}
	ruru_buf_add(out, b.ptr, n);
	ruru_buf_addstr(out, cut ? " …\n" : "\n");
	ruru_buf_release(&b);
}

/* One line for an open item's text: escaped, cut at ITEM_MAX. */
static void item_line(struct ruru_buf *out, const char *text)
{
	size_t n = strlen(text);
	bool cut = n > ITEM_MAX;
	if (cut) {
		n = ITEM_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	ruru_text_escape(out, text, n);
	ruru_buf_addstr(out, cut ? " …\n" : "\n");
}

/* ---------------------------------------------------------- open items */

/*
 * Open items are the library's one definition (open.h), fed from one
 * streaming pass over the mapped log; the same pass keeps the last
 * decision.  Only one entry's strings exist at a time.
 */
struct pass {
	struct ruru_open *open;
	struct ruru_entry *decision; /* a copy of the last decision */
	struct ruru_buf decision_line;
};

static int pass_cb(void *ctx, const struct ruru_entry *e)
{
	struct pass *p = ctx;
	ruru_open_feed(p->open, e);
	if (e->type == RURU_EV_DECISION) {
		if (!p->decision)
			p->decision = ruru_xmalloc(sizeof(*p->decision));
		else
			ruru_entry_release(p->decision);
		ruru_entry_copy(p->decision, e);
		ruru_buf_reset(&p->decision_line);
		entry_line(&p->decision_line, e);
	}
	return 0;
}

/* Map the log read-only and make one pass over its entries; the map stays
 * (*map, *len; unmapped by the caller) so that the open items keep only
 * offsets into it. */
static int scan_file(struct ruru_store *store, const char *path, size_t body, struct pass *p,
		     void **mapped, size_t *mapped_len, struct ruru_error *err)
{
	/* Opened the way the storage layer walks a workspace path: never
	 * through a symlink, a regular file only. */
	int fd = ruru_store_open_read(store, path, err);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ruru_error_set(err, RURU_EFAIL, "cannot read the session log");
	}
	size_t len = (size_t)st.st_size;
	if (len <= body) {
		close(fd);
		return 0;
	}
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return ruru_error_set(err, RURU_EFAIL, "cannot map the session log");
	ruru_open_text(p->open, map, len);
	ruru_entries_each(map, len, body, pass_cb, p);
	*mapped = map;
	*mapped_len = len;
	return 0;
}

/* Natural order of proposals: file2 before file10. */
static int cmp_artifact(const void *a, const void *b)
{
	const char *x = ((const struct ruru_open_item *)a)->artifact;
	const char *y = ((const struct ruru_open_item *)b)->artifact;
	return strverscmp(x ? x : "", y ? y : "");
}

/* ---------------------------------------------------------- the digest */

struct budget {
	struct ruru_buf *out;
	size_t max;  /* the bound for everything but the footer */
	size_t keep; /* bytes kept free for what must come later */
};

/* Add `line` when it fits (keeping `reserve` bytes free); false otherwise. */
static bool fits(struct budget *b, const struct ruru_buf *line, size_t reserve)
{
	if (b->out->len + line->len + reserve + b->keep > b->max)
		return false;
	ruru_buf_add(b->out, line->ptr, line->len);
	return true;
}

/* The lines of a list, each ending with a newline. */
struct lines {
	struct ruru_buf *v;
	size_t n;
};

static void lines_add(struct lines *l, const struct ruru_buf *line)
{
	l->v = ruru_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	ruru_buf_init(&l->v[l->n]);
	ruru_buf_add(&l->v[l->n++], line->ptr, line->len);
}

static void lines_release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		ruru_buf_release(&l->v[i]);
	free(l->v);
}

/* A list: heading, then items while they fit, leaving room for the line
 * that says how many of `total` were left out and where to see them. */
static void add_list(struct budget *b, const char *heading, const struct lines *lines,
		     size_t total, const char *where)
{
	size_t n = lines->n;
	if (!total)
		return;
	struct ruru_buf h = RURU_BUF_INIT, more = RURU_BUF_INIT;
	ruru_buf_addstr(&h, heading);
	ruru_buf_addf(&more, "- … and %zu more (%s)\n", total, where);
	if (!fits(b, &h, more.len))
		goto out;
	size_t i;
	for (i = 0; i < n; i++) {
		ruru_buf_reset(&more);
		if (i + 1 < total)
			ruru_buf_addf(&more, "- … and %zu more (%s)\n", total - i - 1, where);
		if (!fits(b, &lines->v[i], more.len))
			break;
	}
	if (i < total) {
		ruru_buf_reset(&more);
		ruru_buf_addf(&more, "- … and %zu more (%s)\n", total - i, where);
		fits(b, &more, 0);
	}
out:
	ruru_buf_release(&h);
	ruru_buf_release(&more);
}

static void no_session(struct ruru_ws *ws, struct budget *b, struct ruru_digest *d)
{
	struct ruru_session *list = NULL;
	size_t n = 0;
	struct ruru_error e = { 0 };
	ruru_buf_addstr(b->out, "ruru: no active session.\n");
	/* Logs that still say Active, though .active names none of them. */
	if (ruru_session_list_logs(ws, RURU_STATUS_ACTIVE, NULL, &list, &n, &e) == 0 && n) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_buf_addstr(b->out, "These logs say Active (newest first; ruru continue ID):\n");
		d->active_in_logs = ruru_xmalloc(OFFERED * sizeof(*d->active_in_logs));
		for (size_t i = 0; i < n && i < OFFERED; i++) {
			ruru_buf_reset(&line);
			ruru_buf_addstr(&line, "- ");
			ruru_text_escape(&line, list[i].id, strlen(list[i].id));
			ruru_buf_addch(&line, ' ');
			size_t tl = list[i].title ? strlen(list[i].title) : 0;
			ruru_text_escape(&line, list[i].title ? list[i].title : "",
					 tl > ITEM_MAX / 2 ? ITEM_MAX / 2 : tl);
			ruru_buf_addch(&line, '\n');
			if (!fits(b, &line, 0))
				break;
			d->active_in_logs[d->nactive_in_logs++] = ruru_strdup(list[i].id);
		}
		ruru_buf_release(&line);
	}
	ruru_session_list_free(list, n);
	list = NULL;
	n = 0;
	if (ruru_session_list_logs(ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &e) == 0 && n) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_buf_addstr(b->out, "Recent sessions:\n");
		d->recent_sessions = ruru_xmalloc(OFFERED * sizeof(*d->recent_sessions));
		for (size_t i = 0; i < n && i < OFFERED; i++) {
			ruru_buf_reset(&line);
			ruru_buf_addf(&line, "- %s [%s] %.*s\n", list[i].id,
				      ruru_status_word(list[i].status) ? ruru_status_word(list[i].status)
								      : "unknown",
				      ITEM_MAX / 2, list[i].title ? list[i].title : "");
			for (size_t k = 2; k + 1 < line.len; k++)
				if (line.ptr[k] == '\n' || line.ptr[k] == '\r')
					line.ptr[k] = ' ';
			if (!fits(b, &line, 0))
				break;
			/* taken over: what list[i] held is the digest's now */
			d->recent_sessions[d->nrecent_sessions++] = list[i];
			memset(&list[i], 0, sizeof(list[i]));
		}
		ruru_buf_release(&line);
	}
	ruru_session_list_free(list, n);
}

struct ruru_digest *ruru_prime(struct ruru_ws *ws, const char *id, size_t max_chars,
			       struct ruru_error *err)
{
	if (!max_chars)
		max_chars = 2000;
	struct ruru_error e = { 0 };
	char *sid = ruru_session_resolve(ws, id, &e);
	if (!sid && id) {
		*err = e;
		return NULL;
	}
	struct ruru_digest *d = ruru_xmalloc(sizeof(*d));
	*d = (struct ruru_digest){ .kind = RURU_DIGEST_PRIME, .max_chars = max_chars };
	struct ruru_buf out = RURU_BUF_INIT, footer = RURU_BUF_INIT, line = RURU_BUF_INIT;
	ruru_buf_init(&out);
	ruru_buf_addstr(&footer, "Log each event: ruru log --type TYPE \"MESSAGE\" (MCP tool "
				 "session_log); full digest: ruru show --digest\n");
	struct budget b = { &out, max_chars > footer.len ? max_chars - footer.len : 0, 0 };
	struct pass pass = { NULL, NULL, RURU_BUF_INIT };
	int rc = 0;
	if (!sid) {
		no_session(ws, &b, d);
		ruru_buf_reset(&footer);
		ruru_buf_addstr(&footer, "Start: ruru new \"GOAL\"; pick one up: ruru continue ID\n");
		b.max = max_chars > footer.len ? max_chars - footer.len : 0;
		goto finish;
	}
	struct ruru_session *s = ruru_xmalloc(sizeof(*s));
	if (ruru_session_load(ws, sid, 0, s, err) < 0) {
		free(s);
		rc = -1;
		goto finish;
	}
	d->session = s;
	ruru_buf_addf(&line, "ruru session %s [%s]%s\n", sid,
		      ruru_status_word(s->status) ? ruru_status_word(s->status) : "unknown",
		      s->status == RURU_STATUS_ACTIVE ? "" : " (not active: ruru continue to resume)");
	fits(&b, &line, 0);
	ruru_buf_reset(&line);
	ruru_buf_addf(&line, "Goal: %.*s\n", ITEM_MAX, s->title && *s->title ? s->title : "(none)");
	for (size_t k = 0; k + 1 < line.len; k++)
		if (line.ptr[k] == '\n' || line.ptr[k] == '\r')
			line.ptr[k] = ' ';
	fits(&b, &line, 0);

	/* One pass over the log: the open items and the last decision. */
	char *path = ruru_ws_path(ws, s->path);
	struct ruru_buf head = RURU_BUF_INIT;
	size_t body = 0;
	struct ruru_frontmatter fm;
	if (ruru_read_front_matter(ws->store, AT_FDCWD, path, &head, &e) == 0 &&
	    ruru_frontmatter_split(head.ptr, head.len, &fm))
		body = fm.body;
	ruru_buf_release(&head);
	pass.open = ruru_open_new();
	void *map = NULL;
	size_t map_len = 0;
	if (scan_file(ws->store, path, body, &pass, &map, &map_len, err) < 0) {
		free(path);
		rc = -1;
		goto finish;
	}
	struct ruru_task_list *tasks = task_list_session(ws, sid, s->tasks, s->ntasks);
	d->pending = ruru_open_proposals(ws, sid);
	/* Only the newest items can be shown in a short digest: the others
	 * are counted, not worded. */
	size_t nentry_open = 0;
	struct ruru_open_items *items = ruru_open_finish_newest(pass.open, ws, sid, tasks, d->pending,
								PRIME_ITEMS, &nentry_open);
	pass.open = NULL;
	if (map)
		munmap(map, map_len);
	ruru_task_list_free(tasks);

	/* The last decision is never pushed out by the lists above it. */
	struct ruru_buf dl = RURU_BUF_INIT;
	if (pass.decision) {
		ruru_buf_addstr(&dl, "Last decision:\n");
		ruru_buf_add(&dl, pass.decision_line.ptr, pass.decision_line.len);
		b.keep = dl.len;
	}

	/* Pending confirmations, with their targets, in natural order. */
	struct lines plines = { 0 };
	size_t i;
	if (d->pending->n)
		qsort(d->pending->v, d->pending->n, sizeof(*d->pending->v), cmp_artifact);
	for (i = 0; i < d->pending->n; i++) {
		const struct ruru_open_item *p = &d->pending->v[i];
		ruru_buf_reset(&line);
		ruru_buf_addstr(&line, "- ");
		ruru_text_field(&line, p->artifact, "?");
		ruru_buf_addstr(&line, " → ");
		ruru_text_field(&line, p->target, "?");
		ruru_buf_addf(&line, " (%s%s)\n", p->status,
			      !strcmp(p->status, "pending") ? ": ask the user" : ": delegate and apply");
		lines_add(&plines, &line);
	}
	add_list(&b, "Pending confirmations:\n", &plines, plines.n, "ruru confirm list");
	lines_release(&plines);

	/* The other open items, newest first: taken over from `items`. */
	struct lines olines = { 0 };
	struct ruru_open_items *open = ruru_xmalloc(sizeof(*open));
	*open = (struct ruru_open_items){ .session = ruru_strdup(sid) };
	open->v = ruru_xmalloc((items->n + 1) * sizeof(*open->v));
	size_t worded = 0;
	for (i = items->n; i-- > 0;) {
		struct ruru_open_item *v = &items->v[i];
		if (v->kind == RURU_OPEN_CONFIRMATION)
			continue;
		ruru_buf_reset(&line);
		ruru_buf_addstr(&line, "- ");
		item_line(&line, v->text ? v->text : "");
		lines_add(&olines, &line);
		/* the entry items left unworded are counted below */
		worded += v->kind == RURU_OPEN_DELEGATION || v->kind == RURU_OPEN_ERROR;
		open->v[open->n++] = *v;
		memset(v, 0, sizeof(*v));
	}
	ruru_open_items_free(items);
	d->open = open;
	d->open_count = olines.n + (nentry_open - worded);
	add_list(&b, "Open items (newest first):\n", &olines, d->open_count, "ruru show --digest");
	lines_release(&olines);
	b.keep = 0;
	if (pass.decision) {
		fits(&b, &dl, 0);
		d->last_decision = pass.decision;
		pass.decision = NULL;
	}
	ruru_buf_release(&dl);

	/* Recent entries from the tail, newest kept first. */
	struct ruru_buf tail = RURU_BUF_INIT;
	off_t size = 0;
	if (ruru_store_read_tail(ws->store, path, max_chars * 8 > TAIL_BYTES ? max_chars * 8 : TAIL_BYTES, &tail, &size,
			   &e) == 0) {
		size_t start = 0;
		if ((size_t)size > tail.len) {
			const char *nl = memchr(tail.ptr, '\n', tail.len);
			start = nl ? (size_t)(nl - tail.ptr) + 1 : tail.len;
		} else {
			start = body;
		}
		struct ruru_entry *ents = NULL;
		size_t n = start <= tail.len ? ruru_entries_parse(tail.ptr, tail.len, start, &ents) : 0;
		struct ruru_buf hdr = RURU_BUF_INIT;
		size_t first = n;
		ruru_buf_addstr(&hdr, "Recent entries:\n");
		size_t room = b.max > out.len + hdr.len ? b.max - out.len - hdr.len : 0;
		size_t used = 0;
		while (first > 0) {
			ruru_buf_reset(&line);
			entry_line(&line, &ents[first - 1]);
			if (used + line.len > room)
				break;
			used += line.len;
			first--;
		}
		if (first < n) {
			ruru_buf_add(&out, hdr.ptr, hdr.len);
			d->recent = ruru_xmalloc((n - first) * sizeof(*d->recent));
			for (size_t k = first; k < n; k++) {
				entry_line(&out, &ents[k]);
				d->recent[d->nrecent++] = ents[k]; /* taken over */
			}
		}
		for (size_t k = 0; k < first; k++)
			ruru_entry_release(&ents[k]);
		free(ents);
		ruru_buf_release(&hdr);
	}
	ruru_buf_release(&tail);
	free(path);

finish:
	if (rc == 0) {
		ruru_buf_add(&out, footer.ptr, footer.len);
		if (out.len > max_chars) {
			/* Even the head does not fit: cut at a character boundary. */
			size_t cut = max_chars;
			while (cut > 0 && ((unsigned char)out.ptr[cut] & 0xC0) == 0x80)
				cut--;
			out.len = cut;
			out.ptr[cut] = '\0';
		}
		d->text = ruru_buf_detach(&out, &d->len);
	} else {
		ruru_digest_free(d);
		d = NULL;
	}
	ruru_open_free(pass.open);
	if (pass.decision)
		ruru_entry_release(pass.decision);
	free(pass.decision);
	ruru_buf_release(&pass.decision_line);
	free(sid);
	ruru_buf_release(&out);
	ruru_buf_release(&footer);
	ruru_buf_release(&line);
	return d;
}

/*
 * The hook's answer.  Claude Code (code.claude.com/docs/en/hooks), Codex
 * (developers.openai.com/codex/hooks) and Gemini CLI
 * (geminicli.com/docs/hooks/reference) read a JSON object on stdout; for
 * SessionStart,
 *   {"hookSpecificOutput": {"hookEventName": "SessionStart",
 *                           "additionalContext": TEXT}}
 * adds TEXT to the model's context.  Claude Code's PreCompact has no such
 * field (only a "decision" to block, which ruru never does): there the
 * digest is printed as plain text, which Claude Code shows in its
 * transcript, and the context comes back through SessionStart with the
 * source "compact" once the compacted window is built.
 */
int ruru_prime_hook(const char *host, const char *input, size_t len, const struct ruru_digest *d,
		    struct ruru_buf *out, struct ruru_error *err)
{
	if (strcmp(host, "claude") && strcmp(host, "gemini") && strcmp(host, "codex"))
		return ruru_error_set(err, RURU_EUSAGE,
				      "no hook format for host \"%s\" (claude, codex, gemini)", host);
	const char *event = "SessionStart";
	json_t *in = len ? json_loadb(input, len, 0, NULL) : NULL;
	const char *named = json_string_value(json_object_get(in, "hook_event_name"));
	if (named && *named)
		event = named;
	int rc = 0;
	if (!strcmp(event, "PreCompact") || !strcmp(event, "PreCompress")) {
		ruru_buf_addstr(out, "Keep the ruru session ID and the open items below in the summary.\n");
		ruru_digest_text(d, out);
	} else {
		json_t *o = json_pack("{s:{s:s, s:o}}", "hookSpecificOutput", "hookEventName", event,
				      "additionalContext", ruru_json_text(d->text, d->len));
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s) {
			ruru_buf_addstr(out, s);
			ruru_buf_addch(out, '\n');
		} else {
			rc = ruru_error_set(err, RURU_EFAIL, "cannot encode the hook's JSON");
		}
		free(s);
		json_decref(o);
	}
	json_decref(in);
	return rc;
}
