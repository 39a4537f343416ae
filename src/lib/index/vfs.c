/*
 * vfs.c — SQLite's file layer for the index, through the storage layer's
 * fault injection (see below).  schema.c opens every index connection
 * with it.
 */
#include <pthread.h>
#include <string.h>

#include "index_int.h"
#include "store.h"
#include "banned.h"

/*
 * SQLite writes the index with its own system calls.  This VFS is the
 * default one with every write, truncate and sync first asking the
 * storage layer's fault injection (RURU_FAULT, store.h), so the tests
 * can fail the N-th write of an index update like any other write of
 * ruru's and show that the next command still answers correctly.
 */
struct fault_file {
	sqlite3_file base;
	sqlite3_file *real; /* the default VFS's file, right after this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

#define REAL(f) (((struct fault_file *)(f))->real)

static int ff_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods->xClose(REAL(f));
	f->pMethods = NULL;
	return rc;
}
static int ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	if (ruru_store_fault("write"))
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (ruru_store_fault("truncate"))
		return SQLITE_IOERR_TRUNCATE;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int ff_sync(sqlite3_file *f, int flags)
{
	if (ruru_store_fault("fsync"))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int ff_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int ff_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int ff_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int ff_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int ff_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int ff_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int ff_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	if (extend && ruru_store_fault("write"))
		return SQLITE_IOERR_SHMMAP;
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int ff_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3, ff_close, ff_read, ff_write, ff_truncate, ff_sync, ff_size, ff_lock, ff_unlock,
	ff_reserved, ff_control, ff_sector, ff_device, ff_shm_map, ff_shm_lock, ff_shm_barrier,
	ff_shm_unmap, ff_fetch, ff_unfetch,
};

static int ff_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	struct fault_file *ff = (struct fault_file *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	f->pMethods = NULL;
	if ((flags & SQLITE_OPEN_CREATE) && ruru_store_fault("open"))
		return SQLITE_CANTOPEN;
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	if (ff->real->pMethods) {
		if (ff->real->pMethods->iVersion < 3) { /* not the unix VFS we know */
			ff->real->pMethods->xClose(ff->real);
			return SQLITE_CANTOPEN;
		}
		f->pMethods = &fault_io;
	}
	return rc;
}

static pthread_once_t fault_vfs_once = PTHREAD_ONCE_INIT;

static void fault_vfs_register(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	fault_vfs = *real_vfs; /* the unix VFS's own functions, its app data */
	fault_vfs.zName = "ruru-faults";
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile;
	fault_vfs.xOpen = ff_open;
	fault_vfs.pNext = NULL;
	if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK)
		real_vfs = NULL;
}

const char *idx_vfs(void)
{
	pthread_once(&fault_vfs_once, fault_vfs_register);
	return real_vfs ? "ruru-faults" : NULL;
}
