/*
 * test_output.c: JSON arrays written one element at a time
 * (cli_output_json_array): the pretty layout is byte for byte jansson's
 * for the whole array, at the top or nested; the compact layout puts one
 * element a line; many rows (rendered on two threads when there are two
 * CPUs) come out whole and in order; DEL is escaped; a row that cannot be
 * made is an error. A token's text written without jansson
 * (cli_output_json_token_text) is jansson's, and an array whose text
 * function does some rows is the array jansson makes of them all
 * (cli_output_json_array_text, audit -o json's rows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "cli_output.h"
#include "secret.h"
#include "token.h"

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

/* The even rows by text, the odd ones left to row(): the bytes of the
 * array row() alone makes. */
static int
even_text(const void *ctx, size_t i, struct buf *out)
{
	json_t *v;
	char *one;
	int rc;

	(void)ctx;
	if (i % 2 == 1)
		return 1;
	v = row_of(i);
	one = dumped(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	/* dumped() escapes DEL; the writer escapes what text leaves raw */
	rc = buf_addstr(out, one);
	free(one);
	return rc;
}

static void
test_array_text(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 5000 };
	struct cli_json_rows rows = { 0, test_row, NULL, free, false, 0 };
	char *got, *want;
	size_t k;
	int rc;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		rows.n = sizes[k];
		want = written(&rows, &rc);
		assert_int_equal(rc, 0);
		got = NULL;
		{
			size_t len = 0;
			FILE *fp = open_memstream(&got, &len);

			assert_non_null(fp);
			assert_int_equal(cli_output_json_array_text(fp, &rows, even_text), 0);
			assert_int_equal(fclose(fp), 0);
		}
		assert_string_equal(got, want);
		free(got);
		free(want);
	}
}

/* s with DEL as the writer escapes it (the text leaves it raw), in a
 * static buffer. */
static const char *
del_escaped(const char *s)
{
	static char out[4096];
	size_t n = 0;

	for (; *s != '\0' && n + 7 < sizeof out; s++) {
		if (*s == 0x7f) {
			memcpy(out + n, "\\u007f", 6);
			n += 6;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

/* A token's text as list -o json writes it is what jansson dumps of its
 * object with the workspace and the 90-day clock added, byte for byte:
 * plain, non-ASCII, quotes and controls, DEL, with and without token
 * management and workspaces; a string that is not UTF-8 is left to
 * jansson. */
static void
test_token_text_is_janssons(void **state)
{
	static const char *const comments[] = {
		"CI pipeline", "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x94\x91", "quote \" back \\ tab\t nl\n",
		"del \x7f bell \x07", "", NULL, "bad \xff utf-8",
	};
	struct cli_out_ws ws[2] = { { "prod", "https://p.example.com", { .now_ms = 0 } },
				    { "dev \xc3\xa9", "https://d.example.com", { .now_ms = 0 } } };
	struct cli_out o = { .format = CLI_FORMAT_JSON };
	struct token_table tab;
	struct token_info *t;
	const char *scopes[] = { "sql", "jobs" };
	struct buf got;
	json_t *obj;
	char *want, id[16];
	size_t k, m, w;
	int rc;

	(void)state;
	memset(&tab, 0, sizeof tab);
	for (k = 0; k < sizeof comments / sizeof comments[0]; k++) {
		assert_non_null(t = token_table_push(&tab));
		snprintf(id, sizeof id, "%08zx", 0xabc0 + k);
		assert_int_equal(token_set_id(&tab, t, id, strlen(id)), 0);
		if (comments[k] != NULL)
			assert_int_equal(token_set_text(&tab, t, TOKEN_TEXT_COMMENT, comments[k],
							strlen(comments[k])), 0);
		assert_int_equal(token_set_text(&tab, t, TOKEN_TEXT_OWNER, "ann@example.com", 15), 0);
		if (k % 2 == 0)
			assert_int_equal(token_set_list(&tab, t, TOKEN_LIST_SCOPES, scopes, NULL, 2), 0);
		t->creation_time = 1767225600000LL - (int64_t)k * 86400000LL;
		t->expiry_time = k % 3 == 0 ? -1 : 1767225600000LL + 86400000LL;
		t->last_used_day = k % 2 == 0 ? 1767225600000LL - 86400000LL : 0;
		t->management = k % 4 != 1;
		t->created_by_id = 4242 + (int64_t)k;
		t->workspace = (unsigned short)(k % 2);
	}
	buf_init(&got, 0);
	for (m = 0; m < 2; m++) {
		o.management = m == 1;
		for (w = 0; w < 2; w++) {
			o.ws = w == 1 ? ws : NULL;
			o.nws = w == 1 ? 2 : 0;
			for (k = 0; k < tab.n; k++) {
				t = &tab.rows[k];
				buf_reset(&got);
				rc = cli_output_json_token_text(&o, t, &got);
				if (k + 1 == tab.n) {        /* not UTF-8 */
					assert_int_equal(rc, 1);
					assert_int_equal(got.len, 0);
					continue;
				}
				assert_int_equal(rc, 0);
				obj = api_token_to_json(t, o.management);
				assert_non_null(obj);
				assert_int_equal(cli_output_json_where(&o, t, obj), 0);
				assert_int_equal(cli_output_json_revoke(obj, t), 0);
				want = dumped(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
				json_decref(obj);
				assert_int_equal(buf_add(&got, "", 1), 0);
				assert_string_equal(del_escaped(got.data), want);
				free(want);
			}
		}
	}
	buf_free(&got);
	token_table_free(&tab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pretty_is_janssons),
		cmocka_unit_test(test_compact_many),
		cmocka_unit_test(test_failing_row),
		cmocka_unit_test(test_array_text),
		cmocka_unit_test(test_token_text_is_janssons),
	};

	secret_json_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
