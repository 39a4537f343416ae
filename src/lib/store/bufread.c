/*
 * bufread.c — ruru_buf_read_file(), the public "read a file into a buffer",
 * through the storage layer (inside a workspace, never a symlink or a
 * FIFO).  It sits in the store layer, not in buf.c, because the buffer is
 * below the store: buf.c calls nothing above the error record.
 */
#include "store.h"
#include "banned.h"

int ruru_buf_read_file(struct ruru_buf *b, const char *path, struct ruru_error *err)
{
	return ruru_read_file(path, b, err);
}
