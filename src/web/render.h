/*
 * render.h — the HTML pages of the human view (doc/design.md §15), one renderer
 * for `ruru export --html` (a static site) and the web server: both lay
 * the pages out the same way, so every link is relative and works from
 * file:// as well as over HTTP.
 *
 *   index.html                              sessions table (100 a page; index-N.html
 *                                           in an export, ?page=N on the server)
 *   confirm.html                            the proposals, each as a review card
 *   tasks.html                              MDTM task board
 *   style.css, favicon.svg                  the one style sheet, the icon
 *   sessions/<ID>/index.html                a session: card, timeline (its newest 100
 *                                           entries; older ones on index-N.html in an
 *                                           export, ?page=N on the server), tasks, artifacts
 *   sessions/<ID>/<artifact>.html           an artifact (Markdown rendered, text as text)
 *   sessions/<ID>/files/<artifact>          the artifact's bytes (downloads)
 *
 * Every text that comes from the workspace is HTML-escaped (messages are
 * text, never HTML; Markdown is rendered by cmark-gfm with its raw HTML
 * turned into text) and, when the site redacts, passed through
 * ruru_redact() first.
 */
#ifndef RURU_WEB_RENDER_H
#define RURU_WEB_RENDER_H

#include <stdbool.h>
#include <time.h>

#include "ruru.h"

struct web_site {
	struct ruru_ws *ws;
	bool redact; /* redact secrets in every page */
	bool files;  /* artifacts' raw bytes are offered (files/<artifact>) */
	time_t now;  /* for relative times; an export's date */
	const char *const *ids; /* the sessions shown (NULL: all) */
	size_t nids;
	/* ruru serve only: */
	bool server;             /* nav to confirmations, live updates script */
	enum ruru_status status; /* index filters (RURU_STATUS_UNKNOWN, NULL: none) */
	const char *tag, *query;
	const char *sort;        /* index order: "title", "status" or NULL (newest first) */
	const char *csrf;        /* decision forms' token (server; NULL: no forms) */
	size_t page;             /* index: the page shown, from 1 (0: the first) */
	size_t npages;           /* index: set to the number of pages */
	/* a session page: the timeline's page shown, from 1 (0: the last, the
	 * newest entries), or the page that holds the entry on line
	 * `entry_line` (0: none); web_page_session sets `entry_pages` */
	size_t entry_page, entry_line, entry_pages;
	const char *root;        /* while a page renders: its path to the site root */
	const struct ruru_session *titles; /* while a page renders: sessions by ID, for titles */
	size_t ntitles;
};

#define WEB_PAGE_SESSIONS 100 /* sessions on one index page */
#define WEB_PAGE_ENTRIES 100  /* timeline entries on one session page */

/* The style sheet and the icon (static, NUL-terminated). */
extern const char web_css[];
extern const char web_icon[];

/* Each page appended to `out`; -1 with err when the workspace cannot be read. */
int web_page_index(struct web_site *site, struct ruru_buf *out, struct ruru_error *err);
int web_page_tasks(struct web_site *site, struct ruru_buf *out, struct ruru_error *err);
int web_page_session(struct web_site *site, const char *id, struct ruru_buf *out,
		     struct ruru_error *err);
/* Every page of a session's timeline, read once: each page rendered into
 * `out` and handed to emit(ctx, page, pages, out, err) (the newest, page
 * `pages`, first; emit empties `out`; a non-zero return stops).  With
 * emit NULL, the one page site->entry_page / entry_line names, into
 * `out` (what web_page_session does). */
typedef int web_page_fn(void *ctx, size_t page, size_t pages, struct ruru_buf *out,
			struct ruru_error *err);
int web_session_pages(struct web_site *site, const char *id, web_page_fn *emit, void *ctx,
		      struct ruru_buf *out, struct ruru_error *err);
/* The page of artifact `rel` (relative to the session folder). */
int web_page_artifact(struct web_site *site, const char *id, const char *rel,
		      struct ruru_buf *out, struct ruru_error *err);

/* The proposals, each as a review card: pending first (oldest first),
 * then decided ones (newest decision first); each with ruru's diff with
 * line numbers and, on the server when it can be decided, one form that
 * POSTs to confirm with site->csrf.  `notice`: what was just recorded. */
int web_page_confirm(struct web_site *site, const char *notice, struct ruru_buf *out,
		     struct ruru_error *err);
/* The same page answering a refused decision: `msg` and a way back. */
void web_page_refused(struct web_site *site, unsigned status, const char *msg,
		      const char *reason, struct ruru_buf *out);

/* Markdown to HTML with raw HTML shown as text; links other than http(s),
 * mailto and relative ones are shown as text, not links. */
void web_markdown(struct ruru_buf *out, const char *md, size_t len);
/* HTML-escape `len` bytes (quotes too: safe in attributes). */
void web_escape(struct ruru_buf *out, const char *s, size_t len);
/* Percent-encode a path for an href ('/' kept). */
void web_href(struct ruru_buf *out, const char *path);

/* The sessions the site shows: site->ids or every session, newest first
 * (caller frees with ruru_session_list_free). */
int web_sessions(struct web_site *site, struct ruru_session **list, size_t *n,
		 struct ruru_error *err);

#endif
