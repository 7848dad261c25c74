/*
 * api_auth.h: the JSON shapes of signing in (token-api.md, "More ways to
 * sign in"), beside api.h's API answers. Pure parsers, unit-tested and
 * fuzzed; an access token is a secret (secret_free it), and no message ever
 * quotes the text parsed (it holds a token).
 */
#ifndef PATROL_API_AUTH_H
#define PATROL_API_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* A bearer token and when it expires (ms since the epoch; 0: not said). */
struct api_bearer {
	char *access_token;   /* secret */
	int64_t expiry_ms;
};

/* `databricks auth token` stdout: {"access_token","token_type","expiry"}
 * with expiry in RFC 3339 (or "YYYY-MM-DD HH:MM:SS[.f]" local time);
 * unknown keys (expires_in…) are ignored. */
enum patrol_status api_parse_cli_token(const char *body, size_t len, struct api_bearer *out,
				       struct patrol_err *err);
/* `az account get-access-token --output json` stdout: accessToken, and
 * expires_on (epoch seconds, a number or a string: newer az) or expiresOn
 * (local time "YYYY-MM-DD HH:MM:SS.ffffff"). */
enum patrol_status api_parse_az_token(const char *body, size_t len, struct api_bearer *out,
				      struct patrol_err *err);
/* Wipe and free the token; zero b. */
void api_bearer_clear(struct api_bearer *b);

#endif
