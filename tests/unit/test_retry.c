/*
 * test_retry.c: the retry table of token-api.md, backoff bounds, and
 * Retry-After parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "retry.h"

#define I CALL_RETRY_IDEMPOTENT
#define C CALL_RETRY_CREATE
#define V CALL_RETRY_REVOKE
#define AGAIN RETRY_AGAIN
#define DONE RETRY_DONE
#define UNKNOWN RETRY_UNKNOWN

/* One row: a class, what happened, and the verdict the table demands. */
struct row {
	enum call_retry kind;
	enum retry_transport transport;
	bool sent;
	long status;
	const char *code;
	enum retry_verdict want;
};

static const struct row rows[] = {
	/* idempotent: list, get, update, revoke */
	{ I, RETRY_T_CONNECT, false, 0, NULL, AGAIN },
	{ I, RETRY_T_RESET, false, 0, NULL, AGAIN },
	{ I, RETRY_T_RESET, true, 0, NULL, AGAIN },
	{ I, RETRY_T_TIMEOUT, false, 0, NULL, AGAIN },
	{ I, RETRY_T_TIMEOUT, true, 0, NULL, AGAIN },
	{ I, RETRY_T_OTHER, false, 0, NULL, DONE },
	{ I, RETRY_T_OTHER, true, 0, NULL, DONE },
	{ I, RETRY_T_OK, true, 200, NULL, DONE },
	{ I, RETRY_T_OK, true, 204, NULL, DONE },
	{ I, RETRY_T_OK, true, 302, NULL, DONE },
	{ I, RETRY_T_OK, true, 400, "INVALID_PARAMETER_VALUE", DONE },
	{ I, RETRY_T_OK, true, 400, "QUOTA_EXCEEDED", DONE },
	{ I, RETRY_T_OK, true, 400, "REQUEST_LIMIT_EXCEEDED", AGAIN },
	{ I, RETRY_T_OK, true, 401, "401", DONE },
	{ I, RETRY_T_OK, true, 403, "PERMISSION_DENIED", DONE },
	{ I, RETRY_T_OK, true, 404, "RESOURCE_DOES_NOT_EXIST", DONE },
	{ I, RETRY_T_OK, true, 409, "ALREADY_EXISTS", DONE },
	{ I, RETRY_T_OK, true, 429, NULL, AGAIN },
	{ I, RETRY_T_OK, true, 429, "", AGAIN },
	{ I, RETRY_T_OK, true, 429, "RESOURCE_EXHAUSTED", AGAIN },
	{ I, RETRY_T_OK, true, 429, "QUOTA_EXCEEDED", DONE },
	{ I, RETRY_T_OK, true, 500, "INTERNAL_ERROR", DONE },
	{ I, RETRY_T_OK, true, 501, NULL, DONE },
	{ I, RETRY_T_OK, true, 502, NULL, AGAIN },
	{ I, RETRY_T_OK, true, 503, "TEMPORARILY_UNAVAILABLE", AGAIN },
	{ I, RETRY_T_OK, true, 504, "DEADLINE_EXCEEDED", AGAIN },
	{ I, RETRY_T_OK, true, 505, NULL, DONE },
	/* create, create on behalf */
	{ C, RETRY_T_CONNECT, false, 0, NULL, AGAIN },
	{ C, RETRY_T_CONNECT, true, 0, NULL, UNKNOWN },
	{ C, RETRY_T_RESET, false, 0, NULL, AGAIN },
	{ C, RETRY_T_RESET, true, 0, NULL, UNKNOWN },
	{ C, RETRY_T_TIMEOUT, false, 0, NULL, AGAIN },
	{ C, RETRY_T_TIMEOUT, true, 0, NULL, UNKNOWN },
	{ C, RETRY_T_OTHER, false, 0, NULL, DONE },
	{ C, RETRY_T_OTHER, true, 0, NULL, UNKNOWN },
	{ C, RETRY_T_OK, true, 200, NULL, DONE },
	{ C, RETRY_T_OK, true, 301, NULL, DONE },
	{ C, RETRY_T_OK, true, 400, "INVALID_PARAMETER_VALUE", DONE },
	{ C, RETRY_T_OK, true, 400, "QUOTA_EXCEEDED", DONE },
	{ C, RETRY_T_OK, true, 400, "REQUEST_LIMIT_EXCEEDED", DONE },
	{ C, RETRY_T_OK, true, 401, NULL, DONE },
	{ C, RETRY_T_OK, true, 403, NULL, DONE },
	{ C, RETRY_T_OK, true, 404, NULL, DONE },
	{ C, RETRY_T_OK, true, 429, NULL, AGAIN },
	{ C, RETRY_T_OK, true, 429, "REQUEST_LIMIT_EXCEEDED", AGAIN },
	{ C, RETRY_T_OK, true, 429, "QUOTA_EXCEEDED", DONE },
	{ C, RETRY_T_OK, true, 500, NULL, UNKNOWN },
	{ C, RETRY_T_OK, true, 501, NULL, AGAIN },
	{ C, RETRY_T_OK, true, 502, NULL, UNKNOWN },
	{ C, RETRY_T_OK, true, 503, NULL, AGAIN },
	{ C, RETRY_T_OK, true, 504, NULL, UNKNOWN },
	{ C, RETRY_T_OK, true, 507, NULL, UNKNOWN },
	/* revoke: idempotent, and a 500 is retried too */
	{ V, RETRY_T_CONNECT, false, 0, NULL, AGAIN },
	{ V, RETRY_T_RESET, true, 0, NULL, AGAIN },
	{ V, RETRY_T_TIMEOUT, true, 0, NULL, AGAIN },
	{ V, RETRY_T_OTHER, true, 0, NULL, DONE },
	{ V, RETRY_T_OK, true, 200, NULL, DONE },
	{ V, RETRY_T_OK, true, 404, "RESOURCE_DOES_NOT_EXIST", DONE },
	{ V, RETRY_T_OK, true, 404, "NOT_FOUND", DONE },
	{ V, RETRY_T_OK, true, 429, NULL, AGAIN },
	{ V, RETRY_T_OK, true, 400, "REQUEST_LIMIT_EXCEEDED", AGAIN },
	{ V, RETRY_T_OK, true, 500, "INTERNAL_ERROR", AGAIN },
	{ V, RETRY_T_OK, true, 500, NULL, AGAIN },
	{ V, RETRY_T_OK, true, 501, NULL, DONE },
	{ V, RETRY_T_OK, true, 502, NULL, AGAIN },
	{ V, RETRY_T_OK, true, 503, NULL, AGAIN },
	{ V, RETRY_T_OK, true, 504, NULL, AGAIN },
	{ V, RETRY_T_OK, true, 505, NULL, DONE },
};

static void
test_table(void **state)
{
	struct retry_input in;
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		memset(&in, 0, sizeof in);
		in.kind = rows[i].kind;
		in.transport = rows[i].transport;
		in.request_sent = rows[i].sent;
		in.http_status = rows[i].status;
		in.error_code = rows[i].code;
		if (retry_decide(&in) != rows[i].want) {
			print_error("row %zu: kind %d transport %d sent %d status %ld code %s: "
				    "got %d want %d\n", i, rows[i].kind, rows[i].transport,
				    rows[i].sent, rows[i].status, rows[i].code ? rows[i].code : "-",
				    retry_decide(&in), rows[i].want);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* A revoke is retried exactly like a list or an update, but for a 500:
 * every status and every transport failure, sent or not. A create never
 * is on a 500 (its outcome is unknown). */
static void
test_revoke_is_idempotent_plus_500(void **state)
{
	struct retry_input in = { .transport = RETRY_T_OK, .request_sent = true };
	enum retry_verdict v;
	long st;
	int t, sent;

	(void)state;
	for (st = 100; st < 600; st++) {
		in.http_status = st;
		in.kind = CALL_RETRY_IDEMPOTENT;
		v = retry_decide(&in);
		in.kind = CALL_RETRY_REVOKE;
		if (st == 500)
			assert_int_equal(retry_decide(&in), RETRY_AGAIN);
		else
			assert_int_equal(retry_decide(&in), v);
	}
	for (t = RETRY_T_CONNECT; t <= RETRY_T_OTHER; t++) {
		for (sent = 0; sent < 2; sent++) {
			in.transport = (enum retry_transport)t;
			in.request_sent = sent;
			in.kind = CALL_RETRY_IDEMPOTENT;
			v = retry_decide(&in);
			in.kind = CALL_RETRY_REVOKE;
			assert_int_equal(retry_decide(&in), v);
		}
	}
	in = (struct retry_input){ .kind = CALL_RETRY_CREATE, .transport = RETRY_T_OK,
				   .request_sent = true, .http_status = 500 };
	assert_int_equal(retry_decide(&in), RETRY_UNKNOWN);
}

/* Every 4xx other than 429 is final for every class. */
static void
test_all_4xx_final(void **state)
{
	struct retry_input in = { .transport = RETRY_T_OK, .request_sent = true };
	long st;

	(void)state;
	for (st = 400; st < 500; st++) {
		if (st == 429)
			continue;
		in.http_status = st;
		in.kind = CALL_RETRY_IDEMPOTENT;
		assert_int_equal(retry_decide(&in), RETRY_DONE);
		in.kind = CALL_RETRY_CREATE;
		assert_int_equal(retry_decide(&in), RETRY_DONE);
		in.kind = CALL_RETRY_REVOKE;
		assert_int_equal(retry_decide(&in), RETRY_DONE);
	}
}

static void
test_backoff_bounds(void **state)
{
	uint64_t seed;
	int attempt;
	int i;
	int64_t d, ceiling;

	(void)state;
	for (i = 0; i < 2000; i++) {
		seed = (uint64_t)i * 7919u;
		for (attempt = 1; attempt <= 40; attempt++) {
			ceiling = RETRY_BASE_MS;
			for (int k = 1; k < attempt && ceiling < RETRY_CAP_MS; k++)
				ceiling *= 2;
			if (ceiling > RETRY_CAP_MS)
				ceiling = RETRY_CAP_MS;
			d = retry_backoff_ms(attempt, -1, 503, &seed);
			assert_true(d >= 0);
			assert_true(d <= ceiling);
			d = retry_backoff_ms(attempt, -1, 429, &seed);
			assert_true(d >= 1000);
			assert_true(d <= RETRY_CAP_MS);
			d = retry_backoff_ms(attempt, 7000, 429, &seed);
			assert_true(d >= 7000);
			assert_true(d <= RETRY_CAP_MS);
			d = retry_backoff_ms(attempt, 45000, 503, &seed);
			assert_true(d >= 45000 && d <= 45000 + 0 + RETRY_CAP_MS);
			assert_true(d <= (ceiling > 45000 ? ceiling : 45000));
			d = retry_backoff_ms(attempt, 3600000, 429, &seed);
			assert_int_equal(d, RETRY_AFTER_CAP_MS);
			d = retry_backoff_ms(attempt, 0, 429, &seed);
			assert_true(d >= 0 && d <= ceiling);
		}
	}
}

/* The jitter is spread out, the seed advances, and attempt < 1 is sane. */
static void
test_backoff_jitter(void **state)
{
	uint64_t seed = 42, before;
	int64_t lo = RETRY_CAP_MS, hi = 0, d;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		before = seed;
		d = retry_backoff_ms(10, -1, 0, &seed);
		assert_true(seed != before);
		if (d < lo)
			lo = d;
		if (d > hi)
			hi = d;
	}
	assert_true(lo < 3000);
	assert_true(hi > 27000);
	d = retry_backoff_ms(0, -1, 0, &seed);
	assert_true(d >= 0 && d <= RETRY_BASE_MS);
	d = retry_backoff_ms(-5, -1, 0, &seed);
	assert_true(d >= 0 && d <= RETRY_BASE_MS);
}

/* The same seed gives the same sequence. */
static void
test_backoff_deterministic(void **state)
{
	uint64_t a = 99, b = 99;
	int i;

	(void)state;
	for (i = 1; i < 20; i++)
		assert_int_equal(retry_backoff_ms(i, -1, 0, &a), retry_backoff_ms(i, -1, 0, &b));
}

/* 1994-11-06 08:49:37 UTC */
#define T1994 784111777LL

static void
test_after_seconds(void **state)
{
	(void)state;
	assert_int_equal(retry_after_parse("0", 0), 0);
	assert_int_equal(retry_after_parse("1", 0), 1000);
	assert_int_equal(retry_after_parse("  17 ", 0), 17000);
	assert_int_equal(retry_after_parse("59", 0), 59000);
	assert_int_equal(retry_after_parse("60", 0), 60000);
	assert_int_equal(retry_after_parse("61", 0), 60000);
	assert_int_equal(retry_after_parse("3600", 0), 60000);
	assert_int_equal(retry_after_parse("99999999999999999999999999", 0), 60000);
}

static void
test_after_garbage(void **state)
{
	(void)state;
	assert_int_equal(retry_after_parse(NULL, 0), -1);
	assert_int_equal(retry_after_parse("", 0), -1);
	assert_int_equal(retry_after_parse("   ", 0), -1);
	assert_int_equal(retry_after_parse("-5", 0), -1);
	assert_int_equal(retry_after_parse("5s", 0), -1);
	assert_int_equal(retry_after_parse("1.5", 0), -1);
	assert_int_equal(retry_after_parse("soon", 0), -1);
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37", T1994), -1);
	assert_int_equal(retry_after_parse("Sun, 06 Foo 1994 08:49:37 GMT", T1994), -1);
	assert_int_equal(retry_after_parse("Sun, 32 Nov 1994 08:49:37 GMT", T1994), -1);
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 25:49:37 GMT", T1994), -1);
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT junk", T1994), -1);
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 PST", T1994), -1);
}

static void
test_after_dates(void **state)
{
	(void)state;
	/* IMF-fixdate, RFC 850 and asctime forms of the same instant. */
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", T1994 - 5), 5000);
	assert_int_equal(retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", T1994 - 5), 5000);
	assert_int_equal(retry_after_parse("Sun Nov  6 08:49:37 1994", T1994 - 5), 5000);
	assert_int_equal(retry_after_parse("sun, 06 nov 1994 08:49:37 GMT", T1994 - 30), 30000);
	/* in the past: retry now */
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", T1994 + 100), 0);
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", T1994), 0);
	/* far in the future: capped */
	assert_int_equal(retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", T1994 - 3600), 60000);
	assert_int_equal(retry_after_parse("Fri, 01 Jan 2100 00:00:00 GMT", T1994), 60000);
	/* a real present-day date */
	assert_int_equal(retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_all_4xx_final),
		cmocka_unit_test(test_revoke_is_idempotent_plus_500),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_jitter),
		cmocka_unit_test(test_backoff_deterministic),
		cmocka_unit_test(test_after_seconds),
		cmocka_unit_test(test_after_garbage),
		cmocka_unit_test(test_after_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
