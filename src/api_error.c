/*
 * api_error.c: the parser of error answers (api_error.h).
 *
 * Whatever a server or a proxy in front of it sends with an error status:
 * the Databricks JSON error, OAuth and SCIM errors, plain text, an HTML
 * page, or nothing. api_codes maps an error_code to a status. The server's
 * own message is copied raw (bounded, cut at a UTF-8 boundary) for the
 * output paths to sanitize.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "api.h"
#include "api_int.h"
#include "utf8.h"

static const struct {
	const char *code;
	enum patrol_status status;
} api_codes[] = {
	{ "QUOTA_EXCEEDED",          PATROL_QUOTA },
	{ "REQUEST_LIMIT_EXCEEDED",  PATROL_THROTTLED },
	{ "RESOURCE_EXHAUSTED",      PATROL_THROTTLED },
	{ "TOO_MANY_REQUESTS",       PATROL_THROTTLED },
	{ "UNAUTHENTICATED",         PATROL_UNAUTHENTICATED },
	{ "PERMISSION_DENIED",       PATROL_PERMISSION },
	{ "RESOURCE_DOES_NOT_EXIST", PATROL_NOT_FOUND },
	{ "NOT_FOUND",               PATROL_NOT_FOUND },
	{ "ENDPOINT_NOT_FOUND",      PATROL_NOT_FOUND },
	{ "INVALID_PARAMETER_VALUE", PATROL_INVALID },
	{ "BAD_REQUEST",             PATROL_INVALID },
	{ "MALFORMED_REQUEST",       PATROL_INVALID },
	{ "INVALID_STATE",           PATROL_INVALID },
	{ "ALREADY_EXISTS",          PATROL_CONFLICT },
	{ "RESOURCE_ALREADY_EXISTS", PATROL_CONFLICT },
	{ "TEMPORARILY_UNAVAILABLE", PATROL_SERVER },
	{ "DEADLINE_EXCEEDED",       PATROL_SERVER },
	{ "INTERNAL_ERROR",          PATROL_SERVER },
	/* OAuth (RFC 6749) */
	{ "invalid_client",          PATROL_UNAUTHENTICATED },
	{ "invalid_grant",           PATROL_UNAUTHENTICATED },
	{ "unauthorized_client",     PATROL_UNAUTHENTICATED },
	{ "access_denied",           PATROL_PERMISSION },
	{ "invalid_request",         PATROL_INVALID },
	{ "invalid_scope",           PATROL_INVALID },
};

/* HTTP statuses in [lo, hi]; the first matching row wins. */
static const struct {
	long lo, hi;
	enum patrol_status status;
} api_http_statuses[] = {
	{ 400, 400, PATROL_INVALID },
	{ 401, 401, PATROL_UNAUTHENTICATED },
	{ 403, 403, PATROL_PERMISSION },
	{ 404, 404, PATROL_NOT_FOUND },
	{ 409, 409, PATROL_CONFLICT },
	{ 429, 429, PATROL_THROTTLED },
	{ 300, 399, PATROL_REDIRECT },
	{ 400, 499, PATROL_FAILED },
	{ 500, 599, PATROL_SERVER },
};

static enum patrol_status
api_classify_http(long http_status)
{
	size_t i;

	for (i = 0; i < sizeof api_http_statuses / sizeof api_http_statuses[0]; i++)
		if (http_status >= api_http_statuses[i].lo &&
		    http_status <= api_http_statuses[i].hi)
			return api_http_statuses[i].status;
	return PATROL_FAILED;
}

/* A numeric error_code ("403"): its value, else -1. */
static long
api_code_number(const char *code)
{
	size_t n = strspn(code, "0123456789");

	if (n == 0 || n > 3 || code[n] != '\0')
		return -1;
	return strtol(code, NULL, 10);
}

/* Codes compare case-insensitively; numeric codes classify as that status. */
enum patrol_status
api_classify(long http_status, const char *code)
{
	size_t i;
	long num;

	if (code == NULL || *code == '\0')
		return api_classify_http(http_status);
	for (i = 0; i < sizeof api_codes / sizeof api_codes[0]; i++)
		if (strcasecmp(code, api_codes[i].code) == 0)
			return api_codes[i].status;
	num = api_code_number(code);
	return api_classify_http(num >= 100 ? num : http_status);
}

/* Where each part of a JSON error may be, in order. A code key with a
 * companion counts only when the companion is there too (OAuth's "error"). */
static const struct {
	const char *key;
	const char *companion;
} api_err_code_keys[] = {
	{ "error_code", NULL },
	{ "error", "error_description" },
	{ "status", NULL },
	{ "code", NULL },
};
static const char *const api_err_msg_keys[] = {
	"message", "error_description", "detail", "error",
};

static void
api_err_code(const json_t *o, struct patrol_err *out)
{
	size_t i;
	json_t *v;

	for (i = 0; i < sizeof api_err_code_keys / sizeof api_err_code_keys[0]; i++) {
		if (api_err_code_keys[i].companion != NULL &&
		    !json_is_string(json_object_get(o, api_err_code_keys[i].companion)))
			continue;
		v = json_object_get(o, api_err_code_keys[i].key);
		if (json_is_string(v) && json_string_length(v) > 0) {
			api_copystr(out->code, sizeof out->code, json_string_value(v));
			return;
		}
		if (json_is_integer(v)) {
			snprintf(out->code, sizeof out->code, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			return;
		}
	}
}

static void
api_err_message(const json_t *o, struct patrol_err *out)
{
	size_t i;
	json_t *v;

	for (i = 0; i < sizeof api_err_msg_keys / sizeof api_err_msg_keys[0]; i++) {
		v = json_object_get(o, api_err_msg_keys[i]);
		if (json_is_string(v) && json_string_length(v) > 0) {
			api_copy(out->message, sizeof out->message, json_string_value(v),
			    json_string_length(v));
			return;
		}
	}
}

static bool
api_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* request_id from details[]: a RequestInfo entry first, else any entry. */
static void
api_err_request_id(const json_t *o, struct patrol_err *out)
{
	json_t *details = json_object_get(o, "details"), *d, *id, *type;
	int pass;
	size_t i;

	for (pass = 0; pass < 2 && out->request_id[0] == '\0'; pass++) {
		json_array_foreach(details, i, d) {
			id = json_object_get(d, "request_id");
			type = json_object_get(d, "@type");
			if (!json_is_string(id) || (pass == 0 && !(json_is_string(type) &&
			    api_ends_with(json_string_value(type), "RequestInfo"))))
				continue;
			api_copystr(out->request_id, sizeof out->request_id, json_string_value(id));
			break;
		}
	}
	id = json_object_get(o, "request_id");
	if (out->request_id[0] == '\0' && json_is_string(id))
		api_copystr(out->request_id, sizeof out->request_id, json_string_value(id));
}

/* A JSON error body; a nested {"error":{…}} object (Google style) is read too. */
static bool
api_err_json(const char *body, size_t len, struct patrol_err *out)
{
	json_t *root, *inner;

	if (body[0] != '{' || (root = json_loadb(body, len, 0, NULL)) == NULL)
		return false;
	inner = json_object_get(root, "error");
	api_err_code(root, out);
	api_err_message(root, out);
	api_err_request_id(root, out);
	if (json_is_object(inner)) {
		if (out->code[0] == '\0')
			api_err_code(inner, out);
		if (out->message[0] == '\0')
			api_err_message(inner, out);
		if (out->request_id[0] == '\0')
			api_err_request_id(inner, out);
	}
	json_decref(root);
	return true;
}

/* Text taken out of HTML, bounded. */
struct api_text {
	char s[1024];
	size_t n;
	bool space;      /* a blank is pending */
	bool full;       /* stop adding: the rest would not fit */
};

static void
api_text_add(struct api_text *t, const char *p, size_t n)
{
	size_t blank = t->space && t->n > 0;

	t->space = false;
	if (t->full || blank + n > sizeof t->s - 1 - t->n) {
		t->full = true;
		return;
	}
	if (blank)
		t->s[t->n++] = ' ';
	memcpy(t->s + t->n, p, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static const struct {
	const char *name;
	const char *text;
} api_entities[] = {
	{ "lt", "<" }, { "gt", ">" }, { "amp", "&" }, { "quot", "\"" },
	{ "apos", "'" }, { "#39", "'" }, { "nbsp", " " },
};

/* Decode the entity name (between '&' and ';') into out; 0 if unknown. */
static size_t
api_entity(const char *name, size_t n, char *out)
{
	char tmp[12];
	const char *digits;
	unsigned long cp;
	size_t i;
	bool hex;

	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	for (i = 0; i < sizeof api_entities / sizeof api_entities[0]; i++)
		if (strcmp(tmp, api_entities[i].name) == 0)
			return (size_t)snprintf(out, 5, "%s", api_entities[i].text);
	if (tmp[0] != '#')
		return 0;
	hex = tmp[1] == 'x' || tmp[1] == 'X';
	digits = tmp + 1 + hex;
	if (*digits == '\0' ||
	    digits[strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789")] != '\0')
		return 0;
	cp = strtoul(digits, NULL, hex ? 16 : 10);
	return utf8_put(cp == 0 || cp > 0x10ffff ? UTF8_REPLACEMENT : (uint32_t)cp, out);
}

/* Add s[0..n) to t with tags removed, entities decoded, blanks collapsed. */
static void
api_text_html(struct api_text *t, const char *s, size_t n)
{
	const char *end = s + n, *gt, *semi;
	char ent[5];
	size_t k;

	while (s < end) {
		if (*s == '<' && (gt = memchr(s, '>', (size_t)(end - s))) != NULL) {
			s = gt + 1;
		} else if (api_is_space(*s)) {
			t->space = true;
			s++;
		} else if (*s == '&' && (semi = memchr(s, ';', (size_t)(end - s))) != NULL &&
		    (k = api_entity(s + 1, (size_t)(semi - s - 1), ent)) > 0) {
			api_text_add(t, ent, k);
			s = semi + 1;
		} else {
			api_text_add(t, s++, 1);
		}
	}
}

/* Case-insensitive search for needle in s[0..n). */
static const char *
api_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* The text of the first <tag …>…</tag> element in s[0..n), into out. */
static bool
api_html_element(const char *s, size_t n, const char *tag, struct patrol_err *out)
{
	const char *end = s + n, *open, *body = NULL, *close;
	char otag[16], ctag[16];
	struct api_text t = { .n = 0 };

	snprintf(otag, sizeof otag, "<%s", tag);
	snprintf(ctag, sizeof ctag, "</%s", tag);
	for (open = s; (open = api_find(open, (size_t)(end - open), otag)) != NULL; open++) {
		body = open + strlen(otag);
		if (body < end && (*body == '>' || api_is_space(*body)))
			break;
	}
	if (open == NULL || (body = memchr(body, '>', (size_t)(end - body))) == NULL)
		return false;
	body++;
	close = api_find(body, (size_t)(end - body), ctag);
	api_text_html(&t, body, (size_t)((close ? close : end) - body));
	if (t.n == 0)
		return false;
	api_copy(out->message, sizeof out->message, t.s, t.n);
	return true;
}

static bool
api_err_html(const char *body, size_t len, struct patrol_err *out)
{
	if (body[0] != '<')
		return false;
	if (!api_html_element(body, len, "pre", out))
		api_html_element(body, len, "title", out);
	return true;
}

/* "CODE: message" (CODE upper-case letters, digits, underscores), else the text. */
static bool
api_err_text(const char *body, size_t len, struct patrol_err *out)
{
	size_t k = 0;

	while (k < len && ((body[k] >= 'A' && body[k] <= 'Z') || body[k] == '_' ||
	    (k > 0 && body[k] >= '0' && body[k] <= '9')))
		k++;
	if (k > 0 && k < len && body[k] == ':' && k < sizeof out->code &&
	    (k + 1 == len || api_is_space(body[k + 1]))) {
		api_copy(out->code, sizeof out->code, body, k);
		body += k + 1;
		len -= k + 1;
		api_trim(&body, &len);
	}
	api_copy(out->message, sizeof out->message, body, len);
	return true;
}

static bool (*const api_err_formats[])(const char *, size_t, struct patrol_err *) = {
	api_err_json, api_err_html, api_err_text,
};

void
api_parse_error(long http_status, const char *reason, const char *body, size_t len,
    struct patrol_err *out)
{
	size_t i, rlen;

	status_clear(out);
	out->http_status = http_status;
	if (body == NULL)
		len = 0;
	api_trim(&body, &len);
	for (i = 0; len > 0 && i < sizeof api_err_formats / sizeof api_err_formats[0]; i++)
		if (api_err_formats[i](body, len, out))
			break;
	rlen = reason ? strlen(reason) : 0;
	if (reason != NULL)
		api_trim(&reason, &rlen);
	if (out->message[0] == '\0' && rlen > 0)
		api_copy(out->message, sizeof out->message, reason, rlen);
	else if (out->message[0] == '\0')
		snprintf(out->message, sizeof out->message, "HTTP %ld", http_status);
	out->status = api_classify(http_status, out->code);
}

