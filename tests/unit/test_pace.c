/*
 * test_pace.c: the adaptive pace of pace.h, driven by events on a clock the
 * test owns: the window's growth, the reaction to a throttle (pause, one cut
 * a round, the rate that was succeeding), probing, and the hard caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "pace.h"

#define T0 100000   /* the test clock starts here (ms) */

static void
init(struct pace *p, int max_inflight, double max_rate)
{
	struct pace_opts o = { max_inflight, max_rate };

	pace_init(p, &o, T0);
}

/* Start one request at now (it must be allowed). */
static void
start(struct pace *p, int inflight, int64_t now)
{
	assert_int_equal(pace_wait_ms(p, inflight, now), 0);
	pace_started(p, now);
}

/* n requests, each started and answered clean at now, with work waiting. */
static void
clean_burst(struct pace *p, int n, int64_t now)
{
	int i;

	for (i = 0; i < n; i++) {
		pace_started(p, now);
		pace_answer(p, PACE_CLEAN, now, true, -1, now);
	}
}

static void
test_classify(void **state)
{
	(void)state;
	assert_int_equal(pace_classify(429, NULL), PACE_THROTTLED);
	assert_int_equal(pace_classify(429, "RESOURCE_EXHAUSTED"), PACE_THROTTLED);
	assert_int_equal(pace_classify(400, "REQUEST_LIMIT_EXCEEDED"), PACE_THROTTLED);
	assert_int_equal(pace_classify(200, ""), PACE_CLEAN);
	assert_int_equal(pace_classify(404, "NOT_FOUND"), PACE_CLEAN);
	assert_int_equal(pace_classify(403, "PERMISSION_DENIED"), PACE_CLEAN);
	assert_int_equal(pace_classify(500, "INTERNAL_ERROR"), PACE_TROUBLE);
	assert_int_equal(pace_classify(503, NULL), PACE_TROUBLE);
	assert_int_equal(pace_classify(0, NULL), PACE_TROUBLE);
}

static void
test_start(void **state)
{
	struct pace p;
	struct pace_stats s;

	(void)state;
	init(&p, 32, 0);
	pace_stats(&p, &s);
	assert_int_equal(s.limit, PACE_START_INFLIGHT);
	assert_int_equal(s.max, 32);
	assert_true(s.rate == 0);
	assert_int_equal(pace_wait_ms(&p, PACE_START_INFLIGHT - 1, T0), 0);
	assert_int_equal(pace_wait_ms(&p, PACE_START_INFLIGHT, T0), -1);
	/* no rate of its own: any number of starts in the same instant */
	clean_burst(&p, 1000, T0);
	assert_int_equal(pace_wait_ms(&p, 0, T0), 0);
	/* a cap below the start window is the window */
	init(&p, 2, 0);
	assert_int_equal(pace_limit(&p), 2);
	assert_int_equal(pace_wait_ms(&p, 2, T0), -1);
}

static void
test_grows_one_per_round_while_work_waits(void **state)
{
	struct pace p;
	int i;

	(void)state;
	init(&p, 10, 0);
	for (i = 0; i < PACE_START_INFLIGHT - 1; i++)
		pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	assert_int_equal(pace_limit(&p), PACE_START_INFLIGHT);
	pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	assert_int_equal(pace_limit(&p), PACE_START_INFLIGHT + 1);
	/* nothing waiting: a bigger window would not help */
	for (i = 0; i < 100; i++)
		pace_answer(&p, PACE_CLEAN, T0, false, -1, T0);
	assert_int_equal(pace_limit(&p), PACE_START_INFLIGHT + 1);
	/* never above the cap */
	for (i = 0; i < 1000; i++)
		pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	assert_int_equal(pace_limit(&p), 10);
}

static void
test_trouble_ends_the_run(void **state)
{
	struct pace p;
	int i;

	(void)state;
	init(&p, 32, 0);
	for (i = 0; i < PACE_START_INFLIGHT - 1; i++)
		pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	pace_answer(&p, PACE_TROUBLE, T0, true, -1, T0);
	for (i = 0; i < PACE_START_INFLIGHT - 1; i++)
		pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	assert_int_equal(pace_limit(&p), PACE_START_INFLIGHT);
	/* neither a cut nor a pause */
	assert_int_equal(pace_wait_ms(&p, 0, T0), 0);
	assert_true(pace_rate(&p) == 0);
}

/* 50 clean answers in the first 200 ms, then a 429: the rate drops to 50/s
 * (the clean answers over the one second measured), the window halves, every
 * start waits out Retry-After. */
static void
test_throttle_drops_to_the_rate_that_succeeded(void **state)
{
	struct pace p;
	struct pace_stats s;
	int64_t t = T0;
	int i;

	(void)state;
	init(&p, 32, 0);
	for (i = 0; i < 50; i++, t += 4)
		clean_burst(&p, 1, t);
	pace_started(&p, t);
	pace_answer(&p, PACE_THROTTLED, t, true, 2000, t + 1);
	pace_stats(&p, &s);
	assert_true(s.rate >= 49.9 && s.rate <= 50.1);
	assert_int_equal(s.limit, pace_limit(&p));
	assert_int_equal(s.throttled, 1);
	assert_int_equal(s.pause_until_ms, t + 1 + 2000);
	assert_int_equal(pace_wait_ms(&p, 0, t + 1), 2000);
	assert_int_equal(pace_wait_ms(&p, 0, t + 1000), 1001);
	/* after the pause: the starts are spaced at 50/s (20 ms), with up to
	 * 100 ms of burst saved during it */
	t += 2001;
	for (i = 0; i < 5; i++)
		start(&p, 0, t);
	assert_true(pace_wait_ms(&p, 0, t) > 0);
	assert_true(pace_wait_ms(&p, 0, t) <= 21);
	assert_int_equal(pace_wait_ms(&p, 0, t + 20), 0);
}

static void
test_window_halves(void **state)
{
	struct pace p;
	int i;

	(void)state;
	init(&p, 32, 0);
	for (i = 0; i < 8 + 9 + 10 + 11; i++)
		pace_answer(&p, PACE_CLEAN, T0, true, -1, T0);
	assert_int_equal(pace_limit(&p), 12);
	pace_answer(&p, PACE_THROTTLED, T0, true, -1, T0 + 1);
	assert_int_equal(pace_limit(&p), 6);
	/* no Retry-After: one second */
	assert_int_equal(pace_wait_ms(&p, 0, T0 + 1), 1000);
}

/* The requests in flight when the first 429 came all get one: a single cut
 * answers them all, and each extends the pause without shortening it. */
static void
test_one_cut_a_round(void **state)
{
	struct pace p;
	struct pace_stats s;
	double rate;
	int64_t t = T0;
	int i, limit;

	(void)state;
	init(&p, 32, 0);
	clean_burst(&p, 30, t);
	limit = pace_limit(&p);
	for (i = 0; i < 8; i++)
		pace_started(&p, t);
	t += 100;
	pace_answer(&p, PACE_THROTTLED, T0, true, 5000, t);
	rate = pace_rate(&p);
	assert_int_equal(pace_limit(&p), limit / 2);
	for (i = 1; i < 8; i++)
		pace_answer(&p, PACE_THROTTLED, T0, true, i == 3 ? 9000 : 1000, t + i);
	pace_stats(&p, &s);
	assert_int_equal(s.limit, limit / 2);
	assert_true(s.rate == rate);
	assert_int_equal(s.throttled, 8);
	assert_int_equal(s.pause_until_ms, t + 3 + 9000);
	/* a request started after the cut and throttled: the next round */
	pace_answer(&p, PACE_THROTTLED, t + 1, true, 1000, t + 9004);
	assert_int_equal(pace_limit(&p), limit / 4);
	assert_true(pace_rate(&p) < rate);
	/* never below half the rate in force */
	assert_true(pace_rate(&p) >= rate / 2 - 1e-9);
}

/* A throttle before anything succeeded: half the starts a second, at least
 * PACE_MIN_RATE. */
static void
test_throttle_first(void **state)
{
	struct pace p;
	int i;

	(void)state;
	init(&p, 32, 0);
	for (i = 0; i < 8; i++)
		pace_started(&p, T0);
	pace_answer(&p, PACE_THROTTLED, T0, true, -1, T0 + 10);
	assert_true(pace_rate(&p) >= 3.99 && pace_rate(&p) <= 4.01);
	init(&p, 32, 0);
	pace_started(&p, T0);
	pace_answer(&p, PACE_THROTTLED, T0, true, -1, T0 + 10);
	assert_true(pace_rate(&p) == PACE_MIN_RATE);
	assert_int_equal(pace_limit(&p), 4);
}

/* Hold every start the bucket refuses at now: the rate holds work back. */
static void
exhaust(struct pace *p, int64_t now)
{
	while (pace_wait_ms(p, 0, now) == 0)
		pace_started(p, now);
}

/* PACE_PROBE_MS after the pause, the rate rises 10%, but only when it held
 * starts back meanwhile; the next step needs as long again. */
static void
test_probes_slowly(void **state)
{
	struct pace p;
	double r0, r1;

	(void)state;
	init(&p, 32, 0);
	clean_burst(&p, 40, T0);
	pace_started(&p, T0);
	pace_answer(&p, PACE_THROTTLED, T0, true, 1000, T0);
	r0 = pace_rate(&p);
	assert_true(r0 >= 39.9 && r0 <= 40.1);
	exhaust(&p, T0 + 1000);
	pace_answer(&p, PACE_CLEAN, T0 + 1000, true, -1, T0 + 1000 + PACE_PROBE_MS - 1);
	assert_true(pace_rate(&p) == r0);
	pace_answer(&p, PACE_CLEAN, T0 + 1000, true, -1, T0 + 1000 + PACE_PROBE_MS);
	r1 = pace_rate(&p);
	assert_true(r1 > r0 * (1 + PACE_PROBE_STEP) - 1e-9 && r1 < r0 * (1 + PACE_PROBE_STEP) + 1e-9);
	/* another PACE_PROBE_MS, but the rate held nothing back: no rise */
	pace_answer(&p, PACE_CLEAN, T0, false, -1, T0 + 1000 + 2 * PACE_PROBE_MS);
	assert_true(pace_rate(&p) == r1);
	exhaust(&p, T0 + 2000 + 2 * PACE_PROBE_MS);
	pace_answer(&p, PACE_CLEAN, T0, true, -1, T0 + 1000 + 3 * PACE_PROBE_MS - 1);
	assert_true(pace_rate(&p) == r1);
	pace_answer(&p, PACE_CLEAN, T0, true, -1, T0 + 1000 + 3 * PACE_PROBE_MS);
	assert_true(pace_rate(&p) > r1 * (1 + PACE_PROBE_STEP) - 1e-9);
	/* a throttle brings it down again */
	pace_answer(&p, PACE_THROTTLED, T0 + 1000 + 3 * PACE_PROBE_MS, true, -1,
		    T0 + 1001 + 3 * PACE_PROBE_MS);
	assert_true(pace_rate(&p) < r1);
}

static void
test_hard_caps(void **state)
{
	struct pace p;
	int64_t t = T0;
	int i, n;

	(void)state;
	/* --rate 10: the rate in force from the start, starts spaced 100 ms */
	init(&p, 4, 10);
	assert_true(pace_rate(&p) == 10);
	start(&p, 0, t);
	assert_int_equal(pace_wait_ms(&p, 0, t), 101);
	for (n = 0, i = 0; i < 10000; i++, t++) {
		if (pace_wait_ms(&p, 0, t) == 0) {
			pace_started(&p, t);
			pace_answer(&p, PACE_CLEAN, t, true, -1, t);
			n++;
		}
	}
	/* ten seconds: at most ten a second (and the one burst token) */
	assert_true(n >= 95 && n <= 101);
	/* the window never passes --jobs */
	assert_int_equal(pace_limit(&p), 4);
	/* probing never passes --rate */
	for (i = 0; i < 10; i++)
		clean_burst(&p, 1, t);
	pace_answer(&p, PACE_THROTTLED, t, true, 0, t);
	for (i = 0; i < 40; i++) {
		t += PACE_PROBE_MS;
		(void)pace_wait_ms(&p, 0, t);
		pace_started(&p, t);
		(void)pace_wait_ms(&p, 0, t);
		pace_answer(&p, PACE_CLEAN, t, true, -1, t);
	}
	assert_true(pace_rate(&p) <= 10);
	/* a Retry-After past 60 s is cut to 60 s */
	pace_answer(&p, PACE_THROTTLED, t, true, 3600000, t + 1);
	assert_int_equal(pace_wait_ms(&p, 0, t + 1), PACE_PAUSE_MAX_MS);
}

/* The measure forgets: successes more than PACE_WINDOW_MS old do not count. */
static void
test_window_forgets(void **state)
{
	struct pace p;
	int64_t t = T0;

	(void)state;
	init(&p, 32, 0);
	clean_burst(&p, 1000, t);
	t += PACE_WINDOW_MS + PACE_BIN_MS;
	clean_burst(&p, 10, t);
	pace_answer(&p, PACE_THROTTLED, t, true, -1, t);
	/* 10 clean answers over the last 5 s: the first 1,000 are forgotten */
	assert_true(pace_rate(&p) > 2.0 - 1e-9 && pace_rate(&p) < 2.0 + 1e-9);
}

/* The end of the pause, for the worker to weigh against each waiting
 * request's deadline: in the past before any throttle; a Retry-After's
 * (capped), never shortened by a shorter one. */
static void
test_paused_until(void **state)
{
	struct pace p;
	int64_t t = T0;

	(void)state;
	init(&p, 8, 0);
	assert_true(pace_paused_until(&p) <= t);
	start(&p, 0, t);
	pace_answer(&p, PACE_THROTTLED, t, true, 45000, t + 1);
	assert_int_equal(pace_paused_until(&p), t + 1 + 45000);
	pace_answer(&p, PACE_THROTTLED, t, true, 1000, t + 2);
	assert_int_equal(pace_paused_until(&p), t + 1 + 45000);
	pace_answer(&p, PACE_THROTTLED, t, true, 999999999, t + 3);
	assert_int_equal(pace_paused_until(&p), t + 3 + PACE_PAUSE_MAX_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_grows_one_per_round_while_work_waits),
		cmocka_unit_test(test_trouble_ends_the_run),
		cmocka_unit_test(test_throttle_drops_to_the_rate_that_succeeded),
		cmocka_unit_test(test_window_halves),
		cmocka_unit_test(test_one_cut_a_round),
		cmocka_unit_test(test_throttle_first),
		cmocka_unit_test(test_probes_slowly),
		cmocka_unit_test(test_hard_caps),
		cmocka_unit_test(test_window_forgets),
		cmocka_unit_test(test_paused_until),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
