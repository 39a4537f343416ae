/*
 * main.c — entry point of the `ruru` command: global options, the command
 * table, option parsing and help, all generated from the entries of
 * cli.h.  Commands themselves live in cmd-<group>.c.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

static const struct cli_cmd cli_cmds_main[];

/* Every group; the order is the order of `ruru --help`. */
static const struct cli_cmd *const groups[] = {
	cli_cmds_main,
	cli_cmds_session,
	cli_cmds_artifact,
	cli_cmds_confirm,
	cli_cmds_mcp,
	cli_cmds_toml,
	cli_cmds_merge,
	cli_cmds_host, /* agent hosts: prime, instructions */
	/* search and reindex */
	cli_cmds_search,
	cli_cmds_task, /* V7: task new/status/claim/release, summarize */
	cli_cmds_serve, /* the human view: serve */
	cli_cmds_capture, /* capture from hooks, import of transcripts */
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))
#define FOR_EACH_CMD(c)                                                 \
	for (size_t g_ = 0; g_ < NGROUPS; g_++)                         \
		for (const struct cli_cmd *c = groups[g_]; c->name; c++)

/* ---------------------------------------------------------------- output */

/* Every error line goes out here.  Messages echo what the user typed
 * (arguments, names, file contents), so control characters are rendered
 * visibly (\x1b, \n): an argument must not drive the terminal. */
static void print_error_line(const char *msg)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_escape(&b, msg, strlen(msg));
	fflush(stdout);
	fprintf(stderr, "ruru: %s\n", b.ptr ? b.ptr : "");
	ruru_buf_release(&b);
}

void cli_print_escaped_line(const char *line)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_escape(&b, line, strlen(line));
	fprintf(stderr, "%s\n", b.ptr ? b.ptr : "");
	ruru_buf_release(&b);
}

static void print_unknown_command(const char *group, const char *name)
{
	struct ruru_buf b = RURU_BUF_INIT;
	if (group)
		ruru_buf_addf(&b, "unknown command \"%s %s\" (see ruru help %s)", group, name, group);
	else
		ruru_buf_addf(&b, "unknown command \"%s\" (see ruru --help)", name);
	print_error_line(b.ptr);
	ruru_buf_release(&b);
}

int cli_fail(struct cli_ctx *ctx)
{
	struct ruru_buf line = RURU_BUF_INIT;
	if (ctx->err.code == RURU_OK)
		ctx->err.code = RURU_EFAIL;
	cli_error_text(ctx, &line);
	print_error_line(line.ptr);
	ruru_buf_release(&line);
	return ctx->err.code;
}

/*
 * A command with the options of a library verb filled in from the verb's
 * rows (see struct cli_opt in cli.h): everything that prints or parses a
 * command's options works on this copy.  Filling in a filled-in command
 * changes nothing.
 */
struct cli_resolved {
	struct cli_cmd cmd;
	struct cli_opt opts[CLI_MAX_OPTS];
};

static const struct cli_cmd *resolve_cmd(const struct cli_cmd *c, struct cli_resolved *r)
{
	const struct ruru_verb *v = c->verb ? ruru_verb_find(c->verb) : NULL;
	if (!v)
		return c;
	r->cmd = *c;
	for (int i = 0; i < c->nopts && i < CLI_MAX_OPTS; i++) {
		struct cli_opt o = c->opts[i];
		const struct ruru_arg *a = ruru_verb_arg(v, o.row);
		if (a) {
			if (!o.name)
				o.name = a->cli_name ? a->cli_name : a->name;
			if (!o.help)
				o.help = a->help;
			o.required = o.required || a->required;
			o.choice = a->one_of;
			o.multi = o.multi || a->type == RURU_ARG_STRINGS;
			o.lib_arg = a->name;
			o.lib_row = a;
			o.words = a->type == RURU_ARG_WORD && !a->words && !o.quiet_words;
		}
		r->opts[i] = o;
	}
	r->cmd.opts = r->opts;
	return &r->cmd;
}

static void print_usage_line(FILE *f, const struct cli_cmd *c)
{
	struct cli_resolved r;
	c = resolve_cmd(c, &r);
	fprintf(f, "ruru %s%s%s", c->group ? c->group : "", c->group ? " " : "", c->name);
	const struct cli_opt *end = c->opts + c->nopts;
	for (const struct cli_opt *o = c->opts; o < end; o++) {
		const char *open = o->required ? "" : "[", *close = o->required ? "" : "]";
		if (o->choice) {
			/* An alternative: printed once, at its first option. */
			const struct cli_opt *p = c->opts;
			while (p->choice != o->choice)
				p++;
			if (p != o)
				continue;
			fputs(" (", f);
			for (; p < end; p++)
				if (p->choice == o->choice)
					fprintf(f, "%s--%s%s%s", p == o ? "" : " | ", p->name,
						p->arg ? " " : "", p->arg ? p->arg : "");
			fputc(')', f);
			continue;
		}
		if (o->arg)
			fprintf(f, " %s--%s %s%s%s", open, o->name, o->arg, close, o->multi ? "..." : "");
		else
			fprintf(f, " %s--%s%s", open, o->name, close);
	}
	if (c->args && *c->args)
		fprintf(f, " %s", c->args);
	fputc('\n', f);
}

int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	print_error_line(msg.ptr);
	ruru_buf_release(&msg);
	if (ctx->cmd) {
		fputs("usage: ", stderr);
		print_usage_line(stderr, ctx->cmd);
	}
	return RURU_EUSAGE;
}

bool cli_write(struct cli_ctx *ctx, const void *data, size_t len)
{
	if (len && fwrite(data, 1, len, stdout) != len) {
		ruru_error_set(&ctx->err, RURU_EFAIL, "cannot write to standard output: %s",
			       strerror(errno));
		return false;
	}
	return true;
}

/* `lead` then "a, b, c", the words of row `r`, wrapped before column
 * 80; the first line starts `indent` blanks in, the others `cont`. */
static void print_words(FILE *f, int indent, int cont, const char *lead, const struct ruru_arg *r)
{
	int col = fprintf(f, "%*s%s", indent, "", lead);
	const char *w, *next = ruru_arg_word(r, 0);
	for (size_t i = 0; (w = next); i++) {
		next = ruru_arg_word(r, i + 1);
		int n = (int)strlen(w) + (next ? 1 : 0);
		if (col + 1 + n > 79)
			col = fprintf(f, "\n%*s", cont, "") - 1; /* the word's blank is the indent */
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%s%s", w, next ? "," : "");
	}
	fputc('\n', f);
}

/* The operand rule of free_operands commands (see split_free_operands). */
static const char free_operand_rule[] =
	"\nOptions may stand before or after the operands.  A word that starts with \"-\"\n"
	"is an operand (\"- fixed the bug\", -5, -1) unless it is one of the options\n"
	"above (a short one stands alone: -t TYPE) or --WORD, an unknown option;\n"
	"every word after \"--\" is an operand.\n";

/* The row of command c's operand with words. */
static const struct ruru_arg *operand_row(const struct cli_cmd *c)
{
	return ruru_verb_arg(ruru_verb_find(c->verb), c->operand_row);
}

static void print_command_help(FILE *f, const struct cli_cmd *c)
{
	struct cli_resolved r;
	c = resolve_cmd(c, &r);
	fputs("usage: ", f);
	print_usage_line(f, c);
	fprintf(f, "\n%s\n", c->summary);
	if (c->operand_words) {
		char lead[64];
		snprintf(lead, sizeof(lead), "%s is one of:", c->operand_words);
		print_words(f, 0, 2, lead, operand_row(c));
	}
	if (c->nopts) {
		fputs("\noptions:\n", f);
		for (const struct cli_opt *o = c->opts; o < c->opts + c->nopts; o++) {
			char left[64];
			if (o->short_name)
				snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
					 o->arg ? o->arg : "");
			fprintf(f, "  %-28s %s\n", left, o->help);
			if (o->words)
				print_words(f, 31, 31, "one of:", o->lib_row);
		}
	}
	if (c->free_operands)
		fputs(free_operand_rule, f);
	fputs("\nglobal options: --root DIR, -s/--session ID, --json (see ruru --help)\n", f);
}

static void print_main_help(FILE *f)
{
	fputs("usage: ruru [--root DIR] [-s|--session ID] [--json] COMMAND [ARGS]\n"
	      "\n"
	      "ruru runs Roo Commander's Session Management Workflow V5: session logs,\n"
	      "typed events, artifacts, confirmed edits and MDTM task links, kept in\n"
	      "TOML+Markdown files under .ruru/.\n"
	      "\ncommands:\n",
	      f);
	FOR_EACH_CMD(c)
	{
		char name[64];
		snprintf(name, sizeof(name), "%s%s%s", c->group ? c->group : "", c->group ? " " : "",
			 c->name);
		fprintf(f, "  %-18s %s\n", name, c->summary);
	}
	fputs("\nglobal options (before or after the command name):\n"
	      "  --root DIR          workspace root (default: RURU_ROOT, the nearest folder\n"
	      "                      holding .ruru/, the git top level, the current folder)\n"
	      "  -s, --session ID    session to act on (default: ROOCOM_SESSION_ID, then the\n"
	      "                      active session); a unique prefix is enough\n"
	      "  --json              print results as JSON (with schema_version)\n"
	      "  -h, --help          show help; `ruru COMMAND --help` for one command\n"
	      "  --version           print the version\n"
	      "\nexit status: 0 ok, 1 failure, 2 usage, 3 not found, 4 invalid data,\n"
	      "5 conflict, 6 refused (unsafe path).  See ruru(1).\n",
	      f);
}

/* ------------------------------------------------------------ the table */

static const struct cli_cmd *find_cmd(const char *group, const char *name)
{
	FOR_EACH_CMD(c)
	{
		if (c->group && group && !strcmp(c->group, group) && name && !strcmp(c->name, name))
			return c;
		if (!c->group && !group && !strcmp(c->name, name))
			return c;
	}
	return NULL;
}

static bool is_group(const char *word)
{
	FOR_EACH_CMD(c)
	{
		if (c->group && !strcmp(c->group, word))
			return true;
	}
	return false;
}

__attribute__((noreturn)) static void table_bug(const struct cli_cmd *c, const char *what,
						const char *name)
{
	if (c)
		fprintf(stderr, "ruru: internal error: the option table of \"%s%s%s\" ",
			c->group ? c->group : "", c->group ? " " : "", c->name);
	else
		fputs("ruru: internal error: ", stderr);
	fprintf(stderr, "%s%s%s\n", what, name ? " " : "", name ? name : "");
	abort();
}

/* Does a command of verb `v` offer its argument `a` as an option? */
static bool verb_option_offered(const struct ruru_verb *v, const struct ruru_arg *a)
{
	FOR_EACH_CMD(c)
	{
		if (!c->verb || ruru_verb_find(c->verb) != v)
			continue;
		for (int i = 0; i < c->nopts; i++)
			if (c->opts[i].row && !strcmp(c->opts[i].row, a->name))
				return true;
	}
	return false;
}

/*
 * Every option table is whole and agrees with the command's library
 * verb: each option is one of the verb's option arguments (a row left
 * out of a designated initialiser names none, and would otherwise vanish
 * from the parser and from --help), a flag exactly when the argument is
 * a boolean, no more rows than struct cli_args holds; and each of the
 * verb's option arguments is an option of one of its commands.  The MCP
 * server builds its schemas from the same rows, so the two front ends
 * cannot drift apart.
 */
static void check_tables(void)
{
	FOR_EACH_CMD(c)
	{
		const struct ruru_verb *v = c->verb ? ruru_verb_find(c->verb) : NULL;
		if (c->verb && !v)
			table_bug(c, "names no library verb:", c->verb);
		if (c->nopts < 0 || c->nopts > CLI_MAX_OPTS || (!c->opts && c->nopts))
			table_bug(c, "has too many rows", NULL);
		if (c->nopts && !v)
			table_bug(c, "has options but no library verb", NULL);
		for (int i = 0; i < c->nopts; i++) {
			const struct cli_opt *o = &c->opts[i];
			const struct ruru_arg *a = ruru_verb_arg(v, o->row);
			if (!a || a->cli != RURU_ARG_CLI_OPTION)
				table_bug(c, "has an option that is no option of its verb:",
					  o->row ? o->row : o->name ? o->name : "(empty row)");
			if ((a->type == RURU_ARG_BOOLEAN) != !o->arg)
				table_bug(c, "gives a flag a value, or a value none:", a->name);
		}
		if (c->operand_words && (!v || !operand_row(c) ||
					 operand_row(c)->cli != RURU_ARG_CLI_OPERAND ||
					 operand_row(c)->type != RURU_ARG_WORD))
			table_bug(c, "names no operand with words of its verb:", c->operand_row);
	}
	const struct ruru_verb *v;
	for (size_t i = 0; (v = ruru_verb_at(i)); i++)
		for (size_t k = 0; k < v->nargs; k++)
			if (v->args[k].cli == RURU_ARG_CLI_OPTION &&
			    !verb_option_offered(v, &v->args[k]))
				table_bug(NULL, "no command offers this option of its verb:",
					  v->args[k].name);
}

/* An index past the command's table is a programming error (an option of
 * another command's enum): stop rather than read another row. */
static int opt_row(const struct cli_args *a, int opt)
{
	if (opt < 0 || opt >= a->nopts) {
		fprintf(stderr, "ruru: internal error: option %d of a table of %d\n", opt, a->nopts);
		abort();
	}
	return opt;
}

const char *cli_val(const struct cli_args *a, int opt)
{
	return a->val[opt_row(a, opt)];
}

bool cli_set(const struct cli_args *a, int opt)
{
	return a->val[opt_row(a, opt)] != NULL;
}

const char *const *cli_all(const struct cli_args *a, int opt, size_t *n)
{
	*n = a->nmulti[opt_row(a, opt)];
	return a->multi[opt];
}

size_t cli_num(const struct cli_args *a, int opt)
{
	return a->num[opt_row(a, opt)];
}

/* --------------------------------------------------------------- `help` */

enum { HELP_ALL, HELP_NOPTS };

static int cmd_help(struct cli_ctx *ctx, struct cli_args *a)
{
	if (cli_set(a, HELP_ALL)) {
		FOR_EACH_CMD(c) print_usage_line(stdout, c);
		return 0;
	}
	if (a->argc == 0) {
		print_main_help(stdout);
		return 0;
	}
	const struct cli_cmd *c = a->argc >= 2 ? find_cmd(a->argv[0], a->argv[1]) : NULL;
	if (!c)
		c = find_cmd(NULL, a->argv[0]);
	if (!c && is_group(a->argv[0])) {
		FOR_EACH_CMD(g)
		{
			if (g->group && !strcmp(g->group, a->argv[0]))
				print_usage_line(stdout, g);
		}
		return 0;
	}
	if (!c) {
		ctx->cmd = NULL;
		return cli_usage_error(ctx, "unknown command \"%s\" (see ruru --help)", a->argv[0]);
	}
	print_command_help(stdout, c);
	return 0;
}

static int cmd_version(struct cli_ctx *ctx, struct cli_args *a)
{
	(void)a;
	if (ctx->json)
		printf("{\"schema_version\":%d,\"version\":\"%s\"}\n", RURU_SCHEMA_VERSION,
		       RURU_VERSION);
	else
		printf("ruru %s\n", RURU_VERSION);
	return 0;
}

static const struct cli_opt help_opts[HELP_NOPTS] = {
	[HELP_ALL] = { .row = "all" },
};

static const struct cli_cmd cli_cmds_main[] = {
	{ .name = "help", .verb = "help", .args = "[COMMAND [SUBCOMMAND]]", .summary = "show help for ruru or one command",
	  CLI_OPTS(help_opts), .max_args = 2, .run = cmd_help },
	{ .name = "version", .summary = "print ruru's version", .max_args = 0, .run = cmd_version },
	{ 0 },
};

/* -------------------------------------------------------- option parser */

/* Take the global options out of argv, wherever they stand before "--". */
static int take_global_options(struct cli_ctx *ctx, int *argc, char **argv)
{
	int out = 1;
	bool done = false;
	for (int i = 1; i < *argc; i++) {
		char *arg = argv[i];
		const char **slot = NULL;
		if (done) {
			argv[out++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			done = true;
			argv[out++] = arg;
			continue;
		}
		if (!strcmp(arg, "--json")) {
			ctx->json = true;
			continue;
		}
		if (!strcmp(arg, "--root"))
			slot = &ctx->root;
		else if (!strcmp(arg, "-s") || !strcmp(arg, "--session"))
			slot = &ctx->session;
		if (slot) {
			if (i + 1 >= *argc) {
				print_error_line("option --root or --session needs a value");
				return -1;
			}
			*slot = argv[++i];
			continue;
		}
		if (!strncmp(arg, "--root=", 7)) {
			ctx->root = arg + 7;
			continue;
		}
		if (!strncmp(arg, "--session=", 10)) {
			ctx->session = arg + 10;
			continue;
		}
		argv[out++] = arg;
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

/* One value of option o against its row: a word of its words, a whole
 * number in its range (kept in *num).  False after a usage error that
 * names the option as typed. */
static bool check_value(struct cli_ctx *ctx, const struct cli_opt *o, const char *val, size_t *num)
{
	const struct ruru_arg *r = o->lib_row;
	if (r->type == RURU_ARG_WORD && !ruru_arg_word_ok(r, val)) {
		struct ruru_buf words = RURU_BUF_INIT;
		ruru_arg_words(r, ", ", &words);
		cli_usage_error(ctx, "--%s is one of %s, not \"%s\"", o->name, words.ptr, val);
		ruru_buf_release(&words);
		return false;
	}
	time_t t;
	if (r->type == RURU_ARG_DATE && !ruru_search_parse_time(val, false, &t)) {
		cli_usage_error(ctx, "--%s needs a date (YYYY-MM-DD) or a date-time, not \"%s\"",
				o->name, val);
		return false;
	}
	if (r->type != RURU_ARG_INTEGER)
		return true;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(val, &end, 10);
	if (!errno && end != val && !*end && val[0] >= '0' && val[0] <= '9' &&
	    ruru_arg_in_range(r, v)) {
		*num = (size_t)v;
		return true;
	}
	if (r->max)
		cli_usage_error(ctx, "--%s needs a whole number from %zu to %zu, not \"%s\"", o->name,
				r->min, r->max, val);
	else if (r->min)
		cli_usage_error(ctx, "--%s needs a whole number of at least %zu, not \"%s\"",
				o->name, r->min, val);
	else
		cli_usage_error(ctx, "--%s needs a non-negative number, not \"%s\"", o->name, val);
	return false;
}

/* "--NAME ARG" of option o. */
static void add_option(struct ruru_buf *b, const struct cli_opt *o)
{
	ruru_buf_addf(b, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* A required option (the row's, or the command's) given and not empty,
 * and exactly one of each group of alternatives: a usage error naming
 * the command and the option (with what it means) otherwise.  Then the
 * operand with words (`task status ID STATUS`) against its row. */
static bool check_required(struct cli_ctx *ctx, const struct cli_cmd *c, const struct cli_args *a)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	ruru_buf_addf(&msg, "%s%s%s needs ", c->group ? c->group : "", c->group ? " " : "", c->name);
	size_t lead = msg.len;
	for (int i = 0; i < c->nopts && msg.len == lead; i++) {
		const struct cli_opt *o = &c->opts[i];
		if (o->required && !o->choice && (!a->val[i] || (o->arg && !*a->val[i]))) {
			add_option(&msg, o);
			ruru_buf_addf(&msg, ": %s", o->help);
		}
		int given = 0, first = i;
		for (int k = 0; o->choice && k < c->nopts; k++)
			if (c->opts[k].choice == o->choice) {
				given += a->val[k] != NULL;
				first = first < k ? first : k;
			}
		if (!o->choice || first != i || given == 1)
			continue;
		ruru_buf_addstr(&msg, "exactly one of ");
		for (int k = i, n = 0; k < c->nopts; k++)
			if (c->opts[k].choice == o->choice) {
				ruru_buf_addstr(&msg, n++ ? " and " : "");
				add_option(&msg, &c->opts[k]);
			}
	}
	bool ok = msg.len == lead;
	if (!ok)
		cli_usage_error(ctx, "%s", msg.ptr);
	ruru_buf_release(&msg);
	if (ok && c->operand_words && a->argc > c->operand_at &&
	    !ruru_arg_word_ok(operand_row(c), a->argv[c->operand_at])) {
		ruru_buf_init(&msg);
		ruru_arg_words(operand_row(c), ", ", &msg);
		cli_usage_error(ctx, "%s is one of %s, not \"%s\"", c->operand_words, msg.ptr,
				a->argv[c->operand_at]);
		ruru_buf_release(&msg);
		ok = false;
	}
	return ok;
}

/* Every value given against its row; the defaults of integer options
 * not given. */
static bool check_values(struct cli_ctx *ctx, const struct cli_cmd *c, struct cli_args *a)
{
	if (!check_required(ctx, c, a))
		return false;
	for (int i = 0; i < c->nopts; i++) {
		const struct cli_opt *o = &c->opts[i];
		if (!o->lib_row)
			continue;
		a->num[i] = ruru_arg_default(o->lib_row, false);
		if (!a->val[i] || !o->arg)
			continue;
		if (!o->multi && !check_value(ctx, o, a->val[i], &a->num[i]))
			return false;
		for (size_t k = 0; o->multi && k < a->nmulti[i]; k++)
			if (!check_value(ctx, o, a->multi[i][k], &a->num[i]))
				return false;
	}
	return true;
}

static void args_release(struct cli_args *a)
{
	for (int i = 0; i < CLI_MAX_OPTS; i++)
		free(a->multi[i]);
}

/* ---- operands that start with '-' */

/* The option of `c` a word names: 0 not an option, 1 a flag or a value
 * given in the same word, 2 an option whose value is the next word.
 * Long names may be abbreviated as getopt_long allows. */
static int option_word(const struct cli_cmd *c, const char *w)
{
	if (w[0] != '-' || !w[1])
		return 0;
	if (w[1] == '-') {
		const char *name = w + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		/* "-->", "--1" and "--not an option" are text; "--word" and
		 * "--word=any value" are options, maybe unknown ones. */
		if (!n || !((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')) ||
		    strcspn(name, " \t\n") < n)
			return 0;
		if (!strncmp("help", name, n) && n <= 4)
			return 1;
		const struct cli_opt *hit = NULL;
		int hits = 0;
		for (const struct cli_opt *o = c->opts; o < c->opts + c->nopts; o++) {
			if (strlen(o->name) == n && !strncmp(o->name, name, n)) {
				hit = o;
				hits = 1;
				break;
			}
			if (!strncmp(o->name, name, n)) {
				hit = o;
				hits++;
			}
		}
		if (hits != 1) /* unknown or ambiguous: getopt_long names it */
			return 1;
		return hit->arg && !eq ? 2 : 1;
	}
	/* A short option stands alone ("-t TYPE"): "-tired of it" is text. */
	if (w[2])
		return 0;
	if (w[1] == 'h')
		return 1;
	for (const struct cli_opt *o = c->opts; o < c->opts + c->nopts; o++)
		if (o->short_name && o->short_name == w[1])
			return o->arg ? 2 : 1;
	return 0;
}

/* Put the option words of a free-operand command first and its operands
 * after them, in order; a "--" makes every later word an operand and is
 * dropped.  Returns the number of option words. */
static int split_free_operands(const struct cli_cmd *c, int *argc, char **argv)
{
	char **ops = malloc((size_t)*argc * sizeof(*ops));
	if (!ops)
		abort();
	int nopt = 1, nops = 0;
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (++i < *argc)
				ops[nops++] = argv[i];
			break;
		}
		int k = option_word(c, argv[i]);
		if (!k) {
			ops[nops++] = argv[i];
			continue;
		}
		argv[nopt++] = argv[i];
		if (k == 2 && i + 1 < *argc)
			argv[nopt++] = argv[++i];
	}
	for (int i = 0; i < nops; i++)
		argv[nopt + i] = ops[i];
	*argc = nopt + nops;
	argv[*argc] = NULL;
	free(ops);
	return nopt;
}

/* Parse a command's own options with getopt_long built from its table
 * entry.  Returns -1 after a usage error, 1 when --help was shown. */
static int parse_command_args(struct cli_ctx *ctx, const struct cli_cmd *c, int argc, char **argv,
			      struct cli_args *a)
{
	struct option lopts[CLI_MAX_OPTS + 2];
	char shorts[2 * CLI_MAX_OPTS + 5] = "h";
	size_t ns = 1, n = 0;
	int nopt = argc;
	if (c->free_operands) {
		nopt = split_free_operands(c, &argc, argv);
		memcpy(shorts, "+h", 3); /* options end where the operands begin */
		ns = 2;
	}
	a->nopts = c->nopts;
	for (const struct cli_opt *o = c->opts; o < c->opts + c->nopts; o++, n++) {
		lopts[n] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
					    256 + (int)n };
		if (o->short_name) {
			shorts[ns++] = o->short_name;
			if (o->arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	lopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n] = (struct option){ 0 };

	opterr = 0;
	optind = 1;
	int ch;
	while ((ch = getopt_long(nopt, argv, shorts, lopts, NULL)) != -1) {
		int i = -1;
		if (ch == 'h') {
			print_command_help(stdout, c);
			return 1;
		}
		if (ch >= 256)
			i = ch - 256;
		else
			for (int k = 0; k < c->nopts; k++)
				if (c->opts[k].short_name == ch)
					i = k;
		if (i < 0) {
			if (optopt >= 256 && !c->opts[optopt - 256].arg)
				return cli_usage_error(ctx, "option --%s takes no value (\"%s\")",
						       c->opts[optopt - 256].name, argv[optind - 1]),
				       -1;
			if (optopt >= 256 || (optopt && strchr(shorts, optopt)))
				return cli_usage_error(ctx, "option %s needs a value", argv[optind - 1]),
				       -1;
			if (optopt > 0 && optopt < 256) {
				/* A short option, maybe inside a word ("-5 x"): getopt
				 * leaves optind on that word until its last letter. */
				const char *w = optind < argc && argv[optind][0] == '-' &&
							strchr(argv[optind] + 1, optopt)
							? argv[optind]
							: argv[optind - 1];
				if (w[0] == '-' && w[1] == optopt && !w[2])
					return cli_usage_error(ctx, "unknown option \"%s\"", w), -1;
				return cli_usage_error(ctx, "unknown option \"-%c\" in \"%s\"", optopt, w),
				       -1;
			}
			return cli_usage_error(ctx, "unknown option \"%s\"%s", argv[optind - 1],
					       c->free_operands ? " (text that starts with \"--\" goes "
								  "after --)"
								: ""),
			       -1;
		}
		const char *v = c->opts[i].arg ? optarg : "";
		a->val[i] = v;
		if (c->opts[i].multi) {
			const char **m = realloc(a->multi[i], (a->nmulti[i] + 1) * sizeof(*m));
			if (!m)
				abort();
			m[a->nmulti[i]++] = v;
			a->multi[i] = m;
		}
	}
	if (c->free_operands)
		optind = nopt;
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->argc < c->min_args)
		return cli_usage_error(ctx, "missing argument%s%s", c->args ? " " : "",
				       c->args ? c->args : ""),
		       -1;
	if (c->max_args >= 0 && a->argc > c->max_args)
		return cli_usage_error(ctx, "unexpected argument \"%s\"", a->argv[c->max_args]), -1;
	return check_values(ctx, c, a) ? 0 : -1;
}

static int finish_output(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (rc == 0) {
			fprintf(stderr, "ruru: cannot write to standard output: %s\n", strerror(errno));
			return RURU_EFAIL;
		}
	}
	return rc;
}

/* The command line as given, for the ruru-web helper (freed at exit). */
static char **given_argv;

static void free_given_argv(void)
{
	free(given_argv);
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = { 0 };
	/* as given: the option parsing below rearranges argv */
	given_argv = calloc((size_t)argc + 1, sizeof(*given_argv));
	if (!given_argv || atexit(free_given_argv) != 0)
		abort();
	memcpy(given_argv, argv, (size_t)argc * sizeof(*given_argv));
	ctx.argv = given_argv;
	cli_options_from_env(&ctx.opts);
	ruru_fault_set(ctx.opts.fault);
	/* A write past `ulimit -f` must fail like a full disk (the store takes
	 * the partial entry back), not kill the process mid-entry. */
	signal(SIGXFSZ, SIG_IGN);
	check_tables();
	if (take_global_options(&ctx, &argc, argv) < 0)
		return RURU_EUSAGE;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_main_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? RURU_EUSAGE : finish_output(0);
	}
	static char version_word[] = "version";
	if (!strcmp(argv[1], "--version"))
		argv[1] = version_word;

	const struct cli_cmd *c = NULL;
	int skip = 1;
	if (is_group(argv[1])) {
		if (argc < 3 || argv[2][0] == '-') {
			bool help = argc >= 3 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"));
			FOR_EACH_CMD(g)
			{
				if (g->group && !strcmp(g->group, argv[1])) {
					fputs(help ? "" : "usage: ", help ? stdout : stderr);
					print_usage_line(help ? stdout : stderr, g);
				}
			}
			return help ? finish_output(0) : RURU_EUSAGE;
		}
		c = find_cmd(argv[1], argv[2]);
		if (!c) {
			print_unknown_command(argv[1], argv[2]);
			return RURU_EUSAGE;
		}
		skip = 2;
	} else {
		c = find_cmd(NULL, argv[1]);
		if (!c) {
			print_unknown_command(NULL, argv[1]);
			return RURU_EUSAGE;
		}
	}
	struct cli_resolved resolved;
	c = resolve_cmd(c, &resolved);
	ctx.cmd = c;
	struct cli_args a = { 0 };
	int rc = parse_command_args(&ctx, c, argc - skip, argv + skip, &a);
	if (rc == 0)
		rc = c->run(&ctx, &a);
	else
		rc = rc > 0 ? 0 : RURU_EUSAGE;
	args_release(&a);
	return finish_output(rc);
}
