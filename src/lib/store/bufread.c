/*
 * bufread.c — ruru_buf_read_file(), the public "read a file into a buffer":
 * a file the caller names, read as named (a workspace's own files are read
 * through its store, ruru_store_read).  It sits in the store layer, not in
 * buf.c, because the buffer is below the store: buf.c calls nothing above
 * the error record.
 */
#include "store.h"
#include "banned.h"

int ruru_buf_read_file(struct ruru_buf *b, const char *path, struct ruru_error *err)
{
	return ruru_file_read(path, b, err);
}
