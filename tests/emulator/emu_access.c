/*
 * emu_access.c: groups and the token permissions of patrol-emulator.
 *
 * The permissions are a short list of direct entries (a real workspace has
 * a handful); checking whether a user may use PATs walks it once a request,
 * which is cheap next to the SHA-256 of the bearer token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_access.h"

static const char *emu_principal_keys[] = {
#define X(name, key, word) key,
	EMU_PRINCIPAL_LIST
#undef X
};

static const char *emu_principal_words[] = {
#define X(name, key, word) word,
	EMU_PRINCIPAL_LIST
#undef X
};

/* The levels an entry may hold; CAN_MANAGE only for admins. */
static const char *emu_levels[] = { "CAN_USE", "CAN_MANAGE" };

const char *
emu_principal_key(enum emu_principal k)
{
	return k < EMU_PRINCIPAL_COUNT ? emu_principal_keys[k] : "";
}

int
emu_group_find(const struct emu_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ngroups; i++) {
		if (strcmp(st->groups[i], name) == 0)
			return (int)i;
	}
	return -1;
}

int
emu_group_get(struct emu_state *st, const char *name)
{
	int g = emu_group_find(st, name);

	if (g >= 0)
		return g;
	if (st->ngroups >= EMU_MAX_GROUPS ||
	    (st->groups[st->ngroups] = strdup(name)) == NULL)
		return -1;
	return (int)st->ngroups++;
}

int
emu_group_join(struct emu_state *st, struct emu_user *u, const char *group)
{
	int g = emu_group_get(st, group);

	if (g < 0)
		return -1;
	if (g > EMU_GROUP_USERS)
		u->groups |= (uint64_t)1 << g;
	return 0;
}

int
emu_group_has(const struct emu_state *st, const struct emu_user *u, int g)
{
	(void)st;
	if (g == EMU_GROUP_ADMINS)
		return u->admin;
	if (g == EMU_GROUP_USERS)
		return 1;
	return g > 0 && g < EMU_MAX_GROUPS && (u->groups >> g & 1) != 0;
}

long long
emu_group_id(int group)
{
	return 2000LL + group;
}

/* Whether entry g grants something to u. */
static int
emu_grant_covers(const struct emu_state *st, const struct emu_grant *g,
    const struct emu_user *u)
{
	int gi;

	switch (g->kind) {
	case EMU_PRINCIPAL_USER:
		return !u->sp && strcmp(g->name, u->name) == 0;
	case EMU_PRINCIPAL_SP:
		return u->sp && strcmp(g->name, u->name) == 0;
	case EMU_PRINCIPAL_GROUP:
		gi = emu_group_find(st, g->name);
		return gi >= 0 && emu_group_has(st, u, gi);
	default:
		return 0;
	}
}

int
emu_access_can_use(const struct emu_state *st, const struct emu_user *u)
{
	size_t i;

	if (u->admin)
		return 1;
	for (i = 0; i < st->ngrants; i++) {
		if (emu_grant_covers(st, &st->grants[i], u))
			return 1;
	}
	return 0;
}

struct emu_user *
emu_access_user(struct emu_state *st, const struct emu_grant *g)
{
	struct emu_user *u;

	if (g->kind == EMU_PRINCIPAL_GROUP ||
	    (u = emu_user_find(st, g->name)) == NULL)
		return NULL;
	return (u->sp != 0) == (g->kind == EMU_PRINCIPAL_SP) ? u : NULL;
}

static int
emu_level_known(const char *level)
{
	size_t i;

	for (i = 0; i < sizeof emu_levels / sizeof emu_levels[0]; i++) {
		if (strcmp(level, emu_levels[i]) == 0)
			return 1;
	}
	return 0;
}

int
emu_access_check(struct emu_state *st, const struct emu_grant *g, int *skip,
    char *err, size_t errlen)
{
	struct emu_user *u = emu_access_user(st, g);
	int admins = g->kind == EMU_PRINCIPAL_GROUP &&
	    strcmp(g->name, "admins") == 0;

	*skip = 0;
	if (g->kind == EMU_PRINCIPAL_GROUP ? emu_group_find(st, g->name) < 0 :
	    u == NULL) {
		snprintf(err, errlen, "Principal: %s(%s) does not exist",
		    emu_principal_words[g->kind], g->name);
		return -1;
	}
	if (!emu_level_known(g->level)) {
		snprintf(err, errlen, "Permission level %s is not valid for "
		    "tokens: use CAN_USE or CAN_MANAGE", g->level);
		return -1;
	}
	if (admins && strcmp(g->level, "CAN_MANAGE") != 0) {
		snprintf(err, errlen, "The admins group always has CAN_MANAGE "
		    "permission on tokens");
		return -1;
	}
	if (!admins && strcmp(g->level, "CAN_MANAGE") == 0 &&
	    (u == NULL || !u->admin)) {
		snprintf(err, errlen, "Only admins can be given CAN_MANAGE "
		    "permission on tokens");
		return -1;
	}
	*skip = admins;
	return 0;
}

static int
emu_grant_same(const struct emu_grant *a, const struct emu_grant *b)
{
	return a->kind == b->kind && strcmp(a->name, b->name) == 0;
}

static void
emu_grants_free(struct emu_grant *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)g[i].name);
		free((char *)g[i].level);
	}
	free(g);
}

/* Set or append entry e in list (room for one more is there). */
static int
emu_grants_put(struct emu_grant *list, size_t *n, const struct emu_grant *e)
{
	char *level = strdup(e->level), *name;
	size_t i;

	if (level == NULL)
		return -1;
	for (i = 0; i < *n; i++) {
		if (emu_grant_same(&list[i], e)) {
			free((char *)list[i].level);
			list[i].level = level;
			return 0;
		}
	}
	if ((name = strdup(e->name)) == NULL) {
		free(level);
		return -1;
	}
	list[*n].kind = e->kind;
	list[*n].name = name;
	list[*n].level = level;
	(*n)++;
	return 0;
}

/* Delete every token of u; returns how many of them were live. */
static long
emu_access_drop_tokens(struct emu_state *st, struct emu_user *u)
{
	struct emu_token *t;
	long live = 0;
	size_t i;

	for (i = 0; i < st->ntokens && u->ntokens > 0; i++) {
		t = st->tokens[i];
		if (t == NULL || t->owner != u)
			continue;
		live += !emu_token_expired(st, t);
		emu_token_remove(st, t);
	}
	return live;
}

/* Delete the tokens of users and service principals of old that next no
 * longer names; admins keep theirs. */
static long
emu_access_drop_lost(struct emu_state *st, const struct emu_grant *old,
    size_t nold, const struct emu_grant *next, size_t nnext)
{
	struct emu_user *u;
	long deleted = 0;
	size_t i, j;

	for (i = 0; i < nold; i++) {
		for (j = 0; j < nnext && !emu_grant_same(&old[i], &next[j]); j++)
			continue;
		if (j == nnext && (u = emu_access_user(st, &old[i])) != NULL &&
		    !u->admin)
			deleted += emu_access_drop_tokens(st, u);
	}
	return deleted;
}

long
emu_access_apply(struct emu_state *st, const struct emu_grant *req, size_t n,
    int replace)
{
	struct emu_grant *next;
	size_t nnext = 0, i;
	long deleted;

	if ((next = calloc(st->ngrants + n + 1, sizeof *next)) == NULL)
		return -1;
	for (i = 0; !replace && i < st->ngrants; i++) {
		if (emu_grants_put(next, &nnext, &st->grants[i]) != 0)
			goto oom;
	}
	for (i = 0; i < n; i++) {
		if (emu_grants_put(next, &nnext, &req[i]) != 0)
			goto oom;
	}
	deleted = emu_access_drop_lost(st, st->grants, st->ngrants, next,
	    nnext);
	emu_grants_free(st->grants, st->ngrants);
	st->grants = next;
	st->ngrants = nnext;
	st->stats.server[EMU_SERVER_DELETED_BY_PERMISSIONS] += (uint64_t)deleted;
	return deleted;
oom:
	emu_grants_free(next, nnext);
	return -1;
}
