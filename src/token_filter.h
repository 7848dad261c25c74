/*
 * token_filter.h: the filter language over token rows (tui.md), for the
 * view's / and --filter.
 *
 * Compiled once, matched without allocating: the UI runs it on every
 * keystroke over up to 100,000 rows.
 */
#ifndef PATROL_TOKEN_FILTER_H
#define PATROL_TOKEN_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "token.h"

/* Terms separated by spaces, all must match (AND):
 *   word           substring of comment, owner, id or a scope; smart case
 *                  (case-insensitive unless the word has an upper-case letter)
 *   !term          negates any term
 *   "two words"    quoted words keep spaces
 *   owner:V comment:V scope:V id:V   substring in that field (scope: any scope;
 *                  scope:none matches tokens with no scopes)
 *   flag:NAME      an audit flag is set (token_flag_parse names)
 *   expires:<7d expires:>30d expires:never   time until expiry (expired rows
 *                  count as negative, so they match <)
 *   unused:>90d unused:<7d   time since last use (creation when never used)
 *   created:<30d created:>1y age
 *   workspace:NAME the row's workspace (profile) is NAME, with several
 *                  workspaces (token_ctx.workspaces)
 * Ages take duration_parse_age_ms units: h d w mo y. */
struct token_filter;
/* Compile expr (NULL or blank matches everything). On error returns
 * PATROL_USAGE with err->message saying which term and why. */
enum patrol_status token_filter_compile(const char *expr, struct token_filter **out,
					struct patrol_err *err);
/* True when row t passes. flags are token_flags(t, ctx) (precomputed by the
 * caller so the filter does no date arithmetic twice). */
bool token_filter_match(const struct token_filter *f, const struct token_info *t,
			unsigned flags, const struct token_ctx *ctx);
void token_filter_free(struct token_filter *f);
/* The flags (TOKEN_FLAG bits) the filter's terms test; 0 for NULL. */
unsigned token_filter_flags(const struct token_filter *f);
/* Fill idx with the indexes of matching rows, in table order; returns how many. */
size_t token_filter_apply(const struct token_filter *f, const struct token_table *tab,
			  const struct token_ctx *ctx, size_t *idx);

#endif
