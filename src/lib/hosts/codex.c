/*
 * codex.c — ruru's MCP server in Codex's .codex/config.toml: the table
 * [mcp_servers.ruru] appended (every other byte stays), or a member of an
 * inline `mcp_servers = { ... }` through the format-preserving TOML editor;
 * removal checks that the document then means exactly what it meant
 * before ruru's entry.
 */
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "text.h"
#include "banned.h"

/* Tagged JSON of a document, for comparing meanings. */
static json_t *toml_meaning(const char *s, size_t len, struct ruru_error *err)
{
	struct ruru_toml *doc = ruru_toml_parse(s, len, err);
	if (!doc)
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_toml_to_tagged_json(ruru_toml_root(doc), &b);
	ruru_toml_free(doc);
	json_t *j = json_loadb(b.ptr, b.len, 0, NULL);
	ruru_buf_release(&b);
	return j;
}

static const char codex_table[] = "[mcp_servers.ruru]\ncommand = \"ruru\"\nargs = [\"mcp\"]\n";
static const char codex_inline[] = "{ command = \"ruru\", args = [\"mcp\"] }";

/* Tagged JSON ({"type", "value"} leaves) as plain JSON: strings stay
 * strings, other scalars keep their text. */
static json_t *untag(const json_t *v)
{
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach((json_t *)v, i, x)
			json_array_append_new(a, untag(x));
		return a;
	}
	if (!json_is_object(v))
		return json_incref((json_t *)v);
	json_t *type = json_object_get(v, "type"), *val = json_object_get(v, "value");
	if (json_object_size(v) == 2 && json_is_string(type) && json_is_string(val)) {
		const char *t = json_string_value(type);
		if (!strcmp(t, "bool"))
			return json_boolean(!strcmp(json_string_value(val), "true"));
		if (!strcmp(t, "integer"))
			return json_integer(strtoll(json_string_value(val), NULL, 10));
		return json_incref(val);
	}
	json_t *o = json_object();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
		json_object_set_new(o, k, untag(x));
	return o;
}

/* Is the line at `s[k..]` the header of [mcp_servers.ruru] or of one of
 * its sub-tables ([mcp_servers.ruru.env])? */
static bool ruru_header(const char *s, size_t k, size_t e)
{
	static const char hdr[] = "[mcp_servers.ruru";
	size_t n = sizeof(hdr) - 1;
	return e - k > n && !memcmp(s + k, hdr, n) && (s[k + n] == ']' || s[k + n] == '.');
}

/* `s` without the tables [mcp_servers.ruru] and [mcp_servers.ruru.*]
 * (header to the next header); the line break ruru put before a table it
 * appended goes with it.  False when there is none. */
static bool cut_ruru_tables(const char *s, size_t len, const char *eol, struct ruru_buf *out)
{
	bool found = false;
	size_t el = strlen(eol);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		size_t k = i;
		while (k < e && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (!ruru_header(s, k, e)) {
			ruru_buf_add(out, s + i, e - i);
			i = e;
			continue;
		}
		found = true;
		size_t he = e;
		while (he < len) { /* to the next line that opens a table */
			const char *n2 = memchr(s + he, '\n', len - he);
			size_t e2 = n2 ? (size_t)(n2 - s) + 1 : len;
			size_t k2 = he;
			while (k2 < e2 && (s[k2] == ' ' || s[k2] == '\t'))
				k2++;
			if (k2 < e2 && s[k2] == '[')
				break;
			he = e2;
		}
		if (he == len) {
			/* At the end: ruru appended it after a blank line, or after
			 * the one line break it added to a file without one. */
			if (out->len >= 2 * el && !memcmp(out->ptr + out->len - el, eol, el) &&
			    !memcmp(out->ptr + out->len - 2 * el, eol, el))
				out->len -= el;
			else if (out->len >= el && !memcmp(out->ptr + out->len - el, eol, el))
				out->len -= el;
			if (out->ptr)
				out->ptr[out->len] = '\0';
		}
		i = he;
	}
	return found;
}

/* `before` (tagged JSON) without mcp_servers.ruru, as the document should
 * mean once ruru's table is out. */
static void drop_ours(json_t *before, const json_t *after)
{
	json_t *servers = json_object_get(before, "mcp_servers");
	json_object_del(servers, "ruru");
	if (servers && json_object_size(servers) == 0 && !(after && json_object_get(after, "mcp_servers")))
		json_object_del(before, "mcp_servers");
}

/*
 * .codex/config.toml: ruru's server as the table [mcp_servers.ruru] with
 * command and args, appended at the end of the file (comments and every
 * other byte stay), or as a member of `mcp_servers = { ... }` when the
 * servers are an inline table (through the format-preserving TOML
 * editor).  An entry that is not ruru's own is left and refused (with
 * force: replaced whole).  Removal cuts what ruru added and checks that
 * the document's meaning is exactly the old one without it.
 */
int hosts_codex_toml(struct plan *p, const char *rel, bool remove, struct ruru_error *err)
{
	struct pfile *f = hosts_plan_file(p, rel, err);
	if (!f)
		return -1;
	if (remove && !f->existed)
		return 0;
	json_t *before = toml_meaning(f->cur.ptr, f->cur.len, err);
	if (!before) {
		ruru_error_set_file(err, rel);
		return -1;
	}
	json_t *servers = json_object_get(before, "mcp_servers");
	json_t *ours = json_object_get(servers, "ruru");
	struct ruru_buf out = RURU_BUF_INIT, why = RURU_BUF_INIT, loader = RURU_BUF_INIT;
	json_t *plain = ours ? untag(ours) : NULL;
	if (plain)
		hosts_entry_differs(plain, MCP_CODEX, &why, &loader);
	int rc = -1;
	const char *s = f->cur.ptr;
	size_t len = f->cur.len;
	const char *nl0 = memchr(s, '\n', len);
	bool crlf = nl0 && nl0 > s && nl0[-1] == '\r';
	const char *eol = crlf ? "\r\n" : "\n";
	bool replace = false;
	if (!remove && ours && !why.len) {
		rc = 0; /* ruru's own already */
		goto out;
	}
	if (!remove && ours) {
		if (hosts_foreign_entry(p, rel, "[mcp_servers.ruru]", &why, &loader, err) < 0)
			goto out;
		replace = true;
	}
	if (remove && ours && why.len && !p->force) {
		json_array_append_new(p->notes,
				      json_sprintf("%s: [mcp_servers.ruru] is not the one ruru writes (it "
						   "differs in: %s); left in place",
						   rel, why.ptr));
		rc = 0;
		goto out;
	}
	if (remove || replace) {
		if (!ours) {
			rc = 0;
			goto out;
		}
		bool cut = cut_ruru_tables(s, len, eol, &out);
		if (!cut) {
			/* An inline entry: mcp_servers = { ruru = {...} } or a dotted key. */
			ruru_buf_reset(&out);
			struct ruru_error e2 = { 0 };
			cut = ruru_toml_edit_remove(&out, s, len, "mcp_servers.ruru", &e2) == 0;
		}
		json_t *after = cut ? toml_meaning(out.ptr ? out.ptr : "", out.len, err) : NULL;
		drop_ours(before, after);
		bool same = after && json_equal(after, before);
		json_decref(after);
		if (!same) {
			ruru_error_set(err, RURU_ECONFLICT,
				       "cannot take [mcp_servers.ruru] out without changing other keys; "
				       "remove it by hand");
			ruru_error_set_file(err, rel);
			goto out;
		}
		if (remove) {
			hosts_set_text(f, out.ptr, out.len);
			bool empty = true;
			for (size_t i = 0; i < out.len; i++)
				empty = empty && strchr(" \t\r\n", out.ptr[i]);
			f->gone = empty;
			rc = 0;
			goto out;
		}
		/* Replace: add ruru's own to what is left. */
		hosts_set_text(f, out.ptr, out.len);
		json_decref(before);
		before = toml_meaning(f->cur.ptr, f->cur.len, err);
		servers = json_object_get(before, "mcp_servers");
		s = f->cur.ptr;
		len = f->cur.len;
		ruru_buf_reset(&out);
	}
	ruru_buf_add(&out, s, len);
	/* After a blank line; a file without a final line break gets that one
	 * line break only, so that removal gives back exactly its bytes. */
	if (len)
		ruru_buf_addstr(&out, eol);
	struct ruru_buf tb = RURU_BUF_INIT;
	ruru_buf_addstr(&tb, codex_table);
	if (crlf)
		hosts_to_crlf(&tb);
	ruru_buf_add(&out, tb.ptr, tb.len);
	ruru_buf_release(&tb);
	struct ruru_error e2 = { 0 };
	json_t *after = toml_meaning(out.ptr, out.len, &e2);
	json_decref(after);
	if (!after) {
		/* Servers written as an inline table (mcp_servers = { ... }) or
		 * as dotted keys cannot take a table after them: ruru's entry is
		 * then one more member, through the format-preserving editor. */
		ruru_buf_reset(&out);
		struct ruru_error e3 = { 0 };
		if (ruru_toml_edit_set(&out, s, len, "mcp_servers.ruru", codex_inline,
				       strlen(codex_inline), &e3) == 0)
			goto done;
		ruru_error_set(err, RURU_ECONFLICT,
			       "cannot add [mcp_servers.ruru] here (%s); add it by hand", e3.msg);
		ruru_error_set_file(err, rel);
		goto out;
	}
done:
	hosts_set_text(f, out.ptr, out.len);
	f->gone = false;
	rc = 0;
out:
	if (rc == 0)
		ruru_error_clear(err);
	json_decref(before);
	json_decref(plain);
	ruru_buf_release(&out);
	ruru_buf_release(&why);
	ruru_buf_release(&loader);
	return rc;
}
