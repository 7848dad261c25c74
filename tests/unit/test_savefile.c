/*
 * test_savefile.c: files written whole or not at all (src/savefile.c):
 * mode 0600, never overwriting in SAVEFILE_NEW, replacing atomically in
 * SAVEFILE_REPLACE, a failed fill leaving the destination and its
 * directory as they were, a symbolic link never followed, ~ expanded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savefile.h"

static char dir[] = "/tmp/patrol-savefile.XXXXXX";

static int
fill_text(FILE *fp, const void *ctx)
{
	return fputs(ctx, fp) < 0 ? -1 : 0;
}

static int
fill_fails(FILE *fp, const void *ctx)
{
	(void)ctx;
	fputs("half", fp);
	return -1;
}

static char *
path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof buf, "%s/%s", dir, name);   /* one call per statement */
	return buf;
}

static char *
slurp(const char *p)
{
	static char buf[256];
	FILE *fp = fopen(p, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Entries of the test directory, to see that no temporary file is left. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	umask(022);
	return mkdtemp(dir) == NULL ? -1 : 0;
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
test_new(void **state)
{
	struct patrol_err err;
	struct stat st;

	(void)state;
	assert_int_equal(savefile_write(path("a"), SAVEFILE_NEW, fill_text, "one\n", &err), PATROL_OK);
	assert_string_equal(slurp(path("a")), "one\n");
	assert_int_equal(stat(path("a"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(savefile_write(path("a"), SAVEFILE_NEW, fill_text, "two\n", &err),
	    PATROL_CONFLICT);
	assert_non_null(strstr(err.message, "File exists"));
	assert_string_equal(slurp(path("a")), "one\n");
	assert_int_equal(entries(), 1);
}

static void
test_replace(void **state)
{
	struct patrol_err err;

	(void)state;
	assert_int_equal(savefile_write(path("b"), SAVEFILE_NEW, fill_text, "old\n", &err), PATROL_OK);
	assert_int_equal(savefile_write(path("b"), SAVEFILE_REPLACE, fill_text, "new\n", &err),
	    PATROL_OK);
	assert_string_equal(slurp(path("b")), "new\n");
	assert_int_equal(savefile_write(path("b"), SAVEFILE_REPLACE, fill_fails, NULL, &err),
	    PATROL_IO);
	assert_string_equal(slurp(path("b")), "new\n");     /* untouched */
	assert_int_equal(savefile_write(path("c"), SAVEFILE_NEW, fill_fails, NULL, &err), PATROL_IO);
	assert_null(slurp(path("c")));                      /* nothing left */
	assert_int_equal(entries(), 2);                     /* a, b: no temporary file */
	assert_int_equal(savefile_write(path("no/such/d"), SAVEFILE_NEW, fill_text, "x", &err),
	    PATROL_IO);
	assert_non_null(strstr(err.message, "No such file or directory"));
}

static void
test_symlink(void **state)
{
	struct patrol_err err;
	struct stat st;
	char target[256];

	(void)state;
	snprintf(target, sizeof target, "%s", path("target"));
	assert_int_equal(symlink(target, path("link")), 0);
	assert_int_equal(savefile_write(path("link"), SAVEFILE_NEW, fill_text, "x", &err),
	    PATROL_CONFLICT);
	assert_true(savefile_exists(path("link")));
	assert_int_equal(savefile_write(path("link"), SAVEFILE_REPLACE, fill_text, "y", &err),
	    PATROL_OK);
	assert_int_equal(lstat(path("link"), &st), 0);
	assert_true(S_ISREG(st.st_mode));                   /* the link itself was replaced */
	assert_null(slurp(path("target")));                 /* its target never written */
}

static void
test_expand(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/x", 1);
	assert_string_equal((p = savefile_expand("~/a.csv")), "/home/x/a.csv");
	free(p);
	assert_string_equal((p = savefile_expand("~")), "/home/x");
	free(p);
	assert_string_equal((p = savefile_expand("a~/b")), "a~/b");
	free(p);
	assert_string_equal((p = savefile_expand("~bob/x")), "~bob/x");
	free(p);
	unsetenv("HOME");
	assert_null(savefile_expand("~/a"));
	assert_string_equal((p = savefile_expand("/abs")), "/abs");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
