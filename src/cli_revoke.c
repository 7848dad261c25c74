/*
 * cli_revoke.c: `patrol revoke`: plan, confirm, apply, report.
 *
 * The plan is the exact list of ids (deduplicated; prefixes and --filter are
 * resolved against a fresh list). The token patrol authenticates with is
 * skipped unless --include-self. A terminal confirm names the count (over
 * ten tokens, the count must be typed); without a terminal --yes is needed.
 * Revokes run concurrently through the worker; each id gets one result line.
 * A 401 or 403 stops the whole run at once: patrol may have lost its rights
 * or revoked itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli.h"
#include "sanitize.h"

#define CONFIRM_TYPED_OVER 10
#define PLAN_SHOWN 20

/*        enum          label             counts as failure */
#define REVOKE_RESULTS(_) \
	_(REVOKED,       "revoked",       false) \
	_(GONE,          "already gone",  false) \
	_(WOULD,         "would revoke",  false) \
	_(SKIPPED,       "skipped",       false) \
	_(FAILED,        "failed",        true)  \
	_(UNKNOWN,       "unknown",       true)  \
	_(NOT_ATTEMPTED, "not attempted", true)

#define RR_ENUM(e, label, fail) RR_##e,
enum revoke_result { REVOKE_RESULTS(RR_ENUM) RR_COUNT, RR_PENDING };
#undef RR_ENUM
#define RR_LABEL(e, label, fail) label,
static const char *const rr_labels[] = { REVOKE_RESULTS(RR_LABEL) };
#undef RR_LABEL
#define RR_FAIL(e, label, fail) fail,
static const bool rr_fails[] = { REVOKE_RESULTS(RR_FAIL) };
#undef RR_FAIL

struct plan_item {
	char id[TOKEN_ID_LEN + 1];
	const struct token_info *t;     /* from the fresh list, or NULL */
	enum revoke_result result;
	struct patrol_err err;
};

struct plan {
	struct plan_item *v;
	size_t n, cap;
	struct token_table *tab;        /* fresh list, when one was fetched */
	size_t counts[RR_COUNT];
	bool stopped;                   /* a 401/403 stopped the run */
};

static int
plan_add(struct plan *p, const char *id, const struct token_info *t)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcasecmp(p->v[i].id, id) == 0)
			return 0;          /* each id at most once */
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct plan_item *v = realloc(p->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	memset(&p->v[p->n], 0, sizeof p->v[p->n]);
	snprintf(p->v[p->n].id, sizeof p->v[p->n].id, "%s", id);
	p->v[p->n].t = t;
	p->v[p->n].result = RR_PENDING;
	p->n++;
	return 0;
}

static void
plan_free(struct plan *p)
{
	free(p->v);
	api_table_free(p->tab);
}

/* Ids from a file or stdin: the first word of each line; blank lines and
 * lines starting with # are skipped. */
/* Append a copy of id to the list. Returns 0 or -1 (out of memory). */
static int
ids_push(char ***ids, size_t *n, size_t *cap, const char *id)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **v = realloc(*ids, ncap * sizeof *v);
		if (v == NULL)
			return -1;
		*ids = v;
		*cap = ncap;
	}
	if (((*ids)[*n] = strdup(id)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Ids from a file or stdin: the first word of each line; blank lines and
 * lines starting with # are skipped. Any error stops the whole command: a
 * partial plan must never be applied. */
static int
read_ids(const char *path, char ***ids, size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[1024];
	size_t cap = 0, lineno = 0;
	int rc = 0;

	if (fp == NULL) {
		cli_msg("revoke: cannot open '%s': %s", path, strerror(errno));
		return 2;
	}
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		char *w = line + strspn(line, " \t");
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			cli_msg("revoke: %s:%zu: line too long", path, lineno);
			rc = 2;
			break;
		}
		w[strcspn(w, " \t\r\n,")] = '\0';
		if (*w != '\0' && *w != '#' && ids_push(ids, n, &cap, w) != 0) {
			cli_msg("revoke: out of memory reading %s", path);
			rc = status_exit_code(PATROL_NOMEM);
		}
	}
	if (rc == 0 && ferror(fp)) {
		cli_msg("revoke: cannot read %s: %s", path, strerror(errno));
		rc = 2;
	}
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* Does resolving the plan need the token list? */
static bool
plan_needs_list(const struct cli *cli, char **ids, size_t n)
{
	size_t i;

	if (cli->o.filter != NULL || !cli->o.yes)
		return true;
	for (i = 0; i < n; i++)
		if (!cli_is_full_id(ids[i]))
			return true;
	return false;
}

/* Add the rows matching --filter. */
static int
plan_from_filter(struct cli *cli, struct plan *p)
{
	struct token_filter *f = NULL;
	struct patrol_err err;
	size_t *idx, n, i;

	status_clear(&err);
	if (token_filter_compile(cli->o.filter, &f, &err) != PATROL_OK) {
		cli_msg("revoke: bad filter: %s", err.message);
		return 2;
	}
	idx = malloc((p->tab->n ? p->tab->n : 1) * sizeof *idx);
	if (idx == NULL) {
		token_filter_free(f);
		return status_exit_code(PATROL_NOMEM);
	}
	n = token_filter_apply(f, p->tab, &cli->out.ctx, idx);
	for (i = 0; i < n; i++)
		plan_add(p, p->tab->rows[idx[i]].token_id, &p->tab->rows[idx[i]]);
	free(idx);
	token_filter_free(f);
	return 0;
}

/* Resolve the given ids (full or prefixes) into the plan. */
static int
plan_from_ids(struct plan *p, char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct token_info *t = NULL;
		if (p->tab != NULL) {
			long row = token_find(p->tab, ids[i]);
			if (row >= 0)
				t = &p->tab->rows[row];
			else if (!cli_is_full_id(ids[i])) {
				cli_find_token(p->tab, ids[i]);   /* reports why */
				return 2;
			}
		}
		if (plan_add(p, t ? t->token_id : ids[i], t) != 0)
			return status_exit_code(PATROL_NOMEM);
	}
	return 0;
}

/* Skip the token patrol itself uses unless --include-self. */
static void
plan_guard_self(struct cli *cli, struct plan *p)
{
	size_t i;

	if (!cli->self_id[0] || cli->o.include_self)
		return;
	for (i = 0; i < p->n; i++) {
		if (strcasecmp(p->v[i].id, cli->self_id) != 0)
			continue;
		p->v[i].result = RR_SKIPPED;
		snprintf(p->v[i].err.message, sizeof p->v[i].err.message,
			 "this is the token patrol is using: pass --include-self to revoke it");
	}
}

static size_t
plan_pending(const struct plan *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->v[i].result == RR_PENDING;
	return n;
}

static void
plan_show(const struct cli *cli, const struct plan *p, FILE *fp)
{
	char comment[256], owner[128], id[128];
	size_t i, shown = 0;

	for (i = 0; i < p->n && shown < PLAN_SHOWN; i++) {
		const struct token_info *t = p->v[i].t;
		if (p->v[i].result != RR_PENDING)
			continue;
		sanitize_cell(t && t->comment ? t->comment : "", 40, 1, 0, comment, sizeof comment);
		sanitize_cell(t ? token_owner(t) : "", 24, 0, 0, owner, sizeof owner);
		sanitize_cell(p->v[i].id, TOKEN_SHORT_ID_LEN, 0, 0, id, sizeof id);
		fprintf(fp, "  %s  %s  %s\n", id, comment, owner);
		shown++;
	}
	if (plan_pending(p) > shown)
		fprintf(fp, "  … and %zu more\n", plan_pending(p) - shown);
}

/* Ask before revoking. Returns 0 to go on, or an exit code. */
static int
plan_confirm(struct cli *cli, const struct plan *p)
{
	char prompt[256], want[32];
	size_t n = plan_pending(p);
	int ok;

	if (cli->o.yes || cli->o.dry_run || n == 0)
		return 0;
	fprintf(stderr, "About to revoke %zu token%s on %s:\n", n, n == 1 ? "" : "s", cli->cfg.host);
	plan_show(cli, p, stderr);
	if (n > CONFIRM_TYPED_OVER) {
		snprintf(want, sizeof want, "%zu", n);
		snprintf(prompt, sizeof prompt, "Type the number of tokens (%zu) to revoke them:", n);
	} else {
		snprintf(want, sizeof want, "yes");
		snprintf(prompt, sizeof prompt, "Revoke %zu token%s? Type yes:", n, n == 1 ? "" : "s");
	}
	ok = cli_confirm(prompt, want);
	if (ok < 0)
		cli_msg("revoke: refusing to revoke %zu tokens without confirmation: "
			"run it on a terminal or pass --yes", n);
	return ok == 1 ? 0 : ok < 0 ? 2 : 1;
}

/* Map a finished call to a result. */
static enum revoke_result
revoke_outcome(const struct call *c)
{
	switch (c->err.status) {
	case PATROL_OK: return RR_REVOKED;
	case PATROL_NOT_FOUND: return RR_GONE;
	case PATROL_DRY_RUN: return RR_WOULD;
	case PATROL_UNKNOWN_OUTCOME: return RR_UNKNOWN;
	case PATROL_CANCELLED: return c->attempts > 0 ? RR_UNKNOWN : RR_NOT_ATTEMPTED;
	default: return RR_FAILED;
	}
}

static void
result_line(const struct cli *cli, const struct plan_item *it)
{
	char comment[256], id[512], *msg;

	if (cli->o.format != CLI_FORMAT_TABLE)
		return;
	sanitize_cell(it->t && it->t->comment ? it->t->comment : "", 40, 0, 0, comment, sizeof comment);
	sanitize_cell(it->id, 0, 0, 0, id, sizeof id);
	printf("%-13s  %s  %s", rr_labels[it->result], id, comment);
	if (rr_fails[it->result] || it->result == RR_SKIPPED) {
		msg = sanitize(it->err.message[0] ? it->err.message : status_message(it->err.status), 200, 0);
		printf("%s%s", comment[0] ? "  " : "", msg ? msg : "");
		free(msg);
	}
	putchar('\n');
	fflush(stdout);
}

/* Record a finished call; stop everything on 401/403. */
static void
revoke_finish(struct cli *cli, struct plan *p, struct call *c)
{
	struct plan_item *it = &p->v[c->tag];

	it->result = revoke_outcome(c);
	it->err = c->err;
	if (!p->stopped && (c->err.status == PATROL_UNAUTHENTICATED ||
			    c->err.status == PATROL_PERMISSION)) {
		p->stopped = true;
		cli_report(cli, c);
		cli_msg("revoke: stopping: the workspace refused patrol's credentials "
			"(the worker sends nothing more of this batch)");
	}
	result_line(cli, it);
	call_free(c);
}

static int
revoke_apply(struct cli *cli, struct plan *p)
{
	size_t i, inflight = 0;
	struct call *c;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].result != RR_PENDING)
			continue;
		c = cli->o.all ? api_tm_delete(p->v[i].id) : api_token_delete(p->v[i].id);
		if (c == NULL) {
			p->v[i].result = RR_NOT_ATTEMPTED;
			status_set(&p->v[i].err, PATROL_NOMEM, "out of memory");
			continue;
		}
		c->tag = i;
		c->halt_on_auth = true;
		worker_submit(cli->w, c);
		inflight++;
	}
	while (inflight > 0 && (c = worker_wait(cli->w, -1)) != NULL) {
		revoke_finish(cli, p, c);
		inflight--;
	}
	return 0;
}

static json_t *
item_json(const struct plan_item *it)
{
	json_t *o = json_pack("{s:s,s:s}", "token_id", it->id, "result", rr_labels[it->result]);

	if (o != NULL && (rr_fails[it->result] || it->result == RR_SKIPPED))
		json_object_set_new(o, "error", json_pack("{s:s,s:I,s:s,s:s}",
			"status", status_name(it->err.status), "http_status", (json_int_t)it->err.http_status,
			"code", it->err.code, "message", it->err.message));
	return o;
}

/* Print the per-id results (JSON, CSV) or skipped lines (table), then a summary. */
static int
revoke_report(struct cli *cli, struct plan *p)
{
	json_t *arr = NULL;
	size_t i;
	int rc = 0;

	if (cli->o.format == CLI_FORMAT_JSON)
		arr = json_array();
	if (cli->o.format == CLI_FORMAT_CSV)
		printf("token_id,result,message\n");
	for (i = 0; i < p->n; i++) {
		struct plan_item *it = &p->v[i];
		p->counts[it->result]++;
		if (rr_fails[it->result])
			rc = 1;
		if (arr != NULL)
			json_array_append_new(arr, item_json(it));
		else if (cli->o.format == CLI_FORMAT_CSV) {
			cli_output_csv_field(stdout, it->id, 0, false);
			printf("%s,", rr_labels[it->result]);
			cli_output_csv_field(stdout, it->err.message, 0, true);
		} else if (it->result == RR_SKIPPED)
			result_line(cli, it);
	}
	if (arr != NULL && cli_output_json(stdout, arr) != 0)
		rc = 2;
	if (cli->o.dry_run)
		fprintf(stderr, "%zu would be revoked, %zu skipped (dry run: nothing was sent)\n",
			p->counts[RR_WOULD], p->counts[RR_SKIPPED]);
	else
		fprintf(stderr, "%zu revoked, %zu already gone, %zu failed, %zu unknown, "
			"%zu not attempted, %zu skipped\n", p->counts[RR_REVOKED], p->counts[RR_GONE],
			p->counts[RR_FAILED], p->counts[RR_UNKNOWN], p->counts[RR_NOT_ATTEMPTED],
			p->counts[RR_SKIPPED]);
	return p->stopped ? 3 : rc;
}

/* Compile the filter once up front, so a typo costs no request. */
static int
check_filter(const char *expr)
{
	struct token_filter *f = NULL;
	struct patrol_err err;

	status_clear(&err);
	if (token_filter_compile(expr, &f, &err) != PATROL_OK) {
		cli_msg("revoke: bad filter: %s", err.message);
		return 2;
	}
	token_filter_free(f);
	return 0;
}

static int
revoke_plan(struct cli *cli, struct plan *p, char **ids, size_t n)
{
	int rc;

	if (plan_needs_list(cli, ids, n) &&
	    (rc = cli_fetch_tokens(cli, cli->o.all, NULL, &p->tab)) != 0)
		return rc;
	if ((rc = plan_from_ids(p, ids, n)) != 0)
		return rc;
	if (cli->o.filter != NULL && (rc = plan_from_filter(cli, p)) != 0)
		return rc;
	plan_guard_self(cli, p);
	return 0;
}

int
cli_cmd_revoke(struct cli *cli, int argc, char **argv)
{
	struct plan p;
	char **ids = NULL;
	size_t nids = 0, i;
	int rc;

	memset(&p, 0, sizeof p);
	if (cli->o.from != NULL && (rc = read_ids(cli->o.from, &ids, &nids)) != 0)
		return rc;
	if (cli->o.filter != NULL && check_filter(cli->o.filter) != 0) {
		free(ids);
		return 2;
	}
	if (argc == 1 && nids == 0 && cli->o.filter == NULL) {
		cli_msg("revoke: give token ids, --from FILE, or --filter EXPR");
		free(ids);
		return 2;
	}
	rc = cli_connect(cli);
	if (rc == 0) {
		char **all = realloc(ids, (nids + (size_t)argc) * sizeof *all);
		if (all == NULL)
			rc = status_exit_code(PATROL_NOMEM);
		else {
			ids = all;
			for (i = 1; i < (size_t)argc; i++)
				ids[nids++] = strdup(argv[i]);
			for (i = 0; i < nids && rc == 0; i++)
				if (ids[i] == NULL)
					rc = status_exit_code(PATROL_NOMEM);
		}
	}
	if (rc == 0)
		rc = revoke_plan(cli, &p, ids, nids);
	if (rc == 0 && plan_pending(&p) == 0 && p.n == 0)
		cli_msg("revoke: nothing matches: no token was revoked");
	if (rc == 0 && (rc = plan_confirm(cli, &p)) == 0) {
		revoke_apply(cli, &p);
		rc = revoke_report(cli, &p);
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	plan_free(&p);
	return rc;
}
