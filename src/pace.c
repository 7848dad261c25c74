/*
 * pace.c: the adaptive pace of the worker (pace.h), as pure functions.
 *
 * The window is additive-increase, multiplicative-decrease, like TCP's
 * congestion window. The rate is learned from the workspace itself: a
 * throttle sets it to the clean answers a second just measured, from two
 * rings of PACE_BINS counters (clean answers and starts per PACE_BIN_MS), so
 * the measure costs nothing per answer and no memory grows with the
 * session. A token bucket with 100 ms of burst spaces the starts.
 */
#include <string.h>

#include "pace.h"

static double
pace_min(double a, double b)
{
	return a < b ? a : b;
}

static double
pace_max(double a, double b)
{
	return a > b ? a : b;
}

/* The rate in force: the learned one, else the cap; 0: none. */
double
pace_rate(const struct pace *p)
{
	return p->learned > 0 ? p->learned : p->max_rate > 0 ? p->max_rate : 0;
}

int
pace_limit(const struct pace *p)
{
	return p->limit;
}

int64_t
pace_paused_until(const struct pace *p)
{
	return p->pause_until;
}

/* Set the learned rate, within the floor and the cap; resize the burst. */
static void
pace_learn(struct pace *p, double rate)
{
	rate = pace_min(pace_max(rate, PACE_MIN_RATE), PACE_MAX_RATE);
	if (p->max_rate > 0)
		rate = pace_min(rate, p->max_rate);
	p->learned = rate;
	p->burst = pace_max(1.0, rate / 10.0);
	p->tokens = pace_min(p->tokens, p->burst);
}

void
pace_init(struct pace *p, const struct pace_opts *o, int64_t now)
{
	memset(p, 0, sizeof *p);
	p->max_inflight = o->max_inflight > 0 ? o->max_inflight : 1;
	p->limit = p->max_inflight < PACE_START_INFLIGHT ? p->max_inflight : PACE_START_INFLIGHT;
	p->max_rate = o->max_rate > 0 ? pace_min(o->max_rate, PACE_MAX_RATE) : 0;
	p->burst = pace_max(1.0, p->max_rate / 10.0);
	p->tokens = 1.0;   /* not a full burst: the first instant stays within the rate */
	p->refill_ms = now;
	p->first_ms = -1;
	p->cut_ms = INT64_MIN;
	p->bin_at = now / PACE_BIN_MS;
}

enum pace_signal
pace_classify(long http_status, const char *error_code)
{
	if (http_status == 429 ||
	    (error_code != NULL && strcmp(error_code, "REQUEST_LIMIT_EXCEEDED") == 0))
		return PACE_THROTTLED;
	if (http_status == 0 || http_status >= 500)
		return PACE_TROUBLE;
	return PACE_CLEAN;
}

/* ---- the rings ------------------------------------------------------------ */

/* Move the rings on to now, emptying the bins that fell out of the window. */
static size_t
pace_advance(struct pace *p, int64_t now)
{
	int64_t bin = now / PACE_BIN_MS, k;

	for (k = p->bin_at + 1; k <= bin && k <= p->bin_at + PACE_BINS; k++) {
		p->clean[k % PACE_BINS] = 0;
		p->starts[k % PACE_BINS] = 0;
	}
	if (bin > p->bin_at)
		p->bin_at = bin;
	return (size_t)(p->bin_at % PACE_BINS);
}

/* Events a second in ring over the window (at least 1 s, at most
 * PACE_WINDOW_MS, and no longer than the session so far). */
static double
pace_per_second(const struct pace *p, const uint32_t *ring, int64_t now)
{
	int64_t span = p->first_ms < 0 ? 0 : now - p->first_ms;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < PACE_BINS; i++)
		sum += ring[i];
	if (span > PACE_WINDOW_MS)
		span = PACE_WINDOW_MS;
	if (span < 1000)
		span = 1000;
	return (double)sum * 1000.0 / (double)span;
}

/* ---- the bucket ----------------------------------------------------------- */

static void
pace_refill(struct pace *p, double rate, int64_t now)
{
	if (now > p->refill_ms)
		p->tokens = pace_min(p->burst, p->tokens + (double)(now - p->refill_ms) * rate / 1000.0);
	p->refill_ms = now;
}

int64_t
pace_wait_ms(struct pace *p, int inflight, int64_t now)
{
	double rate = pace_rate(p);

	if (inflight >= p->limit)
		return -1;
	if (now < p->pause_until)
		return p->pause_until - now;
	if (rate <= 0)
		return 0;
	pace_refill(p, rate, now);
	if (p->tokens >= 1.0)
		return 0;
	p->held = true;
	return (int64_t)((1.0 - p->tokens) * 1000.0 / rate) + 1;
}

void
pace_started(struct pace *p, int64_t now)
{
	double rate = pace_rate(p);

	p->starts[pace_advance(p, now)]++;
	if (p->first_ms < 0)
		p->first_ms = now;
	if (rate > 0) {
		pace_refill(p, rate, now);
		p->tokens -= 1.0;
	}
}

/* ---- answers -------------------------------------------------------------- */

/* A throttle: pause for Retry-After; once per round, cut the window and
 * drop the rate to the one that was succeeding. */
static void
pace_throttled(struct pace *p, int64_t started_ms, int64_t retry_after_ms, int64_t now)
{
	int64_t pause = retry_after_ms >= 0 ? retry_after_ms : PACE_NOPAUSE_MS;
	double ok, least;

	p->throttled++;
	p->streak = 0;
	if (pause > PACE_PAUSE_MAX_MS)
		pause = PACE_PAUSE_MAX_MS;
	if (now + pause > p->pause_until)
		p->pause_until = now + pause;
	p->probe_ms = p->pause_until + PACE_PROBE_MS;
	p->held = false;
	if (started_ms <= p->cut_ms)
		return;     /* sent before the last cut: that cut answered it */
	p->cut_ms = now;
	p->limit = p->limit > 1 ? p->limit / 2 : 1;
	ok = pace_per_second(p, p->clean, now);
	least = (p->learned > 0 ? p->learned : pace_per_second(p, p->starts, now)) / 2.0;
	ok = pace_max(ok, least);
	if (p->learned > 0)
		ok = pace_min(ok, p->learned);
	pace_learn(p, ok);
}

/* After PACE_PROBE_MS without a throttle, a rate that held starts back
 * rises a step. */
static void
pace_probe(struct pace *p, int64_t now)
{
	if (p->learned <= 0 || now < p->probe_ms)
		return;
	if (p->held)
		pace_learn(p, p->learned + pace_max(1.0, p->learned * PACE_PROBE_STEP));
	p->held = false;
	p->probe_ms = now + PACE_PROBE_MS;
}

/* One more request in flight after a window's worth of clean answers that
 * came while work was waiting. */
static void
pace_grow(struct pace *p, bool waiting)
{
	if (!waiting || p->limit >= p->max_inflight)
		return;
	if (++p->streak >= p->limit) {
		p->limit++;
		p->streak = 0;
	}
}

void
pace_answer(struct pace *p, enum pace_signal sig, int64_t started_ms, bool waiting,
	    int64_t retry_after_ms, int64_t now)
{
	size_t bin = pace_advance(p, now);

	switch (sig) {
	case PACE_CLEAN:
		p->clean[bin]++;
		pace_probe(p, now);
		pace_grow(p, waiting);
		break;
	case PACE_THROTTLED:
		pace_throttled(p, started_ms, retry_after_ms, now);
		break;
	case PACE_TROUBLE:
		p->streak = 0;
		break;
	}
}

void
pace_stats(const struct pace *p, struct pace_stats *out)
{
	out->limit = p->limit;
	out->max = p->max_inflight;
	out->rate = pace_rate(p);
	out->throttled = p->throttled;
	out->pause_until_ms = p->pause_until;
}
