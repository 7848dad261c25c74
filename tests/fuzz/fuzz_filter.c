/*
 * fuzz_filter.c: the filter language (token_filter_compile) under a fuzzer.
 *
 * The input is taken as a filter expression. When it compiles, it is matched
 * against a few fixed rows that cover every field; when it does not, the
 * error message must be set. Either way nothing may crash or leak.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"
#include "token_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DAY 86400000LL
#define FUZZ_NOW 1767225600000LL

/* The rows, built once: every field, a raw id and text ids. */
struct fuzz_row {
	const char *id, *comment, *owner, *autoscope;
	int64_t created, expiry, last_used_day;
	const char *scopes[2];
	size_t nscopes;
};

static const struct fuzz_row fuzz_rows[] = {
	{ "aaaa1111", "CI pipeline", "alice@example.com", NULL,
	  FUZZ_NOW - 10 * FUZZ_DAY, FUZZ_NOW + 5 * FUZZ_DAY, FUZZ_NOW - FUZZ_DAY,
	  { "sql", "authentication" }, 2 },
	{ "bbbb2222", NULL, NULL, "AUTOSCOPE_STATE_RUNNING",
	  FUZZ_NOW - 400 * FUZZ_DAY, -1, 0, { NULL, NULL }, 0 },
	{ "cccc3333", "tmp \xe2\x9c\x93 do not delete", "", NULL,
	  0, FUZZ_NOW - 1, 0, { "all-apis", NULL }, 1 },
	{ "5684c955822ac792a51ae7b4d6e2f9e1c0d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3", "ci", "bob", NULL,
	  FUZZ_NOW - FUZZ_DAY, FUZZ_NOW + FUZZ_DAY, 0, { "sql", NULL }, 1 },
};
#define FUZZ_NROWS (sizeof fuzz_rows / sizeof fuzz_rows[0])

static struct token_table fuzz_tab;

static void
fuzz_build(void)
{
	const struct fuzz_row *r;
	struct token_info *t;
	int rc = 0;

	for (r = fuzz_rows; r < fuzz_rows + FUZZ_NROWS; r++) {
		if ((t = token_table_push(&fuzz_tab)) == NULL)
			abort();
		rc |= token_set_id(&fuzz_tab, t, r->id, strlen(r->id));
		rc |= token_set_text(&fuzz_tab, t, TOKEN_TEXT_COMMENT, r->comment,
				     r->comment ? strlen(r->comment) : 0);
		rc |= token_set_text(&fuzz_tab, t, TOKEN_TEXT_OWNER, r->owner,
				     r->owner ? strlen(r->owner) : 0);
		rc |= token_set_text(&fuzz_tab, t, TOKEN_TEXT_AUTOSCOPE, r->autoscope,
				     r->autoscope ? strlen(r->autoscope) : 0);
		rc |= token_set_list(&fuzz_tab, t, TOKEN_LIST_SCOPES, r->scopes, NULL, r->nscopes);
		t->creation_time = r->created;
		t->expiry_time = r->expiry;
		t->last_used_day = r->last_used_day;
	}
	if (rc != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_ctx ctx = { .now_ms = FUZZ_NOW, .self_id = "bbbb2222",
				 .max_lifetime_ms = 90 * FUZZ_DAY };
	struct token_table *tab = &fuzz_tab;
	struct token_filter *f;
	struct patrol_err err;
	size_t idx[FUZZ_NROWS], i;
	char *expr;

	if (tab->n == 0)
		fuzz_build();
	if ((expr = malloc(size + 1)) == NULL)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	status_clear(&err);
	if (token_filter_compile(expr, &f, &err) == PATROL_OK) {
		if (token_filter_apply(f, tab, &ctx, idx) > FUZZ_NROWS)
			abort();
		for (i = 0; i < tab->n; i++)
			(void)token_filter_match(f, &tab->rows[i], token_flags(&tab->rows[i], &ctx),
						 &ctx);
		token_filter_free(f);
	} else if (f != NULL || err.message[0] == '\0')
		abort();
	free(expr);
	return 0;
}
