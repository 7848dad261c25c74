/*
 * ui_estate.c: several workspaces on show at once (issue 11): `-p A -p B`,
 * --profiles, --all-profiles, or several profiles picked in the profile
 * list (P).
 *
 * Each workspace is a member: a struct ui_ws of its own, started as
 * :profile starts one (its config, patrol's config for it, its own worker,
 * pace, sign-in and admin check), that loads its own list. Their answers
 * are taken into the member they are for, exactly as with one workspace
 * (u->ws points at the member while ui_answers_take runs), and when a
 * member's list has come (or failed) the table on show, u->ws, is built
 * again as the members' rows together, each row's workspace field naming
 * its member. A revocation or pin session over the merged table has a
 * part per member (ui_bulk.c): each member's worker sends its part, and
 * the session's answers come back here to the merged table. Editing,
 * rotating and creating one token act on one workspace, the row's (create
 * asks which, the row's by default): ui_estate_one runs them with u->ws
 * set to that member, and the dialogs they open keep it (ui_dialog_open),
 * so their calls go to its worker and their answers come back to it.
 */
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "estate.h"
#include "sanitize.h"
#include "ui_internal.h"

/* Why a list failed, for the header: without what every such line says. */
static const char *
ui_estate_why(const char *load_err)
{
	static const char lead[] = "cannot list tokens: ";

	return strncmp(load_err, lead, sizeof lead - 1) == 0 ? load_err + sizeof lead - 1 : load_err;
}

/* What failed, one "NAME: why" a member, into u->est_note. */
static void
ui_estate_note(struct ui *u)
{
	size_t i, len = 0;
	const struct ui_ws *m;
	const char *why;

	u->est_note[0] = '\0';
	for (i = 0; i < u->nest && len + 1 < sizeof u->est_note; i++) {
		m = u->est[i];
		why = m->load_err[0] != '\0' ? ui_estate_why(m->load_err) :
		    u->ws->admin == UI_ADMIN_ON && m->admin == UI_ADMIN_OFF && m->me != NULL ?
		    "not an admin: own tokens only" : NULL;
		if (why == NULL)
			continue;
		len += (size_t)snprintf(u->est_note + len, sizeof u->est_note - len, "%s%s: %s",
		    len > 0 ? "; " : "", m->profile, why);
	}
}

/* Whether member m's list is yet to come for the first time: neither
 * loaded nor failed since its table was last emptied (a refresh of a
 * member that failed keeps it known: its twin's rows stay on show). */
static bool
ui_estate_unknown(const struct ui_ws *m)
{
	return !m->loaded && !m->answered;
}

/* The rows of member i the table on show leaves out (skip[j]): revoked
 * ones (a member that named the same workspace marked them gone too), and
 * those an earlier member of the same workspace lists (one workspace under
 * two profiles: estate_twins), counted into u->est_once. Until that earlier
 * member's list has come (or failed), which of member i's rows it has is
 * not known: all of them wait, so a twin never shows twice, nor appears and
 * goes again. */
static unsigned char *
ui_estate_skips(struct ui *u, size_t i, size_t *len)
{
	const struct ui_ws *m = u->est[i];
	unsigned char *skip = ui_xcalloc(m->tab.n + 1, 1), *twin = ui_xcalloc(m->tab.n + 1, 1);
	size_t j, k, n;

	for (j = 0; j < m->tab.n; j++)
		skip[j] = (m->marks[j] & UI_MARK_GONE) != 0;
	for (k = 0; k < i; k++) {
		if (!estate_same_workspace(u->est[k]->cfg->host, m->cfg->host))
			continue;
		if (ui_estate_unknown(u->est[k])) {
			memset(skip, 1, m->tab.n);
			break;
		}
		if ((n = estate_twins(&u->est[k]->tab, &m->tab, twin)) == (size_t)-1)
			ui_fatal("out of memory");
		for (j = 0; j < m->tab.n; j++)
			skip[j] |= twin[j];
		if (n > 0 && *len < sizeof u->est_once)
			*len += (size_t)snprintf(u->est_once + *len, sizeof u->est_once - *len,
			    "%s%zu token%s of %s shown once, under %s (one workspace)",
			    *len > 0 ? "; " : "", n, n == 1 ? "" : "s", m->profile, u->est[k]->profile);
	}
	free(twin);
	return skip;
}

/* The table on show: every member's rows, its own flags (each workspace
 * has its own max lifetime and its own token in use), marks kept by key. */
static void
ui_estate_merge(struct ui *u, bool say)
{
	struct token_table *t = ui_xcalloc(1, sizeof *t);
	unsigned char **skip = ui_xcalloc(u->nest, sizeof *skip);
	struct token_info *row;
	const struct ui_ws *m;
	size_t i, j, at = 0, loading = 0, len = 0;

	u->est_once[0] = '\0';
	for (i = 0; i < u->nest; i++) {
		m = u->est[i];
		loading += (m->loading & (1u << UI_JOB_LIST)) != 0;
		skip[i] = ui_estate_skips(u, i, &len);
		for (j = 0; j < m->tab.n; j++) {
			if (skip[i][j])
				continue;
			if ((row = token_table_add_copy(t, &m->tab.rows[j])) == NULL)
				ui_fatal("out of memory");
			row->workspace = (unsigned short)i;
		}
	}
	ui_state_swap(u, t);
	for (i = 0; i < u->nest; i++) {
		for (j = 0, m = u->est[i]; j < m->tab.n; j++)
			if (!skip[i][j])
				u->ws->flags[at++] = m->flags[j];
		free(skip[i]);
	}
	free(skip);
	ui_state_refilter(u);
	u->drawn_valid = false;
	ui_estate_note(u);
	if (loading == 0 && say)
		ui_msg(u, u->est_note[0] != '\0', "%zu token%s in %zu workspaces%s%s%s%s%s",
		    u->ws->tab.n, u->ws->tab.n == 1 ? "" : "s", u->nest,
		    u->est_note[0] != '\0' ? "; some failed (see the header)" : "",
		    u->est_skipped != NULL ? "; note: " : "",
		    u->est_skipped != NULL ? u->est_skipped : "",
		    u->est_once[0] != '\0' ? "; note: " : "", u->est_once);
}

int
ui_estate_open(struct ui *u, const char *const *names, size_t n)
{
	struct ui_ws **est, *view;
	bool admin = u->ws->admin != UI_ADMIN_OFF;
	char *label;                 /* the names, whole: "prod,staging" */
	size_t i, len = 1, w;

	if (n < 2 || n > ESTATE_MAX)
		return ui_msg(u, true, "pick from 2 to %d workspaces", ESTATE_MAX), -1;
	est = ui_xcalloc(n, sizeof *est);
	for (i = 0; i < n; i++) {
		if ((est[i] = ui_ws_start(u, names[i])) != NULL)
			continue;
		while (i > 0)
			ui_ws_free(est[--i]);
		free(est);
		return -1;
	}
	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	label = ui_xcalloc(len, 1);
	u->wide_ws = strlen("WORKSPACE") + 1;      /* and the sort arrow */
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(label, ",");
		strcat(label, names[i]);
		est[i]->admin = admin ? UI_ADMIN_WAIT : UI_ADMIN_OFF;
		if ((w = strlen(names[i])) > u->wide_ws)
			u->wide_ws = w > 24 ? 24 : w;
	}
	view = ui_ws_new(u->opts->cfg, label);
	free(label);
	/* a session goes to each row's own workspace (ui_bulk.c): refused
	 * when every one is read-only, else for a read-only one's rows */
	view->read_only = true;
	for (i = 0; i < n; i++)
		view->read_only = view->read_only && est[i]->read_only;
	view->admin = admin ? UI_ADMIN_ON : UI_ADMIN_OFF;
	ui_state_estate_free(u);
	ui_ws_free(u->ws);
	u->est_skipped = NULL;       /* said of the workspaces picked at start */
	u->ws = view;
	u->est = est;
	u->nest = n;
	u->est_names = ui_xcalloc(n, sizeof *u->est_names);
	for (i = 0; i < n; i++)
		u->est_names[i] = est[i]->profile;
	view->ctx.workspaces = u->est_names;    /* workspace:NAME */
	view->ctx.nworkspaces = n;
	u->gen++;
	u->cursor = u->top = 0;
	u->have_last_tag = false;
	u->drawn_valid = false;
	if (u->mode != UI_MODE_TABLE) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
	ui_state_load(u);
	ui_msg(u, false, "%zu workspaces: loading%s", n, u->ascii ? "..." : "\u2026");
	return 0;
}

/* Whether c belongs to a revocation or pin session: its revokes (or
 * pins), or the fresh list of its re-plan. The session is the merged
 * table's, each member running its part (ui_bulk.c). */
static bool
ui_estate_session_call(const struct call *c)
{
	return (c->tag & BULK_TAG) != 0 || (c->tag & 0xff) == UI_JOB_REPLAN;
}

/* Whether a member's list is still on its way. */
static bool
ui_estate_listing(const struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nest; i++)
		if (u->est[i]->loading & (1u << UI_JOB_LIST))
			return true;
	return false;
}

unsigned
ui_estate_results(struct ui *u, size_t i)
{
	struct ui_ws *view = u->ws, *m = u->est[i];
	size_t cursor = u->cursor, top = u->top;
	bool listing = (m->loading & (1u << UI_JOB_LIST)) != 0;
	/* the counts replace what the status line says only as with one
	 * workspace (ui_answers.c): a first load, a refresh, a failed list,
	 * "loading"; never a session's outcome (a pin session reloads) */
	bool say = !m->loaded || strncmp(u->status, "refreshing", 10) == 0 ||
	    strncmp(u->status, "cannot list", 11) == 0 || strstr(u->status, "loading") != NULL;
	unsigned r = UI_R_NONE;
	struct call *c;
	char before[sizeof u->status];
	bool session = false;

	memcpy(before, u->status, sizeof before);
	u->ws = m;                   /* the answer is the member's, as with one */
	while ((c = worker_take(m->w)) != NULL) {
		if (ui_estate_session_call(c)) {     /* the session's: the merged table's */
			u->ws = view;
			u->cursor = cursor;
			u->top = top;
			r |= ui_bulk_on_part(u, i, c);
			cursor = u->cursor;
			top = u->top;
			u->ws = m;
			session = true;
			continue;
		}
		r |= ui_answers_take(u, c);
	}
	if (session)                 /* revoked rows leave the member, then the table */
		r |= ui_state_compact(u);
	u->ws = view;
	u->cursor = cursor;
	u->top = top;
	if (u->est_gone && !(listing && (m->loading & (1u << UI_JOB_LIST)) == 0)) {
		u->est_gone = false;         /* a rotation's old token: it leaves now */
		ui_estate_merge(u, false);
		r |= UI_R_ALL;
	}
	if (listing && (m->loading & (1u << UI_JOB_LIST)) == 0) {
		u->est_gone = false;
		ui_estate_merge(u, say);
		/* the member said its own count: until the last list is in, the
		 * line says what it said ("refreshing"), so the last one's merge
		 * says the total */
		if (say && ui_estate_listing(u))
			ui_msg(u, false, "%s", before);
		if (m->resume_path != NULL)       /* an accepted resume waited for it */
			r |= ui_bulk_loaded(u);
		r |= UI_R_ALL;
	} else if (session) {
		r |= ui_state_compact(u);
	}
	return r;
}

unsigned
ui_estate_admin(struct ui *u)
{
	struct ui_ws *view = u->ws, *m;
	bool on = view->admin != UI_ADMIN_ON;
	size_t i;

	view->admin = on ? UI_ADMIN_ON : UI_ADMIN_OFF;
	if (!on && u->sort == TOKEN_SORT_OWNER)
		u->sort = TOKEN_SORT_EXPIRES;
	for (i = 0; i < u->nest; i++) {
		u->ws = m = u->est[i];
		if (!on && m->admin != UI_ADMIN_OFF)
			ui_state_source(u, UI_ADMIN_OFF);
		else if (on && m->me != NULL && m->me->is_admin)
			ui_state_source(u, UI_ADMIN_ON);
		else if (on && m->me == NULL) {
			m->admin = UI_ADMIN_WAIT;   /* its Me decides, as with one */
			ui_state_ask_me(u);
		}
	}
	u->ws = view;
	u->cursor = u->top = 0;
	ui_estate_merge(u, false);
	ui_msg(u, false, "%s in %zu workspaces: loading%s", on ? "admin mode" : "your own tokens",
	    u->nest, u->ascii ? "..." : "\u2026");
	return UI_R_ALL;
}

unsigned
ui_estate_retry_tick(struct ui *u)
{
	struct worker_stats st;
	struct ui_ws *m;
	size_t i;

	for (i = 0; i < u->nest; i++) {
		m = u->est[i];
		worker_stats(m->w, &st);
		if (st.retries == m->retries_seen || st.retry_note[0] == '\0' ||
		    duration_mono_ms() - st.retry_since_ms < UI_RETRY_AFTER_MS)
			continue;
		m->retries_seen = st.retries;
		ui_msg(u, true, "%s: retrying (%d): %s", m->profile, st.retry_attempt, st.retry_note);
		return UI_R_STATUS;
	}
	return UI_R_NONE;
}

bool
ui_estate_pending(const struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nest; i++)
		if (worker_pending(u->est[i]->w) > 0)
			return true;
	return false;
}

/* Whether member m refuses what (a key's name): read-only in patrol's
 * config or by --read-only (said on the status line). */
static bool
ui_estate_read_only(struct ui *u, const struct ui_ws *m, const char *what)
{
	if (!m->read_only)
		return false;
	ui_msg(u, true, "read-only: %s is refused (profile %s is read-only in %s)", what,
	    m->profile, m->prefs.path != NULL ? m->prefs.path : "patrol's config");
	return true;
}

/* Run fn on member m: ws set to it, the merged table's cursor kept. */
static unsigned
ui_estate_on(struct ui *u, struct ui_ws *m, unsigned (*fn)(struct ui *u, const void *arg),
	     const void *arg)
{
	struct ui_ws *view = u->ws;
	size_t cursor = u->cursor, top = u->top;
	unsigned r;

	u->ws = m;
	r = fn(u, arg);
	u->ws = view;
	u->cursor = cursor;
	u->top = top;
	return r;
}

/* The member's own row of token id (arg), then on_row on it. */
struct ui_estate_row {
	const char *id;
	ui_row_fn on_row;
	const char *what;            /* the key's name */
};

static unsigned
ui_estate_row_do(struct ui *u, const void *arg)
{
	const struct ui_estate_row *a = arg;
	long row = ui_state_row_of(u, a->id, false);

	if (row < 0)
		return ui_msg(u, true, "the token is no longer listed in %s", u->ws->profile),
		    UI_R_STATUS;
	if (ui_state_row_gone(u, &u->ws->tab.rows[row], a->what))
		return UI_R_STATUS;
	return a->on_row(u, &u->ws->tab.rows[row]);
}

static unsigned
ui_estate_create_do(struct ui *u, const void *arg)
{
	(void)arg;
	return ui_a_create(u);
}

/* Create: the workspace was named (or not). */
static unsigned
ui_estate_create_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	const char *name = dialog_input_value(d);
	size_t i;

	if (res != DIALOG_OK)
		return ui_msg(u, false, "nothing created"), UI_R_STATUS;
	for (i = 0; i < u->nest && strcmp(u->est[i]->profile, name) != 0; i++)
		;
	if (i == u->nest)
		return ui_msg(u, true, "no workspace '%s' on show: nothing created (c asks again)",
		    name), UI_R_STATUS;
	if (ui_estate_read_only(u, u->est[i], "creating a token"))
		return UI_R_STATUS;
	return ui_estate_on(u, u->est[i], ui_estate_create_do, NULL);
}

/* c: in which workspace? The row's by default. */
static unsigned
ui_estate_create_ask(struct ui *u)
{
	char names[300], line[360];
	const char *lines[1] = { line };
	size_t i, len = 0, max = 63;    /* the field takes the longest name whole */

	names[0] = '\0';
	for (i = 0; i < u->nest; i++) {
		if (len < sizeof names)
			len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
			    i > 0 ? ", " : "", u->est[i]->profile);
		if (strlen(u->est[i]->profile) > max)
			max = strlen(u->est[i]->profile);
	}
	snprintf(line, sizeof line, "In which workspace? %s", names);
	sanitize_cell(line, 0, 0, u->sflags, names, sizeof names);
	snprintf(line, sizeof line, "%s", names);
	ui_dialog_open(u, dialog_input_new("Create a token", lines, 1, "Workspace",
	    "a profile on show", ui_state_row_ws(u)->profile, max, NULL, u->ascii),
	    ui_estate_create_done, NULL);
	return UI_R_ALL;
}

unsigned
ui_estate_one(struct ui *u, const char *what, ui_row_fn on_row)
{
	const struct token_info *t = ui_state_current(u);
	char id[TOKEN_ID_LEN + 1];
	struct ui_estate_row a = { id, on_row, what };
	struct ui_ws *m;

	if (on_row == NULL)
		return ui_estate_create_ask(u);
	if (t == NULL || t->workspace >= u->nest)
		return UI_R_NONE;
	m = u->est[t->workspace];
	if (ui_estate_read_only(u, m, what))
		return UI_R_STATUS;
	token_id_hex(t, id);
	return ui_estate_on(u, m, ui_estate_row_do, &a);
}
