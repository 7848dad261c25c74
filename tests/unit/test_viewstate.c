/*
 * test_viewstate.c: what the view remembers per profile (src/viewstate.c):
 * a missing file is an empty state, each profile has its own section, a
 * save keeps the other profiles' sections, the file is 0600 in the state
 * directory, and a file that cannot be used is a warning.
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

#include "viewstate.h"

static char dir[] = "/tmp/patrol-viewstate.XXXXXX";
static char file[300];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	setenv("XDG_STATE_HOME", dir, 1);
	snprintf(file, sizeof file, "%s/patrol/view.ini", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
load(const char *profile, struct viewstate *vs)
{
	struct patrol_err err;
	char *warn = NULL;

	status_clear(&err);
	assert_int_equal(viewstate_load(profile, vs, &warn, &err), PATROL_OK);
	assert_null(warn);
}

static void
test_missing_is_empty(void **state)
{
	struct viewstate vs;

	(void)state;
	load("prod", &vs);
	assert_string_equal(vs.profile, "prod");
	assert_null(vs.sort);
	assert_null(vs.columns);
	assert_int_equal(vs.admin, -1);
	viewstate_free(&vs);
}

static void
test_round_trip(void **state)
{
	struct viewstate v[2] = {
		{ (char *)"prod", (char *)"expires:desc", (char *)"comment,id", 1 },
		{ (char *)"dev", (char *)"id:asc", NULL, 0 },
	};
	struct patrol_err err;
	struct viewstate got;
	struct stat st;

	(void)state;
	status_clear(&err);
	assert_int_equal(viewstate_save(v, 2, &err), PATROL_OK);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	load("prod", &got);
	assert_string_equal(got.sort, "expires:desc");
	assert_string_equal(got.columns, "comment,id");
	assert_int_equal(got.admin, 1);
	viewstate_free(&got);
	/* saving one profile keeps the other's section */
	v[1].sort = (char *)"created:desc";
	assert_int_equal(viewstate_save(&v[1], 1, &err), PATROL_OK);
	load("prod", &got);
	assert_string_equal(got.sort, "expires:desc");
	viewstate_free(&got);
	load("dev", &got);
	assert_string_equal(got.sort, "created:desc");
	assert_null(got.columns);
	assert_int_equal(got.admin, 0);
	viewstate_free(&got);
}

static void
test_bad_file_warns(void **state)
{
	struct viewstate vs;
	struct patrol_err err;
	char *warn = NULL;
	FILE *fp;

	(void)state;
	assert_non_null(fp = fopen(file, "w"));
	fputs("[profile prod\nsort = bogus\n", fp);
	fclose(fp);
	status_clear(&err);
	assert_int_equal(viewstate_load("prod", &vs, &warn, &err), PATROL_OK);
	assert_non_null(warn);          /* said, not fatal */
	assert_null(vs.sort);
	free(warn);
	viewstate_free(&vs);
	assert_non_null(fp = fopen(file, "w"));
	fputs("[profile prod]\nsort = nosuchcolumn\nadmin = maybe\n", fp);
	fclose(fp);
	load("prod", &vs);
	assert_null(vs.sort);           /* a bad value is left out */
	assert_int_equal(vs.admin, -1);
	viewstate_free(&vs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_is_empty),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_file_warns),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
