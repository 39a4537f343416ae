/*
 * cli.h — the `ruru` command's table.  Every command is one designated-
 * initialiser entry (tmux cmd.c, git git.c): its name, argument synopsis,
 * one-line summary, options and the function that runs it.  Usage errors,
 * `--help` and `ruru help` are all generated from the table, and a test
 * holds the table against doc/ruru.1.  Each command group lives in
 * src/cli/cmd-<group>.c and exports one NULL-terminated array.
 */
#ifndef RURU_CLI_H
#define RURU_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "ruru.h"

#define CLI_MAX_OPTS 16

/*
 * An option.  A command with options is a library verb (cli_cmd.verb), and
 * each row of its table names the verb's argument it is (`.row`) and adds
 * only how the CLI shows it: the short letter and the metavariable (none
 * for a flag).  Its long name, help, requiredness, alternatives,
 * repeatability and words come from the verb's row (struct ruru_arg), so
 * they are written once for both front ends; main.c fills the fields
 * below in before the command's options are parsed or shown.  A command
 * that fixes part of the verb (`confirm skip` fixes the decision) may
 * spell an option its own way (.name), say more about it (.help) and
 * require it (.required); an option may be repeated (.multi) where the
 * verb takes one value.
 */
struct cli_opt {
	/* What a command's table gives. */
	const char *row;   /* the verb's argument (ruru_verb_arg) */
	char short_name;   /* 0 when none */
	const char *arg;   /* metavariable; NULL for a flag */
	bool multi;        /* may be repeated; values collected in order */
	bool quiet_words;  /* the metavariable names the words: help does not list them */
	const char *name;  /* long name, without "--" (from the row unless given) */
	const char *help;  /* (from the row unless given) */
	bool required;     /* printed without brackets (the row's, or given) */
	/* Filled in from the verb's row (main.c). */
	const struct ruru_arg *lib_row; /* the row: the parser checks values against it */
	const char *lib_arg; /* the library's name for it (errors name it so) */
	/* options with the same non-zero `choice` are alternatives of which
	 * one is required: (--a X | --b Y) */
	int choice;
	/* the value is a word of a library vocabulary, which help lists */
	bool words;
};

struct cli_args {
	int argc;          /* positional arguments */
	char **argv;
	int nopts;         /* rows of the command's option table */
	const char *val[CLI_MAX_OPTS]; /* last value ("" for a set flag) */
	const char **multi[CLI_MAX_OPTS];
	size_t nmulti[CLI_MAX_OPTS];
	size_t num[CLI_MAX_OPTS]; /* an integer option's value, else its row's default */
};

/* Global state every command sees: the global options and output. */
struct cli_ctx {
	const char *root;    /* --root, or NULL */
	const char *session; /* -s/--session, or NULL */
	bool json;           /* --json */
	const struct cli_cmd *cmd;
	struct ruru_error err; /* filled by a failing command */
	struct ruru_options opts; /* from the environment (cli_options_from_env) */
	char **argv;              /* the command line as given (for the ruru-web helper) */
};

struct cli_cmd {
	const char *group;   /* "toml" for `ruru toml decode`; NULL for top level */
	const char *name;
	const char *verb;    /* the library verb (ruru_verb_find) whose arguments it takes */
	const char *args;    /* positional synopsis, e.g. "[FILE]" */
	const char *summary;
	const struct cli_opt *opts; /* nopts rows; set both with CLI_OPTS() */
	int nopts;
	int min_args, max_args;     /* max -1: no limit */
	/* Returns an exit status; on failure ctx->err holds the message. */
	int (*run)(struct cli_ctx *ctx, struct cli_args *a);
	/* the operands are free text or values, so
	 * a word is an option only when it is one of the command's options
	 * (or "--word", an unknown one); any other word is an operand even
	 * when it starts with '-' ("- fixed the bug", "-5 tests", -1).
	 * Options may follow the operands; "--" ends them (main.c's
	 * option_word, ruru(1) and the command's --help say the same). */
	bool free_operands;
	/* an operand whose value is a word of the verb's row `operand_row`
	 * (help lists them, the parser checks it): its metavariable, e.g.
	 * "STATUS", and its place among the operands (0: the first). */
	const char *operand_words;
	const char *operand_row;
	int operand_at;
};

/*
 * Options bound at compile time.  Each command's option table is indexed by
 * an enum beside the command (`enum { LIST_STATUS, LIST_TAG, LIST_NOPTS };`),
 * declared with that many rows and filled with designated initialisers
 * (`[LIST_STATUS] = { .row = "status", .arg = "STATUS" }`), and named in the command's
 * entry with CLI_OPTS(table).  A misspelt option is then a compile error, a
 * row out of range too; a row left empty is found when ruru starts
 * (main.c checks every table), and an index past the command's table
 * aborts.  Several commands may share one table and so one enum.
 */
#define CLI_OPTS(table) .opts = (table), .nopts = (int)(sizeof(table) / sizeof((table)[0]))
/* The option's value: NULL when not given, "" for a flag that was given. */
const char *cli_val(const struct cli_args *a, int opt);
/* Whether the option (a flag or one with a value) was given. */
bool cli_set(const struct cli_args *a, int opt);
/* Every value of a repeatable (.multi) option, in order; *n of them. */
const char *const *cli_all(const struct cli_args *a, int opt, size_t *n);
/* The value of integer option `opt`, else its row's default (the parser
 * has held it to the row's range: a bad one is a usage error before the
 * command runs, and so is a word that is not one of a row's words). */
size_t cli_num(const struct cli_args *a, int opt);

/* Report a failure held in ctx->err: print it and return its exit code. */
int cli_fail(struct cli_ctx *ctx);
/* The error line for ctx->err in the CLI's words: the library's message,
 * then its argument as this command's flag and its hint as a command
 * (errors.c). */
void cli_error_text(const struct cli_ctx *ctx, struct ruru_buf *out);
/* Usage error for the current command: print and return RURU_EUSAGE. */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print one diagnostic line on stderr, "ruru: " not prepended, control
 * characters made visible (ruru_text_escape). */
void cli_print_escaped_line(const char *line);
/* Append one field of a tab-separated row with control characters and the
 * backslash escaped C-style (\t, \n, \r, \\, \xNN): a title holding a
 * newline, a tab or a terminal escape cannot break the row (util.c). */
void cli_add_tsv_field(struct ruru_buf *out, const char *s);
/* Write bytes to stdout; false (and ctx->err set) on failure. */
bool cli_write(struct cli_ctx *ctx, const void *data, size_t len);

/* Open the workspace of --root (or discovery); NULL after printing. */
struct ruru_ws *cli_ws(struct cli_ctx *ctx);
/*
 * The human view (`ruru serve`, `ruru export --html`).  In the ruru-web
 * helper (web.c) these run the web front end; in ruru (webexec.c) they run
 * that helper with the same command line: found beside the running
 * executable first, then in RURU_LIBEXECDIR (the install's
 * $(PREFIX)/libexec/ruru).
 */
enum { SERVE_PORT, SERVE_BIND, SERVE_OPEN, SERVE_AS, SERVE_NOPTS };
int cli_web_serve(struct cli_ctx *ctx, struct cli_args *a);
int cli_web_export_html(struct cli_ctx *ctx, struct cli_args *a, const char *dir, unsigned flags);

/* The root a command names: --root, else RURU_ROOT, else NULL (discovery). */
const char *cli_root(const struct cli_ctx *ctx);
/* Fill `o` from the environment, once at start-up: the library reads none
 * of it itself (strings borrowed from the environment or static). */
void cli_options_from_env(struct ruru_options *o);
/* The session of -s/--session or `id` (positional), else the active one;
 * NULL with ctx->err set. */
char *cli_session(struct cli_ctx *ctx, struct ruru_ws *ws, const char *id);
/* Print a JSON object with schema_version first (takes the reference). */
bool cli_print_json(struct cli_ctx *ctx, json_t *obj);
/* A command's typed result `r` (struct ruru_X) as --json asks: its
 * converter ruru_X_json(), else its one text ruru_X_text(); sets `rc` to
 * a failure's exit status when the output cannot be written. */
#define CLI_PRINT_RESULT(ctx, rc, X, r)                                                  \
	do {                                                                             \
		struct ruru_buf text_ = RURU_BUF_INIT;                                   \
		if (!(ctx)->json)                                                        \
			ruru_##X##_text((r), &text_);                                    \
		if (!((ctx)->json ? cli_print_json((ctx), ruru_##X##_json(r))           \
				  : cli_write((ctx), text_.ptr, text_.len)))            \
			(rc) = cli_fail(ctx);                                            \
		ruru_buf_release(&text_);                                                \
	} while (0)
/* Read FILE, or stdin for "-", into b. */
int cli_read_input(struct cli_ctx *ctx, const char *file, struct ruru_buf *b);

/* Command groups, one per src/cli/cmd-<group>.c (listed in main.c). */
extern const struct cli_cmd cli_cmds_session[];
extern const struct cli_cmd cli_cmds_artifact[];
extern const struct cli_cmd cli_cmds_mcp[];
extern const struct cli_cmd cli_cmds_toml[];
extern const struct cli_cmd cli_cmds_confirm[];
extern const struct cli_cmd cli_cmds_merge[];
/* search and reindex */
extern const struct cli_cmd cli_cmds_search[];

/* Agent hosts (cmd-host.c): `prime`, `instructions`, and the part of
 * `init` that --host, --dry-run and --remove ask for (prints what it did
 * or the diff; *report gets the library's report). */
extern const struct cli_cmd cli_cmds_host[];
int cli_init_hosts(struct cli_ctx *ctx, const char *dir, const char *spec, bool dry, bool remove,
		   bool force, bool capture, json_t **report);
extern const struct cli_cmd cli_cmds_task[]; /* V7 */

/* export --md/--json/--html of sessions, redacted (cmd-export.c, issue
 * #15); `export` itself sits in cmd-confirm.c with --agent-trace, which
 * passes its parsed options (html: the folder of --html, or NULL). */
int cli_export_sessions(struct cli_ctx *ctx, struct cli_args *a, bool md, const char *html,
			bool no_redact);
/* capture --hook HOST and import HOST FILE (cmd-capture.c) */
extern const struct cli_cmd cli_cmds_capture[];
/* `ruru serve` (cmd-serve.c) */
extern const struct cli_cmd cli_cmds_serve[];

#endif
