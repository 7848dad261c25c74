/*
 * test_duration.c: lifetimes, ages and time formatting (src/duration.c).
 *
 * Table-driven: every row is an input and the exact expected output.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"

#define S 1000LL
#define MIN (60 * S)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define NOW 1767225600000LL      /* 2026-01-01 00:00:00Z */

struct parse_case {
	const char *in;
	int rc;
	int64_t out;
};

static const struct parse_case lifetime_cases[] = {
	{ "3600", 0, 3600 }, { "1", 0, 1 }, { "90d", 0, 90 * 86400 }, { "12h", 0, 43200 },
	{ "2w", 0, 1209600 }, { "30s", 0, 30 }, { "5m", 0, 300 }, { "1d12h", 0, 129600 },
	{ "1h30m", 0, 5400 }, { "1w1d1h1m1s", 0, 694861 }, { "7D", 0, 604800 },
	{ "", -1, 0 }, { "0", -1, 0 }, { "0d", -1, 0 }, { "-5", -1, 0 }, { "-5d", -1, 0 },
	{ "d", -1, 0 }, { "5x", -1, 0 }, { "5d ", -1, 0 }, { " 5d", -1, 0 }, { "5dd", -1, 0 },
	{ "1d12", -1, 0 }, { "5mo", -1, 0 }, { "1y", -1, 0 }, { "1.5h", -1, 0 },
	{ "+5", -1, 0 }, { "99999999999999999999", -1, 0 }, { "9223372036854775807", 0, INT64_MAX },
	{ "9223372036854775807s1s", -1, 0 }, { "200000000000000w", -1, 0 },
};

static const struct parse_case age_cases[] = {
	{ "7d", 0, 7 * DAY }, { "90d", 0, 90 * DAY }, { "12h", 0, 12 * HOUR }, { "2w", 0, 14 * DAY },
	{ "3mo", 0, 90 * DAY }, { "1y", 0, 365 * DAY }, { "5m", 0, 5 * MIN }, { "10s", 0, 10 * S },
	{ "1y6mo", 0, 545 * DAY }, { "0d", 0, 0 }, { "1MO", 0, 30 * DAY },
	{ "7", -1, 0 }, { "", -1, 0 }, { "7x", -1, 0 }, { "-7d", -1, 0 }, { "7dd", -1, 0 },
	{ "mo", -1, 0 }, { "7mon", -1, 0 }, { "9223372036854775807s", -1, 0 },
};

static void
test_parse_lifetime(void **state)
{
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < sizeof lifetime_cases / sizeof lifetime_cases[0]; i++) {
		const struct parse_case *c = &lifetime_cases[i];
		v = -42;
		print_message("lifetime \"%s\"\n", c->in);
		assert_int_equal(duration_parse(c->in, &v), c->rc);
		assert_int_equal(v, c->rc == 0 ? c->out : -42);
	}
	assert_int_equal(duration_parse(NULL, &v), -1);
}

static void
test_parse_age(void **state)
{
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < sizeof age_cases / sizeof age_cases[0]; i++) {
		const struct parse_case *c = &age_cases[i];
		v = -42;
		print_message("age \"%s\"\n", c->in);
		assert_int_equal(duration_parse_age_ms(c->in, &v), c->rc);
		assert_int_equal(v, c->rc == 0 ? c->out : -42);
	}
}

struct rel_case {
	int64_t then;
	const char *out;
};

static const struct rel_case rel_cases[] = {
	{ 0, "never" }, { -1, "never" },
	{ NOW, "just now" }, { NOW - 59 * S, "just now" }, { NOW + 59 * S, "just now" },
	{ NOW - MIN, "1m ago" }, { NOW - 59 * MIN, "59m ago" }, { NOW - HOUR, "1h ago" },
	{ NOW - 23 * HOUR - 59 * MIN, "23h ago" }, { NOW - DAY, "1d ago" },
	{ NOW - 59 * DAY, "59d ago" }, { NOW - 60 * DAY, "2mo ago" }, { NOW - 89 * DAY, "2mo ago" },
	{ NOW - 90 * DAY, "3mo ago" }, { NOW - 729 * DAY, "24mo ago" }, { NOW - 730 * DAY, "2y ago" },
	{ NOW - 3650 * DAY, "10y ago" },
	{ NOW + 5 * MIN, "in 5m" }, { NOW + 3 * HOUR, "in 3h" }, { NOW + 12 * DAY, "in 12d" },
	{ NOW + 100 * DAY, "in 3mo" }, { NOW + 800 * DAY, "in 2y" },
	/* the future rounds: a 30-day lifetime begun a moment ago */
	{ NOW + 30 * DAY - 2 * S, "in 30d" }, { NOW + DAY - MIN, "in 1d" },
	{ NOW + 3 * HOUR - 1 * S, "in 3h" }, { NOW + 60 * DAY - HOUR, "in 2mo" },
};

static void
test_relative_day(void **state)
{
	char buf[32];

	(void)state;
	duration_relative_day(0, NOW, buf, sizeof buf);
	assert_string_equal(buf, "never");
	duration_relative_day(NOW, NOW + 23 * HOUR, buf, sizeof buf);
	assert_string_equal(buf, "today");
	duration_relative_day(NOW - DAY, NOW + 1 * HOUR, buf, sizeof buf);
	assert_string_equal(buf, "1d ago");
	duration_relative_day(NOW - 12 * DAY, NOW + 20 * HOUR, buf, sizeof buf);
	assert_string_equal(buf, "12d ago");
	duration_relative_day(NOW - 90 * DAY, NOW, buf, sizeof buf);
	assert_string_equal(buf, "3mo ago");
}

static void
test_relative(void **state)
{
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof rel_cases / sizeof rel_cases[0]; i++) {
		duration_relative(rel_cases[i].then, NOW, buf, sizeof buf);
		assert_string_equal(buf, rel_cases[i].out);
	}
}

static void
test_relative_truncates(void **state)
{
	char buf[5];

	(void)state;
	duration_relative(NOW - 12 * DAY, NOW, buf, sizeof buf);
	assert_string_equal(buf, "12d ");
	duration_relative(NOW, NOW, buf, 0);
}

static void
test_absolute(void **state)
{
	char buf[32];

	(void)state;
	duration_absolute(1795333479000LL, true, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-22 07:44Z");
	duration_absolute(0, true, buf, sizeof buf);
	assert_string_equal(buf, "never");
	duration_absolute(-1, false, buf, sizeof buf);
	assert_string_equal(buf, "never");
	setenv("TZ", "UTC", 1);
	duration_absolute(1795333479000LL, false, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-22 07:44");
}

enum form { LOCAL_MINUTE, UTC_MINUTE, ISO8601 };

/* What strftime writes for ms in form ("" when it does not fit n). */
static void
by_strftime(int64_t ms, enum form f, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t len = 0;

	if ((f == LOCAL_MINUTE ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) != NULL) {
		if (f == LOCAL_MINUTE)
			len = strftime(out, n, "%Y-%m-%d %H:%M", &tm);
		else if (f == UTC_MINUTE)
			len = strftime(out, n, "%Y-%m-%d %H:%MZ", &tm);
		else
			len = strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (len == 0)
		out[0] = '\0';
}

/* The dates are written without strftime: the same text as strftime's in
 * every zone, across DST changes, far in the future (year 10000 and
 * past it goes to strftime), and nothing when it does not fit. */
static void
test_absolute_is_strftime(void **state)
{
	static const char *const zones[] = { "UTC", "Europe/Berlin", "America/Sao_Paulo",
					     "Asia/Kolkata", "Australia/Lord_Howe" };
	static const int64_t starts[] = {
		1000LL, 1711846800000LL - 7200000,      /* Berlin's 2024 spring change */
		1729990800000LL - 7200000,              /* and its autumn change */
		1795333479000LL, 4102444800000LL,       /* 2100 */
		253402300800000LL - 7200000,            /* year 9999 to 10000 */
		300000000000000LL,
	};
	static const size_t sizes[] = { 32, 17, 16, 5, 1 };
	char got[32], want[32];
	size_t z, k, i, j;
	int64_t ms;

	(void)state;
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (k = 0; k < sizeof starts / sizeof starts[0]; k++) {
			for (i = 0; i < 300; i++) {
				ms = starts[k] + (int64_t)i * 61 * 1000 + (int64_t)(i % 7) * 997;
				for (j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
					duration_absolute(ms, false, got, sizes[j]);
					by_strftime(ms, LOCAL_MINUTE, want, sizes[j]);
					assert_string_equal(got, want);
					duration_absolute(ms, true, got, sizes[j]);
					by_strftime(ms, UTC_MINUTE, want, sizes[j]);
					assert_string_equal(got, want);
					duration_iso8601(ms, got, sizes[j]);
					by_strftime(ms, ISO8601, want, sizes[j]);
					assert_string_equal(got, want);
				}
			}
		}
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

/* The ISO 8601 dates (worked out from the day number up to the year 9999)
 * are strftime's of gmtime_r's: over the whole range in uneven steps, and
 * at the last millisecond of every day around leap years that are (2000,
 * 2400) and are not (2100). */
static void
test_iso8601_calendar(void **state)
{
	static const int64_t leaps[] = { 915148800000LL, 4070908800000LL, 13537929600000LL };
	char got[32], want[32];
	int64_t ms, day;
	size_t k;

	(void)state;
	for (ms = 1; ms < 253402300800000LL + 86400000LL * 800; ms += 3196800000LL + 37123) {
		duration_iso8601(ms, got, sizeof got);
		by_strftime(ms, ISO8601, want, sizeof want);
		assert_string_equal(got, want);
	}
	for (k = 0; k < sizeof leaps / sizeof leaps[0]; k++) {
		for (day = 0; day < 3 * 366; day++) {
			ms = leaps[k] + day * 86400000LL;
			duration_iso8601(ms - 1, got, sizeof got);
			by_strftime(ms - 1, ISO8601, want, sizeof want);
			assert_string_equal(got, want);
			duration_iso8601(ms, got, sizeof got);
			by_strftime(ms, ISO8601, want, sizeof want);
			assert_string_equal(got, want);
		}
	}
	duration_iso8601(253402300799999LL, got, sizeof got);
	assert_string_equal(got, "9999-12-31T23:59:59Z");
	duration_iso8601(951868799999LL, got, sizeof got);
	assert_string_equal(got, "2000-02-29T23:59:59Z");
}

static void
test_iso8601(void **state)
{
	char buf[32];

	(void)state;
	duration_iso8601(1795333479000LL, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-22T07:44:39Z");
	duration_iso8601(NOW, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-01T00:00:00Z");
	strcpy(buf, "junk");
	duration_iso8601(-1, buf, sizeof buf);
	assert_string_equal(buf, "");
	duration_iso8601(NOW, buf, 5);
	assert_string_equal(buf, "");
}

static void
test_now(void **state)
{
	int64_t a, b;

	(void)state;
	setenv("PATROL_NOW_MS", "1767225600000", 1);
	assert_int_equal(duration_now_ms(), NOW);
	setenv("PATROL_NOW_MS", "12x", 1);
	assert_true(duration_now_ms() > NOW - 3650 * DAY);
	unsetenv("PATROL_NOW_MS");
	a = duration_now_ms();
	assert_true(a > 1600000000000LL);
	a = duration_mono_ms();
	b = duration_mono_ms();
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lifetime),
		cmocka_unit_test(test_parse_age),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_relative_truncates),
		cmocka_unit_test(test_relative_day),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_absolute_is_strftime),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_iso8601_calendar),
		cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
