/*
 * duration.h: parsing lifetimes and formatting times the way people read them.
 *
 * Times are int64 milliseconds since the epoch, as the token APIs send them.
 */
#ifndef PATROL_DURATION_H
#define PATROL_DURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse a lifetime: a positive integer with an optional unit, s m h d w
 * ("90d", "12h", "3600" = seconds, "2w"); also combined ("1d12h"). Writes
 * seconds. Returns 0, or -1 for an empty, zero, negative, malformed or
 * overflowing value. */
int duration_parse(const char *s, int64_t *seconds);
/* Parse a relative age used by filters: "7d", "90d", "12h", "2w", "3mo", "1y"
 * → milliseconds. Returns 0 or -1. */
int duration_parse_age_ms(const char *s, int64_t *ms);
/* Current time in ms since the epoch (CLOCK_REALTIME); PATROL_NOW_MS in the
 * environment overrides it (tests and reproducible demos). */
int64_t duration_now_ms(void);
/* Monotonic milliseconds, for deadlines and backoff. */
int64_t duration_mono_ms(void);
/* Format then relative to now, compactly: "just now", "5m ago", "3h ago",
 * "12d ago", "3mo ago", "2y ago", "in 5m", "in 12d", "in 3mo". The past
 * counts whole units, the future rounds to the nearest (a 30-day lifetime
 * begun a second ago is "in 30d"). ms <= 0 gives "never". Writes at most n
 * bytes, NUL-terminated. */
void duration_relative(int64_t then_ms, int64_t now_ms, char *out, size_t n);
/* The same for a time known to the day only (UTC midnight, like the Token
 * Management API's last_used_day): "today", "1d ago", "12d ago", "3mo ago";
 * no hours. day_ms <= 0 gives "never". */
void duration_relative_day(int64_t day_ms, int64_t now_ms, char *out, size_t n);
/* Format an absolute time "2026-11-22 07:44" in local time, or
 * "2026-11-22 07:44Z" in UTC. ms <= 0 gives "never". */
void duration_absolute(int64_t ms, bool utc, char *out, size_t n);
/* ISO 8601 UTC "2026-11-22T07:44:39Z" (CSV output). ms <= 0 gives "". */
void duration_iso8601(int64_t ms, char *out, size_t n);
/* Parse a timestamp as helper programs print it: RFC 3339 with a zone
 * ("2026-08-21T13:46:32.123456789+02:00", "…Z"), or local time "2026-08-21
 * 13:46:32[.ffffff]" (Go's default format, az's expiresOn). Fractions are
 * kept to the millisecond. Returns 0 with *ms since the epoch, or -1. */
int duration_parse_timestamp(const char *s, int64_t *ms);

#endif
