/*
 * cli_session.c: what `patrol revoke` and `patrol pin` share around their
 * bulk session (cli_session.h), over one workspace or several.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "cli_session.h"
#include "duration.h"
#include "estate.h"
#include "journal.h"

#define CLI_SESSION_BAR_WIDTH 24
#define CLI_SESSION_BAR_EVERY_MS 200
#define CLI_SESSION_LOG_EVERY_MS 5000   /* no terminal: a progress line this often */

/* ---- the plan -------------------------------------------------------------- */

/* The given ids, resolved through an index (a file of 100,000 ids against
 * a list of as many). */
static int
cli_session_plan_ids(const struct token_table *tab, char **ids, size_t n,
		     cli_session_add_fn add, void *ctx)
{
	char full[TOKEN_ID_LEN + 1];
	size_t *byid, i;
	int rc = 0;

	if (n == 0)
		return 0;
	if ((byid = token_index_by_id(tab)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < n && rc == 0; i++) {
		long row = token_find_indexed(tab, byid, ids[i], false);
		const struct token_info *t = row >= 0 ? &tab->rows[row] : NULL;
		if (row == -2) {
			cli_find_token(tab, ids[i]);       /* says why */
			rc = 2;
		} else
			rc = add(ctx, t != NULL ? token_id_hex(t, full) : ids[i], t);
	}
	free(byid);
	return rc;
}

int
cli_session_plan(struct cli *cli, const struct token_table *tab, char **ids, size_t n,
		 const struct token_filter *filter, cli_session_add_fn add, void *ctx)
{
	char id[TOKEN_ID_LEN + 1];
	size_t *idx, k, i;
	int rc;

	if ((rc = cli_session_plan_ids(tab, ids, n, add, ctx)) != 0 || filter == NULL)
		return rc;
	if ((idx = malloc((tab->n ? tab->n : 1) * sizeof *idx)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	k = token_filter_apply(filter, tab, &cli->out.ctx, idx);
	for (i = 0; i < k && rc == 0; i++)
		rc = add(ctx, token_id_hex(&tab->rows[idx[i]], id), &tab->rows[idx[i]]);
	free(idx);
	return rc;
}

/* ---- signals ---------------------------------------------------------------- */

static volatile sig_atomic_t cli_session_signalled;

static void
cli_session_on_signal(int sig)
{
	cli_session_signalled = sig;
}

void
cli_session_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (on)
		cli_session_signalled = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? cli_session_on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

int
cli_session_signal(void)
{
	return cli_session_signalled;
}

/* ---- progress ------------------------------------------------------------------ */

void
cli_session_bar_start(struct cli_session_bar *p, const struct cli *cli)
{
	p->bar = isatty(STDERR_FILENO) && cli->o.format == CLI_FORMAT_TABLE;
	p->log = !isatty(STDERR_FILENO);
	p->shown = false;
	p->ms = p->bar ? 0 : duration_mono_ms();
}

void
cli_session_bar_clear(struct cli_session_bar *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		p->shown = false;
	}
}

void
cli_session_bar(struct cli_session_bar *p, const struct bulk *b, struct worker *w,
		const char *cmd, bool force)
{
	char line[256];
	int64_t now = duration_mono_ms();

	if (!p->bar) {
		if (!p->log || now - p->ms < CLI_SESSION_LOG_EVERY_MS)
			return;
		p->ms = now;
		bulk_progress_line(b, w, 0, line, sizeof line);
		cli_msg("%s: %s", cmd, line);
		return;
	}
	if (!force && now - p->ms < CLI_SESSION_BAR_EVERY_MS)
		return;
	p->ms = now;
	bulk_progress_line(b, w, CLI_SESSION_BAR_WIDTH, line, sizeof line);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	p->shown = true;
}

/* ---- confirm, run, report ----------------------------------------------------------- */

/* Ask for n tokens on the terminal, the count typed over
 * BULK_CONFIRM_TYPED_OVER. 0 to go on, 1 declined, 2 no terminal (said). */
static int
cli_session_ask(size_t n, const struct cli_session_words *w, const char *what)
{
	char prompt[256], want[32];
	int ok;

	if (n > BULK_CONFIRM_TYPED_OVER) {
		snprintf(want, sizeof want, "%zu", n);
		snprintf(prompt, sizeof prompt, "%s: type the number of tokens (%zu) to %s:", what,
			 n, w->typed);
	} else {
		snprintf(want, sizeof want, "yes");
		snprintf(prompt, sizeof prompt, "%s: %s %zu token%s? Type yes:", what, w->ask, n,
			 n == 1 ? "" : "s");
	}
	ok = cli_confirm(prompt, want);
	if (ok < 0)
		cli_msg("%s: refusing to %s %zu tokens without confirmation: run it on a terminal "
			"or pass --yes", w->cmd, w->refuse, n);
	return ok == 1 ? 0 : ok < 0 ? 2 : 1;
}

int
cli_session_confirm(struct cli *cli, const struct bulk *b, const struct cli_session_words *w,
		    const char *what)
{
	size_t n = bulk_pending(b);

	if (cli->o.yes || cli->o.dry_run || n == 0)
		return 0;
	return cli_session_ask(n, w, what);
}

void
cli_session_run(struct cli *cli, struct bulk *b, const struct cli_session_run *run)
{
	struct worker *w = cli->w;
	bool told = false;
	struct call *c;
	long i;

	cli_session_signals(true);
	for (;;) {
		if (!bulk_running(b) && (bulk_stopping(b) || bulk_submit(b, w) == 0))
			break;
		cli_session_bar(run->bar, b, w, run->cmd, false);
		c = worker_wait(w, CLI_SESSION_BAR_EVERY_MS);
		if (cli_session_signal() && !bulk_stopping(b))
			run->stop(run->ctx, cli_session_signal());
		if (c != NULL && (i = bulk_finish(b, c)) >= 0) {
			run->line(bulk_item(b, (size_t)i), run->ctx);
			if (bulk_stopped_auth(b) && !told) {
				told = true;
				cli_session_bar_clear(run->bar);
				cli_msg("%s: stopping: the workspace refused patrol's credentials "
					"(HTTP %ld): nothing more of this batch is sent", run->cmd,
					bulk_item(b, (size_t)i)->err.http_status);
			}
		} else if (c != NULL)
			call_free(c);
	}
	cli_session_signals(false);
	cli_session_bar_clear(run->bar);
	/* whatever was never sent (stopped, or self after a stop) */
	bulk_mark_unsent(b, run->line, run->ctx);
}

void
cli_session_lines_decided(const struct bulk *b,
			  void (*line)(const struct bulk_item *it, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < bulk_count(b); i++)
		if (bulk_item(b, i)->result != JOURNAL_PENDING && !bulk_item(b, i)->earlier &&
		    !bulk_item(b, i)->inflight)
			line(bulk_item(b, i), ctx);
}

/* The summary on stderr (ws: the workspace's name starts it, or NULL).
 * The exit code: 3 after a 401/403, 1 when any failed, else 0. */
static int
cli_session_summary(const struct cli *cli, const struct bulk *b, const char *ws)
{
	const char *done = journal_kind_label(bulk_kind(b), JOURNAL_REVOKED);
	size_t k[JOURNAL_RESULT_COUNT], i;
	int rc = 0;

	for (i = 0; i < JOURNAL_RESULT_COUNT; i++)
		k[i] = bulk_results(b, (enum journal_result)i);
	for (i = 0; i < bulk_count(b); i++)
		if (journal_result_fails(bulk_item(b, i)->result))
			rc = 1;
	if (ws != NULL)
		fprintf(stderr, "workspace '%s': ", ws);
	if (cli->o.dry_run)
		fprintf(stderr, "%zu would be %s, %zu skipped, %zu already gone "
			"(dry run: nothing was sent)\n", k[JOURNAL_WOULD], done, k[JOURNAL_SKIPPED],
			k[JOURNAL_GONE]);
	else
		fprintf(stderr, "%zu %s, %zu already gone, %zu failed, %zu unknown, "
			"%zu not attempted, %zu skipped\n", k[JOURNAL_REVOKED], done, k[JOURNAL_GONE],
			k[JOURNAL_FAILED], k[JOURNAL_UNKNOWN], k[JOURNAL_NOT_ATTEMPTED],
			k[JOURNAL_SKIPPED]);
	return bulk_stopped_auth(b) ? 3 : rc;
}

int
cli_session_report(struct cli *cli, const struct bulk *b)
{
	int out = 0, rc;

	if (cli->o.format != CLI_FORMAT_TABLE &&
	    cli_output_results(cli->out.fp, cli->o.format, b, 0) != 0)
		out = cli_written(-1);
	rc = cli_session_summary(cli, b, NULL);
	return out != 0 && rc != 3 ? out : rc;
}

int
cli_session_results(struct cli *cli, const struct bulk *b)
{
	if (cli->o.format == CLI_FORMAT_TABLE)
		return 0;
	return cli_written(cli_output_results(cli->out.fp, cli->o.format, b, 0));
}

/* ---- resume -------------------------------------------------------------------------- */

int
cli_session_find(struct cli *cli, const char *cmd, enum journal_kind k, const char *want,
		 char **path)
{
	struct patrol_err err;
	enum patrol_status st;

	status_clear(&err);
	st = journal_find_resume(want, cli->cfg.host, k, path, &err);
	if (st == PATROL_OK)
		return 0;
	cli_msg("%s: %s", cmd, err.message);
	return st == PATROL_NOMEM ? status_exit_code(st) : 2;
}

/* The token patrol uses that id is, in cli's workspace, or NULL. */
static const char *
session_self(const void *ctx, const char *id)
{
	return cli_estate_self(ctx, id);
}

/* cli_session_resume; *unlisted: the workspace's list could not be
 * fetched (said, naming it): nothing of the session was touched. */
static int
session_resume(struct cli *cli, struct bulk *b, const char *cmd, char *path,
	       bool by_name, struct token_table **tab, const char *ws, bool *unlisted)
{
	struct journal_session info;
	struct patrol_err err;
	enum patrol_status st = PATROL_OK;
	int rc;

	memset(&info, 0, sizeof info);
	status_clear(&err);
	rc = journal_load(path, &info, &err) != PATROL_OK ? 2 : 0;
	free(path);
	if (rc != 0)
		cli_msg("%s: %s", cmd, err.message);
	else if (bulk_check_free(&info, &err) != PATROL_OK) {
		cli_msg("%s: cannot resume: %s", cmd, err.message);
		rc = 2;
	} else if (info.host == NULL || strcmp(info.host, cli->cfg.host) != 0) {
		cli_msg("%s: session %s is for %s, not %s: use the profile of that workspace", cmd,
			info.session, info.host ? info.host : "?", cli->cfg.host);
		rc = 2;
	} else if ((rc = cli_fetch_tokens(cli, info.admin, NULL, tab)) != 0) {
		*unlisted = true;      /* reported */
	} else if ((st = bulk_resume(b, &info, *tab, by_name, &err)) != PATROL_OK &&
		   strcmp(err.code, "FINISHED") == 0) {
		/* another patrol finished it meanwhile: nothing to do, b is empty */
		if (ws != NULL)
			cli_msg("%s: workspace '%s': %s", cmd, ws, err.message);
		else
			cli_msg("%s: %s", cmd, err.message);
	} else if (st != PATROL_OK) {
		cli_msg("%s: cannot resume: %s", cmd, err.message);
		rc = status_exit_code(err.status) > 1 ? status_exit_code(err.status) : 2;
	} else {
		if (ws != NULL)
			fprintf(stderr, "workspace '%s': ", ws);
		fprintf(stderr, "Resuming session %s: %zu planned, %zu done before, %zu left\n",
			info.session, bulk_count(b), bulk_planned_done(b), bulk_pending(b));
		bulk_mark_self(b, session_self, cli);
		bulk_guard_self(b, cli->o.include_self);
	}
	journal_session_free(&info);
	return rc;
}

int
cli_session_resume(struct cli *cli, struct bulk *b, const char *cmd, char *path,
		   bool by_name, struct token_table **tab, const char *ws)
{
	bool unlisted = false;

	return session_resume(cli, b, cmd, path, by_name, tab, ws, &unlisted);
}

/* ---- who, and the journal --------------------------------------------------------- */

char *
cli_session_user(struct cli *cli)
{
	struct call *c = cli_run(cli, api_scim_me());
	struct api_me *me;
	char *user = NULL;

	if (c == NULL)
		return NULL;
	if (c->err.status == PATROL_OK && (me = call_take_result(c)) != NULL) {
		if (me->user_name != NULL)
			user = strdup(me->user_name);
		api_me_free(me);
	}
	call_free(c);
	return user;
}

int
cli_session_journal(struct cli *cli, struct bulk *b, const char *user, const char *cmd,
		    const char *done)
{
	struct patrol_err err;
	char *dir = NULL;

	if (cli->o.dry_run || bulk_pending(b) == 0 || bulk_journal(b) != NULL)
		return 0;             /* nothing to record, or resumed: the session's own file */
	status_clear(&err);
	if (journal_dir(true, &dir, &err) != PATROL_OK ||
	    bulk_journal_start(b, dir, cli->cfg.host, user, cli->cfg.profile, &err) != PATROL_OK) {
		cli_msg("%s: cannot record the session, so nothing was %s: %s", cmd, done,
			err.message);
		free(dir);
		return 2;
	}
	free(dir);
	return 0;
}

/* ---- one session over several workspaces ------------------------------------------ */

bool
cli_session_many_live(const struct cli_session_many *m, size_t i)
{
	return m->p[i].b != NULL && !m->cli->ws[i].failed;
}

size_t
cli_session_many_pending(const struct cli_session_many *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (cli_session_many_live(m, i))
			n += bulk_pending(m->p[i].b);
	return n;
}

/* ---- what to run next --------------------------------------------------- */

/* "patrol [-p PROFILE | --host URL] CMD --resume SESSION" into b. */
static int
session_resume_command(const struct cli *cli, const char *cmd, const char *session,
		       struct buf *b)
{
	int rc = buf_addstr(b, "patrol");

	if (cli->o.profile != NULL)
		rc |= buf_addstr(b, " -p") | buf_add_shell_word(b, cli->o.profile);
	if (cli->o.host != NULL)
		rc |= buf_addstr(b, " --host") | buf_add_shell_word(b, cli->o.host);
	return rc | buf_add_shell_word(b, cmd) | buf_addstr(b, " --resume") |
	       buf_add_shell_word(b, session);
}

void
cli_session_retry_hint(const struct cli *cli, const struct bulk *b, const char *cmd,
		       const char *session, const char *ws)
{
	size_t again = bulk_results(b, JOURNAL_FAILED) + bulk_results(b, JOURNAL_UNKNOWN) +
	    bulk_results(b, JOURNAL_NOT_ATTEMPTED);
	struct buf c;

	if (session[0] == '\0' || again == 0)
		return;
	buf_init(&c, 0);
	if (session_resume_command(cli, cmd, session, &c) == 0)
		cli_msg("%s: " CLI_WS_FMT "%zu failed, unknown or not attempted: %s tries them "
			"again%s", cmd, CLI_WS_ARGS(ws), again, c.data,
			bulk_stopped_auth(b) ? " (once patrol's credentials work again)" : "");
	buf_free(&c);
}

/* cli_session_none_unfinished over the sessions of l (NULL: none could
 * be read). */
static void
none_unfinished_in(const struct cli *cli, const char *cmd, enum journal_kind k, const char *ws,
		   const struct journal_list *l)
{
	const char *host = cli->cfg.host;
	const struct journal_session *s;
	struct buf c;
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++) {
		s = &l->v[i];
		if (s->host == NULL || strcmp(s->host, host) != 0 || s->busy ||
		    journal_session_kind(s) != k || journal_session_todo(s) == 0)
			continue;
		buf_init(&c, 0);
		if (session_resume_command(cli, cmd, s->session, &c) == 0)
			cli_msg("%s: " CLI_WS_FMT "no unfinished %s session for %s; session %s (%s) "
				"has %zu to try again: %s", cmd, CLI_WS_ARGS(ws), cmd, host, s->session,
				s->end_reason[0] ? s->end_reason : "unfinished",
				journal_session_todo(s), c.data);
		buf_free(&c);
		return;
	}
	cli_msg("%s: " CLI_WS_FMT "no unfinished %s session for %s (patrol journal lists them "
		"all)", cmd, CLI_WS_ARGS(ws), cmd, host);
}

/* The journal's sessions into *l: true, or false when they cannot be read. */
static bool
sessions_read(struct journal_list *l)
{
	struct patrol_err err;
	char *dir = NULL;
	bool ok;

	memset(l, 0, sizeof *l);
	status_clear(&err);
	ok = journal_dir(false, &dir, &err) == PATROL_OK && journal_list(dir, l, &err) == PATROL_OK;
	free(dir);
	return ok;
}

void
cli_session_none_unfinished(const struct cli *cli, const char *cmd, enum journal_kind k,
			    const char *ws)
{
	struct journal_list l;

	none_unfinished_in(cli, cmd, k, ws, sessions_read(&l) ? &l : NULL);
	journal_list_free(&l);
}

/* Workspace i is out of the run, said why. */
static void
many_leave(struct cli_session_many *m, size_t i, const char *why)
{
	cli_msg("workspace '%s': %s", m->cli->ws[i].name, why);
	m->cli->ws[i].failed = true;
	m->cli->ws_failed++;
}

int
cli_session_many_open(struct cli_session_many *m, bool resume)
{
	struct token_table *tabs[ESTATE_MAX] = { NULL };
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
	if ((m->p = calloc(m->n, sizeof *m->p)) == NULL) {
		for (i = 0; i < cli->nws; i++)
			api_table_free(tabs[i]);
		return status_exit_code(PATROL_NOMEM);
	}
	for (i = 0; i < m->n; i++)
		m->p[i].tab = tabs[i];          /* the parts' from now on */
	for (i = 0; i < m->n; i++) {
		if (cli->ws[i].failed)
			continue;
		if (cli->ws[i].read_only) {
			many_leave(m, i, "read-only in patrol's config: left out");
			continue;
		}
		cli_estate_sub(cli, i, &m->p[i].sub);
		m->p[i].ws = cli->ws[i].name;
		if ((m->p[i].b = bulk_new(cli->o.all)) == NULL)
			return status_exit_code(PATROL_NOMEM);
		bulk_set_kind(m->p[i].b, m->ops->kind);
	}
	return 0;
}

/* id is in hits workspaces: say which, and what it is in each. */
static void
many_ambiguous(const struct cli_session_many *m, const char *id, size_t hits)
{
	struct buf where;
	size_t k, n = 0;
	long row;

	buf_init(&where, 0);
	for (k = 0; k < m->n; k++)
		if (m->p[k].tab != NULL && (row = token_find(m->p[k].tab, id)) >= 0)
			cli_estate_match_add(&where, n++, hits, &m->p[k].tab->rows[row],
					     m->cli->ws[k].name);
	cli_msg("%s: '%s' matches %s: name the workspace with -p%s (nothing was sent)",
		m->ops->words->cmd, id, where.data != NULL ? where.data : "tokens in several workspaces",
		strlen(id) < TOKEN_ID_LEN ? " or give more of the id" : "");
	buf_free(&where);
}

/* A prefix (a full id cannot be in two workspaces but by a collision of
 * SHA-256) found in one workspace while others could not be listed: it
 * may match a token there too, so it is refused. */
static bool
many_unsure(const struct cli_session_many *m, const char *id)
{
	struct buf unl;
	size_t n;

	if (cli_is_full_id(id))
		return false;
	buf_init(&unl, 0);
	if ((n = cli_estate_unlisted(m->cli, &unl)) > 0)
		cli_msg("%s: '%s' is a prefix, and %s %s could not be listed: patrol cannot tell "
			"whether it matches a token there too, so nothing was sent (give the "
			"whole id, or leave %s out with --profiles)", m->ops->words->cmd, id,
			n == 1 ? "workspace" : "workspaces", unl.data != NULL ? unl.data : "",
			n == 1 ? "it" : "them");
	buf_free(&unl);
	return n > 0;
}

/* Where id is: *at, the one part whose list has it (a part left out since,
 * read-only, included: it is a workspace of the run); the number of
 * workspaces, or (size_t)-1 after saying it is a prefix of several tokens
 * of one. */
static size_t
many_hits(const struct cli_session_many *m, const char *id, size_t *at)
{
	size_t k, hits = 0;
	long row;

	for (k = 0; k < m->n; k++) {
		if (m->p[k].tab == NULL || (row = token_find(m->p[k].tab, id)) == -1)
			continue;
		if (row == -2) {
			cli_msg("%s: '%s' matches more than one token in workspace '%s': give more "
				"characters", m->ops->words->cmd, id, m->cli->ws[k].name);
			return (size_t)-1;
		}
		hits++;
		*at = k;
	}
	return hits;
}

/* Give each id to the one part whose list has it (per[k], nper[k]). An id
 * in two workspaces, or a prefix a workspace that could not be listed may
 * also hold, stops the run before anything is sent (2). */
static int
many_route(struct cli_session_many *m, char **ids, size_t nids, char ***per, size_t *nper)
{
	const char *cmd = m->ops->words->cmd;
	size_t i, hits, at = 0;
	struct buf where;

	for (i = 0; i < nids; i++) {
		if ((hits = many_hits(m, ids[i], &at)) == (size_t)-1)
			return 2;
		if (hits > 1) {           /* an id is unique only in its workspace */
			many_ambiguous(m, ids[i], hits);
			return 2;
		}
		if (hits == 1 && many_unsure(m, ids[i]))
			return 2;
		if (hits == 1 && !cli_session_many_live(m, at)) {
			cli_msg("%s: '%s' is in workspace '%s', which is left out of the session: "
				"nothing sent for it", cmd, ids[i], m->cli->ws[at].name);
			continue;
		}
		if (hits == 1) {
			per[at][nper[at]++] = ids[i];
			continue;
		}
		buf_init(&where, 0);
		cli_estate_where(m->cli, &where);
		cli_msg("%s: no token with id '%s' in %s: nothing sent for it", cmd, ids[i],
			where.data != NULL ? where.data : "");
		buf_free(&where);
	}
	return 0;
}

int
cli_session_many_refuse(const struct cli *cli, const char *cmd, int resume_argc)
{
	const struct cli_opts *o = &cli->o;

	if (o->format == CLI_FORMAT_CSV) {
		cli_msg("%s: over several workspaces the results are a table or JSON (-o json)",
			cmd);
		return 2;
	}
	if (resume_argc > 0 && (resume_argc > 1 || o->filter != NULL || o->from != NULL ||
				o->dry_run)) {
		cli_msg("%s: --resume over several workspaces takes no session, ids, filter or "
			"--dry-run (name a session with the one profile of its workspace)", cmd);
		return 2;
	}
	return 0;
}

/* A part planned: what it keeps for its re-plan and its journal. */
static int
many_planned(struct cli_session_many *m, struct cli_session_part *p)
{
	const struct cli_opts *o = &m->cli->o;

	if (o->filter != NULL && bulk_set_filter(p->b, o->filter) != 0)
		return status_exit_code(PATROL_NOMEM);
	bulk_guard_self(p->b, o->include_self);
	if (bulk_count(p->b) > 0 && !o->dry_run)
		p->user = cli_session_user(&p->sub);
	return 0;
}

int
cli_session_many_plan(struct cli_session_many *m, char **ids, size_t nids, size_t *planned)
{
	char **per[ESTATE_MAX] = { NULL };
	size_t nper[ESTATE_MAX] = { 0 }, i;
	int rc = 0;

	*planned = 0;
	for (i = 0; i < m->n && rc == 0; i++)
		if (cli_session_many_live(m, i) && nids > 0 && (per[i] = calloc(nids, sizeof *per[i])) == NULL)
			rc = status_exit_code(PATROL_NOMEM);
	if (rc == 0)
		rc = many_route(m, ids, nids, per, nper);
	for (i = 0; i < m->n && rc == 0; i++) {
		if (!cli_session_many_live(m, i))
			continue;
		if ((rc = cli_session_plan(&m->p[i].sub, m->p[i].tab, per[i], nper[i], m->filter,
					   m->ops->add, m->p[i].ctx)) == 0)
			rc = many_planned(m, &m->p[i]);
		*planned += bulk_count(m->p[i].b);
	}
	for (i = 0; i < m->n; i++)
		free(per[i]);
	return rc;
}

int
cli_session_many_resume(struct cli_session_many *m, size_t *found)
{
	const char *cmd = m->ops->words->cmd;
	struct journal_list l;
	int read = -1;          /* the sessions, read once for every part without one */
	bool unlisted = false;
	char *path;
	size_t i, k;
	int rc = 0;

	*found = 0;
	memset(&l, 0, sizeof l);
	for (i = 0; i < m->n && rc == 0; i++) {
		struct cli_session_part *p = &m->p[i];
		if (!cli_session_many_live(m, i))
			continue;
		for (k = 0; k < i && !(m->p[k].ws != NULL &&      /* in the run at open */
		     estate_same_workspace(m->p[k].sub.cfg.host, p->sub.cfg.host)); k++)
			;
		if (k < i) {           /* one workspace, two profiles: resumed once */
			cli_msg("workspace '%s': the workspace of '%s': its session is resumed there",
				p->ws, m->p[k].ws);
			bulk_free(p->b);
			p->b = NULL;
			continue;
		}
		if ((rc = cli_session_find(&p->sub, cmd, m->ops->kind, NULL, &path)) != 0)
			break;
		if (path == NULL) {
			if (read == -1)
				read = sessions_read(&l);
			none_unfinished_in(&p->sub, cmd, m->ops->kind, p->ws, read ? &l : NULL);
			bulk_free(p->b);
			p->b = NULL;
			continue;
		}
		unlisted = false;
		rc = session_resume(&p->sub, p->b, cmd, path, false, &p->tab, p->ws, &unlisted);
		if (rc != 0 && unlisted) {     /* said; its session waits, untouched */
			m->cli->ws[i].failed = true;
			m->cli->ws_failed++;
			bulk_free(p->b);
			p->b = NULL;
			rc = 0;
			continue;
		}
		(*found)++;
	}
	journal_list_free(&l);
	return rc;
}

/* The plan, grouped by workspace, on stderr. */
static void
many_show_plan(const struct cli_session_many *m, const char *what)
{
	size_t i, n = cli_session_many_pending(m);

	fprintf(stderr, "%s %zu token%s:\n", what, n, n == 1 ? "" : "s");
	for (i = 0; i < m->n; i++) {
		if (!cli_session_many_live(m, i) || bulk_pending(m->p[i].b) == 0)
			continue;
		fprintf(stderr, "workspace '%s' (%s): %zu token%s\n", m->p[i].ws,
			m->p[i].sub.cfg.host, bulk_pending(m->p[i].b),
			bulk_pending(m->p[i].b) == 1 ? "" : "s");
		m->ops->show_plan(m->p[i].ctx, stderr);
	}
}

/* One confirm for the whole plan. 0 to go on, else the exit code. */
static int
many_confirm(struct cli_session_many *m)
{
	char what[64];
	size_t n = cli_session_many_pending(m), k = 0, i;

	if (m->cli->o.yes || m->cli->o.dry_run || n == 0)
		return 0;
	for (i = 0; i < m->n; i++)
		k += cli_session_many_live(m, i) && bulk_pending(m->p[i].b) > 0;
	snprintf(what, sizeof what, "In %zu workspace%s", k, k == 1 ? "" : "s");
	return cli_session_ask(n, m->ops->words, what);
}

/* Stop every part after its requests in flight. */
static void
many_stop(struct cli_session_many *m, int sig)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!cli_session_many_live(m, i))
			continue;
		if (sig != SIGINT)
			bulk_interrupt(m->p[i].b);
		bulk_stop(m->p[i].b, m->p[i].sub.w);
	}
	if (sig == SIGINT)      /* the user's stop: each part ends "stopped", named below */
		cli_msg("%s: interrupted: stopping after the requests in flight; the rest are "
			"not sent", m->ops->words->cmd);
	else                    /* cut off: each part stays unfinished */
		cli_msg("%s: %s: stopping after the requests in flight; the rest are not sent: "
			"patrol %s --resume with the same profiles goes on with them",
			m->ops->words->cmd, sig == SIGHUP ? "hang-up" : "terminated",
			m->ops->words->cmd);
}

/* Submit what each part may send now; false when every part is over. */
static bool
many_submit(struct cli_session_many *m)
{
	bool any = false;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct bulk *b = m->p[i].b;
		if (!cli_session_many_live(m, i))
			continue;
		if (!bulk_running(b) && (bulk_stopping(b) || bulk_submit(b, m->p[i].sub.w) == 0))
			continue;
		any = true;
	}
	return any;
}

/* A finished call of part i. */
static void
many_finished(struct cli_session_many *m, size_t i, struct call *c)
{
	struct cli_session_part *p = &m->p[i];
	long k;

	if (!cli_session_many_live(m, i) || (k = bulk_finish(p->b, c)) < 0) {
		call_free(c);
		return;
	}
	m->ops->line(bulk_item(p->b, (size_t)k), p->ctx);
	if (bulk_stopped_auth(p->b) && !p->told) {
		p->told = true;
		cli_msg("%s: workspace '%s': stopping its part: the workspace refused patrol's "
			"credentials (HTTP %ld); the other workspaces go on", m->ops->words->cmd,
			p->ws, bulk_item(p->b, (size_t)k)->err.http_status);
	}
}

/* Run every part to its end at once. */
static void
many_run(struct cli_session_many *m)
{
	struct worker *w[ESTATE_MAX] = { NULL };
	bool stopping = false;
	struct call *c;
	size_t i, which;

	for (i = 0; i < m->n; i++)
		w[i] = cli_session_many_live(m, i) ? m->p[i].sub.w : NULL;
	cli_session_signals(true);
	while (many_submit(m)) {
		c = estate_wait(w, m->n, CLI_SESSION_BAR_EVERY_MS, &which);
		if (cli_session_signal() && !stopping) {
			stopping = true;
			many_stop(m, cli_session_signal());
		}
		if (c != NULL)
			many_finished(m, which, c);
	}
	cli_session_signals(false);
	for (i = 0; i < m->n; i++)
		if (cli_session_many_live(m, i))
			bulk_mark_unsent(m->p[i].b, m->ops->line, m->p[i].ctx);
}

/* -o json: {"WORKSPACE": [results…], …}. 0 or -1. */
static int
many_results(const struct cli_session_many *m)
{
	FILE *fp = m->cli->out.fp;
	size_t i, k = 0;
	int rc = 0;

	if (m->cli->o.format != CLI_FORMAT_JSON)
		return 0;
	fputs("{", fp);
	for (i = 0; i < m->n && rc == 0; i++) {
		if (!cli_session_many_live(m, i))
			continue;
		fputs(k++ ? ",\n" : "\n", fp);
		rc = cli_output_json_key(fp, m->p[i].ws);
		if (rc == 0)
			rc = cli_output_results(fp, CLI_FORMAT_JSON, m->p[i].b, 0);
	}
	fputs("}\n", fp);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

int
cli_session_many_results(struct cli_session_many *m)
{
	return cli_written(many_results(m));
}

void
cli_session_many_nothing(const struct cli_session_many *m, const char *done)
{
	struct buf where;

	buf_init(&where, 0);
	cli_estate_where(m->cli, &where);
	cli_msg("%s: nothing matches in %s: %s", m->ops->words->cmd,
		where.data != NULL ? where.data : "any workspace", done);
	buf_free(&where);
}

/* Re-plan every part with something pending, then start their journals:
 * a re-plan declined in one part stops the run before any part has a
 * journal (one would be an unfinished session a later --resume applies). */
static int
many_prepare(struct cli_session_many *m)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < m->n && rc == 0; i++) {
		struct cli_session_part *p = &m->p[i];
		if (!cli_session_many_live(m, i) || bulk_pending(p->b) == 0)
			continue;
		if ((rc = m->ops->replan(p->ctx)) == CLI_SESSION_UNLISTED) {
			m->cli->ws[i].failed = true;    /* the others go on */
			m->cli->ws_failed++;
			bulk_free(p->b);
			p->b = NULL;
			rc = 0;
		}
	}
	for (i = 0; i < m->n && rc == 0; i++)
		if (cli_session_many_live(m, i) && bulk_pending(m->p[i].b) > 0)
			rc = cli_session_journal(&m->p[i].sub, m->p[i].b, m->p[i].user,
						 m->ops->words->cmd, m->ops->done);
	return rc;
}

int
cli_session_many_execute(struct cli_session_many *m, const char *what)
{
	char session[128];
	size_t i;
	int rc = 0, one;

	if (cli_session_many_pending(m) > 0 && !m->cli->o.yes && !m->cli->o.dry_run)
		many_show_plan(m, what);
	for (i = 0; i < m->n; i++)
		if (cli_session_many_live(m, i) && m->ops->confirm_own != NULL)
			m->ops->confirm_own(m->p[i].ctx);
	if ((rc = many_confirm(m)) != 0 || (rc = many_prepare(m)) != 0)
		return rc;
	for (i = 0; i < m->n; i++)
		if (cli_session_many_live(m, i))
			cli_session_lines_decided(m->p[i].b, m->ops->line, m->p[i].ctx);
	many_run(m);
	for (i = 0; i < m->n; i++) {
		if (!cli_session_many_live(m, i))
			continue;
		session[0] = '\0';
		if (bulk_journal(m->p[i].b) != NULL) {
			cli_msg("workspace '%s': journal: %s", m->p[i].ws,
				journal_path(bulk_journal(m->p[i].b)));
			snprintf(session, sizeof session, "%s",
				 journal_session_id(bulk_journal(m->p[i].b)));
		}
		bulk_end(m->p[i].b);
		one = cli_session_summary(&m->p[i].sub, m->p[i].b, m->p[i].ws);
		rc = one > rc ? one : rc;
		if (!bulk_interrupted(m->p[i].b))   /* cut off: a plain --resume, said */
			cli_session_retry_hint(&m->p[i].sub, m->p[i].b, m->ops->words->cmd,
					       session, m->p[i].ws);
	}
	if (many_results(m) != 0)
		rc = cli_written(-1);
	return rc;
}

void
cli_session_many_free(struct cli_session_many *m)
{
	size_t i;

	for (i = 0; m->p != NULL && i < m->n; i++) {
		bulk_free(m->p[i].b);
		api_table_free(m->p[i].tab);
		free(m->p[i].user);
	}
	free(m->p);
	m->p = NULL;
	m->n = 0;
}
