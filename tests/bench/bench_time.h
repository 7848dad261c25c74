/*
 * bench_time.h: what the C benchmarks (bench_model, bench_yajl) time with:
 * the calling thread's CPU time, so a busy machine disturbs them less, and
 * the median of a set of such times.
 */
#ifndef PATROL_BENCH_TIME_H
#define PATROL_BENCH_TIME_H

#include <stdlib.h>
#include <time.h>

/* The thread's CPU time so far, in milliseconds. */
static inline double
bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (n > 0); sorts v. */
static inline double
bench_median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return v[n / 2];
}

#endif
