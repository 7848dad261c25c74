/*
 * estate.h: several workspaces at once (issue 11): which ones a run covers,
 * and waiting on the workers that serve them.
 *
 * A run names workspaces by profile: `-p A -p B`, `--profiles A,B` (the two
 * mix), or every profile of the config file with --all-profiles. Each is
 * then resolved as a single profile is (config_resolve with -p NAME): its
 * own credentials of any auth type. Each workspace gets a worker of its
 * own (worker.h), so its sign-in, its pace and its queues are its own, and
 * one workspace's 429s or outage never slow another's; the workers of a
 * run share one thread and its connections (a worker group), however many
 * workspaces it covers. A face waits on all of them with estate_wait. Both
 * faces and every command that covers several workspaces (list, show, quota,
 * audit, scopes, revoke, pin) picks with estate_pick.
 *
 * No network, no output: what --all-profiles leaves out comes back as notes
 * for the face to print.
 */
#ifndef PATROL_ESTATE_H
#define PATROL_ESTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "call.h"
#include "config.h"
#include "status.h"
#include "token.h"
#include "worker.h"

#define ESTATE_MAX 256          /* workspaces one run covers at most */

struct estate_pick {
	char **names;           /* profile names, in the order given (file order
				 * for --all-profiles), each once */
	size_t n;
	size_t nnamed;          /* names[0..nnamed) were named by hand (-p,
				 * --profiles): one that cannot be used stops
				 * the run, --all-profiles or not */
	char **notes;           /* "skipped profile 'acct': https://accounts… is
				 * an account console, not a workspace" */
	size_t nnotes;
	char *file;             /* the config file (--all-profiles), or NULL */
};

/* Pick the workspaces: given[0..ngiven) are -p and --profiles values: a
 * -p value (whole[i] true) is one name as it is, commas and all (a section
 * of the config file may have any name); a --profiles value (whole NULL,
 * or whole[i] false) holds names separated by commas, blanks around a name
 * ignored. all adds every profile of the config file whose host is a
 * workspace (account consoles and profiles without a host are skipped with
 * a note, unless named by hand: that one is the caller's to refuse). A name
 * given twice counts once. PATROL_CONFIG when a value is
 * empty, when no workspace is left, or past ESTATE_MAX; the file's errors
 * as config_profiles gives them. Free with estate_pick_free (also after an
 * error). */
enum patrol_status estate_pick(const char *const *given, const bool *whole, size_t ngiven,
			       bool all,
			       config_getenv_fn getenv_fn, void *env_ctx,
			       struct estate_pick *out, struct patrol_err *err);
void estate_pick_free(struct estate_pick *p);
/* Why estate_pick's all leaves profile cp of the file out, to follow its
 * host (or "it"): "has no workspace host", "is an account console, not a
 * workspace"; NULL when cp names a workspace. The UI's profile list asks
 * the same. */
const char *estate_not_workspace(const struct config_profile *cp);

/* Whether two profiles' normalized hosts (config.h) are one workspace: a
 * PAT profile and an OAuth one for the same host, or two users' profiles.
 * A token id is unique only within its workspace, and a workspace named by
 * two profiles may list one token through both (admin mode, or one user
 * twice), so both faces show and act on such a token once, through the
 * first profile that lists it: the later profile's rows that the earlier
 * one has are left out (estate_twins). */
bool estate_same_workspace(const char *host_a, const char *host_b);

/* Mark twin[j] for each row j of later that first (the list of an earlier
 * profile of the same workspace) also has, by id. Returns how many, or
 * (size_t)-1 on out of memory. */
size_t estate_twins(const struct token_table *first, const struct token_table *later,
		    unsigned char *twin);

/* Wait up to timeout_ms (-1: forever) for a finished call of any of the n
 * workers (NULL entries are skipped) and take it; *which is its worker's
 * index. NULL on timeout. Calls are taken in the order each worker
 * finished them. */
struct call *estate_wait(struct worker *const *w, size_t n, int timeout_ms, size_t *which);

#endif
