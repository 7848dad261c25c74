/*
 * call.h: one API request and its result: the unit that crosses threads.
 *
 * An api_* builder (api.h) makes a call; the owner submits it to the worker
 * (worker.h) and never touches it again until the worker hands it back,
 * finished, through worker_take/worker_wait. The worker fills the result
 * part. Ownership is whole: whoever holds a call frees it with call_free.
 */
#ifndef PATROL_CALL_H
#define PATROL_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* How a request may be retried (token-api.md, "Retries"). */
enum call_retry {
	CALL_RETRY_IDEMPOTENT, /* list, get, update, settings, SCIM */
	CALL_RETRY_CREATE,     /* create: resend only when provably not processed */
	CALL_RETRY_REVOKE,     /* revoke: idempotent, and a 500 is retried too (a
				* revoke that was done answers 404 afterwards,
				* which counts as done) */
};

struct call;
/* Turn a 2xx body into c->result (and c->result_free). Runs on the worker
 * thread. body is NUL-terminated (len excludes the NUL) and may be empty (a
 * void call answered with an empty 200 or a 204). Returns PATROL_OK or fills
 * c->err and returns its status (PATROL_PROTOCOL for malformed JSON). */
typedef enum patrol_status (*call_parse_fn)(struct call *c, const char *body, size_t len);

struct call {
	/* --- request: set by the builder, read-only afterwards --- */
	int op;                    /* enum api_op (api.h) */
	const char *method;        /* "GET", "POST", "PATCH", "DELETE"; static storage */
	char *path;                /* "/api/2.0/…", with an encoded query if any */
	char *body;                /* request JSON, or NULL for no body */
	enum call_retry retry;
	bool mutating;             /* refused in read-only mode, not sent in dry-run */
	bool secret_answer;        /* the answer holds a secret (a new token, an
				    * OAuth access token): the buffer it is read
				    * into is wiped. Other answers (a list of
				    * 100,000 tokens) are not worth the cost. */
	uint64_t batch;            /* 0, or a batch (worker_batch_new): when any
				    * member is answered 401 or 403, or the batch
				    * is stopped (worker_halt_batch), the worker
				    * sends no other member of it again: the ones
				    * not sent yet, and any submitted later,
				    * finish PATROL_CANCELLED (bulk revokes stop
				    * at once: patrol may have lost its rights) */
	struct journal *journal;   /* when set, the worker writes an intent for
				    * subject (fsync'd before the first request is
				    * sent) and the result when the call finishes
				    * (journal.h), unless it finishes never sent
				    * (cancelled: the id is still to do); the
				    * journal outlives the call */
	char subject[65];          /* the token id the call acts on, for the journal */
	call_parse_fn parse;       /* NULL: the body is ignored */

	/* --- the caller's, never touched by the worker --- */
	uint64_t tag;
	void *user;

	/* --- result: set by the worker before it hands the call back --- */
	struct patrol_err err;     /* err.status == PATROL_OK on success */
	int attempts;              /* HTTP requests actually sent */
	int64_t sent_ms;           /* wall-clock ms when the first attempt started (0: never sent) */
	int64_t done_ms;           /* wall-clock ms when it finished */
	void *result;              /* parsed payload; its type is given per op in api.h */
	void (*result_free)(void *);

	/* --- worker's private --- */
	struct call *next;
	uint64_t seq;              /* submission order */
};

/* Allocate a zeroed call for method and path (copied). NULL on out of memory. */
struct call *call_new(int op, const char *method, const char *path);
/* Free a call: path, body (wiped), result (via result_free). NULL is fine. */
void call_free(struct call *c);
/* Move the result out of c: returns c->result and clears it so call_free
 * does not free it. The caller now owns it (free with the op's free). */
void *call_take_result(struct call *c);

#endif
