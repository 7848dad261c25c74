/*
 * test_bulk.c: revocation plans (src/bulk.c) at the size of the largest
 * workspaces, and ids that are not ids.
 *
 * A plan of 200,000 ids, each added twice, then re-planned against a fresh
 * list with a filter: every duplicate is found, every vanished id is marked,
 * no new match is invented. The test runs under a CPU-time limit (not a
 * wall clock, so a busy machine does not matter): the quadratic plan this
 * replaced needed hundreds of CPU seconds for it (about 15 s for 40,000
 * ids); the limit is far above what the linear one needs even under the
 * thread sanitizer.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bulk.h"
#include "token.h"

#define BIG 200000
#define GONE 1000                /* rows missing from the fresh list */
#define CPU_LIMIT_S 120

static void
table_of(struct token_table *t, size_t n, size_t skip)
{
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = skip; i < n; i++) {
		struct token_info *r = token_table_push(t);
		assert_non_null(r);
		snprintf(id, sizeof id, "%064zx", i * 2654435761u);
		assert_int_equal(token_set_id(t, r, id, strlen(id)), 0);
		r->creation_time = 1700000000000LL;
		r->expiry_time = -1;
	}
}

static void
test_plan_large(void **state)
{
	struct rlimit cpu = { CPU_LIMIT_S, CPU_LIMIT_S + 5 };
	struct token_table all, fresh;
	struct token_ctx ctx = { .now_ms = 1767225600000LL };
	struct token_filter *f = NULL;
	struct patrol_err err;
	struct bulk_replan d;
	struct bulk b;
	char upper[TOKEN_ID_LEN + 1], id[TOKEN_ID_LEN + 1];
	size_t i, k;

	(void)state;
	assert_int_equal(setrlimit(RLIMIT_CPU, &cpu), 0);
	table_of(&all, BIG, 0);
	bulk_init(&b, true);
	for (i = 0; i < all.n; i++)
		assert_int_equal(bulk_add(&b, token_id_hex(&all.rows[i], id), &all.rows[i], 0, NULL,
		    ctx.now_ms), 0);
	for (i = 0; i < all.n; i++)      /* again, and in upper case: duplicates */
		assert_int_equal(bulk_add(&b, token_id_hex(&all.rows[i], id), NULL, 0, NULL,
		    ctx.now_ms), 1);
	for (i = 0; i < all.n; i += 997) {
		token_id_hex(&all.rows[i], id);
		for (k = 0; k <= TOKEN_ID_LEN; k++)
			upper[k] = (char)(id[k] >= 'a' ? id[k] - 32 : id[k]);
		assert_int_equal(bulk_add(&b, upper, NULL, 0, NULL, ctx.now_ms), 1);
	}
	assert_int_equal(b.n, BIG);
	assert_int_equal(bulk_pending(&b), BIG);

	table_of(&fresh, BIG, GONE);     /* the first GONE rows vanished */
	status_clear(&err);
	assert_int_equal(token_filter_compile("!no-such-comment", &f, &err), PATROL_OK);
	bulk_replan(&b, &fresh, &ctx, f, &d);
	assert_int_equal(d.vanished, GONE);
	assert_int_equal(d.used_since, 0);
	assert_int_equal(d.new_matches, 0);
	assert_int_equal(bulk_pending(&b), BIG - GONE);
	assert_int_equal(b.v[0].result, JOURNAL_GONE);
	assert_int_equal(b.v[GONE].result, JOURNAL_PENDING);
	token_filter_free(f);
	token_table_free(&fresh);
	token_table_free(&all);
	bulk_free(&b);
}

/* "." and ".." (and anything else that is not a plain id) never become a
 * revoke: libcurl would collapse …/tokens/.. to the collection. */
static void
test_not_an_id(void **state)
{
	static const char *const bad[] = { ".", "..", "a/b", "%2e%2e", "a b", "",
		"0123456789012345678901234567890123456789012345678901234567890123x" };
	struct bulk b;
	size_t i;

	(void)state;
	bulk_init(&b, true);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bulk_add(&b, bad[i], NULL, 0, NULL, 0), 0);
		assert_int_equal(b.v[b.n - 1].result, JOURNAL_SKIPPED);
		assert_non_null(strstr(b.v[b.n - 1].err.message, "not a token id"));
	}
	assert_int_equal(bulk_add(&b, "aaaa", NULL, 0, NULL, 0), 0);
	assert_int_equal(bulk_pending(&b), 1);
	assert_int_equal(b.counts[JOURNAL_SKIPPED], sizeof bad / sizeof bad[0]);
	assert_false(token_id_valid(".."));
	assert_true(token_id_valid("0123abcdEF-_"));
	bulk_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_large),
		cmocka_unit_test(test_not_an_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
