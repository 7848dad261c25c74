/*
 * emu_gen.c: realistic token data for patrol-emulator (--generate).
 *
 * Tokens are spread over user01@example.com… and the admin, with the mix a
 * real workspace shows: CI jobs, BI tools and notebooks, throwaway names,
 * non-ASCII and near-limit comments, assorted scopes and autoscope states,
 * creation times over two years, a share that never expires, some expired or
 * about to expire, and last-used times from never to today. Everything comes
 * from one seeded generator, so a seed and a fixed "now" give the same data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const char *emu_gen_inferred[] = {
	"[\"sql\"]", "[\"jobs\",\"clusters\"]", "[\"workspace\"]",
	"[\"sql\",\"dashboards\"]", "[\"mlflow\"]",
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

/* Scopes and the matching autoscope state. */
static int
emu_gen_scopes_for(struct emu_rng *r, struct emu_token *t)
{
	size_t n = sizeof emu_gen_scopes / sizeof emu_gen_scopes[0];
	size_t ni = sizeof emu_gen_inferred / sizeof emu_gen_inferred[0];
	const char *s = emu_gen_scopes[emu_rng_below(r, n)];
	const char *inf = emu_gen_inferred[emu_rng_below(r, ni)];

	if (s != NULL) {
		t->autoscope = EMU_AS_USER_SELECTED;
		return emu_token_set_scopes(t, s);
	}
	t->autoscope = (enum emu_autoscope)emu_rng_below(r, EMU_AS_COUNT);
	if (t->autoscope == EMU_AS_USER_SELECTED)
		t->autoscope = EMU_AS_DISABLED;
	if (t->autoscope == EMU_AS_COMPLETED &&
	    (t->inferred = strdup(inf)) == NULL)
		return -1;
	if (t->autoscope == EMU_AS_BACKFILLED &&
	    (t->backfill = strdup(inf)) == NULL)
		return -1;
	return 0;
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
	return emu_gen_scopes_for(r, t);
}

int
emu_generate(struct emu_state *st, struct emu_user *admin, size_t n,
    unsigned int nusers, uint64_t seed)
{
	struct emu_user **owners;
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
	emu_rng_seed(&r, seed);
	for (k = 0; k < n && rc == 0; k++)
		rc = emu_gen_one(st, &r, owners[emu_rng_below(&r, nusers + 1)],
		    now);
	free(owners);
	return rc;
}
