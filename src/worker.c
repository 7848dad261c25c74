/*
 * worker.c: the one background thread that talks to the network.
 *
 * Threads. A group (struct worker_group) is one pthread and its libcurl
 * multi handle; it serves every worker started in it, one per workspace.
 * The thread starts with the group's first worker_start, creates the multi
 * handle and is the only thread to use libcurl afterwards (curl_multi_wakeup,
 * made to be called from any thread, is the one exception); it ends with
 * worker_group_free. Other threads touch the group only under its mutex:
 * the list of workers joining, and its stop flag. A worker copies what it
 * needs from the configuration at worker_start; other threads only touch
 * its shared part, under its own mutex: the inbox (submitted calls), the
 * cancel list, the stop flag and the outbox (finished calls). The wake
 * descriptor (an eventfd, or a pipe) holds a count of finished calls and is
 * cleared when the outbox is emptied; a condition variable serves
 * worker_wait. No thread holds both mutexes at once.
 *
 * A turn of the thread does, for every member in turn, what one worker
 * needs (intake, due retries, starts), then drives the multi handle once,
 * hands each finished transfer to its job's worker (a job knows its
 * worker), and sleeps until the earliest timer of any member. A stopped
 * worker has its calls aborted and handed back, leaves the member list,
 * and is marked gone: worker_stop waits for that and frees it, while the
 * thread goes on serving the others. A group of one is exactly one worker
 * on a thread of its own.
 *
 * Scheduling, all inside the thread: a call becomes a job. Jobs wait in a
 * FIFO ready queue until the pace (pace.h: its transfer slots, its rate, a
 * Retry-After pause) lets them start, and every answer is reported to it;
 * a job waiting to be retried sits in a min-heap by due time.
 * A finished attempt is judged by http.c and retry.h: done, again after a
 * backoff (unless that would pass the call's deadline), or unknown outcome.
 *
 * Signing in (auth.h): the session says what a token needs. Its discovery
 * and token requests are internal jobs run through the same transfers and
 * retry policy, outside the slots and the bucket; a helper program's pipes
 * are polled with the transfers (curl_multi_poll's extra descriptors) and
 * read when they have data, so the thread never waits on it. While no fresh
 * token is at hand, API jobs wait; if getting one fails, every waiting job
 * finishes with that error. A 401 drops the token and retries the call once
 * with a new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(HAVE_EVENTFD) && defined(HAVE_SYS_EVENTFD_H)
#include <sys/eventfd.h>
#define WORKER_EVENTFD 1
#endif

#include "api.h"
#include "auth.h"
#include "buf.h"
#include "duration.h"
#include "http.h"
#include "journal.h"
#include "pace.h"
#include "retry.h"
#include "secret.h"
#include "worker.h"

#ifndef PATROL_VERSION
#define PATROL_VERSION "0"
#endif

#define WORKER_MAX_INFLIGHT 256
#define WORKER_POLL_MAX_MS 60000
#define WORKER_HALT_MSG "not sent: an earlier request of this batch was refused (401/403)"
#define WORKER_STOP_MSG "not sent: the batch was stopped"
#define WORKER_URL_MAX 8192
#define WORKER_FORM_TYPE "application/x-www-form-urlencoded"
#define WORKER_HELPER_TIMEOUT_MS 30000

/* A call while the worker holds it. */
struct job {
	struct call *c;
	struct http_xfer *x;        /* the attempt in flight, or NULL */
	int64_t due_ms;             /* monotonic: when a delayed retry may start */
	int64_t deadline_ms;        /* monotonic; 0 until the first attempt */
	int64_t started_ms;         /* monotonic: when the last attempt started */
	unsigned token_gen;         /* token generation of the last attempt */
	bool auth_retried;          /* a 401 already caused a token refresh */
	bool internal;              /* a sign-in request of the worker itself */
	struct worker *w;           /* whose call it is */
	struct job *next, *prev;    /* ready queue, or the in-flight list */
};

struct jobq {
	struct job *head, *tail;
};

struct heap {
	struct job **v;
	size_t n, cap;
};

/* Halted batches (call.h batch), each with why its members are not sent. */
struct batches {
	struct halted { uint64_t id; const char *why; } *v;
	size_t n, cap;
};

/* One thread and its multi handle, serving every worker of the group. */
struct worker_group {
	/* shared: under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct worker *join;        /* started, not yet served (by gnext) */
	bool started, ready, failed, stopping;
	CURLM *multi;               /* set before ready; the same until the end */
	pthread_t thread;

	/* the thread's own */
	struct worker *members;     /* served now (by gnext) */
	struct curl_waitfd *extra;  /* the members' helper pipes, for the poll */
	size_t extra_cap;
};

struct worker {
	/* copied at start, read-only afterwards */
	struct worker_group *group; /* the thread serving it */
	bool own_group;             /* started without one: its own, freed with it */
	char *host;
	char *ca_file, *ca_dir, *no_proxy;
	char *proxy;                /* may hold a password: wiped */
	char *user_agent;
	bool refreshable, loopback, read_only, dry_run;
	int max_inflight;
	int64_t deadline_ms, request_timeout_ms;
	struct http_opts http;
	int wake_rd, wake_wr;

	/* shared: under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct call *in_head, *in_tail;
	struct call *cancel_head, *cancel_tail;
	struct call *out_head, *out_tail;
	unsigned cancel_gen;
	uint64_t submit_seq;        /* calls submitted so far */
	uint64_t batch_seq;         /* batch ids handed out (atomic) */
	struct batches stop_req;    /* worker_halt_batch was called for these */
	struct worker_stats stats;  /* written by the thread */
	bool stopping;
	bool gone;                  /* the thread let go of it: worker_stop frees */
	enum auth_type auth_type;   /* signing in now (worker_auth_type) */
	size_t pending;             /* atomic */

	/* the thread's own */
	struct worker *gnext;       /* the group's join list, then its members */
	struct batches halted;      /* batches whose unsent members are refused */
	bool answered;              /* the host has answered once (retry_unreachable) */
	struct pace pace;           /* how many transfers, how fast (pace.h) */
	unsigned seen_gen;
	struct jobq runq;
	struct job *inflight;
	int ninflight;
	struct heap delayed;
	struct auth_session *auth;  /* signing in (auth.h) */
	struct job *auth_fetch;     /* the session's request in flight, or NULL */
	uint64_t seed;
};

static void worker_conclude(struct worker *w, struct job *j);
static void worker_halt(struct worker *w, uint64_t batch, const char *why);

/* ---- call lists ------------------------------------------------------- */

static void
calls_append(struct call **head, struct call **tail, struct call *c)
{
	c->next = NULL;
	if (*tail != NULL)
		(*tail)->next = c;
	else
		*head = c;
	*tail = c;
}

static void
calls_free(struct call *c)
{
	struct call *next;

	for (; c != NULL; c = next) {
		next = c->next;
		call_free(c);
	}
}

/* ---- halted batches ---------------------------------------------------- */

/* Why the members of batch are not sent, or NULL when it runs (or is 0). */
static const char *
batches_why(const struct batches *b, uint64_t batch)
{
	size_t i;

	for (i = 0; batch != 0 && i < b->n; i++)
		if (b->v[i].id == batch)
			return b->v[i].why;
	return NULL;
}

/* Add batch (once; the first reason stays). Returns 0, or -1 out of memory. */
static int
batches_add(struct batches *b, uint64_t batch, const char *why)
{
	struct halted *v;

	if (batches_why(b, batch) != NULL)
		return 0;
	if (b->n == b->cap) {
		v = realloc(b->v, (b->cap ? b->cap * 2 : 4) * sizeof *v);
		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = b->cap ? b->cap * 2 : 4;
	}
	b->v[b->n].id = batch;
	b->v[b->n++].why = why;
	return 0;
}

/* ---- ready queue, in-flight list, delay heap --------------------------- */

static void
jobq_push(struct jobq *q, struct job *j)
{
	j->next = NULL;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static void
jobq_push_front(struct jobq *q, struct job *j)
{
	j->next = q->head;
	q->head = j;
	if (q->tail == NULL)
		q->tail = j;
}

static struct job *
jobq_pop(struct jobq *q)
{
	struct job *j = q->head;

	if (j != NULL) {
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
		j->next = NULL;
	}
	return j;
}

static void
inflight_add(struct worker *w, struct job *j)
{
	j->prev = NULL;
	j->next = w->inflight;
	if (w->inflight != NULL)
		w->inflight->prev = j;
	w->inflight = j;
	w->ninflight++;
}

static void
inflight_remove(struct worker *w, struct job *j)
{
	if (j->prev != NULL)
		j->prev->next = j->next;
	else
		w->inflight = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	j->next = j->prev = NULL;
	w->ninflight--;
}

static void
heap_swap(struct heap *h, size_t a, size_t b)
{
	struct job *t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
}

static int
heap_push(struct heap *h, struct job *j)
{
	struct job **v;
	size_t i, parent;

	if (h->n == h->cap) {
		v = realloc(h->v, (h->cap ? h->cap * 2 : 64) * sizeof *v);
		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = h->cap ? h->cap * 2 : 64;
	}
	i = h->n++;
	h->v[i] = j;
	for (; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (h->v[parent]->due_ms <= h->v[i]->due_ms)
			break;
		heap_swap(h, i, parent);
	}
	return 0;
}

static struct job *
heap_pop(struct heap *h)
{
	struct job *top;
	size_t i = 0, l, m;

	if (h->n == 0)
		return NULL;
	top = h->v[0];
	h->v[0] = h->v[--h->n];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < h->n && h->v[l]->due_ms < h->v[m]->due_ms)
			m = l;
		if (l + 1 < h->n && h->v[l + 1]->due_ms < h->v[m]->due_ms)
			m = l + 1;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

/* ---- the wake descriptor ---------------------------------------------- */

static int
wake_open(struct worker *w)
{
	int fds[2];

#ifdef WORKER_EVENTFD
	w->wake_rd = w->wake_wr = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_rd >= 0)
		return 0;
#endif
	if (pipe(fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	w->wake_rd = fds[0];
	w->wake_wr = fds[1];
	return 0;
}

/* Count one more finished call. Called under the lock. */
static void
wake_post(struct worker *w)
{
	uint64_t one = 1;
	ssize_t n;

	if (w->wake_rd == w->wake_wr)
		n = write(w->wake_wr, &one, sizeof one);
	else
		n = write(w->wake_wr, "", 1);
	(void)n;    /* EAGAIN: a full pipe is readable anyway */
}

/* The outbox is empty: make the descriptor unreadable. Under the lock. */
static void
wake_clear(struct worker *w)
{
	char drain[512];

	while (read(w->wake_rd, drain, sizeof drain) > 0 && w->wake_rd != w->wake_wr)
		continue;
}

static void
wake_close(struct worker *w)
{
	if (w->wake_rd >= 0)
		close(w->wake_rd);
	if (w->wake_wr >= 0 && w->wake_wr != w->wake_rd)
		close(w->wake_wr);
}

/* ---- handing calls back ------------------------------------------------ */

/* Put a finished call in the outbox and wake whoever waits. A journaled
 * call gets its result written, unless it was never sent and nothing went
 * wrong with it (stopped, halted, cancelled): such an id is left to do, as
 * if the session had been cut off right there, so a resume sends it. */
static void
worker_post(struct worker *w, struct call *c)
{
	enum journal_result r = journal_outcome(c->err.status, c->attempts);

	c->done_ms = duration_now_ms();
	if (c->journal != NULL && !c->journal_sync_only && r != JOURNAL_NOT_ATTEMPTED)
		journal_result(c->journal, c->subject, r, &c->err);
	pthread_mutex_lock(&w->lock);
	calls_append(&w->out_head, &w->out_tail, c);
	wake_post(w);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Finish a call that never became a job, with status st. */
static void
worker_refuse(struct worker *w, struct call *c, enum patrol_status st, const char *what)
{
	status_clear(&c->err);
	status_set(&c->err, st, "%s: %s", what, api_op_label(c->op));
	worker_post(w, c);
}

/* Rewrite err->message as PREFIX + ": " + the old message. */
static void
worker_err_prefix(struct patrol_err *err, const char *prefix)
{
	char old[sizeof err->message];
	int n;

	memcpy(old, err->message, sizeof old);
	if (old[0] != '\0')
		n = snprintf(err->message, sizeof err->message, "%s: %s", prefix, old);
	else
		n = snprintf(err->message, sizeof err->message, "%s", prefix);
	if (n < 0)
		err->message[0] = '\0';
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	http_xfer_free(j->x);
	free(j);
}

/* ---- signing in (auth.h) ---------------------------------------------- */

/* True when an http:// URL names a loopback host (or it is https://). */
static bool
worker_url_allowed(const char *url, bool *allow_http)
{
	char origin[512];
	size_t n;

	*allow_http = false;
	if (strncmp(url, "https://", 8) == 0)
		return true;
	if (strncmp(url, "http://", 7) != 0)
		return false;
	n = 7 + strcspn(url + 7, "/?#");
	if (n >= sizeof origin)
		return false;
	memcpy(origin, url, n);
	origin[n] = '\0';
	*allow_http = config_host_is_loopback(origin);
	return *allow_http;
}

static void worker_launch(struct worker *w, struct job *j, int64_t now);

/* Every job waiting for a token finishes with err. */
static void
worker_auth_fail_waiting(struct worker *w, const struct patrol_err *err)
{
	struct jobq keep = { NULL, NULL };
	struct job *j;

	while ((j = jobq_pop(&w->runq)) != NULL) {
		if (j->internal) {
			jobq_push(&keep, j);
			continue;
		}
		j->c->err = *err;
		worker_conclude(w, j);
	}
	w->runq = keep;
}

/* What the session has to say goes to the debug log (never a secret); the
 * type signing in is published for worker_auth_type. */
static void
worker_auth_log(struct worker *w)
{
	char line[256];
	ssize_t n;
	size_t len;

	pthread_mutex_lock(&w->lock);
	w->auth_type = auth_session_type(w->auth);
	pthread_mutex_unlock(&w->lock);
	auth_session_note(w->auth, line, sizeof line);
	if (line[0] == '\0' || w->http.debug_fd < 0)
		return;
	len = strlen(line);
	line[len++] = '\n';
	n = write(w->http.debug_fd, line, len);
	(void)n;
}

/* Run a sign-in request of the session as an internal job. */
static void
worker_auth_send(struct worker *w, struct call *c, int64_t now)
{
	struct job *j = calloc(1, sizeof *j);

	if (j == NULL) {
		status_set(&c->err, PATROL_NOMEM, "out of memory");
		auth_session_answer(w->auth, c, now);
		return;
	}
	j->c = c;
	j->w = w;
	j->internal = true;
	w->auth_fetch = j;
	worker_launch(w, j, now);
}

/* Is there a token to send? If not, start (or wait for) getting one; a
 * failure fails every call waiting for it. */
static bool
worker_auth_ready(struct worker *w, int64_t now)
{
	struct patrol_err err;
	struct call *c;
	enum auth_step step;

	if (w->auth_fetch != NULL)
		return false;
	status_clear(&err);
	step = auth_session_next(w->auth, now, &c, &err);
	worker_auth_log(w);
	if (step == AUTH_STEP_SEND)
		worker_auth_send(w, c, now);
	else if (step == AUTH_STEP_FAILED)
		worker_auth_fail_waiting(w, &err);
	return step == AUTH_STEP_READY;
}

/* A sign-in request finished (well or not): hand it to the session. */
static void
worker_auth_done(struct worker *w, struct job *j)
{
	struct call *c = j->c;

	w->auth_fetch = NULL;
	job_free(j);
	auth_session_answer(w->auth, c, duration_mono_ms());
	worker_auth_log(w);
}

/* Read what a helper program wrote (it may finish). */
static void
worker_auth_io(struct worker *w)
{
	if (auth_session_wait_ms(w->auth, duration_mono_ms()) < 0)
		return;         /* no helper running */
	auth_session_io(w->auth, duration_mono_ms());
	worker_auth_log(w);
}

/* ---- attempts ---------------------------------------------------------- */

/* Build the request URL of a job into u. */
static int
worker_url(const struct worker *w, const struct job *j, struct buf *u)
{
	if (j->internal)
		return buf_addstr(u, j->c->path);   /* absolute: another host maybe */
	if (buf_addstr(u, w->host) != 0)
		return -1;
	return buf_addstr(u, j->c->path);
}

/* Describe the attempt of j to http.c. */
static void
worker_request(struct worker *w, struct job *j, const char *url, struct http_req *r,
	       int64_t now)
{
	const struct call *c = j->c;

	memset(r, 0, sizeof *r);
	r->method = c->method;
	r->url = url;
	r->body = c->body;
	r->allow_http = w->loopback;
	r->fresh_connect = c->retry == CALL_RETRY_CREATE;
	r->secret_answer = c->secret_answer;
	r->stream = c->stream != NULL ? j->c : NULL;
	r->attempt = c->attempts + 1;
	if (j->internal) {
		r->content_type = WORKER_FORM_TYPE;
		auth_session_basic(w->auth, &r->basic_user, &r->basic_pass);
		worker_url_allowed(url, &r->allow_http);
	} else
		r->bearer = auth_session_bearer(w->auth, now, &j->token_gen);
	r->timeout_ms = j->deadline_ms - duration_mono_ms();
	if (r->timeout_ms > w->request_timeout_ms)
		r->timeout_ms = w->request_timeout_ms;
}

/* Make an easy handle for j and add it to the multi handle. */
static enum patrol_status
worker_add(struct worker *w, struct job *j, int64_t now)
{
	struct http_req r;
	struct buf url;
	enum patrol_status st;

	buf_init(&url, WORKER_URL_MAX);
	if (worker_url(w, j, &url) != 0) {
		buf_free(&url);
		return status_set(&j->c->err, PATROL_INVALID, "request URL too long");
	}
	worker_request(w, j, url.data, &r, now);
	status_clear(&j->c->err);
	st = http_xfer_new(&w->http, &r, j, &j->x, &j->c->err);
	buf_free(&url);
	if (st != PATROL_OK)
		return st;
	if (curl_multi_add_handle(w->group->multi, http_xfer_easy(j->x)) != CURLM_OK) {
		http_xfer_free(j->x);
		j->x = NULL;
		return status_set(&j->c->err, PATROL_NOMEM, "could not start the transfer");
	}
	return PATROL_OK;
}

/* Start one attempt of j now; a job that cannot start is concluded. */
static void
worker_launch(struct worker *w, struct job *j, int64_t now)
{
	struct call *c = j->c;

	if (j->deadline_ms == 0)
		j->deadline_ms = now + w->deadline_ms;
	else if (now >= j->deadline_ms) {
		worker_err_prefix(&c->err, "gave up at the deadline");
		worker_conclude(w, j);
		return;
	}
	if (worker_add(w, j, now) != PATROL_OK) {
		worker_conclude(w, j);
		return;
	}
	if (c->sent_ms == 0)
		c->sent_ms = duration_now_ms();
	c->attempts++;
	j->started_ms = now;
	inflight_add(w, j);
}

/* Say what is being retried, for a progress line (worker_stats). */
static void
worker_note_retry(struct worker *w, const struct job *j, const struct http_outcome *out)
{
	const struct call *c = j->c;

	pthread_mutex_lock(&w->lock);
	w->stats.retries++;
	w->stats.retry_attempt = c->attempts + 1;
	w->stats.retry_since_ms = j->deadline_ms - w->deadline_ms;
	if (out->http_status != 0)
		snprintf(w->stats.retry_note, sizeof w->stats.retry_note, "%ld from %s",
			 out->http_status, w->host);
	else
		snprintf(w->stats.retry_note, sizeof w->stats.retry_note, "%.190s",
			 c->err.message);
	pthread_mutex_unlock(&w->lock);
}

/* The workspace asked (Retry-After) to wait wait_ms more, which ends after
 * j's deadline: waiting would only fail later, so j fails now and says why. */
static void
worker_past_deadline(struct worker *w, struct job *j, int64_t wait_ms)
{
	char prefix[192];
	int n = j->c->attempts;

	snprintf(prefix, sizeof prefix, "gave up after %d attempt%s: the workspace asked to wait "
		 "%lld s%s (Retry-After), past this request's deadline (--timeout)", n,
		 n == 1 ? "" : "s", (long long)((wait_ms + 999) / 1000),
		 wait_ms >= RETRY_AFTER_CAP_MS ? " or more" : "");
	worker_err_prefix(&j->c->err, prefix);
	worker_conclude(w, j);
}

/* Would the pace's pause (a Retry-After) keep j waiting past its deadline?
 * Then j fails now (worker_past_deadline). Jobs not yet started have no
 * deadline yet: theirs starts when they do. */
static bool
worker_outwaited(struct worker *w, struct job *j, int64_t now)
{
	int64_t until = pace_paused_until(&w->pace);

	if (j->internal || j->deadline_ms == 0 || until <= j->deadline_ms)
		return false;
	worker_past_deadline(w, j, until - now);
	return true;
}

/* A throttle paused every start: the waiting jobs whose deadline comes
 * before the pause ends fail now; the others keep their place. */
static void
worker_expire_paused(struct worker *w, int64_t now)
{
	struct jobq keep = { NULL, NULL };
	struct job *j;

	while ((j = jobq_pop(&w->runq)) != NULL)
		if (!worker_outwaited(w, j, now))
			jobq_push(&keep, j);
	w->runq = keep;
}

/* Schedule j again after a backoff, or give up at its deadline (or sooner,
 * when the host has never answered and retrying cannot help much). */
static void
worker_retry_later(struct worker *w, struct job *j, const struct http_outcome *out)
{
	int64_t now = duration_mono_ms();
	int64_t delay = retry_backoff_ms(j->c->attempts, out->retry_after_ms,
					 out->http_status, &w->seed);
	int64_t limit = j->deadline_ms, first = j->deadline_ms - w->deadline_ms;
	char prefix[64];

	if (!w->answered && retry_unreachable(out->transport, out->request_sent) &&
	    first + RETRY_UNREACHABLE_MS < limit)
		limit = first + RETRY_UNREACHABLE_MS;
	j->due_ms = now + delay;
	if (j->due_ms <= limit && heap_push(&w->delayed, j) == 0) {
		worker_note_retry(w, j, out);
		return;
	}
	if (out->retry_after_ms >= 0 && now + out->retry_after_ms > limit) {
		worker_past_deadline(w, j, out->retry_after_ms);
		return;
	}
	snprintf(prefix, sizeof prefix, "gave up after %d attempt%s", j->c->attempts,
		 j->c->attempts == 1 ? "" : "s");
	worker_err_prefix(&j->c->err, prefix);
	worker_conclude(w, j);
}

static void
worker_unknown(struct worker *w, struct job *j)
{
	struct patrol_err *err = &j->c->err;

	err->status = PATROL_UNKNOWN_OUTCOME;
	worker_err_prefix(err, "look for the token by comment and creation time");
	worker_conclude(w, j);
}

/* Publish the scheduler's state for worker_stats. */
static void
worker_publish(struct worker *w)
{
	struct pace_stats ps;

	pace_stats(&w->pace, &ps);
	pthread_mutex_lock(&w->lock);
	w->stats.limit = ps.limit;
	w->stats.max = ps.max;
	w->stats.rate = ps.rate;
	w->stats.throttled = ps.throttled;
	w->stats.pause_until_ms = ps.pause_until_ms;
	pthread_mutex_unlock(&w->lock);
}

/* Tell the pace what an answer says: it grows the window, or pauses and
 * cuts on a throttle (pace.h). OAuth requests are outside the pace. */
static void
worker_adapt(struct worker *w, const struct job *j, const struct http_outcome *out, int64_t now)
{
	enum pace_signal sig = pace_classify(out->http_status, j->c->err.code);

	if (j->internal)
		return;
	pace_answer(&w->pace, sig, j->started_ms, w->runq.head != NULL, out->retry_after_ms, now);
	if (sig == PACE_THROTTLED)
		worker_expire_paused(w, now);
	worker_publish(w);
}

/* Decide what follows a finished attempt. */
static void
worker_judge(struct worker *w, struct job *j, const struct http_outcome *out)
{
	worker_adapt(w, j, out, duration_mono_ms());
	if (out->http_status != 0)
		w->answered = true;     /* the host exists: no more failing fast */
	if (!j->internal && w->refreshable && out->http_status == 401 && !j->auth_retried) {
		j->auth_retried = true;
		auth_session_drop(w->auth, j->token_gen);
		jobq_push_front(&w->runq, j);
		return;
	}
	if (out->verdict == RETRY_AGAIN && out->http_status == 429 && !j->internal) {
		if (!worker_outwaited(w, j, duration_mono_ms()))
			jobq_push_front(&w->runq, j);   /* first in line when the pause ends */
	}
	else if (out->verdict == RETRY_AGAIN)
		worker_retry_later(w, j, out);
	else if (out->verdict == RETRY_UNKNOWN)
		worker_unknown(w, j);
	else
		worker_conclude(w, j);
}

/* A server may echo the credential it was sent in its error (a message, a
 * code): never let it out of the worker. */
static void
worker_redact(struct worker *w, struct patrol_err *err)
{
	const char *v[8];
	size_t i, n;

	if (err->status == PATROL_OK)
		return;
	n = auth_session_secrets(w->auth, v, sizeof v / sizeof v[0]);
	for (i = 0; i < n; i++)
		status_redact(err, v[i]);
}

/* Collect the transfers libcurl has finished, each for its job's worker. */
static void
group_reap(struct worker_group *g)
{
	struct http_outcome out;
	struct http_xfer *x;
	struct job *j;
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(g->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE || (x = http_xfer_of(msg->easy_handle)) == NULL)
			continue;
		j = http_xfer_owner(x);
		curl_multi_remove_handle(g->multi, msg->easy_handle);
		inflight_remove(j->w, j);
		http_xfer_done(x, msg->data.result, j->c, &out);
		worker_redact(j->w, &j->c->err);
		http_xfer_free(x);
		j->x = NULL;
		worker_judge(j->w, j, &out);
	}
}

/* A job is final: hand the call back, or feed the OAuth state machine. */
static void
worker_conclude(struct worker *w, struct job *j)
{
	struct call *c = j->c;

	if (j->internal) {
		worker_auth_done(w, j);
		return;
	}
	job_free(j);
	if (c->batch != 0 && (c->err.status == PATROL_UNAUTHENTICATED ||
			      c->err.status == PATROL_PERMISSION))
		worker_halt(w, c->batch, WORKER_HALT_MSG);
	worker_post(w, c);
}

/* ---- cancellation ------------------------------------------------------ */

/* Abort j wherever it is: an aborted create that sent bytes is unknown. */
static void
worker_abort(struct worker *w, struct job *j, const char *why)
{
	struct call *c = j->c;
	bool sent = false;

	if (j->x != NULL) {
		curl_multi_remove_handle(w->group->multi, http_xfer_easy(j->x));
		sent = http_xfer_sent(j->x);
		http_xfer_free(j->x);
		j->x = NULL;
	}
	if (j->internal) {
		w->auth_fetch = NULL;
		auth_session_cancel(w->auth);
		call_free(c);
		job_free(j);
		return;
	}
	status_clear(&c->err);
	if (sent && c->retry == CALL_RETRY_CREATE)
		status_set(&c->err, PATROL_UNKNOWN_OUTCOME, "cancelled after the request was "
			   "sent: look for the token by comment and creation time");
	else
		status_set(&c->err, PATROL_CANCELLED, "%s", why);
	job_free(j);
	worker_post(w, c);
}

/* Cancel every job the thread holds. */
static void
worker_cancel_held(struct worker *w)
{
	struct job *j;

	while ((j = w->inflight) != NULL) {
		inflight_remove(w, j);
		worker_abort(w, j, "cancelled");
	}
	while ((j = jobq_pop(&w->runq)) != NULL)
		worker_abort(w, j, "cancelled");
	while ((j = heap_pop(&w->delayed)) != NULL)
		worker_abort(w, j, "cancelled");
	w->auth_fetch = NULL;
	auth_session_cancel(w->auth);
}

static void
worker_cancel_calls(struct worker *w, struct call *c)
{
	struct call *next;

	for (; c != NULL; c = next) {
		next = c->next;
		status_clear(&c->err);
		status_set(&c->err, PATROL_CANCELLED, "cancelled");
		worker_post(w, c);
	}
}

/* ---- the loop ---------------------------------------------------------- */

/* Turn a submitted call into a ready job, or finish it unsent. */
static void
worker_admit(struct worker *w, struct call *c)
{
	const char *why;
	struct job *j;

	if (c->mutating && w->read_only) {
		worker_refuse(w, c, PATROL_READ_ONLY, "refused: read-only mode");
		return;
	}
	if (c->mutating && w->dry_run) {
		worker_refuse(w, c, PATROL_DRY_RUN, "not sent (dry run)");
		return;
	}
	if ((why = batches_why(&w->halted, c->batch)) != NULL) {
		worker_refuse(w, c, PATROL_CANCELLED, why);
		return;
	}
	j = calloc(1, sizeof *j);
	if (j == NULL) {
		worker_refuse(w, c, PATROL_NOMEM, "out of memory");
		return;
	}
	j->c = c;
	j->w = w;
	c->next = NULL;
	jobq_push(&w->runq, j);
}

/* Is j a member of batch, not yet sent? */
static bool
worker_halts(const struct job *j, uint64_t batch)
{
	return !j->internal && j->c->batch == batch;
}

/* A member of batch was refused with 401/403, or the batch was stopped:
 * from now on every member not sent is refused: those queued or waiting to
 * retry now, and those submitted later (worker_admit), however the face
 * feeds the batch. In-flight ones finish. */
static void
worker_halt(struct worker *w, uint64_t batch, const char *why)
{
	struct jobq keep = { NULL, NULL };
	struct heap later = { NULL, 0, 0 };
	struct job *j;

	if (batches_add(&w->halted, batch, why) != 0)
		why = "not sent: out of memory stopping the batch";
	while ((j = jobq_pop(&w->runq)) != NULL) {
		if (worker_halts(j, batch))
			worker_abort(w, j, why);
		else
			jobq_push(&keep, j);
	}
	w->runq = keep;
	while ((j = heap_pop(&w->delayed)) != NULL) {
		if (worker_halts(j, batch))
			worker_abort(w, j, why);
		else if (heap_push(&later, j) != 0)
			worker_abort(w, j, "out of memory");
	}
	free(w->delayed.v);
	w->delayed = later;
}

/* Take what other threads handed in. Returns true when stopping. */
static bool
worker_intake(struct worker *w)
{
	struct call *in, *cancel, *next;
	struct batches stops;
	unsigned gen;
	bool stop;
	size_t i;

	pthread_mutex_lock(&w->lock);
	in = w->in_head;
	cancel = w->cancel_head;
	w->in_head = w->in_tail = w->cancel_head = w->cancel_tail = NULL;
	gen = w->cancel_gen;
	stop = w->stopping;
	stops = w->stop_req;
	memset(&w->stop_req, 0, sizeof w->stop_req);
	pthread_mutex_unlock(&w->lock);
	if (gen != w->seen_gen || stop) {
		w->seen_gen = gen;
		worker_cancel_held(w);
	}
	worker_cancel_calls(w, cancel);
	/* stops first: a member handed in with (or after) its batch's stop is
	 * refused at admission */
	for (i = 0; i < stops.n; i++)
		worker_halt(w, stops.v[i].id, WORKER_STOP_MSG);
	free(stops.v);
	if (stop) {
		worker_cancel_calls(w, in);
		return true;
	}
	for (; in != NULL; in = next) {
		next = in->next;
		worker_admit(w, in);
	}
	return false;
}

/* Move due retries to the ready queue (OAuth requests start at once). */
static void
worker_promote(struct worker *w, int64_t now)
{
	struct job *j;

	while (w->delayed.n > 0 && w->delayed.v[0]->due_ms <= now) {
		j = heap_pop(&w->delayed);
		if (j->internal)
			worker_launch(w, j, now);
		else if (!worker_outwaited(w, j, now))
			jobq_push(&w->runq, j);
	}
}

/* Conclude j unsent because its intent could not be recorded. */
static void
worker_journal_failed(struct worker *w, struct job *j, const struct patrol_err *why)
{
	struct call *c = j->c;

	status_clear(&c->err);
	status_set(&c->err, PATROL_IO, "not sent: the journal could not be written: %s",
		   why->message);
	job_free(j);
	worker_post(w, c);
}

/* Before the first attempt of a journaled call: write its intent, then sync
 * its journal. One fsync serves the whole group: after it a journal is no
 * longer dirty and journal_sync returns at once; a failure sticks, so every
 * call of that journal fails too. A call whose intent is not on disk is
 * never sent (its slot becomes NULL). */
static void
worker_journal_intents(struct worker *w, struct job **start, size_t n)
{
	struct patrol_err err;
	size_t i, pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			struct call *c = start[i] != NULL ? start[i]->c : NULL;
			if (c == NULL || c->journal == NULL || c->attempts > 0 ||
			    (pass == 0 && c->journal_sync_only))
				continue;
			if ((pass == 0 ? journal_intent(c->journal, c->subject) :
			     journal_sync(c->journal)) == PATROL_OK)
				continue;
			journal_error(c->journal, &err);
			worker_journal_failed(w, start[i], &err);
			start[i] = NULL;
		}
	}
}

/* Start ready jobs while the pace (its slots, its rate, a Retry-After
 * pause) and the token allow. */
static void
worker_schedule(struct worker *w, int64_t now)
{
	if (w->runq.head == NULL)
		return;
	if (!worker_auth_ready(w, now))
		return;
	struct job *start[WORKER_MAX_INFLIGHT];
	size_t n = 0, i;

	while (w->runq.head != NULL && n < WORKER_MAX_INFLIGHT &&
	       pace_wait_ms(&w->pace, w->ninflight + (int)n, now) == 0) {
		pace_started(&w->pace, now);
		start[n++] = jobq_pop(&w->runq);
	}
	worker_journal_intents(w, start, n);
	for (i = 0; i < n; i++)
		if (start[i] != NULL)
			worker_launch(w, start[i], now);
}

/* How long the loop may sleep. */
static int
worker_timeout(struct worker *w, int64_t now)
{
	int64_t t = WORKER_POLL_MAX_MS, d;

	if (w->delayed.n > 0) {
		d = w->delayed.v[0]->due_ms - now;
		t = d < t ? d : t;
	}
	if ((d = auth_session_wait_ms(w->auth, now)) >= 0)
		t = d < t ? d : t;     /* a helper's timeout */
	if (w->runq.head != NULL && (d = pace_wait_ms(&w->pace, w->ninflight, now)) >= 0) {
		if (auth_session_bearer(w->auth, now, NULL) == NULL)
			d = w->auth_fetch != NULL || auth_session_wait_ms(w->auth, now) >= 0 ? t : 0;
		t = d < t ? d : t;
	}
	return t < 0 ? 0 : (int)t;
}

/* The pipes of the members' helper programs, for curl_multi_poll; their
 * count. */
static unsigned
group_fds(struct worker_group *g)
{
	struct curl_waitfd *v;
	struct worker *w;
	size_t n = 0, need = 0;
	int fds[2], k, i;

	for (w = g->members; w != NULL; w = w->gnext)
		need += 2;
	if (need > g->extra_cap) {
		v = realloc(g->extra, need * sizeof *v);
		if (v == NULL)
			return 0;   /* the timeout still brings the loop back */
		g->extra = v;
		g->extra_cap = need;
	}
	for (w = g->members; w != NULL; w = w->gnext) {
		k = auth_session_fds(w->auth, fds);
		for (i = 0; i < k; i++, n++) {
			g->extra[n].fd = fds[i];
			g->extra[n].events = CURL_WAIT_POLLIN;
			g->extra[n].revents = 0;
		}
	}
	return (unsigned)n;
}

/* Sleep until a transfer, another thread, a helper program's output or the
 * next timer of any member needs the loop. */
static void
group_poll(struct worker_group *g)
{
	int64_t now = duration_mono_ms();
	int t = WORKER_POLL_MAX_MS, d;
	struct worker *w;
	unsigned n = group_fds(g);

	for (w = g->members; w != NULL; w = w->gnext)
		if ((d = worker_timeout(w, now)) < t)
			t = d;
	curl_multi_poll(g->multi, g->extra, n, t, NULL);
}

/* The connection limits: what each member may run, summed (a group of one
 * has its worker's). */
static void
group_limits(struct worker_group *g)
{
	struct worker *w;
	long sum = 0;

	for (w = g->members; w != NULL; w = w->gnext)
		sum += w->max_inflight;
	if (sum == 0)
		return;
	curl_multi_setopt(g->multi, CURLMOPT_MAX_HOST_CONNECTIONS, sum);
	curl_multi_setopt(g->multi, CURLMOPT_MAXCONNECTS, sum + 4);
}

/* The thread lets go of w, stopped and with every call handed back; it is
 * the last time the thread touches it (worker_stop frees it then). */
static void
worker_detach(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->gone = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Take the workers started since the last turn. Returns true when the
 * group ends. */
static bool
group_intake(struct worker_group *g)
{
	struct worker *join, *w;
	bool stop;

	pthread_mutex_lock(&g->lock);
	join = g->join;
	g->join = NULL;
	stop = g->stopping;
	pthread_mutex_unlock(&g->lock);
	if (join == NULL)
		return stop;
	for (w = join; w->gnext != NULL; w = w->gnext)
		continue;
	w->gnext = g->members;
	g->members = join;
	group_limits(g);
	return stop;
}

/* One turn: intake, schedule, drive libcurl, collect, sleep, read helpers,
 * for every member. */
static bool
group_turn(struct worker_group *g)
{
	struct worker *w, **pp;
	bool left = false;
	int running;
	int64_t now;

	if (group_intake(g))
		return true;
	for (pp = &g->members; (w = *pp) != NULL;) {
		if (!worker_intake(w)) {
			pp = &w->gnext;
			continue;
		}
		*pp = w->gnext;         /* stopped: its calls are handed back */
		worker_detach(w);
		left = true;
	}
	if (left)
		group_limits(g);
	now = duration_mono_ms();
	for (w = g->members; w != NULL; w = w->gnext) {
		worker_promote(w, now);
		worker_schedule(w, now);
	}
	curl_multi_perform(g->multi, &running);
	group_reap(g);
	group_poll(g);
	for (w = g->members; w != NULL; w = w->gnext)
		worker_auth_io(w);
	return false;
}

/* Create the multi handle and tell whoever started the thread how it went. */
static bool
group_thread_init(struct worker_group *g)
{
	CURLM *m = curl_multi_init();

	pthread_mutex_lock(&g->lock);
	g->multi = m;
	g->ready = true;
	g->failed = m == NULL;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return m != NULL;
}

static void *
group_main(void *arg)
{
	struct worker_group *g = arg;

	if (!group_thread_init(g))
		return NULL;
	while (!group_turn(g))
		continue;
	curl_multi_cleanup(g->multi);
	return NULL;
}

/* Wake the thread from curl_multi_poll. The multi handle stays the same
 * while any worker of the group lives. */
static void
worker_nudge(struct worker *w)
{
	curl_multi_wakeup(w->group->multi);
}

/* ---- start and stop ---------------------------------------------------- */

static void
worker_free(struct worker *w)
{
	free(w->host);
	free(w->ca_file);
	free(w->ca_dir);
	free(w->no_proxy);
	secret_free(w->proxy);
	free(w->user_agent);
	auth_session_free(w->auth);
	free(w->delayed.v);
	free(w->halted.v);
	free(w->stop_req.v);
	wake_close(w);
	if (w->own_group)
		worker_group_free(w->group);
	free(w);
}

/* strdup that treats NULL as NULL; *bad is set on allocation failure. */
static char *
worker_dup(const char *s, bool *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*bad = true;
	return d;
}

/* Copy what the thread needs from the configuration. */
static int
worker_copy_config(struct worker *w, const struct config *cfg, const char *version)
{
	bool bad = false;
	struct buf ua;

	w->host = worker_dup(cfg->host, &bad);
	w->refreshable = cfg->auth != AUTH_PAT;
	w->ca_file = worker_dup(cfg->ca_file, &bad);
	w->ca_dir = worker_dup(cfg->ca_dir, &bad);
	w->no_proxy = worker_dup(cfg->no_proxy, &bad);
	if (cfg->proxy != NULL && (w->proxy = secret_strdup(cfg->proxy)) == NULL)
		bad = true;
	buf_init(&ua, 512);
	if (buf_printf(&ua, "patrol/%s os/linux auth/%s", version ? version : PATROL_VERSION,
		       auth_name(cfg->auth)) != 0)
		bad = true;
	w->user_agent = buf_take(&ua);
	if (bad || w->host == NULL || w->user_agent == NULL)
		return -1;
	w->loopback = config_host_is_loopback(w->host);
	return 0;
}

static void
worker_copy_opts(struct worker *w, const struct worker_opts *o)
{
	struct pace_opts po;

	w->max_inflight = o->max_inflight > 0 ? o->max_inflight : WORKER_DEFAULT_INFLIGHT;
	if (w->max_inflight > WORKER_MAX_INFLIGHT)
		w->max_inflight = WORKER_MAX_INFLIGHT;
	po.max_inflight = w->max_inflight;
	po.max_rate = o->rate > 0 ? o->rate : 0;
	pace_init(&w->pace, &po, duration_mono_ms());
	w->stats.limit = pace_limit(&w->pace);
	w->stats.max = w->max_inflight;
	w->stats.rate = pace_rate(&w->pace);
	w->deadline_ms = o->call_deadline_ms > 0 ? o->call_deadline_ms : WORKER_DEFAULT_DEADLINE_MS;
	w->request_timeout_ms = o->request_timeout_ms > 0 ? o->request_timeout_ms
							  : WORKER_DEFAULT_REQUEST_TIMEOUT_MS;
	w->read_only = o->read_only;
	w->dry_run = o->dry_run;
	w->http.user_agent = w->user_agent;
	w->http.ca_file = w->ca_file;
	w->http.ca_dir = w->ca_dir;
	w->http.proxy = w->proxy;
	w->http.no_proxy = w->no_proxy;
	w->http.max_body = o->max_body > 0 ? o->max_body : WORKER_DEFAULT_MAX_BODY;
	w->http.debug_fd = o->debug_fd;
	w->seed = (uint64_t)duration_mono_ms() ^ (uint64_t)(uintptr_t)w;
}

/* The sign-in session for cfg; a helper may run as long as a call may. */
static enum patrol_status
worker_auth_start(struct worker *w, const struct config *cfg, struct patrol_err *err)
{
	struct auth_setup a;

	memset(&a, 0, sizeof a);
	a.type = cfg->auth;
	a.host = cfg->host;
	a.token = cfg->token;
	a.client_id = cfg->client_id;
	a.client_secret = cfg->client_secret;
	a.azure_client_id = cfg->azure_client_id;
	a.azure_client_secret = cfg->azure_client_secret;
	a.azure_tenant_id = cfg->azure_tenant_id;
	a.azure_login_url = cfg->azure_login_url;
	a.oidc_token = cfg->oidc_token;
	a.oidc_token_file = cfg->oidc_token_file;
	a.helper = cfg->helper;
	a.fallback = cfg->auth_fallback;
	a.fallback_helper = cfg->fallback_helper;
	a.profile = cfg->file_used ? cfg->profile : NULL;
	a.helper_timeout_ms = w->deadline_ms < WORKER_HELPER_TIMEOUT_MS ? w->deadline_ms
									   : WORKER_HELPER_TIMEOUT_MS;
	w->auth_type = cfg->auth;
	return auth_session_new(&a, &w->auth, err);
}

static int
worker_sync_init(pthread_mutex_t *lock, pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int rc;

	if (pthread_condattr_init(&attr) != 0)
		return -1;
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rc = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0)
		return -1;
	if (pthread_mutex_init(lock, NULL) != 0) {
		pthread_cond_destroy(cond);
		return -1;
	}
	return 0;
}

struct worker_group *
worker_group_new(void)
{
	struct worker_group *g = calloc(1, sizeof *g);

	if (g != NULL && worker_sync_init(&g->lock, &g->cond) != 0) {
		free(g);
		g = NULL;
	}
	return g;
}

void
worker_group_free(struct worker_group *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	if (g->multi != NULL)
		curl_multi_wakeup(g->multi);
	pthread_mutex_unlock(&g->lock);
	if (g->started)
		pthread_join(g->thread, NULL);
	free(g->extra);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
	free(g);
}

/* Start the group's thread when its first worker starts, and wait until it
 * has its multi handle. Under the group's lock. */
static enum patrol_status
group_spawn(struct worker_group *g, struct patrol_err *err)
{
	if (!g->started) {
		if (pthread_create(&g->thread, NULL, group_main, g) != 0)
			return status_set(err, PATROL_NOMEM, "could not start the network thread");
		g->started = true;
		while (!g->ready)
			pthread_cond_wait(&g->cond, &g->lock);
	}
	if (g->failed)
		return status_set(err, PATROL_NOMEM, "could not create the libcurl multi handle");
	return PATROL_OK;
}

/* Hand w to the group's thread, which serves it from its next turn. */
static enum patrol_status
group_join(struct worker_group *g, struct worker *w, struct patrol_err *err)
{
	enum patrol_status st;

	pthread_mutex_lock(&g->lock);
	st = group_spawn(g, err);
	if (st == PATROL_OK) {
		w->gnext = g->join;
		g->join = w;
		curl_multi_wakeup(g->multi);
	}
	pthread_mutex_unlock(&g->lock);
	return st;
}

enum patrol_status
worker_start(const struct worker_opts *opts, struct worker **out, struct patrol_err *err)
{
	struct worker *w;
	enum patrol_status st;

	*out = NULL;
	if (opts == NULL || opts->cfg == NULL || opts->cfg->host == NULL)
		return status_set(err, PATROL_CONFIG, "no workspace host configured");
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	w->wake_rd = w->wake_wr = -1;
	w->group = opts->group;
	if (w->group == NULL) {
		w->group = worker_group_new();     /* a group of one */
		w->own_group = true;
	}
	if (w->group == NULL || worker_copy_config(w, opts->cfg, opts->version) != 0 ||
	    wake_open(w) != 0) {
		worker_free(w);
		return status_set(err, PATROL_NOMEM, "out of memory starting the worker");
	}
	worker_copy_opts(w, opts);
	if ((st = worker_auth_start(w, opts->cfg, err)) != PATROL_OK) {
		worker_free(w);
		return st;
	}
	if (worker_sync_init(&w->lock, &w->cond) != 0) {
		worker_free(w);
		return status_set(err, PATROL_NOMEM, "could not initialise worker locks");
	}
	st = group_join(w->group, w, err);
	if (st != PATROL_OK) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		worker_free(w);
		return st;
	}
	*out = w;
	return PATROL_OK;
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	worker_nudge(w);
	while (!w->gone)          /* the thread hands its calls back first */
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	calls_free(w->in_head);
	calls_free(w->cancel_head);
	calls_free(w->out_head);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	worker_free(w);
}

/* ---- the other threads' side ------------------------------------------ */

void
worker_submit(struct worker *w, struct call *c)
{
	__atomic_add_fetch(&w->pending, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&w->lock);
	c->seq = ++w->submit_seq;
	calls_append(&w->in_head, &w->in_tail, c);
	worker_nudge(w);
	pthread_mutex_unlock(&w->lock);
}

/* Unlink and return the first finished call. Under the lock. */
static struct call *
worker_take_locked(struct worker *w)
{
	struct call *c = w->out_head;

	if (c == NULL)
		return NULL;
	w->out_head = c->next;
	if (w->out_head == NULL) {
		w->out_tail = NULL;
		wake_clear(w);
	}
	c->next = NULL;
	__atomic_sub_fetch(&w->pending, 1, __ATOMIC_RELAXED);
	return c;
}

struct call *
worker_take(struct worker *w)
{
	struct call *c;

	pthread_mutex_lock(&w->lock);
	c = worker_take_locked(w);
	pthread_mutex_unlock(&w->lock);
	return c;
}

static void
worker_abstime(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

struct call *
worker_wait(struct worker *w, int timeout_ms)
{
	struct timespec ts;
	struct call *c;
	int rc = 0;

	if (timeout_ms >= 0)
		worker_abstime(&ts, timeout_ms);
	pthread_mutex_lock(&w->lock);
	while (w->out_head == NULL && rc != ETIMEDOUT) {
		if (timeout_ms < 0)
			pthread_cond_wait(&w->cond, &w->lock);
		else
			rc = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
	c = worker_take_locked(w);
	pthread_mutex_unlock(&w->lock);
	return c;
}

int
worker_wake_fd(const struct worker *w)
{
	return w->wake_rd;
}

size_t
worker_pending(const struct worker *w)
{
	return __atomic_load_n(&w->pending, __ATOMIC_RELAXED);
}

enum auth_type
worker_auth_type(struct worker *w)
{
	enum auth_type t;

	pthread_mutex_lock(&w->lock);
	t = w->auth_type;
	pthread_mutex_unlock(&w->lock);
	return t;
}

uint64_t
worker_batch_new(struct worker *w)
{
	return __atomic_add_fetch(&w->batch_seq, 1, __ATOMIC_RELAXED);
}

void
worker_halt_batch(struct worker *w, uint64_t batch)
{
	if (batch == 0)
		return;
	pthread_mutex_lock(&w->lock);
	if (batches_add(&w->stop_req, batch, WORKER_STOP_MSG) != 0)
		w->cancel_gen++;    /* cannot record the stop: cancel everything instead */
	worker_nudge(w);
	pthread_mutex_unlock(&w->lock);
}

void
worker_stats(struct worker *w, struct worker_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}

void
worker_cancel_all(struct worker *w)
{
	struct call *c, *next;

	pthread_mutex_lock(&w->lock);
	for (c = w->in_head; c != NULL; c = next) {
		next = c->next;
		calls_append(&w->cancel_head, &w->cancel_tail, c);
	}
	w->in_head = w->in_tail = NULL;
	w->cancel_gen++;
	worker_nudge(w);
	pthread_mutex_unlock(&w->lock);
}

/* Unlink c from the outbox if it is there. Under the lock. */
static bool
worker_unlink_out(struct worker *w, struct call *c)
{
	struct call **pp, *prev = NULL;

	for (pp = &w->out_head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp != c)
			continue;
		*pp = c->next;
		if (w->out_tail == c)
			w->out_tail = prev;
		if (w->out_head == NULL)
			wake_clear(w);
		c->next = NULL;
		__atomic_sub_fetch(&w->pending, 1, __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

bool
worker_wait_for(struct worker *w, struct call *c, int timeout_ms)
{
	struct timespec ts;
	bool done;
	int rc = 0;

	worker_abstime(&ts, timeout_ms);
	pthread_mutex_lock(&w->lock);
	while (!(done = worker_unlink_out(w, c)) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	pthread_mutex_unlock(&w->lock);
	return done;
}

struct call *
worker_run(struct worker *w, struct call *c)
{
	worker_submit(w, c);
	pthread_mutex_lock(&w->lock);
	while (!worker_unlink_out(w, c))
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return c;
}
