/*
 * auth.h: the ways patrol signs in, as the Databricks SDKs do (token-api.md,
 * "Authentication" and "More ways to sign in").
 *
 * One table (AUTH_TYPES) lists every auth type: its name, what it needs and
 * how it gets a bearer token. Two halves use it:
 *
 *  - Choosing (config time, no network): auth_choose walks the types in the
 *    SDKs' order, or takes the one auth_type forces, and says why each
 *    earlier one was skipped (for --debug). It looks at which credentials
 *    are set (never at their values), the host, and PATH (is the Databricks
 *    CLI or az installed?).
 *
 *  - Signing in (worker thread): an auth_session hands the worker the bearer
 *    token to send, and when there is none yet (or it is about to expire)
 *    tells it what to do next. The session does no I/O of its own on the
 *    network: it builds the OAuth requests (discovery, client credentials,
 *    Entra ID v1, RFC 8693 token exchange) as calls the worker runs like any
 *    other, and reads their answers back. Helper programs (`databricks auth
 *    token`, `az account get-access-token`) run through helper.h: spawned
 *    with posix_spawn from the worker thread, never waited for: their pipes
 *    join the worker's poll (auth_session_fds) and are read as data arrives,
 *    so a slow `az` (seconds of Python start-up) neither blocks the UI thread
 *    nor stalls transfers already running; calls that need the token wait
 *    for it, bounded by the helper's timeout.
 *
 * Secrets (client secrets, JWTs, access tokens, helper output) live in wiped
 * memory and are wiped when replaced or freed. Helper stdout is never logged;
 * their stderr is sanitized into the error, with the fix ("run `databricks
 * auth login --profile prod`", "run `az login`").
 *
 * An OAuth token endpoint is accepted only on the workspace's own origin or
 * a documented Databricks account host (discovery) and only on the
 * configured Entra ID host (azure-client-secret): a client secret or a JWT
 * is never sent where a discovery answer alone points (issue 14, finding 6).
 */
#ifndef PATROL_AUTH_H
#define PATROL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "status.h"

/* What an auth type may need, as bits (config.c maps its attributes). */
enum auth_need {
	AUTH_N_TOKEN = 1u << 0,
	AUTH_N_CLIENT_ID = 1u << 1,
	AUTH_N_CLIENT_SECRET = 1u << 2,
	AUTH_N_AZ_CLIENT_ID = 1u << 3,
	AUTH_N_AZ_CLIENT_SECRET = 1u << 4,
	AUTH_N_AZ_TENANT = 1u << 5,
	AUTH_N_OIDC_TOKEN = 1u << 6,
	AUTH_N_OIDC_FILE = 1u << 7,
};

/*        enum                 name                   needs (all required)                      secrets it keeps */
#define AUTH_TYPES(_) \
	_(PAT,                 "pat",                 AUTH_N_TOKEN,                                AUTH_N_TOKEN) \
	_(OAUTH_M2M,           "oauth-m2m",           AUTH_N_CLIENT_ID | AUTH_N_CLIENT_SECRET,     AUTH_N_CLIENT_SECRET) \
	_(ENV_OIDC,            "env-oidc",            AUTH_N_OIDC_TOKEN,                           AUTH_N_OIDC_TOKEN) \
	_(FILE_OIDC,           "file-oidc",           AUTH_N_OIDC_FILE,                            0) \
	_(DATABRICKS_CLI,      "databricks-cli",      0,                                           0) \
	_(AZURE_CLIENT_SECRET, "azure-client-secret", AUTH_N_AZ_CLIENT_ID | AUTH_N_AZ_CLIENT_SECRET | AUTH_N_AZ_TENANT, AUTH_N_AZ_CLIENT_SECRET) \
	_(AZURE_CLI,           "azure-cli",           0,                                           0)

#define AUTH_TYPE_ENUM(e, name, needs, keeps) AUTH_##e,
enum auth_type { AUTH_NONE = -1, AUTH_TYPES(AUTH_TYPE_ENUM) AUTH_TYPE_COUNT };
#undef AUTH_TYPE_ENUM

/* The Entra ID application id of Azure Databricks (the token "resource"). */
#define AUTH_AZURE_RESOURCE "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

/* Name of a type ("databricks-cli"); "none" for AUTH_NONE. */
const char *auth_name(enum auth_type t);
/* The type called name, or AUTH_NONE. */
enum auth_type auth_find(const char *name);
/* "pat, oauth-m2m, …": every name, for messages. */
const char *auth_names(void);
/* What t needs, and which of the secrets it uses (AUTH_N_* bits). */
unsigned auth_needs(enum auth_type t);
unsigned auth_keeps(enum auth_type t);
/* True for a type whose token comes from a helper program. */
bool auth_uses_helper(enum auth_type t);
/* True when the host of url (scheme://host[:port]) is an Azure Databricks
 * host (.azuredatabricks.net, .databricks.azure.us, .databricks.azure.cn). */
bool auth_host_is_azure(const char *url);

/* ---- choosing --------------------------------------------------------- */

/* What auth_choose looks at. */
struct auth_probe {
	unsigned have;              /* AUTH_N_* bits of what is set */
	enum auth_type forced;      /* auth_type, or AUTH_NONE */
	const char *host;           /* normalized workspace URL */
	const char *cli_path;       /* databricks_cli_path, or NULL: "databricks" on PATH */
	const char *path_env;       /* PATH, or NULL */
};

struct auth_choice {
	enum auth_type type;        /* AUTH_NONE: nothing fits (see missing) */
	unsigned missing;           /* a forced type: the AUTH_N_* bits it lacks */
	char *helper;               /* absolute path of the helper program, or NULL */
	enum auth_type fallback;    /* databricks-cli chosen by the default order: the
				     * next type that fits, used when the CLI says
				     * nobody signed in for this host (the SDKs skip
				     * it then); AUTH_NONE otherwise */
	char *fallback_helper;      /* its program (azure-cli), or NULL */
	char *why;                  /* one line per type skipped or chosen
				     * ("pat: skipped: no token"); malloc'd */
	char helper_err[256];       /* a forced helper type whose program is
				     * missing: what to do ("install the
				     * Databricks CLI …"); "" otherwise */
};

/* Choose: the forced type (checking its helper program exists), else the
 * first type of the SDKs' order that fits: pat, oauth-m2m, env-oidc,
 * file-oidc, databricks-cli (the CLI is found), azure-client-secret,
 * azure-cli (an Azure host and az found). Returns PATROL_OK (out->type may
 * be AUTH_NONE: the caller explains), or PATROL_NOMEM. Free with
 * auth_choice_free. Needs the secrets of fallback kept too. */
enum patrol_status auth_choose(const struct auth_probe *p, struct auth_choice *out,
			       struct patrol_err *err);
void auth_choice_free(struct auth_choice *c);

/* ---- signing in ------------------------------------------------------- */

/* Everything a session needs; strings are copied (secrets into wiped memory). */
struct auth_setup {
	enum auth_type type;
	const char *host;             /* workspace URL */
	const char *token;            /* pat (secret) */
	const char *client_id;        /* oauth-m2m; optional for the OIDC types */
	const char *client_secret;    /* oauth-m2m (secret) */
	const char *azure_client_id;
	const char *azure_client_secret; /* secret */
	const char *azure_tenant_id;  /* azure-client-secret; azure-cli: --tenant */
	const char *azure_login_url;  /* Entra ID login URL ending in '/' */
	const char *oidc_token;       /* env-oidc: the JWT (secret) */
	const char *oidc_token_file;  /* file-oidc: read at every exchange */
	const char *helper;           /* absolute path of databricks or az */
	enum auth_type fallback;      /* auth_choice.fallback, or AUTH_NONE (only a
				       * type after databricks-cli is taken) */
	const char *fallback_helper;  /* its program, or NULL */
	const char *profile;          /* databricks-cli: --profile P (the profile
				       * came from the config file); NULL: --host */
	int64_t helper_timeout_ms;    /* > 0 */
};

struct auth_session;

/* What the worker must do for a token. */
enum auth_step {
	AUTH_STEP_READY,    /* auth_session_bearer has a token */
	AUTH_STEP_SEND,     /* run *call (an internal request), then auth_session_answer */
	AUTH_STEP_WAIT,     /* a request or a helper is under way: wait */
	AUTH_STEP_FAILED,   /* the last attempt failed: err says why; calls
			     * waiting for a token fail with it; the next
			     * auth_session_next starts over */
};

enum patrol_status auth_session_new(const struct auth_setup *s, struct auth_session **out,
				    struct patrol_err *err);
/* Free, wiping secrets; kills and reaps a helper still running. NULL is fine. */
void auth_session_free(struct auth_session *s);
/* The type signing in now: the chosen one, or its fallback once the
 * Databricks CLI said nobody signed in for this host. */
enum auth_type auth_session_type(const struct auth_session *s);
/* The bearer token to send at now (monotonic ms), or NULL when one must be
 * fetched first. *gen (may be NULL) gets the token's generation. */
const char *auth_session_bearer(struct auth_session *s, int64_t now, unsigned *gen);
/* Advance: start what is needed for a token. On AUTH_STEP_SEND *call is
 * a request to run (internal: absolute URL in path, form body; owned by the
 * caller until handed back to auth_session_answer). On AUTH_STEP_FAILED err
 * is filled (once; the state is then reset). */
enum auth_step auth_session_next(struct auth_session *s, int64_t now, struct call **call,
				 struct patrol_err *err);
/* HTTP Basic credentials for a request of the session (oauth-m2m sends its
 * client secret so); NULL user when none. Borrowed. */
void auth_session_basic(const struct auth_session *s, const char **user, const char **pass);
/* The secrets the session holds (the token, a client secret, an OIDC
 * token, the access token it was given), for redacting what a server
 * echoes: up to max of them into v, borrowed. Returns how many. */
size_t auth_session_secrets(const struct auth_session *s, const char **v, size_t max);
/* A request from auth_session_next finished (c is taken and freed). */
void auth_session_answer(struct auth_session *s, struct call *c, int64_t now);
/* The descriptors of a running helper to poll for input (at most 2);
 * returns how many. */
int auth_session_fds(const struct auth_session *s, int fds[2]);
/* Read what a running helper wrote, reap it, or kill it at its timeout.
 * Never blocks. */
void auth_session_io(struct auth_session *s, int64_t now);
/* Milliseconds until the session needs attention without any input (a
 * helper's timeout); -1: none. */
int64_t auth_session_wait_ms(const struct auth_session *s, int64_t now);
/* Abandon the fetch under way (its request was dropped by the caller; a
 * helper is killed), without an error: the next auth_session_next starts
 * again. */
void auth_session_cancel(struct auth_session *s);
/* A request answered 401 with the token of generation gen: forget it (a
 * newer one is kept). */
void auth_session_drop(struct auth_session *s, unsigned gen);
/* One line for --debug about the token in use, e.g. "auth: databricks-cli:
 * token valid for 3599 s"; "" when nothing new. Writes into out. */
void auth_session_note(struct auth_session *s, char *out, size_t n);

#endif
