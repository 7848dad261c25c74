/*
 * cli_session.h: what the command line's bulk sessions (revoke, pin) share
 * around a struct bulk: resolving ids and a filter into a plan, the signals
 * that stop a run, the progress on stderr, who runs it and its journal,
 * over one workspace or several.
 * Only the cli_*.c files use it.
 */
#ifndef PATROL_CLI_SESSION_H
#define PATROL_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulk.h"
#include "cli.h"

/* Plan one token: t the listed row of id, or NULL when no list has id (id
 * is then as given: a full id or a prefix). 0, or an exit code (said). */
typedef int (*cli_session_add_fn)(void *ctx, const char *id, const struct token_info *t);

/* Resolve ids (full or prefixes, through an index of tab) and the rows of
 * tab filter matches (NULL: none), calling add for each. An ambiguous
 * prefix stops it: 2, said. 0, or an exit code. */
int cli_session_plan(struct cli *cli, const struct token_table *tab, char **ids, size_t n,
		     const struct token_filter *filter, cli_session_add_fn add, void *ctx);

/* Ctrl-C, SIGTERM and SIGHUP set a flag instead of ending patrol (on), or
 * do again what they did (off). on clears the flag. */
void cli_session_signals(bool on);
/* The signal that came since cli_session_signals(true), or 0. */
int cli_session_signal(void);

/* The progress of a run on stderr: a bar redrawn on a terminal, a line
 * every few seconds without one (nohup, CI), nothing with -o json|csv on
 * a terminal. */
struct cli_session_bar {
	bool bar, log, shown;
	int64_t ms;
};
void cli_session_bar_start(struct cli_session_bar *p, const struct cli *cli);
/* Draw it when due (force: the bar now); cmd starts the log lines. */
void cli_session_bar(struct cli_session_bar *p, const struct bulk *b, struct worker *w,
		     const char *cmd, bool force);
void cli_session_bar_clear(struct cli_session_bar *p);

/* The words of a command's session. */
struct cli_session_words {
	const char *cmd;          /* "revoke": starts messages */
	const char *ask;          /* "revoke %zu token%s? Type yes:" starts so */
	const char *typed;        /* "type the number of tokens (N) to ..." ends so */
	const char *refuse;       /* "refusing to ... N tokens without confirmation" */
};

/* Ask on the terminal for b's pending count (typed over
 * BULK_CONFIRM_TYPED_OVER), unless --yes, a dry run or nothing pending. 0
 * to go on, 1 declined, 2 no terminal (said). */
int cli_session_confirm(struct cli *cli, const struct bulk *b, const struct cli_session_words *w,
			const char *what);

/* What a run says and does besides its loop. */
struct cli_session_run {
	struct cli_session_bar *bar;
	const char *cmd;
	void (*line)(const struct bulk_item *it, void *ctx);   /* one result line */
	void (*stop)(void *ctx, int sig);                       /* a signal came */
	void *ctx;
};
/* Submit b's pending items and take the answers until none is left, a
 * signal stops it, or a 401/403 halts it (said once); then what was never
 * sent is marked not attempted, each with its line. */
void cli_session_run(struct cli *cli, struct bulk *b, const struct cli_session_run *run);
/* A line for each item decided without sending anything in this run. */
void cli_session_lines_decided(const struct bulk *b,
			       void (*line)(const struct bulk_item *it, void *ctx), void *ctx);
/* The per-token results (JSON, CSV) on stdout and the summary on stderr,
 * in the words of b's kind. The exit code: 3 after a 401/403, 1 when any
 * failed, else 0 (or the output's failure). */
int cli_session_report(struct cli *cli, const struct bulk *b);

/* The session file for --resume [SESSION] (*path, malloc'd, or NULL when
 * there is none): want (an id, a unique prefix or a session file of the
 * journal directory: journal_resolve); else the newest unfinished session
 * of kind k for this workspace, else the one another patrol is running (so
 * that it is named as running, not as missing). 0, or an exit code (said). */
int cli_session_find(struct cli *cli, const char *cmd, enum journal_kind k, const char *want,
		     char **path);
/* Load the session at path (taken) into b against a fresh list (*tab, the
 * caller's to free), refusing one another patrol runs or one of another
 * workspace; with by_name a finished session with failures goes on too.
 * The token in use is kept unless --include-self (bulk_guard_self).
 * Says what is left (ws: the workspace's name starts the line, NULL: one
 * workspace). 0, or an exit code (said). */
int cli_session_resume(struct cli *cli, struct bulk *b, const char *cmd, char *path,
		       bool by_name, struct token_table **tab, const char *ws);

/* After a run: how to try again what failed, is unknown or was not sent
 * (a 401/403 or Ctrl-C leaves the rest not sent), naming
 * the session and, when cli names one, its profile or host: "patrol -p P
 * CMD --resume SESSION". session: b's journal id, read before bulk_end
 * ("": none). ws: the workspace's name starts the line, NULL: one
 * workspace. */
void cli_session_retry_hint(const struct cli *cli, const struct bulk *b, const char *cmd,
			    const char *session, const char *ws);
/* --resume found no unfinished session of kind k: say so, and name the
 * newest finished one of this workspace that still has ids to try (a
 * 401/403 ended it, or some failed), with the command that tries them. */
void cli_session_none_unfinished(const struct cli *cli, const char *cmd, enum journal_kind k,
				 const char *ws);

/* The signed-in user's name for the journal (malloc'd), or NULL. */
char *cli_session_user(struct cli *cli);
/* Start b's journal unless it has one, it is a dry run or nothing is
 * pending. 0, or 2 after saying "CMD: cannot record the session, so
 * nothing was DONE". */
int cli_session_journal(struct cli *cli, struct bulk *b, const char *user, const char *cmd,
			const char *done);

/* ---- one session over several workspaces ----------------------------------
 * -p A -p B, --profiles, --all-profiles: a session a workspace, each with its
 * own journal, worker and batch, run as one: one plan grouped by workspace,
 * one confirm for the total (typed over BULK_CONFIRM_TYPED_OVER), every part
 * applied at once. A 401/403 stops only that workspace's part; --resume
 * with the same profiles goes on with each workspace's newest unfinished
 * session of the kind, so each part finishes exactly once. Results are
 * lines naming the workspace, or with -o json one object whose keys are the
 * workspaces and whose values are their result arrays (-o csv is refused:
 * several arrays are not one table). The command keeps a state of its own
 * a part (ctx) and says through ops what it does its own way. */
struct cli_session_part {
	struct cli sub;             /* cli as this workspace (cli_estate_sub) */
	const char *ws;             /* its profile */
	struct bulk *b;             /* its session; NULL: out of the run */
	struct token_table *tab;    /* the list its plan was made from, or NULL */
	char *user;                 /* who runs it, for its journal */
	void *ctx;                  /* the command's state for it: set it after open */
	bool told;                  /* its 401/403 was said */
};

struct cli_session_ops {
	const struct cli_session_words *words;
	enum journal_kind kind;
	const char *done;                       /* "revoked": "so nothing was DONE" */
	cli_session_add_fn add;                 /* plan one token of a part (ctx: its) */
	void (*line)(const struct bulk_item *it, void *ctx);   /* one result line */
	void (*show_plan)(void *ctx, FILE *fp); /* a part's pending items */
	void (*confirm_own)(void *ctx);         /* a part's own questions before the
						 * count (the token in use...); NULL */
	int (*replan)(void *ctx);               /* the list again before applying:
						 * 0, CLI_SESSION_UNLISTED, or an
						 * exit code (said) */
};
/* replan: the part's workspace could not be listed (said, naming it): the
 * part is left out, nothing of it sent, its journal as it was. */
#define CLI_SESSION_UNLISTED (-1)

struct cli_session_many {
	struct cli *cli;
	const struct cli_session_ops *ops;
	const struct token_filter *filter;      /* --filter of a new session, or NULL */
	struct cli_session_part *p;             /* n of them, in the order named */
	size_t n;
};

/* Connect to every workspace (cli_estate_connect) and give each live one
 * its part: an empty session of ops->kind and, unless resume, its list
 * (one that fails is said and left out). A workspace patrol's config marks
 * read-only is left out, saying so. 0, or an exit code. */
int cli_session_many_open(struct cli_session_many *m, bool resume);
/* What a run over several workspaces refuses before anything is sent:
 * -o csv, and --resume (resume_argc > 0: the command's argc) with a
 * session, ids, a filter or --dry-run. 0, or 2 (said). */
int cli_session_many_refuse(const struct cli *cli, const char *cmd, int resume_argc);
/* Plan a new session: each id goes to the one workspace whose list has it
 * (an id no list has is said and left out; one several lists match is an
 * error: 2), then each part's filter matches (ops->add for each); each
 * part keeps --filter for its re-plan, keeps the token in use unless
 * --include-self (bulk_guard_self), and unless a dry run learns who runs it.
 * *planned: the items over every part. 0, or an exit code. */
int cli_session_many_plan(struct cli_session_many *m, char **ids, size_t nids,
			  size_t *planned);
/* Nothing to run (nothing matched, nothing to resume): the results as
 * they are (none, or what was decided without sending) in JSON or CSV, as
 * a run writes them, so a script always gets its array; several
 * workspaces: the object of each one's array. 0, or the output's exit
 * code. */
int cli_session_results(struct cli *cli, const struct bulk *b);
int cli_session_many_results(struct cli_session_many *m);
/* "nothing matches in workspace 'a'" or "… in any of the N workspaces"
 * (cli_estate_where): cmd's line, done: "no token was revoked". */
void cli_session_many_nothing(const struct cli_session_many *m, const char *done);
/* Load each workspace's newest unfinished session of ops->kind (a
 * workspace without one is said and left out). *found: how many. 0, or
 * an exit code. */
int cli_session_many_resume(struct cli_session_many *m, size_t *found);
/* Is part i in the run (a session, its workspace not failed)? */
bool cli_session_many_live(const struct cli_session_many *m, size_t i);
/* Items pending over every part. */
size_t cli_session_many_pending(const struct cli_session_many *m);
/* The plan grouped by workspace → each part's own questions → one confirm
 * → re-plan → journals → apply all at once → results. The exit code: the
 * worst part's (3 after a 401/403, 1 when any failed), or the confirm's. */
int cli_session_many_execute(struct cli_session_many *m, const char *what);
/* Free the parts (not their ctx: the command's). */
void cli_session_many_free(struct cli_session_many *m);

#endif
