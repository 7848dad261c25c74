/*
 * token.h: the in-memory model: token rows, sort keys, audit flags and
 * quota counts (the filter language is token_filter.h).
 *
 * Pure functions over arrays, no I/O, no allocation on the hot paths (sort,
 * filter): the UI runs them on every keystroke over up to 100,000 rows.
 * Times are ms since the epoch. Strings are raw server strings: sanitize()
 * them before output.
 */
#ifndef PATROL_TOKEN_H
#define PATROL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define TOKEN_QUOTA 600           /* non-expired tokens per user per workspace */
#define TOKEN_ID_LEN 64
#define TOKEN_SHORT_ID_LEN 10     /* shown in tables; prefixes resolve to full ids */
#define TOKEN_PREFIX_MIN 4        /* the shortest id prefix token_find resolves */

/* One token as the Token API (PublicTokenInfo) or Token Management API
 * (TokenInfo) describes it. Absent numbers are 0, absent strings NULL. */
struct token_info {
	char token_id[TOKEN_ID_LEN + 1];   /* token_id_valid (api.c skips others) */
	char *comment;
	int64_t creation_time;
	int64_t expiry_time;               /* -1 (or 0): never expires */
	char **scopes;
	size_t nscopes;
	char *autoscope_state;             /* "AUTOSCOPE_STATE_RUNNING", … */
	char **inferred_scopes;
	size_t ninferred;
	char **backfill_scopes;
	size_t nbackfill;
	int64_t last_accessed_time;        /* Token API, newer servers */
	/* Token Management only */
	bool management;                   /* parsed from a TokenInfo */
	int64_t created_by_id;
	char *created_by_username;
	int64_t owner_id;
	int64_t last_used_day;             /* ms, accurate to one day */
	int64_t workspace_id;
};

struct token_table {
	struct token_info *rows;
	size_t n;
	size_t cap;
	/* what the list parser (api.c) left out, for a warning */
	size_t malformed;                  /* elements skipped: not a token object */
	size_t repeated;                   /* rows whose id came earlier: kept once */
	char malformed_why[160];           /* why the first was skipped */
};

/* Free the members of t (not t itself). */
void token_info_free(struct token_info *t);
/* Deep copy src into dst. Returns 0 or -1 on out of memory (dst zeroed). */
int token_info_copy(struct token_info *dst, const struct token_info *src);
/* Append a zeroed row and return it, or NULL on out of memory. */
struct token_info *token_table_push(struct token_table *tab);
/* Free all rows and the array; leaves an empty table. */
void token_table_free(struct token_table *tab);
/* What the list parser left out, as one line for a face ("the list had 2
 * malformed entries, skipped (token_infos[4]: …); 1 id listed twice, shown
 * once"), raw (sanitize it). Returns false, out "", when nothing was. */
bool token_table_note(const struct token_table *tab, char *out, size_t n);

/* True when expiry_time > 0 and now_ms > expiry_time. */
bool token_is_expired(const struct token_info *t, int64_t now_ms);
/* True when it has no expiry time. */
bool token_never_expires(const struct token_info *t);
/* Time since last use, or since creation when never used; -1 if unknown. */
int64_t token_idle_ms(const struct token_info *t, int64_t now_ms);
/* ASCII lower case, independent of the locale. */
unsigned char token_fold(unsigned char c);
/* Last use in ms: last_accessed_time, else last_used_day, else 0 (unknown).
 * The one definition of "last use": the flags, the sort, the plan's "used
 * lately" and "used since the plan", and every face's words read it. */
int64_t token_last_used(const struct token_info *t);
/* Whether only the day of the last use is known (token management's
 * last_used_day): say the day, not a time. */
bool token_last_used_day_only(const struct token_info *t);
/* Owner name for display: created_by_username, or "" when unknown. */
const char *token_owner(const struct token_info *t);
/* Index of the row whose id equals id, or starts with it (a prefix of at
 * least TOKEN_PREFIX_MIN hex characters). Returns the index, -1 when none, -2 when the
 * prefix is ambiguous. */
long token_find(const struct token_table *tab, const char *id);
/* True when id can be a token id: 1..TOKEN_ID_LEN letters, digits, '-' or
 * '_' (the API's are 64 hex characters). Only such an id is put into a URL:
 * it is one plain path segment, never "." or "..", no '/', '%' or '?'. */
bool token_id_valid(const char *id);
/* Row indexes of tab sorted by id (ASCII case ignored), for many lookups in
 * O(log n) each. malloc'd; NULL on out of memory. */
size_t *token_index_by_id(const struct token_table *tab);
/* token_find over the index from token_index_by_id; with exact, prefixes
 * do not count (-1). */
long token_find_indexed(const struct token_table *tab, const size_t *byid, const char *id,
			bool exact);

/* ---- words: one word per fact, for the view, the tables, show and CSV ---
 * (JSON keeps the API's values). */
#define TOKEN_WORD_NEVER       "never"          /* never used, never expires */
#define TOKEN_WORD_FULL_ACCESS "(full access)"  /* no scopes: every API */
/* The scopes as "sql,jobs", or TOKEN_WORD_FULL_ACCESS when there are none. */
void token_scopes_format(const struct token_info *t, char *out, size_t n);
/* When it expires relative to now: "in 12d", "expired", TOKEN_WORD_NEVER;
 * with date, the day too: "in 12d (2026-05-01)", "expired (2026-04-01)". */
void token_expires_format(const struct token_info *t, int64_t now_ms, bool date, char *out,
			  size_t n);
/* The last use relative to now: "5m ago" when the time is known, "today" or
 * "3d ago" when only the day is (token management: last_used_day), or
 * TOKEN_WORD_NEVER. */
void token_last_used_format(const struct token_info *t, int64_t now_ms, char *out, size_t n);

/* ---- sort keys -------------------------------------------------------- */
/*        enum        name          header      */
#define TOKEN_SORT_KEYS(_) \
	_(COMMENT,   "comment",   "COMMENT")   \
	_(CREATED,   "created",   "CREATED")   \
	_(EXPIRES,   "expires",   "EXPIRES")   \
	_(LAST_USED, "last-used", "LAST USED") \
	_(SCOPES,    "scopes",    "SCOPES")    \
	_(OWNER,     "owner",     "OWNER")     \
	_(ID,        "id",        "ID")

#define TOKEN_SORT_ENUM(e, name, header) TOKEN_SORT_##e,
enum token_sort_key { TOKEN_SORT_KEYS(TOKEN_SORT_ENUM) TOKEN_SORT_COUNT };
#undef TOKEN_SORT_ENUM

const char *token_sort_name(enum token_sort_key k);
const char *token_sort_header(enum token_sort_key k);
/* Parse "expires", "expires:desc", "expires:asc" (also "last_used",
 * "lastused", case-insensitive). Returns 0 or -1. */
int token_sort_parse(const char *s, enum token_sort_key *key, bool *desc);
/* Sort idx[0..n) (indexes into tab->rows) by key; ties break by token_id so
 * the order is total and stable across refreshes. Never-expiring tokens sort
 * after every dated one in ascending expiry; unknown last use sorts first. */
void token_sort(const struct token_table *tab, size_t *idx, size_t n,
		enum token_sort_key key, bool desc);

/* ---- audit flags ------------------------------------------------------ */
/*        enum              name                  legend */
#define TOKEN_FLAGS(_) \
	_(UNUSED_90D,        "unused-90d",        "not used for 90 days or more (Databricks revokes these)") \
	_(UNUSED_30D,        "unused-30d",        "not used for 30 days or more") \
	_(NEVER_EXPIRES,     "never-expires",     "has no expiry time") \
	_(OVER_MAX_LIFETIME, "over-max-lifetime", "lifetime beyond the workspace maximum") \
	_(EXPIRING,          "expiring",          "expires within 7 days") \
	_(EXPIRED,           "expired",           "already expired") \
	_(PRIVILEGED,        "privileged",        "has the authentication scope (can mint tokens)") \
	_(ALL_APIS,          "all-apis",          "no scopes (full access) on a token living 30 days or more") \
	_(AUTOSCOPE,         "autoscope",         "auto-scoping is running") \
	_(STALE_COMMENT,     "stale-comment",     "comment empty or like test/tmp/old/poc/do not delete") \
	_(SELF,              "self",              "the token this session authenticates with")

#define TOKEN_FLAG_ENUM(e, name, legend) TOKEN_FLAG_BIT_##e,
enum token_flag_bit { TOKEN_FLAGS(TOKEN_FLAG_ENUM) TOKEN_FLAG_COUNT };
#undef TOKEN_FLAG_ENUM
#define TOKEN_FLAG(e) (1u << TOKEN_FLAG_BIT_##e)

/* What flags depend on besides the row. */
struct token_ctx {
	int64_t now_ms;
	const char *self_id;               /* id of the token in use, or NULL */
	int64_t max_lifetime_ms;           /* workspace maximum, 0 when unknown */
	const char *const *stale_patterns; /* lower-case substrings; NULL: the defaults */
	size_t nstale;
};

const char *token_flag_name(enum token_flag_bit b);
const char *token_flag_legend(enum token_flag_bit b);
/* Bit for a flag name, or -1. */
int token_flag_parse(const char *name);
/* Flags of one row. */
unsigned token_flags(const struct token_info *t, const struct token_ctx *ctx);
/* The flags of t among those in mask (only what a filter tests is computed). */
unsigned token_flags_masked(const struct token_info *t, const struct token_ctx *ctx,
			    unsigned mask);
/* Comma-separated names of the set flags into out ("never-expires,privileged"). */
void token_flags_format(unsigned flags, char *out, size_t n);

/* ---- quota ------------------------------------------------------------ */
struct token_owner_count {
	const char *owner;       /* points into the table (created_by_username, or "" ) */
	size_t active;           /* non-expired */
	size_t expiring;         /* of those, expiring within 7 days */
	size_t total;            /* rows in the table for this owner */
};
/* Non-expired rows in tab. */
size_t token_active_count(const struct token_table *tab, int64_t now_ms);
/* Non-expired rows expiring within 7 days. */
size_t token_expiring_count(const struct token_table *tab, int64_t now_ms);
/* Per-owner counts, most active first (ties by name). *out is malloc'd
 * (free it; the owner strings stay owned by tab). Returns the number of
 * owners, or (size_t)-1 on out of memory. */
size_t token_quota_by_owner(const struct token_table *tab, int64_t now_ms,
			    struct token_owner_count **out);

#endif
