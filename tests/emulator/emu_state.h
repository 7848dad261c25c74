/*
 * emu_state.h: the in-memory workspace of patrol-emulator.
 *
 * Users (admins, plain users, service principals), their groups, their
 * tokens, OAuth clients and access tokens, the workspace settings, the token
 * permissions, the clock and the request statistics. Nothing here knows
 * HTTP. The state is not locked by itself: the caller (emulator.c) holds one
 * mutex around every call. emu_access.h (who may use tokens), emu_scope.h
 * (API scopes and token use) and emu_clock.h (the clock and the server's
 * lifecycle rules) work on this state too.
 */
#ifndef PATROL_EMU_STATE_H
#define PATROL_EMU_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sha256.h"

#define EMU_QUOTA 600
#define EMU_MAX_COMMENT 255
#define EMU_DEFAULT_MAX_DAYS 730
#define EMU_DAY_MS 86400000LL

/* Autoscope states, in wire order; EMU_AS_NONE is omitted from output. */
#define EMU_AUTOSCOPE_LIST \
	X(NONE, "") \
	X(RUNNING, "AUTOSCOPE_STATE_RUNNING") \
	X(COMPLETED, "AUTOSCOPE_STATE_COMPLETED") \
	X(DISABLED, "AUTOSCOPE_STATE_DISABLED") \
	X(USER_SELECTED, "AUTOSCOPE_STATE_USER_SELECTED") \
	X(BACKFILLED, "AUTOSCOPE_STATE_BACKFILLED") \
	X(API_NOT_COVERED, "AUTOSCOPE_STATE_API_NOT_COVERED")

enum emu_autoscope {
#define X(name, str) EMU_AS_##name,
	EMU_AUTOSCOPE_LIST
#undef X
	EMU_AS_COUNT
};

/* Fault kinds counted in the statistics. */
enum emu_fault_kind {
	EMU_FAULT_FAIL,
	EMU_FAULT_DROP,
	EMU_FAULT_GARBAGE,
	EMU_FAULT_RATE_LIMITED,
	EMU_FAULT_COUNT
};

/* What the server did by itself, counted in the statistics ("server"). */
#define EMU_SERVER_ACTION_LIST \
	X(NARROWED, "narrowed") \
	X(REVOKED_UNUSED, "revoked_unused") \
	X(DELETED_BY_PERMISSIONS, "deleted_by_permissions")

enum emu_server_action {
#define X(name, str) EMU_SERVER_##name,
	EMU_SERVER_ACTION_LIST
#undef X
	EMU_SERVER_COUNT
};

/* Principal kinds of the token permissions: the key of an access control
 * entry, and the word error messages use. */
#define EMU_PRINCIPAL_LIST \
	X(USER, "user_name", "UserName") \
	X(GROUP, "group_name", "GroupName") \
	X(SP, "service_principal_name", "ServicePrincipalName")

enum emu_principal {
#define X(name, key, word) EMU_PRINCIPAL_##name,
	EMU_PRINCIPAL_LIST
#undef X
	EMU_PRINCIPAL_COUNT
};

struct emu_rng {
	uint64_t s;
};

/* Groups: index 0 is "admins", 1 is "users"; members of the others are
 * bits of emu_user.groups. */
#define EMU_MAX_GROUPS 64
#define EMU_GROUP_ADMINS 0
#define EMU_GROUP_USERS 1

struct emu_user {
	int64_t		 id;
	char		*name;		/* user name, or a service principal's
					 * application id */
	char		*display;
	int		 admin;
	int		 sp;
	uint64_t	 groups;	/* bit i: member of group i (i >= 2) */
	size_t		 ntokens;	/* live tokens, expired included */
};

/* A direct entry of the token permissions. The strings of stored entries
 * (emu_state.grants) are the state's (malloc'd); those of requests are the
 * caller's. */
struct emu_grant {
	enum emu_principal kind;
	const char	*name;		/* user name, group name or application id */
	const char	*level;		/* CAN_USE or CAN_MANAGE */
};

struct emu_token {
	char		 id[SHA256_HEX_LEN + 1];
	int64_t		 creation_time;
	int64_t		 expiry_time;	/* -1: never */
	int64_t		 last_used;	/* 0: never */
	char		*comment;	/* never NULL */
	char		*scopes;	/* compact JSON array or NULL */
	char		*inferred;	/* compact JSON array or NULL */
	char		*backfill;	/* compact JSON array or NULL */
	enum emu_autoscope autoscope;
	struct emu_user	*owner;
	struct emu_user	*creator;
	size_t		 slot;		/* index in the token array */
	struct emu_token *hnext;	/* hash chain */
};

/* An OAuth client: of the workspace (tenant NULL: client credentials at
 * /oidc/v1/token, acting as the admin) or of Entra ID (tenant set: at
 * /TENANT/oauth2/token, acting as the service principal of its id). */
struct emu_oauth_client {
	char		*id;
	char		*secret;
	char		*tenant;
	struct emu_user	*owner;
};

/* An access token the workspace accepts: issued by an OAuth endpoint, or
 * given on the command line (what `databricks auth token` or `az` would
 * print). */
struct emu_oauth_token {
	char		*value;
	int64_t		 expires;	/* ms; INT64_MAX: never */
	struct emu_user	*owner;
};

/* A JWT the OIDC token exchange accepts, and whom it signs in. */
struct emu_federated {
	char		*jwt;
	struct emu_user	*owner;
};

#define EMU_RPS_RING 8192	/* arrivals remembered for the peak a second */

struct emu_stats {
	uint64_t	 total;
	long		 inflight;	/* received and not answered yet */
	long		 peak_inflight;	/* the most at once */
	int64_t		 arrivals[EMU_RPS_RING];	/* monotonic ms, a ring */
	size_t		 arr_head, arr_n;
	size_t		 peak_per_second;	/* the most in any 1,000 ms */
	json_t		*requests;	/* "METHOD path" -> count */
	json_t		*revokes;	/* token id -> count */
	json_t		*updates;	/* [{token_id, update_mask}] */
	uint64_t	 creates;
	uint64_t	 faults[EMU_FAULT_COUNT];
	uint64_t	 server[EMU_SERVER_COUNT];	/* live tokens concerned */
};

struct emu_state {
	struct emu_user	**users;
	size_t		 nusers;
	struct emu_token **tokens;	/* creation order; NULL slots are holes */
	size_t		 ntokens;	/* slots used, holes included */
	size_t		 nholes;
	size_t		 tokcap;
	struct emu_token **hash;
	size_t		 hashsize;	/* power of two */

	struct emu_oauth_client *clients;
	size_t		 nclients;
	struct emu_oauth_token *otokens;
	size_t		 notokens;
	struct emu_federated *federated;
	size_t		 nfederated;
	int64_t		 oauth_expires_in;	/* seconds */

	int		 max_days;	/* 0: unset */
	int		 tokens_enabled;
	char		**groups;	/* group names; see EMU_GROUP_* */
	size_t		 ngroups;
	struct emu_grant *grants;	/* direct entries, in order */
	size_t		 ngrants;

	int64_t		 fixed_now;	/* 0: real time (plus clock_offset) */
	int64_t		 clock_offset;	/* ms the running clock was moved */
	int64_t		 workspace_id;
	char		*base_url;
	const char	*token_endpoint;	/* --token-endpoint: what discovery says */
	struct emu_rng	 rng_values;	/* token values, request ids */

	struct emu_stats stats;

	/* POST /emulator/hold: the next request whose path holds hold_path is
	 * kept, after it is counted, until POST /emulator/release moves
	 * hold_gen on (emulator.c waits for it) */
	char		*hold_path;
	unsigned long	 hold_gen;
	int		 holding;	/* a held request waits */

	/* POST /emulator/lie: create answers name this token_id (a hostile
	 * server's); the token made keeps its own. NULL: the truth */
	char		*lie_create_id;
};

/* Random numbers: splitmix64, reproducible from a seed. */
void		 emu_rng_seed(struct emu_rng *, uint64_t);
uint64_t	 emu_rng_next(struct emu_rng *);
double		 emu_rng_unit(struct emu_rng *);
uint64_t	 emu_rng_below(struct emu_rng *, uint64_t);

int64_t		 emu_now_ms(const struct emu_state *);

struct emu_state *emu_state_new(uint64_t seed);
void		 emu_state_free(struct emu_state *);

/* Find or add a user by name; returns NULL on allocation failure. */
struct emu_user	*emu_user_get(struct emu_state *, const char *name, int admin,
		     int sp);
struct emu_user	*emu_user_find(struct emu_state *, const char *name);
/* Give u another display name; -1 on allocation failure. */
int		 emu_user_set_display(struct emu_user *, const char *display);

/* Make a token for owner from an existing value ("dapi…"); NULL on failure. */
struct emu_token *emu_token_add(struct emu_state *, const char *value,
		     struct emu_user *owner, struct emu_user *creator);
/* Same with a fresh random value written to value_out (37 bytes). */
struct emu_token *emu_token_new(struct emu_state *, struct emu_rng *,
		     struct emu_user *owner, struct emu_user *creator,
		     char value_out[37]);
struct emu_token *emu_token_find(struct emu_state *, const char *id);
void		 emu_token_remove(struct emu_state *, struct emu_token *);
/* Give t another id (exactly 64 characters), rehashing it. */
void		 emu_token_set_id(struct emu_state *, struct emu_token *,
		     const char *id);
int		 emu_token_expired(const struct emu_state *,
		     const struct emu_token *);
/* Non-expired tokens of a user (what the quota counts). */
size_t		 emu_user_active(struct emu_state *, const struct emu_user *);
int		 emu_token_set_comment(struct emu_token *, const char *);
int		 emu_token_set_scopes(struct emu_token *, const char *json);

/* Who a bearer token belongs to, or NULL. *pat (may be NULL) gets the PAT
 * when it is one, else NULL. A PAT is marked used by emu_scope_use, once
 * the request it came with is accepted. */
struct emu_user	*emu_auth_bearer(struct emu_state *, const char *bearer,
		     struct emu_token **pat);
/* A client; tenant NULL: the workspace's own (acts as the admin), else an
 * Entra ID app of that tenant (acts as the service principal id). */
int		 emu_oauth_add_client(struct emu_state *, const char *tenant,
		     const char *id, const char *secret);
/* Whom the client signs in, or NULL when id, secret or tenant is wrong. */
struct emu_user	*emu_oauth_check(struct emu_state *, const char *tenant,
		     const char *id, const char *secret);
/* Issue an OAuth access token for owner; returns it, or NULL on failure. */
const char	*emu_oauth_issue(struct emu_state *, struct emu_user *owner);
/* Accept value as owner's access token, for ever. */
int		 emu_oauth_add_token(struct emu_state *, struct emu_user *owner,
		     const char *value);
/* A JWT the token exchange accepts for owner; whom a JWT signs in. */
int		 emu_federated_add(struct emu_state *, const char *jwt,
		     struct emu_user *owner);
struct emu_user	*emu_federated_find(struct emu_state *, const char *jwt);

void		 emu_request_id(struct emu_state *, char out[37]);

/* Statistics. A request counts from its arrival (mono_ms: a monotonic
 * clock) to its answer, for the peaks of requests at once and a second. */
void		 emu_stats_arrival(struct emu_state *, const char *method,
		     const char *path, int64_t mono_ms);
void		 emu_stats_answered(struct emu_state *);
void		 emu_stats_revoke(struct emu_state *, const char *id);
void		 emu_stats_update(struct emu_state *, const char *id,
		     const char *mask);
void		 emu_stats_reset(struct emu_state *);
const char	*emu_server_action_name(enum emu_server_action);
/* The /emulator/stats document, as a malloc'd string (NULL on failure). */
char		*emu_stats_dump(struct emu_state *);

/* Realistic data: n tokens over nusers users plus the admin, two service
 * principals, groups and token permissions (see emu_gen.c). */
int		 emu_generate(struct emu_state *, struct emu_user *admin,
		     size_t n, unsigned int nusers, uint64_t seed);

/* Growable output buffer; any allocation failure sets oom. */
struct emu_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
	int		 oom;
};

void		 emu_buf_add(struct emu_buf *, const char *, size_t);
void		 emu_buf_str(struct emu_buf *, const char *);
void		 emu_buf_int(struct emu_buf *, int64_t);
/* Append s as a quoted, escaped JSON string. */
void		 emu_buf_jstr(struct emu_buf *, const char *s);
/* Append a token object; full adds the Token Management fields. */
void		 emu_buf_token(struct emu_buf *, const struct emu_state *,
		     const struct emu_token *, int full);

const char	*emu_autoscope_name(enum emu_autoscope);
/* Count UTF-8 code points. */
size_t		 emu_utf8_len(const char *);

#endif
