/*
 * difftext.h — library-internal: the library's one diff of two texts, GNU
 * diff run from an argv (never a shell) on scratch copies, in the
 * environment the front end gave.  The confirmation workflow shows a
 * proposal's change with it and counts the lines a change adds; `init
 * --host --dry-run` shows its edits of the hosts' files with it.
 */
#ifndef RURU_DIFFTEXT_H
#define RURU_DIFFTEXT_H

#include "ruru.h"

/* Append to *out what `diff ARGS OLD NEW` prints for text `a` to text `b`
 * (NULL with length 0: empty), e.g. args {"-u", "--label", "a/x",
 * "--label", "b/x", NULL}; at most 9 arguments.  `o` (may be NULL) gives
 * the scratch folder (tmpdir) and the environment.  Returns 0 when the
 * texts are the same, 1 when they differ, -1 with err set when diff could
 * not be run or failed. */
int ruru_diff_texts(const struct ruru_options *o, const char *const *args, const char *a, size_t alen,
		    const char *b, size_t blen, struct ruru_buf *out, struct ruru_error *err);

#endif
