/*
 * test_prefs.c: unit tests of prefs.c, patrol's own settings: defaults,
 * profile sections overriding key by key, values and their errors (named
 * with file, line, section and key), stale patterns, the path from the
 * environment (through a fake getenv), and the file checks it shares with
 * ini_parse_file (missing file, symbolic link, another user's file).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prefs.h"

/* ---- fixtures --------------------------------------------------------- */

struct env_var {
	const char *name;
	const char *value;
};

static const char *
fake_getenv(const char *name, void *ctx)
{
	const struct env_var *e;

	for (e = ctx; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e->value;
	return NULL;
}

static char dir[64];
static char path[96];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/patrol-test-prefs.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/config", dir);
	return 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *p, const char *text, mode_t mode)
{
	int fd;

	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Parse text for profile; must succeed. */
static void
parse_ok(const char *text, const char *profile, struct prefs *p)
{
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(prefs_parse(text, strlen(text), "cfg", profile, p, &err), PATROL_OK);
}

/* Parse text; must fail with exactly message. */
static void
parse_fails(const char *text, const char *profile, const char *message)
{
	struct patrol_err err;
	struct prefs p;

	status_clear(&err);
	assert_int_equal(prefs_parse(text, strlen(text), "cfg", profile, &p, &err),
	    PATROL_CONFIG);
	assert_string_equal(err.message, message);
	/* freed on error */
	assert_null(p.path);
	assert_int_equal(p.nstale, 0);
	assert_null(p.warning);
}

static const char example[] =
    "# patrol's settings\n"
    "[defaults]\n"
    "jobs = 8\n"
    "rate = 20\n"
    "stale-patterns = Test, TMP ,old,, poc, Do Not Delete\n"
    "read-only = false\n"
    "\n"
    "[profile prod]\n"
    "read-only = true   ; never change production\n"
    "rate = 5\n"
    "\n"
    "[profile dev]\n"
    "jobs: 2\n";

/* ---- values ------------------------------------------------------------ */

static void
test_defaults_only(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok(example, NULL, &p);
	assert_true(p.loaded);
	assert_true(p.jobs_set);
	assert_int_equal(p.jobs, 8);
	assert_true(p.rate_set);
	assert_true(p.rate == 20.0);
	assert_true(p.read_only_set);
	assert_false(p.read_only);
	assert_true(p.stale_set);
	assert_null(p.warning);
	prefs_free(&p);
	assert_int_equal(p.nstale, 0);
}

static void
test_profile_overrides_key_by_key(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok(example, "prod", &p);
	assert_true(p.read_only);
	assert_true(p.rate == 5.0);
	assert_int_equal(p.jobs, 8);          /* from [defaults] */
	assert_int_equal(p.nstale, 5);        /* from [defaults] */
	prefs_free(&p);

	parse_ok(example, "dev", &p);
	assert_false(p.read_only);
	assert_int_equal(p.jobs, 2);
	assert_true(p.rate == 20.0);
	prefs_free(&p);

	/* A profile the file does not name gets [defaults]. */
	parse_ok(example, "staging", &p);
	assert_false(p.read_only);
	assert_int_equal(p.jobs, 8);
	prefs_free(&p);
}

static void
test_nothing_set(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok("", "prod", &p);
	assert_false(p.jobs_set);
	assert_false(p.rate_set);
	assert_false(p.read_only_set);
	assert_false(p.stale_set);
	assert_false(p.read_only);
	prefs_free(&p);
	parse_ok("[profile prod]\nread-only = yes\n", "prod", &p);
	assert_true(p.read_only);
	assert_true(p.read_only_set);
	assert_false(p.jobs_set);
	prefs_free(&p);
}

static void
test_repeated_sections_and_keys(void **state)
{
	struct prefs p;

	(void)state;
	/* The last one wins, as in the INI reader; spaces inside the header. */
	parse_ok("[profile  prod ]\nrate = 1\n[defaults]\njobs=3\n[profile prod]\nrate = 2\n"
	    "jobs = 4\njobs = 5\n", "prod", &p);
	assert_true(p.rate == 2.0);
	assert_int_equal(p.jobs, 5);
	prefs_free(&p);
}

static void
test_read_only_booleans(void **state)
{
	static const struct { const char *v; bool on; } cases[] = {
		{ "true", true }, { "TRUE", true }, { "yes", true }, { "Yes", true }, { "1", true },
		{ "false", false }, { "False", false }, { "no", false }, { "NO", false }, { "0", false },
	};
	char text[128];
	struct prefs p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "[defaults]\nread-only = %s\n", cases[i].v);
		parse_ok(text, NULL, &p);
		assert_true(p.read_only_set);
		assert_int_equal(p.read_only, cases[i].on);
		prefs_free(&p);
	}
	parse_fails("[defaults]\nread-only = maybe\n", NULL,
	    "cfg:2: [defaults] read-only: 'maybe' is not a boolean (true, false, yes, no, 1, 0)");
	parse_fails("[defaults]\nread-only =\n", NULL,
	    "cfg:2: [defaults] read-only: '' is not a boolean (true, false, yes, no, 1, 0)");
	parse_fails("[defaults]\nread-only = on\n", NULL,
	    "cfg:2: [defaults] read-only: 'on' is not a boolean (true, false, yes, no, 1, 0)");
}

static void
test_numbers(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok("[defaults]\nrate = 0\njobs = 64\n", NULL, &p);
	assert_true(p.rate_set);
	assert_true(p.rate == 0.0);
	assert_int_equal(p.jobs, 64);
	prefs_free(&p);
	parse_ok("[defaults]\nrate = 2.5\njobs = 1\n", NULL, &p);
	assert_true(p.rate == 2.5);
	assert_int_equal(p.jobs, 1);
	prefs_free(&p);
	parse_fails("[defaults]\n[profile prod]\nrate = fast\n", "prod",
	    "cfg:3: [profile prod] rate: 'fast' is not a number");
	parse_fails("[defaults]\nrate = -1\n", NULL,
	    "cfg:2: [defaults] rate: '-1' is out of range (0..10000 requests a second, 0: no limit)");
	parse_fails("[defaults]\nrate = nan\n", NULL, "cfg:2: [defaults] rate: 'nan' is not a number");
	parse_fails("[defaults]\nrate = inf\n", NULL, "cfg:2: [defaults] rate: 'inf' is not a number");
	parse_fails("[defaults]\nrate = 0x10\n", NULL, "cfg:2: [defaults] rate: '0x10' is not a number");
	parse_fails("[defaults]\njobs = 0\n", NULL, "cfg:2: [defaults] jobs: '0' is out of range (1..64)");
	parse_fails("[defaults]\njobs = 65\n", NULL, "cfg:2: [defaults] jobs: '65' is out of range (1..64)");
	parse_fails("[defaults]\njobs = 2.5\n", NULL, "cfg:2: [defaults] jobs: '2.5' is not a number");
	parse_fails("[defaults]\njobs = 99999999999999999999\n", NULL,
	    "cfg:2: [defaults] jobs: '99999999999999999999' is not a number");
}

/* The view's columns (checked names, stored comma-separated) and refresh. */
static void
test_columns_refresh(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok("[defaults]\ncolumns = comment, expires  id\nrefresh = 5m\n"
	    "[profile prod]\ncolumns = flags,last-used\nrefresh = off\n", "prod", &p);
	assert_string_equal(p.columns, "flags,last-used");
	assert_true(p.refresh_set);
	assert_int_equal(p.refresh_s, 0);
	prefs_free(&p);
	parse_ok("[defaults]\ncolumns = comment, expires  id\nrefresh = 5m\n", "dev", &p);
	assert_string_equal(p.columns, "comment,expires,id");
	assert_int_equal(p.refresh_s, 300);
	prefs_free(&p);
	parse_fails("[defaults]\ncolumns = comment, colour\n", NULL,
	    "cfg:2: [defaults] columns: 'comment, colour' has an unknown column (" PREFS_COLUMN_NAMES ")");
	parse_fails("[defaults]\ncolumns = expires:desc\n", NULL,
	    "cfg:2: [defaults] columns: 'expires:desc' has an unknown column (" PREFS_COLUMN_NAMES ")");
	parse_fails("[defaults]\ncolumns = ,\n", NULL,
	    "cfg:2: [defaults] columns: ',' names no column (" PREFS_COLUMN_NAMES ")");
	parse_fails("[defaults]\nrefresh = 3s\n", NULL,
	    "cfg:2: [defaults] refresh: '3s' is not off or a duration from 10s to 1d (60, 90s, 5m)");
	parse_fails("[defaults]\nrefresh = often\n", NULL,
	    "cfg:2: [defaults] refresh: 'often' is not off or a duration from 10s to 1d (60, 90s, 5m)");
}

/* revoke-soon: whole days, bare or as a duration; merged as milliseconds. */
static void
test_revoke_soon(void **state)
{
	struct prefs_flags f = { false, 0, -1 };
	struct prefs_merged m;
	struct prefs p;

	(void)state;
	parse_ok("[defaults]\nrevoke-soon = 21\n[profile prod]\nrevoke-soon = 2w\n", "prod", &p);
	assert_true(p.revoke_soon_set);
	assert_int_equal(p.revoke_soon_days, 14);
	prefs_merge(&p, &f, &m);
	assert_int_equal(m.revoke_soon_ms, 14 * 86400000LL);
	prefs_free(&p);
	parse_ok("[defaults]\nrevoke-soon = 21d\n", "dev", &p);
	assert_int_equal(p.revoke_soon_days, 21);
	prefs_free(&p);
	parse_ok("[defaults]\njobs = 2\n", NULL, &p);
	prefs_merge(&p, &f, &m);
	assert_int_equal(m.revoke_soon_ms, 0);        /* unset: the default */
	prefs_free(&p);
	parse_fails("[defaults]\nrevoke-soon = 0\n", NULL,
	    "cfg:2: [defaults] revoke-soon: '0' is not a number of days from 1 to 89 (14, 2w, 21d)");
	parse_fails("[defaults]\nrevoke-soon = 90\n", NULL,
	    "cfg:2: [defaults] revoke-soon: '90' is not a number of days from 1 to 89 (14, 2w, 21d)");
	parse_fails("[defaults]\nrevoke-soon = 36h\n", NULL,
	    "cfg:2: [defaults] revoke-soon: '36h' is not a number of days from 1 to 89 (14, 2w, 21d)");
	parse_fails("[defaults]\nrevoke-soon = soon\n", NULL,
	    "cfg:2: [defaults] revoke-soon: 'soon' is not a number of days from 1 to 89 (14, 2w, 21d)");
}

/* A bad value in a profile not in use is still an error: the file is wrong. */
static void
test_errors_anywhere(void **state)
{
	(void)state;
	parse_fails("[defaults]\njobs = 2\n\n[profile other]\njobs = many\n", "prod",
	    "cfg:5: [profile other] jobs: 'many' is not a number");
}

static void
test_unknown_names(void **state)
{
	(void)state;
	parse_fails("[defaults]\njobs = 2\ncolour = red\n", NULL,
	    "cfg:3: [defaults] colour: unknown key (jobs, rate, stale-patterns, read-only, columns, refresh, revoke-soon)");
	parse_fails("[profile prod]\nreadonly = true\n", "prod",
	    "cfg:2: [profile prod] readonly: unknown key (jobs, rate, stale-patterns, read-only, columns, refresh, revoke-soon)");
	parse_fails("[default]\njobs = 2\n", NULL,
	    "cfg:1: unknown section [default] (expected [defaults] or [profile NAME])");
	parse_fails("[prod]\n", NULL,
	    "cfg:1: unknown section [prod] (expected [defaults] or [profile NAME])");
	parse_fails("[profile]\n", NULL,
	    "cfg:1: unknown section [profile] (expected [defaults] or [profile NAME])");
	parse_fails("[profiles prod]\n", NULL,
	    "cfg:1: unknown section [profiles prod] (expected [defaults] or [profile NAME])");
	parse_fails("jobs = 2\n", NULL,
	    "cfg:1: jobs: a key before any section (start with [defaults] or [profile NAME])");
}

static void
test_syntax_errors_from_ini(void **state)
{
	(void)state;
	parse_fails("[defaults\n", NULL, "cfg:1: unterminated section header (missing ']')");
	parse_fails("[defaults]\njobs\n", NULL, "cfg:2: expected '[section]' or 'key = value'");
}

static void
test_stale_patterns(void **state)
{
	struct prefs p;

	(void)state;
	parse_ok(example, NULL, &p);
	assert_int_equal(p.nstale, 5);
	assert_string_equal(p.stale[0], "test");
	assert_string_equal(p.stale[1], "tmp");
	assert_string_equal(p.stale[2], "old");
	assert_string_equal(p.stale[3], "poc");
	assert_string_equal(p.stale[4], "do not delete");
	prefs_free(&p);

	/* A profile replaces the list; an empty list is a set, empty list. */
	parse_ok("[defaults]\nstale-patterns = a, b\n[profile x]\nstale-patterns = ÄRGER, Zz\n",
	    "x", &p);
	assert_int_equal(p.nstale, 2);
	assert_string_equal(p.stale[0], "Ärger");   /* ASCII lower-cased, UTF-8 kept */
	assert_string_equal(p.stale[1], "zz");
	prefs_free(&p);
	parse_ok("[defaults]\nstale-patterns =\n", NULL, &p);
	assert_true(p.stale_set);
	assert_int_equal(p.nstale, 0);
	prefs_free(&p);
	parse_ok("[defaults]\nstale-patterns = , ,\n", NULL, &p);
	assert_true(p.stale_set);
	assert_int_equal(p.nstale, 0);
	prefs_free(&p);
}

static void
test_stale_patterns_capped(void **state)
{
	char text[1024];
	struct prefs p;
	size_t len, i;

	(void)state;
	len = (size_t)snprintf(text, sizeof text, "[defaults]\nstale-patterns = ");
	for (i = 0; i < PREFS_MAX_STALE + 3; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%sP%zu", i ? "," : "", i);
	snprintf(text + len, sizeof text - len, "\n");
	parse_ok(text, NULL, &p);
	assert_int_equal(p.nstale, PREFS_MAX_STALE);
	assert_string_equal(p.stale[0], "p0");
	assert_string_equal(p.stale[PREFS_MAX_STALE - 1], "p31");
	assert_non_null(p.warning);
	assert_string_equal(p.warning,
	    "cfg:2: [defaults] stale-patterns has more than 32 patterns: the first 32 are used");
	prefs_free(&p);

	/* One pattern longer than 128 bytes is an error. */
	memset(text, 0, sizeof text);
	len = (size_t)snprintf(text, sizeof text, "[defaults]\nstale-patterns = ");
	memset(text + len, 'a', 129);
	text[len + 129] = '\n';
	{
		struct patrol_err err;

		status_clear(&err);
		assert_int_equal(prefs_parse(text, strlen(text), "cfg", NULL, &p, &err),
		    PATROL_CONFIG);
		assert_non_null(strstr(err.message, "has a pattern longer than 128 bytes"));
	}
}

/* ---- the path ---------------------------------------------------------- */

static void
check_path(const struct env_var *env, const char *want)
{
	char *p = prefs_path(fake_getenv, (void *)env);

	if (want == NULL) {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
}

static void
test_path_resolution(void **state)
{
	const struct env_var all[] = {
		{ "PATROL_CONFIG", "/etc/p.ini" }, { "XDG_CONFIG_HOME", "/x" }, { "HOME", "/h" },
		{ NULL, NULL } };
	const struct env_var xdg[] = {
		{ "XDG_CONFIG_HOME", "/x/cfg" }, { "HOME", "/h" }, { NULL, NULL } };
	const struct env_var relxdg[] = {
		{ "XDG_CONFIG_HOME", "rel/cfg" }, { "HOME", "/h" }, { NULL, NULL } };
	const struct env_var empty[] = {
		{ "PATROL_CONFIG", "" }, { "XDG_CONFIG_HOME", "" }, { "HOME", "/h" }, { NULL, NULL } };
	const struct env_var home[] = { { "HOME", "/home/a" }, { NULL, NULL } };
	const struct env_var none[] = { { "HOME", "" }, { NULL, NULL } };

	(void)state;
	check_path(all, "/etc/p.ini");
	check_path(xdg, "/x/cfg/patrol/config");
	check_path(relxdg, "/h/.config/patrol/config");   /* not absolute: ignored */
	check_path(empty, "/h/.config/patrol/config");
	check_path(home, "/home/a/.config/patrol/config");
	check_path(none, NULL);
}

/* ---- files ------------------------------------------------------------- */

static void
test_load_through_env(void **state)
{
	struct env_var env[] = { { "XDG_CONFIG_HOME", dir }, { "HOME", "/nonexistent" },
		{ NULL, NULL } };
	char sub[160], file[192];
	struct patrol_err err;
	struct prefs p;

	(void)state;
	snprintf(sub, sizeof sub, "%s/patrol", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof file, "%s/config", sub);
	write_file(file, example, 0600);
	status_clear(&err);
	assert_int_equal(prefs_load(NULL, "prod", fake_getenv, env, &p, &err), PATROL_OK);
	assert_true(p.loaded);
	assert_string_equal(p.path, file);
	assert_true(p.read_only);
	assert_true(p.rate == 5.0);
	assert_null(p.warning);
	prefs_free(&p);
	unlink(file);
	rmdir(sub);
}

static void
test_missing_file_ok(void **state)
{
	struct env_var env[] = { { "PATROL_CONFIG", "/nonexistent/dir/config" }, { NULL, NULL } };
	struct env_var none[] = { { NULL, NULL } };
	struct patrol_err err;
	struct prefs p;

	(void)state;
	status_clear(&err);
	assert_int_equal(prefs_load(NULL, "prod", fake_getenv, env, &p, &err), PATROL_OK);
	assert_false(p.loaded);
	assert_string_equal(p.path, "/nonexistent/dir/config");
	assert_false(p.read_only_set || p.rate_set || p.jobs_set || p.stale_set);
	prefs_free(&p);
	/* No HOME at all: nothing to read, not an error. */
	assert_int_equal(prefs_load(NULL, NULL, fake_getenv, none, &p, &err), PATROL_OK);
	assert_null(p.path);
	assert_false(p.loaded);
	prefs_free(&p);
}

static void
test_file_error_names_file(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char want[256];

	(void)state;
	write_file(path, "[defaults]\n\n[profile prod]\nrate = fast\n", 0600);
	status_clear(&err);
	assert_int_equal(prefs_load(path, "prod", fake_getenv, NULL, &p, &err), PATROL_CONFIG);
	snprintf(want, sizeof want, "%s:4: [profile prod] rate: 'fast' is not a number", path);
	assert_string_equal(err.message, want);
	assert_null(p.path);
	unlink(path);
}

static void
test_writable_by_others_warns(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char want[400];

	(void)state;
	write_file(path, "[defaults]\njobs = 3\n", 0664);
	status_clear(&err);
	assert_int_equal(prefs_load(path, NULL, fake_getenv, NULL, &p, &err), PATROL_OK);
	assert_int_equal(p.jobs, 3);
	snprintf(want, sizeof want, "%s is writable by other users; fix with: chmod go-w %s",
	    path, path);
	assert_non_null(p.warning);
	assert_string_equal(p.warning, want);
	prefs_free(&p);
	/* Readable by others is fine: the file holds no secret. */
	write_file(path, "[defaults]\njobs = 3\n", 0644);
	assert_int_equal(prefs_load(path, NULL, fake_getenv, NULL, &p, &err), PATROL_OK);
	assert_null(p.warning);
	prefs_free(&p);
	unlink(path);
}

/* A symbolic link of ours is followed (dotfile managers make them); a
 * file every user may write is refused, whatever the link. */
static void
test_symlink_followed(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char link[192], want[600];

	(void)state;
	write_file(path, "[defaults]\nread-only = true\n", 0600);
	snprintf(link, sizeof link, "%s/link", dir);
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	status_clear(&err);
	assert_int_equal(prefs_load(link, NULL, fake_getenv, NULL, &p, &err), PATROL_OK);
	assert_true(p.read_only);
	prefs_free(&p);
	write_file(path, "[defaults]\nread-only = true\n", 0666);
	assert_int_equal(prefs_load(link, NULL, fake_getenv, NULL, &p, &err), PATROL_CONFIG);
	snprintf(want, sizeof want, "%s is writable by every user (anyone could change it); "
	    "refusing to read it; fix with: chmod go-w %s", link, link);
	assert_string_equal(err.message, want);
	assert_null(p.path);
	unlink(link);
	unlink(path);
}

static void
test_directory_refused(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char want[400];

	(void)state;
	status_clear(&err);
	assert_int_equal(prefs_load(dir, NULL, fake_getenv, NULL, &p, &err), PATROL_CONFIG);
	snprintf(want, sizeof want, "%s is not a regular file", dir);
	assert_string_equal(err.message, want);
}

/* Only root can give a file away; others skip. */
static void
test_other_owner_refused(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char want[400];

	(void)state;
	if (geteuid() != 0)
		skip();
	write_file(path, "[defaults]\nread-only = false\n", 0644);
	assert_int_equal(chown(path, 4242, 4242), 0);
	status_clear(&err);
	assert_int_equal(prefs_load(path, NULL, fake_getenv, NULL, &p, &err), PATROL_CONFIG);
	snprintf(want, sizeof want, "%s is owned by another user (uid 4242); refusing to read it",
	    path);
	assert_string_equal(err.message, want);
	assert_null(p.path);
	unlink(path);
}

static void
test_too_large(void **state)
{
	struct patrol_err err;
	struct prefs p;
	char *big;
	size_t n = 1024 * 1024 + 10;
	int fd;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, '#', n);
	big[n - 1] = '\n';
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, n), (ssize_t)n);
	close(fd);
	free(big);
	status_clear(&err);
	assert_int_equal(prefs_load(path, NULL, fake_getenv, NULL, &p, &err), PATROL_CONFIG);
	assert_non_null(strstr(err.message, "file larger than 1048576 bytes"));
	unlink(path);
}

/* The flags win, except read-only, which either side sets; the stale
 * patterns are the file's; what neither says stays unsaid. */
static void
test_merge(void **state)
{
	static const char text[] = "[defaults]\nrate = 5\njobs = 2\n"
	    "stale-patterns = tmp, scratch\n[profile prod]\nread-only = true\n";
	struct prefs p, none;
	struct prefs_flags f = { false, 0, -1 };
	struct prefs_merged m;
	struct patrol_err err;

	(void)state;
	status_clear(&err);
	assert_int_equal(prefs_parse(text, strlen(text), "t", "prod", &p, &err), PATROL_OK);
	prefs_merge(&p, &f, &m);
	assert_true(m.read_only);
	assert_int_equal(m.jobs, 2);
	assert_true(m.rate == 5);
	assert_int_equal(m.nstale, 2);
	assert_string_equal(m.stale[1], "scratch");
	f = (struct prefs_flags){ false, 8, 0 };
	prefs_merge(&p, &f, &m);
	assert_true(m.read_only);          /* the profile stays read-only */
	assert_int_equal(m.jobs, 8);
	assert_true(m.rate == 0);
	assert_true(prefs_worker_rate(m.rate) == -1);    /* 0: no limit */
	prefs_free(&p);
	memset(&none, 0, sizeof none);
	f = (struct prefs_flags){ true, 0, -1 };
	prefs_merge(&none, &f, &m);
	assert_true(m.read_only);
	assert_int_equal(m.jobs, 0);
	assert_true(m.rate < 0);
	assert_null(m.stale);
	assert_true(prefs_worker_rate(m.rate) == 0);      /* unsaid: the pace decides */
	assert_true(prefs_worker_rate(2.5) == 2.5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_only),
		cmocka_unit_test(test_profile_overrides_key_by_key),
		cmocka_unit_test(test_nothing_set),
		cmocka_unit_test(test_repeated_sections_and_keys),
		cmocka_unit_test(test_read_only_booleans),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_columns_refresh),
		cmocka_unit_test(test_revoke_soon),
		cmocka_unit_test(test_errors_anywhere),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_syntax_errors_from_ini),
		cmocka_unit_test(test_stale_patterns),
		cmocka_unit_test(test_stale_patterns_capped),
		cmocka_unit_test(test_path_resolution),
		cmocka_unit_test(test_load_through_env),
		cmocka_unit_test(test_missing_file_ok),
		cmocka_unit_test(test_file_error_names_file),
		cmocka_unit_test(test_writable_by_others_warns),
		cmocka_unit_test(test_symlink_followed),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_other_owner_refused),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
