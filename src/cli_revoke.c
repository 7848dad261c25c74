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
 *
 * What a session does besides revoking (plan ids and a filter, signals,
 * progress, confirm, run, results, journal, resume, several workspaces) is
 * cli_session.c's, shared with pin; this file says what revoke does its
 * own way: the plan's table and warnings, the re-plan, the token in use.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "bulk.h"
#include "cli.h"
#include "cli_session.h"
#include "duration.h"
#include "journal.h"
#include "sanitize.h"
#include "table.h"

#define PLAN_SHOWN 20

/* One run of the command. */
struct rv {
	struct cli *cli;
	struct bulk *b;
	struct token_table *tab;        /* the list the plan was made from */
	struct token_filter *filter;    /* --filter, compiled */
	char *user;                     /* SCIM userName, for the journal */
	char **args;                    /* the ids given as arguments */
	size_t nargs;
	struct cli_session_bar bar;     /* the progress on stderr */
	const char *ws;                 /* several workspaces: this one's name */
};

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
		char *w = line;

		if (lineno++ == 0 && strncmp(w, "\xef\xbb\xbf", 3) == 0)
			w += 3;           /* a byte-order mark, as editors on Windows write */
		w += strspn(w, " \t");
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

	if (bulk_add(r->b, id, t, flags, cli_estate_self(r->cli, id), r->cli->out.ctx.now_ms) < 0) {
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

/* Plan id (t: its listed row, or NULL when no list has it):
 * cli_session_plan's add. An id no list has is decided at once. */
static int
rv_add_of(void *ctx, const char *id, const struct token_info *t)
{
	struct rv *r = ctx;
	size_t before = bulk_count(r->b);
	int rc = rv_add(r, id, t);

	if (rc == 0 && t == NULL && bulk_count(r->b) > before)
		rv_decide_unlisted(r, id);
	return rc;
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
		rc |= buf_addstr(b, " -p") | buf_add_shell_word(b, o->profile);
	if (o->host != NULL)
		rc |= buf_addstr(b, " --host") | buf_add_shell_word(b, o->host);
	if (o->ca_file != NULL)
		rc |= buf_addstr(b, " --ca-file") | buf_add_shell_word(b, o->ca_file);
	if (o->resume)
		return rc | buf_addstr(b, " journal") |
			buf_add_shell_word(b, journal_session_id(bulk_journal(r->b))) | buf_addstr(b, " -o csv");
	rc |= buf_addstr(b, " revoke");
	if (bulk_admin(r->b))
		rc |= buf_addstr(b, " --all");
	if (o->filter != NULL)
		rc |= buf_addstr(b, " --filter") | buf_add_shell_word(b, o->filter);
	if (o->from != NULL)
		rc |= buf_addstr(b, " --from") | buf_add_shell_word(b, o->from);
	if (o->include_self)
		rc |= buf_addstr(b, " --include-self");
	for (i = 0; i < r->nargs; i++)
		rc |= buf_add_shell_word(b, r->args[i]);
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

static const struct cli_session_words rv_words = {
	"revoke", "revoke", "revoke them", "revoke",
};

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
	while (ok != 1 && bulk_self_index(r->b) >= 0)    /* every credential of it */
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
		return r->ws != NULL ? CLI_SESSION_UNLISTED : rc;    /* a part: the others go on */
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
	return cli_session_confirm(r->cli, r->b, &rv_words, "The plan changed");
}

/* ---- apply ------------------------------------------------------------------ */

static void
rv_line(struct rv *r, const struct bulk_item *it)
{
	char comment[256], id[512], *msg;

	if (r->cli->o.format != CLI_FORMAT_TABLE)
		return;
	cli_session_bar_clear(&r->bar);
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
	cli_session_bar_clear(&r->bar);
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

/* rv_stop as cli_session_run's stop. */
static void
rv_stop_of(void *r, int sig)
{
	rv_stop(r, sig);
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
static int
rv_execute(struct rv *r, const char *what)
{
	struct cli_session_run run = { &r->bar, "revoke", rv_line_of, rv_stop_of, r };
	char session[128] = "";
	int rc;

	if (bulk_pending(r->b) == 0) {
		cli_session_lines_decided(r->b, rv_line_of, r);
		cli_msg("revoke: nothing to revoke%s", rv_self_kept(r) ?
			": the token patrol is using is kept (add --include-self to revoke it)" : "");
		bulk_end(r->b);      /* a resumed session with nothing left is done */
		return cli_session_report(r->cli, r->b);
	}
	if (!r->cli->o.yes && !r->cli->o.dry_run) {
		fprintf(stderr, "%s %zu token%s on %s:\n", what, bulk_pending(r->b),
			bulk_pending(r->b) == 1 ? "" : "s", r->cli->cfg.host);
		rv_show_plan(r, stderr);
	}
	rv_confirm_self(r);
	if ((rc = cli_session_confirm(r->cli, r->b, &rv_words, "Revoke")) != 0 ||
	    (rc = rv_replan(r)) != 0 ||
	    (rc = cli_session_journal(r->cli, r->b, r->user, "revoke", "revoked")) != 0)
		return rc;
	cli_session_bar_start(&r->bar, r->cli);
	cli_session_lines_decided(r->b, rv_line_of, r);
	cli_session_run(r->cli, r->b, &run);
	if (bulk_journal(r->b) != NULL) {
		cli_msg("journal: %s", journal_path(bulk_journal(r->b)));
		snprintf(session, sizeof session, "%s", journal_session_id(bulk_journal(r->b)));
	}
	bulk_end(r->b);
	rc = cli_session_report(r->cli, r->b);
	if (!bulk_stopping(r->b))      /* a signal's message said how to go on */
		cli_session_retry_hint(r->cli, r->b, "revoke", session, NULL);
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
	if ((rc = cli_session_plan(r->cli, r->tab, ids, nids, r->filter, rv_add_of, r)) != 0)
		return rc;
	if (r->cli->o.filter != NULL && bulk_set_filter(r->b, r->cli->o.filter) != 0)
		return status_exit_code(PATROL_NOMEM);
	bulk_guard_self(r->b, r->cli->o.include_self);
	if (bulk_count(r->b) == 0) {
		cli_msg("revoke: nothing matches: no token was revoked");
		return cli_session_results(r->cli, r->b);
	}
	if (!r->cli->o.dry_run)
		r->user = cli_session_user(r->cli);
	return rv_execute(r, "About to revoke");
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
	    (rc = cli_session_find(r->cli, "revoke", JOURNAL_KIND_REVOKE,
				   argc == 2 ? argv[1] : NULL, &path)) != 0)
		return rc;
	if (path == NULL) {
		cli_session_none_unfinished(r->cli, "revoke", JOURNAL_KIND_REVOKE, NULL);
		return cli_session_results(r->cli, r->b);
	}
	if ((rc = cli_session_resume(r->cli, r->b, "revoke", path, argc == 2, &r->tab, NULL)) != 0)
		return rc;
	return rv_execute(r, "Left to revoke:");
}

/* ---- several workspaces: a session each, run as one ------------------------ */

static void
rv_show_plan_of(void *r, FILE *fp)
{
	rv_show_plan(r, fp);
}

static void
rv_confirm_self_of(void *r)
{
	rv_confirm_self(r);
}

static int
rv_replan_of(void *r)
{
	return rv_replan(r);
}

static const struct cli_session_ops rv_many_ops = {
	&rv_words, JOURNAL_KIND_REVOKE, "revoked", rv_add_of, rv_line_of, rv_show_plan_of,
	rv_confirm_self_of, rv_replan_of,
};

/* Each live part's state: its cli, session and list, the run's filter. */
static void
rv_parts(struct cli_session_many *m, struct token_filter *filter, struct rv *rs)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->p[i].b == NULL)
			continue;
		rs[i].cli = &m->p[i].sub;
		rs[i].b = m->p[i].b;
		rs[i].tab = m->p[i].tab;
		rs[i].filter = filter;
		rs[i].ws = m->p[i].ws;
		m->p[i].ctx = &rs[i];
	}
}

/* Nothing to revoke in any workspace: say where the filter matched only
 * the token patrol is using (kept without --include-self), as one
 * workspace alone does, or that nothing matched. */
static void
rv_many_nothing(const struct cli_session_many *m, const struct rv *rs)
{
	size_t i, kept = 0;

	for (i = 0; i < m->n; i++) {
		if (rs[i].b == NULL || !rv_self_kept(&rs[i]))
			continue;
		cli_msg("revoke: workspace '%s': nothing to revoke: the token patrol is using is "
			"kept (add --include-self to revoke it)", m->p[i].ws);
		kept++;
	}
	if (kept == 0)
		cli_session_many_nothing(m, "no token was revoked");
}

/* A new session over several workspaces. */
static int
rv_many_new(struct cli_session_many *m, struct token_filter *filter, struct rv *rs, char **ids,
	    size_t nids)
{
	size_t planned;
	int rc;

	rv_parts(m, filter, rs);
	if ((rc = cli_session_many_plan(m, ids, nids, &planned)) != 0)
		return rc;
	if (cli_session_many_pending(m) == 0 && nids == 0) {
		rv_many_nothing(m, rs);
		return cli_session_many_results(m);
	}
	return cli_session_many_execute(m, "About to revoke");
}

/* --resume with several profiles: each workspace's newest unfinished
 * session, all at once. */
static int
rv_many_resume(struct cli_session_many *m, struct rv *rs)
{
	size_t found;
	int rc;

	if ((rc = cli_session_many_resume(m, &found)) != 0)
		return rc;
	if (found == 0)
		return cli_session_many_results(m);
	rv_parts(m, NULL, rs);
	return cli_session_many_execute(m, "Left to revoke:");
}

/* Several workspaces: a new session (resume_argc 0), or --resume. */
static int
rv_many(struct cli *cli, char **ids, size_t nids, int resume_argc)
{
	struct cli_session_many m = { cli, &rv_many_ops, NULL, NULL, 0 };
	struct token_filter *filter = NULL;
	struct patrol_err err;
	struct rv *rs = NULL;
	int rc;

	if ((rc = cli_session_many_refuse(cli, "revoke", resume_argc)) != 0)
		return rc;
	status_clear(&err);
	if (resume_argc == 0 && cli->o.filter != NULL &&
	    token_filter_compile(cli->o.filter, &filter, &err) != PATROL_OK) {
		cli_msg("revoke: bad filter: %s", err.message);
		return 2;
	}
	m.filter = filter;
	if ((rc = cli_session_many_open(&m, resume_argc > 0)) == 0 &&
	    (rs = calloc(m.n ? m.n : 1, sizeof *rs)) == NULL)
		rc = status_exit_code(PATROL_NOMEM);
	if (rc == 0)
		rc = resume_argc > 0 ? rv_many_resume(&m, rs) : rv_many_new(&m, filter, rs, ids, nids);
	cli_session_many_free(&m);
	free(rs);
	token_filter_free(filter);
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
		rc = cli->o.many ? rv_many(cli, NULL, 0, argc) : rv_resume(&r, argc, argv);
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
		rc = cli->o.many ? rv_many(cli, ids, nids, 0) : rv_new(&r, ids, nids);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	rv_free(&r);
	return rc;
}
