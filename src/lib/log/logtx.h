/*
 * logtx.h — library-internal: a change to one session log, made under the
 * session's lock.  Every writing operation (log, status, artifacts, task
 * links, confirmations, a new session) is a transaction:
 *
 *	struct ruru_logtx tx;
 *	if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
 *		return -1;
 *	... checks under the lock ...
 *	... ruru_logtx_stage_file(&tx, path, data, len, false, err) ...
 *	... ruru_logtx_array_add(&tx, "related_tasks", "TASK-1", err) ...
 *	... ruru_logtx_entry(&tx, &entry, err) ...
 *	rc = ruru_logtx_commit(&tx, err);    (always releases the lock)
 *
 * or ruru_logtx_abort(&tx) to drop it.  A verb reads: begin, check, stage,
 * log, commit.  A change that also writes other files stages them first
 * (ruru_logtx_stage_file: the bytes are written beside each target at
 * once; ruru_logtx_stage_remove: a file to delete) and makes the folders
 * they need with ruru_logtx_mkdirs; commit publishes them in the order
 * staged and then the log, and puts everything back as it was (files
 * restored or removed, folders it made removed) when any step fails;
 * abort removes the temp files and the folders.
 * begin reads only the front matter;
 * the first front-matter edit loads the whole file, and commit then makes
 * one atomic rewrite.  Entries alone are one O_APPEND write.
 *
 * Two other beginnings use the same staging: ruru_logtx_begin_new claims
 * the folder of a session that does not exist yet (its log is staged as a
 * new file; abort or a failed commit removes the folder again), and
 * ruru_logtx_begin_files stages files alone under another lock (a temp
 * proposal's .ruru/temp/.lock).  Neither has a log to edit: set,
 * array_add and entry are refused there (RURU_EFAIL).
 */
#ifndef RURU_LOGTX_H
#define RURU_LOGTX_H

#include "ruru.h"
#include "store.h"
#include "text.h"
#include "workspace.h"

enum {
	RURU_TX_ACTIVE = 1, /* refuse unless the session is active */
};

struct logtx_staged;
struct logtx_made;

struct ruru_logtx {
	struct ruru_ws *ws;
	char *id;
	char *dirpath;        /* the session's folder, relative to the root */
	char *path;           /* the log, relative to the root */
	char *display;        /* the log relative to the root, for messages */
	char *lockpath, *statepath; /* its lock and cache */
	struct ruru_store *dir; /* the session's folder, opened once (with the lock) */
	int logfd;            /* the log, open for reading since begin, or -1 */
	struct stat logst;    /* the log as begin found it (after a torn tail's cut) */
	struct ruru_buf state; /* the cache (.state) as begin found it */
	struct stat statest;  /* and its stat */
	bool have_state;
	int statefd;          /* the cache during an append, or -1 */
	struct ruru_lock lock;
	struct ruru_buf text; /* the front matter (or the whole file once loaded) */
	bool loaded;          /* text holds the whole file */
	struct ruru_frontmatter fm;
	struct ruru_toml *doc; /* the parsed front matter of text */
	struct ruru_buf appends; /* rendered entries not yet in text */
	bool dirty;           /* text differs from the file */
	enum ruru_status status;
	const char *eol;
	struct logtx_staged *staged; /* files to publish with the log */
	size_t nstaged;
	struct logtx_made *made;     /* folders made for them, undone on failure */
	size_t nmade;
	bool nolog;                  /* begin_new, begin_files: no log to change */
	char *new_dir;               /* begin_new: the session folder it made */
};

int ruru_logtx_begin(struct ruru_logtx *tx, struct ruru_ws *ws, const char *id, unsigned flags,
		     struct ruru_error *err);
/* A session that does not exist yet: make its folder in the sessions
 * folder of `layout` (RURU_ECONFLICT when
 * the name is taken, so that the caller tries the next) and take its lock.
 * The caller stages the log as a new file. */
int ruru_logtx_begin_new(struct ruru_logtx *tx, struct ruru_ws *ws, enum ruru_layout layout,
			 const char *id, struct ruru_error *err);
/* Files alone, under the lock file `lockfile` (absolute; its folder must
 * exist). */
int ruru_logtx_begin_files(struct ruru_logtx *tx, struct ruru_ws *ws, const char *lockfile,
			   struct ruru_error *err);
/* Set a front matter key to a TOML literal. */
int ruru_logtx_set(struct ruru_logtx *tx, const char *key, const char *literal,
		   struct ruru_error *err);
/* Add a string to an array key unless present (creates the key). */
int ruru_logtx_array_add(struct ruru_logtx *tx, const char *key, const char *value,
			 struct ruru_error *err);
/* Add an entry stamped now (or in->when when in->when_valid); checked
 * with entry_input_check. */
int ruru_logtx_entry(struct ruru_logtx *tx, const struct ruru_log_input *in,
		     struct ruru_error *err);
/* Stage `len` bytes for the file `path` (absolute; its folder must exist):
 * replace it (or create it: a failed commit then removes it again), or
 * with `must_be_new` create it (RURU_ECONFLICT if it exists, then or at
 * commit). */
int ruru_logtx_stage_file(struct ruru_logtx *tx, const char *path, const void *data, size_t len,
			  bool must_be_new, struct ruru_error *err);
/* Stage the removal of the file `path` (absolute): nothing when it is
 * missing; a folder, symlink or other non-file is RURU_EREFUSED. */
int ruru_logtx_stage_remove(struct ruru_logtx *tx, const char *path, struct ruru_error *err);
/* mkdir -p of `path` for files to stage there; the folders made are
 * removed again (when empty) by abort or a failed commit. */
int ruru_logtx_mkdirs(struct ruru_logtx *tx, const char *path, struct ruru_error *err);
int ruru_logtx_commit(struct ruru_logtx *tx, struct ruru_error *err);
void ruru_logtx_abort(struct ruru_logtx *tx);

/* Read a log up to the end of its front matter (all of it when it has
 * none), so that listing never reads bodies.  `path` is relative to the
 * folder `dirfd`, or with dirfd AT_FDCWD a path of `store`. */
int ruru_read_front_matter(struct ruru_store *store, int dirfd, const char *path,
			   struct ruru_buf *out, struct ruru_error *err);

/* Does the log (stat `st`) end in a torn entry, the rest of an append that
 * was interrupted (SIGKILL) according to the session's cache `state_path`
 * (relative to `dirfd`; with AT_FDCWD a path of `store`, or with no store
 * a file outside any workspace)?
 * Then *keep is the length of the log without it.  The next transaction
 * cuts it back; `check` reports it; readers ignore it. */
struct stat;
bool ruru_log_torn_tail(struct ruru_store *store, int dirfd, const char *state_path,
			const struct stat *st, off_t *keep);
/* Do the bytes after *keep look like the start of what ruru appends (a
 * line ending, then "- [")?  Callers check it before they trust the cache. */
bool ruru_log_torn_shape(const char *tail, size_t len);


/* One event, one entry (dedup.c): does the log already record the event
 * `in` stamped `when`?  The line of the entry that records it (counted in
 * the file, then on into what `tx` stages), 0 when none.  Looks at the
 * last RURU_DEDUP_TAIL bytes of the log and the entries staged in `tx`
 * only.  See dedup.c for what counts as the same event. */
#define RURU_DEDUP_SECONDS 60
#define RURU_DEDUP_TAIL 16384
size_t ruru_logtx_duplicate(struct ruru_logtx *tx, const struct ruru_log_input *in, time_t when);
bool ruru_entry_same_event(const struct ruru_entry *e, const struct ruru_log_input *in, time_t when);


#endif
