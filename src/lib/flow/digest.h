/*
 * digest.h — library-internal: the pieces of the continue digest
 * (doc/design.md §7) that other digests (`ruru prime`, §13) reuse.  Both work on a
 * session loaded with RURU_LOAD_ENTRIES.
 */
#ifndef RURU_DIGEST_H
#define RURU_DIGEST_H

#include "ruru.h"

/* Append the newest entries of `s` that fit, whole, in `budget` bytes
 * together with their heading ("## Last entries (K of N; M older left
 * out)"), in log order; when none fits, a line "(N entries not shown)"
 * if that fits.  Returns
 * the number of entries left out (the oldest ones). */
size_t ruru_digest_entries(struct ruru_buf *b, const struct ruru_session *s, size_t budget);
/* The same, with every message longer than `share` bytes (0: none) cut to
 * that with "… (N bytes more: `ruru show --entry LINE`)". */
size_t ruru_digest_entries_cut(struct ruru_buf *b, const struct ruru_session *s, size_t budget,
			       size_t share);

#endif
