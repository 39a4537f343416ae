/*
 * ruru.h — the public interface of libruru, the library behind the `ruru`
 * command and its MCP server.  It carries out Roo Commander's Session
 * Management Workflow V5: session logs in TOML+Markdown, typed log events,
 * artifacts, confirmations, MDTM task links.
 *
 * Conventions (the whole contract, read once):
 *  - Every symbol starts with `ruru_` / `RURU_`.
 *  - Functions that can fail return -1 (or NULL) and fill a caller-owned
 *    `struct ruru_error`; they never print and never exit.  The error's
 *    `code` is one of `enum ruru_exit`, which front ends use as exit status.
 *  - Strings carry their length where they may hold U+0000.  Anything a
 *    function returns through a pointer is owned by the caller unless the
 *    comment says it is borrowed; `_release` frees what a struct holds,
 *    `_free` frees the struct too.
 */
#ifndef RURU_H
#define RURU_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

/* Results are typed structs; each has a converter to the JSON that
 * `--json` and MCP print (jansson's json_t, which is struct json_t). */
struct json_t;

/* The version: numbers to compare at compile time
 * (#if RURU_VERSION_NUMBER >= 100), a string to show; ruru_version_number()
 * and ruru_version() say which library a program was linked with. */
#define RURU_VERSION_MAJOR 0
#define RURU_VERSION_MINOR 1
#define RURU_VERSION_PATCH 0
#define RURU_VERSION_NUMBER \
	(RURU_VERSION_MAJOR * 10000 + RURU_VERSION_MINOR * 100 + RURU_VERSION_PATCH)
#define RURU_VERSION_STR_(x) #x
#define RURU_VERSION_STR(x) RURU_VERSION_STR_(x)
#define RURU_VERSION                                                              \
	RURU_VERSION_STR(RURU_VERSION_MAJOR) "." RURU_VERSION_STR(RURU_VERSION_MINOR) "." \
		RURU_VERSION_STR(RURU_VERSION_PATCH)
int ruru_version_number(void);
const char *ruru_version(void);
/* Version of every JSON document ruru prints (`--json`, MCP results). */
#define RURU_SCHEMA_VERSION 1

/* Exit statuses, documented in ruru(1).  Error records carry one of them. */
enum ruru_exit {
	RURU_OK = 0,
	RURU_EFAIL = 1,     /* other failure (I/O, out of memory) */
	RURU_EUSAGE = 2,    /* bad command line / arguments */
	RURU_ENOTFOUND = 3, /* unknown session, file, key */
	RURU_EINVALID = 4,  /* invalid data: bad TOML, bad log, bad input */
	RURU_ECONFLICT = 5, /* lock timeout, stale target, hash mismatch, state */
	RURU_EREFUSED = 6,  /* unsafe path */
};

/* ---------------------------------------------------------------- errors */

/*
 * An error record.  `file` is empty when the error has no file; `line` and
 * `col` are 1-based and 0 when unknown.  The message is lowercase with no
 * full stop, e.g.  expected '=' after key "title", and is in the library's
 * words: it names no command-line flag, command or MCP tool.  What a front
 * end needs to word the rest in its own terms is structured: `arg`, the
 * argument at fault as the library's API names it ("reason", "outcome",
 * "force"...), and `hint`, the next step, about `subject` (a session ID, an
 * artifact path).  The CLI renders them as flags and commands (--rationale,
 * `ruru resume ID`), the MCP server as its arguments and tools.
 */
struct ruru_buf;
enum ruru_hint {
	RURU_HINT_NONE = 0,
	RURU_HINT_RESUME, /* session `subject` is not active: make it active again */
	RURU_HINT_NEW,    /* no session was named and none is active: start or name one */
	RURU_HINT_FORCE,  /* the `force` argument overrides this refusal */
	RURU_HINT_ASK,    /* proposal `subject` needs the user's answer first */
	RURU_HINT_ADOPT,  /* CONFIRM file `subject` has no record: adopt it with its target */
};
struct ruru_error {
	int code; /* enum ruru_exit */
	int line, col;
	char file[1024];
	char msg[1024];
	const char *arg; /* static string or NULL */
	enum ruru_hint hint;
	char subject[512];
};

/* Clear an error record (code RURU_OK, empty strings, no arg or hint). */
void ruru_error_clear(struct ruru_error *err);
/* Fill `err` (may be NULL) and return -1, for `return ruru_error_set(...)`.
 * The message holds at most 1,023 bytes; a longer one is cut at a
 * character boundary and ends in "...".
 * Clears line, col, arg, hint and subject but keeps `file`, so that a
 * reader may name the file first and report what it finds later (clear
 * the record, or set the file again, when that is not wanted).  Because
 * `file` is kept, a record must start cleared: declare it
 * `struct ruru_error e = { 0 };` or call ruru_error_clear() first. */
int ruru_error_set(struct ruru_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Name the argument at fault and the next step (after ruru_error_set);
 * returns -1.  `arg` must be a static string; `subject` may be NULL. */
int ruru_error_hint(struct ruru_error *err, const char *arg, enum ruru_hint hint,
		    const char *subject);
/* Set the file name an error refers to (keeps code/message). */
void ruru_error_set_file(struct ruru_error *err, const char *file);
/* Append "FILE:LINE:COL: MSG" (the parts that are known) to out. */
void ruru_error_format(const struct ruru_error *err, struct ruru_buf *out);

/* --------------------------------------------------------------- buffers */

/*
 * A growable byte buffer, always NUL-terminated (git's strbuf).  Initialise
 * with RURU_BUF_INIT or ruru_buf_init(); free with ruru_buf_release().
 * Allocation failure aborts the process (the only exception to "never
 * exits": there is nothing sensible to report with no memory).
 */
struct ruru_buf {
	char *ptr; /* never NULL: "" (ruru_buf_slopbuf) until something is added */
	size_t len, cap;
};
extern char ruru_buf_slopbuf[];
#define RURU_BUF_INIT { ruru_buf_slopbuf, 0, 0 }

void ruru_buf_init(struct ruru_buf *b);
void ruru_buf_release(struct ruru_buf *b);
void ruru_buf_reset(struct ruru_buf *b); /* len = 0, keeps memory */
void ruru_buf_grow(struct ruru_buf *b, size_t extra);
void ruru_buf_add(struct ruru_buf *b, const void *data, size_t len);
void ruru_buf_addstr(struct ruru_buf *b, const char *s);
void ruru_buf_addch(struct ruru_buf *b, int c);
void ruru_buf_addf(struct ruru_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ruru_buf_vaddf(struct ruru_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Take ownership of the bytes (never NULL); the buffer is reset. */
char *ruru_buf_detach(struct ruru_buf *b, size_t *len);
/* Read a whole file / stream; -1 with err on failure.  The file is read as
 * the caller names it (the library reads a workspace's own files only
 * through its store: never through a symlink, see ruru(1) EXIT STATUS). */
int ruru_buf_read_file(struct ruru_buf *b, const char *path, struct ruru_error *err);
int ruru_buf_read_fd(struct ruru_buf *b, int fd, struct ruru_error *err);

/* ------------------------------------------------------------ files */

/*
 * Atomic replace: write `len` bytes to a temp file ".NAME.XXXXXX" in the
 * same folder (mkostemp, O_CLOEXEC), give it the permissions of the
 * existing `path` (or `mode & ~umask` for a new file), fsync, rename over
 * `path`, fsync the folder.  On any failure before the rename the temp
 * file is removed and `path` is untouched.  If only the final folder fsync
 * fails, the new content is in place but not known to be durable: the
 * call still fails (a command that exits 0 has its change on disk).
 */
int ruru_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct ruru_error *err);

/* ------------------------------------------------------------------ text */

/*
 * The text rule (doc/design.md §2): strings that go into a log, a front matter or
 * a file name are valid UTF-8 (shortest form, no surrogates) with no NUL
 * and no control character (C0, DEL, C1) other than tab and newline; a CRLF
 * is a newline, a lone CR is not; U+2028 and U+2029 are refused too (other
 * readers break lines there).  With RURU_TEXT_LINE the text must also be
 * one line (tags, slugs, task IDs, names).
 */
enum { RURU_TEXT_LINE = 1 };
/* Offset of the first byte that breaks the rule, `len` when none; *why
 * (may be NULL) gets a borrowed description ("invalid UTF-8", ...). */
size_t ruru_text_scan(const char *text, size_t len, unsigned flags, const char **why);
/* 0 when `text` (NULL counts as fine) keeps the rule, else -1 and
 * RURU_EINVALID "WHAT holds ... at byte offset N: ..."; a line break where
 * RURU_TEXT_LINE wants one line is RURU_EUSAGE ("... must be one line").
 * `what` is a static string and becomes err->arg, so when it is the
 * argument's API name ("reason", "tag") front ends name their flag. */
int ruru_text_check(const char *what, const char *text, size_t len, unsigned flags,
		    struct ruru_error *err);
/* True when `text` is NULL, empty or only blanks and line breaks. */
bool ruru_text_blank(const char *text, size_t len);
/* The value of a hexadecimal digit (either case), or -1: the one reader of
 * hex digits (TOML escapes, the web view's %-decoding). */
int ruru_hex_digit(int c);
/* Append `text` with what a terminal would obey made visible: control
 * characters as \n, \r, \t, \xNN (so ESC is \x1b), C1, U+2028/9 and the
 * bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9) as \uNNNN, bytes
 * that are not UTF-8 as \xNN.  The one renderer of workspace text for a
 * terminal: for echoing user input in messages and every text output.  A
 * one-line field goes through it whole (a newline becomes \n); text of
 * several lines through ruru_text_escape_keep(…, "\t\n"), which keeps
 * its lines but shows every CR (a lone CR could repaint a line). */
void ruru_text_escape(struct ruru_buf *out, const char *text, size_t len);
/* The same, but the ASCII characters in `keep` (e.g. "\t") are left as they
 * are. */
void ruru_text_escape_keep(struct ruru_buf *out, const char *text, size_t len, const char *keep);
/* The one-line form of a field for a terminal, a digest or prime: `text`
 * (a C string; `none` when NULL, NULL meaning nothing) through
 * ruru_text_escape whole, so it never starts a new line. */
void ruru_text_field(struct ruru_buf *out, const char *text, const char *none);
/* A JSON string of text read from a file (NULL: JSON null): bytes that are
 * not UTF-8 become U+FFFD, so a hand-made or hostile log never makes a
 * value go missing from JSON. */
struct json_t *ruru_json_text(const char *text, size_t len);

/* ------------------------------------------------------- child processes */

/*
 * A child process run from an argv, never through a shell (git's
 * run-command): fill argv (argv[0] is looked up in PATH), env (NULL: an
 * empty environment; the library passes what struct ruru_options's `env`
 * gives it, never the process's own) and what the child's stdin, stdout
 * and stderr are;
 * ruru_child_start(); write to `in` / read from `out` when they are pipes;
 * ruru_child_finish().  The pipe ends are close-on-exec.
 */
enum ruru_child_io {
	RURU_CHILD_NULL = 0, /* /dev/null */
	RURU_CHILD_INHERIT,  /* ours */
	RURU_CHILD_PIPE,     /* a pipe; our end is `in` (stdin) or `out` (stdout) */
	RURU_CHILD_TO_OUT,   /* stderr only: wherever stdout goes */
};
struct ruru_child {
	const char *const *argv;
	char *const *env;
	enum ruru_child_io stdin_io, stdout_io, stderr_io;
	int in, out; /* our pipe ends, -1 when there is none */
	pid_t pid;
};
int ruru_child_start(struct ruru_child *c, struct ruru_error *err);
/* Close our pipe ends and wait.  Returns the exit status (>= 0), or -1
 * with err set when the child was killed by a signal or cannot be waited
 * for. */
int ruru_child_finish(struct ruru_child *c, struct ruru_error *err);
/* Start, read all of stdout into `out` (NULL: discard), finish.  stdout is
 * made a pipe; the caller chooses stdin and stderr (RURU_CHILD_TO_OUT
 * captures both).  Returns the exit status, or -1 with err set. */
int ruru_child_capture(struct ruru_child *c, struct ruru_buf *out, struct ruru_error *err);

/* `git config --get KEY` (the user's and the current repository's
 * configuration), trimmed: a malloc'd string the caller frees, or NULL when
 * it is unset, spans lines, or git cannot be run.  git runs in `opts`'s
 * environment (NULL: an empty one, so only the system's configuration). */
struct ruru_options;
char *ruru_git_config(const struct ruru_options *opts, const char *key);
/* Who the user is, one rule for every front end and the library: git's
 * user.email (RURU_IDENTITY_EMAIL: a signer as allowed_signers names it),
 * or "user.name <user.email>" (RURU_IDENTITY_NAME_EMAIL: an approver),
 * either alone when only one is set, else the login name from the password
 * database.  A malloc'd string, or NULL when there is none at all. */
enum ruru_identity { RURU_IDENTITY_EMAIL, RURU_IDENTITY_NAME_EMAIL };
char *ruru_user_identity(const struct ruru_options *opts, enum ruru_identity form);

/* ---------------------------------------------------------- front matter */

/*
 * TOML+Markdown split.  A document has front matter when its first line is
 * exactly "+++" (after an optional UTF-8 BOM, with LF or CRLF) and a later
 * line is exactly "+++".  Offsets are into the original text:
 *   [0, open)          BOM and the opening "+++" line with its newline
 *   [toml, toml_end)   the TOML text
 *   [close, body)      the closing "+++" line with its newline (if any)
 *   [body, len)        the Markdown body
 */
struct ruru_frontmatter {
	bool present;
	size_t toml, toml_end, close, body;
};

/* Returns true when `text` has front matter and fills `fm`. */
bool ruru_frontmatter_split(const char *text, size_t len, struct ruru_frontmatter *fm);
/* The offset of the first line of `toml` that is exactly "+++" (which would
 * end a front matter early), or `len` when there is none.  Edits of a front
 * matter check their result with it. */
size_t ruru_frontmatter_fence_in(const char *toml, size_t len);

/* ---- one front-matter edit: library, logtx and `toml set` */

/* One format-preserving edit of ruru_toml_edit_*, as a value. */
enum ruru_toml_edit_op {
	RURU_EDIT_SET = 0,   /* key = literal (added when absent) */
	RURU_EDIT_REMOVE,    /* the key's whole line */
	RURU_EDIT_APPEND,    /* literal appended to the array key */
	RURU_EDIT_REMOVE_AT, /* element `index` (from 0) of the array key */
};
struct ruru_toml_edit {
	enum ruru_toml_edit_op op;
	const char *key;     /* dotted, with TOML quoting */
	const char *literal; /* SET, APPEND: a TOML literal of literal_len bytes */
	size_t literal_len;
	size_t index;        /* REMOVE_AT */
};
/*
 * Apply `e` to the TOML of the document in `text`: its front matter when
 * it has one (BOM, fences and the Markdown body kept byte for byte), else
 * the whole text.  On success `text` holds the new document; on failure
 * it is untouched.  A result whose front matter would hold a line "+++"
 * (ending it early) is refused, RURU_EINVALID.  Errors' lines count from
 * the start of the document; the caller names the file.
 */
int ruru_frontmatter_edit(struct ruru_buf *text, const struct ruru_toml_edit *e,
			  struct ruru_error *err);

/* ------------------------------------------------------- events, entries */

/* Event types of the standard's §5 (doc/design.md §3): X(ENUM, name), in the
 * order of the enum.  The enum, the names (ruru_event_name, parsing,
 * RURU_VOCAB_EVENT and so the CLI's help and the MCP schemas) all come
 * from this one list: an event type is added here. */
#define RURU_EVENTS(X)                                                      \
	X(SESSION, "session")                                               \
	X(PROMPT, "prompt")                                                 \
	X(RESPONSE, "response")                                             \
	X(DECISION, "decision")                                             \
	X(DELEGATION, "delegation")                                         \
	X(ARTIFACT, "artifact")                                             \
	X(CONFIRM_REQUEST, "confirm-request")                               \
	X(CONFIRM_RESPONSE, "confirm-response")                             \
	X(CONFIRM_SKIP, "confirm-skip")                                     \
	X(RESULT, "result")                                                 \
	X(ERROR, "error")                                                   \
	X(NOTE, "note")
enum ruru_event {
#define RURU_X_EVENT(u, name) RURU_EV_##u,
	RURU_EVENTS(RURU_X_EVENT)
#undef RURU_X_EVENT
	RURU_EV_COUNT,
	RURU_EV_UNKNOWN = -1, /* a hand-written entry whose type is not known */
};
/* "session", "confirm-request", ...; NULL for an out-of-range value. */
const char *ruru_event_name(enum ruru_event ev);
/* Inverse of ruru_event_name (exact, lowercase); RURU_EV_UNKNOWN if none. */
enum ruru_event ruru_event_parse(const char *name);

/* Session status (doc/design.md §2).  Reading is lenient, writing strict. */
enum ruru_status {
	RURU_STATUS_UNKNOWN = 0,
	RURU_STATUS_ACTIVE,
	RURU_STATUS_PAUSED,
	RURU_STATUS_COMPLETED,
	RURU_STATUS_ERROR,
};
/* "🟢 Active", "⏸️ Paused", "🏁 Completed", "🔴 Error". */
const char *ruru_status_string(enum ruru_status st);
/* "active", "paused", "completed", "error" (for flags, JSON, MCP). */
const char *ruru_status_word(enum ruru_status st);
/* Lenient: emoji optional, any case, "🟡 Paused", "⚪ Completed", "done"... */
enum ruru_status ruru_status_parse(const char *s, size_t len);
/* Strict inverse of ruru_status_word ("active", ...); RURU_STATUS_UNKNOWN
 * for anything else, "unknown" and NULL included. */
enum ruru_status ruru_status_from_word(const char *word);

/*
 * The words each vocabulary accepts, for front ends to list and check
 * against (CLI help and errors, MCP schema enums): word i of vocabulary v,
 * NULL past the last one.  RURU_VOCAB_CONFIRM_STATUS is what
 * ruru_confirm_list filters on (the proposal statuses and "unadopted").
 */
enum ruru_vocab {
	RURU_VOCAB_EVENT = 0,
	RURU_VOCAB_OUTCOME,
	RURU_VOCAB_STATUS,
	RURU_VOCAB_DECISION,
	RURU_VOCAB_CONFIRM_STATUS,
	RURU_VOCAB_TASK_STATUS,   /* ruru_task_status_word */
	RURU_VOCAB_TASK_TYPE,     /* what ruru_task_new takes */
	RURU_VOCAB_ARTIFACT_TYPE, /* the V7 typed artifacts */
	RURU_VOCAB_COUNT,
};
/* "event", "outcome", "status", "decision", "confirm-status",
 * "task-status", "task-type", "artifact-type". */
const char *ruru_vocab_name(enum ruru_vocab v);
const char *ruru_vocab_word(enum ruru_vocab v, size_t i);
/* Is `word` one of the vocabulary's words? */
bool ruru_vocab_has(enum ruru_vocab v, const char *word);
/* Does the library take `word` for one of them?  Its words, and for task
 * statuses, task types and artifact types also the other spellings the
 * library reads (any case; "In Progress", "🟣 Review"; a folder or a
 * prefix: "notes", "FDBK"). */
bool ruru_vocab_accepts(enum ruru_vocab v, const char *word);
/* Append the words to out, separated by sep ("a, b, c"). */
void ruru_vocab_join(enum ruru_vocab v, const char *sep, struct ruru_buf *out);

/*
 * The fields an entry may carry, in the order ruru writes them:
 * X(ENUM, name, metavariable, what it means).  Every list of the fields
 * (struct members, rendering, parsing, JSON, the CLI's `log` options, the
 * MCP session_log arguments) is generated from this one.  The outcome's
 * words are RURU_VOCAB_OUTCOME (ruru_field_vocab).
 */
#define RURU_ENTRY_FIELDS(X)                                                                \
	X(MODE, mode, "SLUG", "mode involved: the delegation target, or where a result came from") \
	X(TASK, task, "TASK-ID", "MDTM task ID; linked to the session on a delegation or result") \
	X(ARTIFACT, artifact, "PATH", "file in the session folder: artifacts/x, x, or its whole path (.ruru/sessions/ID/...)")  \
	X(ADR, adr, "PATH", "ADR of a decision, from the current folder (MCP: the root); may not exist yet") \
	X(OUTCOME, outcome, "success|failure|approved|rejected",                                 \
	  "result: success or failure; confirm-response: the answer of the user")               \
	X(SOURCE, source, "WHO", "who or what an error or prompt came from")
enum ruru_field {
#define RURU_X_ENUM(u, l, meta, help) RURU_FIELD_##u,
	RURU_ENTRY_FIELDS(RURU_X_ENUM)
#undef RURU_X_ENUM
	RURU_FIELD_COUNT
};
/* "mode", "task", ...; its metavariable ("SLUG") and its meaning; NULL for
 * an out-of-range value. */
const char *ruru_field_name(enum ruru_field f);
const char *ruru_field_meta(enum ruru_field f);
const char *ruru_field_help(enum ruru_field f);
/* The vocabulary a field's values come from; RURU_VOCAB_COUNT when free. */
enum ruru_vocab ruru_field_vocab(enum ruru_field f);

/*
 * Verbs and their arguments.  Each operation the front ends offer (a CLI
 * command, an MCP tool) is a verb, and its arguments are listed once, as
 * rows of one table (src/lib/base/verbs.c): the name, the type, the
 * vocabulary, whether it is required or one of a pair, and what it means.
 * The CLI's options and --help and the MCP tools' input schemas and
 * argument checks are all generated from these rows, so an argument
 * cannot exist in one front end with another type or other words than in
 * the other.  What only one front end shows (a short option letter, a
 * metavariable, an MCP toolset) stays in that front end's table.
 */
enum ruru_arg_type {
	RURU_ARG_STRING = 0, /* text */
	RURU_ARG_INTEGER,    /* a whole number, 0 or more */
	RURU_ARG_BOOLEAN,    /* a flag: true or false */
	RURU_ARG_STRINGS,    /* a list of strings (the CLI: a repeatable option) */
	RURU_ARG_WORD,       /* one word of `vocab`, or of `words` when that is set */
	RURU_ARG_OBJECT,     /* a JSON object (MCP only) */
	RURU_ARG_DATE,       /* a date YYYY-MM-DD or a date-time, as ruru_search_parse_time reads it */
};
/* How the CLI takes an argument. */
enum ruru_arg_cli {
	RURU_ARG_CLI_OPTION = 0, /* an option, --cli_name (or --name) */
	RURU_ARG_CLI_OPERAND,    /* an operand of the command */
	RURU_ARG_CLI_SESSION,    /* the global -s/--session, or the command's ID operand */
	RURU_ARG_CLI_COMMAND,    /* said by the command's name (`ruru pause`: status paused) */
	RURU_ARG_CLI_NONE,       /* the CLI has no such argument */
};
struct ruru_arg {
	/* The MCP tool's argument, and the name the library gives an
	 * argument at fault (ruru_error.arg). */
	const char *name;
	const char *cli_name; /* the CLI option's long name when not `name` ("tag" for "tags") */
	enum ruru_arg_type type;
	enum ruru_vocab vocab;    /* RURU_ARG_WORD without `words`: its vocabulary */
	const char *const *words; /* RURU_ARG_WORD: the words when no vocabulary holds them */
	const char *help;  /* what it means, as the CLI's --help says it */
	const char *brief; /* the MCP description when it must be shorter; NULL: help */
	bool required;
	int one_of;        /* not 0: exactly one of the arguments of this group */
	enum ruru_arg_cli cli;
	bool no_mcp;       /* the MCP tool does not take it */
	bool bytes;        /* a file's content: may hold U+0000 */
	/* a file's path, which the CLI takes from the current folder and
	 * MCP (whose client knows the workspace, not the server's folder)
	 * from the workspace root */
	bool path;
	/* a RURU_ARG_WORD whose words MCP leaves out of the schema (which is
	 * sent to the model on every turn); a call is checked against them
	 * all the same */
	bool mcp_any;
	/* RURU_ARG_INTEGER: the least and the greatest value (max 0: no
	 * bound), and the value when the argument is not given (0: none, the
	 * command's own meaning of "not given").  `mcp_def`, when not 0, is
	 * MCP's default instead: a model pays for every byte of an answer, so
	 * a tool may answer less by default than the command. */
	size_t min, max, def, mcp_def;
};
struct ruru_verb {
	/* the CLI command ("confirm propose"), or what the commands that
	 * share it have in common ("set-status" for pause, resume, ...) */
	const char *name;
	const char *tool; /* the MCP tool; NULL when there is none */
	const struct ruru_arg *args; /* nargs rows, in the MCP schema's order */
	size_t nargs;
};
/* The verb of that name, or of that MCP tool name; NULL when none. */
const struct ruru_verb *ruru_verb_find(const char *name);
/* Verb i of the table; NULL past the last. */
const struct ruru_verb *ruru_verb_at(size_t i);
/* The verb's argument `name` (not its CLI spelling); NULL when none. */
const struct ruru_arg *ruru_verb_arg(const struct ruru_verb *v, const char *name);
/* The argument's MCP description: `brief`, else `help`. */
const char *ruru_arg_brief(const struct ruru_arg *a);
/* Word i of a RURU_ARG_WORD argument (its `words`, else its vocabulary's);
 * NULL past the last. */
const char *ruru_arg_word(const struct ruru_arg *a, size_t i);
/* Is `w` one of the argument's words (ruru_vocab_accepts: or a spelling
 * of one)? */
bool ruru_arg_word_ok(const struct ruru_arg *a, const char *w);
/* Append the argument's words to out, separated by sep ("a, b, c"). */
void ruru_arg_words(const struct ruru_arg *a, const char *sep, struct ruru_buf *out);
/* Is v within the integer argument's min and max? */
bool ruru_arg_in_range(const struct ruru_arg *a, unsigned long long v);
/* The integer argument's value when it is not given, in the CLI (mcp
 * false) or over MCP; 0: none. */
size_t ruru_arg_default(const struct ruru_arg *a, bool mcp);

/* Outcomes of a result (success, failure) or a confirm-response (approved,
 * rejected). */
enum ruru_outcome {
	RURU_OUTCOME_SUCCESS = 0,
	RURU_OUTCOME_FAILURE,
	RURU_OUTCOME_APPROVED,
	RURU_OUTCOME_REJECTED,
	RURU_OUTCOME_COUNT,
	RURU_OUTCOME_UNKNOWN = -1,
};
const char *ruru_outcome_name(enum ruru_outcome o);
/* Exact word; RURU_OUTCOME_UNKNOWN for anything else (NULL too). */
enum ruru_outcome ruru_outcome_parse(const char *word);

/*
 * One log entry.  Entries ruru writes look like
 *   - [2026-11-24 03:15:20Z] **delegation** · mode `dev-python` · task `TASK-X`: implement login
 *     second line of the message
 * (fields in the fixed order mode, task, artifact, adr, outcome, source;
 * continuation lines indented by two spaces).  Hand-written entries of real
 * logs are read leniently: then `type` is RURU_EV_UNKNOWN unless it could be
 * recognised, and the fields are NULL.  Every string is owned by the entry.
 */
struct ruru_entry {
	size_t line;          /* 1-based line of the entry's first line in the file */
	size_t start, end;    /* byte span of the entry (with continuation lines and newline) */
	char *stamp;          /* the timestamp as written, without brackets */
	time_t when;          /* parsed instant; a zone-less stamp's wall time read as if UTC
			       * (so only comparable with zone-less ones: see has_zone) */
	bool when_valid;      /* the stamp could be parsed */
	bool has_zone;        /* the stamp named a zone */
	enum ruru_event type;
	char *type_name;      /* the type as written ("delegation"), NULL when none */
	char *message;        /* continuation indent removed; may hold newlines */
	size_t message_len;
#define RURU_X_MEMBER(u, l, meta, help) char *l;
	RURU_ENTRY_FIELDS(RURU_X_MEMBER) /* mode, task, ...: NULL when absent */
#undef RURU_X_MEMBER
	bool strict;          /* in ruru's own format (render(parse(e)) == e) */
	bool type_inferred;   /* `type` was guessed from free text, not written (doc/design.md §3) */
	unsigned fields_inferred; /* bit 1u << RURU_FIELD_x: that field was taken from prose */
	bool orphan;          /* text between entries that belongs to none, kept as its own block */
};
void ruru_entry_release(struct ruru_entry *e);
/* A one-line summary of an entry for people and models,
 * "<prefix>[stamp] type mode=x task=y: message", further message lines
 * after `indent`, ending with a newline (`show` and the continue digest). */
void ruru_entry_summary(struct ruru_buf *out, const struct ruru_entry *e, const char *prefix,
			const char *indent);

/* The same, with a message longer than `share` bytes (0: no cut) cut to
 * that and "… (N bytes more: `ruru show --entry LINE`)" after it: one
 * long entry never fills a bounded answer. */
void ruru_entry_summary_cut(struct ruru_buf *out, const struct ruru_entry *e, const char *prefix,
			    const char *indent, size_t share);

/* An entry to write (what ruru_session_log takes): borrowed strings, the
 * fields indexed by enum ruru_field (NULL when absent).  The stamp is now
 * unless when_valid. */
struct ruru_log_input {
	enum ruru_event type;
	const char *message;
	size_t message_len;
	const char *field[RURU_FIELD_COUNT];
	time_t when;
	bool when_valid;
	/* Out, when not NULL: set by ruru_session_log to whether the ADR
	 * field names no file (yet); the entry is logged either way, since
	 * an ADR may be written after the decision it records. */
	bool *adr_missing;
	/* Out, when not NULL: whether the artifact field names no file in
	 * the session (yet); logged either way, with a word from the front
	 * end. */
	bool *artifact_missing;
	/* Out, when not NULL: set by ruru_session_log to the line of the
	 * entry that already records this event (a host's hook logged it,
	 * see `ruru capture`), and then nothing was written; 0 when the
	 * entry was written. */
	size_t *duplicate_of;
};


/* ------------------------------------------------------------ workspace */

/*
 * A workspace: the folder holding .ruru/.  Root discovery (doc/design.md §1), first
 * match wins: `root` when not NULL, the nearest ancestor of the
 * current directory holding .ruru/ (never above the git top level when
 * there is one), the git top level, the current directory.  The workspace
 * need not exist yet (commands that read report
 * "no sessions"; writes create what they need).
 */
struct ruru_ws;
struct ruru_ws *ruru_ws_open(const char *root, struct ruru_error *err);
void ruru_ws_free(struct ruru_ws *ws);

/*
 * What the environment sets, read by the front ends (the library reads no
 * environment variable) and given to ruru_ws_open_opts(), which copies it.
 * NULL members mean "not set".  RURU_ROOT is the front ends' own: it
 * chooses the `root` they pass.
 */
struct ruru_options {
	const char *fault;	     /* RURU_FAULT: STEP[:N], see ruru_fault_set() */
	const char *now;	     /* RURU_NOW: the clock, seconds since the epoch or RFC 3339 */
	const char *session_id;	     /* ROOCOM_SESSION_ID: the session commands act on */
	const char *lock_timeout_ms; /* RURU_LOCK_TIMEOUT_MS: how long a lock is waited for */
	const char *config_dir;	     /* $XDG_CONFIG_HOME, else $HOME/.config */
	const char *cache_dir;	     /* $XDG_CACHE_HOME, else $HOME/.cache */
	const char *home;	     /* $HOME */
	const char *tmpdir;	     /* $TMPDIR */
	const char *user;	     /* $USER */
	/* The environment of the programs ruru runs (git, diff, patch,
	 * ssh-keygen), "NAME=value" strings ending in NULL: the front end's
	 * `environ`, or what it chooses; NULL: an empty environment.  The
	 * library takes out what changes those programs' output (LC_ALL,
	 * POSIXLY_CORRECT, patch's backup settings) and adds its own. */
	char *const *env;
};
/* ruru_ws_open() with options (NULL: none set).  An invalid
 * lock_timeout_ms is RURU_EUSAGE. */
struct ruru_ws *ruru_ws_open_opts(const char *root, const struct ruru_options *opts,
				  struct ruru_error *err);
/* The options the workspace was opened with (borrowed). */
const struct ruru_options *ruru_ws_options(const struct ruru_ws *ws);
/* For tests: make the N-th occurrence in this process of one storage step
 * fail with EIO ("STEP[:N]"; NULL or "" for none; steps in doc/ruru.1,
 * ENVIRONMENT, RURU_FAULT).  ruru_ws_open_opts() installs opts->fault. */
void ruru_fault_set(const char *spec);
/* The absolute root path (borrowed). */
const char *ruru_ws_root(const struct ruru_ws *ws);
/* Progress of a long index update: `done` of `total` sessions read,
 * `bytes` read so far; `last` on the closing report. */
struct ruru_progress {
	size_t done, total;
	uint64_t bytes;
	bool last;
};
typedef void (*ruru_progress_fn)(const struct ruru_progress *p, void *ctx);
/* Have index updates that run longer than `delay_ms` report to `fn`
 * (at most ten times a second, then once with `last` set); NULL: none. */
void ruru_ws_set_progress(struct ruru_ws *ws, unsigned delay_ms, ruru_progress_fn fn, void *ctx);
/* Read the workspace's file `rel` (relative to the root) into `out`
 * (reset first): a regular file reached from the root without a symlink,
 * else RURU_EREFUSED; a missing file is RURU_ENOTFOUND. */
int ruru_ws_read(struct ruru_ws *ws, const char *rel, struct ruru_buf *out, struct ruru_error *err);
/* True when nothing named the root and no workspace or git work tree was
 * found above the current directory: the root is that directory only
 * because nothing better was there. */
bool ruru_ws_guessed(const struct ruru_ws *ws);

/* Make .ruru/ with sessions/, temp/, tasks/ and a .gitignore for ruru's lock
 * and cache files, in `dir` (NULL: the current directory).  Idempotent. */
int ruru_ws_init(const char *dir, struct ruru_error *err);

/* Register `ruru mcp` with Roo Code: write `dir`/.roo/mcp.json (NULL: the
 * current directory), or merge {"mcpServers":{"ruru":{"command":"ruru",
 * "args":["mcp"]}}} into the existing file, keeping every other server and
 * key.  Atomic.  RURU_EINVALID (file:line:col) when the existing file is not
 * a JSON object; RURU_EREFUSED when .roo leads out of `dir`.  *rel (may be
 * NULL) gets ".roo/mcp.json" (caller frees). */
int ruru_ws_init_mcp(const char *dir, char **rel, struct ruru_error *err);

/*
 * Resolve a session: `id` (a full ID or a prefix matching exactly one
 * session) or, when NULL, ROOCOM_SESSION_ID, then .ruru/sessions/.active.
 * Returns a new string; NULL with RURU_ENOTFOUND ("no active session",
 * "unknown session \"X\"", "ambiguous session prefix ...").
 */
char *ruru_session_resolve(struct ruru_ws *ws, const char *id, struct ruru_error *err);

/*
 * The session of a write that can do without one (a proposal goes to
 * .ruru/temp/, a task to no session): `id` or else ROOCOM_SESSION_ID,
 * resolved as above (a named session that has ended stays named, and the
 * write refuses it), else the session .ruru/sessions/.active names unless
 * it has ended: a completed or failed session there means that no session
 * is active (doc/design.md §1).  0 with *out a new string, or NULL when no session
 * is active; -1 with err for an unknown or ambiguous ID or an unsafe path.
 */
int ruru_session_optional(struct ruru_ws *ws, const char *id, char **out, struct ruru_error *err);

/* ------------------------------------------------------------- sessions */

/*
 * A session as read from its log.  Reading is lenient (doc/design.md §2): legacy
 * key names, string timestamps, status variants.  A log whose front matter
 * is not valid is still returned with valid == false and the reason in
 * `*problem` (FILE:LINE:COL).  Strings are owned; NULL when absent.
 */
struct ruru_session {
	char *id;           /* folder name */
	char *path;         /* the log, relative to the root */
	bool valid;
	struct ruru_error *problem; /* why it is not valid; NULL when valid */
	char *title;
	char *status_text;  /* as written */
	enum ruru_status status;
	char *start_text, *end_text; /* as written ("" when empty) */
	time_t start, end;  /* 0 when absent or unparsable */
	char *coordinator;
	char **tasks, **artifacts, **tags;
	size_t ntasks, nartifacts, ntags;
	char **source_summaries; /* the summaries this session started from */
	size_t nsource_summaries;
	char *goal;         /* text of the "## Goal" section, when loaded with entries */
	struct ruru_entry *entries; /* when loaded with entries */
	size_t nentries;
	int layout;         /* enum ruru_layout: where the session lives */
};
void ruru_session_release(struct ruru_session *s);

enum { RURU_LOAD_ENTRIES = 1 };
/* Load one session by exact ID.  -1 only when it cannot be read at all. */
int ruru_session_load(struct ruru_ws *ws, const char *id, unsigned flags, struct ruru_session *out,
		      struct ruru_error *err);

/* All sessions, newest first (start time, then ID), front matter only,
 * from the first level of the search index (brought up to date from the
 * logs whose stat changed, each read up to its closing "+++"; no entry
 * text is indexed for a listing); the logs are read directly when the
 * index cannot be used.  The one listing every front end uses (CLI
 * `list`, MCP `session_list`, the web view); ruru_session_list_indexed()
 * is the same, record by record.  `status` RURU_STATUS_UNKNOWN and `tag`
 * NULL mean no filter. */
int ruru_session_list(struct ruru_ws *ws, enum ruru_status status, const char *tag,
		      struct ruru_session **out, size_t *n, struct ruru_error *err);
void ruru_session_list_free(struct ruru_session *list, size_t n);
/* The RURU_SESSION_RECENT newest sessions (any status), for front ends
 * that offer what could be continued. */
enum { RURU_SESSION_RECENT = 10 };
int ruru_session_recent(struct ruru_ws *ws, struct ruru_session **out, size_t *n,
			struct ruru_error *err);

/* JSON of a session: id, path, valid, problem, title, status (word),
 * status_text, start_time, end_time, coordinator, related_tasks,
 * related_artifacts, tags, and with entries: goal, entry_count, entries
 * (the last `last` ones: RURU_ENTRIES_ALL for all, 0 for none), each
 * {line, time, zone, stamp, type, type_inferred, fields_inferred (the names
 * of the fields taken from prose), message} and the fields of
 * RURU_ENTRY_FIELDS: `time` is RFC 3339 with "Z" for a stamp with a zone, a
 * local date-time without one for a zone-less stamp (then `zone` is null;
 * else the zone as written), null when unreadable. */
#define RURU_ENTRIES_ALL ((size_t)-1)
struct json_t *ruru_session_json(const struct ruru_session *s, bool with_entries, size_t last);
struct json_t *ruru_entry_json(const struct ruru_entry *e);

/* A session as `show` and MCP session_show give it: its front matter and
 * its newest entries within a bound. */
struct ruru_session_view {
	struct ruru_session session; /* loaded with its entries */
	size_t last;      /* the newest entries asked for; RURU_ENTRIES_ALL: all */
	size_t max_chars; /* about how many bytes of entries the text holds (0: no
			   * bound): the oldest go first, and a message longer than
			   * an eighth of it is cut */
	bool bound_json;  /* the JSON is bounded by max_chars too */
};
/* Load session `id` (exact ID) for viewing; NULL with err when it cannot
 * be read at all. */
struct ruru_session_view *ruru_session_view(struct ruru_ws *ws, const char *id, size_t last,
					    size_t max_chars, bool bound_json,
					    struct ruru_error *err);
void ruru_session_view_free(struct ruru_session_view *v);
/* ruru_session_json() with the entries asked for; when bound_json, the
 * newest that fit about max_chars bytes (each counted as its message and
 * 256 bytes more), a message longer than an eighth of it cut to that and
 * "… (N bytes more)" with message_cut true, and entries_omitted. */
struct json_t *ruru_session_view_json(const struct ruru_session_view *v);
/* Each front-matter key on a line of its own, "key:" and the value as
 * written ("invalid:" and why, for a log that cannot be read), then the
 * log's path, the Goal text and the number of entries, then the newest
 * entries that fit max_chars (ruru_entry_summary_cut(), a line saying how
 * many older ones were left out); workspace text escaped. */
void ruru_session_view_text(const struct ruru_session_view *v, struct ruru_buf *out);

struct ruru_new {
	const char *goal;        /* may be NULL or "" */
	const char *description; /* the "## Goal" text; may be NULL */
	const char *coordinator; /* default "roo-commander" */
	const char *const *tags;
	size_t ntags;
	/* V7: */
	bool scaffold;            /* twelve typed folders when the workspace has no scaffold */
	const char *from_summary; /* a SESSUM file to record in source_summaries, or NULL */
	/* Out, when not NULL: the session that was active before and stays
	 * active (nothing pauses it), malloc'd for the caller to free; NULL
	 * when there was none. */
	char **other_active;
};
/* The front-matter keys of a session log in the order ruru writes them
 * (one table in the library), for views that show a session's keys: fills
 * *out with key i (0, 1, ...) and returns true, false past the last.
 * `name` is the key as written and as ruru_session_json() names it,
 * `label` how a reader's view names it ("Started"), `list` true for an
 * array of strings. */
struct ruru_session_key {
	const char *name, *label;
	bool list;
};
bool ruru_session_key(size_t i, struct ruru_session_key *out);
/* The value of key i in `s`: *n strings (0 when unset; 1 for a string:
 * its text as written, e.g. the status with its emoji), borrowed from s. */
const char *const *ruru_session_key_value(const struct ruru_session *s, size_t i, size_t *n);

/* Create a session and make it active.  Returns its ID (caller frees). */
char *ruru_session_new(struct ruru_ws *ws, const struct ruru_new *opts, struct ruru_error *err);

/*
 * Log an event to an active session (`id` already resolved); the stamp is
 * now.  A delegation or result naming a task adds it to related_tasks; an
 * artifact event adds its path to related_artifacts.  RURU_ECONFLICT when
 * the session is not active; RURU_EUSAGE (err->arg naming the field) for a
 * field holding a backtick or newline or an outcome not in
 * RURU_VOCAB_OUTCOME.
 */
int ruru_session_log(struct ruru_ws *ws, const char *id, const struct ruru_log_input *in,
		     struct ruru_error *err);

/* pause, resume, complete, fail: status, end_time and a session event in
 * one atomic change.  RURU_ECONFLICT when the transition is not allowed. */
int ruru_session_set_status(struct ruru_ws *ws, const char *id, enum ruru_status to,
			    const char *reason, struct ruru_error *err);

/*
 * A digest: what a model needs in its context to pick up the work, as
 * `continue`, `show --digest` and `prime` give it.  `text` is the digest
 * itself, the one text the CLI prints and the MCP tool sends
 * (ruru_digest_text()); the other fields are what it was made from, each
 * whole (the bound cuts only the text).  Free with ruru_digest_free().
 */
enum ruru_digest_kind {
	RURU_DIGEST_SHOW,     /* `show --digest`: read-only */
	RURU_DIGEST_CONTINUE, /* `continue`: the session was made active */
	RURU_DIGEST_PRIME,    /* `prime`: the short digest of a model's first turn */
};
struct ruru_open_items;
struct ruru_task_list;
struct ruru_digest {
	enum ruru_digest_kind kind;
	char *text;       /* the digest (at most max_chars bytes but for the
			   * header of a show or continue digest, never cut) */
	size_t len;
	size_t max_chars; /* the bound it was made for (0: none) */
	/* The session: its front matter and, but for prime, its Goal text;
	 * no entries.  NULL when prime found no session. */
	struct ruru_session *session;
	/* show, continue: every open item, oldest first; prime: those worded
	 * other than confirmations, newest first.  NULL when no session. */
	struct ruru_open_items *open;
	/* The proposals waiting for a step, as confirmation items (artifact,
	 * target, status): oldest first; prime: in the natural order of
	 * their names.  NULL when no session. */
	struct ruru_open_items *pending;
	/* show, continue: */
	struct ruru_task_list *tasks; /* as ruru_task_list() gives them, unmarked */
	size_t entry_count;           /* the log's entries (orphan blocks included) */
	size_t entries_omitted;       /* the oldest entries the bound left out */
	bool resumed;                 /* continue: it was not active and is now */
	bool reopened;                /* continue: it had ended (completed, failed) */
	/* prime: */
	size_t open_count;            /* open items but confirmations, worded or not */
	struct ruru_entry *last_decision; /* the log's last decision; NULL when none */
	struct ruru_entry *recent;    /* the entries shown, oldest first */
	size_t nrecent;
	/* prime with no session: what it offers instead. */
	char **active_in_logs;        /* IDs of the logs that say Active, shown */
	size_t nactive_in_logs;
	struct ruru_session *recent_sessions; /* the recent sessions shown, newest first */
	size_t nrecent_sessions;
};
void ruru_digest_free(struct ruru_digest *d);
/*
 * The JSON of `continue --json`, `show --digest --json` and MCP
 * session_continue and session_digest: the session's fields
 * (ruru_session_json without entries) plus goal, tasks (as `task list`
 * gives them, without "open"), pending_confirmations: [{artifact, target,
 * status}], open_items (ruru_open_items_json), entry_count,
 * entries_omitted, max_chars and digest (the text); continue adds resumed
 * and reopened.  Prime's (`prime --json`): {session, status, goal (the
 * title), pending_confirmations, open_item_count, open_items,
 * last_decision (an entry as ruru_entry_json, or null), recent_entries,
 * text}, or with no session {active_in_logs, session: null,
 * recent_sessions: [{id, status, title}], text}.  New reference.
 */
struct json_t *ruru_digest_json(const struct ruru_digest *d);
/* Its text: the digest, as it reads (its workspace text escaped when it
 * was made). */
void ruru_digest_text(const struct ruru_digest *d, struct ruru_buf *out);

/*
 * What the writing verbs answer (new, log, the status moves, artifact add,
 * task link, task new), as every front end prints it: a struct (strings
 * owned; NULL when absent) made by the call, its _free(), its _json() (the
 * object `--json` prints and MCP sends as structuredContent, new
 * reference) and its one text, _text() (what the MCP tool sends as text;
 * workspace text escaped, every identifier a next call needs).  The CLI
 * prints one field of it instead (ruru(1): `new` the ID, `artifact add`
 * the path), or nothing.
 */

/* A session started (`new`, MCP session_new): ruru_session_new() with
 * the session that stays active caught. */
struct ruru_session_started {
	char *id;
	char *other_active; /* a session that was active before and stays so, NULL: none */
};
struct ruru_session_started *ruru_session_start(struct ruru_ws *ws, const struct ruru_new *opts,
						struct ruru_error *err);
void ruru_session_started_free(struct ruru_session_started *r);
/* {id, other_active (null: none)} */
struct json_t *ruru_session_started_json(const struct ruru_session_started *r);
/* "Started ID (active)." and, when another stays active, a sentence
 * saying so. */
void ruru_session_started_text(const struct ruru_session_started *r, struct ruru_buf *out);

/* An entry logged, or not written because the log already holds it
 * (`log`, MCP session_log). */
struct ruru_task_new;
struct ruru_entry_logged {
	char *session;
	enum ruru_event type;
	char *task;          /* the task a delegation spawned (`log --new-task`), else NULL */
	size_t duplicate_of; /* the line of the entry that already records the event
			      * (nothing was written); 0: written */
	bool adr_missing;    /* the ADR field names no file (yet) */
	bool artifact_missing; /* the artifact field names no file of the session (yet) */
	size_t message_len;  /* the message's bytes (a large one is a warning) */
};
/* ruru_session_log(), or with `spawn` (may be NULL) ruru_task_delegate(),
 * of `in` (its out-pointers are ignored: the result says it). */
struct ruru_entry_logged *ruru_session_log_entry(struct ruru_ws *ws, const char *id,
						 const struct ruru_log_input *in,
						 struct ruru_task_new *spawn, struct ruru_error *err);
void ruru_entry_logged_free(struct ruru_entry_logged *r);
/* {session, type, task, duplicate_of (null: none)[, warning]}: the warning says
 * why nothing was written, else what the entry names that is not there,
 * else that the message is large. */
struct json_t *ruru_entry_logged_json(const struct ruru_entry_logged *r);
/* "Logged TYPE in ID." with the warning, or "Not logged in ID: WHY." */
void ruru_entry_logged_text(const struct ruru_entry_logged *r, struct ruru_buf *out);

/* A status set (`pause`, `resume`, `complete`, `fail`, MCP
 * session_set_status). */
struct ruru_status_set {
	char *session;
	enum ruru_status status;
	bool already; /* the session was there already (RURU_STATUS_REPEAT_OK) */
};
/* ruru_session_set_status(); with RURU_STATUS_REPEAT_OK a session already
 * in `to` is no conflict but a result with `already` (a retry after a
 * lost answer finds the session where it wanted it). */
enum { RURU_STATUS_REPEAT_OK = 1 };
struct ruru_status_set *ruru_session_status(struct ruru_ws *ws, const char *id, enum ruru_status to,
					    const char *reason, unsigned flags,
					    struct ruru_error *err);
void ruru_status_set_free(struct ruru_status_set *r);
/* {session, status (word), status_text, already} */
struct json_t *ruru_status_set_json(const struct ruru_status_set *r);
/* "Session ID is now STATUS_TEXT (word)." ("is already" for a repeat). */
void ruru_status_set_text(const struct ruru_status_set *r, struct ruru_buf *out);

/*
 * Continue a session (doc/design.md §7): resume it when paused, log a session
 * event, make it active, and return its digest (text at most max_chars
 * bytes, 0: no bound; RURU_DIGEST_DEFAULT is the front ends' default);
 * NULL with err on failure.  A completed or failed session is reopened
 * only with RURU_CONTINUE_REOPEN (else RURU_ECONFLICT); with
 * RURU_CONTINUE_IMPLICIT (`id` came from the active pointer, not from the
 * user) it is never reopened: RURU_ENOTFOUND.
 */
enum { RURU_CONTINUE_REOPEN = 1, RURU_CONTINUE_IMPLICIT = 2 };
#define RURU_DIGEST_DEFAULT 8000
/* A message longer than this is logged with a warning: answers that carry
 * log text show only its first part; big text belongs in an artifact. */
#define RURU_MESSAGE_LARGE 65536
struct ruru_digest *ruru_session_continue(struct ruru_ws *ws, const char *id, size_t max_chars,
					  unsigned flags, struct ruru_error *err);

/*
 * The same digest, read-only (`show --digest`): nothing is logged or
 * changed.  The text holds, in this order, a header (ID, goal, status,
 * times, coordinator, log path), open items, the Goal text, tasks,
 * artifacts and the newest entries that fit whole; only the oldest
 * entries are cut to fit, and the heading of the entries says how many
 * were left out.  The header is never cut; the other sections lose lines
 * (with a "… N more" line) only when no entry is left and they still do
 * not fit.
 */
struct ruru_digest *ruru_session_digest(struct ruru_ws *ws, const char *id, size_t max_chars,
					struct ruru_error *err);

/* The session the active pointer names (ROOCOM_SESSION_ID, then
 * .ruru/sessions/.active) when its status is active; NULL when none is
 * (caller frees).  `new` uses it to say that another session stays active. */
char *ruru_session_active(struct ruru_ws *ws);

/* Add an artifact: write artifacts/<name> atomically, record it, log an
 * artifact event whose message says added or replaced, the size and the
 * description (may be NULL); *rel gets "artifacts/<name>".  A name that
 * starts with "artifacts/" is taken relative to the session (no
 * artifacts/artifacts/).  RURU_EREFUSED for an unsafe name, RURU_ECONFLICT
 * when it exists and !force. */
int ruru_artifact_add(struct ruru_ws *ws, const char *id, const char *name, const void *data,
		      size_t len, bool force, const char *description, char **rel,
		      struct ruru_error *err);
/* An artifact path as the user gave it, made relative to the session
 * folder (doc/design.md §3) into `out` (reset first): relative to the session
 * ("artifacts/x"), to artifacts/ ("x"; in a v8.1 session, whose typed
 * folders sit in the session folder, "notes/x" stays so), to the root
 * (".ruru/sessions/ID/artifacts/x"), absolute, or relative to the current
 * directory when only there it exists.  Anything outside the session
 * folder, the log itself, and unsafe paths are RURU_EREFUSED. */
int ruru_artifact_path(struct ruru_ws *ws, const char *id, const char *given, struct ruru_buf *out,
		       struct ruru_error *err);
/* One artifact of a session (an element of struct ruru_artifact_list). */
struct ruru_artifact_info {
	char *path;       /* relative to the session folder: "artifacts/notes.md" */
	bool recorded;    /* named in related_artifacts */
	bool exists;      /* the file is there (a recorded one may be missing) */
	long long bytes;  /* its size; -1 when it does not exist */
	const char *type; /* its V7 type (ruru_artifact_list_typed), else NULL; static */
};
/* Artifacts of a session: those of related_artifacts in their order, then
 * the files found on disk that none records, by name (proposals' sidecars
 * are not artifacts).  Free with ruru_artifact_list_free(). */
struct ruru_artifact_list {
	char *session; /* the session's ID */
	struct ruru_artifact_info *v;
	size_t n;
};
struct ruru_artifact_list *ruru_artifact_list(struct ruru_ws *ws, const char *id,
					      struct ruru_error *err);
void ruru_artifact_list_free(struct ruru_artifact_list *l);
/* The artifact of `l` at `path` (relative to the session folder), NULL
 * when none; borrowed from l. */
const struct ruru_artifact_info *ruru_artifact_list_find(const struct ruru_artifact_list *l,
							 const char *path);
/* The JSON of `artifact list --json` and MCP artifact_list: {session,
 * artifacts: [{path, recorded, exists, bytes (null when missing)[, type]}]}
 * (new reference). */
struct json_t *ruru_artifact_list_json(const struct ruru_artifact_list *l);
/* Its text, for a person and a model alike: "N artifacts in session ID:"
 * then a line each, tab-separated: path[, type], "recorded" or
 * "unrecorded", "N bytes" or "missing" (workspace text escaped). */
void ruru_artifact_list_text(const struct ruru_artifact_list *l, struct ruru_buf *out);

/* Link an MDTM task (related_tasks, unique; no event). */
int ruru_task_link(struct ruru_ws *ws, const char *id, const char *task, struct ruru_error *err);

/* One task of a list (an element of struct ruru_task_list).  Strings are
 * owned; NULL when absent. */
struct ruru_task_info {
	char *id;
	char *title, *status, *assigned_to; /* as its file says */
	char *file;       /* the task file, relative to the root; NULL when none was found */
	/* A session's tasks (ruru_task_list): */
	bool linked;      /* in related_tasks */
	char *via;        /* how it was found: "related_tasks", or the field that
			   * names the session (RooComSessionID, parent_task, ...) */
	const char *open; /* "delegation" or "error": the kind of the first open
			   * item that holds it open; NULL when none does; static */
	/* The board (ruru_task_list_all): */
	char *session;    /* its RooComSessionID (or session_id); NULL when none */
};
/* A list of tasks.  Free with ruru_task_list_free(). */
struct ruru_task_list {
	char *session; /* the session's ID; NULL for the board of every task file */
	struct ruru_task_info *v;
	size_t n;
};
/* Every task file of the workspace, session or not, as a board: in the
 * order in progress, review, testing, generating, blocked, error, to do,
 * unknown, done, then by ID. */
struct ruru_task_list *ruru_task_list_all(struct ruru_ws *ws, struct ruru_error *err);
/* Tasks of a session with what their MDTM files say: those of
 * related_tasks in order, then every other task file that names the
 * session, by ID, each marked with the open item (ruru_open_items) that
 * holds it open, if one does. */
struct ruru_task_list *ruru_task_list(struct ruru_ws *ws, const char *id, struct ruru_error *err);
/* The same, also handing over the open items it marked them with (*open:
 * NULL when the log's open items could not be computed, the list then
 * unmarked; free with ruru_open_items_free), so that a caller showing both
 * computes them once. */
struct ruru_open_items;
struct ruru_task_list *ruru_task_list_open(struct ruru_ws *ws, const char *id,
					   struct ruru_open_items **open, struct ruru_error *err);
void ruru_task_list_free(struct ruru_task_list *l);
/* The JSON of `task list --json` and MCP task_list: {session, tasks:
 * [{id, title, status, assigned_to, file, linked, via[, open]}]} (null for
 * what is absent); for the board {tasks: [{id, title, status,
 * assigned_to, file, session}]} (new reference). */
struct json_t *ruru_task_list_json(const struct ruru_task_list *l);
/* Its text, for a person and a model alike: "N tasks of session ID:" (the
 * board: "N task files:") then a line each, tab-separated: ID, status
 * ("(no status)", "(no task file)"), how it was found ("linked" for
 * related_tasks; the board: its session or "-"), its file or "-", title,
 * and "open: KIND" when an open item holds it (workspace text escaped). */
void ruru_task_list_text(const struct ruru_task_list *l, struct ruru_buf *out);

/*
 * The open items of a session (doc/ruru.1, OPEN ITEMS): delegations without
 * a result, errors without a later success, tasks whose file says they are
 * not done, proposals waiting for a step and V7 blockers not resolved,
 * oldest first.  The one definition that `continue`, `show --digest`,
 * `prime`, `summarize` and `task list` use.  NULL with err when the
 * session cannot be read.  Free with ruru_open_items_free().
 */
enum ruru_open_kind {
	RURU_OPEN_DELEGATION, /* a delegation with no result yet */
	RURU_OPEN_ERROR,      /* an error with no later success */
	RURU_OPEN_TASK,       /* a task whose file says it is not done */
	RURU_OPEN_CONFIRMATION, /* a proposal waiting for a step */
	RURU_OPEN_BLOCKER,    /* a V7 blocker artifact not resolved */
};
struct ruru_open_item {
	enum ruru_open_kind kind;
	char *text;     /* one line saying what is open and why */
	/* delegation, error: the entry's line in the log, its fields, and the
	 * first line of its message (at most 160 bytes, " …" when cut) */
	size_t line;
	char *stamp, *mode, *source, *message;
	char *task;     /* delegation, error, task: the task it names */
	char *artifact; /* delegation, error: the artifact it names; confirmation:
			 * the proposal; blocker: the blocker's path in the session */
	char *target;   /* confirmation: the file the proposal edits */
	char *status;   /* task: its file's status; confirmation: the proposal's;
			 * blocker: its resolution_status (NULL when none) */
};
struct ruru_open_items {
	char *session;
	struct ruru_open_item *v;
	size_t n;
};
struct ruru_open_items *ruru_open_items(struct ruru_ws *ws, const char *id, struct ruru_error *err);
void ruru_open_items_free(struct ruru_open_items *o);
/* The word of a kind ("delegation", "error", "task", "confirmation",
 * "blocker"). */
const char *ruru_open_kind_name(enum ruru_open_kind k);
/* The JSON array the digests embed as "open_items": [{kind, text, ...}]
 * with each kind's fields above (null for what is absent; delegation and
 * error: line, stamp, mode, task, source, artifact, message; task: task,
 * status; confirmation: artifact, target, status; blocker: artifact,
 * status) (new reference). */
struct json_t *ruru_open_items_json(const struct ruru_open_items *o);
/* Its text: "N open items in session ID:" then "- TEXT" a line each, or
 * "Nothing is open in session ID." (workspace text escaped). */
void ruru_open_items_text(const struct ruru_open_items *o, struct ruru_buf *out);

/* A problem `check` found. */
struct ruru_check_problem {
	char *file;          /* as given, or the log's path from the root */
	size_t line, column; /* 1-based */
	bool error;          /* severity "error": ruru cannot write or read the log
			      * correctly; else "warning": drift it reads fine */
	char *code;          /* a stable word ("missing-key", "stray-index", ...) */
	char *message;       /* a folded problem's says how many times it was found */
	size_t count;        /* folded: how many times in the file; 0 when not folded */
};
/* A file `check` read. */
struct ruru_check_file {
	char *file;
	size_t errors, warnings;
	bool log; /* false for a file of the workspace that is not a session log */
};
/* What `check` found.  Free with ruru_check_report_free(). */
struct ruru_check_report {
	size_t errors, warnings;
	struct ruru_check_file *files;
	size_t nfiles;
	struct ruru_check_problem *problems; /* in file order, then by place */
	size_t nproblems;
	bool errors_only; /* ruru_check_report_errors_only() was called */
};
/* Validate log files (paths relative to the cwd; all sessions when n == 0)
 * into *report; a problem repeated in one file with the same code is listed
 * once, at its first place, with its count.  Returns the number of errors
 * (warnings are not counted), -1 on failure. */
int ruru_check(struct ruru_ws *ws, const char *const *files, size_t n,
	       struct ruru_check_report **report, struct ruru_error *err);
void ruru_check_report_free(struct ruru_check_report *r);
/* Keep only the problems that are errors (`check --errors-only`); the text
 * then counts errors only.  The totals stay. */
void ruru_check_report_errors_only(struct ruru_check_report *r);
/* The JSON of `check --json`: {errors, warnings, files: [{file, errors,
 * warnings[, log: false]}], problems: [{file, line, column, severity,
 * code, message[, count]}], ok} (new reference). */
struct json_t *ruru_check_report_json(const struct ruru_check_report *r);
/* Its text, as compilers print: for each file with problems its lines
 * FILE:LINE:COL: SEVERITY: MESSAGE [CODE] and "FILE: N errors, M
 * warnings"; then, when more than one log was checked or none has a
 * problem, "N logs checked: N errors, M warnings" (each line escaped). */
void ruru_check_report_text(const struct ruru_check_report *r, struct ruru_buf *out);

/* --------------------------------------------------------- confirmations */

/*
 * The confirmation workflow (standard §7, doc/design.md §6): a proposed edit of a
 * target file is written verbatim to a CONFIRM artifact
 * (CONFIRM-<target>-<YYYYMMDD-HHMMSS>.md in the session's artifacts/, or in
 * .ruru/temp/ with no active session), with ruru's record in a sidecar
 * CONFIRM-….toml beside it.  It is decided (approved or rejected by the
 * user, or skipped by the coordinator with a rationale), delegated to an
 * executor, and applied.  Apply refuses (RURU_ECONFLICT) unless the
 * proposal was approved or skipped, the payload still has the hash recorded
 * at proposal, and the target still has the hash it had then (`force`
 * overrides only that last check).  Targets that are absolute outside the
 * root, leave it through ".." or a symlink, lie in a .git folder, are
 * ruru's own records (.ruru/sessions/, .ruru/temp/, .ruru/config.toml,
 * .ruru/.gitignore) or are longer than git can check out everywhere (a
 * component over 255 bytes, a path over 1024) are RURU_EREFUSED, at
 * proposal and again at apply.
 *
 * `artifact` arguments name the CONFIRM file (or its sidecar) in any
 * unambiguous form: relative to the current directory or to the root,
 * relative to a session folder ("artifacts/CONFIRM-….md"), relative to
 * artifacts/ or .ruru/temp/, the bare file name, or its stem (RURU_EUSAGE
 * naming the candidates when several proposals match).  A proposal belongs to the session
 * whose artifacts/ holds it; every step of a session proposal is done
 * under that session's lock, requires the session to be active
 * (RURU_ECONFLICT otherwise) and is logged; temp proposals are serialised
 * by .ruru/temp/.lock and not logged.
 */
enum ruru_confirm_kind {
	RURU_CONFIRM_CONTENT = 0, /* the payload is the target's new content */
	RURU_CONFIRM_DIFF,        /* the payload is a unified diff of one file */
};

enum ruru_confirm_status {
	RURU_CONFIRM_UNKNOWN = 0,
	RURU_CONFIRM_PENDING,
	RURU_CONFIRM_APPROVED,
	RURU_CONFIRM_REJECTED,
	RURU_CONFIRM_SKIPPED,
	RURU_CONFIRM_APPLIED,
	RURU_CONFIRM_FAILED,
	RURU_CONFIRM_WITHDRAWN, /* closed by its proposer; never applied */
};
/* "pending", "approved", ... ; and back (RURU_CONFIRM_UNKNOWN when none). */
const char *ruru_confirm_status_word(enum ruru_confirm_status st);
enum ruru_confirm_status ruru_confirm_status_parse(const char *word);
/* "content" / "diff"; parse returns -1 for anything else. */
const char *ruru_confirm_kind_word(enum ruru_confirm_kind kind);
int ruru_confirm_kind_parse(const char *word);

/* A proposal: its sidecar plus what the disk says now.  Strings owned;
 * NULL when absent.  Times are 0 when not yet. */
struct ruru_confirm {
	char *artifact;      /* the CONFIRM file, relative to the root */
	char *sidecar;       /* its CONFIRM-….toml, relative to the root */
	char *session;       /* owning session; NULL for a .ruru/temp/ proposal */
	char *target;        /* target_path, relative to the root */
	enum ruru_confirm_kind kind;
	enum ruru_confirm_status status;
	char payload_sha256[65];
	char target_sha256[65]; /* "" when the target did not exist */
	/* sha256 of the target's content once applied: the payload itself,
	 * or the diff applied to the target as it was at proposal (computed
	 * then; for a sidecar from an older ruru, from the disk now). */
	char result_sha256[65];
	char nonce[33];         /* 128 random bits, hex ("" from an older ruru) */
	time_t created, decided_at, applied_at;
	char *decided_by;    /* "user" or "coordinator" */
	char *rationale;     /* reason of the decision ("" when none given) */
	char *delegated_to, *task;
	bool forced;         /* applied with force over a changed target */
	bool already;        /* apply found the target already holding the result */
	/* apply only: the signer whose signature of the decision this apply
	 * checked against the user's allowed signers (NULL: none checked). */
	char *verified_signer;
	/* ruru_confirm_load only (NULL otherwise; static, not owned): "none",
	 * "agrees" or "differs" — the latest decision record against the
	 * sidecar's status, target, kind and hashes. */
	const char *record;
	/* From the disk at the time of the call: */
	bool payload_intact;   /* the artifact still hashes to payload_sha256 */
	bool target_unchanged; /* the target still hashes to target_sha256 */
	size_t payload_bytes;
	/* An applied one (from its sidecar): what the apply wrote over.
	 * applied_recorded false: not recorded (applied by an older ruru).
	 * applied_from_sha256: the target's sha256 just before the apply
	 * ("" when it did not exist; the result's own hash when the target
	 * already held the result).  applied_diff: ruru's `diff -u` of that
	 * content against the result, as the apply computed it (NULL when not
	 * kept: the target already held the result, or the diff was longer
	 * than RURU_APPLIED_DIFF_MAX bytes). */
	bool applied_recorded;
	char applied_from_sha256[65];
	char *applied_diff;
	/* propose only: an earlier proposal still pending with the same
	 * target and the same result (NULL: none); the new one is made all
	 * the same. */
	char *duplicate_of;
	/* The change as ruru_confirm_diff() renders it, when the caller put
	 * it here to show it (confirm show): `diff_len` bytes, owned; NULL
	 * otherwise.  ruru_confirm_release() frees it. */
	char *diff;
	size_t diff_len;
};
#define RURU_APPLIED_DIFF_MAX (256u * 1024) /* longest applied diff a sidecar keeps */
void ruru_confirm_release(struct ruru_confirm *c);
/* {artifact, sidecar, session, target, kind, status, payload_sha256,
 *  target_sha256, result_sha256, nonce, created, decided_by, rationale, decided_at, delegated_to,
 *  task, applied_at, forced, already_applied, decision_record, payload_intact,
 *  target_unchanged, payload_bytes, applied_from_sha256 (null unless recorded),
 *  duplicate_of (when set), diff and diff_shows ("applied" for an applied
 *  proposal's recorded change, else "proposed"; when diff is set)}
 * (caller decrefs).  A CONFIRM file without a sidecar (sidecar NULL, as
 * ruru_confirm_list gives it) is {artifact, session, status: "unadopted",
 * target: null}. */
struct json_t *ruru_confirm_json(const struct ruru_confirm *c);
/*
 * The proposal for a person or a model (confirm show, MCP confirm_show),
 * appended to *out, workspace text escaped (ruru_text_escape): a line
 * "label: value" each for the artifact, target, kind, status (who decided
 * and when), reason, delegation, session, payload, applied time, an
 * earlier duplicate, the three hashes a decision binds under the keys
 * confirm approve --expect and MCP confirm_decide's `shown` take
 * (payload_sha256, result_sha256, target_sha256), the decision record;
 * then, when c->diff is set, a blank line and the diff (its lines kept),
 * or a line saying there is no difference; an applied proposal's diff is
 * the change its apply recorded, under a line that says so (or says why
 * none was kept).
 */
void ruru_confirm_text(const struct ruru_confirm *c, struct ruru_buf *out);
/* One line for a proposal in a list: artifact, status, target, then
 * (kind, created) and the delegation when there is one; no newline. */
void ruru_confirm_line(const struct ruru_confirm *c, struct ruru_buf *out);

/*
 * A decision record (doc/design.md §6 "Binding"): what a decision was about (the
 * artifact, target, payload_sha256 and target_sha256, and the payload's
 * kind, which decides the result as much as its bytes), so
 * that a sidecar, payload or target changed after it cannot inherit it.
 * Session proposals carry it in their confirm-response / confirm-skip
 * entries (and a withdrawal's note), temp proposals as one [[decision]]
 * table each in the append-only .ruru/temp/decisions.log.  Strings owned.
 */
struct ruru_confirm_record {
	enum ruru_confirm_status decision; /* APPROVED, REJECTED, SKIPPED or WITHDRAWN */
	char *artifact;         /* the CONFIRM file, relative to the root */
	char *target;           /* target_path, relative to the root */
	enum ruru_confirm_kind kind; /* what the payload is: it decides the result too */
	char payload_sha256[65];
	char target_sha256[65]; /* "" for a new file */
	char *decided_by;       /* "user" or "coordinator" */
	char *rationale;        /* "" when none */
	char *session;          /* the owning session; "" for .ruru/temp/ */
	char *signer;           /* the signing identity (principal); "" when unsigned */
	char *signature;        /* the SSH signature (armored), NULL when unsigned */
	time_t decided_at;
	char result_sha256[65]; /* the decided result ("" from an older ruru) */
	char nonce[33];         /* the proposal's nonce ("" from an older ruru) */
	time_t expires;         /* a signature's end of validity (0: none) */
};
void ruru_confirm_record_release(struct ruru_confirm_record *r);
/* The record's canonical text (a TOML [[decision]] table with its keys in
 * a fixed order — decision, artifact, target_path, kind, payload_sha256,
 * target_sha256, decided_by, rationale, session, signed_by, decided_at,
 * then result_sha256, nonce and expires when set —
 * LF endings, no signature): what decisions.log holds and what a
 * signature covers.  Appends to *out. */
void ruru_confirm_record_canonical(struct ruru_buf *out, const struct ruru_confirm_record *r);
/* The latest decision record of a proposal (RURU_ENOTFOUND when none). */
int ruru_confirm_record_latest(struct ruru_ws *ws, const char *artifact,
			       struct ruru_confirm_record *out, struct ruru_error *err);

/*
 * Propose: `session` NULL means the active session, or temp mode when no
 * session is active (ruru_session_optional: ROOCOM_SESSION_ID unset, and
 * no .active or one naming an ended session).  `target` is a
 * path relative to the current directory (or absolute, inside the root).
 * The payload is stored byte for byte; a diff must be exactly one unified
 * diff of the target and apply cleanly to it now (RURU_EINVALID otherwise,
 * nothing written).  `supersedes` (NULL: none) names an earlier proposal
 * that is withdrawn in the same step.  Fills *out.
 */
int ruru_confirm_propose(struct ruru_ws *ws, const char *session, const char *target,
			 enum ruru_confirm_kind kind, const void *payload, size_t len,
			 const char *supersedes, struct ruru_confirm *out,
			 struct ruru_error *err);
/* Take a hand-made CONFIRM file into the workflow: create its sidecar as
 * pending (RURU_ECONFLICT when it has one), log it like a proposal. */
int ruru_confirm_adopt(struct ruru_ws *ws, const char *artifact, const char *target,
		       enum ruru_confirm_kind kind, struct ruru_confirm *out,
		       struct ruru_error *err);
/* Read a proposal (no lock, no change).  RURU_ENOTFOUND when the artifact
 * or its sidecar is missing. */
int ruru_confirm_load(struct ruru_ws *ws, const char *artifact, struct ruru_confirm *out,
		      struct ruru_error *err);
/* The change for a reviewer, always ruru's own rendering: `diff -u` of
 * the current target against the result (a content payload itself, or a
 * diff payload applied to the target in memory), with the hunk headers
 * diff writes — never the agent's diff text.  The bytes it reads must
 * still be those `c` (from ruru_confirm_load) describes: a payload or
 * result that changed since is RURU_ECONFLICT ("show it again").
 * An applied proposal's change is the one its apply recorded
 * (c->applied_diff; nothing when none was kept), whatever the target
 * holds now.  Appends to *out. */
int ruru_confirm_diff(struct ruru_ws *ws, const struct ruru_confirm *c, struct ruru_buf *out,
		      struct ruru_error *err);
/* ruru_confirm_load, then ruru_confirm_diff into out->diff: the proposal
 * as confirm show and MCP confirm_show give it. */
int ruru_confirm_show(struct ruru_ws *ws, const char *artifact, struct ruru_confirm *out,
		      struct ruru_error *err);

enum ruru_confirm_decision {
	RURU_DECIDE_APPROVE = 0, /* the user said yes        → approved */
	RURU_DECIDE_REJECT,      /* the user said no         → rejected */
	RURU_DECIDE_SKIP,        /* coordinator, low risk    → skipped (reason required) */
	RURU_DECIDE_COUNT,
	RURU_DECIDE_UNKNOWN = -1,
};
/* "approve", "reject", "skip"; and back (exact; RURU_DECIDE_UNKNOWN). */
const char *ruru_decision_word(enum ruru_confirm_decision d);
enum ruru_confirm_decision ruru_decision_parse(const char *word);
/* Decide a pending proposal (RURU_ECONFLICT when it is not pending or its
 * payload changed since proposal).  Logs confirm-request + confirm-response,
 * or confirm-skip with the rationale.  A skip without a reason: RURU_EUSAGE. */
int ruru_confirm_decide(struct ruru_ws *ws, const char *artifact,
			enum ruru_confirm_decision decision, const char *reason,
			struct ruru_confirm *out, struct ruru_error *err);
/*
 * What a front end showed of a proposal (ruru_confirm_load's values, the
 * diff from ruru_confirm_diff): a decision made with it binds exactly
 * that.  Each member NULL is not checked; target_sha256 "" (or "none")
 * says the target did not exist.  The decision is refused under the lock
 * (RURU_ECONFLICT, "the proposal changed while it was being read; show it
 * again") when the sidecar, the payload file, the target on disk or the
 * result computed from them now differ from any value given.
 */
struct ruru_confirm_expect {
	const char *target;         /* target_path, relative to the root */
	const char *payload_sha256;
	const char *result_sha256;
	const char *target_sha256;
};
/* Fill *e with pointers into c (valid while c is): every value checked. */
void ruru_confirm_expect_of(struct ruru_confirm_expect *e, const struct ruru_confirm *c);
/*
 * Signed decisions (doc/design.md §16): the canonical record is signed with
 * `ssh-keygen -Y sign -n ruru-confirm`.  `key`: a private key file, or a
 * public key whose private half is in ssh-agent; NULL: git's
 * user.signingkey, else the first key ssh-agent holds.  `identity`: the
 * signer's principal as allowed_signers names it; NULL: git's user.email,
 * else the login name.  The signature goes into the sidecar (signed_by,
 * signature) and decisions.log; the log entry names the signer.
 */
struct ruru_confirm_sign {
	const char *key;
	const char *identity;
	/* Where the user's configuration lives (config_dir, home, tmpdir);
	 * read by ruru_confirm_signing_init(), which has no workspace (the
	 * other calls use the workspace's options).  NULL: none given. */
	const struct ruru_options *opts;
};
/*
 * `ruru init --signing`: the user's trust anchor, outside any workspace.
 * Adds "IDENTITY namespaces="ruru-confirm" KEY" to
 * CONFIG/ruru/allowed_signers (unless that key is there for that
 * identity) and sets confirm.require_signature = true in
 * CONFIG/ruru/config.toml (format-preserving; other keys kept), CONFIG
 * being sign->opts->config_dir (RURU_EUSAGE when there is none).
 * sign->key: a public or private key file (NULL: git's user.signingkey,
 * else ssh-agent's first key); sign->identity as for signing.  *report
 * (NULL on failure) says what was done.
 */
struct ruru_signing_report {
	char *config;          /* the user's config.toml, now requiring signatures */
	char *allowed_signers; /* the user's allowed_signers file */
	char *identity;        /* the signer, as allowed_signers names it */
	char *key_type;        /* the key's type ("ssh-ed25519", ...) */
	bool added;            /* the key was added (false: it was there already) */
};
void ruru_signing_report_free(struct ruru_signing_report *r);
/* {config, allowed_signers, identity, key_type, added} (caller decrefs). */
struct json_t *ruru_signing_report_json(const struct ruru_signing_report *r);
/* "signed decisions required; FILE now allows (already allowed) the TYPE
 * key of IDENTITY (CONFIG)" and a newline, escaped; appended to *out. */
void ruru_signing_report_text(const struct ruru_signing_report *r, struct ruru_buf *out);
int ruru_confirm_signing_init(const struct ruru_confirm_sign *sign,
			      struct ruru_signing_report **report, struct ruru_error *err);
/* ruru_confirm_decide, signed when `sign` is not NULL.  Front ends a
 * person answers through sign; the MCP server, which an agent drives,
 * does not (a signature stands for the person, not for the agent). */
int ruru_confirm_decide_signed(struct ruru_ws *ws, const char *artifact,
			       enum ruru_confirm_decision decision, const char *reason,
			       const struct ruru_confirm_sign *sign, struct ruru_confirm *out,
			       struct ruru_error *err);
/* The decision call every front end that showed the proposal uses: signed
 * when `sign` is not NULL, bound to `expect` when it is not NULL. */
int ruru_confirm_decide_expect(struct ruru_ws *ws, const char *artifact,
			       enum ruru_confirm_decision decision, const char *reason,
			       const struct ruru_confirm_sign *sign,
			       const struct ruru_confirm_expect *expect, struct ruru_confirm *out,
			       struct ruru_error *err);
/* confirm.sign = true in the workspace's .ruru/config.toml: the CLI signs
 * decisions by default. */
bool ruru_confirm_sign_wanted(struct ruru_ws *ws);
/* confirm.require_signature = true in the user's config or the
 * workspace's: apply refuses decisions without a valid signature. */
bool ruru_confirm_sign_required(struct ruru_ws *ws);

/* Hand an approved or skipped proposal to executor mode `to` (task may be
 * NULL): *message gets the standard's instruction (caller frees), without
 * how to apply a diff with ruru (each front end adds that in its own
 * words); logs a delegation event. */
int ruru_confirm_delegate(struct ruru_ws *ws, const char *artifact, const char *to,
			  const char *task, char **message, struct ruru_confirm *out,
			  struct ruru_error *err);
/*
 * The executor's step: check that sidecar, payload, target and the latest
 * decision record agree (RURU_ECONFLICT otherwise; a refusal logs
 * nothing), write the target atomically, mark applied (a temp proposal is
 * deleted instead), log a result event.  When the target already holds
 * the approved result (applied by hand, or by an apply that died after
 * writing) it is recorded as applied without a write; out->already says
 * so.  A write that fails is undone where it can be; whatever it leaves,
 * the next apply finishes it or refuses with what happened.  It writes
 * exactly the bytes whose hash is result_sha256 (RURU_ECONFLICT when the
 * payload applied to the target now would make others), and a proposal
 * is applied once: the decided nonce goes into the result entry (or an
 * [[applied]] table of decisions.log), and a nonce recorded there already
 * is RURU_ECONFLICT whatever the sidecar says.  A signature of the
 * decision is checked against the user's allowed signers (and its expiry)
 * when signatures are required; out->verified_signer names a signer only
 * when this apply verified one.
 */
int ruru_confirm_apply(struct ruru_ws *ws, const char *artifact, bool force,
		       struct ruru_confirm *out, struct ruru_error *err);
/*
 * apply, then commit exactly the target with git (doc/design.md §16): refused
 * before anything is written (RURU_ECONFLICT) outside a git work tree or
 * when the index holds staged changes; the commit carries the trailers
 * Ruru-Session (session proposals), Ruru-Confirm, Ruru-Payload-SHA256 and
 * Ruru-Signed-By (only for a signature the apply verified).  git runs
 * with literal pathspecs, no hooks and no fsmonitor of the repository.
 * `message` NULL: a default subject.
 * A commit that fails after the apply is RURU_EFAIL saying the target was
 * applied; *commit gets the new commit's hash (caller frees) on success.
 */
int ruru_confirm_apply_commit(struct ruru_ws *ws, const char *artifact, bool force,
			      const char *message, struct ruru_confirm *out, char **commit,
			      struct ruru_error *err);
/* Close a pending, approved or skipped proposal nobody will apply: status
 * withdrawn, a withdrawal record logged (session) or appended to
 * decisions.log (temp).  `reason` may be NULL. */
int ruru_confirm_withdraw(struct ruru_ws *ws, const char *artifact, const char *reason,
			  struct ruru_confirm *out, struct ruru_error *err);
/* What ruru_confirm_clean() removed (caller frees with
 * ruru_confirm_removed_free). */
struct ruru_confirm_removed {
	char **artifacts; /* the CONFIRM files removed, relative to the root */
	size_t n;
};
void ruru_confirm_removed_free(struct ruru_confirm_removed *r);
/* {removed: [artifact, ...]} (caller decrefs). */
struct json_t *ruru_confirm_removed_json(const struct ruru_confirm_removed *r);
/* One artifact a line (escaped), or "Nothing to remove."; appended to *out. */
void ruru_confirm_removed_text(const struct ruru_confirm_removed *r, struct ruru_buf *out);
/* Remove the withdrawn, rejected and applied proposals of .ruru/temp/
 * (artifact and sidecar); *removed (NULL on failure) says which.
 * decisions.log is kept. */
int ruru_confirm_clean(struct ruru_ws *ws, struct ruru_confirm_removed **removed,
		       struct ruru_error *err);
/* One problem `ruru verify` found.  Strings owned by the report. */
struct ruru_verify_problem {
	char *file;    /* the file it is in, relative to the root */
	int line, col; /* 1-based */
	bool error;    /* false: information only (nothing was tampered with) */
	char *message;
};
/* What ruru_confirm_verify() gives (caller frees with
 * ruru_verify_report_free). */
struct ruru_verify_report {
	size_t proposals; /* how many proposals were checked */
	struct ruru_verify_problem *problems; /* in the order found */
	size_t n;
	size_t errors;    /* how many problems are errors */
};
void ruru_verify_report_free(struct ruru_verify_report *r);
/* {proposals, problems: [{file, line, col, severity ("error" | "info"),
 * message}], ok (no error)} (caller decrefs). */
struct json_t *ruru_verify_report_json(const struct ruru_verify_report *r);
/* One line per problem, FILE:LINE:COL: error|note: MESSAGE (escaped),
 * then "Checked N proposals: no problems." or "...: K problems, E of them
 * errors."; appended to *out. */
void ruru_verify_report_text(const struct ruru_verify_report *r, struct ruru_buf *out);
/*
 * `ruru verify` (doc/design.md §16): every proposal of the sessions `ids` (none:
 * every session and .ruru/temp/) checked against its payload, its decision
 * records, its signature (when present or required) and, once applied,
 * its target.  NULL with err set when a session is unknown.
 */
struct ruru_verify_report *ruru_confirm_verify(struct ruru_ws *ws, const char *const *ids,
					       size_t nids, struct ruru_error *err);
/* A run of lines a change added: start_line..end_line, 1-based, inclusive. */
struct ruru_trace_range {
	int64_t start_line, end_line;
};
/* What an Agent Trace record (v0.1.0) says of one applied proposal.
 * Strings owned. */
struct ruru_trace_record {
	char id[37];          /* a name-based UUID: the same proposal, the same ID */
	time_t timestamp;     /* when it was applied (else proposed) */
	char *target;         /* the file changed, relative to the root */
	struct ruru_trace_range *ranges; /* the lines the change added */
	size_t nranges;
	char *session;        /* the conversation: ruru://sessions/SESSION */
	char *artifact;       /* the CONFIRM file, relative to the root */
	char *artifact_in_session; /* ... relative to the session folder (its `related` URL) */
	char payload_sha256[65];
	char *decided_by;     /* "user" or "coordinator" (NULL: not recorded) */
	bool skipped;         /* decision "skipped" (by the coordinator), else "approved" */
	char *commit;         /* the commit `apply --commit` made (NULL: none found) */
};
/* What ruru_confirm_agent_trace() gives (caller frees with
 * ruru_agent_trace_free). */
struct ruru_agent_trace {
	struct ruru_trace_record *records; /* in the order of the proposals */
	size_t n;
};
void ruru_agent_trace_free(struct ruru_agent_trace *t);
/* One record in Agent Trace's JSON form: {version, id, timestamp, tool:
 * {name, version}, files: [{path, conversations: [{url, contributor:
 * {type: "ai"}, ranges: [{start_line, end_line}], related: [{type:
 * "ruru-confirm", url}]}]}], vcs: {type: "git", revision} (when
 * committed), metadata: {ruru: {session, artifact, payload_sha256,
 * decision, decided_by}}} (caller decrefs). */
struct json_t *ruru_trace_record_json(const struct ruru_trace_record *r);
/* {records: [ruru_trace_record_json() of each]} (caller decrefs). */
struct json_t *ruru_agent_trace_json(const struct ruru_agent_trace *t);
/* JSON Lines: each record compact on a line of its own; appended to *out. */
void ruru_agent_trace_text(const struct ruru_agent_trace *t, struct ruru_buf *out);
/*
 * `ruru export --agent-trace` (doc/design.md §16): one Agent Trace record
 * per applied proposal of the sessions `ids` (none: all): the target, the
 * line ranges the change added (recorded at apply), the session as the
 * conversation, the commit `apply --commit` made.  NULL with err set for
 * an unknown session.
 */
struct ruru_agent_trace *ruru_confirm_agent_trace(struct ruru_ws *ws, const char *const *ids,
						  size_t nids, struct ruru_error *err);
/* Proposals: what ruru_confirm_list() gives (caller frees with
 * ruru_confirm_list_free). */
struct ruru_confirm_list {
	struct ruru_confirm *items; /* oldest first (the stamp in the name) */
	size_t n;
};
void ruru_confirm_list_free(struct ruru_confirm_list *l);
/* {confirmations: [ruru_confirm_json() of each]} (caller decrefs). */
struct json_t *ruru_confirm_list_json(const struct ruru_confirm_list *l);
/* "N proposals (artifact, status, target):" and a ruru_confirm_line()
 * each, or "No proposals."; appended to *out. */
void ruru_confirm_list_text(const struct ruru_confirm_list *l, struct ruru_buf *out);
/* Proposals of `session` (NULL: the active one, if any) and of .ruru/temp/,
 * oldest first; `status` (a word, or NULL for all) filters.  CONFIRM
 * files without a sidecar are listed with sidecar NULL and status
 * RURU_CONFIRM_UNKNOWN ("unadopted": the status word that lists only
 * them).  NULL with err set for an unknown status or session. */
struct ruru_confirm_list *ruru_confirm_list(struct ruru_ws *ws, const char *session,
					    const char *status, struct ruru_error *err);

/* ---------------------------------------------------------------- search */

/*
 * Full-text search over every session (doc/design.md §14): entries (message, type,
 * mode, task), sessions (title, goal, tags) and artifacts (text files of a
 * session folder up to 1 MB), through a derived SQLite FTS5 index kept
 * outside the work tree, in the user's cache folder (ruru_options.cache_dir):
 * <cache>/ruru/<SHA-256 of the root's real path>/index.sqlite3.  Every call
 * first brings the index up to date from the files whose (device, inode,
 * size, mtime) changed; a grown log is indexed from its last entry on.  A
 * missing, corrupt, old-version or foreign-schema index is rebuilt; with
 * no cache folder (or one that cannot be written) the index is built in
 * memory; a symlinked index file or cache folder is RURU_EREFUSED.  A
 * .ruru/index.sqlite3 in the work tree is never opened.
 *
 * Query language: words are ANDed; "a phrase"; prefix*; -word (or
 * -"a phrase") excludes; OR between two terms (binds tighter than the
 * implied AND).  Words are runs of letters and digits, matched without
 * regard to case or diacritics; a query holding characters of a script
 * written without spaces (Chinese, Japanese, Thai...) is matched as
 * substrings of three or more characters (FTS5's trigram tokenizer).  ruru builds the FTS5 expression itself,
 * quoting every term, so no query text is ever FTS5 or SQL syntax.  A
 * malformed query is RURU_EUSAGE with a message saying why.
 */
enum {
	RURU_SEARCH_ENTRIES = 1,
	RURU_SEARCH_SESSIONS = 2,
	RURU_SEARCH_ARTIFACTS = 4,
};
/* The RURU_SEARCH_* bit of the word "entries", "sessions" or "artifacts"
 * (the words of search's argument `in`); 0 for another. */
unsigned ruru_search_in_bit(const char *word);
struct ruru_search_opts {
	const char *query;      /* required; may hold any bytes */
	size_t query_len;
	const char *type, *mode, *task; /* entries only; NULL: no filter */
	const char *session;    /* exact ID or unique prefix; NULL: all */
	const char *tag;        /* the session has this tag (any case) */
	enum ruru_status status; /* the session's status; UNKNOWN: any */
	time_t since, until;    /* hit time within [since, until] when has_* */
	bool has_since, has_until;
	unsigned in;            /* RURU_SEARCH_* mask; 0 means all three */
	size_t limit;           /* at most this many hits; 0: no bound */
	const char *mark_open, *mark_close; /* around matches in snippets; NULL: "[" "]" */
};
/* One hit of a search.  Strings owned (by the hits), as read from the
 * index: text from the workspace, not necessarily UTF-8. */
struct ruru_search_hit {
	const char *kind;  /* "entry", "session" or "artifact" (static) */
	char *session;     /* the session's ID (NULL: none) */
	char *path;        /* the file, relative to the root */
	int64_t line;      /* 1-based line of the entry, the front matter or the match */
	bool has_time;     /* `time` holds the hit's time (an entry's stamp, a session's start) */
	time_t time;
	/* The zone the stamp was written with ("Z", "+10:00"); NULL: the
	 * stamp named none, so `time` is a local time of unknown zone. */
	char *zone;
	char *type, *mode, *task; /* an entry's; NULL when none */
	char *snippet;     /* one line, the matches between the marks */
};
/* What ruru_search() gives (caller frees with ruru_search_hits_free). */
struct ruru_search_hits {
	char *query;       /* the query as asked, `query_len` bytes */
	size_t query_len;
	struct ruru_search_hit *hits; /* best first (bm25, then newest) */
	size_t n;
	size_t total;      /* hits in all: more than n when the limit cut them */
	char *mark_open, *mark_close; /* the marks around matches in snippets */
};
void ruru_search_hits_free(struct ruru_search_hits *h);
/* {query, hits: [{kind, session, path, line, time (RFC 3339, without
 * "Z" when the stamp named no zone; null when none), zone (as written, or
 * null), type, mode, task (null when none), snippet}], total} (caller
 * decrefs); text that is not UTF-8 has U+FFFD in its place. */
struct json_t *ruru_search_hits_json(const struct ruru_search_hits *h);
/* One line per hit, tab-separated:
 *   PATH:LINE  SESSION  TIME  TYPE  MODE  TASK  SNIPPET
 * with "-" for an empty field and "(session)" or "(artifact)" as the type
 * of a session's own or an artifact's hit, every field escaped
 * (ruru_text_escape) but the marks; then, when the limit cut the hits,
 * "the best N of M hits (raise the limit for more)"; with no hit "No hits
 * for QUERY.".  Appended to *out. */
void ruru_search_hits_text(const struct ruru_search_hits *h, struct ruru_buf *out);
/* Search (NULL with err set: a malformed query, an unknown session, an
 * index that cannot be opened). */
struct ruru_search_hits *ruru_search(struct ruru_ws *ws, const struct ruru_search_opts *o,
				     struct ruru_error *err);

/* Compile a query into the FTS5 expression ruru runs (reset first):
 * -1 with RURU_EUSAGE for a malformed query.  (Public for the fuzzer.) */
int ruru_search_compile(const char *q, size_t len, struct ruru_buf *out, struct ruru_error *err);

/* --since/--until values: a date "YYYY-MM-DD" (its first second, or its
 * last when `end_of_day`) or a date-time in any form log stamps take
 * (RFC 3339, "YYYY-MM-DD HH:MM[:SS]", zone-less as UTC). */
bool ruru_search_parse_time(const char *s, bool end_of_day, time_t *out);

/* What an index update did. */
struct ruru_index_stats {
	size_t sessions, logs, entries, artifacts; /* indexed now */
	size_t tails;     /* logs indexed from their last entry only */
	size_t removed;   /* files dropped from the index */
	uint64_t bytes;   /* bytes read to index */
	bool rebuilt;     /* the index was made from nothing */
	bool in_memory;   /* the workspace is read-only: the index lives in memory */
};
/* Rebuild the index from nothing (`ruru reindex`). */
int ruru_reindex(struct ruru_ws *ws, struct ruru_index_stats *st, struct ruru_error *err);
/* The path of the workspace's index file into `out` (made empty when
 * there is no cache folder: the index lives in memory). */
int ruru_index_path(struct ruru_ws *ws, struct ruru_buf *out, struct ruru_error *err);
/* Remove the index folders in the cache folder of `ws` (any workspace's,
 * not only this one's) whose workspace root no longer exists (`ruru
 * reindex --prune`); *removed gets how many. */
int ruru_index_prune(struct ruru_ws *ws, size_t *removed, struct ruru_error *err);

/*
 * A long-running front end (`ruru mcp`, `ruru serve`) watches the
 * workspace with inotify: while the kernel reports no change in the
 * session, temp and task folders, searches and listings of `ws` use the
 * index without a stat sweep.  When the kernel's watches run out, it
 * sweeps as before (searches only, when what is left unwatched is below
 * the session folders: listings still answer from the watch).
 * ruru_watch_poll() reads the reports and returns a
 * number that grows with every change (for live updates; 0 when the
 * watch is broken, so that the caller polls in its own way); poll()
 * ruru_watch_fd() to wait for one.  The folders are watched by a thread
 * of the watch's own, so ruru_watch_start() returns at once: until that
 * thread is done, calls sweep as without a watch and ruru_watch_poll()
 * returns 0; ruru_watch_wait() waits for it.  Thread-safe.  Stop the
 * watch before freeing `ws`.
 */
struct ruru_watch;
struct ruru_watch *ruru_watch_start(struct ruru_ws *ws, struct ruru_error *err);
void ruru_watch_stop(struct ruru_watch *w);
void ruru_watch_wait(struct ruru_watch *w);
int ruru_watch_fd(const struct ruru_watch *w);
uint64_t ruru_watch_poll(struct ruru_watch *w);

/* Sessions from the index, newest first like ruru_session_list() (same
 * filters, same records, front matter only), after bringing the index's
 * logs up to date (one stat per session); `since` (when has_since) keeps
 * sessions started at or after it, `limit` (0: all) the first ones.  Each
 * is handed to `fn` (borrowed, valid during the call) in order; a
 * non-zero return from `fn` stops the walk and is returned.  Falls back
 * to reading the logs when the index cannot be used. */
typedef int (*ruru_session_fn)(const struct ruru_session *s, void *ctx);
int ruru_session_list_indexed(struct ruru_ws *ws, enum ruru_status status, const char *tag,
			      bool has_since, time_t since, size_t limit, ruru_session_fn fn,
			      void *ctx, struct ruru_error *err);

/* Which sessions a listing holds (`list`, MCP session_list). */
struct ruru_session_query {
	enum ruru_status status; /* RURU_STATUS_UNKNOWN: any */
	const char *tag;         /* NULL: any */
	bool has_since;          /* keep those started at or after `since` */
	time_t since;
	size_t limit;            /* the newest N; RURU_LIST_ALL: all */
	bool count;              /* count them all, also those past the limit
				  * (counted by the index, not read out) */
};
#define RURU_LIST_ALL ((size_t)-1)
/* A listing of sessions, newest first, front matter only. */
struct ruru_session_listing {
	struct ruru_session *v;
	size_t n;
	bool counted; /* `total` holds every session that matched (query.count) */
	size_t total; /* when counted: n and the omitted ones past the limit */
};
/* The sessions of `q`, from the index (ruru_session_list_indexed()). */
struct ruru_session_listing *ruru_session_listing(struct ruru_ws *ws,
						  const struct ruru_session_query *q,
						  struct ruru_error *err);
void ruru_session_listing_free(struct ruru_session_listing *l);
/* {sessions: [ruru_session_json() without entries], and when counted:
 * total, omitted} */
struct json_t *ruru_session_listing_json(const struct ruru_session_listing *l);
/* A line per session, tab-separated: ID, status (its word; "invalid" for a
 * log that cannot be read), start time as written ("-": none), title (for
 * an invalid log: why), and "tags: A, B" when it has tags; workspace text
 * escaped, the backslash doubled.  When counted, a last line says how many were left out, or
 * "No sessions." when none matched; else nothing for none. */
void ruru_session_listing_text(const struct ruru_session_listing *l, struct ruru_buf *out);

/* ------------------------------------------------------------------ TOML */

/*
 * TOML 1.0.0 engine: a decoder that keeps every key's and value's byte span,
 * an encoder for the values ruru writes, and format-preserving edits that
 * change only the bytes of the edited value.
 *
 * A parsed document owns every node; nodes are borrowed pointers valid
 * until ruru_toml_free().  Spans are byte offsets into the text that was
 * parsed: [start, end).
 */
enum ruru_toml_kind {
	RURU_TOML_STRING = 1,
	RURU_TOML_INTEGER,
	RURU_TOML_FLOAT,
	RURU_TOML_BOOL,
	RURU_TOML_DATETIME,       /* offset date-time */
	RURU_TOML_DATETIME_LOCAL, /* local date-time */
	RURU_TOML_DATE_LOCAL,
	RURU_TOML_TIME_LOCAL,
	RURU_TOML_ARRAY,
	RURU_TOML_TABLE,
};

struct ruru_toml_datetime {
	int year, month, day;        /* 0 for a local time */
	int hour, minute, second;    /* 0 for a local date */
	int nanosecond;
	int frac_digits;             /* digits written after '.', 0 if none */
	int offset_minutes;          /* east of UTC; valid for RURU_TOML_DATETIME */
};

struct ruru_toml_span {
	size_t start, end;
};

struct ruru_toml;       /* a parsed document */
struct ruru_toml_value; /* a node inside it */

/* Parse `len` bytes (need not be NUL-terminated).  NULL and err (code
 * RURU_EINVALID, line, col, "what was expected") on failure. */
struct ruru_toml *ruru_toml_parse(const char *text, size_t len, struct ruru_error *err);
void ruru_toml_free(struct ruru_toml *doc);
const struct ruru_toml_value *ruru_toml_root(const struct ruru_toml *doc);

enum ruru_toml_kind ruru_toml_kind(const struct ruru_toml_value *v);
/* Span of the value's bytes in the source (for a table defined by headers
 * or dotted keys the span of its first definition). */
struct ruru_toml_span ruru_toml_value_span(const struct ruru_toml_value *v);

/* Tables: entries in definition order.  Keys are borrowed, with length. */
size_t ruru_toml_table_len(const struct ruru_toml_value *table);
const char *ruru_toml_table_key(const struct ruru_toml_value *table, size_t i, size_t *keylen);
const struct ruru_toml_value *ruru_toml_table_at(const struct ruru_toml_value *table, size_t i);
const struct ruru_toml_value *ruru_toml_table_get(const struct ruru_toml_value *table,
						  const char *key, size_t keylen);
/* Look up a dotted key path written with TOML quoting (a."b.c".d);
 * NULL when absent or not a valid key path. */
const struct ruru_toml_value *ruru_toml_lookup(const struct ruru_toml_value *table, const char *path);

size_t ruru_toml_array_len(const struct ruru_toml_value *array);
const struct ruru_toml_value *ruru_toml_array_at(const struct ruru_toml_value *array, size_t i);

/* Scalars.  Calling an accessor of the wrong kind returns 0/NULL. */
const char *ruru_toml_string(const struct ruru_toml_value *v, size_t *len); /* borrowed, NUL-terminated */
int64_t ruru_toml_integer(const struct ruru_toml_value *v);
double ruru_toml_float(const struct ruru_toml_value *v);
bool ruru_toml_bool(const struct ruru_toml_value *v);
const struct ruru_toml_datetime *ruru_toml_datetime(const struct ruru_toml_value *v);

/* Span of the i-th key of a table as written (for a dotted key, the span
 * of that one part; for a table made by a header, its name there). */
struct ruru_toml_span ruru_toml_key_span(const struct ruru_toml_value *table, size_t i);

/* toml-test's tagged JSON of a value (compact, keys in definition order). */
void ruru_toml_to_tagged_json(const struct ruru_toml_value *v, struct ruru_buf *out);

/* A value as text: a scalar in TOML syntax (strings as basic strings,
 * date-times as RFC 3339), an array or table as tagged JSON. */
void ruru_toml_scalar_text(const struct ruru_toml_value *v, struct ruru_buf *out);

/* Encoder: append a TOML literal.  Strings become basic strings escaped so
 * that every code point round-trips (control characters as \uXXXX). */
void ruru_toml_encode_string(struct ruru_buf *out, const char *s, size_t len);
/* An offset date-time in UTC with seconds, e.g. 2026-11-24T03:15:20Z. */
void ruru_toml_encode_time(struct ruru_buf *out, time_t t);
/* A one-line array of strings: ["a", "b"]. */
void ruru_toml_encode_string_array(struct ruru_buf *out, const char *const *items, size_t n);

/*
 * Format-preserving edits.  Each takes a TOML document (`src`, `len`) and
 * writes the edited document to `out` (reset first); `src` is never
 * modified.  `path` is a dotted key with TOML quoting; `literal` is a TOML
 * value as it would appear after '=' (checked: a bad literal is
 * RURU_EINVALID).  Only the bytes of the edited value (or the added or
 * removed line) change: comments, blank lines, CRLF, a BOM and every other
 * key stay as they were.  A file without a final newline is edited so that
 * no two lines run together.  Errors: RURU_EINVALID (invalid document or
 * literal), RURU_ENOTFOUND (key absent where it must exist), RURU_ECONFLICT
 * (the key names a table or the edit would change another key's meaning).
 */
/* Set a value; add the key when absent (in the root table: after its last
 * key/value, before the first header; in a named table: at its end). */
int ruru_toml_edit_set(struct ruru_buf *out, const char *src, size_t len, const char *path,
		       const char *literal, size_t litlen, struct ruru_error *err);
int ruru_toml_edit_remove(struct ruru_buf *out, const char *src, size_t len, const char *path,
			  struct ruru_error *err);
/* Append an element to an array (the array must exist; comments inside
 * a multi-line array stay, a trailing comma is honoured). */
int ruru_toml_edit_array_append(struct ruru_buf *out, const char *src, size_t len, const char *path,
				const char *literal, size_t litlen, struct ruru_error *err);
/* Append `n` elements at once: the same bytes as `n` appends one after
 * the other, with one parse and one check of the result, so the cost grows
 * with the array, not with its square.  Nothing is appended if any literal
 * is invalid. */
int ruru_toml_edit_array_append_many(struct ruru_buf *out, const char *src, size_t len,
				     const char *path, const char *const *literals,
				     const size_t *litlens, size_t n, struct ruru_error *err);
/* Remove element `index` of an array. */
int ruru_toml_edit_array_remove(struct ruru_buf *out, const char *src, size_t len, const char *path,
				size_t index, struct ruru_error *err);

/* ----------------------------------------------------------------- merge */

/*
 * Three-way merge of session logs (doc/design.md §9), the engine of
 * `ruru merge-driver`.  `base` is the common ancestor (may be empty: both
 * sides added the file), `ours` and `theirs` the two sides; none need be
 * NUL-terminated.  `out` is reset and receives the result.
 *
 *  - Entries are identified by their bytes (CRLF and a missing final
 *    newline normalised away).  The result holds every entry of either side
 *    once, except entries of `base` that one side removed; OURS's entries
 *    keep their order and bytes, entries only in THEIRS are inserted by
 *    timestamp (after OURS's entries of the same second).
 *  - related_tasks, related_artifacts, tags: three-way set merge in order of
 *    first appearance (OURS's order, then THEIRS's additions).
 *  - status and end_time come from the side whose latest `session` event is
 *    newer; other keys: a change on one side wins.
 *  - The front matter is OURS's text edited by the format-preserving engine;
 *    the result keeps OURS's line endings.
 *
 * Returns 0 when merged cleanly; 1 on a conflict, with `out` holding the
 * merge with git-style markers ( * around what could not be merged and `err` saying why (RURU_ECONFLICT: a
 * value changed differently on both sides; RURU_EINVALID: a side is not a
 * session log or its TOML is invalid, so the whole differing region is
 * marked); -1 on a bad argument.  Never guesses.
 */
int ruru_merge_logs(const char *base, size_t base_len, const char *ours, size_t ours_len,
		    const char *theirs, size_t theirs_len, struct ruru_buf *out,
		    struct ruru_error *err);

/*
 * The merge driver's whole job: read the three files, merge them with
 * ruru_merge_logs() and replace `ours` with the result atomically (its
 * permissions kept).  Same return values; on a conflict `ours` holds the
 * marked text.  `ours` is left untouched when -1 is returned.
 */
int ruru_merge_files(const char *base, const char *ours, const char *theirs,
		     struct ruru_error *err);

/*
 * Register the merge driver with git for the workspace in `dir` (NULL: the
 * current directory), as `ruru init --git` does: append the line
 * RURU_GITATTRIBUTES_LINE to `dir`/.gitattributes unless it is there, and set merge.ruru.name and
 * merge.ruru.driver ("ruru merge-driver %O %A %B %P") with `git config`
 * (run through argv; from a linked worktree this writes the shared config).
 * Idempotent.  `*changed` (may be NULL) tells whether .gitattributes was
 * written.  RURU_ENOTFOUND when `dir` is not inside a git repository.
 */
/* Whether `dir` (NULL: the current directory) is inside a git work tree:
 * 0, or -1 with RURU_ENOTFOUND; changes nothing (`init --git` checks it
 * before it makes anything, so that it makes all or nothing).  Both run
 * git in `opts`'s environment (may be NULL: an empty one). */
int ruru_ws_git_check(const char *dir, const struct ruru_options *opts, struct ruru_error *err);
#define RURU_GITATTRIBUTES_LINE ".ruru/sessions/**" "/session_log.md merge=ruru"
int ruru_ws_init_git(const char *dir, const struct ruru_options *opts, bool *changed,
		     struct ruru_error *err);

/* ----------------------------------------------------------- agent hosts */

/*
 * `ruru init --host` (doc/design.md §13): wire ruru into coding agents, in the
 * project-level files each host documents (see hosts.c and ruru(1) for the
 * files and their sources).  `hosts` is "claude,codex,..." (claude, codex,
 * gemini, cursor, cline, kilo, zoo, roo) or "detect" (the hosts whose
 * folders exist in `dir`; RURU_ENOTFOUND when none).  Every file is read
 * and edited in memory first; a file that cannot be parsed fails the whole
 * call with RURU_EINVALID (FILE:LINE:COL) and nothing is written.  JSON and
 * TOML are edited in place (other keys byte for byte), Markdown gets the
 * block between "<!-- ruru:begin -->" and "<!-- ruru:end -->"; running
 * again changes nothing.  Each file is written atomically; when one
 * fails, those already written are put back.  RURU_HOSTS_DRY_RUN writes nothing and puts a
 * unified diff of every change in the report; RURU_HOSTS_REMOVE
 * takes ruru's entries out again (files and folders ruru's entries alone
 * made are removed).  An existing server entry named "ruru" that is not
 * the one ruru writes (other args, env, cwd, another command) is left as
 * it is and refused with RURU_ECONFLICT naming what differs (and the env
 * keys that change how a program is loaded); RURU_HOSTS_FORCE replaces it
 * whole.  *report (may be NULL; NULL on failure) says what was done.
 * `opts` (may be NULL) gives the dry run's diff(1) its environment and
 * scratch folder.
 */
/* RURU_HOSTS_CAPTURE: also the hooks that run `ruru capture --hook HOST`
 * (claude, codex, gemini); with RURU_HOSTS_REMOVE, take those alone out. */
enum {
	RURU_HOSTS_DRY_RUN = 1,
	RURU_HOSTS_REMOVE = 2,
	RURU_HOSTS_CAPTURE = 4,
	RURU_HOSTS_FORCE = 8,
};
/* One file of a host's configuration that ruru_hosts_init() planned. */
struct ruru_hosts_file {
	char *path;         /* relative to the folder */
	const char *action; /* "created", "updated", "removed" or "unchanged" (static) */
};
/* What ruru_hosts_init() did (caller frees with ruru_hosts_report_free).
 * Strings owned. */
struct ruru_hosts_report {
	char **hosts;       /* the hosts chosen, by name */
	size_t nhosts;
	bool dry_run, remove;
	struct ruru_hosts_file *files;
	size_t nfiles;
	char **notes;       /* what the user should know (an entry replaced, a hook left) */
	size_t nnotes;
	/* RURU_HOSTS_DRY_RUN: a unified diff of every change, `diff_len`
	 * bytes ("" when nothing would change); NULL otherwise. */
	char *diff;
	size_t diff_len;
};
void ruru_hosts_report_free(struct ruru_hosts_report *r);
/* {hosts, dry_run, remove, files: [{path, action}], notes: [...], diff
 * (dry run only)} (caller decrefs). */
struct json_t *ruru_hosts_report_json(const struct ruru_hosts_report *r);
/* A dry run: the diff (its lines kept, escaped); otherwise "ACTION PATH"
 * for each file that changed; then "note: NOTE" for each note.  Appended
 * to *out. */
void ruru_hosts_report_text(const struct ruru_hosts_report *r, struct ruru_buf *out);
int ruru_hosts_init(const char *dir, const struct ruru_options *opts, const char *hosts,
		    unsigned flags, struct ruru_hosts_report **report, struct ruru_error *err);
/* The instructions block for `host` (NULL: for any host), appended to
 * *out.  RURU_EUSAGE for an unknown host. */
int ruru_host_instructions(const char *host, struct ruru_buf *out, struct ruru_error *err);
/* The i-th host name (claude, codex, ...); NULL past the end. */
const char *ruru_host_name(size_t i);

/*
 * `ruru prime`: the digest for a model's first turn (doc/design.md §13), its
 * text at most `max_chars` bytes (0: 2,000).  `id` NULL means the active
 * session; with none it lists the recent sessions.  NULL with err on
 * failure.  Reads the front matter, one pass over the log for open items
 * and the last 64 KiB for recent entries, so it stays fast on long logs.
 */
struct ruru_digest *ruru_prime(struct ruru_ws *ws, const char *id, size_t max_chars,
			       struct ruru_error *err);
/* Wrap a digest's text the way `host`'s hook expects it ("claude",
 * "codex", "gemini"), given the hook's stdin JSON (`input`, may be empty);
 * appends to *out. */
int ruru_prime_hook(const char *host, const char *input, size_t len, const struct ruru_digest *d,
		    struct ruru_buf *out, struct ruru_error *err);
/* ------------------------------------------------------------------------
 * V7 and later Roo Commander versions: session layouts, typed
 * artifacts, summaries, MDTM tasks with leases.  doc/design.md §1, §4, §5.
 */

/* Where a session lives: .ruru/sessions/ (ruru, V5–V7), .roo/commander/
 * sessions/ (v8) or .mdtm/sessions/ (v8.1, typed folders directly in the
 * session folder). */
enum ruru_layout {
	RURU_LAYOUT_RURU = 0,
	RURU_LAYOUT_V8,
	RURU_LAYOUT_V81,
	RURU_LAYOUT_COUNT,
};
/* "ruru", "v8", "v8.1" (the JSON `layout` field). */
const char *ruru_layout_word(enum ruru_layout l);
/* The sessions folder of a layout, relative to the root. */
const char *ruru_layout_dir(enum ruru_layout l);
/* The layout holding session `id` (RURU_LAYOUT_RURU when none does). */
enum ruru_layout ruru_ws_session_layout(struct ruru_ws *ws, const char *id);
/* The layout new sessions go to: .ruru/ unless the workspace has only
 * one of the later layouts' sessions folders. */
enum ruru_layout ruru_ws_new_layout(struct ruru_ws *ws);

/* The typed artifacts of the V7 guidelines (one table): type word,
 * folder, file name prefix, template (.ruru/templates/toml-md/), and the
 * folder's title for its README.  Terminated by an entry with type NULL. */
struct ruru_artifact_type {
	const char *type, *folder, *prefix, *template, *title;
};
extern const struct ruru_artifact_type ruru_artifact_types[];
/* By type word, folder or prefix, any case ("note", "notes", "NOTE"). */
const struct ruru_artifact_type *ruru_artifact_type_find(const char *word);

struct ruru_typed {
	const char *type;  /* a word ruru_artifact_type_find() knows */
	const char *title; /* one line: the file name's description, the heading */
	const char *task;  /* related_task_id, or NULL */
	const char *const *tags;
	size_t ntags;
	const char *text;  /* the body after the heading; NULL: the template's */
	size_t len;
};
/*
 * Write a typed artifact <folder>/<PREFIX>-<description>-<YYMMDDHHMM>.md
 * (under artifacts/, or in the session folder for v8.1; "-2", "-3"… when
 * the name is taken) from the type's template with id, session_id,
 * created_time, related_task_id and tags filled, record it in
 * related_artifacts and log an artifact event, all under the session
 * lock.  *rel gets the path relative to the session folder.
 */
int ruru_artifact_add_typed(struct ruru_ws *ws, const char *id, const struct ruru_typed *a,
			    char **rel, struct ruru_error *err);
/* ruru_artifact_list() limited to typed artifacts (of `type`, or all when
 * NULL), each with its "type". */
struct ruru_artifact_list *ruru_artifact_list_typed(struct ruru_ws *ws, const char *id,
						    const char *type, struct ruru_error *err);

/* One of a summary's primary context artifacts. */
struct ruru_summary_artifact {
	char *path;        /* relative to the session folder's typed base */
	char *description; /* its first heading or line, else its name */
	char *type;        /* its V7 artifact type, "confirmation", or "artifact" */
};
/* What a summary says, computed from the log.  Free with
 * ruru_summary_free(). */
struct ruru_summary {
	char *session;
	char *path;     /* the SESSUM file, relative to the session folder */
	bool recorded;  /* in related_artifacts (the session was active) */
	char **outcomes, **decisions, **learnings, **blockers, **next_steps;
	size_t noutcomes, ndecisions, nlearnings, nblockers, nnext_steps;
	struct ruru_summary_artifact *artifacts;
	size_t nartifacts;
	struct ruru_open_items *open; /* the open items, as the digest lists them */
};
void ruru_summary_free(struct ruru_summary *s);
/* The JSON of `summarize --json` and MCP session_summarize: {open_items,
 * session, path, recorded, key_outcomes_achieved, key_decisions_made,
 * critical_learnings_or_insights, outstanding_blockers_or_issues,
 * identified_next_steps_from_session, primary_context_artifacts: [{path,
 * description, artifact_type}]} (new reference). */
struct json_t *ruru_summary_json(const struct ruru_summary *s);
/* Its text: "Wrote PATH for session ID: N outcomes, N decisions, N open
 * issues, N next steps." (`summarize` itself prints the path, which a
 * script passes on). */
void ruru_summary_text(const struct ruru_summary *s, struct ruru_buf *out);
/*
 * Summarize a session (doc/design.md §4): write <summaries>/SESSUM-<ID>-<YYMMDDHHMM>.md
 * from template 50, computed from the log alone (same log, same bytes
 * apart from the time).  An active session records it (related_artifacts,
 * an artifact event); any other is only written.  *rel gets the path
 * relative to the session folder; *out (may be NULL) the summary's facts.
 * `notes` (NULL: none; the text rule) is added after the computed sections
 * under "## Notes from the coordinator", which it never replaces.
 */
int ruru_session_summarize(struct ruru_ws *ws, const char *id, const char *notes, char **rel,
			   struct ruru_summary **out, struct ruru_error *err);

/* MDTM task statuses (doc/design.md §5), read leniently like session statuses. */
enum ruru_task_status {
	RURU_TASK_UNKNOWN = 0,
	RURU_TASK_TODO,
	RURU_TASK_IN_PROGRESS,
	RURU_TASK_REVIEW,
	RURU_TASK_DONE,
	RURU_TASK_ERROR,
	RURU_TASK_BLOCKED,
	RURU_TASK_GENERATING,
	RURU_TASK_TESTING,
	RURU_TASK_STATUS_COUNT,
};
/* "🟡 To Do", …; "todo", "in-progress", …; lenient parse (emoji optional,
 * any case, spaces, '-' or '_'). */
const char *ruru_task_status_string(enum ruru_task_status st);
const char *ruru_task_status_word(enum ruru_task_status st);
enum ruru_task_status ruru_task_status_parse(const char *s);

/* The shape of an MDTM task ID: "TASK-" then letters, digits, '-', '_',
 * '.' (at most 128 bytes). */
bool ruru_task_id_ok(const char *id);
/* 0 when `id` has that shape, else -1 and RURU_EUSAGE naming the
 * argument "task" (task link, and a delegation or result's task). */
int ruru_task_id_check(const char *id, struct ruru_error *err);

/* Task type i (feature, bug, chore, ...); NULL past the last. */
const char *ruru_task_type_word(size_t i);

struct ruru_task_new {
	const char *type;    /* feature, bug, chore, documentation, test, spike */
	const char *title;
	const char *team;    /* NULL: from assign, else from the type */
	const char *assign;  /* assigned_to, or NULL */
	const char *session; /* RooComSessionID; NULL: none (not linked) */
	const char *parent;  /* parent_task, or NULL */
	const char *body;    /* Markdown below the front matter in place of the
			      * template's (text rule); NULL: the template's */
};
/* Write a task file from template 01–06 (the workspace's or built-in) as
 * <tasks>/<ID>.md with id TASK-<TEAM>-<YYYYMMDD-HHMMSS> ("-2"… when taken),
 * link it to `session` when given.  Returns the ID; *file (may be NULL)
 * gets the file relative to the root. */
char *ruru_task_new(struct ruru_ws *ws, const struct ruru_task_new *o, char **file,
		    struct ruru_error *err);
/* Create a task and log the delegation `e` that spawned it (with its task
 * field set to the new ID; its mode is the assignee unless o->assign) in
 * one step; the task file is removed when the log refuses.  Returns the ID. */
char *ruru_task_delegate(struct ruru_ws *ws, const char *id, struct ruru_task_new *o,
			 const struct ruru_log_input *e, struct ruru_error *err);
/* Find a task file by ID (its `id` key or file stem) under .ruru/tasks,
 * .mdtm/tasks and .roo/commander/tasks; *file relative to the root.
 * RURU_ENOTFOUND when none. */
int ruru_task_find(struct ruru_ws *ws, const char *task, char **file, struct ruru_error *err);

/* Results of artifact add, task link and task new (see "What the writing
 * verbs answer" above). */

/* An artifact added (`artifact add`, MCP artifact_add). */
struct ruru_artifact_added {
	char *session;
	char *path;       /* relative to the session folder: what `artifact add` prints */
	const char *type; /* a typed artifact's type (static), else NULL */
};
/* ruru_artifact_add() (`t` NULL) or ruru_artifact_add_typed(); `name`,
 * `data`, `len`, `force` and `description` are ruru_artifact_add()'s. */
struct ruru_artifact_added *ruru_artifact_save(struct ruru_ws *ws, const char *id, const char *name,
					       const void *data, size_t len, bool force,
					       const char *description, const struct ruru_typed *t,
					       struct ruru_error *err);
void ruru_artifact_added_free(struct ruru_artifact_added *r);
/* {session, path[, type]} */
struct json_t *ruru_artifact_added_json(const struct ruru_artifact_added *r);
/* "Saved [TYPE artifact ]PATH in session ID (logged)." */
void ruru_artifact_added_text(const struct ruru_artifact_added *r, struct ruru_buf *out);

/* A task linked (`task link`, MCP task_link). */
struct ruru_task_linked {
	char *session;
	char *task;
	char *file; /* its task file, relative to the root; NULL: no file has that ID */
};
/* ruru_task_link(), then ruru_task_find(): linking a task that has no
 * file (yet) is no error, the result says so. */
struct ruru_task_linked *ruru_task_link_find(struct ruru_ws *ws, const char *id, const char *task,
					     struct ruru_error *err);
void ruru_task_linked_free(struct ruru_task_linked *r);
/* {session, task[, warning], file (null: none)} */
struct json_t *ruru_task_linked_json(const struct ruru_task_linked *r);
/* "Linked TASK to session ID (FILE)." or "...; no task file has that ID." */
void ruru_task_linked_text(const struct ruru_task_linked *r, struct ruru_buf *out);

/* A task created (`task new`, MCP task_new). */
struct ruru_task_created {
	char *id;
	char *file;    /* relative to the root */
	char *session; /* the session it is linked to, NULL: none */
};
/* ruru_task_new() of `o`. */
struct ruru_task_created *ruru_task_create(struct ruru_ws *ws, const struct ruru_task_new *o,
					   struct ruru_error *err);
void ruru_task_created_free(struct ruru_task_created *r);
/* {id, file, session (null: none)} */
struct json_t *ruru_task_created_json(const struct ruru_task_created *r);
/* "Created ID (FILE) in session S." or "..., in no session." */
void ruru_task_created_text(const struct ruru_task_created *r, struct ruru_buf *out);
/* A task as its file says after an edit (status, claim, release).
 * Strings owned; NULL when the file has none. */
struct ruru_task_state {
	char *id;
	char *file;          /* relative to the root */
	char *status;        /* as written: "🔵 In Progress" */
	char *assigned_to;
	char *claimed_until; /* RFC 3339 ("2026-11-24T03:25:20Z") while leased */
};
void ruru_task_state_free(struct ruru_task_state *t);
/* The JSON of `task status|claim|release --json` and MCP task_status,
 * task_claim, task_release: {id, file, status, assigned_to, claimed_until}
 * (null for what the file does not have; new reference). */
struct json_t *ruru_task_state_json(const struct ruru_task_state *t);
/* Its text: "ID is STATUS · assigned to WHO · claimed until TIME (FILE)."
 * (the parts the file has; workspace text escaped). */
void ruru_task_state_text(const struct ruru_task_state *t, struct ruru_buf *out);
/* Set a task's status (and updated_date) format-preservingly, under the
 * task's lock.  *out (may be NULL) gets the task as it is now (free with
 * ruru_task_state_free). */
int ruru_task_set_status(struct ruru_ws *ws, const char *task, enum ruru_task_status st,
			 struct ruru_task_state **out, struct ruru_error *err);
/* Lease a task for `by` for `ttl` seconds: under the task's lock, only when
 * it is unclaimed, its lease expired, or `by` holds it; sets assigned_to,
 * "🔵 In Progress" and claimed_until.  RURU_ECONFLICT naming the holder. */
int ruru_task_claim(struct ruru_ws *ws, const char *task, const char *by, long ttl,
		    struct ruru_task_state **out, struct ruru_error *err);
/* Give a lease back (removes claimed_until; "🔵 In Progress" becomes
 * `st`, "🟡 To Do" when RURU_TASK_UNKNOWN).  `by` (may be NULL) must be the
 * holder while the lease runs (RURU_ECONFLICT). */
int ruru_task_release(struct ruru_ws *ws, const char *task, const char *by,
		      enum ruru_task_status st, struct ruru_task_state **out,
		      struct ruru_error *err);
/* Parse "30m", "2h", "90s", "1d", "45" (seconds); -1 when invalid. */
long ruru_duration_parse(const char *s);

/* ------------------------------------------- capture and import of hosts */

/*
 * The log that writes itself (doc/ruru.1, "capture" and "import"): what a
 * coding agent's host sees — the user's prompt, a subagent it hands work
 * to and what comes back, a compaction, the end of its session — logged
 * without the model's help, from the host's hooks or from a transcript it
 * saved.  Hosts: "claude" (Claude Code), "codex", "gemini" (Gemini CLI).
 *
 * Every captured entry carries the source "HOST hook" (an import: "HOST
 * transcript"), is redacted like exports (ruru_redact) and bounded: text
 * longer than RURU_CAPTURE_MAX bytes is kept whole in an artifact under
 * artifacts/captured/ that the entry names.
 */
#define RURU_CAPTURE_MAX 1000

/* One event read from a hook's JSON or a transcript.  Strings owned. */
struct ruru_capture_item {
	enum ruru_event type;  /* prompt, delegation, result, note, session */
	char *what;            /* "prompt", "delegation", "result", "compaction", "end" */
	char *text;            /* what it says, not yet redacted or bounded */
	size_t len;
	char *mode;            /* delegation, result: the subagent's name */
	char *outcome;         /* result: "success" or "failure" */
	time_t when;           /* when_valid: the host's time of it */
	bool when_valid;
};

/* A malformed record of a transcript, skipped. */
struct ruru_transcript_problem {
	size_t line;   /* 1-based */
	char *message; /* "malformed JSON: ..." */
};
/* A transcript read: its events in order, the whole conversation as
 * Markdown (not yet redacted), and what could not be read. */
struct ruru_transcript {
	struct ruru_capture_item *items;
	size_t nitems;
	struct ruru_buf markdown;
	size_t records;        /* records (lines, messages) read */
	size_t unknown;        /* records of a kind the reader does not know: kept in the Markdown */
	struct ruru_transcript_problem *problems; /* malformed records, skipped */
	size_t nproblems;
	char *title;           /* the first prompt's first line (at most 60 bytes), or NULL */
	time_t first, last;    /* times of the first and last records (0: none) */
};
void ruru_transcript_release(struct ruru_transcript *t);
/* Read a saved transcript of `host` (Claude Code's JSONL, Codex's rollout
 * JSONL, Gemini CLI's saved chat as one JSON document or one record a
 * line).  Never fails on content: a malformed line is a problem with its
 * line number, an unknown record kind is counted and kept.  -1 only for an
 * unknown host (RURU_EUSAGE). */
int ruru_transcript_read(const char *host, const char *text, size_t len,
			 struct ruru_transcript *out, struct ruru_error *err);
/* The events of one hook call (the JSON the host wrote on stdin): 0 with
 * *n items (0 when the event is not one ruru records); -1 for an unknown
 * host or input that is not a JSON object (RURU_EINVALID).  `ws` (may be
 * NULL) is the project whose own Gemini CLI agents count as agents. */
int ruru_capture_parse(const char *host, const char *json, size_t len, struct ruru_ws *ws,
		       struct ruru_capture_item **items, size_t *n, struct ruru_error *err);
void ruru_capture_items_free(struct ruru_capture_item *items, size_t n);

/* An event of a hook call, as logged (or skipped). */
struct ruru_capture_event {
	enum ruru_event type;
	char *message;  /* as logged: redacted, bounded */
	char *artifact; /* where its whole text was kept, or NULL */
};
/* What one hook call did.  Free with ruru_capture_report_free().  A hook
 * prints nothing a host would read, so this result has no text. */
struct ruru_capture_report {
	char *session; /* NULL when nothing was logged for want of a session */
	char *host;
	struct ruru_capture_event *logged, *skipped; /* skipped: the log held it already */
	size_t nlogged, nskipped;
};
void ruru_capture_report_free(struct ruru_capture_report *r);
/* The JSON of `capture --json`: {session, host, logged: [{type, message,
 * artifact}], skipped: [...]} (new reference). */
struct json_t *ruru_capture_report_json(const struct ruru_capture_report *r);
/* `ruru capture --hook HOST`: log the events of one hook call to the
 * active session (`id` NULL) or session `id`.  With no active session
 * nothing is written and RURU_ENOTFOUND is returned, unless
 * `capture.start = true` in .ruru/config.toml: then a session is started.
 * An event the log already holds (the model logged it itself within the
 * minute) is not logged again.  The end of the host's session pauses the
 * session when it has no open item, else it is noted.  *report (may be
 * NULL) gets what was done. */
int ruru_capture_hook(struct ruru_ws *ws, const char *id, const char *host, const char *json,
		      size_t len, struct ruru_capture_report **report, struct ruru_error *err);
/* What an import did.  Free with ruru_import_report_free(). */
struct ruru_import_report {
	char *session, *host;
	char *name;     /* the transcript's name as given, or NULL (standard input) */
	char *artifact; /* the conversation, relative to the session folder */
	size_t entries, records, unknown;
	struct ruru_transcript_problem *problems; /* malformed records, skipped */
	size_t nproblems;
};
void ruru_import_report_free(struct ruru_import_report *r);
/* The JSON of `import --json`: {session, host, artifact, entries,
 * records, unknown, problems: [{line, message}]} (new reference). */
struct json_t *ruru_import_report_json(const struct ruru_import_report *r);
/* Its text, the notes beside the new ID: "NAME:LINE: message" for each
 * problem ("-" for standard input), then "imported N records as M entries
 * (K of an unknown kind kept in ARTIFACT); the session is paused"
 * (workspace text escaped). */
void ruru_import_report_text(const struct ruru_import_report *r, struct ruru_buf *out);
/* `ruru import HOST FILE`: a new (paused) session from a saved transcript:
 * its events as entries with their original times (source "HOST
 * transcript"), the whole conversation as a redacted Markdown artifact.
 * `name` is the transcript's name for the log (may be NULL).  The active
 * session is left as it was.  Returns the new ID; *report (may be NULL)
 * gets what was done. */
char *ruru_import(struct ruru_ws *ws, const char *host, const char *text, size_t len,
		  const char *name, struct ruru_import_report **report, struct ruru_error *err);

/* ------------------------------------- redaction and export */

/*
 * Secrets in text (doc/design.md §15): cloud and API keys, tokens, private key
 * blocks, JWTs, passwords in URLs, `password=`-style assignments.  Each is
 * replaced by "[REDACTED:<kind>]"; for assignments and URLs only the value
 * goes.  The table of patterns ends with an entry whose kind is NULL
 * (borrowed, static).
 */
struct ruru_redact_pattern {
	const char *kind; /* "aws-access-key", "password", ... */
	const char *what; /* one line for people (man page, --help) */
};
const struct ruru_redact_pattern *ruru_redact_patterns(void);
/* Append `s` (len bytes, may hold NUL) to `out` with every secret replaced;
 * returns how many were replaced. */
size_t ruru_redact(struct ruru_buf *out, const char *s, size_t len);
/* Redact every string of a JSON value in place (keys are left alone);
 * returns how many secrets were replaced. */
size_t ruru_redact_json(struct json_t *v);

/*
 * One session as one document for people and programs (`export --md`,
 * `export --json`): the session with every entry, its tasks, its
 * artifacts and the text of those that are text (up to 256 KB; others
 * are linked).  Secrets are redacted in what _json() and _text() give
 * unless RURU_EXPORT_NO_REDACT: the JSON string by string, the Markdown as
 * a whole document.  NULL with err when the session cannot be read.  Free
 * with ruru_export_free().
 */
enum { RURU_EXPORT_NO_REDACT = 1 };
struct ruru_export_text {
	char *text;    /* the artifact's text; NULL when not inlined (missing,
			* not text, larger than 256 KB, unreadable) */
	size_t len;
	char *problem; /* why it could not be read; NULL when nothing went wrong */
};
struct ruru_export {
	struct ruru_session *session;         /* loaded with its entries */
	struct ruru_task_list *tasks;         /* as ruru_task_list() gives them */
	struct ruru_artifact_list *artifacts; /* as ruru_artifact_list() gives them */
	struct ruru_export_text *texts;       /* one for each artifact, in its order */
	bool redact;                          /* not RURU_EXPORT_NO_REDACT */
};
struct ruru_export *ruru_export(struct ruru_ws *ws, const char *id, unsigned flags,
				struct ruru_error *err);
void ruru_export_free(struct ruru_export *x);
/* The JSON of `export --json`: {session (ruru_session_json with every
 * entry), tasks (as `task list`), artifacts: [{path, recorded, exists,
 * bytes[, type], text|null[, problem]}], redacted, redactions (how many
 * secrets were replaced)} (new reference). */
struct json_t *ruru_export_json(const struct ruru_export *x);
/* Its text, `export --md`: readable Markdown (front matter as a table,
 * goal, entries, tasks, artifacts inlined in fences or listed). */
void ruru_export_text(const struct ruru_export *x, struct ruru_buf *out);
/* Read an artifact of a session for display: `rel` relative to the session
 * folder, checked like every workspace path (no "..", no symlink, regular
 * file only), at most `max` bytes (RURU_EINVALID when larger).  Returns 1
 * for text (doc/design.md §2's text rule), 0 for other bytes, -1 with err. */
int ruru_export_read_artifact(struct ruru_ws *ws, const char *id, const char *rel, size_t max,
			      struct ruru_buf *out, struct ruru_error *err);
/* Write `len` bytes to DIR/REL for `export --html`: DIR is made when
 * missing, REL (relative, no "..", no symlink on the way) and its folders
 * are made below it; the file is replaced atomically. */
int ruru_export_write(const char *dir, const char *rel, const void *data, size_t len,
		      struct ruru_error *err);

#endif /* RURU_H */
