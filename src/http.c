/*
 * http.c: everything libcurl-specific about one HTTP transfer.
 *
 * http_xfer_new turns a request into an easy handle with the transport rules
 * of reliability.md (https only, http for loopback; no redirects; TLS >= 1.2
 * with verification, which nothing turns off; connect, low-speed and
 * whole-request timeouts; a capped body; no signals). Proxies: an http://
 * URL (loopback only) never goes through one, whatever the environment
 * says, so a bearer token never crosses the network in clear; https goes
 * through the configured proxy only as a CONNECT tunnel. patrol sets the
 * proxy itself (config.h reads the variables), so libcurl neither reads
 * them nor prints them, password included, in --debug. Secrets in headers
 * are built in buffers that are wiped, and the header list is wiped before
 * it is freed. The debug log shows connection notes and headers only, never
 * bodies, with credentials (headers, and the password of any URL) replaced
 * by <redacted>, one write(2) per line.
 *
 * http_xfer_done reads a finished transfer back: transport class, whether
 * the request left, the status and reason, Retry-After and Location, the
 * error parsed from the body (api.h), the retry verdict (retry.h), and on
 * 2xx the call's own parser. A call with a stream (call.h) gets its 2xx
 * body as it arrives, through the stream's functions, and never in a
 * buffer; its size is capped all the same. Failures people can fix get a
 * message that names the cause and the fix: a certificate that cannot be
 * verified (which CA to give), an HTML page or a bare 404 where the API
 * should be (is this a Databricks workspace URL?), a Private Link redirect.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "duration.h"
#include "http.h"
#include "sanitize.h"
#include "secret.h"

#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_LOW_SPEED_TIME_S 30L
#define HTTP_LOG_LINE_MAX 2048
#define HTTP_PRESIZE_MAX ((size_t)1 << 20)  /* a Content-Length reserves at most this */
#define HTTP_STREAM_BUFFER (256L << 10)     /* libcurl's read size for streamed answers */
#define HTTP_HEADER_MAX_KB 100             /* libcurl's limit on one response header */
#define HTTP_HEADERS_MAX_KB 300            /* and on all of them */
#define HTTP_SECRET_MIN 3                   /* shorter known secrets are not searched for */

struct http_xfer {
	CURL *easy;
	struct curl_slist *headers;
	void *owner;
	int debug_fd;
	int attempt;
	bool too_large;
	bool nomem;
	struct call *stream;      /* the call whose 2xx answer streams, or NULL */
	bool decided;             /* the first body byte came: streaming or not */
	bool streaming;           /* this answer goes to the stream */
	bool refused;             /* the stream refused it: the transfer stopped */
	size_t received;          /* body bytes so far */
	bool stale;               /* the reused connection held bytes: not sent */
	size_t max_body;
	struct buf body;
	int64_t start_ms;
	char method[16];
	char *url;
	char reason[128];
	char retry_after[64];
	char location[1024];
	char content_type[128];
	char errbuf[CURL_ERROR_SIZE];
	char *secret[5];          /* the proxy's password, raw and decoded, the bearer
				   * token and the Basic password sent; NULL-ended */
};

/* Header names whose values never reach the debug log. */
static const char *const http_redacted[] = {
	"authorization:", "proxy-authorization:", "cookie:", "set-cookie:",
};

/* Why a certificate was not accepted, by what the TLS library said (the
 * words of OpenSSL, GnuTLS and others), with the fix. */
#define HTTP_FIX_CA "if a proxy inspects TLS (corporate networks), give its CA certificate " \
	"with --ca-file FILE or REQUESTS_CA_BUNDLE"
#define HTTP_FIX_HOST "check the workspace URL (DATABRICKS_HOST, --host or host in the profile)"
static const struct {
	const char *needle;
	const char *cause;
	const char *fix;
} http_tls_causes[] = {
	{ "expired", "its certificate has expired",
	  "check this machine's clock; if it is right, the server's certificate must be renewed" },
	{ "not yet valid", "its certificate is not valid yet", "check this machine's clock" },
	{ "not activated", "its certificate is not valid yet", "check this machine's clock" },
	{ "subject name", "its certificate is for another host name", HTTP_FIX_HOST },
	{ "does not match", "its certificate is for another host name", HTTP_FIX_HOST },
	{ "hostname mismatch", "its certificate is for another host name", HTTP_FIX_HOST },
	{ "self-signed", "its certificate is not signed by a CA this machine trusts", HTTP_FIX_CA },
	{ "self signed", "its certificate is not signed by a CA this machine trusts", HTTP_FIX_CA },
	{ "issuer", "its certificate is not signed by a CA this machine trusts", HTTP_FIX_CA },
	{ "not trusted", "its certificate is not signed by a CA this machine trusts", HTTP_FIX_CA },
	{ "verification failed", "its certificate could not be verified", HTTP_FIX_CA },
};

/* Failures to reach the host, with what to check. */
static const struct {
	CURLcode rc;
	const char *what;
	const char *fix;
} http_unreachable[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, "cannot resolve the host name of", HTTP_FIX_HOST },
	{ CURLE_COULDNT_CONNECT, "cannot connect to",
	  "check the workspace URL and port; a firewall, VPN or proxy (https_proxy) may be "
	  "in the way" },
	{ CURLE_COULDNT_RESOLVE_PROXY, "cannot resolve the proxy for",
	  "check https_proxy (or HTTPS_PROXY, all_proxy)" },
};

/* CURLcodes of a TLS failure. */
static const CURLcode http_tls_codes[] = {
	CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
	CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
};

/* CURLcodes that are not RETRY_T_OTHER. */
static const struct {
	CURLcode rc;
	enum retry_transport transport;
} http_transport_map[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, RETRY_T_CONNECT },
	{ CURLE_COULDNT_RESOLVE_PROXY, RETRY_T_CONNECT },
	{ CURLE_COULDNT_CONNECT, RETRY_T_CONNECT },
	{ CURLE_SEND_ERROR, RETRY_T_RESET },
	{ CURLE_RECV_ERROR, RETRY_T_RESET },
	{ CURLE_GOT_NOTHING, RETRY_T_RESET },
	{ CURLE_PARTIAL_FILE, RETRY_T_RESET },
	{ CURLE_OPERATION_TIMEDOUT, RETRY_T_TIMEOUT },
};

bool
http_has_ctl(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

/* ---- debug log ---------------------------------------------------------- */

/* Write s plus a newline to fd in one write(2). */
static void
http_log_write(int fd, const char *s)
{
	size_t n = strlen(s);
	char *line = malloc(n + 2);
	ssize_t w;

	if (line == NULL)
		return;
	memcpy(line, s, n);
	line[n] = '\n';
	do
		w = write(fd, line, n + 1);
	while (w < 0 && errno == EINTR);
	free(line);
}

static bool
http_is_redacted(const char *line, size_t len)
{
	size_t i, n;

	for (i = 0; i < sizeof http_redacted / sizeof http_redacted[0]; i++) {
		n = strlen(http_redacted[i]);
		if (len >= n && strncasecmp(line, http_redacted[i], n) == 0)
			return true;
	}
	return false;
}

/* The start of the scheme that ends at sep ("://"), no earlier than lo. */
static const char *
http_scheme_start(const char *lo, const char *sep)
{
	while (sep > lo && (isalnum((unsigned char)sep[-1]) || sep[-1] == '+' ||
			    sep[-1] == '-' || sep[-1] == '.'))
		sep--;
	return sep;
}

/* Where the URL whose authority starts at auth (after "://", its scheme at
 * scheme) may end: before the next URL, a line end or the text's end; a URL
 * in quotes ('URL', as libcurl writes it) at its last closing quote before
 * that. */
static const char *
http_url_end(const char *text, const char *scheme, const char *auth)
{
	const char *next = strstr(auth, "://");
	const char *end = next != NULL ? http_scheme_start(auth, next) : auth + strlen(auth);
	const char *nl = memchr(auth, '\n', (size_t)(end - auth)), *q;
	char quote = scheme > text ? scheme[-1] : '\0';

	if (nl != NULL)
		end = nl;
	if (quote != '\'' && quote != '"')
		return end;
	for (q = end; q > auth; q--)
		if (q[-1] == quote)
			return q - 1;
	return end;
}

/* Append s[0..len) to out (size n) at *o, truncating. */
static void
http_put(char *out, size_t n, size_t *o, const char *s, size_t len)
{
	if (*o >= n)
		return;
	if (len > n - 1 - *o)
		len = n - 1 - *o;
	memcpy(out + *o, s, len);
	*o += len;
	out[*o] = '\0';
}

/* Copy in to out (size n) with the userinfo of every URL replaced: "USER:"
 * stays and the password becomes <redacted>; a userinfo without ':' (a
 * token as a user name) goes whole. A password may hold anything, spaces,
 * quotes, '/', '#' and '@' too, so a URL's userinfo runs to its last '@'
 * (http_url_end): more may go than the password, never less. */
static void
http_redact_urls(const char *in, char *out, size_t n)
{
	const char *p = in, *sep, *auth, *end, *at, *colon;
	size_t o = 0;

	out[0] = '\0';
	while ((sep = strstr(p, "://")) != NULL) {
		auth = sep + 3;
		end = http_url_end(in, http_scheme_start(p, sep), auth);
		for (at = NULL; end > auth && at == NULL; end--)
			if (end[-1] == '@')
				at = end - 1;
		if (at == NULL) {
			http_put(out, n, &o, p, (size_t)(auth - p));
			p = auth;
			continue;
		}
		colon = memchr(auth, ':', (size_t)(at - auth));
		http_put(out, n, &o, p, (size_t)((colon != NULL ? colon + 1 : auth) - p));
		http_put(out, n, &o, "<redacted>", 10);
		p = at;
	}
	http_put(out, n, &o, p, strlen(p));
}

/* Replace every occurrence of secret in s (size n) by <redacted>. */
static void
http_scrub_secret(char *s, size_t n, const char *secret)
{
	size_t k = secret != NULL ? strlen(secret) : 0, o = 0;
	const char *p = s, *hit;
	char *out;

	if (k < HTTP_SECRET_MIN || strstr(s, secret) == NULL || (out = malloc(n)) == NULL)
		return;
	out[0] = '\0';
	while ((hit = strstr(p, secret)) != NULL) {
		http_put(out, n, &o, p, (size_t)(hit - p));
		http_put(out, n, &o, "<redacted>", 10);
		p = hit + k;
	}
	http_put(out, n, &o, p, strlen(p));
	secret_wipe(s, n);
	memcpy(s, out, o + 1);
	secret_wipe(out, n);
	free(out);
}

void
http_redact(const char *in, const char *const *secrets, char *out, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	http_redact_urls(in, out, n);
	for (i = 0; secrets != NULL && secrets[i] != NULL; i++)
		http_scrub_secret(out, n, secrets[i]);
}

/* s percent-decoded, malloc'd; NULL when it has no escape (or on
 * allocation failure: the raw form is scrubbed all the same). */
static char *
http_unescape(const char *s)
{
	char *d, *o, hex[3] = "";

	if (strchr(s, '%') == NULL || (d = o = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			memcpy(hex, s + 1, 2);
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return d;
}

/* The credentials r sends (its bearer token, its Basic password) and the
 * password of a proxy URL ("scheme://USER:PASSWORD@host", the scheme
 * optional; everything before the last '@' without a ':'), as written and
 * percent-decoded, into x->secret (wiped when x is freed): http_redact
 * takes them out of every text of the transfer, wherever libcurl quotes
 * the URL. */
static int
http_keep_secrets(struct http_xfer *x, const char *proxy, const struct http_req *r)
{
	const char *sent[] = { r->bearer, r->basic_pass };
	const char *sep, *auth, *at, *colon;
	size_t i, k = 0;

	while (x->secret[k] != NULL)
		k++;
	for (i = 0; i < sizeof sent / sizeof sent[0]; i++)   /* a server may echo them */
		if (sent[i] != NULL && sent[i][0] != '\0' &&
		    (x->secret[k++] = secret_strdup(sent[i])) == NULL)
			return -1;
	if (proxy == NULL)
		return 0;
	sep = strstr(proxy, "://");
	auth = sep != NULL ? sep + 3 : proxy;
	if ((at = strrchr(auth, '@')) == NULL)
		return 0;
	colon = memchr(auth, ':', (size_t)(at - auth));
	auth = colon != NULL ? colon + 1 : auth;
	x->secret[k] = calloc(1, (size_t)(at - auth) + 1);
	if (x->secret[k] == NULL)
		return -1;
	memcpy(x->secret[k], auth, (size_t)(at - auth));
	x->secret[k + 1] = http_unescape(x->secret[k]);
	return 0;
}

/* Take every credential out of s (size n), in place (http_redact). */
static void
http_scrub(const struct http_xfer *x, char *s, size_t n)
{
	char clean[HTTP_LOG_LINE_MAX];

	if (n > sizeof clean)
		n = sizeof clean;
	http_redact(s, (const char *const *)x->secret, clean, n);
	memcpy(s, clean, strlen(clean) + 1);
	secret_wipe(clean, sizeof clean);
}

/* Log one line of curl's debug output with its prefix, credentials redacted,
 * sanitized to ASCII. */
static void
http_log_line(const struct http_xfer *x, const char *prefix, const char *line, size_t len,
	      bool header)
{
	char raw[HTTP_LOG_LINE_MAX], safe[HTTP_LOG_LINE_MAX + 64];
	size_t colon;
	char *clean;

	if (len >= sizeof raw - 16)
		len = sizeof raw - 16;
	if (header && http_is_redacted(line, len)) {
		colon = (size_t)((const char *)memchr(line, ':', len) - line);
		snprintf(raw, sizeof raw, "%s%.*s: <redacted>", prefix, (int)colon, line);
	} else
		snprintf(raw, sizeof raw, "%s%.*s", prefix, (int)len, line);
	http_redact(raw, (const char *const *)x->secret, safe, sizeof safe);
	secret_wipe(raw, sizeof raw);
	clean = sanitize(safe, 0, SANITIZE_ASCII);
	secret_wipe(safe, sizeof safe);
	if (clean == NULL)
		return;
	http_log_write(x->debug_fd, clean);
	free(clean);
}

/* Split a block of debug data into lines and log each non-empty one. */
static void
http_log_block(const struct http_xfer *x, const char *prefix, const char *data, size_t size,
	       bool header)
{
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n' && data[i] != '\r')
			continue;
		if (i > start)
			http_log_line(x, prefix, data + start, i - start, header);
		start = i + 1;
	}
}

static int
http_debug_cb(CURL *easy, curl_infotype type, char *data, size_t size, void *userp)
{
	struct http_xfer *x = userp;

	(void)easy;
	if (type == CURLINFO_TEXT)
		http_log_block(x, "* ", data, size, false);
	else if (type == CURLINFO_HEADER_OUT)
		http_log_block(x, "> ", data, size, true);
	else if (type == CURLINFO_HEADER_IN)
		http_log_block(x, "< ", data, size, true);
	return 0;
}

/* ---- the connections' sockets ------------------------------------------- */

/* Every socket libcurl opens for patrol (CURLOPT_OPENSOCKETFUNCTION) until
 * it closes it, so that the connection a request is about to use can be
 * found by its local port (http_prereq_cb). A handful at a time. */
static struct {
	pthread_mutex_t lock;
	int *fd;
	size_t n, cap;
} http_socks = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0 };

static curl_socket_t
http_open_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	int *v;

	(void)clientp;
	(void)purpose;
	if (fd < 0)
		return CURL_SOCKET_BAD;
	pthread_mutex_lock(&http_socks.lock);
	if (http_socks.n == http_socks.cap &&
	    (v = realloc(http_socks.fd, (http_socks.cap ? http_socks.cap * 2 : 16) * sizeof *v))
	    != NULL) {
		http_socks.fd = v;
		http_socks.cap = http_socks.cap ? http_socks.cap * 2 : 16;
	}
	if (http_socks.n < http_socks.cap)   /* else unlisted: never checked */
		http_socks.fd[http_socks.n++] = fd;
	pthread_mutex_unlock(&http_socks.lock);
	return fd;
}

static int
http_close_cb(void *clientp, curl_socket_t fd)
{
	size_t i;

	(void)clientp;
	pthread_mutex_lock(&http_socks.lock);
	for (i = 0; i < http_socks.n; i++)
		if (http_socks.fd[i] == fd) {
			http_socks.fd[i] = http_socks.fd[--http_socks.n];
			break;
		}
	pthread_mutex_unlock(&http_socks.lock);
	return close(fd);
}

/* The socket whose local port is port, or -1. */
static int
http_sock_by_port(long port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = -1;
	size_t i;

	pthread_mutex_lock(&http_socks.lock);
	for (i = 0; i < http_socks.n && fd < 0; i++) {
		len = sizeof ss;
		if (getsockname(http_socks.fd[i], (struct sockaddr *)&ss, &len) != 0)
			continue;
		if ((ss.ss_family == AF_INET &&
		     ntohs(((struct sockaddr_in *)&ss)->sin_port) == port) ||
		    (ss.ss_family == AF_INET6 &&
		     ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == port))
			fd = http_socks.fd[i];
	}
	pthread_mutex_unlock(&http_socks.lock);
	return fd;
}

/* Before a request goes out on a reused connection: bytes already waiting
 * there are more than the last answer declared (a hostile or desynchronised
 * server, bytes smuggled after a response): they would be read as this
 * request's answer (a "200" for a revoke that never happened). The
 * connection is shut down, so libcurl drops it, and the request is not
 * sent: it is tried again on a new connection. libcurl itself closes a
 * connection when such bytes come in the same read as the end of a body,
 * and libcurl 8 never reuses one with input pending; libcurl 7 reuses it,
 * hence this check. A new connection is not checked (TLS 1.3 session
 * tickets may be waiting there). */
static int
http_prereq_cb(void *clientp, char *primary_ip, char *local_ip, int primary_port,
	       int local_port)
{
	struct http_xfer *x = clientp;
	long fresh = 0;
	char byte;
	int fd;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	if (curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &fresh) != CURLE_OK || fresh > 0 ||
	    (fd = http_sock_by_port(local_port)) < 0 ||
	    recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
		return CURL_PREREQFUNC_OK;
	shutdown(fd, SHUT_RDWR);
	x->stale = true;
	return CURL_PREREQFUNC_ABORT;
}

/* ---- callbacks ---------------------------------------------------------- */

/* A 2xx answer to a call with a stream goes to it. */
static bool
http_streams(const struct http_xfer *x)
{
	long st = 0;

	return x->stream != NULL && curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &st) ==
	    CURLE_OK && st >= 200 && st < 300;
}

/* The first byte of a body: stream it or collect it. false: out of memory. */
static bool
http_body_starts(struct http_xfer *x)
{
	x->decided = true;
	x->streaming = http_streams(x);
	return !x->streaming || x->stream->stream->begin(x->stream) == 0;
}

static size_t
http_write_cb(char *p, size_t size, size_t n, void *userp)
{
	struct http_xfer *x = userp;
	size_t len = size * n;

	if (len > x->max_body - x->received) {
		x->too_large = true;
		return 0;
	}
	x->received += len;
	if (!x->decided && !http_body_starts(x)) {
		x->nomem = true;
		return 0;
	}
	if (x->streaming) {
		if (x->stream->stream->feed(x->stream, p, len) != 0) {
			x->refused = true;
			return 0;
		}
		return len;
	}
	if (buf_add(&x->body, p, len) != 0) {
		x->nomem = true;
		return 0;
	}
	return len;
}

/* Copy the header value after name into out (trimmed, truncated). */
static void
http_copy_value(const char *line, size_t len, size_t skip, char *out, size_t outlen)
{
	while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
		skip++;
	while (len > skip && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
			      line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len - skip >= outlen)
		len = skip + outlen - 1;
	memcpy(out, line + skip, len - skip);
	out[len - skip] = '\0';
}

/* A status line starts a new response (after a 1xx): forget the last one. */
static void
http_status_line(struct http_xfer *x, const char *line, size_t len)
{
	size_t i = 0;

	x->retry_after[0] = x->location[0] = x->content_type[0] = '\0';
	while (i < len && line[i] != ' ')
		i++;
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	http_copy_value(line, len, i, x->reason, sizeof x->reason);
}

/* Size the body buffer from Content-Length, trusting the header only that
 * far: at most HTTP_PRESIZE_MAX up front, then the buffer grows with the
 * bytes that come (a 2-byte body may declare 1.5 GB). A length over the cap
 * is refused by libcurl (CURLOPT_MAXFILESIZE_LARGE) and by the buffer's
 * maximum. */
static void
http_presize(struct http_xfer *x, const char *p, size_t len)
{
	char value[32];
	unsigned long long n;
	char *end;

	if (http_streams(x))
		return;             /* never held whole: nothing to reserve */
	http_copy_value(p, len, 15, value, sizeof value);
	n = strtoull(value, &end, 10);
	if (end == value || *end != '\0' || n == 0 || n > x->max_body)
		return;
	(void)buf_reserve(&x->body, n < HTTP_PRESIZE_MAX ? (size_t)n : HTTP_PRESIZE_MAX);
}

static size_t
http_header_cb(char *p, size_t size, size_t n, void *userp)
{
	struct http_xfer *x = userp;
	size_t len = size * n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		http_status_line(x, p, len);
	else if (len >= 12 && strncasecmp(p, "retry-after:", 12) == 0)
		http_copy_value(p, len, 12, x->retry_after, sizeof x->retry_after);
	else if (len >= 9 && strncasecmp(p, "location:", 9) == 0)
		http_copy_value(p, len, 9, x->location, sizeof x->location);
	else if (len >= 15 && strncasecmp(p, "content-length:", 15) == 0)
		http_presize(x, p, len);
	else if (len >= 13 && strncasecmp(p, "content-type:", 13) == 0)
		http_copy_value(p, len, 13, x->content_type, sizeof x->content_type);
	return len;
}

/* ---- building a transfer ------------------------------------------------ */

/* Append "name: value" to the header list; value may be a secret. */
static int
http_add_header(struct http_xfer *x, const char *name, const char *value)
{
	struct buf line;
	struct curl_slist *l;

	buf_init(&line, 0);
	line.secret = true;
	if (buf_printf(&line, "%s: %s", name, value) != 0) {
		buf_free(&line);
		return -1;
	}
	l = curl_slist_append(x->headers, line.data);
	buf_free(&line);
	if (l == NULL)
		return -1;
	x->headers = l;
	return 0;
}

static int
http_set_headers(struct http_xfer *x, const struct http_opts *o, const struct http_req *r)
{
	if (http_add_header(x, "Accept", "application/json") != 0 ||
	    http_add_header(x, "User-Agent", o->user_agent) != 0 ||
	    http_add_header(x, "Expect", "") != 0)
		return -1;
	if (r->body != NULL && http_add_header(x, "Content-Type",
	    r->content_type ? r->content_type : "application/json") != 0)
		return -1;
	if (r->bearer != NULL) {
		struct buf v;
		int rc;

		buf_init(&v, 0);
		v.secret = true;
		rc = buf_printf(&v, "Bearer %s", r->bearer);
		if (rc == 0)
			rc = http_add_header(x, "Authorization", v.data);
		buf_free(&v);
		if (rc != 0)
			return -1;
	}
	return curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK ? 0 : -1;
}

static int
http_set_method(struct http_xfer *x, const struct http_req *r)
{
	CURL *e = x->easy;
	CURLcode rc = CURLE_OK;

	if (strcmp(r->method, "GET") == 0 && r->body == NULL)
		return curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK ? 0 : -1;
	if (r->body != NULL || strcmp(r->method, "POST") == 0) {
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				      (curl_off_t)(r->body ? strlen(r->body) : 0));
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
	}
	if (rc == CURLE_OK && strcmp(r->method, "POST") != 0)
		rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	return rc == CURLE_OK ? 0 : -1;
}

/* No proxy for http:// (loopback) URLs, whatever the environment says; a
 * CONNECT tunnel through the configured proxy for https. Setting the proxy
 * (even to "") keeps libcurl from reading the environment itself. */
static CURLcode
http_set_proxy(CURL *e, const struct http_opts *o, const struct http_req *r)
{
	CURLcode rc = CURLE_OK;

	if (strncmp(r->url, "https://", 8) != 0 || o->proxy == NULL)
		return curl_easy_setopt(e, CURLOPT_PROXY, "");
	rc |= curl_easy_setopt(e, CURLOPT_PROXY, o->proxy);
	rc |= curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_NOPROXY, o->no_proxy ? o->no_proxy : "");
	return rc;
}

static int
http_set_transport(struct http_xfer *x, const struct http_opts *o, const struct http_req *r)
{
	CURL *e = x->easy;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(e, CURLOPT_URL, r->url);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, r->allow_http ? "http,https" : "https");
	rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, r->fresh_connect ? 1L : 0L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	rc |= curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->ca_file != NULL) {
		rc |= curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
		rc |= curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, o->ca_file);
	}
	if (o->ca_dir != NULL) {
		rc |= curl_easy_setopt(e, CURLOPT_CAPATH, o->ca_dir);
		rc |= curl_easy_setopt(e, CURLOPT_PROXY_CAPATH, o->ca_dir);
	}
	rc |= http_set_proxy(e, o, r);
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, HTTP_CONNECT_TIMEOUT_MS);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, HTTP_LOW_SPEED_TIME_S);
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(r->timeout_ms > 0 ? r->timeout_ms : 1));
	rc |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	if (r->stream != NULL)      /* a big answer: fewer, larger reads */
		rc |= curl_easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_STREAM_BUFFER);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	return rc == CURLE_OK ? 0 : -1;
}

static int
http_set_callbacks(struct http_xfer *x, const struct http_req *r)
{
	CURL *e = x->easy;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, http_open_cb);
	rc |= curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, http_close_cb);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, http_prereq_cb);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	if (r->basic_user != NULL) {
		rc |= curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		rc |= curl_easy_setopt(e, CURLOPT_USERNAME, r->basic_user);
		rc |= curl_easy_setopt(e, CURLOPT_PASSWORD, r->basic_pass ? r->basic_pass : "");
	}
	if (x->debug_fd >= 0) {
		rc |= curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, http_debug_cb);
		rc |= curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
		rc |= curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	}
	return rc == CURLE_OK ? 0 : -1;
}

/* Name the first request field that holds a control character, or NULL. */
static const char *
http_bad_field(const struct http_opts *o, const struct http_req *r)
{
	if (http_has_ctl(r->url))
		return "URL";
	if (http_has_ctl(r->method) || strlen(r->method) >= 16)
		return "method";
	if (http_has_ctl(o->user_agent) || http_has_ctl(r->content_type))
		return "header";
	if (http_has_ctl(r->bearer) || http_has_ctl(r->basic_user) || http_has_ctl(r->basic_pass))
		return "credential";
	return NULL;
}

static int
http_configure(struct http_xfer *x, const struct http_opts *o, const struct http_req *r)
{
	if (http_set_transport(x, o, r) != 0 || http_set_method(x, r) != 0 ||
	    http_set_headers(x, o, r) != 0 || http_set_callbacks(x, r) != 0)
		return -1;
	return 0;
}

enum patrol_status
http_xfer_new(const struct http_opts *o, const struct http_req *r, void *owner,
	      struct http_xfer **out, struct patrol_err *err)
{
	const char *bad = http_bad_field(o, r);
	struct http_xfer *x;

	*out = NULL;
	if (bad != NULL)
		return status_set(err, PATROL_INVALID,
				  "refused to send: control character in the %s", bad);
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	x->owner = owner;
	x->debug_fd = o->debug_fd;
	x->attempt = r->attempt;
	x->max_body = o->max_body;
	x->stream = r->stream != NULL && r->stream->stream != NULL ? r->stream : NULL;
	buf_init(&x->body, o->max_body);
	x->body.secret = r->secret_answer;   /* a create or OAuth answer */
	snprintf(x->method, sizeof x->method, "%s", r->method);
	x->url = strdup(r->url);
	x->easy = curl_easy_init();
	if (x->url == NULL || x->easy == NULL || http_keep_secrets(x, o->proxy, r) != 0 ||
	    http_configure(x, o, r) != 0) {
		http_xfer_free(x);
		return status_set(err, PATROL_NOMEM, "out of memory configuring the request");
	}
	x->start_ms = duration_mono_ms();
	*out = x;
	return PATROL_OK;
}

CURL *
http_xfer_easy(const struct http_xfer *x)
{
	return x->easy;
}

struct http_xfer *
http_xfer_of(CURL *easy)
{
	char *p = NULL;

	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK)
		return NULL;
	return (struct http_xfer *)(void *)p;
}

void *
http_xfer_owner(const struct http_xfer *x)
{
	return x->owner;
}

bool
http_xfer_sent(const struct http_xfer *x)
{
	long req = 0;
	curl_off_t up = 0;

	if (curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &req) == CURLE_OK && req > 0)
		return true;
	return curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK && up > 0;
}

/* Wipe and free a header list (it may hold Authorization). */
static void
http_free_headers(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next) {
		if (p->data != NULL)
			secret_wipe(p->data, strlen(p->data));
	}
	curl_slist_free_all(l);
}

void
http_xfer_free(struct http_xfer *x)
{
	size_t i;

	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	http_free_headers(x->headers);
	buf_free(&x->body);
	free(x->url);
	for (i = 0; i < sizeof x->secret / sizeof x->secret[0]; i++)
		secret_free(x->secret[i]);
	free(x);
}

/* ---- reading a finished transfer --------------------------------------- */

static enum retry_transport
http_transport_of(CURLcode rc)
{
	size_t i;

	for (i = 0; i < sizeof http_transport_map / sizeof http_transport_map[0]; i++) {
		if (http_transport_map[i].rc == rc)
			return http_transport_map[i].transport;
	}
	return RETRY_T_OTHER;
}

static bool
http_is_tls(CURLcode rc)
{
	size_t i;

	for (i = 0; i < sizeof http_tls_codes / sizeof http_tls_codes[0]; i++) {
		if (http_tls_codes[i] == rc)
			return true;
	}
	return false;
}

/* The origin of x's URL ("https://h:p"), for messages. */
static void
http_origin(const struct http_xfer *x, char *out, size_t n)
{
	const char *h = strstr(x->url, "://");
	size_t len = h ? (size_t)(h + 3 - x->url) + strcspn(h + 3, "/?#") : strlen(x->url);

	snprintf(out, n, "%.*s", (int)len, x->url);
}

/* A certificate (or the TLS handshake) failed: say why and what to do. */
static void
http_tls_failed(struct http_xfer *x, const char *why, struct call *c)
{
	const char *cause = "the TLS handshake failed", *fix = HTTP_FIX_CA;
	char lower[CURL_ERROR_SIZE + 64], origin[256];
	size_t i;

	for (i = 0; why[i] != '\0' && i + 1 < sizeof lower; i++)
		lower[i] = (char)(why[i] >= 'A' && why[i] <= 'Z' ? why[i] + 32 : why[i]);
	lower[i] = '\0';
	for (i = 0; i < sizeof http_tls_causes / sizeof http_tls_causes[0]; i++) {
		if (strstr(lower, http_tls_causes[i].needle) != NULL) {
			cause = http_tls_causes[i].cause;
			fix = http_tls_causes[i].fix;
			break;
		}
	}
	http_origin(x, origin, sizeof origin);
	status_set(&c->err, PATROL_TLS, "cannot verify %s: %s (%s): %s", origin, cause, why, fix);
}

/* The host cannot be reached: say which and what to check; false when rc
 * is not such a failure. */
static bool
http_unreachable_failed(struct http_xfer *x, CURLcode rc, const char *why, struct call *c)
{
	char origin[256];
	size_t i;

	for (i = 0; i < sizeof http_unreachable / sizeof http_unreachable[0]; i++) {
		if (http_unreachable[i].rc != rc)
			continue;
		http_origin(x, origin, sizeof origin);
		status_set(&c->err, PATROL_NETWORK, "%s %s (%s): %s", http_unreachable[i].what,
			   origin, why, http_unreachable[i].fix);
		return true;
	}
	return false;
}

/* The proxy refused the CONNECT tunnel (nothing reached the workspace, and
 * asking again gets the same answer): say what to fix. False when the
 * tunnel was not refused. */
static bool
http_proxy_refused(struct http_xfer *x, struct call *c, struct http_outcome *out)
{
	long code = 0;
	char origin[256];

	if (curl_easy_getinfo(x->easy, CURLINFO_HTTP_CONNECTCODE, &code) != CURLE_OK ||
	    code < 300)
		return false;
	out->transport = RETRY_T_OTHER;
	out->request_sent = false;
	http_origin(x, origin, sizeof origin);
	status_set(&c->err, PATROL_NETWORK, "the proxy refused the tunnel to %s (%ld): %s",
		   origin, code, code == 407 ? "it wants a user name and password: put them in "
		   "the proxy URL (https_proxy=http://USER:PASSWORD@HOST:PORT)" : code == 403 ?
		   "it does not allow this host or port" : "check the proxy (https_proxy) and the "
		   "workspace URL");
	return true;
}

/* libcurl refused a setting (the proxy URL, a URL): sending again cannot
 * help, only fixing it (config_resolve refuses a malformed proxy URL before). */
static bool
http_refused_setting(CURLcode rc, const char *why, struct call *c, struct http_outcome *out)
{
	if (rc != CURLE_URL_MALFORMAT && rc != CURLE_UNSUPPORTED_PROTOCOL &&
	    strncmp(why, "Unsupported proxy", 17) != 0)
		return false;
	out->transport = RETRY_T_OTHER;
	status_set(&c->err, PATROL_CONFIG, "libcurl refused the request (%s): check the proxy "
		   "(https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY) and the workspace URL", why);
	return true;
}

/* The server sent a header over libcurl's limits: libcurl 7 says "Out of
 * memory" with nothing in the error buffer (one header over 100 KB) or
 * "Too large response headers" (over 300 KB in all), libcurl 8.6 and later
 * CURLE_TOO_LARGE. Not a network failure: asking again gets the same. */
static bool
http_headers_too_large(const struct http_xfer *x, CURLcode rc, const char *why, struct call *c,
		       struct http_outcome *out)
{
	bool all = strncmp(why, "Too large response headers", 26) == 0;
	bool one = !all && out->http_status != 0 && !x->decided && !x->nomem &&
	    rc == CURLE_OUT_OF_MEMORY;

#if LIBCURL_VERSION_NUM >= 0x080600
	one = one || (!all && rc == CURLE_TOO_LARGE);
#endif
	if (!one && !all)
		return false;
	out->transport = RETRY_T_OTHER;
	if (all)
		status_set(&c->err, PATROL_TOO_LARGE, "the server sent headers too large "
			   "(over %d KB in all)", HTTP_HEADERS_MAX_KB);
	else
		status_set(&c->err, PATROL_TOO_LARGE, "the server sent a header too large "
			   "(over %d KB)", HTTP_HEADER_MAX_KB);
	return true;
}

/* A transfer that ended without a full answer. */
static void
http_failed(struct http_xfer *x, CURLcode rc, struct call *c, struct http_outcome *out)
{
	const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

	out->transport = http_transport_of(rc);
	c->err.http_status = out->http_status;
	if (x->stale) {
		out->transport = RETRY_T_CONNECT;     /* not sent: try a new connection */
		status_set(&c->err, PATROL_NETWORK, "the connection held bytes after the last "
			   "answer (a desynchronised or hostile server): closed it, request not sent");
		return;
	}
	if (http_proxy_refused(x, c, out) || http_refused_setting(rc, why, c, out))
		return;
	if (http_is_tls(rc)) {
		http_tls_failed(x, why, c);
		return;
	}
	if (http_unreachable_failed(x, rc, why, c) || http_headers_too_large(x, rc, why, c, out))
		return;
	if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		status_set(&c->err, PATROL_TOO_LARGE, "response larger than %zu bytes", x->max_body);
	else if (x->nomem)
		status_set(&c->err, PATROL_NOMEM, "out of memory reading the response");
	else if (out->transport == RETRY_T_TIMEOUT)
		status_set(&c->err, PATROL_TIMEOUT, "%s", why);
	else
		status_set(&c->err, PATROL_NETWORK, "%s", why);
}

/* A 3xx: patrol never follows redirects. */
static void
http_redirected(struct http_xfer *x, struct call *c)
{
	if (strstr(x->location, "private-link-validation-error") != NULL)
		status_set(&c->err, PATROL_PRIVATE_LINK, "the workspace refused this network "
			   "path (Private Link): connect through the allowed network or VPN");
	else
		status_set(&c->err, PATROL_REDIRECT, "the server redirected to %s; patrol does "
			   "not follow redirects (check the host)",
			   x->location[0] ? x->location : "(no location)");
}

/* The answer is not the Databricks API's: an HTML page, or a 404 without
 * a Databricks error. */
static bool
http_not_databricks(const struct http_xfer *x, const struct call *c, long st)
{
	if (strncasecmp(x->content_type, "text/html", 9) == 0)
		return true;
	return st == 404 && c->err.code[0] == '\0';
}

/* Say so plainly (the host is likely wrong), keeping what the server said. */
static void
http_wrong_host(struct http_xfer *x, struct call *c, long st)
{
	char origin[256], said[200];

	http_origin(x, origin, sizeof origin);
	snprintf(said, sizeof said, "%.*s", (int)sizeof said - 1, c->err.message);
	status_set(&c->err, st == 404 ? PATROL_NOT_FOUND : PATROL_PROTOCOL,
		   "%s answered %ld with %s, not the Databricks API: is this a Databricks "
		   "workspace URL? (check DATABRICKS_HOST, --host or host in the profile)%s%s",
		   origin, st, strncasecmp(x->content_type, "text/html", 9) == 0 ?
		   "an HTML page" : "no Databricks error", said[0] ? "; it said: " : "", said);
}

/* A 2xx answer that streamed: the stream says what it was (an empty body
 * starts it here, and one collected before the status said 2xx is fed
 * now). Its state is dropped: the call is done with it. */
static enum patrol_status
http_stream_end(struct http_xfer *x, struct call *c)
{
	enum patrol_status st;

	if (!x->decided && !http_body_starts(x))
		return status_set(&c->err, PATROL_NOMEM, "out of memory reading the response");
	if (!x->streaming) {
		if (c->stream->begin(c) != 0)
			return status_set(&c->err, PATROL_NOMEM, "out of memory reading the response");
		(void)c->stream->feed(c, x->body.data ? x->body.data : "", x->body.len);
	}                           /* (a refusal: end says why) */
	st = c->stream->end(c);
	c->stream->drop(c);
	return st;
}

/* A transfer that got a whole HTTP answer (or one its stream refused). */
static void
http_answered(struct http_xfer *x, struct call *c, struct http_outcome *out)
{
	long st = out->http_status;
	const char *body = x->body.data ? x->body.data : "";

	out->transport = RETRY_T_OK;
	if (st >= 200 && st < 300) {
		if (x->stream != NULL) {
			if (http_stream_end(x, c) != PATROL_OK && c->err.status == PATROL_OK)
				c->err.status = PATROL_PROTOCOL;
		} else if (c->parse != NULL && c->parse(c, body, x->body.len) != PATROL_OK &&
			   c->err.status == PATROL_OK)
			c->err.status = PATROL_PROTOCOL;
		if (c->err.status == PATROL_PROTOCOL && http_not_databricks(x, c, st))
			http_wrong_host(x, c, st);
	} else if (st >= 300 && st < 400)
		http_redirected(x, c);
	else {
		api_parse_error(st, x->reason, body, x->body.len, &c->err);
		http_scrub(x, c->err.message, sizeof c->err.message);
		if (http_not_databricks(x, c, st) && st != 401 && st != 403 && st != 429 &&
		    st < 500)
			http_wrong_host(x, c, st);
	}
	c->err.http_status = st;
}

/* One summary line per attempt in the debug log. */
static void
http_log_summary(struct http_xfer *x, const struct call *c, const struct http_outcome *out)
{
	char line[HTTP_LOG_LINE_MAX];
	char *clean;
	long ms = (long)(duration_mono_ms() - x->start_ms);

	if (out->transport == RETRY_T_OK)
		snprintf(line, sizeof line, "patrol: %s %s -> %ld (%ld ms, attempt %d)",
			 x->method, x->url, out->http_status, ms, x->attempt);
	else
		snprintf(line, sizeof line, "patrol: %s %s -> %s: %s (%ld ms, attempt %d)",
			 x->method, x->url, status_name(c->err.status), c->err.message, ms,
			 x->attempt);
	clean = sanitize(line, 0, SANITIZE_ASCII);
	if (clean == NULL)
		return;
	http_log_write(x->debug_fd, clean);
	free(clean);
}

void
http_xfer_done(struct http_xfer *x, CURLcode rc, struct call *c, struct http_outcome *out)
{
	struct retry_input in;

	memset(out, 0, sizeof *out);
	http_scrub(x, x->errbuf, sizeof x->errbuf);     /* libcurl's words, at the source */
	http_scrub(x, x->location, sizeof x->location); /* the server's */
	out->request_sent = http_xfer_sent(x);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &out->http_status);
	status_clear(&c->err);
	if (rc == CURLE_OK || x->refused)
		http_answered(x, c, out);
	else
		http_failed(x, rc, c, out);
	out->retry_after_ms = retry_after_parse(x->retry_after, (int64_t)time(NULL));
	memset(&in, 0, sizeof in);
	in.kind = c->retry;
	in.transport = out->transport;
	in.request_sent = out->request_sent;
	in.http_status = out->http_status;
	in.error_code = c->err.code;
	out->verdict = retry_decide(&in);
	if (x->debug_fd >= 0)
		http_log_summary(x, c, out);
}
