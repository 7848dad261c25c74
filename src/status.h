/*
 * status.h: the status codes of the core, their messages and exit codes.
 *
 * One list (PATROL_STATUS_INFO) gives the enum, the short message and the
 * process exit code, so adding a status is one row. Core functions return a
 * patrol_status; details travel in a struct patrol_err beside it.
 *
 * Exit codes (documented in patrol.1): 0 ok, 1 some operations failed,
 * 2 usage or configuration error, 3 authentication or permission error,
 * 4 network (or server) error, 5 the output could not be written. A reader
 * that went away (EPIPE) is not an error code: the command line ends the
 * way `git log | head` does, by SIGPIPE (status 141 in a shell).
 */
#ifndef PATROL_STATUS_H
#define PATROL_STATUS_H

#include <stddef.h>

/*        enum             json name           message                    exit */
#define PATROL_STATUS_INFO(_) \
	_(OK,              "ok",               "ok",                                        0) \
	_(DRY_RUN,         "dry_run",          "not sent (dry run)",                        0) \
	_(NOMEM,           "nomem",            "out of memory",                             1) \
	_(USAGE,           "usage",            "usage error",                               2) \
	_(CONFIG,          "config",           "configuration error",                       2) \
	_(IO,              "io",               "file error",                                2) \
	_(READ_ONLY,       "read_only",        "refused: read-only mode",                   2) \
	_(UNAUTHENTICATED, "unauthenticated",  "authentication failed",                     3) \
	_(PERMISSION,      "permission",       "permission denied",                         3) \
	_(NOT_FOUND,       "not_found",        "not found",                                 1) \
	_(INVALID,         "invalid",          "invalid request",                           1) \
	_(QUOTA,           "quota",            "token quota exceeded",                      1) \
	_(CONFLICT,        "conflict",         "already exists",                            1) \
	_(DISABLED,        "disabled",         "tokens are disabled in this workspace",     1) \
	_(FAILED,          "failed",           "operation failed",                          1) \
	_(CANCELLED,       "cancelled",        "cancelled",                                 1) \
	_(THROTTLED,       "throttled",        "rate limited by the workspace",             4) \
	_(SERVER,          "server",           "server error",                              4) \
	_(NETWORK,         "network",          "network error",                             4) \
	_(TIMEOUT,         "timeout",          "timed out",                                 4) \
	_(PROTOCOL,        "protocol",         "malformed response from the server",        4) \
	_(TOO_LARGE,       "too_large",        "response too large",                        4) \
	_(REDIRECT,        "redirect",         "unexpected redirect",                       4) \
	_(PRIVATE_LINK,    "private_link",     "network path not allowed (Private Link)",   4) \
	_(TLS,             "tls",              "TLS certificate not accepted",              4) \
	_(UNKNOWN_OUTCOME, "unknown_outcome",  "outcome unknown: the request may have been processed", 4) \
	_(OUTPUT,          "output",           "cannot write the output",                   5)

#define PATROL_STATUS_ENUM(name, lname, msg, code) PATROL_##name,
enum patrol_status { PATROL_STATUS_INFO(PATROL_STATUS_ENUM) PATROL_STATUS_COUNT };
#undef PATROL_STATUS_ENUM

/* Details of a failure. All strings are NUL-terminated, possibly empty, and
 * come from the server unsanitized: pass them through sanitize() to print. */
struct patrol_err {
	enum patrol_status status;
	long http_status;        /* 0 when no HTTP answer was received */
	char code[64];           /* error_code ("NOT_FOUND", or "403" for numeric) */
	char message[512];       /* human message */
	char request_id[128];    /* from details[].request_id, if any */
};

/* Short message for a status ("not found"). Never NULL. */
const char *status_message(enum patrol_status st);
/* Stable lower-case name for a status ("not_found"), for JSON output. */
const char *status_name(enum patrol_status st);
/* Process exit code for a status (see the table above). */
int status_exit_code(enum patrol_status st);
/* Fill err with st and a printf-style message; returns st. */
enum patrol_status status_set(struct patrol_err *err, enum patrol_status st,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reset err to OK with empty strings. */
void status_clear(struct patrol_err *err);
/* Replace every copy of secret in err's texts (message, code, request id)
 * with "<redacted>", and a text's end that is its first 4 bytes or more
 * (the text was cut short): a server may echo what it was sent. Secrets shorter
 * than 8 bytes (or NULL) are left alone: they would match ordinary words. */
void status_redact(struct patrol_err *err, const char *secret);

#endif
