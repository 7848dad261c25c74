/*
 * cli_pin.c: `patrol pin`: set tokens' scopes by hand before auto-scoping
 * decides, as one session that loses nothing (the bulk session of bulk.h,
 * kind pin).
 *
 * plan: each token (ids, prefixes, --from FILE, --filter EXPR, resolved
 * against a fresh list) gets its inferred ∪ backfill scopes plus every
 * --add, or exactly --scopes; a token with nothing inferred or backfilled
 * is skipped with the reason unless --scopes is given, and so is one that
 * already has exactly those scopes by hand. The token patrol uses is
 * skipped unless --include-self (a pin without authentication would cut
 * patrol off), and goes last. The plan shows each token's scopes before →
 * after. confirm: on /dev/tty, the typed count above ten; pins that would
 * add authentication (the token could mint tokens of any scope) ask for a
 * confirmation of their own, and without a terminal they go only when
 * authentication was named (--add or --scopes). re-plan: the list again,
 * just before applying. apply: concurrent PATCHes with
 * update_mask=scopes through the worker at the adaptive pace, an fsync'd
 * intent before each (journal kind "pin"). results: one line per token,
 * the summary, the journal path. --resume [SESSION] goes on after a kill:
 * an intent whose token already has its pinned scopes is done and never
 * sent again.
 *
 * Several workspaces (-p A -p B, --profiles, --all-profiles): a session a
 * workspace, run as one (cli_session_many): one plan grouped by workspace,
 * one confirm for the total, every part applied at once, each journaled on
 * its own; a 401 or 403 stops only that workspace's part, and --resume with
 * the same profiles finishes each part exactly once.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "bulk.h"
#include "cli.h"
#include "cli_session.h"
#include "duration.h"
#include "journal.h"
#include "sanitize.h"
#include "table.h"

#define PIN_SHOWN 20
#define PIN_SCOPES_MAX 4096

/* One run of the command. */
struct pin {
	struct cli *cli;
	struct bulk *b;
	struct token_table *tab;        /* the list the plan was made from */
	struct token_filter *filter;
	const char *exact[CLI_MAX_SCOPES]; /* --scopes, split */
	size_t nexact;
	char *exact_buf;
	char *user;                     /* SCIM userName, for the journal */
	struct cli_session_bar bar;     /* the progress on stderr */
	const char *ws;                 /* several workspaces: this one's name */
};

/* ---- the plan ------------------------------------------------------------------ */

/* Whether the scopes v[0..n) name authentication (or its read form). */
static bool
pin_has_auth(const char *const *v, size_t n)
{
	return autoscope_has(v, n, AUTOSCOPE_PRIVILEGED) ||
	    autoscope_has(v, n, AUTOSCOPE_PRIVILEGED ":read");
}

/* Plan t (listed, or NULL for an id no list has) under id (bulk_add_pin):
 * cli_session_plan's add. */
static int
pin_add(void *ctx, const char *id, const struct token_info *t)
{
	struct pin *p = ctx;
	const struct cli_opts *o = &p->cli->o;
	struct bulk_pin how = { o->add, o->nadd, p->exact, p->nexact, o->pin_scopes != NULL };

	if (bulk_add_pin(p->b, id, t, t != NULL ? token_flags(t, &p->cli->out.ctx) : 0,
			 cli_estate_self(p->cli, id), p->cli->out.ctx.now_ms,
			 &how) < 0) {
		cli_msg("pin: out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	return 0;
}

/* The row of the plan's list for item it, or NULL. */
static const struct token_info *
pin_row(const struct pin *p, const struct bulk_item *it)
{
	long row = p->tab != NULL ? token_find(p->tab, it->t.id) : -1;

	return row >= 0 ? &p->tab->rows[row] : NULL;
}

/* ---- the plan, on stderr ------------------------------------------------------- */

enum { PLAN_MARK, PLAN_ID, PLAN_OWNER, PLAN_COMMENT, PLAN_BEFORE, PLAN_AFTER, PLAN_NCOLS };
static const struct table_col plan_cols[PLAN_NCOLS] = {
	[PLAN_MARK] = { .header = " " },
	[PLAN_ID] = { .header = "ID" },
	[PLAN_OWNER] = { .header = "OWNER", .min = 12, .flex = true, .drop = 2 },
	[PLAN_COMMENT] = { .header = "COMMENT", .min = 12, .flex = true, .drop = 1 },
	[PLAN_BEFORE] = { .header = "BEFORE", .min = 10, .flex = true },
	[PLAN_AFTER] = { .header = "AFTER", .min = 12, .flex = true },
};

static void
plan_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct bulk_item *it = *(const struct bulk_item *const *)row;
	const struct token_info *t = pin_row(ctx, it);
	struct autoscope_access a = { false, (const char *const *)it->t.scopes, it->t.nscopes };

	switch (col) {
	case PLAN_MARK:
		snprintf(out, n, "%s", it->self ? "S" : t != NULL && bulk_pin_adds_auth(t, it) ?
			 "A" : "");
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
	case PLAN_BEFORE:
		if (t != NULL)
			token_scopes_format(t, out, n);
		else
			snprintf(out, n, "?");
		break;
	default:
		autoscope_access_format(&a, out, n);
		break;
	}
}

/* The first PIN_SHOWN pending items, then the count of the rest. */
static void
pin_show_plan(const struct pin *p, FILE *fp)
{
	const struct bulk_item *shown[PIN_SHOWN];
	struct table t = { plan_cols, PLAN_NCOLS, 0, plan_cell, p, shown, sizeof shown[0],
			   NULL, 0 };
	struct table_out to = { fp, table_terminal_width(fileno(fp)), false, 0 };
	size_t i, pending = bulk_pending(p->b);

	for (i = 0; i < bulk_count(p->b) && t.nrows < PIN_SHOWN; i++)
		if (bulk_item(p->b, i)->result == JOURNAL_PENDING)
			shown[t.nrows++] = bulk_item(p->b, i);
	if (!bulk_admin(p->b))
		t.hidden = 1ul << PLAN_OWNER;
	table_print(&to, &t);
	if (pending > t.nrows)
		fprintf(fp, "   … and %zu more (add --dry-run -o %s to list them all)\n",
			pending - t.nrows, p->ws != NULL ? "json" : "csv");
	if (bulk_self_index(p->b) >= 0)
		fprintf(fp, "warning: the plan holds the token patrol is using (marked S): "
			"it is pinned last, after its own confirmation\n");
}

/* ---- confirmations ------------------------------------------------------------- */

static const struct cli_session_words pin_words = {
	"pin", "set the scopes of", "set their scopes", "change",
};

/* Pins that add authentication go only with their own confirmation: on a
 * terminal typed, without one (or with --yes) only when the user named
 * authentication. The others are skipped, saying why; a dry run skips what
 * the real run would, and where the real run would ask, says so. */
static void
pin_confirm_auth(struct pin *p)
{
	const struct cli_opts *o = &p->cli->o;
	bool named = pin_has_auth(o->add, o->nadd) || pin_has_auth(p->exact, p->nexact);
	size_t i, n = 0;
	int ok = 0;

	for (i = 0; i < bulk_count(p->b); i++) {
		const struct bulk_item *it = bulk_item(p->b, i);
		const struct token_info *t = pin_row(p, it);
		n += it->result == JOURNAL_PENDING && t != NULL && bulk_pin_adds_auth(t, it);
	}
	if (n == 0)
		return;
	if (!o->yes && o->dry_run && cli_can_confirm()) {   /* the real run asks */
		cli_msg("note: %zu token%s would gain authentication: the real run asks you to "
			"type authentication to allow it", n, n == 1 ? "" : "s");
		return;
	}
	if (!o->yes)
		ok = o->dry_run ? -1 :    /* no terminal: as the real run would find it */
		     cli_confirm("Pinning adds authentication to tokens marked A: they could mint "
				 "new tokens with any scope. Type authentication to allow it:",
				 "authentication");
	if (ok == 1 || (ok != 0 && named) || (o->yes && named))
		return;
	for (i = 0; i < bulk_count(p->b); i++) {
		const struct bulk_item *it = bulk_item(p->b, i);
		const struct token_info *t = pin_row(p, it);
		if (it->result == JOURNAL_PENDING && t != NULL && bulk_pin_adds_auth(t, it))
			bulk_decide(p->b, i, JOURNAL_SKIPPED, PATROL_OK, "kept: it would gain "
				    "authentication, which was not confirmed (name it with --add "
				    "authentication, or confirm on a terminal)");
	}
}

/* The token patrol uses: without --yes, its own typed confirmation. */
static void
pin_confirm_self(struct pin *p)
{
	if (bulk_self_index(p->b) < 0 || !p->cli->o.include_self || p->cli->o.yes ||
	    p->cli->o.dry_run)
		return;
	if (cli_confirm("This also sets the scopes of the token patrol is using: without "
			"authentication patrol can no longer manage tokens with it. Type self to "
			"pin it too:", "self") != 1)
		while (bulk_self_index(p->b) >= 0)        /* every credential of it */
			bulk_keep_self(p->b);
}

/* Fetch again just before applying: tokens gone since are not sent. */
static int
pin_replan(struct pin *p)
{
	struct token_table *fresh = NULL;
	struct bulk_replan d;
	int rc;

	if ((rc = cli_fetch_tokens(p->cli, bulk_admin(p->b), NULL, &fresh)) != 0)
		return p->ws != NULL ? CLI_SESSION_UNLISTED : rc;    /* a part: the others go on */
	p->cli->out.ctx.now_ms = duration_now_ms();
	bulk_replan(p->b, fresh, &p->cli->out.ctx, NULL, &d);
	api_table_free(fresh);
	if (d.vanished == 0)
		return 0;
	fprintf(stderr, "Changed since the plan: %zu no longer exist (not sent)\n", d.vanished);
	return bulk_pending(p->b) == 0 ? 0 : cli_session_confirm(p->cli, p->b, &pin_words, "The plan changed");
}

/* ---- apply --------------------------------------------------------------------- */

/* One result line (table output): label, id, comment, the scopes set or why not. */
static void
pin_line(struct pin *p, const struct bulk_item *it)
{
	struct autoscope_access a = { false, (const char *const *)it->t.scopes, it->t.nscopes };
	char comment[256], id[512], scopes[PIN_SCOPES_MAX], *msg = NULL;

	if (p->cli->o.format != CLI_FORMAT_TABLE)
		return;
	cli_session_bar_clear(&p->bar);
	sanitize_cell(it->t.comment ? it->t.comment : "", 40, 0, 0, comment, sizeof comment);
	sanitize_cell(it->t.id, 0, 0, 0, id, sizeof id);
	autoscope_access_format(&a, scopes, sizeof scopes);
	if (p->ws != NULL)
		fprintf(p->cli->out.fp, "%-10s  ", p->ws);
	if (journal_result_fails(it->result) || it->result == JOURNAL_SKIPPED ||
	    it->result == JOURNAL_GONE)
		msg = sanitize(it->err.message[0] ? it->err.message : status_message(it->err.status),
			       200, 0);
	else
		msg = sanitize(scopes, 200, 0);
	fprintf(p->cli->out.fp, "%-13s  %s  %s%s%s\n", journal_kind_label(JOURNAL_KIND_PIN,
		it->result), id, comment, comment[0] ? "  " : "", msg ? msg : "");
	free(msg);
	fflush(p->cli->out.fp);
}

static void
pin_line_of(const struct bulk_item *it, void *p)
{
	pin_line(p, it);
}

/* A signal stops the run after the requests in flight; Ctrl-C ends the
 * session "stopped", a hang-up or SIGTERM leaves it for a plain --resume. */
static void
pin_stop(struct pin *p, int sig)
{
	if (sig != SIGINT)
		bulk_interrupt(p->b);
	bulk_stop(p->b, p->cli->w);
	cli_session_bar_clear(&p->bar);
	/* Ctrl-C: the session ends stopped, named by the hint after the run */
	cli_msg("pin: stopping after the requests in flight; the rest are not sent%s",
		bulk_journal(p->b) != NULL && sig != SIGINT ?
		": patrol pin --resume goes on with them" : "");
}

/* pin_stop as cli_session_run's stop. */
static void
pin_stop_of(void *p, int sig)
{
	pin_stop(p, sig);
}

/* confirm → re-plan → journal → apply → report. */
static int
pin_execute(struct pin *p, const char *what)
{
	char session[128] = "";
	int rc;

	if (bulk_pending(p->b) > 0 && !p->cli->o.yes && !p->cli->o.dry_run) {
		fprintf(stderr, "%s %zu token%s on %s:\n", what, bulk_pending(p->b),
			bulk_pending(p->b) == 1 ? "" : "s", p->cli->cfg.host);
		pin_show_plan(p, stderr);
	}
	pin_confirm_self(p);
	pin_confirm_auth(p);
	if ((rc = cli_session_confirm(p->cli, p->b, &pin_words, "Pin")) != 0 || (rc = pin_replan(p)) != 0 ||
	    (rc = cli_session_journal(p->cli, p->b, p->user, "pin", "changed")) != 0)
		return rc;
	cli_session_bar_start(&p->bar, p->cli);
	cli_session_lines_decided(p->b, pin_line_of, p);
	if (bulk_pending(p->b) > 0) {
		struct cli_session_run run = { &p->bar, "pin", pin_line_of, pin_stop_of, p };
		cli_session_run(p->cli, p->b, &run);
	}
	if (bulk_journal(p->b) != NULL) {
		cli_msg("journal: %s", journal_path(bulk_journal(p->b)));
		snprintf(session, sizeof session, "%s", journal_session_id(bulk_journal(p->b)));
	}
	bulk_end(p->b);
	rc = cli_session_report(p->cli, p->b);
	if (!bulk_interrupted(p->b))   /* cut off: a plain --resume, said */
		cli_session_retry_hint(p->cli, p->b, "pin", session, NULL);
	return rc;
}

/* ---- new sessions and resumed ones --------------------------------------------- */

/* Split --scopes "a,b" into p->exact. 0 or 2 (said). */
static int
pin_split_scopes(struct pin *p)
{
	char *save = NULL, *tok;

	if (p->cli->o.pin_scopes == NULL)
		return 0;
	if ((p->exact_buf = strdup(p->cli->o.pin_scopes)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (tok = strtok_r(p->exact_buf, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (p->nexact == CLI_MAX_SCOPES) {
			cli_msg("pin: --scopes names too many scopes (at most %d)", CLI_MAX_SCOPES);
			return 2;
		}
		p->exact[p->nexact++] = tok;
	}
	if (p->nexact == 0) {
		cli_msg("pin: --scopes needs at least one scope (sql, jobs, ...): a token with "
			"none would have every API");
		return 2;
	}
	return 0;
}

/* --filter and --scopes, read. 0 or 2 (said). */
static int
pin_options(struct pin *p)
{
	struct patrol_err err;

	status_clear(&err);
	if (p->cli->o.filter != NULL &&
	    token_filter_compile(p->cli->o.filter, &p->filter, &err) != PATROL_OK) {
		cli_msg("pin: bad filter: %s", err.message);
		return 2;
	}
	return pin_split_scopes(p);
}

static int
pin_new(struct pin *p, char **ids, size_t nids)
{
	int rc;

	if ((rc = pin_options(p)) != 0 || (rc = cli_connect(p->cli)) != 0 ||
	    (rc = cli_fetch_tokens(p->cli, p->cli->o.all, NULL, &p->tab)) != 0)
		return rc;
	cli_filter_context(p->cli, p->filter);
	if ((rc = cli_session_plan(p->cli, p->tab, ids, nids, p->filter, pin_add, p)) != 0)
		return rc;
	if (p->cli->o.filter != NULL && bulk_set_filter(p->b, p->cli->o.filter) != 0)
		return status_exit_code(PATROL_NOMEM);
	bulk_guard_self(p->b, p->cli->o.include_self);
	if (bulk_count(p->b) == 0) {
		cli_msg("pin: nothing matches: no token was changed");
		return cli_session_results(p->cli, p->b);
	}
	if (!p->cli->o.dry_run)
		p->user = cli_session_user(p->cli);
	return pin_execute(p, "About to pin");
}

static int
pin_resume(struct pin *p, int argc, char **argv)
{
	char *path = NULL;
	int rc;

	if (argc > 2 || p->cli->o.filter != NULL || p->cli->o.from != NULL || p->cli->o.dry_run) {
		cli_msg("pin: --resume takes at most one session id, and no ids, filter or --dry-run");
		return 2;
	}
	if ((rc = cli_connect(p->cli)) != 0 ||
	    (rc = cli_session_find(p->cli, "pin", JOURNAL_KIND_PIN, argc == 2 ? argv[1] : NULL,
				   &path)) != 0)
		return rc;
	if (path == NULL) {
		cli_session_none_unfinished(p->cli, "pin", JOURNAL_KIND_PIN, NULL);
		return cli_session_results(p->cli, p->b);
	}
	if ((rc = cli_session_resume(p->cli, p->b, "pin", path, argc == 2, &p->tab, NULL)) != 0)
		return rc;
	return pin_execute(p, "Left to pin:");
}

/* ---- several workspaces: a session each, run as one ----------------------------- */

static void
pin_show_plan_of(void *p, FILE *fp)
{
	pin_show_plan(p, fp);
}

/* A part's own questions: the token patrol uses, then authentication. */
static void
pin_confirm_own(void *p)
{
	pin_confirm_self(p);
	pin_confirm_auth(p);
}

static int
pin_replan_of(void *p)
{
	return pin_replan(p);
}

static const struct cli_session_ops pin_many_ops = {
	&pin_words, JOURNAL_KIND_PIN, "changed", pin_add, pin_line_of, pin_show_plan_of,
	pin_confirm_own, pin_replan_of,
};

/* Each live part's state: the run's options (shared's), the part's cli,
 * session and list. */
static void
pin_parts(struct cli_session_many *m, const struct pin *shared, struct pin *pins)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->p[i].b == NULL)
			continue;
		pins[i] = *shared;              /* --scopes and --filter: shared's */
		pins[i].cli = &m->p[i].sub;
		pins[i].b = m->p[i].b;
		pins[i].tab = m->p[i].tab;
		pins[i].ws = m->p[i].ws;
		pins[i].user = NULL;            /* the part's */
		pins[i].exact_buf = NULL;
		m->p[i].ctx = &pins[i];
	}
}

/* A new session over several workspaces, planned. */
static int
pin_many_new(struct cli_session_many *m, struct pin *shared, struct pin *pins, char **ids,
	     size_t nids)
{
	size_t planned;
	int rc;

	pin_parts(m, shared, pins);
	if ((rc = cli_session_many_plan(m, ids, nids, &planned)) != 0)
		return rc;
	if (planned == 0) {
		cli_session_many_nothing(m, "no token was changed");
		return cli_session_many_results(m);
	}
	return cli_session_many_execute(m, "About to pin");
}

/* --resume with several profiles: each workspace's newest unfinished pin
 * session, all at once. */
static int
pin_many_resume(struct cli_session_many *m, struct pin *shared, struct pin *pins)
{
	size_t found;
	int rc;

	if ((rc = cli_session_many_resume(m, &found)) != 0)
		return rc;
	if (found == 0)
		return cli_session_many_results(m);
	pin_parts(m, shared, pins);
	return cli_session_many_execute(m, "Left to pin:");
}

/* Several workspaces: a new session, or --resume (argc: the command's). */
static int
pin_many(struct pin *shared, char **ids, size_t nids, int argc)
{
	struct cli *cli = shared->cli;
	struct cli_session_many m = { cli, &pin_many_ops, NULL, NULL, 0 };
	struct pin *pins = NULL;
	int rc;

	if ((rc = cli_session_many_refuse(cli, "pin", cli->o.resume ? argc : 0)) != 0)
		return rc;
	if (!cli->o.resume && (rc = pin_options(shared)) != 0)
		return rc;
	m.filter = shared->filter;
	if ((rc = cli_session_many_open(&m, cli->o.resume)) == 0 &&
	    (pins = calloc(m.n ? m.n : 1, sizeof *pins)) == NULL)
		rc = status_exit_code(PATROL_NOMEM);
	if (rc == 0)
		rc = cli->o.resume ? pin_many_resume(&m, shared, pins) :
		     pin_many_new(&m, shared, pins, ids, nids);
	cli_session_many_free(&m);
	free(pins);
	return rc;
}

/* The ids of the command line and --from. 0 or an exit code. */
static int
pin_ids(struct cli *cli, int argc, char **argv, char ***ids, size_t *n)
{
	char **v;
	int i, rc;

	if (cli->o.from != NULL && (rc = cli_read_ids("pin", cli->o.from, ids, n)) != 0)
		return rc;
	if (argc <= 1)
		return 0;
	if ((v = realloc(*ids, (*n + (size_t)argc) * sizeof *v)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	*ids = v;
	for (i = 1; i < argc; i++)
		if ((v[*n] = strdup(argv[i])) == NULL)
			return status_exit_code(PATROL_NOMEM);
		else
			(*n)++;
	return 0;
}

int
cli_cmd_pin(struct cli *cli, int argc, char **argv)
{
	struct pin p;
	char **ids = NULL;
	size_t nids = 0, i;
	int rc;

	memset(&p, 0, sizeof p);
	p.cli = cli;
	if ((p.b = bulk_new(cli->o.all)) == NULL) {
		cli_msg("pin: out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	bulk_set_kind(p.b, JOURNAL_KIND_PIN);
	if (cli->o.resume)
		rc = cli->o.many ? pin_many(&p, NULL, 0, argc) : pin_resume(&p, argc, argv);
	else if ((rc = pin_ids(cli, argc, argv, &ids, &nids)) == 0 && nids == 0 &&
		 cli->o.filter == NULL) {
		cli_msg("pin: give token ids, --from FILE, --filter EXPR, or --resume");
		rc = 2;
	} else if (rc == 0)
		rc = cli->o.many ? pin_many(&p, ids, nids, argc) : pin_new(&p, ids, nids);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	bulk_free(p.b);
	api_table_free(p.tab);
	token_filter_free(p.filter);
	free(p.exact_buf);
	free(p.user);
	return rc;
}
