/*
 * call.c: allocation and release of calls.
 */

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "secret.h"

struct call *
call_new(int op, const char *method, const char *path)
{
	struct call *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->path = strdup(path);
	if (c->path == NULL) {
		free(c);
		return NULL;
	}
	c->op = op;
	c->method = method;
	status_clear(&c->err);
	return c;
}

void
call_free(struct call *c)
{
	if (c == NULL)
		return;
	if (c->stream != NULL && c->stream_state != NULL)
		c->stream->drop(c);
	free(c->path);
	secret_free(c->body);
	if (c->result != NULL && c->result_free != NULL)
		c->result_free(c->result);
	free(c);
}

void *
call_take_result(struct call *c)
{
	void *r = c->result;

	c->result = NULL;
	return r;
}
