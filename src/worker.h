/*
 * worker.h: the one background thread that talks to the network.
 *
 * A worker serves one workspace; a worker group is the thread and its
 * libcurl multi handle, and serves every worker started in it: one thread
 * for a run over any number of workspaces (issue 11). Everything else is
 * the worker's own: its host, TLS and proxy options, its sign-in, its
 * pace, its queues, halted batches, retries, stats and wake descriptor, so
 * one workspace's 429s or outage never slow another's. A worker started
 * without a group gets a group of its own, freed with it.
 *
 * The worker runs calls concurrently, retrying by retry.h with backoff,
 * each call bounded by a deadline. How many transfers run at once and how
 * fast they start is pace.h's adaptive controller, so nobody has to tune
 * it: it starts with PACE_START_INFLIGHT transfers and no rate limit, grows
 * by one transfer a round trip while answers come back clean, and on a 429
 * pauses every start for its Retry-After (1 s when absent), halves the
 * transfers and drops the start rate to the rate that was succeeding; then
 * it probes upward again, 10% every 5 s. max_inflight (--jobs) and rate
 * (--rate) are hard caps it never exceeds. The throttled request goes back
 * to the front of the queue, so it is the first sent when the pause ends
 * (the pause is its backoff: a per-request exponential backoff on top would
 * only stretch the tail of a batch). This is polite to a shared workspace:
 * patrol never sends faster than the workspace has been answering, backs
 * off for as long as it is told to, and climbs back slowly, leaving other
 * clients (and others behind the same IP address, which Databricks also
 * throttles) their share. A call with a journal (call.h) gets its intent
 * written and fsync'd before its first request, and its result written when
 * it finishes, by this thread. Calls come in through worker_submit and go
 * out, finished, through worker_take/worker_wait; a wake descriptor becomes
 * readable while finished calls wait, so a UI can poll() it. Ownership
 * moves with the call: the submitter never touches a call between submit
 * and take.
 *
 * The worker never exits the process or prints; errors are in each call. The
 * only thing it writes is the --debug log, to debug_fd, one line per write:
 * method, URL, status, timing and headers, with Authorization rewritten to
 * <redacted> and no bodies, ever.
 *
 * Authentication (auth.h): a PAT is sent as is. For the other auth types
 * the worker drives an auth_session: OAuth discovery and token requests
 * (oauth-m2m, env-oidc, file-oidc, azure-client-secret) run as internal
 * transfers; a helper program (databricks-cli, azure-cli) is spawned from
 * this thread and its output read as it arrives, never waited for, so
 * transfers already running go on and the UI thread never blocks; calls
 * that need the token wait for it (at most 30 s, or the call deadline if
 * shorter). The token is refreshed a minute before it expires (40 s at
 * least on Azure), before starting calls. --debug says when a new token
 * was obtained and how long it lives; never the token.
 *
 * Transport rules (reliability.md): https only, http for loopback hosts;
 * no redirects followed (a 3xx is PATROL_REDIRECT, or PATROL_PRIVATE_LINK for
 * a login.html?error=private-link-validation-error); certificate checks on,
 * TLS >= 1.2, ca_file honoured; connect timeout 10 s; abort below 1 byte/s
 * for 30 s; request_timeout_ms per request; bodies capped at max_body
 * (PATROL_TOO_LARGE, not retried); control characters in URLs or header
 * values refused before sending.
 */
#ifndef PATROL_WORKER_H
#define PATROL_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "config.h"
#include "pace.h"
#include "status.h"

#define WORKER_DEFAULT_INFLIGHT PACE_DEFAULT_INFLIGHT
#define WORKER_DEFAULT_DEADLINE_MS 120000
#define WORKER_DEFAULT_REQUEST_TIMEOUT_MS 60000
#define WORKER_DEFAULT_MAX_BODY ((size_t)256 << 20)

struct worker_opts {
	const struct config *cfg;     /* copied at start; the caller may free it after */
	int max_inflight;             /* the cap; <= 0: WORKER_DEFAULT_INFLIGHT */
	double rate;                  /* the cap in request starts a second; <= 0: none
				       * (the pace finds the workspace's rate) */
	int64_t call_deadline_ms;     /* per call, all retries included; <= 0: default */
	int64_t request_timeout_ms;   /* per HTTP request; <= 0: default */
	size_t max_body;              /* 0: default */
	int debug_fd;                 /* -1: no debug log */
	bool read_only;               /* mutating calls finish PATROL_READ_ONLY, unsent */
	bool dry_run;                 /* mutating calls finish PATROL_DRY_RUN, unsent */
	const char *version;          /* for the User-Agent "patrol/VERSION os/linux auth/pat" */
	struct worker_group *group;   /* the thread to run on; NULL: a thread of its own */
};

struct worker;
struct worker_group;

/* What the scheduler is doing, for a progress display. */
struct worker_stats {
	int limit;                    /* transfers allowed now (adaptive) */
	int max;                      /* the configured limit */
	double rate;                  /* starts a second allowed now (adaptive); 0: no limit */
	unsigned long throttled;      /* 429 answers so far */
	int64_t pause_until_ms;       /* monotonic: starts paused until (Retry-After) */
	unsigned long retries;        /* retries scheduled so far */
	int retry_attempt;            /* the last one: the attempt it will be */
	int64_t retry_since_ms;       /* monotonic: when its call was first sent */
	char retry_note[200];         /* "503 from HOST", "cannot connect to HOST: …" */
};

/* A group with no thread yet: its first worker_start starts the thread,
 * worker_group_free ends it. NULL when out of memory. */
struct worker_group *worker_group_new(void);
/* Stop every worker of g first (worker_stop); then this ends the thread
 * and frees g. NULL is fine. */
void worker_group_free(struct worker_group *g);
/* Start a worker in opts->group (its thread starts with its first worker),
 * or on a thread of its own. Call curl_global_init before (main does).
 * Block the signals the UI wants (SIGINT, SIGTERM, SIGHUP, SIGWINCH) before
 * the group's first worker_start: the thread inherits the mask. */
enum patrol_status worker_start(const struct worker_opts *opts, struct worker **out,
				struct patrol_err *err);
/* Hand c to the worker (it owns it now). Never blocks on the network. */
void worker_submit(struct worker *w, struct call *c);
/* A finished call, or NULL when none is waiting. Never blocks. */
struct call *worker_take(struct worker *w);
/* Wait up to timeout_ms (-1: forever) for a finished call; NULL on timeout. */
struct call *worker_wait(struct worker *w, int timeout_ms);
/* Readable while finished calls wait (an eventfd, or a pipe). */
int worker_wake_fd(const struct worker *w);
/* Calls submitted and not yet taken back. */
size_t worker_pending(const struct worker *w);
/* Finish every queued and in-flight call as PATROL_CANCELLED (in-flight
 * transfers are aborted; a create aborted after sending is UNKNOWN_OUTCOME).
 * They are still handed back through worker_take. Returns at once. */
void worker_cancel_all(struct worker *w);
/* A new batch id (call.h batch) for calls that stand or fall together.
 * Never 0. Any thread. */
uint64_t worker_batch_new(struct worker *w);
/* Stop batch: from now on every member of it that is not in flight (queued,
 * waiting to retry, or submitted later) finishes PATROL_CANCELLED "not sent:
 * the batch was stopped"; in-flight ones finish normally. A 401 or 403 to
 * any member does the same by itself. Returns at once; 0 does nothing. */
void worker_halt_batch(struct worker *w, uint64_t batch);
/* The auth type signing in: the configured one, or the one it fell back to
 * when the Databricks CLI said nobody signed in for the host. Any thread. */
enum auth_type worker_auth_type(struct worker *w);
/* A snapshot of the scheduler's state. Any thread. */
void worker_stats(struct worker *w, struct worker_stats *out);
/* Cancel everything, wait until the thread has let go of the worker (the
 * thread goes on serving the group's others), and free the worker and every
 * call it still holds (finished or not). NULL is fine. */
void worker_stop(struct worker *w);
/* Convenience for one-shot callers (the CLI): submit c and wait for it.
 * Returns the finished call (the same pointer). Other finished calls are not
 * taken: use it only when nothing else is in flight. */
struct call *worker_run(struct worker *w, struct call *c);
/* Wait up to timeout_ms for c (submitted with worker_submit) to finish, and
 * take it back: true when it did. For one-shot callers that show progress
 * while they wait; other finished calls are not taken. */
bool worker_wait_for(struct worker *w, struct call *c, int timeout_ms);

#endif
