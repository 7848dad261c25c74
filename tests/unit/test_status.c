/*
 * test_status.c: status names, messages and exit codes, and struct patrol_err.
 *
 * The expected table below is written out by hand, not generated from
 * PATROL_STATUS_INFO, so a changed exit code or name (both are documented
 * interfaces: patrol.1 and the JSON output) fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

#define UNUSED __attribute__((unused))

struct expect {
	enum patrol_status st;
	const char *name;
	const char *message;
	int exit_code;
};

static const struct expect expected[] = {
	{ PATROL_OK, "ok", "ok", 0 },
	{ PATROL_DRY_RUN, "dry_run", "not sent (dry run)", 0 },
	{ PATROL_NOMEM, "nomem", "out of memory", 1 },
	{ PATROL_USAGE, "usage", "usage error", 2 },
	{ PATROL_CONFIG, "config", "configuration error", 2 },
	{ PATROL_IO, "io", "file error", 2 },
	{ PATROL_READ_ONLY, "read_only", "refused: read-only mode", 2 },
	{ PATROL_UNAUTHENTICATED, "unauthenticated", "authentication failed", 3 },
	{ PATROL_PERMISSION, "permission", "permission denied", 3 },
	{ PATROL_NOT_FOUND, "not_found", "not found", 1 },
	{ PATROL_INVALID, "invalid", "invalid request", 1 },
	{ PATROL_QUOTA, "quota", "token quota exceeded", 1 },
	{ PATROL_CONFLICT, "conflict", "already exists", 1 },
	{ PATROL_DISABLED, "disabled", "tokens are disabled in this workspace", 1 },
	{ PATROL_FAILED, "failed", "operation failed", 1 },
	{ PATROL_CANCELLED, "cancelled", "cancelled", 1 },
	{ PATROL_THROTTLED, "throttled", "rate limited by the workspace", 4 },
	{ PATROL_SERVER, "server", "server error", 4 },
	{ PATROL_NETWORK, "network", "network error", 4 },
	{ PATROL_TIMEOUT, "timeout", "timed out", 4 },
	{ PATROL_PROTOCOL, "protocol", "malformed response from the server", 4 },
	{ PATROL_TOO_LARGE, "too_large", "response too large", 4 },
	{ PATROL_REDIRECT, "redirect", "unexpected redirect", 4 },
	{ PATROL_PRIVATE_LINK, "private_link",
	    "network path not allowed (Private Link)", 4 },
	{ PATROL_TLS, "tls", "TLS certificate not accepted", 4 },
	{ PATROL_UNKNOWN_OUTCOME, "unknown_outcome",
	    "outcome unknown: the request may have been processed", 4 },
	{ PATROL_OUTPUT, "output", "cannot write the output", 5 },
};

#define N_EXPECTED (sizeof expected / sizeof expected[0])

static void
test_table_complete(void **state UNUSED)
{
	size_t i;

	assert_int_equal(N_EXPECTED, PATROL_STATUS_COUNT);
	for (i = 0; i < N_EXPECTED; i++)
		assert_int_equal(expected[i].st, i);
}

static void
test_every_status(void **state UNUSED)
{
	size_t i;

	for (i = 0; i < N_EXPECTED; i++) {
		assert_string_equal(status_name(expected[i].st), expected[i].name);
		assert_string_equal(status_message(expected[i].st),
		    expected[i].message);
		assert_int_equal(status_exit_code(expected[i].st),
		    expected[i].exit_code);
	}
}

/* JSON names are stable keys: lower case, digits and '_', all different. */
static void
test_names_are_keys(void **state UNUSED)
{
	const char *a, *p;
	size_t i, j;

	for (i = 0; i < PATROL_STATUS_COUNT; i++) {
		a = status_name((enum patrol_status)i);
		assert_true(a[0] != '\0');
		for (p = a; *p != '\0'; p++)
			assert_true(islower((unsigned char)*p) || *p == '_');
		for (j = i + 1; j < PATROL_STATUS_COUNT; j++)
			assert_string_not_equal(a,
			    status_name((enum patrol_status)j));
	}
}

static void
test_out_of_range(void **state UNUSED)
{
	enum patrol_status bad = (enum patrol_status)PATROL_STATUS_COUNT;

	assert_non_null(status_message(bad));
	assert_string_equal(status_name(bad), "failed");
	assert_int_equal(status_exit_code(bad), 1);
	assert_string_equal(status_name((enum patrol_status)1000), "failed");
}

static void
test_set_formats(void **state UNUSED)
{
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(status_set(&err, PATROL_NOT_FOUND, "token %s: %d",
	    "abc", 42), PATROL_NOT_FOUND);
	assert_int_equal(err.status, PATROL_NOT_FOUND);
	assert_string_equal(err.message, "token abc: 42");
	assert_int_equal(status_set(&err, PATROL_QUOTA, "%s", ""), PATROL_QUOTA);
	assert_int_equal(err.status, PATROL_QUOTA);
	assert_string_equal(err.message, "");
	assert_int_equal(status_set(&err, PATROL_IO, "%s %5.1f%%", "x", 99.5),
	    PATROL_IO);
	assert_string_equal(err.message, "x  99.5%");
}

static void
test_set_truncates(void **state UNUSED)
{
	struct patrol_err err;
	char big[2000];

	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memset(&err, 0x55, sizeof err);
	status_set(&err, PATROL_SERVER, "%s!", big);
	assert_int_equal(err.status, PATROL_SERVER);
	assert_int_equal(strlen(err.message), sizeof err.message - 1);
	assert_int_equal(err.message[sizeof err.message - 2], 'm');
	assert_int_equal(err.message[sizeof err.message - 1], '\0');
}

static void
test_set_null(void **state UNUSED)
{
	assert_int_equal(status_set(NULL, PATROL_TIMEOUT, "%s", "ignored"),
	    PATROL_TIMEOUT);
}

static void
test_clear(void **state UNUSED)
{
	struct patrol_err err;

	memset(&err, 'z', sizeof err);
	status_clear(&err);
	assert_int_equal(err.status, PATROL_OK);
	assert_int_equal(err.http_status, 0);
	assert_string_equal(err.code, "");
	assert_string_equal(err.message, "");
	assert_string_equal(err.request_id, "");
}

/* Every copy of a secret goes, in every text; a text cut short in the
 * middle of one loses its start too; short secrets are left alone. */
static void
test_redact(void **state UNUSED)
{
	static const char secret[] = "dapi0123456789abcdef0123456789abcdef";
	struct patrol_err err;
	size_t len;

	status_clear(&err);
	status_set(&err, PATROL_INVALID, "from Bearer %s, again %s.", secret, secret);
	snprintf(err.code, sizeof err.code, "%s", secret);
	snprintf(err.request_id, sizeof err.request_id, "id-%s", secret);
	status_redact(&err, secret);
	assert_string_equal(err.message, "from Bearer <redacted>, again <redacted>.");
	assert_string_equal(err.code, "<redacted>");
	assert_string_equal(err.request_id, "id-<redacted>");

	/* cut: the message ends in the secret's first 10 bytes */
	status_clear(&err);
	memset(err.message, 'y', sizeof err.message - 1);
	len = sizeof err.message - 1;
	memcpy(err.message + len - 10, secret, 10);
	err.message[len] = '\0';
	status_redact(&err, secret);
	assert_null(strstr(err.message, "dapi0"));
	assert_non_null(strstr(err.message, "<redacted>"));

	/* a short secret would match ordinary words: left alone */
	status_clear(&err);
	status_set(&err, PATROL_INVALID, "the word pass");
	status_redact(&err, "pass");
	status_redact(&err, NULL);
	assert_string_equal(err.message, "the word pass");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_every_status),
		cmocka_unit_test(test_names_are_keys),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_set_formats),
		cmocka_unit_test(test_set_truncates),
		cmocka_unit_test(test_set_null),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
