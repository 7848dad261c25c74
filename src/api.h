/*
 * api.h: one function per endpoint of the Databricks token APIs, and the
 * parsers of every JSON shape they answer. Nothing else in patrol knows the
 * JSON shapes (token-api.md is the contract).
 *
 * Builders return a struct call (call.h) ready for worker_submit, or NULL on
 * out of memory (or for an id of "." or "..": a dot segment never reaches a
 * URL). They percent-encode ids and query values. The result type a
 * finished call carries in c->result is given beside each builder; calls
 * marked "none" leave it NULL.
 *
 * Parsers ignore unknown fields, treat absent fields as their defaults, and
 * never trust sizes: they are fuzzed (tests/fuzz).
 */
#ifndef PATROL_API_H
#define PATROL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api_error.h"
#include "call.h"
#include "status.h"
#include "token.h"

/*        enum            label (logs, errors) */
#define API_OPS(_) \
	_(TOKEN_CREATE,   "create token")                 \
	_(TOKEN_LIST,     "list tokens")                  \
	_(TOKEN_DELETE,   "revoke token")                 \
	_(TOKEN_UPDATE,   "update token")                 \
	_(TM_LIST,        "list workspace tokens")        \
	_(TM_GET,         "get token")                    \
	_(TM_DELETE,      "revoke workspace token")       \
	_(TM_UPDATE,      "update workspace token")       \
	_(TM_CREATE_OBO,  "create token on behalf")       \
	_(CONF_GET,       "read workspace settings")      \
	_(CONF_SET,       "change workspace settings")    \
	_(SCIM_ME,        "who am I")                     \
	_(PERM_GET,       "read token permissions")       \
	_(PERM_UPDATE,    "grant token permissions")      \
	_(PERM_SET,       "replace token permissions")    \
	_(SCIM_SP_GET,    "look up a service principal")  \
	_(OAUTH_DISCOVER, "OAuth discovery")              \
	_(OAUTH_TOKEN,    "OAuth token")

#define API_OP_ENUM(e, label) API_##e,
enum api_op { API_OPS(API_OP_ENUM) API_OP_COUNT };
#undef API_OP_ENUM

const char *api_op_label(int op);

/* ---- results ---------------------------------------------------------- */
struct api_created {
	char *token_value;          /* the secret: shown once, then secret_free'd */
	struct token_table tab;     /* the new token, one row: api_created_info() */
};
struct api_me {
	char *id;
	char *user_name;
	char *display_name;
	char **groups;              /* display names */
	size_t ngroups;
	bool is_admin;              /* member of "admins" */
};
struct api_sp {                     /* a SCIM ServicePrincipal */
	char *id;                   /* the workspace's numeric id, as a string */
	char *application_id;       /* what on-behalf-of creates take */
	char *display_name;
};
struct api_conf {
	char *max_token_lifetime_days;  /* string as sent, NULL when unset/null */
	char *enable_tokens_config;     /* "true"/"false", NULL when unset/null */
};

/* The token permissions (/api/2.0/permissions/authorization/tokens): who
 * may use PATs, and at which level. */
/*        enum    JSON key                  words */
#define API_PRINCIPALS(_) \
	_(USER,  "user_name",              "user")  \
	_(GROUP, "group_name",             "group") \
	_(SP,    "service_principal_name", "service principal")
#define API_PRINCIPAL_ENUM(e, key, words) API_PRINCIPAL_##e,
enum api_principal { API_PRINCIPALS(API_PRINCIPAL_ENUM) API_PRINCIPAL_COUNT };
#undef API_PRINCIPAL_ENUM
const char *api_principal_key(enum api_principal k);     /* "user_name" */
const char *api_principal_words(enum api_principal k);   /* "service principal" */
struct api_perm_level {
	char *level;                /* "CAN_USE", "CAN_MANAGE", or what the server names */
	bool inherited;
	char *from;                 /* inherited_from_object, comma-joined; NULL if none */
};
struct api_perm_entry {
	enum api_principal kind;
	char *name;                 /* the user name, group name or application id */
	char *display;              /* display_name, NULL when absent */
	struct api_perm_level *v;
	size_t n;
};
struct api_perms {
	struct api_perm_entry *v;   /* in the server's order */
	size_t n;
};
void api_perms_free(struct api_perms *p);        /* frees p */
/* The principal a user named (both faces): "user:", "group:", "sp:" or
 * "service-principal:" before it says which; else the kind an entry of
 * that name has in perms (may be NULL); else a name with '@' is a user, a
 * UUID a service principal, anything else a group. *name points into arg. */
void api_perm_target(const char *arg, const struct api_perms *perms, enum api_principal *kind,
		     const char **name);
/* The first direct level the principal holds, or NULL; *inherited (may be
 * NULL) gets an inherited one, if any. Pointers into perms. */
const struct api_perm_level *api_perm_direct(const struct api_perms *perms,
					     enum api_principal kind, const char *name,
					     const struct api_perm_level **inherited);

void api_created_free(struct api_created *c);   /* wipes token_value; frees c */
/* The new token (a row of c->tab; zeroes when the answer had none). */
const struct token_info *api_created_info(const struct api_created *c);
void api_me_free(struct api_me *m);             /* frees m */
void api_conf_free(struct api_conf *c);         /* frees c */
void api_sp_free(struct api_sp *sp);            /* frees sp */
/* A token_table result is freed with api_table_free (token_table_free + free). */
void api_table_free(struct token_table *t);

/* ---- builders --------------------------------------------------------- */
struct api_create_params {
	const char *comment;            /* NULL: omitted */
	int64_t lifetime_seconds;       /* <= 0: omitted (never sent as 0) */
	const char *const *scopes;      /* NULL/0: omitted */
	size_t nscopes;
	bool autoscope;                 /* true: "autoscope_enabled": true */
	const char *application_id;     /* on-behalf-of only (required there) */
};
struct api_update_params {
	const char *comment;            /* NULL: unchanged */
	bool set_scopes;                /* replace scopes with scopes[0..nscopes) (may be empty) */
	const char *const *scopes;
	size_t nscopes;
};

struct call *api_token_create(const struct api_create_params *p);   /* struct api_created * */
struct call *api_token_list(void);                                  /* struct token_table * */
struct call *api_token_delete(const char *token_id);                /* none; 404 is err NOT_FOUND */
struct call *api_token_update(const char *token_id,
			      const struct api_update_params *p);   /* none */
/* created_by_id / created_by_username: NULL to omit. */
struct call *api_tm_list(const char *created_by_id,
			 const char *created_by_username);          /* struct token_table * (management) */
/* Have the list call c (api_token_list, api_tm_list; any other call is
 * left as it is) parse its answer on a thread of its own, which the worker
 * feeds with copies of the body as it comes and joins at its end, instead
 * of parsing it on the worker itself: for several lists answering at once
 * on the one worker thread (an estate), which then parse side by side. The
 * table and every message are the same. On one CPU nothing changes. */
void api_list_own_thread(struct call *c);
struct call *api_tm_get(const char *token_id);                      /* struct token_table * with n == 1 */
struct call *api_tm_delete(const char *token_id);                   /* none */
struct call *api_tm_update(const char *token_id,
			   const struct api_update_params *p);      /* struct token_table * with n == 1 */
struct call *api_tm_create_obo(const struct api_create_params *p);  /* struct api_created * */
struct call *api_conf_get(void);                                    /* struct api_conf * */
/* key: "maxTokenLifetimeDays" or "enableTokensConfig"; value sent as a string. */
struct call *api_conf_set(const char *key, const char *value);      /* none */
struct call *api_scim_me(void);                                     /* struct api_me * */
struct call *api_perm_get(void);                                    /* struct api_perms * */
/* One entry to send: {KEY: name, "permission_level": level}. */
struct api_perm_grant {
	enum api_principal kind;
	const char *name;
	const char *level;
};
/* PATCH: add or raise these entries. */
struct call *api_perm_update(const struct api_perm_grant *v, size_t n); /* struct api_perms * */
/* PUT: the direct entries become exactly these (a user or service principal
 * left out loses all of its tokens). */
struct call *api_perm_set(const struct api_perm_grant *v, size_t n);    /* struct api_perms * */
/* A service principal by its numeric id (a token's owner_id): 404 when
 * there is none (a user owns the token). */
struct call *api_scim_sp_get(int64_t id);                           /* struct api_sp * */

/* The update_mask for p: "comment", "scopes" or "comment,scopes"; "" when
 * nothing changes. Writes into out. */
void api_update_mask(const struct api_update_params *p, char *out, size_t n);

/* ---- parsers (pure; unit-tested and fuzzed) -------------------------- */
/* The token list, parsed as it streams (YAJL's events): the body is never
 * held whole and never becomes a document tree; rows go straight into the
 * table. Feed the body in pieces of any size, then finish: the result is
 * the same however it was split. Like the other parsers it refuses, with
 * PATROL_PROTOCOL: malformed JSON or UTF-8 (a message with the line and
 * column, never the text), an object naming a key twice, an answer that is
 * not an object or whose token_infos is not an array, strings longer than
 * API_LIST_STRING_MAX bytes, nesting deeper than API_LIST_DEPTH. An element
 * that is not a token object (not an object, a field of the wrong type, no
 * token_id, or one token_id_valid refuses) is skipped and counted in
 * out->malformed with why the first one was; an id listed again (ASCII case
 * ignored) is dropped, the first kept, and counted in out->repeated. */
#define API_LIST_STRING_MAX 65536
#define API_LIST_DEPTH 64
struct api_list;
/* A parser for one answer; NULL on out of memory. */
struct api_list *api_list_new(bool management);
/* Parse n more bytes. PATROL_OK, or the answer is refused: err says why,
 * and every later feed and the finish give the same. */
enum patrol_status api_list_feed(struct api_list *l, const char *p, size_t n,
				 struct patrol_err *err);
/* The body ended: out is overwritten with the table (empty on failure). */
enum patrol_status api_list_finish(struct api_list *l, struct token_table *out,
				   struct patrol_err *err);
/* Parse on two threads past this many bytes (by default 1 MiB, with two
 * CPUs; SIZE_MAX: never): for tests, which compare. */
void api_list_pipe_from(struct api_list *l, size_t bytes);
/* Token rows taken so far. */
size_t api_list_count(const struct api_list *l);
void api_list_free(struct api_list *l);
/* The whole body at once: the same parser, fed one piece. */
enum patrol_status api_parse_token_list(const char *body, size_t len, bool management,
					struct token_table *out, struct patrol_err *err);
/* A TokenInfo, bare or wrapped in {"token_info": …}: out gets one row. */
enum patrol_status api_parse_token_info(const char *body, size_t len, bool management,
					struct token_table *out, struct patrol_err *err);
enum patrol_status api_parse_created(const char *body, size_t len, bool management,
				     struct api_created *out, struct patrol_err *err);
enum patrol_status api_parse_me(const char *body, size_t len, struct api_me *out,
				struct patrol_err *err);
enum patrol_status api_parse_sp(const char *body, size_t len, struct api_sp *out,
				struct patrol_err *err);
enum patrol_status api_parse_conf(const char *body, size_t len, struct api_conf *out,
				  struct patrol_err *err);
/* The permissions object: its access_control_list (absent: empty). Each
 * entry names exactly one principal and has all_permissions (levels as
 * sent); anything else is PATROL_PROTOCOL. At most API_PERMS_MAX entries. */
#define API_PERMS_MAX 100000
enum patrol_status api_parse_perms(const char *body, size_t len, struct api_perms *out,
				   struct patrol_err *err);
enum patrol_status api_parse_oauth_discovery(const char *body, size_t len,
					     char **token_endpoint, struct patrol_err *err);
/* expires_in may be a number or a string. access_token is a secret. */
enum patrol_status api_parse_oauth_token(const char *body, size_t len, char **access_token,
					 int64_t *expires_in_s, struct patrol_err *err);

/* ---- output ----------------------------------------------------------- */
/* JSON object with the API's field names and values (absent fields omitted,
 * as the SDKs do). management adds the TokenInfo fields. New reference. */
json_t *api_token_to_json(const struct token_info *t, bool management);
/* What patrol makes of t's auto-scoping (autoscope.h), not the API's:
 * {"state": words, "enforcement_time": ms (patrol's estimate) or null,
 * "will_narrow": bool, "scopes_after": [...] or null (full access)}. New
 * reference, NULL on out of memory. */
json_t *api_autoscope_to_json(const struct token_info *t);
/* The same JSON for many rows, faster: each shape (the set of fields
 * written) gets one object, refilled for each row of that shape. Not shared
 * between threads. */
struct api_json_rows;
struct api_json_rows *api_json_rows_new(bool management);    /* NULL: out of memory */
/* The object for t: a new reference to r's own object, which the next call
 * refills (dump it first). NULL on out of memory. */
json_t *api_json_rows_token(struct api_json_rows *r, const struct token_info *t);
void api_json_rows_free(struct api_json_rows *r);
/* Append to out the text of api_token_to_json(t, management), with the
 * string members more[0..nmore) (key, value pairs: more[2i], more[2i+1])
 * added after t's fields, byte for byte as jansson dumps it with
 * JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII, without building
 * the object: for the rows of a long list. 0; 1 when a string is not
 * valid UTF-8: nothing was added, dump the object with jansson; -1 out of
 * memory. */
struct buf;
int api_token_text(const struct token_info *t, bool management, const char *const *more,
		   size_t nmore, struct buf *out);
/* Append v in decimal, as jansson writes an integer. 0, or -1 out of memory. */
int api_text_int(struct buf *out, int64_t v);
json_t *api_me_to_json(const struct api_me *m);
json_t *api_conf_to_json(const struct api_conf *c);
/* {"token_value": …, "token_info": …}: the one place a secret is serialised,
 * for `patrol create -o json`, which the user asked for. */
json_t *api_created_to_json(const struct api_created *c, bool management);

#endif
