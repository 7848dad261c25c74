/*
 * cli_cmds.c: list, show, whoami, quota, create, update and settings.
 *
 * Each command checks its arguments, connects (config + worker), runs its
 * calls through the worker and prints in the chosen format. Errors are
 * reported by cli_report with the exit code of their status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cli.h"
#include "duration.h"
#include "sanitize.h"
#include "secret.h"
#include "settings.h"
#include "table.h"

/* Check the positional count: between min and max (after the command name). */
static int
want_args(const struct cli *cli, int argc, int min, int max, const char *what)
{
	if (argc - 1 < min || argc - 1 > max) {
		cli_msg("%s: %s", cli->cmd_name, what);
		return 2;
	}
	return 0;
}

/* How list and its friends pick and order rows: checked before any network use. */
struct selection {
	struct token_filter *filter;
	enum token_sort_key key;
	bool desc;
};

/* Compile the filter and the sort column. Returns 0 or 2 (reported). */
static int
selection_prepare(struct selection *s, const char *filter, const char *sort)
{
	struct patrol_err err;

	s->filter = NULL;
	s->key = TOKEN_SORT_CREATED;
	s->desc = true;
	status_clear(&err);
	if (sort != NULL && token_sort_parse(sort, &s->key, &s->desc) != 0) {
		char names[256];
		size_t k, at = 0;

		for (k = 0; k < TOKEN_SORT_COUNT && at < sizeof names; k++)
			at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", k ? " " : "",
					       token_sort_name((enum token_sort_key)k));
		cli_msg("unknown sort column '%s' (%s, optionally :asc or :desc)", sort, names);
		return 2;
	}
	if (token_filter_compile(filter, &s->filter, &err) != PATROL_OK) {
		cli_msg("bad filter: %s", err.message);
		return 2;
	}
	return 0;
}

/* Sorted, filtered index over tab; *n gets the count. NULL on out of memory. */
static size_t *
selection_apply(struct cli *cli, const struct selection *s, const struct token_table *tab,
		size_t *n)
{
	size_t *idx = malloc((tab->n ? tab->n : 1) * sizeof *idx);

	if (idx == NULL) {
		cli_msg("out of memory");
		return NULL;
	}
	*n = cli->o.many ? cli_estate_filter(cli, s->filter, tab, idx) :
	     token_filter_apply(s->filter, tab, &cli->out.ctx, idx);
	token_sort(tab, idx, *n, s->key, s->desc);
	return idx;
}

int
cli_cmd_list(struct cli *cli, int argc, char **argv)
{
	struct token_table *tab = NULL;
	struct selection sel;
	size_t *idx, n = 0;
	int rc;

	if ((rc = want_args(cli, argc, 0, 0, "takes no arguments (use --filter)")) != 0)
		return rc;
	if (cli->o.user != NULL && !cli->o.all) {
		cli_msg("list: --user needs --all (your own tokens are all yours)");
		return 2;
	}
	if ((rc = selection_prepare(&sel, cli->o.filter, cli->o.sort)) != 0)
		return rc;
	if ((rc = cli_estate_connect(cli)) == 0 &&
	    (rc = cli_estate_fetch(cli, cli->o.all, cli->o.user, &tab)) == 0) {
		cli_estate_filter_context(cli, sel.filter);
		idx = selection_apply(cli, &sel, tab, &n);
		if (idx == NULL)
			rc = status_exit_code(PATROL_NOMEM);
		else if (cli_output_tokens(&cli->out, tab, idx, n) != 0)
			rc = cli_written(-1);
		else if (tab->n == 0 && cli->o.user != NULL)
			cli_msg("list: no tokens created by user '%s' (the name must match exactly: "
				"patrol quota --all lists the owners)", cli->o.user);
		else if (cli->o.format == CLI_FORMAT_TABLE && isatty(STDERR_FILENO))
			fprintf(stderr, "%zu of %zu token%s\n", n, tab->n, tab->n == 1 ? "" : "s");
		free(idx);
		api_table_free(tab);
	}
	token_filter_free(sel.filter);
	return rc;
}

/* Fetch one token by full id or prefix: TM get for a full id with --all,
 * else a list and a lookup. *tab holds the row at *row. */
static int
fetch_one(struct cli *cli, const char *id, struct token_table **tab, long *row)
{
	void *r;
	int rc;

	if (cli->o.all && cli_is_full_id(id) && !cli->o.many) {
		if ((rc = cli_call(cli, api_tm_get(id), &r)) != 0)
			return rc;
		*tab = r;
		*row = 0;
		return *tab != NULL && (*tab)->n == 1 ? 0 : status_exit_code(PATROL_PROTOCOL);
	}
	if ((rc = cli_estate_fetch(cli, cli->o.all, NULL, tab)) != 0)
		return rc;
	*row = cli->o.many ? cli_estate_find(cli, *tab, id) : cli_find_token(*tab, id);
	if (*row < 0) {
		api_table_free(*tab);
		*tab = NULL;
		return *row == -2 ? 2 : 1;     /* ambiguous: as revoke and pin say it */
	}
	return 0;
}

int
cli_cmd_show(struct cli *cli, int argc, char **argv)
{
	struct token_table *tab = NULL;
	long row;
	int rc;

	if ((rc = want_args(cli, argc, 1, 1, "give one token id (or a unique prefix)")) != 0)
		return rc;
	if ((rc = cli_estate_connect(cli)) != 0 || (rc = fetch_one(cli, argv[1], &tab, &row)) != 0)
		return rc;
	cli->out.management = tab->rows[row].management;
	rc = cli_written(cli_output_token_detail(&cli->out, &tab->rows[row]));
	api_table_free(tab);
	return rc;
}

/* Add where patrol is connected to a whoami JSON object. */
static void
whoami_json_add(const struct cli *cli, json_t *obj)
{
	json_object_set_new(obj, "host", json_string(cli->cfg.host));
	json_object_set_new(obj, "profile", cli->cfg.profile ? json_string(cli->cfg.profile) : json_null());
	json_object_set_new(obj, "auth_type", json_string(auth_name(cli->w ? worker_auth_type(cli->w) : cli->cfg.auth)));
	if (cli->self_id[0])
		json_object_set_new(obj, "token_id", json_string(cli->self_id));
}

static void
whoami_table(const struct cli *cli, const struct api_me *me)
{
	char *user = sanitize(me->user_name, 0, cli->out.sanitize_flags);
	char *disp = sanitize(me->display_name, 0, cli->out.sanitize_flags);
	char *id = sanitize(me->id, 0, cli->out.sanitize_flags);
	FILE *fp = cli->out.fp;

	fprintf(fp, "user:     %s\n", user ? user : "");
	fprintf(fp, "name:     %s\n", disp ? disp : "");
	fprintf(fp, "id:       %s\n", id ? id : "");
	fprintf(fp, "admin:    %s\n", me->is_admin ? "yes" : "no");
	fprintf(fp, "host:     %s\n", cli->cfg.host);
	fprintf(fp, "profile:  %s\n", cli->cfg.file_used ? cli->cfg.profile : "(environment)");
	fprintf(fp, "auth:     %s", auth_name(cli->w ? worker_auth_type(cli->w) : cli->cfg.auth));
	if (cli->self_id[0])
		fprintf(fp, " (token %.*s)", TOKEN_SHORT_ID_LEN, cli->self_id);
	fputc('\n', fp);
	free(user);
	free(disp);
	free(id);
}

static void
whoami_csv(const struct cli *cli, const struct api_me *me)
{
	const char *v[] = { me->user_name, me->display_name, me->id, me->is_admin ? "true" : "false",
			    cli->cfg.host, cli->cfg.file_used ? cli->cfg.profile : "",
			    auth_name(cli->w ? worker_auth_type(cli->w) : cli->cfg.auth), cli->self_id };
	size_t i, n = sizeof v / sizeof v[0];

	fprintf(cli->out.fp, "user,name,id,admin,host,profile,auth_type,token_id\n");
	for (i = 0; i < n; i++)
		cli_output_csv_field(cli->out.fp, v[i], cli->out.sanitize_flags, i + 1 == n);
}

int
cli_cmd_whoami(struct cli *cli, int argc, char **argv)
{
	void *r;
	struct api_me *me;
	json_t *obj;
	int rc;

	if ((rc = want_args(cli, argc, 0, 0, "takes no arguments")) != 0 ||
	    (rc = cli_connect(cli)) != 0 || (rc = cli_call(cli, api_scim_me(), &r)) != 0)
		return rc;
	me = r;
	if (cli->o.format == CLI_FORMAT_TABLE) {
		whoami_table(cli, me);
	} else if (cli->o.format == CLI_FORMAT_CSV) {
		whoami_csv(cli, me);
	} else {
		obj = api_me_to_json(me);
		if (obj != NULL)
			whoami_json_add(cli, obj);
		rc = cli_written(cli_output_json(cli->out.fp, obj));
	}
	api_me_free(me);
	return rc;
}

/* quota for the caller's own tokens. */
static int
quota_own(struct cli *cli, const struct token_table *tab)
{
	size_t active = token_active_count(tab, cli->out.ctx.now_ms);
	size_t expiring = token_expiring_count(tab, cli->out.ctx.now_ms);
	json_t *obj;

	if (cli->o.format == CLI_FORMAT_TABLE) {
		fprintf(cli->out.fp, "%zu/%d active tokens (%zu expire within 7 days, %zu left)\n",
			active, TOKEN_QUOTA, expiring,
			active < TOKEN_QUOTA ? TOKEN_QUOTA - active : 0);
		return 0;
	}
	if (cli->o.format == CLI_FORMAT_CSV) {
		fprintf(cli->out.fp, "active,quota,expiring\n%zu,%d,%zu\n", active, TOKEN_QUOTA, expiring);
		return 0;
	}
	obj = json_pack("{s:I,s:i,s:I}", "active", (json_int_t)active, "quota", TOKEN_QUOTA,
			"expiring", (json_int_t)expiring);
	return cli_written(cli_output_json(cli->out.fp, obj));
}

enum { QUOTA_COL_OWNER, QUOTA_COL_ACTIVE, QUOTA_COL_EXPIRING, QUOTA_NCOLS };
static const struct table_col quota_cols[QUOTA_NCOLS] = {
	[QUOTA_COL_OWNER] = { .header = "OWNER", .flex = true },
	[QUOTA_COL_ACTIVE] = { .header = "ACTIVE", .right = true },
	[QUOTA_COL_EXPIRING] = { .header = "EXPIRING", .right = true },
};

static void
quota_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct token_owner_count *oc = row;

	if (col == QUOTA_COL_OWNER)
		snprintf(out, n, "%s", oc->owner[0] ? oc->owner : "(unknown)");
	else if (col == QUOTA_COL_ACTIVE)
		snprintf(out, n, "%zu/%d", oc->active, TOKEN_QUOTA);
	else
		snprintf(out, n, "%zu", oc->expiring);
}

/* quota per owner, for --all. */
static int
quota_owners(struct cli *cli, const struct token_table *tab)
{
	struct token_owner_count *oc = NULL;
	size_t n = token_quota_by_owner(tab, cli->out.ctx.now_ms, &oc);
	struct table t = { quota_cols, QUOTA_NCOLS, 0, quota_cell, NULL, oc, sizeof *oc, NULL, n };
	struct table_out to = { cli->out.fp, cli->out.width, cli->out.color, cli->out.sanitize_flags };
	size_t i;
	json_t *arr;
	int rc = 0;

	if (n == (size_t)-1)
		return status_exit_code(PATROL_NOMEM);
	if (cli->o.format == CLI_FORMAT_JSON) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:I,s:i,s:I}", "owner", oc[i].owner,
				"active", (json_int_t)oc[i].active, "quota", TOKEN_QUOTA,
				"expiring", (json_int_t)oc[i].expiring));
		free(oc);
		return cli_written(cli_output_json(cli->out.fp, arr));
	}
	if (cli->o.format == CLI_FORMAT_CSV) {
		fprintf(cli->out.fp, "owner,active,quota,expiring\n");
		for (i = 0; i < n; i++) {
			cli_output_csv_field(cli->out.fp, oc[i].owner, cli->out.sanitize_flags, false);
			fprintf(cli->out.fp, "%zu,%d,%zu\n", oc[i].active, TOKEN_QUOTA, oc[i].expiring);
		}
	} else {
		rc = cli_written(table_print(&to, &t));
	}
	free(oc);
	return rc;
}

int
cli_cmd_quota(struct cli *cli, int argc, char **argv)
{
	struct token_table *tab = NULL;
	int rc;

	if ((rc = want_args(cli, argc, 0, 0, "takes no arguments")) != 0 ||
	    (rc = cli_estate_connect(cli)) != 0 ||
	    (rc = cli_estate_fetch(cli, cli->o.all, NULL, &tab)) != 0)
		return rc;
	if (cli->o.many)
		rc = cli_estate_quota(cli, tab);
	else
		rc = cli->o.all ? quota_owners(cli, tab) : quota_own(cli, tab);
	api_table_free(tab);
	return rc;
}

/* Where a new secret goes: --to-file (a new file, 0600), else stdout. */
struct secret_dest {
	int fd;
	const char *name;       /* for messages */
	char *path;             /* --to-file: remove it when nothing good was written */
};

/* stdout is a regular file the shell just made for us (empty): make it
 * private before the secret goes in. Any other file that others can read
 * gets a warning with the fix. */
void
cli_secret_stdout_guard(struct cli *cli)
{
	struct stat st;
	char path[512];
	ssize_t n;

	if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
		return;
	if (st.st_size == 0 && st.st_uid == geteuid() && fchmod(STDOUT_FILENO, 0600) == 0)
		return;
	if ((n = readlink("/proc/self/fd/1", path, sizeof path - 1)) < 0)
		n = snprintf(path, sizeof path, "FILE");
	path[n] = '\0';
	cli_msg("warning: the secret goes to %s, which others can read (mode %04o): "
		"chmod 600 %s, or use --to-file next time", path, (unsigned)(st.st_mode & 07777), path);
}

/* Open where the secret goes, before anything is created. Returns 0 or 2. */
static int
create_dest_open(struct cli *cli, struct secret_dest *d)
{
	memset(d, 0, sizeof *d);
	d->fd = STDOUT_FILENO;
	d->name = "standard output";
	if (cli->o.to_file == NULL) {
		cli_secret_stdout_guard(cli);
		return 0;
	}
	d->fd = open(cli->o.to_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (d->fd == -1) {
		cli_msg("create: cannot create %s: %s%s (nothing was created)", cli->o.to_file,
			strerror(errno), errno == EEXIST ? ": give a new file name" : "");
		return 2;
	}
	d->name = cli->o.to_file;
	d->path = strdup(cli->o.to_file);
	return 0;
}

/* Close the destination; keep the file only when the secret is in it. */
static int
create_dest_close(struct secret_dest *d, bool written)
{
	int rc = 0;

	if (d->fd != STDOUT_FILENO && d->fd != -1) {
		if (written && fsync(d->fd) != 0)
			rc = -1;
		if (close(d->fd) != 0)
			rc = -1;
		if ((!written || rc != 0) && d->path != NULL)
			unlink(d->path);
	}
	free(d->path);
	d->fd = -1;
	d->path = NULL;
	return rc;
}

/* Write the new secret: alone on its line (table, CSV), or the JSON the
 * user asked for, straight to the descriptor: no copy stays in a stdio
 * buffer, and jansson's zeroing allocator wipes its chunk buffers. Returns 0,
 * or -1 with errno set. */
static int
create_print(struct cli *cli, const struct api_created *cr, int fd)
{
	json_t *obj;
	int rc;

	if (cli->o.format != CLI_FORMAT_JSON)
		rc = cli_output_write_fd(fd, cr->token_value, strlen(cr->token_value));
	else if ((obj = api_created_to_json(cr, cli->o.on_behalf_of != NULL)) == NULL) {
		errno = ENOMEM;
		return -1;
	} else {
		rc = cli_output_json_fd(fd, obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(obj);
	}
	if (rc == 0)
		rc = cli_output_write_fd(fd, "\n", 1);
	if (rc != 0 && fd == STDOUT_FILENO)
		errno = cli_output_error() != 0 ? cli_output_error() : errno;
	return rc;
}

/* The secret could not be written: the token exists all the same, and its
 * secret is gone. Say so, and how to revoke it. */
static int
create_lost(struct cli *cli, const struct token_info *t, const char *where, int err)
{
	char id[TOKEN_ID_LEN + 1];

	token_id_hex(t, id);
	cli_msg("the token %s was created, but its secret could not be written to %s (%s): it "
		"cannot be shown again. Revoke it with: patrol revoke %s%s", id, where,
		strerror(err), cli->o.on_behalf_of != NULL ? "--all " : "", id);
	cli->output_said = true;
	return status_exit_code(PATROL_OUTPUT);
}

static void
create_summary(struct cli *cli, const struct token_info *t, const char *file)
{
	char exp[64], when[32], id[TOKEN_ID_LEN + 1];

	token_id_hex(t, id);
	if (t->expiry_time <= 0)
		snprintf(exp, sizeof exp, "never expires");
	else {
		duration_absolute(t->expiry_time, false, when, sizeof when);
		snprintf(exp, sizeof exp, "expires %s", when);
	}
	if (file != NULL)
		cli_msg("created token %s (%s); its secret is in %s (mode 0600)", id, exp, file);
	else
		cli_msg("created token %s (%s); its secret is %s", id, exp,
			isatty(STDOUT_FILENO) ? "shown once, above" : "on standard output, once");
}

/* After an unknown outcome, look for a token with our comment made since we
 * sent the request, and tell the user what to do. */
static void
create_lookup(struct cli *cli, const struct call *c)
{
	struct token_table *tab = NULL;
	char id[TOKEN_ID_LEN + 1];
	size_t i, found = 0;

	if (cli->o.comment == NULL || cli->o.comment[0] == '\0') {
		cli_msg("no --comment was given, so patrol cannot tell which token it would be: "
			"look for tokens created since then (patrol list%s --sort created)",
			cli->o.on_behalf_of ? " --all" : "");
		return;
	}
	if (cli_fetch_tokens(cli, cli->o.on_behalf_of != NULL, NULL, &tab) != 0)
		return;
	for (i = 0; i < tab->n; i++) {
		const struct token_info *t = &tab->rows[i];
		if (strcmp(token_comment(t) ? token_comment(t) : "", cli->o.comment) != 0 ||
		    t->creation_time < c->sent_ms - 60000)
			continue;
		token_id_hex(t, id);
		cli_msg("a token with this comment was created at that time: %s; its secret "
			"cannot be recovered: revoke it with 'patrol revoke %s%s' and create again",
			id, cli->o.on_behalf_of ? "--all " : "", id);
		found++;
	}
	if (found == 0)
		cli_msg("no token with this comment has appeared so far; the workspace may still be "
			"processing the request: check with patrol list%s --filter 'comment:\"%s\"' "
			"before creating another", cli->o.on_behalf_of ? " --all" : "", cli->o.comment);
	api_table_free(tab);
}

static int
create_params(struct cli *cli, struct api_create_params *p)
{
	memset(p, 0, sizeof *p);
	p->comment = cli->o.comment;
	p->scopes = cli->o.scopes;
	p->nscopes = cli->o.nscopes;
	p->autoscope = cli->o.autoscope;
	p->application_id = cli->o.on_behalf_of;
	if (cli->o.lifetime != NULL && duration_parse(cli->o.lifetime, &p->lifetime_seconds) != 0) {
		cli_msg("create: bad --lifetime '%s' (use 90d, 12h, 2w or a number of seconds)",
			cli->o.lifetime);
		return 2;
	}
	if (p->comment != NULL && strlen(p->comment) > 4 * 255) {
		cli_msg("create: --comment is longer than 255 characters");
		return 2;
	}
	return 0;
}

int
cli_cmd_create(struct cli *cli, int argc, char **argv)
{
	struct api_create_params p;
	struct secret_dest dest;
	struct call *c;
	struct api_created *cr;
	int rc;

	if ((rc = want_args(cli, argc, 0, 0, "takes no arguments (use --comment)")) != 0 ||
	    (rc = create_params(cli, &p)) != 0 || (rc = cli_connect(cli)) != 0)
		return rc;
	if (cli->o.dry_run) {
		memset(&dest, 0, sizeof dest);
		dest.fd = -1;
	} else if ((rc = create_dest_open(cli, &dest)) != 0)
		return rc;
	c = cli_run(cli, p.application_id ? api_tm_create_obo(&p) : api_token_create(&p));
	if (c == NULL || c->err.status != PATROL_OK) {
		create_dest_close(&dest, false);
		if (c == NULL)
			return status_exit_code(PATROL_NOMEM);
	}
	if (c->err.status == PATROL_DRY_RUN) {
		cli_msg("dry run: would create a token%s%s", p.comment ? " with comment " : "",
			p.comment ? p.comment : "");
		call_free(c);
		return 0;
	}
	if (c->err.status != PATROL_OK) {
		rc = cli_report(cli, c);
		if (c->err.status == PATROL_UNKNOWN_OUTCOME)
			create_lookup(cli, c);
		call_free(c);
		return rc;
	}
	cr = c->result;
	if (create_print(cli, cr, dest.fd) != 0) {
		rc = create_lost(cli, api_created_info(cr), dest.name, errno);
		create_dest_close(&dest, false);
	} else if (create_dest_close(&dest, true) != 0) {
		rc = create_lost(cli, api_created_info(cr), dest.name, errno);
	} else {
		create_summary(cli, api_created_info(cr), cli->o.to_file);
	}
	call_free(c);   /* api_created_free wipes the secret */
	return rc;
}

int
cli_cmd_update(struct cli *cli, int argc, char **argv)
{
	struct api_update_params p = { cli->o.comment, cli->o.nscopes > 0, cli->o.scopes, cli->o.nscopes };
	struct token_table *tab = NULL;
	const char *id = argc > 1 ? argv[1] : "";
	char mask[32], full[TOKEN_ID_LEN + 1];
	struct call *c;
	long row;
	int rc;

	if ((rc = want_args(cli, argc, 1, 1, "give one token id (or a unique prefix)")) != 0)
		return rc;
	api_update_mask(&p, mask, sizeof mask);
	if (mask[0] == '\0') {
		cli_msg("update: nothing to change: give --comment and/or --scope");
		return 2;
	}
	if ((rc = cli_connect(cli)) != 0)
		return rc;
	if (!cli_is_full_id(id)) {
		if ((rc = fetch_one(cli, id, &tab, &row)) != 0)
			return rc;
		id = token_id_hex(&tab->rows[row], full);
	}
	c = cli_run(cli, cli->o.all ? api_tm_update(id, &p) : api_token_update(id, &p));
	if (c == NULL)
		rc = status_exit_code(PATROL_NOMEM);
	else if (c->err.status == PATROL_OK || c->err.status == PATROL_DRY_RUN)
		cli_msg("%s token %s (%s)", c->err.status == PATROL_OK ? "updated" : "dry run: would update",
			id, mask);
	else
		rc = cli_report(cli, c);
	call_free(c);
	api_table_free(tab);
	return rc;
}

const char *
cli_setting_name(size_t i)
{
	return settings_name(i);
}

bool
cli_settings_mutates(int argc, char **argv)
{
	return argc > 1 && strcmp(argv[1], "set") == 0;
}

/* setting,value lines: the workspace's values, empty when not set. */
static void
settings_csv(struct cli *cli, const struct api_conf *conf)
{
	int s;

	fprintf(cli->out.fp, "setting,value\n");
	for (s = 0; s < SETTING_COUNT; s++) {
		fprintf(cli->out.fp, "%s,", settings_name((size_t)s));
		cli_output_csv_field(cli->out.fp, settings_value((enum setting)s, conf),
				     cli->out.sanitize_flags, true);
	}
}

/* "name:  value" lines; what is not set shows the default. */
static void
settings_text(struct cli *cli, const struct api_conf *conf)
{
	const char *v;
	char label[48], dflt[48], *clean;
	int s;

	for (s = 0; s < SETTING_COUNT; s++) {
		v = settings_value((enum setting)s, conf);
		snprintf(label, sizeof label, "%s:", settings_name((size_t)s));
		snprintf(dflt, sizeof dflt, "%s (default)", settings_default((enum setting)s));
		clean = sanitize(v != NULL ? v : dflt, 0, cli->out.sanitize_flags);
		fprintf(cli->out.fp, "%-19s %s\n", label, clean != NULL ? clean : "");
		free(clean);
	}
}

static int
settings_get(struct cli *cli)
{
	struct api_conf *conf;
	void *r;
	int rc;

	if ((rc = cli_call(cli, api_conf_get(), &r)) != 0)
		return rc;
	conf = r;
	if (cli->o.format == CLI_FORMAT_JSON)
		rc = cli_written(cli_output_json(cli->out.fp, api_conf_to_json(conf)));
	else if (cli->o.format == CLI_FORMAT_CSV)
		settings_csv(cli, conf);
	else
		settings_text(cli, conf);
	api_conf_free(conf);
	return rc;
}

/* Disabling tokens cuts every PAT user off: confirm unless --yes. */
static int
settings_confirm(struct cli *cli, enum setting s, const char *value)
{
	int ok;

	if (cli->o.yes || cli->o.dry_run || !settings_typed_confirm(s, value))
		return 0;
	ok = cli_confirm("Turn personal access tokens off for the whole workspace? Type yes:", "yes");
	if (ok == 1)
		return 0;
	if (ok < 0)
		cli_msg("settings: refusing to turn tokens off without a terminal to confirm: pass --yes");
	return ok < 0 ? 2 : 1;
}

static int
settings_set(struct cli *cli, const char *name, const char *value)
{
	int i = settings_find(name);
	struct call *c;
	int rc;

	if (i < 0) {
		cli_msg("settings: unknown setting '%s' (max-lifetime-days, tokens-enabled)", name);
		return 2;
	}
	if (!settings_valid((enum setting)i, value)) {
		cli_msg("settings: %s takes %s", name, settings_hint((enum setting)i));
		return 2;
	}
	if ((rc = settings_confirm(cli, (enum setting)i, value)) != 0)
		return rc;
	if ((c = cli_run(cli, api_conf_set(settings_key((enum setting)i), value))) == NULL)
		return status_exit_code(PATROL_NOMEM);
	if (c->err.status == PATROL_OK || c->err.status == PATROL_DRY_RUN)
		cli_msg("%s%s set to %s", c->err.status == PATROL_DRY_RUN ? "dry run: " : "", name, value);
	else
		rc = cli_report(cli, c);
	call_free(c);
	return rc;
}

int
cli_cmd_settings(struct cli *cli, int argc, char **argv)
{
	int rc;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "get") == 0)) {
		if ((rc = cli_connect(cli)) != 0)
			return rc;
		return settings_get(cli);
	}
	if (argc == 4 && strcmp(argv[1], "set") == 0) {
		if ((rc = cli_connect(cli)) != 0)
			return rc;
		return settings_set(cli, argv[2], argv[3]);
	}
	cli_msg("usage: patrol settings [get | set max-lifetime-days N | set tokens-enabled true|false]");
	return 2;
}
