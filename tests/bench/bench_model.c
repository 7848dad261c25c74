/*
 * bench_model.c: how fast the token model sorts and filters 100,000 rows.
 *
 * Builds a deterministic synthetic table (fixed seed), then times token_sort
 * by every key in both directions and token_filter_apply for a few typical
 * expressions, each over RUNS runs, and prints the median; last, the sort by
 * comment again once every row has its own comment; then a revocation plan
 * of every row (bulk_add, each id twice, then the re-plan against the
 * table with a filter). A figure, not a
 * test: it never fails on speed. The UI budget is one frame (16 ms). Times
 * are the thread's CPU time, so a busy machine disturbs them less.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_time.h"
#include "bulk.h"
#include "duration.h"
#include "token.h"
#include "token_filter.h"

#define BENCH_ROWS 100000
#define BENCH_RUNS 21
#define BENCH_NOW ((int64_t)1767225600000)   /* 2026-01-01 00:00Z */
#define BENCH_DAY ((int64_t)86400000)

static const char *const bench_comments[] = {
	"ci pipeline", "nightly ETL", "test job", "Terraform deploy", "tmp notebook",
	"dbt prod run", "airflow", "poc for vector search", "do not delete", "Looker BI",
	"old laptop", "GitHub Actions CI", "", "alerts bot", "mlflow registry sync"
};

static const char *const bench_scopes[] = {
	"sql", "jobs", "clusters", "authentication", "unity-catalog", "sql:read", "all-apis"
};

static const char *const bench_filters[] = {
	"ci", "CI", "owner:user0 !test", "expires:<7d", "unused:>90d flag:never-expires",
	"scope:authentication", "\"do not\" !owner:user1", "id:abcd"
};

static uint64_t bench_seed = 0x9e3779b97f4a7c15ull;

static uint64_t
bench_rand(void)
{
	bench_seed ^= bench_seed << 13;
	bench_seed ^= bench_seed >> 7;
	bench_seed ^= bench_seed << 17;
	return bench_seed;
}

static void
bench_check(int rc)
{
	if (rc != 0) {
		fprintf(stderr, "bench_model: out of memory\n");
		exit(1);
	}
}

static void
bench_scopes_fill(struct token_table *tab, struct token_info *t)
{
	const char *v[4];
	size_t i, n = bench_rand() % 4;

	for (i = 0; i < n; i++)
		v[i] = bench_scopes[bench_rand() % 7];
	bench_check(token_set_list(tab, t, TOKEN_LIST_SCOPES, v, NULL, n));
}

static void
bench_row(struct token_table *tab, struct token_info *t, size_t i)
{
	char buf[TOKEN_ID_LEN + 1];
	size_t c = bench_rand() % (sizeof bench_comments / sizeof bench_comments[0]);

	snprintf(buf, sizeof buf, "%016llx%016llx%016llx%016llx",
	    (unsigned long long)bench_rand(), (unsigned long long)bench_rand(),
	    (unsigned long long)bench_rand(), (unsigned long long)i);
	bench_check(token_set_id(tab, t, buf, strlen(buf)));
	snprintf(buf, sizeof buf, "%s %zu", bench_comments[c], i % 97);
	bench_check(token_set_text(tab, t, TOKEN_TEXT_COMMENT, buf, strlen(buf)));
	snprintf(buf, sizeof buf, "user%llu@example.com", (unsigned long long)(bench_rand() % 500));
	bench_check(token_set_text(tab, t, TOKEN_TEXT_OWNER, buf, strlen(buf)));
	t->management = true;
	t->creation_time = BENCH_NOW - (int64_t)(bench_rand() % 700) * BENCH_DAY;
	t->expiry_time = bench_rand() % 5 == 0 ? -1 :
	    BENCH_NOW + ((int64_t)(bench_rand() % 400) - 100) * BENCH_DAY;
	t->last_used_day = bench_rand() % 4 == 0 ? 0 :
	    BENCH_NOW - (int64_t)(bench_rand() % 200) * BENCH_DAY;
	bench_scopes_fill(tab, t);
}

/* Give every row its own comment, all sharing their first 31 bytes: the
 * case where ranking distinct strings gains nothing. */
static void
bench_distinct_comments(struct token_table *tab)
{
	char buf[64];
	size_t i;

	for (i = 0; i < tab->n; i++) {
		snprintf(buf, sizeof buf, "Terraform deploy for workspace %06llu",
		    (unsigned long long)(bench_rand() % 1000000));
		bench_check(token_set_text(tab, &tab->rows[i], TOKEN_TEXT_COMMENT, buf, strlen(buf)));
	}
}

static double
bench_median(double *v)
{
	return bench_median_of(v, BENCH_RUNS);
}

/* Median time of sorting a fresh (table-order) index by key. */
static double
bench_sort(const struct token_table *tab, size_t *idx, enum token_sort_key key, bool desc)
{
	double v[BENCH_RUNS], t0;
	size_t i, r;

	for (r = 0; r < BENCH_RUNS; r++) {
		for (i = 0; i < tab->n; i++)
			idx[i] = i;
		t0 = bench_now_ms();
		token_sort(tab, idx, tab->n, key, desc);
		v[r] = bench_now_ms() - t0;
	}
	return bench_median(v);
}

static double
bench_filter(const struct token_table *tab, size_t *idx, const struct token_ctx *ctx,
    const char *expr, size_t *hits)
{
	struct token_filter *f;
	struct patrol_err err;
	double v[BENCH_RUNS], t0;
	size_t r;

	if (token_filter_compile(expr, &f, &err) != PATROL_OK) {
		fprintf(stderr, "bench_model: %s\n", err.message);
		exit(1);
	}
	for (r = 0; r < BENCH_RUNS; r++) {
		t0 = bench_now_ms();
		*hits = token_filter_apply(f, tab, ctx, idx);
		v[r] = bench_now_ms() - t0;
	}
	token_filter_free(f);
	return bench_median(v);
}

/* Median time of planning every row of tab for revocation: bulk_add of
 * each id (and each again: the duplicate check), then bulk_replan against
 * tab with a filter (the new-match count). */
static double
bench_plan(const struct token_table *tab, const struct token_ctx *ctx)
{
	struct token_filter *f;
	struct bulk_replan d;
	struct patrol_err err;
	struct bulk *b;
	double v[BENCH_RUNS], t0;
	char id[TOKEN_ID_LEN + 1];
	size_t i, r;

	if (token_filter_compile("!no-such-comment", &f, &err) != PATROL_OK)
		exit(1);
	for (r = 0; r < BENCH_RUNS; r++) {
		if ((b = bulk_new(true)) == NULL)
			exit(1);
		t0 = bench_now_ms();
		for (i = 0; i < 2 * tab->n; i++)
			if (bulk_add(b, token_id_hex(&tab->rows[i % tab->n], id), &tab->rows[i % tab->n], 0,
			    NULL, ctx->now_ms) < 0)
				exit(1);
		bulk_replan(b, tab, ctx, f, &d);
		v[r] = bench_now_ms() - t0;
		bulk_free(b);
	}
	token_filter_free(f);
	return bench_median(v);
}

int
main(void)
{
	struct token_table tab = { 0 };
	struct token_ctx ctx = { .now_ms = BENCH_NOW, .max_lifetime_ms = 90 * BENCH_DAY };
	struct token_info *t;
	size_t *idx, i, hits;
	int k;

	if ((idx = calloc(BENCH_ROWS, sizeof *idx)) == NULL)
		return 1;
	for (i = 0; i < BENCH_ROWS; i++) {
		if ((t = token_table_push(&tab)) == NULL)
			return 1;
		bench_row(&tab, t, i);
	}
	printf("rows: %d, runs: %d\n", BENCH_ROWS, BENCH_RUNS);
	printf("model: %zu bytes a row (%zu in the row, the rest its pool share)\n",
	    token_table_bytes(&tab) / tab.n, TOKEN_ROW_BYTES);
	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		printf("sort %s: median %.1f ms\n", token_sort_name(k),
		    bench_sort(&tab, idx, (enum token_sort_key)k, false));
		printf("sort %s desc: median %.1f ms\n", token_sort_name(k),
		    bench_sort(&tab, idx, (enum token_sort_key)k, true));
	}
	for (i = 0; i < sizeof bench_filters / sizeof bench_filters[0]; i++) {
		double ms = bench_filter(&tab, idx, &ctx, bench_filters[i], &hits);
		printf("filter \"%s\": median %.1f ms (%zu rows)\n", bench_filters[i], ms, hits);
	}
	printf("revocation plan of all %d rows (each id twice, then the re-plan): "
	    "median %.1f ms\n", BENCH_ROWS, bench_plan(&tab, &ctx));
	bench_distinct_comments(&tab);
	printf("sort comment, distinct comments sharing 31 bytes: median %.1f ms\n",
	    bench_sort(&tab, idx, TOKEN_SORT_COMMENT, false));
	token_table_free(&tab);
	free(idx);
	return 0;
}
