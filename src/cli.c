/*
 * cli.c: option parsing, the command table, and what the commands share.
 *
 * Options and commands are tables. Every option names the commands it
 * applies to (global ones apply to all), so --help, parsing and the "does
 * not apply" error come from one place. The read-only check happens here,
 * once, for every command that changes the workspace.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cli.h"
#include "duration.h"
#include "sanitize.h"
#include "secret.h"
#include "table.h"

static bool cli_mutates_always(int argc, char **argv);
static int cli_cmd_help(struct cli *cli, int argc, char **argv);

/* The commands: one row each gives the name, the handler, whether it changes
 * the workspace (NULL: never; else a predicate over its arguments), the
 * summary for --help and the usage line. */
#define CLI_COMMANDS(_) \
	_(LIST, "list", cli_cmd_list, NULL, \
	  "list tokens (yours, or everyone's with --all)", \
	  "list [--all] [--user NAME] [--filter EXPR] [--sort COL[:desc]]") \
	_(SHOW, "show", cli_cmd_show, NULL, \
	  "show every field of one token", \
	  "show [--all] ID") \
	_(WHOAMI, "whoami", cli_cmd_whoami, NULL, \
	  "show the signed-in user, host and profile", \
	  "whoami") \
	_(QUOTA, "quota", cli_cmd_quota, NULL, \
	  "active tokens against the 600-token quota", \
	  "quota [--all]") \
	_(CREATE, "create", cli_cmd_create, cli_mutates_always, \
	  "create a token; the secret goes to stdout alone", \
	  "create [--comment C] [--lifetime 90d|12h|3600] [--scope S]... [--autoscope] [--on-behalf-of APP_ID] [--to-file FILE]") \
	_(UPDATE, "update", cli_cmd_update, cli_mutates_always, \
	  "change a token's comment or scopes", \
	  "update [--all] ID [--comment C] [--scope S]...") \
	_(REVOKE, "revoke", cli_cmd_revoke, cli_mutates_always, \
	  "revoke tokens by id, from a file, or by filter; resume a session", \
	  "revoke [--all] [--yes] [--include-self] ID... | --from FILE|- | --filter EXPR | --resume [SESSION]") \
	_(PIN, "pin", cli_cmd_pin, cli_mutates_always, \
	  "set tokens' scopes by hand (inferred + backfill, or exactly --scopes); auto-scoping stops", \
	  "pin [--all] [--yes] [--include-self] ID... | --from FILE|- | --filter EXPR [--add SCOPE]... [--scopes S,...] | --resume [SESSION]") \
	_(SETTINGS, "settings", cli_cmd_settings, cli_settings_mutates, \
	  "read or change workspace token settings (admins)", \
	  "settings [get | set max-lifetime-days N | set tokens-enabled true|false]") \
	_(AUDIT, "audit", cli_cmd_audit, NULL, \
	  "audit flags of every token (the table lists flagged ones), summaries by flag and owner", \
	  "audit [--all] [--filter EXPR] [--fail-on FLAG[,FLAG...]]") \
	_(PERMISSIONS, "permissions", cli_cmd_permissions, cli_permissions_mutates, \
	  "who may use tokens (admins); grant it, or remove it (which deletes a user's tokens)", \
	  "permissions [grant PRINCIPAL [--level L] | remove PRINCIPAL [--yes]]") \
	_(SCOPES, "scopes", cli_cmd_scopes, NULL, \
	  "auto-scoping review: each token's scopes now, inferred, when it narrows and to what", \
	  "scopes [--all] [--filter EXPR]") \
	_(ROTATE, "rotate", cli_cmd_rotate, cli_mutates_always, \
	  "replace tokens like for like, deliver the new secrets, revoke the old ones", \
	  "rotate [--all] ID | --from FILE [--lifetime D] [--scope S]... [--comment C] [--keep-old] [--to-file F | --to-dir D] [--yes] | --resume [SESSION]") \
	_(JOURNAL, "journal", cli_cmd_journal, NULL, \
	  "past bulk revocation sessions, or what one session did", \
	  "journal [SESSION]") \
	_(HELP, "help", cli_cmd_help, NULL, \
	  "what a command does and the options it takes", \
	  "help [COMMAND]") \
	_(COMPLETION, "completion", cli_cmd_completion, NULL, \
	  "print the shell completion script (bash, zsh or fish)", \
	  "completion bash|zsh|fish")

#define CMD_ENUM(e, name, run, mut, summary, use) CMD_##e,
enum cli_cmd_id { CLI_COMMANDS(CMD_ENUM) CMD_COUNT };
#undef CMD_ENUM

#define CMD_BIT(e) (1u << CMD_##e)
#define CMD_ANY 0xffffffffu
/* The commands that cover several workspaces at once (issue 11). */
#define CMD_MANY (CMD_BIT(LIST) | CMD_BIT(SHOW) | CMD_BIT(QUOTA) | CMD_BIT(AUDIT) | \
		  CMD_BIT(SCOPES) | CMD_BIT(REVOKE) | CMD_BIT(PIN))

struct cli_command {
	const char *name;
	int (*run)(struct cli *, int, char **);
	bool (*mutates)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

#define CMD_ROW(e, name, run, mut, summary, use) { name, run, mut, summary, use },
static const struct cli_command commands[] = { CLI_COMMANDS(CMD_ROW) };
#undef CMD_ROW

enum opt_id {
	OPT_PROFILE = 'p', OPT_OUTPUT = 'o', OPT_HELP = 'h', OPT_YES = 'y', OPT_VERSION = 'V',
	OPT_HOST = 256, OPT_DEBUG, OPT_READ_ONLY, OPT_DRY_RUN, OPT_JOBS, OPT_RATE,
	OPT_CA_FILE, OPT_NO_COLOR, OPT_TOKEN_STDIN, OPT_TIMEOUT,
	OPT_ASCII, OPT_MOUSE,
	OPT_ALL, OPT_USER, OPT_FILTER, OPT_SORT, OPT_COMMENT, OPT_LIFETIME,
	OPT_SCOPE, OPT_AUTOSCOPE, OPT_ON_BEHALF_OF, OPT_FROM, OPT_INCLUDE_SELF, OPT_RESUME,
	OPT_TO_FILE, OPT_ADD, OPT_SCOPES, OPT_PROFILES, OPT_ALL_PROFILES, OPT_FAIL_ON, OPT_LEVEL, OPT_KEEP_OLD, OPT_TO_DIR,
};

/* Where a parsed option's value goes in struct cli_opts: a flag set
 * true, a string kept as given, or a parser of its own (which checks the
 * value and says what is wrong); nowhere for --help and --version, which
 * parse_args takes. */
enum opt_store { OPT_NOSTORE, OPT_FLAG, OPT_TEXT, OPT_CALL };
typedef int opt_call(struct cli_opts *o, int id, const char *arg);

struct cli_option {
	const char *name;
	int has_arg;
	int id;
	unsigned cmds;          /* CMD_ANY: global */
	const char *arg;
	const char *help;
	enum opt_store store;
	size_t off;             /* OPT_FLAG, OPT_TEXT: the field's offset */
	opt_call *call;         /* OPT_CALL: returns 0 or an exit code */
};

#define NOSTORE .store = OPT_NOSTORE
#define FLAG(f) .store = OPT_FLAG, .off = offsetof(struct cli_opts, f)
#define TEXT(f) .store = OPT_TEXT, .off = offsetof(struct cli_opts, f)
#define CALL(fn) .store = OPT_CALL, .call = fn
static opt_call opt_profile, opt_all_profiles, opt_output, opt_jobs, opt_rate, opt_timeout,
		opt_scope, opt_add, opt_fail_on;

static const struct cli_option options[] = {
	{ "profile", 1, OPT_PROFILE, CMD_ANY, "NAME", "profile of ~/.databrickscfg (repeat it for several workspaces)", CALL(opt_profile) },
	{ "profiles", 1, OPT_PROFILES, CMD_MANY, "A,B,...", "these profiles' workspaces at once", CALL(opt_profile) },
	{ "all-profiles", 0, OPT_ALL_PROFILES, CMD_MANY, NULL, "every workspace profile of ~/.databrickscfg at once", CALL(opt_all_profiles) },
	{ "host", 1, OPT_HOST, CMD_ANY, "URL", "workspace URL (overrides the profile)", TEXT(host) },
	{ "output", 1, OPT_OUTPUT, CMD_ANY, "FORMAT", "table (default), json or csv", CALL(opt_output) },
	{ "token-stdin", 0, OPT_TOKEN_STDIN, CMD_ANY, NULL, "read the token from the first line of stdin", FLAG(token_stdin) },
	{ "debug", 0, OPT_DEBUG, CMD_ANY, NULL, "log requests to stderr (secrets redacted, no bodies)", FLAG(debug) },
	{ "read-only", 0, OPT_READ_ONLY, CMD_ANY, NULL, "refuse every command that changes the workspace", FLAG(read_only) },
	{ "dry-run", 0, OPT_DRY_RUN, CMD_ANY, NULL, "show what would be done; send nothing that changes anything", FLAG(dry_run) },
	{ "jobs", 1, OPT_JOBS, CMD_ANY, "N", "requests in flight at most, per workspace (default: adaptive, up to 32)", CALL(opt_jobs) },
	{ "rate", 1, OPT_RATE, CMD_ANY, "N", "requests per second at most, per workspace (default: none, adaptive to 429s)", CALL(opt_rate) },
	{ "timeout", 1, OPT_TIMEOUT, CMD_ANY, "DURATION", "give up on a request after this long, retries included: 30, 90s, 5m (default 120s)", CALL(opt_timeout) },
	{ "ca-file", 1, OPT_CA_FILE, CMD_ANY, "FILE", "CA certificates for TLS (corporate proxies)", TEXT(ca_file) },
	{ "no-color", 0, OPT_NO_COLOR, CMD_ANY, NULL, "no colour or bold (also NO_COLOR)", FLAG(no_color) },
	{ "ascii", 0, OPT_ASCII, CMD_ANY, NULL, "UI: ASCII only, no line drawing", FLAG(ascii) },
	{ "mouse", 0, OPT_MOUSE, CMD_ANY, NULL, "UI: enable the mouse (it disturbs text selection)", FLAG(mouse) },
	{ "version", 0, OPT_VERSION, CMD_ANY, NULL, "print the version", NOSTORE },
	{ "help", 0, OPT_HELP, CMD_ANY, NULL, "print this help", NOSTORE },
	{ "all", 0, OPT_ALL, CMD_BIT(LIST) | CMD_BIT(SHOW) | CMD_BIT(QUOTA) | CMD_BIT(UPDATE) | CMD_BIT(REVOKE) | CMD_BIT(AUDIT) | CMD_BIT(SCOPES) | CMD_BIT(PIN) | CMD_BIT(ROTATE),
	  NULL, "every token in the workspace (token management; admins)", FLAG(all) },
	{ "user", 1, OPT_USER, CMD_BIT(LIST), "NAME", "with --all: only tokens created by this user name", TEXT(user) },
	{ "filter", 1, OPT_FILTER, CMD_BIT(LIST) | CMD_BIT(REVOKE) | CMD_BIT(AUDIT) | CMD_BIT(SCOPES) | CMD_BIT(PIN), "EXPR", "filter expression (see patrol(1))", TEXT(filter) },
	{ "sort", 1, OPT_SORT, CMD_BIT(LIST), "COL[:desc]", "comment created expires last-used scopes owner id auto-revoke", TEXT(sort) },
	{ "comment", 1, OPT_COMMENT, CMD_BIT(CREATE) | CMD_BIT(UPDATE) | CMD_BIT(ROTATE), "TEXT", "token comment (at most 255 characters)", TEXT(comment) },
	{ "lifetime", 1, OPT_LIFETIME, CMD_BIT(CREATE) | CMD_BIT(ROTATE), "DURATION", "90d, 12h, 2w or seconds (default: workspace maximum; rotate: the old token's)", TEXT(lifetime) },
	{ "scope", 1, OPT_SCOPE, CMD_BIT(CREATE) | CMD_BIT(UPDATE) | CMD_BIT(ROTATE), "SCOPE", "API scope, repeatable (sql, jobs, sql:read, …)", CALL(opt_scope) },
	{ "autoscope", 0, OPT_AUTOSCOPE, CMD_BIT(CREATE), NULL, "let Databricks narrow the scopes from observed use", FLAG(autoscope) },
	{ "on-behalf-of", 1, OPT_ON_BEHALF_OF, CMD_BIT(CREATE), "APP_ID", "create for a service principal (admins)", TEXT(on_behalf_of) },
	{ "to-file", 1, OPT_TO_FILE, CMD_BIT(CREATE) | CMD_BIT(ROTATE), "FILE", "write the secret to this new file (mode 0600), not to stdout", TEXT(to_file) },
	{ "to-dir", 1, OPT_TO_DIR, CMD_BIT(ROTATE), "DIR", "write each new secret to DIR/NEW_TOKEN_ID (new files, mode 0600)", TEXT(to_dir) },
	{ "keep-old", 0, OPT_KEEP_OLD, CMD_BIT(ROTATE), NULL, "do not revoke the old tokens", FLAG(keep_old) },
	{ "from", 1, OPT_FROM, CMD_BIT(REVOKE) | CMD_BIT(PIN) | CMD_BIT(ROTATE), "FILE", "read ids from FILE (- for stdin), one per line", TEXT(from) },
	{ "yes", 0, OPT_YES, CMD_BIT(REVOKE) | CMD_BIT(SETTINGS) | CMD_BIT(PERMISSIONS) | CMD_BIT(PIN) | CMD_BIT(ROTATE), NULL, "do not ask for confirmation", FLAG(yes) },
	{ "level", 1, OPT_LEVEL, CMD_BIT(PERMISSIONS), "LEVEL", "permissions grant: CAN_USE (default), CAN_MANAGE, or a level the server names", TEXT(level) },
	{ "include-self", 0, OPT_INCLUDE_SELF, CMD_BIT(REVOKE) | CMD_BIT(PIN), NULL, "allow revoking (or pinning) the token patrol itself uses", FLAG(include_self) },
	{ "fail-on", 1, OPT_FAIL_ON, CMD_BIT(AUDIT), "FLAG[,FLAG...]", "exit 1 when any token carries one of these audit flags (a CI gate)", CALL(opt_fail_on) },
	{ "resume", 0, OPT_RESUME, CMD_BIT(REVOKE) | CMD_BIT(PIN) | CMD_BIT(ROTATE), NULL, "go on with the newest unfinished session for this workspace (or SESSION)", FLAG(resume) },
	{ "add", 1, OPT_ADD, CMD_BIT(PIN), "SCOPE", "pin: a scope to set besides the inferred ones, repeatable", CALL(opt_add) },
	{ "scopes", 1, OPT_SCOPES, CMD_BIT(PIN), "S,...", "pin: set exactly these scopes (comma-separated)", TEXT(pin_scopes) },
};
#define NOPTIONS (sizeof options / sizeof options[0])
#undef NOSTORE
#undef FLAG
#undef TEXT
#undef CALL

static bool
cli_mutates_always(int argc, char **argv)
{
	return true;
}


void
cli_msg(const char *fmt, ...)
{
	char line[2048], *raw = line, *clean;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof line && (raw = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(raw, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	/* one line, whatever a server put in the message: a newline is \n */
	clean = raw != NULL ? sanitize(raw, 0, 0) : NULL;
	fprintf(stderr, "patrol: %s\n", clean ? clean : "(out of memory)");
	free(clean);
	if (raw != line)
		free(raw);
}

/* One line of --help for an option. */
static void
usage_option(FILE *fp, const struct cli_option *opt)
{
	char left[48], shortopt[8] = "    ";

	if (opt->id < 256)
		snprintf(shortopt, sizeof shortopt, "-%c, ", opt->id);
	snprintf(left, sizeof left, "%s--%s%s%s", shortopt, opt->name,
		 opt->arg ? " " : "", opt->arg ? opt->arg : "");
	fprintf(fp, "  %-28s %s\n", left, opt->help);
}

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: patrol [global options] COMMAND [options] [args]\n\ncommands:\n");
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(fp, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nglobal options:\n");
	for (i = 0; i < NOPTIONS; i++)
		if (options[i].cmds == CMD_ANY)
			usage_option(fp, &options[i]);
	fprintf(fp, "\ncommand options:\n");
	for (i = 0; i < NOPTIONS; i++)
		if (options[i].cmds != CMD_ANY)
			usage_option(fp, &options[i]);
	fprintf(fp, "\ncommand usage:\n");
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(fp, "  patrol %s\n", commands[i].usage);
	fprintf(fp, "\nSee patrol(1) for the filter language, environment and exit codes.\n");
}

/* What one command does, its usage and the options it takes. */
static void
usage_command(FILE *fp, int cmd)
{
	bool any = false;
	size_t i;

	fprintf(fp, "patrol %s: %s\n\nusage: patrol [global options] %s\n", commands[cmd].name,
		commands[cmd].summary, commands[cmd].usage);
	for (i = 0; i < NOPTIONS; i++) {
		if (options[i].cmds == CMD_ANY || !(options[i].cmds & (1u << cmd)))
			continue;
		if (!any)
			fprintf(fp, "\noptions:\n");
		any = true;
		usage_option(fp, &options[i]);
	}
	fprintf(fp, "\nglobal options (patrol help lists them): -p PROFILE, --host URL, "
		"-o FORMAT, --debug, ...\nSee patrol(1) for the filter language, environment and "
		"exit codes.\n");
}

/* ---- the tables, for shell completion (cli_complete.c) ------------------- */

size_t
cli_command_count(void)
{
	return CMD_COUNT;
}

const char *
cli_command_name(size_t i)
{
	return i < CMD_COUNT ? commands[i].name : NULL;
}

const char *
cli_command_summary(size_t i)
{
	return i < CMD_COUNT ? commands[i].summary : NULL;
}

size_t
cli_option_count(void)
{
	return NOPTIONS;
}

void
cli_option_info(size_t i, struct cli_option_info *out)
{
	memset(out, 0, sizeof *out);
	if (i >= NOPTIONS)
		return;
	out->name = options[i].name;
	out->short_name = options[i].id < 256 ? (char)options[i].id : 0;
	out->has_arg = options[i].has_arg != 0;
	out->arg = options[i].arg;
	out->help = options[i].help;
	out->global = options[i].cmds == CMD_ANY;
}

bool
cli_option_applies(size_t opt, size_t cmd)
{
	return opt < NOPTIONS && cmd < CMD_COUNT && (options[opt].cmds & (1u << cmd)) != 0;
}

static int parse_fail_on(const char *arg, unsigned *mask);

/* ---- the options' parsers (OPT_CALL) ------------------------------------- */

/* Keep one more of a repeatable option, at most CLI_MAX_SCOPES. */
static int
opt_push(const char **v, size_t *n, const char *name, const char *arg)
{
	if (*n == CLI_MAX_SCOPES) {
		cli_msg("too many --%s options (at most %d)", name, CLI_MAX_SCOPES);
		return 2;
	}
	v[(*n)++] = arg;
	return 0;
}

static int
opt_profile(struct cli_opts *o, int id, const char *arg)
{
	if (o->nprofiles == CLI_MAX_PROFILES) {
		cli_msg("too many profile options (at most %d: use --profiles A,B,...)",
			CLI_MAX_PROFILES);
		return 2;
	}
	o->profile_whole[o->nprofiles] = id == OPT_PROFILE;   /* --profiles splits */
	o->profiles[o->nprofiles++] = arg;
	o->profile = o->profile != NULL ? o->profile : arg;
	o->many = o->many || id == OPT_PROFILES || o->nprofiles > 1;
	return 0;
}

static int
opt_all_profiles(struct cli_opts *o, int id, const char *arg)
{
	(void)id, (void)arg;
	o->all_profiles = o->many = true;
	return 0;
}

static int
opt_output(struct cli_opts *o, int id, const char *arg)
{
	(void)id;
	if (cli_format_parse(arg, &o->format) != 0) {
		cli_msg("unknown output format '%s' (table, json, csv)", arg);
		return 2;
	}
	o->format_set = true;
	return 0;
}

static int
opt_jobs(struct cli_opts *o, int id, const char *arg)
{
	char *end;

	(void)id;
	o->jobs = (int)strtol(arg, &end, 10);
	if (*end != '\0' || o->jobs < 1 || o->jobs > 256) {
		cli_msg("--jobs takes a number from 1 to 256");
		return 2;
	}
	return 0;
}

static int
opt_rate(struct cli_opts *o, int id, const char *arg)
{
	char *end;

	(void)id;
	o->rate = strtod(arg, &end);
	if (*end != '\0' || end == arg || o->rate < 0 || o->rate > 10000) {
		cli_msg("--rate takes requests per second from 0 (no limit) to 10000");
		return 2;
	}
	o->rate_set = true;
	return 0;
}

static int
opt_timeout(struct cli_opts *o, int id, const char *arg)
{
	int64_t s;

	(void)id;
	if (duration_parse(arg, &s) != 0 || s > 86400) {
		cli_msg("--timeout takes a duration such as 30, 90s or 5m");
		return 2;
	}
	o->timeout_ms = s * 1000;
	return 0;
}

static int
opt_scope(struct cli_opts *o, int id, const char *arg)
{
	(void)id;
	return opt_push(o->scopes, &o->nscopes, "scope", arg);
}

static int
opt_add(struct cli_opts *o, int id, const char *arg)
{
	(void)id;
	return opt_push(o->add, &o->nadd, "add", arg);
}

static int
opt_fail_on(struct cli_opts *o, int id, const char *arg)
{
	(void)id;
	return parse_fail_on(arg, &o->fail_on);
}

/* Store a parsed option's value where its row says. Returns 0 or an exit
 * code. */
static int
set_option(struct cli_opts *o, const struct cli_option *opt, const char *arg)
{
	char *field = (char *)o + opt->off;

	switch (opt->store) {
	case OPT_FLAG: *(bool *)(void *)field = true; return 0;
	case OPT_TEXT: *(const char **)(void *)field = arg; return 0;
	case OPT_CALL: return opt->call(o, opt->id, arg);
	case OPT_NOSTORE: break;
	}
	return 2;
}

/* Index of the option with this id (ids come from the table itself). */
static size_t
option_index(int id)
{
	size_t i;

	for (i = 0; i < NOPTIONS - 1; i++)
		if (options[i].id == id)
			break;
	return i;
}

static int
command_index(const char *name)
{
	int i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return i;
	return -1;
}

struct parsed {
	bool seen[NOPTIONS];    /* which options were given */
	char **pos;             /* positional arguments (command first) */
	int npos;
	bool help, version;
};

/* Damerau-Levenshtein distance of a and b (short words), for "did you
 * mean". */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t d[40][40];

	if (la >= 40 || lb >= 40)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The closest of n names to word (within 2 edits, or word a prefix of
 * it), or NULL. */
static const char *
closest(const char *word, const char *(*name)(size_t), size_t n)
{
	const char *best = NULL;
	size_t i, dist, least = 3;

	for (i = 0; i < n; i++) {
		if (strncmp(name(i), word, strlen(word)) == 0 && *word != '\0')
			dist = 1;
		else
			dist = edit_distance(word, name(i));
		if (dist < least) {
			least = dist;
			best = name(i);
		}
	}
	return best;
}

static const char *
option_name_at(size_t i)
{
	return options[i].name;
}

static const char *
flag_name_at(size_t i)
{
	return token_flag_name((enum token_flag_bit)i);
}

/* --fail-on FLAG[,FLAG...]: the audit flags as a mask (added to *mask). An
 * unknown name is a usage error that says what was likely meant. */
static int
parse_fail_on(const char *arg, unsigned *mask)
{
	char name[64];
	const char *s, *guess;
	size_t len;
	int b;

	for (s = arg; *s != '\0'; s += len + (s[len] == ',')) {
		len = strcspn(s, ",");
		snprintf(name, sizeof name, "%.*s", (int)len, s);
		if (len == 0) {
			cli_msg("--fail-on takes audit flag names separated by commas, not '%s'", arg);
			return 2;
		}
		if (len >= sizeof name || (b = token_flag_parse(name)) < 0) {
			guess = len < sizeof name ?
				closest(name, flag_name_at, TOKEN_FLAG_COUNT) : NULL;
			cli_msg("--fail-on: unknown audit flag '%.*s'%s%s%s (patrol(1) lists them)",
				(int)(len < 64 ? len : 64), s, guess ? ": did you mean '" : "",
				guess ? guess : "", guess ? "'?" : "");
			return 2;
		}
		*mask |= 1u << b;
	}
	if (*mask == 0) {
		cli_msg("--fail-on takes audit flag names: --fail-on unused-90d,never-expires");
		return 2;
	}
	return 0;
}

/* An option getopt did not know: say which, and what was likely meant. */
static int
unknown_option(const char *arg)
{
	char word[64];
	const char *guess = NULL;

	if (strncmp(arg, "--", 2) == 0) {
		snprintf(word, sizeof word, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
		guess = closest(word, option_name_at, NOPTIONS);
	}
	if (guess != NULL)
		cli_msg("unknown option or missing value: %s (did you mean --%s? see patrol help)",
			arg, guess);
	else
		cli_msg("unknown option or missing value: %s (see patrol help)", arg);
	return 2;
}

/* Parse argv with one getopt_long pass over the option table. */
static int
parse_args(int argc, char **argv, struct cli_opts *o, struct parsed *p)
{
	struct option lopts[NOPTIONS + 1];
	size_t i;
	int c;

	memset(lopts, 0, sizeof lopts);
	for (i = 0; i < NOPTIONS; i++) {
		lopts[i].name = options[i].name;
		lopts[i].has_arg = options[i].has_arg ? required_argument : no_argument;
		lopts[i].val = options[i].id;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:o:hyV", lopts, NULL)) != -1) {
		int rc;
		if (c == '?' || c == ':')
			return unknown_option(argv[optind - 1]);
		if (c == OPT_HELP) { p->help = true; continue; }
		if (c == OPT_VERSION) { p->version = true; continue; }
		if ((rc = set_option(o, &options[option_index(c)], optarg)) != 0)
			return rc;
		p->seen[option_index(c)] = true;
	}
	p->pos = argv + optind;
	p->npos = argc - optind;
	return 0;
}

/* Every option given must apply to the command. */
static int
check_options(const struct parsed *p, int cmd)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		const struct cli_option *opt = &options[i];
		if (p->seen[i] && !(opt->cmds & (1u << cmd))) {
			cli_msg("--%s does not apply to '%s'", opt->name, commands[cmd].name);
			cli_msg("usage: patrol %s", commands[cmd].usage);
			return 2;
		}
	}
	return 0;
}

/* Several workspaces: only for the commands that cover them, and with
 * nothing that names one workspace. */
static int
check_many(const struct cli_opts *o, int cmd)
{
	if (!o->many)
		return 0;
	if (!(CMD_MANY & (1u << cmd))) {
		cli_msg("'%s' works on one workspace: give one -p (list, show, quota, audit, "
			"scopes, revoke and pin cover several)", commands[cmd].name);
		return 2;
	}
	if (o->host != NULL || o->token_stdin) {
		cli_msg("--%s names one workspace: it does not go with several profiles",
			o->host != NULL ? "host" : "token-stdin");
		return 2;
	}
	return 0;
}

/* Read the token for --token-stdin: the first line, at most 4 KiB. */
static int
read_token_stdin(char **out)
{
	char line[4096];
	size_t n;

	if (fgets(line, sizeof line, stdin) == NULL) {
		cli_msg("--token-stdin: no token on standard input");
		return 2;
	}
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	*out = secret_strdup(line);
	secret_wipe(line, sizeof line);
	if (*out == NULL || n == 0) {
		secret_free(*out);
		cli_msg("--token-stdin: empty token");
		return 2;
	}
	return 0;
}

/* patrol's own settings for the profile in use, merged with the flags
 * (prefs_merge: flags win, except that a profile the file marks read-only
 * stays read-only). */
static int
load_prefs(struct cli *cli)
{
	struct prefs_merged m;
	struct patrol_err err;

	status_clear(&err);
	if (prefs_load(NULL, cli->cfg.profile, config_getenv_real, NULL, &cli->prefs, &err)
	    != PATROL_OK) {
		cli_msg("%s", err.message);
		return 2;
	}
	if (cli->prefs.warning != NULL)
		cli_msg("warning: %s", cli->prefs.warning);
	cli->flags.read_only = cli->o.read_only;
	cli->flags.jobs = cli->o.jobs;
	cli->flags.rate = cli->o.rate_set ? cli->o.rate : -1;
	prefs_merge(&cli->prefs, &cli->flags, &m);
	cli->o.read_only = m.read_only;
	cli->o.jobs = m.jobs;
	cli->o.rate = m.rate;
	cli->o.rate_set = m.rate >= 0;
	cli->out.ctx.stale_patterns = m.stale;
	cli->out.ctx.nstale = m.nstale;
	cli->out.ctx.revoke_soon_ms = m.revoke_soon_ms;
	return 0;
}

static int
load_config(struct cli *cli)
{
	struct config_flags fl = { cli->o.profile, cli->o.host, cli->o.ca_file, NULL };
	struct patrol_err err;
	enum patrol_status st;
	int rc;

	status_clear(&err);
	if (cli->o.token_stdin && (rc = read_token_stdin(&fl.token)) != 0)
		return rc;
	st = config_resolve(&fl, config_getenv_real, NULL, &cli->cfg, &err);
	secret_free(fl.token);
	config_scrub_environ();
	if (st != PATROL_OK) {
		cli_msg("%s", err.message);
		return status_exit_code(st);
	}
	cli->cfg_loaded = true;
	if (cli->cfg.warning != NULL)
		cli_msg("warning: %s", cli->cfg.warning);
	if (cli->cfg.note != NULL)
		cli_msg("%s", cli->cfg.note);
	if (cli->o.debug && cli->cfg.auth_why != NULL)
		fprintf(stderr, "%s\n", cli->cfg.auth_why);
	if ((rc = load_prefs(cli)) != 0)
		return rc;
	config_self_id(&cli->cfg, cli->self_id);
	cli->out.ctx.self_id = cli->self_id[0] ? cli->self_id : NULL;
	return 0;
}

/* How the worker should run, from the options (both faces use it). */
void
cli_worker_options(const struct cli *cli, struct worker_opts *wo)
{
	const char *max = getenv("PATROL_MAX_RESPONSE_BYTES");

	memset(wo, 0, sizeof *wo);
	wo->cfg = &cli->cfg;
	wo->max_inflight = cli->o.jobs;
	wo->rate = prefs_worker_rate(cli->o.rate_set ? cli->o.rate : -1);
	wo->call_deadline_ms = cli->o.timeout_ms;
	wo->debug_fd = cli->o.debug ? STDERR_FILENO : -1;
	wo->read_only = cli->o.read_only;
	wo->dry_run = cli->o.dry_run;
	wo->version = PATROL_VERSION;
	wo->group = cli->group;
	if (max != NULL)
		wo->max_body = (size_t)strtoull(max, NULL, 10);
}

int
cli_connect(struct cli *cli)
{
	struct worker_opts wo;
	struct patrol_err err;
	int rc;

	if (cli->w != NULL)
		return 0;
	if (!cli->cfg_loaded && (rc = load_config(cli)) != 0)
		return rc;
	cli_worker_options(cli, &wo);
	status_clear(&err);
	if (worker_start(&wo, &cli->w, &err) != PATROL_OK) {
		cli_msg("cannot start: %s", err.message);
		return 4;
	}
	return 0;
}

#define CLI_PROGRESS_AFTER_MS 2000
#define CLI_PROGRESS_TICK_MS 250

/* While a call has been retrying for more than ~2 s, one line on stderr
 * (a terminal) says so, rewritten in place as attempts go by: "patrol:
 * retrying (3): 503 from https://…". *seen is the retry count shown last. */
static void
cli_progress(struct cli *cli, unsigned long *seen, bool *shown)
{
	struct worker_stats ws;
	char line[300];
	char *clean;

	worker_stats(cli->w, &ws);
	if (ws.retries == *seen || ws.retry_note[0] == '\0' ||
	    duration_mono_ms() - ws.retry_since_ms < CLI_PROGRESS_AFTER_MS)
		return;
	*seen = ws.retries;
	snprintf(line, sizeof line, "retrying (%d): %s", ws.retry_attempt, ws.retry_note);
	clean = sanitize(line, 150, 0);
	fprintf(stderr, "\r\033[Kpatrol: %s", clean ? clean : "retrying");
	fflush(stderr);
	free(clean);
	*shown = true;
}

struct call *
cli_run(struct cli *cli, struct call *c)
{
	struct worker_stats ws;
	unsigned long seen;
	bool shown = false;

	if (c == NULL) {
		cli_msg("out of memory");
		return NULL;
	}
	if (!isatty(STDERR_FILENO) || cli->o.debug)
		return worker_run(cli->w, c);
	worker_stats(cli->w, &ws);
	seen = ws.retries;
	worker_submit(cli->w, c);
	while (!worker_wait_for(cli->w, c, CLI_PROGRESS_TICK_MS))
		cli_progress(cli, &seen, &shown);
	if (shown)
		fputs("\r\033[K", stderr);   /* the call is over: the line goes */
	return c;
}

/* The API scope a scoped token needs for each operation (token-api.md,
 * "Scopes"); NULL: none that patrol knows of. */
static const char *
report_scope(int op)
{
	switch (op) {
	case API_TOKEN_CREATE: case API_TOKEN_LIST: case API_TOKEN_DELETE:
	case API_TOKEN_UPDATE: case API_TM_LIST: case API_TM_GET: case API_TM_DELETE:
	case API_TM_UPDATE: case API_TM_CREATE_OBO:
		return "authentication";
	case API_PERM_GET: case API_PERM_UPDATE: case API_PERM_SET:
		return "access-management";
	default:
		return NULL;
	}
}

/* Does the server say a scope is missing? */
static bool
report_scope_missing(const struct patrol_err *e)
{
	char lower[sizeof e->message];
	size_t i;

	for (i = 0; e->message[i] != '\0' && i + 1 < sizeof lower; i++)
		lower[i] = (char)(e->message[i] >= 'A' && e->message[i] <= 'Z' ?
				  e->message[i] + 32 : e->message[i]);
	lower[i] = '\0';
	return strstr(lower, "scope") != NULL;
}

/* A hint for errors people can act on. A 401 or 403 from the API says where
 * the credential came from (profile, file, variable, helper), and which
 * scope patrol needs when the server says one is missing. */
static void
report_hint(const struct config *cfg, const struct call *c, char *out, size_t n)
{
	bool tm = c->op == API_TM_LIST || c->op == API_TM_GET || c->op == API_TM_DELETE ||
		  c->op == API_TM_UPDATE || c->op == API_TM_CREATE_OBO ||
		  c->op == API_CONF_SET || c->op == API_PERM_GET ||
		  c->op == API_PERM_UPDATE || c->op == API_PERM_SET;
	const char *from = cfg != NULL && cfg->cred_source ? cfg->cred_source : "?";
	const char *scope = report_scope(c->op);
	bool api = c->err.http_status == 401 || c->err.http_status == 403;

	out[0] = '\0';
	if (c->err.status == PATROL_PERMISSION && api && scope != NULL &&
	    report_scope_missing(&c->err))
		snprintf(out, n, " (the credential from %s lacks the API scope '%s' that "
			 "patrol needs for this: use a token with the '%s' or 'all-apis' scope)",
			 from, scope, scope);
	else if (c->err.status == PATROL_PERMISSION && api && tm)
		snprintf(out, n, " (this needs workspace admin rights; signed in with %s)", from);
	else if ((c->err.status == PATROL_PERMISSION || c->err.status ==
		  PATROL_UNAUTHENTICATED) && api)
		snprintf(out, n, " (signed in with %s: is it valid for %s?)", from,
			 cfg != NULL ? cfg->host : "this workspace");
	else if (c->err.status == PATROL_QUOTA)
		snprintf(out, n, " (revoke unused tokens first: patrol list --sort last-used)");
	else if (c->err.status == PATROL_TLS && cfg != NULL && cfg->ca_source != NULL)
		snprintf(out, n, " (%s)", cfg->ca_source);
}

int
cli_report(struct cli *cli, const struct call *c)
{
	return cli_report_in(cli, cli->cfg_loaded ? &cli->cfg : NULL, cli->part, c);
}

int
cli_report_in(struct cli *cli, const struct config *cfg, const char *workspace,
	      const struct call *c)
{
	const struct patrol_err *e = &c->err;
	const char *code = e->code;
	char detail[256] = "", hint[640], status[24];

	report_hint(cfg, c, hint, sizeof hint);
	/* a numeric code that is the status ("403") is said once */
	snprintf(status, sizeof status, "%ld", e->http_status);
	if (strcmp(code, status) == 0)
		code = "";
	if (e->http_status != 0)
		snprintf(detail, sizeof detail, " (HTTP %ld%s%s%s%s)", e->http_status,
			 code[0] ? " " : "", code,
			 e->request_id[0] ? ", request id " : "", e->request_id);
	if (e->message[0] != '\0' && strcmp(e->message, status_message(e->status)) != 0)
		cli_msg(CLI_WS_FMT "%s: %s: %s%s%s", CLI_WS_ARGS(workspace), api_op_label(c->op),
			status_message(e->status), e->message, detail, hint);
	else
		cli_msg(CLI_WS_FMT "%s: %s%s%s", CLI_WS_ARGS(workspace), api_op_label(c->op),
			status_message(e->status), detail, hint);
	return status_exit_code(e->status);
}

int
cli_call(struct cli *cli, struct call *c, void **result)
{
	int rc = 0;

	*result = NULL;
	if ((c = cli_run(cli, c)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	if (c->err.status == PATROL_OK)
		*result = call_take_result(c);
	else
		rc = cli_report(cli, c);
	call_free(c);
	return rc;
}

bool
cli_max_lifetime(struct cli *cli, int *days)
{
	struct call *c = cli_run(cli, api_conf_get());
	bool known;

	*days = 0;
	if (c == NULL)
		return false;
	known = cli_max_lifetime_read(cli, c, days);
	call_free(c);
	return known;
}

enum cli_max
cli_max_parse(const struct call *c, int *days, const char **bad)
{
	const struct api_conf *conf;
	const char *v;
	char *end;
	long d = 0;

	*days = 0;
	*bad = NULL;
	if (c->err.status != PATROL_OK || (conf = c->result) == NULL)
		return CLI_MAX_UNREAD;
	if ((v = conf->max_token_lifetime_days) != NULL && *v != '\0' &&
	    ((d = strtol(v, &end, 10)) < 1 || d > 100000 || *end != '\0')) {
		*bad = v;
		return CLI_MAX_BAD;
	}
	*days = (int)d;
	return CLI_MAX_KNOWN;
}

bool
cli_max_lifetime_read(struct cli *cli, const struct call *c, int *days)
{
	const char *bad;

	switch (cli_max_parse(c, days, &bad)) {
	case CLI_MAX_UNREAD:
		cli_msg("note: cannot read the workspace's maximum token lifetime (%s): "
			"over-max-lifetime is not computed", status_message(c->err.status));
		return false;
	case CLI_MAX_BAD:
		cli_msg("note: the workspace's maximum token lifetime '%s' is not a number "
			"of days: over-max-lifetime is not computed", bad);
		return false;
	case CLI_MAX_KNOWN:
		break;
	}
	cli->out.ctx.max_lifetime_ms = (int64_t)*days * 86400000LL;
	return true;
}

void
cli_filter_context(struct cli *cli, const struct token_filter *f)
{
	int days;

	if (token_filter_flags(f) & TOKEN_FLAG(OVER_MAX_LIFETIME))
		cli_max_lifetime(cli, &days);
}

/* Token management refused (403): say plainly who is signed in, when SCIM
 * Me tells, instead of the raw 403. */
int
cli_admin_denied_in(struct cli *cli, struct worker *w, const struct config *cfg,
		    const char *workspace, const struct call *denied)
{
	struct api_me *me;
	struct call *c = api_scim_me();
	int rc;

	if (c != NULL)
		c = w == cli->w ? cli_run(cli, c) : worker_run(w, c);
	if (c == NULL || c->err.status != PATROL_OK || (me = c->result) == NULL || me->is_admin) {
		call_free(c);
		return cli_report_in(cli, cfg, workspace, denied);
	}
	cli_msg(CLI_WS_FMT "%s --all needs workspace admin rights: you are signed in as %s, "
		"who is not in the admins group", CLI_WS_ARGS(workspace),
		cli->cmd_name ? cli->cmd_name : "patrol",
		me->user_name ? me->user_name : "?");
	rc = status_exit_code(PATROL_PERMISSION);
	call_free(c);
	return rc;
}

int
cli_fetch_tokens(struct cli *cli, bool all, const char *user, struct token_table **out)
{
	struct call *c;
	int rc = 0;

	if ((c = cli_run(cli, all ? api_tm_list(NULL, user) : api_token_list())) == NULL)
		return status_exit_code(PATROL_NOMEM);
	char note[400];

	if (c->err.status == PATROL_OK) {
		*out = call_take_result(c);
		if (*out == NULL && (*out = calloc(1, sizeof **out)) == NULL)
			rc = status_exit_code(PATROL_NOMEM);
		else if (!cli->list_noted && token_table_note(*out, note, sizeof note)) {
			cli_msg("warning: %s", note);     /* once, not for each fetch */
			cli->list_noted = true;
		}
	} else if (all && c->err.status == PATROL_PERMISSION) {
		rc = cli_admin_denied_in(cli, cli->w, cli->cfg_loaded ? &cli->cfg : NULL, cli->part, c);
	} else {
		rc = cli_report(cli, c);
	}
	call_free(c);
	return rc;
}

bool
cli_is_full_id(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (strchr("0123456789abcdefABCDEF", id[i]) == NULL)
			return false;
	return i == TOKEN_ID_LEN;
}

long
cli_find_token(const struct token_table *tab, const char *id)
{
	long i = token_find(tab, id);
	/* rows from token management: the list was every user's (--all) */
	bool everyone = tab->n > 0 && tab->rows[0].management;

	if (i == -2)
		cli_msg("id prefix '%s' matches more than one token: give more characters", id);
	else if (i < 0 && strlen(id) < TOKEN_PREFIX_MIN)
		cli_msg("id prefix '%s' is too short: give at least %d characters of the id", id,
			TOKEN_PREFIX_MIN);
	else if (i < 0 && !everyone)
		cli_msg("no token of yours with id '%s' (another user's token needs --all)", id);
	else if (i < 0)
		cli_msg("no token with id '%s' in the workspace", id);
	return i;
}

bool
cli_can_confirm(void)
{
	FILE *tty = fopen("/dev/tty", "r+");

	if (tty == NULL)
		return false;
	fclose(tty);
	return true;
}

int
cli_confirm(const char *prompt, const char *want)
{
	char answer[64];
	FILE *tty = fopen("/dev/tty", "r+");
	int ok;

	if (tty == NULL)
		return -1;
	fprintf(tty, "%s ", prompt);
	fflush(tty);
	if (fgets(answer, sizeof answer, tty) == NULL) {
		fclose(tty);
		return 0;
	}
	answer[strcspn(answer, "\r\n")] = '\0';
	ok = strcmp(answer, want) == 0;
	if (!ok)
		fprintf(tty, "Not confirmed: nothing was done.\n");
	fclose(tty);
	return ok;
}

/* Set up output defaults once options are known. */
static void
init_output(struct cli *cli)
{
	const char *nc = getenv("NO_COLOR");
	bool tty = isatty(STDOUT_FILENO);

	cli->out.fp = cli_output_stdout();
	cli->out.format = cli->o.format;
	cli->out.management = cli->o.all;
	cli->out.color = tty && !cli->o.no_color && (nc == NULL || nc[0] == '\0');
	cli->out.width = tty ? table_terminal_width(STDOUT_FILENO) : 0;
	cli->out.ctx.now_ms = duration_now_ms();
}

/* Run the command, after the one read-only check. */
static int
dispatch(struct cli *cli, int cmd, int argc, char **argv)
{
	bool (*mut)(int, char **) = commands[cmd].mutates;
	bool mutates = mut != NULL && mut(argc, argv);
	int rc;

	/* The profile's own settings may make it read-only: read them first
	 * (several workspaces: each one's, when the command connects). */
	if (mutates && !cli->o.read_only && !cli->o.many && !cli->cfg_loaded &&
	    (rc = load_config(cli)) != 0)
		return rc;
	if (cli->o.read_only && mutates) {
		cli_msg("refused: read-only mode ('%s' changes the workspace)%s", commands[cmd].name,
			cli->prefs.read_only ? ": the profile is read-only in patrol's config" : "");
		return status_exit_code(PATROL_READ_ONLY);
	}
	cli->cmd_name = commands[cmd].name;
	return commands[cmd].run(cli, argc, argv);
}

/* Several workspaces for the face: pick them; the first is the one whose
 * configuration is loaded as with -p, the face starts the others. */
static int
face_pick(struct cli *cli, struct ui_opts *uo)
{
	struct patrol_err err;

	status_clear(&err);
	if (estate_pick(cli->o.profiles, cli->o.profile_whole, cli->o.nprofiles, cli->o.all_profiles,
			config_getenv_real, NULL, &cli->pick, &err) != PATROL_OK) {
		cli_msg("%s", err.message);
		return status_exit_code(err.status);
	}
	cli->o.profile = cli->pick.names[0];
	uo->profiles = (const char *const *)cli->pick.names;
	uo->nprofiles = cli->pick.n;
	uo->note = cli->pick.nnotes > 0 ? cli->pick.notes[0] : NULL;
	return 0;
}

/* Hand over to the interactive face. */
static int
run_face(struct cli *cli, face_fn face)
{
	struct ui_opts uo;
	int rc;

	memset(&uo, 0, sizeof uo);
	if (cli->o.many && (rc = face_pick(cli, &uo)) != 0)
		return rc;
	if ((rc = load_config(cli)) != 0)
		return rc;
	uo.cfg = &cli->cfg;
	cli_worker_options(cli, &uo.worker);
	uo.worker.debug_fd = -1;      /* stderr is the screen */
	uo.profile_label = cli->cfg.file_used && cli->cfg.profile ? cli->cfg.profile : "environment";
	uo.filter = cli->o.filter;
	uo.sort = cli->o.sort;
	uo.all = cli->o.all;
	uo.read_only = cli->o.read_only;
	uo.no_color = cli->o.no_color || (getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0');
	uo.ascii = cli->o.ascii;
	uo.mouse = cli->o.mouse;
	uo.flags = cli->flags;
	uo.stale = cli->out.ctx.stale_patterns;
	uo.nstale = cli->out.ctx.nstale;
	uo.revoke_soon_ms = cli->out.ctx.revoke_soon_ms;
	uo.columns = cli->prefs.columns;
	uo.refresh_s = cli->prefs.refresh_s;
	rc = face(&uo);
	estate_pick_free(&cli->pick);
	return rc;
}

/* No command: the UI on a terminal; on a pipe (or with -o) print the list
 * and exit, so `patrol --filter X | grep` works over SSH. */
static int
run_default(struct cli *cli, const struct parsed *p, face_fn face)
{
	static char list_name[] = "list";
	char *argv[] = { list_name, NULL };
	int rc;

	if ((rc = check_options(p, CMD_LIST)) != 0 || (rc = check_many(&cli->o, CMD_LIST)) != 0)
		return rc;
	if (face != NULL && !cli->o.format_set && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return run_face(cli, face);
	return dispatch(cli, CMD_LIST, 1, argv);
}

/* patrol help [COMMAND] */
static int
cli_cmd_help(struct cli *cli, int argc, char **argv)
{
	const char *guess;
	int cmd;

	(void)cli;
	if (argc < 2) {
		usage(cli_output_stdout());
		return 0;
	}
	if (argc > 2) {
		cli_msg("help: give one command");
		return 2;
	}
	if ((cmd = command_index(argv[1])) >= 0) {
		usage_command(cli_output_stdout(), cmd);
		return 0;
	}
	guess = closest(argv[1], cli_command_name, CMD_COUNT);
	cli_msg("help: no command '%s'%s%s%s (see patrol help)", argv[1],
		guess ? ": did you mean '" : "", guess ? guess : "", guess ? "'?" : "");
	return 2;
}

/* The command named in p (reported when unknown or misused). */
static int
run_command(struct cli *cli, const struct parsed *p)
{
	int rc, cmd;

	if ((cmd = command_index(p->pos[0])) < 0) {
		const char *guess = closest(p->pos[0], cli_command_name, CMD_COUNT);
		if (guess != NULL)
			cli_msg("unknown command '%s': did you mean '%s'? (see patrol help)",
				p->pos[0], guess);
		else
			cli_msg("unknown command '%s' (see patrol help)", p->pos[0]);
		return 2;
	}
	if ((rc = check_options(p, cmd)) != 0 || (rc = check_many(&cli->o, cmd)) != 0)
		return rc;
	return dispatch(cli, cmd, p->npos, p->pos);
}

int
cli_written(int rc)
{
	return rc == 0 ? 0 : status_exit_code(PATROL_OUTPUT);
}

/* How a run ends once its output is flushed: a failed write is said once,
 * for every command and format alike, with its own exit code (unless the
 * command failed with a usage, authentication or network error first); a
 * reader that went away (patrol list | head) ends it quietly, by SIGPIPE. */
static int
finish_output(const struct cli *cli, int rc)
{
	int err = cli_output_error();

	if (cli != NULL && cli->output_said)
		return rc;
	if (err == EPIPE)
		return CLI_EXIT_SIGPIPE;
	if (err == 0 && rc != status_exit_code(PATROL_OUTPUT))
		return rc;
	cli_msg("cannot write the output: %s", err != 0 ? strerror(err) : "out of memory");
	return rc >= 2 && rc <= 4 ? rc : status_exit_code(PATROL_OUTPUT);
}

int
cli_main(int argc, char **argv, face_fn face)
{
	struct cli cli;
	struct parsed p;
	FILE *out = cli_output_stdout();
	int rc;

	memset(&cli, 0, sizeof cli);
	memset(&p, 0, sizeof p);
	if (out == NULL) {
		cli_msg("out of memory");
		return 1;
	}
	if ((rc = parse_args(argc, argv, &cli.o, &p)) != 0)
		return rc;
	if (p.version) {
		fprintf(out, "patrol %s\n", PATROL_VERSION);
		return finish_output(NULL, 0);
	}
	if (p.help && p.npos > 0 && command_index(p.pos[0]) >= 0) {
		usage_command(out, command_index(p.pos[0]));
		return finish_output(NULL, 0);
	}
	if (p.help) {
		usage(out);
		return finish_output(NULL, 0);
	}
	if (cli.o.token_stdin && cli.o.from != NULL && strcmp(cli.o.from, "-") == 0) {
		cli_msg("--token-stdin and --from - both read standard input: put the ids in a file");
		return 2;
	}
	init_output(&cli);
	if ((cli.group = worker_group_new()) == NULL) {
		cli_msg("out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	rc = p.npos == 0 ? run_default(&cli, &p, face) : run_command(&cli, &p);
	worker_stop(cli.w);
	if (cli.finish != NULL)
		rc = cli.finish(&cli, rc);
	worker_group_free(cli.group);      /* its workers are stopped: its thread ends */
	if (cli.cfg_loaded)
		config_free(&cli.cfg);
	prefs_free(&cli.prefs);
	return finish_output(&cli, rc);
}
