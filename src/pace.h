/*
 * pace.h: how fast the worker sends, as pure functions of what it is told
 * and of a monotonic clock in milliseconds (no thread, no I/O, no time of
 * its own), so the policy is unit-tested without a network.
 *
 * Two limits at once: the requests in flight (the "window") and the request
 * starts a second (a token bucket, 100 ms of burst). The server says how
 * much it takes; nobody has to tune it:
 *
 *  - It starts with PACE_START_INFLIGHT requests in flight (never more than
 *    the cap) and no rate limit of its own.
 *  - Clean answers grow the window: one more request after as many clean
 *    answers in a row as the window holds (one more per round trip) that
 *    came while requests were waiting to start, up to the cap. A clean
 *    answer is any HTTP answer but a throttle or a 5xx.
 *  - A throttle (429, or REQUEST_LIMIT_EXCEEDED) pauses every start until
 *    its Retry-After (1 s when absent, 60 s at most). Once per round (only
 *    an answer to a request started after the last cut cuts again) the
 *    window is halved and the start rate drops to the rate that was
 *    succeeding: clean answers a second over the last PACE_WINDOW_MS (over
 *    the time since the first start when shorter, but at least 1 s), never
 *    below half the rate in force (or half the starts a second before the
 *    first cut) nor below PACE_MIN_RATE.
 *  - Probing: after PACE_PROBE_MS without a throttle, if the rate held
 *    requests back meanwhile, it rises by PACE_PROBE_STEP (at least 1/s),
 *    and again after each PACE_PROBE_MS. A workspace that wants more gets
 *    it slowly; one that wants less says so with the next 429.
 *  - Failures that are not throttling (5xx, resets, timeouts) neither grow
 *    nor cut: they end a run of clean answers. Retrying them is retry.h's
 *    business.
 *  - Hard caps: the window never exceeds max_inflight (--jobs), the rate
 *    never exceeds max_rate (--rate) when one is set.
 *
 * Why this is polite to a shared workspace: patrol never sends faster than
 * the workspace has been answering, backs off the moment it is told to and
 * for as long as it is told to, and climbs back in small steps, so other
 * clients of the workspace (and of the same IP address, which Databricks
 * also throttles) keep their share. A fixed rate would be too slow on a
 * quiet workspace and too fast on a busy one.
 *
 * The caller (worker.c) asks pace_wait_ms before each start and reports
 * each start (pace_started) and each answer (pace_answer). One struct per
 * worker, used by one thread; its fields are read through the getters.
 */
#ifndef PATROL_PACE_H
#define PATROL_PACE_H

#include <stdbool.h>
#include <stdint.h>

#define PACE_START_INFLIGHT 8       /* the first window */
#define PACE_DEFAULT_INFLIGHT 32    /* the cap when --jobs is not given */
#define PACE_WINDOW_MS 5000         /* the rate that was succeeding is measured over this */
#define PACE_BIN_MS 100
#define PACE_BINS (PACE_WINDOW_MS / PACE_BIN_MS)
#define PACE_PROBE_MS 5000          /* clean time before the rate may rise */
#define PACE_PROBE_STEP 0.10        /* by this fraction */
#define PACE_MIN_RATE 1.0           /* requests a second: a cut never goes lower */
#define PACE_MAX_RATE 100000.0
#define PACE_NOPAUSE_MS 1000        /* a throttle without Retry-After: pause this long */
#define PACE_PAUSE_MAX_MS 60000

/* What an answer says about the pace. */
enum pace_signal {
	PACE_CLEAN,                 /* answered, not throttled, not a 5xx */
	PACE_THROTTLED,             /* 429 or REQUEST_LIMIT_EXCEEDED */
	PACE_TROUBLE,               /* 5xx, or no HTTP answer at all */
};

struct pace_opts {
	int max_inflight;           /* hard cap, >= 1 (--jobs) */
	double max_rate;            /* hard cap in starts a second (--rate); <= 0: none */
};

/* A snapshot, for a progress display and the tests. */
struct pace_stats {
	int limit;                  /* requests allowed in flight now */
	int max;                    /* the cap */
	double rate;                /* starts a second allowed now; 0: no limit */
	unsigned long throttled;    /* throttles seen */
	int64_t pause_until_ms;     /* no start before (monotonic) */
};

/* Private: read it through the functions below. */
struct pace {
	int max_inflight, limit, streak;
	double max_rate;
	double learned;             /* the rate found by throttles and probes; 0: none yet */
	double tokens, burst;       /* the bucket of the rate in force */
	int64_t refill_ms;
	int64_t first_ms;           /* the first start; -1 before */
	int64_t cut_ms;             /* the last cut */
	int64_t pause_until;
	int64_t probe_ms;           /* the rate may rise at this time */
	bool held;                  /* the rate held a start back since the last probe */
	unsigned long throttled;
	int64_t bin_at;             /* the last bin touched (now / PACE_BIN_MS) */
	uint32_t clean[PACE_BINS];  /* clean answers per bin, a ring */
	uint32_t starts[PACE_BINS]; /* starts per bin, a ring */
};

void pace_init(struct pace *p, const struct pace_opts *o, int64_t now);
/* Classify an answer: http_status 0 means no HTTP answer; error_code may be
 * NULL or "". */
enum pace_signal pace_classify(long http_status, const char *error_code);
/* May a request start now, with inflight requests in flight? 0: yes; > 0:
 * not before that many ms (a pause or the rate); -1: not until an answer
 * frees a slot. Ask only when a request waits: a refusal by the rate is
 * what lets a probe raise it. */
int64_t pace_wait_ms(struct pace *p, int inflight, int64_t now);
/* A request started now (after pace_wait_ms said 0). */
void pace_started(struct pace *p, int64_t now);
/* An answer to a request started at started_ms. waiting: requests were
 * waiting to start when it came (else a bigger window would not help).
 * retry_after_ms: the parsed Retry-After, -1 when absent. */
void pace_answer(struct pace *p, enum pace_signal sig, int64_t started_ms, bool waiting,
		 int64_t retry_after_ms, int64_t now);
/* The rate in force (starts a second): 0 when there is none. */
double pace_rate(const struct pace *p);
int pace_limit(const struct pace *p);
/* No start before this (monotonic ms): the end of the pause a throttle's
 * Retry-After set, in the past when none holds. */
int64_t pace_paused_until(const struct pace *p);
void pace_stats(const struct pace *p, struct pace_stats *out);

#endif
