/*
 * emu_scope.c: which scope covers which API, and what a call teaches the
 * server about a token.
 *
 * The families follow the scope names of token-api.md and the paths the
 * official SDKs call. The first row whose prefix matches a whole number of
 * path segments wins, so the narrow rows come first.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emu_scope.h"

static const struct {
	const char	*prefix;
	const char	*scope;
} emu_families[] = {
	/* What every client calls to find its bearings. */
	{ "/api/2.0/preview/scim/v2/Me", EMU_SCOPE_ANY },
	{ "/api/2.0/workspace-conf", EMU_SCOPE_ANY },
	{ "/api/2.0/permissions/authorization/tokens/permissionLevels",
	  EMU_SCOPE_ANY },
	/* Tokens mint tokens: privileged. */
	{ "/api/2.0/token", "authentication" },
	{ "/api/2.0/token-management", "authentication" },
	{ "/api/2.0/permissions", "access-management" },
	{ "/api/2.0/preview/accounts/access-control", "access-management" },
	{ "/api/2.0/preview/scim", "scim" },
	{ "/api/2.0/iam", "iam" },
	{ "/api/2.0/sql/alerts", "alerts" },
	{ "/api/2.0/alerts", "alerts" },
	{ "/api/2.0/sql", "sql" },
	{ "/api/2.0/preview/sql", "sql" },
	{ "/api/2.0/jobs", "jobs" },
	{ "/api/2.1/jobs", "jobs" },
	{ "/api/2.2/jobs", "jobs" },
	{ "/api/2.0/clusters", "clusters" },
	{ "/api/2.1/clusters", "clusters" },
	{ "/api/2.0/instance-pools", "clusters" },
	{ "/api/2.0/policies/clusters", "clusters" },
	{ "/api/2.0/libraries", "clusters" },
	{ "/api/2.0/pipelines", "pipelines" },
	{ "/api/2.0/workspace", "workspace" },
	{ "/api/2.0/repos", "workspace" },
	{ "/api/2.0/secrets", "secrets" },
	{ "/api/2.1/unity-catalog", "unity-catalog" },
	{ "/api/2.0/mlflow", "mlflow" },
	{ "/api/2.0/preview/mlflow", "mlflow" },
	{ "/api/2.0/serving-endpoints", "model-serving" },
	{ "/api/2.0/lakeview", "dashboards" },
	{ "/api/2.0/apps", "apps" },
	{ "/api/2.0/fs", "files" },
	{ "/api/2.0/dbfs", "files" },
	{ "/api/2.0/vector-search", "vector-search" },
};

/* Whether path starts with prefix at a segment boundary. */
static int
emu_scope_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

const char *
emu_scope_of(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof emu_families / sizeof emu_families[0]; i++) {
		if (emu_scope_prefix(path, emu_families[i].prefix))
			return emu_families[i].scope;
	}
	return NULL;
}

/* Whether one declared scope s allows a call of method on scope. */
static int
emu_scope_grants(const char *s, const char *scope, const char *method)
{
	size_t n;

	if (strcmp(s, "all-apis") == 0)
		return 1;
	if (scope == NULL)
		return 0;
	n = strlen(scope);
	return strcmp(s, scope) == 0 || (strncmp(s, scope, n) == 0 &&
	    strcmp(s + n, ":read") == 0 && strcmp(method, "GET") == 0);
}

const char *
emu_scope_missing(const struct emu_token *t, const char *scope,
    const char *method)
{
	json_t *a, *v;
	size_t i;
	int ok = 0;

	if (t->scopes == NULL || t->autoscope == EMU_AS_RUNNING ||
	    (scope != NULL && strcmp(scope, EMU_SCOPE_ANY) == 0) ||
	    (a = json_loads(t->scopes, 0, NULL)) == NULL)
		return NULL;
	json_array_foreach(a, i, v) {
		if (json_is_string(v) &&
		    emu_scope_grants(json_string_value(v), scope, method))
			ok = 1;
	}
	json_decref(a);
	return ok ? NULL : scope != NULL ? scope : "all-apis";
}

int
emu_scope_add(char **list, const char *scope)
{
	json_t *a = *list != NULL ? json_loads(*list, 0, NULL) : json_array();
	json_t *v;
	char *s;
	size_t i;

	if (!json_is_array(a)) {
		json_decref(a);
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), scope) == 0) {
			json_decref(a);
			return 0;
		}
	}
	s = json_array_append_new(a, json_string(scope)) == 0 ?
	    json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	if (s == NULL)
		return -1;
	free(*list);
	*list = s;
	return 0;
}

int
emu_scope_use(struct emu_state *st, struct emu_token *t, const char *scope)
{
	t->last_used = emu_now_ms(st);
	if (t->autoscope != EMU_AS_RUNNING ||
	    (scope != NULL && strcmp(scope, EMU_SCOPE_ANY) == 0))
		return 0;
	if (scope == NULL) {
		t->autoscope = EMU_AS_API_NOT_COVERED;
		return 0;
	}
	return emu_scope_add(&t->inferred, scope);
}
