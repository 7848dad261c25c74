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

#include "autoscope.h"
#include "status.h"

#define TOKEN_QUOTA 600           /* non-expired tokens per user per workspace */
#define TOKEN_LIFETIME_MAX_DAYS 730 /* the longest any workspace allows */
#define TOKEN_ID_LEN 64
#define TOKEN_ID_RAW 32           /* bytes of a SHA-256 id */
#define TOKEN_SHORT_ID_LEN 10     /* shown in tables; prefixes resolve to full ids */
#define TOKEN_PREFIX_MIN 4        /* the shortest id prefix token_find resolves */

/* The strings of a row (interned: rows share equal ones). */
enum token_text {
	TOKEN_TEXT_COMMENT,
	TOKEN_TEXT_OWNER,                  /* created_by_username (Token Management) */
	TOKEN_TEXT_AUTOSCOPE,              /* autoscope_state */
	TOKEN_TEXT_COUNT,
};
/* The string lists of a row (interned whole: rows share equal lists). */
enum token_list {
	TOKEN_LIST_SCOPES,
	TOKEN_LIST_INFERRED,               /* inferred_scopes */
	TOKEN_LIST_BACKFILL,               /* backfill_scopes */
	TOKEN_LIST_COUNT,
};

/* An interned list of interned strings. */
struct token_strv {
	size_t n;
	const char *v[];
};

/* One token as the Token API (PublicTokenInfo) or Token Management API
 * (TokenInfo) describes it: a row of a struct token_table, valid while the
 * table lives. Absent numbers are 0.
 *
 * Compact: a row costs 144 bytes on x86-64 (TOKEN_ROW_BYTES), plus its
 * comment the first time a table sees it (with at most 16 bytes more: its
 * length and whether it is plain, token_text_len). The id is kept as its 32 raw
 * bytes (hex only at the edges: token_id_hex); every string and string list
 * is interned in the table's pool, so the 200 owners, the handful of scope
 * lists and autoscope states of 100,000 rows are stored once each, and so
 * is a comment many tokens share. Read the strings and the id only through
 * the accessors below (token_comment, token_owner, token_scope, …), and
 * set them with token_set_* on the table that holds the row. */
struct token_info {
	union {
		unsigned char raw[TOKEN_ID_RAW];  /* TOKEN_ID_FORM_RAW: the SHA-256 */
		const char *text;          /* TOKEN_ID_FORM_TEXT: as sent (pool) */
	} id_;
	int64_t creation_time;
	int64_t expiry_time;               /* -1 (or 0): never expires */
	int64_t last_accessed_time;        /* Token API, newer servers */
	/* Token Management only */
	int64_t created_by_id;
	int64_t owner_id;
	int64_t last_used_day;             /* ms, accurate to one day */
	int64_t workspace_id;
	const char *text_[TOKEN_TEXT_COUNT];        /* interned, NULL when absent */
	const struct token_strv *list_[TOKEN_LIST_COUNT];  /* interned, NULL when empty */
	unsigned char id_form_;            /* enum token_id_form */
	bool management;                   /* parsed from a TokenInfo */
	unsigned short workspace;          /* which workspace it came from when a face
					    * shows several (an index of the face's
					    * own list: estate.h); 0 otherwise */
};
#define TOKEN_ROW_BYTES sizeof(struct token_info)

/* How a row keeps its id: 64 lower-case hex digits (every real id, a
 * SHA-256) as raw bytes; anything else token_id_valid allows as sent. */
enum token_id_form { TOKEN_ID_FORM_NONE, TOKEN_ID_FORM_RAW, TOKEN_ID_FORM_TEXT };

struct token_pool;                     /* the interned strings (token.c) */

struct token_table {
	struct token_info *rows;
	size_t n;
	size_t cap;
	struct token_pool *pool;           /* the rows' strings; NULL until one is set */
	/* what the list parser (api.c) left out, for a warning */
	size_t malformed;                  /* elements skipped: not a token object */
	size_t repeated;                   /* rows whose id came earlier: kept once */
	char malformed_why[160];           /* why the first was skipped */
};

/* ---- reading a row ---------------------------------------------------- */
/* The id as text into buf (TOKEN_ID_LEN + 1 bytes): 64 lower-case hex
 * digits, or the id as sent; "" when the row has none. Returns buf. */
char *token_id_hex(const struct token_info *t, char *buf);
bool token_has_id(const struct token_info *t);
/* Order of two ids as text, ASCII case ignored (raw ids: byte order). */
int token_id_cmp(const struct token_info *a, const struct token_info *b);
/* The first 8 characters of the id as token_id_cmp compares them (case
 * folded), big-endian, zero past its end: ids with smaller keys are
 * smaller; ids with equal keys need token_id_cmp. For sort keys. */
uint64_t token_id_key(const struct token_info *t);
/* A hash of the id, the same for ids token_id_cmp finds equal. */
uint64_t token_id_hash(const struct token_info *t);
/* The id against text id, ASCII case ignored, like strcasecmp; with
 * prefix, only the first strlen(id) characters count. */
int token_id_cmp_text(const struct token_info *t, const char *id, bool prefix);
/* String field which, or NULL when absent. */
const char *token_text(const struct token_info *t, enum token_text which);
/* The length of string field which (0 when absent), and in *plain whether
 * it is plain: printable ASCII with no '"' and no '\\', which JSON, CSV and
 * a terminal all take as it is (both kept with the interned string). */
size_t token_text_len(const struct token_info *t, enum token_text which, bool *plain);
/* The same for entry i of list which (0 and plain past its end). */
size_t token_list_len_at(const struct token_info *t, enum token_list which, size_t i,
			 bool *plain);
/* The comment, or NULL when absent. */
const char *token_comment(const struct token_info *t);
/* autoscope_state ("AUTOSCOPE_STATE_RUNNING", …), or NULL when absent. */
const char *token_autoscope_state(const struct token_info *t);
/* List which: its length, and entry i (< the length). */
size_t token_list_n(const struct token_info *t, enum token_list which);
const char *token_list_at(const struct token_info *t, enum token_list which, size_t i);
/* List which as an array of token_list_n strings (NULL when empty). */
const char *const *token_list_items(const struct token_info *t, enum token_list which);
/* The scopes (none: full access): shorthands of the two above. */
size_t token_nscopes(const struct token_info *t);
const char *token_scope(const struct token_info *t, size_t i);

/* ---- filling a row (in tab, which owns the strings) ------------------- */
/* Each returns 0, or -1 on out of memory (the row is unchanged). Strings
 * are copied and interned; a NUL byte ends one early. */
/* The id id[0..len); -2 (nothing set) when it is not token_id_valid: an id
 * that could not be one URL path segment never enters a row. */
int token_set_id(struct token_table *tab, struct token_info *t, const char *id, size_t len);
/* NULL: absent. */
int token_set_text(struct token_table *tab, struct token_info *t, enum token_text which,
		   const char *s, size_t len);
/* v[0..n), lens[i] the length of v[i] (lens NULL: strlen); n == 0: empty. */
int token_set_list(struct token_table *tab, struct token_info *t, enum token_list which,
		   const char *const *v, const size_t *lens, size_t n);
/* Copy row src (of any table) into a new row of tab. NULL on out of memory. */
struct token_info *token_table_add_copy(struct token_table *tab, const struct token_info *src);
/* Move every row of src to the end of tab, strings and all: src's pool
 * becomes part of tab's, so nothing is copied or hashed again (a string
 * both had is then kept twice: equal strings still compare equal, by
 * their text). src is left with no rows and no pool (its counts of what
 * its parser left out stay). 0, or -1 on out of memory (both unchanged). */
int token_table_absorb(struct token_table *tab, struct token_table *src);

/* Append a zeroed row and return it, or NULL on out of memory. Rows move
 * when the table grows: keep indexes, not pointers, across pushes. */
struct token_info *token_table_push(struct token_table *tab);
/* Drop the last row (its strings stay in the pool until the table goes). */
void token_table_pop(struct token_table *tab);
/* Free all rows, the array and the pool; leaves an empty table. */
void token_table_free(struct token_table *tab);
/* Bytes the table holds (rows allocated, the pool and its index). */
size_t token_table_bytes(const struct token_table *tab);
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

/* ---- the 90-day clock ---------------------------------------------------
 * Databricks revokes a PAT not used for 90 days (token-api.md, "The 90-day
 * clock"). No API returns the date: patrol's estimate is the last use
 * (last_used_day, or last_accessed_time when newer) + 90 days; for a token
 * never used (as far as the list says), creation + 90 days, which is
 * marked an estimate because the list may just not say. */
#define TOKEN_IDLE_REVOKE_DAYS 90
#define TOKEN_REVOKE_SOON_DAYS 14      /* revoke-soon's window, unless configured */
/* When Databricks will revoke t for disuse, in ms; 0 when unknown (no use
 * and no creation time). *estimate (may be NULL) is set when the date
 * counts from creation (never used). */
int64_t token_revoke_at(const struct token_info *t, bool *estimate);
/* Whole days until then: "in 12d", "in <1d", "due" (the date has passed:
 * the next sweep takes it), with " (est.)" for a never-used token; "-" when
 * unknown. */
void token_revoke_format(const struct token_info *t, int64_t now_ms, char *out, size_t n);

/* ---- sort keys -------------------------------------------------------- */
/*        enum        name          header      */
#define TOKEN_SORT_KEYS(_) \
	_(COMMENT,   "comment",   "COMMENT")   \
	_(CREATED,   "created",   "CREATED")   \
	_(EXPIRES,   "expires",   "EXPIRES")   \
	_(LAST_USED, "last-used", "LAST USED") \
	_(SCOPES,    "scopes",    "SCOPES")    \
	_(OWNER,     "owner",     "OWNER")     \
	_(ID,        "id",        "ID")        \
	_(WORKSPACE, "workspace", "WORKSPACE") /* several workspaces: in the order given */ \
	_(AUTO_REVOKE, "auto-revoke", "AUTO-REVOKE")

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
	_(AUTOSCOPE_SOON,    "autoscope-soon",    "auto-scoping narrows it within 7 days (est.)") \
	_(WILL_NARROW,       "will-narrow",       "auto-scoping will take away access it has now") \
	_(UNCOVERABLE,       "uncoverable",       "it used an API no scope covers: it cannot be auto-scoped") \
	_(STALE_COMMENT,     "stale-comment",     "comment empty or like test/tmp/old/poc/do not delete") \
	_(SELF,              "self",              "the token this session authenticates with") \
	_(REVOKE_SOON,       "revoke-soon",       "Databricks revokes it for 90 days unused within 14 days (config: revoke-soon)")

#define TOKEN_FLAG_ENUM(e, name, legend) TOKEN_FLAG_BIT_##e,
enum token_flag_bit { TOKEN_FLAGS(TOKEN_FLAG_ENUM) TOKEN_FLAG_COUNT };
#undef TOKEN_FLAG_ENUM
#define TOKEN_FLAG(e) (1u << TOKEN_FLAG_BIT_##e)

/* What flags depend on besides the row. */
struct token_ctx {
	int64_t now_ms;
	const char *self_id;               /* id of the token in use, or NULL */
	/* the ids of the other credentials patrol uses for the same workspace
	 * (two profiles naming it): self too, wherever the rows show them */
	const char *const *self_also;
	size_t nself_also;
	int64_t max_lifetime_ms;           /* workspace maximum, 0 when unknown */
	const char *const *stale_patterns; /* lower-case substrings; NULL: the defaults */
	size_t nstale;
	/* the workspaces' names (profiles), indexed by a row's workspace, for
	 * the workspace: filter term; NULL: none known (the term matches nothing) */
	const char *const *workspaces;
	size_t nworkspaces;
	int64_t revoke_soon_ms;            /* revoke-soon's window; 0: TOKEN_REVOKE_SOON_DAYS */
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
/* Whether a row with this comment (NULL: none) is stale-comment: the flag
 * reads nothing else of the row, so a caller over many rows may ask once
 * per distinct comment (interned: per pointer) and context. */
bool token_comment_stale(const char *comment, const struct token_ctx *ctx);
/* Comma-separated names of the set flags into out ("never-expires,privileged"). */
void token_flags_format(unsigned flags, char *out, size_t n);

/* ---- auto-scoping (autoscope.h holds the rules) ------------------------ */
/* The state of autoscope_state. */
enum autoscope_state token_autoscope(const struct token_info *t);
/* The estimated enforcement date (creation + 30 days while observed), 0
 * when none is pending. */
int64_t token_autoscope_enforce_ms(const struct token_info *t);
/* What t may call now (its declared scopes), and after enforcement (an
 * observed token: its inferred scopes; any other: the same). Borrowed from
 * the row. */
void token_autoscope_now(const struct token_info *t, struct autoscope_access *out);
void token_autoscope_after(const struct token_info *t, struct autoscope_access *out);
/* Whether enforcement takes away access t has now. */
bool token_autoscope_narrows(const struct token_info *t);
/* The enforcement date relative to now: "in 5d (2026-05-01 est.)",
 * "due (2026-04-01 est.)" once passed and not applied, "-" when none. */
void token_autoscope_enforce_format(const struct token_info *t, int64_t now_ms, char *out,
				    size_t n);

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
