/*
 * api_int.h: what the files of the API layer share (api.c, api_list.c,
 * api_list_thread.c, api_error.c, api_text.c). Nothing outside api*.c
 * includes it.
 *
 * api_fields is the one table of the TokenInfo fields: their JSON names,
 * how each is read and where it goes in a row. api.c reads it through
 * jansson (one token: get, update, create) and writes it back out;
 * api_list.c reads it from YAJL's events (the list, as it streams).
 */
#ifndef PATROL_API_INT_H
#define PATROL_API_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "status.h"
#include "token.h"

/* ASCII white space (JSON's and HTML's). */
bool api_is_space(char ch);
/* Trim ASCII white space from both ends of the span (*s, *n). */
void api_trim(const char **s, size_t *n);
/* Copy n bytes of src (stopping at a NUL) into dst of size dstn, cutting at
 * a UTF-8 character boundary when it does not fit. */
void api_copy(char *dst, size_t dstn, const char *src, size_t n);
/* api_copy of a NUL-terminated src. */
void api_copystr(char *dst, size_t dstn, const char *src);


enum api_ftype { API_F_ID, API_F_STR, API_F_I64, API_F_EXPIRY, API_F_STRV };

struct api_field {
	const char *name;
	enum api_ftype type;
	size_t off;          /* API_F_I64, API_F_EXPIRY: offset of the member in struct token_info */
	int which;           /* API_F_STR: enum token_text; API_F_STRV: enum token_list */
	bool management;     /* TokenInfo only (Token Management API) */
};

/* At most 32 (api_list.c keeps a bit for each field of a token). */
extern const struct api_field api_fields[];
extern const size_t api_nfields;
/* The fields of t that api_token_to_json writes (absent ones are
 * omitted; management adds the TokenInfo fields), bit i for api_fields[i]. */
uint32_t api_token_shape(const struct token_info *t, bool management);

/* "an object", "an integer", … for a JSON type (messages name what came). */
const char *api_json_type_name(json_type t);
/* The int64 member of t at off (a field's). */
int64_t *api_member(struct token_info *t, size_t off);
/* Parse a decimal int64 with nothing around it (NUL-terminated). */
bool api_parse_i64(const char *s, int64_t *out);
/* PATROL_NOMEM "out of memory parsing the answer" into err. */
enum patrol_status api_nomem(struct patrol_err *err);
/* The messages of a field that is not what it should be: "field \"x\":
 * expected an integer, got a string"; "token_id is not a token id (…)".
 * Both return PATROL_PROTOCOL. */
enum patrol_status api_wrong_json_type(const char *name, const char *want, json_type got,
				       struct patrol_err *err);
enum patrol_status api_bad_id(const struct api_field *f, struct patrol_err *err);
/* The result_free of a call whose result is a struct token_table *. */
void api_table_free_v(void *p);

/* The list calls (api_list.c): the whole body parsed at once (c->parse), or
 * the stream of call.h; both give the same table. Management lists are the
 * calls of API_TM_LIST. */
enum patrol_status api_list_parse_call(struct call *c, const char *body, size_t len);
extern const struct call_stream api_list_stream;

#endif
