/*
 * emu_gen.c: realistic token data for patrol-emulator (--generate).
 *
 * Tokens are spread over user01@example.com… and the admin, with the mix a
 * real workspace shows: CI jobs, BI tools and notebooks, throwaway names,
 * non-ASCII and near-limit comments, assorted scopes, creation times over
 * two years, a share that never expires, some expired or about to expire,
 * and last-used times from never to today. Everything comes from one seeded
 * generator, so a seed and a fixed "now" give the same data.
 *
 * Auto-scoping follows from each token's age, lifetime and use (the draws
 * stay those of earlier versions, so a seed still gives the same tokens):
 * scoped tokens were set by hand (USER_SELECTED); of the all-APIs ones,
 * those created in the last 30 days and living 30 days or more are observed
 * (RUNNING, with what they called so far as inferred scopes) unless their
 * owner turned it off or they called an API no scope covers; older ones were
 * narrowed (COMPLETED: scopes = inferred), scoped from their history
 * (BACKFILLED: scopes = backfill scopes), turned off, or not coverable;
 * short-lived ones are not auto-scoped. A token never used inferred nothing.
 *
 * Around the tokens: two service principals (ci-deployer, etl-runner; they
 * hold no tokens yet, so every generated token is still its creator's);
 * groups data-eng, analysts and ml-team; and token permissions that let
 * "users" CAN_USE, plus the groups data-eng and ml-team, user01, user02 and
 * both service principals directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_access.h"
#include "emu_clock.h"
#include "emu_state.h"

/* Comments; a '#' asks for a number after it. */
static const char *emu_gen_comments[] = {
	"github-actions deploy prod", "github-actions deploy staging",
	"jenkins nightly #", "jenkins build #", "Tableau extract",
	"Power BI gateway", "Looker connection", "dbt cloud prod",
	"airflow etl #", "terraform", "databricks-cli", "VS Code extension",
	"notebook: churn model", "notebook: forecasting #", "ADF pipeline",
	"fivetran sync", "test", "tmp", "do not delete", "poc", "", "", "",
	"数据管道", "🚀 release bot", "Grafana dashboard", "MLflow client",
	"sql warehouse probe", "migration 2024", "backup job #",
	"Azure DevOps release", "GitLab CI", "pytest integration",
	"personal laptop", "token for Bob", "données de test",
	"Long-lived service token used by the nightly ingestion pipeline that "
	"loads raw events from the landing zone, normalises them into bronze "
	"and silver tables, and refreshes the downstream gold aggregates used "
	"by the finance dashboards; owner: data-platform",
	"Токен для интеграции отчётности: используется сервисом выгрузки "
	"данных в хранилище каждую ночь; не удалять без согласования с "
	"командой аналитики и владельцем проекта; вопросы в канал "
	"#data-platform или на почту data@example.com, спасибо! ✅ конец",
};

static const char *emu_gen_scopes[] = {
	NULL, NULL, NULL, NULL, NULL, "[\"sql\"]", "[\"jobs\",\"clusters\"]",
	"[\"authentication\"]", "[\"all-apis\"]", "[\"sql:read\"]",
	"[\"workspace\",\"secrets\"]", "[\"unity-catalog\",\"sql\"]",
	"[\"pipelines\"]", "[\"model-serving\",\"mlflow\"]",
	"[\"dashboards\",\"sql:read\"]", "[\"files\",\"workspace:read\"]",
};

/* What a used token was seen to call. */
static const char *emu_gen_inferred[] = {
	"[\"sql\"]", "[\"jobs\",\"clusters\"]", "[\"workspace\"]",
	"[\"sql\",\"dashboards\"]", "[\"mlflow\"]",
	"[\"jobs\",\"clusters\",\"workspace\"]", "[\"sql\",\"unity-catalog\"]",
	"[\"files\",\"workspace\"]", "[\"pipelines\",\"jobs\"]",
	"[\"model-serving\",\"mlflow\"]", "[\"authentication\"]",
	"[\"secrets\",\"jobs\"]",
};

/* The service principals: application id and display name. */
static const char *emu_gen_sps[][2] = {
	{ "6e1c4a52-7d0b-4f8e-9a3c-2b5d8f1e0c47", "ci-deployer" },
	{ "b3f9d2e8-1a6c-4e5b-8d7f-0c2a9e4b6d13", "etl-runner" },
};
#define EMU_GEN_NSP (sizeof emu_gen_sps / sizeof emu_gen_sps[0])

/* Groups of generated users (user NN is in emu_gen_groups[(NN-1) % 3]). */
static const char *emu_gen_groups[] = { "data-eng", "analysts", "ml-team" };

/* The token permissions beyond "users" CAN_USE; NULL names are filled with
 * user01, user02 and the service principals. */
static const struct emu_grant emu_gen_grants[] = {
	{ EMU_PRINCIPAL_GROUP, "data-eng", "CAN_USE" },
	{ EMU_PRINCIPAL_GROUP, "ml-team", "CAN_USE" },
	{ EMU_PRINCIPAL_USER, "user01@example.com", "CAN_USE" },
	{ EMU_PRINCIPAL_USER, "user02@example.com", "CAN_USE" },
	{ EMU_PRINCIPAL_SP, NULL, "CAN_USE" },
	{ EMU_PRINCIPAL_SP, NULL, "CAN_USE" },
};

/* Pick a comment, filling a '#' with a small number. */
static void
emu_gen_comment(struct emu_rng *r, char *out, size_t len)
{
	const char *c;
	size_t n = sizeof emu_gen_comments / sizeof emu_gen_comments[0];
	size_t k;

	c = emu_gen_comments[emu_rng_below(r, n)];
	k = strlen(c);
	if (k > 0 && c[k - 1] == '#')
		snprintf(out, len, "%s%u", c,
		    (unsigned int)emu_rng_below(r, 500) + 1);
	else
		snprintf(out, len, "%s", c);
}

/* Expiry: 15% never, 10% expired, 10% within a week, the rest months on. */
static int64_t
emu_gen_expiry(struct emu_rng *r, int64_t now, int64_t created)
{
	double p = emu_rng_unit(r);
	int64_t e;

	if (p < 0.15)
		return -1;
	if (p < 0.25) {
		e = created + (int64_t)emu_rng_below(r,
		    (uint64_t)(now - created)) + 1;
		return e < now ? e : now - 1;
	}
	if (p < 0.35)
		return now + 3600000 + (int64_t)emu_rng_below(r,
		    6 * EMU_DAY_MS);
	return now + 30 * EMU_DAY_MS + (int64_t)emu_rng_below(r,
	    300 * EMU_DAY_MS);
}

/* Last use: 20% never, 20% over 90 days ago, the rest in the last 2 weeks. */
static int64_t
emu_gen_last_used(struct emu_rng *r, int64_t now, int64_t created)
{
	double p = emu_rng_unit(r);
	int64_t old = now - 90 * EMU_DAY_MS;
	int64_t from;

	if (p < 0.2)
		return 0;
	if (p < 0.4) {
		if (created >= old - EMU_DAY_MS)
			return 0;
		return created + (int64_t)emu_rng_below(r,
		    (uint64_t)(old - created));
	}
	from = now - 14 * EMU_DAY_MS;
	if (from < created)
		from = created;
	return from + (int64_t)emu_rng_below(r, (uint64_t)(now - from) + 1);
}

/* The autoscope state of an all-APIs token, from a drawn state and the
 * token's age, lifetime and use (see the top of the file). */
static enum emu_autoscope
emu_gen_autoscope(const struct emu_token *t, enum emu_autoscope drawn,
    int64_t now)
{
	int64_t month = EMU_OBSERVE_DAYS * EMU_DAY_MS;

	if (drawn == EMU_AS_USER_SELECTED)
		drawn = EMU_AS_DISABLED;
	if (t->expiry_time != -1 && t->expiry_time - t->creation_time < month)
		return EMU_AS_NONE;
	if (drawn == EMU_AS_API_NOT_COVERED && t->last_used == 0)
		return EMU_AS_DISABLED;
	if (now - t->creation_time < month)
		return drawn == EMU_AS_DISABLED || drawn == EMU_AS_API_NOT_COVERED ?
		    drawn : EMU_AS_RUNNING;
	return drawn == EMU_AS_RUNNING ? EMU_AS_COMPLETED : drawn;
}

/* The first scope of a list such as ["jobs","clusters"]: what a young
 * observed token has called so far. */
static char *
emu_gen_first(const char *list)
{
	const char *q = strchr(list + 2, '"');
	char *s = malloc((size_t)(q - list) + 3);

	if (s != NULL)
		snprintf(s, (size_t)(q - list) + 3, "%.*s]", (int)(q - list + 1),
		    list);
	return s;
}

/* The scopes an auto-scoped token learned from its use (inf, when it was
 * used at all) and, once narrowed or backfilled, holds. */
static int
emu_gen_learned(struct emu_token *t, const char *inf, int64_t now)
{
	const char *seen = t->last_used != 0 ? inf : "[]";

	switch (t->autoscope) {
	case EMU_AS_RUNNING:
		if (t->last_used == 0)
			return 0;
		t->inferred = now - t->creation_time < 10 * EMU_DAY_MS ?
		    emu_gen_first(inf) : strdup(inf);
		return t->inferred != NULL ? 0 : -1;
	case EMU_AS_COMPLETED:
		if (t->last_used != 0 && (t->inferred = strdup(inf)) == NULL)
			return -1;
		return emu_token_set_scopes(t, seen);
	case EMU_AS_BACKFILLED:
		if (t->last_used != 0 && (t->backfill = strdup(inf)) == NULL)
			return -1;
		return emu_token_set_scopes(t, seen);
	case EMU_AS_API_NOT_COVERED:
		return (t->inferred = strdup(inf)) != NULL ? 0 : -1;
	default:
		return 0;
	}
}

/* Scopes and the matching autoscope state. */
static int
emu_gen_scopes_for(struct emu_rng *r, struct emu_token *t, int64_t now)
{
	size_t n = sizeof emu_gen_scopes / sizeof emu_gen_scopes[0];
	size_t ni = sizeof emu_gen_inferred / sizeof emu_gen_inferred[0];
	const char *s = emu_gen_scopes[emu_rng_below(r, n)];
	const char *inf = emu_gen_inferred[emu_rng_below(r, ni)];

	if (s != NULL) {
		t->autoscope = EMU_AS_USER_SELECTED;
		return emu_token_set_scopes(t, s);
	}
	t->autoscope = emu_gen_autoscope(t,
	    (enum emu_autoscope)emu_rng_below(r, EMU_AS_COUNT), now);
	return emu_gen_learned(t, inf, now);
}

/* Make one token for owner. */
static int
emu_gen_one(struct emu_state *st, struct emu_rng *r, struct emu_user *owner,
    int64_t now)
{
	char value[37], comment[512];
	struct emu_token *t;

	if ((t = emu_token_new(st, r, owner, owner, value)) == NULL)
		return -1;
	t->creation_time = now - 60000 -
	    (int64_t)emu_rng_below(r, 730 * EMU_DAY_MS);
	t->expiry_time = emu_gen_expiry(r, now, t->creation_time);
	t->last_used = emu_gen_last_used(r, now, t->creation_time);
	emu_gen_comment(r, comment, sizeof comment);
	if (emu_token_set_comment(t, comment) != 0)
		return -1;
	return emu_gen_scopes_for(r, t, now);
}

/* The service principals, in sps. */
static int
emu_gen_sps_make(struct emu_state *st, struct emu_user **sps)
{
	size_t i;

	for (i = 0; i < EMU_GEN_NSP; i++) {
		sps[i] = emu_user_get(st, emu_gen_sps[i][0], 0, 1);
		if (sps[i] == NULL ||
		    emu_user_set_display(sps[i], emu_gen_sps[i][1]) != 0)
			return -1;
	}
	return 0;
}

/* Groups of the users (owners[1..nusers]) and the token permissions. */
static int
emu_gen_access(struct emu_state *st, struct emu_user **owners,
    unsigned int nusers, struct emu_user **sps)
{
	struct emu_grant g[sizeof emu_gen_grants / sizeof emu_gen_grants[0]];
	size_t i, n = 0, k = 0;
	unsigned int u;

	for (u = 1; u <= nusers; u++) {
		if (emu_group_join(st, owners[u], emu_gen_groups[(u - 1) % 3]) != 0)
			return -1;
	}
	if (emu_group_join(st, sps[1], "data-eng") != 0 ||
	    emu_group_get(st, "analysts") < 0 || emu_group_get(st, "ml-team") < 0)
		return -1;
	for (i = 0; i < sizeof g / sizeof g[0]; i++) {
		g[n] = emu_gen_grants[i];
		if (g[n].kind == EMU_PRINCIPAL_SP)
			g[n].name = sps[k++]->name;
		if (g[n].kind != EMU_PRINCIPAL_USER ||
		    emu_user_find(st, g[n].name) != NULL)
			n++;
	}
	return emu_access_apply(st, g, n, 0) < 0 ? -1 : 0;
}

int
emu_generate(struct emu_state *st, struct emu_user *admin, size_t n,
    unsigned int nusers, uint64_t seed)
{
	struct emu_user **owners, *sps[EMU_GEN_NSP];
	struct emu_rng r;
	char name[64];
	unsigned int i;
	size_t k;
	int64_t now = emu_now_ms(st);
	int rc = 0;

	if ((owners = calloc(nusers + 1, sizeof *owners)) == NULL)
		return -1;
	owners[0] = admin;
	for (i = 1; i <= nusers; i++) {
		snprintf(name, sizeof name, "user%02u@example.com", i);
		if ((owners[i] = emu_user_get(st, name, 0, 0)) == NULL) {
			free(owners);
			return -1;
		}
	}
	if (emu_gen_sps_make(st, sps) != 0) {
		free(owners);
		return -1;
	}
	emu_rng_seed(&r, seed);
	for (k = 0; k < n && rc == 0; k++)
		rc = emu_gen_one(st, &r, owners[emu_rng_below(&r, nusers + 1)],
		    now);
	if (rc == 0)
		rc = emu_gen_access(st, owners, nusers, sps);
	free(owners);
	return rc;
}
