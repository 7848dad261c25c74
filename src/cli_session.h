/*
 * cli_session.h: what the command line's bulk sessions (revoke, pin) share
 * around a struct bulk: resolving ids and a filter into a plan, the signals
 * that stop a run, the progress on stderr, who runs it and its journal.
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

/* The signed-in user's name for the journal (malloc'd), or NULL. */
char *cli_session_user(struct cli *cli);
/* Start b's journal unless it has one, it is a dry run or nothing is
 * pending. 0, or 2 after saying "CMD: cannot record the session, so
 * nothing was DONE". */
int cli_session_journal(struct cli *cli, struct bulk *b, const char *user, const char *cmd,
			const char *done);

#endif
