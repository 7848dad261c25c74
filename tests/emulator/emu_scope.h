/*
 * emu_scope.h: API scopes and the use of tokens in patrol-emulator.
 *
 * Every /api/ path belongs to the API family that one scope covers (the
 * table in emu_scope.c: token and token-management paths are
 * "authentication", permissions "access-management", SCIM "scim",
 * /api/2.1/jobs "jobs", /api/2.0/sql "sql", and so on). A few paths any
 * token may call (SCIM Me, workspace-conf, the token permission levels);
 * the rest of /api/ no scope covers.
 *
 * A PAT with scopes may call a path when one of its scopes is the path's,
 * or is "all-apis", or is the path's with ":read" and the call is a GET. A
 * PAT without scopes, or one still observed by auto-scoping, may call
 * anything; one narrowed to nothing (scopes []) only the paths any token
 * may call. An accepted call is the token's use: its last use becomes now
 * and, while it is observed (AUTOSCOPE_STATE_RUNNING), the path's scope
 * joins inferred_scopes, or, for a path no scope covers, the token becomes
 * AUTOSCOPE_STATE_API_NOT_COVERED.
 */
#ifndef PATROL_EMU_SCOPE_H
#define PATROL_EMU_SCOPE_H

#include "emu_state.h"

/* The scope of paths any token may call. */
#define EMU_SCOPE_ANY ""

/* The scope of a path: a scope name, EMU_SCOPE_ANY, or NULL when no scope
 * covers it. */
const char	*emu_scope_of(const char *path);
/* The scope t lacks to call method on a path of scope ("all-apis" for a
 * path no scope covers), or NULL when the call is allowed. */
const char	*emu_scope_missing(const struct emu_token *t, const char *scope,
		     const char *method);
/* Record an accepted call of t on a path of scope (see above); -1 on
 * allocation failure, with the use recorded but not the scope. */
int		 emu_scope_use(struct emu_state *, struct emu_token *t,
		     const char *scope);
/* Add scope to the compact JSON list *list (NULL: none) unless there; -1 on
 * allocation failure. */
int		 emu_scope_add(char **list, const char *scope);

#endif
