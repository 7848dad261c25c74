/*
 * status.c: messages, names and exit codes from the one status list.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

struct status_row {
	const char *name;
	const char *message;
	int exit_code;
};

#define PATROL_STATUS_ROW(n, lname, msg, code) { lname, msg, code },
static const struct status_row status_rows[] = {
	PATROL_STATUS_INFO(PATROL_STATUS_ROW)
};
#undef PATROL_STATUS_ROW

static const struct status_row *
status_row(enum patrol_status st)
{
	if ((unsigned)st >= PATROL_STATUS_COUNT)
		st = PATROL_FAILED;
	return &status_rows[st];
}

const char *
status_message(enum patrol_status st)
{
	return status_row(st)->message;
}

const char *
status_name(enum patrol_status st)
{
	return status_row(st)->name;
}

int
status_exit_code(enum patrol_status st)
{
	return status_row(st)->exit_code;
}

enum patrol_status
status_set(struct patrol_err *err, enum patrol_status st, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return st;
	err->status = st;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return st;
}

void
status_clear(struct patrol_err *err)
{
	memset(err, 0, sizeof *err);
	err->status = PATROL_OK;
}

/* The redaction of one text of size n (NUL-terminated). */
static void
status_redact_text(char *text, size_t n, const char *secret, size_t slen)
{
	static const char mark[] = "<redacted>";
	char out[sizeof ((struct patrol_err *)0)->message];
	const char *p = text, *q;
	size_t at = 0, k;

	if (strstr(text, secret) == NULL)
		return;
	while ((q = strstr(p, secret)) != NULL && at < sizeof out - 1) {
		k = (size_t)(q - p) < sizeof out - 1 - at ? (size_t)(q - p) : sizeof out - 1 - at;
		memcpy(out + at, p, k);
		at += k;
		k = sizeof mark - 1 < sizeof out - 1 - at ? sizeof mark - 1 : sizeof out - 1 - at;
		memcpy(out + at, mark, k);
		at += k;
		p = q + slen;
	}
	k = strlen(p) < sizeof out - 1 - at ? strlen(p) : sizeof out - 1 - at;
	memcpy(out + at, p, k);
	at += k;
	out[at] = '\0';
	snprintf(text, n, "%s", out);
}

/* A text cut short may end in the first bytes of the secret: those too. */
static void
status_redact_tail(char *text, size_t n, const char *secret, size_t slen)
{
	size_t len = strlen(text), k;

	for (k = slen - 1 < len ? slen - 1 : len; k >= 4; k--) {
		if (memcmp(text + len - k, secret, k) == 0) {
			snprintf(text + len - k, n - (len - k), "%s", "<redacted>");
			return;
		}
	}
}

void
status_redact(struct patrol_err *err, const char *secret)
{
	size_t slen = secret != NULL ? strlen(secret) : 0;

	if (slen < 8)
		return;
	status_redact_text(err->message, sizeof err->message, secret, slen);
	status_redact_text(err->code, sizeof err->code, secret, slen);
	status_redact_text(err->request_id, sizeof err->request_id, secret, slen);
	status_redact_tail(err->message, sizeof err->message, secret, slen);
	status_redact_tail(err->code, sizeof err->code, secret, slen);
	status_redact_tail(err->request_id, sizeof err->request_id, secret, slen);
}
