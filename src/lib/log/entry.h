/*
 * entry.h — the Markdown body of a session log: rendering entries in ruru's
 * format, reading entries back (strictly for ruru's own, leniently for the
 * drift of real logs), timestamps, and where the next entry goes.
 *
 * Pure functions over byte ranges: no I/O here.
 */
#ifndef RURU_ENTRY_H
#define RURU_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "ruru.h"
#include "timestamp.h"

/*
 * ruru's entry format (doc/design.md §2), one entry:
 *
 *   - [STAMP] **TYPE**[ · KEY `VALUE`]...[: FIRST LINE OF MESSAGE]EOL
 *     NEXT LINE OF MESSAGE EOL            (each further line, indented by 2)
 *
 * STAMP is "YYYY-MM-DD HH:MM:SS" then "Z" or "±HH:MM"; TYPE a lowercase
 * event name ([a-z][a-z0-9-]*); the fields come in the fixed order mode,
 * task, artifact, adr, outcome, source, each at most once, separated by
 * " · " (U+00B7); ": " and the message's first line follow only when the
 * message is non-empty; an empty message line is exactly two spaces.  The
 * message is everything after that first ": " and may hold any bytes.
 */

/*
 * Render one entry onto `out`, ending with `eol` ("\n" or "\r\n"; NULL
 * means "\n").  Uses e->stamp when set (it must then be a stamp in the form
 * above), else formats e->when; the type is ruru_event_name(e->type), or
 * e->type_name when the type is RURU_EV_UNKNOWN, or "note" when neither is
 * set.  NULL fields are left out.  Field values must not hold a backtick,
 * CR or LF: check with ruru_entry_field_ok() (which also refuses NULL and
 * "") first.
 */
void ruru_entry_render(struct ruru_buf *out, const struct ruru_entry *e, const char *eol);
bool ruru_entry_field_ok(const char *value);
/* A copy of an entry whose strings are its own (release it with
 * ruru_entry_release()). */
void ruru_entry_copy(struct ruru_entry *dst, const struct ruru_entry *src);
/* Render an entry to write, stamped `when` (same format). */
void entry_render_input(struct ruru_buf *out, const struct ruru_log_input *in, time_t when,
			const char *eol);
/* Check an entry to write: the text rule (ruru_text_check) for the
 * message and the fields, a known type, fields that ruru_entry_field_ok
 * accepts, an outcome of RURU_VOCAB_OUTCOME.  An error with err->arg
 * naming the field otherwise. */
int entry_input_check(const struct ruru_log_input *in, struct ruru_error *err);

/*
 * Parse the entries of a log.  `text` is the whole file (front matter
 * included) and `body` the offset where the Markdown body starts, so that
 * line numbers and spans refer to the file.  Entries are taken from the
 * "## Log Entries" section(s) (or, when a log has no such heading outside a
 * fenced block, from the whole body), in file order.  Only lines at column 0
 * are looked at.  A section runs to the next heading of level 1 or 2 that
 * is not itself an entry.
 *
 * An entry starts at a line with a timestamp (see ruru_time_parse; a time
 * of day is required, compact all-digit stamps only inside brackets):
 * "- [ts] ...", "* [ts]", "*   `[ts]` ...", "- **[ts]** ...", "**[ts]** ...",
 * "- **ts** - ...", "**ts actor:** ...", "- ts - ...", "ts - ...",
 * "[ts] ...", "[YYMMDDHHMMSS] ...", "- [ ] **ts** ..." (task-list box),
 * "### [ts] ..." and "## ts - ..." headings; and a "---" line followed by a
 * "timestamp: ts" (or "**Timestamp:** ts") line, which makes the block up
 * to the closing "---" one entry.  Everything after an entry line up to the
 * next entry, heading (a deeper heading stays inside a heading entry),
 * "---" rule or placeholder line belongs to that entry: indented sub-lists,
 * paragraphs, text at column 0, fenced blocks (whose lines are never
 * entries or headings, except a line in ruru's own entry form, which ends
 * an unclosed fence: see ruru_body_unclosed_fences()).  Blank lines at the end of an entry are not part of
 * it.  Placeholder stamps ("[YYYY-MM-DD HH:MM:SS]", "[\{{timestamp}}]")
 * and template lines commented out as "# - [...]" are not entries.
 *
 * Each entry is first read in ruru's format (e->strict, fields, type_name);
 * otherwise leniently: type from a leading "**<event name>**" (a ruru entry
 * spoilt by a hand edit) or guessed from the words of the first line
 * ("Session initiated" → session, "Delegated" → delegation, ...) or
 * RURU_EV_UNKNOWN, type_name and fields NULL, message = the text after the
 * stamp and its separators (" - ", ": ") with the following lines joined by
 * "\n" (indentation kept, trailing blanks and CRs dropped).
 * The body's line ending (strict reading) is that of its first line break.
 *
 * Returns the number of entries and sets *out (NULL when none; the caller
 * frees each with ruru_entry_release() and the array with free()).
 */
size_t ruru_entries_parse(const char *text, size_t len, size_t body, struct ruru_entry **out);

/*
 * Text that belongs to no entry is never dropped: an entry above "## Log
 * Entries" (or under another heading after it), and text between entries
 * after a "---" rule or a blank line that starts anew (template
 * boilerplate: an italic line, an HTML comment).  A "---" block of
 * "**Status:**"/"**Outcome:**" lines right after an entry is that entry's
 * (its message holds it).  With RURU_ENTRIES_ORPHANS such text comes as
 * entries too, in file order, with `orphan` set (a block of text: no
 * stamp, type RURU_EV_UNKNOWN, its lines as the message); without it
 * (ruru_entries_parse) they are left out, and entries are as before.
 */
enum { RURU_ENTRIES_ORPHANS = 1 };
size_t ruru_entries_parse_with(const char *text, size_t len, size_t body, unsigned flags,
				struct ruru_entry **out);

/* The same entries and orphan blocks, one at a time and in file order: fn gets each (it is
 * released after fn returns; a non-zero return stops).  Only one entry's
 * strings exist at a time.  Returns the number of entries passed to fn. */
typedef int (*ruru_entry_fn)(void *ctx, const struct ruru_entry *e);
size_t ruru_entries_each(const char *text, size_t len, size_t body, ruru_entry_fn fn, void *ctx);

/* The number of entries ruru_entries_parse() would find (orphan blocks
 * not counted), without building
 * any string (for `list`, digests). */
size_t ruru_entries_count(const char *text, size_t len, size_t body);

/*
 * Parse one entry in ruru's own format from the start of `text` (its first
 * line and the continuation lines that follow).  `eol` is the file's line
 * ending ("\r\n" or "\n"; NULL means "\n"): in a CRLF file a CR before LF
 * is the line ending, in an LF file it belongs to the message.  Returns
 * false (nothing allocated) when it is not in ruru's format; on success
 * e->end is the number of bytes the entry takes (e->line 1, e->start 0).
 */
bool ruru_entry_parse_strict(const char *text, size_t len, const char *eol, struct ruru_entry *e);

/*
 * Where does a new entry go?  Scans the body for the last "## Log Entries"
 * heading at column 0 (outside fenced blocks).  *at is the offset to insert
 * at: the end of that section (before the next heading of level 1 or 2 at
 * column 0 that is not a "## <ts>" entry, with the blank lines before it
 * kept after the entry), or `len` when the section runs to the end of the
 * file.  *needs_newline is true when the byte before *at is not a newline
 * (the entry must first complete the last line).  Returns false when there
 * is no Log Entries section (the caller appends a "## Log Entries" heading
 * first).  `eol` receives "\r\n" when the body uses CRLF line endings
 * (judged by its first line break), else "\n".  Entries are not parsed.
 */
/* The line ending of a log's entries: "\r\n" when the body's first line
 * break is CRLF (a body without one: the file's first), else "\n".  The
 * reader strips the CR of entries written so; the writer uses the same
 * rule, so what it appends reads back as written. */
const char *ruru_log_eol(const char *text, size_t len, size_t body);
bool ruru_entries_append_point(const char *text, size_t len, size_t body, size_t *at,
			       bool *needs_newline, const char **eol);

/*
 * Fences (``` or ~~~ at column 0) that are never closed: ended by the end of
 * the file or by a column-0 entry line in ruru's own form ("- [YYYY-MM-DD
 * HH:MM:SS<zone>] **type**"), which always ends an open fence so that no
 * hand-written text can hide the entries ruru appends (doc/design.md §8).  Stores
 * the offsets of the first `max` opening lines in offs; returns how many.
 */
size_t ruru_body_unclosed_fences(const char *text, size_t len, size_t body, size_t *offs,
				 size_t max);

/* Placeholder entries left from a template ("- [YYYY-MM-DD HH:MM:SS] ...",
 * "[{{timestamp}}]", "# - [...]"), outside fences: offsets of the first
 * `max` lines in offs; returns how many.  They are never read as entries. */
size_t ruru_body_placeholders(const char *text, size_t len, size_t body, size_t *offs, size_t max);

/* "## Log Entries" headings outside fences: offsets of the first `max`
 * in offs; returns how many (a log should have one). */
size_t ruru_body_log_headings(const char *text, size_t len, size_t body, size_t *offs, size_t max);

/*
 * The text of the "## Goal" section (a level-2 heading "Goal", any case,
 * optional ':'), up to the next heading of level 1 or 2: [*start, *end)
 * without the blank lines around it and without the last line ending.
 * Returns false when the body has no such section.
 */
bool ruru_body_goal(const char *text, size_t len, size_t body, size_t *start, size_t *end);

/*
 * A withdrawn proposal: the note entry that records it names the CONFIRM
 * artifact and its message starts with RURU_WITHDRAWN_LEAD (confirm.c
 * writes it).  A delegation of that artifact is closed by it: nobody is
 * to apply it any more (the open items of continue, prime and summarize).
 */
#define RURU_WITHDRAWN_LEAD "Withdrew the proposal for"
/* Does `e` withdraw the proposal `artifact` (as the log names it)? */
bool ruru_entry_withdraws(const struct ruru_entry *e, const char *artifact);

/* The zone of a stamp as written: what follows the time of day ("Z",
 * "+10:00", "UTC"), its length in *len; "Z" when it cannot be told apart. */
const char *ruru_stamp_zone(const char *stamp, size_t *len);
/* Set "time" and "zone" of the JSON object `o` for an instant read from a
 * stamp: `time` RFC 3339, null when !valid; for a zone-less stamp (`zone`
 * NULL) the wall time without "Z" and a null `zone` (a local time is never
 * reported as UTC), else "Z" and the zone as written. */
void ruru_json_set_time(json_t *o, bool valid, time_t when, const char *zone, size_t zone_len);

#endif
