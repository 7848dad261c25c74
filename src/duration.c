/*
 * duration.c: parsing lifetimes and ages, formatting times for people.
 *
 * Lifetimes ("90d", "1d12h", "3600") and filter ages ("7d", "3mo") share one
 * parser driven by a unit table: a value is one or more groups of digits and
 * a unit. The units differ: lifetimes take s m h d w (a bare integer is
 * seconds); ages take s, m (minutes), h, d, w, mo (30 days) and y (365 days),
 * and always need a unit. Formatting is deterministic given now_ms, so the
 * tests and the demo can pin the clock with PATROL_NOW_MS.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "duration.h"

#define DURATION_MINUTE 60
#define DURATION_HOUR   (60 * DURATION_MINUTE)
#define DURATION_DAY    (24 * DURATION_HOUR)

struct duration_unit {
	const char *name;
	int64_t seconds;
};

static const struct duration_unit duration_lifetime_units[] = {
	{ "s", 1 },
	{ "m", DURATION_MINUTE },
	{ "h", DURATION_HOUR },
	{ "d", DURATION_DAY },
	{ "w", 7 * DURATION_DAY },
	{ NULL, 0 }
};

/* "m" is minutes and "mo" months: units are matched as whole letter runs. */
static const struct duration_unit duration_age_units[] = {
	{ "s", 1 },
	{ "m", DURATION_MINUTE },
	{ "h", DURATION_HOUR },
	{ "d", DURATION_DAY },
	{ "w", 7 * DURATION_DAY },
	{ "mo", 30 * DURATION_DAY },
	{ "y", 365 * DURATION_DAY },
	{ NULL, 0 }
};

/* How duration_relative names a span: below limit seconds, count in units. */
struct duration_step {
	int64_t limit;
	int64_t unit;
	const char *suffix;
};

static const struct duration_step duration_steps[] = {
	{ DURATION_HOUR, DURATION_MINUTE, "m" },
	{ DURATION_DAY, DURATION_HOUR, "h" },
	{ 60 * (int64_t)DURATION_DAY, DURATION_DAY, "d" },
	{ 730 * (int64_t)DURATION_DAY, 30 * (int64_t)DURATION_DAY, "mo" },
	{ INT64_MAX, 365 * (int64_t)DURATION_DAY, "y" }
};

static int
duration_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
duration_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Read a run of digits into *v; returns the count read, or -1 on overflow. */
static int
duration_digits(const char **sp, int64_t *v)
{
	const char *s = *sp;
	int n = 0;

	*v = 0;
	for (; duration_is_digit(*s); s++, n++) {
		if (*v > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	*sp = s;
	return n;
}

/* Seconds in the unit named by the letters at *sp (case-insensitive), or 0. */
static int64_t
duration_unit(const char **sp, const struct duration_unit *units)
{
	const char *s = *sp;
	size_t len = 0;

	while (duration_is_alpha(s[len]))
		len++;
	for (; units->name != NULL; units++) {
		if (strlen(units->name) == len && strncasecmp(s, units->name, len) == 0) {
			*sp = s + len;
			return units->seconds;
		}
	}
	return 0;
}

/* Parse groups of digits and units into seconds. A bare integer (no unit)
 * is allowed only as the whole value and only when bare_ok. */
static int
duration_groups(const char *s, const struct duration_unit *units, int bare_ok,
		int64_t *seconds)
{
	int64_t total = 0, v, unit;
	int groups;

	if (s == NULL || *s == '\0')
		return -1;
	for (groups = 0; *s != '\0'; groups++) {
		if (duration_digits(&s, &v) <= 0)
			return -1;
		if (*s == '\0' && groups == 0 && bare_ok) {
			total = v;
			break;
		}
		if ((unit = duration_unit(&s, units)) == 0)
			return -1;
		if (v > INT64_MAX / unit || total > INT64_MAX - v * unit)
			return -1;
		total += v * unit;
	}
	*seconds = total;
	return 0;
}

int
duration_parse(const char *s, int64_t *seconds)
{
	int64_t v;

	if (duration_groups(s, duration_lifetime_units, 1, &v) != 0 || v <= 0)
		return -1;
	*seconds = v;
	return 0;
}

/* Zero is a valid age ("expires:<0d" is the expired rows). */
int
duration_parse_age_ms(const char *s, int64_t *ms)
{
	int64_t v;

	if (duration_groups(s, duration_age_units, 0, &v) != 0 || v > INT64_MAX / 1000)
		return -1;
	*ms = v * 1000;
	return 0;
}

static int64_t
duration_clock_ms(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
duration_now_ms(void)
{
	const char *env = getenv("PATROL_NOW_MS");
	char *end;
	long long v;

	if (env != NULL && *env != '\0') {
		errno = 0;
		v = strtoll(env, &end, 10);
		if (errno == 0 && *end == '\0')
			return v;
	}
	return duration_clock_ms(CLOCK_REALTIME);
}

int64_t
duration_mono_ms(void)
{
	return duration_clock_ms(CLOCK_MONOTONIC);
}

/* Append s at *len to out (size n), cut as snprintf cuts: out stays
 * terminated. No printf: tables call this for every cell. */
static void
duration_add(char *out, size_t n, size_t *len, const char *s)
{
	size_t k = *len + 1 < n ? strnlen(s, n - 1 - *len) : 0;

	if (n == 0)
		return;
	memcpy(out + *len, s, k);
	*len += k;
	out[*len] = '\0';
}

static void
duration_copy(char *out, size_t n, const char *s)
{
	size_t len = 0;

	duration_add(out, n, &len, s);
}

/* "in 3d" or "3d ago" (q >= 0) into out, as "%s%lld%s%s" would write it. */
static void
duration_relative_text(int future, int64_t q, const char *suffix, char *out, size_t n)
{
	char num[24], *p = num + sizeof num;
	size_t len = 0;

	*--p = '\0';
	do {
		*--p = (char)('0' + q % 10);
		q /= 10;
	} while (q > 0);
	duration_add(out, n, &len, future ? "in " : "");
	duration_add(out, n, &len, p);
	duration_add(out, n, &len, suffix);
	duration_add(out, n, &len, future ? "" : " ago");
}

/* Under a minute is "just now" both ways; then minutes below an hour, hours
 * below a day, days below 60 days, months (30 days) below 730 days, years. */
void
duration_relative(int64_t then_ms, int64_t now_ms, char *out, size_t n)
{
	const struct duration_step *st = duration_steps;
	int64_t diff, secs, q;
	int future;

	if (then_ms <= 0) {
		duration_copy(out, n, "never");
		return;
	}
	future = then_ms > now_ms;
	diff = future ? then_ms - now_ms : now_ms - then_ms;
	secs = diff / 1000;
	if (secs < DURATION_MINUTE) {
		duration_copy(out, n, "just now");
		return;
	}
	while (secs >= st->limit)
		st++;
	/* The past counts whole units ("23h ago"); the future rounds to the
	 * nearest, so a 30-day token made a moment ago is "in 30d". */
	q = secs / st->unit;
	if (future) {
		q = (secs + st->unit / 2) / st->unit;
		if (q * st->unit >= st->limit && st->limit != INT64_MAX) {
			st++;
			q = (secs + st->unit / 2) / st->unit;
		}
	}
	duration_relative_text(future, q, st->suffix, out, n);
}

void
duration_relative_day(int64_t day_ms, int64_t now_ms, char *out, size_t n)
{
	int64_t day = DURATION_DAY * 1000LL;
	int64_t then = day_ms - day_ms % day, today = now_ms - now_ms % day;

	if (day_ms <= 0) {
		duration_copy(out, n, "never");
		return;
	}
	if (then >= today) {
		duration_copy(out, n, "today");
		return;
	}
	duration_relative(then, today, out, n);
}

/* Break ms down into *tm in UTC or local time. Returns 0 or -1. */
static int
duration_tm(int64_t ms, bool utc, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	return (utc ? gmtime_r(&t, tm) : localtime_r(&t, tm)) == NULL ? -1 : 0;
}

/* Two digits of v (0..99) at p. */
static char *
duration_two(char *p, int v)
{
	*p++ = (char)('0' + v / 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* The formats times are written in, for duration_strftime. */
#define DURATION_FORMATS(_) \
	_(MINUTE,   "%Y-%m-%d %H:%M")     \
	_(MINUTE_Z, "%Y-%m-%d %H:%MZ")    \
	_(ISO8601,  "%Y-%m-%dT%H:%M:%SZ")

#define DURATION_FMT_ENUM(e, f) DURATION_FMT_##e,
enum duration_fmt { DURATION_FORMATS(DURATION_FMT_ENUM) };
#undef DURATION_FMT_ENUM
#define DURATION_FMT_TEXT(e, f) f,
static const char *const duration_fmts[] = { DURATION_FORMATS(DURATION_FMT_TEXT) };
#undef DURATION_FMT_TEXT

/* strftime itself (its format a literal, as the compiler checks it). */
static size_t
duration_libc_strftime(char *out, size_t n, enum duration_fmt fmt, const struct tm *tm)
{
	switch (fmt) {
#define DURATION_FMT_CASE(e, f) case DURATION_FMT_##e: return strftime(out, n, f, tm);
	DURATION_FORMATS(DURATION_FMT_CASE)
#undef DURATION_FMT_CASE
	}
	return 0;
}

/* strftime(out, n, duration_fmts[fmt], tm), without its cost: the expiry
 * cell of every row of a table. The formats hold %Y %m %d %H %M %S and
 * plain characters; a year strftime would not write as four digits goes
 * to strftime itself. */
static size_t
duration_strftime(char *out, size_t n, enum duration_fmt fmt, const struct tm *tm)
{
	char buf[32], *p = buf;
	const char *f;
	int year = tm->tm_year + 1900;

	if (year < 1000 || year > 9999)
		return duration_libc_strftime(out, n, fmt, tm);
	for (f = duration_fmts[fmt]; *f != '\0' && p + 4 <= buf + sizeof buf; f++) {
		if (*f != '%') {
			*p++ = *f;
			continue;
		}
		switch (*++f) {
		case 'Y': p = duration_two(duration_two(p, year / 100), year % 100); break;
		case 'm': p = duration_two(p, tm->tm_mon + 1); break;
		case 'd': p = duration_two(p, tm->tm_mday); break;
		case 'H': p = duration_two(p, tm->tm_hour); break;
		case 'M': p = duration_two(p, tm->tm_min); break;
		case 'S': p = duration_two(p, tm->tm_sec); break;
		default: return duration_libc_strftime(out, n, fmt, tm);
		}
	}
	if (*f != '\0')
		return duration_libc_strftime(out, n, fmt, tm);
	if ((size_t)(p - buf) >= n)
		return 0;               /* as strftime: it does not fit */
	memcpy(out, buf, (size_t)(p - buf));
	out[p - buf] = '\0';
	return (size_t)(p - buf);
}

void
duration_absolute(int64_t ms, bool utc, char *out, size_t n)
{
	struct tm tm;

	if (n == 0)
		return;
	if (ms <= 0)
		duration_copy(out, n, "never");
	else if (duration_tm(ms, utc, &tm) != 0 ||
	    duration_strftime(out, n, utc ? DURATION_FMT_MINUTE_Z : DURATION_FMT_MINUTE, &tm) == 0)
		out[0] = '\0';
}

/* The last ms of the year 9999 UTC: four digits a year up to there. */
#define DURATION_YEAR_10000_MS 253402300800000LL

/* ms (after 1970, before the year 10000) in UTC as "YYYY-MM-DDTHH:MM:SSZ"
 * at p (20 bytes and a NUL): the date worked out from the day number (H.
 * Hinnant's civil_from_days, the proleptic Gregorian calendar gmtime_r
 * uses), not by gmtime_r and duration_strftime: four dates in every row
 * of a CSV. */
static void
duration_iso8601_utc(int64_t ms, char *p)
{
	int64_t secs = ms / 1000, days = secs / 86400, sod = secs % 86400;
	int64_t z = days + 719468;                      /* days since 0000-03-01 */
	int64_t era = z / 146097;                       /* 400-year eras */
	int64_t doe = z - era * 146097;                 /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  /* from March 1 */
	int64_t mp = (5 * doy + 2) / 153;               /* March: 0 */
	int day = (int)(doy - (153 * mp + 2) / 5 + 1);
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	int year = (int)(yoe + era * 400 + (month <= 2));

	p = duration_two(duration_two(p, year / 100), year % 100);
	*p++ = '-';
	p = duration_two(p, month);
	*p++ = '-';
	p = duration_two(p, day);
	*p++ = 'T';
	p = duration_two(p, (int)(sod / 3600));
	*p++ = ':';
	p = duration_two(p, (int)(sod / 60 % 60));
	*p++ = ':';
	p = duration_two(p, (int)(sod % 60));
	*p++ = 'Z';
	*p = '\0';
}

void
duration_iso8601(int64_t ms, char *out, size_t n)
{
	struct tm tm;

	if (n == 0)
		return;
	if (ms > 0 && ms < DURATION_YEAR_10000_MS && n > 20) {
		duration_iso8601_utc(ms, out);
		return;
	}
	if (ms <= 0 || duration_tm(ms, true, &tm) != 0 ||
	    duration_strftime(out, n, DURATION_FMT_ISO8601, &tm) == 0)
		out[0] = '\0';
}

/* ---- timestamps from helper programs ------------------------------------ */

/* Read exactly n digits at *s into *v; advance. */
static bool
duration_ndigits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return false;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return true;
}

/* Read a literal character c at *s; advance. */
static bool
duration_lit(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

/* "YYYY-MM-DD", 'T' or ' ', "HH:MM:SS" into tm; fraction ms into *ms. */
static bool
duration_scan_civil(const char **s, struct tm *tm, int *ms)
{
	int v[6], scale = 100;

	memset(tm, 0, sizeof *tm);
	if (!duration_ndigits(s, 4, &v[0]) || !duration_lit(s, '-') ||
	    !duration_ndigits(s, 2, &v[1]) || !duration_lit(s, '-') ||
	    !duration_ndigits(s, 2, &v[2]) ||
	    (!duration_lit(s, 'T') && !duration_lit(s, 't') && !duration_lit(s, ' ')) ||
	    !duration_ndigits(s, 2, &v[3]) || !duration_lit(s, ':') ||
	    !duration_ndigits(s, 2, &v[4]) || !duration_lit(s, ':') ||
	    !duration_ndigits(s, 2, &v[5]))
		return false;
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return false;
	*ms = 0;
	if (duration_lit(s, '.')) {
		if (**s < '0' || **s > '9')
			return false;
		for (; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
			*ms += (**s - '0') * scale;
	}
	tm->tm_year = v[0] - 1900;
	tm->tm_mon = v[1] - 1;
	tm->tm_mday = v[2];
	tm->tm_hour = v[3];
	tm->tm_min = v[4];
	tm->tm_sec = v[5];
	tm->tm_isdst = -1;
	return true;
}

/* A zone: "Z", "+HH:MM", "+HHMM" (or '-'); seconds east of UTC. */
static bool
duration_scan_zone(const char *s, int *east)
{
	int sign, h, m;

	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*east = 0;
		return true;
	}
	if (s[0] != '+' && s[0] != '-')
		return false;
	sign = s[0] == '-' ? -1 : 1;
	s++;
	if (!duration_ndigits(&s, 2, &h))
		return false;
	(void)duration_lit(&s, ':');
	if (!duration_ndigits(&s, 2, &m) || *s != '\0' || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600 + m * 60);
	return true;
}

int
duration_parse_timestamp(const char *s, int64_t *ms)
{
	struct tm tm;
	int frac, east;
	time_t t;

	if (s == NULL || !duration_scan_civil(&s, &tm, &frac))
		return -1;
	if (*s == '\0') {
		t = mktime(&tm);           /* local time */
		if (t == (time_t)-1)
			return -1;
	} else if (duration_scan_zone(s, &east)) {
		t = timegm(&tm) - east;
	} else
		return -1;
	*ms = (int64_t)t * 1000 + frac;
	return 0;
}
