/*
 * fuzz_api_error.c: libFuzzer target for the parser of error answers
 * (src/api_error.c).
 *
 * The input is an error body (JSON, OAuth, SCIM, text, HTML, anything a
 * proxy sends), parsed unterminated under a few statuses and reasons. The
 * target aborts when a promise of api_error.h breaks: an unterminated
 * string, a status out of range, a result without the HTTP status or
 * without a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
violation(const char *why)
{
	fprintf(stderr, "fuzz_api_error: %s\n", why);
	abort();
}

/* A patrol_err must hold terminated strings and a known status. */
static void
check_err(const struct patrol_err *e)
{
	if ((unsigned)e->status >= PATROL_STATUS_COUNT)
		violation("status out of range");
	if (memchr(e->code, '\0', sizeof e->code) == NULL ||
	    memchr(e->message, '\0', sizeof e->message) == NULL ||
	    memchr(e->request_id, '\0', sizeof e->request_id) == NULL)
		violation("unterminated error string");
}

static void
fuzz_errors(const char *body, size_t len)
{
	static const long statuses[] = { 0, 302, 400, 401, 403, 404, 429, 500, 503 };
	static const char *const reasons[] = { NULL, "", "Not Found", " Service Unavailable\r\n" };
	struct patrol_err err;
	size_t i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		api_parse_error(statuses[i], reasons[i % 4], body, len, &err);
		check_err(&err);
		if (err.http_status != statuses[i] || err.message[0] == '\0')
			violation("error without status or message");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_errors((const char *)data, size);
	return 0;
}
