/*
 * estate.c: which workspaces a run covers, and waiting on their workers.
 *
 * Picking is string work over the command line's values and the config
 * file's profiles (config_profiles). Waiting polls the workers' wake
 * descriptors (worker_wake_fd: readable while finished calls wait), so
 * one thread serves any number of workers without a thread of its own.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "estate.h"

/* Is name already picked? */
static bool
pick_has(const struct estate_pick *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return true;
	return false;
}

/* Grow a string array by one; 0 or -1. */
static int
pick_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (s == NULL || (nv = realloc(*v, (*n + 1) * sizeof *nv)) == NULL) {
		free(s);
		return -1;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static enum patrol_status
pick_name(struct estate_pick *p, const char *name, size_t len, struct patrol_err *err)
{
	char *s;

	while (len > 0 && (*name == ' ' || *name == '\t')) {
		name++;
		len--;
	}
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	if (len == 0)
		return status_set(err, PATROL_CONFIG, "an empty profile name: give names "
				  "separated by commas (--profiles prod,dev)");
	if ((s = strndup(name, len)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (pick_has(p, s)) {
		free(s);
		return PATROL_OK;
	}
	if (p->n == ESTATE_MAX) {
		free(s);
		return status_set(err, PATROL_CONFIG, "more than %d workspaces", ESTATE_MAX);
	}
	if (pick_push(&p->names, &p->n, s) != 0)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

/* Each comma-separated name of value. */
static enum patrol_status
pick_value(struct estate_pick *p, const char *value, struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	size_t len;

	for (;;) {
		len = strcspn(value, ",");
		if ((st = pick_name(p, value, len, err)) != PATROL_OK || value[len] == '\0')
			return st;
		value += len + 1;
	}
}

const char *
estate_not_workspace(const struct config_profile *cp)
{
	if (cp->host == NULL)
		return cp->bad_host_why != NULL ? cp->bad_host_why : "has no workspace host";
	return cp->account ? "is an account console, not a workspace" : NULL;
}

/* Say why a profile of the file is not a workspace. */
static int
pick_note(struct estate_pick *p, const struct config_profile *cp)
{
	struct buf b;

	buf_init(&b, 1024);
	if (buf_printf(&b, "skipped profile '%s': %s %s", cp->name,
		       cp->host != NULL ? cp->host : "it", estate_not_workspace(cp)) != 0)
		return -1;
	return pick_push(&p->notes, &p->nnotes, buf_take(&b));
}

/* Every workspace profile of the config file. */
static enum patrol_status
pick_all(struct estate_pick *p, config_getenv_fn getenv_fn, void *env_ctx,
	 struct patrol_err *err)
{
	struct config_profile *v;
	enum patrol_status st;
	size_t n, i;

	if ((st = config_profiles(getenv_fn, env_ctx, &v, &n, &p->file, err)) != PATROL_OK)
		return st;
	for (i = 0; i < n && st == PATROL_OK; i++) {
		if (pick_has(p, v[i].name))
			continue;       /* named by hand: used or refused as such */
		if (estate_not_workspace(&v[i]) != NULL)
			st = pick_note(p, &v[i]) == 0 ? PATROL_OK :
			     status_set(err, PATROL_NOMEM, "out of memory");
		else
			st = pick_name(p, v[i].name, strlen(v[i].name), err);
	}
	config_profiles_free(v, n);
	if (st == PATROL_OK && p->n == 0)
		st = status_set(err, PATROL_CONFIG, "no profile of %s names a workspace host",
				p->file);
	return st;
}

enum patrol_status
estate_pick(const char *const *given, const bool *whole, size_t ngiven, bool all,
	    config_getenv_fn getenv_fn, void *env_ctx, struct estate_pick *out,
	    struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < ngiven && st == PATROL_OK; i++)
		st = whole != NULL && whole[i] ? pick_name(out, given[i], strlen(given[i]), err) :
		     pick_value(out, given[i], err);
	out->nnamed = out->n;
	if (st == PATROL_OK && all)
		st = pick_all(out, getenv_fn, env_ctx, err);
	if (st == PATROL_OK && out->n == 0)
		st = status_set(err, PATROL_CONFIG, "no workspace chosen");
	return st;
}

void
estate_pick_free(struct estate_pick *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->names[i]);
	for (i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->names);
	free(p->notes);
	free(p->file);
	memset(p, 0, sizeof *p);
}

struct call *
estate_wait(struct worker *const *w, size_t n, int timeout_ms, size_t *which)
{
	struct pollfd fds[ESTATE_MAX];
	struct call *c;
	size_t i, k;

	if (n > ESTATE_MAX)
		n = ESTATE_MAX;
	for (;;) {
		for (i = 0; i < n; i++) {
			if (w[i] != NULL && (c = worker_take(w[i])) != NULL) {
				*which = i;
				return c;
			}
		}
		for (i = k = 0; i < n; i++) {
			if (w[i] == NULL)
				continue;
			fds[k].fd = worker_wake_fd(w[i]);
			fds[k].events = POLLIN;
			fds[k++].revents = 0;
		}
		if (k == 0 || poll(fds, k, timeout_ms) <= 0)
			return NULL;
	}
}

bool
estate_same_workspace(const char *host_a, const char *host_b)
{
	return host_a != NULL && host_b != NULL && strcasecmp(host_a, host_b) == 0;
}

size_t
estate_twins(const struct token_table *first, const struct token_table *later,
	     unsigned char *twin)
{
	size_t *byid, j, n = 0;
	char id[TOKEN_ID_LEN + 1];

	if (later->n == 0)
		return 0;
	memset(twin, 0, later->n);
	if (first->n == 0)
		return 0;
	if ((byid = token_index_by_id(first)) == NULL)
		return (size_t)-1;
	for (j = 0; j < later->n; j++)
		if (token_find_indexed(first, byid, token_id_hex(&later->rows[j], id), true) >= 0) {
			twin[j] = 1;
			n++;
		}
	free(byid);
	return n;
}
