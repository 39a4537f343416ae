/*
 * fmkeys.c — the one table of the session log's front-matter keys (see
 * fmkeys.h).  `id` is the session folder's name: it is checked against the
 * folder, and struct ruru_session takes it from the folder, not from here.
 */
#include <string.h>

#include "fmkeys.h"
#include "banned.h"

#define S(m) offsetof(struct ruru_session, m)
#define N(m) offsetof(struct ruru_new, m)

const struct fm_key fm_keys[] = {
	{ .name = "id", .view = "Session", .alias = "session_id", .type = FM_STRING, .off = FM_NO_FIELD,
	  .aux = FM_NO_FIELD, .required = true, .def = FM_DEF_ID },
	{ .name = "title", .view = "Title", .alias = "goal", .type = FM_STRING, .off = S(title), .aux = FM_NO_FIELD,
	  .required = true, .def = FM_DEF_OPTION, .opt = N(goal), .label = "Goal", .missing = "(none)" },
	{ .name = "status", .view = "Status", .type = FM_STATUS, .off = S(status_text), .aux = S(status),
	  .required = true, .merge = FM_MERGE_SESSION, .def = FM_DEF_ACTIVE, .label = "Status",
	  .missing = "(unknown)" },
	{ .name = "start_time", .view = "Started", .alias = "created_date", .type = FM_TIME, .off = S(start_text),
	  .aux = S(start), .required = true, .def = FM_DEF_NOW, .label = "Started",
	  .missing = "(unknown)" },
	{ .name = "end_time", .view = "Ended", .type = FM_TIME, .off = S(end_text), .aux = S(end), .empty_ok = true,
	  .merge = FM_MERGE_SESSION, .def = FM_DEF_EMPTY, .label = "Ended" },
	{ .name = "coordinator", .view = "Coordinator", .alias = "coordinator_mode", .type = FM_STRING,
	  .off = S(coordinator), .aux = FM_NO_FIELD, .def = FM_DEF_OPTION, .opt = N(coordinator),
	  .label = "Coordinator", .missing = "(unknown)" },
	{ .name = "related_tasks", .view = "Related tasks", .type = FM_STRINGS, .off = S(tasks), .aux = S(ntasks),
	  .merge = FM_MERGE_UNION, .def = FM_DEF_NONE },
	{ .name = "related_artifacts", .view = "Related artifacts", .type = FM_STRINGS, .off = S(artifacts), .aux = S(nartifacts),
	  .merge = FM_MERGE_UNION, .def = FM_DEF_NONE },
	{ .name = "tags", .view = "Tags", .type = FM_STRINGS, .off = S(tags), .aux = S(ntags),
	  .merge = FM_MERGE_UNION, .def = FM_DEF_OPTIONS, .opt = N(tags),
	  .optn = N(ntags) },
	{ .name = "source_summaries", .view = "Source summaries", .type = FM_STRINGS, .off = S(source_summaries),
	  .aux = S(nsource_summaries), .merge = FM_MERGE_UNION, .def = FM_DEF_ABSENT },
	{ 0 },
};

const struct fm_key *fm_key_find(const char *key, size_t klen)
{
	for (const struct fm_key *k = fm_keys; k->name; k++)
		if (strlen(k->name) == klen && !memcmp(k->name, key, klen))
			return k;
	return NULL;
}

bool ruru_session_key(size_t i, struct ruru_session_key *out)
{
	for (const struct fm_key *k = fm_keys; k->name; k++)
		if (!i--) {
			*out = (struct ruru_session_key){ k->name, k->view, k->type == FM_STRINGS };
			return true;
		}
	return false;
}

const char *const *ruru_session_key_value(const struct ruru_session *s, size_t i, size_t *n)
{
	const struct fm_key *k = fm_keys;
	while (k->name && i)
		k++, i--;
	*n = 0;
	if (!k->name)
		return NULL;
	if (k->off == FM_NO_FIELD) { /* the id: struct ruru_session takes it from the folder */
		*n = s->id ? 1 : 0;
		return (const char *const *)&s->id;
	}
	const char *base = (const char *)s;
	if (k->type == FM_STRINGS) {
		*n = *(const size_t *)(base + k->aux);
		return *(const char *const *const *)(base + k->off);
	}
	const char *const *v = (const char *const *)(base + k->off);
	*n = *v ? 1 : 0;
	return v;
}
