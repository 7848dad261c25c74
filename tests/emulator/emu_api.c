/*
 * emu_api.c: the endpoints of patrol-emulator, as token-api.md describes.
 *
 * One route table maps method and path pattern ("*" is one path segment)
 * to a handler and the authentication it needs. Handlers read the request,
 * change the state and write the answer; errors use the shapes real
 * workspaces send (string error_code with request details, the numeric
 * 401/403 of the authentication layer, OAuth's {"error":…}).
 *
 * Authentication of a PAT, in order: the token exists and has not expired
 * (else 403 "Invalid access token."); its owner may use tokens (else 403
 * PERMISSION_DENIED "User does not have permission to use tokens.", see
 * emu_access.h); its scopes cover the path (else 403 PERMISSION_DENIED
 * naming the missing scope, see emu_scope.h); admin routes want an admin.
 * Only then is the call the token's use. /api/ paths the emulator does not
 * serve are authenticated the same way, recorded as use, then answered 404
 * ENDPOINT_NOT_FOUND: so a test can make a token "use" the jobs API.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu_access.h"
#include "emu_api_int.h"
#include "emu_clock.h"
#include "emu_scope.h"

enum emu_auth { EMU_AUTH_NONE, EMU_AUTH_USER, EMU_AUTH_ADMIN };

struct emu_route {
	const char	*method;
	const char	*pattern;
	void		(*fn)(struct emu_ctx *);
	enum emu_auth	 auth;
	const char	*denied;	/* message for non-admins */
};

#define EMU_AZURE_RESOURCE	"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

static const char emu_tm_denied[] =
    "Only Admins can access token management APIs.";
static const char emu_conf_denied[] =
    "Only Admins can change workspace settings.";
static const char emu_perm_denied[] =
    "Only Admins can manage token permissions.";
static const char emu_no_use[] =
    "User does not have permission to use tokens.";

void
emu_api_reply(struct emu_resp *resp, int status, const char *ctype,
    const char *s)
{
	free(resp->body);
	resp->status = status;
	resp->ctype = ctype;
	resp->body = s != NULL ? strdup(s) : NULL;
	resp->len = resp->body != NULL ? strlen(resp->body) : 0;
	if (s != NULL && resp->body == NULL)
		resp->status = 500;
}

void
emu_reply_json(struct emu_ctx *x, int status, json_t *doc)
{
	char *s = NULL;

	if (doc != NULL)
		s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	free(x->resp->body);
	x->resp->status = s != NULL ? status : 500;
	x->resp->ctype = "application/json";
	x->resp->body = s;
	x->resp->len = s != NULL ? strlen(s) : 0;
}

void
emu_reply_buf(struct emu_ctx *x, int status, struct emu_buf *b)
{
	if (b->oom) {
		free(b->p);
		emu_api_error(x->st, x->resp, 500, "INTERNAL_ERROR",
		    "Out of memory");
		return;
	}
	free(x->resp->body);
	x->resp->status = status;
	x->resp->ctype = "application/json";
	x->resp->body = b->p;
	x->resp->len = b->len;
}

void
emu_api_error(struct emu_state *st, struct emu_resp *resp, int status,
    const char *code, const char *msg)
{
	char rid[37];
	json_t *doc;
	char *s;

	emu_request_id(st, rid);
	doc = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "error_code", code,
	    "message", msg, "details", "@type",
	    "type.googleapis.com/google.rpc.RequestInfo", "request_id", rid,
	    "serving_data", "");
	s = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) :
	    NULL;
	json_decref(doc);
	free(resp->body);
	resp->status = status;
	resp->ctype = "application/json";
	resp->body = s;
	resp->len = s != NULL ? strlen(s) : 0;
}

void
emu_err(struct emu_ctx *x, int status, const char *code, const char *msg)
{
	emu_api_error(x->st, x->resp, status, code, msg);
}

void
emu_errf(struct emu_ctx *x, int status, const char *code, const char *fmt,
    ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emu_err(x, status, code, msg);
}

int
emu_body(struct emu_ctx *x)
{
	json_error_t e;

	if (x->req->body_len == 0)
		x->body = json_object();
	else
		x->body = json_loadb(x->req->body, x->req->body_len, 0, &e);
	if (x->body != NULL && json_is_object(x->body))
		return 0;
	json_decref(x->body);
	x->body = NULL;
	emu_err(x, 400, "MALFORMED_REQUEST",
	    "Invalid JSON given in the body of the request - expected a map");
	return -1;
}

int
emu_json_int(json_t *v, int64_t *out)
{
	const char *s;
	char *end;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	*out = strtoll(s, &end, 10);
	return (*s == '\0' || *end != '\0') ? -1 : 0;
}

static int
emu_check_comment(struct emu_ctx *x, json_t *c)
{
	if (c == NULL || json_is_null(c))
		return 0;
	if (!json_is_string(c)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "comment must be a string");
		return -1;
	}
	if (emu_utf8_len(json_string_value(c)) > EMU_MAX_COMMENT) {
		emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
		    "Comment is too long: at most %d characters are allowed",
		    EMU_MAX_COMMENT);
		return -1;
	}
	return 0;
}

int
emu_check_scopes(struct emu_ctx *x, json_t *s, char **out)
{
	size_t i;
	json_t *v;

	*out = NULL;
	if (s == NULL || json_is_null(s))
		return 0;
	if (!json_is_array(s))
		goto bad;
	json_array_foreach(s, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			goto bad;
	}
	if (json_array_size(s) == 0)
		return 0;
	if ((*out = json_dumps(s, JSON_COMPACT)) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return -1;
	}
	return 0;
bad:
	emu_err(x, 400, "INVALID_PARAMETER_VALUE",
	    "scopes must be an array of scope names");
	return -1;
}

int
emu_max_days(const struct emu_state *st)
{
	return st->max_days > 0 ? st->max_days : EMU_DEFAULT_MAX_DAYS;
}

/* Validate lifetime_seconds; *ms is the lifetime in milliseconds. */
static int
emu_check_lifetime(struct emu_ctx *x, json_t *v, int64_t *ms)
{
	int64_t secs, max = (int64_t)emu_max_days(x->st) * 86400;

	if (v == NULL || json_is_null(v)) {
		*ms = max * 1000;
		return 0;
	}
	if (emu_json_int(v, &secs) != 0) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "lifetime_seconds must be an integer");
		return -1;
	}
	if (secs <= 0) {
		emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
		    "Invalid timeout: %lld", (long long)secs);
		return -1;
	}
	if (secs > max) {
		emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
		    "Token lifetime of %lld seconds exceeds the maximum lifetime "
		    "of %d days (%lld seconds)", (long long)secs,
		    emu_max_days(x->st), (long long)max);
		return -1;
	}
	*ms = secs * 1000;
	return 0;
}

/* The autoscope state of a new token: scopes set by hand, or observed when
 * asked for and the token lives 30 days or more; off when asked for but
 * shorter or refused; none when not asked about. -1: answered 400. */
static int
emu_create_autoscope(struct emu_ctx *x, json_t *v, int scoped, int64_t life,
    enum emu_autoscope *out)
{
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "autoscope_enabled must be true or false");
		return -1;
	}
	if (scoped)
		*out = EMU_AS_USER_SELECTED;
	else if (v == NULL || json_is_null(v))
		*out = EMU_AS_NONE;
	else if (json_is_true(v) && life >= EMU_OBSERVE_DAYS * EMU_DAY_MS)
		*out = EMU_AS_RUNNING;
	else
		*out = EMU_AS_DISABLED;
	return 0;
}

/* Whether owner may hold tokens; answers 403 if not. */
static int
emu_create_allowed(struct emu_ctx *x, const struct emu_user *owner)
{
	if (!x->st->tokens_enabled) {
		emu_err(x, 403, "PERMISSION_DENIED",
		    "Personal access tokens are disabled for this workspace");
		return 0;
	}
	if (emu_access_can_use(x->st, owner))
		return 1;
	if (owner->sp)
		emu_errf(x, 403, "PERMISSION_DENIED", "Service principal %s "
		    "does not have permission to use tokens.", owner->name);
	else
		emu_err(x, 403, "PERMISSION_DENIED", emu_no_use);
	return 0;
}

/* emu_buf_token, naming t by id when id is not NULL (POST /emulator/lie). */
static void
emu_buf_token_as(struct emu_buf *b, struct emu_state *st, struct emu_token *t, int full,
    const char *id)
{
	char real[sizeof t->id];

	if (id == NULL) {
		emu_buf_token(b, st, t, full);
		return;
	}
	memcpy(real, t->id, sizeof real);
	snprintf(t->id, sizeof t->id, "%s", id);
	emu_buf_token(b, st, t, full);
	memcpy(t->id, real, sizeof real);
}

/* Create a token for owner from the body; full: Token Management shape. */
static void
emu_create(struct emu_ctx *x, struct emu_user *owner, int full)
{
	json_t *comment = json_object_get(x->body, "comment");
	struct emu_token *t;
	struct emu_buf b = { 0 };
	char value[37], *scopes;
	enum emu_autoscope as;
	int64_t life;

	if (!emu_create_allowed(x, owner))
		return;
	if (emu_check_comment(x, comment) != 0 ||
	    emu_check_lifetime(x, json_object_get(x->body, "lifetime_seconds"),
	    &life) != 0 ||
	    emu_check_scopes(x, json_object_get(x->body, "scopes"), &scopes) != 0)
		return;
	if (emu_create_autoscope(x, json_object_get(x->body,
	    "autoscope_enabled"), scopes != NULL, life, &as) != 0) {
		free(scopes);
		return;
	}
	if (owner->ntokens >= EMU_QUOTA &&
	    emu_user_active(x->st, owner) >= EMU_QUOTA) {
		free(scopes);
		emu_errf(x, 400, "QUOTA_EXCEEDED",
		    "Token quota exceeded (%d tokens)", EMU_QUOTA);
		return;
	}
	t = emu_token_new(x->st, &x->st->rng_values, owner, x->caller, value);
	if (t == NULL || (json_is_string(comment) &&
	    emu_token_set_comment(t, json_string_value(comment)) != 0)) {
		free(scopes);
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	t->expiry_time = t->creation_time + life;
	t->scopes = scopes;
	t->autoscope = as;
	x->st->stats.creates++;
	emu_buf_str(&b, "{\"token_value\":\"");
	emu_buf_str(&b, value);
	emu_buf_str(&b, "\",\"token_info\":");
	emu_buf_token_as(&b, x->st, t, full, x->st->lie_create_id);
	emu_buf_str(&b, "}");
	emu_reply_buf(x, 200, &b);
}

/* Apply {"token":{…},"update_mask":"…"} to t; 0 when done. */
static int
emu_update(struct emu_ctx *x, struct emu_token *t)
{
	json_t *tok = json_object_get(x->body, "token");
	json_t *mask = json_object_get(x->body, "update_mask");
	json_t *comment = json_object_get(tok, "comment");
	char *fields, *f, *save = NULL, *scopes = NULL;
	int do_comment = 0, do_scopes = 0;

	if (!json_is_string(mask) || json_string_length(mask) == 0) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "update_mask is required");
		return -1;
	}
	if ((fields = strdup(json_string_value(mask))) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return -1;
	}
	for (f = strtok_r(fields, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save)) {
		if (strcmp(f, "comment") == 0 || strcmp(f, "*") == 0)
			do_comment = 1;
		if (strcmp(f, "scopes") == 0 || strcmp(f, "*") == 0)
			do_scopes = 1;
		if (strcmp(f, "comment") != 0 && strcmp(f, "scopes") != 0 &&
		    strcmp(f, "*") != 0) {
			emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
			    "Invalid update_mask field: %s", f);
			free(fields);
			return -1;
		}
	}
	free(fields);
	if (t == NULL) {
		emu_errf(x, 404, "NOT_FOUND", "Token with ID %s does not exist.",
		    x->wild);
		return -1;
	}
	if ((do_comment && emu_check_comment(x, comment) != 0) ||
	    (do_scopes && emu_check_scopes(x, json_object_get(tok, "scopes"),
	    &scopes) != 0))
		return -1;
	if (do_comment && emu_token_set_comment(t, json_is_string(comment) ?
	    json_string_value(comment) : "") != 0) {
		free(scopes);
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return -1;
	}
	if (do_scopes) {
		free(t->scopes);
		t->scopes = scopes;
		t->autoscope = EMU_AS_USER_SELECTED;
	}
	return 0;
}

/* Record an update in the statistics. */
static void
emu_note_update(struct emu_ctx *x)
{
	json_t *mask = json_object_get(x->body, "update_mask");

	emu_stats_update(x->st, x->wild, json_is_string(mask) ?
	    json_string_value(mask) : "");
}

/* The caller's own token by id, or NULL. */
static struct emu_token *
emu_own_token(struct emu_ctx *x, const char *id)
{
	struct emu_token *t = emu_token_find(x->st, id);

	return (t != NULL && t->owner == x->caller) ? t : NULL;
}

static void
h_token_create(struct emu_ctx *x)
{
	if (emu_body(x) == 0)
		emu_create(x, x->caller, 0);
}

/* Write {"token_infos":[…]} of non-expired tokens that match. */
static void
emu_list(struct emu_ctx *x, int full, struct emu_user *owner,
    int64_t creator_id, const char *creator_name)
{
	struct emu_buf b = { 0 };
	struct emu_token *t;
	size_t i, n = 0;

	emu_buf_str(&b, "{\"token_infos\":[");
	for (i = 0; i < x->st->ntokens; i++) {
		t = x->st->tokens[i];
		if (t == NULL || emu_token_expired(x->st, t) ||
		    (owner != NULL && t->owner != owner) ||
		    (creator_id != 0 && t->creator->id != creator_id) ||
		    (creator_name != NULL &&
		    strcmp(t->creator->name, creator_name) != 0))
			continue;
		if (n++ > 0)
			emu_buf_str(&b, ",");
		emu_buf_token(&b, x->st, t, full);
	}
	emu_buf_str(&b, "]}");
	if (n == 0) {
		/* Like the real service: no key when there is nothing. */
		b.len = 0;
		emu_buf_str(&b, "{}");
	}
	emu_reply_buf(x, 200, &b);
}

static void
h_token_list(struct emu_ctx *x)
{
	emu_list(x, 0, x->caller, 0, NULL);
}

static void
h_token_delete(struct emu_ctx *x)
{
	json_t *id;
	struct emu_token *t;

	if (emu_body(x) != 0)
		return;
	id = json_object_get(x->body, "token_id");
	if (!json_is_string(id)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "token_id is required");
		return;
	}
	emu_stats_revoke(x->st, json_string_value(id));
	if ((t = emu_own_token(x, json_string_value(id))) == NULL) {
		emu_errf(x, 404, "RESOURCE_DOES_NOT_EXIST",
		    "No valid token with ID %s found.", json_string_value(id));
		return;
	}
	emu_token_remove(x->st, t);
	emu_api_reply(x->resp, 200, "application/json", "{}");
}

static void
h_token_update(struct emu_ctx *x)
{
	if (emu_body(x) != 0)
		return;
	emu_note_update(x);
	if (emu_update(x, emu_own_token(x, x->wild)) == 0)
		emu_api_reply(x->resp, 200, "application/json", "{}");
}

static void
h_tm_list(struct emu_ctx *x)
{
	const char *id = x->req->arg(x->req->arg_cls, "created_by_id");
	const char *name = x->req->arg(x->req->arg_cls, "created_by_username");
	int64_t cid = 0;
	char *end;

	if (id != NULL && *id != '\0') {
		cid = strtoll(id, &end, 10);
		if (*end != '\0') {
			emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
			    "Invalid created_by_id: %s", id);
			return;
		}
	}
	if (name != NULL && *name == '\0')
		name = NULL;
	emu_list(x, 1, NULL, cid, name);
}

static void
emu_tm_not_found(struct emu_ctx *x)
{
	emu_errf(x, 404, "NOT_FOUND", "Token with ID %s does not exist.",
	    x->wild);
}

static void
h_tm_get(struct emu_ctx *x)
{
	struct emu_token *t = emu_token_find(x->st, x->wild);
	struct emu_buf b = { 0 };

	if (t == NULL) {
		emu_tm_not_found(x);
		return;
	}
	emu_buf_str(&b, "{\"token_info\":");
	emu_buf_token(&b, x->st, t, 1);
	emu_buf_str(&b, "}");
	emu_reply_buf(x, 200, &b);
}

static void
h_tm_delete(struct emu_ctx *x)
{
	struct emu_token *t;

	emu_stats_revoke(x->st, x->wild);
	if ((t = emu_token_find(x->st, x->wild)) == NULL) {
		emu_tm_not_found(x);
		return;
	}
	emu_token_remove(x->st, t);
	emu_api_reply(x->resp, 200, "application/json", "{}");
}

static void
h_tm_update(struct emu_ctx *x)
{
	struct emu_token *t;
	struct emu_buf b = { 0 };

	if (emu_body(x) != 0)
		return;
	emu_note_update(x);
	t = emu_token_find(x->st, x->wild);
	if (emu_update(x, t) != 0)
		return;
	emu_buf_token(&b, x->st, t, 1);
	emu_reply_buf(x, 200, &b);
}

static void
h_tm_obo(struct emu_ctx *x)
{
	json_t *app;
	struct emu_user *sp;

	if (emu_body(x) != 0)
		return;
	app = json_object_get(x->body, "application_id");
	if (!json_is_string(app) || json_string_length(app) == 0) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "application_id is required");
		return;
	}
	sp = emu_user_find(x->st, json_string_value(app));
	if (sp == NULL || !sp->sp) {
		emu_errf(x, 404, "NOT_FOUND",
		    "Service principal with application ID %s does not exist.",
		    json_string_value(app));
		return;
	}
	emu_create(x, sp, 1);
}

json_t *
emu_scim_groups(const struct emu_state *st, const struct emu_user *u)
{
	json_t *groups = json_array();
	char id[32], ref[48];
	size_t g;

	for (g = 0; groups != NULL && g < st->ngroups; g++) {
		if (!emu_group_has(st, u, (int)g))
			continue;
		snprintf(id, sizeof id, "%lld", emu_group_id((int)g));
		snprintf(ref, sizeof ref, "Groups/%s", id);
		json_array_append_new(groups, json_pack("{s:s, s:s, s:s, s:s}",
		    "display", st->groups[g], "type", "direct", "value", id,
		    "$ref", ref));
	}
	return groups;
}

static void
h_me(struct emu_ctx *x)
{
	struct emu_user *u = x->caller;
	char id[32];
	json_t *groups, *doc;

	snprintf(id, sizeof id, "%lld", (long long)u->id);
	groups = emu_scim_groups(x->st, u);
	doc = json_pack("{s:[s], s:s, s:s, s:s, s:b, s:o?, s:[{s:s, s:s, s:b}]}",
	    "schemas", "urn:ietf:params:scim:schemas:core:2.0:User",
	    "id", id, "userName", u->name, "displayName", u->display,
	    "active", 1, "groups", groups, "emails", "value", u->name,
	    "type", "work", "primary", 1);
	emu_reply_json(x, 200, doc);
}

/* Workspace settings: one row a key. */
struct emu_conf_key {
	const char	*name;
	/* Current value into out, or 0 when unset. */
	int		(*get)(struct emu_state *, char *, size_t);
	/* Check (apply = 0) or apply a new value; -1 when invalid. */
	int		(*set)(struct emu_state *, json_t *, int);
};

static int
emu_conf_get_max(struct emu_state *st, char *out, size_t len)
{
	if (st->max_days == 0)
		return 0;
	snprintf(out, len, "%d", st->max_days);
	return 1;
}

static int
emu_conf_set_max(struct emu_state *st, json_t *v, int apply)
{
	int64_t d = 0;

	if (!json_is_null(v) && !(json_is_string(v) &&
	    json_string_length(v) == 0)) {
		if (emu_json_int(v, &d) != 0 || d < 1 ||
		    d > EMU_DEFAULT_MAX_DAYS)
			return -1;
	}
	if (apply)
		st->max_days = (int)d;
	return 0;
}

static int
emu_conf_get_enable(struct emu_state *st, char *out, size_t len)
{
	snprintf(out, len, "%s", st->tokens_enabled ? "true" : "false");
	return 1;
}

static int
emu_conf_set_enable(struct emu_state *st, json_t *v, int apply)
{
	const char *s = json_string_value(v);

	if (s == NULL || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0))
		return -1;
	if (apply)
		st->tokens_enabled = strcmp(s, "true") == 0;
	return 0;
}

static const struct emu_conf_key emu_conf_keys[] = {
	{ "maxTokenLifetimeDays", emu_conf_get_max, emu_conf_set_max },
	{ "enableTokensConfig", emu_conf_get_enable, emu_conf_set_enable },
};

static const struct emu_conf_key *
emu_conf_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof emu_conf_keys / sizeof emu_conf_keys[0]; i++) {
		if (strcmp(emu_conf_keys[i].name, name) == 0)
			return &emu_conf_keys[i];
	}
	return NULL;
}

/* 400 Invalid keys: ["k",…] when bad is not empty (stolen). */
static int
emu_conf_bad_keys(struct emu_ctx *x, json_t *bad)
{
	char *list;

	if (json_array_size(bad) == 0) {
		json_decref(bad);
		return 0;
	}
	list = json_dumps(bad, JSON_COMPACT);
	json_decref(bad);
	emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "Invalid keys: %s",
	    list != NULL ? list : "[]");
	free(list);
	return -1;
}

static void
h_conf_get(struct emu_ctx *x)
{
	const char *keys = x->req->arg(x->req->arg_cls, "keys");
	const struct emu_conf_key *k;
	json_t *doc = json_object(), *bad = json_array();
	char *copy, *f, *save = NULL, val[64];

	copy = strdup(keys != NULL ? keys : "");
	if (copy == NULL || doc == NULL || bad == NULL) {
		free(copy);
		json_decref(doc);
		json_decref(bad);
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	for (f = strtok_r(copy, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save)) {
		if ((k = emu_conf_find(f)) == NULL)
			json_array_append_new(bad, json_string(f));
		else if (k->get(x->st, val, sizeof val))
			json_object_set_new(doc, f, json_string(val));
		else
			json_object_set_new(doc, f, json_null());
	}
	free(copy);
	if (emu_conf_bad_keys(x, bad) != 0) {
		json_decref(doc);
		return;
	}
	emu_reply_json(x, 200, doc);
}

static void
h_conf_patch(struct emu_ctx *x)
{
	const struct emu_conf_key *k;
	const char *key;
	json_t *v, *bad;

	if (emu_body(x) != 0)
		return;
	if ((bad = json_array()) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	json_object_foreach(x->body, key, v) {
		if (emu_conf_find(key) == NULL)
			json_array_append_new(bad, json_string(key));
	}
	if (emu_conf_bad_keys(x, bad) != 0)
		return;
	json_object_foreach(x->body, key, v) {
		k = emu_conf_find(key);
		if (k == NULL || k->set(x->st, v, 0) != 0) {
			emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
			    "Invalid value for %s", key);
			return;
		}
	}
	json_object_foreach(x->body, key, v) {
		if ((k = emu_conf_find(key)) != NULL)
			k->set(x->st, v, 1);
	}
	emu_api_reply(x->resp, 204, "application/json", NULL);
}

/* The workspace URL as the client named it (the Host header), as a real
 * workspace behind its own name would answer; else the listening address. */
static void
emu_base_url(struct emu_ctx *x, char *out, size_t n)
{
	const char *b = x->st->base_url, *h = x->req->host;
	int tls = strncmp(b, "https://", 8) == 0;

	if (h != NULL && *h != '\0' && strcspn(h, " \t\"'<>/\\") == strlen(h))
		snprintf(out, n, "%s://%s", tls ? "https" : "http", h);
	else
		snprintf(out, n, "%s", b);
}

static void
h_databricks_config(struct emu_ctx *x)
{
	char id[32], oidc[512], base[256];

	snprintf(id, sizeof id, "%lld", (long long)x->st->workspace_id);
	emu_base_url(x, base, sizeof base);
	snprintf(oidc, sizeof oidc, "%s/oidc", base);
	emu_reply_json(x, 200, json_pack("{s:s, s:s}", "workspace_id", id,
	    "oidc_endpoint", oidc));
}

static void
h_oauth_meta(struct emu_ctx *x)
{
	char b[256], iss[512], auth[512], tok[512], jwks[512];

	emu_base_url(x, b, sizeof b);
	snprintf(iss, sizeof iss, "%s/oidc", b);
	snprintf(auth, sizeof auth, "%s/oidc/v1/authorize", b);
	snprintf(tok, sizeof tok, "%s", x->st->token_endpoint ? x->st->token_endpoint : "");
	if (tok[0] == '\0')
		snprintf(tok, sizeof tok, "%s/oidc/v1/token", b);
	snprintf(jwks, sizeof jwks, "%s/oidc/jwks.json", b);
	emu_reply_json(x, 200, json_pack("{s:s, s:s, s:s, s:s, s:[s, s, s], "
	    "s:[s], s:[s, s], s:[s, s], s:[s]}", "issuer", iss,
	    "authorization_endpoint", auth, "token_endpoint", tok, "jwks_uri",
	    jwks, "grant_types_supported", "client_credentials",
	    "authorization_code", "urn:ietf:params:oauth:grant-type:token-exchange",
	    "response_types_supported", "code",
	    "scopes_supported", "all-apis", "offline_access",
	    "token_endpoint_auth_methods_supported", "client_secret_basic",
	    "client_secret_post", "code_challenge_methods_supported", "S256"));
}

static int
emu_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* The url-decoded value of key in a form body, into out. */
static int
emu_form_get(const char *body, size_t len, const char *key, char *out,
    size_t outlen)
{
	const char *p = body, *end = body + len, *amp, *eq;
	size_t klen = strlen(key), o = 0;

	for (; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || (size_t)(eq - p) != klen ||
		    memcmp(p, key, klen) != 0)
			continue;
		for (p = eq + 1; p < amp && o + 1 < outlen; p++) {
			if (*p == '%' && amp - p >= 3 && emu_hexval(p[1]) >= 0 &&
			    emu_hexval(p[2]) >= 0) {
				out[o++] = (char)(emu_hexval(p[1]) * 16 +
				    emu_hexval(p[2]));
				p += 2;
			} else
				out[o++] = *p == '+' ? ' ' : *p;
		}
		out[o] = '\0';
		return 1;
	}
	return 0;
}

/* Decode base64 into out (NUL-terminated); -1 when invalid. */
static int
emu_base64(const char *in, char *out, size_t outlen)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	const char *c;

	for (; *in != '\0' && *in != '='; in++) {
		if ((c = strchr(tab, *in)) == NULL)
			return -1;
		acc = (acc << 6) | (uint32_t)(c - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return 0;
}

/* Client id and secret from HTTP Basic or the form body. */
static int
emu_client_creds(struct emu_ctx *x, char *id, char *secret, size_t len)
{
	const char *a = x->req->authorization;
	char dec[512], *colon;

	if (a != NULL && strncasecmp(a, "Basic ", 6) == 0) {
		if (emu_base64(a + 6, dec, sizeof dec) != 0 ||
		    (colon = strchr(dec, ':')) == NULL)
			return -1;
		*colon = '\0';
		snprintf(id, len, "%s", dec);
		snprintf(secret, len, "%s", colon + 1);
		return 0;
	}
	if (!emu_form_get(x->req->body, x->req->body_len, "client_id", id,
	    len) || !emu_form_get(x->req->body, x->req->body_len,
	    "client_secret", secret, len))
		return -1;
	return 0;
}

/* An OAuth error answer: {"error","error_description"}. */
static void
emu_oauth_error(struct emu_ctx *x, int status, const char *error, const char *desc)
{
	emu_reply_json(x, status, json_pack("{s:s, s:s}", "error", error,
	    "error_description", desc));
}

/* Answer an issued access token for owner. */
static void
emu_oauth_grant(struct emu_ctx *x, struct emu_user *owner, const char *scope)
{
	const char *tok = emu_oauth_issue(x->st, owner);

	if (tok == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	emu_reply_json(x, 200, json_pack("{s:s, s:s, s:I, s:s}",
	    "access_token", tok, "token_type", "Bearer", "expires_in",
	    (json_int_t)x->st->oauth_expires_in, "scope", scope));
}

/* RFC 8693: a federated JWT for an access token (env-oidc, file-oidc).
 * The form must say what the SDKs send: a JWT subject, scope all-apis. */
static void
emu_token_exchange(struct emu_ctx *x)
{
	char jwt[4096], type[128], scope[256], id[256];
	const char *b = x->req->body;
	size_t n = x->req->body_len;
	struct emu_user *owner;

	if (!emu_form_get(b, n, "subject_token_type", type, sizeof type) ||
	    strcmp(type, "urn:ietf:params:oauth:token-type:jwt") != 0 ||
	    !emu_form_get(b, n, "scope", scope, sizeof scope) ||
	    strcmp(scope, "all-apis") != 0) {
		emu_oauth_error(x, 400, "invalid_request", "subject_token_type must be "
		    "urn:ietf:params:oauth:token-type:jwt and scope all-apis");
		return;
	}
	if (!emu_form_get(b, n, "subject_token", jwt, sizeof jwt) ||
	    (owner = emu_federated_find(x->st, jwt)) == NULL) {
		emu_oauth_error(x, 401, "invalid_grant", "The subject token does not "
		    "match any federation policy");
		return;
	}
	if (emu_form_get(b, n, "client_id", id, sizeof id) && strcmp(id, owner->name) != 0) {
		emu_oauth_error(x, 401, "invalid_client", "client_id does not match "
		    "the federation policy");
		return;
	}
	emu_oauth_grant(x, owner, scope);
}

static void
h_oidc_token(struct emu_ctx *x)
{
	char id[512], secret[512], grant[128], scope[256];
	struct emu_user *owner;

	if (!emu_form_get(x->req->body, x->req->body_len, "grant_type", grant,
	    sizeof grant) || (strcmp(grant, "client_credentials") != 0 &&
	    strcmp(grant, "urn:ietf:params:oauth:grant-type:token-exchange") != 0)) {
		emu_oauth_error(x, 400, "unsupported_grant_type", "grant_type must be "
		    "client_credentials or urn:ietf:params:oauth:grant-type:token-exchange");
		return;
	}
	if (strcmp(grant, "client_credentials") != 0) {
		emu_token_exchange(x);
		return;
	}
	if (emu_client_creds(x, id, secret, sizeof id) != 0 ||
	    (owner = emu_oauth_check(x->st, NULL, id, secret)) == NULL) {
		emu_oauth_error(x, 401, "invalid_client", "Client authentication failed");
		return;
	}
	if (!emu_form_get(x->req->body, x->req->body_len, "scope", scope,
	    sizeof scope) || scope[0] == '\0')
		snprintf(scope, sizeof scope, "all-apis");
	emu_oauth_grant(x, owner, scope);
}

/* Entra ID v1 client credentials (azure-client-secret): POST
 * /TENANT/oauth2/token with client_id, client_secret and the Azure
 * Databricks resource in the form; answers as Entra v1 does (numbers as
 * strings, expires_on). Played by the emulator when PATROL_AZURE_LOGIN_URL
 * points here. */
static void
h_entra_token(struct emu_ctx *x)
{
	char id[256], secret[512], grant[64], resource[128], num[32], on[32];
	const char *b = x->req->body, *tok;
	size_t n = x->req->body_len;
	struct emu_user *owner;

	if (!emu_form_get(b, n, "grant_type", grant, sizeof grant) ||
	    strcmp(grant, "client_credentials") != 0 ||
	    !emu_form_get(b, n, "resource", resource, sizeof resource) ||
	    strcmp(resource, EMU_AZURE_RESOURCE) != 0) {
		emu_oauth_error(x, 400, "invalid_request", "AADSTS900144: grant_type "
		    "client_credentials and the Azure Databricks resource are required");
		return;
	}
	if (!emu_form_get(b, n, "client_id", id, sizeof id) ||
	    !emu_form_get(b, n, "client_secret", secret, sizeof secret) ||
	    (owner = emu_oauth_check(x->st, x->wild, id, secret)) == NULL) {
		emu_oauth_error(x, 401, "invalid_client", "AADSTS7000215: Invalid client "
		    "secret provided, or no such application in this tenant.");
		return;
	}
	if ((tok = emu_oauth_issue(x->st, owner)) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	snprintf(num, sizeof num, "%lld", (long long)x->st->oauth_expires_in);
	snprintf(on, sizeof on, "%lld", (long long)(emu_now_ms(x->st) / 1000 +
	    x->st->oauth_expires_in));
	emu_reply_json(x, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "token_type", "Bearer", "expires_in", num, "ext_expires_in", num,
	    "expires_on", on, "resource", EMU_AZURE_RESOURCE, "access_token", tok));
}

static const struct emu_route emu_routes[] = {
	{ "GET", "/.well-known/databricks-config", h_databricks_config,
	  EMU_AUTH_NONE, NULL },
	{ "GET", "/oidc/.well-known/oauth-authorization-server", h_oauth_meta,
	  EMU_AUTH_NONE, NULL },
	{ "POST", "/oidc/v1/token", h_oidc_token, EMU_AUTH_NONE, NULL },
	{ "POST", "/*/oauth2/token", h_entra_token, EMU_AUTH_NONE, NULL },
	{ "GET", "/emulator/stats", h_stats, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/reset-stats", h_reset_stats, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/tokens", h_ctl_token, EMU_AUTH_NONE, NULL },
	{ "GET", "/emulator/clock", h_clock_get, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/clock", h_clock_post, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/use", h_ctl_use, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/hold", h_ctl_hold, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/release", h_ctl_release, EMU_AUTH_NONE, NULL },
	{ "POST", "/emulator/lie", h_ctl_lie, EMU_AUTH_NONE, NULL },
	{ "POST", "/api/2.0/token/create", h_token_create, EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/token/list", h_token_list, EMU_AUTH_USER, NULL },
	{ "POST", "/api/2.0/token/delete", h_token_delete, EMU_AUTH_USER, NULL },
	{ "PATCH", "/api/2.0/token/*", h_token_update, EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/token-management/tokens", h_tm_list,
	  EMU_AUTH_ADMIN, emu_tm_denied },
	{ "GET", "/api/2.0/token-management/tokens/*", h_tm_get,
	  EMU_AUTH_ADMIN, emu_tm_denied },
	{ "DELETE", "/api/2.0/token-management/tokens/*", h_tm_delete,
	  EMU_AUTH_ADMIN, emu_tm_denied },
	{ "PATCH", "/api/2.0/token-management/tokens/*", h_tm_update,
	  EMU_AUTH_ADMIN, emu_tm_denied },
	{ "POST", "/api/2.0/token-management/on-behalf-of/tokens", h_tm_obo,
	  EMU_AUTH_ADMIN, emu_tm_denied },
	{ "GET", "/api/2.0/permissions/authorization/tokens", h_perm_get,
	  EMU_AUTH_ADMIN, emu_perm_denied },
	{ "PUT", "/api/2.0/permissions/authorization/tokens", h_perm_put,
	  EMU_AUTH_ADMIN, emu_perm_denied },
	{ "PATCH", "/api/2.0/permissions/authorization/tokens", h_perm_patch,
	  EMU_AUTH_ADMIN, emu_perm_denied },
	{ "GET", "/api/2.0/permissions/authorization/tokens/permissionLevels",
	  h_perm_levels, EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/preview/scim/v2/Me", h_me, EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/preview/scim/v2/ServicePrincipals", h_sp_list,
	  EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/preview/scim/v2/ServicePrincipals/*", h_sp_get,
	  EMU_AUTH_USER, NULL },
	{ "GET", "/api/2.0/workspace-conf", h_conf_get, EMU_AUTH_USER, NULL },
	{ "PATCH", "/api/2.0/workspace-conf", h_conf_patch, EMU_AUTH_ADMIN,
	  emu_conf_denied },
};

/* Any other /api/ path: authenticated and recorded as use like the rest,
 * then not found. */
static const struct emu_route emu_route_unserved = {
	NULL, NULL, NULL, EMU_AUTH_USER, NULL
};

/* Match path against pattern; a "*" takes one non-empty segment. */
static int
emu_match(const char *pattern, const char *path, char *wild, size_t len)
{
	const char *star = strchr(pattern, '*');
	size_t pre, seg;

	if (star == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(star - pattern);
	if (strncmp(pattern, path, pre) != 0)
		return 0;
	path += pre;
	seg = strcspn(path, "/");
	if (seg == 0 || seg >= len || strcmp(star + 1, path + seg) != 0)
		return 0;
	memcpy(wild, path, seg);
	wild[seg] = '\0';
	return 1;
}

int
emu_pat_allowed(struct emu_ctx *x, const struct emu_token *pat,
    const char *scope, const char *method)
{
	const char *missing;

	if (!emu_access_can_use(x->st, pat->owner)) {
		emu_err(x, 403, "PERMISSION_DENIED", emu_no_use);
		return 0;
	}
	if ((missing = emu_scope_missing(pat, scope, method)) != NULL) {
		emu_errf(x, 403, "PERMISSION_DENIED", "Your token is missing the "
		    "required scopes for this endpoint: %s", missing);
		return 0;
	}
	return 1;
}

/* Authenticate the caller and record a PAT's use; answers 401/403 (500
 * when out of memory) and returns -1 on failure. */
static int
emu_authenticate(struct emu_ctx *x, const struct emu_route *r)
{
	const char *a = x->req->authorization;
	const char *scope = emu_scope_of(x->req->path);
	struct emu_token *pat;

	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0 || a[7] == '\0') {
		emu_api_reply(x->resp, 401, "application/json",
		    "{\"error_code\":401,\"message\":\"Credential was not sent "
		    "or was of an unsupported type for this API.\"}");
		return -1;
	}
	if ((x->caller = emu_auth_bearer(x->st, a + 7, &pat)) == NULL) {
		emu_api_reply(x->resp, 403, "application/json",
		    "{\"error_code\":403,\"message\":\"Invalid access token.\"}");
		return -1;
	}
	if (pat != NULL && !emu_pat_allowed(x, pat, scope, x->req->method))
		return -1;
	if (r->auth == EMU_AUTH_ADMIN && !x->caller->admin) {
		emu_err(x, 403, "PERMISSION_DENIED", r->denied);
		return -1;
	}
	if (pat != NULL && emu_scope_use(x->st, pat, scope) != 0) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return -1;
	}
	return 0;
}

static void
emu_not_found(struct emu_ctx *x)
{
	emu_errf(x, 404, "ENDPOINT_NOT_FOUND", "No API found for '%s %s'",
	    x->req->method, x->req->path);
}

void
emu_api_handle(struct emu_state *st, const struct emu_req *req,
    struct emu_resp *resp)
{
	struct emu_ctx x = { .st = st, .req = req, .resp = resp };
	const struct emu_route *r;
	size_t i;

	resp->retry_after = -1;
	for (i = 0; i < sizeof emu_routes / sizeof emu_routes[0]; i++) {
		r = &emu_routes[i];
		if (strcmp(r->method, req->method) != 0 ||
		    !emu_match(r->pattern, req->path, x.wild, sizeof x.wild))
			continue;
		if (r->auth == EMU_AUTH_NONE || emu_authenticate(&x, r) == 0)
			r->fn(&x);
		json_decref(x.body);
		return;
	}
	if (strncmp(req->path, "/api/", 5) != 0 ||
	    emu_authenticate(&x, &emu_route_unserved) == 0)
		emu_not_found(&x);
}

int
emu_api_faultable(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 ||
	    strcmp(path, "/oidc/v1/token") == 0;
}

int
emu_api_is_control(const char *path)
{
	return strncmp(path, "/emulator/", 10) == 0;
}
