/*
 * api_error.h: the parser of error answers, the one place that knows what
 * servers send with an error status (token-api.md, "Errors"). Part of the
 * API layer; api.h includes it.
 */
#ifndef PATROL_API_ERROR_H
#define PATROL_API_ERROR_H

#include <stddef.h>

#include "status.h"

/* Parse any error answer into out: JSON {"error_code": "X"|403, "message",
 * "details":[{"request_id"}]}, {"error": "msg"}, SCIM {"detail","status"},
 * plain text "CODE: message", an HTML page (message from <pre>, else
 * <title>), or an empty body (the reason phrase). Sets out->http_status,
 * code, message, request_id and out->status = api_classify(). */
void api_parse_error(long http_status, const char *reason, const char *body, size_t len,
		     struct patrol_err *out);
/* Classify by error_code first, then by HTTP status (token-api.md, "Errors").
 * QUOTA_EXCEEDED → PATROL_QUOTA; REQUEST_LIMIT_EXCEEDED/RESOURCE_EXHAUSTED/429
 * → PATROL_THROTTLED; 401 → UNAUTHENTICATED; 403 → PERMISSION; 404 and
 * RESOURCE_DOES_NOT_EXIST → NOT_FOUND; 400 → INVALID; 409 → CONFLICT;
 * 5xx → SERVER; anything else 4xx → FAILED. */
enum patrol_status api_classify(long http_status, const char *code);

#endif
