/*
 * retry.h: the retry policy of token-api.md ("Retries"), as pure functions.
 *
 * The worker describes what happened to one HTTP attempt; retry_decide says
 * whether to send it again, give up, or report an unknown outcome (a create
 * that may have been processed is never resent).
 */
#ifndef PATROL_RETRY_H
#define PATROL_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "call.h"

enum retry_transport {
	RETRY_T_OK,            /* an HTTP answer was received */
	RETRY_T_CONNECT,       /* could not resolve or connect: nothing was sent */
	RETRY_T_RESET,         /* connection reset or closed without an answer */
	RETRY_T_TIMEOUT,       /* timed out (connect, low speed, or the ceiling) */
	RETRY_T_OTHER,         /* TLS failure, body too large, bad URL…: never retried */
};

enum retry_verdict {
	RETRY_DONE,            /* success, or a final failure: report err */
	RETRY_AGAIN,           /* send again after retry_backoff_ms() */
	RETRY_UNKNOWN,         /* final: a create may have been processed */
};

struct retry_input {
	enum call_retry kind;
	enum retry_transport transport;
	bool request_sent;     /* any byte of the request reached the socket */
	long http_status;      /* when transport == RETRY_T_OK */
	const char *error_code;/* parsed error_code, or NULL/"" */
};

/* Apply the table of token-api.md, where a revoke is also retried on a 500
 * (revocation is idempotent: a 404 afterwards counts as done). */
enum retry_verdict retry_decide(const struct retry_input *in);

/* Fail fast (reliability.md, "Transport"): while a host has never answered,
 * a failure that retrying rarely fixes (it cannot be resolved, it refuses
 * the connection, the connection times out before a byte is sent) is
 * retried for at most this long after the first attempt, not for the
 * call's whole deadline. Throttling and 5xx keep the patient table. */
#define RETRY_UNREACHABLE_MS 8000
/* True for such a failure. */
bool retry_unreachable(enum retry_transport transport, bool request_sent);

#define RETRY_BASE_MS 1000
#define RETRY_CAP_MS 30000
#define RETRY_AFTER_CAP_MS 60000

/* Delay before retry number attempt (1 = the first retry): full jitter,
 * uniform in [0, min(cap, base * 2^(attempt-1))], but at least
 * retry_after_ms (capped at 60 s) when >= 0, and at least 1 s after a 429
 * without Retry-After. *seed is a caller-kept PRNG state. */
int64_t retry_backoff_ms(int attempt, int64_t retry_after_ms, long http_status,
			 uint64_t *seed);
/* Parse a Retry-After value: delta seconds or an HTTP date (RFC 7231).
 * Returns ms (capped at 60 s), or -1 when absent or unparsable. now_s is the
 * current epoch seconds, for dates. */
int64_t retry_after_parse(const char *value, int64_t now_s);

#endif
