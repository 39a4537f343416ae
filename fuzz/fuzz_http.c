/*
 * fuzz_http.c — libFuzzer target for what `ruru serve` parses from the
 * network (src/web/http.c) and for redaction (src/lib/base/redact.c):
 *  - web_route() on any path: a session route's ID is one plain component
 *    and its artifact path has no "." or ".." component and no empty one;
 *  - web_form_get() on any body: a value it returns keeps the text rule;
 *  - ruru_redact() on any text: redacting its output again changes nothing
 *    (no secret survives a pass, no replacement looks like a new secret).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruru.h"
#include "web/http.c"

static void plain_path(const char *p, size_t n)
{
	if (n == 0)
		abort();
	for (size_t i = 0; i <= n;) {
		const char *sl = i < n ? memchr(p + i, '/', n - i) : NULL;
		size_t e = sl ? (size_t)(sl - p) : n;
		if (!plain_component(p + i, e - i))
			abort();
		if (!sl)
			break;
		i = e + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ruru_buf id = RURU_BUF_INIT, rel = RURU_BUF_INIT, v = RURU_BUF_INIT;
	enum web_route r = web_route(s, size, &id, &rel);
	if (r == WEB_SESSION || r == WEB_ARTIFACT || r == WEB_FILE) {
		if (memchr(id.ptr, '/', id.len))
			abort();
		plain_path(id.ptr, id.len);
		if (r != WEB_SESSION)
			plain_path(rel.ptr, rel.len);
	}
	static const char *const names[] = { "csrf", "artifact", "action", "reason" };
	for (size_t i = 0; i < 4; i++)
		if (web_form_get(s, size, names[i], &v) &&
		    ruru_text_scan(v.ptr, v.len, 0, NULL) != v.len)
			abort();

	struct ruru_buf once = RURU_BUF_INIT, twice = RURU_BUF_INIT;
	ruru_redact(&once, s, size);
	ruru_redact(&twice, once.ptr, once.len);
	if (once.len != twice.len || memcmp(once.ptr, twice.ptr, once.len) != 0)
		abort();
	ruru_buf_release(&once);
	ruru_buf_release(&twice);
	ruru_buf_release(&id);
	ruru_buf_release(&rel);
	ruru_buf_release(&v);
	return 0;
}
