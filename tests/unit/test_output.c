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

/* Tokens of every kind the output meets: plain, non-ASCII, quotes and
 * controls, DEL, empty and absent comments, and (the last) a comment that
 * is not UTF-8; with and without scopes, expiry, last use and token
 * management, in two workspaces. */
static const char *const sample_comments[] = {
	"CI pipeline", "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x94\x91", "quote \" back \\ tab\t nl\n",
	"del \x7f bell \x07", "", NULL, "=cmd|' /C calc'!A0", "tmp", "bad \xff utf-8",
};
#define NSAMPLE (sizeof sample_comments / sizeof sample_comments[0])

static void
sample_tokens(struct token_table *tab)
{
	const char *scopes[] = { "sql", "jobs" };
	struct token_info *t;
	char id[16];
	size_t k;

	memset(tab, 0, sizeof *tab);
	for (k = 0; k < NSAMPLE; k++) {
		assert_non_null(t = token_table_push(tab));
		snprintf(id, sizeof id, "%08zx", 0xabc0 + k);
		assert_int_equal(token_set_id(tab, t, id, strlen(id)), 0);
		if (sample_comments[k] != NULL)
			assert_int_equal(token_set_text(tab, t, TOKEN_TEXT_COMMENT, sample_comments[k],
							strlen(sample_comments[k])), 0);
		assert_int_equal(token_set_text(tab, t, TOKEN_TEXT_OWNER, "ann@example.com", 15), 0);
		if (k % 2 == 0)
			assert_int_equal(token_set_list(tab, t, TOKEN_LIST_SCOPES, scopes, NULL, 2), 0);
		t->creation_time = 1767225600000LL - (int64_t)k * 86400000LL * 50;
		t->expiry_time = k % 3 == 0 ? -1 : 1767225600000LL + 86400000LL;
		t->last_used_day = k % 2 == 0 ? 1767225600000LL - 86400000LL * 100 : 0;
		t->management = k % 4 != 1;
		t->created_by_id = 4242 + (int64_t)k;
		t->workspace = (unsigned short)(k % 2);
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
	static struct cli_out_ws ws[2] = {
		{ "prod", "https://p.example.com", { .now_ms = 0 } },
		{ "dev \xc3\xa9", "https://d.example.com", { .now_ms = 0 } },
	};
	struct cli_out o = { .format = CLI_FORMAT_JSON };
	struct token_table tab;
	struct token_info *t;
	struct buf got;
	json_t *obj;
	char *want;
	size_t k, m, w;
	int rc;

	(void)state;
	sample_tokens(&tab);
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

/* What f writes to a memory stream, as a string. */
static char *
csv_written(const struct cli_out *o0, const struct token_table *tab, const size_t *idx,
	    const unsigned *flags, size_t n)
{
	struct cli_out o = *o0;
	char *text = NULL;
	size_t len = 0;

	o.fp = open_memstream(&text, &len);
	assert_non_null(o.fp);
	assert_int_equal(flags == (const unsigned *)1 ? cli_output_tokens(&o, tab, idx, n) :
			 cli_output_csv(&o, tab, idx, flags, n), 0);
	assert_int_equal(fclose(o.fp), 0);
	return text;
}

/* CSV: the flags column is what cli_output_flags computes (with its memo,
 * row after row, or given by the caller: audit's), and given flags are
 * printed as given. */
static void
test_csv_flags(void **state)
{
	static struct cli_out_ws ws[2] = {
		{ "prod", "https://p.example.com", { .now_ms = 1767225600000LL, .max_lifetime_ms = 90LL * 86400000 } },
		{ "dev", "https://d.example.com", { .now_ms = 1767225600000LL } },
	};
	struct cli_out o = { .format = CLI_FORMAT_CSV, .management = true,
			     .ctx = { .now_ms = 1767225600000LL } };
	unsigned flags[NSAMPLE * 3], priv[NSAMPLE * 3];
	size_t idx[NSAMPLE * 3], k, w;
	struct token_table tab;
	char *listed, *given, *line, want[256], *save = NULL;

	(void)state;
	sample_tokens(&tab);
	for (w = 0; w < 2; w++) {
		o.ws = w == 1 ? ws : NULL;
		o.nws = w == 1 ? 2 : 0;
		for (k = 0; k < NSAMPLE * 3; k++) {     /* each row three times over */
			idx[k] = (k * 7) % NSAMPLE;
			flags[k] = token_flags(&tab.rows[idx[k]], cli_output_ctx(&o, &tab.rows[idx[k]]));
			assert_int_equal(cli_output_flags(NULL, &o, &tab.rows[idx[k]]), flags[k]);
			priv[k] = TOKEN_FLAG(PRIVILEGED);
		}
		listed = csv_written(&o, &tab, idx, (const unsigned *)1, NSAMPLE * 3);
		given = csv_written(&o, &tab, idx, flags, NSAMPLE * 3);
		assert_string_equal(listed, given);
		assert_non_null(strstr(listed, "\"'=cmd|' /C calc'!A0\""));
		free(given);
		given = csv_written(&o, &tab, idx, priv, NSAMPLE * 3);
		k = 0;
		for (line = strtok_r(given, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			if (k++ == 0)
				continue;       /* the header */
			snprintf(want, sizeof want, ",\"privileged\",");
			assert_non_null(strstr(line, want));
		}
		assert_int_equal(k, NSAMPLE * 3 + 1);
		free(listed);
		free(given);
	}
	token_table_free(&tab);
}

/* A CSV field appended to a buffer is the field written to a stream. */
static void
test_csv_field_add(void **state)
{
	static const char *const fields[] = {
		"plain", "", NULL, "say \"hi\"", "\"", "=1+1", "+x", "-x", "@x", "tab\there",
		"caf\xc3\xa9", "bad \xff", "del \x7f", "\x1b[31mred",
	};
	struct buf got;
	char *want, big[3000];
	size_t k, len;
	FILE *fp;
	int last;

	(void)state;
	memset(big, '"', sizeof big - 1);       /* longer than a field on the stack */
	big[sizeof big - 1] = '\0';
	big[0] = '=';
	buf_init(&got, 0);
	for (k = 0; k <= sizeof fields / sizeof fields[0]; k++) {
		for (last = 0; last < 2; last++) {
			const char *f = k < sizeof fields / sizeof fields[0] ? fields[k] : big;

			want = NULL;
			len = 0;
			assert_non_null(fp = open_memstream(&want, &len));
			cli_output_csv_field(fp, f, 0, last);
			assert_int_equal(fclose(fp), 0);
			buf_reset(&got);
			assert_int_equal(cli_output_csv_field_add(&got, f, last), 0);
			assert_int_equal(got.len, len);
			assert_memory_equal(got.data, want, len);
			free(want);
		}
	}
	buf_free(&got);
}

/* s with each DEL written as \u007f, malloc'd. */
static char *
del_escaped_dup(const char *s)
{
	struct buf b;
	const char *p;

	buf_init(&b, 0);
	for (p = s; *p != '\0'; p++)
		assert_int_equal(*p == 0x7f ? buf_addstr(&b, "\\u007f") : buf_add(&b, p, 1), 0);
	return buf_take(&b);
}

/* A dump through a stream (gathered in chunks) is jansson's text with DEL
 * escaped: small and big values, a string longer than a chunk. */
static void
test_dump_is_janssons(void **state)
{
	static const size_t sizes[] = { 0, 1, 40, 3000 };
	char *got, *want, *text, *long_text;
	size_t k, n;
	json_t *a;

	(void)state;
	long_text = malloc(10001);
	assert_non_null(long_text);
	memset(long_text, 'x', 10000);
	long_text[10000] = '\0';
	long_text[5000] = 0x7f;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		a = array_of(sizes[k]);
		assert_int_equal(json_array_append_new(a, json_string(long_text)), 0);
		got = dumped(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		n = json_dumpb(a, NULL, 0, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		assert_non_null(text = calloc(1, n + 1));
		assert_int_equal(json_dumpb(a, text, n, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					    JSON_ENSURE_ASCII), n);
		want = del_escaped_dup(text);
		assert_string_equal(got, want);
		free(text);
		free(got);
		free(want);
		json_decref(a);
	}
	free(long_text);
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
		cmocka_unit_test(test_csv_flags),
		cmocka_unit_test(test_csv_field_add),
		cmocka_unit_test(test_dump_is_janssons),
	};

	secret_json_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
