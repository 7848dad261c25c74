/*
 * table.h: the one engine for patrol's tables: the command line's (list,
 * audit, journal, quota) and the widths of the interactive view's columns.
 *
 * A table is a column list (header, how it gives way on a narrow screen)
 * and a cell function. Widths are display widths (the sanitizer's, so CJK
 * and emoji count two and escapes count what they show). On a terminal a
 * table fits its width exactly: flexible columns shrink first (the widest
 * first, each to its minimum), then columns are dropped in their drop
 * order, and as a last resort the last column is cut. Not on a terminal
 * (width 0) nothing is cut or dropped: every column is as wide as its
 * widest cell, so a pipe gets every character. Every cell, header included,
 * goes through sanitize_cell(), which also pads and cuts ("…", "~" in
 * ASCII). Cells are separated by two spaces; the last is not padded.
 */
#ifndef PATROL_TABLE_H
#define PATROL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_GAP 2             /* spaces between columns */
#define TABLE_MIN 8             /* default narrowest width of a flexible column */
#define TABLE_MAX_COLS 32

struct table_col {
	const char *header;
	size_t max;             /* on a terminal, at most this wide (0: its widest cell) */
	size_t min;             /* a flexible column shrinks to no less (0: TABLE_MIN) */
	unsigned drop;          /* 0: kept; else dropped, lowest first, when shrinking is not enough */
	bool flex;              /* may shrink (its text is cut with an ellipsis) */
	bool right;             /* right-aligned (numbers) */
};

/* The text of column col in row (raw: the engine sanitizes it) into out. */
typedef void (*table_cell_fn)(const void *ctx, const void *row, size_t col, char *out,
			      size_t n);

struct table {
	const struct table_col *cols;
	size_t ncols;                   /* at most TABLE_MAX_COLS */
	unsigned long hidden;           /* bit c: leave column c out */
	table_cell_fn cell;
	const void *ctx;                /* passed to cell and row */
	/* Row i is rows + i * stride, or row(ctx, i) when row is set (NULL:
	 * skip row i). */
	const void *rows;
	size_t stride;
	const void *(*row)(const void *ctx, size_t i);
	size_t nrows;
};

/* Where a table goes. */
struct table_out {
	FILE *fp;
	size_t width;                   /* the terminal's columns; 0: not a terminal */
	bool bold;                      /* the header in bold (a terminal that may) */
	unsigned sflags;                /* sanitize flags (SANITIZE_ASCII for terminals that need it) */
};

/* The columns of the terminal on descriptor fd, or 0 when it is none. */
size_t table_terminal_width(int fd);
/* Fit columns into width: w[c] holds each column's natural width (0: not
 * shown) and gets its fitted width (0: dropped), so that the widths plus
 * gap between shown columns add up to at most width (width 0: unchanged).
 * Returns the total width. The interactive view calls it with its own
 * natural widths. */
size_t table_fit(const struct table_col *cols, size_t ncols, size_t *w, size_t width,
		 size_t gap);
/* Print t: the header, then one line per row. Returns 0, or -1 on a write
 * error (it stops at the first). */
int table_print(const struct table_out *o, const struct table *t);
/* table_print for a table whose cell and row functions may run on two
 * threads at once (they only read): a big one makes its cells on two CPUs
 * when there are two. The same bytes. */
int table_print_parallel(const struct table_out *o, const struct table *t);

#endif
