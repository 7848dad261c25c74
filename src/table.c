/*
 * table.c: measure, fit and print a table (see table.h).
 *
 * Two passes over the rows: one measures every cell as it will be shown
 * (sanitized), one prints. Fitting works on widths alone, so the
 * interactive view fits its columns with the same rules.
 */
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

/* The natural width of every shown column: its widest cell or header. */
static void
table_measure(const struct table_out *o, const struct table *t, size_t *w)
{
	char text[TABLE_CELL], clean[TABLE_CLEAN];
	const void *row;
	size_t c, i, cw;

	for (c = 0; c < t->ncols; c++) {
		w[c] = 0;
		if (!table_shown(t, c))
			continue;
		sanitize_cell(t->cols[c].header, 0, 0, o->sflags, clean, sizeof clean);
		w[c] = sanitize_width(clean);
		if (w[c] == 0)
			w[c] = 1;
	}
	for (i = 0; i < t->nrows; i++) {
		if ((row = table_row(t, i)) == NULL)
			continue;
		for (c = 0; c < t->ncols; c++) {
			if (w[c] == 0)
				continue;
			text[0] = '\0';
			t->cell(t->ctx, row, c, text, sizeof text);
			sanitize_cell(text, 0, 0, o->sflags, clean, sizeof clean);
			if ((cw = sanitize_width(clean)) > w[c])
				w[c] = cw;
		}
	}
}

/* One line: each shown cell fitted to its width (row NULL: the headers). */
static void
table_line(const struct table_out *o, const struct table *t, const void *row, const size_t *w)
{
	char text[TABLE_CELL], cell[TABLE_CLEAN];
	size_t c, last = 0, cw;

	for (c = 0; c < t->ncols; c++)
		if (w[c] > 0)
			last = c;
	if (row == NULL && o->bold)
		fputs("\033[1m", o->fp);
	for (c = 0; c < t->ncols; c++) {
		if (w[c] == 0)
			continue;
		text[0] = '\0';
		if (row == NULL)
			snprintf(text, sizeof text, "%s", t->cols[c].header);
		else
			t->cell(t->ctx, row, c, text, sizeof text);
		if (t->cols[c].right) {
			sanitize_cell(text, w[c], 0, o->sflags, cell, sizeof cell);
			for (cw = sanitize_width(cell); cw < w[c]; cw++)
				fputc(' ', o->fp);
		} else {
			sanitize_cell(text, w[c], c != last, o->sflags, cell, sizeof cell);
		}
		fputs(cell, o->fp);
		if (c != last)
			fputs("  ", o->fp);
	}
	if (row == NULL && o->bold)
		fputs("\033[0m", o->fp);
	fputc('\n', o->fp);
}

int
table_print(const struct table_out *o, const struct table *t)
{
	size_t w[TABLE_MAX_COLS], i, n = t->ncols < TABLE_MAX_COLS ? t->ncols : TABLE_MAX_COLS;
	const void *row;
	struct table tt = *t;

	tt.ncols = n;
	table_measure(o, &tt, w);
	table_fit(tt.cols, n, w, o->width, TABLE_GAP);
	table_line(o, &tt, NULL, w);
	for (i = 0; i < tt.nrows && !ferror(o->fp); i++)
		if ((row = table_row(&tt, i)) != NULL)
			table_line(o, &tt, row, w);
	return ferror(o->fp) ? -1 : 0;
}
