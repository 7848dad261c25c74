/*
 * cli_revoke.c: `patrol revoke`: a bulk revocation session on the command
 * line, the same session the UI runs (bulk.h), with no curses, so it can
 * run under nohup or in a CI job.
 *
 * plan: the exact ids (deduplicated; prefixes and --filter resolved against
 * a fresh list; an id or prefix the list does not have is a result line of
 * its own, the same in a dry run), shown with owner, comment, creation,
 * last use and flags, with a warning for tokens used in the last 7 days. The token patrol
 * authenticates with is skipped unless --include-self, and even then asks
 * for its own confirmation on a terminal. confirm: on /dev/tty; over ten
 * tokens the count is typed; without a terminal --yes is needed. re-plan:
 * the list is fetched again just before applying; changes are shown and,
 * when ids vanished or were used since, asked about again. apply: revokes
 * run concurrently through the worker, which journals an fsync'd intent
 * before each one (journal.h). Ctrl-C, SIGTERM or SIGHUP stop after the
 * in-flight calls (Ctrl-C ends the session "stopped"; a hang-up or SIGTERM
 * leaves it unfinished, for a plain --resume). A 401 or 403 stops the
 * whole run at once. Without a terminal a progress line goes to stderr
 * every few seconds. results: one line per id, a summary, the journal path
 * and how to try again what failed.
 *
 * --resume [SESSION] goes on with an unfinished session (by default the
 * newest for this workspace; one another patrol runs is named as such), or
 * with a named session that was stopped or has failures: each remaining id
 * is revoked at most once, and intents without results are reconciled
 * against a fresh list.
 *
 * Several workspaces (-p A -p B, --profiles, --all-profiles): a session a
 * workspace, each with its own journal, worker and batch, run as one: one
 * plan grouped by workspace, one confirm for the total, all applied at
 * once. A 401 or 403 stops only that workspace's part; --resume with the
 * same profiles goes on with each workspace's newest unfinished session.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "bulk.h"
#include "cli.h"
#include "duration.h"
#include "journal.h"
#include "sanitize.h"
#include "table.h"

#define PLAN_SHOWN 20
#define RV_BAR_WIDTH 24
#define RV_BAR_EVERY_MS 200
#define RV_LOG_EVERY_MS 5000        /* no terminal: a progress line this often */

/* One run of the command. */
struct rv {
	struct cli *cli;
	struct bulk *b;
	struct token_table *tab;        /* the list the plan was made from */
	struct token_filter *filter;    /* --filter, compiled */
	char *user;                     /* SCIM userName, for the journal */
	char **args;                    /* the ids given as arguments */
	size_t nargs;
	bool bar;                       /* stderr is a terminal: draw progress */
	bool log;                       /* stderr is no terminal: progress lines */
	bool bar_shown;
	int64_t bar_ms;
	const char *ws;                 /* several workspaces: this one's name */
	bool no_results;                /* several: the caller writes the results */
};

static volatile sig_atomic_t rv_signalled;   /* the signal that stops the run, or 0 */

static void
rv_on_signal(int sig)
{
	rv_signalled = sig;
}

/* Ctrl-C, SIGTERM and SIGHUP stop after the in-flight revokes. */
static void
rv_signals(bool on)
{
	struct sigaction sa;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? rv_on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Ids from a file or stdin: the first word of each line; blank lines and
 * lines starting with # are skipped. */
/* Append a copy of id to the list. Returns 0 or -1 (out of memory). */
static int
ids_push(char ***ids, size_t *n, size_t *cap, const char *id)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **v = realloc(*ids, ncap * sizeof *v);
		if (v == NULL)
			return -1;
		*ids = v;
		*cap = ncap;
	}
	if (((*ids)[*n] = strdup(id)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Ids from a file or stdin: the first word of each line; blank lines and
 * lines starting with # are skipped. Any error stops the whole command: a
 * partial plan must never be applied. */
int
cli_read_ids(const char *cmd, const char *path, char ***ids, size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[1024];
	size_t cap = 0, lineno = 0;
	int rc = 0;

	if (fp == NULL) {
		cli_msg("%s: cannot open '%s': %s", cmd, path, strerror(errno));
		return 2;
	}
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		char *w = line + strspn(line, " \t");
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			cli_msg("%s: %s:%zu: line too long", cmd, path, lineno);
			rc = 2;
			break;
		}
		w[strcspn(w, " \t\r\n,")] = '\0';
		if (*w != '\0' && *w != '#' && ids_push(ids, n, &cap, w) != 0) {
			cli_msg("%s: out of memory reading %s", cmd, path);
			rc = status_exit_code(PATROL_NOMEM);
		}
	}
	if (rc == 0 && ferror(fp)) {
		cli_msg("%s: cannot read %s: %s", cmd, path, strerror(errno));
		rc = 2;
	}
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* ---- plan ------------------------------------------------------------------ */

static int
rv_add(struct rv *r, const char *id, const struct token_info *t)
{
	unsigned flags = t != NULL ? token_flags(t, &r->cli->out.ctx) : 0;

	if (bulk_add(r->b, id, t, flags, r->cli->self_id[0] ? r->cli->self_id : NULL,
		     r->cli->out.ctx.now_ms) < 0) {
		cli_msg("revoke: out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	return 0;
}

/* Decide the item just added for id as what the list says of it: an id no
 * list has is already gone, a prefix that matches nothing is skipped. The
 * same before a dry run and a real one: nothing about it is sent. */
static void
rv_decide_unlisted(struct rv *r, const char *id)
{
	size_t last = bulk_count(r->b) - 1;
	bool full = cli_is_full_id(id);
	char why[160];

	if (bulk_item(r->b, last)->result != JOURNAL_PENDING)
		return;                      /* not a token id: skipped already */
	if (!full && strlen(id) < TOKEN_PREFIX_MIN) {
		cli_find_token(r->tab, id);          /* says the minimum on stderr */
		snprintf(why, sizeof why, "too short: give at least %d characters of the id; "
			 "nothing sent", TOKEN_PREFIX_MIN);
	} else if (full)
		snprintf(why, sizeof why, "%s", bulk_admin(r->b) ?
			 "not in the list: already revoked, nothing sent" :
			 "not among your tokens: already revoked, or another user's "
			 "(--all revokes anyone's); nothing sent");
	else
		snprintf(why, sizeof why, "no token id starts with this%s; nothing sent",
			 bulk_admin(r->b) ? "" : " among your tokens (--all: anyone's)");
	bulk_decide(r->b, last, full ? JOURNAL_GONE : JOURNAL_SKIPPED, PATROL_NOT_FOUND, why);
}

/* Resolve the given ids (full or prefixes) against the list, through an
 * index (a file of 100,000 ids against a list of as many). An id or prefix
 * the list does not have is one result line, not the end of the session
 * (a file of ids goes stale); an ambiguous prefix is an error. */
static int
rv_plan_ids(struct rv *r, char **ids, size_t n)
{
	char full[TOKEN_ID_LEN + 1];
	size_t *byid, i;
	int rc = 0;

	if (n == 0)
		return 0;
	if ((byid = token_index_by_id(r->tab)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < n && rc == 0; i++) {
		long row = token_find_indexed(r->tab, byid, ids[i], false);
		const struct token_info *t = row >= 0 ? &r->tab->rows[row] : NULL;
		size_t before = bulk_count(r->b);
		if (row == -2) {
			cli_find_token(r->tab, ids[i]);    /* says why */
			rc = 2;
		} else if ((rc = rv_add(r, t != NULL ? token_id_hex(t, full) : ids[i], t)) == 0 &&
			   t == NULL && bulk_count(r->b) > before)
			rv_decide_unlisted(r, ids[i]);
	}
	free(byid);
	return rc;
}

static int
rv_plan_filter(struct rv *r)
{
	char id[TOKEN_ID_LEN + 1];
	size_t *idx, n, i;
	int rc = 0;

	if (r->filter == NULL)
		return 0;
	if ((idx = malloc((r->tab->n ? r->tab->n : 1) * sizeof *idx)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	n = token_filter_apply(r->filter, r->tab, &r->cli->out.ctx, idx);
	for (i = 0; i < n && rc == 0; i++)
		rc = rv_add(r, token_id_hex(&r->tab->rows[idx[i]], id), &r->tab->rows[idx[i]]);
	free(idx);
	return rc;
}

/* Who is running this, for the journal (best effort: NULL when unknown). */
static void
rv_whoami(struct rv *r)
{
	struct call *c = cli_run(r->cli, api_scim_me());
	struct api_me *me;

	if (c == NULL)
		return;
	if (c->err.status == PATROL_OK && (me = call_take_result(c)) != NULL) {
		if (me->user_name != NULL)
			r->user = strdup(me->user_name);
		api_me_free(me);
	}
	call_free(c);
}

/* The plan's table (table.h): a mark (! used lately or since the plan, S
 * the token patrol uses), then what identifies each token. */
enum { PLAN_MARK, PLAN_ID, PLAN_OWNER, PLAN_COMMENT, PLAN_CREATED, PLAN_USED, PLAN_FLAGS,
       PLAN_NCOLS };
static const struct table_col plan_cols[PLAN_NCOLS] = {
	[PLAN_MARK] = { .header = " " },
	[PLAN_ID] = { .header = "ID" },
	[PLAN_OWNER] = { .header = "OWNER", .min = 12, .flex = true },
	[PLAN_COMMENT] = { .header = "COMMENT", .min = 12, .flex = true },
	[PLAN_CREATED] = { .header = "CREATED", .drop = 1 },
	[PLAN_USED] = { .header = "LAST USED", .drop = 2 },
	[PLAN_FLAGS] = { .header = "FLAGS", .min = 16, .flex = true },
};

static void
plan_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct bulk_item *it = *(const struct bulk_item *const *)row;
	int64_t now = ((const struct rv *)ctx)->cli->out.ctx.now_ms;

	switch (col) {
	case PLAN_MARK:
		snprintf(out, n, "%c", it->self ? 'S' : (it->recent || it->changed) ? '!' : ' ');
		break;
	case PLAN_ID:
		snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, it->t.id);
		break;
	case PLAN_OWNER:
		snprintf(out, n, "%s", it->t.owner ? it->t.owner : "");
		break;
	case PLAN_COMMENT:
		snprintf(out, n, "%s", it->t.comment ? it->t.comment : "");
		break;
	case PLAN_CREATED:
		duration_relative(it->t.created_ms, now, out, n);
		break;
	case PLAN_USED:
		duration_relative(it->t.last_used_ms, now, out, n);
		break;
	default:
		token_flags_format(it->t.flags, out, n);
		break;
	}
}

/* The first PLAN_SHOWN pending items as a table on fp (fitted to its
 * terminal); returns how many. */
static size_t
rv_show_items(const struct rv *r, FILE *fp)
{
	const struct bulk_item *shown[PLAN_SHOWN];
	struct table t = { plan_cols, PLAN_NCOLS, 0, plan_cell, r, shown, sizeof shown[0],
			   NULL, 0 };
	struct table_out to = { fp, table_terminal_width(fileno(fp)), false, 0 };
	size_t i;

	for (i = 0; i < bulk_count(r->b) && t.nrows < PLAN_SHOWN; i++)
		if (bulk_item(r->b, i)->result == JOURNAL_PENDING)
			shown[t.nrows++] = bulk_item(r->b, i);
	if (!bulk_admin(r->b))
		t.hidden = 1ul << PLAN_OWNER;
	table_print(&to, &t);
	return t.nrows;
}

/* Append word to b, in single quotes when the shell would read it
 * otherwise. */
static int
rv_shell_word(struct buf *b, const char *word)
{
	const char *p;
	int rc = buf_addstr(b, " ");

	if (*word != '\0' && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				     "0123456789@%_+=:,./-") == strlen(word))
		return rc | buf_addstr(b, word);
	rc |= buf_addstr(b, "'");
	for (p = word; *p != '\0'; p++)
		rc |= *p == '\'' ? buf_addstr(b, "'\\''") : buf_add(b, p, 1);
	return rc | buf_addstr(b, "'");
}

/* The command that lists the whole plan: this one, as a CSV dry run
 * (the same workspace options, --all, --filter, --from and ids); for a
 * resumed session, patrol journal SESSION. */
static int
rv_list_command(const struct rv *r, struct buf *b)
{
	const struct cli_opts *o = &r->cli->o;
	int rc = buf_addstr(b, "patrol");
	size_t i;

	if (o->profile != NULL)
		rc |= buf_addstr(b, " -p") | rv_shell_word(b, o->profile);
	if (o->host != NULL)
		rc |= buf_addstr(b, " --host") | rv_shell_word(b, o->host);
	if (o->ca_file != NULL)
		rc |= buf_addstr(b, " --ca-file") | rv_shell_word(b, o->ca_file);
	if (o->resume)
		return rc | buf_addstr(b, " journal") |
			rv_shell_word(b, journal_session_id(bulk_journal(r->b))) | buf_addstr(b, " -o csv");
	rc |= buf_addstr(b, " revoke");
	if (bulk_admin(r->b))
		rc |= buf_addstr(b, " --all");
	if (o->filter != NULL)
		rc |= buf_addstr(b, " --filter") | rv_shell_word(b, o->filter);
	if (o->from != NULL)
		rc |= buf_addstr(b, " --from") | rv_shell_word(b, o->from);
	if (o->include_self)
		rc |= buf_addstr(b, " --include-self");
	for (i = 0; i < r->nargs; i++)
		rc |= rv_shell_word(b, r->args[i]);
	return rc | buf_addstr(b, " --dry-run -o csv");
}

/* "… and N more (COMMAND lists them all)" */
static void
rv_show_more(const struct rv *r, FILE *fp, size_t more)
{
	struct buf cmd;
	char *clean;

	bool piped = !r->cli->o.resume && r->cli->o.from != NULL && strcmp(r->cli->o.from, "-") == 0;

	buf_init(&cmd, 0);
	if (rv_list_command(r, &cmd) == 0 && (clean = sanitize(cmd.data, 0, 0)) != NULL) {
		/* stdin is spent: the command needs the same ids again */
		fprintf(fp, "   … and %zu more (%s%s lists them all)\n", more,
			piped ? "the same ids piped into " : "", clean);
		free(clean);
	} else
		fprintf(fp, "   … and %zu more\n", more);
	buf_free(&cmd);
}

/* The plan, on stderr: the pending ids and the warnings. */
static void
rv_show_plan(const struct rv *r, FILE *fp)
{
	size_t shown, pending = bulk_pending(r->b), recent = bulk_count_recent(r->b);

	shown = rv_show_items(r, fp);
	if (pending > shown)
		rv_show_more(r, fp, pending - shown);
	if (recent > 0)
		fprintf(fp, "warning: %zu of these %s used in the last 7 days (marked !): "
			"something may still depend on %s\n", recent, recent == 1 ? "was" : "were",
			recent == 1 ? "it" : "them");
	if (bulk_self_index(r->b) >= 0)
		fprintf(fp, "warning: the plan holds the token patrol is using (marked S): "
			"it is revoked last, after its own confirmation\n");
}

/* Ask to revoke n tokens, the count typed over BULK_CONFIRM_TYPED_OVER.
 * Returns 0 to go on, else the exit code. */
static int
rv_ask_count(size_t n, const char *what)
{
	char prompt[256], want[32];
	int ok;

	if (n > BULK_CONFIRM_TYPED_OVER) {
		snprintf(want, sizeof want, "%zu", n);
		snprintf(prompt, sizeof prompt, "%s: type the number of tokens (%zu) to revoke them:",
			 what, n);
	} else {
		snprintf(want, sizeof want, "yes");
		snprintf(prompt, sizeof prompt, "%s: revoke %zu token%s? Type yes:", what, n,
			 n == 1 ? "" : "s");
	}
	ok = cli_confirm(prompt, want);
	if (ok < 0)
		cli_msg("revoke: refusing to revoke %zu tokens without confirmation: "
			"run it on a terminal or pass --yes", n);
	return ok == 1 ? 0 : ok < 0 ? 2 : 1;
}

/* Ask for the pending count. Returns 0 to go on, else the exit code. */
static int
rv_confirm_count(struct rv *r, const char *what)
{
	size_t n = bulk_pending(r->b);

	if (r->cli->o.yes || r->cli->o.dry_run || n == 0)
		return 0;
	return rv_ask_count(n, what);
}

/* The token patrol uses: skipped unless --include-self, and on a terminal
 * (without --yes) its own typed confirmation. */
static void
rv_confirm_self(struct rv *r)
{
	long i = bulk_self_index(r->b);
	int ok;

	if (i < 0 || !r->cli->o.include_self || r->cli->o.yes || r->cli->o.dry_run)
		return;
	ok = cli_confirm("This also revokes the token patrol is using: afterwards patrol can no "
			 "longer reach this workspace with it. Type self to revoke it too:", "self");
	if (ok != 1)
		bulk_keep_self(r->b);
}

/* Fetch again just before applying and show what changed. Returns 0 to go
 * on, else the exit code. */
static int
rv_replan(struct rv *r)
{
	struct token_table *fresh = NULL;
	struct bulk_replan d;
	int rc;

	if ((rc = cli_fetch_tokens(r->cli, bulk_admin(r->b), NULL, &fresh)) != 0)
		return rc;
	r->cli->out.ctx.now_ms = duration_now_ms();
	bulk_replan(r->b, fresh, &r->cli->out.ctx, r->filter, &d);
	api_table_free(fresh);
	if (d.vanished + d.used_since + d.new_matches == 0)
		return 0;
	fprintf(stderr, "Changed since the plan: %zu no longer exist (not sent), %zu used since "
		"(marked !), %zu new match%s the filter (not added)\n", d.vanished, d.used_since,
		d.new_matches, d.new_matches == 1 ? "es" : "");
	if (bulk_pending(r->b) == 0) {
		fprintf(stderr, "Nothing left to revoke.\n");
		return 0;
	}
	if (d.vanished + d.used_since == 0)
		return 0;
	if (d.used_since > 0 && !r->cli->o.yes)
		rv_show_plan(r, stderr);
	return rv_confirm_count(r, "The plan changed");
}

/* ---- apply ------------------------------------------------------------------ */

static void
rv_bar_clear(struct rv *r)
{
	if (r->bar_shown) {
		fputs("\r\033[K", stderr);
		r->bar_shown = false;
	}
}

/* The progress: on a terminal a bar redrawn at most every RV_BAR_EVERY_MS;
 * without one (nohup, CI) a line every RV_LOG_EVERY_MS of the run, so a
 * log shows a long session is alive. force: draw the bar now. */
static void
rv_bar(struct rv *r, bool force)
{
	char line[256];
	int64_t now = duration_mono_ms();

	if (!r->bar) {
		if (!r->log || now - r->bar_ms < RV_LOG_EVERY_MS)
			return;
		r->bar_ms = now;
		bulk_progress_line(r->b, r->cli->w, 0, line, sizeof line);
		cli_msg("revoke: %s", line);
		return;
	}
	if (!force && now - r->bar_ms < RV_BAR_EVERY_MS)
		return;
	r->bar_ms = now;
	bulk_progress_line(r->b, r->cli->w, RV_BAR_WIDTH, line, sizeof line);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	r->bar_shown = true;
}

static void
rv_line(struct rv *r, const struct bulk_item *it)
{
	char comment[256], id[512], *msg;

	if (r->cli->o.format != CLI_FORMAT_TABLE)
		return;
	rv_bar_clear(r);
	sanitize_cell(it->t.comment ? it->t.comment : "", 40, 0, 0, comment, sizeof comment);
	sanitize_cell(it->t.id, 0, 0, 0, id, sizeof id);
	if (r->ws != NULL)
		fprintf(r->cli->out.fp, "%-10s  ", r->ws);
	fprintf(r->cli->out.fp, "%-13s  %s  %s", journal_result_label(it->result), id, comment);
	if (journal_result_fails(it->result) || it->result == JOURNAL_SKIPPED ||
	    (it->err.message[0] != '\0' && it->result != JOURNAL_WOULD)) {
		msg = sanitize(it->err.message[0] ? it->err.message : status_message(it->err.status),
			       200, 0);
		fprintf(r->cli->out.fp, "%s%s", comment[0] ? "  " : "", msg ? msg : "");
		free(msg);
	}
	fputc('\n', r->cli->out.fp);
	fflush(r->cli->out.fp);
}

/* rv_line as a bulk_mark_unsent callback. */
static void
rv_line_of(const struct bulk_item *it, void *r)
{
	rv_line(r, it);
}

/* A signal stops the run after the requests in flight. Ctrl-C is the
 * user's stop: the session ends "stopped" (resumable by name). A hang-up
 * (the SSH session dropped) or SIGTERM cuts it off instead: it stays
 * unfinished, so a plain patrol revoke --resume goes on with it. */
static void
rv_stop(struct rv *r, int sig)
{
	struct worker_stats ws;
	const char *session = journal_session_id(bulk_journal(r->b));

	worker_stats(r->cli->w, &ws);
	if (sig != SIGINT)
		bulk_interrupt(r->b);
	bulk_stop(r->b, r->cli->w);
	rv_bar_clear(r);
	if (session == NULL)
		cli_msg("revoke: stopping after the requests in flight (at most %d); the rest "
			"are not sent", ws.limit);
	else if (sig != SIGINT)
		cli_msg("revoke: %s: stopping after the requests in flight (at most %d); the "
			"rest are not sent: patrol revoke --resume goes on with them",
			sig == SIGHUP ? "hang-up" : "terminated", ws.limit);
	else
		cli_msg("revoke: stopping after the requests in flight (at most %d); the rest "
			"are not sent: patrol revoke --resume %s goes on with them", ws.limit,
			session);
}

/* Run the batch to its end: submit, take results, stop on a signal. */
static void
rv_run(struct rv *r)
{
	struct worker *w = r->cli->w;
	bool told = false;
	struct call *c;
	long i;

	rv_signalled = 0;
	rv_signals(true);
	r->bar_ms = r->bar ? 0 : duration_mono_ms();
	for (;;) {
		if (!bulk_running(r->b) && (bulk_stopping(r->b) || bulk_submit(r->b, w) == 0))
			break;
		rv_bar(r, false);
		c = worker_wait(w, RV_BAR_EVERY_MS);
		if (rv_signalled && !bulk_stopping(r->b))
			rv_stop(r, rv_signalled);
		if (c != NULL && (i = bulk_finish(r->b, c)) >= 0) {
			rv_line(r, bulk_item(r->b, i));
			if (bulk_stopped_auth(r->b) && !told) {
				told = true;
				rv_bar_clear(r);
				cli_msg("revoke: stopping: the workspace refused patrol's credentials "
					"(HTTP %ld): nothing more of this batch is sent",
					bulk_item(r->b, i)->err.http_status);
			}
		} else if (c != NULL)
			call_free(c);
	}
	rv_signals(false);
	rv_bar_clear(r);
	/* whatever was never sent (stopped, or self after a stop) */
	bulk_mark_unsent(r->b, rv_line_of, r);
}

/* ---- results ---------------------------------------------------------------- */

/* How many items ended each way. */
static void
rv_counts(const struct rv *r, size_t k[JOURNAL_RESULT_COUNT])
{
	int i;

	for (i = 0; i < JOURNAL_RESULT_COUNT; i++)
		k[i] = bulk_results(r->b, (enum journal_result)i);
}

/* Per-id results (JSON, CSV), then the summary on stderr. */
static int
rv_report(struct rv *r)
{
	size_t k[JOURNAL_RESULT_COUNT], i;
	int rc = 0;

	rv_counts(r, k);
	for (i = 0; i < bulk_count(r->b); i++)
		if (journal_result_fails(bulk_item(r->b, i)->result))
			rc = 1;
	if (r->cli->o.format != CLI_FORMAT_TABLE && !r->no_results &&
	    cli_output_results(r->cli->out.fp, r->cli->o.format, r->b, 0) != 0)
		rc = cli_written(-1);
	if (r->ws != NULL)
		fprintf(stderr, "workspace '%s': ", r->ws);
	if (r->cli->o.dry_run)
		fprintf(stderr, "%zu would be revoked, %zu skipped, %zu already gone "
			"(dry run: nothing was sent)\n", k[JOURNAL_WOULD], k[JOURNAL_SKIPPED],
			k[JOURNAL_GONE]);
	else
		fprintf(stderr, "%zu revoked, %zu already gone, %zu failed, %zu unknown, "
			"%zu not attempted, %zu skipped\n", k[JOURNAL_REVOKED], k[JOURNAL_GONE],
			k[JOURNAL_FAILED], k[JOURNAL_UNKNOWN], k[JOURNAL_NOT_ATTEMPTED],
			k[JOURNAL_SKIPPED]);
	return bulk_stopped_auth(r->b) ? 3 : rc;
}

/* ---- the journal -------------------------------------------------------------- */

/* Start recording. Nothing is revoked when the session cannot be recorded. */
static int
rv_journal_start(struct rv *r)
{
	struct patrol_err err;
	char *dir = NULL;

	if (r->cli->o.dry_run || bulk_pending(r->b) == 0 || bulk_journal(r->b) != NULL)
		return 0;             /* nothing to record, or resumed: the session's own file */
	status_clear(&err);
	if (journal_dir(true, &dir, &err) != PATROL_OK ||
	    bulk_journal_start(r->b, dir, r->cli->cfg.host, r->user, r->cli->cfg.profile,
			       &err) != PATROL_OK) {
		cli_msg("revoke: cannot record the session, so nothing was revoked: %s",
			err.message);
		free(dir);
		return 2;
	}
	free(dir);
	return 0;
}

/* Say so when an unfinished session for this workspace waits. */
static void
rv_offer_resume(struct rv *r)
{
	struct journal_session s;
	struct patrol_err err;
	char *dir = NULL, *path = NULL;

	status_clear(&err);
	if (journal_dir(false, &dir, &err) != PATROL_OK ||
	    journal_find_unfinished(dir, r->cli->cfg.host, &path, &err) != PATROL_OK ||
	    path == NULL) {
		free(dir);
		return;
	}
	memset(&s, 0, sizeof s);
	if (journal_load(path, &s, &err) == PATROL_OK)
		cli_msg("note: unfinished session %s has %zu tokens left: "
			"patrol revoke --resume goes on with it", s.session, s.pending);
	journal_session_free(&s);
	free(path);
	free(dir);
}

/* ---- the command ------------------------------------------------------------ */

static void
rv_free(struct rv *r)
{
	bulk_free(r->b);
	api_table_free(r->tab);
	token_filter_free(r->filter);
	free(r->user);
}

/* A line for each id decided without sending anything in this run
 * (skipped, gone before it was sent, reconciled on resume). */
static void
rv_lines_decided(struct rv *r)
{
	size_t i;

	for (i = 0; i < bulk_count(r->b); i++)
		if (bulk_item(r->b, i)->result != JOURNAL_PENDING && !bulk_item(r->b, i)->earlier &&
		    !bulk_item(r->b, i)->inflight)
			rv_line(r, bulk_item(r->b, i));
}

/* Whether the plan held the token patrol uses and it was kept for want of
 * --include-self. */
static bool
rv_self_kept(const struct rv *r)
{
	size_t i;

	for (i = 0; i < bulk_count(r->b); i++)
		if (bulk_item(r->b, i)->self && bulk_item(r->b, i)->result == JOURNAL_SKIPPED)
			return !r->cli->o.include_self;
	return false;
}

/* confirm → re-plan → journal → apply → report, for a plan in r->b. */
/* After a session that did not stop on a signal (that message said it
 * already): how to try again what failed, or was not sent. */
static void
rv_retry_hint(const struct rv *r, const char *session)
{
	size_t again = bulk_results(r->b, JOURNAL_FAILED) + bulk_results(r->b, JOURNAL_UNKNOWN) +
	    bulk_results(r->b, JOURNAL_NOT_ATTEMPTED);

	if (session[0] == '\0' || again == 0 || bulk_stopping(r->b))
		return;
	cli_msg("revoke: %zu failed, unknown or not attempted: patrol revoke --resume %s tries "
		"them again%s", again, session,
		bulk_stopped_auth(r->b) ? " (once patrol's credentials work again)" : "");
}

static int
rv_execute(struct rv *r, const char *what)
{
	char session[128] = "";
	int rc;

	if (bulk_pending(r->b) == 0) {
		rv_lines_decided(r);
		cli_msg("revoke: nothing to revoke%s", rv_self_kept(r) ?
			": the token patrol is using is kept (add --include-self to revoke it)" : "");
		bulk_end(r->b);      /* a resumed session with nothing left is done */
		return rv_report(r);
	}
	if (!r->cli->o.yes && !r->cli->o.dry_run) {
		fprintf(stderr, "%s %zu token%s on %s:\n", what, bulk_pending(r->b),
			bulk_pending(r->b) == 1 ? "" : "s", r->cli->cfg.host);
		rv_show_plan(r, stderr);
	}
	rv_confirm_self(r);
	if ((rc = rv_confirm_count(r, "Revoke")) != 0)
		return rc;
	if ((rc = rv_replan(r)) != 0)
		return rc;
	if ((rc = rv_journal_start(r)) != 0)
		return rc;
	r->bar = isatty(STDERR_FILENO) && r->cli->o.format == CLI_FORMAT_TABLE;
	r->log = !isatty(STDERR_FILENO);
	rv_lines_decided(r);
	rv_run(r);
	if (bulk_journal(r->b) != NULL) {
		cli_msg("journal: %s", journal_path(bulk_journal(r->b)));
		snprintf(session, sizeof session, "%s", journal_session_id(bulk_journal(r->b)));
	}
	bulk_end(r->b);
	rc = rv_report(r);
	rv_retry_hint(r, session);
	return rc;
}

static int
rv_new(struct rv *r, char **ids, size_t nids)
{
	struct patrol_err err;
	int rc;

	if (r->cli->o.filter != NULL) {
		status_clear(&err);
		if (token_filter_compile(r->cli->o.filter, &r->filter, &err) != PATROL_OK) {
			cli_msg("revoke: bad filter: %s", err.message);
			return 2;
		}
	}
	if ((rc = cli_connect(r->cli)) != 0)
		return rc;
	rv_offer_resume(r);
	if ((rc = cli_fetch_tokens(r->cli, r->cli->o.all, NULL, &r->tab)) != 0)
		return rc;
	cli_filter_context(r->cli, r->filter);
	if ((rc = rv_plan_ids(r, ids, nids)) != 0 || (rc = rv_plan_filter(r)) != 0)
		return rc;
	if (r->cli->o.filter != NULL && bulk_set_filter(r->b, r->cli->o.filter) != 0)
		return status_exit_code(PATROL_NOMEM);
	bulk_guard_self(r->b, r->cli->o.include_self);
	if (bulk_count(r->b) == 0) {
		cli_msg("revoke: nothing matches: no token was revoked");
		return 0;
	}
	if (!r->cli->o.dry_run)
		rv_whoami(r);
	return rv_execute(r, "About to revoke");
}

/* The session file for --resume [SESSION]: SESSION (an id, a unique prefix
 * or a session file of the journal directory: journal_resolve); else the
 * newest unfinished session for this workspace, else the one another
 * patrol is running (so that it is named as running, not as missing). */
static int
rv_find_session(struct rv *r, const char *want, char **path)
{
	const char *host = r->cli->cfg.host;
	struct patrol_err err;
	enum patrol_status st;
	char *dir = NULL;

	status_clear(&err);
	*path = NULL;
	if ((st = journal_dir(false, &dir, &err)) == PATROL_OK) {
		if (want != NULL)
			st = journal_resolve(dir, want, path, &err);
		else if ((st = journal_find_unfinished(dir, host, path, &err)) == PATROL_OK &&
			 *path == NULL)
			st = journal_find_running(dir, host, path, &err);
	}
	free(dir);
	if (st == PATROL_OK)
		return 0;
	cli_msg("revoke: %s", err.message);
	return st == PATROL_NOMEM ? status_exit_code(st) : 2;
}

/* No unfinished session: say so, and how to retry the newest finished
 * session of this workspace that has failures, if there is one. */
static void
rv_none_unfinished(struct rv *r)
{
	const char *host = r->cli->cfg.host;
	struct journal_list l;
	struct patrol_err err;
	char *dir = NULL;
	size_t i;

	memset(&l, 0, sizeof l);
	status_clear(&err);
	if (journal_dir(false, &dir, &err) == PATROL_OK && journal_list(dir, &l, &err) == PATROL_OK)
		for (i = 0; i < l.n; i++) {
			const struct journal_session *s = &l.v[i];
			if (s->host == NULL || strcmp(s->host, host) != 0 || s->busy ||
			    journal_session_todo(s) == 0)
				continue;
			cli_msg("revoke: no unfinished session for %s; session %s (%s) has %zu to "
				"try again: patrol revoke --resume %s", host, s->session,
				s->end_reason[0] ? s->end_reason : "unfinished",
				journal_session_todo(s), s->session);
			journal_list_free(&l);
			free(dir);
			return;
		}
	cli_msg("revoke: no unfinished session for %s (patrol journal lists them all)", host);
	journal_list_free(&l);
	free(dir);
}

/* Load the session at path (freed) into r->b against a fresh list. named:
 * SESSION was given (an ended session may be resumed). Returns 0 or the
 * exit code (reported). */
static int
rv_resume_load(struct rv *r, char *path, bool named)
{
	struct journal_session info;
	struct patrol_err err;
	int rc;

	memset(&info, 0, sizeof info);
	status_clear(&err);
	rc = journal_load(path, &info, &err) != PATROL_OK ? 2 : 0;
	free(path);
	if (rc != 0)
		cli_msg("revoke: %s", err.message);
	else if (bulk_check_free(&info, &err) != PATROL_OK) {
		cli_msg("revoke: cannot resume: %s", err.message);
		rc = 2;
	} else if (info.host == NULL || strcmp(info.host, r->cli->cfg.host) != 0) {
		cli_msg("revoke: session %s is for %s, not %s: use the profile of that workspace",
			info.session, info.host ? info.host : "?", r->cli->cfg.host);
		rc = 2;
	} else if ((rc = cli_fetch_tokens(r->cli, info.admin, NULL, &r->tab)) != 0) {
		/* reported */
	} else if (bulk_resume(r->b, &info, r->tab, named, &err) != PATROL_OK) {
		cli_msg("revoke: cannot resume: %s", err.message);
		rc = status_exit_code(err.status) > 1 ? status_exit_code(err.status) : 2;
	} else {
		if (r->ws != NULL)
			fprintf(stderr, "workspace '%s': ", r->ws);
		fprintf(stderr, "Resuming session %s: %zu planned, %zu done before, %zu left\n",
			info.session, bulk_count(r->b), bulk_planned_done(r->b), bulk_pending(r->b));
	}
	journal_session_free(&info);
	return rc;
}

static int
rv_resume(struct rv *r, int argc, char **argv)
{
	char *path = NULL;
	int rc;

	if (argc > 2 || r->cli->o.filter != NULL || r->cli->o.from != NULL) {
		cli_msg("revoke: --resume takes at most one session id, and no ids or filter");
		return 2;
	}
	if (r->cli->o.dry_run) {
		cli_msg("revoke: --resume cannot be a dry run: patrol journal SESSION shows what is left");
		return 2;
	}
	if ((rc = cli_connect(r->cli)) != 0 ||
	    (rc = rv_find_session(r, argc == 2 ? argv[1] : NULL, &path)) != 0)
		return rc;
	if (path == NULL) {
		rv_none_unfinished(r);
		return 0;
	}
	if ((rc = rv_resume_load(r, path, argc == 2)) != 0)
		return rc;
	bulk_guard_self(r->b, r->cli->o.include_self);
	return rv_execute(r, "Left to revoke:");
}

/* ---- several workspaces: a session each, run as one ------------------------ */

/* The run over several workspaces: r[i] is workspace i's session (r[i].b
 * NULL: the workspace is out of the run), seen through sub[i], a view of
 * cli as that workspace (cli_estate_sub). */
struct rvm {
	struct cli *cli;
	struct cli *sub;
	struct rv *r;
	size_t n;
	struct token_filter *filter;    /* --filter, shared by every r[i] */
};

/* Is workspace i in the run? */
static bool
rvm_live(const struct rvm *m, size_t i)
{
	return m->r[i].b != NULL && !m->cli->ws[i].failed;
}

static size_t
rvm_pending(const struct rvm *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (rvm_live(m, i))
			n += bulk_pending(m->r[i].b);
	return n;
}

/* Connect, list every workspace, and give each live one its session. A
 * workspace patrol's config marks read-only is left out, saying so. */
static int
rvm_open(struct rvm *m, bool resume)
{
	struct token_table *tabs[ESTATE_MAX];
	struct cli *cli = m->cli;
	size_t i;
	int rc;

	if ((rc = cli_estate_connect(cli)) != 0)
		return rc;
	if (!resume && (rc = cli_estate_fetch_each(cli, cli->o.all, NULL, tabs)) != 0)
		return rc;
	if (!resume)
		cli_estate_filter_context(cli, m->filter);
	m->n = cli->nws;
	m->sub = calloc(m->n, sizeof *m->sub);
	m->r = calloc(m->n, sizeof *m->r);
	if (m->sub == NULL || m->r == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < m->n; i++) {
		if (cli->ws[i].failed)
			continue;
		if (cli->ws[i].read_only) {
			cli_msg("workspace '%s': read-only in patrol's config: left out",
				cli->ws[i].name);
			cli->ws[i].failed = true;
			cli->ws_failed++;
			api_table_free(resume ? NULL : tabs[i]);
			continue;
		}
		cli_estate_sub(cli, i, &m->sub[i]);
		m->r[i].cli = &m->sub[i];
		m->r[i].ws = cli->ws[i].name;
		m->r[i].no_results = true;
		m->r[i].tab = resume ? NULL : tabs[i];
		m->r[i].filter = m->filter;
		if ((m->r[i].b = bulk_new(cli->o.all)) == NULL)
			return status_exit_code(PATROL_NOMEM);
	}
	return 0;
}

/* Give each id to the one workspace whose list has it. An id no list has
 * is said and left out (it cannot be routed); one that several lists
 * match (a short prefix) is an error. */
static int
rvm_route(struct rvm *m, char **ids, size_t nids, char ***per, size_t *nper)
{
	size_t i, k, hits, at = 0;
	long row;

	for (i = 0; i < nids; i++) {
		for (k = hits = 0; k < m->n; k++) {
			if (!rvm_live(m, k) || (row = token_find(m->r[k].tab, ids[i])) == -1)
				continue;
			hits += row == -2 ? 2 : 1;
			at = k;
		}
		if (hits > 1) {
			cli_msg("revoke: '%s' matches tokens in more than one workspace (or more than "
				"one token): give more characters", ids[i]);
			return 2;
		}
		if (hits == 0) {
			cli_msg("revoke: no token with id '%s' in any of the %zu workspaces: "
				"nothing sent for it", ids[i], cli_estate_live(m->cli));
			continue;
		}
		per[at][nper[at]++] = ids[i];
	}
	return 0;
}

/* Plan each workspace's part: the ids routed to it, then the filter. */
static int
rvm_plan(struct rvm *m, char **ids, size_t nids)
{
	char **per[ESTATE_MAX] = { NULL };
	size_t nper[ESTATE_MAX] = { 0 }, i;
	int rc = 0;

	for (i = 0; i < m->n && rc == 0; i++)
		if (rvm_live(m, i) && nids > 0 && (per[i] = calloc(nids, sizeof *per[i])) == NULL)
			rc = status_exit_code(PATROL_NOMEM);
	if (rc == 0)
		rc = rvm_route(m, ids, nids, per, nper);
	for (i = 0; i < m->n && rc == 0; i++) {
		if (!rvm_live(m, i))
			continue;
		if ((rc = rv_plan_ids(&m->r[i], per[i], nper[i])) == 0)
			rc = rv_plan_filter(&m->r[i]);
		if (rc == 0 && m->cli->o.filter != NULL &&
		    bulk_set_filter(m->r[i].b, m->cli->o.filter) != 0)
			rc = status_exit_code(PATROL_NOMEM);
		bulk_guard_self(m->r[i].b, m->cli->o.include_self);
	}
	for (i = 0; i < m->n; i++)
		free(per[i]);
	return rc;
}

/* One confirm for the whole plan (the count typed over ten). Returns 0 to
 * go on, else the exit code. */
static int
rvm_confirm(struct rvm *m)
{
	char what[64];
	size_t n = rvm_pending(m), k = 0, i;

	if (m->cli->o.yes || m->cli->o.dry_run || n == 0)
		return 0;
	for (i = 0; i < m->n; i++)
		k += rvm_live(m, i) && bulk_pending(m->r[i].b) > 0;
	snprintf(what, sizeof what, "In %zu workspace%s", k, k == 1 ? "" : "s");
	return rv_ask_count(n, what);
}

/* The plan, grouped by workspace, on stderr. */
static void
rvm_show_plan(const struct rvm *m, const char *what)
{
	size_t i;

	fprintf(stderr, "%s %zu token%s:\n", what, rvm_pending(m), rvm_pending(m) == 1 ? "" : "s");
	for (i = 0; i < m->n; i++) {
		if (!rvm_live(m, i) || bulk_pending(m->r[i].b) == 0)
			continue;
		fprintf(stderr, "workspace '%s' (%s): %zu token%s\n", m->r[i].ws,
			m->sub[i].cfg.host, bulk_pending(m->r[i].b),
			bulk_pending(m->r[i].b) == 1 ? "" : "s");
		rv_show_plan(&m->r[i], stderr);
	}
}

/* Stop every workspace's part after its requests in flight. */
static void
rvm_stop(struct rvm *m, int sig)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!rvm_live(m, i))
			continue;
		if (sig != SIGINT)
			bulk_interrupt(m->r[i].b);
		bulk_stop(m->r[i].b, m->sub[i].w);
	}
	cli_msg("revoke: %s: stopping after the requests in flight; the rest are not sent: "
		"patrol revoke --resume with the same profiles goes on with them",
		sig == SIGINT ? "interrupted" : sig == SIGHUP ? "hang-up" : "terminated");
}

/* Submit what each workspace's part may send now; false when every part
 * is over. */
static bool
rvm_submit(struct rvm *m)
{
	bool any = false;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct bulk *b = m->r[i].b;
		if (!rvm_live(m, i))
			continue;
		if (!bulk_running(b) && (bulk_stopping(b) || bulk_submit(b, m->sub[i].w) == 0))
			continue;
		any = true;
	}
	return any;
}

/* A finished revoke of workspace i. */
static void
rvm_finished(struct rvm *m, size_t i, struct call *c, bool *told)
{
	struct rv *r = &m->r[i];
	long k;

	if (!rvm_live(m, i) || (k = bulk_finish(r->b, c)) < 0) {
		call_free(c);
		return;
	}
	rv_line(r, bulk_item(r->b, k));
	if (bulk_stopped_auth(r->b) && !told[i]) {
		told[i] = true;
		cli_msg("revoke: workspace '%s': stopping its part: the workspace refused patrol's "
			"credentials (HTTP %ld); the other workspaces go on", r->ws,
			bulk_item(r->b, k)->err.http_status);
	}
}

/* Run every part to its end at once. */
static void
rvm_run(struct rvm *m)
{
	struct worker *w[ESTATE_MAX] = { NULL };
	bool told[ESTATE_MAX] = { false }, stopping = false;
	struct call *c;
	size_t i, which;

	for (i = 0; i < m->n; i++)
		w[i] = rvm_live(m, i) ? m->sub[i].w : NULL;
	rv_signalled = 0;
	rv_signals(true);
	while (rvm_submit(m)) {
		c = estate_wait(w, m->n, RV_BAR_EVERY_MS, &which);
		if (rv_signalled && !stopping) {
			stopping = true;
			rvm_stop(m, rv_signalled);
		}
		if (c != NULL)
			rvm_finished(m, which, c, told);
	}
	rv_signals(false);
	for (i = 0; i < m->n; i++)
		if (rvm_live(m, i))
			bulk_mark_unsent(m->r[i].b, rv_line_of, &m->r[i]);
}

/* {"WORKSPACE": [results…], …} (JSON), or a table per workspace. */
static int
rvm_results(struct rvm *m)
{
	FILE *fp = m->cli->out.fp;
	size_t i, k = 0;
	int rc = 0;

	if (m->cli->o.format != CLI_FORMAT_JSON)
		return 0;
	fputs("{", fp);
	for (i = 0; i < m->n && rc == 0; i++) {
		if (!rvm_live(m, i))
			continue;
		fputs(k++ ? ",\n" : "\n", fp);
		rc = cli_output_json_key(fp, m->r[i].ws);
		if (rc == 0)
			rc = cli_output_results(fp, CLI_FORMAT_JSON, m->r[i].b, 0);
	}
	fputs("}\n", fp);
	return rc;
}

/* confirm → re-plan → journal → apply → report, for every part. */
static int
rvm_execute(struct rvm *m, const char *what)
{
	size_t i;
	int rc = 0, one;

	if (rvm_pending(m) > 0 && !m->cli->o.yes && !m->cli->o.dry_run)
		rvm_show_plan(m, what);
	for (i = 0; i < m->n; i++)
		if (rvm_live(m, i))
			rv_confirm_self(&m->r[i]);
	if (rvm_pending(m) > 0 && (rc = rvm_confirm(m)) != 0)
		return rc;
	for (i = 0; i < m->n && rc == 0; i++)
		if (rvm_live(m, i) && bulk_pending(m->r[i].b) > 0 && (rc = rv_replan(&m->r[i])) == 0)
			rc = rv_journal_start(&m->r[i]);
	if (rc != 0)
		return rc;
	for (i = 0; i < m->n; i++)
		if (rvm_live(m, i))
			rv_lines_decided(&m->r[i]);
	rvm_run(m);
	for (i = 0; i < m->n; i++) {
		if (!rvm_live(m, i))
			continue;
		if (bulk_journal(m->r[i].b) != NULL)
			cli_msg("workspace '%s': journal: %s", m->r[i].ws,
				journal_path(bulk_journal(m->r[i].b)));
		bulk_end(m->r[i].b);
		one = rv_report(&m->r[i]);
		rc = one > rc ? one : rc;
	}
	if (rvm_results(m) != 0)
		rc = cli_written(-1);
	return rc;
}

/* A new session over several workspaces. */
static int
rvm_new(struct rvm *m, char **ids, size_t nids)
{
	struct patrol_err err;
	size_t i;
	int rc;

	if (m->cli->o.format == CLI_FORMAT_CSV) {
		cli_msg("revoke: over several workspaces the results are a table or JSON (-o json)");
		return 2;
	}
	if (m->cli->o.filter != NULL) {
		status_clear(&err);
		if (token_filter_compile(m->cli->o.filter, &m->filter, &err) != PATROL_OK) {
			cli_msg("revoke: bad filter: %s", err.message);
			return 2;
		}
	}
	if ((rc = rvm_open(m, false)) != 0 || (rc = rvm_plan(m, ids, nids)) != 0)
		return rc;
	for (i = 0; i < m->n; i++)
		if (rvm_live(m, i) && bulk_count(m->r[i].b) > 0 && !m->cli->o.dry_run)
			rv_whoami(&m->r[i]);
	if (rvm_pending(m) == 0 && nids == 0) {
		cli_msg("revoke: nothing matches in any workspace: no token was revoked");
		return 0;
	}
	return rvm_execute(m, "About to revoke");
}

/* --resume with several profiles: each workspace's newest unfinished
 * session, all at once. */
static int
rvm_resume(struct rvm *m, int argc)
{
	char *path;
	size_t i, found = 0;
	int rc;

	if (argc > 1 || m->cli->o.filter != NULL || m->cli->o.from != NULL ||
	    m->cli->o.dry_run) {
		cli_msg("revoke: --resume over several workspaces takes no session, ids, filter "
			"or --dry-run (name a session with the one profile of its workspace)");
		return 2;
	}
	if ((rc = rvm_open(m, true)) != 0)
		return rc;
	for (i = 0; i < m->n && rc == 0; i++) {
		if (!rvm_live(m, i))
			continue;
		if ((rc = rv_find_session(&m->r[i], NULL, &path)) != 0)
			break;
		if (path == NULL) {
			cli_msg("workspace '%s': no unfinished session", m->r[i].ws);
			bulk_free(m->r[i].b);
			m->r[i].b = NULL;
			continue;
		}
		found++;
		if ((rc = rv_resume_load(&m->r[i], path, false)) == 0)
			bulk_guard_self(m->r[i].b, m->cli->o.include_self);
	}
	if (rc != 0 || found == 0)
		return rc;
	return rvm_execute(m, "Left to revoke:");
}

static void
rvm_free(struct rvm *m)
{
	size_t i;

	for (i = 0; m->r != NULL && i < m->n; i++) {
		m->r[i].filter = NULL;          /* m's */
		rv_free(&m->r[i]);
	}
	token_filter_free(m->filter);
	free(m->r);
	free(m->sub);
}

/* Several workspaces: a new session (resume_argc 0), or --resume. */
static int
rvm_main(struct cli *cli, char **ids, size_t nids, int resume_argc)
{
	struct rvm m;
	int rc;

	memset(&m, 0, sizeof m);
	m.cli = cli;
	rc = resume_argc > 0 ? rvm_resume(&m, resume_argc) : rvm_new(&m, ids, nids);
	rvm_free(&m);
	return rc;
}

int
cli_cmd_revoke(struct cli *cli, int argc, char **argv)
{
	struct rv r;
	char **ids = NULL;
	size_t nids = 0, cap = 0, i;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	r.args = argv + 1;
	r.nargs = argc > 1 ? (size_t)argc - 1 : 0;
	if ((r.b = bulk_new(cli->o.all)) == NULL) {
		cli_msg("revoke: out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	if (cli->o.resume) {
		rc = cli->o.many ? rvm_main(cli, NULL, 0, argc) : rv_resume(&r, argc, argv);
		rv_free(&r);
		return rc;
	}
	if (cli->o.from != NULL && (rc = cli_read_ids("revoke", cli->o.from, &ids, &nids)) != 0)
		return rc;
	cap = nids;
	for (i = 1; i < (size_t)argc && rc == 0; i++)
		if (ids_push(&ids, &nids, &cap, argv[i]) != 0)
			rc = status_exit_code(PATROL_NOMEM);
	if (rc == 0 && nids == 0 && cli->o.filter == NULL) {
		cli_msg("revoke: give token ids, --from FILE, --filter EXPR, or --resume");
		rc = 2;
	}
	if (rc == 0)
		rc = cli->o.many ? rvm_main(cli, ids, nids, 0) : rv_new(&r, ids, nids);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	rv_free(&r);
	return rc;
}
