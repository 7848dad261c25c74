/*
 * config.c: the resolution of the workspace host and credentials from
 * flags, environment and ~/.databrickscfg (read with ini.h).
 *
 * Resolution walks one table of attributes (name, flag, environment, INI key,
 * field of struct config): per attribute, a flag wins over the environment,
 * which wins over the profile of the file. Empty values count as unset.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* memmem */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "ini.h"
#include "secret.h"
#include "sha256.h"

/* ---- hosts ------------------------------------------------------------ */

/* The pieces of a host URL, pointing into a scratch copy. */
struct host_parts {
	const char *scheme;	/* "https" or "http" */
	char *host;		/* lower-cased; brackets kept for IPv6 */
	unsigned long port;	/* 0: none */
};

static int
host_bad_char(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	}
	return 0;
}

/* Split off and check the scheme; return the rest. */
static char *
host_scheme(char *s, struct host_parts *hp, struct patrol_err *err)
{
	char *sep = strstr(s, "://");
	char *c;

	hp->scheme = "https";
	if (sep == NULL)
		return s;
	*sep = '\0';
	for (c = s; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 'a' - 'A' : *c);
	if (strcmp(s, "https") == 0 || strcmp(s, "http") == 0) {
		hp->scheme = strcmp(s, "https") == 0 ? "https" : "http";
		return sep + 3;
	}
	status_set(err, PATROL_CONFIG, "unsupported scheme '%s': use https://", s);
	return NULL;
}

/* Check what follows the authority: nothing but slashes. */
static enum patrol_status
host_tail(const char *t, struct patrol_err *err)
{
	const char *q = t + strspn(t, "/");

	if (*q == '\0')
		return PATROL_OK;
	if (*t == '?')
		return status_set(err, PATROL_CONFIG, "host must not have a query (?...)");
	if (*t == '#')
		return status_set(err, PATROL_CONFIG, "host must not have a fragment (#...)");
	return status_set(err, PATROL_CONFIG,
	    "host must not have a path ('%s'): give only the workspace URL", t);
}

static enum patrol_status
host_port(const char *s, struct host_parts *hp, struct patrol_err *err)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return status_set(err, PATROL_CONFIG, "bad port '%s' in host", s);
	v = strtoul(s, NULL, 10);
	if (v == 0 || v > 65535)
		return status_set(err, PATROL_CONFIG, "bad port '%s' in host", s);
	hp->port = v;
	return PATROL_OK;
}

/* Check a host name or an IPv6 literal in brackets. */
static enum patrol_status
host_name(char *h, struct patrol_err *err)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
	struct in6_addr a6;
	size_t n = strlen(h);
	char *c;

	if (n == 0)
		return status_set(err, PATROL_CONFIG, "empty host");
	for (c = h; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 'a' - 'A' : *c);
	if (*h != '[')
		return strspn(h, ok) == n ? PATROL_OK :
		    status_set(err, PATROL_CONFIG, "invalid character in host '%s'", h);
	h[n - 1] = '\0';
	if (inet_pton(AF_INET6, h + 1, &a6) != 1) {
		h[n - 1] = ']';
		return status_set(err, PATROL_CONFIG, "invalid IPv6 address '%s'", h);
	}
	h[n - 1] = ']';
	return PATROL_OK;
}

/* Split an authority ("h", "h:p", "[v6]:p") into host and port. */
static enum patrol_status
host_authority(char *a, struct host_parts *hp, struct patrol_err *err)
{
	char *colon;
	enum patrol_status st;

	if (strchr(a, '@') != NULL)
		return status_set(err, PATROL_CONFIG,
		    "host must not contain a user name (user@host)");
	if (*a == '[') {
		colon = strchr(a, ']');
		if (colon == NULL || (colon[1] != '\0' && colon[1] != ':'))
			return status_set(err, PATROL_CONFIG, "invalid IPv6 address in host");
		colon = colon[1] == ':' ? colon + 1 : NULL;
	} else
		colon = strchr(a, ':');
	hp->host = a;
	hp->port = 0;
	if (colon != NULL) {
		*colon = '\0';
		if ((st = host_port(colon + 1, hp, err)) != PATROL_OK)
			return st;
	}
	return host_name(a, err);
}

/* Parse s (a scratch copy) into hp. */
static enum patrol_status
host_parse(char *s, struct host_parts *hp, struct patrol_err *err)
{
	enum patrol_status st;
	char *rest, *tail;

	if (*s == '\0')
		return status_set(err, PATROL_CONFIG, "empty host");
	if (host_bad_char(s))
		return status_set(err, PATROL_CONFIG,
		    "host contains a space or a control character");
	if ((rest = host_scheme(s, hp, err)) == NULL)
		return PATROL_CONFIG;
	tail = rest + strcspn(rest, "/?#");
	if ((st = host_tail(tail, err)) != PATROL_OK)
		return st;
	*tail = '\0';
	return host_authority(rest, hp, err);
}

/* Format hp, dropping the scheme's default port. */
static char *
host_format(const struct host_parts *hp)
{
	unsigned long dflt = strcmp(hp->scheme, "https") == 0 ? 443 : 80;
	struct buf b;

	buf_init(&b, 0);
	if (buf_printf(&b, "%s://%s", hp->scheme, hp->host) != 0 ||
	    (hp->port != 0 && hp->port != dflt &&
	     buf_printf(&b, ":%lu", hp->port) != 0)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

enum patrol_status
config_normalize_host(const char *in, char **out, struct patrol_err *err)
{
	struct host_parts hp = { "https", NULL, 0 };
	enum patrol_status st;
	char *scratch;

	*out = NULL;
	if (in == NULL)
		return status_set(err, PATROL_CONFIG, "empty host");
	if ((scratch = strdup(in)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	st = host_parse(scratch, &hp, err);
	if (st == PATROL_OK && (*out = host_format(&hp)) == NULL)
		st = status_set(err, PATROL_NOMEM, "out of memory");
	free(scratch);
	if (st == PATROL_OK && strcmp(hp.scheme, "http") == 0 &&
	    !config_host_is_loopback(*out)) {
		free(*out);
		*out = NULL;
		st = status_set(err, PATROL_CONFIG,
		    "http:// is only allowed for loopback hosts; use https://");
	}
	return st;
}

bool
config_host_is_loopback(const char *url)
{
	const char *h = url ? strstr(url, "://") : NULL;
	struct in6_addr a6;
	struct in_addr a4;
	char host[256];
	size_t n;

	if (h == NULL)
		return false;
	h += 3;
	n = *h == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/");
	if (n >= sizeof host)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n < 2 || host[n - 1] != ']')
		return false;
	host[n - 1] = '\0';
	return inet_pton(AF_INET6, host + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* ---- proxies ---------------------------------------------------------- */

/* The proxy schemes libcurl speaks (its parse_proxy; "socks" is socks4). */
static const char *const proxy_schemes[] = {
	"http", "https", "socks", "socks4", "socks4a", "socks5", "socks5h",
};

/* What libcurl makes of a proxy without a scheme whose host starts so
 * (CURLU_GUESS_SCHEME): none of these is a proxy scheme. */
static const char *const proxy_guessed[] = { "ftp.", "dict.", "ldap.", "imap.", "smtp.", "pop3." };

/* Bytes libcurl refuses in a host name (its URL parser's hostname_check). */
static const char proxy_bad_host[] = " \r\n\t/:#?!@{}[]\\$'\"^`*<>=;,+&()";

/* The length of a URL scheme at the start of s that is followed by ":/",
 * as libcurl reads one when it may guess; 0 when there is none. */
static size_t
proxy_scheme_len(const char *s)
{
	static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-";
	size_t n;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	n = 1 + strspn(s + 1, more);
	return s[n] == ':' && s[n + 1] == '/' ? n : 0;
}

/* Check the scheme of url (or the one libcurl guesses); set *rest past it. */
static bool
proxy_check_scheme(const char *url, const char **rest, char *why, size_t n)
{
	size_t len = proxy_scheme_len(url), i;

	*rest = url;
	if (len == 0) {
		for (i = 0; i < sizeof proxy_guessed / sizeof proxy_guessed[0]; i++) {
			if (strncasecmp(url, proxy_guessed[i], strlen(proxy_guessed[i])) == 0) {
				snprintf(why, n, "without a scheme, libcurl reads a host starting "
				    "with '%s' as %.*s://, which is no proxy: write http:// before "
				    "it", proxy_guessed[i], (int)strlen(proxy_guessed[i]) - 1,
				    proxy_guessed[i]);
				return false;
			}
		}
		return true;
	}
	*rest = url + len + 1 + strspn(url + len + 1, "/");
	for (i = 0; i < sizeof proxy_schemes / sizeof proxy_schemes[0]; i++) {
		if (strlen(proxy_schemes[i]) == len && strncasecmp(url, proxy_schemes[i], len) == 0)
			return true;
	}
	snprintf(why, n, "%.*s:// is not a proxy scheme (use http, https, socks4, socks4a, "
	    "socks5 or socks5h)", len > 16 ? 16 : (int)len, url);
	return false;
}

/* Check a port ("" is the default one). */
static bool
proxy_check_port(const char *p, size_t len, char *why, size_t n)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < len && p[i] >= '0' && p[i] <= '9' && v <= 65535; i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (i == len && (len == 0 || (v >= 1 && v <= 65535)))
		return true;
	snprintf(why, n, "its port is not a number from 1 to 65535");
	return false;
}

/* Check "[v6]" (a zone "%25eth0" allowed) and what follows it. */
static bool
proxy_check_v6(const char *h, size_t len, char *why, size_t n)
{
	const char *end = memchr(h, ']', len);
	char addr[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	size_t alen;

	if (end == NULL) {
		snprintf(why, n, "its IPv6 address has no closing ']'");
		return false;
	}
	alen = strcspn(h + 1, "%]");
	if (alen >= sizeof addr || (memcpy(addr, h + 1, alen), addr[alen] = '\0',
	    inet_pton(AF_INET6, addr, &a6) != 1)) {
		snprintf(why, n, "its IPv6 address is not valid");
		return false;
	}
	if (end + 1 == h + len)
		return true;
	if (end[1] != ':') {
		snprintf(why, n, "its port is not a number from 1 to 65535");
		return false;
	}
	return proxy_check_port(end + 2, (size_t)(h + len - end - 2), why, n);
}

/* Check "host[:port]". */
static bool
proxy_check_hostport(const char *h, size_t len, char *why, size_t n)
{
	const char *colon;
	size_t hlen, i;

	if (len > 0 && *h == '[')
		return proxy_check_v6(h, len, why, n);
	colon = memchr(h, ':', len);
	hlen = colon != NULL ? (size_t)(colon - h) : len;
	if (hlen == 0) {
		snprintf(why, n, "it has no host");
		return false;
	}
	for (i = 0; i < hlen; i++) {
		if (strchr(proxy_bad_host, h[i]) != NULL || (unsigned char)h[i] < 0x20 ||
		    (unsigned char)h[i] == 0x7f) {
			snprintf(why, n, "its host name holds a character no host name has");
			return false;
		}
	}
	return colon == NULL || proxy_check_port(colon + 1, len - hlen - 1, why, n);
}

bool
config_proxy_check(const char *url, char *why, size_t n)
{
	const char *rest, *at;
	size_t len;

	if (url[strcspn(url, " \t\r\n\v\f")] != '\0') {	/* libcurl refuses it to send */
		snprintf(why, n, "it holds a space or a control character (%%-encode a "
			 "password's: %%20 for a space)");
		return false;
	}
	if (!proxy_check_scheme(url, &rest, why, n))
		return false;
	len = strcspn(rest, "/?#");
	if ((at = memchr(rest, '@', len)) != NULL) {	/* the first '@', as libcurl */
		len -= (size_t)(at + 1 - rest);
		rest = at + 1;
	}
	return proxy_check_hostport(rest, len, why, n);
}

/* url with any user name and password replaced by <redacted>: everything
 * up to the last '@' after the scheme, so no piece of a password shows,
 * however malformed the URL. */
static int
proxy_redact(const char *url, struct buf *b)
{
	const char *at = strrchr(url, '@');
	size_t len = proxy_scheme_len(url);

	if (at == NULL)
		return buf_addstr(b, url);
	if (len != 0 && strncmp(url + len, "://", 3) == 0 && url + len + 3 <= at)
		len += 3;
	else
		len = 0;
	return buf_printf(b, "%.*s<redacted>%s", (int)len, url, at);
}

/* Whether no_proxy may spare host (a name or an address, no port) the
 * proxy, as libcurl's noproxy check does: "*", the name itself or a domain
 * of it (a leading '.' or not), and any CIDR range for an address (not
 * worked out: it may match). */
static bool
proxy_bypassed(const char *host, const char *no_proxy)
{
	static const char sep[] = ", \t";
	size_t hlen = strlen(host), n;
	const char *t;

	for (t = no_proxy + strspn(no_proxy, sep); *t != '\0'; t += n, t += strspn(t, sep)) {
		n = strcspn(t, sep);
		if ((n == 1 && *t == '*') || memchr(t, '/', n) != NULL)
			return true;
		if (*t == '.' && n > 1)
			t++, n--;
		if (n <= hlen && strncasecmp(host + hlen - n, t, n) == 0 &&
		    (n == hlen || host[hlen - n - 1] == '.'))
			return true;
	}
	return false;
}

/* ---- resolution ------------------------------------------------------- */

enum attr_id {
	ATTR_HOST,
	ATTR_TOKEN,
	ATTR_CLIENT_ID,
	ATTR_CLIENT_SECRET,
	ATTR_AUTH_TYPE,
	ATTR_ACCOUNT_ID,
	ATTR_WORKSPACE_ID,
	ATTR_CA_FILE,
	ATTR_CA_DIR,
	ATTR_CLI_PATH,
	ATTR_AZURE_CLIENT_ID,
	ATTR_AZURE_CLIENT_SECRET,
	ATTR_AZURE_TENANT_ID,
	ATTR_AZURE_ENVIRONMENT,
	ATTR_AZURE_LOGIN_URL,
	ATTR_OIDC_TOKEN,
	ATTR_OIDC_TOKEN_FILE,
	ATTR_PROXY,
	ATTR_NO_PROXY,
	ATTR_COUNT
};

#define A_SECRET	0x1	/* wipe; copied only when the auth uses it */
#define A_CRED		0x2	/* a credential: given by flag or env, the file is skipped */
#define A_HEADER	0x4	/* goes into a header, a URL or a form: no control characters */
#define A_PROFILE	0x8	/* an explicit -p ignores it in the environment */
#define A_WIPE		0x10	/* always kept, wiped on free (a proxy URL may hold a password) */
#define NO_OFF		((size_t)-1)
#define ENV_MAX		4

struct attr {
	const char *flag;	/* flag name, NULL when no flag */
	size_t flag_off;	/* offset in struct config_flags */
	const char *env[ENV_MAX]; /* environment variables, in order */
	const char *key;	/* INI key, NULL when not read from the file */
	size_t out_off;		/* offset in struct config, or NO_OFF */
	unsigned flags;
	unsigned need;		/* the AUTH_N_* bit it is, or 0 */
};

#define FLAG(f)	offsetof(struct config_flags, f)
#define OUT(f)	offsetof(struct config, f)
#define E1(a)		{ a, NULL, NULL, NULL }
static const struct attr attrs[ATTR_COUNT] = {
	[ATTR_HOST] = { "--host", FLAG(host), E1("DATABRICKS_HOST"),
	    "host", OUT(host), A_HEADER | A_PROFILE, 0 },
	[ATTR_TOKEN] = { "--token-stdin", FLAG(token), E1("DATABRICKS_TOKEN"),
	    "token", OUT(token), A_SECRET | A_CRED | A_HEADER | A_PROFILE, AUTH_N_TOKEN },
	[ATTR_CLIENT_ID] = { NULL, NO_OFF, E1("DATABRICKS_CLIENT_ID"),
	    "client_id", OUT(client_id), A_CRED | A_HEADER | A_PROFILE, AUTH_N_CLIENT_ID },
	[ATTR_CLIENT_SECRET] = { NULL, NO_OFF, E1("DATABRICKS_CLIENT_SECRET"),
	    "client_secret", OUT(client_secret), A_SECRET | A_CRED | A_HEADER | A_PROFILE,
	    AUTH_N_CLIENT_SECRET },
	[ATTR_AUTH_TYPE] = { NULL, NO_OFF, E1("DATABRICKS_AUTH_TYPE"),
	    "auth_type", NO_OFF, A_PROFILE, 0 },
	[ATTR_ACCOUNT_ID] = { NULL, NO_OFF, E1("DATABRICKS_ACCOUNT_ID"),
	    "account_id", OUT(account_id), 0, 0 },
	[ATTR_WORKSPACE_ID] = { NULL, NO_OFF, E1("DATABRICKS_WORKSPACE_ID"),
	    "workspace_id", OUT(workspace_id), 0, 0 },
	[ATTR_CA_FILE] = { "--ca-file", FLAG(ca_file),
	    { "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", NULL },
	    NULL, OUT(ca_file), 0, 0 },
	[ATTR_CA_DIR] = { NULL, NO_OFF, E1("SSL_CERT_DIR"), NULL, OUT(ca_dir), 0, 0 },
	[ATTR_CLI_PATH] = { NULL, NO_OFF, E1("DATABRICKS_CLI_PATH"),
	    "databricks_cli_path", OUT(cli_path), 0, 0 },
	[ATTR_AZURE_CLIENT_ID] = { NULL, NO_OFF, E1("ARM_CLIENT_ID"),
	    "azure_client_id", OUT(azure_client_id), A_CRED | A_HEADER, AUTH_N_AZ_CLIENT_ID },
	[ATTR_AZURE_CLIENT_SECRET] = { NULL, NO_OFF, E1("ARM_CLIENT_SECRET"),
	    "azure_client_secret", OUT(azure_client_secret), A_SECRET | A_CRED | A_HEADER,
	    AUTH_N_AZ_CLIENT_SECRET },
	[ATTR_AZURE_TENANT_ID] = { NULL, NO_OFF, E1("ARM_TENANT_ID"),
	    "azure_tenant_id", OUT(azure_tenant_id), A_CRED | A_HEADER, AUTH_N_AZ_TENANT },
	[ATTR_AZURE_ENVIRONMENT] = { NULL, NO_OFF, E1("ARM_ENVIRONMENT"),
	    "azure_environment", NO_OFF, 0, 0 },
	[ATTR_AZURE_LOGIN_URL] = { NULL, NO_OFF, E1("PATROL_AZURE_LOGIN_URL"),
	    NULL, NO_OFF, A_HEADER, 0 },
	[ATTR_OIDC_TOKEN] = { NULL, NO_OFF, E1("DATABRICKS_OIDC_TOKEN"),
	    NULL, OUT(oidc_token), A_SECRET | A_HEADER, AUTH_N_OIDC_TOKEN },
	[ATTR_OIDC_TOKEN_FILE] = { NULL, NO_OFF, E1("DATABRICKS_OIDC_TOKEN_FILEPATH"),
	    "oidc_token_filepath", OUT(oidc_token_file), A_CRED, AUTH_N_OIDC_FILE },
	[ATTR_PROXY] = { NULL, NO_OFF, { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" },
	    NULL, OUT(proxy), A_HEADER | A_WIPE, 0 },
	[ATTR_NO_PROXY] = { NULL, NO_OFF, { "no_proxy", "NO_PROXY", NULL, NULL },
	    NULL, OUT(no_proxy), A_HEADER, 0 },
};
#undef FLAG
#undef OUT
#undef E1

/* Entra ID login hosts of the Azure clouds (ARM_ENVIRONMENT names). */
static const struct {
	const char *name;	/* azure_environment */
	const char *suffix;	/* of workspace hosts in that cloud */
	const char *login;
} azure_clouds[] = {
	{ "PUBLIC", ".azuredatabricks.net", "https://login.microsoftonline.com/" },
	{ "USGOVERNMENT", ".databricks.azure.us", "https://login.microsoftonline.us/" },
	{ "CHINA", ".databricks.azure.cn", "https://login.chinacloudapi.cn/" },
};

/* Everything known while resolving. */
struct resolver {
	const struct config_flags *flags;
	config_getenv_fn getenv_fn;
	void *env_ctx;
	const char *val[ATTR_COUNT];
	const char *src[ATTR_COUNT];
	const char *profile;	/* the profile looked for in the file */
	int named;		/* the profile was chosen, not defaulted */
	char *file_src;		/* "FILE [PROFILE]" */
	struct buf ignored;	/* environment variables an explicit -p ignored */
	struct auth_choice choice;
	struct ini *ini;
	struct config *out;
	struct patrol_err *err;
};

static enum patrol_status
resolver_nomem(struct resolver *r)
{
	return status_set(r->err, PATROL_NOMEM, "out of memory");
}

static const char *
resolver_env(const struct resolver *r, const char *name)
{
	const char *v = r->getenv_fn(name, r->env_ctx);

	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
resolver_flag(const struct resolver *r, const struct attr *a)
{
	const char *v;

	if (r->flags == NULL || a->flag_off == NO_OFF)
		return NULL;
	memcpy(&v, (const char *)r->flags + a->flag_off, sizeof v);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* True when -p/--profile named the profile on the command line. */
static bool
resolver_explicit_profile(const struct resolver *r)
{
	return r->flags != NULL && r->flags->profile != NULL && *r->flags->profile != '\0';
}

/* Fill attribute i from the environment; an explicit -p ignores the
 * workspace's host and credentials there (and says so). */
static int
resolve_env(struct resolver *r, size_t i)
{
	const struct attr *a = &attrs[i];
	const char *v;
	size_t j;

	for (j = 0; j < ENV_MAX && a->env[j] != NULL && r->val[i] == NULL; j++) {
		if ((v = resolver_env(r, a->env[j])) == NULL)
			continue;
		if ((a->flags & A_PROFILE) && resolver_explicit_profile(r))
			return buf_printf(&r->ignored, "%s%s", r->ignored.len ? ", " : "", a->env[j]);
		r->val[i] = v;
		r->src[i] = a->env[j];
	}
	return 0;
}

/* Fill the attributes from flags, then the environment. */
static enum patrol_status
resolve_args(struct resolver *r)
{
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if ((r->val[i] = resolver_flag(r, &attrs[i])) != NULL) {
			r->src[i] = attrs[i].flag;
			continue;
		}
		if (resolve_env(r, i) != 0)
			return resolver_nomem(r);
	}
	return PATROL_OK;
}

static int
resolve_skip_file(const struct resolver *r)
{
	size_t i;

	if (r->named)
		return 0;
	for (i = 0; i < ATTR_COUNT; i++) {
		if (r->val[i] != NULL && (i == ATTR_HOST || (attrs[i].flags & A_CRED)))
			return 1;
	}
	return 0;
}

/* Work out the config file path: DATABRICKS_CONFIG_FILE or ~/.databrickscfg. */
static enum patrol_status
resolve_path(struct resolver *r)
{
	const char *p = resolver_env(r, "DATABRICKS_CONFIG_FILE");
	const char *home = resolver_env(r, "HOME");
	struct buf b;

	if (p == NULL)
		p = "~/.databrickscfg";
	buf_init(&b, 0);
	if (home != NULL && p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		if (buf_addstr(&b, home) != 0)
			goto nomem;
		p++;
	}
	if (buf_addstr(&b, p) != 0 || (r->out->config_file = buf_take(&b)) == NULL)
		goto nomem;
	return PATROL_OK;
nomem:
	buf_free(&b);
	return resolver_nomem(r);
}

/* Open the file; a missing one is an error only for a named profile. */
static enum patrol_status
resolve_open(struct resolver *r, int *skip)
{
	const char *path = r->out->config_file;
	enum patrol_status st;
	bool missing;

	*skip = 0;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		st = status_set(r->err, PATROL_IO, "cannot open %s: HOME is not set", path);
		missing = true;
	} else
		st = ini_parse_file_kind(path, INI_SECRETS, &r->ini, &r->out->warning,
		    &missing, r->err);
	if (st == PATROL_OK || !missing)
		return st;
	if (r->named)
		return status_set(r->err, PATROL_CONFIG,
		    "profile '%s' not found: %s does not exist", r->profile, path);
	*skip = 1;
	return PATROL_OK;
}

/* Pick the profile when none was named: default_profile, else DEFAULT. */
static void
resolve_default_profile(struct resolver *r)
{
	const char *p;

	if (r->named)
		return;
	p = ini_get(r->ini, "__settings__", "default_profile");
	if (p != NULL && *p != '\0') {
		r->profile = p;
		r->named = 1;
	}
}

/* Take the attributes still unset from the profile. */
static enum patrol_status
resolve_profile(struct resolver *r)
{
	const char *v;
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if (r->val[i] != NULL || attrs[i].key == NULL)
			continue;
		v = ini_get(r->ini, r->profile, attrs[i].key);
		if (v == NULL || *v == '\0')
			continue;
		r->val[i] = v;
		r->src[i] = r->file_src;
		r->out->file_used = true;
	}
	if ((r->out->profile = strdup(r->profile)) == NULL)
		return resolver_nomem(r);
	return PATROL_OK;
}

/* "profile 'x' not found in FILE; it has: a, b" (the profiles there). */
static enum patrol_status
resolve_no_profile(struct resolver *r)
{
	struct buf b;
	const char *name;
	size_t i, n = 0;

	buf_init(&b, 2048);
	for (i = 0; (name = ini_section_name(r->ini, i)) != NULL; i++) {
		if (strcmp(name, "__settings__") == 0)
			continue;
		if (buf_printf(&b, "%s%s", n++ ? ", " : "", name) != 0)
			break;
	}
	status_set(r->err, PATROL_CONFIG, "profile '%s' not found in %s; %s%s", r->profile,
	    r->out->config_file, n ? "profiles there: " : "it has no profiles",
	    b.data ? b.data : "");
	buf_free(&b);
	return PATROL_CONFIG;
}

static enum patrol_status
resolve_file(struct resolver *r)
{
	enum patrol_status st;
	struct buf b;
	int skip;

	if ((st = resolve_open(r, &skip)) != PATROL_OK || skip)
		return st;
	resolve_default_profile(r);
	if (!ini_has_section(r->ini, r->profile))
		return r->named ? resolve_no_profile(r) : PATROL_OK;
	buf_init(&b, 0);
	if (buf_printf(&b, "%s [%s]", r->out->config_file, r->profile) != 0 ||
	    (r->file_src = buf_take(&b)) == NULL) {
		buf_free(&b);
		return resolver_nomem(r);
	}
	return resolve_profile(r);
}

static enum patrol_status
resolve_host(struct resolver *r)
{
	enum patrol_status st;
	char msg[sizeof r->err->message];

	if (r->val[ATTR_HOST] == NULL)
		return status_set(r->err, PATROL_CONFIG,
		    "no workspace host: set DATABRICKS_HOST, pass --host, or add host "
		    "to [%s] in %s", r->profile, r->out->config_file);
	st = config_normalize_host(r->val[ATTR_HOST], &r->out->host, r->err);
	if (st == PATROL_CONFIG && r->err != NULL) {
		memcpy(msg, r->err->message, sizeof msg);
		return status_set(r->err, st, "host from %s: %s", r->src[ATTR_HOST], msg);
	}
	if (st == PATROL_OK && (r->out->host_source = strdup(r->src[ATTR_HOST])) == NULL)
		st = resolver_nomem(r);
	return st;
}

/* An account console is no workspace: no token of patrol's lives there,
 * so nothing is to be sent, not even a sign-in (which would not help).
 * Said before the credentials are looked for, naming where the host came
 * from. */
static enum patrol_status
resolve_account(struct resolver *r)
{
	if (!config_host_is_account(r->out->host))
		return PATROL_OK;
	return status_set(r->err, PATROL_CONFIG, "%s (%s) is an account console, not a workspace: "
			  "personal access tokens live in workspaces, so patrol sends nothing "
			  "there; name a workspace's profile or host", r->out->host,
			  r->out->host_source);
}

/* Refuse control characters in values that end up in headers. */
static enum patrol_status
resolve_check_chars(struct resolver *r)
{
	const unsigned char *c;
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if (r->val[i] == NULL || !(attrs[i].flags & A_HEADER))
			continue;
		for (c = (const unsigned char *)r->val[i]; *c != '\0'; c++) {
			if (*c < 0x20 || *c == 0x7f)
				return status_set(r->err, PATROL_CONFIG,
				    "%s from %s contains a control character",
				    attrs[i].key ? attrs[i].key : attrs[i].env[0], r->src[i]);
		}
	}
	return PATROL_OK;
}

/* The attribute that is the AUTH_N_* bit need. */
static enum attr_id
resolve_need_attr(unsigned need)
{
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if (attrs[i].need == need)
			return (enum attr_id)i;
	}
	return ATTR_TOKEN;
}

/* The lowest bit of mask. */
static unsigned
resolve_low_bit(unsigned mask)
{
	return mask & (~mask + 1u);
}

/* Say which attribute the auth lacks, and where to put it. */
static enum patrol_status
resolve_missing(struct resolver *r, enum auth_type t, unsigned missing)
{
	const struct attr *a = &attrs[resolve_need_attr(resolve_low_bit(missing))];
	const struct attr *set = &attrs[resolve_need_attr(resolve_low_bit(auth_needs(t) & ~missing))];
	const char *name = a->key ? a->key : a->env[0];
	char why[64];

	if (r->val[ATTR_AUTH_TYPE] != NULL)
		snprintf(why, sizeof why, "auth_type is %s but ", auth_name(t));
	else
		snprintf(why, sizeof why, "%s is set but ", set->key ? set->key : set->env[0]);
	if (a->key == NULL)
		return status_set(r->err, PATROL_CONFIG, "%s%s is missing: set it", why, name);
	return status_set(r->err, PATROL_CONFIG,
	    "%s%s is missing: set %s%s%s, or add %s to [%s] in %s", why, name,
	    a->env[0], a->flag ? ", use " : "", a->flag ? a->flag : "", a->key,
	    r->profile, r->out->config_file);
}

/* What is set, as AUTH_N_* bits. */
static unsigned
resolve_have(const struct resolver *r)
{
	unsigned have = 0;
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if (r->val[i] != NULL)
			have |= attrs[i].need;
	}
	return have;
}

/* No credential in a profile -p named: the profile is what lacks one (the
 * environment's credentials do not count for it, and saying to set
 * DATABRICKS_TOKEN would not help). */
static enum patrol_status
resolve_nothing_named(struct resolver *r)
{
	const char *p = r->profile, *file = r->out->config_file;

	return status_set(r->err, PATROL_CONFIG, "no credentials in profile [%s] of %s: add "
	    "token (or client_id and client_secret) to it, use --token-stdin, or sign in with "
	    "the Databricks CLI: databricks auth login --profile %s%s%s%s", p, file, p,
	    r->ignored.len ? "; not used for a named profile: " : "",
	    r->ignored.len ? r->ignored.data : "", r->ignored.len ? " from the environment" : "");
}

/* Nothing fits: explain the first half-configured type, or the lack of any
 * credential. */
static enum patrol_status
resolve_nothing(struct resolver *r, unsigned have)
{
	unsigned needs;
	int t;

	for (t = 0; t < AUTH_TYPE_COUNT; t++) {
		needs = auth_needs((enum auth_type)t);
		if (needs != 0 && (needs & have) != 0 && (needs & ~have) != 0)
			return resolve_missing(r, (enum auth_type)t, needs & ~have);
	}
	if (resolver_explicit_profile(r))
		return resolve_nothing_named(r);
	return status_set(r->err, PATROL_CONFIG,
	    "no credentials: set DATABRICKS_TOKEN, use --token-stdin, or add token "
	    "to [%s] in %s (or sign in with the Databricks CLI: databricks auth login "
	    "--host %s)", r->profile, r->out->config_file, r->out->host);
}

/* Choose the authentication (auth.c walks the types). */
static enum patrol_status
resolve_auth(struct resolver *r)
{
	struct auth_probe p;
	const char *t = r->val[ATTR_AUTH_TYPE];
	enum patrol_status st;

	memset(&p, 0, sizeof p);
	p.have = resolve_have(r);
	p.host = r->out->host;
	p.cli_path = r->val[ATTR_CLI_PATH];
	p.path_env = resolver_env(r, "PATH");
	if ((p.forced = auth_find(t)) == AUTH_NONE && t != NULL)
		return status_set(r->err, PATROL_CONFIG, "unknown auth_type '%s' from %s: use %s",
		    t, r->src[ATTR_AUTH_TYPE], auth_names());
	if ((st = auth_choose(&p, &r->choice, r->err)) != PATROL_OK)
		return st;
	if (p.forced != AUTH_NONE && r->choice.missing != 0)
		return resolve_missing(r, p.forced, r->choice.missing);
	if (r->choice.helper_err[0] != '\0')
		return status_set(r->err, PATROL_CONFIG, "%s", r->choice.helper_err);
	if (r->choice.type == AUTH_NONE)
		return resolve_nothing(r, p.have);
	r->out->auth = r->choice.type;
	r->out->auth_why = r->choice.why;
	r->out->helper = r->choice.helper;
	r->out->auth_fallback = r->choice.fallback;
	r->out->fallback_helper = r->choice.fallback_helper;
	r->choice.why = r->choice.helper = r->choice.fallback_helper = NULL;
	return PATROL_OK;
}

/* Copy the values into the config; secrets only when the auth uses them. */
static enum patrol_status
resolve_copy(struct resolver *r)
{
	unsigned keep = auth_keeps(r->out->auth) | auth_keeps(r->out->auth_fallback);
	const struct attr *a;
	char *copy;
	size_t i;

	for (i = 0; i < ATTR_COUNT; i++) {
		a = &attrs[i];
		if (r->val[i] == NULL || a->out_off == NO_OFF || i == ATTR_HOST)
			continue;
		if ((a->flags & A_SECRET) && !(keep & a->need))
			continue;
		copy = (a->flags & (A_SECRET | A_WIPE)) ? secret_strdup(r->val[i]) :
		    strdup(r->val[i]);
		if (copy == NULL)
			return resolver_nomem(r);
		memcpy((char *)r->out + a->out_off, &copy, sizeof copy);
	}
	return PATROL_OK;
}

/* Where the credential of the chosen auth came from, for messages. */
static enum patrol_status
resolve_cred_source(struct resolver *r)
{
	unsigned needs = auth_needs(r->out->auth);
	enum attr_id id = resolve_need_attr(resolve_low_bit(needs));
	struct buf b;
	int rc;

	buf_init(&b, 0);
	if (r->out->auth == AUTH_DATABRICKS_CLI)
		rc = buf_printf(&b, "the Databricks CLI (databricks auth token %s %s)",
		    r->out->file_used ? "--profile" : "--host",
		    r->out->file_used ? r->out->profile : r->out->host);
	else if (r->out->auth == AUTH_AZURE_CLI)
		rc = buf_addstr(&b, "the Azure CLI (az account get-access-token)");
	else
		rc = buf_printf(&b, "%s (%s)", r->src[id], auth_name(r->out->auth));
	if (rc != 0 || (r->out->cred_source = buf_take(&b)) == NULL) {
		buf_free(&b);
		return resolver_nomem(r);
	}
	return PATROL_OK;
}

/* The Entra ID login URL: PATROL_AZURE_LOGIN_URL (https, or http on a
 * loopback host; for tests and private clouds), else the cloud named by
 * azure_environment, else the cloud of the workspace host. */
static enum patrol_status
resolve_azure_login(struct resolver *r)
{
	const char *env = r->val[ATTR_AZURE_ENVIRONMENT], *url = r->val[ATTR_AZURE_LOGIN_URL];
	const char *login = azure_clouds[0].login;
	size_t i, n = sizeof azure_clouds / sizeof azure_clouds[0];
	char *norm = NULL;
	enum patrol_status st;

	for (i = 0; url == NULL && i < n; i++) {
		if (env != NULL ? strcasecmp(env, azure_clouds[i].name) == 0 :
		    (strlen(r->out->host) > strlen(azure_clouds[i].suffix) &&
		     strcmp(r->out->host + strlen(r->out->host) - strlen(azure_clouds[i].suffix),
			    azure_clouds[i].suffix) == 0))
			login = azure_clouds[i].login;
	}
	if (url != NULL) {
		if ((st = config_normalize_host(url, &norm, r->err)) != PATROL_OK)
			return status_set(r->err, st, "PATROL_AZURE_LOGIN_URL: %s", r->err->message);
		login = norm;
	}
	r->out->azure_login_url = malloc(strlen(login) + 2);
	if (r->out->azure_login_url != NULL)
		snprintf(r->out->azure_login_url, strlen(login) + 2, "%s%s", login,
		    login[strlen(login) - 1] == '/' ? "" : "/");
	free(norm);
	return r->out->azure_login_url != NULL ? PATROL_OK : resolver_nomem(r);
}

/* Checks that belong to the chosen auth. */
static enum patrol_status
resolve_auth_extra(struct resolver *r)
{
	const char *tenant = r->val[ATTR_AZURE_TENANT_ID];
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_";

	if (tenant != NULL && strspn(tenant, safe) != strlen(tenant))
		return status_set(r->err, PATROL_CONFIG, "azure_tenant_id from %s is not a tenant "
		    "id or domain", r->src[ATTR_AZURE_TENANT_ID]);
	if (r->out->auth == AUTH_AZURE_CLIENT_SECRET ||
	    r->out->auth_fallback == AUTH_AZURE_CLIENT_SECRET)
		return resolve_azure_login(r);
	return PATROL_OK;
}

/* ---- CA certificates ----------------------------------------------------- */

#define CA_SCAN_MAX	(16u << 20)	/* a larger CA file is not looked into */

/* The PEM labels of a certificate OpenSSL loads from a CA file. */
static const char *const ca_labels[] = {
	"-----BEGIN CERTIFICATE-----", "-----BEGIN TRUSTED CERTIFICATE-----",
	"-----BEGIN X509 CERTIFICATE-----",
};

/* Why the n bytes of a CA file hold no certificate, or NULL when they do. */
static const char *
ca_text_problem(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof ca_labels / sizeof ca_labels[0]; i++) {
		if (memmem(t, n, ca_labels[i], strlen(ca_labels[i])) != NULL)
			return NULL;
	}
	if (n == 0)
		return "it is empty";
	if (memmem(t, n, "PRIVATE KEY-----", 16) != NULL)
		return "it holds a private key, not a certificate";
	if (memmem(t, n, "-----BEGIN ", 11) != NULL)
		return "it holds PEM, but no certificate";
	if ((unsigned char)t[0] == 0x30)
		return "it is not PEM (DER? convert it: openssl x509 -inform der -in FILE -out FILE.pem)";
	return "it is not a PEM certificate file";
}

/* Read the regular file open at fd (size bytes) and say why it holds no
 * certificate, or NULL; *why_errno is set when it cannot be read. */
static const char *
ca_file_problem(int fd, off_t size, int *why_errno)
{
	const char *why;
	size_t n = 0;
	ssize_t got;
	char *t;

	*why_errno = 0;
	if (size < 0 || (uintmax_t)size > CA_SCAN_MAX)
		return NULL;
	if ((t = malloc((size_t)size + 1)) == NULL) {
		*why_errno = ENOMEM;
		return NULL;
	}
	while (n < (size_t)size && (got = read(fd, t + n, (size_t)size - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*why_errno = errno;
			free(t);
			return NULL;
		}
		n += (size_t)got;
	}
	why = ca_text_problem(t, n);
	free(t);
	return why;
}

/* Check the CA file the flag or a variable named: a directory becomes the
 * CA directory (as the Python SDK takes one in REQUESTS_CA_BUNDLE); a file
 * must hold a certificate, or every request would fail its handshake. */
static enum patrol_status
resolve_ca_file(struct resolver *r)
{
	const char *path = r->val[ATTR_CA_FILE], *src = r->src[ATTR_CA_FILE], *why;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return status_set(r->err, PATROL_CONFIG, "CA file %s from %s: %s", path, src,
		    strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		r->val[ATTR_CA_DIR] = path;
		r->src[ATTR_CA_DIR] = src;
		r->val[ATTR_CA_FILE] = NULL;
		return PATROL_OK;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return status_set(r->err, PATROL_CONFIG, "CA file %s from %s is not a regular "
		    "file; give the CA's certificate in PEM", path, src);
	}
	why = ca_file_problem(fd, st.st_size, &e);
	close(fd);
	if (e != 0)
		return status_set(r->err, PATROL_CONFIG, "CA file %s from %s: %s", path, src,
		    strerror(e));
	if (why != NULL)
		return status_set(r->err, PATROL_CONFIG, "CA file %s from %s holds no "
		    "certificate: %s; give the CA's certificate in PEM "
		    "(-----BEGIN CERTIFICATE-----)", path, src, why);
	return PATROL_OK;
}

/* The CA directory must be a directory we may read. */
static enum patrol_status
resolve_ca_dir(struct resolver *r)
{
	const char *path = r->val[ATTR_CA_DIR];
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return status_set(r->err, PATROL_CONFIG, "CA directory %s from %s is not a "
		    "directory; give a file with --ca-file or REQUESTS_CA_BUNDLE", path,
		    r->src[ATTR_CA_DIR]);
	if (access(path, R_OK | X_OK) != 0)
		return status_set(r->err, PATROL_CONFIG, "CA directory %s from %s: %s", path,
		    r->src[ATTR_CA_DIR], strerror(errno));
	return PATROL_OK;
}

/* Whether the CA variable name is set but unused (another setting wins). */
static bool
ca_shadowed(const struct resolver *r, const char *name)
{
	const char *f = r->src[ATTR_CA_FILE], *d = r->src[ATTR_CA_DIR];

	return name != NULL && resolver_env(r, name) != NULL && (f == NULL || strcmp(f, name) != 0) &&
	    (d == NULL || strcmp(d, name) != 0);
}

/* What the workspace's certificate is checked against, for a TLS failure:
 * "trusting the CAs of REQUESTS_CA_BUNDLE=/p/ca.pem; set but not used:
 * SSL_CERT_FILE". */
static enum patrol_status
resolve_ca_source(struct resolver *r)
{
	const enum attr_id f = ATTR_CA_FILE, d = ATTR_CA_DIR;
	const char *names[ENV_MAX + 1];
	size_t j, n = 0;
	struct buf b;
	int rc = 0;

	memcpy(names, attrs[f].env, sizeof attrs[f].env);
	names[ENV_MAX] = attrs[d].env[0];
	buf_init(&b, 0);
	rc |= buf_addstr(&b, r->val[f] != NULL ? "trusting the CAs of " : "trusting the system's CAs");
	if (r->val[f] != NULL)
		rc |= buf_printf(&b, "%s%s%s", r->src[f], r->src[f][0] == '-' ? " " : "=", r->val[f]);
	if (r->val[d] != NULL)
		rc |= buf_printf(&b, " and %s the directory %s%s%s", r->val[f] ? "of" : "those of",
		    r->src[d], r->src[d][0] == '-' ? " " : "=", r->val[d]);
	for (j = 0; j <= ENV_MAX; j++) {
		if (ca_shadowed(r, names[j]))
			rc |= buf_printf(&b, "%s%s", n++ ? ", " : "; set but not used: ", names[j]);
	}
	if (rc != 0 || (r->out->ca_source = buf_take(&b)) == NULL) {
		buf_free(&b);
		return resolver_nomem(r);
	}
	return PATROL_OK;
}

/* A CA file or directory that cannot be used is an error now, naming the
 * setting it came from, not a TLS failure later. A directory from the
 * CA-file settings takes the place of SSL_CERT_DIR. */
static enum patrol_status
resolve_ca(struct resolver *r)
{
	enum patrol_status st;

	if (r->val[ATTR_CA_FILE] != NULL && (st = resolve_ca_file(r)) != PATROL_OK)
		return st;
	if (r->val[ATTR_CA_DIR] != NULL && (st = resolve_ca_dir(r)) != PATROL_OK)
		return st;
	return resolve_ca_source(r);
}

/* A proxy libcurl would refuse is an error now, naming the variable (the
 * URL shown without its password), not a network failure retried later.
 * Only when requests would go through it: to an https host that no_proxy
 * does not spare. */
static enum patrol_status
resolve_proxy(struct resolver *r)
{
	const char *url = r->val[ATTR_PROXY], *h = r->out->host + 8;
	char why[160], host[256];
	enum patrol_status st;
	struct buf b;

	if (url == NULL || strncmp(r->out->host, "https://", 8) != 0)
		return PATROL_OK;
	if (*h == '[')
		snprintf(host, sizeof host, "%.*s", (int)strcspn(h + 1, "]"), h + 1);
	else
		snprintf(host, sizeof host, "%.*s", (int)strcspn(h, ":"), h);
	if ((r->val[ATTR_NO_PROXY] != NULL && proxy_bypassed(host, r->val[ATTR_NO_PROXY])) ||
	    config_proxy_check(url, why, sizeof why))
		return PATROL_OK;
	buf_init(&b, 0);
	if (proxy_redact(url, &b) != 0) {
		buf_free(&b);
		return resolver_nomem(r);
	}
	st = status_set(r->err, PATROL_CONFIG, "proxy %s=%s: %s; correct or unset %s",
	    r->src[ATTR_PROXY], b.data, why, r->src[ATTR_PROXY]);
	buf_free(&b);
	return st;
}

/* "ignoring DATABRICKS_HOST, DATABRICKS_TOKEN …": no profile named, so
 * the one note is true of every profile of a run over several (which says
 * it once). */
static enum patrol_status
resolve_note(struct resolver *r)
{
	struct buf b;

	if (r->ignored.len == 0)
		return PATROL_OK;
	buf_init(&b, 0);
	if (buf_printf(&b, "note: ignoring %s from the environment (a profile named by -p "
	    "or --all-profiles wins)", r->ignored.data) != 0 ||
	    (r->out->note = buf_take(&b)) == NULL) {
		buf_free(&b);
		return resolver_nomem(r);
	}
	return PATROL_OK;
}

/* The profile named by -p, else DATABRICKS_CONFIG_PROFILE, else DEFAULT. */
static void
resolve_profile_name(struct resolver *r)
{
	const char *p = r->flags != NULL ? r->flags->profile : NULL;

	if (p == NULL || *p == '\0')
		p = resolver_env(r, "DATABRICKS_CONFIG_PROFILE");
	r->named = p != NULL;
	r->profile = p != NULL ? p : INI_DEFAULT;
}

static enum patrol_status
resolve_all(struct resolver *r)
{
	enum patrol_status st;

	if ((st = resolve_args(r)) != PATROL_OK)
		return st;
	resolve_profile_name(r);
	if ((st = resolve_path(r)) != PATROL_OK)
		return st;
	if (!resolve_skip_file(r) && (st = resolve_file(r)) != PATROL_OK)
		return st;
	if ((st = resolve_host(r)) != PATROL_OK ||
	    (st = resolve_account(r)) != PATROL_OK ||
	    (st = resolve_check_chars(r)) != PATROL_OK ||
	    (st = resolve_ca(r)) != PATROL_OK ||
	    (st = resolve_proxy(r)) != PATROL_OK ||
	    (st = resolve_auth(r)) != PATROL_OK ||
	    (st = resolve_auth_extra(r)) != PATROL_OK ||
	    (st = resolve_copy(r)) != PATROL_OK ||
	    (st = resolve_cred_source(r)) != PATROL_OK)
		return st;
	return resolve_note(r);
}

enum patrol_status
config_resolve(const struct config_flags *flags, config_getenv_fn getenv_fn,
	       void *env_ctx, struct config *out, struct patrol_err *err)
{
	struct resolver r;
	enum patrol_status st;

	memset(out, 0, sizeof *out);
	out->auth = out->auth_fallback = AUTH_NONE;
	memset(&r, 0, sizeof r);
	r.flags = flags;
	r.getenv_fn = getenv_fn != NULL ? getenv_fn : config_getenv_real;
	r.env_ctx = env_ctx;
	r.out = out;
	r.err = err;
	buf_init(&r.ignored, 0);
	if (err != NULL)
		status_clear(err);
	st = resolve_all(&r);
	ini_free(r.ini);
	free(r.file_src);
	buf_free(&r.ignored);
	auth_choice_free(&r.choice);
	if (st != PATROL_OK)
		config_free(out);
	return st;
}

/* Is the normalized URL an account console (accounts.cloud.databricks.com,
 * accounts.azuredatabricks.net, accounts-dod.…), as the SDKs tell one? */
bool
config_host_is_account(const char *url)
{
	const char *h = strstr(url, "://");

	h = h != NULL ? h + 3 : url;
	return strncasecmp(h, "accounts.", 9) == 0 || strncasecmp(h, "accounts-dod.", 13) == 0;
}

/* host as written, the password of a "user:password@" replaced by
 * <redacted>; NULL on out of memory. As http_redact, the userinfo runs to
 * the last '@' (a password may hold '/', '?', '#', '@'). */
static char *
profiles_redact_host(const char *host)
{
	const char *auth = strstr(host, "://"), *at, *colon;
	struct buf b;

	auth = auth != NULL ? auth + 3 : host;
	at = strrchr(auth, '@');
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL)
		return strdup(host);
	buf_init(&b, 0);
	if (buf_printf(&b, "%.*s<redacted>%s", (int)(colon + 1 - host), host, at) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* A profile's malformed host: as written (redacted) and why; -1 on out of
 * memory. */
static int
profiles_bad_host(struct config_profile *cp, const char *host, const struct patrol_err *err)
{
	struct patrol_err again;
	char *norm = NULL;
	struct buf b;

	buf_init(&b, 0);
	if ((cp->bad_host = profiles_redact_host(host)) == NULL)
		return -1;
	/* a password redacted: the reason of the redacted host, so no piece
	 * of the password is quoted in it (a path's, say) */
	status_clear(&again);
	if (strcmp(cp->bad_host, host) != 0 &&
	    config_normalize_host(cp->bad_host, &norm, &again) != PATROL_OK)
		err = &again;
	free(norm);
	if (err->status == PATROL_NOMEM ||
	    buf_printf(&b, "has an invalid host: %s", err->message) != 0) {
		buf_free(&b);
		return -1;
	}
	cp->bad_host_why = buf_take(&b);
	return 0;
}

/* One profile of the file for config_profiles; -1 on out of memory. */
static int
profiles_add(struct config_profile *v, size_t *n, const struct ini *ini, const char *name)
{
	const char *host = ini_get(ini, name, "host");
	struct config_profile *cp = &v[*n];
	struct patrol_err err;

	memset(cp, 0, sizeof *cp);
	status_clear(&err);
	if ((cp->name = strdup(name)) == NULL)
		return -1;
	(*n)++;
	if (host != NULL && *host != '\0' &&
	    config_normalize_host(host, &cp->host, &err) != PATROL_OK) {
		cp->host = NULL;
		if (err.status == PATROL_NOMEM || profiles_bad_host(cp, host, &err) != 0)
			return -1;
	}
	cp->account = cp->host != NULL && config_host_is_account(cp->host);
	return 0;
}

enum patrol_status
config_profiles(config_getenv_fn getenv_fn, void *env_ctx, struct config_profile **out,
		size_t *n, char **file, struct patrol_err *err)
{
	struct config tmp;
	struct resolver r;
	struct ini *ini = NULL;
	struct config_profile *v = NULL;
	const char *name;
	enum patrol_status st;
	size_t i;

	*out = NULL;
	*n = 0;
	*file = NULL;
	memset(&tmp, 0, sizeof tmp);
	memset(&r, 0, sizeof r);
	r.getenv_fn = getenv_fn != NULL ? getenv_fn : config_getenv_real;
	r.env_ctx = env_ctx;
	r.out = &tmp;
	r.err = err;
	if ((st = resolve_path(&r)) != PATROL_OK)
		return st;
	*file = tmp.config_file;
	if ((st = ini_parse_file(*file, &ini, NULL, err)) != PATROL_OK)
		return st;
	v = calloc(ini_section_count(ini) + 1, sizeof *v);
	for (i = 0; v != NULL && (name = ini_section_name(ini, i)) != NULL; i++) {
		if (strcmp(name, "__settings__") != 0 && profiles_add(v, n, ini, name) != 0)
			break;
	}
	ini_free(ini);
	if (v == NULL || name != NULL) {
		config_profiles_free(v, *n);
		*n = 0;
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	*out = v;
	return PATROL_OK;
}

void
config_profiles_free(struct config_profile *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].name);
		free(v[i].host);
		free(v[i].bad_host);
		free(v[i].bad_host_why);
	}
	free(v);
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->host);
	secret_free(c->token);
	free(c->client_id);
	secret_free(c->client_secret);
	free(c->account_id);
	free(c->workspace_id);
	free(c->ca_file);
	free(c->ca_dir);
	free(c->ca_source);
	free(c->cli_path);
	free(c->azure_client_id);
	secret_free(c->azure_client_secret);
	free(c->azure_tenant_id);
	free(c->azure_login_url);
	secret_free(c->oidc_token);
	free(c->oidc_token_file);
	secret_free(c->proxy);
	free(c->no_proxy);
	free(c->helper);
	free(c->fallback_helper);
	free(c->auth_why);
	free(c->cred_source);
	free(c->profile);
	free(c->config_file);
	free(c->host_source);
	free(c->warning);
	free(c->note);
	memset(c, 0, sizeof *c);
	c->auth = c->auth_fallback = AUTH_NONE;
}

void
config_self_id(const struct config *c, char out[65])
{
	out[0] = '\0';
	if (c->auth == AUTH_PAT && c->token != NULL)
		sha256_hex(c->token, strlen(c->token), out);
}

const char *
config_getenv_real(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

void
config_scrub_environ(void)
{
	static const char *const names[] = {
		"DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "ARM_CLIENT_SECRET",
		"DATABRICKS_OIDC_TOKEN",
	};
	size_t i;
	char *v;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((v = getenv(names[i])) == NULL)
			continue;
		secret_wipe(v, strlen(v));
		unsetenv(names[i]);
	}
}
