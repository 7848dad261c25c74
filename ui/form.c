/*
 * form.c: the form engine (form.h).
 *
 * Layout, drawing and keys of a column of fields. A draw lays the fields
 * out (label column, widget column, grids in as many columns as fit),
 * scrolls the body to the focus and paints into the form's own window; a
 * key goes to the form's ops, then the focused field, then the table of
 * form keys (Tab, Enter, Esc...).
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "form.h"
#include "sanitize.h"
#include "secret.h"
#include "ui_curses.h"
#include "utf8.h"

#define FORM_LINE_MAX		4096	/* a text field's shown bytes */
#define FORM_CHROME		4	/* border, note line, button row, border */
#define FORM_NOTE_ROWS		3	/* a long note wraps over at most this many */
#define FORM_ESC		27

/* Layout of one draw. */
struct layout {
	int w, h, y, x;
	int lw;			/* label column */
	int wx, ww;		/* widget column */
};

/* ---- fields ------------------------------------------------------------ */

/* The field with this id, or NULL when the form has none. */
struct field *
form_find(struct form *fm, int id)
{
	size_t i;

	for (i = 0; i < fm->nfields; i++) {
		if (fm->fields[i].id == id)
			return &fm->fields[i];
	}
	return NULL;
}

/* The field with this id, which the form's own field table has: a
 * missing one is a programming error. */
struct field *
form_get(struct form *fm, int id)
{
	struct field *f = form_find(fm, id);

	if (f == NULL)
		abort();
	return f;
}

static bool
field_focusable(const struct field *f)
{
	return !f->hidden && f->kind != FIELD_LABEL;
}

void
form_focus_id(struct form *fm, int id)
{
	struct field *f = form_get(fm, id);

	if (f != NULL && field_focusable(f))
		fm->focus = (size_t)(f - fm->fields);
}

/* Move the focus by dir (+1 or -1), wrapping, skipping labels and hidden fields. */
static void
form_focus_move(struct form *fm, int dir)
{
	size_t i, n = fm->nfields;

	size_t k;

	for (i = 1; i <= n; i++) {
		k = dir > 0 ? (fm->focus + i) % n : (fm->focus + n - i) % n;
		if (field_focusable(&fm->fields[k])) {
			fm->focus = k;
			return;
		}
	}
}

/* Set a label's text (sanitized; old text wiped). Returns -1 on out of memory. */
int
form_set_text(struct form *fm, struct field *f, const char *s)
{
	char *t;

	if ((t = sanitize(s, 0, fm->sflags)) == NULL)
		return -1;
	secret_free(f->text);
	f->text = t;
	return 0;
}

static int
grid_init(struct grid *g, const struct grid_item *items, size_t n, bool radio)
{
	size_t i;

	g->items = calloc(n, sizeof *g->items);
	g->on = calloc(n, sizeof *g->on);
	if (g->items == NULL || g->on == NULL)
		return -1;
	for (i = 0; i < n; i++)
		g->items[i] = &items[i];
	g->n = n;
	g->cols = 1;
	g->radio = radio;
	return 0;
}

static int
field_init(struct form *fm, struct field *f, const struct field_spec *s)
{
	f->kind = s->kind;
	f->id = s->id;
	f->label = s->label;
	f->hint = s->hint;
	f->flags = s->flags;
	f->hidden = (s->flags & FS_HIDDEN) != 0;
	if (s->kind == FIELD_TEXT)
		return lineedit_init(&f->le, s->max);
	if (s->kind == FIELD_GRID && s->items != NULL)
		return grid_init(&f->grid, s->items, s->nitems, s->radio);
	if (s->kind == FIELD_LABEL && s->hint != NULL)
		return form_set_text(fm, f, s->hint);
	return 0;
}

int
form_init(struct form *fm, const struct form_ops *ops, const char *title, bool ascii,
    const struct field_spec *specs, size_t nspecs, size_t extra, bool admin)
{
	size_t i;

	memset(fm, 0, sizeof *fm);
	fm->ops = ops;
	fm->ascii = ascii;
	fm->sflags = ascii ? SANITIZE_ASCII : 0;
	fm->fields = calloc(nspecs + extra, sizeof *fm->fields);
	fm->title = sanitize(title, 0, fm->sflags);
	if (fm->fields == NULL || fm->title == NULL)
		return -1;
	fm->nfields = extra;
	for (i = 0; i < nspecs; i++) {
		if ((specs[i].flags & FS_ADMIN) && !admin)
			continue;
		if (field_init(fm, &fm->fields[fm->nfields++], &specs[i]) != 0)
			return -1;
	}
	fm->focus = fm->nfields - 1;
	form_focus_move(fm, 1);
	return 0;
}

static void
field_free(struct field *f)
{
	secret_free(f->text);
	lineedit_free(&f->le);
	free(f->grid.items);
	free(f->grid.on);
}

void
form_free(struct form *fm)
{
	size_t i;

	if (fm->win != NULL) {
		werase(fm->win);		/* overwrite the cells that showed a secret */
		delwin(fm->win);
		fm->win = NULL;
	}
	for (i = 0; fm->fields != NULL && i < fm->nfields; i++)
		field_free(&fm->fields[i]);
	free(fm->fields);
	fm->fields = NULL;
	free(fm->title);
	fm->title = NULL;
	secret_wipe(fm->note, sizeof fm->note);
}

/* ---- drawing ------------------------------------------------------------ */

/* Bytes of the sanitized s that fit in width columns, breaking after a
 * space when the line is cut; *used_w gets their width. */
static size_t
wrap_line(const char *s, int width, int *used_w)
{
	size_t n = strlen(s), i = 0, brk = 0, step;
	int w = 0, cw, brk_w = 0;
	uint32_t cp;
	wchar_t wc;

	while (i < n) {
		step = utf8_next(s + i, n - i, &cp);
		wc = (wchar_t)cp;
		if ((cw = wcwidth(wc)) < 0)
			cw = 1;
		if (w + cw > width)
			break;
		w += cw;
		i += step;
		if (wc == ' ') {
			brk = i;
			brk_w = w;
		}
	}
	if (i < n && brk > 0) {
		i = brk;
		w = brk_w;
	}
	if (i == 0 && n > 0)
		i = utf8_next(s, n, &cp);
	*used_w = w;
	return i;
}

static int
label_rows(const struct field *f, int width)
{
	const char *s = f->text;
	int rows = 0, w;

	if (s == NULL || *s == '\0')
		return 1;
	while (*s != '\0') {
		s += wrap_line(s, width, &w);
		rows++;
	}
	return rows;
}

/* Width of a grid cell: "[x] " + name + " !" for privileged, and a gap. */
static size_t
grid_cell_width(const struct grid *g)
{
	size_t i, w = 0, l;

	for (i = 0; i < g->n; i++) {
		l = strlen(g->items[i]->name) + (g->items[i]->privileged ? 2 : 0);
		if (l > w)
			w = l;
	}
	return w + 4 + 2;
}

static int
field_rows(struct field *f, const struct layout *L)
{
	size_t cw;

	if (f->hidden || f->kind == FIELD_BUTTON)
		return 0;
	if (f->kind == FIELD_LABEL)
		return label_rows(f, L->w - 4);
	if (f->kind != FIELD_GRID)
		return 1;
	cw = grid_cell_width(&f->grid);
	f->grid.cols = ((size_t)L->ww + 2) / cw;
	if (f->grid.cols == 0)
		f->grid.cols = 1;
	return (int)((f->grid.n + f->grid.cols - 1) / f->grid.cols);
}

/* Rows the (sanitized) note wraps over at this width, 1 to FORM_NOTE_ROWS. */
static int
note_rows(const char *s, int width)
{
	int rows = 0, w;

	while (*s != '\0' && rows < FORM_NOTE_ROWS && width > 0) {
		s += wrap_line(s, width, &w);
		rows++;
	}
	return rows > 0 ? rows : 1;
}

/* Work out the window's size and the columns; set each field's row. */
static void
form_layout(struct form *fm, struct layout *L)
{
	size_t i, lw = 0, l;
	int row = 0;

	L->w = COLS < fm->ops->want_width ? COLS : fm->ops->want_width;
	for (i = 0; i < fm->nfields; i++) {
		if (fm->fields[i].label != NULL && fm->fields[i].kind != FIELD_BUTTON &&
		    !fm->fields[i].hidden && (l = strlen(fm->fields[i].label)) > lw)
			lw = l;
	}
	L->lw = (int)lw > (L->w - 4) / 3 ? (L->w - 4) / 3 : (int)lw;
	L->wx = 2 + L->lw + (L->lw > 0);
	L->ww = L->w - 2 - L->wx;
	for (i = 0; i < fm->nfields; i++) {
		fm->fields[i].row = row;
		row += field_rows(&fm->fields[i], L);
	}
	fm->total = row;
	fm->noteh = note_rows(fm->note, L->w - 4);
	if (row + FORM_CHROME + fm->noteh - 1 > LINES)
		fm->noteh = 1;
	L->h = row + FORM_CHROME + fm->noteh - 1 < LINES ? row + FORM_CHROME + fm->noteh - 1 : LINES;
	fm->bodyh = L->h - FORM_CHROME - (fm->noteh - 1);
	L->y = (LINES - L->h) / 2;
	L->x = (COLS - L->w) / 2;
}

/* The body row of the focus (for a grid, the row of its cursor), or -1. */
static int
form_focus_row(const struct form *fm)
{
	const struct field *f = &fm->fields[fm->focus];

	if (f->kind == FIELD_BUTTON || !field_focusable(f))
		return -1;
	if (f->kind == FIELD_GRID)
		return f->row + (int)(f->grid.cur / f->grid.cols);
	return f->row;
}

/* Scroll the body so the focus is visible; the first field shows the top. */
static void
form_scroll(struct form *fm)
{
	int r = form_focus_row(fm), first = -1;
	size_t i;

	for (i = 0; i < fm->nfields && first < 0; i++) {
		if (field_focusable(&fm->fields[i]))
			first = (int)i;
	}
	if (first >= 0 && (size_t)first == fm->focus)
		fm->top = 0;
	if (r >= 0 && r < fm->top)
		fm->top = r;
	if (r >= 0 && r >= fm->top + fm->bodyh)
		fm->top = r - fm->bodyh + 1;
	if (fm->top > fm->total - fm->bodyh)
		fm->top = fm->total - fm->bodyh;
	if (fm->top < 0)
		fm->top = 0;
}

/* Put s at y, x in at most width columns (sanitized, no allocation). */
static void
put_cell(struct form *fm, int y, int x, const char *s, int width, attr_t attr)
{
	char buf[1024];

	if (width <= 0)
		return;
	sanitize_cell(s, (size_t)width, 0, fm->sflags, buf, sizeof buf);
	wattr_on(fm->win, attr, NULL);
	mvwaddstr(fm->win, y, x, buf);
	wattr_off(fm->win, attr, NULL);
	secret_wipe(buf, sizeof buf);
}

static void
draw_label(struct form *fm, const struct field *f, int y0, const struct layout *L)
{
	const char *s = f->text;
	attr_t attr = (f->flags & FS_BOLD) ? A_BOLD : A_NORMAL;
	int row, w;
	size_t n;

	if (s == NULL)
		return;
	for (row = f->row; *s != '\0'; row++) {
		n = wrap_line(s, L->w - 4, &w);
		if (row >= fm->top && row < fm->top + fm->bodyh) {
			wattr_on(fm->win, attr, NULL);
			mvwaddnstr(fm->win, y0 + row - fm->top, 2, s, (int)n);
			wattr_off(fm->win, attr, NULL);
		}
		s += n;
	}
}

static void
draw_text(struct form *fm, struct field *f, int y, const struct layout *L, bool focused)
{
	struct lineedit *le = &f->le;
	char line[FORM_LINE_MAX];
	int width = L->ww - 2, x = L->wx + 1;
	size_t cx;

	lineedit_view(le, width > 0 ? (size_t)width : 0, fm->sflags, line, sizeof line, &cx);
	mvwaddch(fm->win, y, L->wx, le->off > 0 ? '<' : '[');
	mvwaddch(fm->win, y, L->wx + L->ww - 1, ']');
	if (le->len == 0 && !focused && f->hint != NULL) {
		put_cell(fm, y, x, f->hint, width, A_DIM);
		return;
	}
	mvwaddstr(fm->win, y, x, line);
	secret_wipe(line, sizeof line);
	if (focused && cx != (size_t)-1) {
		mvwchgat(fm->win, y, x + (int)cx, 1, A_REVERSE, 0, NULL);
		fm->cur_y = y;
		fm->cur_x = x + (int)cx;
	}
}

static void
draw_grid_item(struct form *fm, const struct field *f, size_t i, int y, int x,
    bool focused)
{
	const struct grid *g = &f->grid;
	const struct grid_item *it = g->items[i];
	char cell[64];
	attr_t attr = A_NORMAL;

	snprintf(cell, sizeof cell, "%c%c%c %s%s", g->radio ? '(' : '[',
	    g->on[i] ? (g->radio ? '*' : 'x') : ' ', g->radio ? ')' : ']',
	    it->name, it->privileged ? " !" : "");
	if (it->privileged)
		attr |= A_BOLD;
	if (focused && i == g->cur)
		attr |= A_REVERSE;
	if (f->dim)
		attr |= A_DIM;
	put_cell(fm, y, x, cell, (int)grid_cell_width(g) - 2, attr);
}

static void
draw_grid(struct form *fm, const struct field *f, int y0, const struct layout *L,
    bool focused)
{
	const struct grid *g = &f->grid;
	int cw = (int)grid_cell_width(g), row;
	size_t i;

	for (i = 0; i < g->n; i++) {
		row = f->row + (int)(i / g->cols);
		if (row < fm->top || row >= fm->top + fm->bodyh)
			continue;
		draw_grid_item(fm, f, i, y0 + row - fm->top, L->wx + (int)(i % g->cols) * cw,
		    focused);
	}
}

static void
draw_toggle(struct form *fm, const struct field *f, int y, const struct layout *L,
    bool focused)
{
	put_cell(fm, y, L->wx, f->on ? "[x]" : "[ ]", 3, focused ? A_REVERSE : A_NORMAL);
	if (f->hint != NULL)
		put_cell(fm, y, L->wx + 4, f->hint, L->ww - 4, A_NORMAL);
}

static void
draw_field(struct form *fm, struct field *f, const struct layout *L)
{
	bool focused = f == &fm->fields[fm->focus];
	int y = 1 + f->row - fm->top;

	if (f->hidden || f->kind == FIELD_BUTTON)
		return;
	if (f->kind == FIELD_LABEL) {
		draw_label(fm, f, 1, L);
		return;
	}
	if (f->kind == FIELD_GRID) {
		draw_grid(fm, f, 1, L, focused);
		if (f->row >= fm->top && f->row < fm->top + fm->bodyh)
			put_cell(fm, y, 2, f->label, L->lw, focused ? A_BOLD : A_NORMAL);
		return;
	}
	if (f->row < fm->top || f->row >= fm->top + fm->bodyh)
		return;
	put_cell(fm, y, 2, f->label, L->lw, focused ? A_BOLD : A_NORMAL);
	if (f->kind == FIELD_TEXT)
		draw_text(fm, f, y, L, focused);
	else
		draw_toggle(fm, f, y, L, focused);
}

/* The button row, centred; or the footer when there are no buttons. */
static void
draw_buttons(struct form *fm, const struct layout *L)
{
	char cell[64];
	int y = L->h - 2, total = 0, x;
	size_t i;
	attr_t attr;

	for (i = 0; i < fm->nfields; i++) {
		if (fm->fields[i].kind == FIELD_BUTTON && !fm->fields[i].hidden)
			total += (int)strlen(fm->fields[i].label) + 6;
	}
	if (total == 0) {
		if (fm->footer != NULL)
			put_cell(fm, y, 2, fm->footer, L->w - 4, A_NORMAL);
		return;
	}
	x = (L->w - total + 2) / 2;
	for (i = 0; i < fm->nfields; i++) {
		if (fm->fields[i].kind != FIELD_BUTTON || fm->fields[i].hidden)
			continue;
		attr = i == fm->focus ? A_REVERSE | A_BOLD : A_NORMAL;
		if (fm->fields[i].disabled)
			attr = (attr & ~A_BOLD) | A_DIM;
		snprintf(cell, sizeof cell, "[ %s ]", fm->fields[i].label);
		put_cell(fm, y, x < 1 ? 1 : x, cell, L->w - 2 - (x < 1 ? 1 : x), attr);
		x += (int)strlen(cell) + 2;
	}
}

static void
draw_frame(struct form *fm, const struct layout *L)
{
	if (fm->ascii)
		wborder(fm->win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(fm->win, 0, 0);
	put_cell(fm, 0, 2, " ", 1, A_NORMAL);
	put_cell(fm, 0, 3, fm->title, L->w - 6, A_BOLD);
	waddch(fm->win, ' ');
	if (fm->top > 0)
		put_cell(fm, 1, L->w - 1, fm->ascii ? "^" : "\xe2\x96\xb2", 1, A_BOLD);
	if (fm->top + fm->bodyh < fm->total)
		put_cell(fm, fm->bodyh, L->w - 1, fm->ascii ? "v" : "\xe2\x96\xbc", 1, A_BOLD);
}

/* (Re)create the window when the geometry changed. */
static int
form_window(struct form *fm, const struct layout *L)
{
	int h, w, y, x;

	if (fm->win != NULL) {
		getmaxyx(fm->win, h, w);
		getbegyx(fm->win, y, x);
		if (h == L->h && w == L->w && y == L->y && x == L->x)
			return 0;
		werase(fm->win);          /* its cells may hold the secret */
		delwin(fm->win);
		touchwin(stdscr);        /* repaint what the bigger window covered */
		wnoutrefresh(stdscr);
	}
	fm->win = newwin(L->h, L->w, L->y, L->x);
	if (fm->win == NULL)
		return -1;
	keypad(fm->win, TRUE);
	return 0;
}

/* The note, wrapped over its rows above the buttons; the last row is cut. */
static void
draw_note(struct form *fm, const struct layout *L)
{
	const char *s = fm->note;
	int r, w, y = L->h - 2 - fm->noteh;
	size_t n;

	for (r = 0; r < fm->noteh && *s != '\0'; r++) {
		if (r + 1 == fm->noteh) {
			put_cell(fm, y + r, 2, s, L->w - 4, A_BOLD);
			break;
		}
		n = wrap_line(s, L->w - 4, &w);
		wattr_on(fm->win, A_BOLD, NULL);
		mvwaddnstr(fm->win, y + r, 2, s, (int)n);
		wattr_off(fm->win, A_BOLD, NULL);
		s += n;
	}
}

void
form_draw(struct form *fm)
{
	struct layout L;
	size_t i;

	form_layout(fm, &L);
	if (L.w < 12 || L.h < FORM_CHROME + 1 || form_window(fm, &L) != 0)
		return;
	form_scroll(fm);
	fm->cur_y = fm->cur_x = 0;
	werase(fm->win);
	draw_frame(fm, &L);
	for (i = 0; i < fm->nfields; i++)
		draw_field(fm, &fm->fields[i], &L);
	if (fm->note[0] != '\0')
		draw_note(fm, &L);
	draw_buttons(fm, &L);
	wmove(fm->win, fm->cur_y, fm->cur_x);
	wnoutrefresh(fm->win);
}

void
form_resize(struct form *fm)
{
	if (fm != NULL && fm->win != NULL) {
		werase(fm->win);
		delwin(fm->win);
		fm->win = NULL;
	}
}

/* ---- keys --------------------------------------------------------------- */

void
form_note(struct form *fm, const char *msg)
{
	char buf[FORM_NOTE_MAX];

	sanitize_cell(msg, 0, 0, fm->sflags, buf, sizeof buf);
	form_set_note(fm, buf);
}

void
form_set_note(struct form *fm, const char *msg)
{
	snprintf(fm->note, sizeof fm->note, "%s", msg);
}

/* Record a validation error, focus the bad field and return -1. */
int
form_error(struct form *fm, int id, const char *msg)
{
	snprintf(fm->note, sizeof fm->note, "! %s", msg);
	form_focus_id(fm, id);
	return -1;
}

/* A printable character or an edit key in a text field. */
static bool
text_key(struct form *fm, struct field *f, int ch, bool is_key)
{
	switch (lineedit_key(&f->le, ch, is_key)) {
	case LINEEDIT_NONE:
		return false;
	case LINEEDIT_FULL:
		snprintf(fm->note, sizeof fm->note, "! %s: at most %zu characters", f->label,
		    f->le.max);
		break;
	case LINEEDIT_MOVED:
	case LINEEDIT_EDITED:
		break;
	}
	return true;
}

static void
grid_toggle(struct grid *g)
{
	size_t i;

	if (g->radio) {
		for (i = 0; i < g->n; i++)
			g->on[i] = i == g->cur;
	} else
		g->on[g->cur] = !g->on[g->cur];
}

/* Movement and Space in a grid; Up/Down leave it at its edges. */
static bool
grid_key(struct grid *g, int ch, bool is_key)
{
	size_t last_row = (g->n - 1) / g->cols;

	if (!is_key && ch == ' ') {
		grid_toggle(g);
		return true;
	}
	if (!is_key)
		return false;
	if (ch == KEY_LEFT && g->cur > 0)
		g->cur--;
	else if (ch == KEY_RIGHT && g->cur + 1 < g->n)
		g->cur++;
	else if (ch == KEY_UP && g->cur >= g->cols)
		g->cur -= g->cols;
	else if (ch == KEY_DOWN && g->cur / g->cols < last_row)
		g->cur = g->cur + g->cols < g->n ? g->cur + g->cols : g->n - 1;
	else
		return ch == KEY_LEFT || ch == KEY_RIGHT;
	return true;
}

static enum form_result form_activate(struct form *, struct field *);

/* Left/Right on a button: the neighbouring button, if any. */
static void
button_move(struct form *fm, int dir)
{
	size_t i = fm->focus;

	while ((dir < 0 && i > 0) || (dir > 0 && i + 1 < fm->nfields)) {
		i = dir < 0 ? i - 1 : i + 1;
		if (fm->fields[i].kind == FIELD_BUTTON && !fm->fields[i].hidden) {
			fm->focus = i;
			return;
		}
	}
}

/* Keys of the focused field; true when consumed. */
static bool
field_key(struct form *fm, struct field *f, int ch, bool is_key, enum form_result *r)
{
	switch (f->kind) {
	case FIELD_TEXT:
		return text_key(fm, f, ch, is_key);
	case FIELD_GRID:
		return grid_key(&f->grid, ch, is_key);
	case FIELD_TOGGLE:
		if (is_key || ch != ' ')
			return false;
		f->on = !f->on;
		return true;
	case FIELD_BUTTON:
		if (is_key && (ch == KEY_LEFT || ch == KEY_RIGHT)) {
			button_move(fm, ch == KEY_LEFT ? -1 : 1);
			return true;
		}
		if (is_key || ch != ' ')
			return false;
		*r = form_activate(fm, f);
		return true;
	case FIELD_LABEL:
		break;
	}
	return false;
}

/* Enter or Space on a button, or Enter elsewhere (OK). */
static enum form_result
form_activate(struct form *fm, struct field *f)
{
	if (f == NULL || f->id == FORM_ID_CANCEL)
		return FORM_CANCEL;
	if (f->id == FORM_ID_ALT)
		return FORM_ALT;
	if (f->kind != FIELD_BUTTON && (f = form_find(fm, FORM_ID_OK)) == NULL)
		return FORM_OPEN;
	if (f->disabled) {
		form_focus_id(fm, fm->disabled_focus);
		return FORM_OPEN;
	}
	if (fm->ops->accept != NULL && fm->ops->accept(fm) != 0)
		return FORM_OPEN;
	return FORM_OK;
}

enum form_action {
	ACT_NEXT,
	ACT_PREV,
	ACT_ENTER,
	ACT_CANCEL,
};

static const struct {
	int ch;
	bool is_key;
	enum form_action action;
} form_keys[] = {
	{ '\t', false, ACT_NEXT },
	{ KEY_DOWN, true, ACT_NEXT },
	{ KEY_BTAB, true, ACT_PREV },
	{ KEY_UP, true, ACT_PREV },
	{ '\n', false, ACT_ENTER },
	{ '\r', false, ACT_ENTER },
	{ KEY_ENTER, true, ACT_ENTER },
	{ FORM_ESC, false, ACT_CANCEL },
};

static enum form_result
form_action(struct form *fm, enum form_action a)
{
	switch (a) {
	case ACT_NEXT:
	case ACT_PREV:
		form_focus_move(fm, a == ACT_NEXT ? 1 : -1);
		return FORM_OPEN;
	case ACT_ENTER:
		return form_activate(fm, &fm->fields[fm->focus]);
	case ACT_CANCEL:
		break;
	}
	return FORM_CANCEL;
}

enum form_result
form_key(struct form *fm, int ch, bool is_key)
{
	enum form_result r = FORM_OPEN;
	size_t i;

	if (fm->ops->key != NULL && fm->ops->key(fm, ch, is_key, &r))
		goto out;
	if (!field_key(fm, &fm->fields[fm->focus], ch, is_key, &r)) {
		for (i = 0; i < sizeof form_keys / sizeof form_keys[0]; i++) {
			if (form_keys[i].ch == ch && form_keys[i].is_key == is_key) {
				r = form_action(fm, form_keys[i].action);
				break;
			}
		}
	}
out:
	if (fm->ops->changed != NULL)
		fm->ops->changed(fm);
	return r;
}

