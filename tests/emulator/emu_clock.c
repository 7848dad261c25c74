/*
 * emu_clock.c: moving the emulator's time, and the server's sweep over the
 * tokens that follows each move. One pass over the token array: 100,000
 * tokens take a few milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "emu_clock.h"

int
emu_clock_frozen(const struct emu_state *st)
{
	return st->fixed_now != 0;
}

/* Whether t has gone unused for the whole grace period at now. */
static int
emu_clock_unused(const struct emu_token *t, int64_t now)
{
	int64_t since = t->last_used != 0 ? t->last_used : t->creation_time;

	return since + EMU_UNUSED_DAYS * EMU_DAY_MS <= now;
}

/* Narrow t to what it was seen to use; -1 on allocation failure. */
static int
emu_clock_narrow(struct emu_token *t)
{
	char *s = strdup(t->inferred != NULL ? t->inferred : "[]");

	if (s == NULL)
		return -1;
	free(t->scopes);
	t->scopes = s;
	t->autoscope = EMU_AS_COMPLETED;
	return 0;
}

/* Append t's id to a report list, when there is one. */
static int
emu_clock_note(json_t *list, const struct emu_token *t)
{
	return list == NULL ? 0 : json_array_append_new(list,
	    json_string(t->id));
}

/* Apply the rules to one live token; -1 on allocation failure. */
static int
emu_clock_rule(struct emu_state *st, struct emu_token *t, int64_t now,
    json_t *narrowed, json_t *revoked)
{
	if (emu_clock_unused(t, now)) {
		if (emu_clock_note(revoked, t) != 0)
			return -1;
		st->stats.server[EMU_SERVER_REVOKED_UNUSED]++;
		emu_token_remove(st, t);
		return 0;
	}
	if (t->autoscope != EMU_AS_RUNNING ||
	    t->creation_time + EMU_OBSERVE_DAYS * EMU_DAY_MS > now)
		return 0;
	if (emu_clock_narrow(t) != 0 || emu_clock_note(narrowed, t) != 0)
		return -1;
	st->stats.server[EMU_SERVER_NARROWED]++;
	return 0;
}

/* The server's sweep as of now. */
static int
emu_clock_sweep(struct emu_state *st, json_t *narrowed, json_t *revoked)
{
	int64_t now = emu_now_ms(st);
	struct emu_token *t;
	size_t i;

	for (i = 0; i < st->ntokens; i++) {
		t = st->tokens[i];
		if (t == NULL || emu_token_expired(st, t))
			continue;
		if (emu_clock_rule(st, t, now, narrowed, revoked) != 0)
			return -1;
	}
	return 0;
}

int
emu_clock_move(struct emu_state *st, int64_t to, json_t *narrowed,
    json_t *revoked)
{
	int64_t now = emu_now_ms(st);

	if (to < now)
		to = now;
	if (emu_clock_frozen(st))
		st->fixed_now = to;
	else
		st->clock_offset += to - now;
	return emu_clock_sweep(st, narrowed, revoked);
}
