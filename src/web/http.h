/*
 * http.h — the small parsers of the web server's requests, kept apart from
 * libmicrohttpd so that a fuzz target (fuzz/fuzz_http.c) can drive them:
 * form bodies, request paths, token comparison.
 */
#ifndef RURU_WEB_HTTP_H
#define RURU_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "ruru.h"

/* The value of field `name` of an application/x-www-form-urlencoded body
 * (`+` and %XX decoded) into `out`; false when absent or when the value
 * decodes to bytes that are not text (a NUL, invalid UTF-8). */
bool web_form_get(const char *body, size_t len, const char *name, struct ruru_buf *out);

/* What a request path names (after libmicrohttpd's %-decoding). */
enum web_route {
	WEB_NOT_FOUND = 0,
	WEB_INDEX,      /* / or /index.html */
	WEB_TASKS,      /* /tasks.html */
	WEB_CONFIRM,    /* /confirm.html (GET) */
	WEB_DECIDE,     /* /confirm (POST) */
	WEB_CSS,        /* /style.css */
	WEB_ICON,       /* /favicon.svg */
	WEB_JS,         /* /live.js */
	WEB_EVENTS,     /* /events */
	WEB_SESSION,    /* /sessions/ID/index.html */
	WEB_ARTIFACT,   /* /sessions/ID/REL.html */
	WEB_FILE,       /* /sessions/ID/DIR/files/NAME: the bytes of DIR/NAME */
};
/*
 * Route a path.  Every component must be a plain name: no empty, "." or
 * ".." component, no backslash, no control byte (WEB_NOT_FOUND
 * otherwise).  For session routes *id and *rel (artifact path relative to
 * the session folder) are filled (reset first).
 */
enum web_route web_route(const char *path, size_t len, struct ruru_buf *id, struct ruru_buf *rel);

/* Compare two secrets in time that does not depend on where they differ. */
bool web_secret_eq(const char *a, const char *b);

#endif
