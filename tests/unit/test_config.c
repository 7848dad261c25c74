/*
 * test_config.c: unit tests of config.c: the INI reader (with the lines of
 * sections and keys), the permission checks on config files of both kinds
 * (secrets and settings), host normalization, credential resolution over a
 * fake environment and files in a private directory, and the scrubbing of
 * secrets from the real environment.
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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "ini.h"

/* ---- fixtures --------------------------------------------------------- */

struct env_var {
	const char *name;
	const char *value;
};

/* Look name up in a NULL-terminated array of env_var. */
static const char *
fake_getenv(const char *name, void *ctx)
{
	const struct env_var *e;

	for (e = ctx; e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0)
			return e->value;
	}
	return NULL;
}

static char dir[64];
static char cfgpath[128];

static int
setup_dir(void **state)
{
	(void)state;
	/* mkdtemp wants the template to end in six 'X'. */
	strcpy(dir, "/tmp/patrol-test-config.");
	memset(dir + strlen(dir), 'X', 6);
	dir[sizeof "/tmp/patrol-test-config." - 1 + 6] = '\0';
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cfgpath, sizeof cfgpath, "%s/.databrickscfg", dir);
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

/* Write text to path with the given mode (replacing any old file). */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
write_cfg(const char *text)
{
	write_file(cfgpath, text, 0600);
}

static struct ini *
parse_ok(const char *text)
{
	struct patrol_err err;
	struct ini *ini = NULL;

	status_clear(&err);
	assert_int_equal(ini_parse_string(text, strlen(text), "t.cfg", &ini, &err), PATROL_OK);
	assert_non_null(ini);
	return ini;
}

static void
parse_fails(const char *text, size_t len, const char *message)
{
	struct patrol_err err;
	struct ini *ini = (struct ini *)&err;

	status_clear(&err);
	assert_int_equal(ini_parse_string(text, len, "t.cfg", &ini, &err), PATROL_CONFIG);
	assert_null(ini);
	assert_string_equal(err.message, message);
}

/* ---- INI syntax ------------------------------------------------------- */

static void
test_ini_basic(void **state)
{
	struct ini *ini = parse_ok(
	    "; a comment\n"
	    "# another\n"
	    "\n"
	    "[DEFAULT]\n"
	    "host = https://a.example.com\n"
	    "  token=dapi1  \n"
	    "[prod.eu-west]\n"
	    "host: https://b.example.com\n"
	    "auth_type : pat\n"
	    "empty =\n"
	    "[  spaced name  ]\n"
	    "k = v = w\n");

	(void)state;
	assert_int_equal(ini_section_count(ini), 3);
	assert_string_equal(ini_section_name(ini, 0), "DEFAULT");
	assert_string_equal(ini_section_name(ini, 1), "prod.eu-west");
	assert_string_equal(ini_section_name(ini, 2), "spaced name");
	assert_null(ini_section_name(ini, 3));
	assert_string_equal(ini_get(ini, "DEFAULT", "host"), "https://a.example.com");
	assert_string_equal(ini_get(ini, "DEFAULT", "token"), "dapi1");
	assert_string_equal(ini_get(ini, "prod.eu-west", "host"), "https://b.example.com");
	assert_string_equal(ini_get(ini, "prod.eu-west", "auth_type"), "pat");
	assert_string_equal(ini_get(ini, "prod.eu-west", "empty"), "");
	assert_string_equal(ini_get(ini, "spaced name", "k"), "v = w");
	assert_null(ini_get(ini, "prod.eu-west", "token"));
	assert_null(ini_get(ini, "prod", "host"));
	assert_null(ini_get(ini, "default", "host"));
	assert_string_equal(ini_get(ini, "DEFAULT", "HOST"), "https://a.example.com");
	assert_true(ini_has_section(ini, "spaced name"));
	assert_false(ini_has_section(ini, "prod"));
	ini_free(ini);
}

static void
test_ini_inline_comments(void **state)
{
	struct ini *ini = parse_ok(
	    "[a] ; section comment\n"
	    "t1 = dapi#abc\n"
	    "t2 = dapi;abc\n"
	    "t3 = dapi #abc\n"
	    "t4 = dapi\t;abc\n"
	    "t5 = ;all comment\n"
	    "t6 =#kept\n"
	    "url = https://x.example.com/#frag ; note\n");

	(void)state;
	assert_string_equal(ini_get(ini, "a", "t1"), "dapi#abc");
	assert_string_equal(ini_get(ini, "a", "t2"), "dapi;abc");
	assert_string_equal(ini_get(ini, "a", "t3"), "dapi");
	assert_string_equal(ini_get(ini, "a", "t4"), "dapi");
	assert_string_equal(ini_get(ini, "a", "t5"), "");
	assert_string_equal(ini_get(ini, "a", "t6"), "#kept");
	assert_string_equal(ini_get(ini, "a", "url"), "https://x.example.com/#frag");
	ini_free(ini);
}

/* The Databricks CLI's reader (gopkg.in/ini.v1) drops a pair of quotes
 * around a whole value; configparser (the Python SDK) lowercases keys. */
static void
test_ini_quotes_and_key_case(void **state)
{
	struct ini *ini = parse_ok(
	    "[a]\n"
	    "host = \"https://q.example.com\"\n"
	    "token='dapi-single'   ; comment\n"
	    "HOST2 = \"\"\n"
	    "k1 = \"half\n"
	    "k2 = \"a\" and \"b\"\n"
	    "k3 = \"mixed'\n"
	    "k4 = say \"hi\"\n"
	    "k5 = \"\n"
	    "k6 = 'it's'\n"
	    "k7 = \"  padded \f\"\n"
	    "Auth_Type = pat\n"
	    "host3 = lower\n"
	    "HOST3 = upper\n");

	(void)state;
	assert_string_equal(ini_get(ini, "a", "host"), "https://q.example.com");
	assert_string_equal(ini_get(ini, "a", "token"), "dapi-single");
	assert_string_equal(ini_get(ini, "a", "host2"), "");
	assert_string_equal(ini_get(ini, "a", "k1"), "\"half");
	assert_string_equal(ini_get(ini, "a", "k2"), "\"a\" and \"b\"");
	assert_string_equal(ini_get(ini, "a", "k3"), "\"mixed'");
	assert_string_equal(ini_get(ini, "a", "k4"), "say \"hi\"");
	assert_string_equal(ini_get(ini, "a", "k5"), "\"");
	assert_string_equal(ini_get(ini, "a", "k6"), "'it's'");
	assert_string_equal(ini_get(ini, "a", "k7"), "padded");	/* trimmed inside too */
	assert_string_equal(ini_get(ini, "a", "auth_type"), "pat");
	assert_string_equal(ini_get(ini, "a", "host3"), "upper");	/* the last one wins */
	assert_null(ini_get(ini, "A", "host"));			/* sections keep their case */
	ini_free(ini);
}

/* /dev/null reads as an empty file (the SDKs read it so); other devices do not. */
static void
test_file_dev_null(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;

	(void)state;
	status_clear(&err);
	assert_int_equal(ini_parse_file("/dev/null", &ini, &warning, &err), PATROL_OK);
	assert_non_null(ini);
	assert_int_equal(ini_section_count(ini), 0);
	assert_null(warning);
	ini_free(ini);
	ini = NULL;
	assert_int_equal(ini_parse_file("/dev/zero", &ini, NULL, &err), PATROL_CONFIG);
	assert_string_equal(err.message, "/dev/zero is not a regular file");
	assert_null(ini);
}

static void
test_ini_duplicates(void **state)
{
	struct ini *ini = parse_ok(
	    "[a]\nk = 1\nx = only\n[b]\nk = b\n[a]\nk = 2\ny = new\n[a]\nk = 3\n");

	(void)state;
	assert_int_equal(ini_section_count(ini), 2);
	assert_string_equal(ini_section_name(ini, 0), "a");
	assert_string_equal(ini_section_name(ini, 1), "b");
	assert_string_equal(ini_get(ini, "a", "k"), "3");
	assert_string_equal(ini_get(ini, "a", "x"), "only");
	assert_string_equal(ini_get(ini, "a", "y"), "new");
	assert_string_equal(ini_get(ini, "b", "k"), "b");
	ini_free(ini);
}

/* Keys before any section header belong to DEFAULT, as in the Go SDK. */
static void
test_ini_keys_before_section(void **state)
{
	struct ini *ini = parse_ok("host = h0\n[p]\nhost = h1\n[DEFAULT]\ntoken = t\n");

	(void)state;
	assert_int_equal(ini_section_count(ini), 2);
	assert_string_equal(ini_section_name(ini, 0), "DEFAULT");
	assert_string_equal(ini_get(ini, "DEFAULT", "host"), "h0");
	assert_string_equal(ini_get(ini, "DEFAULT", "token"), "t");
	assert_string_equal(ini_get(ini, "p", "host"), "h1");
	ini_free(ini);
}

static void
test_ini_crlf_bom(void **state)
{
	struct ini *ini = parse_ok("\xef\xbb\xbf[a]\r\nhost = h\r\n\r\ntoken = t ; c\r\nlast = x");

	(void)state;
	assert_int_equal(ini_section_count(ini), 1);
	assert_string_equal(ini_section_name(ini, 0), "a");
	assert_string_equal(ini_get(ini, "a", "host"), "h");
	assert_string_equal(ini_get(ini, "a", "token"), "t");
	assert_string_equal(ini_get(ini, "a", "last"), "x");
	ini_free(ini);
}

static void
test_ini_empty(void **state)
{
	struct ini *ini = parse_ok("");

	(void)state;
	assert_int_equal(ini_section_count(ini), 0);
	assert_null(ini_get(ini, "DEFAULT", "host"));
	assert_false(ini_has_section(ini, "DEFAULT"));
	ini_free(ini);
	ini = parse_ok("\n\n; only comments\n   \n");
	assert_int_equal(ini_section_count(ini), 0);
	ini_free(ini);
	assert_int_equal(ini_section_count(NULL), 0);
	assert_null(ini_get(NULL, "a", "b"));
	ini_free(NULL);
}

/* A line of exactly 8192 bytes is fine; one more byte is an error. */
static void
test_ini_long_lines(void **state)
{
	size_t n = 8192, vlen = n - 4;
	char *text = malloc(n + 32);
	struct ini *ini;

	(void)state;
	assert_non_null(text);
	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'v', vlen);
	strcpy(text + 8 + vlen, "\n");
	ini = parse_ok(text);
	assert_int_equal(strlen(ini_get(ini, "a", "k")), vlen);
	ini_free(ini);
	strcpy(text + 8 + vlen, "w\n");
	parse_fails(text, strlen(text), "t.cfg:2: line longer than 8192 bytes");
	free(text);
}

struct bad_case {
	const char *text;
	const char *message;
};

static void
test_ini_garbage(void **state)
{
	static const struct bad_case cases[] = {
		{ "[a]\nhost = h\njust words\n", "t.cfg:3: expected '[section]' or 'key = value'" },
		{ "[a\n", "t.cfg:1: unterminated section header (missing ']')" },
		{ "\n\n[a] x\n", "t.cfg:3: unexpected text after section header" },
		{ "[ ]\n", "t.cfg:1: empty section name" },
		{ "[]\n", "t.cfg:1: empty section name" },
		{ "[a]\n = v\n", "t.cfg:2: missing key before the separator" },
		{ "[a]\n: v\n", "t.cfg:2: missing key before the separator" },
		{ "[a ;x]\n", "t.cfg:1: unterminated section header (missing ']')" },
		{ "\r\n\r\n\r\ngarbage\r\n", "t.cfg:4: expected '[section]' or 'key = value'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		parse_fails(cases[i].text, strlen(cases[i].text), cases[i].message);
	parse_fails("[a]\nk = v\0w\n", 12, "t.cfg:2: NUL byte in line");
}

static void
test_ini_too_large(void **state)
{
	size_t n = 1024 * 1024 + 1;
	char *text = malloc(n);

	(void)state;
	assert_non_null(text);
	memset(text, '\n', n);
	parse_fails(text, n, "t.cfg: file larger than 1048576 bytes");
	free(text);
}

static void
test_ini_many_sections(void **state)
{
	char *text = malloc(4097 * 16);
	size_t i, off = 0;
	struct ini *ini;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 4096; i++)
		off += (size_t)sprintf(text + off, "[s%zu]\n", i);
	ini = parse_ok(text);
	assert_int_equal(ini_section_count(ini), 4096);
	assert_string_equal(ini_section_name(ini, 4095), "s4095");
	ini_free(ini);
	sprintf(text + off, "[s4096]\n");
	parse_fails(text, strlen(text), "t.cfg:4097: too many sections (limit 4096)");
	free(text);
}

/* Every key occurrence, in file order, with its line; repeats kept. */
static void
test_ini_key_lines(void **state)
{
	struct ini *ini = parse_ok(
	    "\xef\xbb\xbf# c\r\n"
	    "[a]\r\n"
	    "k = 1\r\n"
	    "\r\n"
	    "x : only ; comment\r\n"
	    "[b]\n"
	    "k = b\n"
	    "[ a ]\n"
	    "k = 2\n"
	    "k = 3\n");

	(void)state;
	assert_int_equal(ini_key_count(ini, "a"), 4);
	assert_string_equal(ini_key_name(ini, "a", 0), "k");
	assert_string_equal(ini_key_value(ini, "a", 0), "1");
	assert_int_equal(ini_key_line(ini, "a", 0), 3);
	assert_string_equal(ini_key_name(ini, "a", 1), "x");
	assert_string_equal(ini_key_value(ini, "a", 1), "only");
	assert_int_equal(ini_key_line(ini, "a", 1), 5);
	assert_string_equal(ini_key_value(ini, "a", 2), "2");
	assert_int_equal(ini_key_line(ini, "a", 2), 9);
	assert_string_equal(ini_key_name(ini, "a", 3), "k");
	assert_string_equal(ini_key_value(ini, "a", 3), "3");
	assert_int_equal(ini_key_line(ini, "a", 3), 10);
	/* ini_get gives the last occurrence. */
	assert_ptr_equal(ini_get(ini, "a", "k"), ini_key_value(ini, "a", 3));
	assert_int_equal(ini_key_count(ini, "b"), 1);
	assert_int_equal(ini_key_line(ini, "b", 0), 7);
	/* Out of range, unknown section, NULL. */
	assert_null(ini_key_name(ini, "a", 4));
	assert_null(ini_key_value(ini, "a", 4));
	assert_int_equal(ini_key_line(ini, "a", 4), 0);
	assert_int_equal(ini_key_count(ini, "c"), 0);
	assert_null(ini_key_name(ini, "c", 0));
	assert_int_equal(ini_key_line(ini, "c", 0), 0);
	assert_int_equal(ini_key_count(ini, NULL), 0);
	assert_int_equal(ini_key_count(NULL, "a"), 0);
	assert_null(ini_key_name(NULL, "a", 0));
	ini_free(ini);
}

/* A section's line is its first header; 0 for keys before any header. */
static void
test_ini_section_lines(void **state)
{
	struct ini *ini = parse_ok("host = h0\n\n[p]\nhost = h1\n[DEFAULT]\ntoken = t\n[p]\n");

	(void)state;
	assert_int_equal(ini_section_count(ini), 2);
	assert_string_equal(ini_section_name(ini, 0), "DEFAULT");
	assert_int_equal(ini_section_line(ini, 0), 5);
	assert_string_equal(ini_section_name(ini, 1), "p");
	assert_int_equal(ini_section_line(ini, 1), 3);
	assert_int_equal(ini_section_line(ini, 2), 0);
	/* Before its section's line: the key came before any header. */
	assert_int_equal(ini_key_line(ini, "DEFAULT", 0), 1);
	assert_int_equal(ini_key_line(ini, "DEFAULT", 1), 6);
	ini_free(ini);

	ini = parse_ok("a = 1\nb = 2\n");
	assert_int_equal(ini_section_line(ini, 0), 0);
	assert_int_equal(ini_key_count(ini, "DEFAULT"), 2);
	assert_int_equal(ini_key_line(ini, "DEFAULT", 1), 2);
	ini_free(ini);
	assert_int_equal(ini_section_line(NULL, 0), 0);
}

/* ---- config files on disk --------------------------------------------- */

static void
test_file_private(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = (char *)"unset";

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\n");
	status_clear(&err);
	assert_int_equal(ini_parse_file(cfgpath, &ini, &warning, &err), PATROL_OK);
	assert_null(warning);
	assert_string_equal(ini_get(ini, "DEFAULT", "host"), "h");
	ini_free(ini);
}

static void
test_file_readable_warns(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;
	char expect[512];
	mode_t modes[] = { 0644, 0640, 0604, 0660 };
	size_t i;

	(void)state;
	snprintf(expect, sizeof expect,
	    "%s is readable by other users; fix with: chmod 600 %s", cfgpath, cfgpath);
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		write_file(cfgpath, "[DEFAULT]\nhost = h\n", modes[i]);
		status_clear(&err);
		assert_int_equal(ini_parse_file(cfgpath, &ini, &warning, &err), PATROL_OK);
		assert_non_null(warning);
		assert_string_equal(warning, expect);
		assert_string_equal(ini_get(ini, "DEFAULT", "host"), "h");
		free(warning);
		ini_free(ini);
	}
}

static void
test_file_missing(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char path[256], expect[300];

	(void)state;
	snprintf(path, sizeof path, "%s/nope", dir);
	snprintf(expect, sizeof expect, "cannot open %s: No such file or directory", path);
	status_clear(&err);
	assert_int_equal(ini_parse_file(path, &ini, NULL, &err), PATROL_IO);
	assert_null(ini);
	assert_string_equal(err.message, expect);
}

/* A symbolic link of ours (dotfile managers) is followed; the file it
 * names passes the same checks as any other. */
static void
test_file_symlink_followed(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;
	char link[128], expect[600];

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\n");
	snprintf(link, sizeof link, "%s/link", dir);
	unlink(link);
	assert_int_equal(symlink(cfgpath, link), 0);
	status_clear(&err);
	assert_int_equal(ini_parse_file(link, &ini, &warning, &err), PATROL_OK);
	assert_null(warning);
	assert_string_equal(ini_get(ini, "DEFAULT", "host"), "h");
	ini_free(ini);
	/* the target's mode counts: readable by others warns */
	write_file(cfgpath, "[DEFAULT]\nhost = h\n", 0644);
	assert_int_equal(ini_parse_file(link, &ini, &warning, &err), PATROL_OK);
	snprintf(expect, sizeof expect,
	    "%s is readable by other users; fix with: chmod 600 %s", link, link);
	assert_non_null(warning);
	assert_string_equal(warning, expect);
	free(warning);
	ini_free(ini);
	/* writable by every user: refused, with the fix */
	write_file(cfgpath, "[DEFAULT]\nhost = h\n", 0602);
	assert_int_equal(ini_parse_file(link, &ini, &warning, &err), PATROL_CONFIG);
	assert_null(ini);
	assert_null(warning);
	snprintf(expect, sizeof expect, "%s is writable by every user (anyone could change "
	    "it); refusing to read it; fix with: chmod 600 %s", link, link);
	assert_string_equal(err.message, expect);
	/* a link to nothing is a missing file */
	unlink(cfgpath);
	assert_int_equal(ini_parse_file(link, &ini, &warning, &err), PATROL_IO);
	unlink(link);
}

static void
test_file_directory_refused(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char expect[300];

	(void)state;
	snprintf(expect, sizeof expect, "%s is not a regular file", dir);
	status_clear(&err);
	assert_int_equal(ini_parse_file(dir, &ini, NULL, &err), PATROL_CONFIG);
	assert_null(ini);
	assert_string_equal(err.message, expect);
}

/* Only root can give a file away; others skip. */
static void
test_file_other_owner_refused(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;
	char expect[300];

	(void)state;
	if (geteuid() != 0)
		skip();
	write_file(cfgpath, "[DEFAULT]\nhost = h\n", 0644);
	assert_int_equal(chown(cfgpath, 4242, 4242), 0);
	snprintf(expect, sizeof expect,
	    "%s is owned by another user (uid 4242); refusing to read it", cfgpath);
	status_clear(&err);
	assert_int_equal(ini_parse_file(cfgpath, &ini, &warning, &err), PATROL_CONFIG);
	assert_null(ini);
	assert_null(warning);
	assert_string_equal(err.message, expect);
	unlink(cfgpath);
}

static void
test_file_syntax_error_names_file(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char expect[300];

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\n\noops\n");
	snprintf(expect, sizeof expect, "%s:4: expected '[section]' or 'key = value'", cfgpath);
	status_clear(&err);
	assert_int_equal(ini_parse_file(cfgpath, &ini, NULL, &err), PATROL_CONFIG);
	assert_null(ini);
	assert_string_equal(err.message, expect);
}

/* Settings: warned when the group can write, not when others can read;
 * refused when every user can write (issue 14, finding 15). */
static void
test_file_settings_warns_on_write(void **state)
{
	static const struct { mode_t mode; int warns; } cases[] = {
		{ 0600, 0 }, { 0644, 0 }, { 0604, 0 }, { 0664, 1 }, { 0620, 1 }, { 0660, 1 },
	};
	static const mode_t refused[] = { 0622, 0602, 0666, 0606 };
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = (char *)"unset";
	bool missing = true;
	char expect[512];
	size_t i;

	(void)state;
	snprintf(expect, sizeof expect,
	    "%s is writable by other users; fix with: chmod go-w %s", cfgpath, cfgpath);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file(cfgpath, "[defaults]\njobs = 3\n", cases[i].mode);
		status_clear(&err);
		assert_int_equal(ini_parse_file_kind(cfgpath, INI_SETTINGS, &ini, &warning,
		    &missing, &err), PATROL_OK);
		assert_false(missing);
		assert_string_equal(ini_get(ini, "defaults", "jobs"), "3");
		assert_int_equal(ini_key_line(ini, "defaults", 0), 2);
		if (cases[i].warns) {
			assert_non_null(warning);
			assert_string_equal(warning, expect);
		} else
			assert_null(warning);
		free(warning);
		ini_free(ini);
	}
	snprintf(expect, sizeof expect, "%s is writable by every user (anyone could change it); "
	    "refusing to read it; fix with: chmod go-w %s", cfgpath, cfgpath);
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		write_file(cfgpath, "[defaults]\njobs = 3\n", refused[i]);
		status_clear(&err);
		assert_int_equal(ini_parse_file_kind(cfgpath, INI_SETTINGS, &ini, &warning,
		    &missing, &err), PATROL_CONFIG);
		assert_null(ini);
		assert_null(warning);
		assert_string_equal(err.message, expect);
	}
}

/* Secrets: warned when others can read, through either entry point. */
static void
test_file_secrets_kind(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;
	bool missing = true;
	char expect[512];

	(void)state;
	snprintf(expect, sizeof expect,
	    "%s is readable by other users; fix with: chmod 600 %s", cfgpath, cfgpath);
	write_file(cfgpath, "[DEFAULT]\nhost = h\n", 0640);
	status_clear(&err);
	assert_int_equal(ini_parse_file_kind(cfgpath, INI_SECRETS, &ini, &warning, &missing,
	    &err), PATROL_OK);
	assert_false(missing);
	assert_non_null(warning);
	assert_string_equal(warning, expect);
	free(warning);
	ini_free(ini);
	/* No warning wanted: NULL is fine. */
	assert_int_equal(ini_parse_file_kind(cfgpath, INI_SETTINGS, &ini, NULL, NULL, &err),
	    PATROL_OK);
	ini_free(ini);
}

/* A missing file: not an error for settings, PATROL_IO for secrets. */
static void
test_file_kind_missing(void **state)
{
	struct patrol_err err;
	struct ini *ini = (struct ini *)&err;
	char *warning = (char *)"unset";
	bool missing = false;
	char path[256], expect[300];

	(void)state;
	snprintf(path, sizeof path, "%s/nope", dir);
	status_clear(&err);
	assert_int_equal(ini_parse_file_kind(path, INI_SETTINGS, &ini, &warning, &missing,
	    &err), PATROL_OK);
	assert_true(missing);
	assert_null(ini);
	assert_null(warning);
	assert_string_equal(err.message, "");
	snprintf(path, sizeof path, "%s/nodir/config", dir);
	missing = false;
	assert_int_equal(ini_parse_file_kind(path, INI_SETTINGS, &ini, NULL, &missing, &err),
	    PATROL_OK);
	assert_true(missing);
	assert_null(ini);

	snprintf(path, sizeof path, "%s/nope", dir);
	snprintf(expect, sizeof expect, "cannot open %s: No such file or directory", path);
	missing = false;
	assert_int_equal(ini_parse_file_kind(path, INI_SECRETS, &ini, &warning, &missing,
	    &err), PATROL_IO);
	assert_true(missing);
	assert_null(ini);
	assert_string_equal(err.message, expect);
}

/* An error after the permission check drops the warning (the symbolic
 * link, directory and owner checks are shared with INI_SECRETS, above). */
static void
test_file_settings_error_drops_warning(void **state)
{
	struct patrol_err err;
	struct ini *ini = NULL;
	char *warning = NULL;
	bool missing = true;
	char expect[300];

	(void)state;
	write_file(cfgpath, "[defaults]\noops\n", 0664);
	snprintf(expect, sizeof expect, "%s:2: expected '[section]' or 'key = value'", cfgpath);
	status_clear(&err);
	assert_int_equal(ini_parse_file_kind(cfgpath, INI_SETTINGS, &ini, &warning, &missing,
	    &err), PATROL_CONFIG);
	assert_false(missing);
	assert_null(ini);
	assert_null(warning);
	assert_string_equal(err.message, expect);
}

/* ---- host normalization ----------------------------------------------- */

struct host_case {
	const char *in;
	const char *out;	/* NULL: an error */
	const char *message;	/* the error */
};

/* ---- proxies ---------------------------------------------------------- */

/* Whether libcurl itself takes url as a proxy: its parse_proxy reads it with
 * these flags and knows these schemes; a port 0 never connects. */
static bool
curl_takes_proxy(const char *url)
{
	static const char *const schemes[] = { "http", "https", "socks", "socks4", "socks4a",
		"socks5", "socks5h" };
	CURLU *u = curl_url();
	char *scheme = NULL, *port = NULL;
	bool ok = false;
	size_t i;

	assert_non_null(u);
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME | CURLU_GUESS_SCHEME) == 0 &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == 0) {
		for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
			ok |= strcasecmp(scheme, schemes[i]) == 0;
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) == 0 && strcmp(port, "0") == 0)
			ok = false;
	}
	curl_free(scheme);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* config_proxy_check agrees with libcurl on proxies that work and on
 * proxies that cannot, and never quotes the user, password or host. */
static void
test_proxy_check_like_libcurl(void **state)
{
	static const char *const urls[] = {
		"http://127.0.0.1:3128", "http://alice:S3CRET@127.0.0.1:3128", "proxy:3128",
		"127.0.0.1:3128", "myproxy", "HTTP://proxy:8080/", "https://proxy:443",
		"socks4://p:1080", "socks4a://p:1080", "socks5://p:1080", "socks5h://p:1080",
		"socks://p:1080", "http://proxy:", "http://[::1]:3128", "http://[fe80::1%25eth0]:1",
		"http://p_x.corp:1", "http://p%41:1", "http://alice@p:1", "http://p:1/path?q#f",
		"http:/p:1", "www.corp:3128", "http://p:065535", "http://p~x:1",
		"http://alice:S3CRET@127.0.0.1:99999", "ftp://alice:S3CRET@127.0.0.1:1",
		"http://alice:S3CRET@[::1:1", "http://p:0", "http://p:12a", "http://p:+1",
		"http://p:70000", "http://[]:1", "http://[zz]:1", "http://[::1]x",
		"http://alice:S3@CRET@p:1", "http://alice:S3/CRET@p:1", "http://", "http://:1",
		"http://alice:S3CRET@", "//p:1", "http://p$:1", "http://p,q:1", "http://a b:1",
		"ftp.corp:3128", "FTP.corp:3128", "dict.corp", "ldap.corp", "imap.corp",
		"smtp.corp", "pop3.corp", "gopher://p:1", "file:///tmp/x", "ftp:/p",
	};
	char why[160];
	size_t i;
	bool ours;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		why[0] = '\0';
		ours = config_proxy_check(urls[i], why, sizeof why);
		if (ours != curl_takes_proxy(urls[i]))
			fail_msg("%s: config_proxy_check says %s (%s), libcurl the opposite",
				 urls[i], ours ? "fine" : "refused", why);
		assert_true(ours || why[0] != '\0');
		assert_null(strstr(why, "S3"));
		assert_null(strstr(why, "alice"));
		assert_null(strstr(why, "127.0.0.1"));
	}
}

static void
test_normalize_host(void **state)
{
	static const struct host_case cases[] = {
		{ "dbc-1.cloud.databricks.com/", "https://dbc-1.cloud.databricks.com", NULL },
		{ "dbc-1.cloud.databricks.com", "https://dbc-1.cloud.databricks.com", NULL },
		{ "https://x:443/", "https://x", NULL },
		{ "https://x:443", "https://x", NULL },
		{ "https://x///", "https://x", NULL },
		{ "HTTPS://X", "https://x", NULL },
		{ "https://x:8443", "https://x:8443", NULL },
		{ "x:8443/", "https://x:8443", NULL },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080", NULL },
		{ "http://127.1.2.3:80/", "http://127.1.2.3", NULL },
		{ "http://localhost:1", "http://localhost:1", NULL },
		{ "HTTP://LocalHost:1/", "http://localhost:1", NULL },
		{ "http://[::1]:9", "http://[::1]:9", NULL },
		{ "https://[2001:db8::1]:443", "https://[2001:db8::1]", NULL },
		{ "https://adb-123.4.azuredatabricks.net", "https://adb-123.4.azuredatabricks.net", NULL },
		{ "http://example.com", NULL, "http:// is only allowed for loopback hosts; use https://" },
		{ "http://128.0.0.1", NULL, "http:// is only allowed for loopback hosts; use https://" },
		{ "http://localhost.example.com", NULL,
		    "http:// is only allowed for loopback hosts; use https://" },
		{ "ftp://x", NULL, "unsupported scheme 'ftp': use https://" },
		{ "https://x/path", NULL,
		    "host must not have a path ('/path'): give only the workspace URL" },
		{ "https://x/?o=1", NULL,
		    "host must not have a path ('/?o=1'): give only the workspace URL" },
		{ "https://x?o=1", NULL, "host must not have a query (?...)" },
		{ "https://x#f", NULL, "host must not have a fragment (#...)" },
		{ "https://u@x", NULL, "host must not contain a user name (user@host)" },
		{ "https://u:p@x", NULL, "host must not contain a user name (user@host)" },
		{ "https://x:99999", NULL, "bad port '99999' in host" },
		{ "https://x:0", NULL, "bad port '0' in host" },
		{ "https://x:", NULL, "bad port '' in host" },
		{ "https://x:12a", NULL, "bad port '12a' in host" },
		{ "https://x:1:2", NULL, "bad port '1:2' in host" },
		{ "", NULL, "empty host" },
		{ "https://", NULL, "empty host" },
		{ "https:///", NULL, "empty host" },
		{ "https://:443", NULL, "empty host" },
		{ "https://x y", NULL, "host contains a space or a control character" },
		{ "https://x\r\nEvil: 1", NULL, "host contains a space or a control character" },
		{ "https://x\x7f", NULL, "host contains a space or a control character" },
		{ "https://x%41", NULL, "invalid character in host 'x%41'" },
		{ "https://[::1", NULL, "invalid IPv6 address in host" },
		{ "https://[zz]", NULL, "invalid IPv6 address '[zz]'" },
		{ "https://[::1]x", NULL, "invalid IPv6 address in host" },
	};
	struct patrol_err err;
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		status_clear(&err);
		out = (char *)"unset";
		if (cases[i].out != NULL) {
			assert_int_equal(config_normalize_host(cases[i].in, &out, &err), PATROL_OK);
			assert_string_equal(out, cases[i].out);
			free(out);
			continue;
		}
		assert_int_equal(config_normalize_host(cases[i].in, &out, &err), PATROL_CONFIG);
		assert_null(out);
		assert_string_equal(err.message, cases[i].message);
	}
}

static void
test_host_is_loopback(void **state)
{
	static const struct { const char *url; bool loopback; } cases[] = {
		{ "http://127.0.0.1:8080", true },
		{ "http://127.255.0.9", true },
		{ "http://localhost", true },
		{ "http://localhost:1", true },
		{ "http://[::1]:9", true },
		{ "https://[::1]", true },
		{ "http://[::2]", false },
		{ "https://x", false },
		{ "https://126.0.0.1", false },
		{ "https://127.0.0", false },
		{ "https://localhostx", false },
		{ "x", false },
		{ NULL, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(config_host_is_loopback(cases[i].url), cases[i].loopback);
}

/* ---- resolution ------------------------------------------------------- */

/* A fake environment: HOME is the test directory, plus up to 10 pairs. */
struct fake_env {
	struct env_var v[12];
	size_t n;
};

static void
env_init(struct fake_env *e)
{
	memset(e, 0, sizeof *e);
	e->v[0].name = "HOME";
	e->v[0].value = dir;
	e->n = 1;
}

/* Keep the first n variables. */
static void
env_truncate(struct fake_env *e, size_t n)
{
	memset(&e->v[n], 0, (e->n - n) * sizeof e->v[0]);
	e->n = n;
}

/* Set name (replacing an earlier value). */
static void
env_set(struct fake_env *e, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].name, name) == 0) {
			e->v[i].value = value;
			return;
		}
	}
	assert_true(e->n < 11);
	e->v[e->n].name = name;
	e->v[e->n].value = value;
	e->n++;
}

static enum patrol_status
resolve(const struct config_flags *flags, struct fake_env *e, struct config *c,
	struct patrol_err *err)
{
	status_clear(err);
	return config_resolve(flags, fake_getenv, e->v, c, err);
}

/* Copy tmpl into dst with each "FILE" replaced by the config file path. */
static void
expand(char *dst, size_t n, const char *tmpl)
{
	const char *f;
	size_t len = 0;

	dst[0] = '\0';
	while ((f = strstr(tmpl, "FILE")) != NULL) {
		len += (size_t)snprintf(dst + len, n - len, "%.*s%s", (int)(f - tmpl),
		    tmpl, cfgpath);
		assert_true(len < n);
		tmpl = f + 4;
	}
	snprintf(dst + len, n - len, "%s", tmpl);
}

/* Resolve expecting an error with message tmpl (FILE: the config file). */
static void
resolve_fails(const struct config_flags *flags, struct fake_env *e, const char *tmpl)
{
	struct patrol_err err;
	struct config c;
	char expect[512];

	expand(expect, sizeof expect, tmpl);
	assert_int_equal(resolve(flags, e, &c, &err), PATROL_CONFIG);
	assert_int_equal(err.status, PATROL_CONFIG);
	assert_string_equal(err.message, expect);
	assert_null(c.host);
	assert_null(c.token);
	assert_null(c.config_file);
}

static void
expect_source(const struct config *c, const char *profile)
{
	char expect[256];

	snprintf(expect, sizeof expect, "%s [%s]", cfgpath, profile);
	assert_string_equal(c->host_source, expect);
}

static const char three_profiles[] =
    "[DEFAULT]\n"
    "host = https://default.example.com\n"
    "token = dapi-default\n"
    "account_id = acc-default\n"
    "[prod]\n"
    "host = https://prod.example.com/\n"
    "token = dapi-prod\n"
    "client_id = cid-prod\n"
    "client_secret = sec-prod\n"
    "account_id = acc-prod\n"
    "workspace_id = 111\n"
    "[m2m]\n"
    "host = prod2.example.com\n"
    "client_id = cid-m2m\n"
    "client_secret = sec-m2m\n";

static void
test_resolve_default_profile(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://default.example.com");
	assert_int_equal(c.auth, AUTH_PAT);
	assert_string_equal(c.token, "dapi-default");
	assert_string_equal(c.account_id, "acc-default");
	assert_null(c.client_id);
	assert_null(c.client_secret);
	assert_null(c.workspace_id);
	assert_null(c.ca_file);
	assert_string_equal(c.profile, "DEFAULT");
	assert_string_equal(c.config_file, cfgpath);
	assert_true(c.file_used);
	expect_source(&c, "DEFAULT");
	assert_null(c.warning);
	config_free(&c);
	assert_null(c.host);
}

static void
test_resolve_flag_profile(void **state)
{
	struct config_flags f = { .profile = "prod" };
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "m2m");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://prod.example.com");
	assert_int_equal(c.auth, AUTH_PAT);
	assert_string_equal(c.token, "dapi-prod");
	assert_string_equal(c.client_id, "cid-prod");
	assert_null(c.client_secret);	/* PAT: the unused secret is not kept */
	assert_string_equal(c.account_id, "acc-prod");
	assert_string_equal(c.workspace_id, "111");
	assert_string_equal(c.profile, "prod");
	expect_source(&c, "prod");
	config_free(&c);
}

static void
test_resolve_env_profile(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "m2m");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://prod2.example.com");
	assert_int_equal(c.auth, AUTH_OAUTH_M2M);
	assert_null(c.token);
	assert_string_equal(c.client_id, "cid-m2m");
	assert_string_equal(c.client_secret, "sec-m2m");
	assert_null(c.account_id);	/* no inheritance from DEFAULT */
	assert_string_equal(c.profile, "m2m");
	config_free(&c);
}

static void
test_resolve_settings_default_profile(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;
	char text[1024];

	(void)state;
	snprintf(text, sizeof text, "[__settings__]\ndefault_profile = prod\n%s", three_profiles);
	write_cfg(text);
	env_init(&e);
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://prod.example.com");
	assert_string_equal(c.token, "dapi-prod");
	assert_string_equal(c.profile, "prod");
	config_free(&c);

	/* A named profile wins over default_profile. */
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "DEFAULT");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://default.example.com");
	config_free(&c);

	/* default_profile naming a missing profile is an error. */
	write_cfg("[__settings__]\ndefault_profile = gone\n[DEFAULT]\nhost = h\ntoken = t\n");
	env_init(&e);
	resolve_fails(NULL, &e, "profile 'gone' not found in FILE; profiles there: DEFAULT");
}

/* A file named dir/NAME, for CA options that must exist. */
static const char *
ca_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
	write_file(buf, "-----BEGIN CERTIFICATE-----\nnot checked further\n", 0600);
	return buf;
}

/* Per attribute: a flag beats the environment, which beats the file. */
static void
test_resolve_precedence(void **state)
{
	char token[] = "dapi-flag";
	char flagca[128], ssl[128], req[128], curl[128];
	struct config_flags f = { .host = "https://flag.example.com", .token = token,
	    .ca_file = ca_path(flagca, sizeof flagca, "flag.pem") };
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_HOST", "https://env.example.com");
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "prod");
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	env_set(&e, "DATABRICKS_CLIENT_ID", "cid-env");
	env_set(&e, "DATABRICKS_ACCOUNT_ID", "acc-env");
	env_set(&e, "DATABRICKS_WORKSPACE_ID", "222");
	env_set(&e, "SSL_CERT_FILE", ca_path(ssl, sizeof ssl, "ssl.pem"));
	env_set(&e, "REQUESTS_CA_BUNDLE", ca_path(req, sizeof req, "requests.pem"));
	env_set(&e, "CURL_CA_BUNDLE", ca_path(curl, sizeof curl, "curl.pem"));
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://flag.example.com");
	assert_string_equal(c.host_source, "--host");
	assert_string_equal(c.token, "dapi-flag");
	assert_string_equal(c.client_id, "cid-env");
	assert_string_equal(c.account_id, "acc-env");
	assert_string_equal(c.workspace_id, "222");
	assert_string_equal(c.ca_file, flagca);
	assert_true(c.file_used);	/* client_secret came from the file (unused: PAT) */
	assert_null(c.client_secret);
	assert_string_equal(c.profile, "prod");
	assert_null(c.note);		/* no -p: nothing ignored */
	config_free(&c);

	/* The CA variables, in their documented order. */
	f.host = NULL;
	f.token = NULL;
	f.ca_file = NULL;
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://env.example.com");
	assert_string_equal(c.host_source, "DATABRICKS_HOST");
	assert_string_equal(c.token, "dapi-env");
	assert_string_equal(c.ca_file, req);
	assert_non_null(strstr(c.ca_source, "trusting the CAs of REQUESTS_CA_BUNDLE="));
	assert_non_null(strstr(c.ca_source, "; set but not used: CURL_CA_BUNDLE, SSL_CERT_FILE"));
	config_free(&c);
	env_set(&e, "REQUESTS_CA_BUNDLE", "");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.ca_file, curl);
	config_free(&c);
	env_set(&e, "CURL_CA_BUNDLE", "");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.ca_file, ssl);
	assert_non_null(strstr(c.ca_source, "trusting the CAs of SSL_CERT_FILE="));
	assert_null(strstr(c.ca_source, "not used"));
	config_free(&c);

	env_truncate(&e, 3);	/* keep HOME, DATABRICKS_HOST, DATABRICKS_CONFIG_PROFILE */
	env_set(&e, "CURL_CA_BUNDLE", curl);
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://env.example.com");
	assert_string_equal(c.token, "dapi-prod");
	assert_string_equal(c.client_id, "cid-prod");
	assert_string_equal(c.account_id, "acc-prod");
	assert_string_equal(c.workspace_id, "111");
	assert_string_equal(c.ca_file, curl);
	assert_true(c.file_used);
	config_free(&c);

	/* A CA file that cannot be read is an error naming where it came from. */
	env_set(&e, "CURL_CA_BUNDLE", "/nonexistent/ca.pem");
	resolve_fails(&f, &e, "CA file /nonexistent/ca.pem from CURL_CA_BUNDLE: No such file or "
	    "directory");
}

/* An explicit -p wins over the workspace's host and credentials in the
 * environment (databricks/cli#1194), and says which it ignored; flags
 * still win, and other variables still fill in. */
static void
test_resolve_explicit_profile_wins(void **state)
{
	struct config_flags f = { .profile = "prod" };
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_HOST", "https://env.example.com");
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	env_set(&e, "DATABRICKS_ACCOUNT_ID", "acc-env");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://prod.example.com");
	assert_string_equal(c.token, "dapi-prod");
	assert_string_equal(c.account_id, "acc-env");
	assert_string_equal(c.note, "note: ignoring DATABRICKS_HOST, DATABRICKS_TOKEN "
	    "from the environment (a profile named by -p or --all-profiles wins)");
	expect_source(&c, "prod");
	config_free(&c);

	/* a flag is not the environment: it wins, and nothing is said of it */
	f.host = "https://flag.example.com";
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://flag.example.com");
	assert_string_equal(c.note, "note: ignoring DATABRICKS_TOKEN "
	    "from the environment (a profile named by -p or --all-profiles wins)");
	config_free(&c);

	/* DATABRICKS_CONFIG_PROFILE names a profile the SDK way: the env wins */
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "prod");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://env.example.com");
	assert_string_equal(c.token, "dapi-env");
	assert_null(c.note);
	config_free(&c);
}

/* An env token with the host from a named profile. */
static void
test_resolve_env_token_file_host(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "prod");
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://prod.example.com");
	expect_source(&c, "prod");
	assert_string_equal(c.token, "dapi-env");
	assert_true(c.file_used);
	config_free(&c);
}

/* No profile named and the env gives a host: the file is not read. */
static void
test_resolve_file_skipped(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_HOST", "https://env.example.com");
	resolve_fails(NULL, &e, "no credentials: set DATABRICKS_TOKEN, use --token-stdin, "
	    "or add token to [DEFAULT] in FILE (or sign in with the Databricks CLI: databricks auth login --host https://env.example.com)");

	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://env.example.com");
	assert_string_equal(c.token, "dapi-env");
	assert_null(c.account_id);
	assert_null(c.profile);
	assert_false(c.file_used);
	assert_string_equal(c.config_file, cfgpath);
	config_free(&c);

	/* A credential alone (no host) also skips the file. */
	env_init(&e);
	env_set(&e, "DATABRICKS_CLIENT_ID", "cid");
	resolve_fails(NULL, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [DEFAULT] in FILE");
}

/* A named profile is read even when the env gives a host. */
static void
test_resolve_file_used_when_named(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	env_set(&e, "DATABRICKS_HOST", "https://env.example.com");
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "prod");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://env.example.com");
	assert_string_equal(c.token, "dapi-prod");
	assert_true(c.file_used);
	config_free(&c);
}

static void
test_resolve_missing_profile(void **state)
{
	struct config_flags f = { .profile = "nope" };
	struct fake_env e;

	(void)state;
	write_cfg(three_profiles);
	env_init(&e);
	resolve_fails(&f, &e, "profile 'nope' not found in FILE; profiles there: DEFAULT, prod, m2m");
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "staging");
	resolve_fails(NULL, &e, "profile 'staging' not found in FILE; profiles there: DEFAULT, prod, "
	    "m2m");
	/* Names are case-sensitive. */
	f.profile = "PROD";
	resolve_fails(&f, &e, "profile 'PROD' not found in FILE; profiles there: DEFAULT, prod, m2m");
}

static void
test_resolve_missing_file(void **state)
{
	struct config_flags f = { .profile = "prod" };
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	unlink(cfgpath);
	env_init(&e);
	resolve_fails(&f, &e, "profile 'prod' not found: FILE does not exist");

	/* Unnamed: not an error by itself. */
	resolve_fails(NULL, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [DEFAULT] in FILE");
	f.profile = NULL;
	f.host = "127.0.0.1:1";
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://127.0.0.1:1");
	assert_false(c.file_used);
	config_free(&c);
}

/* An unnamed DEFAULT that does not exist is not an error by itself. */
static void
test_resolve_no_default_section(void **state)
{
	struct config_flags f = { .host = "https://flag.example.com" };
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg("[prod]\nhost = h\ntoken = t\n");
	env_init(&e);
	resolve_fails(NULL, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [DEFAULT] in FILE");
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	assert_int_equal(resolve(&f, &e, &c, &err), PATROL_OK);
	assert_null(c.profile);
	config_free(&c);
}

static void
test_resolve_no_inheritance(void **state)
{
	struct config_flags f = { .profile = "bare" };
	struct fake_env e;

	(void)state;
	write_cfg("[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n[bare]\nhost = b\n");
	env_init(&e);
	resolve_fails(&f, &e, "no credentials in profile [bare] of FILE: add token (or "
	    "client_id and client_secret) to it, use --token-stdin, or sign in with the "
	    "Databricks CLI: databricks auth login --profile bare");
	/* -p: the environment's token is no help, and the message says so */
	env_set(&e, "DATABRICKS_TOKEN", "dapi-env");
	resolve_fails(&f, &e, "no credentials in profile [bare] of FILE: add token (or "
	    "client_id and client_secret) to it, use --token-stdin, or sign in with the "
	    "Databricks CLI: databricks auth login --profile bare; not used for a named "
	    "profile: DATABRICKS_TOKEN from the environment");
	env_init(&e);
	write_cfg("[DEFAULT]\nhost = https://d.example.com\ntoken = dapi-d\n[bare]\ntoken = b\n");
	resolve_fails(&f, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [bare] in FILE");
}

static void
test_resolve_no_host(void **state)
{
	struct config_flags f = { .profile = "p" };
	struct fake_env e;

	(void)state;
	write_cfg("[p]\ntoken = dapi\nhost =\n");
	env_init(&e);
	resolve_fails(&f, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [p] in FILE");
	/* An empty env value counts as unset. */
	env_set(&e, "DATABRICKS_HOST", "");
	resolve_fails(&f, &e, "no workspace host: set DATABRICKS_HOST, pass --host, "
	    "or add host to [p] in FILE");
}

static void
test_resolve_no_credentials(void **state)
{
	struct fake_env e;

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\naccount_id = a\ntoken =\n");
	env_init(&e);
	resolve_fails(NULL, &e, "no credentials: set DATABRICKS_TOKEN, use --token-stdin, "
	    "or add token to [DEFAULT] in FILE (or sign in with the Databricks CLI: databricks auth login --host https://h)");
	env_set(&e, "DATABRICKS_TOKEN", "");
	resolve_fails(NULL, &e, "no credentials: set DATABRICKS_TOKEN, use --token-stdin, "
	    "or add token to [DEFAULT] in FILE (or sign in with the Databricks CLI: databricks auth login --host https://h)");
}

static void
test_resolve_oauth_m2m(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\ntoken = dapi-file\n");
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "DEFAULT");
	env_set(&e, "DATABRICKS_AUTH_TYPE", "oauth-m2m");
	env_set(&e, "DATABRICKS_CLIENT_ID", "cid");
	env_set(&e, "DATABRICKS_CLIENT_SECRET", "sec");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_int_equal(c.auth, AUTH_OAUTH_M2M);
	assert_string_equal(c.client_id, "cid");
	assert_string_equal(c.client_secret, "sec");
	assert_null(c.token);	/* M2M: the unused token is not kept */
	config_free(&c);
}

static void
test_resolve_oauth_m2m_incomplete(void **state)
{
	struct fake_env e;

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\ntoken = dapi-file\n");
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "DEFAULT");
	env_set(&e, "DATABRICKS_AUTH_TYPE", "oauth-m2m");
	resolve_fails(NULL, &e, "auth_type is oauth-m2m but client_id is missing: set "
	    "DATABRICKS_CLIENT_ID, or add client_id to [DEFAULT] in FILE");
	env_set(&e, "DATABRICKS_CLIENT_ID", "cid");
	resolve_fails(NULL, &e, "auth_type is oauth-m2m but client_secret is missing: set "
	    "DATABRICKS_CLIENT_SECRET, or add client_secret to [DEFAULT] in FILE");

	/* Without auth_type, half an M2M pair says which half is missing. */
	write_cfg("[DEFAULT]\nhost = h\nclient_secret = s\n");
	env_init(&e);
	resolve_fails(NULL, &e, "client_secret is set but client_id is missing: set "
	    "DATABRICKS_CLIENT_ID, or add client_id to [DEFAULT] in FILE");
	write_cfg("[DEFAULT]\nhost = h\nclient_id = c\n");
	resolve_fails(NULL, &e, "client_id is set but client_secret is missing: set "
	    "DATABRICKS_CLIENT_SECRET, or add client_secret to [DEFAULT] in FILE");
}

static void
test_resolve_auth_type_pat(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\nauth_type = pat\nclient_id = c\nclient_secret = s\n");
	env_init(&e);
	resolve_fails(NULL, &e, "auth_type is pat but token is missing: set DATABRICKS_TOKEN, "
	    "use --token-stdin, or add token to [DEFAULT] in FILE");
	write_cfg("[DEFAULT]\nhost = h\nauth_type = pat\nclient_id = c\nclient_secret = s\n"
	    "token = dapi\n");
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_int_equal(c.auth, AUTH_PAT);
	assert_string_equal(c.token, "dapi");
	assert_null(c.client_secret);
	config_free(&c);
}

static void
test_resolve_unknown_auth_type(void **state)
{
	struct fake_env e;

	(void)state;
	write_cfg("[DEFAULT]\nhost = h\ntoken = t\nauth_type = azure-msi\n");
	env_init(&e);
	resolve_fails(NULL, &e, "unknown auth_type 'azure-msi' from FILE [DEFAULT]: "
	    "use pat, oauth-m2m, env-oidc, file-oidc, databricks-cli, azure-client-secret, "
	    "azure-cli");
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "DEFAULT");
	env_set(&e, "DATABRICKS_AUTH_TYPE", "PAT");
	resolve_fails(NULL, &e, "unknown auth_type 'PAT' from DATABRICKS_AUTH_TYPE: "
	    "use pat, oauth-m2m, env-oidc, file-oidc, databricks-cli, azure-client-secret, "
	    "azure-cli");
}

static void
test_resolve_bad_host(void **state)
{
	struct config_flags f = { .host = "http://example.com" };
	struct fake_env e;

	(void)state;
	write_cfg("[DEFAULT]\nhost = https://x/api\ntoken = t\n");
	env_init(&e);
	resolve_fails(NULL, &e, "host from FILE [DEFAULT]: host must not have a path ('/api'): "
	    "give only the workspace URL");
	env_set(&e, "DATABRICKS_TOKEN", "t");
	resolve_fails(&f, &e, "host from --host: http:// is only allowed for loopback hosts; "
	    "use https://");
}

static void
test_resolve_control_chars(void **state)
{
	char token[] = "dapi\r\nX-Evil: 1";
	struct config_flags f = { .host = "https://h", .token = token };
	struct fake_env e;

	(void)state;
	unlink(cfgpath);
	env_init(&e);
	resolve_fails(&f, &e, "token from --token-stdin contains a control character");
	f.token = NULL;
	env_set(&e, "DATABRICKS_TOKEN", "t");
	env_set(&e, "DATABRICKS_CLIENT_ID", "c\tid");
	resolve_fails(&f, &e, "client_id from DATABRICKS_CLIENT_ID contains a control character");
	write_cfg("[p]\nhost = h\nclient_id = c\nclient_secret = s\x1b[0m\n");
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_PROFILE", "p");
	resolve_fails(NULL, &e, "client_secret from FILE [p] contains a control character");
}

static void
test_resolve_config_file_env(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;
	char path[256], rel[64];

	(void)state;
	snprintf(path, sizeof path, "%s/other.cfg", dir);
	write_file(path, "[DEFAULT]\nhost = other.example.com\ntoken = t\n", 0600);
	env_init(&e);
	env_set(&e, "DATABRICKS_CONFIG_FILE", path);
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.host, "https://other.example.com");
	assert_string_equal(c.config_file, path);
	config_free(&c);

	env_init(&e);
	strcpy(rel, "~/other.cfg");
	env_set(&e, "DATABRICKS_CONFIG_FILE", rel);
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.config_file, path);
	assert_string_equal(c.host, "https://other.example.com");
	config_free(&c);
	unlink(path);
}

/* Without HOME, "~/.databrickscfg" cannot be found: like a missing file. */
static void
test_resolve_no_home(void **state)
{
	struct env_var env[] = {
		{ "DATABRICKS_CONFIG_PROFILE", "p" },
		{ NULL, NULL },
	};
	struct patrol_err err;
	struct config c;

	(void)state;
	assert_int_equal(config_resolve(NULL, fake_getenv, env, &c, &err), PATROL_CONFIG);
	assert_string_equal(err.message,
	    "profile 'p' not found: ~/.databrickscfg does not exist");
}

static void
test_resolve_file_errors(void **state)
{
	struct fake_env e;
	struct patrol_err err;
	struct config c;
	char expect[512];

	(void)state;
	write_file(cfgpath, "[DEFAULT]\nhost = h\ntoken = t\n", 0644);
	env_init(&e);
	snprintf(expect, sizeof expect,
	    "%s is readable by other users; fix with: chmod 600 %s", cfgpath, cfgpath);
	assert_int_equal(resolve(NULL, &e, &c, &err), PATROL_OK);
	assert_string_equal(c.warning, expect);
	assert_string_equal(c.host, "https://h");
	config_free(&c);

	write_cfg("[DEFAULT]\nhost = h\n[broken\n");
	resolve_fails(NULL, &e, "FILE:3: unterminated section header (missing ']')");
}

/* ---- the real environment --------------------------------------------- */

static void
test_scrub_environ(void **state)
{
	const char *names[] = { "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET" };
	char *mem[2];
	size_t len[2], i, j;

	(void)state;
	assert_int_equal(setenv("DATABRICKS_TOKEN", "dapi0123456789abcdef", 1), 0);
	assert_int_equal(setenv("DATABRICKS_CLIENT_SECRET", "s3cr3t-value", 1), 0);
	assert_int_equal(setenv("DATABRICKS_HOST", "https://keep.example.com", 1), 0);
	for (i = 0; i < 2; i++) {
		mem[i] = getenv(names[i]);
		assert_non_null(mem[i]);
		len[i] = strlen(mem[i]);
	}
	assert_string_equal(config_getenv_real("DATABRICKS_TOKEN", NULL), "dapi0123456789abcdef");
	config_scrub_environ();
	for (i = 0; i < 2; i++) {
		assert_null(getenv(names[i]));
		for (j = 0; j < len[i]; j++)
			assert_int_equal(mem[i][j], 0);
	}
	assert_string_equal(getenv("DATABRICKS_HOST"), "https://keep.example.com");
	config_scrub_environ();
	assert_null(config_getenv_real("DATABRICKS_TOKEN", NULL));
	unsetenv("DATABRICKS_HOST");
}

/* The token patrol uses: the SHA-256 of a PAT (its token_id), else none. */
static void
test_self_id(void **state)
{
	struct config c;
	char id[65];

	(void)state;
	memset(&c, 0, sizeof c);
	c.auth = AUTH_PAT;
	c.token = (char []){ "abc" };
	config_self_id(&c, id);
	assert_string_equal(id, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	c.auth = AUTH_OAUTH_M2M;
	config_self_id(&c, id);
	assert_string_equal(id, "");
	c.auth = AUTH_PAT;
	c.token = NULL;
	config_self_id(&c, id);
	assert_string_equal(id, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_basic),
		cmocka_unit_test(test_ini_inline_comments),
		cmocka_unit_test(test_ini_duplicates),
		cmocka_unit_test(test_ini_quotes_and_key_case),
		cmocka_unit_test(test_file_dev_null),
		cmocka_unit_test(test_ini_keys_before_section),
		cmocka_unit_test(test_ini_crlf_bom),
		cmocka_unit_test(test_ini_empty),
		cmocka_unit_test(test_ini_long_lines),
		cmocka_unit_test(test_ini_garbage),
		cmocka_unit_test(test_ini_too_large),
		cmocka_unit_test(test_ini_many_sections),
		cmocka_unit_test(test_ini_key_lines),
		cmocka_unit_test(test_ini_section_lines),
		cmocka_unit_test(test_file_private),
		cmocka_unit_test(test_file_readable_warns),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_file_symlink_followed),
		cmocka_unit_test(test_file_directory_refused),
		cmocka_unit_test(test_file_other_owner_refused),
		cmocka_unit_test(test_file_syntax_error_names_file),
		cmocka_unit_test(test_file_settings_warns_on_write),
		cmocka_unit_test(test_file_secrets_kind),
		cmocka_unit_test(test_file_kind_missing),
		cmocka_unit_test(test_file_settings_error_drops_warning),
		cmocka_unit_test(test_proxy_check_like_libcurl),
		cmocka_unit_test(test_normalize_host),
		cmocka_unit_test(test_host_is_loopback),
		cmocka_unit_test(test_resolve_default_profile),
		cmocka_unit_test(test_resolve_flag_profile),
		cmocka_unit_test(test_resolve_env_profile),
		cmocka_unit_test(test_resolve_settings_default_profile),
		cmocka_unit_test(test_resolve_precedence),
		cmocka_unit_test(test_resolve_explicit_profile_wins),
		cmocka_unit_test(test_resolve_env_token_file_host),
		cmocka_unit_test(test_resolve_file_skipped),
		cmocka_unit_test(test_resolve_file_used_when_named),
		cmocka_unit_test(test_resolve_missing_profile),
		cmocka_unit_test(test_resolve_missing_file),
		cmocka_unit_test(test_resolve_no_default_section),
		cmocka_unit_test(test_resolve_no_inheritance),
		cmocka_unit_test(test_resolve_no_host),
		cmocka_unit_test(test_resolve_no_credentials),
		cmocka_unit_test(test_resolve_oauth_m2m),
		cmocka_unit_test(test_resolve_oauth_m2m_incomplete),
		cmocka_unit_test(test_resolve_auth_type_pat),
		cmocka_unit_test(test_resolve_unknown_auth_type),
		cmocka_unit_test(test_resolve_bad_host),
		cmocka_unit_test(test_resolve_control_chars),
		cmocka_unit_test(test_resolve_config_file_env),
		cmocka_unit_test(test_resolve_no_home),
		cmocka_unit_test(test_resolve_file_errors),
		cmocka_unit_test(test_scrub_environ),
		cmocka_unit_test(test_self_id),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
