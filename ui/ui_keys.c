/*
 * ui_keys.c: the one key table and the actions it names.
 *
 * Each row gives the keys, the action, its help text, whether it writes
 * to the workspace, whether it needs workspace admin rights, and where it
 * works (the table; every view; or only in one of the list views, so the
 * same key can mean one thing in the table and another in :owners). Dispatch,
 * the help view, the read-only check and the admin check all read this
 * table: a mutating action in read-only mode is refused in ui_keys_dispatch
 * and nowhere else. The actions are ui_actions.c's (and ui_bulk.c's): they
 * change state and return the reaction bits (what to redraw). The help view
 * is built here, from the table.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_curses.h"
#include "ui_internal.h"

#define UI_K_MUTATING 0x1u    /* writes to the workspace: refused in read-only mode */
#define UI_K_VIEWS    0x2u    /* also works in every view */
#define UI_K_ADMIN    0x4u    /* needs workspace admin rights (SCIM Me) */
#define UI_K_ONE      0x8u    /* acts on one workspace: with several on show, the row's */
#define UI_K_IN(m)    (0x100u << (m))  /* only in view m (not in the table) */
#define UI_K_IN_ANY   0xffff00u        /* room for 16 modes */
#define UI_K_IN_VIEWS (UI_K_IN(UI_MODE_DETAIL) | UI_K_IN(UI_MODE_HELP) | \
		       UI_K_IN(UI_MODE_RESULTS) | UI_K_IN(UI_MODE_OWNERS) | \
		       UI_K_IN(UI_MODE_SETTINGS) | UI_K_IN(UI_MODE_PROFILES) | \
		       UI_K_IN(UI_MODE_PERMISSIONS) | UI_K_IN(UI_MODE_SCOPES)) /* every view */

typedef unsigned (*ui_action_fn)(struct ui *);

struct ui_key {
	int keys[4];              /* 0-terminated */
	const char *name;         /* what it does, for messages: "changing a setting" */
	const char *help;
	ui_action_fn fn;
	unsigned flags;
};

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
	{ { 'x' }, "revoking", "revoke the staged tokens (asks first; or pin those p staged)", ui_a_execute, UI_K_MUTATING },
	{ { 'p' }, "staging pins", "stage the tagged rows (or this one) for pinning their inferred scopes", ui_a_pin, UI_K_MUTATING },
	{ { 'R' }, "showing the results", "results of the last revocation", ui_a_results, UI_K_VIEWS },
	{ { 'n' }, "searching", "the next match of the search (/ in a view, :search EXPR in the table)", ui_a_search_next, UI_K_VIEWS },
	{ { 'N' }, "searching", "the previous match of the search", ui_a_search_prev, UI_K_VIEWS },
	{ { 'c' }, "creating a token", "create a token", ui_a_create, UI_K_MUTATING | UI_K_ONE },
	{ { 'e' }, "editing a token", "edit the comment and scopes", ui_a_edit, UI_K_MUTATING | UI_K_ONE },
	{ { 'o' }, "rotating a token", "rotate: a new token like this one, its secret shown once, then the old one revoked (asks first)", ui_a_rotate, UI_K_MUTATING | UI_K_ONE },
	{ { 'y' }, "copying the id", "copy the token id to the clipboard (OSC 52)", ui_a_copy, 0 },
	{ { 'r', UI_CTRL('r') }, "refreshing", "fetch the tokens again", ui_a_refresh, UI_K_VIEWS },
	{ { UI_CTRL('l') }, "repainting", "repaint the screen", ui_a_repaint, UI_K_VIEWS },
	{ { 'a' }, "admin mode", "admin mode: every token of the workspace, with owners (admins)", ui_a_admin, 0 },
	{ { 'O' }, "the owners view", "owners and their quota, in admin mode (also :owners)", ui_a_owners, UI_K_VIEWS },
	{ { 'S' }, "the scopes view", "auto-scoping: when each token narrows and to what (also :scopes)", ui_a_scopes, UI_K_VIEWS },
	{ { 'W' }, "the settings view", "workspace settings: max lifetime, tokens on (also :settings)", ui_a_settings, UI_K_VIEWS },
	{ { 'P' }, "the profile list", "profiles of the config file; Enter switches (also :profile)", ui_a_profiles, UI_K_VIEWS },
	{ { ':' }, "the command line", ":sort COL[:desc] :filter EXPR :search EXPR :columns NAME,... :refresh [DURATION|off] :export FILE :profile [NAME] :owners :scopes :settings :permissions :admin :resume", ui_a_command, UI_K_VIEWS },
	{ { '?', UI_KEY(KEY_F(1)) }, "help", "this help", ui_a_help, UI_K_VIEWS },
	{ { UI_ESC }, "going back", "back to the table; in the table, clear the filter", ui_a_back, UI_K_VIEWS },
	{ { 'q' }, "quitting", "quit (asks when revocations are staged); in a view, back", ui_a_quit, UI_K_VIEWS },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "showing an owner's tokens", "show the tokens of this owner", ui_a_owner_pick, UI_K_IN(UI_MODE_OWNERS) },
	{ { '>' }, "sorting owners", "sort by the next column (active, owner, expiring, total)", ui_a_osort_next, UI_K_IN(UI_MODE_OWNERS) },
	{ { '<' }, "sorting owners", "sort by the previous column", ui_a_osort_prev, UI_K_IN(UI_MODE_OWNERS) },
	{ { 'I' }, "inverting the owners' sort", "invert the sort order", ui_a_osort_invert, UI_K_IN(UI_MODE_OWNERS) },
	{ { 'e' }, "changing a setting", "change the selected setting (asks first)", ui_a_setting_edit, UI_K_MUTATING | UI_K_ADMIN | UI_K_IN(UI_MODE_SETTINGS) },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "going to a token", "go to this token in the table", ui_a_scope_pick, UI_K_IN(UI_MODE_SCOPES) },
	{ { 'p' }, "staging a pin", "stage this token for pinning its inferred scopes (x executes)", ui_a_scope_pin, UI_K_MUTATING | UI_K_IN(UI_MODE_SCOPES) },
	{ { 'x' }, "pinning", "pin the staged tokens (asks first)", ui_a_execute, UI_K_MUTATING | UI_K_IN(UI_MODE_SCOPES) },
	{ { '>' }, "sorting the scopes view", "sort by the next column (enforcement, state, owner)", ui_a_ssort_next, UI_K_IN(UI_MODE_SCOPES) },
	{ { '<' }, "sorting the scopes view", "sort by the previous column", ui_a_ssort_prev, UI_K_IN(UI_MODE_SCOPES) },
	{ { 'I' }, "inverting the scopes view's sort", "invert the sort order", ui_a_ssort_invert, UI_K_IN(UI_MODE_SCOPES) },
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "switching profile", "switch to this profile, or show the picked ones together", ui_a_profile_pick, UI_K_IN(UI_MODE_PROFILES) },
	{ { ' ' }, "picking profiles", "pick or unpick this profile (several are shown together)", ui_a_profile_toggle, UI_K_IN(UI_MODE_PROFILES) },
	{ { 'a' }, "picking profiles", "pick every profile, or none", ui_a_profile_all, UI_K_IN(UI_MODE_PROFILES) },
	{ { 'd' }, "removing a token permission", "remove the selected direct permission: a user's or service principal's tokens are deleted (asks for their count)", ui_a_perm_remove, UI_K_MUTATING | UI_K_ADMIN | UI_K_IN(UI_MODE_PERMISSIONS) },
	{ { 'c' }, "granting a token permission", "let a user, group or service principal use tokens (CAN_USE; asks first)", ui_a_perm_grant, UI_K_MUTATING | UI_K_ADMIN | UI_K_IN(UI_MODE_PERMISSIONS) },
};
#define UI_NKEYS (sizeof ui_keys / sizeof ui_keys[0])

/* The UI_K_ONE actions on a given row, for several workspaces on show
 * (ui_estate_one); create, not on a row, has none. */
static const struct {
	ui_action_fn fn;
	ui_row_fn on_row;
} ui_key_rows[] = {
	{ ui_a_edit, ui_token_edit },
	{ ui_a_rotate, ui_rotate_ask },
};

static ui_row_fn
ui_key_on_row(const struct ui_key *k)
{
	size_t i;

	for (i = 0; i < sizeof ui_key_rows / sizeof ui_key_rows[0]; i++)
		if (ui_key_rows[i].fn == k->fn)
			return ui_key_rows[i].on_row;
	return NULL;
}

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
	if ((k->flags & UI_K_ADMIN) == 0 || (u->ws->me != NULL && u->ws->me->is_admin))
		return false;
	if (u->ws->me == NULL) {
		ui_state_ask_me(u);  /* again, if it failed */
		ui_msg(u, true, "%s: checking admin rights, try again in a moment", k->name);
	} else {
		ui_msg(u, true, "%s needs workspace admin rights (%s is not in admins)", k->name,
		    u->ws->me->user_name != NULL ? u->ws->me->user_name : "?");
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
	if ((k->flags & UI_K_MUTATING) && u->ws->read_only) {
		if (UI_ESTATE(u))
			ui_msg(u, true, "read-only: %s is refused (every one of the %zu workspaces "
			    "on show is read-only)", k->name, u->nest);
		else if (!u->opts->flags.read_only)
			ui_msg(u, true, "read-only: %s is refused (profile %s is read-only in %s)",
			    k->name, u->ws->profile, u->ws->prefs.path != NULL ? u->ws->prefs.path :
			    "patrol's config");
		else
			ui_msg(u, true, "read-only: %s is refused", k->name);
		return UI_R_STATUS;
	}
	if (ui_key_admin_refused(u, k))
		return UI_R_STATUS;
	if ((k->flags & UI_K_ONE) && UI_ESTATE(u))     /* on the row's own workspace */
		return ui_estate_one(u, k->name, ui_key_on_row(k)) | (had ? UI_R_STATUS : UI_R_NONE);
	return k->fn(u) | (had ? UI_R_STATUS : UI_R_NONE);
}

unsigned
ui_keys_small(struct ui *u, int key)
{
	if (key == UI_KEY(KEY_RESIZE))
		return UI_R_ALL;
	if (key == UI_CTRL('l'))
		return ui_a_repaint(u);
	if (key == 'q' && u->dlg == NULL && u->prompt.kind == NULL && u->mode == UI_MODE_TABLE)
		return ui_a_quit(u);
	return UI_R_NONE;
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
	    (k->flags & UI_K_MUTATING) && u->ws->read_only ? " (refused: read-only)" : "");
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
static void
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
	ui_help_view(u, v, &n, UI_MODE_PERMISSIONS, "In the permissions view (:permissions):");
	ui_help_view(u, v, &n, UI_MODE_SCOPES, "In the scopes view (S or :scopes; Esc back):");
	v[n++] = ui_xstrdup("");
	v[n++] = ui_xstrdup("Tag column: * tagged, D staged for revocation, P staged for pinning, "
	    "~ being revoked or pinned.");
	v[n++] = ui_xstrdup("Flags column (filter with flag:NAME, e.g. /flag:never-expires):");
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		snprintf(line, sizeof line, "  %c  %-18s %s", ui_columns_flag_letter((enum token_flag_bit)b),
		    token_flag_name((enum token_flag_bit)b), token_flag_legend((enum token_flag_bit)b));
		v[n++] = ui_xstrdup(line);
	}
	ui_view_set(u, UI_MODE_HELP, v, n);
}

/* ? and F1: the help view, built from this table. */
unsigned
ui_a_help(struct ui *u)
{
	ui_keys_help(u);
	return UI_R_VIEW;
}
