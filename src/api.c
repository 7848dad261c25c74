/*
 * api.c: the Databricks token APIs as C: request builders, response parsers
 * and the JSON output of results (the error parser is api_error.c).
 *
 * Two tables drive it. api_endpoints gives each operation its method, path
 * template, retry class, mutating flag and parse function; a builder only
 * makes the body. api_fields maps the TokenInfo JSON names to the members of
 * struct token_info, for parsing and for output alike. Parsers tolerate what
 * real servers and proxies send (unknown and absent fields, nulls, int64
 * values as strings) and reject the rest with PATROL_PROTOCOL and a message
 * naming the field. Those messages never quote the body: a broken create
 * answer may hold a secret. Error answers are another matter (api_error.c).
 *
 * Memory: every string handed out is plain malloc'd (free, or secret_free for
 * secrets) and never jansson's. jansson wipes what it allocated for an answer
 * or output holding a secret (api_load_secret, api_created_to_json: the
 * secret scopes of secret.h); everything else is freed as is.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "api.h"
#include "api_int.h"
#include "buf.h"
#include "secret.h"
#include "utf8.h"

/* ---- labels ----------------------------------------------------------- */
#define API_OP_LABEL(e, label) label,
static const char *const api_op_labels[] = { API_OPS(API_OP_LABEL) };
#undef API_OP_LABEL

const char *
api_op_label(int op)
{
	if (op < 0 || op >= API_OP_COUNT)
		return "request";
	return api_op_labels[op];
}

/* ---- small helpers ---------------------------------------------------- */
static const char *const api_type_names[] = {
	[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
	[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
	[JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
	[JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
};

const char *
api_json_type_name(json_type t)
{
	return (unsigned)t < sizeof api_type_names / sizeof api_type_names[0] &&
	    api_type_names[t] != NULL ? api_type_names[t] : "a value";
}

static const char *
api_type_name(const json_t *v)
{
	return api_json_type_name(json_typeof(v));
}

bool
api_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	    ch == '\f' || ch == '\v';
}

/* Trim ASCII white space from both ends of the span (*s, *n). */
void
api_trim(const char **s, size_t *n)
{
	while (*n > 0 && api_is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && api_is_space((*s)[*n - 1]))
		(*n)--;
}

static bool
api_blank(const char *s, size_t n)
{
	if (s == NULL)
		return true;
	api_trim(&s, &n);
	return n == 0;
}

/* Copy n bytes of src (stopping at a NUL) into dst of size dstn, cutting at
 * a UTF-8 character boundary when it does not fit. */
void
api_copy(char *dst, size_t dstn, const char *src, size_t n)
{
	const char *nul = memchr(src, '\0', n);

	if (dstn == 0)
		return;
	if (nul != NULL)
		n = (size_t)(nul - src);
	if (n > dstn - 1)
		n = utf8_boundary(src, dstn - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
api_copystr(char *dst, size_t dstn, const char *src)
{
	api_copy(dst, dstn, src, strlen(src));
}

/* ---- UTF-8 repair for strings we send ----------------------------------- */
/* Copy of s with every invalid byte replaced by U+FFFD. NULL on out of memory. */
static char *
api_utf8_fix(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1);

	if (out != NULL)
		utf8_repair(s, n, out, 3 * n + 1);
	return out;
}

/* A JSON string for s, repairing invalid UTF-8. NULL on out of memory. */
static json_t *
api_json_str(const char *s)
{
	json_t *v = json_string(s);
	char *fixed;

	if (v != NULL)
		return v;
	fixed = api_utf8_fix(s);
	if (fixed == NULL)
		return NULL;
	v = json_string(fixed);
	free(fixed);
	return v;
}

static json_t *
api_json_strv(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		if (v[i] == NULL)
			continue;
		if (json_array_append_new(a, api_json_str(v[i])) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/* Set o[key] = v, taking v. -1 when v is NULL or on out of memory. */
static int
api_put(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, key, v);
}

/* ---- the endpoints ------------------------------------------------------ */
static enum patrol_status api_call_tm_get(struct call *, const char *, size_t);
static enum patrol_status api_call_tm_update(struct call *, const char *, size_t);
static enum patrol_status api_call_created(struct call *, const char *, size_t);
static enum patrol_status api_call_created_obo(struct call *, const char *, size_t);
static enum patrol_status api_call_conf(struct call *, const char *, size_t);
static enum patrol_status api_call_me(struct call *, const char *, size_t);
static enum patrol_status api_call_perms(struct call *, const char *, size_t);

struct api_endpoint {
	const char *method;
	const char *path;         /* "{id}" is replaced by the encoded id */
	enum call_retry retry;
	bool mutating;
	bool has_body;
	call_parse_fn parse;      /* NULL: void call, the body is ignored */
	bool secret_answer;       /* the answer holds a new token's secret */
	const struct call_stream *stream;   /* a 2xx answer streams (the lists) */
};

#define IDEMPOTENT CALL_RETRY_IDEMPOTENT
#define TM_PATH "/api/2.0/token-management/tokens"
/* OAUTH_DISCOVER and OAUTH_TOKEN are built by the worker (other hosts, form
 * bodies); they have no row here. */
static const struct api_endpoint api_endpoints[API_OP_COUNT] = {
	[API_TOKEN_CREATE] = { "POST", "/api/2.0/token/create",
	    CALL_RETRY_CREATE, true, true, api_call_created, true },
	[API_TOKEN_LIST] = { "GET", "/api/2.0/token/list",
	    IDEMPOTENT, false, false, api_list_parse_call, false, &api_list_stream },
	[API_TOKEN_DELETE] = { "POST", "/api/2.0/token/delete",
	    CALL_RETRY_REVOKE, true, true, NULL },
	[API_TOKEN_UPDATE] = { "PATCH", "/api/2.0/token/{id}",
	    IDEMPOTENT, true, true, NULL },
	[API_TM_LIST] = { "GET", TM_PATH,
	    IDEMPOTENT, false, false, api_list_parse_call, false, &api_list_stream },
	[API_TM_GET] = { "GET", TM_PATH "/{id}",
	    IDEMPOTENT, false, false, api_call_tm_get },
	[API_TM_DELETE] = { "DELETE", TM_PATH "/{id}",
	    CALL_RETRY_REVOKE, true, false, NULL },
	[API_TM_UPDATE] = { "PATCH", TM_PATH "/{id}",
	    IDEMPOTENT, true, true, api_call_tm_update },
	[API_TM_CREATE_OBO] = { "POST", "/api/2.0/token-management/on-behalf-of/tokens",
	    CALL_RETRY_CREATE, true, true, api_call_created_obo, true },
	[API_CONF_GET] = { "GET",
	    "/api/2.0/workspace-conf?keys=maxTokenLifetimeDays,enableTokensConfig",
	    IDEMPOTENT, false, false, api_call_conf },
	[API_CONF_SET] = { "PATCH", "/api/2.0/workspace-conf",
	    IDEMPOTENT, true, true, NULL },
	[API_SCIM_ME] = { "GET", "/api/2.0/preview/scim/v2/Me",
	    IDEMPOTENT, false, false, api_call_me },
	[API_PERM_GET] = { "GET", "/api/2.0/permissions/authorization/tokens",
	    IDEMPOTENT, false, false, api_call_perms },
	[API_PERM_UPDATE] = { "PATCH", "/api/2.0/permissions/authorization/tokens",
	    IDEMPOTENT, true, true, api_call_perms },
	[API_PERM_SET] = { "PUT", "/api/2.0/permissions/authorization/tokens",
	    IDEMPOTENT, true, true, api_call_perms },
};
#undef IDEMPOTENT
#undef TM_PATH

/* The path of e with id encoded in and ?query appended (if non-empty). */
static char *
api_path(const struct api_endpoint *e, const char *id, const char *query)
{
	const char *hole = strstr(e->path, "{id}");
	struct buf b;
	int rc;

	/* Encoded, an id is one path segment, except "." and "..", which a URL
	 * parser removes (.../tokens/.. names the collection): never sent. */
	if (hole != NULL && (id == NULL || *id == '\0' || strcmp(id, ".") == 0 ||
			     strcmp(id, "..") == 0))
		return NULL;
	buf_init(&b, 0);
	if (hole == NULL)
		rc = buf_addstr(&b, e->path);
	else {
		rc = buf_add(&b, e->path, (size_t)(hole - e->path));
		rc |= buf_addenc(&b, id);
		rc |= buf_addstr(&b, hole + 4);
	}
	if (query != NULL && *query != '\0')
		rc |= buf_printf(&b, "?%s", query);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* Serialise o compactly into a plain malloc'd string, dropping o. */
static char *
api_dump(json_t *o)
{
	size_t n;
	char *s = NULL;

	if (o == NULL)
		return NULL;
	n = json_dumpb(o, NULL, 0, JSON_COMPACT);
	if (n > 0 && (s = malloc(n + 1)) != NULL) {
		if (json_dumpb(o, s, n, JSON_COMPACT) != n) {
			free(s);
			s = NULL;
		} else
			s[n] = '\0';
	}
	json_decref(o);
	return s;
}

/* Make the call for op from its table row. Takes body (NULL: none or out of
 * memory, told apart by the row). */
static struct call *
api_call_make(int op, const char *id, const char *query, json_t *body)
{
	const struct api_endpoint *e = &api_endpoints[op];
	struct call *c = NULL;
	char *json = NULL, *path;

	if (e->has_body && (json = api_dump(body)) == NULL)
		return NULL;
	if (!e->has_body)
		json_decref(body);
	path = api_path(e, id, query);
	if (path != NULL)
		c = call_new(op, e->method, path);
	free(path);
	if (c == NULL) {
		secret_free(json);
		return NULL;
	}
	c->body = json;
	c->retry = e->retry;
	c->mutating = e->mutating;
	c->parse = e->parse;
	c->secret_answer = e->secret_answer;
	c->stream = e->stream;
	return c;
}

/* ---- builders ----------------------------------------------------------- */
/* The create body: only what is set (never lifetime_seconds <= 0). */
static json_t *
api_create_body(const struct api_create_params *p, bool obo)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (obo)
		rc |= api_put(o, "application_id", api_json_str(p->application_id));
	if (p->comment != NULL)
		rc |= api_put(o, "comment", api_json_str(p->comment));
	if (p->lifetime_seconds > 0)
		rc |= api_put(o, "lifetime_seconds", json_integer(p->lifetime_seconds));
	if (p->scopes != NULL && p->nscopes > 0)
		rc |= api_put(o, "scopes", api_json_strv(p->scopes, p->nscopes));
	if (p->autoscope)
		rc |= api_put(o, "autoscope_enabled", json_true());
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct call *
api_token_create(const struct api_create_params *p)
{
	if (p == NULL)
		return NULL;
	return api_call_make(API_TOKEN_CREATE, NULL, NULL, api_create_body(p, false));
}

/* Returns NULL as well when application_id is missing. */
struct call *
api_tm_create_obo(const struct api_create_params *p)
{
	if (p == NULL || p->application_id == NULL || *p->application_id == '\0')
		return NULL;
	return api_call_make(API_TM_CREATE_OBO, NULL, NULL, api_create_body(p, true));
}

struct call *
api_token_list(void)
{
	return api_call_make(API_TOKEN_LIST, NULL, NULL, NULL);
}

struct call *
api_token_delete(const char *token_id)
{
	json_t *o;

	if (token_id == NULL || *token_id == '\0')
		return NULL;
	o = json_object();
	if (o != NULL && api_put(o, "token_id", api_json_str(token_id)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return api_call_make(API_TOKEN_DELETE, NULL, NULL, o);
}

void
api_update_mask(const struct api_update_params *p, char *out, size_t n)
{
	const char *mask = "";

	if (n == 0)
		return;
	if (p != NULL && p->comment != NULL)
		mask = p->set_scopes ? "comment,scopes" : "comment";
	else if (p != NULL && p->set_scopes)
		mask = "scopes";
	snprintf(out, n, "%s", mask);
}

/* {"token":{"comment":…,"scopes":[…]},"update_mask":"…"}, naming only what changes. */
static json_t *
api_update_body(const struct api_update_params *p)
{
	json_t *o = json_object(), *tok = json_object();
	char mask[32];
	int rc = 0;

	if (o == NULL || tok == NULL) {
		json_decref(o);
		json_decref(tok);
		return NULL;
	}
	if (p->comment != NULL)
		rc |= api_put(tok, "comment", api_json_str(p->comment));
	if (p->set_scopes)
		rc |= api_put(tok, "scopes", api_json_strv(p->scopes, p->scopes ? p->nscopes : 0));
	api_update_mask(p, mask, sizeof mask);
	rc |= api_put(o, "token", tok);
	rc |= api_put(o, "update_mask", json_string(mask));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct call *
api_token_update(const char *token_id, const struct api_update_params *p)
{
	if (p == NULL || token_id == NULL || *token_id == '\0')
		return NULL;
	return api_call_make(API_TOKEN_UPDATE, token_id, NULL, api_update_body(p));
}

struct call *
api_tm_update(const char *token_id, const struct api_update_params *p)
{
	if (p == NULL || token_id == NULL || *token_id == '\0')
		return NULL;
	return api_call_make(API_TM_UPDATE, token_id, NULL, api_update_body(p));
}

/* Append "&name=value" (no "&" first) when value is set. */
static int
api_query_add(struct buf *b, const char *name, const char *value)
{
	int rc = 0;

	if (value == NULL || *value == '\0')
		return 0;
	if (b->len > 0)
		rc = buf_addstr(b, "&");
	rc |= buf_printf(b, "%s=", name);
	rc |= buf_addenc(b, value);
	return rc;
}

/* An empty filter (NULL or "") is omitted. */
struct call *
api_tm_list(const char *created_by_id, const char *created_by_username)
{
	struct call *c = NULL;
	struct buf q;
	int rc;

	buf_init(&q, 0);
	rc = api_query_add(&q, "created_by_id", created_by_id);
	rc |= api_query_add(&q, "created_by_username", created_by_username);
	if (rc == 0)
		c = api_call_make(API_TM_LIST, NULL, q.data, NULL);
	buf_free(&q);
	return c;
}

struct call *
api_tm_get(const char *token_id)
{
	return api_call_make(API_TM_GET, token_id, NULL, NULL);
}

struct call *
api_tm_delete(const char *token_id)
{
	return api_call_make(API_TM_DELETE, token_id, NULL, NULL);
}

struct call *
api_perm_get(void)
{
	return api_call_make(API_PERM_GET, NULL, NULL, NULL);
}

/* {"access_control_list":[{KEY: name, "permission_level": level}…]} */
static json_t *
api_perm_body(const struct api_perm_grant *v, size_t n)
{
	json_t *acl = json_array(), *o = json_object();
	size_t i;
	int rc = acl == NULL || o == NULL;

	for (i = 0; rc == 0 && i < n; i++)
		rc = json_array_append_new(acl, json_pack("{s:s,s:s}",
		    api_principal_key(v[i].kind), v[i].name, "permission_level", v[i].level));
	if (rc != 0 || json_object_set_new(o, "access_control_list", acl) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct call *
api_perm_update(const struct api_perm_grant *v, size_t n)
{
	return api_call_make(API_PERM_UPDATE, NULL, NULL, api_perm_body(v, n));
}

struct call *
api_perm_set(const struct api_perm_grant *v, size_t n)
{
	return api_call_make(API_PERM_SET, NULL, NULL, api_perm_body(v, n));
}

struct call *
api_conf_get(void)
{
	return api_call_make(API_CONF_GET, NULL, NULL, NULL);
}

/* A NULL value is sent as null. */
struct call *
api_conf_set(const char *key, const char *value)
{
	json_t *o;

	if (key == NULL || *key == '\0')
		return NULL;
	o = json_object();
	if (o != NULL && api_put(o, key, value ? api_json_str(value) : json_null()) != 0) {
		json_decref(o);
		o = NULL;
	}
	return api_call_make(API_CONF_SET, NULL, NULL, o);
}

struct call *
api_scim_me(void)
{
	return api_call_make(API_SCIM_ME, NULL, NULL, NULL);
}

/* ---- parsing helpers ---------------------------------------------------- */
/* Parse body as a JSON object, or fill err. */
static json_t *
api_load(const char *body, size_t len, struct patrol_err *err)
{
	json_error_t je;
	json_t *root;

	if (api_blank(body, len)) {
		status_set(err, PATROL_PROTOCOL, "empty answer where JSON was expected");
		return NULL;
	}
	/* a key twice in one object is ambiguous (which one is the id?): refused */
	root = json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (root == NULL && json_error_code(&je) == json_error_out_of_memory) {
		status_set(err, PATROL_NOMEM, "out of memory parsing the answer");
		return NULL;
	}
	if (root == NULL && json_error_code(&je) == json_error_duplicate_key) {
		status_set(err, PATROL_PROTOCOL, "the answer names a key twice in one object "
		    "(line %d, column %d): refusing an ambiguous answer", je.line, je.column);
		return NULL;
	}
	if (root == NULL) {
		/* Position only: the text near the error may be a secret. */
		status_set(err, PATROL_PROTOCOL, "malformed JSON at line %d, column %d",
		    je.line, je.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		status_set(err, PATROL_PROTOCOL, "expected a JSON object, got %s",
		    api_type_name(root));
		json_decref(root);
		return NULL;
	}
	return root;
}

/* api_load for an answer holding a secret: what jansson allocates for it
 * is wiped when freed (secret.h). */
static json_t *
api_load_secret(const char *body, size_t len, struct patrol_err *err)
{
	json_t *root;

	secret_json_begin();
	root = api_load(body, len, err);
	secret_json_end();
	return root;
}

enum patrol_status
api_wrong_json_type(const char *name, const char *want, json_type got, struct patrol_err *err)
{
	return status_set(err, PATROL_PROTOCOL, "field \"%s\": expected %s, got %s",
	    name, want, api_json_type_name(got));
}

static enum patrol_status
api_wrong_type(const char *name, const char *want, const json_t *v, struct patrol_err *err)
{
	return api_wrong_json_type(name, want, json_typeof(v), err);
}

enum patrol_status
api_nomem(struct patrol_err *err)
{
	return status_set(err, PATROL_NOMEM, "out of memory parsing the answer");
}

/* o[key], or NULL when absent or null. */
static json_t *
api_get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static enum patrol_status
api_str_dup(const json_t *v, const char *name, char **out, struct patrol_err *err)
{
	if (!json_is_string(v))
		return api_wrong_type(name, "a string", v, err);
	*out = strdup(json_string_value(v));
	return *out ? PATROL_OK : api_nomem(err);
}

bool
api_parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long x;

	if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+'))
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	*out = x;
	return true;
}

/* An int64 sent as an integer, a whole number or a decimal string. */
static enum patrol_status
api_i64(const json_t *v, const char *name, int64_t *out, struct patrol_err *err)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return PATROL_OK;
	}
	if (json_is_string(v) && api_parse_i64(json_string_value(v), out))
		return PATROL_OK;
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return PATROL_OK;
		}
	}
	return api_wrong_type(name, "an integer", v, err);
}

static void
api_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* A scalar as a string: strings as they are, integers and booleans printed. */
static enum patrol_status
api_scalar(const json_t *v, const char *name, char **out, struct patrol_err *err)
{
	char num[32];

	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*out = strdup(num);
	} else if (json_is_boolean(v))
		*out = strdup(json_is_true(v) ? "true" : "false");
	else
		return api_str_dup(v, name, out, err);
	return *out ? PATROL_OK : api_nomem(err);
}

/* ---- TokenInfo fields --------------------------------------------------- */
#define TI(m) offsetof(struct token_info, m)
const struct api_field api_fields[] = {
	{ "token_id",            API_F_ID,     0,                       0,                    false },
	{ "creation_time",       API_F_I64,    TI(creation_time),       0,                    false },
	{ "expiry_time",         API_F_EXPIRY, TI(expiry_time),         0,                    false },
	{ "comment",             API_F_STR,    0,                       TOKEN_TEXT_COMMENT,   false },
	{ "scopes",              API_F_STRV,   0,                       TOKEN_LIST_SCOPES,    false },
	{ "autoscope_state",     API_F_STR,    0,                       TOKEN_TEXT_AUTOSCOPE, false },
	{ "inferred_scopes",     API_F_STRV,   0,                       TOKEN_LIST_INFERRED,  false },
	{ "backfill_scopes",     API_F_STRV,   0,                       TOKEN_LIST_BACKFILL,  false },
	{ "last_accessed_time",  API_F_I64,    TI(last_accessed_time),  0,                    false },
	{ "created_by_id",       API_F_I64,    TI(created_by_id),       0,                    true },
	{ "created_by_username", API_F_STR,    0,                       TOKEN_TEXT_OWNER,     true },
	{ "owner_id",            API_F_I64,    TI(owner_id),            0,                    true },
	{ "last_used_day",       API_F_I64,    TI(last_used_day),       0,                    true },
	{ "workspace_id",        API_F_I64,    TI(workspace_id),        0,                    true },
};
#undef TI
#define API_NFIELDS (sizeof api_fields / sizeof api_fields[0])
const size_t api_nfields = API_NFIELDS;

int64_t *
api_member(struct token_info *t, size_t off)
{
	return (int64_t *)(void *)((char *)t + off);
}

static const int64_t *
api_cmember(const struct token_info *t, size_t off)
{
	return (const int64_t *)(const void *)((const char *)t + off);
}

/* True when s is a plausible id or secret: 1..max printable ASCII characters
 * with no space. Such strings are printed and put into URLs: anything else
 * is a protocol error, not something to escape. */
static bool
api_plain_token(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* Where a parsed field goes: a row of a table (which keeps its strings). */
struct api_row {
	struct token_table *tab;
	struct token_info *t;
};

enum patrol_status
api_bad_id(const struct api_field *f, struct patrol_err *err)
{
	return status_set(err, PATROL_PROTOCOL, "%s is not a token id (1 to %d letters, "
			  "digits, - or _)", f->name, TOKEN_ID_LEN);
}

static enum patrol_status
api_field_id(const json_t *v, const struct api_field *f, struct api_row *r,
    struct patrol_err *err)
{
	if (!json_is_string(v))
		return api_wrong_type(f->name, "a string", v, err);
	switch (token_set_id(r->tab, r->t, json_string_value(v), json_string_length(v))) {
	case 0:
		return PATROL_OK;
	case -1:
		return api_nomem(err);
	}
	return api_bad_id(f, err);      /* a NUL in it too: no id has one */
}

static enum patrol_status
api_field_str(const json_t *v, const struct api_field *f, struct api_row *r,
    struct patrol_err *err)
{
	if (!json_is_string(v))
		return api_wrong_type(f->name, "a string", v, err);
	if (token_set_text(r->tab, r->t, (enum token_text)f->which, json_string_value(v),
	    json_string_length(v)) != 0)
		return api_nomem(err);
	return PATROL_OK;
}

static enum patrol_status
api_field_i64(const json_t *v, const struct api_field *f, struct api_row *r,
    struct patrol_err *err)
{
	return api_i64(v, f->name, api_member(r->t, f->off), err);
}

/* An array of strings; items that are not strings are skipped. */
static enum patrol_status
api_field_strv(const json_t *v, const struct api_field *f, struct api_row *r,
    struct patrol_err *err)
{
	const char *small[16], **s = small;
	size_t i, cnt = 0, size;
	size_t lens[16], *l = lens;
	int rc;

	if (!json_is_array(v))
		return api_wrong_type(f->name, "an array", v, err);
	size = json_array_size(v);
	if (size > sizeof small / sizeof small[0] &&
	    ((s = malloc(size * sizeof *s)) == NULL || (l = malloc(size * sizeof *l)) == NULL)) {
		if (s != small)
			free(s);
		return api_nomem(err);
	}
	for (i = 0; i < size; i++) {
		if (!json_is_string(json_array_get(v, i)))
			continue;
		s[cnt] = json_string_value(json_array_get(v, i));
		l[cnt++] = json_string_length(json_array_get(v, i));
	}
	rc = token_set_list(r->tab, r->t, (enum token_list)f->which, s, l, cnt);
	if (s != small) {
		free(s);
		free(l);
	}
	return rc == 0 ? PATROL_OK : api_nomem(err);
}

/* Output: whether the member of t named by f is written (absent fields are
 * omitted, as the SDKs do), and its value into v, a JSON value of the
 * field's type (a string, an integer, an array) that is overwritten: so one
 * object serves row after row (api_json_rows). 0 or -1. */
static bool
api_has_id(const struct api_field *f, const struct token_info *t)
{
	return token_has_id(t);
}

static bool
api_has_str(const struct api_field *f, const struct token_info *t)
{
	const char *s = token_text(t, (enum token_text)f->which);

	return s != NULL && *s != '\0';
}

static bool
api_has_i64(const struct api_field *f, const struct token_info *t)
{
	return *api_cmember(t, f->off) != 0;
}

/* expiry_time is always there: -1 for a token that never expires. */
static bool
api_has_always(const struct api_field *f, const struct token_info *t)
{
	return true;
}

static bool
api_has_strv(const struct api_field *f, const struct token_info *t)
{
	return token_list_n(t, (enum token_list)f->which) > 0;
}

/* Set string v to s, repairing invalid UTF-8 (the model's strings are
 * valid; this is for any that are not). Plain ASCII, most of them, is
 * valid as it is: jansson need not check it again. */
static int
api_set_str(json_t *v, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *fixed;
	int rc;

	while (*p != '\0' && *p < 0x80)
		p++;
	if (*p == '\0')
		return json_string_setn_nocheck(v, s, (size_t)(p - (const unsigned char *)s));
	if (json_string_set(v, s) == 0)
		return 0;
	if ((fixed = api_utf8_fix(s)) == NULL)
		return -1;
	rc = json_string_set(v, fixed);
	free(fixed);
	return rc;
}

static int
api_fill_id(json_t *v, const struct api_field *f, const struct token_info *t)
{
	char id[TOKEN_ID_LEN + 1];

	return api_set_str(v, token_id_hex(t, id));
}

static int
api_fill_str(json_t *v, const struct api_field *f, const struct token_info *t)
{
	return api_set_str(v, token_text(t, (enum token_text)f->which));
}

static int
api_fill_i64(json_t *v, const struct api_field *f, const struct token_info *t)
{
	return json_integer_set(v, *api_cmember(t, f->off));
}

static int
api_fill_expiry(json_t *v, const struct api_field *f, const struct token_info *t)
{
	const int64_t *x = api_cmember(t, f->off);

	return json_integer_set(v, *x > 0 ? *x : -1);
}

static int
api_fill_strv(json_t *v, const struct api_field *f, const struct token_info *t)
{
	enum token_list which = (enum token_list)f->which;
	size_t i, n = token_list_n(t, which);

	if (json_array_size(v) == n) {           /* as long as the last row's: refill */
		for (i = 0; i < n; i++)
			if (api_set_str(json_array_get(v, i), token_list_at(t, which, i)) != 0)
				return -1;
		return 0;
	}
	if (json_array_clear(v) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(v, api_json_str(token_list_at(t, which, i))) != 0)
			return -1;
	return 0;
}

static json_t *
api_new_str(void)
{
	return json_string("");
}

static json_t *
api_new_int(void)
{
	return json_integer(0);
}

static const struct {
	enum patrol_status (*parse)(const json_t *, const struct api_field *,
	    struct api_row *, struct patrol_err *);
	bool (*has)(const struct api_field *, const struct token_info *);
	json_t *(*make)(void);    /* a value of the type, to fill */
	int (*fill)(json_t *, const struct api_field *, const struct token_info *);
} api_ftypes[] = {
	[API_F_ID] =     { api_field_id,   api_has_id,     api_new_str, api_fill_id },
	[API_F_STR] =    { api_field_str,  api_has_str,    api_new_str, api_fill_str },
	[API_F_I64] =    { api_field_i64,  api_has_i64,    api_new_int, api_fill_i64 },
	[API_F_EXPIRY] = { api_field_i64,  api_has_always, api_new_int, api_fill_expiry },
	[API_F_STRV] =   { api_field_strv, api_has_strv,   json_array,  api_fill_strv },
};

/* Fill row (zeroed first) of tab from the TokenInfo object o. */
static enum patrol_status
api_token_fields(const json_t *o, bool management, struct token_table *tab,
    struct token_info *row, struct patrol_err *err)
{
	struct api_row r = { tab, row };
	const struct api_field *f;
	enum patrol_status st;
	json_t *v;

	memset(row, 0, sizeof *row);
	row->management = management;
	for (f = api_fields; f < api_fields + API_NFIELDS; f++) {
		if (f->management && !management)
			continue;
		if ((v = api_get(o, f->name)) == NULL)
			continue;
		st = api_ftypes[f->type].parse(v, f, &r, err);
		if (st != PATROL_OK) {
			memset(row, 0, sizeof *row);
			return st;
		}
	}
	return PATROL_OK;
}

/* The TokenInfo in root: root["token_info"] when it is there, else root. */
static enum patrol_status
api_unwrap(const json_t *root, const json_t **info, struct patrol_err *err)
{
	json_t *v = api_get(root, "token_info");

	if (v == NULL) {
		*info = root;
		return PATROL_OK;
	}
	if (!json_is_object(v))
		return api_wrong_type("token_info", "an object", v, err);
	*info = v;
	return PATROL_OK;
}

/* ---- parsers ------------------------------------------------------------ */
/* The token list is api_list.c's (it streams). */

/* out is overwritten: one row on success, empty on failure. */
enum patrol_status
api_parse_token_info(const char *body, size_t len, bool management,
    struct token_table *out, struct patrol_err *err)
{
	const json_t *info = NULL;
	struct token_info *row;
	enum patrol_status st;
	json_t *root;

	memset(out, 0, sizeof *out);
	if ((root = api_load(body, len, err)) == NULL)
		return err->status;
	st = api_unwrap(root, &info, err);
	if (st == PATROL_OK && (row = token_table_push(out)) == NULL)
		st = api_nomem(err);
	else if (st == PATROL_OK)
		st = api_token_fields(info, management, out, row, err);
	json_decref(root);
	if (st != PATROL_OK)
		token_table_free(out);
	return st;
}

static enum patrol_status
api_created_fields(const json_t *root, bool management, struct api_created *out,
    struct patrol_err *err)
{
	json_t *v = api_get(root, "token_value");
	json_t *info = api_get(root, "token_info");
	struct token_info *row;

	if (!json_is_string(v) || json_string_length(v) == 0)
		return status_set(err, PATROL_PROTOCOL, "no token_value in the answer");
	if (!api_plain_token(json_string_value(v), json_string_length(v), 4096))
		return status_set(err, PATROL_PROTOCOL, "token_value holds characters a token "
				  "cannot have");
	if (info != NULL && !json_is_object(info))
		return api_wrong_type("token_info", "an object", info, err);
	if ((row = token_table_push(&out->tab)) == NULL)
		return api_nomem(err);
	row->management = management;
	if (info != NULL && api_token_fields(info, management, &out->tab, row, err) != PATROL_OK)
		return err->status;
	if ((out->token_value = secret_strdup(json_string_value(v))) == NULL)
		return api_nomem(err);
	return PATROL_OK;
}

/* Any failure is PATROL_UNKNOWN_OUTCOME: the server said 200, so a token was
 * probably made, and its secret is lost. */
enum patrol_status
api_parse_created(const char *body, size_t len, bool management,
    struct api_created *out, struct patrol_err *err)
{
	enum patrol_status st;
	json_t *root;
	char why[sizeof err->message];

	memset(out, 0, sizeof *out);
	root = api_load_secret(body, len, err);
	st = root ? api_created_fields(root, management, out, err) : err->status;
	json_decref(root);
	if (st == PATROL_OK)
		return st;
	token_table_free(&out->tab);
	api_copystr(why, sizeof why, err->message);
	return status_set(err, PATROL_UNKNOWN_OUTCOME,
	    "the token was probably created, but the answer could not be read (%s); "
	    "its secret cannot be recovered", why);
}

static bool
api_group_is(const json_t *g, const char *name)
{
	json_t *d = json_object_get(g, "display");

	return json_is_string(d) && strcmp(json_string_value(d), name) == 0;
}

/* Display names of the groups (entries without one are skipped). */
static enum patrol_status
api_me_groups(const json_t *a, struct api_me *out, struct patrol_err *err)
{
	size_t i;
	json_t *d;

	if (!json_is_array(a))
		return api_wrong_type("groups", "an array", a, err);
	if (json_array_size(a) == 0)
		return PATROL_OK;
	out->groups = calloc(json_array_size(a), sizeof *out->groups);
	if (out->groups == NULL)
		return api_nomem(err);
	for (i = 0; i < json_array_size(a); i++) {
		d = json_object_get(json_array_get(a, i), "display");
		if (!json_is_string(d))
			continue;
		if ((out->groups[out->ngroups] = strdup(json_string_value(d))) == NULL)
			return api_nomem(err);
		out->ngroups++;
		out->is_admin |= api_group_is(json_array_get(a, i), "admins");
	}
	return PATROL_OK;
}

static void
api_me_clear(struct api_me *m)
{
	free(m->id);
	free(m->user_name);
	free(m->display_name);
	api_strv_free(m->groups, m->ngroups);
	memset(m, 0, sizeof *m);
}

static enum patrol_status
api_me_fields(const json_t *root, struct api_me *out, struct patrol_err *err)
{
	json_t *v;

	enum patrol_status st = PATROL_OK;

	if ((v = api_get(root, "id")) != NULL)
		st = api_scalar(v, "id", &out->id, err);
	if (st == PATROL_OK && (v = api_get(root, "userName")) != NULL)
		st = api_str_dup(v, "userName", &out->user_name, err);
	if (st == PATROL_OK && (v = api_get(root, "displayName")) != NULL)
		st = api_str_dup(v, "displayName", &out->display_name, err);
	if (st == PATROL_OK && (v = api_get(root, "groups")) != NULL)
		st = api_me_groups(v, out, err);
	return st;
}

enum patrol_status
api_parse_me(const char *body, size_t len, struct api_me *out, struct patrol_err *err)
{
	enum patrol_status st;
	json_t *root;

	memset(out, 0, sizeof *out);
	if ((root = api_load(body, len, err)) == NULL)
		return err->status;
	st = api_me_fields(root, out, err);
	json_decref(root);
	if (st != PATROL_OK)
		api_me_clear(out);
	return st;
}

/* Values are strings; numbers and booleans are accepted and printed. */
enum patrol_status
api_parse_conf(const char *body, size_t len, struct api_conf *out, struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	json_t *root, *v;

	memset(out, 0, sizeof *out);
	if ((root = api_load(body, len, err)) == NULL)
		return err->status;
	if ((v = api_get(root, "maxTokenLifetimeDays")) != NULL)
		st = api_scalar(v, "maxTokenLifetimeDays", &out->max_token_lifetime_days, err);
	if (st == PATROL_OK && (v = api_get(root, "enableTokensConfig")) != NULL)
		st = api_scalar(v, "enableTokensConfig", &out->enable_tokens_config, err);
	json_decref(root);
	if (st != PATROL_OK) {
		free(out->max_token_lifetime_days);
		free(out->enable_tokens_config);
		memset(out, 0, sizeof *out);
	}
	return st;
}

/* ---- token permissions ----------------------------------------------------- */

struct api_principal_row {
	const char *key;
	const char *words;
};
#define API_PRINCIPAL_ROW(e, key, words) { key, words },
static const struct api_principal_row api_principal_rows[] = { API_PRINCIPALS(API_PRINCIPAL_ROW) };
#undef API_PRINCIPAL_ROW

const char *
api_principal_key(enum api_principal k)
{
	return (unsigned)k < API_PRINCIPAL_COUNT ? api_principal_rows[k].key : "";
}

const char *
api_principal_words(enum api_principal k)
{
	return (unsigned)k < API_PRINCIPAL_COUNT ? api_principal_rows[k].words : "";
}

static const struct {
	const char *prefix;
	enum api_principal kind;
} api_perm_prefixes[] = {
	{ "user:", API_PRINCIPAL_USER }, { "group:", API_PRINCIPAL_GROUP },
	{ "sp:", API_PRINCIPAL_SP }, { "service-principal:", API_PRINCIPAL_SP },
};

/* 8-4-4-4-12 hex digits: an application id. */
static bool
api_perm_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		if (s[i] == '\0' || (shape[i] == '-' ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i])))
			return false;
	return s[i] == '\0';
}

void
api_perm_target(const char *arg, const struct api_perms *perms, enum api_principal *kind,
		const char **name)
{
	size_t i, len;

	*name = arg;
	for (i = 0; i < sizeof api_perm_prefixes / sizeof api_perm_prefixes[0]; i++) {
		len = strlen(api_perm_prefixes[i].prefix);
		if (strncmp(arg, api_perm_prefixes[i].prefix, len) == 0) {
			*kind = api_perm_prefixes[i].kind;
			*name = arg + len;
			return;
		}
	}
	for (i = 0; perms != NULL && i < perms->n; i++)
		if (strcmp(perms->v[i].name, arg) == 0) {
			*kind = perms->v[i].kind;
			return;
		}
	*kind = strchr(arg, '@') != NULL ? API_PRINCIPAL_USER :
		api_perm_uuid(arg) ? API_PRINCIPAL_SP : API_PRINCIPAL_GROUP;
}

const struct api_perm_level *
api_perm_direct(const struct api_perms *perms, enum api_principal kind, const char *name,
		const struct api_perm_level **inherited)
{
	const struct api_perm_level *direct = NULL;
	const struct api_perm_entry *e;
	size_t i, j;

	if (inherited != NULL)
		*inherited = NULL;
	for (i = 0; perms != NULL && i < perms->n; i++) {
		e = &perms->v[i];
		if (e->kind != kind || strcmp(e->name, name) != 0)
			continue;
		for (j = 0; j < e->n; j++) {
			if (!e->v[j].inherited && direct == NULL)
				direct = &e->v[j];
			else if (e->v[j].inherited && inherited != NULL && *inherited == NULL)
				*inherited = &e->v[j];
		}
	}
	return direct;
}

/* inherited_from_object: strings, joined with commas into *out. */
static enum patrol_status
api_perm_from(const json_t *v, char **out, struct patrol_err *err)
{
	struct buf b;
	const json_t *s;
	size_t i;

	if (!json_is_array(v))
		return api_wrong_type("inherited_from_object", "an array", v, err);
	buf_init(&b, 64 * 1024);
	json_array_foreach(v, i, s) {
		if (!json_is_string(s)) {
			buf_free(&b);
			return api_wrong_type("inherited_from_object[]", "a string", s, err);
		}
		if (buf_printf(&b, "%s%s", i ? "," : "", json_string_value(s)) != 0) {
			buf_free(&b);
			return api_nomem(err);
		}
	}
	*out = b.len > 0 ? buf_take(&b) : NULL;
	buf_free(&b);
	return PATROL_OK;
}

static enum patrol_status
api_perm_level(const json_t *o, struct api_perm_level *l, struct patrol_err *err)
{
	enum patrol_status st;
	json_t *v;

	if (!json_is_object(o))
		return api_wrong_type("all_permissions[]", "an object", o, err);
	if ((v = api_get(o, "permission_level")) == NULL)
		return status_set(err, PATROL_PROTOCOL, "a permission without permission_level");
	if ((st = api_str_dup(v, "permission_level", &l->level, err)) != PATROL_OK)
		return st;
	if ((v = api_get(o, "inherited")) != NULL && !json_is_boolean(v))
		return api_wrong_type("inherited", "a boolean", v, err);
	l->inherited = json_is_true(v);
	if ((v = api_get(o, "inherited_from_object")) != NULL)
		return api_perm_from(v, &l->from, err);
	return PATROL_OK;
}

/* Which principal an entry names: exactly one of the keys. */
static enum patrol_status
api_perm_principal(const json_t *o, struct api_perm_entry *e, struct patrol_err *err)
{
	int k, found = 0;
	json_t *v;

	for (k = 0; k < API_PRINCIPAL_COUNT; k++) {
		if ((v = api_get(o, api_principal_rows[k].key)) == NULL)
			continue;
		if (found++ > 0)
			return status_set(err, PATROL_PROTOCOL, "an access control entry names "
			    "more than one principal");
		e->kind = (enum api_principal)k;
		if (api_str_dup(v, api_principal_rows[k].key, &e->name, err) != PATROL_OK)
			return err->status;
	}
	if (found == 0)
		return status_set(err, PATROL_PROTOCOL, "an access control entry names no "
		    "user_name, group_name or service_principal_name");
	return PATROL_OK;
}

static enum patrol_status
api_perm_entry(const json_t *o, struct api_perm_entry *e, struct patrol_err *err)
{
	enum patrol_status st;
	json_t *v, *p;
	size_t i;

	if (!json_is_object(o))
		return api_wrong_type("access_control_list[]", "an object", o, err);
	if ((st = api_perm_principal(o, e, err)) != PATROL_OK)
		return st;
	if ((v = api_get(o, "display_name")) != NULL &&
	    (st = api_str_dup(v, "display_name", &e->display, err)) != PATROL_OK)
		return st;
	if ((v = api_get(o, "all_permissions")) == NULL)
		return PATROL_OK;
	if (!json_is_array(v))
		return api_wrong_type("all_permissions", "an array", v, err);
	if ((e->v = calloc(json_array_size(v) + 1, sizeof *e->v)) == NULL)
		return api_nomem(err);
	json_array_foreach(v, i, p) {
		if ((st = api_perm_level(p, &e->v[i], err)) != PATROL_OK) {
			e->n = i + 1;
			return st;
		}
	}
	e->n = json_array_size(v);
	return PATROL_OK;
}

static void
api_perms_clear(struct api_perms *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->v[i].n; j++) {
			free(p->v[i].v[j].level);
			free(p->v[i].v[j].from);
		}
		free(p->v[i].v);
		free(p->v[i].name);
		free(p->v[i].display);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

void
api_perms_free(struct api_perms *p)
{
	if (p == NULL)
		return;
	api_perms_clear(p);
	free(p);
}

enum patrol_status
api_parse_perms(const char *body, size_t len, struct api_perms *out, struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	json_t *root, *acl, *e;
	size_t i;

	memset(out, 0, sizeof *out);
	if ((root = api_load(body, len, err)) == NULL)
		return err->status;
	acl = api_get(root, "access_control_list");
	if (acl != NULL && !json_is_array(acl))
		st = api_wrong_type("access_control_list", "an array", acl, err);
	else if (json_array_size(acl) > API_PERMS_MAX)
		st = status_set(err, PATROL_TOO_LARGE, "more than %d access control entries",
		    API_PERMS_MAX);
	else if ((out->v = calloc(json_array_size(acl) + 1, sizeof *out->v)) == NULL)
		st = api_nomem(err);
	json_array_foreach(acl, i, e) {
		if (st != PATROL_OK)
			break;
		out->n = i + 1;
		st = api_perm_entry(e, &out->v[i], err);
	}
	json_decref(root);
	if (st != PATROL_OK)
		api_perms_clear(out);
	return st;
}

/* *token_endpoint is malloc'd (free it); NULL on failure. */
enum patrol_status
api_parse_oauth_discovery(const char *body, size_t len, char **token_endpoint,
    struct patrol_err *err)
{
	enum patrol_status st;
	json_t *root, *v;

	*token_endpoint = NULL;
	if ((root = api_load(body, len, err)) == NULL)
		return err->status;
	v = api_get(root, "token_endpoint");
	if (v == NULL || (json_is_string(v) && json_string_length(v) == 0))
		st = status_set(err, PATROL_PROTOCOL, "no token_endpoint in the OAuth discovery answer");
	else
		st = api_str_dup(v, "token_endpoint", token_endpoint, err);
	json_decref(root);
	return st;
}

/* *access_token is a secret (secret_free it); an absent expires_in is 0. */
enum patrol_status
api_parse_oauth_token(const char *body, size_t len, char **access_token,
    int64_t *expires_in_s, struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	json_t *root, *tok, *exp;

	*access_token = NULL;
	*expires_in_s = 0;
	if ((root = api_load_secret(body, len, err)) == NULL)
		return err->status;
	tok = api_get(root, "access_token");
	if (!json_is_string(tok) || json_string_length(tok) == 0)
		st = status_set(err, PATROL_PROTOCOL, "no access_token in the OAuth answer");
	if (st == PATROL_OK && (exp = api_get(root, "expires_in")) != NULL)
		st = api_i64(exp, "expires_in", expires_in_s, err);
	if (st == PATROL_OK && (*access_token = secret_strdup(json_string_value(tok))) == NULL)
		st = api_nomem(err);
	json_decref(root);
	if (st != PATROL_OK)
		*expires_in_s = 0;
	return st;
}

/* ---- call parse functions (run on the worker thread) -------------------- */
void
api_table_free_v(void *p)
{
	api_table_free(p);
}

static void
api_created_free_v(void *p)
{
	api_created_free(p);
}

static void
api_me_free_v(void *p)
{
	api_me_free(p);
}

static void
api_conf_free_v(void *p)
{
	api_conf_free(p);
}

/* A table of one management row (n == 1). With empty_ok (update), an empty
 * body, {} or a row without token_id give n == 0; without it (get) they are
 * an error. */
static enum patrol_status
api_call_one(struct call *c, const char *body, size_t len, bool empty_ok)
{
	struct token_table *t = calloc(1, sizeof *t);

	if (t == NULL)
		return api_nomem(&c->err);
	if (empty_ok && api_blank(body, len))
		goto done;
	if (api_parse_token_info(body, len, true, t, &c->err) != PATROL_OK)
		goto fail;
	if (!token_has_id(&t->rows[0]) && !empty_ok) {
		status_set(&c->err, PATROL_PROTOCOL, "no token_id in the answer");
		goto fail;
	}
	if (!token_has_id(&t->rows[0]))
		token_table_free(t);
done:
	c->result = t;
	c->result_free = api_table_free_v;
	return PATROL_OK;
fail:
	api_table_free(t);
	return c->err.status;
}

static enum patrol_status
api_call_tm_get(struct call *c, const char *body, size_t len)
{
	return api_call_one(c, body, len, false);
}

/* The answer is a bare TokenInfo; {"token_info":…} is accepted too. */
static enum patrol_status
api_call_tm_update(struct call *c, const char *body, size_t len)
{
	return api_call_one(c, body, len, true);
}

static enum patrol_status
api_call_create(struct call *c, const char *body, size_t len, bool management)
{
	struct api_created *r = calloc(1, sizeof *r);

	if (r == NULL)
		return status_set(&c->err, PATROL_UNKNOWN_OUTCOME,
		    "the token was probably created, but the answer could not be read "
		    "(out of memory); its secret cannot be recovered");
	if (api_parse_created(body, len, management, r, &c->err) != PATROL_OK) {
		free(r);
		return c->err.status;
	}
	c->result = r;
	c->result_free = api_created_free_v;
	return PATROL_OK;
}

static enum patrol_status
api_call_created(struct call *c, const char *body, size_t len)
{
	return api_call_create(c, body, len, false);
}

static enum patrol_status
api_call_created_obo(struct call *c, const char *body, size_t len)
{
	return api_call_create(c, body, len, true);
}

static enum patrol_status
api_call_conf(struct call *c, const char *body, size_t len)
{
	struct api_conf *r = calloc(1, sizeof *r);

	if (r == NULL)
		return api_nomem(&c->err);
	if (api_parse_conf(body, len, r, &c->err) != PATROL_OK) {
		free(r);
		return c->err.status;
	}
	c->result = r;
	c->result_free = api_conf_free_v;
	return PATROL_OK;
}

static void
api_perms_free_v(void *p)
{
	api_perms_free(p);
}

static enum patrol_status
api_call_perms(struct call *c, const char *body, size_t len)
{
	struct api_perms *r = calloc(1, sizeof *r);

	if (r == NULL)
		return api_nomem(&c->err);
	if (api_parse_perms(body, len, r, &c->err) != PATROL_OK) {
		free(r);
		return c->err.status;
	}
	c->result = r;
	c->result_free = api_perms_free_v;
	return PATROL_OK;
}

static enum patrol_status
api_call_me(struct call *c, const char *body, size_t len)
{
	struct api_me *r = calloc(1, sizeof *r);

	if (r == NULL)
		return api_nomem(&c->err);
	if (api_parse_me(body, len, r, &c->err) != PATROL_OK) {
		free(r);
		return c->err.status;
	}
	c->result = r;
	c->result_free = api_me_free_v;
	return PATROL_OK;
}

/* ---- output ------------------------------------------------------------- */
/* The fields of t that are written, a bit each. */
static uint32_t
api_token_shape(const struct token_info *t, bool management)
{
	uint32_t shape = 0;
	size_t i;

	for (i = 0; i < API_NFIELDS; i++)
		if ((!api_fields[i].management || management) &&
		    api_ftypes[api_fields[i].type].has(&api_fields[i], t))
			shape |= 1u << i;
	return shape;
}

/* An object with the fields of shape, in api_fields order, each a value of
 * its type (vals[i] borrows field i's). NULL on out of memory. */
static json_t *
api_shape_object(uint32_t shape, json_t **vals)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < API_NFIELDS; i++) {
		vals[i] = NULL;
		if (!(shape & (1u << i)))
			continue;
		vals[i] = api_ftypes[api_fields[i].type].make();
		if (api_put(o, api_fields[i].name, vals[i]) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

/* Fill the values of an object of t's shape. 0 or -1. */
static int
api_shape_fill(json_t **vals, const struct token_info *t)
{
	size_t i;

	for (i = 0; i < API_NFIELDS; i++)
		if (vals[i] != NULL && api_ftypes[api_fields[i].type].fill(vals[i], &api_fields[i], t))
			return -1;
	return 0;
}

json_t *
api_token_to_json(const struct token_info *t, bool management)
{
	json_t *vals[API_NFIELDS], *o = api_shape_object(api_token_shape(t, management), vals);

	if (o != NULL && api_shape_fill(vals, t) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *
api_autoscope_to_json(const struct token_info *t)
{
	struct autoscope_access after;
	int64_t at = token_autoscope_enforce_ms(t);

	token_autoscope_after(t, &after);
	return json_pack("{s:o, s:o, s:b, s:o}",
	    "state", api_json_str(autoscope_state_words(token_autoscope_state(t))),
	    "enforcement_time", at > 0 ? json_integer((json_int_t)at) : json_null(),
	    "will_narrow", token_autoscope_narrows(t),
	    "scopes_after", after.full ? json_null() : api_json_strv(after.v, after.n));
}

/* A few objects, by shape, refilled row after row: objects, keys and hash
 * tables are made once per shape, not once per row. */
#define API_JSON_SHAPES 16
struct api_json_rows {
	bool management;
	size_t next;                 /* the slot a new shape takes */
	struct {
		uint32_t shape;
		json_t *obj;             /* NULL: the slot is free */
		json_t *vals[API_NFIELDS];
	} slot[API_JSON_SHAPES];
};

struct api_json_rows *
api_json_rows_new(bool management)
{
	struct api_json_rows *r = calloc(1, sizeof *r);

	if (r != NULL)
		r->management = management;
	return r;
}

json_t *
api_json_rows_token(struct api_json_rows *r, const struct token_info *t)
{
	uint32_t shape = api_token_shape(t, r->management);
	size_t i;

	for (i = 0; i < API_JSON_SHAPES; i++)
		if (r->slot[i].obj != NULL && r->slot[i].shape == shape)
			break;
	if (i == API_JSON_SHAPES) {
		i = r->next++ % API_JSON_SHAPES;
		json_decref(r->slot[i].obj);
		r->slot[i].shape = shape;
		if ((r->slot[i].obj = api_shape_object(shape, r->slot[i].vals)) == NULL)
			return NULL;
	}
	if (api_shape_fill(r->slot[i].vals, t) != 0)
		return NULL;
	return json_incref(r->slot[i].obj);
}

void
api_json_rows_free(struct api_json_rows *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < API_JSON_SHAPES; i++)
		json_decref(r->slot[i].obj);
	free(r);
}

/* Put s (when set) into o. */
static int
api_put_opt(json_t *o, const char *key, const char *s)
{
	return s != NULL ? api_put(o, key, api_json_str(s)) : 0;
}

json_t *
api_me_to_json(const struct api_me *m)
{
	json_t *o = json_object();
	int rc;

	if (o == NULL)
		return NULL;
	rc = api_put_opt(o, "id", m->id);
	rc |= api_put_opt(o, "userName", m->user_name);
	rc |= api_put_opt(o, "displayName", m->display_name);
	rc |= api_put(o, "groups", api_json_strv((const char *const *)m->groups, m->ngroups));
	rc |= api_put(o, "is_admin", json_boolean(m->is_admin));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
api_json_str_or_null(const char *s)
{
	return s != NULL ? api_json_str(s) : json_null();
}

json_t *
api_conf_to_json(const struct api_conf *c)
{
	json_t *o = json_object();
	int rc;

	if (o == NULL)
		return NULL;
	rc = api_put(o, "maxTokenLifetimeDays", api_json_str_or_null(c->max_token_lifetime_days));
	rc |= api_put(o, "enableTokensConfig", api_json_str_or_null(c->enable_tokens_config));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
api_created_to_json(const struct api_created *c, bool management)
{
	json_t *o;
	int rc = -1;

	secret_json_begin();
	if ((o = json_object()) != NULL) {
		rc = api_put(o, "token_value", api_json_str_or_null(c->token_value));
		rc |= api_put(o, "token_info", api_token_to_json(api_created_info(c), management));
	}
	secret_json_end();
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- freeing ------------------------------------------------------------ */
const struct token_info *
api_created_info(const struct api_created *c)
{
	static const struct token_info none;

	return c->tab.n > 0 ? &c->tab.rows[0] : &none;
}

void
api_created_free(struct api_created *c)
{
	if (c == NULL)
		return;
	secret_free(c->token_value);
	token_table_free(&c->tab);
	free(c);
}

void
api_me_free(struct api_me *m)
{
	if (m == NULL)
		return;
	api_me_clear(m);
	free(m);
}

void
api_conf_free(struct api_conf *c)
{
	if (c == NULL)
		return;
	free(c->max_token_lifetime_days);
	free(c->enable_tokens_config);
	free(c);
}

void
api_table_free(struct token_table *t)
{
	if (t == NULL)
		return;
	token_table_free(t);
	free(t);
}
