/*
 * auth.c: the table of auth types, choosing one, and the sign-in state
 * machine the worker drives (auth.h).
 *
 * Each type has a row: what it needs (AUTH_TYPES in auth.h), how to tell
 * whether it fits and why not (detect), and how its token is fetched (flow):
 *   static   the PAT is the bearer token;
 *   oauth    discovery at {host}/oidc/.well-known/oauth-authorization-server,
 *            then a form POST to the token endpoint: client credentials with
 *            HTTP Basic (oauth-m2m), or an RFC 8693 token exchange of a JWT
 *            (env-oidc, file-oidc);
 *   entra    a form POST to {login}{tenant}/oauth2/token (Entra ID v1);
 *   helper   a program prints the token as JSON (databricks-cli, azure-cli).
 * A session holds one fetch at a time: idle, discovering, asking for the
 * token, or waiting for a helper; a failure is handed out once and the next
 * call for a token starts again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "api_auth.h"
#include "auth.h"
#include "buf.h"
#include "helper.h"
#include "sanitize.h"
#include "secret.h"

#define AUTH_MARGIN_MS 60000         /* refresh a token this long before it expires */
#define AUTH_AZURE_MARGIN_MS 40000   /* Azure Databricks refuses tokens with <= 30 s left */
#define AUTH_DEFAULT_LIFE_S 3600     /* an OAuth answer without expires_in */
#define AUTH_HELPER_LIFE_S 300       /* a helper that does not say when its token expires */
#define AUTH_MAX_LIFE_S (365 * 86400)
#define AUTH_FILE_MAX (64 * 1024)
#define AUTH_WHY_MAX 4096
#define AUTH_STDERR_SHOWN 300
#define AUTH_DISCOVERY_PATH "/oidc/.well-known/oauth-authorization-server"
#define AUTH_CLI_INSTALL "install the Databricks CLI " \
	"(https://docs.databricks.com/dev-tools/cli/install.html) or set databricks_cli_path"
#define AUTH_AZ_INSTALL "install the Azure CLI " \
	"(https://learn.microsoft.com/cli/azure/install-azure-cli)"

enum auth_flow { FLOW_STATIC, FLOW_OAUTH, FLOW_ENTRA, FLOW_HELPER };

/* What the X-macro of auth.h gives for a type. */
struct auth_kind {
	const char *name;
	unsigned needs, keeps;
};

/* How a type is detected and fetched. */
struct auth_way {
	enum auth_flow flow;
	const char *program;         /* helper program on PATH */
	/* Does the type fit? why says why not. */
	bool (*detect)(const struct auth_probe *p, enum auth_type t, struct auth_choice *c,
		       char *why, size_t n);
};

static bool auth_detect_creds(const struct auth_probe *, enum auth_type, struct auth_choice *,
			      char *, size_t);
static bool auth_detect_cli(const struct auth_probe *, enum auth_type, struct auth_choice *,
			    char *, size_t);
static bool auth_detect_az(const struct auth_probe *, enum auth_type, struct auth_choice *,
			   char *, size_t);

#define AUTH_ROW(e, nm, nd, kp) [AUTH_##e] = { nm, nd, kp },
static const struct auth_kind auth_kinds[AUTH_TYPE_COUNT] = { AUTH_TYPES(AUTH_ROW) };
#undef AUTH_ROW

/* The rows are in the SDKs' order: the default chain walks them so. */
static const struct auth_way auth_ways[AUTH_TYPE_COUNT] = {
	[AUTH_PAT] = { FLOW_STATIC, NULL, auth_detect_creds },
	[AUTH_OAUTH_M2M] = { FLOW_OAUTH, NULL, auth_detect_creds },
	[AUTH_ENV_OIDC] = { FLOW_OAUTH, NULL, auth_detect_creds },
	[AUTH_FILE_OIDC] = { FLOW_OAUTH, NULL, auth_detect_creds },
	[AUTH_DATABRICKS_CLI] = { FLOW_HELPER, "databricks", auth_detect_cli },
	[AUTH_AZURE_CLIENT_SECRET] = { FLOW_ENTRA, NULL, auth_detect_creds },
	[AUTH_AZURE_CLI] = { FLOW_HELPER, "az", auth_detect_az },
};

/* Names of the AUTH_N_* bits, in bit order, for messages. */
static const char *const auth_need_names[] = {
	"token", "client_id", "client_secret", "azure_client_id", "azure_client_secret",
	"azure_tenant_id", "DATABRICKS_OIDC_TOKEN", "oidc_token_filepath",
};

/* Documented Databricks account hosts: an OAuth token endpoint may be there. */
static const char *const auth_account_hosts[] = {
	"accounts.cloud.databricks.com", "accounts.azuredatabricks.net",
	"accounts.gcp.databricks.com", "accounts.cloud.databricks.us",
	"accounts-dod.cloud.databricks.mil",
};

/* Suffixes of Azure Databricks workspace hosts. */
static const char *const auth_azure_suffixes[] = {
	".azuredatabricks.net", ".databricks.azure.us", ".databricks.azure.cn",
};

const char *
auth_name(enum auth_type t)
{
	if ((int)t < 0 || t >= AUTH_TYPE_COUNT)
		return "none";
	return auth_kinds[t].name;
}

enum auth_type
auth_find(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < AUTH_TYPE_COUNT; i++) {
		if (strcmp(name, auth_kinds[i].name) == 0)
			return (enum auth_type)i;
	}
	return AUTH_NONE;
}

const char *
auth_names(void)
{
#define AUTH_NAME_LIST(e, nm, nd, kp) ", " nm
	static const char list[] = AUTH_TYPES(AUTH_NAME_LIST);
#undef AUTH_NAME_LIST

	return list + 2;
}

unsigned
auth_needs(enum auth_type t)
{
	return (int)t < 0 || t >= AUTH_TYPE_COUNT ? 0 : auth_kinds[t].needs;
}

unsigned
auth_keeps(enum auth_type t)
{
	return (int)t < 0 || t >= AUTH_TYPE_COUNT ? 0 : auth_kinds[t].keeps;
}

bool
auth_uses_helper(enum auth_type t)
{
	return (int)t >= 0 && t < AUTH_TYPE_COUNT && auth_ways[t].flow == FLOW_HELPER;
}

/* Copy the host of url (no port, lower case) into out; false when none. */
static bool
auth_url_host(const char *url, char *out, size_t n)
{
	const char *h = url != NULL ? strstr(url, "://") : NULL;
	size_t len, i;

	if (h == NULL)
		return false;
	h += 3;
	len = *h == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?#");
	if (len == 0 || len >= n)
		return false;
	for (i = 0; i < len; i++)
		out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	out[len] = '\0';
	return true;
}

static bool
auth_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && strcmp(s + a - b, suffix) == 0;
}

bool
auth_host_is_azure(const char *url)
{
	char host[256];
	size_t i;

	if (!auth_url_host(url, host, sizeof host))
		return false;
	for (i = 0; i < sizeof auth_azure_suffixes / sizeof auth_azure_suffixes[0]; i++) {
		if (auth_ends_with(host, auth_azure_suffixes[i]))
			return true;
	}
	return false;
}

/* ---- choosing --------------------------------------------------------- */

/* List the names of the bits of mask into out ("client_id and client_secret"). */
static void
auth_need_list(unsigned mask, char *out, size_t n)
{
	size_t i, k = 0, total = 0, len = 0;

	for (i = 0; i < sizeof auth_need_names / sizeof auth_need_names[0]; i++)
		total += (mask >> i) & 1u;
	out[0] = '\0';
	for (i = 0; i < sizeof auth_need_names / sizeof auth_need_names[0] && len < n; i++) {
		if (!((mask >> i) & 1u))
			continue;
		k++;
		len += (size_t)snprintf(out + len, n - len, "%s%s",
		    k == 1 ? "" : k == total ? " and " : ", ", auth_need_names[i]);
	}
}

static bool
auth_detect_creds(const struct auth_probe *p, enum auth_type t, struct auth_choice *c,
		  char *why, size_t n)
{
	unsigned needs = auth_kinds[t].needs, lack = needs & ~p->have;
	char names[160];

	(void)c;
	if (lack == 0)
		return true;
	auth_need_list(lack, names, sizeof names);
	snprintf(why, n, "no %s", names);
	return false;
}

/* An executable regular file? */
static bool
auth_executable(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

/* Find name (no '/') on PATH; a malloc'd absolute path, or NULL. */
static char *
auth_which(const char *name, const char *path_env)
{
	const char *dir = path_env, *end;
	struct buf b;
	char *found = NULL;
	size_t len;

	for (; dir != NULL && found == NULL; dir = *end ? end + 1 : NULL) {
		end = dir + strcspn(dir, ":");
		len = (size_t)(end - dir);
		buf_init(&b, 0);
		if (buf_printf(&b, "%.*s/%s", (int)(len ? len : 1), len ? dir : ".", name) == 0 &&
		    b.data[0] == '/' && auth_executable(b.data))
			found = buf_take(&b);
		buf_free(&b);
	}
	return found;
}

/* Find the helper program of t: p->cli_path for the Databricks CLI when set
 * (a bare name is looked up on PATH), else its name on PATH. */
static bool
auth_find_helper(const struct auth_probe *p, enum auth_type t, struct auth_choice *c,
		 char *why, size_t n)
{
	const char *want = auth_ways[t].program;

	if (t == AUTH_DATABRICKS_CLI && p->cli_path != NULL)
		want = p->cli_path;
	free(c->helper);
	c->helper = NULL;
	if (strchr(want, '/') != NULL) {
		if (auth_executable(want))
			c->helper = strdup(want);
		else
			snprintf(why, n, "databricks_cli_path %s is not an executable file", want);
	} else if ((c->helper = auth_which(want, p->path_env)) == NULL)
		snprintf(why, n, "%s is not on PATH", want);
	return c->helper != NULL;
}

static bool
auth_detect_cli(const struct auth_probe *p, enum auth_type t, struct auth_choice *c,
		char *why, size_t n)
{
	return auth_find_helper(p, t, c, why, n);
}

static bool
auth_detect_az(const struct auth_probe *p, enum auth_type t, struct auth_choice *c,
	       char *why, size_t n)
{
	if (p->forced != t && !auth_host_is_azure(p->host)) {
		snprintf(why, n, "not an Azure Databricks host");
		return false;
	}
	return auth_find_helper(p, t, c, why, n);
}

/* Append "auth: NAME: TEXT" to the explanation. */
static int
auth_why_add(struct buf *b, enum auth_type t, const char *text)
{
	return buf_printf(b, "auth: %s: %s\n", auth_kinds[t].name, text);
}

/* A forced type: its needs and its helper. */
static int
auth_choose_forced(const struct auth_probe *p, struct auth_choice *c, struct buf *why)
{
	enum auth_type t = p->forced;
	char reason[256] = "", text[320];

	c->missing = auth_kinds[t].needs & ~p->have;
	if (c->missing != 0)
		return auth_why_add(why, t, "forced by auth_type, but incomplete");
	if (auth_ways[t].flow == FLOW_HELPER && !auth_ways[t].detect(p, t, c, reason, sizeof reason)) {
		snprintf(c->helper_err, sizeof c->helper_err, "auth_type is %s, but %s: %s",
			 auth_kinds[t].name, reason,
			 t == AUTH_DATABRICKS_CLI ? AUTH_CLI_INSTALL : AUTH_AZ_INSTALL);
		snprintf(text, sizeof text, "forced by auth_type, but %s", reason);
		return auth_why_add(why, t, text);
	}
	c->type = t;
	snprintf(text, sizeof text, "chosen: forced by auth_type%s%s%s", c->helper ? " (" : "",
		 c->helper ? c->helper : "", c->helper ? ")" : "");
	return auth_why_add(why, t, text);
}

/* The Databricks CLI was chosen by the default order: the next type that
 * fits is its fallback (the SDKs skip the CLI when nobody signed in). */
static int
auth_choose_fallback(const struct auth_probe *p, int from, struct auth_choice *c,
		     struct buf *why)
{
	struct auth_choice next;
	char reason[256], text[320];
	int t;

	memset(&next, 0, sizeof next);
	for (t = from; t < AUTH_TYPE_COUNT; t++) {
		if (!auth_ways[t].detect(p, (enum auth_type)t, &next, reason, sizeof reason))
			continue;
		c->fallback = (enum auth_type)t;
		c->fallback_helper = next.helper;
		snprintf(text, sizeof text, "fits too: used if the Databricks CLI says nobody "
			 "signed in for this host");
		return auth_why_add(why, c->fallback, text);
	}
	free(next.helper);
	return 0;
}

/* The SDKs' order: the first type that fits. */
static int
auth_choose_default(const struct auth_probe *p, struct auth_choice *c, struct buf *why)
{
	char reason[256], text[320];
	int t, rc = 0;

	for (t = 0; t < AUTH_TYPE_COUNT && rc == 0; t++) {
		reason[0] = '\0';
		if (auth_ways[t].detect(p, (enum auth_type)t, c, reason, sizeof reason)) {
			c->type = (enum auth_type)t;
			snprintf(text, sizeof text, "chosen%s%s%s", c->helper ? " (" : "",
				 c->helper ? c->helper : "", c->helper ? ")" : "");
			rc = auth_why_add(why, c->type, text);
			if (rc == 0 && c->type == AUTH_DATABRICKS_CLI)
				rc = auth_choose_fallback(p, t + 1, c, why);
			return rc;
		}
		snprintf(text, sizeof text, "skipped: %s", reason);
		rc = auth_why_add(why, (enum auth_type)t, text);
	}
	return rc;
}

enum patrol_status
auth_choose(const struct auth_probe *p, struct auth_choice *out, struct patrol_err *err)
{
	struct buf why;
	int rc;

	memset(out, 0, sizeof *out);
	out->type = out->fallback = AUTH_NONE;
	buf_init(&why, AUTH_WHY_MAX);
	if (p->forced != AUTH_NONE)
		rc = auth_choose_forced(p, out, &why);
	else
		rc = auth_choose_default(p, out, &why);
	if (rc == 0 && why.len > 0 && why.data[why.len - 1] == '\n')
		why.data[--why.len] = '\0';
	if (rc != 0 || (out->why = buf_take(&why)) == NULL) {
		buf_free(&why);
		auth_choice_free(out);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	return PATROL_OK;
}

void
auth_choice_free(struct auth_choice *c)
{
	free(c->helper);
	free(c->fallback_helper);
	free(c->why);
	c->helper = c->fallback_helper = c->why = NULL;
}

/* ---- the session -------------------------------------------------------- */

enum auth_state {
	ST_IDLE,          /* nothing under way */
	ST_DISCOVER,      /* the discovery request is out */
	ST_TOKEN,         /* the token request is out */
	ST_HELPER,        /* the helper program runs */
	ST_FAILED,        /* err holds why; handed out once */
};

struct auth_session {
	enum auth_type type;
	enum auth_flow flow;
	char *host;
	char *token;                /* pat (secret) */
	char *client_id;
	char *client_secret;        /* secret */
	char *azure_client_id;
	char *azure_client_secret;  /* secret */
	char *tenant;
	char *login_url;
	char *oidc_token;           /* secret */
	char *oidc_file;
	char *profile;              /* databricks-cli: --profile */
	enum auth_type fallback;    /* when the CLI says nobody signed in */
	char *fallback_helper;
	char **argv;                /* the helper's */
	char **envp;
	char *cmdline;              /* "databricks auth token --profile p" */
	char *fix;                  /* "run `databricks auth login --profile p`" */
	int64_t helper_timeout_ms;
	char *endpoint;             /* discovered token endpoint */
	char *access;               /* secret */
	int64_t expires;            /* monotonic ms */
	int64_t margin;
	unsigned gen;
	enum auth_state state;
	struct helper *helper;
	int64_t started;            /* monotonic ms: the helper's start */
	struct patrol_err err;
	char note[256];             /* for --debug, taken by auth_session_note */
};

/* Variables the helper does not get: we pass --profile or --host ourselves,
 * so the environment cannot send it elsewhere (databricks/cli#1194), and
 * secrets it has no use for. */
static const char *const auth_env_drop[] = {
	"DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID",
	"DATABRICKS_CLIENT_SECRET", "DATABRICKS_AUTH_TYPE", "DATABRICKS_CONFIG_PROFILE",
	"DATABRICKS_OIDC_TOKEN", "ARM_CLIENT_SECRET",
};

extern char **environ;

static int64_t
auth_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
auth_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static bool
auth_env_dropped(const char *kv)
{
	size_t i, n;

	for (i = 0; i < sizeof auth_env_drop / sizeof auth_env_drop[0]; i++) {
		n = strlen(auth_env_drop[i]);
		if (strncmp(kv, auth_env_drop[i], n) == 0 && kv[n] == '=')
			return true;
	}
	return false;
}

/* A copy of the environment without the dropped variables. */
static char **
auth_env_snapshot(void)
{
	size_t n = 0, i, k = 0;
	char **v;

	while (environ != NULL && environ[n] != NULL)
		n++;
	if ((v = calloc(n + 1, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (auth_env_dropped(environ[i]))
			continue;
		if ((v[k++] = strdup(environ[i])) == NULL) {
			auth_strv_free(v);
			return NULL;
		}
	}
	return v;
}

/* Build the helper's argv (argv[0] is its path), the command line shown in
 * messages and the fix for a failed sign-in. */
static int
auth_helper_argv(struct auth_session *s, const char *helper)
{
	const char *base = strrchr(helper, '/') ? strrchr(helper, '/') + 1 : helper;
	const char *v[12];
	struct buf line, fix;
	size_t n = 0, i;

	v[n++] = helper;
	if (s->type == AUTH_DATABRICKS_CLI) {
		v[n++] = "auth"; v[n++] = "token";
		v[n++] = s->profile ? "--profile" : "--host";
		v[n++] = s->profile ? s->profile : s->host;
	} else {
		v[n++] = "account"; v[n++] = "get-access-token";
		v[n++] = "--resource"; v[n++] = AUTH_AZURE_RESOURCE;
		v[n++] = "--output"; v[n++] = "json";
		if (s->tenant != NULL) {
			v[n++] = "--tenant";
			v[n++] = s->tenant;
		}
	}
	if ((s->argv = calloc(n + 1, sizeof *s->argv)) == NULL)
		return -1;
	buf_init(&line, 0);
	buf_init(&fix, 0);
	for (i = 0; i < n; i++) {
		if ((s->argv[i] = strdup(v[i])) == NULL ||
		    buf_printf(&line, "%s%s", i ? " " : "", i ? v[i] : base) != 0)
			goto fail;
	}
	if (s->type == AUTH_DATABRICKS_CLI ?
	    buf_printf(&fix, "run `databricks auth login %s %s`", v[3], v[4]) :
	    buf_printf(&fix, "run `az login%s%s`", s->tenant ? " --tenant " : "",
		       s->tenant ? s->tenant : ""))
		goto fail;
	s->cmdline = buf_take(&line);
	s->fix = buf_take(&fix);
	return s->cmdline != NULL && s->fix != NULL ? 0 : -1;
fail:
	buf_free(&line);
	buf_free(&fix);
	return -1;
}

/* strdup (secret_strdup when secret) that treats NULL as NULL. */
static int
auth_dup(char **dst, const char *src, bool secret)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = secret ? secret_strdup(src) : strdup(src);
	return *dst != NULL ? 0 : -1;
}

static int
auth_copy(struct auth_session *s, const struct auth_setup *a)
{
	int rc = 0;

	rc |= auth_dup(&s->host, a->host, false);
	rc |= auth_dup(&s->token, a->token, true);
	rc |= auth_dup(&s->client_id, a->client_id, false);
	rc |= auth_dup(&s->client_secret, a->client_secret, true);
	rc |= auth_dup(&s->azure_client_id, a->azure_client_id, false);
	rc |= auth_dup(&s->azure_client_secret, a->azure_client_secret, true);
	rc |= auth_dup(&s->tenant, a->azure_tenant_id, false);
	rc |= auth_dup(&s->login_url, a->azure_login_url, false);
	rc |= auth_dup(&s->oidc_token, a->oidc_token, true);
	rc |= auth_dup(&s->oidc_file, a->oidc_token_file, false);
	rc |= auth_dup(&s->profile, a->profile, false);
	rc |= auth_dup(&s->fallback_helper, a->fallback_helper, false);
	if (rc == 0 && s->flow == FLOW_HELPER)
		rc = (a->helper == NULL || auth_helper_argv(s, a->helper) != 0 ||
		      (s->envp = auth_env_snapshot()) == NULL) ? -1 : 0;
	return rc;
}

enum patrol_status
auth_session_new(const struct auth_setup *a, struct auth_session **out,
		 struct patrol_err *err)
{
	struct auth_session *s;

	*out = NULL;
	if ((int)a->type < 0 || a->type >= AUTH_TYPE_COUNT || a->host == NULL)
		return status_set(err, PATROL_CONFIG, "no way to sign in was chosen");
	if ((s = calloc(1, sizeof *s)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	s->type = a->type;
	s->flow = auth_ways[a->type].flow;
	/* only what the default order puts after the CLI (a zeroed setup is pat) */
	s->fallback = a->type == AUTH_DATABRICKS_CLI && a->fallback > AUTH_DATABRICKS_CLI &&
		      a->fallback < AUTH_TYPE_COUNT ? a->fallback : AUTH_NONE;
	s->helper_timeout_ms = a->helper_timeout_ms > 0 ? a->helper_timeout_ms : 30000;
	if (auth_copy(s, a) != 0) {
		auth_session_free(s);
		return status_set(err, PATROL_NOMEM, "out of memory setting up sign-in");
	}
	*out = s;
	return PATROL_OK;
}

void
auth_session_free(struct auth_session *s)
{
	if (s == NULL)
		return;
	helper_free(s->helper);
	free(s->host);
	secret_free(s->token);
	free(s->client_id);
	secret_free(s->client_secret);
	free(s->azure_client_id);
	secret_free(s->azure_client_secret);
	free(s->tenant);
	free(s->login_url);
	secret_free(s->oidc_token);
	free(s->oidc_file);
	free(s->profile);
	free(s->fallback_helper);
	auth_strv_free(s->argv);
	auth_strv_free(s->envp);
	free(s->cmdline);
	free(s->fix);
	free(s->endpoint);
	secret_free(s->access);
	free(s);
}

enum auth_type
auth_session_type(const struct auth_session *s)
{
	return s->type;
}

const char *
auth_session_bearer(struct auth_session *s, int64_t now, unsigned *gen)
{
	if (gen != NULL)
		*gen = s->gen;
	if (s->flow == FLOW_STATIC)
		return s->token;
	if (s->access != NULL && s->expires - now > s->margin)
		return s->access;
	return NULL;
}

/* Remember why the fetch failed; the next auth_session_next hands it out. */
static void
auth_fail(struct auth_session *s, enum patrol_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
auth_fail(struct auth_session *s, enum patrol_status st, const char *fmt, ...)
{
	char msg[sizeof s->err.message];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	status_clear(&s->err);
	status_set(&s->err, st, "%s", msg);
	s->state = ST_FAILED;
}

/* Keep a new token that lives life_ms from now. */
static void
auth_take_token(struct auth_session *s, char *access, int64_t life_ms, int64_t now)
{
	int64_t margin = life_ms / 2 < AUTH_MARGIN_MS ? life_ms / 2 : AUTH_MARGIN_MS;

	if (s->type == AUTH_AZURE_CLI || s->type == AUTH_AZURE_CLIENT_SECRET) {
		if (margin < AUTH_AZURE_MARGIN_MS)
			margin = AUTH_AZURE_MARGIN_MS;
	}
	if (life_ms <= margin) {
		secret_free(access);
		auth_fail(s, PATROL_UNAUTHENTICATED, "%s: the token %s gave expires in %lld s, "
			  "too soon to use%s%s", auth_kinds[s->type].name,
			  s->cmdline ? s->cmdline : "the sign-in", (long long)(life_ms / 1000),
			  s->fix ? ": " : "", s->fix ? s->fix : "");
		return;
	}
	secret_free(s->access);
	s->access = access;
	s->expires = now + life_ms;
	s->margin = margin;
	s->gen++;
	s->state = ST_IDLE;
	snprintf(s->note, sizeof s->note, "auth: %s: new token, valid for %lld s",
		 auth_kinds[s->type].name, (long long)(life_ms / 1000));
}

void
auth_session_cancel(struct auth_session *s)
{
	helper_free(s->helper);
	s->helper = NULL;
	if (s->state != ST_FAILED)
		s->state = ST_IDLE;
}

void
auth_session_drop(struct auth_session *s, unsigned gen)
{
	if (gen != s->gen || s->flow == FLOW_STATIC)
		return;
	secret_free(s->access);
	s->access = NULL;
}

void
auth_session_note(struct auth_session *s, char *out, size_t n)
{
	snprintf(out, n, "%s", s->note);
	s->note[0] = '\0';
}

void
auth_session_basic(const struct auth_session *s, const char **user, const char **pass)
{
	*user = *pass = NULL;
	if (s->type == AUTH_OAUTH_M2M && s->state == ST_TOKEN) {
		*user = s->client_id;
		*pass = s->client_secret;
	}
}

size_t
auth_session_secrets(const struct auth_session *s, const char **v, size_t max)
{
	const char *all[] = { s->token, s->client_secret, s->azure_client_secret,
			      s->oidc_token, s->access };
	size_t i, n = 0;

	for (i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
		if (all[i] != NULL && all[i][0] != '\0')
			v[n++] = all[i];
	return n;
}

/* ---- OAuth requests ----------------------------------------------------- */

/* What a discovery or token answer parses into. */
struct auth_answer {
	char *endpoint;
	char *access;               /* secret */
	int64_t expires_in;
};

static void
auth_answer_free(void *p)
{
	struct auth_answer *a = p;

	if (a == NULL)
		return;
	free(a->endpoint);
	secret_free(a->access);
	free(a);
}

static enum patrol_status
auth_parse_discovery(struct call *c, const char *body, size_t len)
{
	struct auth_answer *a = calloc(1, sizeof *a);
	enum patrol_status st;

	if (a == NULL)
		return status_set(&c->err, PATROL_NOMEM, "out of memory");
	if ((st = api_parse_oauth_discovery(body, len, &a->endpoint, &c->err)) != PATROL_OK) {
		auth_answer_free(a);
		return st;
	}
	c->result = a;
	c->result_free = auth_answer_free;
	return PATROL_OK;
}

static enum patrol_status
auth_parse_token(struct call *c, const char *body, size_t len)
{
	struct auth_answer *a = calloc(1, sizeof *a);
	enum patrol_status st;

	if (a == NULL)
		return status_set(&c->err, PATROL_NOMEM, "out of memory");
	st = api_parse_oauth_token(body, len, &a->access, &a->expires_in, &c->err);
	if (st != PATROL_OK) {
		auth_answer_free(a);
		return st;
	}
	c->result = a;
	c->result_free = auth_answer_free;
	return PATROL_OK;
}

/* Append "&key=value" (value percent-encoded) to a form body. */
static int
auth_form(struct buf *b, const char *key, const char *value)
{
	if (buf_printf(b, "%s%s=", b->len ? "&" : "", key) != 0)
		return -1;
	return buf_addenc(b, value);
}

/* Read the JWT of file-oidc (trimmed) into a secret string. */
static char *
auth_read_jwt(const char *path, struct patrol_err *err)
{
	char chunk[4096];
	struct buf b;
	ssize_t n;
	char *jwt;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		status_set(err, PATROL_CONFIG, "cannot read the OIDC token file %s: %s", path,
			   strerror(errno));
		return NULL;
	}
	buf_init(&b, AUTH_FILE_MAX);
	b.secret = true;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && buf_add(&b, chunk, (size_t)n) == 0)
		continue;
	secret_wipe(chunk, sizeof chunk);
	close(fd);
	while (b.len > 0 && strchr(" \t\r\n", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	if (n != 0 || b.len == 0 || strpbrk(b.data, " \t\r\n") != NULL) {
		buf_free(&b);
		status_set(err, PATROL_CONFIG, "the OIDC token file %s %s", path,
			   n != 0 ? "cannot be read whole" : "holds no token");
		return NULL;
	}
	jwt = buf_take(&b);
	if (jwt == NULL)
		status_set(err, PATROL_NOMEM, "out of memory");
	return jwt;
}

/* The form body of the token request of s (a secret). */
static char *
auth_token_form(struct auth_session *s, struct patrol_err *err)
{
	struct buf b;
	char *jwt = NULL;
	int rc;

	buf_init(&b, 0);
	b.secret = true;
	if (s->type == AUTH_OAUTH_M2M)
		rc = auth_form(&b, "grant_type", "client_credentials") ||
		     auth_form(&b, "scope", "all-apis");
	else if (s->flow == FLOW_ENTRA)
		rc = auth_form(&b, "grant_type", "client_credentials") ||
		     auth_form(&b, "client_id", s->azure_client_id) ||
		     auth_form(&b, "client_secret", s->azure_client_secret) ||
		     auth_form(&b, "resource", AUTH_AZURE_RESOURCE);
	else {
		if (s->type == AUTH_FILE_OIDC && (jwt = auth_read_jwt(s->oidc_file, err)) == NULL) {
			buf_free(&b);
			return NULL;
		}
		rc = auth_form(&b, "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange") ||
		     auth_form(&b, "subject_token_type", "urn:ietf:params:oauth:token-type:jwt") ||
		     auth_form(&b, "subject_token", jwt ? jwt : s->oidc_token) ||
		     auth_form(&b, "scope", "all-apis") ||
		     (s->client_id != NULL && auth_form(&b, "client_id", s->client_id));
		secret_free(jwt);
	}
	if (rc != 0) {
		buf_free(&b);
		status_set(err, PATROL_NOMEM, "out of memory");
		return NULL;
	}
	return buf_take(&b);
}

/* The request for the next step: discovery, or the token. */
static struct call *
auth_request(struct auth_session *s, struct patrol_err *err)
{
	bool discover = s->flow == FLOW_OAUTH && s->endpoint == NULL;
	struct buf url;
	struct call *c = NULL;

	buf_init(&url, 0);
	if (discover ? buf_printf(&url, "%s%s", s->host, AUTH_DISCOVERY_PATH) :
	    s->flow == FLOW_ENTRA ? buf_printf(&url, "%s%s/oauth2/token", s->login_url, s->tenant) :
	    buf_addstr(&url, s->endpoint))
		goto nomem;
	c = call_new(discover ? API_OAUTH_DISCOVER : API_OAUTH_TOKEN, discover ? "GET" : "POST",
		     url.data);
	buf_free(&url);
	if (c == NULL)
		goto nomem;
	c->retry = CALL_RETRY_IDEMPOTENT;
	c->secret_answer = !discover;     /* an access token */
	c->parse = discover ? auth_parse_discovery : auth_parse_token;
	if (!discover && (c->body = auth_token_form(s, err)) == NULL) {
		call_free(c);
		return NULL;
	}
	s->state = discover ? ST_DISCOVER : ST_TOKEN;
	return c;
nomem:
	buf_free(&url);
	status_set(err, PATROL_NOMEM, "out of memory");
	return NULL;
}

/* Split url into its origin "scheme://host[:port]" (lower case, the
 * scheme's default port dropped); false when it has none or a user name. */
static bool
auth_origin(const char *url, char *out, size_t n)
{
	const char *sep = strstr(url, "://"), *auth;
	size_t slen, alen, i;

	if (sep == NULL)
		return false;
	slen = (size_t)(sep - url);
	auth = sep + 3;
	alen = strcspn(auth, "/?#");
	if (alen == 0 || memchr(auth, '@', alen) != NULL || slen + 3 + alen >= n)
		return false;
	for (i = 0; i < slen + 3 + alen; i++)
		out[i] = (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]);
	out[i] = '\0';
	if (strncmp(out, "https://", 8) == 0 && auth_ends_with(out, ":443"))
		out[i - 4] = '\0';
	else if (strncmp(out, "http://", 7) == 0 && auth_ends_with(out, ":80"))
		out[i - 3] = '\0';
	return true;
}

/* Finding 6: a token endpoint on the workspace's own origin, or https on a
 * documented account host. */
static bool
auth_endpoint_allowed(const struct auth_session *s, const char *endpoint)
{
	char mine[512], theirs[512], host[256];
	size_t i;

	if (!auth_origin(s->host, mine, sizeof mine) ||
	    !auth_origin(endpoint, theirs, sizeof theirs))
		return false;
	if (strcmp(mine, theirs) == 0)
		return true;
	if (strncmp(theirs, "https://", 8) != 0 || !auth_url_host(endpoint, host, sizeof host) ||
	    strcmp(theirs + 8, host) != 0)
		return false;
	for (i = 0; i < sizeof auth_account_hosts / sizeof auth_account_hosts[0]; i++) {
		if (strcmp(host, auth_account_hosts[i]) == 0)
			return true;
	}
	return false;
}

/* Take a discovery answer: the endpoint, if it may be used. */
static void
auth_take_endpoint(struct auth_session *s, struct auth_answer *a)
{
	if (a == NULL || a->endpoint == NULL) {
		auth_fail(s, PATROL_PROTOCOL, "OAuth discovery at %s gave no token endpoint", s->host);
		return;
	}
	if (!auth_endpoint_allowed(s, a->endpoint)) {
		auth_fail(s, PATROL_PROTOCOL, "OAuth discovery at %s points the token endpoint to "
			  "%.200s, which is neither this workspace nor a Databricks account host: "
			  "refusing to send credentials there", s->host, a->endpoint);
		return;
	}
	free(s->endpoint);
	s->endpoint = a->endpoint;
	a->endpoint = NULL;
	s->state = ST_IDLE;
}

/* Explain a refused or failed token request. */
static void
auth_token_failed(struct auth_session *s, const struct call *c)
{
	const char *msg = c->err.message;
	long st = c->err.http_status;
	bool refused = st == 400 || st == 401 || st == 403;

	if (refused && s->type == AUTH_OAUTH_M2M)
		auth_fail(s, PATROL_UNAUTHENTICATED, "OAuth client credentials were rejected by "
			  "%s: %s", s->host, msg);
	else if (refused && s->flow == FLOW_ENTRA)
		auth_fail(s, PATROL_UNAUTHENTICATED, "Entra ID (%s) rejected the service principal "
			  "%s: %s: check azure_client_id, azure_client_secret and azure_tenant_id "
			  "(ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID)", s->login_url,
			  s->azure_client_id, msg);
	else if (refused)
		auth_fail(s, PATROL_UNAUTHENTICATED, "the workspace refused to exchange the OIDC "
			  "token (%s) at %s: %s: check the federation policy for the token's "
			  "issuer, subject and audience%s", auth_kinds[s->type].name, s->endpoint,
			  msg, s->client_id ? " and the client_id" : "");
	else
		auth_fail(s, c->err.status, "%s at %s failed: %s", api_op_label(c->op), c->path, msg);
	s->err.http_status = st;
	if (s->flow == FLOW_OAUTH) {
		free(s->endpoint);     /* discover again next time */
		s->endpoint = NULL;
	}
}

void
auth_session_answer(struct auth_session *s, struct call *c, int64_t now)
{
	struct auth_answer *a = c->err.status == PATROL_OK ? call_take_result(c) : NULL;
	int64_t life;

	if (c->op == API_OAUTH_DISCOVER && c->err.status != PATROL_OK)
		auth_fail(s, c->err.status, "OAuth discovery at %s failed: %s", s->host,
			  c->err.message);
	else if (c->op == API_OAUTH_DISCOVER)
		auth_take_endpoint(s, a);
	else if (c->err.status != PATROL_OK || a == NULL)
		auth_token_failed(s, c);
	else {
		life = a->expires_in > 0 ? a->expires_in : AUTH_DEFAULT_LIFE_S;
		if (life > AUTH_MAX_LIFE_S)
			life = AUTH_MAX_LIFE_S;
		auth_take_token(s, a->access, life * 1000, now);
		a->access = NULL;
	}
	auth_answer_free(a);
	call_free(c);
}

/* ---- helper programs ---------------------------------------------------- */

/* The helper's stderr as one sanitized line, at most AUTH_STDERR_SHOWN wide. */
static void
auth_stderr_line(const struct helper *h, char *out, size_t n)
{
	const char *e = helper_stderr(h);
	char line[HELPER_STDERR_MAX + 1];
	char *clean;
	size_t i, k = 0;

	for (i = 0; e[i] != '\0' && k + 1 < sizeof line; i++) {
		if (e[i] == '\n' || e[i] == '\r') {
			if (k > 0 && line[k - 1] != ' ')
				line[k++] = ' ';
			continue;
		}
		line[k++] = e[i];
	}
	while (k > 0 && line[k - 1] == ' ')
		k--;
	line[k] = '\0';
	clean = sanitize(line, AUTH_STDERR_SHOWN, 0);
	snprintf(out, n, "%s", clean ? clean : "");
	free(clean);
}

/* The helper exited 0: its stdout holds the token. */
static void
auth_helper_token(struct auth_session *s, int64_t now)
{
	struct api_bearer b;
	struct patrol_err err;
	size_t len;
	const char *out = helper_stdout(s->helper, &len);
	enum patrol_status st;
	int64_t life;

	status_clear(&err);
	st = s->type == AUTH_DATABRICKS_CLI ? api_parse_cli_token(out, len, &b, &err) :
	     api_parse_az_token(out, len, &b, &err);
	if (st != PATROL_OK) {
		auth_fail(s, st == PATROL_NOMEM ? st : PATROL_UNAUTHENTICATED, "%s: `%s` printed "
			  "no usable token (%s)%s", auth_kinds[s->type].name, s->cmdline,
			  err.message, s->type == AUTH_DATABRICKS_CLI ? ": is it the legacy Python "
			  "databricks-cli? " AUTH_CLI_INSTALL : "");
		return;
	}
	life = b.expiry_ms > 0 ? b.expiry_ms - auth_wall_ms() : AUTH_HELPER_LIFE_S * 1000;
	if (life > AUTH_MAX_LIFE_S * 1000LL)
		life = AUTH_MAX_LIFE_S * 1000LL;
	auth_take_token(s, b.access_token, life, now);
	b.access_token = NULL;
	api_bearer_clear(&b);
	if (s->state == ST_IDLE)
		snprintf(s->note, sizeof s->note, "auth: %s: ran %s (%lld ms): token valid for "
			 "%lld s", auth_kinds[s->type].name, s->cmdline,
			 (long long)(now - s->started), (long long)(life / 1000));
}

/* The Databricks CLI, chosen by the default order, says nobody signed in
 * for this host: go on with the next type that fits, as the SDKs do.
 * False when there is none (or the CLI said something else). */
static bool
auth_fall_back(struct auth_session *s, const char *why)
{
	enum auth_type next = s->fallback;

	if (next == AUTH_NONE || strcasestr(why, "not configured") == NULL)
		return false;
	snprintf(s->note, sizeof s->note, "auth: databricks-cli: nobody signed in for this "
		 "host: trying %s", auth_kinds[next].name);
	s->type = next;
	s->flow = auth_ways[next].flow;
	s->fallback = AUTH_NONE;
	auth_strv_free(s->argv);
	free(s->cmdline);
	free(s->fix);
	s->argv = NULL;
	s->cmdline = s->fix = NULL;
	if (s->flow == FLOW_HELPER &&
	    (s->fallback_helper == NULL || auth_helper_argv(s, s->fallback_helper) != 0)) {
		auth_fail(s, PATROL_NOMEM, "out of memory");
		return true;
	}
	s->state = ST_IDLE;
	return true;
}

/* The helper is over: take its token or say what went wrong and the fix. */
static void
auth_helper_done(struct auth_session *s, enum helper_end end, int64_t now)
{
	const char *name = auth_kinds[s->type].name;
	char why[AUTH_STDERR_SHOWN * 4];

	auth_stderr_line(s->helper, why, sizeof why);
	if (end == HELPER_EXITED && helper_code(s->helper) == 0)
		auth_helper_token(s, now);
	else if (end == HELPER_EXITED) {
		if (!auth_fall_back(s, why))
			auth_fail(s, PATROL_UNAUTHENTICATED, "%s: `%s` failed (exit %d)%s%s: %s",
				  name, s->cmdline, helper_code(s->helper), why[0] ? ": " : "",
				  why, s->fix);
	}
	else if (end == HELPER_TIMED_OUT)
		auth_fail(s, PATROL_TIMEOUT, "%s: `%s` did not finish within %lld s (stopped): %s",
			  name, s->cmdline, (long long)(s->helper_timeout_ms / 1000), s->fix);
	else if (end == HELPER_SIGNALED)
		auth_fail(s, PATROL_UNAUTHENTICATED, "%s: `%s` was killed by signal %d%s%s", name,
			  s->cmdline, helper_code(s->helper), why[0] ? ": " : "", why);
	else
		auth_fail(s, PATROL_PROTOCOL, "%s: `%s` %s", name, s->cmdline,
			  end == HELPER_TOO_MUCH ? "wrote more than patrol reads (stopped)" :
			  "output could not be read");
	helper_free(s->helper);
	s->helper = NULL;
}

/* Start the helper program. */
static void
auth_helper_start(struct auth_session *s, int64_t now)
{
	struct patrol_err err;

	status_clear(&err);
	if (helper_start(s->argv[0], s->argv, s->envp, now, s->helper_timeout_ms, &s->helper,
			 &err) != PATROL_OK) {
		auth_fail(s, PATROL_CONFIG, "%s: %s: %s", auth_kinds[s->type].name, err.message,
			  s->type == AUTH_DATABRICKS_CLI ? AUTH_CLI_INSTALL : AUTH_AZ_INSTALL);
		return;
	}
	s->started = now;
	s->state = ST_HELPER;
}

void
auth_session_io(struct auth_session *s, int64_t now)
{
	enum helper_end end;

	if (s->state != ST_HELPER || s->helper == NULL)
		return;
	if ((end = helper_poll(s->helper, now)) != HELPER_RUNNING)
		auth_helper_done(s, end, now);
}

int
auth_session_fds(const struct auth_session *s, int fds[2])
{
	return s->state == ST_HELPER && s->helper != NULL ? helper_fds(s->helper, fds) : 0;
}

int64_t
auth_session_wait_ms(const struct auth_session *s, int64_t now)
{
	return s->state == ST_HELPER && s->helper != NULL ? helper_wait_ms(s->helper, now) : -1;
}

enum auth_step
auth_session_next(struct auth_session *s, int64_t now, struct call **call,
		  struct patrol_err *err)
{
	*call = NULL;
	if (s->state == ST_IDLE && auth_session_bearer(s, now, NULL) != NULL)
		return AUTH_STEP_READY;
	if (s->state == ST_IDLE && s->flow == FLOW_HELPER)
		auth_helper_start(s, now);
	else if (s->state == ST_IDLE && (*call = auth_request(s, &s->err)) == NULL)
		s->state = ST_FAILED;
	if (s->state == ST_FAILED) {
		*err = s->err;
		s->state = ST_IDLE;
		return AUTH_STEP_FAILED;
	}
	return *call != NULL ? AUTH_STEP_SEND : AUTH_STEP_WAIT;
}
