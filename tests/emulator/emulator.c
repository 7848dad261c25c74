/*
 * emulator.c: patrol-emulator, a Databricks workspace for tests.
 *
 * Parses the command line (a contract the tests rely on), builds the
 * workspace in emu_state, serves it over libmicrohttpd with one thread per
 * connection, and injects faults (latency, error statuses, throttling,
 * dropped answers, garbage answers) around the endpoints of emu_api. One
 * mutex guards the state, the statistics and the fault generator; latency
 * is slept outside it so a slow answer never blocks another connection.
 * With --tls-cert and --tls-key it speaks HTTPS (libmicrohttpd with GnuTLS),
 * so the tests run patrol's TLS path, proxies included, for real.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "emu_access.h"
#include "emu_api.h"
#include "emu_clock.h"
#include "emu_state.h"

#define EMU_BODY_MAX (1024 * 1024)
#define EMU_MAX_RULES 32
#define EMU_MAX_LIST 256

enum emu_errfmt {
	EMU_FMT_JSON, EMU_FMT_NUMERIC, EMU_FMT_ERROR, EMU_FMT_SCIM,
	EMU_FMT_TEXT, EMU_FMT_HTML, EMU_FMT_EMPTY
};

enum emu_garbage {
	EMU_GARBAGE_MIXED, EMU_GARBAGE_TRUNCATED, EMU_GARBAGE_HTML, EMU_GARBAGE_500
};

/* A fault that fires with probability p, at most count times (-1: no cap). */
struct emu_chance {
	double		 p;
	long		 count;
};

/* --fail: a status, a chance, and how many faultable requests must have
 * arrived before the rule may fire. */
struct emu_fail_rule {
	int		 status;
	struct emu_chance chance;
	unsigned long	 after;
};

struct emu_opts {
	struct in_addr	 addr;
	char		 host[64];
	int		 port;
	const char	*port_file;
	const char	*admin_token;
	const char	*users[EMU_MAX_LIST];
	size_t		 nusers;
	const char	*sps[EMU_MAX_LIST];
	size_t		 nsps;
	const char	*clients[EMU_MAX_LIST];
	size_t		 nclients;
	const char	*entra[EMU_MAX_LIST];
	size_t		 nentra;
	const char	*otokens[EMU_MAX_LIST];
	size_t		 notokens;
	const char	*federated[EMU_MAX_LIST];
	size_t		 nfederated;
	const char	*groups[EMU_MAX_LIST];
	size_t		 ngroups;
	const char	*tls_cert;
	const char	*tls_key;
	const char	*token_endpoint;
	const char	*redirect;
	long		 oauth_expires_in;
	size_t		 generate;
	unsigned int	 generate_users;
	uint64_t	 seed;
	int		 seeded;
	int64_t		 now_ms;
	int64_t		 advance_ms;
	int		 max_days;
	int		 tokens_disabled;

	long		 latency_ms;
	long		 slow_body;	/* bytes a second for answer bodies, 0: all at once */
	struct emu_fail_rule rules[EMU_MAX_RULES];
	size_t		 nrules;
	long		 retry_after;
	enum emu_errfmt	 errfmt;
	double		 rps;
	struct emu_chance drop;
	struct emu_chance garbage;
	enum emu_garbage garbage_kind;
	const char	*fault_path;
};

/* Everything the connection threads share; lock guards the rest. */
struct emu_server {
	pthread_mutex_t	 lock;
	struct emu_state *st;
	struct emu_opts	*o;
	struct emu_rng	 rng;		/* fault decisions */
	double		 bucket;
	struct timespec	 bucket_at;
	unsigned long	 garbage_n;
	unsigned long	 faultable_n;	/* faultable requests answered so far */
};

/* Per-request upload state. */
struct emu_conn {
	char		*body;
	size_t		 len;
	int		 too_large;
	int		 counted;	/* in the statistics' in-flight count */
};

enum emu_after { EMU_AFTER_NONE, EMU_AFTER_DROP, EMU_AFTER_GARBAGE };

static const char emu_usage[] =
    "usage: patrol-emulator [--listen 127.0.0.1:PORT] [--port-file F]\n"
    "    [--admin-token T] [--user NAME=TOKEN]... [--service-principal ID]...\n"
    "    [--oauth-client ID:SECRET]... [--oauth-expires-in S]\n"
    "    [--oauth-token NAME=TOKEN]... [--entra-client TENANT:ID:SECRET]...\n"
    "    [--federated JWT=NAME]... [--group NAME=MEMBER[,MEMBER]...]...\n"
    "    [--tls-cert FILE --tls-key FILE] [--token-endpoint URL] [--redirect URL]\n"
    "    [--generate N[:USERS]] [--seed S] [--now-ms MS] [--advance-ms MS]\n"
    "    [--max-lifetime-days D] [--tokens-disabled]\n"
    "    [--latency-ms MS] [--slow-body BYTES_PER_S]\n"
    "    [--fail STATUS:P[:COUNT[:AFTER]]]... [--retry-after S]\n"
    "    [--error-format json|numeric|error|scim|text|html|empty]\n"
    "    [--rate-limit RPS] [--drop P[:COUNT]] [--garbage P[:COUNT]]\n"
    "    [--garbage-kind truncated|html|500|mixed] [--fault-path SUBSTR]\n"
    "\n"
    "Faults apply to /api/... and /oidc/v1/token requests whose path contains\n"
    "--fault-path (all of them without it); /emulator/... is never faulted.\n"
    "--fail STATUS:P[:COUNT[:AFTER]] answers STATUS with probability P, at most\n"
    "COUNT times (empty or -1: no cap), and only once AFTER faultable requests\n"
    "have arrived before the one it answers: --fail 403:1:1:500 fails exactly\n"
    "the 501st. Rules are tried in the order given.\n"
    "--oauth-token NAME=TOKEN: accept TOKEN as an OAuth access token of user\n"
    "NAME (what `databricks auth token` or `az` print). --entra-client: an\n"
    "Entra ID service principal, at POST /TENANT/oauth2/token (Entra v1).\n"
    "--federated JWT=NAME: the OIDC token exchange at /oidc/v1/token signs\n"
    "JWT in as NAME (a service principal). Scoped PATs need the scope\n"
    "authentication for the token APIs, access-management for their\n"
    "permissions (403 PERMISSION_DENIED otherwise).\n"
    "--group NAME=MEMBER,...: put users (or service principals, by application\n"
    "id) into group NAME; every user is in \"users\", admins in \"admins\".\n"
    "\n"
    "Token permissions (/api/2.0/permissions/authorization/tokens): a new\n"
    "workspace lets \"users\" CAN_USE; admins always CAN_MANAGE. A PAT whose\n"
    "owner is no admin, has no direct entry and is in no group with one is\n"
    "refused: 403 PERMISSION_DENIED \"User does not have permission to use\n"
    "tokens.\" A PUT that drops a user's or service principal's direct entry\n"
    "deletes all of its tokens (not an admin's). Only admins read or change\n"
    "the permissions.\n"
    "\n"
    "Auto-scoping and the 90-day clock: a token created with\n"
    "autoscope_enabled and a lifetime of 30 days or more is observed\n"
    "(AUTOSCOPE_STATE_RUNNING): each accepted call adds the scope of its API\n"
    "family to inferred_scopes (token and token-management paths are\n"
    "authentication, permissions access-management, SCIM scim, /api/2.1/jobs\n"
    "jobs, /api/2.0/sql sql, ...; a path no scope covers makes it\n"
    "AUTOSCOPE_STATE_API_NOT_COVERED). Setting scopes by hand makes it\n"
    "USER_SELECTED for good. /api/ paths the emulator does not serve are\n"
    "authenticated and recorded as use, then answered 404. Each accepted PAT\n"
    "call is its last use (last_used_day, last_accessed_time). The server's\n"
    "rules run only when the clock is moved, as of the new time: an observed\n"
    "token 30 days old is narrowed (COMPLETED, scopes = inferred scopes); a\n"
    "token unused for 90 days (or never used, 90 days after creation) is\n"
    "revoked. --now-ms stops the clock at MS (else it runs with the real\n"
    "time); --advance-ms MS moves it MS forward once the data is built, as\n"
    "POST /emulator/clock {\"advance_ms\":MS} would. PATs given here age like\n"
    "any other: use them, or sign in with --oauth-token, across long moves.\n"
    "\n"
    "--token-endpoint URL: what OAuth discovery names as the token endpoint\n"
    "(a hostile workspace). --redirect URL: every faultable request is\n"
    "answered 302 to URL (a Private Link rejection, a login page).\n"
    "--slow-body BYTES_PER_S sends the body of each faultable answer at about\n"
    "that rate, a piece every 50 ms (a slow link: a big list streams in).\n"
    "--garbage spoils answers after the request was processed: JSON cut in\n"
    "half, a proxy's HTML 502 page, a 500 INTERNAL_ERROR, or the first two in\n"
    "turn (mixed).\n"
    "\n"
    "Test control (no authentication, never faulted, not counted in the\n"
    "statistics; the fields are described in emu_api_ctl.c):\n"
    "  GET /emulator/stats        what was received; \"server\" counts live tokens\n"
    "                             the server narrowed, revoked as unused, or\n"
    "                             deleted with a permission\n"
    "  POST /emulator/reset-stats\n"
    "  POST /emulator/tokens      make a token with exact properties\n"
    "  GET /emulator/clock        {\"now_ms\",\"frozen\"}\n"
    "  POST /emulator/clock       {\"advance_ms\":N} or {\"now_ms\":T}: move the\n"
    "                             time forward; answers the ids narrowed and\n"
    "                             revoked\n"
    "  POST /emulator/use         {\"token_id\"|\"token_value\",\"path\",\"method\"}:\n"
    "                             a token's call of an API, without sending it\n"
    "  POST /emulator/hold        {\"path\":SUBSTR}: keep the next request whose\n"
    "                             path contains SUBSTR, counted but unprocessed,\n"
    "  POST /emulator/release     until this (a client killed on the wire)\n"
    "The statistics include peak_inflight (the most requests received and not\n"
    "yet answered at once) and peak_per_second (the most received in any\n"
    "1,000 ms).\n";

/* Status codes, their error_code and message for injected failures. */
static const struct {
	int		 status;
	const char	*code;
	const char	*message;
} emu_statuses[] = {
	{ 400, "INVALID_PARAMETER_VALUE", "Invalid parameter value" },
	{ 401, "UNAUTHENTICATED", "Unauthenticated" },
	{ 403, "PERMISSION_DENIED", "Permission denied" },
	{ 404, "NOT_FOUND", "Not found" },
	{ 409, "ALREADY_EXISTS", "Already exists" },
	{ 429, "REQUEST_LIMIT_EXCEEDED", "Too many requests, please retry later" },
	{ 500, "INTERNAL_ERROR", "Internal error" },
	{ 501, "NOT_IMPLEMENTED", "This operation is not supported" },
	{ 502, "BAD_GATEWAY", "Bad gateway" },
	{ 503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable" },
	{ 504, "DEADLINE_EXCEEDED", "Deadline exceeded" },
};

static const char *emu_errfmt_names[] = {
	"json", "numeric", "error", "scim", "text", "html", "empty"
};

static const char *emu_garbage_names[] = { "mixed", "truncated", "html", "500" };

static const char emu_html_502[] =
    "<html><head><title>502 Bad Gateway</title></head><body>\n"
    "<center><h1>502 Bad Gateway</h1></center>\n"
    "<hr><center>nginx</center>\n</body></html>\n";

static void emu_die_usage(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Report a command-line error with the usage and exit 2. */
static void
emu_die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "patrol-emulator: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", emu_usage);
	exit(2);
}

/* Parse a whole decimal integer within [lo, hi]. */
static int
emu_parse_long(const char *s, long long lo, long long hi, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return (errno == 0 && end != s && *end == '\0' && *out >= lo &&
	    *out <= hi) ? 0 : -1;
}

static int
emu_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno == 0 && end != s && *end == '\0' && *out >= lo &&
	    *out <= hi) ? 0 : -1;
}

/* "P[:COUNT]" into a chance. */
static int
emu_parse_chance(const char *s, struct emu_chance *c)
{
	char buf[64], *colon;
	long long n = -1;

	if (snprintf(buf, sizeof buf, "%s", s) >= (int)sizeof buf)
		return -1;
	if ((colon = strchr(buf, ':')) != NULL) {
		*colon = '\0';
		if (emu_parse_long(colon + 1, 0, 1000000000, &n) != 0)
			return -1;
	}
	c->count = (long)n;
	return emu_parse_double(buf, 0.0, 1.0, &c->p);
}

static int
emu_parse_name(const char *s, const char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	}
	return -1;
}

static void
opt_listen(struct emu_opts *o, const char *v)
{
	const char *colon = strrchr(v, ':');
	long long port;

	if (colon == NULL || (size_t)(colon - v) >= sizeof o->host ||
	    emu_parse_long(colon + 1, 0, 65535, &port) != 0)
		emu_die_usage("--listen wants HOST:PORT, not '%s'", v);
	memcpy(o->host, v, (size_t)(colon - v));
	o->host[colon - v] = '\0';
	if (inet_pton(AF_INET, o->host, &o->addr) != 1)
		emu_die_usage("--listen: '%s' is not an IPv4 address", o->host);
	o->port = (int)port;
}

static void
opt_port_file(struct emu_opts *o, const char *v)
{
	o->port_file = v;
}

static void
opt_admin_token(struct emu_opts *o, const char *v)
{
	if (*v == '\0')
		emu_die_usage("--admin-token must not be empty%s", "");
	o->admin_token = v;
}

/* Append v to a bounded list of option values. */
static void
emu_list_add(const char **list, size_t *n, const char *v, const char *what)
{
	if (*n >= EMU_MAX_LIST)
		emu_die_usage("too many %s options", what);
	list[(*n)++] = v;
}

static void
opt_user(struct emu_opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (eq == NULL || eq == v || eq[1] == '\0')
		emu_die_usage("--user wants NAME=TOKEN, not '%s'", v);
	emu_list_add(o->users, &o->nusers, v, "--user");
}

static void
opt_sp(struct emu_opts *o, const char *v)
{
	if (*v == '\0')
		emu_die_usage("--service-principal wants an application id%s",
		    "");
	emu_list_add(o->sps, &o->nsps, v, "--service-principal");
}

static void
opt_oauth_client(struct emu_opts *o, const char *v)
{
	const char *colon = strchr(v, ':');

	if (colon == NULL || colon == v || colon[1] == '\0')
		emu_die_usage("--oauth-client wants ID:SECRET, not '%s'", v);
	emu_list_add(o->clients, &o->nclients, v, "--oauth-client");
}

static void
opt_oauth_token(struct emu_opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (eq == NULL || eq == v || eq[1] == '\0')
		emu_die_usage("--oauth-token wants NAME=TOKEN, not '%s'", v);
	emu_list_add(o->otokens, &o->notokens, v, "--oauth-token");
}

static void
opt_entra_client(struct emu_opts *o, const char *v)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (c1 == NULL || c1 == v || c2 == NULL || c2 == c1 + 1 || c2[1] == '\0')
		emu_die_usage("--entra-client wants TENANT:ID:SECRET, not '%s'", v);
	emu_list_add(o->entra, &o->nentra, v, "--entra-client");
}

static void
opt_federated(struct emu_opts *o, const char *v)
{
	const char *eq = strrchr(v, '=');

	if (eq == NULL || eq == v || eq[1] == '\0')
		emu_die_usage("--federated wants JWT=NAME, not '%s'", v);
	emu_list_add(o->federated, &o->nfederated, v, "--federated");
}

static void
opt_group(struct emu_opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (eq == NULL || eq == v || eq[1] == '\0' || eq[1] == ',')
		emu_die_usage("--group wants NAME=MEMBER[,MEMBER]..., not '%s'", v);
	emu_list_add(o->groups, &o->ngroups, v, "--group");
}

static void
opt_token_endpoint(struct emu_opts *o, const char *v)
{
	o->token_endpoint = v;
}

static void
opt_redirect(struct emu_opts *o, const char *v)
{
	o->redirect = v;
}

static void
opt_tls_cert(struct emu_opts *o, const char *v)
{
	o->tls_cert = v;
}

static void
opt_tls_key(struct emu_opts *o, const char *v)
{
	o->tls_key = v;
}

static void
opt_oauth_expires(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 1, 86400 * 365, &n) != 0)
		emu_die_usage("--oauth-expires-in wants seconds, not '%s'", v);
	o->oauth_expires_in = (long)n;
}

static void
opt_generate(struct emu_opts *o, const char *v)
{
	char buf[64], *colon;
	long long n, u = 20;

	if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf)
		emu_die_usage("--generate wants N[:USERS], not '%s'", v);
	if ((colon = strchr(buf, ':')) != NULL) {
		*colon = '\0';
		if (emu_parse_long(colon + 1, 1, 10000, &u) != 0)
			emu_die_usage("--generate wants N[:USERS], not '%s'", v);
	}
	if (emu_parse_long(buf, 0, 10000000, &n) != 0)
		emu_die_usage("--generate wants N[:USERS], not '%s'", v);
	o->generate = (size_t)n;
	o->generate_users = (unsigned int)u;
}

static void
opt_seed(struct emu_opts *o, const char *v)
{
	char *end;

	errno = 0;
	o->seed = strtoull(v, &end, 0);
	if (errno != 0 || end == v || *end != '\0' || *v == '-')
		emu_die_usage("--seed wants a number, not '%s'", v);
	o->seeded = 1;
}

static void
opt_now_ms(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 1, 253402300799999LL, &n) != 0)
		emu_die_usage("--now-ms wants milliseconds since 1970, not '%s'",
		    v);
	o->now_ms = n;
}

static void
opt_advance_ms(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 0, 100LL * 365 * EMU_DAY_MS, &n) != 0)
		emu_die_usage("--advance-ms wants milliseconds (0 to 100 years), "
		    "not '%s'", v);
	o->advance_ms = n;
}

static void
opt_max_days(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 1, EMU_DEFAULT_MAX_DAYS, &n) != 0)
		emu_die_usage("--max-lifetime-days wants 1-730, not '%s'", v);
	o->max_days = (int)n;
}

static void
opt_tokens_disabled(struct emu_opts *o, const char *v)
{
	(void)v;
	o->tokens_disabled = 1;
}

static void
opt_latency(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 0, 3600000, &n) != 0)
		emu_die_usage("--latency-ms wants milliseconds, not '%s'", v);
	o->latency_ms = (long)n;
}

static void
opt_slow_body(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, 1, 1LL << 40, &n) != 0)
		emu_die_usage("--slow-body wants bytes a second, not '%s'", v);
	o->slow_body = (long)n;
}

/* "STATUS:P[:COUNT[:AFTER]]"; COUNT may be empty or -1 for no cap. */
static int
emu_parse_fail(const char *v, struct emu_fail_rule *r)
{
	char buf[96], *f[4], *p;
	long long n;
	size_t k = 0;

	if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf)
		return -1;
	/* strsep keeps empty fields ("503:1::10"), strtok would not. */
	for (p = buf; k < 4 && (f[k] = strsep(&p, ":")) != NULL; k++)
		continue;
	if (k < 2 || p != NULL)
		return -1;
	if (emu_parse_long(f[0], 100, 599, &n) != 0)
		return -1;
	r->status = (int)n;
	if (emu_parse_double(f[1], 0.0, 1.0, &r->chance.p) != 0)
		return -1;
	r->chance.count = -1;
	if (k >= 3 && f[2][0] != '\0') {
		if (emu_parse_long(f[2], -1, 1000000000, &n) != 0)
			return -1;
		r->chance.count = (long)n;
	}
	r->after = 0;
	if (k == 4) {
		if (emu_parse_long(f[3], 0, 1000000000, &n) != 0)
			return -1;
		r->after = (unsigned long)n;
	}
	return 0;
}

static void
opt_fail(struct emu_opts *o, const char *v)
{
	if (o->nrules >= EMU_MAX_RULES)
		emu_die_usage("too many --fail rules%s", "");
	if (emu_parse_fail(v, &o->rules[o->nrules]) != 0)
		emu_die_usage("--fail wants STATUS:PROBABILITY[:COUNT[:AFTER]], "
		    "not '%s'", v);
	o->nrules++;
}

static void
opt_retry_after(struct emu_opts *o, const char *v)
{
	long long n;

	if (emu_parse_long(v, -1, 86400, &n) != 0)
		emu_die_usage("--retry-after wants seconds or -1, not '%s'", v);
	o->retry_after = (long)n;
}

static void
opt_error_format(struct emu_opts *o, const char *v)
{
	int i = emu_parse_name(v, emu_errfmt_names, sizeof emu_errfmt_names /
	    sizeof emu_errfmt_names[0]);

	if (i < 0)
		emu_die_usage("unknown --error-format '%s'", v);
	o->errfmt = (enum emu_errfmt)i;
}

static void
opt_rate_limit(struct emu_opts *o, const char *v)
{
	if (emu_parse_double(v, 0.001, 1e9, &o->rps) != 0)
		emu_die_usage("--rate-limit wants requests per second, not '%s'",
		    v);
}

static void
opt_drop(struct emu_opts *o, const char *v)
{
	if (emu_parse_chance(v, &o->drop) != 0)
		emu_die_usage("--drop wants PROBABILITY[:COUNT], not '%s'", v);
}

static void
opt_garbage(struct emu_opts *o, const char *v)
{
	if (emu_parse_chance(v, &o->garbage) != 0)
		emu_die_usage("--garbage wants PROBABILITY[:COUNT], not '%s'", v);
}

static void
opt_garbage_kind(struct emu_opts *o, const char *v)
{
	int i = emu_parse_name(v, emu_garbage_names, sizeof emu_garbage_names /
	    sizeof emu_garbage_names[0]);

	if (i < 0)
		emu_die_usage("unknown --garbage-kind '%s'", v);
	o->garbage_kind = (enum emu_garbage)i;
}

static void
opt_fault_path(struct emu_opts *o, const char *v)
{
	o->fault_path = v;
}

static void
opt_help(struct emu_opts *o, const char *v)
{
	(void)o;
	(void)v;
	fputs(emu_usage, stdout);
	exit(0);
}

static const struct {
	const char	*name;
	int		 has_arg;
	void		(*fn)(struct emu_opts *, const char *);
} emu_options[] = {
	{ "--listen", 1, opt_listen },
	{ "--port-file", 1, opt_port_file },
	{ "--admin-token", 1, opt_admin_token },
	{ "--user", 1, opt_user },
	{ "--service-principal", 1, opt_sp },
	{ "--oauth-client", 1, opt_oauth_client },
	{ "--oauth-expires-in", 1, opt_oauth_expires },
	{ "--oauth-token", 1, opt_oauth_token },
	{ "--entra-client", 1, opt_entra_client },
	{ "--federated", 1, opt_federated },
	{ "--group", 1, opt_group },
	{ "--tls-cert", 1, opt_tls_cert },
	{ "--token-endpoint", 1, opt_token_endpoint },
	{ "--redirect", 1, opt_redirect },
	{ "--tls-key", 1, opt_tls_key },
	{ "--generate", 1, opt_generate },
	{ "--seed", 1, opt_seed },
	{ "--now-ms", 1, opt_now_ms },
	{ "--advance-ms", 1, opt_advance_ms },
	{ "--max-lifetime-days", 1, opt_max_days },
	{ "--tokens-disabled", 0, opt_tokens_disabled },
	{ "--latency-ms", 1, opt_latency },
	{ "--slow-body", 1, opt_slow_body },
	{ "--fail", 1, opt_fail },
	{ "--retry-after", 1, opt_retry_after },
	{ "--error-format", 1, opt_error_format },
	{ "--rate-limit", 1, opt_rate_limit },
	{ "--drop", 1, opt_drop },
	{ "--garbage", 1, opt_garbage },
	{ "--garbage-kind", 1, opt_garbage_kind },
	{ "--fault-path", 1, opt_fault_path },
	{ "--help", 0, opt_help },
};

/* Parse argv; "--opt=value" and "--opt value" both work. */
static void
emu_parse_args(struct emu_opts *o, int argc, char **argv)
{
	size_t j, nlen, n = sizeof emu_options / sizeof emu_options[0];
	const char *a, *val;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		for (j = 0; j < n; j++) {
			nlen = strlen(emu_options[j].name);
			if (strncmp(a, emu_options[j].name, nlen) == 0 &&
			    (a[nlen] == '\0' || a[nlen] == '='))
				break;
		}
		if (j == n)
			emu_die_usage("unknown option '%s'", a);
		val = NULL;
		if (emu_options[j].has_arg && a[nlen] == '=')
			val = a + nlen + 1;
		else if (emu_options[j].has_arg && i + 1 < argc)
			val = argv[++i];
		else if (emu_options[j].has_arg)
			emu_die_usage("%s needs a value", emu_options[j].name);
		else if (a[nlen] == '=')
			emu_die_usage("%s takes no value", emu_options[j].name);
		emu_options[j].fn(o, val);
	}
}

/* Add a user with a PAT from "NAME=TOKEN". */
static int
emu_add_user_token(struct emu_state *st, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[256];
	struct emu_user *u;
	struct emu_token *t;

	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	if ((u = emu_user_get(st, name, 0, 0)) == NULL ||
	    (t = emu_token_add(st, eq + 1, u, u)) == NULL)
		return -1;
	return emu_token_set_comment(t, "patrol emulator user token");
}

/* Add an OAuth client from "ID:SECRET". */
static int
emu_add_client(struct emu_state *st, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char id[256];

	snprintf(id, sizeof id, "%.*s", (int)(colon - spec), spec);
	return emu_oauth_add_client(st, NULL, id, colon + 1);
}

/* Add an Entra ID client from "TENANT:ID:SECRET". */
static int
emu_add_entra(struct emu_state *st, const char *spec)
{
	const char *c1 = strchr(spec, ':'), *c2 = strchr(c1 + 1, ':');
	char tenant[256], id[256];

	snprintf(tenant, sizeof tenant, "%.*s", (int)(c1 - spec), spec);
	snprintf(id, sizeof id, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	return emu_oauth_add_client(st, tenant, id, c2 + 1);
}

/* Accept an access token from "NAME=TOKEN" (a user, created if new). */
static int
emu_add_otoken(struct emu_state *st, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct emu_user *u;
	char name[256];

	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	if ((u = emu_user_get(st, name, 0, 0)) == NULL)
		return -1;
	return emu_oauth_add_token(st, u, eq + 1);
}

/* Accept a federated JWT from "JWT=NAME" (a service principal). */
static int
emu_add_federated(struct emu_state *st, const char *spec)
{
	const char *eq = strrchr(spec, '=');
	struct emu_user *u;
	char jwt[4096];

	snprintf(jwt, sizeof jwt, "%.*s", (int)(eq - spec), spec);
	if ((u = emu_user_get(st, eq + 1, 0, 1)) == NULL)
		return -1;
	return emu_federated_add(st, jwt, u);
}

/* Put the members of "NAME=MEMBER[,MEMBER]..." into group NAME; members
 * not known yet are made plain users. */
static int
emu_add_group(struct emu_state *st, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[256], *list, *m, *save = NULL;
	struct emu_user *u;
	int rc = 0;

	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	if ((list = strdup(eq + 1)) == NULL)
		return -1;
	for (m = strtok_r(list, ",", &save); m != NULL && rc == 0;
	    m = strtok_r(NULL, ",", &save)) {
		u = emu_user_find(st, m);
		if (u == NULL)
			u = emu_user_get(st, m, 0, 0);
		rc = u != NULL ? emu_group_join(st, u, name) : -1;
	}
	free(list);
	return rc;
}

/* Build the workspace the options describe. */
static struct emu_state *
emu_build_state(struct emu_opts *o)
{
	struct emu_state *st;
	struct emu_user *admin;
	struct emu_token *t;
	size_t i;
	int rc = 0;

	if ((st = emu_state_new(o->seed)) == NULL)
		return NULL;
	st->fixed_now = o->now_ms;
	st->max_days = o->max_days;
	st->tokens_enabled = !o->tokens_disabled;
	st->oauth_expires_in = o->oauth_expires_in;
	st->token_endpoint = o->token_endpoint;
	admin = emu_user_get(st, "admin@example.com", 1, 0);
	if (admin == NULL ||
	    (t = emu_token_add(st, o->admin_token, admin, admin)) == NULL ||
	    emu_token_set_comment(t, "patrol emulator admin token") != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < o->nusers; i++)
		rc = emu_add_user_token(st, o->users[i]);
	for (i = 0; rc == 0 && i < o->nsps; i++)
		rc = emu_user_get(st, o->sps[i], 0, 1) != NULL ? 0 : -1;
	for (i = 0; rc == 0 && i < o->nclients; i++)
		rc = emu_add_client(st, o->clients[i]);
	for (i = 0; rc == 0 && i < o->nentra; i++)
		rc = emu_add_entra(st, o->entra[i]);
	for (i = 0; rc == 0 && i < o->notokens; i++)
		rc = emu_add_otoken(st, o->otokens[i]);
	for (i = 0; rc == 0 && i < o->nfederated; i++)
		rc = emu_add_federated(st, o->federated[i]);
	if (rc == 0 && o->generate > 0)
		rc = emu_generate(st, admin, o->generate, o->generate_users,
		    o->seed);
	for (i = 0; rc == 0 && i < o->ngroups; i++)
		rc = emu_add_group(st, o->groups[i]);
	if (rc == 0 && o->advance_ms > 0)
		rc = emu_clock_move(st, emu_now_ms(st) + o->advance_ms, NULL,
		    NULL);
	if (rc != 0) {
		emu_state_free(st);
		return NULL;
	}
	return st;
}

static const char *
emu_status_code(int status, const char **message)
{
	size_t i;

	for (i = 0; i < sizeof emu_statuses / sizeof emu_statuses[0]; i++) {
		if (emu_statuses[i].status == status) {
			*message = emu_statuses[i].message;
			return emu_statuses[i].code;
		}
	}
	*message = "Injected failure";
	return status < 500 ? "BAD_REQUEST" : "INTERNAL_ERROR";
}

/* An injected error answer in the chosen --error-format. */
static void
emu_fault_body(struct emu_server *s, struct emu_resp *resp, int status)
{
	const char *msg, *code = emu_status_code(status, &msg);
	const char *ctype = "application/json";
	char body[1024];

	switch (s->o->errfmt) {
	case EMU_FMT_JSON:
		emu_api_error(s->st, resp, status, code, msg);
		return;
	case EMU_FMT_EMPTY:
		emu_api_reply(resp, status, ctype, NULL);
		return;
	case EMU_FMT_NUMERIC:
		snprintf(body, sizeof body,
		    "{\"error_code\":%d,\"message\":\"%s\"}", status, msg);
		break;
	case EMU_FMT_ERROR:
		snprintf(body, sizeof body, "{\"error\":\"%s\"}", msg);
		break;
	case EMU_FMT_SCIM:
		snprintf(body, sizeof body, "{\"detail\":\"%s\",\"status\":"
		    "\"%d\",\"schemas\":[\"urn:ietf:params:scim:api:messages:"
		    "2.0:Error\"]}", msg, status);
		break;
	case EMU_FMT_TEXT:
		ctype = "text/plain; charset=utf-8";
		snprintf(body, sizeof body, "%s: %s", code, msg);
		break;
	case EMU_FMT_HTML:
		ctype = "text/html; charset=utf-8";
		snprintf(body, sizeof body, "<html><head><title>Error %d</title>"
		    "</head><body><h2>HTTP ERROR %d</h2><pre>%s: %s</pre>"
		    "</body></html>", status, status, code, msg);
		break;
	}
	emu_api_reply(resp, status, ctype, body);
}

/* Roll a chance; consumes one of its count when it fires. */
static int
emu_roll(struct emu_server *s, struct emu_chance *c)
{
	if (c->count == 0 || c->p <= 0.0)
		return 0;
	if (c->p < 1.0 && emu_rng_unit(&s->rng) >= c->p)
		return 0;
	if (c->count > 0)
		c->count--;
	return 1;
}

/* Take a token from the rate-limit bucket; else the seconds to wait. */
static long
emu_bucket_take(struct emu_server *s)
{
	double burst = s->o->rps < 1.0 ? 1.0 : s->o->rps;
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - s->bucket_at.tv_sec) +
	    (double)(now.tv_nsec - s->bucket_at.tv_nsec) / 1e9;
	s->bucket_at = now;
	s->bucket += dt * s->o->rps;
	if (s->bucket > burst)
		s->bucket = burst;
	if (s->bucket >= 1.0) {
		s->bucket -= 1.0;
		return 0;
	}
	dt = ceil((1.0 - s->bucket) / s->o->rps);
	return dt < 1.0 ? 1 : (long)dt;
}

/* Faults answered before processing; 1 when resp holds the answer. seen:
 * faultable requests that arrived before this one. */
static int
emu_fault_before(struct emu_server *s, struct emu_resp *resp,
    unsigned long seen)
{
	long wait;
	size_t i;

	if (s->o->rps > 0.0 && (wait = emu_bucket_take(s)) > 0) {
		s->st->stats.faults[EMU_FAULT_RATE_LIMITED]++;
		emu_fault_body(s, resp, 429);
		resp->retry_after = s->o->retry_after < 0 ? -1 : wait;
		return 1;
	}
	for (i = 0; i < s->o->nrules; i++) {
		if (seen < s->o->rules[i].after ||
		    !emu_roll(s, &s->o->rules[i].chance))
			continue;
		s->st->stats.faults[EMU_FAULT_FAIL]++;
		emu_fault_body(s, resp, s->o->rules[i].status);
		if (s->o->rules[i].status == 429 ||
		    s->o->rules[i].status == 503)
			resp->retry_after = s->o->retry_after;
		return 1;
	}
	return 0;
}

/* Decide what happens to the answer after processing. */
static enum emu_after
emu_fault_after(struct emu_server *s)
{
	if (emu_roll(s, &s->o->drop)) {
		s->st->stats.faults[EMU_FAULT_DROP]++;
		return EMU_AFTER_DROP;
	}
	if (emu_roll(s, &s->o->garbage)) {
		s->st->stats.faults[EMU_FAULT_GARBAGE]++;
		return EMU_AFTER_GARBAGE;
	}
	return EMU_AFTER_NONE;
}

/* Spoil a processed answer: JSON cut in half, a proxy's HTML 502, or a
 * 500 (the work was done all the same). */
static void
emu_garble(struct emu_server *s, struct emu_resp *resp)
{
	enum emu_garbage kind = s->o->garbage_kind;

	if (kind == EMU_GARBAGE_MIXED)
		kind = (s->garbage_n++ % 2 == 0) ? EMU_GARBAGE_TRUNCATED :
		    EMU_GARBAGE_HTML;
	if (kind == EMU_GARBAGE_HTML) {
		emu_api_reply(resp, 502, "text/html", emu_html_502);
		resp->retry_after = -1;
		return;
	}
	if (kind == EMU_GARBAGE_500) {
		free(resp->body);
		resp->body = NULL;
		emu_fault_body(s, resp, 500);
		resp->retry_after = -1;
		return;
	}
	resp->status = 200;
	resp->ctype = "application/json";
	resp->len /= 2;
}

static const char *
emu_query_arg(void *cls, const char *key)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

static void
emu_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
}

/* A body sent slowly (--slow-body): a piece every EMU_SLOW_STEP_MS. MHD
 * runs a thread per connection, so the sleep holds up only this one. */
#define EMU_SLOW_STEP_MS 50
struct emu_slow {
	char	*body;
	size_t	 len;
	size_t	 step;		/* bytes a piece */
};

static ssize_t
emu_slow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct emu_slow *sl = cls;
	size_t n = sl->step;

	if (pos >= sl->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	emu_sleep_ms(EMU_SLOW_STEP_MS);
	if (n > sl->len - pos)
		n = sl->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, sl->body + pos, n);
	return (ssize_t)n;
}

static void
emu_slow_free(void *cls)
{
	struct emu_slow *sl = cls;

	free(sl->body);
	free(sl);
}

/* A response that sends resp's body (taken) at bps bytes a second. */
static struct MHD_Response *
emu_slow_response(struct emu_resp *resp, long bps)
{
	struct emu_slow *sl = malloc(sizeof *sl);
	struct MHD_Response *r;

	if (sl == NULL) {
		free(resp->body);
		return NULL;
	}
	sl->body = resp->body;
	sl->len = resp->len;
	sl->step = (size_t)(bps * EMU_SLOW_STEP_MS / 1000);
	if (sl->step == 0)
		sl->step = 1;
	r = MHD_create_response_from_callback(resp->len, 64 * 1024, emu_slow_read, sl,
	    emu_slow_free);
	if (r == NULL)
		emu_slow_free(sl);
	return r;
}

/* Hand resp to MHD; the body is taken over, and sent at slow bytes a
 * second (0: at once). */
static enum MHD_Result
emu_send(struct MHD_Connection *conn, struct emu_resp *resp, long slow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char ra[32];

	if (resp->body != NULL && slow > 0) {
		if ((r = emu_slow_response(resp, slow)) == NULL)
			return MHD_NO;
	} else if (resp->body != NULL)
		r = MHD_create_response_from_buffer(resp->len, resp->body,
		    MHD_RESPMEM_MUST_FREE);
	else
		r = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(resp->body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    resp->ctype != NULL ? resp->ctype : "application/json");
	if (resp->retry_after >= 0) {
		snprintf(ra, sizeof ra, "%ld", resp->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (resp->location != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location);
	ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The request is answered (or given up): out of the in-flight count.
 * Under the lock, before the answer is queued, so a client never sees an
 * answer while its request still counts. */
static void
emu_uncount(struct emu_server *s, struct emu_conn *c)
{
	if (c->counted) {
		c->counted = 0;
		emu_stats_answered(s->st);
	}
}

/* Monotonic milliseconds. */
static int64_t
emu_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A request POST /emulator/hold asked for is kept here, unprocessed, until
 * POST /emulator/release (or a minute). The lock is not held meanwhile. */
static void
emu_hold(struct emu_server *s, const char *url)
{
	unsigned long gen;
	int i, mine;

	pthread_mutex_lock(&s->lock);
	mine = s->st->hold_path != NULL && strstr(url, s->st->hold_path) != NULL;
	if (mine) {
		free(s->st->hold_path);
		s->st->hold_path = NULL;
		s->st->holding = 1;
	}
	gen = s->st->hold_gen;
	pthread_mutex_unlock(&s->lock);
	for (i = 0; mine && i < 6000; i++) {
		pthread_mutex_lock(&s->lock);
		mine = s->st->hold_gen == gen;
		pthread_mutex_unlock(&s->lock);
		if (mine)
			emu_sleep_ms(10);
	}
	pthread_mutex_lock(&s->lock);
	s->st->holding = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Answer a fully received request. */
static enum MHD_Result
emu_answer(struct emu_server *s, struct MHD_Connection *conn,
    struct emu_conn *c, const char *url, const char *method)
{
	struct emu_resp resp = { .retry_after = -1 };
	struct emu_req req = {
		.method = method, .path = url, .body = c->body,
		.body_len = c->len, .arg = emu_query_arg, .arg_cls = conn,
		.authorization = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST),
	};
	enum emu_after after = EMU_AFTER_NONE;
	unsigned long seen = 0;
	int faulty = emu_api_faultable(url) && (s->o->fault_path == NULL ||
	    strstr(url, s->o->fault_path) != NULL);

	if (!emu_api_is_control(url))
		emu_hold(s, url);
	if (faulty && s->o->latency_ms > 0)
		emu_sleep_ms(s->o->latency_ms);
	pthread_mutex_lock(&s->lock);
	if (faulty)
		seen = s->faultable_n++;
	if (c->too_large)
		emu_api_error(s->st, &resp, 413, "REQUEST_ENTITY_TOO_LARGE",
		    "Request body is larger than 1 MiB");
	else if (faulty && s->o->redirect != NULL) {
		emu_api_reply(&resp, 302, "text/html", "<html>Moved</html>");
		resp.location = s->o->redirect;
	}
	else if (!faulty || !emu_fault_before(s, &resp, seen)) {
		if (faulty)
			after = emu_fault_after(s);
		emu_api_handle(s->st, &req, &resp);
		if (after == EMU_AFTER_GARBAGE)
			emu_garble(s, &resp);
	}
	emu_uncount(s, c);
	pthread_mutex_unlock(&s->lock);
	if (after == EMU_AFTER_DROP) {
		free(resp.body);
		return MHD_NO;
	}
	return emu_send(conn, &resp, faulty ? s->o->slow_body : 0);
}

/* Keep an upload chunk, up to the body cap. */
static void
emu_upload(struct emu_conn *c, const char *data, size_t len)
{
	char *nb;

	if (c->too_large)
		return;
	if (c->len + len > EMU_BODY_MAX ||
	    (nb = realloc(c->body, c->len + len + 1)) == NULL) {
		c->too_large = 1;
		return;
	}
	c->body = nb;
	memcpy(c->body + c->len, data, len);
	c->len += len;
	c->body[c->len] = '\0';
}

static enum MHD_Result
emu_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct emu_server *s = cls;
	struct emu_conn *c = *con_cls;

	(void)version;
	if (c == NULL) {
		if ((c = calloc(1, sizeof *c)) == NULL)
			return MHD_NO;
		*con_cls = c;
		if (!emu_api_is_control(url)) {
			pthread_mutex_lock(&s->lock);
			emu_stats_arrival(s->st, method, url, emu_mono_ms());
			c->counted = 1;
			pthread_mutex_unlock(&s->lock);
		}
		return MHD_YES;
	}
	if (*upload_size > 0) {
		emu_upload(c, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return emu_answer(s, conn, c, url, method);
}

static void
emu_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct emu_server *s = cls;
	struct emu_conn *c = *con_cls;

	(void)conn;
	(void)toe;
	if (c != NULL) {
		pthread_mutex_lock(&s->lock);
		emu_uncount(s, c);
		pthread_mutex_unlock(&s->lock);
		free(c->body);
		free(c);
		*con_cls = NULL;
	}
}

/* Write the base URL to path atomically (path.tmp, then rename). */
static int
emu_write_port_file(const char *path, const char *url)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%s\n", url);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Read a whole PEM file (at most 1 MiB) into a malloc'd string. */
static char *
emu_read_pem(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;

	if (f == NULL)
		return NULL;
	text = malloc(EMU_BODY_MAX + 1);
	n = text != NULL ? fread(text, 1, EMU_BODY_MAX, f) : 0;
	fclose(f);
	if (text == NULL || n == 0 || n == EMU_BODY_MAX) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static struct MHD_Daemon *
emu_start(struct emu_server *s, struct sockaddr_in *sin, const char *cert,
    const char *key)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;

	if (cert != NULL)
		flags |= MHD_USE_TLS;
	return MHD_start_daemon(flags, 0, NULL, NULL,
	    emu_access, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sin,
	    MHD_OPTION_NOTIFY_COMPLETED, emu_completed, s,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_END);
}

/* Load --tls-cert and --tls-key; both or neither. */
static int
emu_load_tls(const struct emu_opts *o, char **cert, char **key)
{
	*cert = *key = NULL;
	if (o->tls_cert == NULL && o->tls_key == NULL)
		return 0;
	if (o->tls_cert == NULL || o->tls_key == NULL) {
		fprintf(stderr, "patrol-emulator: --tls-cert and --tls-key go together\n");
		return -1;
	}
	if ((*cert = emu_read_pem(o->tls_cert)) == NULL ||
	    (*key = emu_read_pem(o->tls_key)) == NULL) {
		fprintf(stderr, "patrol-emulator: cannot read %s\n",
		    *cert == NULL ? o->tls_cert : o->tls_key);
		free(*cert);
		return -1;
	}
	return 0;
}

/* Serve until SIGTERM or SIGINT. */
static int
emu_serve(struct emu_server *s)
{
	struct sockaddr_in sin;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	char url[128], *cert, *key;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = s->o->addr;
	sin.sin_port = htons((uint16_t)s->o->port);
	if (emu_load_tls(s->o, &cert, &key) != 0)
		return 1;
	d = emu_start(s, &sin, cert, key);
	if (d == NULL) {
		fprintf(stderr, "patrol-emulator: cannot listen on %s:%d%s\n",
		    s->o->host, s->o->port, cert ? " (TLS: is the key the "
		    "certificate's, and libmicrohttpd built with GnuTLS?)" : "");
		free(cert);
		free(key);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(url, sizeof url, "%s://%s:%u", cert ? "https" : "http", s->o->host,
	    info != NULL ? (unsigned int)info->port : (unsigned int)s->o->port);
	/* under the lock the handlers hold: the daemon already runs */
	pthread_mutex_lock(&s->lock);
	free(s->st->base_url);
	s->st->base_url = strdup(url);
	pthread_mutex_unlock(&s->lock);
	if (s->st->base_url == NULL) {
		MHD_stop_daemon(d);
		return 1;
	}
	printf("%s\n", url);
	fflush(stdout);
	if (s->o->port_file != NULL &&
	    emu_write_port_file(s->o->port_file, url) != 0)
		fprintf(stderr, "patrol-emulator: cannot write %s\n",
		    s->o->port_file);
	while (sigwait(&set, &sig) != 0)
		continue;
	MHD_stop_daemon(d);
	free(cert);
	free(key);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct emu_opts o;
	struct emu_server s;
	struct timespec ts;
	int rc;

	inet_pton(AF_INET, "127.0.0.1", &o.addr);
	snprintf(o.host, sizeof o.host, "127.0.0.1");
	o.admin_token = "dapi00000000000000000000000000000000";
	o.oauth_expires_in = 3600;
	o.generate_users = 20;
	o.retry_after = 1;
	emu_parse_args(&o, argc, argv);
	if (!o.seeded) {
		clock_gettime(CLOCK_REALTIME, &ts);
		o.seed = (uint64_t)ts.tv_sec * 1000000007ULL ^
		    (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
	}
	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.lock, NULL);
	s.o = &o;
	emu_rng_seed(&s.rng, o.seed ^ 0xfa017fa017fa017fULL);
	s.bucket = o.rps < 1.0 ? 1.0 : o.rps;
	clock_gettime(CLOCK_MONOTONIC, &s.bucket_at);
	if ((s.st = emu_build_state(&o)) == NULL) {
		fprintf(stderr, "patrol-emulator: cannot build the workspace "
		    "(out of memory, or more than %d groups)\n", EMU_MAX_GROUPS);
		return 1;
	}
	rc = emu_serve(&s);
	emu_state_free(s.st);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
