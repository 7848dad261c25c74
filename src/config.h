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
 * The CA file comes from --ca-file, else SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
 * CURL_CA_BUNDLE (in this order); the CA directory from SSL_CERT_DIR; the
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
	char *ca_file;         /* --ca-file, SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE */
	char *ca_dir;          /* SSL_CERT_DIR, or NULL */
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
/* True when the host part of a normalized URL is loopback. */
bool config_host_is_loopback(const char *url);

/* ---- INI (~/.databrickscfg, patrol's own settings) --------------------- */
struct ini;
/* What a file holds, which decides its permission warning and whether it
 * may be missing. */
enum ini_kind {
	INI_SECRETS,	/* credentials: warn when group or others can read it
			 * ("FILE is readable by other users; fix with: chmod
			 * 600 FILE"); a missing file is an error */
	INI_SETTINGS,	/* no secret: warn when group or others can write it
			 * ("FILE is writable by other users; fix with: chmod
			 * go-w FILE"); a missing file is not an error */
};
/* Parse a file. A symbolic link (dotfile managers make them) is followed
 * when the link itself is ours; the file opened is fstat'ed: not a regular
 * file, another user's file or a file every user may write is PATROL_CONFIG
 * (with the fix); at most 1 MiB; syntax errors name FILE:LINE. *warning (may be NULL: no
 * warning wanted) is set to NULL, or to a malloc'd message with the fix
 * that kind calls for; it is NULL again after an error. *missing (may be
 * NULL) tells whether the file does not exist (ENOENT or ENOTDIR): for
 * INI_SETTINGS that is PATROL_OK with *out NULL and err untouched, for
 * INI_SECRETS PATROL_IO ("cannot open FILE: No such file or directory").
 * The text is read into wiped memory and its values are wiped on ini_free,
 * whatever the kind. */
enum patrol_status ini_parse_file_kind(const char *path, enum ini_kind kind,
				       struct ini **out, char **warning, bool *missing,
				       struct patrol_err *err);
/* ini_parse_file_kind(path, INI_SECRETS, out, warning, NULL, err). */
enum patrol_status ini_parse_file(const char *path, struct ini **out, char **warning,
				  struct patrol_err *err);
/* Parse text (tests, fuzzing). name is used in error messages. */
enum patrol_status ini_parse_string(const char *text, size_t len, const char *name,
				    struct ini **out, struct patrol_err *err);
/* Value of key in section, or NULL. Section and key names are case-sensitive.
 * A key given more than once in a section (even across repeated headers of
 * it): the last one wins. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
bool ini_has_section(const struct ini *ini, const char *section);
/* Number of sections, and the i-th name, in file order of first appearance
 * (a repeated section is merged into the first). NULL when i is too big. */
size_t ini_section_count(const struct ini *ini);
const char *ini_section_name(const struct ini *ini, size_t i);
/* Line (from 1) of the first "[name]" header of the i-th section; 0 when i
 * is too big, or for a DEFAULT that only holds keys met before any header
 * and never had a header. So a key's line is below its section's line, or
 * its section's line is 0, exactly when it came before any header. */
size_t ini_section_line(const struct ini *ini, size_t i);
/* Every key occurrence of section, in file order, repeats included (merged
 * sections: all of their occurrences, in file order): the count (0 for no
 * such section), then the i-th name, value and line (from 1). ini_get
 * returns the value of the last occurrence of a name. Out of range: NULL,
 * NULL, 0. Each lookup walks the sections (as ini_get does). */
size_t ini_key_count(const struct ini *ini, const char *section);
const char *ini_key_name(const struct ini *ini, const char *section, size_t i);
const char *ini_key_value(const struct ini *ini, const char *section, size_t i);
size_t ini_key_line(const struct ini *ini, const char *section, size_t i);
/* Free (wiping values: they may be tokens). */
void ini_free(struct ini *ini);

#endif
