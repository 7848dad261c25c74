/*
 * ui_export.c: :export FILE.csv|FILE.json: the rows shown, in the order
 * shown (never a secret), or in the results view the session's results;
 * through the command line's writers (cli_output.h) and savefile.h (whole
 * or not at all, mode 0600, an existing file replaced only after OK).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_output.h"
#include "savefile.h"
#include "ui_internal.h"

static int
ui_export_format(const char *path, enum cli_format *f)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strcasecmp(dot, ".json") == 0)
		*f = CLI_FORMAT_JSON;
	else if (dot != NULL && strcasecmp(dot, ".csv") == 0)
		*f = CLI_FORMAT_CSV;
	else
		return -1;
	return 0;
}

/* What an export writes: the shown rows in the shown order (never a
 * secret), or in the results view the session's results. */
struct ui_export {
	struct ui *u;
	enum cli_format format;
	bool results;
};

/* Part m's results as CSV rows with its workspace first (the header too
 * when head): the core's rows, each after a "workspace" field. */
static int
ui_export_part_csv(FILE *fp, const struct ui *u, const struct ui_ws *m, bool head)
{
	char *text = NULL, *line, *next;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (mem == NULL)
		return -1;
	rc = cli_output_results(mem, CLI_FORMAT_CSV, m->bulk, u->sflags);
	if (fclose(mem) != 0)
		rc = -1;
	for (line = text; rc == 0 && line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)     /* fields are one line each */
			*next++ = '\0';
		if (line == text && !head)
			continue;
		if (line == text)
			fputs("workspace,", fp);
		else
			cli_output_csv_field(fp, m->profile, u->sflags, false);
		fprintf(fp, "%s\n", line);
	}
	free(text);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

/* The results of several workspaces' session: CSV with a workspace column
 * first; JSON {"PROFILE": [results...], ...} as `patrol revoke -p A -p B`
 * writes them. */
static int
ui_export_parts(FILE *fp, const struct ui *u, enum cli_format format)
{
	const struct ui_ws *m;
	size_t i, k = 0;
	int rc = 0;

	if (format == CLI_FORMAT_JSON)
		fputs("{", fp);
	for (i = 0; i < u->nest && rc == 0; i++) {
		m = u->est[i];
		if (bulk_count(m->bulk) == 0)
			continue;
		if (format == CLI_FORMAT_CSV) {
			rc = ui_export_part_csv(fp, u, m, k++ == 0);
			continue;
		}
		fputs(k++ ? ",\n" : "\n", fp);
		if ((rc = cli_output_json_key(fp, m->profile)) == 0)
			rc = cli_output_results(fp, CLI_FORMAT_JSON, m->bulk, u->sflags);
	}
	if (format == CLI_FORMAT_JSON)
		fputs("}\n", fp);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

static int
ui_export_fill(FILE *fp, const void *ctx)
{
	const struct ui_export *e = ctx;
	struct ui *u = e->u;
	struct cli_out o;
	size_t i;
	int rc;

	if (e->results && UI_ESTATE(u))
		return ui_export_parts(fp, u, e->format);
	if (e->results)
		return cli_output_results(fp, e->format, u->ws->bulk, u->sflags);
	memset(&o, 0, sizeof o);
	o.fp = fp;
	o.format = e->format;
	o.management = UI_MGMT(u);
	o.sanitize_flags = u->sflags;
	o.ctx = u->ws->ctx;
	if (UI_ESTATE(u)) {          /* the workspace column and fields, as the CLI's */
		o.ws = ui_xcalloc(u->nest, sizeof *o.ws);
		o.nws = u->nest;
		for (i = 0; i < u->nest; i++)
			o.ws[i] = (struct cli_out_ws){ u->est[i]->profile,
			    u->est[i]->cfg->host != NULL ? u->est[i]->cfg->host : "", u->est[i]->ctx };
	}
	rc = cli_output_tokens(&o, &u->ws->tab, u->ws->shown, u->ws->nshown);
	free(o.ws);
	return rc;
}

static unsigned ui_export_done(struct ui *u, struct dialog *d, enum dialog_result res);

/* Export to path (~ expanded). An existing file is asked about first and
 * replaced only after OK (replace); the file is written whole or not at
 * all, mode 0600. */
unsigned
ui_export(struct ui *u, const char *arg, bool results, bool replace)
{
	struct ui_export e = { u, CLI_FORMAT_CSV, results };
	struct patrol_err err;
	const char *lines[2];
	char l0[300], *path;
	size_t n = u->ws->nshown, p;

	for (p = 0, n = results ? 0 : n; results && p < ui_state_parts(u); p++)
		n += bulk_count(ui_state_part(u, p)->bulk);

	if (arg[0] == '\0' || ui_export_format(arg, &e.format) != 0)
		return ui_msg(u, true, "export: name a .csv or .json file"), UI_R_STATUS;
	if ((path = savefile_expand(arg)) == NULL)
		return ui_msg(u, true, "export: %s: HOME is not set", arg), UI_R_STATUS;
	if (!replace && savefile_exists(path)) {
		snprintf(l0, sizeof l0, "%s exists.", path);
		lines[0] = l0;
		lines[1] = results ? "Replace it with this session's results?" :
		    "Replace it with the rows shown now?";
		free(u->export_path);
		u->export_path = path;
		u->export_results = results;
		ui_dialog_open(u, dialog_confirm_new("Replace the file?", lines, 2, NULL, u->ascii),
		    ui_export_done, NULL);
		return UI_R_ALL;
	}
	status_clear(&err);
	if (savefile_write(path, replace ? SAVEFILE_REPLACE : SAVEFILE_NEW, ui_export_fill, &e,
	    &err) != PATROL_OK)
		ui_msg(u, true, "export: %s", err.message);
	else
		ui_msg(u, false, "exported %zu %s%s to %s", n, results ? "result" : "row",
		    n == 1 ? "" : "s", path);
	free(path);
	return UI_R_STATUS;
}

/* "Replace the file?" ended: OK writes it over. */
static unsigned
ui_export_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	unsigned r = UI_R_NONE;

	if (res == DIALOG_OK)
		r = ui_export(u, u->export_path, u->export_results, true);
	else
		ui_msg(u, false, "export cancelled: %s is unchanged",
		    strrchr(u->export_path, '/') != NULL ? strrchr(u->export_path, '/') + 1 :
		    u->export_path);
	free(u->export_path);
	u->export_path = NULL;
	return r;
}
