/*
 * ui_state.c: the model behind the screen.
 *
 * The table the worker sent (owned here), the audit flags of each row
 * (computed once per load), the marks (tagged, staged) kept by token id
 * across refreshes, the filtered and sorted view, and the handling of every
 * finished call. No drawing and no key handling here.
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
 * for it and merges it with the command-line flags exactly as the command
 * line does (src/cli.c load_prefs): read-only if the flag or the profile
 * says so; --jobs and --rate win over the file; the stale patterns come from
 * the file. Then a new worker starts with those options.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "prefs.h"
#include "sanitize.h"
#include "secret.h"
#include "sha256.h"
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
	if (n <= u->cap)
		return;
	u->flags = ui_xreallocarray(u->flags, n, sizeof *u->flags);
	u->marks = ui_xreallocarray(u->marks, n, sizeof *u->marks);
	u->shown = ui_xreallocarray(u->shown, n, sizeof *u->shown);
	free(u->inview);
	u->inview = ui_xcalloc(n, sizeof *u->inview);
	u->cap = n;
}

/* Forget the per-key orders: the rows changed (a load or a compaction). */
static void
ui_state_orders_free(struct ui *u)
{
	size_t k;

	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		free(u->order[k]);
		u->order[k] = NULL;
	}
}

/* Every row in ascending order of key k, sorted once per table (desc is
 * exactly the reverse: the tie-breaks reverse too). NULL on out of memory. */
static const size_t *
ui_state_order(struct ui *u, enum token_sort_key k)
{
	size_t i, *o;

	if (u->order[k] != NULL || u->tab.n == 0)
		return u->order[k];
	if ((o = malloc(u->tab.n * sizeof *o)) == NULL)
		return NULL;
	for (i = 0; i < u->tab.n; i++)
		o[i] = i;
	token_sort(&u->tab, o, u->tab.n, k, false);
	return u->order[k] = o;
}

long
ui_state_row_of(struct ui *u, const char *id, bool many)
{
	const size_t *o = many ? ui_state_order(u, TOKEN_SORT_ID) : u->order[TOKEN_SORT_ID];
	size_t lo = 0, hi = u->tab.n, i;
	char hex[TOKEN_ID_LEN + 1];
	int c;

	if (o == NULL) {             /* one lookup (or no memory): a scan */
		for (i = 0; i < u->tab.n; i++)
			if (strcmp(token_id_hex(&u->tab.rows[i], hex), id) == 0)
				return (long)i;
		return -1;
	}
	while (lo < hi) {           /* the id order: the text byte for byte */
		i = lo + (hi - lo) / 2;
		if ((c = strcmp(token_id_hex(&u->tab.rows[o[i]], hex), id)) == 0)
			return (long)o[i];
		if (c < 0)
			lo = i + 1;
		else
			hi = i;
	}
	return -1;
}

/* Order the shown rows by the current key: one pass over the key's full
 * order picks them out, so a re-sort or a filter keystroke costs O(rows)
 * instead of a sort. Falls back to token_sort when memory is short. */
static void
ui_state_order_shown(struct ui *u)
{
	const size_t *o = ui_state_order(u, u->sort);
	size_t i, row, n = 0, t = u->tab.n;

	if (o == NULL || u->nshown == 0) {
		token_sort(&u->tab, u->shown, u->nshown, u->sort, u->desc);
		return;
	}
	for (i = 0; i < u->nshown; i++)
		u->inview[u->shown[i]] = 1;
	for (i = 0; i < t; i++) {
		row = o[u->desc ? t - 1 - i : i];
		if (u->inview[row]) {
			u->inview[row] = 0;
			u->shown[n++] = row;
		}
	}
}

/* Sort every key up front after a load, so no later keystroke pays for a
 * sort (about 10 ms a key at 100,000 rows, once per load). */
static void
ui_state_orders_build(struct ui *u)
{
	size_t k;

	for (k = 0; k < TOKEN_SORT_COUNT; k++)
		if (k != TOKEN_SORT_OWNER || UI_MGMT(u))
			(void)ui_state_order(u, (enum token_sort_key)k);
}

static void
ui_state_self(struct ui *u)
{
	u->self_id[0] = '\0';
	if (u->cfg == u->opts->cfg && u->opts->self_id != NULL)
		snprintf(u->self_id, sizeof u->self_id, "%s", u->opts->self_id);
	else if (u->cfg->auth == AUTH_PAT && u->cfg->token != NULL)
		sha256_hex(u->cfg->token, strlen(u->cfg->token), u->self_id);
	u->ctx.self_id = u->self_id[0] != '\0' ? u->self_id : NULL;
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
		if (strcmp(u->states[i].profile, u->profile) == 0)
			return &u->states[i];
	u->states = ui_xreallocarray(u->states, u->nstates + 1, sizeof *u->states);
	status_clear(&err);
	if (viewstate_load(u->profile, &u->states[u->nstates], &warn, &err) != PATROL_OK)
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
	bool first = u->cfg == u->opts->cfg;     /* the profile patrol started with */
	const char *cols = vs->columns != NULL ? vs->columns :
	    first ? u->opts->columns : u->prefs.columns;
	char why[160];

	u->columns_chosen = vs->columns != NULL;
	if (ui_draw_columns(u, cols, why, sizeof why) != 0) {
		ui_draw_columns(u, NULL, why, sizeof why);
		u->columns_chosen = false;
	}
	if (vs->sort != NULL && !(start && u->opts->sort != NULL))
		token_sort_parse(vs->sort, &u->sort, &u->desc);
	if (vs->admin == 1 && u->admin == UI_ADMIN_OFF)
		u->admin = UI_ADMIN_WAIT;
	else if (vs->admin == 0 && !start)
		u->admin = UI_ADMIN_OFF;
	ui_state_refresh_every(u, 1000LL * (first ? u->opts->refresh_s : u->prefs.refresh_s));
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
	ui_draw_columns_spec(u, buf, sizeof buf);
	free(vs->columns);
	vs->columns = u->columns_chosen ? ui_xstrdup(buf) : NULL;
	vs->admin = u->admin != UI_ADMIN_OFF;
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
	if ((u->loading & (1u << UI_JOB_LIST)) || u->admin == UI_ADMIN_WAIT ||
	    (u->bphase != UI_BULK_IDLE && u->bphase != UI_BULK_DONE) || u->resume_path != NULL)
		return UI_R_NONE;
	ui_state_load(u);
	return UI_R_HEADER;
}

void
ui_state_init(struct ui *u)
{
	const struct ui_opts *o = u->opts;

	u->cfg = o->cfg;
	snprintf(u->profile, sizeof u->profile, "%s",
	    o->profile_label != NULL ? o->profile_label : "");
	u->read_only = o->read_only;
	u->admin = o->all ? UI_ADMIN_WAIT : UI_ADMIN_OFF;
	u->ctx.stale_patterns = o->stale;
	u->ctx.nstale = o->nstale;
	u->sort = TOKEN_SORT_EXPIRES;
	u->desc = false;
	if (o->sort != NULL && token_sort_parse(o->sort, &u->sort, &u->desc) != 0)
		ui_msg(u, true, "unknown sort column: %s", o->sort);
	ui_state_recall(u, true);
	ui_state_self(u);
	u->ctx.now_ms = duration_now_ms();
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
	for (i = 0; i < u->nvprofiles; i++)
		free(u->vprofiles[i]);
	free(u->vprofiles);
	u->vprofiles = NULL;
	u->nvprofiles = 0;
	free(u->vowner);
	u->vowner = NULL;
	u->vtitle[0] = '\0';
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
ui_state_free(struct ui *u)
{
	token_table_free(&u->tab);
	free(u->flags);
	free(u->marks);
	free(u->shown);
	free(u->inview);
	ui_state_orders_free(u);
	token_filter_free(u->filter);
	token_filter_free(u->search_f);
	api_me_free(u->me);
	api_conf_free(u->conf);
	free(u->owners);
	prefs_free(&u->prefs);
	if (u->secret_pending != NULL)
		api_created_free(u->secret_pending);
	dialog_free(u->dlg);
	free(u->export_path);
	ui_view_free(u);
	ui_bulk_free(u);
	if (u->cfg == &u->cfg_own)
		config_free(&u->cfg_own);
	while (u->nstates > 0)
		viewstate_free(&u->states[--u->nstates]);
	free(u->states);
}

const struct token_info *
ui_state_current(const struct ui *u)
{
	if (u->cursor >= u->nshown)
		return NULL;
	return &u->tab.rows[u->shown[u->cursor]];
}

/* The id under the cursor into buf (TOKEN_ID_LEN + 1 bytes), or NULL. */
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

	for (i = 0; i < u->tab.n; i++)
		if (u->marks[i] & mark)
			n++;
	return n;
}

/* Rows both staged and in flight (counted once, as in flight). */
size_t
ui_state_count_both(const struct ui *u)
{
	size_t i, n = 0;

	for (i = 0; i < u->tab.n; i++)
		if ((u->marks[i] & UI_MARK_STAGED) && (u->marks[i] & UI_MARK_BUSY))
			n++;
	return n;
}

/* Marked rows the filter hides now. */
size_t
ui_state_count_hidden(const struct ui *u, unsigned mark)
{
	size_t i, shown = 0;

	for (i = 0; i < u->nshown; i++)
		if (u->marks[u->shown[i]] & mark)
			shown++;
	return ui_state_count(u, mark) - shown;
}

/* Put the cursor on id if it is shown; otherwise keep the index in range. */
static void
ui_state_keep_cursor(struct ui *u, const char *id)
{
	size_t i;

	if (id != NULL) {
		for (i = 0; i < u->nshown; i++) {
			if (token_id_cmp_text(&u->tab.rows[u->shown[i]], id, false) == 0) {
				u->cursor = i;
				return;
			}
		}
	}
	if (u->cursor >= u->nshown)
		u->cursor = u->nshown > 0 ? u->nshown - 1 : 0;
}

/* Put the cursor on table row `row` if it is shown (an integer scan: rows
 * keep their index within one table, so no id compares on 100,000 rows). */
static bool
ui_state_cursor_to_row(struct ui *u, size_t row)
{
	size_t i;

	for (i = 0; i < u->nshown; i++) {
		if (u->shown[i] == row) {
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
	return u->cursor < u->nshown ? (long)u->shown[u->cursor] : -1;
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

	for (i = 0; i < u->tab.n; i++)
		if (u->filter == NULL ||
		    token_filter_match(u->filter, &u->tab.rows[i], u->flags[i], &u->ctx))
			u->shown[n++] = i;
	u->nshown = n;
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

static int
ui_id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);      /* the id is the first member */
}

struct ui_oldmark {
	char id[TOKEN_ID_LEN + 1];
	unsigned char mark;
};

/* Marks of the old table, sorted by id, for carrying over. */
static struct ui_oldmark *
ui_state_oldmarks(const struct ui *u, size_t *np)
{
	struct ui_oldmark *m;
	size_t i, n = 0;

	m = ui_xcalloc(u->tab.n + 1, sizeof *m);
	for (i = 0; i < u->tab.n; i++) {
		if ((u->marks[i] & (UI_MARK_TAGGED | UI_MARK_STAGED | UI_MARK_BUSY)) == 0)
			continue;
		token_id_hex(&u->tab.rows[i], m[n].id);
		m[n++].mark = u->marks[i] & (UI_MARK_TAGGED | UI_MARK_STAGED | UI_MARK_BUSY);
	}
	qsort(m, n, sizeof *m, ui_id_cmp);
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

	u->quota_owner[0] = '\0';
	free(u->owners);
	u->owners = NULL;
	u->nowners = 0;
	if (!UI_MGMT(u)) {
		u->quota_active = token_active_count(&u->tab, u->ctx.now_ms);
		u->quota_expiring = token_expiring_count(&u->tab, u->ctx.now_ms);
		return;
	}
	nown = token_quota_by_owner(&u->tab, u->ctx.now_ms, &oc);
	if (nown == (size_t)-1)
		ui_fatal("out of memory");
	u->quota_active = nown > 0 ? oc[0].active : 0;
	u->quota_expiring = nown > 0 ? oc[0].expiring : 0;
	if (nown > 0)
		sanitize_cell(oc[0].owner, 24, 0, u->sflags, u->quota_owner, sizeof u->quota_owner);
	qsort(oc, nown, sizeof *oc, ui_owner_name_cmp);
	u->owners = oc;
	u->nowners = nown;
}

/* Counts and widths that change with the rows (after a load or a compaction). */
static void
ui_state_rows_changed(struct ui *u)
{
	ui_state_quota(u);
	ui_draw_measure(u);
}

const struct token_owner_count *
ui_state_owner(const struct ui *u, const char *owner)
{
	struct token_owner_count key;

	if (u->nowners == 0 || owner == NULL)
		return NULL;
	memset(&key, 0, sizeof key);
	key.owner = owner;
	return bsearch(&key, u->owners, u->nowners, sizeof key, ui_owner_name_cmp);
}

/* Swap in a new table (taken over): flags once, marks by id, filter, sort. */
static void
ui_state_swap(struct ui *u, struct token_table *t)
{
	char id[TOKEN_ID_LEN + 1] = "";
	struct ui_oldmark *old, key, *hit;
	size_t nold, i;

	ui_state_current_id(u, id);
	old = ui_state_oldmarks(u, &nold);
	ui_state_orders_free(u);
	token_table_free(&u->tab);
	u->tab = *t;
	free(t);
	ui_state_grow(u, u->tab.n + 1);
	u->ctx.now_ms = duration_now_ms();
	for (i = 0; i < u->tab.n; i++) {
		u->flags[i] = token_flags(&u->tab.rows[i], &u->ctx);
		hit = nold > 0 ? bsearch(token_id_hex(&u->tab.rows[i], key.id), old, nold,
		    sizeof *old, ui_id_cmp) : NULL;
		u->marks[i] = hit != NULL ? hit->mark : 0;
	}
	free(old);
	u->loaded = true;
	u->nshown = 0;
	ui_state_rows_changed(u);
	ui_state_orders_build(u);
	ui_state_refilter(u);
	ui_state_keep_cursor(u, id[0] != '\0' ? id : NULL);
	if (u->mode == UI_MODE_OWNERS)
		ui_lists_refresh(u);
}

/* Drop revoked rows (UI_MARK_GONE) in one pass and refilter. */
void
ui_state_compact(struct ui *u)
{
	char id[TOKEN_ID_LEN + 1] = "";
	size_t i, j = 0;

	ui_state_current_id(u, id);
	for (i = 0; i < u->tab.n; i++) {
		if (u->marks[i] & UI_MARK_GONE)
			continue;       /* its strings stay in the pool until the next load */
		if (i != j) {
			u->tab.rows[j] = u->tab.rows[i];
			u->flags[j] = u->flags[i];
			u->marks[j] = u->marks[i];
		}
		j++;
	}
	if (j == u->tab.n)
		return;
	u->tab.n = j;
	u->nshown = 0;          /* the old indexes are stale */
	ui_state_orders_free(u);
	ui_state_rows_changed(u);
	ui_state_refilter(u);
	ui_state_keep_cursor(u, id[0] != '\0' ? id : NULL);
	if (u->mode == UI_MODE_OWNERS)
		ui_lists_refresh(u);
}

void
ui_state_submit(struct ui *u, struct call *c, enum ui_job job, uint64_t idx)
{
	if (c == NULL)
		ui_fatal("out of memory");
	c->tag = (uint64_t)job | (u->gen & 0xffffff) << 8 | idx << 32;
	worker_submit(u->w, c);
	u->loading |= 1u << job;
}

void
ui_state_ask_me(struct ui *u)
{
	if (u->me == NULL && (u->loading & (1u << UI_JOB_ME)) == 0)
		ui_state_submit(u, api_scim_me(), UI_JOB_ME, 0);
}

/* Ask for the list, the signed-in user and the workspace settings (each
 * once at a time). Admin mode not yet confirmed: the list waits for Me.
 * The list call's index names its source (1: token management). */
void
ui_state_load(struct ui *u)
{
	struct call *c;

	ui_state_ask_me(u);
	if (u->conf == NULL && (u->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);
	if (u->admin == UI_ADMIN_WAIT)
		return;
	c = UI_MGMT(u) ? api_tm_list(NULL, NULL) : api_token_list();
	if (c != NULL) {
		atomic_store_explicit(&u->list_progress[UI_MGMT(u)].items, 0, memory_order_relaxed);
		c->progress = &u->list_progress[UI_MGMT(u)];
	}
	u->list_seen = 0;
	ui_state_submit(u, c, UI_JOB_LIST, UI_MGMT(u) ? 1 : 0);
	u->load_err[0] = '\0';
}

unsigned
ui_state_progress_tick(struct ui *u)
{
	size_t n;

	if ((u->loading & (1u << UI_JOB_LIST)) == 0)
		return UI_R_NONE;
	n = atomic_load_explicit(&u->list_progress[UI_MGMT(u)].items, memory_order_relaxed);
	if (n == u->list_seen)
		return UI_R_NONE;
	u->list_seen = n;
	/* the header says it; so does the empty table of a first load */
	return UI_R_HEADER | (u->loaded ? UI_R_NONE : UI_R_TABLE);
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
	ui_state_orders_free(u);
	token_table_free(&u->tab);
	u->nshown = u->cursor = u->top = 0;
	u->loaded = false;
	u->have_last_tag = false;
	u->drawn_valid = false;
	free(u->owners);
	u->owners = NULL;
	u->nowners = 0;
	u->quota_active = u->quota_expiring = 0;
	u->quota_owner[0] = '\0';
}

size_t
ui_state_source(struct ui *u, enum ui_admin to)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED);

	u->admin = to;
	ui_state_clear_table(u);
	u->load_note[0] = '\0';
	if (staged > 0)
		snprintf(u->load_note, sizeof u->load_note,
		    "; %zu staged revocation%s cleared (the token list changed)", staged,
		    staged == 1 ? "" : "s");
	if (to != UI_ADMIN_ON && u->sort == TOKEN_SORT_OWNER)
		u->sort = TOKEN_SORT_EXPIRES;
	if (u->mode == UI_MODE_OWNERS) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
	ui_state_load(u);
	return staged;
}

static void
ui_err_msg(struct ui *u, const char *what, const struct call *c)
{
	const struct patrol_err *e = &c->err;

	if (e->message[0] != '\0')
		ui_msg(u, true, "%s: %s: %s", what, status_message(e->status), e->message);
	else
		ui_msg(u, true, "%s: %s", what, status_message(e->status));
}

static unsigned
ui_on_list(struct ui *u, struct call *c, size_t source)
{
	struct token_table *tab;
	char note[400];
	bool first, warn;
	size_t off;

	if ((source != 0) != UI_MGMT(u))
		return UI_R_NONE;        /* for the source before a switch */
	u->loading &= ~(1u << UI_JOB_LIST);
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "cannot list tokens", c);
		/* the table says it too: not "loading" forever */
		snprintf(u->load_err, sizeof u->load_err, "%s", u->status);
		return UI_R_ALL;
	}
	u->load_err[0] = '\0';
	first = !u->loaded;
	off = u->cursor >= u->top ? u->cursor - u->top : 0;
	tab = call_take_result(c);
	warn = token_table_note(tab, note, sizeof note);
	ui_state_swap(u, tab);
	u->top = u->cursor > off ? u->cursor - off : 0;   /* the cursor keeps its screen row */
	if (u->refresh_ms > 0)
		u->next_refresh = duration_mono_ms() + u->refresh_ms;
	if (first && UI_MGMT(u))
		ui_msg(u, false, "admin mode: %zu token%s of %zu owner%s%s", u->tab.n,
		    u->tab.n == 1 ? "" : "s", u->nowners, u->nowners == 1 ? "" : "s", u->load_note);
	else if (first || strncmp(u->status, "refreshing", 10) == 0 ||
	    strncmp(u->status, "cannot list", 11) == 0)
		ui_msg(u, false, "%zu token%s%s", u->tab.n, u->tab.n == 1 ? "" : "s", u->load_note);
	u->load_note[0] = '\0';
	if (warn)
		ui_msg(u, true, "%zu tokens; %s", u->tab.n, note);
	if (u->resume_path != NULL)
		ui_bulk_loaded(u);
	return UI_R_ALL;
}

/* Admin mode was asked for: Me answered (me may be NULL: it failed). */
static void
ui_state_admin_decide(struct ui *u, const struct call *c)
{
	const char *who = u->me != NULL && u->me->user_name != NULL ? u->me->user_name : "?";

	if (u->me != NULL && u->me->is_admin) {
		ui_state_source(u, UI_ADMIN_ON);
		return;
	}
	u->admin = UI_ADMIN_OFF;
	if (u->me != NULL)
		ui_msg(u, true, "admin mode needs workspace admin rights (%s is not in admins)", who);
	else
		ui_msg(u, true, "admin mode: cannot check admin rights: %s: %s",
		    status_message(c->err.status), c->err.message);
	if (u->loaded)
		return;
	snprintf(u->load_note, sizeof u->load_note, "; %.*s", (int)sizeof u->load_note - 3,
	    u->status);
	if ((u->loading & (1u << UI_JOB_LIST)) == 0)
		ui_state_load(u);
}

static unsigned
ui_on_me(struct ui *u, struct call *c)
{
	if (c->err.status == PATROL_OK) {
		api_me_free(u->me);
		u->me = call_take_result(c);
	}
	if (u->admin == UI_ADMIN_WAIT) {
		ui_state_admin_decide(u, c);
		return UI_R_ALL;
	}
	return UI_R_HEADER;
}

static unsigned
ui_on_conf(struct ui *u, struct call *c)
{
	const char *d;
	size_t i;

	if (c->err.status != PATROL_OK) {
		snprintf(u->conf_err, sizeof u->conf_err, "%s%s%.*s", status_message(c->err.status),
		    c->err.message[0] != '\0' ? ": " : "", (int)sizeof u->conf_err / 2,
		    c->err.message);
		if (u->mode == UI_MODE_SETTINGS)
			ui_lists_refresh(u);
		return UI_R_HEADER | UI_R_VIEW;
	}
	u->conf_err[0] = '\0';
	api_conf_free(u->conf);
	u->conf = call_take_result(c);
	d = u->conf->max_token_lifetime_days;
	u->max_days = d != NULL ? strtoll(d, NULL, 10) : 0;
	if (u->max_days < 0)
		u->max_days = 0;
	u->ctx.max_lifetime_ms = u->max_days * 86400000LL;
	for (i = 0; i < u->tab.n; i++)
		u->flags[i] = token_flags(&u->tab.rows[i], &u->ctx);
	if (u->mode == UI_MODE_SETTINGS)
		ui_lists_refresh(u);
	return UI_R_ALL;
}

/* A workspace setting was changed (or not): say so and read them again. */
static unsigned
ui_on_conf_set(struct ui *u, struct call *c)
{
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "setting not changed", c);
		return UI_R_STATUS;
	}
	ui_msg(u, false, "%s", u->setting_note);
	if ((u->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);
	return UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_on_create(struct ui *u, struct call *c)
{
	enum patrol_status st = c->err.status;

	if (st == PATROL_QUOTA) {
		ui_msg(u, true, "not created: the quota of %d tokens is reached; revoke some first",
		    TOKEN_QUOTA);
	} else if (st == PATROL_UNKNOWN_OUTCOME) {
		ui_msg(u, true, "no answer to the create: the token may exist; refresh (r) and "
		    "check before trying again");
	} else if (st != PATROL_OK) {
		ui_err_msg(u, "not created", c);
	} else {
		if (u->secret_pending != NULL)
			api_created_free(u->secret_pending);
		u->secret_pending = call_take_result(c);
		ui_msg(u, false, "token created");
		ui_state_load(u);
	}
	return UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_on_edit(struct ui *u, struct call *c)
{
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "not updated", c);
		return UI_R_STATUS;
	}
	ui_msg(u, false, "token updated");
	ui_state_load(u);
	return UI_R_STATUS | UI_R_HEADER;
}

/* Handle one finished call (taken over and freed here). */
unsigned
ui_state_handle(struct ui *u, struct call *c)
{
	enum ui_job job = (enum ui_job)(c->tag & 0xff);
	uint64_t gen = (c->tag >> 8) & 0xffffff;
	size_t idx = (size_t)(c->tag >> 32);
	unsigned r = UI_R_HEADER | UI_R_STATUS;

	if (c->tag & BULK_TAG)       /* a revoke of the session: its own tag */
		return ui_bulk_on_call(u, c) | r;
	if (gen != (u->gen & 0xffffff)) {
		call_free(c);
		return UI_R_NONE;
	}
	if (worker_pending(u->w) == 0)
		u->loading = 0;
	switch (job) {
	case UI_JOB_LIST:
		r |= ui_on_list(u, c, idx);
		break;
	case UI_JOB_ME:
		u->loading &= ~(1u << job);
		r |= ui_on_me(u, c);
		break;
	case UI_JOB_CONF:
		u->loading &= ~(1u << job);
		r |= ui_on_conf(u, c);
		break;
	case UI_JOB_REPLAN:
		u->loading &= ~(1u << job);
		r |= ui_bulk_on_replan(u, c);
		break;
	case UI_JOB_CREATE:
		r |= ui_on_create(u, c);
		break;
	case UI_JOB_EDIT:
		r |= ui_on_edit(u, c);
		break;
	case UI_JOB_CONF_SET:
		r |= ui_on_conf_set(u, c);
		break;
	}
	call_free(c);
	return r;
}

/* Merge patrol's config for a profile with the command-line flags into
 * the worker options, as src/cli.c load_prefs does. Returns read-only. */
static bool
ui_state_merge(const struct ui *u, const struct prefs *p, struct worker_opts *wo)
{
	const struct face_flags *f = &u->opts->flags;
	bool ro = f->read_only || p->read_only;
	double rate = -2;            /* -2: neither said */

	wo->read_only = ro;
	wo->max_inflight = f->jobs > 0 ? f->jobs : p->jobs_set ? p->jobs : 0;
	if (f->rate >= 0)
		rate = f->rate;
	else if (p->rate_set)
		rate = p->rate;
	wo->rate = rate == -2 ? 0 : rate == 0 ? -1 : rate;
	return ro;
}

/* Resolve profile name and its patrol config; start a worker for it. */
static int
ui_state_profile_start(struct ui *u, const char *name, struct config *cfg, struct prefs *pr,
    struct worker **w, bool *ro)
{
	struct config_flags fl = { name, NULL, NULL, NULL };
	struct worker_opts wo = u->opts->worker;
	struct patrol_err err;

	status_clear(&err);
	if (config_resolve(&fl, config_getenv_real, NULL, cfg, &err) != PATROL_OK) {
		ui_msg(u, true, "%s", err.message);
		return -1;
	}
	if (prefs_load(NULL, name, config_getenv_real, NULL, pr, &err) != PATROL_OK) {
		config_free(cfg);
		ui_msg(u, true, "%s", err.message);
		return -1;
	}
	*ro = ui_state_merge(u, pr, &wo);
	wo.cfg = cfg;
	if (worker_start(&wo, w, &err) != PATROL_OK) {
		prefs_free(pr);
		config_free(cfg);
		ui_msg(u, true, "cannot start: %s", err.message);
		return -1;
	}
	return 0;
}

/* Switch to another profile: resolve it and its patrol config, restart the
 * worker, reload. Admin mode, if on, is checked again on the new workspace. */
int
ui_state_profile(struct ui *u, const char *name)
{
	struct config cfg;
	struct prefs pr;
	struct worker *w;
	bool ro;

	if (ui_state_profile_start(u, name, &cfg, &pr, &w, &ro) != 0)
		return -1;
	ui_state_remember(u);
	worker_stop(u->w);
	u->w = w;
	if (u->cfg == &u->cfg_own)
		config_free(&u->cfg_own);
	u->cfg_own = cfg;
	u->cfg = &u->cfg_own;
	prefs_free(&u->prefs);
	u->prefs = pr;
	u->read_only = ro;
	u->ctx.stale_patterns = u->prefs.stale_set ? (const char *const *)u->prefs.stale : NULL;
	u->ctx.nstale = u->prefs.nstale;
	u->gen++;
	snprintf(u->profile, sizeof u->profile, "%s", name);
	ui_state_self(u);
	ui_state_clear_table(u);
	if (u->admin != UI_ADMIN_OFF)
		u->admin = UI_ADMIN_WAIT;
	u->load_note[0] = '\0';
	api_me_free(u->me);
	u->me = NULL;
	api_conf_free(u->conf);
	u->conf = NULL;
	u->conf_err[0] = '\0';
	u->max_days = 0;
	u->ctx.max_lifetime_ms = 0;
	u->loading = 0;
	ui_bulk_free(u);
	if (u->mode != UI_MODE_TABLE) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
	ui_state_recall(u, false);
	ui_state_load(u);
	ui_msg(u, false, "profile %s: loading%s%s%s", name, ro ? " (read-only)" : "",
	    u->prefs.warning != NULL ? "; warning: " : "",
	    u->prefs.warning != NULL ? u->prefs.warning : "");
	return 0;
}
