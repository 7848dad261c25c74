/*
 * cli_permissions.c: `patrol permissions`: who may use personal access
 * tokens in the workspace (/api/2.0/permissions/authorization/tokens, which
 * only admins may read).
 *
 * One row per principal and level: each group, user or service principal
 * the list names, its permission level (CAN_USE, CAN_MANAGE or whatever
 * the server names), whether it is inherited (and from what), and for users
 * and service principals how many active (non-expired) tokens they hold,
 * counted from token management's list of every token. Table, JSON (an
 * array of objects) or CSV, like the other commands.
 *
 * `permissions grant PRINCIPAL [--level L]` adds or raises a direct entry
 * (PATCH). `permissions remove PRINCIPAL` sends the direct entries without
 * the principal's (PUT), which for a user or service principal deletes
 * every token it holds, at once and for good: so it is a bulk revocation.
 * plan: the exact tokens that will go (token management's list); confirm:
 * the count typed on /dev/tty (or --yes; --dry-run sends nothing that
 * changes anything); re-plan: the permissions and the tokens are read
 * again and the PUT is built from the fresh list, a token new since the
 * plan asked about again; journal: a session of kind "permissions" whose
 * items are those tokens, an intent for each before the PUT; apply; check:
 * the list is read again and each planned token reported deleted or still
 * there. Removing a group deletes nothing: its members lose the right to
 * use tokens unless another entry gives it.
 *
 * PRINCIPAL is a user name, group name or service principal application
 * id; "user:", "group:" or "sp:" before it says which, else the kind an
 * entry of that name has, else a name with '@' is a user, a UUID a service
 * principal, anything else a group.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "cli.h"
#include "journal.h"
#include "table.h"

/* One row: a principal at one level. */
struct perm_row {
	const struct api_perm_entry *e;
	const struct api_perm_level *l;   /* NULL: the entry lists no level */
	long tokens;                      /* active tokens; -1 for a group */
};

struct perm_list {
	struct cli *cli;
	struct api_perms *perms;
	struct token_table *tab;
	struct perm_row *rows;
	size_t n;
};

/* Active tokens created by name (a user name or an application id). */
static long
perm_tokens(const struct token_table *tab, const char *name, int64_t now)
{
	long n = 0;
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (strcmp(token_owner(&tab->rows[i]), name) == 0 &&
		    !token_is_expired(&tab->rows[i], now))
			n++;
	return n;
}

/* The rows, in the server's order. 0 or -1 on out of memory. */
static int
perm_rows(struct perm_list *p)
{
	size_t i, j, cap = 1;
	const struct api_perm_entry *e;

	for (i = 0; i < p->perms->n; i++)
		cap += p->perms->v[i].n ? p->perms->v[i].n : 1;
	if ((p->rows = calloc(cap, sizeof *p->rows)) == NULL)
		return -1;
	for (i = 0; i < p->perms->n; i++) {
		e = &p->perms->v[i];
		for (j = 0; j < (e->n ? e->n : 1); j++)
			p->rows[p->n++] = (struct perm_row){ e, e->n ? &e->v[j] : NULL,
				e->kind == API_PRINCIPAL_GROUP ? -1 :
				perm_tokens(p->tab, e->name, p->cli->out.ctx.now_ms) };
	}
	return 0;
}

/* ---- output ---------------------------------------------------------------- */

enum { PC_NAME, PC_TYPE, PC_LEVEL, PC_INHERITED, PC_TOKENS, PC_DISPLAY, PC_NCOLS };
static const struct table_col perm_cols[PC_NCOLS] = {
	[PC_NAME] = { .header = "PRINCIPAL", .flex = true, .min = 16 },
	[PC_TYPE] = { .header = "TYPE" },
	[PC_LEVEL] = { .header = "LEVEL" },
	[PC_INHERITED] = { .header = "INHERITED", .flex = true, .drop = 2 },
	[PC_TOKENS] = { .header = "TOKENS", .right = true },
	[PC_DISPLAY] = { .header = "DISPLAY NAME", .flex = true, .drop = 1 },
};

static void
perm_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct perm_row *r = row;

	(void)ctx;
	switch (col) {
	case PC_NAME: snprintf(out, n, "%s", r->e->name); break;
	case PC_TYPE: snprintf(out, n, "%s", api_principal_words(r->e->kind)); break;
	case PC_LEVEL: snprintf(out, n, "%s", r->l ? r->l->level : "-"); break;
	case PC_INHERITED:
		if (r->l == NULL || !r->l->inherited)
			snprintf(out, n, "no");
		else
			snprintf(out, n, "yes%s%s%s", r->l->from ? " (from " : "",
				 r->l->from ? r->l->from : "", r->l->from ? ")" : "");
		break;
	case PC_TOKENS:
		if (r->tokens < 0)
			snprintf(out, n, "-");
		else
			snprintf(out, n, "%ld", r->tokens);
		break;
	default: snprintf(out, n, "%s", r->e->display ? r->e->display : ""); break;
	}
}

static int
perm_table(const struct perm_list *p)
{
	const struct cli_out *o = &p->cli->out;
	struct table t = { perm_cols, PC_NCOLS, 0, perm_cell, p, p->rows, sizeof *p->rows,
			   NULL, p->n };
	struct table_out to = { o->fp, o->width, o->color, o->sanitize_flags };

	if (p->n == 0)
		fprintf(o->fp, "No one holds a token permission (admins always may use tokens).\n");
	else
		table_print(&to, &t);
	return ferror(o->fp) ? -1 : 0;
}

static const char *const perm_csv_header[] = {
	"principal", "type", "permission_level", "inherited", "inherited_from", "active_tokens",
	"display_name",
};
#define PERM_CSV_NCOLS (sizeof perm_csv_header / sizeof perm_csv_header[0])

static int
perm_csv(const struct perm_list *p)
{
	FILE *fp = p->cli->out.fp;
	char tokens[24];
	const char *v[PERM_CSV_NCOLS];
	size_t i, k;

	for (k = 0; k < PERM_CSV_NCOLS; k++)
		fprintf(fp, "%s%c", perm_csv_header[k], k + 1 == PERM_CSV_NCOLS ? '\n' : ',');
	for (i = 0; i < p->n; i++) {
		const struct perm_row *r = &p->rows[i];
		snprintf(tokens, sizeof tokens, "%ld", r->tokens);
		v[0] = r->e->name; v[1] = api_principal_words(r->e->kind);
		v[2] = r->l ? r->l->level : ""; v[3] = r->l && r->l->inherited ? "true" : "false";
		v[4] = r->l ? r->l->from : ""; v[5] = r->tokens < 0 ? "" : tokens;
		v[6] = r->e->display;
		for (k = 0; k < PERM_CSV_NCOLS; k++)
			cli_output_csv_field(fp, v[k], p->cli->out.sanitize_flags,
					     k + 1 == PERM_CSV_NCOLS);
	}
	return ferror(fp) ? -1 : 0;
}

/* [{"principal","type","permission_level","inherited","inherited_from",
 *   "active_tokens","display_name"}…]: the API's key names the type too
 * ("user_name", "group_name", "service_principal_name"). */
static int
perm_json(const struct perm_list *p)
{
	json_t *arr = json_array(), *o;
	size_t i;

	for (i = 0; arr != NULL && i < p->n; i++) {
		const struct perm_row *r = &p->rows[i];
		o = json_pack("{s:s,s:s,s:s?,s:b,s:s?,s:o,s:s?}", "principal", r->e->name,
			      "type", api_principal_key(r->e->kind),
			      "permission_level", r->l ? r->l->level : NULL,
			      "inherited", r->l != NULL && r->l->inherited,
			      "inherited_from", r->l ? r->l->from : NULL,
			      "active_tokens", r->tokens < 0 ? json_null() :
			      json_integer((json_int_t)r->tokens),
			      "display_name", r->e->display);
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return cli_output_json(p->cli->out.fp, arr);
}

/* ---- the command ------------------------------------------------------------ */

/* Read the permissions and every token (to count who holds how many). */
static int
perm_fetch(struct perm_list *p)
{
	void *res = NULL;
	int rc;

	if ((rc = cli_connect(p->cli)) != 0 ||
	    (rc = cli_call(p->cli, api_perm_get(), &res)) != 0)
		return rc;
	p->perms = res;
	if (p->perms == NULL && (p->perms = calloc(1, sizeof *p->perms)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	return cli_fetch_tokens(p->cli, true, NULL, &p->tab);
}

/* ---- the principal --------------------------------------------------------- */

struct perm_target {
	enum api_principal kind;
	const char *name;
};

static void
perm_target(const char *arg, const struct api_perms *perms, struct perm_target *t)
{
	api_perm_target(arg, perms, &t->kind, &t->name);
}

static bool
perm_is(const struct api_perm_entry *e, const struct perm_target *t)
{
	return e->kind == t->kind && strcmp(e->name, t->name) == 0;
}

static const struct api_perm_level *
perm_direct(const struct api_perms *perms, const struct perm_target *t,
	    const struct api_perm_level **inherited)
{
	return api_perm_direct(perms, t->kind, t->name, inherited);
}

static int
perm_get(struct cli *cli, struct api_perms **out)
{
	void *res = NULL;
	int rc;

	*out = NULL;
	if ((rc = cli_call(cli, api_perm_get(), &res)) != 0)
		return rc;
	if ((*out = res) == NULL && (*out = calloc(1, sizeof **out)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	return 0;
}

/* ---- grant ------------------------------------------------------------------ */

static int
perm_grant(struct cli *cli, const char *arg)
{
	struct api_perms *perms = NULL, *after = NULL;
	const struct api_perm_level *have;
	struct api_perm_grant g;
	struct perm_target t;
	void *res = NULL;
	int rc;

	if ((rc = cli_connect(cli)) != 0 || (rc = perm_get(cli, &perms)) != 0)
		return rc;
	perm_target(arg, perms, &t);
	g = (struct api_perm_grant){ t.kind, t.name, cli->o.level ? cli->o.level : "CAN_USE" };
	have = perm_direct(perms, &t, NULL);
	if (have != NULL && strcmp(have->level, g.level) == 0) {
		fprintf(cli->out.fp, "%s %s already holds %s: nothing changed.\n",
			api_principal_words(t.kind), t.name, g.level);
	} else if (cli->o.dry_run) {
		fprintf(cli->out.fp, "dry run: would grant %s to %s %s (now: %s); nothing sent.\n",
			g.level, api_principal_words(t.kind), t.name, have ? have->level : "none");
	} else if ((rc = cli_call(cli, api_perm_update(&g, 1), &res)) == 0) {
		after = res;
		have = after != NULL ? perm_direct(after, &t, NULL) : NULL;
		if (have != NULL && strcmp(have->level, g.level) == 0) {
			fprintf(cli->out.fp, "granted %s to %s %s.\n", g.level,
				api_principal_words(t.kind), t.name);
		} else {
			cli_msg("permissions grant: the server's answer does not show %s holding %s",
				t.name, g.level);
			rc = 1;
		}
	}
	api_perms_free(perms);
	api_perms_free(after);
	return rc;
}

/* ---- remove ----------------------------------------------------------------- */

/* One removal: the principal, what the plan found, what the journal holds. */
struct perm_rm {
	struct cli *cli;
	struct perm_target t;
	struct api_perms *perms;      /* the freshest read */
	struct token_table *tab;      /* the freshest list */
	size_t *idx;                  /* the principal's tokens: rows of tab */
	size_t n;
	const struct api_perm_level *level;   /* its direct level (in perms) */
	struct journal *j;
};

/* Read the permissions and the principal's tokens again (the plan, and the
 * re-plan). 0, or an exit code after saying why. */
static int
rm_read(struct perm_rm *r)
{
	const struct api_perm_level *inh;
	size_t i;
	int rc;

	api_perms_free(r->perms);
	api_table_free(r->tab);
	free(r->idx);
	r->perms = NULL, r->tab = NULL, r->idx = NULL, r->n = 0;
	if ((rc = perm_get(r->cli, &r->perms)) != 0)
		return rc;
	if ((r->level = perm_direct(r->perms, &r->t, &inh)) == NULL) {
		if (inh != NULL)
			cli_msg("permissions remove: %s %s holds %s only by inheritance%s%s%s: there is "
				"no direct permission to remove", api_principal_words(r->t.kind),
				r->t.name, inh->level, inh->from ? " (from " : "",
				inh->from ? inh->from : "", inh->from ? ")" : "");
		else
			cli_msg("permissions remove: %s %s holds no token permission (patrol "
				"permissions lists who does)", api_principal_words(r->t.kind), r->t.name);
		return 2;
	}
	if (r->t.kind == API_PRINCIPAL_GROUP)
		return 0;
	if ((rc = cli_fetch_tokens(r->cli, true, NULL, &r->tab)) != 0)
		return rc;
	if ((r->idx = calloc(r->tab->n + 1, sizeof *r->idx)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < r->tab->n; i++)
		if (strcmp(token_owner(&r->tab->rows[i]), r->t.name) == 0)
			r->idx[r->n++] = i;
	return 0;
}

/* The plan, on fp: what goes, and for a user or service principal every
 * token that the server deletes with it. */
static void
rm_show(const struct perm_rm *r, FILE *fp)
{
	struct cli_out o = r->cli->out;
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	if (r->t.kind == API_PRINCIPAL_GROUP) {
		fprintf(fp, "Removing group %s (%s) from the token permissions: its members lose "
			"the right to use tokens unless another entry gives it (their tokens stay, "
			"but are refused).\n", r->t.name, r->level->level);
		return;
	}
	if (r->n == 0)
		fprintf(fp, "Removing the token permission of %s %s (%s) deletes all of its "
			"tokens at once: it holds none now.\n", api_principal_words(r->t.kind),
			r->t.name, r->level->level);
	else
		fprintf(fp, "Removing the token permission of %s %s (%s) deletes %s %zu "
			"token%s at once, for good:\n", api_principal_words(r->t.kind), r->t.name,
			r->level->level, r->n == 1 ? "its" : "all", r->n, r->n == 1 ? "" : "s");
	if (r->n == 0)
		return;
	o.fp = fp;
	o.format = CLI_FORMAT_TABLE;
	o.management = false;
	o.width = fp == stderr ? table_terminal_width(2) : o.width;
	cli_output_tokens(&o, r->tab, r->idx, r->n);
	for (i = 0; i < r->n; i++)
		if (token_flags_masked(&r->tab->rows[r->idx[i]], &o.ctx, TOKEN_FLAG(SELF)) != 0)
			fprintf(fp, "Among them the token patrol is using (%.*s): afterwards patrol "
				"can no longer reach this workspace with it.\n", TOKEN_SHORT_ID_LEN,
				token_id_hex(&r->tab->rows[r->idx[i]], id));
}

/* Ask for the count (a group: yes). 0 to go on, else the exit code. */
static int
rm_confirm(const struct perm_rm *r, const char *what)
{
	char prompt[512], want[32];
	int ok;

	if (r->cli->o.yes)
		return 0;
	if (r->t.kind == API_PRINCIPAL_GROUP || r->n == 0) {
		snprintf(want, sizeof want, "yes");
		snprintf(prompt, sizeof prompt, "%s: remove %s %s? Type yes:", what,
			 api_principal_words(r->t.kind), r->t.name);
	} else {
		snprintf(want, sizeof want, "%zu", r->n);
		snprintf(prompt, sizeof prompt, "%s: type the number of tokens the server will "
			 "delete (%zu) to remove %s:", what, r->n, r->t.name);
	}
	ok = cli_confirm(prompt, want);
	if (ok < 0)
		cli_msg("permissions remove: refusing without confirmation: run it on a terminal "
			"or pass --yes");
	return ok == 1 ? 0 : ok < 0 ? 2 : 1;
}

/* Ids of the plan (rows of old) that fresh no longer has, or has anew. */
static void
rm_diff(const struct perm_rm *old, const struct perm_rm *fresh, size_t *gone, size_t *added)
{
	size_t i, k;
	char id[TOKEN_ID_LEN + 1];

	*gone = *added = 0;
	for (i = 0; i < fresh->n; i++) {
		token_id_hex(&fresh->tab->rows[fresh->idx[i]], id);
		for (k = 0; k < old->n; k++)
			if (token_id_cmp_text(&old->tab->rows[old->idx[k]], id, false) == 0)
				break;
		*added += k == old->n;
	}
	*gone = old->n + *added - fresh->n;
}

/* Start the journal: the tokens the server will delete, an intent each,
 * synced before the PUT is sent. 0, or the exit code. */
static int
rm_journal(struct perm_rm *r)
{
	struct journal_item *items = calloc(r->n + 1, sizeof *items);
	struct journal_plan plan;
	struct patrol_err err;
	char change[512];
	size_t i;
	int rc = 0;

	if (items == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < r->n; i++) {
		const struct token_info *t = &r->tab->rows[r->idx[i]];
		token_id_hex(t, items[i].id);
		items[i].owner = (char *)token_owner(t);
		items[i].comment = (char *)token_comment(t);
		items[i].created_ms = t->creation_time;
		items[i].last_used_ms = token_last_used(t);
		items[i].expiry_ms = t->expiry_time;
		items[i].flags = token_flags(t, &r->cli->out.ctx);
	}
	snprintf(change, sizeof change, "remove %s %s (%s) from the token permissions",
		 api_principal_words(r->t.kind), r->t.name, r->level->level);
	memset(&plan, 0, sizeof plan);
	plan.host = r->cli->cfg.host;
	plan.profile = r->cli->cfg.profile;
	plan.admin = true;
	plan.kind = JOURNAL_KIND_PERMISSIONS;
	plan.change = change;
	plan.items = items;
	plan.n = r->n;
	status_clear(&err);
	if (journal_start_change(&plan, &r->j, &err) != PATROL_OK)
		rc = 2;
	else if (journal_sync(r->j) != PATROL_OK)
		rc = (journal_error(r->j, &err), 2);
	if (rc != 0)
		cli_msg("permissions remove: cannot record the change, so nothing was changed: %s",
			err.message);
	free(items);
	return rc;
}

/* The PUT: every direct entry of the fresh list but the principal's. */
static int
rm_apply(struct perm_rm *r, struct api_perms **after)
{
	struct api_perm_grant *v;
	size_t i, j, n = 0, cap = 1;
	void *res = NULL;
	int rc;

	for (i = 0; i < r->perms->n; i++)
		cap += r->perms->v[i].n;
	if ((v = calloc(cap, sizeof *v)) == NULL)
		return status_exit_code(PATROL_NOMEM);
	for (i = 0; i < r->perms->n; i++)
		for (j = 0; j < r->perms->v[i].n; j++)
			if (!r->perms->v[i].v[j].inherited && !perm_is(&r->perms->v[i], &r->t))
				v[n++] = (struct api_perm_grant){ r->perms->v[i].kind,
					r->perms->v[i].name, r->perms->v[i].v[j].level };
	rc = cli_call(r->cli, api_perm_set(v, n), &res);
	*after = res;
	free(v);
	return rc;
}

/* Read the list again: each planned token deleted, or still there. Writes
 * the results to the journal. Returns how many are still there. */
static size_t
rm_check(struct perm_rm *r, const struct token_table *now, FILE *fp)
{
	size_t i, left = 0;
	char id[TOKEN_ID_LEN + 1];
	struct patrol_err still;

	status_set(&still, PATROL_CONFLICT, "still listed after the permission was removed");
	for (i = 0; i < r->n; i++) {
		token_id_hex(&r->tab->rows[r->idx[i]], id);
		if (token_find(now, id) >= 0) {
			left++;
			fprintf(fp, "still there: %.*s\n", TOKEN_SHORT_ID_LEN, id);
			journal_result(r->j, id, JOURNAL_FAILED, &still);
		} else {
			journal_result(r->j, id, JOURNAL_REVOKED, NULL);
		}
	}
	return left;
}

static int
rm_report(struct perm_rm *r)
{
	struct token_table *now = NULL;
	FILE *fp = r->cli->out.fp;
	size_t left = 0;
	int rc = 0;

	if (r->t.kind != API_PRINCIPAL_GROUP &&
	    (rc = cli_fetch_tokens(r->cli, true, NULL, &now)) == 0)
		left = rm_check(r, now, fp);
	if (rc == 0 && r->t.kind == API_PRINCIPAL_GROUP)
		fprintf(fp, "removed group %s from the token permissions.\n", r->t.name);
	else if (rc == 0)
		fprintf(fp, "removed %s %s from the token permissions: %zu of %zu tokens deleted "
			"by the server%s\n", api_principal_words(r->t.kind), r->t.name, r->n - left,
			r->n, left ? "; the ones above are still listed" : ".");
	journal_end(r->j, "done");
	cli_msg("journal: %s", journal_path(r->j));
	api_table_free(now);
	return rc != 0 ? rc : left ? 1 : 0;
}

static void
rm_free(struct perm_rm *r)
{
	api_perms_free(r->perms);
	api_table_free(r->tab);
	free(r->idx);
	journal_close(r->j);
}

/* The re-plan: read both again; a token new since the plan is asked about
 * again (unless --yes). r becomes the fresh plan. */
static int
rm_replan(struct perm_rm *r)
{
	struct perm_rm fresh = { r->cli, r->t, NULL, NULL, NULL, 0, NULL, NULL };
	size_t gone, added;
	int rc;

	if ((rc = rm_read(&fresh)) != 0) {
		rm_free(&fresh);
		return rc;
	}
	rm_diff(r, &fresh, &gone, &added);
	rm_free(r);
	*r = fresh;
	if (gone + added == 0)
		return 0;
	fprintf(stderr, "Changed since the plan: %zu of its tokens no longer exist, %zu are "
		"new.\n", gone, added);
	if (added == 0)
		return 0;
	rm_show(r, stderr);
	return rm_confirm(r, "The plan changed");
}

static int
perm_remove(struct cli *cli, const char *arg)
{
	struct perm_rm r;
	struct api_perms *after = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	if ((rc = cli_connect(cli)) != 0 || (rc = perm_get(cli, &r.perms)) != 0)
		return rc;
	perm_target(arg, r.perms, &r.t);
	if ((rc = rm_read(&r)) != 0) {
		rm_free(&r);
		return rc;
	}
	if (cli->o.dry_run) {
		rm_show(&r, cli->out.fp);
		fprintf(cli->out.fp, "dry run: nothing was changed.\n");
		rm_free(&r);
		return 0;
	}
	if (!cli->o.yes)
		rm_show(&r, stderr);
	if ((rc = rm_confirm(&r, "Remove")) == 0 && (rc = rm_replan(&r)) == 0 &&
	    (rc = rm_journal(&r)) == 0) {
		if ((rc = rm_apply(&r, &after)) == 0)
			rc = rm_report(&r);
		else
			journal_end(r.j, "stopped");
	}
	api_perms_free(after);
	rm_free(&r);
	return rc;
}

bool
cli_permissions_mutates(int argc, char **argv)
{
	return argc > 1 && (strcmp(argv[1], "grant") == 0 || strcmp(argv[1], "remove") == 0);
}

int
cli_cmd_permissions(struct cli *cli, int argc, char **argv)
{
	struct perm_list p;
	int rc;

	if (argc > 1 && argc != 3 && cli_permissions_mutates(argc, argv)) {
		cli_msg("permissions %s: give one principal (a user name, group name or service "
			"principal application id)", argv[1]);
		return 2;
	}
	if (argc == 3 && strcmp(argv[1], "grant") == 0)
		return perm_grant(cli, argv[2]);
	if (argc == 3 && strcmp(argv[1], "remove") == 0) {
		if (cli->o.level != NULL) {
			cli_msg("permissions remove: --level is for grant");
			return 2;
		}
		return perm_remove(cli, argv[2]);
	}
	if (argc > 1) {
		cli_msg("permissions: unknown subcommand '%s' (grant or remove; see patrol help "
			"permissions)", argv[1]);
		return 2;
	}
	if (cli->o.level != NULL || cli->o.yes) {
		cli_msg("permissions: --level and --yes are for grant and remove");
		return 2;
	}
	memset(&p, 0, sizeof p);
	p.cli = cli;
	if ((rc = perm_fetch(&p)) == 0) {
		if (perm_rows(&p) != 0) {
			cli_msg("out of memory");
			rc = status_exit_code(PATROL_NOMEM);
		} else if (cli->o.format == CLI_FORMAT_JSON) {
			rc = cli_written(perm_json(&p));
		} else if (cli->o.format == CLI_FORMAT_CSV) {
			rc = cli_written(perm_csv(&p));
		} else {
			rc = cli_written(perm_table(&p));
		}
	}
	free(p.rows);
	api_perms_free(p.perms);
	api_table_free(p.tab);
	return rc;
}
