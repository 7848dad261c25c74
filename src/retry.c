/*
 * retry.c: the retry policy of token-api.md ("Retries") as pure functions.
 *
 * One attempt is reduced to a condition (connect failure, reset after
 * sending, 429, 502…); a table gives the verdict per condition and retry
 * class. Backoff is exponential with full jitter from a caller-kept PRNG
 * state, so the worker stays deterministic under a fixed seed. Retry-After
 * is parsed by hand (delta seconds or the three HTTP date forms of RFC 7231)
 * so the result does not depend on the locale.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "retry.h"

enum retry_cond {
	COND_CONNECT,          /* resolve or connect failed: nothing sent */
	COND_RESET_UNSENT,     /* reset before any request byte was sent */
	COND_RESET_SENT,       /* reset after sending */
	COND_TIMEOUT_UNSENT,   /* timed out before sending (connect phase) */
	COND_TIMEOUT_SENT,     /* timed out after sending */
	COND_OTHER_UNSENT,     /* TLS failure, bad URL…, nothing sent */
	COND_OTHER_SENT,       /* local failure after sending (body too large…) */
	COND_2XX,
	COND_3XX,
	COND_429,
	COND_LIMIT,            /* error_code REQUEST_LIMIT_EXCEEDED, not a 429 */
	COND_QUOTA,            /* error_code QUOTA_EXCEEDED */
	COND_4XX,              /* any other 4xx (and 1xx) */
	COND_500,
	COND_501,
	COND_502,
	COND_503,
	COND_504,
	COND_5XX,              /* any other 5xx */
	COND_COUNT
};

#define AGAIN RETRY_AGAIN
#define DONE RETRY_DONE
#define UNKNOWN RETRY_UNKNOWN

/* The table of token-api.md: verdict by condition, per retry class. A
 * revoke is idempotent, so unlike a list or an update it is retried on a
 * 500 too: the server may or may not have revoked, and sending it again is
 * harmless (a 404 then counts as done). */
static const enum retry_verdict retry_table[COND_COUNT][3] = {
	/*                        IDEMPOTENT  CREATE    REVOKE */
	[COND_CONNECT]        = { AGAIN,      AGAIN,    AGAIN },
	[COND_RESET_UNSENT]   = { AGAIN,      AGAIN,    AGAIN },
	[COND_RESET_SENT]     = { AGAIN,      UNKNOWN,  AGAIN },
	[COND_TIMEOUT_UNSENT] = { AGAIN,      AGAIN,    AGAIN },
	[COND_TIMEOUT_SENT]   = { AGAIN,      UNKNOWN,  AGAIN },
	[COND_OTHER_UNSENT]   = { DONE,       DONE,     DONE },
	[COND_OTHER_SENT]     = { DONE,       UNKNOWN,  DONE },
	[COND_2XX]            = { DONE,       DONE,     DONE },
	[COND_3XX]            = { DONE,       DONE,     DONE },
	[COND_429]            = { AGAIN,      AGAIN,    AGAIN },
	[COND_LIMIT]          = { AGAIN,      DONE,     AGAIN },
	[COND_QUOTA]          = { DONE,       DONE,     DONE },
	[COND_4XX]            = { DONE,       DONE,     DONE },
	[COND_500]            = { DONE,       UNKNOWN,  AGAIN },
	[COND_501]            = { DONE,       AGAIN,    DONE },
	[COND_502]            = { AGAIN,      UNKNOWN,  AGAIN },
	[COND_503]            = { AGAIN,      AGAIN,    AGAIN },
	[COND_504]            = { AGAIN,      UNKNOWN,  AGAIN },
	[COND_5XX]            = { DONE,       UNKNOWN,  DONE },
};

#undef AGAIN
#undef DONE
#undef UNKNOWN

/* Conditions of the transport failures: [transport][request_sent]. */
static const enum retry_cond retry_transport_cond[][2] = {
	[RETRY_T_OK]      = { COND_2XX, COND_2XX },    /* not used */
	[RETRY_T_CONNECT] = { COND_CONNECT, COND_RESET_SENT },
	[RETRY_T_RESET]   = { COND_RESET_UNSENT, COND_RESET_SENT },
	[RETRY_T_TIMEOUT] = { COND_TIMEOUT_UNSENT, COND_TIMEOUT_SENT },
	[RETRY_T_OTHER]   = { COND_OTHER_UNSENT, COND_OTHER_SENT },
};

/* HTTP statuses with a row of their own. */
static const struct {
	long status;
	enum retry_cond cond;
} retry_status_cond[] = {
	{ 429, COND_429 }, { 500, COND_500 }, { 501, COND_501 },
	{ 502, COND_502 }, { 503, COND_503 }, { 504, COND_504 },
};

/* Map an HTTP answer (status and error_code) to its condition. */
static enum retry_cond
retry_http_cond(long status, const char *code)
{
	size_t i;

	if (code != NULL && strcmp(code, "QUOTA_EXCEEDED") == 0)
		return COND_QUOTA;
	for (i = 0; i < sizeof retry_status_cond / sizeof retry_status_cond[0]; i++) {
		if (retry_status_cond[i].status == status)
			return retry_status_cond[i].cond;
	}
	if (code != NULL && strcmp(code, "REQUEST_LIMIT_EXCEEDED") == 0)
		return COND_LIMIT;
	if (status >= 200 && status < 300)
		return COND_2XX;
	if (status >= 300 && status < 400)
		return COND_3XX;
	if (status >= 500)
		return COND_5XX;
	return COND_4XX;
}

static enum retry_cond
retry_cond_of(const struct retry_input *in)
{
	if (in->transport == RETRY_T_OK)
		return retry_http_cond(in->http_status, in->error_code);
	if ((unsigned)in->transport > RETRY_T_OTHER)
		return in->request_sent ? COND_OTHER_SENT : COND_OTHER_UNSENT;
	return retry_transport_cond[in->transport][in->request_sent ? 1 : 0];
}

enum retry_verdict
retry_decide(const struct retry_input *in)
{
	unsigned col = (unsigned)in->kind <= CALL_RETRY_REVOKE ? (unsigned)in->kind : 0;

	return retry_table[retry_cond_of(in)][col];
}

bool
retry_unreachable(enum retry_transport transport, bool request_sent)
{
	return !request_sent && (transport == RETRY_T_CONNECT || transport == RETRY_T_TIMEOUT);
}

/* splitmix64: a small, well-mixed PRNG over a 64-bit state. */
static uint64_t
retry_next(uint64_t *seed)
{
	uint64_t z = (*seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* min(cap, base * 2^(attempt-1)) without overflow. */
static int64_t
retry_ceiling_ms(int attempt)
{
	int64_t ceiling = RETRY_BASE_MS;

	while (--attempt > 0 && ceiling < RETRY_CAP_MS)
		ceiling *= 2;
	return ceiling < RETRY_CAP_MS ? ceiling : RETRY_CAP_MS;
}

int64_t
retry_backoff_ms(int attempt, int64_t retry_after_ms, long http_status, uint64_t *seed)
{
	int64_t ceiling = retry_ceiling_ms(attempt < 1 ? 1 : attempt);
	int64_t delay = (int64_t)(retry_next(seed) % (uint64_t)(ceiling + 1));
	int64_t floor_ms = 0;

	if (retry_after_ms >= 0)
		floor_ms = retry_after_ms < RETRY_AFTER_CAP_MS ? retry_after_ms : RETRY_AFTER_CAP_MS;
	else if (http_status == 429)
		floor_ms = RETRY_BASE_MS;
	return delay > floor_ms ? delay : floor_ms;
}

/* ---- Retry-After -------------------------------------------------------- */

static const char *const retry_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int
retry_month(const char *name)
{
	int i;

	for (i = 0; i < 12; i++) {
		if (strcasecmp(name, retry_months[i]) == 0)
			return i;
	}
	return -1;
}

/* The fields of an HTTP date, as scanned. */
struct retry_date {
	char wday[16];
	char mon[4];
	char zone[4];
	int mday, year, hour, min, sec;
};

/* Scan the IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT". */
static int
retry_scan_imf(const char *s, struct retry_date *d)
{
	int n = -1;

	sscanf(s, "%15[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", d->wday,
	       &d->mday, d->mon, &d->year, &d->hour, &d->min, &d->sec, d->zone, &n);
	return n;
}

/* Scan the RFC 850 form "Sunday, 06-Nov-94 08:49:37 GMT". */
static int
retry_scan_rfc850(const char *s, struct retry_date *d)
{
	int n = -1;

	sscanf(s, "%15[A-Za-z], %2d-%3[A-Za-z]-%4d %2d:%2d:%2d %3[A-Z]%n", d->wday,
	       &d->mday, d->mon, &d->year, &d->hour, &d->min, &d->sec, d->zone, &n);
	if (n > 0 && d->year < 100)
		d->year += d->year < 70 ? 2000 : 1900;
	return n;
}

/* Scan the asctime form "Sun Nov  6 08:49:37 1994". */
static int
retry_scan_asctime(const char *s, struct retry_date *d)
{
	int n = -1;

	sscanf(s, "%15[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", d->wday, d->mon,
	       &d->mday, &d->hour, &d->min, &d->sec, &d->year, &n);
	memcpy(d->zone, "GMT", 4);
	return n;
}

static int (*const retry_date_forms[])(const char *, struct retry_date *) = {
	retry_scan_imf, retry_scan_rfc850, retry_scan_asctime,
};

/* Turn scanned fields into epoch seconds; -1 when out of range. */
static int64_t
retry_date_epoch(const struct retry_date *d)
{
	struct tm tm;
	int mon = retry_month(d->mon);

	if (mon < 0 || strcmp(d->zone, "GMT") != 0 || d->mday < 1 || d->mday > 31 ||
	    d->hour < 0 || d->hour > 23 || d->min < 0 || d->min > 59 || d->sec < 0 ||
	    d->sec > 60 || d->year < 1970)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = d->year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = d->mday;
	tm.tm_hour = d->hour;
	tm.tm_min = d->min;
	tm.tm_sec = d->sec;
	return (int64_t)timegm(&tm);
}

/* Parse an HTTP date in any of its forms; epoch seconds or -1. */
static int64_t
retry_parse_date(const char *s, size_t len)
{
	struct retry_date d;
	size_t i;
	int n;

	for (i = 0; i < sizeof retry_date_forms / sizeof retry_date_forms[0]; i++) {
		memset(&d, 0, sizeof d);
		n = retry_date_forms[i](s, &d);
		if (n > 0 && (size_t)n == len)
			return retry_date_epoch(&d);
	}
	return -1;
}

/* Parse delta seconds (digits only); seconds, saturated, or -1. */
static int64_t
retry_parse_delta(const char *s, size_t len)
{
	int64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v < RETRY_AFTER_CAP_MS)
			v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int64_t
retry_cap_ms(int64_t seconds)
{
	if (seconds <= 0)
		return 0;
	if (seconds >= RETRY_AFTER_CAP_MS / 1000)
		return RETRY_AFTER_CAP_MS;
	return seconds * 1000;
}

int64_t
retry_after_parse(const char *value, int64_t now_s)
{
	char copy[64];
	size_t len;
	int64_t v;

	if (value == NULL)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	if (len == 0 || len >= sizeof copy)
		return -1;
	memcpy(copy, value, len);
	copy[len] = '\0';
	if (isdigit((unsigned char)copy[0])) {
		v = retry_parse_delta(copy, len);
		return v < 0 ? -1 : retry_cap_ms(v);
	}
	v = retry_parse_date(copy, len);
	return v < 0 ? -1 : retry_cap_ms(v - now_s);
}
