/*
 * ui_draw.c: the screen.
 *
 *   line 0        header: profile, host, user, badges, what is loading
 *   line 1        quota gauge, expiring and expired counts, the filter
 *   line 2        column titles with the sort indicator
 *   lines 3..n-2  the table, or a view (detail, help, results, or a list
 *                 view with a selected line: owners, settings, profiles)
 *   line n-1      status: last message, counts, hints (or a prompt)
 *
 * In admin mode the gauge is the selected row's owner's quota: a binary
 * search in the per-owner counts made once per load (ui_state_quota), so a
 * cursor move redraws the gauge line without counting anything.
 *
 * Everything is drawn on stdscr and only what the reaction bits name; a
 * cursor move that does not scroll redraws two rows. Every server string
 * goes through sanitize_cell, which also truncates by display width.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "duration.h"
#include "sanitize.h"
#include "table.h"
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_STATUS_MIN_MSG 12     /* columns a message keeps beside the counts */

#define UI_TOP 3                 /* first table row */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10
#define UI_COMMENT_MIN 18
#define UI_LINE_MAX 4096

enum ui_col_id { UI_COL_TAG, UI_COL_TEXT, UI_COL_DATE };

/* The columns, left to right, fitted by the table engine (src/table.h)
 * with one space between them. width: the natural width (0: measured from
 * the data, at most UI_WIDE_MAX); min: the narrowest a flexible column
 * gets; drop: lower goes first on narrow screens (0: never dropped). The
 * comment column is fitted at its minimum, then takes what is left, so a
 * wide screen gives the owner and scopes their full width first. */
struct ui_col {
	int key;                 /* enum token_sort_key, -1 for the tag column */
	const char *name;        /* for :columns and the columns setting */
	const char *title;
	int width;
	int min;
	int drop;
	bool flex;
	bool mgmt_only;
};

#define UI_COL_FLAGS_KEY (-2)     /* not a sort key: the audit flags */
#define UI_WIDE_MAX 40

static const struct ui_col ui_cols[] = {
	{ -1,                   "",          "",          2,  0,  0, false, false },
	{ TOKEN_SORT_COMMENT,   "comment",   "COMMENT",   UI_COMMENT_MIN, UI_COMMENT_MIN, 0, false, false },
	{ TOKEN_SORT_CREATED,   "created",   "CREATED",   9,  0,  2, false, false },
	{ TOKEN_SORT_EXPIRES,   "expires",   "EXPIRES",   9,  0,  7, false, false },
	{ UI_COL_FLAGS_KEY,     "flags",     "FLAGS",     5,  0,  1, false, false },
	{ TOKEN_SORT_LAST_USED, "last-used", "LAST USED", 10, 0,  4, false, false },
	{ TOKEN_SORT_SCOPES,    "scopes",    "SCOPES",    0,  13, 3, true,  false },
	{ TOKEN_SORT_OWNER,     "owner",     "OWNER",     0,  10, 5, true,  true },
	{ TOKEN_SORT_ID,        "id",        "ID",        10, 0,  6, false, false },
};
#define UI_NCOLS (sizeof ui_cols / sizeof ui_cols[0])
_Static_assert(UI_NCOLS <= UI_MAX_COLS, "ui_cols has more columns than struct ui can lay out");

/* The FLAGS column: one letter per audit flag (help shows the legend). */
static const char ui_flag_letters[] = {
	[TOKEN_FLAG_BIT_UNUSED_90D] = 'U',
	[TOKEN_FLAG_BIT_UNUSED_30D] = 'u',
	[TOKEN_FLAG_BIT_NEVER_EXPIRES] = 'N',
	[TOKEN_FLAG_BIT_OVER_MAX_LIFETIME] = 'L',
	[TOKEN_FLAG_BIT_EXPIRING] = 'e',
	[TOKEN_FLAG_BIT_EXPIRED] = 'X',
	[TOKEN_FLAG_BIT_PRIVILEGED] = 'P',
	[TOKEN_FLAG_BIT_ALL_APIS] = 'A',
	[TOKEN_FLAG_BIT_AUTOSCOPE] = 'a',
	[TOKEN_FLAG_BIT_STALE_COMMENT] = 'S',
	[TOKEN_FLAG_BIT_SELF] = '@',
};
_Static_assert(sizeof ui_flag_letters == TOKEN_FLAG_COUNT,
    "every audit flag needs a letter in ui_flag_letters");

char
ui_draw_flag_letter(enum token_flag_bit b)
{
	return (unsigned)b < TOKEN_FLAG_COUNT && ui_flag_letters[b] != 0 ? ui_flag_letters[b] : '?';
}

/* The letters of flags; unused-30d is implied by unused-90d. */
static void
ui_flag_cell(unsigned flags, char *out, size_t n)
{
	size_t len = 0;
	int b;

	if (flags & TOKEN_FLAG(UNUSED_90D))
		flags &= ~TOKEN_FLAG(UNUSED_30D);
	for (b = 0; b < TOKEN_FLAG_COUNT && len + 1 < n; b++)
		if (flags & (1u << b))
			out[len++] = ui_draw_flag_letter((enum token_flag_bit)b);
	out[len] = '\0';
}

static int
ui_attr(const struct ui *u, int pair, int attr)
{
	return u->colors ? (int)((unsigned)attr | (unsigned)COLOR_PAIR(pair)) : attr;
}

/* How a row is told apart, the first that applies: a colour, and
 * attributes that tell the kinds apart alone under NO_COLOR (--no-color,
 * a terminal without colour). A privileged row is italic where the
 * terminal can draw it, bold and dim where not. The tag column (* D) and
 * the flags column carry the same meaning in glyphs. */
#define UI_ROW_STYLES(_) \
	_(STAGED,     UI_PAIR_RED,     A_BOLD | A_UNDERLINE) \
	_(TAGGED,     UI_PAIR_GREEN,   A_BOLD) \
	_(EXPIRED,    UI_PAIR_NONE,    A_DIM) \
	_(EXPIRING,   UI_PAIR_YELLOW,  A_UNDERLINE) \
	_(PRIVILEGED, UI_PAIR_MAGENTA, A_ITALIC) \
	_(UNUSED_90D, UI_PAIR_CYAN,    A_DIM | A_UNDERLINE)

#define UI_ROW_ENUM(e, pair, attr) UI_ROW_##e,
enum ui_row_style { UI_ROW_STYLES(UI_ROW_ENUM) UI_ROW_COUNT };
#undef UI_ROW_ENUM
#define UI_ROW_ROW(e, pair, attr) { pair, attr },
static const struct {
	int pair;
	attr_t attr;
} ui_row_styles[] = { UI_ROW_STYLES(UI_ROW_ROW) };
#undef UI_ROW_ROW

/* The style of table row `row`, or UI_ROW_COUNT for a plain row. */
static enum ui_row_style
ui_row_style(const struct ui *u, size_t row)
{
	unsigned m = u->marks[row], f = u->flags[row];

	if (m & UI_MARK_STAGED)
		return UI_ROW_STAGED;
	if (m & UI_MARK_TAGGED)
		return UI_ROW_TAGGED;
	if (f & TOKEN_FLAG(EXPIRED))
		return UI_ROW_EXPIRED;
	if (f & TOKEN_FLAG(EXPIRING))
		return UI_ROW_EXPIRING;
	if (f & TOKEN_FLAG(PRIVILEGED))
		return UI_ROW_PRIVILEGED;
	if (f & TOKEN_FLAG(UNUSED_90D))
		return UI_ROW_UNUSED_90D;
	return UI_ROW_COUNT;
}

static int
ui_row_attr(const struct ui *u, size_t row)
{
	enum ui_row_style st = ui_row_style(u, row);
	attr_t a;

	if (st == UI_ROW_COUNT)
		return A_NORMAL;
	a = ui_row_styles[st].attr;
	if ((a & A_ITALIC) && !u->italic)
		a = (a & ~A_ITALIC) | A_BOLD | A_DIM;
	return ui_attr(u, ui_row_styles[st].pair, (int)a);
}

size_t
ui_draw_page(const struct ui *u)
{
	return LINES > UI_TOP + 1 ? (size_t)(LINES - UI_TOP - 1) : 1;
}

size_t
ui_draw_view_page(const struct ui *u)
{
	return ui_draw_page(u);
}

/* The natural width of column i: its own, or the widest of its data. */
static size_t
ui_col_natural(const struct ui *u, size_t i)
{
	if (ui_cols[i].mgmt_only && !UI_MGMT(u))
		return 0;
	size_t w = (size_t)ui_cols[i].width;

	if (w == 0)
		w = ui_cols[i].key == TOKEN_SORT_OWNER ? u->wide_owner : u->wide_scopes;
	return w > strlen(ui_cols[i].title) ? w : strlen(ui_cols[i].title);
}

/* Widths of the chosen columns, in their order, at this screen width (-1:
 * dropped), once a frame: the table engine fits them (shrinking scopes and
 * owner, then dropping columns in their order); the comment column, when
 * shown, takes the rest. */
static void
ui_layout(struct ui *u)
{
	struct table_col tc[UI_MAX_COLS];
	size_t nat[UI_MAX_COLS], k, total, room = COLS > 3 ? (size_t)COLS - 2 : 1, c;

	for (k = 0; k < u->ncols; k++) {
		c = u->cols[k];
		tc[k] = (struct table_col){ .header = ui_cols[c].title, .min = (size_t)ui_cols[c].min,
					    .drop = (unsigned)ui_cols[c].drop, .flex = ui_cols[c].flex };
		nat[k] = ui_col_natural(u, c);
	}
	/* a line one short of the width never wraps: room is COLS - 2 plus
	 * the space after the last cell */
	total = table_fit(tc, u->ncols, nat, room, 1);
	for (k = 0; k < u->ncols; k++)
		if (u->cols[k] == UI_COL_TEXT && total < room && nat[k] > 0)
			nat[k] += room - total;
	for (k = 0; k < u->ncols; k++)
		u->colw[k] = nat[k] > 0 ? (int)nat[k] : -1;
}

/* The ui_cols index of a column name (a sort key's, or "flags"), or -1. */
static int
ui_col_find(const char *name)
{
	enum token_sort_key key;
	bool desc;
	size_t i;

	if (strcmp(name, "flags") != 0 && (strchr(name, ':') != NULL ||
	    token_sort_parse(name, &key, &desc) != 0))
		return -1;
	for (i = 1; i < UI_NCOLS; i++)
		if (strcmp(name, "flags") == 0 ? ui_cols[i].key == UI_COL_FLAGS_KEY :
		    ui_cols[i].key == (int)key)
			return (int)i;
	return -1;
}

int
ui_draw_columns(struct ui *u, const char *spec, char *why, size_t n)
{
	size_t cols[UI_MAX_COLS], ncols = 1, k, len;
	char name[32];
	int c;

	cols[0] = 0;                     /* the tag column always comes first */
	if (spec == NULL || *spec == '\0' || strcmp(spec, "default") == 0) {
		for (ncols = 0; ncols < UI_NCOLS; ncols++)
			cols[ncols] = ncols;
		spec = NULL;
	}
	for (; spec != NULL && *spec != '\0'; spec += len) {
		spec += strspn(spec, ", ");
		if ((len = strcspn(spec, ", ")) == 0)
			break;
		snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
		    spec);
		if ((c = ui_col_find(name)) < 0) {
			snprintf(why, n, "unknown column '%s' (comment created expires flags last-used "
			    "scopes owner id)", name);
			return -1;
		}
		for (k = 1; k < ncols && cols[k] != (size_t)c; k++)
			;
		if (k == ncols && ncols < UI_MAX_COLS)
			cols[ncols++] = (size_t)c;
	}
	if (ncols == 1) {
		snprintf(why, n, "name at least one column");
		return -1;
	}
	memcpy(u->cols, cols, ncols * sizeof *cols);
	u->ncols = ncols;
	return 0;
}

void
ui_draw_columns_spec(const struct ui *u, char *out, size_t n)
{
	size_t k, len = 0;

	out[0] = '\0';
	for (k = 1; k < u->ncols && len < n; k++)
		len += (size_t)snprintf(out + len, n - len, "%s%s", k > 1 ? "," : "",
		    ui_cols[u->cols[k]].name);
}

/* Measure the data behind the columns sized from it (after a load or a
 * compaction, never per frame): the widest scope list and owner. */
void
ui_draw_measure(struct ui *u)
{
	char text[1024], clean[1024];
	size_t i, w;

	u->wide_scopes = strlen("SCOPES");
	u->wide_owner = strlen("OWNER");
	for (i = 0; i < u->tab.n && u->wide_scopes < UI_WIDE_MAX; i++) {
		token_scopes_format(&u->tab.rows[i], text, sizeof text);
		sanitize_cell(text, UI_WIDE_MAX, 0, u->sflags, clean, sizeof clean);
		if ((w = sanitize_width(clean)) > u->wide_scopes)
			u->wide_scopes = w;
	}
	for (i = 0; i < u->nowners && u->wide_owner < UI_WIDE_MAX; i++) {
		sanitize_cell(u->owners[i].owner, UI_WIDE_MAX, 0, u->sflags, clean, sizeof clean);
		if ((w = sanitize_width(clean)) > u->wide_owner)
			u->wide_owner = w;
	}
}

/* Append a cell padded to width and a separating space. */
static size_t
ui_cell(const struct ui *u, char *line, size_t pos, const char *s, int width)
{
	pos += sanitize_cell(s, (size_t)width, 1, u->sflags, line + pos, UI_LINE_MAX - pos);
	if (pos + 1 < UI_LINE_MAX)
		line[pos++] = ' ';
	line[pos] = '\0';
	return pos;
}

static void
ui_cell_text(const struct ui *u, size_t col, size_t row, char *out, size_t n)
{
	const struct token_info *t = &u->tab.rows[row];
	unsigned m = u->marks[row];
	char id[TOKEN_ID_LEN + 1];

	switch (ui_cols[col].key) {
	case -1:
		snprintf(out, n, "%c%c", (m & UI_MARK_TAGGED) ? '*' : ' ',
		    (m & UI_MARK_BUSY) ? '~' : (m & UI_MARK_STAGED) ? 'D' : ' ');
		break;
	case TOKEN_SORT_COMMENT:
		snprintf(out, n, "%s", token_comment(t) != NULL ? token_comment(t) : "");
		break;
	case TOKEN_SORT_CREATED:
		duration_relative(t->creation_time, u->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_EXPIRES:
		token_expires_format(t, u->ctx.now_ms, false, out, n);
		break;
	case TOKEN_SORT_LAST_USED:
		token_last_used_format(t, u->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_SCOPES:
		token_scopes_format(t, out, n);
		break;
	case TOKEN_SORT_OWNER:
		snprintf(out, n, "%s", token_owner(t));
		break;
	case UI_COL_FLAGS_KEY:
		ui_flag_cell(u->flags[row], out, n);
		break;
	default:
		snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, token_id_hex(t, id));
		break;
	}
}

/* Clear to the end of row y, but only while the cursor is still on it: a
 * line that filled the width has wrapped, and clearing then would erase the
 * next row. */
static void
ui_clear_rest(int y)
{
	if (getcury(stdscr) == y)
		wclrtoeol(stdscr);
}

static void
ui_draw_row(struct ui *u, size_t vi)
{
	const int *w = u->colw;
	int y = UI_TOP + (int)(vi - u->top), attr = A_NORMAL;
	char line[UI_LINE_MAX], text[1024];
	size_t k, pos = 0, row;

	if (y >= LINES - 1)
		return;
	line[0] = '\0';
	if (vi >= u->nshown) {
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
		return;
	}
	row = u->shown[vi];
	for (k = 0; k < u->ncols; k++) {
		if (w[k] <= 0)
			continue;
		ui_cell_text(u, u->cols[k], row, text, sizeof text);
		pos = ui_cell(u, line, pos, text, w[k]);
	}
	attr = ui_row_attr(u, row);
	if (vi == u->cursor)
		attr |= A_REVERSE;
	wattrset(stdscr, attr);
	mvwaddstr(stdscr, y, 0, line);
	ui_clear_rest(y);
	wattrset(stdscr, A_NORMAL);
}

static void
ui_draw_titles(struct ui *u)
{
	const int *w = u->colw;
	char line[UI_LINE_MAX], title[64];
	size_t k, col, pos = 0;
	const char *arrow;

	line[0] = '\0';
	for (k = 0; k < u->ncols; k++) {
		if (w[k] <= 0)
			continue;
		col = u->cols[k];
		arrow = "";
		if (ui_cols[col].key == (int)u->sort)
			arrow = u->ascii ? (u->desc ? "v" : "^") : (u->desc ? "\u25bc" : "\u25b2");
		snprintf(title, sizeof title, "%s%s", ui_cols[col].title, arrow);
		pos += sanitize_cell(title, (size_t)w[k], 1, 0, line + pos, sizeof line - pos);
		if (pos + 1 < sizeof line)
			line[pos++] = ' ';
		line[pos] = '\0';
	}
	wattrset(stdscr, A_BOLD | A_UNDERLINE);
	mvwaddstr(stdscr, UI_TOP - 1, 0, line);
	ui_clear_rest(UI_TOP - 1);
	wattrset(stdscr, A_NORMAL);
}

static void
ui_keep_top(struct ui *u)
{
	size_t page = ui_draw_page(u);

	if (u->cursor < u->top)
		u->top = u->cursor;
	if (u->cursor >= u->top + page)
		u->top = u->cursor - page + 1;
	if (u->top + page > u->nshown)
		u->top = u->nshown > page ? u->nshown - page : 0;
}

/* "loading…", or "loading… 45,000 tokens" once a list streams in. */
static void
ui_loading_text(const struct ui *u, const char *what, char *out, size_t n)
{
	char count[32];

	ui_state_count_text(u->list_seen, count, sizeof count);
	if ((u->loading & (1u << UI_JOB_LIST)) && u->list_seen > 0)
		snprintf(out, n, "loading%s %s token%s", u->ascii ? "..." : "\u2026", count,
		    u->list_seen == 1 ? "" : "s");
	else
		snprintf(out, n, "loading%s%s", what, u->ascii ? "..." : "\u2026");
}

/* What an empty table says: loading, why the list failed, or why it is empty. */
static void
ui_draw_empty(struct ui *u)
{
	const char *msg = u->tab.n == 0 ? "no tokens" : "no token matches the filter (Esc clears it)";
	char line[UI_LINE_MAX], why[sizeof u->load_err + 32], loading[64];
	int attr = A_DIM;

	if (!u->loaded) {
		ui_loading_text(u, "", loading, sizeof loading);
		msg = loading;
	}
	if (!u->loaded && u->load_err[0] != '\0' && (u->loading & (1u << UI_JOB_LIST)) == 0) {
		snprintf(why, sizeof why, "%s (r tries again)", u->load_err);
		msg = why;
		attr = ui_attr(u, UI_PAIR_RED, A_BOLD);
	}
	sanitize_cell(msg, COLS > 4 ? (size_t)COLS - 3 : 1, 0, u->sflags, line, sizeof line);
	wattrset(stdscr, attr);
	mvwaddstr(stdscr, UI_TOP, 2, line);
	wattrset(stdscr, A_NORMAL);
}

static void
ui_draw_table(struct ui *u, unsigned r)
{
	size_t page = ui_draw_page(u), i;
	size_t old_top = u->top;

	ui_keep_top(u);
	if ((r & UI_R_TABLE) == 0 && u->drawn_valid && old_top == u->top &&
	    u->drawn_top == u->top) {
		if (u->drawn_cursor != u->cursor)
			ui_draw_row(u, u->drawn_cursor);
		ui_draw_row(u, u->cursor);
	} else {
		ui_draw_titles(u);
		for (i = 0; i < page; i++)
			ui_draw_row(u, u->top + i);
		if (u->nshown == 0)
			ui_draw_empty(u);
	}
	u->drawn_top = u->top;
	u->drawn_cursor = u->cursor;
	u->drawn_valid = true;
}

/* Keep a list view's selected line on the page. */
static void
ui_view_keep_sel(struct ui *u, size_t page)
{
	if (u->nvlines == 0) {
		u->vsel = 0;
		return;
	}
	if (u->vsel >= u->nvlines)
		u->vsel = u->nvlines - 1;
	if (u->vsel < u->vtop)
		u->vtop = u->vsel;
	if (u->vsel >= u->vtop + page)
		u->vtop = u->vsel - page + 1;
}

static void
ui_draw_view(struct ui *u)
{
	static const char *const titles[] = {
		[UI_MODE_DETAIL] = "DETAIL",
		[UI_MODE_HELP] = "HELP",
		[UI_MODE_RESULTS] = "RESULTS",
	};
	char line[UI_LINE_MAX], title[300];
	size_t page = ui_draw_view_page(u), i;
	bool list = UI_MODE_IS_LIST(u->mode);

	if (list)
		ui_view_keep_sel(u, page);
	if (u->nvlines > page && u->vtop > u->nvlines - page)
		u->vtop = u->nvlines - page;
	if (u->nvlines <= page)
		u->vtop = 0;
	if (list)
		snprintf(title, sizeof title, "%s", u->vtitle);
	else
		snprintf(title, sizeof title, "%s  (j/k scroll, Esc back)  %zu/%zu",
		    u->vtitle[0] != '\0' ? u->vtitle : titles[u->mode],
		    u->nvlines > 0 ? u->vtop + 1 : 0, u->nvlines);
	wattrset(stdscr, A_BOLD | A_UNDERLINE);
	sanitize_cell(title, (size_t)COLS - 1, 1, u->sflags, line, sizeof line);
	mvwaddstr(stdscr, UI_TOP - 1, 0, line);
	wattrset(stdscr, A_NORMAL);
	for (i = 0; i < page; i++) {
		wmove(stdscr, UI_TOP + (int)i, 0);
		wclrtoeol(stdscr);
		if (u->vtop + i >= u->nvlines)
			continue;
		sanitize_cell(u->vlines[u->vtop + i], (size_t)COLS - 1, list, u->sflags,
		    line, sizeof line);
		if ((list && u->vtop + i == u->vsel) || (!list && u->vtop + i + 1 == u->vhit))
			wattrset(stdscr, A_REVERSE);
		waddstr(stdscr, line);
		wattrset(stdscr, A_NORMAL);
		ui_clear_rest(UI_TOP + (int)i);
	}
	u->drawn_valid = false;
}

static void
ui_header_loading(const struct ui *u, char *out, size_t n)
{
	const char *dots = u->ascii ? "..." : "\u2026";

	out[0] = '\0';
	if (u->admin == UI_ADMIN_WAIT)
		snprintf(out, n, "checking admin rights%s", dots);
	else if (u->loading & (1u << UI_JOB_LIST))
		ui_loading_text(u, " tokens", out, n);
	else if (u->loading & ((1u << UI_JOB_ME) | (1u << UI_JOB_CONF)))
		snprintf(out, n, "loading workspace%s", dots);
	else if (ui_bulk_running(u))
		snprintf(out, n, "revoking%s", dots);
}

static void
ui_badge(const char *text, int attr)
{
	waddstr(stdscr, " ");
	wattrset(stdscr, attr);
	waddstr(stdscr, text);
	wattrset(stdscr, A_NORMAL);
}

/* patrol | profile | host | user, then the badges: READ-ONLY; ADMIN when
 * admin mode is on, else [admin] when the user could turn it on. */
static void
ui_draw_header(struct ui *u)
{
	char clean[UI_LINE_MAX];
	char user[160], load[64], line[UI_LINE_MAX];
	const char *sep = u->ascii ? " | " : " \u2502 ";
	bool rights = u->me != NULL && u->me->is_admin;
	int x, room;

	snprintf(user, sizeof user, "%s", u->me != NULL && u->me->user_name != NULL ?
	    u->me->user_name : "?");
	ui_header_loading(u, load, sizeof load);
	wmove(stdscr, 0, 0);
	wclrtoeol(stdscr);
	wattrset(stdscr, ui_attr(u, UI_PAIR_CYAN, A_BOLD));
	waddstr(stdscr, "patrol");
	wattrset(stdscr, A_NORMAL);
	snprintf(line, sizeof line, "%s%s%s%s%s%s", sep, u->profile[0] ? u->profile : "-", sep,
	    u->cfg->host != NULL ? u->cfg->host : "", sep, user);
	room = COLS - 8 - (u->read_only ? 10 : 0) - (UI_MGMT(u) ? 6 : rights ? 8 : 0) -
	    (load[0] != '\0' ? (int)sanitize_width(load) + 2 : 0);
	sanitize_cell(line, (size_t)(room > 10 ? room : 10), 0, u->sflags & SANITIZE_ASCII,
	    clean, sizeof clean);
	waddstr(stdscr, clean);
	if (u->read_only)
		ui_badge("READ-ONLY", ui_attr(u, UI_PAIR_YELLOW, A_REVERSE | A_BOLD));
	if (UI_MGMT(u))
		ui_badge("ADMIN", ui_attr(u, UI_PAIR_CYAN, A_REVERSE | A_BOLD));
	else if (rights)
		ui_badge("[admin]", ui_attr(u, UI_PAIR_CYAN, A_BOLD));
	x = COLS - (int)sanitize_width(load) - 1;
	if (load[0] != '\0' && x > getcurx(stdscr))
		mvwaddstr(stdscr, 0, x, load);
}

/* The quota of the signed-in user; in admin mode, of the selected row's
 * owner (the fullest owner's when no row is shown). */
static size_t
ui_quota(const struct ui *u, char *who, size_t n, size_t *expiring)
{
	const struct token_info *t = UI_MGMT(u) ? ui_state_current(u) : NULL;
	const struct token_owner_count *oc = t != NULL ? ui_state_owner(u, token_owner(t)) : NULL;

	if (oc != NULL) {
		sanitize_cell(oc->owner[0] != '\0' ? oc->owner : "(no owner)", 24, 0, u->sflags,
		    who, n);
		*expiring = oc->expiring;
		return oc->active;
	}
	snprintf(who, n, "%s", u->quota_owner);
	*expiring = u->quota_expiring;
	return u->quota_active;
}

static void
ui_draw_gauge(struct ui *u)
{
	char bar[320], who[sizeof u->quota_owner], tail[300];
	size_t active, expiring, expired, fill, i, len = 0, width = COLS >= 60 ? 20 : 10;
	int attr = A_NORMAL;
	bool danger, warn;

	wmove(stdscr, 1, 0);
	wclrtoeol(stdscr);
	if (!u->loaded)
		return;
	active = ui_quota(u, who, sizeof who, &expiring);
	expired = UI_MGMT(u) ? 0 : u->tab.n - active;
	danger = active * 100 > (size_t)TOKEN_QUOTA * 95;
	warn = active * 100 > (size_t)TOKEN_QUOTA * 80;
	fill = active >= TOKEN_QUOTA ? width : active * width / TOKEN_QUOTA;
	if (active > 0 && fill == 0)
		fill = 1;
	for (i = 0; i < width && len + 4 < sizeof bar; i++) {
		const char *g = i < fill ? (u->ascii ? "#" : "\u2588") : (u->ascii ? "-" : "\u00b7");

		len += (size_t)snprintf(bar + len, sizeof bar - len, "%s", g);
	}
	if (danger)
		attr = ui_attr(u, UI_PAIR_RED, A_BOLD | A_REVERSE);
	else if (warn)
		attr = ui_attr(u, UI_PAIR_YELLOW, A_BOLD);
	mvwaddstr(stdscr, 1, 0, who[0] ? who : "quota");
	waddstr(stdscr, " [");
	wattrset(stdscr, attr);
	waddstr(stdscr, bar);
	wattrset(stdscr, A_NORMAL);
	waddstr(stdscr, "] ");
	wattrset(stdscr, attr);
	snprintf(tail, sizeof tail, "%s%zu/%d", danger ? "!" : "", active, TOKEN_QUOTA);
	waddstr(stdscr, tail);
	wattrset(stdscr, A_NORMAL);
	if (UI_MGMT(u))
		snprintf(tail, sizeof tail, "  %zu expire %s7d", expiring, u->ascii ? "<=" : "\u2264");
	else
		snprintf(tail, sizeof tail, "  %zu expire %s7d, %zu expired", expiring,
		    u->ascii ? "<=" : "\u2264", expired);
	if (getcurx(stdscr) + (int)strlen(tail) < COLS)
		waddstr(stdscr, tail);
	if (u->filter_text[0] != '\0' && getcurx(stdscr) + 12 < COLS) {
		snprintf(tail, sizeof tail, "  /%s", u->filter_text);
		sanitize_cell(tail, (size_t)(COLS - getcurx(stdscr) - 1), 0, u->sflags,
		    bar, sizeof bar);
		waddstr(stdscr, bar);
	}
}

static void
ui_draw_prompt(struct ui *u)
{
	char line[UI_LINE_MAX], raw[600];

	snprintf(raw, sizeof raw, "%c%s_", u->prompt == UI_PROMPT_COMMAND ? ':' : '/', u->input);
	/* A filter that does not compile says why while it is typed. */
	if (u->prompt == UI_PROMPT_FILTER && u->status_error && strncmp(u->status, "filter:", 7) == 0)
		snprintf(raw + strlen(raw), sizeof raw - strlen(raw), "   ! %s", u->status);
	sanitize_cell(raw, (size_t)COLS - 1, 0, u->sflags, line, sizeof line);
	wattrset(stdscr, A_BOLD);
	mvwaddstr(stdscr, LINES - 1, 0, line);
	wattrset(stdscr, A_NORMAL);
	ui_clear_rest(LINES - 1);
}

/* The counts at the right of the status line, labelled, in the longest
 * form that leaves want columns for the message; else the shortest form,
 * and the message is cut (tui.md: the status line always shows the tagged
 * count). None when a running session's progress line needs the room (it
 * goes first), or when the terminal is too narrow for the counts and a few
 * columns of message. Returns its width. */
static size_t
ui_status_counts(const struct ui *u, size_t want, char *out, size_t n)
{
	size_t tagged = ui_state_count(u, UI_MARK_TAGGED);
	size_t staged = ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY);
	int form;

	for (form = 0; form < 3; form++) {
		if (form == 0)
			snprintf(out, n, " shown %zu/%zu  tagged %zu  staged %zu  ? help", u->nshown,
			    u->tab.n, tagged, staged);
		else if (form == 1)
			snprintf(out, n, " shown %zu/%zu  tagged %zu  staged %zu", u->nshown, u->tab.n,
			    tagged, staged);
		else
			snprintf(out, n, " shown %zu/%zu tagged %zu staged %zu", u->nshown, u->tab.n,
			    tagged, staged);
		if (strlen(out) + want + 1 <= (size_t)COLS)
			break;
	}
	if (form == 3 && u->bphase == UI_BULK_RUNNING)
		out[0] = '\0';
	else if (strlen(out) + UI_STATUS_MIN_MSG + 1 > (size_t)COLS)
		out[0] = '\0';
	return strlen(out);
}

size_t
ui_draw_status_room(const struct ui *u, bool counts)
{
	char right[160];
	int room = COLS - 1;

	if (counts) {
		snprintf(right, sizeof right, " shown %zu/%zu tagged %zu staged %zu", u->nshown,
		    u->tab.n, ui_state_count(u, UI_MARK_TAGGED),
		    ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY));
		room -= (int)strlen(right);
	}
	return room > 0 ? (size_t)room : 0;
}

static void
ui_draw_status(struct ui *u)
{
	char right[160], line[UI_LINE_MAX];
	int rw, room;

	if (u->prompt != UI_PROMPT_NONE) {
		ui_draw_prompt(u);
		return;
	}
	rw = (int)ui_status_counts(u, sanitize_width(u->status) + 1, right, sizeof right);
	room = COLS - rw - 1;
	wmove(stdscr, LINES - 1, 0);
	wclrtoeol(stdscr);
	if (room > 4 && u->status[0] != '\0') {
		sanitize_cell(u->status, (size_t)room, 0, u->sflags, line, sizeof line);
		wattrset(stdscr, u->status_error ? ui_attr(u, UI_PAIR_RED, A_BOLD) : (int)A_NORMAL);
		waddstr(stdscr, line);
		wattrset(stdscr, A_NORMAL);
	}
	if (rw > 0 && rw < COLS)
		mvwaddstr(stdscr, LINES - 1, COLS - rw - 1, right);
}

static void
ui_draw_small(struct ui *u)
{
	char line[128];

	werase(stdscr);
	snprintf(line, sizeof line, "patrol: terminal too small (%dx%d, need %dx%d)",
	    COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
	sanitize_cell(line, (size_t)(COLS > 1 ? COLS - 1 : 1), 0, SANITIZE_ASCII, line,
	    sizeof line);
	mvwaddstr(stdscr, 0, 0, line);
	u->drawn_valid = false;
}

/* Redraw what r names, then send it all in one doupdate. */
void
ui_draw(struct ui *u, unsigned r)
{
	bool small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;

	if (small != u->too_small)
		r |= UI_R_ALL;
	u->too_small = small;
	if (r & UI_R_CLEAR)
		clearok(curscr, TRUE);
	if (small) {
		ui_draw_small(u);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	if ((r & UI_R_ALL) == UI_R_ALL) {
		touchwin(stdscr);
		u->drawn_valid = false;
	}
	ui_layout(u);
	if (r & UI_R_HEADER)
		ui_draw_header(u);
	/* In admin mode the gauge follows the selected row's owner. */
	if ((r & UI_R_HEADER) || (UI_MGMT(u) && (r & UI_R_CURSOR)))
		ui_draw_gauge(u);
	if (u->mode == UI_MODE_TABLE && (r & (UI_R_TABLE | UI_R_CURSOR)))
		ui_draw_table(u, r);
	else if (u->mode != UI_MODE_TABLE && (r & (UI_R_VIEW | UI_R_TABLE)))
		ui_draw_view(u);
	if (r & UI_R_STATUS)
		ui_draw_status(u);
	wnoutrefresh(stdscr);
	if (u->dlg != NULL)
		dialog_draw(u->dlg);
	doupdate();
}

char *
ui_fmt(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_xstrdup(buf);
}

struct ui_lines {
	char **v;
	size_t n, cap;
};

static void
ui_add(struct ui_lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = ui_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = s;
}

/* A field as "Label:  value" with the value sanitized. */
static void
ui_add_field(struct ui_lines *l, const struct ui *u, const char *label, const char *value)
{
	char *s = sanitize(value, 0, u->sflags);

	if (s == NULL)
		ui_fatal("out of memory");
	ui_add(l, label[0] != '\0' ? ui_fmt("%-16s %s", label, s) : ui_fmt("  %s", s));
	free(s);
}

/* A time in local time and UTC with how long ago; none when there is none. */
static void
ui_add_time(struct ui_lines *l, const struct ui *u, const char *label, int64_t ms,
    const char *none)
{
	char loc[64], utc[64], rel[64];

	if (ms <= 0) {
		ui_add(l, ui_fmt("%-16s %s", label, none));
		return;
	}
	duration_absolute(ms, false, loc, sizeof loc);
	duration_absolute(ms, true, utc, sizeof utc);
	duration_relative(ms, u->ctx.now_ms, rel, sizeof rel);
	ui_add(l, ui_fmt("%-16s %s local, %s UTC (%s)", label, loc, utc, rel));
}

/* The last use: a time, or (admin mode) only the UTC day. */
static void
ui_add_last_used(struct ui_lines *l, const struct ui *u, const struct token_info *t)
{
	char rel[64], day[32];

	if (t->last_accessed_time > 0 || t->last_used_day <= 0) {
		ui_add_time(l, u, "Last used:", t->last_accessed_time, TOKEN_WORD_NEVER);
		return;
	}
	token_last_used_format(t, u->ctx.now_ms, rel, sizeof rel);
	duration_iso8601(t->last_used_day, day, sizeof day);
	day[10] = '\0';
	ui_add(l, ui_fmt("%-16s %s UTC, the day only (%s)", "Last used:", day, rel));
}

static void
ui_add_list(struct ui_lines *l, const struct ui *u, const char *label,
    const struct token_info *t, enum token_list which, const char *none)
{
	size_t i, n = token_list_n(t, which);

	if (n == 0) {
		ui_add(l, ui_fmt("%-16s %s", label, none));
		return;
	}
	for (i = 0; i < n; i++)
		ui_add_field(l, u, i == 0 ? label : "", token_list_at(t, which, i));
}

static void
ui_add_flags(struct ui_lines *l, unsigned flags)
{
	int b;

	if (flags == 0) {
		ui_add(l, ui_fmt("%-16s none", "Flags:"));
		return;
	}
	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if (flags & (1u << b))
			ui_add(l, ui_fmt("%-16s %s: %s", b == __builtin_ctz(flags) ? "Flags:" : "",
			    token_flag_name((enum token_flag_bit)b),
			    token_flag_legend((enum token_flag_bit)b)));
}

/* Build the detail view of t. */
void
ui_draw_detail(struct ui *u, const struct token_info *t, unsigned flags)
{
	struct ui_lines l = { NULL, 0, 0 };
	char num[32], scopes[4096], id[TOKEN_ID_LEN + 1];

	ui_add_field(&l, u, "Comment:", token_comment(t) != NULL ? token_comment(t) : "");
	ui_add(&l, ui_xstrdup("Token id:"));
	ui_add_field(&l, u, "", token_id_hex(t, id));
	ui_add_time(&l, u, "Created:", t->creation_time, "unknown");
	ui_add_time(&l, u, "Expires:", t->expiry_time, TOKEN_WORD_NEVER);
	ui_add_last_used(&l, u, t);
	if (t->management) {
		ui_add_field(&l, u, "Owner:", token_owner(t));
		snprintf(num, sizeof num, "%lld", (long long)t->owner_id);
		ui_add_field(&l, u, "Owner id:", num);
		snprintf(num, sizeof num, "%lld", (long long)t->created_by_id);
		ui_add_field(&l, u, "Created by id:", num);
	}
	token_scopes_format(t, scopes, sizeof scopes);
	ui_add_field(&l, u, "Scopes:", scopes);
	ui_add_field(&l, u, "Autoscope:", token_autoscope_state(t) != NULL ?
	    token_autoscope_state(t) : "-");
	ui_add_list(&l, u, "Inferred scopes:", t, TOKEN_LIST_INFERRED, "-");
	ui_add_list(&l, u, "Backfill scopes:", t, TOKEN_LIST_BACKFILL, "-");
	ui_add_flags(&l, flags);
	if (flags & TOKEN_FLAG(SELF))
		ui_add(&l, ui_xstrdup("This is the token patrol uses."));
	ui_view_set(u, UI_MODE_DETAIL, l.v, l.n);
}

/* ---- list views: owners, settings, profiles ------------------------------ */

static int
ui_ocmp_owner(const void *pa, const void *pb)
{
	return strcmp(((const struct token_owner_count *)pa)->owner,
	    ((const struct token_owner_count *)pb)->owner);
}

#define UI_OCMP(name, field)						\
static int								\
name(const void *pa, const void *pb)					\
{									\
	const struct token_owner_count *a = pa, *b = pb;		\
									\
	if (a->field != b->field)					\
		return a->field < b->field ? -1 : 1;			\
	return -ui_ocmp_owner(pa, pb);					\
}
UI_OCMP(ui_ocmp_active, active)
UI_OCMP(ui_ocmp_expiring, expiring)
UI_OCMP(ui_ocmp_total, total)
#undef UI_OCMP

/* The owners view's columns: title, width, comparator (ascending; ties by
 * name, so that the descending order lists names ascending), and whether
 * the natural order is descending (counts: most first). */
static const struct {
	const char *title;
	int width;
	int (*cmp)(const void *, const void *);
	bool desc;
} ui_ocols[UI_OSORT_COUNT] = {
	[UI_OSORT_ACTIVE]   = { "ACTIVE/600", 22, ui_ocmp_active, true },
	[UI_OSORT_OWNER]    = { "OWNER", 0, ui_ocmp_owner, false },
	[UI_OSORT_EXPIRING] = { "EXPIRING", 8, ui_ocmp_expiring, true },
	[UI_OSORT_TOTAL]    = { "TOTAL", 6, ui_ocmp_total, true },
};
#define UI_OWNER_MIN 12
#define UI_OWNER_MAX 40
#define UI_OBAR 10

/* Append a title cell padded to width (with the sort arrow when sorted). */
static size_t
ui_otitle(const struct ui *u, char *out, size_t pos, size_t n, enum ui_owner_sort k,
    int width, bool desc)
{
	char t[64];

	snprintf(t, sizeof t, "%s%s", ui_ocols[k].title, u->osort != k ? "" : u->ascii ?
	    (desc ? "v" : "^") : (desc ? "\u25bc" : "\u25b2"));
	pos += sanitize_cell(t, (size_t)width, 1, u->sflags, out + pos, n - pos);
	if (pos + 2 < n)
		pos += (size_t)snprintf(out + pos, n - pos, "  ");
	return pos;
}

static void
ui_obar(const struct ui *u, size_t active, char *out, size_t n)
{
	size_t fill = active >= TOKEN_QUOTA ? UI_OBAR : active * UI_OBAR / TOKEN_QUOTA, i, len = 0;

	if (active > 0 && fill == 0)
		fill = 1;
	for (i = 0; i < UI_OBAR && len + 4 < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s", i < fill ?
		    (u->ascii ? "#" : "\u2588") : (u->ascii ? "-" : "\u00b7"));
}

/* One line per owner: name, active/600 with a bar, expiring, total. */
static char *
ui_owner_line(const struct ui *u, const struct token_owner_count *c, int ow)
{
	char name[256], bar[64];

	sanitize_cell(c->owner[0] != '\0' ? c->owner : "(no owner)", (size_t)ow, 1, u->sflags,
	    name, sizeof name);
	ui_obar(u, c->active, bar, sizeof bar);
	return ui_fmt("%s  %5zu/%d [%s]  %8zu  %6zu", name, c->active, TOKEN_QUOTA, bar,
	    c->expiring, c->total);
}

/* Build (or rebuild) the owners view from the counts of this load, sorted
 * by u->osort; the selection stays on its owner. */
void
ui_lists_owners(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	struct token_owner_count *v;
	const char **names;
	char keep[256] = "", title[sizeof u->vtitle];
	size_t i, pos = 0, sel = 0, w;
	bool desc = ui_ocols[u->osort].desc != u->odesc;
	int ow = UI_OWNER_MIN;

	if (u->mode == UI_MODE_OWNERS && ui_lists_owner(u) != NULL)
		snprintf(keep, sizeof keep, "%s", ui_lists_owner(u));
	v = ui_xcalloc(u->nowners + 1, sizeof *v);
	names = ui_xcalloc(u->nowners + 1, sizeof *names);
	if (u->nowners > 0)
		memcpy(v, u->owners, u->nowners * sizeof *v);
	qsort(v, u->nowners, sizeof *v, ui_ocols[u->osort].cmp);
	for (i = 0; i < u->nowners; i++) {
		w = strlen(v[i].owner);
		if ((int)w > ow)
			ow = w > UI_OWNER_MAX ? UI_OWNER_MAX : (int)w;
	}
	for (i = 0; i < u->nowners; i++) {
		const struct token_owner_count *c = &v[desc ? u->nowners - 1 - i : i];

		names[i] = c->owner;
		if (strcmp(c->owner, keep) == 0)
			sel = i;
		ui_add(&l, ui_owner_line(u, c, ow));
	}
	free(v);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_OWNER, ow, desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_ACTIVE, ui_ocols[UI_OSORT_ACTIVE].width,
	    desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_EXPIRING, 8, desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_TOTAL, 6, desc);
	snprintf(title + pos, sizeof title - pos, "(%zu owner%s; Enter filters, < > I sort, Esc back)",
	    u->nowners, u->nowners == 1 ? "" : "s");
	if (l.n == 0)
		ui_add(&l, ui_xstrdup(u->loaded ? "no tokens" : u->ascii ? "loading..." :
		    "loading\u2026"));
	ui_view_set(u, UI_MODE_OWNERS, l.v, l.n);
	u->vowner = names;
	u->vsel = sel;
	snprintf(u->vtitle, sizeof u->vtitle, "%s", title);
}

const char *
ui_lists_owner(const struct ui *u)
{
	if (u->mode != UI_MODE_OWNERS || u->vowner == NULL || u->vsel >= u->nowners)
		return NULL;
	return u->vowner[u->vsel];
}

/* The settings view's lines, in this order. */
static const char *const ui_setting_keys[] = { "maxTokenLifetimeDays", "enableTokensConfig" };

void
ui_lists_settings(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const struct api_conf *c = u->conf;
	size_t keep = u->mode == UI_MODE_SETTINGS ? u->vsel : 0;

	if (c != NULL) {
		if (c->max_token_lifetime_days != NULL)
			ui_add(&l, ui_fmt("%-22s %s days", "Max token lifetime",
			    c->max_token_lifetime_days));
		else
			ui_add(&l, ui_fmt("%-22s not set (730 days, the most allowed)",
			    "Max token lifetime"));
		ui_add(&l, ui_fmt("%-22s %s", "Tokens enabled", c->enable_tokens_config != NULL ?
		    c->enable_tokens_config : "true (not set)"));
	} else if (u->conf_err[0] != '\0') {
		ui_add(&l, ui_fmt("cannot read the workspace settings: %s", u->conf_err));
	} else {
		ui_add(&l, ui_xstrdup(u->ascii ? "loading..." : "loading\u2026"));
	}
	ui_view_set(u, UI_MODE_SETTINGS, l.v, l.n);
	u->vsel = keep;
	snprintf(u->vtitle, sizeof u->vtitle,
	    "WORKSPACE SETTINGS  (e changes the selected one: admins, asks first; Esc back)");
}

const char *
ui_lists_setting(const struct ui *u)
{
	if (u->mode != UI_MODE_SETTINGS || u->conf == NULL ||
	    u->vsel >= sizeof ui_setting_keys / sizeof ui_setting_keys[0])
		return NULL;
	return ui_setting_keys[u->vsel];
}

/* The profiles of the config file the current configuration came from
 * (its sections, but __settings__), the current one marked. */
int
ui_lists_profiles(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const char *path = u->cfg->config_file, *name, *host;
	struct patrol_err err;
	struct ini *ini = NULL;
	char **names, cell[256];
	size_t i, n = 0, sel = 0;

	if (path == NULL)
		return ui_msg(u, true, "profiles: no config file"), -1;
	status_clear(&err);
	if (ini_parse_file(path, &ini, NULL, &err) != PATROL_OK)
		return ui_msg(u, true, "profiles: %s", err.message), -1;
	names = ui_xcalloc(ini_section_count(ini) + 1, sizeof *names);
	for (i = 0; i < ini_section_count(ini); i++) {
		name = ini_section_name(ini, i);
		if (strcmp(name, "__settings__") == 0)
			continue;
		host = ini_get(ini, name, "host");
		if (strcmp(name, u->profile) == 0)
			sel = n;
		sanitize_cell(name, 24, 1, u->sflags, cell, sizeof cell);
		ui_add(&l, ui_fmt("%s %s  %s", strcmp(name, u->profile) == 0 ? "*" : " ", cell,
		    host != NULL ? host : "(no host)"));
		names[n++] = ui_xstrdup(name);
	}
	ini_free(ini);
	if (n == 0) {
		free(names);
		return ui_msg(u, true, "profiles: none in %s", path), -1;
	}
	ui_view_set(u, UI_MODE_PROFILES, l.v, l.n);
	u->vprofiles = names;
	u->nvprofiles = n;
	u->vsel = sel;
	snprintf(u->vtitle, sizeof u->vtitle, "PROFILES in %s  (* current; Enter switches, Esc back)",
	    path);
	return 0;
}

const char *
ui_lists_profile(const struct ui *u)
{
	if (u->mode != UI_MODE_PROFILES || u->vsel >= u->nvprofiles)
		return NULL;
	return u->vprofiles[u->vsel];
}

void
ui_lists_refresh(struct ui *u)
{
	if (u->mode == UI_MODE_OWNERS)
		ui_lists_owners(u);
	else if (u->mode == UI_MODE_SETTINGS)
		ui_lists_settings(u);
}
