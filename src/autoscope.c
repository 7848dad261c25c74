/*
 * autoscope.c: the auto-scoping model (autoscope.h): state words from one
 * table, the enforcement estimate, access now and after, and pin sets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope.h"

#define AUTOSCOPE_READ_SUFFIX ":read"

static const struct {
	const char *wire;
	const char *words;
} autoscope_rows[] = {
#define AUTOSCOPE_STATE_ROW(e, wire, words) { wire, words },
	AUTOSCOPE_STATES(AUTOSCOPE_STATE_ROW)
#undef AUTOSCOPE_STATE_ROW
};

enum autoscope_state
autoscope_state_parse(const char *wire)
{
	int s;

	if (wire == NULL || *wire == '\0')
		return AUTOSCOPE_NONE;
	for (s = 0; s < AUTOSCOPE_STATE_COUNT; s++) {
		if (autoscope_rows[s].wire != NULL && strcmp(autoscope_rows[s].wire, wire) == 0)
			return (enum autoscope_state)s;
	}
	return AUTOSCOPE_OTHER;
}

const char *
autoscope_state_words(const char *wire)
{
	enum autoscope_state s = autoscope_state_parse(wire);

	return s == AUTOSCOPE_OTHER ? wire : autoscope_rows[s].words;
}

int64_t
autoscope_enforce_ms(enum autoscope_state s, int64_t creation_ms)
{
	if (s != AUTOSCOPE_RUNNING || creation_ms <= 0)
		return 0;
	return creation_ms + AUTOSCOPE_OBSERVE_MS;
}

bool
autoscope_soon(int64_t enforce_ms, int64_t now_ms)
{
	return enforce_ms > 0 && enforce_ms - now_ms <= AUTOSCOPE_SOON_MS;
}

bool
autoscope_has(const char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] != NULL && strcmp(v[i], name) == 0)
			return true;
	}
	return false;
}

void
autoscope_access_now(const char *const *scopes, size_t n, struct autoscope_access *out)
{
	out->v = scopes;
	out->n = n;
	out->full = n == 0 || autoscope_has(scopes, n, AUTOSCOPE_ALL_APIS);
}

void
autoscope_access_after(enum autoscope_state s, const char *const *scopes, size_t nscopes,
		       const char *const *inferred, size_t ninferred,
		       struct autoscope_access *out)
{
	if (s != AUTOSCOPE_RUNNING) {
		autoscope_access_now(scopes, nscopes, out);
		return;
	}
	out->v = inferred;
	out->n = ninferred;
	out->full = autoscope_has(inferred, ninferred, AUTOSCOPE_ALL_APIS);
}

/* "X" for "X:read", as a length of scope; 0 when scope is no read scope. */
static size_t
autoscope_read_base(const char *scope)
{
	size_t len = strlen(scope), sl = strlen(AUTOSCOPE_READ_SUFFIX);

	if (len <= sl || strcmp(scope + len - sl, AUTOSCOPE_READ_SUFFIX) != 0)
		return 0;
	return len - sl;
}

bool
autoscope_grants(const struct autoscope_access *a, const char *scope)
{
	size_t i, base = autoscope_read_base(scope);

	if (a->full)
		return true;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i], scope) == 0 ||
		    (base > 0 && strlen(a->v[i]) == base && strncmp(a->v[i], scope, base) == 0))
			return true;
	}
	return false;
}

bool
autoscope_loses(const struct autoscope_access *now, const struct autoscope_access *after)
{
	size_t i;

	if (now->full)
		return !after->full;
	for (i = 0; i < now->n; i++) {
		if (!autoscope_grants(after, now->v[i]))
			return true;
	}
	return false;
}

void
autoscope_access_format(const struct autoscope_access *a, char *out, size_t n)
{
	size_t i, used = 0;
	int w;

	if (n == 0)
		return;
	out[0] = '\0';
	if (a->full || a->n == 0) {
		snprintf(out, n, "%s", a->full ? "(full access)" : "(nothing)");
		return;
	}
	for (i = 0; i < a->n && used + 1 < n; i++) {
		w = snprintf(out + used, n - used, "%s%s", i ? "," : "", a->v[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Append the names of v[0..n) that out[0..*k) lacks. */
static void
autoscope_union_add(const char **out, size_t *k, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] != NULL && *v[i] != '\0' && !autoscope_has(out, *k, v[i]))
			out[(*k)++] = v[i];
	}
}

size_t
autoscope_pin_scopes(const char *const *inferred, size_t ninferred,
		     const char *const *backfill, size_t nbackfill,
		     const char *const *add, size_t nadd,
		     const char *const *exact, size_t nexact, bool use_exact,
		     const char ***out)
{
	size_t k = 0, cap = use_exact ? nexact : ninferred + nbackfill + nadd;
	const char **v;

	*out = NULL;
	if (cap == 0)
		return 0;
	if ((v = malloc(cap * sizeof *v)) == NULL)
		return (size_t)-1;
	if (use_exact)
		autoscope_union_add(v, &k, exact, nexact);
	else {
		autoscope_union_add(v, &k, inferred, ninferred);
		autoscope_union_add(v, &k, backfill, nbackfill);
		autoscope_union_add(v, &k, add, nadd);
	}
	if (k == 0) {
		free(v);
		return 0;
	}
	*out = v;
	return k;
}
