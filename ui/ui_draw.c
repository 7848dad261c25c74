/*
 * ui_draw.c: the screen.
 *
 *   line 0        header: profile, host, user, badges, what is loading
 *   line 1        quota gauge, expiring and expired counts, the filter
 *   line 2        column titles with the sort indicator
 *   lines 3..n-2  the table, or a view (detail, help, results)
 *   line n-1      status: last message, counts, hints (or a prompt)
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
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_TOP 3                 /* first table row */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10
#define UI_COMMENT_MIN 16
#define UI_LINE_MAX 4096

enum ui_col_id { UI_COL_TAG, UI_COL_TEXT, UI_COL_DATE };

/* The columns, left to right. drop: lower goes first on narrow screens
 * (0: never dropped); width 0: takes the rest. */
struct ui_col {
	int key;                 /* enum token_sort_key, -1 for the tag column */
	const char *title;
	int width;
	int drop;
	bool mgmt_only;
};

static const struct ui_col ui_cols[] = {
	{ -1,                   "",          2,  0, false },
	{ TOKEN_SORT_COMMENT,   "COMMENT",   0,  0, false },
	{ TOKEN_SORT_CREATED,   "CREATED",   9,  1, false },
	{ TOKEN_SORT_EXPIRES,   "EXPIRES",   9,  6, false },
	{ TOKEN_SORT_LAST_USED, "LAST USED", 10, 3, false },
	{ TOKEN_SORT_SCOPES,    "SCOPES",    16, 2, false },
	{ TOKEN_SORT_OWNER,     "OWNER",     14, 4, true },
	{ TOKEN_SORT_ID,        "ID",        10, 5, false },
};
#define UI_NCOLS (sizeof ui_cols / sizeof ui_cols[0])

static int
ui_attr(const struct ui *u, int pair, int attr)
{
	return u->colors ? (int)((unsigned)attr | (unsigned)COLOR_PAIR(pair)) : attr;
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

/* Widths of the columns shown at this width (0: dropped). */
static void
ui_layout(const struct ui *u, int *w)
{
	int total, used, drop, i;

	for (i = 0; i < (int)UI_NCOLS; i++)
		w[i] = ui_cols[i].mgmt_only && !u->opts->all ? -1 : ui_cols[i].width;
	for (drop = 1;; drop++) {
		used = 0;
		for (i = 0; i < (int)UI_NCOLS; i++)
			if (w[i] > 0)
				used += w[i] + 1;
		total = COLS - used - 2;   /* a line one short of the width never wraps */
		if (total >= UI_COMMENT_MIN || drop > 6)
			break;
		for (i = 0; i < (int)UI_NCOLS; i++)
			if (ui_cols[i].drop == drop)
				w[i] = -1;
	}
	w[UI_COL_TEXT] = total > 1 ? total : 1;
	for (i = 0; i < (int)UI_NCOLS; i++) {
		if (ui_cols[i].key == TOKEN_SORT_SCOPES && w[i] > 0 && total > 48) {
			used = total - 48 < 24 ? total - 48 : 24;
			w[i] += used;
			w[UI_COL_TEXT] -= used;
		}
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
ui_scopes(const struct token_info *t, char *out, size_t n)
{
	size_t i, len = 0;

	out[0] = '\0';
	if (t->nscopes == 0) {
		snprintf(out, n, "(all apis)");
		return;
	}
	for (i = 0; i < t->nscopes && len + 1 < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", t->scopes[i]);
}

static void
ui_expires(const struct ui *u, const struct token_info *t, char *out, size_t n)
{
	if (t->expiry_time <= 0)
		snprintf(out, n, "never");
	else if (token_is_expired(t, u->ctx.now_ms))
		snprintf(out, n, "expired");
	else
		duration_relative(t->expiry_time, u->ctx.now_ms, out, n);
}

static void
ui_cell_text(const struct ui *u, size_t col, size_t row, char *out, size_t n)
{
	const struct token_info *t = &u->tab.rows[row];
	unsigned m = u->marks[row];

	switch (ui_cols[col].key) {
	case -1:
		snprintf(out, n, "%c%c", (m & UI_MARK_TAGGED) ? '*' : ' ',
		    (m & UI_MARK_BUSY) ? '~' : (m & UI_MARK_STAGED) ? 'D' : ' ');
		break;
	case TOKEN_SORT_COMMENT:
		snprintf(out, n, "%s", t->comment != NULL ? t->comment : "");
		break;
	case TOKEN_SORT_CREATED:
		duration_relative(t->creation_time, u->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_EXPIRES:
		ui_expires(u, t, out, n);
		break;
	case TOKEN_SORT_LAST_USED:
		duration_relative(token_last_used(t), u->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_SCOPES:
		ui_scopes(t, out, n);
		break;
	case TOKEN_SORT_OWNER:
		snprintf(out, n, "%s", token_owner(t));
		break;
	default:
		snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, t->token_id);
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
	int w[UI_NCOLS], y = UI_TOP + (int)(vi - u->top), attr = A_NORMAL;
	char line[UI_LINE_MAX], text[1024];
	size_t col, pos = 0, row;

	if (y >= LINES - 1)
		return;
	line[0] = '\0';
	if (vi >= u->nshown) {
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
		return;
	}
	row = u->shown[vi];
	ui_layout(u, w);
	for (col = 0; col < UI_NCOLS; col++) {
		if (w[col] <= 0)
			continue;
		ui_cell_text(u, col, row, text, sizeof text);
		pos = ui_cell(u, line, pos, text, w[col]);
	}
	if (u->marks[row] & UI_MARK_STAGED)
		attr = ui_attr(u, 2, A_BOLD);
	else if (u->marks[row] & UI_MARK_TAGGED)
		attr = ui_attr(u, 4, A_BOLD);
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
	int w[UI_NCOLS];
	char line[UI_LINE_MAX], title[64];
	size_t col, pos = 0;
	const char *arrow;

	ui_layout(u, w);
	line[0] = '\0';
	for (col = 0; col < UI_NCOLS; col++) {
		if (w[col] <= 0)
			continue;
		arrow = "";
		if (ui_cols[col].key == (int)u->sort)
			arrow = u->ascii ? (u->desc ? "v" : "^") : (u->desc ? "\u25bc" : "\u25b2");
		snprintf(title, sizeof title, "%s%s", ui_cols[col].title, arrow);
		pos += sanitize_cell(title, (size_t)w[col], 1, 0, line + pos, sizeof line - pos);
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

static void
ui_draw_empty(struct ui *u)
{
	const char *msg = !u->loaded ? "loading\u2026" :
	    u->tab.n == 0 ? "no tokens" : "no token matches the filter (Esc clears it)";

	if (u->ascii && !u->loaded)
		msg = "loading...";
	wattrset(stdscr, A_DIM);
	mvwaddstr(stdscr, UI_TOP, 2, msg);
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

static void
ui_draw_view(struct ui *u)
{
	static const char *const titles[] = {
		[UI_MODE_DETAIL] = "DETAIL",
		[UI_MODE_HELP] = "HELP",
		[UI_MODE_RESULTS] = "RESULTS",
	};
	char line[UI_LINE_MAX], title[128];
	size_t page = ui_draw_view_page(u), i;

	if (u->nvlines > page && u->vtop > u->nvlines - page)
		u->vtop = u->nvlines - page;
	if (u->nvlines <= page)
		u->vtop = 0;
	snprintf(title, sizeof title, "%s  (j/k scroll, Esc back)  %zu/%zu",
	    titles[u->mode], u->nvlines > 0 ? u->vtop + 1 : 0, u->nvlines);
	wattrset(stdscr, A_BOLD | A_UNDERLINE);
	sanitize_cell(title, (size_t)COLS, 1, 0, line, sizeof line);
	mvwaddstr(stdscr, UI_TOP - 1, 0, line);
	wattrset(stdscr, A_NORMAL);
	for (i = 0; i < page; i++) {
		wmove(stdscr, UI_TOP + (int)i, 0);
		wclrtoeol(stdscr);
		if (u->vtop + i >= u->nvlines)
			continue;
		sanitize_cell(u->vlines[u->vtop + i], (size_t)COLS - 1, 0, u->sflags,
		    line, sizeof line);
		waddstr(stdscr, line);
	}
	u->drawn_valid = false;
}

static void
ui_header_loading(const struct ui *u, char *out, size_t n)
{
	const char *dots = u->ascii ? "..." : "\u2026";

	out[0] = '\0';
	if (u->loading & (1u << UI_JOB_LIST))
		snprintf(out, n, "loading tokens%s", dots);
	else if (u->loading & ((1u << UI_JOB_ME) | (1u << UI_JOB_CONF)))
		snprintf(out, n, "loading workspace%s", dots);
	else if (u->batch.running)
		snprintf(out, n, "revoking%s", dots);
}

static void
ui_draw_header(struct ui *u)
{
	char clean[UI_LINE_MAX];
	char user[160], load[64], line[UI_LINE_MAX];
	const char *sep = u->ascii ? " | " : " \u2502 ";
	int x;

	snprintf(user, sizeof user, "%s", u->me != NULL && u->me->user_name != NULL ?
	    u->me->user_name : "?");
	ui_header_loading(u, load, sizeof load);
	wmove(stdscr, 0, 0);
	wclrtoeol(stdscr);
	wattrset(stdscr, ui_attr(u, 3, A_BOLD));
	waddstr(stdscr, "patrol");
	wattrset(stdscr, A_NORMAL);
	snprintf(line, sizeof line, "%s%s%s%s%s%s", sep, u->profile[0] ? u->profile : "-", sep,
	    u->cfg->host != NULL ? u->cfg->host : "", sep, user);
	sanitize_cell(line, (size_t)(COLS > 30 ? COLS - 30 : 10), 0, u->sflags & SANITIZE_ASCII,
	    clean, sizeof clean);
	waddstr(stdscr, clean);
	if (u->opts->read_only) {
		waddstr(stdscr, " ");
		wattrset(stdscr, ui_attr(u, 1, A_REVERSE | A_BOLD));
		waddstr(stdscr, "READ-ONLY");
		wattrset(stdscr, A_NORMAL);
	}
	if (u->me != NULL && u->me->is_admin) {
		waddstr(stdscr, " ");
		wattrset(stdscr, ui_attr(u, 3, A_BOLD));
		waddstr(stdscr, "[admin]");
		wattrset(stdscr, A_NORMAL);
	}
	x = COLS - (int)strlen(load) - 1;
	if (load[0] != '\0' && x > getcurx(stdscr))
		mvwaddstr(stdscr, 0, x, load);
}

/* The quota of the signed-in user, or with --all the fullest owner's. */
static size_t
ui_quota(const struct ui *u, char *who, size_t n, size_t *expiring)
{
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
	expired = u->opts->all ? 0 : u->tab.n - active;
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
		attr = ui_attr(u, 2, A_BOLD | A_REVERSE);
	else if (warn)
		attr = ui_attr(u, 1, A_BOLD);
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
	if (u->opts->all)
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

	snprintf(raw, sizeof raw, "%c%s_", u->prompt == UI_PROMPT_FILTER ? '/' : ':', u->input);
	/* A filter that does not compile says why while it is typed. */
	if (u->prompt == UI_PROMPT_FILTER && u->status_error && strncmp(u->status, "filter:", 7) == 0)
		snprintf(raw + strlen(raw), sizeof raw - strlen(raw), "   ! %s", u->status);
	sanitize_cell(raw, (size_t)COLS - 1, 0, u->sflags, line, sizeof line);
	wattrset(stdscr, A_BOLD);
	mvwaddstr(stdscr, LINES - 1, 0, line);
	wattrset(stdscr, A_NORMAL);
	ui_clear_rest(LINES - 1);
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
	snprintf(right, sizeof right, " %zu/%zu tagged %zu staged %zu  ? help",
	    u->nshown, u->tab.n, ui_state_count(u, UI_MARK_TAGGED),
	    ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY));
	rw = (int)strlen(right);
	room = COLS - rw - 1;
	wmove(stdscr, LINES - 1, 0);
	wclrtoeol(stdscr);
	if (room > 4 && u->status[0] != '\0') {
		sanitize_cell(u->status, (size_t)room, 0, u->sflags, line, sizeof line);
		wattrset(stdscr, u->status_error ? ui_attr(u, 2, A_BOLD) : (int)A_NORMAL);
		waddstr(stdscr, line);
		wattrset(stdscr, A_NORMAL);
	}
	if (rw < COLS)
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
	if (r & UI_R_HEADER) {
		ui_draw_header(u);
		ui_draw_gauge(u);
	}
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

static char *
ui_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
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

static void
ui_add_time(struct ui_lines *l, const struct ui *u, const char *label, int64_t ms)
{
	char loc[64], utc[64], rel[64];

	if (ms <= 0) {
		ui_add(l, ui_fmt("%-16s never", label));
		return;
	}
	duration_absolute(ms, false, loc, sizeof loc);
	duration_absolute(ms, true, utc, sizeof utc);
	duration_relative(ms, u->ctx.now_ms, rel, sizeof rel);
	ui_add(l, ui_fmt("%-16s %s local, %s UTC (%s)", label, loc, utc, rel));
}

static void
ui_add_list(struct ui_lines *l, const struct ui *u, const char *label, char *const *v,
    size_t n, const char *none)
{
	size_t i;

	if (n == 0) {
		ui_add(l, ui_fmt("%-16s %s", label, none));
		return;
	}
	for (i = 0; i < n; i++)
		ui_add_field(l, u, i == 0 ? label : "", v[i]);
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
	char num[32];

	ui_add_field(&l, u, "Comment:", t->comment != NULL ? t->comment : "");
	ui_add(&l, ui_xstrdup("Token id:"));
	ui_add_field(&l, u, "", t->token_id);
	ui_add_time(&l, u, "Created:", t->creation_time);
	ui_add_time(&l, u, "Expires:", t->expiry_time);
	ui_add_time(&l, u, "Last used:", token_last_used(t));
	if (t->management) {
		ui_add_field(&l, u, "Owner:", token_owner(t));
		snprintf(num, sizeof num, "%lld", (long long)t->owner_id);
		ui_add_field(&l, u, "Owner id:", num);
		snprintf(num, sizeof num, "%lld", (long long)t->created_by_id);
		ui_add_field(&l, u, "Created by id:", num);
	}
	ui_add_list(&l, u, "Scopes:", t->scopes, t->nscopes, "(none: access to all APIs)");
	ui_add_field(&l, u, "Autoscope:", t->autoscope_state != NULL ? t->autoscope_state : "-");
	ui_add_list(&l, u, "Inferred scopes:", t->inferred_scopes, t->ninferred, "-");
	ui_add_list(&l, u, "Backfill scopes:", t->backfill_scopes, t->nbackfill, "-");
	ui_add_flags(&l, flags);
	if (flags & TOKEN_FLAG(SELF))
		ui_add(&l, ui_xstrdup("This is the token patrol uses."));
	ui_view_set(u, UI_MODE_DETAIL, l.v, l.n);
}

static const char *
ui_result_word(int st)
{
	if (st < 0)
		return "pending";
	if (st == PATROL_OK)
		return "revoked";
	if (st == PATROL_NOT_FOUND)
		return "gone";
	return "FAILED";
}

/* Build the result list of the last bulk revoke. */
void
ui_draw_results(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const struct ui_result *r;
	char *c;
	size_t i, keep = u->mode == UI_MODE_RESULTS ? u->vtop : 0;

	for (i = 0; i < u->batch.n; i++) {
		r = &u->batch.r[i];
		c = sanitize(r->comment, 30, u->sflags);
		if (c == NULL)
			ui_fatal("out of memory");
		if (r->status > 0 && r->status != PATROL_NOT_FOUND)
			ui_add(&l, ui_fmt("%-8s %.10s  %s: %s %s", ui_result_word(r->status), r->id,
			    c, status_message((enum patrol_status)r->status), r->message));
		else
			ui_add(&l, ui_fmt("%-8s %.10s  %s", ui_result_word(r->status), r->id, c));
		free(c);
	}
	if (l.n == 0)
		ui_add(&l, ui_xstrdup("no revocations yet"));
	ui_view_set(u, UI_MODE_RESULTS, l.v, l.n);
	u->vtop = keep;
}
