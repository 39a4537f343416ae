/*
 * text.h — library-internal helpers for text positions and string
 * literals (the public text rule, ruru_text_check, is in ruru.h).
 */
#ifndef RURU_TEXT_H
#define RURU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ruru.h"

/* A string of the workspace as JSON (ruru_json_text), or null for NULL. */
json_t *ruru_json_str(const char *s);

/* Line and column (1-based, columns in characters) of byte `off` in text. */
void ruru_text_position(const char *text, size_t off, int *line, int *col);

/*
 * The bounds of a path ruru creates in the work tree (a confirm target,
 * an artifact), so that every clone can check it out: no component longer
 * than RURU_NAME_BYTES bytes (NAME_MAX of Linux, macOS and Windows
 * filesystems) and the root-relative path no longer than RURU_PATH_BYTES
 * (well inside PATH_MAX, 4096, wherever the clone lives).
 */
#define RURU_NAME_BYTES 255
#define RURU_PATH_BYTES 1024
/* 0 when `rel` keeps the bounds; RURU_EREFUSED naming `what` otherwise.
 * `whole` false checks the components only (a path as given, which may
 * be absolute or hold "..", before it is resolved). */
int ruru_path_bounds(const char *what, const char *rel, bool whole, struct ruru_error *err);

/* The 64-bit FNV-1a hash of `n` bytes: the one hash of the library's
 * in-memory tables (the TOML parser's keys, the merge driver's, prime's). */
uint64_t ruru_fnv1a(const void *p, size_t n);

/* "N things": `n` and the word for its number (one, many), for the text
 * renderings of results. */
void ruru_text_count(struct ruru_buf *out, size_t n, const char *one, const char *many);

/* A string literal and its length, for calls that take both, so that no
 * length is counted by hand: ruru_toml_table_get(root, RURU_LIT("tags")).
 * The "" around `s` make anything but a literal a compile error. */
#define RURU_LIT(s) ("" s ""), (sizeof(s) - 1)
/* The `n` bytes at `p` are exactly the literal `s`. */
#define RURU_IS_LIT(p, n, s) ((size_t)(n) == sizeof(s) - 1 && memcmp((p), "" s "", sizeof(s) - 1) == 0)

#endif
