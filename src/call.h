/*
 * call.h: one API request and its result: the unit that crosses threads.
 *
 * An api_* builder (api.h) makes a call; the owner submits it to the worker
 * (worker.h) and never touches it again until the worker hands it back,
 * finished, through worker_take/worker_wait. The worker fills the result
 * part. Ownership is whole: whoever holds a call frees it with call_free.
 *
 * An answer reaches the call's parser one of two ways. Most are small: the
 * transport collects the body (capped) and hands it whole to parse. A call
 * with a stream (the token list: 35 MB for 100,000 tokens) gets its 2xx
 * body as libcurl delivers it, chunk by chunk, so it is never held whole;
 * error answers are still collected and given to api_parse_error. The
 * transport (http.c) knows nothing of the body's shape: the stream's
 * functions, in the API layer, do. What a stream has parsed so far can be
 * watched from another thread through a struct call_progress.
 */
#ifndef PATROL_CALL_H
#define PATROL_CALL_H

#include <stdatomic.h>
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

/* A parser fed a 2xx body as it arrives, instead of parse. Contract:
 * - begin, feed and end run on the worker thread, inside the transfer
 *   (libcurl's write callback), for one attempt at a time: begin when its
 *   first byte comes (or, for an empty body, when it ends), feed for each
 *   chunk, end once the transfer is over. An attempt cut short (a reset, a
 *   timeout: it will be retried) gets no end; the next attempt's begin
 *   starts afresh.
 * - Their state lives in c->stream_state, which nothing else touches; drop
 *   frees it, and may run on whichever thread holds the call: the worker
 *   after end, or the owner's call_free when the call comes back without
 *   an end (cancelled, or failed mid-body).
 * - feed's bytes are borrowed for the call only. */
struct call_stream {
	/* Start an answer: drop what an earlier attempt left, then set up
	 * c->stream_state. 0, or -1 on out of memory (the attempt fails with
	 * PATROL_NOMEM). */
	int (*begin)(struct call *c);
	/* n more bytes. 0, or -1: the answer is refused (malformed, too deep,
	 * out of memory…): nothing more is read, and end says why. */
	int (*feed)(struct call *c, const char *p, size_t n);
	/* The answer ended (all of it came, or feed refused it): set c->result
	 * and c->result_free, or fill c->err, exactly as parse would have for
	 * the whole body. Returns c->err.status. */
	enum patrol_status (*end)(struct call *c);
	/* Free c->stream_state and set it NULL; NULL state is fine. */
	void (*drop)(struct call *c);
};

/* How far a streamed answer has come, for another thread to show ("loading…
 * 45,000 tokens"). The submitter owns it (it is not freed with the call)
 * and must keep it until the call is back; the worker only stores into it,
 * with relaxed atomic stores, and the owner reads it whenever it likes
 * (the UI on its tick): no lock, no queue, nothing else crosses. */
struct call_progress {
	atomic_size_t items;       /* elements parsed in the current attempt */
};

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
	bool journal_sync_only;    /* with journal: only sync it before the first
				    * request (no intent, no result): the submitter
				    * wrote records of its own (a rotation's create) */
	char subject[65];          /* the token id the call acts on, for the journal */
	call_parse_fn parse;       /* NULL: the body is ignored */
	const struct call_stream *stream;  /* NULL: a 2xx body is collected for parse */
	struct call_progress *progress;    /* NULL, or the submitter's, for stream
					    * to store its count in (see above) */

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
	void *stream_state;        /* stream's, between begin and drop */
};

/* Allocate a zeroed call for method and path (copied). NULL on out of memory. */
struct call *call_new(int op, const char *method, const char *path);
/* Free a call: path, body (wiped), result (via result_free), what a stream
 * kept (drop). NULL is fine. */
void call_free(struct call *c);
/* Move the result out of c: returns c->result and clears it so call_free
 * does not free it. The caller now owns it (free with the op's free). */
void *call_take_result(struct call *c);

#endif
