/*
 * cli_estate.c: the command line over several workspaces at once (-p A
 * -p B, --profiles A,B, --all-profiles; estate.h).
 *
 * cli_estate_connect resolves each profile as a single one is (its own
 * credentials, its own settings in patrol's config) and starts a worker
 * for it. cli_estate_fetch sends every workspace its list at once, waits
 * for all of them (estate_wait) and merges what came into one table whose
 * rows say their workspace (token_info.workspace, an index of cli->ws); each
 * workspace's rows stay together, in the order the workspaces were named.
 * A workspace that fails (unreachable, 401/403, not an admin) is one line
 * on stderr, is left out of what follows, and makes the exit code 1
 * (estate_finish, cli_main's finish hook); the others are shown in full.
 * The flags that depend on the workspace (self, over-max-lifetime) are
 * computed with its own context (cli->out.ws[i].ctx). With one workspace
 * the cli_estate_* entry points are the plain cli_* ones. cli.c never
 * calls this file (the house's no-circle rule): the commands do.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "buf.h"
#include "cli.h"
#include "estate.h"
#include "table.h"

/* The workers, for estate_wait (failed workspaces: NULL). */
static void
estate_workers(const struct cli *cli, struct worker **w)
{
	size_t i;

	for (i = 0; i < cli->nws; i++)
		w[i] = cli->ws[i].failed ? NULL : cli->ws[i].w;
}

/* One line for a workspace that is out, and it is out. */
static void
ws_fail(struct cli *cli, struct cli_ws *ws, const char *what)
{
	cli_msg("workspace '%s': %s", ws->name, what);
	ws->failed = true;
	cli->ws_failed++;
}

/* patrol's own settings for the workspace's profile, merged with the
 * flags as for one workspace (prefs_merge). */
static int
ws_prefs(struct cli *cli, struct cli_ws *ws, struct prefs_merged *m)
{
	struct patrol_err err;

	status_clear(&err);
	if (prefs_load(NULL, ws->name, config_getenv_real, NULL, &ws->prefs, &err) != PATROL_OK) {
		cli_msg("%s", err.message);
		return 2;
	}
	if (ws->prefs.warning != NULL && ws == &cli->ws[0])
		cli_msg("warning: %s", ws->prefs.warning);
	prefs_merge(&ws->prefs, &cli->flags, m);
	return 0;
}

/* Resolve profile i. A profile named on the command line that cannot be
 * used (an account console among them) stops the run (2, before any
 * request), with --all-profiles too; one that only --all-profiles found is
 * reported and left out. */
static int
ws_config(struct cli *cli, size_t i)
{
	struct cli_ws *ws = &cli->ws[i];
	struct config_flags fl = { ws->name, NULL, cli->o.ca_file, NULL };
	struct patrol_err err;
	enum patrol_status st;

	status_clear(&err);
	st = config_resolve(&fl, config_getenv_real, NULL, &ws->cfg, &err);
	if (st != PATROL_OK && (!cli->o.all_profiles || i < cli->pick.nnamed)) {
		cli_msg("%s", err.message);
		return status_exit_code(st);
	}
	if (st != PATROL_OK) {
		ws_fail(cli, ws, err.message);
		return 0;
	}
	ws->cfg_loaded = true;
	if ((ws->cfg.warning != NULL || ws->cfg.note != NULL) && !cli->ws_warned) {
		if (ws->cfg.warning != NULL)                 /* the one file: once */
			cli_msg("warning: %s", ws->cfg.warning);
		if (ws->cfg.note != NULL)                    /* the environment ignored */
			cli_msg("%s", ws->cfg.note);
		cli->ws_warned = true;
	}
	if (cli->o.debug && ws->cfg.auth_why != NULL)
		fprintf(stderr, "workspace '%s': %s\n", ws->name, ws->cfg.auth_why);
	config_self_id(&ws->cfg, ws->self_id);
	return 0;
}

/* Start the workspace's worker with its own settings. */
static void
ws_start(struct cli *cli, struct cli_ws *ws, const struct prefs_merged *m)
{
	struct worker_opts wo;
	struct patrol_err err;

	cli_worker_options(cli, &wo);
	wo.cfg = &ws->cfg;
	wo.read_only = m->read_only;
	wo.max_inflight = m->jobs;
	wo.rate = prefs_worker_rate(m->rate);
	status_clear(&err);
	if (worker_start(&wo, &ws->w, &err) != PATROL_OK)
		ws_fail(cli, ws, err.message);
	ws->read_only = m->read_only;
}

/* Pick the workspaces and say what --all-profiles skipped. */
static int
estate_choose(struct cli *cli)
{
	struct patrol_err err;
	size_t i;

	status_clear(&err);
	if (estate_pick(cli->o.profiles, cli->o.profile_whole, cli->o.nprofiles, cli->o.all_profiles,
			config_getenv_real, NULL, &cli->pick, &err) != PATROL_OK) {
		cli_msg("%s", err.message);
		return status_exit_code(err.status);
	}
	for (i = 0; i < cli->pick.nnotes; i++)
		cli_msg("note: %s", cli->pick.notes[i]);
	cli->ws = calloc(cli->pick.n, sizeof *cli->ws);
	cli->out.ws = calloc(cli->pick.n, sizeof *cli->out.ws);
	if (cli->ws == NULL || cli->out.ws == NULL) {
		cli_msg("out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	cli->nws = cli->out.nws = cli->pick.n;
	return 0;
}

/* What the output says of workspace i (m: its settings, or NULL). */
static void
estate_out(struct cli *cli, size_t i, const struct prefs_merged *m)
{
	struct cli_out_ws *o = &cli->out.ws[i];

	o->name = cli->ws[i].name;
	o->host = cli->ws[i].cfg_loaded ? cli->ws[i].cfg.host : "";
	o->ctx = cli->out.ctx;
	o->ctx.self_id = cli->ws[i].self_id[0] ? cli->ws[i].self_id : NULL;
	o->ctx.self_also = cli->ws[i].self_also;
	o->ctx.nself_also = cli->ws[i].nself_also;
	o->ctx.workspaces = (const char *const *)cli->pick.names;   /* workspace:NAME */
	o->ctx.nworkspaces = cli->pick.n;
	if (m != NULL) {
		o->ctx.stale_patterns = m->stale;
		o->ctx.nstale = m->nstale;
	}
}

/* The run's exit code: rc, or 1 when it is 0 but a workspace failed; and
 * stop the workers, free what estate_connect made. */
static int
estate_finish(struct cli *cli, int rc)
{
	size_t i;

	for (i = 0; i < cli->nws; i++) {
		worker_stop(cli->ws[i].w);
		if (cli->ws[i].cfg_loaded)
			config_free(&cli->ws[i].cfg);
		prefs_free(&cli->ws[i].prefs);
		free(cli->ws[i].self_also);
	}
	free(cli->ws);
	free(cli->out.ws);
	estate_pick_free(&cli->pick);
	cli->ws = NULL;
	cli->out.ws = NULL;
	cli->nws = cli->out.nws = 0;
	return rc == 0 && cli->ws_failed > 0 ? 1 : rc;
}

/* Each workspace's self_also: the credentials of the other profiles that
 * name it, so a token listed (and acted on) through the first of them is
 * self whichever profile signs in with it. 0 or an exit code. */
static int
estate_selves(struct cli *cli)
{
	size_t i, j;

	for (i = 0; i < cli->nws; i++) {
		struct cli_ws *ws = &cli->ws[i];
		if (!ws->cfg_loaded)
			continue;
		for (j = 0; j < cli->nws; j++) {
			const struct cli_ws *o = &cli->ws[j];
			if (j == i || !o->cfg_loaded || o->self_id[0] == '\0' ||
			    !estate_same_workspace(o->cfg.host, ws->cfg.host))
				continue;
			if (ws->self_also == NULL &&
			    (ws->self_also = calloc(cli->nws, sizeof *ws->self_also)) == NULL) {
				cli_msg("out of memory");
				return status_exit_code(PATROL_NOMEM);
			}
			ws->self_also[ws->nself_also++] = o->self_id;
		}
	}
	return 0;
}

/* Several workspaces: pick, resolve, start. */
static int
estate_connect(struct cli *cli)
{
	struct prefs_merged m;
	size_t i;
	int rc;

	cli->finish = estate_finish;
	if ((rc = estate_choose(cli)) != 0)
		return rc;
	cli->flags.read_only = cli->o.read_only;
	cli->flags.jobs = cli->o.jobs;
	cli->flags.rate = cli->o.rate_set ? cli->o.rate : -1;
	for (i = 0; i < cli->nws; i++) {
		cli->ws[i].name = cli->pick.names[i];
		if ((rc = ws_config(cli, i)) != 0)
			return rc;
	}
	config_scrub_environ();
	if ((rc = estate_selves(cli)) != 0)
		return rc;
	for (i = 0; i < cli->nws; i++) {
		if (cli->ws[i].failed) {
			estate_out(cli, i, NULL);
			continue;
		}
		if ((rc = ws_prefs(cli, &cli->ws[i], &m)) != 0)
			return rc;
		estate_out(cli, i, &m);
		ws_start(cli, &cli->ws[i], &m);
	}
	return 0;
}

#define ESTATE_TAG2 ((uint64_t)1 << 32)   /* the second call of a workspace */

/* Send each workspace still in the run the call make(arg) builds (and,
 * when make2 is set, make2's too: both in the same round trip), and wait
 * for every answer: done[i] (done2[i]) is workspace i's finished call, NULL
 * for a workspace out of the run. */
static void
estate_run_all2(struct cli *cli, struct call *(*make)(const void *arg), const void *arg,
		struct call **done, struct call *(*make2)(const void *arg), struct call **done2)
{
	struct worker *w[ESTATE_MAX];
	struct call *c, *c2 = NULL;
	size_t i, which, left = 0;

	for (i = 0; i < cli->nws; i++) {
		done[i] = NULL;
		if (make2 != NULL)
			done2[i] = NULL;
		if (cli->ws[i].failed)
			continue;
		if ((c = make(arg)) == NULL || (make2 != NULL && (c2 = make2(arg)) == NULL)) {
			call_free(c);
			ws_fail(cli, &cli->ws[i], "out of memory");
			continue;
		}
		c->tag = i;
		worker_submit(cli->ws[i].w, c);
		left++;
		if (make2 != NULL) {
			c2->tag = i | ESTATE_TAG2;
			worker_submit(cli->ws[i].w, c2);
			left++;
		}
	}
	estate_workers(cli, w);
	while (left > 0) {
		if ((c = estate_wait(w, cli->nws, -1, &which)) == NULL)
			continue;
		if (c->tag & ESTATE_TAG2)
			done2[which] = c;
		else
			done[which] = c;
		left--;
	}
}

static void
estate_run_all(struct cli *cli, struct call *(*make)(const void *arg), const void *arg,
	       struct call **done)
{
	estate_run_all2(cli, make, arg, done, NULL, NULL);
}

/* What list each workspace is asked for. */
struct estate_list {
	bool all;
	const char *user;
};

/* The lists answer at about the same time, on the one worker thread: each
 * is parsed on a thread of its own, so they parse side by side. */
static struct call *
make_list(const void *arg)
{
	const struct estate_list *l = arg;
	struct call *c = l->all ? api_tm_list(NULL, l->user) : api_token_list();

	api_list_own_thread(c);
	return c;
}

/* Workspace i's list came back failed: say so in one line (a refused
 * token-management list says whether the caller is an admin there). */
static void
estate_list_failed(struct cli *cli, size_t i, const struct call *c)
{
	struct cli_ws *ws = &cli->ws[i];

	if (c->op == API_TM_LIST && c->err.status == PATROL_PERMISSION)
		cli_admin_denied_in(cli, ws->w, &ws->cfg, ws->name, c);
	else
		cli_report_in(cli, &ws->cfg, ws->name, c);
	ws->failed = true;
	cli->ws_failed++;
}

/* Move workspace i's rows to the end of the merged table (their strings
 * with them: nothing is copied again). 0 or -1. */
static int
estate_merge(struct token_table *all, struct token_table *one, size_t i, struct cli_ws *ws)
{
	size_t k;

	ws->first = all->n;
	ws->count = one->n;
	if (token_table_absorb(all, one) != 0)
		return -1;
	for (k = ws->first; k < all->n; k++)
		all->rows[k].workspace = (unsigned short)i;
	all->malformed += one->malformed;
	all->repeated += one->repeated;
	if (all->malformed_why[0] == '\0')
		memcpy(all->malformed_why, one->malformed_why, sizeof all->malformed_why);
	return 0;
}

/* Take each workspace's table (NULL: failed, reported). */
static void
estate_collect(struct cli *cli, struct call **done, struct token_table **tabs)
{
	size_t i;

	for (i = 0; i < cli->nws; i++) {
		tabs[i] = NULL;
		if (done[i] == NULL)
			continue;
		if (done[i]->err.status != PATROL_OK)
			estate_list_failed(cli, i, done[i]);
		else if ((tabs[i] = call_take_result(done[i])) == NULL &&
			 (tabs[i] = calloc(1, sizeof *tabs[i])) == NULL)
			ws_fail(cli, &cli->ws[i], "out of memory");
		else
			cli->ws[i].listed = true;
		call_free(done[i]);
	}
}

static void estate_max_one(struct cli *cli, size_t i, const struct call *c);
static struct token_table estate_view(const struct token_table *tab, const struct cli_ws *ws);
static struct call *make_conf(const void *arg);

/* Leave out of later the rows first has (estate_twins): how many, or
 * (size_t)-1 on out of memory. */
static size_t
estate_drop_twins(const struct token_table *first, struct token_table *later)
{
	unsigned char *twin = malloc(later->n + 1);
	size_t j, w, n;

	if (twin == NULL || (n = estate_twins(first, later, twin)) == (size_t)-1) {
		free(twin);
		return (size_t)-1;
	}
	for (j = w = 0; j < later->n; j++)
		if (!twin[j])
			later->rows[w++] = later->rows[j];
	later->n = w;
	free(twin);
	return n;
}

/* One workspace named by two profiles (estate_same_workspace): each token
 * stays with the first profile that lists it, so nothing is listed,
 * counted or sent twice; a note says how many the later one left out. */
static void
estate_once(struct cli *cli, struct token_table **tabs)
{
	size_t i, k, n;

	for (i = 1; i < cli->nws; i++) {
		for (k = 0; k < i && tabs[i] != NULL; k++) {
			if (tabs[k] == NULL ||
			    !estate_same_workspace(cli->ws[k].cfg.host, cli->ws[i].cfg.host))
				continue;
			if ((n = estate_drop_twins(tabs[k], tabs[i])) == (size_t)-1) {
				ws_fail(cli, &cli->ws[i], "out of memory");
				api_table_free(tabs[i]);
				tabs[i] = NULL;
			} else if (n > 0) {
				cli_msg("note: profile '%s' is the workspace of profile '%s' (%s): "
					"%zu of its tokens listed there too %s shown once, under '%s'",
					cli->ws[i].name, cli->ws[k].name, cli->ws[i].cfg.host, n,
					n == 1 ? "is" : "are", cli->ws[k].name);
			}
		}
	}
}

int
cli_estate_fetch_each(struct cli *cli, bool all, const char *user, struct token_table **tabs)
{
	struct estate_list l = { all, user };
	struct call *done[ESTATE_MAX], *conf[ESTATE_MAX];
	bool max = cli->ws_max_with_list;
	size_t i;

	estate_run_all2(cli, make_list, &l, done, max ? make_conf : NULL, conf);
	estate_collect(cli, done, tabs);
	estate_once(cli, tabs);
	for (i = 0; max && i < cli->nws; i++) {
		if (conf[i] != NULL && !cli->ws[i].failed)
			estate_max_one(cli, i, conf[i]);     /* only where the list came */
		call_free(conf[i]);
	}
	return cli_estate_live(cli) == 0 ? 1 : 0;
}

int
cli_estate_connect(struct cli *cli)
{
	if (!cli->o.many)
		return cli_connect(cli);
	return cli->ws != NULL ? 0 : estate_connect(cli);
}

/* Every workspace's list at once, merged. */
static int
estate_fetch(struct cli *cli, bool all, const char *user, struct token_table **out)
{
	struct token_table *tabs[ESTATE_MAX];
	char note[400];
	size_t i;
	int rc;

	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return status_exit_code(PATROL_NOMEM);
	rc = cli_estate_fetch_each(cli, all, user, tabs);   /* 1: every one failed, each said why */
	for (i = 0; i < cli->nws; i++) {
		if (tabs[i] != NULL && rc == 0 && estate_merge(*out, tabs[i], i, &cli->ws[i]) != 0)
			rc = status_exit_code(PATROL_NOMEM);
		api_table_free(tabs[i]);
	}
	if (rc == 0 && !cli->list_noted && token_table_note(*out, note, sizeof note)) {
		cli_msg("warning: %s", note);
		cli->list_noted = true;
	}
	if (rc != 0) {
		api_table_free(*out);
		*out = NULL;
	}
	return rc;
}

int
cli_estate_fetch(struct cli *cli, bool all, const char *user, struct token_table **out)
{
	return cli->o.many ? estate_fetch(cli, all, user, out) :
	       cli_fetch_tokens(cli, all, user, out);
}

void
cli_estate_filter_context(struct cli *cli, const struct token_filter *f)
{
	if (!cli->o.many)
		cli_filter_context(cli, f);
	else if (token_filter_flags(f) & TOKEN_FLAG(OVER_MAX_LIFETIME))
		cli_estate_max_lifetime(cli);
}

const char *
cli_estate_self(const struct cli *cli, const char *id)
{
	const struct token_ctx *ctx = &cli->out.ctx;
	size_t i;

	if (cli->self_id[0] && strcasecmp(cli->self_id, id) == 0)
		return cli->self_id;
	for (i = 0; i < ctx->nself_also; i++)
		if (strcasecmp(ctx->self_also[i], id) == 0)
			return ctx->self_also[i];
	return NULL;
}

/* Whether workspace i's tokens were searched: its list came, or that of
 * another profile of the same workspace did. */
static bool
estate_searched(const struct cli *cli, size_t i)
{
	size_t j;

	if (cli->ws[i].listed)
		return true;
	for (j = 0; cli->ws[i].cfg_loaded && j < cli->nws; j++)
		if (cli->ws[j].listed && estate_same_workspace(cli->ws[j].cfg.host, cli->ws[i].cfg.host))
			return true;
	return false;
}

size_t
cli_estate_unlisted(const struct cli *cli, struct buf *names)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < cli->nws; i++)
		n += !estate_searched(cli, i);
	for (i = 0; i < cli->nws; i++) {
		if (estate_searched(cli, i))
			continue;
		buf_printf(names, "%s'%s'", k == 0 ? "" : k + 1 == n ? " and " : ", ",
			   cli->ws[i].name);
		k++;
	}
	return n;
}

int
cli_estate_where(const struct cli *cli, struct buf *b)
{
	struct buf unl;
	size_t i, n = 0, at = 0, nunl;
	int rc;

	for (i = 0; i < cli->nws; i++)
		if (cli->ws[i].listed) {
			n++;
			at = i;
		}
	rc = n == 1 ? buf_printf(b, "workspace '%s'", cli->ws[at].name) :
	     buf_printf(b, "any of the %zu workspaces", n);
	buf_init(&unl, 0);
	if ((nunl = cli_estate_unlisted(cli, &unl)) > 0)
		rc |= buf_printf(b, " (not searched in %s: %s not be listed)",
				 unl.data != NULL ? unl.data : "", nunl == 1 ? "it could" : "they could");
	buf_free(&unl);
	return rc;
}

size_t
cli_estate_live(const struct cli *cli)
{
	size_t i, n = 0;

	for (i = 0; i < cli->nws; i++)
		n += !cli->ws[i].failed;
	return n;
}

static struct call *
make_conf(const void *arg)
{
	return api_conf_get();
}

/* The workspace's maximum from its answer (cli_max_parse, as for one). */
static void
estate_max_one(struct cli *cli, size_t i, const struct call *c)
{
	struct cli_ws *ws = &cli->ws[i];
	const char *bad;
	int d;

	ws->max_read = true;
	switch (cli_max_parse(c, &d, &bad)) {
	case CLI_MAX_UNREAD:
		cli_msg("note: workspace '%s': cannot read the maximum token lifetime (%s): "
			"over-max-lifetime is not computed there", ws->name,
			status_message(c->err.status));
		return;
	case CLI_MAX_BAD:
		cli_msg("note: workspace '%s': the maximum token lifetime '%s' is not a number "
			"of days: over-max-lifetime is not computed there", ws->name, bad);
		return;
	case CLI_MAX_KNOWN:
		break;
	}
	ws->max_known = true;
	ws->max_days = d;
	cli->out.ws[i].ctx.max_lifetime_ms = (int64_t)d * 86400000LL;
}

void
cli_estate_max_lifetime(struct cli *cli)
{
	struct call *done[ESTATE_MAX];
	size_t i;

	for (i = 0; i < cli->nws && (cli->ws[i].failed || cli->ws[i].max_read); i++)
		continue;
	if (i == cli->nws)
		return;         /* read with the lists (ws_max_with_list) */
	estate_run_all(cli, make_conf, NULL, done);
	for (i = 0; i < cli->nws; i++) {
		if (done[i] != NULL)
			estate_max_one(cli, i, done[i]);
		call_free(done[i]);
	}
}

size_t
cli_estate_filter(const struct cli *cli, const struct token_filter *f,
		  const struct token_table *tab, size_t *idx)
{
	struct token_table view;
	size_t i, k, n = 0, got;

	for (i = 0; i < cli->nws; i++) {
		const struct cli_ws *ws = &cli->ws[i];
		if (ws->failed || ws->count == 0)
			continue;
		view = *tab;
		view.rows = tab->rows + ws->first;
		view.n = view.cap = ws->count;
		got = token_filter_apply(f, &view, &cli->out.ws[i].ctx, idx + n);
		for (k = 0; k < got; k++)
			idx[n + k] += ws->first;
		n += got;
	}
	return n;
}

/* ---- quota over several workspaces ------------------------------------ */

/* A line of the summary: a workspace, or the total (ws NULL). */
struct quota_ws {
	const struct cli_ws *ws;
	size_t owners, active, expiring;
	struct token_owner_count *oc;      /* --all: its owners, most active first */
};

/* Workspace ws's rows of the merged table, as a table of their own (they
 * share its strings). */
static struct token_table
estate_view(const struct token_table *tab, const struct cli_ws *ws)
{
	struct token_table view = *tab;

	view.rows = tab->rows + ws->first;
	view.n = view.cap = ws->count;
	return view;
}

/* Count each live workspace into q[0..k) and the total into q[k]. Returns
 * k, or (size_t)-1 on out of memory. */
static size_t
quota_count(const struct cli *cli, const struct token_table *tab, bool owners,
	    struct quota_ws *q)
{
	struct token_table view;
	size_t i, k = 0;
	int64_t now = cli->out.ctx.now_ms;

	memset(&q[cli->nws], 0, sizeof q[cli->nws]);
	for (i = 0; i < cli->nws; i++) {
		if (cli->ws[i].failed)
			continue;
		view = estate_view(tab, &cli->ws[i]);
		memset(&q[k], 0, sizeof q[k]);
		q[k].ws = &cli->ws[i];
		q[k].active = token_active_count(&view, now);
		q[k].expiring = token_expiring_count(&view, now);
		if (owners && (q[k].owners = token_quota_by_owner(&view, now, &q[k].oc)) ==
		    (size_t)-1)
			return (size_t)-1;
		q[cli->nws].owners += q[k].owners;
		q[cli->nws].active += q[k].active;
		q[cli->nws].expiring += q[k].expiring;
		k++;
	}
	q[k] = q[cli->nws];
	return k;
}

enum { QW_WORKSPACE, QW_OWNERS, QW_ACTIVE, QW_EXPIRING, QW_FULLEST, QW_NCOLS };
static const struct table_col quota_ws_cols[QW_NCOLS] = {
	[QW_WORKSPACE] = { .header = "WORKSPACE", .flex = true },
	[QW_OWNERS] = { .header = "OWNERS", .right = true },
	[QW_ACTIVE] = { .header = "ACTIVE", .right = true },
	[QW_EXPIRING] = { .header = "EXPIRING", .right = true },
	[QW_FULLEST] = { .header = "NEAREST THE QUOTA", .flex = true },
};

static void
quota_ws_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct quota_ws *q = row;
	const struct token_owner_count *top = q->oc != NULL && q->owners > 0 ? &q->oc[0] : NULL;

	if (col == QW_WORKSPACE)
		snprintf(out, n, "%s", q->ws != NULL ? q->ws->name : "total");
	else if (col == QW_OWNERS)
		snprintf(out, n, "%zu", q->owners);
	else if (col == QW_ACTIVE && q->ws != NULL && q->oc == NULL)
		snprintf(out, n, "%zu/%d", q->active, TOKEN_QUOTA);   /* your own: one quota */
	else if (col == QW_ACTIVE)
		snprintf(out, n, "%zu", q->active);
	else if (col == QW_EXPIRING)
		snprintf(out, n, "%zu", q->expiring);
	else if (top != NULL)
		snprintf(out, n, "%s (%zu/%d)", top->owner[0] ? top->owner : "(unknown)",
			 top->active, TOKEN_QUOTA);
	else
		snprintf(out, n, "%s", "");
}

/* An owner of a workspace, for the --all table. */
struct quota_owner_row {
	const char *ws;
	const struct token_owner_count *oc;
};

enum { QO_WORKSPACE, QO_OWNER, QO_ACTIVE, QO_EXPIRING, QO_NCOLS };
static const struct table_col quota_owner_cols[QO_NCOLS] = {
	[QO_WORKSPACE] = { .header = "WORKSPACE", .flex = true },
	[QO_OWNER] = { .header = "OWNER", .flex = true },
	[QO_ACTIVE] = { .header = "ACTIVE", .right = true },
	[QO_EXPIRING] = { .header = "EXPIRING", .right = true },
};

static void
quota_owner_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct quota_owner_row *r = row;

	if (col == QO_WORKSPACE)
		snprintf(out, n, "%s", r->ws);
	else if (col == QO_OWNER)
		snprintf(out, n, "%s", r->oc->owner[0] ? r->oc->owner : "(unknown)");
	else if (col == QO_ACTIVE)
		snprintf(out, n, "%zu/%d", r->oc->active, TOKEN_QUOTA);
	else
		snprintf(out, n, "%zu", r->oc->expiring);
}

/* The table of every owner of every workspace (--all). */
static int
quota_owner_table(const struct cli *cli, const struct quota_ws *q, size_t k)
{
	struct table_out to = { cli->out.fp, cli->out.width, cli->out.color,
				cli->out.sanitize_flags };
	struct quota_owner_row *rows = calloc(q[k].owners + 1, sizeof *rows);
	struct table t = { quota_owner_cols, QO_NCOLS, 0, quota_owner_cell, NULL, rows,
			   sizeof *rows, NULL, 0 };
	size_t i, j;
	int rc;

	if (rows == NULL)
		return -1;
	for (i = 0; i < k; i++)
		for (j = 0; j < q[i].owners; j++)
			rows[t.nrows++] = (struct quota_owner_row){ q[i].ws->name, &q[i].oc[j] };
	rc = table_print(&to, &t);
	fputc('\n', cli->out.fp);
	free(rows);
	return rc;
}

static int
quota_table(const struct cli *cli, const struct quota_ws *q, size_t k, bool owners)
{
	struct table_out to = { cli->out.fp, cli->out.width, cli->out.color,
				cli->out.sanitize_flags };
	struct table t = { quota_ws_cols, QW_NCOLS, 0, quota_ws_cell, NULL, q, sizeof *q,
			   NULL, k + 1 };

	if (owners && quota_owner_table(cli, q, k) != 0)
		return -1;
	if (!owners)
		t.hidden = 1ul << QW_OWNERS | 1ul << QW_FULLEST;
	return table_print(&to, &t);
}

static json_t *
quota_json_owners(const struct quota_ws *q)
{
	json_t *arr = json_array();
	size_t j;

	for (j = 0; arr != NULL && j < q->owners; j++)
		json_array_append_new(arr, json_pack("{s:s,s:I,s:i,s:I}", "owner", q->oc[j].owner,
			"active", (json_int_t)q->oc[j].active, "quota", TOKEN_QUOTA,
			"expiring", (json_int_t)q->oc[j].expiring));
	return arr;
}

/* {"workspaces":[{workspace, host, active, expiring, quota | owners, by_owner}],
 *  "total":{active, expiring[, owners]}} */
static int
quota_json(const struct cli *cli, const struct quota_ws *q, size_t k, bool owners)
{
	json_t *arr = json_array(), *o, *total;
	size_t i;

	for (i = 0; arr != NULL && i < k; i++) {
		o = json_pack("{s:s,s:s,s:I,s:I}", "workspace", q[i].ws->name,
			      "host", q[i].ws->cfg.host, "active", (json_int_t)q[i].active,
			      "expiring", (json_int_t)q[i].expiring);
		if (o != NULL && owners) {
			json_object_set_new(o, "owners", json_integer((json_int_t)q[i].owners));
			json_object_set_new(o, "by_owner", quota_json_owners(&q[i]));
		} else if (o != NULL) {
			json_object_set_new(o, "quota", json_integer(TOKEN_QUOTA));
		}
		json_array_append_new(arr, o);
	}
	total = json_pack("{s:I,s:I}", "active", (json_int_t)q[k].active,
			  "expiring", (json_int_t)q[k].expiring);
	if (total != NULL && owners)
		json_object_set_new(total, "owners", json_integer((json_int_t)q[k].owners));
	return cli_output_json(cli->out.fp, json_pack("{s:o,s:o}", "workspaces", arr,
						      "total", total));
}

/* One CSV row a workspace (your own), or a workspace's owner (--all). */
static int
quota_csv(const struct cli *cli, const struct quota_ws *q, size_t k, bool owners)
{
	FILE *fp = cli->out.fp;
	size_t i, j;

	fputs(owners ? "workspace,owner,active,quota,expiring\n" :
	      "workspace,host,active,quota,expiring\n", fp);
	for (i = 0; i < k && !owners; i++) {
		cli_output_csv_field(fp, q[i].ws->name, 0, false);
		cli_output_csv_field(fp, q[i].ws->cfg.host, 0, false);
		fprintf(fp, "%zu,%d,%zu\n", q[i].active, TOKEN_QUOTA, q[i].expiring);
	}
	for (i = 0; i < k && owners; i++) {
		for (j = 0; j < q[i].owners; j++) {
			cli_output_csv_field(fp, q[i].ws->name, 0, false);
			cli_output_csv_field(fp, q[i].oc[j].owner, 0, false);
			fprintf(fp, "%zu,%d,%zu\n", q[i].oc[j].active, TOKEN_QUOTA,
				q[i].oc[j].expiring);
		}
	}
	return ferror(fp) ? -1 : 0;
}

int
cli_estate_quota(struct cli *cli, const struct token_table *tab)
{
	struct quota_ws *q = calloc(cli->nws + 1, sizeof *q);
	bool owners = cli->o.all;
	size_t k = (size_t)-1, i;
	int rc;

	if (q != NULL)
		k = quota_count(cli, tab, owners, q);
	if (k == (size_t)-1) {
		rc = status_exit_code(PATROL_NOMEM);
		cli_msg("out of memory");
	} else if (cli->o.format == CLI_FORMAT_JSON) {
		rc = cli_written(quota_json(cli, q, k, owners));
	} else if (cli->o.format == CLI_FORMAT_CSV) {
		rc = cli_written(quota_csv(cli, q, k, owners));
	} else {
		rc = cli_written(quota_table(cli, q, k, owners));
	}
	for (i = 0; q != NULL && i < cli->nws + 1; i++)
		if (q[i].ws != NULL)
			free(q[i].oc);
	free(q);
	return rc;
}

int
cli_estate_match_add(struct buf *b, size_t k, size_t n, const struct token_info *t,
		     const char *ws)
{
	char id[TOKEN_ID_LEN + 1];

	return buf_printf(b, "%s%.*s in '%s'", k == 0 ? "" : k + 1 == n ? " and " : ", ",
			  TOKEN_SHORT_ID_LEN, token_id_hex(t, id), ws);
}

/* Rows of workspace i's view that id names: its one row, or -1 (none) or
 * -2 (a prefix of several there). */
static long
estate_find_in(const struct cli *cli, const struct token_table *tab, size_t i, const char *id)
{
	struct token_table view;

	if (cli->ws[i].failed || cli->ws[i].count == 0)
		return -1;
	view = estate_view(tab, &cli->ws[i]);
	return token_find(&view, id);
}

long
cli_estate_find(const struct cli *cli, const struct token_table *tab, const char *id)
{
	size_t i, k = 0, n = 0, unlisted;
	long row, found = -1;
	struct buf where;

	for (i = 0; i < cli->nws; i++) {      /* an id is unique only in its workspace */
		if ((row = estate_find_in(cli, tab, i, id)) == -2) {
			struct token_table view = estate_view(tab, &cli->ws[i]);
			return cli_find_token(&view, id);      /* says: give more characters */
		}
		if (row >= 0) {
			found = (long)cli->ws[i].first + row;
			n++;
		}
	}
	buf_init(&where, 0);
	if (n > 1) {
		for (i = 0; i < cli->nws; i++)
			if ((row = estate_find_in(cli, tab, i, id)) >= 0)
				cli_estate_match_add(&where, k++, n,
						     &tab->rows[cli->ws[i].first + (size_t)row],
						     cli->ws[i].name);
		cli_msg("'%s' matches %s: name the workspace with -p%s", id,
			where.data != NULL ? where.data : "tokens in several workspaces",
			strlen(id) < TOKEN_ID_LEN ? " (or give more of the id)" : "");
		found = -2;             /* ambiguous: a usage error, as for one workspace */
	} else if (n == 1 && (unlisted = cli_estate_unlisted(cli, &where)) > 0) {
		cli_msg("note: '%s' was not searched for in %s: %s not be listed", id,
			where.data != NULL ? where.data : "", unlisted == 1 ? "it could" :
			"they could");
	} else if (n == 0 && strlen(id) < TOKEN_PREFIX_MIN) {
		found = cli_find_token(tab, id);
	} else if (n == 0) {
		cli_estate_where(cli, &where);
		cli_msg("no token with id '%s' in %s%s", id, where.data != NULL ? where.data : "",
			cli->o.all ? "" : " (another user's token needs --all)");
	}
	buf_free(&where);
	return found;
}

void
cli_estate_sub(const struct cli *cli, size_t i, struct cli *sub)
{
	*sub = *cli;
	sub->o.many = false;
	sub->o.all_profiles = false;       /* it is this profile's workspace alone */
	sub->o.profile = sub->o.profiles[0] = cli->ws[i].name;
	sub->o.nprofiles = 1;
	sub->part = cli->ws[i].name;
	sub->cfg = cli->ws[i].cfg;
	sub->cfg_loaded = true;
	sub->w = cli->ws[i].w;
	memcpy(sub->self_id, cli->ws[i].self_id, sizeof sub->self_id);
	sub->out.ctx = cli->out.ws[i].ctx;
	sub->out.ws = NULL;
	sub->out.nws = 0;
	sub->ws = NULL;
	sub->nws = 0;
	sub->finish = NULL;
	memset(&sub->pick, 0, sizeof sub->pick);
}
