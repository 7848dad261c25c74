/*
 * test_autoscope.c: the auto-scoping model (src/autoscope.c) and the rows'
 * view of it (token_autoscope_* and the flags autoscope-soon, will-narrow,
 * uncoverable in src/token.c): state words, the enforcement date and its
 * 7-day window to the millisecond, access now and after, pin sets.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope.h"
#include "token.h"

#define DAY 86400000LL
#define NOW 1767225600000LL      /* 2026-01-01T00:00:00Z */

#define RUNNING "AUTOSCOPE_STATE_RUNNING"

/* ---- states ---- */

static void
test_state_words(void **state)
{
	static const struct { const char *wire; const char *words; } cases[] = {
		{ NULL, "-" }, { "", "-" },
		{ "AUTOSCOPE_STATE_RUNNING", "observing" },
		{ "AUTOSCOPE_STATE_COMPLETED", "narrowed" },
		{ "AUTOSCOPE_STATE_BACKFILLED", "from history" },
		{ "AUTOSCOPE_STATE_DISABLED", "off" },
		{ "AUTOSCOPE_STATE_USER_SELECTED", "set by hand" },
		{ "AUTOSCOPE_STATE_API_NOT_COVERED", "not coverable" },
		{ "AUTOSCOPE_STATE_PAUSED", "AUTOSCOPE_STATE_PAUSED" },   /* unknown: as sent */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(autoscope_state_words(cases[i].wire), cases[i].words);
	assert_int_equal(autoscope_state_parse("AUTOSCOPE_STATE_PAUSED"), AUTOSCOPE_OTHER);
	assert_int_equal(autoscope_state_parse(RUNNING), AUTOSCOPE_RUNNING);
	assert_int_equal(autoscope_state_parse(NULL), AUTOSCOPE_NONE);
}

/* ---- the enforcement date ---- */

/* Observation start + 30 days, for an observed token only. */
static void
test_enforce_date(void **state)
{
	enum autoscope_state s;

	(void)state;
	assert_int_equal(autoscope_enforce_ms(AUTOSCOPE_RUNNING, NOW), NOW + 30 * DAY);
	assert_int_equal(autoscope_enforce_ms(AUTOSCOPE_RUNNING, 0), 0);
	for (s = AUTOSCOPE_NONE; s < AUTOSCOPE_STATE_COUNT; s++)
		if (s != AUTOSCOPE_RUNNING)
			assert_int_equal(autoscope_enforce_ms(s, NOW), 0);
}

/* Within 7 days, to the millisecond; a date passed and not yet applied
 * is soon too; no date never is. */
static void
test_enforce_soon(void **state)
{
	(void)state;
	assert_true(autoscope_soon(NOW + 7 * DAY, NOW));
	assert_false(autoscope_soon(NOW + 7 * DAY + 1, NOW));
	assert_true(autoscope_soon(NOW + 1, NOW));
	assert_true(autoscope_soon(NOW - 3 * DAY, NOW));
	assert_false(autoscope_soon(0, NOW));
}

/* ---- scope sets ---- */

static void
test_access_grants(void **state)
{
	static const char *const some[] = { "sql", "jobs:read" };
	static const char *const all[] = { "jobs", "all-apis" };
	struct autoscope_access a;

	(void)state;
	autoscope_access_now(NULL, 0, &a);
	assert_true(a.full);
	assert_true(autoscope_grants(&a, "anything"));
	autoscope_access_now(all, 2, &a);
	assert_true(a.full);
	autoscope_access_now(some, 2, &a);
	assert_false(a.full);
	assert_true(autoscope_grants(&a, "sql"));
	assert_true(autoscope_grants(&a, "sql:read"));      /* the whole of sql covers reads */
	assert_true(autoscope_grants(&a, "jobs:read"));
	assert_false(autoscope_grants(&a, "jobs"));         /* reads do not cover writes */
	assert_false(autoscope_grants(&a, "sqlx:read"));
	assert_false(autoscope_grants(&a, "clusters"));
}

/* After enforcement an observed token has what was inferred: nothing when
 * nothing was; every other state keeps what it has. */
static void
test_access_after(void **state)
{
	static const char *const inferred[] = { "jobs", "clusters" };
	static const char *const declared[] = { "sql" };
	struct autoscope_access now, after;
	char buf[64];

	(void)state;
	autoscope_access_now(NULL, 0, &now);
	autoscope_access_after(AUTOSCOPE_RUNNING, NULL, 0, inferred, 2, &after);
	assert_false(after.full);
	assert_true(autoscope_loses(&now, &after));
	autoscope_access_format(&after, buf, sizeof buf);
	assert_string_equal(buf, "jobs,clusters");

	autoscope_access_after(AUTOSCOPE_RUNNING, NULL, 0, NULL, 0, &after);
	assert_false(after.full);
	autoscope_access_format(&after, buf, sizeof buf);
	assert_string_equal(buf, "(nothing)");

	autoscope_access_after(AUTOSCOPE_API_NOT_COVERED, NULL, 0, inferred, 2, &after);
	assert_true(after.full);
	assert_false(autoscope_loses(&now, &after));
	autoscope_access_format(&after, buf, sizeof buf);
	assert_string_equal(buf, "(full access)");

	autoscope_access_now(declared, 1, &now);
	autoscope_access_after(AUTOSCOPE_COMPLETED, declared, 1, inferred, 2, &after);
	assert_false(autoscope_loses(&now, &after));
}

/* Losing access: full to limited, or a declared scope not inferred; the
 * same or more is no loss. */
static void
test_loses(void **state)
{
	static const char *const sql[] = { "sql" };
	static const char *const sql_read[] = { "sql:read" };
	static const char *const sql_jobs[] = { "sql", "jobs" };
	static const char *const all[] = { "all-apis" };
	struct autoscope_access full = { true, NULL, 0 };
	struct autoscope_access a, b;

	(void)state;
	autoscope_access_now(sql, 1, &a);
	autoscope_access_now(sql_jobs, 2, &b);
	assert_false(autoscope_loses(&a, &b));
	assert_true(autoscope_loses(&b, &a));
	autoscope_access_now(sql_read, 1, &b);
	assert_true(autoscope_loses(&a, &b));     /* sql → sql:read loses writes */
	assert_false(autoscope_loses(&b, &a));
	assert_true(autoscope_loses(&full, &a));
	autoscope_access_now(all, 1, &b);
	assert_false(autoscope_loses(&full, &b));
}

/* inferred ∪ backfill ∪ add, each once and in that order; or exactly the
 * given scopes. */
static void
test_pin_scopes(void **state)
{
	static const char *const inferred[] = { "jobs", "sql" };
	static const char *const backfill[] = { "sql", "clusters" };
	static const char *const add[] = { "jobs", "files" };
	static const char *const exact[] = { "mlflow", "mlflow" };
	const char **v;
	size_t n;

	(void)state;
	n = autoscope_pin_scopes(inferred, 2, backfill, 2, add, 2, NULL, 0, false, &v);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "jobs");
	assert_string_equal(v[1], "sql");
	assert_string_equal(v[2], "clusters");
	assert_string_equal(v[3], "files");
	free(v);
	n = autoscope_pin_scopes(inferred, 2, backfill, 2, add, 2, exact, 2, true, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "mlflow");
	free(v);
	n = autoscope_pin_scopes(NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, &v);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_true(autoscope_has(inferred, 2, "sql"));
	assert_false(autoscope_has(inferred, 2, "sq"));
}

/* ---- rows: the flags and words of token.h ---- */

static struct token_info *
row(struct token_table *tab, const char *state, int64_t created, int64_t expiry,
    const char *scopes, const char *inferred)
{
	struct token_info *t = token_table_push(tab);
	const char *v[8];
	char buf[128], *tok, *save = NULL;
	size_t n;
	int which;

	assert_non_null(t);
	assert_int_equal(token_set_id(tab, t, "a1", 2), 0);
	if (state != NULL)
		assert_int_equal(token_set_text(tab, t, TOKEN_TEXT_AUTOSCOPE, state, strlen(state)), 0);
	t->creation_time = created;
	t->expiry_time = expiry;
	for (which = 0; which < 2; which++) {
		const char *list = which == 0 ? scopes : inferred;
		if (list == NULL)
			continue;
		snprintf(buf, sizeof buf, "%s", list);
		n = 0;
		for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
			v[n++] = tok;
		assert_int_equal(token_set_list(tab, t, which == 0 ? TOKEN_LIST_SCOPES :
		    TOKEN_LIST_INFERRED, v, NULL, n), 0);
	}
	return t;
}

#define AS_FLAGS (TOKEN_FLAG(AUTOSCOPE_SOON) | TOKEN_FLAG(WILL_NARROW) | TOKEN_FLAG(UNCOVERABLE))

struct as_case {
	const char *what;
	const char *state;
	int64_t created, expiry;
	const char *scopes, *inferred;
	unsigned want;
};

static const struct as_case as_cases[] = {
	{ "observed 23d: enforced in 7d", RUNNING, NOW - 23 * DAY, -1, NULL, "sql",
	  TOKEN_FLAG(AUTOSCOPE_SOON) | TOKEN_FLAG(WILL_NARROW) },
	{ "observed 23d less 1ms: 7d and 1ms", RUNNING, NOW - 23 * DAY + 1, -1, NULL, "sql",
	  TOKEN_FLAG(WILL_NARROW) },
	{ "observed 31d: due, not applied", RUNNING, NOW - 31 * DAY, -1, NULL, "sql",
	  TOKEN_FLAG(AUTOSCOPE_SOON) | TOKEN_FLAG(WILL_NARROW) },
	{ "inferred all-apis: no loss", RUNNING, NOW - 25 * DAY, -1, NULL, "all-apis",
	  TOKEN_FLAG(AUTOSCOPE_SOON) },
	{ "declared sql, inferred sql", RUNNING, NOW - 2 * DAY, -1, "sql", "sql,jobs", 0 },
	{ "declared sql,jobs, inferred sql", RUNNING, NOW - 2 * DAY, -1, "sql,jobs", "sql",
	  TOKEN_FLAG(WILL_NARROW) },
	{ "expired: nothing pending", RUNNING, NOW - 25 * DAY, NOW - 1, NULL, "sql", 0 },
	{ "narrowed", "AUTOSCOPE_STATE_COMPLETED", NOW - 40 * DAY, -1, "sql", "sql", 0 },
	{ "from history, full", "AUTOSCOPE_STATE_BACKFILLED", NOW - 40 * DAY, -1, NULL, NULL, 0 },
	{ "not coverable", "AUTOSCOPE_STATE_API_NOT_COVERED", NOW - 25 * DAY, -1, NULL, "sql",
	  TOKEN_FLAG(UNCOVERABLE) },
	{ "no state", NULL, NOW - 25 * DAY, -1, NULL, NULL, 0 },
};

static void
test_row_flags(void **state)
{
	struct token_ctx ctx = { .now_ms = NOW };
	struct token_table tab = { 0 };
	struct token_info *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof as_cases / sizeof as_cases[0]; i++) {
		const struct as_case *c = &as_cases[i];
		t = row(&tab, c->state, c->created, c->expiry, c->scopes, c->inferred);
		print_message("autoscope flags: %s\n", c->what);
		assert_int_equal(token_flags(t, &ctx) & AS_FLAGS, c->want);
	}
	token_table_free(&tab);
}

static void
test_row_words(void **state)
{
	struct token_table tab = { 0 };
	struct token_info *t;
	struct autoscope_access a;
	char buf[64];

	(void)state;
	t = row(&tab, RUNNING, NOW - 25 * DAY, -1, NULL, "jobs");
	assert_int_equal(token_autoscope_enforce_ms(t), NOW + 5 * DAY);
	token_autoscope_enforce_format(t, NOW, buf, sizeof buf);
	assert_string_equal(buf, "in 5d (2026-01-06 est.)");
	token_autoscope_enforce_format(t, NOW + 6 * DAY, buf, sizeof buf);
	assert_string_equal(buf, "due (2026-01-06 est.)");
	token_autoscope_after(t, &a);
	autoscope_access_format(&a, buf, sizeof buf);
	assert_string_equal(buf, "jobs");
	token_autoscope_now(t, &a);
	assert_true(a.full);
	t = row(&tab, "AUTOSCOPE_STATE_DISABLED", NOW - 25 * DAY, -1, NULL, NULL);
	token_autoscope_enforce_format(t, NOW, buf, sizeof buf);
	assert_string_equal(buf, "-");
	token_table_free(&tab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_enforce_date),
		cmocka_unit_test(test_enforce_soon),
		cmocka_unit_test(test_access_grants),
		cmocka_unit_test(test_access_after),
		cmocka_unit_test(test_loses),
		cmocka_unit_test(test_pin_scopes),
		cmocka_unit_test(test_row_flags),
		cmocka_unit_test(test_row_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
