/*
 * test_token.c: the token model (src/token.c): rows, find, sort, flags, the
 * filter language and quota counts.
 *
 * Rows are built from a compact table (id, comment, owner, times, scopes);
 * every assertion names the exact rows or strings expected.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "token.h"
#include "token_filter.h"

#define DAY 86400000LL
#define NOW 1767225600000LL

struct row_spec {
	const char *id;
	const char *comment;
	const char *owner;
	int64_t created;
	int64_t expiry;
	int64_t last_used;
	const char *scopes;      /* comma-separated, NULL for none */
	const char *autoscope;
};

static void
fill_scopes(struct token_table *tab, struct token_info *t, const char *list)
{
	char *copy, *tok, *save = NULL;
	const char *v[8];
	size_t n = 0;

	if (list == NULL)
		return;
	copy = strdup(list);
	assert_non_null(copy);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		v[n++] = tok;
	assert_int_equal(token_set_list(tab, t, TOKEN_LIST_SCOPES, v, NULL, n), 0);
	free(copy);
}

static void
set_text(struct token_table *tab, struct token_info *t, enum token_text which, const char *s)
{
	assert_int_equal(token_set_text(tab, t, which, s, s != NULL ? strlen(s) : 0), 0);
}

static void
set_id(struct token_table *tab, struct token_info *t, const char *id)
{
	assert_int_equal(token_set_id(tab, t, id, strlen(id)), 0);
}

/* The id of t as text, in a static buffer (one at a time). */
static const char *
id_of(const struct token_info *t)
{
	static char id[TOKEN_ID_LEN + 1];

	return token_id_hex(t, id);
}

/* Append a row to tab as r says; the row (valid until the next push). */
static struct token_info *
add_row(struct token_table *tab, const struct row_spec *r)
{
	struct token_info *t = token_table_push(tab);

	assert_non_null(t);
	set_id(tab, t, r->id);
	set_text(tab, t, TOKEN_TEXT_COMMENT, r->comment);
	set_text(tab, t, TOKEN_TEXT_OWNER, r->owner);
	set_text(tab, t, TOKEN_TEXT_AUTOSCOPE, r->autoscope);
	t->creation_time = r->created;
	t->expiry_time = r->expiry;
	t->last_used_day = r->last_used;
	fill_scopes(tab, t, r->scopes);
	return t;
}

static void
build(struct token_table *tab, const struct row_spec *rows, size_t n)
{
	size_t i;

	memset(tab, 0, sizeof *tab);
	for (i = 0; i < n; i++)
		add_row(tab, &rows[i]);
}

/* A table of five rows used by the sort, find and filter tests. */
static const struct row_spec sample[] = {
	{ "aaaa1111", "CI pipeline", "alice@example.com", NOW - 10 * DAY, NOW + 5 * DAY,
	  NOW - 1 * DAY, "sql,jobs", NULL },
	{ "bbbb2222", "tmp notebook", "bob@example.com", NOW - 400 * DAY, -1, 0,
	  NULL, NULL },
	{ "aaaa3333", "nightly etl", "alice@example.com", NOW - 100 * DAY, NOW - 2 * DAY,
	  NOW - 95 * DAY, "authentication", "AUTOSCOPE_STATE_RUNNING" },
	{ "cccc4444", "ci deploy", "carol@example.com", NOW - 10 * DAY, NOW + 300 * DAY,
	  NOW - 40 * DAY, "all-apis", NULL },
	{ "dddd5555", NULL, NULL, NOW - 50 * DAY, -1, NOW - 10 * DAY, "sql:read", NULL },
};
#define NSAMPLE (sizeof sample / sizeof sample[0])

static const struct token_ctx ctx0 = { .now_ms = NOW };

/* ---- words ---- */

/* One word per fact: the scope list, "(full access)" for none, "never",
 * and a last use known to the day shown as a day. */
static void
test_words(void **state)
{
	struct token_table tab;
	struct token_info *t;
	char out[64];

	(void)state;
	build(&tab, sample, NSAMPLE);
	token_scopes_format(&tab.rows[0], out, sizeof out);
	assert_string_equal(out, "sql,jobs");
	token_scopes_format(&tab.rows[1], out, sizeof out);
	assert_string_equal(out, TOKEN_WORD_FULL_ACCESS);
	assert_string_equal(TOKEN_WORD_FULL_ACCESS, "(full access)");
	token_last_used_format(&tab.rows[1], NOW, out, sizeof out);
	assert_string_equal(out, "never");
	t = &tab.rows[0];
	t->last_used_day = NOW - DAY;                   /* yesterday (UTC day) */
	token_last_used_format(t, NOW + 18 * 3600000LL, out, sizeof out);
	assert_string_equal(out, "1d ago");             /* not "42h ago" */
	t->last_used_day = NOW;
	token_last_used_format(t, NOW + 18 * 3600000LL, out, sizeof out);
	assert_string_equal(out, "today");              /* not "18h ago" */
	t->last_used_day = NOW - 3 * DAY;
	token_last_used_format(t, NOW + 23 * 3600000LL, out, sizeof out);
	assert_string_equal(out, "3d ago");
	t->last_accessed_time = NOW - 5 * 3600000LL;     /* a real time wins */
	token_last_used_format(t, NOW, out, sizeof out);
	assert_string_equal(out, "5h ago");
	token_expires_format(&tab.rows[1], NOW, true, out, sizeof out);
	assert_string_equal(out, "never");
	token_expires_format(&tab.rows[2], NOW, false, out, sizeof out);
	assert_string_equal(out, "expired");
	setenv("TZ", "UTC", 1);         /* the date is local time */
	tzset();
	token_expires_format(&tab.rows[0], NOW, true, out, sizeof out);
	assert_string_equal(out, "in 5d (2026-01-06)");
	token_table_free(&tab);
}

/* ---- rows ---- */

static void
test_rows(void **state)
{
	struct token_table tab, other = { 0 };
	const struct token_info *copy;

	(void)state;
	build(&tab, sample, NSAMPLE);
	assert_int_equal(tab.n, 5);
	assert_non_null(copy = token_table_add_copy(&other, &tab.rows[0]));
	assert_string_equal(token_comment(copy), "CI pipeline");
	assert_ptr_not_equal(token_comment(copy), token_comment(&tab.rows[0]));
	assert_int_equal(token_nscopes(copy), 2);
	assert_string_equal(token_scope(copy, 1), "jobs");
	assert_string_equal(id_of(copy), "aaaa1111");
	assert_null(token_autoscope_state(copy));
	token_table_free(&other);
	assert_null(other.pool);
	assert_string_equal(token_owner(&tab.rows[4]), "");
	assert_string_equal(token_owner(&tab.rows[0]), "alice@example.com");
	assert_int_equal(token_last_used(&tab.rows[1]), 0);
	tab.rows[1].last_accessed_time = 7;
	tab.rows[1].last_used_day = 5;
	assert_int_equal(token_last_used(&tab.rows[1]), 7);
	tab.rows[1].last_accessed_time = 0;
	assert_int_equal(token_last_used(&tab.rows[1]), 5);
	token_table_free(&tab);
	assert_int_equal(tab.n, 0);
	assert_null(tab.rows);
}

/* Whether row a (of one table) says what row b (of another) says. */
static void
assert_same_row(const struct token_info *a, const struct token_info *b)
{
	char sa[128], sb[128], ida[TOKEN_ID_LEN + 1], idb[TOKEN_ID_LEN + 1];

	assert_string_equal(token_id_hex(a, ida), token_id_hex(b, idb));
	assert_string_equal(token_owner(a), token_owner(b));
	assert_true((token_comment(a) == NULL) == (token_comment(b) == NULL));
	if (token_comment(a) != NULL)
		assert_string_equal(token_comment(a), token_comment(b));
	assert_true((token_autoscope_state(a) == NULL) == (token_autoscope_state(b) == NULL));
	token_scopes_format(a, sa, sizeof sa);
	token_scopes_format(b, sb, sizeof sb);
	assert_string_equal(sa, sb);
	assert_true(a->creation_time == b->creation_time && a->expiry_time == b->expiry_time &&
		    a->last_used_day == b->last_used_day);
}

/* A table absorbs another's rows with their strings (the estate's merge):
 * every row says what it said, the other is left empty, both free
 * cleanly, and the absorbing table still takes rows of its own. */
static void
test_absorb(void **state)
{
	static const struct row_spec raw = {
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "raw id",
		"alice@example.com", NOW, -1, 0, "sql,jobs", NULL };
	struct token_table a, b, mine, want, empty = { 0 }, fresh = { 0 };
	size_t i, bytes;

	(void)state;
	build(&a, sample, 3);
	build(&b, sample + 3, NSAMPLE - 3);
	add_row(&b, &raw);
	build(&mine, sample, 3);
	build(&want, sample + 3, NSAMPLE - 3);
	add_row(&want, &raw);
	b.malformed = 2;
	bytes = token_table_bytes(&a);
	assert_int_equal(token_table_absorb(&a, &b), 0);
	assert_int_equal(a.n, 6);
	assert_int_equal(b.n, 0);
	assert_null(b.rows);
	assert_null(b.pool);
	assert_int_equal(b.malformed, 2);               /* stays with it */
	assert_true(token_table_bytes(&a) > bytes);
	for (i = 0; i < 3; i++) {
		assert_same_row(&a.rows[i], &mine.rows[i]);
		assert_same_row(&a.rows[3 + i], &want.rows[i]);
	}
	assert_string_equal(id_of(&a.rows[5]), raw.id);
	assert_int_equal(token_find(&a, "cccc4444"), 3);
	assert_int_equal(token_find(&a, raw.id), 5);
	/* equal strings of the two stay apart, and still compare equal */
	assert_string_equal(token_owner(&a.rows[5]), token_owner(&a.rows[0]));
	/* rows of its own afterwards, and a row copied from an absorbed one */
	add_row(&a, &sample[4]);
	assert_non_null(token_table_add_copy(&a, &a.rows[5]));
	assert_same_row(&a.rows[7], &want.rows[2]);
	assert_same_row(&a.rows[6], &want.rows[1]);
	/* nothing to absorb, and into nothing */
	assert_int_equal(token_table_absorb(&a, &empty), 0);
	assert_int_equal(a.n, 8);
	assert_int_equal(token_table_absorb(&fresh, &a), 0);
	assert_int_equal(fresh.n, 8);
	assert_null(a.pool);
	assert_same_row(&fresh.rows[7], &want.rows[2]);
	assert_string_equal(token_comment(&fresh.rows[0]), "CI pipeline");
	token_table_free(&a);
	token_table_free(&b);
	token_table_free(&fresh);
	token_table_free(&mine);
	token_table_free(&want);
}

/* Each interned string keeps its length and whether it is plain: only
 * printable ASCII without '"' or '\\' is, wherever the byte that is not
 * falls in its words of eight. */
static void
test_text_len(void **state)
{
	static const struct { const char *s; bool plain; } cases[] = {
		{ "", true }, { "CI pipeline", true }, { " ~!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}", true },
		{ "0123456789abcdefXYZ", true }, { "a\"b", false }, { "0123456789\\", false },
		{ "tab\t", false }, { "01234567\x1f", false }, { "del\x7f", false },
		{ "0123456789abcde\x7f", false }, { "caf\xc3\xa9", false }, { "\xff", false },
		{ " ", true }, { "~", true },
	};
	struct token_table tab = { 0 };
	struct token_info *t;
	const char *one[1];
	bool plain;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_non_null(t = token_table_push(&tab));
		set_text(&tab, t, TOKEN_TEXT_COMMENT, cases[i].s);
		one[0] = cases[i].s;
		assert_int_equal(token_set_list(&tab, t, TOKEN_LIST_SCOPES, one, NULL, 1), 0);
		assert_int_equal(token_text_len(t, TOKEN_TEXT_COMMENT, &plain), strlen(cases[i].s));
		assert_int_equal(plain, cases[i].plain);
		assert_int_equal(token_list_len_at(t, TOKEN_LIST_SCOPES, 0, &plain), strlen(cases[i].s));
		assert_int_equal(plain, cases[i].plain);
		assert_int_equal(token_list_len_at(t, TOKEN_LIST_SCOPES, 1, &plain), 0);
		assert_true(plain);
		assert_int_equal(token_text_len(t, TOKEN_TEXT_OWNER, &plain), 0);   /* absent */
		assert_true(plain);
	}
	/* a NUL ends a string early, and so its length */
	assert_int_equal(token_set_text(&tab, t, TOKEN_TEXT_OWNER, "ab\0\"d", 5), 0);
	assert_int_equal(token_text_len(t, TOKEN_TEXT_OWNER, &plain), 2);
	assert_true(plain);
	assert_string_equal(token_owner(t), "ab");
	token_table_free(&tab);
}

/* One "last use": the time when it is known, else the day, even when the
 * day is later than the time (the plan once took the later of the two). */
static void
test_last_used(void **state)
{
	struct token_info t;

	(void)state;
	memset(&t, 0, sizeof t);
	assert_int_equal(token_last_used(&t), 0);
	assert_false(token_last_used_day_only(&t));
	t.last_used_day = 86400000LL * 20000;
	assert_int_equal(token_last_used(&t), 86400000LL * 20000);
	assert_true(token_last_used_day_only(&t));
	t.last_accessed_time = 86400000LL * 19999 + 5;
	assert_int_equal(token_last_used(&t), 86400000LL * 19999 + 5);
	assert_false(token_last_used_day_only(&t));
}

static void
test_expired(void **state)
{
	struct token_info t = { .expiry_time = NOW };

	(void)state;
	assert_false(token_is_expired(&t, NOW));
	assert_true(token_is_expired(&t, NOW + 1));
	t.expiry_time = -1;
	assert_false(token_is_expired(&t, NOW));
	t.expiry_time = 0;
	assert_false(token_is_expired(&t, NOW));
}

static void
test_find(void **state)
{
	struct token_table tab;

	(void)state;
	build(&tab, sample, NSAMPLE);
	assert_int_equal(token_find(&tab, "aaaa1111"), 0);
	assert_int_equal(token_find(&tab, "AAAA3333"), 2);
	assert_int_equal(token_find(&tab, "bbbb"), 1);
	assert_int_equal(token_find(&tab, "BBBB22"), 1);
	assert_int_equal(token_find(&tab, "aaaa"), -2);
	assert_int_equal(token_find(&tab, "aaaa3"), 2);
	assert_int_equal(token_find(&tab, "bbb"), -1);
	assert_int_equal(token_find(&tab, "eeee"), -1);
	assert_int_equal(token_find(&tab, ""), -1);
	assert_int_equal(token_find(&tab, NULL), -1);
	assert_int_equal(token_find(&tab, "aaaa11112"), -1);
	token_table_free(&tab);
}

/* ---- sort ---- */

static void
test_sort_names(void **state)
{
	static const struct { const char *in; int rc; enum token_sort_key k; bool desc; } c[] = {
		{ "expires", 0, TOKEN_SORT_EXPIRES, false },
		{ "expires:desc", 0, TOKEN_SORT_EXPIRES, true },
		{ "EXPIRES:ASC", 0, TOKEN_SORT_EXPIRES, false },
		{ "last_used", 0, TOKEN_SORT_LAST_USED, false },
		{ "lastused:desc", 0, TOKEN_SORT_LAST_USED, true },
		{ "last-used", 0, TOKEN_SORT_LAST_USED, false },
		{ "id", 0, TOKEN_SORT_ID, false }, { "owner", 0, TOKEN_SORT_OWNER, false },
		{ "scopes", 0, TOKEN_SORT_SCOPES, false }, { "comment", 0, TOKEN_SORT_COMMENT, false },
		{ "created", 0, TOKEN_SORT_CREATED, false },
		{ "expires:up", -1, 0, false }, { "nope", -1, 0, false }, { "", -1, 0, false },
		{ ":desc", -1, 0, false }, { "expire", -1, 0, false },
	};
	enum token_sort_key k;
	bool d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		k = TOKEN_SORT_COUNT;
		d = !c[i].desc;
		assert_int_equal(token_sort_parse(c[i].in, &k, &d), c[i].rc);
		if (c[i].rc == 0) {
			assert_int_equal(k, c[i].k);
			assert_int_equal(d, c[i].desc);
		}
	}
	assert_string_equal(token_sort_name(TOKEN_SORT_LAST_USED), "last-used");
	assert_string_equal(token_sort_header(TOKEN_SORT_LAST_USED), "LAST USED");
}

static void
check_sort(const struct token_table *tab, enum token_sort_key key, bool desc,
    const char *expect)
{
	size_t idx[16], i;
	char got[256] = "";

	for (i = 0; i < tab->n; i++)
		idx[i] = tab->n - 1 - i;
	token_sort(tab, idx, tab->n, key, desc);
	for (i = 0; i < tab->n; i++) {
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.4s", i > 0 ? " " : "",
		    id_of(&tab->rows[idx[i]]));
	}
	print_message("sort %s%s\n", token_sort_name(key), desc ? " desc" : "");
	assert_string_equal(got, expect);
}

static void
test_sort_keys(void **state)
{
	static const struct { enum token_sort_key k; const char *asc, *desc; } c[] = {
		/* "" < "CI pipeline" = "ci pipeline"(tie by id) < "nightly" < "tmp" */
		{ TOKEN_SORT_COMMENT, "dddd aaaa cccc aaaa bbbb", "bbbb aaaa cccc aaaa dddd" },
		{ TOKEN_SORT_CREATED, "bbbb dddd aaaa aaaa cccc", "cccc aaaa aaaa dddd bbbb" },
		{ TOKEN_SORT_EXPIRES, "aaaa aaaa cccc bbbb dddd", "dddd bbbb cccc aaaa aaaa" },
		{ TOKEN_SORT_LAST_USED, "bbbb aaaa dddd cccc aaaa", "aaaa cccc dddd aaaa bbbb" },
		{ TOKEN_SORT_SCOPES, "bbbb cccc aaaa aaaa dddd", "dddd aaaa aaaa cccc bbbb" },
		{ TOKEN_SORT_OWNER, "dddd aaaa aaaa bbbb cccc", "cccc bbbb aaaa aaaa dddd" },
		{ TOKEN_SORT_ID, "aaaa aaaa bbbb cccc dddd", "dddd cccc bbbb aaaa aaaa" },
	};
	static const struct row_spec rows[] = {
		{ "aaaa1111", "CI pipeline", "alice", NOW - 10 * DAY, NOW + 5 * DAY, NOW - 1 * DAY,
		  "sql,jobs", NULL },
		{ "bbbb2222", "tmp", "bob", NOW - 400 * DAY, -1, 0, NULL, NULL },
		{ "aaaa3333", "nightly", "alice", NOW - 10 * DAY, NOW - 2 * DAY, NOW - 95 * DAY,
		  "sql,jobs", NULL },
		{ "cccc4444", "ci pipeline", "carol", NOW, NOW + 300 * DAY, NOW - 40 * DAY,
		  "all-apis", NULL },
		{ "dddd5555", NULL, NULL, NOW - 50 * DAY, 0, NOW - 94 * DAY, "sql:read", NULL },
	};
	struct token_table tab;
	size_t i;

	(void)state;
	build(&tab, rows, 5);
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		check_sort(&tab, c[i].k, false, c[i].asc);
		check_sort(&tab, c[i].k, true, c[i].desc);
	}
	token_table_free(&tab);
}

/* Ties break by token_id; the full ids show which aaaa row is which. */
static void
test_sort_ties(void **state)
{
	static const struct row_spec rows[] = {
		{ "ff02", "same comment longer than sixteen bytes", "owner-with-a-long-name", 5, 9,
		  0, "a,b", NULL },
		{ "ff01", "SAME comment longer than sixteen bytes", "owner-with-a-long-name", 5, 9,
		  0, "a,b", NULL },
		{ "ff03", "same comment longer than sixteen bytes!", "owner-with-a-long-namf", 5, 9,
		  0, "a,b,c", NULL },
	};
	struct token_table tab;
	size_t idx[3], i;
	int k;

	(void)state;
	build(&tab, rows, 3);
	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		for (i = 0; i < 3; i++)
			idx[i] = 2 - i;
		token_sort(&tab, idx, 3, (enum token_sort_key)k, false);
		print_message("tie %s\n", token_sort_name(k));
		assert_int_equal(idx[0], 1);
		assert_int_equal(idx[1], 0);
		assert_int_equal(idx[2], 2);
		token_sort(&tab, idx, 3, (enum token_sort_key)k, true);
		assert_int_equal(idx[0], 2);
		assert_int_equal(idx[2], 1);
	}
	token_table_free(&tab);
}

/* A larger table: the sort must agree with a straightforward check. */
static void
test_sort_many(void **state)
{
	enum { N = 2000 };
	struct token_table tab = { 0 };
	struct token_info *t;
	size_t *idx, i;
	char id[TOKEN_ID_LEN + 1], a_id[TOKEN_ID_LEN + 1];

	(void)state;
	idx = calloc(N, sizeof *idx);
	assert_non_null(idx);
	for (i = 0; i < N; i++) {
		t = token_table_push(&tab);
		assert_non_null(t);
		snprintf(id, sizeof id, "%08zx", (i * 7919) % N);
		set_id(&tab, t, id);
		t->expiry_time = (int64_t)(i % 13) - 1;
		idx[i] = i;
	}
	token_sort(&tab, idx, N, TOKEN_SORT_EXPIRES, false);
	for (i = 1; i < N; i++) {
		const struct token_info *a = &tab.rows[idx[i - 1]], *b = &tab.rows[idx[i]];
		int64_t ka = a->expiry_time > 0 ? a->expiry_time : INT64_MAX;
		int64_t kb = b->expiry_time > 0 ? b->expiry_time : INT64_MAX;
		token_id_hex(a, a_id);
		assert_true(ka < kb || (ka == kb && strcmp(a_id, id_of(b)) < 0));
	}
	token_table_free(&tab);
	free(idx);
}

/* ---- sort against a reference ---- */

/* Pieces of text chosen to defeat a 16-byte prefix: shared prefixes longer
 * than 16 bytes, exactly 15/16/17 bytes, case and '_' (between 'Z' and 'a'),
 * the bytes around 'A'..'Z' and 'a'..'z', empty strings, UTF-8 and bytes
 * that are upper-case letters plus 0x80. */
static const char *const ref_text[] = {
	"", "", "a", "A", "_", "ci", "CI", "aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa",
	"AAAAAAAAAAAAAAAA", "aaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaB",
	"Terraform deploy for workspace ", "terraform DEPLOY for workspace ",
	"Terraform deploy for workspace prod", "Terraform deploy for workspace prod-2",
	"h\xc3\xa9llo w\xc3\xb6rld", "H\xc3\x89LLO w\xc3\xb6rld", "\xe2\x98\x83 snowman",
	"\xc3\xa4rger", "\xc3\x81\x82", "\xe3\x81\x82", "@", "`", "[", "{", "zzz", "ZzZ",
	"owner-with-a-long-shared-name-", "1", "2"
};
#define NREF_TEXT (sizeof ref_text / sizeof ref_text[0])

/* Scopes whose comma joins collide ("a,b" alone joins like "a" then "b"). */
static const char *const ref_scope[] = {
	"", "a", "b", "a,b", "sql", "sql:read", "sql,read", "authentication",
	"unity-catalog-with-a-long-name", "unity-catalog-with-a-long-name-2", "\xc3\xa9"
};
#define NREF_SCOPE (sizeof ref_scope / sizeof ref_scope[0])

static uint64_t ref_seed = 0x2545f4914f6cdd1dull;

static size_t
ref_rand(size_t n)
{
	ref_seed ^= ref_seed << 13;
	ref_seed ^= ref_seed >> 7;
	ref_seed ^= ref_seed << 17;
	return (size_t)(ref_seed % n);
}

/* NULL (one time in eight) or one or two pieces of ref_text joined. */
static char *
ref_string(void)
{
	char buf[128];

	if (ref_rand(8) == 0)
		return NULL;
	snprintf(buf, sizeof buf, "%s%s", ref_text[ref_rand(NREF_TEXT)],
	    ref_rand(2) ? ref_text[ref_rand(NREF_TEXT)] : "");
	return strdup(buf);
}

/* Ids: often sharing their first 16 bytes or more, sometimes repeated;
 * some 64 hex digits (kept raw), some not (kept as text). */
static void
ref_id(struct token_table *tab, struct token_info *t)
{
	static const char *const pre[] = {
		"", "0123456789abcdef", "0123456789abcdef0123",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab",
	};
	char id[TOKEN_ID_LEN + 1];
	size_t k = ref_rand(4);

	if (tab->n > 1 && ref_rand(10) == 0) {
		set_id(tab, t, token_id_hex(&tab->rows[ref_rand(tab->n - 1)], id));
		return;
	}
	snprintf(id, sizeof id, k == 3 ? "%s%04zx" : "%s%zx", pre[k], ref_rand(5000));
	set_id(tab, t, id);
}

static void
ref_row(struct token_table *tab, struct token_info *t)
{
	const char *v[4];
	size_t i, n = ref_rand(4);
	char *s;

	ref_id(tab, t);
	s = ref_string();
	set_text(tab, t, TOKEN_TEXT_COMMENT, s);
	free(s);
	s = ref_string();
	set_text(tab, t, TOKEN_TEXT_OWNER, s);
	free(s);
	t->creation_time = (int64_t)ref_rand(50);
	t->expiry_time = (int64_t)ref_rand(50) - 1;
	t->last_used_day = (int64_t)ref_rand(50);
	for (i = 0; i < n; i++)
		v[i] = ref_scope[ref_rand(NREF_SCOPE)];
	assert_int_equal(token_set_list(tab, t, TOKEN_LIST_SCOPES, v, NULL, n), 0);
}

/* The plain comparators, written from token.h's contract. */
static const struct token_table *ref_tab;
static enum token_sort_key ref_key;
static int ref_sign;

static int
ref_casecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)(a != NULL ? a : "");
	const unsigned char *q = (const unsigned char *)(b != NULL ? b : "");
	int x, y;

	do {
		x = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
		y = *q >= 'A' && *q <= 'Z' ? *q + 32 : *q;
		p++;
		q++;
	} while (x == y && x != 0);
	return x - y;
}

static void
ref_join(const struct token_info *t, char *out, size_t n)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < token_nscopes(t); i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%s", i > 0 ? "," : "",
			 token_scope(t, i));
}

static int
ref_scopecmp(const struct token_info *a, const struct token_info *b)
{
	char x[256], y[256];

	ref_join(a, x, sizeof x);
	ref_join(b, y, sizeof y);
	return strcmp(x, y);
}

static int
ref_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int64_t
ref_expiry(const struct token_info *t)
{
	return t->expiry_time > 0 ? t->expiry_time : INT64_MAX;
}

/* The 90-day clock, spelt out: the newer of the two last uses, else the
 * creation, plus 90 days; 0 when neither is known. */
static int64_t
ref_revoke_at(const struct token_info *t)
{
	int64_t from = t->last_used_day;

	if (t->last_accessed_time > from)
		from = t->last_accessed_time;
	if (from <= 0)
		from = t->creation_time;
	return from > 0 ? from + 90 * DAY : 0;
}

static int
ref_keycmp(const struct token_info *a, const struct token_info *b)
{
	switch (ref_key) {
	case TOKEN_SORT_COMMENT:
		return ref_casecmp(token_comment(a), token_comment(b));
	case TOKEN_SORT_CREATED:
		return ref_i64(a->creation_time, b->creation_time);
	case TOKEN_SORT_EXPIRES:
		return ref_i64(ref_expiry(a), ref_expiry(b));
	case TOKEN_SORT_LAST_USED:
		return ref_i64(token_last_used(a), token_last_used(b));
	case TOKEN_SORT_SCOPES:
		return ref_scopecmp(a, b);
	case TOKEN_SORT_OWNER:
		return strcmp(token_owner(a), token_owner(b));
	case TOKEN_SORT_AUTO_REVOKE:
		return ref_i64(ref_revoke_at(a), ref_revoke_at(b));
	default:
		return 0;
	}
}

/* Key, then token_id, then index; all reversed when descending. */
static int
ref_cmp(const void *pa, const void *pb)
{
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct token_info *a = &ref_tab->rows[ia], *b = &ref_tab->rows[ib];
	char a_id[TOKEN_ID_LEN + 1], b_id[TOKEN_ID_LEN + 1];
	int r;

	if ((r = ref_keycmp(a, b)) == 0)
		r = strcmp(token_id_hex(a, a_id), token_id_hex(b, b_id));
	if (r == 0)
		r = (ia > ib) - (ia < ib);
	return ref_sign * r;
}

/* token_sort of want[0..m) agrees with qsort and the plain comparators, for
 * every key in both directions. Leaves want sorted by the last key. */
static void
check_reference(const struct token_table *tab, size_t *want, size_t m)
{
	size_t *idx = calloc(m, sizeof *idx);
	int k, d;

	assert_non_null(idx);
	ref_tab = tab;
	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		for (d = 0; d < 2; d++) {
			print_message("reference %zu %s%s\n", m, token_sort_name(k), d ? " desc" : "");
			memcpy(idx, want, m * sizeof *idx);
			token_sort(tab, idx, m, (enum token_sort_key)k, d);
			ref_key = (enum token_sort_key)k;
			ref_sign = d ? -1 : 1;
			qsort(want, m, sizeof *want, ref_cmp);
			assert_memory_equal(idx, want, m * sizeof *idx);
		}
	}
	free(idx);
}

/* 23,000 random rows, sorted through shuffled subsets: 2500 rows (few
 * distinct strings, so text keys are ranked), 40 (mostly distinct) and
 * 20,000 (past TOKEN_SORT_TWO_FROM: halves sorted on two threads, where
 * there are two CPUs). */
static void
test_sort_reference(void **state)
{
	enum { N = 23000 };
	struct token_table tab = { 0 };
	size_t *want, i, j, x;

	(void)state;
	want = calloc(N, sizeof *want);
	assert_non_null(want);
	for (i = 0; i < N; i++) {
		struct token_info *t = token_table_push(&tab);
		assert_non_null(t);
		ref_row(&tab, t);
		want[i] = i;
	}
	for (i = N - 1; i > 0; i--) {
		j = ref_rand(i + 1);
		x = want[i];
		want[i] = want[j];
		want[j] = x;
	}
	check_reference(&tab, want, 2500);
	check_reference(&tab, want + 2500, 40);
	check_reference(&tab, want + 2540, 20000);
	token_table_free(&tab);
	free(want);
}

/* ---- flags ---- */

struct flag_case {
	const char *what;
	struct row_spec r;
	unsigned want;
};

#define F(e) TOKEN_FLAG(e)

static const struct flag_case flag_cases[] = {
	{ "used yesterday, 10 days", { "a1", "ci", "x", NOW - DAY, NOW + 10 * DAY, NOW - DAY, "sql", NULL }, 0 },
	{ "unused 30d exactly", { "a1", "ci", "x", NOW - 40 * DAY, NOW + 10 * DAY, NOW - 30 * DAY, "sql", NULL },
	  F(UNUSED_30D) },
	{ "unused 30d minus 1ms", { "a1", "ci", "x", NOW - 40 * DAY, NOW + 10 * DAY, NOW - 30 * DAY + 1, "sql", NULL },
	  0 },
	{ "unused 90d", { "a1", "ci", "x", NOW - 400 * DAY, NOW + 10 * DAY, NOW - 90 * DAY, "sql", NULL },
	  F(UNUSED_90D) | F(UNUSED_30D) },
	{ "never used, created 90d ago", { "a1", "ci", "x", NOW - 90 * DAY, NOW + 10 * DAY, 0, "sql", NULL },
	  F(UNUSED_90D) | F(UNUSED_30D) },
	{ "never used, created 89d ago", { "a1", "ci", "x", NOW - 89 * DAY, NOW + 10 * DAY, 0, "sql", NULL },
	  F(UNUSED_30D) | F(REVOKE_SOON) },
	{ "unused 76d: revoked in 14d exactly", { "a1", "ci", "x", NOW - 400 * DAY, NOW + 30 * DAY,
	  NOW - 76 * DAY, "sql", NULL }, F(UNUSED_30D) | F(REVOKE_SOON) },
	{ "unused 76d minus 1ms: in 14d and 1ms", { "a1", "ci", "x", NOW - 400 * DAY, NOW + 30 * DAY,
	  NOW - 76 * DAY + 1, "sql", NULL }, F(UNUSED_30D) },
	{ "unused 90d minus 1ms: revoked in 1ms", { "a1", "ci", "x", NOW - 400 * DAY, NOW + 30 * DAY,
	  NOW - 90 * DAY + 1, "sql", NULL }, F(UNUSED_30D) | F(REVOKE_SOON) },
	{ "unused 80d but expired: not revoke-soon", { "a1", "ci", "x", NOW - 400 * DAY, NOW - 1,
	  NOW - 80 * DAY, "sql", NULL }, F(UNUSED_30D) | F(EXPIRED) },
	{ "never expires", { "a1", "ci", "x", NOW - DAY, -1, NOW, "sql", NULL }, F(NEVER_EXPIRES) },
	{ "expiry 0", { "a1", "ci", "x", NOW - DAY, 0, NOW, "sql", NULL }, F(NEVER_EXPIRES) },
	{ "expiring in 7d", { "a1", "ci", "x", NOW - DAY, NOW + 7 * DAY, NOW, "sql", NULL }, F(EXPIRING) },
	{ "expiring in 7d+1ms", { "a1", "ci", "x", NOW - DAY, NOW + 7 * DAY + 1, NOW, "sql", NULL }, 0 },
	{ "expires now", { "a1", "ci", "x", NOW - DAY, NOW, NOW, "sql", NULL }, 0 },
	{ "expired", { "a1", "ci", "x", NOW - DAY, NOW - 1, NOW - DAY, "sql", NULL }, F(EXPIRED) },
	{ "privileged", { "a1", "ci", "x", NOW - DAY, NOW + DAY, NOW, "sql,authentication", NULL },
	  F(PRIVILEGED) | F(EXPIRING) },
	{ "privileged read", { "a1", "ci", "x", NOW - DAY, NOW + 8 * DAY, NOW, "authentication:read", NULL },
	  F(PRIVILEGED) },
	{ "not privileged", { "a1", "ci", "x", NOW - DAY, NOW + 8 * DAY, NOW, "authenticationx", NULL }, 0 },
	{ "no scopes, 30 days", { "a1", "ci", "x", NOW - DAY, NOW + 29 * DAY, NOW, NULL, NULL }, F(ALL_APIS) },
	{ "no scopes, 29 days", { "a1", "ci", "x", NOW - DAY, NOW + 28 * DAY, NOW, NULL, NULL }, 0 },
	{ "all-apis scope, never expires", { "a1", "ci", "x", NOW - DAY, -1, NOW, "all-apis", NULL },
	  F(ALL_APIS) | F(NEVER_EXPIRES) },
	{ "autoscope", { "a1", "ci", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", "AUTOSCOPE_STATE_RUNNING" },
	  F(AUTOSCOPE) | F(WILL_NARROW) },
	{ "autoscope done", { "a1", "ci", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", "AUTOSCOPE_STATE_COMPLETED" },
	  0 },
	{ "self", { "SELF00", "ci", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, F(SELF) },
	{ "no comment", { "a1", NULL, "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, F(STALE_COMMENT) },
	{ "blank comment", { "a1", "  ", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, F(STALE_COMMENT) },
	{ "Test comment", { "a1", "My Test token", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL },
	  F(STALE_COMMENT) },
	{ "test1", { "a1", "test1", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, F(STALE_COMMENT) },
	{ "do not delete", { "a1", "prod - DO NOT DELETE", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL },
	  F(STALE_COMMENT) },
	{ "latest is not stale", { "a1", "latest build", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, 0 },
	{ "testing is not stale", { "a1", "testing", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, 0 },
	{ "gold is not stale", { "a1", "gold", "x", NOW - DAY, NOW + 8 * DAY, NOW, "sql", NULL }, 0 },
};

/* The 90-day clock: which last use counts, the estimate for a token never
 * used, and the words. */
static void
test_revoke_clock(void **state)
{
	struct token_info t;
	char out[48];
	bool est = true;

	(void)state;
	memset(&t, 0, sizeof t);
	assert_int_equal(token_revoke_at(&t, &est), 0);
	token_revoke_format(&t, NOW, out, sizeof out);
	assert_string_equal(out, "-");

	t.creation_time = NOW - 45 * DAY;          /* never used: from creation */
	assert_int_equal(token_revoke_at(&t, &est), NOW + 45 * DAY);
	assert_true(est);
	token_revoke_format(&t, NOW, out, sizeof out);
	assert_string_equal(out, "in 45d (est.)");

	t.last_used_day = NOW - 80 * DAY;          /* a day of last use */
	assert_int_equal(token_revoke_at(&t, &est), NOW + 10 * DAY);
	assert_false(est);
	token_revoke_format(&t, NOW, out, sizeof out);
	assert_string_equal(out, "in 10d");
	token_revoke_format(&t, NOW + 10 * DAY - 1, out, sizeof out);
	assert_string_equal(out, "in <1d");
	token_revoke_format(&t, NOW + 10 * DAY, out, sizeof out);
	assert_string_equal(out, "due");
	token_revoke_format(&t, NOW + DAY / 2, out, sizeof out);
	assert_string_equal(out, "in 9d");        /* whole days left */

	t.last_accessed_time = NOW - 85 * DAY;     /* older than the day: the day counts */
	assert_int_equal(token_revoke_at(&t, NULL), NOW + 10 * DAY);
	t.last_accessed_time = NOW - 2 * DAY;      /* newer: it counts */
	assert_int_equal(token_revoke_at(&t, &est), NOW + 88 * DAY);
	assert_false(est);
	t.creation_time = 0;                       /* creation does not matter once used */
	assert_int_equal(token_revoke_at(&t, NULL), NOW + 88 * DAY);
}

/* revoke-soon's window comes from the context (patrol's config). */
static void
test_flag_revoke_window(void **state)
{
	struct token_ctx ctx = { .now_ms = NOW };
	struct token_table tab = { 0 };
	const struct row_spec r = { "a1", "ci", "x", NOW - 100 * DAY, NOW + 60 * DAY, NOW - 60 * DAY,
				    "sql", NULL };   /* revoked in 30 days */
	struct token_info *t;

	(void)state;
	t = add_row(&tab, &r);
	assert_int_equal(token_flags(t, &ctx) & F(REVOKE_SOON), 0);
	ctx.revoke_soon_ms = 30 * DAY;
	assert_int_equal(token_flags(t, &ctx) & F(REVOKE_SOON), F(REVOKE_SOON));
	ctx.revoke_soon_ms = 30 * DAY - 1;
	assert_int_equal(token_flags(t, &ctx) & F(REVOKE_SOON), 0);
	token_table_free(&tab);
}

static void
test_flags(void **state)
{
	struct token_ctx ctx = { .now_ms = NOW, .self_id = "self00" };
	struct token_table tab = { 0 };
	struct token_info *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof flag_cases / sizeof flag_cases[0]; i++) {
		t = add_row(&tab, &flag_cases[i].r);
		print_message("flags: %s\n", flag_cases[i].what);
		assert_int_equal(token_flags(t, &ctx), flag_cases[i].want);
	}
	token_table_free(&tab);
}

static void
test_flag_max_lifetime(void **state)
{
	struct token_ctx ctx = { .now_ms = NOW, .max_lifetime_ms = 90 * DAY };
	struct token_table tab = { 0 };
	struct token_info t = { .creation_time = NOW - DAY, .expiry_time = NOW + 89 * DAY,
				.last_used_day = NOW };
	static const char *const pats[] = { "ci" };

	(void)state;
	set_text(&tab, &t, TOKEN_TEXT_COMMENT, "ci");
	assert_int_equal(token_flags(&t, &ctx), F(ALL_APIS));
	t.expiry_time++;
	assert_int_equal(token_flags(&t, &ctx), F(ALL_APIS) | F(OVER_MAX_LIFETIME));
	t.expiry_time = -1;
	assert_int_equal(token_flags(&t, &ctx),
	    F(ALL_APIS) | F(OVER_MAX_LIFETIME) | F(NEVER_EXPIRES));
	ctx.max_lifetime_ms = 0;
	assert_int_equal(token_flags(&t, &ctx), F(ALL_APIS) | F(NEVER_EXPIRES));
	ctx.stale_patterns = pats;
	ctx.nstale = 1;
	assert_int_equal(token_flags(&t, &ctx), F(ALL_APIS) | F(NEVER_EXPIRES) | F(STALE_COMMENT));
	token_table_free(&tab);
}

static void
test_flag_names(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(token_flag_parse("never-expires"), TOKEN_FLAG_BIT_NEVER_EXPIRES);
	assert_int_equal(token_flag_parse("SELF"), TOKEN_FLAG_BIT_SELF);
	assert_int_equal(token_flag_parse("nope"), -1);
	assert_int_equal(token_flag_parse(NULL), -1);
	assert_string_equal(token_flag_name(TOKEN_FLAG_BIT_UNUSED_90D), "unused-90d");
	assert_string_equal(token_flag_legend(TOKEN_FLAG_BIT_EXPIRED), "already expired");
	token_flags_format(F(NEVER_EXPIRES) | F(PRIVILEGED), buf, sizeof buf);
	assert_string_equal(buf, "never-expires,privileged");
	token_flags_format(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	token_flags_format(F(NEVER_EXPIRES) | F(PRIVILEGED), buf, 20);
	assert_string_equal(buf, "never-expires");
}

/* ---- filter ---- */

/* Ids of the sample rows that expr matches, e.g. "aaaa1111 cccc4444". */
static void
check_filter(const char *expr, const char *expect)
{
	struct token_table tab;
	struct token_filter *f = NULL;
	struct patrol_err err;
	size_t idx[NSAMPLE], n, i;
	char got[256] = "";

	build(&tab, sample, NSAMPLE);
	status_clear(&err);
	print_message("filter '%s'\n", expr != NULL ? expr : "(null)");
	assert_int_equal(token_filter_compile(expr, &f, &err), PATROL_OK);
	assert_non_null(f);
	n = token_filter_apply(f, &tab, &ctx0, idx);
	for (i = 0; i < n; i++) {
		strcat(got, i > 0 ? " " : "");
		strcat(got, id_of(&tab.rows[idx[i]]));
	}
	assert_string_equal(got, expect);
	token_filter_free(f);
	token_table_free(&tab);
}

static void
test_filter_words(void **state)
{
	static const char *const c[][2] = {
		{ NULL, "aaaa1111 bbbb2222 aaaa3333 cccc4444 dddd5555" },
		{ "", "aaaa1111 bbbb2222 aaaa3333 cccc4444 dddd5555" },
		{ "   ", "aaaa1111 bbbb2222 aaaa3333 cccc4444 dddd5555" },
		{ "ci", "aaaa1111 cccc4444" },
		{ "CI", "aaaa1111" },
		{ "Ci", "" },
		{ "!ci", "bbbb2222 aaaa3333 dddd5555" },
		{ "alice", "aaaa1111 aaaa3333" },
		{ "alice etl", "aaaa3333" },
		{ "alice !etl", "aaaa1111" },
		{ "3333", "aaaa3333" },
		{ "read", "dddd5555" },
		{ "\"ci pipe\"", "aaaa1111" },
		{ "\"ci  pipe\"", "" },
		{ "!\"ci pipe\"", "bbbb2222 aaaa3333 cccc4444 dddd5555" },
		{ "\"sql:read\"", "dddd5555" },
		{ "\"ci pipe", "aaaa1111" },
		{ "\"\" ci", "aaaa1111 cccc4444" },
		{ "example.com", "aaaa1111 bbbb2222 aaaa3333 cccc4444" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		check_filter(c[i][0], c[i][1]);
}

static void
test_filter_fields(void **state)
{
	static const char *const c[][2] = {
		{ "owner:alice", "aaaa1111 aaaa3333" },
		{ "owner:ALICE", "" },
		{ "!owner:alice", "bbbb2222 cccc4444 dddd5555" },
		{ "comment:ci", "aaaa1111 cccc4444" },
		{ "comment:alice", "" },
		{ "Comment:nightly", "aaaa3333" },
		{ "comment:\"ci deploy\"", "cccc4444" },
		{ "scope:sql", "aaaa1111 dddd5555" },
		{ "scope:sql:read", "dddd5555" },
		{ "scope:none", "bbbb2222" },
		{ "!scope:none", "aaaa1111 aaaa3333 cccc4444 dddd5555" },
		{ "scope:authentication", "aaaa3333" },
		{ "id:aaaa", "aaaa1111 aaaa3333" },
		{ "id:AAAA", "aaaa1111 aaaa3333" },
		{ "flag:never-expires", "bbbb2222 dddd5555" },
		{ "flag:expired", "aaaa3333" },
		{ "flag:autoscope", "aaaa3333" },
		{ "flag:stale-comment", "bbbb2222 dddd5555" },
		{ "!flag:never-expires owner:alice", "aaaa1111 aaaa3333" },
		{ "expires:<7d", "aaaa1111 aaaa3333" },
		{ "expires:<0d", "aaaa3333" },
		{ "expires:>30d", "bbbb2222 cccc4444 dddd5555" },
		{ "expires:never", "bbbb2222 dddd5555" },
		{ "unused:>90d", "bbbb2222 aaaa3333" },
		{ "unused:<7d", "aaaa1111" },
		{ "unused:>30d !unused:>90d", "cccc4444" },
		{ "created:<30d", "aaaa1111 cccc4444" },
		{ "created:>1y", "bbbb2222" },
		{ "created:>12w created:<1y", "aaaa3333" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		check_filter(c[i][0], c[i][1]);
}

static void
test_filter_errors(void **state)
{
	static const char *const c[][2] = {
		{ "foo:bar", "unknown field \"foo\" in \"foo:bar\" (fields: owner comment scope id flag expires unused created workspace)" },
		{ "ci !sql:read", "unknown field \"sql\" in \"!sql:read\" (fields: owner comment scope id flag expires unused created workspace)" },
		{ "expires:<7x", "bad age \"7x\" in \"expires:<7x\" (use h d w mo y)" },
		{ "unused:>", "bad age \"\" in \"unused:>\" (use h d w mo y)" },
		{ "expires:7d", "bad comparison \"expires:7d\" (use expires:<7d or expires:>7d or expires:never)" },
		{ "created:never", "bad comparison \"created:never\" (use created:<7d or created:>7d)" },
		{ "owner:", "empty value in \"owner:\"" },
		{ "flag:bogus", "unknown flag \"bogus\" in \"flag:bogus\" (flags: unused-90d unused-30d never-expires over-max-lifetime expiring expired privileged all-apis autoscope autoscope-soon will-narrow uncoverable stale-comment self revoke-soon)" },
	};
	struct token_filter *f;
	struct patrol_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		f = (struct token_filter *)&err;
		status_clear(&err);
		assert_int_equal(token_filter_compile(c[i][0], &f, &err), PATROL_USAGE);
		assert_null(f);
		assert_int_equal(err.status, PATROL_USAGE);
		assert_string_equal(err.message, c[i][1]);
	}
}

/* The flags a filter tests: what the CLI reads the workspace maximum for. */
static void
test_filter_flags(void **state)
{
	struct token_filter *f = NULL;
	struct patrol_err err;

	(void)state;
	assert_int_equal(token_filter_flags(NULL), 0);
	assert_int_equal(token_filter_compile("ci owner:bob", &f, &err), PATROL_OK);
	assert_int_equal(token_filter_flags(f), 0);
	token_filter_free(f);
	assert_int_equal(token_filter_compile("!flag:over-max-lifetime flag:privileged", &f, &err),
			 PATROL_OK);
	assert_int_equal(token_filter_flags(f),
			 TOKEN_FLAG(OVER_MAX_LIFETIME) | TOKEN_FLAG(PRIVILEGED));
	token_filter_free(f);
}

static void
test_filter_match_direct(void **state)
{
	struct token_filter *f;
	struct patrol_err err;
	struct token_table tab = { 0 };
	struct token_info t = { .creation_time = 1 };

	(void)state;
	set_id(&tab, &t, "x");
	assert_true(token_filter_match(NULL, &t, 0, &ctx0));
	assert_int_equal(token_filter_compile("flag:self", &f, &err), PATROL_OK);
	assert_false(token_filter_match(f, &t, 0, &ctx0));
	assert_true(token_filter_match(f, &t, F(SELF), &ctx0));
	token_filter_free(f);
	token_filter_free(NULL);
	token_table_free(&tab);
}

/* workspace:NAME: the whole name of the row's workspace, from the context. */
static void
test_filter_workspace(void **state)
{
	static const char *const names[] = { "prod", "prod-eu" };
	struct token_ctx ctx = ctx0;
	struct token_filter *f;
	struct patrol_err err;
	struct token_table tab = { 0 };
	struct token_info t = { .creation_time = 1 };

	(void)state;
	set_id(&tab, &t, "x");
	assert_int_equal(token_filter_compile("workspace:prod", &f, &err), PATROL_OK);
	assert_false(token_filter_match(f, &t, 0, &ctx));      /* no names: nothing */
	ctx.workspaces = names;
	ctx.nworkspaces = 2;
	assert_true(token_filter_match(f, &t, 0, &ctx));
	t.workspace = 1;
	assert_false(token_filter_match(f, &t, 0, &ctx));      /* not a substring */
	t.workspace = 2;
	assert_false(token_filter_match(f, &t, 0, &ctx));      /* out of range */
	token_filter_free(f);
	assert_int_equal(token_filter_compile("workspace:prod-eu", &f, &err), PATROL_OK);
	t.workspace = 1;
	assert_true(token_filter_match(f, &t, 0, &ctx));
	token_filter_free(f);
	token_table_free(&tab);
}

/* ---- quota ---- */

static void
test_quota(void **state)
{
	static const struct row_spec rows[] = {
		{ "01", "a", "zed", NOW - DAY, NOW + DAY, 0, NULL, NULL },
		{ "02", "a", "zed", NOW - DAY, -1, 0, NULL, NULL },
		{ "03", "a", "amy", NOW - DAY, NOW + 30 * DAY, 0, NULL, NULL },
		{ "04", "a", "amy", NOW - DAY, NOW - 1, 0, NULL, NULL },
		{ "05", "a", "bob", NOW - DAY, NOW + 2 * DAY, 0, NULL, NULL },
		{ "06", "a", NULL, NOW - DAY, NOW - 5, 0, NULL, NULL },
		{ "07", "a", "zed", NOW - DAY, NOW - 5, 0, NULL, NULL },
	};
	struct token_table tab, empty = { 0 };
	struct token_owner_count *c;
	size_t n;

	(void)state;
	build(&tab, rows, 7);
	assert_int_equal(token_active_count(&tab, NOW), 4);
	assert_int_equal(token_expiring_count(&tab, NOW), 2);
	n = token_quota_by_owner(&tab, NOW, &c);
	assert_int_equal(n, 4);
	assert_string_equal(c[0].owner, "zed");
	assert_int_equal(c[0].active, 2);
	assert_int_equal(c[0].expiring, 1);
	assert_int_equal(c[0].total, 3);
	assert_string_equal(c[1].owner, "amy");
	assert_int_equal(c[1].active, 1);
	assert_int_equal(c[1].expiring, 0);
	assert_int_equal(c[1].total, 2);
	assert_string_equal(c[2].owner, "bob");
	assert_int_equal(c[2].expiring, 1);
	assert_string_equal(c[3].owner, "");
	assert_int_equal(c[3].active, 0);
	assert_int_equal(c[3].total, 1);
	free(c);
	token_table_free(&tab);
	assert_int_equal(token_quota_by_owner(&empty, NOW, &c), 0);
	assert_null(c);
}

/* token_id_key orders as token_id_cmp: raw ids (64 hex digits) and text
 * ids, short, long, mixed case, against each other; equal ids, equal keys. */
static void
test_id_key(void **state)
{
	static const char *const ids[] = {
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdee",
		"01234567", "0123456", "012345679", "0123456789abcdeg", "Z", "a", "9",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0000000", "abcdefghx", "ABCDEFGHY", "abc-def_01",
	};
	struct token_table tab;
	size_t i, j, n = sizeof ids / sizeof ids[0];
	int c;

	(void)state;
	memset(&tab, 0, sizeof tab);
	for (i = 0; i < n; i++)
		set_id(&tab, token_table_push(&tab), ids[i]);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			const struct token_info *a = &tab.rows[i], *b = &tab.rows[j];
			uint64_t ka = token_id_key(a), kb = token_id_key(b);

			c = token_id_cmp(a, b);
			if (ka < kb)
				assert_true(c < 0);
			else if (ka > kb)
				assert_true(c > 0);
			if (c == 0)
				assert_true(ka == kb);
		}
	}
	/* the first eight characters, big-endian, case folded: ids that
	 * differ after them have equal keys */
	assert_true(token_id_key(&tab.rows[1]) == 0x3031323334353637ull);
	assert_true(token_id_key(&tab.rows[13]) == token_id_key(&tab.rows[14]));
	assert_true(token_id_cmp(&tab.rows[13], &tab.rows[14]) < 0);
	assert_true(token_id_key(&tab.rows[4]) == 0x3031323334353600ull);
	token_table_free(&tab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_id_key),
		cmocka_unit_test(test_text_len),
		cmocka_unit_test(test_absorb),
		cmocka_unit_test(test_last_used),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_sort_names),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_sort_many),
		cmocka_unit_test(test_sort_reference),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_revoke_clock),
		cmocka_unit_test(test_flag_revoke_window),
		cmocka_unit_test(test_flag_max_lifetime),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_filter_words),
		cmocka_unit_test(test_filter_fields),
		cmocka_unit_test(test_filter_errors),
		cmocka_unit_test(test_filter_workspace),
		cmocka_unit_test(test_filter_flags),
		cmocka_unit_test(test_filter_match_direct),
		cmocka_unit_test(test_quota),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
