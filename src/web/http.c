/*
 * http.c — request parsing for the web server (see http.h).  Pure
 * functions over bytes: no I/O, no libmicrohttpd.
 */
#include <string.h>

#include "web/http.h"
#include "banned.h"

/* %-decode s[0..n) into out ('+' is a space in forms). */
static void form_decode(const char *s, size_t n, struct ruru_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '+')
			ruru_buf_addch(out, ' ');
		else if (s[i] == '%' &&
			 i + 2 < n && (hi = ruru_hex_digit((unsigned char)s[i + 1])) >= 0 &&
			 (lo = ruru_hex_digit((unsigned char)s[i + 2])) >= 0) {
			ruru_buf_addch(out, hi * 16 + lo);
			i += 2;
		} else
			ruru_buf_addch(out, s[i]);
	}
}

bool web_form_get(const char *body, size_t len, const char *name, struct ruru_buf *out)
{
	size_t nlen = strlen(name);
	ruru_buf_reset(out);
	for (size_t i = 0; i <= len;) {
		const char *amp = i < len ? memchr(body + i, '&', len - i) : NULL;
		size_t e = amp ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + i, '=', e - i);
		size_t ke = eq ? (size_t)(eq - body) : e;
		struct ruru_buf key = RURU_BUF_INIT;
		form_decode(body + i, ke - i, &key);
		bool match = key.len == nlen && memcmp(key.ptr, name, nlen) == 0;
		ruru_buf_release(&key);
		if (match) {
			if (eq)
				form_decode(eq + 1, e - ke - 1, out);
			return ruru_text_scan(out->ptr, out->len, 0, NULL) == out->len;
		}
		if (!amp)
			break;
		i = e + 1;
	}
	return false;
}

static bool plain_component(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
	}
	return true;
}

static bool is(const char *path, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(path, lit, len) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

enum web_route web_route(const char *path, size_t len, struct ruru_buf *id, struct ruru_buf *rel)
{
	ruru_buf_reset(id);
	ruru_buf_reset(rel);
	if (len == 0 || path[0] != '/')
		return WEB_NOT_FOUND;
	/* every component plain (a trailing slash makes an empty one) */
	for (size_t i = 1; i <= len;) {
		const char *sl = i < len ? memchr(path + i, '/', len - i) : NULL;
		size_t e = sl ? (size_t)(sl - path) : len;
		if (!(len == 1 && i == 1) && !plain_component(path + i, e - i))
			return WEB_NOT_FOUND;
		if (!sl)
			break;
		i = e + 1;
	}
	/* the pages and files at the top, by their exact path */
	static const struct {
		const char *path;
		enum web_route route;
	} top[] = {
		{ "/", WEB_INDEX },
		{ "/index.html", WEB_INDEX },
		{ "/tasks.html", WEB_TASKS },
		{ "/confirm.html", WEB_CONFIRM },
		{ "/confirm", WEB_DECIDE },
		{ "/style.css", WEB_CSS },
		{ "/favicon.svg", WEB_ICON },
		{ "/live.js", WEB_JS },
		{ "/events", WEB_EVENTS },
	};
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		if (is(path, len, top[i].path))
			return top[i].route;
	static const char pre[] = "/sessions/";
	if (len <= sizeof pre - 1 || memcmp(path, pre, sizeof pre - 1) != 0)
		return WEB_NOT_FOUND;
	const char *p = path + sizeof pre - 1;
	size_t n = len - (sizeof pre - 1);
	const char *sl = memchr(p, '/', n);
	if (!sl)
		return WEB_NOT_FOUND;
	ruru_buf_add(id, p, (size_t)(sl - p));
	const char *r = sl + 1;
	size_t rn = n - (size_t)(r - p);
	if (is(r, rn, "index.html"))
		return WEB_SESSION;
	/* DIR/files/NAME (DIR may be empty: files/NAME) */
	const char *last = NULL;
	for (size_t i = 0; i < rn; i++)
		if (r[i] == '/')
			last = r + i;
	const char *name = last ? last + 1 : NULL;
	if (name) {
		const char *dir_end = last; /* end of ".../files" */
		size_t dn = (size_t)(dir_end - r);
		if (dn >= 5 && memcmp(dir_end - 5, "files", 5) == 0 && (dn == 5 || dir_end[-6] == '/')) {
			size_t keep = dn == 5 ? 0 : dn - 6;
			ruru_buf_add(rel, r, keep);
			if (keep)
				ruru_buf_addch(rel, '/');
			ruru_buf_add(rel, name, rn - (size_t)(name - r));
			return WEB_FILE;
		}
	}
	if (ends_with(r, rn, ".html") && rn > 5) {
		/* the name without ".html" must be plain too ("...html" is not "..") */
		const char *base = name ? name : r;
		size_t bn = rn - (size_t)(base - r) - 5;
		if (plain_component(base, bn)) {
			ruru_buf_add(rel, r, rn - 5);
			return WEB_ARTIFACT;
		}
	}
	ruru_buf_reset(id);
	return WEB_NOT_FOUND;
}

bool web_secret_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[lb ? i % lb : 0]);
	return d == 0 && lb != 0;
}
