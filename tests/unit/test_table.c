/*
 * test_table.c: table_print keeps the bytes of the engine it replaced.
 *
 * table_print makes each cell once and prints what it kept, making a cell
 * again only when a terminal cuts it. The reference here is the engine as it
 * was before (every cell made and sanitized in both passes, written piece by
 * piece): for tables of hostile cells (escapes, invalid UTF-8, CJK, emoji,
 * combining marks, bidi, cells longer than the engine's cell buffer, empty
 * cells), right-aligned, hidden and skipped rows and columns, on a pipe and
 * at terminal widths that shrink, drop and cut, in UTF-8 and in ASCII, the
 * two must write the same bytes, and so must table_print_parallel, which
 * measures a big table's halves on two threads. Widths assume the C.UTF-8
 * locale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "table.h"

/* ---- the reference: the engine before cells were kept -------------------- */

#define REF_CELL 4096
#define REF_CLEAN (REF_CELL * 4 + 16)

static const void *
ref_row(const struct table *t, size_t i)
{
	if (t->row != NULL)
		return t->row(t->ctx, i);
	return (const char *)t->rows + i * t->stride;
}

static bool
ref_shown(const struct table *t, size_t c)
{
	return c < TABLE_MAX_COLS && !(t->hidden & (1ul << c));
}

static void
ref_measure(const struct table_out *o, const struct table *t, size_t *w)
{
	static char text[REF_CELL], clean[REF_CLEAN];
	const void *row;
	size_t c, i, cw;

	for (c = 0; c < t->ncols; c++) {
		w[c] = 0;
		if (!ref_shown(t, c))
			continue;
		sanitize_cell(t->cols[c].header, 0, 0, o->sflags, clean, sizeof clean);
		w[c] = sanitize_width(clean);
		if (w[c] == 0)
			w[c] = 1;
	}
	for (i = 0; i < t->nrows; i++) {
		if ((row = ref_row(t, i)) == NULL)
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

static void
ref_line(const struct table_out *o, const struct table *t, const void *row, const size_t *w)
{
	static char text[REF_CELL], cell[REF_CLEAN];
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

static void
ref_print(const struct table_out *o, const struct table *t)
{
	size_t w[TABLE_MAX_COLS], i;
	const void *row;

	ref_measure(o, t, w);
	table_fit(t->cols, t->ncols, w, o->width, TABLE_GAP);
	ref_line(o, t, NULL, w);
	for (i = 0; i < t->nrows; i++)
		if ((row = ref_row(t, i)) != NULL)
			ref_line(o, t, row, w);
}

/* ---- the tables ----------------------------------------------------------- */

static char long_ascii[6000], long_wide[6000], long_escapes[6000];

/* Cell texts; a row picks one for each column. */
static const char *const texts[] = {
	"", "a", "plain ascii text", "12345", "never", "in 8mo (2027-08-05)",
	"caf\xc3\xa9 cr\xc3\xa8me", "\xe6\x95\xb0\xe6\x8d\xae\xe7\xae\xa1\xe9\x81\x93",  /* CJK: wide */
	"\xf0\x9f\x94\x91 key", "e\xcc\x81 and \xcc\x81 alone",        /* combining marks */
	"\x1b[31mred\x1b[0m", "tab\there\r\n", "\xff\xfe bad \xc3", "\xe2\x80\xae" "evil",
	"zero\xe2\x80\x8bwidth", "\x7f del", "\xc2\x85 c1", long_ascii, long_wide, long_escapes,
	"\xef\xbc\xa1\xef\xbc\xa2 fullwidth", "mixed \xe6\x95\xb0 and ascii padding here",
};
#define NTEXTS (sizeof texts / sizeof texts[0])

struct trow {
	unsigned pick[6];
	bool skip;
};

static const struct table_col cols[6] = {
	{ .header = "ID" },
	{ .header = "COMMENT", .flex = true, .min = 12 },
	{ .header = "N", .right = true },
	{ .header = "\xe5\x90\x8d\xe5\x89\x8d", .flex = true, .drop = 2 },   /* a wide header */
	{ .header = "WHEN", .drop = 1 },
	{ .header = "LAST", .flex = true },
};

static void
cell_of(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct trow *r = row;

	(void)ctx;
	snprintf(out, n, "%s", texts[r->pick[col] % NTEXTS]);
}

static const void *
row_of(const void *ctx, size_t i)
{
	const struct trow *rows = ctx;

	return rows[i].skip ? NULL : &rows[i];
}

static void
fill_long(void)
{
	size_t i;

	memset(long_ascii, 'x', sizeof long_ascii - 1);
	for (i = 0; i + 3 < sizeof long_wide; i += 3)
		memcpy(long_wide + i, "\xe6\x95\xb0", 3);
	memset(long_escapes, 0x01, sizeof long_escapes - 1);
}

/* What print wrote for t at o's width and flags. */
static char *
printed(void (*print)(const struct table_out *, const struct table *), struct table_out o,
	const struct table *t)
{
	char *text = NULL;
	size_t len = 0;

	o.fp = open_memstream(&text, &len);
	assert_non_null(o.fp);
	print(&o, t);
	assert_int_equal(fclose(o.fp), 0);
	return text;
}

static void
print_new(const struct table_out *o, const struct table *t)
{
	assert_int_equal(table_print(o, t), 0);
}

static void
print_parallel(const struct table_out *o, const struct table *t)
{
	assert_int_equal(table_print_parallel(o, t), 0);
}

static void
assert_same_as(void (*print)(const struct table_out *, const struct table *),
	       const struct table_out *o, const struct table *t)
{
	char *want = printed(ref_print, *o, t), *got = printed(print, *o, t);

	if (strcmp(want, got) != 0)
		fail_msg("width %zu flags %u hidden %lx rows %zu: the bytes differ",
			 o->width, o->sflags, t->hidden, t->nrows);
	free(want);
	free(got);
}

static void
assert_same(const struct table_out *o, const struct table *t)
{
	assert_same_as(print_new, o, t);
}

/* Every width, flag and hidden set over seeded random tables. */
static void
test_same_bytes(void **state)
{
	static const size_t widths[] = { 0, 200, 80, 60, 40, 30, 20, 12, 5 };
	static const unsigned flags[] = { 0, SANITIZE_ASCII };
	static const unsigned long hidden[] = { 0, 1ul << 0, 1ul << 3, (1ul << 2) | (1ul << 5) };
	struct trow rows[40];
	struct table t = { cols, 6, 0, cell_of, rows, NULL, 0, row_of, 0 };
	struct table_out o = { NULL, 0, false, 0 };
	unsigned seed = 11;
	size_t i, c, round, wi, fi, hi;

	(void)state;
	for (round = 0; round < 12; round++) {
		t.nrows = round * 3 + (round % 2);
		for (i = 0; i < t.nrows; i++) {
			for (c = 0; c < 6; c++)
				rows[i].pick[c] = (unsigned)rand_r(&seed);
			rows[i].skip = rand_r(&seed) % 7 == 0;
		}
		for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
			for (fi = 0; fi < 2; fi++)
				for (hi = 0; hi < sizeof hidden / sizeof hidden[0]; hi++) {
					o.width = widths[wi];
					o.sflags = flags[fi];
					o.bold = wi % 2 == 1;
					t.hidden = hidden[hi];
					assert_same(&o, &t);
				}
	}
}

/* Each text alone in a column beside every other: each kept cell is
 * padded to the widest as the reference pads it. */
static void
test_each_text(void **state)
{
	struct trow rows[NTEXTS * 2];
	struct table t = { cols, 6, 0, cell_of, rows, NULL, 0, row_of, 0 };
	struct table_out o = { NULL, 0, false, 0 };
	size_t i, c;

	(void)state;
	for (i = 0; i < NTEXTS * 2; i++) {
		for (c = 0; c < 6; c++)
			rows[i].pick[c] = (unsigned)((i + c * 5) % NTEXTS);
		rows[i].skip = false;
	}
	t.nrows = NTEXTS * 2;
	assert_same(&o, &t);
	o.sflags = SANITIZE_ASCII;
	assert_same(&o, &t);
	o.width = 100;
	assert_same(&o, &t);
}

/* Many rows: the kept cells outgrow their first storage and the lines
 * their chunk; a big table measured on two threads (each half keeping its
 * own cells, the widest of either half winning) prints the same bytes. */
static void
test_many_rows(void **state)
{
	static const size_t widths[] = { 0, 70 };
	size_t n = 9000, i, c, k;
	struct trow *rows = calloc(n, sizeof *rows);
	struct table t = { cols, 6, 0, cell_of, rows, NULL, 0, row_of, n };
	struct table_out o = { NULL, 0, false, 0 };
	unsigned seed = 7;

	(void)state;
	assert_non_null(rows);
	for (i = 0; i < n; i++) {
		for (c = 0; c < 6; c++)     /* not the three long texts */
			rows[i].pick[c] = (unsigned)(rand_r(&seed) % (NTEXTS - 3) + 20) % NTEXTS;
		rows[i].skip = i % 11 == 3;
	}
	for (k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		o.width = widths[k];
		assert_same(&o, &t);
		assert_same_as(print_parallel, &o, &t);
		t.hidden = 1ul << 1;
		assert_same_as(print_parallel, &o, &t);
		t.hidden = 0;
	}
	/* the widest cell only in the second half */
	for (i = 0; i < n; i++)
		for (c = 0; c < 6; c++)
			rows[i].pick[c] = i > n / 2 + 10 && i % 97 == 0 ? NTEXTS - 1 : 2;
	o.width = 0;
	assert_same_as(print_parallel, &o, &t);
	free(rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_each_text),
		cmocka_unit_test(test_many_rows),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 77;
	fill_long();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
