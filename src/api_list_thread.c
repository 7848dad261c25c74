/*
 * api_list_thread.c: a token list parsed on a thread of its own
 * (api_list_own_thread, api.h).
 *
 * One worker thread serves every workspace of a run (worker.h), and a
 * list's stream is parsed inside the transfer, on that thread: when twenty
 * workspaces answer at once, their lists are parsed one after another on
 * one CPU while the others wait. A list given a thread of its own has its
 * body parsed there instead: the worker only copies each piece libcurl
 * hands over into a queue (what call.h's stream contract lets it keep: its
 * own copies), and the parser thread takes the pieces in order and feeds
 * them to the same parser (api_list_feed), so the table, every check and
 * every message are the ones the worker would have made. The lists then
 * parse side by side, on every CPU.
 *
 * What crosses, and when:
 * - a piece: made by the worker, owned by the queue under the lock, then by
 *   the parser thread, which frees it;
 * - the parser (struct api_list): the parser thread's from its start until
 *   it is joined, the worker's before and after;
 * - the count of rows so far: stored by the parser thread into the call's
 *   call_progress (relaxed atomics, as call.h allows the stream to).
 * The worker waits only when a list is API_THREAD_AHEAD bytes ahead of its
 * parser (memory stays bounded) and at the end of the answer, for its
 * parser to finish (end, drop): it would have spent that time parsing. The
 * parser thread calls neither libcurl nor curses. When the thread cannot
 * be started the list is parsed on the worker, as any other.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "api_int.h"
#include "call.h"

#define API_THREAD_AHEAD ((size_t)1 << 20)  /* bytes queued before the worker waits */

struct api_piece {
	struct api_piece *next;
	size_t n;
	char p[];
};

struct api_thread {
	struct api_list *l;         /* see above for whose it is when */
	struct call_progress *progress;
	bool started;               /* a parser thread runs (else: on the worker) */
	bool nomem;                 /* a piece could not be copied */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	struct api_piece *head, *tail;
	size_t queued;              /* bytes in the queue */
	bool done;                  /* the worker sends no more */
	bool stop;                  /* give up: the call is dropped */
	bool refused;               /* the parser refused the answer */
};

/* The next piece, or NULL when there is none to come (or the call is
 * dropped). Parser thread. */
static struct api_piece *
api_thread_next(struct api_thread *s)
{
	struct api_piece *q;

	pthread_mutex_lock(&s->lock);
	while (s->head == NULL && !s->done && !s->stop)
		pthread_cond_wait(&s->cond, &s->lock);
	if ((q = s->stop ? NULL : s->head) != NULL) {
		if ((s->head = q->next) == NULL)
			s->tail = NULL;
		s->queued -= q->n;
		pthread_cond_broadcast(&s->cond);    /* room for a waiting worker */
	}
	pthread_mutex_unlock(&s->lock);
	return q;
}

/* Parse n more bytes and say how many rows there are so far (on the
 * parser thread, or on the worker when there is none). false: refused. */
static bool
api_thread_parse(struct api_thread *s, const char *p, size_t n)
{
	struct patrol_err why;
	bool ok = api_list_feed(s->l, p, n, &why) == PATROL_OK;

	if (s->progress != NULL)
		atomic_store_explicit(&s->progress->items, api_list_count(s->l),
				      memory_order_relaxed);
	return ok;
}

static void *
api_thread_run(void *arg)
{
	struct api_thread *s = arg;
	struct api_piece *q;
	bool ok = true;

	while (ok && (q = api_thread_next(s)) != NULL) {
		ok = api_thread_parse(s, q->p, q->n);
		free(q);
	}
	if (!ok) {
		pthread_mutex_lock(&s->lock);
		s->refused = true;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* End the parser thread: after the last piece (done), or at once (stop).
 * The parser is the worker's again. */
static void
api_thread_join(struct api_thread *s, bool stop)
{
	struct api_piece *q;

	if (!s->started)
		return;
	pthread_mutex_lock(&s->lock);
	s->done = true;
	s->stop = stop;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	s->started = false;
	while ((q = s->head) != NULL) {      /* what a refusal or a stop left */
		s->head = q->next;
		free(q);
	}
	s->tail = NULL;
	s->queued = 0;
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

static void
api_thread_drop(struct call *c)
{
	struct api_thread *s = c->stream_state;

	if (s == NULL)
		return;
	api_thread_join(s, true);
	api_list_free(s->l);
	free(s);
	c->stream_state = NULL;
}

static int
api_thread_begin(struct call *c)
{
	struct api_thread *s;

	api_thread_drop(c);
	if ((s = calloc(1, sizeof *s)) == NULL)
		return -1;
	if ((s->l = api_list_new(c->op == API_TM_LIST)) == NULL) {
		free(s);
		return -1;
	}
	s->progress = c->progress;
	if (s->progress != NULL)
		atomic_store_explicit(&s->progress->items, 0, memory_order_relaxed);
	c->stream_state = s;
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		return 0;
	if (pthread_cond_init(&s->cond, NULL) != 0) {
		pthread_mutex_destroy(&s->lock);
		return 0;
	}
	if (pthread_create(&s->thread, NULL, api_thread_run, s) != 0) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		return 0;       /* parsed on the worker */
	}
	s->started = true;
	return 0;
}

/* Queue a copy of the piece for the parser. 0, or -1: refused (or out of
 * memory: the parser is told, and says so at the end). */
static int
api_thread_feed(struct call *c, const char *p, size_t n)
{
	struct api_thread *s = c->stream_state;
	struct api_piece *q;
	bool refused;

	if (!s->started)
		return api_thread_parse(s, p, n) ? 0 : -1;
	if (n == 0)
		return 0;
	if ((q = malloc(sizeof *q + n)) == NULL) {
		s->nomem = true;                /* end says so */
		return -1;
	}
	q->next = NULL;
	q->n = n;
	memcpy(q->p, p, n);
	pthread_mutex_lock(&s->lock);
	while (!s->refused && s->queued > 0 && s->queued + n > API_THREAD_AHEAD)
		pthread_cond_wait(&s->cond, &s->lock);
	if (!(refused = s->refused)) {
		if (s->tail != NULL)
			s->tail->next = q;
		else
			s->head = q;
		s->tail = q;
		s->queued += n;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	if (refused)
		free(q);
	return refused ? -1 : 0;
}

static enum patrol_status
api_thread_end(struct call *c)
{
	struct api_thread *s = c->stream_state;
	struct token_table *t;

	api_thread_join(s, false);
	if (s->nomem || (t = calloc(1, sizeof *t)) == NULL)
		return api_nomem(&c->err);
	if (api_list_finish(s->l, t, &c->err) != PATROL_OK) {
		free(t);
		return c->err.status;
	}
	c->result = t;
	c->result_free = api_table_free_v;
	if (s->progress != NULL)
		atomic_store_explicit(&s->progress->items, t->n, memory_order_relaxed);
	return PATROL_OK;
}

static const struct call_stream api_thread_stream = {
	api_thread_begin, api_thread_feed, api_thread_end, api_thread_drop,
};

void
api_list_own_thread(struct call *c)
{
	if (c != NULL && c->stream == &api_list_stream && sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		c->stream = &api_thread_stream;
}
