/*
 * ui_state.c: the model behind the screen.
 *
 * The workspace on show (struct ui_ws: the table the worker sent, the
 * audit flags of each row computed once per load, the marks kept by token
 * (workspace and id: struct ui_rowkey) across refreshes, who we are and the settings, the revocation
 * session), the filtered and sorted view of it, the status message and the
 * lines of the open view. No drawing, no key handling, no curses: it calls
 * nothing in ui/ but ui_columns.c and ui_util.c, and says what changed in
 * reaction bits (UI_R_LIST when an open list view must be rebuilt).
 * What the worker's answers do to it is ui_answers.c's.
 *
 * The source of the table: own tokens (Token API) or, in admin mode, every
 * token of the workspace (Token Management API). Admin mode is only entered
 * once SCIM Me said we are in admins; asked for before that, it waits for
 * the answer (UI_ADMIN_WAIT) and sends no token-management request. A
 * switch of source empties the table, the tags and the staged revocations
 * (the ids of other people's tokens come and go with it), and a list of the
 * other source still in flight is dropped when it arrives (its call's index
 * says which source it was for).
 *
 * A profile switch resolves the new profile, reloads patrol's own config
 * for it and merges it with the command-line flags as the command line
 * does (prefs_merge): read-only if the flag or the profile says so; --jobs
 * and --rate win over the file; the stale patterns come from the file.
 * Then a new worker starts with those options.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "estate.h"
#include "journal.h"
#include "prefs.h"
#include "sanitize.h"
#include "secret.h"
#include "ui_internal.h"

void
ui_msg(struct ui *u, bool error, const char *fmt, ...)
{
	char raw[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize_cell(raw, 0, 0, u->sflags, u->status, sizeof u->status);
	u->status_error = error;
}

void
ui_msg_clear(struct ui *u)
{
	u->status[0] = '\0';
	u->status_error = false;
}

static void
ui_state_grow(struct ui *u, size_t n)
{
	if (n <= u->ws->cap)
		return;
	u->ws->flags = ui_xreallocarray(u->ws->flags, n, sizeof *u->ws->flags);
	u->ws->marks = ui_xreallocarray(u->ws->marks, n, sizeof *u->ws->marks);
	u->ws->shown = ui_xreallocarray(u->ws->shown, n, sizeof *u->ws->shown);
	free(u->ws->inview);
	u->ws->inview = ui_xcalloc(n, sizeof *u->ws->inview);
	u->ws->cap = n;
}

/* Forget the per-key orders: the rows changed (a load or a compaction). */
static void
ui_ws_orders_free(struct ui_ws *ws)
{
	size_t k;

	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		free(ws->order[k]);
		ws->order[k] = NULL;
	}
}

/* Every row in ascending order of key k, sorted once per table (desc is
 * exactly the reverse: the tie-breaks reverse too). NULL on out of memory. */
static const size_t *
ui_state_order(struct ui *u, enum token_sort_key k)
{
	size_t i, *o;

	if (u->ws->order[k] != NULL || u->ws->tab.n == 0)
		return u->ws->order[k];
	if ((o = malloc(u->ws->tab.n * sizeof *o)) == NULL)
		return NULL;
	for (i = 0; i < u->ws->tab.n; i++)
		o[i] = i;
	token_sort(&u->ws->tab, o, u->ws->tab.n, k, false);
	return u->ws->order[k] = o;
}

/* Whether table row i is in workspace ws (SIZE_MAX: any). */
static bool
ui_state_row_in(const struct ui *u, size_t i, size_t ws)
{
	return ws == SIZE_MAX || u->ws->tab.rows[i].workspace == ws;
}

/* The row holding id in workspace ws (SIZE_MAX: any), or -1. Ids are
 * unique to their workspace, so the merged table of several may hold one
 * twice: the first of the id order's run of equals that is in ws. */
static long
ui_state_row_ws_of(struct ui *u, size_t ws, const char *id, bool many)
{
	const size_t *o = many ? ui_state_order(u, TOKEN_SORT_ID) : u->ws->order[TOKEN_SORT_ID];
	size_t lo = 0, hi = u->ws->tab.n, i;
	char hex[TOKEN_ID_LEN + 1];

	if (o == NULL) {             /* one lookup (or no memory): a scan */
		for (i = 0; i < u->ws->tab.n; i++)
			if (strcmp(token_id_hex(&u->ws->tab.rows[i], hex), id) == 0 &&
			    ui_state_row_in(u, i, ws))
				return (long)i;
		return -1;
	}
	while (lo < hi) {           /* the id order, the text byte for byte: the first not below */
		i = lo + (hi - lo) / 2;
		if (strcmp(token_id_hex(&u->ws->tab.rows[o[i]], hex), id) < 0)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < u->ws->tab.n && strcmp(token_id_hex(&u->ws->tab.rows[o[i]], hex), id) == 0;
	    i++)
		if (ui_state_row_in(u, o[i], ws))
			return (long)o[i];
	return -1;
}

long
ui_state_row_of(struct ui *u, const char *id, bool many)
{
	return ui_state_row_ws_of(u, SIZE_MAX, id, many);
}

struct ui_rowkey *
ui_state_key(const struct token_info *t, struct ui_rowkey *k)
{
	token_id_hex(t, k->id);
	k->ws = t->workspace;
	return k;
}

long
ui_state_row_key(struct ui *u, const struct ui_rowkey *k, bool many)
{
	return ui_state_row_ws_of(u, k->ws, k->id, many);
}

long
ui_state_part_row(struct ui *u, size_t part, const char *id, bool many)
{
	return ui_state_row_ws_of(u, UI_ESTATE(u) ? part : SIZE_MAX, id, many);
}

size_t
ui_state_parts(const struct ui *u)
{
	return UI_ESTATE(u) ? u->nest : 1;
}

struct ui_ws *
ui_state_part(const struct ui *u, size_t part)
{
	return UI_ESTATE(u) ? u->est[part] : u->ws;
}

/* Order the shown rows by the current key: one pass over the key's full
 * order picks them out, so a re-sort or a filter keystroke costs O(rows)
 * instead of a sort. Falls back to token_sort when memory is short. */
static void
ui_state_order_shown(struct ui *u)
{
	const size_t *o = ui_state_order(u, u->sort);
	size_t i, row, n = 0, t = u->ws->tab.n;

	if (o == NULL || u->ws->nshown == 0) {
		token_sort(&u->ws->tab, u->ws->shown, u->ws->nshown, u->sort, u->desc);
		return;
	}
	for (i = 0; i < u->ws->nshown; i++)
		u->ws->inview[u->ws->shown[i]] = 1;
	for (i = 0; i < t; i++) {
		row = o[u->desc ? t - 1 - i : i];
		if (u->ws->inview[row]) {
			u->ws->inview[row] = 0;
			u->ws->shown[n++] = row;
		}
	}
}

/* Sort every key up front after a load, so no later keystroke pays for a
 * sort (about 10 ms a key at 100,000 rows, once per load). */
static void
ui_state_orders_build(struct ui *u)
{
	bool merged = UI_ESTATE(u) && u->ws->w == NULL;
	size_t k;

	if (UI_ESTATE(u) && !merged)
		return;              /* one of several: its rows show in the merged table */
	for (k = 0; k < TOKEN_SORT_COUNT; k++)
		if ((k != TOKEN_SORT_OWNER || UI_MGMT(u)) && (k != TOKEN_SORT_WORKSPACE || merged))
			(void)ui_state_order(u, (enum token_sort_key)k);
}

/* ---- the workspace on show ---------------------------------------------- */

struct ui_ws *
ui_ws_new(const struct config *cfg, const char *profile)
{
	struct ui_ws *ws = ui_xcalloc(1, sizeof *ws);

	ws->cfg = cfg;
	ws->profile = ui_xstrdup(profile);
	config_self_id(cfg, ws->self_id);
	ws->ctx.self_id = ws->self_id[0] != '\0' ? ws->self_id : NULL;
	ws->ctx.now_ms = duration_now_ms();
	ws->ctx_name = ws->profile;      /* workspace:NAME names this one */
	ws->ctx.workspaces = &ws->ctx_name;
	ws->ctx.nworkspaces = 1;
	if ((ws->bulk = bulk_new(false)) == NULL)
		ui_fatal("out of memory");
	return ws;
}

/* Forget the revocation session (its journal closed) and an offered resume. */
static void
ui_ws_session_free(struct ui_ws *ws)
{
	bulk_reset(ws->bulk, false);
	free(ws->resume_path);
	ws->resume_path = NULL;
	ws->bphase = UI_BULK_IDLE;
}

void
ui_ws_free(struct ui_ws *ws)
{
	if (ws == NULL)
		return;
	if (ws->w != NULL)
		worker_stop(ws->w);
	ui_ws_session_free(ws);
	bulk_free(ws->bulk);
	rotate_free(ws->rot);        /* unfinished: patrol rotate --resume */
	token_table_free(&ws->tab);
	free(ws->flags);
	free(ws->marks);
	free(ws->shown);
	free(ws->inview);
	ui_ws_orders_free(ws);
	free(ws->owners);
	api_me_free(ws->me);
	api_conf_free(ws->conf);
	api_perms_free(ws->perms);
	ui_perm_rm_free(ws->perm_rm);
	prefs_free(&ws->prefs);
	free(ws->profile);
	if (ws->own_cfg)
		config_free(&ws->cfg_own);
	memset(ws, 0, sizeof *ws);
	free(ws);
}

/* ---- what the view remembers, per profile ------------------------------- */

/* The remembered state of the profile on show (read on first use). */
static struct viewstate *
ui_state_entry(struct ui *u)
{
	struct patrol_err err;
	char *warn = NULL;
	size_t i;

	for (i = 0; i < u->nstates; i++)
		if (strcmp(u->states[i].profile, u->ws->profile) == 0)
			return &u->states[i];
	u->states = ui_xreallocarray(u->states, u->nstates + 1, sizeof *u->states);
	status_clear(&err);
	if (viewstate_load(u->ws->profile, &u->states[u->nstates], &warn, &err) != PATROL_OK)
		ui_fatal("out of memory");
	if (warn != NULL)
		snprintf(u->state_note, sizeof u->state_note, "the remembered view is not used: %s",
		    warn);
	free(warn);
	return &u->states[u->nstates++];
}

void
ui_state_recall(struct ui *u, bool start)
{
	const struct viewstate *vs = ui_state_entry(u);
	bool first = u->ws->cfg == u->opts->cfg;     /* the profile patrol started with */
	const char *cols = vs->columns != NULL ? vs->columns :
	    first ? u->opts->columns : u->ws->prefs.columns;
	char why[160];

	u->columns_chosen = vs->columns != NULL;
	if (ui_columns_set(u, cols, why, sizeof why) != 0) {
		ui_columns_set(u, NULL, why, sizeof why);
		u->columns_chosen = false;
	}
	if (vs->sort != NULL && !(start && u->opts->sort != NULL))
		token_sort_parse(vs->sort, &u->sort, &u->desc);
	if (vs->admin == 1 && u->ws->admin == UI_ADMIN_OFF)
		u->ws->admin = UI_ADMIN_WAIT;
	else if (vs->admin == 0 && !start)
		u->ws->admin = UI_ADMIN_OFF;
	ui_state_refresh_every(u, 1000LL * (first ? u->opts->refresh_s : u->ws->prefs.refresh_s));
}

/* Note what the profile on show shows now. */
static void
ui_state_remember(struct ui *u)
{
	struct viewstate *vs = ui_state_entry(u);
	char buf[256];

	snprintf(buf, sizeof buf, "%s:%s", token_sort_name(u->sort), u->desc ? "desc" : "asc");
	free(vs->sort);
	vs->sort = ui_xstrdup(buf);
	ui_columns_spec(u, buf, sizeof buf);
	free(vs->columns);
	vs->columns = u->columns_chosen ? ui_xstrdup(buf) : NULL;
	vs->admin = u->ws->admin != UI_ADMIN_OFF;
}

void
ui_state_save(struct ui *u)
{
	struct patrol_err err;

	ui_state_remember(u);
	status_clear(&err);
	if (viewstate_save(u->states, u->nstates, &err) != PATROL_OK)
		fprintf(stderr, "patrol: warning: the view is not remembered for next time: %s\n",
		    err.message);
}

/* ---- auto-refresh ---------------------------------------------------------- */

void
ui_state_refresh_every(struct ui *u, int64_t ms)
{
	u->refresh_ms = ms > 0 ? ms : 0;
	u->next_refresh = u->refresh_ms > 0 ? duration_mono_ms() + u->refresh_ms : 0;
}

int
ui_state_refresh_wait(const struct ui *u)
{
	int64_t d;

	if (u->refresh_ms == 0)
		return -1;
	d = u->next_refresh - duration_mono_ms();
	return d < 0 ? 0 : d > INT_MAX ? INT_MAX : (int)d;
}

unsigned
ui_state_refresh_tick(struct ui *u)
{
	int64_t now = duration_mono_ms();

	if (u->refresh_ms == 0 || now < u->next_refresh)
		return UI_R_NONE;
	u->next_refresh = now + u->refresh_ms;
	/* never over a load in flight, an admin check, a revocation planned or
	 * running, or a resume waiting for its list */
	if ((u->ws->loading & (1u << UI_JOB_LIST)) || u->ws->admin == UI_ADMIN_WAIT ||
	    (u->ws->bphase != UI_BULK_IDLE && u->ws->bphase != UI_BULK_DONE) || u->ws->resume_path != NULL)
		return UI_R_NONE;
	ui_state_load(u);
	return UI_R_HEADER;
}

void
ui_state_init(struct ui *u)
{
	const struct ui_opts *o = u->opts;

	u->ws = ui_ws_new(o->cfg, o->profile_label);
	u->ws->read_only = o->read_only;
	u->ws->admin = o->all ? UI_ADMIN_WAIT : UI_ADMIN_OFF;
	u->ws->ctx.stale_patterns = o->stale;
	u->ws->ctx.nstale = o->nstale;
	u->ws->ctx.revoke_soon_ms = o->revoke_soon_ms;
	u->sort = TOKEN_SORT_EXPIRES;
	u->desc = false;
	if (o->sort != NULL && token_sort_parse(o->sort, &u->sort, &u->desc) != 0)
		ui_msg(u, true, "unknown sort column: %s", o->sort);
	ui_state_recall(u, true);
	ui_state_grow(u, 16);
	if (o->filter != NULL)
		ui_state_set_filter(u, o->filter, NULL);
}

void
ui_view_free(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nvlines; i++)
		free(u->vlines[i]);
	free(u->vlines);
	u->vlines = NULL;
	u->nvlines = 0;
	config_profiles_free(u->vprofiles, u->nvprofiles);
	u->vprofiles = NULL;
	free(u->vpick);
	u->vpick = NULL;
	u->nvprofiles = 0;
	free(u->vowner);
	free(u->vowner_ws);
	u->vowner = NULL;
	u->vowner_ws = NULL;
	u->nvowner = 0;
	free(u->vperm);
	u->vperm = NULL;
	free(u->vids);
	u->vids = NULL;
	u->nvids = 0;
	u->vtitle[0] = '\0';
}

void
ui_perm_rm_free(struct ui_perm_rm *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	journal_close(r->j);
	free(r);
}

/* Show a view (detail, help, results) made of lines (taken over). */
void
ui_view_set(struct ui *u, enum ui_mode mode, char **lines, size_t n)
{
	ui_view_free(u);
	u->vlines = lines;
	u->nvlines = n;
	u->vtop = 0;
	u->vsel = 0;
	u->vhit = 0;
	u->mode = mode;
}

void
ui_state_estate_free(struct ui *u)
{
	while (u->nest > 0)
		ui_ws_free(u->est[--u->nest]);
	free(u->est);
	free(u->est_names);
	u->est = NULL;
	u->est_names = NULL;
	u->est_note[0] = '\0';
}

void
ui_state_free(struct ui *u)
{
	ui_state_estate_free(u);
	ui_ws_free(u->ws);
	u->ws = NULL;
	token_filter_free(u->filter);
	token_filter_free(u->search_f);
	if (u->secret_pending != NULL)
		api_created_free(u->secret_pending);
	free(u->export_path);
	ui_view_free(u);
	config_profiles_free(u->cprofiles, u->ncprofiles);
	while (u->nstates > 0)
		viewstate_free(&u->states[--u->nstates]);
	free(u->states);
}

bool
ui_state_bulk_running(const struct ui *u)
{
	return u->ws->bphase == UI_BULK_RUNNING || u->ws->bphase == UI_BULK_REPLAN;
}

void
ui_state_session_free(struct ui *u)
{
	size_t i;

	ui_ws_session_free(u->ws);
	for (i = 0; i < u->nest; i++)
		ui_ws_session_free(u->est[i]);
}

const struct token_info *
ui_state_current(const struct ui *u)
{
	if (u->cursor >= u->ws->nshown)
		return NULL;
	return &u->ws->tab.rows[u->ws->shown[u->cursor]];
}

const struct ui_ws *
ui_state_row_ws(const struct ui *u)
{
	const struct token_info *t = ui_state_current(u);

	if (!UI_ESTATE(u))
		return u->ws;
	return t != NULL && t->workspace < u->nest ? u->est[t->workspace] : u->est[0];
}

char *
ui_state_current_id(const struct ui *u, char *buf)
{
	const struct token_info *t = ui_state_current(u);

	return t != NULL ? token_id_hex(t, buf) : NULL;
}

size_t
ui_state_count(const struct ui *u, unsigned mark)
{
	size_t i, n = 0;

	for (i = 0; i < u->ws->tab.n; i++)
		if (u->ws->marks[i] & mark)
			n++;
	return n;
}

/* Rows both staged and in flight (counted once, as in flight). */
size_t
ui_state_count_both(const struct ui *u)
{
	size_t i, n = 0;

	for (i = 0; i < u->ws->tab.n; i++)
		if ((u->ws->marks[i] & UI_MARK_STAGED) && (u->ws->marks[i] & UI_MARK_BUSY))
			n++;
	return n;
}

/* Marked rows the filter hides now. */
size_t
ui_state_count_hidden(const struct ui *u, unsigned mark)
{
	size_t i, shown = 0;

	for (i = 0; i < u->ws->nshown; i++)
		if (u->ws->marks[u->ws->shown[i]] & mark)
			shown++;
	return ui_state_count(u, mark) - shown;
}

/* Put the cursor on k's token if it is shown; otherwise keep the index in
 * range. */
static void
ui_state_keep_cursor(struct ui *u, const struct ui_rowkey *k)
{
	const struct token_info *t;
	size_t i;

	for (i = 0; k != NULL && i < u->ws->nshown; i++) {
		t = &u->ws->tab.rows[u->ws->shown[i]];
		if (t->workspace == k->ws && token_id_cmp_text(t, k->id, false) == 0) {
			u->cursor = i;
			return;
		}
	}
	if (u->cursor >= u->ws->nshown)
		u->cursor = u->ws->nshown > 0 ? u->ws->nshown - 1 : 0;
}

/* Put the cursor on table row `row` if it is shown (an integer scan: rows
 * keep their index within one table, so no id compares on 100,000 rows). */
static bool
ui_state_cursor_to_row(struct ui *u, size_t row)
{
	size_t i;

	for (i = 0; i < u->ws->nshown; i++) {
		if (u->ws->shown[i] == row) {
			u->cursor = i;
			return true;
		}
	}
	return false;
}

/* The table row under the cursor, or -1. */
static long
ui_state_cursor_row(const struct ui *u)
{
	return u->cursor < u->ws->nshown ? (long)u->ws->shown[u->cursor] : -1;
}

/* Sort the shown rows; the cursor stays on table row `row` if shown. */
static void
ui_state_sort_keep(struct ui *u, long row)
{
	ui_state_order_shown(u);
	if (row < 0 || !ui_state_cursor_to_row(u, (size_t)row))
		ui_state_keep_cursor(u, NULL);
	u->drawn_valid = false;
	u->have_last_tag = false;
}

void
ui_state_resort(struct ui *u)
{
	ui_state_sort_keep(u, ui_state_cursor_row(u));
}

/* Filter with the precomputed flags, then sort; the cursor stays on its
 * token (rows keep their index within one table). */
void
ui_state_refilter(struct ui *u)
{
	long row = ui_state_cursor_row(u);
	size_t i, n = 0;

	for (i = 0; i < u->ws->tab.n; i++)
		if (u->filter == NULL ||
		    token_filter_match(u->filter, &u->ws->tab.rows[i], u->ws->flags[i], &u->ws->ctx))
			u->ws->shown[n++] = i;
	u->ws->nshown = n;
	ui_state_sort_keep(u, row);
}

/* Install the compiled filter f for expr. */
static void
ui_state_install_filter(struct ui *u, struct token_filter *f, const char *expr)
{
	token_filter_free(u->filter);
	u->filter = f;
	snprintf(u->filter_text, sizeof u->filter_text, "%s", expr != NULL ? expr : "");
}

int
ui_state_set_filter(struct ui *u, const char *expr, const char *fallback)
{
	struct token_filter *f = NULL;
	struct patrol_err err;

	status_clear(&err);
	if (token_filter_compile(expr, &f, &err) == PATROL_OK) {
		ui_state_install_filter(u, f, expr);
		if (u->status_error && strncmp(u->status, "filter:", 7) == 0)
			ui_msg(u, false, "%s", "");
		return 0;
	}
	ui_msg(u, true, "filter: %s", err.message);
	if (fallback == NULL)
		fallback = "";
	/* the fallback was in effect before: it compiles */
	if (strcmp(fallback, u->filter_text) != 0 &&
	    token_filter_compile(fallback, &f, &err) == PATROL_OK)
		ui_state_install_filter(u, f, fallback);
	return -1;
}

struct ui_oldmark {
	struct ui_rowkey k;
	unsigned char mark;
};

/* By id, then workspace: two workspaces may hold one id. */
static int
ui_key_cmp(const void *a, const void *b)
{
	const struct ui_rowkey *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : (x->ws > y->ws) - (x->ws < y->ws);
}

/* The marks a new list of the same workspaces keeps, by key. */
#define UI_MARKS_KEPT (UI_MARK_TAGGED | UI_MARK_STAGED | UI_MARK_BUSY | UI_MARK_PIN)

/* Marks of the old table, sorted by key, for carrying over. */
static struct ui_oldmark *
ui_state_oldmarks(const struct ui *u, size_t *np)
{
	struct ui_oldmark *m;
	size_t i, n = 0;

	m = ui_xcalloc(u->ws->tab.n + 1, sizeof *m);
	for (i = 0; i < u->ws->tab.n; i++) {
		if ((u->ws->marks[i] & UI_MARKS_KEPT) == 0)
			continue;
		ui_state_key(&u->ws->tab.rows[i], &m[n].k);
		m[n++].mark = u->ws->marks[i] & UI_MARKS_KEPT;
	}
	qsort(m, n, sizeof *m, ui_key_cmp);
	*np = n;
	return m;
}

static int
ui_owner_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct token_owner_count *)a)->owner,
	    ((const struct token_owner_count *)b)->owner);
}

/* Count the gauge: active and expiring tokens; in admin mode per owner,
 * into a table sorted by name that the gauge searches as the cursor moves
 * (and the owner with the most, for an empty view). Runs when the table
 * changes, never per keystroke or redraw. */
static void
ui_state_quota(struct ui *u)
{
	struct token_owner_count *oc = NULL;
	size_t nown;

	u->ws->quota_owner[0] = '\0';
	free(u->ws->owners);
	u->ws->owners = NULL;
	u->ws->nowners = 0;
	if (!UI_MGMT(u)) {
		u->ws->quota_active = token_active_count(&u->ws->tab, u->ws->ctx.now_ms);
		u->ws->quota_expiring = token_expiring_count(&u->ws->tab, u->ws->ctx.now_ms);
		return;
	}
	nown = token_quota_by_owner(&u->ws->tab, u->ws->ctx.now_ms, &oc);
	if (nown == (size_t)-1)
		ui_fatal("out of memory");
	u->ws->quota_active = nown > 0 ? oc[0].active : 0;
	u->ws->quota_expiring = nown > 0 ? oc[0].expiring : 0;
	if (nown > 0) {              /* an empty table has no array: qsort wants one */
		sanitize_cell(oc[0].owner, 24, 0, u->sflags, u->ws->quota_owner, sizeof u->ws->quota_owner);
		qsort(oc, nown, sizeof *oc, ui_owner_name_cmp);
	}
	u->ws->owners = oc;
	u->ws->nowners = nown;
}

/* Counts and widths that change with the rows (after a load or a compaction). */
static void
ui_state_rows_changed(struct ui *u)
{
	ui_state_quota(u);
	ui_columns_measure(u);
}

const struct token_owner_count *
ui_state_ws_owner(const struct ui_ws *ws, const char *owner)
{
	struct token_owner_count key;

	if (ws->nowners == 0 || owner == NULL)
		return NULL;
	memset(&key, 0, sizeof key);
	key.owner = owner;
	return bsearch(&key, ws->owners, ws->nowners, sizeof key, ui_owner_name_cmp);
}

const struct token_owner_count *
ui_state_owner(const struct ui *u, const char *owner)
{
	return ui_state_ws_owner(u->ws, owner);
}

/* Swap in a new table (taken over): flags once, marks by key, filter, sort. */
unsigned
ui_state_swap(struct ui *u, struct token_table *t)
{
	const struct token_info *cur = ui_state_current(u);
	struct ui_rowkey at;
	struct ui_oldmark *old, key, *hit;
	size_t nold, i;

	if (cur != NULL)
		ui_state_key(cur, &at);
	old = ui_state_oldmarks(u, &nold);
	ui_ws_orders_free(u->ws);
	token_table_free(&u->ws->tab);
	u->ws->tab = *t;
	free(t);
	ui_state_grow(u, u->ws->tab.n + 1);
	u->ws->ctx.now_ms = duration_now_ms();
	for (i = 0; i < u->ws->tab.n; i++) {
		u->ws->flags[i] = token_flags(&u->ws->tab.rows[i], &u->ws->ctx);
		hit = nold > 0 ? bsearch(ui_state_key(&u->ws->tab.rows[i], &key.k), old, nold,
		    sizeof *old, ui_key_cmp) : NULL;
		u->ws->marks[i] = hit != NULL ? hit->mark : 0;
	}
	free(old);
	u->ws->loaded = true;
	u->ws->nshown = 0;
	ui_state_rows_changed(u);
	ui_state_orders_build(u);
	ui_state_refilter(u);
	ui_state_keep_cursor(u, cur != NULL ? &at : NULL);
	return u->mode == UI_MODE_OWNERS || u->mode == UI_MODE_SCOPES ? UI_R_LIST : UI_R_NONE;
}

unsigned
ui_state_compact(struct ui *u)
{
	const struct token_info *cur = ui_state_current(u);
	struct ui_rowkey at;
	size_t i, j = 0;

	if (cur != NULL)
		ui_state_key(cur, &at);
	for (i = 0; i < u->ws->tab.n; i++) {
		if (u->ws->marks[i] & UI_MARK_GONE)
			continue;       /* its strings stay in the pool until the next load */
		if (i != j) {
			u->ws->tab.rows[j] = u->ws->tab.rows[i];
			u->ws->flags[j] = u->ws->flags[i];
			u->ws->marks[j] = u->ws->marks[i];
		}
		j++;
	}
	if (j == u->ws->tab.n)
		return UI_R_NONE;
	u->ws->tab.n = j;
	u->ws->nshown = 0;          /* the old indexes are stale */
	ui_ws_orders_free(u->ws);
	ui_state_rows_changed(u);
	ui_state_refilter(u);
	ui_state_keep_cursor(u, cur != NULL ? &at : NULL);
	return u->mode == UI_MODE_OWNERS || u->mode == UI_MODE_SCOPES ? UI_R_LIST : UI_R_NONE;
}

/* Mark the row of id in u->ws revoked; whether it had one. */
static bool
ui_state_mark_gone(struct ui *u, const char *id)
{
	long row = ui_state_row_of(u, id, false);

	if (row >= 0)
		u->ws->marks[row] = UI_MARK_GONE;
	return row >= 0;
}

void
ui_state_gone(struct ui *u, const char *id)
{
	struct ui_ws *own = u->ws;
	size_t k;

	if (!UI_ESTATE(u)) {
		if (ui_state_mark_gone(u, id))
			ui_state_compact(u);
		return;
	}
	for (k = 0; k < u->nest; k++) {
		if (u->est[k] != own && !estate_same_workspace(u->est[k]->cfg->host, own->cfg->host))
			continue;
		u->ws = u->est[k];
		u->est_gone |= ui_state_mark_gone(u, id);
		u->ws = own;
	}
}

bool
ui_state_row_gone(struct ui *u, const struct token_info *t, const char *what)
{
	size_t i = (size_t)(t - u->ws->tab.rows);
	char id[TOKEN_ID_LEN + 1];

	if (t < u->ws->tab.rows || i >= u->ws->tab.n || (u->ws->marks[i] & UI_MARK_GONE) == 0)
		return false;
	ui_msg(u, true, "%s: token %.*s was revoked from here, nothing to do (r lists again)",
	    what, TOKEN_SHORT_ID_LEN, token_id_hex(t, id));
	return true;
}

void
ui_state_submit(struct ui *u, struct call *c, enum ui_job job, uint64_t idx)
{
	if (c == NULL)
		ui_fatal("out of memory");
	if (u->ws->w == NULL) {      /* the merged table of several: no worker */
		call_free(c);
		ui_msg(u, true, "several workspaces are on show: pick one (P) for this");
		return;
	}
	c->tag = (uint64_t)job | (u->gen & 0xffffff) << 8 | idx << 32;
	worker_submit(u->ws->w, c);
	u->ws->loading |= 1u << job;
}

void
ui_state_ask_me(struct ui *u)
{
	if (u->ws->w != NULL && u->ws->me == NULL && (u->ws->loading & (1u << UI_JOB_ME)) == 0)
		ui_state_submit(u, api_scim_me(), UI_JOB_ME, 0);
}

/* Ask for the list, the signed-in user and the workspace settings (each
 * once at a time). Admin mode not yet confirmed: the list waits for Me.
 * The list call's index names its source (1: token management). */
void
ui_state_load(struct ui *u)
{
	struct ui_ws *view = u->ws;
	struct call *c;
	size_t i;

	if (UI_ESTATE(u) && view->w == NULL) {   /* several: each member loads */
		for (i = 0; i < u->nest; i++) {
			u->ws = u->est[i];
			if ((u->ws->loading & (1u << UI_JOB_LIST)) == 0)
				ui_state_load(u);
		}
		u->ws = view;
		return;
	}
	ui_state_ask_me(u);
	if (u->ws->conf == NULL && (u->ws->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);
	if (u->ws->admin == UI_ADMIN_WAIT)
		return;
	c = UI_MGMT(u) ? api_tm_list(NULL, NULL) : api_token_list();
	if (UI_ESTATE(u))          /* the members' lists answer at once: side by side */
		api_list_own_thread(c);
	if (c != NULL) {
		atomic_store_explicit(&u->list_progress[UI_MGMT(u)].items, 0, memory_order_relaxed);
		c->progress = &u->list_progress[UI_MGMT(u)];
	}
	u->ws->list_seen = 0;
	ui_state_submit(u, c, UI_JOB_LIST, UI_MGMT(u) ? 1 : 0);
	u->ws->load_err[0] = '\0';
}

unsigned
ui_state_progress_tick(struct ui *u)
{
	size_t n;

	if ((u->ws->loading & (1u << UI_JOB_LIST)) == 0)
		return UI_R_NONE;
	n = atomic_load_explicit(&u->list_progress[UI_MGMT(u)].items, memory_order_relaxed);
	if (n == u->ws->list_seen)
		return UI_R_NONE;
	u->ws->list_seen = n;
	/* the header says it; so does the empty table of a first load */
	return UI_R_HEADER | (u->ws->loaded ? UI_R_NONE : UI_R_TABLE);
}

void
ui_state_count_text(size_t n, char *out, size_t len)
{
	char digits[32];
	size_t nd, i, o = 0;

	nd = (size_t)snprintf(digits, sizeof digits, "%zu", n);
	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (len > 0)
		out[o < len ? o : len - 1] = '\0';
}

/* Empty the table (and with it the tags, the staging and the owners). */
static void
ui_state_clear_table(struct ui *u)
{
	ui_ws_orders_free(u->ws);
	token_table_free(&u->ws->tab);
	u->ws->nshown = u->cursor = u->top = 0;
	u->ws->loaded = u->ws->answered = false;
	u->have_last_tag = false;
	u->drawn_valid = false;
	free(u->ws->owners);
	u->ws->owners = NULL;
	u->ws->nowners = 0;
	u->ws->quota_active = u->ws->quota_expiring = 0;
	u->ws->quota_owner[0] = '\0';
}

bool
ui_state_staged_words(const struct ui *u, char *out, size_t n)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED), pins = ui_state_count(u, UI_MARK_PIN);

	out[0] = '\0';
	if (staged > 0 && pins > 0)
		snprintf(out, n, "%zu staged revocation%s and %zu staged pin%s", staged,
		    staged == 1 ? "" : "s", pins, pins == 1 ? "" : "s");
	else if (staged > 0 || pins > 0)
		snprintf(out, n, "%zu staged %s%s", staged + pins, staged > 0 ? "revocation" : "pin",
		    staged + pins == 1 ? "" : "s");
	return staged + pins > 0;
}

size_t
ui_state_source(struct ui *u, enum ui_admin to)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED);
	char words[96];
	bool any = ui_state_staged_words(u, words, sizeof words);

	u->ws->admin = to;
	ui_state_clear_table(u);
	u->ws->load_note[0] = '\0';
	if (any)
		snprintf(u->ws->load_note, sizeof u->ws->load_note,
		    "; %s cleared (the token list changed)", words);
	if (to != UI_ADMIN_ON && u->sort == TOKEN_SORT_OWNER)
		u->sort = TOKEN_SORT_EXPIRES;
	if (u->mode == UI_MODE_OWNERS) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
	ui_state_load(u);
	return staged;
}

bool
ui_ws_refused(struct ui *u, const struct config_profile *p)
{
	const char *why = estate_not_workspace(p);

	if (why == NULL)
		return false;
	ui_msg(u, true, "profile '%s' cannot be picked: %s %s", p->name,
	    p->host != NULL ? p->host : "it", why);
	return true;
}

/* A workspace for profile name: its configuration and patrol's config for
 * it, merged with the command line's flags, and a worker started on them;
 * NULL (said on the status line) when any of it fails: an account console
 * among them (config_resolve refuses it: nothing is sent there). */
struct ui_ws *
ui_ws_start(struct ui *u, const char *name)
{
	struct config_flags fl = { name, NULL, NULL, NULL };
	struct worker_opts wo = u->opts->worker;
	struct prefs_merged m;
	struct patrol_err err;
	struct config cfg;
	struct ui_ws *ws;

	status_clear(&err);
	if (config_resolve(&fl, config_getenv_real, NULL, &cfg, &err) != PATROL_OK) {
		ui_msg(u, true, "%s", err.message);
		return NULL;
	}
	ws = ui_ws_new(&cfg, name);
	ws->cfg_own = cfg;
	ws->own_cfg = true;
	ws->cfg = &ws->cfg_own;
	if (prefs_load(NULL, name, config_getenv_real, NULL, &ws->prefs, &err) != PATROL_OK) {
		ui_msg(u, true, "%s", err.message);
		ui_ws_free(ws);
		return NULL;
	}
	prefs_merge(&ws->prefs, &u->opts->flags, &m);
	ws->read_only = wo.read_only = m.read_only;
	wo.max_inflight = m.jobs;
	wo.rate = prefs_worker_rate(m.rate);
	ws->ctx.stale_patterns = m.stale;
	ws->ctx.nstale = m.nstale;
	ws->ctx.revoke_soon_ms = m.revoke_soon_ms;
	wo.cfg = ws->cfg;
	if (worker_start(&wo, &ws->w, &err) != PATROL_OK) {
		ui_msg(u, true, "cannot start: %s", err.message);
		ui_ws_free(ws);
		return NULL;
	}
	return ws;
}

/* Switch to another profile: a new workspace replaces the one on show
 * (whose worker stops and whose table, session and answers go with it),
 * then loads. Admin mode, if on, is checked again on the new workspace. */
int
ui_state_profile(struct ui *u, const char *name)
{
	struct ui_ws *ws = ui_ws_start(u, name);

	if (ws == NULL)
		return -1;
	ui_state_remember(u);
	ws->admin = u->ws->admin != UI_ADMIN_OFF ? UI_ADMIN_WAIT : UI_ADMIN_OFF;
	ui_state_estate_free(u);
	ui_ws_free(u->ws);
	u->ws = ws;
	u->gen++;
	u->cursor = u->top = 0;
	u->have_last_tag = false;
	u->drawn_valid = false;
	ui_state_grow(u, 16);
	if (u->mode != UI_MODE_TABLE) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
	ui_state_recall(u, false);
	ui_state_load(u);
	ui_msg(u, false, "profile %s: loading%s%s%s", name, ws->read_only ? " (read-only)" : "",
	    ws->prefs.warning != NULL ? "; warning: " : "",
	    ws->prefs.warning != NULL ? ws->prefs.warning : "");
	return 0;
}
