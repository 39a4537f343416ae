/*
 * dedup.c — one event, one entry.  A host's hook (`ruru capture`) and the
 * model itself (`ruru log`, MCP session_log) may both record the same
 * moment: the user's prompt the hook saw a second before the model logs
 * it, a delegation the model logged before the hook saw the subagent
 * finish.  Before an entry is written under the session lock, the newest
 * entries of the log are looked at (its last RURU_DEDUP_TAIL bytes and the
 * entries the transaction already holds, never the whole file, so this
 * costs the same on a log of 100,000 entries); an entry that records the
 * same event is not written again.
 *
 * The same event: the same type, stamped within RURU_DEDUP_SECONDS of
 * each other, one of them captured (its source ends in " hook") and the
 * other not, and no field that contradicts (a different mode, task or
 * outcome).  A note or a session entry must also say the same (one
 * message starts with the other, ignoring case and spacing): notes are
 * frequent, a compaction is one moment; a session's start is not its
 * pause.  Two captured entries are the same event only when they are
 * equal (a host that runs a hook twice).  The model's entry is kept when
 * it adds what the captured one lacks (a task, an artifact, an ADR):
 * then both stay, and the model's carries the detail.  The caller learns
 * the line of the entry repeated, so that the front ends can say why
 * nothing was written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "banned.h"

static bool captured(const char *source)
{
	size_t n = source ? strlen(source) : 0;
	return n > 5 && !strcmp(source + n - 5, " hook");
}

static bool compatible(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

/* Does one text start with the other, ignoring case and runs of blanks? */
static bool same_words(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < an && strchr(" \t\r\n", a[i]))
			i++;
		while (j < bn && strchr(" \t\r\n", b[j]))
			j++;
		if (i >= an || j >= bn)
			return true;
		char x = a[i], y = b[j];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
		i++;
		j++;
	}
}

bool ruru_entry_same_event(const struct ruru_entry *e, const struct ruru_log_input *in, time_t when)
{
	if (e->type != in->type || !e->when_valid || !e->has_zone)
		return false;
	time_t d = e->when > when ? e->when - when : when - e->when;
	if (d > RURU_DEDUP_SECONDS)
		return false;
	const char *const *f = in->field;
	bool ec = captured(e->source), ic = captured(f[RURU_FIELD_SOURCE]);
	if (ec && ic) {
		/* A hook that ran twice: the very same entry. */
		return e->message_len == in->message_len &&
		       !memcmp(e->message, in->message, in->message_len) &&
		       compatible(e->mode, f[RURU_FIELD_MODE]) && !e->mode == !f[RURU_FIELD_MODE] &&
		       !strcmp(e->source, f[RURU_FIELD_SOURCE]);
	}
	if (!ec && !ic)
		return false;
	if (!compatible(e->mode, f[RURU_FIELD_MODE]) || !compatible(e->task, f[RURU_FIELD_TASK]) ||
	    !compatible(e->outcome, f[RURU_FIELD_OUTCOME]))
		return false;
	if ((in->type == RURU_EV_NOTE || in->type == RURU_EV_SESSION) &&
	    !same_words(e->message, e->message_len, in->message, in->message_len))
		return false;
	if (ec) {
		/* The model writes after the hook: keep its entry when it adds a
		 * detail the captured one lacks. */
		if ((f[RURU_FIELD_TASK] && !e->task) || (f[RURU_FIELD_ARTIFACT] && !e->artifact) ||
		    f[RURU_FIELD_ADR] || (f[RURU_FIELD_MODE] && !e->mode))
			return false;
	}
	return true;
}

/* The log's last `max` bytes into `out` and its size into `size`: from the
 * text the transaction holds when that is the whole file as it is, else
 * from the log's fd that begin opened (under the lock, so the size begin
 * saw is the size now), else read afresh. */
static int log_tail(struct ruru_logtx *tx, size_t max, struct ruru_buf *out, off_t *size)
{
	if (tx->loaded && !tx->dirty) {
		size_t want = tx->text.len < max ? tx->text.len : max;
		ruru_buf_add(out, tx->text.ptr + tx->text.len - want, want);
		*size = (off_t)tx->text.len;
		return 0;
	}
	if (tx->logfd >= 0 && S_ISREG(tx->logst.st_mode)) {
		size_t total = (size_t)tx->logst.st_size, want = total < max ? total : max, got = 0;
		ruru_buf_grow(out, want);
		while (got < want) {
			ssize_t n = pread(tx->logfd, out->ptr + got, want - got,
					  (off_t)(total - want + got));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		out->len = got;
		out->ptr[got] = '\0';
		*size = tx->logst.st_size;
		return 0;
	}
	struct ruru_error ignore = { 0 };
	return ruru_store_read_tail(ruru_ws_store(tx->ws), tx->path, max, out, size, &ignore);
}

/* Lines before byte `off` of the log (read whole: only when a duplicate
 * was found in a tail that does not begin at the file's start). */
static size_t lines_before(struct ruru_logtx *tx, size_t off)
{
	struct ruru_buf all = RURU_BUF_INIT;
	struct ruru_error ignore = { 0 };
	size_t n = 0;
	if (ruru_store_read(ruru_ws_store(tx->ws), tx->path, &all, &ignore) == 0) {
		if (off > all.len)
			off = all.len;
		for (const char *p = all.ptr, *e = all.ptr + off; (p = memchr(p, '\n', (size_t)(e - p))); p++)
			n++;
	}
	ruru_buf_release(&all);
	return n;
}

size_t ruru_logtx_duplicate(struct ruru_logtx *tx, const struct ruru_log_input *in, time_t when)
{
	if (!tx->path || tx->nolog)
		return 0;
	struct ruru_buf tail = RURU_BUF_INIT;
	off_t size = 0;
	size_t start = 0, from_file = 0;
	if (log_tail(tx, RURU_DEDUP_TAIL, &tail, &size) == 0) {
		from_file = tail.len;
		if ((size_t)size > tail.len) {
			/* Begin at a line: the first one may be cut. */
			const char *nl = memchr(tail.ptr, '\n', tail.len);
			start = nl ? (size_t)(nl - tail.ptr) + 1 : tail.len;
		}
	}
	/* What this transaction already holds counts too. */
	ruru_buf_add(&tail, tx->appends.ptr, tx->appends.len);
	struct ruru_entry *ents = NULL;
	size_t n = start <= tail.len ? ruru_entries_parse(tail.ptr, tail.len, start, &ents) : 0;
	size_t line = 0;
	for (size_t i = n; i-- > 0 && !line;)
		if (ruru_entry_same_event(&ents[i], in, when))
			line = ents[i].line;
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&ents[i]);
	free(ents);
	ruru_buf_release(&tail);
	/* The entry's line counts from the tail's first byte; the file's
	 * lines before the tail come first. */
	if (line && (size_t)size > from_file)
		line += lines_before(tx, (size_t)size - from_file);
	return line;
}
