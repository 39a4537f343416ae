/*
 * serve.h — `ruru serve`: the human view over HTTP (doc/design.md §15), a thin
 * front end over the library with libmicrohttpd; pages from render.c.
 */
#ifndef RURU_WEB_SERVE_H
#define RURU_WEB_SERVE_H

#include <stdbool.h>
#include <stdio.h>

#include "ruru.h"

struct web_serve_opts {
	const char *bind;     /* address to listen on (IPv4 or IPv6 literal) */
	unsigned port;        /* 0: any free port */
	const char *identity; /* the approver; NULL: git user.name <user.email>, else login */
	bool open;            /* start a browser (xdg-open) on the URL */
};

/* Serve until SIGINT or SIGTERM.  Prints the URL (with its token) as the
 * first line of `out` once listening.  -1 with err when it cannot listen. */
int web_serve(struct ruru_ws *ws, const struct web_serve_opts *o, FILE *out,
	      struct ruru_error *err);

#endif
