/*
 * fuzz_journal.c: libFuzzer target for the session journal reader.
 *
 * The input is parsed as a journal file with journal_parse. Invariants
 * checked (abort on a violation, so libFuzzer and the replay driver both
 * report it): an error names the input ("NAME:LINE: why" or "NAME: why")
 * and leaves an empty session; a parsed session has a valid session id and
 * host, every entry a valid id (1..64 printable ASCII, no space) and no id
 * twice, results in range with status and message NUL-terminated inside
 * their arrays, the counts by last result plus pending equal the number of
 * entries, open intents are pending entries with intents, an end reason
 * exactly when it has ended, and strings are valid UTF-8. Parsing the same
 * bytes twice gives the same answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz.jsonl"

static void
violation(const char *why, const char *s)
{
	fprintf(stderr, "fuzz_journal: %s: \"", why);
	for (; s != NULL && *s != '\0'; s++)
		fprintf(stderr, "\\x%02x", (unsigned char)*s);
	fprintf(stderr, "\"\n");
	abort();
}

static bool
id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > TOKEN_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Valid UTF-8 without overlongs or surrogates (what JSON text can hold). */
static bool
utf8_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp, min;
	size_t len, i;

	while (*s) {
		if (s[0] < 0x80) { s++; continue; }
		if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; cp = s[0] & 0x1fu; min = 0x80; }
		else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; cp = s[0] & 0x0fu; min = 0x800; }
		else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; cp = s[0] & 0x07u; min = 0x10000; }
		else return false;
		for (i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += len;
	}
	return true;
}

static void
check_str(const char *what, const char *s, bool nullable)
{
	if (s == NULL) {
		if (!nullable)
			violation("missing string", what);
		return;
	}
	if (strlen(s) > 4096)
		violation("string longer than 4096 bytes", what);
	if (!utf8_ok(s))
		violation("invalid UTF-8 in", what);
}

static void
check_entry(const struct journal_entry *e)
{
	if (memchr(e->item.id, '\0', sizeof e->item.id) == NULL || !id_ok(e->item.id))
		violation("bad id", e->item.id);
	if ((unsigned)e->last > JOURNAL_PENDING)
		violation("result out of range", e->item.id);
	if (memchr(e->status, '\0', sizeof e->status) == NULL)
		violation("status not terminated", e->item.id);
	if (memchr(e->message, '\0', sizeof e->message) == NULL)
		violation("message not terminated", e->item.id);
	if (!utf8_ok(e->message))
		violation("message cut inside a character", e->message);
	if (e->last == JOURNAL_PENDING && (e->status[0] != '\0' || e->message[0] != '\0' || e->http != 0))
		violation("pending entry with result details", e->item.id);
	if (e->last != JOURNAL_PENDING && e->results == 0)
		violation("a result without a result record", e->item.id);
	if (e->http < 0 || e->http > 999)
		violation("http status out of range", e->item.id);
	check_str("owner", e->item.owner, true);
	check_str("comment", e->item.comment, true);
	if (e->item.flags >> TOKEN_FLAG_COUNT)
		violation("unknown flag bits", e->item.id);
}

static void
check_session(const struct journal_session *s)
{
	size_t i, k, sum = 0, open = 0, pending = 0;

	if (s->session == NULL || !id_ok(s->session) || strchr(s->session, '/') != NULL)
		violation("bad session id", s->session);
	check_str("host", s->host, false);
	if (s->host[0] == '\0')
		violation("empty host", "");
	check_str("user", s->user, true);
	check_str("profile", s->profile, true);
	check_str("filter", s->filter, true);
	if (s->path != NULL || s->busy)
		violation("journal_parse set path or busy", "");
	if (s->started_ms <= 0 || s->ended_ms < 0)
		violation("bad times", "");
	if (memchr(s->end_reason, '\0', sizeof s->end_reason) == NULL ||
	    (s->ended_ms == 0) != (s->end_reason[0] == '\0'))
		violation("end reason and end time disagree", s->end_reason);
	if (s->n > 0 && s->v == NULL)
		violation("entries missing", "");
	for (i = 0; i < s->n; i++) {
		check_entry(&s->v[i]);
		if (s->v[i].last == JOURNAL_PENDING) {
			pending++;
			open += s->v[i].intents > 0;
		}
		for (k = 0; s->n <= 2000 && k < i; k++)
			if (strcmp(s->v[k].item.id, s->v[i].item.id) == 0)
				violation("duplicate id", s->v[i].item.id);
	}
	for (i = 0; i < JOURNAL_RESULT_COUNT; i++)
		sum += s->counts[i];
	if (sum + s->pending != s->n || pending != s->pending)
		violation("counts do not add up", "");
	if (open != s->open_intents || s->open_intents > s->pending)
		violation("open intents miscounted", "");
}

/* Two parses of the same text agree. */
static void
check_again(const uint8_t *data, size_t size, const struct journal_session *a)
{
	struct journal_session b;
	struct patrol_err err;
	size_t i;

	status_clear(&err);
	if (journal_parse((const char *)data, size, FUZZ_NAME, &b, &err) != PATROL_OK)
		violation("second parse failed", err.message);
	if (b.n != a->n || b.pending != a->pending || b.torn != a->torn ||
	    b.ended_ms != a->ended_ms || b.resumes != a->resumes ||
	    memcmp(b.counts, a->counts, sizeof b.counts) != 0)
		violation("parses disagree", "");
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].item.id, b.v[i].item.id) != 0 || a->v[i].last != b.v[i].last)
			violation("parses disagree on an entry", a->v[i].item.id);
	journal_session_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_session s;
	struct patrol_err err;
	enum patrol_status st;

	memset(&s, 0xa5, sizeof s);
	status_clear(&err);
	st = journal_parse((const char *)data, size, FUZZ_NAME, &s, &err);
	if (st != PATROL_OK) {
		if (s.v != NULL || s.n != 0 || s.host != NULL || s.session != NULL)
			violation("failed parse left a result", err.message);
		if (err.status != st)
			violation("status and error disagree", err.message);
		if (strncmp(err.message, FUZZ_NAME ":", strlen(FUZZ_NAME) + 1) != 0 &&
		    strcmp(err.message, "out of memory") != 0)
			violation("error does not name the input", err.message);
		if (st != PATROL_PROTOCOL && st != PATROL_NOMEM && st != PATROL_TOO_LARGE)
			violation("unexpected status", err.message);
		return 0;
	}
	check_session(&s);
	check_again(data, size, &s);
	journal_session_free(&s);
	if (s.v != NULL || s.n != 0)
		violation("free left entries", "");
	return 0;
}
