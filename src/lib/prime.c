/*
 * prime.c — `ruru prime` (DESIGN §12): the state of the work for a model's
 * first turn and after every compaction, deterministic, no model, at most
 * `max_chars` bytes.  In order: the session and its goal (or "no active
 * session" and the recent ones), pending confirmations with their targets,
 * open items, the last decision, as many recent entries as fit, one line
 * on how to log.  What comes first is kept first: when the bound is tight,
 * recent entries go, then the tail of each list (with a line saying how
 * many were left out), never the order.
 *
 * It must stay fast on a 100,000-entry log, so it never parses the whole
 * log: the front matter is read alone, recent entries come from the last
 * 64 KiB, and open items from one pass over the mapped file that looks
 * only at the type word of each entry line and parses just the
 * delegations, results, errors and decisions in ruru's own format.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "session.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

#define TAIL_BYTES (64 * 1024)
#define ITEM_MAX 240 /* bytes of one line of the digest */

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

/* ---------------------------------------------------------- open items */

struct open_item {
	struct ruru_entry e;
	bool open;
};

struct scan {
	struct open_item *items; /* delegations and errors, in file order */
	size_t n, cap;
	struct ruru_entry last_decision;
	bool has_decision;
};

static void scan_release(struct scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		ruru_entry_release(&s->items[i].e);
	free(s->items);
	if (s->has_decision)
		ruru_entry_release(&s->last_decision);
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* A result closes the delegations of its task (or, without a task, of its
 * mode); a successful result closes the errors before it. */
static void close_items(struct scan *s, const struct ruru_entry *r)
{
	bool success = !r->outcome || !strcmp(r->outcome, "success");
	for (size_t i = 0; i < s->n; i++) {
		struct open_item *it = &s->items[i];
		if (!it->open)
			continue;
		if (it->e.type == RURU_EV_DELEGATION &&
		    (r->task ? same(r->task, it->e.task) : (!it->e.task && same(r->mode, it->e.mode))))
			it->open = false;
		if (it->e.type == RURU_EV_ERROR && success)
			it->open = false;
	}
}

/* Keep the list short: drop closed items now and then. */
static void compact_items(struct scan *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->items[i].open)
			s->items[k++] = s->items[i];
		else
			ruru_entry_release(&s->items[i].e);
	}
	s->n = k;
}

static void scan_log(const char *text, size_t len, const char *eol, struct scan *s)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - text) + 1 : len;
		/* "- [STAMP] **TYPE**": look at TYPE only. */
		if (next - i > 8 && text[i] == '-' && text[i + 1] == ' ' && text[i + 2] == '[') {
			const char *rb = memchr(text + i + 3, ']', next - i - 3 < 48 ? next - i - 3 : 48);
			if (rb && (size_t)(text + next - rb) > 4 && rb[1] == ' ' && rb[2] == '*' &&
			    rb[3] == '*') {
				const char *t = rb + 4;
				size_t room = (size_t)(text + next - t);
				enum ruru_event ev = RURU_EV_UNKNOWN;
				static const enum ruru_event wanted[] = { RURU_EV_DELEGATION, RURU_EV_RESULT,
									  RURU_EV_ERROR, RURU_EV_DECISION };
				for (size_t k = 0; k < 4; k++) {
					const char *w = ruru_event_name(wanted[k]);
					size_t wl = strlen(w);
					if (room > wl + 2 && !memcmp(t, w, wl) && t[wl] == '*' && t[wl + 1] == '*')
						ev = wanted[k];
				}
				struct ruru_entry e;
				if (ev != RURU_EV_UNKNOWN && ruru_entry_parse_strict(text + i, len - i, eol, &e)) {
					if (ev == RURU_EV_RESULT) {
						close_items(s, &e);
						ruru_entry_release(&e);
					} else if (ev == RURU_EV_DECISION) {
						if (s->has_decision)
							ruru_entry_release(&s->last_decision);
						s->last_decision = e;
						s->has_decision = true;
					} else {
						if (s->n == s->cap) {
							compact_items(s);
							if (s->n == s->cap) {
								s->cap = s->cap ? 2 * s->cap : 16;
								s->items = ruru_xrealloc(s->items,
											 s->cap * sizeof(*s->items));
							}
						}
						s->items[s->n++] = (struct open_item){ .e = e, .open = true };
					}
				}
			}
		}
		i = next;
	}
	compact_items(s);
}

/* Map the log read-only and scan it. */
static int scan_file(const char *path, size_t body, struct scan *s, struct ruru_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot read the session log");
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
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return ruru_error_set(err, RURU_EFAIL, "cannot map the session log");
	const char *text = map;
	const char *nl = memchr(text + body, '\n', len - body);
	const char *eol = nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
	scan_log(text + body, len - body, eol, s);
	munmap(map, len);
	return 0;
}

/* ---------------------------------------------------------- the digest */

struct budget {
	struct ruru_buf *out;
	size_t max; /* the bound for everything but the footer */
};

/* Add `line` when it fits (keeping `reserve` bytes free); false otherwise. */
static bool fits(struct budget *b, const struct ruru_buf *line, size_t reserve)
{
	if (b->out->len + line->len + reserve > b->max)
		return false;
	ruru_buf_add(b->out, line->ptr, line->len);
	return true;
}

/* A list: heading, then items while they fit, leaving room for the "more"
 * line; then that line. */
static void add_list(struct budget *b, const char *heading, json_t *lines)
{
	size_t n = json_array_size(lines);
	if (!n)
		return;
	struct ruru_buf h = RURU_BUF_INIT, more = RURU_BUF_INIT, line = RURU_BUF_INIT;
	ruru_buf_addstr(&h, heading);
	if (!fits(b, &h, 0))
		goto out;
	for (size_t i = 0; i < n; i++) {
		ruru_buf_reset(&line);
		ruru_buf_addstr(&line, json_string_value(json_array_get(lines, i)));
		ruru_buf_reset(&more);
		if (i + 1 < n)
			ruru_buf_addf(&more, "- … and %zu more\n", n - i - 1);
		if (!fits(b, &line, more.len)) {
			ruru_buf_reset(&more);
			ruru_buf_addf(&more, "- … and %zu more\n", n - i);
			fits(b, &more, 0);
			break;
		}
	}
out:
	ruru_buf_release(&h);
	ruru_buf_release(&more);
	ruru_buf_release(&line);
}

static void no_session(struct ruru_ws *ws, struct budget *b, json_t *j)
{
	struct ruru_session *list = NULL;
	size_t n = 0;
	struct ruru_error e;
	ruru_buf_addstr(b->out, "ruru: no active session.\n");
	json_t *recent = json_array();
	if (ruru_session_list(ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &e) == 0 && n) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_buf_addstr(b->out, "Recent sessions:\n");
		for (size_t i = 0; i < n && i < 5; i++) {
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
			json_array_append_new(recent, json_pack("{s:s, s:s?, s:s?}", "id", list[i].id,
								"status", ruru_status_word(list[i].status),
								"title", list[i].title));
		}
		ruru_buf_release(&line);
	}
	ruru_session_list_free(list, n);
	json_object_set_new(j, "session", json_null());
	json_object_set_new(j, "recent_sessions", recent);
}

int ruru_prime(struct ruru_ws *ws, const char *id, size_t max_chars, char **text, json_t **json,
	       struct ruru_error *err)
{
	if (!max_chars)
		max_chars = 2000;
	struct ruru_buf out = RURU_BUF_INIT, footer = RURU_BUF_INIT, line = RURU_BUF_INIT;
	ruru_buf_init(&out);
	json_t *j = json_object();
	struct ruru_error e;
	char *sid = ruru_session_resolve(ws, id, &e);
	if (!sid && id) {
		*err = e;
		json_decref(j);
		return -1;
	}
	ruru_buf_addstr(&footer, "Log each event: ruru log --type TYPE \"MESSAGE\" (MCP tool "
				 "session_log); full digest: ruru show --digest\n");
	struct budget b = { &out, max_chars > footer.len ? max_chars - footer.len : 0 };
	struct scan sc = { 0 };
	struct ruru_session s = { 0 };
	bool loaded = false;
	int rc = 0;
	if (!sid) {
		no_session(ws, &b, j);
		ruru_buf_reset(&footer);
		ruru_buf_addstr(&footer, "Start: ruru new \"GOAL\"; pick one up: ruru continue ID\n");
		b.max = max_chars > footer.len ? max_chars - footer.len : 0;
		goto finish;
	}
	if (ruru_session_load(ws, sid, 0, &s, err) < 0) {
		rc = -1;
		goto finish;
	}
	loaded = true;
	ruru_buf_addf(&line, "ruru session %s [%s]%s\n", sid,
		      ruru_status_word(s.status) ? ruru_status_word(s.status) : "unknown",
		      s.status == RURU_STATUS_ACTIVE ? "" : " (not active: ruru continue to resume)");
	fits(&b, &line, 0);
	ruru_buf_reset(&line);
	ruru_buf_addf(&line, "Goal: %.*s\n", ITEM_MAX, s.title && *s.title ? s.title : "(none)");
	for (size_t k = 0; k + 1 < line.len; k++)
		if (line.ptr[k] == '\n' || line.ptr[k] == '\r')
			line.ptr[k] = ' ';
	fits(&b, &line, 0);
	json_object_set_new(j, "session", json_string(sid));
	json_object_set_new(j, "status", ruru_status_word(s.status)
						 ? json_string(ruru_status_word(s.status))
						 : json_null());
	json_object_set_new(j, "goal", s.title ? json_string(s.title) : json_null());

	/* Pending confirmations, with their targets. */
	json_t *pending = json_array(), *plines = json_array();
	json_t *all = ruru_confirm_list(ws, sid, NULL, &e);
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		if (!st || (strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "skipped")))
			continue;
		const char *art = json_string_value(json_object_get(c, "artifact"));
		const char *tg = json_string_value(json_object_get(c, "target"));
		json_array_append_new(pending, json_pack("{s:s?, s:s?, s:s}", "artifact", art, "target",
							 tg, "status", st));
		json_array_append_new(plines, json_sprintf("- %s → %s (%s%s)\n", art ? art : "?",
							   tg ? tg : "?", st,
							   !strcmp(st, "pending") ? ": ask the user"
										 : ": delegate and apply"));
	}
	json_decref(all);
	add_list(&b, "Pending confirmations:\n", plines);
	json_decref(plines);
	json_object_set_new(j, "pending_confirmations", pending);

	/* Open items: one pass over the log. */
	char *path = ruru_ws_path(ws, s.path);
	struct ruru_buf head = RURU_BUF_INIT;
	size_t body = 0;
	struct ruru_frontmatter fm;
	if (ruru_read_front_matter(AT_FDCWD, path, &head, &e) == 0 &&
	    ruru_frontmatter_split(head.ptr, head.len, &fm))
		body = fm.body;
	ruru_buf_release(&head);
	if (scan_file(path, body, &sc, err) < 0) {
		free(path);
		rc = -1;
		goto finish;
	}
	json_t *open = json_array(), *olines = json_array();
	for (i = 0; i < sc.n; i++) {
		ruru_buf_reset(&line);
		entry_line(&line, &sc.items[i].e);
		json_array_append_new(olines, json_stringn(line.ptr, line.len));
		json_array_append_new(open, ruru_entry_json(&sc.items[i].e));
	}
	add_list(&b, "Open items (delegations without a result, errors without a later success):\n",
		 olines);
	json_decref(olines);
	json_object_set_new(j, "open_items", open);
	if (sc.has_decision) {
		struct ruru_buf d = RURU_BUF_INIT;
		ruru_buf_addstr(&d, "Last decision:\n");
		entry_line(&d, &sc.last_decision);
		fits(&b, &d, 0);
		ruru_buf_release(&d);
		json_object_set_new(j, "last_decision", ruru_entry_json(&sc.last_decision));
	} else {
		json_object_set_new(j, "last_decision", json_null());
	}

	/* Recent entries from the tail, newest kept first. */
	struct ruru_buf tail = RURU_BUF_INIT;
	off_t size = 0;
	json_t *recent = json_array();
	if (ruru_read_tail(path, TAIL_BYTES, &tail, &size, &e) == 0) {
		size_t start = 0;
		if ((size_t)size > tail.len) {
			const char *nl = memchr(tail.ptr, '\n', tail.len);
			start = nl ? (size_t)(nl - tail.ptr) + 1 : tail.len;
		} else {
			start = body;
		}
		struct ruru_entry *ents = NULL;
		size_t n = start <= tail.len ? ruru_entries_parse(tail.ptr, tail.len, start, &ents) : 0;
		struct ruru_buf lines = RURU_BUF_INIT, hdr = RURU_BUF_INIT;
		ruru_buf_init(&lines);
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
			for (size_t k = first; k < n; k++) {
				entry_line(&out, &ents[k]);
				json_array_append_new(recent, ruru_entry_json(&ents[k]));
			}
		}
		for (size_t k = 0; k < n; k++)
			ruru_entry_release(&ents[k]);
		free(ents);
		ruru_buf_release(&lines);
		ruru_buf_release(&hdr);
	}
	ruru_buf_release(&tail);
	free(path);
	json_object_set_new(j, "recent_entries", recent);

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
		json_object_set_new(j, "text", json_stringn(out.ptr, out.len));
		if (text)
			*text = ruru_buf_detach(&out, NULL);
		if (json)
			*json = j;
		else
			json_decref(j);
	} else {
		json_decref(j);
	}
	if (loaded)
		ruru_session_release(&s);
	scan_release(&sc);
	free(sid);
	ruru_buf_release(&out);
	ruru_buf_release(&footer);
	ruru_buf_release(&line);
	return rc;
}

/*
 * The hook's answer.  Claude Code (code.claude.com/docs/en/hooks) and
 * Gemini CLI (geminicli.com/docs/hooks/reference) read a JSON object on
 * stdout; for SessionStart,
 *   {"hookSpecificOutput": {"hookEventName": "SessionStart",
 *                           "additionalContext": TEXT}}
 * adds TEXT to the model's context.  Claude Code's PreCompact has no such
 * field (only a "decision" to block, which ruru never does): there the
 * digest is printed as plain text, which Claude Code shows in its
 * transcript, and the context comes back through SessionStart with the
 * source "compact" once the compacted window is built.
 */
int ruru_prime_hook(const char *host, const char *input, size_t len, const char *digest,
		    struct ruru_buf *out, struct ruru_error *err)
{
	if (strcmp(host, "claude") && strcmp(host, "gemini"))
		return ruru_error_set(err, RURU_EUSAGE,
				      "no hook format for host \"%s\" (claude, gemini)", host);
	const char *event = "SessionStart";
	json_t *in = len ? json_loadb(input, len, 0, NULL) : NULL;
	const char *named = json_string_value(json_object_get(in, "hook_event_name"));
	if (named && *named)
		event = named;
	int rc = 0;
	if (!strcmp(event, "PreCompact") || !strcmp(event, "PreCompress")) {
		ruru_buf_addstr(out, digest);
	} else {
		json_t *o = json_pack("{s:{s:s, s:s}}", "hookSpecificOutput", "hookEventName", event,
				      "additionalContext", digest);
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
