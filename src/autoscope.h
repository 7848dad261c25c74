/*
 * autoscope.h: Databricks' auto-scoping, as patrol models it (token-api.md,
 * "Auto-scoping"): the states in words, the estimated enforcement date, what
 * a token can do now and after enforcement, and the scopes a pin sets.
 *
 * Pure functions over plain values and borrowed string arrays: no I/O, no
 * token rows (token.h reads a row's fields and calls these), so the date
 * arithmetic and the scope sets are tested on their own. Strings are raw
 * server strings: sanitize them before output.
 */
#ifndef PATROL_AUTOSCOPE_H
#define PATROL_AUTOSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTOSCOPE_DAY_MS ((int64_t)86400000)
#define AUTOSCOPE_OBSERVE_MS (30 * AUTOSCOPE_DAY_MS) /* observed this long, then narrowed */
#define AUTOSCOPE_SOON_MS (7 * AUTOSCOPE_DAY_MS)     /* Databricks' reminder comes this early */
#define AUTOSCOPE_ALL_APIS "all-apis"
#define AUTOSCOPE_PRIVILEGED "authentication"        /* can mint tokens of any scope */

/* autoscope_state values.
 *        enum              wire name                           words */
#define AUTOSCOPE_STATES(_) \
	_(NONE,            NULL,                              "-")              \
	_(RUNNING,         "AUTOSCOPE_STATE_RUNNING",         "observing")      \
	_(COMPLETED,       "AUTOSCOPE_STATE_COMPLETED",       "narrowed")       \
	_(BACKFILLED,      "AUTOSCOPE_STATE_BACKFILLED",      "from history")   \
	_(DISABLED,        "AUTOSCOPE_STATE_DISABLED",        "off")            \
	_(USER_SELECTED,   "AUTOSCOPE_STATE_USER_SELECTED",   "set by hand")    \
	_(API_NOT_COVERED, "AUTOSCOPE_STATE_API_NOT_COVERED", "not coverable")  \
	_(OTHER,           NULL,                              NULL)  /* unknown: shown as sent */

#define AUTOSCOPE_STATE_ENUM(e, wire, words) AUTOSCOPE_##e,
enum autoscope_state { AUTOSCOPE_STATES(AUTOSCOPE_STATE_ENUM) AUTOSCOPE_STATE_COUNT };
#undef AUTOSCOPE_STATE_ENUM

/* The state a wire value names: NULL or "" is NONE, an unknown one OTHER. */
enum autoscope_state autoscope_state_parse(const char *wire);
/* The state in words ("observing", …); an unknown value as sent; "-" when
 * absent. Never NULL. */
const char *autoscope_state_words(const char *wire);

/* When auto-scoping will narrow a token: for an observed (RUNNING) one,
 * observation start (its creation) + 30 days, patrol's estimate (no API
 * gives it); 0 for every other state and for an unknown creation time. */
int64_t autoscope_enforce_ms(enum autoscope_state s, int64_t creation_ms);
/* Whether enforce_ms (from autoscope_enforce_ms) comes within 7 days of
 * now_ms, or is already due and not yet applied. */
bool autoscope_soon(int64_t enforce_ms, int64_t now_ms);

/* What a token may call: every API (full), or the listed scopes. v is
 * borrowed. */
struct autoscope_access {
	bool full;
	const char *const *v;
	size_t n;
};
/* Access by declared scopes: none, or all-apis among them, is full. */
void autoscope_access_now(const char *const *scopes, size_t n, struct autoscope_access *out);
/* Access after enforcement: an observed token keeps only what was inferred
 * (nothing when nothing was: full only when all-apis was inferred); every
 * other state keeps its access (narrowed already, set by hand, off, or not
 * coverable: it cannot be narrowed). */
void autoscope_access_after(enum autoscope_state s, const char *const *scopes, size_t nscopes,
			    const char *const *inferred, size_t ninferred,
			    struct autoscope_access *out);
/* Whether a grants scope: full, the name itself, or for "X:read" the
 * whole X. */
bool autoscope_grants(const struct autoscope_access *a, const char *scope);
/* Whether going from now to after loses access: full becomes limited, or
 * a scope of now is not granted after. */
bool autoscope_loses(const struct autoscope_access *now, const struct autoscope_access *after);
/* The access in words into out: "sql,jobs", "(full access)", or
 * "(nothing)" when limited to no scope at all. */
void autoscope_access_format(const struct autoscope_access *a, char *out, size_t n);

/* The scopes a pin sets: with exact (n_exact > 0 or use_exact), exactly
 * those; else inferred ∪ backfill ∪ add, in that order, each name once.
 * *out is a malloc'd array of borrowed pointers (free it, not the
 * strings); NULL with 0 when empty. Returns the count, or (size_t)-1 on
 * out of memory. */
size_t autoscope_pin_scopes(const char *const *inferred, size_t ninferred,
			    const char *const *backfill, size_t nbackfill,
			    const char *const *add, size_t nadd,
			    const char *const *exact, size_t nexact, bool use_exact,
			    const char ***out);
/* Whether v[0..n) holds name. */
bool autoscope_has(const char *const *v, size_t n, const char *name);

#endif
