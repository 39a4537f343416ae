/* logfile.h — what the unit tests that read whole session logs from files
 * share (test_compat.c, test_prose.c): the file read into *b (the caller
 * releases it), where its body starts after the front matter in *body, and
 * its entries parsed into *v (the caller releases each and the array).
 * A file that cannot be read fails the test.  Returns the entry count. */
#ifndef RURU_TEST_LOGFILE_H
#define RURU_TEST_LOGFILE_H

static size_t log_file_entries(const char *path, struct ruru_buf *b, size_t *body, struct ruru_entry **v)
{
	struct ruru_error err = { 0 };
	ruru_buf_init(b);
	if (ruru_buf_read_file(b, path, &err) != 0)
		fail_msg("cannot read %s: %s", path, err.msg);
	struct ruru_frontmatter fm;
	*body = ruru_frontmatter_split(b->ptr, b->len, &fm) ? fm.body : 0;
	return ruru_entries_parse(b->ptr, b->len, *body, v);
}

#endif
