/*
 * ui_actions.c: what the keys and commands do. Each action changes state
 * and returns the reaction bits (what to redraw); the key table
 * (ui_keys.c) and the command table (ui_cmds.c) name them. Dialogs an
 * action opens, and what happens when they end, live next to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_output.h"
#include "duration.h"
#include "prefs.h"
#include "sanitize.h"
#include "savefile.h"
#include "secret.h"
#include "settings.h"
#include "ui_curses.h"
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
	while (k == TOKEN_SORT_OWNER && !UI_MGMT(u));
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

unsigned
ui_a_unstage(struct ui *u)
{
	size_t n = ui_mark_selection(u, 0, UI_MARK_STAGED);

	ui_msg(u, false, "unstaged %zu", n);
	return UI_R_TABLE | UI_R_STATUS;
}

/* ---- revoke ----------------------------------------------------------- */

unsigned
ui_a_execute(struct ui *u)
{
	return ui_bulk_execute(u);
}

/* ---- create, edit, copy ----------------------------------------------- */

/* The create dialog ended: OK sends the create (the secret comes back). */
static unsigned
ui_create_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct api_create_params p;
	struct call *c;

	if (res != DIALOG_OK)
		return UI_R_NONE;
	memset(&p, 0, sizeof p);
	dialog_create_params(d, &p);
	if (p.application_id != NULL && p.application_id[0] != '\0')
		c = api_tm_create_obo(&p);
	else
		c = api_token_create(&p);
	ui_state_submit(u, c, UI_JOB_CREATE, 0);
	ui_msg(u, false, "creating a token%s", u->ascii ? "..." : "\u2026");
	return UI_R_NONE;
}

unsigned
ui_a_create(struct ui *u)
{
	bool admin = u->ws->me != NULL && u->ws->me->is_admin;

	ui_dialog_open(u, dialog_create_new(u->ws->max_days, admin, u->ascii), ui_create_done, NULL);
	return UI_R_ALL;
}

/* The edit dialog ended: OK sends what changed. */
static unsigned
ui_edit_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct api_update_params p;
	struct call *c;

	if (res != DIALOG_OK)
		return UI_R_NONE;
	memset(&p, 0, sizeof p);
	dialog_edit_params(d, &p);
	if (p.comment == NULL && !p.set_scopes) {
		ui_msg(u, false, "nothing changed");
		return UI_R_NONE;
	}
	c = UI_MGMT(u) ? api_tm_update(u->edit_id, &p) : api_token_update(u->edit_id, &p);
	ui_state_submit(u, c, UI_JOB_EDIT, 0);
	ui_msg(u, false, "updating%s", u->ascii ? "..." : "\u2026");
	return UI_R_NONE;
}

unsigned
ui_a_edit(struct ui *u)
{
	const struct token_info *t = ui_state_current(u);

	if (t == NULL)
		return UI_R_NONE;
	snprintf(u->edit_id, sizeof u->edit_id, "%s", t->token_id);
	ui_dialog_open(u, dialog_edit_new(t->comment != NULL ? t->comment : "", t->scopes,
	    t->nscopes, u->ascii), ui_edit_done, NULL);
	return UI_R_ALL;
}

/* What a copy did, and how to say it: for the id (status line) and for a
 * secret (the dialog's note). Never "copied" where it cannot have been. */
#define UI_COPIES(_) \
	_(SENT, false, "copied the id to the clipboard (OSC 52: the terminal must allow it)", \
	  "copied to the clipboard (OSC 52: the terminal must allow it)") \
	_(TMUX, false, "copied the id to the clipboard; tmux keeps a paste buffer of it too", \
	  "copied; tmux also keeps it in a paste buffer until you run tmux delete-buffer") \
	_(TMUX_MAYBE, false, "sent the id with OSC 52: tmux passes it on only with set-clipboard on", \
	  "sent with OSC 52: tmux passes it on only with set-clipboard on (and then keeps a paste buffer: tmux delete-buffer)") \
	_(DROPPED, true, "not copied: this tmux drops OSC 52 from programs (tmux set -s set-clipboard on)", \
	  "! not copied: this tmux drops OSC 52 from programs (tmux set -s set-clipboard on); w writes a file") \
	_(FAILED, true, "cannot copy: too long, or out of memory", \
	  "! cannot copy: too long, or out of memory")

#define UI_COPY_ENUM(e, err, id, secret) UI_COPY_##e,
enum ui_copy { UI_COPIES(UI_COPY_ENUM) };
#undef UI_COPY_ENUM
#define UI_COPY_ROW(e, err, id, secret) { err, id, secret },
static const struct {
	bool error;
	const char *id;
	const char *secret;
} ui_copy_says[] = { UI_COPIES(UI_COPY_ROW) };
#undef UI_COPY_ROW

/* Put text on the clipboard with OSC 52, straight to the terminal; inside
 * tmux only when its set-clipboard lets a program do that. */
static enum ui_copy
ui_copy(struct ui *u, const char *text)
{
	const char *tmux = getenv("TMUX");
	bool in_tmux = tmux != NULL && *tmux != '\0';
	enum osc52_tmux how = in_tmux ? osc52_tmux_clipboard() : OSC52_TMUX_UNKNOWN;
	char *seq;

	if (how == OSC52_TMUX_DROPS)
		return UI_COPY_DROPPED;
	if ((seq = osc52_sequence(text, 8192, tmux, getenv("TERM"))) == NULL)
		return UI_COPY_FAILED;
	ui_term_write_raw(u, seq, strlen(seq));
	secret_free(seq);
	if (!in_tmux)
		return UI_COPY_SENT;
	return how == OSC52_TMUX_ON ? UI_COPY_TMUX : UI_COPY_TMUX_MAYBE;
}

unsigned
ui_a_copy(struct ui *u)
{
	const char *id = ui_state_current_id(u);
	enum ui_copy c;

	if (id == NULL)
		return UI_R_NONE;
	c = ui_copy(u, id);
	ui_msg(u, ui_copy_says[c].error, "%s", ui_copy_says[c].id);
	return UI_R_STATUS;
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
	bool creating = (u->ws->loading & (1u << UI_JOB_CREATE)) != 0 || u->secret_pending != NULL;
	char l[3][128];
	const char *lines[3];
	size_t n = 0, i;

	if (u->mode != UI_MODE_TABLE)
		return ui_a_back(u);
	if (u->ws->bphase == UI_BULK_RUNNING && !bulk_stopping(u->ws->bulk))
		return ui_bulk_stop_ask(u);
	if (staged == 0 && busy == 0 && !creating) {
		u->quit = true;
		return UI_R_QUIT;
	}
	if (staged > 0)
		snprintf(l[n++], sizeof l[0], "%zu staged revocation%s will be discarded (not revoked).",
		    staged, staged == 1 ? "" : "s");
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

/* ---- admin mode, owners, settings, profiles --------------------------- */

static unsigned ui_admin_switch(struct ui *u);

/* The question before a switch that discards staged revocations ended. */
static unsigned
ui_admin_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_OK)
		return ui_admin_switch(u);
	ui_msg(u, false, "cancelled: still %s, the staged revocations kept",
	    UI_MGMT(u) ? "in admin mode" : "your own tokens");
	return UI_R_NONE;
}
/* Switching the token source discards the staged revocations (the other
 * list has other ids): ask first when some are staged. */
static unsigned
ui_admin_ask(struct ui *u, size_t staged)
{
	char l0[160];
	const char *lines[2] = { l0, "Nothing is revoked; staging again takes d." };

	snprintf(l0, sizeof l0, "%zu staged revocation%s will be discarded.", staged,
	    staged == 1 ? "" : "s");
	ui_dialog_open(u, dialog_confirm_new(u->ws->admin == UI_ADMIN_ON ? "Leave admin mode?" :
	    "Switch to admin mode?", lines, 2, NULL, u->ascii), ui_admin_done, NULL);
	return UI_R_ALL;
}


unsigned
ui_a_admin(struct ui *u)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED);

	if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "a revocation is running: switch when it is done"),
		    UI_R_STATUS;
	/* not when a non-admin's a is refused anyway, or a wait is called off */
	if (staged > 0 && u->ws->admin != UI_ADMIN_WAIT &&
	    !(u->ws->admin == UI_ADMIN_OFF && u->ws->me != NULL && !u->ws->me->is_admin))
		return ui_admin_ask(u, staged);
	return ui_admin_switch(u);
}

/* a, once nothing staged is in the way (or the user said to discard it). */
static unsigned
ui_admin_switch(struct ui *u)
{
	const char *dots = u->ascii ? "..." : "\u2026";

	if (u->ws->admin == UI_ADMIN_ON) {
		ui_state_source(u, UI_ADMIN_OFF);
		ui_msg(u, false, "your own tokens: loading%s", dots);
		return UI_R_ALL;
	}
	if (u->ws->admin == UI_ADMIN_WAIT) {
		u->ws->admin = UI_ADMIN_OFF;
		if (!u->ws->loaded)
			ui_state_load(u);
		ui_msg(u, false, "admin mode: not switched on");
		return UI_R_ALL;
	}
	if (u->ws->me == NULL) {
		u->ws->admin = UI_ADMIN_WAIT;
		ui_state_ask_me(u);  /* again, if it failed */
		ui_msg(u, false, "checking admin rights%s", dots);
		return UI_R_HEADER | UI_R_STATUS;
	}
	if (!u->ws->me->is_admin)
		return ui_msg(u, true, "admin mode needs workspace admin rights (%s is not in admins)",
		    u->ws->me->user_name != NULL ? u->ws->me->user_name : "?"), UI_R_STATUS;
	ui_state_source(u, UI_ADMIN_ON);
	ui_msg(u, false, "admin mode: loading every token in the workspace%s", dots);
	return UI_R_ALL;
}

unsigned
ui_a_owners(struct ui *u)
{
	if (!UI_MGMT(u))
		return ui_msg(u, true, "the owners view needs admin mode (a)"), UI_R_STATUS;
	ui_lists_owners(u);
	return UI_R_VIEW | UI_R_STATUS;
}

unsigned
ui_a_settings(struct ui *u)
{
	if ((u->ws->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);   /* fresh values */
	ui_lists_settings(u);
	return UI_R_VIEW | UI_R_STATUS | UI_R_HEADER;
}

unsigned
ui_a_profiles(struct ui *u)
{
	if (ui_lists_profiles(u) != 0)
		return UI_R_STATUS;
	return UI_R_VIEW | UI_R_STATUS;
}

/* Enter in :owners: the table, filtered to the selected owner. */
unsigned
ui_a_owner_pick(struct ui *u)
{
	const char *o = ui_lists_owner(u);
	char name[256], expr[300];

	if (o == NULL)
		return UI_R_NONE;
	if (*o == '\0')
		return ui_msg(u, true, "these tokens have no owner name to filter by"), UI_R_STATUS;
	snprintf(name, sizeof name, "%s", o);
	snprintf(expr, sizeof expr, strpbrk(name, " \t") != NULL ? "owner:\"%s\"" : "owner:%s",
	    name);
	ui_view_free(u);
	u->mode = UI_MODE_TABLE;
	if (ui_state_set_filter(u, expr, NULL) != 0)
		return UI_R_ALL;
	ui_state_refilter(u);
	u->cursor = 0;
	ui_msg(u, false, "the tokens of %s (Esc clears the filter)", name);
	return UI_R_ALL;
}

static unsigned
ui_owner_sort(struct ui *u, int step)
{
	u->osort = (enum ui_owner_sort)(((int)u->osort + step + UI_OSORT_COUNT) % UI_OSORT_COUNT);
	ui_lists_owners(u);
	return UI_R_VIEW;
}

unsigned ui_a_osort_next(struct ui *u) { return ui_owner_sort(u, 1); }
unsigned ui_a_osort_prev(struct ui *u) { return ui_owner_sort(u, -1); }

unsigned
ui_a_osort_invert(struct ui *u)
{
	u->odesc = !u->odesc;
	return ui_owner_sort(u, 0);
}

unsigned
ui_profile_switch(struct ui *u, const char *name)
{
	if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "unstage or finish the revocations first"), UI_R_STATUS;
	if (ui_state_profile(u, name) != 0)
		return UI_R_STATUS;
	if (u->mode != UI_MODE_TABLE)
		ui_a_back(u);
	return UI_R_ALL;
}

/* Enter in the profile list: switch to the selected profile. */
unsigned
ui_a_profile_pick(struct ui *u)
{
	const char *p = ui_lists_profile(u);
	char name[256];

	if (p == NULL)
		return UI_R_NONE;
	snprintf(name, sizeof name, "%s", p);     /* the list goes with the switch */
	return ui_profile_switch(u, name);
}

/* The input dialog's check of a new max lifetime (settings.h). */
static int
ui_days_check(const char *v, char *why, size_t n)
{
	if (settings_valid(SETTING_MAX_LIFETIME, v))
		return 0;
	snprintf(why, n, "%s", settings_hint(SETTING_MAX_LIFETIME));
	return -1;
}

static unsigned ui_setting_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res);

/* Ask before changing a workspace setting (focus on Cancel). */
static unsigned
ui_setting_confirm(struct ui *u)
{
	char l0[128];
	const char *lines[2] = { l0, NULL };
	bool max = u->setting == SETTING_MAX_LIFETIME;
	bool off = !max && strcmp(u->setting_value, "false") == 0;
	const char *typed = settings_typed_confirm(u->setting, u->setting_value) ? "yes" : NULL;

	if (max) {
		snprintf(l0, sizeof l0, "Set max token lifetime to %s days?", u->setting_value);
		lines[1] = "Existing tokens are not changed.";
		snprintf(u->setting_note, sizeof u->setting_note,
		    "max token lifetime set to %s days", u->setting_value);
	} else if (off) {
		snprintf(l0, sizeof l0, "Turn personal access tokens off for the whole workspace?");
		lines[1] = "Every token stops working, the one patrol uses too.";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned off");
	} else {
		snprintf(l0, sizeof l0, "Turn personal access tokens on for the workspace?");
		lines[1] = "Existing tokens work again.";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned on");
	}
	ui_dialog_open(u, dialog_confirm_new("Change a workspace setting", lines, 2, typed,
	    u->ascii), ui_setting_confirm_done, NULL);
	return UI_R_ALL;
}

static void
ui_setting_submit(struct ui *u)
{
	ui_state_submit(u, api_conf_set(settings_key(u->setting), u->setting_value),
	    UI_JOB_CONF_SET, 0);
	ui_msg(u, false, "changing the workspace setting%s", u->ascii ? "..." : "\u2026");
}

/* The confirm ended: OK changes the setting. */
static unsigned
ui_setting_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_OK)
		ui_setting_submit(u);
	else
		ui_msg(u, false, "cancelled: the setting is unchanged");
	return UI_R_NONE;
}

/* The new max lifetime was typed (checked by ui_days_check): confirm it. */
static unsigned
ui_setting_input_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_msg(u, false, "cancelled: the setting is unchanged");
		return UI_R_NONE;
	}
	snprintf(u->setting_value, sizeof u->setting_value, "%s", dialog_input_value(d));
	return ui_setting_confirm(u);
}

/* e in :settings: the selected setting, through a dialog and a confirm. */
unsigned
ui_a_setting_edit(struct ui *u)
{
	static const char *const lines[] = {
		"The longest lifetime a new token may have.",
		"Existing tokens are not changed.",
	};
	int s = ui_lists_setting(u);
	const char *cur;
	char now[32];

	if (s < 0)
		return ui_msg(u, true, "nothing to change here"), UI_R_STATUS;
	u->setting = (enum setting)s;
	cur = settings_value(u->setting, u->ws->conf);
	if (u->setting == SETTING_MAX_LIFETIME) {
		snprintf(now, sizeof now, "%s", cur != NULL ? cur : "");
		ui_dialog_open(u, dialog_input_new("Max token lifetime", lines, 2, "Days",
		    "1 to 730", now, 3, ui_days_check, u->ascii), ui_setting_input_done, NULL);
		return UI_R_ALL;
	}
	snprintf(u->setting_value, sizeof u->setting_value, "%s",
	    cur != NULL && strcmp(cur, "false") == 0 ? "true" : "false");
	return ui_setting_confirm(u);
}

/* :resume: offer the unfinished revocation session of this workspace. */
unsigned
ui_a_resume(struct ui *u)
{
	return ui_bulk_offer_resume(u, false);
}

static int
ui_export_format(const char *path, enum cli_format *f)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strcasecmp(dot, ".json") == 0)
		*f = CLI_FORMAT_JSON;
	else if (dot != NULL && strcasecmp(dot, ".csv") == 0)
		*f = CLI_FORMAT_CSV;
	else
		return -1;
	return 0;
}

/* What an export writes: the shown rows in the shown order (never a
 * secret), or in the results view the session's results. */
struct ui_export {
	struct ui *u;
	enum cli_format format;
	bool results;
};

static int
ui_export_fill(FILE *fp, const void *ctx)
{
	const struct ui_export *e = ctx;
	struct ui *u = e->u;
	struct cli_out o;

	if (e->results)
		return cli_output_results(fp, e->format, u->ws->bulk, u->sflags);
	memset(&o, 0, sizeof o);
	o.fp = fp;
	o.format = e->format;
	o.management = UI_MGMT(u);
	o.sanitize_flags = u->sflags;
	o.ctx = u->ws->ctx;
	return cli_output_tokens(&o, &u->ws->tab, u->ws->shown, u->ws->nshown);
}

static unsigned ui_export_done(struct ui *u, struct dialog *d, enum dialog_result res);

/* Export to path (~ expanded). An existing file is asked about first and
 * replaced only after OK (replace); the file is written whole or not at
 * all, mode 0600. */
unsigned
ui_export(struct ui *u, const char *arg, bool results, bool replace)
{
	struct ui_export e = { u, CLI_FORMAT_CSV, results };
	struct patrol_err err;
	const char *lines[2];
	char l0[300], *path;
	size_t n = results ? bulk_count(u->ws->bulk) : u->ws->nshown;

	if (arg[0] == '\0' || ui_export_format(arg, &e.format) != 0)
		return ui_msg(u, true, "export: name a .csv or .json file"), UI_R_STATUS;
	if ((path = savefile_expand(arg)) == NULL)
		return ui_msg(u, true, "export: %s: HOME is not set", arg), UI_R_STATUS;
	if (!replace && savefile_exists(path)) {
		snprintf(l0, sizeof l0, "%s exists.", path);
		lines[0] = l0;
		lines[1] = results ? "Replace it with this session's results?" :
		    "Replace it with the rows shown now?";
		free(u->export_path);
		u->export_path = path;
		u->export_results = results;
		ui_dialog_open(u, dialog_confirm_new("Replace the file?", lines, 2, NULL, u->ascii),
		    ui_export_done, NULL);
		return UI_R_ALL;
	}
	status_clear(&err);
	if (savefile_write(path, replace ? SAVEFILE_REPLACE : SAVEFILE_NEW, ui_export_fill, &e,
	    &err) != PATROL_OK)
		ui_msg(u, true, "export: %s", err.message);
	else
		ui_msg(u, false, "exported %zu %s%s to %s", n, results ? "result" : "row",
		    n == 1 ? "" : "s", path);
	free(path);
	return UI_R_STATUS;
}

/* "Replace the file?" ended: OK writes it over. */
static unsigned
ui_export_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	unsigned r = UI_R_NONE;

	if (res == DIALOG_OK)
		r = ui_export(u, u->export_path, u->export_results, true);
	else
		ui_msg(u, false, "export cancelled: %s is unchanged",
		    strrchr(u->export_path, '/') != NULL ? strrchr(u->export_path, '/') + 1 :
		    u->export_path);
	free(u->export_path);
	u->export_path = NULL;
	return r;
}

/* ---- dialogs ---------------------------------------------------------- */

static int
ui_secret_fill(FILE *fp, const void *ctx)
{
	return fputs(ctx, fp) < 0 || fputc('\n', fp) == EOF ? -1 : 0;
}

/* w in the secret dialog: a new file (~ expanded), 0600, whole or not at all. */
static void
ui_secret_write(struct ui *u, struct dialog *d)
{
	const char *typed = dialog_secret_path(d);
	struct patrol_err err;
	char note[600], *path = savefile_expand(typed);

	status_clear(&err);
	if (path == NULL)
		status_set(&err, PATROL_IO, "cannot write %s: HOME is not set", typed);
	else
		savefile_write(path, SAVEFILE_NEW, ui_secret_fill, dialog_secret_value(d), &err);
	if (err.status == PATROL_OK)
		snprintf(note, sizeof note, "written to %s (mode 0600)", path);
	else
		snprintf(note, sizeof note, "! %s: type another path, or Esc", err.message);
	dialog_secret_written(d, err.status == PATROL_OK, note);
	free(path);
}

/* After each key of the secret dialog: do what it asks (copy, write). */
static void
ui_secret_request(struct ui *u, struct dialog *d)
{
	switch (dialog_secret_request(d)) {
	case DIALOG_REQ_COPY:
		dialog_note(d, ui_copy_says[ui_copy(u, dialog_secret_value(d))].secret);
		break;
	case DIALOG_REQ_WRITE:
		ui_secret_write(u, d);
		break;
	case DIALOG_REQ_NONE:
		break;
	}
}

/* The secret dialog closed: the secret is wiped with it. */
static unsigned
ui_secret_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	ui_msg(u, false, "the secret is gone from memory; the new token is in the list");
	return UI_R_NONE;
}

/* Show a created secret once no other dialog is open; the copy is wiped. */
unsigned
ui_keys_secret_pending(struct ui *u)
{
	struct api_created *c = u->secret_pending;

	if (c == NULL || u->dlg != NULL)
		return UI_R_NONE;
	ui_dialog_open(u, dialog_secret_new(c->token_value, c->info.token_id,
	    c->info.comment != NULL ? c->info.comment : "", u->ascii), ui_secret_done,
	    ui_secret_request);
	api_created_free(c);
	u->secret_pending = NULL;
	return UI_R_ALL;
}
