/*
 * ui_actions.c: what the keys and commands do to the table and the views:
 * movement, the filter and the search, the sort, tags and staging, quit.
 * Each action changes state and returns the reaction bits (what to
 * redraw); the key table (ui_keys.c) and the command table (ui_cmds.c)
 * name them. The other actions are grouped by what they act on:
 * ui_token.c (create, edit, copy, the secret), ui_workspace.c (admin mode,
 * owners, settings, profiles), ui_export.c, ui_bulk.c (revocations).
 * Dialogs an action opens, and what happens when they end, live next to it.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

/* ---- movement --------------------------------------------------------- */

/* The position j/k move: the table's cursor, a list view's selected line,
 * or the first line of another view. */
static size_t *
ui_move_pos(struct ui *u)
{
	if (u->mode == UI_MODE_TABLE)
		return &u->cursor;
	return UI_MODE_IS_LIST(u->mode) ? &u->vsel : &u->vtop;
}

unsigned
ui_move_to(struct ui *u, long target)
{
	size_t n = u->mode == UI_MODE_TABLE ? u->ws->nshown : u->nvlines;
	size_t *pos = ui_move_pos(u);
	size_t old = *pos;

	if (target < 0 || n == 0)
		target = 0;
	else if ((size_t)target >= n)
		target = (long)n - 1;
	*pos = (size_t)target;
	if (*pos == old)
		return UI_R_NONE;
	return u->mode == UI_MODE_TABLE ? UI_R_CURSOR : UI_R_VIEW;
}

unsigned
ui_move(struct ui *u, long delta)
{
	return ui_move_to(u, (long)*ui_move_pos(u) + delta);
}

static long
ui_page(const struct ui *u)
{
	return (long)ui_draw_page(u);
}

unsigned ui_a_down(struct ui *u) { return ui_move(u, 1); }
unsigned ui_a_up(struct ui *u) { return ui_move(u, -1); }
unsigned ui_a_top(struct ui *u) { return ui_move_to(u, 0); }
unsigned ui_a_bottom(struct ui *u) { return ui_move_to(u, 1L << 40); }
unsigned ui_a_pgdn(struct ui *u) { return ui_move(u, ui_page(u)); }
unsigned ui_a_pgup(struct ui *u) { return ui_move(u, -ui_page(u)); }
unsigned ui_a_halfdn(struct ui *u) { return ui_move(u, ui_page(u) / 2); }
unsigned ui_a_halfup(struct ui *u) { return ui_move(u, -ui_page(u) / 2); }

/* ---- filter, sort, views ---------------------------------------------- */

/* Live filter: apply every change that compiles; while it does not, show
 * what the filter committed before the prompt opened shows. */
static unsigned
ui_filter_changed(struct ui *u, const char *text)
{
	ui_state_set_filter(u, text, u->filter_committed);
	ui_state_refilter(u);
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
}

/* Enter keeps the filter (a bad one says why and keeps the last good one);
 * Esc clears it. */
static unsigned
ui_filter_done(struct ui *u, const char *text)
{
	char why[sizeof u->status];

	if (text == NULL) {
		ui_state_set_filter(u, "", NULL);
		ui_state_refilter(u);
		ui_msg(u, false, "filter cleared");
	} else if (ui_state_set_filter(u, text, u->filter_committed) != 0) {
		snprintf(why, sizeof why, "%s", u->status);
		ui_msg(u, true, "%s (kept: %s)", why,
		    u->filter_text[0] != '\0' ? u->filter_text : "no filter");
		ui_state_refilter(u);
	}
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
}

/* A filter that does not compile says why while it is typed. */
static const char *
ui_filter_note(const struct ui *u)
{
	return u->status_error && strncmp(u->status, "filter:", 7) == 0 ? u->status : NULL;
}

static const struct ui_prompt_kind ui_filter_prompt = {
	'/', UI_HIST_FILTER, false, ui_filter_done, ui_filter_changed, NULL, ui_filter_note
};

unsigned
ui_a_filter(struct ui *u)
{
	snprintf(u->filter_committed, sizeof u->filter_committed, "%s", u->filter_text);
	ui_prompt_open(u, &ui_filter_prompt, u->filter_text);
	return UI_R_STATUS;
}

static unsigned ui_search_done(struct ui *u, const char *text);

static const struct ui_prompt_kind ui_search_prompt = {
	'/', UI_HIST_SEARCH, false, ui_search_done, NULL, NULL, NULL
};

/* / in a view: search it. */
unsigned
ui_a_search(struct ui *u)
{
	ui_prompt_open(u, &ui_search_prompt, u->search);
	return UI_R_STATUS;
}

/* Whether line holds text: case ignored unless text has a capital (smart
 * case, as in filters). */
static bool
ui_search_match(const char *line, const char *text, bool fold)
{
	return fold ? strcasestr(line, text) != NULL : strstr(line, text) != NULL;
}

static bool
ui_search_fold(const char *text)
{
	for (; *text != '\0'; text++)
		if (*text >= 'A' && *text <= 'Z')
			return false;
	return true;
}

/* Search the view's lines: the match becomes the selected line (list views)
 * or the top line, drawn reversed (the others). */
static unsigned
ui_search_view(struct ui *u, int dir, bool here)
{
	bool list = UI_MODE_IS_LIST(u->mode), fold = ui_search_fold(u->search);
	size_t n = u->nvlines, from = list ? u->vsel : u->vhit > 0 ? u->vhit - 1 : u->vtop, k, i;

	for (k = here ? 0 : 1; n > 0 && k <= n; k++) {
		i = (from + n + (dir > 0 ? k : n - k % n)) % n;
		if (!ui_search_match(u->vlines[i], u->search, fold))
			continue;
		if (list)
			u->vsel = i;
		else
		{
			u->vhit = i + 1;
			u->vtop = i;
		}
		ui_msg(u, false, "/%s: line %zu of %zu (n next, N previous)", u->search, i + 1, n);
		return UI_R_VIEW | UI_R_STATUS;
	}
	ui_msg(u, true, "/%s: not in this view", u->search);
	return UI_R_STATUS;
}

/* Search the shown rows with the search as a filter expression: the
 * cursor goes to the match; nothing is hidden. */
static unsigned
ui_search_table(struct ui *u, int dir, bool here)
{
	struct patrol_err err;
	size_t n = u->ws->nshown, k, i, row;

	if (u->search_f == NULL) {
		status_clear(&err);
		if (token_filter_compile(u->search, &u->search_f, &err) != PATROL_OK)
			return ui_msg(u, true, "search: %s", err.message), UI_R_STATUS;
	}
	for (k = here ? 0 : 1; n > 0 && k <= n; k++) {
		i = (u->cursor + n + (dir > 0 ? k : n - k % n)) % n;
		row = u->ws->shown[i];
		if (!token_filter_match(u->search_f, &u->ws->tab.rows[row], u->ws->flags[row], &u->ws->ctx))
			continue;
		u->cursor = i;
		ui_msg(u, false, "search %s: row %zu of %zu (n next, N previous)", u->search, i + 1, n);
		return UI_R_CURSOR | UI_R_STATUS;
	}
	ui_msg(u, true, "search %s: no shown row matches", u->search);
	return UI_R_STATUS;
}

unsigned
ui_keys_search(struct ui *u, const char *text, int dir, bool here)
{
	if (text != u->search) {
		snprintf(u->search, sizeof u->search, "%s", text);
		token_filter_free(u->search_f);
		u->search_f = NULL;
	}
	if (u->search[0] == '\0')
		return ui_msg(u, true, "no search yet: / in a view, :search EXPR in the table"),
		    UI_R_STATUS;
	return u->mode == UI_MODE_TABLE ? ui_search_table(u, dir, here) :
	    ui_search_view(u, dir, here);
}

/* Enter in the view's search prompt: the first line from here that has it. */
static unsigned
ui_search_done(struct ui *u, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return UI_R_STATUS;
	return ui_keys_search(u, text, 1, true);
}

unsigned ui_a_search_next(struct ui *u) { return ui_keys_search(u, u->search, 1, false); }
unsigned ui_a_search_prev(struct ui *u) { return ui_keys_search(u, u->search, -1, false); }

/* Step the sort column through the columns this view has. */
unsigned
ui_sort_step(struct ui *u, int step)
{
	int k = (int)u->sort;

	do
		k = (k + step + TOKEN_SORT_COUNT) % TOKEN_SORT_COUNT;
	while ((k == TOKEN_SORT_OWNER && !UI_MGMT(u)) || (k == TOKEN_SORT_WORKSPACE && !UI_ESTATE(u)));
	u->sort = (enum token_sort_key)k;
	ui_state_resort(u);
	ui_msg(u, false, "sorted by %s%s", token_sort_name(u->sort), u->desc ? " (descending)" : "");
	return UI_R_TABLE | UI_R_STATUS;
}

unsigned ui_a_sort_next(struct ui *u) { return ui_sort_step(u, 1); }
unsigned ui_a_sort_prev(struct ui *u) { return ui_sort_step(u, -1); }

unsigned
ui_a_invert(struct ui *u)
{
	u->desc = !u->desc;
	return ui_sort_step(u, 0);
}

unsigned
ui_a_detail(struct ui *u)
{
	const struct token_info *t = ui_state_current(u);

	if (t == NULL)
		return UI_R_NONE;
	ui_draw_detail(u, t, u->ws->flags[u->ws->shown[u->cursor]]);
	return UI_R_VIEW | UI_R_STATUS;
}

unsigned
ui_a_results(struct ui *u)
{
	ui_bulk_results(u);
	return UI_R_VIEW;
}

unsigned
ui_a_back(struct ui *u)
{
	if (u->mode != UI_MODE_TABLE) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
		return UI_R_TABLE | UI_R_STATUS;
	}
	if (u->filter_text[0] != '\0') {
		ui_state_set_filter(u, "", NULL);
		ui_state_refilter(u);
		ui_msg(u, false, "filter cleared");
		return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
	}
	return UI_R_NONE;
}

/* ---- tags and staging ------------------------------------------------- */

unsigned
ui_a_tag(struct ui *u)
{
	if (u->ws->nshown == 0)
		return UI_R_NONE;
	u->ws->marks[u->ws->shown[u->cursor]] ^= UI_MARK_TAGGED;
	u->last_tag = u->cursor;
	u->have_last_tag = true;
	return ui_move(u, 1) | UI_R_CURSOR | UI_R_STATUS;
}

unsigned
ui_a_range(struct ui *u)
{
	size_t a, b, i;

	if (u->ws->nshown == 0)
		return UI_R_NONE;
	a = u->have_last_tag && u->last_tag < u->ws->nshown ? u->last_tag : u->cursor;
	b = u->cursor;
	if (a > b) {
		i = a;
		a = b;
		b = i;
	}
	for (i = a; i <= b; i++)
		u->ws->marks[u->ws->shown[i]] |= UI_MARK_TAGGED;
	u->last_tag = u->cursor;
	u->have_last_tag = true;
	ui_msg(u, false, "tagged %zu row%s", b - a + 1, b == a ? "" : "s");
	return UI_R_TABLE | UI_R_STATUS;
}

unsigned
ui_a_tag_all(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->ws->nshown; i++)
		u->ws->marks[u->ws->shown[i]] |= UI_MARK_TAGGED;
	ui_msg(u, false, "tagged the %zu shown row%s", u->ws->nshown, u->ws->nshown == 1 ? "" : "s");
	return UI_R_TABLE | UI_R_STATUS;
}

unsigned
ui_a_untag_all(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->ws->tab.n; i++)
		u->ws->marks[i] &= ~UI_MARK_TAGGED;
	u->have_last_tag = false;
	ui_msg(u, false, "untagged all");
	return UI_R_TABLE | UI_R_STATUS;
}

/* Apply set/clear to the tagged rows, or to the current row when none is. */
static size_t
ui_mark_selection(struct ui *u, unsigned set, unsigned clear)
{
	size_t i, n = 0;

	if (ui_state_count(u, UI_MARK_TAGGED) == 0) {
		if (u->ws->nshown == 0)
			return 0;
		i = u->ws->shown[u->cursor];
		if (u->ws->marks[i] & UI_MARK_BUSY)
			return 0;
		u->ws->marks[i] = (u->ws->marks[i] | set) & ~clear;
		return 1;
	}
	for (i = 0; i < u->ws->tab.n; i++) {
		if ((u->ws->marks[i] & UI_MARK_TAGGED) == 0 || (u->ws->marks[i] & UI_MARK_BUSY))
			continue;
		u->ws->marks[i] = (u->ws->marks[i] | set) & ~clear & ~UI_MARK_TAGGED;
		n++;
	}
	return n;
}

unsigned
ui_a_stage(struct ui *u)
{
	size_t n = ui_mark_selection(u, UI_MARK_STAGED, 0);

	ui_msg(u, false, "staged %zu for revocation (x executes, u unstages)", n);
	return UI_R_TABLE | UI_R_STATUS;
}

/* p: stage for pinning (inferred and backfill scopes, set by hand at x). */
unsigned
ui_a_pin(struct ui *u)
{
	size_t n = ui_mark_selection(u, UI_MARK_PIN, 0);

	ui_msg(u, false, "staged %zu for pinning its scopes (x executes, u unstages)", n);
	return UI_R_TABLE | UI_R_STATUS;
}

unsigned
ui_a_unstage(struct ui *u)
{
	size_t n = ui_mark_selection(u, 0, UI_MARK_STAGED | UI_MARK_PIN);

	ui_msg(u, false, "unstaged %zu", n);
	return UI_R_TABLE | UI_R_STATUS;
}

/* ---- revoke ----------------------------------------------------------- */

unsigned
ui_a_execute(struct ui *u)
{
	return ui_bulk_execute(u);
}

/* ---- the rest --------------------------------------------------------- */

unsigned
ui_a_refresh(struct ui *u)
{
	if (u->ws->loading & (1u << UI_JOB_LIST))
		return ui_msg(u, false, "already loading"), UI_R_STATUS;
	ui_state_load(u);
	ui_msg(u, false, "refreshing");
	return UI_R_HEADER | UI_R_STATUS;
}

unsigned
ui_a_repaint(struct ui *u)
{
	return UI_R_ALL | UI_R_CLEAR;
}

/* The quit question ended: OK quits. */
static unsigned
ui_quit_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK)
		return UI_R_NONE;
	u->quit = true;
	return UI_R_QUIT;
}

unsigned
ui_a_quit(struct ui *u)
{
	size_t busy = ui_state_count(u, UI_MARK_BUSY);
	size_t staged = ui_state_count(u, UI_MARK_STAGED) - ui_state_count_both(u);
	size_t pins = ui_state_count(u, UI_MARK_PIN);
	bool creating = u->secret_pending != NULL;
	char l[4][128];
	const char *lines[4];
	size_t n = 0, i;

	for (i = 0; i < ui_state_parts(u); i++)       /* with several: in any of them */
		creating |= (ui_state_part(u, i)->loading & (1u << UI_JOB_CREATE)) != 0;
	if (u->mode != UI_MODE_TABLE)
		return ui_a_back(u);
	if (u->ws->bphase == UI_BULK_RUNNING && !ui_bulk_stopping(u))
		return ui_bulk_stop_ask(u);
	if (staged == 0 && pins == 0 && busy == 0 && !creating) {
		u->quit = true;
		return UI_R_QUIT;
	}
	if (staged > 0)
		snprintf(l[n++], sizeof l[0], "%zu staged revocation%s will be discarded (not revoked).",
		    staged, staged == 1 ? "" : "s");
	if (pins > 0)
		snprintf(l[n++], sizeof l[0], "%zu staged pin%s will be discarded (not pinned).",
		    pins, pins == 1 ? "" : "s");
	if (busy > 0)
		snprintf(l[n++], sizeof l[0], "%zu revocation%s in progress and may still complete.",
		    busy, busy == 1 ? " is" : "s are");
	if (creating)
		snprintf(l[n++], sizeof l[0], "A token is being created: its secret would never be shown.");
	for (i = 0; i < n; i++)
		lines[i] = l[i];
	ui_dialog_open(u, dialog_confirm_new("Quit?", lines, n, NULL, u->ascii), ui_quit_done, NULL);
	return UI_R_ALL;
}

unsigned
ui_keys_interrupt(struct ui *u)
{
	if (u->dlg != NULL)
		return ui_msg(u, true, "Ctrl-C: close the dialog first (Esc), then q"), UI_R_STATUS;
	unsigned r;

	u->mode = UI_MODE_TABLE;
	r = ui_a_quit(u);
	if (u->quit)
		u->exit_code = 130;   /* quit at once: nothing was pending */
	return r | UI_R_ALL;
}

