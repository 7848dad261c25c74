/*
 * test_ui_state.c: the model behind the interactive view (ui/ui_state.c),
 * linked without curses: with ui_columns.c and ui_util.c, it is all the
 * model needs.
 *
 * A table swapped in keeps each row's tags and staging by token id and the
 * cursor on its token, whatever order the new list comes in; a filter that
 * does not compile keeps the one committed; the shown rows follow the sort
 * key both ways; revoked rows leave in one compaction, which asks for the
 * owners view to be rebuilt when it is open (a reaction bit, not a call);
 * the counts the status line shows count what they say; the chosen
 * columns and the sort are remembered for the profile and come back in
 * the next run; auto-refresh waits for its interval.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "ui_internal.h"

#define UNUSED __attribute__((unused))
#define NOW 1767225600000LL          /* 2026-01-01 */
#define DAY 86400000LL

static char state_dir[] = "/tmp/patrol-ui-state.XXXXXX";
static char self_token[] = "dapi-the-token-patrol-uses";
static char host[] = "https://workspace.example";
static struct config cfg;
static struct ui_opts opts;
static struct ui u;

/* A row with token id id, comment, created i days ago. */
static void
row_id(struct token_table *t, unsigned i, const char *id, const char *comment)
{
	struct token_info *r = token_table_push(t);

	assert_non_null(r);
	assert_int_equal(token_set_id(t, r, id, strlen(id)), 0);
	assert_int_equal(token_set_text(t, r, TOKEN_TEXT_COMMENT, comment, strlen(comment)), 0);
	r->creation_time = NOW - (int64_t)i * DAY;
	r->expiry_time = NOW + 30 * DAY;
}

/* A row: id i (64 hex digits), comment, created i days ago. */
static void
row(struct token_table *t, unsigned i, const char *comment)
{
	char id[TOKEN_ID_LEN + 1];

	snprintf(id, sizeof id, "%064x", i);
	row_id(t, i, id, comment);
}

/* The text id of the row shown at position k. */
static const char *
shown_id(size_t k)
{
	static char id[TOKEN_ID_LEN + 1];

	return token_id_hex(&u.ws->tab.rows[u.ws->shown[k]], id);
}

/* A table (malloc'd: ui_state_swap takes it over) of the ids in order. */
static struct token_table *
table(const unsigned *ids, size_t n)
{
	static const char *const comments[] = { "alpha", "bravo", "charlie", "delta", "echo",
		"foxtrot", "golf" };
	struct token_table *t = calloc(1, sizeof *t);
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		row(t, ids[i], comments[ids[i] % 7]);
	return t;
}

static const char *
id_of(unsigned i)
{
	static char id[TOKEN_ID_LEN + 1];

	snprintf(id, sizeof id, "%064x", i);
	return id;
}

static unsigned char
mark_of(unsigned i)
{
	long r = ui_state_row_of(&u, id_of(i), false);

	assert_true(r >= 0);
	return u.ws->marks[r];
}

static int
setup(void **state UNUSED)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.host = host;
	cfg.auth = AUTH_PAT;
	cfg.token = self_token;
	memset(&opts, 0, sizeof opts);
	opts.cfg = &cfg;
	opts.profile_label = "test";
	memset(&u, 0, sizeof u);
	u.opts = &opts;
	ui_state_init(&u);
	return 0;
}

static int
teardown(void **state UNUSED)
{
	ui_state_free(&u);
	return 0;
}

/* Tags and staging follow the token id into a new list, whatever its
 * order; a row that left takes its marks with it. The cursor stays on
 * its token. */
static void
test_swap_keeps_marks(void **state UNUSED)
{
	static const unsigned first[] = { 1, 2, 3, 4, 5 }, second[] = { 6, 4, 2, 5, 3 };
	char cur[TOKEN_ID_LEN + 1];

	ui_state_swap(&u, table(first, 5));
	assert_int_equal(u.ws->tab.n, 5);
	assert_int_equal(u.ws->nshown, 5);
	u.ws->marks[ui_state_row_of(&u, id_of(3), false)] |= UI_MARK_TAGGED;
	u.ws->marks[ui_state_row_of(&u, id_of(4), false)] |= UI_MARK_STAGED;
	u.ws->marks[ui_state_row_of(&u, id_of(1), false)] |= UI_MARK_TAGGED;
	while (strcmp(ui_state_current_id(&u, cur), id_of(5)) != 0)
		u.cursor++;
	ui_state_swap(&u, table(second, 5));
	assert_int_equal(u.ws->tab.n, 5);
	assert_int_equal(mark_of(3), UI_MARK_TAGGED);
	assert_int_equal(mark_of(4), UI_MARK_STAGED);
	assert_int_equal(mark_of(6), 0);
	assert_int_equal(ui_state_row_of(&u, id_of(1), true), -1);
	assert_int_equal(ui_state_count(&u, UI_MARK_TAGGED), 1);
	assert_string_equal(ui_state_current_id(&u, cur), id_of(5));
}

/* A table of ids[i] in workspace wss[i] (a merged table of several). */
static struct token_table *
table_ws(const unsigned *ids, const unsigned short *wss, size_t n)
{
	struct token_table *t = table(ids, n);
	size_t i;

	for (i = 0; i < n; i++)
		t->rows[i].workspace = wss[i];
	return t;
}

/* The row of id i in workspace ws. */
static long
row_in(unsigned i, unsigned short ws)
{
	struct ui_rowkey k;

	snprintf(k.id, sizeof k.id, "%s", id_of(i));
	k.ws = ws;
	return ui_state_row_key(&u, &k, false);
}

/* Two workspaces may hold one id: a tag, staging and the cursor follow a
 * row by workspace and id together, never to its twin in the other. */
static void
test_swap_keys_by_workspace(void **state UNUSED)
{
	static const unsigned ids[] = { 1, 2, 1, 2 }, again[] = { 2, 1, 2, 1 };
	static const unsigned short wss[] = { 0, 0, 1, 1 }, wss_again[] = { 1, 1, 0, 0 };
	const struct token_info *t;

	ui_state_swap(&u, table_ws(ids, wss, 4));
	assert_int_equal(u.ws->tab.rows[row_in(1, 1)].workspace, 1);
	assert_true(row_in(1, 0) != row_in(1, 1));
	u.ws->marks[row_in(1, 1)] |= UI_MARK_TAGGED;
	u.ws->marks[row_in(2, 0)] |= UI_MARK_STAGED;
	for (u.cursor = 0; (t = ui_state_current(&u)) != NULL; u.cursor++)
		if (t->workspace == 1 && token_id_cmp_text(t, id_of(2), false) == 0)
			break;
	ui_state_swap(&u, table_ws(again, wss_again, 4));
	assert_int_equal(u.ws->marks[row_in(1, 1)], UI_MARK_TAGGED);
	assert_int_equal(u.ws->marks[row_in(1, 0)], 0);
	assert_int_equal(u.ws->marks[row_in(2, 0)], UI_MARK_STAGED);
	assert_int_equal(u.ws->marks[row_in(2, 1)], 0);
	assert_int_equal(ui_state_count(&u, UI_MARK_TAGGED), 1);
	t = ui_state_current(&u);
	assert_non_null(t);
	assert_int_equal(t->workspace, 1);
	assert_int_equal(token_id_cmp_text(t, id_of(2), false), 0);
	u.ws->marks[row_in(1, 0)] = UI_MARK_GONE;     /* a compaction keeps the cursor too */
	ui_state_compact(&u);
	assert_int_equal(row_in(1, 0), -1);
	assert_true(row_in(1, 1) >= 0);
	t = ui_state_current(&u);
	assert_int_equal(t->workspace, 1);
	assert_int_equal(token_id_cmp_text(t, id_of(2), false), 0);
}

/* The token patrol uses is flagged self, from the workspace's own config. */
static void
test_self_flag(void **state UNUSED)
{
	struct token_table *t = calloc(1, sizeof *t);
	char id[SHA256_HEX_LEN + 1];
	long r;

	sha256_hex(self_token, strlen(self_token), id);
	assert_string_equal(u.ws->self_id, id);
	assert_non_null(t);
	row_id(t, 7, id, "mine");
	row(t, 8, "other");
	ui_state_swap(&u, t);
	r = ui_state_row_of(&u, id, false);
	assert_true(r >= 0);
	assert_true(u.ws->flags[r] & TOKEN_FLAG(SELF));
	assert_false(u.ws->flags[ui_state_row_of(&u, id_of(8), false)] & TOKEN_FLAG(SELF));
}

/* A filter that does not compile says why and keeps the committed one. */
static void
test_filter_fallback(void **state UNUSED)
{
	static const unsigned ids[] = { 1, 2, 3, 8, 9 };       /* 1 and 8: bravo */

	ui_state_swap(&u, table(ids, 5));
	assert_int_equal(ui_state_set_filter(&u, "comment:bravo", NULL), 0);
	ui_state_refilter(&u);
	assert_int_equal(u.ws->nshown, 2);
	assert_int_equal(ui_state_set_filter(&u, "owner:", "comment:bravo"), -1);
	ui_state_refilter(&u);
	assert_true(u.status_error);
	assert_memory_equal(u.status, "filter:", 7);
	assert_string_equal(u.filter_text, "comment:bravo");
	assert_int_equal(u.ws->nshown, 2);
	assert_int_equal(ui_state_set_filter(&u, "", NULL), 0);
	ui_state_refilter(&u);
	assert_int_equal(u.ws->nshown, 5);
	assert_false(u.status_error);
}

/* The shown rows follow the sort key, and its reverse. */
static void
test_sort(void **state UNUSED)
{
	static const unsigned ids[] = { 4, 2, 6, 1, 3 };
	static const char *const by_comment[] = { "bravo", "charlie", "delta", "echo", "golf" };
	size_t i;

	ui_state_swap(&u, table(ids, 5));
	u.sort = TOKEN_SORT_COMMENT;
	u.desc = false;
	ui_state_resort(&u);
	for (i = 0; i < 5; i++)
		assert_string_equal(token_comment(&u.ws->tab.rows[u.ws->shown[i]]), by_comment[i]);
	u.desc = true;
	ui_state_resort(&u);
	for (i = 0; i < 5; i++)
		assert_string_equal(token_comment(&u.ws->tab.rows[u.ws->shown[i]]), by_comment[4 - i]);
	u.sort = TOKEN_SORT_CREATED;           /* id i was made i days ago */
	u.desc = false;
	ui_state_resort(&u);
	assert_string_equal(shown_id(0), id_of(6));
	assert_string_equal(shown_id(4), id_of(1));
}

/* Revoked rows leave in one pass; an open owners view is to be rebuilt. */
static void
test_compact(void **state UNUSED)
{
	static const unsigned ids[] = { 1, 2, 3, 4, 5, 6 };

	ui_state_swap(&u, table(ids, 6));
	assert_int_equal(ui_state_compact(&u), UI_R_NONE);     /* nothing gone */
	u.ws->marks[ui_state_row_of(&u, id_of(2), false)] = UI_MARK_GONE;
	u.ws->marks[ui_state_row_of(&u, id_of(5), false)] = UI_MARK_GONE;
	u.ws->marks[ui_state_row_of(&u, id_of(6), false)] |= UI_MARK_TAGGED;
	assert_int_equal(ui_state_compact(&u), UI_R_NONE);     /* the table view */
	assert_int_equal(u.ws->tab.n, 4);
	assert_int_equal(u.ws->nshown, 4);
	assert_int_equal(ui_state_row_of(&u, id_of(2), true), -1);
	assert_int_equal(mark_of(6), UI_MARK_TAGGED);
	u.ws->marks[ui_state_row_of(&u, id_of(1), false)] = UI_MARK_GONE;
	u.mode = UI_MODE_OWNERS;
	assert_int_equal(ui_state_compact(&u), UI_R_LIST);
	assert_int_equal(u.ws->tab.n, 3);
	u.mode = UI_MODE_TABLE;
}

/* The status line's counts: tagged, staged and in flight, hidden. */
static void
test_counts(void **state UNUSED)
{
	static const unsigned ids[] = { 1, 2, 3, 8 };           /* 1 and 8: bravo */

	ui_state_swap(&u, table(ids, 4));
	u.ws->marks[ui_state_row_of(&u, id_of(1), false)] = UI_MARK_TAGGED;
	u.ws->marks[ui_state_row_of(&u, id_of(2), false)] = UI_MARK_STAGED | UI_MARK_BUSY;
	u.ws->marks[ui_state_row_of(&u, id_of(3), false)] = UI_MARK_STAGED;
	assert_int_equal(ui_state_count(&u, UI_MARK_STAGED), 2);
	assert_int_equal(ui_state_count(&u, UI_MARK_STAGED | UI_MARK_BUSY), 2);
	assert_int_equal(ui_state_count_both(&u), 1);
	assert_int_equal(ui_state_count_hidden(&u, UI_MARK_STAGED), 0);
	assert_int_equal(ui_state_set_filter(&u, "comment:bravo", NULL), 0);
	ui_state_refilter(&u);
	assert_int_equal(ui_state_count_hidden(&u, UI_MARK_STAGED), 2);
	assert_int_equal(ui_state_count_hidden(&u, UI_MARK_TAGGED), 0);
}

/* Columns by name, in the order given; a name that is none is refused. */
static void
test_columns(void **state UNUSED)
{
	char spec[128], why[160];

	assert_int_equal(ui_columns_set(&u, "id, comment,last-used", why, sizeof why), 0);
	ui_columns_spec(&u, spec, sizeof spec);
	assert_string_equal(spec, "id,comment,last-used");
	assert_int_equal(ui_columns_set(&u, "id,colour", why, sizeof why), -1);
	assert_non_null(strstr(why, "unknown column 'colour'"));
	ui_columns_spec(&u, spec, sizeof spec);
	assert_string_equal(spec, "id,comment,last-used");
	assert_int_equal(ui_columns_set(&u, "default", why, sizeof why), 0);
	ui_columns_spec(&u, spec, sizeof spec);
	assert_string_equal(spec, "comment,created,expires,flags,last-used,scopes,owner,id");
}

/* What the profile showed comes back in the next run. */
static void
test_remembered(void **state UNUSED)
{
	char spec[128], why[160];

	assert_int_equal(ui_columns_set(&u, "comment,id", why, sizeof why), 0);
	u.columns_chosen = true;
	u.sort = TOKEN_SORT_ID;
	u.desc = true;
	ui_state_save(&u);
	ui_state_free(&u);
	setup(NULL);
	ui_columns_spec(&u, spec, sizeof spec);
	assert_string_equal(spec, "comment,id");
	assert_int_equal(u.sort, TOKEN_SORT_ID);
	assert_true(u.desc);
	assert_true(u.columns_chosen);
}

/* Auto-refresh: none until asked; then due within its interval. */
static void
test_refresh_timer(void **state UNUSED)
{
	int wait;

	ui_state_refresh_every(&u, 0);
	assert_int_equal(ui_state_refresh_wait(&u), -1);
	assert_int_equal(ui_state_refresh_tick(&u), UI_R_NONE);
	ui_state_refresh_every(&u, 60000);
	wait = ui_state_refresh_wait(&u);
	assert_true(wait > 0 && wait <= 60000);
	assert_int_equal(ui_state_refresh_tick(&u), UI_R_NONE);  /* not due yet */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_swap_keeps_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_keys_by_workspace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_timer, setup, teardown),
	};
	char rm[64];
	int rc;

	if (mkdtemp(state_dir) == NULL)
		return 1;
	setenv("XDG_STATE_HOME", state_dir, 1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(rm, sizeof rm, "rm -rf '%s'", state_dir);
	if (system(rm) != 0)
		rc = 1;
	return rc;
}
