/*
 * serve.c — the web server of `ruru serve` (doc/design.md §15).
 *
 * Security model, in the order every request is checked:
 *  1. the Host header must name the bound address and port (DNS rebinding:
 *     a page of another site that resolves its name to 127.0.0.1 sends its
 *     own name) → 421 otherwise;
 *  2. the request carries the session cookie → 401 otherwise.  The printed
 *     URL is http://HOST/<prefix>/?token=<token>: the token works once
 *     (→ 303 with a fresh random cookie, HttpOnly, SameSite=Strict and
 *     scoped to Path=/<prefix>/).  Browsers send a host's cookies to all of
 *     its ports; the path scope keeps the cookie from a dev server on
 *     another port of 127.0.0.1, and a leaked cookie opens nothing without
 *     the prefix;
 *  3. the path must start with the secret prefix (another 128-bit random
 *     value) → 404 otherwise;
 *  4. state changes are POST /confirm only, with an Origin equal to ours,
 *     the page's CSRF token and the hashes of the proposal the page showed
 *     → 403 (409 when the proposal changed since);
 *  5. paths are routed by web_route(): plain components only; artifacts
 *     are read through the library's checks (no "..", no symlink, inside
 *     the session) → 404 otherwise.  There is no directory listing.
 * Every response carries a Content-Security-Policy without inline script,
 * X-Content-Type-Options: nosniff, no referrer, no framing, no caching.
 * Header memory is bounded by libmicrohttpd (64 KB per connection), a
 * body by BODY_MAX.  Connections: an idle timeout (IDLE_TIMEOUT) and, per
 * client address, at most CLIENT_IDLE_MAX idle ones — a new connection
 * over that closes the client's oldest idle one, so a pile of idle
 * sockets cannot lock the person out (everyone on loopback is one client).
 *
 * Threads: one per connection (server-sent event streams block); every
 * library call is made under one mutex, the library being written for one
 * thread per process.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include <jansson.h>

#include "web/http.h"
#include "web/render.h"
#include "web/serve.h"
#include "banned.h"

extern char **environ;

#define BODY_MAX (64u * 1024)
#define HEADER_MEMORY (64u * 1024)
#define FILE_MAX (256u * 1024 * 1024)
#define IDLE_TIMEOUT 15u      /* seconds a connection may stay silent */
#define CONN_MAX 4000u        /* connections at once, all clients */
#define CLIENT_IDLE_MAX 64u   /* idle connections kept per client address */
#define PING_SECONDS 5        /* an event stream's keep-alive comment */

/* One connection, from accept to close (the socket context). */
struct conn {
	struct conn *prev, *next; /* the server's list, oldest first */
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool busy; /* a request is being answered */
	bool evicted;
};

struct server {
	struct ruru_ws *ws;
	struct ruru_watch *watch; /* the workspace's changes (inotify); may be NULL */
	pthread_mutex_t lock;
	char prefix[33]; /* the secret first path component */
	char token[33];	 /* the printed URL's, good once */
	bool token_used;
	char cookie[33]; /* issued for the token; "" until then */
	char csrf[33];
	pthread_mutex_t conns_lock;
	struct conn *first, *last;
	char host[300], host_alt[300], origin[320], origin_alt[320];
	char identity[512];
	volatile sig_atomic_t stopping;
};

struct request {
	struct ruru_buf body;
	bool too_big;
};

static const char live_js[] =
	"// live.js: show workspace changes as they happen (server-sent events).\n"
	"// The pages work without it.  An update fetches the page again and swaps\n"
	"// its <main>, keeping what the person typed (and where) and the scroll;\n"
	"// once a form is being sent nothing is swapped or reloaded, so the\n"
	"// answer to a decision is always seen.\n"
	"(function () {\n"
	"  'use strict';\n"
	"  var badge = document.getElementById('live');\n"
	"  if (!window.EventSource || !window.fetch || !window.DOMParser) return;\n"
	"  var me = document.querySelector('script[src$=\"live.js\"]');\n"
	"  var es = new EventSource(me.src.replace(/live\\.js$/, 'events'));\n"
	"  var leaving = false, busy = false, again = false;\n"
	"  function stop() { leaving = true; es.close(); }\n"
	"  document.addEventListener('submit', stop);\n"
	"  window.addEventListener('pagehide', stop);\n"
	"  es.onopen = function () { if (badge) badge.textContent = '\\u25cf live'; };\n"
	"  es.onerror = function () { if (badge && !leaving) badge.textContent = '\\u25cb offline'; };\n"
	"  function typed() {\n"
	"    var kept = [];\n"
	"    document.querySelectorAll('main textarea[id], main input[id]').forEach(function (f) {\n"
	"      if (f.type === 'hidden') return;\n"
	"      var focus = f === document.activeElement, a = null, b = null;\n"
	"      try { a = f.selectionStart; b = f.selectionEnd; } catch (e) { /* no selection */ }\n"
	"      kept.push({ id: f.id, value: f.value, focus: focus, a: a, b: b });\n"
	"    });\n"
	"    return kept;\n"
	"  }\n"
	"  function swap(html) {\n"
	"    if (leaving) return;\n"
	"    var doc = new DOMParser().parseFromString(html, 'text/html');\n"
	"    var now = document.querySelector('main'), next = doc.querySelector('main');\n"
	"    if (!now || !next) return;\n"
	"    var kept = typed(), y = window.scrollY;\n"
	"    now.replaceWith(document.adoptNode(next));\n"
	"    document.title = doc.title;\n"
	"    kept.forEach(function (k) {\n"
	"      var f = document.getElementById(k.id);\n"
	"      if (!f) return;\n"
	"      f.value = k.value;\n"
	"      if (k.focus) {\n"
	"        f.focus({ preventScroll: true });\n"
	"        try { if (k.a !== null) f.setSelectionRange(k.a, k.b); } catch (e) { /* none */ }\n"
	"      }\n"
	"    });\n"
	"    window.scrollTo(0, y);\n"
	"  }\n"
	"  function update() {\n"
	"    if (leaving) return;\n"
	"    if (busy) { again = true; return; }\n"
	"    busy = true;\n"
	"    fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })\n"
	"      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })\n"
	"      .then(swap)\n"
	"      .catch(function () { if (badge && !leaving) badge.textContent = '\\u25cf changed: reload to see'; })\n"
	"      .then(function () { busy = false; if (again) { again = false; update(); } });\n"
	"  }\n"
	"  es.onmessage = update;\n"
	"})();\n";

static void hex_random(char out[33])
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort(); /* no randomness: never serve with a guessable token */
		got += (size_t)n;
	}
	for (size_t i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* Does the request accept gzip (Accept-Encoding names it, not with q=0)? */
static bool accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	for (const char *p = ae; p && (p = strstr(p, "gzip")); p += 4) {
		const char *q = p + 4;
		while (*q == ' ')
			q++;
		if (*q == ';') {
			q++;
			while (*q == ' ')
				q++;
			if (!strncmp(q, "q=0", 3) && !(q[3] == '.' && q[4] >= '1' && q[4] <= '9'))
				continue;
		}
		return true;
	}
	return false;
}

/* `len` bytes gzip-compressed into *out (false: keep them as they are). */
static bool gzip(const void *data, size_t len, struct ruru_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	size_t cap = deflateBound(&z, (uLong)len);
	unsigned char *buf = malloc(cap);
	bool ok = false;
	if (buf) {
		z.next_in = (Bytef *)data;
		z.avail_in = (uInt)len;
		z.next_out = buf;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
			ruru_buf_add(out, (const char *)buf, z.total_out);
			ok = true;
		}
		free(buf);
	}
	deflateEnd(&z);
	return ok;
}

#define GZIP_MIN 1024u /* smaller answers go as they are */

/* Queues r with status and the headers every answer carries (never
 * sniffed, never cached), and lets go of it. */
static enum MHD_Result send_response(struct MHD_Connection *c, unsigned status,
				     struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *ctype,
			       const void *data, size_t len, const char *hname, const char *hval)
{
	struct ruru_buf z = RURU_BUF_INIT;
	bool text = !strncmp(ctype, "text/", 5);
	bool zipped = text && len >= GZIP_MIN && len < UINT32_MAX && accepts_gzip(c) && gzip(data, len, &z);
	struct MHD_Response *r =
		zipped ? MHD_create_response_from_buffer(z.len, z.ptr, MHD_RESPMEM_MUST_COPY)
		       : MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	ruru_buf_release(&z);
	if (!r)
		return MHD_NO;
	if (zipped)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	if (text)
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; script-src 'self'; "
				"img-src 'self' data:; connect-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	/* "same-origin", not "no-referrer": under no-referrer a browser sends
	 * "Origin: null" with the page's own form POSTs, which the Origin
	 * check must refuse; other origins still get no referrer */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (hname)
		MHD_add_response_header(r, hname, hval);
	return send_response(c, status, r);
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return respond(c, status, "text/plain; charset=utf-8", msg, strlen(msg), NULL, NULL);
}

static enum MHD_Result html(struct MHD_Connection *c, unsigned status, struct ruru_buf *b)
{
	return respond(c, status, "text/html; charset=utf-8", b->ptr, b->len, NULL, NULL);
}

/* ------------------------------------------------ server-sent events */

static unsigned long long mix(unsigned long long h, const struct stat *st)
{
	return (h ^ (unsigned long long)st->st_size ^ ((unsigned long long)st->st_mtim.tv_nsec << 20) ^
		(unsigned long long)st->st_mtim.tv_sec) *
	       1099511628211ull;
}

/* nftw() has no user pointer: the walk's hash, under the server's lock. */
static unsigned long long tree_hash;

static int tree_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)type;
	(void)ftw;
	tree_hash = mix(tree_hash, st);
	return 0;
}

/* A fingerprint of what the pages show: every session log's size and
 * modification time, and .ruru/temp/ (proposals without a session). */
/* A folder of proposals: the folder itself and each CONFIRM file and
 * sidecar in it (one rewritten in place keeps the folder's time). */
static unsigned long long mix_proposals(unsigned long long h, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return h;
	h = mix(h, &st);
	DIR *d = opendir(dir);
	if (!d)
		return h;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "CONFIRM-", 8) && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			h = mix(h, &st);
	closedir(d);
	return h;
}

static unsigned long long fingerprint(struct server *s)
{
	/* Watched: the kernel's reports say when anything changed, with no
	 * listing and no lock (0: the watch gave up, look as below). */
	uint64_t gen = s->watch ? ruru_watch_poll(s->watch) : 0;
	if (gen)
		return gen;
	unsigned long long h = 1469598103934665603ull;
	struct ruru_session *list;
	size_t n;
	struct ruru_error e = { 0 };
	pthread_mutex_lock(&s->lock);
	const char *root = ruru_ws_root(s->ws);
	if (ruru_session_list(s->ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct ruru_buf p = RURU_BUF_INIT;
			struct stat st;
			ruru_buf_addf(&p, "%s/%s", root, list[i].path);
			if (stat(p.ptr, &st) == 0)
				h = mix(h, &st);
			/* the artifacts folder changes with proposals and decisions */
			char *slash = strrchr(p.ptr, '/');
			if (slash) {
				p.len = (size_t)(slash - p.ptr);
				*slash = '\0';
				ruru_buf_addstr(&p, "/artifacts");
				h = mix_proposals(h, p.ptr);
			}
			ruru_buf_release(&p);
		}
		h = (h ^ n) * 1099511628211ull;
		ruru_session_list_free(list, n);
	}
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_buf_addf(&t, "%s/.ruru/temp", root);
	h = mix_proposals(h, t.ptr);
	/* the MDTM task files (the board, a session's tasks): every file's
	 * size and time under the folders tasks live in */
	static const char *const task_dirs[] = { ".ruru/tasks", ".mdtm/tasks", ".roo/commander/tasks" };
	for (size_t i = 0; i < sizeof task_dirs / sizeof task_dirs[0]; i++) {
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "%s/%s", root, task_dirs[i]);
		tree_hash = h;
		if (nftw(t.ptr, tree_visit, 8, FTW_PHYS) == 0)
			h = tree_hash;
	}
	ruru_buf_release(&t);
	pthread_mutex_unlock(&s->lock);
	return h;
}

struct stream {
	struct server *s;
	unsigned long long seen;
	bool started;
	time_t last_write;
};

static ssize_t events_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct stream *st = cls;
	if (!st->started) {
		st->started = true;
		st->last_write = time(NULL);
		return snprintf(buf, max, "retry: 1000\n\n");
	}
	for (;;) {
		if (st->s->stopping)
			return MHD_CONTENT_READER_END_OF_STREAM;
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		unsigned long long now = fingerprint(st->s);
		if (now != st->seen) {
			st->seen = now;
			st->last_write = time(NULL);
			return snprintf(buf, max, "data: changed\n\n");
		}
		/* a comment now and then finds closed connections */
		if (time(NULL) - st->last_write >= PING_SECONDS) {
			st->last_write = time(NULL);
			return snprintf(buf, max, ": ping\n\n");
		}
	}
}

static enum MHD_Result events(struct server *s, struct MHD_Connection *c)
{
	struct stream *st = calloc(1, sizeof *st);
	if (!st)
		return MHD_NO;
	st->s = s;
	st->seen = fingerprint(s);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, events_cb,
								   st, free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	return send_response(c, MHD_HTTP_OK, r);
}

/* ------------------------------------------------------------ pages */

/* Is `rel` an artifact of session `id` that exists (as `artifact list`
 * shows it)?  Pages and downloads are for artifacts only, never for the
 * log or ruru's own files beside them.  Called under the lock. */
static bool is_artifact(struct server *s, const char *id, const char *rel)
{
	struct ruru_error e = { 0 };
	struct ruru_artifact_list *arts = ruru_artifact_list(s->ws, id, &e);
	const struct ruru_artifact_info *a = ruru_artifact_list_find(arts, rel);
	bool found = a && a->exists;
	ruru_artifact_list_free(arts);
	return found;
}

static void site_init(struct server *s, struct web_site *site)
{
	memset(site, 0, sizeof *site);
	site->ws = s->ws;
	site->files = true;
	site->server = true;
	site->now = time(NULL);
	site->csrf = s->csrf;
}

static enum MHD_Result page(struct server *s, struct MHD_Connection *c, enum web_route route,
			    const char *id, const char *rel)
{
	struct web_site site;
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	ruru_error_clear(&e);
	site_init(s, &site);
	int rc = -1;
	unsigned status = MHD_HTTP_OK;
	pthread_mutex_lock(&s->lock);
	if (route == WEB_INDEX) {
		const char *st = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "status");
		site.status = st && *st ? ruru_status_parse(st, strlen(st)) : RURU_STATUS_UNKNOWN;
		site.tag = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "tag");
		if (site.tag && !*site.tag)
			site.tag = NULL;
		site.query = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
		site.sort = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sort");
		const char *pg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
		site.page = pg ? strtoul(pg, NULL, 10) : 1;
		rc = web_page_index(&site, &b, &e);
	} else if (route == WEB_TASKS) {
		rc = web_page_tasks(&site, &b, &e);
	} else if (route == WEB_CONFIRM) {
		const char *done = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "done");
		const char *notice = !done ? NULL
				     : !strcmp(done, "approve") ? "Approved: recorded in the log, with your reason."
				     : !strcmp(done, "reject")	? "Rejected: recorded in the log, with your reason."
				     : !strcmp(done, "skip")	? "Skipped, with the rationale recorded in the log."
								: NULL;
		rc = web_page_confirm(&site, notice, &b, &e);
	} else {
		/* session routes: the ID must name a session exactly */
		char *full = ruru_session_resolve(s->ws, id, &e);
		bool exact = full && !strcmp(full, id);
		free(full);
		if (!exact || (route == WEB_ARTIFACT && !is_artifact(s, id, rel)))
			status = MHD_HTTP_NOT_FOUND;
		else if (route == WEB_SESSION) {
			const char *pg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
			const char *ln = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "line");
			site.entry_page = pg ? strtoul(pg, NULL, 10) : 0;
			site.entry_line = ln ? strtoul(ln, NULL, 10) : 0;
			rc = web_page_session(&site, id, &b, &e);
		}
		else if (route == WEB_ARTIFACT)
			rc = web_page_artifact(&site, id, rel, &b, &e);
	}
	pthread_mutex_unlock(&s->lock);
	enum MHD_Result ret;
	if (status == MHD_HTTP_NOT_FOUND || (rc < 0 && e.code != RURU_EFAIL))
		ret = plain(c, MHD_HTTP_NOT_FOUND, "not found\n");
	else if (rc < 0)
		ret = plain(c, MHD_HTTP_INTERNAL_SERVER_ERROR, e.msg);
	else
		ret = html(c, status, &b);
	ruru_buf_release(&b);
	return ret;
}

static const char *file_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = { { ".png", "image/png" },	 { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		      { ".gif", "image/gif" },	 { ".webp", "image/webp" } };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t k = strlen(types[i].ext);
		if (n > k && !strcasecmp(name + n - k, types[i].ext))
			return types[i].type;
	}
	return NULL;
}

static enum MHD_Result file(struct server *s, struct MHD_Connection *c, const char *id,
			    const char *rel)
{
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	pthread_mutex_lock(&s->lock);
	char *full = ruru_session_resolve(s->ws, id, &e);
	bool ok = full && !strcmp(full, id) && is_artifact(s, id, rel) &&
		  ruru_export_read_artifact(s->ws, id, rel, FILE_MAX, &b, &e) >= 0;
	free(full);
	pthread_mutex_unlock(&s->lock);
	enum MHD_Result ret;
	if (!ok) {
		ret = plain(c, MHD_HTTP_NOT_FOUND, "not found\n");
	} else {
		const char *base = strrchr(rel, '/');
		base = base ? base + 1 : rel;
		struct ruru_buf disp = RURU_BUF_INIT;
		ruru_buf_addstr(&disp, "attachment; filename*=UTF-8''");
		web_href(&disp, base);
		/* images show in the artifacts that embed them; anything else
		 * (SVG, which can hold script, included) is a download */
		const char *type = file_type(base);
		ret = respond(c, MHD_HTTP_OK, type ? type : "application/octet-stream", b.ptr, b.len,
			      "Content-Disposition", type ? "inline" : disp.ptr);
		ruru_buf_release(&disp);
	}
	ruru_buf_release(&b);
	return ret;
}

/* ------------------------------------------------------------ decisions */

/* A refused decision as a page with a way back (and the typed reason). */
static enum MHD_Result refused(struct server *s, struct MHD_Connection *c, unsigned status,
			       const char *msg, const char *reason)
{
	struct web_site site;
	struct ruru_buf b = RURU_BUF_INIT;
	site_init(s, &site);
	web_page_refused(&site, status, msg, reason, &b);
	enum MHD_Result ret = html(c, status, &b);
	ruru_buf_release(&b);
	return ret;
}

static enum MHD_Result decide(struct server *s, struct MHD_Connection *c, struct request *rq)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (!origin || (strcmp(origin, s->origin) && (!*s->origin_alt || strcmp(origin, s->origin_alt))))
		return plain(c, MHD_HTTP_FORBIDDEN, "forbidden: cross-origin request\n");
	struct ruru_buf csrf = RURU_BUF_INIT, art = RURU_BUF_INIT, act = RURU_BUF_INIT,
			reason = RURU_BUF_INIT, target = RURU_BUF_INIT, psha = RURU_BUF_INIT,
			tsha = RURU_BUF_INIT, rsha = RURU_BUF_INIT;
	enum MHD_Result ret;
	const char *body = rq->body.ptr ? rq->body.ptr : "";
	if (!web_form_get(body, rq->body.len, "csrf", &csrf) || !web_secret_eq(csrf.ptr, s->csrf)) {
		ret = plain(c, MHD_HTTP_FORBIDDEN, "forbidden: missing or wrong CSRF token\n");
		goto out;
	}
	(void)web_form_get(body, rq->body.len, "reason", &reason);
	if (!web_form_get(body, rq->body.len, "artifact", &art) || !art.len ||
	    !web_form_get(body, rq->body.len, "action", &act)) {
		ret = refused(s, c, MHD_HTTP_BAD_REQUEST, "The form lacked the proposal or the answer.",
			      reason.ptr);
		goto out;
	}
	/* what the page showed: the target and both hashes (a form without
	 * them, from an older page, decides nothing) */
	if (!web_form_get(body, rq->body.len, "target", &target) ||
	    !web_form_get(body, rq->body.len, "payload_sha256", &psha) ||
	    !web_form_get(body, rq->body.len, "result_sha256", &rsha) ||
	    !web_form_get(body, rq->body.len, "target_sha256", &tsha)) {
		ret = refused(s, c, MHD_HTTP_CONFLICT,
			      "The form did not say which change it showed; reload the proposal and "
			      "decide again.", reason.ptr);
		goto out;
	}
	enum ruru_confirm_decision dec = ruru_decision_parse(act.ptr);
	if (dec == RURU_DECIDE_UNKNOWN) {
		ret = refused(s, c, MHD_HTTP_BAD_REQUEST, "Unknown answer.", reason.ptr);
		goto out;
	}
	if (dec == RURU_DECIDE_SKIP && !reason.len) {
		ret = refused(s, c, MHD_HTTP_BAD_REQUEST,
			      "Skipping confirmation needs the coordinator's rationale: type it in "
			      "the reason box.", reason.ptr);
		goto out;
	}
	/* The approver's identity goes with the reason, in the sidecar and
	 * the log, as `confirm approve --reason` would record it. */
	struct ruru_buf why = RURU_BUF_INIT;
	ruru_buf_add(&why, reason.ptr, reason.len);
	ruru_buf_addf(&why, "%s(by %s in ruru serve)", reason.len ? " " : "", s->identity);
	struct ruru_confirm cf = { 0 };
	struct ruru_error e = { 0 };
	ruru_error_clear(&e);
	/* the decision binds what the page showed: refused under the
	 * session lock when the proposal is no longer that */
	struct ruru_confirm_expect expect = {
		.target = target.ptr,
		.payload_sha256 = psha.ptr,
		.result_sha256 = rsha.ptr,
		.target_sha256 = tsha.ptr,
	};
	/* Signed when the workspace asks for it, and when apply will demand
	 * a signature: with git's user.signingkey or the user's ssh-agent;
	 * when neither can sign, nothing is recorded and the page says why
	 * (never an unsigned approval that apply then refuses). */
	struct ruru_confirm_sign sign = { 0 };
	pthread_mutex_lock(&s->lock);
	bool signing = ruru_confirm_sign_wanted(s->ws) || ruru_confirm_sign_required(s->ws);
	int rc = ruru_confirm_decide_expect(s->ws, art.ptr, dec, why.ptr, signing ? &sign : NULL, &expect,
					    &cf, &e);
	pthread_mutex_unlock(&s->lock);
	ruru_confirm_release(&cf);
	ruru_buf_release(&why);
	if (rc < 0) {
		struct ruru_buf m = RURU_BUF_INIT;
		ruru_buf_addf(&m, "Not recorded: %s.", e.msg);
		ret = refused(s, c, e.code == RURU_ENOTFOUND ? MHD_HTTP_NOT_FOUND : MHD_HTTP_CONFLICT,
			      m.ptr, reason.ptr);
		ruru_buf_release(&m);
	} else {
		struct ruru_buf loc = RURU_BUF_INIT;
		/* to the decided card, which shows what was recorded */
		const char *name = strrchr(art.ptr, '/');
		ruru_buf_addf(&loc, "/%s/confirm.html?done=%s#p-", s->prefix, ruru_decision_word(dec));
		web_href(&loc, name ? name + 1 : art.ptr);
		ret = respond(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", "", 0, "Location",
			      loc.ptr);
		ruru_buf_release(&loc);
	}
out:
	ruru_buf_release(&csrf);
	ruru_buf_release(&art);
	ruru_buf_release(&act);
	ruru_buf_release(&reason);
	ruru_buf_release(&target);
	ruru_buf_release(&psha);
	ruru_buf_release(&tsha);
	ruru_buf_release(&rsha);
	return ret;
}

/* ------------------------------------------------------------ connections */

static bool same_client(const struct conn *a, const struct conn *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->addr)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->addr)->sin_addr.s_addr;
	if (a->addr.ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)&a->addr)->sin6_addr,
			       &((const struct sockaddr_in6 *)&b->addr)->sin6_addr, sizeof(struct in6_addr));
	return true;
}

/* A connection opened (STARTED) or closed (CLOSED).  A new one over its
 * client's idle allowance shuts the oldest idle one down: its thread sees
 * the end of the stream and closes it.  The list is changed under
 * conns_lock, and libmicrohttpd reports CLOSED before it closes the
 * socket, so a listed fd is always still this connection's. */
static void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn *k = calloc(1, sizeof *k);
		if (!k)
			return;
		const union MHD_ConnectionInfo *fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ai = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		k->fd = fi ? fi->connect_fd : -1;
		if (ai && ai->client_addr) {
			size_t n = ai->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
									   : sizeof(struct sockaddr_in);
			memcpy(&k->addr, ai->client_addr, n);
		}
		pthread_mutex_lock(&s->conns_lock);
		unsigned idle = 0;
		struct conn *oldest = NULL;
		for (struct conn *o = s->first; o; o = o->next)
			if (!o->busy && !o->evicted && same_client(o, k)) {
				idle++;
				if (!oldest)
					oldest = o;
			}
		if (idle >= CLIENT_IDLE_MAX && oldest && oldest->fd >= 0) {
			oldest->evicted = true;
			shutdown(oldest->fd, SHUT_RDWR);
		}
		k->prev = s->last;
		if (s->last)
			s->last->next = k;
		else
			s->first = k;
		s->last = k;
		pthread_mutex_unlock(&s->conns_lock);
		*socket_context = k;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct conn *k = *socket_context;
		if (!k)
			return;
		pthread_mutex_lock(&s->conns_lock);
		if (k->prev)
			k->prev->next = k->next;
		else
			s->first = k->next;
		if (k->next)
			k->next->prev = k->prev;
		else
			s->last = k->prev;
		pthread_mutex_unlock(&s->conns_lock);
		free(k);
		*socket_context = NULL;
	}
}

static void conn_busy(struct server *s, struct MHD_Connection *c, bool busy)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = i ? i->socket_context : NULL;
	if (!k)
		return;
	pthread_mutex_lock(&s->conns_lock);
	k->busy = busy;
	pthread_mutex_unlock(&s->conns_lock);
}

/* ------------------------------------------------------------ dispatch */

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	(void)version;
	struct server *s = cls;
	struct request *rq = *con_cls;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		ruru_buf_init(&rq->body);
		*con_cls = rq;
		conn_busy(s, c, true);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > BODY_MAX)
			rq->too_big = true;
		if (!post || rq->too_big)
			goto checks; /* answer now: no body to wait for */
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && rq->body.len + *upload_size <= BODY_MAX)
			ruru_buf_add(&rq->body, upload, *upload_size);
		else
			rq->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
checks:;
	/* 1. Host */
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!host || (strcmp(host, s->host) && (!*s->host_alt || strcmp(host, s->host_alt))))
		return plain(c, MHD_HTTP_MISDIRECTED_REQUEST, "misdirected request: wrong Host\n");
	if (rq->too_big)
		return plain(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
	/* the path under the prefix ("/" + prefix + "/…"), or NULL */
	size_t plen = strlen(s->prefix);
	char comp[33] = "";
	if (url[0] == '/' && strlen(url) > plen + 1 && url[plen + 1] == '/') {
		memcpy(comp, url + 1, plen);
		comp[plen] = '\0';
	}
	const char *sub = web_secret_eq(comp, s->prefix) ? url + plen + 1 : NULL;
	/* 2. the cookie, or the printed URL's ?token= once */
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "ruru_session");
	pthread_mutex_lock(&s->lock);
	bool authed = cookie && *s->cookie && web_secret_eq(cookie, s->cookie);
	bool exchange = false;
	if (!authed && !post && sub) {
		const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
		if (q && !s->token_used && web_secret_eq(q, s->token)) {
			s->token_used = true;
			hex_random(s->cookie);
			exchange = true;
		}
	}
	char ck[160];
	snprintf(ck, sizeof ck, "ruru_session=%s; HttpOnly; SameSite=Strict; Path=/%s/", s->cookie,
		 s->prefix);
	pthread_mutex_unlock(&s->lock);
	if (exchange) {
		struct MHD_Response *r =
			MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, "Set-Cookie", ck);
		MHD_add_response_header(r, "Location", url);
		MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
		return send_response(c, MHD_HTTP_SEE_OTHER, r);
	}
	if (!authed)
		return plain(c, MHD_HTTP_UNAUTHORIZED,
			     "unauthorized: open the URL ruru serve printed; its token works once "
			     "(restart ruru serve for a new one)\n");
	/* 3. the prefix */
	if (!sub)
		return plain(c, MHD_HTTP_NOT_FOUND, "not found\n");
	struct ruru_buf id = RURU_BUF_INIT, rel = RURU_BUF_INIT;
	enum web_route route = web_route(sub, strlen(sub), &id, &rel);
	enum MHD_Result ret;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	if (route == WEB_DECIDE)
		ret = post ? decide(s, c, rq)
			   : respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				     "use POST\n", 9, "Allow", "POST");
	else if (post)
		ret = plain(c, MHD_HTTP_FORBIDDEN, "forbidden: only POST /confirm changes state\n");
	else if (!get)
		ret = respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
			      "method not allowed\n", 19, "Allow", "GET, HEAD");
	else if (route == WEB_CSS)
		ret = respond(c, MHD_HTTP_OK, "text/css; charset=utf-8", web_css, strlen(web_css),
			      NULL, NULL);
	else if (route == WEB_ICON)
		ret = respond(c, MHD_HTTP_OK, "image/svg+xml", web_icon, strlen(web_icon), NULL, NULL);
	else if (route == WEB_JS)
		ret = respond(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", live_js,
			      strlen(live_js), NULL, NULL);
	else if (route == WEB_EVENTS)
		ret = events(s, c);
	else if (route == WEB_FILE)
		ret = file(s, c, id.ptr, rel.ptr);
	else if (route == WEB_NOT_FOUND)
		ret = plain(c, MHD_HTTP_NOT_FOUND, "not found\n");
	else
		ret = page(s, c, route, id.ptr, rel.ptr);
	ruru_buf_release(&id);
	ruru_buf_release(&rel);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	conn_busy(cls, c, false);
	struct request *rq = *con_cls;
	if (rq) {
		ruru_buf_release(&rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* ------------------------------------------------------------ start */

static void identity(struct ruru_ws *ws, const char *as, char *out, size_t size)
{
	char *id = as && *as ? NULL : ruru_user_identity(ruru_ws_options(ws), RURU_IDENTITY_NAME_EMAIL);
	snprintf(out, size, "%s", as && *as ? as : id ? id : "unknown user");
	free(id);
}

static bool loopback(const char *addr)
{
	return !strncmp(addr, "127.", 4) || !strcmp(addr, "::1");
}

int web_serve(struct ruru_ws *ws, const struct web_serve_opts *o, FILE *out,
	      struct ruru_error *err)
{
	static struct server s; /* lives as long as the daemon */
	memset(&s, 0, sizeof s);
	s.ws = ws;
	pthread_mutex_init(&s.lock, NULL);
	pthread_mutex_init(&s.conns_lock, NULL);
	hex_random(s.prefix);
	hex_random(s.token);
	hex_random(s.csrf);
	/* a connection is a socket and a thread: room for CONN_MAX of them */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	identity(ws, o->identity, s.identity, sizeof s.identity);

	struct sockaddr_in a4 = { 0 };
	struct sockaddr_in6 a6 = { 0 };
	bool v6 = false;
	struct sockaddr *sa = (struct sockaddr *)&a4;
	if (inet_pton(AF_INET, o->bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, o->bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&a6;
		v6 = true;
	} else {
		return ruru_error_set(err, RURU_EUSAGE,
				      "--bind wants an IP address, not \"%s\" (a name could be re-bound)",
				      o->bind);
	}
	/* Signals go to the main thread's sigwait, not to the server's threads. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	struct ruru_error werr = { 0 }; /* without a watch, live updates poll */
	s.watch = ruru_watch_start(ws, &werr);
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, handler, &s, MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, CONN_MAX, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
		completed, &s, MHD_OPTION_NOTIFY_CONNECTION, conn_notify, &s, MHD_OPTION_END);
	if (!d) {
		int e = errno ? errno : EADDRINUSE;
		ruru_watch_stop(s.watch);
		s.watch = NULL;
		return ruru_error_set(err, RURU_EFAIL, "cannot listen on %s port %u: %s", o->bind,
				      o->port, strerror(e));
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : o->port;
	if (v6)
		snprintf(s.host, sizeof s.host, "[%s]:%u", o->bind, port);
	else
		snprintf(s.host, sizeof s.host, "%s:%u", o->bind, port);
	if (!strcmp(o->bind, "127.0.0.1") || !strcmp(o->bind, "::1"))
		snprintf(s.host_alt, sizeof s.host_alt, "localhost:%u", port);
	snprintf(s.origin, sizeof s.origin, "http://%s", s.host);
	if (*s.host_alt)
		snprintf(s.origin_alt, sizeof s.origin_alt, "http://%s", s.host_alt);

	char url[512];
	snprintf(url, sizeof url, "http://%s/%s/?token=%s", s.host, s.prefix, s.token);
	if (!loopback(o->bind))
		fprintf(stderr, "ruru: warning: serving on %s, which is not a loopback address: "
				"anyone who can reach it and learns the URL can approve edits\n",
			o->bind);
	fprintf(out, "%s\n", url);
	fflush(out);
	if (o->open) {
		pid_t pid;
		char *argv[] = { (char *)"xdg-open", url, NULL };
		if (posix_spawnp(&pid, "xdg-open", NULL, NULL, argv, environ) != 0)
			fprintf(stderr, "ruru: cannot start xdg-open; open the URL yourself\n");
	}
	int sig = 0;
	do
		sigwait(&sigs, &sig);
	while (sig == SIGPIPE);
	s.stopping = 1;
	MHD_stop_daemon(d);
	ruru_watch_stop(s.watch);
	s.watch = NULL;
	pthread_mutex_destroy(&s.lock);
	pthread_mutex_destroy(&s.conns_lock);
	return 0;
}
