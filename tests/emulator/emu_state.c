/*
 * emu_state.c: the in-memory workspace of patrol-emulator.
 *
 * Tokens live in one array in creation order (deleted ones leave a hole
 * that is compacted once holes are half the array) and in a chained hash
 * table keyed by token id, so that authentication, lookup and revoke are
 * O(1) with 100,000 tokens. Token objects are written straight into an
 * output buffer: the list of 100,000 tokens is about 50 MB and jansson
 * would spend most of its time allocating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu_state.h"
#include "utf8.h"

#define EMU_HASH_INITIAL 1024
#define EMU_MAX_STAT_KEYS 10000

static const char *emu_autoscope_names[] = {
#define X(name, str) str,
	EMU_AUTOSCOPE_LIST
#undef X
};

static const char *emu_server_action_names[] = {
#define X(name, str) str,
	EMU_SERVER_ACTION_LIST
#undef X
};

void
emu_rng_seed(struct emu_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t
emu_rng_next(struct emu_rng *r)
{
	uint64_t z;

	r->s += 0x9e3779b97f4a7c15ULL;
	z = r->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A double in [0, 1). */
double
emu_rng_unit(struct emu_rng *r)
{
	return (double)(emu_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t
emu_rng_below(struct emu_rng *r, uint64_t n)
{
	return n == 0 ? 0 : emu_rng_next(r) % n;
}

int64_t
emu_now_ms(const struct emu_state *st)
{
	struct timespec ts;

	if (st->fixed_now != 0)
		return st->fixed_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    st->clock_offset;
}

const char *
emu_autoscope_name(enum emu_autoscope a)
{
	return a < EMU_AS_COUNT ? emu_autoscope_names[a] : "";
}

const char *
emu_server_action_name(enum emu_server_action a)
{
	return a < EMU_SERVER_COUNT ? emu_server_action_names[a] : "";
}

size_t
emu_utf8_len(const char *s)
{
	size_t n = 0, len = strlen(s), i = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_next(s + i, len - i, &cp);
		n++;
	}
	return n;
}

/* The groups every workspace has, and the permissions of a new one: admins
 * manage tokens (inherited, not stored), every user may use them. */
static int
emu_state_default_access(struct emu_state *st)
{
	if ((st->groups = calloc(EMU_MAX_GROUPS, sizeof *st->groups)) == NULL ||
	    (st->groups[EMU_GROUP_ADMINS] = strdup("admins")) == NULL ||
	    (st->groups[EMU_GROUP_USERS] = strdup("users")) == NULL ||
	    (st->grants = calloc(1, sizeof *st->grants)) == NULL)
		return -1;
	st->ngroups = 2;
	st->ngrants = 1;
	st->grants[0].kind = EMU_PRINCIPAL_GROUP;
	st->grants[0].name = strdup("users");
	st->grants[0].level = strdup("CAN_USE");
	return (st->grants[0].name == NULL || st->grants[0].level == NULL) ?
	    -1 : 0;
}

struct emu_state *
emu_state_new(uint64_t seed)
{
	struct emu_state *st;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->hashsize = EMU_HASH_INITIAL;
	st->hash = calloc(st->hashsize, sizeof *st->hash);
	st->stats.requests = json_object();
	st->stats.revokes = json_object();
	st->stats.updates = json_array();
	if (st->hash == NULL || st->stats.requests == NULL ||
	    st->stats.revokes == NULL || st->stats.updates == NULL ||
	    emu_state_default_access(st) != 0) {
		emu_state_free(st);
		return NULL;
	}
	st->tokens_enabled = 1;
	st->oauth_expires_in = 3600;
	st->workspace_id = 6051921418418893LL;
	emu_rng_seed(&st->rng_values, seed ^ 0x5eed5eed5eed5eedULL);
	return st;
}

static void
emu_token_free(struct emu_token *t)
{
	free(t->comment);
	free(t->scopes);
	free(t->inferred);
	free(t->backfill);
	free(t);
}

void
emu_state_free(struct emu_state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ntokens; i++) {
		if (st->tokens[i] != NULL)
			emu_token_free(st->tokens[i]);
	}
	for (i = 0; i < st->nusers; i++) {
		free(st->users[i]->name);
		free(st->users[i]->display);
		free(st->users[i]);
	}
	for (i = 0; i < st->nclients; i++) {
		free(st->clients[i].id);
		free(st->clients[i].secret);
		free(st->clients[i].tenant);
	}
	free(st->clients);
	for (i = 0; i < st->notokens; i++)
		free(st->otokens[i].value);
	free(st->otokens);
	for (i = 0; i < st->nfederated; i++)
		free(st->federated[i].jwt);
	free(st->federated);
	free(st->users);
	free(st->tokens);
	free(st->hash);
	free(st->base_url);
	for (i = 0; st->groups != NULL && i < EMU_MAX_GROUPS; i++)
		free(st->groups[i]);
	free(st->groups);
	for (i = 0; i < st->ngrants; i++) {
		free((char *)st->grants[i].name);
		free((char *)st->grants[i].level);
	}
	free(st->grants);
	free(st->hold_path);
	free(st->lie_create_id);
	json_decref(st->stats.requests);
	json_decref(st->stats.revokes);
	json_decref(st->stats.updates);
	free(st);
}

struct emu_user *
emu_user_find(struct emu_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nusers; i++) {
		if (strcmp(st->users[i]->name, name) == 0)
			return st->users[i];
	}
	return NULL;
}

/* Display name: "Admin" for admins, else the part before '@'. */
static char *
emu_display_name(const char *name, int admin)
{
	const char *at;

	if (admin)
		return strdup("Admin");
	at = strchr(name, '@');
	return strndup(name, at != NULL ? (size_t)(at - name) : strlen(name));
}

/* Replace the string *dst by a copy of s; -1 (and *dst kept) on failure. */
static int
emu_str_set(char **dst, const char *s)
{
	char *c;

	if ((c = strdup(s)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

int
emu_user_set_display(struct emu_user *u, const char *display)
{
	return emu_str_set(&u->display, display);
}

struct emu_user *
emu_user_get(struct emu_state *st, const char *name, int admin, int sp)
{
	struct emu_user *u, **nu;

	if ((u = emu_user_find(st, name)) != NULL)
		return u;
	nu = realloc(st->users, (st->nusers + 1) * sizeof *nu);
	if (nu == NULL)
		return NULL;
	st->users = nu;
	if ((u = calloc(1, sizeof *u)) == NULL)
		return NULL;
	u->name = strdup(name);
	u->display = emu_display_name(name, admin);
	if (u->name == NULL || u->display == NULL) {
		free(u->name);
		free(u->display);
		free(u);
		return NULL;
	}
	u->id = 1000 + (int64_t)st->nusers;
	u->admin = admin;
	u->sp = sp;
	st->users[st->nusers++] = u;
	return u;
}

static size_t
emu_hash_of(const struct emu_state *st, const char *id)
{
	uint64_t h = 0;
	int i;

	/* The id is already a SHA-256: its first 16 hex digits are uniform. */
	for (i = 0; i < 16 && id[i] != '\0'; i++)
		h = h * 16 + (uint64_t)(id[i] <= '9' ? id[i] - '0' :
		    (id[i] | 0x20) - 'a' + 10);
	return (size_t)(h & (st->hashsize - 1));
}

/* Double the hash table when it is fuller than one entry a bucket. */
static int
emu_hash_grow(struct emu_state *st)
{
	struct emu_token **nh, *t, *next;
	size_t i, oldsize = st->hashsize, b;
	struct emu_token **old = st->hash;

	if ((nh = calloc(oldsize * 2, sizeof *nh)) == NULL)
		return -1;
	st->hash = nh;
	st->hashsize = oldsize * 2;
	for (i = 0; i < oldsize; i++) {
		for (t = old[i]; t != NULL; t = next) {
			next = t->hnext;
			b = emu_hash_of(st, t->id);
			t->hnext = nh[b];
			nh[b] = t;
		}
	}
	free(old);
	return 0;
}

/* Squeeze the holes out of the token array, keeping the order. */
static void
emu_tokens_compact(struct emu_state *st)
{
	size_t i, j = 0;

	for (i = 0; i < st->ntokens; i++) {
		if (st->tokens[i] == NULL)
			continue;
		st->tokens[i]->slot = j;
		st->tokens[j++] = st->tokens[i];
	}
	st->ntokens = j;
	st->nholes = 0;
}

static int
emu_tokens_reserve(struct emu_state *st)
{
	struct emu_token **nt;
	size_t ncap;

	if (st->nholes > 0 && st->nholes * 2 >= st->ntokens)
		emu_tokens_compact(st);
	if (st->ntokens < st->tokcap)
		return 0;
	ncap = st->tokcap == 0 ? 256 : st->tokcap * 2;
	if ((nt = realloc(st->tokens, ncap * sizeof *nt)) == NULL)
		return -1;
	st->tokens = nt;
	st->tokcap = ncap;
	return 0;
}

struct emu_token *
emu_token_add(struct emu_state *st, const char *value, struct emu_user *owner,
    struct emu_user *creator)
{
	struct emu_token *t;
	size_t b;

	if (emu_tokens_reserve(st) != 0)
		return NULL;
	if (st->ntokens >= st->hashsize && emu_hash_grow(st) != 0)
		return NULL;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	if ((t->comment = strdup("")) == NULL) {
		free(t);
		return NULL;
	}
	sha256_hex(value, strlen(value), t->id);
	t->creation_time = emu_now_ms(st);
	t->expiry_time = -1;
	t->owner = owner;
	t->creator = creator;
	t->slot = st->ntokens;
	st->tokens[st->ntokens++] = t;
	b = emu_hash_of(st, t->id);
	t->hnext = st->hash[b];
	st->hash[b] = t;
	owner->ntokens++;
	return t;
}

struct emu_token *
emu_token_new(struct emu_state *st, struct emu_rng *r, struct emu_user *owner,
    struct emu_user *creator, char value_out[37])
{
	uint64_t a = emu_rng_next(r), b = emu_rng_next(r);

	snprintf(value_out, 37, "dapi%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
	return emu_token_add(st, value_out, owner, creator);
}

struct emu_token *
emu_token_find(struct emu_state *st, const char *id)
{
	struct emu_token *t;

	if (strlen(id) != SHA256_HEX_LEN)
		return NULL;
	for (t = st->hash[emu_hash_of(st, id)]; t != NULL; t = t->hnext) {
		if (strcmp(t->id, id) == 0)
			return t;
	}
	return NULL;
}

/* Unlink t from its hash chain. */
static void
emu_hash_unlink(struct emu_state *st, struct emu_token *t)
{
	struct emu_token **pp;

	for (pp = &st->hash[emu_hash_of(st, t->id)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			return;
		}
	}
}

void
emu_token_remove(struct emu_state *st, struct emu_token *t)
{
	emu_hash_unlink(st, t);
	st->tokens[t->slot] = NULL;
	st->nholes++;
	t->owner->ntokens--;
	emu_token_free(t);
}

void
emu_token_set_id(struct emu_state *st, struct emu_token *t, const char *id)
{
	size_t b;

	emu_hash_unlink(st, t);
	snprintf(t->id, sizeof t->id, "%s", id);
	b = emu_hash_of(st, t->id);
	t->hnext = st->hash[b];
	st->hash[b] = t;
}

int
emu_token_expired(const struct emu_state *st, const struct emu_token *t)
{
	return t->expiry_time > 0 && emu_now_ms(st) > t->expiry_time;
}

size_t
emu_user_active(struct emu_state *st, const struct emu_user *u)
{
	size_t i, n = 0;
	int64_t now = emu_now_ms(st);
	struct emu_token *t;

	for (i = 0; i < st->ntokens; i++) {
		t = st->tokens[i];
		if (t != NULL && t->owner == u &&
		    !(t->expiry_time > 0 && now > t->expiry_time))
			n++;
	}
	return n;
}

int
emu_token_set_comment(struct emu_token *t, const char *comment)
{
	return emu_str_set(&t->comment, comment);
}

int
emu_token_set_scopes(struct emu_token *t, const char *json)
{
	char *s = NULL;

	if (json != NULL && (s = strdup(json)) == NULL)
		return -1;
	free(t->scopes);
	t->scopes = s;
	return 0;
}

struct emu_user *
emu_auth_bearer(struct emu_state *st, const char *bearer, struct emu_token **pat)
{
	char id[SHA256_HEX_LEN + 1];
	struct emu_token *t;
	int64_t now = emu_now_ms(st);
	size_t i;

	if (pat != NULL)
		*pat = NULL;
	for (i = 0; i < st->notokens; i++) {
		if (strcmp(st->otokens[i].value, bearer) == 0 &&
		    now < st->otokens[i].expires)
			return st->otokens[i].owner;
	}
	sha256_hex(bearer, strlen(bearer), id);
	if ((t = emu_token_find(st, id)) == NULL || emu_token_expired(st, t))
		return NULL;
	if (pat != NULL)
		*pat = t;
	return t->owner;
}

int
emu_oauth_add_client(struct emu_state *st, const char *tenant, const char *id,
    const char *secret)
{
	struct emu_oauth_client *nc, *c;
	struct emu_user *owner;

	owner = tenant == NULL ? emu_user_find(st, "admin@example.com") :
	    emu_user_get(st, id, 0, 1);
	if (owner == NULL)
		return -1;
	nc = realloc(st->clients, (st->nclients + 1) * sizeof *nc);
	if (nc == NULL)
		return -1;
	st->clients = nc;
	c = &nc[st->nclients];
	memset(c, 0, sizeof *c);
	c->id = strdup(id);
	c->secret = strdup(secret);
	c->tenant = tenant != NULL ? strdup(tenant) : NULL;
	c->owner = owner;
	if (c->id == NULL || c->secret == NULL || (tenant != NULL && c->tenant == NULL)) {
		free(c->id);
		free(c->secret);
		free(c->tenant);
		return -1;
	}
	st->nclients++;
	return 0;
}

struct emu_user *
emu_oauth_check(struct emu_state *st, const char *tenant, const char *id,
    const char *secret)
{
	const struct emu_oauth_client *c;
	size_t i;

	for (i = 0; i < st->nclients; i++) {
		c = &st->clients[i];
		if ((tenant == NULL) != (c->tenant == NULL) ||
		    (tenant != NULL && strcmp(c->tenant, tenant) != 0))
			continue;
		if (strcmp(c->id, id) == 0 && strcmp(c->secret, secret) == 0)
			return c->owner;
	}
	return NULL;
}

/* Add an access token; forget expired ones first so the list stays short. */
static const char *
emu_oauth_keep(struct emu_state *st, struct emu_user *owner, char *value,
    int64_t expires)
{
	struct emu_oauth_token *ot;
	int64_t now = emu_now_ms(st);
	size_t i, j = 0;

	for (i = 0; i < st->notokens; i++) {
		if (now < st->otokens[i].expires)
			st->otokens[j++] = st->otokens[i];
		else
			free(st->otokens[i].value);
	}
	st->notokens = j;
	ot = value != NULL ? realloc(st->otokens, (st->notokens + 1) * sizeof *ot) : NULL;
	if (ot == NULL) {
		free(value);
		return NULL;
	}
	st->otokens = ot;
	ot += st->notokens++;
	ot->value = value;
	ot->expires = expires;
	ot->owner = owner;
	return value;
}

const char *
emu_oauth_issue(struct emu_state *st, struct emu_user *owner)
{
	char value[48];

	snprintf(value, sizeof value, "eyemu%016llx%016llx",
	    (unsigned long long)emu_rng_next(&st->rng_values),
	    (unsigned long long)emu_rng_next(&st->rng_values));
	return emu_oauth_keep(st, owner, strdup(value),
	    emu_now_ms(st) + st->oauth_expires_in * 1000);
}

int
emu_oauth_add_token(struct emu_state *st, struct emu_user *owner, const char *value)
{
	return emu_oauth_keep(st, owner, strdup(value), INT64_MAX) != NULL ? 0 : -1;
}

int
emu_federated_add(struct emu_state *st, const char *jwt, struct emu_user *owner)
{
	struct emu_federated *nf;

	nf = realloc(st->federated, (st->nfederated + 1) * sizeof *nf);
	if (nf == NULL)
		return -1;
	st->federated = nf;
	if ((nf[st->nfederated].jwt = strdup(jwt)) == NULL)
		return -1;
	nf[st->nfederated++].owner = owner;
	return 0;
}

struct emu_user *
emu_federated_find(struct emu_state *st, const char *jwt)
{
	size_t i;

	for (i = 0; i < st->nfederated; i++) {
		if (strcmp(st->federated[i].jwt, jwt) == 0)
			return st->federated[i].owner;
	}
	return NULL;
}

void
emu_request_id(struct emu_state *st, char out[37])
{
	uint64_t a = emu_rng_next(&st->rng_values);
	uint64_t b = emu_rng_next(&st->rng_values);

	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned int)(a >> 32), (unsigned int)(a >> 16) & 0xffff,
	    (unsigned int)a & 0xfff,
	    (unsigned int)(0x8000 | ((b >> 48) & 0x3fff)),
	    (unsigned long long)(b & 0xffffffffffffULL));
}

/* Add one to a counter in a JSON object, within a cap on distinct keys. */
static void
emu_count_key(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v != NULL)
		json_integer_set(v, json_integer_value(v) + 1);
	else if (json_object_size(obj) < EMU_MAX_STAT_KEYS)
		json_object_set_new(obj, key, json_integer(1));
}

/* Remember an arrival; the peak counts those of the last 1,000 ms. */
static void
emu_stats_per_second(struct emu_stats *s, int64_t mono_ms)
{
	while (s->arr_n > 0 && s->arrivals[s->arr_head] <= mono_ms - 1000) {
		s->arr_head = (s->arr_head + 1) % EMU_RPS_RING;
		s->arr_n--;
	}
	if (s->arr_n == EMU_RPS_RING) {
		s->arr_head = (s->arr_head + 1) % EMU_RPS_RING;
		s->arr_n--;
	}
	s->arrivals[(s->arr_head + s->arr_n) % EMU_RPS_RING] = mono_ms;
	s->arr_n++;
	if (s->arr_n > s->peak_per_second)
		s->peak_per_second = s->arr_n;
}

void
emu_stats_arrival(struct emu_state *st, const char *method, const char *path,
    int64_t mono_ms)
{
	char key[512];

	st->stats.total++;
	snprintf(key, sizeof key, "%s %s", method, path);
	emu_count_key(st->stats.requests, key);
	if (++st->stats.inflight > st->stats.peak_inflight)
		st->stats.peak_inflight = st->stats.inflight;
	emu_stats_per_second(&st->stats, mono_ms);
}

void
emu_stats_answered(struct emu_state *st)
{
	if (st->stats.inflight > 0)
		st->stats.inflight--;
}

void
emu_stats_revoke(struct emu_state *st, const char *id)
{
	emu_count_key(st->stats.revokes, id);
}

void
emu_stats_update(struct emu_state *st, const char *id, const char *mask)
{
	json_array_append_new(st->stats.updates, json_pack("{s:s, s:s}",
	    "token_id", id, "update_mask", mask));
}

void
emu_stats_reset(struct emu_state *st)
{
	json_object_clear(st->stats.requests);
	json_object_clear(st->stats.revokes);
	json_array_clear(st->stats.updates);
	st->stats.total = 0;
	st->stats.creates = 0;
	st->stats.peak_inflight = st->stats.inflight;
	st->stats.arr_head = st->stats.arr_n = 0;
	st->stats.peak_per_second = 0;
	memset(st->stats.faults, 0, sizeof st->stats.faults);
	memset(st->stats.server, 0, sizeof st->stats.server);
}

/* Non-expired tokens of every user, in the order users were made. */
static json_t *
emu_stats_active(struct emu_state *st)
{
	json_t *o = json_object();
	size_t i, *counts;
	int64_t now = emu_now_ms(st);
	struct emu_token *t;

	if (o == NULL || (counts = calloc(st->nusers + 1, sizeof *counts)) ==
	    NULL) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < st->ntokens; i++) {
		t = st->tokens[i];
		if (t != NULL && !(t->expiry_time > 0 && now > t->expiry_time))
			counts[t->owner->id - 1000]++;
	}
	for (i = 0; i < st->nusers; i++)
		json_object_set_new(o, st->users[i]->name,
		    json_integer((json_int_t)counts[i]));
	free(counts);
	return o;
}

/* {"narrowed":N,…}: what the server did by itself. */
static json_t *
emu_stats_server(const struct emu_state *st)
{
	json_t *o = json_object();
	int i;

	for (i = 0; o != NULL && i < EMU_SERVER_COUNT; i++)
		json_object_set_new(o, emu_server_action_name(
		    (enum emu_server_action)i),
		    json_integer((json_int_t)st->stats.server[i]));
	return o;
}

char *
emu_stats_dump(struct emu_state *st)
{
	json_t *doc;
	char *s;

	doc = json_pack("{s:I, s:I, s:I, s:O, s:O, s:O, s:I, "
	    "s:{s:I, s:I, s:I, s:I}, s:o?, s:o?}",
	    "total", (json_int_t)st->stats.total,
	    "peak_inflight", (json_int_t)st->stats.peak_inflight,
	    "peak_per_second", (json_int_t)st->stats.peak_per_second,
	    "requests", st->stats.requests,
	    "revokes", st->stats.revokes,
	    "updates", st->stats.updates,
	    "creates", (json_int_t)st->stats.creates,
	    "faults",
	    "fail", (json_int_t)st->stats.faults[EMU_FAULT_FAIL],
	    "drop", (json_int_t)st->stats.faults[EMU_FAULT_DROP],
	    "garbage", (json_int_t)st->stats.faults[EMU_FAULT_GARBAGE],
	    "rate_limited", (json_int_t)st->stats.faults[EMU_FAULT_RATE_LIMITED],
	    "active_tokens", emu_stats_active(st),
	    "server", emu_stats_server(st));
	if (doc == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return s;
}

void
emu_buf_add(struct emu_buf *b, const char *s, size_t n)
{
	size_t ncap;
	char *np;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
emu_buf_str(struct emu_buf *b, const char *s)
{
	emu_buf_add(b, s, strlen(s));
}

void
emu_buf_int(struct emu_buf *b, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);

	emu_buf_add(b, tmp, (size_t)n);
}

void
emu_buf_jstr(struct emu_buf *b, const char *s)
{
	const char *run = s;
	char esc[8];

	emu_buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
			continue;
		emu_buf_add(b, run, (size_t)(s - run));
		if (*s == '"' || *s == '\\')
			snprintf(esc, sizeof esc, "\\%c", *s);
		else
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)*s);
		emu_buf_str(b, esc);
		run = s + 1;
	}
	emu_buf_add(b, run, (size_t)(s - run));
	emu_buf_add(b, "\"", 1);
}

/* Append ,"key":value for an int64. */
static void
emu_buf_kint(struct emu_buf *b, const char *key, int64_t v)
{
	emu_buf_str(b, key);
	emu_buf_int(b, v);
}

void
emu_buf_token(struct emu_buf *b, const struct emu_state *st,
    const struct emu_token *t, int full)
{
	emu_buf_str(b, "{\"token_id\":\"");
	emu_buf_str(b, t->id);
	emu_buf_kint(b, "\",\"creation_time\":", t->creation_time);
	emu_buf_kint(b, ",\"expiry_time\":", t->expiry_time);
	if (t->comment[0] != '\0') {
		emu_buf_str(b, ",\"comment\":");
		emu_buf_jstr(b, t->comment);
	}
	if (t->scopes != NULL) {
		emu_buf_str(b, ",\"scopes\":");
		emu_buf_str(b, t->scopes);
	}
	if (t->autoscope != EMU_AS_NONE) {
		emu_buf_str(b, ",\"autoscope_state\":\"");
		emu_buf_str(b, emu_autoscope_name(t->autoscope));
		emu_buf_str(b, "\"");
	}
	if (t->inferred != NULL) {
		emu_buf_str(b, ",\"inferred_scopes\":");
		emu_buf_str(b, t->inferred);
	}
	if (t->backfill != NULL) {
		emu_buf_str(b, ",\"backfill_scopes\":");
		emu_buf_str(b, t->backfill);
	}
	if (!full) {
		if (t->last_used != 0)
			emu_buf_kint(b, ",\"last_accessed_time\":",
			    t->last_used);
		emu_buf_str(b, "}");
		return;
	}
	emu_buf_kint(b, ",\"created_by_id\":", t->creator->id);
	emu_buf_str(b, ",\"created_by_username\":");
	emu_buf_jstr(b, t->creator->name);
	emu_buf_kint(b, ",\"owner_id\":", t->owner->id);
	if (t->last_used != 0)
		emu_buf_kint(b, ",\"last_used_day\":",
		    t->last_used - t->last_used % EMU_DAY_MS);
	emu_buf_kint(b, ",\"workspace_id\":", st->workspace_id);
	emu_buf_str(b, "}");
}
