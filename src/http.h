/*
 * http.h: one libcurl transfer, between worker.c and http.c only.
 *
 * http.c knows every libcurl option patrol sets (reliability.md, "Transport")
 * and how to read a finished transfer back: transport class, whether any
 * request byte was sent, status, Retry-After, the error parsed from the body
 * and the retry verdict. worker.c only drives the multi handle: it adds
 * http_xfer_easy() to it, finds the transfer of a finished easy handle with
 * http_xfer_of(), and calls http_xfer_done() then http_xfer_free().
 *
 * Nothing outside worker.c and http.c includes this header (it pulls in
 * curl.h).
 */
#ifndef PATROL_HTTP_H
#define PATROL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "call.h"
#include "retry.h"
#include "status.h"

/* Settings shared by every transfer of one worker (borrowed, not copied). */
struct http_opts {
	const char *user_agent;   /* full header value: "patrol/0.1.0 os/linux auth/pat" */
	const char *ca_file;      /* NULL: the system store */
	const char *ca_dir;       /* a CA directory (SSL_CERT_DIR), or NULL */
	const char *proxy;        /* for https: the proxy URL (may hold a password), or NULL */
	const char *no_proxy;     /* hosts that bypass the proxy, or NULL */
	size_t max_body;          /* response body cap in bytes (> 0) */
	int debug_fd;             /* -1: no debug log */
};

/* One request. Strings are borrowed until http_xfer_new returns, except
 * body, which must stay valid until http_xfer_free (libcurl reads it then),
 * and stream, the call whose answer it is. */
struct http_req {
	const char *method;       /* "GET", "POST", "PATCH", "DELETE" */
	const char *url;          /* absolute URL */
	const char *body;         /* NULL: no body */
	const char *content_type; /* for the body; NULL: application/json */
	const char *bearer;       /* secret: "Authorization: Bearer …"; NULL: none */
	const char *basic_user;   /* HTTP Basic (OAuth client credentials); NULL: none */
	const char *basic_pass;   /* secret */
	bool allow_http;          /* the URL's host is loopback: http:// allowed */
	bool secret_answer;       /* the body read back is wiped when freed */
	struct call *stream;      /* a call with a stream (call.h): a 2xx body goes
				   * to its functions as it comes, not into a
				   * buffer; NULL: every body is collected */
	bool fresh_connect;       /* a new connection: libcurl silently resends a
				   * request whose reused connection died, which a
				   * create must never be */
	int64_t timeout_ms;       /* whole-request ceiling (> 0) */
	int attempt;              /* 1-based, for the debug log */
};

/* What one finished attempt means. */
struct http_outcome {
	enum retry_verdict verdict;
	enum retry_transport transport;
	bool request_sent;
	long http_status;          /* 0: no HTTP answer */
	int64_t retry_after_ms;    /* parsed Retry-After, -1 when absent */
};

struct http_xfer;

/* Build a configured easy handle for r, with owner kept for http_xfer_owner.
 * Refuses (PATROL_INVALID, nothing sent) URLs and header values holding
 * control characters; PATROL_NOMEM on allocation failure. */
enum patrol_status http_xfer_new(const struct http_opts *o, const struct http_req *r,
				 void *owner, struct http_xfer **out, struct patrol_err *err);
/* The easy handle, to add to (and remove from) a multi handle. */
CURL *http_xfer_easy(const struct http_xfer *x);
/* The transfer of an easy handle made by http_xfer_new (CURLOPT_PRIVATE). */
struct http_xfer *http_xfer_of(CURL *easy);
void *http_xfer_owner(const struct http_xfer *x);
/* True once any byte of the request was sent (for aborted transfers). */
bool http_xfer_sent(const struct http_xfer *x);
/* Read a finished transfer (rc from CURLMSG_DONE) into c->err (and, on 2xx,
 * c->result through c->parse, or the stream's end) and out. A stream that
 * refused its answer ends the transfer early, as an answer with the
 * stream's error (not retried). Writes the debug summary line. */
void http_xfer_done(struct http_xfer *x, CURLcode rc, struct call *c,
		    struct http_outcome *out);
/* Release the transfer, wiping the headers it sent. NULL is fine. The easy
 * handle must no longer be in a multi handle. */
void http_xfer_free(struct http_xfer *x);

/* Copy in to out (size n > 0, truncated) with every credential taken out:
 * the userinfo of any URL ("scheme://USER:<redacted>@", "<redacted>@"
 * without a user name), however it is written (a password may hold spaces,
 * quotes, '/', '#', '@'; the userinfo runs to the URL's last '@'), and each
 * string of secrets (NULL-ended; NULL: none; shorter than 3 bytes: not
 * searched) wherever it stands. For every text that comes from libcurl. */
void http_redact(const char *in, const char *const *secrets, char *out, size_t n);

/* True when s holds a byte below 0x20 or 0x7f. */
bool http_has_ctl(const char *s);

#endif
