/*
 * cli_rotate.c: `patrol rotate`: replace tokens like for like on the
 * command line, one rotation session (rotate.h) journaled step by step.
 *
 * plan: the ids (arguments, or --from FILE), resolved against a fresh list
 * (yours, or the workspace's with --all); an id the list does not have, or
 * a destination that cannot take the secrets, stops everything before
 * anything is created. confirm: on /dev/tty unless --yes (or --keep-old,
 * which revokes nothing). apply: item by item, create → deliver → revoke.
 * The secret goes where the user said and nowhere else: alone on standard
 * output (nothing else is printed there then), or a new 0600 file
 * (--to-file), or a new 0600 file per token in a directory, named by the
 * new token's id (--to-dir). results: one line per token (stderr when the
 * secret is on stdout, else the table, JSON or CSV on stdout), the journal
 * and how to go on. --resume [SESSION] goes on with an unfinished rotation.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "bulk.h"
#include "cli.h"
#include "duration.h"
#include "journal.h"
#include "rotate.h"
#include "sanitize.h"
#include "savefile.h"
#include "secret.h"

/* One run of the command. */
struct rt {
	struct cli *cli;
	struct rotation *r;
	struct token_table *tab;
	char *user;                     /* SCIM userName, for the journal */
	char *me_id;                    /* SCIM id: whose tokens are one's own */
	FILE *lines;                    /* where result lines go (table format) */
};

static volatile sig_atomic_t rt_signalled;   /* the signal that stops the run, or 0 */

static void
rt_on_signal(int sig)
{
	rt_signalled = sig;
}

/* Ctrl-C, SIGTERM and SIGHUP stop the run once the token in hand is done:
 * half a rotation is for a resume, not for a signal. */
static void
rt_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? rt_on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- who, and the workspace's limit ------------------------------------------ */

static void
rt_whoami(struct rt *t)
{
	struct call *c = cli_run(t->cli, api_scim_me());
	struct api_me *me;

	if (c != NULL && c->err.status == PATROL_OK && (me = call_take_result(c)) != NULL) {
		t->user = me->user_name != NULL ? strdup(me->user_name) : NULL;
		t->me_id = me->id != NULL ? strdup(me->id) : NULL;
		api_me_free(me);
	}
	call_free(c);
}

/* Through token management, whose tokens are whose decides how each is
 * created (its owner's on its behalf): without knowing who we are, nothing
 * is rotated. */
static int
rt_need_me(const struct rt *t, bool admin)
{
	if (!admin || t->me_id != NULL)
		return 0;
	cli_msg("rotate: cannot tell who is signed in (SCIM Me failed), so not whose tokens are "
		"whose: nothing was rotated");
	return status_exit_code(PATROL_FAILED);
}

/* The workspace's maximum lifetime in seconds (0: unknown or unset): a
 * copied lifetime never exceeds it. */
static int64_t
rt_max_lifetime(struct rt *t)
{
	struct call *c = cli_run(t->cli, api_conf_get());
	const struct api_conf *conf;
	int64_t days = 0;

	if (c != NULL && c->err.status == PATROL_OK && (conf = c->result) != NULL &&
	    conf->max_token_lifetime_days != NULL)
		days = strtoll(conf->max_token_lifetime_days, NULL, 10);
	call_free(c);
	return days > 0 && days <= 100000 ? days * 86400 : 0;
}

/* ---- options ------------------------------------------------------------------- */

/* --to-file and --to-dir: one of them, and a name. */
static int
rt_check_paths(const struct cli_opts *co)
{
	if (co->to_dir != NULL && co->to_file != NULL) {
		cli_msg("rotate: --to-file and --to-dir: give one");
		return 2;
	}
	if ((co->to_file != NULL && co->to_file[0] == '\0') ||
	    (co->to_dir != NULL && co->to_dir[0] == '\0')) {
		cli_msg("rotate: %s is empty: give a %s", co->to_file ? "--to-file" : "--to-dir",
			co->to_file ? "file name" : "directory");
		return 2;
	}
	return 0;
}

static int
rt_opts(struct cli *cli, size_t nids, struct rotate_opts *o)
{
	const struct cli_opts *co = &cli->o;
	int rc;

	memset(o, 0, sizeof *o);
	o->comment = co->comment;
	o->scopes = co->scopes;
	o->nscopes = co->nscopes;
	o->keep_old = co->keep_old;
	o->dest = co->to_dir ? ROTATE_DEST_DIR : co->to_file ? ROTATE_DEST_FILE : ROTATE_DEST_STDOUT;
	o->path = co->to_dir ? co->to_dir : co->to_file;
	if ((rc = rt_check_paths(co)) != 0)
		return rc;
	if (nids > 1 && o->dest != ROTATE_DEST_DIR) {
		cli_msg("rotate: %zu tokens make %zu secrets: give a directory for them "
			"(--to-dir DIR)", nids, nids);
		return 2;
	}
	if (co->lifetime != NULL && duration_parse(co->lifetime, &o->lifetime_s) != 0) {
		cli_msg("rotate: bad --lifetime '%s' (use 90d, 12h, 2w or a number of seconds)",
			co->lifetime);
		return 2;
	}
	if (co->comment != NULL && rotate_comment_len(co->comment) > ROTATE_COMMENT_MAX) {
		cli_msg("rotate: --comment is longer than 255 characters (nothing was rotated)");
		return 2;
	}
	return 0;
}

/* On standard output the secret is alone: results in another format
 * would mix with it. */
static int
rt_check_format(const struct cli *cli, enum rotate_dest d)
{
	if (d == ROTATE_DEST_STDOUT && cli->o.format != CLI_FORMAT_TABLE && !cli->o.dry_run) {
		cli_msg("rotate: the secret goes to standard output, alone: for results as %s, "
			"put the secret in a file (--to-file or --to-dir)",
			cli->o.format == CLI_FORMAT_JSON ? "JSON" : "CSV");
		return 2;
	}
	return 0;
}

/* A warning when other local users could tamper with the secret files:
 * a directory on the destination's resolved path (path: absolute) is
 * writable by all and not sticky. */
static void
rt_warn_exposed(enum rotate_dest d, const char *path)
{
	bool itself;
	char *dir = rotate_dest_exposed(d, path, &itself);

	if (dir != NULL)
		cli_msg("rotate: warning: %s is writable by every user and not sticky: another "
			"local user could %s (chmod o-w or +t, or choose a private directory)", dir,
			itself ? "rename or replace the secret files in it" :
			"replace the directory below it by a link to their own, and the secret "
			"files would land there");
	free(dir);
}

/* A destination refused: said with what it means for this run; the exit
 * code (2, or out of memory's). */
static int
rt_dest_refused(const struct patrol_err *err, bool dry_run)
{
	cli_msg("rotate: %s%s%s", err->message, err->status == PATROL_CONFLICT ?
		": give a new file name" : "", dry_run ?
		" (the real run would refuse it; dry run: nothing was sent)" :
		" (nothing was rotated)");
	return err->status == PATROL_NOMEM ? status_exit_code(err->status) : 2;
}

/* The destination can take the secrets: checked before anything is
 * created (a dry run checks it as the real run would, and says so). A
 * file must be new in a directory patrol can write in; a directory is made
 * (0700) when missing. */
static int
rt_check_dest(const struct rotate_opts *o, bool dry_run)
{
	struct patrol_err err;
	struct stat sb;

	if (o->dest != ROTATE_DEST_FILE && o->dest != ROTATE_DEST_DIR)
		return 0;
	if (o->dest == ROTATE_DEST_DIR && !dry_run && stat(o->path, &sb) != 0 && errno == ENOENT)
		(void)mkdir(o->path, 0700);       /* what fails is said below */
	status_clear(&err);
	if (rotate_dest_check(o->dest, o->path, true, &err) != PATROL_OK)
		return rt_dest_refused(&err, dry_run);
	return 0;
}

/* The destination as an absolute path (*abs, malloc'd; o->path points to
 * it): the journal keeps it, so a resume from any directory finds the
 * secrets where they went. */
static int
rt_abs_dest(struct rotate_opts *o, bool dry_run, char **abs)
{
	struct patrol_err err;

	*abs = NULL;
	if (o->dest != ROTATE_DEST_FILE && o->dest != ROTATE_DEST_DIR)
		return 0;
	status_clear(&err);
	if (rotate_abs_path(o->path, o->dest == ROTATE_DEST_DIR, abs, &err) != PATROL_OK)
		return rt_dest_refused(&err, dry_run);
	o->path = *abs;
	return 0;
}

/* ---- results -------------------------------------------------------------------- */

/* Where the secret of item i went, in words, whole (malloc'd; any path
 * PATH_MAX allows): "" when it went nowhere, NULL on out of memory. */
static char *
rt_where(const struct rt *t, size_t i)
{
	const struct rotate_item *it = rotate_item(t->r, i);
	char *p;

	if (it->new_id[0] == '\0' || !it->delivered)
		return strdup("");
	if (rotate_dest(t->r) == ROTATE_DEST_STDOUT)
		return strdup("standard output");
	p = rotate_secret_path(t->r, i);   /* NULL: the view's dialog, or out of memory */
	return p != NULL ? p : strdup("");
}

/* One line for item i (table format): result, old → new, where, why. */
static void
rt_line(const struct rt *t, size_t i)
{
	const struct rotate_item *it = rotate_item(t->r, i);
	char *where, *line, *clean = NULL;
	struct buf b;

	if (t->cli->o.format != CLI_FORMAT_TABLE && t->lines == t->cli->out.fp)
		return;
	where = rt_where(t, i);
	buf_init(&b, 0);
	buf_printf(&b, "%-17s  %.*s -> %.*s%s%s%s%s", rotate_result_label(it->result),
		   TOKEN_SHORT_ID_LEN, it->old_id, TOKEN_SHORT_ID_LEN,
		   it->new_id[0] ? it->new_id : "-", where != NULL && where[0] ? "  secret in " : "",
		   where != NULL ? where : "", it->err.message[0] ? "  " : "", it->err.message);
	if ((line = buf_take(&b)) != NULL)
		clean = sanitize(line, 0, 0);
	fprintf(t->lines, "%s\n", clean != NULL ? clean : "out of memory");
	fflush(t->lines);
	free(clean);
	free(line);
	free(where);
}

static json_t *
rt_item_json(const struct rt *t, size_t i)
{
	const struct rotate_item *it = rotate_item(t->r, i);
	char *where = rt_where(t, i);
	json_t *o = json_object();

	json_object_set_new(o, "old_token_id", json_string(it->old_id));
	json_object_set_new(o, "new_token_id", it->new_id[0] ? json_string(it->new_id) : json_null());
	json_object_set_new(o, "result", json_string(rotate_result_label(it->result)));
	json_object_set_new(o, "secret", where != NULL && where[0] ? json_string(where) : json_null());
	json_object_set_new(o, "expiry_time", it->new_expiry_ms ? json_integer(it->new_expiry_ms) :
			    json_null());
	json_object_set_new(o, "old_revoked", json_boolean(it->result == ROTATE_ROTATED));
	json_object_set_new(o, "message", json_string(it->err.message));
	free(where);
	return o;
}

/* JSON or CSV results on stdout (not the secret's destination then). */
static int
rt_results(const struct rt *t)
{
	FILE *fp = t->cli->out.fp;
	unsigned f = t->cli->out.sanitize_flags;
	char *where;
	json_t *arr;
	size_t i;

	if (t->cli->o.format == CLI_FORMAT_JSON) {
		arr = json_array();
		for (i = 0; arr != NULL && i < rotate_count(t->r); i++)
			json_array_append_new(arr, rt_item_json(t, i));
		return cli_written(cli_output_json(fp, arr));
	}
	if (t->cli->o.format != CLI_FORMAT_CSV)
		return 0;
	fputs("result,old_token_id,new_token_id,secret,message\n", fp);
	for (i = 0; i < rotate_count(t->r); i++) {
		const struct rotate_item *it = rotate_item(t->r, i);
		where = rt_where(t, i);
		cli_output_csv_field(fp, rotate_result_label(it->result), f, false);
		cli_output_csv_field(fp, it->old_id, f, false);
		cli_output_csv_field(fp, it->new_id, f, false);
		cli_output_csv_field(fp, where != NULL ? where : "", f, false);
		cli_output_csv_field(fp, it->err.message, f, true);
		free(where);
	}
	return 0;
}

/* ---- apply ------------------------------------------------------------------------ */

/* Write item i's secret where it goes, and tell the session. */
static void
rt_deliver(struct rt *t, size_t i)
{
	const char *secret = rotate_secret(t->r, i);
	struct patrol_err err;
	char *path;

	status_clear(&err);
	if (rotate_dest(t->r) == ROTATE_DEST_STDOUT) {
		if (cli_output_write_fd(STDOUT_FILENO, secret, strlen(secret)) != 0 ||
		    cli_output_write_fd(STDOUT_FILENO, "\n", 1) != 0)
			status_set(&err, PATROL_OUTPUT, "cannot write the secret to standard output: %s",
				   strerror(cli_output_error() ? cli_output_error() : errno));
	} else if ((path = rotate_secret_path(t->r, i)) == NULL) {
		status_set(&err, PATROL_NOMEM, "out of memory");
	} else {
		rotate_write_secret(path, secret, &err);
		free(path);
	}
	rotate_delivered(t->r, i, err.status == PATROL_OK ? NULL : &err);
}

/* A token is about to be revoked for item i as one whose secret never
 * reached its destination (a discard): said before it goes, whole. */
static void
rt_say_discard(const struct rt *t, size_t i)
{
	const struct rotate_item *it = rotate_item(t->r, i);

	if (it->phase == ROTATE_P_DISCARD && it->nstrays > 0)
		cli_msg("rotate: revoking %s, made to replace %.*s: its secret never reached "
			"the destination", it->strays[it->nstrays - 1], TOKEN_SHORT_ID_LEN,
			it->old_id);
}

/* Run item i to its end, one call at a time. */
static void
rt_item(struct rt *t, size_t i)
{
	struct call *c;

	for (;;) {
		if (rotate_secret(t->r, i) != NULL) {
			rt_deliver(t, i);
			continue;
		}
		if ((c = rotate_next(t->r, i)) == NULL)
			break;
		rt_say_discard(t, i);
		if ((c = cli_run(t->cli, c)) == NULL)
			break;
		rotate_finish(t->r, c);
	}
}

/* What is still pending (a stop, or out of memory) is not attempted:
 * decide it so and say it. */
static void
rt_stop_rest(struct rt *t)
{
	size_t i, n = rotate_count(t->r);
	bool *was = calloc(n ? n : 1, sizeof *was);

	for (i = 0; was != NULL && i < n; i++)
		was[i] = rotate_item(t->r, i)->result == ROTATE_PENDING;
	rotate_stop(t->r);
	for (i = 0; was != NULL && i < n; i++)
		if (was[i])
			rt_line(t, i);
	free(was);
}

/* Every item, then the lines, the end record and the summary. */
static int
rt_apply(struct rt *t)
{
	const struct journal *j = rotate_journal(t->r);
	char session[128] = "";
	size_t i, k[ROTATE_RESULT_COUNT + 1] = { 0 };
	int rc = 0;

	if (j != NULL)
		snprintf(session, sizeof session, "%s", journal_session_id(j));
	rt_signalled = 0;
	rt_signals(true);
	for (i = 0; i < rotate_count(t->r) && !rt_signalled; i++) {
		if (rotate_item(t->r, i)->result == ROTATE_PENDING)
			rt_item(t, i);
		if (rotate_item(t->r, i)->result != ROTATE_PENDING)
			rt_line(t, i);
	}
	rt_signals(false);
	if (rt_signalled)
		cli_msg("rotate: stopped after the token in hand; the rest were not rotated");
	rt_stop_rest(t);
	for (i = 0; i < rotate_count(t->r); i++) {
		k[rotate_item(t->r, i)->result]++;
		rc |= rotate_result_fails(rotate_item(t->r, i)->result);
	}
	if (j != NULL)
		cli_msg("journal: %s", journal_path(j));
	if ((rotate_open(t->r) > 0 || k[ROTATE_NOT_ATTEMPTED] > 0) && session[0] != '\0')
		cli_msg("rotate: %zu not finished: patrol rotate --resume %s goes on with them",
			rotate_open(t->r) + k[ROTATE_NOT_ATTEMPTED], session);
	rotate_end(t->r);
	if (t->cli->o.format != CLI_FORMAT_TABLE && t->lines == t->cli->out.fp &&
	    rt_results(t) != 0)
		rc = status_exit_code(PATROL_OUTPUT);
	cli_msg("%zu rotated, %zu rotated with the old kept, %zu failed, %zu unknown, %zu not "
		"attempted%s", k[ROTATE_ROTATED], k[ROTATE_KEPT], k[ROTATE_FAILED],
		k[ROTATE_UNKNOWN], k[ROTATE_NOT_ATTEMPTED],
		t->cli->o.dry_run ? " (dry run: nothing was sent)" : "");
	return rc;
}

/* Ask before revoking (not for --keep-old, which revokes nothing). */
static int
rt_confirm(struct rt *t)
{
	size_t n = rotate_count(t->r);
	char prompt[512], want[32] = "yes";
	int ok;

	if (t->cli->o.yes || t->cli->o.dry_run || t->cli->o.keep_old)
		return 0;
	if (n > BULK_CONFIRM_TYPED_OVER)      /* many: the count is typed, as for revoke */
		snprintf(want, sizeof want, "%zu", n);
	snprintf(prompt, sizeof prompt, "Rotate %zu token%s on %s: create the replacement%s, "
		 "deliver the secret%s, then revoke the old token%s? Type %s:", n,
		 n == 1 ? "" : "s", t->cli->cfg.host, n == 1 ? "" : "s", n == 1 ? "" : "s",
		 n == 1 ? "" : "s", n > BULK_CONFIRM_TYPED_OVER ? "the number of tokens" : "yes");
	ok = cli_confirm(prompt, want);
	if (ok < 0)
		cli_msg("rotate: refusing to revoke tokens without confirmation: run it on a "
			"terminal or pass --yes (or --keep-old)");
	return ok == 1 ? 0 : ok < 0 ? 2 : 1;
}

static int
rt_journal_start(struct rt *t)
{
	struct patrol_err err;
	char *dir = NULL;

	if (t->cli->o.dry_run)
		return 0;
	status_clear(&err);
	if (journal_dir(true, &dir, &err) != PATROL_OK ||
	    rotate_journal_start(t->r, dir, t->cli->cfg.host, t->user, t->cli->cfg.profile,
				 &err) != PATROL_OK) {
		cli_msg("rotate: cannot record the session, so nothing was rotated: %s",
			err.message);
		free(dir);
		return 2;
	}
	free(dir);
	return 0;
}

/* Say so when an unfinished rotation of this workspace waits. */
static void
rt_offer_resume(const struct rt *t)
{
	struct patrol_err err;
	char *dir = NULL, *path = NULL;

	status_clear(&err);
	if (journal_dir(false, &dir, &err) == PATROL_OK &&
	    journal_find_unfinished_kind(dir, t->cli->cfg.host, JOURNAL_KIND_ROTATE, &path,
					 &err) == PATROL_OK && path != NULL)
		cli_msg("note: an unfinished rotation waits (%s): patrol rotate --resume goes on "
			"with it", strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path);
	free(path);
	free(dir);
}

/* ---- the plan ----------------------------------------------------------------------- */

static int
rt_plan(struct rt *t, char **ids, size_t n)
{
	const char *self = t->cli->self_id;
	char id[TOKEN_ID_LEN + 1];
	size_t i;
	long row;

	for (i = 0; i < n; i++) {
		if ((row = cli_find_token(t->tab, ids[i])) < 0) {
			cli_msg("rotate: nothing was rotated");
			return 2;
		}
		token_id_hex(&t->tab->rows[row], id);
		if (rotate_add(t->r, &t->tab->rows[row], self[0] && strcasecmp(self, id) == 0) < 0) {
			cli_msg("rotate: out of memory");
			return status_exit_code(PATROL_NOMEM);
		}
	}
	return 0;
}

static int
rt_new(struct rt *t, char **ids, size_t nids)
{
	struct cli *cli = t->cli;
	struct rotate_opts o;
	char *abs = NULL;
	int rc;

	if (nids == 0) {
		cli_msg("rotate: give a token id (or a unique prefix), --from FILE, or --resume");
		return 2;
	}
	if ((rc = rt_opts(cli, nids, &o)) != 0 || (rc = rt_check_format(cli, o.dest)) != 0 ||
	    (rc = rt_check_dest(&o, cli->o.dry_run)) != 0 ||
	    (rc = rt_abs_dest(&o, cli->o.dry_run, &abs)) != 0 || (rc = cli_connect(cli)) != 0) {
		free(abs);
		return rc;
	}
	rt_warn_exposed(o.dest, o.path);
	rt_offer_resume(t);
	rt_whoami(t);
	if ((rc = rt_need_me(t, cli->o.all)) != 0 ||
	    (rc = cli_fetch_tokens(cli, cli->o.all, NULL, &t->tab)) != 0) {
		free(abs);
		return rc;
	}
	t->r = rotate_new(cli->o.all, &o, t->me_id, rt_max_lifetime(t), true);
	free(abs);
	if (t->r == NULL) {
		cli_msg("rotate: out of memory");
		return status_exit_code(PATROL_NOMEM);
	}
	if ((rc = rt_plan(t, ids, nids)) != 0 || (rc = rt_confirm(t)) != 0 ||
	    (rc = rt_journal_start(t)) != 0)
		return rc;
	if (o.dest == ROTATE_DEST_STDOUT && !cli->o.dry_run)
		cli_secret_stdout_guard(cli);
	return rt_apply(t);
}

/* ---- resume -------------------------------------------------------------------------- */

/* The session for --resume [SESSION]: SESSION, else the newest unfinished
 * rotation for this workspace, else the one another patrol runs. */
static int
rt_find_session(struct rt *t, const char *want, char **path)
{
	struct patrol_err err;
	enum patrol_status st;

	status_clear(&err);
	st = journal_find_resume(want, t->cli->cfg.host, JOURNAL_KIND_ROTATE, path, &err);
	if (st == PATROL_OK)
		return 0;
	cli_msg("rotate: %s", err.message);
	return st == PATROL_NOMEM ? status_exit_code(st) : 2;
}

/* The destination given to a resume (--to-file, --to-dir) as an absolute
 * path in o (*abs owns it), or standard output when none is given: the
 * session's own then. */
static int
rt_resume_dest(struct rt *t, struct rotate_opts *o, char **abs)
{
	const struct cli_opts *co = &t->cli->o;
	int rc;

	memset(o, 0, sizeof *o);
	*abs = NULL;
	if ((rc = rt_check_paths(co)) != 0)
		return rc;
	o->dest = co->to_dir ? ROTATE_DEST_DIR : co->to_file ? ROTATE_DEST_FILE : ROTATE_DEST_STDOUT;
	o->path = co->to_dir ? co->to_dir : co->to_file;
	if (o->dest == ROTATE_DEST_DIR && (rc = rt_check_dest(o, false)) != 0)
		return rc;
	return rt_abs_dest(o, false, abs);
}

/* Before anything is sent: each token that would be created again needs a
 * place for its secret (the session's file must not exist meanwhile, its
 * directory must take it); a token whose place cannot creates nothing, says
 * why, and waits for a resume. */
static void
rt_resume_guard(struct rt *t)
{
	enum rotate_dest d = rotate_dest(t->r);
	const char *path = rotate_path(t->r);
	struct patrol_err err, why;
	enum patrol_status st = PATROL_OK;
	bool checked = false;
	size_t i;

	if (path == NULL)
		return;
	for (i = 0; i < rotate_count(t->r); i++) {
		if (!rotate_needs_secret(t->r, i))
			continue;
		if (!checked) {            /* one place for all: a file, or a directory */
			status_clear(&err);
			st = rotate_dest_check(d, path, false, &err);
			checked = true;
			if (st == PATROL_OK)
				rt_warn_exposed(d, path);
		}
		if (st == PATROL_OK)
			break;
		status_clear(&why);
		status_set(&why, st, "%s: nothing was created for it", err.message);
		rotate_refuse(t->r, i, &why);
	}
}

/* Take the session's lock, then read it (rotate_resume_open): what another
 * patrol did to it meanwhile is seen. Returns 0 to go on (*j, *info set),
 * -1 when nothing is left to do, else the exit code. */
static int
rt_resume_lock(struct rt *t, const char *path, bool named, const struct rotate_opts *o,
	       struct journal **j, struct journal_session *info)
{
	struct patrol_err err;
	size_t need;

	status_clear(&err);
	if (rotate_resume_open(path, j, info, &err) == PATROL_CONFLICT) {
		/* another patrol has it: say which */
		if (journal_load(path, info, &err) == PATROL_OK &&
		    bulk_check_free(info, &err) != PATROL_OK)
			cli_msg("rotate: cannot resume: %s", err.message);
		else
			cli_msg("rotate: cannot resume: session %s is running in another patrol", path);
		journal_session_free(info);
		return 2;
	}
	if (*j == NULL) {
		cli_msg("rotate: %s", err.message);
		return err.status == PATROL_NOMEM ? status_exit_code(err.status) : 2;
	}
	if (info->host == NULL || strcmp(info->host, t->cli->cfg.host) != 0) {
		cli_msg("rotate: session %s is for %s, not %s: use the profile of that workspace",
			info->session, info->host ? info->host : "?", t->cli->cfg.host);
		return 2;
	}
	if (journal_session_kind(info) == JOURNAL_KIND_ROTATE && info->ended_ms != 0 && !named) {
		cli_msg("rotate: session %s was finished meanwhile by another patrol (pid %lld): "
			"nothing is left to do (patrol journal %s shows it)", info->session,
			(long long)info->pid, info->session);
		return -1;
	}
	need = o->dest == ROTATE_DEST_STDOUT ? rotate_session_needs_dest(info) : 0;
	if (need > 0) {
		cli_msg("rotate: session %s was started in the interactive view, and %zu token%s "
			"may need a new secret, which needs a place to go (the view's dialog is "
			"gone): patrol rotate --resume %s --to-file FILE (or --to-dir DIR); "
			"nothing was sent", info->session, need, need == 1 ? "" : "s",
			info->session);
		return 2;
	}
	return 0;
}

static int
rt_resume(struct rt *t, int argc, char **argv)
{
	struct journal_session info;
	struct journal *j = NULL;
	struct rotate_opts o;
	struct patrol_err err;
	char *path = NULL, *abs = NULL;
	int rc;

	if (argc > 2 || t->cli->o.from != NULL || t->cli->o.dry_run) {
		cli_msg("rotate: --resume takes at most one session id (no ids, no --from, no "
			"--dry-run): the session's own settings apply");
		return 2;
	}
	memset(&info, 0, sizeof info);
	if ((rc = rt_resume_dest(t, &o, &abs)) != 0 || (rc = cli_connect(t->cli)) != 0 ||
	    (rc = rt_find_session(t, argc == 2 ? argv[1] : NULL, &path)) != 0)
		goto out;
	if (path == NULL) {
		cli_msg("rotate: no unfinished rotation for %s (patrol journal lists them all)",
			t->cli->cfg.host);
		goto out;
	}
	rc = rt_resume_lock(t, path, argc == 2, &o, &j, &info);
	free(path);
	if (rc != 0) {
		rc = rc < 0 ? 0 : rc;
		goto out;
	}
	status_clear(&err);
	if (journal_resumed(j) != PATROL_OK) {   /* ours now: says who runs it */
		journal_error(j, &err);
		cli_msg("rotate: cannot resume: %s", err.message);
		rc = 2;
		goto out;
	}
	rt_whoami(t);
	if ((rc = rt_need_me(t, info.admin)) != 0 ||
	    (rc = cli_fetch_tokens(t->cli, info.admin, NULL, &t->tab)) != 0)
		goto out;
	if ((t->r = rotate_new(info.admin, &o, t->me_id, rt_max_lifetime(t), true)) == NULL) {
		rc = status_exit_code(PATROL_NOMEM);
		goto out;
	}
	status_clear(&err);
	if (rotate_resume(t->r, &info, j, t->tab, duration_now_ms(), argc == 2,
			  &err) != PATROL_OK) {
		j = NULL;                   /* the rotation's now */
		cli_msg("rotate: cannot resume: %s", err.message);
		rc = status_exit_code(err.status) > 1 ? status_exit_code(err.status) : 2;
		goto out;
	}
	j = NULL;
	fprintf(stderr, "Resuming rotation %s: %zu planned, %zu not finished\n",
		info.session, rotate_count(t->r), rotate_unfinished(t->r));
	rt_resume_guard(t);
	t->lines = rotate_dest(t->r) == ROTATE_DEST_STDOUT ? stderr : t->cli->out.fp;
out:
	journal_close(j);
	journal_session_free(&info);
	free(abs);
	return rc != 0 || t->r == NULL || j != NULL ? rc : rt_apply(t);
}

/* ---- the command ----------------------------------------------------------------------- */

int
cli_cmd_rotate(struct cli *cli, int argc, char **argv)
{
	struct rt t;
	char **ids = NULL;
	size_t nids = 0, i;
	int rc = 0;

	memset(&t, 0, sizeof t);
	t.cli = cli;
	/* the secret alone on stdout: the lines go to stderr then */
	t.lines = cli->o.to_file || cli->o.to_dir || cli->o.dry_run ? cli->out.fp : stderr;
	if (cli->o.resume) {
		rc = rt_resume(&t, argc, argv);
	} else {
		if (cli->o.from != NULL)
			rc = cli_read_ids("rotate", cli->o.from, &ids, &nids);
		for (i = 1; rc == 0 && i < (size_t)argc; i++) {
			char **v = realloc(ids, (nids + 1) * sizeof *v);
			if (v == NULL || (v[nids] = strdup(argv[i])) == NULL) {
				ids = v != NULL ? v : ids;
				rc = status_exit_code(PATROL_NOMEM);
				break;
			}
			ids = v;
			nids++;
		}
		if (rc == 0)
			rc = rt_new(&t, ids, nids);
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	rotate_free(t.r);
	api_table_free(t.tab);
	free(t.user);
	free(t.me_id);
	return rc;
}
