/*
 * dialog.c: the modal forms of the UI (create, edit, confirm, input, secret
 * reveal).
 *
 * Every dialog is a column of fields built from a per-dialog table: labels
 * (wrapped text), text fields (wide characters, edited in place and scrolled
 * sideways), grids (the lifetime presets as radio items, the scopes as a
 * checklist, laid out in as many columns as fit), toggles and buttons. The
 * body scrolls to keep the focus visible, so every dialog is usable down to
 * 40x10; the note line (errors, outcomes) and the button row stay fixed at
 * the bottom. Kind-specific behaviour (validation on OK, the secret's keys)
 * hangs off an ops table. Everything shown that may come from a server or
 * the user goes through the sanitizer, character by character in text
 * fields so the cursor keeps its place.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "dialog.h"
#include "duration.h"
#include "sanitize.h"
#include "secret.h"
#include "token.h"

#define DIALOG_NOTE_MAX		512
#define DIALOG_GLYPH_MAX	32
#define DIALOG_CHROME		4	/* border, note line, button row, border */
#define DIALOG_NOTE_ROWS	3	/* a long note wraps over at most this many */
#define DIALOG_COMMENT_MAX	255
#define DIALOG_DAY		86400LL

#define KEY_CTRL(c)		((c) & 0x1f)
#define KEY_ESC			27
#define KEY_DEL			127

enum field_kind {
	FIELD_LABEL,
	FIELD_TEXT,
	FIELD_GRID,
	FIELD_TOGGLE,
	FIELD_BUTTON,
};

enum field_id {
	F_NONE,
	F_COMMENT,
	F_PRESET,
	F_LIFETIME,
	F_SCOPES,
	F_OTHER,
	F_PRIVILEGED,
	F_AUTOSCOPE,
	F_APPID,
	F_TYPED,
	F_INPUT,
	F_TOKEN,
	F_PATH,
	F_OK,
	F_ALT,
	F_CANCEL,
};

enum field_flags {
	FS_ADMIN = 1 << 0,	/* only when the user is an admin */
	FS_HIDDEN = 1 << 1,	/* starts hidden */
	FS_BOLD = 1 << 2,	/* a label drawn bold */
	FS_SECRET = 1 << 3,	/* a label that holds the secret */
};

/* One row of a dialog's field table. */
struct field_spec {
	enum field_kind kind;
	enum field_id id;
	const char *label;	/* left column; a button's text */
	const char *hint;	/* placeholder of an empty text field; label text */
	size_t max;		/* text fields: most code points */
	int flags;
};

struct grid_item {
	const char *name;
	int64_t seconds;	/* presets: the lifetime; 0 = "max" (omitted) */
	bool privileged;
};

struct textbuf {
	wchar_t *buf;
	size_t len, max, cur, off;
	bool dirty;
};

struct grid {
	const struct grid_item **items;
	bool *on;
	size_t n, cur, cols;
	bool radio;
};

struct field {
	enum field_kind kind;
	enum field_id id;
	const char *label;
	const char *hint;
	int flags;
	char *text;		/* labels: sanitized text (owned) */
	struct textbuf tb;
	struct grid grid;
	bool on;		/* toggles */
	bool hidden;
	bool disabled;		/* buttons */
	int row;		/* first body row, from the last layout */
};

struct dialog_ops {
	int want_width;
	/* Check and store the results; 0, or -1 with a note and the focus set. */
	int (*accept)(struct dialog *);
	/* Keys the dialog handles before the fields; true when consumed. */
	bool (*key)(struct dialog *, int, bool, enum dialog_result *);
	/* Called after every key (the confirm dialog enables OK here). */
	void (*changed)(struct dialog *);
};

struct dialog {
	const struct dialog_ops *ops;
	char *title;
	unsigned sflags;	/* sanitize flags */
	bool ascii;
	struct field *fields;
	size_t nfields, focus;
	WINDOW *win;
	int top;		/* first body row shown */
	int cur_y, cur_x;	/* where the terminal cursor goes */
	int bodyh, total;
	int noteh;		/* rows of the note, from the last layout */
	char note[DIALOG_NOTE_MAX];
	const char *footer;	/* the bottom row when there are no buttons */

	/* create and edit results */
	int64_t max_days;
	char *r_comment;
	char **r_scopes;
	size_t r_nscopes;
	int64_t r_lifetime;
	bool r_autoscope;
	char *r_appid;

	/* edit */
	char *orig_comment;
	char **orig_scopes;
	size_t norig;
	bool comment_changed, scopes_changed;

	/* confirm */
	char *typed;

	/* input */
	dialog_check_fn check;
	char *r_input;

	/* secret */
	char *secret;
	char *path;
	enum dialog_request req;
	bool path_mode;
	bool asking;            /* "Discard the secret?" is on the note line */
	bool saved;             /* written to a file: closing loses nothing */
};

/* Layout of one draw. */
struct layout {
	int w, h, y, x;
	int lw;			/* label column */
	int wx, ww;		/* widget column */
};

static const struct grid_item preset_items[] = {
	{ "1d", DIALOG_DAY, false },
	{ "7d", 7 * DIALOG_DAY, false },
	{ "30d", 30 * DIALOG_DAY, false },
	{ "90d", 90 * DIALOG_DAY, false },
	{ "1y", 365 * DIALOG_DAY, false },
	{ "max", 0, false },
};
#define PRESET_DEFAULT_SECONDS	(90 * DIALOG_DAY)

static const struct grid_item scope_items[] = {
	{ "sql", 0, false }, { "jobs", 0, false }, { "clusters", 0, false },
	{ "pipelines", 0, false }, { "workspace", 0, false }, { "secrets", 0, false },
	{ "unity-catalog", 0, false }, { "mlflow", 0, false },
	{ "model-serving", 0, false }, { "dashboards", 0, false },
	{ "alerts", 0, false }, { "apps", 0, false }, { "files", 0, false },
	{ "scim", 0, false }, { "iam", 0, false }, { "access-management", 0, false },
	{ "vector-search", 0, false }, { "authentication", 0, true },
	{ "all-apis", 0, false },
};
#define NSCOPE_ITEMS	(sizeof scope_items / sizeof scope_items[0])

static const struct field_spec create_fields[] = {
	{ FIELD_TEXT, F_COMMENT, "Comment", "what this token is for", DIALOG_COMMENT_MAX, 0 },
	{ FIELD_GRID, F_PRESET, "Lifetime", NULL, 0, 0 },
	{ FIELD_TEXT, F_LIFETIME, "or", "other lifetime: 45d, 12h, 1d12h", 32, 0 },
	{ FIELD_GRID, F_SCOPES, "Scopes", NULL, 0, 0 },
	{ FIELD_LABEL, F_PRIVILEGED, NULL,
	  "! authentication is privileged: it mints tokens of any scope", 0, 0 },
	{ FIELD_TEXT, F_OTHER, "Other", "more scopes, comma or space separated", 1024, 0 },
	{ FIELD_TOGGLE, F_AUTOSCOPE, "Autoscope", "narrow the scopes to what it uses", 0, 0 },
	{ FIELD_TEXT, F_APPID, "On behalf of", "application id (optional)", 128, FS_ADMIN },
	{ FIELD_BUTTON, F_OK, "Create", NULL, 0, 0 },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0 },
};

static const struct field_spec edit_fields[] = {
	{ FIELD_TEXT, F_COMMENT, "Comment", "what this token is for", DIALOG_COMMENT_MAX, 0 },
	{ FIELD_GRID, F_SCOPES, "Scopes", NULL, 0, 0 },
	{ FIELD_LABEL, F_PRIVILEGED, NULL,
	  "! authentication is privileged: it mints tokens of any scope", 0, 0 },
	{ FIELD_TEXT, F_OTHER, "Other", "more scopes, comma or space separated", 1024, 0 },
	{ FIELD_BUTTON, F_OK, "Save", NULL, 0, 0 },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0 },
};

/* The confirm dialog's body lines come first, one label each. */
static const struct field_spec confirm_fields[] = {
	{ FIELD_TEXT, F_TYPED, "Type", NULL, 64, FS_HIDDEN },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0 },
	{ FIELD_BUTTON, F_ALT, NULL, NULL, 0, FS_HIDDEN },	/* dialog_choice_new */
	{ FIELD_BUTTON, F_OK, "OK", NULL, 0, 0 },
};

/* The input dialog's body lines come first; the field's label, hint and
 * size are the caller's. */
static const struct field_spec input_fields[] = {
	{ FIELD_TEXT, F_INPUT, NULL, NULL, 0, 0 },
	{ FIELD_BUTTON, F_OK, "OK", NULL, 0, 0 },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0 },
};

static const struct field_spec secret_fields[] = {
	{ FIELD_LABEL, F_NONE, NULL, "Copy this token now: it will not be shown again.", 0, 0 },
	{ FIELD_LABEL, F_TOKEN, NULL, NULL, 0, FS_BOLD | FS_SECRET },
	{ FIELD_LABEL, F_NONE, NULL, NULL, 0, 0 },	/* id */
	{ FIELD_LABEL, F_NONE, NULL, NULL, 0, 0 },	/* comment */
	{ FIELD_TEXT, F_PATH, "Write to", "a new file (mode 0600)", 4096, FS_HIDDEN },
};

static int	dialog_create_accept(struct dialog *);
static int	dialog_edit_accept(struct dialog *);
static int	dialog_confirm_accept(struct dialog *);
static int	dialog_input_accept(struct dialog *);
static void	dialog_confirm_changed(struct dialog *);
static bool	dialog_secret_key(struct dialog *, int, bool, enum dialog_result *);

static const struct dialog_ops create_ops = { 68, dialog_create_accept, NULL, NULL };
static const struct dialog_ops edit_ops = { 68, dialog_edit_accept, NULL, NULL };
static const struct dialog_ops confirm_ops = {
	56, dialog_confirm_accept, NULL, dialog_confirm_changed
};
static const struct dialog_ops input_ops = { 56, dialog_input_accept, NULL, NULL };
static const struct dialog_ops secret_ops = { 60, NULL, dialog_secret_key, NULL };

/* ---- UTF-8 <-> wide characters (sanitize.h: the one decoder) ----------- */

/* Decode one UTF-8 character at s (n bytes); invalid input gives U+FFFD. */
static size_t
utf8_decode(const unsigned char *s, size_t n, wchar_t *wc)
{
	uint32_t cp;
	size_t used = sanitize_utf8_next((const char *)s, n, &cp);

	*wc = (wchar_t)cp;
	return used;
}

/* Encode wc as UTF-8 into out (at least 4 bytes); returns the length. */
static size_t
utf8_encode(wchar_t wc, char *out)
{
	return sanitize_utf8_put((uint32_t)wc, out);
}

/* ---- text fields ------------------------------------------------------- */

static int
text_init(struct textbuf *tb, size_t max)
{
	tb->max = max;
	tb->buf = calloc(max + 1, sizeof *tb->buf);
	return tb->buf == NULL ? -1 : 0;
}

/* Fill a text buffer from UTF-8 (cut at the maximum). */
static void
text_set(struct textbuf *tb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	tb->len = 0;
	while (i < n && tb->len < tb->max)
		i += utf8_decode(p + i, n - i, &tb->buf[tb->len++]);
	tb->cur = tb->len;
	tb->off = 0;
}

/* The buffer as a malloc'd UTF-8 string, or NULL on out of memory. */
static char *
text_utf8(const struct textbuf *tb)
{
	char *out;
	size_t i, o = 0;

	if ((out = malloc(tb->len * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < tb->len; i++)
		o += utf8_encode(tb->buf[i], out + o);
	out[o] = '\0';
	return out;
}

static void
text_wipe(struct textbuf *tb)
{
	if (tb->buf != NULL)
		secret_wipe(tb->buf, (tb->max + 1) * sizeof *tb->buf);
	free(tb->buf);
	tb->buf = NULL;
}

/* Whether wc may be typed into a field: no controls of any kind. */
static bool
text_typable(wint_t wc)
{
	return wc >= 0x20 && wc != 0x7f && !(wc >= 0x80 && wc < 0xa0) &&
	    wc <= 0x10ffff && !(wc >= 0xd800 && wc <= 0xdfff);
}

static bool
text_insert(struct textbuf *tb, wchar_t wc)
{
	if (tb->len >= tb->max)
		return false;
	memmove(tb->buf + tb->cur + 1, tb->buf + tb->cur,
	    (tb->len - tb->cur) * sizeof *tb->buf);
	tb->buf[tb->cur++] = wc;
	tb->len++;
	return true;
}

/* Delete n characters before the cursor. */
static void
text_erase_back(struct textbuf *tb, size_t n)
{
	memmove(tb->buf + tb->cur - n, tb->buf + tb->cur,
	    (tb->len - tb->cur) * sizeof *tb->buf);
	tb->cur -= n;
	tb->len -= n;
	tb->buf[tb->len] = 0;
}

static void
text_left(struct textbuf *tb)
{
	if (tb->cur > 0)
		tb->cur--;
}

static void
text_right(struct textbuf *tb)
{
	if (tb->cur < tb->len)
		tb->cur++;
}

static void
text_home(struct textbuf *tb)
{
	tb->cur = 0;
}

static void
text_end(struct textbuf *tb)
{
	tb->cur = tb->len;
}

static void
text_backspace(struct textbuf *tb)
{
	if (tb->cur > 0)
		text_erase_back(tb, 1);
}

static void
text_delete(struct textbuf *tb)
{
	if (tb->cur < tb->len) {
		tb->cur++;
		text_erase_back(tb, 1);
	}
}

/* Ctrl-U: delete from the start to the cursor. */
static void
text_kill(struct textbuf *tb)
{
	text_erase_back(tb, tb->cur);
}

/* Ctrl-W: delete the word before the cursor and the blanks after it. */
static void
text_word(struct textbuf *tb)
{
	size_t i = tb->cur;

	while (i > 0 && tb->buf[i - 1] == ' ')
		i--;
	while (i > 0 && tb->buf[i - 1] != ' ')
		i--;
	text_erase_back(tb, tb->cur - i);
}

struct text_key {
	int ch;
	bool is_key;
	void (*fn)(struct textbuf *);
	bool edits;
};

static const struct text_key text_keys[] = {
	{ KEY_LEFT, true, text_left, false },
	{ KEY_RIGHT, true, text_right, false },
	{ KEY_HOME, true, text_home, false },
	{ KEY_CTRL('a'), false, text_home, false },
	{ KEY_END, true, text_end, false },
	{ KEY_CTRL('e'), false, text_end, false },
	{ KEY_BACKSPACE, true, text_backspace, true },
	{ KEY_DEL, false, text_backspace, true },
	{ KEY_CTRL('h'), false, text_backspace, true },
	{ KEY_DC, true, text_delete, true },
	{ KEY_CTRL('d'), false, text_delete, true },
	{ KEY_CTRL('u'), false, text_kill, true },
	{ KEY_CTRL('w'), false, text_word, true },
};

/* ---- fields ------------------------------------------------------------ */

/* The field with this id, or NULL when the dialog has none. */
static struct field *
field_find(struct dialog *d, enum field_id id)
{
	size_t i;

	for (i = 0; i < d->nfields; i++) {
		if (d->fields[i].id == id)
			return &d->fields[i];
	}
	return NULL;
}

/* The field with this id, which the dialog's own field table has: a
 * missing one is a programming error. */
static struct field *
field_get(struct dialog *d, enum field_id id)
{
	struct field *f = field_find(d, id);

	if (f == NULL)
		abort();
	return f;
}

static bool
field_focusable(const struct field *f)
{
	return !f->hidden && f->kind != FIELD_LABEL;
}

static void
dialog_focus_id(struct dialog *d, enum field_id id)
{
	struct field *f = field_get(d, id);

	if (f != NULL && field_focusable(f))
		d->focus = (size_t)(f - d->fields);
}

/* Move the focus by dir (+1 or -1), wrapping, skipping labels and hidden fields. */
static void
dialog_focus_move(struct dialog *d, int dir)
{
	size_t i, n = d->nfields;

	size_t k;

	for (i = 1; i <= n; i++) {
		k = dir > 0 ? (d->focus + i) % n : (d->focus + n - i) % n;
		if (field_focusable(&d->fields[k])) {
			d->focus = k;
			return;
		}
	}
}

/* Set a label's text (sanitized; old text wiped). Returns -1 on out of memory. */
static int
field_set_text(struct dialog *d, struct field *f, const char *s)
{
	char *t;

	if ((t = sanitize(s, 0, d->sflags)) == NULL)
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
field_init(struct dialog *d, struct field *f, const struct field_spec *s)
{
	f->kind = s->kind;
	f->id = s->id;
	f->label = s->label;
	f->hint = s->hint;
	f->flags = s->flags;
	f->hidden = (s->flags & FS_HIDDEN) != 0;
	if (s->kind == FIELD_TEXT)
		return text_init(&f->tb, s->max);
	if (s->kind == FIELD_GRID && s->id == F_SCOPES)
		return grid_init(&f->grid, scope_items, NSCOPE_ITEMS, false);
	if (s->kind == FIELD_LABEL && s->hint != NULL)
		return field_set_text(d, f, s->hint);
	return 0;
}

/* Allocate a dialog with room for extra + the table's fields, extra first. */
static struct dialog *
dialog_alloc(const struct dialog_ops *ops, const char *title, bool ascii,
    const struct field_spec *specs, size_t nspecs, size_t extra, int admin)
{
	struct dialog *d;
	size_t i;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->ops = ops;
	d->ascii = ascii;
	d->sflags = ascii ? SANITIZE_ASCII : 0;
	d->fields = calloc(nspecs + extra, sizeof *d->fields);
	d->title = sanitize(title, 0, d->sflags);
	if (d->fields == NULL || d->title == NULL) {
		dialog_free(d);
		return NULL;
	}
	d->nfields = extra;
	for (i = 0; i < nspecs; i++) {
		if ((specs[i].flags & FS_ADMIN) && !admin)
			continue;
		if (field_init(d, &d->fields[d->nfields++], &specs[i]) != 0) {
			dialog_free(d);
			return NULL;
		}
	}
	d->focus = d->nfields - 1;
	dialog_focus_move(d, 1);
	return d;
}

/* ---- drawing ------------------------------------------------------------ */

/* The visible form of wc (sanitized) into out; returns its width. */
static int
glyph(const struct dialog *d, wchar_t wc, char *out, size_t outlen)
{
	char u[8];

	u[utf8_encode(wc, u)] = '\0';
	sanitize_cell(u, 0, 0, d->sflags, out, outlen);
	return (int)sanitize_width(out);
}

/* Bytes of the sanitized s that fit in width columns, breaking after a
 * space when the line is cut; *used_w gets their width. */
static size_t
wrap_line(const char *s, int width, int *used_w)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, brk = 0, step;
	int w = 0, cw, brk_w = 0;
	wchar_t wc;

	while (i < n) {
		step = utf8_decode(p + i, n - i, &wc);
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
		i = utf8_decode(p, n, &wc);
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

/* Rows the (sanitized) note wraps over at this width, 1 to DIALOG_NOTE_ROWS. */
static int
note_rows(const char *s, int width)
{
	int rows = 0, w;

	while (*s != '\0' && rows < DIALOG_NOTE_ROWS && width > 0) {
		s += wrap_line(s, width, &w);
		rows++;
	}
	return rows > 0 ? rows : 1;
}

/* Work out the window's size and the columns; set each field's row. */
static void
dialog_layout(struct dialog *d, struct layout *L)
{
	size_t i, lw = 0, l;
	int row = 0;

	L->w = COLS < d->ops->want_width ? COLS : d->ops->want_width;
	for (i = 0; i < d->nfields; i++) {
		if (d->fields[i].label != NULL && d->fields[i].kind != FIELD_BUTTON &&
		    !d->fields[i].hidden && (l = strlen(d->fields[i].label)) > lw)
			lw = l;
	}
	L->lw = (int)lw > (L->w - 4) / 3 ? (L->w - 4) / 3 : (int)lw;
	L->wx = 2 + L->lw + (L->lw > 0);
	L->ww = L->w - 2 - L->wx;
	for (i = 0; i < d->nfields; i++) {
		d->fields[i].row = row;
		row += field_rows(&d->fields[i], L);
	}
	d->total = row;
	d->noteh = note_rows(d->note, L->w - 4);
	if (row + DIALOG_CHROME + d->noteh - 1 > LINES)
		d->noteh = 1;
	L->h = row + DIALOG_CHROME + d->noteh - 1 < LINES ? row + DIALOG_CHROME + d->noteh - 1 : LINES;
	d->bodyh = L->h - DIALOG_CHROME - (d->noteh - 1);
	L->y = (LINES - L->h) / 2;
	L->x = (COLS - L->w) / 2;
}

/* The body row of the focus (for a grid, the row of its cursor), or -1. */
static int
dialog_focus_row(const struct dialog *d)
{
	const struct field *f = &d->fields[d->focus];

	if (f->kind == FIELD_BUTTON || !field_focusable(f))
		return -1;
	if (f->kind == FIELD_GRID)
		return f->row + (int)(f->grid.cur / f->grid.cols);
	return f->row;
}

/* Scroll the body so the focus is visible; the first field shows the top. */
static void
dialog_scroll(struct dialog *d)
{
	int r = dialog_focus_row(d), first = -1;
	size_t i;

	for (i = 0; i < d->nfields && first < 0; i++) {
		if (field_focusable(&d->fields[i]))
			first = (int)i;
	}
	if (first >= 0 && (size_t)first == d->focus)
		d->top = 0;
	if (r >= 0 && r < d->top)
		d->top = r;
	if (r >= 0 && r >= d->top + d->bodyh)
		d->top = r - d->bodyh + 1;
	if (d->top > d->total - d->bodyh)
		d->top = d->total - d->bodyh;
	if (d->top < 0)
		d->top = 0;
}

/* Put s at y, x in at most width columns (sanitized, no allocation). */
static void
put_cell(struct dialog *d, int y, int x, const char *s, int width, attr_t attr)
{
	char buf[1024];

	if (width <= 0)
		return;
	sanitize_cell(s, (size_t)width, 0, d->sflags, buf, sizeof buf);
	wattr_on(d->win, attr, NULL);
	mvwaddstr(d->win, y, x, buf);
	wattr_off(d->win, attr, NULL);
	secret_wipe(buf, sizeof buf);
}

static void
draw_label(struct dialog *d, const struct field *f, int y0, const struct layout *L)
{
	const char *s = f->text;
	attr_t attr = (f->flags & FS_BOLD) ? A_BOLD : A_NORMAL;
	int row, w;
	size_t n;

	if (s == NULL)
		return;
	for (row = f->row; *s != '\0'; row++) {
		n = wrap_line(s, L->w - 4, &w);
		if (row >= d->top && row < d->top + d->bodyh) {
			wattr_on(d->win, attr, NULL);
			mvwaddnstr(d->win, y0 + row - d->top, 2, s, (int)n);
			wattr_off(d->win, attr, NULL);
		}
		s += n;
	}
}

/* Scroll a text field sideways so the cursor fits in width columns. */
static void
text_scroll(struct dialog *d, struct textbuf *tb, int width)
{
	char g[DIALOG_GLYPH_MAX];
	int w = 1, gw;
	size_t i = tb->cur;

	if (tb->cur < tb->off) {
		tb->off = tb->cur;
		return;
	}
	/* Room for the character under the cursor, or one column at the end. */
	if (tb->cur < tb->len)
		w = glyph(d, tb->buf[tb->cur], g, sizeof g);
	while (i > tb->off) {
		gw = glyph(d, tb->buf[i - 1], g, sizeof g);
		if (w + gw > width)
			break;
		w += gw;
		i--;
	}
	tb->off = i;
	secret_wipe(g, sizeof g);
}

static void
draw_text(struct dialog *d, struct field *f, int y, const struct layout *L, bool focused)
{
	struct textbuf *tb = &f->tb;
	char g[DIALOG_GLYPH_MAX];
	int width = L->ww - 2, x = L->wx + 1, gw, cx = -1;
	size_t i;

	text_scroll(d, tb, width);
	mvwaddch(d->win, y, L->wx, tb->off > 0 ? '<' : '[');
	mvwaddch(d->win, y, L->wx + L->ww - 1, ']');
	if (tb->len == 0 && !focused && f->hint != NULL) {
		put_cell(d, y, x, f->hint, width, A_DIM);
		return;
	}
	for (i = tb->off; i <= tb->len; i++) {
		if (i == tb->cur)
			cx = x;
		if (i == tb->len)
			break;
		gw = glyph(d, tb->buf[i], g, sizeof g);
		if (x + gw > L->wx + 1 + width)
			break;
		mvwaddstr(d->win, y, x, g);
		x += gw;
	}
	secret_wipe(g, sizeof g);
	if (focused && cx >= 0) {
		mvwchgat(d->win, y, cx, 1, A_REVERSE, 0, NULL);
		d->cur_y = y;
		d->cur_x = cx;
	}
}

static void
draw_grid_item(struct dialog *d, const struct field *f, size_t i, int y, int x,
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
	if (f->id == F_PRESET && field_get(d, F_LIFETIME)->tb.len > 0)
		attr |= A_DIM;
	put_cell(d, y, x, cell, (int)grid_cell_width(g) - 2, attr);
}

static void
draw_grid(struct dialog *d, const struct field *f, int y0, const struct layout *L,
    bool focused)
{
	const struct grid *g = &f->grid;
	int cw = (int)grid_cell_width(g), row;
	size_t i;

	for (i = 0; i < g->n; i++) {
		row = f->row + (int)(i / g->cols);
		if (row < d->top || row >= d->top + d->bodyh)
			continue;
		draw_grid_item(d, f, i, y0 + row - d->top, L->wx + (int)(i % g->cols) * cw,
		    focused);
	}
}

static void
draw_toggle(struct dialog *d, const struct field *f, int y, const struct layout *L,
    bool focused)
{
	put_cell(d, y, L->wx, f->on ? "[x]" : "[ ]", 3, focused ? A_REVERSE : A_NORMAL);
	if (f->hint != NULL)
		put_cell(d, y, L->wx + 4, f->hint, L->ww - 4, A_NORMAL);
}

static void
draw_field(struct dialog *d, struct field *f, const struct layout *L)
{
	bool focused = f == &d->fields[d->focus];
	int y = 1 + f->row - d->top;

	if (f->hidden || f->kind == FIELD_BUTTON)
		return;
	if (f->kind == FIELD_LABEL) {
		draw_label(d, f, 1, L);
		return;
	}
	if (f->kind == FIELD_GRID) {
		draw_grid(d, f, 1, L, focused);
		if (f->row >= d->top && f->row < d->top + d->bodyh)
			put_cell(d, y, 2, f->label, L->lw, focused ? A_BOLD : A_NORMAL);
		return;
	}
	if (f->row < d->top || f->row >= d->top + d->bodyh)
		return;
	put_cell(d, y, 2, f->label, L->lw, focused ? A_BOLD : A_NORMAL);
	if (f->kind == FIELD_TEXT)
		draw_text(d, f, y, L, focused);
	else
		draw_toggle(d, f, y, L, focused);
}

/* The button row, centred; or the footer when there are no buttons. */
static void
draw_buttons(struct dialog *d, const struct layout *L)
{
	char cell[64];
	int y = L->h - 2, total = 0, x;
	size_t i;
	attr_t attr;

	for (i = 0; i < d->nfields; i++) {
		if (d->fields[i].kind == FIELD_BUTTON && !d->fields[i].hidden)
			total += (int)strlen(d->fields[i].label) + 6;
	}
	if (total == 0) {
		if (d->footer != NULL)
			put_cell(d, y, 2, d->footer, L->w - 4, A_NORMAL);
		return;
	}
	x = (L->w - total + 2) / 2;
	for (i = 0; i < d->nfields; i++) {
		if (d->fields[i].kind != FIELD_BUTTON || d->fields[i].hidden)
			continue;
		attr = i == d->focus ? A_REVERSE | A_BOLD : A_NORMAL;
		if (d->fields[i].disabled)
			attr = (attr & ~A_BOLD) | A_DIM;
		snprintf(cell, sizeof cell, "[ %s ]", d->fields[i].label);
		put_cell(d, y, x < 1 ? 1 : x, cell, L->w - 2 - (x < 1 ? 1 : x), attr);
		x += (int)strlen(cell) + 2;
	}
}

static void
draw_frame(struct dialog *d, const struct layout *L)
{
	if (d->ascii)
		wborder(d->win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(d->win, 0, 0);
	put_cell(d, 0, 2, " ", 1, A_NORMAL);
	put_cell(d, 0, 3, d->title, L->w - 6, A_BOLD);
	waddch(d->win, ' ');
	if (d->top > 0)
		put_cell(d, 1, L->w - 1, d->ascii ? "^" : "\xe2\x96\xb2", 1, A_BOLD);
	if (d->top + d->bodyh < d->total)
		put_cell(d, d->bodyh, L->w - 1, d->ascii ? "v" : "\xe2\x96\xbc", 1, A_BOLD);
}

/* (Re)create the window when the geometry changed. */
static int
dialog_window(struct dialog *d, const struct layout *L)
{
	int h, w, y, x;

	if (d->win != NULL) {
		getmaxyx(d->win, h, w);
		getbegyx(d->win, y, x);
		if (h == L->h && w == L->w && y == L->y && x == L->x)
			return 0;
		werase(d->win);          /* its cells may hold the secret */
		delwin(d->win);
		touchwin(stdscr);        /* repaint what the bigger window covered */
		wnoutrefresh(stdscr);
	}
	d->win = newwin(L->h, L->w, L->y, L->x);
	if (d->win == NULL)
		return -1;
	keypad(d->win, TRUE);
	return 0;
}

/* The note, wrapped over its rows above the buttons; the last row is cut. */
static void
draw_note(struct dialog *d, const struct layout *L)
{
	const char *s = d->note;
	int r, w, y = L->h - 2 - d->noteh;
	size_t n;

	for (r = 0; r < d->noteh && *s != '\0'; r++) {
		if (r + 1 == d->noteh) {
			put_cell(d, y + r, 2, s, L->w - 4, A_BOLD);
			break;
		}
		n = wrap_line(s, L->w - 4, &w);
		wattr_on(d->win, A_BOLD, NULL);
		mvwaddnstr(d->win, y + r, 2, s, (int)n);
		wattr_off(d->win, A_BOLD, NULL);
		s += n;
	}
}

void
dialog_draw(struct dialog *d)
{
	struct layout L;
	size_t i;

	dialog_layout(d, &L);
	if (L.w < 12 || L.h < DIALOG_CHROME + 1 || dialog_window(d, &L) != 0)
		return;
	dialog_scroll(d);
	d->cur_y = d->cur_x = 0;
	werase(d->win);
	draw_frame(d, &L);
	for (i = 0; i < d->nfields; i++)
		draw_field(d, &d->fields[i], &L);
	if (d->note[0] != '\0')
		draw_note(d, &L);
	draw_buttons(d, &L);
	wmove(d->win, d->cur_y, d->cur_x);
	wnoutrefresh(d->win);
}

void
dialog_resize(struct dialog *d)
{
	if (d != NULL && d->win != NULL) {
		werase(d->win);
		delwin(d->win);
		d->win = NULL;
	}
}

/* ---- keys --------------------------------------------------------------- */

static void
dialog_set_note(struct dialog *d, const char *msg)
{
	snprintf(d->note, sizeof d->note, "%s", msg);
}

/* Record a validation error, focus the bad field and return -1. */
static int
dialog_error(struct dialog *d, enum field_id id, const char *msg)
{
	snprintf(d->note, sizeof d->note, "! %s", msg);
	dialog_focus_id(d, id);
	return -1;
}

/* A printable character or an edit key in a text field. */
static bool
text_key(struct dialog *d, struct field *f, int ch, bool is_key)
{
	size_t i;

	for (i = 0; i < sizeof text_keys / sizeof text_keys[0]; i++) {
		if (text_keys[i].ch == ch && text_keys[i].is_key == is_key) {
			text_keys[i].fn(&f->tb);
			f->tb.dirty |= text_keys[i].edits;
			return true;
		}
	}
	if (is_key || !text_typable((wint_t)ch))
		return false;
	if (text_insert(&f->tb, (wchar_t)ch))
		f->tb.dirty = true;
	else
		snprintf(d->note, sizeof d->note, "! %s: at most %zu characters",
		    f->label, f->tb.max);
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

static enum dialog_result dialog_activate(struct dialog *, struct field *);

/* Left/Right on a button: the neighbouring button, if any. */
static void
button_move(struct dialog *d, int dir)
{
	size_t i = d->focus;

	while ((dir < 0 && i > 0) || (dir > 0 && i + 1 < d->nfields)) {
		i = dir < 0 ? i - 1 : i + 1;
		if (d->fields[i].kind == FIELD_BUTTON && !d->fields[i].hidden) {
			d->focus = i;
			return;
		}
	}
}

/* Keys of the focused field; true when consumed. */
static bool
field_key(struct dialog *d, struct field *f, int ch, bool is_key, enum dialog_result *r)
{
	switch (f->kind) {
	case FIELD_TEXT:
		return text_key(d, f, ch, is_key);
	case FIELD_GRID:
		return grid_key(&f->grid, ch, is_key);
	case FIELD_TOGGLE:
		if (is_key || ch != ' ')
			return false;
		f->on = !f->on;
		return true;
	case FIELD_BUTTON:
		if (is_key && (ch == KEY_LEFT || ch == KEY_RIGHT)) {
			button_move(d, ch == KEY_LEFT ? -1 : 1);
			return true;
		}
		if (is_key || ch != ' ')
			return false;
		*r = dialog_activate(d, f);
		return true;
	case FIELD_LABEL:
		break;
	}
	return false;
}

/* Enter or Space on a button, or Enter elsewhere (OK). */
static enum dialog_result
dialog_activate(struct dialog *d, struct field *f)
{
	if (f == NULL || f->id == F_CANCEL)
		return DIALOG_CANCEL;
	if (f->id == F_ALT)
		return DIALOG_ALT;
	if (f->kind != FIELD_BUTTON && (f = field_find(d, F_OK)) == NULL)
		return DIALOG_OPEN;
	if (f->disabled) {
		dialog_focus_id(d, F_TYPED);
		return DIALOG_OPEN;
	}
	if (d->ops->accept != NULL && d->ops->accept(d) != 0)
		return DIALOG_OPEN;
	return DIALOG_OK;
}

enum dialog_action {
	ACT_NEXT,
	ACT_PREV,
	ACT_ENTER,
	ACT_CANCEL,
};

static const struct {
	int ch;
	bool is_key;
	enum dialog_action action;
} dialog_keys[] = {
	{ '\t', false, ACT_NEXT },
	{ KEY_DOWN, true, ACT_NEXT },
	{ KEY_BTAB, true, ACT_PREV },
	{ KEY_UP, true, ACT_PREV },
	{ '\n', false, ACT_ENTER },
	{ '\r', false, ACT_ENTER },
	{ KEY_ENTER, true, ACT_ENTER },
	{ KEY_ESC, false, ACT_CANCEL },
};

static enum dialog_result
dialog_action(struct dialog *d, enum dialog_action a)
{
	switch (a) {
	case ACT_NEXT:
	case ACT_PREV:
		dialog_focus_move(d, a == ACT_NEXT ? 1 : -1);
		return DIALOG_OPEN;
	case ACT_ENTER:
		return dialog_activate(d, &d->fields[d->focus]);
	case ACT_CANCEL:
		break;
	}
	return DIALOG_CANCEL;
}

enum dialog_result
dialog_key(struct dialog *d, int ch, bool is_key)
{
	enum dialog_result r = DIALOG_OPEN;
	size_t i;

	if (d->ops->key != NULL && d->ops->key(d, ch, is_key, &r))
		goto out;
	if (!field_key(d, &d->fields[d->focus], ch, is_key, &r)) {
		for (i = 0; i < sizeof dialog_keys / sizeof dialog_keys[0]; i++) {
			if (dialog_keys[i].ch == ch && dialog_keys[i].is_key == is_key) {
				r = dialog_action(d, dialog_keys[i].action);
				break;
			}
		}
	}
out:
	if (d->ops->changed != NULL)
		d->ops->changed(d);
	return r;
}

/* ---- results ------------------------------------------------------------ */

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
strv_has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

/* Append a copy of s to v unless present. -1 on out of memory. */
static int
strv_add(char ***v, size_t *n, const char *s, size_t len)
{
	char *c, **nv;

	if ((c = strndup(s, len)) == NULL)
		return -1;
	if (strv_has(*v, *n, c)) {
		free(c);
		return 0;
	}
	if ((nv = realloc(*v, (*n + 1) * sizeof *nv)) == NULL) {
		free(c);
		return -1;
	}
	nv[(*n)++] = c;
	*v = nv;
	return 0;
}

static bool
scope_name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789:._-", s[i]) == NULL)
			return false;
	}
	return true;
}

/* Split the free-entry text on commas and blanks into v; names that were
 * not in the token before must look like scope names. Returns 0, -1 for out
 * of memory, or -2 with *bad set to the offending name. */
static int
scopes_split(const char *s, char ***v, size_t *n, char *const *orig, size_t norig,
    char *bad, size_t badlen)
{
	size_t len;
	char *name;

	while (*s != '\0') {
		s += strspn(s, ", \t");
		if ((len = strcspn(s, ", \t")) == 0)
			break;
		if ((name = strndup(s, len)) == NULL)
			return -1;
		if (!scope_name_ok(s, len) && !strv_has(orig, norig, name)) {
			snprintf(bad, badlen, "%s", name);
			free(name);
			return -2;
		}
		free(name);
		if (strv_add(v, n, s, len) != 0)
			return -1;
		s += len;
	}
	return 0;
}

/* Build d->r_scopes: the ticked known scopes, then the free entries. */
static int
dialog_collect_scopes(struct dialog *d)
{
	const struct grid *g = &field_get(d, F_SCOPES)->grid;
	char bad[64], shown[64], msg[128], *other;
	size_t i;
	int rc = 0;

	strv_free(d->r_scopes, d->r_nscopes);
	d->r_scopes = NULL;
	d->r_nscopes = 0;
	for (i = 0; i < g->n && rc == 0; i++) {
		if (g->on[i])
			rc = strv_add(&d->r_scopes, &d->r_nscopes, g->items[i]->name,
			    strlen(g->items[i]->name));
	}
	if (rc != 0 || (other = text_utf8(&field_get(d, F_OTHER)->tb)) == NULL)
		return dialog_error(d, F_OTHER, "out of memory");
	rc = scopes_split(other, &d->r_scopes, &d->r_nscopes, d->orig_scopes, d->norig,
	    bad, sizeof bad);
	free(other);
	if (rc == -1)
		return dialog_error(d, F_OTHER, "out of memory");
	if (rc == -2) {
		sanitize_cell(bad, 24, 0, d->sflags, shown, sizeof shown);
		snprintf(msg, sizeof msg, "not a scope name: %s", shown);
		return dialog_error(d, F_OTHER, msg);
	}
	return 0;
}

/* Store the text of field id, UTF-8, in *out. */
static int
dialog_collect_text(struct dialog *d, enum field_id id, char **out)
{
	free(*out);
	if ((*out = text_utf8(&field_get(d, id)->tb)) == NULL)
		return dialog_error(d, id, "out of memory");
	return 0;
}

/* The lifetime: free entry when given, else the chosen preset. */
static int
dialog_collect_lifetime(struct dialog *d)
{
	const struct grid *g = &field_get(d, F_PRESET)->grid;
	char *s = NULL, msg[96];
	size_t i;
	int rc;

	if (dialog_collect_text(d, F_LIFETIME, &s) != 0)
		return -1;
	d->r_lifetime = 0;
	for (i = 0; i < g->n; i++) {
		if (g->on[i])
			d->r_lifetime = g->items[i]->seconds;
	}
	rc = *s != '\0' ? duration_parse(s, &d->r_lifetime) : 0;
	free(s);
	if (rc != 0)
		return dialog_error(d, F_LIFETIME,
		    "lifetime: use a number with s m h d w, like 45d or 1d12h");
	if (d->max_days > 0 && d->r_lifetime > d->max_days * DIALOG_DAY) {
		snprintf(msg, sizeof msg, "lifetime: the workspace allows at most %lld days",
		    (long long)d->max_days);
		return dialog_error(d, F_LIFETIME, msg);
	}
	return 0;
}

static int
dialog_create_accept(struct dialog *d)
{
	struct field *app = field_find(d, F_APPID);
	char *a;

	d->note[0] = '\0';
	if (dialog_collect_text(d, F_COMMENT, &d->r_comment) != 0 ||
	    dialog_collect_lifetime(d) != 0 || dialog_collect_scopes(d) != 0)
		return -1;
	d->r_autoscope = field_get(d, F_AUTOSCOPE)->on;
	if (app == NULL)
		return 0;
	if (dialog_collect_text(d, F_APPID, &d->r_appid) != 0)
		return -1;
	for (a = d->r_appid; *a != '\0'; a++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", *a) == NULL)
			return dialog_error(d, F_APPID,
			    "application id: letters, digits, '-', '.' and '_' only");
	}
	return 0;
}

/* Whether the new scope list differs from the original as a set. */
static bool
scopes_differ(const struct dialog *d)
{
	size_t i;

	for (i = 0; i < d->r_nscopes; i++) {
		if (!strv_has(d->orig_scopes, d->norig, d->r_scopes[i]))
			return true;
	}
	for (i = 0; i < d->norig; i++) {
		if (!strv_has(d->r_scopes, d->r_nscopes, d->orig_scopes[i]))
			return true;
	}
	return false;
}

static int
dialog_edit_accept(struct dialog *d)
{
	d->note[0] = '\0';
	if (dialog_collect_text(d, F_COMMENT, &d->r_comment) != 0 ||
	    dialog_collect_scopes(d) != 0)
		return -1;
	d->comment_changed = field_get(d, F_COMMENT)->tb.dirty &&
	    strcmp(d->r_comment, d->orig_comment) != 0;
	d->scopes_changed = scopes_differ(d);
	if (!d->comment_changed && !d->scopes_changed)
		return dialog_error(d, F_COMMENT, "nothing changed (Esc leaves)");
	return 0;
}

void
dialog_create_params(const struct dialog *d, struct api_create_params *p)
{
	memset(p, 0, sizeof *p);
	p->comment = d->r_comment != NULL && *d->r_comment != '\0' ? d->r_comment : NULL;
	p->lifetime_seconds = d->r_lifetime;
	p->scopes = (const char *const *)d->r_scopes;
	p->nscopes = d->r_nscopes;
	p->autoscope = d->r_autoscope;
	p->application_id = d->r_appid != NULL && *d->r_appid != '\0' ? d->r_appid : NULL;
}

void
dialog_edit_params(const struct dialog *d, struct api_update_params *p)
{
	memset(p, 0, sizeof *p);
	if (d->comment_changed)
		p->comment = d->r_comment;
	if (d->scopes_changed) {
		p->set_scopes = true;
		p->scopes = (const char *const *)d->r_scopes;
		p->nscopes = d->r_nscopes;
	}
}

/* ---- create and edit ---------------------------------------------------- */

/* Show the presets allowed by the workspace maximum; choose a default. */
static void
create_presets(struct dialog *d, struct grid *g)
{
	size_t i, n = 0, def = 0;

	for (i = 0; i < sizeof preset_items / sizeof preset_items[0]; i++) {
		const struct grid_item *it = &preset_items[i];

		if (d->max_days > 0 && it->seconds > d->max_days * DIALOG_DAY)
			continue;
		if (it->seconds != 0 && it->seconds <= PRESET_DEFAULT_SECONDS)
			def = n;
		g->items[n++] = it;
	}
	g->n = n;
	g->cols = 1;
	g->radio = true;
	g->cur = def;
	g->on[def] = true;
}

struct dialog *
dialog_create_new(int64_t max_lifetime_days, bool admin, bool ascii)
{
	struct dialog *d;
	struct field *f;

	d = dialog_alloc(&create_ops, "New token", ascii, create_fields,
	    sizeof create_fields / sizeof create_fields[0], 0, admin);
	if (d == NULL)
		return NULL;
	d->max_days = max_lifetime_days;
	f = field_get(d, F_PRESET);
	f->grid.items = calloc(sizeof preset_items / sizeof preset_items[0],
	    sizeof *f->grid.items);
	f->grid.on = calloc(sizeof preset_items / sizeof preset_items[0], sizeof *f->grid.on);
	if (f->grid.items == NULL || f->grid.on == NULL) {
		dialog_free(d);
		return NULL;
	}
	create_presets(d, &f->grid);
	return d;
}

/* Tick the known scopes of the token; put the others in the free entry. */
static int
edit_prefill_scopes(struct dialog *d, const char *const *scopes, size_t n)
{
	struct grid *g = &field_get(d, F_SCOPES)->grid;
	char *other;
	size_t i, k, len = 1;

	for (i = 0; i < n; i++)
		len += strlen(scopes[i]) + 2;
	if ((other = calloc(1, len)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (strv_add(&d->orig_scopes, &d->norig, scopes[i], strlen(scopes[i])) != 0)
			break;
		for (k = 0; k < g->n && strcmp(g->items[k]->name, scopes[i]) != 0; k++)
			;
		if (k < g->n)
			g->on[k] = true;
		else
			strcat(strcat(other, *other != '\0' ? ", " : ""), scopes[i]);
	}
	text_set(&field_get(d, F_OTHER)->tb, other);
	free(other);
	return i < n ? -1 : 0;
}

struct dialog *
dialog_edit_new(const char *comment, const char *const *scopes, size_t nscopes, bool ascii)
{
	struct dialog *d;

	d = dialog_alloc(&edit_ops, "Edit token", ascii, edit_fields,
	    sizeof edit_fields / sizeof edit_fields[0], 0, 0);
	if (d == NULL)
		return NULL;
	if ((d->orig_comment = strdup(comment != NULL ? comment : "")) == NULL ||
	    edit_prefill_scopes(d, scopes, nscopes) != 0) {
		dialog_free(d);
		return NULL;
	}
	text_set(&field_get(d, F_COMMENT)->tb, d->orig_comment);
	return d;
}

/* ---- confirm ------------------------------------------------------------ */

static bool
confirm_typed_ok(struct dialog *d)
{
	const struct field *f = field_get(d, F_TYPED);
	char *s;
	bool ok;

	if (f->hidden)
		return true;
	if ((s = text_utf8(&f->tb)) == NULL)
		return false;
	ok = strcmp(s, d->typed) == 0;
	free(s);
	return ok;
}

static void
dialog_confirm_changed(struct dialog *d)
{
	struct field *ok = field_get(d, F_OK);
	char msg[160], shown[96];

	ok->disabled = !confirm_typed_ok(d);
	if (ok->disabled) {
		sanitize_cell(d->typed, 40, 0, d->sflags, shown, sizeof shown);
		snprintf(msg, sizeof msg, "OK is off until you type %s", shown);
		dialog_set_note(d, msg);
	} else if (d->typed != NULL)
		d->note[0] = '\0';
}

static int
dialog_confirm_accept(struct dialog *d)
{
	return confirm_typed_ok(d) ? 0 : -1;
}

struct dialog *
dialog_confirm_new(const char *title, const char *const *lines, size_t nlines,
    const char *typed, bool ascii)
{
	struct dialog *d;
	size_t i;

	d = dialog_alloc(&confirm_ops, title, ascii, confirm_fields,
	    sizeof confirm_fields / sizeof confirm_fields[0], nlines, 0);
	if (d == NULL)
		return NULL;
	for (i = 0; i < nlines; i++) {
		d->fields[i].kind = FIELD_LABEL;
		if (field_set_text(d, &d->fields[i], lines[i]) != 0)
			goto fail;
	}
	if (typed != NULL) {
		if ((d->typed = strdup(typed)) == NULL)
			goto fail;
		field_get(d, F_TYPED)->hidden = false;
	}
	/* Typed: what is typed goes into the field (OK stays off until it
	 * matches). Otherwise Enter at once means Cancel. */
	dialog_focus_id(d, typed != NULL ? F_TYPED : F_CANCEL);
	dialog_confirm_changed(d);
	return d;
fail:
	dialog_free(d);
	return NULL;
}

struct dialog *
dialog_choice_new(const char *title, const char *const *lines, size_t nlines,
    const char *ok, const char *alt, bool ascii)
{
	struct dialog *d = dialog_confirm_new(title, lines, nlines, NULL, ascii);
	struct field *f;

	if (d == NULL)
		return NULL;
	field_get(d, F_OK)->label = ok;
	f = field_get(d, F_ALT);
	f->label = alt;
	f->hidden = false;
	return d;
}

/* ---- input -------------------------------------------------------------- */

static int
dialog_input_accept(struct dialog *d)
{
	char why[160];

	d->note[0] = '\0';
	if (dialog_collect_text(d, F_INPUT, &d->r_input) != 0)
		return -1;
	why[0] = '\0';
	if (d->check != NULL && d->check(d->r_input, why, sizeof why) != 0)
		return dialog_error(d, F_INPUT, why[0] != '\0' ? why : "not a valid value");
	return 0;
}

struct dialog *
dialog_input_new(const char *title, const char *const *lines, size_t nlines,
    const char *label, const char *hint, const char *initial, size_t max,
    dialog_check_fn check, bool ascii)
{
	struct field_spec specs[sizeof input_fields / sizeof input_fields[0]];
	struct dialog *d;
	size_t i;

	memcpy(specs, input_fields, sizeof specs);
	specs[0].label = label;
	specs[0].hint = hint;
	specs[0].max = max > 0 ? max : 64;
	d = dialog_alloc(&input_ops, title, ascii, specs, sizeof specs / sizeof specs[0],
	    nlines, 0);
	if (d == NULL)
		return NULL;
	for (i = 0; i < nlines; i++) {
		d->fields[i].kind = FIELD_LABEL;
		if (field_set_text(d, &d->fields[i], lines[i]) != 0) {
			dialog_free(d);
			return NULL;
		}
	}
	d->check = check;
	text_set(&field_get(d, F_INPUT)->tb, initial != NULL ? initial : "");
	dialog_focus_id(d, F_INPUT);
	return d;
}

const char *
dialog_input_value(const struct dialog *d)
{
	return d->r_input != NULL ? d->r_input : "";
}

/* ---- secret ------------------------------------------------------------- */

static const char secret_footer[] = "y copy  w write file  Enter close";
static const char secret_path_footer[] = "Enter write   Esc back";
static const char secret_ask_footer[] = "d discard it   any other key: keep it shown";

static void
secret_path_mode(struct dialog *d, bool on)
{
	struct field *f = field_get(d, F_PATH);

	d->path_mode = on;
	f->hidden = !on;
	d->footer = on ? secret_path_footer : secret_footer;
	if (on) {               /* a new path each time: typing never extends an old one */
		text_set(&f->tb, "");
		d->focus = (size_t)(f - d->fields);
		d->note[0] = '\0';
	}
}

/* Enter in the path field: request the write. */
static void
secret_path_enter(struct dialog *d)
{
	struct field *f = field_get(d, F_PATH);

	if (f->tb.len == 0) {
		dialog_error(d, F_PATH, "type a path, or Esc");
		return;
	}
	secret_free(d->path);
	if ((d->path = text_utf8(&f->tb)) == NULL) {
		dialog_set_note(d, "! out of memory");
		return;
	}
	d->req = DIALOG_REQ_WRITE;
	secret_path_mode(d, false);
}

/* Closing loses the secret unless it was written: ask first. */
static void
secret_ask_close(struct dialog *d, bool on)
{
	d->asking = on;
	d->footer = on ? secret_ask_footer : secret_footer;
	if (on)
		dialog_set_note(d, "Discard the secret? It cannot be shown again.");
	else
		d->note[0] = '\0';
}

static bool
dialog_secret_key(struct dialog *d, int ch, bool is_key, enum dialog_result *r)
{
	bool enter = (!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER);

	if (d->asking) {         /* only d discards; Esc, Enter, anything else keeps it */
		if (!is_key && (ch == 'd' || ch == 'D'))
			*r = DIALOG_OK;
		else
			secret_ask_close(d, false);
		return true;
	}
	if (d->path_mode) {
		if (enter)
			secret_path_enter(d);
		else if (!is_key && ch == KEY_ESC)
			secret_path_mode(d, false);
		else
			return is_key && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_BTAB);
		return true;
	}
	if ((enter || (!is_key && ch == KEY_ESC)) && d->saved)
		*r = DIALOG_OK;
	else if (enter || (!is_key && ch == KEY_ESC))
		secret_ask_close(d, true);
	else if (!is_key && ch == 'y')
		d->req = DIALOG_REQ_COPY;
	else if (!is_key && ch == 'w')
		secret_path_mode(d, true);
	else if (is_key && (ch == KEY_UP || ch == KEY_DOWN))
		d->top += ch == KEY_UP ? -1 : 1;
	return true;
}

static int
secret_fill(struct dialog *d, const char *id, const char *comment)
{
	char line[512];
	struct field *f = &d->fields[1];
	const char *p;

	for (p = d->secret; *p > 0x20 && *p < 0x7f; p++)
		;
	/* A token is printable ASCII: copy it without the sanitizer's buffers. */
	if (*p == '\0') {
		if ((f->text = secret_strdup(d->secret)) == NULL)
			return -1;
	} else if (field_set_text(d, f, d->secret) != 0)
		return -1;
	snprintf(line, sizeof line, "Id       %.*s", TOKEN_SHORT_ID_LEN, id != NULL ? id : "");
	if (field_set_text(d, &d->fields[2], line) != 0)
		return -1;
	snprintf(line, sizeof line, "Comment  %s", comment != NULL && *comment != '\0' ?
	    comment : "(none)");
	return field_set_text(d, &d->fields[3], line);
}

struct dialog *
dialog_secret_new(const char *token_value, const char *token_id, const char *comment,
    bool ascii)
{
	struct dialog *d;

	d = dialog_alloc(&secret_ops, "New token created", ascii, secret_fields,
	    sizeof secret_fields / sizeof secret_fields[0], 0, 0);
	if (d == NULL)
		return NULL;
	if ((d->secret = secret_strdup(token_value != NULL ? token_value : "")) == NULL ||
	    secret_fill(d, token_id, comment) != 0) {
		dialog_free(d);
		return NULL;
	}
	secret_path_mode(d, false);
	return d;
}

enum dialog_request
dialog_secret_request(struct dialog *d)
{
	enum dialog_request r = d->req;

	d->req = DIALOG_REQ_NONE;
	return r;
}

const char *
dialog_secret_path(const struct dialog *d)
{
	return d->path != NULL ? d->path : "";
}

const char *
dialog_secret_value(const struct dialog *d)
{
	return d->secret != NULL ? d->secret : "";
}

void
dialog_secret_written(struct dialog *d, bool ok, const char *msg)
{
	if (ok) {
		d->saved = true;
		dialog_note(d, msg);
		return;
	}
	/* back to the path field, empty: what is typed next is a new path */
	secret_path_mode(d, true);
	dialog_note(d, msg);
}

void
dialog_note(struct dialog *d, const char *msg)
{
	char buf[DIALOG_NOTE_MAX];

	sanitize_cell(msg, 0, 0, d->sflags, buf, sizeof buf);
	dialog_set_note(d, buf);
}

/* ---- free ---------------------------------------------------------------- */

static void
field_free(struct field *f)
{
	secret_free(f->text);
	text_wipe(&f->tb);
	free(f->grid.items);
	free(f->grid.on);
}

void
dialog_free(struct dialog *d)
{
	size_t i;

	if (d == NULL)
		return;
	if (d->win != NULL) {
		werase(d->win);		/* overwrite the cells that showed the secret */
		delwin(d->win);
	}
	for (i = 0; i < d->nfields; i++)
		field_free(&d->fields[i]);
	free(d->fields);
	free(d->title);
	free(d->r_comment);
	strv_free(d->r_scopes, d->r_nscopes);
	free(d->r_appid);
	free(d->orig_comment);
	strv_free(d->orig_scopes, d->norig);
	free(d->typed);
	free(d->r_input);
	secret_free(d->secret);
	secret_free(d->path);
	secret_wipe(d->note, sizeof d->note);
	free(d);
}
