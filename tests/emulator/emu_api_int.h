/*
 * emu_api_int.h: what the handler files of patrol-emulator's API share.
 *
 * emu_api.c routes requests, authenticates them and serves the token, SCIM
 * Me, workspace-conf and OAuth endpoints; emu_api_perm.c serves the token
 * permissions and the SCIM service principals; emu_api_ctl.c serves test
 * control (/emulator/...). A handler gets the context, reads the request,
 * changes the state and writes the answer into x->resp.
 */
#ifndef PATROL_EMU_API_INT_H
#define PATROL_EMU_API_INT_H

#include <stdint.h>

#include <jansson.h>

#include "emu_api.h"

#define EMU_WILD_MAX 256

struct emu_ctx {
	struct emu_state	*st;
	const struct emu_req	*req;
	struct emu_resp		*resp;
	struct emu_user		*caller;
	json_t			*body;	/* after emu_body; freed by the router */
	char			 wild[EMU_WILD_MAX];	/* the "*" of the route */
};

/* Answer a JSON document (the reference is stolen; NULL answers 500). */
void		 emu_reply_json(struct emu_ctx *, int status, json_t *doc);
/* Answer the contents of a buffer, which is taken over. */
void		 emu_reply_buf(struct emu_ctx *, int status, struct emu_buf *);
/* Answer a string error_code error with request details. */
void		 emu_err(struct emu_ctx *, int status, const char *code,
		     const char *msg);
void		 emu_errf(struct emu_ctx *, int status, const char *code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Parse the body as a JSON object into x->body (empty means {}); answers
 * 400 and returns -1 if it is not one. */
int		 emu_body(struct emu_ctx *);
/* An int64 given as a JSON integer or a string of digits; -1 if neither. */
int		 emu_json_int(json_t *, int64_t *out);
/* An optional int64 field of the body: 0 absent (or null), 1 set, -1
 * answered 400. */
int		 emu_opt_int(struct emu_ctx *, const char *key, int64_t *out);
/* An optional string field of the body: NULL when absent; -1 answered 400. */
int		 emu_opt_str(struct emu_ctx *, const char *key, const char **out);
/* Scopes as compact JSON (NULL for none or []); answers 400 on a bad value. */
int		 emu_check_scopes(struct emu_ctx *, json_t *, char **out);
/* The workspace's maximum token lifetime in days. */
int		 emu_max_days(const struct emu_state *);

/* Whether a PAT may call method on a path of scope: its owner may use
 * tokens and its scopes allow it (emu_access.h, emu_scope.h); answers 403
 * PERMISSION_DENIED and returns 0 if not. */
int		 emu_pat_allowed(struct emu_ctx *, const struct emu_token *,
		     const char *scope, const char *method);
/* The SCIM "groups" of u: [{"display","type","value","$ref"}…]. */
json_t		*emu_scim_groups(const struct emu_state *, const struct emu_user *);

/* emu_api_perm.c */
void		 h_perm_get(struct emu_ctx *);
void		 h_perm_put(struct emu_ctx *);
void		 h_perm_patch(struct emu_ctx *);
void		 h_perm_levels(struct emu_ctx *);
void		 h_sp_list(struct emu_ctx *);
void		 h_sp_get(struct emu_ctx *);

/* emu_api_ctl.c */
void		 h_stats(struct emu_ctx *);
void		 h_reset_stats(struct emu_ctx *);
void		 h_ctl_token(struct emu_ctx *);
void		 h_clock_get(struct emu_ctx *);
void		 h_clock_post(struct emu_ctx *);
void		 h_ctl_use(struct emu_ctx *);
void		 h_ctl_hold(struct emu_ctx *);
void		 h_ctl_release(struct emu_ctx *);
void		 h_ctl_lie(struct emu_ctx *);

#endif
