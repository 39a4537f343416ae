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

#include "ruru.h"

/*
 * Render one entry (ruru's format, see struct ruru_entry) onto `out`,
 * ending with `eol` ("\\n" or "\\r\\n").  Uses e->stamp when set, else formats
 * e->when; e->type, the field strings and the message.  Every line of the
 * message after the first is indented by two spaces (an empty line becomes
 * two spaces), so no message line can start at column 0.  Field values must
 * not hold a backtick, CR or LF: check with ruru_entry_field_ok() first.
 */
void ruru_entry_render(struct ruru_buf *out, const struct ruru_entry *e, const char *eol);
bool ruru_entry_field_ok(const char *value);

/*
 * Parse the entries of a log.  `text` is the whole file (front matter
 * included) and `body` the offset where the Markdown body starts, so that
 * line numbers and spans refer to the file.  Entries are taken from the
 * "## Log Entries" section(s) (or, when a log has no such heading, from the
 * whole body), in file order.  Recognised (DESIGN §2 rule 6 and the compat
 * corpus): "- [ts] ...", "* [ts]", "*   `[ts]` ...", "**[ts]**", "- **ts** -",
 * "- ts - ...", bare "[ts] ..." lines, "### [ts] ..." and "## ts - ..."
 * headings, "- [ ] **...**" checkbox lines with a stamp; indented lines and
 * blank lines followed by indented lines continue an entry.  Placeholder
 * stamps ("YYYY-MM-DD HH:MM:SS", "{{timestamp}}") and lines commented out
 * as "# - [...]" are not entries.
 * Returns the number of entries and sets *out (caller frees each with
 * ruru_entry_release() and the array with free()).
 */
size_t ruru_entries_parse(const char *text, size_t len, size_t body, struct ruru_entry **out);

/* Parse one entry in ruru's own format from `line` (up to its end, with
 * continuation lines).  Returns false when it is not in ruru's format. */
bool ruru_entry_parse_strict(const char *text, size_t len, struct ruru_entry *e);

/*
 * Where does a new entry go?  Scans the body for the last "## Log Entries"
 * heading at column 0.  *at is the offset to insert at: the end of that
 * section (before the next heading of level 1 or 2 at column 0, with the
 * blank lines before it kept after the entry), or `len` when the section
 * runs to the end of the file.  *needs_newline is true when the byte before
 * *at is not a newline (the entry must first complete the last line).
 * Returns false when there is no Log Entries section (the caller appends a
 * "## Log Entries" heading first).  `eol` receives "\\r\\n" when the body uses
 * CRLF line endings, else "\\n".
 */
bool ruru_entries_append_point(const char *text, size_t len, size_t body, size_t *at,
			       bool *needs_newline, const char **eol);

/*
 * Timestamps.  ruru_time_parse() is lenient: RFC 3339 with "T", "t" or a
 * space, "YYYY-MM-DD HH:MM[:SS[.frac]]" with or without a zone ("Z", "z",
 * "UTC", "±HH:MM", "±HHMM"), compact "YYMMDDHHMMSS"/"YYYYMMDD-HHMMSS".
 * Returns false when nothing usable is there.  A stamp without a zone is
 * taken as UTC and *has_zone is false.
 */
bool ruru_time_parse(const char *s, size_t len, time_t *when, bool *has_zone);
/* "2026-11-24 03:15:20Z" (the body's entry stamps). */
void ruru_time_format_entry(time_t t, char out[32]);
/* "2026-11-24T03:15:20Z" (RFC 3339, TOML offset date-time). */
void ruru_time_format_rfc3339(time_t t, char out[32]);

#endif
