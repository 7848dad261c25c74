/*
 * config.h: where patrol finds the workspace and the credentials.
 *
 * Resolution follows the Databricks tools (token-api.md, "Authentication"):
 * command-line flags, then the DATABRICKS_* (and ARM_*) environment, then a
 * profile of ~/.databrickscfg. Per attribute, a higher source wins. The file
 * is skipped when no profile was named (by -p or DATABRICKS_CONFIG_PROFILE)
 * and the environment already gave a host or credentials. patrol's one
 * deviation: an explicit -p ignores DATABRICKS_HOST, DATABRICKS_TOKEN,
 * DATABRICKS_CLIENT_ID/_SECRET and DATABRICKS_AUTH_TYPE in the environment
 * (note says which), so a profile never mixes with another workspace's
 * credentials (databricks/cli#1194). The auth type is then chosen by auth.c
 * (auth_choose); the secrets the chosen type does not use are not kept.
 * The CA file comes from --ca-file, else REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE,
 * SSL_CERT_FILE (the Python SDK's order: requests reads the first two, the
 * system's OpenSSL the last); one naming a directory is the CA directory,
 * else SSL_CERT_DIR is; a CA file must hold a PEM certificate. The
 * proxy for https from https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY; the
 * hosts it skips from no_proxy, NO_PROXY. No network is used here (PATH
 * is searched for helper programs).
 *
 * The environment is read through a callback so tests can pass a fake one.
 */
#ifndef PATROL_CONFIG_H
#define PATROL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "status.h"

/* What the command line said. All optional (NULL). */
struct config_flags {
	const char *profile;     /* -p/--profile */
	const char *host;        /* --host */
	const char *ca_file;     /* --ca-file */
	char *token;             /* from --token-stdin; the config takes a copy, caller wipes its own */
};

/* Look up an environment variable; NULL when unset. */
typedef const char *(*config_getenv_fn)(const char *name, void *ctx);

struct config {
	char *host;            /* normalized: "https://h[:port]" (no trailing /, no :443) */
	enum auth_type auth;   /* chosen by auth_choose; AUTH_NONE only when freed */
	char *token;           /* PAT (secret) or NULL */
	char *client_id;       /* OAuth M2M (or the OIDC types' client) or NULL */
	char *client_secret;   /* OAuth M2M (secret) or NULL */
	char *account_id;      /* informational, may be NULL */
	char *workspace_id;    /* informational, may be NULL */
	char *ca_file;         /* --ca-file, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE
				* (a file holding a PEM certificate), or NULL */
	char *ca_dir;          /* one of those naming a directory, else SSL_CERT_DIR, or NULL */
	char *ca_source;       /* for TLS failures: "trusting the CAs of REQUESTS_CA_BUNDLE=
				* /p/ca.pem; set but not used: SSL_CERT_FILE" */
	char *cli_path;        /* databricks_cli_path / DATABRICKS_CLI_PATH, or NULL */
	char *azure_client_id;
	char *azure_client_secret; /* azure-client-secret (secret) or NULL */
	char *azure_tenant_id;
	char *azure_login_url; /* azure-client-secret: Entra ID login URL ending in '/' */
	char *oidc_token;      /* env-oidc: DATABRICKS_OIDC_TOKEN (secret) or NULL */
	char *oidc_token_file; /* oidc_token_filepath, or NULL */
	char *proxy;           /* https proxy URL (may hold a password: wiped) or NULL */
	char *no_proxy;        /* hosts that bypass it, or NULL */
	char *helper;          /* databricks-cli, azure-cli: the program's absolute path */
	enum auth_type auth_fallback; /* databricks-cli by the default order: what
				* follows if nobody signed in (auth_choice) */
	char *fallback_helper; /* its program, or NULL */
	char *auth_why;        /* for --debug: "auth: pat: skipped: no token" lines */
	char *cred_source;     /* where the credential came from: "DATABRICKS_TOKEN (pat)",
				* "FILE [prod] (oauth-m2m)", "the Databricks CLI (…)" */
	char *profile;         /* profile read, NULL when the file was not used */
	char *config_file;     /* the file considered (even if not read) */
	bool file_used;        /* a profile of config_file supplied values */
	char *host_source;     /* "--host", "DATABRICKS_HOST", or "FILE [PROFILE]" */
	char *warning;         /* e.g. a permission warning with the fix; NULL if none */
	char *note;            /* what an explicit -p ignored in the environment; NULL if none */
};

/* Resolve flags + environment + file into out (zeroed first).
 * Returns PATROL_OK, or PATROL_CONFIG with err->message naming the file, the
 * profile and the missing or bad key ("profile 'prod' not found in
 * /home/a/.databrickscfg; profiles there: DEFAULT, dev", "no host: set
 * DATABRICKS_HOST or add host to [DEFAULT] in FILE", "http:// is only
 * allowed for loopback hosts", "auth_type is databricks-cli, but databricks
 * is not on PATH: install the Databricks CLI …").
 * On error out is freed. */
enum patrol_status config_resolve(const struct config_flags *flags,
				  config_getenv_fn getenv_fn, void *env_ctx,
				  struct config *out, struct patrol_err *err);
/* Free everything in c, wiping secrets. */
void config_free(struct config *c);
/* The id of the token this session authenticates with (the SHA-256 of a
 * PAT, which is what the Token API calls its token_id) into out, or ""
 * when c is not a PAT: the one definition both faces flag and protect. */
void config_self_id(const struct config *c, char out[65]);
/* A getenv_fn over the real environment (ctx unused). */
const char *config_getenv_real(const char *name, void *ctx);
/* Wipe DATABRICKS_TOKEN, DATABRICKS_CLIENT_SECRET, ARM_CLIENT_SECRET and
 * DATABRICKS_OIDC_TOKEN in the real environment so /proc/PID/environ no
 * longer shows them. Call after config_resolve; safe to call twice. */
void config_scrub_environ(void);

/* Normalize a host: no scheme means https://; strip a trailing '/' and ':443'
 * on https; reject paths, queries, control characters, other schemes, and
 * http:// for anything but a loopback host (127.0.0.0/8, localhost, [::1]).
 * *out is malloc'd. */
enum patrol_status config_normalize_host(const char *in, char **out, struct patrol_err *err);
/* True when libcurl would take url as a proxy: a proxy scheme (http,
 * https, socks4, socks4a, socks5, socks5h; none is http, as for libcurl,
 * which reads a host starting with "ftp." and the like as another scheme),
 * a host (a name without the bytes URLs forbid there, or a valid [IPv6]),
 * a port from 1 to 65535 if any. Only what certainly fails is refused.
 * Otherwise why (n bytes) says what is wrong, never quoting the user name,
 * password or host. */
bool config_proxy_check(const char *url, char *why, size_t n);
/* True when the host part of a normalized URL is loopback. */
bool config_host_is_loopback(const char *url);

/* True when the normalized URL is an account console (its host starts
 * with "accounts." or "accounts-dod."): no workspace tokens live there. */
bool config_host_is_account(const char *url);

/* A profile of the config file, for choosing several workspaces. */
struct config_profile {
	char *name;
	char *host;            /* normalized; NULL when absent or malformed */
	bool account;          /* the host is an account console */
	/* A malformed host: as the file writes it, any password replaced by
	 * <redacted> (for showing), and why it is refused, in words that
	 * follow "it" ("has an invalid host: host must not have a path ...",
	 * config_normalize_host's reason); both NULL otherwise. */
	char *bad_host, *bad_host_why;
};
/* The profiles of the config file the environment names
 * (DATABRICKS_CONFIG_FILE, else ~/.databrickscfg), in file order, without
 * [__settings__]. *file is the path (malloc'd, also on error: free it).
 * Free *out with config_profiles_free. */
enum patrol_status config_profiles(config_getenv_fn getenv_fn, void *env_ctx,
				   struct config_profile **out, size_t *n, char **file,
				   struct patrol_err *err);
void config_profiles_free(struct config_profile *v, size_t n);

#endif
