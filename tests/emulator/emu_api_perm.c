/*
 * emu_api_perm.c: the token permissions and the SCIM service principals of
 * patrol-emulator, in the shapes the official SDKs read.
 *
 * GET|PUT|PATCH /api/2.0/permissions/authorization/tokens (admins only):
 *   {"object_id":"/authorization/tokens","object_type":"tokens",
 *    "access_control_list":[{"group_name":"admins","all_permissions":
 *    [{"permission_level":"CAN_MANAGE","inherited":true,
 *    "inherited_from_object":["/authorization/"]}]}, then the direct
 *    entries: {"user_name"|"group_name"|"service_principal_name",
 *    "display_name" (users and service principals),"all_permissions":
 *    [{"permission_level":L,"inherited":false}]}…]}.
 *   PUT replaces the direct entries (no list: none), PATCH merges; both
 *   answer the new object. Semantics and refusals: emu_access.h.
 * GET …/tokens/permissionLevels (any user): CAN_USE and CAN_MANAGE.
 * GET /api/2.0/preview/scim/v2/ServicePrincipals[?filter=&startIndex=&count=]
 *   (any user): a SCIM ListResponse. The filter is SCIM's simple form:
 *   ATTR OP "VALUE" terms (attributes applicationId, displayName, id,
 *   active; operators eq, ne, co, sw, ew; values compared without case)
 *   joined by and / or (and binds tighter; no parentheses).
 * GET /api/2.0/preview/scim/v2/ServicePrincipals/{id}: one, or a SCIM 404.
 */
#define _GNU_SOURCE 1	/* strcasestr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu_access.h"
#include "emu_api_int.h"

#define EMU_FILTER_MAX 8	/* terms in a SCIM filter */
#define EMU_SCIM_COUNT_MAX 10000

static const char emu_scim_error[] =
    "urn:ietf:params:scim:api:messages:2.0:Error";

/* ---- token permissions ----------------------------------------------- */

/* One direct entry as the API shows it. */
static json_t *
emu_perm_entry(struct emu_state *st, const struct emu_grant *g)
{
	struct emu_user *u = emu_access_user(st, g);
	json_t *e;

	e = json_pack("{s:s, s:[{s:s, s:b}]}", emu_principal_key(g->kind),
	    g->name, "all_permissions", "permission_level", g->level,
	    "inherited", 0);
	if (e != NULL && u != NULL)
		json_object_set_new(e, "display_name", json_string(u->display));
	return e;
}

static void
emu_perm_reply(struct emu_ctx *x)
{
	json_t *acl;
	size_t i;

	acl = json_pack("[{s:s, s:[{s:s, s:b, s:[s]}]}]", "group_name",
	    "admins", "all_permissions", "permission_level", "CAN_MANAGE",
	    "inherited", 1, "inherited_from_object", "/authorization/");
	for (i = 0; acl != NULL && i < x->st->ngrants; i++)
		json_array_append_new(acl, emu_perm_entry(x->st,
		    &x->st->grants[i]));
	emu_reply_json(x, 200, json_pack("{s:s, s:s, s:o?}", "object_id",
	    "/authorization/tokens", "object_type", "tokens",
	    "access_control_list", acl));
}

void
h_perm_get(struct emu_ctx *x)
{
	emu_perm_reply(x);
}

/* Read one request entry into g (strings point into the body). */
static int
emu_perm_parse(struct emu_ctx *x, json_t *e, struct emu_grant *g)
{
	json_t *lvl = json_object_get(e, "permission_level"), *v;
	int k, found = 0;

	for (k = 0; json_is_object(e) && k < EMU_PRINCIPAL_COUNT; k++) {
		v = json_object_get(e, emu_principal_key((enum emu_principal)k));
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_string(v) || json_string_length(v) == 0)
			break;
		found++;
		g->kind = (enum emu_principal)k;
		g->name = json_string_value(v);
	}
	if (k < EMU_PRINCIPAL_COUNT || found != 1 || !json_is_string(lvl)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE", "Each entry of "
		    "access_control_list names one user_name, group_name or "
		    "service_principal_name, and a permission_level");
		return -1;
	}
	g->level = json_string_value(lvl);
	return 0;
}

/* The checked entries of the request (admins left out); NULL answered. */
static struct emu_grant *
emu_perm_request(struct emu_ctx *x, size_t *n)
{
	json_t *list = json_object_get(x->body, "access_control_list"), *e;
	struct emu_grant *req;
	char err[512];
	size_t i;
	int skip;

	*n = 0;
	if (list != NULL && !json_is_null(list) && !json_is_array(list)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "access_control_list must be an array");
		return NULL;
	}
	if ((req = calloc(json_array_size(list) + 1, sizeof *req)) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return NULL;
	}
	json_array_foreach(list, i, e) {
		if (emu_perm_parse(x, e, &req[*n]) != 0)
			goto bad;
		if (emu_access_check(x->st, &req[*n], &skip, err, sizeof err)) {
			emu_err(x, 400, "INVALID_PARAMETER_VALUE", err);
			goto bad;
		}
		*n += !skip;
	}
	return req;
bad:
	free(req);
	return NULL;
}

/* PUT replaces the direct entries, PATCH merges into them. */
static void
emu_perm_set(struct emu_ctx *x, int replace)
{
	struct emu_grant *req;
	size_t n;

	if (emu_body(x) != 0 || (req = emu_perm_request(x, &n)) == NULL)
		return;
	if (emu_access_apply(x->st, req, n, replace) < 0) {
		free(req);
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	free(req);
	emu_perm_reply(x);
}

void
h_perm_put(struct emu_ctx *x)
{
	emu_perm_set(x, 1);
}

void
h_perm_patch(struct emu_ctx *x)
{
	emu_perm_set(x, 0);
}

void
h_perm_levels(struct emu_ctx *x)
{
	emu_reply_json(x, 200, json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}",
	    "permission_levels", "permission_level", "CAN_USE", "description",
	    "Can use tokens", "permission_level", "CAN_MANAGE",
	    "description", "Can use and modify permissions on tokens"));
}

/* ---- SCIM service principals ----------------------------------------- */

/* A SCIM error: {"schemas","scimType"?,"detail","status"}. */
static void
emu_scim_err(struct emu_ctx *x, int status, const char *type,
    const char *detail)
{
	char st[8];

	snprintf(st, sizeof st, "%d", status);
	emu_reply_json(x, status, json_pack("{s:[s], s:s?, s:s, s:s}",
	    "schemas", emu_scim_error, "scimType", type, "detail", detail,
	    "status", st));
}

static json_t *
emu_sp_resource(const struct emu_state *st, const struct emu_user *u)
{
	char id[32];

	snprintf(id, sizeof id, "%lld", (long long)u->id);
	return json_pack("{s:[s], s:s, s:s, s:s, s:b, s:o?}", "schemas",
	    "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal",
	    "id", id, "applicationId", u->name, "displayName", u->display,
	    "active", 1, "groups", emu_scim_groups(st, u));
}

/* One term of a filter: ATTR OP VALUE, then "and" or "or" (or the end). */
struct emu_term {
	char	 attr[32];
	char	 op[4];
	char	 value[256];
	int	 or_next;	/* the next term starts an alternative */
};

/* Copy a word of letters, digits and dots at *p into out. */
static int
emu_filter_word(const char **p, char *out, size_t len)
{
	size_t n = 0;

	while (**p == ' ')
		(*p)++;
	while ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') ||
	    (**p >= '0' && **p <= '9') || **p == '.' || **p == '-') {
		if (n + 1 >= len)
			return -1;
		out[n++] = *(*p)++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* A quoted string (\" and \\ escaped) or a bare word, into out. */
static int
emu_filter_value(const char **p, char *out, size_t len)
{
	size_t n = 0;

	while (**p == ' ')
		(*p)++;
	if (**p != '"')
		return emu_filter_word(p, out, len);
	for ((*p)++; **p != '"'; (*p)++) {
		if (**p == '\\' && (*p)[1] != '\0')
			(*p)++;
		if (**p == '\0' || n + 1 >= len)
			return -1;
		out[n++] = **p;
	}
	(*p)++;
	out[n] = '\0';
	return 0;
}

/* Parse a filter into terms; the number of terms, or -1. */
static int
emu_filter_parse(const char *p, struct emu_term *t)
{
	char conj[8];
	int n = 0;

	for (;;) {
		if (n == EMU_FILTER_MAX || emu_filter_word(&p, t[n].attr,
		    sizeof t[n].attr) != 0 || emu_filter_word(&p, t[n].op,
		    sizeof t[n].op) != 0 || emu_filter_value(&p, t[n].value,
		    sizeof t[n].value) != 0)
			return -1;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return n + 1;
		if (emu_filter_word(&p, conj, sizeof conj) != 0 ||
		    (strcasecmp(conj, "and") != 0 && strcasecmp(conj, "or") != 0))
			return -1;
		t[n++].or_next = strcasecmp(conj, "or") == 0;
	}
}

/* The value of a filter attribute for u, or NULL when unknown. */
static const char *
emu_sp_attr(const struct emu_user *u, const char *attr, char *id, size_t len)
{
	if (strcasecmp(attr, "applicationId") == 0)
		return u->name;
	if (strcasecmp(attr, "displayName") == 0)
		return u->display;
	if (strcasecmp(attr, "active") == 0)
		return "true";
	if (strcasecmp(attr, "id") != 0)
		return NULL;
	snprintf(id, len, "%lld", (long long)u->id);
	return id;
}

/* Compare by a SCIM operator; -1 when the operator is unknown. */
static int
emu_filter_op(const char *op, const char *have, const char *want)
{
	size_t h = strlen(have), w = strlen(want);

	if (strcasecmp(op, "eq") == 0)
		return strcasecmp(have, want) == 0;
	if (strcasecmp(op, "ne") == 0)
		return strcasecmp(have, want) != 0;
	if (strcasecmp(op, "co") == 0)
		return strcasestr(have, want) != NULL;
	if (strcasecmp(op, "sw") == 0)
		return strncasecmp(have, want, w) == 0;
	if (strcasecmp(op, "ew") == 0)
		return h >= w && strcasecmp(have + h - w, want) == 0;
	return -1;
}

/* Whether u matches the terms; -1 on an unknown attribute or operator. */
static int
emu_filter_match(const struct emu_user *u, const struct emu_term *t, int n)
{
	const char *have;
	char id[32];
	int i, all = 1, any = 0, m;

	for (i = 0; i < n; i++) {
		if ((have = emu_sp_attr(u, t[i].attr, id, sizeof id)) == NULL ||
		    (m = emu_filter_op(t[i].op, have, t[i].value)) < 0)
			return -1;
		all = all && m;
		if (t[i].or_next || i == n - 1) {
			any = any || all;
			all = 1;
		}
	}
	return any;
}

/* A positive integer query argument, or def. */
static long
emu_query_long(struct emu_ctx *x, const char *key, long def, long max)
{
	const char *v = x->req->arg(x->req->arg_cls, key);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 0)
		return def;
	return n > max ? max : n;
}

/* Add the service principals matching the filter to list; the number that
 * matched, or -1 (answered 400). */
static long
emu_sp_select(struct emu_ctx *x, json_t *list, long start, long count)
{
	const char *f = x->req->arg(x->req->arg_cls, "filter");
	struct emu_term terms[EMU_FILTER_MAX];
	int nterms = 0, m;
	long matched = 0;
	size_t i;

	if (f != NULL && *f != '\0' && (nterms = emu_filter_parse(f, terms)) < 0) {
		emu_scim_err(x, 400, "invalidFilter", "Invalid filter");
		return -1;
	}
	for (i = 0; i < x->st->nusers; i++) {
		if (!x->st->users[i]->sp)
			continue;
		m = nterms == 0 ? 1 : emu_filter_match(x->st->users[i], terms,
		    nterms);
		if (m < 0) {
			emu_scim_err(x, 400, "invalidFilter", "Invalid filter: "
			    "unknown attribute or operator");
			return -1;
		}
		if (m && ++matched >= start && (long)json_array_size(list) < count)
			json_array_append_new(list, emu_sp_resource(x->st,
			    x->st->users[i]));
	}
	return matched;
}

void
h_sp_list(struct emu_ctx *x)
{
	long start = emu_query_long(x, "startIndex", 1, 1L << 30);
	long count = emu_query_long(x, "count", EMU_SCIM_COUNT_MAX,
	    EMU_SCIM_COUNT_MAX);
	json_t *list = json_array(), *doc;
	long total;

	if (start < 1)
		start = 1;
	if (list == NULL || (total = emu_sp_select(x, list, start, count)) < 0) {
		json_decref(list);
		if (x->resp->status == 0)
			emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	doc = json_pack("{s:[s], s:I, s:I, s:I}", "schemas",
	    "urn:ietf:params:scim:api:messages:2.0:ListResponse",
	    "totalResults", (json_int_t)total, "startIndex", (json_int_t)start,
	    "itemsPerPage", (json_int_t)json_array_size(list));
	/* Like the real service: no Resources when there are none. */
	if (doc != NULL && json_array_size(list) > 0)
		json_object_set(doc, "Resources", list);
	json_decref(list);
	emu_reply_json(x, 200, doc);
}

void
h_sp_get(struct emu_ctx *x)
{
	char id[32], detail[320];
	size_t i;

	for (i = 0; i < x->st->nusers; i++) {
		snprintf(id, sizeof id, "%lld", (long long)x->st->users[i]->id);
		if (x->st->users[i]->sp && strcmp(id, x->wild) == 0) {
			emu_reply_json(x, 200, emu_sp_resource(x->st,
			    x->st->users[i]));
			return;
		}
	}
	snprintf(detail, sizeof detail, "Service principal with id %s not "
	    "found", x->wild);
	emu_scim_err(x, 404, NULL, detail);
}
