/*
 * emu_clock.h: the emulator's clock and the rules the server applies as
 * time passes (token-api.md, "Auto-scoping" and "The 90-day clock").
 *
 * The clock stands still (--now-ms) or runs with the real time; tests move
 * it forward with POST /emulator/clock or --advance-ms. The rules run when
 * it is moved, as of the new time, never as the real time passes (so no
 * token changes under a running test by itself):
 * - a token observed by auto-scoping (AUTOSCOPE_STATE_RUNNING) for 30 days
 *   since its creation is narrowed: AUTOSCOPE_STATE_COMPLETED, its scopes
 *   become its inferred scopes (an empty list when nothing was inferred: it
 *   may then call only what any token may call);
 * - a token not used for 90 days (since its last use, or its creation when
 *   never used) is revoked.
 * Expired tokens are left alone. Revocation comes first.
 */
#ifndef PATROL_EMU_CLOCK_H
#define PATROL_EMU_CLOCK_H

#include <jansson.h>

#include "emu_state.h"

#define EMU_OBSERVE_DAYS 30	/* observation before enforcement */
#define EMU_UNUSED_DAYS 90	/* unused PATs are revoked after this */

/* Move the clock to `to`, then apply the rules. A clock that stood still
 * stands at `to`; a running one runs on from it. It never goes back: a `to`
 * before now (a running clock may have passed it meanwhile) leaves it where
 * it is. The ids of narrowed and revoked tokens are appended to the arrays
 * (either may be NULL). -1 on allocation failure. */
int		 emu_clock_move(struct emu_state *, int64_t to, json_t *narrowed,
		     json_t *revoked);
/* Whether the clock stands still. */
int		 emu_clock_frozen(const struct emu_state *);

#endif
