/*
 * config.h: where patrol finds the workspace and the credentials.
 *
 * Resolution follows the Databricks tools exactly (token-api.md,
 * "Authentication"): command-line flags, then the DATABRICKS_* environment,
 * then a profile of ~/.databrickscfg. Per attribute, a higher source wins.
 * The file is skipped when no profile was named (by -p or
 * DATABRICKS_CONFIG_PROFILE) and the environment already gave a host or
 * credentials. No network is used here.
 *
 * The environment is read through a callback so tests can pass a fake one.
 */
#ifndef PATROL_CONFIG_H
#define PATROL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum config_auth {
	CONFIG_AUTH_NONE,      /* nothing usable was found */
	CONFIG_AUTH_PAT,       /* personal access token */
	CONFIG_AUTH_OAUTH_M2M, /* client id + secret -> OAuth access token */
};

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
	enum config_auth auth;
	char *token;           /* PAT (secret) or NULL */
	char *client_id;       /* OAuth M2M or NULL */
	char *client_secret;   /* OAuth M2M (secret) or NULL */
	char *account_id;      /* informational, may be NULL */
	char *workspace_id;    /* informational, may be NULL */
	char *ca_file;         /* --ca-file, else SSL_CERT_FILE, else CURL_CA_BUNDLE, else NULL */
	char *profile;         /* profile read, NULL when the file was not used */
	char *config_file;     /* the file considered (even if not read) */
	bool file_used;        /* a profile of config_file supplied values */
	char *host_source;     /* "--host", "DATABRICKS_HOST", or "FILE [PROFILE]" */
	char *warning;         /* e.g. a permission warning with the fix; NULL if none */
};

/* Resolve flags + environment + file into out (zeroed first).
 * Returns PATROL_OK, or PATROL_CONFIG with err->message naming the file, the
 * profile and the missing or bad key ("profile 'prod' not found in
 * /home/a/.databrickscfg", "no host: set DATABRICKS_HOST or add host to
 * [DEFAULT] in FILE", "http:// is only allowed for loopback hosts").
 * On error out is freed. */
enum patrol_status config_resolve(const struct config_flags *flags,
				  config_getenv_fn getenv_fn, void *env_ctx,
				  struct config *out, struct patrol_err *err);
/* Free everything in c, wiping secrets. */
void config_free(struct config *c);
/* A getenv_fn over the real environment (ctx unused). */
const char *config_getenv_real(const char *name, void *ctx);
/* Copy and wipe DATABRICKS_TOKEN and DATABRICKS_CLIENT_SECRET in the real
 * environment so /proc/PID/environ no longer shows them. Call after
 * config_resolve; safe to call twice. */
void config_scrub_environ(void);

/* Normalize a host: no scheme means https://; strip a trailing '/' and ':443'
 * on https; reject paths, queries, control characters, other schemes, and
 * http:// for anything but a loopback host (127.0.0.0/8, localhost, [::1]).
 * *out is malloc'd. */
enum patrol_status config_normalize_host(const char *in, char **out, struct patrol_err *err);
/* True when the host part of a normalized URL is loopback. */
bool config_host_is_loopback(const char *url);

/* ---- INI (~/.databrickscfg) ------------------------------------------- */
struct ini;
/* Parse a file: opened O_NOFOLLOW, fstat'ed: another user's file is refused
 * (PATROL_CONFIG); a file group or others can read sets *warning (malloc'd)
 * to a message with the fix "chmod 600 FILE". A missing file is PATROL_IO
 * with errno ENOENT left in err->message. Syntax errors name FILE:LINE. */
enum patrol_status ini_parse_file(const char *path, struct ini **out, char **warning,
				  struct patrol_err *err);
/* Parse text (tests, fuzzing). name is used in error messages. */
enum patrol_status ini_parse_string(const char *text, size_t len, const char *name,
				    struct ini **out, struct patrol_err *err);
/* Value of key in section, or NULL. Section and key names are case-sensitive. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
bool ini_has_section(const struct ini *ini, const char *section);
/* Number of sections, and the i-th name, in file order. */
size_t ini_section_count(const struct ini *ini);
const char *ini_section_name(const struct ini *ini, size_t i);
/* Free (wiping values: they may be tokens). */
void ini_free(struct ini *ini);

#endif
