/*
 * test_output.c: JSON arrays written one element at a time
 * (cli_output_json_array): the pretty layout is byte for byte jansson's
 * for the whole array, at the top or nested; the compact layout puts one
 * element a line; many rows (rendered on two threads when there are two
 * CPUs) come out whole and in order; DEL is escaped; a row that cannot be
 * made is an error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_output.h"
#include "secret.h"

/* Row i: an object with a nested object and array, a multi-line string, a
 * DEL and a non-ASCII character. */
static json_t *
row_of(size_t i)
{
	return json_pack("{s:I, s:s, s:{s:[i,s], s:b}, s:s}", "n", (json_int_t)i,
			 "text", "two\nlines \x7f caf\xc3\xa9", "nested", "a", 1, "x",
			 "ok", i % 2 == 0, "last", "end");
}

static json_t *
test_row(const void *ctx, void **scratch, size_t i)
{
	size_t *made = *scratch != NULL ? *scratch : (*scratch = calloc(1, sizeof *made));

	(void)ctx;
	if (made != NULL)
		(*made)++;                /* the scratch is this thread's */
	return row_of(i);
}

static json_t *
failing_row(const void *ctx, void **scratch, size_t i)
{
	return i == *(const size_t *)ctx ? NULL : row_of(i);
}

/* What cli_output_json_array wrote for rows, as a string. */
static char *
written(const struct cli_json_rows *rows, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	*rc = cli_output_json_array(fp, rows);
	assert_int_equal(fclose(fp), 0);
	return text;
}

/* What cli_output_json_dump writes for v, as a string. */
static char *
dumped(const json_t *v, size_t flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(cli_output_json_dump(fp, v, flags), 0);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static json_t *
array_of(size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(json_array_append_new(a, row_of(i)), 0);
	return a;
}

/* Pretty: the same bytes as jansson's JSON_INDENT(2) of the whole array. */
static void
test_pretty_is_janssons(void **state)
{
	static const size_t sizes[] = { 0, 1, 3 };
	struct cli_json_rows rows = { 0, test_row, NULL, free, true, 0 };
	json_t *a, *o;
	char *got, *want;
	size_t k;
	int rc;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		rows.n = sizes[k];
		rows.depth = 0;
		a = array_of(sizes[k]);
		got = written(&rows, &rc);
		want = dumped(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		assert_int_equal(rc, 0);
		assert_string_equal(got, want);
		free(got);
		free(want);
		/* one level down, as journal SESSION -o json writes "items" */
		o = json_pack("{s:o}", "items", a);
		rows.depth = 1;
		got = written(&rows, &rc);
		want = dumped(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		assert_non_null(strstr(want, got));
		assert_true(strncmp(strstr(want, got) - 9, "\"items\": ", 9) == 0);
		free(got);
		free(want);
		json_decref(o);
	}
}

/* Compact: one element a line, DEL escaped; many rows, whole and in order
 * (more than enough for two threads). */
static void
test_compact_many(void **state)
{
	struct cli_json_rows rows = { 5000, test_row, NULL, free, false, 0 };
	struct buf want;
	char *got, *one;
	size_t i;
	json_t *v;
	int rc;

	(void)state;
	buf_init(&want, 0);
	assert_int_equal(buf_addstr(&want, "["), 0);
	for (i = 0; i < rows.n; i++) {
		v = row_of(i);
		one = dumped(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(v);
		assert_int_equal(buf_printf(&want, "%s\n  %s", i ? "," : "", one), 0);
		free(one);
	}
	assert_int_equal(buf_addstr(&want, "\n]"), 0);
	got = written(&rows, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(got, "\\u007f caf\\u00E9"));
	assert_null(strchr(got, 0x7f));
	assert_string_equal(got, want.data);
	free(got);
	buf_free(&want);
	rows.n = 0;
	got = written(&rows, &rc);
	assert_string_equal(got, "[]");
	free(got);
}

/* A row that cannot be made (out of memory) is an error, early or late. */
static void
test_failing_row(void **state)
{
	static const size_t bad[] = { 0, 1, 700, 4999 };
	struct cli_json_rows rows = { 5000, failing_row, NULL, NULL, false, 0 };
	char *got;
	size_t k;
	int rc;

	(void)state;
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		rows.ctx = &bad[k];
		got = written(&rows, &rc);
		assert_int_equal(rc, -1);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pretty_is_janssons),
		cmocka_unit_test(test_compact_many),
		cmocka_unit_test(test_failing_row),
	};

	secret_json_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
