/*
 * ui_keys.c: the one key table and the actions it names.
 *
 * Each row gives the keys, the action, its help text, whether it writes
 * to the workspace, whether it needs workspace admin rights, and where it
 * works (the table; every view; or only in one of the list views, so the
 * same key can mean one thing in the table and another in :owners). Dispatch,
 * the help view, the read-only check and the admin check all read this
 * table: a mutating action in read-only mode is refused in ui_keys_dispatch
 * and nowhere else. Actions change state and return the reaction bits (what
 * to redraw). The prompts (/ and :), the command table and what happens
 * when a dialog ends live here too.
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
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_K_MUTATING 0x1u    /* writes to the workspace: refused in read-only mode */
#define UI_K_VIEWS    0x2u    /* also works in every view */
#define UI_K_ADMIN    0x4u    /* needs workspace admin rights (SCIM Me) */
#define UI_K_IN(m)    (0x100u << (m))  /* only in view m (not in the table) */
#define UI_K_IN_ANY   0xff00u
#define UI_K_IN_VIEWS (UI_K_IN(UI_MODE_DETAIL) | UI_K_IN(UI_MODE_HELP) | \
		       UI_K_IN(UI_MODE_RESULTS) | UI_K_IN(UI_MODE_OWNERS) | \
		       UI_K_IN(UI_MODE_SETTINGS) | UI_K_IN(UI_MODE_PROFILES)) /* every view */

typedef unsigned (*ui_action_fn)(struct ui *);

struct ui_key {
	int keys[4];              /* 0-terminated */
	const char *name;         /* what it does, for messages: "changing a setting" */
	const char *help;
	ui_action_fn fn;
	unsigned flags;
};

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

static unsigned
ui_move_to(struct ui *u, long target)
{
	size_t n = u->mode == UI_MODE_TABLE ? u->nshown : u->nvlines;
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

static unsigned
ui_move(struct ui *u, long delta)
{
	return ui_move_to(u, (long)*ui_move_pos(u) + delta);
}

static long
ui_page(const struct ui *u)
{
	return (long)ui_draw_page(u);
}

static unsigned ui_a_down(struct ui *u) { return ui_move(u, 1); }
static unsigned ui_a_up(struct ui *u) { return ui_move(u, -1); }
static unsigned ui_a_top(struct ui *u) { return ui_move_to(u, 0); }
static unsigned ui_a_bottom(struct ui *u) { return ui_move_to(u, 1L << 40); }
static unsigned ui_a_pgdn(struct ui *u) { return ui_move(u, ui_page(u)); }
static unsigned ui_a_pgup(struct ui *u) { return ui_move(u, -ui_page(u)); }
static unsigned ui_a_halfdn(struct ui *u) { return ui_move(u, ui_page(u) / 2); }
static unsigned ui_a_halfup(struct ui *u) { return ui_move(u, -ui_page(u) / 2); }

/* ---- filter, sort, views ---------------------------------------------- */

static unsigned
ui_a_filter(struct ui *u)
{
	u->prompt = UI_PROMPT_FILTER;
	snprintf(u->input, sizeof u->input, "%s", u->filter_text);
	snprintf(u->filter_committed, sizeof u->filter_committed, "%s", u->filter_text);
	return UI_R_STATUS;
}

/* / in a view: search it. */
static unsigned
ui_a_search(struct ui *u)
{
	u->prompt = UI_PROMPT_SEARCH;
	snprintf(u->input, sizeof u->input, "%s", u->search);
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
	size_t n = u->nshown, k, i, row;

	if (u->search_f == NULL) {
		status_clear(&err);
		if (token_filter_compile(u->search, &u->search_f, &err) != PATROL_OK)
			return ui_msg(u, true, "search: %s", err.message), UI_R_STATUS;
	}
	for (k = here ? 0 : 1; n > 0 && k <= n; k++) {
		i = (u->cursor + n + (dir > 0 ? k : n - k % n)) % n;
		row = u->shown[i];
		if (!token_filter_match(u->search_f, &u->tab.rows[row], u->flags[row], &u->ctx))
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

static unsigned ui_a_search_next(struct ui *u) { return ui_keys_search(u, u->search, 1, false); }
static unsigned ui_a_search_prev(struct ui *u) { return ui_keys_search(u, u->search, -1, false); }

static unsigned
ui_a_command(struct ui *u)
{
	u->prompt = UI_PROMPT_COMMAND;
	u->input[0] = '\0';
	return UI_R_STATUS;
}

/* Step the sort column through the columns this view has. */
static unsigned
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

static unsigned ui_a_sort_next(struct ui *u) { return ui_sort_step(u, 1); }
static unsigned ui_a_sort_prev(struct ui *u) { return ui_sort_step(u, -1); }

static unsigned
ui_a_invert(struct ui *u)
{
	u->desc = !u->desc;
	return ui_sort_step(u, 0);
}

static unsigned
ui_a_detail(struct ui *u)
{
	const struct token_info *t = ui_state_current(u);

	if (t == NULL)
		return UI_R_NONE;
	ui_draw_detail(u, t, u->flags[u->shown[u->cursor]]);
	return UI_R_VIEW | UI_R_STATUS;
}

static unsigned
ui_a_results(struct ui *u)
{
	ui_bulk_results(u);
	return UI_R_VIEW;
}

static unsigned
ui_a_help(struct ui *u)
{
	ui_keys_help(u);
	return UI_R_VIEW;
}

static unsigned
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

static unsigned
ui_a_tag(struct ui *u)
{
	if (u->nshown == 0)
		return UI_R_NONE;
	u->marks[u->shown[u->cursor]] ^= UI_MARK_TAGGED;
	u->last_tag = u->cursor;
	u->have_last_tag = true;
	return ui_move(u, 1) | UI_R_CURSOR | UI_R_STATUS;
}

static unsigned
ui_a_range(struct ui *u)
{
	size_t a, b, i;

	if (u->nshown == 0)
		return UI_R_NONE;
	a = u->have_last_tag && u->last_tag < u->nshown ? u->last_tag : u->cursor;
	b = u->cursor;
	if (a > b) {
		i = a;
		a = b;
		b = i;
	}
	for (i = a; i <= b; i++)
		u->marks[u->shown[i]] |= UI_MARK_TAGGED;
	u->last_tag = u->cursor;
	u->have_last_tag = true;
	ui_msg(u, false, "tagged %zu row%s", b - a + 1, b == a ? "" : "s");
	return UI_R_TABLE | UI_R_STATUS;
}

static unsigned
ui_a_tag_all(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nshown; i++)
		u->marks[u->shown[i]] |= UI_MARK_TAGGED;
	ui_msg(u, false, "tagged the %zu shown row%s", u->nshown, u->nshown == 1 ? "" : "s");
	return UI_R_TABLE | UI_R_STATUS;
}

static unsigned
ui_a_untag_all(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->tab.n; i++)
		u->marks[i] &= ~UI_MARK_TAGGED;
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
		if (u->nshown == 0)
			return 0;
		i = u->shown[u->cursor];
		if (u->marks[i] & UI_MARK_BUSY)
			return 0;
		u->marks[i] = (u->marks[i] | set) & ~clear;
		return 1;
	}
	for (i = 0; i < u->tab.n; i++) {
		if ((u->marks[i] & UI_MARK_TAGGED) == 0 || (u->marks[i] & UI_MARK_BUSY))
			continue;
		u->marks[i] = (u->marks[i] | set) & ~clear & ~UI_MARK_TAGGED;
		n++;
	}
	return n;
}

static unsigned
ui_a_stage(struct ui *u)
{
	size_t n = ui_mark_selection(u, UI_MARK_STAGED, 0);

	ui_msg(u, false, "staged %zu for revocation (x executes, u unstages)", n);
	return UI_R_TABLE | UI_R_STATUS;
}

static unsigned
ui_a_unstage(struct ui *u)
{
	size_t n = ui_mark_selection(u, 0, UI_MARK_STAGED);

	ui_msg(u, false, "unstaged %zu", n);
	return UI_R_TABLE | UI_R_STATUS;
}

/* ---- revoke ----------------------------------------------------------- */

void
ui_dialog_open(struct ui *u, struct dialog *d, enum ui_dlg kind)
{
	if (d == NULL)
		ui_fatal("out of memory");
	dialog_free(u->dlg);
	u->dlg = d;
	u->dlg_kind = kind;
}

static unsigned
ui_a_execute(struct ui *u)
{
	return ui_bulk_execute(u);
}

/* ---- create, edit, copy ----------------------------------------------- */

static unsigned
ui_a_create(struct ui *u)
{
	bool admin = u->me != NULL && u->me->is_admin;

	ui_dialog_open(u, dialog_create_new(u->max_days, admin, u->ascii), UI_DLG_CREATE);
	return UI_R_ALL;
}

static void
ui_create_submit(struct ui *u)
{
	struct api_create_params p;
	struct call *c;

	memset(&p, 0, sizeof p);
	dialog_create_params(u->dlg, &p);
	if (p.application_id != NULL && p.application_id[0] != '\0')
		c = api_tm_create_obo(&p);
	else
		c = api_token_create(&p);
	ui_state_submit(u, c, UI_JOB_CREATE, 0);
	ui_msg(u, false, "creating a token%s", u->ascii ? "..." : "\u2026");
}

static unsigned
ui_a_edit(struct ui *u)
{
	const struct token_info *t = ui_state_current(u);

	if (t == NULL)
		return UI_R_NONE;
	token_id_hex(t, u->edit_id);
	ui_dialog_open(u, dialog_edit_new(token_comment(t) != NULL ? token_comment(t) : "",
	    token_list_items(t, TOKEN_LIST_SCOPES), token_nscopes(t), u->ascii), UI_DLG_EDIT);
	return UI_R_ALL;
}

static void
ui_edit_submit(struct ui *u)
{
	struct api_update_params p;
	struct call *c;

	memset(&p, 0, sizeof p);
	dialog_edit_params(u->dlg, &p);
	if (p.comment == NULL && !p.set_scopes) {
		ui_msg(u, false, "nothing changed");
		return;
	}
	c = UI_MGMT(u) ? api_tm_update(u->edit_id, &p) : api_token_update(u->edit_id, &p);
	ui_state_submit(u, c, UI_JOB_EDIT, 0);
	ui_msg(u, false, "updating%s", u->ascii ? "..." : "\u2026");
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

static unsigned
ui_a_copy(struct ui *u)
{
	char buf[TOKEN_ID_LEN + 1];
	const char *id = ui_state_current_id(u, buf);
	enum ui_copy c;

	if (id == NULL)
		return UI_R_NONE;
	c = ui_copy(u, id);
	ui_msg(u, ui_copy_says[c].error, "%s", ui_copy_says[c].id);
	return UI_R_STATUS;
}

/* ---- the rest --------------------------------------------------------- */

static unsigned
ui_a_refresh(struct ui *u)
{
	if (u->loading & (1u << UI_JOB_LIST))
		return ui_msg(u, false, "already loading"), UI_R_STATUS;
	ui_state_load(u);
	ui_msg(u, false, "refreshing");
	return UI_R_HEADER | UI_R_STATUS;
}

static unsigned
ui_a_repaint(struct ui *u)
{
	return UI_R_ALL | UI_R_CLEAR;
}

static unsigned
ui_a_quit(struct ui *u)
{
	size_t busy = ui_state_count(u, UI_MARK_BUSY);
	size_t staged = ui_state_count(u, UI_MARK_STAGED) - ui_state_count_both(u);
	bool creating = (u->loading & (1u << UI_JOB_CREATE)) != 0 || u->secret_pending != NULL;
	char l[3][128];
	const char *lines[3];
	size_t n = 0, i;

	if (u->mode != UI_MODE_TABLE)
		return ui_a_back(u);
	if (u->bphase == UI_BULK_RUNNING && !u->bulk.stopping)
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
	ui_dialog_open(u, dialog_confirm_new("Quit?", lines, n, NULL, u->ascii), UI_DLG_QUIT);
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

/* Switching the token source discards the staged revocations (the other
 * list has other ids): ask first when some are staged. */
static unsigned
ui_admin_ask(struct ui *u, size_t staged)
{
	char l0[160];
	const char *lines[2] = { l0, "Nothing is revoked; staging again takes d." };

	snprintf(l0, sizeof l0, "%zu staged revocation%s will be discarded.", staged,
	    staged == 1 ? "" : "s");
	ui_dialog_open(u, dialog_confirm_new(u->admin == UI_ADMIN_ON ? "Leave admin mode?" :
	    "Switch to admin mode?", lines, 2, NULL, u->ascii), UI_DLG_ADMIN);
	return UI_R_ALL;
}

static unsigned ui_admin_switch(struct ui *u);

static unsigned
ui_a_admin(struct ui *u)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED);

	if (ui_bulk_running(u) || ui_state_count(u, UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "a revocation is running: switch when it is done"),
		    UI_R_STATUS;
	/* not when a non-admin's a is refused anyway, or a wait is called off */
	if (staged > 0 && u->admin != UI_ADMIN_WAIT &&
	    !(u->admin == UI_ADMIN_OFF && u->me != NULL && !u->me->is_admin))
		return ui_admin_ask(u, staged);
	return ui_admin_switch(u);
}

/* a, once nothing staged is in the way (or the user said to discard it). */
static unsigned
ui_admin_switch(struct ui *u)
{
	const char *dots = u->ascii ? "..." : "\u2026";

	if (u->admin == UI_ADMIN_ON) {
		ui_state_source(u, UI_ADMIN_OFF);
		ui_msg(u, false, "your own tokens: loading%s", dots);
		return UI_R_ALL;
	}
	if (u->admin == UI_ADMIN_WAIT) {
		u->admin = UI_ADMIN_OFF;
		if (!u->loaded)
			ui_state_load(u);
		ui_msg(u, false, "admin mode: not switched on");
		return UI_R_ALL;
	}
	if (u->me == NULL) {
		u->admin = UI_ADMIN_WAIT;
		ui_state_ask_me(u);  /* again, if it failed */
		ui_msg(u, false, "checking admin rights%s", dots);
		return UI_R_HEADER | UI_R_STATUS;
	}
	if (!u->me->is_admin)
		return ui_msg(u, true, "admin mode needs workspace admin rights (%s is not in admins)",
		    u->me->user_name != NULL ? u->me->user_name : "?"), UI_R_STATUS;
	ui_state_source(u, UI_ADMIN_ON);
	ui_msg(u, false, "admin mode: loading every token in the workspace%s", dots);
	return UI_R_ALL;
}

static unsigned
ui_a_owners(struct ui *u)
{
	if (!UI_MGMT(u))
		return ui_msg(u, true, "the owners view needs admin mode (a)"), UI_R_STATUS;
	ui_lists_owners(u);
	return UI_R_VIEW | UI_R_STATUS;
}

static unsigned
ui_a_settings(struct ui *u)
{
	if ((u->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);   /* fresh values */
	ui_lists_settings(u);
	return UI_R_VIEW | UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_a_profiles(struct ui *u)
{
	if (ui_lists_profiles(u) != 0)
		return UI_R_STATUS;
	return UI_R_VIEW | UI_R_STATUS;
}

/* Enter in :owners: the table, filtered to the selected owner. */
static unsigned
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

static unsigned ui_a_osort_next(struct ui *u) { return ui_owner_sort(u, 1); }
static unsigned ui_a_osort_prev(struct ui *u) { return ui_owner_sort(u, -1); }

static unsigned
ui_a_osort_invert(struct ui *u)
{
	u->odesc = !u->odesc;
	return ui_owner_sort(u, 0);
}

static unsigned ui_c_profile(struct ui *u, const char *arg);

/* Enter in the profile list: switch to the selected profile. */
static unsigned
ui_a_profile_pick(struct ui *u)
{
	const char *p = ui_lists_profile(u);
	char name[256];

	if (p == NULL)
		return UI_R_NONE;
	snprintf(name, sizeof name, "%s", p);     /* the list goes with the switch */
	return ui_c_profile(u, name);
}

static int
ui_days_check(const char *v, char *why, size_t n)
{
	char *end;
	long d = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || d < 1 || d > 730) {
		snprintf(why, n, "a whole number of days from 1 to 730");
		return -1;
	}
	return 0;
}

/* Ask before changing a workspace setting (focus on Cancel). */
static unsigned
ui_setting_confirm(struct ui *u)
{
	char l0[128];
	const char *lines[2] = { l0, NULL };
	const char *typed = NULL;
	bool max = strcmp(u->setting_key, "maxTokenLifetimeDays") == 0;
	bool off = !max && strcmp(u->setting_value, "false") == 0;

	if (max) {
		snprintf(l0, sizeof l0, "Set max token lifetime to %s days?", u->setting_value);
		lines[1] = "Existing tokens are not changed.";
		snprintf(u->setting_note, sizeof u->setting_note,
		    "max token lifetime set to %s days", u->setting_value);
	} else if (off) {
		snprintf(l0, sizeof l0, "Turn personal access tokens off for the whole workspace?");
		lines[1] = "Every token stops working, the one patrol uses too.";
		typed = "yes";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned off");
	} else {
		snprintf(l0, sizeof l0, "Turn personal access tokens on for the workspace?");
		lines[1] = "Existing tokens work again.";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned on");
	}
	ui_dialog_open(u, dialog_confirm_new("Change a workspace setting", lines, 2, typed,
	    u->ascii), UI_DLG_SETTING_CONFIRM);
	return UI_R_ALL;
}

static void
ui_setting_submit(struct ui *u)
{
	ui_state_submit(u, api_conf_set(u->setting_key, u->setting_value), UI_JOB_CONF_SET, 0);
	ui_msg(u, false, "changing the workspace setting%s", u->ascii ? "..." : "\u2026");
}

/* e in :settings: the selected setting, through a dialog and a confirm. */
static unsigned
ui_a_setting_edit(struct ui *u)
{
	static const char *const lines[] = {
		"The longest lifetime a new token may have.",
		"Existing tokens are not changed.",
	};
	const char *key = ui_lists_setting(u);
	const char *cur;
	char now[32];

	if (key == NULL)
		return ui_msg(u, true, "nothing to change here"), UI_R_STATUS;
	u->setting_key = key;
	if (strcmp(key, "maxTokenLifetimeDays") == 0) {
		cur = u->conf != NULL ? u->conf->max_token_lifetime_days : NULL;
		snprintf(now, sizeof now, "%s", cur != NULL ? cur : "");
		ui_dialog_open(u, dialog_input_new("Max token lifetime", lines, 2, "Days",
		    "1 to 730", now, 3, ui_days_check, u->ascii), UI_DLG_SETTING_INPUT);
		return UI_R_ALL;
	}
	cur = u->conf != NULL ? u->conf->enable_tokens_config : NULL;
	snprintf(u->setting_value, sizeof u->setting_value, "%s",
	    cur != NULL && strcmp(cur, "false") == 0 ? "true" : "false");
	return ui_setting_confirm(u);
}

static const struct ui_key ui_keys[] = {
	{ { 'j', UI_KEY(KEY_DOWN) }, "moving down", "move down", ui_a_down, UI_K_VIEWS },
	{ { 'k', UI_KEY(KEY_UP) }, "moving up", "move up", ui_a_up, UI_K_VIEWS },
	{ { 'g', UI_KEY(KEY_HOME) }, "going to the top", "first row", ui_a_top, UI_K_VIEWS },
	{ { 'G', UI_KEY(KEY_END) }, "going to the bottom", "last row", ui_a_bottom, UI_K_VIEWS },
	{ { UI_KEY(KEY_NPAGE), UI_CTRL('f') }, "paging down", "next page", ui_a_pgdn, UI_K_VIEWS },
	{ { UI_KEY(KEY_PPAGE), UI_CTRL('b') }, "paging up", "previous page", ui_a_pgup, UI_K_VIEWS },
	{ { UI_CTRL('d') }, "moving half a page down", "half a page down", ui_a_halfdn, UI_K_VIEWS },
	{ { UI_CTRL('u') }, "moving half a page up", "half a page up", ui_a_halfup, UI_K_VIEWS },
	{ { '/' }, "filtering", "filter as you type (Enter keeps, Esc clears)", ui_a_filter, 0 },
	{ { '/' }, "searching", "search this view (Enter finds the next line that has it)", ui_a_search, UI_K_IN_VIEWS },
	{ { '>' }, "sorting", "sort by the next column", ui_a_sort_next, 0 },
	{ { '<' }, "sorting", "sort by the previous column", ui_a_sort_prev, 0 },
	{ { 'I' }, "inverting the sort", "invert the sort order", ui_a_invert, 0 },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "showing a token", "show every field of the token", ui_a_detail, 0 },
	{ { ' ' }, "tagging", "tag or untag, then move down", ui_a_tag, 0 },
	{ { 'v' }, "tagging a range", "tag from the last tagged row to here", ui_a_range, 0 },
	{ { 'T' }, "tagging every shown row", "tag every row the filter shows", ui_a_tag_all, 0 },
	{ { 'U' }, "untagging", "untag every row", ui_a_untag_all, 0 },
	{ { 'd' }, "staging", "stage the tagged rows (or this one) for revocation", ui_a_stage, UI_K_MUTATING },
	{ { 'u' }, "unstaging", "unstage the tagged rows (or this one)", ui_a_unstage, 0 },
	{ { 'x' }, "revoking", "revoke the staged tokens (asks first)", ui_a_execute, UI_K_MUTATING },
	{ { 'R' }, "showing the results", "results of the last revocation", ui_a_results, UI_K_VIEWS },
	{ { 'n' }, "searching", "the next match of the search (/ in a view, :search EXPR in the table)", ui_a_search_next, UI_K_VIEWS },
	{ { 'N' }, "searching", "the previous match of the search", ui_a_search_prev, UI_K_VIEWS },
	{ { 'c' }, "creating a token", "create a token", ui_a_create, UI_K_MUTATING },
	{ { 'e' }, "editing a token", "edit the comment and scopes", ui_a_edit, UI_K_MUTATING },
	{ { 'y' }, "copying the id", "copy the token id to the clipboard (OSC 52)", ui_a_copy, 0 },
	{ { 'r', UI_CTRL('r') }, "refreshing", "fetch the tokens again", ui_a_refresh, UI_K_VIEWS },
	{ { UI_CTRL('l') }, "repainting", "repaint the screen", ui_a_repaint, UI_K_VIEWS },
	{ { 'a' }, "admin mode", "admin mode: every token of the workspace, with owners (admins)", ui_a_admin, 0 },
	{ { 'O' }, "the owners view", "owners and their quota, in admin mode (also :owners)", ui_a_owners, UI_K_VIEWS },
	{ { 'W' }, "the settings view", "workspace settings: max lifetime, tokens on (also :settings)", ui_a_settings, UI_K_VIEWS },
	{ { 'P' }, "the profile list", "profiles of the config file; Enter switches (also :profile)", ui_a_profiles, UI_K_VIEWS },
	{ { ':' }, "the command line", ":sort COL[:desc] :filter EXPR :search EXPR :columns NAME,... :refresh [DURATION|off] :export FILE :profile [NAME] :owners :settings :admin :resume", ui_a_command, UI_K_VIEWS },
	{ { '?', UI_KEY(KEY_F(1)) }, "help", "this help", ui_a_help, UI_K_VIEWS },
	{ { UI_ESC }, "going back", "back to the table; in the table, clear the filter", ui_a_back, UI_K_VIEWS },
	{ { 'q' }, "quitting", "quit (asks when revocations are staged); in a view, back", ui_a_quit, UI_K_VIEWS },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "showing an owner's tokens", "show the tokens of this owner", ui_a_owner_pick, UI_K_IN(UI_MODE_OWNERS) },
	{ { '>' }, "sorting owners", "sort by the next column (active, owner, expiring, total)", ui_a_osort_next, UI_K_IN(UI_MODE_OWNERS) },
	{ { '<' }, "sorting owners", "sort by the previous column", ui_a_osort_prev, UI_K_IN(UI_MODE_OWNERS) },
	{ { 'I' }, "inverting the owners' sort", "invert the sort order", ui_a_osort_invert, UI_K_IN(UI_MODE_OWNERS) },
	{ { 'e' }, "changing a setting", "change the selected setting (asks first)", ui_a_setting_edit, UI_K_MUTATING | UI_K_ADMIN | UI_K_IN(UI_MODE_SETTINGS) },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "switching profile", "switch to this profile", ui_a_profile_pick, UI_K_IN(UI_MODE_PROFILES) },
};
#define UI_NKEYS (sizeof ui_keys / sizeof ui_keys[0])

/* Whether row k works in mode. */
static bool
ui_key_applies(const struct ui_key *k, enum ui_mode mode)
{
	if (k->flags & UI_K_IN_ANY)
		return (k->flags & UI_K_IN(mode)) != 0;
	return mode == UI_MODE_TABLE || (k->flags & UI_K_VIEWS) != 0;
}

static const struct ui_key *
ui_key_find(int key, enum ui_mode mode)
{
	size_t i, j;

	for (i = 0; i < UI_NKEYS; i++) {
		if (!ui_key_applies(&ui_keys[i], mode))
			continue;
		for (j = 0; j < 4 && ui_keys[i].keys[j] != 0; j++)
			if (ui_keys[i].keys[j] == key)
				return &ui_keys[i];
	}
	return NULL;
}

/* Refuse k when it needs admin rights we do not have (or know yet). */
static bool
ui_key_admin_refused(struct ui *u, const struct ui_key *k)
{
	if ((k->flags & UI_K_ADMIN) == 0 || (u->me != NULL && u->me->is_admin))
		return false;
	if (u->me == NULL) {
		ui_state_ask_me(u);  /* again, if it failed */
		ui_msg(u, true, "%s: checking admin rights, try again in a moment", k->name);
	} else {
		ui_msg(u, true, "%s needs workspace admin rights (%s is not in admins)", k->name,
		    u->me->user_name != NULL ? u->me->user_name : "?");
	}
	return true;
}

static unsigned
ui_mouse(struct ui *u)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || u->mode != UI_MODE_TABLE)
		return UI_R_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return ui_move(u, -3);
	if (ev.bstate & BUTTON5_PRESSED)
		return ui_move(u, 3);
	if (ev.y >= 3 && ev.y < LINES - 1)
		return ui_move_to(u, (long)(u->top + (size_t)(ev.y - 3)));
	return UI_R_NONE;
}

/* Look the key up and run its action: the one place read-only refuses. A
 * message belongs to the action that made it: each action starts with an
 * empty status line (redrawn when that changes it). */
unsigned
ui_keys_dispatch(struct ui *u, int key)
{
	const struct ui_key *k;
	bool had;

	if (key == UI_KEY(KEY_RESIZE))
		return UI_R_ALL;
	if (key == UI_KEY(KEY_MOUSE))
		return ui_mouse(u);
	if ((k = ui_key_find(key, u->mode)) == NULL)
		return UI_R_NONE;
	had = u->status[0] != '\0';
	ui_msg_clear(u);
	if ((k->flags & UI_K_MUTATING) && u->read_only) {
		if (!u->opts->flags.read_only)
			ui_msg(u, true, "read-only: %s is refused (profile %s is read-only in %s)",
			    k->name, u->profile, u->prefs.path != NULL ? u->prefs.path :
			    "patrol's config");
		else
			ui_msg(u, true, "read-only: %s is refused", k->name);
		return UI_R_STATUS;
	}
	if (ui_key_admin_refused(u, k))
		return UI_R_STATUS;
	return k->fn(u) | (had ? UI_R_STATUS : UI_R_NONE);
}


static void
ui_key_name(int key, char *out, size_t n)
{
	static const struct { int key; const char *name; } names[] = {
		{ UI_KEY(KEY_DOWN), "Down" }, { UI_KEY(KEY_UP), "Up" },
		{ UI_KEY(KEY_HOME), "Home" }, { UI_KEY(KEY_END), "End" },
		{ UI_KEY(KEY_NPAGE), "PgDn" }, { UI_KEY(KEY_PPAGE), "PgUp" },
		{ UI_KEY(KEY_ENTER), "" }, { '\n', "" }, { '\r', "Enter" },
		{ UI_KEY(KEY_F(1)), "F1" }, { UI_ESC, "Esc" }, { ' ', "Space" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (names[i].key == key) {
			snprintf(out, n, "%s", names[i].name);
			return;
		}
	}
	if (key < 0x20)
		snprintf(out, n, "Ctrl-%c", key + 'A' - 1);
	else
		snprintf(out, n, "%c", key);
}

/* One help line for row k. */
static char *
ui_help_line(const struct ui *u, const struct ui_key *k)
{
	char keys[64], one[16], line[256];
	size_t j, len = 0;

	keys[0] = '\0';
	for (j = 0; j < 4 && k->keys[j] != 0; j++) {
		ui_key_name(k->keys[j], one, sizeof one);
		if (one[0] != '\0')
			len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s",
			    len ? " " : "", one);
	}
	snprintf(line, sizeof line, "%-16s %s%s%s", keys, k->help,
	    (k->flags & UI_K_ADMIN) ? " [admins]" : "",
	    (k->flags & UI_K_MUTATING) && u->read_only ? " (refused: read-only)" : "");
	return ui_xstrdup(line);
}

/* The rows that work only in view m, under a heading. */
static void
ui_help_view(const struct ui *u, char **v, size_t *n, enum ui_mode m, const char *heading)
{
	size_t i;

	v[(*n)++] = ui_xstrdup("");
	v[(*n)++] = ui_xstrdup(heading);
	for (i = 0; i < UI_NKEYS; i++)
		if ((ui_keys[i].flags & UI_K_IN(m)) &&
		    ((ui_keys[i].flags & UI_K_IN_VIEWS) != UI_K_IN_VIEWS || m == UI_MODE_DETAIL))
			v[(*n)++] = ui_help_line(u, &ui_keys[i]);
}

/* Build the help view from the key table, then the legends. */
void
ui_keys_help(struct ui *u)
{
	char **v = ui_xcalloc(UI_NKEYS + TOKEN_FLAG_COUNT + 16, sizeof *v);
	char line[256];
	size_t i, n = 0;
	int b;

	for (i = 0; i < UI_NKEYS; i++)
		if ((ui_keys[i].flags & UI_K_IN_ANY) == 0)
			v[n++] = ui_help_line(u, &ui_keys[i]);
	ui_help_view(u, v, &n, UI_MODE_DETAIL, "In every view (detail, help, results, owners, ...):");
	ui_help_view(u, v, &n, UI_MODE_OWNERS, "In the owners view (O or :owners; Esc back):");
	ui_help_view(u, v, &n, UI_MODE_SETTINGS, "In the settings view (W or :settings):");
	ui_help_view(u, v, &n, UI_MODE_PROFILES, "In the profile list (P or :profile):");
	v[n++] = ui_xstrdup("");
	v[n++] = ui_xstrdup("Tag column: * tagged, D staged for revocation, ~ being revoked.");
	v[n++] = ui_xstrdup("Flags column (filter with flag:NAME, e.g. /flag:never-expires):");
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		snprintf(line, sizeof line, "  %c  %-18s %s", ui_draw_flag_letter((enum token_flag_bit)b),
		    token_flag_name((enum token_flag_bit)b), token_flag_legend((enum token_flag_bit)b));
		v[n++] = ui_xstrdup(line);
	}
	ui_view_set(u, UI_MODE_HELP, v, n);
}

/* ---- the command line ------------------------------------------------- */

static unsigned
ui_c_sort(struct ui *u, const char *arg)
{
	enum token_sort_key k;
	bool desc = false;

	if (token_sort_parse(arg, &k, &desc) != 0)
		return ui_msg(u, true, "unknown sort column: %s", arg), UI_R_STATUS;
	u->sort = k;
	u->desc = desc;
	return ui_sort_step(u, 0);
}

static unsigned
ui_c_filter(struct ui *u, const char *arg)
{
	char committed[sizeof u->filter_text];

	snprintf(committed, sizeof committed, "%s", u->filter_text);
	ui_state_set_filter(u, arg, committed);
	ui_state_refilter(u);
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
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
		return cli_output_results(fp, e->format, &u->bulk, u->sflags);
	memset(&o, 0, sizeof o);
	o.fp = fp;
	o.format = e->format;
	o.management = UI_MGMT(u);
	o.sanitize_flags = u->sflags;
	o.ctx = u->ctx;
	return cli_output_tokens(&o, &u->tab, u->shown, u->nshown);
}

/* Export to path (~ expanded). An existing file is asked about first and
 * replaced only after OK (replace); the file is written whole or not at
 * all, mode 0600. */
static unsigned
ui_export(struct ui *u, const char *arg, bool results, bool replace)
{
	struct ui_export e = { u, CLI_FORMAT_CSV, results };
	struct patrol_err err;
	const char *lines[2];
	char l0[300], *path;
	size_t n = results ? u->bulk.n : u->nshown;

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
		    UI_DLG_EXPORT_REPLACE);
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

static unsigned
ui_c_export(struct ui *u, const char *arg)
{
	return ui_export(u, arg, u->mode == UI_MODE_RESULTS, false);
}

/* :search EXPR: move to the next row (or view line) that matches, hiding
 * nothing; n and N go on. */
static unsigned
ui_c_search(struct ui *u, const char *arg)
{
	if (arg[0] == '\0')
		return ui_a_search_next(u);
	return ui_keys_search(u, arg, 1, u->mode != UI_MODE_TABLE);
}

/* :refresh: now; :refresh DURATION: every so often (at least 10s); :refresh
 * off: no more. */
static unsigned
ui_c_refresh(struct ui *u, const char *arg)
{
	int64_t s = 0;

	if (arg[0] == '\0')
		return ui_a_refresh(u);
	if (strcmp(arg, "off") != 0 && strcmp(arg, "0") != 0 &&
	    (duration_parse(arg, &s) != 0 || s < PREFS_REFRESH_MIN || s > 86400))
		return ui_msg(u, true, "refresh: off, or a duration from %ds to 1d (60, 90s, 5m)",
		    PREFS_REFRESH_MIN), UI_R_STATUS;
	ui_state_refresh_every(u, s * 1000);
	if (s == 0)
		ui_msg(u, false, "auto-refresh off");
	else
		ui_msg(u, false, "auto-refresh every %llds (the cursor, tags and a running session "
		    "are left alone)", (long long)s);
	return UI_R_STATUS;
}

/* :columns NAME,...: choose and order the columns; :columns default; alone:
 * say which are shown and which there are. */
static unsigned
ui_c_columns(struct ui *u, const char *arg)
{
	char spec[256], why[160];

	if (arg[0] != '\0' && ui_draw_columns(u, arg, why, sizeof why) != 0)
		return ui_msg(u, true, "columns: %s", why), UI_R_STATUS;
	if (arg[0] != '\0')            /* remembered; default follows the config again */
		u->columns_chosen = strcmp(arg, "default") != 0;
	ui_draw_columns_spec(u, spec, sizeof spec);
	ui_msg(u, false, "columns: %s (:columns NAME,... chooses and orders them from comment "
	    "created expires flags last-used scopes owner id; :columns default)", spec);
	return UI_R_ALL;
}

/* :resume: offer the unfinished revocation session of this workspace. */
static unsigned
ui_a_resume(struct ui *u)
{
	return ui_bulk_offer_resume(u, false);
}

static unsigned
ui_c_profile(struct ui *u, const char *arg)
{
	if (arg[0] == '\0')
		return ui_a_profiles(u);
	if (ui_bulk_running(u) || ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "unstage or finish the revocations first"), UI_R_STATUS;
	if (ui_state_profile(u, arg) != 0)
		return UI_R_STATUS;
	if (u->mode != UI_MODE_TABLE)
		ui_a_back(u);
	return UI_R_ALL;
}

/* The commands: with an argument (fn), or the same action as a key (act). */
static const struct {
	const char *name;
	unsigned (*fn)(struct ui *, const char *);
	unsigned (*act)(struct ui *);
} ui_cmds[] = {
	{ "sort", ui_c_sort, NULL },
	{ "filter", ui_c_filter, NULL },
	{ "export", ui_c_export, NULL },
	{ "search", ui_c_search, NULL },
	{ "profile", ui_c_profile, NULL },
	{ "owners", NULL, ui_a_owners },
	{ "settings", NULL, ui_a_settings },
	{ "admin", NULL, ui_a_admin },
	{ "refresh", ui_c_refresh, NULL },
	{ "columns", ui_c_columns, NULL },
	{ "resume", NULL, ui_a_resume },
	{ "help", NULL, ui_a_help },
	{ "quit", NULL, ui_a_quit },
	{ "q", NULL, ui_a_quit },
};

/* Run one command line (without the ':'). */
unsigned
ui_keys_command(struct ui *u, const char *line)
{
	char name[32];
	const char *arg;
	size_t i, n;

	ui_msg_clear(u);            /* its message is the command's own */
	line += strspn(line, " ");
	n = strcspn(line, " ");
	if (n == 0)
		return UI_R_STATUS;
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), line);
	arg = line + n;
	arg += strspn(arg, " ");
	for (i = 0; i < sizeof ui_cmds / sizeof ui_cmds[0]; i++)
		if (strcmp(ui_cmds[i].name, name) == 0)
			return ui_cmds[i].act != NULL ? ui_cmds[i].act(u) : ui_cmds[i].fn(u, arg);
	ui_msg(u, true, "unknown command: %s (sort filter search columns refresh export profile "
	    "owners settings admin resume help quit)", name);
	return UI_R_STATUS;
}

/* ---- dialogs ---------------------------------------------------------- */

static int
ui_secret_fill(FILE *fp, const void *ctx)
{
	return fputs(ctx, fp) < 0 || fputc('\n', fp) == EOF ? -1 : 0;
}

/* w in the secret dialog: a new file (~ expanded), 0600, whole or not at all. */
static void
ui_secret_write(struct ui *u)
{
	const char *typed = dialog_secret_path(u->dlg);
	struct patrol_err err;
	char note[600], *path = savefile_expand(typed);

	status_clear(&err);
	if (path == NULL)
		status_set(&err, PATROL_IO, "cannot write %s: HOME is not set", typed);
	else
		savefile_write(path, SAVEFILE_NEW, ui_secret_fill, dialog_secret_value(u->dlg),
		    &err);
	if (err.status == PATROL_OK)
		snprintf(note, sizeof note, "written to %s (mode 0600)", path);
	else
		snprintf(note, sizeof note, "! %s: type another path, or Esc", err.message);
	dialog_secret_written(u->dlg, err.status == PATROL_OK, note);
	free(path);
}

static void
ui_secret_request(struct ui *u)
{
	switch (dialog_secret_request(u->dlg)) {
	case DIALOG_REQ_COPY:
		dialog_note(u->dlg, ui_copy_says[ui_copy(u, dialog_secret_value(u->dlg))].secret);
		break;
	case DIALOG_REQ_WRITE:
		ui_secret_write(u);
		break;
	case DIALOG_REQ_NONE:
		break;
	}
}

/* A dialog ended with res: act on it, then free it. */
static unsigned
ui_dialog_end(struct ui *u, enum dialog_result res)
{
	enum ui_dlg kind = u->dlg_kind;
	unsigned r = UI_R_ALL;
	bool ok = res == DIALOG_OK;

	if (ok && kind == UI_DLG_CREATE)
		ui_create_submit(u);
	else if (ok && kind == UI_DLG_EDIT)
		ui_edit_submit(u);
	else if (ok && kind == UI_DLG_SETTING_INPUT)
		snprintf(u->setting_value, sizeof u->setting_value, "%s", dialog_input_value(u->dlg));
	dialog_free(u->dlg);
	u->dlg = NULL;
	u->dlg_kind = UI_DLG_NONE;
	switch (kind) {
	case UI_DLG_REVOKE:
	case UI_DLG_REVOKE_SELF:
	case UI_DLG_REPLAN:
	case UI_DLG_STOP:
	case UI_DLG_RESUME:
		return ui_bulk_answer(u, kind, res);
	case UI_DLG_QUIT:
		if (ok) {
			u->quit = true;
			r |= UI_R_QUIT;
		}
		break;
	case UI_DLG_SECRET:
		ui_msg(u, false, "the secret is gone from memory; the new token is in the list");
		break;
	case UI_DLG_SETTING_INPUT:
		if (ok)
			return ui_setting_confirm(u);
		ui_msg(u, false, "cancelled: the setting is unchanged");
		break;
	case UI_DLG_SETTING_CONFIRM:
		if (ok)
			ui_setting_submit(u);
		else
			ui_msg(u, false, "cancelled: the setting is unchanged");
		break;
	case UI_DLG_ADMIN:
		if (ok)
			r |= ui_admin_switch(u);
		else
			ui_msg(u, false, "cancelled: still %s, the staged revocations kept",
			    UI_MGMT(u) ? "in admin mode" : "your own tokens");
		break;
	case UI_DLG_EXPORT_REPLACE:
		if (ok)
			r |= ui_export(u, u->export_path, u->export_results, true);
		else
			ui_msg(u, false, "export cancelled: %s is unchanged",
			    strrchr(u->export_path, '/') != NULL ? strrchr(u->export_path, '/') + 1 :
			    u->export_path);
		free(u->export_path);
		u->export_path = NULL;
		break;
	default:
		break;
	}
	return r;
}

unsigned
ui_keys_dialog(struct ui *u, int ch, bool is_key)
{
	enum dialog_result res;

	if (is_key && ch == KEY_RESIZE)
		return UI_R_ALL;
	res = dialog_key(u->dlg, ch, is_key);
	if (u->dlg_kind == UI_DLG_SECRET)
		ui_secret_request(u);
	if (res == DIALOG_OPEN)
		return UI_R_STATUS;
	return ui_dialog_end(u, res);
}

/* Show a created secret once no other dialog is open; the copy is wiped. */
unsigned
ui_keys_secret_pending(struct ui *u)
{
	struct api_created *c = u->secret_pending;
	const struct token_info *t;
	char id[TOKEN_ID_LEN + 1];

	if (c == NULL || u->dlg != NULL)
		return UI_R_NONE;
	t = api_created_info(c);
	ui_dialog_open(u, dialog_secret_new(c->token_value, token_id_hex(t, id),
	    token_comment(t) != NULL ? token_comment(t) : "", u->ascii), UI_DLG_SECRET);
	api_created_free(c);
	u->secret_pending = NULL;
	return UI_R_ALL;
}
