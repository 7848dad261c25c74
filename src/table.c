/*
 * table.c: measure, fit and print a table (see table.h).
 *
 * Two passes over the rows: one makes and measures every cell as it will
 * be shown (sanitized) and keeps it, one prints what was kept (making a
 * cell again only when it must be cut to fit a terminal). Fitting works on
 * widths alone, so the interactive view fits its columns with the same
 * rules.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sanitize.h"
#include "table.h"

#define TABLE_CELL 4096                     /* raw cell text */
#define TABLE_CLEAN (TABLE_CELL * 4 + 16)   /* sanitized: escapes grow it */

size_t
table_terminal_width(int fd)
{
	struct winsize ws;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Shown widths plus the gaps between them. */
static size_t
table_total(const size_t *w, size_t n, size_t gap)
{
	size_t c, total = 0, shown = 0;

	for (c = 0; c < n; c++) {
		if (w[c] > 0) {
			total += w[c];
			shown++;
		}
	}
	return shown > 0 ? total + gap * (shown - 1) : 0;
}

/* The narrowest a column may shrink to: its minimum (never below its
 * header, and never above its natural width). */
static size_t
table_min(const struct table_col *col, size_t natural)
{
	size_t m = col->min > 0 ? col->min : TABLE_MIN;
	size_t h = col->header != NULL ? strlen(col->header) : 0;

	if (m < h)
		m = h;
	return natural < m ? natural : m;
}

/* Take up to excess columns from the flexible columns, the widest first,
 * none below its minimum. Returns what is still missing. */
static size_t
table_shrink(const struct table_col *cols, size_t n, size_t *w, const size_t *nat,
	     size_t excess)
{
	size_t c, widest;

	while (excess > 0) {
		widest = n;
		for (c = 0; c < n; c++)
			if (cols[c].flex && w[c] > table_min(&cols[c], nat[c]) &&
			    (widest == n || w[c] > w[widest]))
				widest = c;
		if (widest == n)
			break;
		w[widest]--;
		excess--;
	}
	return excess;
}

/* The shown column to drop next (lowest drop rank), or n when none may go. */
static size_t
table_next_drop(const struct table_col *cols, size_t n, const size_t *nat)
{
	size_t c, pick = n;

	for (c = 0; c < n; c++)
		if (nat[c] > 0 && cols[c].drop > 0 && (pick == n || cols[c].drop < cols[pick].drop))
			pick = c;
	return pick;
}

/* Last resort: cut the last shown columns until the total fits. */
static void
table_cut(size_t *w, size_t n, size_t width, size_t gap)
{
	size_t c, total, excess, cut;

	for (c = n; c-- > 0 && (total = table_total(w, n, gap)) > width;) {
		if (w[c] == 0)
			continue;
		excess = total - width;
		cut = excess < w[c] ? excess : w[c];
		w[c] -= cut;
	}
}

size_t
table_fit(const struct table_col *cols, size_t ncols, size_t *w, size_t width, size_t gap)
{
	size_t nat[TABLE_MAX_COLS], c, total, drop;

	if (ncols > TABLE_MAX_COLS)
		ncols = TABLE_MAX_COLS;
	if (width == 0)
		return table_total(w, ncols, gap);
	for (c = 0; c < ncols; c++)
		nat[c] = cols[c].max > 0 && w[c] > cols[c].max ? cols[c].max : w[c];
	for (;;) {
		memcpy(w, nat, ncols * sizeof *w);
		if ((total = table_total(w, ncols, gap)) <= width ||
		    table_shrink(cols, ncols, w, nat, total - width) == 0)
			return table_total(w, ncols, gap);
		if ((drop = table_next_drop(cols, ncols, nat)) == ncols)
			break;
		nat[drop] = 0;        /* and fit again: the others get its room */
	}
	table_cut(w, ncols, width, gap);
	return table_total(w, ncols, gap);
}

/* Row i of t, or NULL to skip it. */
static const void *
table_row(const struct table *t, size_t i)
{
	if (t->row != NULL)
		return t->row(t->ctx, i);
	return (const char *)t->rows + i * t->stride;
}

static bool
table_shown(const struct table *t, size_t c)
{
	return c < TABLE_MAX_COLS && !(t->hidden & (1ul << c));
}

/* ---- the cells, made once ------------------------------------------------ */

/* The measuring pass keeps every shown cell as it made it (sanitized,
 * uncut), one after another in row order: a struct table_stored, then its
 * bytes. The printing pass reads them back in the same order instead of
 * making each cell again (its text, its dates, its sanitizing). Out of
 * memory, nothing is kept and every cell is made again. */
struct table_stored {
	uint32_t len;           /* bytes (at most TABLE_CLEAN) */
	uint32_t width;         /* display width */
};

struct table_store {
	char *data;
	size_t len, cap;
	size_t pos;             /* the printing pass's place */
	bool lost;              /* out of memory: keep nothing */
};

#define TABLE_STORE_ROOM (sizeof(struct table_stored) + TABLE_CLEAN)

/* Where the next cell's bytes go (room for TABLE_CLEAN of them), or NULL
 * when nothing is kept. */
static char *
table_store_room(struct table_store *st)
{
	size_t cap;
	char *p;

	if (st->lost)
		return NULL;
	if (st->cap - st->len < TABLE_STORE_ROOM) {
		cap = st->cap > 0 ? st->cap * 2 : 16 * TABLE_STORE_ROOM;
		if (cap < st->cap || (p = realloc(st->data, cap)) == NULL) {
			free(st->data);
			*st = (struct table_store){ .lost = true };
			return NULL;
		}
		st->data = p;
		st->cap = cap;
	}
	return st->data + st->len + sizeof(struct table_stored);
}

/* Keep the cell table_store_room gave room for: len bytes, width wide. */
static void
table_store_keep(struct table_store *st, size_t len, size_t width)
{
	struct table_stored h = { (uint32_t)len, (uint32_t)width };

	if (st->lost)
		return;
	memcpy(st->data + st->len, &h, sizeof h);
	st->len += sizeof h + len;
}

/* The next kept cell (its bytes into *text), or false when none is kept. */
static bool
table_store_next(struct table_store *st, struct table_stored *h, const char **text)
{
	if (st->lost || st->pos + sizeof *h > st->len)
		return false;
	memcpy(h, st->data + st->pos, sizeof *h);
	*text = st->data + st->pos + sizeof *h;
	st->pos += sizeof *h + h->len;
	return true;
}

/* ---- where the lines go --------------------------------------------------- */

/* Lines are put together here and reach the stream TABLE_CHUNK bytes at a
 * time: a few copies a cell, not a stdio call for every cell and space. */
#define TABLE_CHUNK 16384

struct table_sink {
	FILE *fp;
	size_t len;
	char buf[TABLE_CHUNK];
};

static void
table_flush(struct table_sink *k)
{
	if (k->len > 0)
		fwrite(k->buf, 1, k->len, k->fp);
	k->len = 0;
}

static void
table_put(struct table_sink *k, const char *p, size_t n)
{
	if (n > sizeof k->buf - k->len) {
		table_flush(k);
		if (n >= sizeof k->buf) {
			fwrite(p, 1, n, k->fp);
			return;
		}
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
}

static void
table_spaces(struct table_sink *k, size_t n)
{
	size_t m;

	while (n > 0) {
		if (k->len == sizeof k->buf)
			table_flush(k);
		m = sizeof k->buf - k->len < n ? sizeof k->buf - k->len : n;
		memset(k->buf + k->len, ' ', m);
		k->len += m;
		n -= m;
	}
}

/* ---- measuring and printing ------------------------------------------------ */

/* The width of every shown column's header (at least 1; 0: not shown). */
static void
table_headers(const struct table_out *o, const struct table *t, size_t *w)
{
	char clean[TABLE_CLEAN];
	size_t c;

	for (c = 0; c < t->ncols; c++) {
		w[c] = 0;
		if (!table_shown(t, c))
			continue;
		sanitize_cell(t->cols[c].header, 0, 0, o->sflags, clean, sizeof clean);
		w[c] = sanitize_width(clean);
		if (w[c] == 0)
			w[c] = 1;
	}
}

/* Rows [from, to): widen each shown column (w[c] > 0) to its widest cell,
 * and keep the cells in st for printing. */
static void
table_measure(const struct table_out *o, const struct table *t, size_t from, size_t to,
	      size_t *w, struct table_store *st)
{
	char text[TABLE_CELL], clean[TABLE_CLEAN], *out;
	const void *row;
	size_t c, i, cw, len;

	for (i = from; i < to; i++) {
		if ((row = table_row(t, i)) == NULL)
			continue;
		for (c = 0; c < t->ncols; c++) {
			if (w[c] == 0)
				continue;
			text[0] = '\0';
			t->cell(t->ctx, row, c, text, sizeof text);
			if ((out = table_store_room(st)) == NULL)
				out = clean;
			len = sanitize_cell_measure(text, o->sflags, out, TABLE_CLEAN, &cw);
			table_store_keep(st, len, cw);
			if (cw > w[c])
				w[c] = cw;
		}
	}
}

/* A big table whose cells may be made on two threads is measured in two
 * halves at once: the second half's rows on a helper thread, with widths
 * and kept cells of its own. */
#define TABLE_MIN_PARALLEL 4096         /* rows */

struct table_half {
	const struct table_out *o;
	const struct table *t;
	size_t from, to;
	size_t w[TABLE_MAX_COLS];
	struct table_store st;
};

static void *
table_half_run(void *arg)
{
	struct table_half *h = arg;

	table_measure(h->o, h->t, h->from, h->to, h->w, &h->st);
	return NULL;
}

/* Measure every row: the natural widths into w, the kept cells into st[0]
 * (rows below *mid) and st[1] (the rest). */
static void
table_measure_all(const struct table_out *o, const struct table *t, bool parallel, size_t *w,
		  struct table_store *st, size_t *mid)
{
	struct table_half h = { .o = o, .t = t, .to = t->nrows };
	pthread_t helper;
	size_t c;

	table_headers(o, t, w);
	*mid = t->nrows;
	if (parallel && t->nrows >= TABLE_MIN_PARALLEL && sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		h.from = t->nrows / 2;
		memcpy(h.w, w, sizeof h.w);
		if (pthread_create(&helper, NULL, table_half_run, &h) == 0)
			*mid = h.from;
	}
	table_measure(o, t, 0, *mid, w, &st[0]);
	if (*mid == t->nrows)
		return;
	pthread_join(helper, NULL);
	for (c = 0; c < t->ncols; c++)
		if (h.w[c] > w[c])
			w[c] = h.w[c];
	st[1] = h.st;
}

/* A kept cell as it is when sanitize_cell at width w (padded when pad)
 * would give the same bytes: nothing to cut, and the padding within what
 * its buffer holds. (A cell that was cut when kept is longer than
 * TABLE_CELL, so it never qualifies.) */
static bool
table_kept_fits(const struct table_stored *h, size_t w, bool pad)
{
	return h->width <= w && h->len + (pad ? w - h->width : 0) <= TABLE_CELL;
}

/* Cell c of row (NULL: the header) at width w: the kept cell h (NULL:
 * none), or the cell made and sanitized again at that width. */
static void
table_cell_out(struct table_sink *k, const struct table_out *o, const struct table *t,
	       const void *row, size_t c, size_t w, bool last, const struct table_stored *h,
	       const char *kept)
{
	char text[TABLE_CELL], cell[TABLE_CLEAN];
	bool right = t->cols[c].right;
	size_t len, cw;

	if (h != NULL && table_kept_fits(h, w, !right && !last)) {
		if (right)
			table_spaces(k, w - h->width);
		table_put(k, kept, h->len);
		if (!right && !last)
			table_spaces(k, w - h->width);
		return;
	}
	text[0] = '\0';
	if (row == NULL)
		snprintf(text, sizeof text, "%s", t->cols[c].header);
	else
		t->cell(t->ctx, row, c, text, sizeof text);
	len = sanitize_cell(text, w, !right && !last, o->sflags, cell, sizeof cell);
	if (right && (cw = sanitize_width(cell)) < w)
		table_spaces(k, w - cw);
	table_put(k, cell, len);
}

/* One line: each shown cell fitted to its width (row NULL: the headers),
 * the kept cells of row taken from st. */
static void
table_line(struct table_sink *k, const struct table_out *o, const struct table *t,
	   const void *row, const size_t *w, struct table_store *st)
{
	struct table_stored h;
	const char *kept = NULL;
	size_t c, last = 0;
	bool have;

	for (c = 0; c < t->ncols; c++)
		if (w[c] > 0)
			last = c;
	if (row == NULL && o->bold)
		table_put(k, "\033[1m", 4);
	for (c = 0; c < t->ncols; c++) {
		if (!table_shown(t, c))
			continue;
		have = row != NULL && table_store_next(st, &h, &kept);
		if (w[c] == 0)
			continue;       /* dropped to fit */
		table_cell_out(k, o, t, row, c, w[c], c == last, have ? &h : NULL, kept);
		if (c != last)
			table_put(k, "  ", 2);
	}
	if (row == NULL && o->bold)
		table_put(k, "\033[0m", 4);
	table_put(k, "\n", 1);
}

static int
table_print_on(const struct table_out *o, const struct table *t, bool parallel)
{
	size_t w[TABLE_MAX_COLS], i, mid, n = t->ncols < TABLE_MAX_COLS ? t->ncols : TABLE_MAX_COLS;
	struct table_store st[2] = { { 0 }, { 0 } };
	struct table_sink k;
	const void *row;
	struct table tt = *t;

	k.fp = o->fp;
	k.len = 0;
	tt.ncols = n;
	table_measure_all(o, &tt, parallel, w, st, &mid);
	table_fit(tt.cols, n, w, o->width, TABLE_GAP);
	table_line(&k, o, &tt, NULL, w, &st[0]);
	for (i = 0; i < tt.nrows && !ferror(o->fp); i++)
		if ((row = table_row(&tt, i)) != NULL)
			table_line(&k, o, &tt, row, w, &st[i >= mid]);
	table_flush(&k);
	free(st[0].data);
	free(st[1].data);
	return ferror(o->fp) ? -1 : 0;
}

int
table_print(const struct table_out *o, const struct table *t)
{
	return table_print_on(o, t, false);
}

int
table_print_parallel(const struct table_out *o, const struct table *t)
{
	return table_print_on(o, t, true);
}
