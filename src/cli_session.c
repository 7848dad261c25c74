/*
 * cli_session.c: what `patrol revoke` and `patrol pin` share around their
 * bulk session (cli_session.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cli_session.h"
#include "duration.h"
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

int
cli_session_confirm(struct cli *cli, const struct bulk *b, const struct cli_session_words *w,
		    const char *what)
{
	char prompt[256], want[32];
	size_t n = bulk_pending(b);
	int ok;

	if (cli->o.yes || cli->o.dry_run || n == 0)
		return 0;
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

int
cli_session_report(struct cli *cli, const struct bulk *b)
{
	const char *done = journal_kind_label(bulk_kind(b), JOURNAL_REVOKED);
	size_t k[JOURNAL_RESULT_COUNT], i;
	int rc = 0;

	for (i = 0; i < JOURNAL_RESULT_COUNT; i++)
		k[i] = bulk_results(b, (enum journal_result)i);
	for (i = 0; i < bulk_count(b); i++)
		if (journal_result_fails(bulk_item(b, i)->result))
			rc = 1;
	if (cli->o.format != CLI_FORMAT_TABLE &&
	    cli_output_results(cli->out.fp, cli->o.format, b, 0) != 0)
		rc = cli_written(-1);
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

/* ---- resume -------------------------------------------------------------------------- */

int
cli_session_find(struct cli *cli, const char *cmd, enum journal_kind k, const char *want,
		 char **path)
{
	const char *host = cli->cfg.host;
	struct patrol_err err;
	enum patrol_status st;
	char *dir = NULL;

	status_clear(&err);
	*path = NULL;
	if ((st = journal_dir(false, &dir, &err)) == PATROL_OK) {
		if (want != NULL)
			st = journal_resolve(dir, want, path, &err);
		else if ((st = journal_find_unfinished_kind(dir, host, k, path, &err)) ==
			 PATROL_OK && *path == NULL)
			st = journal_find_running_kind(dir, host, k, path, &err);
	}
	free(dir);
	if (st == PATROL_OK)
		return 0;
	cli_msg("%s: %s", cmd, err.message);
	return st == PATROL_NOMEM ? status_exit_code(st) : 2;
}

int
cli_session_resume(struct cli *cli, struct bulk *b, const char *cmd, char *path,
		   bool by_name, struct token_table **tab)
{
	struct journal_session info;
	struct patrol_err err;
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
		/* reported */
	} else if (bulk_resume(b, &info, *tab, by_name, &err) != PATROL_OK) {
		cli_msg("%s: cannot resume: %s", cmd, err.message);
		rc = status_exit_code(err.status) > 1 ? status_exit_code(err.status) : 2;
	} else {
		fprintf(stderr, "Resuming session %s: %zu planned, %zu done before, %zu left\n",
			info.session, bulk_count(b), bulk_planned_done(b), bulk_pending(b));
	}
	journal_session_free(&info);
	return rc;
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
