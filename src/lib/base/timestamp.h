/*
 * timestamp.h — library-internal: timestamps and calendar arithmetic (time.c).
 */
#ifndef RURU_TIMESTAMP_H
#define RURU_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ruru.h"

/*
 * Timestamps.  ruru_time_parse() is lenient: RFC 3339 with "T", "t", a
 * space or '_', "YYYY-MM-DD HH:MM[:SS[.frac]]" with or without a zone ("Z",
 * "z", "±HH:MM", "±HHMM", "±HH", or after an optional space "UTC", "GMT" and
 * common abbreviations such as "AEST", "CEST", "PDT"), compact
 * "YYMMDDHHMMSS", "YYYYMMDDHHMMSS", "YYMMDDHHMM", "YYYYMMDDHHMM" (when the
 * first reading is no date), "YYYYMMDD-HHMMSS".  Surrounding blanks are
 * ignored; anything else after the stamp makes it fail.  A stamp without a
 * zone is taken as UTC and *has_zone is false.  Either out pointer may be NULL.
 */
bool ruru_time_parse(const char *s, size_t len, time_t *when, bool *has_zone);
/* "2026-11-24 03:15:20Z" (the body's entry stamps). */
void ruru_time_format_entry(time_t t, char out[32]);
/* "2026-11-24T03:15:20Z" (RFC 3339, TOML offset date-time). */
void ruru_time_format_rfc3339(time_t t, char out[32]);
/* `t` in the form of the stamp `like` (a value the file already holds):
 * date only, or the same separator, seconds, fraction digits and zone
 * ("Z", the same "±HH:MM" offset, or none: UTC wall time).  Appended to
 * out, unquoted. */
void ruru_time_format_like(struct ruru_buf *out, time_t t, const char *like, size_t n);
/* (frontmatter.c) A TOML literal for `now` to replace the date-time `old`
 * keeping its form (a string stays a string, a date-time a date-time, with
 * old's precision and zone); when `old` is absent or "", in the form of
 * `sibling` (start_time beside end_time), else a string RFC 3339 stamp
 * for "" and an offset date-time for nothing.  `toml` is the text the
 * values' spans refer to. */
void ruru_toml_time_like(struct ruru_buf *lit, time_t now, const struct ruru_toml_value *old,
			 const struct ruru_toml_value *sibling, const char *toml, size_t toml_len);


/* The instant of a civil UTC date and time (fields already valid). */
time_t time_from_civil(int y, int mo, int d, int h, int mi, int s);
/* The instant of a TOML date-time of `kind`: an offset date-time at its
 * offset; local ones (no zone) taken as UTC. */
time_t time_from_toml(const struct ruru_toml_datetime *dt, enum ruru_toml_kind kind);

/* A stamp scanned from a log line. */
struct stamp {
	time_t when;
	bool has_zone, has_seconds;
};

/* Scan a timestamp at the start of s (see ruru_time_parse; `compact`
 * admits the all-digit forms).  Returns the bytes used, 0 when there is
 * no stamp. */
size_t scan_stamp(const char *s, size_t len, bool compact, struct stamp *st);

#endif
