/*
 * artifact.h — library-internal: recording an artifact in a session.
 * `artifact add`, typed artifacts (typed.c) and summaries (summary.c)
 * each stage or write the file, then record it the same way.
 */
#ifndef RURU_ARTIFACT_H
#define RURU_ARTIFACT_H

#include "logtx.h"

/* Record the artifact `rel` (relative to the session folder) in the open
 * transaction: related_artifacts gets it, an artifact entry names it (and
 * `task`, when not NULL) with `message`, and the transaction is committed
 * — publishing what it staged — or, on any failure, dropped.  Either way
 * the transaction is over when this returns. */
int ruru_artifact_record(struct ruru_logtx *tx, const char *rel, const char *task,
			 const char *message, struct ruru_error *err);

/* The JSON array of the artifacts of a list, as ruru_artifact_list_json()
 * gives them under "artifacts" (new reference). */
json_t *artifact_infos_json(const struct ruru_artifact_list *l);

#endif
