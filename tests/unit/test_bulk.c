/*
 * test_bulk.c: revocation sessions (src/bulk.c): plans at the size of the
 * largest workspaces, ids that are not ids, a re-plan against a fresh
 * list, the self-token rule, what was never sent, and a resume from the
 * journal.
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
#include "journal.h"
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
	struct bulk *b = bulk_new(true);
	char upper[TOKEN_ID_LEN + 1], id[TOKEN_ID_LEN + 1];
	size_t i, k;

	(void)state;
	assert_int_equal(setrlimit(RLIMIT_CPU, &cpu), 0);
	table_of(&all, BIG, 0);
	assert_non_null(b);
	for (i = 0; i < all.n; i++)
		assert_int_equal(bulk_add(b, token_id_hex(&all.rows[i], id), &all.rows[i], 0, NULL,
		    ctx.now_ms), 0);
	for (i = 0; i < all.n; i++)      /* again, and in upper case: duplicates */
		assert_int_equal(bulk_add(b, token_id_hex(&all.rows[i], id), NULL, 0, NULL,
		    ctx.now_ms), 1);
	for (i = 0; i < all.n; i += 997) {
		token_id_hex(&all.rows[i], id);
		for (k = 0; k <= TOKEN_ID_LEN; k++)
			upper[k] = (char)(id[k] >= 'a' ? id[k] - 32 : id[k]);
		assert_int_equal(bulk_add(b, upper, NULL, 0, NULL, ctx.now_ms), 1);
	}
	assert_int_equal(bulk_count(b), BIG);
	assert_int_equal(bulk_pending(b), BIG);

	table_of(&fresh, BIG, GONE);     /* the first GONE rows vanished */
	status_clear(&err);
	assert_int_equal(token_filter_compile("!no-such-comment", &f, &err), PATROL_OK);
	bulk_replan(b, &fresh, &ctx, f, &d);
	assert_int_equal(d.vanished, GONE);
	assert_int_equal(d.used_since, 0);
	assert_int_equal(d.new_matches, 0);
	assert_int_equal(bulk_pending(b), BIG - GONE);
	assert_int_equal(bulk_item(b, 0)->result, JOURNAL_GONE);
	assert_int_equal(bulk_item(b, GONE)->result, JOURNAL_PENDING);
	token_filter_free(f);
	token_table_free(&fresh);
	token_table_free(&all);
	bulk_free(b);
}

/* "." and ".." (and anything else that is not a plain id) never become a
 * revoke: libcurl would collapse …/tokens/.. to the collection. */
static void
test_not_an_id(void **state)
{
	static const char *const bad[] = { ".", "..", "a/b", "%2e%2e", "a b", "",
		"0123456789012345678901234567890123456789012345678901234567890123x" };
	struct bulk *b = bulk_new(true);
	size_t i;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bulk_add(b, bad[i], NULL, 0, NULL, 0), 0);
		assert_int_equal(bulk_item(b, bulk_count(b) - 1)->result, JOURNAL_SKIPPED);
		assert_non_null(strstr(bulk_item(b, bulk_count(b) - 1)->err.message, "not a token id"));
	}
	assert_int_equal(bulk_add(b, "aaaa", NULL, 0, NULL, 0), 0);
	assert_int_equal(bulk_pending(b), 1);
	assert_int_equal(bulk_results(b, JOURNAL_SKIPPED), sizeof bad / sizeof bad[0]);
	assert_false(token_id_valid(".."));
	assert_true(token_id_valid("0123abcdEF-_"));
	bulk_free(b);
}

/* ---- small plans --------------------------------------------------------------- */

#define NOW 1767225600000LL
#define DAY 86400000LL

static const char *
small_id(unsigned i)
{
	static char id[TOKEN_ID_LEN + 1];

	snprintf(id, sizeof id, "%064x", i);
	return id;
}

/* Row i of a small list: id i, made 100 days ago, last used `used` days ago
 * (0: never). */
static struct token_info *
small_row(struct token_table *t, unsigned i, int used)
{
	struct token_info *r = token_table_push(t);

	assert_non_null(r);
	assert_int_equal(token_set_id(t, r, small_id(i), TOKEN_ID_LEN), 0);
	r->creation_time = NOW - 100 * DAY;
	r->expiry_time = -1;
	r->last_accessed_time = used > 0 ? NOW - used * DAY : 0;
	return r;
}


/* The item planned for id i. */
static const struct bulk_item *
item_of(const struct bulk *b, unsigned i)
{
	size_t k;

	for (k = 0; k < bulk_count(b); k++)
		if (strcmp(bulk_item(b, k)->t.id, small_id(i)) == 0)
			return bulk_item(b, k);
	fail_msg("no item for %u", i);
	return NULL;
}

/* Plan rows 1..n of t (t rows in order), the id self_id patrol uses. */
static struct bulk *
plan_of(const struct token_table *t, const char *self_id)
{
	struct bulk *b = bulk_new(false);
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	assert_non_null(b);
	for (i = 0; i < t->n; i++)
		assert_int_equal(bulk_add(b, token_id_hex(&t->rows[i], id), &t->rows[i], 0, self_id,
		    NOW), 0);
	return b;
}

/* Re-plan: an id no longer listed is already gone (never sent); a token
 * used since the plan is marked and counted; a hand-given id no list had
 * stays for the server to decide; the filter's new matches are counted,
 * not added. */
static void
test_replan(void **state)
{
	struct token_table t, fresh;
	struct token_ctx ctx = { .now_ms = NOW };
	struct token_filter *f = NULL;
	struct patrol_err err;
	struct bulk_replan d;
	struct bulk *b;

	(void)state;
	memset(&t, 0, sizeof t);
	small_row(&t, 1, 30);
	small_row(&t, 2, 30);
	small_row(&t, 3, 2);                 /* used lately */
	b = plan_of(&t, NULL);
	assert_int_equal(bulk_add(b, small_id(9), NULL, 0, NULL, NOW), 0);   /* by hand */
	assert_int_equal(bulk_count_recent(b), 1);
	memset(&fresh, 0, sizeof fresh);
	small_row(&fresh, 2, 1);             /* used since the plan */
	small_row(&fresh, 3, 2);
	small_row(&fresh, 4, 0);             /* new */
	status_clear(&err);
	assert_int_equal(token_filter_compile("id:0000", &f, &err), PATROL_OK);
	bulk_replan(b, &fresh, &ctx, f, &d);
	assert_int_equal(d.vanished, 1);
	assert_int_equal(d.used_since, 1);
	assert_int_equal(d.new_matches, 1);
	assert_int_equal(item_of(b, 1)->result, JOURNAL_GONE);
	assert_non_null(strstr(item_of(b, 1)->err.message, "gone before the revoke was sent"));
	assert_true(item_of(b, 2)->changed);
	assert_int_equal(item_of(b, 2)->t.last_used_ms, NOW - DAY);
	assert_false(item_of(b, 3)->changed);
	assert_int_equal(item_of(b, 9)->result, JOURNAL_PENDING);
	assert_int_equal(bulk_pending(b), 3);
	assert_int_equal(bulk_count_recent(b), 2);      /* 3 lately, 2 since */
	assert_int_equal(bulk_count(b), 4);             /* 4 was not added */
	token_filter_free(f);
	token_table_free(&fresh);
	token_table_free(&t);
	bulk_free(b);
}

/* The token patrol uses goes only with a confirmation of its own. */
static void
test_self_rule(void **state)
{
	struct token_table t;
	struct bulk *b;

	(void)state;
	memset(&t, 0, sizeof t);
	small_row(&t, 1, 30);
	small_row(&t, 2, 30);
	b = plan_of(&t, small_id(2));
	assert_true(item_of(b, 2)->self);
	assert_false(item_of(b, 1)->self);
	assert_int_equal(bulk_self_index(b), 1);
	bulk_guard_self(b, true);                    /* --include-self */
	assert_int_equal(item_of(b, 2)->result, JOURNAL_PENDING);
	bulk_keep_self(b);                           /* ...but not confirmed */
	assert_int_equal(item_of(b, 2)->result, JOURNAL_SKIPPED);
	assert_string_equal(item_of(b, 2)->err.message, "kept: its own confirmation was not given");
	assert_int_equal(bulk_self_index(b), -1);
	assert_int_equal(bulk_pending(b), 1);
	bulk_free(b);
	b = plan_of(&t, small_id(2));
	bulk_guard_self(b, false);                   /* no --include-self */
	assert_int_equal(item_of(b, 2)->result, JOURNAL_SKIPPED);
	assert_non_null(strstr(item_of(b, 2)->err.message, "needs its own confirmation"));
	assert_int_equal(bulk_results(b, JOURNAL_SKIPPED), 1);
	token_table_free(&t);
	bulk_free(b);
}

static void
count_each(const struct bulk_item *it, void *ctx)
{
	(void)it;
	(*(size_t *)ctx)++;
}

/* What was never sent is "not attempted", never failed; decided items stay. */
static void
test_unsent(void **state)
{
	struct bulk_progress p;
	struct token_table t;
	struct bulk *b;
	size_t seen = 0;

	(void)state;
	memset(&t, 0, sizeof t);
	small_row(&t, 1, 30);
	small_row(&t, 2, 30);
	small_row(&t, 3, 30);
	b = plan_of(&t, NULL);
	bulk_decide(b, 0, JOURNAL_GONE, PATROL_NOT_FOUND, "not in the list");
	assert_int_equal(bulk_mark_unsent(b, count_each, &seen), 2);
	assert_int_equal(seen, 2);
	assert_int_equal(item_of(b, 1)->result, JOURNAL_GONE);
	assert_int_equal(item_of(b, 3)->result, JOURNAL_NOT_ATTEMPTED);
	assert_int_equal(item_of(b, 3)->err.status, PATROL_CANCELLED);
	assert_string_equal(item_of(b, 3)->err.message, "not sent: the session was stopped");
	bulk_progress(b, 0, &p);
	assert_int_equal(p.not_attempted, 2);
	assert_int_equal(p.failed, 0);
	assert_int_equal(p.remaining, 0);
	assert_int_equal(bulk_mark_unsent(b, NULL, NULL), 0);    /* once */
	token_table_free(&t);
	bulk_free(b);
}

/* Resume from the journal: what was revoked stays done; an id whose intent
 * has no result and that is no longer listed was revoked (reconciled,
 * never sent again); a failure is tried again; a hand-given id stays for
 * the server. A session with an end record is not resumed by default. */
static void
test_resume(void **state)
{
	char dir[] = "/tmp/patrol-bulk-test.XXXXXX", path[256], rm[300];
	struct journal_session info;
	struct token_table t, fresh;
	struct patrol_err err;
	struct journal *j;
	struct bulk *b, *again;
	unsigned i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&t, 0, sizeof t);
	for (i = 1; i <= 5; i++)
		small_row(&t, i, 30);
	b = plan_of(&t, NULL);
	assert_int_equal(bulk_add(b, small_id(9), NULL, 0, NULL, NOW), 0);   /* by hand */
	status_clear(&err);
	assert_int_equal(bulk_journal_start(b, dir, "https://ws.example", "me", NULL, &err),
	    PATROL_OK);
	j = (struct journal *)bulk_journal(b);
	assert_int_equal(journal_intent(j, small_id(1)), PATROL_OK);
	assert_int_equal(journal_result(j, small_id(1), JOURNAL_REVOKED, NULL), PATROL_OK);
	assert_int_equal(journal_intent(j, small_id(2)), PATROL_OK);     /* answer lost */
	assert_int_equal(journal_intent(j, small_id(3)), PATROL_OK);
	status_set(&err, PATROL_SERVER, "boom");
	assert_int_equal(journal_result(j, small_id(3), JOURNAL_FAILED, &err), PATROL_OK);
	assert_int_equal(journal_sync(j), PATROL_OK);
	snprintf(path, sizeof path, "%s", journal_path(j));
	bulk_interrupt(b);                   /* a hang-up: no end record */
	bulk_end(b);
	bulk_free(b);

	memset(&fresh, 0, sizeof fresh);     /* 1 and 2 are gone now */
	for (i = 3; i <= 5; i++)
		small_row(&fresh, i, 30);
	memset(&info, 0, sizeof info);
	status_clear(&err);
	assert_int_equal(journal_load(path, &info, &err), PATROL_OK);
	again = bulk_new(false);
	assert_non_null(again);
	assert_int_equal(bulk_resume(again, &info, &fresh, false, &err), PATROL_OK);
	journal_session_free(&info);
	assert_int_equal(bulk_count(again), 6);
	assert_int_equal(item_of(again, 1)->result, JOURNAL_REVOKED);
	assert_true(item_of(again, 1)->earlier);
	assert_int_equal(item_of(again, 2)->result, JOURNAL_GONE);
	assert_non_null(strstr(item_of(again, 2)->err.message, "reconciled on resume"));
	assert_int_equal(item_of(again, 3)->result, JOURNAL_PENDING);   /* failed: again */
	assert_int_equal(item_of(again, 9)->result, JOURNAL_PENDING);   /* the server decides */
	assert_int_equal(bulk_planned_done(again), 2);
	assert_int_equal(bulk_pending(again), 4);
	bulk_end(again);                     /* an end record: "done" */
	bulk_free(again);

	memset(&info, 0, sizeof info);
	assert_int_equal(journal_load(path, &info, &err), PATROL_OK);
	again = bulk_new(false);
	assert_non_null(again);
	assert_int_equal(bulk_resume(again, &info, &fresh, false, &err), PATROL_CONFLICT);
	assert_non_null(strstr(err.message, "is finished"));
	journal_session_free(&info);
	bulk_free(again);
	token_table_free(&fresh);
	token_table_free(&t);
	snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_large),
		cmocka_unit_test(test_not_an_id),
		cmocka_unit_test(test_replan),
		cmocka_unit_test(test_self_rule),
		cmocka_unit_test(test_unsent),
		cmocka_unit_test(test_resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
