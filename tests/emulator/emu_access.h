/*
 * emu_access.h: who may use personal access tokens in patrol-emulator.
 *
 * Groups and their members, and the direct entries of the token permissions
 * (/api/2.0/permissions/authorization/tokens), as token-api.md describes:
 * - every user and service principal is in "users"; admins are in "admins",
 *   which always holds CAN_MANAGE (inherited, never stored as an entry);
 * - a principal may use PATs when it is an admin, holds a direct entry, or
 *   is in a group that holds one; otherwise its PATs authenticate nobody;
 * - dropping the direct entry of a user or service principal deletes all of
 *   its tokens at once, even when a group still lets it use tokens; an
 *   admin keeps its tokens (its CAN_MANAGE through "admins" cannot go).
 * Nothing here knows HTTP or JSON.
 */
#ifndef PATROL_EMU_ACCESS_H
#define PATROL_EMU_ACCESS_H

#include <stddef.h>

#include "emu_state.h"

/* The index of a group, or -1. */
int		 emu_group_find(const struct emu_state *, const char *name);
/* The index of a group, added when new; -1 on allocation failure or when
 * there are EMU_MAX_GROUPS already. */
int		 emu_group_get(struct emu_state *, const char *name);
/* Put u into a group (added when new); 0, or -1 as emu_group_get. */
int		 emu_group_join(struct emu_state *, struct emu_user *,
		     const char *group);
int		 emu_group_has(const struct emu_state *, const struct emu_user *,
		     int group);
/* The SCIM id of group index i ("admins" is 2000). */
long long	 emu_group_id(int group);

const char	*emu_principal_key(enum emu_principal);

/* Whether u may use personal access tokens. */
int		 emu_access_can_use(const struct emu_state *,
		     const struct emu_user *);
/* The user or service principal an entry names, or NULL (groups too). */
struct emu_user	*emu_access_user(struct emu_state *, const struct emu_grant *);
/*
 * Check one requested entry. 0 when it may be stored; *skip is then set when
 * it names the admins group at CAN_MANAGE (always so, never stored). -1 with
 * a message in err (a principal that does not exist, a level other than
 * CAN_USE or CAN_MANAGE, CAN_MANAGE for a non-admin, admins below
 * CAN_MANAGE).
 */
int		 emu_access_check(struct emu_state *, const struct emu_grant *,
		     int *skip, char *err, size_t errlen);
/*
 * Store checked entries: replace the list (PUT) or merge them into it
 * (PATCH: same principal, new level; else appended). A later entry for the
 * same principal wins. Tokens of users and service principals (not admins)
 * that lose their direct entry are deleted. Returns the number of live tokens deleted
 * (also counted in stats.server), or -1 on allocation failure with nothing
 * changed.
 */
long		 emu_access_apply(struct emu_state *, const struct emu_grant *,
		     size_t n, int replace);

#endif
