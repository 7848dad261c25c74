/*
 * test_estate.c: unit tests of estate.c's picking of workspaces (-p A -p B,
 * --profiles A,B, --all-profiles) over a fake environment and a config file
 * in a private directory, and of config_host_is_account.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "estate.h"

static char dir[64];
static char cfgpath[128];

static const char *
fake_getenv(const char *name, void *ctx)
{
	return strcmp(name, "DATABRICKS_CONFIG_FILE") == 0 ? ctx : NULL;
}

static int
setup(void **state)
{
	FILE *fp;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/patrol-test-estate.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cfgpath, sizeof cfgpath, "%s/cfg", dir);
	if ((fp = fopen(cfgpath, "w")) == NULL)
		return -1;
	fputs("[__settings__]\ndefault_profile = prod\n"
	      "[prod]\nhost = https://dbc-1.cloud.databricks.com\ntoken = dapi1\n"
	      "[acct]\nhost = https://accounts.cloud.databricks.com\naccount_id = a\n"
	      "[nohost]\ntoken = dapi2\n"
	      "[dev]\nhost = adb-2.azuredatabricks.net\n"
	      "[gov]\nhost = https://ACCOUNTS-DOD.cloud.databricks.mil/\n", fp);
	fclose(fp);
	chmod(cfgpath, 0600);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(cfgpath);
	rmdir(dir);
	return 0;
}

/* Names given: commas split, blanks trimmed, repeats once, order kept. */
static void
test_pick_given(void **state)
{
	const char *given[] = { "dev", " prod , dev", "stage" };
	struct estate_pick p;
	struct patrol_err err;

	(void)state;
	assert_int_equal(estate_pick(given, NULL, 3, false, fake_getenv, cfgpath, &p, &err), PATROL_OK);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.names[0], "dev");
	assert_string_equal(p.names[1], "prod");
	assert_string_equal(p.names[2], "stage");
	assert_int_equal(p.nnotes, 0);
	estate_pick_free(&p);
}

/* A -p value is one name, commas and all; a --profiles value beside it
 * still splits (a config section may be called "a,b"). */
static void
test_pick_whole(void **state)
{
	const char *given[] = { "a,b", "c,d" };
	const bool whole[] = { true, false };
	struct estate_pick p;
	struct patrol_err err;

	(void)state;
	assert_int_equal(estate_pick(given, whole, 2, false, fake_getenv, cfgpath, &p, &err),
			 PATROL_OK);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.names[0], "a,b");
	assert_string_equal(p.names[1], "c");
	assert_string_equal(p.names[2], "d");
	estate_pick_free(&p);
}

static void
test_pick_empty_name(void **state)
{
	const char *given[] = { "prod,,dev" };
	struct estate_pick p;
	struct patrol_err err;

	(void)state;
	assert_int_equal(estate_pick(given, NULL, 1, false, fake_getenv, cfgpath, &p, &err),
			 PATROL_CONFIG);
	assert_non_null(strstr(err.message, "empty profile name"));
	estate_pick_free(&p);
}

/* --all-profiles: workspaces in file order; account consoles (either kind,
 * any case) and host-less profiles skipped with a note each. */
static void
test_pick_all(void **state)
{
	const char *given[] = { "dev" };
	struct estate_pick p;
	struct patrol_err err;

	(void)state;
	assert_int_equal(estate_pick(given, NULL, 1, true, fake_getenv, cfgpath, &p, &err), PATROL_OK);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.names[0], "dev");       /* given first, then the file's */
	assert_string_equal(p.names[1], "prod");
	assert_int_equal(p.nnotes, 3);
	assert_non_null(strstr(p.notes[0], "'acct'"));
	assert_non_null(strstr(p.notes[0], "account console"));
	assert_non_null(strstr(p.notes[1], "'nohost'"));
	assert_non_null(strstr(p.notes[1], "no workspace host"));
	assert_non_null(strstr(p.notes[2], "'gov'"));
	assert_string_equal(p.file, cfgpath);
	estate_pick_free(&p);
}

static void
test_pick_missing_file(void **state)
{
	char missing[] = "/nonexistent/cfg";
	struct estate_pick p;
	struct patrol_err err;

	(void)state;
	assert_int_not_equal(estate_pick(NULL, NULL, 0, true, fake_getenv, missing, &p, &err),
			     PATROL_OK);
	assert_non_null(strstr(err.message, "/nonexistent/cfg"));
	estate_pick_free(&p);
}

/* A host patrol refuses: shown as written with its password redacted,
 * refused with config_normalize_host's reason; no host at all, as before. */
static void
test_bad_hosts(void **state)
{
	char path[160];
	struct config_profile *v;
	struct patrol_err err;
	char *file = NULL;
	size_t n;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof path, "%s/bad", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("[userinfo]\nhost = http://alice:pw@127.0.0.1:8080/\n"
	      "[user]\nhost = https://bob@dbc-1.cloud.databricks.com\n"
	      "[path]\nhost = https://dbc-1.cloud.databricks.com/a/b?x=1\n"
	      "[nohost]\ntoken = dapi2\n"
	      "[slash]\nhost = https://alice:p/w#x@dbc-1.cloud.databricks.com\n", fp);
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(config_profiles(fake_getenv, path, &v, &n, &file, &err), PATROL_OK);
	assert_int_equal(n, 5);
	assert_null(v[0].host);
	assert_string_equal(v[0].bad_host, "http://alice:<redacted>@127.0.0.1:8080/");
	assert_string_equal(estate_not_workspace(&v[0]),
			    "has an invalid host: host must not contain a user name (user@host)");
	assert_string_equal(v[1].bad_host, "https://bob@dbc-1.cloud.databricks.com");
	assert_string_equal(v[2].bad_host, "https://dbc-1.cloud.databricks.com/a/b?x=1");
	assert_non_null(strstr(estate_not_workspace(&v[2]), "host must not have a path ('/a/b?x=1')"));
	assert_null(v[3].bad_host);
	assert_null(v[3].bad_host_why);
	assert_string_equal(estate_not_workspace(&v[3]), "has no workspace host");
	/* a password with '/' and '#': redacted whole, and no piece of it in the reason */
	assert_string_equal(v[4].bad_host, "https://alice:<redacted>@dbc-1.cloud.databricks.com");
	assert_string_equal(estate_not_workspace(&v[4]),
			    "has an invalid host: host must not contain a user name (user@host)");
	config_profiles_free(v, n);
	free(file);
	unlink(path);
}

static void
test_account_hosts(void **state)
{
	(void)state;
	assert_true(config_host_is_account("https://accounts.cloud.databricks.com"));
	assert_true(config_host_is_account("https://accounts.azuredatabricks.net"));
	assert_true(config_host_is_account("https://accounts-dod.cloud.databricks.mil"));
	assert_false(config_host_is_account("https://dbc-1.cloud.databricks.com"));
	assert_false(config_host_is_account("https://myaccounts.cloud.databricks.com"));
	assert_false(config_host_is_account("http://127.0.0.1:8080"));
}

/* A table of the ids %064x of ids[0..n). */
static struct token_table *
twins_table(const unsigned *ids, size_t n)
{
	struct token_table *t = calloc(1, sizeof *t);
	char id[TOKEN_ID_LEN + 1];
	struct token_info *r;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%064x", ids[i]);
		assert_non_null(r = token_table_push(t));
		assert_int_equal(token_set_id(t, r, id, strlen(id)), 0);
	}
	return t;
}

/* One workspace under two profiles: the later list's rows the first has
 * are its twins, by id; hosts are one workspace compared without case. */
static void
test_twins(void **state)
{
	static const unsigned a[] = { 1, 2, 3 }, b[] = { 4, 3, 1, 5 };
	struct token_table *first = twins_table(a, 3), *later = twins_table(b, 4);
	struct token_table *empty = twins_table(a, 0);
	unsigned char twin[4];

	(void)state;
	assert_int_equal(estate_twins(first, later, twin), 2);
	assert_int_equal(twin[0], 0);
	assert_int_equal(twin[1], 1);
	assert_int_equal(twin[2], 1);
	assert_int_equal(twin[3], 0);
	assert_int_equal(estate_twins(empty, later, twin), 0);
	assert_int_equal(twin[1], 0);
	assert_true(estate_same_workspace("https://Dbc-1.cloud.databricks.com",
					  "https://dbc-1.cloud.databricks.com"));
	assert_false(estate_same_workspace("http://127.0.0.1:8080", "http://127.0.0.1:8081"));
	assert_false(estate_same_workspace(NULL, "http://127.0.0.1:8080"));
	token_table_free(first);
	token_table_free(later);
	token_table_free(empty);
	free(first);
	free(later);
	free(empty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_given),
		cmocka_unit_test(test_pick_whole),
		cmocka_unit_test(test_pick_empty_name),
		cmocka_unit_test(test_pick_all),
		cmocka_unit_test(test_pick_missing_file),
		cmocka_unit_test(test_bad_hosts),
		cmocka_unit_test(test_account_hosts),
		cmocka_unit_test(test_twins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
