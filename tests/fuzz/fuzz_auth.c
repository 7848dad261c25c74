/*
 * fuzz_auth.c: libFuzzer target for what sign-in helpers print.
 *
 * The input goes, unterminated, to the parsers of `databricks auth token`
 * and `az account get-access-token` output (api_auth.h), and NUL-terminated
 * to the timestamp parser they use (duration.h). The target aborts when a
 * promise breaks: a failure that left a token, a success without one, an
 * unterminated error string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_auth.h"
#include "duration.h"
#include "secret.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
violation(const char *why)
{
	fprintf(stderr, "fuzz_auth: %s\n", why);
	abort();
}

typedef enum patrol_status (*parse_fn)(const char *, size_t, struct api_bearer *,
				       struct patrol_err *);

static void
fuzz_parser(parse_fn parse, const char *body, size_t len)
{
	struct api_bearer b;
	struct patrol_err err;
	enum patrol_status st;

	status_clear(&err);
	st = parse(body, len, &b, &err);
	if (st == PATROL_OK && (b.access_token == NULL || b.access_token[0] == '\0'))
		violation("success without a token");
	if (st != PATROL_OK && (b.access_token != NULL || err.status != st))
		violation("failure left a token or no status");
	if (memchr(err.message, '\0', sizeof err.message) == NULL)
		violation("unterminated error message");
	api_bearer_clear(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	secret_json_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	int64_t ms;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_parser(api_parse_cli_token, (const char *)data, size);
	fuzz_parser(api_parse_az_token, (const char *)data, size);
	(void)duration_parse_timestamp(text, &ms);
	free(text);
	return 0;
}
