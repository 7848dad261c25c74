/*
 * cli.h: the command line face of patrol.
 *
 * `patrol [global options] COMMAND [options] [args]`. One table of options
 * and one table of commands drive parsing, --help and the read-only check:
 * a command that changes the workspace is refused in one place
 * (cli_dispatch) before any network use. Data goes to stdout, messages to
 * stderr, and the exit code follows status.h: 0 ok, 1 some operations
 * failed, 2 usage or configuration, 3 authentication or permission, 4 network,
 * 5 the output could not be written. When the reader of the output went
 * away (EPIPE) cli_main returns CLI_EXIT_SIGPIPE, and main() ends by SIGPIPE
 * as `git log | head` does.
 */
#ifndef PATROL_CLI_H
#define PATROL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "cli_output.h"
#include "config.h"
#include "estate.h"
#include "face.h"
#include "prefs.h"
#include "sha256.h"
#include "status.h"
#include "token.h"
#include "token_filter.h"
#include "worker.h"

#define CLI_EXIT_SIGPIPE 141    /* 128 + SIGPIPE: what a shell reports */

/* Run the command line; returns the process exit code. With no command on
 * a terminal, face (when not NULL) is run instead; with no command on a pipe
 * (or with -o), patrol lists, as `patrol list` would. */
int cli_main(int argc, char **argv, face_fn face);

/* ---- shared by the cli_*.c files (not for other modules) ---------------- */
#define CLI_MAX_SCOPES 64
#define CLI_MAX_PROFILES 64

struct buf;

struct cli_opts {
	/* global */
	const char *profile;
	const char *host;
	const char *ca_file;
	enum cli_format format;
	bool debug, read_only, dry_run, no_color, token_stdin, ascii, mouse, format_set;
	int jobs;
	double rate;
	bool rate_set;
	int64_t timeout_ms;
	/* command options */
	bool all, yes, autoscope, include_self, resume, keep_old;
	const char *user, *filter, *sort, *comment, *lifetime, *on_behalf_of, *from, *to_file;
	const char *to_dir;
	const char *scopes[CLI_MAX_SCOPES];
	size_t nscopes;
	unsigned fail_on;        /* audit --fail-on: token_flags bits, 0: none */
	const char *level;       /* permissions grant --level */
	const char *add[CLI_MAX_SCOPES];    /* pin --add */
	size_t nadd;
	const char *pin_scopes;             /* pin --scopes S,... */
	/* several workspaces: every -p and --profiles value, --all-profiles */
	const char *profiles[CLI_MAX_PROFILES];
	bool profile_whole[CLI_MAX_PROFILES];   /* a -p value: one name, commas and all */
	size_t nprofiles;
	bool all_profiles;
	bool many;              /* more than one -p, --profiles or --all-profiles */
};

/* One workspace of several (cli_estate.c). */
struct cli_ws {
	const char *name;                   /* the profile (the pick's string) */
	struct config cfg;
	bool cfg_loaded;
	struct prefs prefs;
	struct worker *w;
	char self_id[SHA256_HEX_LEN + 1];   /* "" unless signed in with a PAT */
	const char **self_also;             /* the other profiles' of its workspace */
	size_t nself_also;
	bool read_only;                     /* --read-only, or the profile's setting */
	bool failed;                        /* reported, and out of the run */
	bool listed;                        /* its list came (it may be out since) */
	size_t first, count;                /* its rows in the merged table */
	bool max_read;                      /* its maximum lifetime was asked */
	bool max_known;                     /* ... and read */
	int max_days;                       /* 0: no maximum set */
};

struct cli {
	struct cli_opts o;
	struct config cfg;
	bool cfg_loaded;
	struct prefs prefs;                 /* patrol's own settings, loaded with cfg */
	struct prefs_flags flags;           /* what the command line said, before prefs */
	struct worker *w;
	struct worker_group *group;         /* the one thread every worker runs on */
	struct cli_out out;
	char self_id[SHA256_HEX_LEN + 1];   /* "" unless authenticating with a PAT */
	bool list_noted;                    /* the list parser's note was shown */
	const char *cmd_name;
	bool output_said;                   /* a write error was already reported */
	const char *part;                   /* a workspace of several (cli_estate_sub):
					     * its name, which its failures start with */
	/* several workspaces (cli->o.many): cli->cfg and cli->w are unused */
	struct estate_pick pick;
	struct cli_ws *ws;                  /* cli->nws of them, in the order named */
	size_t nws;
	size_t ws_failed;                   /* workspaces reported failed: exit 1 */
	bool ws_warned;                     /* the config file's warning was said */
	bool ws_max_with_list;              /* ask each maximum lifetime with its list,
					     * in the same round trip (audit) */
	/* Set by what made more to free (cli_estate.c): cli_main runs it
	 * last, and it returns the run's exit code given the command's. */
	int (*finish)(struct cli *cli, int rc);
};

/* Load the configuration and start the worker. Returns 0 or an exit code. */
int cli_connect(struct cli *cli);
/* How a worker runs, from the options (cfg is cli->cfg). */
void cli_worker_options(const struct cli *cli, struct worker_opts *wo);
/* Run one call on the worker and return it finished (NULL c: out of memory,
 * reported, returns NULL). */
struct call *cli_run(struct cli *cli, struct call *c);
/* Run c, report a failure, and move its result to *result (NULL for void
 * calls; free it with the op's free function). Returns 0, or the failure's
 * exit code after reporting it. */
int cli_call(struct cli *cli, struct call *c, void **result);
/* Print "patrol: LABEL: what went wrong (HTTP …)" for a failed call and
 * return its exit code. */
int cli_report(struct cli *cli, const struct call *c);
/* The same for a call to the workspace of cfg, named workspace (NULL: the
 * one workspace): "patrol: workspace 'dev': LABEL: …". */
int cli_report_in(struct cli *cli, const struct config *cfg, const char *workspace,
		  const struct call *c);
/* A token-management call was refused (403): say plainly who is signed in
 * to the workspace (SCIM Me through w), or report denied as it is. Returns
 * the exit code. */
int cli_admin_denied_in(struct cli *cli, struct worker *w, const struct config *cfg,
			const char *workspace, const struct call *denied);
/* The exit code for what an output function returned (0, or -1 when the
 * output could not be written): 0, or the output failure's, which cli_main
 * reports once at the end with the reason. */
int cli_written(int rc);
/* Print a message to stderr as one sanitized line (a newline in it, from a
 * server or anywhere, shows as \n), prefixed "patrol: ". Never cut: a
 * message longer than a line buffer is formatted whole. */
void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "workspace 'NAME': " before a message about one workspace of several,
 * or nothing for NULL: CLI_WS_FMT in the format, CLI_WS_ARGS(name) in the
 * arguments (no buffer of its own, so a long profile name is never cut). */
#define CLI_WS_FMT "%s%s%s"
#define CLI_WS_ARGS(ws) (ws) != NULL ? "workspace '" : "", (ws) != NULL ? (ws) : "", \
	(ws) != NULL ? "': " : ""
/* Fetch the caller's tokens, or every token (all), optionally one user's.
 * *out is the call's table, moved out; free with api_table_free. Returns 0 or
 * an exit code (after reporting). */
int cli_fetch_tokens(struct cli *cli, bool all, const char *user, struct token_table **out);
/* Read the workspace's maximum token lifetime (workspace-conf) into
 * cli->out.ctx.max_lifetime_ms and *days (0: no maximum is set). Returns
 * false, after a one-line note that over-max-lifetime is not computed, when
 * it cannot be read (a non-admin may be refused) or makes no sense. */
bool cli_max_lifetime(struct cli *cli, int *days);
/* The maximum in c, a finished api_conf_get call, without a word:
 * CLI_MAX_KNOWN and *days (0: no maximum set), CLI_MAX_UNREAD (c failed),
 * or CLI_MAX_BAD with *bad the value that is not a number of days (c's). */
enum cli_max { CLI_MAX_KNOWN, CLI_MAX_UNREAD, CLI_MAX_BAD };
enum cli_max cli_max_parse(const struct call *c, int *days, const char **bad);
/* The same from c, a finished api_conf_get call (submitted with the list,
 * so both take one round trip); c stays the caller's. */
bool cli_max_lifetime_read(struct cli *cli, const struct call *c, int *days);
/* Read what filter f needs besides the list: the workspace maximum when it
 * tests flag:over-max-lifetime (one request, only then). */
void cli_filter_context(struct cli *cli, const struct token_filter *f);
/* Resolve ID (full or unique prefix) against tab; reports and returns -1 when
 * not found or ambiguous. */
long cli_find_token(const struct token_table *tab, const char *id);
/* True for 64 hex characters. */
bool cli_is_full_id(const char *id);
/* Ids from a file or stdin ("-"): the first word of each line; blank lines
 * and lines starting with # are skipped. Appends to *ids (n of them,
 * malloc'd). Returns 0, or an exit code after saying why (what: the
 * command, for the message). */
int cli_read_ids(const char *what, const char *path, char ***ids, size_t *n);
/* A secret is about to go to stdout: when stdout is a new, empty file of
 * ours (patrol create > token.txt) make it 0600 first; any other file that
 * others can read gets a warning with the fix (cli_cmds.c). */
void cli_secret_stdout_guard(struct cli *cli);
/* Ask a yes/no question on the terminal (/dev/tty). want: the exact answer
 * to type ("yes", or a count). Returns 1 confirmed, 0 declined, -1 no terminal. */
int cli_confirm(const char *prompt, const char *want);
/* Whether cli_confirm could ask (a terminal to open), asking nothing. */
bool cli_can_confirm(void);

/* ---- one workspace or several (cli_estate.c) ----------------------------
 * The commands that cover several workspaces call these; with one
 * workspace they are cli_connect, cli_fetch_tokens, cli_filter_context. */
/* Connect to the run's workspaces. Several: pick them, resolve each
 * profile and start its worker; a named profile that cannot be used stops
 * the run (its exit code), one that --all-profiles found is reported and
 * left out. Returns 0 or an exit code. */
int cli_estate_connect(struct cli *cli);
/* Fetch the tokens. Several workspaces: all at once, into one table, each
 * row's workspace in token_info.workspace, each workspace's rows together
 * (cli->ws[i].first, .count); one that fails is reported (one line) and
 * left out; 1 when every one failed. */
int cli_estate_fetch(struct cli *cli, bool all, const char *user, struct token_table **out);
/* Read what filter f needs besides the list, in each workspace. */
void cli_estate_filter_context(struct cli *cli, const struct token_filter *f);
/* Fetch the tokens of every workspace at once, each into tabs[i] (NULL for
 * a workspace out of the run: one that failed was reported). Returns 0, or
 * 1 when every one failed. */
int cli_estate_fetch_each(struct cli *cli, bool all, const char *user,
			  struct token_table **tabs);
/* A one-workspace view of workspace i for code written for one (revoke's
 * session): a shallow copy of cli whose cfg, worker, self id and flags'
 * context are the workspace's. It owns nothing: never free it, and use it
 * only while cli lives. */
void cli_estate_sub(const struct cli *cli, size_t i, struct cli *sub);
/* The credential patrol uses that full id is, in cli's workspace (its
 * own, or another profile's of the same workspace: token_ctx.self_also),
 * or NULL: the self_id to give bulk_add. */
const char *cli_estate_self(const struct cli *cli, const char *id);
/* The workspaces no profile of the run could list (unreachable, refused,
 * unusable), whose tokens nothing was searched for: how many, their names
 * into names ("'a'", "'a' and 'b'"). A profile whose workspace another one
 * listed is not one. */
size_t cli_estate_unlisted(const struct cli *cli, struct buf *names);
/* Where an id was looked for, for "no token with id X in …": "workspace
 * 'a'" (one listed) or "any of the N workspaces", and what was not
 * searched (cli_estate_unlisted). 0 or -1. */
int cli_estate_where(const struct cli *cli, struct buf *b);
/* Workspaces still in the run. */
size_t cli_estate_live(const struct cli *cli);
/* Read each workspace's maximum token lifetime into its flags' context
 * (a note for each one that cannot be read). */
void cli_estate_max_lifetime(struct cli *cli);
/* token_filter_apply over the merged table, each workspace's rows with its
 * own context; idx gets indexes of tab. Returns the count. */
size_t cli_estate_filter(const struct cli *cli, const struct token_filter *f,
			 const struct token_table *tab, size_t *idx);
/* cli_find_token over the merged table: not found says where it was
 * looked for (cli_estate_where); found in several says where ("'ab12'
 * matches ab12cd34ef in 'prod' and ab12ff0011 in 'dev'"), as
 * cli_estate_match_add words it, and returns -2, as a prefix of several
 * tokens of one workspace does; found while a workspace could not be
 * listed, a note says it was not searched there. */
long cli_estate_find(const struct cli *cli, const struct token_table *tab, const char *id);
/* Add "[, | and ]SHORT_ID in 'WS'" (k: how many came before, of n) to b,
 * for a message naming every workspace an id matches in. 0 or -1. */
int cli_estate_match_add(struct buf *b, size_t k, size_t n, const struct token_info *t,
			 const char *ws);
/* quota over several workspaces: per workspace and in total. */
int cli_estate_quota(struct cli *cli, const struct token_table *tab);

/* Commands (cli_cmds.c, cli_revoke.c). argv[0] is the command name. */
int cli_cmd_list(struct cli *cli, int argc, char **argv);
int cli_cmd_show(struct cli *cli, int argc, char **argv);
int cli_cmd_whoami(struct cli *cli, int argc, char **argv);
int cli_cmd_quota(struct cli *cli, int argc, char **argv);
int cli_cmd_create(struct cli *cli, int argc, char **argv);
int cli_cmd_update(struct cli *cli, int argc, char **argv);
int cli_cmd_settings(struct cli *cli, int argc, char **argv);
bool cli_settings_mutates(int argc, char **argv);
int cli_cmd_revoke(struct cli *cli, int argc, char **argv);
int cli_cmd_audit(struct cli *cli, int argc, char **argv);     /* cli_audit.c */
int cli_cmd_journal(struct cli *cli, int argc, char **argv);   /* cli_journal.c */
int cli_cmd_permissions(struct cli *cli, int argc, char **argv); /* cli_permissions.c */
bool cli_permissions_mutates(int argc, char **argv);
int cli_cmd_scopes(struct cli *cli, int argc, char **argv);    /* cli_scopes.c */
int cli_cmd_pin(struct cli *cli, int argc, char **argv);       /* cli_pin.c */
/* Ids from a file (or "-": stdin): the first word of each line, blank and
 * # lines skipped; *ids and its strings malloc'd. 0, or an exit code after
 * saying why (messages start with cmd). */
int cli_read_ids(const char *cmd, const char *path, char ***ids, size_t *n);
int cli_cmd_completion(struct cli *cli, int argc, char **argv); /* cli_complete.c */
int cli_cmd_rotate(struct cli *cli, int argc, char **argv);    /* cli_rotate.c */
/* The names settings takes ("max-lifetime-days"), NULL past the last. */
const char *cli_setting_name(size_t i);

/* ---- the command and option tables, read by cli_complete.c ------------- */
struct cli_option_info {
	const char *name;         /* "profile" (without --) */
	char short_name;          /* 'p', or 0 */
	bool has_arg;
	const char *arg;          /* "NAME", or NULL */
	const char *help;
	bool global;              /* applies to every command */
};
size_t cli_command_count(void);
const char *cli_command_name(size_t i);
const char *cli_command_summary(size_t i);
size_t cli_option_count(void);
void cli_option_info(size_t i, struct cli_option_info *out);
/* Does option opt apply to command cmd (indexes of the tables)? */
bool cli_option_applies(size_t opt, size_t cmd);

#endif
