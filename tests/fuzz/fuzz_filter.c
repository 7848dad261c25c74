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

static char *fuzz_scopes_a[] = { (char *)"sql", (char *)"authentication" };
static char *fuzz_scopes_b[] = { (char *)"all-apis" };

static const struct token_info fuzz_rows[] = {
	{ .token_id = "aaaa1111", .comment = (char *)"CI pipeline",
	  .creation_time = FUZZ_NOW - 10 * FUZZ_DAY, .expiry_time = FUZZ_NOW + 5 * FUZZ_DAY,
	  .scopes = fuzz_scopes_a, .nscopes = 2,
	  .created_by_username = (char *)"alice@example.com", .last_used_day = FUZZ_NOW - FUZZ_DAY },
	{ .token_id = "bbbb2222", .creation_time = FUZZ_NOW - 400 * FUZZ_DAY, .expiry_time = -1,
	  .autoscope_state = (char *)"AUTOSCOPE_STATE_RUNNING" },
	{ .token_id = "cccc3333", .comment = (char *)"tmp \xe2\x9c\x93 do not delete",
	  .expiry_time = FUZZ_NOW - 1, .scopes = fuzz_scopes_b, .nscopes = 1,
	  .created_by_username = (char *)"" },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_ctx ctx = { .now_ms = FUZZ_NOW, .self_id = "bbbb2222",
				 .max_lifetime_ms = 90 * FUZZ_DAY };
	struct token_table tab = { .rows = (struct token_info *)fuzz_rows, .n = 3, .cap = 3 };
	struct token_filter *f;
	struct patrol_err err;
	size_t idx[3], i;
	char *expr;

	if ((expr = malloc(size + 1)) == NULL)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	status_clear(&err);
	if (token_filter_compile(expr, &f, &err) == PATROL_OK) {
		if (token_filter_apply(f, &tab, &ctx, idx) > 3)
			abort();
		for (i = 0; i < 3; i++)
			(void)token_filter_match(f, &fuzz_rows[i], token_flags(&fuzz_rows[i], &ctx), &ctx);
		token_filter_free(f);
	} else if (f != NULL || err.message[0] == '\0')
		abort();
	free(expr);
	return 0;
}
