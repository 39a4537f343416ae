/*
 * text.h — library-internal helpers for text positions (the public text
 * rule, ruru_text_check, is in ruru.h).
 */
#ifndef RURU_TEXT_H
#define RURU_TEXT_H

#include <stddef.h>

/* Line and column (1-based, columns in characters) of byte `off` in text. */
void ruru_text_position(const char *text, size_t off, int *line, int *col);

#endif
