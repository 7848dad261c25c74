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
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli.h"
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

int
cli_cmd_permissions(struct cli *cli, int argc, char **argv)
{
	struct perm_list p;
	int rc;

	if (argc > 1) {
		cli_msg("permissions: unknown subcommand '%s' (see patrol help permissions)", argv[1]);
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
