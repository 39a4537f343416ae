/*
 * markdown.c — the instructions block of `ruru init --host` in a host's
 * Markdown file (CLAUDE.md, AGENTS.md, rules files, Claude Code's slash
 * commands): ruru's text between "<!-- ruru:begin -->" and
 * "<!-- ruru:end -->", appended after a blank line when absent, replaced
 * in place when there, and cut out again by --remove so that the file
 * gets back its exact bytes (line breaks as the file has them).
 */
#include <string.h>

#include "hosts.h"
#include "banned.h"

/* Find a marker line; its start and the end of its line (with newline). */
static bool find_marker(const char *s, size_t len, size_t from, const char *mark, size_t *ls,
			size_t *le)
{
	size_t n = strlen(mark);
	for (size_t i = from; i + n <= len;) {
		const char *hit = memmem(s + i, len - i, mark, n);
		if (!hit)
			return false;
		size_t at = (size_t)(hit - s);
		size_t b = at;
		while (b > 0 && s[b - 1] != '\n')
			b--;
		const char *nl = memchr(s + at, '\n', len - at);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		/* Only a line that holds the marker alone (blanks around). */
		bool alone = true;
		for (size_t k = b; k < at; k++)
			alone = alone && (s[k] == ' ' || s[k] == '\t');
		for (size_t k = at + n; k < e; k++)
			alone = alone && strchr(" \t\r\n", s[k]);
		if (alone) {
			*ls = b;
			*le = e;
			return true;
		}
		i = at + n;
	}
	return false;
}

int hosts_md_block(struct plan *p, const char *rel, const char *head, const char *block,
		    bool remove, struct ruru_error *err)
{
	struct pfile *f = hosts_plan_file(p, rel, err);
	if (!f)
		return -1;
	const char *s = f->cur.ptr;
	size_t len = f->cur.len, bs, be, es, ee;
	bool has_begin = find_marker(s, len, 0, BEGIN_MARK, &bs, &be);
	bool has_end = has_begin ? find_marker(s, len, be, END_MARK, &es, &ee)
				 : find_marker(s, len, 0, END_MARK, &es, &ee);
	if (has_begin != has_end)
		return hosts_invalid_at(err, rel, s, has_begin ? bs : es,
				  has_begin ? "\"" BEGIN_MARK "\" without a following \"" END_MARK "\""
					    : "\"" END_MARK "\" without a \"" BEGIN_MARK "\" before it");
	const char *nl = memchr(s, '\n', len);
	bool crlf = nl && nl > s && nl[-1] == '\r';
	struct ruru_buf blk = RURU_BUF_INIT, out = RURU_BUF_INIT;
	ruru_buf_addstr(&blk, block);
	if (crlf)
		hosts_to_crlf(&blk);
	const char *eol = crlf ? "\r\n" : "\n";
	if (remove) {
		if (!has_begin)
			goto done;
		size_t cut_s = bs, cut_e = ee;
		/* The blank line ruru put before a block it appended; or, after
		 * a file that had no final line break, the one it added. */
		size_t el = strlen(eol);
		if (cut_e == len && cut_s >= 2 * el && !memcmp(s + cut_s - el, eol, el) &&
		    !memcmp(s + cut_s - 2 * el, eol, el))
			cut_s -= el;
		else if (cut_e == len && cut_s >= el && !memcmp(s + cut_s - el, eol, el) &&
			 !(head && cut_s == strlen(head) && !memcmp(s, head, cut_s)))
			cut_s -= el;
		ruru_buf_add(&out, s, cut_s);
		ruru_buf_add(&out, s + cut_e, len - cut_e);
		bool empty = true;
		for (size_t i = 0; i < out.len; i++)
			empty = empty && strchr(" \t\r\n", out.ptr[i]);
		if (empty || (head && out.len == strlen(head) && !memcmp(out.ptr, head, out.len)))
			f->gone = true;
		hosts_set_text(f, out.ptr, out.len);
		goto done;
	}
	if (has_begin) {
		ruru_buf_add(&out, s, bs);
		ruru_buf_add(&out, blk.ptr, blk.len);
		ruru_buf_add(&out, s + ee, len - ee);
	} else if (len == 0) {
		ruru_buf_addstr(&out, head ? head : "");
		ruru_buf_add(&out, blk.ptr, blk.len);
	} else {
		/* After a blank line; a file without a final line break gets
		 * that one line break only, so that removal gives back exactly
		 * its bytes. */
		ruru_buf_add(&out, s, len);
		ruru_buf_addstr(&out, eol);
		ruru_buf_add(&out, blk.ptr, blk.len);
	}
	f->gone = false;
	hosts_set_text(f, out.ptr, out.len);
done:
	ruru_buf_release(&blk);
	ruru_buf_release(&out);
	return 0;
}
