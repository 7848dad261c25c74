/*
 * emu_api_ctl.c: test control of patrol-emulator, under /emulator/.
 *
 * No authentication, never faulted, not counted in the statistics:
 *
 * GET /emulator/stats       what the emulator received (requests by method
 *                           and path, revokes, updates, creates, faults,
 *                           peaks), active_tokens per user, and "server":
 *                           live tokens the server changed by itself
 *                           (narrowed, revoked_unused, deleted_by_permissions)
 * POST /emulator/reset-stats   start the counts again
 * POST /emulator/tokens     make a token with exact properties (below)
 * GET /emulator/clock       {"now_ms":N,"frozen":B}: the emulator's time,
 *                           and whether it stands still (--now-ms)
 * POST /emulator/clock      move the time forward and let the server apply
 *                           its rules as of then (emu_clock.h): the body is
 *                           {"advance_ms":N} (N >= 0) or {"now_ms":T} (T not
 *                           before now). Answers {"previous_ms","now_ms",
 *                           "frozen","narrowed":[ids],"revoked":[ids]}; 400
 *                           for a move backwards or a malformed body
 * POST /emulator/use        a token's use of an API, as if it had called it:
 *                           {"token_id"|"token_value", "path":"/api/…",
 *                           "method" (default GET)}. The checks of a real
 *                           call apply (404 unknown token, 403 expired, no
 *                           permission or a missing scope); then its last
 *                           use is now and, while observed, the path's scope
 *                           is inferred (emu_scope.h). Answers
 *                           {"token_info":TokenInfo}. For tokens whose value
 *                           a test does not know (--generate).
 * POST /emulator/hold       {"path":SUBSTR}: the next request whose path
 *                           contains SUBSTR is counted on arrival, then kept
 *                           unprocessed until POST /emulator/release (at
 *                           most a minute): a test kills the client with a
 *                           request on the wire, at no point that timing
 *                           decides, then lets the server go on with it.
 *                           Answers {"held":B} (a request waits already)
 * POST /emulator/release    let the held request (if any) go on; a hold not
 *                           yet used is dropped. Answers {"released":B}
 * POST /emulator/lie        {"create_id":ID|null}: from now on every create
 *                           (own or on behalf) answers token_id ID, as a
 *                           hostile server would, while the token it makes
 *                           keeps its real id (the SHA-256 of its value);
 *                           null: the truth again. Answers {}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_access.h"
#include "emu_api_int.h"
#include "emu_clock.h"
#include "emu_scope.h"

void
h_stats(struct emu_ctx *x)
{
	char *s = emu_stats_dump(x->st);

	if (s == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	free(x->resp->body);
	x->resp->status = 200;
	x->resp->ctype = "application/json";
	x->resp->body = s;
	x->resp->len = strlen(s);
}

void
h_reset_stats(struct emu_ctx *x)
{
	emu_stats_reset(x->st);
	emu_api_reply(x->resp, 200, "application/json", "{}");
}

/* ---- POST /emulator/tokens ------------------------------------------ */

int
emu_opt_int(struct emu_ctx *x, const char *key, int64_t *out)
{
	json_t *v = json_object_get(x->body, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (emu_json_int(v, out) == 0)
		return 1;
	emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "%s must be an integer",
	    key);
	return -1;
}

int
emu_opt_str(struct emu_ctx *x, const char *key, const char **out)
{
	json_t *v = json_object_get(x->body, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "%s must be a string", key);
	return -1;
}

/* The owner or creator named by key (default def), made when new. */
static struct emu_user *
emu_ctl_user(struct emu_ctx *x, const char *key, const char *def)
{
	const char *name;
	struct emu_user *u;

	if (emu_opt_str(x, key, &name) != 0)
		return NULL;
	if (name == NULL)
		name = def;
	if (*name == '\0') {
		emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "%s must not be empty",
		    key);
		return NULL;
	}
	if ((u = emu_user_get(x->st, name, 0, 0)) == NULL)
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
	return u;
}

/* "groups": names of groups the owner joins (made when new). */
static int
emu_ctl_groups(struct emu_ctx *x, struct emu_user *u)
{
	json_t *g = json_object_get(x->body, "groups"), *v;
	size_t i;

	if (g == NULL || json_is_null(g))
		return 0;
	json_array_foreach(g, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			break;
	}
	if (!json_is_array(g) || i < json_array_size(g)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "groups must be an array of group names");
		return -1;
	}
	json_array_foreach(g, i, v) {
		if (emu_group_join(x->st, u, json_string_value(v)) != 0) {
			emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "at most %d "
			    "groups", EMU_MAX_GROUPS);
			return -1;
		}
	}
	return 0;
}

/* "admin" and "service_principal" booleans mark the owner; "groups" adds
 * it to groups. */
static int
emu_ctl_user_kind(struct emu_ctx *x, struct emu_user *u)
{
	json_t *a = json_object_get(x->body, "admin");
	json_t *sp = json_object_get(x->body, "service_principal");

	if ((a != NULL && !json_is_boolean(a)) ||
	    (sp != NULL && !json_is_boolean(sp))) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "admin and service_principal must be true or false");
		return -1;
	}
	if (a != NULL)
		u->admin = json_is_true(a);
	if (sp != NULL)
		u->sp = json_is_true(sp);
	return emu_ctl_groups(x, u);
}

/* autoscope_state by wire name ("" or absent: none). */
static int
emu_ctl_autoscope(struct emu_ctx *x, int has_scopes, enum emu_autoscope *out)
{
	const char *name;
	int i;

	*out = has_scopes ? EMU_AS_USER_SELECTED : EMU_AS_NONE;
	if (emu_opt_str(x, "autoscope_state", &name) != 0)
		return -1;
	if (name == NULL)
		return 0;
	for (i = 0; i < EMU_AS_COUNT; i++) {
		if (strcmp(name, emu_autoscope_name((enum emu_autoscope)i)) == 0) {
			*out = (enum emu_autoscope)i;
			return 0;
		}
	}
	emu_errf(x, 400, "INVALID_PARAMETER_VALUE",
	    "Unknown autoscope_state: %s", name);
	return -1;
}

/* A scope list field (compact JSON or NULL); -1 answered 400. */
static int
emu_ctl_list(struct emu_ctx *x, const char *key, char **out)
{
	return emu_check_scopes(x, json_object_get(x->body, key), out);
}

/* Make the token: from token_value, a given token_id, or a fresh value. */
static struct emu_token *
emu_ctl_make(struct emu_ctx *x, struct emu_user *owner,
    struct emu_user *creator, char value[64])
{
	const char *v, *id;
	struct emu_token *t;
	char hash[SHA256_HEX_LEN + 1];

	value[0] = '\0';
	if (emu_opt_str(x, "token_value", &v) != 0 ||
	    emu_opt_str(x, "token_id", &id) != 0)
		return NULL;
	if (v != NULL && id != NULL) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "give token_value or token_id, not both");
		return NULL;
	}
	if ((v != NULL && (*v == '\0' || strlen(v) >= 64)) ||
	    (id != NULL && strlen(id) != SHA256_HEX_LEN)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE", "token_value must be "
		    "1-63 bytes; token_id exactly 64 characters");
		return NULL;
	}
	if (v != NULL)
		sha256_hex(v, strlen(v), hash);
	if ((v != NULL && emu_token_find(x->st, hash) != NULL) ||
	    (id != NULL && emu_token_find(x->st, id) != NULL)) {
		emu_err(x, 409, "ALREADY_EXISTS", "A token with this id exists");
		return NULL;
	}
	if (v != NULL) {
		snprintf(value, 64, "%s", v);
		t = emu_token_add(x->st, v, owner, creator);
	} else if (id != NULL) {
		/* Made from a placeholder value, then renamed and rehashed. */
		if ((t = emu_token_add(x->st, "", owner, creator)) != NULL)
			emu_token_set_id(x->st, t, id);
	} else
		t = emu_token_new(x->st, &x->st->rng_values, owner, creator,
		    value);
	if (t == NULL)
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
	return t;
}

/* Set times, comment, scopes and autoscope of a new control token. */
static int
emu_ctl_fill(struct emu_ctx *x, struct emu_token *t, int64_t created,
    int64_t expiry, int64_t used, const char *comment)
{
	char *scopes = NULL, *inferred = NULL, *backfill = NULL;
	enum emu_autoscope as;

	if (emu_ctl_list(x, "scopes", &scopes) != 0 ||
	    emu_ctl_list(x, "inferred_scopes", &inferred) != 0 ||
	    emu_ctl_list(x, "backfill_scopes", &backfill) != 0 ||
	    emu_ctl_autoscope(x, scopes != NULL, &as) != 0 ||
	    (comment != NULL && emu_token_set_comment(t, comment) != 0)) {
		free(scopes);
		free(inferred);
		free(backfill);
		if (x->resp->status == 0)
			emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return -1;
	}
	t->creation_time = created;
	t->expiry_time = expiry;
	t->last_used = used;
	t->scopes = scopes;
	t->inferred = inferred;
	t->backfill = backfill;
	t->autoscope = as;
	return 0;
}

/*
 * POST /emulator/tokens: a token with exact properties. Every field is
 * optional:
 *   user               owner's user name (default admin@example.com; made
 *                      as a plain user when new)
 *   admin, service_principal   booleans: mark the owner so (even if it exists)
 *   groups             groups the owner joins (made when new)
 *   created_by         creator's user name (default: the owner)
 *   comment            any string (no length check)
 *   creation_time      ms (default now)
 *   expiry_time        ms or -1 (default creation + the workspace maximum);
 *                      a past expiry makes an expired token, which lists
 *                      leave out like every expired token
 *   last_used_day, last_accessed_time   ms of last use (default never);
 *                      the Token API shows it as last_accessed_time, token
 *                      management as last_used_day (to the day)
 *   scopes, inferred_scopes, backfill_scopes   arrays of names
 *   autoscope_state    a wire name (default USER_SELECTED with scopes)
 *   token_value        the secret (default a fresh dapi value); or
 *   token_id           exactly 64 characters, for a token with no value
 * Answers {"token_id","token_value" (unless token_id was given),
 * "token_info":TokenInfo}. No quota, lifetime or comment checks: tests may
 * build any state. 400 on a malformed field, 409 if the id exists.
 */
void
h_ctl_token(struct emu_ctx *x)
{
	struct emu_user *owner, *creator;
	struct emu_token *t;
	struct emu_buf b = { 0 };
	const char *comment;
	char value[64];
	int64_t now = emu_now_ms(x->st), created = now, expiry, used = 0, acc;
	int has_expiry, rc;

	if (emu_body(x) != 0 ||
	    (owner = emu_ctl_user(x, "user", "admin@example.com")) == NULL ||
	    emu_ctl_user_kind(x, owner) != 0 ||
	    (creator = emu_ctl_user(x, "created_by", owner->name)) == NULL ||
	    emu_opt_str(x, "comment", &comment) != 0 ||
	    emu_opt_int(x, "creation_time", &created) < 0 ||
	    (has_expiry = emu_opt_int(x, "expiry_time", &expiry)) < 0 ||
	    emu_opt_int(x, "last_used_day", &used) < 0 ||
	    (rc = emu_opt_int(x, "last_accessed_time", &acc)) < 0)
		return;
	if (rc == 1)
		used = acc;
	if (!has_expiry)
		expiry = created + (int64_t)emu_max_days(x->st) * EMU_DAY_MS;
	if (created <= 0 || used < 0 || (expiry <= 0 && expiry != -1)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE", "creation_time must be "
		    "positive, expiry_time positive or -1, last use >= 0");
		return;
	}
	if ((t = emu_ctl_make(x, owner, creator, value)) == NULL)
		return;
	if (emu_ctl_fill(x, t, created, expiry, used, comment) != 0) {
		emu_token_remove(x->st, t);
		return;
	}
	emu_buf_str(&b, "{\"token_id\":");
	emu_buf_jstr(&b, t->id);
	if (value[0] != '\0') {
		emu_buf_str(&b, ",\"token_value\":");
		emu_buf_jstr(&b, value);
	}
	emu_buf_str(&b, ",\"token_info\":");
	emu_buf_token(&b, x->st, t, 1);
	emu_buf_str(&b, "}");
	emu_reply_buf(x, 200, &b);
}

/* ---- /emulator/clock ------------------------------------------------- */

void
h_clock_get(struct emu_ctx *x)
{
	emu_reply_json(x, 200, json_pack("{s:I, s:b}", "now_ms",
	    (json_int_t)emu_now_ms(x->st), "frozen", emu_clock_frozen(x->st)));
}

/* Where {"advance_ms":N} or {"now_ms":T} moves the clock; -1 answered 400. */
static int
emu_clock_target(struct emu_ctx *x, int64_t now, int64_t *to)
{
	int64_t v = 0;
	int adv, at;

	if ((adv = emu_opt_int(x, "advance_ms", &v)) < 0 ||
	    (at = emu_opt_int(x, "now_ms", to)) < 0)
		return -1;
	if (adv + at != 1) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "give advance_ms or now_ms, one of them");
		return -1;
	}
	if (adv && v > INT64_MAX - now) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE", "advance_ms is too large");
		return -1;
	}
	if (adv)
		*to = now + v;
	if (*to < now) {
		emu_errf(x, 400, "INVALID_PARAMETER_VALUE", "the clock only "
		    "moves forward: it is %lld now", (long long)now);
		return -1;
	}
	return 0;
}

void
h_clock_post(struct emu_ctx *x)
{
	int64_t now = emu_now_ms(x->st), to;
	json_t *narrowed = json_array(), *revoked = json_array();

	if (emu_body(x) != 0 || emu_clock_target(x, now, &to) != 0) {
		json_decref(narrowed);
		json_decref(revoked);
		return;
	}
	if (narrowed == NULL || revoked == NULL ||
	    emu_clock_move(x->st, to, narrowed, revoked) != 0) {
		json_decref(narrowed);
		json_decref(revoked);
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	emu_reply_json(x, 200, json_pack("{s:I, s:I, s:b, s:o, s:o}",
	    "previous_ms", (json_int_t)now, "now_ms",
	    (json_int_t)emu_now_ms(x->st),
	    "frozen", emu_clock_frozen(x->st), "narrowed", narrowed,
	    "revoked", revoked));
}

/* ---- /emulator/use ----------------------------------------------------- */

/* The token named by token_id or token_value; answers 400/404 if none. */
static struct emu_token *
emu_use_token(struct emu_ctx *x)
{
	const char *id, *v;
	char hash[SHA256_HEX_LEN + 1];
	struct emu_token *t;

	if (emu_opt_str(x, "token_id", &id) != 0 ||
	    emu_opt_str(x, "token_value", &v) != 0)
		return NULL;
	if ((id == NULL) == (v == NULL)) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "give token_id or token_value, one of them");
		return NULL;
	}
	if (v != NULL) {
		sha256_hex(v, strlen(v), hash);
		id = hash;
	}
	if ((t = emu_token_find(x->st, id)) == NULL)
		emu_errf(x, 404, "NOT_FOUND", "Token with ID %s does not exist.",
		    id);
	return t;
}

void
h_ctl_hold(struct emu_ctx *x)
{
	const char *path;
	char *copy;

	if (emu_body(x) != 0 || emu_opt_str(x, "path", &path) != 0)
		return;
	if (path == NULL || *path == '\0') {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE", "path is required");
		return;
	}
	if ((copy = strdup(path)) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	free(x->st->hold_path);
	x->st->hold_path = copy;
	emu_reply_json(x, 200, json_pack("{s:b}", "held", x->st->holding));
}

void
h_ctl_release(struct emu_ctx *x)
{
	int was = x->st->holding;

	free(x->st->hold_path);
	x->st->hold_path = NULL;
	x->st->hold_gen++;
	emu_reply_json(x, 200, json_pack("{s:b}", "released", was));
}

void
h_ctl_use(struct emu_ctx *x)
{
	struct emu_buf b = { 0 };
	struct emu_token *t;
	const char *path, *method, *scope;

	if (emu_body(x) != 0 || emu_opt_str(x, "path", &path) != 0 ||
	    emu_opt_str(x, "method", &method) != 0)
		return;
	if (path == NULL || strncmp(path, "/api/", 5) != 0) {
		emu_err(x, 400, "INVALID_PARAMETER_VALUE",
		    "path must be an API path (/api/...)");
		return;
	}
	if ((t = emu_use_token(x)) == NULL)
		return;
	scope = emu_scope_of(path);
	if (emu_token_expired(x->st, t)) {
		emu_err(x, 403, "PERMISSION_DENIED", "Invalid access token.");
		return;
	}
	if (!emu_pat_allowed(x, t, scope, method != NULL ? method : "GET"))
		return;
	if (emu_scope_use(x->st, t, scope) != 0) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	emu_buf_str(&b, "{\"token_info\":");
	emu_buf_token(&b, x->st, t, 1);
	emu_buf_str(&b, "}");
	emu_reply_buf(x, 200, &b);
}

void
h_ctl_lie(struct emu_ctx *x)
{
	const char *id;
	char *copy = NULL;

	if (emu_body(x) != 0 || emu_opt_str(x, "create_id", &id) != 0)
		return;
	if (id != NULL && (copy = strdup(id)) == NULL) {
		emu_err(x, 500, "INTERNAL_ERROR", "Out of memory");
		return;
	}
	free(x->st->lie_create_id);
	x->st->lie_create_id = copy;
	emu_reply_json(x, 200, json_object());
}
