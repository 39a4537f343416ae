/*
 * text.h — library-internal helpers for text positions and string
 * literals (the public text rule, ruru_text_check, is in ruru.h).
 */
#ifndef RURU_TEXT_H
#define RURU_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Line and column (1-based, columns in characters) of byte `off` in text. */
void ruru_text_position(const char *text, size_t off, int *line, int *col);

/* The 64-bit FNV-1a hash of `n` bytes: the one hash of the library's
 * in-memory tables (the TOML parser's keys, the merge driver's, prime's). */
uint64_t ruru_fnv1a(const void *p, size_t n);

/* The value of a hexadecimal digit (either case), or -1. */
int ruru_hexval(int c);

/* A string literal and its length, for calls that take both, so that no
 * length is counted by hand: ruru_toml_table_get(root, RURU_LIT("tags")).
 * The "" around `s` make anything but a literal a compile error. */
#define RURU_LIT(s) ("" s ""), (sizeof(s) - 1)
/* The `n` bytes at `p` are exactly the literal `s`. */
#define RURU_IS_LIT(p, n, s) ((size_t)(n) == sizeof(s) - 1 && memcmp((p), "" s "", sizeof(s) - 1) == 0)

#endif
