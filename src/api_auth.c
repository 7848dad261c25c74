/*
 * api_auth.c: parse what sign-in helper programs print.
 *
 * Both helpers print one JSON object on stdout. jansson parses it into
 * memory it wipes when freed (a secret scope, secret.h); the token is
 * copied into a secret string. Errors name the field, never its value.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_auth.h"
#include "duration.h"
#include "secret.h"

/* The object in body, or NULL with err set (position only, never text). */
static json_t *
api_auth_load(const char *body, size_t len, struct patrol_err *err)
{
	json_error_t je;
	json_t *root;

	secret_json_begin();
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	secret_json_end();
	if (root == NULL) {
		status_set(err, json_error_code(&je) == json_error_out_of_memory ? PATROL_NOMEM :
			   PATROL_PROTOCOL, "not JSON (line %d, column %d)", je.line, je.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		status_set(err, PATROL_PROTOCOL, "not a JSON object");
		return NULL;
	}
	return root;
}

/* Copy the non-empty string field name of root into out->access_token. */
static enum patrol_status
api_auth_token(json_t *root, const char *name, struct api_bearer *out, struct patrol_err *err)
{
	json_t *v = json_object_get(root, name);

	if (!json_is_string(v) || json_string_length(v) == 0)
		return status_set(err, PATROL_PROTOCOL, "no %s in the answer", name);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return status_set(err, PATROL_PROTOCOL, "%s holds a NUL byte", name);
	if ((out->access_token = secret_strdup(json_string_value(v))) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

/* A timestamp field (string) into out->expiry_ms. */
static enum patrol_status
api_auth_time(json_t *v, const char *name, struct api_bearer *out, struct patrol_err *err)
{
	if (!json_is_string(v) || duration_parse_timestamp(json_string_value(v),
							    &out->expiry_ms) != 0)
		return status_set(err, PATROL_PROTOCOL, "%s is not a time "
				  "(RFC 3339, or YYYY-MM-DD HH:MM:SS)", name);
	return PATROL_OK;
}

/* Epoch seconds, as a number or a string of digits. */
static enum patrol_status
api_auth_epoch(json_t *v, const char *name, struct api_bearer *out, struct patrol_err *err)
{
	const char *s;
	char *end;
	long long x = -1;

	if (json_is_integer(v))
		x = json_integer_value(v);
	else if (json_is_string(v) && *(s = json_string_value(v)) != '\0') {
		x = strtoll(s, &end, 10);
		if (*end != '\0')
			x = -1;
	}
	if (x <= 0 || x > 253402300799LL)
		return status_set(err, PATROL_PROTOCOL, "%s is not epoch seconds", name);
	out->expiry_ms = (int64_t)x * 1000;
	return PATROL_OK;
}

enum patrol_status
api_parse_cli_token(const char *body, size_t len, struct api_bearer *out,
		    struct patrol_err *err)
{
	enum patrol_status st;
	json_t *root, *exp;

	memset(out, 0, sizeof *out);
	if ((root = api_auth_load(body, len, err)) == NULL)
		return err->status;
	st = api_auth_token(root, "access_token", out, err);
	if (st == PATROL_OK && (exp = json_object_get(root, "expiry")) != NULL &&
	    !json_is_null(exp))
		st = api_auth_time(exp, "expiry", out, err);
	json_decref(root);
	if (st != PATROL_OK)
		api_bearer_clear(out);
	return st;
}

enum patrol_status
api_parse_az_token(const char *body, size_t len, struct api_bearer *out,
		   struct patrol_err *err)
{
	enum patrol_status st;
	json_t *root, *v;

	memset(out, 0, sizeof *out);
	if ((root = api_auth_load(body, len, err)) == NULL)
		return err->status;
	st = api_auth_token(root, "accessToken", out, err);
	if (st == PATROL_OK && (v = json_object_get(root, "expires_on")) != NULL &&
	    !json_is_null(v))
		st = api_auth_epoch(v, "expires_on", out, err);
	else if (st == PATROL_OK && (v = json_object_get(root, "expiresOn")) != NULL &&
		 !json_is_null(v))
		st = api_auth_time(v, "expiresOn", out, err);
	json_decref(root);
	if (st != PATROL_OK)
		api_bearer_clear(out);
	return st;
}

void
api_bearer_clear(struct api_bearer *b)
{
	secret_free(b->access_token);
	memset(b, 0, sizeof *b);
}
