/*
 * emu_api.h: the HTTP endpoints of patrol-emulator, without the transport.
 *
 * emulator.c hands over a parsed request (method, path, body, headers and a
 * query-argument getter) and gets back a status, a body and its content type.
 * The caller holds the state mutex for the whole call.
 */
#ifndef PATROL_EMU_API_H
#define PATROL_EMU_API_H

#include <stddef.h>

#include "emu_state.h"

struct emu_req {
	const char	*method;
	const char	*path;		/* without the query string */
	const char	*body;
	size_t		 body_len;
	const char	*authorization;	/* header value or NULL */
	const char	*host;		/* the Host header or NULL */
	/* Query argument by name, or NULL. */
	const char	*(*arg)(void *cls, const char *key);
	void		*arg_cls;
};

struct emu_resp {
	int		 status;
	char		*body;		/* malloc'd, may be NULL for no body */
	size_t		 len;
	const char	*ctype;
	long		 retry_after;	/* -1: no Retry-After header */
	const char	*location;	/* a Location header, or NULL */
};

/* Answer one request. resp is filled; its body belongs to the caller. */
void		 emu_api_handle(struct emu_state *, const struct emu_req *,
		     struct emu_resp *);
/* Whether faults may apply to this path. */
int		 emu_api_faultable(const char *path);
/* Whether the path is test control (/emulator/…), not counted in stats. */
int		 emu_api_is_control(const char *path);
/* A string error_code error with request details. */
void		 emu_api_error(struct emu_state *, struct emu_resp *, int status,
		     const char *code, const char *msg);
/* Set resp to a copy of s. */
void		 emu_api_reply(struct emu_resp *, int status, const char *ctype,
		     const char *s);

#endif
