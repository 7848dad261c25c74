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

#include "duration.h"
#include "sanitize.h"
#include "table.h"
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_STATUS_MIN_MSG 12     /* columns a message keeps beside the counts */

#define UI_TOP 3                 /* first table row */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10
#define UI_LINE_MAX 4096

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
	unsigned m = u->ws->marks[row], f = u->ws->flags[row];

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
	if ((ui_column(i)->mgmt_only && !UI_MGMT(u)) || (ui_column(i)->estate_only && !UI_ESTATE(u)))
		return 0;
	size_t w = (size_t)ui_column(i)->width;

	if (ui_column(i)->estate_only)
		w = u->wide_ws;
	else if (w == 0)
		w = ui_column(i)->key == TOKEN_SORT_OWNER ? u->ws->wide_owner : u->ws->wide_scopes;
	return w > strlen(ui_column(i)->title) ? w : strlen(ui_column(i)->title);
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
		tc[k] = (struct table_col){ .header = ui_column(c)->title, .min = (size_t)ui_column(c)->min,
					    .drop = (unsigned)ui_column(c)->drop, .flex = ui_column(c)->flex };
		nat[k] = ui_col_natural(u, c);
	}
	/* a line one short of the width never wraps: room is COLS - 2 plus
	 * the space after the last cell */
	total = table_fit(tc, u->ncols, nat, room, 1);
	for (k = 0; k < u->ncols; k++)
		if (u->cols[k] == UI_COL_COMMENT && total < room && nat[k] > 0)
			nat[k] += room - total;
	for (k = 0; k < u->ncols; k++)
		u->colw[k] = nat[k] > 0 ? (int)nat[k] : -1;
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
	if (vi >= u->ws->nshown) {
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
		return;
	}
	row = u->ws->shown[vi];
	for (k = 0; k < u->ncols; k++) {
		if (w[k] <= 0)
			continue;
		ui_columns_cell(u, u->cols[k], row, text, sizeof text);
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
		if (ui_column(col)->key == (int)u->sort)
			arrow = u->ascii ? (u->desc ? "v" : "^") : (u->desc ? "\u25bc" : "\u25b2");
		snprintf(title, sizeof title, "%s%s", ui_column(col)->title, arrow);
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
	if (u->top + page > u->ws->nshown)
		u->top = u->ws->nshown > page ? u->ws->nshown - page : 0;
}

/* "loading…", or "loading… 45,000 tokens" once a list streams in. */
static void
ui_loading_text(const struct ui *u, const char *what, char *out, size_t n)
{
	char count[32];

	ui_state_count_text(u->ws->list_seen, count, sizeof count);
	if ((u->ws->loading & (1u << UI_JOB_LIST)) && u->ws->list_seen > 0)
		snprintf(out, n, "loading%s %s token%s", u->ascii ? "..." : "\u2026", count,
		    u->ws->list_seen == 1 ? "" : "s");
	else
		snprintf(out, n, "loading%s%s", what, u->ascii ? "..." : "\u2026");
}

/* What an empty table says: loading, why the list failed, or why it is empty. */
static void
ui_draw_empty(struct ui *u)
{
	const char *msg = u->ws->tab.n == 0 ? "no tokens" :
	    "no token matches the filter (Esc clears it)";
	char line[UI_LINE_MAX], why[sizeof u->ws->load_err + 32], loading[64];
	int attr = A_DIM;

	if (!u->ws->loaded) {
		ui_loading_text(u, "", loading, sizeof loading);
		msg = loading;
	}
	if (!u->ws->loaded && u->ws->load_err[0] != '\0' && (u->ws->loading & (1u << UI_JOB_LIST)) == 0) {
		snprintf(why, sizeof why, "%s (r tries again)", u->ws->load_err);
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
		if (u->ws->nshown == 0)
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

	size_t i, busy = 0;

	out[0] = '\0';
	for (i = 0; i < u->nest; i++)
		busy += (u->est[i]->loading & (1u << UI_JOB_LIST)) || u->est[i]->admin == UI_ADMIN_WAIT;
	if (busy > 0)
		snprintf(out, n, "loading %u of %u workspaces%s", (unsigned)busy, (unsigned)u->nest, dots);
	else if (u->ws->admin == UI_ADMIN_WAIT)
		snprintf(out, n, "checking admin rights%s", dots);
	else if (u->ws->loading & (1u << UI_JOB_LIST))
		ui_loading_text(u, " tokens", out, n);
	else if (u->ws->loading & ((1u << UI_JOB_ME) | (1u << UI_JOB_CONF)))
		snprintf(out, n, "loading workspace%s", dots);
	else if (ui_state_bulk_running(u))
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
	char user[160], load[96], line[UI_LINE_MAX];
	const char *sep = u->ascii ? " | " : " \u2502 ";
	bool rights = u->ws->me != NULL && u->ws->me->is_admin;
	int x, room;

	snprintf(user, sizeof user, "%s", u->ws->me != NULL && u->ws->me->user_name != NULL ?
	    u->ws->me->user_name : "?");
	ui_header_loading(u, load, sizeof load);
	wmove(stdscr, 0, 0);
	wclrtoeol(stdscr);
	wattrset(stdscr, ui_attr(u, UI_PAIR_CYAN, A_BOLD));
	waddstr(stdscr, "patrol");
	wattrset(stdscr, A_NORMAL);
	if (UI_ESTATE(u))            /* the workspaces, then what failed in them */
		snprintf(line, sizeof line, "%s%s%s%s", sep, u->ws->profile, u->est_note[0] ? sep : "",
		    u->est_note);
	else
		snprintf(line, sizeof line, "%s%s%s%s%s%s", sep, u->ws->profile[0] ? u->ws->profile :
		    "-", sep, u->ws->cfg->host != NULL ? u->ws->cfg->host : "", sep, user);
	room = COLS - 8 - (u->ws->read_only ? 10 : 0) - (UI_MGMT(u) ? 6 : rights ? 8 : 0) -
	    (load[0] != '\0' ? (int)sanitize_width(load) + 2 : 0);
	sanitize_cell(line, (size_t)(room > 10 ? room : 10), 0, u->sflags & SANITIZE_ASCII,
	    clean, sizeof clean);
	waddstr(stdscr, clean);
	if (u->ws->read_only)
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
ui_quota(const struct ui *u, const struct ui_ws *ws, char *who, size_t n, size_t *expiring)
{
	const struct token_info *t = ws->admin == UI_ADMIN_ON ? ui_state_current(u) : NULL;
	const struct token_owner_count *oc = t != NULL ? ui_state_ws_owner(ws, token_owner(t)) : NULL;

	if (oc != NULL) {
		sanitize_cell(oc->owner[0] != '\0' ? oc->owner : "(no owner)", 24, 0, u->sflags,
		    who, n);
		*expiring = oc->expiring;
		return oc->active;
	}
	snprintf(who, n, "%s", ws->quota_owner);
	*expiring = ws->quota_expiring;
	return ws->quota_active;
}

/* Whose gauge: the workspace on show, or with several, the workspace of
 * the row under the cursor (its name before the owner: "prod alice"). */
static const struct ui_ws *
ui_gauge_ws(const struct ui *u, char *who, size_t n, size_t *active, size_t *expiring)
{
	const struct ui_ws *ws = ui_state_row_ws(u);
	char name[sizeof ws->quota_owner], own[sizeof ws->quota_owner];

	*active = ui_quota(u, ws, own, sizeof own, expiring);
	if (!UI_ESTATE(u)) {
		snprintf(who, n, "%s", own);
		return ws;
	}
	sanitize_cell(ws->profile, 24, 0, u->sflags, name, sizeof name);
	snprintf(who, n, "%s%s%s", name, own[0] ? " " : "", own);
	return ws;
}

static void
ui_draw_gauge(struct ui *u)
{
	char bar[320], who[2 * sizeof u->ws->quota_owner], tail[sizeof u->filter_text + 8];
	const struct ui_ws *ws;
	size_t active, expiring, expired, fill, i, len = 0, width = COLS >= 60 ? 20 : 10;
	int attr = A_NORMAL;
	bool danger, warn;

	wmove(stdscr, 1, 0);
	wclrtoeol(stdscr);
	if (!u->ws->loaded)
		return;
	ws = ui_gauge_ws(u, who, sizeof who, &active, &expiring);
	expired = ws->admin == UI_ADMIN_ON ? 0 : ws->tab.n - active;
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
	if (ws->admin == UI_ADMIN_ON)
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

/* The open prompt: its lead, the line (scrolled sideways to keep the
 * cursor), "_" when the cursor is at the end, else the character under it
 * reversed; then Tab's candidates or the kind's note (a filter that does
 * not compile says why while it is typed). */
static void
ui_draw_prompt(struct ui *u)
{
	const struct ui_prompt_kind *k = u->prompt.kind;
	const char *note = k->note != NULL ? k->note(u) : NULL;
	char text[UI_LINE_MAX], raw[UI_LINE_MAX + 600], line[UI_LINE_MAX];
	size_t cx, room = COLS > 3 ? (size_t)COLS - 3 : 1;
	bool at_end = u->prompt.le.cur == u->prompt.le.len;
	int len;

	lineedit_view(&u->prompt.le, room, u->sflags, text, sizeof text, &cx);
	len = snprintf(raw, sizeof raw, "%c%s%s", k->lead, text, at_end ? "_" : "");
	if (u->prompt.hint[0] != '\0')
		snprintf(raw + len, sizeof raw - (size_t)len, "   %s", u->prompt.hint);
	else if (note != NULL)
		snprintf(raw + len, sizeof raw - (size_t)len, "   ! %s", note);
	sanitize_cell(raw, (size_t)COLS - 1, 0, u->sflags, line, sizeof line);
	wattrset(stdscr, A_BOLD);
	mvwaddstr(stdscr, LINES - 1, 0, line);
	wattrset(stdscr, A_NORMAL);
	ui_clear_rest(LINES - 1);
	if (!at_end && cx != (size_t)-1 && (int)cx + 1 < COLS)
		mvwchgat(stdscr, LINES - 1, 1 + (int)cx, 1, A_BOLD | A_REVERSE, 0, NULL);
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
	size_t staged = ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY | UI_MARK_PIN);
	int form;

	for (form = 0; form < 3; form++) {
		if (form == 0)
			snprintf(out, n, " shown %zu/%zu  tagged %zu  staged %zu  ? help", u->ws->nshown,
			    u->ws->tab.n, tagged, staged);
		else if (form == 1)
			snprintf(out, n, " shown %zu/%zu  tagged %zu  staged %zu", u->ws->nshown, u->ws->tab.n,
			    tagged, staged);
		else
			snprintf(out, n, " shown %zu/%zu tagged %zu staged %zu", u->ws->nshown, u->ws->tab.n,
			    tagged, staged);
		if (strlen(out) + want + 1 <= (size_t)COLS)
			break;
	}
	if (form == 3 && u->ws->bphase == UI_BULK_RUNNING)
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
		snprintf(right, sizeof right, " shown %zu/%zu tagged %zu staged %zu", u->ws->nshown,
		    u->ws->tab.n, ui_state_count(u, UI_MARK_TAGGED),
		    ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY | UI_MARK_PIN));
		room -= (int)strlen(right);
	}
	return room > 0 ? (size_t)room : 0;
}

static void
ui_draw_status(struct ui *u)
{
	char right[160], line[UI_LINE_MAX];
	int rw, room;

	if (u->prompt.kind != NULL) {
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

static bool
ui_draw_too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

/* The notice, in the longest wording that fits the width (a cut one says
 * nothing): the size needed as long as there is room for it. */
static void
ui_draw_small(struct ui *u)
{
	char w[5][64];
	size_t i, n = sizeof w / sizeof w[0], room = (size_t)(COLS > 1 ? COLS - (LINES == 1) : 1);

	snprintf(w[0], sizeof w[0], "patrol: terminal too small (%dx%d, need %dx%d)", COLS, LINES,
	    UI_MIN_COLS, UI_MIN_LINES);
	snprintf(w[1], sizeof w[1], "terminal too small (need %dx%d)", UI_MIN_COLS, UI_MIN_LINES);
	snprintf(w[2], sizeof w[2], "too small, need %dx%d", UI_MIN_COLS, UI_MIN_LINES);
	snprintf(w[3], sizeof w[3], "too small");
	snprintf(w[4], sizeof w[4], "small");
	werase(stdscr);
	for (i = 0; i + 1 < n && strlen(w[i]) > room; i++)
		;
	sanitize_cell(w[i], room, 0, SANITIZE_ASCII, w[i], sizeof w[i]);
	mvwaddstr(stdscr, 0, 0, w[i]);
	u->drawn_valid = false;
}

/* Redraw what r names, then send it all in one doupdate. */
void
ui_draw(struct ui *u, unsigned r)
{
	bool small = ui_draw_too_small();

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
	/* The gauge follows the selected row: its owner in admin mode, its
	 * workspace with several on show (admin mode or not). */
	if ((r & UI_R_HEADER) || ((UI_MGMT(u) || UI_ESTATE(u)) && (r & UI_R_CURSOR)))
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

