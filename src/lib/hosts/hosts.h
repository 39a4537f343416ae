/*
 * hosts.h — library-internal: what the files of `ruru init --host`
 * (src/lib/hosts/) share, and the part `init --mcp` (mcpconfig.c) uses.
 *
 * hosts.c holds the hosts and the command; it plans each host's files
 * through one file per format, each calling only plan.c and the ones
 * before it: plan.c (every file read once, edited in memory, written all
 * or nothing; the dry run's diff), markdown.c (the instructions block),
 * servers.c (JSON: ruru's MCP server entry, and the JSON helpers),
 * hooks.c (JSON: the hooks that run `ruru prime` and `ruru capture`),
 * codex.c (TOML: Codex's server table).
 */
#ifndef RURU_HOSTS_H
#define RURU_HOSTS_H

#include <jansson.h>

#include "ruru.h"
#include "jsonedit.h"

#define BEGIN_MARK "<!-- ruru:begin -->"
#define END_MARK "<!-- ruru:end -->"

enum mcp_style { MCP_NONE = 0, MCP_SERVERS, MCP_KILO, MCP_CODEX };

struct host {
	const char *name, *label;
	const char *detect[3];   /* folders whose presence means the host is used */
	const char *instr;       /* the instructions file */
	const char *instr_head;  /* text before the block in a file ruru creates */
	const char *mcp[2];      /* MCP configuration files */
	enum mcp_style style[2];
	bool jsonc;              /* the host reads comments in its JSON settings */
	const char *hooks;       /* the file of its hooks ({"hooks": {EVENT: [...]}}) */
	const char *events[2];   /* the hook events that run `ruru prime --hook NAME` */
	const char *note;        /* told to the user after init */
};

/* ------------------------------------------------------------ the plan */

struct pfile {
	char *rel;
	bool existed, gone;
	struct ruru_buf old, cur;
	bool written; /* hosts_plan_commit changed it on disk */
	char *made;   /* the topmost folder hosts_plan_commit made for it */
};

struct plan {
	const char *dir;
	const struct ruru_options *opts; /* the front end's: diff's environment */
	struct ruru_store *store; /* dir */
	struct pfile *f;
	size_t n;
	json_t *notes;
	bool force; /* replace a server entry named ruru that is not ruru's own */
};

/* The plan's file `rel` (read on first use; a symlink to another file of
 * the project is followed by name, inside it).  NULL with err set. */
struct pfile *hosts_plan_file(struct plan *p, const char *rel, struct ruru_error *err);
/* Replace f's planned text. */
void hosts_set_text(struct pfile *f, const char *s, size_t len);
/* RURU_EINVALID at `rel`'s line and column of offset `off` in `text`. */
int hosts_invalid_at(struct ruru_error *err, const char *rel, const char *text, size_t off,
		     const char *what);
/* LF line breaks to CRLF (those that are not already). */
void hosts_to_crlf(struct ruru_buf *b);
/* Write (or, dry, diff into *diff) every changed file of the plan;
 * `files` (may be NULL) gets each one's path and action.  When a write
 * fails, those already written are put back. */
int hosts_plan_commit(struct plan *p, bool dry, struct ruru_buf *diff,
		      struct ruru_hosts_report *files, struct ruru_error *err);
void hosts_plan_release(struct plan *p);

/* markdown.c: ruru's block between BEGIN_MARK and END_MARK in `rel`
 * (a new file starts with `head`, may be NULL); with `remove`, taken out. */
int hosts_md_block(struct plan *p, const char *rel, const char *head, const char *block,
		   bool remove, struct ruru_error *err);

/* servers.c: JSON files of the plan. */
/* The plan's JSON file `rel` (*f) loaded into *d (with comments when
 * `comments`; a new file is "{}"): 1, or 0 when there is nothing to do (a
 * removal from a file that is not there), or -1 with err set (the file's
 * position for text that is not a JSON object). */
int hosts_json_open(struct plan *p, const char *rel, bool comments, bool remove, struct pfile **f,
		    struct ruru_jdoc *d, struct ruru_error *err);
int hosts_json_member(struct ruru_jdoc *d, int obj, const char *key, const char *rel, bool create,
		      struct ruru_error *err);
void hosts_json_finish(struct pfile *f, struct ruru_jdoc *d, bool remove);
int hosts_json_remove_up(struct ruru_jdoc *d, int n, struct ruru_error *err);
/* Is the first word of shell command `cmd` a path to ruru?  *rest gets
 * what follows it. */
bool hosts_runs_ruru(const char *cmd, const char **rest);
/* What an MCP server entry `have` (plain JSON) does that ruru's own does
 * not, into `why`; the env keys that change how a program is loaded into
 * `loader`. */
void hosts_entry_differs(const json_t *have, enum mcp_style style, struct ruru_buf *why,
			 struct ruru_buf *loader);
/* The refusal (or, with force, the note) for an entry not ruru's own. */
int hosts_foreign_entry(struct plan *p, const char *rel, const char *where,
			const struct ruru_buf *why, const struct ruru_buf *loader,
			struct ruru_error *err);
/* ruru's server entry in a JSON file of style MCP_SERVERS or MCP_KILO. */
int hosts_json_mcp(struct plan *p, const char *rel, enum mcp_style style, bool jsonc, bool remove,
		   struct ruru_error *err);

/* hooks.c: the hooks that run `ruru prime --hook HOST` (h->events in
 * h->hooks), and those that run `ruru capture --hook HOST`. */
int hosts_prime_hooks(struct plan *p, const struct host *h, bool remove, struct ruru_error *err);
int hosts_capture_hooks(struct plan *p, const char *host, bool remove, struct ruru_error *err);
/* Whether `host` has capture hooks at all. */
bool hosts_capture_has(const char *host);

/* codex.c: [mcp_servers.ruru] in Codex's config.toml. */
int hosts_codex_toml(struct plan *p, const char *rel, bool remove, struct ruru_error *err);

/* Merge {"mcpServers": {"ruru": {"command": "ruru", "args": ["mcp"]}}}
 * into `dir`/`rel` (made when missing), format preserving: every other
 * byte stays.  RURU_EINVALID (FILE:LINE:COL) for a file that is not a
 * JSON object; RURU_EREFUSED for a path that leads out of `dir`. */
int ruru_hosts_mcp_file(const char *dir, const char *rel, struct ruru_error *err);

#endif
