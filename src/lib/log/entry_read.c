/*
 * entry_read.c — reading the entries of real logs.  Logs were written by
 * agents by hand and drift a lot (see the compat corpus README).  The
 * reader is one line-oriented scan that classifies every column-0 line
 * (entry, heading, fence, rule, placeholder, text) and attaches everything
 * that is not a new entry, a heading or a rule to the entry above it.
 * Each entry found is then tried against ruru's strict grammar (entry.c)
 * first and read leniently otherwise: the type, and the mode, task and
 * outcome that the templates' prose names, are taken from the words.
 * The scan is linear: every byte is looked at a bounded number of times
 * and messages are built once.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entry.h"
#include "entry_impl.h"
#include "text.h"
#include "timestamp.h"
#include "banned.h"

/* ------------------------------------------------------ lenient reading */

enum line_kind {
	LK_TEXT,    /* anything else: continues the entry above */
	LK_BLANK,   /* empty line */
	LK_ENTRY,   /* a stamped entry line (list item, bare, bold, heading) */
	LK_HEADING, /* a heading without a stamp */
	LK_LOGHEAD, /* "## Log Entries" */
	LK_RULE,    /* "---", "***", "___" */
	LK_FENCE,   /* opening "```" or "~~~" */
	LK_SKIP,    /* placeholder stamp or "# - [...]" template line */
};

struct line_info {
	enum line_kind kind;
	int level;                /* heading level, 0 for none */
	size_t stamp, stamp_len;  /* absolute offsets of the stamp text */
	size_t msg;               /* absolute offset where the message starts */
	bool bold_open;           /* "**" opened before the stamp, closed later */
	struct stamp st;
	char fence_ch;
	size_t fence_n;
};

static bool is_rule(const char *p, size_t n)
{
	char c = 0;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t')
			continue;
		if (!c && (p[i] == '-' || p[i] == '*' || p[i] == '_'))
			c = p[i];
		if (p[i] != c)
			return false;
		count++;
	}
	return count >= 3;
}

static bool is_placeholder(const char *p, size_t n)
{
	/* "[YYYY-MM-DD HH:MM:SS]", "[\\{{timestamp}}]", "[{{date}}]", "[TIMESTAMP]" */
	if (n && p[0] == '\\') {
		p++;
		n--;
	}
	return starts(p, n, "YY") || starts(p, n, "{") || starts(p, n, "<") ||
	       starts_ci(p, n, "timestamp") || starts_ci(p, n, "date") || starts_ci(p, n, "time]") ||
	       starts_ci(p, n, "hh:mm");
}

static bool is_loghead(const char *p, size_t n)
{
	if (!starts(p, n, "##") || n < 3 || (p[2] != ' ' && p[2] != '\t'))
		return false;
	size_t i = 2;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (!starts_ci(p + i, n - i, "log entries"))
		return false;
	for (i += 11; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != ':' && p[i] != '#')
			return false;
	return true;
}

/*
 * Find a stamp at t[p..e) after optional wrappers ("**", "`", "["), as in
 * "**[2025-05-29 10:05:00]**", "`[2025-06-10T06:36:00Z]`", "[250509175351]",
 * "2025-05-29T15:27:00", "**2025-05-13T05:55:10Z Prime Coordinator:**".
 * Fills the stamp and message offsets; false when there is none.
 */
static bool find_stamp(const char *t, size_t p, size_t e, struct line_info *li, bool *placeholder)
{
	bool bold = false, code = false, bracket = false;
	for (int k = 0; k < 4 && p < e; k++) {
		if (!bold && starts(t + p, e - p, "**")) {
			bold = true;
			p += 2;
		} else if (!code && t[p] == '`') {
			code = true;
			p++;
		} else if (!bracket && t[p] == '[') {
			bracket = true;
			p++;
		} else {
			break;
		}
	}
	*placeholder = false;
	size_t n = scan_stamp(t + p, e - p, bracket, &li->st);
	if (!n) {
		*placeholder = bracket && is_placeholder(t + p, e - p);
		return false;
	}
	li->stamp = p;
	li->stamp_len = n;
	size_t q = p + n;
	if (bracket) {
		/* "[2025-06-05 03:35:00 XYZ]": an unknown suffix stays in the stamp
		 * text, the instant is what could be read. */
		size_t r = q;
		while (r < e && r - q < 16 && t[r] != ']' && t[r] != '[')
			r++;
		if (r == e || t[r] != ']')
			return false;
		li->stamp_len = r - p;
		q = r + 1;
	} else if (q < e && (is_alpha((unsigned char)t[q]) || is_digit((unsigned char)t[q]))) {
		return false;
	}
	/* Closing wrappers, in whatever order they were opened. */
	for (int k = 0; k < 3 && q < e; k++) {
		if (code && t[q] == '`') {
			code = false;
			q++;
		} else if (bold && starts(t + q, e - q, "**")) {
			bold = false;
			q += 2;
		} else {
			break;
		}
	}
	li->bold_open = bold;
	/* Separators between stamp and text: " - ", ": ", " – ", " — ". */
	while (q < e && (t[q] == ' ' || t[q] == '\t'))
		q++;
	if (q < e && (t[q] == '-' || t[q] == ':') && (q + 1 == e || t[q + 1] == ' ' || t[q + 1] == '\t'))
		q++;
	else if (starts(t + q, e - q, "\xE2\x80\x93") || starts(t + q, e - q, "\xE2\x80\x94"))
		q += 3;
	while (q < e && (t[q] == ' ' || t[q] == '\t'))
		q++;
	li->msg = q;
	return true;
}

static void classify(const char *t, struct line l, struct line_info *li)
{
	size_t p = l.start, e = l.cend;
	memset(li, 0, sizeof(*li));
	li->kind = LK_TEXT;
	if (p == e) {
		li->kind = LK_BLANK;
		return;
	}
	char c = t[p];
	if ((c == '`' || c == '~') && starts(t + p, e - p, c == '`' ? "```" : "~~~")) {
		size_t n = 0;
		while (p + n < e && t[p + n] == c)
			n++;
		/* A backtick fence's info string may not hold a backtick. */
		if (c == '~' || !memchr(t + p + n, '`', e - p - n)) {
			li->kind = LK_FENCE;
			li->fence_ch = c;
			li->fence_n = n;
			return;
		}
	}
	bool placeholder = false;
	if (c == '#') {
		int level = 0;
		while (p < e && t[p] == '#' && level < 7) {
			level++;
			p++;
		}
		if (level > 6 || (p < e && t[p] != ' ' && t[p] != '\t'))
			return; /* "#tag", "#######": text */
		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		li->level = level;
		if (level == 1 && p + 1 < e && (t[p] == '-' || t[p] == '*') && (t[p + 1] == ' ')) {
			/* "# - [YYYY-MM-DD HH:MM:SS] ...": a template line someone
			 * commented out with a TOML habit; not a heading in spirit. */
			li->kind = LK_SKIP;
			return;
		}
		if (is_loghead(t + l.start, e - l.start)) {
			li->kind = LK_LOGHEAD;
			return;
		}
		if (level >= 2 && find_stamp(t, p, e, li, &placeholder)) {
			li->kind = LK_ENTRY;
			return;
		}
		li->kind = LK_HEADING;
		return;
	}
	if ((c == '-' || c == '*' || c == '_') && is_rule(t + p, e - p)) {
		li->kind = LK_RULE;
		return;
	}
	if ((c == '-' || c == '*' || c == '+') && p + 1 < e && (t[p + 1] == ' ' || t[p + 1] == '\t')) {
		p++;
		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		/* Task-list checkbox: "- [ ] **2025-05-13 11:11** ..." */
		if (e - p >= 4 && t[p] == '[' && (t[p + 1] == ' ' || t[p + 1] == 'x' || t[p + 1] == 'X') &&
		    t[p + 2] == ']' && t[p + 3] == ' ') {
			p += 4;
			while (p < e && t[p] == ' ')
				p++;
		}
	}
	if (find_stamp(t, p, e, li, &placeholder))
		li->kind = LK_ENTRY;
	else if (placeholder)
		li->kind = LK_SKIP;
}

/* "timestamp: 2025-..." or "**Timestamp:** 2025-..." opening a "---" block. */
static bool block_stamp(const char *t, struct line l, struct line_info *li)
{
	size_t p = l.start, e = l.cend;
	if (starts(t + p, e - p, "**"))
		p += 2;
	if (!starts_ci(t + p, e - p, "timestamp"))
		return false;
	p += 9;
	if (starts(t + p, e - p, "**"))
		p += 2;
	if (p >= e || t[p] != ':')
		return false;
	p++;
	if (starts(t + p, e - p, "**"))
		p += 2;
	while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '"' || t[p] == '\''))
		p++;
	size_t n = scan_stamp(t + p, e - p, true, &li->st);
	if (!n)
		return false;
	li->stamp = p;
	li->stamp_len = n;
	return true;
}

enum entry_kind { EK_LINE, EK_BLOCK, EK_ORPHAN };

/* What the scan records per entry; strings are made afterwards. */
struct found {
	enum entry_kind kind;
	size_t line, start, end; /* end: after the last non-blank line */
	size_t first_next;       /* offset of the line after the first */
	struct line_info li;
	size_t stamp_line;       /* EK_BLOCK: offset of the timestamp line */
	bool orphan;             /* outside "## Log Entries", or text of no entry */
};

struct scan {
	const char *t;
	size_t len;
	struct found *v;
	size_t n, cap;
	bool store;
	size_t count;
	bool open;          /* the last entry still takes continuation lines */
	int open_level;     /* heading level of the open entry, 0 for list */
	bool open_orphan;   /* the open block is orphan text */
	bool orphans;       /* keep orphan blocks (else they are only skipped) */
	bool rule_block;    /* inside a "---" block continuing the open entry */
	bool after_blank;   /* the previous line was blank */
	bool head_only;     /* stop at the first "## Log Entries" heading */
	/* Streaming (ruru_entries_each): each entry is read and handed to fn
	 * as soon as the next one starts, so at most one is held. */
	ruru_entry_fn fn;
	void *ctx;
	bool crlf;
	bool stopped;       /* fn asked to stop */
	size_t emitted;     /* entries fn took without asking to stop */
};

static void emit_pending(struct scan *s);

static void push(struct scan *s, const struct found *f)
{
	if (!f->orphan)
		s->count++;
	s->open = true;
	s->open_orphan = f->orphan;
	s->rule_block = false;
	if (!s->store || (f->orphan && !s->orphans))
		return;
	if (s->fn && s->n) {
		emit_pending(s);
		s->n = 0;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		struct found *nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			abort();
		s->v = nv;
	}
	s->v[s->n++] = *f;
}

static void extend(struct scan *s, size_t end)
{
	if (s->open && s->store && s->n && (!s->open_orphan || s->orphans))
		s->v[s->n - 1].end = end;
}

static size_t count_lines(const char *t, size_t from, size_t to)
{
	size_t n = 0;
	const char *p = t + from, *e = t + to;
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * Fences and entries (doc/design.md §8, "whole entries"): a fence that a hand
 * edit left open must not hide the entries ruru appends after it.  So a
 * line at column 0 in ruru's own entry form, "- [YYYY-MM-DD HH:MM:SS" with
 * a zone, "] **type**", ends any open fence: ruru never writes such a line
 * inside a message (continuation lines are indented), so it can only be an
 * entry that ruru wrote.  Everything else inside a fence stays fenced.
 */
static bool strict_entry_line(const char *t, struct line l)
{
	const char *p = t + l.start;
	size_t n = l.cend - l.start, i;
	static const char shape[] = "- [dddd-dd-dd dd:dd:dd";
	if (n < sizeof(shape) - 1 + 5)
		return false;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !is_digit((unsigned char)p[i]) : p[i] != shape[i])
			return false;
	if (p[i] == 'Z') {
		i++;
	} else if ((p[i] == '+' || p[i] == '-') && n - i >= 6 && is_digit((unsigned char)p[i + 1]) &&
		   is_digit((unsigned char)p[i + 2]) && p[i + 3] == ':' &&
		   is_digit((unsigned char)p[i + 4]) && is_digit((unsigned char)p[i + 5])) {
		i += 6;
	} else {
		return false;
	}
	if (n - i < 5 || memcmp(p + i, RURU_LIT("] **")) != 0)
		return false;
	i += 4;
	if (!(p[i] >= 'a' && p[i] <= 'z'))
		return false;
	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || is_digit((unsigned char)p[i]) || p[i] == '-'))
		i++;
	return n - i >= 2 && p[i] == '*' && p[i + 1] == '*';
}

enum fence_step { FENCE_INSIDE, FENCE_CLOSED, FENCE_CUT };

/* What line `l` does to the fence of `fence_n` x `fence_ch` open above it:
 * nothing (FENCE_INSIDE), close it (FENCE_CLOSED, the line is the fence's),
 * or end it unclosed because it is an entry of ruru's (FENCE_CUT, the line
 * is read as usual). */
static enum fence_step fence_step(const char *t, struct line l, char fence_ch, size_t fence_n)
{
	size_t n = 0;
	while (l.start + n < l.cend && t[l.start + n] == fence_ch)
		n++;
	if (n >= fence_n) {
		size_t k = l.start + n;
		while (k < l.cend && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k == l.cend)
			return FENCE_CLOSED;
	}
	return strict_entry_line(t, l) ? FENCE_CUT : FENCE_INSIDE;
}

/*
 * The one walk of a body's lines outside fenced code, for the questions
 * asked of a body apart from the entry scan (where to append, the goal,
 * unclosed fences, placeholders, "## Log Entries" headings):
 *
 *	struct fence_walk w = fence_walk_at(text, len, body);
 *	struct line l;
 *	struct line_info li;
 *	while (outside_next(&w, &l, &li)) ...
 *
 * gives every line that is not inside a fence, a fence's opening line
 * included (li.kind LK_FENCE); a fence's other lines and its closing line
 * are passed over.  li is classified for a line that starts with '#', '`'
 * or '~' (the ones that can open a fence or be a heading); for any other
 * line li.kind is LK_TEXT, or LK_BLANK for an empty one, and the caller
 * classifies it when it must know more.  After each step, w.fenced_next
 * and w.fenced_end say where the fenced lines passed over ended (after the
 * last one; after the last non-blank one) or are 0, and w.cut is the offset
 * of a fence's opening line that ended unclosed (an entry of ruru's cut it,
 * or the text ended) or NO_FENCE.
 */
#define NO_FENCE ((size_t)-1)

struct fence_walk {
	const char *t;
	size_t len, off;
	bool in_fence;
	char fence_ch;
	size_t fence_n, open_at;
	size_t fenced_next, fenced_end, cut;
};

static struct fence_walk fence_walk_at(const char *t, size_t len, size_t body)
{
	struct fence_walk w;
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.len = len;
	w.off = body > len ? len : body;
	w.cut = NO_FENCE;
	return w;
}

static bool outside_next(struct fence_walk *w, struct line *l, struct line_info *li)
{
	w->fenced_next = w->fenced_end = 0;
	w->cut = NO_FENCE;
	while (w->off < w->len) {
		*l = line_at(w->t, w->len, w->off);
		w->off = l->next;
		if (w->in_fence) {
			enum fence_step fs = fence_step(w->t, *l, w->fence_ch, w->fence_n);
			if (fs != FENCE_CUT) {
				w->in_fence = fs == FENCE_INSIDE;
				w->fenced_next = l->next;
				if (l->cend > l->start)
					w->fenced_end = l->cend;
				continue;
			}
			w->in_fence = false;
			w->cut = w->open_at;
		}
		char c = l->cend > l->start ? w->t[l->start] : 0;
		if (c == '#' || c == '`' || c == '~') {
			classify(w->t, *l, li);
		} else {
			memset(li, 0, sizeof(*li));
			li->kind = c ? LK_TEXT : LK_BLANK;
		}
		if (li->kind == LK_FENCE) {
			w->in_fence = true;
			w->fence_ch = li->fence_ch;
			w->fence_n = li->fence_n;
			w->open_at = l->start;
		}
		return true;
	}
	if (w->in_fence) {
		w->in_fence = false;
		w->cut = w->open_at;
	}
	return false;
}

/* Template boilerplate at column 0: an italic line ("*Add entries
 * above this line*", "_..._") or an HTML comment. */
static bool boilerplate(const char *t, struct line l)
{
	size_t n = l.cend - l.start;
	const char *p = t + l.start;
	if (starts(p, n, "<!--"))
		return true;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n >= 3 && ((p[0] == '*' && p[1] != '*' && p[1] != ' ' && p[n - 1] == '*') ||
			  (p[0] == '_' && p[1] != '_' && p[1] != ' ' && p[n - 1] == '_'));
}

/* Does the line at `off` (after blank lines) start a report of the entry
 * above: "**Status:** ...", "**Outcome:** ..."? */
static bool continues(const char *t, size_t len, size_t off)
{
	while (off < len) {
		struct line l = line_at(t, len, off);
		if (l.cend > l.start) {
			const char *p = t + l.start;
			size_t n = l.cend - l.start;
			struct line_info bi;
			memset(&bi, 0, sizeof(bi));
			if (block_stamp(t, l, &bi))
				return false; /* an entry of its own */
			if (!starts(p, n, "**")) {
				/* a YAML block: "mode: dev-golang", "task_id: TASK-..." */
				size_t k = 0;
				while (k < n && k < 32 && (is_alpha((unsigned char)p[k]) || p[k] == '_' ||
							   (k && (is_digit((unsigned char)p[k]) || p[k] == '-'))))
					k++;
				return k && k < n && p[k] == ':' && (k + 1 == n || p[k + 1] == ' ');
			}
			const char *c = memchr(p + 2, ':', n - 2);
			const char *sp = memchr(p + 2, ' ', n - 2);
			/* a label: "**Word:**" or "**Two words:**" before any stamp */
			return c && (size_t)(c - p) < 40 && (!sp || sp < c || (size_t)(c - p) < 40) &&
			       !(c + 1 < p + n && c[1] == '/');
		}
		off = l.next;
	}
	return false;
}

/*
 * The scan proper.  `whole`: take entries from the whole body (a log
 * without any "## Log Entries" heading).  Returns whether a Log Entries
 * heading was seen.
 */
static bool scan_body(struct scan *s, size_t body, bool whole)
{
	const char *t = s->t;
	size_t len = s->len, off = body, lineno = 1 + count_lines(t, 0, body);
	size_t counted_to = body;
	bool in_section = whole, seen_head = false, seen_entry = false;
	struct fence_walk w = fence_walk_at(t, len, body);
	struct line l;
	struct line_info li;
	while (!s->stopped && outside_next(&w, &l, &li)) {
		/* Fenced lines are never entries or headings; they belong to the
		 * entry above (a traceback pasted into a log), except an entry
		 * line of ruru's, which ends an unclosed fence (the walk hands
		 * it on as a line of its own). */
		if (w.fenced_next)
			extend(s, w.fenced_next);
		off = l.start;
		if (li.kind == LK_TEXT)
			classify(t, l, &li);
		bool after_blank = s->after_blank;
		s->after_blank = li.kind == LK_BLANK;
		switch (li.kind) {
		case LK_BLANK:
			break;
		case LK_TEXT:
			/* Text that belongs to no entry is kept as an orphan block
			 * (and so is template boilerplate, an italic line or a
			 * comment after a blank line, rather than glued onto the
			 * entry above). */
			if (in_section && seen_entry && (!s->open || (after_blank && !s->open_orphan &&
							 !s->open_level && boilerplate(t, l)))) {
				struct found f;
				memset(&f, 0, sizeof(f));
				f.kind = EK_ORPHAN;
				f.orphan = true;
				lineno += count_lines(t, counted_to, off);
				counted_to = off;
				f.line = lineno;
				f.start = off;
				f.end = f.first_next = l.next;
				s->open_level = 0;
				push(s, &f);
				break;
			}
			extend(s, l.next);
			break;
		case LK_FENCE:
			extend(s, l.next);
			break;
		case LK_LOGHEAD:
			if (s->head_only)
				return true;
			seen_head = true;
			in_section = true;
			seen_entry = false;
			s->open = false;
			break;
		case LK_HEADING:
			if (s->open && s->open_level && li.level > s->open_level) {
				extend(s, l.next); /* a sub-heading of a "## <ts>" entry */
				break;
			}
			s->open = false;
			if (li.level <= 2 && !whole)
				in_section = false;
			break;
		case LK_SKIP:
			s->open = false;
			break;
		case LK_RULE: {
			if (s->open && s->rule_block) {
				/* the "---" that closes a block continuing the entry */
				extend(s, l.next);
				s->open = s->rule_block = false;
				break;
			}
			if (s->open && !s->open_orphan && in_section && continues(t, len, l.next)) {
				/* "---" then "**Status:** ..." lines: the entry's own
				 * report, kept with it */
				extend(s, l.next);
				s->rule_block = true;
				break;
			}
			s->open = false;
			if (!in_section || l.next >= len)
				break;
			struct line l2 = line_at(t, len, l.next);
			struct line_info bi;
			memset(&bi, 0, sizeof(bi));
			if (!block_stamp(t, l2, &bi))
				break;
			/* A "---" block holding one event (timestamp:/actor:/...):
			 * the block up to its closing "---" is the entry. */
			struct found f;
			memset(&f, 0, sizeof(f));
			f.kind = EK_BLOCK;
			seen_entry = true;
			lineno += count_lines(t, counted_to, off);
			counted_to = off;
			f.line = lineno;
			f.start = off;
			f.first_next = l.next;
			f.stamp_line = l2.start;
			f.li = bi;
			size_t o = l2.next, end = l2.next;
			while (o < len) {
				struct line b = line_at(t, len, o);
				struct line_info bl;
				classify(t, b, &bl);
				/* An unclosed block must not swallow the log after it. */
				if (bl.kind == LK_ENTRY || bl.kind == LK_HEADING || bl.kind == LK_LOGHEAD)
					break;
				if (b.cend > b.start && is_rule(t + b.start, b.cend - b.start) &&
				    t[b.start] == '-') {
					end = b.next;
					o = b.next;
					break;
				}
				if (b.cend > b.start)
					end = b.next;
				o = b.next;
			}
			f.end = end;
			s->open_level = 0;
			push(s, &f);
			s->open = false;
			w.off = o;
			continue;
		}
		case LK_ENTRY: {
			struct found f;
			memset(&f, 0, sizeof(f));
			f.kind = EK_LINE;
			/* an entry above "## Log Entries" (or under another
			 * heading after it) is kept, marked as orphan text */
			f.orphan = !in_section;
			seen_entry = seen_entry || in_section;
			lineno += count_lines(t, counted_to, off);
			counted_to = off;
			f.line = lineno;
			f.start = off;
			f.end = l.next;
			f.first_next = l.next;
			f.li = li;
			s->open_level = li.level;
			push(s, &f);
			break;
		}
		}
	}
	if (!s->stopped && w.fenced_next)
		extend(s, w.fenced_next); /* a fence left open at the end */
	return seen_head;
}

/* Lenient type from the words of the message's first line. */
static enum ruru_event guess_type(const char *p, size_t n)
{
	static const struct {
		const char *word;
		enum ruru_event ev;
	} words[] = {
		{ "confirmation artifact", RURU_EV_ARTIFACT },
		{ "confirmation skipped", RURU_EV_CONFIRM_SKIP },
		{ "skipped confirmation", RURU_EV_CONFIRM_SKIP },
		{ "skip confirm", RURU_EV_CONFIRM_SKIP },
		{ "session initiated", RURU_EV_SESSION },
		{ "initiated session", RURU_EV_SESSION },
		{ "session started", RURU_EV_SESSION },
		{ "started session", RURU_EV_SESSION },
		{ "session created", RURU_EV_SESSION },
		{ "session reopened", RURU_EV_SESSION },
		{ "session resumed", RURU_EV_SESSION },
		{ "session paused", RURU_EV_SESSION },
		{ "session continued", RURU_EV_SESSION },
		{ "session completed", RURU_EV_SESSION },
		{ "session ended", RURU_EV_SESSION },
		{ "session status", RURU_EV_SESSION },
		{ "user confirmed", RURU_EV_CONFIRM_RESPONSE },
		{ "user approved", RURU_EV_CONFIRM_RESPONSE },
		{ "user denied", RURU_EV_CONFIRM_RESPONSE },
		{ "user rejected", RURU_EV_CONFIRM_RESPONSE },
		{ "delegat", RURU_EV_DELEGATION },
		{ "received result", RURU_EV_RESULT },
		{ "received the result", RURU_EV_RESULT },
		{ "received a result", RURU_EV_RESULT },
		{ "result from", RURU_EV_RESULT },
		{ "received completion", RURU_EV_RESULT },
		{ "reported completion", RURU_EV_RESULT },
		{ "attempt_completion", RURU_EV_RESULT }, /* the tool a mode reports back with */
		{ "confirmation request", RURU_EV_CONFIRM_REQUEST },
		{ "requested confirmation", RURU_EV_CONFIRM_REQUEST },
		{ "asked for confirmation", RURU_EV_CONFIRM_REQUEST },
		{ "result", RURU_EV_RESULT },
		{ "created artifact", RURU_EV_ARTIFACT },
		{ "artifact created", RURU_EV_ARTIFACT },
		{ "saved artifact", RURU_EV_ARTIFACT },
		{ "artifact saved", RURU_EV_ARTIFACT },
		{ "new artifact", RURU_EV_ARTIFACT },
		{ "artifact:", RURU_EV_ARTIFACT },
		{ "error:", RURU_EV_ERROR },
		{ "error encountered", RURU_EV_ERROR },
		{ "failed", RURU_EV_ERROR },
		{ "decision", RURU_EV_DECISION },
		{ "decided", RURU_EV_DECISION },
		{ "prompt", RURU_EV_PROMPT },
		{ "user request", RURU_EV_PROMPT },
		{ "user response", RURU_EV_RESPONSE },
		{ "user replied", RURU_EV_RESPONSE },
		{ "user answered", RURU_EV_RESPONSE },
	};
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (size_t i = 0; i < n; i++) {
			size_t k = strlen(words[w].word);
			if (to_lower((unsigned char)p[i]) != words[w].word[0] || !starts_ci(p + i, n - i, words[w].word))
				continue;
			/* the bare word "result" only as a label ("Result: Success")
			 * or the first word: not "results", "hpo_results", "test
			 * result anomalies" */
			if (words[w].ev == RURU_EV_RESULT && k == 6 && i &&
			    !(!is_alpha((unsigned char)p[i - 1]) && p[i - 1] != '_' &&
			      (starts(p + i + k, n - i - k, ":") || starts(p + i + k, n - i - k, "**:"))))
				continue;
			return words[w].ev;
		}
	return RURU_EV_UNKNOWN;
}


/* ------------------------------------------------ fields named in prose */

/*
 * The templates of V5 to V7 have agents write entries in prose:
 *   Delegated task `TASK-ARCH-20250531-013000` to `core-architect`: ...
 *   Received result from `core-architect` for task `TASK-...`: ... Status: Done.
 *   Delegated task to prime-txt: ...        Received result from prime-txt: Success
 *   [Roo Commander] ERROR: Delegation of task ... failed
 * and real logs add "**Mode:** dev-react" lines or a YAML or bullet block
 * ("mode: x", "task_id: TASK-...") under the entry.  These functions take
 * the mode, the task, the outcome and the level from those words; every
 * field so taken is marked in fields_inferred.
 */

static bool slug_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

/* Find a lowercase literal in p[0..n), any case; offset or n. */
static size_t find_ci(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	for (size_t i = 0; i + k <= n; i++)
		if (to_lower((unsigned char)p[i]) == (unsigned char)lit[0] && starts_ci(p + i, n - i, lit))
			return i;
	return n;
}

/* A mode slug at p[0..n) after blanks: "`core-architect`", "prime-txt:",
 * "@dev-react"; an unquoted word counts only when it holds a '-' or ends
 * at a ':' (so "to the user" names no mode).  [*s, *s + *len). */
static bool read_slug(const char *p, size_t n, size_t *s, size_t *len)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	char q = i < n && (p[i] == '`' || p[i] == '\'') ? p[i] : 0;
	bool quoted = q != 0;
	if (quoted)
		i++;
	if (i < n && p[i] == '@')
		i++;
	size_t b = i;
	while (i < n && slug_char((unsigned char)p[i]))
		i++;
	size_t e = i;
	while (e > b && (p[e - 1] == '.' || p[e - 1] == '-' || p[e - 1] == '_'))
		e--;
	if (e == b || !is_alpha((unsigned char)p[b]))
		return false;
	static const char *const words[] = { "mode", "the", "a", "an", "task", "user", "agent" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (e - b == strlen(words[w]) && starts_ci(p + b, e - b, words[w])) {
			if (w == 0) /* "to mode `x`" */
				return read_slug(p + i, n - i, s, len) && (*s += i, true);
			return false;
		}
	if (quoted ? !(i < n && p[i] == q)
		   : !(memchr(p + b, '-', e - b) || (i < n && p[i] == ':')))
		return false;
	*s = b;
	*len = e - b;
	return true;
}

/* The first code span of p[0..n) that is a mode slug: lowercase letters,
 * digits and '-', with a '-' ("`dev-python`"; not a path, file or task). */
static bool code_slug(const char *p, size_t n, size_t *s, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '`')
			continue;
		size_t b = i + 1, e = b;
		bool dash = false, ok = b < n && p[b] >= 'a' && p[b] <= 'z';
		while (e < n && p[e] != '`') {
			char c = p[e];
			dash |= c == '-';
			ok = ok && ((c >= 'a' && c <= 'z') || is_digit((unsigned char)c) || c == '-');
			e++;
		}
		if (e == n)
			return false;
		if (ok && dash && e - b <= 48) {
			*s = b;
			*len = e - b;
			return true;
		}
		i = e;
	}
	return false;
}

/* The first MDTM task ID in p[0..n): "TASK-" and letters, digits, '-'
 * or '_', with a digit among them (so "[TASK-ID]" is not one). */
static bool read_task(const char *p, size_t n, size_t *s, size_t *len)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (memcmp(p + i, "TASK-", 5) || (i && slug_char((unsigned char)p[i - 1])))
			continue;
		size_t e = i + 5;
		bool digit = false;
		while (e < n && (is_alpha((unsigned char)p[e]) || is_digit((unsigned char)p[e]) ||
				 p[e] == '-' || p[e] == '_')) {
			digit |= is_digit((unsigned char)p[e]);
			e++;
		}
		while (e > i + 5 && (p[e - 1] == '-' || p[e - 1] == '_'))
			e--;
		if (digit && e > i + 5) {
			*s = i;
			*len = e - i;
			return true;
		}
		i = e;
	}
	return false;
}

/*
 * Entries that report on one MDTM task without the templates' verbs:
 *   Created MDTM task `TASK-ARCH-250528160300-ImplPlan.md` for `core-architect` ...
 *   dev-python: Completed TASK-DEVPY-20250529-214700-APIDocFix - ...
 *   Task TASK-PTXT-250528120230 (...) completed by prime-txt.
 *   Verified completion of Task 6.2 ([`.ruru/tasks/DEV_PYTHON/TASK-....md`](...))
 * A first line that names a task and creates it is a delegation; one that
 * names a task and says it is complete is a result.  A line with no task
 * ID, or one that also delegates (read by the words above), is left to
 * them.
 */
/* The word at p[0..n) after blanks and wrappers: its length, 0 for none. */
static size_t next_word(const char *p, size_t n, size_t *at)
{
	size_t i = *at;
	while (i < n && (p[i] == ' ' || p[i] == '`' || p[i] == '*' || p[i] == '['))
		i++;
	size_t b = i;
	while (i < n && is_alpha((unsigned char)p[i]))
		i++;
	*at = i;
	return i - b;
}

/* "Created MDTM task", "Created new MDTM task", "Created MDTM assessment
 * task", "Created task": a creation of the task before p + n. */
static bool creates_task(const char *p, size_t n)
{
	for (size_t c = find_ci(p, n, "creat"); c < n; c += 5 + find_ci(p + c + 5, n - c - 5, "creat")) {
		size_t at = c, k;
		next_word(p, n, &at); /* "Created" */
		for (int w = 0; w < 3 && (k = next_word(p, n, &at)) > 0; w++) {
			const char *word = p + at - k;
			if ((k == 4 && starts_ci(word, k, "task")) || (k == 4 && starts_ci(word, k, "mdtm")))
				return true;
			/* "new MDTM task", "MDTM bug task": one more word at most */
			if (!(w == 0 && ((k == 3 && starts_ci(word, k, "new")) || (k == 4 && starts_ci(word, k, "mdtm")))))
				break;
		}
	}
	return false;
}

static enum ruru_event task_report_type(const char *p, size_t n)
{
	size_t s, k;
	if (!read_task(p, n, &s, &k) || find_ci(p, n, "delegat") < n)
		return RURU_EV_UNKNOWN;
	size_t done = n;
	static const char *const said[] = { "completed", "complete", "completion of", "finished" };
	for (size_t w = 0; w < sizeof(said) / sizeof(said[0]); w++) {
		size_t at = find_ci(p, n, said[w]);
		if (at < done)
			done = at;
	}
	if (creates_task(p, done) || find_ci(p, done, "assign") < done ||
	    find_ci(p, done, "handed off") < done || find_ci(p, done, "handing off") < done)
		return RURU_EV_DELEGATION;
	if (done < n)
		return RURU_EV_RESULT;
	/* "Updated MDTM task `TASK-...` and set status to "🟢 Done"" */
	size_t st = find_ci(p, n, "status to");
	if (st < n && find_ci(p + st, n - st, "done") < n - st)
		return RURU_EV_RESULT;
	return RURU_EV_UNKNOWN;
}

/* Whether p[0..n) names one MDTM task and no other (the same ID may come
 * back, as in a link's text and its path). */
static bool one_task(const char *p, size_t n, size_t *s, size_t *len)
{
	if (!read_task(p, n, s, len))
		return false;
	size_t o = *s + *len, s2, k2;
	while (o < n && read_task(p + o, n - o, &s2, &k2)) {
		if (k2 != *len || memcmp(p + o + s2, p + *s, *len))
			return false;
		o += s2 + k2;
	}
	return true;
}

/* The mode that reports a task done, named before the verb:
 * "dev-python: Completed ...", "`core-architect` completed ...",
 * "[dev-python] Completed ...", or after it: "... completed by prime-txt". */
static bool reporter(const char *p, size_t n, size_t *s, size_t *len)
{
	size_t by = find_ci(p, n, " by ");
	size_t c = find_ci(p, n, "complet");
	if (c < n && by < n && by > c && read_slug(p + by + 4, n - by - 4, s, len)) {
		size_t sp = by + 4 + *s + *len;
		/* "completed by prime-txt." names it; "by the" does not */
		if (sp >= n || p[sp] == '.' || p[sp] == ',' || p[sp] == ' ' || p[sp] == ':' ||
		    p[sp] == '`' || p[sp] == '\'')
			return *s += by + 4, true;
	}
	size_t i = 0;
	const char *close = "";
	if (starts(p, n, "**"))
		close = "**", i = 2;
	else if (i < n && (p[i] == '[' || p[i] == '`' || p[i] == '('))
		close = p[i] == '[' ? "]" : p[i] == '(' ? ")" : "`", i++;
	size_t b = i;
	while (i < n && slug_char((unsigned char)p[i]))
		i++;
	size_t e = i;
	if (e == b || !is_alpha((unsigned char)p[b]) || !memchr(p + b, '-', e - b))
		return false;
	if (i < n && p[i] == ':' && *close == '*')
		i++; /* "**design-diagramer:**" */
	if (*close) {
		if (!starts(p + i, n - i, close))
			return false;
		i += strlen(close);
	}
	if (i < n && p[i] == ':')
		i++;
	while (i < n && p[i] == ' ')
		i++;
	if (!starts_ci(p + i, n - i, "complet") && !starts_ci(p + i, n - i, "finished") &&
	    !starts_ci(p + i, n - i, "reported"))
		return false;
	*s = b;
	*len = e - b;
	return true;
}

static void set_inferred(struct ruru_entry *e, enum ruru_field f, const char *p, size_t n)
{
	char **slot = field_slot(e, f);
	if (*slot || !n)
		return;
	*slot = dup_mem(p, n);
	e->fields_inferred |= 1u << f;
}

/* "key: value" in a YAML or bullet block under the entry: optional
 * indent, "- ", "**"; the key (any case); ':' inside or after the bold.
 * Offset of the value in l[0..n), or n when the line is not that key. */
static size_t block_key(const char *l, size_t n, const char *key)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i + 1 < n && (l[i] == '-' || l[i] == '*') && l[i + 1] == ' ')
		i += 2;
	if (starts(l + i, n - i, "**"))
		i += 2;
	if (!starts_ci(l + i, n - i, key))
		return n;
	i += strlen(key);
	if (starts(l + i, n - i, "**:")) {
		i += 3;
	} else if (starts(l + i, n - i, ":**")) {
		i += 3;
	} else if (i < n && l[i] == ':') {
		i++;
	} else {
		return n;
	}
	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '"' || l[i] == '\''))
		i++;
	return i;
}

/* Does p (n bytes) hold one of the NULL-ended words, in any case? */
static bool says_any(const char *p, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (find_ci(p, n, *words) < n)
			return true;
	return false;
}

/* Words that say a step succeeded or failed. */
static bool says_failure(const char *p, size_t n)
{
	static const char *const w[] = { "fail", "unsuccessful", "\xE2\x9D\x8C", "status: blocked",
					 "status: error", "could not", "unable to", NULL };
	return says_any(p, n, w);
}

static bool says_success(const char *p, size_t n)
{
	static const char *const w[] = { "success", "\xE2\x9C\x85", "status: done", "status: complete",
					 "completed", "status: resolved", "status: review", NULL };
	return says_any(p, n, w);
}

/* "[Roo Commander] ERROR: ...", "ERROR: ...", "❌ Error ...": the level is
 * error whatever verb follows. */
static bool says_error_level(const char *p, size_t n)
{
	size_t i = 0;
	if (n && p[0] == '[') {
		const char *rb = memchr(p, ']', n);
		if (rb)
			i = (size_t)(rb - p) + 1;
	}
	while (i < n && (p[i] == ' ' || p[i] == '*' || p[i] == '`'))
		i++;
	if (starts(p + i, n - i, "\xE2\x9D\x8C")) /* ❌ */
		return true;
	if (starts(p + i, n - i, "ERROR") && (i + 5 == n || !is_alpha((unsigned char)p[i + 5])))
		return true;
	return starts_ci(p + i, n - i, "error:") || starts_ci(p + i, n - i, "error encountered");
}

/* The words of the line at `lead` (first_len long; the first line, or a
 * "---" block's details) name the type and fields; key lines anywhere in
 * the message name fields too. */
static void infer_fields(struct ruru_entry *e, size_t lead, size_t first_len)
{
	const char *wm = e->message ? e->message : "";
	size_t wn = e->message_len;
	if (lead > wn)
		lead = wn;
	const char *m = wm + lead;
	size_t n = wn - lead, f1 = first_len < n ? first_len : n;
	size_t s, k;
	if (says_error_level(m, f1) && e->type != RURU_EV_ERROR &&
	    (e->type_inferred || e->type == RURU_EV_UNKNOWN)) {
		e->type = RURU_EV_ERROR;
		e->type_inferred = true;
	}
	/* The mode from the first line's verb. */
	size_t at = n;
	if (e->type == RURU_EV_DELEGATION) {
		size_t d = find_ci(m, f1, "delegat");
		size_t to = d < f1 ? find_ci(m + d, f1 - d, " to ") : f1;
		if (d < f1 && d + to < f1)
			at = d + to + 4;
	} else if (e->type == RURU_EV_RESULT || e->type == RURU_EV_ERROR) {
		size_t fr = find_ci(m, f1, " from ");
		if (fr < f1)
			at = fr + 6;
	}
	if (at < f1 && read_slug(m + at, f1 - at, &s, &k))
		set_inferred(e, RURU_FIELD_MODE, m + at + s, k);
	else if (e->type == RURU_EV_RESULT && code_slug(m, f1, &s, &k))
		/* "`lead-qa` reported completion of task ..." */
		set_inferred(e, RURU_FIELD_MODE, m + s, k);
	if (e->type == RURU_EV_DELEGATION && !e->mode) {
		/* "Created MDTM task `TASK-...` for `core-architect` to ...",
		 * "... and assigned to `dev-fixer`", "Assigned TASK-... to
		 * `dev-react`", "Handed off TASK-... to dev-react:" */
		size_t as = find_ci(m, f1, "assign");
		if (as == f1)
			as = find_ci(m, f1, "handed off");
		if (as == f1)
			as = find_ci(m, f1, "handing off");
		size_t to_at = as < f1 ? find_ci(m + as, f1 - as, " to ") : f1;
		if (as < f1 && to_at < f1 - as && read_slug(m + as + to_at + 4, f1 - as - to_at - 4, &s, &k))
			set_inferred(e, RURU_FIELD_MODE, m + as + to_at + 4 + s, k);
		static const char *const to[] = { " assigned to ", " for " };
		for (size_t w = 0; w < 2 && !e->mode; w++) {
			size_t kw = strlen(to[w]);
			for (size_t o = find_ci(m, f1, to[w]); o < f1; o += kw + find_ci(m + o + kw, f1 - o - kw, to[w]))
				if (read_slug(m + o + kw, f1 - o - kw, &s, &k)) {
					set_inferred(e, RURU_FIELD_MODE, m + o + kw + s, k);
					break;
				}
		}
	}
	if (e->type == RURU_EV_RESULT && !e->mode && reporter(m, f1, &s, &k))
		set_inferred(e, RURU_FIELD_MODE, m + s, k);
	bool about_task = e->type == RURU_EV_DELEGATION || e->type == RURU_EV_RESULT ||
			  e->type == RURU_EV_ERROR;
	if (about_task && read_task(m, f1, &s, &k))
		set_inferred(e, RURU_FIELD_TASK, m + s, k);
	else if (!about_task && one_task(m, f1, &s, &k))
		/* a note on one task ("`dev-fixer`: Updated MDTM task ...") */
		set_inferred(e, RURU_FIELD_TASK, m + s, k);
	/* "**Mode:** x", "mode: x", "task_id: TASK-..." lines under it. */
	bool block_ok = false;
	for (size_t o = 0; o < wn;) {
		const char *nl = memchr(wm + o, '\n', wn - o);
		size_t le = nl ? (size_t)(nl - wm) : wn, ln = le - o;
		const char *l = wm + o;
		size_t v;
		/* the keys models write (and MDTM's own assigned_to) */
		static const char *const mode_keys[] = { "mode", "target mode", "target_mode",
							 "assigned to", "assigned_to", "delegated to",
							 "delegated_to" };
		static const char *const task_keys[] = { "task_id", "task id", "task", "mdtm task",
							 "task file", "mdtm task file" };
		v = ln;
		for (size_t kk = 0; kk < sizeof(mode_keys) / sizeof(mode_keys[0]) && v == ln; kk++)
			v = block_key(l, ln, mode_keys[kk]);
		if (v < ln) {
			/* after a key, a bare word is a slug too ("mode: architect") */
			size_t w = 0;
			while (v + w < ln && slug_char((unsigned char)l[v + w]))
				w++;
			if (read_slug(l + v, ln - v, &s, &k))
				set_inferred(e, RURU_FIELD_MODE, l + v + s, k);
			else if (w && is_alpha((unsigned char)l[v]))
				set_inferred(e, RURU_FIELD_MODE, l + v, w);
		}
		v = ln;
		for (size_t kk = 0; kk < sizeof(task_keys) / sizeof(task_keys[0]) && v == ln; kk++)
			v = block_key(l, ln, task_keys[kk]);
		if (v < ln) {
			if (read_task(l + v, ln - v, &s, &k))
				set_inferred(e, RURU_FIELD_TASK, l + v + s, k);
		}
		if ((v = block_key(l, ln, "status")) < ln || (v = block_key(l, ln, "outcome")) < ln)
			block_ok = block_ok || (says_success(l, ln) && !says_failure(l, ln));
		o = nl ? le + 1 : wn;
	}
	/* The outcome: of a result from its words; of any other entry but a
	 * delegation or error only a plain success ("Successfully ...",
	 * "✅ Complete"). */
	if (e->type == RURU_EV_RESULT) {
		if (says_failure(m, f1))
			set_inferred(e, RURU_FIELD_OUTCOME, "failure", 7);
		else if (says_success(m, n) || block_ok)
			set_inferred(e, RURU_FIELD_OUTCOME, "success", 7);
	} else if (e->type != RURU_EV_DELEGATION && e->type != RURU_EV_ERROR &&
		   e->type != RURU_EV_CONFIRM_RESPONSE && !says_failure(m, f1) &&
		   (find_ci(m, f1, "successfully") < f1 || starts(m, f1, "\xE2\x9C\x85") || block_ok)) {
		set_inferred(e, RURU_FIELD_OUTCOME, "success", 7);
	}
}

/* Append a lenient line (trailing blanks dropped) to a message. */
static void add_trimmed(struct ruru_buf *b, const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	ruru_buf_add(b, p, n);
}

/* Orphan text: its lines, as they are (trailing blanks dropped). */
static void orphan_entry(const char *t, size_t len, const struct found *f, struct ruru_entry *e)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	memset(e, 0, sizeof(*e));
	e->type = RURU_EV_UNKNOWN;
	e->orphan = true;
	e->line = f->line;
	e->start = f->start;
	e->end = f->end;
	for (size_t o = f->start; o < f->end;) {
		struct line c = line_at(t, len, o);
		if (o > f->start)
			ruru_buf_addch(&msg, '\n');
		add_trimmed(&msg, t + c.start, c.cend - c.start);
		o = c.next;
	}
	while (msg.len && msg.ptr[msg.len - 1] == '\n')
		msg.len--;
	if (msg.ptr)
		msg.ptr[msg.len] = '\0';
	e->message = ruru_buf_detach(&msg, &e->message_len);
}

/* A "---" block (timestamp:, actor:, event_type:, details: | ...) says
 * what happened in its details: the line read as the block's first is
 * that value's first line ("details: |" then "  Received completion
 * signal from `dev-python` for MDTM task ..."), when there is one. */
static void block_lead(const char *m, size_t n, size_t *lead, size_t *first_len)
{
	static const char *const keys[] = { "details:", "description:", "message:", "summary:" };
	for (size_t o = 0; o < n;) {
		const char *nl = memchr(m + o, '\n', n - o);
		size_t le = nl ? (size_t)(nl - m) : n;
		for (size_t w = 0; w < sizeof(keys) / sizeof(keys[0]); w++) {
			if (!starts_ci(m + o, le - o, keys[w]))
				continue;
			size_t v = o + strlen(keys[w]);
			while (v < le && (m[v] == ' ' || m[v] == '\t'))
				v++;
			if (v < le && m[v] != '|' && m[v] != '>') {
				*lead = v; /* "details: Received result from ..." */
				*first_len = le - v;
				return;
			}
			if (le >= n)
				return;
			size_t b = le + 1; /* "details: |": the next line */
			const char *nl2 = memchr(m + b, '\n', n - b);
			size_t e2 = nl2 ? (size_t)(nl2 - m) : n;
			while (b < e2 && (m[b] == ' ' || m[b] == '\t'))
				b++;
			if (b < e2) {
				*lead = b;
				*first_len = e2 - b;
			}
			return;
		}
		o = nl ? le + 1 : n;
	}
}

static void lenient_entry(const char *t, size_t len, const struct found *f, struct ruru_entry *e)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	if (f->kind == EK_ORPHAN) {
		orphan_entry(t, len, f, e);
		return;
	}
	memset(e, 0, sizeof(*e));
	e->stamp = dup_mem(t + f->li.stamp, f->li.stamp_len);
	e->when = f->li.st.when;
	e->when_valid = true;
	e->has_zone = f->li.st.has_zone;
	e->line = f->line;
	e->start = f->start;
	e->end = f->end;
	size_t first_len = 0;
	if (f->kind == EK_LINE) {
		struct line l = line_at(t, len, f->start);
		size_t m = f->li.msg;
		size_t before = msg.len;
		if (f->li.bold_open) {
			/* "**2025-05-13T05:55:10Z Prime Coordinator:** text": drop the
			 * "**" that closes the bold opened before the stamp. */
			const char *q = m < l.cend ? memmem(t + m, l.cend - m, "**", 2) : NULL;
			if (q) {
				ruru_buf_add(&msg, t + m, (size_t)(q - t) - m);
				m = (size_t)(q - t) + 2;
			}
		}
		add_trimmed(&msg, t + m, l.cend > m ? l.cend - m : 0);
		first_len = msg.len - before;
		for (size_t o = f->first_next; o < f->end;) {
			struct line c = line_at(t, len, o);
			ruru_buf_addch(&msg, '\n');
			add_trimmed(&msg, t + c.start, c.cend - c.start);
			o = c.next;
		}
	} else {
		bool first = true;
		for (size_t o = f->first_next; o < f->end;) {
			struct line c = line_at(t, len, o);
			o = c.next;
			if (c.start == f->stamp_line)
				continue;
			if (o >= f->end && c.cend > c.start && is_rule(t + c.start, c.cend - c.start))
				break; /* the closing "---" */
			if (!first)
				ruru_buf_addch(&msg, '\n');
			size_t before = msg.len;
			add_trimmed(&msg, t + c.start, c.cend - c.start);
			if (first)
				first_len = msg.len - before;
			first = false;
		}
	}
	while (msg.len && msg.ptr[msg.len - 1] == '\n')
		msg.len--;
	msg.ptr[msg.len] = '\0';
	/* A ruru entry spoilt by a hand edit still names its type. */
	const char *close = msg.len > 4 && starts(msg.ptr, msg.len, "**") ? strstr(msg.ptr + 2, "**") : NULL;
	char name[24];
	if (close && (size_t)(close - msg.ptr) - 2 < sizeof(name)) {
		size_t k = (size_t)(close - msg.ptr) - 2;
		memcpy(name, msg.ptr + 2, k);
		name[k] = '\0';
		e->type = ruru_event_parse(name);
	} else {
		e->type = RURU_EV_UNKNOWN;
	}
	size_t lead = 0;
	if (f->kind == EK_BLOCK)
		block_lead(msg.ptr, msg.len, &lead, &first_len);
	if (e->type == RURU_EV_UNKNOWN) {
		size_t f1 = first_len < msg.len - lead ? first_len : msg.len - lead;
		e->type = task_report_type(msg.ptr + lead, f1);
		if (e->type == RURU_EV_UNKNOWN)
			e->type = guess_type(msg.ptr + lead, f1);
		e->type_inferred = e->type != RURU_EV_UNKNOWN;
	}
	e->message = ruru_buf_detach(&msg, &e->message_len);
	infer_fields(e, lead, first_len);
}

/* The line ending a body uses: that of its first line break (a body ruru
 * made starts with a blank line or a heading, never with a message). */
const char *ruru_log_eol(const char *text, size_t len, size_t body)
{
	const char *nl = body < len ? memchr(text + body, '\n', len - body) : NULL;
	if (!nl)
		nl = memchr(text, '\n', len);
	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

static void run_scan(struct scan *s, size_t body)
{
	if (!scan_body(s, body, false)) {
		/* No "## Log Entries" heading (pre-V5 "**Log Entries:**"
		 * paragraph): the whole body is the log. */
		s->n = s->count = 0;
		s->open = s->open_orphan = s->rule_block = s->after_blank = false;
		scan_body(s, body, true);
	}
}

/* Read found entry i of the scan into *e (strictly when it is ruru's). */
static void read_found(const char *text, size_t len, bool crlf, const struct found *f,
		       struct ruru_entry *e)
{
	size_t used;
	if (f->kind == EK_LINE && f->li.level == 0 &&
	    entry_strict_parse(text + f->start, f->end - f->start, crlf, e, &used) &&
	    used == f->end - f->start) {
		e->line = f->line;
		e->start = f->start;
		e->end = f->end;
		e->orphan = f->orphan;
		return;
	}
	ruru_entry_release(e);
	lenient_entry(text, len, f, e);
	e->orphan = f->orphan;
}

static void emit_pending(struct scan *s)
{
	if (s->stopped || !s->n)
		return;
	struct ruru_entry e;
	memset(&e, 0, sizeof(e));
	read_found(s->t, s->len, s->crlf, &s->v[0], &e);
	s->stopped = s->fn(s->ctx, &e) != 0;
	ruru_entry_release(&e);
	if (!s->stopped)
		s->emitted++;
}

size_t ruru_entries_each(const char *text, size_t len, size_t body, ruru_entry_fn fn, void *ctx)
{
	if (body > len)
		body = len;
	/* Entries are handed on as the scan finds them, so whether the body
	 * has a "## Log Entries" heading (else the whole body is the log) is
	 * asked first, by a scan that stops at the first one. */
	struct scan h;
	memset(&h, 0, sizeof(h));
	h.t = text;
	h.len = len;
	h.head_only = true;
	bool whole = !scan_body(&h, body, false);
	struct scan s;
	memset(&s, 0, sizeof(s));
	s.t = text;
	s.len = len;
	s.store = true;
	s.orphans = true;
	s.fn = fn;
	s.ctx = ctx;
	s.crlf = strcmp(ruru_log_eol(text, len, body), "\r\n") == 0;
	scan_body(&s, body, whole);
	emit_pending(&s);
	free(s.v);
	return s.emitted;
}

size_t ruru_entries_parse_with(const char *text, size_t len, size_t body, unsigned flags,
				struct ruru_entry **out)
{
	struct scan s;
	memset(&s, 0, sizeof(s));
	s.t = text;
	s.len = len;
	s.store = true;
	s.orphans = flags & RURU_ENTRIES_ORPHANS;
	*out = NULL;
	if (body > len)
		body = len;
	run_scan(&s, body);
	if (!s.n) {
		free(s.v);
		return 0;
	}
	bool crlf = strcmp(ruru_log_eol(text, len, body), "\r\n") == 0;
	struct ruru_entry *v = calloc(s.n, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < s.n; i++)
		read_found(text, len, crlf, &s.v[i], &v[i]);
	free(s.v);
	*out = v;
	return s.n;
}

size_t ruru_entries_parse(const char *text, size_t len, size_t body, struct ruru_entry **out)
{
	return ruru_entries_parse_with(text, len, body, 0, out);
}

size_t ruru_entries_count(const char *text, size_t len, size_t body)
{
	struct scan s;
	memset(&s, 0, sizeof(s));
	s.t = text;
	s.len = len;
	if (body > len)
		body = len;
	run_scan(&s, body);
	return s.count;
}

/* --------------------------------------------------------- where to append */

bool ruru_entries_append_point(const char *text, size_t len, size_t body, size_t *at,
			       bool *needs_newline, const char **eol)
{
	bool found = false, in_section = false;
	size_t last_content = 0, section_end = len;
	struct fence_walk w = fence_walk_at(text, len, body);
	struct line l;
	struct line_info li;
	*eol = ruru_log_eol(text, len, w.off);
	/* Only headings and fences can change the answer; entries are not
	 * parsed. */
	while (outside_next(&w, &l, &li)) {
		if (w.fenced_next)
			last_content = w.fenced_next;
		if (li.kind == LK_BLANK)
			continue;
		if (li.kind == LK_LOGHEAD) {
			found = in_section = true;
			section_end = len;
		} else if (li.kind == LK_HEADING && li.level <= 2 && in_section) {
			in_section = false;
			section_end = last_content;
		}
		if (in_section)
			last_content = l.next;
	}
	if (!found)
		return false;
	*at = in_section ? len : section_end;
	*needs_newline = *at > 0 && text[*at - 1] != '\n';
	return true;
}

/* ------------------------------------------------------------ goal text */

bool ruru_body_goal(const char *text, size_t len, size_t body, size_t *start, size_t *end)
{
	bool in_goal = false;
	size_t gs = 0, ge = 0;
	struct fence_walk w = fence_walk_at(text, len, body);
	struct line l;
	struct line_info li;
	while (outside_next(&w, &l, &li)) {
		if (in_goal && w.fenced_end)
			ge = w.fenced_end; /* a fence's lines are the goal's text */
		if (w.cut != NO_FENCE)
			break; /* an entry of ruru's: the goal ended long before */
		if ((li.kind == LK_HEADING || li.kind == LK_LOGHEAD) && li.level <= 2) {
			if (in_goal)
				break;
			size_t p = l.start + (size_t)li.level;
			while (p < l.cend && (text[p] == ' ' || text[p] == '\t'))
				p++;
			if (li.level == 2 && starts_ci(text + p, l.cend - p, "goal")) {
				size_t q = p + 4;
				while (q < l.cend && (text[q] == ' ' || text[q] == ':' || text[q] == '#'))
					q++;
				if (q == l.cend) {
					in_goal = true;
					gs = ge = l.next;
					continue;
				}
			}
		}
		if (in_goal && l.cend > l.start) {
			if (ge == gs)
				gs = l.start; /* skip blank lines after the heading */
			ge = l.cend;
		}
	}
	if (in_goal && w.fenced_end)
		ge = w.fenced_end; /* a goal that ends inside an unclosed fence */
	if (!in_goal)
		return false;
	*start = gs;
	*end = ge;
	return true;
}

/* ------------------------------------- unclosed fences, placeholders, headings */

/* What body_offsets looks for outside fences. */
enum body_pick {
	PICK_UNCLOSED_FENCE, /* a fence a ruru entry line cut short: where it opened */
	PICK_PLACEHOLDER,    /* a template placeholder line (what the reader skips) */
	PICK_LOG_HEADING,    /* a "## Log Entries" heading */
};

/* Counts what pick names in the body of text (from body on), outside
 * fences, and puts the offsets of the first max of them in offs. */
static size_t body_offsets(const char *text, size_t len, size_t body, enum body_pick pick,
			   size_t *offs, size_t max)
{
	size_t found = 0;
	struct fence_walk w = fence_walk_at(text, len, body);
	struct line l;
	struct line_info li;
	for (bool more = true; more;) {
		more = outside_next(&w, &l, &li);
		size_t at = NO_FENCE;
		if (pick == PICK_UNCLOSED_FENCE) {
			/* the last call, which finds no line, can still cut a fence */
			at = w.cut;
		} else if (more) {
			if (pick == PICK_PLACEHOLDER && li.kind == LK_TEXT)
				classify(text, l, &li);
			if (li.kind == (pick == PICK_PLACEHOLDER ? LK_SKIP : LK_LOGHEAD))
				at = l.start;
		}
		if (at != NO_FENCE) {
			if (found < max)
				offs[found] = at;
			found++;
		}
	}
	return found;
}

size_t ruru_body_unclosed_fences(const char *text, size_t len, size_t body, size_t *offs,
				 size_t max)
{
	return body_offsets(text, len, body, PICK_UNCLOSED_FENCE, offs, max);
}

size_t ruru_body_placeholders(const char *text, size_t len, size_t body, size_t *offs, size_t max)
{
	return body_offsets(text, len, body, PICK_PLACEHOLDER, offs, max);
}

size_t ruru_body_log_headings(const char *text, size_t len, size_t body, size_t *offs, size_t max)
{
	return body_offsets(text, len, body, PICK_LOG_HEADING, offs, max);
}
