/*
 * digest.c — continuing a session (standard §8, DESIGN §6) and reading the
 * MDTM tasks it links.  The digest is what a model needs in its context to
 * pick up the work: goal, status, times, tasks with their status read from
 * their task files, artifacts, pending confirmations, and the last entries
 * — newest kept first when --max-chars bounds it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "entry.h"
#include "logtx.h"
#include "task.h"
#include "banned.h"

/* ---------------------------------------------------- pending proposals */

/* CONFIRM sidecars of the session that still wait for a step. */
static json_t *pending_confirmations(struct ruru_ws *ws, const char *id)
{
	json_t *out = json_array();
	char *dir = ruru_ws_session_path(ws, id, "artifacts");
	struct ruru_error derr;
	DIR *d = ruru_opendir(dir, &derr);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, "CONFIRM-", 8) || n < 5 || strcmp(de->d_name + n - 5, ".toml"))
			continue;
		struct ruru_buf p = RURU_BUF_INIT, b = RURU_BUF_INIT;
		struct ruru_error e;
		ruru_buf_addf(&p, "%s/%s", dir, de->d_name);
		if (ruru_read_file(p.ptr, &b, &e) == 0) {
			struct ruru_toml *doc = ruru_toml_parse(b.ptr, b.len, &e);
			const struct ruru_toml_value *st =
				doc ? ruru_toml_table_get(ruru_toml_root(doc), "status", 6) : NULL;
			const struct ruru_toml_value *tg =
				doc ? ruru_toml_table_get(ruru_toml_root(doc), "target_path", 11) : NULL;
			const char *status = st ? ruru_toml_string(st, NULL) : NULL;
			if (status && (!strcmp(status, "pending") || !strcmp(status, "approved") ||
				       !strcmp(status, "skipped"))) {
				struct ruru_buf a = RURU_BUF_INIT;
				ruru_buf_addf(&a, "artifacts/%.*s.md", (int)(n - 5), de->d_name);
				json_array_append_new(
					out, json_pack("{s:s, s:s, s:s?}", "artifact", a.ptr, "status",
						       status, "target",
						       tg ? ruru_toml_string(tg, NULL) : NULL));
				ruru_buf_release(&a);
			}
			ruru_toml_free(doc);
		}
		ruru_buf_release(&p);
		ruru_buf_release(&b);
	}
	if (d)
		closedir(d);
	free(dir);
	return out;
}

/* --------------------------------------------------------------- digest */

static void digest_text(struct ruru_buf *b, const struct ruru_session *s, json_t *tasks,
			json_t *pending, size_t max_chars)
{
	ruru_buf_addf(b, "# Continuing session %s\n\n", s->id);
	ruru_buf_addf(b, "Goal: %s\n", s->title && *s->title ? s->title : "(none)");
	ruru_buf_addf(b, "Status: %s\n", s->status_text ? s->status_text : "(unknown)");
	ruru_buf_addf(b, "Started: %s\n", s->start_text && *s->start_text ? s->start_text : "(unknown)");
	ruru_buf_addf(b, "Coordinator: %s\n", s->coordinator ? s->coordinator : "(unknown)");
	ruru_buf_addf(b, "Log: %s\n", s->path);
	if (s->goal && *s->goal)
		ruru_buf_addf(b, "\n## Goal\n\n%s\n", s->goal);
	if (json_array_size(tasks)) {
		ruru_buf_addstr(b, "\n## Tasks\n\n");
		size_t i;
		json_t *t;
		json_array_foreach(tasks, i, t) {
			const char *st = json_string_value(json_object_get(t, "status"));
			const char *ti = json_string_value(json_object_get(t, "title"));
			const char *f = json_string_value(json_object_get(t, "file"));
			ruru_buf_addf(b, "- %s [%s]%s%s%s%s%s\n",
				      json_string_value(json_object_get(t, "id")),
				      st ? st : "no task file found", ti ? " " : "", ti ? ti : "",
				      f ? " (" : "", f ? f : "", f ? ")" : "");
		}
	}
	if (s->nartifacts) {
		ruru_buf_addstr(b, "\n## Artifacts\n\n");
		for (size_t i = 0; i < s->nartifacts; i++)
			ruru_buf_addf(b, "- %s\n", s->artifacts[i]);
	}
	if (json_array_size(pending)) {
		ruru_buf_addstr(b, "\n## Pending confirmations\n\n");
		size_t i;
		json_t *p;
		json_array_foreach(pending, i, p) {
			const char *tg = json_string_value(json_object_get(p, "target"));
			ruru_buf_addf(b, "- %s → %s (%s)\n",
				      json_string_value(json_object_get(p, "artifact")), tg ? tg : "?",
				      json_string_value(json_object_get(p, "status")));
		}
	}
	/* The newest entries that fit, in time order. */
	struct ruru_buf tail = RURU_BUF_INIT, line = RURU_BUF_INIT;
	const char *head = "\n## Last entries\n\n";
	size_t budget = max_chars ? (max_chars > b->len + strlen(head) ? max_chars - b->len - strlen(head)
								      : 0)
				  : (size_t)-1;
	size_t first = s->nentries, used = 0;
	while (first > 0) {
		ruru_buf_reset(&line);
		ruru_entry_summary(&line, &s->entries[first - 1], "- ", "  ");
		if (used + line.len > budget)
			break;
		used += line.len;
		first--;
	}
	if (first < s->nentries) {
		ruru_buf_addf(b, "\n## Last entries (%zu of %zu)\n\n", s->nentries - first, s->nentries);
		for (size_t i = first; i < s->nentries; i++)
			ruru_entry_summary(b, &s->entries[i], "- ", "  ");
	}
	ruru_buf_release(&tail);
	ruru_buf_release(&line);
	if (max_chars && b->len > max_chars) {
		/* Even the header does not fit: cut at a character boundary. */
		size_t cut = max_chars >= 4 ? max_chars - 4 : 0;
		while (cut > 0 && ((unsigned char)b->ptr[cut] & 0xC0) == 0x80)
			cut--;
		b->len = cut;
		b->ptr[cut] = '\0';
		if (max_chars >= 4)
			ruru_buf_addstr(b, "...\n");
	}
}

int ruru_session_continue(struct ruru_ws *ws, const char *id, size_t max_chars, char **digest,
			  json_t **json, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return -1;
	if (!s.valid) {
		*err = *s.problem;
		ruru_session_release(&s);
		return -1;
	}
	bool resumed = s.status != RURU_STATUS_ACTIVE;
	ruru_session_release(&s);
	int rc;
	if (resumed) {
		rc = ruru_session_set_status(ws, id, RURU_STATUS_ACTIVE, "continued", err);
	} else {
		static const char msg[] = "Session continued";
		struct ruru_log_input e = { .type = RURU_EV_SESSION, .message = msg,
					    .message_len = sizeof(msg) - 1 };
		rc = ruru_session_log(ws, id, &e, err);
	}
	if (rc < 0 || ruru_ws_set_active(ws, id, err) < 0)
		return -1;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	json_t *tasks = tasks_json(ws, s.tasks, s.ntasks);
	json_t *pending = pending_confirmations(ws, id);
	struct ruru_buf b = RURU_BUF_INIT;
	digest_text(&b, &s, tasks, pending, max_chars);
	if (json) {
		json_t *o = ruru_session_json(&s, false, 0);
		json_object_set_new(o, "resumed", json_boolean(resumed));
		json_object_set_new(o, "goal", s.goal ? json_string(s.goal) : json_null());
		json_object_set(o, "tasks", tasks);
		json_object_set(o, "pending_confirmations", pending);
		json_object_set_new(o, "digest", json_stringn(b.ptr, b.len));
		*json = o;
	}
	if (digest)
		*digest = ruru_buf_detach(&b, NULL);
	ruru_buf_release(&b);
	json_decref(tasks);
	json_decref(pending);
	ruru_session_release(&s);
	return 0;
}
