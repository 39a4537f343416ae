/*
 * session.h — library-internal: what session.c offers the rest of the
 * library beyond ruru.h: the search index's view of a log (filled from its
 * text, packed into and unpacked from the index's column), and the Goal
 * section's escaping, which writing (session_write.c) and reading share.
 */
#ifndef RURU_SESSION_H
#define RURU_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "ruru.h"

/* Fill `s` (its id and path already set) from a log's text, as
 * ruru_session_load() does; `entries` parses the body too. */
void ruru_session_from_text(struct ruru_session *s, const char *text, size_t len, bool entries);
/* The index's copy of a session's front-matter members: pack writes every
 * key of the table into `out`; unpack fills `s` back from it (false when
 * the bytes are not a packed session; release `s` with
 * ruru_session_release as usual). */
void ruru_session_pack(const struct ruru_session *s, struct ruru_buf *out);
bool ruru_session_unpack(struct ruru_session *s, const char *p, size_t len);
/* Every session from its log's front matter, read now (newest first; the
 * filters of ruru_session_list()): what the index's listing falls back to
 * and what layers below the index list with. */
int ruru_session_list_logs(struct ruru_ws *ws, enum ruru_status status, const char *tag,
			   struct ruru_session **out, size_t *n, struct ruru_error *err);

/* A line of a Goal section that Markdown or ruru would read as something
 * else at column 0 (a heading, a fence, a "+++" line): written with one
 * backslash before it, read back without. */
bool ruru_goal_line_needs_escape(const char *p, size_t n);

#endif
